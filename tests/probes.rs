//! Probes against loopback servers that answer as GitHub, Stripe and
//! DocSpace do (shared/reference/MORE-PROVIDERS.md, API-FACTS.md): allowed,
//! denied, every answer that proves nothing, unsafe probes, `${VAR}` paths,
//! `probes: auto`, and that no success body and no credential ever reaches
//! a fixture or the output.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::json;
use support::cases::{NOW, assert_fails, assert_nothing_leaked, assert_passes, check, fixture};
use support::docspace::{PRIVATE_DATA, Portal};
use support::server::{Hit, Reply, Server};
use support::{TempDir, outcome};

const GH_TOKEN: &str = "github_pat_11CANARY0probe7f3e9c2a1b4d5e6f";
/// A token that may read acme/payroll: the witness that it exists, so the
/// first token's 404 there is a denial.
const GH_PAYROLL: &str = "github_pat_11CANARY0payroll0reader00witness";
const STRIPE_KEY: &str = "rk_test_51CANARYprobe7f3e9c2a1b4d5e6f";
const DS_KEY: &str = "sk-0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";

/// A GitHub that knows one fine-grained token: it may read acme/app's
/// contents; acme/payroll is private and hidden (404); the org's members
/// need `members=read` (403 with `X-Accepted-GitHub-Permissions`). Every
/// success body carries data that must never be recorded.
fn github(hit: &Hit) -> Reply {
    if hit.header("authorization") == Some(&format!("Bearer {GH_PAYROLL}")) {
        return match hit.path() {
            "/repos/acme/payroll" => Reply::json(
                200,
                json!({"name": "payroll", "secret": PRIVATE_DATA}).to_string(),
            ),
            _ => Reply::json(404, r#"{"message":"Not Found"}"#),
        };
    }
    if hit.header("authorization") != Some(&format!("Bearer {GH_TOKEN}")) {
        return Reply::json(
            401,
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"}"#,
        );
    }
    match (hit.method.as_str(), hit.path()) {
        ("GET", "/repos/acme/app/contents/README.md") => Reply::json(
            200,
            json!({"name": "README.md", "content": PRIVATE_DATA, "token_seen": GH_TOKEN})
                .to_string(),
        )
        .with_header("X-Accepted-GitHub-Permissions", "contents=read"),
        ("GET", "/repos/acme/payroll") => Reply::json(
            404,
            r#"{"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"}"#,
        ),
        ("HEAD" | "GET", "/orgs/acme/members") => Reply::json(
            403,
            format!(
                r#"{{"message":"Resource not accessible by personal access token {GH_TOKEN}","documentation_url":"https://docs.github.com/rest","status":"403"}}"#
            ),
        )
        .with_header("X-Accepted-GitHub-Permissions", "members=read"),
        ("GET", "/repos/acme/app/issues") => {
            Reply::json(200, json!([{"title": PRIVATE_DATA}]).to_string())
        }
        _ => Reply::json(404, r#"{"message":"Not Found"}"#),
    }
}

fn probes_spec(base: &str, extra: &str, probes: &str) -> String {
    format!(
        "provider: probes\nbase_url: {base}\n{extra}tokens:\n  fine-grained-ci:\n    \
         credential: {{ env: GH_FINE_GRAINED_CI }}\n    probes:\n{probes}"
    )
}

const GITHUB_PROBES: &str = "      - { get: /repos/acme/app/contents/README.md, expect: allowed }
      - { get: /repos/acme/payroll, expect: denied }
      - { head: /orgs/acme/members, expect: denied }
";

const CASE: &str = "probes::fine-grained-ci";

/// `spec` with a token that may read acme/payroll, whose answer witnesses
/// that the repository exists.
fn witnessed(spec: String) -> String {
    spec + "  payroll-reader:\n    credential: { env: GH_PAYROLL }\n    probes:\n      \
            - { get: /repos/acme/payroll, expect: allowed }\n"
}

fn project(name: &str, spec: &str) -> TempDir {
    let dir = TempDir::new(name);
    dir.write("specs/probes.yaml", spec);
    dir
}

#[test]
fn a_fine_grained_token_is_checked_by_what_it_can_do_and_replays_without_its_body() {
    let server = Server::start(github);
    let dir = project(
        "probes-github",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403, 404]\n",
            GITHUB_PROBES,
        )),
    );
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("GH_PAYROLL", GH_PAYROLL),
        ("PERMSPEC_NOW", NOW),
    ];
    let record = check(&dir, "record", &env);
    assert_passes(&record, CASE);
    assert_passes(&record, "probes::payroll-reader");
    assert!(
        record.stdout.contains("4 requests for 2 cases"),
        "{}",
        record.stdout
    );

    let stored = fixture(&dir, "fixtures/probes/fine-grained-ci.json");
    assert_eq!(stored["provider"], "probes");
    assert!(stored.get("response").is_none(), "{stored:#}");
    assert_eq!(stored["request"]["method"], "PROBES");
    assert_eq!(
        stored["probes"],
        json!([
            {"method": "GET", "path": "/repos/acme/app/contents/README.md", "status": 200,
             "needs": "contents=read"},
            {"method": "GET", "path": "/repos/acme/payroll", "status": 404, "message": "Not Found",
             "witness": "probes::payroll-reader"},
            {"method": "HEAD", "path": "/orgs/acme/members", "status": 403, "needs": "members=read"}
        ])
    );
    // The HEAD had no body to explain it; the token went as Bearer, in
    // Authorization only.
    let hits: Vec<Hit> = server
        .hits()
        .into_iter()
        .filter(|h| h.header("authorization") != Some(&format!("Bearer {GH_PAYROLL}")))
        .collect();
    assert_eq!(hits.len(), 3);
    for hit in &hits {
        let holding: Vec<&str> = hit
            .headers
            .iter()
            .filter(|(_, v)| v.contains(GH_TOKEN))
            .map(|(k, _)| k.as_str())
            .collect();
        assert_eq!(holding.len(), 1, "{hit:?}");
        assert!(holding[0].eq_ignore_ascii_case("authorization"));
    }

    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_passes(&replay, CASE);
    let live = check(&dir, "live", &env);
    assert_passes(&live, CASE);
    assert_nothing_leaked(
        &dir,
        &[&record, &replay, &live],
        &[GH_TOKEN, GH_PAYROLL, PRIVATE_DATA],
    );
    // A witness filtered out of the run still witnesses, by its fixture.
    let alone = support::run(
        support::check_in(&dir, "live")
            .args(["--exact", CASE])
            .envs(env.iter().copied()),
    );
    assert_passes(&alone, CASE);
    // Without the witness's fixture, the 404 proves nothing, live or
    // replayed, and the failure says how to add a witness.
    std::fs::remove_file(dir.path().join("fixtures/probes/payroll-reader.json")).unwrap();
    for out in [
        check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]),
        support::run(
            support::check_in(&dir, "live")
                .args(["--exact", CASE])
                .envs(env.iter().copied()),
        ),
    ] {
        assert_fails(
            &out,
            CASE,
            &[
                "? GET /repos/acme/payroll",
                "HTTP 404 proves a denial only with a witness",
                "the probe `{ get: /repos/acme/payroll, expect: allowed }`",
            ],
        );
    }
}

#[test]
fn a_probe_that_answers_otherwise_fails_with_the_servers_explanation() {
    let server = Server::start(github);
    let probes = "      - { get: /repos/acme/app/issues, expect: denied }
      - { get: /orgs/acme/members, expect: allowed }
      - { get: /repos/acme/payroll, expect: denied }
";
    let dir = project(
        "probes-mismatch",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403, 404]\n",
            probes,
        )),
    );
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("GH_PAYROLL", GH_PAYROLL),
        ("PERMSPEC_NOW", NOW),
    ];
    for mode in ["record", "replay"] {
        let out = check(&dir, mode, &env);
        assert_fails(
            &out,
            CASE,
            &[
                "2 probes answered otherwise than the spec expects",
                "+ GET /repos/acme/app/issues",
                "expected denied, answered 200 (allowed)",
                "- GET /orgs/acme/members",
                "expected allowed, answered 403 (denied)",
                "needs members=read",
                "server says \"Resource not accessible by personal access token [REDACTED]\"",
                "line 8 of specs/probes.yaml",
            ],
        );
        assert!(
            !out.stdout.contains("/repos/acme/payroll"),
            "{}",
            out.stdout
        );
        assert_nothing_leaked(&dir, &[&out], &[GH_TOKEN, GH_PAYROLL, PRIVATE_DATA]);
    }
    // The JUnit report carries the probe section, and the audit each probe.
    let junit = support::run(
        support::check_in(&dir, "replay")
            .args(["--format", "junit", "--out", "report.xml"])
            .env("PERMSPEC_NOW", NOW),
    );
    assert_eq!(junit.code, 101, "{}", junit.stdout);
    let xml = support::cases::read(&dir, "report.xml");
    assert!(xml.contains("+ GET /repos/acme/app/issues"), "{xml}");
    assert!(xml.contains("needs members=read"), "{xml}");
    let audit = support::run(
        support::permspec()
            .current_dir(dir.path())
            .args(["audit", "--format", "json"])
            .env("PERMSPEC_NOW", NOW),
    );
    let audit: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    let probes = &audit["tokens"][0]["probes"];
    assert_eq!(
        probes[0],
        json!({"probe": "GET /repos/acme/app/issues", "expected": "denied", "status": 200,
               "answered": "allowed", "ok": false})
    );
    assert_eq!(probes[1]["needs"], "members=read");
    assert_eq!(probes[2]["ok"], true);
    let text = support::run(
        support::permspec()
            .current_dir(dir.path())
            .args(["audit"])
            .env("PERMSPEC_NOW", NOW),
    );
    assert!(text.stdout.contains("1/3 ok"), "{}", text.stdout);
    assert!(text.stdout.contains("1/1 ok"), "{}", text.stdout);
    assert!(
        text.stdout.contains(
            "probe: WRONG GET /orgs/acme/members: expected allowed, answered 403 (denied); needs members=read"
        ),
        "{}",
        text.stdout
    );
}

/// Stripe's restricted keys say which permission would allow a request.
#[test]
fn a_stripe_refusal_names_the_permission_it_needs() {
    let server = Server::start(|hit: &Hit| {
        if hit.header("authorization") != Some(&format!("Bearer {STRIPE_KEY}")) {
            return Reply::json(
                401,
                r#"{"error":{"message":"Invalid API Key provided","type":"invalid_request_error"}}"#,
            );
        }
        match hit.path() {
            "/v1/charges" => Reply::json(
                200,
                json!({"object": "list", "data": [{"id": PRIVATE_DATA}]}).to_string(),
            ),
            "/v1/customers" => Reply::json(
                403,
                r#"{"error":{"message":"The provided key 'rk_test_***6f' does not have the required permissions for this endpoint on account 'acct_1Loop'. Having the 'rak_customer_read' permission would allow this request to continue.","type":"invalid_request_error"}}"#,
            ),
            _ => Reply::json(
                404,
                r#"{"error":{"message":"Unrecognized request URL","type":"invalid_request_error"}}"#,
            ),
        }
    });
    let spec = format!(
        "provider: probes\nbase_url: {}\ntokens:\n  billing-reader:\n    credential: {{ env: STRIPE_RK }}\n    probes:\n      - {{ get: /v1/charges, expect: allowed }}\n      - {{ get: /v1/customers, expect: allowed }}\n",
        server.url()
    );
    let dir = TempDir::new("probes-stripe");
    dir.write("specs/stripe.yaml", &spec);
    let env = [("STRIPE_RK", STRIPE_KEY), ("PERMSPEC_NOW", NOW)];
    let out = check(&dir, "record", &env);
    assert_fails(
        &out,
        "stripe::billing-reader",
        &[
            "- GET /v1/customers",
            "expected allowed, answered 403 (denied)",
            "needs rak_customer_read",
        ],
    );
    let stored = fixture(&dir, "fixtures/stripe/billing-reader.json");
    assert_eq!(stored["probes"][1]["needs"], "rak_customer_read");
    let message = stored["probes"][1]["message"].as_str().unwrap();
    assert!(message.chars().count() <= 201, "{message}");
    assert_nothing_leaked(&dir, &[&out], &[STRIPE_KEY, PRIVATE_DATA]);
}

/// Each answer that proves nothing fails its case with why, records
/// nothing, and leaves the other cases to run.
#[test]
fn an_answer_that_proves_nothing_is_an_error_never_a_pass() {
    let server = Server::start(|hit: &Hit| match hit.path() {
        "/ok" => Reply::json(200, "{}"),
        "/redirect" => Reply::empty(302).with_header("Location", "https://sso.example/login"),
        "/login-page" => Reply::json(200, "<!DOCTYPE html><html><title>Sign in</title></html>")
            .with_content_type("text/html; charset=utf-8"),
        // An HTML page that says it is JSON: told by its first bytes.
        "/login-typed-json" => Reply::json(
            200,
            format!(
                "  <!doctype html><html><title>Sign in</title>{}</html>",
                "x".repeat(4000)
            ),
        ),
        "/waf" => Reply::json(403, "<html><title>Blocked by WAF</title></html>")
            .with_content_type("text/html"),
        "/waf-typed-json" => Reply::json(403, "<html><title>Access denied</title></html>"),
        "/bad-request" => Reply::json(400, r#"{"message":"Problems parsing JSON"}"#),
        "/missing" => Reply::json(404, r#"{"message":"Not Found"}"#),
        "/broken" => Reply::json(500, r#"{"message":"internal"}"#),
        "/busy" => Reply::json(503, "{}").with_header("Retry-After", "0"),
        "/unauthenticated" => Reply::json(401, r#"{"message":"Bad credentials"}"#),
        _ => Reply::empty(418),
    });
    let classes = [
        ("redirect", "denied", "a redirect"),
        ("login-page", "allowed", "an HTML page"),
        ("login-typed-json", "allowed", "an HTML page"),
        ("waf", "denied", "an HTML page"),
        ("waf-typed-json", "denied", "an HTML page"),
        (
            "bad-request",
            "denied",
            "HTTP 400 is neither a success nor a denied status",
        ),
        (
            "missing",
            "denied",
            "HTTP 404 is neither a success nor a denied status",
        ),
        ("broken", "denied", "a server error proves nothing"),
        ("busy", "denied", "HTTP 503"),
        (
            "unauthenticated",
            "denied",
            "HTTP 401: the credential was not accepted for this request",
        ),
    ];
    let mut spec = format!(
        "provider: probes\nbase_url: {}\ndenied_statuses: [403]\ntokens:\n  good:\n    credential: {{ env: T }}\n    probes:\n      - {{ get: /ok, expect: allowed }}\n",
        server.url()
    );
    for (path, expect, _) in classes {
        spec.push_str(&format!(
            "  {path}:\n    credential: {{ env: T }}\n    probes:\n      - {{ get: /ok, expect: allowed }}\n      - {{ get: /{path}, expect: {expect} }}\n"
        ));
    }
    let dir = TempDir::new("probes-errors");
    dir.write("specs/api.yaml", &spec);
    let env = [("T", "tok-0123456789abcdef0123"), ("PERMSPEC_NOW", NOW)];
    let out = check(&dir, "record", &env);
    assert_passes(&out, "api::good");
    for (path, _, says) in classes {
        assert_fails(&out, &format!("api::{path}"), &[&format!("/{path}"), says]);
        assert!(
            !dir.path()
                .join(format!("fixtures/api/{path}.json"))
                .exists(),
            "{path}: an unjudged probe was recorded"
        );
    }
    // The busy server was asked again (a safe probe is retried), the
    // redirect never followed.
    assert_eq!(server.count("/busy"), 4);
    assert_eq!(server.count("/redirect"), 1);
}

#[test]
fn a_probes_only_token_must_show_its_credential_works() {
    // Only `denied` probes: a mistyped credential, or a proxy that blocks
    // every request, would pass them all.
    let probes = "      - { get: /repos/acme/payroll, expect: denied }
      - { get: /orgs/acme/members, expect: denied }
";
    let dir = project(
        "probes-all-denied",
        &probes_spec("https://api.github.com", "", probes),
    );
    assert_fails(
        &check(&dir, "replay", &[]),
        CASE,
        &["every probe expects `denied`, so nothing shows the credential works"],
    );
    // With an `allowed` probe, a server that refuses the credential fails it.
    let server = Server::start(|_: &Hit| Reply::json(401, r#"{"message":"Bad credentials"}"#));
    let probes = "      - { get: /user, expect: allowed }
      - { get: /orgs/acme/members, expect: denied }
";
    let dir = project("probes-all-401", &probes_spec(&server.url(), "", probes));
    let env = [("GH_FINE_GRAINED_CI", GH_TOKEN), ("PERMSPEC_NOW", NOW)];
    let out = check(&dir, "record", &env);
    assert_fails(
        &out,
        CASE,
        &[
            "probe `GET /user` (line 7): HTTP 401: the credential was not accepted",
            "Bad credentials",
        ],
    );
    assert!(
        !dir.path()
            .join("fixtures/probes/fine-grained-ci.json")
            .exists()
    );
    // A fixture holding a 401 (written by hand, or by an older permspec)
    // proves nothing on replay either.
    dir.write(
        "fixtures/probes/fine-grained-ci.json",
        &format!(
            r#"{{"recorded_at": "{NOW}", "provider": "probes",
  "request": {{"method": "PROBES", "url": "{}", "credential": "bearer from env GH_FINE_GRAINED_CI"}},
  "probes": [{{"method": "GET", "path": "/user", "status": 200}},
             {{"method": "GET", "path": "/orgs/acme/members", "status": 401}}]}}"#,
            server.url()
        ),
    );
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        CASE,
        &[
            "? GET /orgs/acme/members",
            "the credential was not accepted",
        ],
    );
}

#[test]
fn an_unsafe_probe_is_sent_only_when_the_run_allows_it_and_never_twice() {
    let server = Server::start(|hit: &Hit| match (hit.method.as_str(), hit.path()) {
        ("POST", "/repos/acme/app/actions/workflows/nope.yml/dispatches") => {
            Reply::json(503, "{}").with_header("Retry-After", "0")
        }
        ("POST", "/repos/acme/app/git/refs") => Reply::json(
            403,
            r#"{"message":"Resource not accessible by personal access token"}"#,
        )
        .with_header("X-Accepted-GitHub-Permissions", "contents=write"),
        ("POST", "/repos/acme/app/git/refs/heads/x") => Reply::json(
            422,
            r#"{"message":"Invalid request.\n\nnot-a-sha is not a valid sha"}"#,
        ),
        _ => Reply::json(200, "{}"),
    });
    let probes = r#"      - { get: /repos/acme/app, expect: allowed }
      - post: /repos/acme/app/git/refs
        body: '{"ref": "not-a-ref", "sha": "0"}'
        unsafe: "an invalid ref name is refused before anything is written"
        expect: denied
"#;
    let dir = project("probes-unsafe", &probes_spec(&server.url(), "", probes));
    let env = [("GH_FINE_GRAINED_CI", GH_TOKEN), ("PERMSPEC_NOW", NOW)];
    let refused = check(&dir, "record", &env);
    assert_fails(
        &refused,
        CASE,
        &[
            "the probe `POST /repos/acme/app/git/refs` (line 8) is unsafe",
            "nothing of this case was sent",
            "--allow-unsafe-probes",
        ],
    );
    assert_eq!(server.hits().len(), 0, "a refused case sends nothing");

    let mut allowed = env.to_vec();
    allowed.push(("PERMSPEC_ALLOW_UNSAFE_PROBES", "1"));
    let out = check(&dir, "record", &allowed);
    assert_passes(&out, CASE);
    let post = server
        .hits()
        .into_iter()
        .find(|h| h.method == "POST")
        .unwrap();
    assert_eq!(post.body, r#"{"ref":"not-a-ref","sha":"0"}"#);
    assert_eq!(
        post.header("content-type"),
        Some("application/json"),
        "the body goes as JSON"
    );
    // Replay needs no flag: it sends nothing.
    assert_passes(&check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]), CASE);

    // The invalid-write technique: 422 means the write was authorized.
    let probes = r#"      - { get: /repos/acme/app, expect: allowed }
      - post: /repos/acme/app/git/refs/heads/x
        body: '{"sha": "not-a-sha"}'
        unsafe: "an invalid sha is refused before anything is written"
        allowed_statuses: [404, 422]
        expect: denied
"#;
    dir.write("specs/probes.yaml", &probes_spec(&server.url(), "", probes));
    let out = check(&dir, "record", &allowed);
    assert_fails(
        &out,
        CASE,
        &[
            "+ POST /repos/acme/app/git/refs/heads/x",
            "answered 422 (allowed)",
        ],
    );

    // An unsafe probe the server answers 503 is not sent again.
    let probes = r#"      - { get: /repos/acme/app, expect: allowed }
      - post: /repos/acme/app/actions/workflows/nope.yml/dispatches
        unsafe: "the workflow does not exist"
        expect: denied
"#;
    dir.write("specs/probes.yaml", &probes_spec(&server.url(), "", probes));
    let out = check(&dir, "record", &allowed);
    assert_fails(&out, CASE, &["HTTP 503"]);
    assert_eq!(
        server.count("/repos/acme/app/actions/workflows/nope.yml/dispatches"),
        1
    );
}

#[test]
fn a_variable_in_a_path_is_resolved_live_and_recorded_as_written() {
    let server = Server::start(github);
    let probes = "      - { get: \"/repos/acme/${REPO}/contents/README.md\", expect: allowed }\n";
    let dir = project(
        "probes-var",
        &probes_spec(&server.url(), "denied_statuses: [403, 404]\n", probes),
    );
    let unset = check(
        &dir,
        "record",
        &[("GH_FINE_GRAINED_CI", GH_TOKEN), ("PERMSPEC_NOW", NOW)],
    );
    assert_fails(&unset, CASE, &["uses ${REPO}, which is not set"]);
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("REPO", "app"),
        ("PERMSPEC_NOW", NOW),
    ];
    assert_passes(&check(&dir, "record", &env), CASE);
    let stored = fixture(&dir, "fixtures/probes/fine-grained-ci.json");
    assert_eq!(
        stored["probes"][0]["path"],
        "/repos/acme/${REPO}/contents/README.md"
    );
    assert_passes(&check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]), CASE);
    // A value that tries to name another host cannot: the path follows
    // the address, so the request (and the credential) stays on this
    // server, and the odd path is not found there.
    for value in [
        "x/../../@evil.example",
        "/evil.example",
        "..//evil.example:443",
    ] {
        let before = server.hits().len();
        let moved = [
            ("GH_FINE_GRAINED_CI", GH_TOKEN),
            ("REPO", value),
            ("PERMSPEC_NOW", NOW),
        ];
        let out = check(&dir, "live", &moved);
        assert_eq!(outcome(&out.stdout, CASE), Some("FAILED"), "{}", out.stdout);
        assert_eq!(
            server.hits().len(),
            before + 1,
            "{value}: the request went elsewhere"
        );
    }
}

#[test]
fn replay_refuses_a_fixture_of_other_probes() {
    let server = Server::start(github);
    let dir = project(
        "probes-changed",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403, 404]\n",
            GITHUB_PROBES,
        )),
    );
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("GH_PAYROLL", GH_PAYROLL),
        ("PERMSPEC_NOW", NOW),
    ];
    assert_passes(&check(&dir, "record", &env), CASE);
    let fewer = "      - { get: /repos/acme/app/contents/README.md, expect: allowed }\n";
    dir.write(
        "specs/probes.yaml",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403, 404]\n",
            fewer,
        )),
    );
    let out = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &out,
        CASE,
        &[
            "answers other probes than the spec asks now",
            "asked now     GET /repos/acme/app/contents/README.md",
        ],
    );
    // A denied status the spec no longer lists is judged on replay too.
    dir.write(
        "specs/probes.yaml",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403]\n",
            GITHUB_PROBES,
        )),
    );
    let out = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &out,
        CASE,
        &["? GET /repos/acme/payroll", "cannot be judged: HTTP 404"],
    );
}

#[test]
fn identical_probes_with_one_credential_are_one_request() {
    let server = Server::start(github);
    let mut spec = witnessed(probes_spec(
        &server.url(),
        "denied_statuses: [403, 404]\n",
        GITHUB_PROBES,
    ));
    spec.push_str(&format!(
        "  same-token:\n    credential: {{ env: GH_FINE_GRAINED_CI }}\n    probes:\n{GITHUB_PROBES}"
    ));
    let dir = project("probes-dedup", &spec);
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("GH_PAYROLL", GH_PAYROLL),
        ("PERMSPEC_NOW", NOW),
    ];
    let out = check(&dir, "record", &env);
    assert_passes(&out, CASE);
    assert_passes(&out, "probes::same-token");
    assert_eq!(server.hits().len(), 4);
    assert!(
        out.stdout.contains("4 requests for 3 cases"),
        "{}",
        out.stdout
    );
}

/// `probes: auto` checks that the portal enforces what the key reports.
#[test]
fn docspace_auto_probes_cross_check_the_reported_permissions() {
    let portal = Portal::default()
        .with_key(DS_KEY, &["files:write", "accounts.self:read"])
        .start();
    let spec = format!(
        "provider: docspace\nbase_url: {}\ntokens:\n  uploader:\n    credential: {{ env: DS_KEY }}\n    expect:\n      exactly: [files:write, accounts.self:read]\n    probes: auto\n",
        portal.url()
    );
    let dir = TempDir::new("probes-auto");
    dir.write("specs/docspace.yaml", &spec);
    let env = [("DS_KEY", DS_KEY), ("PERMSPEC_NOW", NOW)];
    let record = check(&dir, "record", &env);
    assert_passes(&record, "docspace::uploader");
    let stored = fixture(&dir, "fixtures/docspace/uploader.json");
    let statuses: Vec<(String, u64)> = stored["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["path"].as_str().unwrap().to_owned(),
                p["status"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("/api/2.0/files/@privacy/available".to_owned(), 200),
            ("/api/2.0/files/rooms?count=1".to_owned(), 403),
            ("/api/2.0/people?count=1".to_owned(), 403),
            ("/api/2.0/people/@self".to_owned(), 200),
        ]
    );
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_passes(&replay, "docspace::uploader");
    assert_nothing_leaked(&dir, &[&record, &replay], &[DS_KEY, PRIVATE_DATA]);

    // A portal that lets the key list people although it does not report
    // `accounts:read`: a finding of its own.
    let lax_portal = Portal::default().with_key(DS_KEY, &["files:write", "accounts.self:read"]);
    let lax = Server::start(move |hit: &Hit| {
        if hit.path() == "/api/2.0/people" {
            return Reply::json(200, r#"{"response": [], "status": 0, "statusCode": 200}"#);
        }
        lax_portal.answer(hit)
    });
    dir.write(
        "specs/docspace.yaml",
        &spec.replace(&portal.url(), &lax.url()),
    );
    let out = check(&dir, "live", &env);
    assert_fails(
        &out,
        "docspace::uploader",
        &[
            "+ GET /api/2.0/people?count=1",
            "the token does not report accounts:read, but the request was allowed (HTTP 200)",
            "the server does not enforce what the token reports",
        ],
    );
}

#[test]
fn probe_specs_that_would_check_nothing_or_leak_are_errors() {
    let cases = [
        (
            "      - { get: repos/acme, expect: allowed }\n",
            "starts with `/`",
        ),
        (
            "      - { get: \"//evil.example/x\", expect: allowed }\n",
            "names another host",
        ),
        (
            "      - { get: /a, expect: alowed }\n",
            "did you mean `allowed`?",
        ),
        ("      - { get: /a }\n", "the probe has no `expect`"),
        ("      - { post: /a, expect: denied }\n", "needs `unsafe:`"),
        (
            "      - { get: /a, unsafe: \"x\", expect: allowed }\n",
            "`unsafe:` has nothing to justify",
        ),
        (
            "      - { get: /a, post: /b, expect: allowed }\n",
            "it names two methods",
        ),
        (
            "      - { get: /a, expect: allowed }\n      - { get: /a, expect: denied }\n",
            "written twice",
        ),
        ("      []\n", "`probes: []` asks nothing"),
        (
            "      - { post: /a, unsafe: \" \", expect: denied }\n",
            "`unsafe:` is empty",
        ),
        (
            "      - { get: /a, allowed_statuses: [404], expect: allowed }\n",
            "goes with an unsafe probe",
        ),
        (
            "      - { delete: /a, unsafe: \"x\", allowed_statuses: [403], expect: denied }\n",
            "403 cannot mean",
        ),
    ];
    for (i, (probes, says)) in cases.iter().enumerate() {
        let dir = project(
            &format!("probes-bad-{i}"),
            &probes_spec("https://api.github.com", "", probes),
        );
        let out = check(&dir, "replay", &[]);
        assert_fails(&out, CASE, &[says]);
    }
    let header_cases = [
        (
            "denied_statuses: [200, 403]\n",
            "200 cannot mean denied: it is a success",
        ),
        ("denied_statuses: [301]\n", "it is a redirect"),
        ("denied_statuses: [503]\n", "a server error"),
        ("denied_statuses: [403, 403]\n", "403 is listed twice"),
        ("denied_statuses: []\n", "`denied_statuses: []`"),
    ];
    for (i, (extra, says)) in header_cases.iter().enumerate() {
        let dir = project(
            &format!("probes-bad-header-{i}"),
            &probes_spec("https://api.github.com", extra, GITHUB_PROBES),
        );
        assert_fails(&check(&dir, "replay", &[]), CASE, &[says]);
    }
    // A probes-only token with rules, or with nothing to probe.
    let dir = TempDir::new("probes-bad-tokens");
    dir.write(
        "specs/probes.yaml",
        "provider: probes\nbase_url: https://api.github.com\ntokens:\n  a:\n    credential: { env: A }\n    expect: { at_least: [repo] }\n    probes:\n      - { get: /user, expect: allowed }\n  b:\n    credential: { env: B }\n",
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "probes::a", &["`expect` has nothing to check"]);
    assert_fails(&out, "probes::b", &["the token has no `probes`"]);
    // Providers whose address is not where the token is used take none.
    let dir = TempDir::new("probes-bad-provider");
    dir.write(
        "specs/google.yaml",
        "provider: google\ntokens:\n  a:\n    credential: { env: A }\n    expect: { at_least: [openid] }\n    probes:\n      - { get: /x, expect: allowed }\n",
    );
    assert_fails(
        &check(&dir, "replay", &[]),
        "google::a",
        &["provider `google` takes no probes"],
    );
    // Any other word is not `auto`, even where `auto` works.
    let dir = TempDir::new("probes-bad-word");
    dir.write(
        "specs/docspace.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  a:\n    credential: { env: A }\n    expect: { at_least: [files:read] }\n    probes: automatic\n",
    );
    assert_fails(
        &check(&dir, "replay", &[]),
        "docspace::a",
        &["`probes: automatic` is neither a list of probes nor `auto`"],
    );
    // `auto` is DocSpace's.
    let dir = project(
        "probes-bad-auto",
        &probes_spec("https://api.github.com", "", "      auto\n")
            .replace("probes:\n      auto", "probes: auto"),
    );
    assert_fails(
        &check(&dir, "replay", &[]),
        CASE,
        &["`probes: auto`", "has none"],
    );
}

/// A probe whose answer changed is a change of evidence: record keeps
/// the fixture and writes it beside for review, which shows the probe.
#[test]
fn a_changed_probe_answer_waits_for_review_and_says_which() {
    let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = open.clone();
    let server = Server::start(move |hit: &Hit| {
        if hit.path() == "/orgs/acme/members" && flag.load(std::sync::atomic::Ordering::SeqCst) {
            return Reply::json(200, "[]");
        }
        github(hit)
    });
    let dir = project(
        "probes-review",
        &witnessed(probes_spec(
            &server.url(),
            "denied_statuses: [403, 404]\n",
            GITHUB_PROBES,
        )),
    );
    let env = [
        ("GH_FINE_GRAINED_CI", GH_TOKEN),
        ("GH_PAYROLL", GH_PAYROLL),
        ("PERMSPEC_NOW", NOW),
    ];
    assert_passes(&check(&dir, "record", &env), CASE);
    let before = support::cases::read(&dir, "fixtures/probes/fine-grained-ci.json");
    // The same answers again: the fixture is confirmed, byte for byte.
    let again = check(&dir, "record", &env);
    assert!(again.stdout.contains("2 unchanged"), "{}", again.stdout);

    open.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut pending = env.to_vec();
    pending.push(("PERMSPEC_RECORD", "pending"));
    let changed = check(&dir, "record", &pending);
    assert_fails(&changed, CASE, &["+ HEAD /orgs/acme/members"]);
    assert_eq!(
        support::cases::read(&dir, "fixtures/probes/fine-grained-ci.json"),
        before
    );
    let listed = support::run(
        support::permspec()
            .current_dir(dir.path())
            .args(["review", "--list"]),
    );
    assert!(
        listed
            .stdout
            .contains("probe    HEAD /orgs/acme/members: 403 -> 200"),
        "{}",
        listed.stdout
    );
}

/// A safe probe is tried again when the connection fails; the error says
/// so.
#[test]
fn a_probe_that_cannot_connect_is_retried_and_fails() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = project(
        "probes-closed",
        &probes_spec(&url, "", "      - { get: /user, expect: allowed }\n"),
    );
    let env = [("GH_FINE_GRAINED_CI", GH_TOKEN), ("PERMSPEC_NOW", NOW)];
    let out = check(&dir, "live", &env);
    assert_fails(
        &out,
        CASE,
        &["probe `GET /user` (line 7)", "after 3 retries"],
    );
    assert!(out.stdout.contains("3 retries"), "{}", out.stdout);
}

/// Issue 39: a `provider: probes` spec, which names no vendor, never gets
/// a vendor's words: not DocSpace's ("API key", "portal"), GitHub's,
/// Slack's, nor a JWT's ("decoded offline"), whatever fails, live, in
/// record mode, in replay or in the spec itself.
#[test]
fn a_probes_only_spec_never_prints_another_providers_wording() {
    let server = Server::start(|hit: &Hit| match hit.path() {
        "/ok" | "/ok/2" => Reply::json(200, r#"{"data":{"id":1}}"#),
        "/forbidden" => Reply::json(403, r#"{"message":"Forbidden"}"#),
        "/missing" => Reply::json(404, r#"{"message":"Not Found"}"#),
        "/unauth" => Reply::json(401, r#"{"message":"Unauthorized"}"#),
        "/html" => Reply::json(200, "<!DOCTYPE html><html><title>Sign in</title></html>")
            .with_content_type("text/html"),
        "/refused" => Reply::json(200, r#"{"errors":[{"type":"INTERNAL"}]}"#),
        "/redirect" => Reply::json(302, "").with_header("Location", "/ok"),
        _ => Reply::json(500, "oops"),
    });
    let dir = TempDir::new("probes-neutral");
    let token = |name: &str, var: &str, probes: &[&str]| {
        let mut t = format!("  {name}:\n    credential: {{ env: {var} }}\n    probes:\n");
        for p in probes {
            t.push_str(&format!("      - {p}\n"));
        }
        t
    };
    let ok = "{ get: /ok, expect: allowed }";
    let mut spec = format!(
        "provider: probes\nbase_url: {}\ndenied_statuses: [403, 404]\nrefused_when: {{ json: /errors, reason: /errors/0/type, denied: [FORBIDDEN] }}\ntokens:\n",
        server.url()
    );
    for (name, probes) in [
        (
            "allowed-was-denied",
            vec!["{ get: /forbidden, expect: allowed }"],
        ),
        (
            "denied-was-allowed",
            vec![ok, "{ get: /ok/2, expect: denied }"],
        ),
        ("unwitnessed", vec![ok, "{ get: /missing, expect: denied }"]),
        ("unauthorized", vec!["{ get: /unauth, expect: allowed }"]),
        ("html", vec!["{ get: /html, expect: allowed }"]),
        (
            "refused-otherwise",
            vec!["{ get: /refused, expect: allowed }"],
        ),
        ("redirect", vec!["{ get: /redirect, expect: allowed }"]),
        ("server-error", vec!["{ get: /error, expect: allowed }"]),
        (
            "unsafe",
            vec![
                ok,
                "{ post: /ok, expect: denied, unsafe: \"it changes nothing\" }",
            ],
        ),
    ] {
        spec.push_str(&token(name, "P", &probes));
    }
    spec.push_str(&token("unset", "P_UNSET", &[ok]));
    dir.write("specs/p.yaml", &spec);
    dir.write(
        "specs/variable.yaml",
        &format!(
            "provider: probes\nbase_url: ${{P_BASE_UNSET}}\ntokens:\n{}",
            token("t", "P", &[ok])
        ),
    );
    dir.write(
        "specs/bad.yaml",
        "provider: probes\nbase_url: api.example.com\ntokens:\n  t:\n    credential: { env: P }\n    probes:\n      - { get: /ok, expect: allowed }\n",
    );
    dir.write(
        "specs/header.yaml",
        "provider: probes\nbase_url: https://api.example.com\ndenied_statuses: [401]\ntokens:\n  \
         t:\n    credential: { env: P }\n    probes:\n      - { get: /ok, expect: allowed }\n",
    );
    dir.write(
        "specs/wrong.yaml",
        "provider: probes\nbase_url: https://api.example.com\ntokens:\n  \
         login:\n    credential: { scheme: login, username: { env: U }, password: { env: W } }\n    \
         probes:\n      - { get: /ok, expect: allowed }\n  \
         denied-only:\n    credential: { env: P }\n    probes:\n      - { get: /ok, expect: denied }\n  \
         auto:\n    credential: { env: P }\n    probes: auto\n",
    );
    let env = [("P", "p-token-0123456789"), ("PERMSPEC_NOW", NOW)];
    let live = check(&dir, "live", &env);
    let record = check(&dir, "record", &env);
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    // Every case fails, each for its own reason (so each message is seen).
    for out in [&live, &record] {
        assert!(out.stdout.contains("0 passed; 16 failed"), "{}", out.stdout);
    }
    assert_fails(&live, "p::unauthorized", &["a 401 is never a denial"]);
    assert_fails(&live, "p::html", &["HTML page"]);
    assert_fails(&live, "p::allowed-was-denied", &["the probes at http://"]);
    assert_fails(
        &live,
        "variable::t",
        &["P_BASE_UNSET=https://api.example.com"],
    );
    assert_fails(&live, "bad::t", &["such as https://api.example.com"]);
    assert_fails(&live, "wrong::login", &["provider `probes` has no sign-in"]);
    assert_fails(&live, "header::t", &["[403, 404] for an API that hides"]);
    assert_fails(
        &live,
        "p::refused-otherwise",
        &["as the spec's `refused_when.denied` lists them"],
    );
    let words = [
        "DocSpace",
        "docspace",
        "portal",
        "API key",
        "GitHub",
        "github",
        "Slack",
        "Stripe",
        "Vault",
        "Kubernetes",
        "Coveo",
        "GitLab",
        "Google",
        "decoded offline",
        "JWT",
        "sk-",
    ];
    for (run, out) in [("live", &live), ("record", &record), ("replay", &replay)] {
        for word in words {
            for (stream, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
                // Provider names listed as facts ("works with docspace")
                // are names, not wording: only the `auto` and sign-in
                // errors list them, and their lines are left out.
                let shown: String = text
                    .lines()
                    .filter(|l| !l.contains("works with"))
                    .collect::<Vec<_>>()
                    .join("\n");
                assert!(
                    !shown.contains(word),
                    "{run} {stream} says {word:?}:\n{text}"
                );
            }
        }
    }
}
