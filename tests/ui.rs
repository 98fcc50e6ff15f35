//! Golden failure output: every case under tests/ui/specs fails on purpose,
//! and tests/ui/expected/<case>.txt holds the exact text it must print.
//!
//! After an intended change of wording, regenerate the files with
//! `PERMSPEC_BLESS=1 cargo test --test ui` and review the diff.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use support::{failure_blocks, permspec, run};

fn expected_file(case: &str) -> String {
    format!(
        "tests/ui/expected/{}.txt",
        case.replace("::", "__").replace('/', "_")
    )
}

#[test]
fn every_failing_example_prints_exactly_its_expected_text() {
    let out = run(permspec()
        .args([
            "check",
            "--specs",
            "tests/ui/specs",
            "--fixtures",
            "tests/ui/fixtures",
            "--test-threads=1",
        ])
        // The review rules judge at a fixed day, so the text never drifts.
        .env("PERMSPEC_NOW", "2027-02-15T00:00:00Z")
        .env("PERMSPEC_TODAY", "2027-02-15"));
    assert_eq!(out.code, 101, "a failing run exits 101\n{}", out.stdout);
    assert!(
        out.stdout.contains("test result: FAILED. 0 passed;"),
        "{}",
        out.stdout
    );

    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let bless = std::env::var_os("PERMSPEC_BLESS").is_some();
    let mut mismatches = Vec::new();
    for (case, text) in &blocks {
        let path = expected_file(case);
        if bless {
            std::fs::write(&path, text).unwrap();
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(want) if want == *text => {}
            Ok(want) => mismatches.push(format!(
                "{case}: output differs from {path}\n{}",
                similar::TextDiff::from_lines(&want, text)
                    .unified_diff()
                    .header("expected", "actual")
            )),
            Err(_) => mismatches.push(format!("{case}: no {path}; got:\n{text}")),
        }
    }
    // An expected file whose case no longer fails (or exists) is stale.
    for entry in std::fs::read_dir("tests/ui/expected").unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        let known = blocks
            .keys()
            .any(|c| Path::new(&expected_file(c)).ends_with(&name));
        if !known {
            mismatches.push(format!("tests/ui/expected/{name} matches no failing case"));
        }
    }
    assert!(
        mismatches.is_empty(),
        "{}\n\n(run `PERMSPEC_BLESS=1 cargo test --test ui` if the change is intended)",
        mismatches.join("\n\n")
    );
}
