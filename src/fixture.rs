//! Recorded answers: the fixture file format, the request a fixture
//! answers, and safe, atomic writes.
//!
//! A fixture is the server's answer to one request and nothing else: which
//! request (method, address as the spec writes it, where the credential
//! comes from; never a secret), the status and the JSON body, scrubbed. No
//! header is stored but the one a provider reads privileges from, so no
//! `Authorization` or cookie can be. Keys are written sorted so re-recording
//! gives small diffs.
//!
//! Architecture invariant: a fixture answers only the request the spec asks
//! now. Replay compares the stored request with the one the spec would make
//! and fails on any difference (issue 10, item 7), but for the order of what
//! a spec lists as a set (Vault's `paths`, Kubernetes' `namespaces`;
//! [`FixtureRequest::answers`], issue 39).

mod request;

use crate::plan::{Api, Case, Credential, Endpoint, SecretSource};
use crate::provider::TokenPlace;
use crate::secret::REDACTED;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::io::Write;
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Fixture {
    pub recorded_at: String,
    pub provider: String,
    pub request: FixtureRequest,
    /// The answer; none for `provider: probes`, which asks nothing but its
    /// probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<FixtureResponse>,
    /// What each probe answered, in the spec's order: the request as
    /// written, the status, and a refusal's explanation; never a body.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<crate::provider::probe::Seen>,
}

/// The request a fixture answers, as the spec wrote it: `${VAR}` parts of
/// the address unresolved, the inspected token's query parameter as
/// `[REDACTED]`, and where each credential comes from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureRequest {
    pub method: String,
    pub url: String,
    pub credential: String,
    /// The request headers the spec sets (`provider: http`; Vault's
    /// namespace).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// For a provider that asks several requests (`Provider::steps`),
    /// every one, as `LABEL: METHOD URL BODY`: what each asks (Vault's
    /// paths, each Kubernetes namespace) is part of the request, so a
    /// changed list can never replay an old answer. `method` and `url` are
    /// the first step's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub steps: Vec<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FixtureResponse {
    pub status: u16,
    /// Only a header the provider reads privileges from (`x-oauth-scopes`);
    /// no other header is ever stored.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
    /// Shared: the cases of one request store the same scrubbed body.
    pub body: std::sync::Arc<Value>,
}

/// The request `case` asks now, in the form a fixture stores it.
pub(crate) fn request_of(case: &Case) -> FixtureRequest {
    let token = source(&case.credential);
    match &*case.api {
        Api::Jwt { .. } => FixtureRequest {
            method: "DECODE".into(),
            url: "(none: the token is decoded offline)".into(),
            credential: match &case.credential {
                Credential::Bearer(s) => format!("token from {}, decoded offline", from(s)),
                other => source(other),
            },
            headers: BTreeMap::new(),
            steps: Vec::new(),
        },
        api => {
            let (base, via) = match api {
                Api::Introspection {
                    endpoint: Endpoint::Discovery(d),
                    ..
                } => ("{introspection_endpoint}".to_owned(), Some(d.written())),
                _ => (
                    case.address().map(|(_, t)| t.written()).unwrap_or_default(),
                    None,
                ),
            };
            let request = case.provider.request(api, &base);
            let (method, mut url, place, headers) = match request {
                Some(r) => (r.method.to_owned(), r.url, r.token, r.headers),
                // Probes only: nothing is asked but the probes.
                None if case.provider == crate::plan::Provider::Probes => (
                    "PROBES".to_owned(),
                    base.clone(),
                    TokenPlace::Header,
                    Vec::new(),
                ),
                None => (String::new(), base.clone(), TokenPlace::Header, Vec::new()),
            };
            if let Some(via) = via {
                url = url.replace(
                    "{introspection_endpoint}",
                    &format!("the introspection_endpoint of {via}"),
                );
            }
            let inspected = match &case.credential {
                Credential::Bearer(s) | Credential::Raw(s) => from(s).to_string(),
                other => source(other),
            };
            let how = match &place {
                TokenPlace::Query { param, .. } => {
                    url.push(if url.contains('?') { '&' } else { '?' });
                    url.push_str(&format!("{param}={REDACTED}"));
                    format!("token from {inspected} in the query parameter {param}")
                }
                TokenPlace::Form(field) => {
                    format!("token from {inspected} in the form field {field}")
                }
                TokenPlace::Named(header) => {
                    format!("token from {inspected} in the header {header}")
                }
                TokenPlace::Header => token,
            };
            let credential = match api {
                Api::Coveo { caller, .. } => match caller {
                    Some(c) => format!("{how}; caller {}", source(c)),
                    None => format!("{how}; the token calls for itself"),
                },
                Api::Introspection { client, .. } => format!("{how}; client {}", client_of(client)),
                _ => how,
            };
            let steps = case
                .provider
                .steps(api, &base)
                .into_iter()
                .map(|s| {
                    let body = match &s.request.body {
                        crate::provider::Body::Json(v) => format!(" {v}"),
                        _ => String::new(),
                    };
                    format!("{}: {} {}{body}", s.label, s.request.method, s.request.url)
                })
                .collect();
            FixtureRequest {
                method,
                url,
                credential,
                headers: headers.into_iter().collect(),
                steps,
            }
        }
    }
}

/// Where one secret comes from, without its value (`env KEY`), to be
/// written into a longer text: no string of its own.
fn from(s: &SecretSource) -> SourceText<'_> {
    SourceText(s)
}

/// [`from`]'s text, written where it is used.
struct SourceText<'a>(&'a SecretSource);

impl std::fmt::Display for SourceText<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0 {
            SecretSource::Env(var) => write!(f, "env {var}"),
            SecretSource::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// How an introspecting client authenticates.
fn client_of(client: &Credential) -> String {
    match client {
        Credential::Basic { username, password } => format!(
            "id from {}, secret from {} (client_secret_basic)",
            from(username),
            from(password)
        ),
        Credential::ClientPost { id, secret } => format!(
            "id from {}, secret from {} (client_secret_post)",
            from(id),
            from(secret)
        ),
        other => source(other),
    }
}

/// Where a credential comes from and how it is sent, without its value.
fn source(credential: &Credential) -> String {
    match credential {
        Credential::Bearer(s) => format!("bearer from {}", from(s)),
        Credential::Raw(s) => format!("raw from {}", from(s)),
        Credential::Basic { username, password } => format!(
            "basic, user from {}, password from {}",
            from(username),
            from(password)
        ),
        Credential::Login { username, password } => format!(
            "login, user from {}, password from {}",
            from(username),
            from(password)
        ),
        Credential::ClientPost { id, secret } => format!(
            "client_secret_post, id from {}, secret from {}",
            from(id),
            from(secret)
        ),
    }
}

/// Where a case's answer waits for review (`PERMSPEC_RECORD=pending`):
/// `<fixture>.new`.
pub(crate) fn pending_path(fixture: &Path) -> PathBuf {
    let mut name = fixture.as_os_str().to_owned();
    name.push(".new");
    PathBuf::from(name)
}

/// Why a fixture could not be used. `Missing` is told apart because its
/// hint differs: record it, rather than repair it.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum ReadError {
    Missing,
    Invalid(String),
}

/// Fixtures larger than this are refused: no API answer we read is close.
const MAX_FIXTURE_BYTES: u64 = 4 << 20;

/// Reads the fixture at `path`, which must lie under `root` with no link
/// on the way (issue 10, item 14).
pub(crate) fn read(root: &Path, path: &Path) -> Result<Fixture, ReadError> {
    use std::io::Read;
    check_path(root, path, Last::OpenedWithoutFollowing).map_err(ReadError::Invalid)?;
    let file = match open_no_follow(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ReadError::Missing),
        // The file itself is a link: say so as `no_links` would.
        Err(_) if is_link(path) => return Err(ReadError::Invalid(link_refused(path))),
        Err(e) => return Err(ReadError::Invalid(format!("cannot read it: {e}"))),
    };
    // One buffer per thread, larger than a typical fixture, so one read
    // fetches it and no read allocates: a fresh 16 KB buffer per fixture
    // is too large for the allocator's per-thread cache and cost more than
    // the read (BENCHMARKS.md, "2026-12-07 (third session)").
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    const KEPT: usize = 16 * 1024;
    BUFFER.with(|buffer| {
        // Taken, not borrowed: nothing here can re-enter, but a taken
        // buffer cannot be borrowed twice whatever calls this.
        let mut bytes = std::mem::take(&mut *buffer.borrow_mut());
        bytes.clear();
        bytes.reserve(KEPT);
        // Read at most one byte past the limit: no stat, and no huge read.
        let result = match file.take(MAX_FIXTURE_BYTES + 1).read_to_end(&mut bytes) {
            Err(e) => Err(ReadError::Invalid(format!("cannot read it: {e}"))),
            Ok(_) if bytes.len() as u64 > MAX_FIXTURE_BYTES => Err(ReadError::Invalid(format!(
                "it is over the {MAX_FIXTURE_BYTES}-byte limit"
            ))),
            Ok(_) => parse(&bytes),
        };
        // A rare large fixture does not keep its buffer.
        if bytes.capacity() > 4 * KEPT {
            bytes = Vec::new();
        }
        *buffer.borrow_mut() = bytes;
        result
    })
}

/// A fixture from its bytes: never panics, whatever they are.
///
/// The bytes are checked as UTF-8 once, as a whole, and then read as text:
/// read as bytes, serde_json checks each string on its own, which cost
/// more (JSON outside strings is ASCII, so both refuse the same files).
pub(crate) fn parse(bytes: &[u8]) -> Result<Fixture, ReadError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        ReadError::Invalid(format!(
            "it is not a permspec fixture: not UTF-8 text (at byte {})",
            e.valid_up_to()
        ))
    })?;
    serde_json::from_str(text)
        .map_err(|e| ReadError::Invalid(format!("it is not a permspec fixture: {e}")))
}

/// The fixture as written: pretty JSON and a final newline.
pub(crate) fn text(fixture: &Fixture) -> std::io::Result<String> {
    let mut text = serde_json::to_string_pretty(fixture).map_err(std::io::Error::other)?;
    text.push('\n');
    Ok(text)
}

/// Writes a fixture's [`text`] under `root`, atomically, through no link.
pub(crate) fn write(root: &Path, path: &Path, text: &str) -> Result<(), String> {
    no_links(root, path)?;
    write_atomic(path, text).map_err(|e| e.to_string())
}

/// Checks that `path` is `root` joined with plain names (no `..`, no root,
/// no prefix), and that nothing between them that exists is a symbolic
/// link: permspec never reads or writes through a link under fixtures/.
pub(crate) fn no_links(root: &Path, path: &Path) -> Result<(), String> {
    check_path(root, path, Last::Looked)
}

/// How [`check_path`] treats the path's last component.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Last {
    /// Looked at like the folders: it must not be a link.
    Looked,
    /// Not looked at: the caller opens it with [`open_no_follow`], which
    /// refuses a link there in the same system call that opens the file
    /// (no window between a look and the open, and one call fewer).
    OpenedWithoutFollowing,
}

/// Opens `path` for reading, refusing to follow a link in its last
/// component (`O_NOFOLLOW`; the folders before it are [`check_path`]'s).
fn open_no_follow(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NOFOLLOW);
    }
    #[cfg(not(unix))]
    if is_link(path) {
        return Err(std::io::Error::other("a symbolic link"));
    }
    options.open(path)
}

fn is_link(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

fn link_refused(at: &Path) -> String {
    format!(
        "{} is a symbolic link; permspec never writes through a link, nor reads one \
         (replace it with a folder or file of its own)",
        crate::plan::display_path(at)
    )
}

fn check_path(root: &Path, path: &Path, last: Last) -> Result<(), String> {
    // The folder of this thread's last read, found plain under the same
    // root: the cases of one spec read their fixtures from one folder, one
    // after another, so most reads need no walk at all. Only a plain name
    // may follow it (`file_name` is none for `..`).
    thread_local! {
        static LAST: std::cell::RefCell<Option<(PathBuf, PathBuf)>> =
            const { std::cell::RefCell::new(None) };
    }
    let folder = path.parent().filter(|_| path.file_name().is_some());
    let same = |last: &Option<(PathBuf, PathBuf)>| match (last, folder) {
        (Some((r, f)), Some(folder)) => {
            r.as_os_str() == root.as_os_str() && f.as_os_str() == folder.as_os_str()
        }
        _ => false,
    };
    if last == Last::OpenedWithoutFollowing && LAST.with_borrow(same) {
        return Ok(());
    }
    walk(root, path, last)?;
    // Only a folder the walk found there, plain (not one yet to be made).
    if let (Last::OpenedWithoutFollowing, Some(folder)) = (last, folder)
        && plain_folders()
            .lock()
            .is_ok_and(|known| known.contains(folder))
    {
        LAST.set(Some((root.to_path_buf(), folder.to_path_buf())));
    }
    Ok(())
}

/// Folders already found plain: a run of 10,000 fixtures in 1,000
/// folders then costs one `lstat` per folder, not two per fixture.
fn plain_folders() -> &'static std::sync::Mutex<HashSet<PathBuf>> {
    static PLAIN: std::sync::OnceLock<std::sync::Mutex<HashSet<PathBuf>>> =
        std::sync::OnceLock::new();
    PLAIN.get_or_init(Default::default)
}

fn walk(root: &Path, path: &Path, last: Last) -> Result<(), String> {
    let rel = path.strip_prefix(root).map_err(|_| {
        format!(
            "{} is not under the fixtures folder {}",
            crate::plan::display_path(path),
            crate::plan::display_path(root)
        )
    })?;
    let plain = plain_folders();
    let parts: Vec<Component<'_>> = rel.components().collect();
    let mut at = root.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        let Component::Normal(name) = part else {
            return Err(format!(
                "{} leaves the fixtures folder",
                crate::plan::display_path(path)
            ));
        };
        at.push(name);
        let folder = i + 1 < parts.len();
        if !folder && last == Last::OpenedWithoutFollowing {
            break;
        }
        if folder && plain.lock().is_ok_and(|known| known.contains(&at)) {
            continue;
        }
        match std::fs::symlink_metadata(&at) {
            Ok(m) if m.file_type().is_symlink() => return Err(link_refused(&at)),
            Ok(m) if folder && m.is_dir() => {
                if let Ok(mut known) = plain.lock() {
                    known.insert(at.clone());
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// Writes `text` next to `path`, syncs it, then renames it into place, so a
/// reader never sees half a file and a failed write loses nothing (fixtures,
/// and the specs `init` writes). The temporary file is created new, so a
/// link put in its place is never followed.
pub(crate) fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    let tmp = stage(path, text)?;
    commit(&tmp, path)
}

/// The first half of [`write_atomic`]: the text in a synced temporary file
/// beside `path`, whose name is returned.
pub(crate) fn stage(path: &Path, text: &str) -> std::io::Result<PathBuf> {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let result = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&tmp)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()
    })();
    match result {
        Ok(()) => Ok(tmp),
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// The second half: the staged file renamed into place.
pub(crate) fn commit(tmp: &Path, path: &Path) -> std::io::Result<()> {
    std::fs::rename(tmp, path).inspect_err(|_| {
        let _ = std::fs::remove_file(tmp);
    })
}

/// Now, as `2026-11-20T08:00:00Z` (`PERMSPEC_NOW` pins the clock).
pub(crate) fn now_utc() -> String {
    crate::time::format_utc(u64::try_from(crate::time::now()).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn sample() -> Fixture {
        Fixture {
            recorded_at: "2026-11-20T08:00:00Z".into(),
            provider: "docspace".into(),
            request: FixtureRequest {
                method: "GET".into(),
                url: "https://portal.example.com/api/2.0/keys/@self".into(),
                credential: "bearer from env KEY".into(),
                headers: BTreeMap::new(),
                steps: Vec::new(),
            },
            response: Some(FixtureResponse {
                status: 200,
                headers: BTreeMap::new(),
                body: json!({"response": {"permissions": ["files:read"]}, "status": 0}).into(),
            }),
            probes: Vec::new(),
        }
    }

    fn temp(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("permspec-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn write_then_read_round_trips_and_leaves_no_temporary_file() {
        let dir = temp("fixture");
        let path = dir.join("docspace/ci.json");
        write(&dir, &path, &text(&sample()).unwrap()).unwrap();
        assert_eq!(read(&dir, &path).unwrap(), sample());
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("ci.json")]);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.starts_with("{\n  \"recorded_at\""), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn missing_and_broken_fixtures_are_told_apart() {
        let dir = temp("fixture-b");
        assert_eq!(read(&dir, &dir.join("nope.json")), Err(ReadError::Missing));
        let path = dir.join("cut.json");
        std::fs::write(&path, "{\"recorded_at\": \"2026").unwrap();
        let Err(ReadError::Invalid(why)) = read(&dir, &path) else {
            panic!()
        };
        assert!(why.contains("line 1"), "{why}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn a_fixture_that_is_not_utf8_is_refused_wherever_the_bad_byte_is() {
        let good = text(&sample()).unwrap();
        assert_eq!(parse(good.as_bytes()).unwrap(), sample());
        // In a string (the body's permission), and outside any string.
        let at = good.find("files:read").unwrap() + "files:r".len();
        let mut in_string = good.clone().into_bytes();
        in_string[at] = 0xff;
        let mut outside = good.clone().into_bytes();
        outside.insert(1, 0xc3);
        for bytes in [in_string, outside] {
            let Err(ReadError::Invalid(why)) = parse(&bytes) else {
                panic!("accepted {}", String::from_utf8_lossy(&bytes))
            };
            assert!(why.contains("not UTF-8 text (at byte "), "{why}");
        }
    }

    /// Issue 10, item 14.
    #[test]
    fn paths_outside_the_root_or_through_links_are_refused() {
        let dir = temp("fixture-links");
        let root = dir.join("fixtures");
        std::fs::create_dir_all(&root).unwrap();
        let e = no_links(&root, &root.join("../x.json")).unwrap_err();
        assert!(e.contains("leaves the fixtures folder"), "{e}");
        assert!(no_links(&root, &dir.join("x.json")).is_err());
        #[cfg(unix)]
        {
            std::fs::create_dir_all(dir.join("elsewhere")).unwrap();
            std::os::unix::fs::symlink(dir.join("elsewhere"), root.join("keys")).unwrap();
            let e = write(&root, &root.join("keys/a.json"), &text(&sample()).unwrap()).unwrap_err();
            assert!(e.contains("is a symbolic link"), "{e}");
            assert_eq!(std::fs::read_dir(dir.join("elsewhere")).unwrap().count(), 0);

            // The fixture itself a link to a valid fixture: refused when
            // read (O_NOFOLLOW), and so is a dangling one, which is not
            // "missing" either.
            let real = dir.join("elsewhere/real.json");
            std::fs::write(&real, text(&sample()).unwrap()).unwrap();
            std::fs::create_dir_all(root.join("docspace")).unwrap();
            let linked = root.join("docspace/ci.json");
            std::os::unix::fs::symlink(&real, &linked).unwrap();
            let Err(ReadError::Invalid(e)) = read(&root, &linked) else {
                panic!("a linked fixture was read")
            };
            assert!(e.contains("ci.json is a symbolic link"), "{e}");
            let dangling = root.join("docspace/gone.json");
            std::os::unix::fs::symlink(dir.join("elsewhere/nothing.json"), &dangling).unwrap();
            let Err(ReadError::Invalid(e)) = read(&root, &dangling) else {
                panic!("a dangling link was not refused")
            };
            assert!(e.contains("gone.json is a symbolic link"), "{e}");
            // A folder missing at one read and a link at the next is
            // refused at the next: only a folder found plain is remembered.
            let late = root.join("late");
            assert_eq!(read(&root, &late.join("a.json")), Err(ReadError::Missing));
            std::os::unix::fs::symlink(dir.join("elsewhere"), &late).unwrap();
            let Err(ReadError::Invalid(e)) = read(&root, &late.join("real.json")) else {
                panic!("read through a folder that became a link")
            };
            assert!(e.contains("late is a symbolic link"), "{e}");
            // The folder of the last read, remembered, does not let a
            // path leave the root, nor stand for another root.
            std::fs::write(root.join("docspace/one.json"), text(&sample()).unwrap()).unwrap();
            assert!(read(&root, &root.join("docspace/one.json")).is_ok());
            let Err(ReadError::Invalid(e)) = read(&root, &root.join("docspace/../../x.json"))
            else {
                panic!("left the root")
            };
            assert!(e.contains("leaves the fixtures folder"), "{e}");
            assert!(read(&dir.join("elsewhere"), &root.join("docspace/one.json")).is_err());
            // The same file, not through a link, reads.
            std::fs::rename(&real, root.join("docspace/plain.json")).unwrap();
            assert_eq!(read(&root, &root.join("docspace/plain.json")), Ok(sample()));
        }
        std::fs::remove_dir_all(dir).unwrap();
    }
}
