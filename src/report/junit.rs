//! JUnit XML for CI dashboards: one `<testcase>` per case, the provider and
//! token as properties, the failure text as the failure's body.

use crate::escape::xml as escape;
use std::fmt::Write;
use std::time::Duration;

/// What one case did, as the harness saw it.
#[derive(Clone, Debug)]
pub(crate) struct CaseResult {
    pub name: String,
    /// The provider, or `spec` / `setup` for a broken entry.
    pub kind: String,
    pub spec: Option<String>,
    pub token: Option<String>,
    pub failure: Option<String>,
    /// The failure in one line (the findings, or the error), for the
    /// failure's `message`; else its first line is used.
    pub summary: Option<String>,
    pub duration: Duration,
    /// The SARIF results of the case, and its spec file as printed.
    pub sarif: Vec<super::sarif::Located>,
    pub file: Option<String>,
}

pub(crate) fn render(results: &[CaseResult], timestamp: &str) -> String {
    let failures = results.iter().filter(|r| r.failure.is_some()).count();
    let total: f64 = results.iter().map(|r| r.duration.as_secs_f64()).sum();
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let counts = format!(
        r#"tests="{}" failures="{failures}" errors="0" time="{total:.3}""#,
        results.len()
    );
    let _ = writeln!(out, r#"<testsuites name="permspec" {counts}>"#);
    let _ = writeln!(
        out,
        r#"  <testsuite name="permspec" {counts} skipped="0" timestamp="{}">"#,
        escape(timestamp)
    );
    for r in results {
        let class = r
            .name
            .rsplit_once("::")
            .map_or(r.name.as_str(), |(spec, _)| spec);
        let _ = writeln!(
            out,
            r#"    <testcase name="{}" classname="{}" time="{:.3}">"#,
            escape(&r.name),
            escape(class),
            r.duration.as_secs_f64()
        );
        out.push_str("      <properties>\n");
        let kind = if r.token.is_some() {
            "provider"
        } else {
            "kind"
        };
        let _ = writeln!(
            out,
            r#"        <property name="{kind}" value="{}"/>"#,
            escape(&r.kind)
        );
        for (name, value) in [("token", &r.token), ("spec", &r.spec)] {
            if let Some(v) = value {
                let _ = writeln!(
                    out,
                    r#"        <property name="{name}" value="{}"/>"#,
                    escape(v)
                );
            }
        }
        out.push_str("      </properties>\n");
        if let Some(text) = &r.failure {
            let text = strip_ansi(text);
            let first = match &r.summary {
                Some(s) => strip_ansi(s),
                None => text.lines().next().unwrap_or("failed").trim().to_owned(),
            };
            let _ = writeln!(
                out,
                r#"      <failure message="{}" type="permspec">{}</failure>"#,
                escape(&first),
                escape(&text)
            );
        }
        out.push_str("    </testcase>\n");
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// Drops the colour codes the terminal report may carry.
fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\x1b' {
            for d in chars.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_testcase_per_case_with_properties_and_escaped_failures() {
        let results = vec![
            CaseResult {
                name: "docspace::ci".into(),
                kind: "docspace".into(),
                spec: Some("specs/docspace.yaml".into()),
                token: Some("ci".into()),
                failure: None,
                summary: None,
                duration: Duration::from_millis(2),
                sarif: Vec::new(),
                file: None,
            },
            CaseResult {
                name: "broken".into(),
                kind: "spec".into(),
                spec: None,
                token: None,
                failure: Some("error: `a` & <b>\x1b[31m red\x1b[0m\x07".into()),
                summary: None,
                duration: Duration::ZERO,
                sarif: Vec::new(),
                file: None,
            },
            CaseResult {
                name: "docspace::wide".into(),
                kind: "docspace".into(),
                spec: Some("specs/docspace.yaml".into()),
                token: Some("wide".into()),
                failure: Some("token `wide` in specs/docspace.yaml\n  ...".into()),
                summary: Some("excess * (at_most); * overlaps forbidden files:write".into()),
                duration: Duration::ZERO,
                sarif: Vec::new(),
                file: None,
            },
        ];
        let xml = render(&results, "2026-11-23T10:00:00Z");
        assert!(
            xml.contains(
                r#"<testsuites name="permspec" tests="3" failures="2" errors="0" time="0.002">"#
            ),
            "{xml}"
        );
        assert!(
            xml.contains(r#"<testcase name="docspace::ci" classname="docspace" time="0.002">"#),
            "{xml}"
        );
        assert!(xml.contains(r#"<property name="provider" value="docspace"/>"#));
        assert!(xml.contains(r#"<property name="token" value="ci"/>"#));
        assert!(
            xml.contains(r#"<failure message="error: `a` &amp; &lt;b&gt; red�" type="permspec">"#),
            "{xml}"
        );
        assert!(!xml.contains('\x1b'));
        // The message is the findings, not the header.
        assert!(
            xml.contains(r#"<failure message="excess * (at_most); * overlaps forbidden files:write" type="permspec">token `wide`"#),
            "{xml}"
        );
    }
}
