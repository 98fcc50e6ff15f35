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
use crate::plan::{Api, ProbeMethod, Provider};
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
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

/// Judges a status: 2xx is allowed, a denied status denied, and anything
/// else proves nothing: an error, never a pass. `authorized` are the
/// statuses a probe's own `allowed_statuses` says mean "authorized, only
/// the payload refused" (an invalid write's 422); they come first. Live
/// and replay both judge with this, on the same stored status.
pub(crate) fn judge(status: u16, denied: &[u16], authorized: &[u16]) -> Result<Verdict, String> {
    if (200..300).contains(&status) || authorized.contains(&status) {
        return Ok(Verdict::Allowed);
    }
    if denied.contains(&status) {
        return Ok(Verdict::Denied);
    }
    let listed = denied
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    Err(match status {
        300..=399 => format!(
            "HTTP {status}, a redirect: a probe never follows one (the credential would go \
             with it), so it proves nothing"
        ),
        401 => format!(
            "HTTP 401: the server did not accept the credential at all, and 401 is not one of \
             the denied statuses ({listed}), so this says nothing about a permission"
        ),
        429 => "HTTP 429: rate limited, after every retry".to_owned(),
        500..=599 => format!("HTTP {status}: a server error proves nothing about the token"),
        _ => format!(
            "HTTP {status} is neither a success nor a denied status ({listed}): the request may \
             be wrong (a 404 for a path that does not exist, a 400 for a bad query)"
        ),
    })
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
        let (token, headers) = match (self, api) {
            (Provider::Vault, Api::Vault { namespace, .. }) => (
                TokenPlace::Named(super::vault::TOKEN_HEADER),
                namespace
                    .iter()
                    .map(|n| (super::vault::NAMESPACE_HEADER.to_owned(), n.clone()))
                    .collect(),
            ),
            (Provider::Http, Api::Http(h)) => (TokenPlace::Header, h.headers.clone()),
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
fn cut(text: &str) -> String {
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

    #[test]
    fn only_success_and_the_denied_statuses_are_judged() {
        let denied = [401, 403];
        assert_eq!(judge(200, &denied, &[]), Ok(Verdict::Allowed));
        assert_eq!(judge(204, &denied, &[]), Ok(Verdict::Allowed));
        assert_eq!(judge(403, &denied, &[]), Ok(Verdict::Denied));
        assert_eq!(judge(401, &denied, &[]), Ok(Verdict::Denied));
        for status in [301, 302, 304, 400, 404, 405, 409, 422, 429, 500, 502, 503] {
            assert!(judge(status, &denied, &[]).is_err(), "{status} was judged");
        }
        assert_eq!(judge(404, &[403, 404], &[]), Ok(Verdict::Denied));
        // An invalid write's 422 (or 404) means authorized when the probe
        // says so, even over a denied status.
        assert_eq!(judge(422, &denied, &[404, 422]), Ok(Verdict::Allowed));
        assert_eq!(judge(404, &[403, 404], &[404, 422]), Ok(Verdict::Allowed));
        assert_eq!(judge(403, &[403, 404], &[404, 422]), Ok(Verdict::Denied));
        assert!(
            judge(401, &[403, 404], &[])
                .unwrap_err()
                .contains("did not accept")
        );
    }

    #[test]
    fn each_unjudged_status_says_why() {
        let why = |s| judge(s, &[401, 403], &[]).unwrap_err();
        assert!(why(302).contains("a redirect"), "{}", why(302));
        assert!(why(429).contains("rate limited"), "{}", why(429));
        assert!(why(503).contains("a server error"), "{}", why(503));
        assert!(why(404).contains("neither a success nor a denied status (401, 403)"));
    }

    #[test]
    fn a_probe_goes_as_the_providers_api_takes_it() {
        use crate::template::Template;
        let base = Template::literal("https://api.example.com");
        let plain = crate::plan::Api::Base {
            base_url: base.clone(),
        };
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
