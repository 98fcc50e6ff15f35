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
/// What every replay of one run shares, read once: the time and the
/// environment's fixture-age policy.
#[derive(Clone, Debug)]
pub(crate) struct ReplayContext {
    pub now: i64,
    /// `PERMSPEC_MAX_FIXTURE_AGE`, parsed, or why it does not parse.
    pub max_age: Result<Option<i64>, String>,
}

impl ReplayContext {
    pub(crate) fn from_env(now: i64) -> ReplayContext {
        let max_age = match std::env::var("PERMSPEC_MAX_FIXTURE_AGE") {
            Ok(v) if !v.trim().is_empty() => crate::time::parse_duration(&v).map(Some),
            _ => Ok(None),
        };
        ReplayContext { now, max_age }
    }
}

pub(crate) fn replay(case: &Case, context: &ReplayContext) -> Result<Evidence, CaseError> {
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
    check_age(case, context, &shown, &fixture.recorded_at)?;
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

/// The stricter of the spec's `max_fixture_age` and `PERMSPEC_MAX_FIXTURE_AGE`.
fn max_age(case: &Case, context: &ReplayContext) -> Result<Option<i64>, CaseError> {
    let env = context.max_age.clone().map_err(|why| {
        CaseError::new(
            format!("PERMSPEC_MAX_FIXTURE_AGE: {why}"),
            Fix::Hint("set it to a duration such as 30d, or unset it".into()),
        )
    })?;
    Ok(match (case.max_fixture_age, env) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    })
}

/// A replayed fixture older than the allowed age says nothing about today.
fn check_age(
    case: &Case,
    context: &ReplayContext,
    shown: &str,
    recorded_at: &str,
) -> Result<(), CaseError> {
    let Some(limit) = max_age(case, context)? else {
        return Ok(());
    };
    let recorded = crate::time::parse_timestamp(recorded_at).ok_or_else(|| {
        CaseError::new(
            format!("fixture {shown}: `recorded_at: {recorded_at}` is not a timestamp"),
            Fix::Record,
        )
    })?;
    let age = context.now - recorded;
    if age > limit {
        return Err(CaseError::new(
            format!(
                "fixture {shown} is stale: recorded {}, {} days ago, more than max_fixture_age {}",
                &recorded_at[..recorded_at.len().min(10)],
                age / 86_400,
                crate::time::format_duration(limit)
            ),
            Fix::Record,
        ));
    }
    Ok(())
}
