//! Answers to evidence: each case's grant parsed from the answer as it
//! will be stored (scrubbed, only what its provider keeps), its probes
//! judged as replay judges them, and the fixture that records it.

use super::*;

/// Each probe's answer as evidence, in the spec's order, judged as replay
/// judges it: an answer that proves nothing (a redirect, an HTML page, a
/// status neither a success nor a denial, a broken connection) fails the
/// case, and nothing of it is recorded. Only a refusal's message is kept,
/// scrubbed and cut short; a success's body never.
pub(super) fn conclude_probes(
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
                if success && case.provider == Provider::Slack {
                    "fix the probe's request; a refusal in a 2xx answer is a denial only for \
                     a reason the API gives for a missing permission (Slack's own list: \
                     research/slack-errors.md)"
                } else if success {
                    "fix the probe's request; a refusal in a 2xx answer is a denial only for \
                     a reason the API gives for a missing permission, as the spec's \
                     `refused_when.denied` lists them"
                } else if answered.status == 401 {
                    // `denied_statuses` may not list 401: the fix is the
                    // credential, or how it is sent.
                    "check the credential and how it is sent (`credential:`, its `scheme`): \
                     the API did not accept it for this request, and a 401 is never a denial"
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

/// What the cases of one request share when it is concluded.
pub(super) struct Shared {
    /// Every secret the request sent or was handed; each of its cases
    /// keeps it (`Fetched::own`) to tell its own credential from another's.
    pub(super) scrubber: Arc<Scrubber>,
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
    pub(super) fn new(
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
pub(super) fn sent_scrubber(prepared: &Prepared) -> Scrubber {
    Scrubber::new(prepared.secrets.iter().chain(job_auth(prepared)))
}

/// For each distinct request, the scrubber of what it sends, made from
/// the case that first asks it (`firsts`; none for a probe); and one
/// scrubber of them all.
pub(super) fn request_scrubbers(
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

pub(super) fn job_auth(prepared: &Prepared) -> Option<&Secret> {
    match &prepared.work {
        Work::Network(job) => job.out.auth.as_ref(),
        Work::Offline(_) => None,
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
pub(super) fn conclude(
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
    let shown_url = match url {
        Some(u) => scrubber.scrub(u.as_str()),
        // Nothing is asked but the probes, at the spec's address as written.
        None if case.provider == Provider::Probes => format!(
            "the probes at {}",
            scrubber.scrub(&case.address().map(|(_, t)| t.written()).unwrap_or_default())
        ),
        None => "(none: the token is decoded offline)".to_owned(),
    };
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
pub(super) fn same_evidence(a: &Grant, b: &Grant) -> bool {
    a.privileges == b.privileges
        && a.active == b.active
        && a.expires_at == b.expires_at
        && a.identity == b.identity
        && a.partial == b.partial
        && same_probes(&a.probes, &b.probes)
}

/// Probes answered alike: the same requests, statuses and stated needs (a
/// refusal's wording may change between runs without changing a verdict).
pub(super) fn same_probes(a: &[Seen], b: &[Seen]) -> bool {
    // What the judge reads: the status, a 2xx refusal's reason and the
    // rule that read it, the witness of a 404. (A server's message may
    // change its words without changing the answer.)
    fn judged(s: &Seen) -> impl PartialEq + '_ {
        (
            (&s.method, &s.path, &s.body, s.status, &s.needs),
            (&s.read_by, &s.refused, &s.witness),
        )
    }
    a.len() == b.len() && a.iter().zip(b).all(|(a, b)| judged(a) == judged(b))
}

/// A refused request: an error, or, under `active: false`, the revocation
/// it proves. A refusal proves revocation only when the request could have
/// succeeded (issue 10, item 6): the provider's own refusal of a revoked
/// credential (DocSpace's 401 with an empty body), of a credential with the
/// right shape (an API key), sent the way the endpoint takes it (the plan
/// allows no other scheme). Anything else is an error that says why.
pub(super) fn refused(
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
        Fix::Rerun(h) => Fix::Rerun(scrubber.scrub(h)),
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

/// `v` scrubbed, and whether that changed it: `v` itself (shared, not
/// copied) when no string or key of it holds a secret, which is what
/// `scrub_value` would then return.
pub(super) fn scrub_shared(v: &Arc<Value>, scrubber: &Scrubber) -> (Arc<Value>, bool) {
    if !holds_secret(v, scrubber) {
        return (Arc::clone(v), false);
    }
    let mut changed = false;
    let out = scrub_value(v, scrubber, &mut changed);
    (Arc::new(out), changed)
}

/// Whether scrubbing would change a string, key or number of `v`.
pub(super) fn holds_secret(v: &Value, scrubber: &Scrubber) -> bool {
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
pub(super) fn scrub_value(v: &Value, scrubber: &Scrubber, changed: &mut bool) -> Value {
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
