//! Live and record modes: ask the API for every selected case, at most
//! `PERMSPEC_CONCURRENCY` requests at once, each distinct request once.
//!
//! Architecture invariant: secrets are read here and only here, and only in
//! live or record mode. Each one goes into the request's `Authorization`
//! header and into the list of values scrubbed from every error text and
//! every recorded fixture; nothing else sees it.

mod http;
mod retry;

use crate::evidence::{CaseError, Evidence, Fix, Origin};
use crate::fixture::{self, Fixture, FixtureRequest, FixtureResponse};
use crate::mode::Mode;
use crate::plan::{Case, SecretSource, display_path};
use crate::secret::{Secret, scrub};
use http::{Answer, FetchError, Outgoing, Settings};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// A case resolved for the network: its URL and the secrets it uses.
struct Prepared {
    out: Outgoing,
    secrets: Vec<Secret>,
}

/// Fetches every case in `cases`; the result has one entry per case, in order.
pub(crate) fn fetch_all(cases: &[&Case], mode: Mode) -> Vec<Result<Evidence, CaseError>> {
    let settings = match Settings::from_env() {
        Ok(s) => s,
        Err(e) => return fail_all(cases.len(), &e, "fix or unset the variable"),
    };
    let client = match http::client(&settings) {
        Ok(c) => c,
        Err(e) => return fail_all(cases.len(), &e, "this machine cannot make TLS connections"),
    };
    let prepared: Vec<Result<Prepared, CaseError>> = cases.iter().map(|c| prepare(c)).collect();

    // Identical requests (same method, URL and credential) are made once.
    let mut unique: Vec<Outgoing> = Vec::new();
    let mut index: HashMap<(String, String, Option<String>), usize> = HashMap::new();
    let slot: Vec<Option<usize>> = prepared
        .iter()
        .map(|p| {
            let p = p.as_ref().ok()?;
            let key = (
                p.out.method.to_string(),
                p.out.url.to_string(),
                p.out.auth.as_ref().map(|s| s.expose().to_owned()),
            );
            Some(*index.entry(key).or_insert_with(|| {
                unique.push(p.out.clone());
                unique.len() - 1
            }))
        })
        .collect();

    let answers = run_all(&client, unique, &settings);
    cases
        .iter()
        .zip(prepared)
        .zip(slot)
        .map(|((case, prepared), slot)| {
            let prepared = prepared?;
            let answer = slot.and_then(|i| answers.get(i)).ok_or_else(|| {
                CaseError::new(
                    "internal: no answer for this request",
                    Fix::Hint(String::new()),
                )
            })?;
            conclude(case, &prepared, answer, mode)
        })
        .collect()
}

fn fail_all(n: usize, cause: &str, hint: &str) -> Vec<Result<Evidence, CaseError>> {
    (0..n)
        .map(|_| Err(CaseError::new(cause, Fix::Hint(hint.to_owned()))))
        .collect()
}

/// Runs the distinct requests concurrently on one small runtime.
fn run_all(
    client: &reqwest::Client,
    unique: Vec<Outgoing>,
    settings: &Settings,
) -> Vec<Result<Answer, FetchError>> {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            return unique
                .iter()
                .map(|_| {
                    Err(FetchError {
                        failure: http::Failure::Connect(format!(
                            "cannot start the I/O runtime: {e}"
                        )),
                        retries: 0,
                    })
                })
                .collect();
        }
    };
    runtime.block_on(async {
        let permits = Arc::new(tokio::sync::Semaphore::new(settings.concurrency));
        let mut tasks = Vec::with_capacity(unique.len());
        for out in unique {
            let (client, settings, permits) = (client.clone(), settings.clone(), permits.clone());
            tasks.push(tokio::spawn(async move {
                let _permit = permits.acquire_owned().await;
                http::send(&client, &out, &settings).await
            }));
        }
        let mut answers = Vec::with_capacity(tasks.len());
        for task in tasks {
            answers.push(task.await.unwrap_or_else(|e| {
                Err(FetchError {
                    failure: http::Failure::Body(format!("the request task failed: {e}")),
                    retries: 0,
                })
            }));
        }
        answers
    })
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
    let url = reqwest::Url::parse(&request.url).map_err(|e| {
        CaseError::new(
            format!(
                "`base_url` {} is not a URL: {e}",
                case.base_url.as_written()
            ),
            Fix::Hint("write it as https://portal.example.com".into()),
        )
    })?;
    check_transport(&url)?;
    let secret = read_secret(&case.credential)?;
    let auth = Secret::new(format!("Bearer {}", secret.expose()));
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);
    Ok(Prepared {
        out: Outgoing {
            method,
            url,
            auth: Some(auth),
            json_body: None,
        },
        secrets: vec![secret],
    })
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
    match source {
        SecretSource::Env(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
            Ok(_) => Err(CaseError::new(
                format!("the environment variable {var} is empty"),
                Fix::Hint(format!(
                    "set {var} to the credential, or run in replay mode (the default)"
                )),
            )),
            Err(_) => Err(CaseError::new(
                format!("the environment variable {var} is not set"),
                Fix::Hint(format!(
                    "set {var} to the credential, or run in replay mode (the default)"
                )),
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
                Fix::Hint("check the path (relative paths start at the working directory)".into()),
            )),
        },
    }
}

/// Turns the shared answer into this case's evidence, recording it if asked.
fn conclude(
    case: &Case,
    prepared: &Prepared,
    answer: &Result<Answer, FetchError>,
    mode: Mode,
) -> Result<Evidence, CaseError> {
    let secrets: Vec<&Secret> = prepared.secrets.iter().chain(&prepared.out.auth).collect();
    let answer = match answer {
        Ok(a) => a,
        Err(e) => {
            let provider = case.provider;
            let explain = |status, body: &str| provider.explain_status(status, body);
            return Err(e.clone().into_case_error(explain, &secrets));
        }
    };
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
    let url = scrub(prepared.out.url.as_str(), &secrets);
    let mut recorded = None;
    if mode == Mode::Record {
        let fixture = Fixture {
            recorded_at: fixture::now_utc(),
            provider: case.provider.name().to_owned(),
            request: FixtureRequest {
                method: prepared.out.method.to_string(),
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
    use serde_json::json;

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
