//! The two DocSpace catalogs, so a review notices when DocSpace adds a
//! permission or an OAuth scope: `GET /api/2.0/keys/permissions` and
//! `GET /api/2.0/scopes`. The privileges are the names.

use super::Grant;
use super::docspace::envelope;
use super::kind;
use serde_json::Value;

pub(super) const PERMISSIONS_PATH: &str = "/api/2.0/keys/permissions";
pub(super) const SCOPES_PATH: &str = "/api/2.0/scopes";
/// Hands an authenticated caller the JWT that `/scopes` wants in `x-signature`.
pub(super) const SIGNATURE_PATH: &str = "/api/2.0/security/oauth2/token";

/// `{"response": ["*", "*:read", ...]}`, in the server's locale order.
pub(super) fn parse_permissions(body: &Value) -> Result<Grant, String> {
    let list = envelope(body)?;
    let Value::Array(items) = list else {
        return Err(format!(
            "expected `response` to be a list of names, found {}",
            kind(list)
        ));
    };
    let names = items
        .iter()
        .map(|v| {
            v.as_str()
                .map(str::to_owned)
                .ok_or_else(|| format!("expected names, found {}", kind(v)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Grant::new(names, Vec::new()))
}

/// A bare array of `{name, group, type}` (the identity service), or the same
/// array in the usual envelope (the vendor's sample).
pub(super) fn parse_scopes(body: &Value) -> Result<Grant, String> {
    let list = match body {
        Value::Array(_) => body,
        Value::Object(_) => envelope(body)?,
        other => return Err(format!("expected a list of scopes, found {}", kind(other))),
    };
    let Value::Array(items) = list else {
        return Err(format!("expected a list of scopes, found {}", kind(list)));
    };
    let names = items
        .iter()
        .map(|v| match v.get("name") {
            Some(Value::String(n)) => Ok(n.clone()),
            _ => Err(format!(
                "expected scopes as {{\"name\", \"group\", \"type\"}}, found {v}"
            )),
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Grant::new(names, Vec::new()))
}

/// The signature from `/security/oauth2/token`. Its exact body is not
/// documented (API-FACTS.md); accept the envelope around a string, or an
/// object holding it under a usual name.
pub(super) fn parse_signature(body: &Value) -> Result<String, String> {
    let r = envelope(body).unwrap_or(body);
    let found = match r {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => ["token", "signature", "value", "access_token"]
            .iter()
            .find_map(|k| m.get(*k).and_then(Value::as_str).map(str::to_owned)),
        _ => None,
    };
    found
        .filter(|s| !s.is_empty())
        .ok_or_else(|| "the signature answer holds no token".to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn permissions_catalog_in_any_order() {
        let body = json!({"response": ["files:read", "*", "rooms:write"], "count": 3, "status": 0, "statusCode": 200});
        assert_eq!(
            parse_permissions(&body).unwrap().privileges,
            ["*", "files:read", "rooms:write"]
        );
        assert!(parse_permissions(&json!({"response": [1]})).is_err());
        assert!(parse_permissions(&json!(["files:read"])).is_err());
    }

    #[test]
    fn scopes_bare_or_enveloped() {
        let bare = json!([
            {"group": "profiles", "name": "accounts.self:read", "type": "read"},
            {"type": "openid", "name": "openid", "group": "openid"}
        ]);
        assert_eq!(
            parse_scopes(&bare).unwrap().privileges,
            ["accounts.self:read", "openid"]
        );
        let wrapped = json!({"response": bare, "count": 2, "status": 0, "statusCode": 200});
        assert_eq!(
            parse_scopes(&wrapped).unwrap().privileges,
            ["accounts.self:read", "openid"]
        );
        assert!(parse_scopes(&json!([{"group": "x"}])).is_err());
        assert!(parse_scopes(&json!("openid")).is_err());
    }

    #[test]
    fn signature_in_the_usual_places() {
        assert_eq!(
            parse_signature(&json!({"response": "eyJ.sig"})).unwrap(),
            "eyJ.sig"
        );
        assert_eq!(
            parse_signature(&json!({"response": {"token": "t"}})).unwrap(),
            "t"
        );
        assert!(parse_signature(&json!({"response": {}})).is_err());
    }
}
