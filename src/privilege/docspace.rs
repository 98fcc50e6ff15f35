//! DocSpace API key permissions (reference: API-FACTS.md, "Meaning of the
//! permissions"): `X:write` also passes X's read routes, `*:read` passes every
//! read route, `*:write` and `*` pass every route.

use super::{Family, glob_matches};
use crate::suggest::did_you_mean;

pub(crate) struct DocSpace;

pub(crate) static DOCSPACE: DocSpace = DocSpace;

/// The concrete permissions the server checks routes against.
const ATOMS: &[&str] = &[
    "accounts:read",
    "accounts:write",
    "accounts.self:read",
    "accounts.self:write",
    "files:read",
    "files:write",
    "rooms:read",
    "rooms:write",
];

/// Every name `GET /api/2.0/keys/permissions` lists (release 3.7).
pub(crate) const CATALOG: &[&str] = &[
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
];

/// What an access level lets through: read, write, or both. `write` passes
/// read routes too, so its set is {read, write}; `*` is the same.
fn access(level: &str) -> Option<(bool, bool)> {
    match level {
        "read" => Some((true, false)),
        "write" | "*" => Some((true, true)),
        _ => None,
    }
}

/// `resource:level`, with the bare `*` read as `*:*` (every route).
fn split(p: &str) -> Option<(&str, &str)> {
    if p == "*" {
        Some(("*", "*"))
    } else {
        p.rsplit_once(':')
    }
}

impl Family for DocSpace {
    fn atoms(&self) -> &[&'static str] {
        ATOMS
    }

    fn extra_covers(&self, p: &str, q: &str) -> bool {
        let (Some((pr, pl)), Some((qr, ql))) = (split(p), split(q)) else {
            return false;
        };
        let resource = pr == qr || (pr.contains('*') && glob_matches(pr, qr));
        let level = match (access(pl), access(ql)) {
            (Some((pr_, pw)), Some((qr_, qw))) => (pr_ || !qr_) && (pw || !qw),
            _ => false,
        };
        resource && level
    }

    fn validate(&self, name: &str) -> Result<(), String> {
        if CATALOG.contains(&name) {
            return Ok(());
        }
        if name.contains('*') && ATOMS.iter().any(|a| glob_matches(name, a)) {
            return Ok(());
        }
        let patterns: Vec<String> = ["accounts", "accounts.self", "files", "rooms"]
            .iter()
            .map(|r| format!("{r}:*"))
            .collect();
        let candidates = CATALOG
            .iter()
            .copied()
            .chain(patterns.iter().map(String::as_str));
        let what = if name.contains('*') {
            format!("`{name}` matches no DocSpace permission")
        } else {
            format!("`{name}` is not a DocSpace permission")
        };
        Err(match did_you_mean(name, candidates) {
            Some(s) => format!("{what}; did you mean `{s}`?"),
            None => format!("{what}; the permissions are {}", CATALOG.join(", ")),
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
    }

    #[test]
    fn forbidden_uses_what_the_entry_names() {
        assert!(overlap(&DOCSPACE, "*", "accounts:write").is_some());
        assert!(overlap(&DOCSPACE, "*:read", "files:*").is_some());
        assert!(overlap(&DOCSPACE, "files:write", "*:write").is_some());
        assert!(overlap(&DOCSPACE, "rooms:read", "*:write").is_none());
        assert!(overlap(&DOCSPACE, "accounts.self:read", "accounts:*").is_none());
        // Write access includes read access.
        assert!(overlap(&DOCSPACE, "files:write", "files:read").is_some());
        // A permission this release does not know still overlaps a glob naming it.
        assert!(overlap(&DOCSPACE, "contacts:write", "*:write").is_some());
    }

    #[test]
    fn validation_suggests_the_closest_name() {
        assert!(DOCSPACE.validate("files:read").is_ok());
        assert!(DOCSPACE.validate("*:write").is_ok());
        assert!(DOCSPACE.validate("rooms:*").is_ok());
        assert!(DOCSPACE.validate("*:*").is_ok());
        let e = DOCSPACE.validate("file:read").unwrap_err();
        assert!(e.contains("did you mean `files:read`?"), "{e}");
        let e = DOCSPACE.validate("file:*").unwrap_err();
        assert!(e.contains("matches no DocSpace permission"), "{e}");
        assert!(e.contains("did you mean `files:*`?"), "{e}");
        let e = DOCSPACE.validate("Files:Read").unwrap_err();
        assert!(e.contains("`files:read`"), "{e}");
        let e = DOCSPACE.validate("payments").unwrap_err();
        assert!(e.contains("the permissions are *, *:read"), "{e}");
    }
}
