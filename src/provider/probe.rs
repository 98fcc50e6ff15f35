//! Probes: what a probe asks, what its answer leaves, and what the answer
//! means.
//!
//! A probe's evidence is its status and, for a refusal, the server's
//! explanation: at most [`MESSAGE_CHARS`] characters of its message and the
//! permission the API says the request needs. A success body is never
//! read past what tells an HTML page from the API's answer, and never kept:
//! probes read real data (a file listing, a member list) that must not land
//! in git.

use super::{Body, Request, TokenPlace};
use crate::plan::{Api, BodyRule, Expectations, Probe, ProbeMethod, Provider};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// At most this many characters of a refusal's message are kept.
pub(crate) const MESSAGE_CHARS: usize = 200;

/// GitHub's header naming the fine-grained permission an endpoint needs
/// (alternatives separated by `;`; MORE-PROVIDERS.md, "GitHub").
pub(crate) const GITHUB_NEEDS: &str = "x-accepted-github-permissions";
/// GitHub's header naming the OAuth scopes an endpoint accepts.
pub(crate) const GITHUB_ACCEPTS: &str = "x-accepted-oauth-scopes";

/// The response headers a probe reads (only to explain a refusal).
pub(crate) const KEPT_HEADERS: &[&str] = &[GITHUB_NEEDS, GITHUB_ACCEPTS];

/// What a probe's answer leaves: the request as the spec wrote it, the
/// status, and for a refusal the server's explanation. Never a body.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Seen {
    /// `GET`, `HEAD`, ...
    pub method: String,
    /// As the spec writes it: `${VAR}` unresolved.
    pub path: String,
    /// For an unsafe probe, its body as the spec writes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    pub status: u16,
    /// The start of the server's message, scrubbed (refusals only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// What the API says the request needs (`contents=read`,
    /// `rak_customer_read`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub needs: Option<String>,
    /// What read a 2xx answer's body for a refusal (`BodyRule::shown`),
    /// where the API refuses inside one (Slack, a spec's `refused_when`).
    /// A fixture read under another rule answers another question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub read_by: Option<String>,
    /// The reason a 2xx answer gave for refusing (Slack's `error`),
    /// scrubbed and cut short; the body itself is never kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
    /// The case that was allowed this very request (same `base_url`,
    /// method and path), which shows the resource exists: a 404 then is a
    /// denial. Found again by every run; recorded to show what the
    /// recording judged on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub witness: Option<String>,
}

/// What a probe's status means.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    Allowed,
    Denied,
}

impl Verdict {
    pub(crate) fn word(self) -> &'static str {
        match self {
            Verdict::Allowed => "allowed",
            Verdict::Denied => "denied",
        }
    }
}

/// What a probe's answer is judged against: the spec's statuses, how its
/// API refuses in a 2xx body, and whether another case of the run shows
/// the resource exists.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Judging<'a> {
    /// The statuses that mean denied (`denied_statuses`).
    pub denied: &'a [u16],
    /// The statuses this (unsafe) probe's `allowed_statuses` says mean
    /// "authorized, only the payload refused" (an invalid write's 422).
    pub authorized: &'a [u16],
    /// How the API refuses inside a 2xx answer, where it does.
    pub rule: Option<&'a BodyRule>,
    /// Whether another case was allowed the same request, so a 404 is a
    /// denial and not a path that does not exist.
    pub witnessed: bool,
}

impl<'a> Judging<'a> {
    /// How `seen`, the answer to `probe`, is judged under the token's
    /// expectations.
    pub(crate) fn of(expect: &'a Expectations, probe: &'a Probe, seen: &Seen) -> Judging<'a> {
        Judging {
            denied: &expect.denied_statuses,
            authorized: &probe.allowed_statuses,
            rule: expect.refused_when.as_deref(),
            witnessed: seen.witness.is_some(),
        }
    }
}

/// Judges a probe's answer. Only a permission decision proves anything:
/// a 2xx that is no refusal is allowed; a denied status (a 404 only with
/// a witness) or a refusal the API gives for a missing permission is
/// denied. Anything else is an error, never a pass: a 401 (the credential
/// was not accepted), a redirect, a server error, a refusal for another
/// reason (an unknown method, a bad argument). Live and replay both judge
/// with this, on the same stored answer.
pub(crate) fn judge(seen: &Seen, j: &Judging<'_>) -> Result<Verdict, String> {
    let status = seen.status;
    if (200..300).contains(&status) {
        return match (&seen.refused, j.rule) {
            (None, _) => Ok(Verdict::Allowed),
            (Some(reason), Some(rule)) => refusal(reason, rule),
            (Some(reason), None) => Err(format!(
                "the answer was read as a refusal (`{}`) under a rule the spec no longer has",
                crate::escape::text(reason)
            )),
        };
    }
    if j.authorized.contains(&status) {
        return Ok(Verdict::Allowed);
    }
    if status == 401 {
        return Err(
            "HTTP 401: the credential was not accepted for this request (mistyped, \
                    revoked, or sent where this API does not read it); a 401 never says what \
                    a credential may do"
                .to_owned(),
        );
    }
    if j.denied.contains(&status) {
        if status == 404 && !j.witnessed {
            return Err(
                "HTTP 404 proves a denial only with a witness that the resource \
                        exists, and no other case of this run, nor its fixture, was allowed \
                        this request: a mistyped path answers 404 too"
                    .to_owned(),
            );
        }
        return Ok(Verdict::Denied);
    }
    let listed = j
        .denied
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(match status {
        300..=399 => format!(
            "HTTP {status}, a redirect: a probe never follows one (the credential would go \
             with it), so it proves nothing"
        ),
        429 => "HTTP 429: rate limited, after every retry".to_owned(),
        500..=599 => format!("HTTP {status}: a server error proves nothing about the token"),
        _ => format!(
            "HTTP {status} is neither a success nor a denied status ({listed}): the request may \
             be wrong (a 404 for a path that does not exist, a 400 for a bad query)"
        ),
    })
}

/// Slack's refusals that are a permission decision about the calling
/// token: its scopes, its type, the workspace access it was granted, the
/// role of the user behind it, or its access to the named resource. Each
/// is one whose own description in Slack's method reference says the
/// caller lacks a scope, permission, access, role or authorization
/// (research/slack-errors.md, which quotes each; a code that names the
/// channel's, workspace's or request's state, such as
/// `ekm_access_denied` or `not_in_channel`, is not one).
pub(crate) const SLACK_DENIED: &[&str] = &[
    // On Slack's common-error list of nearly every method.
    "missing_scope",
    "not_allowed_token_type",
    "no_permission",
    "access_denied",
    "team_access_not_granted",
    "is_bot",
    // Method-specific: the token's type.
    "user_is_bot",
    "bot_user_required",
    // Method-specific: the role or permission of the user or app behind it.
    "user_is_restricted",
    "user_is_ultra_restricted",
    "restricted_action",
    "not_allowed",
    "not_an_admin",
    "not_an_owner",
    "not_admin",
    "not_app_admin",
    "user_must_be_admin",
    "invalid_permissions",
    "admin_unauthorized",
    "no_perms",
    "permission_denied",
    "failed_to_validate_caller",
    "cannot_modify_role_admin",
    "cannot_update_admin_user",
    "cannot_invalidate_primary_owner",
    "cannot_reset_primary_owner",
    "session_reset_not_allowed",
    "not_authorized",
    "user_cannot_create_channel",
    "user_cannot_manage_public_channels",
    "cannot_add_others",
    "group_contains_others",
    // Method-specific: the caller may not act on the named resource.
    "posting_to_channel_denied",
    "no_access",
    "not_visible",
    "template_not_visible",
    "cant_delete_message",
    "cant_update_message",
    "cant_delete_file",
    "app_access_restricted",
    "no_external_invite_permission",
    "channel_is_limited_access",
    "forbidden",
];

/// Slack's refusals of the credential itself (research/slack-errors.md):
/// they say nothing about what the token may do. `invalid_auth` also
/// answers a working token from an address the workspace does not allow.
pub(crate) const SLACK_UNACCEPTED: &[&str] = &[
    "not_authed",
    "invalid_auth",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "org_login_required",
    "two_factor_setup_required",
    "bad_token",
    "invalid_token",
    "authorization_not_found",
];

/// What a refusal in a 2xx answer proves, under `rule`.
fn refusal(reason: &str, rule: &BodyRule) -> Result<Verdict, String> {
    let shown = crate::escape::text(reason);
    let (denied, unaccepted): (bool, bool) = match rule {
        BodyRule::Slack => (
            SLACK_DENIED.contains(&reason),
            SLACK_UNACCEPTED.contains(&reason),
        ),
        BodyRule::Json { denied, .. } => (denied.iter().any(|d| d == reason), false),
    };
    if denied {
        return Ok(Verdict::Denied);
    }
    if unaccepted {
        return Err(format!(
            "the API refused with `{shown}`: the credential was not accepted for this request, \
             which says nothing about what it may do"
        ));
    }
    Err(match (rule, reason.is_empty()) {
        (_, true) => "the answer is a refusal that gives no reason, so it proves nothing about \
                      a permission"
            .to_owned(),
        (BodyRule::Slack, false) => format!(
            "Slack refused with `{shown}`, which is no permission decision (an unknown method, \
             a bad argument, a missing resource), so it proves nothing"
        ),
        (BodyRule::Json { .. }, false) => format!(
            "the answer is a refusal with `{shown}`, which `refused_when.denied` does not list \
             as a permission denial, so it proves nothing"
        ),
    })
}

/// At most this many bytes of a probe's success body are read to find a
/// refusal in it (Slack's `ok: false`, a spec's `refused_when`); a longer
/// one cannot be judged. Nothing of it is kept but the reason.
pub(crate) const REFUSAL_BODY_BYTES: usize = 256 * 1024;

/// Reads a 2xx answer's body for a refusal under `rule`: `None` when it is
/// none, the reason when it is one (empty when it gives none), and an
/// error when the body cannot say (not JSON, not the API's shape).
pub(crate) fn read_refusal(rule: &BodyRule, body: &str) -> Result<Option<String>, String> {
    let text = body.trim();
    if text.is_empty() {
        // A HEAD, a 204: there is no body to refuse in.
        return Ok(None);
    }
    let value: Value = serde_json::from_str(text).map_err(|_| {
        "the answer is not JSON, so whether the API refused inside it cannot be read".to_owned()
    })?;
    let as_reason = |v: Option<&Value>| match v {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        Some(Value::Bool(b)) => b.to_string(),
        _ => String::new(),
    };
    match rule {
        BodyRule::Slack => match value.get("ok") {
            Some(Value::Bool(true)) => Ok(None),
            Some(Value::Bool(false)) => Ok(Some(as_reason(value.get("error")))),
            Some(other) => Err(format!(
                "Slack's `ok` is {}, not true or false, so the answer proves nothing",
                super::kind(other)
            )),
            None => Err(
                "the answer has no `ok` member, which every Slack answer has, so it \
                         proves nothing"
                    .to_owned(),
            ),
        },
        BodyRule::Json { json, reason, .. } => {
            let refused = match value.pointer(json) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::Object(m)) => !m.is_empty(),
                Some(_) => true,
            };
            Ok(refused.then(|| as_reason(value.pointer(reason))))
        }
    }
}

impl Provider {
    /// The request a probe makes: `base_url` plus the path, with the
    /// credential where this provider's API takes it (Vault's
    /// `X-Vault-Token` and namespace; `Authorization` elsewhere) and the
    /// headers the spec or the vendor asks every request to carry.
    pub(crate) fn probe_request(
        self,
        api: &Api,
        base: &str,
        method: ProbeMethod,
        path: &str,
        body: Option<&str>,
    ) -> Request {
        let url = format!("{}{path}", base.trim_end_matches('/'));
        // The credential goes as the case's own request sends it (issue
        // 35, item 2): a probe sent another way asks another question.
        let (token, headers) = match (self, api) {
            (Provider::Vault, Api::Vault { namespace, .. }) => (
                TokenPlace::Named(super::vault::TOKEN_HEADER),
                namespace
                    .iter()
                    .map(|n| (super::vault::NAMESPACE_HEADER.to_owned(), n.clone()))
                    .collect(),
            ),
            (Provider::Http, Api::Http(h)) => (
                h.token_query
                    .clone()
                    .map_or(TokenPlace::Header, |param| TokenPlace::Query {
                        param,
                        also_header: false,
                    }),
                h.headers.clone(),
            ),
            (Provider::GitHub, _) => (
                TokenPlace::Header,
                vec![("x-github-api-version".to_owned(), "2022-11-28".to_owned())],
            ),
            _ => (TokenPlace::Header, Vec::new()),
        };
        Request {
            method: method.name(),
            url,
            body: match body.and_then(|b| serde_json::from_str(b).ok()) {
                Some(v) => Body::Json(v),
                None => Body::Empty,
            },
            token,
            headers,
            keep_headers: KEPT_HEADERS.iter().map(|h| (*h).to_owned()).collect(),
            needs_body: false,
        }
    }
}

/// The server's explanation of a refusal, from its (already scrubbed)
/// body and kept headers: the start of its message, and what the request
/// needs.
pub(crate) fn explain(
    body: &str,
    headers: &std::collections::BTreeMap<String, String>,
) -> (Option<String>, Option<String>) {
    let json: Option<Value> = serde_json::from_str(body).ok();
    let message = json
        .as_ref()
        .and_then(message_of)
        .or_else(|| {
            let text = body.trim();
            (!text.is_empty() && json.is_none()).then(|| text.to_owned())
        })
        .map(|m| cut(&m));
    let needs = headers
        .get(GITHUB_NEEDS)
        .filter(|v| !v.trim().is_empty())
        .map(|v| cut(v.trim()))
        .or_else(|| message.as_deref().and_then(stripe_permission))
        .or_else(|| {
            json.as_ref()
                .and_then(message_of)
                .as_deref()
                .and_then(stripe_permission)
        })
        // Slack's `missing_scope` names the scope in `needed`.
        .or_else(|| {
            json.as_ref()
                .and_then(|j| j.get("needed"))
                .and_then(Value::as_str)
                .filter(|n| !n.trim().is_empty())
                .map(|n| cut(n.trim()))
        });
    (message.filter(|m| !m.is_empty()), needs)
}

/// The message in the error shapes the providers use: `message` (GitHub,
/// GitLab, Coveo), `error.message` (Stripe, DocSpace), `error_description`
/// and `error` (OAuth), `errors[0]` (Vault).
fn message_of(v: &Value) -> Option<String> {
    let s = |v: Option<&Value>| v.and_then(Value::as_str).map(str::to_owned);
    s(v.get("message"))
        .or_else(|| s(v.get("error").and_then(|e| e.get("message"))))
        .or_else(|| s(v.get("error_description")))
        .or_else(|| s(v.get("error")))
        .or_else(|| s(v.get("errors").and_then(|e| e.get(0))))
}

/// Stripe's "Having the 'rak_customer_read' permission would allow this
/// request to continue." (MORE-PROVIDERS.md, "Stripe").
fn stripe_permission(message: &str) -> Option<String> {
    let (_, rest) = message.split_once("Having the '")?;
    let (name, after) = rest.split_once('\'')?;
    let plain = !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    (plain && after.trim_start().starts_with("permission")).then(|| name.to_owned())
}

/// The first [`MESSAGE_CHARS`] characters, on one line.
pub(crate) fn cut(text: &str) -> String {
    let one_line: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out: String = one_line.chars().take(MESSAGE_CHARS).collect();
    if one_line.chars().count() > MESSAGE_CHARS {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn seen(status: u16) -> Seen {
        Seen {
            method: "GET".into(),
            path: "/x".into(),
            status,
            ..Seen::default()
        }
    }

    fn with(denied: &[u16], authorized: &[u16]) -> Judging<'static> {
        Judging {
            denied: Vec::leak(denied.to_vec()),
            authorized: Vec::leak(authorized.to_vec()),
            rule: None,
            witnessed: false,
        }
    }

    #[test]
    fn only_success_and_the_denied_statuses_are_judged() {
        let j = with(&[403], &[]);
        assert_eq!(judge(&seen(200), &j), Ok(Verdict::Allowed));
        assert_eq!(judge(&seen(204), &j), Ok(Verdict::Allowed));
        assert_eq!(judge(&seen(403), &j), Ok(Verdict::Denied));
        for status in [
            301, 302, 304, 400, 401, 404, 405, 409, 422, 429, 500, 502, 503,
        ] {
            assert!(judge(&seen(status), &j).is_err(), "{status} was judged");
        }
        // An invalid write's 422 (or 404) means authorized when the probe
        // says so, even over a denied status.
        assert_eq!(
            judge(&seen(422), &with(&[403], &[404, 422])),
            Ok(Verdict::Allowed)
        );
        assert_eq!(
            judge(&seen(404), &with(&[403, 404], &[404, 422])),
            Ok(Verdict::Allowed)
        );
        assert_eq!(
            judge(&seen(403), &with(&[403, 404], &[404, 422])),
            Ok(Verdict::Denied)
        );
    }

    /// Issue 35, item 3: a 401 is never a denial, whatever a spec lists.
    #[test]
    fn a_401_is_never_a_denial() {
        for denied in [&[403][..], &[401, 403][..], &[401][..]] {
            let why = judge(&seen(401), &with(denied, &[])).unwrap_err();
            assert!(
                why.contains("the credential was not accepted for this request"),
                "{why}"
            );
        }
    }

    /// A 404 is a denial only when another case was allowed the request.
    #[test]
    fn a_404_is_a_denial_only_with_a_witness() {
        let mut j = with(&[403, 404], &[]);
        let why = judge(&seen(404), &j).unwrap_err();
        assert!(why.contains("only with a witness"), "{why}");
        j.witnessed = true;
        assert_eq!(judge(&seen(404), &j), Ok(Verdict::Denied));
        // A witness makes no other status a denial.
        assert!(judge(&seen(400), &j).is_err());
        // Without 404 in the list, a witness changes nothing.
        let j = Judging {
            witnessed: true,
            ..with(&[403], &[])
        };
        assert!(judge(&seen(404), &j).is_err());
    }

    #[test]
    fn each_unjudged_status_says_why() {
        let j = with(&[403], &[]);
        let why = |s| judge(&seen(s), &j).unwrap_err();
        assert!(why(302).contains("a redirect"), "{}", why(302));
        assert!(why(429).contains("rate limited"), "{}", why(429));
        assert!(why(503).contains("a server error"), "{}", why(503));
        assert!(why(404).contains("neither a success nor a denied status (403)"));
    }

    /// Issue 35, item 1: Slack refuses with HTTP 200. Only its permission
    /// errors are denials; a refused credential, an unknown method or a
    /// bad argument proves nothing; `ok: true` is allowed.
    #[test]
    fn slack_refusals_in_a_200_are_judged_on_their_reason() {
        let read = |body: &str| read_refusal(&BodyRule::Slack, body);
        assert_eq!(read(r#"{"ok":true,"channels":[]}"#), Ok(None));
        assert_eq!(
            read(r#"{"ok":false,"error":"missing_scope","needed":"channels:history"}"#),
            Ok(Some("missing_scope".into()))
        );
        assert_eq!(read(r#"{"ok":false}"#), Ok(Some(String::new())));
        assert!(read(r#"{"channels":[]}"#).unwrap_err().contains("no `ok`"));
        assert!(
            read(r#"{"ok":"false"}"#)
                .unwrap_err()
                .contains("not true or false")
        );
        assert!(read("<html>").unwrap_err().contains("not JSON"));
        assert_eq!(read(""), Ok(None));
        let rule = BodyRule::Slack;
        let judged = |reason: Option<&str>| {
            let mut s = seen(200);
            s.refused = reason.map(str::to_owned);
            judge(
                &s,
                &Judging {
                    rule: Some(&rule),
                    ..with(&[403], &[])
                },
            )
        };
        assert_eq!(judged(None), Ok(Verdict::Allowed));
        for denied in SLACK_DENIED {
            assert_eq!(judged(Some(denied)), Ok(Verdict::Denied), "{denied}");
        }
        for unaccepted in SLACK_UNACCEPTED {
            let why = judged(Some(unaccepted)).unwrap_err();
            assert!(why.contains("was not accepted"), "{unaccepted}: {why}");
        }
        for other in [
            "unknown_method",
            "invalid_arguments",
            "channel_not_found",
            "",
        ] {
            let why = judged(Some(other)).unwrap_err();
            assert!(why.contains("proves nothing"), "{other}: {why}");
        }
        // A refusal read under a rule the spec no longer has is no answer.
        let mut s = seen(200);
        s.refused = Some("missing_scope".into());
        assert!(judge(&s, &with(&[403], &[])).is_err());
    }

    /// A spec's `refused_when`: a value at `json` is a refusal; its reason
    /// is a denial only when `denied` lists it.
    #[test]
    fn refused_when_reads_a_pointer_and_lists_the_denials() {
        let rule = BodyRule::Json {
            json: "/errors".into(),
            reason: "/errors/0/type".into(),
            denied: vec!["FORBIDDEN".into(), "INSUFFICIENT_SCOPES".into()],
        };
        let read = |body: &str| read_refusal(&rule, body);
        assert_eq!(read(r#"{"data":{"viewer":{"login":"a"}}}"#), Ok(None));
        for empty in [
            r#"{"errors":null}"#,
            r#"{"errors":[]}"#,
            r#"{"errors":{}}"#,
            r#"{"errors":""}"#,
            r#"{"errors":false}"#,
        ] {
            assert_eq!(read(empty), Ok(None), "{empty}");
        }
        assert_eq!(
            read(r#"{"errors":[{"type":"FORBIDDEN","message":"no"}]}"#),
            Ok(Some("FORBIDDEN".into()))
        );
        assert_eq!(
            read(r#"{"errors":[{"message":"Parse error on \"}\""}]}"#),
            Ok(Some(String::new()))
        );
        assert_eq!(read(r#"{"errors":[{"type":7}]}"#), Ok(Some("7".into())));
        assert_eq!(
            read(r#"{"errors":[{"type":true}]}"#),
            Ok(Some("true".into()))
        );
        assert_eq!(
            read(r#"{"errors":[{"type":{"a":1}}]}"#),
            Ok(Some(String::new()))
        );
        assert!(read("not json").is_err());
        let judged = |reason: &str| {
            let mut s = seen(200);
            s.refused = Some(reason.to_owned());
            judge(
                &s,
                &Judging {
                    rule: Some(&rule),
                    ..with(&[403], &[])
                },
            )
        };
        assert_eq!(judged("FORBIDDEN"), Ok(Verdict::Denied));
        assert_eq!(judged("INSUFFICIENT_SCOPES"), Ok(Verdict::Denied));
        assert!(judged("forbidden").unwrap_err().contains("does not list"));
        assert!(judged("").unwrap_err().contains("gives no reason"));
    }

    #[test]
    fn a_probe_goes_as_the_providers_api_takes_it() {
        use crate::template::Template;
        let base = Template::literal("https://api.example.com");
        let plain = crate::plan::Api::Base {
            base_url: base.clone(),
        };
        // Vault's token in its own header, with the namespace.
        let vault = crate::plan::Api::Vault {
            base_url: base.clone(),
            namespace: Some("team-a".into()),
            paths: vec!["secret/data/app".into()],
        };
        let v = Provider::Vault.probe_request(
            &vault,
            "https://vault.example.com",
            ProbeMethod::Get,
            "/v1/secret/data/app",
            None,
        );
        assert_eq!(
            v.token,
            TokenPlace::Named(super::super::vault::TOKEN_HEADER)
        );
        assert_eq!(
            v.headers,
            [(
                super::super::vault::NAMESPACE_HEADER.to_owned(),
                "team-a".to_owned()
            )]
        );
        let github = Provider::GitHub.probe_request(
            &plain,
            "https://api.github.com/",
            ProbeMethod::Head,
            "/user",
            None,
        );
        assert_eq!(github.url, "https://api.github.com/user");
        assert_eq!(github.method, "HEAD");
        assert_eq!(github.token, TokenPlace::Header);
        assert_eq!(
            github.headers,
            [("x-github-api-version".to_owned(), "2022-11-28".to_owned())]
        );
        assert!(!github.needs_body);
        let http = crate::plan::Api::Http(crate::plan::HttpApi {
            base_url: base,
            method: "GET".into(),
            path: "/me".into(),
            headers: vec![("x-api-version".into(), "2024-01".into())],
            token_query: None,
            privileges: crate::plan::PrivilegeSource::Header("x-scopes".into()),
        });
        let r = Provider::Http.probe_request(
            &http,
            "https://api.example.com",
            ProbeMethod::Post,
            "/x",
            Some(r#"{"a":1}"#),
        );
        assert_eq!(
            r.headers,
            [("x-api-version".to_owned(), "2024-01".to_owned())]
        );
        assert_eq!(r.body, Body::Json(serde_json::json!({"a": 1})));
        let none = Provider::Probes.probe_request(
            &plain,
            "https://api.example.com",
            ProbeMethod::Get,
            "/x",
            None,
        );
        assert!(none.headers.is_empty());
        assert_eq!(none.body, Body::Empty);
    }

    #[test]
    fn explains_github_stripe_docspace_and_vault_refusals() {
        let mut headers = BTreeMap::new();
        headers.insert(GITHUB_NEEDS.to_owned(), "contents=read".to_owned());
        let (m, n) = explain(
            r#"{"message":"Resource not accessible by personal access token","documentation_url":"https://docs.github.com"}"#,
            &headers,
        );
        assert_eq!(
            m.as_deref(),
            Some("Resource not accessible by personal access token")
        );
        assert_eq!(n.as_deref(), Some("contents=read"));

        let stripe = r#"{"error":{"message":"The provided key 'rk_test_***' does not have the required permissions for this endpoint on account 'acct_1'. Having the 'rak_customer_read' permission would allow this request to continue.","type":"invalid_request_error"}}"#;
        let (m, n) = explain(stripe, &BTreeMap::new());
        assert_eq!(n.as_deref(), Some("rak_customer_read"));
        let m = m.unwrap();
        assert!(m.starts_with("The provided key"), "{m}");
        assert!(m.chars().count() <= MESSAGE_CHARS + 1);
        // A long message is cut; the permission is read from all of it.
        let long = format!(
            r#"{{"error":{{"message":"{} Having the 'rak_charge_write' permission would allow this request to continue."}}}}"#,
            "x".repeat(300)
        );
        let (m, n) = explain(&long, &BTreeMap::new());
        let m = m.unwrap();
        assert_eq!(m.chars().count(), MESSAGE_CHARS + 1);
        assert!(m.ends_with('…'));
        assert_eq!(n.as_deref(), Some("rak_charge_write"));
        // Exactly the limit: nothing is cut, so no ellipsis.
        let exact = "y".repeat(MESSAGE_CHARS);
        let (m, _) = explain(&format!(r#"{{"message":"{exact}"}}"#), &BTreeMap::new());
        assert_eq!(m.as_deref(), Some(exact.as_str()));

        assert_eq!(explain("", &BTreeMap::new()), (None, None));
        assert_eq!(
            explain(r#"{"errors":["permission denied"]}"#, &BTreeMap::new()).0,
            Some("permission denied".to_owned())
        );
        assert_eq!(
            explain("Forbidden\r\nby policy", &BTreeMap::new()).0,
            Some("Forbidden  by policy".to_owned())
        );
        // An unexpected JSON shape keeps no message rather than raw JSON.
        assert_eq!(explain(r#"{"x":1}"#, &BTreeMap::new()), (None, None));
    }

    #[test]
    fn a_stripe_permission_is_a_plain_name_or_nothing() {
        assert_eq!(
            stripe_permission("Having the 'rak_charge_write' permission would allow"),
            Some("rak_charge_write".to_owned())
        );
        assert_eq!(stripe_permission("Having the '<b>' permission"), None);
        assert_eq!(stripe_permission("Having the 'x' key"), None);
        assert_eq!(stripe_permission("no such words"), None);
    }
}
