//! JWT access tokens, decoded offline. The signature is NOT verified:
//! permspec reads what the token claims, which is what it will present to
//! an API. Every case says so.

use super::Grant;
use super::introspection::{expiry, scope_list};
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

/// The claims that carry privileges unless the spec names others: OAuth's
/// `scope` (RFC 8693 and DocSpace), `scp` (Azure AD, Okta) and `roles`
/// (Azure AD app roles, Keycloak-style role lists). Every one present is
/// read: a token's privileges are all of them.
pub(super) const DEFAULT_CLAIMS: &[&str] = &["scope", "scp", "roles"];

/// Reads the privilege claims (`claims`, or [`DEFAULT_CLAIMS`]) from the
/// decoded token. A token with none of them cannot say what it may do: that
/// is an error, never an empty grant (issue 10, item 5).
pub(super) fn parse(body: &Value, claims: Option<&[String]>) -> Result<Grant, String> {
    let decoded = body
        .get("claims")
        .filter(|c| c.is_object())
        .ok_or_else(|| {
            format!(
                "expected decoded claims `{{\"claims\": {{...}}}}`, found {}",
                kind(body)
            )
        })?;
    let names: Vec<&str> = match claims {
        Some(list) => list.iter().map(String::as_str).collect(),
        None => DEFAULT_CLAIMS.to_vec(),
    };
    let mut privileges = Vec::new();
    let mut found = false;
    let mut missing = Vec::new();
    for name in &names {
        match decoded.get(name) {
            None | Some(Value::Null) => missing.push(*name),
            value => {
                found = true;
                privileges.extend(scope_list(value, name)?);
            }
        }
    }
    if !found {
        return Err(format!(
            "the token has none of the claims {}, so what it may do cannot be read; name the \
             claims that hold its privileges with `claims: [...]`",
            names.join(", ")
        ));
    }
    // A claim the spec names must be there: a misspelt name (`rolse`)
    // would otherwise read as "no such privileges" and pass `forbidden`.
    // Only the defaults are "any of".
    if claims.is_some() && !missing.is_empty() {
        return Err(format!(
            "the token has no claim {}, which the spec's `claims:` names; check the spelling, \
             or remove it from `claims:` if such tokens never carry it",
            missing.join(", ")
        ));
    }
    let mut notes = vec![UNVERIFIED.to_owned()];
    if let Some(Value::String(iss)) = decoded.get("iss") {
        notes.push(format!("issued by {iss}"));
    }
    let expires_at = expiry(decoded.get("exp"))?;
    if let Some(exp) = expires_at {
        notes.push(format!(
            "expires {}",
            crate::time::format_utc(u64::try_from(exp).unwrap_or(0))
        ));
    }
    let mut grant = Grant::new(privileges, notes);
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
    fn scp_roles_and_named_claims() {
        let v = json!({"claims": {"scp": "read:org repo"}});
        assert_eq!(parse(&v, None).unwrap().privileges, ["read:org", "repo"]);
        // Issue 10, item 5: roles carry privileges too; nothing is an error.
        let v = json!({"claims": {"roles": ["admin"], "scp": "read"}});
        assert_eq!(parse(&v, None).unwrap().privileges, ["admin", "read"]);
        let named = ["roles".to_owned()];
        assert_eq!(parse(&v, Some(&named)).unwrap().privileges, ["admin"]);
        let groups = ["groups".to_owned()];
        assert!(
            parse(&v, Some(&groups))
                .unwrap_err()
                .contains("none of the claims groups")
        );
        // Every claim the spec names must be there: a typo is no "none".
        let typo = ["scp".to_owned(), "rolse".to_owned()];
        let e = parse(&v, Some(&typo)).unwrap_err();
        assert!(e.contains("no claim rolse"), "{e}");
        let e = parse(&json!({"claims": {"sub": "x"}}), None).unwrap_err();
        assert!(e.contains("none of the claims scope, scp, roles"), "{e}");
        // An empty scope is a claim: the token holds nothing.
        assert!(
            parse(&json!({"claims": {"scope": ""}}), None)
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

    /// Both alphabets decode, each symbol to its own value: `-`/`+` is 62
    /// and `_`/`/` is 63 (mutation testing: either arm was removable).
    #[test]
    fn both_base64_alphabets_decode() {
        assert_eq!(base64url("-_8"), Some(vec![0xfb, 0xff]));
        assert_eq!(base64url("+/8"), Some(vec![0xfb, 0xff]));
        assert_eq!(base64url("-_8="), Some(vec![0xfb, 0xff]));
        assert_eq!(base64url("a.b"), None);
    }
}
