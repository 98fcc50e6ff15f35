//! Stage 3: what each API is asked and how its answer becomes privileges.
//!
//! Architecture invariant: a provider never sees YAML and never does I/O. It
//! says which request to make ([`Provider::request`]) and turns a response
//! body into a [`Grant`] ([`Provider::parse`]); the fetch layer moves the
//! bytes and the fixture layer stores them.

mod docspace;

use crate::privilege::{DOCSPACE, Family};
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Provider {
    DocSpace,
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
    pub(crate) const ALL: &'static [Provider] = &[Provider::DocSpace];

    pub(crate) fn from_name(name: &str) -> Option<Provider> {
        Provider::ALL.iter().copied().find(|p| p.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Provider::DocSpace => "docspace",
        }
    }

    pub(crate) fn family(self) -> &'static dyn Family {
        match self {
            Provider::DocSpace => &DOCSPACE,
        }
    }

    pub(crate) fn request(self, base_url: &str) -> Request {
        let base = base_url.trim_end_matches('/');
        match self {
            Provider::DocSpace => Request {
                method: "GET",
                url: format!("{base}{}", docspace::KEY_SELF_PATH),
            },
        }
    }

    /// Parses a successful (2xx) response body.
    pub(crate) fn parse(self, body: &Value) -> Result<Grant, String> {
        match self {
            Provider::DocSpace => docspace::parse_key(body),
        }
    }

    /// A person's words for a non-2xx answer, from the API's documented
    /// behaviour. `body` is the response text, possibly empty.
    pub(crate) fn explain_status(self, status: u16, body: &str) -> String {
        match self {
            Provider::DocSpace => docspace::explain_status(status, body),
        }
    }
}
