//! The exchanges themselves: each distinct request (and its sign-in,
//! discovery or signature) and each probe sent, at most
//! `PERMSPEC_CONCURRENCY` at once on one small runtime.

use super::*;

/// The de-duplication key of a probe; like [`identity`], it holds secrets
/// and never leaves memory.
pub(super) fn probe_identity(probe: &ProbeJob) -> String {
    let ca = probe
        .ca_file
        .as_ref()
        .map(|p| p.to_string_lossy().into_owned())
        .unwrap_or_default();
    format!("probe\u{0}{}\u{0}{ca}\u{0}{}", part(&probe.out), probe.safe)
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
pub(super) fn part(o: &Outgoing) -> String {
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
pub(super) fn identity(job: &Job) -> String {
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

/// Runs the distinct jobs concurrently on one small runtime, each through
/// its client (or failing with why there is none).
pub(super) fn run_all(
    tasks: Vec<(Result<reqwest::Client, String>, Task)>,
    settings: &Settings,
) -> Vec<Done> {
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
pub(super) fn failed(task: &Task, error: CaseError) -> Done {
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
pub(super) async fn run_probe(
    client: &reqwest::Client,
    probe: ProbeJob,
    settings: &Settings,
) -> ProbeResult {
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
pub(super) async fn run_job(
    client: &reqwest::Client,
    mut job: Job,
    settings: &Settings,
) -> JobResult {
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
            // `provider: http` appends the spec's own `request.path`; every
            // other provider, a path of its own.
            let who = match job.provider {
                Provider::Http => "and `request.path` starts with it",
                _ => "which permspec appends itself",
            };
            error.cause = format!(
                "{}; the request went to `{}`: `base_url` already ends in `{part}`, {who}, so \
                 this refusal may come from the wrong address, not the credential",
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
