//! Record mode: fixtures are written only from good answers, atomically,
//! and never hold a secret.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use std::time::Duration;
use support::docspace::Portal;
use support::server::{Reply, Server};
use support::{TempDir, check_in, outcome, permspec, run};

const KEY: &str = "sk-recordkey000000000000000000000000000000000000000000000000000aa1";

fn key_spec(url: &str) -> String {
    format!(
        "provider: docspace\nbase_url: {url}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read, files:write] }}\n"
    )
}

#[test]
fn record_writes_the_scrubbed_answer_and_replay_then_passes() {
    let server = Portal::default()
        .with_key(KEY, &["files:write", "files:read"])
        .start();
    let dir = TempDir::new("record-new");
    dir.write("specs/docspace.yaml", &key_spec(&server.url()));
    let out = run(check_in(&dir, "record")
        .env("CI_KEY", KEY)
        .env("PERMSPEC_NOW", "2026-11-23T10:00:00Z"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("permspec record: 1 request for 1 case, 0 retries, 1 fixture written\n"),
        "{}",
        out.stdout
    );

    let text = std::fs::read_to_string(dir.path().join("fixtures/docspace/ci.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fixture["recorded_at"], "2026-11-23T10:00:00Z");
    assert_eq!(fixture["provider"], "docspace");
    assert_eq!(
        fixture["request"],
        json!({
            "method": "GET",
            "url": format!("{}/api/2.0/keys/@self", server.url()),
            "credential": "bearer from env CI_KEY"
        })
    );
    assert_eq!(fixture["response"]["status"], 200);
    assert_eq!(
        fixture["response"]["body"]["response"]["permissions"],
        json!(["files:write", "files:read"])
    );
    assert!(
        !text.contains(KEY) && !text.to_lowercase().contains("authorization"),
        "{text}"
    );
    // A last-use time is no evidence, and would change on every record.
    assert!(!text.contains("lastUsed"), "{text}");
    assert!(
        text.starts_with("{\n  \"recorded_at\": \"2026-11-23T10:00:00Z\",\n  \"provider\""),
        "documented order:\n{text}"
    );

    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_eq!(server.hits().len(), 1, "replay asks nothing");
}

#[test]
fn record_refreshes_an_outdated_fixture() {
    let server = Portal::default()
        .with_key(KEY, &["files:read", "files:write"])
        .start();
    let dir = TempDir::new("record-refresh");
    dir.write("specs/docspace.yaml", &key_spec(&server.url()));
    let old = r#"{"provider": "docspace", "recorded_at": "2025-01-01T00:00:00Z",
      "request": {"method": "GET", "url": "https://portal.example.com/api/2.0/keys/@self"},
      "response": {"status": 200, "body": {"response": {"permissions": ["files:read"]}}}}"#;
    dir.write("fixtures/docspace/ci.json", old);
    assert_eq!(
        run(&mut check_in(&dir, "replay")).code,
        101,
        "the old fixture fails"
    );
    let out = run(check_in(&dir, "record").env("CI_KEY", KEY));
    assert!(out.stdout.contains("1 fixture written"), "{}", out.stdout);
    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(replay.code, 0, "{}", replay.stdout);
}

/// A good fixture must survive every kind of bad answer in record mode.
#[test]
fn a_bad_answer_never_replaces_a_good_fixture() {
    let bad: Vec<(&str, Reply)> = vec![
        ("401", Reply::empty(401)),
        (
            "500",
            Reply::json(
                500,
                r#"{"error":{"message":"Internal"},"status":1,"statusCode":500}"#,
            ),
        ),
        ("garbage", Reply::json(200, "{\"response\": {\"permiss")),
        (
            "html",
            Reply::json(200, "<html><body>Access denied</body></html>")
                .with_content_type("text/html"),
        ),
        ("wrong shape", Reply::json(200, r#"{"response": "ok"}"#)),
        (
            "timeout",
            Reply::json(200, "{}").delayed(Duration::from_secs(3)),
        ),
    ];
    for (name, reply) in bad {
        let server = Server::start(move |_| reply.clone());
        let dir = TempDir::new("record-keep");
        dir.write("specs/docspace.yaml", &key_spec(&server.url()));
        let good = std::fs::read("fixtures/docspace/ci-uploader.json").unwrap();
        std::fs::create_dir_all(dir.path().join("fixtures/docspace")).unwrap();
        std::fs::write(dir.path().join("fixtures/docspace/ci.json"), &good).unwrap();
        let out = run(check_in(&dir, "record")
            .env("CI_KEY", KEY)
            .env("PERMSPEC_TIMEOUT", "1"));
        assert_eq!(out.code, 101, "{name}: {}", out.stdout);
        assert!(
            out.stdout.contains("0 fixtures written"),
            "{name}: {}",
            out.stdout
        );
        let after: Vec<_> = dir
            .all_files()
            .into_iter()
            .filter(|(p, _)| p.starts_with(dir.path().join("fixtures")))
            .collect();
        assert_eq!(
            after.len(),
            1,
            "{name}: no temporary file is left behind: {after:?}"
        );
        assert_eq!(after[0].1, good, "{name}: the good fixture is untouched");
    }
}

#[test]
fn record_subcommand_takes_several_filters() {
    let server = Portal::default()
        .with_key(KEY, &["files:read", "files:write"])
        .start();
    let dir = TempDir::new("record-filters");
    let spec = format!(
        "provider: docspace\nbase_url: {}\ntokens:\n  a:\n    credential: {{ env: CI_KEY }}\n    expect: {{ at_least: [files:read] }}\n  \
         b:\n    credential: {{ env: CI_KEY2 }}\n    expect: {{ at_least: [files:read] }}\n  \
         c:\n    credential: {{ env: CI_KEY3 }}\n    expect: {{ at_least: [files:read] }}\n",
        server.url()
    );
    dir.write("specs/docspace.yaml", &spec);
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["record", "docspace::a", "docspace::c", "--exact"])
        .env("CI_KEY", KEY)
        .env("CI_KEY3", KEY));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(outcome(&out.stdout, "docspace::a"), Some("ok"));
    assert_eq!(
        outcome(&out.stdout, "docspace::b"),
        None,
        "b is not selected, so CI_KEY2 is not needed"
    );
    assert!(dir.path().join("fixtures/docspace/a.json").exists());
    assert!(!dir.path().join("fixtures/docspace/b.json").exists());
    assert!(dir.path().join("fixtures/docspace/c.json").exists());
}

/// A DocSpace key whose `lastUsed` changes on every request, and whose
/// permissions the test may change between runs.
fn volatile_portal() -> (Server, std::sync::Arc<std::sync::Mutex<Vec<&'static str>>>) {
    use std::sync::atomic::{AtomicU32, Ordering};
    let perms = std::sync::Arc::new(std::sync::Mutex::new(vec!["files:read", "files:write"]));
    let calls = AtomicU32::new(0);
    let shared = perms.clone();
    let server = Server::start(move |hit| {
        let n = calls.fetch_add(1, Ordering::SeqCst);
        let permissions = shared.lock().unwrap().clone();
        let key = json!({"id": "3c9a0e51-7d2b-4f0e-9a61-0c2d5e8f1b77", "name": "ci",
                         "permissions": permissions, "isActive": true,
                         "lastUsed": format!("2026-11-2{n}T08:00:00.0000000Z")});
        support::docspace::envelope(hit, key)
    });
    (server, perms)
}

fn files(dir: &TempDir) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    dir.all_files()
        .into_iter()
        .filter(|(p, _)| p.starts_with(dir.path().join("fixtures")))
        .collect()
}

#[test]
fn recording_an_unchanged_grant_leaves_the_fixture_byte_identical() {
    let (server, perms) = volatile_portal();
    let dir = TempDir::new("record-quiet");
    dir.write("specs/docspace.yaml", &key_spec(&server.url()));
    let record = |now: &str| {
        run(check_in(&dir, "record")
            .env("CI_KEY", KEY)
            .env("PERMSPEC_NOW", now))
    };
    let first = record("2026-11-01T10:00:00Z");
    assert!(
        first.stdout.contains("1 fixture written"),
        "{}",
        first.stdout
    );
    let fixture = dir.path().join("fixtures/docspace/ci.json");
    let before = std::fs::read(&fixture).unwrap();
    assert!(!dir.path().join("fixtures/confirmations.json").exists());

    // Only `lastUsed` changed: no fixture byte changes, one small file does.
    let second = record("2026-11-08T10:00:00Z");
    assert_eq!(second.code, 0, "{}", second.stdout);
    assert!(
        second
            .stdout
            .contains("0 fixtures written, 1 unchanged (confirmed)"),
        "{}",
        second.stdout
    );
    assert_eq!(
        std::fs::read(&fixture).unwrap(),
        before,
        "the fixture is untouched"
    );
    let manifest: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("fixtures/confirmations.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(
        manifest,
        json!({"confirmed": {"docspace/ci.json":
            {"of": "2026-11-01T10:00:00Z", "at": "2026-11-08T10:00:00Z"}}})
    );
    assert_eq!(files(&dir).len(), 2, "the fixture and the manifest");

    // Staleness counts from the confirmation...
    let replay = |now: &str| {
        run(check_in(&dir, "replay")
            .env("PERMSPEC_NOW", now)
            .env("PERMSPEC_MAX_FIXTURE_AGE", "10d"))
    };
    let fresh = replay("2026-11-15T10:00:00Z");
    assert_eq!(fresh.code, 0, "{}", fresh.stdout);
    let stale = replay("2026-11-20T10:00:00Z");
    assert_eq!(outcome(&stale.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        stale.stdout.contains("stale: last confirmed 2026-11-08"),
        "{}",
        stale.stdout
    );
    // ...of this very recording only: a fixture replaced by another
    // recording (a revert, a hand edit) does not inherit it.
    let confirmed = std::fs::read(dir.path().join("fixtures/confirmations.json")).unwrap();
    let text = String::from_utf8(before.clone()).unwrap();
    dir.write(
        "fixtures/docspace/ci.json",
        &text.replace("2026-11-01T10:00:00Z", "2026-11-01T09:00:00Z"),
    );
    let reverted = replay("2026-11-15T10:00:00Z");
    assert_eq!(outcome(&reverted.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        reverted.stdout.contains("stale: recorded 2026-11-01"),
        "{}",
        reverted.stdout
    );
    std::fs::write(&fixture, &before).unwrap();
    assert_eq!(
        std::fs::read(dir.path().join("fixtures/confirmations.json")).unwrap(),
        confirmed
    );
    // ...and a confirmation in the future makes nothing younger.
    dir.write(
        "fixtures/confirmations.json",
        r#"{"confirmed": {"docspace/ci.json": {"of": "2026-11-01T10:00:00Z", "at": "2027-01-01T00:00:00Z"}}}"#,
    );
    let future = replay("2026-11-15T10:00:00Z");
    assert_eq!(outcome(&future.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        future.stdout.contains("is in the future"),
        "{}",
        future.stdout
    );

    // A manifest that is not one confirms nothing, and a fixture stale
    // for it names it; recording leaves it as it is and says so, instead
    // of writing over what it held.
    let corrupt = r#"{"confirmed": {"docspace/ci.json": {"of": "2026-11-01T10:00:00Z"}}"#;
    dir.write("fixtures/confirmations.json", corrupt);
    let unread = replay("2026-11-15T10:00:00Z");
    assert_eq!(outcome(&unread.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        unread.stdout.contains(
            "stale: recorded 2026-11-01, 14 days ago, more than max_fixture_age 10d; no \
             confirmation counts, as fixtures/confirmations.json is not a confirmations manifest"
        ) && unread.stdout.contains("fix or delete it, then record"),
        "{}",
        unread.stdout
    );
    let kept = record("2026-11-16T10:00:00Z");
    assert_eq!(kept.code, 0, "{}{}", kept.stdout, kept.stderr);
    assert!(
        kept.stderr.contains(
            "warning: fixtures/confirmations.json is not a confirmations manifest (missing \
             field `at` at line 1 column 65); fix or delete it; the confirmed fixtures' ages \
             still count from their recorded_at"
        ),
        "{}",
        kept.stderr
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("fixtures/confirmations.json")).unwrap(),
        corrupt,
        "recording wrote over a manifest it could not read"
    );
    assert_eq!(std::fs::read(&fixture).unwrap(), before);
    std::fs::remove_file(dir.path().join("fixtures/confirmations.json")).unwrap();

    // A changed grant rewrites exactly that fixture and drops its entry.
    *perms.lock().unwrap() = vec!["files:read"];
    let third = record("2026-11-09T10:00:00Z");
    assert!(
        third.stdout.contains("1 fixture written"),
        "{}",
        third.stdout
    );
    assert_ne!(std::fs::read(&fixture).unwrap(), before);
    assert!(!dir.path().join("fixtures/confirmations.json").exists());
}

#[test]
fn pending_mode_writes_beside_the_fixture_and_review_accepts_or_rejects() {
    let (server, perms) = volatile_portal();
    let dir = TempDir::new("record-pending");
    dir.write("specs/docspace.yaml", &key_spec(&server.url()));
    let record = |extra: &[&str]| {
        run(check_in(&dir, "record")
            .env("CI_KEY", KEY)
            .env("PERMSPEC_RECORD", "pending")
            .args(extra))
    };
    let fixture = dir.path().join("fixtures/docspace/ci.json");
    let pending = dir.path().join("fixtures/docspace/ci.json.new");
    // A new token's first answer waits for review too.
    let first = record(&[]);
    assert!(
        first.stdout.contains("1 pending review"),
        "{}",
        first.stdout
    );
    assert!(pending.exists() && !fixture.exists());
    let review = |args: &[&str]| run(permspec().current_dir(dir.path()).arg("review").args(args));
    let listed = review(&["--list"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    assert!(listed.stdout.contains("a new fixture"), "{}", listed.stdout);
    assert!(listed.stdout.contains("+ files:write"), "{}", listed.stdout);
    assert!(pending.exists(), "--list acts on nothing");
    let accepted = review(&["--accept-all"]);
    assert!(
        accepted.stdout.contains("1 accepted"),
        "{}",
        accepted.stdout
    );
    assert!(fixture.exists() && !pending.exists());
    let before = std::fs::read(&fixture).unwrap();

    // A changed grant: the fixture stays, the change waits beside it, and
    // the case (judged live) says where.
    *perms.lock().unwrap() = vec!["files:read", "files:write", "accounts:write"];
    let changed = record(&[]);
    assert_eq!(outcome(&changed.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        changed.stdout.contains("ci.json.new (pending"),
        "{}",
        changed.stdout
    );
    assert_eq!(std::fs::read(&fixture).unwrap(), before);
    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    let listed = review(&["--list"]);
    assert!(
        listed.stdout.contains("+ accounts:write"),
        "{}",
        listed.stdout
    );
    // Without a terminal, review asks for a flag.
    assert_eq!(review(&[]).code, 2);
    let rejected = review(&["--reject-all"]);
    assert!(
        rejected.stdout.contains("1 rejected"),
        "{}",
        rejected.stdout
    );
    assert!(!pending.exists());
    assert_eq!(std::fs::read(&fixture).unwrap(), before);

    // Through a terminal: one key per change, no Enter (another key is
    // asked again).
    record(&[]);
    assert!(pending.exists());
    let bin = env!("CARGO_BIN_EXE_permspec");
    let mut cmd = std::process::Command::new("script");
    cmd.current_dir(dir.path())
        .args(["-qec", &format!("{bin} review"), "/dev/null"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = cmd.spawn().expect("script (util-linux) runs");
    use std::io::Write;
    child.stdin.take().unwrap().write_all(b"xa").unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("accept, reject or skip?"), "{text}");
    assert!(text.contains("1 accepted"), "{text}");
    assert!(!pending.exists());
    assert_ne!(std::fs::read(&fixture).unwrap(), before);
}

/// Two specs of different providers that ask the very same request (the
/// same URL and credential) share one exchange, but each stores the answer
/// as its own provider keeps it: DocSpace drops `lastUsed`, `provider:
/// http` keeps every field. Stored through the first case's provider, the
/// second case's fixture would lack a field its live run read, and replay
/// would judge other evidence than live did.
#[test]
fn cases_sharing_a_request_store_the_answer_as_their_own_provider_keeps_it() {
    let server = Portal::default()
        .with_key(KEY, &["files:write", "files:read"])
        .start();
    let dir = TempDir::new("record-shared-providers");
    dir.write("specs/a-docspace.yaml", &key_spec(&server.url()));
    dir.write(
        "specs/b-http.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /api/2.0/keys/@self }}\n\
             privileges: {{ json: /response/permissions }}\ntokens:\n  \
             ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read, files:write] }}\n",
            server.url()
        ),
    );
    let out = run(check_in(&dir, "record").env("CI_KEY", KEY));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .starts_with("permspec record: 1 request for 2 cases"),
        "the two cases share one request\n{}",
        out.stdout
    );
    let body = |name: &str| {
        let text = std::fs::read_to_string(dir.path().join(format!("fixtures/{name}.json")))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let fixture: Value = serde_json::from_str(&text).unwrap();
        fixture["response"]["body"]["response"].clone()
    };
    assert!(body("a-docspace/ci").get("lastUsed").is_none());
    assert!(
        body("b-http/ci").get("lastUsed").is_some(),
        "the http case keeps the field its provider does not drop"
    );
    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(replay.code, 0, "{}", replay.stdout);
}
