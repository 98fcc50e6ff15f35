//! oauth2-introspection, jwt and http providers, live and recorded, against
//! servers on 127.0.0.1 that answer as RFC 7662 servers, GitHub and GitLab do.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use support::docspace::Portal;
use support::server::{Hit, Reply, Server};
use support::{TempDir, base64, check_in, outcome, run};

const TOKEN: &str = "opaque-canary-access-token-0000000000001";
const CLIENT_SECRET: &str = "introspector-canary-secret";

/// An RFC 7662 endpoint: client `introspector` (basic or post), tokens with
/// scope strings, everything else `{"active": false}`.
fn introspection_server() -> Server {
    Server::start(|hit: &Hit| {
        let form: Vec<(String, String)> = hit
            .body
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_owned(), v.replace('+', " ").replace("%3A", ":")))
            .collect();
        let field = |name: &str| {
            form.iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let basic = format!(
            "Basic {}",
            base64(format!("introspector:{CLIENT_SECRET}").as_bytes())
        );
        let client_ok = hit.header("authorization") == Some(basic.as_str())
            || (field("client_id") == Some("introspector")
                && field("client_secret") == Some(CLIENT_SECRET));
        match hit.path() {
            "/.well-known/openid-configuration" => {
                let host = hit.header("host").unwrap_or_default();
                Reply::json(200, json!({"issuer": format!("http://{host}"), "introspection_endpoint": format!("http://{host}/oauth2/introspect")}).to_string())
            }
            "/bad/.well-known/openid-configuration" => Reply::json(
                200,
                json!({"introspection_endpoint": "http://idp.example.com/oauth2/introspect"}).to_string(),
            ),
            "/oauth2/introspect" if !client_ok => {
                Reply::json(401, r#"{"error":"invalid_client","error_description":"client authentication failed"}"#)
            }
            "/oauth2/introspect" => match field("token") {
                Some(TOKEN) if field("token_type_hint") == Some("access_token") => Reply::json(
                    200,
                    json!({"active": true, "client_id": "reporting-app", "exp": 1795425247, "iat": 1795424647,
                           "iss": "http://127.0.0.1", "scope": "files:write rooms:read", "token_type": "Bearer"})
                    .to_string(),
                ),
                Some("array-scope-token") => Reply::json(200, json!({"active": true, "scope": ["files:read"]}).to_string()),
                Some("no-scope-token") => Reply::json(200, json!({"active": true, "client_id": "bare", "scope": ""}).to_string()),
                Some("silent-token") => Reply::json(200, json!({"active": true, "client_id": "silent"}).to_string()),
                _ => Reply::json(200, r#"{"active": false}"#),
            },
            _ => Reply::empty(404),
        }
    })
}

fn introspection_spec(endpoint: &str, method: &str, extra: &str, tokens: &str) -> String {
    format!(
        "provider: oauth2-introspection\n{endpoint}\nclient:\n  id: {{ env: CLIENT_ID }}\n  secret: {{ env: CLIENT_SECRET }}\n  \
         auth_method: {method}\n{extra}tokens:\n{tokens}"
    )
}

fn token(name: &str, var: &str, expect: &str) -> String {
    format!("  {name}:\n    credential: {{ env: {var} }}\n    expect: {expect}\n")
}

fn introspect(dir: &TempDir, mode: &str) -> support::Run {
    run(&mut introspect_cmd(dir, mode))
}

fn introspect_cmd(dir: &TempDir, mode: &str) -> std::process::Command {
    let mut cmd = check_in(dir, mode);
    cmd.env("CLIENT_ID", "introspector")
        .env("CLIENT_SECRET", CLIENT_SECRET)
        .env("APP_TOKEN", TOKEN)
        .env("ARRAY_TOKEN", "array-scope-token")
        .env("BARE_TOKEN", "no-scope-token")
        .env("LEAKED_TOKEN", "revoked-long-ago");
    cmd
}

#[test]
fn introspection_posts_the_token_as_a_form_and_reads_every_scope_shape() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-introspect");
    let tokens = [
        token("app", "APP_TOKEN", "{ exactly: [files:write, rooms:read] }"),
        token("array", "ARRAY_TOKEN", "{ exactly: [files:read] }"),
        token("bare", "BARE_TOKEN", "{ exactly: [] }"),
        token("leaked", "LEAKED_TOKEN", "{ active: false }"),
    ]
    .concat();
    let url = format!("introspection_url: {}/oauth2/introspect", server.url());
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(&url, "client_secret_basic", "", &tokens),
    );
    let out = introspect(&dir, "record");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let hit = server
        .hits()
        .into_iter()
        .find(|h| h.body.contains("token_type_hint"))
        .unwrap();
    assert_eq!(hit.method, "POST");
    assert_eq!(
        hit.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    assert!(
        hit.body.contains("token_type_hint=access_token"),
        "{}",
        hit.body
    );
    for (path, bytes) in dir.all_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains(TOKEN) && !text.contains(CLIENT_SECRET),
            "{} leaks:\n{text}",
            path.display()
        );
    }
    assert_eq!(
        run(&mut check_in(&dir, "replay")).code,
        0,
        "the recordings replay"
    );
}

/// RFC 7662 lets a server leave `scope` out: for an active token that is
/// no answer about what it may do, so `exactly: []` cannot pass on it
/// (issue 35); `"scope": ""` says "none" and does.
#[test]
fn an_active_token_without_scope_proves_nothing() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-silent");
    let url = format!("introspection_url: {}/oauth2/introspect", server.url());
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(
            &url,
            "client_secret_basic",
            "",
            &token("silent", "SILENT_TOKEN", "{ exactly: [] }"),
        ),
    );
    let out = run(introspect_cmd(&dir, "live").env("SILENT_TOKEN", "silent-token"));
    assert_eq!(
        outcome(&out.stdout, "oauth::silent"),
        Some("FAILED"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("the answer has no `scope`"),
        "{}",
        out.stdout
    );
}

#[test]
fn an_inactive_token_fails_with_one_clear_reason() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-inactive");
    let url = format!("introspection_url: {}/oauth2/introspect", server.url());
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(
            &url,
            "client_secret_basic",
            "",
            &token("leaked", "LEAKED_TOKEN", "{ exactly: [] }"),
        ),
    );
    let out = introspect(&dir, "live");
    assert_eq!(out.code, 101);
    assert!(
        out.stdout
            .contains("the token is not active: expired, revoked or unknown"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("expect:\n        active: false"),
        "{}",
        out.stdout
    );
}

#[test]
fn client_secret_post_discovery_and_docspace_rules() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-post");
    let discovery = format!(
        "discovery: {}/.well-known/openid-configuration",
        server.url()
    );
    // files:write covers files:read only under DocSpace's rules.
    let tokens = token(
        "app",
        "APP_TOKEN",
        "{ at_least: [files:read], forbidden: [\"accounts:*\"] }",
    );
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(
            &discovery,
            "client_secret_post",
            "scopes: docspace\n",
            &tokens,
        ),
    );
    let out = introspect(&dir, "live");
    assert_eq!(out.code, 0, "{}", out.stdout);
    let post = server
        .hits()
        .into_iter()
        .find(|h| h.path() == "/oauth2/introspect")
        .unwrap();
    assert!(post.header("authorization").is_none());
    assert!(
        post.body.contains("client_id=introspector"),
        "{}",
        post.body
    );

    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(&discovery, "client_secret_post", "", &tokens),
    );
    let plain = introspect(&dir, "live");
    assert!(
        plain.stdout.contains("- files:read  missing: at_least"),
        "plain names: {}",
        plain.stdout
    );
}

#[test]
fn a_discovered_endpoint_over_plain_http_elsewhere_is_refused() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-discovery-http");
    let discovery = format!(
        "discovery: {}/bad/.well-known/openid-configuration",
        server.url()
    );
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(
            &discovery,
            "client_secret_basic",
            "",
            &token("app", "APP_TOKEN", "{ exactly: [] }"),
        ),
    );
    let out = introspect(&dir, "live");
    assert!(
        out.stdout
            .contains("refusing to send a credential over plain http to idp.example.com"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_rejected_client_shows_the_servers_error() {
    let server = introspection_server();
    let dir = TempDir::new("oauth-client");
    let url = format!("introspection_url: {}/oauth2/introspect", server.url());
    dir.write(
        "specs/oauth.yaml",
        &introspection_spec(
            &url,
            "client_secret_basic",
            "",
            &token("app", "APP_TOKEN", "{ exactly: [] }"),
        ),
    );
    let out = run(check_in(&dir, "live")
        .env("CLIENT_ID", "introspector")
        .env("CLIENT_SECRET", "wrong")
        .env("APP_TOKEN", TOKEN));
    assert!(
        out.stdout.contains("HTTP 401: the introspecting client was rejected: check its id, secret and auth_method (invalid_client: client authentication failed)"),
        "{}",
        out.stdout
    );
}

// {"alg":"RS256","typ":"at+jwt"} . {"iss":"https://portal.example.com/oauth2","scope":["files:read","rooms:read"],"cid":"app","tid":1,"exp":1795425247,"roles":["auditor"]} . signature
const JWT: &str = "eyJhbGciOiJSUzI1NiIsInR5cCI6ImF0K2p3dCJ9.eyJpc3MiOiJodHRwczovL3BvcnRhbC5leGFtcGxlLmNvbS9vYXV0aDIiLCJzY29wZSI6WyJmaWxlczpyZWFkIiwicm9vbXM6cmVhZCJdLCJjaWQiOiJhcHAiLCJ0aWQiOjEsImV4cCI6MTc5NTQyNTI0Nywicm9sZXMiOlsiYXVkaXRvciJdfQ.c2lnbmF0dXJlLWNhbmFyeQ";

#[test]
fn jwt_is_decoded_offline_and_its_fixture_holds_claims_only() {
    let dir = TempDir::new("jwt");
    dir.write(
        "specs/jwt.yaml",
        "provider: jwt\nscopes: docspace\nclaims: [scope]\ntokens:\n  app:\n    credential: { env: APP_JWT }\n    expect: { at_most: [\"*:read\"] }\n  \
         roles:\n    credential: { env: APP_JWT }\n    expect: { exactly: [files:read] }\n",
    );
    dir.write("specs/roles.yaml", "provider: jwt\nclaims: [roles]\ntokens:\n  app:\n    credential: { env: APP_JWT }\n    expect: { exactly: [auditor] }\n");
    let out = run(check_in(&dir, "record").env("APP_JWT", JWT));
    assert_eq!(out.code, 101, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("permspec record: 0 requests for 3 cases"),
        "{}",
        out.stdout
    );
    assert_eq!(outcome(&out.stdout, "jwt::app"), Some("ok"));
    assert_eq!(outcome(&out.stdout, "roles::app"), Some("ok"));
    assert_eq!(
        outcome(&out.stdout, "jwt::roles"),
        Some("FAILED"),
        "rooms:read is in excess"
    );
    assert!(
        out.stdout
            .contains("note       the JWT is decoded offline and its signature is not verified"),
        "{}",
        out.stdout
    );
    let text = std::fs::read_to_string(dir.path().join("fixtures/jwt/app.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(fixture["response"]["body"]["claims"]["cid"], "app");
    assert_eq!(fixture["request"]["method"], "DECODE");
    assert!(
        !text.contains("c2lnbmF0dXJlLWNhbmFyeQ") && !text.contains(&JWT[..40]),
        "{text}"
    );
    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(
        outcome(&replay.stdout, "jwt::app"),
        Some("ok"),
        "{}",
        replay.stdout
    );
}

#[test]
fn http_reads_a_scopes_header_or_a_json_list_and_keeps_only_that_header() {
    let server = Server::start(|hit: &Hit| {
        match hit.path() {
        "/user" => Reply::json(200, json!({"login": "octocat", "id": 1}).to_string())
            .with_header("X-OAuth-Scopes", "repo, read:org")
            .with_header("X-RateLimit-Remaining", "4999")
            .with_header("Set-Cookie", "session=should-never-be-stored"),
        "/api/v4/personal_access_tokens/self" => Reply::json(
            200,
            json!({"id": 4, "name": "ci", "revoked": false, "active": true, "scopes": ["read_api", "read_repository"]}).to_string(),
        ),
        "/tokeninfo" if hit.target.contains("access_token=") => Reply::json(200, json!({"scope": "openid email", "aud": "x"}).to_string()),
        _ => Reply::empty(404),
    }
    });
    let dir = TempDir::new("http");
    let url = server.url();
    dir.write(
        "specs/github.yaml",
        &format!("provider: http\nbase_url: {url}\nrequest: {{ method: GET, path: /user, headers: {{ X-GitHub-Api-Version: \"2022-11-28\" }} }}\nprivileges: {{ header: X-OAuth-Scopes }}\ntokens:\n  deploy-bot:\n    credential: {{ env: GH_TOKEN }}\n    expect: {{ at_most: [repo, \"read:*\"], forbidden: [admin:org, delete_repo] }}\n"),
    );
    dir.write(
        "specs/gitlab.yaml",
        &format!("provider: http\nbase_url: {url}/api/v4\nrequest: {{ path: /personal_access_tokens/self }}\nprivileges: {{ json: /scopes }}\ntokens:\n  ci:\n    credential: {{ env: GL_TOKEN }}\n    expect: {{ exactly: [read_api, read_repository] }}\n"),
    );
    dir.write(
        "specs/google.yaml",
        &format!("provider: http\nbase_url: {url}\nrequest: {{ path: /tokeninfo, token_query: access_token }}\nprivileges: {{ json: /scope }}\ntokens:\n  web:\n    credential: {{ env: GOOGLE_TOKEN }}\n    expect: {{ exactly: [email, openid] }}\n"),
    );
    let out = run(check_in(&dir, "record")
        .env("GH_TOKEN", "ghp_canary000")
        .env("GL_TOKEN", "glpat-canary000")
        .env("GOOGLE_TOKEN", "ya29.canary000"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let gh = server
        .hits()
        .into_iter()
        .find(|h| h.path() == "/user")
        .unwrap();
    assert_eq!(gh.header("authorization"), Some("Bearer ghp_canary000"));
    assert_eq!(gh.header("x-github-api-version"), Some("2022-11-28"));
    let google = server
        .hits()
        .into_iter()
        .find(|h| h.path() == "/tokeninfo")
        .unwrap();
    assert!(
        google.header("authorization").is_none(),
        "the token went in the query only"
    );
    let text = std::fs::read_to_string(dir.path().join("fixtures/github/deploy-bot.json")).unwrap();
    let fixture: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        fixture["response"]["headers"],
        json!({"x-oauth-scopes": "repo, read:org"})
    );
    assert!(
        !text.contains("ratelimit") && !text.contains("should-never-be-stored"),
        "{text}"
    );
    let google = std::fs::read_to_string(dir.path().join("fixtures/google/web.json")).unwrap();
    assert!(
        google.contains("access_token=[REDACTED]") && !google.contains("ya29.canary000"),
        "{google}"
    );
    assert_eq!(
        run(&mut check_in(&dir, "replay")).code,
        0,
        "the recordings replay"
    );
}

/// DocSpace API keys: `sk-` and 64 hex digits (API-FACTS.md).
const LIVE_KEY: &str = "sk-1c0ffee2c0ffee3c0ffee4c0ffee5c0ffee6c0ffee7c0ffee8c0ffee9c0ffeea";
const REVOKED_KEY: &str = "sk-dead0000dead0000dead0000dead0000dead0000dead0000dead0000dead0001";

#[test]
fn a_revoked_docspace_key_passes_active_false_and_is_recorded_as_the_refusal() {
    let server = Portal::default()
        .with_key(LIVE_KEY, &["files:read"])
        .start();
    let dir = TempDir::new("docspace-revoked");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  leaked:\n    credential: {{ env: LEAKED }}\n    expect: {{ active: false }}\n  \
             live:\n    credential: {{ env: LIVE }}\n    expect: {{ active: false }}\n",
            server.url()
        ),
    );
    let out = run(check_in(&dir, "record")
        .env("LEAKED", REVOKED_KEY)
        .env("LIVE", LIVE_KEY));
    assert_eq!(
        outcome(&out.stdout, "keys::leaked"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert_eq!(outcome(&out.stdout, "keys::live"), Some("FAILED"));
    assert!(
        out.stdout
            .contains("the token still works, but the spec says `active: false`"),
        "{}",
        out.stdout
    );
    let fixture: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("fixtures/keys/leaked.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(fixture["response"]["status"], 401);
    let replay = run(&mut check_in(&dir, "replay"));
    assert_eq!(
        outcome(&replay.stdout, "keys::leaked"),
        Some("ok"),
        "{}",
        replay.stdout
    );
}

#[test]
fn active_is_refused_for_providers_that_cannot_tell() {
    let dir = TempDir::new("active-spec");
    dir.write(
        "specs/jwt.yaml",
        "provider: jwt\ntokens:\n  a:\n    credential: { env: A }\n    expect: { active: false }\n",
    );
    let out = run(&mut check_in(&dir, "replay"));
    assert!(
        out.stdout
            .contains("provider `jwt` cannot tell whether a token is active"),
        "{}",
        out.stdout
    );
}
