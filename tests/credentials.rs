//! Every credential scheme, sent to a DocSpace portal on 127.0.0.1.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::json;
use support::docspace::Portal;
use support::{TempDir, check_in, outcome, run};

const PASSWORD: &str = "canary-password-7Qx!";

fn account_spec(url: &str, credential: &str, expect: &str) -> String {
    format!(
        "provider: docspace-account\nbase_url: {url}\ntokens:\n  me:\n    credential: {credential}\n    expect: {expect}\n"
    )
}

fn portal() -> Portal {
    Portal::default()
        .with_user("admin@example.com", PASSWORD, json!({"isAdmin": true}))
        .with_user("guest@example.com", PASSWORD, json!({"isVisitor": true}))
        .with_user(
            "sso@example.com",
            PASSWORD,
            json!({"isVisitor": true, "isSSO": true}),
        )
        .with_tfa_user("tfa@example.com", PASSWORD)
}

#[test]
fn login_signs_in_first_then_sends_the_token_as_bearer() {
    let server = portal().start();
    let dir = TempDir::new("cred-login");
    dir.write(
        "specs/account.yaml",
        &account_spec(
            &server.url(),
            "{ scheme: login, username: { env: DS_USER }, password: { env: DS_PASSWORD } }",
            "{ at_most: [role:room-admin] }",
        ),
    );
    let out = run(check_in(&dir, "record")
        .env("DS_USER", "guest@example.com")
        .env("DS_PASSWORD", PASSWORD));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let hits = server.hits();
    assert_eq!(hits.len(), 2);
    assert_eq!(
        (hits[0].method.as_str(), hits[0].path()),
        ("POST", "/api/2.0/authentication")
    );
    assert_eq!(
        serde_json::from_str::<serde_json::Value>(&hits[0].body).unwrap(),
        json!({"userName": "guest@example.com", "password": PASSWORD})
    );
    let token = Portal::session_token("guest@example.com");
    assert_eq!(hits[1].path(), "/api/2.0/people/@self");
    assert_eq!(
        hits[1].header("authorization"),
        Some(format!("Bearer {token}").as_str())
    );
    // The sign-in is never recorded: the fixture is the profile answer only.
    let fixture = std::fs::read_to_string(dir.path().join("fixtures/account/me.json")).unwrap();
    assert!(fixture.contains("/api/2.0/people/@self"), "{fixture}");
    assert!(
        !fixture.contains("authentication")
            && !fixture.contains(&token)
            && !fixture.contains(PASSWORD)
    );
}

#[test]
fn roles_form_a_ladder_for_at_most() {
    let server = portal().start();
    let dir = TempDir::new("cred-ladder");
    dir.write(
        "specs/account.yaml",
        &account_spec(
            &server.url(),
            "{ scheme: basic, username: { env: DS_USER }, password: { env: DS_PASSWORD } }",
            "{ at_most: [role:room-admin] }",
        ),
    );
    let guest = run(check_in(&dir, "live")
        .env("DS_USER", "guest@example.com")
        .env("DS_PASSWORD", PASSWORD));
    assert_eq!(
        guest.code, 0,
        "a guest is below room admin:\n{}",
        guest.stdout
    );
    let admin = run(check_in(&dir, "live")
        .env("DS_USER", "admin@example.com")
        .env("DS_PASSWORD", PASSWORD));
    assert_eq!(admin.code, 101);
    assert!(
        admin.stdout.contains("granted    [role:docspace-admin]"),
        "{}",
        admin.stdout
    );
    assert!(
        admin.stdout.contains("above the ceiling [role:room-admin]"),
        "{}",
        admin.stdout
    );
}

#[test]
fn basic_auth_sends_base64_of_user_and_password() {
    let server = portal().start();
    let dir = TempDir::new("cred-basic");
    dir.write(
        "specs/account.yaml",
        &account_spec(
            &server.url(),
            "{ scheme: basic, username: { env: DS_USER }, password: { file: pw.txt } }",
            "{ exactly: [auth:sso, role:guest] }",
        ),
    );
    dir.write("pw.txt", &format!("{PASSWORD}\n"));
    let out = run(check_in(&dir, "live").env("DS_USER", "sso@example.com"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let expected = format!(
        "Basic {}",
        support::base64(format!("sso@example.com:{PASSWORD}").as_bytes())
    );
    assert_eq!(
        server.hits()[0].header("authorization"),
        Some(expected.as_str())
    );
}

#[test]
fn raw_scheme_sends_the_secret_alone() {
    let server = portal().start();
    let dir = TempDir::new("cred-raw");
    dir.write(
        "specs/account.yaml",
        &account_spec(
            &server.url(),
            "{ env: LEGACY_TOKEN, scheme: raw }",
            "{ exactly: [role:docspace-admin] }",
        ),
    );
    let token = Portal::session_token("admin@example.com");
    let out = run(check_in(&dir, "live").env("LEGACY_TOKEN", &token));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        server.hits()[0].header("authorization"),
        Some(token.as_str())
    );
}

#[test]
fn a_key_file_works_where_an_environment_variable_does() {
    let key = "sk-filecanary0000000000000000000000000000000000000000000000000000f1";
    let server = Portal::default().with_key(key, &["rooms:read"]).start();
    let dir = TempDir::new("cred-file");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  k:\n    credential: {{ file: secrets/key }}\n    expect: {{ exactly: [rooms:read] }}\n  \
             gone:\n    credential: {{ file: secrets/missing }}\n    expect: {{ exactly: [rooms:read] }}\n",
            server.url()
        ),
    );
    dir.write("secrets/key", &format!("{key}\n"));
    let out = run(&mut check_in(&dir, "live"));
    assert_eq!(
        outcome(&out.stdout, "keys::k"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("cannot read the credential file secrets/missing: entity not found"),
        "{}",
        out.stdout
    );
}

#[test]
fn two_factor_and_wrong_passwords_are_explained() {
    let server = portal().start();
    let dir = TempDir::new("cred-tfa");
    let login = "{ scheme: login, username: { env: DS_USER }, password: { env: DS_PASSWORD } }";
    dir.write(
        "specs/account.yaml",
        &account_spec(&server.url(), login, "{ exactly: [role:user] }"),
    );
    let tfa = run(check_in(&dir, "live")
        .env("DS_USER", "tfa@example.com")
        .env("DS_PASSWORD", PASSWORD));
    assert!(
        tfa.stdout
            .contains("two-factor authentication is on for this account"),
        "{}",
        tfa.stdout
    );
    let wrong = run(check_in(&dir, "live")
        .env("DS_USER", "admin@example.com")
        .env("DS_PASSWORD", "nope"));
    assert!(
        wrong.stdout.contains("sign-in failed: the portal rejected the user name or password (server said: User authentication failed)"),
        "{}",
        wrong.stdout
    );
    for out in [&tfa, &wrong] {
        assert!(!out.stdout.contains(PASSWORD) && !out.stderr.contains(PASSWORD));
    }
}

#[test]
fn scheme_mistakes_are_spec_errors() {
    let dir = TempDir::new("cred-spec");
    dir.write(
        "specs/account.yaml",
        "provider: docspace-account\nbase_url: https://portal.example.com\ntokens:\n  \
         a:\n    credential: { scheme: basik, username: { env: U }, password: { env: P } }\n    expect: { exactly: [role:user] }\n  \
         b:\n    credential: { scheme: basic, username: { env: U } }\n    expect: { exactly: [role:user] }\n  \
         c:\n    credential: { env: K, password: { env: P } }\n    expect: { exactly: [role:user] }\n",
    );
    let out = run(&mut check_in(&dir, "replay"));
    assert!(
        out.stdout.contains("unknown credential scheme `basik`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("= help: did you mean `basic`?"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("`scheme: basic` needs `password`"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("`username` and `password` go with `scheme: basic` or `scheme: login`"),
        "{}",
        out.stdout
    );
}
