//! One HTTP exchange: the shared client, retries, and reading the answer
//! safely (size cap, truncation, HTML pages, invalid JSON).
//!
//! Every error text that leaves this module has been scrubbed of the
//! secrets in use; reqwest's own errors are stripped of their URL first.

mod probe;
mod wording;

pub(crate) use probe::{ProbeAnswer, send_probe};

use super::retry::{MAX_RETRIES, backoff, parse_retry_after, retryable_status};
use crate::evidence::{CaseError, Fix, Refusal};
use crate::secret::{Scrubber, Secret, form_encode};
use reqwest::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use serde_json::Value;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// Bodies larger than this are refused without being read whole.
pub(crate) const MAX_BODY_BYTES: usize = 4 << 20;

#[derive(Clone, Debug)]
pub(crate) struct Settings {
    pub connect_timeout: Duration,
    pub timeout: Duration,
    pub concurrency: usize,
    pub retry_base: Duration,
    /// The https proxy, from `HTTPS_PROXY` (or `https_proxy`, `ALL_PROXY`,
    /// `all_proxy`): the variable's name and its value.
    pub proxy: Option<(&'static str, Secret)>,
}

/// The variables that name an https proxy, first found wins.
const PROXY_VARS: &[&str] = &["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"];

impl Settings {
    /// Defaults: connect 10 s, request 30 s (`PERMSPEC_TIMEOUT`, 1 to 3600),
    /// 8 requests at once (`PERMSPEC_CONCURRENCY`, 1 to 1024). Out-of-range
    /// values are errors, never clamped in silence nor a panic (issue 10,
    /// item 17).
    pub(crate) fn from_env() -> Result<Settings, String> {
        let number = |name: &str, default: u64, max: u64| -> Result<u64, String> {
            match std::env::var(name) {
                Ok(v) if !v.trim().is_empty() => v
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| (1..=max).contains(n))
                    .ok_or_else(|| {
                        format!(
                            "{name}={:?} is not a whole number from 1 to {max}",
                            crate::escape::text(&v)
                        )
                    }),
                _ => Ok(default),
            }
        };
        let proxy = PROXY_VARS.iter().find_map(|var| match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some((*var, Secret::new(v.trim()))),
            _ => None,
        });
        Ok(Settings {
            connect_timeout: Duration::from_secs(10),
            timeout: Duration::from_secs(number("PERMSPEC_TIMEOUT", 30, 3600)?),
            concurrency: usize::try_from(number("PERMSPEC_CONCURRENCY", 8, 1024)?).unwrap_or(8),
            retry_base: Duration::from_millis(250),
            proxy,
        })
    }
}

/// Builds a client: rustls on the ring provider, built explicitly so no
/// process-wide crypto provider needs to be installed, the platform's roots
/// plus the spec's `ca_file` if any, no redirects.
///
/// Proxies (issue 10, item 13): plain http (allowed only to loopback) never
/// goes through one, whatever `http_proxy` or `ALL_PROXY` say, so a
/// credential meant for this machine stays on it. https goes through the
/// proxy `HTTPS_PROXY` (or `ALL_PROXY`) names, except for the hosts
/// `NO_PROXY` lists; TLS runs end to end inside the tunnel.
pub(crate) fn client(
    settings: &Settings,
    ca_file: Option<&Path>,
) -> Result<reqwest::Client, String> {
    // rustls 0.23.48 deprecates ring's provider for its lack of
    // post-quantum key exchange; ring stays the project's chosen provider
    // (no second C crypto library to build, a smaller live build) until
    // that choice is revisited: aws-lc-rs with `prefer-post-quantum` is a
    // two-line change (this call and Cargo.toml). Allowed here, on this
    // one call, so no consumer's build warns on the newest rustls
    // (scripts/newest-deps.sh checks it).
    #[allow(deprecated)]
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let extra = match ca_file {
        None => Vec::new(),
        Some(path) => read_ca(path)?,
    };
    let verifier =
        rustls_platform_verifier::Verifier::new_with_extra_roots(extra, provider.clone())
            .map_err(|e| format!("cannot set up TLS: {e}"))?;
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| format!("cannot set up TLS: {e}"))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .connect_timeout(settings.connect_timeout)
        .timeout(settings.timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("permspec/", env!("CARGO_PKG_VERSION")))
        .no_proxy();
    if let Some((var, url)) = &settings.proxy {
        let proxy = reqwest::Proxy::https(url.expose())
            .map_err(|_| format!("{var} is not the address of an http or https proxy"))?
            .no_proxy(reqwest::NoProxy::from_env());
        builder = builder.proxy(proxy);
    }
    builder.build().map_err(|e| {
        format!(
            "cannot set up the HTTP client: {}",
            error_chain(&e.without_url())
        )
    })
}

/// The certificates of a PEM file, for a private CA.
fn read_ca(path: &Path) -> Result<Vec<rustls::pki_types::CertificateDer<'static>>, String> {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let shown = crate::plan::display_path(path);
    let bytes = std::fs::read(path)
        .map_err(|e| format!("cannot read the CA file {shown}: {}", e.kind()))?;
    let certs = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format!("the CA file {shown} is not PEM certificates: {e}"))?;
    if certs.is_empty() {
        return Err(format!("the CA file {shown} holds no certificate"));
    }
    Ok(certs)
}

/// A request ready to send. `auth` is the whole `Authorization` value;
/// `headers` are further headers, possibly secret (DocSpace's
/// `x-signature`); `keep` names the response headers to hand back; without
/// `needs_body`, the answer's body is not read as JSON (privileges in a
/// header: a HEAD, or an empty body, is a good answer).
///
/// Its URL may carry the inspected token (Coveo's `accessToken`) and a JSON
/// body may carry a password (DocSpace's sign-in), so `Debug` shows neither:
/// see the `fmt::Debug` impls below.
#[derive(Clone)]
pub(crate) struct Outgoing {
    pub method: reqwest::Method,
    pub url: reqwest::Url,
    pub auth: Option<Secret>,
    pub body: OutBody,
    pub headers: Vec<(String, Secret)>,
    pub keep: Vec<String>,
    pub needs_body: bool,
}

#[derive(Clone)]
pub(crate) enum OutBody {
    None,
    Json(Value),
    /// `application/x-www-form-urlencoded`; values may be secrets.
    Form(Vec<(String, Secret)>),
}

impl std::fmt::Debug for Outgoing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut url = self.url.clone();
        if url.query().is_some() {
            url.set_query(Some(crate::secret::REDACTED));
        }
        let headers: Vec<&str> = self.headers.iter().map(|(name, _)| name.as_str()).collect();
        f.debug_struct("Outgoing")
            .field("method", &self.method)
            .field("url", &url.as_str())
            .field("auth", &self.auth)
            .field("body", &self.body)
            .field("headers", &headers)
            .field("keep", &self.keep)
            .field("needs_body", &self.needs_body)
            .finish()
    }
}

impl std::fmt::Debug for OutBody {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            OutBody::None => f.write_str("None"),
            OutBody::Json(_) => f.write_str("Json([REDACTED])"),
            OutBody::Form(fields) => {
                let names: Vec<&str> = fields.iter().map(|(name, _)| name.as_str()).collect();
                write!(f, "Form({names:?} = [REDACTED])")
            }
        }
    }
}

impl OutBody {
    /// The body's bytes, for sending and for telling requests apart.
    pub(crate) fn encode(&self) -> Option<(&'static str, String)> {
        match self {
            OutBody::None => None,
            OutBody::Json(v) => Some(("application/json", v.to_string())),
            OutBody::Form(fields) => Some((
                "application/x-www-form-urlencoded",
                fields
                    .iter()
                    .map(|(k, v)| format!("{}={}", form_encode(k), form_encode(v.expose())))
                    .collect::<Vec<_>>()
                    .join("&"),
            )),
        }
    }
}

impl Answer {
    /// The "answer" of a provider that asks nothing: its decoded input.
    pub(crate) fn offline(body: Value) -> Answer {
        Answer {
            status: 200,
            body: Arc::new(body),
            headers: Default::default(),
            retries: 0,
        }
    }
}

/// A successful (2xx) answer, parsed as JSON.
/// No `Debug`: the body and headers are the server's, unscrubbed.
#[derive(Clone)]
pub(crate) struct Answer {
    pub status: u16,
    /// Shared: an answer with no secret in it is stored as it came.
    pub body: Arc<Value>,
    /// The header the request asked to keep, if the server sent it.
    pub headers: std::collections::BTreeMap<String, String>,
    pub retries: u32,
}

/// Why an exchange failed, kept typed until the provider explains it.
/// No `Debug`: bodies and `Location`s are the server's, unscrubbed.
#[derive(Clone)]
pub(crate) enum Failure {
    Connect(String),
    Timeout,
    Status {
        status: u16,
        body: String,
        /// The answer is an HTML page: a proxy's or a firewall's, not the API's.
        html: bool,
        retry_after: Option<Duration>,
        /// The `X-Request-ID` the server gave, for the vendor's support.
        request_id: Option<String>,
    },
    Redirect {
        status: u16,
        location: String,
    },
    Body(String),
    /// A successful answer that is an HTML page: its content type and text,
    /// summarized once its secrets are scrubbed.
    Html {
        shown: String,
        text: String,
    },
    /// A credential value no HTTP header can carry (a line break, say).
    Credential(String),
}

#[derive(Clone)]
pub(crate) struct FetchError {
    pub failure: Failure,
    pub retries: u32,
}

/// Sends, retrying connection errors and 429/502/503/504 at most
/// [`MAX_RETRIES`] times, waiting `Retry-After` or an exponential backoff.
pub(crate) async fn send(
    client: &reqwest::Client,
    out: &Outgoing,
    settings: &Settings,
) -> Result<Answer, FetchError> {
    let (result, attempts) = retrying(
        settings,
        true,
        || send_once(client, out),
        |result| match result {
            Err(Failure::Connect(_)) => Some(None),
            Err(Failure::Status {
                status,
                retry_after,
                ..
            }) if retryable_status(*status) => Some(*retry_after),
            _ => None,
        },
    )
    .await;
    result
        .map(|(status, body, headers)| Answer {
            status,
            body: Arc::new(body),
            headers,
            retries: attempts,
        })
        .map_err(|failure| FetchError {
            failure: match (failure, &settings.proxy) {
                (Failure::Connect(why), Some((var, _))) if out.url.scheme() == "https" => {
                    Failure::Connect(format!(
                        "{why} (through the proxy {var} names, unless NO_PROXY lists the host)"
                    ))
                }
                (failure, _) => failure,
            },
            retries: attempts,
        })
}

/// Runs `attempt` again while `wait` says the result is worth another try
/// (`Some(Retry-After)`, or `Some(None)` for the backoff), at most
/// [`MAX_RETRIES`] times, and only when `retry` (never for a request that
/// could change something). The last result, and how many retries it took.
async fn retrying<T, F: std::future::Future<Output = Result<T, Failure>>>(
    settings: &Settings,
    retry: bool,
    mut attempt: impl FnMut() -> F,
    wait: impl Fn(&Result<T, Failure>) -> Option<Option<Duration>>,
) -> (Result<T, Failure>, u32) {
    let mut retries = 0;
    loop {
        let result = attempt().await;
        match (wait(&result), retry && retries < MAX_RETRIES) {
            (Some(after), true) => {
                let delay =
                    after.unwrap_or_else(|| backoff(retries, settings.retry_base, jitter()));
                tokio::time::sleep(delay).await;
                retries += 1;
            }
            _ => return (result, retries),
        }
    }
}

/// A number in [0, 1) that differs between calls, for backoff jitter. Not
/// cryptographic, and need not be.
fn jitter() -> f64 {
    let nanos = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    f64::from(nanos % 1000) / 1000.0
}

type Received = (u16, Value, std::collections::BTreeMap<String, String>);

/// The request `out` describes, with its credential marked sensitive.
fn build(client: &reqwest::Client, out: &Outgoing) -> Result<reqwest::RequestBuilder, Failure> {
    let mut req = client
        .request(out.method.clone(), out.url.clone())
        .header(ACCEPT, "application/json");
    if let Some(auth) = &out.auth {
        let mut value = HeaderValue::from_str(auth.expose()).map_err(|_| {
            Failure::Credential(
                "the credential holds characters an HTTP header cannot carry".into(),
            )
        })?;
        value.set_sensitive(true);
        req = req.header(AUTHORIZATION, value);
    }
    for (name, value) in &out.headers {
        let mut value = HeaderValue::from_str(value.expose()).map_err(|_| {
            Failure::Credential(format!("the {name} value cannot be sent in an HTTP header"))
        })?;
        value.set_sensitive(true);
        req = req.header(name.as_str(), value);
    }
    if let Some((content_type, body)) = out.body.encode() {
        req = req.header(CONTENT_TYPE, content_type).body(body);
    }
    Ok(req)
}

async fn send_once(client: &reqwest::Client, out: &Outgoing) -> Result<Received, Failure> {
    let resp = build(client, out)?.send().await.map_err(classify)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let content_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    if resp.status().is_redirection() {
        let location = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)")
            .to_owned();
        return Err(Failure::Redirect { status, location });
    }
    let bytes = read_capped(resp).await?;
    let text = String::from_utf8_lossy(&bytes).into_owned();
    let looks_html = content_type.contains("html") || text.trim_start().starts_with('<');
    if !(200..300).contains(&status) {
        let retry_after = headers
            .get(RETRY_AFTER)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| parse_retry_after(v, SystemTime::now()));
        let request_id = headers
            .get("x-request-id")
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        return Err(Failure::Status {
            status,
            body: text,
            html: looks_html,
            retry_after,
            request_id,
        });
    }
    // A header sent on several lines is one comma-separated list (RFC 9110,
    // 5.3): every line is kept, or a second `X-OAuth-Scopes` line would go
    // unread. A value that is not text is an error, never "no header".
    let mut kept = std::collections::BTreeMap::new();
    for name in &out.keep {
        let mut values = Vec::new();
        for value in headers.get_all(name.as_str()) {
            let text = value.to_str().map_err(|_| {
                Failure::Body(format!(
                    "the `{name}` header holds bytes that are not text; permspec cannot read it"
                ))
            })?;
            values.push(text.trim());
        }
        if !values.is_empty() {
            kept.insert(name.clone(), values.join(", "));
        }
    }
    if !out.needs_body {
        return Ok((status, Value::Null, kept));
    }
    if looks_html {
        let shown = if content_type.is_empty() {
            "an HTML page"
        } else {
            content_type.as_str()
        };
        return Err(Failure::Html {
            shown: shown.to_owned(),
            text,
        });
    }
    if bytes.is_empty() {
        return Err(Failure::Body(format!(
            "HTTP {status} with an empty body; expected JSON"
        )));
    }
    serde_json::from_slice(&bytes)
        .map(|v| (status, v, kept))
        .map_err(|e| {
            let offset = byte_offset(&text, e.line(), e.column());
            let what = if e.is_eof() {
                "the body ends early (truncated?)"
            } else {
                "the body is not valid JSON"
            };
            Failure::Body(format!("{what}: {e} (byte {offset} of {})", bytes.len()))
        })
}

/// Reads the body up to [`MAX_BODY_BYTES`], refusing larger ones as soon as
/// the `Content-Length` or the running total says so.
async fn read_capped(resp: reqwest::Response) -> Result<Vec<u8>, Failure> {
    read_bounded(resp, MAX_BODY_BYTES).await
}

/// Reads the body up to `limit` bytes, refusing a larger one as soon as
/// the `Content-Length` or the running total says so.
async fn read_bounded(mut resp: reqwest::Response, limit: usize) -> Result<Vec<u8>, Failure> {
    let too_big = || {
        Failure::Body(if limit >= 1 << 20 {
            format!("the body is over {} MiB; refusing to read it", limit >> 20)
        } else {
            format!(
                "the body is over {} KiB, more than a refusal is read to; probe a smaller \
                 answer (a `limit=1` query)",
                limit >> 10
            )
        })
    };
    if resp.content_length().is_some_and(|n| n > limit as u64) {
        return Err(too_big());
    }
    let mut bytes = Vec::new();
    loop {
        match resp.chunk().await {
            Ok(Some(chunk)) => {
                if bytes.len() + chunk.len() > limit {
                    return Err(too_big());
                }
                bytes.extend_from_slice(&chunk);
            }
            Ok(None) => return Ok(bytes),
            Err(e) if e.is_timeout() => return Err(Failure::Timeout),
            Err(e) => {
                return Err(Failure::Body(format!(
                    "the connection broke after {} bytes of the body (truncated): {}",
                    bytes.len(),
                    error_chain(&e.without_url())
                )));
            }
        }
    }
}

fn classify(e: reqwest::Error) -> Failure {
    let (timeout, connect) = (e.is_timeout(), e.is_connect());
    let text = error_chain(&e.without_url());
    if timeout && !connect {
        Failure::Timeout
    } else if connect {
        Failure::Connect(text)
    } else {
        Failure::Body(text)
    }
}

/// An error and its sources, joined with ": ".
pub(crate) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let s_text = s.to_string();
        if !text.contains(&s_text) {
            text.push_str(": ");
            text.push_str(&s_text);
        }
        source = s.source();
    }
    text
}

/// serde_json reports line and column; a person reading a one-line body
/// wants the byte offset.
fn byte_offset(text: &str, line: usize, column: usize) -> usize {
    let before: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    before + column.saturating_sub(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_shows_no_query_token_no_body_and_no_header_value() {
        let out = Outgoing {
            method: reqwest::Method::POST,
            url: reqwest::Url::parse("https://p.example.com/x?accessToken=xx-canary-token")
                .unwrap(),
            auth: Some(Secret::new("Bearer canary-caller")),
            body: OutBody::Json(
                serde_json::json!({"userName": "u", "password": "canary-password"}),
            ),
            headers: vec![("x-signature".into(), Secret::new("canary-signature"))],
            keep: Vec::new(),
            needs_body: true,
        };
        let form = OutBody::Form(vec![("token".into(), Secret::new("canary-form-token"))]);
        let text = format!("{out:?} {form:?}");
        assert!(!text.contains("canary"), "{text}");
        assert!(
            text.contains("https://p.example.com/x?[REDACTED]"),
            "{text}"
        );
        assert!(
            text.contains("x-signature") && text.contains("\"token\""),
            "{text}"
        );
    }
}
