//! `provider: kubernetes` against a loopback API server over TLS, signed by
//! a CA made for the run (so `ca_file` is exercised), that answers
//! SelfSubjectRulesReviews with the documented shapes: `201 Created` and the
//! review with its `status` (Kubernetes API reference, "SelfSubjectRulesReview
//! v1"), a `Status` object with reason `Unauthorized` for a token no
//! authenticator accepts, and `Forbidden` for one that may not ask.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use std::collections::HashMap;
use support::TempDir;
use support::cases::*;
use support::server::{Hit, Reply, Server};
use support::tls::TestCa;

/// What a token may do in one namespace: the review's `status`.
type Rules = HashMap<&'static str, Value>;

enum Token {
    Rules(Rules),
    /// Authenticated, but may not create reviews.
    Forbidden,
}

fn status(resource: Value, incomplete: bool, error: Option<&str>) -> Value {
    let mut s = json!({
        "resourceRules": resource,
        "nonResourceRules": [
            {"verbs": ["get"], "nonResourceURLs": ["/api", "/api/*", "/apis", "/apis/*", "/healthz", "/livez", "/openapi", "/openapi/*", "/readyz", "/version", "/version/"]}
        ],
        "incomplete": incomplete,
    });
    if let Some(e) = error {
        s["evaluationError"] = json!(e);
    }
    s
}

/// Every authenticated user may review itself (`system:basic-user`).
fn basic() -> Value {
    json!({"verbs": ["create"], "apiGroups": ["authorization.k8s.io"],
           "resources": ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]})
}

fn api_server(ca: &TestCa, tokens: HashMap<&'static str, Token>) -> Server {
    let status_of = |code: u16, reason: &str, message: &str| {
        Reply::json(
            code,
            json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                   "message": message, "reason": reason, "code": code})
            .to_string(),
        )
    };
    Server::start_tls(ca.server_config(), move |hit: &Hit| {
        let bearer = hit
            .header("authorization")
            .and_then(|h| h.strip_prefix("Bearer "));
        let Some(token) = bearer.and_then(|b| tokens.get(b)) else {
            return status_of(401, "Unauthorized", "Unauthorized");
        };
        if (hit.method.as_str(), hit.path())
            != (
                "POST",
                "/apis/authorization.k8s.io/v1/selfsubjectrulesreviews",
            )
        {
            return status_of(
                404,
                "NotFound",
                "the server could not find the requested resource",
            );
        }
        let rules = match token {
            Token::Forbidden => {
                return status_of(
                    403,
                    "Forbidden",
                    "selfsubjectrulesreviews.authorization.k8s.io is forbidden: User \
                     \"system:serviceaccount:ci:locked\" cannot create resource \
                     \"selfsubjectrulesreviews\" in API group \"authorization.k8s.io\" at the \
                     cluster scope",
                );
            }
            Token::Rules(r) => r,
        };
        let review: Value = serde_json::from_str(&hit.body).unwrap_or(Value::Null);
        let ns = review["spec"]["namespace"].as_str().unwrap_or_default();
        let status = rules
            .get(ns)
            .cloned()
            .unwrap_or_else(|| self::status(json!([basic()]), false, None));
        Reply::json(
            201,
            json!({"kind": "SelfSubjectRulesReview", "apiVersion": "authorization.k8s.io/v1",
                   "metadata": {"creationTimestamp": null}, "spec": {"namespace": ns},
                   "status": status})
            .to_string(),
        )
    })
}

// Service account tokens are JWTs; these are made-up ones of that shape.
const DEPLOYER: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlcGxveWVyIn0.eyJzdWIiOiJkZXBsb3llciJ9.c2lnbmF0dXJlMDE";
const ADMIN: &str = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImFkbWluIn0.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJlMDI";
const WEBHOOK: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6IndlYmhvb2sifQ.eyJzdWIiOiJ3ZWJob29rIn0.c2lnbmF0dXJlMDM";
const LOCKED: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImxvY2tlZCJ9.eyJzdWIiOiJsb2NrZWQifQ.c2lnbmF0dXJlMDQ";
const DELETED: &str =
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImRlbGV0ZWQifQ.eyJzdWIiOiJkZWxldGVkIn0.c2lnbmF0dXJlMDU";

fn cluster() -> HashMap<&'static str, Token> {
    let mut t = HashMap::new();
    t.insert(
        DEPLOYER,
        Token::Rules(HashMap::from([(
            "ci",
            status(
                json!([basic(),
                       {"verbs": ["get", "list", "update", "patch"], "apiGroups": ["apps"], "resources": ["deployments"]},
                       {"verbs": ["get", "list"], "apiGroups": [""], "resources": ["pods"]}]),
                false,
                None,
            ),
        )])),
    );
    let everything = status(
        json!([{"verbs": ["*"], "apiGroups": ["*"], "resources": ["*"]}]),
        false,
        None,
    );
    t.insert(
        ADMIN,
        Token::Rules(HashMap::from([
            ("ci", everything.clone()),
            ("default", everything),
        ])),
    );
    t.insert(
        WEBHOOK,
        Token::Rules(HashMap::from([(
            "ci",
            status(
                json!([basic(), {"verbs": ["get"], "apiGroups": ["apps"], "resources": ["deployments"]}]),
                true,
                Some("webhook authorizer does not support user rule resolution"),
            ),
        )])),
    );
    t.insert(LOCKED, Token::Forbidden);
    t
}

/// A cluster over TLS with a new CA, and a project whose `specs/k8s.yaml`
/// trusts it and lists `default` and `ci`, with `tokens` (name, variable,
/// expect).
fn project(name: &str, tokens: &[(&str, &str, &str)]) -> (Server, TempDir) {
    let ca = TestCa::new();
    let server = api_server(&ca, cluster());
    let dir = TempDir::new(name);
    write_spec(&dir, &ca, &server, tokens);
    (server, dir)
}

/// A spec trusting the run's CA through `ca_file`.
fn write_spec(dir: &TempDir, ca: &TestCa, server: &Server, tokens: &[(&str, &str, &str)]) {
    dir.write("specs/k8s-ca.pem", ca.pem());
    dir.write(
        "specs/k8s.yaml",
        &spec(
            "kubernetes",
            &server.url(),
            "ca_file: k8s-ca.pem\nnamespaces: [default, ci]\n",
            tokens,
        ),
    );
}

const SELF_REVIEW: &str = "\"*/selfsubjectrulesreviews.authorization.k8s.io:create\", \
                           \"*/selfsubjectaccessreviews.authorization.k8s.io:create\"";

#[test]
fn kubernetes_deployer_over_tls_records_one_review_per_namespace_and_replays() {
    let ca = TestCa::new();
    let server = api_server(&ca, cluster());
    let dir = TempDir::new("k8s-record");
    let expect = format!(
        "{{ at_least: [\"ci/deployments.apps:update\"], at_most: [\"ci/deployments.apps:*\", \
         \"ci/pods:get\", \"ci/pods:list\", {SELF_REVIEW}, \"/*:get\"], forbidden: [\"default/secrets:*\", \
         \"*/pods/exec:create\", \"*/*:escalate\", \"*/*:bind\", \"*/users:impersonate\"] }}"
    );
    write_spec(&dir, &ca, &server, &[("deployer", "K8S_DEPLOYER", &expect)]);
    let out = check(
        &dir,
        "record",
        &[("K8S_DEPLOYER", DEPLOYER), ("PERMSPEC_NOW", NOW)],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_passes(&out, "k8s::deployer");
    let hits = server.hits();
    let asked: Vec<Value> = hits
        .iter()
        .map(|h| serde_json::from_str::<Value>(&h.body).unwrap()["spec"]["namespace"].clone())
        .collect();
    assert_eq!(asked, [json!("default"), json!("ci")]);
    let f = fixture(&dir, "fixtures/k8s/deployer.json");
    assert_eq!(f["response"]["status"], 201);
    assert!(f["response"]["body"]["ci"]["metadata"].is_null(), "{f:#}");
    assert!(!read(&dir, "fixtures/k8s/deployer.json").contains(DEPLOYER));

    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "k8s::deployer");
}

#[test]
fn kubernetes_wildcard_rules_overlap_every_forbidden_entry() {
    let (_server, dir) = project(
        "k8s-admin",
        &[(
            "admin",
            "K8S_ADMIN",
            "{ forbidden: [\"*/secrets:get\", \"*/pods/exec:create\", \
             \"*/roles.rbac.authorization.k8s.io:escalate\", \"*/*:impersonate\"] }",
        )],
    );
    let out = check(&dir, "live", &[("K8S_ADMIN", ADMIN)]);
    assert_fails(
        &out,
        "k8s::admin",
        &[
            "forbidden `*/secrets:get`",
            "forbidden `*/pods/exec:create`",
            "forbidden `*/roles.rbac.authorization.k8s.io:escalate`",
            "forbidden `*/*:impersonate`",
        ],
    );
}

/// Issue 35, vendor inclusions: what Kubernetes documents a rule may lead
/// to fails a `forbidden` entry that names it, and says so. A deployer
/// that may edit Deployments reaches its namespace's secrets and service
/// accounts ("Escalation paths"); `list` on pods reveals nothing more.
#[test]
fn kubernetes_documented_escalation_paths_fail_forbidden() {
    let (_server, dir) = project(
        "k8s-escalation",
        &[
            (
                "secrets",
                "K8S_DEPLOYER",
                "{ forbidden: [\"ci/secrets:get\", \"ci/serviceaccounts:impersonate\"] }",
            ),
            (
                "elsewhere",
                "K8S_DEPLOYER",
                "{ forbidden: [\"default/secrets:get\", \"ci/pods/exec:create\"] }",
            ),
        ],
    );
    let out = check(&dir, "live", &[("K8S_DEPLOYER", DEPLOYER)]);
    assert_fails(
        &out,
        "k8s::secrets",
        &[
            "+ ci/deployments.apps:update",
            "forbidden `ci/secrets:get` (which the vendor documents it may lead to",
            "forbidden `ci/serviceaccounts:impersonate`",
        ],
    );
    assert_passes(&out, "k8s::elsewhere");
}

#[test]
fn kubernetes_an_incomplete_review_fails_every_rule_that_needs_the_whole_grant() {
    let (_server, dir) = project(
        "k8s-incomplete",
        &[
            (
                "floor",
                "K8S_WEBHOOK",
                "{ at_least: [\"ci/deployments.apps:get\"] }",
            ),
            ("ceiling", "K8S_WEBHOOK", "{ at_most: [\"ci/*:*\"] }"),
            (
                "forbidden",
                "K8S_WEBHOOK",
                "{ forbidden: [\"*/secrets:*\"] }",
            ),
        ],
    );
    for mode in ["record", "replay"] {
        let out = check(
            &dir,
            mode,
            &[("K8S_WEBHOOK", WEBHOOK), ("PERMSPEC_NOW", NOW)],
        );
        assert_passes(&out, "k8s::floor");
        for case in ["k8s::ceiling", "k8s::forbidden"] {
            assert_fails(
                &out,
                case,
                &["unproven", "incomplete", "webhook authorizer"],
            );
        }
    }
}

#[test]
fn kubernetes_unauthorized_proves_revocation_and_forbidden_is_an_error() {
    let (_server, dir) = project(
        "k8s-revoked",
        &[
            ("deleted", "K8S_DELETED", "{ active: false }"),
            ("locked", "K8S_LOCKED", "{ active: false }"),
            ("static", "K8S_STATIC", "{ active: false }"),
        ],
    );
    let env = [
        ("K8S_DELETED", DELETED),
        ("K8S_LOCKED", LOCKED),
        ("K8S_STATIC", "a-static-token-from-a-csv-file"),
        ("PERMSPEC_NOW", NOW),
    ];
    let out = check(&dir, "record", &env);
    assert_passes(&out, "k8s::deleted");
    assert_fails(&out, "k8s::locked", &["403", "SelfSubjectRulesReviews"]);
    assert_fails(
        &out,
        "k8s::static",
        &["is not a Kubernetes service account token"],
    );
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_passes(&replay, "k8s::deleted");
}

#[test]
fn kubernetes_without_the_ca_the_handshake_fails_as_one_case() {
    let ca = TestCa::new();
    let server = api_server(&ca, cluster());
    let dir = TempDir::new("k8s-no-ca");
    dir.write(
        "specs/k8s.yaml",
        &spec(
            "kubernetes",
            &server.url(),
            "namespaces: [ci]\n",
            &[(
                "deployer",
                "K8S_DEPLOYER",
                "{ at_least: [\"ci/pods:get\"] }",
            )],
        ),
    );
    let out = check(&dir, "live", &[("K8S_DEPLOYER", DEPLOYER)]);
    assert_fails(&out, "k8s::deployer", &["ca_file"]);
}

#[test]
fn kubernetes_spec_errors_name_the_entry_and_the_fix() {
    let dir = TempDir::new("k8s-spec-errors");
    dir.write(
        "specs/k8s.yaml",
        &spec(
            "kubernetes",
            "https://k8s.example.com:6443",
            "namespaces: [default, ci]\n",
            &[
                ("unlisted", "K", "{ forbidden: [\"prod/secrets:get\"] }"),
                ("group", "K", "{ forbidden: [\"ci/deployments:update\"] }"),
                ("verb", "K", "{ at_least: [\"ci/pods:gett\"] }"),
                ("expiry", "K", "{ expires_within: 30d }"),
            ],
        ),
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "k8s::unlisted", &["`namespaces` does not list"]);
    assert_fails(&out, "k8s::group", &["deployments.apps"]);
    assert_fails(&out, "k8s::verb", &["did you mean `get`"]);
    assert_fails(&out, "k8s::expiry", &["expires_within"]);
    let bad = TempDir::new("k8s-bad-ns");
    bad.write(
        "specs/k8s.yaml",
        "provider: kubernetes\nbase_url: https://k8s.example.com\nnamespaces: [Default]\ntokens:\n  t:\n    credential: { env: K }\n    expect: { at_least: [\"*/pods:get\"] }\n",
    );
    let out = check(&bad, "replay", &[]);
    assert_fails(&out, "k8s::t", &["not a Kubernetes namespace name"]);
}

#[test]
fn canary_kubernetes_never_shows_a_token() {
    let (_server, dir) = project(
        "canary-k8s",
        &[
            ("deployer", "K8S_DEPLOYER", "{ at_most: [\"ci/pods:get\"] }"),
            ("deleted", "K8S_DELETED", "{ active: false }"),
            ("locked", "K8S_LOCKED", "{ at_least: [\"ci/pods:get\"] }"),
        ],
    );
    let env = [
        ("K8S_DEPLOYER", DEPLOYER),
        ("K8S_DELETED", DELETED),
        ("K8S_LOCKED", LOCKED),
    ];
    let [record, replay, _] = canary_runs(&dir, &env);
    assert_fails(&record, "k8s::deployer", &["ci/deployments.apps:update"]);
    assert_fails(&replay, "k8s::deployer", &["ci/deployments.apps:update"]);
}

/// Issue 39: `init` on an existing spec asks about the spec's
/// `namespaces` (and at its `base_url`, through its `ca_file`) when no
/// flag says otherwise.
#[test]
fn kubernetes_init_on_an_existing_spec_takes_its_namespaces_when_none_are_given() {
    let (server, dir) = project(
        "k8s-init-existing",
        &[(
            "deployer",
            "K8S_DEPLOYER",
            "{ at_least: [\"ci/pods:get\"] }",
        )],
    );
    let init = |token: &str, namespaces: &[&str]| {
        let mut cmd = support::permspec();
        cmd.current_dir(dir.path())
            .args(["init", "--provider", "kubernetes", "--token", token])
            .args([
                "--credential-env",
                "K8S_DEPLOYER",
                "--out",
                "specs/k8s.yaml",
            ])
            .env("K8S_DEPLOYER", DEPLOYER);
        for ns in namespaces {
            cmd.args(["--namespace", ns]);
        }
        support::run(&mut cmd)
    };
    let out = init("reviewer", &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout
            .contains("asked about the namespaces specs/k8s.yaml lists: default, ci"),
        "{}",
        out.stdout
    );
    let asked: Vec<Value> = server
        .hits()
        .iter()
        .map(|h| serde_json::from_str::<Value>(&h.body).unwrap()["spec"]["namespace"].clone())
        .collect();
    assert_eq!(asked, [json!("default"), json!("ci")]);
    let out = init("other", &["ci"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr
            .contains("specs/k8s.yaml says `namespaces: [default, ci]`, but --namespace says [ci]")
            && out.stderr.contains("leave out --namespace to use it"),
        "{}",
        out.stderr
    );
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "k8s::reviewer");
}

/// Issue 39: `namespaces` is a set. Reordering it replays the fixture (and
/// a record run confirms it, byte for byte); an added or removed namespace
/// makes the fixture stale, naming it, and recording reviews every listed
/// namespace again: no answer says which token it is about, so a review
/// of the new namespace alone could not be joined safely to the old ones
/// (a rotated token under the same variable would mix two tokens' rules).
#[test]
fn kubernetes_namespaces_are_a_set_reordered_replays_and_a_changed_set_is_stale() {
    let ca = TestCa::new();
    let server = api_server(&ca, cluster());
    let dir = TempDir::new("k8s-namespaces-set");
    write_spec(
        &dir,
        &ca,
        &server,
        &[(
            "deployer",
            "K8S_DEPLOYER",
            "{ at_least: [\"ci/pods:get\"], forbidden: [\"*/pods/exec:create\"] }",
        )],
    );
    let env = [("K8S_DEPLOYER", DEPLOYER), ("PERMSPEC_NOW", NOW)];
    let asked = |from: usize| -> Vec<Value> {
        server.hits()[from..]
            .iter()
            .map(|h| serde_json::from_str::<Value>(&h.body).unwrap()["spec"]["namespace"].clone())
            .collect()
    };
    assert_passes(&check(&dir, "record", &env), "k8s::deployer");
    assert_eq!(asked(0), [json!("default"), json!("ci")]);
    let recorded = read(&dir, "fixtures/k8s/deployer.json");
    let respec = |namespaces: &str| {
        let text = read(&dir, "specs/k8s.yaml")
            .replace("namespaces: [default, ci]", namespaces)
            .replace("namespaces: [ci, default]", namespaces)
            .replace("namespaces: [ci, default, prod]", namespaces);
        dir.write("specs/k8s.yaml", &text);
    };
    respec("namespaces: [ci, default]");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "k8s::deployer");
    let again = check(&dir, "record", &env);
    assert!(again.stdout.contains("1 unchanged"), "{}", again.stdout);
    assert_eq!(read(&dir, "fixtures/k8s/deployer.json"), recorded);

    respec("namespaces: [ci, default, prod]");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        "k8s::deployer",
        &[
            "answers another request",
            "`namespaces` now lists `prod`, which the fixture has no answer for",
        ],
    );
    let before = server.hits().len();
    assert_passes(&check(&dir, "record", &env), "k8s::deployer");
    assert_eq!(
        asked(before),
        [json!("ci"), json!("default"), json!("prod")]
    );

    respec("namespaces: [ci, prod]");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        "k8s::deployer",
        &["`namespaces` no longer lists `default`, which the fixture answers"],
    );
    let before = server.hits().len();
    assert_passes(&check(&dir, "record", &env), "k8s::deployer");
    assert_eq!(asked(before), [json!("ci"), json!("prod")]);
    let f = fixture(&dir, "fixtures/k8s/deployer.json");
    assert!(f["response"]["body"].get("default").is_none(), "{f:#}");
    assert_passes(
        &check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]),
        "k8s::deployer",
    );
}
