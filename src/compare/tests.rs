//! The rules, each against the README's words.

use super::*;
use crate::privilege::DOCSPACE;

/// The words every report uses for the rules (and SARIF rule ids).
#[test]
fn rule_keys_are_the_spec_keys() {
    let keys = [Rule::Exactly, Rule::AtLeast, Rule::AtMost, Rule::Forbidden].map(Rule::key);
    assert_eq!(keys, ["exactly", "at_least", "at_most", "forbidden"]);
}

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
    assert!(matches!(&out.findings[0], Finding::ProbeUnjudged { probe, .. } if probe == "GET /b"));
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
            // A glob names what it matches: never guessed at, even when
            // it matches nothing held and is two edits from `read`.
            "reed*",
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
    // A held glob names the entry: an overlap, never a typo.
    let held_glob = grant(&["admin:*"]);
    let near = Expectations {
        forbidden: list(&["admin:w"]),
        ..Default::default()
    };
    assert!(
        compare(plain, &near, &held_glob, CLOCK)
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

/// `probes: auto` expects a probe allowed when the token surely holds the
/// permission, denied when it cannot hold it, and nothing when it only
/// may (DocSpace's `accounts:write` and `accounts:read`): either answer
/// agrees with what the key reports.
#[test]
fn an_auto_probe_of_what_a_token_only_may_hold_expects_nothing() {
    use crate::plan::ProbeExpect::Reported;
    let expect = Expectations {
        probes: vec![probe("/people", Reported("accounts:read"))],
        denied_statuses: vec![403],
        ..Default::default()
    };
    for status in [200, 403] {
        let mut g = grant(&["accounts:write"]);
        g.probes = vec![seen("/people", status)];
        assert!(compare(&DOCSPACE, &expect, &g, CLOCK).passed(), "{status}");
    }
    // Without it, an allowed answer is a finding again.
    let mut g = grant(&["files:read"]);
    g.probes = vec![seen("/people", 200)];
    assert!(!compare(&DOCSPACE, &expect, &g, CLOCK).passed());
}

/// The next step of an unjudged probe names the witness only for a 404
/// the spec reads as a denial and no other case witnesses.
#[test]
fn only_an_unwitnessed_404_asks_for_a_witness() {
    use crate::plan::ProbeExpect::Denied;
    let unwitnessed = |status: u16, denied: Vec<u16>, witness: Option<&str>| {
        let expect = Expectations {
            probes: vec![probe("/a", Denied)],
            denied_statuses: denied,
            ..Default::default()
        };
        let mut g = grant(&[]);
        let mut s = seen("/a", status);
        s.witness = witness.map(str::to_owned);
        g.probes = vec![s];
        compare(&crate::privilege::PLAIN, &expect, &g, CLOCK)
            .findings
            .iter()
            .find_map(|f| match f {
                Finding::ProbeUnjudged { unwitnessed, .. } => Some(*unwitnessed),
                _ => None,
            })
    };
    assert_eq!(unwitnessed(404, vec![403, 404], None), Some(true));
    assert_eq!(unwitnessed(404, vec![403], None), Some(false));
    assert_eq!(unwitnessed(400, vec![403, 404], None), Some(false));
    assert_eq!(unwitnessed(401, vec![403, 404], None), Some(false));
    assert_eq!(unwitnessed(404, vec![403, 404], Some("b::c")), None);
}
