//! A rule list's atom patterns, indexed so a check does not compare every
//! grant with every entry: literal patterns in a hash map, the (few) globs
//! in a list. A 60,000-entry list is then checked in linear time; the naive
//! pairwise loop took 31 s (issue 10, item 17).

use super::{Family, Patterns, SHORT_LIST, Split, atom_includes, atom_intersection, glob_matches};
use std::borrow::Cow;
use std::collections::HashMap;

pub(crate) struct Index<'a> {
    /// The family's [`Family::split`].
    split: Split,
    lookup: Lookup<'a>,
    /// The items themselves, for the final full check.
    pub items: &'a [String],
}

/// How an [`Index`] finds the patterns a query may concern. Both answer
/// alike (the `short_and_keyed_lookups_answer_alike` test); the short one
/// only saves building hash maps for a few entries, which a check of a
/// typical rule list (a few names, indexed once per case) paid more for
/// than for the look itself.
enum Lookup<'a> {
    /// For up to [`SHORT_LIST`] items: every pattern with its item, in
    /// the items' order, looked along.
    Short(Vec<Pattern<'a>>),
    Keyed {
        /// Patterns whose key (the first part, or the whole pattern) is
        /// literal, by key: Coveo's `PLATFORM:SOURCE:EDIT@*` is found
        /// through `PLATFORM:SOURCE:EDIT` without a scan, a Kubernetes
        /// grant through its namespace. Keys and patterns borrow from the
        /// items where the family's patterns do.
        keyed: HashMap<Cow<'a, str>, Bucket<'a>>,
        /// The (few) patterns whose key is a glob.
        globs: Vec<(Cow<'a, str>, usize)>,
    },
}

/// The patterns of one literal key: the literal ones by their text, and
/// the others (a later part is a glob, as in `X@*`).
#[derive(Default)]
struct Bucket<'a> {
    literal: HashMap<Cow<'a, str>, Vec<usize>>,
    globs: Vec<(Cow<'a, str>, usize)>,
}

/// Where a pattern sits in a keyed index: under its literal key, as a
/// literal or a glob, or among the patterns whose key is a glob.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Place {
    Literal,
    BucketGlob,
    KeyGlob,
}

/// A pattern of a short lookup, with what the keyed one would file it by.
struct Pattern<'a> {
    text: Cow<'a, str>,
    item: usize,
    place: Place,
    /// The length of its key (`Split::key`), a prefix of `text`.
    key: usize,
}

impl Pattern<'_> {
    fn key(&self) -> &str {
        &self.text[..self.key]
    }
}

fn place(split: Split, p: &str) -> Place {
    if split.key(p).contains('*') {
        Place::KeyGlob
    } else if split.literal(p) {
        Place::Literal
    } else {
        Place::BucketGlob
    }
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
        Index::with(items, split, patterns, items.len() <= SHORT_LIST)
    }

    fn with(
        items: &'a [String],
        split: Split,
        patterns: impl Fn(&'a str) -> Patterns<'a>,
        short: bool,
    ) -> Index<'a> {
        let lookup = if short {
            let mut all: Vec<Pattern<'a>> = Vec::with_capacity(2 * items.len());
            for (item, text) in items.iter().enumerate() {
                for text in patterns(text).into_iter() {
                    let place = place(split, &text);
                    // An item's literal pattern once, as the keyed index
                    // lists an item once under a literal.
                    let again = place == Place::Literal
                        && all.iter().any(|q| q.item == item && q.text == text);
                    if !again {
                        let key = split.key(&text).len();
                        all.push(Pattern {
                            text,
                            item,
                            place,
                            key,
                        });
                    }
                }
            }
            Lookup::Short(all)
        } else {
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
            Lookup::Keyed { keyed, globs }
        };
        Index {
            split,
            lookup,
            items,
        }
    }

    /// The items one of whose patterns includes `pattern`, each once, in
    /// ascending order.
    pub(crate) fn including(&self, pattern: &str) -> Vec<usize> {
        let split = self.split;
        let k = split.key(pattern);
        // Only a pattern with the same literal key, or a glob key, can
        // include it; a literal pattern only when it is the same text.
        let mut out: Vec<usize> = match &self.lookup {
            Lookup::Short(all) => {
                let keyed = !k.contains('*');
                let literal = keyed && split.literal(pattern);
                all.iter()
                    .filter(|p| match p.place {
                        Place::KeyGlob => atom_includes(split, &p.text, pattern),
                        _ if !keyed || p.key() != k => false,
                        Place::Literal => literal && p.text == pattern,
                        Place::BucketGlob => atom_includes(split, &p.text, pattern),
                    })
                    .map(|p| p.item)
                    .collect()
            }
            Lookup::Keyed { keyed, globs } => {
                let bucket = (!k.contains('*')).then(|| keyed.get(k)).flatten();
                let mut out: Vec<usize> = match bucket {
                    Some(b) if split.literal(pattern) => {
                        b.literal.get(pattern).cloned().unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                let bucket_globs = bucket.map(|b| &b.globs[..]).unwrap_or_default();
                out.extend(
                    bucket_globs
                        .iter()
                        .chain(globs)
                        .filter(|(p, _)| atom_includes(split, p, pattern))
                        .map(|(_, i)| *i),
                );
                out
            }
        };
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Calls `found(item, witness)` for every item one of whose patterns
    /// shares a string with `pattern`: first through the literal patterns
    /// under `pattern`'s key, then the globs under it, then the patterns
    /// whose key is a glob (so an entry's first witness is the same
    /// whichever lookup the index uses, but for a glob key, where the
    /// keyed lookup visits the keys in no set order).
    pub(crate) fn meeting(&self, pattern: &str, mut found: impl FnMut(usize, String)) {
        let split = self.split;
        let k = split.key(pattern);
        let literal = split.literal(pattern);
        let under = |key: &str| match k.contains('*') {
            true => glob_matches(k, key),
            false => key == k,
        };
        // A literal pattern `lit` under the key, found through `pattern`.
        let through = |lit: &str| match literal {
            false => atom_includes(split, pattern, lit).then(|| lit.to_string()),
            true => (lit == pattern).then(|| pattern.to_owned()),
        };
        match &self.lookup {
            Lookup::Short(all) => {
                for p in all {
                    if p.place == Place::Literal
                        && under(p.key())
                        && let Some(w) = through(&p.text)
                    {
                        found(p.item, w);
                    }
                }
                for want in [Place::BucketGlob, Place::KeyGlob] {
                    for p in all {
                        if p.place == want
                            && (want == Place::KeyGlob || under(p.key()))
                            && let Some(w) = atom_intersection(split, pattern, &p.text)
                        {
                            found(p.item, w);
                        }
                    }
                }
            }
            Lookup::Keyed { keyed, globs } => {
                let mut meet_bucket = |b: &Bucket<'_>| {
                    if !literal {
                        for (lit, items) in &b.literal {
                            if let Some(w) = through(lit) {
                                items.iter().for_each(|i| found(*i, w.clone()));
                            }
                        }
                    } else if let Some(items) = b.literal.get(pattern) {
                        items.iter().for_each(|i| found(*i, pattern.to_owned()));
                    }
                    for (p, i) in &b.globs {
                        if let Some(w) = atom_intersection(split, pattern, p) {
                            found(*i, w);
                        }
                    }
                };
                if k.contains('*') {
                    keyed
                        .iter()
                        .filter(|(lit, _)| under(lit))
                        .for_each(|(_, b)| meet_bucket(b));
                } else if let Some(b) = keyed.get(k) {
                    meet_bucket(b);
                }
                for (p, i) in globs {
                    if let Some(w) = atom_intersection(split, pattern, p) {
                        found(*i, w);
                    }
                }
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

/// The short lookup must answer as the keyed one does, on any list of
/// any family: a difference would be a finding one length of list gives
/// and another does not.
#[cfg(test)]
mod alike {
    use super::super::{COVEO, DOCSPACE, KUBERNETES, PLAIN, VAULT};
    use super::*;

    /// A small deterministic generator (xorshift), so a failure replays.
    struct Rng(u64);
    impl Rng {
        fn next(&mut self) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 as usize
        }
        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.next() % from.len()]
        }
    }

    /// Names from few parts and separators, so lists share keys, literals
    /// and globs often.
    fn name(rng: &mut Rng) -> String {
        const PARTS: &[&str] = &[
            "files", "rooms", "a", "ab", "*", "a*", "*b", "read", "write", "x",
        ];
        const SEPS: &[&str] = &[":", "@", "/", ":", "@"];
        let mut s = rng.pick(PARTS).to_owned();
        for _ in 0..rng.next() % 3 {
            s.push_str(rng.pick(SEPS));
            s.push_str(rng.pick(PARTS));
        }
        s
    }

    fn sorted<T: Ord>(mut v: Vec<T>) -> Vec<T> {
        v.sort();
        v
    }

    #[test]
    fn short_and_keyed_lookups_answer_alike() {
        let families: [&dyn Family; 5] = [&DOCSPACE, &COVEO, &PLAIN, &KUBERNETES, &VAULT];
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let (mut compared, mut met, mut included) = (0, 0, 0);
        for round in 0..400 {
            let family = families[round % families.len()];
            let split = family.split();
            let items: Vec<String> = (0..1 + rng.next() % 12).map(|_| name(&mut rng)).collect();
            let queries: Vec<String> = (0..12)
                .map(|_| name(&mut rng))
                .chain(items.iter().cloned())
                .collect();
            let ways: [&dyn Fn(&str) -> Patterns<'_>; 3] =
                [&|p| family.gives(p), &|p| family.surely_gives(p), &|p| {
                    family.names(p)
                }];
            for way in ways {
                let short = Index::with(&items, split, way, true);
                let keyed = Index::with(&items, split, way, false);
                for q in &queries {
                    assert_eq!(
                        short.including(q),
                        keyed.including(q),
                        "including {q:?} in {items:?}"
                    );
                    let meets = |index: &Index<'_>| {
                        let mut m = Vec::new();
                        index.meeting(q, |i, w| m.push((i, w)));
                        m
                    };
                    let (s, k) = (meets(&short), meets(&keyed));
                    met += usize::from(!s.is_empty());
                    included += usize::from(!short.including(q).is_empty());
                    // In the same order when the keyed lookup has one.
                    if split.literal(q) {
                        assert_eq!(s, k, "meeting {q:?} in {items:?}");
                    } else {
                        assert_eq!(sorted(s), sorted(k), "meeting {q:?} in {items:?}");
                    }
                    let (s, k) = (short.hits(family, q), keyed.hits(family, q));
                    if family.gives(q).iter().all(|g| split.literal(g)) {
                        assert_eq!(s, k, "hits of {q:?} in {items:?}");
                    } else {
                        assert_eq!(
                            s.keys().collect::<Vec<_>>(),
                            k.keys().collect::<Vec<_>>(),
                            "hits of {q:?} in {items:?}"
                        );
                    }
                    assert_eq!(
                        covering(family, &short, q),
                        covering(family, &keyed, q),
                        "covering {q:?} in {items:?}"
                    );
                    compared += 1;
                }
            }
        }
        // Enough of the queries find something for the lists to be compared.
        assert!(compared > 10_000, "{compared}");
        assert!(
            met > compared / 5 && included > compared / 5,
            "{met} {included} of {compared}"
        );
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
