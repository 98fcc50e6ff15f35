//! DocSpace API key permissions and OAuth scopes (reference: API-FACTS.md,
//! "Meaning of the permissions" and "OAuth scope catalog"): `X:write` also
//! passes X's read routes, `*:read` passes every read route, `*:write` and
//! `*` pass every route. OAuth scopes follow the same rules, and add
//! `openid`.

use super::{Family, Patterns, glob_matches};
use crate::suggest::did_you_mean;
use std::borrow::Cow;

/// One vocabulary with DocSpace's rules.
pub(crate) struct DocSpace {
    what: &'static str,
    /// Every name the server's catalogue lists.
    catalog: &'static [&'static str],
}

/// API key permissions: every name `GET /api/2.0/keys/permissions` lists
/// (release 3.7).
pub(crate) static DOCSPACE: DocSpace = DocSpace {
    what: "DocSpace permission",
    catalog: &[
        "*",
        "*:read",
        "*:write",
        "accounts:read",
        "accounts:write",
        "accounts.self:read",
        "accounts.self:write",
        "files:read",
        "files:write",
        "rooms:read",
        "rooms:write",
    ],
};

/// OAuth scopes: every name `GET /api/2.0/scopes` lists, `openid` included
/// (an OAuth token never holds the `*` permissions of keys).
pub(crate) static DOCSPACE_SCOPES: DocSpace = DocSpace {
    what: "DocSpace OAuth scope",
    catalog: &[
        "accounts:read",
        "accounts:write",
        "accounts.self:read",
        "accounts.self:write",
        "files:read",
        "files:write",
        "rooms:read",
        "rooms:write",
        "openid",
    ],
};

/// The resources of the permissions, for "did you mean `files:*`".
const RESOURCES: &[&str] = &["accounts", "accounts.self", "files", "rooms"];

impl Family for DocSpace {
    fn what(&self) -> &'static str {
        self.what
    }

    /// `*`, `*:write` and `*:*` give every route; `X:write` and `X:*` give
    /// X's reads and writes (the only two access levels); anything else
    /// gives what it says.
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        match p {
            "*" | "*:write" | "*:*" => Patterns::one("*"),
            _ => match p.rsplit_once(':') {
                Some((resource, level @ ("write" | "*"))) => {
                    let with = |suffix: &str| {
                        let mut s = String::with_capacity(resource.len() + 1 + suffix.len());
                        s.push_str(resource);
                        s.push(':');
                        s.push_str(suffix);
                        s
                    };
                    let write = match level {
                        "write" => Cow::Borrowed(p),
                        _ => Cow::Owned(with("write")),
                    };
                    Patterns::Two([write, Cow::Owned(with("read"))])
                }
                _ => Patterns::one(p),
            },
        }
    }

    /// What holding `p` surely gives: as [`DocSpace::gives`], but
    /// `accounts:write` only may give `accounts:read`. DocSpace-server
    /// v3.5.0 and later (AuthorizationExtension.cs, v3.7.2 lines 47 and
    /// 49; docs/inclusions/docspace.md) let `accounts:write` list people
    /// (`GET api/[^/]+/people`: `accounts:read`, `accounts:write`) but not
    /// groups (`GET api/[^/]+/group`: `accounts:read` alone), so a floor of
    /// `accounts:read` is not met by `accounts:write`, while a
    /// `forbidden: [accounts:read]` still fails it.
    fn surely_gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        match p {
            "accounts:write" => Patterns::one(p),
            _ => self.gives(p),
        }
    }

    fn vocabulary(&self) -> Vec<String> {
        self.catalog.iter().map(|s| s.to_string()).collect()
    }

    fn knows(&self, privilege: &str, extra: &[String]) -> bool {
        self.catalog.contains(&privilege) || extra.iter().any(|e| e == privilege)
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        if self.knows(name, extra) {
            return Ok(());
        }
        let known = self
            .catalog
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str));
        if name.contains('*') && known.clone().any(|k| glob_matches(name, k)) {
            return Ok(());
        }
        let patterns: Vec<String> = RESOURCES.iter().map(|r| format!("{r}:*")).collect();
        let candidates = known.chain(patterns.iter().map(String::as_str));
        let what = if name.contains('*') {
            format!("`{name}` matches no {}", self.what)
        } else {
            format!("`{name}` is not a {}", self.what)
        };
        Err(match did_you_mean(name, candidates) {
            Some(s) => format!("{what}; did you mean `{s}`?"),
            None => format!("{what}; they are {}", self.catalog.join(", ")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{covers, overlap};
    use super::*;

    fn c(p: &str, q: &str) -> bool {
        covers(&DOCSPACE, p, q)
    }

    #[test]
    fn write_covers_read_of_the_same_resource_only() {
        assert!(c("files:write", "files:read"));
        assert!(!c("files:read", "files:write"));
        assert!(!c("files:write", "rooms:read"));
        assert!(!c("accounts:write", "accounts.self:read"));
    }

    #[test]
    fn wildcards_cover_as_the_server_checks() {
        assert!(c("*:write", "rooms:write"));
        assert!(c("*:write", "accounts.self:read"));
        assert!(c("*:write", "*:read"));
        assert!(c("*:read", "files:read"));
        assert!(!c("*:read", "files:write"));
        assert!(!c("*:read", "*:write"));
        assert!(c("*", "accounts:write"));
        assert!(c("*", "*:write"));
        // A full-access key is stored as `*` and granted `*:write`: the same grant.
        assert!(c("*:write", "*"));
        assert!(!c("*:read", "*"));
        assert!(c("files:*", "files:write"));
        assert!(c("files:write", "files:*"));
        // A level the server does not have is not covered by `write`.
        assert!(!c("files:write", "files:admin"));
    }

    #[test]
    fn forbidden_uses_what_the_entry_names() {
        assert!(overlap(&DOCSPACE, "*", "accounts:write").is_some());
        assert!(overlap(&DOCSPACE, "*:read", "files:*").is_some());
        assert!(overlap(&DOCSPACE, "files:write", "*:write").is_some());
        assert!(overlap(&DOCSPACE, "rooms:read", "*:write").is_none());
        assert!(overlap(&DOCSPACE, "accounts.self:read", "accounts:*").is_none());
        // Write access includes read access.
        assert_eq!(
            overlap(&DOCSPACE, "files:write", "files:read").as_deref(),
            Some("files:read")
        );
        // A permission this release does not know still overlaps a glob naming it.
        assert!(overlap(&DOCSPACE, "contacts:write", "*:write").is_some());
    }

    #[test]
    fn validation_suggests_the_closest_name() {
        let none: &[String] = &[];
        assert!(DOCSPACE.validate("files:read", none).is_ok());
        assert!(DOCSPACE.validate("*:write", none).is_ok());
        assert!(DOCSPACE.validate("rooms:*", none).is_ok());
        assert!(DOCSPACE.validate("*:*", none).is_ok());
        let e = DOCSPACE.validate("file:read", none).unwrap_err();
        assert!(e.contains("did you mean `files:read`?"), "{e}");
        let e = DOCSPACE.validate("file:*", none).unwrap_err();
        assert!(e.contains("matches no DocSpace permission"), "{e}");
        assert!(e.contains("did you mean `files:*`?"), "{e}");
        let e = DOCSPACE.validate("Files:Read", none).unwrap_err();
        assert!(e.contains("`files:read`"), "{e}");
        let e = DOCSPACE.validate("payments", none).unwrap_err();
        assert!(e.contains("they are *, *:read"), "{e}");
        assert!(DOCSPACE.validate("*:delete", none).is_err());
        let extra = vec!["contacts:read".to_owned()];
        assert!(DOCSPACE.validate("contacts:read", &extra).is_ok());
        assert!(DOCSPACE.validate("contacts:*", &extra).is_ok());
    }

    #[test]
    fn the_scope_catalogue_has_openid() {
        let none: &[String] = &[];
        assert!(DOCSPACE_SCOPES.validate("openid", none).is_ok());
        assert!(DOCSPACE_SCOPES.validate("*:write", none).is_ok());
        assert!(DOCSPACE.validate("openid", none).is_err());
        assert!(covers(&DOCSPACE_SCOPES, "files:write", "files:read"));
        assert!(!covers(&DOCSPACE_SCOPES, "files:write", "openid"));
    }
}
