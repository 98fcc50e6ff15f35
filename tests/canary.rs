//! No secret ever leaves memory: run live, record and failing cases with a
//! canary key and a canary password against a server that echoes them
//! back, and look for the canaries in every byte of output and fixtures.

mod support;

use serde_json::json;
use support::coveo::Platform;
use support::docspace::{Portal, envelope};
use support::server::{Reply, Server};
use support::{TempDir, check_in, permspec, run};

const KEY: &str = "sk-canary1111111111111111111111111111111111111111111111111111111ca";
const REJECTED_KEY: &str = "sk-canary2222222222222222222222222222222222222222222222222222222cb";
const REDIRECTED_KEY: &str = "sk-canary3333333333333333333333333333333333333333333333333333333cc";
const PASSWORD: &str = "canary-pass-Zq93!x";
const COVEO_TOKEN: &str = "xxcanary0-1111-4111-8111-111111111111";
const COVEO_REVOKED: &str = "xxcanary0-2222-4222-8222-222222222222";
const CANARIES: &[&str] = &[
    KEY,
    REJECTED_KEY,
    REDIRECTED_KEY,
    PASSWORD,
    COVEO_TOKEN,
    COVEO_REVOKED,
    "canary-pass",
    "sk-canary",
    "xxcanary",
];

/// A Coveo platform that quotes the request line (with `accessToken=`) in
/// its answers and in its errors.
fn leaky_platform() -> Server {
    let platform = Platform::new("orgcanary").with_token(
        COVEO_TOKEN,
        json!([{"owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*"}]),
    );
    Server::start(move |hit| {
        let reply = platform.answer(hit);
        if reply.status == 200 {
            let mut list: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
            list[0]["seenAt"] = json!(hit.target);
            return Reply::json(200, list.to_string());
        }
        let message = format!("no such token in {}", hit.target);
        Reply::json(
            reply.status,
            json!({"message": message, "errorCode": "INVALID_TOKEN", "requestID": "r-1"})
                .to_string(),
        )
    })
}

/// A portal behind a careless proxy: successful answers carry the request's
/// Authorization header in the body, errors quote it, and the sign-in
/// echoes the password.
fn leaky_portal() -> Server {
    let portal = Portal::default().with_key(KEY, &["files:read"]).with_user(
        "canary@example.com",
        PASSWORD,
        json!({"isAdmin": true}),
    );
    Server::start(move |hit| {
        let auth = hit.header("authorization").unwrap_or("").to_owned();
        if auth.contains(REDIRECTED_KEY) {
            return Reply::empty(302).with_header(
                "Location",
                &format!("https://login.example.com/?token={auth}"),
            );
        }
        if auth.contains(REJECTED_KEY) {
            return Reply::json(
                403,
                format!(
                    r#"{{"error":{{"message":"no scope for {auth}"}},"status":1,"statusCode":403}}"#
                ),
            );
        }
        if hit.path() == "/api/2.0/authentication" {
            let reply = portal.answer(hit);
            if reply.status == 200 {
                let token = Portal::session_token("canary@example.com");
                return envelope(hit, json!({"token": token, "tfa": false, "echo": hit.body}));
            }
            return reply;
        }
        let reply = portal.answer(hit);
        if reply.status != 200 {
            return reply;
        }
        let mut body: serde_json::Value = serde_json::from_slice(&reply.body).unwrap();
        body["response"]["name"] = json!(format!("seen {auth}"));
        body["response"][auth.as_str()] = json!(true);
        Reply::json(200, body.to_string())
    })
}

fn spec(url: &str) -> String {
    format!(
        "provider: docspace\nbase_url: {url}\ntokens:\n  \
         passes:\n    credential: {{ env: CANARY_KEY }}\n    expect: {{ exactly: [files:read] }}\n  \
         mismatch:\n    credential: {{ env: CANARY_KEY }}\n    expect: {{ forbidden: [\"files:*\"] }}\n  \
         rejected:\n    credential: {{ env: REJECTED_KEY }}\n    expect: {{ exactly: [files:read] }}\n  \
         redirected:\n    credential: {{ env: REDIRECTED_KEY }}\n    expect: {{ exactly: [files:read] }}\n"
    )
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for canary in CANARIES {
        assert!(
            !text.contains(canary),
            "{what} contains the canary {canary:?}:\n{text}"
        );
    }
}

#[test]
fn canaries_appear_in_no_output_and_no_fixture() {
    let server = leaky_portal();
    let coveo = leaky_platform();
    let dir = TempDir::new("canary");
    dir.write(
        "specs/coveo.yaml",
        &format!(
            "provider: coveo\norganization: orgcanary\nbase_url: {}\ntokens:\n  \
             search:\n    credential: {{ env: COVEO_TOKEN }}\n    expect: {{ forbidden: [\"SEARCH_API:*\"] }}\n  \
             revoked:\n    credential: {{ env: COVEO_REVOKED }}\n    expect: {{ exactly: [] }}\n",
            coveo.url()
        ),
    );
    dir.write("specs/keys.yaml", &spec(&server.url()));
    dir.write(
        "specs/account.yaml",
        &format!(
            "provider: docspace-account\nbase_url: {}\ntokens:\n  admin:\n    \
             credential: {{ scheme: login, username: {{ env: DS_USER }}, password: {{ env: DS_PASSWORD }} }}\n    \
             expect: {{ at_most: [role:user] }}\n  \
             basic:\n    credential: {{ scheme: basic, username: {{ env: DS_USER }}, password: {{ env: DS_PASSWORD }} }}\n    \
             expect: {{ exactly: [role:docspace-admin] }}\n",
            server.url()
        ),
    );
    let env = [
        ("CANARY_KEY", KEY),
        ("REJECTED_KEY", REJECTED_KEY),
        ("REDIRECTED_KEY", REDIRECTED_KEY),
        ("DS_USER", "canary@example.com"),
        ("DS_PASSWORD", PASSWORD),
        ("COVEO_TOKEN", COVEO_TOKEN),
        ("COVEO_REVOKED", COVEO_REVOKED),
    ];
    for mode in ["live", "record"] {
        let out = run(check_in(&dir, mode).envs(env));
        assert_eq!(
            out.code, 101,
            "{mode}: some cases fail on purpose\n{}",
            out.stdout
        );
        assert!(
            out.stdout.contains("[REDACTED]"),
            "{mode}: the echoes were scrubbed, not absent\n{}",
            out.stdout
        );
        assert_clean(&format!("{mode} stdout"), out.stdout.as_bytes());
        assert_clean(&format!("{mode} stderr"), out.stderr.as_bytes());
    }
    let replay = run(permspec().current_dir(dir.path()).arg("check"));
    assert_clean("replay stdout", replay.stdout.as_bytes());
    let files = dir.all_files();
    for recorded in [
        "fixtures/keys/passes.json",
        "fixtures/account/admin.json",
        "fixtures/coveo/search.json",
    ] {
        assert!(
            files.iter().any(|(p, _)| p.ends_with(recorded)),
            "{recorded} was recorded"
        );
    }
    for (path, bytes) in files {
        if path.starts_with(dir.path().join("fixtures")) {
            assert_clean(&path.display().to_string(), &bytes);
        }
    }
}
