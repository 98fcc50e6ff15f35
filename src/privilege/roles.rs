//! DocSpace account roles (API-FACTS.md, "The account behind a
//! credential"): owner > DocSpace admin > room admin > user > guest. Each
//! role covers the ones below it; `auth:ldap` and `auth:sso` say how the
//! account signs in and cover nothing else.

use super::{Family, Patterns, glob_matches};
use crate::suggest::did_you_mean;
use std::borrow::Cow;

pub(crate) struct Roles;

pub(crate) static ROLES: Roles = Roles;

/// Highest first.
pub(crate) const LADDER: &[&str] = &[
    "role:owner",
    "role:docspace-admin",
    "role:room-admin",
    "role:user",
    "role:guest",
];

/// Every name the provider reports: it reads them from the profile's flags.
const NAMES: &[&str] = &[
    "role:owner",
    "role:docspace-admin",
    "role:room-admin",
    "role:user",
    "role:guest",
    "auth:ldap",
    "auth:sso",
];

fn below(role: &str) -> Option<&'static [&'static str]> {
    LADDER
        .iter()
        .position(|r| *r == role)
        .map(|rank| &LADDER[rank..])
}

impl Family for Roles {
    fn what(&self) -> &'static str {
        "DocSpace account role"
    }

    fn every_reportable(&self) -> Option<&[&'static str]> {
        Some(NAMES)
    }

    /// A role gives itself and every role below; a pattern gives what it
    /// matches and what the roles it names give (`role:*admin` gives
    /// `role:user`).
    fn gives<'a>(&self, p: &'a str) -> Patterns<'a> {
        if let Some(ladder) = below(p) {
            return Patterns::Many(ladder.iter().map(|r| Cow::Borrowed(*r)).collect());
        }
        if p.contains('*') {
            let mut out = vec![Cow::Borrowed(p)];
            for name in NAMES.iter().filter(|n| glob_matches(p, n)) {
                out.extend(below(name).into_iter().flatten().map(|r| Cow::Borrowed(*r)));
            }
            return Patterns::Many(out);
        }
        Patterns::one(p)
    }

    fn vocabulary(&self) -> Vec<String> {
        NAMES.iter().map(|s| s.to_string()).collect()
    }

    fn knows(&self, privilege: &str, _extra: &[String]) -> bool {
        NAMES.contains(&privilege)
    }

    fn validate(&self, name: &str, extra: &[String]) -> Result<(), String> {
        let known = NAMES
            .iter()
            .copied()
            .chain(extra.iter().map(String::as_str));
        if known.clone().any(|n| n == name)
            || (name.contains('*') && known.clone().any(|n| glob_matches(name, n)))
        {
            return Ok(());
        }
        Err(match did_you_mean(name, known) {
            Some(s) => format!("`{name}` is not a DocSpace account role; did you mean `{s}`?"),
            None => format!(
                "`{name}` is not a DocSpace account role; the roles are {}",
                NAMES.join(", ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::{covers, overlap};
    use super::*;

    #[test]
    fn each_role_covers_the_ones_below() {
        assert!(covers(&ROLES, "role:owner", "role:guest"));
        assert!(covers(&ROLES, "role:room-admin", "role:user"));
        assert!(!covers(&ROLES, "role:user", "role:room-admin"));
        assert!(!covers(&ROLES, "role:owner", "auth:sso"));
        // at_most [role:room-admin]: passes for a user, fails for an admin.
        assert!(!covers(&ROLES, "role:room-admin", "role:docspace-admin"));
        // An owner holds every admin power.
        assert!(overlap(&ROLES, "role:owner", "role:docspace-admin").is_some());
        assert!(overlap(&ROLES, "role:user", "role:*admin").is_none());
        assert!(covers(&ROLES, "auth:*", "auth:ldap"));
    }

    #[test]
    fn names_are_checked() {
        assert!(ROLES.validate("role:docspace-admin", &[]).is_ok());
        assert!(ROLES.validate("role:*", &[]).is_ok());
        let e = ROLES.validate("role:admin", &[]).unwrap_err();
        assert!(e.contains("did you mean"), "{e}");
        assert!(ROLES.validate("role:*boss", &[]).is_err());
    }
}
