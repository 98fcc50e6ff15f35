//! The docs stay true to the code: examples parse (the CI example and the
//! GitHub Action), every bundled spec carries the schema line, and the
//! guide's audit page documents every field of the audit's JSON.
//! (tests/guide.rs replays the guide's examples and checks its links.)

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::{permspec, run};

#[test]
fn the_ci_example_is_valid_yaml_with_both_jobs() {
    let text = std::fs::read_to_string("examples/github-actions.yml").unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(doc["jobs"]["replay"].is_object() && doc["jobs"]["live"].is_object());
    // The replay job needs nothing a user's repository lacks (no nextest
    // profile), writes JUnit and SARIF from the harness, and may upload
    // to code scanning.
    assert!(text.contains("run: cargo test --locked --test permissions"));
    assert!(text.contains("PERMSPEC_SARIF: permspec.sarif"));
    assert!(text.contains("github/codeql-action/upload-sarif"));
    assert_eq!(
        doc["jobs"]["replay"]["permissions"]["security-events"],
        "write"
    );
    // As a user copies it: every action pinned by a commit, no permission
    // unless a job asks, and no install of a crate that is not published.
    assert_eq!(doc["permissions"], serde_json::json!({}));
    for line in text.lines().filter(|l| l.contains("uses:")) {
        let pinned = line
            .split_once('@')
            .map(|(_, r)| r.split_whitespace().next().unwrap_or(""))
            .is_some_and(|r| r.len() == 40 && r.chars().all(|c| c.is_ascii_hexdigit()));
        assert!(pinned, "not pinned by a commit: {line}");
    }
    // The live job needs only the consumer's own features (README
    // "Features"): live mode through `--features live`, the commands
    // through the consumer's example; nothing is installed.
    assert!(!text.contains("cargo install"));
    assert!(
        text.contains(
            "PERMSPEC_MODE=record cargo test --locked --features live --test permissions"
        )
    );
    assert!(text.contains("cargo run --locked --quiet --example permspec --features cli --"));

    let steps = |job: &str| doc["jobs"][job]["steps"].as_array().unwrap().clone();
    let position =
        |job: &str, what: &dyn Fn(&serde_json::Value) -> bool| steps(job).iter().position(what);
    let runs = |needle: &'static str| {
        move |s: &serde_json::Value| s["run"].as_str().is_some_and(|r| r.contains(needle))
    };
    let uses = |action: &'static str| {
        move |s: &serde_json::Value| s["uses"].as_str().is_some_and(|u| u.starts_with(action))
    };

    // permspec is not on crates.io: the dependency the header shows is a
    // git one pinned to a commit, with what a private repository needs.
    assert!(text.contains(
        "permspec = { git = \"https://github.com/your-org/permspec\", rev = \"<commit>\""
    ));
    assert_eq!(doc["env"]["CARGO_NET_GIT_FETCH_WITH_CLI"], "true");
    assert!(text.contains("A private permspec repository"));

    // Every job caches its build with an action pinned by a commit (the
    // loop above holds every `uses:` to 40 hex digits).
    for job in ["replay", "live"] {
        assert!(
            position(job, &uses("Swatinem/rust-cache@")).is_some(),
            "{job} has no build cache"
        );
    }

    // A pull request from a fork cannot write security events: the SARIF
    // upload is skipped there, and only there.
    let sarif = position("replay", &uses("github/codeql-action/upload-sarif@")).unwrap();
    let guard = steps("replay")[sarif]["if"]
        .as_str()
        .unwrap_or("")
        .to_owned();
    assert!(
        guard.contains("github.event.pull_request.head.repo.full_name == github.repository || github.event_name != 'pull_request'"),
        "the SARIF upload is not guarded against forks: {guard}"
    );

    // Building is a step of its own, before the cases run: a compile error
    // fails the build, never reads as a failed case or a drift.
    let build = position(
        "replay",
        &runs("cargo test --locked --test permissions --no-run"),
    );
    let replay = position("replay", &|s| {
        s["run"].as_str() == Some("cargo test --locked --test permissions")
    });
    assert!(matches!((build, replay), (Some(b), Some(r)) if b < r));
    let build = position(
        "live",
        &runs("cargo test --locked --features live --test permissions --no-run"),
    );
    let record = position("live", &runs("PERMSPEC_MODE=record cargo test")).unwrap();
    assert!(matches!(build, Some(b) if b < record));
    let record = &steps("live")[record];
    assert!(
        record["run"]
            .as_str()
            .unwrap()
            .contains("if [ \"$code\" -eq 101 ]"),
        "only libtest's failed-case status is a drift"
    );
    assert!(!text.contains("|| echo \"drift=true\""));
    // The replay fails while an answer waits for review.
    assert_eq!(doc["jobs"]["replay"]["env"]["PERMSPEC_PENDING"], "fail");

    // The live job proposes the re-recorded fixtures in a pull request and
    // never pushes to a branch itself.
    assert!(!text.contains("git push") && !text.contains("git commit"));
    let pr = position("live", &uses("peter-evans/create-pull-request@")).unwrap();
    let pr = &steps("live")[pr];
    assert_eq!(pr["with"]["add-paths"], "fixtures/");
    assert!(
        pr["if"].is_null(),
        "the pull request carries the confirmations too, not only changed permissions"
    );
}

#[test]
fn the_action_builds_at_its_own_ref_and_keeps_setup_failures_apart() {
    let text = std::fs::read_to_string("action.yml").unwrap();
    let action: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert_eq!(action["runs"]["using"], "composite");
    let steps = action["runs"]["steps"].as_array().unwrap();
    let names: Vec<&str> = steps.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        ["permspec: setup", "permspec: build", "permspec: check"]
    );
    // The version is the ref the workflow pins: built from the action's
    // own folder, its lock file honoured.
    assert!(
        steps[1]["run"]
            .as_str()
            .unwrap()
            .contains("cargo install --locked --path \"$GITHUB_ACTION_PATH\"")
    );
    // Only the check step says how the check went: a setup or build
    // failure leaves `outcome` empty.
    for output in ["outcome", "exit-code", "junit", "sarif"] {
        assert_eq!(
            action["outputs"][output]["value"],
            format!("${{{{ steps.check.outputs.{output} }}}}")
        );
    }
    assert_eq!(steps[2]["id"], "check");
    assert!(steps[..2].iter().all(|s| s["id"].is_null()));
    assert_eq!(action["inputs"]["junit"]["default"], "permspec-junit.xml");
    assert_eq!(action["inputs"]["sarif"]["default"], "permspec.sarif");
}

#[test]
fn every_bundled_spec_points_editors_at_the_schema() {
    for entry in std::fs::read_dir("specs").unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("# yaml-language-server: $schema=../spec.schema.json\n"),
            "{} lacks the schema line",
            path.display()
        );
    }
}

/// The audit's JSON format is documented on the guide's audit page
/// (docs/src/commands/audit.md, "The JSON format"), once the README's.
#[test]
fn the_guide_documents_every_audit_json_field() {
    let page = "docs/src/commands/audit.md";
    let text = std::fs::read_to_string(page).unwrap();
    let out = run(permspec().args(["audit", "--format", "json"]));
    let audit: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut fields: Vec<String> = audit.as_object().unwrap().keys().cloned().collect();
    fields.extend(audit["tokens"][0].as_object().unwrap().keys().cloned());
    fields.extend(audit["summary"].as_object().unwrap().keys().cloned());
    for field in fields {
        let documented =
            text.contains(&format!("`{field}`")) || text.contains(&format!("`tokens[].{field}`"));
        assert!(
            documented,
            "{page} does not document the audit field `{field}`"
        );
    }
}

#[test]
fn every_bundled_case_has_its_fixture_and_every_fixture_its_case() {
    let out = run(permspec().args(["check", "--list"]));
    assert_eq!(out.code, 0, "{}", out.stderr);
    // `[kind] spec::token: test` -> fixtures/spec/token.json
    let mut wanted: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|l| l.split_once("] ")?.1.strip_suffix(": test"))
        .map(|name| {
            let (spec, token) = name.rsplit_once("::").unwrap();
            format!("fixtures/{spec}/{token}.json")
        })
        .collect();
    let mut found = Vec::new();
    for dir in std::fs::read_dir("fixtures").unwrap() {
        let dir = dir.unwrap().path();
        // When each fixture was last confirmed (docs/src/concepts/review.md).
        if dir.ends_with("confirmations.json") {
            continue;
        }
        for file in std::fs::read_dir(&dir).unwrap() {
            found.push(file.unwrap().path().display().to_string());
        }
    }
    wanted.sort();
    found.sort();
    assert!(!wanted.is_empty());
    assert_eq!(
        wanted, found,
        "bundled cases and fixtures must pair one to one"
    );
}
