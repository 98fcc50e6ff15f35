//! Google OAuth 2.0 access tokens, through the tokeninfo endpoint.
//!
//! `GET https://oauth2.googleapis.com/tokeninfo?access_token=...`
//! (developers.google.com/identity/protocols/oauth2, "Token information";
//! developers.google.com/identity/sign-in/web/backend-auth, "Calling the
//! tokeninfo endpoint") answers
//! `{"azp", "aud", "sub"?, "scope": "a b", "exp": "<epoch seconds>",
//! "expires_in": "<seconds>", "email"?, "email_verified"?, "access_type"}`:
//! numbers written as strings. An invalid or expired token gets HTTP 400
//! with `{"error": "invalid_token", "error_description": "Invalid Value"}`.
//! The token goes in the query, the only way the endpoint takes it; the
//! fixture stores the address with it `[REDACTED]`, and no output shows it.

use super::{Grant, kind};
use serde_json::Value;

pub(crate) const PATH: &str = "/tokeninfo";
pub(crate) const TOKEN_PARAM: &str = "access_token";

/// Google's access tokens begin `ya29.` (developers.google.com/identity/protocols/oauth2,
/// "Token types" shows them so; the format is not a contract, so this is
/// used only to trust a refusal, never to read a grant).
pub(crate) const TOKEN_PREFIXES: &[&str] = &["ya29."];

pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let Value::Object(map) = body else {
        return Err(format!("expected a tokeninfo object, found {}", kind(body)));
    };
    // A scope-less answer is not an empty grant: every access token has at
    // least one scope, so a missing `scope` is not Google's answer.
    let scopes = match map.get("scope") {
        Some(Value::String(s)) if !s.trim().is_empty() => {
            s.split_whitespace().map(str::to_owned).collect()
        }
        Some(Value::String(_)) => {
            return Err("`scope` is empty; every Google access token has a scope".to_owned());
        }
        Some(other) => {
            return Err(format!(
                "expected `scope` to be a string, found {}",
                kind(other)
            ));
        }
        None => return Err("the answer has no `scope` member".to_owned()),
    };
    // Access tokens always expire: a missing `exp` is not "never".
    let exp = match map.get("exp") {
        Some(Value::String(s)) => s.parse::<i64>().ok(),
        Some(Value::Number(n)) => n.as_i64(),
        _ => None,
    }
    .ok_or_else(|| "the answer has no `exp` in seconds since the epoch".to_owned())?;
    let mut notes = vec![format!(
        "expires {}",
        crate::time::format_utc(u64::try_from(exp).unwrap_or(0))
    )];
    if let Some(Value::String(azp)) = map.get("azp") {
        notes.push(format!("issued to client {azp}"));
    }
    let mut grant = Grant::new(scopes, notes);
    grant.active = Some(true);
    grant.expires_at = Some(exp);
    Ok(grant)
}

/// Google's refusal of a token it does not accept.
pub(super) fn refuses_token(status: u16, body: &Value) -> bool {
    status == 400 && body.get("error").and_then(Value::as_str) == Some("invalid_token")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_scopes_and_expiry() {
        let g = parse(&json!({
            "azp": "1234.apps.googleusercontent.com", "aud": "1234.apps.googleusercontent.com",
            "scope": "https://www.googleapis.com/auth/drive.readonly openid",
            "exp": "1800000000", "expires_in": "3599", "access_type": "online"
        }))
        .unwrap();
        assert_eq!(
            g.privileges,
            ["https://www.googleapis.com/auth/drive.readonly", "openid"]
        );
        assert_eq!(g.expires_at, Some(1_800_000_000));
        assert_eq!(g.active, Some(true));
    }

    #[test]
    fn missing_facts_are_errors() {
        assert!(parse(&json!({"exp": "1800000000"})).is_err());
        assert!(parse(&json!({"scope": "openid"})).is_err());
        assert!(parse(&json!({"scope": "openid", "exp": "soon"})).is_err());
        assert!(parse(&json!({"scope": ["openid"], "exp": "1"})).is_err());
        assert!(parse(&json!({"scope": " ", "exp": "1800000000"})).is_err());
    }

    #[test]
    fn only_invalid_token_is_a_refusal() {
        assert!(refuses_token(
            400,
            &json!({"error": "invalid_token", "error_description": "Invalid Value"})
        ));
        assert!(!refuses_token(400, &json!({"error": "invalid_request"})));
        assert!(!refuses_token(401, &json!({"error": "invalid_token"})));
    }

    /// `exp` as a JSON number counts as well as the documented string.
    #[test]
    fn a_numeric_exp_is_read() {
        let g = parse(&json!({"scope": "openid", "exp": 1800000000})).unwrap();
        assert_eq!(g.expires_at, Some(1_800_000_000));
        assert!(parse(&json!({"scope": "openid", "exp": "soon"})).is_err());
    }
}
