//! No secret ever leaves memory (issue 10, items 9 and 10).
//!
//! Loopback servers for every provider that makes a request echo the
//! credentials they receive back, in every wire encoding (as sent,
//! percent-encoded with `+` or `%20` and upper- or lower-case hex, mixed
//! case, JSON-escaped, base64 of every flavour and inside the base64 of a
//! longer text, hex, upper- and lower-cased), into every field the
//! provider parses: fields that are only shown (a key's name, a profile's
//! e-mail, a client id) and fields that are evidence (permissions, expiry,
//! scopes, a scopes header), and into their error messages. Then
//! `permspec` runs through check (live, record, replay), audit in every
//! format (live and replay), JUnit and init, and no byte of any output or
//! file may hold any form of any canary.
//!
//! The encodings are computed here, independently of permspec's own list,
//! so a form the scrubber forgets is a failure here.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use serde_json::{Value, json};
use support::coveo::Platform;
use support::docspace::{Portal, envelope};
use support::server::{Hit, Reply, Server};
use support::{TempDir, base64, check_in, outcome, permspec, run};

/// DocSpace API keys: shown-only echo, evidence echo, echo in a 403.
const KEY_SHOWN: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1a001";
const KEY_EVIDENCE: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1a002";
const KEY_EXPIRY: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1a003";
const KEY_REFUSED: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1a004";
/// A user's password, with characters every encoding treats differently.
const PASSWORD: &str = "c4n4ry pa/ss+wörd\"&=?";
const USER: &str = "canary.user@example.com";
/// Coveo access tokens.
const COVEO_SHOWN: &str = "xxc4a11a77-1111-4111-8111-c4a11a770001";
const COVEO_EVIDENCE: &str = "xxc4a11a77-2222-4222-8222-c4a11a770002";
/// An introspected token, and the introspecting client's secret.
const OAUTH_SHOWN: &str = "c4n4ry-oauth/token+one two";
const OAUTH_EVIDENCE: &str = "c4n4ry-oauth/token+two three";
const CLIENT_SECRET: &str = "c4n4ry client/secret+é";
/// GitHub-like tokens read by `provider: http`.
const GH_HEADER: &str = "ghp_c4n4ryHeaderEcho0000000000000000000001";
const GH_SHOWN: &str = "ghp_c4n4ryBodyEcho000000000000000000000002";
const GOOGLE_QUERY: &str = "ya29.c4n4ry/query+token";

const SECRETS: &[&str] = &[
    KEY_SHOWN,
    KEY_EVIDENCE,
    KEY_EXPIRY,
    KEY_REFUSED,
    PASSWORD,
    COVEO_SHOWN,
    COVEO_EVIDENCE,
    OAUTH_SHOWN,
    OAUTH_EVIDENCE,
    CLIENT_SECRET,
    GH_HEADER,
    GH_SHOWN,
    GOOGLE_QUERY,
];

// ---------------------------------------------------------------------------
// The encodings, computed here on their own
// ---------------------------------------------------------------------------

fn percent(s: &str, space_plus: bool, upper: bool, keep: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || keep.as_bytes().contains(&b) {
            out.push(char::from(b));
        } else if space_plus && b == b' ' {
            out.push('+');
        } else if upper {
            out.push_str(&format!("%{b:02X}"));
        } else {
            out.push_str(&format!("%{b:02x}"));
        }
    }
    out
}

/// Every form of `secret` a server, a proxy or a log might write.
fn forms(secret: &str) -> Vec<String> {
    let b64 = base64(secret.as_bytes());
    let b64url = b64.replace('+', "-").replace('/', "_");
    let json = serde_json::to_string(secret).unwrap();
    let json = json.trim_matches('"').to_owned();
    let ascii: String = secret
        .chars()
        .map(|c| match c {
            '"' => "\\\"".to_owned(),
            c if c.is_ascii() => c.to_string(),
            c => format!("\\u{:04x}", c as u32),
        })
        .collect();
    let hex: String = secret.bytes().map(|b| format!("{b:02x}")).collect();
    // Percent escapes in upper and lower case within one string.
    let mut mixed = String::new();
    for (i, piece) in percent(secret, true, true, "-._*").split('%').enumerate() {
        if i > 0 {
            mixed.push('%');
            if i % 2 == 0 {
                mixed.push_str(&piece.get(..2).unwrap_or(piece).to_ascii_lowercase());
                mixed.push_str(piece.get(2..).unwrap_or(""));
                continue;
            }
        }
        mixed.push_str(piece);
    }
    let mut all = vec![
        secret.to_owned(),
        percent(secret, true, true, "-._*"),
        percent(secret, true, false, "-._*"),
        percent(secret, false, true, "-._~"),
        percent(secret, false, false, "-._~"),
        mixed,
        json.clone(),
        json.replace('/', "\\/"),
        ascii,
        b64.clone(),
        b64.trim_end_matches('=').to_owned(),
        b64url.clone(),
        b64url.trim_end_matches('=').to_owned(),
        hex.clone(),
        hex.to_uppercase(),
        // An echo that changed the case.
        secret.to_uppercase(),
        secret.to_lowercase(),
    ];
    // Base64 of a longer text that holds it, at the two alignments the
    // secret's own base64 does not show (see `embedded_pieces`).
    for prefix in EMBEDDED_PREFIXES {
        all.push(base64(format!("{prefix}{secret}&x").as_bytes()));
    }
    all.sort();
    all.dedup();
    all
}

const EMBEDDED_PREFIXES: [&str; 2] = ["k", "k="];

/// The middles of the embedded base64 forms: the characters made of the
/// secret's bits alone, which no scrubbed text may hold.
fn embedded_pieces(secret: &str) -> Vec<String> {
    EMBEDDED_PREFIXES
        .iter()
        .map(|prefix| {
            let whole = base64(format!("{prefix}{secret}&x").as_bytes());
            whole[4..whole.len() - 8].to_owned()
        })
        .collect()
}

/// What the servers write into a field: every form of every value.
fn echo(values: &[&str]) -> String {
    values
        .iter()
        .flat_map(|v| forms(v))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// The needles: every form of every canary, and of the Basic values.
fn needles() -> Vec<String> {
    let basic_user = base64(format!("{USER}:{PASSWORD}").as_bytes());
    let basic_client = base64(format!("introspector:{CLIENT_SECRET}").as_bytes());
    let mut all: Vec<String> = SECRETS
        .iter()
        .copied()
        .chain([basic_user.as_str(), basic_client.as_str()])
        .flat_map(forms)
        .collect();
    all.extend(SECRETS.iter().flat_map(|s| embedded_pieces(s)));
    // Distinctive pieces too: a scrubber must not leave half a secret.
    all.extend(
        SECRETS
            .iter()
            .filter(|s| s.len() > 24)
            .map(|s| s[3..19].to_owned()),
    );
    all.sort();
    all.dedup();
    all
}

fn assert_clean(what: &str, bytes: &[u8]) {
    let text = String::from_utf8_lossy(bytes);
    for needle in needles() {
        assert!(
            !text.contains(&needle),
            "{what} contains {needle:?}:\n{text}"
        );
    }
}

// ---------------------------------------------------------------------------
// Servers that echo
// ---------------------------------------------------------------------------

/// Everything a request carried that could be a secret.
fn carried(hit: &Hit) -> Vec<String> {
    let mut out: Vec<String> = hit
        .headers
        .iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case("authorization"))
        .map(|(_, v)| v.clone())
        .collect();
    out.push(hit.target.clone());
    out.push(hit.body.clone());
    out
}

/// What a server writes back: every form of everything the request
/// carried, and of each canary in it (so the forms of the secret alone,
/// not only of the header or body around it, come back).
fn echo_of(hit: &Hit) -> String {
    let values = carried(hit);
    let mut said: Vec<&str> = values.iter().map(String::as_str).collect();
    for secret in SECRETS {
        let sent = [
            secret.to_string(),
            percent(secret, true, true, "-._*"),
            base64(secret.as_bytes()),
        ];
        if values
            .iter()
            .any(|v| sent.iter().any(|s| v.contains(s.as_str())))
            || (*secret == PASSWORD && values.iter().any(|v| v.contains("password")))
        {
            said.push(secret);
        }
    }
    echo(&said)
}

/// A DocSpace portal behind a careless proxy: it echoes what it received
/// into the key's name and creator (shown only), into the permissions or
/// the expiry (evidence) for some keys, into a 403's message for another,
/// and into the account's e-mail, name and sign-in answer.
fn leaky_portal() -> Server {
    let portal = Portal::default()
        .with_key(KEY_SHOWN, &["files:read"])
        .with_key(KEY_EVIDENCE, &["files:read"])
        .with_key(KEY_EXPIRY, &["files:read"])
        .with_user(USER, PASSWORD, json!({"isAdmin": true}));
    Server::start(move |hit| {
        let auth = hit.header("authorization").unwrap_or("").to_owned();
        let said = echo_of(hit);
        if auth.contains(KEY_REFUSED) {
            return Reply::json(
                403,
                json!({"error": {"message": format!("no scope for {said}")}, "status": 1, "statusCode": 403})
                    .to_string(),
            );
        }
        if hit.path() == "/api/2.0/authentication" {
            let reply = portal.answer(hit);
            if reply.status == 200 {
                let token = Portal::session_token(USER);
                return envelope(hit, json!({"token": token, "tfa": false, "echo": said}));
            }
            return reply;
        }
        let reply = portal.answer(hit);
        if reply.status != 200 {
            return reply;
        }
        let mut body: Value = serde_json::from_slice(&reply.body).unwrap();
        let r = &mut body["response"];
        if hit.path() == "/api/2.0/keys/@self" {
            r["name"] = json!(format!("seen {said}"));
            r["createBy"]["displayName"] = json!(said.clone());
            if auth.contains(KEY_EVIDENCE) {
                r["permissions"] = json!(["files:read", format!("files:{said}")]);
            }
            if auth.contains(KEY_EXPIRY) {
                r["expiresAt"] = json!(said.clone());
            }
        } else {
            r["email"] = json!(said.clone());
            r["displayName"] = json!(said.clone());
        }
        Reply::json(200, body.to_string())
    })
}

/// Coveo, quoting the request line (with `accessToken=`) in a field it
/// adds, and for one token in the target (evidence).
fn leaky_platform() -> Server {
    let platform = Platform::new("orgcanary")
        .with_token(
            COVEO_SHOWN,
            json!([{"owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*"}]),
        )
        .with_token(
            COVEO_EVIDENCE,
            json!([{"owner": "SEARCH_API", "targetDomain": "EXECUTE_QUERY", "targetId": "*"}]),
        );
    Server::start(move |hit| {
        let reply = platform.answer(hit);
        let said = echo_of(hit);
        if reply.status != 200 {
            return Reply::json(
                reply.status,
                json!({"message": format!("no such token in {said}"), "errorCode": "INVALID_TOKEN", "requestID": "r-1"})
                    .to_string(),
            );
        }
        let mut list: Value = serde_json::from_slice(&reply.body).unwrap();
        list[0]["seenAt"] = json!(said.clone());
        if hit
            .target
            .contains(&percent(COVEO_EVIDENCE, true, true, "-._*"))
        {
            list[0]["targetId"] = json!(format!("src-{}", forms(COVEO_EVIDENCE)[0]));
        }
        Reply::json(200, list.to_string())
    })
}

/// An RFC 7662 endpoint that quotes the whole form body in `client_id`
/// (shown in a note), and for one token in `scope` (evidence).
fn leaky_idp() -> Server {
    Server::start(|hit| {
        let said = echo_of(hit);
        let evidence = hit
            .body
            .contains(&percent(OAUTH_EVIDENCE, true, true, "-._*"));
        let scope = if evidence {
            format!("files:read {}", forms(OAUTH_EVIDENCE)[0])
        } else {
            "files:read".to_owned()
        };
        Reply::json(
            200,
            json!({"active": true, "scope": scope, "client_id": said, "exp": 1_893_456_000})
                .to_string(),
        )
    })
}

/// A GitHub-like API: `/user` answers the scopes header, which for one
/// token carries the token (evidence); `/me` answers JSON scopes and
/// quotes the request in the body; `/tokeninfo` takes the token in the
/// query (Google) and quotes it.
fn leaky_api() -> Server {
    Server::start(|hit| {
        let said = echo_of(hit);
        let auth = hit.header("authorization").unwrap_or("");
        match hit.path() {
            "/user" => {
                let scopes = if auth.contains(GH_HEADER) {
                    format!("repo, {GH_HEADER}")
                } else {
                    "repo".to_owned()
                };
                Reply::json(200, json!({"login": said}).to_string())
                    .with_header("X-OAuth-Scopes", &scopes)
            }
            "/me" | "/tokeninfo" => Reply::json(
                200,
                json!({"scopes": ["repo"], "login": said, "aud": said}).to_string(),
            ),
            _ => Reply::json(404, json!({"message": said}).to_string()),
        }
    })
}

// ---------------------------------------------------------------------------
// The project
// ---------------------------------------------------------------------------

fn project(portal: &str, coveo: &str, idp: &str, api: &str) -> TempDir {
    let dir = TempDir::new("canary");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {portal}\ntokens:\n  \
             shown:\n    credential: {{ env: KEY_SHOWN }}\n    expect: {{ exactly: [files:read] }}\n  \
             mismatch:\n    credential: {{ env: KEY_SHOWN }}\n    expect: {{ forbidden: [\"files:*\"] }}\n  \
             evidence:\n    credential: {{ env: KEY_EVIDENCE }}\n    expect: {{ exactly: [files:read] }}\n  \
             expiry:\n    credential: {{ env: KEY_EXPIRY }}\n    expect: {{ exactly: [files:read] }}\n  \
             refused:\n    credential: {{ env: KEY_REFUSED }}\n    expect: {{ exactly: [files:read] }}\n"
        ),
    );
    dir.write(
        "specs/account.yaml",
        &format!(
            "provider: docspace-account\nbase_url: {portal}\ntokens:\n  \
             login:\n    credential: {{ scheme: login, username: {{ env: DS_USER }}, password: {{ env: DS_PASSWORD }} }}\n    \
             expect: {{ at_most: [role:user] }}\n  \
             basic:\n    credential: {{ scheme: basic, username: {{ env: DS_USER }}, password: {{ env: DS_PASSWORD }} }}\n    \
             expect: {{ exactly: [role:docspace-admin] }}\n"
        ),
    );
    dir.write(
        "specs/coveo.yaml",
        &format!(
            "provider: coveo\norganization: orgcanary\nbase_url: {coveo}\ntokens:\n  \
             shown:\n    credential: {{ env: COVEO_SHOWN }}\n    expect: {{ forbidden: [\"SEARCH_API:*\"] }}\n  \
             evidence:\n    credential: {{ env: COVEO_EVIDENCE }}\n    expect: {{ exactly: [SEARCH_API:EXECUTE_QUERY] }}\n"
        ),
    );
    for (name, method) in [
        ("basic", "client_secret_basic"),
        ("post", "client_secret_post"),
    ] {
        dir.write(
            &format!("specs/oauth-{name}.yaml"),
            &format!(
                "provider: oauth2-introspection\nintrospection_url: {idp}/introspect\nclient:\n  \
                 id: {{ env: CLIENT_ID }}\n  secret: {{ env: CLIENT_SECRET }}\n  auth_method: {method}\ntokens:\n  \
                 shown:\n    credential: {{ env: OAUTH_SHOWN }}\n    expect: {{ at_most: [\"*:read\"] }}\n  \
                 evidence:\n    credential: {{ env: OAUTH_EVIDENCE }}\n    expect: {{ at_most: [files:read] }}\n"
            ),
        );
    }
    dir.write(
        "specs/github.yaml",
        &format!(
            "provider: http\nbase_url: {api}\nrequest: {{ path: /user }}\nprivileges: {{ header: x-oauth-scopes }}\ntokens:\n  \
             header:\n    credential: {{ env: GH_HEADER }}\n    expect: {{ exactly: [repo] }}\n  \
             shown:\n    credential: {{ env: GH_SHOWN }}\n    expect: {{ exactly: [repo] }}\n"
        ),
    );
    dir.write(
        "specs/google.yaml",
        &format!(
            "provider: http\nbase_url: {api}\nrequest: {{ path: /tokeninfo, token_query: access_token }}\n\
             privileges: {{ json: /scopes }}\ntokens:\n  \
             query:\n    credential: {{ env: GOOGLE_QUERY }}\n    expect: {{ forbidden: [repo] }}\n"
        ),
    );
    dir
}

const ENV: &[(&str, &str)] = &[
    ("KEY_SHOWN", KEY_SHOWN),
    ("KEY_EVIDENCE", KEY_EVIDENCE),
    ("KEY_EXPIRY", KEY_EXPIRY),
    ("KEY_REFUSED", KEY_REFUSED),
    ("DS_USER", USER),
    ("DS_PASSWORD", PASSWORD),
    ("COVEO_SHOWN", COVEO_SHOWN),
    ("COVEO_EVIDENCE", COVEO_EVIDENCE),
    ("CLIENT_ID", "introspector"),
    ("CLIENT_SECRET", CLIENT_SECRET),
    ("OAUTH_SHOWN", OAUTH_SHOWN),
    ("OAUTH_EVIDENCE", OAUTH_EVIDENCE),
    ("GH_HEADER", GH_HEADER),
    ("GH_SHOWN", GH_SHOWN),
    ("GOOGLE_QUERY", GOOGLE_QUERY),
];

#[test]
fn the_echoes_are_checked_in_every_encoding() {
    // The test's own needles catch every form the servers write.
    let said = echo(&[PASSWORD]);
    for needle in forms(PASSWORD) {
        assert!(said.contains(&needle), "{needle}");
    }
    assert!(forms(PASSWORD).len() >= 12, "{:?}", forms(PASSWORD));
}

#[test]
fn no_canary_reaches_any_output_or_file_in_any_encoding() {
    let (portal, coveo, idp, api) = (leaky_portal(), leaky_platform(), leaky_idp(), leaky_api());
    let dir = project(&portal.url(), &coveo.url(), &idp.url(), &api.url());
    let mut outputs: Vec<(String, String)> = Vec::new();

    for mode in ["live", "record"] {
        let out = run(check_in(&dir, mode).envs(ENV.iter().copied()));
        assert_eq!(
            out.code, 101,
            "{mode}: some cases fail on purpose\n{}",
            out.stdout
        );
        // Shown-only echoes are scrubbed and the case is judged.
        assert_eq!(
            outcome(&out.stdout, "keys::shown"),
            Some("ok"),
            "{}",
            out.stdout
        );
        assert_eq!(outcome(&out.stdout, "coveo::evidence"), Some("FAILED"));
        assert!(
            out.stdout.contains("[REDACTED]"),
            "{mode}: echoes were scrubbed\n{}",
            out.stdout
        );
        // An echo into the evidence fails the case, says why, records nothing.
        for case in [
            "keys::evidence",
            "coveo::evidence",
            "oauth-basic::evidence",
            "oauth-post::evidence",
            "github::header",
        ] {
            assert_eq!(
                outcome(&out.stdout, case),
                Some("FAILED"),
                "{case}\n{}",
                out.stdout
            );
        }
        assert!(
            out.stdout
                .matches("the server echoed a credential into the evidence")
                .count()
                >= 5,
            "{}",
            out.stdout
        );
        outputs.push((format!("{mode} stdout"), out.stdout));
        outputs.push((format!("{mode} stderr"), out.stderr));
    }
    for evidence in [
        "keys/evidence",
        "coveo/evidence",
        "oauth-basic/evidence",
        "github/header",
    ] {
        assert!(
            !dir.path()
                .join(format!("fixtures/{evidence}.json"))
                .exists(),
            "{evidence} was recorded"
        );
    }
    for recorded in [
        "keys/shown",
        "account/login",
        "account/basic",
        "coveo/shown",
        "oauth-post/shown",
        "github/shown",
        "google/query",
    ] {
        assert!(
            dir.path()
                .join(format!("fixtures/{recorded}.json"))
                .exists(),
            "{recorded} was not recorded"
        );
    }

    let replay = run(permspec().current_dir(dir.path()).arg("check"));
    outputs.push(("replay stdout".into(), replay.stdout));
    for mode in ["replay", "live"] {
        for format in ["text", "markdown", "json", "html"] {
            let out = run(permspec()
                .current_dir(dir.path())
                .args(["audit", "--mode", mode, "--format", format])
                .envs(ENV.iter().copied()));
            assert_eq!(out.code, 0, "{}", out.stderr);
            outputs.push((format!("audit {mode} {format}"), out.stdout));
            outputs.push((format!("audit {mode} {format} stderr"), out.stderr));
        }
    }
    let junit = dir.path().join("junit.xml");
    let out = run(permspec()
        .current_dir(dir.path())
        .args([
            "check",
            "--format",
            "junit",
            "--out",
            junit.to_str().unwrap(),
        ])
        .env("PERMSPEC_MODE", "live")
        .envs(ENV.iter().copied()));
    outputs.push(("junit run".into(), out.stdout));
    // SARIF from a live run (the log lands in the folder, checked below).
    let out = run(permspec()
        .current_dir(dir.path())
        .args(["check", "--format", "sarif", "--out", "permspec.sarif"])
        .env("PERMSPEC_MODE", "live")
        .envs(ENV.iter().copied()));
    assert!(dir.path().join("permspec.sarif").exists());
    outputs.push(("sarif run".into(), out.stdout));
    // inspect prints what the token may do: every form of it scrubbed.
    for var in ["KEY_SHOWN", "KEY_EVIDENCE"] {
        for format in ["text", "json"] {
            let out = run(permspec()
                .current_dir(dir.path())
                .args([
                    "inspect",
                    "--provider",
                    "docspace",
                    "--base-url",
                    &portal.url(),
                ])
                .args(["--credential-env", var, "--format", format])
                .envs(ENV.iter().copied()));
            outputs.push((format!("inspect {var} {format}"), out.stdout));
            outputs.push((format!("inspect {var} {format} stderr"), out.stderr));
        }
    }

    // init: a shown-only echo is written scrubbed; an echo into the
    // evidence writes nothing.
    let init = |token: &str, var: &str| {
        run(permspec()
            .current_dir(dir.path())
            .args([
                "init",
                "--provider",
                "docspace",
                "--base-url",
                &portal.url(),
                "--token",
                token,
                "--credential-env",
                var,
                "--out",
                "specs/init.yaml",
            ])
            .envs(ENV.iter().copied()))
    };
    let written = init("from-init", "KEY_SHOWN");
    assert_eq!(written.code, 0, "{}{}", written.stdout, written.stderr);
    let refused = init("echoed", "KEY_EVIDENCE");
    assert_eq!(refused.code, 1, "{}{}", refused.stdout, refused.stderr);
    assert!(!dir.path().join("fixtures/init/echoed.json").exists());
    for (what, run) in [("init", written), ("refused init", refused)] {
        outputs.push((format!("{what} stdout"), run.stdout));
        outputs.push((format!("{what} stderr"), run.stderr));
    }

    for (what, text) in &outputs {
        assert_clean(what, text.as_bytes());
    }
    for (path, bytes) in dir.all_files() {
        assert_clean(&path.display().to_string(), &bytes);
    }
}

/// A server that puts another case's credential into this case's answer
/// (a proxy that mixes up answers, a portal that lists the keys it knows):
/// this case's own scrubber knows only its own credential, so the run's
/// last pass over everything shown, which holds every secret the run's
/// requests sent, must remove it. The excess privilege that holds it is
/// shown in the diff, so the secret would be printed without that pass.
#[test]
fn another_case_s_credential_in_an_answer_is_removed_by_the_run_s_last_pass() {
    const MINE: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1b001";
    const THEIRS: &str = "sk-c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a11a77c4a1b002";
    let portal = Portal::default()
        .with_key(MINE, &["files:read", &format!("files:{THEIRS}")])
        .with_key(THEIRS, &["files:read"]);
    let server = Server::start(move |hit| portal.answer(hit));
    let dir = TempDir::new("canary-cross");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             mine:\n    credential: {{ env: KEY_MINE }}\n    expect: {{ exactly: [files:read] }}\n  \
             theirs:\n    credential: {{ env: KEY_THEIRS }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        ),
    );
    let out = run(check_in(&dir, "live").envs([("KEY_MINE", MINE), ("KEY_THEIRS", THEIRS)]));
    assert_eq!(
        outcome(&out.stdout, "keys::mine"),
        Some("FAILED"),
        "{}",
        out.stdout
    );
    assert_eq!(
        outcome(&out.stdout, "keys::theirs"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("files:[REDACTED]"),
        "the excess privilege is shown, scrubbed\n{}",
        out.stdout
    );
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for form in forms(THEIRS) {
            assert!(!text.contains(&form), "{what} holds {form}\n{text}");
        }
    }
}
