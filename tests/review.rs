//! `permspec init` and `permspec audit --inventory` against a DocSpace
//! portal on 127.0.0.1.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::docspace::Portal;
use support::{TempDir, outcome, permspec, run};

const KEY: &str = "sk-initkey0000000000000000000000000000000000000000000000000000c1a2";
const ADMIN: &str = "sk-adminkey000000000000000000000000000000000000000000000000000ad31";

fn init(dir: &TempDir, url: &str, token: &str, var: &str) -> std::process::Command {
    let mut cmd = permspec();
    cmd.current_dir(dir.path()).args([
        "init",
        "--provider",
        "docspace",
        "--base-url",
        url,
        "--token",
        token,
        "--credential-env",
        var,
        "--description",
        "made by init",
    ]);
    cmd
}

#[test]
fn init_writes_todays_grant_and_its_fixture_then_check_passes() {
    let portal = Portal::default()
        .with_key(KEY, &["files:write", "files:read"])
        .start();
    let dir = TempDir::new("init");
    let out = run(init(&dir, &portal.url(), "ci", "CI_KEY").env("CI_KEY", KEY));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        out.stdout,
        "wrote specs/docspace.yaml: token `ci` expects exactly [files:read, files:write]\nrecorded fixtures/docspace/ci.json\nfor completion in your editor, write the schema its first line names: permspec schema --write spec.schema.json\n"
    );
    let spec = std::fs::read_to_string(dir.path().join("specs/docspace.yaml")).unwrap();
    assert_eq!(
        spec,
        format!(
            "# yaml-language-server: $schema=../spec.schema.json\nprovider: docspace\nbase_url: {}\ntokens:\n  ci:\n    description: \"made by init\"\n    credential: {{ env: CI_KEY }}\n    expect:\n      exactly: [files:read, files:write]\n",
            portal.url()
        )
    );
    let fixture = std::fs::read_to_string(dir.path().join("fixtures/docspace/ci.json")).unwrap();
    assert!(!fixture.contains(KEY));
    let check = run(permspec().current_dir(dir.path()).arg("check"));
    assert_eq!(
        outcome(&check.stdout, "docspace::ci"),
        Some("ok"),
        "{}",
        check.stdout
    );
    // The schema the first line names, written where it says.
    let wrote =
        run(permspec()
            .current_dir(dir.path())
            .args(["schema", "--write", "spec.schema.json"]));
    assert_eq!(wrote.stdout, "wrote spec.schema.json\n");
    let printed = run(permspec().arg("schema"));
    assert_eq!(
        std::fs::read_to_string(dir.path().join("spec.schema.json")).unwrap(),
        printed.stdout
    );
}

#[test]
fn init_refuses_to_overwrite_unless_forced_and_appends_new_tokens() {
    let other = "sk-otherkey0000000000000000000000000000000000000000000000000000b2c3";
    let portal = Portal::default()
        .with_key(KEY, &["files:read"])
        .with_key(other, &["rooms:read"])
        .start();
    let dir = TempDir::new("init-force");
    assert_eq!(
        run(init(&dir, &portal.url(), "ci", "CI_KEY").env("CI_KEY", KEY)).code,
        0
    );
    let path = dir.path().join("specs/docspace.yaml");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.insert_str(0, "# owned by the platform team\n");
    std::fs::write(&path, &text).unwrap();

    let again = run(init(&dir, &portal.url(), "ci", "CI_KEY").env("CI_KEY", other));
    assert_eq!(again.code, 1);
    assert!(
        again
            .stderr
            .contains("token `ci` is already in specs/docspace.yaml; pass --force"),
        "{}",
        again.stderr
    );
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "nothing changed"
    );

    let added = run(init(&dir, &portal.url(), "reports", "REPORTS_KEY").env("REPORTS_KEY", other));
    assert_eq!(added.code, 0, "{}", added.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(
        text.starts_with("# owned by the platform team\n"),
        "comments stay:\n{text}"
    );
    assert!(
        text.contains("  reports:\n") && text.contains("exactly: [rooms:read]"),
        "{text}"
    );
    assert!(
        text.contains("exactly: [files:read]"),
        "the first token stays:\n{text}"
    );

    let forced = run(init(&dir, &portal.url(), "ci", "CI_KEY")
        .env("CI_KEY", other)
        .arg("--force"));
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("  ci:").count(), 1, "{text}");
    assert!(
        !text.contains("[files:read]"),
        "ci now expects rooms:read:\n{text}"
    );
    let check = run(permspec().current_dir(dir.path()).arg("check"));
    assert_eq!(check.code, 0, "{}", check.stdout);
}

#[test]
fn init_writes_nothing_when_the_api_refuses() {
    let portal = Portal::default().start();
    let dir = TempDir::new("init-401");
    let out = run(init(&dir, &portal.url(), "ci", "CI_KEY").env("CI_KEY", "sk-unknown"));
    assert_eq!(out.code, 1);
    assert!(
        out.stderr
            .contains("HTTP 401: the API rejected the credential"),
        "{}",
        out.stderr
    );
    assert!(dir.all_files().is_empty(), "no spec, no fixture");
    let usage = run(permspec().current_dir(dir.path()).args([
        "init",
        "--provider",
        "http",
        "--token",
        "x",
        "--credential-env",
        "X",
    ]));
    assert_eq!(usage.code, 2);
    assert!(
        usage
            .stderr
            .contains("init supports the providers docspace"),
        "{}",
        usage.stderr
    );
}

#[test]
fn inventory_lists_unnamed_keys_and_gone_tokens() {
    let unnamed = "sk-temporaryexport000000000000000000000000000000000000000000000ee1";
    let portal = Portal::default()
        .with_key(KEY, &["files:read"])
        .with_key(unnamed, &[])
        .with_key(ADMIN, &["*:read"])
        .start();
    let dir = TempDir::new("inventory");
    assert_eq!(
        run(init(&dir, &portal.url(), "ci", "CI_KEY").env("CI_KEY", KEY)).code,
        0
    );
    // A token whose recorded key the portal no longer has.
    let mut spec = std::fs::read_to_string(dir.path().join("specs/docspace.yaml")).unwrap();
    spec.push_str(
        "  old:\n    credential: { env: OLD_KEY }\n    expect: { exactly: [rooms:read] }\n",
    );
    std::fs::write(dir.path().join("specs/docspace.yaml"), spec).unwrap();
    let gone = std::fs::read_to_string(dir.path().join("fixtures/docspace/ci.json"))
        .unwrap()
        .replace(&Portal::key_id(KEY), "id-deleted1")
        .replace("\"files:read\"", "\"rooms:read\"")
        .replace("env CI_KEY", "env OLD_KEY");
    std::fs::write(dir.path().join("fixtures/docspace/old.json"), gone).unwrap();
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--inventory", "--admin-key-env", "ADMIN_KEY"])
        .env("ADMIN_KEY", ADMIN));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let text = &out.stdout;
    assert!(
        text.contains(&format!("inventory of {} (3 keys):", portal.url())),
        "{text}"
    );
    assert!(text.contains("  keys no spec names: 2"), "{text}");
    assert!(
        text.contains(&format!(
            "    - {} \"key 0ee1\" (sk-***0ee1) [*]  HIGH: full access",
            Portal::key_id(unnamed)
        )),
        "{text}"
    );
    assert!(
        text.contains("  spec tokens whose key is gone: 1\n    - docspace::old (key id-deleted1)"),
        "{text}"
    );
    assert!(!text.contains(ADMIN));
    let refused = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--inventory"]));
    assert_eq!(refused.code, 2);
    let rejected = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--inventory", "--admin-key-env", "ADMIN_KEY"])
        .env("ADMIN_KEY", "sk-wrong-admin-canary"));
    assert_eq!(rejected.code, 0, "the audit itself still reports");
    assert!(
        rejected
            .stdout
            .contains("  error: HTTP 401: the API rejected the credential"),
        "{}",
        rejected.stdout
    );
    let leaked = rejected.stdout.contains("sk-wrong-admin-canary")
        || rejected.stderr.contains("sk-wrong-admin-canary");
    assert!(!leaked, "the admin key was printed");
}

#[test]
fn audit_can_ask_the_live_api() {
    let portal = Portal::default().with_key(KEY, &["files:read"]).start();
    let dir = TempDir::new("audit-live");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            portal.url()
        ),
    );
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--mode", "live", "--format", "json"])
        .env("CI_KEY", KEY));
    assert_eq!(out.code, 0, "{}", out.stderr);
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["mode"], "live");
    assert_eq!(v["tokens"][0]["status"], "pass");
    assert_eq!(v["tokens"][0]["source"]["kind"], "live");
    assert_eq!(portal.hits().len(), 1);
    assert!(
        out.stderr
            .starts_with("permspec live: 1 request for 1 case"),
        "{}",
        out.stderr
    );
    assert!(
        dir.all_files()
            .iter()
            .all(|(p, _)| !p.starts_with(dir.path().join("fixtures"))),
        "audit records nothing"
    );
}

#[test]
fn the_stricter_fixture_age_limit_wins() {
    let dir = TempDir::new("stale-env");
    dir.write(
        "specs/keys.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\nmax_fixture_age: 90d\ntokens:\n  ci:\n    credential: { env: DOCSPACE_CI_UPLOADER_KEY }\n    expect: { exactly: [files:read, files:write] }\n    probes: auto\n",
    );
    let fixture = std::fs::read_to_string("fixtures/docspace/ci-uploader.json").unwrap();
    dir.write("fixtures/keys/ci.json", &fixture);
    let at = |now: &str, env: Option<&str>| {
        let mut cmd = permspec();
        cmd.current_dir(dir.path())
            .arg("check")
            .env("PERMSPEC_NOW", now);
        if let Some(limit) = env {
            cmd.env("PERMSPEC_MAX_FIXTURE_AGE", limit);
        }
        run(&mut cmd)
    };
    // Recorded 2026-11-20T08:00Z: 39 days later it passes the spec's 90d ...
    assert_eq!(at("2026-12-30T00:00:00Z", None).code, 0);
    // ... but not a stricter 30d policy from the environment.
    let strict = at("2026-12-30T00:00:00Z", Some("30d"));
    assert!(
        strict
            .stdout
            .contains("is stale: recorded 2026-11-20, 39 days ago, more than max_fixture_age 30d"),
        "{}",
        strict.stdout
    );
    // A laxer environment does not loosen the spec.
    assert_eq!(at("2027-03-01T00:00:00Z", Some("365d")).code, 101);
    let bad = at("2026-12-30T00:00:00Z", Some("soon"));
    assert!(
        bad.stdout
            .contains("PERMSPEC_MAX_FIXTURE_AGE: `soon` is not a duration"),
        "{}",
        bad.stdout
    );
}
