//! Vocabularies that a vendor documents as a list of names, each of which
//! may include others: GitHub's OAuth scopes (`admin:org` includes
//! `write:org`, which includes `read:org`), GitLab's token scopes, Slack's
//! and Google's. The tables, each with its source, are in `vendors/`, one file per vendor.
//!
//! Holding a name gives it and, transitively, every name it includes; a
//! glob gives what it matches and what those names give. Where the vendor
//! only suggests an inclusion ("`repo` also manages organization projects,
//! invitations and team memberships"), the name *may* include the other:
//! that counts against a grant (its overlap with a `forbidden` entry) and
//! never for it (a ceiling it would widen, an `at_least` it would meet), so
//! an unsure inclusion can only fail a case. A rule entry names
//! exactly what it says: `forbidden: [read:org]` fails a grant of
//! `admin:org`, whose holder can read the organization. Names are checked
//! at load: a spec may only write a documented name, one it declares under
//! `extra_privileges`, or a glob that matches one of them, so a typo in
//! `forbidden` is an error, never a rule that checks nothing.

use super::{Family, Patterns, glob_matches};
use crate::suggest::did_you_mean;
use std::borrow::Cow;

/// One documented name: what it surely includes (the vendor says so), and
/// what it may include (the vendor's words suggest it, without saying so).
pub(crate) struct Scope {
    pub name: &'static str,
    pub surely: &'static [&'static str],
    pub maybe: &'static [&'static str],
}

/// A name with what it surely includes.
pub(crate) const fn scope(name: &'static str, surely: &'static [&'static str]) -> Scope {
    Scope {
        name,
        surely,
        maybe: &[],
    }
}

/// One vendor's documented names and what each includes.
pub(crate) struct Catalog {
    /// What one name is, for messages: "GitHub OAuth scope".
    pub what: &'static str,
    /// Where the names come from, for the error that lists them.
    pub source: &'static str,
    pub names: &'static [Scope],
}

impl Catalog {
    fn find(&self, name: &str) -> Option<&'static Scope> {
        // `names` is 'static: every Catalog is a static.
        let names: &'static [Scope] = self.names;
        names.iter().find(|s| s.name == name)
    }

    fn known(&self, name: &str) -> bool {
        self.find(name).is_some()
    }

    /// `name` and every name it includes, transitively, each once; with
    /// `maybe`, also what it may include.
    fn closure<'a>(&self, name: &'static str, maybe: bool, out: &mut Vec<Cow<'a, str>>) {
        let mut stack = vec![name];
        while let Some(n) = stack.pop() {
            if out.iter().any(|o| o == n) {
                continue;
            }
            out.push(Cow::Borrowed(n));
            if let Some(s) = self.find(n) {
                stack.extend(s.surely);
                if maybe {
                    stack.extend(s.maybe);
                }
            }
        }
    }

    fn expand<'a>(&self, p: &'a str, maybe: bool) -> Patterns<'a> {
        if let Some(s) = self.find(p) {
            let mut out = Vec::new();
            self.closure(s.name, maybe, &mut out);
            return Patterns::Many(out);
        }
        if p.contains('*') {
            let mut out = vec![Cow::Borrowed(p)];
            for s in self.names.iter().filter(|s| glob_matches(p, s.name)) {
                self.closure(s.name, maybe, &mut out);
            }
            return Patterns::Many(out);
        }
        Patterns::one(p)
    }
}

impl Family for Catalog {
    fn what(&self) -> &'static str {
        self.what
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        let known = self
            .names
            .iter()
            .map(|s| s.name)
            .chain(extra.iter().map(String::as_str));
        if known.clone().any(|n| n == name) {
            return Ok(());
        }
        let shown = crate::escape::text(name);
        if name.contains('*') {
            if known.clone().any(|n| glob_matches(name, n)) {
                return Ok(());
            }
            return Err(format!(
                "`{shown}` matches no {} ({}), so the entry would check nothing; declare a \
                 name the API reports under `extra_privileges` if the list lacks it",
                self.what, self.source
            ));
        }
        Err(match did_you_mean(name, known) {
            Some(s) => format!("`{shown}` is not a {}; did you mean `{s}`?", self.what),
            None => format!(
                "`{shown}` is not a {} ({}); if the API reports it, declare it under \
                 `extra_privileges`",
                self.what, self.source
            ),
        })
    }

    fn knows(&self, privilege: &str, extra: &[String]) -> bool {
        self.known(privilege) || extra.iter().any(|e| e == privilege)
    }

    fn vocabulary(&self) -> Vec<String> {
        self.names.iter().map(|s| s.name.to_owned()).collect()
    }

    /// What holding `p` may give: what it surely includes and what it may.
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        self.expand(p, true)
    }

    fn surely_gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        self.expand(p, false)
    }
}

#[cfg(test)]
mod tests {
    use super::super::{covers, overlap};
    use super::*;

    static LADDER: Catalog = Catalog {
        what: "test scope",
        source: "this test",
        names: &[
            scope("admin:org", &["write:org"]),
            scope("write:org", &["read:org"]),
            scope("read:org", &[]),
            Scope {
                name: "repo",
                surely: &["public_repo"],
                maybe: &["write:org"],
            },
            scope("public_repo", &[]),
            // A cycle must not loop.
            scope("a", &["b"]),
            scope("b", &["a"]),
        ],
    };

    #[test]
    fn what_a_name_may_include_counts_against_it_never_for_it() {
        // A ceiling of `repo` does not surely allow `write:org`...
        assert!(!covers(&LADDER, "repo", "write:org"));
        // ...a grant of `repo` may give it, so forbidding it fails `repo`...
        assert_eq!(
            overlap(&LADDER, "repo", "read:org"),
            Some("read:org".into())
        );
        // ...and a ceiling of `write:org` does not cover a `repo` grant.
        assert!(!covers(&LADDER, "write:org", "repo"));
        assert!(covers(&LADDER, "repo", "public_repo"));
        // What lies surely within a ceiling is allowed with all it may give.
        assert!(covers(&LADDER, "admin:org", "write:org"));
    }

    #[test]
    fn a_name_covers_what_it_includes_transitively() {
        assert!(covers(&LADDER, "admin:org", "read:org"));
        assert!(covers(&LADDER, "write:org", "read:org"));
        assert!(!covers(&LADDER, "read:org", "write:org"));
        assert!(!covers(&LADDER, "admin:org", "repo"));
        assert!(covers(&LADDER, "a", "b") && covers(&LADDER, "b", "a"));
        // A glob gives what the names it matches give.
        assert!(covers(&LADDER, "admin:*", "read:org"));
        assert!(!covers(&LADDER, "*:org", "repo"));
    }

    #[test]
    fn forbidding_an_included_name_fails_its_holder() {
        assert_eq!(
            overlap(&LADDER, "admin:org", "read:org"),
            Some("read:org".into())
        );
        assert_eq!(overlap(&LADDER, "read:org", "admin:org"), None);
        assert_eq!(
            overlap(&LADDER, "repo", "*_repo"),
            Some("public_repo".into())
        );
        // An unknown granted name is itself and nothing more.
        assert_eq!(overlap(&LADDER, "new_scope", "repo"), None);
        assert!(overlap(&LADDER, "new_scope", "*").is_some());
    }

    #[test]
    fn names_are_checked_with_a_suggestion() {
        assert!(LADDER.validate("admin:org", &[]).is_ok());
        assert!(LADDER.validate("*:org", &[]).is_ok());
        let e = LADDER.validate("admn:org", &[]).unwrap_err();
        assert!(e.contains("did you mean `admin:org`"), "{e}");
        let e = LADDER.validate("*:team", &[]).unwrap_err();
        assert!(e.contains("matches no test scope"), "{e}");
        assert!(LADDER.validate("new_scope", &["new_scope".into()]).is_ok());
        assert!(LADDER.validate("new_*", &["new_scope".into()]).is_ok());
        assert!(LADDER.knows("new_scope", &["new_scope".into()]));
        assert!(LADDER.knows("admin:org", &[]));
        assert!(!LADDER.knows("new_scope", &[]));
    }
}
