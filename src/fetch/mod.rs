//! Live and record modes: ask the API for every selected case, at most
//! `PERMSPEC_CONCURRENCY` requests at once, each distinct request once.
//!
//! Architecture invariant: secrets are read here and only here, and only in
//! live or record mode. Each one goes into a request (the `Authorization`
//! header, a form field, the query, DocSpace's sign-in body) and into the
//! scrubber that cleans every error text and every answer before anything
//! leaves; nothing else sees it. This module never writes: it hands back
//! the fixture to record, and the caller writes it.

mod conclude;
mod http;
mod jobs;
mod prepare;
mod record;
mod retry;

use crate::evidence::{CaseError, Evidence, Fix, Origin};
use crate::fixture::{self, Fixture, FixtureResponse};
use crate::plan::Case;
use crate::provider::probe::{self, Seen};
use crate::provider::{Grant, Provider, Response};
use crate::secret::{Scrubber, Secret};
use http::{Answer, FetchError, Outgoing, ProbeAnswer, Settings};
use prepare::{Env, Job, Prepared, ProbeJob, Work, prepare, prepare_probes};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use conclude::{Shared, conclude, conclude_probes, request_scrubbers, same_evidence, scrub_value};
pub(crate) use jobs::get_json;
use jobs::{identity, probe_identity, run_all};
pub(crate) use record::{Recorded, record};

/// What a job produced: the answer, and the secrets the exchange handed
/// out (a session token, a signature) to scrub like the others.
/// No `Debug`: the answer is unscrubbed.
#[derive(Clone)]
struct JobResult {
    answer: Result<Answer, CaseError>,
    found: Vec<Secret>,
    /// Every retry the job needed, on every request, failed ones included.
    retries: u32,
}

/// What a probe produced: its answer (unscrubbed), or the error, scrubbed
/// of the probe's own secrets. No `Debug`: the answer is unscrubbed.
#[derive(Clone)]
struct ProbeResult {
    answer: Result<ProbeAnswer, CaseError>,
    retries: u32,
}

/// One distinct exchange of the run: a case's request, or a probe.
enum Task {
    Case(Box<Job>),
    Probe(Box<ProbeJob>),
}

/// What a task produced.
enum Done {
    Case(JobResult),
    Probe(ProbeResult),
}

/// Counts for the line printed before the cases run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub cases: usize,
    pub requests: usize,
    pub retries: u32,
    pub written: usize,
    /// Fixtures left as they were: the same evidence, confirmed.
    pub confirmed: usize,
    /// Answers written beside their fixture for review.
    pub pending: usize,
}

/// A case's live evidence, and the fixture that records it.
#[derive(Clone, Debug)]
pub(crate) struct Fetched {
    pub evidence: Evidence,
    pub fixture: Fixture,
    /// The secrets of the case's own request, so a fixture that still
    /// holds one is told from one holding another case's.
    pub own: Arc<Scrubber>,
}

/// Fetches every case in `cases`; the result has one entry per case, in
/// order, and a scrubber for every secret the run used (for a last pass
/// over everything shown).
pub(crate) fn fetch_all(
    cases: &[&Case],
    allow_unsafe: bool,
) -> (Vec<Result<Fetched, CaseError>>, Summary, Scrubber) {
    let mut summary = Summary {
        cases: cases.len(),
        ..Summary::default()
    };
    let mut everything = Scrubber::default();
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            return (
                fail_all(cases.len(), &e, "fix or unset the variable"),
                summary,
                everything,
            );
        }
    };
    if let Some((_, proxy)) = &settings.proxy {
        everything.extend([proxy]);
    }
    // The client most requests go through (the system's trust roots, which
    // take milliseconds to load) is built on another core while the cases
    // are prepared. A case whose probes cannot be sent (an unsafe one the
    // run does not allow, an unset variable) sends nothing at all.
    let (prepared, default_client) = std::thread::scope(|scope| {
        let client = scope.spawn(|| http::client(&settings, None));
        let env = Env::read();
        let prepared: Vec<Result<(Prepared, Vec<ProbeJob>), CaseError>> = cases
            .iter()
            .map(|c| prepare(c, &env).and_then(|p| Ok((p, prepare_probes(c, allow_unsafe, &env)?))))
            .collect();
        let client = client.join().unwrap_or_else(|_| {
            Err(
                "internal: permspec failed while setting up the HTTP client; please \
                     report it"
                    .to_owned(),
            )
        });
        (prepared, client)
    });

    // Identical requests (same method, URL, credential, body, whether the
    // body is read, and trusted CA) are made once; the headers each case
    // reads are all kept. Probes likewise: an identical probe with the
    // same credential is one request.
    let mut unique: Vec<Task> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut slots: Vec<(Option<usize>, Vec<usize>)> = Vec::with_capacity(prepared.len());
    // For each distinct request, the case that first asks it: the one its
    // scrubber and stored bodies are made from, for every case that shares it.
    let mut firsts: Vec<Option<usize>> = Vec::new();
    for (c, p) in prepared.iter().enumerate() {
        let Ok((p, probes)) = p else {
            slots.push((None, Vec::new()));
            continue;
        };
        let main = match &p.work {
            Work::Network(job) => {
                let i = *index.entry(identity(job)).or_insert_with(|| {
                    unique.push(Task::Case(job.clone()));
                    firsts.push(Some(c));
                    unique.len() - 1
                });
                if let Task::Case(kept) = &mut unique[i] {
                    for name in &job.out.keep {
                        if !kept.out.keep.contains(name) {
                            kept.out.keep.push(name.clone());
                        }
                    }
                }
                Some(i)
            }
            Work::Offline(_) => None,
        };
        let probe_slots = probes
            .iter()
            .map(|probe| {
                *index.entry(probe_identity(probe)).or_insert_with(|| {
                    unique.push(Task::Probe(Box::new(probe.clone())));
                    firsts.push(None);
                    unique.len() - 1
                })
            })
            .collect();
        slots.push((main, probe_slots));
    }
    summary.requests = unique
        .iter()
        .map(|task| match task {
            Task::Case(job) => 1 + job.steps.as_ref().map_or(0, |(_, then)| then.len()),
            Task::Probe(_) => 1,
        })
        .sum();

    let (outcomes, (mut made, sent)) = if unique.is_empty() {
        (Vec::new(), (Vec::new(), Scrubber::default()))
    } else {
        let mut clients: HashMap<Option<PathBuf>, Result<reqwest::Client, String>> =
            HashMap::from([(None, default_client)]);
        let tasks = unique
            .into_iter()
            .map(|task| {
                let ca = match &task {
                    Task::Case(job) => job.ca_file.clone(),
                    Task::Probe(probe) => probe.ca_file.clone(),
                };
                let client = clients
                    .entry(ca.clone())
                    .or_insert_with(|| http::client(&settings, ca.as_deref()))
                    .clone();
                (client, task)
            })
            .collect();
        // Each request's scrubber (every form of every secret it sends) is
        // made on another core while the requests are out; only the
        // secrets an exchange hands out are added after.
        std::thread::scope(|scope| {
            let made = scope.spawn(|| request_scrubbers(&prepared, &firsts));
            let outcomes = run_all(tasks, &settings);
            (outcomes, made.join().unwrap_or_default())
        })
    };
    // The run's scrubber starts from every secret the requests sent
    // (absorbed on the other core); each request adds what its exchange
    // handed out, and an offline case its own.
    let mut everything = {
        let mut run = sent;
        run.absorb(&everything);
        run
    };
    summary.retries = outcomes
        .iter()
        .map(|o| match o {
            Done::Case(r) => r.retries,
            Done::Probe(r) => r.retries,
        })
        .sum();
    let recorded_at: Arc<str> = fixture::now_utc().into();
    let answer_of = |i: usize| match outcomes.get(i) {
        Some(Done::Case(outcome)) => Some(outcome),
        _ => None,
    };
    // Cases that share a request share its secrets (the request's key
    // holds the credential, in the header, query or body), so its scrubber
    // and stored bodies are made once, from the first case that asks it.
    let shared: Vec<Option<Shared>> = firsts
        .iter()
        .enumerate()
        .map(|(i, first)| {
            let (p, _) = prepared.get((*first)?)?.as_ref().ok()?;
            let made = made.get_mut(i).and_then(Option::take);
            Some(Shared::new(p, answer_of(i)?, made, &recorded_at))
        })
        .collect();
    // Then every case is concluded on every core; an offline case's own
    // scrubber is kept to join the run's.
    let own_scrubbers: std::sync::Mutex<Vec<Scrubber>> = Default::default();
    let results: Vec<Result<Fetched, CaseError>> = crate::parallel::map(
        cases.iter().zip(prepared).zip(slots),
        crate::parallel::cores(),
        |((case, prepared), (slot, probe_slots))| {
            let (prepared, _) = prepared?;
            let (offline, own);
            let (outcome, shared) = match (&prepared.work, slot) {
                (Work::Offline(decoded), _) => {
                    offline = JobResult {
                        answer: Ok(Answer::offline(decoded.clone())),
                        found: Vec::new(),
                        retries: 0,
                    };
                    own = Shared::new(&prepared, &offline, None, &recorded_at);
                    own_scrubbers
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(Scrubber::clone(&own.scrubber));
                    (&offline, &own)
                }
                (Work::Network(_), Some(i)) => {
                    match (answer_of(i), shared.get(i).and_then(Option::as_ref)) {
                        (Some(outcome), Some(shared)) => (outcome, shared),
                        _ => return Err(no_answer()),
                    }
                }
                (Work::Network(_), None) => return Err(no_answer()),
            };
            let mut fetched = conclude(case, &prepared, outcome, shared)?;
            let answers: Vec<Option<&ProbeResult>> = probe_slots
                .iter()
                .map(|&i| match outcomes.get(i) {
                    Some(Done::Probe(r)) => Some(r),
                    _ => None,
                })
                .collect();
            let seen = conclude_probes(case, &answers, &shared.scrubber)?;
            fetched.evidence.grant.probes = seen.clone();
            fetched.fixture.probes = seen;
            Ok(fetched)
        },
    );
    let own_scrubbers = own_scrubbers
        .into_inner()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    for s in shared
        .iter()
        .flatten()
        .map(|s| &*s.scrubber)
        .chain(&own_scrubbers)
    {
        everything.absorb(s);
    }
    // The answers as they came, and each request's scrubber, are freed on
    // another thread while the cases are judged: at 1,000 keys, hundreds
    // of thousands of small allocations, 15 ms of one core.
    let answered = (outcomes, shared, made);
    let _ = std::thread::Builder::new().spawn(move || drop(answered));
    (results, summary, everything)
}

fn no_answer() -> CaseError {
    CaseError::new(
        "internal: no answer for this request",
        Fix::Hint("please report this".into()),
    )
}

fn fail_all(n: usize, cause: &str, hint: &str) -> Vec<Result<Fetched, CaseError>> {
    (0..n)
        .map(|_| Err(CaseError::new(cause, Fix::Hint(hint.to_owned()))))
        .collect()
}
