//! What a case compares against: a [`Grant`] and where it came from.
//!
//! Replay lives here (it is a file read); live fetching is in `fetch`.
//! Both hand the same [`Evidence`] to the comparison, so compare and report
//! never know which mode produced it beyond the [`Origin`] they print.
//!
//! Architecture invariant: evidence is never rewritten, and what is shown is
//! built from scrubbed evidence. Live evidence is parsed from the answer as
//! it will be recorded (scrubbed), and only when that gives the same grant
//! as the answer itself; replay parses the same bytes. So a token judged
//! live and its replay can never be judged differently (issue 10, item 8).

use crate::fixture::{self, ReadError};
use crate::plan::Provider;
use crate::plan::{Case, Entry, display_path};
use crate::provider::{Grant, Response};

/// A planned entry and the evidence gathered for it (none for a broken spec).
pub(crate) type Gathered = (Entry, Option<Result<Evidence, CaseError>>);

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
        /// When a later record run found the same evidence
        /// (`confirmations.json`), if one did.
        confirmed_at: Option<String>,
        /// A recorded change waiting for `permspec review` beside it.
        pending: Option<String>,
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
    /// The refusal behind the error, when the API answered with a status.
    pub refusal: Option<Refusal>,
}

/// A non-2xx answer, as much of it as judging a revocation needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub status: u16,
    /// The body, scrubbed: its JSON, `Null` when it was empty (as
    /// DocSpace's own refusals are), or the start of its text when it is
    /// not JSON. Stored in the fixture when it proves a revocation.
    pub body: std::sync::Arc<serde_json::Value>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Fix {
    /// Record the fixture from the live API.
    Record,
    /// Something the user has to change; the text says what.
    Hint(String),
    /// Something to change (the text says what), then the case run again
    /// in the mode it ran in.
    Rerun(String),
}

impl CaseError {
    pub(crate) fn new(cause: impl Into<String>, fix: Fix) -> Self {
        CaseError {
            cause: cause.into(),
            fix,
            refusal: None,
        }
    }
}

/// What every replay of one run shares, read once: the time and the
/// environment's fixture-age policy.
#[derive(Clone, Debug)]
pub(crate) struct ReplayContext {
    pub now: i64,
    /// `PERMSPEC_MAX_FIXTURE_AGE`, parsed, or why it does not parse.
    pub max_age: Result<Option<i64>, String>,
    /// When each fixture was last confirmed, from the `confirmations.json`
    /// of every fixtures folder the run reads.
    pub confirmed:
        std::collections::BTreeMap<std::path::PathBuf, crate::confirmations::Confirmation>,
    /// The fixtures folders whose `confirmations.json` is there but cannot
    /// be read, and why: none of their confirmations counts (stricter), and
    /// a fixture that goes stale for it says so.
    pub unread: std::collections::BTreeMap<std::path::PathBuf, String>,
    /// Fixtures no token refers to, to name one a case may have lost
    /// (a renamed spec or token).
    pub orphans: Vec<std::path::PathBuf>,
    /// The fixtures with a pending `.json.new` beside them.
    pub pending: std::collections::HashSet<std::path::PathBuf>,
}

impl ReplayContext {
    pub(crate) fn from_env(now: i64) -> ReplayContext {
        let max_age = match std::env::var("PERMSPEC_MAX_FIXTURE_AGE") {
            Ok(v) if !v.trim().is_empty() => crate::time::parse_duration(&v).map(Some),
            _ => Ok(None),
        };
        ReplayContext {
            now,
            max_age,
            confirmed: Default::default(),
            unread: Default::default(),
            orphans: Vec::new(),
            pending: Default::default(),
        }
    }

    pub(crate) fn with_listing(mut self, found: crate::orphans::Found) -> ReplayContext {
        self.orphans = found.orphans;
        self.pending = found.pending;
        self
    }

    /// Reads the confirmations of every fixtures folder the cases use
    /// ([`Found::roots`](crate::orphans::Found::roots)).
    pub(crate) fn with_confirmations(mut self, roots: &[std::path::PathBuf]) -> ReplayContext {
        for root in roots {
            match crate::confirmations::read(root) {
                Ok(confirmed) => self.confirmed.extend(confirmed),
                Err(why) => {
                    self.unread.insert(root.to_path_buf(), why);
                }
            }
        }
        self
    }
}

/// How far in the future a recording may say it was made: clocks drift.
const CLOCK_SKEW: i64 = 300;

/// Reads the case's fixture and parses it with the case's provider, after
/// checking that it answers the request the spec asks now and is neither
/// stale nor from the future.
pub(crate) fn replay(case: &Case, context: &ReplayContext) -> Result<Evidence, CaseError> {
    let shown = display_path(&case.fixture);
    let fixture = fixture::read(&case.spec.fixtures, &case.fixture).map_err(|e| match e {
        ReadError::Missing => match crate::orphans::namesake(&context.orphans, &case.fixture) {
            Some(orphan) => {
                let orphan = display_path(orphan);
                CaseError::new(
                    format!(
                        "no fixture at {shown}; no token refers to {orphan}, which has this \
                         token's name: if the spec or the token was renamed, move it (`mv \
                         {orphan} {shown}`) and check again, or record it anew"
                    ),
                    Fix::Record,
                )
            }
            None => CaseError::new(format!("no fixture at {shown}"), Fix::Record),
        },
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
    let asked = fixture::request_of(case);
    if !fixture.request.answers(&asked) {
        let line = |r: &fixture::FixtureRequest| {
            let mut s = format!(
                "{} {}\n                 credential: {}",
                r.method, r.url, r.credential
            );
            for (k, v) in &r.headers {
                s.push_str(&format!("\n                 header {k}: {v}"));
            }
            for step in &r.steps {
                s.push_str(&format!("\n                 step {step}"));
            }
            s
        };
        let mut cause = format!(
            "fixture {shown} answers another request than the spec asks now\n\
             \x20 recorded for  {}\n\
             \x20 asked now     {}",
            line(&fixture.request),
            line(&asked)
        );
        // A list the API answers item by item (Vault's `paths`, Kubernetes'
        // `namespaces`) is a set: only what it holds counts, and a changed
        // set is named item by item. Recording asks every item again.
        if let Some((gone, added)) = fixture.request.listed_change(&asked) {
            let key = match &*case.api {
                crate::plan::Api::Kubernetes { .. } => "namespaces",
                _ => "paths",
            };
            let items = |l: &[String]| {
                l.iter()
                    .map(|i| format!("`{}`", crate::escape::text(i)))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            if !added.is_empty() {
                cause.push_str(&format!(
                    "\n  `{key}` now lists {}, which the fixture has no answer for",
                    items(&added)
                ));
            }
            if !gone.is_empty() {
                cause.push_str(&format!(
                    "\n  `{key}` no longer lists {}, which the fixture answers",
                    items(&gone)
                ));
            }
        }
        return Err(CaseError::new(cause, Fix::Record));
    }
    // Only a confirmation of this very recording counts (see
    // `confirmations.rs`).
    let confirmed_at = context
        .confirmed
        .get(&case.fixture)
        .filter(|c| c.of == fixture.recorded_at)
        .map(|c| c.at.clone());
    check_age(
        case,
        context,
        &shown,
        &fixture.recorded_at,
        confirmed_at.as_deref(),
    )?;
    let grant = judge(case, &fixture, &shown)?;
    // Known from the listing of the folder: no look per case.
    let pending = (!context.pending.is_empty() && context.pending.contains(&case.fixture))
        .then(|| display_path(&fixture::pending_path(&case.fixture)));
    let origin = Origin::Replayed {
        fixture: shown,
        recorded_at: fixture.recorded_at,
        confirmed_at,
        pending,
    };
    Ok(Evidence { grant, origin })
}

/// The grant a fixture holds for `case`, as replay judges it (and as a
/// record run compares a new answer with it).
pub(crate) fn judge(
    case: &Case,
    fixture: &fixture::Fixture,
    shown: &str,
) -> Result<Grant, CaseError> {
    let mut grant = match (&fixture.response, case.provider) {
        // Probes only: there is no answer but the probes'.
        (None, Provider::Probes) => Grant::new(Vec::new(), Vec::new()),
        (Some(_), Provider::Probes) | (None, _) => {
            return Err(CaseError::new(
                format!(
                    "fixture {shown} {} an answer, and provider `{}` {}",
                    if fixture.response.is_some() {
                        "holds"
                    } else {
                        "holds no"
                    },
                    case.provider.name(),
                    if fixture.response.is_some() {
                        "asks nothing but its probes"
                    } else {
                        "reads one"
                    }
                ),
                Fix::Record,
            ));
        }
        (Some(stored), _) => judge_answer(case, stored, shown)?,
    };
    // The probes answered are the probes asked: the same requests, in the
    // same order, or nothing is judged.
    let asked: Vec<(&str, String, Option<&str>)> = case
        .expect
        .probes
        .iter()
        .map(|p| (p.method.name(), p.path.written(), p.body.as_deref()))
        .collect();
    let answered: Vec<(&str, String, Option<&str>)> = fixture
        .probes
        .iter()
        .map(|s| (s.method.as_str(), s.path.clone(), s.body.as_deref()))
        .collect();
    if asked != answered {
        let show = |l: &[(&str, String, Option<&str>)]| {
            if l.is_empty() {
                return "none".to_owned();
            }
            l.iter()
                .map(|(m, p, _)| crate::escape::text(&format!("{m} {p}")).into_owned())
                .collect::<Vec<_>>()
                .join(", ")
        };
        return Err(CaseError::new(
            format!(
                "fixture {shown} answers other probes than the spec asks now\n\
                 \x20 recorded for  {}\n\
                 \x20 asked now     {}",
                show(&answered),
                show(&asked)
            ),
            Fix::Record,
        ));
    }
    // A 2xx answer's body was read for a refusal under one rule (Slack's,
    // a spec's `refused_when`), or under none: a fixture read otherwise
    // answers another question, and its verdict cannot be read again (the
    // body is not kept).
    let rule = case.expect.refused_when.as_deref().map(|r| r.shown());
    if let Some(s) = fixture
        .probes
        .iter()
        .find(|s| (200..300).contains(&s.status) && s.read_by != rule)
    {
        let said = |r: Option<&str>| match r {
            Some(r) => format!("`{}`", crate::escape::text(r)),
            None => "no rule (the body was not read)".to_owned(),
        };
        return Err(CaseError::new(
            format!(
                "fixture {shown} judged the answer to `{} {}` by {}, and the spec now reads \
                 refusals in a 2xx answer by {}",
                s.method,
                crate::escape::text(&s.path),
                said(s.read_by.as_deref()),
                said(rule.as_deref())
            ),
            Fix::Record,
        ));
    }
    grant.probes = fixture.probes.clone();
    Ok(grant)
}

/// The grant a stored answer holds.
fn judge_answer(
    case: &Case,
    stored: &fixture::FixtureResponse,
    shown: &str,
) -> Result<Grant, CaseError> {
    let status = stored.status;
    // A refusal stands for revocation only as it was recorded: the API's
    // own refusal (DocSpace's empty 401, GitHub's `Bad credentials`), under
    // `active: false` (see `fetch::refused`).
    if case.expect.active == Some(false)
        && case
            .provider
            .revocation()
            .is_some_and(|r| r.status == status && (r.body)(status, &stored.body))
    {
        return Ok(Grant::revoked(status));
    }
    if !(200..300).contains(&status) {
        return Err(CaseError::new(
            format!("fixture {shown} holds an HTTP {status} answer, not a grant"),
            Fix::Record,
        ));
    }
    let response = Response {
        body: &stored.body,
        headers: &stored.headers,
    };
    case.provider.parse(&case.api, &response).map_err(|e| {
        let fix = e.fix.map_or(Fix::Record, Fix::Hint);
        CaseError::new(format!("fixture {shown}: {}", e.why), fix)
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

/// A fixture must say when it was recorded, not in the future (a future
/// date would never go stale; issue 10, item 17), and within the allowed
/// age when there is one.
fn check_age(
    case: &Case,
    context: &ReplayContext,
    shown: &str,
    recorded_at: &str,
    confirmed_at: Option<&str>,
) -> Result<(), CaseError> {
    let limit = max_age(case, context)?;
    let time = |key: &str, value: &str| {
        let written = crate::escape::text(value);
        let at = crate::time::parse_timestamp(value).ok_or_else(|| {
            CaseError::new(
                format!("fixture {shown}: `{key}: {written}` is not a timestamp"),
                Fix::Record,
            )
        })?;
        if at > context.now.saturating_add(CLOCK_SKEW) {
            return Err(CaseError::new(
                format!(
                    "fixture {shown}: `{key}: {written}` is in the future, so its age cannot \
                     be known; the recording machine's clock (or PERMSPEC_NOW) was wrong"
                ),
                Fix::Record,
            ));
        }
        Ok(at)
    };
    let recorded = time("recorded_at", recorded_at)?;
    // A confirmation only ever makes a fixture younger: one that does not
    // parse, or lies in the future, is refused like `recorded_at`.
    let (recorded, word) = match confirmed_at {
        Some(c) => {
            let confirmed = time(&format!("{} confirmed", crate::confirmations::FILE), c)?;
            (recorded.max(confirmed), "last confirmed")
        }
        None => (recorded, "recorded"),
    };
    let Some(limit) = limit else {
        return Ok(());
    };
    let age = context.now.saturating_sub(recorded);
    if age > limit {
        let mut cause = format!(
            "fixture {shown} is stale: {word} {}, {} days ago, more than max_fixture_age {}",
            crate::time::format_date(recorded.div_euclid(86_400)),
            age / 86_400,
            crate::time::format_duration(limit)
        );
        // The manifest that may have confirmed it is not read: say so, as
        // recording again cannot note a confirmation in it either.
        if let Some(why) = context.unread.get(&case.spec.fixtures) {
            cause.push_str(&format!(
                "; no confirmation counts, as {why}: fix or delete it, then record"
            ));
        }
        return Err(CaseError::new(cause, Fix::Record));
    }
    Ok(())
}
