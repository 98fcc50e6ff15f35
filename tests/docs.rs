//! The docs stay true to the code: examples parse, every bundled spec
//! carries the schema line, and the README documents every field of the
//! audit's JSON.

mod support;

use support::{permspec, run};

#[test]
fn the_ci_example_is_valid_yaml_with_both_jobs() {
    let text = std::fs::read_to_string("examples/github-actions.yml").unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(doc["jobs"]["replay"].is_object() && doc["jobs"]["live"].is_object());
    assert!(text.contains("cargo nextest run --locked --profile ci --test permissions"));
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

#[test]
fn the_readme_documents_every_audit_json_field() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let out = run(permspec().args(["audit", "--format", "json"]));
    let audit: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    let mut fields: Vec<String> = audit.as_object().unwrap().keys().cloned().collect();
    fields.extend(audit["tokens"][0].as_object().unwrap().keys().cloned());
    fields.extend(audit["summary"].as_object().unwrap().keys().cloned());
    for field in fields {
        let documented = readme.contains(&format!("`{field}`"))
            || readme.contains(&format!("`tokens[].{field}`"));
        assert!(
            documented,
            "README.md does not document the audit field `{field}`"
        );
    }
}
