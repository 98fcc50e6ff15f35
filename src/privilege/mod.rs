//! What a privilege string means: the "covers" relation and its two uses,
//! ceilings (`at_most`, `at_least`) and overlaps (`forbidden`).
//!
//! Every family reads a privilege as a set of *atoms*, written as `*`-globs
//! over atom strings (see [`glob`]): [`Family::gives`] is what holding a
//! privilege gives (DocSpace's `files:write` gives `files:write` and
//! `files:read`), [`Family::names`] what a rule entry names (`*:write` names
//! every `X:write`). Then
//!
//! - P covers Q when every atom Q gives, P gives too;
//! - a grant G overlaps a forbidden entry F when some atom G gives is one F
//!   names (the two sets intersect; the shared atom is the witness shown).
//!
//! Deciding both on the sets, not on the strings, is what keeps a wider
//! entry from checking less than a narrower one (issue 10, items 1 and 3).
//!
//! Architecture invariant: nothing here does I/O or knows about YAML; the
//! functions are total and never panic, so the property tests and the fuzzer
//! can call them with anything.

/// Up to this many names, a list is searched by a look along it; beyond,
/// through a hash set (rule lists and grants are mostly a few names, and a
/// set per list showed in the profile; a 60,000-name list stays linear).
pub(crate) const SHORT_LIST: usize = 16;

mod catalog;
pub(crate) mod coveo;
mod coveo_catalog;
mod docspace;
mod glob;
#[cfg(test)]
mod inclusions;
pub(crate) mod index;
pub(crate) mod kubernetes;
mod kubernetes_check;
mod roles;
pub(crate) mod vault;
mod vendors;

use std::borrow::Cow;

pub(crate) use coveo::COVEO;
pub(crate) use docspace::{DOCSPACE, DOCSPACE_SCOPES};
pub(crate) use glob::{glob_matches, includes, intersection};
pub(crate) use index::Index;
pub(crate) use kubernetes::KUBERNETES;
pub(crate) use roles::ROLES;
pub(crate) use vault::VAULT;
pub(crate) use vendors::{GITHUB, GITLAB, GOOGLE, SLACK};

/// The atom patterns of one privilege: usually one, so it does not allocate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Patterns<'a> {
    One(Cow<'a, str>),
    /// Two, without a vector: DocSpace's `X:write` (both levels) is on
    /// every comparison's path.
    Two([Cow<'a, str>; 2]),
    Many(Vec<Cow<'a, str>>),
}

impl<'a> Patterns<'a> {
    pub(crate) fn one(p: &'a str) -> Patterns<'a> {
        Patterns::One(Cow::Borrowed(p))
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &str> {
        let all: &[Cow<'a, str>] = match self {
            Patterns::One(p) => std::slice::from_ref(p),
            Patterns::Two(ps) => ps,
            Patterns::Many(ps) => ps,
        };
        all.iter().map(|p| p.as_ref())
    }
}

impl<'a> IntoIterator for Patterns<'a> {
    type Item = Cow<'a, str>;
    type IntoIter = std::iter::Chain<
        std::iter::Chain<std::option::IntoIter<Cow<'a, str>>, std::option::IntoIter<Cow<'a, str>>>,
        std::vec::IntoIter<Cow<'a, str>>,
    >;

    /// The patterns themselves, borrowed where the family borrowed them
    /// (and no allocation for one or two).
    fn into_iter(self) -> Self::IntoIter {
        let (a, b, rest) = match self {
            Patterns::One(p) => (Some(p), None, Vec::new()),
            Patterns::Two([p, q]) => (Some(p), Some(q), Vec::new()),
            Patterns::Many(ps) => (None, None, ps),
        };
        a.into_iter().chain(b).chain(rest)
    }
}

/// The rules of one family of privilege names.
pub(crate) trait Family: Sync {
    /// What one name is, for messages: "DocSpace permission".
    fn what(&self) -> &'static str;

    /// Checks a privilege written in a spec, given the names the spec
    /// declares under `extra_privileges`. The error is one sentence with the
    /// fix ("did you mean ...?").
    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String>;

    /// Whether names are checked at all. A family whose vocabulary is open
    /// (any OAuth scope, any header value) accepts every name, and a typo in
    /// its `forbidden` cannot be caught: the README says so.
    fn checks_names(&self) -> bool {
        true
    }

    /// Whether `privilege`, as an API reported it, is one the family knows
    /// (or the spec declares). Reports name the others, so a reader knows
    /// to declare them before writing them in a rule.
    fn knows(&self, _privilege: &str, _extra: &[String]) -> bool {
        true
    }

    /// Names the family knows, for generating test inputs (the fuzz and
    /// property tests).
    fn vocabulary(&self) -> Vec<String> {
        Vec::new()
    }

    /// When the provider can only ever report these names (roles are read
    /// from flags), the list: an `at_most` that covers all of them checks
    /// nothing.
    fn every_reportable(&self) -> Option<&[&'static str]> {
        None
    }

    /// The atom patterns that holding `p` gives, or may give.
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        Patterns::one(p)
    }

    /// The atom patterns that holding `p` surely gives: [`Family::gives`]
    /// less what the vendor only suggests. "P covers Q" is asked on these
    /// (when Q surely lies within P, so does all Q may give); a grant's
    /// overlap with a `forbidden` entry counts everything it may give (see
    /// `catalog.rs`).
    fn surely_gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        self.gives(p)
    }

    /// The atom patterns a rule entry `p` names.
    fn names<'a>(&self, p: &'a str) -> Patterns<'a> {
        Patterns::one(p)
    }

    /// One spelling for names that mean the same privilege, so that
    /// `exactly` (a literal comparison) and duplicate checks see one name:
    /// Coveo's `SEARCH_API:IMPERSONATE:ENABLE` is `SEARCH_API:IMPERSONATE`.
    /// Used on the spec's names after [`Family::validate`]; the providers
    /// report names in this spelling already.
    fn normalize<'a>(&self, name: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(name)
    }

    /// The character that splits an atom into parts compared one by one, so
    /// that a `*` never reaches into the next part: Coveo's `@` between the
    /// privilege and its target (`*:EDIT` must not match
    /// `PLATFORM:SOURCE:VIEW@` followed by a target that reads `:EDIT`).
    /// The rules read it through [`Family::split`], with [`Family::fields`].
    fn separator(&self) -> Option<char> {
        None
    }

    /// How many parts an atom has at most: it is split at its first
    /// `fields - 1` separators, and the last part keeps any later one.
    /// Two by default, Coveo's privilege and target (a target may hold an
    /// `@`, and stays one part); Kubernetes compares six (namespace, group,
    /// resource, subresource, name, verb: see `kubernetes.rs`).
    fn fields(&self) -> usize {
        2
    }

    /// [`Family::separator`] and [`Family::fields`] together: what the
    /// rules and the [`Index`] split atoms with.
    fn split(&self) -> Split {
        Split::new(self.separator(), self.fields())
    }

    /// An atom pattern in the family's written form (Coveo drops `@*`).
    fn show(&self, atom: &str) -> String {
        atom.to_owned()
    }

    /// The atom a [`Family::show`]n witness stands for, to ask about it
    /// again ([`surely_gives`]). Where atoms are written as they are shown
    /// but for parts left out (Coveo's `@*`, which a missing part means
    /// anyway), the witness itself; Kubernetes parses its written form.
    fn unshow<'a>(&self, shown: &'a str) -> Cow<'a, str> {
        Cow::Borrowed(shown)
    }
}

/// Whether a grant of `granted` overlaps `forbidden` on what it surely
/// gives alone: not only through what a vendor says it may lead to.
pub(crate) fn surely_overlap(family: &dyn Family, granted: &str, forbidden: &str) -> bool {
    let named = family.names(forbidden);
    let given = family.surely_gives(granted);
    let split = family.split();
    given.iter().any(|g| {
        named
            .iter()
            .any(|n| atom_intersection(split, g, n).is_some())
    })
}

/// Checks a rule entry against a spec's own list of names (`vocabulary:`),
/// as a vendor catalogue checks its: a name on the list, or a glob that
/// matches one; anything else is an error with "did you mean".
pub(crate) fn check_listed(name: &str, names: &[String], what: &str) -> Result<(), String> {
    let shown = crate::escape::text(name);
    if names.iter().any(|n| n == name) {
        return Ok(());
    }
    if name.contains('*') {
        if names.iter().any(|n| glob_matches(name, n)) {
            return Ok(());
        }
        return Err(format!(
            "`{shown}` matches no {what}, so the entry would check nothing"
        ));
    }
    Err(
        match crate::suggest::did_you_mean(name, names.iter().map(String::as_str)) {
            Some(s) => format!("`{shown}` is not a {what}; did you mean `{s}`?"),
            None => format!("`{shown}` is not a {what}; add it there if the API reports it"),
        },
    )
}

/// "P covers Q": every atom Q surely gives, P surely gives too (each of Q's patterns is
/// included in one of P's). So `role:*admin` covers `role:user` (through
/// `role:room-admin`), and a wildcard grant is covered only by a pattern as
/// wide: `*:read` is not covered by any finite list of `X:read`.
pub(crate) fn covers(family: &dyn Family, p: &str, q: &str) -> bool {
    if p == q {
        return true;
    }
    let given = family.surely_gives(p);
    let split = family.split();
    family
        .surely_gives(q)
        .iter()
        .all(|b| given.iter().any(|a| atom_includes(split, a, b)))
}

/// Whether a granted privilege gives something a `forbidden` entry names,
/// and the witness: an atom both hold, in the family's written form.
/// `forbidden: ["*:write"]` therefore fails `files:write` and `*`, but not
/// `rooms:read` (which `*:write` covers, but does not name).
pub(crate) fn overlap(family: &dyn Family, granted: &str, forbidden: &str) -> Option<String> {
    let named = family.names(forbidden);
    let split = family.split();
    family.gives(granted).iter().find_map(|a| {
        named
            .iter()
            .find_map(|b| atom_intersection(split, a, b))
            .map(|w| family.show(&w))
    })
}

/// Whether holding `granted` surely gives the atom `witness` (not only
/// may: see `catalog.rs`), for the words of a `forbidden` finding. The
/// witness is the shown one, read back with [`Family::unshow`].
pub(crate) fn surely_gives(family: &dyn Family, granted: &str, witness: &str) -> bool {
    let split = family.split();
    let witness = family.unshow(witness);
    family
        .surely_gives(granted)
        .iter()
        .any(|a| atom_includes(split, a, &witness))
}

/// How a family's atoms split into parts compared one by one
/// ([`Family::split`]): at the first `fields - 1` separators, so a `*` of
/// one part never reaches into the next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Split {
    sep: Option<char>,
    fields: usize,
}

impl Split {
    pub(crate) const fn new(sep: Option<char>, fields: usize) -> Split {
        // Fewer than one part would compare nothing, and let all through.
        let fields = if fields == 0 { 1 } else { fields };
        Split { sep, fields }
    }

    /// Part `i` of each atom of `pair`, for every `i` below the number of
    /// parts; a part an atom lacks is `*`, so `*` alone (and Coveo's atom
    /// without `@`) reaches into every part, and a `*` of one part never
    /// reaches past where the next separator would be. `None` when atoms
    /// are not split.
    fn zip<'a>(self, a: &'a str, b: &'a str) -> Option<impl Iterator<Item = (&'a str, &'a str)>> {
        let sep = self.sep?;
        let (mut x, mut y) = (a.splitn(self.fields, sep), b.splitn(self.fields, sep));
        Some((0..self.fields).map(move |_| (x.next().unwrap_or("*"), y.next().unwrap_or("*"))))
    }

    /// The part an [`Index`] looks a pattern up by: the first, or all of it.
    pub(crate) fn key(self, pattern: &str) -> &str {
        self.sep
            .and_then(|s| pattern.split_once(s))
            .map_or(pattern, |(first, _)| first)
    }

    /// Whether a pattern stands for one atom only: no `*`, and every part
    /// present (a missing part is `*`). Families write every part of their
    /// atoms, so the second test only ever catches a malformed one.
    pub(crate) fn literal(self, pattern: &str) -> bool {
        !pattern.contains('*')
            && self
                .sep
                .is_none_or(|s| pattern.matches(s).count() + 1 >= self.fields)
    }
}

/// The meaning `separator()` had before [`Family::fields`]: split at the
/// first separator only, into two parts.
impl From<Option<char>> for Split {
    fn from(sep: Option<char>) -> Split {
        Split::new(sep, 2)
    }
}

/// [`includes`], part by part where the family has parts.
pub(crate) fn atom_includes(split: impl Into<Split>, sup: &str, sub: &str) -> bool {
    match split.into().zip(sup, sub) {
        Some(mut parts) => parts.all(|(a, b)| includes(a, b)),
        None => includes(sup, sub),
    }
}

/// [`intersection`], part by part where the family has parts: the witness
/// is the parts' witnesses joined, every part written.
pub(crate) fn atom_intersection(split: impl Into<Split>, a: &str, b: &str) -> Option<String> {
    let split = split.into();
    let (Some(sep), Some(parts)) = (split.sep, split.zip(a, b)) else {
        return intersection(a, b);
    };
    let mut out = String::new();
    for (i, (x, y)) in parts.enumerate() {
        if i > 0 {
            out.push(sep);
        }
        out.push_str(&intersection(x, y)?);
    }
    Some(out)
}

/// Whether a ceiling allows every privilege the API could report, so
/// `at_most` with it checks nothing: it covers `*`, or, where the provider
/// can only report known names, it covers each of them.
pub(crate) fn allows_everything(family: &dyn Family, ceiling: &[String]) -> bool {
    if ceiling.iter().any(|c| covers(family, c, "*")) {
        return true;
    }
    family.every_reportable().is_some_and(|all| {
        all.iter()
            .all(|atom| ceiling.iter().any(|c| covers(family, c, atom)))
    })
}

/// A family with no rules beyond equality and globbing, for lists whose
/// entries are plain names (the DocSpace catalogs, OAuth scopes in
/// general, http). Names are not checked: the vocabulary is open.
pub(crate) struct Plain;

pub(crate) static PLAIN: Plain = Plain;

impl Family for Plain {
    fn what(&self) -> &'static str {
        "name"
    }
    fn validate(&self, _name: &str, _extra: &[String]) -> Result<(), String> {
        Ok(())
    }
    fn checks_names(&self) -> bool {
        false
    }
}

#[cfg(test)]
mod tests {

    #[test]
    fn patterns_iterate_alike_by_reference_and_by_value() {
        let cases = [
            Patterns::one("a"),
            Patterns::Two([Cow::Borrowed("a"), Cow::Owned("b".into())]),
            Patterns::Many(vec![Cow::Borrowed("a"), "b".into(), "c".into()]),
            Patterns::Many(Vec::new()),
        ];
        let expected: [&[&str]; 4] = [&["a"], &["a", "b"], &["a", "b", "c"], &[]];
        for (p, want) in cases.into_iter().zip(expected) {
            assert_eq!(p.iter().collect::<Vec<_>>(), want);
            assert_eq!(p.into_iter().collect::<Vec<_>>(), want);
        }
    }
    use super::*;

    /// The defaults of `Family`, as the families that keep them see them
    /// (mutation testing: each default was replaceable unnoticed).
    #[test]
    fn family_defaults() {
        // Catalogued families check names; plain names are open.
        assert!(DOCSPACE.checks_names() && COVEO.checks_names() && GITHUB.checks_names());
        assert!(!PLAIN.checks_names());
        // An open vocabulary knows every name and lists none.
        assert!(PLAIN.knows("anything:at-all", &[]));
        assert!(PLAIN.vocabulary().is_empty());
        assert_eq!(PLAIN.what(), "name");
        // Only roles are read from flags (every name known in advance).
        assert!(DOCSPACE.every_reportable().is_none() && PLAIN.every_reportable().is_none());
        // One spelling already, and a witness shown as its atom.
        assert_eq!(DOCSPACE.normalize("files:read"), "files:read");
        assert_eq!(DOCSPACE.unshow("files:read"), "files:read");
        assert_eq!(GITHUB.unshow("read:org"), "read:org");
    }

    /// Each family's name for one of its privileges (messages and reports
    /// say it), and a vocabulary of names it validates and knows: the
    /// property and fuzz inputs and the JSON Schema's name lists are built
    /// from it (mutation testing: each was replaceable unnoticed).
    #[test]
    fn every_family_names_itself_and_lists_names_it_knows() {
        let families: [(&dyn Family, &str, &str); 10] = [
            (&DOCSPACE, "DocSpace permission", "files:read"),
            (&DOCSPACE_SCOPES, "DocSpace OAuth scope", "openid"),
            (&ROLES, "DocSpace account role", "role:owner"),
            (&COVEO, "Coveo privilege", "PLATFORM:SOURCE:EDIT"),
            (&VAULT, "Vault privilege", "policy:root"),
            (&KUBERNETES, "Kubernetes privilege", "ci/pods:get"),
            (&GITHUB, "GitHub OAuth scope", "admin:org"),
            (&GITLAB, "GitLab token scope", "read_api"),
            (&SLACK, "Slack scope", "channels:read"),
            (&GOOGLE, "Google OAuth scope", "openid"),
        ];
        for (family, what, sample) in families {
            assert_eq!(family.what(), what);
            let vocabulary = family.vocabulary();
            assert!(
                vocabulary.iter().any(|n| n == sample),
                "{what}: {sample} missing from {vocabulary:?}"
            );
            for name in &vocabulary {
                assert!(family.validate(name, &[]).is_ok(), "{what}: {name}");
                assert!(family.knows(name, &[]), "{what}: {name}");
            }
        }
        assert_eq!(DOCSPACE.vocabulary().len(), 11, "the whole catalog");
        assert_eq!(ROLES.vocabulary().len(), 7, "every role and sign-in flag");
        // A name outside a closed vocabulary is unknown, and reports say so.
        assert!(!ROLES.knows("role:superuser", &[]));
        assert!(!DOCSPACE.knows("files:delete", &[]));
    }

    #[test]
    fn a_pattern_covers_what_the_privileges_it_names_cover() {
        assert!(covers(&ROLES, "role:*admin", "role:user"));
        assert!(!covers(&ROLES, "role:*admin", "role:owner"));
        assert!(!covers(&DOCSPACE, "*:read", "files:write"));
    }

    #[test]
    fn plain_family_is_equality_and_glob_languages() {
        assert!(covers(&Plain, "repo", "repo"));
        assert!(covers(&Plain, "read:*", "read:org"));
        assert!(!covers(&Plain, "read:org", "read:*"));
        assert_eq!(
            overlap(&Plain, "admin:org", "admin:*"),
            Some("admin:org".into())
        );
        assert_eq!(overlap(&Plain, "read:org", "admin:*"), None);
        // An unknown granted wildcard against a forbidden pattern that names it.
        assert_eq!(overlap(&Plain, "admin:*", "*"), Some("admin:*".into()));
        // Two globs overlap when their languages meet (item 3).
        assert_eq!(
            overlap(&Plain, "projects:*", "*:delete"),
            Some("projects:delete".into())
        );
        assert_eq!(overlap(&Plain, "projects:*", "users:*"), None);
    }

    /// Parts are split at the first `fields - 1` separators: Coveo's
    /// target keeps a later `@` (a glob of the target still absorbs it, as
    /// before parts had a number), and a part an atom lacks is `*`.
    #[test]
    fn atoms_split_into_at_most_fields_parts() {
        assert_eq!(COVEO.split(), Split::from(Some('@')));
        assert!(atom_includes(COVEO.split(), "A@x*y", "A@x@y"));
        assert!(!atom_includes(Split::new(Some('@'), 3), "A@x*y", "A@x@y"));
        assert!(atom_includes(Split::new(Some('|'), 3), "a", "a|b|c"));
        assert!(!atom_includes(Split::new(Some('|'), 3), "a|*|c", "a|b|d"));
        assert!(!atom_includes(Split::new(Some('|'), 3), "*b", "a|b|c"));
        assert_eq!(
            atom_intersection(Split::new(Some('|'), 3), "a|*", "*|b|c").as_deref(),
            Some("a|b|c")
        );
        assert_eq!(
            atom_intersection(Split::new(Some('|'), 3), "a|*", "*|b|c|d").as_deref(),
            Some("a|b|c|d")
        );
        assert!(Split::new(Some('|'), 3).literal("a|b|c"));
        assert!(
            !Split::new(Some('|'), 3).literal("a|b"),
            "a missing part is `*`"
        );
        assert!(PLAIN.split().literal("a|b"));
    }

    #[test]
    fn a_ceiling_that_covers_everything_checks_nothing() {
        let list = |items: &[&str]| items.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(allows_everything(&Plain, &list(&["*"])));
        assert!(!allows_everything(&Plain, &list(&["read:*", "repo"])));
        assert!(allows_everything(&DOCSPACE, &list(&["*:write"])));
        assert!(!allows_everything(&DOCSPACE, &list(&["*:read"])));
        assert!(allows_everything(&ROLES, &list(&["role:owner", "auth:*"])));
        assert!(!allows_everything(&ROLES, &list(&["role:owner"])));
        assert!(allows_everything(&COVEO, &list(&["*"])));
        assert!(!allows_everything(&COVEO, &list(&["PLATFORM:*"])));
    }
}
