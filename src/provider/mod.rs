//! Stage 3: what each API is asked and how its answer becomes privileges.
//!
//! Architecture invariant: a provider never sees YAML and never does I/O,
//! and never holds a secret. It says which request to make
//! ([`Provider::request`]), where the credential goes in it, and turns a
//! response body into a [`Grant`] ([`Provider::parse`]); the fetch layer
//! moves the bytes and the fixture layer stores them.

pub(crate) mod coveo;
pub(crate) mod docspace;
mod docspace_account;
mod docspace_catalog;
pub(crate) mod github;
pub(crate) mod gitlab;
pub(crate) mod google;
mod http;
mod introspection;
pub(crate) mod jwt;
pub(crate) mod kubernetes;
pub(crate) mod probe;
pub(crate) mod slack;
pub(crate) mod vault;

use crate::plan::Api;
pub(crate) use crate::plan::{Provider, doubled_path};
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// What the API reported for one token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Canonical privilege strings, sorted and without duplicates.
    pub privileges: Vec<String>,
    /// Facts worth telling the reader ("full access: ...").
    pub notes: Vec<String>,
    /// Whether the API says the token is active; `None`: it cannot tell.
    pub active: Option<bool>,
    /// When the token expires, in seconds since the epoch, if the API says.
    pub expires_at: Option<i64>,
    /// The API's own id for the credential (a DocSpace key's `id`).
    pub identity: Option<String>,
    /// Why the privileges are only a lower bound (Kubernetes' `incomplete`
    /// review): rules that need the whole grant cannot be proven on them.
    pub partial: Option<String>,
    /// What each of the case's probes answered, in the spec's order.
    pub probes: Vec<probe::Seen>,
}

impl Grant {
    pub(crate) fn new(mut privileges: Vec<String>, notes: Vec<String>) -> Self {
        privileges.sort();
        privileges.dedup();
        Grant {
            privileges,
            notes,
            active: None,
            expires_at: None,
            identity: None,
            partial: None,
            probes: Vec::new(),
        }
    }

    /// A credential the API refuses as unknown, expired or disabled.
    pub(crate) fn revoked(status: u16) -> Self {
        let mut grant = Grant::new(
            Vec::new(),
            vec![format!(
                "the API answered HTTP {status}: the credential is unknown, expired or disabled"
            )],
        );
        grant.active = Some(false);
        grant
    }
}

/// Where the inspected token travels.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TokenPlace {
    /// In `Authorization` (the credential's scheme decides the form).
    Header,
    /// In the query parameter `param`. `Authorization` carries the caller;
    /// without one, the token itself when `also_header` (Coveo: the token
    /// may inspect itself), else nothing (Google's tokeninfo).
    Query { param: String, also_header: bool },
    /// In this form field; `Authorization` carries the client, if any.
    Form(&'static str),
    /// As it is, in this request header (Vault's `X-Vault-Token`).
    Named(&'static str),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Body {
    Empty,
    Json(Value),
    /// Form fields that are not secret (`token_type_hint`).
    Form(Vec<(String, String)>),
}

/// The one HTTP request a case needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub method: &'static str,
    pub url: String,
    pub body: Body,
    pub token: TokenPlace,
    /// Headers the spec asks for (never `Authorization`).
    pub headers: Vec<(String, String)>,
    /// The response headers that carry evidence (the privileges, the
    /// expiry), kept in the fixture; no other header ever is.
    pub keep_headers: Vec<String>,
    /// Whether the privileges are in the body, which must then be JSON.
    /// (In a header, the body is not read: a HEAD, or an empty body, is a
    /// good answer; issue 10, item 19.)
    pub needs_body: bool,
}

impl Request {
    fn get(url: String) -> Request {
        Request {
            method: "GET",
            url,
            body: Body::Empty,
            token: TokenPlace::Header,
            headers: Vec::new(),
            keep_headers: Vec::new(),
            needs_body: true,
        }
    }
}

/// One of several requests a case needs, and the name its answer has in
/// the evidence: the provider parses `{label: body, ...}`, one member per
/// step (Vault's lookup-self and capabilities-self; a Kubernetes review per
/// namespace). The steps go in order with the same credential; the first
/// one's refusal is the case's refusal (a revocation where the provider
/// says so), any later one's is an error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Step {
    pub label: String,
    pub request: Request,
}

/// A successful answer as the provider reads it.
pub(crate) struct Response<'a> {
    pub body: &'a Value,
    /// Only the headers the request asked to keep, names lower-cased.
    pub headers: &'a BTreeMap<String, String>,
}

impl Provider {
    /// The requests of a provider that needs more than one, in order;
    /// empty for the others, which make only [`Provider::request`].
    pub(crate) fn steps(self, api: &Api, base: &str) -> Vec<Step> {
        let base = base.trim_end_matches('/');
        match api {
            Api::Vault {
                namespace, paths, ..
            } => {
                let headers: Vec<(String, String)> = namespace
                    .iter()
                    .map(|ns| (vault::NAMESPACE_HEADER.to_owned(), ns.clone()))
                    .collect();
                let with = |r: Request| Request {
                    token: TokenPlace::Named(vault::TOKEN_HEADER),
                    headers: headers.clone(),
                    ..r
                };
                vec![
                    Step {
                        label: vault::LOOKUP.to_owned(),
                        request: with(Request::get(format!("{base}{}", vault::LOOKUP_PATH))),
                    },
                    Step {
                        label: vault::CAPABILITIES.to_owned(),
                        request: with(Request {
                            method: "POST",
                            body: Body::Json(vault::capabilities_body(paths)),
                            ..Request::get(format!("{base}{}", vault::CAPABILITIES_PATH))
                        }),
                    },
                ]
            }
            Api::Kubernetes { namespaces, .. } => namespaces
                .iter()
                .map(|ns| Step {
                    label: ns.clone(),
                    request: Request {
                        method: "POST",
                        body: Body::Json(kubernetes::review_body(ns)),
                        ..Request::get(format!("{base}{}", kubernetes::PATH))
                    },
                })
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The answer as it is stored and judged, where a provider keeps less
    /// than the API sends: Vault's lookup-self holds the token itself, so
    /// only the fields read are kept, copied as they are; and fields that
    /// change on every call and carry no evidence (a last-use time, a
    /// countdown) are dropped, so they never churn a fixture. `None`: all
    /// of it.
    pub(crate) fn project(self, api: &Api, body: &Value) -> Option<Value> {
        // Read by no parser here: DocSpace's `lastUsed`
        // (docspace::parse_key reads `permissions`, `isActive`, `expiresAt`,
        // `id`), GitLab's `last_used_at`, Google's `expires_in` (the expiry
        // is `exp`).
        let volatile: &[&str] = match self {
            Provider::DocSpace => &["/response/lastUsed"],
            Provider::GitLab => &["/last_used_at"],
            Provider::Google => &["/expires_in"],
            _ => &[],
        };
        match api {
            Api::Vault { paths, .. } => Some(vault::project(body, paths)),
            Api::Kubernetes { namespaces, .. } => Some(kubernetes::project(body, namespaces)),
            _ if volatile.iter().any(|p| body.pointer(p).is_some()) => {
                let mut kept = body.clone();
                for p in volatile {
                    let (parent, key) = p.rsplit_once('/').unwrap_or(("", p));
                    if let Some(Value::Object(m)) = kept.pointer_mut(parent) {
                        m.remove(key);
                    }
                }
                Some(kept)
            }
            _ => None,
        }
    }

    /// The request for a case, given its API's resolved address (for
    /// introspection: the endpoint itself); for a provider with
    /// [`Provider::steps`], the first one. `None`: the provider asks
    /// nothing and reads the token offline.
    pub(crate) fn request(self, api: &Api, base: &str) -> Option<Request> {
        if let Some(first) = self.steps(api, base).into_iter().next() {
            return Some(first.request);
        }
        let base = base.trim_end_matches('/');
        Some(match (self, api) {
            (Provider::DocSpace, _) => Request::get(format!("{base}{}", docspace::KEY_SELF_PATH)),
            (Provider::DocSpaceAccount, _) => {
                Request::get(format!("{base}{}", docspace_account::PATH))
            }
            (Provider::DocSpacePermissions, _) => {
                Request::get(format!("{base}{}", docspace_catalog::PERMISSIONS_PATH))
            }
            (Provider::DocSpaceScopes, _) => {
                Request::get(format!("{base}{}", docspace_catalog::SCOPES_PATH))
            }
            (Provider::Coveo, Api::Coveo { organization, .. }) => Request {
                method: "POST",
                url: format!("{base}{}", coveo::path(organization)),
                body: Body::Json(json!({})),
                token: TokenPlace::Query {
                    param: "accessToken".to_owned(),
                    also_header: true,
                },
                headers: Vec::new(),
                keep_headers: Vec::new(),
                needs_body: true,
            },
            (Provider::OAuth2Introspection, _) => Request {
                method: "POST",
                url: base.to_owned(),
                body: Body::Form(vec![("token_type_hint".into(), "access_token".into())]),
                token: TokenPlace::Form("token"),
                headers: Vec::new(),
                keep_headers: Vec::new(),
                needs_body: true,
            },
            (Provider::Http, Api::Http(h)) => Request {
                method: if h.method == "POST" {
                    "POST"
                } else if h.method == "HEAD" {
                    "HEAD"
                } else {
                    "GET"
                },
                url: format!("{base}{}", h.path),
                body: Body::Empty,
                token: h.token_query.clone().map_or(TokenPlace::Header, |param| {
                    TokenPlace::Query {
                        param,
                        also_header: false,
                    }
                }),
                headers: h.headers.clone(),
                keep_headers: match &h.privileges {
                    crate::plan::PrivilegeSource::Header(name) => vec![name.clone()],
                    crate::plan::PrivilegeSource::Json { .. } => Vec::new(),
                },
                needs_body: matches!(h.privileges, crate::plan::PrivilegeSource::Json { .. }),
            },
            (Provider::GitHub, _) => Request {
                // GitHub asks every request to name the API version it
                // expects (docs, REST "API versions").
                headers: vec![("x-github-api-version".to_owned(), "2022-11-28".to_owned())],
                keep_headers: vec![
                    github::SCOPES_HEADER.to_owned(),
                    github::EXPIRY_HEADER.to_owned(),
                ],
                // The body is the user's profile: nothing is read from it,
                // so nothing of it is stored.
                needs_body: false,
                ..Request::get(format!("{base}{}", github::PATH))
            },
            (Provider::GitLab, _) => Request::get(format!("{base}{}", gitlab::PATH)),
            (Provider::Slack, _) => Request {
                method: "POST",
                keep_headers: vec![slack::SCOPES_HEADER.to_owned()],
                ..Request::get(format!("{base}{}", slack::PATH))
            },
            (Provider::Google, _) => Request {
                token: TokenPlace::Query {
                    param: google::TOKEN_PARAM.to_owned(),
                    also_header: false,
                },
                ..Request::get(format!("{base}{}", google::PATH))
            },
            _ => return None,
        })
    }

    /// The sign-in request that turns a user name and password into a
    /// bearer token (`scheme: login`), where the API has one.
    pub(crate) fn login_url(self, base_url: &str) -> Option<String> {
        let base = base_url.trim_end_matches('/');
        self.is_docspace()
            .then(|| format!("{base}{}", docspace::LOGIN_PATH))
    }

    /// The token from a successful sign-in answer.
    pub(crate) fn parse_login(self, body: &Value) -> Result<String, String> {
        docspace::parse_login(body)
    }

    /// A person's words for a failed sign-in.
    pub(crate) fn explain_login_status(self, status: u16, body: &str) -> String {
        docspace::explain_login_status(status, body)
    }

    /// Where to get the `x-signature` header a request needs when the
    /// server refuses it without one (DocSpace's scope catalog).
    pub(crate) fn signature_url(self, base_url: &str) -> Option<String> {
        let base = base_url.trim_end_matches('/');
        (self == Provider::DocSpaceScopes)
            .then(|| format!("{base}{}", docspace_catalog::SIGNATURE_PATH))
    }

    pub(crate) fn parse_signature(self, body: &Value) -> Result<String, String> {
        docspace_catalog::parse_signature(body)
    }

    /// The introspection endpoint a discovery document names.
    pub(crate) fn introspection_endpoint(self, discovery: &Value) -> Result<String, String> {
        discovery
            .get("introspection_endpoint")
            .and_then(Value::as_str)
            .map(str::to_owned)
            .ok_or_else(|| "the discovery document has no `introspection_endpoint`".to_owned())
    }

    /// Parses a successful (2xx) answer. Every provider's grant goes
    /// through [`reported_name`]: a name no privilege can have (empty,
    /// white space at an end, a control character, nothing but
    /// punctuation) is no evidence, whichever field it came from.
    pub(crate) fn parse(self, api: &Api, response: &Response<'_>) -> Result<Grant, Unread> {
        let grant = self.parse_fields(api, response)?;
        for p in &grant.privileges {
            reported_name(p).map_err(Unread::from)?;
        }
        Ok(grant)
    }

    fn parse_fields(self, api: &Api, response: &Response<'_>) -> Result<Grant, Unread> {
        let body = response.body;
        Ok(match (self, api) {
            (Provider::GitHub, _) => github::parse(response)?,
            (Provider::Slack, _) => slack::parse(response)?,
            (Provider::GitLab, _) => gitlab::parse(body)?,
            (Provider::Google, _) => google::parse(body)?,
            (Provider::DocSpace, _) => docspace::parse_key(body)?,
            (Provider::DocSpaceAccount, _) => docspace_account::parse(body)?,
            (Provider::DocSpacePermissions, _) => docspace_catalog::parse_permissions(body)?,
            (Provider::DocSpaceScopes, _) => docspace_catalog::parse_scopes(body)?,
            (Provider::Coveo, _) => coveo::parse(body)?,
            (Provider::OAuth2Introspection, _) => introspection::parse(body)?,
            (Provider::Jwt, Api::Jwt { claims, .. }) => jwt::parse(body, claims.as_deref())?,
            (Provider::Http, Api::Http(h)) => http::parse(&h.privileges, response)?,
            (Provider::Vault, Api::Vault { paths, .. }) => vault::parse(body, paths)?,
            (Provider::Kubernetes, Api::Kubernetes { namespaces, .. }) => {
                kubernetes::parse(body, namespaces)?
            }
            // Nothing is asked but the probes: an empty grant they fill.
            (Provider::Probes, _) => Grant::new(Vec::new(), Vec::new()),
            _ => {
                return Err(Unread::from(format!(
                    "internal: provider `{}` was planned with another's settings",
                    self.name()
                )));
            }
        })
    }

    /// A person's words for a non-2xx answer, from the API's documented
    /// behaviour. `body` is the response text, possibly empty.
    pub(crate) fn explain_status(self, status: u16, body: &str) -> String {
        match self {
            Provider::Coveo => coveo::explain_status(status, body),
            // `probes` asks nothing of its own (its probes explain their
            // refusals with `probe::explain`); were it asked, it would get
            // no vendor's words.
            Provider::OAuth2Introspection | Provider::Jwt | Provider::Http | Provider::Probes => {
                generic_status(status, body)
            }
            Provider::GitHub
            | Provider::GitLab
            | Provider::Slack
            | Provider::Google
            | Provider::Vault
            | Provider::Kubernetes => vendor_status(self, status, body),
            Provider::DocSpacePermissions if status == 403 && body.trim().is_empty() => {
                "this endpoint needs a key with `*:read` or `*:write` (DocSpace 3.7.1 and later)"
                    .to_owned()
            }
            _ => docspace::explain_status(status, body),
        }
    }
}

/// Why an answer gives no grant, and what to do when it is not "check the
/// address: this is not the API's answer".
pub(crate) struct Unread {
    pub why: String,
    pub fix: Option<String>,
}

impl From<String> for Unread {
    fn from(why: String) -> Unread {
        Unread { why, fix: None }
    }
}

impl From<&str> for Unread {
    fn from(why: &str) -> Unread {
        Unread::from(why.to_owned())
    }
}

/// How an API refuses a credential it does not take (unknown, expired or
/// revoked), where that refusal is how it says a token is revoked. Under
/// `active: false` such an answer passes, and is recorded, only when the
/// request could have succeeded: the credential has the shape of the
/// vendor's tokens, and went the one way the endpoint takes it (issue 10,
/// item 6).
pub(crate) struct Revocation {
    pub status: u16,
    /// Whether the (scrubbed) body is the API's own refusal; `Null` stands
    /// for an empty or non-JSON body.
    pub body: fn(u16, &Value) -> bool,
    /// The refusal, in words, for "this answer was not ...".
    pub looks: &'static str,
    /// The prefixes of the vendor's tokens.
    pub prefixes: &'static [&'static str],
    /// Those tokens, in words.
    pub token_kind: &'static str,
}

impl Revocation {
    /// Whether a credential has the shape of the vendor's tokens: one of
    /// its prefixes, then at least 16 characters. (The characters are not
    /// checked: vendors do not promise an alphabet, and the check is
    /// against a credential of another kind, not a forged one.)
    pub(crate) fn fits(&self, token: &str) -> bool {
        self.prefixes.iter().any(|p| {
            token
                .strip_prefix(p)
                .is_some_and(|rest| rest.chars().count() >= 16)
        })
    }
}

impl Provider {
    /// The API's refusal of a revoked token, where a refusal is its only
    /// way to say so.
    pub(crate) fn revocation(self) -> Option<Revocation> {
        Some(match self {
            Provider::DocSpace => Revocation {
                status: 401,
                body: |_, body| body.is_null(),
                looks: "DocSpace refuses a revoked key with an empty body",
                prefixes: docspace::KEY_PREFIXES,
                token_kind: "a DocSpace API key (sk-...)",
            },
            Provider::GitHub => Revocation {
                status: 401,
                body: github::refuses_token,
                looks: "GitHub refuses a token it does not accept with `Bad credentials`",
                prefixes: github::TOKEN_PREFIXES,
                token_kind: "a GitHub token (ghp_, gho_, ghu_, ghs_, ghr_ or github_pat_...)",
            },
            Provider::GitLab => Revocation {
                status: 401,
                body: gitlab::refuses_token,
                looks: "GitLab refuses a revoked or expired token with `invalid_token` (its \
                        bare `401 Unauthorized` also answers a request with no token)",
                prefixes: gitlab::TOKEN_PREFIXES,
                token_kind: "a GitLab access token (glpat-...)",
            },
            Provider::Google => Revocation {
                status: 400,
                body: google::refuses_token,
                looks: "Google refuses a token it does not accept with `invalid_token`",
                prefixes: google::TOKEN_PREFIXES,
                token_kind: "a Google access token (ya29....)",
            },
            // Slack says it in a 200 answer, which `parse` reads; the shape
            // check applies to any answer that says a token is inactive
            // (see `fetch::conclude`).
            Provider::Slack => Revocation {
                status: 200,
                body: |_, body| slack::says_inactive(body),
                looks: "Slack says a token no longer works with `token_revoked`, \
                        `account_inactive` or `token_expired`",
                prefixes: slack::TOKEN_PREFIXES,
                token_kind: "a Slack token (xoxb-, xoxp-, xoxa-, xoxr-, xoxe or xapp-...)",
            },
            Provider::Vault => Revocation {
                status: 403,
                body: vault::refuses_token,
                looks: "Vault refuses a token it does not know with exactly \
                        `{\"errors\":[\"permission denied\"]}` (a known token that lacks a \
                        capability gets another body)",
                prefixes: vault::TOKEN_PREFIXES,
                token_kind: "a Vault or OpenBao token (hvs., hvb., s. or b....)",
            },
            Provider::Kubernetes => Revocation {
                status: 401,
                body: kubernetes::refuses_token,
                looks: "the API server refuses a token no authenticator accepts with a \
                        `Status` whose reason is `Unauthorized`",
                prefixes: kubernetes::TOKEN_PREFIXES,
                token_kind: "a Kubernetes service account token (a JWT, eyJ...)",
            },
            _ => return None,
        })
    }
}

/// Splits a header's list of names on commas and white space. A text
/// made only of separators (`,`, ` , `) is no list at all: an error, never
/// "no names" (issue 35, item 5); an empty text is the empty list, which
/// each provider judges for itself (GitHub and Slack refuse it).
pub(crate) fn split_list(s: &str) -> Result<Vec<String>, String> {
    let names: Vec<String> = s
        .split([',', ' ', '\t'])
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect();
    if names.is_empty() && !s.is_empty() {
        return Err(format!(
            "the list `{}` holds only separators and white space, no name: that is no \
             answer an API gives, so it proves nothing",
            crate::escape::text(s)
        ));
    }
    Ok(names)
}

/// Whether a name an answer reports can be a privilege: not empty, no
/// white space at either end, no control character, and a letter or a
/// digit somewhere (or DocSpace's `*`). A list made only of separators
/// and white space (`[" ", ","]`, `" , "`) would otherwise become names
/// no rule matches, read as "holds nothing" (issue 35, the conformance
/// kit).
pub(crate) fn reported_name(p: &str) -> Result<(), String> {
    let shown = crate::escape::text(p);
    if p.is_empty() {
        return Err("the answer names an empty privilege, which no API grants".to_owned());
    }
    if p.trim() != p || p.chars().any(char::is_control) {
        return Err(format!(
            "the answer names the privilege `{shown}`, with white space at an end or a control \
             character: no API writes a name so, so the answer proves nothing"
        ));
    }
    if p != "*" && !p.chars().any(char::is_alphanumeric) {
        return Err(format!(
            "the answer names the privilege `{shown}`, made only of punctuation: a list of \
             separators, not of names, so the answer proves nothing"
        ));
    }
    Ok(())
}

/// What a JSON value is, for "expected ..., found a list" messages.
pub(crate) fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

/// OAuth and generic APIs: RFC 6749 error bodies (`{"error": "invalid_client"}`),
/// else the first line of the body.
fn generic_status(status: u16, body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    let code = v.get("error").and_then(Value::as_str);
    let detail = v.get("error_description").and_then(Value::as_str);
    let meaning = match (status, code) {
        (401, Some("invalid_client")) => {
            "the introspecting client was rejected: check its id, secret and auth_method"
        }
        (401, _) => "the API rejected the credential",
        (403, _) => "the credential may not call this endpoint",
        (404, _) => "not found: check the URL",
        _ => "the API refused the request",
    };
    match (code, detail) {
        (Some(c), Some(d)) => format!("{meaning} ({c}: {d})"),
        (Some(c), None) => format!("{meaning} ({c})"),
        _ => meaning.to_owned(),
    }
}

/// GitHub, GitLab, Slack and Google: each one's documented error bodies.
fn vendor_status(provider: Provider, status: u16, body: &str) -> String {
    let v: Value = serde_json::from_str(body).unwrap_or(Value::Null);
    // Vault says it in `errors`, a list of strings.
    let said = ["message", "error_description", "error"]
        .iter()
        .find_map(|k| v.get(k).and_then(Value::as_str))
        .or_else(|| v.pointer("/errors/0").and_then(Value::as_str));
    let meaning = match (provider, status) {
        (Provider::GitHub, 401) | (Provider::GitLab, 401) => {
            "the API does not accept the token (unknown, expired or revoked)"
        }
        (Provider::Google, 400)
            if v.get("error").and_then(Value::as_str) == Some("invalid_token") =>
        {
            "Google does not accept the token (unknown or expired)"
        }
        (Provider::GitHub, 403) => {
            "forbidden (a rate limit, or an organization's SSO or IP policy)"
        }
        (Provider::GitLab, 403) => "the token may not call this endpoint (a scope it lacks?)",
        (Provider::Vault, 403) => {
            "Vault refused the token: unknown, revoked or expired, or without the `default` \
             policy that lets a token look itself up"
        }
        (Provider::Vault, 400) => "Vault refused the request (a use-limited token used up?)",
        (Provider::Vault, 404) => "not found: check `base_url` and `namespace`",
        (Provider::Kubernetes, 401) => "the API server does not accept the token",
        // `/user` at GitHub Enterprise Server's own address is its web
        // site's, not the API's (GitHub docs, "Getting started with the
        // REST API": `http(s)://HOSTNAME/api/v3`).
        (Provider::GitHub, 404) => {
            "not found: check `base_url` (GitHub Enterprise Server's API is at \
             `https://HOSTNAME/api/v3`)"
        }
        (Provider::Kubernetes, 403) => {
            "the token may not create SelfSubjectRulesReviews (the cluster removed \
             `system:basic-user`?)"
        }
        (_, 404) => "not found: check `base_url`",
        _ => "the API refused the request",
    };
    match said {
        Some(said) => format!("{meaning} ({said})"),
        None => meaning.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_fits_its_vendors_shape_only() {
        let shape = |p: Provider| p.revocation().expect("has a revocation");
        let key = "sk-0123456789abcdef0123456789abcdef";
        assert!(shape(Provider::DocSpace).fits(key));
        assert!(!shape(Provider::DocSpace).fits("sk-short"));
        assert!(!shape(Provider::GitHub).fits(key));
        assert!(shape(Provider::GitHub).fits("ghp_0123456789abcdefABCDEF0123456789abcd"));
        assert!(shape(Provider::GitLab).fits("glpat-0123456789abcdef_-xy"));
        assert!(shape(Provider::Google).fits("ya29.a0AfH6SMB-0123456789_abc"));
        assert!(shape(Provider::Slack).fits("xoxb-1234567890-0987654321-abcdef"));
        assert!(Provider::Http.revocation().is_none());
        // Vault's and Kubernetes' shapes and refusals (mutation testing:
        // either arm was removable unnoticed by the run's tests).
        let vault = shape(Provider::Vault);
        assert!(vault.fits("hvs.CAESIJ0123456789abcdefghij") && !vault.fits(key));
        assert_eq!(vault.status, 403);
        let k8s = shape(Provider::Kubernetes);
        assert!(k8s.fits("eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2ln") && !k8s.fits(key));
        assert_eq!(k8s.status, 401);
    }

    #[test]
    fn a_list_of_separators_is_no_list() {
        assert_eq!(split_list("repo, read:org").unwrap(), ["repo", "read:org"]);
        assert_eq!(split_list("").unwrap(), Vec::<String>::new());
        for only in [",", " , ,", "\t", " "] {
            let e = split_list(only).unwrap_err();
            assert!(e.contains("only separators"), "{only:?}: {e}");
        }
    }

    #[test]
    fn a_base_url_that_repeats_the_appended_path_is_named() {
        let d = |base: &str, path: &str| {
            doubled_path(base, &format!("{}{path}", base.trim_end_matches('/')))
        };
        assert_eq!(
            d("https://vault.example.com/v1", "/v1/auth/token/lookup-self").as_deref(),
            Some("/v1")
        );
        assert_eq!(
            d(
                "https://gitlab.example.com/api/v4/",
                "/api/v4/personal_access_tokens/self"
            )
            .as_deref(),
            Some("/api/v4")
        );
        assert_eq!(
            d("https://p.example.com/x/api", "/api/2.0/keys/@self").as_deref(),
            Some("/api")
        );
        assert_eq!(
            d("https://p.example.com/api/2.0", "/api/2.0/keys/@self").as_deref(),
            Some("/api/2.0")
        );
        assert_eq!(d("https://api.github.com", "/user"), None);
        assert_eq!(d("https://ghe.example.com/api/v3", "/user"), None);
        assert_eq!(
            d(
                "https://vault.example.com/v1x",
                "/v1/auth/token/lookup-self"
            ),
            None
        );
        assert_eq!(d("https://host/v1", "/v10/x"), None);
    }

    /// A `provider: http` request uses the spec's method: POST and HEAD as
    /// written, anything else GET.
    #[test]
    fn an_http_request_uses_the_specs_method() {
        let api = |method: &str| {
            Api::Http(crate::plan::HttpApi {
                base_url: crate::template::Template::literal("https://api.example.com"),
                method: method.into(),
                path: "/me".into(),
                headers: Vec::new(),
                token_query: None,
                privileges: crate::plan::PrivilegeSource::Header("x-scopes".into()),
            })
        };
        for (written, sent) in [("GET", "GET"), ("POST", "POST"), ("HEAD", "HEAD")] {
            let r = Provider::Http
                .request(&api(written), "https://api.example.com")
                .expect("a request");
            assert_eq!(r.method, sent, "{written}");
            assert_eq!(r.url, "https://api.example.com/me");
        }
    }
}
