//! Stage 3: what each API is asked and how its answer becomes privileges.
//!
//! Architecture invariant: a provider never sees YAML and never does I/O. It
//! says which request to make ([`Provider::request`]) and turns a response
//! body into a [`Grant`] ([`Provider::parse`]); the fetch layer moves the
//! bytes and the fixture layer stores them.

mod docspace;
mod docspace_account;

use crate::privilege::{DOCSPACE, Family, ROLES};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider {
    /// The permissions of a DocSpace API key.
    DocSpace,
    /// The role of the DocSpace account behind a credential.
    DocSpaceAccount,
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

/// The one HTTP request a case needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Request {
    pub method: &'static str,
    pub url: String,
}

impl Provider {
    pub(crate) const ALL: &'static [Provider] = &[Provider::DocSpace, Provider::DocSpaceAccount];

    pub(crate) fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.iter().copied().find(|p| p.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::DocSpace => "docspace",
            Provider::DocSpaceAccount => "docspace-account",
        }
    }

    pub(crate) fn family(self) -> &'static dyn Family {
        match self {
            Provider::DocSpace => &DOCSPACE,
            Provider::DocSpaceAccount => &ROLES,
        }
    }

    pub(crate) fn request(self, base_url: &str) -> Request {
        let base = base_url.trim_end_matches('/');
        match self {
            Provider::DocSpace => Request {
                method: "GET",
                url: format!("{base}{}", docspace::KEY_SELF_PATH),
            },
            Provider::DocSpaceAccount => Request {
                method: "GET",
                url: format!("{base}{}", docspace_account::PATH),
            },
        }
    }

    /// The sign-in request that turns a user name and password into a
    /// bearer token (`scheme: login`), where the API has one.
    pub(crate) fn login_url(self, base_url: &str) -> Option<String> {
        let base = base_url.trim_end_matches('/');
        match self {
            Provider::DocSpace | Provider::DocSpaceAccount => {
                Some(format!("{base}{}", docspace::LOGIN_PATH))
            }
        }
    }

    /// The token from a successful sign-in answer.
    pub(crate) fn parse_login(self, body: &Value) -> Result<String, String> {
        match self {
            Provider::DocSpace | Provider::DocSpaceAccount => docspace::parse_login(body),
        }
    }

    /// A person's words for a failed sign-in.
    pub(crate) fn explain_login_status(self, status: u16, body: &str) -> String {
        match self {
            Provider::DocSpace | Provider::DocSpaceAccount => {
                docspace::explain_login_status(status, body)
            }
        }
    }

    /// Parses a successful (2xx) response body.
    pub(crate) fn parse(self, body: &Value) -> Result<Grant, String> {
        match self {
            Provider::DocSpace => docspace::parse_key(body),
            Provider::DocSpaceAccount => docspace_account::parse(body),
        }
    }

    /// A person's words for a non-2xx answer, from the API's documented
    /// behaviour. `body` is the response text, possibly empty.
    pub(crate) fn explain_status(self, status: u16, body: &str) -> String {
        match self {
            Provider::DocSpace | Provider::DocSpaceAccount => {
                docspace::explain_status(status, body)
            }
        }
    }
}
