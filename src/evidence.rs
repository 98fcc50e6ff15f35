//! What a case compares against: a [`Grant`] and where it came from.
//!
//! Replay lives here (it is a file read); live fetching is in `fetch`.
//! Both hand the same [`Evidence`] to the comparison, so compare and report
//! never know which mode produced it beyond the [`Origin`] they print.

use crate::fixture::{self, ReadError};
use crate::plan::{Case, display_path};
use crate::provider::{Grant, Response};

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Evidence {
    pub grant: Grant,
    pub origin: Origin,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Origin {
    Replayed {
        fixture: String,
        recorded_at: String,
    },
    Live {
        url: String,
        retries: u32,
        recorded: Option<String>,
    },
}

/// Why a case has no evidence. `fix` is what the user should do next; the
/// report adds the exact command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CaseError {
    pub cause: String,
    pub fix: Fix,
    /// The HTTP status behind the error, when there was one.
    pub status: Option<u16>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fix {
    /// Record the fixture from the live API.
    Record,
    /// Something the user has to change; the text says what.
    Hint(String),
}

impl CaseError {
    pub(crate) fn new(cause: impl Into<String>, fix: Fix) -> Self {
        CaseError {
            cause: cause.into(),
            fix,
            status: None,
        }
    }
}

/// Reads the case's fixture and parses it with the case's provider.
pub(crate) fn replay(case: &Case) -> Result<Evidence, CaseError> {
    let shown = display_path(&case.fixture);
    let fixture = fixture::read(&case.fixture).map_err(|e| match e {
        ReadError::Missing => CaseError::new(format!("no fixture at {shown}"), Fix::Record),
        ReadError::Invalid(why) => CaseError::new(format!("fixture {shown}: {why}"), Fix::Record),
    })?;
    if fixture.provider != case.provider.name() {
        return Err(CaseError::new(
            format!(
                "fixture {shown} was recorded for provider `{}`, but the spec says `{}`",
                fixture.provider,
                case.provider.name()
            ),
            Fix::Record,
        ));
    }
    let status = fixture.response.status;
    if case.expect.active == Some(false) && case.provider.inactive_status() == Some(status) {
        return Ok(Evidence {
            grant: Grant::revoked(status),
            origin: Origin::Replayed {
                fixture: shown,
                recorded_at: fixture.recorded_at,
            },
        });
    }
    if !(200..300).contains(&status) {
        return Err(CaseError::new(
            format!("fixture {shown} holds an HTTP {status} answer, not a grant"),
            Fix::Record,
        ));
    }
    let response = Response {
        body: &fixture.response.body,
        headers: &fixture.response.headers,
    };
    let grant = case
        .provider
        .parse(&case.api, &response)
        .map_err(|why| CaseError::new(format!("fixture {shown}: {why}"), Fix::Record))?;
    Ok(Evidence {
        grant,
        origin: Origin::Replayed {
            fixture: shown,
            recorded_at: fixture.recorded_at,
        },
    })
}
