//! The guide (docs/src/, an mdBook) stays true to the code: every spec and
//! fixture example on its pages is replayed by the `permspec` binary, its
//! consumer crate is the one `scripts/consumer.sh` builds in CI, it names
//! every key of the spec format, and every relative link of the guide and
//! of the top-level documents leads to a file and a heading that exist.
//!
//! How a page marks its examples (docs/src/contributing.md, "Examples in
//! this guide"), by the words after a fence's language:
//!
//! - `yaml spec [example=NAME] [path=specs/FILE.yaml]`: a whole spec.
//!   Alone, it must load and plan without a spec error (its cases may only
//!   lack their fixtures). With `example=NAME`, it is written beside the
//!   page's other blocks of that example and replayed with them.
//! - `json fixture example=NAME path=fixtures/SPEC/TOKEN.json`: a fixture of
//!   that example, written at that path.
//! - `text failure example=NAME [case=SPEC::TOKEN] [via=cargo]`: the case's
//!   whole failure report, exactly (without `case=`, the example's only
//!   failing case). `via=cargo` shows the commands `cargo test --test
//!   permissions` prints instead of the binary's.
//! - `text excerpt example=NAME [case=SPEC::TOKEN]`: lines that the case's
//!   failure report (the run's whole output, without `case=`) holds, in
//!   order, each within one line.
//!
//! Every other case of an example must pass. `now=RFC3339` on any block of
//! an example sets the clock (default [`NOW`]). A YAML block that is a
//! whole spec, or a JSON block that is a fixture, must be marked: an
//! example left unmarked would drift untested.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use support::{TempDir, failure_blocks, outcome, permspec, run};

/// The clock of every example unless it says otherwise: after the
/// fixtures' `recorded_at`, before any expiry they show.
const NOW: &str = "2026-12-01T00:00:00Z";

const GUIDE: &str = "docs/src";

/// One fenced block of a page.
#[derive(Clone, Debug)]
struct Block {
    page: String,
    line: usize,
    lang: String,
    /// The word after the language (`spec`, `fixture`, `failure`...).
    kind: String,
    attrs: BTreeMap<String, String>,
    text: String,
}

impl Block {
    fn at(&self) -> String {
        format!("{}:{}", self.page, self.line)
    }

    fn attr(&self, key: &str) -> Option<&str> {
        self.attrs.get(key).map(String::as_str)
    }
}

/// The fenced blocks of a Markdown text, indented ones (in a list) too.
fn blocks(page: &str, text: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut open: Option<(Block, usize)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        match open.take() {
            Some((block, _)) if trimmed.trim_end() == "```" => out.push(block),
            Some((mut block, at)) => {
                let content = match line.get(..at) {
                    Some(indent) if indent.trim().is_empty() => &line[at..],
                    _ => trimmed,
                };
                block.text.push_str(content);
                block.text.push('\n');
                open = Some((block, at));
            }
            None => {
                if let Some(info) = trimmed.strip_prefix("```") {
                    let mut words = info.split_whitespace();
                    let lang = words.next().unwrap_or("").to_owned();
                    let mut kind = String::new();
                    let mut attrs = BTreeMap::new();
                    for word in words {
                        match word.split_once('=') {
                            Some((k, v)) => {
                                attrs.insert(k.to_owned(), v.to_owned());
                            }
                            None => kind = word.to_owned(),
                        }
                    }
                    let block = Block {
                        page: page.to_owned(),
                        line: i + 1,
                        lang,
                        kind,
                        attrs,
                        text: String::new(),
                    };
                    open = Some((block, indent));
                }
            }
        }
    }
    out
}

/// Every page of the guide (its path, its text), in a stable order.
fn pages() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        for path in entries {
            if path.is_dir() {
                walk(&path, out);
            } else if path.extension().is_some_and(|e| e == "md") {
                let text = std::fs::read_to_string(&path).unwrap();
                out.push((path.display().to_string(), text));
            }
        }
    }
    let mut out = Vec::new();
    walk(Path::new(GUIDE), &mut out);
    assert!(out.len() > 10, "the guide has its pages");
    out
}

/// What a block claims, checked against the code; an error says where.
fn check_marks(block: &Block) -> Result<(), String> {
    let known: &[&str] = match block.lang.as_str() {
        "yaml" => &["", "spec"],
        "json" => &["", "fixture"],
        "text" => &["", "failure", "excerpt"],
        "toml" => &["", "consumer"],
        _ => &[""],
    };
    if !known.contains(&block.kind.as_str()) {
        return Err(format!(
            "{}: unknown mark `{} {}` (docs/src/contributing.md lists them)",
            block.at(),
            block.lang,
            block.kind
        ));
    }
    let starts = |key: &str| block.text.lines().any(|l| l.starts_with(key));
    if block.lang == "yaml" && block.kind.is_empty() && starts("provider:") && starts("tokens:") {
        return Err(format!(
            "{}: a whole spec, not marked `yaml spec`: it would drift untested",
            block.at()
        ));
    }
    if block.lang == "json" && block.kind.is_empty() && block.text.contains("\"recorded_at\"") {
        return Err(format!(
            "{}: a fixture, not marked `json fixture`: it would drift untested",
            block.at()
        ));
    }
    let needs_example = matches!(block.kind.as_str(), "fixture" | "failure" | "excerpt");
    if needs_example && block.attr("example").is_none() {
        return Err(format!(
            "{}: `{}` needs `example=NAME`",
            block.at(),
            block.kind
        ));
    }
    if block.kind == "fixture" && block.attr("path").is_none() {
        return Err(format!(
            "{}: a fixture needs `path=fixtures/...`",
            block.at()
        ));
    }
    Ok(())
}

/// The commands `cargo test --test permissions` prints where the binary
/// prints `permspec check` and `permspec record` (`Invocation::command`,
/// unit-tested in src/report/next.rs).
fn as_cargo_test(text: &str) -> String {
    text.replace(
        "permspec record --exact ",
        "PERMSPEC_MODE=record cargo test --features live --test permissions -- --exact ",
    )
    .replace(
        "permspec check --exact ",
        "cargo test --test permissions -- --exact ",
    )
}

/// Each line of `want` is within a line of `have`, in order.
fn holds_in_order(have: &str, want: &str) -> Result<(), String> {
    let mut lines = have.lines();
    for w in want.lines().map(str::trim).filter(|w| !w.is_empty()) {
        if !lines.any(|l| l.contains(w)) {
            return Err(format!("missing (or out of order): {w:?}"));
        }
    }
    Ok(())
}

/// Writes one example's blocks into a folder, runs `permspec check` there
/// and holds the outcome to what the page says.
fn replay(name: &str, blocks: &[Block]) -> Result<(), String> {
    let first = &blocks[0];
    let at = format!("{} (example `{name}`)", first.at());
    let dir = TempDir::new("guide");
    let mut fixtures = 0;
    let mut specs = 0;
    for block in blocks {
        let rel = match block.kind.as_str() {
            "spec" => {
                specs += 1;
                block.attr("path").unwrap_or("specs/example.yaml")
            }
            "fixture" => {
                fixtures += 1;
                block.attr("path").unwrap()
            }
            _ => continue,
        };
        if !(rel.starts_with("specs/") || rel.starts_with("fixtures/")) || rel.contains("..") {
            return Err(format!(
                "{}: a path under specs/ or fixtures/: {rel}",
                block.at()
            ));
        }
        if dir.path().join(rel).exists() {
            return Err(format!(
                "{}: {rel} written twice in the example",
                block.at()
            ));
        }
        dir.write(rel, &block.text);
    }
    if specs == 0 {
        return Err(format!("{at}: no `yaml spec` block has this example"));
    }
    let now = blocks.iter().find_map(|b| b.attr("now")).unwrap_or(NOW);
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--test-threads=1"])
        .env("PERMSPEC_NOW", now)
        .env("PERMSPEC_TODAY", &now[..10]));
    let shown = format!("--- stdout\n{}\n--- stderr\n{}", out.stdout, out.stderr);
    let failures: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let cases: Vec<String> = out
        .stdout
        .lines()
        .filter_map(|l| {
            let rest = l.strip_prefix("test ")?.split_once(" ... ")?.0.trim_end();
            Some(
                rest.rsplit_once("] ")
                    .map_or(rest, |(_, n)| n.trim_start())
                    .to_owned(),
            )
        })
        .collect();
    if cases.is_empty() {
        return Err(format!("{at}: no case ran\n{shown}"));
    }
    // The cases the page says fail, and what each must print.
    let mut expected_to_fail = Vec::new();
    for block in blocks
        .iter()
        .filter(|b| b.lang == "text" && !b.kind.is_empty())
    {
        let case = match (block.attr("case"), block.kind.as_str()) {
            (Some(case), _) => case.to_owned(),
            (None, "failure") if failures.len() == 1 => failures.keys().next().unwrap().clone(),
            (None, "failure") if failures.is_empty() => {
                return Err(format!(
                    "{}: the page shows a failure, and no case failed\n{shown}",
                    block.at()
                ));
            }
            (None, "failure") => {
                return Err(format!(
                    "{}: `case=` is needed: {} cases failed\n{shown}",
                    block.at(),
                    failures.len()
                ));
            }
            (None, _) => {
                // An excerpt of the whole output.
                let all = format!("{}\n{}", out.stdout, out.stderr);
                holds_in_order(&all, &block.text)
                    .map_err(|e| format!("{}: {e}\n{shown}", block.at()))?;
                continue;
            }
        };
        let Some(actual) = failures.get(&case) else {
            return Err(format!(
                "{}: `{case}` should fail, and did not\n{shown}",
                block.at()
            ));
        };
        let actual = match block.attr("via") {
            Some("cargo") => as_cargo_test(actual),
            Some(other) => return Err(format!("{}: unknown via={other}", block.at())),
            None => actual.clone(),
        };
        if block.kind == "failure" {
            if actual.trim_end() != block.text.trim_end() {
                return Err(format!(
                    "{}: `{case}` fails otherwise than the page shows\n{}",
                    block.at(),
                    similar::TextDiff::from_lines(block.text.trim_end(), actual.trim_end())
                        .unified_diff()
                        .header("the page", "permspec")
                ));
            }
        } else {
            holds_in_order(&actual, &block.text)
                .map_err(|e| format!("{}: `{case}`: {e}\n--- its failure\n{actual}", block.at()))?;
        }
        expected_to_fail.push(case);
    }
    for case in &cases {
        if expected_to_fail.contains(case) {
            continue;
        }
        if fixtures == 0 && expected_to_fail.is_empty() {
            // A spec alone: it plans, and only its fixtures are missing.
            let text = failures.get(case).map(String::as_str).unwrap_or("");
            if outcome(&out.stdout, case) != Some("ok")
                && !text.contains("\n  error      no fixture at ")
            {
                return Err(format!(
                    "{at}: `{case}` does not plan (a spec example must load without an error)\n{text}"
                ));
            }
        } else if outcome(&out.stdout, case) != Some("ok") {
            return Err(format!(
                "{at}: `{case}` should pass\n{}",
                failures.get(case).map_or(shown.as_str(), String::as_str)
            ));
        }
    }
    Ok(())
}

/// Every example of the given pages, replayed; the errors, one per broken
/// example.
fn check_pages(pages: &[(String, String)]) -> (usize, Vec<String>) {
    let mut errors = Vec::new();
    let mut examples = 0;
    for (page, text) in pages {
        let mut grouped: BTreeMap<String, Vec<Block>> = BTreeMap::new();
        let mut alone = Vec::new();
        for block in blocks(page, text) {
            if let Err(e) = check_marks(&block) {
                errors.push(e);
                continue;
            }
            match (block.attr("example"), block.kind.as_str()) {
                (Some(name), _) => grouped.entry(name.to_owned()).or_default().push(block),
                (None, "spec") => alone.push(block),
                _ => {}
            }
        }
        for block in alone {
            examples += 1;
            let name = format!("line {}", block.line);
            if let Err(e) = replay(&name, &[block]) {
                errors.push(e);
            }
        }
        for (name, group) in grouped {
            examples += 1;
            if let Err(e) = replay(&name, &group) {
                errors.push(e);
            }
        }
    }
    (examples, errors)
}

#[test]
fn every_example_of_the_guide_replays_as_its_page_says() {
    let mut pages = pages();
    // The README's examples are marked the same way.
    pages.push((
        "README.md".to_owned(),
        std::fs::read_to_string("README.md").unwrap(),
    ));
    let (examples, errors) = check_pages(&pages);
    assert!(
        errors.is_empty(),
        "{} of {examples} examples differ from the code:\n\n{}",
        errors.len(),
        errors.join("\n\n")
    );
    assert!(
        examples >= 30,
        "the guide's examples are found ({examples})"
    );
}

/// The check itself: a page whose example broke fails it.
#[test]
fn a_broken_example_fails_the_check() {
    let spec = "```yaml spec example=e path=specs/docspace.yaml\nprovider: docspace\nbase_url: https://portal.example.com\ntokens:\n  ci:\n    credential: { env: CI_KEY }\n    expect:\n      exactly: [files:read]\n```\n";
    let fixture = |permissions: &str| {
        format!(
            "```json fixture example=e path=fixtures/docspace/ci.json\n{}\n```\n",
            support::key_fixture("https://portal.example.com", "CI_KEY", permissions)
        )
    };
    let page = |text: String| vec![("page.md".to_owned(), text)];
    // As written, it passes.
    let (n, errors) = check_pages(&page(format!("{spec}{}", fixture(r#"["files:read"]"#))));
    assert_eq!((n, errors), (1, vec![]));
    // The API's answer changed, the page did not.
    let (_, errors) = check_pages(&page(format!("{spec}{}", fixture(r#"["files:write"]"#))));
    assert!(
        errors[0].contains("`docspace::ci` should pass"),
        "{errors:?}"
    );
    // The failure shown is not the one printed.
    let wrong = "```text failure example=e\ntoken `ci` fails somehow\n```\n";
    let (_, errors) = check_pages(&page(format!(
        "{spec}{}{wrong}",
        fixture(r#"["files:write"]"#)
    )));
    assert!(
        errors[0].contains("fails otherwise than the page shows"),
        "{errors:?}"
    );
    // A spec alone with a misspelt privilege does not plan.
    let typo = "```yaml spec\nprovider: docspace\nbase_url: https://portal.example.com\ntokens:\n  ci:\n    credential: { env: CI_KEY }\n    expect: { exactly: [file:read] }\n```\n";
    let (_, errors) = check_pages(&page(typo.to_owned()));
    assert!(errors[0].contains("does not plan"), "{errors:?}");
    // A whole spec left unmarked.
    let (_, errors) = check_pages(&page(typo.replace("yaml spec", "yaml")));
    assert!(errors[0].contains("not marked `yaml spec`"), "{errors:?}");
}

/// A here-document of scripts/consumer.sh: the lines between `<<MARK` on
/// a line naming `file` and `MARK`.
fn heredoc(script: &str, file: &str) -> String {
    let mut lines = script.lines();
    let start = lines
        .by_ref()
        .find(|l| l.contains(file) && l.contains("<<"))
        .unwrap_or_else(|| panic!("scripts/consumer.sh writes {file}"));
    let mark = start.rsplit("<<").next().unwrap().trim().trim_matches('\'');
    lines
        .take_while(|l| l.trim() != mark)
        .map(|l| format!("{l}\n"))
        .collect()
}

/// A TOML text's key lines per `[section]`, comments and blank lines left out.
fn sections(toml: &str) -> BTreeMap<String, Vec<String>> {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut section = String::new();
    for line in toml.lines() {
        let line = line.split(" #").next().unwrap().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line.starts_with('[') {
            section = line.to_owned();
            out.entry(section.clone()).or_default();
        } else {
            out.entry(section.clone())
                .or_default()
                .push(line.to_owned());
        }
    }
    out
}

/// Code lines, without comments and indentation.
fn code(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split(" //").next().unwrap().trim())
        .filter(|l| !l.is_empty() && !l.starts_with("//"))
        .map(str::to_owned)
        .collect()
}

#[test]
fn the_consumer_crate_of_the_guide_and_readme_is_the_one_ci_builds() {
    let script = std::fs::read_to_string("scripts/consumer.sh").unwrap();
    let manifest = sections(&heredoc(&script, "Cargo.toml\""));
    // The replay-only consumer is the one `check` generates.
    assert!(script.contains("generate \"$dir\" \", default-features = false\""));
    for page in [format!("{GUIDE}/first-spec.md"), "README.md".to_owned()] {
        let text = std::fs::read_to_string(&page).unwrap();
        let found = blocks(&page, &text);
        let tomls: Vec<&Block> = found.iter().filter(|b| b.kind == "consumer").collect();
        assert!(!tomls.is_empty(), "{page} shows the consumer's Cargo.toml");
        for block in tomls {
            let shown = sections(&block.text);
            for section in ["[features]", "[[example]]", "[[test]]"] {
                for line in &manifest[section] {
                    let has = shown.get(section).is_some_and(|s| s.contains(line));
                    assert!(
                        has,
                        "{}: {section} lacks `{line}` (scripts/consumer.sh)",
                        block.at()
                    );
                }
            }
            let dep = shown["[dev-dependencies]"]
                .iter()
                .find(|l| l.starts_with("permspec"))
                .unwrap_or_else(|| panic!("{}: no permspec dev-dependency", block.at()));
            assert!(
                dep.contains("default-features = false"),
                "{}: {dep}",
                block.at()
            );
        }
        for file in ["tests/permissions.rs", "examples/permspec.rs"] {
            let want = code(&heredoc(&script, &format!("{file}\"")));
            let shown: Vec<&Block> = found
                .iter()
                .filter(|b| b.lang == "rust" && b.attr("file") == Some(file))
                .collect();
            assert!(
                !shown.is_empty(),
                "{page} shows {file} (`rust file={file}`)"
            );
            for block in shown {
                assert_eq!(code(&block.text), want, "{}: {file}", block.at());
            }
        }
    }
}

/// The anchor a heading gets, as mdBook and GitHub make it.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// A Markdown file's text with `{{#include FILE}}` lines replaced by the
/// file (mdBook's include, the whole-file form this guide uses).
fn expanded(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .map(|line| {
            match line
                .trim()
                .strip_prefix("{{#include ")
                .and_then(|l| l.strip_suffix("}}"))
            {
                Some(inc) => expanded(&path.parent().unwrap().join(inc.trim())),
                None => format!("{line}\n"),
            }
        })
        .collect()
}

/// The anchors of a Markdown file's headings (outside code blocks).
fn anchors(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
        } else if !fenced && line.starts_with('#') {
            let base = slug(line.trim_start_matches('#'));
            let n = seen.entry(base.clone()).or_default();
            out.push(if *n == 0 { base } else { format!("{base}-{n}") });
            *n += 1;
        }
    }
    out
}

/// The relative link targets of a Markdown text, outside code.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced {
            continue;
        }
        // Inline code holds no link.
        let prose: String = line.split('`').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = prose.as_str();
        while let Some(i) = rest.find("](") {
            rest = &rest[i + 2..];
            let Some(end) = rest.find(')') else { break };
            let target = &rest[..end];
            if !target.contains("://") && !target.starts_with("mailto:") {
                out.push(target.to_owned());
            }
            rest = &rest[end..];
        }
    }
    out
}

#[test]
fn every_relative_link_leads_to_a_file_and_a_heading() {
    let mut files: Vec<PathBuf> = pages().into_iter().map(|(p, _)| PathBuf::from(p)).collect();
    files.extend(["README.md", "ARCHITECTURE.md", "TESTING.md"].map(PathBuf::from));
    let mut broken = Vec::new();
    for file in &files {
        // A page's own links; what it includes from docs/inclusions/ quotes
        // the vendors, their relative links included, and is checked there.
        let text = std::fs::read_to_string(file).unwrap();
        for target in links(&text) {
            let (path, anchor) = target.split_once('#').unwrap_or((&target, ""));
            let to = if path.is_empty() {
                file.clone()
            } else {
                file.parent().unwrap().join(path)
            };
            if !to.exists() {
                broken.push(format!("{}: {target}: no such file", file.display()));
            } else if !anchor.is_empty()
                && to.extension().is_some_and(|e| e == "md")
                && !anchors(&expanded(&to)).iter().any(|a| a == anchor)
            {
                broken.push(format!("{}: {target}: no such heading", file.display()));
            }
        }
    }
    assert!(broken.is_empty(), "broken links:\n{}", broken.join("\n"));
}

#[test]
fn every_page_is_in_the_summary_and_every_entry_is_a_page() {
    let summary = std::fs::read_to_string(format!("{GUIDE}/SUMMARY.md")).unwrap();
    let listed: Vec<String> = links(&summary)
        .into_iter()
        .map(|l| format!("{GUIDE}/{l}"))
        .collect();
    for (page, _) in pages() {
        if page != format!("{GUIDE}/SUMMARY.md") {
            assert!(listed.contains(&page), "{page} is not in SUMMARY.md");
        }
    }
    for entry in &listed {
        assert!(
            Path::new(entry).exists(),
            "SUMMARY.md lists {entry}, which does not exist"
        );
    }
}

/// Every key a spec may hold (the committed schema's properties, at every
/// level) is named somewhere in the guide, in code or as YAML writes it.
#[test]
fn the_guide_names_every_key_of_the_spec_format() {
    fn keys(value: &serde_json::Value, out: &mut Vec<String>) {
        match value {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(props)) = map.get("properties") {
                    out.extend(props.keys().cloned());
                }
                map.values().for_each(|v| keys(v, out));
            }
            serde_json::Value::Array(list) => list.iter().for_each(|v| keys(v, out)),
            _ => {}
        }
    }
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("spec.schema.json").unwrap()).unwrap();
    let mut all = Vec::new();
    keys(&schema, &mut all);
    all.sort();
    all.dedup();
    assert!(
        all.len() > 30,
        "the schema's keys are found ({})",
        all.len()
    );
    let text: String = pages().into_iter().map(|(_, t)| t).collect();
    let missing: Vec<&String> = all
        .iter()
        .filter(|k| !text.contains(&format!("`{k}`")) && !text.contains(&format!("{k}:")))
        .collect();
    assert!(
        missing.is_empty(),
        "keys of the spec format the guide never names: {missing:?}"
    );
}

/// The `permspec` command lines of the guide's and the README's `sh`
/// blocks (a line continued with `\` joined, comments and leading
/// `VAR=value` assignments dropped; the consumer's `cargo run --example
/// permspec --features cli --` counts as `permspec`), with where each is.
fn commands_shown() -> Vec<(String, String)> {
    let mut pages = pages();
    pages.push((
        "README.md".into(),
        std::fs::read_to_string("README.md").unwrap(),
    ));
    let mut out: Vec<(String, String)> = Vec::new();
    for (page, text) in &pages {
        for block in blocks(page, text).into_iter().filter(|b| b.lang == "sh") {
            let joined = block.text.replace("\\\n", " ");
            let mut last: Option<usize> = None;
            for line in joined.lines() {
                let mut line = line.split(" #").next().unwrap_or("").trim();
                // A synopsis continued on an indented line of options.
                if line.starts_with('[')
                    && let Some(i) = last
                {
                    out[i].1.push(' ');
                    out[i].1.push_str(line);
                    continue;
                }
                last = None;
                line = line.strip_prefix("$ ").unwrap_or(line);
                while let Some((word, rest)) = line.split_once(' ')
                    && word.contains('=')
                    && word.chars().next().is_some_and(|c| c.is_ascii_uppercase())
                {
                    line = rest.trim_start();
                }
                let line = line
                    .strip_prefix("cargo run --example permspec --features cli -- ")
                    .map(|rest| format!("permspec {rest}"))
                    .unwrap_or_else(|| line.to_owned());
                if line.starts_with("permspec ") {
                    out.push((format!("{} (line {})", block.page, block.line), line));
                    last = Some(out.len() - 1);
                }
            }
        }
    }
    out
}

/// Every command the guide shows can be pasted: each flag a synopsis
/// names (`[--specs DIR]`) is one its subcommand takes, and a command
/// written out in full (no `[`, `|`, `...` or capitalised placeholder) is
/// accepted by the binary's parser as it stands, flags and values alike
/// (issue 39). `--help` after the words makes clap check them without
/// running anything.
#[test]
fn every_command_the_guide_shows_is_one_permspec_takes() {
    let shown = commands_shown();
    assert!(shown.len() > 15, "the guide shows its commands: {shown:?}");
    let mut problems = Vec::new();
    let mut helps: BTreeMap<String, String> = BTreeMap::new();
    for (at, line) in &shown {
        let words: Vec<&str> = line.split_whitespace().collect();
        let Some(sub) = words.get(1).copied() else {
            continue;
        };
        let help = helps
            .entry(sub.to_owned())
            .or_insert_with(|| run(permspec().args([sub, "--help"])).stdout);
        for flag in words
            .iter()
            .map(|w| w.trim_start_matches('[').trim_end_matches([']', ',']))
            .filter(|w| w.starts_with("--") && w.len() > 2)
            .map(|w| w.split('=').next().unwrap_or(w))
        {
            // libtest's flags, which `check` passes on, are named as such.
            if !help.contains(&format!("{flag} ")) && !help.contains(&format!("{flag}\n")) {
                problems.push(format!("{at}: `permspec {sub}` takes no {flag}: {line}"));
            }
        }
        let synopsis = line.contains(['[', '|', '<']) || line.contains("...");
        let placeholder = words[2..]
            .iter()
            .any(|w| w.len() > 1 && w.chars().all(|c| c.is_ascii_uppercase() || c == '_'));
        if !synopsis && !placeholder {
            let out = run(permspec().args(&words[1..]).arg("--help"));
            if out.code != 0 {
                problems.push(format!("{at}: refused as written: {line}\n{}", out.stderr));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
