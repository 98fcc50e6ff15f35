//! Entry points for the fuzz targets (`fuzz/`) and the property tests.
//! Not a stable API: hidden from the docs, and free to change.
//!
//! Each function takes arbitrary input and must return, never panic: that
//! is the property the fuzzers and `tests/properties.rs` check.

use crate::plan::{self, Entry, SpecFile};
use crate::provider::{Provider, Response, jwt};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// Plans a spec file from its bytes; returns how many entries (cases or
/// broken cases) it yields.
pub fn plan_spec(bytes: &[u8]) -> usize {
    let spec = Arc::new(SpecFile {
        display: "specs/fuzz.yaml".into(),
        id: "fuzz".into(),
        dir: "specs".into(),
        fixtures: "fixtures".into(),
        locate: true,
    });
    let entries = plan::plan_bytes(spec, bytes.to_vec(), Path::new("fixtures"));
    entries
        .iter()
        .filter(|e| matches!(e, Entry::Case(_) | Entry::Broken(_)))
        .count()
}

/// The fuzz targets, by name: each feeds `data` to its entry point and
/// checks what that must hold (it panics otherwise, which is the finding).
/// `fuzz/fuzz_targets/*.rs` call this, and `tests/fuzz_corpus.rs` replays
/// every committed corpus input through it on the stable toolchain.
pub const TARGETS: &[&str] = &[
    "confirmations",
    "coveo",
    "docspace",
    "fixture",
    "kubernetes",
    "oauth",
    "probe",
    "render",
    "spec",
    "spec_readers",
    "vault",
    "vendors",
];

/// Runs one input through the target `name` (one of [`TARGETS`]).
pub fn run_target(name: &str, data: &[u8]) {
    match name {
        "coveo" => {
            let _ = parse_response("coveo", data);
        }
        "docspace" => {
            const PROVIDERS: &[&str] = &[
                "docspace",
                "docspace-account",
                "docspace-permissions",
                "docspace-scopes",
            ];
            if let Some((first, body)) = data.split_first() {
                let provider = PROVIDERS[usize::from(*first) % PROVIDERS.len()];
                let _ = parse_response(provider, body);
            }
        }
        "fixture" => {
            let _ = replay_fixture(data);
        }
        "oauth" => {
            let _ = parse_response("oauth2-introspection", data);
            let _ = parse_response("http", data);
            let _ = decode_jwt(&String::from_utf8_lossy(data));
        }
        "probe" => {
            let text = String::from_utf8_lossy(data);
            let (header, body) = text.split_once('\u{0}').unwrap_or(("", &text));
            let header = (!header.is_empty()).then_some(header);
            let (message, needs) = probe_explain(body, header);
            for line in message.iter().chain(needs.iter()) {
                assert!(line.chars().count() <= 201, "{line}");
                assert!(!line.chars().any(char::is_control), "{line:?}");
            }
        }
        "spec" => {
            let _ = plan_spec(data);
            spec_readers_agree(data);
        }
        "spec_readers" => spec_readers_agree(data),
        "vault" => {
            let _ = parse_response("vault", data);
        }
        "kubernetes" => {
            let _ = parse_response("kubernetes", data);
        }
        "vendors" => {
            // The first byte picks the vendor; the rest is the value of the
            // header it reads scopes from (GitHub, Slack) and, after a NUL,
            // the body.
            const VENDORS: &[(&str, &str)] = &[
                ("github", "x-oauth-scopes"),
                ("gitlab", ""),
                ("slack", "x-oauth-scopes"),
                ("google", ""),
            ];
            if let Some((first, rest)) = data.split_first() {
                let (provider, header) = VENDORS[usize::from(*first) % VENDORS.len()];
                let text = String::from_utf8_lossy(rest);
                let (value, body) = text.split_once('\u{0}').unwrap_or(("", &text));
                let mut headers = BTreeMap::new();
                if !header.is_empty() {
                    headers.insert(header.to_owned(), value.to_owned());
                }
                let _ = parse_with_headers(provider, body.as_bytes(), headers);
            }
        }
        "render" => render_hostile(data),
        "confirmations" => {
            let _ = replay_confirmed(data);
        }
        other => panic!("no fuzz target named {other}"),
    }
}

/// Checks the spec reader's invariant on `bytes`: when the fast reader
/// reads a spec, serde-saphyr reads the same one (panics otherwise).
pub fn spec_readers_agree(bytes: &[u8]) {
    if let Err(difference) = crate::spec::readers_agree(&String::from_utf8_lossy(bytes)) {
        panic!("{difference}");
    }
}

/// Explains a probe's refusal from its body and the value of GitHub's
/// `X-Accepted-GitHub-Permissions`, as a probe's fixture would keep it:
/// (message, needs). Both are one line of at most 200 characters (and an
/// ellipsis).
pub fn probe_explain(body: &str, needs_header: Option<&str>) -> (Option<String>, Option<String>) {
    let mut headers = BTreeMap::new();
    if let Some(h) = needs_header {
        headers.insert(
            crate::provider::probe::GITHUB_NEEDS.to_owned(),
            h.to_owned(),
        );
    }
    crate::provider::probe::explain(body, &headers)
}

/// The provider names `parse_response` takes.
pub fn providers() -> Vec<&'static str> {
    Provider::ALL.iter().map(|p| p.name()).collect()
}

/// Parses a response body as `provider` would (for `http`: privileges at
/// the JSON pointer `/scopes`, objects named by `name`). Returns the
/// privileges, or the error text.
pub fn parse_response(provider: &str, body: &[u8]) -> Result<Vec<String>, String> {
    parse_with_headers(provider, body, BTreeMap::new())
}

/// Like [`parse_response`], with the response's headers (lower-case
/// names), for the providers that read scopes from a header.
pub fn parse_with_headers(
    provider: &str,
    body: &[u8],
    headers: BTreeMap<String, String>,
) -> Result<Vec<String>, String> {
    let provider = Provider::from_name(provider).ok_or("unknown provider")?;
    let value: serde_json::Value = serde_json::from_slice(body).map_err(|e| e.to_string())?;
    let api = test_api(provider);
    provider
        .parse(
            &api,
            &Response {
                body: &value,
                headers: &headers,
            },
        )
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Reads a fixture from its bytes and parses its answer as `provider`
/// would on replay (the provider is the one the fixture names).
pub fn replay_fixture(bytes: &[u8]) -> Result<Vec<String>, String> {
    let fixture = crate::fixture::parse(bytes).map_err(|e| format!("{e:?}"))?;
    let provider = Provider::from_name(&fixture.provider).ok_or("unknown provider")?;
    let api = test_api(provider);
    let Some(stored) = &fixture.response else {
        return Ok(Vec::new());
    };
    let response = Response {
        body: &stored.body,
        headers: &stored.headers,
    };
    provider
        .parse(&api, &response)
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Decodes a JWT and reads its scopes, as `provider: jwt` does.
pub fn decode_jwt(token: &str) -> Result<Vec<String>, String> {
    let decoded = jwt::decode(token)?;
    let api = test_api(Provider::Jwt);
    Provider::Jwt
        .parse(
            &api,
            &Response {
                body: &decoded,
                headers: &BTreeMap::new(),
            },
        )
        .map(|g| g.privileges)
        .map_err(|e| e.why)
}

/// Scrubbing as the fetch layer applies it to every text that leaves.
pub fn scrub(text: &str, secret: &str) -> String {
    crate::secret::Scrubber::new([&crate::secret::Secret::new(secret)]).scrub(text)
}

/// Whether `p` covers `q` under `family` (`docspace`, `roles`, `coveo`, `plain`).
pub fn covers(family: &str, p: &str, q: &str) -> bool {
    crate::privilege::covers(family_named(family), p, q)
}

/// Whether granted privilege `g` gives something forbidden entry `f` names.
pub fn overlaps(family: &str, g: &str, f: &str) -> bool {
    crate::privilege::overlap(family_named(family), g, f).is_some()
}

/// Whether the comparison passes. `rule` is `exactly`, `at_least`,
/// `at_most` or `forbidden`.
pub fn passes(family: &str, rule: &str, listed: &[String], granted: &[String]) -> bool {
    let list = Some(listed.to_vec());
    let mut expect = plan::Expectations::default();
    match rule {
        "exactly" => expect.exactly = list,
        "at_least" => expect.at_least = list,
        "at_most" => expect.at_most = list,
        _ => expect.forbidden = list,
    }
    let grant = crate::provider::Grant::new(granted.to_vec(), Vec::new());
    let clock = crate::compare::Clock { now: 0, today: 0 };
    crate::compare::compare(family_named(family), &expect, &grant, clock).passed()
}

/// Coveo's on/off privileges, as the rules spell them (without
/// `:ENABLE`): data for the reference model in `tests/model.rs`.
pub fn coveo_on_off() -> Vec<String> {
    crate::privilege::coveo::on_off()
        .iter()
        .map(|(plain, _)| plain.clone())
        .collect()
}

/// A vendor's documented scopes (`github`, `gitlab`, `slack`, `google`):
/// each name, what it surely includes and what it may include. Data for
/// the reference model in `tests/model.rs`.
pub fn scope_table(family: &str) -> Vec<(String, Vec<String>, Vec<String>)> {
    let catalog = match family {
        "github" => &crate::privilege::GITHUB,
        "gitlab" => &crate::privilege::GITLAB,
        "slack" => &crate::privilege::SLACK,
        _ => &crate::privilege::GOOGLE,
    };
    let own = |names: &[&str]| names.iter().map(|n| n.to_string()).collect();
    catalog
        .names
        .iter()
        .map(|s| (s.name.to_owned(), own(s.surely), own(s.maybe)))
        .collect()
}

/// The privilege names a family knows, for generating inputs.
pub fn known_names(family: &str) -> Vec<String> {
    family_named(family).vocabulary()
}

fn family_named(name: &str) -> &'static dyn crate::privilege::Family {
    match name {
        "docspace" => &crate::privilege::DOCSPACE,
        "roles" => &crate::privilege::ROLES,
        "coveo" => &crate::privilege::COVEO,
        "kubernetes" => &crate::privilege::KUBERNETES,
        "github" => &crate::privilege::GITHUB,
        "gitlab" => &crate::privilege::GITLAB,
        "slack" => &crate::privilege::SLACK,
        "google" => &crate::privilege::GOOGLE,
        "vault" => &crate::privilege::VAULT,
        _ => &crate::privilege::PLAIN,
    }
}

fn test_api(provider: Provider) -> plan::Api {
    use crate::template::Template;
    let base_url = Template::literal("https://api.example.com");
    match provider {
        Provider::Coveo => plan::Api::Coveo {
            base_url,
            organization: "org".into(),
            caller: None,
        },
        Provider::Jwt => plan::Api::Jwt {
            claims: None,
            rules: plan::Rules::Plain,
        },
        Provider::Http => plan::Api::Http(plan::HttpApi {
            base_url,
            method: "GET".into(),
            path: "/".into(),
            headers: Vec::new(),
            token_query: None,
            privileges: plan::PrivilegeSource::Json {
                pointer: "/scopes".into(),
                field: Some("name".into()),
            },
        }),
        Provider::OAuth2Introspection => plan::Api::Introspection {
            endpoint: plan::Endpoint::Url(base_url),
            client: plan::Credential::Bearer(plan::SecretSource::Env("X".into())),
            rules: plan::Rules::Plain,
        },
        Provider::Vault => plan::Api::Vault {
            base_url,
            namespace: None,
            paths: vec!["secret/data/app".into(), "sys/mounts".into()],
        },
        Provider::Kubernetes => plan::Api::Kubernetes {
            base_url,
            namespaces: vec!["default".into(), "ci".into()],
        },
        _ => plan::Api::Base { base_url },
    }
}

/// The `render` target: every string of an audit row and of a SARIF result
/// comes from `data` (split at NUL), and each rendering must stay what it
/// is whatever the strings hold. Each is compared with the rendering of the
/// same model whose strings are replaced, character for character, by a
/// letter (one letter per distinct string):
///
/// - HTML: as many `<`, `>`, `"` and `'` (every value escaped, none opens
///   a tag or leaves an attribute);
/// - Markdown: as many lines, and as many unescaped `|` on each (no value
///   starts a line or a table cell);
/// - text: as many lines, and no character that changes how it reads;
///   within a terminal's width, no line wider and every granted name kept;
/// - JSON and SARIF: valid JSON that gives each string back as it was.
pub fn render_hostile(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.split('\u{0}').map(str::to_owned);
    let mut next = || parts.next().unwrap_or_default();
    let strings: Vec<String> = (0..12).map(|_| next()).collect();
    // Equal strings stay equal and different ones different (a privilege
    // named twice is one column), each as long as the one it stands for.
    let mut distinct: Vec<&String> = Vec::new();
    let tame: Vec<String> = strings
        .iter()
        .map(|s| {
            let i = distinct.iter().position(|d| *d == s).unwrap_or_else(|| {
                distinct.push(s);
                distinct.len() - 1
            });
            let letter = char::from(b'a' + u8::try_from(i).unwrap_or(0));
            letter.to_string().repeat(s.chars().count())
        })
        .collect();

    let (wild, calm) = (audit_of(&strings), audit_of(&tame));
    use crate::report::audit;

    // A column header breaks after each separator a name holds with a
    // `<wbr>` of the page's own (the tame names hold none): not counted.
    // A value's own `<wbr>` is escaped like any text; were it not, the
    // tag it left would be this one, which runs nothing and opens nothing.
    let (h, c) = (
        audit::html(&wild).replace("<wbr>", ""),
        audit::html(&calm).replace("<wbr>", ""),
    );
    for ch in ['<', '>', '"', '\''] {
        assert_eq!(
            h.matches(ch).count(),
            c.matches(ch).count(),
            "HTML: a value adds a raw {ch:?}"
        );
    }

    let (m, c) = (audit::markdown(&wild), audit::markdown(&calm));
    let (ml, cl): (Vec<&str>, Vec<&str>) = (m.lines().collect(), c.lines().collect());
    assert_eq!(ml.len(), cl.len(), "Markdown: a value adds a line");
    for (a, b) in ml.iter().zip(&cl) {
        assert_eq!(
            unescaped_pipes(a),
            unescaped_pipes(b),
            "Markdown: a value adds a cell: {a}"
        );
    }

    let (t, c) = (audit::text(&wild, None), audit::text(&calm, None));
    assert_eq!(
        t.lines().count(),
        c.lines().count(),
        "text: a value adds a line"
    );
    assert!(
        !t.chars().any(|ch| ch != '\n' && crate::escape::hostile(ch)),
        "text: a hostile character is shown as it is"
    );
    // Within a terminal's width: no line wider, nothing hostile, and each
    // granted name all there, in order (wrapping only adds line breaks
    // and spaces).
    let kept = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    for width in [20, 33, 80] {
        let fitted = audit::text(&wild, Some(width));
        for line in fitted.lines() {
            assert!(
                unicode_width::UnicodeWidthStr::width(line) <= width,
                "text within {width}: {line:?}"
            );
        }
        assert!(
            !fitted
                .chars()
                .any(|ch| ch != '\n' && crate::escape::hostile(ch)),
            "text within {width}: a hostile character is shown as it is"
        );
        for name in &wild.tokens[0].granted {
            assert!(
                kept(&fitted).contains(&kept(&crate::escape::text(name))),
                "text within {width}: {name:?} is not all there"
            );
        }
    }

    let json = serde_json::to_value(&wild).expect("the audit serializes");
    let back: serde_json::Value =
        serde_json::from_str(&serde_json::to_string(&json).expect("JSON text"))
            .expect("valid JSON");
    assert_eq!(back["tokens"][0]["case"], strings[0]);
    assert_eq!(back["tokens"][0]["granted"][0], strings[4]);

    use crate::report::sarif;
    let results = vec![sarif::CaseResults {
        case: strings[0].clone(),
        uri: Some(strings[1].clone()),
        results: vec![sarif::Located {
            kind: sarif::Kind::Forbidden,
            message: strings[2].clone(),
            subject: strings[3].clone(),
            at: crate::spec::Pos { line: 3, column: 5 },
            width: 4,
        }],
    }];
    let log: serde_json::Value =
        serde_json::from_str(&sarif::render(&results, "0.0.0")).expect("SARIF is valid JSON");
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["message"]["text"], strings[2]);
}

/// A `|` that a GFM table would split cells at: one not right after a
/// backslash. cmark-gfm scans a cell as `(escaped_char | [^|\r\n])+`, and
/// the longest match takes `\|` whole even after another backslash
/// (`\\|` is `\`, `\|`): not CommonMark's escape state machine.
fn unescaped_pipes(line: &str) -> usize {
    let mut previous = None;
    let mut n = 0;
    for c in line.chars() {
        if c == '|' && previous != Some('\\') {
            n += 1;
        }
        previous = Some(c);
    }
    n
}

/// An audit of one failing token whose every string is one of `s`.
pub(crate) fn audit_of(s: &[String]) -> crate::report::audit::Audit {
    use crate::report::audit::*;
    let row = Row {
        case: s[0].clone(),
        spec: Some(s[1].clone()),
        token: Some(s[2].clone()),
        provider: "docspace".into(),
        description: Some(s[3].clone()),
        status: Status::Fail,
        granted: vec![s[4].clone(), s[5].clone()],
        expected: Expected {
            exactly: None,
            at_least: Some(vec![s[6].clone()]),
            at_most: Some(vec![s[7].clone()]),
            forbidden: Some(vec![s[8].clone()]),
            active: Some(true),
            expires_within: Some(s[9].clone()),
        },
        missing: vec![s[6].clone()],
        excess: vec![s[5].clone()],
        forbidden_hits: vec![ForbiddenHit {
            granted: s[4].clone(),
            forbidden: s[8].clone(),
        }],
        high_severity: vec![HighSeverity {
            privilege: s[4].clone(),
            reason: "full access",
            acknowledged: Some(s[10].clone()),
        }],
        active: Some(true),
        expires_at: Some(s[9].clone()),
        expiry: "date",
        source: Source::Fixture {
            path: s[1].clone(),
            recorded_at: s[9].clone(),
            confirmed_at: Some(s[10].clone()),
            age_days: Some(3),
        },
        exceptions: vec![ExceptionRow {
            privilege: s[5].clone(),
            reason: s[10].clone(),
            ticket: Some(s[11].clone()),
            review_by: s[9].clone(),
            expired: true,
        }],
        problems: vec![s[11].clone()],
        error: Some(s[3].clone()),
        probes: vec![ProbeRow {
            probe: s[2].clone(),
            expected: Some("denied"),
            permission: None,
            status: Some(200),
            answered: Some("allowed"),
            ok: false,
            needs: Some(s[10].clone()),
            message: Some(s[11].clone()),
        }],
    };
    Audit {
        schema: "1",
        generated_at: s[9].clone(),
        mode: "replay".into(),
        summary: Summary {
            tokens: 1,
            fail: 1,
            high_severity: 1,
            ..Summary::default()
        },
        tokens: vec![row],
        unreferenced_fixtures: vec![s[1].clone()],
        pending_answers: vec![s[1].clone()],
    }
}

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

#[cfg(test)]
mod tests {
    use super::replay_confirmed;

    fn seed(name: &str) -> [Result<Option<String>, String>; 2] {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fuzz/corpus/confirmations")
            .join(name);
        replay_confirmed(&std::fs::read(&path).unwrap())
    }

    fn stale(r: &Result<Option<String>, String>) -> bool {
        r.as_ref()
            .is_err_and(|e| e.contains(" is stale: recorded 2026-10-01, 61 days ago"))
    }

    /// The confirmations target's seeds reach what their names say: the
    /// target checks something.
    #[test]
    fn the_confirmations_seeds_reach_each_outcome() {
        let [bare, with] = seed("confirms-this-recording.json");
        assert!(stale(&bare), "{bare:?}");
        assert_eq!(with, Ok(Some("2026-11-23T10:00:00Z".into())));
        let [bare, with] = seed("future-confirmation.json");
        assert_eq!(bare, Ok(None));
        let e = with.unwrap_err();
        assert!(
            e.contains("confirmations.json confirmed: 2027-01-01T00:00:00Z` is in the future"),
            "{e}"
        );
        let [_, with] = seed("at-not-a-timestamp.json");
        assert!(
            with.unwrap_err()
                .contains(r"yesterday\u{1b}[2J` is not a timestamp")
        );
        let [_, with] = seed("confirmed-but-stale.json");
        assert!(
            with.unwrap_err()
                .contains("is stale: last confirmed 2026-10-14")
        );
        let [_, with] = seed("aliased-keys.json");
        assert_eq!(with, Ok(Some("2026-11-25T00:00:00Z".into())));
        let [_, with] = seed("array-form.json");
        assert_eq!(with, Ok(Some("2026-11-29T23:59:59Z".into())));
        let [bare, with] = seed("two-fixtures-fresh.json");
        assert_eq!(
            (bare, with),
            (Ok(None), Ok(Some("2026-11-30T10:00:00Z".into())))
        );
    }

    /// A file that is not a manifest reads as no manifest: a stale fixture
    /// stays stale (it fails closed), and says why no confirmation counted.
    /// A manifest that confirms another recording changes nothing.
    #[test]
    fn a_broken_manifest_is_no_manifest() {
        for name in [
            "broken-merge-conflict.json",
            "broken-truncated.json",
            "broken-unknown-field.json",
            "broken-duplicate-field.json",
            "broken-wrong-type.json",
            "broken-bom.json",
        ] {
            let [bare, with] = seed(name);
            assert!(stale(&bare), "{name}: {bare:?}");
            let (Err(bare), Err(with)) = (bare, with) else {
                unreachable!("both are stale")
            };
            let note = "; no confirmation counts, as ";
            assert!(
                with.starts_with(&format!("{bare}{note}"))
                    && with.contains("confirmations.json is not a confirmations manifest (")
                    && with.ends_with("): fix or delete it, then record"),
                "{name}: {with}"
            );
        }
        for name in ["other-recording.json", "empty.json"] {
            let [bare, with] = seed(name);
            assert!(stale(&bare), "{name}: {bare:?}");
            assert_eq!(with, bare, "{name}");
        }
    }
}
