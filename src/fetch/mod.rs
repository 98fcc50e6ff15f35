//! Live and record modes: ask the API for every selected case, at most
//! `PERMSPEC_CONCURRENCY` requests at once, each distinct request once.
//!
//! Architecture invariant: secrets are read here and only here, and only in
//! live or record mode. Each one goes into a request (the `Authorization`
//! header, or DocSpace's sign-in body) and into the list of values scrubbed
//! from every error text and every recorded fixture; nothing else sees it.

mod http;
mod retry;

use crate::evidence::{CaseError, Evidence, Fix, Origin};
use crate::fixture::{self, Fixture, FixtureRequest, FixtureResponse};
use crate::mode::Mode;
use crate::plan::{Case, Credential, SecretSource, display_path};
use crate::provider::Provider;
use crate::secret::{Secret, base64, scrub};
use http::{Answer, FetchError, Outgoing, Settings};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::Arc;

/// One distinct exchange: an optional sign-in, then the request.
#[derive(Clone, Debug)]
struct Job {
    out: Outgoing,
    login: Option<Login>,
    provider: Provider,
}

/// DocSpace's `scheme: login`: sign in first, then send the token as Bearer.
#[derive(Clone, Debug)]
struct Login {
    out: Outgoing,
}

/// A case resolved for the network: its job and the secrets it uses.
struct Prepared {
    job: Job,
    secrets: Vec<Secret>,
}

/// What a job produced: the answer, and the session token a sign-in
/// handed out (a secret to scrub like the others).
#[derive(Clone, Debug)]
struct JobResult {
    answer: Result<Answer, CaseError>,
    token: Option<Secret>,
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
    let client = match http::client(&settings) {
        Ok(c) => c,
        Err(e) => {
            return (
                fail_all(cases.len(), &e, "this machine cannot make TLS connections"),
                summary,
            );
        }
    };
    let prepared: Vec<Result<Prepared, CaseError>> = cases.iter().map(|c| prepare(c)).collect();

    // Identical requests (same method, URL and credential) are made once.
    let mut unique: Vec<Job> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let slot: Vec<Option<usize>> = prepared
        .iter()
        .map(|p| {
            let p = p.as_ref().ok()?;
            Some(*index.entry(identity(&p.job)).or_insert_with(|| {
                unique.push(p.job.clone());
                unique.len() - 1
            }))
        })
        .collect();
    summary.requests = unique.len();

    let outcomes = run_all(&client, unique, &settings);
    summary.retries = outcomes
        .iter()
        .map(|o| match &o.answer {
            Ok(a) => a.retries,
            Err(_) => 0,
        })
        .sum();
    let results: Vec<Result<Evidence, CaseError>> = cases
        .iter()
        .zip(prepared)
        .zip(slot)
        .map(|((case, prepared), slot)| {
            let prepared = prepared?;
            let outcome = slot.and_then(|i| outcomes.get(i)).ok_or_else(|| {
                CaseError::new(
                    "internal: no answer for this request",
                    Fix::Hint("please report this".into()),
                )
            })?;
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

/// The de-duplication key. It holds secrets, so it lives only in memory
/// for the length of one run and is never printed.
fn identity(job: &Job) -> String {
    let auth = |o: &Outgoing| {
        o.auth
            .as_ref()
            .map(|s| s.expose().to_owned())
            .unwrap_or_default()
    };
    let login = job
        .login
        .as_ref()
        .map(|l| {
            format!(
                "{}\u{0}{}",
                l.out.url,
                l.out
                    .json_body
                    .as_ref()
                    .map(Value::to_string)
                    .unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!(
        "{}\u{0}{}\u{0}{}\u{0}{login}",
        job.out.method,
        job.out.url,
        auth(&job.out)
    )
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
                    token: None,
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
                token: None,
            }));
        }
        outcomes
    })
}

/// Signs in if needed, then sends the request. Errors are explained by the
/// provider but not yet scrubbed: `conclude` scrubs with the case's secrets.
async fn run_job(client: &reqwest::Client, mut job: Job, settings: &Settings) -> JobResult {
    let provider = job.provider;
    let mut sign_in_retries = 0;
    let mut token = None;
    if let Some(login) = &job.login {
        let answer = match http::send(client, &login.out, settings).await {
            Ok(a) => a,
            Err(e) => {
                let explain = |status, body: &str| provider.explain_login_status(status, body);
                return JobResult {
                    answer: Err(e.into_case_error(explain, &[])),
                    token: None,
                };
            }
        };
        sign_in_retries = answer.retries;
        match provider.parse_login(&answer.body) {
            Ok(t) => {
                job.out.auth = Some(Secret::new(format!("Bearer {t}")));
                token = Some(Secret::new(t));
            }
            Err(why) => {
                return JobResult {
                    answer: Err(CaseError::new(
                        why,
                        Fix::Hint("see README.md, \"Credentials\"".into()),
                    )),
                    token: None,
                };
            }
        }
    }
    let explain = |status, body: &str| provider.explain_status(status, body);
    let answer = http::send(client, &job.out, settings)
        .await
        .map(|mut a| {
            a.retries += sign_in_retries;
            a
        })
        .map_err(|e: FetchError| e.into_case_error(explain, &[]));
    JobResult { answer, token }
}

/// Resolves the URL and reads the credential.
fn prepare(case: &Case) -> Result<Prepared, CaseError> {
    let base = case
        .base_url
        .resolve(|v| std::env::var(v).ok())
        .map_err(|var| {
            CaseError::new(
                format!("`base_url` uses ${{{var}}}, which is not set"),
                Fix::Hint(format!(
                    "set {var} to the API's address, e.g. {var}=https://portal.example.com"
                )),
            )
        })?;
    let request = case.provider.request(&base);
    let url = parse_url(&request.url, case)?;
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    let mut out = Outgoing {
        method,
        url,
        auth: None,
        json_body: None,
    };
    let mut login = None;
    let secrets = match &case.credential {
        Credential::Bearer(source) => {
            let secret = read_secret(source)?;
            out.auth = Some(Secret::new(format!("Bearer {}", secret.expose())));
            vec![secret]
        }
        Credential::Raw(source) => {
            let secret = read_secret(source)?;
            out.auth = Some(secret.clone());
            vec![secret]
        }
        Credential::Basic { username, password } => {
            let (user, pass) = (read_secret(username)?, read_secret(password)?);
            let pair = format!("{}:{}", user.expose(), pass.expose());
            let encoded = Secret::new(base64(pair.as_bytes()));
            out.auth = Some(Secret::new(format!("Basic {}", encoded.expose())));
            vec![user, pass, encoded]
        }
        Credential::Login { username, password } => {
            let (user, pass) = (read_secret(username)?, read_secret(password)?);
            let login_url = case.provider.login_url(&base).ok_or_else(|| {
                CaseError::new(
                    format!("provider `{}` has no sign-in", case.provider.name()),
                    Fix::Hint("use an API key instead".into()),
                )
            })?;
            login = Some(Login {
                out: Outgoing {
                    method: reqwest::Method::POST,
                    url: parse_url(&login_url, case)?,
                    auth: None,
                    json_body: Some(json!({"userName": user.expose(), "password": pass.expose()})),
                },
            });
            vec![user, pass]
        }
    };
    Ok(Prepared {
        job: Job {
            out,
            login,
            provider: case.provider,
        },
        secrets,
    })
}

fn parse_url(url: &str, case: &Case) -> Result<reqwest::Url, CaseError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        CaseError::new(
            format!(
                "`base_url` {} is not a URL: {e}",
                case.base_url.as_written()
            ),
            Fix::Hint("write it as https://portal.example.com".into()),
        )
    })?;
    check_transport(&parsed)?;
    Ok(parsed)
}

/// A credential is only ever sent over https, or plain http to this machine.
fn check_transport(url: &reqwest::Url) -> Result<(), CaseError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(url) => Ok(()),
        "http" => Err(CaseError::new(
            format!(
                "refusing to send a credential over plain http to {}",
                url.host_str().unwrap_or("(no host)")
            ),
            Fix::Hint(
                "use https:// in `base_url` (plain http is allowed only to localhost)".into(),
            ),
        )),
        other => Err(CaseError::new(
            format!("`base_url` has the scheme {other}:, not https:"),
            Fix::Hint("write it as https://portal.example.com".into()),
        )),
    }
}

fn is_loopback(url: &reqwest::Url) -> bool {
    let host = url.host_str().unwrap_or("");
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

pub(crate) fn read_secret(source: &SecretSource) -> Result<Secret, CaseError> {
    let replay = "or run in replay mode (the default), which reads no credential";
    match source {
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
            Ok(_) => Err(CaseError::new(
                format!("the environment variable {var} is empty"),
                Fix::Hint(format!("set {var} to the credential, {replay}")),
            )),
            Err(_) => Err(CaseError::new(
                format!("the environment variable {var} is not set"),
                Fix::Hint(format!("set {var} to the credential, {replay}")),
            )),
        },
        SecretSource::File(path) => match std::fs::read_to_string(path) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
            Ok(_) => Err(CaseError::new(
                format!("the credential file {} is empty", path.display()),
                Fix::Hint("write the credential into it, on one line".into()),
            )),
            Err(e) => Err(CaseError::new(
                format!(
                    "cannot read the credential file {}: {}",
                    path.display(),
                    e.kind()
                ),
                Fix::Hint(format!(
                    "check the path (relative paths start at the working directory), {replay}"
                )),
            )),
        },
    }
}

/// Turns the shared outcome into this case's evidence, recording it if asked.
fn conclude(
    case: &Case,
    prepared: &Prepared,
    outcome: &JobResult,
    mode: Mode,
) -> Result<Evidence, CaseError> {
    let secrets: Vec<&Secret> = prepared
        .secrets
        .iter()
        .chain(&prepared.job.out.auth)
        .chain(&outcome.token)
        .collect();
    let answer = outcome.answer.as_ref().map_err(|e| CaseError {
        cause: scrub(&e.cause, &secrets),
        fix: match &e.fix {
            Fix::Hint(h) => Fix::Hint(scrub(h, &secrets)),
            other => other.clone(),
        },
    })?;
    let grant = case.provider.parse(&answer.body).map_err(|why| {
        CaseError::new(
            scrub(
                &format!(
                    "the answer is not what {} sends: {why}",
                    case.provider.name()
                ),
                &secrets,
            ),
            Fix::Hint("check `base_url`: it should be the API's own address".into()),
        )
    })?;
    let url = scrub(prepared.job.out.url.as_str(), &secrets);
    let mut recorded = None;
    if mode == Mode::Record {
        let fixture = Fixture {
            recorded_at: fixture::now_utc(),
            provider: case.provider.name().to_owned(),
            request: FixtureRequest {
                method: prepared.job.out.method.to_string(),
                url: url.clone(),
            },
            response: FixtureResponse {
                status: answer.status,
                body: scrub_value(&answer.body, &secrets),
            },
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
        recorded = Some(display_path(&case.fixture));
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

    #[test]
    fn plain_http_only_to_loopback() {
        let ok = [
            "http://127.0.0.1:8080/x",
            "http://127.9.9.9/",
            "http://localhost/",
            "http://[::1]:9/",
            "https://portal.example.com/",
        ];
        for u in ok {
            assert!(
                check_transport(&reqwest::Url::parse(u).unwrap()).is_ok(),
                "{u}"
            );
        }
        let e = check_transport(&reqwest::Url::parse("http://portal.example.com/x").unwrap())
            .unwrap_err();
        assert_eq!(
            e.cause,
            "refusing to send a credential over plain http to portal.example.com"
        );
        assert!(check_transport(&reqwest::Url::parse("http://10.0.0.1/").unwrap()).is_err());
        assert!(
            check_transport(&reqwest::Url::parse("http://localhost.evil.example/").unwrap())
                .is_err()
        );
        assert!(check_transport(&reqwest::Url::parse("ftp://x/").unwrap()).is_err());
    }

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
