//! The audit as one self-contained HTML page: a token x privilege matrix
//! per provider, readable offline and printable (inline CSS and script, no
//! network, no external font).
//!
//! Every value is escaped (`h`): control and direction characters made
//! visible as in the terminal, then `&<>"'` as entities, so a privilege
//! named `<script>` is text. Each cell's state is a word and a sign, never
//! a colour alone.

use super::cell::{Cell, cell, more, named};
use super::{Audit, Row, Status};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;

/// Escapes untrusted text for HTML text and attribute values.
fn h(s: &str) -> String {
    crate::escape::xml(&crate::escape::text(s))
}

/// A column's name, escaped, with a line-break opportunity after each
/// separator a privilege name has (`:`, `/`, `.`, `@`, `_`, `-`).
///
/// A header is rotated text at most 14em tall. It used to be one line
/// that could not break, in a cell capped at that height, so a longer
/// name was painted outside its cell, over the summary and the table
/// above (issue 39). It now wraps into more lines, which widen the column
/// instead: after a separator where it can, anywhere if it must
/// (`overflow-wrap`). No entity the escaping writes (`&amp;`, `&apos;`)
/// holds a separator.
fn breakable(escaped: &str) -> String {
    let mut out = String::with_capacity(escaped.len() + 16);
    for c in escaped.chars() {
        out.push(c);
        if matches!(c, ':' | '/' | '.' | '@' | '_' | '-') {
            out.push_str("<wbr>");
        }
    }
    out
}

const STYLE: &str = r#"
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; margin: 1.5em; color: #111; }
h1 { font-size: 1.4em; margin: 0 0 .3em; }
h2 { font-size: 1.15em; margin: 1.5em 0 .4em; }
.summary { font-size: 1.05em; }
.filters label { margin-right: 1.2em; }
table { border-collapse: collapse; margin: .3em 0 1em; }
th, td { border: 1px solid #bbb; padding: .2em .45em; vertical-align: top; }
thead th { background: #eee; position: sticky; top: 0; font-weight: 600; }
thead th.priv { vertical-align: bottom; }
thead th.priv > span { display: inline-block; writing-mode: vertical-rl; transform: rotate(180deg); max-height: 14em; overflow-wrap: anywhere; text-align: start; }
tr.token { cursor: pointer; }
tr.token:focus { outline: 2px solid #135; }
td.status { font-weight: 700; }
td.status.pass { color: #155724; }
td.status.fail { color: #a00; }
td.status.error { color: #7a4b00; }
td.when { white-space: nowrap; }
td.cell { text-align: center; white-space: nowrap; font-size: .9em; }
td.cell.named, td.cell.overlapped { white-space: normal; }
td.granted { background: #e8f4ea; }
td.named { color: #555; }
td.unjudged { color: #555; font-style: italic; }
td.overlapped { background: #fde2e2; color: #a00; font-weight: 700; }
td.missing { background: #fff1c2; }
td.excess { background: #fde2e2; font-weight: 600; }
td.forbidden { background: #a00; color: #fff; font-weight: 700; }
td.high::after { content: " !HIGH"; font-weight: 700; }
tr.detail pre { margin: 0; white-space: pre-wrap; font: 12px/1.35 ui-monospace, monospace; }
.legend span { margin-right: 1em; padding: 0 .3em; border: 1px solid #bbb; }
@media print { .filters { display: none; } tr.detail[hidden] { display: table-row; } thead th { position: static; } }
"#;

const SCRIPT: &str = r#"
(function () {
  var provider = document.getElementById('provider');
  var status = document.getElementById('status');
  function apply() {
    var p = provider.value, s = status.value;
    document.querySelectorAll('section.provider').forEach(function (sec) {
      sec.hidden = p !== '' && sec.dataset.provider !== p;
    });
    document.querySelectorAll('tr.token').forEach(function (tr) {
      var show = s === '' || tr.dataset.status === s;
      tr.hidden = !show;
      var d = tr.nextElementSibling;
      if (!show && d) { d.hidden = true; tr.setAttribute('aria-expanded', 'false'); }
    });
  }
  function toggle(tr) {
    var d = tr.nextElementSibling;
    var open = d.hidden;
    d.hidden = !open;
    tr.setAttribute('aria-expanded', open ? 'true' : 'false');
  }
  provider.addEventListener('change', apply);
  status.addEventListener('change', apply);
  document.querySelectorAll('tr.token').forEach(function (tr) {
    tr.addEventListener('click', function () { toggle(tr); });
    tr.addEventListener('keydown', function (e) {
      if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); toggle(tr); }
    });
  });
  document.body.dataset.ready = String(Math.round(performance.now()));
})();
"#;

/// The page.
pub(crate) fn html(a: &Audit) -> String {
    let s = &a.summary;
    let mut out = String::with_capacity(4096 + a.tokens.len() * 512);
    out.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<title>permspec audit</title>\n<style>");
    out.push_str(STYLE);
    out.push_str("</style>\n</head>\n<body>\n<h1>Token permission audit</h1>\n");
    let _ = writeln!(
        out,
        "<p class=\"summary\" id=\"summary\"><strong>{}</strong> tokens: <strong>{}</strong> pass, \
         <strong>{}</strong> fail, <strong>{}</strong> error; <strong>{}</strong> with a \
         high-severity grant ({} open). Generated {} from {} mode by <code>permspec audit</code>.</p>",
        s.tokens,
        s.pass,
        s.fail,
        s.error,
        s.high_severity,
        s.high_severity_open,
        h(&a.generated_at),
        h(&a.mode)
    );
    let mut by_provider: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for r in &a.tokens {
        by_provider.entry(r.provider.as_str()).or_default().push(r);
    }
    out.push_str("<p class=\"filters\"><label>Provider <select id=\"provider\"><option value=\"\">all</option>");
    for p in by_provider.keys() {
        let _ = write!(out, "<option value=\"{0}\">{0}</option>", h(p));
    }
    out.push_str(
        "</select></label><label>Status <select id=\"status\"><option value=\"\">all</option>\
         <option value=\"pass\">pass</option><option value=\"fail\">fail</option>\
         <option value=\"error\">error</option></select></label></p>\n",
    );
    out.push_str("<p class=\"legend\">");
    for c in Cell::LEGEND {
        let (class, word, title) = c.shown();
        let _ = write!(
            out,
            "<span class=\"{class}\" title=\"{title}\">{word}</span>"
        );
    }
    out.push_str(
        "<span class=\"unjudged\" title=\"no evidence, or the token is not active\">? RULE: \
         named by RULE, not judged</span>",
    );
    out.push_str("<span class=\"high\">!HIGH: a high-severity grant</span> Click a token (or press Enter) for its details.</p>\n");
    for (provider, rows) in &by_provider {
        let mut columns: BTreeSet<&str> = BTreeSet::new();
        for r in rows {
            columns.extend(r.granted.iter().map(String::as_str));
            columns.extend(r.missing.iter().map(String::as_str));
            columns.extend(named(r));
        }
        let _ = writeln!(
            out,
            "<section class=\"provider\" data-provider=\"{0}\">\n<h2>{0}</h2>\n<table>\n<thead><tr>\
             <th scope=\"col\">Token</th><th scope=\"col\">Status</th>",
            h(provider)
        );
        for c in &columns {
            let _ = write!(
                out,
                "<th scope=\"col\" class=\"priv\"><span>{}</span></th>",
                breakable(&h(c))
            );
        }
        out.push_str("<th scope=\"col\">Exceptions</th><th scope=\"col\">Fixture age</th><th scope=\"col\">Expires</th></tr></thead>\n<tbody>\n");
        let width = columns.len() + 5;
        for r in rows {
            let status = match r.status {
                Status::Pass => "pass",
                Status::Fail => "fail",
                Status::Error => "error",
            };
            let _ = write!(
                out,
                "<tr class=\"token\" data-status=\"{status}\" data-provider=\"{}\" tabindex=\"0\" aria-expanded=\"false\">\
                 <th scope=\"row\">{}</th><td class=\"status {status}\">{}</td>",
                h(provider),
                h(&r.case),
                status.to_uppercase()
            );
            for c in &columns {
                let state = cell(r, c);
                let (class, word, title) = state.shown();
                let high = r.high_severity.iter().find(|x| x.privilege == *c);
                let (high_class, high_title) = match high {
                    Some(x) if x.acknowledged.is_none() => {
                        (" high", format!("; high severity: {}", x.reason))
                    }
                    Some(x) => (
                        "",
                        format!(
                            "; high severity ({}), acknowledged: {}",
                            x.reason,
                            h(x.acknowledged.as_deref().unwrap_or_default())
                        ),
                    ),
                    None => ("", String::new()),
                };
                let _ = write!(
                    out,
                    "<td class=\"cell {class}{high_class}\" title=\"{}: {title}{}{high_title}\">{word}</td>",
                    h(c),
                    h(&more(r, c))
                );
            }
            let exceptions: Vec<String> = r
                .exceptions
                .iter()
                .map(|e| {
                    format!(
                        "{} ({} {}{})",
                        h(&e.privilege),
                        if e.expired { "expired" } else { "review by" },
                        h(&e.review_by),
                        e.ticket
                            .as_ref()
                            .map(|t| format!(", {}", h(t)))
                            .unwrap_or_default()
                    )
                })
                .collect();
            // The same words as the text and Markdown tables.
            let age = h(&super::render::age(r));
            let expires = h(&super::render::expiry(r));
            let _ = writeln!(
                out,
                "<td>{}</td><td class=\"when\">{age}</td><td class=\"when\">{expires}</td></tr>",
                if exceptions.is_empty() {
                    "-".to_owned()
                } else {
                    exceptions.join("<br>")
                }
            );
            let _ = writeln!(
                out,
                "<tr class=\"detail\" hidden><td colspan=\"{width}\"><pre>{}</pre></td></tr>",
                h(&detail(r))
            );
        }
        out.push_str("</tbody>\n</table>\n</section>\n");
    }
    if !a.unreferenced_fixtures.is_empty() {
        out.push_str("<h2>Fixtures no spec token refers to</h2>\n<ul>\n");
        for f in &a.unreferenced_fixtures {
            let _ = writeln!(out, "<li><code>{}</code></li>", h(f));
        }
        out.push_str("</ul>\n");
    }
    if !a.pending_answers.is_empty() {
        out.push_str(
            "<h2>Answers pending review</h2>\n<p>Accept or reject each with <code>permspec review</code>; \
             the tables show the fixtures beside them.</p>\n<ul>\n",
        );
        for f in &a.pending_answers {
            let _ = writeln!(out, "<li><code>{}</code></li>", h(f));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("<script>");
    out.push_str(SCRIPT);
    out.push_str("</script>\n</body>\n</html>\n");
    out
}

/// A token's details, as the text audit words them (unescaped: the page
/// escapes the whole).
fn detail(r: &Row) -> String {
    let mut d = String::new();
    if let Some(p) = &r.description {
        let _ = writeln!(d, "purpose: {p}");
    }
    let e = &r.expected;
    for (rule, list) in [
        ("exactly", &e.exactly),
        ("at_least", &e.at_least),
        ("at_most", &e.at_most),
        ("forbidden", &e.forbidden),
    ] {
        if let Some(l) = list {
            let _ = writeln!(d, "expected {rule}: [{}]", l.join(", "));
        }
    }
    let _ = writeln!(d, "granted: [{}]", r.granted.join(", "));
    for m in &r.missing {
        let _ = writeln!(d, "- missing {m}");
    }
    for x in &r.excess {
        let _ = writeln!(d, "+ excess {x}");
    }
    for f in &r.forbidden_hits {
        let _ = writeln!(d, "+ {} overlaps forbidden {}", f.granted, f.forbidden);
    }
    for hs in &r.high_severity {
        let ack = hs
            .acknowledged
            .as_ref()
            .map(|a| format!(", acknowledged: {a}"))
            .unwrap_or_default();
        let _ = writeln!(d, "high: {} ({}{ack})", hs.privilege, hs.reason);
    }
    for p in &r.probes {
        let _ = writeln!(d, "probe: {}", super::render::probe_line(p));
    }
    for p in &r.problems {
        let _ = writeln!(d, "problem: {p}");
    }
    if let Some(e) = &r.error {
        let _ = writeln!(d, "error: {e}");
    }
    d
}

#[cfg(test)]
mod tests {
    use super::super::{Audit, ForbiddenHit, HighSeverity, Row, Status, Summary};
    use super::*;

    fn page(rows: Vec<Row>) -> String {
        html(&Audit {
            schema: super::super::SCHEMA,
            generated_at: "2027-02-15T00:00:00Z".into(),
            mode: "replay".into(),
            summary: Summary::default(),
            tokens: rows,
            unreferenced_fixtures: vec!["fixtures/<old>.json".into()],
            pending_answers: vec!["fixtures/<new>.json.new".into()],
        })
    }

    #[test]
    fn every_value_is_text_and_the_page_fetches_nothing() {
        let mut r = Row::new("api::<b>".into(), "http\"><i>".into());
        r.status = Status::Fail;
        r.granted = vec!["<script>x</script>".into(), "a'b".into()];
        r.description = Some("</pre><img src=x>".into());
        r.excess = vec!["a'b".into()];
        let out = page(vec![r]);
        assert_eq!(out.matches("<script>").count(), 1, "only the page's own");
        for raw in ["<b>", "<i>", "<img", "a'b"] {
            assert!(!out.contains(raw), "{raw} reached the page raw");
        }
        assert!(out.contains("&lt;script&gt;x&lt;/script&gt;"));
        assert!(out.contains("fixtures/&lt;old&gt;.json"));
        for fetch in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
            assert!(!out.contains(fetch), "{fetch}");
        }
    }

    #[test]
    fn each_state_is_a_word_not_a_colour_alone() {
        let mut r = Row::new("k::t".into(), "docspace".into());
        r.status = Status::Fail;
        r.granted = vec!["*:write".into(), "files:read".into(), "rooms:read".into()];
        r.expected.at_most = Some(vec!["files:read".into()]);
        r.expected.at_least = Some(vec!["accounts:read".into()]);
        r.expected.forbidden = Some(vec!["*:write".into()]);
        r.missing = vec!["accounts:read".into()];
        r.excess = vec!["*:write".into(), "rooms:read".into()];
        r.forbidden_hits = vec![ForbiddenHit {
            granted: "*:write".into(),
            forbidden: "*:write".into(),
        }];
        r.high_severity = vec![HighSeverity {
            privilege: "*:write".into(),
            reason: "write access to everything",
            acknowledged: None,
        }];
        assert_eq!(cell(&r, "*:write"), Cell::Forbidden);
        assert_eq!(cell(&r, "rooms:read"), Cell::Excess);
        assert_eq!(cell(&r, "accounts:read"), Cell::Missing);
        assert_eq!(cell(&r, "files:read"), Cell::Granted);
        assert_eq!(cell(&r, "nothing"), Cell::Empty);
        let out = page(vec![r]);
        assert!(out.contains("class=\"cell forbidden high\""));
        assert!(out.contains(">&#x2298; forbidden</td>"));
        assert!(out.contains(">+ excess</td>"));
        assert!(out.contains(">&minus; missing</td>"));
        assert!(out.contains("data-status=\"fail\""));
    }

    #[test]
    fn a_long_header_may_break_after_each_separator() {
        assert_eq!(
            breakable(&h("https://x.io/a_b-c@d<e>")),
            "https:<wbr>/<wbr>/<wbr>x.<wbr>io/<wbr>a_<wbr>b-<wbr>c@<wbr>d&lt;e&gt;"
        );
        let mut r = Row::new("k::t".into(), "http".into());
        r.granted = vec!["admin:org".into()];
        let out = page(vec![r]);
        assert!(
            out.contains("<th scope=\"col\" class=\"priv\"><span>admin:<wbr>org</span></th>"),
            "{out}"
        );
    }
}
