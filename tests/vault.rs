//! `provider: vault` against a loopback fake that answers as OpenBao 2.7.2
//! does (research/openbao-2.7.2.md: the envelope, `data.id` holding the
//! token, the two 403 bodies, the namespace 404, `capabilities` only for one
//! path). `tests/openbao/run.sh` runs the same provider against a real
//! OpenBao server from `.ci/run`.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use std::collections::HashMap;
use support::TempDir;
use support::cases::*;
use support::server::{Hit, Reply, Server};

#[derive(Clone)]
struct Token {
    policies: Vec<&'static str>,
    identity: Option<Vec<&'static str>>,
    expire: Option<&'static str>,
    ttl: i64,
    caps: HashMap<&'static str, Vec<&'static str>>,
    /// Without `default`: a known token that may not look itself up.
    no_default: bool,
    /// Refuse capabilities-self with the unknown-token body, as if the
    /// token had been revoked between the two requests.
    revoked_after_lookup: bool,
}

fn token(policies: &[&'static str], caps: &[(&'static str, &[&'static str])]) -> Token {
    Token {
        policies: policies.to_vec(),
        identity: None,
        expire: Some("2026-11-24T19:03:54.742363748Z"),
        ttl: 86_359,
        caps: caps.iter().map(|(p, c)| (*p, c.to_vec())).collect(),
        no_default: false,
        revoked_after_lookup: false,
    }
}

/// OpenBao's answers, for `tokens`; `namespace`: the only one that exists.
fn openbao(tokens: HashMap<String, Token>, namespace: Option<&'static str>) -> Server {
    let denied = || Reply::json(403, r#"{"errors":["permission denied"]}"#);
    let multierror = || {
        Reply::json(
            403,
            r#"{"errors":["1 error occurred:\n\t* permission denied\n\n"]}"#,
        )
    };
    Server::start(move |hit: &Hit| {
        let asked_ns = hit.header("x-vault-namespace");
        if asked_ns.is_some() && asked_ns != namespace {
            return Reply::json(404, r#"{"errors":["namespace not found"]}"#);
        }
        let Some(t) = hit.header("x-vault-token").and_then(|v| tokens.get(v)) else {
            return denied();
        };
        let presented = hit.header("x-vault-token").unwrap_or_default();
        let envelope = |data: Value| {
            json!({"request_id": "d4002d60-0000-4000-8000-000000000000", "lease_id": "",
                   "renewable": false, "lease_duration": 0, "data": data,
                   "wrap_info": null, "warnings": null, "auth": null})
        };
        match (hit.method.as_str(), hit.path()) {
            ("GET", "/v1/auth/token/lookup-self") => {
                if t.no_default {
                    return multierror();
                }
                let mut data = json!({
                    "accessor": "sVGG6fGyICWauxHtx9cyahfW", "creation_time": 1795460617,
                    "creation_ttl": 86400, "display_name": "token-app", "entity_id": "",
                    "expire_time": t.expire, "explicit_max_ttl": 0, "id": presented,
                    "issue_time": "2026-11-23T19:03:37.643212489Z", "meta": null,
                    "num_uses": 0, "orphan": false, "path": "auth/token/create",
                    "policies": t.policies, "renewable": true, "ttl": t.ttl, "type": "service"
                });
                if let Some(ids) = &t.identity {
                    data["identity_policies"] = json!(ids);
                    data["entity_id"] = json!("7d2e3179-f69b-450c-7179-ac8ee8bd8ca9");
                }
                Reply::json(200, envelope(data).to_string())
            }
            ("POST", "/v1/sys/capabilities-self") => {
                if t.no_default {
                    return multierror();
                }
                if t.revoked_after_lookup {
                    return denied();
                }
                let body: Value = serde_json::from_str(&hit.body).unwrap_or(Value::Null);
                let Some(paths) = body["paths"].as_array().filter(|p| !p.is_empty()) else {
                    return Reply::json(400, r#"{"errors":["paths must be supplied"]}"#);
                };
                let mut data = serde_json::Map::new();
                for p in paths {
                    let p = p.as_str().unwrap_or_default();
                    let caps = t.caps.get(p).cloned().unwrap_or_else(|| vec!["deny"]);
                    data.insert(p.to_owned(), json!(caps));
                }
                if paths.len() == 1 {
                    let only = data.values().next().cloned().unwrap_or(Value::Null);
                    data.insert("capabilities".into(), only);
                }
                // Each entry twice: at the top (legacy) and in `data`.
                let mut out = envelope(Value::Object(data.clone()));
                for (k, v) in data {
                    out[k] = v;
                }
                Reply::json(200, out.to_string())
            }
            // A read of a path, as a probe asks it: allowed by `read`.
            ("GET", path) if path.starts_with("/v1/") => {
                let caps = t.caps.get(&path[4..]).cloned().unwrap_or_default();
                if caps.contains(&"read") || caps.contains(&"root") {
                    Reply::json(
                        200,
                        envelope(json!({"data": {"password": SECRET_VALUE}})).to_string(),
                    )
                } else {
                    denied()
                }
            }
            _ => Reply::json(
                405,
                r#"{"errors":["1 error occurred:\n\t* unsupported operation\n\n"]}"#,
            ),
        }
    })
}

/// What a secret read returns: it must never reach a fixture.
const SECRET_VALUE: &str = "s3cr3t-value-never-recorded";

const APP: &str = "hvs.CAESIAppReadTokenAppReadToken0001";
const SUDOER: &str = "hvs.CAESISudoerTokenSudoerToken000002";
const ROOTISH: &str = "s.RootPolicyChildToken00000003";
const GONE: &str = "hvs.CAESIRevokedTokenRevokedToken0004";
const NODEFAULT: &str = "hvs.CAESINoDefaultNoDefaultToken0005";
/// A token whose server names a policy after it: the evidence itself
/// holds the secret.
const ECHOED: &str = "hvs.CAESIEchoedIntoAPolicyName00000006";

fn tokens() -> HashMap<String, Token> {
    let mut t = HashMap::new();
    t.insert(
        APP.to_owned(),
        token(
            &["app-read", "default"],
            &[
                ("secret/data/app/config", &["list", "read"]),
                ("secret/metadata/app/config", &["list"]),
            ],
        ),
    );
    t.insert(
        SUDOER.to_owned(),
        Token {
            identity: Some(vec!["sudoer"]),
            ..token(
                &["app-read", "default"],
                &[
                    ("secret/data/app/config", &["list", "read"]),
                    ("sys/mounts", &["read", "sudo"]),
                ],
            )
        },
    );
    let every = ["secret/data/app/config", "sys/mounts", "auth/token/create"];
    t.insert(
        ROOTISH.to_owned(),
        Token {
            expire: None,
            ttl: 0,
            ..token(&["root"], &every.map(|p| (p, &["root"][..])))
        },
    );
    t.insert(
        ECHOED.to_owned(),
        token(&["default", ECHOED], &[("sys/mounts", &["read"])]),
    );
    t.insert(
        NODEFAULT.to_owned(),
        Token {
            no_default: true,
            ..token(&["app-read"], &[])
        },
    );
    t
}

const PATHS: &str = "paths: [secret/data/app/config, sys/mounts, auth/token/create]\n";

/// A fake OpenBao with [`tokens`], and a project whose `specs/vault.yaml`
/// lists [`PATHS`] and `tokens` (name, variable, expect).
fn project(name: &str, tokens: &[(&str, &str, &str)]) -> (Server, TempDir) {
    let server = openbao(self::tokens(), None);
    let dir = TempDir::new(name);
    dir.write(
        "specs/vault.yaml",
        &spec("vault", &server.url(), PATHS, tokens),
    );
    (server, dir)
}

#[test]
fn vault_policies_and_capabilities_record_and_replay() {
    let (server, dir) = project(
        "vault-record",
        &[(
            "app",
            "VAULT_APP",
            "{ at_least: [\"secret/data/app/config:read\"], at_most: [policy:app-read, \
                 policy:default, \"secret/data/app/config:read\", \"secret/data/app/config:list\"], \
                 forbidden: [\"sys/*:*\", policy:root, \"*:sudo\"], expires_within: 30d }",
        )],
    );
    let out = check(&dir, "record", &[("VAULT_APP", APP), ("PERMSPEC_NOW", NOW)]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert_passes(&out, "vault::app");
    let hits = server.hits();
    assert_eq!(hits.len(), 2, "{hits:#?}");
    assert_eq!(
        (hits[0].method.as_str(), hits[0].path()),
        ("GET", "/v1/auth/token/lookup-self")
    );
    assert_eq!(
        (hits[1].method.as_str(), hits[1].path()),
        ("POST", "/v1/sys/capabilities-self")
    );
    for hit in &hits {
        assert_eq!(hit.header("x-vault-token"), Some(APP));
        assert_eq!(hit.header("authorization"), None, "the token goes once");
    }
    let sent: Value = serde_json::from_str(&hits[1].body).unwrap();
    assert_eq!(
        sent,
        json!({"paths": ["secret/data/app/config", "sys/mounts", "auth/token/create"]})
    );
    let text = read(&dir, "fixtures/vault/app.json");
    // Neither the token (`data.id`) nor its accessor is stored.
    assert!(!text.contains(APP) && !text.contains("sVGG6fGy"), "{text}");
    assert!(!text.contains("request_id"), "{text}");
    let f: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(
        f["response"]["body"]["lookup-self"]["data"]["policies"],
        json!(["app-read", "default"])
    );
    assert_eq!(f["request"]["steps"].as_array().map(Vec::len), Some(2));

    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "vault::app");

    // A path added to the spec is a request the fixture does not answer.
    let spec_text = read(&dir, "specs/vault.yaml").replace(
        "auth/token/create]",
        "auth/token/create, secret/data/other]",
    );
    dir.write("specs/vault.yaml", &spec_text);
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        "vault::app",
        &["answers another request", "secret/data/other"],
    );
}

#[test]
fn vault_sudo_from_an_identity_policy_overlaps_forbidden() {
    let (_server, dir) = project(
        "vault-sudo",
        &[(
            "app",
            "VAULT_APP",
            "{ at_most: [policy:app-read, policy:default, \"secret/data/*:*\"], \
                 forbidden: [\"*:sudo\"] }",
        )],
    );
    let out = check(&dir, "live", &[("VAULT_APP", SUDOER)]);
    assert_fails(
        &out,
        "vault::app",
        &[
            "sys/mounts:sudo",
            "policy:sudoer",
            "above at_most",
            "forbidden `*:sudo`",
        ],
    );
}

#[test]
fn vault_root_covers_everything_and_never_expires() {
    let (_server, dir) = project(
        "vault-root",
        &[
            (
                "root",
                "VAULT_ROOT",
                "{ forbidden: [\"auth/token/create:create\"] }",
            ),
            ("expiring", "VAULT_ROOT", "{ expires_within: 30d }"),
        ],
    );
    let out = check(&dir, "live", &[("VAULT_ROOT", ROOTISH)]);
    // `PATH:root` gives every capability there, `create` among them.
    assert_fails(
        &out,
        "vault::root",
        &["auth/token/create:root", "auth/token/create:create"],
    );
    assert_fails(&out, "vault::expiring", &["never expires"]);
}

#[test]
fn vault_unknown_token_passes_active_false_and_a_known_one_without_rights_is_an_error() {
    let (_server, dir) = project(
        "vault-revoked",
        &[
            ("gone", "VAULT_GONE", "{ active: false }"),
            ("nodefault", "VAULT_NODEFAULT", "{ active: false }"),
            ("shapeless", "VAULT_SHAPELESS", "{ active: false }"),
            ("alive", "VAULT_GONE", "{ at_least: [\"sys/mounts:read\"] }"),
        ],
    );
    let env = [
        ("VAULT_GONE", GONE),
        ("VAULT_NODEFAULT", NODEFAULT),
        ("VAULT_SHAPELESS", "not-a-vault-token"),
        ("PERMSPEC_NOW", NOW),
    ];
    let out = check(&dir, "record", &env);
    assert_passes(&out, "vault::gone");
    // The multierror 403 is a known token's: it proves nothing.
    assert_fails(
        &out,
        "vault::nodefault",
        &["proves nothing", "this answer was not that"],
    );
    assert_fails(
        &out,
        "vault::shapeless",
        &["is not a Vault or OpenBao token"],
    );
    assert_fails(&out, "vault::alive", &["lookup-self", "403"]);
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_passes(&replay, "vault::gone");
}

#[test]
fn vault_a_refusal_after_lookup_is_an_error_never_a_revocation() {
    let mut t = tokens();
    t.insert(
        GONE.to_owned(),
        Token {
            revoked_after_lookup: true,
            ..token(&["default"], &[])
        },
    );
    let server = openbao(t, None);
    let dir = TempDir::new("vault-late-refusal");
    dir.write(
        "specs/vault.yaml",
        &spec(
            "vault",
            &server.url(),
            PATHS,
            &[("gone", "VAULT_GONE", "{ active: false }")],
        ),
    );
    let out = check(&dir, "record", &[("VAULT_GONE", GONE)]);
    assert_fails(&out, "vault::gone", &["capabilities-self", "403"]);
    assert!(!dir.path().join("fixtures/vault/gone.json").exists());
}

#[test]
fn vault_namespace_goes_in_its_header_and_an_unknown_one_is_an_error() {
    let server = openbao(tokens(), Some("team-a"));
    let dir = TempDir::new("vault-ns");
    let expect = "{ at_least: [\"secret/data/app/config:read\"] }";
    dir.write(
        "specs/a.yaml",
        &spec(
            "vault",
            &server.url(),
            &format!("namespace: team-a\n{PATHS}"),
            &[("app", "VAULT_APP", expect)],
        ),
    );
    dir.write(
        "specs/b.yaml",
        &spec(
            "vault",
            &server.url(),
            &format!("namespace: team-b\n{PATHS}"),
            &[("app", "VAULT_APP", expect)],
        ),
    );
    let out = check(&dir, "live", &[("VAULT_APP", APP)]);
    assert_passes(&out, "a::app");
    assert_fails(
        &out,
        "b::app",
        &["404", "namespace not found", "`namespace`"],
    );
    assert!(
        server
            .hits()
            .iter()
            .all(|h| h.header("x-vault-namespace").is_some())
    );
}

#[test]
fn vault_probes_send_the_token_as_vault_takes_it_and_keep_no_secret() {
    let server = openbao(tokens(), Some("team-a"));
    let dir = TempDir::new("vault-probes");
    dir.write(
        "specs/vault.yaml",
        &format!(
            "provider: vault\nbase_url: {}\nnamespace: team-a\n{PATHS}tokens:\n  app:\n    \
             credential: {{ env: VAULT_APP }}\n    expect: {{ at_least: [\"secret/data/app/config:read\"] }}\n    \
             probes:\n      - {{ get: /v1/secret/data/app/config, expect: allowed }}\n      \
             - {{ get: /v1/sys/mounts, expect: denied }}\n",
            server.url()
        ),
    );
    let [record, replay, live] = canary_runs(&dir, &[("VAULT_APP", APP)]);
    for out in [&record, &replay, &live] {
        assert_passes(out, "vault::app");
    }
    for hit in server.hits() {
        assert_eq!(hit.header("x-vault-token"), Some(APP), "{hit:?}");
        assert_eq!(hit.header("x-vault-namespace"), Some("team-a"));
        assert_eq!(hit.header("authorization"), None);
    }
    let stored = fixture(&dir, "fixtures/vault/app.json");
    assert_eq!(
        stored["probes"],
        json!([
            {"method": "GET", "path": "/v1/secret/data/app/config", "status": 200},
            {"method": "GET", "path": "/v1/sys/mounts", "status": 403, "message": "permission denied"}
        ])
    );
    assert_nothing_leaked(&dir, &[&record, &replay, &live], &[SECRET_VALUE]);
}

#[test]
fn vault_spec_errors_name_the_entry_and_the_fix() {
    let dir = TempDir::new("vault-spec-errors");
    dir.write(
        "specs/vault.yaml",
        &spec(
            "vault",
            "https://vault.example.com",
            PATHS,
            &[
                ("typo", "V", "{ at_least: [\"sys/mounts:reed\"] }"),
                (
                    "unlisted",
                    "V",
                    "{ forbidden: [\"secret/data/payroll:read\"] }",
                ),
                ("deny", "V", "{ forbidden: [\"sys/mounts:deny\"] }"),
                ("fine", "V", "{ forbidden: [\"sys/*:*\", policy:root] }"),
            ],
        ),
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "vault::typo", &["did you mean `sys/mounts:read`"]);
    assert_fails(&out, "vault::unlisted", &["`paths` does not list"]);
    assert_fails(&out, "vault::deny", &["deny"]);
    assert_fails(&out, "vault::fine", &["no fixture"]);
    let missing = TempDir::new("vault-no-paths");
    missing.write(
        "specs/vault.yaml",
        "provider: vault\nbase_url: https://vault.example.com\ntokens:\n  t:\n    credential: { env: V }\n    expect: { at_least: [policy:default] }\n",
    );
    let out = check(&missing, "replay", &[]);
    assert_fails(&out, "vault::t", &["needs `paths`"]);
    missing.write(
        "specs/vault.yaml",
        &format!("provider: vault\nbase_url: https://vault.example.com\nnamespace: \"team a\"\n{PATHS}tokens:\n  t:\n    credential: {{ env: V }}\n    expect: {{ at_least: [policy:default] }}\n"),
    );
    let out = check(&missing, "replay", &[]);
    assert_fails(
        &out,
        "vault::t",
        &["`namespace` must be a Vault namespace path"],
    );
}

#[test]
fn canary_vault_never_shows_the_token_it_echoes_in_data_id() {
    let (_server, dir) = project(
        "canary-vault",
        &[
            ("app", "VAULT_APP", "{ at_most: [policy:app-read] }"),
            ("gone", "VAULT_GONE", "{ active: false }"),
            ("nodefault", "VAULT_NODEFAULT", "{ active: false }"),
            ("echoed", "VAULT_ECHOED", "{ at_least: [policy:default] }"),
        ],
    );
    let env = [
        ("VAULT_APP", APP),
        ("VAULT_GONE", GONE),
        ("VAULT_NODEFAULT", NODEFAULT),
        ("VAULT_ECHOED", ECHOED),
    ];
    let [record, replay, _] = canary_runs(&dir, &env);
    assert_fails(&record, "vault::app", &["policy:default"]);
    assert_fails(&replay, "vault::app", &["policy:default"]);
    // Scrubbing the policy would change the grant: not judged, not recorded.
    assert_fails(&record, "vault::echoed", &["echoed a credential"]);
    assert!(!dir.path().join("fixtures/vault/echoed.json").exists());
}

#[test]
fn vault_init_writes_a_spec_and_fixture_that_replay() {
    let server = openbao(tokens(), None);
    let dir = TempDir::new("vault-init");
    let out = support::run(
        support::permspec()
            .current_dir(dir.path())
            .args(["init", "--provider", "vault", "--base-url", &server.url()])
            .args(["--path", "secret/data/app/config", "--path", "sys/mounts"])
            .args(["--token", "app", "--credential-env", "VAULT_APP"])
            .env("VAULT_APP", APP),
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    let spec_text = read(&dir, "specs/vault.yaml");
    assert!(
        spec_text.contains(r#"paths: ["secret/data/app/config", "sys/mounts"]"#),
        "{spec_text}"
    );
    assert!(
        spec_text.contains(
            r#"exactly: [policy:app-read, policy:default, "secret/data/app/config:list", "secret/data/app/config:read"]"#
        ),
        "{spec_text}"
    );
    assert!(!read(&dir, "fixtures/vault/app.json").contains(APP));
    let replay = check(&dir, "replay", &[]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "vault::app");
    // Flags that disagree with the spec's paths are refused.
    let again = support::run(
        support::permspec()
            .current_dir(dir.path())
            .args(["init", "--provider", "vault", "--base-url", &server.url()])
            .args([
                "--path",
                "sys/mounts",
                "--token",
                "two",
                "--credential-env",
                "VAULT_APP",
            ])
            .env("VAULT_APP", APP),
    );
    assert_eq!(again.code, 2, "{}", again.stderr);
    assert!(
        again.stderr.contains("leave out --path"),
        "{}",
        again.stderr
    );
}

/// Issue 39: `init` on an existing spec asks about the spec's `paths` when
/// no --path is given (as its refusal of a differing --path advises), and
/// takes the same paths in another order; nothing it prints contradicts
/// what it does.
#[test]
fn vault_init_on_an_existing_spec_takes_its_paths_when_none_are_given() {
    let (server, dir) = project(
        "vault-init-existing",
        &[("app", "VAULT_APP", "{ at_least: [policy:default] }")],
    );
    let init = |token: &str, paths: &[&str]| {
        let mut cmd = support::permspec();
        cmd.current_dir(dir.path())
            .args(["init", "--provider", "vault", "--token", token])
            .args(["--credential-env", "VAULT_APP"])
            .env("VAULT_APP", APP);
        for p in paths {
            cmd.args(["--path", p]);
        }
        support::run(&mut cmd)
    };
    let out = init("two", &[]);
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        out.stdout.contains(
            "asked about the paths specs/vault.yaml lists: secret/data/app/config, sys/mounts, \
             auth/token/create"
        ),
        "{}",
        out.stdout
    );
    let hits = server.hits();
    let sent: Value = serde_json::from_str(&hits.last().unwrap().body).unwrap();
    assert_eq!(
        sent,
        json!({"paths": ["secret/data/app/config", "sys/mounts", "auth/token/create"]})
    );
    assert!(read(&dir, "specs/vault.yaml").contains("\n  two:\n"));
    // The same paths in another order are the spec's.
    let out = init(
        "three",
        &["auth/token/create", "secret/data/app/config", "sys/mounts"],
    );
    assert_eq!(out.code, 0, "{}\n{}", out.stdout, out.stderr);
    assert!(
        !out.stdout.contains("asked about the paths"),
        "{}",
        out.stdout
    );
    // Others are refused, and the advice works (as above).
    let out = init("four", &["sys/mounts"]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(
        out.stderr.contains(
            "specs/vault.yaml says `paths: [secret/data/app/config, sys/mounts, \
             auth/token/create]`, but --path says [sys/mounts]"
        ) && out.stderr.contains("leave out --path to use it"),
        "{}",
        out.stderr
    );
    assert!(!read(&dir, "specs/vault.yaml").contains("four"));
    let replay = check(&dir, "replay", &[]);
    assert_passes(&replay, "vault::two");
    assert_passes(&replay, "vault::three");
}

/// Issue 39: `paths` is a set. Reordering it replays the fixture (and a
/// record run confirms it, byte for byte); adding or removing a path makes
/// the fixture stale, naming the path, and recording asks every listed
/// path again in one capabilities-self: asking the new path alone would
/// still take both requests (lookup-self, then capabilities-self), so it
/// saves nothing, and would join answers of two moments in one fixture.
#[test]
fn vault_paths_are_a_set_reordered_replays_and_a_changed_set_is_stale() {
    let (server, dir) = project(
        "vault-paths-set",
        &[(
            "app",
            "VAULT_APP",
            "{ at_least: [\"secret/data/app/config:read\"], forbidden: [\"*:sudo\"] }",
        )],
    );
    let env = [("VAULT_APP", APP), ("PERMSPEC_NOW", NOW)];
    let out = check(&dir, "record", &env);
    assert_passes(&out, "vault::app");
    assert_eq!(server.hits().len(), 2);
    let recorded = read(&dir, "fixtures/vault/app.json");
    let respec = |paths: &str| {
        let text = read(&dir, "specs/vault.yaml");
        let (head, rest) = text.split_once("paths: [").unwrap();
        let (_, tail) = rest.split_once("]\n").unwrap();
        dir.write(
            "specs/vault.yaml",
            &format!("{head}paths: [{paths}]\n{tail}"),
        );
    };
    respec("auth/token/create, sys/mounts, secret/data/app/config");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_eq!(replay.code, 0, "{}", replay.stdout);
    assert_passes(&replay, "vault::app");
    let again = check(&dir, "record", &env);
    assert_passes(&again, "vault::app");
    assert!(again.stdout.contains("1 unchanged"), "{}", again.stdout);
    assert_eq!(read(&dir, "fixtures/vault/app.json"), recorded);

    // Added: stale, naming it; recording asks every path.
    respec("auth/token/create, sys/mounts, secret/data/app/config, secret/data/other");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        "vault::app",
        &[
            "answers another request",
            "`paths` now lists `secret/data/other`, which the fixture has no answer for",
        ],
    );
    let before = server.hits().len();
    let out = check(&dir, "record", &env);
    assert_passes(&out, "vault::app");
    let hits = server.hits();
    assert_eq!(hits.len() - before, 2, "{:#?}", &hits[before..]);
    let sent: Value = serde_json::from_str(&hits[before + 1].body).unwrap();
    assert_eq!(
        sent,
        json!({"paths": ["auth/token/create", "sys/mounts", "secret/data/app/config", "secret/data/other"]})
    );
    assert_passes(
        &check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]),
        "vault::app",
    );

    // Removed: stale too (the fixture answers more than is asked, and a
    // changed set is another request); recording asks what is left.
    respec("auth/token/create, secret/data/app/config, secret/data/other");
    let replay = check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    assert_fails(
        &replay,
        "vault::app",
        &["`paths` no longer lists `sys/mounts`, which the fixture answers"],
    );
    let before = server.hits().len();
    assert_passes(&check(&dir, "record", &env), "vault::app");
    let hits = server.hits();
    assert_eq!(hits.len() - before, 2);
    let sent: Value = serde_json::from_str(&hits[before + 1].body).unwrap();
    assert_eq!(
        sent,
        json!({"paths": ["auth/token/create", "secret/data/app/config", "secret/data/other"]})
    );
    let f = fixture(&dir, "fixtures/vault/app.json");
    assert!(
        f["response"]["body"]["capabilities-self"]["data"]
            .get("sys/mounts")
            .is_none(),
        "{f:#}"
    );
    assert_passes(
        &check(&dir, "replay", &[("PERMSPEC_NOW", NOW)]),
        "vault::app",
    );
}
