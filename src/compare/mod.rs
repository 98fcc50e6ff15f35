//! Stage 4: expectations against what the API granted.
//!
//! Architecture invariant: pure. No I/O, no clock, no environment; the same
//! inputs give the same findings in the same order.

mod probes;
#[cfg(test)]
mod tests;
mod typos;

use probes::probes;
use typos::likely_typos;

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
