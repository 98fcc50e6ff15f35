//! What the page's matrix shows for one token and one privilege: a sign
//! and a word for each state, never a colour alone, and for a privilege a
//! rule names but the token is not granted, the rule that names it.

use super::{Row, Status};
use std::collections::BTreeSet;
use std::fmt::Write;

/// The rules that can name a privilege, in the order a cell names them:
/// the one that says most about the token first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    Forbidden,
    Exactly,
    AtLeast,
    AtMost,
}

impl Rule {
    const ALL: [Rule; 4] = [Rule::Forbidden, Rule::Exactly, Rule::AtLeast, Rule::AtMost];

    /// The key the spec writes.
    fn key(self) -> &'static str {
        match self {
            Rule::Forbidden => "forbidden",
            Rule::Exactly => "exactly",
            Rule::AtLeast => "at_least",
            Rule::AtMost => "at_most",
        }
    }

    fn list(self, row: &Row) -> Option<&Vec<String>> {
        let e = &row.expected;
        match self {
            Rule::Forbidden => e.forbidden.as_ref(),
            Rule::Exactly => e.exactly.as_ref(),
            Rule::AtLeast => e.at_least.as_ref(),
            Rule::AtMost => e.at_most.as_ref(),
        }
    }

    fn names(self, row: &Row, privilege: &str) -> bool {
        self.list(row)
            .is_some_and(|l| l.iter().any(|p| p == privilege))
    }
}

/// What a token's cell for one privilege shows. A privilege a rule names
/// but the token is not granted (as written) is labelled by that rule: a
/// `forbidden` entry the token does not hold is not "expected" (issue 39).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Cell {
    /// Granted, and a `forbidden` entry names it.
    Forbidden,
    /// Granted beyond `at_most` / `exactly`.
    Excess,
    /// Required, not granted.
    Missing,
    /// Granted and allowed.
    Granted,
    /// A `forbidden` entry that is not granted as written, but that a
    /// granted privilege overlaps (`*` against `files:write`).
    Overlapped,
    /// Named by this rule (the first of [`Rule::ALL`] that names it), not
    /// granted as written, and nothing wrong with it.
    Named(Rule),
    /// Named by this rule, but the rules were not judged: no evidence, or
    /// the token is not active (compare then judges nothing else).
    Unjudged(Rule),
    /// Nothing.
    Empty,
}

impl Cell {
    /// The states of a judged token, in the legend's order (after them,
    /// the legend says what `?` means). `Named(Exactly)` is left out: an
    /// `exactly` entry that is not granted is missing.
    pub(super) const LEGEND: [Cell; 8] = [
        Cell::Granted,
        Cell::Excess,
        Cell::Forbidden,
        Cell::Missing,
        Cell::Overlapped,
        Cell::Named(Rule::Forbidden),
        Cell::Named(Rule::AtMost),
        Cell::Named(Rule::AtLeast),
    ];

    /// (class, sign and word shown, longer title). A word of two parts
    /// may wrap between them, so a column of them stays narrow.
    pub(super) fn shown(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Cell::Forbidden => (
                "forbidden",
                "&#x2298; forbidden",
                "granted, and forbidden by the spec",
            ),
            Cell::Excess => (
                "excess",
                "+ excess",
                "granted beyond what at_most or exactly allows",
            ),
            Cell::Missing => (
                "missing",
                "&minus; missing",
                "required by at_least or exactly, not granted",
            ),
            Cell::Granted => ("granted", "&#x25CF; granted", "granted and allowed"),
            Cell::Overlapped => (
                "overlapped",
                "&#x2298;&nbsp;forbidden, overlapped",
                "forbidden by the spec: not granted as written, but a granted privilege overlaps it",
            ),
            Cell::Named(Rule::Forbidden) => (
                "named",
                "&#x25CB;&nbsp;forbidden, not&nbsp;granted",
                "forbidden by the spec, and not granted",
            ),
            Cell::Named(Rule::AtMost) => (
                "named",
                "&#x25CB;&nbsp;at_most, not&nbsp;granted",
                "allowed by the at_most ceiling, not granted",
            ),
            Cell::Named(Rule::AtLeast) => (
                "named",
                "&#x25CB;&nbsp;at_least, covered",
                "required by at_least: not granted as written, but a granted privilege covers it",
            ),
            Cell::Named(Rule::Exactly) => (
                "named",
                "&#x25CB;&nbsp;exactly, not&nbsp;granted",
                "listed by exactly, not granted",
            ),
            Cell::Unjudged(rule) => (
                "unjudged",
                match rule {
                    Rule::Forbidden => "? forbidden",
                    Rule::Exactly => "? exactly",
                    Rule::AtLeast => "? at_least",
                    Rule::AtMost => "? at_most",
                },
                "not judged (no evidence, or the token is not active)",
            ),
            Cell::Empty => ("empty", "", ""),
        }
    }
}

/// Whether `compare` judged the token's rules: it has evidence, and the
/// token is active (an inactive token fails, or passes an expected
/// revocation, on that alone).
fn judged(row: &Row) -> bool {
    row.status != Status::Error && row.active != Some(false)
}

pub(super) fn cell(row: &Row, privilege: &str) -> Cell {
    let granted = row.granted.iter().any(|g| g == privilege);
    let rule = Rule::ALL.into_iter().find(|r| r.names(row, privilege));
    if granted && row.forbidden_hits.iter().any(|f| f.granted == privilege) {
        Cell::Forbidden
    } else if row.excess.iter().any(|e| e == privilege) {
        Cell::Excess
    } else if row.missing.iter().any(|m| m == privilege) {
        Cell::Missing
    } else if granted {
        Cell::Granted
    } else if row.forbidden_hits.iter().any(|f| f.forbidden == privilege) {
        Cell::Overlapped
    } else if let Some(rule) = rule {
        if judged(row) {
            Cell::Named(rule)
        } else {
            Cell::Unjudged(rule)
        }
    } else {
        Cell::Empty
    }
}

/// What a cell's title adds to its state: the rules that name the
/// privilege, and what overlaps a forbidden one (unescaped).
pub(super) fn more(row: &Row, privilege: &str) -> String {
    let mut more = String::new();
    let rules: Vec<&str> = Rule::ALL
        .into_iter()
        .filter(|r| r.names(row, privilege))
        .map(Rule::key)
        .collect();
    if !rules.is_empty() {
        let _ = write!(more, "; named by {}", rules.join(", "));
    }
    let by: Vec<&str> = row
        .forbidden_hits
        .iter()
        .filter(|f| f.forbidden == privilege && f.granted != privilege)
        .map(|f| f.granted.as_str())
        .collect();
    if !by.is_empty() {
        let _ = write!(more, "; overlapped by granted {}", by.join(", "));
    }
    let entries: Vec<&str> = row
        .forbidden_hits
        .iter()
        .filter(|f| f.granted == privilege && f.forbidden != privilege)
        .map(|f| f.forbidden.as_str())
        .collect();
    if !entries.is_empty() {
        let _ = write!(more, "; overlaps forbidden {}", entries.join(", "));
    }
    more
}

/// Every name a token's rules list.
pub(super) fn named(row: &Row) -> BTreeSet<&str> {
    Rule::ALL
        .into_iter()
        .filter_map(|r| r.list(row))
        .flatten()
        .map(String::as_str)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::{Audit, ForbiddenHit, Row, Status, Summary};
    use super::*;

    fn page(rows: Vec<Row>) -> String {
        super::super::html(&Audit {
            schema: super::super::SCHEMA,
            generated_at: "2027-02-15T00:00:00Z".into(),
            mode: "replay".into(),
            summary: Summary::default(),
            tokens: rows,
            unreferenced_fixtures: Vec::new(),
            pending_answers: Vec::new(),
        })
    }

    /// Issue 39: a `forbidden` entry the token does not hold read
    /// "expected". Each entry not granted as written now says which rule
    /// names it, and what that means for the token.
    #[test]
    fn an_entry_not_granted_is_labelled_by_its_rule() {
        let mut r = Row::new("k::t".into(), "docspace".into());
        r.status = Status::Fail;
        r.active = Some(true);
        r.granted = vec!["*".into(), "files:read".into()];
        r.expected.at_least = Some(vec!["rooms:read".into(), "files:write".into()]);
        r.expected.at_most = Some(vec!["*".into(), "files:read".into(), "people:read".into()]);
        r.expected.forbidden = Some(vec!["accounts:write".into(), "people:write".into()]);
        r.forbidden_hits = vec![ForbiddenHit {
            granted: "*".into(),
            forbidden: "people:write".into(),
        }];
        r.missing = vec!["files:write".into()];
        assert_eq!(cell(&r, "accounts:write"), Cell::Named(Rule::Forbidden));
        assert_eq!(cell(&r, "people:write"), Cell::Overlapped);
        assert_eq!(cell(&r, "people:read"), Cell::Named(Rule::AtMost));
        assert_eq!(cell(&r, "rooms:read"), Cell::Named(Rule::AtLeast));
        assert_eq!(cell(&r, "files:write"), Cell::Missing);
        assert_eq!(
            cell(&r, "*"),
            Cell::Forbidden,
            "granted, and it overlaps a forbidden entry"
        );
        let out = page(vec![r.clone()]);
        let shown = |p: &str| {
            let at = out
                .find(&format!("title=\"{p}: "))
                .unwrap_or_else(|| panic!("no cell for {p}"));
            let cell = &out[at..];
            let word = &cell[cell.find('>').unwrap() + 1..cell.find("</td>").unwrap()];
            (cell[..cell.find('>').unwrap()].to_owned(), word.to_owned())
        };
        assert_eq!(
            shown("accounts:write").1,
            "&#x25CB;&nbsp;forbidden, not&nbsp;granted"
        );
        assert_eq!(
            shown("people:write").1,
            "&#x2298;&nbsp;forbidden, overlapped"
        );
        assert!(shown("people:write").0.contains("overlapped by granted *"));
        assert_eq!(
            shown("people:read").1,
            "&#x25CB;&nbsp;at_most, not&nbsp;granted"
        );
        assert_eq!(shown("rooms:read").1, "&#x25CB;&nbsp;at_least, covered");
        assert!(shown("*").0.contains("overlaps forbidden people:write"));
        // No cell of a forbidden entry, nor any other, says "expected".
        for p in [
            "accounts:write",
            "people:write",
            "people:read",
            "rooms:read",
        ] {
            assert!(!shown(p).1.contains("expected"), "{p}: {:?}", shown(p));
        }

        // A token the rules were not judged on claims nothing of its cells.
        for (status, active) in [(Status::Error, None), (Status::Fail, Some(false))] {
            let mut u = r.clone();
            u.status = status;
            u.active = active;
            u.granted.clear();
            u.missing.clear();
            u.forbidden_hits.clear();
            assert_eq!(cell(&u, "accounts:write"), Cell::Unjudged(Rule::Forbidden));
            assert_eq!(cell(&u, "rooms:read"), Cell::Unjudged(Rule::AtLeast));
            assert_eq!(cell(&u, "people:read"), Cell::Unjudged(Rule::AtMost));
        }
        let mut both = r.clone();
        both.expected.exactly = Some(vec!["accounts:write".into()]);
        assert_eq!(
            cell(&both, "accounts:write"),
            Cell::Named(Rule::Forbidden),
            "the forbidden rule names it first"
        );
        assert!(more(&both, "accounts:write").contains("named by forbidden, exactly"));
    }
}
