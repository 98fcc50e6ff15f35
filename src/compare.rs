//! Stage 4: expectations against what the API granted.
//!
//! Architecture invariant: pure. No I/O, no clock, no environment; the same
//! inputs give the same findings in the same order.

use crate::plan::Expectations;
use crate::plan::ProbeExpect;
use crate::privilege::covers;
use crate::privilege::index::covering;
use crate::privilege::{Family, Index};
use crate::provider::Grant;
use crate::provider::probe::{Judging, Verdict, judge};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Rule {
    Exactly,
    AtLeast,
    AtMost,
    Forbidden,
}

impl Rule {
    pub(crate) fn key(self) -> &'static str {
        match self {
            Rule::Exactly => "exactly",
            Rule::AtLeast => "at_least",
            Rule::AtMost => "at_most",
            Rule::Forbidden => "forbidden",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Finding {
    /// Expected by `rule`, not granted.
    Missing { privilege: String, rule: Rule },
    /// Granted beyond what `rule` allows: the least-privilege finding.
    Excess { privilege: String, rule: Rule },
    /// Granted, and a `forbidden` entry names something it gives.
    Forbidden {
        granted: String,
        entry: String,
        witness: String,
    },
    /// The token is not active (expired, revoked or unknown); every rule
    /// but `active: false` fails.
    Inactive,
    /// The spec says `active: false`, but the token still works.
    StillActive,
    /// A justified exception is past its review date.
    ExpiredException {
        privilege: String,
        review_by: i64,
        ticket: Option<String>,
    },
    /// `expires_within` fails: the token expires later than the window, or
    /// never (`at: None`).
    ExpiresLate { at: Option<i64>, window: i64 },
    /// The API listed only part of the grant (`why`), so `rule`, which
    /// needs all of it (`exactly`, `at_most`, `forbidden`), cannot be
    /// proven: it fails, never passes by silence.
    Unproven { rule: Rule, why: String },
    /// A probe answered otherwise than the spec expects.
    Probe(Box<ProbeMismatch>),
    /// In a family that takes any name and a spec that declares none, a
    /// `forbidden` or `at_most` entry names nothing the token holds, but is
    /// one or two edits from a name it does hold (`held`): a likely typo,
    /// which would check nothing. It fails, with "did you mean".
    LikelyTypo {
        rule: Rule,
        entry: String,
        held: String,
        edits: usize,
    },
    /// A probe's answer cannot be judged (`why`): it fails, never passes.
    ProbeUnjudged {
        probe: String,
        line: u32,
        why: String,
        /// A 404 read as a denial that no other case witnesses: the fix
        /// is a witness (or the path), not the statuses.
        unwitnessed: bool,
    },
}

/// A probe whose answer differs from what the spec (or, under `probes:
/// auto`, what the token reports) expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ProbeMismatch {
    /// `GET /path`, as written.
    pub probe: String,
    pub line: u32,
    pub expected: Verdict,
    pub status: u16,
    /// The reason a 2xx answer refused with (Slack's `missing_scope`).
    pub refused: Option<String>,
    /// The server's message and what it says the request needs.
    pub message: Option<String>,
    pub needs: Option<String>,
    /// Under `probes: auto`, the permission the expectation comes from.
    pub permission: Option<&'static str>,
}

impl ProbeMismatch {
    /// What the answer was: the opposite of what was expected.
    pub(crate) fn seen(&self) -> Verdict {
        match self.expected {
            Verdict::Allowed => Verdict::Denied,
            Verdict::Denied => Verdict::Allowed,
        }
    }
}

/// The time the comparison judges at: the caller reads the clock, so the
/// comparison stays a pure function of its inputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Clock {
    /// Seconds since the epoch.
    pub now: i64,
    /// Days since the epoch (for review dates).
    pub today: i64,
}

impl Clock {
    pub(crate) fn read() -> Clock {
        Clock {
            now: crate::time::now(),
            today: crate::time::today(),
        }
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Outcome {
    pub findings: Vec<Finding>,
}

impl Outcome {
    pub(crate) fn passed(&self) -> bool {
        self.findings.is_empty()
    }
}

pub(crate) fn compare(
    family: &dyn Family,
    expect: &Expectations,
    grant: &Grant,
    clock: Clock,
) -> Outcome {
    let mut findings = Vec::new();
    for e in expect
        .exceptions
        .iter()
        .filter(|e| clock.today > e.review_by)
    {
        findings.push(Finding::ExpiredException {
            privilege: e.privilege.clone(),
            review_by: e.review_by,
            ticket: e.ticket.clone(),
        });
    }
    match (expect.active, grant.active) {
        (Some(false), Some(false)) => return Outcome::default(),
        (_, Some(false)) => {
            return Outcome {
                findings: vec![Finding::Inactive],
            };
        }
        (Some(false), _) => findings.push(Finding::StillActive),
        _ => {}
    }
    if let Some(window) = expect.expires_within {
        match grant.expires_at {
            Some(at) if at <= clock.now.saturating_add(window) => {}
            at => findings.push(Finding::ExpiresLate { at, window }),
        }
    }
    if let Some(why) = &grant.partial {
        let needs_all = [
            (Rule::Exactly, expect.exactly.is_some()),
            (Rule::AtMost, expect.at_most.is_some()),
            (Rule::Forbidden, expect.forbidden.is_some()),
        ];
        for (rule, _) in needs_all.into_iter().filter(|(_, present)| *present) {
            findings.push(Finding::Unproven {
                rule,
                why: why.clone(),
            });
        }
    }
    let granted = &grant.privileges;
    if let Some(exactly) = &expect.exactly {
        // Literal: the set the API reports must equal the list.
        let (want, have) = (Members::of(exactly), Members::of(granted));
        for p in exactly.iter().filter(|p| !have.contains(p.as_str())) {
            findings.push(Finding::Missing {
                privilege: p.clone(),
                rule: Rule::Exactly,
            });
        }
        for g in granted.iter().filter(|g| !want.contains(g.as_str())) {
            findings.push(Finding::Excess {
                privilege: g.clone(),
                rule: Rule::Exactly,
            });
        }
    }
    if let Some(at_least) = &expect.at_least {
        let index = Index::new(granted, family.split(), |g| family.surely_gives(g));
        for need in at_least {
            if covering(family, &index, need).is_none() {
                findings.push(Finding::Missing {
                    privilege: need.clone(),
                    rule: Rule::AtLeast,
                });
            }
        }
    }
    if let Some(at_most) = &expect.at_most {
        let index = Index::new(at_most, family.split(), |c| family.surely_gives(c));
        for g in granted {
            if covering(family, &index, g).is_none() {
                findings.push(Finding::Excess {
                    privilege: g.clone(),
                    rule: Rule::AtMost,
                });
            }
        }
    }
    if let Some(forbidden) = &expect.forbidden {
        let index = Index::new(forbidden, family.split(), |f| family.names(f));
        for g in granted {
            // The first witness per entry, the entries in the spec's order.
            for (i, witness) in index.hits(family, g) {
                findings.push(Finding::Forbidden {
                    granted: g.clone(),
                    entry: forbidden[i].clone(),
                    witness,
                });
            }
        }
    }
    if !family.checks_names() && !expect.vocabulary {
        likely_typos(family, expect, granted, &mut findings);
    }
    probes(family, expect, grant, &mut findings);
    Outcome { findings }
}

/// The entries of `forbidden` and `at_most` that, in an open vocabulary,
/// name nothing the token holds but are one or two edits from a name it
/// holds (issue 35): `forbidden: [admin:wirte]` beside a grant of
/// `admin:write` would pass while checking nothing. One edit for names
/// of four characters or fewer, where two would call `read` a typo of
/// `seed`. A glob names what it matches, so it is not guessed at.
fn likely_typos(
    family: &dyn Family,
    expect: &Expectations,
    granted: &[String],
    findings: &mut Vec<Finding>,
) {
    let rules = [
        (Rule::Forbidden, expect.forbidden.as_deref()),
        (Rule::AtMost, expect.at_most.as_deref()),
    ];
    for (rule, entries) in rules {
        for entry in entries.unwrap_or_default() {
            if entry.contains('*')
                || granted
                    .iter()
                    .any(|g| g == entry || crate::privilege::overlap(family, g, entry).is_some())
            {
                continue;
            }
            let closest = granted
                .iter()
                .map(|g| (crate::suggest::edit_distance(entry, g), g))
                .filter(|(d, g)| {
                    let short = entry.chars().count().max(g.chars().count()) <= 4;
                    *d > 0 && *d <= if short { 1 } else { 2 }
                })
                .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
            if let Some((edits, held)) = closest {
                findings.push(Finding::LikelyTypo {
                    rule,
                    entry: entry.clone(),
                    held: held.clone(),
                    edits,
                });
            }
        }
    }
}

/// Membership in a list of names, searched as
/// [`SHORT_LIST`](crate::privilege::SHORT_LIST) says.
enum Members<'a> {
    Few(&'a [String]),
    Many(HashSet<&'a str>),
}

impl<'a> Members<'a> {
    fn of(list: &'a [String]) -> Members<'a> {
        if list.len() <= crate::privilege::SHORT_LIST {
            Members::Few(list)
        } else {
            Members::Many(list.iter().map(String::as_str).collect())
        }
    }

    fn contains(&self, name: &str) -> bool {
        match self {
            Members::Few(list) => list.iter().any(|n| n == name),
            Members::Many(set) => set.contains(name),
        }
    }
}

/// Each probe's answer against its expectation, in the spec's order.
fn probes(family: &dyn Family, expect: &Expectations, grant: &Grant, findings: &mut Vec<Finding>) {
    for (i, probe) in expect.probes.iter().enumerate() {
        let shown = probe.shown();
        let Some(seen) = grant.probes.get(i) else {
            findings.push(Finding::ProbeUnjudged {
                probe: shown,
                line: probe.line,
                why: "no answer is recorded for it".into(),
                unwitnessed: false,
            });
            continue;
        };
        let verdict = match judge(seen, &Judging::of(expect, probe, seen)) {
            Ok(v) => v,
            Err(why) => {
                findings.push(Finding::ProbeUnjudged {
                    probe: shown,
                    line: probe.line,
                    why,
                    unwitnessed: seen.status == 404
                        && seen.witness.is_none()
                        && expect.denied_statuses.contains(&404),
                });
                continue;
            }
        };
        let (expected, permission) = match probe.expect {
            ProbeExpect::Allowed => (Verdict::Allowed, None),
            ProbeExpect::Denied => (Verdict::Denied, None),
            ProbeExpect::Reported(permission) => {
                let reported = grant
                    .privileges
                    .iter()
                    .any(|g| covers(family, g, permission));
                // What the token only may hold (DocSpace's `accounts:write`
                // and `accounts:read`) sets no expectation: either answer
                // agrees with what it reports.
                let maybe = !reported
                    && grant
                        .privileges
                        .iter()
                        .any(|g| crate::privilege::overlap(family, g, permission).is_some());
                if maybe {
                    continue;
                }
                let expected = if reported {
                    Verdict::Allowed
                } else {
                    Verdict::Denied
                };
                (expected, Some(permission))
            }
        };
        if verdict != expected {
            findings.push(Finding::Probe(Box::new(ProbeMismatch {
                probe: shown,
                line: probe.line,
                expected,
                status: seen.status,
                refused: seen.refused.clone(),
                message: seen.message.clone(),
                needs: seen.needs.clone(),
                permission,
            })));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words every report uses for the rules (and SARIF rule ids).
    #[test]
    fn rule_keys_are_the_spec_keys() {
        let keys = [Rule::Exactly, Rule::AtLeast, Rule::AtMost, Rule::Forbidden].map(Rule::key);
        assert_eq!(keys, ["exactly", "at_least", "at_most", "forbidden"]);
    }
    use crate::privilege::DOCSPACE;

    fn list(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| s.to_string()).collect())
    }

    /// 2026-11-23T00:00:00Z.
    const CLOCK: Clock = Clock {
        now: 1_795_392_000,
        today: 20_415,
    };

    fn grant(granted: &[&str]) -> Grant {
        Grant::new(granted.iter().map(|s| s.to_string()).collect(), Vec::new())
    }

    fn check(granted: &[&str], expect: Expectations) -> bool {
        compare(&DOCSPACE, &expect, &grant(granted), CLOCK).passed()
    }

    fn forbidden(items: &[&str]) -> Expectations {
        Expectations {
            forbidden: list(items),
            ..Default::default()
        }
    }
    fn at_most(items: &[&str]) -> Expectations {
        Expectations {
            at_most: list(items),
            ..Default::default()
        }
    }
    fn at_least(items: &[&str]) -> Expectations {
        Expectations {
            at_least: list(items),
            ..Default::default()
        }
    }
    fn exactly(items: &[&str]) -> Expectations {
        Expectations {
            exactly: list(items),
            ..Default::default()
        }
    }

    // The table from the core harness issue, one assertion per row.
    #[test]
    fn docspace_rules_from_the_issue() {
        assert!(
            !check(&["*"], forbidden(&["accounts:write"])),
            "full access vs forbidden"
        );
        assert!(!check(&["*:read"], at_most(&["files:read", "rooms:read"])));
        assert!(check(&["files:write"], at_least(&["files:read"])));
        assert!(!check(&["files:read"], forbidden(&["files:*"])));
        assert!(check(&["accounts.self:read"], forbidden(&["accounts:*"])));
        assert!(
            !check(&["files:write"], exactly(&["files:read", "files:write"])),
            "exactly is literal"
        );
        assert!(!check(&["*:write"], at_most(&["*:read"])));
        assert!(!check(&["*:read"], forbidden(&["files:*"])));
        assert!(!check(
            &["rooms:read", "files:write"],
            forbidden(&["*:write"])
        ));
    }

    #[test]
    fn forbidden_write_allows_reads() {
        assert!(check(
            &["rooms:read", "files:read"],
            forbidden(&["*:write"])
        ));
    }

    /// `exactly` finds the same missing and excess names whether its
    /// lists are short (looked along) or long (hash sets), on both sides
    /// of the boundary.
    #[test]
    fn exactly_reports_alike_for_short_and_long_lists() {
        for len in [1, 15, 16, 17, 40] {
            let names: Vec<String> = (0..len).map(|i| format!("scope{i}")).collect();
            let mut granted: Vec<&str> = names.iter().map(String::as_str).collect();
            let missing = granted.remove(len / 2);
            granted.push("extra");
            let want: Vec<&str> = names.iter().map(String::as_str).collect();
            let findings = compare(
                &crate::privilege::PLAIN,
                &exactly(&want),
                &grant(&granted),
                CLOCK,
            )
            .findings;
            assert_eq!(
                findings,
                [
                    Finding::Missing {
                        privilege: missing.to_owned(),
                        rule: Rule::Exactly
                    },
                    Finding::Excess {
                        privilege: "extra".to_owned(),
                        rule: Rule::Exactly
                    },
                ],
                "{len} names"
            );
        }
    }

    #[test]
    fn exactly_is_order_insensitive() {
        assert!(check(
            &["files:read", "files:write"],
            exactly(&["files:write", "files:read"])
        ));
    }

    #[test]
    fn an_inactive_token_fails_everything_but_active_false() {
        let mut revoked = grant(&[]);
        revoked.active = Some(false);
        let anything = Expectations {
            exactly: list(&[]),
            ..Default::default()
        };
        assert_eq!(
            compare(&DOCSPACE, &anything, &revoked, CLOCK).findings,
            [Finding::Inactive]
        );
        let must_stay_revoked = Expectations {
            active: Some(false),
            ..Default::default()
        };
        assert!(compare(&DOCSPACE, &must_stay_revoked, &revoked, CLOCK).passed());
        let mut live = grant(&["files:read"]);
        live.active = Some(true);
        assert_eq!(
            compare(&DOCSPACE, &must_stay_revoked, &live, CLOCK).findings,
            [Finding::StillActive]
        );
        assert!(
            compare(
                &DOCSPACE,
                &Expectations {
                    active: Some(true),
                    ..Default::default()
                },
                &live,
                CLOCK
            )
            .passed()
        );
    }

    #[test]
    fn exceptions_hold_through_their_review_day() {
        let exception = crate::plan::Exception {
            privilege: "files:write".into(),
            reason: "migration".into(),
            ticket: Some("SEC-123".into()),
            review_by: CLOCK.today,
        };
        let expect = Expectations {
            at_most: list(&["files:write"]),
            exceptions: vec![exception],
            ..Default::default()
        };
        assert!(compare(&DOCSPACE, &expect, &grant(&["files:write"]), CLOCK).passed());
        let tomorrow = Clock {
            today: CLOCK.today + 1,
            ..CLOCK
        };
        assert_eq!(
            compare(&DOCSPACE, &expect, &grant(&["files:write"]), tomorrow).findings,
            [Finding::ExpiredException {
                privilege: "files:write".into(),
                review_by: CLOCK.today,
                ticket: Some("SEC-123".into())
            }]
        );
    }

    #[test]
    fn expires_within_needs_an_expiry_inside_the_window() {
        let window = 90 * 86_400;
        let expect = Expectations {
            expires_within: Some(window),
            ..Default::default()
        };
        let mut g = grant(&[]);
        assert_eq!(
            compare(&DOCSPACE, &expect, &g, CLOCK).findings,
            [Finding::ExpiresLate { at: None, window }]
        );
        g.expires_at = Some(CLOCK.now + window);
        assert!(compare(&DOCSPACE, &expect, &g, CLOCK).passed());
        g.expires_at = Some(CLOCK.now + window + 1);
        assert!(!compare(&DOCSPACE, &expect, &g, CLOCK).passed());
    }

    #[test]
    fn findings_name_the_rule_and_the_privilege() {
        let granted = grant(&["*"]);
        let expect = Expectations {
            at_least: list(&["files:read"]),
            at_most: list(&["*:read"]),
            forbidden: list(&["accounts:write"]),
            ..Default::default()
        };
        let out = compare(&DOCSPACE, &expect, &granted, CLOCK);
        assert_eq!(
            out.findings,
            vec![
                Finding::Excess {
                    privilege: "*".into(),
                    rule: Rule::AtMost
                },
                Finding::Forbidden {
                    granted: "*".into(),
                    entry: "accounts:write".into(),
                    witness: "accounts:write".into()
                },
            ]
        );
        // `*` covers files:read, so at_least holds.
        assert!(
            !out.findings
                .iter()
                .any(|f| matches!(f, Finding::Missing { .. }))
        );
    }

    fn probe(path: &str, expect: crate::plan::ProbeExpect) -> crate::plan::Probe {
        crate::plan::Probe {
            method: crate::plan::ProbeMethod::Get,
            path: crate::template::Template::literal(path),
            expect,
            unsafe_reason: None,
            body: None,
            allowed_statuses: Vec::new(),
            line: 7,
        }
    }

    fn seen(path: &str, status: u16) -> crate::provider::probe::Seen {
        crate::provider::probe::Seen {
            method: "GET".into(),
            path: path.into(),
            status,
            ..Default::default()
        }
    }

    #[test]
    fn probes_are_judged_in_order_and_fail_closed() {
        use crate::plan::ProbeExpect::{Allowed, Denied, Reported};
        let expect = Expectations {
            probes: vec![
                probe("/a", Allowed),
                probe("/b", Denied),
                probe("/files", Reported("files:read")),
                probe("/people", Reported("accounts:read")),
            ],
            denied_statuses: vec![403],
            ..Default::default()
        };
        let mut granted = grant(&["files:write"]);
        granted.probes = vec![
            seen("/a", 200),
            seen("/b", 403),
            seen("/files", 200),
            seen("/people", 403),
        ];
        assert!(compare(&DOCSPACE, &expect, &granted, CLOCK).passed());

        // files:write covers files:read: a denial is a finding; accounts:read
        // is not reported: an allowed answer is one too.
        granted.probes = vec![
            seen("/a", 200),
            seen("/b", 403),
            seen("/files", 403),
            seen("/people", 200),
        ];
        let out = compare(&DOCSPACE, &expect, &granted, CLOCK);
        let shown: Vec<(String, Verdict, Option<&str>)> = out
            .findings
            .iter()
            .map(|f| match f {
                Finding::Probe(m) => (m.probe.clone(), m.expected, m.permission),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            shown,
            [
                (
                    "GET /files".to_owned(),
                    Verdict::Allowed,
                    Some("files:read")
                ),
                (
                    "GET /people".to_owned(),
                    Verdict::Denied,
                    Some("accounts:read")
                ),
            ]
        );

        // A status that proves nothing, and a missing answer, fail.
        granted.probes = vec![seen("/a", 200), seen("/b", 404), seen("/files", 200)];
        let out = compare(&DOCSPACE, &expect, &granted, CLOCK);
        assert!(
            matches!(&out.findings[0], Finding::ProbeUnjudged { probe, .. } if probe == "GET /b")
        );
        assert!(
            matches!(&out.findings[1], Finding::ProbeUnjudged { why, .. } if why == "no answer is recorded for it")
        );
        assert_eq!(out.findings.len(), 2);
    }

    /// Issue 35, open vocabularies: an entry that names nothing held but
    /// is one or two edits from a held name fails as a likely typo, in
    /// `forbidden` and `at_most`; never in a closed family, a spec with a
    /// vocabulary, for a glob, or an entry that names what is held.
    #[test]
    fn an_entry_close_to_a_held_name_is_a_likely_typo() {
        let plain = &crate::privilege::PLAIN;
        let held = grant(&["admin:write", "read", "reports:export"]);
        let typos =
            |expect: &Expectations, family: &dyn Family| -> Vec<(Rule, String, String, usize)> {
                compare(family, expect, &held, CLOCK)
                    .findings
                    .into_iter()
                    .filter_map(|f| match f {
                        Finding::LikelyTypo {
                            rule,
                            entry,
                            held,
                            edits,
                        } => Some((rule, entry, held, edits)),
                        _ => None,
                    })
                    .collect()
            };
        let forbidden = Expectations {
            forbidden: list(&[
                "admin:wirte",
                "reports:exprot",
                "reed",
                "seed",
                "admin:*",
                "billing:read",
            ]),
            ..Default::default()
        };
        assert_eq!(
            typos(&forbidden, plain),
            [
                (
                    Rule::Forbidden,
                    "admin:wirte".into(),
                    "admin:write".into(),
                    1
                ),
                (
                    Rule::Forbidden,
                    "reports:exprot".into(),
                    "reports:export".into(),
                    1
                ),
                (Rule::Forbidden, "reed".into(), "read".into(), 1),
            ],
            "`seed` is two edits from `read`: too far for a short name"
        );
        // Two edits on a longer name; three are too many.
        let far = Expectations {
            at_most: list(&["admin:wrt", "admin:w", "read", "reports:export"]),
            ..Default::default()
        };
        assert_eq!(
            typos(&far, plain),
            [(Rule::AtMost, "admin:wrt".into(), "admin:write".into(), 2)]
        );
        // A declared vocabulary checked the names when the spec loaded.
        let declared = Expectations {
            vocabulary: true,
            ..forbidden.clone()
        };
        assert!(typos(&declared, plain).is_empty());
        // A closed family checked them too.
        let docspace = Expectations {
            forbidden: list(&["files:wirte"]),
            ..Default::default()
        };
        let held_docspace = grant(&["files:write"]);
        assert!(
            compare(&DOCSPACE, &docspace, &held_docspace, CLOCK)
                .findings
                .iter()
                .all(|f| !matches!(f, Finding::LikelyTypo { .. }))
        );
        // `exactly` and `at_least` fail on a typo by themselves.
        let floor = Expectations {
            at_least: list(&["admin:wirte"]),
            ..Default::default()
        };
        assert!(typos(&floor, plain).is_empty());
    }

    /// Issue 35, item 3: a 401 proves nothing, even where the API says the
    /// token is active; a 404 is a denial only with its witness.
    #[test]
    fn a_401_proves_nothing_and_a_404_needs_a_witness() {
        use crate::plan::ProbeExpect::Denied;
        let expect = Expectations {
            probes: vec![probe("/a", Denied), probe("/b", Denied)],
            denied_statuses: vec![403, 404],
            ..Default::default()
        };
        let mut vouched = grant(&[]);
        vouched.active = Some(true);
        vouched.probes = vec![seen("/a", 401), seen("/b", 403)];
        let out = compare(&crate::privilege::PLAIN, &expect, &vouched, CLOCK);
        assert!(
            matches!(&out.findings[..], [Finding::ProbeUnjudged { probe, why, .. }]
                if probe == "GET /a" && why.contains("not accepted")),
            "{out:?}"
        );
        vouched.probes = vec![seen("/a", 404), seen("/b", 403)];
        let out = compare(&crate::privilege::PLAIN, &expect, &vouched, CLOCK);
        assert!(
            matches!(&out.findings[..], [Finding::ProbeUnjudged { why, .. }]
                if why.contains("witness")),
            "{out:?}"
        );
        vouched.probes[0].witness = Some("other::case".into());
        assert!(compare(&crate::privilege::PLAIN, &expect, &vouched, CLOCK).passed());
    }
}
