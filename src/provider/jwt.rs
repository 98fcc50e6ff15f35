//! JWT access tokens, decoded offline. The signature is NOT verified:
//! permspec reads what the token claims, which is what it will present to
//! an API. Every case says so.

use super::Grant;
use super::introspection::scope_list;
use super::kind;
use serde_json::{Value, json};

pub(super) const UNVERIFIED: &str = "the JWT is decoded offline and its signature is not verified";

/// The token's header and claims, `{"header": ..., "claims": ...}`. This is
/// what a fixture stores: never the token, never the signature.
pub(crate) fn decode(token: &str) -> Result<Value, String> {
    let parts: Vec<&str> = token.trim().split('.').collect();
    if parts.len() != 3 {
        return Err(format!(
            "the credential is not a JWT: expected three dot-separated parts, found {}",
            parts.len()
        ));
    }
    let part = |i: usize, what: &str| -> Result<Value, String> {
        let bytes =
            base64url(parts[i]).ok_or_else(|| format!("the JWT {what} is not base64url"))?;
        serde_json::from_slice(&bytes).map_err(|e| format!("the JWT {what} is not JSON: {e}"))
    };
    Ok(json!({"header": part(0, "header")?, "claims": part(1, "payload")?}))
}

fn base64url(s: &str) -> Option<Vec<u8>> {
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    for c in s.trim_end_matches('=').bytes() {
        let v = match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'-' | b'+' => 62,
            b'_' | b'/' => 63,
            _ => return None,
        };
        bits = (bits << 6) | u32::from(v);
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    Some(out)
}

/// Reads `claim` (or `scope`, then `scp`) from the decoded claims.
pub(super) fn parse(body: &Value, claim: Option<&str>) -> Result<Grant, String> {
    let claims = body
        .get("claims")
        .filter(|c| c.is_object())
        .ok_or_else(|| {
            format!(
                "expected decoded claims `{{\"claims\": {{...}}}}`, found {}",
                kind(body)
            )
        })?;
    let (name, value) = match claim {
        Some(c) => (c, claims.get(c)),
        None if claims.get("scope").is_some() => ("scope", claims.get("scope")),
        None => ("scp", claims.get("scp")),
    };
    if value.is_none() && claim.is_some() {
        return Err(format!("the token has no `{name}` claim"));
    }
    let mut notes = vec![UNVERIFIED.to_owned()];
    if let Some(Value::String(iss)) = claims.get("iss") {
        notes.push(format!("issued by {iss}"));
    }
    let expires_at = claims.get("exp").and_then(Value::as_i64);
    if let Some(exp) = expires_at {
        notes.push(format!(
            "expires {}",
            crate::time::format_utc(u64::try_from(exp).unwrap_or(0))
        ));
    }
    let mut grant = Grant::new(scope_list(value, name)?, notes);
    grant.expires_at = expires_at;
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::*;

    // {"alg":"RS256","typ":"at+jwt"}.{"iss":"https://portal.example.com/oauth2","scope":["files:read","rooms:read"],"cid":"app","exp":1795425247}.sig
    const TOKEN: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwczovL3BvcnRhbC5leGFtcGxlLmNvbS9vYXV0aDIiLCJzY29wZSI6WyJmaWxlczpyZWFkIiwicm9vbXM6cmVhZCJdLCJjaWQiOiJhcHAiLCJleHAiOjE3OTU0MjUyNDd9.c2lnbmF0dXJl";

    #[test]
    fn decodes_header_and_claims_and_drops_the_signature() {
        let v = decode(TOKEN).unwrap();
        assert_eq!(v["header"]["alg"], "RS256");
        assert_eq!(v["claims"]["cid"], "app");
        assert!(!v.to_string().contains("c2lnbmF0dXJl"));
        let g = parse(&v, None).unwrap();
        assert_eq!(g.privileges, ["files:read", "rooms:read"]);
        assert_eq!(g.notes[0], UNVERIFIED);
        assert_eq!(g.expires_at, Some(1_795_425_247));
    }

    #[test]
    fn scp_and_named_claims() {
        let v = json!({"claims": {"scp": "read:org repo"}});
        assert_eq!(parse(&v, None).unwrap().privileges, ["read:org", "repo"]);
        let v = json!({"claims": {"roles": ["admin"]}});
        assert_eq!(parse(&v, Some("roles")).unwrap().privileges, ["admin"]);
        assert!(
            parse(&v, Some("groups"))
                .unwrap_err()
                .contains("no `groups` claim")
        );
        assert!(
            parse(&json!({"claims": {}}), None)
                .unwrap()
                .privileges
                .is_empty()
        );
    }

    #[test]
    fn not_a_jwt_is_an_error() {
        assert!(
            decode("sk-abc")
                .unwrap_err()
                .contains("three dot-separated parts")
        );
        assert!(decode("a.b.c").unwrap_err().contains("not JSON"));
        assert!(decode("!!.e30.x").unwrap_err().contains("not base64url"));
        assert!(parse(&json!("x"), None).is_err());
    }
}
