//! Slack tokens (bot `xoxb-`, user `xoxp-`, and the others), through
//! `auth.test`.
//!
//! `POST https://slack.com/api/auth.test` with `Authorization: Bearer`
//! (api.slack.com/methods/auth.test) answers HTTP 200 with
//! `{"ok": true, "url", "team", "user", "team_id", "user_id", "bot_id"?,
//! "is_enterprise_install"}`; the token's scopes are only in the
//! `x-oauth-scopes` response header, comma-separated (api.slack.com/authentication/oauth-v2,
//! "Viewing scopes"; node-slack-sdk reads the same header into
//! `response_metadata.scopes`). A refused token is also HTTP 200, with
//! `{"ok": false, "error": "invalid_auth"}` (or `token_revoked`,
//! `account_inactive`, `token_expired`; the method's "Errors" table).

use super::{Grant, Unread, kind, split_list};
use serde_json::Value;

pub(crate) const PATH: &str = "/auth.test";
pub(crate) const SCOPES_HEADER: &str = "x-oauth-scopes";

/// The errors of `auth.test` that say the token itself no longer works
/// (the common errors table: "Authentication token is for a deleted user
/// or workspace...", "...has expired"). Not `invalid_auth`: Slack also
/// answers it to a working token sent from an IP address the workspace
/// does not allow, so it proves nothing about the token.
const INACTIVE: &[&str] = &["token_revoked", "account_inactive", "token_expired"];

/// Slack's token prefixes (api.slack.com, "Token types"): bot `xoxb-`,
/// user `xoxp-`, workspace app `xoxa-`, refresh `xoxr-`, rotating
/// `xoxe.`/`xoxe-`, app-level `xapp-`.
pub(crate) const TOKEN_PREFIXES: &[&str] = &[
    "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxe.", "xoxe-", "xapp-",
];

/// Whether a (scrubbed) answer is Slack's word that the token no longer
/// works.
pub(super) fn says_inactive(body: &Value) -> bool {
    body.get("ok") == Some(&Value::Bool(false))
        && body
            .get("error")
            .and_then(Value::as_str)
            .is_some_and(|e| INACTIVE.contains(&e))
}

pub(super) fn parse(response: &super::Response<'_>) -> Result<Grant, Unread> {
    let body = response.body;
    let Value::Object(map) = body else {
        return Err(format!("expected a Slack answer object, found {}", kind(body)).into());
    };
    match map.get("ok") {
        Some(Value::Bool(true)) => {}
        Some(Value::Bool(false)) => {
            let error = map.get("error").and_then(Value::as_str).unwrap_or("");
            if INACTIVE.contains(&error) {
                let mut grant = Grant::new(
                    Vec::new(),
                    vec![format!(
                        "Slack answered `ok: false` with `{error}`: the token no longer works"
                    )],
                );
                grant.active = Some(false);
                return Ok(grant);
            }
            if error == "invalid_auth" {
                return Err(Unread {
                    why: "Slack answered `ok: false` with `invalid_auth`: the token is unknown, \
                          or the request came from an IP address the workspace does not allow, \
                          so this proves nothing about the token"
                        .to_owned(),
                    fix: Some(
                        "check the credential; a revoked token gets `token_revoked`, which \
                         `active: false` expects"
                            .to_owned(),
                    ),
                });
            }
            return Err(Unread {
                why: format!(
                    "Slack answered `ok: false` with `{}`, which says nothing about what the \
                     token holds",
                    crate::escape::text(error)
                ),
                fix: Some(
                    "see the error in Slack's auth.test documentation; `not_authed` means no \
                     token was sent"
                        .to_owned(),
                ),
            });
        }
        Some(other) => {
            return Err(format!("expected `ok` to be true or false, found {}", kind(other)).into());
        }
        None => return Err("the answer has no `ok` member".to_owned().into()),
    }
    // `ok: true` without the header is no evidence, never "no scopes".
    let scopes = response.headers.get(SCOPES_HEADER).ok_or_else(|| {
        Unread::from(
            "Slack answered `ok: true` without an `x-oauth-scopes` header, so the token's \
             scopes are unknown"
                .to_owned(),
        )
    })?;
    // Every Slack token has a scope; an empty header is no evidence.
    if scopes.trim().is_empty() {
        return Err(Unread::from(
            "Slack answered `ok: true` with an empty `x-oauth-scopes` header, so the token's \
             scopes are unknown"
                .to_owned(),
        ));
    }
    let mut notes = Vec::new();
    for (key, what) in [("team", "workspace"), ("user", "user"), ("bot_id", "bot")] {
        if let Some(Value::String(v)) = map.get(key) {
            notes.push(format!("{what}: {v}"));
        }
    }
    let scopes = split_list(scopes)
        .map_err(|why| Unread::from(format!("Slack's `x-oauth-scopes` header: {why}")))?;
    let mut grant = Grant::new(scopes, notes);
    grant.active = Some(true);
    Ok(grant)
}

#[cfg(test)]
mod tests {
    use super::super::Response;
    use super::*;
    use serde_json::json;
    use std::collections::BTreeMap;

    fn parse_with(body: Value, scopes: Option<&str>) -> Result<Grant, String> {
        let headers: BTreeMap<String, String> = scopes
            .map(|s| (SCOPES_HEADER.to_owned(), s.to_owned()))
            .into_iter()
            .collect();
        parse(&Response {
            body: &body,
            headers: &headers,
        })
        .map_err(|e| e.why)
    }

    #[test]
    fn scopes_from_the_header_of_an_ok_answer() {
        let ok = json!({"ok": true, "team": "Acme", "user": "deploy-bot", "bot_id": "B1"});
        let g = parse_with(ok.clone(), Some("chat:write,channels:read")).unwrap();
        assert_eq!(g.privileges, ["channels:read", "chat:write"]);
        assert_eq!(g.active, Some(true));
        assert!(parse_with(ok.clone(), Some("")).is_err());
        assert!(parse_with(ok, None).is_err());
    }

    #[test]
    fn a_refused_token_is_inactive_and_other_errors_are_errors() {
        for e in INACTIVE {
            let g = parse_with(json!({"ok": false, "error": e}), None).unwrap();
            assert_eq!(g.active, Some(false), "{e}");
        }
        for body in [
            json!({"ok": false, "error": "invalid_auth"}),
            json!({"ok": false, "error": "ratelimited"}),
            json!({"ok": false}),
            json!({"ok": "true"}),
            json!({"team": "Acme"}),
        ] {
            assert!(parse_with(body, Some("chat:write")).is_err());
        }
    }

    /// Only `ok: false` with one of the inactive errors is Slack's word
    /// that the token no longer works (a revocation check reads it).
    #[test]
    fn inactive_is_ok_false_with_an_inactive_error() {
        assert!(says_inactive(
            &json!({"ok": false, "error": "token_revoked"})
        ));
        assert!(says_inactive(
            &json!({"ok": false, "error": "account_inactive"})
        ));
        assert!(!says_inactive(
            &json!({"ok": true, "error": "token_revoked"})
        ));
        assert!(!says_inactive(&json!({"error": "token_revoked"})));
        assert!(!says_inactive(
            &json!({"ok": false, "error": "ratelimited"})
        ));
        assert!(!says_inactive(&json!({"ok": false})));
        assert!(!says_inactive(&json!({"ok": true})));
    }
}
