//! A rule list's atom patterns, indexed so a check does not compare every
//! grant with every entry: literal patterns in a hash map, the (few) globs
//! in a list. A 60,000-entry list is then checked in linear time; the naive
//! pairwise loop took 31 s (issue 10, item 17).

use super::{Family, Patterns, atom_includes, atom_intersection, atom_matches};
use std::collections::HashMap;

pub(crate) struct Index<'a> {
    /// The family's [`Family::separator`].
    sep: Option<char>,
    literal: HashMap<String, Vec<usize>>,
    globs: Vec<(String, usize)>,
    /// The items themselves, for the final full check.
    pub items: &'a [String],
}

impl<'a> Index<'a> {
    /// Indexes `items` by the patterns `patterns` gives each one
    /// ([`Family::gives`] for grants and ceilings, [`Family::names`] for
    /// forbidden entries).
    pub(crate) fn new(
        items: &'a [String],
        sep: Option<char>,
        patterns: impl Fn(&'a str) -> Patterns<'a>,
    ) -> Index<'a> {
        let mut literal: HashMap<String, Vec<usize>> = HashMap::with_capacity(items.len());
        let mut globs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            for p in patterns(item).iter() {
                if p.contains('*') {
                    globs.push((p.to_owned(), i));
                } else {
                    let slot = literal.entry(p.to_owned()).or_default();
                    if slot.last() != Some(&i) {
                        slot.push(i);
                    }
                }
            }
        }
        Index {
            sep,
            literal,
            globs,
            items,
        }
    }

    /// The items one of whose patterns includes `pattern`, each once, in
    /// ascending order.
    pub(crate) fn including(&self, pattern: &str) -> Vec<usize> {
        let mut out: Vec<usize> = if pattern.contains('*') {
            Vec::new()
        } else {
            self.literal.get(pattern).cloned().unwrap_or_default()
        };
        out.extend(
            self.globs
                .iter()
                .filter(|(g, _)| atom_includes(self.sep, g, pattern))
                .map(|(_, i)| *i),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `found(item, witness)` for every item one of whose patterns
    /// shares a string with `pattern`.
    pub(crate) fn meeting(&self, pattern: &str, mut found: impl FnMut(usize, String)) {
        if pattern.contains('*') {
            for (lit, items) in &self.literal {
                if atom_matches(self.sep, pattern, lit) {
                    items.iter().for_each(|i| found(*i, lit.clone()));
                }
            }
        } else if let Some(items) = self.literal.get(pattern) {
            items.iter().for_each(|i| found(*i, pattern.to_owned()));
        }
        for (g, i) in &self.globs {
            if let Some(w) = atom_intersection(self.sep, pattern, g) {
                found(*i, w);
            }
        }
    }
}

/// The items of `index` that cover `q`: a candidate must include `q`'s
/// first pattern; each candidate is then checked in full.
pub(crate) fn covering(family: &dyn Family, index: &Index<'_>, q: &str) -> Option<usize> {
    let given = family.gives(q);
    let first = given.iter().next()?;
    index
        .including(first)
        .into_iter()
        .find(|&i| super::covers(family, &index.items[i], q))
}

#[cfg(test)]
mod tests {
    use super::super::{DOCSPACE, PLAIN};
    use super::*;

    fn list(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn finds_covering_items_through_literal_and_glob_patterns() {
        let ceilings = list(&["files:read", "rooms:*", "*:read"]);
        let index = Index::new(&ceilings, None, |p| DOCSPACE.gives(p));
        assert_eq!(covering(&DOCSPACE, &index, "files:read"), Some(0));
        assert_eq!(covering(&DOCSPACE, &index, "rooms:write"), Some(1));
        assert_eq!(covering(&DOCSPACE, &index, "accounts:read"), Some(2));
        assert_eq!(covering(&DOCSPACE, &index, "accounts:write"), None);
    }

    #[test]
    fn meeting_reports_each_item_with_a_witness() {
        let forbidden = list(&["admin:org", "*:delete", "users:*"]);
        let index = Index::new(&forbidden, None, |p| PLAIN.names(p));
        let mut hits = Vec::new();
        index.meeting("projects:*", |i, w| hits.push((i, w)));
        assert_eq!(hits, vec![(1, "projects:delete".to_owned())]);
        let mut hits = Vec::new();
        index.meeting("admin:org", |i, w| hits.push((i, w)));
        assert_eq!(hits, vec![(0, "admin:org".to_owned())]);
    }
}
