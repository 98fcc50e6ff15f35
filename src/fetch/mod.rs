//! Live and record modes: ask the API for every selected case, at most
//! `PERMSPEC_CONCURRENCY` requests at once, each distinct request once.
//!
//! Architecture invariant: secrets are read here and only here, and only in
//! live or record mode. Each one goes into a request (the `Authorization`
//! header, or DocSpace's sign-in body) and into the list of values scrubbed
//! from every error text and every recorded fixture; nothing else sees it.

mod http;
mod prepare;
mod retry;

use crate::evidence::{CaseError, Evidence, Fix, Origin};
use crate::fixture::{self, Fixture, FixtureRequest, FixtureResponse};
use crate::mode::Mode;
use crate::plan::{Case, display_path};
use crate::provider::{Grant, Provider, Response};
use crate::secret::{Secret, scrub};
use http::{Answer, FetchError, Outgoing, Settings};
use prepare::{Job, Prepared, Work, prepare};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// What a job produced: the answer, and the secrets the exchange handed
/// out (a session token, a signature) to scrub like the others.
#[derive(Clone, Debug)]
struct JobResult {
    answer: Result<Answer, CaseError>,
    found: Vec<Secret>,
    /// Every retry the job needed, on every request, failed ones included.
    retries: u32,
}

/// Counts for the line printed before the cases run.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Summary {
    pub cases: usize,
    pub requests: usize,
    pub retries: u32,
    pub written: usize,
}

/// Fetches every case in `cases`; the result has one entry per case, in order.
pub(crate) fn fetch_all(
    cases: &[&Case],
    mode: Mode,
) -> (Vec<Result<Evidence, CaseError>>, Summary) {
    let mut summary = Summary {
        cases: cases.len(),
        ..Summary::default()
    };
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => {
            return (
                fail_all(cases.len(), &e, "fix or unset the variable"),
                summary,
            );
        }
    };
    let prepared: Vec<Result<Prepared, CaseError>> = cases.iter().map(|c| prepare(c)).collect();

    // Identical requests (same method, URL, credential and body) are made once.
    let mut unique: Vec<Job> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let slot: Vec<Option<usize>> = prepared
        .iter()
        .map(|p| match p.as_ref().ok().map(|p| &p.work) {
            Some(Work::Network(job)) => Some(*index.entry(identity(job)).or_insert_with(|| {
                unique.push((**job).clone());
                unique.len() - 1
            })),
            _ => None,
        })
        .collect();
    summary.requests = unique.len();

    let outcomes = if unique.is_empty() {
        Vec::new()
    } else {
        match http::client(&settings) {
            Ok(client) => run_all(&client, unique, &settings),
            Err(e) => {
                let error = CaseError::new(
                    e,
                    Fix::Hint("this machine cannot make TLS connections".into()),
                );
                unique
                    .iter()
                    .map(|_| JobResult {
                        answer: Err(error.clone()),
                        found: Vec::new(),
                        retries: 0,
                    })
                    .collect()
            }
        }
    };
    summary.retries = outcomes.iter().map(|o| o.retries).sum();
    let results: Vec<Result<Evidence, CaseError>> = cases
        .iter()
        .zip(prepared)
        .zip(slot)
        .map(|((case, prepared), slot)| {
            let prepared = prepared?;
            let offline;
            let outcome = match (&prepared.work, slot) {
                (Work::Offline(decoded), _) => {
                    offline = JobResult {
                        answer: Ok(Answer::offline(decoded.clone())),
                        found: Vec::new(),
                        retries: 0,
                    };
                    &offline
                }
                (Work::Network(_), Some(i)) if i < outcomes.len() => &outcomes[i],
                _ => {
                    return Err(CaseError::new(
                        "internal: no answer for this request",
                        Fix::Hint("please report this".into()),
                    ));
                }
            };
            conclude(case, &prepared, outcome, mode)
        })
        .collect();
    summary.written = results
        .iter()
        .filter(|r| {
            matches!(
                r,
                Ok(Evidence {
                    origin: Origin::Live {
                        recorded: Some(_),
                        ..
                    },
                    ..
                })
            )
        })
        .count();
    (results, summary)
}

/// One authenticated GET outside the case pipeline (`audit --inventory`),
/// sent the way every case's request is: the JSON body, or the error in the
/// provider's words, scrubbed of the key.
pub(crate) fn get_json(provider: Provider, url: &str, key_var: &str) -> Result<Value, String> {
    let key = prepare::read_secret(&crate::plan::SecretSource::Env(key_var.to_owned()))
        .map_err(|e| e.cause)?;
    let url = reqwest::Url::parse(url).map_err(|e| format!("{url} is not a URL: {e}"))?;
    prepare::check_transport(&url).map_err(|e| e.cause)?;
    let settings = Settings::from_env()?;
    let client = http::client(&settings)?;
    let auth = Secret::new(format!("Bearer {}", key.expose()));
    let out = Outgoing {
        method: reqwest::Method::GET,
        url,
        auth: Some(auth.clone()),
        body: http::OutBody::None,
        headers: Vec::new(),
        keep: None,
    };
    let job = Job {
        out,
        login: None,
        signature: None,
        discovery: None,
        provider,
    };
    let done = run_all(&client, vec![job], &settings).pop();
    match done.map(|d| d.answer) {
        Some(Ok(answer)) => Ok(answer.body),
        Some(Err(e)) => Err(scrub(&e.cause, &[&key, &auth])),
        None => Err("internal: the request was not made".to_owned()),
    }
}

/// The de-duplication key. It holds secrets, so it lives only in memory
/// for the length of one run and is never printed.
fn identity(job: &Job) -> String {
    let part = |o: &Outgoing| {
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
        format!("{} {} {auth} {body} {}", o.method, o.url, headers.join(","))
    };
    let login = job.login.as_ref().map(part).unwrap_or_default();
    format!("{}\u{0}{login}", part(&job.out))
}

fn fail_all(n: usize, cause: &str, hint: &str) -> Vec<Result<Evidence, CaseError>> {
    (0..n)
        .map(|_| Err(CaseError::new(cause, Fix::Hint(hint.to_owned()))))
        .collect()
}

/// Runs the distinct jobs concurrently on one small runtime.
fn run_all(client: &reqwest::Client, jobs: Vec<Job>, settings: &Settings) -> Vec<JobResult> {
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
            return jobs
                .iter()
                .map(|_| JobResult {
                    answer: Err(error.clone()),
                    found: Vec::new(),
                    retries: 0,
                })
                .collect();
        }
    };
    runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(settings.concurrency));
        let mut tasks = Vec::with_capacity(jobs.len());
        for job in jobs {
            let (client, settings, permits) = (client.clone(), settings.clone(), permits.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                run_job(&client, job, &settings).await
            }));
        }
        let mut outcomes = Vec::with_capacity(tasks.len());
        for task in tasks {
            outcomes.push(task.await.unwrap_or_else(|e| JobResult {
                answer: Err(CaseError::new(
                    format!("the request task failed: {e}"),
                    Fix::Hint("please report this".into()),
                )),
                found: Vec::new(),
                retries: 0,
            }));
        }
        outcomes
    })
}

/// Signs in or discovers the endpoint if needed, sends the request, and
/// asks again with a signature if the provider has that handshake. Errors
/// are explained by the provider but not yet scrubbed: `conclude` scrubs
/// them with the case's secrets.
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
    if let Some(discovery) = &job.discovery {
        let sent = http::send(client, discovery, settings).await;
        retries += tally(&sent);
        let endpoint = match sent {
            Ok(a) => provider.introspection_endpoint(&a.body),
            Err(e) => Err(e.into_case_error(explain, &[]).cause),
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
                return fail(e.into_case_error(explain, &[]), found, retries);
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
            Err(e) => Err(e.into_case_error(explain, &[]).cause),
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
                    .map(|e| e.into_case_error(explain, &[]).cause)
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
    let answer = result
        .map(|mut a| {
            a.retries = retries;
            a
        })
        .map_err(|e| e.into_case_error(explain, &[]));
    JobResult {
        answer,
        found,
        retries,
    }
}

/// Turns the shared outcome into this case's evidence, recording it if asked.
fn conclude(
    case: &Case,
    prepared: &Prepared,
    outcome: &JobResult,
    mode: Mode,
) -> Result<Evidence, CaseError> {
    let (job_auth, url, method) = match &prepared.work {
        Work::Network(job) => (
            job.out.auth.as_ref(),
            Some(&job.out.url),
            job.out.method.to_string(),
        ),
        Work::Offline(_) => (None, None, "DECODE".to_owned()),
    };
    let secrets: Vec<&Secret> = prepared
        .secrets
        .iter()
        .chain(job_auth)
        .chain(&outcome.found)
        .collect();
    let answer = match &outcome.answer {
        Ok(answer) => answer,
        // A revoked DocSpace key is answered 401: what `active: false` wants.
        Err(e)
            if case.expect.active == Some(false)
                && e.status.is_some()
                && e.status == case.provider.inactive_status() =>
        {
            let url = url.map(|u| scrub(u.as_str(), &secrets)).unwrap_or_default();
            return revoked(case, url, method, e.status.unwrap_or(401), mode);
        }
        Err(e) => {
            return Err(CaseError {
                cause: scrub(&e.cause, &secrets),
                fix: match &e.fix {
                    Fix::Hint(h) => Fix::Hint(scrub(h, &secrets)),
                    other => other.clone(),
                },
                status: e.status,
            });
        }
    };
    let response = Response {
        body: &answer.body,
        headers: &answer.headers,
    };
    let grant = case.provider.parse(&case.api, &response).map_err(|why| {
        CaseError::new(
            scrub(
                &format!(
                    "the answer is not what {} sends: {why}",
                    case.provider.name()
                ),
                &secrets,
            ),
            Fix::Hint("check the address in the spec: it should be the API's own".into()),
        )
    })?;
    let url = url.map_or_else(
        || "(none: the token is decoded offline)".to_owned(),
        |u| scrub(u.as_str(), &secrets),
    );
    let mut recorded = None;
    if mode == Mode::Record {
        let headers = answer
            .headers
            .iter()
            .map(|(k, v)| (k.clone(), scrub(v, &secrets)))
            .collect();
        let response = FixtureResponse {
            status: answer.status,
            headers,
            body: scrub_value(&answer.body, &secrets),
        };
        recorded = Some(write_fixture(case, method, url.clone(), response)?);
    }
    Ok(Evidence {
        grant,
        origin: Origin::Live {
            url,
            retries: answer.retries,
            recorded,
        },
    })
}

/// The evidence of a refused credential, recorded as the refusal itself.
fn revoked(
    case: &Case,
    url: String,
    method: String,
    status: u16,
    mode: Mode,
) -> Result<Evidence, CaseError> {
    let mut recorded = None;
    if mode == Mode::Record {
        let response = FixtureResponse {
            status,
            headers: Default::default(),
            body: Value::Null,
        };
        recorded = Some(write_fixture(case, method, url.clone(), response)?);
    }
    Ok(Evidence {
        grant: Grant::revoked(status),
        origin: Origin::Live {
            url,
            retries: 0,
            recorded,
        },
    })
}

/// Writes the case's fixture (atomically) and returns its path as shown.
fn write_fixture(
    case: &Case,
    method: String,
    url: String,
    response: FixtureResponse,
) -> Result<String, CaseError> {
    let fixture = Fixture {
        recorded_at: fixture::now_utc(),
        provider: case.provider.name().to_owned(),
        request: FixtureRequest { method, url },
        response,
    };
    fixture::write(&case.fixture, &fixture).map_err(|e| {
        CaseError::new(
            format!(
                "cannot write the fixture {}: {e}",
                display_path(&case.fixture)
            ),
            Fix::Hint("check that the fixtures folder is writable".into()),
        )
    })?;
    Ok(display_path(&case.fixture))
}

/// Scrubs every string, key included, of every secret in use.
fn scrub_value(v: &Value, secrets: &[&Secret]) -> Value {
    match v {
        Value::String(s) => Value::String(scrub(s, secrets)),
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| scrub_value(i, secrets)).collect())
        }
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (scrub(k, secrets), scrub_value(v, secrets)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secret::REDACTED;
    use serde_json::json;

    #[test]
    fn scrub_value_reaches_keys_and_nested_strings() {
        let s = Secret::new("sk-canary");
        let v = json!({"a": ["x sk-canary y", {"sk-canary": 1}], "n": 2});
        let out = scrub_value(&v, &[&s]);
        assert_eq!(
            out,
            json!({"a": [format!("x {REDACTED} y"), {REDACTED: 1}], "n": 2})
        );
    }
}
