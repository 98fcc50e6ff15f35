//! `permspec check --format sarif`: one result per finding, at the spec
//! entry that decides it, with fingerprints that survive edits. The log's
//! validity against the official SARIF 2.1.0 schema is checked by
//! `tests/sarif/validate.sh` (run by `.ci/run`).

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::Value;
use support::{TempDir, permspec, run};

fn sarif_of(dir: &TempDir, extra_env: &[(&str, &str)]) -> Value {
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "--out", "out.sarif"])
        .envs(extra_env.iter().copied())
        .env("PERMSPEC_TODAY", "2027-02-15")
        .env("PERMSPEC_NOW", "2027-02-15T00:00:00Z"));
    assert!(
        out.code == 0 || out.code == 101,
        "{}{}",
        out.stdout,
        out.stderr
    );
    serde_json::from_str(&std::fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap()
}

/// (ruleId, uri, startLine, startColumn, message) of every result.
fn results(log: &Value) -> Vec<(String, String, u64, u64, String)> {
    log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let loc = &r["locations"][0]["physicalLocation"];
            (
                r["ruleId"].as_str().unwrap().to_owned(),
                loc["artifactLocation"]["uri"]
                    .as_str()
                    .unwrap_or("")
                    .to_owned(),
                loc["region"]["startLine"].as_u64().unwrap_or(0),
                loc["region"]["startColumn"].as_u64().unwrap_or(0),
                r["message"]["text"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// `rel` inside `dir`, as a path from the repository's root.
/// (What git says; outside a repository, `rel` as it is.)
fn in_repo(dir: &TempDir, rel: &str) -> String {
    let prefix = std::process::Command::new("git")
        .current_dir(dir.path())
        .args(["rev-parse", "--show-prefix"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    format!("{prefix}{rel}")
}

fn audit_project(name: &str) -> TempDir {
    let dir = TempDir::new(name);
    for f in ["specs/keys.yaml", "specs/people.yaml"] {
        dir.write(
            f,
            &std::fs::read_to_string(format!("tests/audit/{f}")).unwrap(),
        );
    }
    for f in [
        "keys/ci-uploader",
        "keys/break-glass",
        "keys/drifted",
        "keys/migration",
        "people/owner",
    ] {
        dir.write(
            &format!("fixtures/{f}.json"),
            &std::fs::read_to_string(format!("tests/audit/fixtures/{f}.json")).unwrap(),
        );
    }
    dir
}

#[test]
fn each_finding_points_at_the_entry_that_decides_it() {
    let dir = audit_project("sarif-audit");
    let log = sarif_of(&dir, &[]);
    assert_eq!(log["version"], "2.1.0");
    let got = results(&log);
    let find = |rule: &str, says: &str| {
        got.iter()
            .find(|r| r.0 == rule && r.4.contains(says))
            .unwrap_or_else(|| panic!("no {rule} saying {says}: {got:#?}"))
            .clone()
    };
    // The forbidden entry `"*:write"`, on its line and column.
    let spec = std::fs::read_to_string(dir.path().join("specs/keys.yaml")).unwrap();
    let line_of = |needle: &str| spec.lines().position(|l| l.contains(needle)).unwrap() as u64 + 1;
    let forbidden = find("permspec/forbidden", "`drifted`");
    // Repository-relative: the project lies under this repository's target/.
    assert_eq!(forbidden.1, in_repo(&dir, "specs/keys.yaml"));
    assert_eq!(forbidden.2, line_of("forbidden: [\"*:write\"]"));
    let col = spec
        .lines()
        .nth(forbidden.2 as usize - 1)
        .unwrap()
        .find("\"*:write\"")
        .unwrap() as u64
        + 1;
    assert_eq!(forbidden.3, col);
    // The ceiling it exceeds, the token with no evidence, the lapsed
    // exception's entry, the expiry rule.
    assert_eq!(
        find("permspec/excess", "`drifted`").2,
        line_of("at_most: [files:read]")
    );
    assert_eq!(
        find("permspec/evidence-error", "never-recorded").2,
        line_of("never-recorded:")
    );
    assert_eq!(
        find("permspec/expired-exception", "files:write").2,
        line_of("privilege: files:write")
    );
    assert_eq!(
        find("permspec/expiry", "`migration`").2,
        line_of("expires_within: 30d")
    );
    // An unacknowledged high-severity grant is a result; break-glass's `*`,
    // acknowledged by a justified exception, is not.
    find("permspec/high-severity", "`drifted` holds *:write");
    assert!(
        !got.iter()
            .any(|r| r.0 == "permspec/high-severity" && r.4.contains("break-glass"))
    );
    // Levels and severities come from the rules.
    let rules = log["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    let forbidden_rule = rules
        .iter()
        .find(|r| r["id"] == "permspec/forbidden")
        .unwrap();
    assert_eq!(forbidden_rule["properties"]["security-severity"], "9.0");
    assert_eq!(forbidden_rule["defaultConfiguration"]["level"], "error");
}

#[test]
fn fingerprints_survive_an_edit_that_moves_the_lines() {
    let dir = audit_project("sarif-fingerprints");
    let before = sarif_of(&dir, &[]);
    let spec = std::fs::read_to_string(dir.path().join("specs/keys.yaml")).unwrap();
    dir.write(
        "specs/keys.yaml",
        &format!("# moved down\n# by two lines\n{spec}"),
    );
    let after = sarif_of(&dir, &[]);
    let prints = |log: &Value| -> Vec<(String, u64)> {
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                (
                    r["partialFingerprints"]["permspecFinding/v1"]
                        .as_str()
                        .unwrap()
                        .to_owned(),
                    r["locations"][0]["physicalLocation"]["region"]["startLine"]
                        .as_u64()
                        .unwrap_or(0),
                )
            })
            .collect()
    };
    let (b, a) = (prints(&before), prints(&after));
    assert_eq!(b.len(), a.len());
    for ((fb, lb), (fa, la)) in b.iter().zip(&a) {
        assert_eq!(fb, fa, "a fingerprint changed with the lines");
        if *lb > 0 && b.iter().filter(|(f, _)| f == fb).count() == 1 {
            assert!(*la == lb + 2 || (*lb <= 6 && *la <= 8), "{lb} -> {la}");
        }
    }
    let mut distinct: Vec<&String> = b.iter().map(|(f, _)| f).collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), b.len(), "two results share a fingerprint");
}

#[test]
fn a_broken_token_and_a_probe_mismatch_are_located_too() {
    let dir = TempDir::new("sarif-probes");
    dir.write(
        "specs/api.yaml",
        "provider: probes\nbase_url: https://api.example.com\ntokens:\n  bot:\n    credential: { env: B }\n    probes:\n      - { get: /ok, expect: allowed }\n      - { get: /admin, expect: denied }\n  typo:\n    credential: { env: T }\n    probes:\n      - { get: /ok, expect: alowed }\n",
    );
    dir.write(
        "fixtures/api/bot.json",
        r#"{"recorded_at": "2027-02-01T00:00:00Z", "provider": "probes",
  "request": {"method": "PROBES", "url": "https://api.example.com", "credential": "bearer from env B"},
  "probes": [{"method": "GET", "path": "/ok", "status": 200},
             {"method": "GET", "path": "/admin", "status": 200}]}"#,
    );
    let got = results(&sarif_of(&dir, &[]));
    let probe = got
        .iter()
        .find(|r| r.0 == "permspec/probe-allowed")
        .expect("probe result");
    assert_eq!((probe.2, probe.3), (8, 9), "{got:#?}");
    assert!(
        probe
            .4
            .contains("GET /admin was allowed (HTTP 200), but must be denied")
    );
    let broken = got
        .iter()
        .find(|r| r.0 == "permspec/spec-error")
        .expect("spec error");
    assert_eq!(broken.1, in_repo(&dir, "specs/api.yaml"));
    assert_eq!(broken.2, 9, "{got:#?}");
}
