//! GitHub classic personal access tokens and OAuth tokens.
//!
//! Facts, each cited where the code relies on it:
//! - Every REST answer to such a token carries `X-OAuth-Scopes`, the
//!   token's scopes separated by commas ("repo, user") (docs.github.com,
//!   "Scopes for OAuth apps", section "Checking headers to see what OAuth
//!   scopes you have"); empty for a token with no scope.
//! - A fine-grained personal access token (`github_pat_...`) or a GitHub
//!   App token gets no such header, and no endpoint lists its permissions
//!   to itself (shared/reference/MORE-PROVIDERS.md, "GitHub").
//! - A token GitHub does not accept gets HTTP 401 with
//!   `{"message": "Bad credentials", "documentation_url": ...}` (docs.github.com,
//!   REST "Troubleshooting", "401 Bad credentials").

use super::{Grant, Response, Unread, split_list};

/// `GET /user`: answers any valid token, whatever its scopes (docs,
/// REST "Users", "Get the authenticated user").
pub(crate) const PATH: &str = "/user";

/// The response headers a fixture keeps: the scopes and the expiry.
pub(crate) const SCOPES_HEADER: &str = "x-oauth-scopes";
/// Sent for a token that expires (read by GitHub's own `gh` CLI and by
/// octokit; not in GitHub's REST docs, so it is optional): the time, as
/// `2026-12-01 00:00:00 UTC`.
pub(crate) const EXPIRY_HEADER: &str = "github-authentication-token-expiration";

/// Prefixes GitHub gives its tokens (github.blog, 2021-04-05, "Behind
/// GitHub's new authentication token formats"): personal (`ghp_`), OAuth
/// (`gho_`), user-to-server (`ghu_`), server-to-server (`ghs_`), refresh
/// (`ghr_`), and fine-grained personal tokens (`github_pat_`).
pub(crate) const TOKEN_PREFIXES: &[&str] = &["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"];

pub(super) fn parse(response: &Response<'_>) -> Result<Grant, Unread> {
    // An absent header is not "no scopes": GitHub sends none for tokens
    // that cannot report their permissions (issue 11).
    let Some(scopes) = response.headers.get(SCOPES_HEADER) else {
        return Err(Unread {
            why: "GitHub answered without an `X-OAuth-Scopes` header, as it does for a \
                  fine-grained personal access token (github_pat_...) or a GitHub App token: \
                  such a token does not report its permissions, so nothing here can prove \
                  what it may do"
                .to_owned(),
            fix: Some(
                "use a classic token or an OAuth token with this provider; a fine-grained \
                 token's permissions can only be checked by probing what it can do"
                    .to_owned(),
            ),
        });
    };
    // Empty: a classic token with no scope, or (a gh maintainer says, in
    // cli/cli#6520) a fine-grained or App token. The two cannot be told
    // apart, and reading the second as "no scopes" would pass it through
    // every `forbidden` and `at_most`: no evidence, so an error.
    if scopes.trim().is_empty() {
        return Err(Unread {
            why: "GitHub sent an empty `X-OAuth-Scopes` header: a classic token with no scope \
                  sends one, and so, by GitHub's own CLI maintainers, may a fine-grained or App \
                  token, whose permissions it does not report; the two cannot be told apart"
                .to_owned(),
            fix: Some(
                "give a classic token the scopes it needs (a token with none reads only public \
                 data), or check a fine-grained token by probing what it can do"
                    .to_owned(),
            ),
        });
    }
    let mut notes = Vec::new();
    let expires_at = match response.headers.get(EXPIRY_HEADER) {
        None => None,
        Some(v) => {
            let at = parse_expiry(v).ok_or_else(|| {
                Unread::from(format!(
                    "the `{EXPIRY_HEADER}` header is not a time GitHub writes \
                     (`2026-12-01 00:00:00 UTC`): `{}`",
                    crate::escape::text(v)
                ))
            })?;
            notes.push(format!(
                "expires {}",
                crate::time::format_utc(u64::try_from(at).unwrap_or(0))
            ));
            Some(at)
        }
    };
    let scopes = split_list(scopes)
        .map_err(|why| Unread::from(format!("GitHub's `X-OAuth-Scopes` header: {why}")))?;
    let mut grant = Grant::new(scopes, notes);
    // A 2xx answer to `/user` means GitHub accepted the token.
    grant.active = Some(true);
    grant.expires_at = expires_at;
    Ok(grant)
}

/// `2026-12-01 00:00:00 UTC`, or with a numeric offset (`+0000`, `-07:00`).
fn parse_expiry(v: &str) -> Option<i64> {
    let mut parts = v.split_whitespace();
    let (date, clock, zone) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let offset = match zone {
        "UTC" | "GMT" | "Z" => "Z".to_owned(),
        z if z.len() == 5 && (z.starts_with('+') || z.starts_with('-')) => {
            format!("{}:{}", &z[..3], &z[3..])
        }
        z if z.len() == 6 && (z.starts_with('+') || z.starts_with('-')) => z.to_owned(),
        _ => return None,
    };
    if clock.split(':').count() != 3 {
        return None;
    }
    crate::time::parse_timestamp(&format!("{date}T{clock}{offset}"))
}

/// Whether a refusal is GitHub's own refusal of the token.
pub(super) fn refuses_token(status: u16, body: &serde_json::Value) -> bool {
    status == 401 && body.get("message").and_then(|m| m.as_str()) == Some("Bad credentials")
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};
    use std::collections::BTreeMap;

    fn parse_headers(pairs: &[(&str, &str)]) -> Result<Grant, String> {
        parse_raw(pairs).map_err(|e| e.why)
    }

    fn parse_raw(pairs: &[(&str, &str)]) -> Result<Grant, Unread> {
        let headers: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        parse(&Response {
            body: &Value::Null,
            headers: &headers,
        })
    }

    #[test]
    fn scopes_come_from_the_header_and_an_empty_one_is_no_evidence() {
        let g = parse_headers(&[(SCOPES_HEADER, "repo, read:org, gist")]).unwrap();
        assert_eq!(g.privileges, ["gist", "read:org", "repo"]);
        assert_eq!(g.active, Some(true));
        assert_eq!(g.expires_at, None);
        // Empty is no evidence: a fine-grained token may send it so.
        assert!(parse_headers(&[(SCOPES_HEADER, "")]).is_err());
        assert!(parse_headers(&[(SCOPES_HEADER, " ")]).is_err());
    }

    #[test]
    fn no_header_is_never_an_empty_grant() {
        let Err(e) = parse_raw(&[]) else {
            panic!("no header read as a grant")
        };
        assert!(e.why.contains("fine-grained"), "{}", e.why);
        assert!(e.fix.is_some());
    }

    #[test]
    fn expiry_header_in_each_written_form() {
        let utc = parse_headers(&[
            (SCOPES_HEADER, "repo"),
            (EXPIRY_HEADER, "2026-12-01 00:00:00 UTC"),
        ])
        .unwrap();
        assert_eq!(
            utc.expires_at,
            crate::time::parse_timestamp("2026-12-01T00:00:00Z")
        );
        assert_eq!(
            parse_expiry("2026-12-01 00:00:00 -0700"),
            crate::time::parse_timestamp("2026-12-01T07:00:00Z")
        );
        for bad in [
            "2026-12-01",
            "soon",
            "2026-12-01 00:00 UTC",
            "2026-12-01 00:00:00 PST",
        ] {
            assert_eq!(parse_expiry(bad), None, "{bad}");
        }
        let e = parse_headers(&[(SCOPES_HEADER, "repo"), (EXPIRY_HEADER, "tomorrow")]);
        assert!(e.is_err());
    }

    #[test]
    fn only_bad_credentials_is_a_refusal_of_the_token() {
        let bad = json!({"message": "Bad credentials", "documentation_url": "https://docs.github.com/rest"});
        assert!(refuses_token(401, &bad));
        assert!(!refuses_token(403, &bad));
        assert!(!refuses_token(
            401,
            &json!({"message": "Requires authentication"})
        ));
        assert!(!refuses_token(401, &Value::Null));
    }

    /// `github-authentication-token-expiration`: UTC, or an offset of
    /// five (`+0000`) or six (`-07:00`) characters; anything else is none.
    #[test]
    fn expiry_zones() {
        let utc = parse_expiry("2026-12-01 00:00:00 UTC");
        assert!(utc.is_some());
        assert_eq!(parse_expiry("2026-12-01 00:00:00 +0000"), utc);
        assert_eq!(parse_expiry("2026-12-01 02:00:00 +02:00"), utc);
        assert_eq!(parse_expiry("2026-11-30 17:00:00 -0700"), utc);
        assert_eq!(parse_expiry("2026-11-30 17:00:00 -07:00"), utc);
        for bad in [
            "2026-12-01 00:00:00 0000",
            "2026-12-01 00:00:00 *0000",
            "2026-12-01 00:00:00 *02:00",
            "2026-12-01 00:00:00 +000",
            "2026-12-01 00:00:00 +02:000",
            "2026-12-01 00:00 UTC",
        ] {
            assert_eq!(parse_expiry(bad), None, "{bad}");
        }
    }
}
