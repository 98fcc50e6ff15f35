//! Stage 5: what a failing case prints.
//!
//! One block per case: where the token is declared and where its grant came
//! from, one line per broken rule, the privileges that differ (labelled
//! `-` missing, `+` excess, each with the rules it breaks), the `exactly`
//! diff when that rule fails, a count, and the next thing to do.
//! Readable without colour; colour only marks the `-`/`+` lines.

pub(crate) mod audit;
pub(crate) mod junit;
mod next;
pub(crate) mod sarif;

pub(crate) use next::{Invocation, shell_word, strip_hash, yaml_item};

use crate::compare::{Finding, Outcome, Rule};
use crate::escape::{lines, text};
use crate::evidence::{CaseError, Evidence, Fix, Origin};
use crate::mode::Mode;
use crate::plan::{Case, Expectations, SecretSource};
use crate::time;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How to print: colour or not, and which command the user runs.
#[derive(Clone, Debug)]
pub(crate) struct Style {
    pub color: bool,
    pub invocation: Invocation,
    pub mode: Mode,
}

const RED: &str = "\x1b[31m";
const GREEN: &str = "\x1b[32m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

impl Style {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("{code}{text}{RESET}")
        } else {
            text.to_owned()
        }
    }
}

fn header(case: &Case, style: &Style) -> String {
    let title = format!("token `{}` in {}", case.token, text(&case.spec.display));
    let mut out = format!("{}\n", style.paint(BOLD, &title));
    if let Some(d) = &case.description {
        let _ = writeln!(out, "  purpose    {}", text(d));
    }
    let _ = writeln!(out, "  provider   {}", case.provider.name());
    out
}

fn origin_line(origin: &Origin) -> String {
    match origin {
        Origin::Replayed {
            fixture,
            recorded_at,
            confirmed_at,
            pending,
        } => {
            let day = |t: &str| t.get(..10).unwrap_or(t).to_owned();
            let mut s = format!(
                "replayed from {}, recorded {}",
                text(fixture),
                text(&day(recorded_at))
            );
            if let Some(c) = confirmed_at {
                let _ = write!(s, ", confirmed {}", text(&day(c)));
            }
            if let Some(p) = pending {
                let _ = write!(
                    s,
                    "; a recorded change awaits review in {} (`permspec review`)",
                    text(p)
                );
            }
            s
        }
        Origin::Live {
            url,
            retries,
            recorded,
        } => {
            let mut s = format!("live from {}", text(url));
            match retries {
                0 => {}
                1 => s.push_str(" after 1 retry"),
                n => {
                    let _ = write!(s, " after {n} retries");
                }
            }
            if let Some(path) = recorded {
                let _ = write!(s, ", recorded to {path}");
            }
            s
        }
    }
}

/// A privilege list as the spec would show it, each name escaped.
fn list(items: &[String]) -> String {
    let shown: Vec<_> = items.iter().map(|i| text(i)).collect();
    format!("[{}]", shown.join(", "))
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The text of a case whose comparison failed.
pub(crate) fn render_failure(
    case: &Case,
    evidence: &Evidence,
    outcome: &Outcome,
    style: &Style,
) -> String {
    let granted = &evidence.grant.privileges;
    let mut out = header(case, style);
    let _ = writeln!(out, "  source     {}", origin_line(&evidence.origin));
    // A probes-only token has no report of its own to show.
    if case.provider != crate::plan::Provider::Probes {
        let _ = writeln!(out, "  granted    {}", list(granted));
    }
    for note in &evidence.grant.notes {
        let _ = writeln!(out, "  note       {}", text(note));
    }
    // A name the catalogue lacks cannot be written in a rule until the
    // spec declares it: say so, rather than let it pass unnamed.
    let family = case.family();
    if family.checks_names() {
        for p in granted.iter().filter(|p| !family.knows(p, &case.extra)) {
            let _ = writeln!(
                out,
                "  note       `{}` is not a {} permspec knows; to name it in a rule, declare it \
                 under `extra_privileges:` at the top of the spec",
                text(p),
                family.what()
            );
        }
    }
    out.push('\n');
    if outcome.findings.contains(&Finding::Inactive) {
        out.push_str(&next::inactive(case, style));
        return out;
    }
    if outcome.findings.contains(&Finding::StillActive) {
        let _ = writeln!(
            out,
            "  active     the token still works, but the spec says `active: false`: it must stay revoked"
        );
    }
    for f in &outcome.findings {
        match f {
            Finding::ExpiredException {
                privilege,
                review_by,
                ticket,
            } => {
                let ticket = ticket
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    "  review     exception for {privilege} expired on {}{ticket}",
                    time::format_date(*review_by)
                );
            }
            Finding::Unproven { rule, why } => {
                let _ = writeln!(
                    out,
                    "  unproven   `{}` needs the whole grant, and the API listed only part of it: {}",
                    rule.key(),
                    text(why)
                );
            }
            Finding::LikelyTypo {
                rule,
                entry,
                held,
                edits,
            } => {
                let _ = writeln!(
                    out,
                    "  typo?      `{}` entry `{}` names nothing the token holds, but is {} from \
                     `{}`, which it holds: did you mean `{}`? (any name is accepted here, so a \
                     typo would check nothing; declare the API's names with `vocabulary:` to \
                     have them checked)",
                    rule.key(),
                    text(entry),
                    plural(*edits, "edit", "edits"),
                    text(held),
                    text(held)
                );
            }
            Finding::ExpiresLate { at, window } => {
                let window = time::format_duration(*window);
                let _ = match at {
                    None => writeln!(
                        out,
                        "  expires    the token never expires, but expires_within is {window}"
                    ),
                    Some(at) => writeln!(
                        out,
                        "  expires    the token expires {}, later than expires_within {window} from now",
                        &crate::time::format_utc(u64::try_from(*at).unwrap_or(0))[..10]
                    ),
                };
            }
            _ => {}
        }
    }

    // One line per rule that failed, in the order the spec format lists them.
    let by_rule = |rule: Rule| -> Vec<&Finding> {
        outcome
            .findings
            .iter()
            .filter(|f| match f {
                Finding::Missing { rule: r, .. } | Finding::Excess { rule: r, .. } => *r == rule,
                Finding::Forbidden { .. } => rule == Rule::Forbidden,
                Finding::Inactive
                | Finding::StillActive
                | Finding::ExpiredException { .. }
                | Finding::ExpiresLate { .. }
                | Finding::Unproven { .. }
                | Finding::LikelyTypo { .. }
                | Finding::Probe(_)
                | Finding::ProbeUnjudged { .. } => false,
            })
            .collect()
    };
    let expect = &case.expect;
    let exactly = by_rule(Rule::Exactly);
    if !exactly.is_empty() {
        let missing = exactly
            .iter()
            .filter(|f| matches!(f, Finding::Missing { .. }))
            .count();
        let excess = exactly.len() - missing;
        let _ = writeln!(
            out,
            "  exactly    the grant differs from {}: {} missing, {} in excess",
            list(expect.exactly.as_deref().unwrap_or_default()),
            missing,
            excess
        );
    }
    let at_least = by_rule(Rule::AtLeast);
    if !at_least.is_empty() {
        let _ = writeln!(
            out,
            "  at_least   {} not granted",
            plural(
                at_least.len(),
                "listed privilege is",
                "listed privileges are"
            )
        );
    }
    let at_most = by_rule(Rule::AtMost);
    if !at_most.is_empty() {
        let _ = writeln!(
            out,
            "  at_most    {} above the ceiling {}",
            plural(
                at_most.len(),
                "granted privilege is",
                "granted privileges are"
            ),
            list(expect.at_most.as_deref().unwrap_or_default())
        );
    }
    for f in by_rule(Rule::Forbidden) {
        if let Finding::Forbidden {
            granted,
            entry,
            witness,
        } = f
        {
            let surely = crate::privilege::surely_gives(family, granted, witness);
            let via = if !surely {
                format!(
                    " (it may give {}: the vendor's documentation suggests so without saying \
                     it, and a gate counts what may be)",
                    text(witness)
                )
            } else if witness == granted || witness == entry {
                String::new()
            } else {
                format!(" (it gives {})", text(witness))
            };
            let _ = writeln!(
                out,
                "  forbidden  `{}` overlaps forbidden `{}`{via}",
                text(granted),
                text(entry)
            );
        }
    }
    out.push('\n');

    // The privileges that differ, each once, with every rule it breaks.
    let mut missing: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let mut excess: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for f in &outcome.findings {
        match f {
            Finding::Missing { privilege, rule } => {
                missing
                    .entry(privilege)
                    .or_default()
                    .push(rule.key().to_owned());
            }
            Finding::Excess { privilege, rule } => {
                let why = match rule {
                    Rule::AtMost => "above at_most".to_owned(),
                    _ => "not in exactly".to_owned(),
                };
                excess.entry(privilege).or_default().push(why);
            }
            Finding::Forbidden { granted, entry, .. } => {
                // Through what the vendor documents it may lead to (a
                // Deployment's edit reaching secrets), not what it names.
                let through = !crate::privilege::surely_overlap(case.family(), granted, entry);
                excess.entry(granted).or_default().push(if through {
                    format!(
                        "forbidden `{}` (which the vendor documents it may lead to: \
                         docs/inclusions/)",
                        text(entry)
                    )
                } else {
                    format!("forbidden `{}`", text(entry))
                });
            }
            Finding::Inactive
            | Finding::StillActive
            | Finding::ExpiredException { .. }
            | Finding::ExpiresLate { .. }
            | Finding::Unproven { .. }
            | Finding::LikelyTypo { .. }
            | Finding::Probe(_)
            | Finding::ProbeUnjudged { .. } => {}
        }
    }
    out.push_str(&probe_section(&outcome.findings, style));
    if missing.is_empty() && excess.is_empty() {
        // No privilege differs: say what to do about what did fail.
        out.push_str(&next::without_diff(case, &outcome.findings, style));
        return out;
    }
    // Escaped for display only now: two names that escape alike (a line
    // break and the two characters `\n`) stay two rows.
    let missing: Vec<(String, Vec<String>)> = missing
        .into_iter()
        .map(|(p, r)| (text(p).into_owned(), r))
        .collect();
    let excess: Vec<(String, Vec<String>)> = excess
        .into_iter()
        .map(|(p, r)| (text(p).into_owned(), r))
        .collect();
    let width = missing
        .iter()
        .chain(&excess)
        .map(|(p, _)| p.chars().count())
        .max()
        .unwrap_or(0);
    let _ = writeln!(
        out,
        "  - expected by the spec, not granted    + granted, not allowed by the spec"
    );
    for (p, rules) in &missing {
        let line = format!("  - {p:<width$}  missing: {}", rules.join(", "));
        let _ = writeln!(out, "{}", style.paint(RED, &line));
    }
    for (p, rules) in &excess {
        let line = format!("  + {p:<width$}  excess: {}", rules.join(", "));
        let _ = writeln!(out, "{}", style.paint(GREEN, &line));
    }

    if !exactly.is_empty() {
        out.push('\n');
        out.push_str(&exactly_diff(expect, granted, style));
    }

    let forbidden_hits = by_rule(Rule::Forbidden).len();
    let _ = write!(
        out,
        "\n  {}: {} missing, {} in excess",
        plural(
            missing.len() + excess.len(),
            "privilege differs",
            "privileges differ"
        ),
        missing.len(),
        excess.len()
    );
    if forbidden_hits > 0 {
        let _ = write!(
            out,
            ", {}",
            plural(forbidden_hits, "forbidden overlap", "forbidden overlaps")
        );
    }
    out.push_str("\n\n");
    out.push_str(&next::after_mismatch(
        case,
        granted,
        forbidden_hits > 0,
        !excess.is_empty(),
        style,
    ));
    out
}

/// The probes that answered otherwise than expected, `-` for a request
/// the token should be allowed and was denied, `+` for one it should be
/// denied and was allowed (the least-privilege finding), `?` for one whose
/// answer proves nothing; each with the server's explanation.
fn probe_section(findings: &[Finding], style: &Style) -> String {
    let mut out = String::new();
    let mut rows: Vec<(char, String, String, Option<String>)> = Vec::new();
    for f in findings {
        match f {
            Finding::Probe(m) => {
                // A 2xx that refused in its body says so beside the status.
                let answered = match &m.refused {
                    Some(r) => format!("{} refusing `{}`", m.status, text(r)),
                    None => m.status.to_string(),
                };
                let (sign, what) = match m.permission {
                    Some(p) if m.expected == crate::provider::probe::Verdict::Allowed => (
                        '-',
                        format!(
                            "the token reports {p}, but the request was denied (HTTP {answered})"
                        ),
                    ),
                    Some(p) => (
                        '+',
                        format!(
                            "the token does not report {p}, but the request was allowed (HTTP {answered})"
                        ),
                    ),
                    None => (
                        if m.expected == crate::provider::probe::Verdict::Allowed {
                            '-'
                        } else {
                            '+'
                        },
                        format!(
                            "expected {}, answered {answered} ({})",
                            m.expected.word(),
                            m.seen().word()
                        ),
                    ),
                };
                let mut why = Vec::new();
                if let Some(needs) = &m.needs {
                    why.push(format!("needs {}", text(needs)));
                }
                if let Some(message) = &m.message {
                    why.push(format!("server says \"{}\"", text(message)));
                }
                let why = (!why.is_empty()).then(|| why.join("; "));
                rows.push((sign, text(&m.probe).into_owned(), what, why));
            }
            Finding::ProbeUnjudged { probe, why, .. } => {
                rows.push((
                    '?',
                    text(probe).into_owned(),
                    format!("cannot be judged: {}", text(why)),
                    None,
                ));
            }
            _ => {}
        }
    }
    if rows.is_empty() {
        return out;
    }
    let _ = writeln!(
        out,
        "  probes     {} answered otherwise than the spec expects",
        plural(rows.len(), "probe", "probes")
    );
    let _ = writeln!(
        out,
        "  - should be allowed, was denied    + should be denied, was allowed    ? proves nothing"
    );
    let width = rows.iter().map(|r| r.1.chars().count()).max().unwrap_or(0);
    for (sign, probe, what, why) in &rows {
        let line = format!("  {sign} {probe:<width$}  {what}");
        let line = match sign {
            '-' => style.paint(RED, &line),
            '+' => style.paint(GREEN, &line),
            _ => line,
        };
        let _ = writeln!(out, "{line}");
        if let Some(why) = why {
            let _ = writeln!(out, "      {why}");
        }
    }
    out.push('\n');
    out
}

/// A failed comparison in one line, for a JUnit failure's `message` (CI
/// dashboards show only that): each finding in a few words, at most
/// [`SUMMARY_CHARS`] characters, escaped.
pub(crate) fn summary(outcome: &Outcome) -> String {
    let parts: Vec<String> = outcome
        .findings
        .iter()
        .map(|f| match f {
            Finding::Missing { privilege, rule } => {
                format!("missing {} ({})", text(privilege), rule.key())
            }
            Finding::Excess { privilege, rule } => {
                format!("excess {} ({})", text(privilege), rule.key())
            }
            Finding::Forbidden { granted, entry, .. } => {
                format!("{} overlaps forbidden {}", text(granted), text(entry))
            }
            Finding::Inactive => "the token is not active".into(),
            Finding::StillActive => "still active, but expected revoked".into(),
            Finding::ExpiredException { privilege, .. } => {
                format!("the exception for {} expired", text(privilege))
            }
            Finding::ExpiresLate { .. } => "expires later than expires_within".into(),
            Finding::Unproven { rule, .. } => {
                format!("{} unproven (the API listed part of the grant)", rule.key())
            }
            Finding::LikelyTypo {
                rule, entry, held, ..
            } => format!(
                "{} entry {} is likely a typo of {}",
                rule.key(),
                text(entry),
                text(held)
            ),
            Finding::Probe(m) => format!(
                "probe {}: expected {}, answered {}",
                text(&m.probe),
                m.expected.word(),
                m.status
            ),
            Finding::ProbeUnjudged { probe, .. } => {
                format!("probe {} cannot be judged", text(probe))
            }
        })
        .collect();
    let line = parts.join("; ");
    if line.chars().count() <= SUMMARY_CHARS {
        return line;
    }
    let cut: String = line.chars().take(SUMMARY_CHARS).collect();
    format!("{cut}… ({} findings)", parts.len())
}

/// The longest [`summary`] before it is cut.
const SUMMARY_CHARS: usize = 300;

/// `exactly` as a line diff of the two sorted lists (similar), so the
/// unchanged privileges give context.
fn exactly_diff(expect: &Expectations, granted: &[String], style: &Style) -> String {
    let mut want = expect.exactly.clone().unwrap_or_default();
    want.sort();
    let old = want
        .iter()
        .map(|p| format!("{}\n", text(p)))
        .collect::<String>();
    let new = granted
        .iter()
        .map(|p| format!("{}\n", text(p)))
        .collect::<String>();
    let diff = similar::TextDiff::from_lines(&old, &new);
    let mut out = String::from("  exactly, line by line (- spec, + API):\n");
    for change in diff.iter_all_changes() {
        let text = change.value().trim_end();
        let line = match change.tag() {
            similar::ChangeTag::Equal => format!("      {text}"),
            similar::ChangeTag::Delete => style.paint(RED, &format!("    - {text}")),
            similar::ChangeTag::Insert => style.paint(GREEN, &format!("    + {text}")),
        };
        out.push_str(&line);
        out.push('\n');
    }
    out
}

/// The line printed before live and record runs: how much was asked.
#[cfg(feature = "live")]
pub(crate) fn fetch_summary(mode: Mode, s: &crate::fetch::Summary) -> String {
    let mut line = format!(
        "permspec {mode}: {} for {}, {}",
        plural(s.requests, "request", "requests"),
        plural(s.cases, "case", "cases"),
        plural(s.retries as usize, "retry", "retries")
    );
    if mode == Mode::Record {
        let _ = write!(
            line,
            ", {} written",
            plural(s.written, "fixture", "fixtures")
        );
        if s.confirmed > 0 {
            let _ = write!(line, ", {} unchanged (confirmed)", s.confirmed);
        }
        if s.pending > 0 {
            let _ = write!(line, ", {} pending review (permspec review)", s.pending);
        }
    }
    line
}

/// The text of a case that could not be compared at all.
pub(crate) fn render_error(case: &Case, error: &CaseError, style: &Style) -> String {
    let mut out = header(case, style);
    let _ = writeln!(out, "  error      {}", lines(&error.cause));
    match &error.fix {
        Fix::Record => {
            let needs: Vec<String> = case
                .credential
                .sources()
                .into_iter()
                .map(|s| match s {
                    SecretSource::Env(var) => format!("{var} set"),
                    SecretSource::File(path) => format!("{} readable", path.display()),
                })
                .collect();
            let needs = format!(" (needs {})", needs.join(" and "));
            let _ = writeln!(out, "\n  record it from the live API{needs}:");
            let _ = writeln!(
                out,
                "      {}",
                style.invocation.command(Mode::Record, &case.name)
            );
        }
        Fix::Hint(hint) => {
            let _ = writeln!(out, "\n  {}", lines(hint));
        }
        Fix::Rerun(hint) => {
            let _ = writeln!(
                out,
                "\n  {}; then run:\n      {}",
                lines(hint),
                style.invocation.command(style.mode, &case.name)
            );
        }
    }
    out
}
