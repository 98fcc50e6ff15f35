//! Bad input of every kind, through the `permspec` binary: broken specs,
//! broken fixtures, and a loopback server that answers badly in live and
//! record modes.
//!
//! The promise under test (ARCHITECTURE.md, "a bad input fails one case"):
//! each bad input is exactly one failing case whose text says what is wrong
//! and names the file or token; every other case in the same run still
//! passes; the process exits with 101, never a panic; and no secret leaks
//! into the output or any file.
//!
//! The cases are a table. Cases of one kind share a project and one run of
//! the binary ([`check`]), next to good tokens that must keep passing.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use support::docspace::envelope;
use support::server::{Hit, Reply, Server};
use support::{TempDir, failure_blocks, outcome, permspec, run};

// ---------------------------------------------------------------------------
// The table's types and the one runner
// ---------------------------------------------------------------------------

/// One bad input: the case it must fail, and what that failure must say.
struct Case {
    /// The libtest name of the one case that must fail.
    name: String,
    /// Phrases its failure text must contain: the message, and the file or
    /// token it is about.
    says: Vec<String>,
    /// What to put in the project for it.
    inputs: Vec<Input>,
}

enum Input {
    /// A file, relative to the project root.
    File { path: String, bytes: Vec<u8> },
    /// A directory where a file is expected.
    Dir { path: String },
    /// A file nobody may read. Where permissions mean nothing (root), the
    /// case is skipped.
    Unreadable { path: String },
    /// A token of the shared live spec (`specs/live.yaml`) whose key the
    /// loopback server answers with `reply`.
    Answer { token: String, reply: Reply },
    /// A token of the shared live spec with this `credential:` and these
    /// variables set.
    Credential {
        token: String,
        credential: String,
        env: Vec<(String, String)>,
    },
}

fn case(name: impl Into<String>, says: &[&str], inputs: Vec<Input>) -> Case {
    Case {
        name: name.into(),
        says: says.iter().map(|s| s.to_string()).collect(),
        inputs,
    }
}

fn file(path: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Input {
    Input::File {
        path: path.into(),
        bytes: bytes.into(),
    }
}

/// Cases that share one run of the binary.
struct Group {
    what: &'static str,
    mode: &'static str,
    cases: Vec<Case>,
    env: Vec<(&'static str, &'static str)>,
    /// Files present before the run (old fixtures, shared specs), that
    /// must stay as they are.
    keep: Vec<Input>,
    /// Cases besides the built-in good tokens that must pass.
    good: Vec<String>,
}

const GOOD_KEY: &str = "sk-good-0f3a9c7e5b1d2846a0c9e7f5b3d1a8c6";

/// Two good tokens in their own file, replayable from fixtures.
const GOOD_SPEC: &str = "provider: docspace
base_url: https://portal.example.com
tokens:
  reader:
    credential: { env: GOOD_KEY }
    expect: { exactly: [files:read] }
  writer:
    credential: { env: GOOD_KEY }
    expect: { at_least: [files:read], forbidden: [\"accounts:*\"] }
";

/// A fixture as permspec writes it, answering `GET /keys/@self` at
/// https://portal.example.com with the key from `env var`.
fn fixture_json(provider: &str, var: &str, status: u16, body: &str) -> String {
    support::fixture_json(
        provider,
        (
            "GET",
            "https://portal.example.com/api/2.0/keys/@self",
            &format!("bearer from env {var}"),
        ),
        status,
        body,
    )
}

fn good_body() -> String {
    r#"{"response": {"permissions": ["files:read"], "isActive": true}, "status": 0, "statusCode": 200}"#
        .to_owned()
}

fn good_fixture(var: &str) -> String {
    fixture_json("docspace", var, 200, &good_body())
}

/// The key of a live token: each differs, so each is its own request.
fn key_of(token: &str) -> String {
    format!("sk-{token}-7c1e9a5f3b8d2064e1c9a7f5b3d1a8c6")
}

fn env_name(token: &str) -> String {
    format!("KEY_{}", token.to_uppercase().replace(['-', '.'], "_"))
}

/// Sets the group's project up, runs `permspec check` once, and checks every
/// case: it fails, alone, saying what it must; the good tokens pass; the run
/// exits 101 without a panic; no secret appears in the output or in any
/// file, and no file is written (in record mode: only good fixtures).
fn check(group: Group) {
    let dir = TempDir::new(&format!("bad-{}", group.what));
    let root = dir.path();
    let mut secrets: Vec<String> = vec![GOOD_KEY.to_owned()];
    let mut env: Vec<(String, String)> = vec![("GOOD_KEY".into(), GOOD_KEY.into())];
    env.extend(
        group
            .env
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string())),
    );
    secrets.extend(
        group
            .env
            .iter()
            .filter(|(k, _)| k.ends_with("_KEY"))
            .map(|(_, v)| v.to_string()),
    );

    // Two good tokens in a file of their own; replay only, as their API is
    // not on loopback (live groups have a good token next to the bad ones).
    let mut good_cases: Vec<String> = group.good.clone();
    if group.mode == "replay" {
        write(root, "specs/good.yaml", GOOD_SPEC.as_bytes());
        write(
            root,
            "fixtures/good/reader.json",
            good_fixture("GOOD_KEY").as_bytes(),
        );
        write(
            root,
            "fixtures/good/writer.json",
            good_fixture("GOOD_KEY").as_bytes(),
        );
        good_cases.extend(["good::reader".to_owned(), "good::writer".to_owned()]);
    }

    let mut live_tokens = String::new();
    let mut replies: BTreeMap<String, Reply> = BTreeMap::new();
    let mut skipped = Vec::new();
    let inputs = group
        .cases
        .iter()
        .flat_map(|c| c.inputs.iter().map(move |i| (c.name.as_str(), i)))
        .chain(group.keep.iter().map(|i| ("", i)));
    for (name, input) in inputs {
        match input {
            Input::File { path, bytes } => {
                write(root, path, bytes);
            }
            Input::Dir { path } => std::fs::create_dir_all(root.join(path)).unwrap(),
            Input::Unreadable { path } => {
                let path = write(root, path, GOOD_SPEC.as_bytes());
                if !make_unreadable(&path) {
                    eprintln!("skipping `{name}`: this user can read a file with mode 000");
                    std::fs::remove_file(&path).unwrap();
                    skipped.push(name.to_owned());
                }
            }
            Input::Answer { token, reply } => {
                let key = key_of(token);
                live_tokens.push_str(&format!(
                    "  {token}:\n    credential: {{ env: {} }}\n    expect: {{ exactly: [files:read] }}\n",
                    env_name(token)
                ));
                env.push((env_name(token), key.clone()));
                replies.insert(key.clone(), reply.clone());
                secrets.push(key);
            }
            Input::Credential {
                token,
                credential,
                env: vars,
            } => {
                live_tokens.push_str(&format!(
                    "  {token}:\n    credential: {credential}\n    expect: {{ exactly: [files:read] }}\n"
                ));
                for (k, v) in vars {
                    env.push((k.clone(), v.clone()));
                    if !v.trim().is_empty() {
                        secrets.push(v.clone());
                    }
                }
            }
        }
    }

    // The live spec: a good token first, then the cases' tokens, all asking
    // one loopback server that answers by key.
    let server = (!live_tokens.is_empty()).then(|| {
        let good_key = key_of("live-good");
        env.push((env_name("live-good"), good_key.clone()));
        secrets.push(good_key.clone());
        let server = Server::start(move |hit: &Hit| {
            let key = hit
                .header("authorization")
                .and_then(|h| h.strip_prefix("Bearer "))
                .unwrap_or("");
            if key == good_key {
                return envelope(
                    hit,
                    serde_json::json!({"permissions": ["files:read"], "isActive": true}),
                );
            }
            replies.get(key).cloned().unwrap_or_else(|| Reply::empty(401))
        });
        let spec = format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  live-good:\n    credential: {{ env: {} }}\n    expect: {{ exactly: [files:read] }}\n{live_tokens}",
            server.url(),
            env_name("live-good"),
        );
        write(root, "specs/live.yaml", spec.as_bytes());
        good_cases.push("live::live-good".to_owned());
        server
    });

    let before = snapshot(&dir);
    let started = Instant::now();
    let out = run(permspec()
        .current_dir(root)
        .args(["check", "--test-threads=2"])
        .env("PERMSPEC_MODE", group.mode)
        .envs(env));
    let took = started.elapsed();
    let report = format!(
        "[{} group, {} mode, {took:?}]\n--- stdout\n{}\n--- stderr\n{}",
        group.what,
        group.mode,
        clip(&out.stdout, 20_000),
        clip(&out.stderr, 4_000)
    );

    if std::env::var_os("BAD_INPUT_SHOW").is_some() {
        eprintln!("{report}");
    }

    // The process: a normal failing run, no panic.
    assert_eq!(out.code, 101, "exit status\n{report}");
    for stream in [&out.stdout, &out.stderr] {
        assert!(!stream.contains("panicked"), "a panic\n{report}");
    }

    // Each bad input: exactly its own case fails, saying what it must.
    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let expected: Vec<&Case> = group
        .cases
        .iter()
        .filter(|c| !skipped.contains(&c.name))
        .collect();
    let mut problems = Vec::new();
    for c in &expected {
        match blocks.get(&c.name) {
            None => problems.push(format!("`{}` did not fail", c.name)),
            Some(text) => {
                for phrase in c.says.iter().filter(|p| !text.contains(p.as_str())) {
                    problems.push(format!(
                        "`{}` does not say {phrase:?}; it says:\n{}",
                        c.name,
                        clip(text, 2_000)
                    ));
                }
            }
        }
    }
    for name in blocks.keys() {
        if !expected.iter().any(|c| &c.name == name) {
            problems.push(format!("`{name}` failed, but no bad input is meant for it"));
        }
    }
    // ... and the good cases next to them still pass.
    for name in &good_cases {
        if outcome(&out.stdout, name) != Some("ok") {
            problems.push(format!("good case `{name}` did not pass"));
        }
    }
    let summary = format!(
        "test result: FAILED. {} passed; {} failed;",
        good_cases.len(),
        expected.len()
    );
    if !out.stdout.contains(&summary) {
        problems.push(format!("expected `{summary}`"));
    }

    // Nothing leaks.
    for secret in &secrets {
        if out.stdout.contains(secret.as_str()) || out.stderr.contains(secret.as_str()) {
            problems.push(format!("the secret {:?} is in the output", &secret[..10]));
        }
    }
    let after = snapshot(&dir);
    for (path, bytes) in &after {
        if let Some(s) = secrets
            .iter()
            .find(|s| bytes.windows(s.len()).any(|w| w == s.as_bytes()))
        {
            problems.push(format!(
                "the secret {:?} is in {}",
                &s[..10],
                path.display()
            ));
        }
        let recorded_good = group.mode == "record"
            && good_cases
                .iter()
                .any(|g| path.ends_with(format!("{}.json", g.replace("::", "/"))));
        match before.get(path) {
            Some(old) if old == bytes => {}
            _ if recorded_good => {}
            _ => problems.push(format!("{} was written", path.display())),
        }
    }
    for path in before.keys().filter(|p| !after.contains_key(*p)) {
        problems.push(format!("{} was removed", path.display()));
    }
    // Record mode still records the good answer next to the bad ones.
    if group.mode == "record" {
        let written = root.join("fixtures/live/live-good.json");
        let text = std::fs::read_to_string(&written).unwrap_or_default();
        if !text.contains("\"files:read\"") {
            problems.push(format!("{} was not recorded", written.display()));
        }
        if !out.stdout.contains(", 1 fixture written\n") {
            problems.push("the summary line does not say `1 fixture written`".into());
        }
    }
    assert!(problems.is_empty(), "{}\n\n{report}", problems.join("\n"));
    drop(server);
}

fn write(root: &Path, rel: &str, bytes: &[u8]) -> PathBuf {
    let path = root.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(&path, bytes).unwrap();
    path
}

/// Every file of the project with its bytes.
fn snapshot(dir: &TempDir) -> BTreeMap<PathBuf, Vec<u8>> {
    dir.all_files().into_iter().collect()
}

#[cfg(unix)]
fn make_unreadable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o000)).unwrap();
    std::fs::read(path).is_err()
}

#[cfg(not(unix))]
fn make_unreadable(_: &Path) -> bool {
    false
}

/// A text shortened to `max` bytes, for an assertion message.
fn clip(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes in all)", &text[..end], text.len())
}

// ---------------------------------------------------------------------------
// Specs: each bad file is one case named after it
// ---------------------------------------------------------------------------

const HEAD: &str = "provider: docspace\nbase_url: https://portal.example.com\n";
const TOKEN: &str = "    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n";

/// A whole spec file that must fail as one case named after the file (it
/// is not YAML, or names no token), and whose failure names the file.
fn bad_spec(id: &str, text: impl Into<Vec<u8>>, says: &[&str]) -> Case {
    let path = format!("specs/bad/{id}.yaml");
    let mut says = says.to_vec();
    says.push(&path);
    case(format!("bad/{id}"), &says, vec![file(&path, text)])
}

/// A spec file whose only token, `ci`, fails: the error is in its header
/// or in the token, and the case is the token's, so a re-run can name it.
fn bad_ci(id: &str, text: impl Into<Vec<u8>>, says: &[&str]) -> Case {
    let path = format!("specs/bad/{id}.yaml");
    let mut says = says.to_vec();
    says.push(&path);
    case(format!("bad/{id}::ci"), &says, vec![file(&path, text)])
}

/// A spec with a good token (`fine`, whose fixture exists) before one bad
/// token: only `tok/<id>::<bad>` fails, and its failure points into the file.
fn bad_token(id: &str, bad: &str, token: &str, says: &[&str]) -> Case {
    let path = format!("specs/tok/{id}.yaml");
    let located = format!("--> {path}:");
    let mut says = says.to_vec();
    says.push(&located);
    case(
        format!("tok/{id}::{bad}"),
        &says,
        vec![
            file(
                &path,
                format!("{HEAD}tokens:\n  fine:\n{TOKEN}  {bad}:\n{token}"),
            ),
            file(format!("fixtures/tok/{id}/fine.json"), good_fixture("KEY")),
        ],
    )
}

fn spec_cases() -> Vec<Case> {
    vec![
        bad_spec(
            "malformed",
            format!(
                "{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY\n    expect: {{ exactly: [files:read] }}\n"
            ),
            &["did not find expected ',' or '}'"],
        ),
        bad_spec(
            "tokens-is-a-list",
            format!("{HEAD}tokens: [ci, cd]\n"),
            &["expected a mapping (`key: value` lines) here", ":3:9"],
        ),
        bad_ci(
            "exactly-is-a-string",
            format!(
                "{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY }}\n    expect:\n      exactly: files:read\n"
            ),
            &["expected a list here", "write privileges as a list"],
        ),
        bad_ci(
            "provider-is-a-list",
            "provider: [docspace]\ntokens:\n  ci:\n    credential: { env: KEY }\n",
            &["expected a string here", ":1:11"],
        ),
        bad_ci(
            "provider-is-a-number",
            format!("provider: 7\ntokens:\n  ci:\n{TOKEN}"),
            &["unknown provider `7`"],
        ),
        bad_ci(
            "unknown-provider",
            format!("provider: docspaces\ntokens:\n  ci:\n{TOKEN}"),
            &["unknown provider `docspaces`", "did you mean `docspace`?"],
        ),
        bad_ci(
            "unknown-top-key",
            format!("{HEAD}colour: blue\ntokens:\n  ci:\n{TOKEN}"),
            &["unknown key `colour`", ":3:1"],
        ),
        bad_ci(
            "unknown-token-key",
            format!(
                "{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY }}\n    expcet: {{ exactly: [files:read] }}\n"
            ),
            &["unknown key `expcet`", "did you mean `expect`?"],
        ),
        bad_ci(
            "duplicate-token",
            format!("{HEAD}tokens:\n  ci:\n{TOKEN}  ci:\n{TOKEN}"),
            &["`ci` appears twice in the same mapping", ":7:3"],
        ),
        bad_spec("empty", "", &["the spec file is empty"]),
        bad_spec("blank", "\n\n   \n", &["the spec file is empty"]),
        bad_spec(
            "only-comments",
            "# a spec, some day\n",
            &["the file ends before the spec is complete"],
        ),
        bad_spec(
            "only-a-bom",
            "\u{feff}",
            &["the file ends before the spec is complete"],
        ),
        bad_spec(
            "scalar-document",
            "just a sentence\n",
            &["expected a mapping (`key: value` lines) here"],
        ),
        bad_spec("missing-tokens", HEAD, &["missing key `tokens`"]),
        bad_ci(
            "missing-provider",
            format!("tokens:\n  ci:\n{TOKEN}"),
            &["missing key `provider`"],
        ),
        bad_spec(
            "null-tokens",
            format!("{HEAD}tokens:\n"),
            &["expected a mapping (`key: value` lines) here"],
        ),
        bad_spec(
            "empty-tokens",
            format!("{HEAD}tokens: {{}}\n"),
            &["`tokens` is empty"],
        ),
        bad_ci(
            "no-scheme",
            format!("provider: docspace\nbase_url: portal.example.com\ntokens:\n  ci:\n{TOKEN}"),
            &["`base_url` must start with https://"],
        ),
        bad_ci(
            "bad-variable",
            format!("provider: docspace\nbase_url: https://${{}}\ntokens:\n  ci:\n{TOKEN}"),
            &["is not a variable reference"],
        ),
        bad_spec(
            "huge",
            // Over 1 MiB: a valid spec padded with a comment.
            format!("{HEAD}tokens:\n  ci:\n{TOKEN}# {}\n", "x".repeat(1 << 20)),
            &[
                "specs are limited to 1048576 bytes",
                "split it into several files",
            ],
        ),
        bad_spec(
            "latin1",
            b"provider: docspace\n# caf\xe9\n".to_vec(),
            &["the file is not UTF-8 text", ":2:6"],
        ),
        bad_spec(
            "utf16",
            {
                let text = format!("{HEAD}tokens:\n  ci:\n{TOKEN}");
                let mut bytes = vec![0xff, 0xfe];
                bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
                bytes
            },
            &["the file is not UTF-8 text"],
        ),
        bad_spec(
            "nul-byte",
            format!("{HEAD}tokens:\n  ci:\n    description: a\0b\n{TOKEN}"),
            &["unexpected character"],
        ),
        bad_spec(
            "tabs",
            format!("{HEAD}tokens:\n\tci:\n\t\tcredential: {{ env: KEY }}\n"),
            &["tabs disallowed", ":4:"],
        ),
        bad_spec(
            "deep-flow-nesting",
            // 10,000 nested lists, one bracket a line, after the token.
            format!(
                "{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY }}\n    expect:\n      exactly: [files:read]\n{}{}",
                "[\n".repeat(10_000),
                "]\n".repeat(10_000)
            ),
            &["recursion limit exceeded"],
        ),
        bad_spec(
            "deep-block-nesting",
            format!(
                "{HEAD}tokens:\n{}",
                (1..=500)
                    .map(|i| format!("{}a:\n", " ".repeat(i)))
                    .collect::<String>()
            ),
            &["unknown key `a`"],
        ),
        bad_ci(
            "billion-laughs",
            {
                // Each anchor is nine of the previous: 9^4 names if expanded,
                // and a type error long before.
                let mut s = format!(
                    "{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY }}\n    expect:\n      exactly: &a0 [{}]\n",
                    ["files:read"; 9].join(", ")
                );
                for (i, key) in ["at_least", "at_most", "forbidden"].iter().enumerate() {
                    let refs = vec![format!("*a{i}"); 9].join(", ");
                    s.push_str(&format!("      {key}: &a{} [{refs}]\n", i + 1));
                }
                s
            },
            &["invalid type: sequence"],
        ),
        bad_ci(
            "undefined-alias",
            format!("{HEAD}tokens:\n  ci:\n    credential: *nowhere\n"),
            &["a value that starts with `*` is read as a YAML alias"],
        ),
        bad_ci(
            "two-documents",
            format!("{HEAD}tokens:\n  ci:\n{TOKEN}---\n{HEAD}tokens:\n  ci:\n{TOKEN}"),
            &["more than one YAML document"],
        ),
        case(
            "bad/dir",
            &["cannot read specs/bad/dir.yaml"],
            vec![Input::Dir {
                path: "specs/bad/dir.yaml".into(),
            }],
        ),
        case(
            "bad/unreadable",
            &["cannot read specs/bad/unreadable.yaml", "ermission denied"],
            vec![Input::Unreadable {
                path: "specs/bad/unreadable.yaml".into(),
            }],
        ),
        bad_token(
            "bad-name",
            "bad/name",
            TOKEN,
            &["`bad/name` is not a valid token name"],
        ),
        bad_token(
            "unicode-name",
            "clé",
            TOKEN,
            &["`clé` is not a valid token name"],
        ),
        bad_token(
            "typo",
            "typo",
            "    credential: { env: KEY }\n    expect: { forbidden: [file:read] }\n",
            &["`file:read` is not a DocSpace permission; did you mean `files:read`?"],
        ),
        bad_token(
            "no-credential",
            "bad",
            "    expect: { exactly: [files:read] }\n",
            &["the token has no `credential`"],
        ),
        bad_token(
            "no-expect",
            "bad",
            "    credential: { env: KEY }\n",
            &["the token has no `expect`"],
        ),
        bad_token(
            "secret-in-spec",
            "bad",
            "    credential: { env: \"sk-0123456789\" }\n    expect: { exactly: [files:read] }\n",
            &[
                "the value of `env` looks like a secret, not a variable's name",
                "rotate it",
            ],
        ),
        bad_token(
            "contradiction",
            "bad",
            "    credential: { env: KEY }\n    expect: { at_least: [files:write], forbidden: [\"files:*\"] }\n",
            &["no grant can pass both rules"],
        ),
    ]
}

#[test]
fn each_bad_spec_fails_its_own_case_and_the_others_pass() {
    let cases = spec_cases();
    // Next to each bad token, the good one in the same file passes.
    let good = cases
        .iter()
        .filter_map(|c| c.name.strip_prefix("tok/"))
        .map(|n| format!("tok/{}::fine", n.split("::").next().unwrap()))
        .collect();
    check(Group {
        what: "spec",
        mode: "replay",
        cases,
        env: vec![],
        keep: vec![],
        good,
    });
}

// ---------------------------------------------------------------------------
// Fixtures: each bad fixture fails its own token of `specs/fx.yaml`
// ---------------------------------------------------------------------------

/// A fixture file as a case leaves it.
enum Fx {
    Bytes(Vec<u8>),
    Dir,
    Missing,
}

/// The cases, and the shared spec `specs/fx.yaml` (a good token `fine`
/// with its fixture, then one token per case) they need.
fn fixture_cases() -> (Vec<Case>, Vec<Input>) {
    let nested = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
    let huge = fixture_json(
        "docspace",
        "FX_KEY",
        200,
        &format!(
            r#"{{"response": {{"permissions": ["files:read"], "pad": "{}"}}}}"#,
            "x".repeat((4 << 20) + 1)
        ),
    );
    // (token, its fixture, what its failure says)
    let table: Vec<(&str, Fx, Vec<&str>)> = vec![
        (
            "truncated",
            Fx::Bytes(good_fixture("FX_KEY").as_bytes()[..60].to_vec()),
            vec!["it is not a permspec fixture: EOF while parsing"],
        ),
        (
            "wrong-provider",
            Fx::Bytes(fixture_json("coveo", "FX_KEY", 200, "[]").into_bytes()),
            vec!["was recorded for provider `coveo`, but the spec says `docspace`"],
        ),
        (
            "wrong-shape",
            Fx::Bytes(
                fixture_json(
                    "docspace",
                    "FX_KEY",
                    200,
                    r#"{"permissions": ["files:read"]}"#,
                )
                .into_bytes(),
            ),
            vec![
                "expected DocSpace's envelope `{\"response\": ...}`, found an object without `response`",
            ],
        ),
        (
            "array-body",
            Fx::Bytes(fixture_json("docspace", "FX_KEY", 200, r#"["files:read"]"#).into_bytes()),
            vec!["expected DocSpace's envelope `{\"response\": ...}`, found a list"],
        ),
        (
            "numbers",
            Fx::Bytes(
                fixture_json(
                    "docspace",
                    "FX_KEY",
                    200,
                    r#"{"response": {"permissions": [1, 2]}}"#,
                )
                .into_bytes(),
            ),
            vec!["expected `response.permissions` to hold strings, found a number"],
        ),
        (
            "not-json",
            Fx::Bytes(b"provider: docspace\nresponse: 200\n".to_vec()),
            vec!["it is not a permspec fixture: expected value at line 1 column 1"],
        ),
        (
            "empty",
            Fx::Bytes(Vec::new()),
            vec!["it is not a permspec fixture: EOF while parsing a value"],
        ),
        (
            "top-level-array",
            Fx::Bytes(b"[1, 2, 3]".to_vec()),
            vec!["it is not a permspec fixture"],
        ),
        (
            "unknown-field",
            Fx::Bytes(
                good_fixture("FX_KEY")
                    .replacen("\"recorded_at\"", "\"headers\": {}, \"recorded_at\"", 1)
                    .into_bytes(),
            ),
            vec!["it is not a permspec fixture: unknown field `headers`"],
        ),
        (
            "missing-field",
            Fx::Bytes(
                br#"{"recorded_at": "2026-11-20T08:00:00Z", "provider": "docspace"}"#.to_vec(),
            ),
            vec!["it is not a permspec fixture: missing field `request`"],
        ),
        (
            "non-utf8",
            Fx::Bytes({
                let mut b = good_fixture("FX_KEY").into_bytes();
                let at = b.windows(10).position(|w| w == b"files:read").unwrap();
                b[at + 5] = 0xff;
                b
            }),
            vec!["it is not a permspec fixture: not UTF-8 text (at byte "],
        ),
        (
            "deep-json",
            Fx::Bytes(fixture_json("docspace", "FX_KEY", 200, &nested).into_bytes()),
            vec!["it is not a permspec fixture: recursion limit exceeded"],
        ),
        (
            "huge",
            Fx::Bytes(huge.into_bytes()),
            vec!["over the 4194304-byte limit"],
        ),
        (
            "status-500",
            Fx::Bytes(
                fixture_json("docspace", "FX_KEY", 500, r#""Internal Server Error""#).into_bytes(),
            ),
            vec!["holds an HTTP 500 answer, not a grant"],
        ),
        (
            "status-401",
            Fx::Bytes(fixture_json("docspace", "FX_KEY", 401, "null").into_bytes()),
            vec!["holds an HTTP 401 answer, not a grant"],
        ),
        ("dir", Fx::Dir, vec!["cannot read it"]),
        (
            "missing",
            Fx::Missing,
            vec!["no fixture at fixtures/fx/missing.json"],
        ),
    ];
    let mut spec =
        String::from("provider: docspace\nbase_url: https://portal.example.com\ntokens:\n");
    spec.push_str(
        "  fine:\n    credential: { env: FX_KEY }\n    expect: { exactly: [files:read] }\n",
    );
    for (token, _, _) in &table {
        spec.push_str(&format!(
            "  {token}:\n    credential: {{ env: FX_KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ));
    }
    let shared = vec![
        file("specs/fx.yaml", spec),
        file("fixtures/fx/fine.json", good_fixture("FX_KEY")),
    ];
    let mut cases = Vec::new();
    for (token, fixture, says) in table {
        let path = format!("fixtures/fx/{token}.json");
        let mut says = says;
        says.push(&path);
        let inputs = match fixture {
            Fx::Bytes(b) => vec![file(path.clone(), b)],
            Fx::Dir => vec![Input::Dir { path: path.clone() }],
            Fx::Missing => vec![],
        };
        cases.push(case(format!("fx::{token}"), &says, inputs));
    }
    (cases, shared)
}

#[test]
fn each_bad_fixture_fails_its_own_case_and_the_others_pass() {
    let (cases, shared) = fixture_cases();
    check(Group {
        what: "fixture",
        mode: "replay",
        cases,
        env: vec![],
        keep: shared,
        good: vec!["fx::fine".into()],
    });
}

// ---------------------------------------------------------------------------
// Server answers, live and record: each bad answer fails its own token of
// `specs/live.yaml`, next to `live-good`, which the same server answers well
// ---------------------------------------------------------------------------

/// A token the loopback server answers with `reply`.
fn answer(token: &str, reply: Reply, says: &[&str]) -> Case {
    let named = format!("token `{token}` in specs/live.yaml");
    let mut says = says.to_vec();
    says.push(&named);
    case(
        format!("live::{token}"),
        &says,
        vec![Input::Answer {
            token: token.into(),
            reply,
        }],
    )
}

/// A token of the live spec whose credential cannot be used.
fn credential(token: &str, yaml: &str, env: &[(&str, &str)], says: &[&str]) -> Case {
    let named = format!("token `{token}` in specs/live.yaml");
    let mut says = says.to_vec();
    says.push(&named);
    case(
        format!("live::{token}"),
        &says,
        vec![Input::Credential {
            token: token.into(),
            credential: yaml.into(),
            env: env
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        }],
    )
}

/// A one-token spec of its own (for a bad address).
fn own_spec(id: &str, base_url: &str, says: &[&str]) -> Case {
    let path = format!("specs/{id}.yaml");
    let named = format!("token `ci` in {path}");
    let mut says = says.to_vec();
    says.push(&named);
    case(
        format!("{id}::ci"),
        &says,
        vec![file(
            &path,
            format!(
                "provider: docspace\nbase_url: {base_url}\ntokens:\n  ci:\n    credential: {{ env: OWN_KEY }}\n    expect: {{ exactly: [files:read] }}\n"
            ),
        )],
    )
}

const RETRIED: &str = "(after 3 retries)";

fn server_cases() -> Vec<Case> {
    let big = format!(
        r#"{{"response": {{"permissions": ["files:read"], "pad": "{}"}}}}"#,
        "x".repeat(5 << 20)
    );
    let echo = format!(
        r#"{{"error":{{"message":"key {} may not read files"}},"status":1,"statusCode":403}}"#,
        key_of("status-403")
    );
    let mut non_utf8 = br#"{"response": {"permissions": ["files:"#.to_vec();
    non_utf8.extend([0xff, 0xfe]);
    non_utf8.extend(br#""]}}"#);
    let garbage: Vec<u8> = (0u32..64).map(|i| (i * 89 + 7) as u8).collect();
    let body = |bytes: Vec<u8>| {
        let mut r = Reply::json(200, "");
        r.body = bytes;
        r
    };
    vec![
        answer(
            "status-400",
            Reply::json(
                400,
                r#"{"error":{"message":"Malformed key"},"status":1,"statusCode":400}"#,
            ),
            &["HTTP 400: the API answered HTTP 400 (server said: Malformed key)"],
        ),
        answer(
            "status-401",
            Reply::empty(401),
            &["HTTP 401: the API rejected the credential: unknown, expired or disabled key"],
        ),
        answer(
            "status-403",
            // The server echoes the key back; the failure must not.
            Reply::json(403, echo),
            &[
                "HTTP 403: the credential may not call this endpoint",
                "(server said: key [REDACTED] may not read files)",
            ],
        ),
        answer(
            "status-404",
            Reply::empty(404),
            &["HTTP 404: not found: is `base_url` the portal's address"],
        ),
        answer(
            "status-429",
            Reply::empty(429),
            &[
                "HTTP 429: the API answered HTTP 429",
                RETRIED,
                "try again later",
            ],
        ),
        answer(
            "status-500",
            Reply::json(500, "<html>oops</html>").with_content_type("text/html"),
            &["HTTP 500: the answer is an HTML page, not the API's"],
        ),
        answer("status-502", Reply::empty(502), &["HTTP 502", RETRIED]),
        answer("status-503", Reply::empty(503), &["HTTP 503", RETRIED]),
        answer("status-504", Reply::empty(504), &["HTTP 504", RETRIED]),
        answer(
            "html",
            Reply::json(200, "<!DOCTYPE html>\n<html><title>Sign in</title></html>")
                .with_content_type("text/html; charset=utf-8"),
            &[
                "expected JSON, got text/html; charset=utf-8: a proxy or firewall page? It begins: <!DOCTYPE html>",
            ],
        ),
        answer(
            "empty-body",
            Reply::json(200, ""),
            &["HTTP 200 with an empty body; expected JSON"],
        ),
        answer(
            "garbage",
            body(garbage).with_content_type("application/octet-stream"),
            &["the body is not valid JSON"],
        ),
        answer(
            "non-utf8",
            body(non_utf8),
            &["the body is not valid JSON", "invalid unicode code point"],
        ),
        answer(
            "slow",
            Reply::json(200, good_body()).delayed(Duration::from_secs(4)),
            &["the API did not answer in time", "PERMSPEC_TIMEOUT=SECONDS"],
        ),
        answer(
            "oversized",
            Reply::json(200, big),
            &["the body is over 4 MiB; refusing to read it"],
        ),
        answer(
            "truncated",
            Reply::json(200, good_body()).cut_after(25),
            &["truncated"],
        ),
        answer(
            "json-array",
            Reply::json(200, r#"["files:read"]"#),
            &["expected DocSpace's envelope `{\"response\": ...}`, found a list"],
        ),
        answer(
            "deep-json",
            Reply::json(
                200,
                format!(
                    r#"{{"response": {}{}}}"#,
                    "[".repeat(10_000),
                    "]".repeat(10_000)
                ),
            ),
            &["the body is not valid JSON: recursion limit exceeded"],
        ),
        answer(
            "redirect",
            Reply::empty(302).with_header("Location", "http://127.0.0.1:9/elsewhere"),
            &["the API answered 302, a redirect to http://127.0.0.1:9/elsewhere"],
        ),
        credential(
            "unset-variable",
            "{ env: BAD_INPUT_UNSET_KEY }",
            &[],
            &["the environment variable BAD_INPUT_UNSET_KEY is not set"],
        ),
        credential(
            "empty-variable",
            "{ env: BAD_INPUT_EMPTY_KEY }",
            &[("BAD_INPUT_EMPTY_KEY", "")],
            &["the environment variable BAD_INPUT_EMPTY_KEY is empty"],
        ),
        credential(
            "missing-file",
            "{ file: /nonexistent/permspec-bad-input/key }",
            &[],
            &["cannot read the credential file /nonexistent/permspec-bad-input/key"],
        ),
        credential(
            "newline-in-key",
            "{ env: BAD_INPUT_NEWLINE_KEY }",
            &[("BAD_INPUT_NEWLINE_KEY", "sk-line-one\nsk-line-two-5d1c")],
            &["the credential holds characters an HTTP header cannot carry"],
        ),
        own_spec(
            "unset-base",
            "${BAD_INPUT_UNSET_BASE}",
            &["`base_url` uses ${BAD_INPUT_UNSET_BASE}, which is not set"],
        ),
        own_spec(
            "plain-http",
            "http://portal.example.com",
            &["refusing to send a credential over plain http to portal.example.com"],
        ),
    ]
}

#[test]
fn each_bad_answer_fails_its_own_case_in_live_mode() {
    check(Group {
        what: "live",
        mode: "live",
        cases: server_cases(),
        env: vec![
            ("PERMSPEC_TIMEOUT", "1"),
            ("OWN_KEY", "sk-own-2b7e4c9a1f0d"),
        ],
        keep: vec![],
        good: vec![],
    });
}

/// The same answers in record mode: each bad one fails and leaves the old
/// fixture exactly as it was; only the good token's fixture is written.
#[test]
fn each_bad_answer_fails_its_own_case_in_record_mode_and_keeps_the_old_fixture() {
    let cases = server_cases();
    let old = fixture_json(
        "docspace",
        "KEY",
        200,
        &good_body().replace("files:read", "rooms:read"),
    );
    let keep = cases
        .iter()
        .map(|c| {
            let path = c.name.replace("::", "/");
            file(format!("fixtures/{path}.json"), old.clone())
        })
        .collect();
    check(Group {
        what: "record",
        mode: "record",
        cases,
        env: vec![
            ("PERMSPEC_TIMEOUT", "1"),
            ("OWN_KEY", "sk-own-2b7e4c9a1f0d"),
        ],
        keep,
        good: vec![],
    });
}

// ---------------------------------------------------------------------------
// Bugs this suite found, each kept on its smallest input so it stays fixed.
// ---------------------------------------------------------------------------

/// The guide, "Network behaviour" (docs/src/concepts/modes.md): "A failure says how many retries it took;
/// the line above counts them all." A request that fails after its three
/// retries says "(after 3 retries)", but the line counts 0.
#[test]
fn the_summary_line_counts_the_retries_of_failed_requests() {
    let server = Server::start(|_| Reply::empty(502));
    let dir = TempDir::new("bad-retries");
    write(
        dir.path(),
        "specs/live.yaml",
        format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        )
        .as_bytes(),
    );
    let out = run(support::check_in(&dir, "live").env("CI_KEY", key_of("ci")));
    assert_eq!(out.code, 101, "{}", out.stdout);
    assert_eq!(server.hits().len(), 4, "one attempt and three retries");
    assert!(out.stdout.contains("(after 3 retries)"), "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("permspec live: 1 request for 1 case, 3 retries\n"),
        "{}",
        out.stdout
    );
}

/// Spec errors in the user's words: no half-cut library text, no advice
/// addressed to a Rust programmer.
#[test]
fn spec_errors_carry_no_library_leftovers() {
    let dir = TempDir::new("bad-words");
    write(
        dir.path(),
        "specs/alias.yaml",
        format!("{HEAD}tokens:\n  ci:\n    credential: {{ env: KEY }}\n    expect:\n      exactly: &a [files:read]\n      at_least: [*a]\n").as_bytes(),
    );
    write(
        dir.path(),
        "specs/two.yaml",
        format!("{HEAD}tokens:\n  ci:\n{TOKEN}---\n{HEAD}tokens:\n  cd:\n{TOKEN}").as_bytes(),
    );
    let out = run(&mut support::check_in(&dir, "replay"));
    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let alias = &blocks["alias::ci"];
    let first = alias.lines().next().unwrap();
    assert!(!first.ends_with("(used"), "cut short: {first}");
    let two = &blocks["two::ci"];
    assert!(!two.contains("from_str_multiple"), "{two}");
}

/// A spec written on one line (JSON is YAML; generated specs often are)
/// with one typo: the failure echoes the whole line and pads the caret to
/// its column, so the text is twice the file's size for each bad entry.
#[test]
fn a_long_line_is_not_echoed_whole() {
    let dir = TempDir::new("bad-long-line");
    let tokens: Vec<String> = (0..2000)
        .map(|i| format!(r#""t{i}": {{"credential": {{"env": "K"}}, "expect": {{"exactly": ["files:read"]}}}}"#))
        .collect();
    let spec = format!(
        r#"{{"provider": "docspace", "base_url": "https://portal.example.com", "tokens": {{{}, "typo": {{"credential": {{"env": "K"}}, "expect": {{"exactly": ["file:read"]}}}}}}}}"#,
        tokens.join(", ")
    );
    write(dir.path(), "specs/one-line.yaml", spec.as_bytes());
    let out = run(support::check_in(&dir, "replay").args(["--exact", "one-line::typo"]));
    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let text = &blocks["one-line::typo"];
    assert!(
        text.contains("`file:read` is not a DocSpace permission"),
        "{}",
        clip(text, 500)
    );
    assert!(
        text.len() < 4096,
        "a {}-byte failure text for a {}-byte spec:\n{}",
        text.len(),
        spec.len(),
        clip(text, 500)
    );
}

/// A credential that cannot go into a header is the credential's problem,
/// not the address's.
#[test]
fn a_credential_with_a_newline_gets_a_hint_about_the_credential() {
    let server = Server::start(|_| Reply::empty(401));
    let dir = TempDir::new("bad-newline");
    write(
        dir.path(),
        "specs/live.yaml",
        format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        )
        .as_bytes(),
    );
    let out = run(support::check_in(&dir, "live").env("CI_KEY", "sk-one\nsk-two"));
    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let text = &blocks["live::ci"];
    assert!(
        text.contains("the credential holds characters an HTTP header cannot carry"),
        "{text}"
    );
    assert!(!text.contains("check `base_url`"), "{text}");
    assert!(server.hits().is_empty());
}

/// Numbers at the edge of `i64`, in a spec and in a fixture, must not
/// overflow: a debug build (which is what `cargo test --test permissions`
/// runs) panics in the case, a release build silently wraps.
#[test]
fn numbers_at_the_edge_never_panic() {
    let dir = TempDir::new("bad-overflow");
    let root = dir.path();
    write(
        root,
        "specs/edge.yaml",
        format!(
            "{HEAD}tokens:\n  fine:\n{TOKEN}  window:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read], expires_within: 2562047788015215h }}\n  offset:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read], expires_within: 90d }}\n"
        )
        .as_bytes(),
    );
    write(
        root,
        "fixtures/edge/fine.json",
        good_fixture("KEY").as_bytes(),
    );
    write(
        root,
        "fixtures/edge/window.json",
        good_fixture("KEY").as_bytes(),
    );
    let offset = good_body().replace(
        r#""isActive": true"#,
        r#""isActive": true, "expiresAt": "2000-01-01T00:00:00+3000000000000000:0""#,
    );
    write(
        root,
        "fixtures/edge/offset.json",
        fixture_json("docspace", "KEY", 200, &offset).as_bytes(),
    );
    let out = run(&mut support::check_in(&dir, "replay"));
    let both = format!("{}\n{}", out.stdout, clip(&out.stderr, 1_000));
    assert_eq!(outcome(&out.stdout, "edge::fine"), Some("ok"), "{both}");
    assert!(!out.stdout.contains("panicked"), "{both}");
    assert!(!out.stderr.contains("panicked"), "{both}");
}
