//! Coveo privileges and the DocSpace catalogs, live and recorded, against
//! loopback servers that answer as the real ones do.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use support::coveo::Platform;
use support::docspace::{Portal, SIGNATURE};
use support::{TempDir, check_in, outcome, run};

const ORG: &str = "mycoveocloudv2organizationg8tp8wu3";
const SEARCH_KEY: &str = "xx3f1c2d3e-0a1b-4c5d-8e9f-0a1b2c3d4e5f";
const ADMIN_KEY: &str = "xx9c4f5061-3d4e-4f80-9b2c-3d4e5f607182";

fn platform() -> Platform {
    Platform::new(ORG)
        .with_token(
            SEARCH_KEY,
            json!([
                {"owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*"},
                {"owner": "USAGE_ANALYTICS", "targetDomain": "ANALYTICS_DATA", "type": "EDIT", "targetId": "*"}
            ]),
        )
        .with_token(
            ADMIN_KEY,
            json!([
                {"targetDomain": "SOURCE", "targetIds": [], "owner": "PLATFORM", "global": false, "type": "EDIT"},
                {"targetDomain": "EXECUTE_QUERY", "targetIds": [], "owner": "SEARCH_API", "global": false}
            ]),
        )
}

fn coveo_spec(url: &str, caller: &str, expect: &str) -> String {
    format!(
        "provider: coveo\norganization: {ORG}\nbase_url: {url}\n{caller}tokens:\n  search-page:\n    \
         credential: {{ env: COVEO_SEARCH_KEY }}\n    expect: {expect}\n"
    )
}

#[test]
fn coveo_inspects_the_token_in_the_query_and_records_it_redacted() {
    let server = platform().start();
    let dir = TempDir::new("coveo");
    let expect = "\n      exactly: [SEARCH_API:EXECUTE_QUERY, USAGE_ANALYTICS:ANALYTICS_DATA:EDIT]\n      forbidden: [\"PLATFORM:*\", SEARCH_API:IMPERSONATE]";
    dir.write("specs/coveo.yaml", &coveo_spec(&server.url(), "", expect));
    let out = run(check_in(&dir, "record").env("COVEO_SEARCH_KEY", SEARCH_KEY));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let hit = &server.hits()[0];
    assert_eq!(hit.method, "POST");
    assert_eq!(
        hit.target,
        format!("/rest/organizations/{ORG}/privileges/token?accessToken={SEARCH_KEY}")
    );
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {SEARCH_KEY}").as_str()),
        "the token calls for itself"
    );
    assert_eq!(hit.header("content-type"), Some("application/json"));
    assert_eq!(hit.header("accept"), Some("application/json"));
    assert_eq!(hit.body, "{}");
    let text = std::fs::read_to_string(dir.path().join("fixtures/coveo/search-page.json")).unwrap();
    assert!(!text.contains(SEARCH_KEY), "{text}");
    let fixture: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        fixture["request"]["url"],
        format!(
            "{}/rest/organizations/{ORG}/privileges/token?accessToken=[REDACTED]",
            server.url()
        )
    );
    assert_eq!(
        run(&mut check_in(&dir, "replay")).code,
        0,
        "the recording replays"
    );
}

#[test]
fn coveo_caller_authenticates_the_call() {
    let server = platform().start();
    let dir = TempDir::new("coveo-caller");
    dir.write(
        "specs/coveo.yaml",
        &coveo_spec(
            &server.url(),
            "caller: { env: COVEO_ADMIN_TOKEN }\n",
            "{ at_most: [\"SEARCH_API:*\", \"USAGE_ANALYTICS:*\"] }",
        ),
    );
    let out = run(check_in(&dir, "live")
        .env("COVEO_SEARCH_KEY", SEARCH_KEY)
        .env("COVEO_ADMIN_TOKEN", ADMIN_KEY));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let hit = &server.hits()[0];
    assert_eq!(
        hit.header("authorization"),
        Some(format!("Bearer {ADMIN_KEY}").as_str())
    );
    assert!(hit.target.ends_with(&format!("accessToken={SEARCH_KEY}")));
}

#[test]
fn coveo_legacy_shape_and_every_resource_rules() {
    let server = platform().start();
    let dir = TempDir::new("coveo-legacy");
    let spec = format!(
        "provider: coveo\norganization: {ORG}\nbase_url: {}\ntokens:\n  admin:\n    credential: {{ env: COVEO_ADMIN_TOKEN }}\n    \
         expect:\n      forbidden: [PLATFORM:SOURCE:EDIT@src-1]\n",
        server.url()
    );
    dir.write("specs/coveo.yaml", &spec);
    let out = run(check_in(&dir, "live").env("COVEO_ADMIN_TOKEN", ADMIN_KEY));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout
            .contains("granted    [PLATFORM:SOURCE:EDIT, SEARCH_API:EXECUTE_QUERY]"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .contains("`PLATFORM:SOURCE:EDIT` overlaps forbidden `PLATFORM:SOURCE:EDIT@src-1`"),
        "{}",
        out.stdout
    );
}

#[test]
fn coveo_invalid_token_shows_code_message_and_request_id() {
    let server = platform().start();
    let dir = TempDir::new("coveo-401");
    dir.write(
        "specs/coveo.yaml",
        &coveo_spec(&server.url(), "", "{ exactly: [SEARCH_API:EXECUTE_QUERY] }"),
    );
    let revoked = "xx00000000-dead-4bad-8bad-000000000000";
    let out = run(check_in(&dir, "live").env("COVEO_SEARCH_KEY", revoked));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout.contains(
            "HTTP 401: the token is expired, disabled or deleted, or an IP restriction blocks it \
             (INVALID_TOKEN: The provided token is invalid or expired.), request id c0ffee00-1111-4222-8333-444455556666"
        ),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(revoked));
}

#[test]
fn coveo_spec_mistakes_are_caught_with_suggestions() {
    let dir = TempDir::new("coveo-spec");
    dir.write(
        "specs/owner.yaml",
        &format!("provider: coveo\norganization: {ORG}\ntokens:\n  t:\n    credential: {{ env: K }}\n    expect: {{ forbidden: [PLATFROM:SOURCE:EDIT] }}\n"),
    );
    dir.write("specs/region.yaml", &format!("provider: coveo\norganization: {ORG}\nregion: eur\ntokens:\n  t:\n    credential: {{ env: K }}\n    expect: {{ exactly: [] }}\n"));
    dir.write(
        "specs/no-org.yaml",
        "provider: coveo\ntokens:\n  t:\n    credential: { env: K }\n    expect: { exactly: [] }\n",
    );
    dir.write("specs/not-docspace.yaml", &format!("provider: docspace\nbase_url: https://p.example.com\norganization: {ORG}\ntokens: {{}}\n"));
    dir.write(
        "specs/mapping.yaml",
        &format!(
            "provider: coveo\norganization: {ORG}\ntokens:\n  t:\n    credential: {{ env: K }}\n    \
             expect: {{ exactly: [{{ owner: PLATFORM, targetDomain: SOURCE, type: EDIT, targetId: src-1 }}], \
             forbidden: [{{ owner: PLATFORM }}] }}\n"
        ),
    );
    let out = run(&mut check_in(&dir, "replay"));
    let text = &out.stdout;
    assert!(text.contains("`PLATFROM` in `PLATFROM:SOURCE:EDIT` is not a Coveo privilege owner; did you mean `PLATFORM`?"), "{text}");
    assert!(text.contains("unknown Coveo region `eur`"), "{text}");
    assert!(text.contains("= help: did you mean `eu`?"), "{text}");
    assert!(
        text.contains("provider `coveo` needs `organization`"),
        "{text}"
    );
    assert!(
        text.contains("`organization` is not a setting of provider `docspace`"),
        "{text}"
    );
    assert!(
        text.contains("a Coveo privilege mapping needs `owner` and `targetDomain`"),
        "{text}"
    );
}

fn catalog_spec(provider: &str, url: &str, expect: &str) -> String {
    format!(
        "provider: {provider}\nbase_url: {url}\ntokens:\n  catalog:\n    credential: {{ env: DS_KEY }}\n    expect: {expect}\n"
    )
}

const PERMISSIONS: &str = "[\"*\", \"*:read\", \"*:write\", accounts:read, accounts:write, accounts.self:read, accounts.self:write, files:read, files:write, rooms:read, rooms:write]";

#[test]
fn the_permission_catalog_is_a_set_and_needs_a_wide_key() {
    let server = Portal::default()
        .with_key("sk-reader", &["*:read"])
        .with_key("sk-narrow", &["files:read"])
        .start();
    let dir = TempDir::new("catalog-perms");
    dir.write(
        "specs/catalog.yaml",
        &catalog_spec(
            "docspace-permissions",
            &server.url(),
            &format!("{{ exactly: {PERMISSIONS} }}"),
        ),
    );
    let out = run(check_in(&dir, "live").env("DS_KEY", "sk-reader"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(server.hits()[0].path(), "/api/2.0/keys/permissions");
    let out = run(check_in(&dir, "live").env("DS_KEY", "sk-narrow"));
    assert!(
        out.stdout
            .contains("HTTP 403: this endpoint needs a key with `*:read` or `*:write`"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_new_permission_in_the_catalog_fails_exactly() {
    let server = Portal::default().with_key("sk-reader", &["*:read"]).start();
    let dir = TempDir::new("catalog-new");
    let without_rooms = PERMISSIONS.replace(", rooms:read, rooms:write", "");
    dir.write(
        "specs/catalog.yaml",
        &catalog_spec(
            "docspace-permissions",
            &server.url(),
            &format!("{{ exactly: {without_rooms} }}"),
        ),
    );
    let out = run(check_in(&dir, "live").env("DS_KEY", "sk-reader"));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout.contains("+ rooms:read   excess: not in exactly"),
        "{}",
        out.stdout
    );
}

#[test]
fn the_scope_catalog_gets_a_signature_when_refused_and_records_only_the_answer() {
    let server = Portal::default().with_key("sk-reader", &["*:read"]).start();
    let dir = TempDir::new("catalog-scopes");
    let scopes = "[accounts:read, accounts:write, accounts.self:read, accounts.self:write, files:read, files:write, rooms:read, rooms:write, openid]";
    dir.write(
        "specs/scopes.yaml",
        &catalog_spec(
            "docspace-scopes",
            &server.url(),
            &format!("{{ exactly: {scopes} }}"),
        ),
    );
    let out = run(check_in(&dir, "record").env("DS_KEY", "sk-reader"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    let paths: Vec<String> = server.hits().iter().map(|h| h.path().to_owned()).collect();
    assert_eq!(
        paths,
        [
            "/api/2.0/scopes",
            "/api/2.0/security/oauth2/token",
            "/api/2.0/scopes"
        ]
    );
    assert_eq!(server.hits()[2].header("x-signature"), Some(SIGNATURE));
    let text = std::fs::read_to_string(dir.path().join("fixtures/scopes/catalog.json")).unwrap();
    assert!(
        !text.contains(SIGNATURE) && !text.contains("oauth2/token"),
        "{text}"
    );
    assert!(text.contains("\"url\": \"http://127.0.0.1"), "{text}");
    assert_eq!(
        outcome(
            &run(&mut check_in(&dir, "replay")).stdout,
            "scopes::catalog"
        ),
        Some("ok")
    );
}
