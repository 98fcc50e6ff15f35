//! Sending a probe: every status is an answer the caller judges; a
//! success body is read only as far as telling an HTML page (or, where the
//! API refuses inside a 2xx, to a bound), and never kept.

use super::*;

/// A probe's answer: its status, the headers it keeps, and for a refusal
/// its text; a success body is never kept (its first bytes only tell an
/// HTML page). No `Debug`: the text is the server's, unscrubbed.
#[derive(Clone)]
pub(crate) struct ProbeAnswer {
    pub status: u16,
    /// The answer is an HTML page (a sign-in page, a firewall's), not the
    /// API's.
    pub html: bool,
    /// A refusal's text; for a success, empty, unless the API refuses
    /// inside a 2xx answer (Slack), when it is the body, to a bound.
    pub text: String,
    pub headers: std::collections::BTreeMap<String, String>,
    pub retries: u32,
}

/// Sends a probe. Every status is an answer (the caller judges it); a
/// connection error or 429/502/503/504 is retried like any request, but
/// only when `retry` (a safe method): an unsafe probe is sent once.
pub(crate) async fn send_probe(
    client: &reqwest::Client,
    out: &Outgoing,
    settings: &Settings,
    retry: bool,
) -> Result<ProbeAnswer, FetchError> {
    let (result, attempts) = retrying(
        settings,
        retry,
        || probe_once(client, out),
        |result| match result {
            Err(Failure::Connect(_)) => Some(None),
            Ok((answer, retry_after)) if retryable_status(answer.status) => Some(*retry_after),
            _ => None,
        },
    )
    .await;
    result
        .map(|(mut answer, _)| {
            answer.retries = attempts;
            answer
        })
        .map_err(|failure| FetchError {
            failure,
            retries: attempts,
        })
}

/// The first bytes of a success that tell an HTML page.
const SNIFF_BYTES: usize = 512;

async fn probe_once(
    client: &reqwest::Client,
    out: &Outgoing,
) -> Result<(ProbeAnswer, Option<Duration>), Failure> {
    let mut resp = build(client, out)?.send().await.map_err(classify)?;
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    if resp.status().is_redirection() {
        let location = headers
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("(no Location header)")
            .to_owned();
        return Err(Failure::Redirect { status, location });
    }
    let html_type = headers
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|t| t.to_ascii_lowercase().contains("html"));
    let mut kept = std::collections::BTreeMap::new();
    for name in &out.keep {
        let values: Vec<&str> = headers
            .get_all(name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::trim)
            .collect();
        if !values.is_empty() {
            kept.insert(name.clone(), values.join(", "));
        }
    }
    let retry_after = headers
        .get(RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| parse_retry_after(v, SystemTime::now()));
    let (html, text) = if (200..300).contains(&status) && out.needs_body {
        // An API that refuses inside a 2xx answer (Slack): the body is read
        // to a bound, for the refusal; only its reason is ever kept.
        let bytes = read_bounded(resp, crate::provider::probe::REFUSAL_BODY_BYTES).await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let start = text.trim_start().to_ascii_lowercase();
        let html = html_type || start.starts_with("<!doctype html") || start.starts_with("<html");
        (html, text)
    } else if (200..300).contains(&status) {
        // Only enough of a success to tell an HTML page; the rest is
        // never read, and none of it is kept.
        let mut first = Vec::new();
        while first.len() < SNIFF_BYTES {
            match resp.chunk().await {
                Ok(Some(chunk)) => first.extend_from_slice(&chunk),
                Ok(None) => break,
                Err(e) if e.is_timeout() => return Err(Failure::Timeout),
                Err(e) => return Err(Failure::Body(error_chain(&e.without_url()))),
            }
        }
        let start = String::from_utf8_lossy(&first[..first.len().min(SNIFF_BYTES)])
            .trim_start()
            .to_ascii_lowercase();
        let html = html_type || start.starts_with("<!doctype html") || start.starts_with("<html");
        (html, String::new())
    } else {
        let bytes = read_capped(resp).await?;
        let text = String::from_utf8_lossy(&bytes).into_owned();
        (html_type || text.trim_start().starts_with('<'), text)
    };
    Ok((
        ProbeAnswer {
            status,
            html,
            text,
            headers: kept,
            retries: 0,
        },
        retry_after,
    ))
}
