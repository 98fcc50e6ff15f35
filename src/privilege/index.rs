//! A rule list's atom patterns, indexed so a check does not compare every
//! grant with every entry: literal patterns in a hash map, the (few) globs
//! in a list. A 60,000-entry list is then checked in linear time; the naive
//! pairwise loop took 31 s (issue 10, item 17).

use super::{Family, Patterns, Split, atom_includes, atom_intersection, glob_matches};
use std::borrow::Cow;
use std::collections::HashMap;

pub(crate) struct Index<'a> {
    /// The family's [`Family::split`].
    split: Split,
    /// Patterns whose key (the first part, or the whole pattern) is
    /// literal, by key: Coveo's `PLATFORM:SOURCE:EDIT@*` is found through
    /// `PLATFORM:SOURCE:EDIT` without a scan, a Kubernetes grant through
    /// its namespace.
    /// Keys and patterns borrow from the items where the family's
    /// patterns do (most lists are a few entries, indexed once per case).
    keyed: HashMap<Cow<'a, str>, Bucket<'a>>,
    /// The (few) patterns whose key is a glob.
    globs: Vec<(Cow<'a, str>, usize)>,
    /// The items themselves, for the final full check.
    pub items: &'a [String],
}

/// The patterns of one literal key: the literal ones by their text, and
/// the others (a later part is a glob, as in `X@*`).
#[derive(Default)]
struct Bucket<'a> {
    literal: HashMap<Cow<'a, str>, Vec<usize>>,
    globs: Vec<(Cow<'a, str>, usize)>,
}

impl<'a> Index<'a> {
    /// Indexes `items` by the patterns `patterns` gives each one
    /// ([`Family::surely_gives`] for grants and ceilings, [`Family::gives`]
    /// for a grant's overlaps, [`Family::names`] for forbidden entries).
    pub(crate) fn new(
        items: &'a [String],
        split: Split,
        patterns: impl Fn(&'a str) -> Patterns<'a>,
    ) -> Index<'a> {
        let mut keyed: HashMap<Cow<'a, str>, Bucket<'a>> = HashMap::with_capacity(items.len());
        let mut globs = Vec::new();
        for (i, item) in items.iter().enumerate() {
            for p in patterns(item).into_iter() {
                let k = split.key(&p);
                if k.contains('*') {
                    globs.push((p, i));
                    continue;
                }
                // The key is a prefix of the pattern: borrowed with it.
                let k: Cow<'a, str> = match &p {
                    Cow::Borrowed(b) => Cow::Borrowed(split.key(b)),
                    Cow::Owned(_) => Cow::Owned(k.to_owned()),
                };
                let bucket = keyed.entry(k).or_default();
                if !split.literal(&p) {
                    bucket.globs.push((p, i));
                } else {
                    let slot = bucket.literal.entry(p).or_default();
                    if slot.last() != Some(&i) {
                        slot.push(i);
                    }
                }
            }
        }
        Index {
            split,
            keyed,
            globs,
            items,
        }
    }

    /// The items one of whose patterns includes `pattern`, each once, in
    /// ascending order.
    pub(crate) fn including(&self, pattern: &str) -> Vec<usize> {
        let k = self.split.key(pattern);
        // Only a pattern with the same literal key, or a glob key, can
        // include it; a literal pattern only when it is the same text.
        let bucket = (!k.contains('*')).then(|| self.keyed.get(k)).flatten();
        let mut out: Vec<usize> = match bucket {
            Some(b) if self.split.literal(pattern) => {
                b.literal.get(pattern).cloned().unwrap_or_default()
            }
            _ => Vec::new(),
        };
        let globs = bucket.map(|b| &b.globs[..]).unwrap_or_default();
        out.extend(
            globs
                .iter()
                .chain(&self.globs)
                .filter(|(p, _)| atom_includes(self.split, p, pattern))
                .map(|(_, i)| *i),
        );
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `found(item, witness)` for every item one of whose patterns
    /// shares a string with `pattern`.
    pub(crate) fn meeting(&self, pattern: &str, mut found: impl FnMut(usize, String)) {
        let k = self.split.key(pattern);
        let mut meet_bucket = |b: &Bucket<'_>| {
            if !self.split.literal(pattern) {
                for (lit, items) in &b.literal {
                    if atom_includes(self.split, pattern, lit) {
                        items.iter().for_each(|i| found(*i, lit.to_string()));
                    }
                }
            } else if let Some(items) = b.literal.get(pattern) {
                items.iter().for_each(|i| found(*i, pattern.to_owned()));
            }
            for (p, i) in &b.globs {
                if let Some(w) = atom_intersection(self.split, pattern, p) {
                    found(*i, w);
                }
            }
        };
        if k.contains('*') {
            self.keyed
                .iter()
                .filter(|(lit, _)| glob_matches(k, lit))
                .for_each(|(_, b)| meet_bucket(b));
        } else if let Some(b) = self.keyed.get(k) {
            meet_bucket(b);
        }
        for (p, i) in &self.globs {
            if let Some(w) = atom_intersection(self.split, pattern, p) {
                found(*i, w);
            }
        }
    }

    /// The forbidden entries of this index (built with [`Family::names`])
    /// that `granted` gives something of, each with its first witness, in
    /// the entries' order.
    pub(crate) fn hits(
        &self,
        family: &dyn Family,
        granted: &str,
    ) -> std::collections::BTreeMap<usize, String> {
        let mut hits = std::collections::BTreeMap::new();
        for given in family.gives(granted).iter() {
            self.meeting(given, |i, witness| {
                hits.entry(i).or_insert_with(|| family.show(&witness));
            });
        }
        hits
    }
}

/// The items of `index` that cover `q`: a candidate must include `q`'s
/// first pattern; each candidate is then checked in full.
pub(crate) fn covering(family: &dyn Family, index: &Index<'_>, q: &str) -> Option<usize> {
    let given = family.surely_gives(q);
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
        let index = Index::new(&ceilings, DOCSPACE.split(), |p| DOCSPACE.gives(p));
        assert_eq!(covering(&DOCSPACE, &index, "files:read"), Some(0));
        assert_eq!(covering(&DOCSPACE, &index, "rooms:write"), Some(1));
        assert_eq!(covering(&DOCSPACE, &index, "accounts:read"), Some(2));
        assert_eq!(covering(&DOCSPACE, &index, "accounts:write"), None);
    }

    #[test]
    fn meeting_reports_each_item_with_a_witness() {
        let forbidden = list(&["admin:org", "*:delete", "users:*"]);
        let index = Index::new(&forbidden, PLAIN.split(), |p| PLAIN.names(p));
        let mut hits = Vec::new();
        index.meeting("projects:*", |i, w| hits.push((i, w)));
        assert_eq!(hits, vec![(1, "projects:delete".to_owned())]);
        let mut hits = Vec::new();
        index.meeting("admin:org", |i, w| hits.push((i, w)));
        assert_eq!(hits, vec![(0, "admin:org".to_owned())]);
    }
}

#[cfg(test)]
mod scale {
    use super::super::COVEO;
    use crate::compare::{Clock, compare};
    use crate::plan::Expectations;
    use crate::provider::Grant;
    use std::time::{Duration, Instant};

    /// Coveo's untargeted atoms (`X@*`) hold a glob; they are still found
    /// by key, not by a scan of every entry (review: 20,000 against
    /// 20,000 took 22 s).
    #[test]
    fn coveo_rules_stay_linear_in_the_size_of_the_lists() {
        let names: Vec<String> = (0..20_000)
            .map(|i| format!("PLATFORM:QUANTUM_{i}:EDIT"))
            .collect();
        let targeted: Vec<String> = (0..60_000)
            .map(|i| format!("PLATFORM:SOURCE:EDIT@src-{i}"))
            .collect();
        let started = Instant::now();
        let ceiling = Expectations {
            at_most: Some(names.clone()),
            ..Default::default()
        };
        let clock = Clock { now: 0, today: 0 };
        assert!(
            compare(
                &COVEO,
                &ceiling,
                &Grant::new(names.clone(), Vec::new()),
                clock
            )
            .passed()
        );
        let forbidden = Expectations {
            forbidden: Some(targeted),
            ..Default::default()
        };
        let untargeted: Vec<String> = (0..100)
            .map(|i| format!("PLATFORM:OTHER_{i}:EDIT"))
            .collect();
        assert!(
            compare(
                &COVEO,
                &forbidden,
                &Grant::new(untargeted, Vec::new()),
                clock
            )
            .passed()
        );
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "took {:?}",
            started.elapsed()
        );
    }
}
