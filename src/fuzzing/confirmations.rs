//! The `confirmations` fuzz target: a fixtures folder's manifest, read
//! and updated against a model of it.

use super::*;

/// The `confirmations` target: `data` is a fixtures folder's
/// `confirmations.json` and, after the first NUL, the `recorded_at` of the
/// one fixture in it (without a NUL: [`CONFIRMED_RECORDED_AT`], 61 days
/// before [`CONFIRMED_NOW`], so stale under the 30-day limit unless a
/// confirmation makes it younger). The manifest only ever makes a fixture
/// younger, so whatever its bytes:
///
/// - it reads the same twice, and only a manifest confirms anything: bytes
///   that are not one (not JSON, an unknown field, ...) read as empty, as
///   if the file were missing; a manifest reads as its entries;
/// - replaying the fixture with what it read gives what replaying without
///   any confirmation gives, unless an entry confirms this very recording
///   (`of` is its `recorded_at`). Then only a stale fixture may pass, and
///   only when the entry's `at` is a time not in the future; a fixture
///   that passes alone fails only with an error naming the manifest; any
///   other failure stays the same;
/// - every error is one line with no hostile character;
/// - `update` (the writer) keeps every other entry, notes or drops this
///   fixture's, and what it writes reads back as that.
///
/// Returns what replay gives without the manifest and with it: when the
/// fixture was last confirmed (none: it counts from `recorded_at`), or the
/// error.
pub fn replay_confirmed(data: &[u8]) -> [Result<Option<String>, String>; 2] {
    let (manifest, recorded_at) = match data.iter().position(|b| *b == 0) {
        Some(i) => (
            &data[..i],
            String::from_utf8_lossy(&data[i + 1..]).into_owned(),
        ),
        None => (data, CONFIRMED_RECORDED_AT.to_owned()),
    };
    SCRATCH.with(|s| s.check(manifest, &recorded_at))
}

/// The replay time of the `confirmations` target.
pub const CONFIRMED_NOW: &str = "2026-12-01T00:00:00Z";
/// The `recorded_at` of its fixture when the input names none.
pub const CONFIRMED_RECORDED_AT: &str = "2026-10-01T00:00:00Z";
/// Its fixture, as the manifest names it.
const CONFIRMED_KEY: &str = "fuzz/app.json";
/// Its age limit: 30 days.
const CONFIRMED_MAX_AGE: i64 = 30 * 86_400;
/// How far in the future replay accepts a time (`evidence::CLOCK_SKEW`).
const CONFIRMED_SKEW: i64 = 300;

thread_local! {
    /// One fixtures folder per thread, reused by every input (and removed
    /// when the thread ends), with the case whose fixture is in it.
    static SCRATCH: Scratch = Scratch::new();
}

struct Scratch {
    dir: std::path::PathBuf,
    root: std::path::PathBuf,
    case: plan::Case,
    now: i64,
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

type ConfirmedMap = BTreeMap<std::path::PathBuf, crate::confirmations::Confirmation>;

impl Scratch {
    fn new() -> Scratch {
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!(
            "permspec-fuzz-confirmations-{}-{n}",
            std::process::id()
        ));
        let _ = std::fs::remove_dir_all(&dir);
        let root = dir.join("fixtures");
        std::fs::create_dir_all(root.join("fuzz")).expect("a scratch fixtures folder");
        let spec = Arc::new(SpecFile {
            display: "specs/fuzz.yaml".into(),
            id: "fuzz".into(),
            dir: "specs".into(),
            fixtures: root.clone(),
            locate: true,
        });
        let yaml = "provider: coveo\norganization: org\ntokens:\n  app:\n    credential: { env: \
                    FUZZ_COVEO_KEY }\n    expect:\n      at_most: [SEARCH_API:EXECUTE_QUERY]\n";
        let case = match plan::plan_bytes(spec, yaml.as_bytes().to_vec(), &root).pop() {
            Some(Entry::Case(case)) => *case,
            other => panic!("the confirmations target's spec plans one case: {other:?}"),
        };
        assert_eq!(
            crate::confirmations::key(&root, &case.fixture).as_deref(),
            Some(CONFIRMED_KEY)
        );
        let now = crate::time::parse_timestamp(CONFIRMED_NOW).expect("a timestamp");
        Scratch {
            dir,
            root,
            case,
            now,
        }
    }

    /// The paths a manifest's entries name, as `confirmations::read` maps
    /// them (a later key wins where two name one path).
    fn paths(
        &self,
        entries: &BTreeMap<String, crate::confirmations::Confirmation>,
    ) -> ConfirmedMap {
        entries
            .iter()
            .map(|(k, v)| {
                let path = k.split('/').fold(self.root.clone(), |p, c| p.join(c));
                (path, v.clone())
            })
            .collect()
    }

    fn context(
        &self,
        confirmed: ConfirmedMap,
        unread: Option<String>,
    ) -> crate::evidence::ReplayContext {
        crate::evidence::ReplayContext {
            now: self.now,
            max_age: Ok(Some(CONFIRMED_MAX_AGE)),
            confirmed,
            unread: unread
                .map(|why| (self.root.clone(), why))
                .into_iter()
                .collect(),
            orphans: Vec::new(),
            pending: Default::default(),
        }
    }

    fn check(&self, manifest: &[u8], recorded_at: &str) -> [Result<Option<String>, String>; 2] {
        use crate::confirmations::{self, Confirmation};
        let file = self.root.join(confirmations::FILE);
        std::fs::write(&file, manifest).expect("the scratch manifest is written");
        let fixture = crate::fixture::Fixture {
            recorded_at: recorded_at.to_owned(),
            provider: "coveo".into(),
            request: crate::fixture::request_of(&self.case),
            response: Some(crate::fixture::FixtureResponse {
                status: 200,
                headers: BTreeMap::new(),
                body: Arc::new(serde_json::json!([
                    { "owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*" }
                ])),
            }),
            probes: Vec::new(),
        };
        let text = crate::fixture::text(&fixture).expect("a fixture serializes");
        std::fs::write(&self.case.fixture, text).expect("the scratch fixture is written");

        // Read twice, the same; only a manifest confirms anything, and
        // bytes that are not one are an error that names the file.
        let read = confirmations::read(&self.root);
        assert_eq!(
            read,
            confirmations::read(&self.root),
            "read twice, it differs"
        );
        if let Err(why) = &read {
            assert!(
                why.contains(confirmations::FILE) && !why.chars().any(crate::escape::hostile),
                "an unread manifest is not named in one plain line: {why:?}"
            );
        }
        let model = manifest_model(manifest);
        match (&model, &read) {
            (None, Ok(read)) => panic!("bytes that are not a manifest read as one: {read:?}"),
            // An error when serde refuses what the model reads (a field
            // given twice: the model keeps the last).
            (Some(m), Ok(read)) => assert_eq!(
                read,
                &self.paths(m),
                "a manifest reads as other entries than its own"
            ),
            (_, Err(_)) => {}
        }
        let (read, unread) = match read {
            Ok(read) => (read, None),
            Err(why) => (BTreeMap::new(), Some(why)),
        };

        // Replay: the manifest changes nothing but what an entry for this
        // very recording says, and never fails open.
        let bare = crate::evidence::replay(&self.case, &self.context(BTreeMap::new(), None));
        let with = crate::evidence::replay(&self.case, &self.context(read.clone(), unread.clone()));
        for e in [&bare, &with].into_iter().filter_map(|r| r.as_ref().err()) {
            assert!(
                !e.cause.chars().any(crate::escape::hostile),
                "an error is not one plain line: {:?}",
                e.cause
            );
        }
        let stale = |e: &crate::evidence::CaseError| e.cause.contains(" is stale: ");
        let named = |e: &crate::evidence::CaseError| e.cause.contains(confirmations::FILE);
        match read.get(&self.case.fixture).filter(|c| c.of == recorded_at) {
            // An unread manifest confirms nothing; a stale fixture then
            // says why no confirmation counted.
            None => match (&bare, &with, &unread) {
                (Err(b), Err(w), Some(_)) if stale(b) => assert!(
                    w.cause.starts_with(&b.cause) && named(w) && w.fix == b.fix,
                    "a fixture stale beside an unread manifest does not name it: {}",
                    w.cause
                ),
                _ => assert_eq!(
                    with, bare,
                    "a manifest that confirms no recording of the fixture changes its replay"
                ),
            },
            Some(c) => {
                let at = crate::time::parse_timestamp(&c.at)
                    .filter(|t| *t <= self.now.saturating_add(CONFIRMED_SKEW));
                match (&bare, &with) {
                    (_, Ok(w)) => {
                        let crate::evidence::Origin::Replayed { confirmed_at, .. } = &w.origin
                        else {
                            panic!("a replay that is not from a fixture: {w:?}");
                        };
                        assert_eq!(confirmed_at.as_deref(), Some(c.at.as_str()));
                        assert!(at.is_some(), "a confirmation at {:?} is taken", c.at);
                        if let Err(b) = &bare {
                            assert!(stale(b), "a confirmation lets a failure pass: {}", b.cause);
                        }
                        if let Ok(b) = &bare {
                            assert_eq!(b.grant, w.grant, "a confirmation changes the grant");
                        }
                    }
                    (Ok(_), Err(w)) => assert!(
                        named(w),
                        "a confirmation fails a fixture without naming the manifest: {}",
                        w.cause
                    ),
                    (Err(b), Err(w)) if !stale(b) => assert_eq!(w, b),
                    (Err(_), Err(w)) => assert!(
                        stale(w) || named(w),
                        "a stale fixture fails otherwise: {}",
                        w.cause
                    ),
                }
            }
        }

        let outcome = |r: &Result<crate::evidence::Evidence, crate::evidence::CaseError>| match r {
            Ok(e) => match &e.origin {
                crate::evidence::Origin::Replayed { confirmed_at, .. } => Ok(confirmed_at.clone()),
                crate::evidence::Origin::Live { .. } => Err("live".into()),
            },
            Err(e) => Err(e.cause.clone()),
        };
        let outcomes = [outcome(&bare), outcome(&with)];

        // The writer keeps every other entry, and never writes over bytes
        // that are not a manifest: they are left for a person to fix.
        let Some(mut entries) = model.filter(|_| unread.is_none()) else {
            let mine = (CONFIRMED_KEY.to_owned(), recorded_at.to_owned());
            let refused = confirmations::update(&self.root, &[mine], &[], CONFIRMED_NOW);
            assert!(
                refused
                    .as_ref()
                    .is_err_and(|why| why.contains(confirmations::FILE)),
                "update over an unread manifest: {refused:?}"
            );
            let kept = std::fs::read(&file).expect("the manifest is still there");
            assert_eq!(kept, manifest, "update wrote over an unread manifest");
            return outcomes;
        };
        let canonical = serde_json::json!({ "confirmed": &entries });
        std::fs::write(&file, canonical.to_string()).expect("the scratch manifest is written");
        assert_eq!(
            confirmations::read(&self.root),
            Ok(self.paths(&entries)),
            "a manifest in its plain form reads as other entries than its own"
        );
        let mine = (CONFIRMED_KEY.to_owned(), recorded_at.to_owned());
        confirmations::update(&self.root, &[mine], &[], CONFIRMED_NOW)
            .expect("the scratch manifest is updated");
        let noted = Confirmation {
            of: recorded_at.to_owned(),
            at: CONFIRMED_NOW.to_owned(),
        };
        entries.insert(CONFIRMED_KEY.to_owned(), noted);
        let written = std::fs::read(&file).expect("update wrote the manifest");
        assert_eq!(
            manifest_model(&written).as_ref(),
            Some(&entries),
            "update wrote other entries"
        );
        assert_eq!(confirmations::read(&self.root), Ok(self.paths(&entries)));
        confirmations::update(&self.root, &[], &[CONFIRMED_KEY.to_owned()], CONFIRMED_NOW)
            .expect("the scratch manifest is updated");
        entries.remove(CONFIRMED_KEY);
        assert_eq!(
            confirmations::read(&self.root),
            Ok(self.paths(&entries)),
            "a fixture written anew keeps its entry, or others are lost"
        );
        assert_eq!(
            file.exists(),
            !entries.is_empty(),
            "an empty manifest is kept"
        );
        outcomes
    }
}

/// A manifest's entries as JSON reads them, independently of its serde
/// types: `{"confirmed": {KEY: {"of": S, "at": S}}}`, where serde's derive
/// also takes a struct as an array of its fields (`[{KEY: [S, S]}]`);
/// `None` for anything else.
fn manifest_model(bytes: &[u8]) -> Option<BTreeMap<String, crate::confirmations::Confirmation>> {
    use serde_json::Value;
    let value: Value = serde_json::from_slice(bytes).ok()?;
    let confirmed = match &value {
        Value::Object(m) if m.len() == 1 => m.get("confirmed")?,
        Value::Array(a) if a.len() == 1 => &a[0],
        _ => return None,
    };
    confirmed
        .as_object()?
        .iter()
        .map(|(k, c)| {
            let (of, at) = match c {
                Value::Object(m) if m.len() == 2 => (m.get("of")?, m.get("at")?),
                Value::Array(a) if a.len() == 2 => (&a[0], &a[1]),
                _ => return None,
            };
            let c = crate::confirmations::Confirmation {
                of: of.as_str()?.to_owned(),
                at: at.as_str()?.to_owned(),
            };
            Some((k.clone(), c))
        })
        .collect()
}
