//! Record mode: fixtures are written only from good answers, atomically,
//! and never hold a secret.

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
