//! Stage 4: expectations against what the API granted.
//!
//! Architecture invariant: pure. No I/O, no clock, no environment; the same
//! inputs give the same findings in the same order.

use crate::plan::Expectations;
use crate::privilege::{Family, covers, overlap};
use crate::provider::Grant;

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

pub(crate) fn compare(family: &dyn Family, expect: &Expectations, grant: &Grant) -> Outcome {
    let mut findings = Vec::new();
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
    let granted = &grant.privileges;
    if let Some(exactly) = &expect.exactly {
        // Literal: the set the API reports must equal the list.
        for p in exactly.iter().filter(|p| !granted.contains(p)) {
            findings.push(Finding::Missing {
                privilege: p.clone(),
                rule: Rule::Exactly,
            });
        }
        for g in granted.iter().filter(|g| !exactly.contains(g)) {
            findings.push(Finding::Excess {
                privilege: g.clone(),
                rule: Rule::Exactly,
            });
        }
    }
    if let Some(at_least) = &expect.at_least {
        for need in at_least {
            if !granted.iter().any(|g| covers(family, g, need)) {
                findings.push(Finding::Missing {
                    privilege: need.clone(),
                    rule: Rule::AtLeast,
                });
            }
        }
    }
    if let Some(at_most) = &expect.at_most {
        for g in granted {
            if !at_most.iter().any(|ceiling| covers(family, ceiling, g)) {
                findings.push(Finding::Excess {
                    privilege: g.clone(),
                    rule: Rule::AtMost,
                });
            }
        }
    }
    if let Some(forbidden) = &expect.forbidden {
        for g in granted {
            for entry in forbidden {
                if let Some(witness) = overlap(family, g, entry) {
                    findings.push(Finding::Forbidden {
                        granted: g.clone(),
                        entry: entry.clone(),
                        witness,
                    });
                }
            }
        }
    }
    Outcome { findings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::privilege::DOCSPACE;

    fn list(items: &[&str]) -> Option<Vec<String>> {
        Some(items.iter().map(|s| s.to_string()).collect())
    }

    fn grant(granted: &[&str]) -> Grant {
        Grant::new(granted.iter().map(|s| s.to_string()).collect(), Vec::new())
    }

    fn check(granted: &[&str], expect: Expectations) -> bool {
        compare(&DOCSPACE, &expect, &grant(granted)).passed()
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
            compare(&DOCSPACE, &anything, &revoked).findings,
            [Finding::Inactive]
        );
        let must_stay_revoked = Expectations {
            active: Some(false),
            ..Default::default()
        };
        assert!(compare(&DOCSPACE, &must_stay_revoked, &revoked).passed());
        let mut live = grant(&["files:read"]);
        live.active = Some(true);
        assert_eq!(
            compare(&DOCSPACE, &must_stay_revoked, &live).findings,
            [Finding::StillActive]
        );
        assert!(
            compare(
                &DOCSPACE,
                &Expectations {
                    active: Some(true),
                    ..Default::default()
                },
                &live
            )
            .passed()
        );
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
        let out = compare(&DOCSPACE, &expect, &granted);
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
}
