//! Items 11 to 13 of the trust issue: a secret never reaches output, a
//! spec, or a proxy. (Items 9 and 10, every field and every encoding, are
//! `tests/canary.rs`.)

use crate::support::docspace::Portal;
use crate::support::server::Reply;
use crate::support::tls::{TestCa, TlsServer};
use crate::support::{TempDir, run};
use crate::{assert_absent, assert_fails, assert_passes, check, permspec_in, serve};

const PASTED_KEY: &str = "sk-f00dfeed1234567890abcdef1234567890abcdef1234567890abcdef12345678";
const PASTED_GITHUB: &str = "ghp_R4nd0mCanaryT0kenV4lue9x8y7z6w5v4u3t";
const PASTED_COVEO: &str = "xx5f0c2e1a-9b8c-4d7e-8f6a-5b4c3d2e1f0a";

/// Item 11: a secret pasted where a credential source belongs is never
/// echoed, and the error says what to do.
#[test]
fn item11_a_secret_pasted_as_a_credential_is_never_echoed() {
    let dir = TempDir::new("item11");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
             pasted:\n    credential: {PASTED_KEY}\n    expect: {{ exactly: [files:read] }}\n  \
             quoted:\n    credential: \"{PASTED_KEY}\"\n    expect: {{ exactly: [files:read] }}\n  \
             as-env:\n    credential: {{ env: {PASTED_GITHUB} }}\n    expect: {{ exactly: [files:read] }}\n  \
             flow: {{ credential: {PASTED_KEY}, expect: {{ exactly: [files:read] }} }}\n  \
             flow-typo: {{ credential: {PASTED_KEY}, expect: {{ exactly: [files:read] }}, note: 1 }}\n"
        ),
    );
    dir.write(
        "specs/coveo.yaml",
        &format!(
            "provider: coveo\norganization: org\ncaller: {PASTED_COVEO}\ntokens:\n  \
             search:\n    credential: {{ env: COVEO }}\n    expect: {{ exactly: [SEARCH_API:EXECUTE_QUERY] }}\n"
        ),
    );
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: https://api.example.com\n\
             request: {{ path: /me, headers: {{ X-Api-Key: {PASTED_GITHUB} }} }}\n\
             privileges: {{ json: /scopes }}\ntokens:\n  \
             me:\n    credential: {{ env: API }}\n    expect: {{ exactly: [read] }}\n"
        ),
    );
    let out = check(&dir, "replay", &[]);
    for case in ["keys::pasted", "keys::quoted"] {
        assert_fails(
            &out,
            case,
            &[
                "`credential` must say where the secret comes from",
                "the value looks like a secret",
                "rotate it",
                "{ env: NAME }",
            ],
        );
    }
    assert_fails(
        &out,
        "keys::as-env",
        &[
            "the value of `env` looks like a secret, not a variable's name",
            "rotate it",
        ],
    );
    assert_fails(&out, "keys::flow", &["the value looks like a secret"]);
    // Another error on the same line shows the line, the secret masked.
    assert_fails(
        &out,
        "keys::flow-typo",
        &["unknown key `note`", "{ credential: [REDACTED], expect:"],
    );
    assert_fails(
        &out,
        "coveo::search",
        &["`caller` must say where the secret comes from"],
    );
    assert_fails(
        &out,
        "api::me",
        &["the header `X-Api-Key` looks like it holds a secret"],
    );
    let junit = dir.path().join("junit.xml");
    let with_junit = run(&mut permspec_in(
        &dir,
        &[
            "check",
            "--format",
            "junit",
            "--out",
            junit.to_str().unwrap(),
        ],
    ));
    let audit = run(&mut permspec_in(&dir, &["audit", "--format", "json"]));
    let markdown = run(&mut permspec_in(&dir, &["audit", "--format", "markdown"]));
    let junit = std::fs::read_to_string(&junit).unwrap();
    for secret in [PASTED_KEY, PASTED_GITHUB, PASTED_COVEO] {
        // No part of it: not the whole value, not a window of it.
        for part in [secret, &secret[3..23], &secret[secret.len() - 16..]] {
            for (what, text) in [
                ("stdout", &out.stdout),
                ("stderr", &out.stderr),
                ("junit stdout", &with_junit.stdout),
                ("junit file", &junit),
                ("audit", &audit.stdout),
                ("markdown audit", &markdown.stdout),
            ] {
                assert_absent(what, text, part);
            }
        }
    }
}

/// Item 12: credentials in a URL's userinfo are a spec error, never sent.
#[test]
fn item12_credentials_in_a_urls_userinfo_are_never_sent_printed_or_recorded() {
    let server = serve(|_| Reply::empty(200));
    let port = server.url().rsplit(':').next().unwrap().to_owned();
    let dir = TempDir::new("item12");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: http://admin:canary-pw-7731@127.0.0.1:{port}\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ),
    );
    dir.write(
        "specs/vars.yaml",
        "provider: docspace\nbase_url: ${PORTAL}\ntokens:\n  \
         reader:\n    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n",
    );
    dir.write(
        "specs/oauth.yaml",
        &format!(
            "provider: oauth2-introspection\nintrospection_url: http://c:canary-pw-7731@127.0.0.1:{port}/i\n\
             client: {{ id: {{ env: A }}, secret: {{ env: B }} }}\ntokens:\n  \
             app:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [read] }}\n"
        ),
    );
    let portal_with_userinfo = format!("http://u:canary-pw-7731@127.0.0.1:{port}");
    let out = check(
        &dir,
        "record",
        &[
            ("KEY", "sk-item12"),
            ("A", "a"),
            ("B", "b"),
            ("PORTAL", &portal_with_userinfo),
        ],
    );
    assert_fails(
        &out,
        "keys::reader",
        &["`base_url` carries a user name or password", "credential:"],
    );
    assert_fails(
        &out,
        "oauth::app",
        &["`introspection_url` carries a user name or password"],
    );
    assert_fails(
        &out,
        "vars::reader",
        &["the address `base_url` resolves to carries a user name or password"],
    );
    assert_absent("stdout", &out.stdout, "canary-pw");
    assert_absent("stderr", &out.stderr, "canary-pw");
    assert!(server.hits().is_empty(), "nothing was sent");
    for (path, bytes) in dir.all_files() {
        assert!(!path.starts_with(dir.path().join("fixtures")), "{path:?}");
        let _ = bytes;
    }
}

/// Item 13: plain http to loopback never goes through a proxy; https
/// honours HTTPS_PROXY and NO_PROXY; a spec may name its own CA.
#[test]
fn item13_proxies_never_carry_a_credential_meant_for_loopback_plain_http() {
    const KEY: &str = "sk-item13000000000000000000000000000000000000000000000000000000013";
    let proxy = serve(|_| Reply::empty(502));
    let portal = Portal::default().with_key(KEY, &["files:read"]).start();
    let dir = TempDir::new("item13");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            portal.url()
        ),
    );
    let proxy_url = proxy.url();
    let env = [
        ("KEY", KEY),
        ("http_proxy", proxy_url.as_str()),
        ("HTTP_PROXY", proxy_url.as_str()),
        ("ALL_PROXY", proxy_url.as_str()),
        ("all_proxy", proxy_url.as_str()),
        ("HTTPS_PROXY", proxy_url.as_str()),
    ];
    let out = check(&dir, "live", &env);
    assert_passes(&out, "keys::reader");
    assert!(proxy.hits().is_empty(), "{:?}", proxy.hits());

    // https goes through HTTPS_PROXY (a CONNECT), unless NO_PROXY names the host.
    let ca = TestCa::new();
    let tls = TlsServer::start(&ca, Portal::default().with_key(KEY, &["files:read"]));
    let dir = TempDir::new("item13-tls");
    std::fs::create_dir_all(dir.path().join("specs/certs")).unwrap();
    std::fs::write(dir.path().join("specs/certs/ca.pem"), ca.pem()).unwrap();
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\nca_file: certs/ca.pem\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            tls.url()
        ),
    );
    let through_proxy = check(&dir, "live", &[("KEY", KEY), ("HTTPS_PROXY", &proxy_url)]);
    assert_fails(&through_proxy, "keys::reader", &["proxy"]);
    // A refused tunnel is a connection error, retried like one.
    let hits = proxy.hits();
    assert!(!hits.is_empty());
    for hit in &hits {
        assert_eq!(hit.method, "CONNECT");
        assert_eq!(hit.target, tls.authority());
        assert_absent("CONNECT request", &format!("{hit:?}"), KEY);
    }
    let tunnels = hits.len();

    // NO_PROXY: straight to the server, trusting the spec's CA.
    let direct = check(
        &dir,
        "live",
        &[
            ("KEY", KEY),
            ("HTTPS_PROXY", &proxy_url),
            ("NO_PROXY", "localhost"),
        ],
    );
    assert_passes(&direct, "keys::reader");
    assert_eq!(
        proxy.hits().len(),
        tunnels,
        "no CONNECT for a host NO_PROXY lists"
    );

    // Without the CA, the server's certificate is not trusted.
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            tls.url()
        ),
    );
    let untrusted = check(&dir, "live", &[("KEY", KEY)]);
    assert_fails(&untrusted, "keys::reader", &["certificate"]);
    // A CA file that is missing is named.
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\nca_file: certs/missing.pem\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            tls.url()
        ),
    );
    let missing = check(&dir, "live", &[("KEY", KEY)]);
    assert_fails(
        &missing,
        "keys::reader",
        &["cannot read the CA file specs/certs/missing.pem"],
    );
}
