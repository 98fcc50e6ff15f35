//! Live and record modes against a DocSpace portal on 127.0.0.1.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::docspace::Portal;
use support::{TempDir, outcome, permspec, run};

/// A credential that must never appear in output or files.
const CANARY: &str = "sk-canary0000000000000000000000000000000000000000000000000000c4n4";

fn spec(base_url: &str, expect: &str) -> String {
    format!(
        "provider: docspace\nbase_url: {base_url}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {expect}\n"
    )
}

#[test]
fn live_mode_asks_the_key_itself_with_bearer_and_passes() {
    let portal = Portal::default()
        .with_key(CANARY, &["files:read", "files:write"])
        .start();
    let dir = TempDir::new("live-pass");
    dir.write(
        "specs/docspace.yaml",
        &spec(&portal.url(), "{ exactly: [files:read, files:write] }"),
    );
    let out = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env("PERMSPEC_MODE", "live")
        .env("CI_KEY", CANARY));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let hits = portal.hits();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].path(), "/api/2.0/keys/@self");
    assert_eq!(
        hits[0].header("authorization"),
        Some(format!("Bearer {CANARY}").as_str())
    );
    assert!(
        dir.all_files()
            .iter()
            .all(|(p, _)| !p.starts_with(dir.path().join("fixtures"))),
        "live writes nothing"
    );
}

#[test]
fn live_mismatch_says_where_the_grant_came_from() {
    let portal = Portal::default().with_key(CANARY, &[]).start();
    let dir = TempDir::new("live-fail");
    dir.write(
        "specs/docspace.yaml",
        &spec(&portal.url(), "{ forbidden: [\"*:write\"] }"),
    );
    let out = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env("PERMSPEC_MODE", "live")
        .env("CI_KEY", CANARY));
    assert_eq!(out.code, 101);
    let url = format!("live from {}/api/2.0/keys/@self", portal.url());
    assert!(out.stdout.contains(&url), "{}", out.stdout);
    assert!(out.stdout.contains("granted    [*]"), "{}", out.stdout);
    assert!(
        out.stdout.contains("note       full access"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("PERMSPEC_MODE=live permspec check --exact docspace::ci"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(CANARY) && !out.stderr.contains(CANARY));
}

#[test]
fn an_unknown_key_is_explained_and_the_other_cases_still_run() {
    let portal = Portal::default()
        .with_key("sk-good", &["files:read"])
        .start();
    let dir = TempDir::new("live-401");
    let text = format!(
        "provider: docspace\nbase_url: {}\ntokens:\n  good:\n    credential: {{ env: GOOD_KEY }}\n    expect: {{ exactly: [files:read] }}\n  \
         revoked:\n    credential: {{ env: REVOKED_KEY }}\n    expect: {{ exactly: [files:read] }}\n  \
         unset:\n    credential: {{ env: PERMSPEC_TEST_UNSET_KEY }}\n    expect: {{ exactly: [files:read] }}\n",
        portal.url()
    );
    dir.write("specs/docspace.yaml", &text);
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--test-threads=1"])
        .env("PERMSPEC_MODE", "live")
        .env("GOOD_KEY", "sk-good")
        .env("REVOKED_KEY", CANARY)
        .env_remove("PERMSPEC_TEST_UNSET_KEY"));
    assert_eq!(out.code, 101);
    assert_eq!(
        outcome(&out.stdout, "docspace::good"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "HTTP 401: the API rejected the credential: unknown, expired or disabled key"
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("the environment variable PERMSPEC_TEST_UNSET_KEY is not set"),
        "{}",
        out.stdout
    );
    assert_eq!(
        portal.hits().len(),
        2,
        "no request is made without a credential"
    );
    assert!(!out.stdout.contains(CANARY));
}

#[test]
fn base_url_variables_are_resolved_in_live_mode_and_named_when_unset() {
    let portal = Portal::default().with_key(CANARY, &["rooms:read"]).start();
    let dir = TempDir::new("live-var");
    dir.write(
        "specs/docspace.yaml",
        &spec("\"${PORTAL_URL}\"", "{ exactly: [rooms:read] }"),
    );
    let ok = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env("PERMSPEC_MODE", "live")
        .env("CI_KEY", CANARY)
        .env("PORTAL_URL", portal.url()));
    assert_eq!(ok.code, 0, "{}", ok.stdout);
    let unset = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env("PERMSPEC_MODE", "live")
        .env("CI_KEY", CANARY)
        .env_remove("PORTAL_URL"));
    assert!(
        unset
            .stdout
            .contains("`base_url` uses ${PORTAL_URL}, which is not set"),
        "{}",
        unset.stdout
    );
}

#[test]
fn plain_http_to_another_host_is_refused_before_any_connection() {
    let dir = TempDir::new("live-http");
    dir.write(
        "specs/docspace.yaml",
        &spec("http://portal.example.com", "{ exactly: [files:read] }"),
    );
    let out = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env("PERMSPEC_MODE", "live")
        .env("CI_KEY", CANARY));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout
            .contains("refusing to send a credential over plain http to portal.example.com"),
        "{}",
        out.stdout
    );
}
