//! Fixture history: fixtures no spec token refers to (reported, rejected,
//! deleted or ignored, never mistaken for evidence, and named when a renamed
//! spec or token lost its fixture), and `permspec diff` between revisions.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::{TempDir, check_in, key_fixture, outcome, permspec, run};

const BASE: &str = "https://portal.example.com";

fn spec(tokens: &[&str]) -> String {
    let mut s = format!("provider: docspace\nbase_url: {BASE}\ntokens:\n");
    for t in tokens {
        s.push_str(&format!(
            "  {t}:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ));
    }
    s
}

/// A project with `specs/docspace.yaml` (tokens `ci`, `web`), their
/// fixtures, and two orphans.
fn project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("specs/docspace.yaml", &spec(&["ci", "web"]));
    let fixture = key_fixture(BASE, "KEY", r#"["files:read"]"#);
    for f in [
        "docspace/ci.json",
        "docspace/web.json",
        "docspace/old.json",
        "gone/ci.json",
    ] {
        dir.write(&format!("fixtures/{f}"), &fixture);
    }
    dir
}

const ORPHANS: [&str; 2] = ["fixtures/docspace/old.json", "fixtures/gone/ci.json"];

#[test]
fn orphans_are_a_warning_by_default_and_the_cases_still_pass() {
    let dir = project("orphans-warn");
    let out = run(&mut check_in(&dir, "replay"));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr
            .contains("warning: 2 fixtures no spec token refers to"),
        "{}",
        out.stderr
    );
    for o in ORPHANS {
        assert!(out.stderr.contains(o), "{}", out.stderr);
    }
    assert!(!out.stderr.contains("docspace/ci.json"), "{}", out.stderr);
    // A filter changes nothing: `web` is filtered out, not gone.
    let filtered = run(check_in(&dir, "replay").arg("docspace::ci"));
    assert_eq!(filtered.code, 0, "{}", filtered.stderr);
    assert!(
        !filtered.stderr.contains("docspace/web.json"),
        "{}",
        filtered.stderr
    );
}

#[test]
fn reject_fails_the_run_delete_removes_them_ignore_is_quiet() {
    let dir = project("orphans-modes");
    let rejected = run(check_in(&dir, "replay").env("PERMSPEC_UNREFERENCED", "reject"));
    assert_eq!(rejected.code, 101, "{}", rejected.stderr);
    assert!(
        rejected.stderr.contains("error: 2 fixtures"),
        "{}",
        rejected.stderr
    );
    assert_eq!(outcome(&rejected.stdout, "docspace::ci"), Some("ok"));

    let ignored = run(check_in(&dir, "replay").args(["--unreferenced", "ignore"]));
    assert_eq!(ignored.code, 0);
    assert!(!ignored.stderr.contains("refers to"), "{}", ignored.stderr);

    let bad = run(check_in(&dir, "replay").env("PERMSPEC_UNREFERENCED", "shred"));
    assert_eq!(bad.code, 2, "{}", bad.stderr);
    assert!(
        bad.stderr.contains("ignore, warn, reject or delete"),
        "{}",
        bad.stderr
    );

    // The manifest confirms an orphan and a case's fixture.
    let confirmed = r#"{"confirmed": {"docspace/old.json": {"of": "2026-11-01T00:00:00Z", "at": "2026-11-02T00:00:00Z"}, "docspace/ci.json": {"of": "2026-11-01T00:00:00Z", "at": "2026-11-02T00:00:00Z"}}}"#;
    dir.write("fixtures/confirmations.json", confirmed);
    let deleted = run(check_in(&dir, "replay").args(["--unreferenced", "delete"]));
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    for o in ORPHANS {
        assert!(!dir.path().join(o).exists(), "{o} is deleted");
    }
    // ... and forgets the deleted one.
    let manifest = std::fs::read_to_string(dir.path().join("fixtures/confirmations.json")).unwrap();
    assert!(!manifest.contains("old.json"), "{manifest}");
    assert!(manifest.contains("docspace/ci.json"), "{manifest}");
    assert!(dir.path().join("fixtures/docspace/ci.json").exists());
    assert!(dir.path().join("fixtures/docspace/web.json").exists());
    let again = run(&mut check_in(&dir, "replay"));
    assert!(!again.stderr.contains("refers to"), "{}", again.stderr);
}

#[test]
fn a_spec_that_does_not_load_keeps_its_fixtures() {
    let dir = project("orphans-broken");
    dir.write(
        "specs/docspace.yaml",
        "provider: docspace\ntokens: [not, a, map\n",
    );
    let out = run(check_in(&dir, "replay").args(["--unreferenced", "delete"]));
    assert_eq!(out.code, 101);
    for f in ["docspace/ci.json", "docspace/web.json", "docspace/old.json"] {
        assert!(dir.path().join("fixtures").join(f).exists(), "{f} is kept");
    }
    // A token whose own text is wrong keeps its spec's folder too.
    let dir = project("orphans-broken-token");
    dir.write(
        "specs/docspace.yaml",
        &format!(
            "{}  bad:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:raed] }}\n",
            spec(&["ci"])
        ),
    );
    let out = run(check_in(&dir, "replay").args(["--unreferenced", "delete"]));
    assert!(
        dir.path().join("fixtures/docspace/web.json").exists(),
        "{}",
        out.stderr
    );
    assert!(
        !dir.path().join("fixtures/gone/ci.json").exists(),
        "{}",
        out.stderr
    );
}

#[test]
fn a_renamed_spec_names_the_fixture_it_lost_and_the_audit_lists_orphans() {
    let dir = project("orphans-renamed");
    std::fs::rename(
        dir.path().join("specs/docspace.yaml"),
        dir.path().join("specs/portal.yaml"),
    )
    .unwrap();
    let out = run(&mut check_in(&dir, "replay"));
    assert_eq!(outcome(&out.stdout, "portal::ci"), Some("FAILED"));
    assert!(
        out.stdout
            .contains("mv fixtures/docspace/ci.json fixtures/portal/ci.json"),
        "{}",
        out.stdout
    );
    let audit = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--format", "json"]));
    let json: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    let listed = json["unreferenced_fixtures"].as_array().unwrap();
    assert!(
        listed.iter().any(|f| f == "fixtures/docspace/ci.json"),
        "{listed:?}"
    );
    let text = run(permspec().current_dir(dir.path()).args(["audit"]));
    assert!(
        text.stdout.contains("fixtures no spec token refers to:"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("fixtures/gone/ci.json"),
        "{}",
        text.stdout
    );
}

// ------------------------------------------------------- permspec diff

fn git(dir: &TempDir, args: &[&str]) {
    let out = std::process::Command::new("git")
        .current_dir(dir.path())
        .args([
            "-c",
            "user.email=t@example.com",
            "-c",
            "user.name=t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn diff_compares_two_revisions_and_the_working_tree_by_permission() {
    let dir = TempDir::new("diff");
    dir.write("specs/docspace.yaml", &spec(&["ci", "web"]));
    dir.write(
        "fixtures/docspace/ci.json",
        &key_fixture(BASE, "KEY", r#"["files:read", "rooms:read"]"#),
    );
    dir.write(
        "fixtures/docspace/web.json",
        &key_fixture(BASE, "KEY", r#"["files:read"]"#),
    );
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-qm", "one"]);
    // `ci` gains full access and loses rooms:read; `web` goes; `new` comes.
    dir.write("specs/docspace.yaml", &spec(&["ci", "new"]));
    std::fs::remove_file(dir.path().join("fixtures/docspace/web.json")).unwrap();
    dir.write(
        "fixtures/docspace/ci.json",
        &key_fixture(BASE, "KEY", r#"["*", "files:read"]"#),
    );
    dir.write(
        "fixtures/docspace/new.json",
        &key_fixture(BASE, "KEY", r#"["files:read"]"#),
    );
    let diff = |args: &[&str]| run(permspec().current_dir(dir.path()).arg("diff").args(args));

    // HEAD against the working tree.
    let text = diff(&[]);
    assert_eq!(text.code, 0, "{}", text.stderr);
    assert!(
        text.stdout
            .starts_with("permspec diff HEAD..the working tree: 1 changed, 1 new, 1 removed\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout
            .contains("docspace::ci\n  + *  HIGH: full access\n  - rooms:read\n"),
        "{}",
        text.stdout
    );
    assert!(
        text.stdout.contains("new: docspace::new")
            && text.stdout.contains("removed: docspace::web"),
        "{}",
        text.stdout
    );
    assert_eq!(diff(&["--exit-code"]).code, 1);

    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-qm", "two"]);
    assert_eq!(diff(&["--exit-code"]).code, 0, "nothing changed since HEAD");
    let md = diff(&["--from", "HEAD~1", "--to", "HEAD", "--format", "markdown"]);
    assert!(
        md.stdout.contains(
            "- `docspace::ci`\n  - gained `*` **HIGH**: full access\n  - lost `rooms:read`"
        ),
        "{}",
        md.stdout
    );
    let json = diff(&["--from", "HEAD~1", "--to", "HEAD", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["changed"][0]["gained"], serde_json::json!(["*"]));
    assert_eq!(v["removed"], serde_json::json!(["docspace::web"]));
    let none = diff(&["--format", "markdown"]);
    assert!(
        none.stdout.contains("No permission changed"),
        "{}",
        none.stdout
    );
    let bad = diff(&["--from", "no-such-rev"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("not a revision"), "{}", bad.stderr);
}

#[test]
fn a_failing_case_names_the_change_that_awaits_review() {
    let dir = project("pending-named");
    let fixture = key_fixture(BASE, "KEY", r#"["files:read", "files:write"]"#);
    dir.write("fixtures/docspace/ci.json.new", &fixture);
    dir.write("fixtures/docspace/ci.json", &fixture);
    let out = run(check_in(&dir, "replay").args(["--unreferenced", "ignore"]));
    assert_eq!(outcome(&out.stdout, "docspace::ci"), Some("FAILED"));
    assert!(
        out.stdout
            .contains("a recorded change awaits review in fixtures/docspace/ci.json.new"),
        "{}",
        out.stdout
    );
    // The other case has none, and a pending file is no orphan.
    assert_eq!(outcome(&out.stdout, "docspace::web"), Some("ok"));
    let warned = run(&mut check_in(&dir, "replay"));
    let orphans = warned
        .stderr
        .split_once("no spec token refers to")
        .and_then(|(_, rest)| rest.split_once("= help"))
        .map(|(listed, _)| listed)
        .unwrap_or_default();
    assert!(!orphans.contains("ci.json.new"), "{}", warned.stderr);
}

/// A project whose `ci` case passes while a recorded answer waits beside
/// its fixture (the API now grants more).
fn passing_with_a_pending_answer(name: &str) -> TempDir {
    let dir = project(name);
    let now = key_fixture(BASE, "KEY", r#"["files:read", "files:write"]"#);
    dir.write("fixtures/docspace/ci.json.new", &now);
    dir
}

#[test]
fn a_pending_answer_is_named_even_when_every_case_passes() {
    let dir = passing_with_a_pending_answer("pending-warn");
    let out = run(check_in(&dir, "replay").args(["--unreferenced", "ignore"]));
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains(
            "warning: 1 recorded answer awaits review; each case replays the fixture beside it, \
             not the answer:\n  fixtures/docspace/ci.json.new\n"
        ),
        "{}",
        out.stderr
    );
    assert!(
        out.stderr.contains("PERMSPEC_PENDING=fail"),
        "{}",
        out.stderr
    );
    // Only the cases the run selects: `web` has none.
    let web = run(check_in(&dir, "replay").args(["--unreferenced", "ignore", "docspace::web"]));
    assert_eq!(web.code, 0, "{}", web.stderr);
    assert!(!web.stderr.contains("awaits review"), "{}", web.stderr);
    // The audit shows it in every format.
    let json = run(permspec()
        .current_dir(dir.path())
        .args(["audit", "--format", "json"]));
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(
        v["pending_answers"],
        serde_json::json!(["fixtures/docspace/ci.json.new"])
    );
    for (format, words) in [
        ("text", "answers pending review"),
        ("markdown", "**Answers pending review**"),
        ("html", "<h2>Answers pending review</h2>"),
    ] {
        let out = run(permspec()
            .current_dir(dir.path())
            .args(["audit", "--format", format]));
        assert!(out.stdout.contains(words), "{format}: {}", out.stdout);
        assert!(
            out.stdout.contains("fixtures/docspace/ci.json.new"),
            "{format}: {}",
            out.stdout
        );
    }
}

#[test]
fn pending_fail_fails_each_case_with_a_pending_answer_and_nothing_else() {
    let dir = passing_with_a_pending_answer("pending-fail");
    let by_env = run(check_in(&dir, "replay")
        .args(["--unreferenced", "ignore"])
        .env("PERMSPEC_PENDING", "fail"));
    let by_flag =
        run(check_in(&dir, "replay").args(["--unreferenced", "ignore", "--pending", "fail"]));
    for out in [by_env, by_flag] {
        assert_eq!(out.code, 101, "{}\n{}", out.stdout, out.stderr);
        assert_eq!(outcome(&out.stdout, "docspace::ci"), Some("FAILED"));
        assert_eq!(outcome(&out.stdout, "docspace::web"), Some("ok"));
        assert!(
            out.stdout
                .contains("a recorded answer awaits review in fixtures/docspace/ci.json.new"),
            "{}",
            out.stdout
        );
        // What to do, and the command that runs the case again.
        assert!(
            out.stdout
                .contains("accept or reject it with `permspec review`"),
            "{}",
            out.stdout
        );
        assert!(
            out.stdout
                .contains("then run:\n      permspec check --exact docspace::ci"),
            "{}",
            out.stdout
        );
        assert!(
            out.stderr
                .contains("error: 1 recorded answer awaits review"),
            "{}",
            out.stderr
        );
    }
    // `--pending warn` overrides the environment; a wrong word is a usage error.
    let warn = run(check_in(&dir, "replay")
        .args(["--unreferenced", "ignore", "--pending", "warn"])
        .env("PERMSPEC_PENDING", "fail"));
    assert_eq!(warn.code, 0, "{}", warn.stdout);
    // Set but empty, as a CI template leaves it: the default.
    let empty = run(check_in(&dir, "replay")
        .args(["--unreferenced", "ignore"])
        .env("PERMSPEC_PENDING", " "));
    assert_eq!(empty.code, 0, "{}", empty.stderr);
    assert!(
        empty
            .stderr
            .contains("warning: 1 recorded answer awaits review"),
        "{}",
        empty.stderr
    );
    let wrong = run(check_in(&dir, "replay").env("PERMSPEC_PENDING", "strict"));
    assert_eq!(wrong.code, 2);
    assert!(
        wrong
            .stderr
            .contains("PERMSPEC_PENDING is `strict`; it takes warn or fail"),
        "{}",
        wrong.stderr
    );
    // Once reviewed (here: rejected), the run passes again.
    std::fs::remove_file(dir.path().join("fixtures/docspace/ci.json.new")).unwrap();
    let reviewed = run(check_in(&dir, "replay")
        .args(["--unreferenced", "ignore"])
        .env("PERMSPEC_PENDING", "fail"));
    assert_eq!(reviewed.code, 0, "{}", reviewed.stdout);
}
