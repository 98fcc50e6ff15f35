//! The docs stay true to the code: examples parse, every bundled spec
//! carries the schema line, and the guide's audit page documents every
//! field of the audit's JSON. (tests/guide.rs replays the guide's
//! examples and checks its links.)

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
