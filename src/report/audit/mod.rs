//! `permspec audit`: one row per token, for a security review. Text for a
//! terminal, Markdown to paste into a review, JSON (schema
//! `permspec-audit/1`, documented in the README) for tools.

use crate::compare::{Clock, Finding, compare};
use crate::evidence::{CaseError, Evidence, Gathered, Origin};
use crate::mode::Mode;
use crate::plan::{Case, Entry, Expectations};
use crate::provider::Provider;
use crate::time;
use serde::Serialize;

mod cell;
mod fit;
mod html;
mod render;

pub(crate) use fit::fit;
pub(crate) use html::html;
pub(crate) use render::{markdown, text};

pub(crate) const SCHEMA: &str = "permspec-audit/1";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub(crate) enum Status {
    Pass,
    Fail,
    Error,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Audit {
    pub schema: &'static str,
    pub generated_at: String,
    pub mode: String,
    pub summary: Summary,
    pub tokens: Vec<Row>,
    /// Fixtures no spec token refers to (a renamed or removed token).
    pub unreferenced_fixtures: Vec<String>,
    /// Answers recorded for review beside the audited tokens' fixtures
    /// (`TOKEN.json.new`): the rows show the reviewed fixture, not these
    /// (added within schema 1).
    pub pending_answers: Vec<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Summary {
    pub tokens: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// Tokens with a high-severity grant, acknowledged or not.
    pub high_severity: usize,
    /// Tokens with a high-severity grant the spec does not acknowledge
    /// (added within schema 1).
    pub high_severity_open: usize,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Row {
    pub case: String,
    pub spec: Option<String>,
    pub token: Option<String>,
    pub provider: String,
    pub description: Option<String>,
    pub status: Status,
    pub granted: Vec<String>,
    pub expected: Expected,
    pub missing: Vec<String>,
    pub excess: Vec<String>,
    pub forbidden_hits: Vec<ForbiddenHit>,
    pub high_severity: Vec<HighSeverity>,
    pub active: Option<bool>,
    /// RFC 3339, or null when the token never expires or the API cannot tell.
    pub expires_at: Option<String>,
    /// "never", "date", or "unknown" (the provider cannot tell).
    pub expiry: &'static str,
    pub source: Source,
    pub exceptions: Vec<ExceptionRow>,
    /// Other rules that failed, in words (expired exception, expiry, ...).
    pub problems: Vec<String>,
    pub error: Option<String>,
    /// Each probe, expected and answered (added within schema 1: a
    /// reader of the first rows ignores it).
    pub probes: Vec<ProbeRow>,
}

/// One probe of a token, as the audit shows it.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct ProbeRow {
    /// `GET /path`, as the spec writes it.
    pub probe: String,
    /// `allowed` or `denied`; under `probes: auto`, what the reported
    /// permission implies.
    pub expected: Option<&'static str>,
    /// The permission an `auto` probe stands for.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub permission: Option<&'static str>,
    /// The answer's status, when one was recorded.
    pub status: Option<u16>,
    /// `allowed`, `denied`, or null when the status proves nothing.
    pub answered: Option<&'static str>,
    /// Whether the answer is what was expected.
    pub ok: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub(crate) struct Expected {
    pub exactly: Option<Vec<String>>,
    pub at_least: Option<Vec<String>>,
    pub at_most: Option<Vec<String>>,
    pub forbidden: Option<Vec<String>>,
    pub active: Option<bool>,
    pub expires_within: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct ForbiddenHit {
    pub granted: String,
    pub forbidden: String,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct HighSeverity {
    pub privilege: String,
    pub reason: &'static str,
    /// How the spec acknowledges it: `exactly` lists it, or a justified
    /// exception whose review date has not passed (with its ticket); null:
    /// open (added within schema 1).
    pub acknowledged: Option<String>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
pub(crate) enum Source {
    Fixture {
        path: String,
        recorded_at: String,
        /// When a later record run last found the same evidence.
        #[serde(skip_serializing_if = "Option::is_none")]
        confirmed_at: Option<String>,
        /// Days since the later of the two.
        age_days: Option<i64>,
    },
    Live {
        url: String,
    },
    None,
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct ExceptionRow {
    pub privilege: String,
    pub reason: String,
    pub ticket: Option<String>,
    pub review_by: String,
    pub expired: bool,
}

impl Audit {
    /// Scrubs every string of the audit with `scrubber` before any
    /// rendering escapes it: a secret holding `&`, `<`, `|` or `"` would no
    /// longer match once HTML-, Markdown- or JSON-escaped. The evidence is
    /// scrubbed when it is fetched; this is the second line. Every field is
    /// named (no `..`), so a new one cannot be left out.
    pub(crate) fn scrub(&mut self, scrubber: &crate::secret::Scrubber) {
        let one = |s: &mut String| *s = scrubber.scrub(s);
        let opt = |s: &mut Option<String>| s.iter_mut().for_each(one);
        let all = |v: &mut Vec<String>| v.iter_mut().for_each(one);
        let Audit {
            schema: _,
            generated_at,
            mode,
            summary: _,
            tokens,
            unreferenced_fixtures,
            pending_answers,
        } = self;
        one(generated_at);
        one(mode);
        all(unreferenced_fixtures);
        all(pending_answers);
        for row in tokens {
            let Row {
                case,
                spec,
                token,
                provider,
                description,
                status: _,
                granted,
                expected,
                missing,
                excess,
                forbidden_hits,
                high_severity,
                active: _,
                expires_at,
                expiry: _,
                source,
                exceptions,
                problems,
                error,
                probes,
            } = row;
            one(case);
            opt(spec);
            opt(token);
            one(provider);
            opt(description);
            all(granted);
            let Expected {
                exactly,
                at_least,
                at_most,
                forbidden,
                active: _,
                expires_within,
            } = expected;
            for list in [exactly, at_least, at_most, forbidden] {
                list.iter_mut().for_each(all);
            }
            opt(expires_within);
            all(missing);
            all(excess);
            for ForbiddenHit { granted, forbidden } in forbidden_hits {
                one(granted);
                one(forbidden);
            }
            for HighSeverity {
                privilege,
                reason: _,
                acknowledged,
            } in high_severity
            {
                one(privilege);
                opt(acknowledged);
            }
            opt(expires_at);
            match source {
                Source::Fixture {
                    path,
                    recorded_at,
                    confirmed_at,
                    age_days: _,
                } => {
                    one(path);
                    one(recorded_at);
                    opt(confirmed_at);
                }
                Source::Live { url } => one(url),
                Source::None => {}
            }
            for ExceptionRow {
                privilege,
                reason,
                ticket,
                review_by,
                expired: _,
            } in exceptions
            {
                one(privilege);
                one(reason);
                opt(ticket);
                one(review_by);
            }
            all(problems);
            opt(error);
            for ProbeRow {
                probe,
                expected: _,
                permission: _,
                status: _,
                answered: _,
                ok: _,
                needs,
                message,
            } in probes
            {
                one(probe);
                opt(needs);
                opt(message);
            }
        }
    }
}

/// Why a granted privilege is a high-severity finding on its own: full or
/// wildcard access, whatever the spec says.
pub(crate) fn high_severity(provider: Provider, privilege: &str) -> Option<&'static str> {
    match (provider, privilege) {
        // A catalog lists names, not a grant.
        (Provider::DocSpacePermissions | Provider::DocSpaceScopes, _) => None,
        (_, "*") => Some("full access"),
        (Provider::DocSpace, "*:write") => Some("write access to everything"),
        (Provider::DocSpace, "*:read") => Some("read access to everything"),
        (_, "role:owner") => Some("portal owner"),
        (Provider::Coveo, p)
            if !p.contains('@') && (p.ends_with(":EDIT") || p.ends_with(":CREATE")) =>
        {
            Some("write on every resource")
        }
        (Provider::GitHub, "delete_repo") => Some("may delete repositories"),
        (Provider::GitHub, "repo") => Some(
            "full control of every private repository the account can reach, and of some \
             organization resources",
        ),
        (Provider::GitHub, "site_admin") => Some("administers the GitHub Enterprise Server"),
        (Provider::GitHub, p) if p.starts_with("admin:") => Some("administers a GitHub resource"),
        (Provider::GitLab, "api") => Some("full read and write access to the API"),
        (Provider::GitLab, "sudo") => Some("may act as any user"),
        (Provider::GitLab, "admin_mode") => Some("administrator actions"),
        (Provider::Slack, "admin") => Some("workspace administration"),
        (Provider::Slack, p) if p.starts_with("admin.") && p.ends_with(":write") => {
            Some("writes organization-wide settings")
        }
        (Provider::Google, "https://www.googleapis.com/auth/cloud-platform") => {
            Some("every Google Cloud API the account can reach")
        }
        (Provider::Google, "https://mail.google.com/") => Some("full access to the mailbox"),
        (Provider::Google, "https://www.googleapis.com/auth/drive") => {
            Some("every file in Google Drive")
        }
        (Provider::Google, p) if p.starts_with("https://www.googleapis.com/auth/admin.") => {
            Some("Google Workspace administration")
        }
        (Provider::Vault, "policy:root") => Some("Vault's root policy: may do anything"),
        (Provider::Vault, p) if p.ends_with(":sudo") => {
            Some("sudo: root-protected paths (mounts, policies, audit devices)")
        }
        (Provider::Vault, p) if p.ends_with(":root") => Some("every capability on the path"),
        (Provider::Kubernetes, p) => kubernetes_severity(p),
        (_, p) if p.contains('*') => Some("wildcard grant"),
        _ => None,
    }
}

/// Kubernetes' dangerous grants: the verbs RBAC documents as privilege
/// escalation (Kubernetes docs, "RBAC good practices": `escalate`, `bind`,
/// `impersonate`), reading secrets, exec into pods, and wildcards.
fn kubernetes_severity(p: &str) -> Option<&'static str> {
    let (target, verb) = p.rsplit_once(':')?;
    let resource = target.split_once('/').map_or(target, |(_, r)| r);
    match verb {
        "escalate" => Some("may grant permissions it does not hold (escalate)"),
        "bind" => Some("may bind roles it does not hold (bind)"),
        "impersonate" => Some("may act as another user, group or service account"),
        _ if resource.starts_with("secrets") && !target.starts_with('/') => {
            Some("reads or changes secrets")
        }
        _ if resource.starts_with("pods/exec") || resource.starts_with("pods/attach") => {
            Some("runs commands inside pods")
        }
        _ if p.contains('*') => Some("wildcard grant"),
        _ => None,
    }
}

pub(crate) fn build(
    mode: Mode,
    entries: Vec<Gathered>,
    orphans: &[std::path::PathBuf],
    pending: &[String],
    clock: Clock,
) -> Audit {
    let tokens: Vec<Row> = entries
        .into_iter()
        .map(|(entry, evidence)| row(entry, evidence, clock))
        .collect();
    let count = |s: Status| tokens.iter().filter(|r| r.status == s).count();
    let summary = Summary {
        tokens: tokens.len(),
        pass: count(Status::Pass),
        fail: count(Status::Fail),
        error: count(Status::Error),
        high_severity: tokens
            .iter()
            .filter(|r| !r.high_severity.is_empty())
            .count(),
        high_severity_open: tokens
            .iter()
            .filter(|r| r.high_severity.iter().any(|h| h.acknowledged.is_none()))
            .count(),
    };
    Audit {
        schema: SCHEMA,
        generated_at: crate::time::format_utc(u64::try_from(clock.now).unwrap_or(0)),
        mode: mode.to_string(),
        summary,
        tokens,
        unreferenced_fixtures: orphans
            .iter()
            .map(|o| crate::plan::display_path(o))
            .collect(),
        pending_answers: pending.to_vec(),
    }
}

fn expected(e: &Expectations) -> Expected {
    Expected {
        exactly: e.exactly.clone(),
        at_least: e.at_least.clone(),
        at_most: e.at_most.clone(),
        forbidden: e.forbidden.clone(),
        active: e.active,
        expires_within: e.expires_within.map(time::format_duration),
    }
}

impl Row {
    /// A row with nothing known yet but its name and provider.
    fn new(case: String, provider: String) -> Row {
        Row {
            case,
            spec: None,
            token: None,
            provider,
            description: None,
            status: Status::Pass,
            granted: Vec::new(),
            expected: Expected::default(),
            missing: Vec::new(),
            excess: Vec::new(),
            forbidden_hits: Vec::new(),
            high_severity: Vec::new(),
            active: None,
            expires_at: None,
            expiry: "unknown",
            source: Source::None,
            exceptions: Vec::new(),
            problems: Vec::new(),
            error: None,
            probes: Vec::new(),
        }
    }
}

fn row(entry: Entry, evidence: Option<Result<Evidence, CaseError>>, clock: Clock) -> Row {
    let case = match entry {
        Entry::Broken(b) => {
            let mut row = Row::new(b.name, b.kind);
            row.status = Status::Error;
            row.error = Some(
                b.error
                    .lines()
                    .next()
                    .unwrap_or("")
                    .trim_start_matches("error: ")
                    .to_owned(),
            );
            return row;
        }
        Entry::Case(case) => case,
    };
    let mut row = base_row(&case, clock);
    let evidence = match evidence {
        Some(Ok(e)) => e,
        Some(Err(e)) => {
            row.status = Status::Error;
            row.error = Some(e.cause);
            return row;
        }
        None => {
            row.status = Status::Error;
            row.error = Some("not evaluated".into());
            return row;
        }
    };
    row.source = match &evidence.origin {
        Origin::Replayed {
            fixture,
            recorded_at,
            confirmed_at,
            ..
        } => Source::Fixture {
            path: fixture.clone(),
            recorded_at: recorded_at.clone(),
            confirmed_at: confirmed_at.clone(),
            age_days: time::parse_timestamp(recorded_at)
                .max(confirmed_at.as_deref().and_then(time::parse_timestamp))
                .map(|t| (clock.now - t).div_euclid(86_400)),
        },
        Origin::Live { url, .. } => Source::Live { url: url.clone() },
    };
    let grant = &evidence.grant;
    row.granted = grant.privileges.clone();
    row.active = grant.active;
    if case.provider.reports_expiry() {
        row.expiry = if grant.expires_at.is_some() {
            "date"
        } else {
            "never"
        };
        row.expires_at = grant
            .expires_at
            .map(|t| crate::time::format_utc(u64::try_from(t).unwrap_or(0)));
    }
    row.high_severity = grant
        .privileges
        .iter()
        .filter_map(|p| {
            high_severity(case.provider, p).map(|reason| HighSeverity {
                privilege: p.clone(),
                reason,
                acknowledged: acknowledged(&case.expect, p, clock),
            })
        })
        .collect();
    let outcome = compare(case.family(), &case.expect, grant, clock);
    for f in &outcome.findings {
        match f {
            Finding::Missing { privilege, .. } => push_once(&mut row.missing, privilege),
            Finding::Excess { privilege, .. } => push_once(&mut row.excess, privilege),
            Finding::Forbidden { granted, entry, .. } => row.forbidden_hits.push(ForbiddenHit {
                granted: granted.clone(),
                forbidden: entry.clone(),
            }),
            Finding::Inactive => row
                .problems
                .push("the token is not active: expired, revoked or unknown".into()),
            Finding::StillActive => row
                .problems
                .push("still active, but expected revoked".into()),
            Finding::ExpiredException {
                privilege,
                review_by,
                ticket,
            } => row.problems.push(format!(
                "exception for {privilege} expired on {}{}",
                time::format_date(*review_by),
                ticket
                    .as_ref()
                    .map(|t| format!(" ({t})"))
                    .unwrap_or_default()
            )),
            Finding::Unproven { rule, why } => row.problems.push(format!(
                "`{}` unproven: the API listed only part of the grant ({why})",
                rule.key()
            )),
            Finding::LikelyTypo {
                rule, entry, held, ..
            } => row.problems.push(format!(
                "`{}` entry {entry} is likely a typo of {held}, which the token holds",
                rule.key()
            )),
            Finding::ExpiresLate { at: None, window } => row.problems.push(format!(
                "never expires (expires_within {})",
                time::format_duration(*window)
            )),
            Finding::ExpiresLate {
                at: Some(_),
                window,
            } => row.problems.push(format!(
                "expires later than expires_within {}",
                time::format_duration(*window)
            )),
            // Shown in `probes`, from the same findings.
            Finding::Probe(_) => {}
            Finding::ProbeUnjudged { probe, why, .. } => {
                row.problems
                    .push(format!("probe {probe} cannot be judged: {why}"));
            }
        }
    }
    row.probes = probe_rows(&case, grant, &outcome.findings);
    row.status = if outcome.passed() {
        Status::Pass
    } else {
        Status::Fail
    };
    row
}

/// Every probe with its answer; `ok` is false exactly where `compare`
/// found it wrong or unjudgeable.
fn probe_rows(case: &Case, grant: &crate::provider::Grant, findings: &[Finding]) -> Vec<ProbeRow> {
    use crate::plan::ProbeExpect;
    use crate::provider::probe::{Judging, Verdict, judge};
    case.expect
        .probes
        .iter()
        .enumerate()
        .map(|(i, probe)| {
            let shown = probe.shown();
            let seen = grant.probes.get(i);
            let answered = seen
                .and_then(|s| judge(s, &Judging::of(&case.expect, probe, s)).ok())
                .map(Verdict::word);
            let mismatch = findings.iter().find_map(|f| match f {
                Finding::Probe(m) if m.probe == shown => Some(m),
                _ => None,
            });
            let unjudged = findings
                .iter()
                .any(|f| matches!(f, Finding::ProbeUnjudged { probe: p, .. } if *p == shown));
            let (expected, permission) = match probe.expect {
                ProbeExpect::Allowed => (Some("allowed"), None),
                ProbeExpect::Denied => (Some("denied"), None),
                ProbeExpect::Reported(p) => (
                    match (mismatch, answered) {
                        (Some(m), _) => Some(m.expected.word()),
                        (None, a) => a,
                    },
                    Some(p),
                ),
            };
            ProbeRow {
                probe: shown,
                expected,
                permission,
                status: seen.map(|s| s.status),
                answered,
                ok: mismatch.is_none() && !unjudged && answered.is_some(),
                needs: seen.and_then(|s| s.needs.clone()),
                message: seen.and_then(|s| s.message.clone()),
            }
        })
        .collect()
}

/// How the spec acknowledges a granted privilege: a justified exception
/// for it that is still within its review date, or `exactly` listing it
/// as it is granted. A ceiling (`at_most`) allows; it does not acknowledge.
pub(crate) fn acknowledged(expect: &Expectations, privilege: &str, clock: Clock) -> Option<String> {
    if let Some(e) = expect
        .exceptions
        .iter()
        .find(|e| e.privilege == privilege && clock.today <= e.review_by)
    {
        let ticket = e
            .ticket
            .as_ref()
            .map(|t| format!(" {t},"))
            .unwrap_or_default();
        return Some(format!(
            "exception{ticket} review by {}",
            time::format_date(e.review_by)
        ));
    }
    expect
        .exactly
        .as_ref()
        .is_some_and(|l| l.iter().any(|p| p == privilege))
        .then(|| "listed in exactly".to_owned())
}

fn push_once(list: &mut Vec<String>, item: &str) {
    if !list.iter().any(|i| i == item) {
        list.push(item.to_owned());
    }
}

fn base_row(case: &Case, clock: Clock) -> Row {
    let mut row = Row::new(case.name.clone(), case.provider.name().to_owned());
    row.spec = Some(case.spec.display.clone());
    row.token = Some(case.token.clone());
    row.description = case.description.clone();
    row.expected = expected(&case.expect);
    row.exceptions = case
        .expect
        .exceptions
        .iter()
        .map(|e| ExceptionRow {
            privilege: e.privilege.clone(),
            reason: e.reason.clone(),
            ticket: e.ticket.clone(),
            review_by: time::format_date(e.review_by),
            expired: clock.today > e.review_by,
        })
        .collect();
    row
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secret whose characters every rendering escapes, in every string
    /// of the audit: after `scrub`, no rendering shows it, escaped or not.
    /// Without it, the HTML page would show `a&amp;b&lt;c&quot;d|e` and the
    /// last pass over the output (which looks for `a&b<c"d|e`) would miss it.
    #[test]
    fn scrub_reaches_every_string_before_escaping() {
        let secret = "sk-canary&b<c\"d|e'f";
        let strings: Vec<String> = (0..12).map(|i| format!("v{i} {secret} end")).collect();
        let scrubber = crate::secret::Scrubber::new([&crate::secret::Secret::new(secret)]);
        let escaped = [
            crate::escape::xml(secret),
            crate::escape::md_text(secret),
            serde_json::to_string(secret).unwrap(),
        ];
        let unscrubbed = crate::fuzzing::audit_of(&strings);
        assert!(
            html(&unscrubbed).contains(&escaped[0]),
            "the check would see it"
        );
        let mut audit = unscrubbed;
        audit.scrub(&scrubber);
        let json = serde_json::to_string(&audit).unwrap();
        for out in [html(&audit), markdown(&audit), text(&audit, None), json] {
            assert!(!out.contains("sk-canary"), "{out}");
            for e in &escaped {
                assert!(!out.contains(e.as_str()));
            }
        }
        // Each string kept its own words around the secret.
        assert!(audit.tokens[0].case.starts_with("v0 ") && audit.tokens[0].case.ends_with(" end"));
    }

    #[test]
    fn high_severity_grants() {
        assert_eq!(high_severity(Provider::DocSpace, "*"), Some("full access"));
        assert_eq!(
            high_severity(Provider::DocSpace, "*:write"),
            Some("write access to everything")
        );
        assert_eq!(
            high_severity(Provider::DocSpace, "*:read"),
            Some("read access to everything")
        );
        assert_eq!(high_severity(Provider::DocSpace, "files:write"), None);
        assert_eq!(
            high_severity(Provider::DocSpacePermissions, "*"),
            None,
            "a catalog is not a grant"
        );
        assert_eq!(
            high_severity(Provider::Http, "admin:*"),
            Some("wildcard grant")
        );
        assert_eq!(
            high_severity(Provider::DocSpaceAccount, "role:owner"),
            Some("portal owner")
        );
        assert_eq!(
            high_severity(Provider::Coveo, "PLATFORM:SOURCE:EDIT"),
            Some("write on every resource")
        );
        assert_eq!(
            high_severity(Provider::Coveo, "PLATFORM:SOURCE:EDIT@src-1"),
            None
        );
        assert_eq!(
            high_severity(Provider::Coveo, "SEARCH_API:EXECUTE_QUERY"),
            None
        );
        for (provider, p) in [
            (Provider::GitHub, "admin:org"),
            (Provider::GitHub, "delete_repo"),
            (Provider::GitHub, "repo"),
            (Provider::GitLab, "api"),
            (Provider::GitLab, "sudo"),
            (Provider::GitLab, "admin_mode"),
            (Provider::Slack, "admin"),
            (
                Provider::Google,
                "https://www.googleapis.com/auth/cloud-platform",
            ),
        ] {
            assert!(high_severity(provider, p).is_some(), "{p}");
        }
        for (provider, p) in [
            (Provider::GitHub, "read:org"),
            (Provider::GitLab, "read_api"),
            (Provider::Slack, "chat:write"),
            (Provider::Google, "openid"),
        ] {
            assert!(high_severity(provider, p).is_none(), "{p}");
        }
        assert_eq!(high_severity(Provider::Http, "repo"), None);
    }
}
