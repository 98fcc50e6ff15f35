//! SARIF 2.1.0 for code scanning: one result per finding, each pointing at
//! the spec entry that decides it (the `forbidden` entry, the `at_most`
//! key, the probe, the token for missing evidence).
//!
//! The rule ids are stable (README, "SARIF"); `partialFingerprints` hash
//! the rule, the case and the finding's subject, never a line, so a
//! finding keeps its identity when the spec is edited around it.

use crate::compare::{Finding, Outcome, Rule};
use crate::plan::{Broken, Case};
use crate::provider::Grant;
use crate::provider::probe::Verdict;
use crate::spec::Pos;
use serde_json::{Value, json};

/// The kinds of result, each a SARIF rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
    Forbidden,
    HighSeverity,
    Excess,
    ProbeAllowed,
    StillActive,
    Unproven,
    LikelyTypo,
    ProbeUnjudged,
    Missing,
    ProbeDenied,
    Inactive,
    ExpiredException,
    Expiry,
    SpecError,
    EvidenceError,
}

impl Kind {
    pub(crate) const ALL: [Kind; 15] = [
        Kind::Forbidden,
        Kind::HighSeverity,
        Kind::Excess,
        Kind::ProbeAllowed,
        Kind::StillActive,
        Kind::Unproven,
        Kind::LikelyTypo,
        Kind::ProbeUnjudged,
        Kind::Missing,
        Kind::ProbeDenied,
        Kind::Inactive,
        Kind::ExpiredException,
        Kind::Expiry,
        Kind::SpecError,
        Kind::EvidenceError,
    ];

    /// id, short description, help (the fix), level, security-severity.
    fn meta(
        self,
    ) -> (
        &'static str,
        &'static str,
        &'static str,
        &'static str,
        &'static str,
    ) {
        match self {
            Kind::Forbidden => (
                "permspec/forbidden",
                "The token holds a privilege the spec forbids",
                "Remove the privilege from the credential (or issue a narrower one), then record the fixture again. Change the `forbidden` entry only if the policy itself changed.",
                "error",
                "9.0",
            ),
            Kind::HighSeverity => (
                "permspec/high-severity",
                "The token holds a high-severity grant the spec does not acknowledge",
                "Narrow the credential. If the grant is intended, acknowledge it: list it in `exactly`, or as a justified exception (`{ privilege, reason, ticket, review_by }`).",
                "error",
                "8.5",
            ),
            Kind::Excess => (
                "permspec/excess",
                "The token holds more than `at_most` or `exactly` allows",
                "Remove the extra privilege from the credential (least privilege), or widen the rule if the token needs it, with a justified exception.",
                "error",
                "7.5",
            ),
            Kind::ProbeAllowed => (
                "permspec/probe-allowed",
                "A request the token must be denied was allowed",
                "Remove the permission the request needs from the token; if the server does not enforce what the token reports, report it to the API's owner.",
                "error",
                "8.0",
            ),
            Kind::StillActive => (
                "permspec/still-active",
                "A token the spec says is revoked still works",
                "Revoke the token at the API, then check again.",
                "error",
                "8.0",
            ),
            Kind::Unproven => (
                "permspec/unproven",
                "The API listed only part of the grant, so a ceiling cannot be proven",
                "Fix what stops the API from listing every rule (an authorizer's error), or keep only `at_least` for this token.",
                "error",
                "6.0",
            ),
            Kind::LikelyTypo => (
                "permspec/likely-typo",
                "A `forbidden` or `at_most` entry is likely a typo of a name the token holds",
                "Fix the entry; if both names are right, list the API's names under `vocabulary:` so entries are checked against them.",
                "error",
                "7.0",
            ),
            Kind::ProbeUnjudged => (
                "permspec/probe-unjudged",
                "A probe's answer proves nothing",
                "Fix the probe's path or `denied_statuses`, or try again when the server answers.",
                "error",
                "5.0",
            ),
            Kind::Missing => (
                "permspec/missing",
                "The token lacks a privilege the spec requires",
                "Grant the privilege to the credential, or remove it from the rule if the token no longer needs it.",
                "warning",
                "3.0",
            ),
            Kind::ProbeDenied => (
                "permspec/probe-denied",
                "A request the token must be allowed was denied",
                "Grant the permission the request needs (the server's explanation names it), or change the probe's `expect`.",
                "warning",
                "3.0",
            ),
            Kind::Inactive => (
                "permspec/inactive",
                "The token is not active: expired, revoked or unknown",
                "Issue a new token and store it where the credential says, or write `active: false` if it was revoked on purpose.",
                "warning",
                "4.0",
            ),
            Kind::ExpiredException => (
                "permspec/expired-exception",
                "A justified exception is past its review date",
                "Drop the privilege from the credential and the spec, or renew the justification with a later `review_by`.",
                "warning",
                "5.0",
            ),
            Kind::Expiry => (
                "permspec/expiry",
                "The token expires later than `expires_within` allows",
                "Issue a credential that expires sooner, or change `expires_within` if the policy changed.",
                "warning",
                "4.0",
            ),
            Kind::SpecError => (
                "permspec/spec-error",
                "The spec cannot be checked as written",
                "Fix the spec as the message says: a broken rule checks nothing.",
                "error",
                "5.0",
            ),
            Kind::EvidenceError => (
                "permspec/evidence-error",
                "There is no evidence to judge the token by",
                "Record the fixture from the live API, or fix what the message names (a variable, the address, the API's answer).",
                "error",
                "5.0",
            ),
        }
    }
}

/// One result: its kind, the message, what it is about (for the
/// fingerprint), and where in the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Located {
    pub kind: Kind,
    pub message: String,
    pub subject: String,
    pub at: Pos,
    /// How many characters the region spans on its line.
    pub width: u32,
}

fn width(s: &str) -> u32 {
    u32::try_from(s.chars().count()).unwrap_or(1).max(1)
}

/// The results of a compared case: each finding, at the entry that
/// decides it, and each high-severity grant the spec does not
/// acknowledge (`acknowledged`).
pub(crate) fn locate(
    case: &Case,
    grant: &Grant,
    outcome: &Outcome,
    acknowledged: impl Fn(&str) -> bool,
) -> Vec<Located> {
    let places = &case.places;
    let token = &case.token;
    let text = |s: &str| crate::escape::text(s).into_owned();
    let mut out = Vec::new();
    for f in &outcome.findings {
        let (kind, message, subject, at, w) = match f {
            Finding::Missing { privilege, rule } => (
                Kind::Missing,
                format!(
                    "token `{token}` lacks {}, which `{}` requires",
                    text(privilege),
                    rule.key()
                ),
                privilege.clone(),
                places.entry(&case.expect, rule.key(), privilege),
                width(privilege),
            ),
            Finding::Excess { privilege, rule } => (
                Kind::Excess,
                format!(
                    "token `{token}` holds {}, beyond `{}`",
                    text(privilege),
                    rule.key()
                ),
                privilege.clone(),
                places.rule(rule.key()),
                width(rule.key()),
            ),
            Finding::Forbidden { granted, entry, .. } => (
                Kind::Forbidden,
                format!(
                    "token `{token}` holds {}, which overlaps forbidden {}",
                    text(granted),
                    text(entry)
                ),
                format!("{granted} {entry}"),
                places.entry(&case.expect, Rule::Forbidden.key(), entry),
                width(entry),
            ),
            Finding::LikelyTypo {
                rule, entry, held, ..
            } => (
                Kind::LikelyTypo,
                format!(
                    "`{}` entry {} of token `{token}` names nothing it holds, but is close to \
                     {}, which it holds: a likely typo",
                    rule.key(),
                    text(entry),
                    text(held)
                ),
                entry.clone(),
                places.entry(&case.expect, rule.key(), entry),
                width(entry),
            ),
            Finding::Inactive => (
                Kind::Inactive,
                format!("token `{token}` is not active: expired, revoked or unknown"),
                String::new(),
                places.token,
                width(token),
            ),
            Finding::StillActive => (
                Kind::StillActive,
                format!("token `{token}` still works, but the spec says `active: false`"),
                String::new(),
                places.rule("active"),
                width("active"),
            ),
            Finding::ExpiredException {
                privilege,
                review_by,
                ticket,
            } => (
                Kind::ExpiredException,
                format!(
                    "the exception for {} expired on {}{}",
                    text(privilege),
                    crate::time::format_date(*review_by),
                    ticket
                        .as_ref()
                        .map(|t| format!(" ({})", text(t)))
                        .unwrap_or_default()
                ),
                privilege.clone(),
                // The exception is an entry of `exactly` or `at_most`.
                ["exactly", "at_most"]
                    .into_iter()
                    .map(|rule| places.entry(&case.expect, rule, privilege))
                    .find(|p| {
                        *p != places.token
                            && *p != places.rule("exactly")
                            && *p != places.rule("at_most")
                    })
                    .unwrap_or(places.token),
                width(privilege),
            ),
            Finding::ExpiresLate { .. } => (
                Kind::Expiry,
                format!("token `{token}` expires later than `expires_within` allows"),
                String::new(),
                places.rule("expires_within"),
                width("expires_within"),
            ),
            Finding::Unproven { rule, why } => (
                Kind::Unproven,
                format!(
                    "`{}` cannot be proven for token `{token}`: {}",
                    rule.key(),
                    text(why)
                ),
                rule.key().to_owned(),
                places.rule(rule.key()),
                width(rule.key()),
            ),
            Finding::Probe(m) => {
                let i = case.expect.probes.iter().position(|p| p.shown() == m.probe);
                let at = i
                    .and_then(|i| places.probes.get(i).copied())
                    .unwrap_or(places.token);
                let (kind, what) = match m.expected {
                    Verdict::Denied => (Kind::ProbeAllowed, "allowed"),
                    Verdict::Allowed => (Kind::ProbeDenied, "denied"),
                };
                let why = m
                    .needs
                    .as_ref()
                    .map(|n| format!(" (the API says it needs {})", text(n)))
                    .unwrap_or_default();
                let auto = m
                    .permission
                    .map(|p| format!(" (probes: auto, for {p})"))
                    .unwrap_or_default();
                (
                    kind,
                    format!(
                        "token `{token}`: {} was {what} (HTTP {}), but must be {}{auto}{why}",
                        text(&m.probe),
                        m.status,
                        m.expected.word()
                    ),
                    m.probe.clone(),
                    at,
                    width(&m.probe),
                )
            }
            Finding::ProbeUnjudged { probe, why, .. } => {
                let i = case.expect.probes.iter().position(|p| p.shown() == *probe);
                let at = i
                    .and_then(|i| places.probes.get(i).copied())
                    .unwrap_or(places.token);
                (
                    Kind::ProbeUnjudged,
                    format!(
                        "token `{token}`: {} proves nothing: {}",
                        text(probe),
                        text(why)
                    ),
                    probe.clone(),
                    at,
                    width(probe),
                )
            }
        };
        out.push(Located {
            kind,
            message,
            subject,
            at,
            width: w,
        });
    }
    for p in &grant.privileges {
        if let Some(reason) = crate::report::audit::high_severity(case.provider, p)
            && !acknowledged(p)
        {
            out.push(Located {
                kind: Kind::HighSeverity,
                message: format!(
                    "token `{token}` holds {} ({reason}), and the spec does not acknowledge it",
                    text(p)
                ),
                subject: p.clone(),
                at: places.token,
                width: width(token),
            });
        }
    }
    out
}

/// The result of a case without evidence.
pub(crate) fn evidence_error(case: &Case, cause: &str) -> Located {
    let first = cause.lines().next().unwrap_or_default();
    Located {
        kind: Kind::EvidenceError,
        message: format!("token `{}`: {}", case.token, crate::escape::text(first)),
        subject: String::new(),
        at: case.places.token,
        width: width(&case.token),
    }
}

/// The result of a spec that cannot be planned.
pub(crate) fn spec_error(b: &Broken) -> Located {
    // The rendered error's first line says what is wrong.
    let first = b.error.lines().next().unwrap_or_default();
    let first = first.strip_prefix("error: ").unwrap_or(first);
    Located {
        kind: Kind::SpecError,
        message: format!("{}: {}", b.name, crate::escape::text(first)),
        subject: String::new(),
        at: b.at.unwrap_or(Pos { line: 1, column: 1 }),
        width: 1,
    }
}

/// A stable, short hash (FNV-1a, 64 bits) for fingerprints.
fn fingerprint(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0]) {
            h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// One case's results, where its spec is (`uri`, repository-relative).
pub(crate) struct CaseResults {
    pub case: String,
    pub uri: Option<String>,
    pub results: Vec<Located>,
}

/// The SARIF log of a run.
pub(crate) fn render(cases: &[CaseResults], version: &str) -> String {
    let rules: Vec<Value> = Kind::ALL
        .iter()
        .map(|k| {
            let (id, short, help, level, severity) = k.meta();
            json!({
                "id": id,
                "name": id.trim_start_matches("permspec/"),
                "shortDescription": {"text": short},
                "fullDescription": {"text": format!("{short}. {help}")},
                "help": {"text": help, "markdown": help},
                "defaultConfiguration": {"level": level},
                "properties": {
                    "security-severity": severity,
                    "tags": ["security", "least-privilege"],
                    "precision": "high",
                    "problem.severity": if level == "error" { "error" } else { "warning" }
                }
            })
        })
        .collect();
    let mut results = Vec::new();
    for c in cases {
        for r in &c.results {
            let (id, _, _, level, _) = r.kind.meta();
            let index = Kind::ALL.iter().position(|k| *k == r.kind).unwrap_or(0);
            let line = r.at.line.max(1);
            let column = r.at.column.max(1);
            let mut result = json!({
                "ruleId": id,
                "ruleIndex": index,
                "level": level,
                "message": {"text": r.message},
                "partialFingerprints": {
                    "permspecFinding/v1": fingerprint(&[id, &c.case, &r.subject])
                },
                "properties": {"case": c.case}
            });
            if let Some(uri) = &c.uri {
                result["locations"] = json!([{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {
                            "startLine": line,
                            "startColumn": column,
                            "endLine": line,
                            "endColumn": column + r.width,
                        }
                    }
                }]);
            }
            results.push(result);
        }
    }
    let log = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "permspec",
                "informationUri": "https://github.com/permspec/permspec",
                "version": version,
                "semanticVersion": version,
                "rules": rules
            }},
            "automationDetails": {"id": "permspec/"},
            "columnKind": "unicodeCodePoints",
            "results": results
        }]
    });
    serde_json::to_string_pretty(&log).unwrap_or_default() + "\n"
}

/// The path of `display` (relative to the working directory) from the
/// repository's root, when git says where the working directory is in it;
/// `/`-separated, and never absolute (GitHub needs repository paths).
pub(crate) fn repository_uri(display: &str, prefix: Option<&str>) -> Option<String> {
    let path = display.replace('\\', "/");
    if path.starts_with('/') || path.contains("../") {
        return None;
    }
    let path = path.trim_start_matches("./");
    Some(match prefix {
        Some(p) if !p.is_empty() => format!("{}/{path}", p.trim_end_matches('/')),
        _ => path.to_owned(),
    })
}

/// Where the working directory is inside its git repository (`git
/// rev-parse --show-prefix`), if it is in one.
pub(crate) fn git_prefix() -> Option<String> {
    let out = std::process::Command::new("git")
        .args(["rev-parse", "--show-prefix"])
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        assert_eq!(fingerprint(&["a", "b"]), fingerprint(&["a", "b"]));
        assert_ne!(fingerprint(&["a", "b"]), fingerprint(&["ab", ""]));
        assert_eq!(fingerprint(&[]).len(), 16);
    }

    #[test]
    fn uris_are_repository_relative_or_absent() {
        assert_eq!(
            repository_uri("specs/a.yaml", Some("sub/")).as_deref(),
            Some("sub/specs/a.yaml")
        );
        assert_eq!(
            repository_uri("./specs/a.yaml", None).as_deref(),
            Some("specs/a.yaml")
        );
        assert_eq!(repository_uri("/tmp/specs/a.yaml", None), None);
        assert_eq!(repository_uri("../x/a.yaml", Some("")), None);
    }

    #[test]
    fn every_rule_has_an_id_a_level_and_a_severity() {
        let log: Value = serde_json::from_str(&render(&[], "0.1.0")).unwrap();
        let rules = log["runs"][0]["tool"]["driver"]["rules"]
            .as_array()
            .unwrap();
        assert_eq!(rules.len(), Kind::ALL.len());
        for r in rules {
            let severity: f64 = r["properties"]["security-severity"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert!((0.1..=10.0).contains(&severity));
            assert!(r["id"].as_str().unwrap().starts_with("permspec/"));
        }
    }
}
