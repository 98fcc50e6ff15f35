//! A declarative provider for APIs that report scopes their own way:
//! GitHub's `x-oauth-scopes` header, GitLab's `/personal_access_tokens/self`,
//! Slack's `auth.test`, Google's tokeninfo.

use super::kind;
use super::{Grant, Response, split_list as split};
use crate::plan::PrivilegeSource;
use serde_json::Value;

pub(super) fn parse(source: &PrivilegeSource, response: &Response<'_>) -> Result<Grant, String> {
    let privileges = match source {
        PrivilegeSource::Header(name) => match response.headers.get(name) {
            Some(v) => split(v).map_err(|why| format!("the `{name}` header: {why}"))?,
            None => return Err(format!("the answer has no `{name}` header")),
        },
        PrivilegeSource::Json { pointer, field } => {
            let found = response
                .body
                .pointer(pointer)
                .ok_or_else(|| format!("the answer has nothing at `{pointer}`"))?;
            match found {
                Value::String(s) => split(s).map_err(|why| format!("at `{pointer}`: {why}"))?,
                Value::Array(items) => items
                    .iter()
                    .map(|item| match (item, field) {
                        (Value::String(s), _) => Ok(s.clone()),
                        (Value::Object(m), Some(f)) => m
                            .get(f)
                            .and_then(Value::as_str)
                            .map(str::to_owned)
                            .ok_or_else(|| format!("an entry at `{pointer}` has no string `{f}`: {item}")),
                        (Value::Object(_), None) => Err(format!(
                            "the entries at `{pointer}` are objects; say which member names them with `field:`"
                        )),
                        (other, _) => Err(format!("expected names at `{pointer}`, found {}", kind(other))),
                    })
                    .collect::<Result<Vec<_>, _>>()?,
                other => return Err(format!("expected a list or a string at `{pointer}`, found {}", kind(other))),
            }
        }
    };
    Ok(Grant::new(privileges, Vec::new()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn response<'a>(body: &'a Value, headers: &'a BTreeMap<String, String>) -> Response<'a> {
        Response { body, headers }
    }

    #[test]
    fn github_scopes_header() {
        let headers = BTreeMap::from([(
            "x-oauth-scopes".to_owned(),
            "repo, read:org,  gist".to_owned(),
        )]);
        let g = parse(
            &PrivilegeSource::Header("x-oauth-scopes".into()),
            &response(&json!({}), &headers),
        )
        .unwrap();
        assert_eq!(g.privileges, ["gist", "read:org", "repo"]);
        let none = BTreeMap::new();
        assert!(
            parse(
                &PrivilegeSource::Header("x-oauth-scopes".into()),
                &response(&json!({}), &none)
            )
            .is_err()
        );
    }

    #[test]
    fn json_pointer_to_strings_objects_or_a_string() {
        let h = BTreeMap::new();
        let body = json!({"scopes": ["api", "read_user"], "data": {"perms": [{"name": "a"}, {"name": "b"}]}, "scope": "x y"});
        let src = |p: &str, f: Option<&str>| PrivilegeSource::Json {
            pointer: p.into(),
            field: f.map(Into::into),
        };
        assert_eq!(
            parse(&src("/scopes", None), &response(&body, &h))
                .unwrap()
                .privileges,
            ["api", "read_user"]
        );
        assert_eq!(
            parse(&src("/data/perms", Some("name")), &response(&body, &h))
                .unwrap()
                .privileges,
            ["a", "b"]
        );
        assert_eq!(
            parse(&src("/scope", None), &response(&body, &h))
                .unwrap()
                .privileges,
            ["x", "y"]
        );
        assert!(
            parse(&src("/data/perms", None), &response(&body, &h))
                .unwrap_err()
                .contains("`field:`")
        );
        assert!(parse(&src("/missing", None), &response(&body, &h)).is_err());
    }
}
