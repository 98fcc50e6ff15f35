//! GitLab personal, project and group access tokens.
//!
//! `GET /api/v4/personal_access_tokens/self` (GitLab 15.5 and later;
//! gitlab-org/gitlab `doc/api/personal_access_tokens.md`, "Get details on a
//! personal access token"; `lib/api/personal_access_tokens/self_information.rb`)
//! answers the token's own record:
//! `{id, name, revoked, created_at, description, scopes: [...], user_id,
//! last_used_at, active, expires_at: "YYYY-MM-DD" | null}`. Project and
//! group access tokens are personal tokens of a bot user and answer the
//! same way.

use super::{Grant, kind};
use serde_json::Value;

pub(crate) const PATH: &str = "/api/v4/personal_access_tokens/self";

/// The default prefix of personal, project and group access tokens
/// (`glpat-`; doc/security/tokens/index.md, "Token prefixes"). An instance
/// may configure its own, which this check then refuses to trust a 401 for.
pub(crate) const TOKEN_PREFIXES: &[&str] = &["glpat-"];

pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let Value::Object(map) = body else {
        return Err(format!("expected a token object, found {}", kind(body)));
    };
    // Each fact is required: a missing `revoked` read as `false` would
    // pass a revoked token (issue 10, item 5).
    let flag = |key: &str| match map.get(key) {
        Some(Value::Bool(b)) => Ok(*b),
        Some(other) => Err(format!(
            "expected `{key}` to be true or false, found {}",
            kind(other)
        )),
        None => Err(format!("the answer has no `{key}` member")),
    };
    let (active, revoked) = (flag("active")?, flag("revoked")?);
    // GitLab creates no token without a scope: an empty list is not its
    // answer, and read as "holds nothing" it would pass every rule.
    let scopes = match map.get("scopes") {
        Some(Value::Array(items)) if items.is_empty() => {
            return Err("`scopes` is empty; GitLab gives every token at least one".to_owned());
        }
        Some(Value::Array(items)) => items
            .iter()
            .map(|s| match s {
                Value::String(s) => Ok(s.clone()),
                other => Err(format!("expected scope names, found {}", kind(other))),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!(
                "expected `scopes` to be a list, found {}",
                kind(other)
            ));
        }
        None => return Err("the answer has no `scopes` member".to_owned()),
    };
    // A date: the token stops working at the start of that day, UTC
    // (doc/user/profile/personal_access_tokens.md: tokens "expire on that
    // date at midnight UTC").
    // Required: GitLab writes `null` for a token that never expires, so a
    // missing member is not "never" (issue 35, item 9).
    let expires_at = match map.get("expires_at") {
        None => {
            return Err(
                "the answer has no `expires_at` member (GitLab sends `null` for a token that \
                 never expires), so its expiry is unknown"
                    .to_owned(),
            );
        }
        Some(Value::Null) => None,
        Some(Value::String(s)) => Some(crate::time::parse_date(s).map(|d| d * 86_400).ok_or_else(
            || {
                format!(
                    "`expires_at: {}` is not a date (YYYY-MM-DD)",
                    crate::escape::text(s)
                )
            },
        )?),
        Some(other) => {
            return Err(format!(
                "expected `expires_at` to be a date, found {}",
                kind(other)
            ));
        }
    };
    let mut notes = Vec::new();
    if let Some(Value::String(name)) = map.get("name") {
        notes.push(format!("token name: {name}"));
    }
    if let Some(at) = expires_at {
        notes.push(format!(
            "expires {}",
            crate::time::format_utc(u64::try_from(at).unwrap_or(0))
        ));
    }
    let live = active && !revoked;
    if revoked {
        notes.push("GitLab says the token is revoked".to_owned());
    } else if !active {
        notes.push("GitLab says the token is not active (expired?)".to_owned());
    }
    // An inactive token's scopes grant nothing; they are kept in a note.
    let privileges = if live {
        scopes
    } else {
        if !scopes.is_empty() {
            notes.push(format!("its scopes were: {}", scopes.join(", ")));
        }
        Vec::new()
    };
    let mut grant = Grant::new(privileges, notes);
    grant.active = Some(live);
    grant.expires_at = expires_at;
    grant.identity = match map.get("id") {
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    Ok(grant)
}

/// Whether a refusal is GitLab's word on the token itself: 401 with
/// `{"error": "invalid_token"}`, which it sends for a token it knows and
/// will not take, revoked or expired (lib/api/api_guard.rb,
/// lib/gitlab/auth/auth_finders.rb). Not its `{"message": "401
/// Unauthorized"}`: GitLab sends that for an unknown token and for a
/// request with no token at all (a proxy that drops `Authorization`), so
/// it proves nothing about the token.
pub(super) fn refuses_token(status: u16, body: &Value) -> bool {
    status == 401 && body.get("error").and_then(Value::as_str) == Some("invalid_token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn token(extra: Value) -> Value {
        let mut base = json!({
            "id": 42, "name": "ci-reader", "revoked": false, "created_at": "2026-01-01T00:00:00.000Z",
            "description": "", "scopes": ["read_api", "read_repository"], "user_id": 7,
            "last_used_at": null, "active": true, "expires_at": "2027-01-31"
        });
        for (k, v) in extra.as_object().unwrap() {
            base[k] = v.clone();
        }
        base
    }

    #[test]
    fn reads_scopes_activity_and_expiry() {
        let g = parse(&token(json!({}))).unwrap();
        assert_eq!(g.privileges, ["read_api", "read_repository"]);
        assert_eq!(g.active, Some(true));
        assert_eq!(
            g.expires_at,
            crate::time::parse_timestamp("2027-01-31T00:00:00Z")
        );
        assert_eq!(
            parse(&token(json!({"expires_at": null})))
                .unwrap()
                .expires_at,
            None
        );
    }

    #[test]
    fn revoked_or_inactive_holds_nothing() {
        for extra in [json!({"revoked": true}), json!({"active": false})] {
            let g = parse(&token(extra)).unwrap();
            assert_eq!(g.active, Some(false));
            assert!(g.privileges.is_empty());
        }
    }

    #[test]
    fn a_missing_or_mistyped_fact_is_an_error() {
        for key in ["active", "revoked", "scopes"] {
            let mut t = token(json!({}));
            t.as_object_mut().unwrap().remove(key);
            assert!(parse(&t).is_err(), "{key}");
        }
        assert!(parse(&token(json!({"revoked": "false"}))).is_err());
        assert!(parse(&token(json!({"scopes": "api"}))).is_err());
        assert!(parse(&token(json!({"scopes": []}))).is_err());
        assert!(parse(&token(json!({"expires_at": "31/01/2027"}))).is_err());
        assert!(parse(&token(json!({"expires_at": 1_800_000_000}))).is_err());
    }

    #[test]
    fn only_gitlabs_refusal_counts() {
        // Also GitLab's answer to no token at all.
        assert!(!refuses_token(401, &json!({"message": "401 Unauthorized"})));
        assert!(refuses_token(
            401,
            &json!({"error": "invalid_token", "error_description": "Token was revoked."})
        ));
        assert!(!refuses_token(403, &json!({"message": "403 Forbidden"})));
        assert!(!refuses_token(401, &Value::Null));
    }

    /// The notes say why a token grants nothing and what it held; the
    /// token's numeric `id` is its identity.
    #[test]
    fn notes_and_identity() {
        let says = |g: &Grant, words: &str| g.notes.iter().any(|n| n.contains(words));
        let g = parse(&token(json!({}))).unwrap();
        assert_eq!(g.identity.as_deref(), Some("42"));
        assert!(!says(&g, "not active"), "{:?}", g.notes);
        assert!(!says(&g, "its scopes were"), "{:?}", g.notes);
        let g = parse(&token(json!({"active": false}))).unwrap();
        assert!(g.privileges.is_empty());
        assert!(says(&g, "not active"), "{:?}", g.notes);
        assert!(
            g.notes
                .iter()
                .any(|n| n == "its scopes were: read_api, read_repository"),
            "{:?}",
            g.notes
        );
        let g = parse(&token(json!({"id": "42"}))).unwrap();
        assert_eq!(g.identity, None);
    }
}
