//! APIs that answer only about what the spec lists: Vault's capabilities on
//! each of `paths`, Kubernetes' rules in each of `namespaces`.
//!
//! Such an API says nothing about a path or namespace nobody asked about, so
//! a rule entry that names only unlisted ones would check nothing: a
//! `forbidden: ["secret/data/payroll:read"]` with `payroll` missing from
//! `paths` would pass whatever the token holds. Planning refuses such an
//! entry ([`check_entry`]), and the README says that a glob checks the
//! listed places it matches, not the ones the list lacks.

use super::Api;
use crate::privilege::glob_matches;
use crate::spec::{Pos, RawSpec, Spanned, SpecError};
use crate::template::Template;
use std::collections::HashSet;

/// `provider: vault`: `base_url`, an optional `namespace`, and `paths`.
pub(super) fn vault(
    raw: &RawSpec,
    base_url: Template,
    needs: &dyn Fn(&str) -> SpecError,
) -> Result<Api, SpecError> {
    let namespace = match &raw.namespace {
        None => None,
        Some(ns) if vault_namespace(&ns.value) => Some(ns.value.clone()),
        Some(ns) => {
            return Err(SpecError::at(
                Pos::of(ns),
                "`namespace` must be a Vault namespace path, such as `team-a`",
                Some("leave `namespace` out to ask the root namespace"),
            ));
        }
    };
    let listed = raw.paths.as_ref().ok_or_else(|| needs("paths"))?;
    let paths = list(listed, "paths", vault_path)?;
    Ok(Api::Vault {
        base_url,
        namespace,
        paths,
    })
}

/// A Vault namespace path (`team-a`, `team-a/app`): not empty once its
/// slashes are trimmed, and no space or control character, which no
/// namespace holds and a header could not carry as written.
fn vault_namespace(ns: &str) -> bool {
    !ns.trim_matches('/').is_empty() && !ns.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// `provider: kubernetes`: `base_url` and `namespaces`.
pub(super) fn kubernetes(
    raw: &RawSpec,
    base_url: Template,
    needs: &dyn Fn(&str) -> SpecError,
) -> Result<Api, SpecError> {
    let listed = raw.namespaces.as_ref().ok_or_else(|| needs("namespaces"))?;
    let namespaces = list(listed, "namespaces", namespace)?;
    Ok(Api::Kubernetes {
        base_url,
        namespaces,
    })
}

/// A non-empty list of distinct entries, each checked by `check`.
fn list(
    listed: &Spanned<Vec<Spanned<String>>>,
    key: &str,
    check: fn(&str) -> Result<(), String>,
) -> Result<Vec<String>, SpecError> {
    if listed.value.is_empty() {
        return Err(SpecError::at(
            Pos::of(listed),
            format!("`{key}` is empty: the API would be asked about nothing"),
            Some("list what the rules are about"),
        ));
    }
    let mut seen = HashSet::new();
    let mut out = Vec::with_capacity(listed.value.len());
    for entry in &listed.value {
        check(&entry.value).map_err(|why| SpecError::at(Pos::of(entry), why, None))?;
        if !seen.insert(entry.value.as_str()) {
            return Err(SpecError::at(
                Pos::of(entry),
                format!("`{}` is listed twice", crate::escape::text(&entry.value)),
                Some("remove the second one"),
            ));
        }
        out.push(entry.value.clone());
    }
    Ok(out)
}

/// A path capabilities-self is asked about: a concrete path (it takes no
/// glob), that the privilege `PATH:CAPABILITY` can name unambiguously.
fn vault_path(path: &str) -> Result<(), String> {
    let shown = crate::escape::text(path);
    if path.is_empty() || path.trim() != path || path.chars().any(char::is_control) {
        return Err(format!(
            "`{shown}` is not a Vault path: it is empty, or has a space at an end or a control \
             character"
        ));
    }
    if path.contains(':') {
        return Err(format!(
            "`{shown}` holds `:`, which separates a path from its capability in \
             `PATH:CAPABILITY`: permspec cannot ask about it"
        ));
    }
    if path.contains('*') || path.contains('+') {
        return Err(format!(
            "`{shown}` is a policy glob; capabilities-self answers about one concrete path"
        ));
    }
    if path.trim_matches('/') == "policy" {
        return Err(format!(
            "`{shown}` cannot be told from the privilege `policy:NAME` (the token's policies)"
        ));
    }
    Ok(())
}

/// A Kubernetes namespace name: an RFC 1123 label (lower-case letters,
/// digits and `-`, at most 63, starting and ending with a letter or digit).
fn namespace(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not a Kubernetes namespace name (lower-case letters, digits and `-`, at \
             most 63)",
            crate::escape::text(name)
        ))
    }
}

/// Refuses a rule entry that names only places the API is not asked about
/// (see the module's documentation). `name` has passed the family's
/// `validate`.
pub(super) fn check_entry(api: &Api, name: &str) -> Result<(), String> {
    let (listed, place, key): (&[String], &str, &str) = match api {
        Api::Vault { paths, .. } => {
            // `policy:NAME` is read from lookup-self, and `*` names
            // policies too: neither depends on the list.
            if name == "*" || name.starts_with("policy:") {
                return Ok(());
            }
            let Some((path, _)) = name.split_once(':') else {
                return Ok(());
            };
            (paths, path, "paths")
        }
        Api::Kubernetes { namespaces, .. } => {
            // Non-resource URLs are the same in every review.
            if name == "*" || name.starts_with('/') {
                return Ok(());
            }
            let Some((ns, _)) = name.split_once('/') else {
                return Ok(());
            };
            (namespaces, ns, "namespaces")
        }
        _ => return Ok(()),
    };
    if listed.iter().any(|l| glob_matches(place, l)) {
        return Ok(());
    }
    Err(format!(
        "`{}` is about `{}`, which `{key}` does not list: the API is asked only about what \
         `{key}` lists, so this entry would check nothing; add it to `{key}`",
        crate::escape::text(name),
        crate::escape::text(place)
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vault_api(paths: &[&str]) -> Api {
        Api::Vault {
            base_url: Template::literal("https://vault.example.com"),
            namespace: None,
            paths: paths.iter().map(|p| p.to_string()).collect(),
        }
    }

    #[test]
    fn an_entry_about_an_unlisted_path_or_namespace_is_refused() {
        let api = vault_api(&["secret/data/app", "sys/mounts"]);
        assert!(check_entry(&api, "secret/data/app:read").is_ok());
        assert!(check_entry(&api, "sys/*:*").is_ok());
        assert!(check_entry(&api, "*:sudo").is_ok());
        assert!(check_entry(&api, "policy:root").is_ok());
        let err = check_entry(&api, "secret/data/payroll:read").unwrap_err();
        assert!(err.contains("`paths` does not list"), "{err}");
        assert!(check_entry(&api, "auth/*:*").is_err());

        let k8s = Api::Kubernetes {
            base_url: Template::literal("https://k8s.example.com"),
            namespaces: vec!["ci".into(), "default".into()],
        };
        assert!(check_entry(&k8s, "ci/pods:get").is_ok());
        assert!(check_entry(&k8s, "*/secrets:*").is_ok());
        assert!(check_entry(&k8s, "/healthz:get").is_ok());
        assert!(check_entry(&k8s, "prod/secrets:get").is_err());
        assert!(check_entry(&k8s, "p*/secrets:get").is_err());
    }

    #[test]
    fn listed_places_must_be_askable() {
        assert!(vault_namespace("team-a") && vault_namespace("team-a/app/"));
        for bad in ["", "/", "//", "team a", "team\ta", "a\nb"] {
            assert!(!vault_namespace(bad), "{bad:?}");
        }
        assert!(vault_path("secret/data/app").is_ok());
        for bad in ["", " x", "a:b", "secret/*", "policy", "/policy/"] {
            assert!(vault_path(bad).is_err(), "{bad:?}");
        }
        assert!(namespace("kube-system").is_ok());
        for bad in ["", "Kube", "-a", "a-", "a_b", &"a".repeat(64)] {
            assert!(namespace(bad).is_err(), "{bad:?}");
        }
    }
}
