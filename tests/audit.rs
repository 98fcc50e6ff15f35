//! `permspec audit` in each format, `permspec schema`, and JUnit output:
//! golden files compared byte for byte. Regenerate after an intended
//! change with `PERMSPEC_BLESS=1 cargo test --test audit` and review.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use support::{TempDir, permspec, run};

fn golden(path: &str, actual: &str) {
    if std::env::var_os("PERMSPEC_BLESS").is_some() {
        std::fs::write(path, actual).unwrap();
        return;
    }
    let expected = std::fs::read_to_string(path).unwrap_or_default();
    if expected != actual {
        panic!(
            "{path} differs (PERMSPEC_BLESS=1 cargo test --test audit if intended):\n{}",
            similar::TextDiff::from_lines(&expected, actual)
                .unified_diff()
                .header("expected", "actual")
        );
    }
}

fn audit(format: &str) -> support::Run {
    run(permspec()
        .args([
            "audit",
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
            "--format",
            format,
        ])
        .env("PERMSPEC_NOW", "2027-02-15T00:00:00Z")
        .env("PERMSPEC_TODAY", "2027-02-15"))
}

#[test]
fn audit_text_markdown_and_json_are_golden() {
    for (format, file) in [
        ("text", "audit.txt"),
        ("markdown", "audit.md"),
        ("json", "audit.json"),
    ] {
        let out = audit(format);
        assert_eq!(out.code, 0, "{format}: {}", out.stderr);
        golden(&format!("tests/audit/expected/{file}"), &out.stdout);
    }
}

/// The HTML page's matrix as text: one line per non-empty cell, `token |
/// privilege | what the cell shows | its title`, in the page's order.
fn matrix(page: &str) -> String {
    fn text(html: &str) -> String {
        let mut out = String::new();
        let mut in_tag = false;
        for c in html.chars() {
            match c {
                '<' => in_tag = true,
                '>' => in_tag = false,
                c if !in_tag => out.push(c),
                _ => {}
            }
        }
        [
            ("&#x25CB;", "\u{25CB}"),
            ("&#x25CF;", "\u{25CF}"),
            ("&#x2298;", "\u{2298}"),
            ("&minus;", "\u{2212}"),
            ("&nbsp;", " "),
            ("&lt;", "<"),
            ("&gt;", ">"),
            ("&quot;", "\""),
            ("&apos;", "'"),
            ("&amp;", "&"),
        ]
        .iter()
        .fold(out, |t, (entity, c)| t.replace(entity, c))
    }
    let mut out = String::new();
    for section in page.split("<section class=\"provider\"").skip(1) {
        let columns: Vec<String> = section
            .split("<th scope=\"col\" class=\"priv\">")
            .skip(1)
            .map(|th| text(&th[..th.find("</th>").unwrap()]))
            .collect();
        for row in section.split("<tr class=\"token\"").skip(1) {
            let row = &row[..row.find("</tr>").unwrap()];
            let name = row.split("<th scope=\"row\">").nth(1).unwrap();
            let name = text(&name[..name.find("</th>").unwrap()]);
            let cells: Vec<&str> = row.split("<td class=\"cell ").skip(1).collect();
            assert_eq!(cells.len(), columns.len(), "{name}: one cell per column");
            for (column, td) in columns.iter().zip(cells) {
                let title = td.split("title=\"").nth(1).unwrap();
                let title = text(&title[..title.find('"').unwrap()]);
                let word = text(&td[td.find('>').unwrap() + 1..td.find("</td>").unwrap()]);
                if !word.is_empty() {
                    out.push_str(&format!("{name} | {column} | {word} | {title}\n"));
                }
            }
        }
    }
    out
}

/// Issue 39: each cell of the page says what the spec's rule is, never
/// "expected" for a `forbidden` entry the token does not hold.
#[test]
fn audit_html_labels_each_cell_by_its_rule() {
    let out = audit("html");
    assert_eq!(out.code, 0, "{}", out.stderr);
    let cells = matrix(&out.stdout);
    golden("tests/audit/expected/audit.cells.txt", &cells);
    let find = |token: &str, privilege: &str| {
        cells
            .lines()
            .find(|l| l.starts_with(&format!("{token} | {privilege} | ")))
            .unwrap_or_else(|| panic!("no cell {token} {privilege}:\n{cells}"))
            .to_owned()
    };
    // `forbidden: [accounts:write]`, not granted.
    let line = find("keys::ci-uploader", "accounts:write");
    assert!(
        line.contains("| \u{25CB} forbidden, not granted |"),
        "{line}"
    );
    // Granted, and forbidden.
    assert!(find("keys::drifted", "*:write").contains("| \u{2298} forbidden |"));
    // `at_least: [rooms:read]`, covered by the granted `*:write`.
    assert!(find("keys::drifted", "rooms:read").contains("| \u{25CB} at_least, covered |"));
    // `at_most: [role:docspace-admin]`, a ceiling the owner's role exceeds.
    assert!(
        find("people::owner", "role:docspace-admin").contains("| \u{25CB} at_most, not granted |")
    );
    // No evidence: the rule, and no claim about the token.
    assert!(find("keys::never-recorded", "files:read").contains("| ? exactly |"));
    assert!(!cells.contains("expected"), "{cells}");
}

#[test]
fn audit_json_follows_its_versioned_schema() {
    let out = audit("json");
    let v: serde_json::Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["schema"], "permspec-audit/1");
    assert_eq!(v["summary"]["tokens"], 6);
    let row = |case: &str| {
        v["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["case"] == case)
            .unwrap()
            .clone()
    };
    let drifted = row("keys::drifted");
    assert_eq!(drifted["status"], "fail");
    assert_eq!(drifted["excess"], serde_json::json!(["*:write"]));
    assert_eq!(
        drifted["missing"],
        serde_json::json!([]),
        "*:write covers rooms:read"
    );
    assert_eq!(drifted["forbidden_hits"][0]["forbidden"], "*:write");
    assert_eq!(
        drifted["high_severity"][0]["reason"],
        "write access to everything"
    );
    let glass = row("keys::break-glass");
    assert_eq!(
        glass["status"], "pass",
        "the exception holds until 2027-06-30"
    );
    assert_eq!(glass["exceptions"][0]["expired"], false);
    assert_eq!(glass["high_severity"][0]["privilege"], "*");
    let migration = row("keys::migration");
    assert_eq!(migration["exceptions"][0]["expired"], true);
    assert_eq!(row("keys::never-recorded")["status"], "error");
    assert_eq!(
        row("people::owner")["high_severity"][0]["reason"],
        "portal owner"
    );
}

#[test]
fn audit_writes_to_a_file_and_says_so() {
    let dir = TempDir::new("audit-out");
    let path = dir.path().join("review.md");
    let out = run(permspec()
        .args([
            "audit",
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
            "--format",
            "markdown",
            "--out",
        ])
        .arg(&path));
    assert_eq!(out.code, 0);
    assert!(out.stdout.is_empty());
    assert!(
        out.stderr
            .starts_with(&format!("wrote {}: 6 tokens", path.display())),
        "{}",
        out.stderr
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("## Token permission audit")
    );
}

#[test]
fn the_committed_schema_matches_the_spec_format() {
    let out = run(permspec().arg("schema"));
    assert_eq!(out.code, 0);
    golden("spec.schema.json", &out.stdout);
}

#[test]
fn check_writes_junit_with_one_testcase_per_case() {
    let dir = TempDir::new("junit");
    let path = dir.path().join("junit.xml");
    let out = run(permspec()
        .args([
            "check",
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
            "--format",
            "junit",
            "--out",
        ])
        .arg(&path)
        .env("PERMSPEC_TODAY", "2027-02-15"));
    assert_eq!(out.code, 101, "{}", out.stdout);
    assert!(
        out.stdout.contains("test result: FAILED."),
        "the pretty report still goes to stdout"
    );
    let xml = std::fs::read_to_string(&path).unwrap();
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"permspec\" tests=\"6\" failures=\"4\""), "{xml}");
    assert_eq!(xml.matches("<testcase ").count(), 6);
    assert!(
        xml.contains(r#"<testcase name="keys::drifted" classname="keys""#),
        "{xml}"
    );
    assert!(xml.contains(r#"<property name="provider" value="docspace"/>"#));
    assert!(xml.contains(r#"<property name="token" value="drifted"/>"#));
    // The message is the findings in one line, the body the whole report.
    assert!(
        xml.contains(
            "<failure message=\"excess *:write (at_most); *:write overlaps forbidden *:write\" type=\"permspec\">token `drifted` in tests/audit/specs/keys.yaml"
        ),
        "{xml}"
    );
    assert!(
        xml.contains("<failure message=\"error: no fixture at tests/audit/fixtures/keys/never-recorded.json\""),
        "{xml}"
    );
    // `PERMSPEC_JUNIT` writes the same report without the flag (as under
    // `cargo test`, which takes no `--format junit`).
    let env_path = dir.path().join("env.xml");
    let out = run(permspec()
        .args([
            "check",
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
        ])
        .env("PERMSPEC_JUNIT", &env_path)
        .env("PERMSPEC_TODAY", "2027-02-15"));
    assert_eq!(out.code, 101);
    let from_env = std::fs::read_to_string(&env_path).unwrap();
    let strip = |x: &str| {
        x.lines()
            .filter(|l| !l.contains("timestamp") && !l.contains("time="))
            .collect::<Vec<_>>()
            .join("\n")
    };
    assert_eq!(strip(&from_env), strip(&xml));
    assert_eq!(
        run(permspec().args(["check", "--format", "junit"])).code,
        2,
        "junit needs --out"
    );
}

/// `permspec audit` (text) with `COLUMNS` set, in `dir`'s specs and
/// fixtures (or the audit fixtures').
fn audit_within(columns: &str, dir: Option<&TempDir>) -> support::Run {
    let mut cmd = permspec();
    cmd.arg("audit");
    match dir {
        Some(d) => cmd
            .arg("--specs")
            .arg(d.path().join("specs"))
            .arg("--fixtures")
            .arg(d.path().join("fixtures")),
        None => cmd.args([
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
        ]),
    };
    run(cmd
        .env("COLUMNS", columns)
        .env("PERMSPEC_NOW", "2027-02-15T00:00:00Z")
        .env("PERMSPEC_TODAY", "2027-02-15"))
}

/// Lines wider than `columns` display columns.
fn too_wide(out: &str, columns: usize) -> Vec<&str> {
    out.lines()
        .filter(|l| unicode_width::UnicodeWidthStr::width(*l) > columns)
        .collect()
}

/// Issue 39: the text audit fits the terminal's width. At 80 columns the
/// fixtures' table (152 wide) becomes a block per token; the snapshot
/// pins it.
#[test]
fn the_text_audit_fits_columns() {
    for columns in [20, 33, 40, 57, 80, 120] {
        let out = audit_within(&columns.to_string(), None);
        assert_eq!(out.code, 0, "{}", out.stderr);
        let wide = too_wide(&out.stdout, columns);
        assert!(wide.is_empty(), "COLUMNS={columns}: {wide:#?}");
        for case in ["keys::ci-uploader", "keys::never-recorded", "people::owner"] {
            let flat: String = out.stdout.split_whitespace().collect();
            assert!(flat.contains(case), "COLUMNS={columns}: {case} is lost");
        }
    }
    golden(
        "tests/audit/expected/audit.80.txt",
        &audit_within("80", None).stdout,
    );
    // Wide enough for the table: the table, as a pipe gets it.
    let expected = std::fs::read_to_string("tests/audit/expected/audit.txt").unwrap();
    assert_eq!(audit_within("160", None).stdout, expected);
    // Not a number, or 0: no width (stdout is a pipe here), the table.
    for columns in ["", "0", "wide"] {
        assert_eq!(audit_within(columns, None).stdout, expected, "{columns:?}");
    }
}

/// Long privilege names (with separators, without, a URL, CJK that takes
/// two columns a character) are wrapped, never elided: every name is all
/// there, in order, once the line breaks and indentation are taken out.
#[test]
fn a_long_name_wraps_within_columns_and_is_never_cut() {
    let dir = TempDir::new("audit-columns");
    let names = [
        format!("{}write", "admin:".repeat(15)),
        "n".repeat(150),
        "https://www.googleapis.com/auth/cloud-platform.read-only".to_owned(),
        "権限:読み取り".repeat(6),
    ];
    dir.write(
        "specs/api.yaml",
        "provider: http\nbase_url: https://api.example.com\nrequest: { path: /me }\n\
         privileges: { json: /scopes }\ntokens:\n  a-token-whose-name-is-long-enough-to-wrap:\n    \
         credential: { env: T }\n    expect: { at_most: [read], forbidden: [admin:org] }\n",
    );
    dir.write(
        "fixtures/api/a-token-whose-name-is-long-enough-to-wrap.json",
        &serde_json::json!({
            "recorded_at": "2027-02-01T00:00:00Z",
            "provider": "http",
            "request": {"method": "GET", "url": "https://api.example.com/me",
                        "credential": "bearer from env T"},
            "response": {"status": 200, "body": {"scopes": names}},
        })
        .to_string(),
    );
    let whole = audit_within("", Some(&dir));
    assert_eq!(whole.code, 0, "{}", whole.stderr);
    for name in &names {
        assert!(
            whole.stdout.contains(name.as_str()),
            "without a width, each name is on one line"
        );
    }
    for columns in [20, 37, 64, 100] {
        let out = audit_within(&columns.to_string(), Some(&dir));
        assert_eq!(out.code, 0, "{}", out.stderr);
        let wide = too_wide(&out.stdout, columns);
        assert!(wide.is_empty(), "COLUMNS={columns}: {wide:#?}");
        let flat: String = out.stdout.split_whitespace().collect();
        for name in names
            .iter()
            .chain([&"api::a-token-whose-name-is-long-enough-to-wrap".to_owned()])
        {
            assert!(
                flat.contains(name.as_str()),
                "COLUMNS={columns}: {name} is not all there:\n{}",
                out.stdout
            );
        }
        // Each name is listed as granted and as excess: twice, whole.
        assert!(flat.matches(names[1].as_str()).count() >= 2);
    }
}

/// A report written with `--out` is a file, not the terminal: the whole
/// table, whatever COLUMNS says.
#[test]
fn a_text_audit_written_to_a_file_is_never_wrapped() {
    let dir = TempDir::new("audit-columns-out");
    let path = dir.path().join("audit.txt");
    let out = run(permspec()
        .args([
            "audit",
            "--specs",
            "tests/audit/specs",
            "--fixtures",
            "tests/audit/fixtures",
            "--out",
        ])
        .arg(&path)
        .env("COLUMNS", "40")
        .env("PERMSPEC_NOW", "2027-02-15T00:00:00Z")
        .env("PERMSPEC_TODAY", "2027-02-15"));
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        std::fs::read_to_string("tests/audit/expected/audit.txt").unwrap()
    );
}
