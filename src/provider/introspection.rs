//! OAuth 2.0 token introspection (RFC 7662), as any standard server answers.

use super::Grant;
use super::kind;
use serde_json::Value;

/// `{"active": true, "scope": "a b", "client_id": ..., "exp": ...}`.
/// `scope` is a space-separated string (RFC 7662) or a JSON array (Spring,
/// DocSpace's claim); no `scope` key means no scopes.
pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let Value::Object(map) = body else {
        return Err(format!(
            "expected an introspection object, found {}",
            kind(body)
        ));
    };
    let active = match map.get("active") {
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(format!(
                "expected `active` to be true or false, found {}",
                kind(other)
            ));
        }
        None => return Err("the answer has no `active` member, which RFC 7662 requires".to_owned()),
    };
    let mut notes = Vec::new();
    if let Some(Value::String(client)) = map.get("client_id") {
        notes.push(format!("issued to client {client}"));
    }
    let expires_at = expiry(map.get("exp"))?;
    if let Some(exp) = expires_at {
        notes.push(format!(
            "expires {}",
            crate::time::format_utc(u64::try_from(exp).unwrap_or(0))
        ));
    }
    // RFC 7662 makes `scope` optional, so an answer without it cannot tell
    // a token with no scope from a server that does not say: for an active
    // token it is required (issue 35); `"scope": ""` says "none".
    let privileges = match (active, map.get("scope")) {
        (false, _) => Vec::new(),
        (true, None | Some(Value::Null)) => {
            return Err(
                "the answer has no `scope`: RFC 7662 lets a server leave it out, so nothing \
                 here says what the token may do (a server that means \"no scope\" sends \
                 `\"scope\": \"\"`)"
                    .to_owned(),
            );
        }
        (true, scope) => scope_list(scope, "scope")?,
    };
    let mut grant = Grant::new(privileges, notes);
    grant.active = Some(active);
    grant.expires_at = expires_at;
    Ok(grant)
}

/// `exp`, seconds since the epoch (RFC 7662, RFC 7519's NumericDate, which
/// may have a fraction). Absent means no expiry; any other type is an
/// error, never "no expiry" (issue 10, item 5).
pub(super) fn expiry(value: Option<&Value>) -> Result<Option<i64>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => n
            .as_i64()
            .or_else(|| {
                n.as_f64()
                    .filter(|f| f.is_finite())
                    .map(|f| f.floor() as i64)
            })
            .map(Some)
            .ok_or_else(|| format!("`exp` is not a time: {n}")),
        Some(other) => Err(format!(
            "expected `exp` to be a number of seconds, found {}",
            kind(other)
        )),
    }
}

/// A scope claim or member: a space-separated string or a list of strings.
pub(super) fn scope_list(value: Option<&Value>, name: &str) -> Result<Vec<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::String(s)) => Ok(s.split_whitespace().map(str::to_owned).collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_owned)
                    .ok_or_else(|| format!("expected `{name}` to hold strings, found {}", kind(v)))
            })
            .collect(),
        Some(other) => Err(format!(
            "expected `{name}` to be a string or a list, found {}",
            kind(other)
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn scope_as_string_or_array_or_absent() {
        let g = parse(&json!({"active": true, "scope": "files:read rooms:read", "client_id": "files-reader", "exp": 1795425247})).unwrap();
        assert_eq!(g.privileges, ["files:read", "rooms:read"]);
        assert_eq!(g.active, Some(true));
        assert_eq!(
            g.notes,
            [
                "issued to client files-reader",
                "expires 2026-11-23T09:14:07Z"
            ]
        );
        let g = parse(&json!({"active": true, "scope": ["rooms:write", "files:read"]})).unwrap();
        assert_eq!(g.privileges, ["files:read", "rooms:write"]);
        // "No scope" is said, never assumed (issue 35).
        let g = parse(&json!({"active": true, "client_id": "x", "scope": ""})).unwrap();
        assert!(g.privileges.is_empty());
        for silent in [
            json!({"active": true}),
            json!({"active": true, "scope": null}),
        ] {
            let e = parse(&silent).unwrap_err();
            assert!(e.contains("the answer has no `scope`"), "{e}");
        }
    }

    #[test]
    fn inactive_tokens_have_no_privileges() {
        let g = parse(&json!({"active": false})).unwrap();
        assert_eq!((g.active, g.privileges.len()), (Some(false), 0));
    }

    #[test]
    fn malformed_answers_are_errors() {
        assert!(
            parse(&json!({"scope": "a"}))
                .unwrap_err()
                .contains("RFC 7662")
        );
        assert!(parse(&json!({"active": "yes"})).is_err());
        assert!(parse(&json!({"active": true, "scope": 3})).is_err());
        assert!(parse(&json!({"active": true, "scope": [1]})).is_err());
        assert!(parse(&json!([])).is_err());
        // Issue 10, item 5: a mistyped expiry is an error, not "never".
        let e = parse(&json!({"active": true, "exp": "tomorrow"})).unwrap_err();
        assert!(
            e.contains("expected `exp` to be a number of seconds, found a string"),
            "{e}"
        );
        assert_eq!(
            parse(&json!({"active": true, "scope": "a", "exp": 1795425247.5}))
                .unwrap()
                .expires_at,
            Some(1_795_425_247)
        );
    }
}
