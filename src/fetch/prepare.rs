//! A case resolved for the network: URLs built, credentials read and put
//! where the provider says, and the secrets collected so everything that
//! leaves can be scrubbed of them.

use super::http::{OutBody, Outgoing};
use crate::evidence::{CaseError, Fix};
use crate::plan::{Api, Case, Credential, Endpoint, SecretSource};
use crate::provider::{Body, Provider, TokenPlace, jwt};
use crate::secret::{Secret, base64};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::ffi::{OsStr, OsString};

/// One distinct exchange: optional steps before it, then the request.
#[derive(Clone, Debug)]
pub(super) struct Job {
    pub out: Outgoing,
    /// DocSpace's `scheme: login`: sign in first, then send the token as Bearer.
    pub login: Option<Outgoing>,
    /// DocSpace's scope catalog: on 401/403 get an `x-signature` here and
    /// ask again with it.
    pub signature: Option<Outgoing>,
    /// OAuth discovery: fetch this document first; `out` goes to the
    /// introspection endpoint it names.
    pub discovery: Option<Outgoing>,
    pub provider: Provider,
    /// The spec's `ca_file`: the job goes through a client that trusts it.
    pub ca_file: Option<std::path::PathBuf>,
    /// The secrets the job sends, so its errors are scrubbed before an
    /// error page is cut short (a cut secret matches no form).
    pub secrets: Vec<Secret>,
    /// A provider with several requests (`Provider::steps`): the label of
    /// `out`'s answer, and the requests sent after it, each with its label.
    pub steps: Option<(String, Vec<(String, Outgoing)>)>,
    /// The end of `base_url`'s path that the provider's own path repeats
    /// (`/v1` in `https://vault.example.com/v1`), when it does: a refusal
    /// then names it, and never stands for a revocation.
    pub doubled: Option<String>,
}

/// What a case needs: a request, or nothing at all (a JWT read offline).
#[derive(Debug)]
pub(super) enum Work {
    Network(Box<Job>),
    /// The decoded token: `{"header", "claims"}`.
    Offline(Value),
}

pub(super) struct Prepared {
    pub work: Work,
    /// Every secret value this case uses (the scrubber adds their encodings).
    pub secrets: Vec<Secret>,
    /// Whether the inspected credential has the shape of the tokens the
    /// endpoint inspects (a DocSpace API key: `sk-...`; see
    /// `Provider::revocation`), so a refusal of it can mean revocation
    /// (issue 10, item 6).
    pub key_shaped: bool,
}

/// How one credential goes on the wire.
struct Auth {
    header: Option<Secret>,
    login: Option<Outgoing>,
    /// Form fields (`client_secret_post`).
    form: Vec<(String, Secret)>,
    secrets: Vec<Secret>,
}

/// The environment, read once for a run. `std::env::var` scans every
/// variable on each call, so a run whose 1,000 cases each name their own
/// credential would compare names a million times; this is one pass.
/// No `Debug`: it holds every credential in the environment.
pub(crate) struct Env(HashMap<OsString, OsString>);

impl Env {
    /// A snapshot of the process's environment. A name set twice keeps its
    /// first value, as `getenv` does.
    pub(crate) fn read() -> Env {
        let mut vars = HashMap::new();
        for (name, value) in std::env::vars_os() {
            vars.entry(name).or_insert(value);
        }
        Env(vars)
    }

    /// The variable's value, or `None` when it is unset or not UTF-8
    /// (what `std::env::var(name).ok()` gives).
    pub(crate) fn var(&self, name: &str) -> Option<String> {
        self.0
            .get(OsStr::new(name))
            .and_then(|v| v.to_str())
            .map(str::to_owned)
    }
}

pub(super) fn prepare(case: &Case, env: &Env) -> Result<Prepared, CaseError> {
    if let Api::Jwt { .. } = *case.api {
        let Credential::Bearer(source) = &case.credential else {
            return Err(CaseError::new(
                "a JWT is read from `{ env: NAME }` or `{ file: PATH }`",
                Fix::Hint("drop `scheme:`".into()),
            ));
        };
        let token = read_secret(source, env)?;
        let decoded = jwt::decode(token.expose()).map_err(|why| {
            CaseError::new(
                why,
                Fix::Hint(
                    "the credential must be a JWT access token (three base64url parts)".into(),
                ),
            )
        })?;
        return Ok(Prepared {
            work: Work::Offline(decoded),
            secrets: vec![token],
            key_shaped: false,
        });
    }
    let base = base_of(case, env)?;
    // Probes only: nothing is asked but the probes, which read the
    // credential themselves; it is read here too, so an unset variable
    // fails the case before anything is sent.
    if case.provider == Provider::Probes {
        let token = resolve(&case.credential, case, &base, env)?;
        return Ok(Prepared {
            work: Work::Offline(Value::Null),
            secrets: token.secrets,
            key_shaped: false,
        });
    }
    let request = case.provider.request(&case.api, &base).ok_or_else(|| {
        CaseError::new(
            "internal: no request for this provider",
            Fix::Hint("please report this".into()),
        )
    })?;
    let mut url = parse_url(&request.url)?;
    let doubled = crate::provider::doubled_path(&base, &request.url);
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);

    let token = resolve(&case.credential, case, &base, env)?;
    let key_shaped = match case.provider.revocation() {
        Some(r) => token.secrets.first().is_some_and(|s| r.fits(s.expose())),
        None => false,
    };
    let mut secrets = token.secrets.clone();
    let caller = match &*case.api {
        Api::Coveo {
            caller: Some(c), ..
        }
        | Api::Introspection { client: c, .. } => Some(resolve(c, case, &base, env)?),
        _ => None,
    };
    let mut form: Vec<(String, Secret)> = Vec::new();
    let mut named: Vec<(String, Secret)> = Vec::new();
    let auth = if request.token == TokenPlace::Header {
        token
    } else {
        let inspected = token.secrets.first().cloned().ok_or_else(|| {
            CaseError::new(
                "the inspected token has no value",
                Fix::Hint("use `{ env: NAME }`".into()),
            )
        })?;
        match &request.token {
            TokenPlace::Query { param, .. } => {
                // Its percent-encoded form is one the scrubber knows.
                url.query_pairs_mut().append_pair(param, inspected.expose());
            }
            TokenPlace::Form(field) => form.push(((*field).to_owned(), inspected)),
            TokenPlace::Named(header) => named.push(((*header).to_owned(), inspected)),
            TokenPlace::Header => {}
        }
        // The caller (Coveo) or the client (introspection) authenticates;
        // without one, the token calls for itself where the API allows it.
        match (caller, &request.token) {
            (Some(c), _) => {
                secrets.extend(c.secrets.iter().cloned());
                c
            }
            (
                None,
                TokenPlace::Query {
                    also_header: false, ..
                }
                | TokenPlace::Named(_),
            ) => Auth {
                header: None,
                ..token
            },
            (None, _) => token,
        }
    };
    form.extend(auth.form);
    let body = match request.body {
        Body::Empty => OutBody::None,
        Body::Json(v) => OutBody::Json(v),
        Body::Form(fields) => {
            form.extend(fields.into_iter().map(|(k, v)| (k, Secret::new(v))));
            OutBody::Form(form)
        }
    };
    let headers = request
        .headers
        .into_iter()
        .map(|(k, v)| (k, Secret::new(v)))
        .chain(named)
        .collect();
    let out = Outgoing {
        method,
        url,
        auth: auth.header,
        body,
        headers,
        keep: request.keep_headers,
        needs_body: request.needs_body,
    };
    let signature = match case.provider.signature_url(&base) {
        Some(u) => Some(Outgoing {
            url: parse_url(&u)?,
            method: reqwest::Method::GET,
            body: OutBody::None,
            ..out.clone()
        }),
        None => None,
    };
    let discovery = match &*case.api {
        Api::Introspection {
            endpoint: Endpoint::Discovery(_),
            ..
        } => Some(Outgoing {
            method: reqwest::Method::GET,
            url: out.url.clone(),
            auth: None,
            body: OutBody::None,
            headers: Vec::new(),
            keep: Vec::new(),
            needs_body: true,
        }),
        _ => None,
    };
    let mut steps = case.provider.steps(&case.api, &base).into_iter();
    let steps = match steps.next() {
        None => None,
        Some(first) => {
            let mut then = Vec::new();
            for step in steps {
                let method = reqwest::Method::from_bytes(step.request.method.as_bytes())
                    .unwrap_or(reqwest::Method::GET);
                let body = match step.request.body {
                    Body::Json(v) => OutBody::Json(v),
                    _ => OutBody::None,
                };
                let url = parse_url(&step.request.url)?;
                then.push((
                    step.label,
                    Outgoing {
                        method,
                        url,
                        body,
                        ..out.clone()
                    },
                ));
            }
            Some((first.label, then))
        }
    };
    let job = Job {
        steps,
        out,
        login: auth.login,
        signature,
        discovery,
        provider: case.provider,
        ca_file: case.ca_file.clone(),
        secrets: secrets.clone(),
        doubled,
    };
    Ok(Prepared {
        work: Work::Network(Box::new(job)),
        secrets,
        key_shaped,
    })
}

fn resolve(credential: &Credential, case: &Case, base: &str, env: &Env) -> Result<Auth, CaseError> {
    let header = |header: Secret, secrets: Vec<Secret>| Auth {
        header: Some(header),
        login: None,
        form: Vec::new(),
        secrets,
    };
    Ok(match credential {
        Credential::Bearer(source) => {
            let secret = read_secret(source, env)?;
            header(
                Secret::new(format!("Bearer {}", secret.expose())),
                vec![secret],
            )
        }
        Credential::Raw(source) => {
            let secret = read_secret(source, env)?;
            header(secret.clone(), vec![secret])
        }
        Credential::Basic { username, password } => {
            // The user name is an identifier, not a secret: scrubbing it
            // would rewrite evidence (issue 10, item 8). The password and
            // the Basic value built from it are.
            let (user, pass) = (read_secret(username, env)?, read_secret(password, env)?);
            let encoded = Secret::new(base64(
                format!("{}:{}", user.expose(), pass.expose()).as_bytes(),
            ));
            header(
                Secret::new(format!("Basic {}", encoded.expose())),
                vec![pass, encoded],
            )
        }
        Credential::Login { username, password } => {
            let (user, pass) = (read_secret(username, env)?, read_secret(password, env)?);
            let login_url = case.provider.login_url(base).ok_or_else(|| {
                CaseError::new(
                    format!("provider `{}` has no sign-in", case.provider.name()),
                    Fix::Hint("use an API key instead".into()),
                )
            })?;
            let login = Outgoing {
                method: reqwest::Method::POST,
                url: parse_url(&login_url)?,
                auth: None,
                body: OutBody::Json(json!({"userName": user.expose(), "password": pass.expose()})),
                headers: Vec::new(),
                keep: Vec::new(),
                needs_body: true,
            };
            Auth {
                header: None,
                login: Some(login),
                form: Vec::new(),
                secrets: vec![pass],
            }
        }
        Credential::ClientPost { id, secret } => {
            let (id, secret) = (read_secret(id, env)?, read_secret(secret, env)?);
            let form = vec![
                ("client_id".to_owned(), id),
                ("client_secret".to_owned(), secret.clone()),
            ];
            Auth {
                header: None,
                login: None,
                form,
                secrets: vec![secret],
            }
        }
    })
}

/// The case's address, its `${VAR}`s resolved.
fn base_of(case: &Case, env: &Env) -> Result<String, CaseError> {
    let (key, address) = case.address().ok_or_else(|| {
        CaseError::new(
            "internal: this provider has no address",
            Fix::Hint("please report this".into()),
        )
    })?;
    let base = address.resolve(|v| env.var(v)).map_err(|var| {
        CaseError::new(
            format!("`{key}` uses ${{{var}}}, which is not set"),
            Fix::Hint(format!(
                "set {var} to the API's address, e.g. {var}={}",
                case.provider.example_address()
            )),
        )
    })?;
    // The resolved address is never printed when it carries a password.
    if crate::plan::has_userinfo(&base) {
        return Err(CaseError::new(
            format!(
                "the address `{key}` resolves to carries a user name or password (any `@` counts)"
            ),
            Fix::Hint(
                "set the variable to the address alone, and say where the secret comes from in \
                 `credential:`; if the password was real, rotate it"
                    .into(),
            ),
        ));
    }
    Ok(base)
}

/// One probe, ready to send.
#[derive(Clone, Debug)]
pub(super) struct ProbeJob {
    pub out: Outgoing,
    /// A safe method may be retried; any other never is.
    pub safe: bool,
    pub ca_file: Option<std::path::PathBuf>,
    /// The secrets the probe sends, to scrub its errors and messages.
    pub secrets: Vec<Secret>,
}

/// The case's probes as requests, in the spec's order: each to the API's
/// own address (never another host), with the credential where the
/// provider's API takes it. An unsafe probe is refused unless the run
/// allows unsafe probes: nothing of the case is sent then.
pub(super) fn prepare_probes(
    case: &Case,
    allow_unsafe: bool,
    env: &Env,
) -> Result<Vec<ProbeJob>, CaseError> {
    let probes = &case.expect.probes;
    if probes.is_empty() {
        return Ok(Vec::new());
    }
    if let Some(p) = probes.iter().find(|p| !allow_unsafe && !p.method.is_safe()) {
        return Err(CaseError::new(
            format!(
                "the probe `{}` (line {}) is unsafe, and unsafe probes run only when the run \
                 allows them; nothing of this case was sent",
                crate::escape::text(&p.shown()),
                p.line
            ),
            Fix::Hint(
                "read the probe's `unsafe:` reason; if it holds, run with --allow-unsafe-probes \
                 (or PERMSPEC_ALLOW_UNSAFE_PROBES=1)"
                    .into(),
            ),
        ));
    }
    let base = base_of(case, env)?;
    let base_url = parse_url(&base)?;
    let token = resolve(&case.credential, case, &base, env)?;
    let inspected = token.secrets.first().cloned();
    let mut jobs = Vec::with_capacity(probes.len());
    for probe in probes {
        let shown = crate::escape::text(&probe.shown()).into_owned();
        let path = probe.path.resolve(|v| env.var(v)).map_err(|var| {
            CaseError::new(
                format!("the probe `{shown}` uses ${{{var}}}, which is not set"),
                Fix::Hint(format!(
                    "set {var}, or run in replay mode (the default), which resolves nothing"
                )),
            )
        })?;
        let request = case.provider.probe_request(
            &case.api,
            &base,
            probe.method,
            &path,
            probe.body.as_deref(),
        );
        let url = parse_url(&request.url)?;
        // A variable in the path must not move the request elsewhere. It
        // cannot today (the path starts with `/` and follows the address,
        // so the parsed authority is the address's); the check stays, so
        // a change to how URLs are built can never send the credential
        // to another host.
        let same_origin = url.scheme() == base_url.scheme()
            && url.host_str() == base_url.host_str()
            && url.port_or_known_default() == base_url.port_or_known_default();
        if !same_origin {
            return Err(CaseError::new(
                format!("the probe `{shown}` resolves to another host than `base_url`"),
                Fix::Hint(
                    "a probe's path stays under `base_url`: check the variables it uses".into(),
                ),
            ));
        }
        // The plan refuses a probe whose path repeats the end of a literal
        // `base_url`; a variable's value is known only here. A denial from
        // the address written twice would say nothing of the token.
        if let Some(part) = crate::provider::doubled_path(&base, &request.url) {
            return Err(CaseError::new(
                format!(
                    "the probe `{shown}` would go to `{}`: `base_url` already ends in \
                     `{part}`, and the probe's path starts with it; nothing of this case was sent",
                    crate::escape::text(url.path())
                ),
                Fix::Hint(format!(
                    "write the probe's path without `{part}` (it is appended to `base_url`), \
                     or `base_url` without `{part}` (check the variable it uses)"
                )),
            ));
        }
        let mut headers: Vec<(String, Secret)> = request
            .headers
            .into_iter()
            .map(|(k, v)| (k, Secret::new(v)))
            .collect();
        let mut url = url;
        // As the case's own request sends it (`Provider::probe_request`).
        let auth = match (&request.token, &inspected) {
            (TokenPlace::Named(name), Some(t)) => {
                headers.push(((*name).to_owned(), t.clone()));
                None
            }
            (TokenPlace::Query { param, .. }, Some(t)) => {
                // Its percent-encoded form is one the scrubber knows.
                url.query_pairs_mut().append_pair(param, t.expose());
                None
            }
            (TokenPlace::Header, _) => token.header.clone(),
            (TokenPlace::Form(_), _) | (_, None) => {
                return Err(CaseError::new(
                    format!(
                        "the probe `{shown}` cannot carry the credential as this provider's \
                         request does"
                    ),
                    Fix::Hint("probe with a `provider: probes` spec at the API's address".into()),
                ));
            }
        };
        jobs.push(ProbeJob {
            out: Outgoing {
                method: reqwest::Method::from_bytes(request.method.as_bytes())
                    .unwrap_or(reqwest::Method::GET),
                url,
                auth,
                body: match request.body {
                    Body::Json(v) => OutBody::Json(v),
                    _ => OutBody::None,
                },
                headers,
                keep: request.keep_headers,
                // An API that refuses inside a 2xx answer: its success
                // body is read (to a bound) for the refusal.
                needs_body: case.expect.refused_when.is_some(),
            },
            safe: probe.method.is_safe(),
            ca_file: case.ca_file.clone(),
            secrets: token.secrets.clone(),
        });
    }
    Ok(jobs)
}

/// The address is not shown when it does not parse: it comes from the spec
/// or a variable, and a variable set to the wrong value may hold a secret.
fn parse_url(url: &str) -> Result<reqwest::Url, CaseError> {
    let parsed = reqwest::Url::parse(url).map_err(|e| {
        CaseError::new(
            format!("the API's address is not a URL: {e} (it is not shown: it may hold a secret)"),
            Fix::Hint(
                "check the spec's address (`base_url`, `introspection_url`...) and the variable \
                 it names: write it as https://portal.example.com"
                    .into(),
            ),
        )
    })?;
    check_transport(&parsed)?;
    Ok(parsed)
}

/// A credential is only ever sent over https, or plain http to this
/// machine, and never to an address that carries a user name or password.
pub(super) fn check_transport(url: &reqwest::Url) -> Result<(), CaseError> {
    if !url.username().is_empty() || url.password().is_some() {
        return Err(CaseError::new(
            "the address carries a user name or password (`user:password@host`)",
            Fix::Hint("write the address without them; if the password was real, rotate it".into()),
        ));
    }
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
            Fix::Hint("write `base_url` with https://".into()),
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

pub(crate) fn read_secret(source: &SecretSource, env: &Env) -> Result<Secret, CaseError> {
    let replay = "or run in replay mode (the default), which reads no credential";
    match source {
        SecretSource::Env(var) => match env.var(var) {
            Some(v) if !v.trim().is_empty() => Ok(Secret::new(v.trim())),
            Some(_) => Err(CaseError::new(
                format!("the environment variable {var} is empty"),
                Fix::Hint(format!("set {var} to the credential, {replay}")),
            )),
            None => Err(CaseError::new(
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The snapshot answers as `std::env::var(name).ok()` does: a value,
    /// or nothing for an unset or non-UTF-8 one; and a credential read
    /// from it is refused as before when unset, empty or not text.
    #[test]
    fn the_environment_snapshot_reads_like_std_env_var() {
        #[cfg(unix)]
        let bad = {
            use std::os::unix::ffi::OsStringExt;
            OsString::from_vec(vec![0x66, 0xff, 0x6f])
        };
        #[cfg(not(unix))]
        let bad = OsString::from("\u{fffd}");
        let env = Env(HashMap::from([
            (OsString::from("KEY"), OsString::from("  sk-value \n")),
            (OsString::from("EMPTY"), OsString::from(" ")),
            (OsString::from("BAD"), bad),
        ]));
        assert_eq!(env.var("KEY").as_deref(), Some("  sk-value \n"));
        assert_eq!(env.var("MISSING"), None);
        #[cfg(unix)]
        assert_eq!(env.var("BAD"), None);
        let read = |name: &str| read_secret(&SecretSource::Env(name.to_owned()), &env);
        assert_eq!(
            read("KEY").map(|s| s.expose().to_owned()).ok().as_deref(),
            Some("sk-value")
        );
        for (name, says) in [("EMPTY", "is empty"), ("MISSING", "is not set")] {
            let e = read(name).err().map(|e| e.cause).unwrap_or_default();
            assert!(e.contains(&format!("{name} {says}")), "{e}");
        }
        #[cfg(unix)]
        assert!(
            read("BAD")
                .err()
                .is_some_and(|e| e.cause.contains("BAD is not set"))
        );
        // The real environment, read once, agrees with std for what it holds.
        let now = Env::read();
        for (name, _) in std::env::vars_os().take(50) {
            if let Some(name) = name.to_str() {
                assert_eq!(now.var(name), std::env::var(name).ok(), "{name}");
            }
        }
    }

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
}
