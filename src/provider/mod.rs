//! Stage 3: what each API is asked and how its answer becomes privileges.
//!
//! Architecture invariant: a provider never sees YAML and never does I/O,
//! and never holds a secret. It says which request to make
//! ([`Provider::request`]), where the credential goes in it, and turns a
//! response body into a [`Grant`] ([`Provider::parse`]); the fetch layer
//! moves the bytes and the fixture layer stores them.

pub(crate) mod coveo;
mod docspace;
mod docspace_account;
mod docspace_catalog;

use crate::privilege::{COVEO, DOCSPACE, Family, PLAIN, ROLES};
use serde_json::{Value, json};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider {
    /// The permissions of a DocSpace API key.
    DocSpace,
    /// The role of the DocSpace account behind a credential.
    DocSpaceAccount,
    /// DocSpace's catalog of API key permission names.
    DocSpacePermissions,
    /// DocSpace's catalog of OAuth scopes.
    DocSpaceScopes,
    /// The privileges of a Coveo access token.
    Coveo,
}

/// What the API reported for one token.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Grant {
    /// Canonical privilege strings, sorted and without duplicates.
    pub privileges: Vec<String>,
    /// Facts worth telling the reader ("full access: ...").
    pub notes: Vec<String>,
}

impl Grant {
    pub(crate) fn new(mut privileges: Vec<String>, notes: Vec<String>) -> Self {
        privileges.sort();
        privileges.dedup();
        Grant { privileges, notes }
    }
}

/// The API a case talks to, as the plan resolved it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Target<'a> {
    pub base_url: &'a str,
    pub organization: Option<&'a str>,
}

/// The one HTTP request a case needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub method: &'static str,
    pub url: String,
    pub json_body: Option<Value>,
    /// The inspected token travels in this query parameter (Coveo), and the
    /// `Authorization` header carries the caller instead.
    pub token_in_query: Option<&'static str>,
}

impl Request {
    fn get(url: String) -> Request {
        Request {
            method: "GET",
            url,
            json_body: None,
            token_in_query: None,
        }
    }
}

impl Provider {
    pub(crate) const ALL: &'static [Provider] = &[
        Provider::DocSpace,
        Provider::DocSpaceAccount,
        Provider::DocSpacePermissions,
        Provider::DocSpaceScopes,
        Provider::Coveo,
    ];

    pub(crate) fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.iter().copied().find(|p| p.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::DocSpace => "docspace",
            Provider::DocSpaceAccount => "docspace-account",
            Provider::DocSpacePermissions => "docspace-permissions",
            Provider::DocSpaceScopes => "docspace-scopes",
            Provider::Coveo => "coveo",
        }
    }

    pub(crate) fn family(self) -> &'static dyn Family {
        match self {
            Provider::DocSpace => &DOCSPACE,
            Provider::DocSpaceAccount => &ROLES,
            Provider::DocSpacePermissions | Provider::DocSpaceScopes => &PLAIN,
            Provider::Coveo => &COVEO,
        }
    }

    /// Whether the spec must name an `organization` (Coveo) and may name a
    /// `region` instead of `base_url`.
    pub(crate) fn is_coveo(self) -> bool {
        self == Provider::Coveo
    }

    fn is_docspace(self) -> bool {
        !self.is_coveo()
    }

    pub(crate) fn request(self, target: Target<'_>) -> Request {
        let base = target.base_url.trim_end_matches('/');
        match self {
            Provider::DocSpace => Request::get(format!("{base}{}", docspace::KEY_SELF_PATH)),
            Provider::DocSpaceAccount => Request::get(format!("{base}{}", docspace_account::PATH)),
            Provider::DocSpacePermissions => {
                Request::get(format!("{base}{}", docspace_catalog::PERMISSIONS_PATH))
            }
            Provider::DocSpaceScopes => {
                Request::get(format!("{base}{}", docspace_catalog::SCOPES_PATH))
            }
            Provider::Coveo => Request {
                method: "POST",
                url: format!(
                    "{base}{}",
                    coveo::path(target.organization.unwrap_or_default())
                ),
                json_body: Some(json!({})),
                token_in_query: Some("accessToken"),
            },
        }
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

    /// Parses a successful (2xx) response body.
    pub(crate) fn parse(self, body: &Value) -> Result<Grant, String> {
        match self {
            Provider::DocSpace => docspace::parse_key(body),
            Provider::DocSpaceAccount => docspace_account::parse(body),
            Provider::DocSpacePermissions => docspace_catalog::parse_permissions(body),
            Provider::DocSpaceScopes => docspace_catalog::parse_scopes(body),
            Provider::Coveo => coveo::parse(body),
        }
    }

    /// A person's words for a non-2xx answer, from the API's documented
    /// behaviour. `body` is the response text, possibly empty.
    pub(crate) fn explain_status(self, status: u16, body: &str) -> String {
        match self {
            Provider::Coveo => coveo::explain_status(status, body),
            Provider::DocSpacePermissions if status == 403 && body.trim().is_empty() => {
                "this endpoint needs a key with `*:read` or `*:write` (DocSpace 3.7.1 and later)"
                    .to_owned()
            }
            _ => docspace::explain_status(status, body),
        }
    }
}
