//! The GitHub, GitLab, Slack and Google providers, live, recorded and
//! replayed, against loopback fakes that answer as the real APIs do: the
//! same paths, status codes, headers and bodies, refusals included.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use support::cases::*;
use support::{TempDir, outcome};

/// Loopback fakes of the four vendors' token endpoints. Each has a token
/// table and `start()`, like `support::coveo::Platform`. With `echo`, the
/// fake writes the token it received into every field it can (body
/// strings, headers permspec does not keep, refusal texts), as a canary.
mod fakes {
    use super::support::server::{Hit, Reply, Server};
    use serde_json::{Value, json};
    use std::collections::HashMap;

    /// The bearer credential of a request, if any.
    fn bearer(hit: &Hit) -> Option<String> {
        hit.header("authorization")
            .and_then(|h| {
                h.strip_prefix("Bearer ")
                    .or_else(|| h.strip_prefix("token "))
            })
            .map(str::to_owned)
    }

    /// Percent-decodes a query value (`+` is a space, as in forms).
    fn decode(s: &str) -> String {
        let bytes = s.as_bytes();
        let mut out = Vec::with_capacity(bytes.len());
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'%' if i + 2 < bytes.len() => {
                    let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("");
                    match u8::from_str_radix(hex, 16) {
                        Ok(b) => {
                            out.push(b);
                            i += 3;
                            continue;
                        }
                        Err(_) => out.push(b'%'),
                    }
                }
                b'+' => out.push(b' '),
                b => out.push(b),
            }
            i += 1;
        }
        String::from_utf8_lossy(&out).into_owned()
    }

    /// The decoded value of query parameter `name`.
    pub fn query_param(hit: &Hit, name: &str) -> Option<String> {
        let query = hit.target.split_once('?').map(|(_, q)| q)?;
        query.split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
            (decode(k) == name).then(|| decode(v))
        })
    }

    // ---------------------------------------------------------------- GitHub

    #[derive(Clone, Debug)]
    pub enum GitHubToken {
        /// A classic personal access token or OAuth token: `X-OAuth-Scopes`
        /// holds `scopes` as written ("repo, read:org"; "" for none), and
        /// `github-authentication-token-expiration` the expiry, if any.
        Classic {
            scopes: String,
            expires: Option<String>,
        },
        /// A fine-grained personal access token: no `X-OAuth-Scopes`.
        FineGrained { expires: Option<String> },
    }

    /// `GET /user` of api.github.com.
    #[derive(Clone, Debug, Default)]
    pub struct GitHub {
        pub tokens: HashMap<String, GitHubToken>,
        /// A proxy in front of the API drops `Authorization`: every request
        /// reaches GitHub without a credential.
        pub drops_authorization: bool,
        pub echo: bool,
    }

    impl GitHub {
        pub fn with(mut self, token: &str, kind: GitHubToken) -> GitHub {
            self.tokens.insert(token.to_owned(), kind);
            self
        }

        pub fn classic(self, token: &str, scopes: &str, expires: Option<&str>) -> GitHub {
            self.with(
                token,
                GitHubToken::Classic {
                    scopes: scopes.to_owned(),
                    expires: expires.map(str::to_owned),
                },
            )
        }

        pub fn start(self) -> Server {
            Server::start(move |hit| self.answer(hit))
        }

        fn error(status: u16, message: &str, docs: &str) -> Reply {
            Reply::json(
                status,
                json!({"message": message, "documentation_url": docs, "status": status.to_string()})
                    .to_string(),
            )
            .with_header("X-GitHub-Media-Type", "github.v3; format=json")
        }

        pub fn answer(&self, hit: &Hit) -> Reply {
            if hit.path() != "/user" || hit.method != "GET" {
                return GitHub::error(404, "Not Found", "https://docs.github.com/rest");
            }
            let token = if self.drops_authorization {
                None
            } else {
                bearer(hit)
            };
            let Some(token) = token else {
                return GitHub::error(
                    401,
                    "Requires authentication",
                    "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                );
            };
            let Some(kind) = self.tokens.get(&token) else {
                let docs = if self.echo {
                    format!("https://docs.github.com/rest?token={token}")
                } else {
                    "https://docs.github.com/rest".to_owned()
                };
                return GitHub::error(401, "Bad credentials", &docs);
            };
            let said = |s: &str| {
                if self.echo {
                    token.clone()
                } else {
                    s.to_owned()
                }
            };
            let body = json!({
                "login": said("octocat"), "id": 1, "node_id": "MDQ6VXNlcjE=",
                "avatar_url": "https://github.com/images/error/octocat_happy.gif",
                "url": "https://api.github.com/users/octocat", "type": "User",
                "site_admin": false, "name": said("monalisa octocat"), "company": said("GitHub"),
                "blog": "https://github.com/blog", "location": "San Francisco",
                "email": said("octocat@github.com"), "bio": said("There once was..."),
                "public_repos": 2, "followers": 20, "following": 0,
                "created_at": "2008-01-14T04:33:35Z", "updated_at": "2008-01-14T04:33:35Z"
            });
            let mut reply = Reply::json(200, body.to_string())
                .with_header("X-GitHub-Media-Type", "github.v3; format=json")
                .with_header("X-Accepted-OAuth-Scopes", "")
                .with_header("X-RateLimit-Limit", "5000")
                .with_header("X-RateLimit-Remaining", "4999")
                .with_header("X-GitHub-Request-Id", &said("CAFE:1234:5678:9ABC:6571F00D"));
            if self.echo {
                reply = reply.with_header("Set-Cookie", &format!("_gh_sess={token}"));
            }
            match kind {
                GitHubToken::Classic { scopes, expires } => {
                    reply = reply.with_header("X-OAuth-Scopes", scopes);
                    if let Some(at) = expires {
                        reply = reply.with_header("GitHub-Authentication-Token-Expiration", at);
                    }
                }
                GitHubToken::FineGrained { expires } => {
                    if let Some(at) = expires {
                        reply = reply.with_header("GitHub-Authentication-Token-Expiration", at);
                    }
                }
            }
            reply
        }
    }

    // ---------------------------------------------------------------- GitLab

    #[derive(Clone, Debug)]
    pub enum GitLabToken {
        /// The token's own record, as `personal_access_tokens/self` answers.
        Live(Value),
        Revoked,
        Expired,
    }

    /// The record GitLab answers for a live token with `scopes`.
    pub fn gitlab_record(scopes: &[&str], expires_at: Option<&str>) -> Value {
        json!({
            "id": 42, "name": "ci-reader", "revoked": false,
            "created_at": "2026-01-01T00:00:00.000Z", "description": "",
            "scopes": scopes, "user_id": 7, "last_used_at": null, "active": true,
            "expires_at": expires_at
        })
    }

    /// `GET /api/v4/personal_access_tokens/self` of a GitLab instance.
    #[derive(Clone, Debug, Default)]
    pub struct GitLab {
        pub tokens: HashMap<String, GitLabToken>,
        pub echo: bool,
    }

    impl GitLab {
        pub fn with(mut self, token: &str, kind: GitLabToken) -> GitLab {
            self.tokens.insert(token.to_owned(), kind);
            self
        }

        pub fn live(self, token: &str, scopes: &[&str]) -> GitLab {
            self.with(
                token,
                GitLabToken::Live(gitlab_record(scopes, Some("2027-01-31"))),
            )
        }

        pub fn start(self) -> Server {
            Server::start(move |hit| self.answer(hit))
        }

        pub fn answer(&self, hit: &Hit) -> Reply {
            if hit.path() != "/api/v4/personal_access_tokens/self" || hit.method != "GET" {
                return Reply::json(404, r#"{"message":"404 Not Found"}"#);
            }
            let token = bearer(hit).or_else(|| hit.header("private-token").map(str::to_owned));
            let unauthorized = || {
                let message = match (&token, self.echo) {
                    (Some(t), true) => format!("401 Unauthorized: {t}"),
                    _ => "401 Unauthorized".to_owned(),
                };
                Reply::json(401, json!({ "message": message }).to_string())
            };
            let Some(kind) = token.as_ref().and_then(|t| self.tokens.get(t)) else {
                return unauthorized();
            };
            let token = token.clone().unwrap_or_default();
            let invalid = |description: &str| {
                let description = if self.echo {
                    format!("{description} ({token})")
                } else {
                    description.to_owned()
                };
                Reply::json(
                    401,
                    json!({"error": "invalid_token", "error_description": description}).to_string(),
                )
                .with_header(
                    "WWW-Authenticate",
                    "Bearer realm=\"Protected by OAuth 2.0\", error=\"invalid_token\"",
                )
            };
            match kind {
                GitLabToken::Revoked => {
                    invalid("Token was revoked. You have to re-authorize from the user.")
                }
                GitLabToken::Expired => invalid(
                    "Token is expired. You can either do re-authorization or token refresh.",
                ),
                GitLabToken::Live(record) => {
                    let mut record = record.clone();
                    if self.echo {
                        for key in ["name", "description", "last_used_at"] {
                            if record.get(key).is_some() {
                                record[key] = Value::String(token.clone());
                            }
                        }
                    }
                    let mut reply = Reply::json(200, record.to_string())
                        .with_header("X-Request-Id", "01JD0000000000000000000000")
                        .with_header("RateLimit-Remaining", "1999");
                    if self.echo {
                        reply = reply.with_header("X-Gitlab-Meta", &token);
                    }
                    reply
                }
            }
        }
    }

    // ----------------------------------------------------------------- Slack

    #[derive(Clone, Debug)]
    pub enum SlackToken {
        /// `ok: true`, with `x-oauth-scopes` as written ("a,b"), or none.
        Live(Option<String>),
        /// `ok: false` with this error.
        Error(String),
    }

    /// `POST /api/auth.test` of slack.com (`base_url` is `.../api`).
    #[derive(Clone, Debug, Default)]
    pub struct Slack {
        pub tokens: HashMap<String, SlackToken>,
        /// A proxy in front of the API drops `Authorization`.
        pub drops_authorization: bool,
        pub echo: bool,
    }

    impl Slack {
        pub fn with(mut self, token: &str, kind: SlackToken) -> Slack {
            self.tokens.insert(token.to_owned(), kind);
            self
        }

        pub fn live(self, token: &str, scopes: &str) -> Slack {
            self.with(token, SlackToken::Live(Some(scopes.to_owned())))
        }

        pub fn error(self, token: &str, error: &str) -> Slack {
            self.with(token, SlackToken::Error(error.to_owned()))
        }

        pub fn start(self) -> Server {
            Server::start(move |hit| self.answer(hit))
        }

        fn not_ok(error: &str) -> Reply {
            // Slack answers its errors with HTTP 200.
            Reply::json(200, json!({"ok": false, "error": error}).to_string())
                .with_header("x-slack-req-id", "5b1b7a1e0c0d2f6e")
        }

        pub fn answer(&self, hit: &Hit) -> Reply {
            if hit.path() != "/api/auth.test" {
                return Reply::json(
                    404,
                    json!({"ok": false, "error": "unknown_method", "req_method": hit.path()})
                        .to_string(),
                );
            }
            let token = if self.drops_authorization {
                None
            } else {
                bearer(hit)
            };
            let Some(token) = token else {
                return Slack::not_ok("not_authed");
            };
            let said = |s: &str| {
                if self.echo {
                    token.clone()
                } else {
                    s.to_owned()
                }
            };
            match self.tokens.get(&token) {
                None => Slack::not_ok("invalid_auth"),
                Some(SlackToken::Error(e)) => {
                    if self.echo {
                        Reply::json(
                            200,
                            json!({"ok": false, "error": e, "warning": token,
                                   "response_metadata": {"messages": [token]}})
                            .to_string(),
                        )
                    } else {
                        Slack::not_ok(e)
                    }
                }
                Some(SlackToken::Live(scopes)) => {
                    let body = json!({
                        "ok": true, "url": said("https://acme.slack.com/"), "team": said("Acme"),
                        "user": said("deploy-bot"), "team_id": "T1", "user_id": "U1",
                        "bot_id": said("B1")
                    });
                    let mut reply = Reply::json(200, body.to_string())
                        .with_header("x-slack-req-id", &said("5b1b7a1e0c0d2f6e"))
                        .with_header("x-accepted-oauth-scopes", "");
                    if let Some(s) = scopes {
                        reply = reply.with_header("x-oauth-scopes", s);
                    }
                    reply
                }
            }
        }
    }

    // ---------------------------------------------------------------- Google

    #[derive(Clone, Debug)]
    pub struct GoogleToken {
        /// Space-separated, as tokeninfo writes it.
        pub scope: String,
        /// Seconds since the epoch.
        pub exp: i64,
    }

    /// `GET /tokeninfo?access_token=...` of oauth2.googleapis.com.
    #[derive(Clone, Debug, Default)]
    pub struct Google {
        pub tokens: HashMap<String, GoogleToken>,
        /// Now, for `expires_in`.
        pub now: i64,
        pub echo: bool,
    }

    impl Google {
        pub fn new(now: i64) -> Google {
            Google {
                now,
                ..Google::default()
            }
        }

        pub fn with(mut self, token: &str, scope: &str, exp: i64) -> Google {
            self.tokens.insert(
                token.to_owned(),
                GoogleToken {
                    scope: scope.to_owned(),
                    exp,
                },
            );
            self
        }

        pub fn start(self) -> Server {
            Server::start(move |hit| self.answer(hit))
        }

        pub fn answer(&self, hit: &Hit) -> Reply {
            if hit.path() != "/tokeninfo" {
                return Reply::json(404, r#"{"error":"not_found"}"#);
            }
            let token = query_param(hit, "access_token");
            let Some(info) = token.as_ref().and_then(|t| self.tokens.get(t)) else {
                let description = match (&token, self.echo) {
                    // The token as decoded, and the query as sent.
                    (Some(t), true) => format!("Invalid Value: {t} ({})", hit.target),
                    _ => "Invalid Value".to_owned(),
                };
                return Reply::json(
                    400,
                    json!({"error": "invalid_token", "error_description": description}).to_string(),
                );
            };
            let token = token.clone().unwrap_or_default();
            let client = if self.echo {
                token.clone()
            } else {
                "1234.apps.googleusercontent.com".to_owned()
            };
            let mut body = json!({
                "azp": client, "aud": client, "scope": info.scope,
                "exp": info.exp.to_string(),
                "expires_in": (info.exp - self.now).max(0).to_string(),
                "access_type": "online"
            });
            if self.echo {
                body["email"] = Value::String(hit.target.clone());
            }
            let mut reply = Reply::json(200, body.to_string()).with_header(
                "Cache-Control",
                "no-cache, no-store, max-age=0, must-revalidate",
            );
            if self.echo {
                reply = reply.with_header("X-Goog-Token", &token);
            }
            reply
        }
    }
}

use fakes::{GitHub, GitHubToken, GitLab, GitLabToken, Google, Slack, SlackToken};

// ------------------------------------------------------------------ GitHub

const GH_REPO: &str = "ghp_u8jzPde0IgxLd6GncfBAepfJBd0Kh8oOOL8d";
const GH_ADMIN: &str = "ghp_KLzdocJ2isAjIhKtJ0RlgLKOmxgJTeKdNnFR";
const GH_REVOKED: &str = "ghp_IBXuDL7DxtpYlSXpfKtHF4vUCsMehGAkWvj7";
const GH_FINE: &str =
    "github_pat_11VdD53X83R0_ZJzzzzgEOzdmenCkhvMdgaKjIg8xNbe3nNyjOq9wMxEhh2FDEEtfjgVvVqE";

#[test]
fn github_classic_token_is_judged_by_its_scopes_header_and_replays() {
    let server = GitHub::default()
        .classic(GH_REPO, "repo, read:org", Some("2026-12-01 00:00:00 UTC"))
        .start();
    let dir = TempDir::new("gh-classic");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[(
                "release-bot",
                "GH_TOKEN",
                "{ at_most: [repo, \"read:org\"], forbidden: [\"admin:org\", delete_repo], expires_within: 90d }",
            )],
        ),
    );
    let out = check(
        &dir,
        "record",
        &[("GH_TOKEN", GH_REPO), ("PERMSPEC_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_passes(&out, "github::release-bot");

    let hit = only_hit(&server);
    assert_eq!(hit.method, "GET");
    assert_eq!(hit.target, "/user", "no query string");
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {GH_REPO}").as_str())
    );
    assert_eq!(hit.header("x-github-api-version"), Some("2022-11-28"));
    assert_eq!(hit.body, "");

    let text = read(&dir, "fixtures/github/release-bot.json");
    assert!(!text.contains(GH_REPO), "{text}");
    assert!(
        !text.contains("octocat") && !text.to_lowercase().contains("ratelimit"),
        "only the two headers are kept, and no body: {text}"
    );
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(f["provider"], "github");
    assert_eq!(f["request"]["method"], "GET");
    assert_eq!(f["request"]["url"], format!("{}/user", server.url()));
    assert_eq!(f["response"]["status"], 200);
    assert_eq!(
        f["response"]["headers"],
        json!({
            "x-oauth-scopes": "repo, read:org",
            "github-authentication-token-expiration": "2026-12-01 00:00:00 UTC"
        })
    );
    assert_eq!(f["response"]["body"], Value::Null);
    assert_eq!(
        f["request"]["headers"],
        json!({"x-github-api-version": "2022-11-28"})
    );

    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "github::release-bot");
    assert_eq!(server.hits().len(), 1, "replay asks nothing");
}

#[test]
fn github_expiry_beyond_expires_within_fails_and_a_token_without_expiry_fails_too() {
    let server = GitHub::default()
        .classic(GH_REPO, "repo", Some("2027-06-01 00:00:00 UTC"))
        .classic(GH_ADMIN, "repo", None)
        .start();
    let dir = TempDir::new("gh-expiry");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[
                (
                    "late",
                    "GH_LATE",
                    "{ at_most: [repo], expires_within: 90d }",
                ),
                (
                    "never",
                    "GH_NEVER",
                    "{ at_most: [repo], expires_within: 90d }",
                ),
            ],
        ),
    );
    let out = check(
        &dir,
        "live",
        &[
            ("GH_LATE", GH_REPO),
            ("GH_NEVER", GH_ADMIN),
            ("PERMSPEC_NOW", NOW),
        ],
    );
    assert_fails(&out, "github::late", &["2027-06-01"]);
    assert_fails(&out, "github::never", &["never expires"]);
}

#[test]
fn github_an_empty_scopes_header_is_no_evidence() {
    // GitHub sends `X-OAuth-Scopes:` with an empty value for a classic
    // token with no scope, and, a gh maintainer says, for a fine-grained
    // one: read as "no scopes", a fine-grained admin token would pass
    // every `forbidden` and `at_most`. It fails, and nothing is recorded.
    let server = GitHub::default().classic(GH_REPO, "", None).start();
    let dir = TempDir::new("gh-no-scope");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("empty", "GH_TOKEN", "{ forbidden: [\"admin:org\"] }")],
        ),
    );
    let out = check(&dir, "record", &[("GH_TOKEN", GH_REPO)]);
    assert_fails(
        &out,
        "github::empty",
        &["empty `X-OAuth-Scopes`", "fine-grained"],
    );
    assert!(!dir.path().join("fixtures/github/empty.json").exists());
}

#[test]
fn github_admin_org_overlaps_forbidden_read_org() {
    let server = GitHub::default()
        .classic(GH_ADMIN, "admin:org", None)
        .start();
    let dir = TempDir::new("gh-admin-org");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("org-bot", "GH_TOKEN", "{ forbidden: [\"read:org\"] }")],
        ),
    );
    let out = check(&dir, "live", &[("GH_TOKEN", GH_ADMIN)]);
    assert_fails(&out, "github::org-bot", &["admin:org", "read:org"]);
    let text = failure_of(&out, "github::org-bot");
    assert!(text.contains("forbidden"), "{text}");
    assert!(!text.contains(GH_ADMIN));
}

#[test]
fn github_a_misspelt_scope_is_a_spec_error_with_a_suggestion() {
    let server = GitHub::default().classic(GH_REPO, "repo", None).start();
    let dir = TempDir::new("gh-typo");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[
                ("ci", "GH_TOKEN", "{ forbidden: [worflow] }"),
                ("fine", "GH_TOKEN", "{ forbidden: [workflow] }"),
            ],
        ),
    );
    let out = check(&dir, "live", &[("GH_TOKEN", GH_REPO)]);
    assert_fails(
        &out,
        "github::ci",
        &["`worflow`", "did you mean `workflow`"],
    );
    assert_passes(&out, "github::fine");
    assert_eq!(
        server.hits().len(),
        1,
        "only the well-written case asks the API"
    );
}

#[test]
fn github_fine_grained_token_fails_and_records_nothing() {
    let server = GitHub::default()
        .with(
            GH_FINE,
            GitHubToken::FineGrained {
                expires: Some("2026-12-01 00:00:00 UTC".into()),
            },
        )
        .start();
    let dir = TempDir::new("gh-fine");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("fine", "GH_TOKEN", "{ at_most: [repo] }")],
        ),
    );
    let out = check(&dir, "record", &[("GH_TOKEN", GH_FINE)]);
    assert_fails(&out, "github::fine", &["fine-grained"]);
    assert_eq!(server.hits().len(), 1);
    assert!(
        !dir.path().join("fixtures/github/fine.json").exists(),
        "nothing recorded"
    );
    assert!(!out.stdout.contains(GH_FINE) && !out.stderr.contains(GH_FINE));
}

#[test]
fn github_bad_credentials_for_a_github_token_passes_active_false_and_replays() {
    let server = GitHub::default().classic(GH_REPO, "repo", None).start();
    let dir = TempDir::new("gh-revoked");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("leaked", "GH_LEAKED", "{ active: false }")],
        ),
    );
    let out = check(&dir, "record", &[("GH_LEAKED", GH_REVOKED)]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_passes(&out, "github::leaked");
    let hit = only_hit(&server);
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {GH_REVOKED}").as_str())
    );
    let text = read(&dir, "fixtures/github/leaked.json");
    assert!(!text.contains(GH_REVOKED), "{text}");
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(f["response"]["status"], 401);
    assert_eq!(f["response"]["body"]["message"], "Bad credentials");

    let replay = check(&dir, "replay", &[]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "github::leaked");

    // The same token, still live, fails `active: false`.
    let server = GitHub::default().classic(GH_REVOKED, "repo", None).start();
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("leaked", "GH_LEAKED", "{ active: false }")],
        ),
    );
    let out = check(&dir, "live", &[("GH_LEAKED", GH_REVOKED)]);
    assert_fails(&out, "github::leaked", &["still works"]);
}

#[test]
fn github_requires_authentication_proves_no_revocation() {
    // A proxy strips `Authorization`: GitHub answers 401, but not to the token.
    let server = GitHub {
        drops_authorization: true,
        ..GitHub::default()
    }
    .start();
    let dir = TempDir::new("gh-requires-auth");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("leaked", "GH_LEAKED", "{ active: false }")],
        ),
    );
    let out = check(&dir, "record", &[("GH_LEAKED", GH_REVOKED)]);
    assert_fails(
        &out,
        "github::leaked",
        &["HTTP 401", "Requires authentication", "proves nothing"],
    );
    assert_eq!(server.hits().len(), 1);
    assert!(
        !dir.path().join("fixtures/github/leaked.json").exists(),
        "nothing recorded"
    );
}

#[test]
fn github_bad_credentials_for_a_credential_that_is_no_github_token_proves_nothing() {
    let server = GitHub::default().start();
    let dir = TempDir::new("gh-not-a-token");
    dir.write(
        "specs/github.yaml",
        &spec(
            "github",
            &server.url(),
            "",
            &[("leaked", "GH_LEAKED", "{ active: false }")],
        ),
    );
    let not_github = "sk-0123456789abcdef0123456789abcdef";
    let out = check(&dir, "record", &[("GH_LEAKED", not_github)]);
    assert_fails(
        &out,
        "github::leaked",
        &["Bad credentials", "is not a GitHub token"],
    );
    assert_eq!(server.hits().len(), 1, "the request was made");
    assert!(!dir.path().join("fixtures/github/leaked.json").exists());
    // A prefix alone is not a token's shape either.
    let out = check(&dir, "live", &[("GH_LEAKED", "ghp_")]);
    assert_fails(&out, "github::leaked", &["is not a GitHub token"]);
}

// ------------------------------------------------------------------ GitLab

const GL_READ: &str = "glpat-1SkHbn88HxjSI6bWHtP3";
const GL_API: &str = "glpat-fS2qHx6kwXoIIXGvOoNZ";
const GL_WRITE: &str = "glpat-YW2mZp0zVZomHFwUbbYr";
const GL_REVOKED: &str = "glpat-EqmSM9wCZ7Uw9xfogoEm";
const GL_EXPIRED: &str = "glpat-vnEN5N1aE6PwZPf1Qh6y";

fn gitlab() -> GitLab {
    GitLab::default()
        .live(GL_READ, &["read_api", "read_repository"])
        .live(GL_API, &["api"])
        .live(GL_WRITE, &["write_repository"])
        .with(GL_REVOKED, GitLabToken::Revoked)
        .with(GL_EXPIRED, GitLabToken::Expired)
}

#[test]
fn gitlab_token_record_and_replay_exactly() {
    let server = gitlab().start();
    let dir = TempDir::new("gl-exactly");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[(
                "ci-reader",
                "GL_TOKEN",
                "{ exactly: [read_api, read_repository] }",
            )],
        ),
    );
    let out = check(&dir, "record", &[("GL_TOKEN", GL_READ)]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_passes(&out, "gitlab::ci-reader");
    let hit = only_hit(&server);
    assert_eq!(hit.method, "GET");
    assert_eq!(hit.target, "/api/v4/personal_access_tokens/self");
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {GL_READ}").as_str())
    );
    let text = read(&dir, "fixtures/gitlab/ci-reader.json");
    assert!(!text.contains(GL_READ), "{text}");
    assert!(
        !text.contains("X-Request-Id") && !text.contains("RateLimit"),
        "{text}"
    );
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        f["request"]["url"],
        format!("{}/api/v4/personal_access_tokens/self", server.url())
    );
    assert_eq!(
        f["response"]["body"]["scopes"],
        json!(["read_api", "read_repository"])
    );
    assert_eq!(f["response"]["body"]["revoked"], false);
    assert!(f["response"]["body"].get("last_used_at").is_none(), "{f:#}");

    let replay = check(&dir, "replay", &[]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "gitlab::ci-reader");
    // `exactly` is literal: a token with `api` does not pass it.
    let out = check(&dir, "live", &[("GL_TOKEN", GL_API)]);
    assert_fails(&out, "gitlab::ci-reader", &["api"]);
}

#[test]
fn gitlab_api_is_above_at_most_read_api() {
    let server = gitlab().start();
    let dir = TempDir::new("gl-at-most");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                ("wide", "GL_API", "{ at_most: [read_api] }"),
                ("narrow", "GL_READ", "{ at_most: [read_api] }"),
            ],
        ),
    );
    let out = check(&dir, "live", &[("GL_API", GL_API), ("GL_READ", GL_READ)]);
    assert_fails(&out, "gitlab::wide", &["+ api"]);
    // `read_api` covers `read_repository` (every GET).
    assert_passes(&out, "gitlab::narrow");
}

#[test]
fn gitlab_write_repository_overlaps_forbidden_read_repository() {
    let server = gitlab().start();
    let dir = TempDir::new("gl-forbidden");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                ("pusher", "GL_WRITE", "{ forbidden: [read_repository] }"),
                ("reader", "GL_READ", "{ forbidden: [write_repository] }"),
            ],
        ),
    );
    let out = check(
        &dir,
        "live",
        &[("GL_WRITE", GL_WRITE), ("GL_READ", GL_READ)],
    );
    assert_fails(
        &out,
        "gitlab::pusher",
        &["write_repository", "read_repository"],
    );
    assert_passes(&out, "gitlab::reader");
}

#[test]
fn gitlab_revoked_and_expired_tokens_pass_active_false_and_replay() {
    let server = gitlab().start();
    let dir = TempDir::new("gl-revoked");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                ("revoked", "GL_REVOKED", "{ active: false }"),
                ("expired", "GL_EXPIRED", "{ active: false }"),
                ("unknown", "GL_UNKNOWN", "{ active: false }"),
            ],
        ),
    );
    let unknown = "glpat-0000000000000000000z";
    let env = [
        ("GL_REVOKED", GL_REVOKED),
        ("GL_EXPIRED", GL_EXPIRED),
        ("GL_UNKNOWN", unknown),
    ];
    let out = check(&dir, "record", &env);
    for case in ["gitlab::revoked", "gitlab::expired"] {
        assert_passes(&out, case);
    }
    // GitLab's bare `401 Unauthorized` also answers a request with no
    // token (a proxy that drops `Authorization`): it proves nothing.
    assert_fails(&out, "gitlab::unknown", &["proves nothing about the token"]);
    assert!(!dir.path().join("fixtures/gitlab/unknown.json").exists());
    let f = fixture(&dir, "fixtures/gitlab/revoked.json");
    assert_eq!(f["response"]["status"], 401);
    assert_eq!(f["response"]["body"]["error"], "invalid_token");
    let replay = check(&dir, "replay", &[]);
    for case in ["gitlab::revoked", "gitlab::expired"] {
        assert_passes(&replay, case);
    }
    // A live token fails `active: false`.
    let out = check(
        &dir,
        "live",
        &[
            ("GL_REVOKED", GL_READ),
            ("GL_EXPIRED", GL_EXPIRED),
            ("GL_UNKNOWN", unknown),
        ],
    );
    assert_fails(&out, "gitlab::revoked", &["still works"]);
    assert_passes(&out, "gitlab::expired");
}

#[test]
fn gitlab_a_revoked_token_without_active_false_fails() {
    let server = gitlab().start();
    let dir = TempDir::new("gl-revoked-fails");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[("ci", "GL_TOKEN", "{ at_most: [read_api] }")],
        ),
    );
    let out = check(&dir, "record", &[("GL_TOKEN", GL_REVOKED)]);
    assert_fails(&out, "gitlab::ci", &["HTTP 401", "Token was revoked"]);
}

#[test]
fn gitlab_an_answer_without_revoked_is_no_grant() {
    let mut record = fakes::gitlab_record(&["read_api", "read_repository"], Some("2027-01-31"));
    record.as_object_mut().unwrap().remove("revoked");
    let server = GitLab::default()
        .with(GL_READ, GitLabToken::Live(record))
        .start();
    let dir = TempDir::new("gl-no-revoked");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                ("ci", "GL_TOKEN", "{ exactly: [read_api, read_repository] }"),
                ("gone", "GL_TOKEN", "{ active: false }"),
            ],
        ),
    );
    let out = check(&dir, "record", &[("GL_TOKEN", GL_READ)]);
    assert_fails(&out, "gitlab::ci", &["`revoked`"]);
    assert_fails(&out, "gitlab::gone", &["`revoked`"]);
}

/// Not an answer GitLab gives (it refuses a revoked token with 401), but
/// one a cache in front of it could: `revoked: true` next to
/// `active: true` is a token that holds nothing.
#[test]
fn gitlab_a_record_that_says_revoked_holds_nothing() {
    let mut record = fakes::gitlab_record(&["read_api", "read_repository"], Some("2027-01-31"));
    record["revoked"] = json!(true);
    let server = GitLab::default()
        .with(GL_READ, GitLabToken::Live(record))
        .start();
    let dir = TempDir::new("gl-revoked-record");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                ("ci", "GL_TOKEN", "{ exactly: [read_api, read_repository] }"),
                ("gone", "GL_TOKEN", "{ active: false }"),
            ],
        ),
    );
    let out = check(&dir, "record", &[("GL_TOKEN", GL_READ)]);
    assert_fails(&out, "gitlab::ci", &["not active"]);
    assert_passes(&out, "gitlab::gone");
}

#[test]
fn gitlab_expiry_date_against_expires_within() {
    let server = gitlab()
        .with(
            GL_WRITE,
            GitLabToken::Live(fakes::gitlab_record(&["read_api"], None)),
        )
        .start();
    let dir = TempDir::new("gl-expiry");
    dir.write(
        "specs/gitlab.yaml",
        &spec(
            "gitlab",
            &server.url(),
            "",
            &[
                (
                    "short",
                    "GL_TOKEN",
                    "{ at_most: [read_api], expires_within: 30d }",
                ),
                (
                    "long",
                    "GL_TOKEN",
                    "{ at_most: [read_api], expires_within: 90d }",
                ),
                (
                    "never",
                    "GL_NEVER",
                    "{ at_most: [read_api], expires_within: 90d }",
                ),
            ],
        ),
    );
    let env = [
        ("GL_TOKEN", GL_READ),
        ("GL_NEVER", GL_WRITE),
        ("PERMSPEC_NOW", NOW),
    ];
    let out = check(&dir, "record", &env);
    assert_fails(&out, "gitlab::short", &["2027-01-31"]);
    assert_passes(&out, "gitlab::long");
    // `expires_at: null`: the token never expires.
    assert_fails(&out, "gitlab::never", &["never expires"]);
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(&replay, "gitlab::short", &["2027-01-31"]);
    assert_passes(&replay, "gitlab::long");
    assert_fails(&replay, "gitlab::never", &["never expires"]);
}

// ------------------------------------------------------------------- Slack

const SLACK_BOT: &str = "xoxb-885044013168-4507915142290-E4lBYOvfZ8UzDzV8fUkkibjL";
const SLACK_REVOKED: &str = "xoxb-614987418377-9345036870806-Q7wjJJibaZUPgHV7iB3m03nb";
const SLACK_SCOPED: &str = "xoxb-333009856266-9814531173585-pWLuqIA1id6Vw5DQL05HA064";
const SLACK_BARE: &str = "xoxb-243888486581-3669458861654-HGb3CXlMaXZjljENUhJduRHH";

fn slack() -> Slack {
    Slack::default()
        .live(SLACK_BOT, "chat:write,channels:read")
        .error(SLACK_REVOKED, "token_revoked")
        .error(SLACK_SCOPED, "missing_scope")
        .with(SLACK_BARE, SlackToken::Live(None))
}

#[test]
fn slack_scopes_come_from_the_header_and_replay() {
    let server = slack().start();
    let dir = TempDir::new("slack-ok");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[
                (
                    "deploy-bot",
                    "SLACK_TOKEN",
                    "{ exactly: [chat:write, channels:read] }",
                ),
                ("quiet-bot", "SLACK_TOKEN", "{ forbidden: [chat:write] }"),
            ],
        ),
    );
    let out = check(&dir, "record", &[("SLACK_TOKEN", SLACK_BOT)]);
    assert_passes(&out, "slack::deploy-bot");
    assert_fails(&out, "slack::quiet-bot", &["chat:write"]);
    let hit = &server.hits()[0];
    assert_eq!(hit.method, "POST");
    assert_eq!(hit.target, "/api/auth.test");
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {SLACK_BOT}").as_str())
    );
    let text = read(&dir, "fixtures/slack/deploy-bot.json");
    assert!(!text.contains(SLACK_BOT), "{text}");
    assert!(!text.contains("x-slack-req-id"), "{text}");
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(f["request"]["method"], "POST");
    assert_eq!(
        f["request"]["url"],
        format!("{}/api/auth.test", server.url())
    );
    assert_eq!(
        f["response"]["headers"],
        json!({"x-oauth-scopes": "chat:write,channels:read"})
    );
    assert_eq!(f["response"]["body"]["ok"], true);
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "slack::deploy-bot");
    assert_fails(&replay, "slack::quiet-bot", &["chat:write"]);
}

#[test]
fn slack_token_revoked_is_inactive() {
    let server = slack().start();
    let dir = TempDir::new("slack-revoked");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[
                ("leaked", "SLACK_TOKEN", "{ active: false }"),
                ("bot", "SLACK_TOKEN", "{ at_most: [chat:write] }"),
            ],
        ),
    );
    let out = check(&dir, "record", &[("SLACK_TOKEN", SLACK_REVOKED)]);
    assert_passes(&out, "slack::leaked");
    assert_fails(&out, "slack::bot", &["not active"]);
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "slack::leaked");
    assert_fails(&replay, "slack::bot", &["not active"]);
    // A live token fails `active: false`.
    let out = check(&dir, "live", &[("SLACK_TOKEN", SLACK_BOT)]);
    assert_fails(&out, "slack::leaked", &["still works"]);
}

#[test]
fn slack_other_errors_and_a_missing_header_are_errors() {
    let server = slack().start();
    let dir = TempDir::new("slack-errors");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[
                ("scoped", "SLACK_SCOPED", "{ at_most: [chat:write] }"),
                ("scoped-gone", "SLACK_SCOPED", "{ active: false }"),
                ("bare", "SLACK_BARE", "{ at_most: [chat:write] }"),
                ("bare-gone", "SLACK_BARE", "{ active: false }"),
            ],
        ),
    );
    let out = check(
        &dir,
        "record",
        &[("SLACK_SCOPED", SLACK_SCOPED), ("SLACK_BARE", SLACK_BARE)],
    );
    assert_fails(&out, "slack::scoped", &["`missing_scope`"]);
    assert_fails(&out, "slack::scoped-gone", &["`missing_scope`"]);
    assert_fails(&out, "slack::bare", &["x-oauth-scopes"]);
    // `ok: true` says the token works, but without the header it is no
    // evidence at all: the case fails, whatever it expects.
    assert_fails(&out, "slack::bare-gone", &["x-oauth-scopes"]);
    for case in ["slack::scoped", "slack::bare", "slack::bare-gone"] {
        assert!(
            !dir.path()
                .join(format!("fixtures/{}.json", case.replace("::", "/")))
                .exists(),
            "{case}: an answer that is no evidence is not recorded"
        );
    }
}

#[test]
fn slack_not_authed_is_an_error_never_a_revocation() {
    // A proxy strips `Authorization`: Slack answers `not_authed`, which
    // says nothing of the token.
    let server = Slack {
        drops_authorization: true,
        ..slack()
    }
    .start();
    let dir = TempDir::new("slack-not-authed");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[
                ("leaked", "SLACK_REVOKED", "{ active: false }"),
                (
                    "bot",
                    "SLACK_BOT",
                    "{ at_most: [chat:write, channels:read] }",
                ),
            ],
        ),
    );
    let out = check(
        &dir,
        "record",
        &[("SLACK_REVOKED", SLACK_REVOKED), ("SLACK_BOT", SLACK_BOT)],
    );
    assert_fails(&out, "slack::leaked", &["`not_authed`"]);
    assert_fails(&out, "slack::bot", &["`not_authed`"]);
    assert!(!dir.path().join("fixtures/slack/leaked.json").exists());
    assert!(!dir.path().join("fixtures/slack/bot.json").exists());

    // An empty credential is refused before any request.
    let server = slack().start();
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[("leaked", "SLACK_REVOKED", "{ active: false }")],
        ),
    );
    let out = check(&dir, "live", &[("SLACK_REVOKED", "")]);
    assert_fails(&out, "slack::leaked", &["SLACK_REVOKED is empty"]);
    assert!(server.hits().is_empty());
}

/// `invalid_auth` is Slack's answer to anything that is not a token it
/// knows (and to an IP it refuses), as a 401 is for the others: under
/// `active: false` it proves revocation only for a credential shaped like
/// a Slack token (the `Revocation` rule of `src/provider/mod.rs`).
#[test]
fn slack_invalid_auth_for_a_credential_that_is_no_slack_token_proves_nothing() {
    let server = slack().start();
    let dir = TempDir::new("slack-not-a-token");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[("leaked", "SLACK_TOKEN", "{ active: false }")],
        ),
    );
    // A GitHub token pasted into the Slack variable.
    let out = check(&dir, "record", &[("SLACK_TOKEN", GH_REPO)]);
    let hit = only_hit(&server);
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {GH_REPO}").as_str())
    );
    let recorded = dir.path().join("fixtures/slack/leaked.json").exists();
    assert!(
        outcome(&out.stdout, "slack::leaked") == Some("FAILED") && !recorded,
        "Slack's `invalid_auth` to a credential that is no Slack token passed \
         `active: false` (fixture recorded: {recorded}):\n{}",
        out.stdout
    );
}

// ------------------------------------------------------------------ Google

const GOOGLE_WEB: &str = "ya29.a0AGIZEG8pSH4487q7J58m1CiAhzCueQpBenQtYh5Xj8TPQxjq4i9DoV8gz4FkQ";
const GOOGLE_LONG: &str = "ya29.a0A1okTBGzvAmwufUxbvJDCTbyvHNsG9eh6Yo4gfqrc5XlrWi0B26R08qzjI6GK";
const GOOGLE_REVOKED: &str = "ya29.a0AFSufrdZSlB5er8bOfZqfM2oeq3hDavJA76rNicHTp8hkqdlm7tOtHWnsCGRl";
const DRIVE_RO: &str = "https://www.googleapis.com/auth/drive.readonly";

fn google() -> Google {
    let now = epoch(NOW);
    Google::new(now)
        .with(GOOGLE_WEB, &format!("{DRIVE_RO} openid"), now + 3599)
        .with(
            GOOGLE_LONG,
            &format!("{DRIVE_RO} openid"),
            now + 200 * 86_400,
        )
}

#[test]
fn google_token_goes_only_in_the_query_and_is_redacted_in_the_fixture() {
    let server = google().start();
    let dir = TempDir::new("google-ok");
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "",
            &[(
                "web",
                "GOOGLE_TOKEN",
                &format!("{{ exactly: [\"{DRIVE_RO}\", openid], expires_within: 1h }}"),
            )],
        ),
    );
    let out = check(
        &dir,
        "record",
        &[("GOOGLE_TOKEN", GOOGLE_WEB), ("PERMSPEC_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_passes(&out, "google::web");
    let hit = only_hit(&server);
    assert_eq!(hit.method, "GET");
    assert_eq!(hit.path(), "/tokeninfo");
    assert_eq!(
        fakes::query_param(&hit, "access_token").as_deref(),
        Some(GOOGLE_WEB)
    );
    assert_eq!(
        hit.target.matches('=').count(),
        1,
        "one parameter: {}",
        hit.target
    );
    assert_eq!(
        hit.header("authorization"),
        None,
        "the token goes only in the query"
    );
    assert!(
        hit.headers.iter().all(|(_, v)| !v.contains(GOOGLE_WEB)),
        "{:?}",
        hit.headers
    );
    let text = read(&dir, "fixtures/google/web.json");
    assert!(!text.contains(GOOGLE_WEB), "{text}");
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        f["request"]["url"],
        format!("{}/tokeninfo?access_token=[REDACTED]", server.url())
    );
    assert_eq!(
        f["response"]["body"]["exp"],
        (epoch(NOW) + 3599).to_string()
    );
    // A countdown is no evidence (the expiry is `exp`).
    assert!(f["response"]["body"].get("expires_in").is_none(), "{f:#}");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "google::web");
}

#[test]
fn google_expiry_comes_from_exp() {
    let server = google().start();
    let dir = TempDir::new("google-exp");
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "",
            &[
                ("hour", "GOOGLE_WEB", "{ at_most: [openid, \"https://www.googleapis.com/auth/*\"], expires_within: 2h }"),
                ("long", "GOOGLE_LONG", "{ at_most: [openid, \"https://www.googleapis.com/auth/*\"], expires_within: 90d }"),
            ],
        ),
    );
    let out = check(
        &dir,
        "live",
        &[
            ("GOOGLE_WEB", GOOGLE_WEB),
            ("GOOGLE_LONG", GOOGLE_LONG),
            ("PERMSPEC_NOW", NOW),
        ],
    );
    assert_passes(&out, "google::hour");
    // now + 200 days: 2027-06-11.
    assert_fails(&out, "google::long", &["2027-06-11"]);
}

#[test]
fn google_invalid_token_passes_active_false_for_a_google_token_only() {
    let server = google().start();
    let dir = TempDir::new("google-revoked");
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "",
            &[("leaked", "GOOGLE_TOKEN", "{ active: false }")],
        ),
    );
    let out = check(&dir, "record", &[("GOOGLE_TOKEN", GOOGLE_REVOKED)]);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_passes(&out, "google::leaked");
    let text = read(&dir, "fixtures/google/leaked.json");
    assert!(!text.contains(GOOGLE_REVOKED), "{text}");
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(f["response"]["status"], 400);
    assert_eq!(f["response"]["body"]["error"], "invalid_token");
    let replay = check(&dir, "replay", &[]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "google::leaked");

    std::fs::remove_file(dir.path().join("fixtures/google/leaked.json")).unwrap();
    let out = check(
        &dir,
        "record",
        &[("GOOGLE_TOKEN", "not-a-google-token-0123456789abcdef")],
    );
    assert_fails(
        &out,
        "google::leaked",
        &["HTTP 400", "is not a Google access token"],
    );
    assert!(!dir.path().join("fixtures/google/leaked.json").exists());
    // A live token fails `active: false`.
    let out = check(&dir, "live", &[("GOOGLE_TOKEN", GOOGLE_WEB)]);
    assert_fails(&out, "google::leaked", &["still works"]);
}

#[test]
fn google_a_misspelt_scope_is_a_spec_error() {
    let server = google().start();
    let dir = TempDir::new("google-typo");
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "",
            &[(
                "web",
                "GOOGLE_TOKEN",
                "{ forbidden: [\"https://www.googleapis.com/auth/drive.readonyl\"] }",
            )],
        ),
    );
    let out = check(&dir, "live", &[("GOOGLE_TOKEN", GOOGLE_WEB)]);
    assert_fails(
        &out,
        "google::web",
        &["drive.readonyl", "is not a Google OAuth scope"],
    );
    assert!(server.hits().is_empty(), "a spec error asks nothing");
    // Declared under `extra_privileges`, the same name is accepted.
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "extra_privileges: [\"https://www.googleapis.com/auth/drive.readonyl\"]\n",
            &[(
                "web",
                "GOOGLE_TOKEN",
                "{ forbidden: [\"https://www.googleapis.com/auth/drive.readonyl\"] }",
            )],
        ),
    );
    let out = check(&dir, "live", &[("GOOGLE_TOKEN", GOOGLE_WEB)]);
    assert_passes(&out, "google::web");
}

// ------------------------------------------------------------------ canary

#[test]
fn canary_github_never_shows_an_echoed_token() {
    let echoed = "ghp_FAc9QeWJKY40uvSwMFLZDe1f8rESQedUStPK";
    let quiet = "ghp_R0CsTy4Qwb8DwkNhFdnXsiVpzz63FfkCzJr4";
    let bad_expiry = "ghp_i0B3JrTAwR4y9ojfljoQoaF1LlqsajAIxNKu";
    let server = GitHub {
        echo: true,
        ..GitHub::default()
    }
    .classic(echoed, &format!("repo, {echoed}"), None)
    .classic(quiet, "repo", Some("2026-12-01 00:00:00 UTC"))
    .classic(bad_expiry, "repo", Some(bad_expiry))
    .with(GH_FINE, GitHubToken::FineGrained { expires: None })
    .start();
    let (dir, [record, replay, _live]) = canary_project(
        "canary-gh",
        "github",
        &server.url(),
        "",
        &[
            ("echoed", "GH_ECHOED", echoed, "{ at_most: [repo] }"),
            ("quiet", "GH_QUIET", quiet, "{ at_most: [repo] }"),
            (
                "bad-expiry",
                "GH_BAD_EXPIRY",
                bad_expiry,
                "{ at_most: [repo] }",
            ),
            ("fine", "GH_FINE", GH_FINE, "{ at_most: [repo] }"),
            ("revoked", "GH_REVOKED", GH_REVOKED, "{ active: false }"),
            ("refused", "GH_REFUSED", GH_ADMIN, "{ at_most: [repo] }"),
        ],
    );
    assert_fails(&record, "github::echoed", &["echoed a credential"]);
    assert_passes(&record, "github::quiet");
    assert_fails(&record, "github::bad-expiry", &[]);
    assert_fails(&record, "github::fine", &["fine-grained"]);
    assert_passes(&record, "github::revoked");
    assert_fails(&record, "github::refused", &["HTTP 401"]);
    assert_passes(&replay, "github::quiet");
    assert_passes(&replay, "github::revoked");
    assert!(
        !dir.path().join("fixtures/github/echoed.json").exists(),
        "an echoed grant is not recorded"
    );
}

#[test]
fn canary_gitlab_never_shows_an_echoed_token() {
    let echoed = "glpat-EchoEchoEchoEcho0001";
    let quiet = GL_READ;
    let server = GitLab {
        echo: true,
        ..GitLab::default()
    }
    .with(
        echoed,
        GitLabToken::Live(fakes::gitlab_record(
            &["read_api", echoed],
            Some("2027-01-31"),
        )),
    )
    .live(quiet, &["read_api"])
    .with(GL_REVOKED, GitLabToken::Revoked)
    .start();
    let (_dir, [record, replay, _live]) = canary_project(
        "canary-gl",
        "gitlab",
        &server.url(),
        "extra_privileges: [custom_scope]\n",
        &[
            ("echoed", "GL_ECHOED", echoed, "{ at_most: [read_api] }"),
            ("quiet", "GL_QUIET", quiet, "{ at_most: [read_api] }"),
            ("revoked", "GL_REVOKED", GL_REVOKED, "{ active: false }"),
            ("refused", "GL_REFUSED", GL_API, "{ at_most: [read_api] }"),
        ],
    );
    assert_fails(&record, "gitlab::echoed", &["echoed a credential"]);
    assert_passes(&record, "gitlab::quiet");
    assert_passes(&record, "gitlab::revoked");
    assert_fails(&record, "gitlab::refused", &["HTTP 401"]);
    assert_passes(&replay, "gitlab::quiet");
    assert_passes(&replay, "gitlab::revoked");
}

#[test]
fn canary_slack_never_shows_an_echoed_token() {
    let echoed = "xoxb-630666582081-1998838866271-pmrcXgGCJbW56eCuNGMGmSrC";
    let quiet = SLACK_BOT;
    let server = Slack {
        echo: true,
        ..Slack::default()
    }
    .live(echoed, &format!("chat:write,{echoed}"))
    .live(quiet, "chat:write")
    .error(SLACK_REVOKED, "token_revoked")
    .error(SLACK_SCOPED, "missing_scope")
    .start();
    let (_dir, [record, replay, _live]) = canary_project(
        "canary-slack",
        "slack",
        &format!("{}/api", server.url()),
        "",
        &[
            (
                "echoed",
                "SLACK_ECHOED",
                echoed,
                "{ at_most: [chat:write] }",
            ),
            ("quiet", "SLACK_QUIET", quiet, "{ at_most: [chat:write] }"),
            (
                "revoked",
                "SLACK_REVOKED",
                SLACK_REVOKED,
                "{ active: false }",
            ),
            (
                "scoped",
                "SLACK_SCOPED",
                SLACK_SCOPED,
                "{ at_most: [chat:write] }",
            ),
        ],
    );
    assert_fails(&record, "slack::echoed", &["echoed a credential"]);
    assert_passes(&record, "slack::quiet");
    assert_passes(&record, "slack::revoked");
    assert_fails(&record, "slack::scoped", &["`missing_scope`"]);
    assert_passes(&replay, "slack::quiet");
    assert_passes(&replay, "slack::revoked");
}

#[test]
fn canary_google_never_shows_an_echoed_token() {
    let echoed = "ya29.a0ArwZbqcabUGJmGEp7CgQ0PBQFI14zGtSnovm14TUOizwd1iaeOV4qBkdfQ1y3";
    let quiet = "ya29.a0AGQsMpSscDlkrCaqx9vJupc94tnwlavyfErGPmpGXafq0fjzLczbttOofL9H2";
    // Not Google's alphabet, but its shape: every character the query
    // string must encode.
    let odd = "ya29.a0Ab/Cd+Ef=Gh~Ij&Kl%Mn Op0123456789";
    let now = epoch(NOW);
    let server = Google {
        echo: true,
        ..Google::new(now)
    }
    .with(echoed, &format!("openid {echoed}"), now + 3599)
    .with(quiet, "openid", now + 3599)
    .with(odd, "openid", now + 3599)
    .start();
    let dir = TempDir::new("canary-google");
    dir.write(
        "specs/google.yaml",
        &spec(
            "google",
            &server.url(),
            "",
            &[
                ("echoed", "GOOGLE_ECHOED", "{ at_most: [openid] }"),
                ("quiet", "GOOGLE_QUIET", "{ at_most: [openid] }"),
                ("odd", "GOOGLE_ODD", "{ at_most: [openid] }"),
                ("odd-gone", "GOOGLE_ODD_GONE", "{ active: false }"),
                ("revoked", "GOOGLE_REVOKED", "{ active: false }"),
                ("refused", "GOOGLE_REFUSED", "{ at_most: [openid] }"),
            ],
        ),
    );
    let env = [
        ("GOOGLE_ECHOED", echoed),
        ("GOOGLE_QUIET", quiet),
        ("GOOGLE_ODD", odd),
        (
            "GOOGLE_ODD_GONE",
            "ya29.a0Zz/Yy+Xx=Ww~Vv&Uu%Tt Ss9876543210",
        ),
        ("GOOGLE_REVOKED", GOOGLE_REVOKED),
        ("GOOGLE_REFUSED", GOOGLE_LONG),
    ];
    let [record, replay, _live] = canary_runs(&dir, &env);
    assert_fails(&record, "google::echoed", &["echoed a credential"]);
    assert_passes(&record, "google::quiet");
    assert_passes(&record, "google::odd");
    assert_passes(&record, "google::odd-gone");
    assert_passes(&replay, "google::odd");
    assert_passes(&replay, "google::odd-gone");
    assert_fails(&record, "google::refused", &["HTTP 400"]);
    assert_passes(&replay, "google::quiet");
    // Google's refusal is its `invalid_token`, whatever the description
    // says: the refusal passes, and is recorded without the token.
    assert_passes(&record, "google::revoked");
    assert_passes(&replay, "google::revoked");
}

/// `token_revoked` is Slack's word on a token of its own; for a credential
/// of another shape (pasted into the wrong variable, a proxy's own scheme)
/// it proves nothing, as a refusal does for the other providers.
#[test]
fn slack_token_revoked_for_a_credential_that_is_no_slack_token_proves_nothing() {
    let server = slack().error(GH_REPO, "token_revoked").start();
    let dir = TempDir::new("slack-revoked-not-a-token");
    dir.write(
        "specs/slack.yaml",
        &spec(
            "slack",
            &format!("{}/api", server.url()),
            "",
            &[("leaked", "SLACK_TOKEN", "{ active: false }")],
        ),
    );
    let out = check(&dir, "record", &[("SLACK_TOKEN", GH_REPO)]);
    assert_fails(&out, "slack::leaked", &["is not a Slack token"]);
    assert!(!dir.path().join("fixtures/slack/leaked.json").exists());
    // The same answer for a Slack token passes, and is recorded.
    let out = check(&dir, "record", &[("SLACK_TOKEN", SLACK_REVOKED)]);
    assert_passes(&out, "slack::leaked");
}
