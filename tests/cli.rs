//! The harness's command-line contract, through the `permspec` binary
//! (the same code path `cargo test --test permissions` takes).

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::{TempDir, key_fixture, normalize, outcome, permspec, run};

const PASSING: &str = "provider: docspace
base_url: https://portal.example.com
tokens:
  reader:
    credential: { env: READER_KEY }
    expect: { exactly: [files:read] }
  writer:
    credential: { env: WRITER_KEY }
    expect: { at_least: [files:read], forbidden: [\"rooms:*\"] }
";

fn fixture(var: &str, perms: &str) -> String {
    key_fixture("https://portal.example.com", var, perms)
}

fn project() -> TempDir {
    let dir = TempDir::new("cli");
    dir.write("specs/team/docspace.yaml", PASSING);
    dir.write(
        "fixtures/team/docspace/reader.json",
        &fixture("READER_KEY", r#"["files:read"]"#),
    );
    dir.write(
        "fixtures/team/docspace/writer.json",
        &fixture("WRITER_KEY", r#"["files:write"]"#),
    );
    dir
}

#[test]
fn bundled_examples_pass_from_the_package_root() {
    let out = run(permspec().arg("check"));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert_eq!(
        outcome(&out.stdout, "docspace::ci-uploader"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("test result: ok. 21 passed; 0 failed"),
        "{}",
        out.stdout
    );
}

#[test]
fn cases_are_named_by_spec_path_and_token_with_the_provider_as_kind() {
    let dir = project();
    let out = run(permspec().current_dir(dir.path()).args(["check", "--list"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        out.stdout,
        "[docspace] team/docspace::reader: test\n[docspace] team/docspace::writer: test\n"
    );
}

#[test]
fn filters_exact_and_skip_select_cases() {
    let dir = project();
    let check = |args: &[&str]| {
        let out = run(permspec().current_dir(dir.path()).arg("check").args(args));
        assert_eq!(out.code, 0, "{}", out.stdout);
        normalize(&out.stdout)
    };
    let out = check(&["reader"]);
    assert!(
        out.contains("1 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out"),
        "{out}"
    );
    let out = check(&["--exact", "team/docspace::writer"]);
    assert_eq!(outcome(&out, "team/docspace::writer"), Some("ok"), "{out}");
    assert!(out.contains("1 filtered out"), "{out}");
    let out = check(&["--skip", "writer", "--test-threads", "1"]);
    assert_eq!(outcome(&out, "team/docspace::reader"), Some("ok"), "{out}");
    assert_eq!(outcome(&out, "team/docspace::writer"), None, "{out}");
}

#[test]
fn nextest_protocol_lists_tersely_and_runs_one_exact_case() {
    // cargo-nextest lists with `--list --format terse` and then runs each
    // case as `<binary> --exact <name> --nocapture`.
    let dir = project();
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--list", "--format", "terse"]));
    assert_eq!(
        out.stdout,
        "[docspace] team/docspace::reader: test\n[docspace] team/docspace::writer: test\n"
    );
    let out = run(permspec().current_dir(dir.path()).args([
        "check",
        "--exact",
        "team/docspace::reader",
        "--nocapture",
    ]));
    assert_eq!(out.code, 0);
    assert!(
        normalize(&out.stdout)
            .contains("1 passed; 0 failed; 0 ignored; 0 measured; 1 filtered out")
    );
}

#[test]
fn exit_status_is_101_on_failure_and_2_on_usage_errors() {
    let dir = project();
    dir.write(
        "fixtures/team/docspace/reader.json",
        &fixture("READER_KEY", r#"["files:write"]"#),
    );
    let out = run(permspec().current_dir(dir.path()).arg("check"));
    assert_eq!(out.code, 101, "{}", out.stdout);
    assert_eq!(
        outcome(&out.stdout, "team/docspace::reader"),
        Some("FAILED")
    );
    assert_eq!(
        outcome(&out.stdout, "team/docspace::writer"),
        Some("ok"),
        "the other case still runs"
    );

    assert_eq!(run(permspec().args(["check", "--no-such-flag"])).code, 2);
    assert_eq!(run(permspec().arg("frobnicate")).code, 2);
    let out = run(permspec().arg("check").env("PERMSPEC_MODE", "recrod"));
    assert_eq!(out.code, 2);
    assert!(
        out.stderr
            .contains("use replay (the default), live or record"),
        "{}",
        out.stderr
    );
}

#[test]
fn folders_come_from_flags_or_environment() {
    let dir = project();
    let out = run(permspec().args([
        "check",
        "--specs",
        &dir.path().join("specs").to_string_lossy(),
        "--fixtures",
        &dir.path().join("fixtures").to_string_lossy(),
    ]));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(out.stdout.contains("2 passed"), "{}", out.stdout);
    let out = run(permspec()
        .arg("check")
        .env("PERMSPEC_SPECS", dir.path().join("specs"))
        .env("PERMSPEC_FIXTURES", dir.path().join("fixtures")));
    assert!(out.stdout.contains("2 passed"), "{}", out.stdout);
}

#[test]
fn a_missing_or_empty_specs_folder_is_one_failing_case() {
    let dir = TempDir::new("cli-empty");
    let out = run(permspec().current_dir(dir.path()).arg("check"));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout.contains("the specs folder specs does not exist"),
        "{}",
        out.stdout
    );
    dir.write("specs/README.md", "not a spec");
    let out = run(permspec().current_dir(dir.path()).arg("check"));
    assert!(
        out.stdout.contains("no spec files (*.yaml) under specs"),
        "{}",
        out.stdout
    );
}

#[test]
fn replay_needs_no_environment_even_for_variables_in_base_url() {
    let dir = project();
    dir.write(
        "specs/team/docspace.yaml",
        &PASSING.replace("https://portal.example.com", "${UNSET_PORTAL_URL}"),
    );
    // The fixtures answer the spec's request as written, `${VAR}` and all.
    for (token, var, perms) in [
        ("reader", "READER_KEY", r#"["files:read"]"#),
        ("writer", "WRITER_KEY", r#"["files:write"]"#),
    ] {
        dir.write(
            &format!("fixtures/team/docspace/{token}.json"),
            &key_fixture("${UNSET_PORTAL_URL}", var, perms),
        );
    }
    let out = run(permspec()
        .current_dir(dir.path())
        .arg("check")
        .env_remove("UNSET_PORTAL_URL"));
    assert_eq!(out.code, 0, "{}", out.stdout);
}

#[test]
fn colour_only_when_asked() {
    let dir = project();
    dir.write(
        "fixtures/team/docspace/reader.json",
        &fixture("READER_KEY", r#"["files:write"]"#),
    );
    let plain = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--color", "never"]));
    assert!(!plain.stdout.contains('\x1b'), "{}", plain.stdout);
    let colour = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--color", "always"]));
    assert!(
        colour.stdout.contains("\x1b[32m  + files:write"),
        "{}",
        colour.stdout
    );
}
