//! DocSpace account roles (API-FACTS.md, "The account behind a
//! credential"): owner > DocSpace admin > room admin > user > guest. Each
//! role covers the ones below it; `auth:ldap` and `auth:sso` say how the
//! account signs in and cover nothing else.

use super::{Family, glob_matches};
use crate::suggest::did_you_mean;

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

const NAMES: &[&str] = &[
    "role:owner",
    "role:docspace-admin",
    "role:room-admin",
    "role:user",
    "role:guest",
    "auth:ldap",
    "auth:sso",
];

fn rank(p: &str) -> Option<usize> {
    LADDER.iter().position(|r| *r == p)
}

impl Family for Roles {
    fn atoms(&self) -> &[&'static str] {
        NAMES
    }

    fn extra_covers(&self, p: &str, q: &str) -> bool {
        matches!((rank(p), rank(q)), (Some(a), Some(b)) if a <= b)
    }

    fn validate(&self, name: &str) -> Result<(), String> {
        if NAMES.contains(&name)
            || (name.contains('*') && NAMES.iter().any(|n| glob_matches(name, n)))
        {
            return Ok(());
        }
        Err(match did_you_mean(name, NAMES.iter().copied()) {
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
        assert!(covers(&ROLES, "role:room-admin", "role:user"));
        assert!(!covers(&ROLES, "role:room-admin", "role:docspace-admin"));
        // An owner holds every admin power.
        assert!(overlap(&ROLES, "role:owner", "role:docspace-admin").is_some());
        assert!(overlap(&ROLES, "role:user", "role:*admin").is_none());
    }

    #[test]
    fn names_are_checked() {
        assert!(ROLES.validate("role:docspace-admin").is_ok());
        assert!(ROLES.validate("role:*").is_ok());
        let e = ROLES.validate("role:admin").unwrap_err();
        assert!(e.contains("did you mean"), "{e}");
    }
}
