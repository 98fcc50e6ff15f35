//! A failed exchange in a person's words: the cause, scrubbed then cut
//! short, and the fix; a refusal's body kept as a revocation is judged on.

use super::*;

impl FetchError {
    /// The failure in a person's words. `explain` gives the provider's
    /// meaning of a non-2xx status; every text is scrubbed by `scrubber`.
    pub(crate) fn into_case_error(
        self,
        explain: impl Fn(u16, &str) -> String,
        scrubber: &Scrubber,
    ) -> CaseError {
        let after = match self.retries {
            0 => String::new(),
            1 => " (after 1 retry)".to_owned(),
            n => format!(" (after {n} retries)"),
        };
        let refusal = match &self.failure {
            Failure::Status { status, body, .. } => Some(Refusal {
                status: *status,
                body: std::sync::Arc::new(refusal_body(body, scrubber)),
            }),
            _ => None,
        };
        let (cause, fix) = match self.failure {
            // rustls says "invalid peer certificate" when no trusted CA
            // signed the server's certificate.
            Failure::Connect(why) if why.contains("certificate") => (
                format!("cannot connect: {why}"),
                "the server's certificate is not trusted: for a private CA, name its PEM file \
                 in the spec's `ca_file`",
            ),
            Failure::Connect(why) => (
                format!("cannot connect: {why}"),
                "check `base_url` and that the API is reachable from here",
            ),
            Failure::Timeout => (
                "the API did not answer in time".to_owned(),
                "raise the limit with PERMSPEC_TIMEOUT=SECONDS, or check the API's health",
            ),
            Failure::Status {
                status,
                html: true,
                body,
                ..
            } => (
                // A firewall's or a proxy's page says nothing of the API's
                // rules: it is never "a scope is missing" (issue 10, item 19).
                // Scrubbed before it is cut short: a cut secret matches no
                // form.
                format!(
                    "HTTP {status}: the answer is an HTML page, not the API's (a proxy or a \
                     firewall in front of it?): {}",
                    html_summary(&scrubber.scrub(&body))
                ),
                "check `base_url`, and whether a proxy or firewall blocks this machine",
            ),
            Failure::Status {
                status,
                body,
                request_id,
                ..
            } => {
                let hint = match status {
                    // Another service's refusal reads the same as the
                    // API's: the address is a cause as likely as the key.
                    401 | 403 => {
                        "check the credential, or that it is the one the spec names; and that \
                         `base_url` is the API's own address (another service, or a proxy, \
                         refuses a credential it does not know the same way)"
                    }
                    429 | 502..=504 => "the API is overloaded or down; try again later",
                    _ => "check `base_url` and the API's health",
                };
                // The explanation quotes the server: scrubbed, then escaped
                // to one line, so a message cannot start lines of its own
                // in a report.
                let mut text = format!(
                    "HTTP {status}: {}",
                    crate::escape::text(&scrubber.scrub(&explain(status, &body)))
                );
                if let Some(id) = request_id.filter(|id| !text.contains(id.as_str())) {
                    text.push_str(&format!(", request id {}", crate::escape::text(&id)));
                }
                (text, hint)
            }
            Failure::Redirect { status, location } => (
                format!(
                    "the API answered {status}, a redirect to {location}; a credential never follows a redirect"
                ),
                "set `base_url` to the address the API really serves",
            ),
            Failure::Body(why) => (why, "check `base_url`: this is not the API's answer"),
            Failure::Html { shown, text } => (
                format!(
                    "expected JSON, got {shown}: a proxy or firewall page? It begins: {}",
                    first_line(&scrubber.scrub(&text))
                ),
                "check `base_url`: this is not the API's answer",
            ),
            Failure::Credential(why) => (
                why,
                "check the credential's value: one line of printable characters, with no line break",
            ),
        };
        let mut error = CaseError::new(
            // Scrubbed, then escaped: a secret with a control character
            // is found as it is, before it becomes `\u{..}`.
            crate::escape::lines(&scrubber.scrub(&format!("{cause}{after}"))),
            Fix::Hint(fix.to_owned()),
        );
        error.refusal = refusal;
        error
    }
}

/// A refusal's body as a revocation is judged on it, and stored: scrubbed,
/// then read as JSON; `Null` when empty; otherwise the start of its text.
fn refusal_body(body: &str, scrubber: &Scrubber) -> Value {
    if body.trim().is_empty() {
        return Value::Null;
    }
    let scrubbed = scrubber.scrub(body);
    serde_json::from_str(&scrubbed)
        .unwrap_or_else(|_| Value::String(scrubbed.chars().take(200).collect()))
}

/// An HTML page in a few words: its title, else its first line of text.
fn html_summary(body: &str) -> String {
    let lower = body.to_ascii_lowercase();
    let title = lower.find("<title>").and_then(|start| {
        let from = start + "<title>".len();
        let end = lower[from..].find("</title>")? + from;
        body.get(from..end).map(str::trim)
    });
    match title.filter(|t| !t.is_empty()) {
        Some(t) => format!("\"{}\"", first_line(t)),
        None => format!("it begins: {}", first_line(body)),
    }
}

fn first_line(text: &str) -> String {
    let line = text.trim().lines().next().unwrap_or("").trim();
    if line.is_empty() {
        return "(empty body)".to_owned();
    }
    let mut shown: String = line.chars().take(120).collect();
    if shown.len() < line.len() {
        shown.push('…');
    }
    shown
}
