//! A case resolved for the network: URLs built, credentials read, and the
//! secrets collected so everything that leaves can be scrubbed of them.

use super::http::Outgoing;
use crate::evidence::{CaseError, Fix};
use crate::plan::{Case, Credential, SecretSource};
use crate::provider::{Provider, Target};
use crate::secret::{Secret, base64};
use serde_json::json;

/// One distinct exchange: an optional sign-in, the request, and where to
/// get a signature if the server wants one.
#[derive(Clone, Debug)]
pub(super) struct Job {
    pub out: Outgoing,
    /// DocSpace's `scheme: login`: sign in first, then send the token as Bearer.
    pub login: Option<Outgoing>,
    /// DocSpace's scope catalog: on 401/403 get an `x-signature` here and
    /// ask again with it.
    pub signature: Option<Outgoing>,
    pub provider: Provider,
}

pub(super) struct Prepared {
    pub job: Job,
    /// Every secret value this case uses, in every form it is sent in.
    pub secrets: Vec<Secret>,
}

/// How one credential goes on the wire.
struct Auth {
    header: Option<Secret>,
    login: Option<Outgoing>,
    secrets: Vec<Secret>,
}

pub(super) fn prepare(case: &Case) -> Result<Prepared, CaseError> {
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
    let target = Target {
        base_url: &base,
        organization: case.organization.as_deref(),
    };
    let request = case.provider.request(target);
    let mut url = parse_url(&request.url, case)?;
    let method =
        reqwest::Method::from_bytes(request.method.as_bytes()).unwrap_or(reqwest::Method::GET);

    let token = resolve(&case.credential, case, &base)?;
    let mut secrets = token.secrets;
    let (header, login) = match (request.token_in_query, &case.caller) {
        // Coveo: the inspected token goes in the query string; the caller
        // (or the token itself) authenticates the call.
        (Some(param), caller) => {
            let inspected = secrets.first().cloned().ok_or_else(|| {
                CaseError::new(
                    "the inspected token has no value",
                    Fix::Hint("use `{ env: NAME }`".into()),
                )
            })?;
            url.query_pairs_mut().append_pair(param, inspected.expose());
            // The token as it appears percent-encoded in the URL, to scrub too.
            let prefix = format!("{param}=");
            let encoded = url
                .query()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix(prefix.as_str())));
            if let Some(encoded) = encoded.filter(|e| *e != inspected.expose()) {
                secrets.push(Secret::new(encoded));
            }
            match caller {
                Some(c) => {
                    let caller = resolve(c, case, &base)?;
                    secrets.extend(caller.secrets);
                    (caller.header, caller.login)
                }
                None => (token.header, token.login),
            }
        }
        (None, _) => (token.header, token.login),
    };
    let out = Outgoing {
        method,
        url,
        auth: header,
        json_body: request.json_body,
        extra: Vec::new(),
    };
    let signature = match case.provider.signature_url(&base) {
        Some(u) => Some(Outgoing {
            url: parse_url(&u, case)?,
            method: reqwest::Method::GET,
            json_body: None,
            ..out.clone()
        }),
        None => None,
    };
    Ok(Prepared {
        job: Job {
            out,
            login,
            signature,
            provider: case.provider,
        },
        secrets,
    })
}

fn resolve(credential: &Credential, case: &Case, base: &str) -> Result<Auth, CaseError> {
    Ok(match credential {
        Credential::Bearer(source) => {
            let secret = read_secret(source)?;
            let header = Secret::new(format!("Bearer {}", secret.expose()));
            Auth {
                header: Some(header),
                login: None,
                secrets: vec![secret],
            }
        }
        Credential::Raw(source) => {
            let secret = read_secret(source)?;
            Auth {
                header: Some(secret.clone()),
                login: None,
                secrets: vec![secret],
            }
        }
        Credential::Basic { username, password } => {
            let (user, pass) = (read_secret(username)?, read_secret(password)?);
            let encoded = Secret::new(base64(
                format!("{}:{}", user.expose(), pass.expose()).as_bytes(),
            ));
            let header = Secret::new(format!("Basic {}", encoded.expose()));
            Auth {
                header: Some(header),
                login: None,
                secrets: vec![user, pass, encoded],
            }
        }
        Credential::Login { username, password } => {
            let (user, pass) = (read_secret(username)?, read_secret(password)?);
            let login_url = case.provider.login_url(base).ok_or_else(|| {
                CaseError::new(
                    format!("provider `{}` has no sign-in", case.provider.name()),
                    Fix::Hint("use an API key instead".into()),
                )
            })?;
            let login = Outgoing {
                method: reqwest::Method::POST,
                url: parse_url(&login_url, case)?,
                auth: None,
                json_body: Some(json!({"userName": user.expose(), "password": pass.expose()})),
                extra: Vec::new(),
            };
            Auth {
                header: None,
                login: Some(login),
                secrets: vec![user, pass],
            }
        }
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
pub(super) fn check_transport(url: &reqwest::Url) -> Result<(), CaseError> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
