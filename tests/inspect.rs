//! `permspec inspect`: what a token may do now, asked once against a
//! loopback DocSpace portal (and OpenBao-shaped Vault), printed and never
//! written.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::cases::assert_nothing_leaked;
use support::docspace::Portal;
use support::{TempDir, permspec, run};

const KEY: &str = "sk-4f1c2d3e0a1b4c5d8e9f0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e";

fn inspect(dir: &TempDir, args: &[&str], key: &str) -> support::Run {
    run(permspec()
        .current_dir(dir.path())
        .arg("inspect")
        .args(args)
        .env("DS_KEY", key))
}

#[test]
fn inspect_prints_the_grant_grouped_and_flagged_and_writes_nothing() {
    let server = Portal::default()
        .with_key(KEY, &["files:read", "files:write", "*:read"])
        .start();
    let url = server.url();
    let dir = TempDir::new("inspect");
    let args = [
        "--provider",
        "docspace",
        "--base-url",
        &url,
        "--credential-env",
        "DS_KEY",
    ];
    let text = inspect(&dir, &args, KEY);
    assert_eq!(text.code, 0, "{}{}", text.stdout, text.stderr);
    assert!(
        text.stdout.starts_with("docspace token, asked at "),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("  active     true\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("  *      *:read (HIGH: read access to everything)\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("  files  files:read, files:write\n"),
        "{}",
        text.stdout
    );
    assert!(text.stdout.contains("1 high-severity"), "{}", text.stdout);

    let json = inspect(&dir, &[&args[..], &["--format", "json"]].concat(), KEY);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["privileges"],
        serde_json::json!(["*:read", "files:read", "files:write"])
    );
    assert_eq!(
        v["groups"]["files"],
        serde_json::json!(["files:read", "files:write"])
    );
    assert_eq!(v["high_severity"][0]["privilege"], "*:read");
    assert_eq!(v["active"], true);
    assert_eq!(v["expiry"], "never");

    let spec = inspect(&dir, &[&args[..], &["--spec"]].concat(), KEY);
    assert_eq!(
        spec.stdout,
        "    expect:\n      exactly: [\"*:read\", files:read, files:write]\n"
    );
    // Nothing is written, and the key appears nowhere.
    assert!(dir.all_files().is_empty(), "{:?}", dir.all_files());
    assert_nothing_leaked(&dir, &[&text, &json, &spec], &[KEY]);
    assert_eq!(server.hits().len(), 3, "one request per run");
}

#[test]
fn inspect_errors_say_why_and_leak_nothing() {
    let server = Portal::default().with_key(KEY, &["files:read"]).start();
    let url = server.url();
    let dir = TempDir::new("inspect-errors");
    // An unknown key: the portal's 401, in words, and exit 1.
    let other = "sk-0000000000000000000000000000000000000000000000000000000000000000";
    let refused = inspect(
        &dir,
        &[
            "--provider",
            "docspace",
            "--base-url",
            &url,
            "--credential-env",
            "DS_KEY",
        ],
        other,
    );
    assert_eq!(refused.code, 1, "{}", refused.stderr);
    assert!(refused.stderr.contains("401"), "{}", refused.stderr);
    // An unset variable.
    let unset = run(permspec()
        .current_dir(dir.path())
        .args(["inspect", "--provider", "docspace", "--base-url", &url])
        .args(["--credential-env", "PERMSPEC_TEST_UNSET_VAR"]));
    assert_eq!(unset.code, 1);
    assert!(
        unset.stderr.contains("PERMSPEC_TEST_UNSET_VAR is not set"),
        "{}",
        unset.stderr
    );
    // Providers a spec must describe, and usage errors.
    for (args, says) in [
        (
            vec!["--provider", "http", "--credential-env", "DS_KEY"],
            "inspect supports the providers",
        ),
        (
            vec!["--provider", "probes", "--credential-env", "DS_KEY"],
            "inspect supports the providers",
        ),
        (
            vec!["--provider", "docspace", "--credential-env", "DS_KEY"],
            "docspace needs --base-url",
        ),
        (
            vec!["--provider", "docspace", "--base-url", &url],
            "give exactly one of --credential-env",
        ),
        (
            vec![
                "--provider",
                "docspace",
                "--base-url",
                "https://u:pw@h",
                "--credential-env",
                "DS_KEY",
            ],
            "carries a user name or password",
        ),
    ] {
        let out = inspect(&dir, &args, KEY);
        assert_eq!(out.code, 2, "{args:?}: {}", out.stderr);
        assert!(out.stderr.contains(says), "{args:?}: {}", out.stderr);
        assert!(!out.stderr.contains("pw@"), "{}", out.stderr);
    }
    assert_nothing_leaked(&dir, &[&refused, &unset], &[KEY, other]);
}
