//! The audit's two human renderings: a plain table for the terminal, and
//! Markdown to paste into a review. (JSON is the serialized model.)

use super::{Audit, ExceptionRow, Expected, Row, Source, Status, fit};
use crate::escape::{md_code, md_text, text as esc};
use std::fmt::Write;

/// The expectation in one short line: `exactly [a, b]; forbidden [c]`,
/// escaped for the rendering (the lists in code spans for Markdown).
fn expected_line(e: &Expected, markdown: bool) -> String {
    let mut parts = Vec::new();
    let rules = [
        ("exactly", &e.exactly),
        ("at_least", &e.at_least),
        ("at_most", &e.at_most),
        ("forbidden", &e.forbidden),
    ];
    for (name, list) in rules {
        if let Some(l) = list {
            let list = format!("[{}]", l.join(", "));
            parts.push(if markdown {
                format!("{name} {}", md_code(&list))
            } else {
                format!("{name} {}", esc(&list))
            });
        }
    }
    if let Some(a) = e.active {
        parts.push(format!("active {a}"));
    }
    if let Some(w) = &e.expires_within {
        // Written by the audit from a number today; escaped all the same,
        // like every other value (the `render` fuzz target checks it).
        parts.push(if markdown {
            format!("expires_within {}", md_text(w))
        } else {
            format!("expires_within {}", esc(w))
        });
    }
    parts.join("; ")
}

/// An exception in words, unescaped: each rendering escapes it whole.
fn exception_line(e: &ExceptionRow) -> String {
    let ticket = e
        .ticket
        .as_ref()
        .map(|t| format!(", {t}"))
        .unwrap_or_default();
    let state = if e.expired { "expired" } else { "review by" };
    format!(
        "{} ({state} {}{ticket}): {}",
        e.privilege, e.review_by, e.reason
    )
}

pub(super) fn age(row: &Row) -> String {
    match &row.source {
        Source::Fixture {
            age_days: Some(d), ..
        } => format!("{d}d"),
        Source::Live { .. } => "live".into(),
        _ => "-".into(),
    }
}

pub(super) fn expiry(row: &Row) -> String {
    match (row.expiry, &row.expires_at) {
        ("date", Some(at)) => at.get(..10).unwrap_or(at).to_owned(),
        ("never", _) => "never".into(),
        _ => "-".into(),
    }
}

/// An error's first line: the tables show what failed, the JSON all of it.
fn first_line(error: &str) -> &str {
    error.lines().next().unwrap_or("")
}

/// A list for the plain table, each item escaped.
fn or_dash(items: &[String]) -> String {
    if items.is_empty() {
        "-".into()
    } else {
        items.iter().map(|i| esc(i)).collect::<Vec<_>>().join(", ")
    }
}

/// The probes in one cell: `3/4 ok`, and which failed.
fn probes_cell(row: &Row) -> String {
    if row.probes.is_empty() {
        return "-".into();
    }
    let ok = row.probes.iter().filter(|p| p.ok).count();
    format!("{ok}/{} ok", row.probes.len())
}

/// A probe in words, unescaped: each rendering escapes it whole.
pub(super) fn probe_line(p: &super::ProbeRow) -> String {
    let answered = match (p.status, p.answered) {
        (Some(s), Some(a)) => format!("{s} ({a})"),
        (Some(s), None) => format!("{s} (proves nothing)"),
        (None, _) => "no answer".into(),
    };
    let mut line = format!(
        "{} {}: expected {}, answered {answered}",
        if p.ok { "ok" } else { "WRONG" },
        p.probe,
        p.expected.unwrap_or("-")
    );
    if let Some(perm) = p.permission {
        line.push_str(&format!(" [auto: {perm}]"));
    }
    if let Some(n) = &p.needs {
        line.push_str(&format!("; needs {n}"));
    }
    line
}

fn headline(a: &Audit) -> String {
    let s = &a.summary;
    format!(
        "permspec audit ({} mode, {}): {} tokens: {} pass, {} fail, {} error; {} with a high-severity grant ({} open)",
        esc(&a.mode),
        esc(&a.generated_at),
        s.tokens,
        s.pass,
        s.fail,
        s.error,
        s.high_severity,
        s.high_severity_open
    )
}

/// A plain table, one line per token, then the details that do not fit.
///
/// Within `width` columns (issue 39), when the table would be wider: a
/// block per token instead, its name, status and source on one line and
/// each list on its own, and every line of the whole wrapped to the
/// width (`fit`), so nothing is cut off. Without a width (a pipe, a
/// file), the table as it is, one line per token.
pub(crate) fn text(a: &Audit, width: Option<usize>) -> String {
    let header = [
        "TOKEN",
        "PROVIDER",
        "STATUS",
        "GRANTED",
        "MISSING",
        "EXCESS",
        "FORBIDDEN",
        "HIGH",
        "PROBES",
        "AGE",
        "EXPIRES",
    ];
    let rows: Vec<[String; 11]> = a
        .tokens
        .iter()
        .map(|r| {
            [
                esc(&r.case).into_owned(),
                r.provider.clone(),
                match r.status {
                    Status::Pass => "pass".into(),
                    Status::Fail => "FAIL".into(),
                    Status::Error => "ERROR".into(),
                },
                or_dash(&r.granted),
                or_dash(&r.missing),
                or_dash(&r.excess),
                or_dash(
                    &r.forbidden_hits
                        .iter()
                        .map(|h| format!("{} ({})", h.granted, h.forbidden))
                        .collect::<Vec<_>>(),
                ),
                or_dash(
                    &r.high_severity
                        .iter()
                        .map(|h| match h.acknowledged {
                            Some(_) => format!("{} (acknowledged)", h.privilege),
                            None => h.privilege.clone(),
                        })
                        .collect::<Vec<_>>(),
                ),
                probes_cell(r),
                age(r),
                esc(&expiry(r)).into_owned(),
            ]
        })
        .collect();
    let table = table(&header, &rows);
    let mut out = headline(a) + "\n\n";
    match width {
        Some(w) if table.lines().any(|l| fit::width(l) > w.max(fit::MIN)) => {
            out.push_str(&blocks(&rows, w));
        }
        _ => out.push_str(&table),
    }
    let details: Vec<String> = a
        .tokens
        .iter()
        .filter(|r| {
            !r.high_severity.is_empty()
                || r.probes.iter().any(|p| !p.ok)
                || !r.problems.is_empty()
                || !r.exceptions.is_empty()
                || r.error.is_some()
        })
        .map(|r| {
            let mut d = format!("{}:", esc(&r.case));
            if let Some(purpose) = &r.description {
                let _ = write!(d, "\n  purpose: {}", esc(purpose));
            }
            for h in &r.high_severity {
                let ack = h
                    .acknowledged
                    .as_ref()
                    .map(|a| format!(", acknowledged: {a}"))
                    .unwrap_or_default();
                let _ = write!(
                    d,
                    "\n  high: {} ({}{})",
                    esc(&h.privilege),
                    h.reason,
                    esc(&ack)
                );
            }
            for p in r.probes.iter().filter(|p| !p.ok) {
                let _ = write!(d, "\n  probe: {}", esc(&probe_line(p)));
            }
            for p in &r.problems {
                let _ = write!(d, "\n  problem: {}", esc(p));
            }
            if let Some(e) = &r.error {
                let _ = write!(d, "\n  error: {}", esc(first_line(e)));
            }
            let expected = expected_line(&r.expected, false);
            if !expected.is_empty() {
                let _ = write!(d, "\n  expected: {expected}");
            }
            for e in &r.exceptions {
                let _ = write!(d, "\n  exception: {}", esc(&exception_line(e)));
            }
            d
        })
        .collect();
    if !details.is_empty() {
        out.push('\n');
        out.push_str(&details.join("\n"));
        out.push('\n');
    }
    if !a.unreferenced_fixtures.is_empty() {
        out.push_str("\nfixtures no spec token refers to:\n");
        for f in &a.unreferenced_fixtures {
            let _ = writeln!(out, "  {}", esc(f));
        }
    }
    if !a.pending_answers.is_empty() {
        out.push_str(
            "\nanswers pending review (permspec review); the rows show the fixtures beside them:\n",
        );
        for f in &a.pending_answers {
            let _ = writeln!(out, "  {}", esc(f));
        }
    }
    match width {
        Some(w) => fit::fit(&out, w),
        None => out,
    }
}

/// The table: a header, then a line per token, each column as wide as its
/// widest cell in display columns.
fn table(header: &[&str; 11], rows: &[[String; 11]]) -> String {
    let mut widths: Vec<usize> = header.iter().map(|h| fit::width(h)).collect();
    for r in rows {
        for (w, cell) in widths.iter_mut().zip(r) {
            *w = (*w).max(fit::width(cell));
        }
    }
    let line = |cells: &[String]| -> String {
        let mut l = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i + 1 == cells.len() {
                l.push_str(cell);
            } else {
                l.push_str(&fit::pad(cell, *w));
                l.push_str("  ");
            }
        }
        l.trim_end().to_owned() + "\n"
    };
    let mut out = line(&header.map(String::from));
    for r in rows {
        out.push_str(&line(r));
    }
    out
}

/// The table's rows as blocks, within `width` columns:
///
/// ```text
/// keys::drifted: FAIL (docspace; age 86d; expires 2027-10-01)
///     granted:   *:write, files:read
///     excess:    *:write
/// ```
///
/// `granted` always, the other lists when they hold something, under the
/// table's column names.
fn blocks(rows: &[[String; 11]], width: usize) -> String {
    const LISTS: [(usize, &str); 5] = [
        (3, "granted:"),
        (4, "missing:"),
        (5, "excess:"),
        (6, "forbidden:"),
        (7, "high:"),
    ];
    const INDENT: usize = 4;
    const LABEL: usize = 11;
    let mut out = String::new();
    for r in rows {
        let [token, provider, status, .., probes, age, expires] = r;
        let mut about = vec![provider.clone()];
        match age.as_str() {
            "-" => {}
            "live" => about.push("live".into()),
            d => about.push(format!("age {d}")),
        }
        if expires != "-" {
            about.push(format!("expires {expires}"));
        }
        if probes != "-" {
            about.push(format!("probes {probes}"));
        }
        let head = format!("{token}: {status} ({})", about.join("; "));
        // Continued two columns in: not as deep as the lists, whose
        // labels it must not pass for.
        for l in fit::wrap(&head, width, 2) {
            out.push_str(&l);
            out.push('\n');
        }
        for (i, label) in LISTS {
            if i != 3 && r[i] == "-" {
                continue;
            }
            let line = format!("{}{}{}", " ".repeat(INDENT), fit::pad(label, LABEL), r[i]);
            for l in fit::wrap(&line, width, INDENT + LABEL) {
                out.push_str(&l);
                out.push('\n');
            }
        }
    }
    out
}

/// Each item as a code span, for a Markdown table cell.
fn md_codes(items: &[String]) -> String {
    if items.is_empty() {
        return "-".into();
    }
    items
        .iter()
        .map(|i| md_code(i))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A GitHub-flavoured Markdown report, ready to paste into a review.
pub(crate) fn markdown(a: &Audit) -> String {
    let s = &a.summary;
    let mut out = format!(
        "## Token permission audit\n\n{} tokens, {} pass, {} fail, {} error; **{} with a high-severity grant** ({} open). \
         Generated {} from {} mode by `permspec audit`.\n\n",
        s.tokens,
        s.pass,
        s.fail,
        s.error,
        s.high_severity,
        s.high_severity_open,
        md_text(&a.generated_at),
        md_text(&a.mode)
    );
    out.push_str("| Token | Description | Provider | Status | Granted | Expected | Missing | Excess | Forbidden hits | Severity | Probes | Fixture age | Expires |\n");
    out.push_str("|---|---|---|---|---|---|---|---|---|---|---|---|---|\n");
    for r in &a.tokens {
        let status = match r.status {
            Status::Pass => "pass".to_owned(),
            Status::Fail => "**FAIL**".to_owned(),
            Status::Error => format!(
                "**ERROR**: {}",
                md_text(first_line(r.error.as_deref().unwrap_or("")))
            ),
        };
        // An open high-severity grant in bold; one the spec acknowledges
        // (exactly, or a justified exception) plainly, with how.
        let open: Vec<String> = r
            .high_severity
            .iter()
            .filter(|h| h.acknowledged.is_none())
            .map(|h| format!("{} {}", md_code(&h.privilege), h.reason))
            .collect();
        let acknowledged: Vec<String> = r
            .high_severity
            .iter()
            .filter_map(|h| {
                let how = h.acknowledged.as_ref()?;
                Some(format!(
                    "{} {} ({})",
                    md_code(&h.privilege),
                    h.reason,
                    md_text(how)
                ))
            })
            .collect();
        let mut parts = Vec::new();
        if !open.is_empty() {
            parts.push(format!("**HIGH**: {}", open.join(", ")));
        }
        if !acknowledged.is_empty() {
            parts.push(format!("HIGH, acknowledged: {}", acknowledged.join(", ")));
        }
        let severity = if parts.is_empty() {
            "-".to_owned()
        } else {
            parts.join("<br>")
        };
        let hits: Vec<String> = r
            .forbidden_hits
            .iter()
            .map(|h| format!("{} vs {}", h.granted, h.forbidden))
            .collect();
        let mut expected = expected_line(&r.expected, true);
        for e in &r.exceptions {
            expected.push_str(&format!("<br>exception: {}", md_text(&exception_line(e))));
        }
        for p in &r.problems {
            expected.push_str(&format!("<br>problem: {}", md_text(p)));
        }
        let mut probes = probes_cell(r);
        for p in r.probes.iter().filter(|p| !p.ok) {
            probes.push_str(&format!("<br>{}", md_text(&probe_line(p))));
        }
        let _ = writeln!(
            out,
            "| {} | {} | {} | {status} | {} | {} | {} | {} | {} | {severity} | {probes} | {} | {} |",
            md_code(&r.case),
            r.description.as_deref().map_or("-".into(), md_text),
            md_text(&r.provider),
            md_codes(&r.granted),
            if expected.is_empty() {
                "-".into()
            } else {
                expected
            },
            md_codes(&r.missing),
            md_codes(&r.excess),
            md_codes(&hits),
            age(r),
            md_text(&expiry(r)),
        );
    }
    if !a.unreferenced_fixtures.is_empty() {
        out.push_str("\n**Fixtures no spec token refers to** (a renamed or removed token?):\n\n");
        for f in &a.unreferenced_fixtures {
            let _ = writeln!(out, "- {}", md_code(f));
        }
    }
    if !a.pending_answers.is_empty() {
        out.push_str(
            "\n**Answers pending review** (`permspec review`; the table shows the fixtures beside them):\n\n",
        );
        for f in &a.pending_answers {
            let _ = writeln!(out, "- {}", md_code(f));
        }
    }
    out
}
