//! Coveo: the privileges of an access token,
//! `POST {base}/rest/organizations/{org}/privileges/token?accessToken=<token>`.
//! Two response shapes exist in the wild (API-FACTS.md); both parse.
//!
//! Every field the verdict depends on is checked for its type, and names
//! for the characters Coveo writes them with: a `type` that is a number, or
//! an owner with a `*` in it, is an error, never a privilege read some
//! other way (issue 10, item 5).

use super::Grant;
use crate::privilege::coveo::grant_name;
use serde_json::Value;

pub(super) fn path(organization: &str) -> String {
    format!("/rest/organizations/{organization}/privileges/token")
}

/// A name part as Coveo writes them: upper case, digits and `_`.
fn name_part<'a>(item: &'a Value, i: usize, field: &str) -> Result<Option<&'a str>, String> {
    match item.get(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s))
            if !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_') =>
        {
            Ok(Some(s))
        }
        Some(Value::String(s)) => Err(format!(
            "privilege {i}: `{field}` is {}, not a name as Coveo writes them (upper case, digits, `_`)",
            Value::String(s.clone())
        )),
        Some(other) => Err(format!(
            "privilege {i}: expected `{field}` to be a string, found {}",
            super::kind(other)
        )),
    }
}

/// A target id: any string but `*` inside one (a wildcard is `"*"` alone).
fn target<'a>(value: &'a Value, i: usize, field: &str) -> Result<&'a str, String> {
    match value {
        Value::String(t) if t == "*" || (!t.is_empty() && !t.contains(['*', '@'])) => Ok(t),
        Value::String(t) => Err(format!(
            "privilege {i}: the target {} is not a resource id",
            Value::String(t.clone())
        )),
        other => Err(format!(
            "privilege {i}: expected `{field}` to hold strings, found {}",
            super::kind(other)
        )),
    }
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
        if !item.is_object() {
            return Err(format!(
                "privilege {i}: expected an object, found {}",
                super::kind(item)
            ));
        }
        let (Some(owner), Some(domain)) = (
            name_part(item, i, "owner")?,
            name_part(item, i, "targetDomain")?,
        ) else {
            return Err(format!(
                "privilege {i} has no `owner` or `targetDomain`: {item}"
            ));
        };
        let kind = name_part(item, i, "type")?;
        // Every resource: `global: true`, `targetId: "*"`, no target, or the
        // legacy `targetIds: []` (API-FACTS.md). The wider reading wins.
        let global = match item.get("global") {
            None | Some(Value::Null) => false,
            Some(Value::Bool(b)) => *b,
            Some(other) => {
                return Err(format!(
                    "privilege {i}: expected `global` to be true or false, found {}",
                    super::kind(other)
                ));
            }
        };
        let one = match item.get("targetId") {
            None | Some(Value::Null) => None,
            Some(v) => Some(target(v, i, "targetId")?),
        };
        let listed = match item.get("targetIds") {
            None | Some(Value::Null) => None,
            Some(Value::Array(ids)) => Some(
                ids.iter()
                    .map(|id| target(id, i, "targetIds"))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Some(other) => {
                return Err(format!(
                    "privilege {i}: expected `targetIds` to be a list, found {}",
                    super::kind(other)
                ));
            }
        };
        // Every resource, said in any of the ways above, and one resource
        // in the same entry contradict each other: the entry cannot be
        // read either way without guessing (a wider reading passes
        // `at_least`, a narrower one `forbidden`).
        let many = listed.clone().unwrap_or_default();
        let has_empty_list = listed.as_ref().is_some_and(Vec::is_empty);
        let every = global || one == Some("*") || many.contains(&"*") || has_empty_list;
        let mut targets: Vec<&str> = many.into_iter().chain(one).filter(|t| *t != "*").collect();
        targets.sort_unstable();
        targets.dedup();
        if every && !targets.is_empty() {
            return Err(format!(
                "privilege {i} is on every resource and `{}` at once: permspec cannot tell which",
                targets.join("`, `")
            ));
        }
        if let (Some(one), Some(list)) = (one, &listed)
            && one != "*"
            && !list.is_empty()
            && !list.contains(&one)
        {
            return Err(format!(
                "privilege {i} names the resource `{one}` in `targetId` and others in \
                     `targetIds`: permspec cannot tell which"
            ));
        }
        let name =
            |t| grant_name(owner, domain, kind, t).map_err(|why| format!("privilege {i}: {why}"));
        if targets.is_empty() {
            privileges.push(name(None)?);
        } else {
            for t in targets {
                privileges.push(name(Some(t))?);
            }
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
                // On/off: `type: ENABLE` and no type are one name.
                "COVEO_ML:ALLOW_CONTENT_PREVIEW",
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

    /// Issue 10, item 5: a mistyped or odd field is an error, never a default.
    #[test]
    fn every_field_the_verdict_reads_is_checked() {
        let one = |extra: Value| {
            let mut p = json!({"owner": "PLATFORM", "targetDomain": "SOURCE", "type": "EDIT"});
            for (k, v) in extra.as_object().unwrap() {
                p[k] = v.clone();
            }
            parse(&json!([p]))
        };
        let e = one(json!({"type": 5})).unwrap_err();
        assert!(
            e.contains("privilege 0: expected `type` to be a string, found a number"),
            "{e}"
        );
        assert!(one(json!({"owner": "PLATFORM:*"})).is_err());
        assert!(one(json!({"owner": "platform"})).is_err());
        assert!(one(json!({"targetId": 7})).is_err());
        assert!(one(json!({"targetId": "src-*"})).is_err());
        assert!(one(json!({"targetIds": "src-1"})).is_err());
        assert!(one(json!({"global": "yes"})).is_err());
        assert!(parse(&json!(["PLATFORM"])).is_err());
        // Every resource and one resource at once, or two answers about
        // the target: neither reading is safe, so it is an error.
        for contradiction in [
            json!({"global": true, "targetIds": ["a"]}),
            json!({"global": true, "targetId": "a"}),
            json!({"targetIds": [], "targetId": "a"}),
            json!({"targetId": "*", "targetIds": ["a"]}),
            json!({"targetId": "a", "targetIds": ["b"]}),
        ] {
            assert!(one(contradiction.clone()).is_err(), "{contradiction}");
        }
        // Agreeing answers are fine.
        assert_eq!(
            one(json!({"targetId": "a", "targetIds": ["a", "b"]}))
                .unwrap()
                .privileges,
            ["PLATFORM:SOURCE:EDIT@a", "PLATFORM:SOURCE:EDIT@b"]
        );
        assert_eq!(
            one(json!({"global": true, "targetId": "*"}))
                .unwrap()
                .privileges,
            ["PLATFORM:SOURCE:EDIT"]
        );
        // A type where none belongs, or none where one must be.
        assert!(one(json!({"type": null})).is_err());
        let on_off = |kind: Value| {
            parse(&json!([{"owner": "SEARCH_API", "targetDomain": "IMPERSONATE", "type": kind}]))
        };
        assert!(on_off(json!("VIEW")).is_err());
        assert_eq!(
            on_off(json!("ENABLE")).unwrap().privileges,
            on_off(Value::Null).unwrap().privileges
        );
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
