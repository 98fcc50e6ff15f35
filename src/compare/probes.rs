//! Each probe's answer against its expectation: the one judge, with the
//! witness a 404 needs, and `probes: auto`'s reading of what a token reports.

use super::*;

/// Each probe's answer against its expectation, in the spec's order.
pub(super) fn probes(
    family: &dyn Family,
    expect: &Expectations,
    grant: &Grant,
    findings: &mut Vec<Finding>,
) {
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
