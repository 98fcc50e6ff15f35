//! The trust issue's third pass (issue 35): each numbered finding, as a
//! user or an attacker met it, through the binary and a loopback server
//! answering as the API does. Each test failed on the main branch before
//! its fix (`f01` .. `f10` are the issue's numbers).

use crate::support::server::{Hit, Reply};
use crate::support::{TempDir, run};
use crate::{assert_absent, assert_fails, assert_passes, check, serve};
use serde_json::json;

const SLACK_BOT: &str = "xoxb-730112233445-8810293847561-CanaryProbeTokenQw3rty";
const GH_REPO: &str = "ghp_Th1rdPassRepoT0kenCanary00000000000a1";
const GH_FINE: &str = "github_pat_11THIRDPASS0canary_fine0grained0token0000";
const API_TOKEN: &str = "tok-third-pass-canary-7f3e9c2a1b4d5e6f";

/// A Slack workspace: `auth.test` reports the bot's scopes in the header;
/// every method answers HTTP 200, refusals included (`ok: false`), as
/// Slack does (api.slack.com/web, "Evaluating responses").
fn slack(hit: &Hit) -> Reply {
    if hit.header("authorization") != Some(&format!("Bearer {SLACK_BOT}")) {
        return Reply::json(200, r#"{"ok":false,"error":"invalid_auth"}"#);
    }
    match hit.path() {
        "/auth.test" => Reply::json(
            200,
            r#"{"ok":true,"url":"https://acme.slack.com/","team":"Acme","user":"bot","team_id":"T1","user_id":"U1","bot_id":"B1"}"#,
        )
        .with_header("x-oauth-scopes", "chat:write,channels:read"),
        // A success longer than a few KiB is read to the end for `ok`.
        "/conversations.list" => Reply::json(
            200,
            format!(r#"{{"ok":true,"channels":[{{"name":"{}"}}]}}"#, "x".repeat(4000)),
        ),
        "/conversations.history" => Reply::json(
            200,
            r#"{"ok":false,"error":"missing_scope","needed":"channels:history","provided":"chat:write,channels:read"}"#,
        ),
        "/conversations.info" => Reply::json(
            200,
            r#"{"ok":false,"error":"invalid_arguments","response_metadata":{"messages":["[ERROR] missing required field: channel"]}}"#,
        ),
        _ => Reply::json(200, r#"{"ok":false,"error":"unknown_method"}"#),
    }
}

/// Finding 1: Slack refuses with HTTP 200. A refusal never reads as
/// allowed; a permission error is a denial; any other `ok: false` proves
/// nothing.
#[test]
fn f01_slack_probes_are_judged_on_the_body_slack_refuses_with() {
    let server = serve(slack);
    let dir = TempDir::new("f01");
    let token = |name: &str, probe: &str, expect: &str| {
        format!(
            "  {name}:\n    credential: {{ env: SLACK }}\n    expect: {{ at_most: [chat:write, channels:read] }}\n    \
             probes:\n      - {{ get: \"{probe}\", expect: {expect} }}\n"
        )
    };
    let tokens = [
        token(
            "history-allowed",
            "/conversations.history?channel=C1",
            "allowed",
        ),
        token(
            "history-denied",
            "/conversations.history?channel=C1",
            "denied",
        ),
        token(
            "no-such-method",
            "/conversations.hisotry?channel=C1",
            "allowed",
        ),
        token(
            "no-such-method-denied",
            "/conversations.hisotry?channel=C1",
            "denied",
        ),
        token("bad-arguments", "/conversations.info", "denied"),
        token("list-allowed", "/conversations.list?limit=1", "allowed"),
        token("list-denied", "/conversations.list?limit=1", "denied"),
    ]
    .concat();
    dir.write(
        "specs/slack.yaml",
        &format!(
            "provider: slack\nbase_url: {}\ntokens:\n{tokens}",
            server.url()
        ),
    );
    for mode in ["record", "replay"] {
        let out = check(&dir, mode, &[("SLACK", SLACK_BOT)]);
        assert_fails(
            &out,
            "slack::history-allowed",
            &[
                "expected allowed, answered 200 refusing `missing_scope` (denied)",
                "needs channels:history",
            ],
        );
        assert_passes(&out, "slack::history-denied");
        assert_passes(&out, "slack::list-allowed");
        assert_fails(&out, "slack::list-denied", &["expected denied"]);
        if mode == "record" {
            // Proves nothing, so nothing of it is recorded.
            for case in ["slack::no-such-method", "slack::no-such-method-denied"] {
                assert_fails(&out, case, &["unknown_method", "proves nothing"]);
            }
            assert_fails(
                &out,
                "slack::bad-arguments",
                &["invalid_arguments", "proves nothing"],
            );
        }
    }
    // The fixture keeps the verdict the judge used (what read the body and
    // the reason it gave), never the body.
    let stored =
        std::fs::read_to_string(dir.path().join("fixtures/slack/history-denied.json")).unwrap();
    let stored: serde_json::Value = serde_json::from_str(&stored).unwrap();
    assert_eq!(
        stored["probes"][0]["refused"], "missing_scope",
        "{stored:#}"
    );
    assert_eq!(
        stored["probes"][0]["read_by"], "slack ok/error",
        "{stored:#}"
    );
    assert!(
        !dir.path()
            .join("fixtures/slack/no-such-method.json")
            .exists()
    );
}

/// Finding 2: a probe carries the credential as the case's own request
/// does: in the query parameter the API reads, never a header it ignores.
#[test]
fn f02_probes_send_the_credential_where_the_api_reads_it() {
    let server = serve(|hit: &Hit| {
        let query_token = hit
            .target
            .split_once('?')
            .and_then(|(_, q)| q.split('&').find_map(|kv| kv.strip_prefix("access_token=")));
        if query_token != Some(API_TOKEN) {
            return Reply::json(401, r#"{"error":"no access_token parameter"}"#);
        }
        match hit.path() {
            "/tokeninfo" => Reply::json(200, r#"{"scopes":["reports:read"]}"#),
            "/v1/reports" => Reply::json(200, r#"{"reports":[]}"#),
            _ => Reply::json(403, r#"{"error":"forbidden"}"#),
        }
    });
    let dir = TempDir::new("f02");
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /tokeninfo, token_query: access_token }}\n\
             privileges: {{ json: /scopes }}\ntokens:\n  \
             reporter:\n    credential: {{ env: API }}\n    expect: {{ at_most: [reports:read] }}\n    \
             probes:\n      - {{ get: /v1/reports, expect: denied }}\n      - {{ get: /v1/admin, expect: denied }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "record", &[("API", API_TOKEN)]);
    assert_fails(
        &out,
        "api::reporter",
        &["GET /v1/reports", "expected denied, answered 200"],
    );
    // Every probe went with the token in the query, none in a header.
    for hit in server.hits() {
        assert!(hit.target.contains("access_token="), "{hit:?}");
        assert!(hit.header("authorization").is_none(), "{hit:?}");
    }
    assert_absent("stdout", &out.stdout, API_TOKEN);
}

/// Finding 3: a 401 says the credential was not accepted; it never proves
/// a denial, and `denied_statuses` may not say it does.
#[test]
fn f03_a_401_never_proves_a_denial() {
    let server = serve(|hit: &Hit| match hit.path() {
        "/health" => Reply::json(200, r#"{"status":"ok"}"#),
        _ => Reply::json(401, r#"{"message":"Bad credentials"}"#),
    });
    let dir = TempDir::new("f03");
    let spec = |extra: &str| {
        format!(
            "provider: probes\nbase_url: {}\n{extra}tokens:\n  \
             mistyped:\n    credential: {{ env: TOKEN }}\n    probes:\n      \
             - {{ get: /health, expect: allowed }}\n      - {{ get: /admin/users, expect: denied }}\n",
            server.url()
        )
    };
    dir.write("specs/api.yaml", &spec(""));
    dir.write("specs/listed.yaml", &spec("denied_statuses: [401, 403]\n"));
    let out = check(&dir, "live", &[("TOKEN", "mistyped-credential-value-0000")]);
    assert_fails(
        &out,
        "api::mistyped",
        &[
            "GET /admin/users",
            "401",
            "the credential was not accepted for this request",
        ],
    );
    assert_fails(
        &out,
        "listed::mistyped",
        &[
            "401 cannot mean denied",
            "the credential not being accepted",
        ],
    );
}

/// Beyond finding 1: any API that refuses inside a 2xx answer (GraphQL's
/// `errors`) can say so with `refused_when`; only a reason it lists is a
/// denial, and a fixture read under another rule is stale.
#[test]
fn f01_refused_when_reads_refusals_a_spec_describes() {
    let server = serve(|hit: &Hit| match hit.path() {
        "/v1/viewer" => Reply::json(200, r#"{"data":{"viewer":{"login":"ci"}}}"#),
        "/v1/billing" => Reply::json(
            200,
            r#"{"data":null,"errors":[{"type":"FORBIDDEN","message":"Resource not accessible"}]}"#,
        ),
        "/v1/billling" => Reply::json(
            200,
            r#"{"data":null,"errors":[{"message":"Field 'billling' doesn't exist on type 'Query'"}]}"#,
        ),
        "/v1/large" => Reply::json(200, format!(r#"{{"data":"{}"}}"#, "x".repeat(300_000))),
        // A refusal by status is judged on its status: its body (not
        // JSON here) is not read for a 2xx refusal.
        "/v1/admin" => Reply::json(403, "Forbidden").with_content_type("text/plain"),
        _ => Reply::json(404, r#"{"message":"Not Found"}"#),
    });
    let dir = TempDir::new("f01-refused-when");
    let spec = |reason: &str, denied: &str| {
        format!(
            "provider: probes\nbase_url: {}\n\
             refused_when: {{ json: /errors, reason: {reason}, denied: [{denied}] }}\n\
             tokens:\n  \
             reader:\n    credential: {{ env: API }}\n    probes:\n      \
             - {{ get: /v1/viewer, expect: allowed }}\n      - {{ get: /v1/billing, expect: denied }}\n      \
             - {{ get: /v1/admin, expect: denied }}\n  \
             typo:\n    credential: {{ env: API }}\n    probes:\n      \
             - {{ get: /v1/viewer, expect: allowed }}\n      - {{ get: /v1/billling, expect: denied }}\n  \
             wrong:\n    credential: {{ env: API }}\n    probes:\n      \
             - {{ get: /v1/billing, expect: allowed }}\n  \
             large:\n    credential: {{ env: API }}\n    probes:\n      \
             - {{ get: /v1/large, expect: allowed }}\n",
            server.url()
        )
    };
    dir.write("specs/api.yaml", &spec("/errors/0/type", "FORBIDDEN"));
    let env = [("API", API_TOKEN)];
    let out = check(&dir, "record", &env);
    assert_passes(&out, "api::reader");
    assert_fails(
        &out,
        "api::typo",
        &[
            "gives no reason",
            "proves nothing",
            "for a reason the API gives",
        ],
    );
    assert_fails(
        &out,
        "api::wrong",
        &["expected allowed, answered 200 refusing `FORBIDDEN` (denied)"],
    );
    assert_fails(&out, "api::large", &["more than a refusal is read to"]);
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "api::reader");
    // The reasons that are denials are judged again on the stored reason...
    dir.write("specs/api.yaml", &spec("/errors/0/type", "NOT_FOUND"));
    let narrower = check(&dir, "replay", &[]);
    assert_fails(
        &narrower,
        "api::reader",
        &["? GET /v1/billing", "`refused_when.denied` does not list"],
    );
    // ...but a body read another way answers another question.
    dir.write(
        "specs/api.yaml",
        &spec("/errors/0/extensions/code", "FORBIDDEN"),
    );
    let stale = check(&dir, "replay", &[]);
    assert_fails(
        &stale,
        "api::reader",
        &[
            "judged the answer to `GET /v1/viewer` by `json /errors; reason /errors/0/type`",
            "permspec record --exact api::reader",
        ],
    );
    assert_absent("stdout", &out.stdout, API_TOKEN);
}

/// `refused_when` goes where a spec describes its API, nowhere else; a
/// status or a placement that cannot prove a denial is a spec error.
#[test]
fn f01_f02_f03_specs_that_could_not_judge_a_probe_are_errors() {
    let dir = TempDir::new("f0x-spec-errors");
    dir.write(
        "specs/github.yaml",
        "provider: github\nrefused_when: { json: /errors }\ntokens:\n  \
         ci:\n    credential: { env: GH }\n    expect: { at_most: [repo] }\n",
    );
    dir.write(
        "specs/slack.yaml",
        "provider: slack\nrefused_when: { json: /error }\ntokens:\n  \
         bot:\n    credential: { env: SLACK }\n    expect: { at_most: [chat:write] }\n",
    );
    dir.write(
        "specs/api.yaml",
        "provider: probes\nbase_url: https://api.example.com\n\
         refused_when: { json: errors, denied: [] }\ntokens:\n  \
         ci:\n    credential: { env: API }\n    probes:\n      - { get: /x, expect: allowed }\n",
    );
    dir.write(
        "specs/coveo.yaml",
        "provider: coveo\norganization: acme\ncaller: { env: COVEO_ADMIN }\ntokens:\n  \
         search:\n    credential: { env: COVEO }\n    expect: { at_most: [SEARCH_API:EXECUTE_QUERY] }\n    \
         probes:\n      - { get: /rest/search/v2, expect: allowed }\n",
    );
    for (name, refused_when) in [
        ("no-reason", "{ json: /errors, denied: [] }"),
        ("spaced", "{ json: /errors, denied: [\" FORBIDDEN\"] }"),
        ("twice", "{ json: /errors, denied: [A, A] }"),
        ("reason", "{ json: /errors, reason: errors/0 }"),
    ] {
        dir.write(
            &format!("specs/{name}.yaml"),
            &format!(
                "provider: probes\nbase_url: https://api.example.com\nrefused_when: {refused_when}\n\
                 tokens:\n  ci:\n    credential: {{ env: API }}\n    probes:\n      - {{ get: /x, expect: allowed }}\n"
            ),
        );
    }
    let out = check(&dir, "replay", &[]);
    for (name, says) in [
        ("no-reason", "`denied: []` lists no reason"),
        ("spaced", "space at an end"),
        ("twice", "`A` is listed twice"),
        ("reason", "`reason: errors/0` is not a JSON pointer"),
    ] {
        assert_fails(&out, &format!("{name}::ci"), &[says]);
    }
    assert_fails(
        &out,
        "github::ci",
        &["provider `github` takes no `refused_when`"],
    );
    assert_fails(&out, "slack::bot", &["reads its API's refusals itself"]);
    assert_fails(&out, "api::ci", &["`json: errors` is not a JSON pointer"]);
    assert_fails(
        &out,
        "coveo::search",
        &[
            "with `caller:`",
            "cannot send it as the case's own request does",
        ],
    );
}

/// Finding 4: GitHub documents that `repo` "also grants access to manage
/// organization-owned resources including projects": forbidding projects
/// fails a `repo` token.
#[test]
fn f04_github_repo_may_give_projects() {
    let server = serve(|hit: &Hit| {
        let scopes = match hit.header("authorization") {
            Some(a) if a == format!("Bearer {GH_REPO}") => "repo",
            _ => return Reply::json(401, r#"{"message":"Bad credentials"}"#),
        };
        Reply::json(200, r#"{"login":"ci"}"#).with_header("X-OAuth-Scopes", scopes)
    });
    let dir = TempDir::new("f04");
    dir.write(
        "specs/github.yaml",
        &format!(
            "provider: github\nbase_url: {}\ntokens:\n  \
             project:\n    credential: {{ env: GH }}\n    expect: {{ forbidden: [project] }}\n  \
             read-project:\n    credential: {{ env: GH }}\n    expect: {{ forbidden: [\"read:project\"] }}\n  \
             ceiling:\n    credential: {{ env: GH }}\n    expect: {{ at_most: [repo] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "live", &[("GH", GH_REPO)]);
    assert_fails(&out, "github::project", &["overlaps forbidden `project`"]);
    assert_fails(
        &out,
        "github::read-project",
        &["overlaps forbidden `read:project`"],
    );
    assert_passes(&out, "github::ceiling");
}

/// Finding 5: a scopes header made only of separators is no list at all,
/// never "no scopes".
#[test]
fn f05_a_scopes_header_of_separators_is_no_evidence() {
    let github = serve(|_: &Hit| {
        Reply::json(200, r#"{"login":"ci"}"#).with_header("X-OAuth-Scopes", " , ,")
    });
    let slack = serve(|hit: &Hit| match hit.path() {
        "/auth.test" => Reply::json(200, r#"{"ok":true,"team":"Acme","user":"bot"}"#)
            .with_header("x-oauth-scopes", ","),
        _ => Reply::json(200, r#"{"ok":false,"error":"unknown_method"}"#),
    });
    let dir = TempDir::new("f05");
    dir.write(
        "specs/github.yaml",
        &format!(
            "provider: github\nbase_url: {}\ntokens:\n  \
             none:\n    credential: {{ env: GH }}\n    expect: {{ exactly: [] }}\n",
            github.url()
        ),
    );
    dir.write(
        "specs/slack.yaml",
        &format!(
            "provider: slack\nbase_url: {}\ntokens:\n  \
             none:\n    credential: {{ env: SLACK }}\n    expect: {{ at_most: [chat:write] }}\n",
            slack.url()
        ),
    );
    let out = check(&dir, "live", &[("GH", GH_FINE), ("SLACK", SLACK_BOT)]);
    assert_fails(&out, "github::none", &["X-OAuth-Scopes", "only separators"]);
    assert_fails(&out, "slack::none", &["x-oauth-scopes", "only separators"]);
}

/// Finding 9: GitLab's `expires_at` is a required field (null for a token
/// that never expires); an answer without it is no evidence of "never".
#[test]
fn f09_a_gitlab_answer_without_expires_at_is_an_error() {
    let server = serve(|_: &Hit| {
        Reply::json(
            200,
            json!({"id": 1, "name": "ci", "revoked": false, "active": true,
                   "scopes": ["read_api"], "user_id": 2, "created_at": "2026-01-01T00:00:00Z"})
            .to_string(),
        )
    });
    let dir = TempDir::new("f09");
    dir.write(
        "specs/gitlab.yaml",
        &format!(
            "provider: gitlab\nbase_url: {}\ntokens:\n  \
             ci:\n    credential: {{ env: GL }}\n    expect: {{ at_most: [read_api], expires_within: 90d }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "live", &[("GL", "glpat-ThirdPassCanary000000")]);
    assert_fails(&out, "gitlab::ci", &["no `expires_at` member"]);
    assert!(
        !out.stdout.contains("the token never expires"),
        "{}",
        out.stdout
    );
}

/// Finding 10: a Vault `base_url` that already ends in `/v1` doubles the
/// path permspec appends; the failure says so, not only "check the
/// credential".
#[test]
fn f10_a_vault_base_url_ending_in_v1_gets_a_hint() {
    let server = serve(|_: &Hit| Reply::json(403, r#"{"errors":["permission denied"]}"#));
    let dir = TempDir::new("f10");
    dir.write(
        "specs/vault.yaml",
        &format!(
            "provider: vault\nbase_url: {}/v1\npaths: [secret/data/app]\ntokens:\n  \
             app:\n    credential: {{ env: VAULT }}\n    expect: {{ at_most: [\"secret/data/app:read\"] }}\n",
            server.url()
        ),
    );
    let out = check(
        &dir,
        "live",
        &[("VAULT", "hvs.ThirdPassCanaryVaultToken00")],
    );
    assert_fails(
        &out,
        "vault::app",
        &["/v1/v1/", "`base_url` already ends in `/v1`"],
    );
    // Any refusal says the address may be the cause, beside the credential.
    dir.write(
        "specs/vault.yaml",
        &format!(
            "provider: vault\nbase_url: {}\npaths: [secret/data/app]\ntokens:\n  \
             app:\n    credential: {{ env: VAULT }}\n    expect: {{ at_most: [\"secret/data/app:read\"] }}\n",
            server.url()
        ),
    );
    let out = check(
        &dir,
        "live",
        &[("VAULT", "hvs.ThirdPassCanaryVaultToken00")],
    );
    assert_fails(
        &out,
        "vault::app",
        &[
            "check the credential",
            "`base_url` is the API's own address",
        ],
    );
}

/// Finding 6: a credential made only of digits, echoed as a JSON number
/// (or inside one's digits), is scrubbed before anything is stored: a
/// float conversion never keeps 16 of its digits, and the case's own
/// credential is never called another's.
#[test]
fn f06_a_credential_echoed_as_a_number_never_reaches_a_fixture() {
    const LONG: &str = "12345678901234567890123456";
    const SHORT: &str = "987654321098";
    let server = serve(|hit: &Hit| {
        let token = hit
            .header("authorization")
            .unwrap_or("")
            .trim_start_matches("Bearer ")
            .to_owned();
        let echo = format!(
            r#"{{"scopes":["reports:read"],"token_id":{token},"serial":77{token}77,"ratio":{token}.5,"note":"{token}"}}"#
        );
        Reply::json(200, echo)
    });
    let dir = TempDir::new("f06");
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {{ json: /scopes }}\ntokens:\n  \
             long:\n    credential: {{ env: LONG }}\n    expect: {{ exactly: [reports:read] }}\n  \
             short:\n    credential: {{ env: SHORT }}\n    expect: {{ exactly: [reports:read] }}\n",
            server.url()
        ),
    );
    let env = [("LONG", LONG), ("SHORT", SHORT)];
    let record = check(&dir, "record", &env);
    assert_passes(&record, "api::long");
    assert_passes(&record, "api::short");
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "api::long");
    assert_passes(&replay, "api::short");
    for (path, bytes) in dir.all_files() {
        let text = String::from_utf8_lossy(&bytes);
        for needle in [LONG, SHORT, &LONG[..16], "1.2345678901234566e"] {
            assert!(
                !text.contains(needle),
                "{} holds {needle}:\n{text}",
                path.display()
            );
        }
    }
    for out in [&record, &replay] {
        assert_absent("stdout", &out.stdout, SHORT);
        assert_absent("stdout", &out.stdout, &LONG[..16]);
    }
}

/// Finding 7: `review` accepts only an answer that judges: one that
/// answers another request, is not JSON, or holds a credential stays
/// pending, the fixture stays, and the command says why and fails.
#[test]
fn f07_review_never_accepts_an_answer_that_does_not_judge() {
    let base = "https://portal.example.com";
    let dir = TempDir::new("f07");
    let tokens = ["good", "moved", "garbled", "leaky"]
        .map(|t| {
            format!(
                "  {t}:\n    credential: {{ env: KEY }}\n    expect: {{ at_most: [files:read] }}\n"
            )
        })
        .concat();
    dir.write(
        "specs/keys.yaml",
        &format!("provider: docspace\nbase_url: {base}\ntokens:\n{tokens}"),
    );
    let fixture = |permissions: &str| crate::support::key_fixture(base, "KEY", permissions);
    for t in ["good", "moved", "garbled", "leaky"] {
        dir.write(
            &format!("fixtures/keys/{t}.json"),
            &fixture(r#"["files:read"]"#),
        );
    }
    dir.write(
        "fixtures/keys/good.json.new",
        &fixture(r#"["files:write"]"#),
    );
    dir.write(
        "fixtures/keys/moved.json.new",
        &crate::support::key_fixture("https://elsewhere.example.com", "KEY", r#"["files:read"]"#),
    );
    dir.write(
        "fixtures/keys/garbled.json.new",
        "<html>not an answer</html>",
    );
    dir.write(
        "fixtures/keys/leaky.json.new",
        &fixture(r#"["files:read"], "echo": "ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t""#),
    );
    let before: Vec<String> = ["moved", "garbled", "leaky"]
        .iter()
        .map(|t| {
            std::fs::read_to_string(dir.path().join(format!("fixtures/keys/{t}.json"))).unwrap()
        })
        .collect();
    let out = run(&mut crate::permspec_in(&dir, &["review", "--accept-all"]));
    assert_ne!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("1 accepted, 0 rejected, 3 left pending"),
        "{}",
        out.stdout
    );
    for (t, why) in [
        ("moved", "answers another request than the spec asks now"),
        ("garbled", "not a permspec fixture"),
        ("leaky", "holds what looks like a credential"),
    ] {
        assert!(
            out.stderr
                .contains(&format!("fixtures/keys/{t}.json.new is not accepted"))
                && out.stderr.contains(why),
            "{t}: {}",
            out.stderr
        );
        assert!(
            dir.path()
                .join(format!("fixtures/keys/{t}.json.new"))
                .exists(),
            "{t}"
        );
    }
    let after: Vec<String> = ["moved", "garbled", "leaky"]
        .iter()
        .map(|t| {
            std::fs::read_to_string(dir.path().join(format!("fixtures/keys/{t}.json"))).unwrap()
        })
        .collect();
    assert_eq!(before, after, "the fixtures are untouched");
    assert!(!dir.path().join("fixtures/keys/good.json.new").exists());
    assert!(
        std::fs::read_to_string(dir.path().join("fixtures/keys/good.json"))
            .unwrap()
            .contains("files:write")
    );
    assert_absent("stdout", &out.stdout, "ghp_R4nd0mCanary");
    assert_absent("stderr", &out.stderr, "ghp_R4nd0mCanary");
}

/// Finding 8: `init --out` never writes through a link to a folder
/// outside the specs folder.
#[cfg(unix)]
#[test]
fn f08_init_refuses_a_link_out_of_the_specs_folder() {
    let key = "sk-thirdpass0000000000000000000000000000000000000000000000000000008";
    let portal = crate::support::docspace::Portal::default()
        .with_key(key, &["files:read"])
        .start();
    let dir = TempDir::new("f08");
    std::fs::create_dir_all(dir.path().join("specs")).unwrap();
    std::fs::create_dir_all(dir.path().join("elsewhere")).unwrap();
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), dir.path().join("specs/team"))
        .unwrap();
    let out = run(&mut crate::init_docspace(
        &dir,
        &portal.url(),
        "x",
        key,
        &["--out", "specs/team/x.yaml"],
    ));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("outside the specs folder"),
        "{}",
        out.stderr
    );
    assert_eq!(
        std::fs::read_dir(dir.path().join("elsewhere"))
            .unwrap()
            .count(),
        0
    );
    assert!(!dir.path().join("fixtures").exists());
    // A link that stays inside the specs folder is its own business.
    std::fs::create_dir_all(dir.path().join("specs/real")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("specs/real"),
        dir.path().join("specs/alias"),
    )
    .unwrap();
    let out = run(&mut crate::init_docspace(
        &dir,
        &portal.url(),
        "x",
        key,
        &["--out", "specs/alias/x.yaml"],
    ));
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(dir.path().join("specs/real/x.yaml").exists());
}

/// Open vocabularies: a `forbidden` or `at_most` entry a typo away from
/// what the token holds fails as one; `vocabulary:` closes the list, and
/// every entry is then checked when the spec loads, with "did you mean".
#[test]
fn open_vocabularies_catch_typos_and_close_with_a_vocabulary() {
    let server = serve(|_: &Hit| Reply::json(200, r#"{"scopes":["admin:write","reports:read"]}"#));
    let dir = TempDir::new("vocabulary");
    let spec = |extra: &str, tokens: &str| {
        format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {{ json: /scopes }}\n{extra}tokens:\n{tokens}",
            server.url()
        )
    };
    let token = |name: &str, expect: &str| {
        format!("  {name}:\n    credential: {{ env: API }}\n    expect: {expect}\n")
    };
    dir.write(
        "specs/open.yaml",
        &spec(
            "",
            &[
                token("forbidden-typo", "{ forbidden: [\"admin:wirte\"] }"),
                token("right", "{ forbidden: [\"billing:write\"], at_most: [\"admin:write\", \"reports:read\"] }"),
            ]
            .concat(),
        ),
    );
    dir.write(
        "specs/closed.yaml",
        &spec(
            "vocabulary: [\"admin:write\", \"admin:read\", \"reports:read\", \"billing:write\"]\n",
            &[
                token("typo", "{ forbidden: [\"admin:wirte\"] }"),
                token("truncated", "{ forbidden: [\"billing:wr\"] }"),
                token("glob-nothing", "{ forbidden: [\"payments:*\"] }"),
                token("right", "{ forbidden: [\"billing:write\", \"admin:*\"] }"),
            ]
            .concat(),
        ),
    );
    dir.write(
        "specs/wrong-place.yaml",
        "provider: github\nvocabulary: [repo]\ntokens:\n  a:\n    credential: { env: API }\n    expect: { at_most: [repo] }\n",
    );
    let out = check(&dir, "live", &[("API", API_TOKEN)]);
    assert_fails(
        &out,
        "open::forbidden-typo",
        &[
            "`forbidden` entry `admin:wirte` names nothing the token holds, but is 1 edit from `admin:write`",
            "did you mean `admin:write`?",
            "`vocabulary:`",
        ],
    );
    assert_passes(&out, "open::right");
    assert_fails(
        &out,
        "closed::typo",
        &["`admin:wirte` is not a name in this spec's `vocabulary`; did you mean `admin:write`?"],
    );
    assert_fails(
        &out,
        "closed::truncated",
        &["did you mean `billing:write`?"],
    );
    assert_fails(
        &out,
        "closed::glob-nothing",
        &["`payments:*` matches no name in this spec's `vocabulary`"],
    );
    assert_fails(
        &out,
        "closed::right",
        &["+ admin:write", "overlaps forbidden `admin:*`"],
    );
    assert_fails(
        &out,
        "wrong-place::a",
        &["provider `github` checks names against its own list already"],
    );
}

/// The witness of a 404: only another case allowed the very same request
/// (the `base_url` as written, method, path, body) with a 2xx. A case
/// allowed another path, another method, at another address, or answered
/// 404 itself, witnesses nothing; a 404 the spec does not read as a
/// denial needs no witness, and none is recorded for it.
#[test]
fn a_404_is_witnessed_only_by_the_same_request_allowed() {
    const OWNER: &str = "github_pat_11WITNESS0owner0000000000000000";
    const OTHER: &str = "github_pat_11WITNESS0other0000000000000000";
    const REFUSED: &str = "github_pat_11WITNESS0refused00000000000000";
    let server = serve(|hit: &Hit| {
        let owner = hit.header("authorization") == Some(&format!("Bearer {OWNER}"));
        // A 200 that refuses in its body (read so by the spec that asks it).
        if hit.header("authorization") == Some(&format!("Bearer {REFUSED}")) {
            return match hit.path() {
                "/user" => Reply::json(200, r#"{"data":{"login":"refused"}}"#),
                _ => Reply::json(200, r#"{"errors":[{"type":"FORBIDDEN"}]}"#),
            };
        }
        match (hit.method.as_str(), hit.path(), owner) {
            ("GET", "/repos/acme/payroll", true) => Reply::json(200, r#"{"name":"payroll"}"#),
            ("HEAD", "/repos/acme/payroll", _) => Reply::json(200, ""),
            ("GET", "/repos/acme/app", _) => Reply::json(200, r#"{"name":"app"}"#),
            // The owner may dispatch (204); another token's invalid
            // dispatch is authorized only as far as its 404 says.
            ("POST", "/repos/acme/app/dispatches", true) => Reply::empty(204),
            ("POST", "/repos/acme/app/dispatches", false) => {
                Reply::json(404, r#"{"message":"Not Found"}"#)
            }
            _ => Reply::json(404, r#"{"message":"Not Found"}"#),
        }
    });
    let dir = TempDir::new("witness");
    let token = |name: &str, var: &str, probes: &[&str]| {
        let list: String = probes.iter().map(|p| format!("      - {p}\n")).collect();
        format!("  {name}:\n    credential: {{ env: {var} }}\n    probes:\n{list}")
    };
    let spec = |base: &str, denied: &str, tokens: &[String]| {
        format!(
            "provider: probes\nbase_url: {base}\ndenied_statuses: {denied}\ntokens:\n{}",
            tokens.concat()
        )
    };
    // Only the other token asks the payroll repository with GET: its
    // neighbours were allowed other paths, another method, and (in the
    // second spec) the same request at another address.
    dir.write(
        "specs/a.yaml",
        &spec(
            &server.url(),
            "[403, 404]",
            &[
                token(
                    "hidden",
                    "OTHER",
                    &[
                        "{ get: /repos/acme/app, expect: allowed }",
                        "{ get: /repos/acme/payroll, expect: denied }",
                    ],
                ),
                token(
                    "other-path",
                    "OWNER",
                    &["{ get: /repos/acme/app, expect: allowed }"],
                ),
                token(
                    "other-method",
                    "OTHER",
                    &["{ head: /repos/acme/payroll, expect: allowed }"],
                ),
                token(
                    "refused-too",
                    "OTHER",
                    &[
                        "{ get: /repos/acme/app, expect: allowed }",
                        "{ get: /repos/acme/payroll, expect: denied }",
                    ],
                ),
            ],
        ),
    );
    dir.write(
        "specs/b.yaml",
        &spec(
            &format!("{}/", server.url()),
            "[403, 404]",
            &[token(
                "elsewhere",
                "OWNER",
                &["{ get: /repos/acme/payroll, expect: allowed }"],
            )],
        ),
    );
    // A 200 its spec reads as a refusal shows nothing exists.
    dir.write(
        "specs/d.yaml",
        &format!(
            "provider: probes\nbase_url: {}\nrefused_when: {{ json: /errors, reason: /errors/0/type, denied: [FORBIDDEN] }}\n\
             tokens:\n  body-refused:\n    credential: {{ env: REFUSED }}\n    probes:\n      \
             - {{ get: /user, expect: allowed }}\n      - {{ get: /repos/acme/payroll, expect: denied }}\n",
            server.url()
        ),
    );
    // An unsafe probe whose 404 says "authorized" needs no witness.
    dir.write(
        "specs/c.yaml",
        &spec(
            &server.url(),
            "[403, 404]",
            &[
                token("dispatch", "OTHER", &["{ get: /repos/acme/app, expect: allowed }",
                    "{ post: /repos/acme/app/dispatches, unsafe: \"the workflow does not exist\", allowed_statuses: [404, 422], expect: allowed }"]),
                token("dispatch-witness", "OWNER", &["{ post: /repos/acme/app/dispatches, unsafe: \"the workflow does not exist\", allowed_statuses: [404, 422], expect: allowed }"]),
            ],
        ),
    );
    let env = [
        ("OWNER", OWNER),
        ("OTHER", OTHER),
        ("REFUSED", REFUSED),
        ("PERMSPEC_ALLOW_UNSAFE_PROBES", "1"),
    ];
    let out = check(&dir, "record", &env);
    for case in ["a::hidden", "a::refused-too"] {
        assert_fails(
            &out,
            case,
            &["? GET /repos/acme/payroll", "only with a witness"],
        );
    }
    assert_passes(&out, "a::other-method");
    assert_passes(&out, "d::body-refused");
    assert_passes(&out, "b::elsewhere");
    assert_passes(&out, "c::dispatch");
    let stored = std::fs::read_to_string(dir.path().join("fixtures/c/dispatch.json")).unwrap();
    assert!(!stored.contains("witness"), "{stored}");
    // The same address written the same way witnesses.
    dir.write(
        "specs/b.yaml",
        &spec(
            &server.url(),
            "[403, 404]",
            &[token(
                "elsewhere",
                "OWNER",
                &["{ get: /repos/acme/payroll, expect: allowed }"],
            )],
        ),
    );
    let out = check(&dir, "record", &env);
    assert_passes(&out, "a::hidden");
    let stored = std::fs::read_to_string(dir.path().join("fixtures/a/hidden.json")).unwrap();
    assert!(stored.contains(r#""witness": "b::elsewhere""#), "{stored}");
    assert_passes(&check(&dir, "replay", &[]), "a::hidden");
}

/// A probe whose 2xx answer changed from a refusal to a success (same
/// status) is a change of evidence: record rewrites the fixture, so
/// replay judges what live judged (the status alone would not show it).
#[test]
fn a_body_verdict_that_changes_is_recorded_anew() {
    let open = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flag = open.clone();
    let server = serve(move |hit: &Hit| match hit.path() {
        "/auth.test" => Reply::json(200, r#"{"ok":true,"team":"Acme","user":"bot"}"#)
            .with_header("x-oauth-scopes", "chat:write"),
        _ if flag.load(std::sync::atomic::Ordering::SeqCst) => {
            Reply::json(200, r#"{"ok":true,"messages":[]}"#)
        }
        _ => Reply::json(200, r#"{"ok":false,"error":"missing_scope"}"#),
    });
    let dir = TempDir::new("body-verdict-change");
    dir.write(
        "specs/slack.yaml",
        &format!(
            "provider: slack\nbase_url: {}\ntokens:\n  bot:\n    credential: {{ env: SLACK }}\n    \
             expect: {{ at_most: [chat:write] }}\n    probes:\n      \
             - {{ get: \"/conversations.history?channel=C1\", expect: denied }}\n",
            server.url()
        ),
    );
    let env = [("SLACK", SLACK_BOT)];
    assert_passes(&check(&dir, "record", &env), "slack::bot");
    open.store(true, std::sync::atomic::Ordering::SeqCst);
    let live = check(&dir, "record", &env);
    assert_fails(
        &live,
        "slack::bot",
        &["expected denied, answered 200 (allowed)"],
    );
    assert_fails(
        &check(&dir, "replay", &[]),
        "slack::bot",
        &["expected denied, answered 200 (allowed)"],
    );
}
