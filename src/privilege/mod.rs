//! What a privilege string means: the "covers" relation and its two uses,
//! ceilings (`at_most`, `at_least`) and overlaps (`forbidden`).
//!
//! Privileges are canonical strings (`files:read`). A *family* holds the rules
//! one API applies on top of plain equality and `*` globbing, the names it
//! knows, and the check of names written in a spec.
//!
//! Architecture invariant: nothing here does I/O or knows about YAML; the
//! functions are total and never panic, so the property tests and the fuzzer
//! can call them with anything.

pub(crate) mod coveo;
mod docspace;
mod roles;

pub(crate) use coveo::COVEO;
pub(crate) use docspace::DOCSPACE;
pub(crate) use roles::ROLES;

/// The rules of one family of privilege names.
pub(crate) trait Family: Sync {
    /// Concrete privileges the family knows. They are the witnesses used to
    /// decide whether two patterns overlap.
    fn atoms(&self) -> &[&'static str];

    /// Covering the API applies beyond equality and globbing
    /// (DocSpace: `files:write` covers `files:read`).
    fn extra_covers(&self, _p: &str, _q: &str) -> bool {
        false
    }

    /// Checks a privilege written in a spec. The error is one sentence with
    /// the fix ("did you mean ...?").
    fn validate(&self, name: &str) -> Result<(), String>;

    /// Further privileges that may witness an overlap of `granted` and
    /// `forbidden`, beyond the two strings and the known atoms (Coveo: the
    /// grant narrowed to the forbidden entry's target).
    fn witnesses(&self, _granted: &str, _forbidden: &str) -> Vec<String> {
        Vec::new()
    }
}

/// `*`-only glob matching: `*` stands for any run of characters, everything
/// else is literal. Iterative with backtracking to the last star, so it is
/// linear in practice and never recurses. It works on bytes, which gives the
/// same answer as on chars (`*` is ASCII, and UTF-8 never lets a literal run
/// match half a character) without allocating: this is the hottest function
/// of a replay run (BENCHMARKS.md).
pub(crate) fn glob_matches(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == b'*')
}

/// "P names Q": P equals Q, or P contains `*` and matches Q as a glob.
/// This is what a `forbidden` entry means: the privileges it names.
pub(crate) fn names(p: &str, q: &str) -> bool {
    p == q || (p.contains('*') && glob_matches(p, q))
}

/// "P covers Q": P names Q, or the family's rules say P implies Q, or P is
/// a pattern naming a known privilege that implies Q (`role:*admin` names
/// `role:room-admin`, which covers `role:user`; this keeps "covers"
/// transitive for patterns).
pub(crate) fn covers(family: &dyn Family, p: &str, q: &str) -> bool {
    names(p, q)
        || family.extra_covers(p, q)
        || (p.contains('*')
            && family
                .atoms()
                .iter()
                .any(|atom| names(p, atom) && family.extra_covers(atom, q)))
}

/// Whether a granted privilege gives something a `forbidden` entry names.
///
/// Returns the witness: a privilege that `granted` covers and `forbidden`
/// names. The candidates are the two strings themselves and the family's
/// known atoms, so a privilege the family does not know yet still counts.
/// `forbidden: ["*:write"]` therefore fails `files:write` and `*`, but not
/// `rooms:read` (which `*:write` covers, but does not name).
pub(crate) fn overlap(family: &dyn Family, granted: &str, forbidden: &str) -> Option<String> {
    let derived = family.witnesses(granted, forbidden);
    [granted, forbidden]
        .into_iter()
        .chain(family.atoms().iter().copied())
        .chain(derived.iter().map(String::as_str))
        // `names` is cheap and usually false: test it first.
        .find(|atom| names(forbidden, atom) && covers(family, granted, atom))
        .map(str::to_owned)
}

/// A family with no rules beyond equality and globbing, for lists whose
/// entries are plain names (the DocSpace catalogs). Names are not checked:
/// a catalog grows, and a new name must be writable before permspec knows it.
pub(crate) struct Plain;

pub(crate) static PLAIN: Plain = Plain;

impl Family for Plain {
    fn atoms(&self) -> &[&'static str] {
        &[]
    }
    fn validate(&self, _name: &str) -> Result<(), String> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_star_matches_any_run() {
        assert!(glob_matches("*", ""));
        assert!(glob_matches("*", "files:read"));
        assert!(glob_matches("*:read", "files:read"));
        assert!(glob_matches("*:read", "accounts.self:read"));
        assert!(!glob_matches("*:read", "files:write"));
        assert!(glob_matches("files:*", "files:write"));
        assert!(!glob_matches("accounts:*", "accounts.self:read"));
        assert!(glob_matches("a*b*c", "a-x-b-y-c"));
        assert!(!glob_matches("a*b*c", "a-x-c"));
        assert!(glob_matches("**", "x"));
        assert!(!glob_matches("files:read", "files:rea"));
        assert!(glob_matches("r*s:é*", "rooms:é-lecture"));
        assert!(!glob_matches("é", "e"));
    }

    #[test]
    fn a_pattern_covers_what_the_privileges_it_names_cover() {
        assert!(covers(&ROLES, "role:*admin", "role:user"));
        assert!(!covers(&ROLES, "role:*admin", "role:owner"));
        assert!(!covers(&DOCSPACE, "*:read", "files:write"));
    }

    #[test]
    fn plain_family_is_equality_and_globs() {
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
    }
}
