//! Coveo: the privileges of an access token,
//! `POST {base}/rest/organizations/{org}/privileges/token?accessToken=<token>`.
//! Two response shapes exist in the wild (API-FACTS.md); both parse.

use super::Grant;
use crate::privilege::coveo::canonical;
use serde_json::Value;

/// The regions' base URLs.
pub(crate) const REGIONS: &[(&str, &str)] = &[
    ("us", "https://platform.cloud.coveo.com"),
    ("eu", "https://platform-eu.cloud.coveo.com"),
    ("au", "https://platform-au.cloud.coveo.com"),
    ("ca", "https://platform-ca.cloud.coveo.com"),
    ("hipaa", "https://platformhipaa.cloud.coveo.com"),
];

pub(super) fn path(organization: &str) -> String {
    format!("/rest/organizations/{organization}/privileges/token")
}

pub(super) fn parse(body: &Value) -> Result<Grant, String> {
    let Value::Array(items) = body else {
        return Err(format!(
            "expected a list of privileges, found {}",
            super::kind(body)
        ));
    };
    let mut privileges = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let field = |name: &str| item.get(name).and_then(Value::as_str);
        let (Some(owner), Some(domain)) = (field("owner"), field("targetDomain")) else {
            return Err(format!(
                "privilege {i} has no `owner` or `targetDomain`: {item}"
            ));
        };
        let kind = field("type");
        match item.get("targetIds") {
            // The legacy shape: a list of ids, empty meaning every resource.
            Some(Value::Array(ids)) if !ids.is_empty() => {
                for id in ids {
                    let id = id
                        .as_str()
                        .ok_or_else(|| format!("privilege {i} has a non-string target id: {id}"))?;
                    privileges.push(canonical(owner, domain, kind, Some(id)));
                }
            }
            _ => privileges.push(canonical(owner, domain, kind, field("targetId"))),
        }
    }
    Ok(Grant::new(privileges, Vec::new()))
}

/// Coveo's errors: `{"message", "errorCode", "requestID"}`.
pub(super) fn explain_status(status: u16, body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let code = v.get("errorCode").and_then(Value::as_str);
    let message = v.get("message").and_then(Value::as_str);
    let request = v.get("requestID").and_then(Value::as_str);
    let meaning = match (status, code) {
        (401, Some("INVALID_TOKEN")) => {
            "the token is expired, disabled or deleted, or an IP restriction blocks it"
        }
        (401, _) => "the API rejected the credential: no valid authentication",
        (403, _) => "the caller may not inspect this token in this organization",
        (400, Some("ORGANIZATION_IS_PAUSED")) => "the organization is paused",
        (404, _) => "not found: check `organization` and the region",
        _ => "the API refused the request",
    };
    let mut text = meaning.to_owned();
    match (code, message) {
        (Some(c), Some(m)) => text.push_str(&format!(" ({c}: {m})")),
        (Some(c), None) => text.push_str(&format!(" ({c})")),
        (None, Some(m)) => text.push_str(&format!(" ({m})")),
        (None, None) => {}
    }
    if let Some(r) = request {
        text.push_str(&format!(", request id {r}"));
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn current_shape_with_targets_and_levels() {
        let body = json!([
            {"owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*"},
            {"owner": "USAGE_ANALYTICS", "targetDomain": "ANALYTICS_DATA", "type": "EDIT", "targetId": "*"},
            {"owner": "PLATFORM", "targetDomain": "SOURCE", "type": "EDIT", "targetId": "myorgid-vx3abcxyz7k2"},
            {"owner": "COVEO_ML", "targetDomain": "ALLOW_CONTENT_PREVIEW", "type": "ENABLE", "level": "GLOBAL", "extra": 1}
        ]);
        assert_eq!(
            parse(&body).unwrap().privileges,
            [
                "COVEO_ML:ALLOW_CONTENT_PREVIEW:ENABLE",
                "PLATFORM:SOURCE:EDIT@myorgid-vx3abcxyz7k2",
                "SEARCH_API:EXECUTE_QUERY",
                "USAGE_ANALYTICS:ANALYTICS_DATA:EDIT",
            ]
        );
    }

    #[test]
    fn legacy_shape_with_target_id_lists() {
        let body = json!([
            {"targetDomain": "EXECUTE_QUERY", "targetIds": [], "owner": "SEARCH_API", "global": false},
            {"type": "EDIT", "targetDomain": "ANALYTICS_DATA", "targetIds": [], "owner": "USAGE_ANALYTICS", "global": false},
            {"type": "VIEW", "targetDomain": "SOURCE", "targetIds": ["a", "b"], "owner": "PLATFORM"}
        ]);
        assert_eq!(
            parse(&body).unwrap().privileges,
            [
                "PLATFORM:SOURCE:VIEW@a",
                "PLATFORM:SOURCE:VIEW@b",
                "SEARCH_API:EXECUTE_QUERY",
                "USAGE_ANALYTICS:ANALYTICS_DATA:EDIT"
            ]
        );
    }

    #[test]
    fn bad_shapes_are_errors() {
        assert!(parse(&json!({"message": "x"})).is_err());
        assert!(parse(&json!([{"owner": "PLATFORM"}])).is_err());
        assert!(
            parse(&json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "targetIds": [1]}]))
                .is_err()
        );
        assert_eq!(parse(&json!([])).unwrap().privileges, Vec::<String>::new());
    }

    #[test]
    fn errors_carry_code_message_and_request_id() {
        let body = r#"{"message": "Token is expired.", "errorCode": "INVALID_TOKEN", "requestID": "7f3c-11"}"#;
        assert_eq!(
            explain_status(401, body),
            "the token is expired, disabled or deleted, or an IP restriction blocks it (INVALID_TOKEN: Token is expired.), request id 7f3c-11"
        );
        assert_eq!(
            explain_status(400, r#"{"errorCode":"ORGANIZATION_IS_PAUSED"}"#),
            "the organization is paused (ORGANIZATION_IS_PAUSED)"
        );
        assert_eq!(
            explain_status(403, ""),
            "the caller may not inspect this token in this organization"
        );
    }
}
