//! Live and record modes: ask the API for every selected case, at most
//! `PERMSPEC_CONCURRENCY` requests at once, each distinct request once.
//!
//! Architecture invariant: secrets are read here and only here, and only in
//! live or record mode. Each one goes into a request (the `Authorization`
//! header, a form field, the query, DocSpace's sign-in body) and into the
//! scrubber that cleans every error text and every answer before anything
//! leaves; nothing else sees it. This module never writes: it hands back
//! the fixture to record, and the caller writes it.

mod http;
mod prepare;
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

/// Each probe's answer as evidence, in the spec's order, judged as replay
/// judges it: an answer that proves nothing (a redirect, an HTML page, a
/// status neither a success nor a denial, a broken connection) fails the
/// case, and nothing of it is recorded. Only a refusal's message is kept,
/// scrubbed and cut short; a success's body never.
fn conclude_probes(
    case: &Case,
    answers: &[Option<&ProbeResult>],
    scrubber: &Scrubber,
) -> Result<Vec<Seen>, CaseError> {
    let mut seen = Vec::with_capacity(answers.len());
    for (p, answer) in case.expect.probes.iter().zip(answers) {
        let shown = crate::escape::text(&p.shown()).into_owned();
        let fail = |why: String, hint: &str| {
            CaseError::new(
                crate::escape::lines(
                    &scrubber.scrub(&format!("probe `{shown}` (line {}): {why}", p.line)),
                ),
                Fix::Hint(hint.to_owned()),
            )
        };
        let answer = match answer.map(|a| &a.answer) {
            Some(Ok(a)) => a,
            Some(Err(e)) => {
                return Err(fail(
                    e.cause.clone(),
                    "a probe that cannot be judged proves nothing; check the path and the network, and try again",
                ));
            }
            None => return Err(fail("internal: no answer".into(), "please report this")),
        };
        let text = scrubber.scrub(&answer.text);
        let headers: BTreeMap<String, String> = answer
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), scrubber.scrub(v)))
            .collect();
        if answer.html {
            return Err(fail(
                format!(
                    "HTTP {} with an HTML page, not the API's answer (a sign-in page, a proxy's \
                     or a firewall's): it proves nothing",
                    answer.status
                ),
                "check `base_url` and the path: a probe must reach the API itself",
            ));
        }
        let (message, needs) = probe::explain(&text, &headers);
        let success = (200..300).contains(&answer.status);
        // Where the API refuses inside a 2xx answer, the body says whether
        // this one is a refusal; it is read here, and only its reason kept.
        let rule = case.expect.refused_when.as_deref();
        let refused = match rule {
            Some(rule) if success => probe::read_refusal(rule, &answer.text).map_err(|why| {
                fail(
                    format!("HTTP {}: {why}", answer.status),
                    "check `base_url` and the path: a probe must reach the API itself",
                )
            })?,
            _ => None,
        };
        let kept = |t: String| probe::cut(&scrubber.scrub(&t));
        let refusing = !success || refused.is_some();
        let answered = Seen {
            method: p.method.name().to_owned(),
            path: p.path.written(),
            body: p.body.clone(),
            status: answer.status,
            message: if refusing { message } else { None },
            needs,
            read_by: rule.filter(|_| success).map(|r| r.shown()),
            refused: refused.map(kept),
            witness: None,
        };
        // Judged as replay will judge it; a 404 is judged on a witness
        // found after every answer is in, so here it only has to be one
        // the spec lists as denied.
        let judging = probe::Judging {
            witnessed: true,
            ..probe::Judging::of(&case.expect, p, &answered)
        };
        if let Err(why) = probe::judge(&answered, &judging) {
            let said = answered
                .message
                .as_deref()
                .filter(|m| Some(*m) != answered.refused.as_deref())
                .map(|m| format!(" (the server says \"{m}\")"))
                .unwrap_or_default();
            return Err(fail(
                format!("{why}{said}"),
                if success {
                    "fix the probe's request; a refusal in a 2xx answer is a denial only for \
                     a reason the API gives for a missing permission (`refused_when.denied`; \
                     Slack's own list)"
                } else {
                    "fix the probe's path, or list the status in `denied_statuses` if this API \
                     denies with it; a probe is judged only on a success or a permission denial"
                },
            ));
        }
        seen.push(answered);
    }
    Ok(seen)
}

/// The de-duplication key of a probe; like [`identity`], it holds secrets
/// and never leaves memory.
fn probe_identity(probe: &ProbeJob) -> String {
    let ca = probe
        .ca_file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("probe\u{0}{}\u{0}{ca}\u{0}{}", part(&probe.out), probe.safe)
}

/// What the cases of one request share when it is concluded.
struct Shared {
    /// Every secret the request sent or was handed; each of its cases
    /// keeps it (`Fetched::own`) to tell its own credential from another's.
    scrubber: Arc<Scrubber>,
    /// The answer's body as each provider stores it (what it keeps of the
    /// answer, scrubbed), and whether scrubbing changed it, made when a
    /// case of that provider first needs it. Cases of two providers can
    /// share a request; each stores the answer as its own provider keeps
    /// it (DocSpace drops `lastUsed`, `provider: http` keeps it), so its
    /// replay reads what its live run read.
    bodies: std::sync::Mutex<Vec<(Provider, Arc<Value>, bool)>>,
    /// When the run recorded, read once (`PERMSPEC_NOW` pins it).
    recorded_at: Arc<str>,
}

impl Shared {
    /// `made`: the scrubber of what the request sends, if it was made
    /// while the request was out ([`request_scrubbers`]).
    fn new(
        prepared: &Prepared,
        outcome: &JobResult,
        made: Option<Scrubber>,
        recorded_at: &Arc<str>,
    ) -> Shared {
        let mut scrubber = made.unwrap_or_else(|| sent_scrubber(prepared));
        if !outcome.found.is_empty() {
            scrubber.extend(&outcome.found);
        }
        Shared {
            scrubber: Arc::new(scrubber),
            bodies: std::sync::Mutex::new(Vec::new()),
            recorded_at: recorded_at.clone(),
        }
    }

    /// The body as `provider` stores it, made by `make` the first time.
    fn stored_body(
        &self,
        provider: Provider,
        make: impl FnOnce() -> (Arc<Value>, bool),
    ) -> (Arc<Value>, bool) {
        // Held while the body is made: another case of the request waits
        // for it rather than making it twice. A poisoned lock (a panic
        // while making) is still a list of finished bodies.
        let mut bodies = self
            .bodies
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some((_, body, changed)) = bodies.iter().find(|(p, ..)| *p == provider) {
            return (Arc::clone(body), *changed);
        }
        let (body, changed) = make();
        bodies.push((provider, Arc::clone(&body), changed));
        (body, changed)
    }
}

/// The secrets a case's request sends: the credentials it read and the
/// `Authorization` value built from them.
fn sent_scrubber(prepared: &Prepared) -> Scrubber {
    Scrubber::new(prepared.secrets.iter().chain(job_auth(prepared)))
}

/// For each distinct request, the scrubber of what it sends, made from
/// the case that first asks it (`firsts`; none for a probe); and one
/// scrubber of them all.
fn request_scrubbers(
    prepared: &[Result<(Prepared, Vec<ProbeJob>), CaseError>],
    firsts: &[Option<usize>],
) -> (Vec<Option<Scrubber>>, Scrubber) {
    let made: Vec<Option<Scrubber>> = firsts
        .iter()
        .map(|first| {
            let (p, _) = prepared.get((*first)?)?.as_ref().ok()?;
            Some(sent_scrubber(p))
        })
        .collect();
    let mut all = Scrubber::default();
    for m in made.iter().flatten() {
        all.absorb(m);
    }
    (made, all)
}

fn job_auth(prepared: &Prepared) -> Option<&Secret> {
    match &prepared.work {
        Work::Network(job) => job.out.auth.as_ref(),
        Work::Offline(_) => None,
    }
}

/// One authenticated GET outside the case pipeline (`audit --inventory`),
/// sent the way every case's request is: the JSON body, or the error in the
/// provider's words, scrubbed of the key.
pub(crate) fn get_json(provider: Provider, url: &str, key_var: &str) -> Result<Value, String> {
    let key = prepare::read_secret(
        &crate::plan::SecretSource::Env(key_var.to_owned()),
        &Env::read(),
    )
    .map_err(|e| e.cause)?;
    let url = reqwest::Url::parse(url).map_err(|e| {
        format!("the portal's address is not a URL: {e} (it is not shown: it may hold a secret)")
    })?;
    prepare::check_transport(&url).map_err(|e| e.cause)?;
    let settings = Settings::from_env()?;
    let client = http::client(&settings, None)?;
    let auth = Secret::new(format!("Bearer {}", key.expose()));
    let scrubber = Scrubber::new([&key, &auth]);
    let out = Outgoing {
        method: reqwest::Method::GET,
        url,
        auth: Some(auth.clone()),
        body: http::OutBody::None,
        headers: Vec::new(),
        keep: Vec::new(),
        needs_body: true,
    };
    let job = Job {
        out,
        login: None,
        signature: None,
        discovery: None,
        provider,
        ca_file: None,
        secrets: vec![key.clone()],
        steps: None,
        doubled: None,
    };
    let done = run_all(vec![(Ok(client), Task::Case(Box::new(job)))], &settings).pop();
    let done = match done {
        Some(Done::Case(d)) => Some(d),
        _ => None,
    };
    match done.map(|d| d.answer) {
        // What the portal says is shown (key names): scrubbed like any answer.
        Some(Ok(answer)) => Ok(scrub_value(&answer.body, &scrubber, &mut false)),
        Some(Err(e)) => Err(scrubber.scrub(&e.cause)),
        None => Err("internal: the request was not made".to_owned()),
    }
}

/// One request as a key part: method, URL, credential, body, headers, and
/// whether the body is read.
fn part(o: &Outgoing) -> String {
    let auth = o
        .auth
        .as_ref()
        .map(|s| s.expose().to_owned())
        .unwrap_or_default();
    let body = o.body.encode().map(|(_, b)| b).unwrap_or_default();
    let headers: Vec<String> = o
        .headers
        .iter()
        .map(|(k, v)| format!("{k}:{}", v.expose()))
        .collect();
    // Whether the body is read is part of the request: a case that
    // reads a header must not inherit another case's body checks.
    format!(
        "{} {} {auth} {body} {} {}",
        o.method,
        o.url,
        headers.join(","),
        o.needs_body
    )
}

/// The de-duplication key. It holds secrets, so it lives only in memory
/// for the length of one run and is never printed.
fn identity(job: &Job) -> String {
    let login = job.login.as_ref().map(part).unwrap_or_default();
    let steps: String = job
        .steps
        .iter()
        .flat_map(|(first, then)| {
            std::iter::once(first.clone()).chain(
                then.iter()
                    .map(|(label, out)| format!("{label}\u{0}{}", part(out))),
            )
        })
        .collect::<Vec<_>>()
        .join("\u{0}");
    let ca = job
        .ca_file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("{}\u{0}{login}\u{0}{ca}\u{0}{steps}", part(&job.out))
}

fn fail_all(n: usize, cause: &str, hint: &str) -> Vec<Result<Fetched, CaseError>> {
    (0..n)
        .map(|_| Err(CaseError::new(cause, Fix::Hint(hint.to_owned()))))
        .collect()
}

/// Runs the distinct jobs concurrently on one small runtime, each through
/// its client (or failing with why there is none).
fn run_all(tasks: Vec<(Result<reqwest::Client, String>, Task)>, settings: &Settings) -> Vec<Done> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let error = CaseError::new(
                format!("cannot start the I/O runtime: {e}"),
                Fix::Hint("the machine is out of resources; try again".into()),
            );
            return tasks
                .iter()
                .map(|(_, task)| failed(task, error.clone()))
                .collect();
        }
    };
    runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(settings.concurrency));
        let mut handles = Vec::with_capacity(tasks.len());
        let mut kinds = Vec::with_capacity(tasks.len());
        for (client, task) in tasks {
            let (settings, permits) = (settings.clone(), permits.clone());
            kinds.push(matches!(task, Task::Probe(_)));
            handles.push(tokio::spawn(async move {
                let client = match client {
                    Ok(c) => c,
                    Err(why) => {
                        let error = CaseError::new(
                            why,
                            Fix::Hint(
                                "check `ca_file` (a PEM file, relative to the spec), and \
                                 the proxy variables"
                                    .into(),
                            ),
                        );
                        return failed(&task, error);
                    }
                };
                let _permit = permits.acquire_owned().await;
                match task {
                    Task::Case(job) => Done::Case(run_job(&client, *job, &settings).await),
                    Task::Probe(probe) => Done::Probe(run_probe(&client, *probe, &settings).await),
                }
            }));
        }
        let mut outcomes = Vec::with_capacity(handles.len());
        for (handle, is_probe) in handles.into_iter().zip(kinds) {
            outcomes.push(handle.await.unwrap_or_else(|e| {
                let error = CaseError::new(
                    format!("the request task failed: {e}"),
                    Fix::Hint("please report this".into()),
                );
                if is_probe {
                    Done::Probe(ProbeResult {
                        answer: Err(error),
                        retries: 0,
                    })
                } else {
                    Done::Case(JobResult {
                        answer: Err(error),
                        found: Vec::new(),
                        retries: 0,
                    })
                }
            }));
        }
        outcomes
    })
}

/// A task that failed before it was sent.
fn failed(task: &Task, error: CaseError) -> Done {
    match task {
        Task::Case(_) => Done::Case(JobResult {
            answer: Err(error),
            found: Vec::new(),
            retries: 0,
        }),
        Task::Probe(_) => Done::Probe(ProbeResult {
            answer: Err(error),
            retries: 0,
        }),
    }
}

/// Sends one probe; a transport error is explained and scrubbed of the
/// probe's secrets here, before any text is cut short.
async fn run_probe(client: &reqwest::Client, probe: ProbeJob, settings: &Settings) -> ProbeResult {
    match http::send_probe(client, &probe.out, settings, probe.safe).await {
        Ok(answer) => ProbeResult {
            retries: answer.retries,
            answer: Ok(answer),
        },
        Err(e) => {
            let retries = e.retries;
            let sent: Vec<&Secret> = probe.secrets.iter().chain(&probe.out.auth).collect();
            let scrubber = Scrubber::new(sent);
            ProbeResult {
                answer: Err(
                    e.into_case_error(|status, _: &str| format!("HTTP {status}"), &scrubber)
                ),
                retries,
            }
        }
    }
}

/// Signs in or discovers the endpoint if needed, sends the request, and
/// asks again with a signature if the provider has that handshake. Errors
/// are explained by the provider and scrubbed with the job's secrets here,
/// before any text is cut short; `conclude` scrubs them again with every
/// secret of the request (a signature or session token found on the way).
async fn run_job(client: &reqwest::Client, mut job: Job, settings: &Settings) -> JobResult {
    let provider = job.provider;
    let mut found = Vec::new();
    let mut retries = 0;
    let fail = |e: CaseError, found: Vec<Secret>, retries: u32| JobResult {
        answer: Err(e),
        found,
        retries,
    };
    let tally = |r: &Result<Answer, FetchError>| match r {
        Ok(a) => a.retries,
        Err(e) => e.retries,
    };
    let explain = |status, body: &str| provider.explain_status(status, body);
    // Errors are scrubbed here, with every secret the job sends and every
    // one it was given, before an error page is cut short.
    let sent: Vec<Secret> = job.secrets.iter().chain(&job.out.auth).cloned().collect();
    let scrubber = |found: &[Secret]| Scrubber::new(sent.iter().chain(found));
    if let Some(discovery) = &job.discovery {
        let sent = http::send(client, discovery, settings).await;
        retries += tally(&sent);
        let endpoint = match sent {
            Ok(a) => provider.introspection_endpoint(&a.body),
            Err(e) => Err(e.into_case_error(explain, &scrubber(&found)).cause),
        };
        let url = endpoint
            .and_then(|u| {
                reqwest::Url::parse(&u)
                    .map_err(|e| format!("the discovered endpoint {u} is not a URL: {e}"))
            })
            .map_err(|why| {
                CaseError::new(
                    format!("discovery failed: {why}"),
                    Fix::Hint("check `discovery:`".into()),
                )
            });
        match url.and_then(|u| prepare::check_transport(&u).map(|()| u)) {
            Ok(u) => job.out.url = u,
            Err(e) => return fail(e, found, retries),
        }
    }
    if let Some(login) = &job.login {
        let sent = http::send(client, login, settings).await;
        retries += tally(&sent);
        let answer = match sent {
            Ok(a) => a,
            Err(e) => {
                let explain = |status, body: &str| provider.explain_login_status(status, body);
                return fail(
                    e.into_case_error(explain, &scrubber(&found)),
                    found,
                    retries,
                );
            }
        };
        match provider.parse_login(&answer.body) {
            Ok(t) => {
                let header = Secret::new(format!("Bearer {t}"));
                job.out.auth = Some(header.clone());
                if let Some(sig) = &mut job.signature {
                    sig.auth = Some(header);
                }
                found.push(Secret::new(t));
            }
            Err(why) => {
                return fail(
                    CaseError::new(why, Fix::Hint("see README.md, \"Credentials\"".into())),
                    found,
                    retries,
                );
            }
        }
    }
    let mut result = http::send(client, &job.out, settings).await;
    retries += tally(&result);
    let refused = matches!(
        &result,
        Err(FetchError {
            failure: http::Failure::Status {
                status: 401 | 403,
                ..
            },
            ..
        })
    );
    if let (true, Some(sig)) = (refused, &job.signature) {
        let sent = http::send(client, sig, settings).await;
        retries += tally(&sent);
        let signature = match sent {
            Ok(a) => provider.parse_signature(&a.body),
            Err(e) => Err(e.into_case_error(explain, &scrubber(&found)).cause),
        };
        match signature {
            Ok(value) => {
                let value = Secret::new(value);
                job.out
                    .headers
                    .push(("x-signature".to_owned(), value.clone()));
                found.push(value);
                result = http::send(client, &job.out, settings).await;
                retries += tally(&result);
            }
            Err(why) => {
                let cause = result
                    .err()
                    .map(|e| e.into_case_error(explain, &scrubber(&found)).cause)
                    .unwrap_or_default();
                let error = CaseError::new(
                    format!(
                        "{cause}; getting an x-signature from /api/2.0/security/oauth2/token failed too: {why}"
                    ),
                    Fix::Hint(
                        "the scope catalog needs a signed-in caller; check the credential".into(),
                    ),
                );
                return fail(error, found, retries);
            }
        }
    }
    let mut answer = result.map_err(|e| {
        let mut error = e.into_case_error(explain, &scrubber(&found));
        if let Some((label, _)) = &job.steps {
            error.cause = format!("{label}: {}", error.cause);
        }
        // A refusal of an address written twice over says nothing of the
        // token: it names the doubled part, and is no revocation.
        if let (Some(part), Some(_)) = (&job.doubled, &error.refusal) {
            error.cause = format!(
                "{}; the request went to `{}`: `base_url` already ends in `{part}`, which \
                 permspec appends itself, so this refusal may come from the wrong address, \
                 not the credential",
                error.cause,
                crate::escape::text(job.out.url.path())
            );
            error.fix = Fix::Hint(format!(
                "write `base_url` without `{part}` (the server's own address), then run again"
            ));
            error.refusal = None;
        }
        error
    });
    // A provider with several requests: the rest, in order, once the first
    // has succeeded; the evidence is `{label: body}` of them all.
    if let (Ok(first), Some((label, then))) = (&mut answer, &job.steps) {
        let mut bodies = serde_json::Map::new();
        bodies.insert(
            label.clone(),
            Arc::unwrap_or_clone(std::mem::take(&mut first.body)),
        );
        for (label, out) in then {
            let sent = http::send(client, out, settings).await;
            retries += tally(&sent);
            match sent {
                Ok(a) => {
                    first.headers.extend(a.headers);
                    bodies.insert(label.clone(), Arc::unwrap_or_clone(a.body));
                }
                Err(e) => {
                    let mut error = e.into_case_error(explain, &scrubber(&found));
                    // Only the first request's refusal may speak for the
                    // token (a revocation): the token has just been
                    // accepted, so a later refusal is an error.
                    error.refusal = None;
                    error.cause = format!("{label}: {}", error.cause);
                    return fail(error, found, retries);
                }
            }
        }
        first.body = Arc::new(Value::Object(bodies));
    }
    let answer = answer.map(|mut a| {
        a.retries = retries;
        a
    });
    JobResult {
        answer,
        found,
        retries,
    }
}

/// Turns the shared outcome into this case's evidence and the fixture that
/// would record it.
///
/// The evidence is parsed from the answer as it would be stored (scrubbed,
/// and only the header this case reads), and must equal what the answer
/// itself gives: a secret inside the evidence would be rewritten by
/// scrubbing, so live and replay would judge different grants. Such an
/// answer fails the case and is never recorded (issue 10, item 8).
fn conclude(
    case: &Case,
    prepared: &Prepared,
    outcome: &JobResult,
    shared: &Shared,
) -> Result<Fetched, CaseError> {
    let scrubber = &shared.scrubber;
    let (url, keep, needs_body) = match &prepared.work {
        Work::Network(job) => (
            Some(&job.out.url),
            job.out.keep.as_slice(),
            job.out.needs_body,
        ),
        Work::Offline(_) => (None, &[][..], true),
    };
    let shown_url = url.map_or_else(
        || "(none: the token is decoded offline)".to_owned(),
        |u| scrubber.scrub(u.as_str()),
    );
    let answer = match &outcome.answer {
        Ok(answer) => answer,
        Err(e) => return refused(case, prepared, e, shared, outcome.retries, shown_url),
    };
    let raw = Response {
        body: &answer.body,
        headers: &answer.headers,
    };
    let grant = case
        .provider
        .parse(&case.api, &raw)
        .map_err(|e| match e.fix {
            Some(fix) => CaseError::new(
                crate::escape::lines(&scrubber.scrub(&e.why)),
                Fix::Hint(fix),
            ),
            None => CaseError::new(
                crate::escape::lines(&scrubber.scrub(&format!(
                    "the answer is not what {} sends: {}",
                    case.provider.name(),
                    e.why
                ))),
                Fix::Hint("check the address in the spec: it should be the API's own".into()),
            ),
        })?;
    // What the provider keeps of the answer (Vault drops the token and its
    // accessor): the stored form is then always judged again.
    let projected = case.provider.project(&case.api, &answer.body);
    let mut changed = projected.is_some();
    let headers: BTreeMap<String, String> = answer
        .headers
        .iter()
        .filter(|(k, _)| keep.contains(k))
        .map(|(k, v)| {
            let scrubbed = scrubber.scrub(v);
            changed |= &scrubbed != v;
            (k.clone(), scrubbed)
        })
        .collect();
    let body = if needs_body {
        let (body, body_changed) = shared.stored_body(case.provider, || match projected {
            Some(kept) => scrub_shared(&Arc::new(kept), scrubber),
            None => scrub_shared(&answer.body, scrubber),
        });
        changed |= body_changed;
        body
    } else {
        Arc::new(Value::Null)
    };
    let stored = Response {
        body: &body,
        headers: &headers,
    };
    let echoed = || {
        CaseError::new(
            "the server echoed a credential into the evidence (a privilege, the activity or the \
             expiry): removing it would change what is judged, so the case is not judged and \
             nothing is recorded",
            Fix::Hint(
                "the API (or a proxy in front of it) returns the credential in its answer; \
                 report it to its owner, and rotate the credential"
                    .into(),
            ),
        )
    };
    // Nothing was scrubbed from what the provider reads: the stored form
    // parses to the same grant. Otherwise parse it, and compare.
    let evidence = if changed {
        let evidence = case
            .provider
            .parse(&case.api, &stored)
            .map_err(|_| echoed())?;
        if !same_evidence(&grant, &evidence) {
            return Err(echoed());
        }
        evidence
    } else {
        grant
    };
    // An answer that says the token is inactive proves it only for a
    // credential of the vendor's kind, as a refusal does (see `refused`):
    // anything else was never the vendor's token to begin with.
    if evidence.active == Some(false)
        && let Some(r) = case.provider.revocation().filter(|_| !prepared.key_shaped)
    {
        return Err(CaseError::new(
            format!(
                "the API says the token does not work, which proves nothing about it: the \
                 credential is not {}",
                r.token_kind
            ),
            Fix::Hint(
                "check that the variable holds the token the spec names; only the API's word \
                 on a token of its kind shows it is revoked"
                    .into(),
            ),
        ));
    }
    let fixture = Fixture {
        recorded_at: shared.recorded_at.to_string(),
        provider: case.provider.name().to_owned(),
        request: fixture::request_of(case),
        // Probes only: no answer but the probes' (added by the caller).
        response: (case.provider != Provider::Probes).then_some(FixtureResponse {
            status: answer.status,
            headers,
            body,
        }),
        probes: Vec::new(),
    };
    Ok(Fetched {
        evidence: Evidence {
            grant: evidence,
            origin: Origin::Live {
                url: shown_url,
                retries: answer.retries,
                recorded: None,
            },
        },
        fixture,
        own: Arc::clone(&shared.scrubber),
    })
}

/// What a verdict depends on; notes are words built from it.
fn same_evidence(a: &Grant, b: &Grant) -> bool {
    a.privileges == b.privileges
        && a.active == b.active
        && a.expires_at == b.expires_at
        && a.identity == b.identity
        && a.partial == b.partial
        && same_probes(&a.probes, &b.probes)
}

/// Probes answered alike: the same requests, statuses and stated needs (a
/// refusal's wording may change between runs without changing a verdict).
fn same_probes(a: &[Seen], b: &[Seen]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(a, b)| {
            (&a.method, &a.path, &a.body, a.status, &a.needs)
                == (&b.method, &b.path, &b.body, b.status, &b.needs)
        })
}

/// A refused request: an error, or, under `active: false`, the revocation
/// it proves. A refusal proves revocation only when the request could have
/// succeeded (issue 10, item 6): the provider's own refusal of a revoked
/// credential (DocSpace's 401 with an empty body), of a credential with the
/// right shape (an API key), sent the way the endpoint takes it (the plan
/// allows no other scheme). Anything else is an error that says why.
fn refused(
    case: &Case,
    prepared: &Prepared,
    e: &CaseError,
    shared: &Shared,
    retries: u32,
    shown_url: String,
) -> Result<Fetched, CaseError> {
    let scrubber = &shared.scrubber;
    let cause = scrubber.scrub(&e.cause);
    let fix = match &e.fix {
        Fix::Hint(h) => Fix::Hint(scrubber.scrub(h)),
        other => other.clone(),
    };
    let revocation = case.provider.revocation();
    let Some((refusal, revocation)) = e
        .refusal
        .clone()
        .zip(revocation)
        .filter(|(r, rev)| case.expect.active == Some(false) && r.status == rev.status)
    else {
        return Err(CaseError {
            cause,
            fix,
            refusal: e.refusal.clone(),
        });
    };
    let why_not = if !(revocation.body)(refusal.status, &refusal.body) {
        Some(format!(
            "{}, and this answer was not that",
            revocation.looks
        ))
    } else if !prepared.key_shaped {
        Some(format!("the credential is not {}", revocation.token_kind))
    } else {
        None
    };
    if let Some(why) = why_not {
        return Err(CaseError {
            cause: format!(
                "{cause}; under `active: false` this refusal proves nothing about the token: {why}"
            ),
            fix: Fix::Hint(
                "check the credential and `base_url`: only the API's own refusal of a token of \
                 its kind shows it is revoked"
                    .into(),
            ),
            refusal: e.refusal.clone(),
        });
    }
    let fixture = Fixture {
        recorded_at: shared.recorded_at.to_string(),
        provider: case.provider.name().to_owned(),
        request: fixture::request_of(case),
        response: Some(FixtureResponse {
            status: refusal.status,
            headers: BTreeMap::new(),
            body: Arc::clone(&refusal.body),
        }),
        probes: Vec::new(),
    };
    Ok(Fetched {
        evidence: Evidence {
            grant: Grant::revoked(refusal.status),
            origin: Origin::Live {
                url: shown_url,
                retries,
                recorded: None,
            },
        },
        fixture,
        own: Arc::clone(&shared.scrubber),
    })
}

/// What recording did with a case's fixture.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Recorded {
    /// Written: new, or its evidence changed.
    Written,
    /// Left byte for byte as it was: it answers the same request with the
    /// same evidence (see `confirmations.rs`).
    /// `recorded_at` is the kept fixture's.
    Confirmed { recorded_at: String },
    /// Written beside the fixture as `<token>.json.new`, for `permspec
    /// review` (`PERMSPEC_RECORD=pending`).
    Pending,
}

/// Records a fetched case's fixture under `case.fixture`, and says where.
///
/// The fixture was scrubbed of its own request's secrets; before it is
/// written it is checked against `run`, every secret of the run (other
/// cases' credentials, the proxy's): an answer that holds one is not
/// recorded, and the case fails.
///
/// A fixture that already answers the same request with the same evidence
/// (the grant, activity, expiry, identity and completeness replay would
/// judge; not a volatile field such as a last-use time) is left as it is,
/// so an unchanged API changes no fixture.
pub(crate) fn record(
    case: &Case,
    fetched: &mut Fetched,
    run: &Scrubber,
    pending: bool,
) -> Result<Recorded, CaseError> {
    let shown = crate::plan::display_path(&case.fixture);
    let cannot = |e: String| {
        CaseError::new(
            format!("cannot write the fixture {shown}: {e}"),
            Fix::Hint("check that the fixtures folder is writable, and holds no link".into()),
        )
    };
    let text = fixture::text(&fetched.fixture).map_err(|e| cannot(e.to_string()))?;
    // What every answer is scrubbed of: one left here is a form no
    // scrubbing reached (issue 35, item 6), named as what it is.
    if fetched.own.found_in(&text) {
        return Err(CaseError::new(
            "the answer still holds this case's own credential, in a form permspec did not \
             scrub; nothing is recorded",
            Fix::Hint(
                "please report this to permspec's maintainers, with the API and the field \
                 (never the value)"
                    .into(),
            ),
        ));
    }
    if run.found_in(&text) {
        return Err(CaseError::new(
            "the answer holds another credential of this run (another case's, or the \
             proxy's); nothing is recorded",
            Fix::Hint(
                "the API (or a proxy or cache in front of it) returns one token's credential \
                 with another's answer; report it to its owner, and rotate the credential"
                    .into(),
            ),
        ));
    }
    let new = fixture::pending_path(&case.fixture);
    if let Some(recorded_at) = unchanged(case, fetched, &shown) {
        if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
            *recorded = Some(format!("{shown} (unchanged, confirmed)"));
        }
        // The API says again what the fixture says: a change still waiting
        // for review is no longer what it says.
        if fixture::no_links(&case.spec.fixtures, &new).is_ok() {
            let _ = std::fs::remove_file(&new);
        }
        return Ok(Recorded::Confirmed { recorded_at });
    }
    if pending {
        fixture::write(&case.spec.fixtures, &new, &text).map_err(cannot)?;
        if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
            *recorded = Some(format!(
                "{} (pending: the fixture is unchanged until `permspec review` accepts it)",
                crate::plan::display_path(&new)
            ));
        }
        return Ok(Recorded::Pending);
    }
    fixture::write(&case.spec.fixtures, &case.fixture, &text).map_err(cannot)?;
    if let Origin::Live { recorded, .. } = &mut fetched.evidence.origin {
        *recorded = Some(shown);
    }
    Ok(Recorded::Written)
}

/// Whether the fixture on disk answers the same request with the evidence
/// just fetched, judged exactly as replay judges it: its `recorded_at` if
/// so.
fn unchanged(case: &Case, fetched: &Fetched, shown: &str) -> Option<String> {
    let old = fixture::read(&case.spec.fixtures, &case.fixture).ok()?;
    let same = old.provider == fetched.fixture.provider
        && old.request == fetched.fixture.request
        && crate::evidence::judge(case, &old, shown)
            .is_ok_and(|grant| same_evidence(&grant, &fetched.evidence.grant));
    same.then_some(old.recorded_at)
}

/// `v` scrubbed, and whether that changed it: `v` itself (shared, not
/// copied) when no string or key of it holds a secret, which is what
/// `scrub_value` would then return.
fn scrub_shared(v: &Arc<Value>, scrubber: &Scrubber) -> (Arc<Value>, bool) {
    if !holds_secret(v, scrubber) {
        return (Arc::clone(v), false);
    }
    let mut changed = false;
    let out = scrub_value(v, scrubber, &mut changed);
    (Arc::new(out), changed)
}

/// Whether scrubbing would change a string, key or number of `v`.
fn holds_secret(v: &Value, scrubber: &Scrubber) -> bool {
    match v {
        Value::String(s) => scrubber.found_in(s),
        Value::Number(n) => scrubber.found_in(&n.to_string()),
        Value::Array(items) => items.iter().any(|i| holds_secret(i, scrubber)),
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| scrubber.found_in(k) || holds_secret(v, scrubber)),
        _ => false,
    }
}

/// Scrubs every string, key included, of every secret in use; `changed`
/// is set when one was. A number whose exact text (serde_json keeps it:
/// `arbitrary_precision`) holds a secret, a credential made of digits
/// echoed as one, becomes the scrubbed text: a string, so the evidence
/// changes and the case fails if the provider reads it.
fn scrub_value(v: &Value, scrubber: &Scrubber, changed: &mut bool) -> Value {
    let text = |s: &str, changed: &mut bool| {
        let out = scrubber.scrub(s);
        *changed |= out != s;
        out
    };
    match v {
        Value::String(s) => Value::String(text(s, changed)),
        Value::Number(n) => {
            let exact = n.to_string();
            let out = text(&exact, changed);
            if out == exact {
                v.clone()
            } else {
                Value::String(out)
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| scrub_value(i, scrubber, changed))
                .collect(),
        ),
        Value::Object(map) => {
            let mut out = serde_json::Map::with_capacity(map.len());
            for (k, v) in map {
                let key = text(k, changed);
                out.insert(key, scrub_value(v, scrubber, changed));
            }
            Value::Object(out)
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::REDACTED;
    use serde_json::json;

    /// Issue 35, item 6: a credential of digits echoed as a number, or
    /// inside one's digits, is found in the number's exact text and
    /// scrubbed; a number holding none is kept as it came, text and all.
    #[test]
    fn a_number_holding_a_secret_is_scrubbed_by_its_exact_text() {
        let digits = Secret::new("12345678901234567890123456");
        let scrubber = Scrubber::new([&digits]);
        let v: Value = serde_json::from_str(
            r#"{"id": 12345678901234567890123456, "in": 9912345678901234567890123456.5,
                "neg": -12345678901234567890123456, "exp": 12345678901234567890123456e3,
                "plain": 1.50, "big": 98765432109876543210987654}"#,
        )
        .unwrap();
        assert!(holds_secret(&v, &scrubber));
        let mut changed = false;
        let out = scrub_value(&v, &scrubber, &mut changed);
        assert!(changed);
        let text = out.to_string();
        assert!(!text.contains("1234567890123456"), "{text}");
        assert_eq!(out["id"], json!(REDACTED));
        assert_eq!(out["in"], json!(format!("99{REDACTED}.5")));
        assert_eq!(out["neg"], json!(format!("-{REDACTED}")));
        // serde_json writes an exponent's sign (`e+3`).
        assert_eq!(out["exp"], json!(format!("{REDACTED}e+3")));
        // Kept exactly as written: not read as a float on the way.
        assert_eq!(out["plain"].to_string(), "1.50");
        assert_eq!(out["big"].to_string(), "98765432109876543210987654");
        let clean: Value = serde_json::from_str(r#"{"plain": 1.50, "n": [1, 2e5]}"#).unwrap();
        assert!(!holds_secret(&clean, &scrubber));
        let (kept, changed) = scrub_shared(&Arc::new(clean.clone()), &scrubber);
        assert!(!changed);
        assert_eq!(kept.to_string(), r#"{"n":[1,2e+5],"plain":1.50}"#);
        // A secret that is itself a number with an exponent is found as
        // serde_json writes it.
        let odd = Secret::new("31415E92");
        let v: Value = serde_json::from_str(r#"{"id": 31415E92}"#).unwrap();
        let mut changed = false;
        let out = scrub_value(&v, &Scrubber::new([&odd]), &mut changed);
        assert!(changed, "{out}");
        assert_eq!(out["id"], json!(REDACTED));
    }

    /// Issue 35, item 6: a fixture that still holds a credential names
    /// whose it is: this case's own (a form no scrubbing reached) or
    /// another's (a cache answering with another token's answer). Nothing
    /// is written either way.
    #[test]
    fn a_fixture_holding_a_credential_says_whose_it_is() {
        let spec = Arc::new(crate::plan::SpecFile {
            display: "specs/a.yaml".into(),
            id: "a".into(),
            dir: "specs".into(),
            fixtures: "fixtures-never-written".into(),
            locate: false,
        });
        let text = "provider: http\nbase_url: https://api.example.com\nrequest: { path: /me }\n\
                    privileges: { json: /scopes }\ntokens:\n  a:\n    credential: { env: A }\n    \
                    expect: { at_most: [read] }\n";
        let entries = crate::plan::plan_bytes(spec, text.as_bytes().to_vec(), "fixtures".as_ref());
        let Some(crate::plan::Entry::Case(case)) = entries.first() else {
            panic!("a case")
        };
        let mine = Secret::new("own-secret-0123456789");
        let theirs = Secret::new("other-secret-9876543210");
        let fetched = |own: &Secret, held: &str| Fetched {
            evidence: Evidence {
                grant: Grant::default(),
                origin: Origin::Live {
                    url: String::new(),
                    retries: 0,
                    recorded: None,
                },
            },
            fixture: Fixture {
                recorded_at: "2026-12-07T00:00:00Z".into(),
                provider: "http".into(),
                request: fixture::request_of(case),
                response: Some(FixtureResponse {
                    status: 200,
                    headers: BTreeMap::new(),
                    body: Arc::new(json!({"scopes": ["read"], "id": held})),
                }),
                probes: Vec::new(),
            },
            own: Arc::new(Scrubber::new([own])),
        };
        let run = Scrubber::new([&mine, &theirs]);
        let own = record(case, &mut fetched(&mine, mine.expose()), &run, false).unwrap_err();
        assert!(
            own.cause.contains("this case's own credential"),
            "{}",
            own.cause
        );
        let other = record(case, &mut fetched(&mine, theirs.expose()), &run, false).unwrap_err();
        assert!(
            other.cause.contains("another credential"),
            "{}",
            other.cause
        );
        assert!(!std::path::Path::new("fixtures-never-written").exists());
    }

    #[test]
    fn scrub_value_reaches_keys_and_nested_strings() {
        let s = Secret::new("sk-canary");
        let v = json!({"a": ["x sk-canary y", {"sk-canary": 1}], "n": 2});
        let mut changed = false;
        let out = scrub_value(&v, &Scrubber::new([&s]), &mut changed);
        assert!(changed);
        assert_eq!(
            out,
            json!({"a": [format!("x {REDACTED} y"), {REDACTED: 1}], "n": 2})
        );
    }

    /// The shortcut for a clean answer gives what scrubbing gives: the
    /// answer itself (not a copy) when nothing in it is a secret's, and
    /// the scrubbed copy, marked changed, when anything is: a value, a key,
    /// an encoded form, a form only decoding reveals, one secret of many.
    #[test]
    fn a_clean_answer_is_shared_and_a_dirty_one_scrubbed_alike() {
        let secrets: Vec<Secret> = (0..3)
            .map(|i| Secret::new(format!("sk-canary/{i}+x")))
            .collect();
        let few = Scrubber::new(&secrets[..1]);
        let many = {
            let mut all: Vec<Secret> = (0..40)
                .map(|i| Secret::new(format!("sk-other/{i}+y")))
                .collect();
            all.extend(secrets.iter().cloned());
            Scrubber::new(&all)
        };
        let s = secrets[0].expose();
        let encoded = crate::secret::form_encode(s);
        let values = [
            json!({"a": ["files:read", {"name": "key"}], "n": 2, "t": null}),
            json!({"a": ["x", {"k": format!("echo {s}")}]}),
            json!({"a": [{ s: 1 }]}),
            json!([format!("in a form: {encoded}")]),
            json!({"q": s.bytes().map(|b| format!("%{b:02X}")).collect::<String>()}),
            json!(format!("{}", s.to_ascii_uppercase())),
            json!([1, 2.5, true, "sk-canary"]),
        ];
        for scrubber in [&few, &many] {
            for v in &values {
                let shared = Arc::new(v.clone());
                let (out, changed) = scrub_shared(&shared, scrubber);
                let mut expected_changed = false;
                let expected = scrub_value(v, scrubber, &mut expected_changed);
                assert_eq!((&*out, changed), (&expected, expected_changed), "{v}");
                assert_eq!(Arc::ptr_eq(&out, &shared), !changed, "{v}");
            }
        }
        // The clean ones stay shared; the others change.
        let changed: Vec<bool> = values
            .iter()
            .map(|v| scrub_shared(&Arc::new(v.clone()), &few).1)
            .collect();
        assert_eq!(changed, [false, true, true, true, true, true, false]);
    }
}
