//! The provider conformance kit (issue 35): every provider, registered
//! here, gets the same hostile answers from a loopback server that
//! otherwise answers as its API does, and must fail closed on each.
//!
//! For every provider the kit throws, each as one token of one spec:
//!
//! - every field the provider needs missing, `null`, of the wrong type, an
//!   empty string, and (for a list) made only of separators or white
//!   space: the case fails with an error, never a verdict on a default;
//!   where the vendor documents what an absent field means, the case is
//!   read that way and a rule that reading must fail does fail;
//! - a 2xx HTML page, a 2xx refusal body, an oversized body: an error;
//! - the credential echoed beside the evidence, as a string, a key, a
//!   number, and in every encoding a server or a proxy may use: the case
//!   passes, scrubbed; echoed into the evidence itself: the case fails.
//!
//! Every case runs in record mode, then in replay, and no byte of any
//! credential, in any of its forms, may be in anything printed or stored.
//! A provider `permspec schema` names that is not registered here fails
//! [`every_provider_is_registered`]: the next provider cannot skip the kit.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use support::server::{Hit, Reply, Server};
use support::{Run, TempDir, base64, check_in, failure_blocks, outcome, run};

// ---------------------------------------------------------------------------
// What is thrown
// ---------------------------------------------------------------------------

/// Where in an answer a field is: a JSON pointer into the body of one
/// route, or a response header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum At {
    Json(&'static str, &'static str),
    Header(&'static str, &'static str),
}

/// How a field is broken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Break {
    Missing,
    Null,
    WrongType,
    Empty,
    /// A list made only of separators and white space.
    Separators,
}

const BREAKS: [Break; 5] = [
    Break::Missing,
    Break::Null,
    Break::WrongType,
    Break::Empty,
    Break::Separators,
];

/// A form the credential is echoed in.
#[derive(Clone, Copy, Debug)]
enum Echo {
    String,
    Key,
    Number,
    Base64,
    Base64Url,
    Percent,
    Hex,
    Upper,
    /// JSON-escaped character by character (`\u0037...`).
    Escaped,
    /// Inside the base64 of a longer text.
    InBase64,
}

const ECHOES: [Echo; 10] = [
    Echo::String,
    Echo::Key,
    Echo::Number,
    Echo::Base64,
    Echo::Base64Url,
    Echo::Percent,
    Echo::Hex,
    Echo::Upper,
    Echo::Escaped,
    Echo::InBase64,
];

#[derive(Clone, Debug)]
enum Mutation {
    Good,
    Field(At, Break),
    Html,
    Refusal,
    Oversized,
    /// Beside the evidence, where `echo_at` says.
    Echo(Echo),
    /// As the value of a field the provider reads: a string where a
    /// name, a number or a flag (`isActive: "<credential>"`) goes.
    EchoInto(At),
}

/// What a case must do.
#[derive(Clone, Debug, PartialEq)]
enum Want {
    Pass,
    /// Fail with an error: the evidence could not be read.
    Error,
    /// Fail, by a rule or an error.
    Fail,
    /// Fail under this rule (YAML flow), which the documented reading of
    /// an absent field must fail.
    FailsRule(&'static str),
}

// ---------------------------------------------------------------------------
// One provider, as the kit sees it
// ---------------------------------------------------------------------------

/// A good answer for one request.
#[derive(Clone, Debug)]
struct Answer {
    route: &'static str,
    status: u16,
    /// JSON, or nothing (a body no one reads).
    body: Option<Value>,
    headers: Vec<(String, String)>,
}

fn ok(route: &'static str, body: Value) -> Option<Answer> {
    Some(Answer {
        route,
        status: 200,
        body: Some(body),
        headers: Vec::new(),
    })
}

struct Kit {
    provider: &'static str,
    /// The spec's lines between `provider:` and `tokens:`; `{url}` is the
    /// loopback server's address.
    header: &'static str,
    /// What every token expects, which the good answer passes.
    expect: &'static str,
    /// Other variables the spec needs (a client's id and secret).
    env: &'static [(&'static str, &'static str)],
    /// The good answer to a request, with the credential it carried.
    answer: fn(&Hit) -> Option<Answer>,
    /// The credential a request carries (where the provider sends it).
    credential: fn(&Hit) -> Option<String>,
    /// The fields the provider reads, which must not be read as a default.
    fields: &'static [At],
    /// What the vendor says an absent field means: (field, break, a rule
    /// that reading must fail).
    documented: &'static [(At, Break, &'static str)],
    /// A refusal as the API words it, sent with HTTP 200.
    refusal: &'static str,
    /// The object beside the evidence where echoes go (a JSON pointer into
    /// the first route's body).
    echo_at: &'static str,
    /// A JWT: the credential is the evidence; the kit builds one per case
    /// with these claims, and no server answers.
    offline: Option<fn() -> Value>,
}

/// Bearer tokens, as most providers send them.
fn bearer(hit: &Hit) -> Option<String> {
    hit.header("authorization")?
        .strip_prefix("Bearer ")
        .map(str::to_owned)
}

fn query(hit: &Hit, param: &str) -> Option<String> {
    let (_, q) = hit.target.split_once('?')?;
    q.split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{param}=")).map(str::to_owned))
}

fn form(hit: &Hit, field: &str) -> Option<String> {
    hit.body
        .split('&')
        .find_map(|kv| kv.strip_prefix(&format!("{field}=")).map(str::to_owned))
}

fn envelope(payload: Value) -> Value {
    json!({"response": payload, "count": 1, "links": [], "status": 0, "statusCode": 200})
}

// ---------------------------------------------------------------------------
// The registry: every provider, once
// ---------------------------------------------------------------------------

const DS_KEY: At = At::Json("key", "/response");

fn kits() -> Vec<Kit> {
    vec![
        Kit {
            provider: "docspace",
            header: "base_url: {url}\n",
            expect: "{ exactly: [files:read] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/api/2.0/keys/@self" => ok(
                    "key",
                    envelope(
                        json!({"id": "6f1c0000-0000-4000-8000-000000000001", "name": "ci",
                        "key": "sk-***9f3a", "keyPostfix": "9f3a", "permissions": ["files:read"],
                        "lastUsed": "2026-11-20T08:01:02.0000000Z",
                        "createOn": "2026-10-01T12:00:00.0000000Z",
                        "expiresAt": "2027-10-01T12:00:00.0000000Z", "isActive": true}),
                    ),
                ),
                _ => None,
            },
            credential: bearer,
            fields: &[
                DS_KEY,
                At::Json("key", "/response/permissions"),
                At::Json("key", "/response/isActive"),
                At::Json("key", "/response/expiresAt"),
            ],
            // API-FACTS.md: an absent permission list is a full-access
            // key; an absent expiry, none; `isActive` is false only for a
            // disabled key. Each absent reading is the wider one.
            documented: &[
                (
                    At::Json("key", "/response/permissions"),
                    Break::Missing,
                    "{ at_most: [files:read] }",
                ),
                (
                    At::Json("key", "/response/permissions"),
                    Break::Null,
                    "{ at_most: [files:read] }",
                ),
                (
                    At::Json("key", "/response/isActive"),
                    Break::Missing,
                    "{ active: false }",
                ),
                (
                    At::Json("key", "/response/isActive"),
                    Break::Null,
                    "{ active: false }",
                ),
                (
                    At::Json("key", "/response/expiresAt"),
                    Break::Missing,
                    "{ at_most: [files:read], expires_within: 3650d }",
                ),
                (
                    At::Json("key", "/response/expiresAt"),
                    Break::Null,
                    "{ at_most: [files:read], expires_within: 3650d }",
                ),
            ],
            refusal: r#"{"error":{"message":"The key is disabled","type":null},"status":1,"statusCode":401}"#,
            echo_at: "/response",
            offline: None,
        },
        Kit {
            provider: "docspace-account",
            header: "base_url: {url}\n",
            expect: "{ exactly: [role:user] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/api/2.0/people/@self" => ok(
                    "me",
                    envelope(
                        json!({"id": "u-1", "displayName": "CI", "email": "ci@example.com",
                        "isOwner": false, "isAdmin": false, "isRoomAdmin": false,
                        "isCollaborator": true, "isVisitor": false, "isLDAP": false, "isSSO": false}),
                    ),
                ),
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Json("me", "/response"),
                At::Json("me", "/response/isOwner"),
                At::Json("me", "/response/isAdmin"),
                At::Json("me", "/response/isRoomAdmin"),
                At::Json("me", "/response/isCollaborator"),
                At::Json("me", "/response/isVisitor"),
                At::Json("me", "/response/isLDAP"),
                At::Json("me", "/response/isSSO"),
            ],
            documented: &[],
            refusal: r#"{"error":{"message":"Access denied","type":null},"status":1,"statusCode":403}"#,
            echo_at: "/response",
            offline: None,
        },
        Kit {
            provider: "docspace-permissions",
            header: "base_url: {url}\n",
            expect: "{ exactly: [\"*\", \"*:read\", files:read] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/api/2.0/keys/permissions" => {
                    let mut e = envelope(json!(["*", "*:read", "files:read"]));
                    e["count"] = json!(3);
                    ok("catalog", e)
                }
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Json("catalog", "/response"),
                At::Json("catalog", "/response/0"),
            ],
            documented: &[],
            refusal: r#"{"error":{"message":"Access denied","type":null},"status":1,"statusCode":403}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "docspace-scopes",
            header: "base_url: {url}\n",
            expect: "{ exactly: [files:read, openid] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/api/2.0/scopes" => ok(
                    "scopes",
                    json!([{"group": "files", "name": "files:read", "type": "read"},
                           {"group": "openid", "name": "openid", "type": "openid"}]),
                ),
                _ => None,
            },
            credential: bearer,
            fields: &[At::Json("scopes", "/0"), At::Json("scopes", "/0/name")],
            documented: &[],
            refusal: r#"{"error":"access_denied"}"#,
            echo_at: "/0",
            offline: None,
        },
        Kit {
            provider: "coveo",
            header: "organization: acme\nbase_url: {url}\n",
            expect: "{ exactly: [\"PLATFORM:SOURCE:VIEW@src-1\"] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/rest/organizations/acme/privileges/token" => ok(
                    "privileges",
                    json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "type": "VIEW",
                            "targetId": "src-1"}]),
                ),
                _ => None,
            },
            credential: |hit| query(hit, "accessToken"),
            fields: &[
                At::Json("privileges", "/0"),
                At::Json("privileges", "/0/owner"),
                At::Json("privileges", "/0/targetDomain"),
                At::Json("privileges", "/0/type"),
                At::Json("privileges", "/0/targetId"),
            ],
            // No target is every resource (API-FACTS.md): the wider one.
            documented: &[
                (
                    At::Json("privileges", "/0/targetId"),
                    Break::Missing,
                    "{ at_most: [\"PLATFORM:SOURCE:VIEW@src-1\"] }",
                ),
                (
                    At::Json("privileges", "/0/targetId"),
                    Break::Null,
                    "{ at_most: [\"PLATFORM:SOURCE:VIEW@src-1\"] }",
                ),
            ],
            refusal: r#"{"message":"The provided token is invalid or expired.","errorCode":"INVALID_TOKEN","requestID":"c0ffee00-1111-4222-8333-444455556666"}"#,
            echo_at: "/0",
            offline: None,
        },
        Kit {
            provider: "oauth2-introspection",
            header: "introspection_url: {url}/oauth2/introspect\nclient:\n  id: { env: CLIENT_ID }\n  secret: { env: CLIENT_SECRET }\n",
            expect: "{ exactly: [files:read, rooms:read] }",
            env: &[
                ("CLIENT_ID", "introspector"),
                ("CLIENT_SECRET", "kit-client-secret-0b7e1f2a"),
            ],
            answer: |hit| match hit.path() {
                "/oauth2/introspect" => ok(
                    "introspect",
                    json!({"active": true, "scope": "files:read rooms:read", "client_id": "reports",
                           "exp": 1895425247, "iat": 1795424647, "token_type": "Bearer"}),
                ),
                _ => None,
            },
            credential: |hit| form(hit, "token"),
            fields: &[
                At::Json("introspect", "/active"),
                At::Json("introspect", "/scope"),
            ],
            // RFC 7662: `exp` is optional, and absent the token reads as
            // never expiring, which `expires_within` fails.
            // RFC 7662: `exp` is optional, and absent the token reads as
            // never expiring, which `expires_within` fails; `scope: ""`
            // says the token has none.
            documented: &[
                (
                    At::Json("introspect", "/exp"),
                    Break::Missing,
                    "{ at_most: [files:read, rooms:read], expires_within: 3650d }",
                ),
                (
                    At::Json("introspect", "/scope"),
                    Break::Empty,
                    "{ at_least: [files:read] }",
                ),
            ],
            refusal: r#"{"error":"invalid_client","error_description":"client authentication failed"}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "jwt",
            header: "",
            expect: "{ exactly: [files:read] }",
            env: &[],
            answer: |_| None,
            credential: |_| None,
            fields: &[At::Json("claims", "/scope")],
            // An empty `scope` claim says the token has none.
            documented: &[(
                At::Json("claims", "/scope"),
                Break::Empty,
                "{ at_least: [files:read] }",
            )],
            refusal: "",
            echo_at: "",
            offline: Some(|| {
                json!({"iss": "https://idp.example.com", "sub": "ci",
                                    "scope": "files:read", "exp": 1895425247})
            }),
        },
        Kit {
            provider: "http",
            header: "base_url: {url}\nrequest: { path: /v1/me }\nprivileges: { json: /scopes }\n",
            expect: "{ exactly: [reports:read] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/v1/me" => ok("me", json!({"user": "ci", "scopes": ["reports:read"]})),
                _ => None,
            },
            credential: bearer,
            fields: &[At::Json("me", "/scopes")],
            // An empty string at the pointer is an empty list.
            documented: &[(
                At::Json("me", "/scopes"),
                Break::Empty,
                "{ at_least: [reports:read] }",
            )],
            refusal: r#"{"error":"unauthorized","message":"Invalid token"}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "github",
            header: "base_url: {url}\n",
            expect: "{ exactly: [repo] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/user" => Some(Answer {
                    route: "user",
                    status: 200,
                    body: Some(json!({"login": "ci", "id": 1})),
                    headers: vec![
                        ("X-OAuth-Scopes".into(), "repo".into()),
                        (
                            "github-authentication-token-expiration".into(),
                            "2027-12-01 00:00:00 UTC".into(),
                        ),
                    ],
                }),
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Header("user", "X-OAuth-Scopes"),
                At::Header("user", "github-authentication-token-expiration"),
            ],
            // Sent only for a token that expires: absent, it never does.
            documented: &[(
                At::Header("user", "github-authentication-token-expiration"),
                Break::Missing,
                "{ exactly: [repo], expires_within: 3650d }",
            )],
            refusal: r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "gitlab",
            header: "base_url: {url}\n",
            expect: "{ exactly: [read_api] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/api/v4/personal_access_tokens/self" => ok(
                    "self",
                    json!({"id": 7, "name": "ci", "revoked": false, "created_at": "2026-01-01T00:00:00.000Z",
                           "description": "", "scopes": ["read_api"], "user_id": 2,
                           "last_used_at": "2026-11-30T10:00:00.000Z", "active": true,
                           "expires_at": "2027-06-01"}),
                ),
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Json("self", "/active"),
                At::Json("self", "/revoked"),
                At::Json("self", "/scopes"),
                At::Json("self", "/expires_at"),
            ],
            // `expires_at: null` is a token that never expires.
            documented: &[(
                At::Json("self", "/expires_at"),
                Break::Null,
                "{ exactly: [read_api], expires_within: 3650d }",
            )],
            refusal: r#"{"error":"invalid_token","error_description":"Token was revoked. You have to re-authorize from the user."}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "slack",
            header: "base_url: {url}\n",
            expect: "{ exactly: [chat:write] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/auth.test" => Some(Answer {
                    route: "auth",
                    status: 200,
                    body: Some(
                        json!({"ok": true, "url": "https://acme.slack.com/", "team": "Acme",
                                      "user": "bot", "team_id": "T1", "user_id": "U1", "bot_id": "B1"}),
                    ),
                    headers: vec![("x-oauth-scopes".into(), "chat:write".into())],
                }),
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Json("auth", "/ok"),
                At::Header("auth", "x-oauth-scopes"),
            ],
            documented: &[],
            refusal: r#"{"ok":false,"error":"invalid_auth"}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "google",
            header: "base_url: {url}\n",
            expect: "{ exactly: [openid] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/tokeninfo" => ok(
                    "tokeninfo",
                    json!({"azp": "1234.apps.googleusercontent.com", "aud": "1234.apps.googleusercontent.com",
                           "scope": "openid", "exp": "1895425247", "expires_in": "3599",
                           "access_type": "online"}),
                ),
                _ => None,
            },
            credential: |hit| query(hit, "access_token"),
            fields: &[
                At::Json("tokeninfo", "/scope"),
                At::Json("tokeninfo", "/exp"),
            ],
            documented: &[],
            refusal: r#"{"error":"invalid_token","error_description":"Invalid Value"}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "vault",
            header: "base_url: {url}\npaths: [secret/data/app]\n",
            expect: "{ exactly: [policy:default, policy:app, \"secret/data/app:read\"] }",
            env: &[],
            answer: |hit| {
                let wrap = |data: Value| {
                    json!({"request_id": "d4002d60-0000-4000-8000-000000000000", "lease_id": "",
                           "renewable": false, "lease_duration": 0, "data": data,
                           "wrap_info": null, "warnings": null, "auth": null})
                };
                match hit.path() {
                    "/v1/auth/token/lookup-self" => ok(
                        "lookup",
                        wrap(
                            json!({"accessor": "acc", "creation_ttl": 86400, "display_name": "token-app",
                                    "expire_time": "2027-11-24T19:03:54.742363748Z", "ttl": 86359,
                                    "id": hit.header("x-vault-token").unwrap_or_default(),
                                    "policies": ["app", "default"], "type": "service"}),
                        ),
                    ),
                    "/v1/sys/capabilities-self" => {
                        let mut body =
                            wrap(json!({"secret/data/app": ["read"], "capabilities": ["read"]}));
                        body["secret/data/app"] = json!(["read"]);
                        body["capabilities"] = json!(["read"]);
                        ok("capabilities", body)
                    }
                    _ => None,
                }
            },
            credential: |hit| hit.header("x-vault-token").map(str::to_owned),
            fields: &[
                At::Json("lookup", "/data"),
                At::Json("lookup", "/data/policies"),
                At::Json("lookup", "/data/expire_time"),
                At::Json("capabilities", "/data"),
                At::Json("capabilities", "/data/secret~1data~1app"),
            ],
            documented: &[],
            refusal: r#"{"errors":["permission denied"]}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "kubernetes",
            header: "base_url: {url}\nnamespaces: [ci]\n",
            expect: "{ exactly: [\"ci/pods:get\"] }",
            env: &[],
            answer: |hit| match hit.path() {
                "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews" => ok(
                    "review",
                    json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
                           "metadata": {"creationTimestamp": null}, "spec": {"namespace": "ci"},
                           "status": {"resourceRules": [{"verbs": ["get"], "apiGroups": [""], "resources": ["pods"]}],
                                      "nonResourceRules": [], "incomplete": false}}),
                ),
                _ => None,
            },
            credential: bearer,
            fields: &[
                At::Json("review", "/kind"),
                At::Json("review", "/spec/namespace"),
                At::Json("review", "/status"),
                At::Json("review", "/status/incomplete"),
                At::Json("review", "/status/resourceRules"),
                At::Json("review", "/status/nonResourceRules"),
                At::Json("review", "/status/resourceRules/0/verbs"),
                At::Json("review", "/status/resourceRules/0/resources/0"),
            ],
            documented: &[],
            refusal: r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#,
            echo_at: "",
            offline: None,
        },
        Kit {
            provider: "probes",
            header: "base_url: {url}\nrefused_when: { json: /errors, reason: /errors/0/type, denied: [FORBIDDEN] }\n",
            expect: "",
            env: &[],
            answer: |hit| match hit.path() {
                "/v1/me" => ok("me", json!({"data": {"login": "ci"}})),
                _ => None,
            },
            credential: bearer,
            fields: &[],
            documented: &[],
            refusal: r#"{"data":null,"errors":[{"type":"INTERNAL","message":"Something went wrong"}]}"#,
            echo_at: "",
            offline: None,
        },
    ]
}

// ---------------------------------------------------------------------------
// The server: each credential gets its mutation
// ---------------------------------------------------------------------------

/// The credential of case `i`: digits only, so it can be echoed as a JSON
/// number, and long enough that a float would keep only part of it.
fn credential(provider: usize, i: usize) -> String {
    format!("7{provider:02}{:023}", 1_000_003 * (i + 1) + 97)
}

fn apply(kit: &Kit, m: &Mutation, secret: &str, mut a: Answer) -> Reply {
    let first = a.route == (kit.answer)(&dummy_hit_for(kit)).map_or("", |x| x.route);
    let oversized_pad = "x".repeat(5 << 20);
    match m {
        Mutation::Good => {}
        Mutation::Html => {
            return Reply::json(
                200,
                "<!DOCTYPE html><html><head><title>Sign in</title></head><body>Sign in to continue</body></html>",
            )
            .with_content_type("text/html; charset=utf-8");
        }
        Mutation::Refusal if first => return Reply::json(200, kit.refusal),
        Mutation::Refusal => {}
        Mutation::Oversized if first => {
            if let Some(body) = &mut a.body {
                match body {
                    Value::Object(m) => {
                        m.insert("pad".into(), json!(oversized_pad));
                    }
                    Value::Array(items) => items.push(json!({"pad": oversized_pad})),
                    _ => {}
                }
            }
        }
        Mutation::Oversized => {}
        Mutation::Field(at, b) => match *at {
            At::Json(route, pointer) if route == a.route => {
                if let Some(body) = &mut a.body {
                    break_json(body, pointer, *b);
                }
            }
            At::Header(route, name) if route == a.route => {
                let value = match b {
                    Break::Missing => None,
                    // A header has no null or type: an empty one stands in.
                    Break::Null | Break::WrongType | Break::Empty => Some(String::new()),
                    Break::Separators => Some(" , ,".to_owned()),
                };
                a.headers.retain(|(k, _)| !k.eq_ignore_ascii_case(name));
                if let Some(v) = value {
                    a.headers.push((name.to_owned(), v));
                }
            }
            _ => {}
        },
        Mutation::Echo(e) if first => {
            if let Some(body) = &mut a.body
                && let Some(Value::Object(m)) = body.pointer_mut(kit.echo_at)
            {
                match e {
                    Echo::String => {
                        m.insert("echo".into(), json!(secret));
                    }
                    Echo::Key => {
                        m.insert(secret.to_owned(), json!(1));
                    }
                    Echo::Number => {
                        let n: Value = serde_json::from_str(secret).expect("digits");
                        m.insert("echo_id".into(), n);
                        let n: Value = serde_json::from_str(&format!("99{secret}.25")).unwrap();
                        m.insert("echo_in_digits".into(), n);
                    }
                    other => {
                        m.insert("echo".into(), json!(encode(*other, secret)));
                    }
                }
            }
        }
        Mutation::Echo(_) => {}
        Mutation::EchoInto(at) => match *at {
            At::Json(route, pointer) if route == a.route => {
                if let Some(body) = &mut a.body
                    && let Some(v) = body.pointer_mut(pointer)
                {
                    *v = match v {
                        Value::Array(_) => json!([secret]),
                        _ => json!(secret),
                    };
                }
            }
            At::Header(route, name) if route == a.route => {
                for (k, v) in &mut a.headers {
                    if k.eq_ignore_ascii_case(name) {
                        *v = format!("repo, {secret}");
                    }
                }
            }
            _ => {}
        },
    }
    let body = a.body.map(|b| b.to_string()).unwrap_or_default();
    let mut reply = Reply::json(a.status, body);
    for (k, v) in a.headers {
        reply = reply.with_header(&k, &v);
    }
    reply
}

/// A request for the kit's first route, to learn its name.
fn dummy_hit_for(kit: &Kit) -> Hit {
    let path = match kit.provider {
        "docspace" => "/api/2.0/keys/@self",
        "docspace-account" => "/api/2.0/people/@self",
        "docspace-permissions" => "/api/2.0/keys/permissions",
        "docspace-scopes" => "/api/2.0/scopes",
        "coveo" => "/rest/organizations/acme/privileges/token",
        "oauth2-introspection" => "/oauth2/introspect",
        "http" => "/v1/me",
        "github" => "/user",
        "gitlab" => "/api/v4/personal_access_tokens/self",
        "slack" => "/auth.test",
        "google" => "/tokeninfo",
        "vault" => "/v1/auth/token/lookup-self",
        "kubernetes" => "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
        "probes" => "/v1/me",
        _ => "/",
    };
    Hit {
        method: "GET".into(),
        target: path.into(),
        headers: Vec::new(),
        body: String::new(),
    }
}

fn break_json(body: &mut Value, pointer: &str, b: Break) {
    let (parent, key) = pointer.rsplit_once('/').unwrap_or(("", pointer));
    let key = key.replace("~1", "/").replace("~0", "~");
    let Some(container) = body.pointer_mut(parent) else {
        return;
    };
    let current = match container {
        Value::Object(m) => m.get(&key).cloned(),
        Value::Array(a) => key.parse::<usize>().ok().and_then(|i| a.get(i).cloned()),
        _ => None,
    };
    let replacement = match b {
        Break::Missing => None,
        Break::Null => Some(Value::Null),
        Break::WrongType => Some(match current {
            Some(Value::String(_)) => json!(true),
            Some(Value::Bool(_)) => json!("true"),
            Some(Value::Number(_)) => json!(true),
            Some(Value::Array(_)) => json!({"0": "x"}),
            Some(Value::Object(_)) => json!(["x"]),
            _ => json!(false),
        }),
        Break::Empty => Some(json!("")),
        Break::Separators => Some(match current {
            Some(Value::Array(_)) => json!([" ", ","]),
            _ => json!(" , "),
        }),
    };
    match (container, replacement) {
        (Value::Object(m), None) => {
            m.remove(&key);
        }
        (Value::Object(m), Some(v)) => {
            m.insert(key, v);
        }
        (Value::Array(a), None) => {
            if let Ok(i) = key.parse::<usize>()
                && i < a.len()
            {
                a.remove(i);
            }
        }
        (Value::Array(a), Some(v)) => {
            if let Some(slot) = key.parse::<usize>().ok().and_then(|i| a.get_mut(i)) {
                *slot = v;
            }
        }
        _ => {}
    }
}

fn encode(e: Echo, s: &str) -> String {
    let hex = |s: &str| s.bytes().map(|b| format!("{b:02x}")).collect::<String>();
    match e {
        Echo::Base64 => base64(s.as_bytes()),
        Echo::Base64Url => base64(s.as_bytes())
            .replace('+', "-")
            .replace('/', "_")
            .replace('=', ""),
        Echo::Percent => s.bytes().map(|b| format!("%{b:02X}")).collect(),
        Echo::Hex => hex(s),
        Echo::Upper => format!("TOKEN-{}", s.to_ascii_uppercase()),
        Echo::Escaped => s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect(),
        Echo::InBase64 => base64(format!("user:{s}:end").as_bytes()),
        Echo::String | Echo::Key | Echo::Number => s.to_owned(),
    }
}

/// Every form of a secret the check looks for, computed here, apart from
/// permspec's scrubber.
fn forms(s: &str) -> Vec<String> {
    let mut out = vec![
        s.to_owned(),
        base64(s.as_bytes()),
        base64(s.as_bytes()).trim_end_matches('=').to_owned(),
        s.bytes().map(|b| format!("{b:02x}")).collect(),
        s.bytes().map(|b| format!("%{b:02X}")).collect(),
        s.to_ascii_uppercase(),
        s.chars().map(|c| format!("\\u{:04x}", c as u32)).collect(),
    ];
    // A float would keep the first 16 digits.
    if s.len() > 16 && s.bytes().all(|b| b.is_ascii_digit()) {
        out.push(s[..16].to_owned());
    }
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------
// Cases and the run
// ---------------------------------------------------------------------------

fn cases(kit: &Kit) -> Vec<(Mutation, Want)> {
    let mut out = vec![(Mutation::Good, Want::Pass)];
    for &at in kit.fields {
        // An element of a list is not a field: without it, the list is
        // shorter, which is an answer of its own.
        let element = matches!(at, At::Json(_, p) if p.rsplit('/').next().is_some_and(|k| k.parse::<usize>().is_ok()));
        for b in BREAKS
            .into_iter()
            .filter(|b| !(element && *b == Break::Missing))
        {
            let want = kit
                .documented
                .iter()
                .find(|(a, how, _)| *a == at && *how == b)
                .map_or(Want::Error, |(_, _, rule)| Want::FailsRule(rule));
            out.push((Mutation::Field(at, b), want));
        }
        if kit.offline.is_none() {
            out.push((Mutation::EchoInto(at), Want::Fail));
        }
    }
    // The documented readings of fields the provider does not require.
    for (at, b, rule) in kit.documented {
        if !kit.fields.contains(at) {
            out.push((Mutation::Field(*at, *b), Want::FailsRule(rule)));
        }
    }
    if kit.offline.is_none() {
        out.push((Mutation::Html, Want::Error));
        out.push((Mutation::Refusal, Want::Error));
        out.push((Mutation::Oversized, Want::Error));
        for e in ECHOES {
            out.push((Mutation::Echo(e), Want::Pass));
        }
    }
    out
}

/// An unsigned JWT (`alg: none`) with these claims.
fn jwt(claims: &Value) -> String {
    let part = |v: &Value| {
        base64(v.to_string().as_bytes())
            .replace('+', "-")
            .replace('/', "_")
            .trim_end_matches('=')
            .to_owned()
    };
    format!(
        "{}.{}.c2lnbmF0dXJlLWtpdA",
        part(&json!({"alg": "RS256", "typ": "JWT"})),
        part(claims)
    )
}

/// Runs one provider through the kit: the cases that did not do what they
/// must, each in one line (empty: it conforms).
fn conform(index: usize, kit: &Kit) -> Vec<String> {
    let cases = cases(kit);
    let secrets: Vec<String> = (0..cases.len())
        .map(|i| match kit.offline {
            Some(claims) => {
                let mut c = claims();
                if let Mutation::Field(At::Json(_, pointer), b) = &cases[i].0 {
                    break_json(&mut c, pointer, *b);
                }
                jwt(&c)
            }
            None => credential(index, i),
        })
        .collect();
    let by_secret: Arc<HashMap<String, Mutation>> = Arc::new(
        secrets
            .iter()
            .cloned()
            .zip(cases.iter().map(|(m, _)| m.clone()))
            .collect(),
    );
    let provider = kit.provider;
    let server = {
        let by_secret = by_secret.clone();
        Server::start(move |hit: &Hit| {
            let kit = kits().into_iter().find(|k| k.provider == provider).unwrap();
            let Some(answer) = (kit.answer)(hit) else {
                return Reply::json(404, r#"{"message":"Not Found"}"#);
            };
            let secret = (kit.credential)(hit).unwrap_or_default();
            match by_secret.get(&secret) {
                Some(m) => apply(&kit, m, &secret, answer),
                None => Reply::json(401, r#"{"message":"Bad credentials"}"#),
            }
        })
    };
    let dir = TempDir::new(&format!("kit-{provider}"));
    let mut spec = format!(
        "provider: {provider}\n{}tokens:\n",
        kit.header.replace("{url}", &server.url())
    );
    for (i, (m, want)) in cases.iter().enumerate() {
        let expect = match want {
            Want::FailsRule(rule) => rule,
            _ => kit.expect,
        };
        spec.push_str(&format!("  c{i}:\n    credential: {{ env: T{i} }}\n"));
        if provider == "probes" {
            spec.push_str("    probes:\n      - { get: /v1/me, expect: allowed }\n");
        } else {
            spec.push_str(&format!("    expect: {expect}\n"));
        }
        let _ = m;
    }
    dir.write(&format!("specs/{provider}.yaml"), &spec);
    let mut env: Vec<(String, String)> = secrets
        .iter()
        .enumerate()
        .map(|(i, s)| (format!("T{i}"), s.clone()))
        .collect();
    env.extend(kit.env.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    let runs: Vec<Run> = ["record", "replay"]
        .iter()
        .map(|mode| {
            let mut cmd = check_in(&dir, mode);
            if *mode == "record" {
                cmd.envs(env.iter().map(|(k, v)| (k.as_str(), v.as_str())));
            }
            cmd.env("PERMSPEC_NOW", "2026-12-07T00:00:00Z");
            run(&mut cmd)
        })
        .collect();
    let mut wrong = Vec::new();
    let blocks: BTreeMap<String, String> = failure_blocks(&runs[0].stdout).into_iter().collect();
    for (i, (m, want)) in cases.iter().enumerate() {
        let name = format!("{provider}::c{i}");
        let got = outcome(&runs[0].stdout, &name);
        let text = blocks.get(&name).cloned().unwrap_or_default();
        let error = text.contains("\n  error      ") || text.starts_with("error:");
        let fine = match want {
            Want::Pass => got == Some("ok"),
            Want::Fail | Want::FailsRule(_) => got == Some("FAILED"),
            Want::Error => got == Some("FAILED") && error,
        };
        if !fine {
            let first = text
                .lines()
                .find(|l| {
                    l.trim_start().starts_with("error") || l.contains(" + ") || l.contains(" - ")
                })
                .unwrap_or("")
                .trim()
                .to_owned();
            wrong.push(format!(
                "{provider}: {m:?} should {want:?}, was {} {first}",
                got.unwrap_or("missing")
            ));
        }
        // What passed on record replays alike.
        if got == Some("ok") && outcome(&runs[1].stdout, &name) != Some("ok") {
            wrong.push(format!("{provider}: {m:?} passed live but not on replay"));
        }
    }
    // No form of any credential, anywhere.
    let mut all_secrets: Vec<String> = secrets.clone();
    all_secrets.extend(
        kit.env
            .iter()
            .filter(|(k, _)| k.contains("SECRET"))
            .map(|(_, v)| v.to_string()),
    );
    for secret in &all_secrets {
        for f in forms(secret) {
            for (r, out) in runs.iter().enumerate() {
                if out.stdout.contains(&f) || out.stderr.contains(&f) {
                    wrong.push(format!(
                        "{provider}: run {r} printed a form of a credential ({f:.8}...)"
                    ));
                }
            }
            for (path, bytes) in dir.all_files() {
                if String::from_utf8_lossy(&bytes).contains(&f) {
                    wrong.push(format!(
                        "{provider}: {} holds a form of a credential ({f:.8}...)",
                        path.display()
                    ));
                }
            }
        }
    }
    wrong
}

#[track_caller]
fn assert_conforms(provider: &str) {
    let all = kits();
    let (i, kit) = all
        .iter()
        .enumerate()
        .find(|(_, k)| k.provider == provider)
        .unwrap_or_else(|| panic!("{provider} is not registered in the kit"));
    let wrong = conform(i, kit);
    assert!(
        wrong.is_empty(),
        "{} cases:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
}

/// Every provider `permspec schema` names is registered in the kit, and
/// nothing else is.
#[test]
fn every_provider_is_registered() {
    let schema = run(support::permspec().arg("schema"));
    let schema: Value = serde_json::from_str(&schema.stdout).unwrap();
    let mut named: Vec<String> = schema
        .pointer("/$defs/ProviderName/oneOf")
        .and_then(Value::as_array)
        .unwrap_or_else(|| panic!("no provider list in the schema"))
        .iter()
        .map(|v| v["const"].as_str().unwrap().to_owned())
        .collect();
    assert!(named.len() >= 15, "{named:?}");
    named.sort();
    let mut registered: Vec<String> = kits().iter().map(|k| k.provider.to_owned()).collect();
    registered.sort();
    assert_eq!(
        registered, named,
        "register every provider in tests/conformance.rs"
    );
}

#[test]
fn docspace() {
    assert_conforms("docspace");
}

#[test]
fn docspace_account() {
    assert_conforms("docspace-account");
}

#[test]
fn docspace_permissions() {
    assert_conforms("docspace-permissions");
}

#[test]
fn docspace_scopes() {
    assert_conforms("docspace-scopes");
}

#[test]
fn coveo() {
    assert_conforms("coveo");
}

#[test]
fn oauth2_introspection() {
    assert_conforms("oauth2-introspection");
}

#[test]
fn jwt_claims() {
    assert_conforms("jwt");
}

#[test]
fn http() {
    assert_conforms("http");
}

#[test]
fn github() {
    assert_conforms("github");
}

#[test]
fn gitlab() {
    assert_conforms("gitlab");
}

#[test]
fn slack() {
    assert_conforms("slack");
}

#[test]
fn google() {
    assert_conforms("google");
}

#[test]
fn vault() {
    assert_conforms("vault");
}

#[test]
fn kubernetes() {
    assert_conforms("kubernetes");
}

#[test]
fn probes() {
    assert_conforms("probes");
}

/// The kit throws at least what the issue lists at every provider: each
/// field broken five ways, the page, the refusal, the oversized body, and
/// ten echoes (a JWT, read offline, gets its claims broken).
#[test]
fn the_kit_throws_everything_at_every_provider() {
    for kit in kits() {
        let cases = cases(&kit);
        let breaks = cases
            .iter()
            .filter(|(m, _)| matches!(m, Mutation::Field(..)))
            .count();
        assert!(breaks >= 4 * kit.fields.len(), "{}: {breaks}", kit.provider);
        if kit.offline.is_none() {
            for m in ["Html", "Refusal", "Oversized"] {
                assert!(
                    cases.iter().any(|(c, _)| format!("{c:?}") == m),
                    "{}: {m}",
                    kit.provider
                );
            }
            let echoes = cases
                .iter()
                .filter(|(m, _)| matches!(m, Mutation::Echo(_) | Mutation::EchoInto(_)))
                .count();
            assert_eq!(echoes, ECHOES.len() + kit.fields.len(), "{}", kit.provider);
        }
        println!("{}: {} cases", kit.provider, cases.len());
    }
}

// ---------------------------------------------------------------------------
// A base_url that repeats the path permspec appends (issue 39)
// ---------------------------------------------------------------------------

/// The start of the path each provider appends to `base_url` (for `http`
/// and `probes`, the kit's request or probe path): a `base_url` that
/// already ends in it sends the request to `/api/v4/api/v4/...`. `None`:
/// nothing is appended (introspection's endpoint is written whole; a JWT
/// is read offline).
fn appended(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "docspace" | "docspace-account" | "docspace-permissions" | "docspace-scopes" => "/api/2.0",
        "coveo" => "/rest",
        "http" | "probes" => "/v1",
        "github" => "/user",
        "gitlab" => "/api/v4",
        "slack" => "/auth.test",
        "google" => "/tokeninfo",
        "vault" => "/v1",
        "kubernetes" => "/apis",
        _ => return None,
    })
}

/// A project with one spec per provider that appends a path, each at
/// `base_url` + that path, for the tokens `tokens(provider)` writes.
fn doubled_project(
    name: &str,
    url: impl Fn(&str) -> String,
    token: impl Fn(&Kit) -> String,
) -> (TempDir, Vec<(&'static str, &'static str)>) {
    let dir = TempDir::new(name);
    let mut cases = Vec::new();
    for kit in kits() {
        let Some(part) = appended(kit.provider) else {
            assert!(
                !kit.header.contains("base_url"),
                "{}: register the path it appends in `appended`",
                kit.provider
            );
            continue;
        };
        let header = kit
            .header
            .replace("{url}", &format!("{}{part}", url(kit.provider)));
        dir.write(
            &format!("specs/{}.yaml", kit.provider),
            &format!(
                "provider: {}\n{header}tokens:\n{}",
                kit.provider,
                token(&kit)
            ),
        );
        cases.push((kit.provider, part));
    }
    (dir, cases)
}

/// Issue 39: every provider that appends a path to `base_url` says so when
/// `base_url` already ends in it and the server answers 404 (as a server
/// does for the address written twice): the failure names the doubled
/// part and the address the request went to.
#[test]
fn every_provider_names_a_base_url_that_repeats_the_path_it_appends() {
    let server = Server::start(|_: &Hit| Reply::json(404, r#"{"message":"Not Found"}"#));
    let (dir, cases) = doubled_project(
        "kit-doubled",
        |_| server.url(),
        |kit| {
            match kit.provider {
            "probes" => "  t:\n    credential: { env: T }\n    probes:\n      - { get: /v1/me, expect: allowed }\n".to_owned(),
            _ => format!("  t:\n    credential: {{ env: T }}\n    expect: {}\n", kit.expect),
        }
        },
    );
    assert!(cases.len() >= 13, "{cases:?}");
    // A probe's path is checked again once a variable gives the address.
    let mut cases = cases;
    dir.write(
        "specs/probes-var.yaml",
        "provider: probes\nbase_url: ${PROBES_BASE}\ntokens:\n  t:\n    credential: { env: T }\n    \
         probes:\n      - { get: /v1/me, expect: allowed }\n",
    );
    cases.push(("probes-var", "/v1"));
    let mut cmd = check_in(&dir, "live");
    cmd.env("T", "7000000000000000000000001");
    cmd.env("PROBES_BASE", format!("{}/v1", server.url()));
    for kit in kits() {
        cmd.envs(kit.env.iter().copied());
    }
    let out = run(&mut cmd);
    let blocks: BTreeMap<String, String> = failure_blocks(&out.stdout).into_iter().collect();
    let mut wrong = Vec::new();
    for (provider, part) in &cases {
        let name = format!("{provider}::t");
        let text = blocks.get(&name).cloned().unwrap_or_default();
        let says = [
            format!("`base_url` already ends in `{part}`"),
            format!("{part}{part}"),
            format!("`base_url` without `{part}`"),
        ];
        if outcome(&out.stdout, &name) != Some("FAILED") || says.iter().any(|s| !text.contains(s)) {
            wrong.push(format!("{name} should say {says:?}:\n{text}"));
        }
    }
    assert!(wrong.is_empty(), "{}\n\n{}", wrong.join("\n\n"), out.stdout);
}

/// Issue 39: the refusal a server gives at the address written twice never
/// stands for a revocation, for every provider whose refusal can: the
/// same refusal at the right address does (so the test would see a
/// refusal taken for one).
#[test]
fn a_refusal_at_a_doubled_address_never_proves_a_revocation() {
    // Each provider's refusal of a revoked token, and a credential of its
    // vendor's shape (Provider::revocation).
    let revoking: &[(&str, u16, &str, &str)] = &[
        ("docspace", 401, "", "sk-0123456789abcdef0123456789abcdef"),
        (
            "github",
            401,
            r#"{"message":"Bad credentials","documentation_url":"https://docs.github.com/rest"}"#,
            "ghp_0123456789abcdefABCDEF0123456789abcd",
        ),
        (
            "gitlab",
            401,
            r#"{"error":"invalid_token","error_description":"Token was revoked."}"#,
            "glpat-0123456789abcdef_-xy",
        ),
        (
            "google",
            400,
            r#"{"error":"invalid_token","error_description":"Invalid Value"}"#,
            "ya29.a0AfH6SMB-0123456789_abc",
        ),
        (
            "vault",
            403,
            r#"{"errors":["permission denied"]}"#,
            "hvs.CAESIJ0123456789abcdefghij",
        ),
        (
            "kubernetes",
            401,
            r#"{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"Unauthorized","reason":"Unauthorized","code":401}"#,
            "eyJhbGciOiJSUzI1NiIsImtpZCI6IjEifQ.e30.c2lnbmF0dXJl",
        ),
    ];
    let servers: HashMap<&str, Server> = revoking
        .iter()
        .map(|(p, status, body, _)| {
            let (status, body) = (*status, body.to_string());
            let server = Server::start(move |_: &Hit| match body.as_str() {
                "" => Reply::empty(status),
                b => Reply::json(status, b),
            });
            (*p, server)
        })
        .collect();
    let spec = |doubled: bool| {
        let dir = TempDir::new(if doubled {
            "kit-revoked-doubled"
        } else {
            "kit-revoked"
        });
        for kit in kits() {
            let Some(server) = servers.get(kit.provider) else {
                continue;
            };
            let part = if doubled {
                appended(kit.provider).unwrap()
            } else {
                ""
            };
            let header = kit
                .header
                .replace("{url}", &format!("{}{part}", server.url()));
            dir.write(
                &format!("specs/{}.yaml", kit.provider),
                &format!(
                    "provider: {}\n{header}tokens:\n  gone:\n    credential: {{ env: T_{} }}\n    \
                     expect: {{ active: false }}\n",
                    kit.provider,
                    kit.provider.to_uppercase()
                ),
            );
        }
        let mut cmd = check_in(&dir, "live");
        for (p, _, _, token) in revoking {
            cmd.env(format!("T_{}", p.to_uppercase()), token);
        }
        (dir, run(&mut cmd))
    };
    let (_dir, right) = spec(false);
    let (_dir2, doubled) = spec(true);
    let blocks: BTreeMap<String, String> = failure_blocks(&doubled.stdout).into_iter().collect();
    for (p, ..) in revoking {
        let name = format!("{p}::gone");
        assert_eq!(
            outcome(&right.stdout, &name),
            Some("ok"),
            "{}",
            right.stdout
        );
        assert_eq!(
            outcome(&doubled.stdout, &name),
            Some("FAILED"),
            "{}",
            doubled.stdout
        );
        let part = appended(p).unwrap();
        let text = blocks.get(&name).cloned().unwrap_or_default();
        assert!(
            text.contains(&format!("`base_url` already ends in `{part}`")),
            "{name}:\n{text}"
        );
    }
}
