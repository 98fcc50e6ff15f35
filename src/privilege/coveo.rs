//! Coveo privileges, written `OWNER:DOMAIN[:TYPE][@TARGET]` (API-FACTS.md,
//! "Coveo Platform"). A privilege on every resource (no `@`) covers the
//! same privilege on one resource; globs work on the canonical form.

use super::{Family, glob_matches};
use crate::suggest::did_you_mean;

pub(crate) struct Coveo;

pub(crate) static COVEO: Coveo = Coveo;

pub(crate) const OWNERS: &[&str] = &[
    "PLATFORM",
    "SEARCH_API",
    "USAGE_ANALYTICS",
    "COVEO_ML",
    "COMMERCE",
];
pub(crate) const TYPES: &[&str] = &["VIEW", "EDIT", "CREATE", "ENABLE"];

/// Known privileges, the witnesses for overlaps.
const ATOMS: &[&str] = &[
    "SEARCH_API:EXECUTE_QUERY",
    "SEARCH_API:IMPERSONATE",
    "SEARCH_API:QUERY_PIPELINE:VIEW",
    "SEARCH_API:QUERY_PIPELINE:EDIT",
    "USAGE_ANALYTICS:ANALYTICS_DATA:VIEW",
    "USAGE_ANALYTICS:ANALYTICS_DATA:EDIT",
    "USAGE_ANALYTICS:ADMINISTRATE",
    "USAGE_ANALYTICS:DELETE_USER_ANALYTICS_DATA",
    "PLATFORM:SOURCE:CREATE",
    "PLATFORM:SOURCE:VIEW",
    "PLATFORM:SOURCE:EDIT",
    "PLATFORM:API_KEY:CREATE",
    "PLATFORM:API_KEY:VIEW",
    "PLATFORM:API_KEY:EDIT",
    "PLATFORM:ORGANIZATION:VIEW",
    "PLATFORM:ORGANIZATION:EDIT",
    "COVEO_ML:MODELS:CREATE",
    "COVEO_ML:MODELS:VIEW",
    "COVEO_ML:MODELS:EDIT",
    "COVEO_ML:ALLOW_CONTENT_PREVIEW:ENABLE",
];

/// The canonical string of one privilege. `target` of `None` or `*` means
/// every resource and prints without `@`.
pub(crate) fn canonical(
    owner: &str,
    domain: &str,
    kind: Option<&str>,
    target: Option<&str>,
) -> String {
    let mut s = format!("{owner}:{domain}");
    if let Some(k) = kind.filter(|k| !k.is_empty()) {
        s.push(':');
        s.push_str(k);
    }
    if let Some(t) = target.filter(|t| !t.is_empty() && *t != "*") {
        s.push('@');
        s.push_str(t);
    }
    s
}

impl Family for Coveo {
    fn atoms(&self) -> &[&'static str] {
        ATOMS
    }

    fn extra_covers(&self, p: &str, q: &str) -> bool {
        // Every resource covers one resource: `X` covers `X@id`.
        !p.contains('@')
            && q.split_once('@')
                .is_some_and(|(base, _)| base == p || (p.contains('*') && glob_matches(p, base)))
    }

    /// `X` on every resource gives `X@t` for the target of a forbidden
    /// `...@t`: `PLATFORM:SOURCE:EDIT` overlaps `PLATFORM:SOURCE:*@src-1`.
    fn witnesses(&self, granted: &str, forbidden: &str) -> Vec<String> {
        match (granted.contains('@'), forbidden.rsplit_once('@')) {
            (false, Some((_, target))) => vec![format!("{granted}@{target}")],
            _ => Vec::new(),
        }
    }

    fn validate(&self, name: &str) -> Result<(), String> {
        if name.contains('*') && !name.starts_with(|c: char| c.is_ascii_uppercase()) {
            return Ok(()); // `*`, `*:EDIT`: a glob over every owner.
        }
        let (base, target) = match name.split_once('@') {
            Some((b, t)) => (b, Some(t)),
            None => (name, None),
        };
        if target.is_some_and(str::is_empty) {
            return Err(format!("`{name}` has an empty target after `@`"));
        }
        let parts: Vec<&str> = base.split(':').collect();
        let owner = parts[0];
        if !OWNERS.contains(&owner) && !owner.contains('*') {
            let hint = match did_you_mean(owner, OWNERS.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the owners are {}", OWNERS.join(", ")),
            };
            return Err(format!(
                "`{owner}` in `{name}` is not a Coveo privilege owner; {hint}"
            ));
        }
        if parts.len() < 2 && !name.contains('*') {
            return Err(format!(
                "`{name}` needs a domain: write OWNER:DOMAIN[:TYPE], such as SEARCH_API:EXECUTE_QUERY"
            ));
        }
        if parts.len() > 3 {
            return Err(format!(
                "`{name}` has too many parts: write OWNER:DOMAIN[:TYPE][@TARGET]"
            ));
        }
        if let Some(kind) = parts.get(2).filter(|k| !k.contains('*'))
            && !TYPES.contains(kind)
        {
            let hint = match did_you_mean(kind, TYPES.iter().copied()) {
                Some(s) => format!("did you mean `{s}`?"),
                None => format!("the types are {}", TYPES.join(", ")),
            };
            return Err(format!(
                "`{kind}` in `{name}` is not a Coveo privilege type; {hint}"
            ));
        }
        if let Some(domain) = parts.get(1)
            && !domain
                .chars()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_' || c == '*')
        {
            return Err(format!(
                "the domain `{domain}` in `{name}` should be upper case, such as SOURCE"
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::super::{covers, overlap};
    use super::*;
    use crate::compare::compare;
    use crate::plan::Expectations;

    fn passes(granted: &str, expect: Expectations) -> bool {
        compare(
            &COVEO,
            &expect,
            &crate::provider::Grant::new(vec![granted.to_owned()], Vec::new()),
            crate::compare::Clock { now: 0, today: 0 },
        )
        .passed()
    }

    #[test]
    fn every_resource_covers_one_resource() {
        assert!(covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT",
            "PLATFORM:SOURCE:EDIT@src-1"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:SOURCE:EDIT"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:SOURCE:EDIT@src-2"
        ));
        assert!(!covers(
            &COVEO,
            "PLATFORM:SOURCE",
            "PLATFORM:SOURCE:EDIT@src-1"
        ));
        assert!(covers(&COVEO, "PLATFORM:*", "PLATFORM:SOURCE:EDIT@src-1"));
        assert!(covers(&COVEO, "PLATFORM:SOURCE:*", "PLATFORM:SOURCE:VIEW"));
    }

    #[test]
    fn the_two_rules_from_the_issue() {
        let forbidden = Expectations {
            forbidden: Some(vec!["PLATFORM:SOURCE:EDIT@src-1".into()]),
            ..Default::default()
        };
        assert!(
            !passes("PLATFORM:SOURCE:EDIT", forbidden),
            "every source includes src-1"
        );
        let at_most = Expectations {
            at_most: Some(vec!["PLATFORM:SOURCE:EDIT".into()]),
            ..Default::default()
        };
        assert!(passes("PLATFORM:SOURCE:EDIT@src-1", at_most));
        assert!(overlap(&COVEO, "SEARCH_API:EXECUTE_QUERY", "PLATFORM:*").is_none());
        // Found by the property tests: a targeted glob names the grant's narrowing.
        for forbidden in ["PLATFORM:SOURCE:*@src-1", "*@src-1", "PLATFORM:*@src-1"] {
            assert_eq!(
                overlap(&COVEO, "PLATFORM:SOURCE:EDIT", forbidden).as_deref(),
                Some("PLATFORM:SOURCE:EDIT@src-1"),
                "{forbidden}"
            );
        }
        assert!(overlap(&COVEO, "PLATFORM:SOURCE:EDIT@src-2", "*@src-1").is_none());
    }

    #[test]
    fn canonical_form() {
        assert_eq!(
            canonical("SEARCH_API", "EXECUTE_QUERY", None, Some("*")),
            "SEARCH_API:EXECUTE_QUERY"
        );
        assert_eq!(
            canonical("PLATFORM", "SOURCE", Some("EDIT"), Some("src-1")),
            "PLATFORM:SOURCE:EDIT@src-1"
        );
        assert_eq!(
            canonical("COVEO_ML", "MODELS", Some("VIEW"), None),
            "COVEO_ML:MODELS:VIEW"
        );
    }

    #[test]
    fn names_are_checked_with_suggestions() {
        for ok in [
            "SEARCH_API:EXECUTE_QUERY",
            "PLATFORM:SOURCE:EDIT@src-1",
            "PLATFORM:*",
            "*",
            "*:EDIT",
            "COMMERCE:CATALOG:VIEW",
        ] {
            assert!(COVEO.validate(ok).is_ok(), "{ok}");
        }
        let e = COVEO.validate("PLATFROM:SOURCE:EDIT").unwrap_err();
        assert!(e.contains("did you mean `PLATFORM`?"), "{e}");
        let e = COVEO.validate("PLATFORM:SOURCE:EIDT").unwrap_err();
        assert!(e.contains("did you mean `EDIT`?"), "{e}");
        assert!(
            COVEO
                .validate("ANALYTICS:DATA")
                .unwrap_err()
                .contains("the owners are PLATFORM")
        );
        assert!(COVEO.validate("SEARCH_API").is_err());
        assert!(COVEO.validate("PLATFORM:SOURCE:EDIT@").is_err());
        assert!(COVEO.validate("PLATFORM:source:EDIT").is_err());
    }
}
