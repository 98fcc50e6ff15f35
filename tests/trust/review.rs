//! What a review of the trust change found after it landed: more ways for a
//! careless spec or an adversarial server to make a case pass, or a secret
//! leave. Each test failed before its fix.

use crate::support::coveo::Platform;
use crate::support::docspace::{Portal, envelope};
use crate::support::server::Reply;
use crate::support::{TempDir, base64, key_fixture, run};
use crate::{
    assert_absent, assert_fails, assert_passes, bearer, check, coveo_token, init_docspace,
    permspec_in, serve,
};
use serde_json::json;

const COVEO_ON: &str = "xx0e7c1a2b-3333-4c3c-8c3c-0123456789cc";
const COVEO_OFF: &str = "xx0e7c1a2b-4444-4d4d-8d4d-0123456789dd";
const COVEO_TYPELESS: &str = "xx0e7c1a2b-5555-4e5e-8e5e-0123456789ee";
const COVEO_WRONG_TYPE: &str = "xx0e7c1a2b-6666-4f6f-8f6f-0123456789ff";
const COVEO_MIXED: &str = "xx0e7c1a2b-7777-4a7a-8a7a-012345678900";
const COVEO_GLOBAL_ONE: &str = "xx0e7c1a2b-8888-4b8b-8b8b-012345678911";

/// An on/off Coveo privilege is one privilege however it is written: the
/// API's `type: ENABLE` or no type, in the answer or in the spec. A type the
/// privilege cannot have, or none where it needs one, is an error, never a
/// name that no rule matches.
#[test]
fn coveo_on_off_privileges_are_one_name_with_or_without_enable() {
    let platform = Platform::new("orgreview")
        .with_token(
            COVEO_ON,
            json!([{"owner": "SEARCH_API", "targetDomain": "IMPERSONATE", "type": "ENABLE", "targetId": "*"}]),
        )
        .with_token(
            COVEO_OFF,
            json!([{"owner": "SEARCH_API", "targetDomain": "IMPERSONATE"}]),
        )
        .with_token(
            COVEO_TYPELESS,
            json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "targetId": "*"}]),
        )
        .with_token(
            COVEO_WRONG_TYPE,
            json!([{"owner": "SEARCH_API", "targetDomain": "IMPERSONATE", "type": "VIEW"}]),
        )
        .with_token(
            COVEO_MIXED,
            json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "type": "EDIT",
                    "targetIds": [], "targetId": "src-1"}]),
        )
        .with_token(
            COVEO_GLOBAL_ONE,
            json!([{"owner": "PLATFORM", "targetDomain": "SOURCE", "type": "EDIT",
                    "global": true, "targetId": "src-1"}]),
        )
        .start();
    let dir = TempDir::new("review-coveo-enable");
    let tokens = [
        coveo_token(
            "enable-vs-plain",
            "ON",
            "{ forbidden: [SEARCH_API:IMPERSONATE] }",
        ),
        coveo_token(
            "plain-vs-enable",
            "OFF",
            "{ forbidden: [SEARCH_API:IMPERSONATE:ENABLE] }",
        ),
        coveo_token(
            "mapping-enable",
            "OFF",
            "{ forbidden: [{ owner: SEARCH_API, targetDomain: IMPERSONATE, type: ENABLE }] }",
        ),
        coveo_token("glob-no-type", "ON", "{ forbidden: [\"*:IMPERSONATE\"] }"),
        coveo_token("glob-enable", "OFF", "{ forbidden: [\"*:ENABLE\"] }"),
        coveo_token(
            "exactly-plain",
            "ON",
            "{ exactly: [SEARCH_API:IMPERSONATE] }",
        ),
        coveo_token(
            "exactly-enable",
            "OFF",
            "{ exactly: [SEARCH_API:IMPERSONATE:ENABLE] }",
        ),
        coveo_token("ceiling", "ON", "{ at_most: [SEARCH_API:EXECUTE_QUERY] }"),
        coveo_token(
            "typeless",
            "TYPELESS",
            "{ forbidden: [PLATFORM:SOURCE:EDIT] }",
        ),
        coveo_token(
            "wrong-type",
            "WRONG",
            "{ forbidden: [SEARCH_API:IMPERSONATE] }",
        ),
        coveo_token("mixed", "MIXED", "{ at_least: [PLATFORM:SOURCE:EDIT] }"),
        coveo_token(
            "global-one",
            "GLOBAL",
            "{ at_least: [PLATFORM:SOURCE:EDIT] }",
        ),
    ]
    .concat();
    dir.write(
        "specs/coveo.yaml",
        &format!(
            "provider: coveo\norganization: orgreview\nbase_url: {}\ntokens:\n{tokens}",
            platform.url()
        ),
    );
    let out = check(
        &dir,
        "live",
        &[
            ("ON", COVEO_ON),
            ("OFF", COVEO_OFF),
            ("TYPELESS", COVEO_TYPELESS),
            ("WRONG", COVEO_WRONG_TYPE),
            ("MIXED", COVEO_MIXED),
            ("GLOBAL", COVEO_GLOBAL_ONE),
        ],
    );
    for case in [
        "enable-vs-plain",
        "plain-vs-enable",
        "mapping-enable",
        "glob-no-type",
        "glob-enable",
    ] {
        assert_fails(
            &out,
            &format!("coveo::{case}"),
            &["`SEARCH_API:IMPERSONATE` overlaps forbidden"],
        );
    }
    assert_passes(&out, "coveo::exactly-plain");
    assert_passes(&out, "coveo::exactly-enable");
    assert_fails(&out, "coveo::ceiling", &["+ SEARCH_API:IMPERSONATE"]);
    assert_fails(
        &out,
        "coveo::typeless",
        &["PLATFORM:SOURCE takes a type", "gives none"],
    );
    assert_fails(
        &out,
        "coveo::wrong-type",
        &["SEARCH_API:IMPERSONATE is on or off", "`VIEW`"],
    );
    for case in ["mixed", "global-one"] {
        assert_fails(
            &out,
            &format!("coveo::{case}"),
            &["every resource and `src-1`"],
        );
    }
}

/// A key written with no value is an error, never "no such rule": an empty
/// `forbidden:` forbade nothing, an empty `max_fixture_age:` turned the age
/// check off.
#[test]
fn a_key_with_no_value_is_an_error_never_an_absent_rule() {
    let dir = TempDir::new("review-nulls");
    let base = "https://portal.example.com";
    let token = |name: &str, expect: &str| {
        format!(
            "  {name}:\n    credential: {{ env: KEY }}\n    expect:\n      exactly: [\"*\"]\n{expect}"
        )
    };
    let tokens = [
        token("forbidden-empty", "      forbidden:\n"),
        token("at-most-tilde", "      at_most: ~\n"),
        token("active-null", "      active: null\n"),
        token("expires-empty", "      expires_within:\n"),
        "  description-empty:\n    description:\n    credential: { env: KEY }\n    expect: { exactly: [\"*\"] }\n".to_owned(),
        token("good", ""),
    ]
    .concat();
    dir.write(
        "specs/keys.yaml",
        &format!("provider: docspace\nbase_url: {base}\ntokens:\n{tokens}"),
    );
    dir.write(
        "specs/aged.yaml",
        &format!(
            "provider: docspace\nbase_url: {base}\nmax_fixture_age:\ntokens:\n{}",
            token("old", "")
        ),
    );
    for name in [
        "forbidden-empty",
        "at-most-tilde",
        "active-null",
        "expires-empty",
        "description-empty",
        "good",
    ] {
        dir.write(
            &format!("fixtures/keys/{name}.json"),
            &key_fixture(base, "KEY", r#"["*"]"#),
        );
    }
    dir.write(
        "fixtures/aged/old.json",
        &key_fixture(base, "KEY", r#"["*"]"#),
    );
    let out = check(&dir, "replay", &[]);
    for case in [
        "keys::forbidden-empty",
        "keys::at-most-tilde",
        "keys::active-null",
        "keys::expires-empty",
        "keys::description-empty",
        "aged::old",
    ] {
        assert_fails(&out, case, &["this key has no value", "remove the key"]);
    }
    assert_passes(&out, "keys::good");
}

/// Coveo's mapping form: an empty part is an error, not "every resource"
/// (`targetId: ""`) or "no type" (`type: ""`).
#[test]
fn an_empty_part_of_a_coveo_mapping_is_an_error() {
    let dir = TempDir::new("review-coveo-empty");
    let tokens = [
        coveo_token(
            "empty-target",
            "A",
            "{ at_most: [{ owner: PLATFORM, targetDomain: SOURCE, type: EDIT, targetId: \"\" }] }",
        ),
        coveo_token(
            "null-target",
            "A",
            "{ at_most: [{ owner: PLATFORM, targetDomain: SOURCE, type: EDIT, targetId: }] }",
        ),
        coveo_token(
            "empty-type",
            "A",
            "{ forbidden: [{ owner: PLATFORM, targetDomain: SOURCE, type: \"\" }] }",
        ),
        coveo_token("fine", "A", "{ at_most: [PLATFORM:SOURCE:EDIT] }"),
    ]
    .concat();
    dir.write(
        "specs/coveo.yaml",
        &format!("provider: coveo\norganization: org\ntokens:\n{tokens}"),
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(
        &out,
        "coveo::empty-target",
        &["`targetId` is empty", "write `*` for every resource"],
    );
    assert_fails(&out, "coveo::null-target", &["this key has no value"]);
    assert_fails(&out, "coveo::empty-type", &["`type` is empty"]);
    // Planned; fails only for want of a fixture.
    assert_fails(&out, "coveo::fine", &["no fixture"]);
}

/// `1:` and `"1":` are two entries YAML reads as one name: neither is
/// planned from the other's body.
#[test]
fn two_tokens_whose_names_read_the_same_both_fail() {
    let dir = TempDir::new("review-dup-names");
    let base = "https://portal.example.com";
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {base}\ntokens:\n  \
             1:\n    credential: {{ env: KEY }}\n    expect: {{ at_least: [files:read] }}\n  \
             \"1\":\n    credential: {{ env: KEY }}\n    expect: {{ forbidden: [\"*:write\"] }}\n  \
             other:\n    credential: {{ env: KEY }}\n    expect: {{ at_least: [files:read] }}\n"
        ),
    );
    for name in ["1", "other"] {
        dir.write(
            &format!("fixtures/keys/{name}.json"),
            &key_fixture(base, "KEY", r#"["*"]"#),
        );
    }
    let out = check(&dir, "replay", &[]);
    assert_fails(
        &out,
        "keys::1",
        &["token `1` is declared twice", "line 4", "line 7"],
    );
    assert_passes(&out, "keys::other");
}

/// A header sent on several lines is one list (RFC 9110, 5.3): every line
/// is read, live and in the recorded fixture.
#[test]
fn a_privilege_header_sent_on_several_lines_is_read_whole() {
    let server = serve(|_| {
        Reply::json(200, r#"{"login": "bot"}"#)
            .with_header("X-OAuth-Scopes", "repo")
            .with_header("X-OAuth-Scopes", "admin:org, delete_repo")
    });
    let dir = TempDir::new("review-header-lines");
    dir.write(
        "specs/github.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /user }}\n\
             privileges: {{ header: x-oauth-scopes }}\ntokens:\n  \
             bot:\n    credential: {{ env: GH }}\n    expect: {{ at_least: [repo], forbidden: [\"admin:*\", delete_repo] }}\n",
            server.url()
        ),
    );
    let out = check(
        &dir,
        "record",
        &[("GH", "ghp_reviewheaderlines000000000000000001")],
    );
    assert_fails(&out, "github::bot", &["`admin:org` overlaps forbidden"]);
    let fixture = std::fs::read_to_string(dir.path().join("fixtures/github/bot.json")).unwrap();
    assert!(
        fixture.contains("\"x-oauth-scopes\": \"repo, admin:org, delete_repo\""),
        "{fixture}"
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "github::bot", &["`admin:org` overlaps forbidden"]);
}

/// `active: false` says the token is revoked; rules about what it holds
/// next to it could never be checked, so the spec is refused.
#[test]
fn active_false_stands_alone() {
    let dir = TempDir::new("review-active-false");
    dir.write(
        "specs/keys.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
         revoked:\n    credential: { env: KEY }\n    expect:\n      active: false\n      \
         at_least: [files:write]\n      exactly: [{ privilege: files:write, reason: r, ticket: T-1, review_by: 2020-01-01 }]\n  \
         alone:\n    credential: { env: KEY }\n    expect: { active: false }\n",
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(
        &out,
        "keys::revoked",
        &["`active: false`", "could never be checked", "at_least"],
    );
    // Planned; fails only for want of a fixture.
    assert_fails(&out, "keys::alone", &["no fixture"]);
}

/// A password in an address is found wherever `@` stands, even when the
/// password holds `/`, `?` or `#` (so the address does not parse), and an
/// address that does not parse is never printed.
#[test]
fn a_password_in_an_address_is_never_printed_even_when_it_breaks_the_url() {
    let password = "Pa55/w0rd?x#y";
    let dir = TempDir::new("review-userinfo");
    dir.write(
        "specs/written.yaml",
        &format!(
            "provider: docspace\nbase_url: https://admin:{password}@portal.example.com\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ),
    );
    dir.write(
        "specs/vars.yaml",
        "provider: docspace\nbase_url: ${PORTAL}\ntokens:\n  \
         reader:\n    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n",
    );
    let portal = format!("https://admin:{password}@portal.example.com");
    let out = check(
        &dir,
        "live",
        &[("KEY", "sk-review-userinfo"), ("PORTAL", &portal)],
    );
    assert_fails(&out, "written::reader", &["a user name or password"]);
    assert_fails(&out, "vars::reader", &["a user name or password"]);
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        for part in ["Pa55", "w0rd"] {
            assert_absent(what, text, part);
        }
    }
    // An address from a variable that is no URL at all is not echoed either.
    let out = check(
        &dir,
        "live",
        &[
            ("KEY", "sk-review-userinfo"),
            ("PORTAL", "ghp-not-an-url-5ecret"),
        ],
    );
    assert_fails(&out, "vars::reader", &["is not a URL"]);
    assert_absent("stdout", &out.stdout, "5ecret");
    // init --base-url with one.
    let out = run(&mut init_docspace(
        &dir,
        &portal,
        "new",
        "sk-review-userinfo",
        &[],
    ));
    assert_ne!(out.code, 0);
    for text in [&out.stdout, &out.stderr] {
        assert_absent("init output", text, "w0rd");
    }
}

/// The inventory never prints the portal's password.
#[test]
fn the_inventory_never_prints_a_password_in_the_portal_address() {
    let dir = TempDir::new("review-inventory");
    dir.write(
        "specs/keys.yaml",
        "provider: docspace\nbase_url: ${PORTAL}\ntokens:\n  \
         reader:\n    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n",
    );
    for format in ["text", "markdown", "json"] {
        let out = run(permspec_in(
            &dir,
            &[
                "audit",
                "--inventory",
                "--admin-key-env",
                "ADMIN",
                "--format",
                format,
            ],
        )
        .env("ADMIN", "sk-review-admin")
        .env("PORTAL", "https://admin:S3cretPw@portal.example.com"));
        for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert_absent(what, text, "S3cretPw");
        }
        assert!(
            out.stdout.contains("portal.example.com") || out.stderr.contains("password"),
            "{format}: {}{}",
            out.stdout,
            out.stderr
        );
    }
}

/// A YAML syntax error near a credential still hides it: the line is shown
/// with the value masked, even though the file cannot be read as YAML.
#[test]
fn a_syntax_error_does_not_unmask_a_secret_in_the_spec() {
    let dir = TempDir::new("review-syntax-masks");
    dir.write(
        "specs/quote.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
         a:\n    credential: { scheme: basic, username: { env: U }, password: \"Sw0rdf1sh }\n    \
         expect: { exactly: [files:read] }\n",
    );
    dir.write(
        "specs/at.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
         a:\n    credential:\n      scheme: basic\n      username: { env: U }\n      password: @dm1nPa55\n    \
         expect: { exactly: [files:read] }\n",
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "quote", &["quote.yaml"]);
    assert_fails(&out, "at", &["at.yaml"]);
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_absent(what, text, "Sw0rdf1sh");
        assert_absent(what, text, "dm1nPa55");
    }
}

/// An error page is cut short after the credentials are removed, so a cut
/// never leaves the start of one behind.
#[test]
fn an_error_page_is_scrubbed_before_it_is_cut() {
    const TOKEN: &str = "ghp_R3v13wCutT0kenV4lue9x8y7z6w5v4u3t2s1";
    let server = serve(|hit| {
        let token = bearer(hit);
        // The token starts at character 100 of the title: a cut at 120
        // would keep its first 20 characters.
        let title = format!("{}{token} was blocked", "x".repeat(100));
        Reply::json(
            403,
            format!("<html><head><title>{title}</title></head></html>"),
        )
        .with_content_type("text/html")
    });
    let dir = TempDir::new("review-cut");
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\n\
             privileges: {{ json: /scopes }}\ntokens:\n  \
             me:\n    credential: {{ env: API }}\n    expect: {{ exactly: [read] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "live", &[("API", TOKEN)]);
    assert_fails(&out, "api::me", &["HTML page"]);
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_absent(what, text, &TOKEN[..12]);
    }
}

/// A secret the server decodes before echoing it (`\n` in a password comes
/// back as a line break) is still removed, from the output in every format
/// and from the fixture.
#[test]
fn a_secret_echoed_json_decoded_is_still_removed() {
    const PASSWORD: &str = r#"Tr0ub4dor\n3xyz\"q"#;
    let decoded = PASSWORD.replace("\\n", "\n").replace("\\\"", "\"");
    let server = serve(move |_| {
        // The server writes the password into JSON without escaping it,
        // so the JSON parser decodes its backslashes.
        Reply::json(
            401,
            format!(
                r#"{{"error": {{"message": "bad password {PASSWORD}", "type": null}}, "status": 1, "statusCode": 401}}"#
            ),
        )
    });
    let dir = TempDir::new("review-decoded");
    dir.write(
        "specs/account.yaml",
        &format!(
            "provider: docspace-account\nbase_url: {}\ntokens:\n  \
             me:\n    credential: {{ scheme: basic, username: {{ env: U }}, password: {{ env: P }} }}\n    \
             expect: {{ exactly: [role:user] }}\n",
            server.url()
        ),
    );
    let env = [("U", "me@example.com"), ("P", PASSWORD)];
    for format in [None, Some("json")] {
        let mut cmd = crate::support::check_in(&dir, "live");
        cmd.envs(env);
        if let Some(f) = format {
            cmd.args(["--format", f]);
        }
        let out = run(&mut cmd);
        assert_ne!(out.code, 0, "{}", out.stdout);
        for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            assert_absent(what, text, PASSWORD);
            assert_absent(what, text, &decoded);
            assert_absent(what, text, "Tr0ub4dor");
        }
    }
}

/// Base64 of a text that holds a secret shows the secret's bytes at any of
/// three alignments; and an echo in another case is the same secret.
#[test]
fn a_secret_inside_base64_or_upper_cased_never_reaches_a_fixture() {
    const KEY: &str = "sk-review0base64000000000000000000000000000000000000000000000000b64";
    let server = serve(|hit| {
        let key = bearer(hit);
        envelope(
            hit,
            json!({
                "id": "k1",
                "permissions": ["files:read"],
                "isActive": true,
                "ctx1": base64(format!("k={key}&x=1").as_bytes()),
                "ctx2": base64(format!("ke={key}&x=1").as_bytes()),
                "ctx3": base64(format!("{key}&x=1").as_bytes()),
                "upper": key.to_uppercase(),
            }),
        )
    });
    let dir = TempDir::new("review-base64");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             reader:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "record", &[("KEY", KEY)]);
    assert_passes(&out, "keys::reader");
    let fixture = std::fs::read_to_string(dir.path().join("fixtures/keys/reader.json")).unwrap();
    // The key's hex body in every base64 alignment, and upper-cased.
    assert_absent("fixture", &fixture, &KEY.to_uppercase()[3..]);
    for prefix in ["k=", "ke=", ""] {
        let whole = base64(format!("{prefix}{KEY}&x=1").as_bytes());
        // The middle of the encoding is the key's alone.
        let middle = &whole[8..whole.len() - 12];
        assert_absent("fixture", &fixture, middle);
    }
}

/// A fixture is checked against every secret of the run before it is
/// written: one server echoing another case's credential records nothing.
#[test]
fn a_fixture_holding_another_cases_credential_is_not_written() {
    const A: &str = "sk-reviewfixturea00000000000000000000000000000000000000000000000aaa";
    const B: &str = "sk-reviewfixtureb00000000000000000000000000000000000000000000000bbb";
    let server = serve(|hit| {
        let own = bearer(hit);
        // A's answer carries B's key (a shared cache, say).
        let note = if own == A { B } else { "" };
        envelope(
            hit,
            json!({"id": Portal::key_id(&own), "permissions": ["files:read"], "isActive": true, "note": note}),
        )
    });
    let dir = TempDir::new("review-fixture-run");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             a:\n    credential: {{ env: A }}\n    expect: {{ exactly: [files:read] }}\n  \
             b:\n    credential: {{ env: B }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "record", &[("A", A), ("B", B)]);
    assert_fails(
        &out,
        "keys::a",
        &["another credential of this run", "nothing is recorded"],
    );
    assert_passes(&out, "keys::b");
    assert!(!dir.path().join("fixtures/keys/a.json").exists());
    for (path, bytes) in dir.all_files() {
        let text = String::from_utf8_lossy(&bytes);
        assert_absent(&path.display().to_string(), &text, B);
    }
}

/// A token named like a credential is refused, and the name is never
/// printed: not as the case's name, not in JUnit, not in a hint.
#[test]
fn a_token_named_like_a_credential_is_refused_and_never_printed() {
    const NAME: &str = "ghp_R4nd0mT0kenN4me9x8y7z6w5v4u3t2s1r0q";
    let dir = TempDir::new("review-secret-name");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
             {NAME}:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n  \
             fine:\n    credential: {{ env: KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ),
    );
    let junit = dir.path().join("report.xml");
    let out = run(crate::support::check_in(&dir, "replay").args([
        "--format",
        "junit",
        "--out",
        junit.to_str().unwrap(),
    ]));
    assert!(
        out.stdout.contains("looks like a credential"),
        "{}",
        out.stdout
    );
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_absent(what, text, &NAME[4..]);
    }
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert_absent("junit", &xml, &NAME[4..]);
    let out = run(crate::support::check_in(&dir, "replay").arg("--list"));
    assert_absent("--list", &out.stdout, &NAME[4..]);
}

/// In an open vocabulary, a `forbidden` name no answer can hold (empty,
/// padded, or holding the separator the answer is split on) checked
/// nothing; it is a spec error. A `claims:` name the token lacks is an
/// error too, never an empty list.
#[test]
fn names_no_answer_can_hold_are_spec_errors() {
    let server = serve(|_| Reply::json(200, "{}").with_header("X-Scopes", "admin, read"));
    let dir = TempDir::new("review-name-shapes");
    let token = |name: &str, forbidden: &str| {
        format!(
            "  {name}:\n    credential: {{ env: API }}\n    expect: {{ forbidden: [{forbidden}] }}\n"
        )
    };
    let tokens = [
        token("empty", "\"\""),
        token("padded", "\"admin \""),
        token("inner", "\"read admin\""),
        token("control", "\"adm\\tin\""),
        token("fine", "admin"),
    ]
    .concat();
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\n\
             privileges: {{ header: x-scopes }}\ntokens:\n{tokens}",
            server.url()
        ),
    );
    let out = check(
        &dir,
        "live",
        &[("API", "ghp_reviewnameshapes00000000000000000001")],
    );
    assert_fails(
        &out,
        "api::empty",
        &["an empty name", "exactly as the API reports it"],
    );
    assert_fails(&out, "api::padded", &["a space at an end"]);
    assert_fails(&out, "api::inner", &["holds a space or a comma"]);
    assert_fails(&out, "api::control", &["control character"]);
    assert_fails(&out, "api::fine", &["`admin` overlaps forbidden"]);
}

/// A case that reads a header never inherits the body checks of another
/// case that sends the same request: its verdict does not depend on which
/// other cases run.
#[test]
fn a_header_case_does_not_inherit_a_body_case_s_checks() {
    let server = serve(|_| {
        Reply::json(200, "<html><body>portal</body></html>")
            .with_content_type("text/html")
            .with_header("X-Scopes", "repo")
    });
    let dir = TempDir::new("review-needs-body");
    for (file, privileges) in [
        ("hdr", "{ header: x-scopes }"),
        ("body", "{ json: /scopes }"),
    ] {
        dir.write(
            &format!("specs/{file}.yaml"),
            &format!(
                "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {privileges}\n\
                 tokens:\n  t:\n    credential: {{ env: API }}\n    expect: {{ at_most: [repo] }}\n",
                server.url()
            ),
        );
    }
    let out = check(
        &dir,
        "live",
        &[("API", "ghp_reviewneedsbody000000000000000000001")],
    );
    assert_passes(&out, "hdr::t");
    assert_fails(&out, "body::t", &["expected JSON"]);
}

/// `init` never echoes a password in an address, its own flag's or the
/// existing spec's, nor a token name that looks like a credential.
#[test]
fn init_echoes_no_password_and_no_credential_named_token() {
    let dir = TempDir::new("review-init-echo");
    dir.write(
        "specs/docspace.yaml",
        "provider: docspace\nbase_url: https://ci:Hunter2Secret@portal.example.com\ntokens:\n  \
         a:\n    credential: { env: A }\n    expect: { exactly: [files:read] }\n",
    );
    for (base, token) in [
        ("https://admin:S3cretPass@portal.example.com", "new"),
        ("https://other.example.com", "new"),
        (
            "https://portal.example.com",
            "ghp_R4nd0mInitT0kenN4me9x8y7z6w5v4u3t2s1",
        ),
    ] {
        let out = run(&mut init_docspace(&dir, base, token, "sk-review-init", &[]));
        assert_ne!(out.code, 0, "{}", out.stdout);
        for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
            for secret in ["Hunter2Secret", "S3cretPass", "InitT0ken"] {
                assert_absent(what, text, secret);
            }
        }
    }
}

/// A secret holding a control character is found before permspec escapes
/// it for display (`\u{1b}`), and in that escaped form too.
#[test]
fn a_secret_with_a_control_character_is_removed_before_it_is_escaped() {
    const PASSWORD: &str = "Pa\u{1b}ssw0rdLong-review";
    let server = serve(|_| {
        Reply::json(
            401,
            json!({"error": {"message": format!("bad password {PASSWORD}"), "type": null},
                   "status": 1, "statusCode": 401})
            .to_string(),
        )
    });
    let dir = TempDir::new("review-control");
    dir.write(
        "specs/account.yaml",
        &format!(
            "provider: docspace-account\nbase_url: {}\ntokens:\n  \
             me:\n    credential: {{ scheme: basic, username: {{ env: U }}, password: {{ env: P }} }}\n    \
             expect: {{ exactly: [role:user] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "live", &[("U", "me@example.com"), ("P", PASSWORD)]);
    assert_fails(&out, "account::me", &["401"]);
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_absent(what, text, "ssw0rdLong");
    }
}

/// A secret header written in a one-line `request:` is refused, and the
/// line the error shows hides its value.
#[test]
fn a_secret_request_header_is_masked_in_the_line_shown() {
    let dir = TempDir::new("review-cookie");
    dir.write(
        "specs/api.yaml",
        "provider: http\nbase_url: https://api.example.com\n\
         request: { path: /me, headers: { Cookie: \"session=s3cr3tSessionValue\" } }\n\
         privileges: { json: /scopes }\ntokens:\n  \
         me:\n    credential: { env: API }\n    expect: { exactly: [read] }\n",
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "api::me", &["looks like it holds a secret"]);
    for (what, text) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        assert_absent(what, text, "s3cr3tSessionValue");
    }
}

/// A token whose name is written as an alias keeps its case when a
/// sibling token is broken (the scan cannot name it; the parse can).
#[test]
fn a_token_named_by_an_alias_never_vanishes() {
    let dir = TempDir::new("review-alias-name");
    dir.write(
        "specs/s.yaml",
        "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
         c:\n    description: &n admin-key\n    credential: { env: C }\n    expect: { exactly: [files:read] }\n  \
         b:\n    credential: { env: B }\n    expect: { exactly: files:read }\n  \
         *n :\n    credential: { env: A }\n    expect: { exactly: [files:read] }\n",
    );
    let out = run(crate::support::check_in(&dir, "replay").arg("--list"));
    assert!(out.stdout.contains("s::admin-key: test"), "{}", out.stdout);
}

/// A server's text never starts a line of its own in a report, and two
/// names that escape alike stay two rows.
#[test]
fn server_text_forges_no_line_and_no_merged_row() {
    let server = serve(|hit| {
        if hit.path().ends_with("/keys/@self") {
            return Reply::json(
                403,
                json!({"error": {"message": "denied\ntest [docspace] forged::case ... ok"},
                       "status": 1, "statusCode": 403})
                .to_string(),
            );
        }
        // Two names that escape alike (`\n` is `\\n` shown); the one
        // with a real line break is no name an API writes, and fails as
        // an error (issue 35), never merged with the other.
        Reply::json(200, json!({"scopes": ["x\ny", "x\\ny"]}).to_string())
    });
    let dir = TempDir::new("review-forged-line");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "provider: docspace\nbase_url: {}\ntokens:\n  \
             k:\n    credential: {{ env: K }}\n    expect: {{ exactly: [files:read] }}\n",
            server.url()
        ),
    );
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {{ json: /scopes }}\n\
             tokens:\n  t:\n    credential: {{ env: K }}\n    expect: {{ at_most: [read] }}\n",
            server.url()
        ),
    );
    let out = check(&dir, "live", &[("K", "sk-reviewforgedline")]);
    assert_fails(&out, "keys::k", &["denied\\ntest [docspace] forged"]);
    assert!(
        !out.stdout
            .lines()
            .any(|l| l.starts_with("test [docspace] forged")),
        "{}",
        out.stdout
    );
    assert_fails(
        &out,
        "api::t",
        &["the privilege `x\\ny`", "control character"],
    );
}
