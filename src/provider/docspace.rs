//! DocSpace API keys: `GET /api/2.0/keys/@self` (API-FACTS.md).
//!
//! The vendor documents `GET /api/2.0/keys/permissions` as "the current
//! token's permissions", but the server returns the catalog of every
//! permission name. Only `/keys/@self` tells what one key holds.

use super::{Grant, kind};
use serde_json::Value;

pub(super) const KEY_SELF_PATH: &str = "/api/2.0/keys/@self";
pub(super) const LOGIN_PATH: &str = "/api/2.0/authentication";
/// Every key of the portal; needs an admin key.
pub(crate) const KEYS_PATH: &str = "/api/2.0/keys";

/// One key of the portal, as `GET /api/2.0/keys` lists it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct KeyInfo {
    pub id: String,
    pub name: String,
    pub postfix: String,
    pub permissions: Vec<String>,
}

/// The envelope around the list of every key.
pub(crate) fn parse_key_list(body: &Value) -> Result<Vec<KeyInfo>, String> {
    let Value::Array(keys) = envelope(body)? else {
        return Err("expected `response` to be the list of keys".to_owned());
    };
    keys.iter()
        .map(|k| {
            let field = |name: &str| {
                k.get(name)
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned()
            };
            let id = field("id");
            if id.is_empty() {
                return Err(format!("a key without an `id`: {k}"));
            }
            let grant = parse_key(&serde_json::json!({ "response": k }))?;
            Ok(KeyInfo {
                id,
                name: field("name"),
                postfix: field("keyPostfix"),
                permissions: grant.privileges,
            })
        })
        .collect()
}

/// The personal access token from `POST /api/2.0/authentication`. With
/// two-factor authentication on, the server answers `tfa: true` and no token.
pub(super) fn parse_login(body: &Value) -> Result<String, String> {
    let r = envelope(body)?;
    if r.get("tfa") == Some(&Value::Bool(true)) || r.get("sms") == Some(&Value::Bool(true)) {
        return Err(
            "two-factor authentication is on for this account, so a password alone \
                    cannot sign in; use an API key (`{ env: NAME }`) instead"
                .to_owned(),
        );
    }
    match r.get("token") {
        Some(Value::String(t)) if !t.is_empty() => Ok(t.clone()),
        _ => Err("the sign-in answer has no `response.token`".to_owned()),
    }
}

pub(super) fn explain_login_status(status: u16, body: &str) -> String {
    let detail = error_message(body)
        .map(|m| format!(" (server said: {m})"))
        .unwrap_or_default();
    match status {
        401 => format!("sign-in failed: the portal rejected the user name or password{detail}"),
        403 => format!("sign-in refused: too many attempts, or the account is blocked{detail}"),
        _ => format!("sign-in failed with HTTP {status}{detail}"),
    }
}

/// Reads `response.permissions` from the envelope. An empty or absent list
/// is how the server stores a full-access key: it is reported as `*`.
pub(super) fn parse_key(body: &Value) -> Result<Grant, String> {
    let key = envelope(body)?;
    if !key.is_object() {
        return Err(format!(
            "expected `response` to be the key object, found {}",
            kind(key)
        ));
    }
    let mut notes = Vec::new();
    let listed = match key.get("permissions") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                // DocSpace's wildcards are `*`, `*:read` and `*:write`. Any
                // other (`files:*`) has no meaning permspec can read: it
                // would be taken for read and write, and miss a level a
                // spec declares (fail closed).
                Value::String(s)
                    if s.contains('*') && !matches!(s.as_str(), "*" | "*:read" | "*:write") =>
                {
                    Err(format!(
                        "the key reports the permission `{}`, a wildcard DocSpace does not grant \
                         (its wildcards are `*`, `*:read` and `*:write`): permspec cannot tell \
                         what it gives",
                        crate::escape::text(s)
                    ))
                }
                Value::String(s) => Ok(s.clone()),
                other => Err(format!(
                    "expected `response.permissions` to hold strings, found {}",
                    kind(other)
                )),
            })
            .collect::<Result<Vec<_>, _>>()?,
        Some(other) => {
            return Err(format!(
                "expected `response.permissions` to be a list, found {}",
                kind(other)
            ));
        }
    };
    let privileges = if listed.is_empty() {
        notes.push(
            "full access: the key has an empty permission list, which DocSpace treats as `*` \
             (every route, read and write)"
                .to_owned(),
        );
        vec!["*".to_owned()]
    } else {
        listed
    };
    // The key answered for itself, so it works unless it says otherwise;
    // a flag of another type is an error, never a default (issue 10, item 5).
    let active = match key.get("isActive") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(b)) => *b,
        Some(other) => {
            return Err(format!(
                "expected `response.isActive` to be true or false, found {}",
                kind(other)
            ));
        }
    };
    if !active {
        notes.push("the key is disabled (`isActive: false`)".to_owned());
    }
    // Absent: the key never expires (API-FACTS.md). Present: a timestamp.
    let expires_at = match key.get("expiresAt") {
        None | Some(Value::Null) => None,
        Some(Value::String(at)) => {
            let t = crate::time::parse_timestamp(at).ok_or_else(|| {
                format!(
                    "`response.expiresAt` is not a timestamp: {}",
                    Value::String(at.clone())
                )
            })?;
            notes.push(format!("expires {at}"));
            Some(t)
        }
        Some(other) => {
            return Err(format!(
                "expected `response.expiresAt` to be a timestamp, found {}",
                kind(other)
            ));
        }
    };
    let mut grant = Grant::new(privileges, notes);
    grant.active = Some(active);
    grant.expires_at = expires_at;
    grant.identity = key.get("id").and_then(Value::as_str).map(str::to_owned);
    Ok(grant)
}

/// DocSpace wraps every JSON success body in `{"response": ..., "status": 0, ...}`.
pub(super) fn envelope(body: &Value) -> Result<&Value, String> {
    match body {
        Value::Object(map) => map.get("response").ok_or_else(|| {
            "expected DocSpace's envelope `{\"response\": ...}`, found an object without `response`"
                .to_owned()
        }),
        other => Err(format!(
            "expected DocSpace's envelope `{{\"response\": ...}}`, found {}",
            kind(other)
        )),
    }
}

pub(super) fn explain_status(status: u16, body: &str) -> String {
    let detail = error_message(body)
        .map(|m| format!(" (server said: {m})"))
        .unwrap_or_default();
    match status {
        401 => format!(
            "the API rejected the credential: unknown, expired or disabled key{detail}; \
             DocSpace also answers 401 when `Bearer` is missing before the key"
        ),
        403 => format!("the credential may not call this endpoint: a scope is missing{detail}"),
        404 => format!(
            "not found: is `base_url` the portal's address (https://portal.example.com)?{detail}"
        ),
        _ => format!("the API answered HTTP {status}{detail}"),
    }
}

/// DocSpace's JSON errors: `{"error": {"message": ...}, "status": 1, ...}`.
fn error_message(body: &str) -> Option<String> {
    let v: Value = serde_json::from_str(body).ok()?;
    v.pointer("/error/message")?.as_str().map(str::to_owned)
}

/// A DocSpace API key is `sk-` and the key's characters (API-FACTS.md,
/// "Credentials": `Bearer sk-<64 lowercase hex>`). Anything else the
/// portal refuses says nothing about a key.
pub(crate) const KEY_PREFIXES: &[&str] = &["sk-"];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn envelope_of(key: Value) -> Value {
        json!({"response": key, "count": 1, "links": [], "status": 0, "statusCode": 200})
    }

    #[test]
    fn reads_the_permissions_of_the_key() {
        let g = parse_key(&envelope_of(json!({
            "id": "6f1c", "name": "ci", "permissions": ["files:write", "files:read"],
            "isActive": true, "expiresAt": "2027-10-01T12:00:00.0000000Z"
        })))
        .unwrap();
        assert_eq!(g.privileges, ["files:read", "files:write"]);
        assert_eq!(g.notes, ["expires 2027-10-01T12:00:00.0000000Z"]);
    }

    #[test]
    fn empty_or_absent_permissions_mean_full_access() {
        for key in [
            json!({"permissions": []}),
            json!({"name": "k"}),
            json!({"permissions": null}),
        ] {
            let g = parse_key(&envelope_of(key)).unwrap();
            assert_eq!(g.privileges, ["*"]);
            assert!(g.notes[0].starts_with("full access"), "{:?}", g.notes);
        }
    }

    #[test]
    fn wrong_shapes_are_errors_that_say_what_was_found() {
        let e = parse_key(&json!(["files:read"])).unwrap_err();
        assert!(e.contains("found a list"), "{e}");
        let e = parse_key(&json!({"permissions": ["files:read"]})).unwrap_err();
        assert!(e.contains("without `response`"), "{e}");
        let e = parse_key(&envelope_of(json!({"permissions": "files:read"}))).unwrap_err();
        assert!(e.contains("to be a list, found a string"), "{e}");
        let e = parse_key(&envelope_of(json!({"permissions": ["files:*"]}))).unwrap_err();
        assert!(e.contains("a wildcard DocSpace does not grant"), "{e}");
        for known in ["*", "*:read", "*:write"] {
            assert!(parse_key(&envelope_of(json!({"permissions": [known]}))).is_ok());
        }
        let e = parse_key(&envelope_of(json!({"permissions": [1]}))).unwrap_err();
        assert!(e.contains("hold strings, found a number"), "{e}");
        let e = parse_key(&envelope_of(json!("x"))).unwrap_err();
        assert!(e.contains("key object"), "{e}");
        // Issue 10, item 5: activity and expiry are typed or an error.
        let e = parse_key(&envelope_of(json!({"isActive": "false"}))).unwrap_err();
        assert!(
            e.contains("`response.isActive` to be true or false, found a string"),
            "{e}"
        );
        let e = parse_key(&envelope_of(json!({"expiresAt": 12}))).unwrap_err();
        assert!(
            e.contains("`response.expiresAt` to be a timestamp, found a number"),
            "{e}"
        );
        let e = parse_key(&envelope_of(json!({"expiresAt": "soon"}))).unwrap_err();
        assert!(e.contains("is not a timestamp: \"soon\""), "{e}");
    }

    #[test]
    fn login_gives_the_token_or_says_why_not() {
        let ok = json!({"response": {"token": "tok", "expires": "2027-06-30T10:13:11Z", "sms": false, "tfa": false}});
        assert_eq!(parse_login(&ok).unwrap(), "tok");
        let tfa =
            json!({"response": {"tfa": true, "confirmUrl": "https://p/confirm"}, "status": 0});
        assert!(
            parse_login(&tfa)
                .unwrap_err()
                .starts_with("two-factor authentication is on for this account")
        );
        assert!(parse_login(&json!({"response": {}})).is_err());
        // An empty token is no token: it would sign every request in as no one.
        assert!(parse_login(&json!({"response": {"token": ""}})).is_err());
        let body =
            r#"{"error":{"message":"User authentication failed"},"status":1,"statusCode":401}"#;
        assert_eq!(
            explain_login_status(401, body),
            "sign-in failed: the portal rejected the user name or password (server said: User authentication failed)"
        );
    }

    #[test]
    fn statuses_are_explained() {
        assert!(explain_status(401, "").starts_with("the API rejected the credential"));
        let body = r#"{"error":{"message":"User authentication failed","type":null},"status":1,"statusCode":401}"#;
        assert!(explain_status(401, body).contains("server said: User authentication failed"));
        assert!(explain_status(403, "").contains("scope"));
        assert_eq!(explain_status(500, "<html>"), "the API answered HTTP 500");
    }

    /// The inventory's list: every key, each with its id, name, postfix and
    /// permissions; a key without an id or with a wrong shape fails the
    /// whole list (an inventory that drops a key would hide it).
    #[test]
    fn the_key_list_keeps_every_key() {
        let list = envelope_of(json!([
            {"id": "6f1c", "name": "ci", "keyPostfix": "ab12", "permissions": ["files:read"], "isActive": true},
            {"id": "7a2d", "name": "admin", "keyPostfix": "cd34", "permissions": [], "isActive": true}
        ]));
        let keys = parse_key_list(&list).unwrap();
        assert_eq!(keys.len(), 2);
        assert_eq!(
            (
                keys[0].id.as_str(),
                keys[0].name.as_str(),
                keys[0].postfix.as_str()
            ),
            ("6f1c", "ci", "ab12")
        );
        assert_eq!(keys[0].permissions, ["files:read"]);
        assert_eq!(keys[1].permissions, ["*"]);
        assert!(parse_key_list(&envelope_of(json!([{"name": "no id"}]))).is_err());
        assert!(parse_key_list(&envelope_of(json!({"id": "6f1c"}))).is_err());
        let bad = envelope_of(json!([{"id": "6f1c", "permissions": "files:read"}]));
        assert!(parse_key_list(&bad).is_err());
    }
}
