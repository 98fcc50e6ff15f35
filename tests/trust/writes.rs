//! Items 14 to 19 of the trust issue: unsafe writes, partial writes, lost
//! tokens, panics, forged rows and smaller wrong failures.

use crate::support::coveo::Platform;
use crate::support::docspace::{Portal, envelope};
use crate::support::server::{Hit, Reply};
use crate::support::{TempDir, run};
use crate::{assert_fails, assert_passes, check, failure_of, init_docspace, permspec_in, serve};
use serde_json::json;
use std::time::{Duration, Instant};

const KEY: &str = "sk-writes0000000000000000000000000000000000000000000000000000000014";

fn key_spec(url: &str, tokens: &[(&str, &str)]) -> String {
    let mut s = format!("provider: docspace\nbase_url: {url}\ntokens:\n");
    for (name, expect) in tokens {
        s.push_str(&format!(
            "  {name}:\n    credential: {{ env: KEY }}\n    expect: {expect}\n"
        ));
    }
    s
}

/// Item 14: no read or write outside `fixtures/`.
#[test]
fn item14_nothing_is_read_or_written_outside_the_fixtures_folder() {
    let portal = Portal::default().with_key(KEY, &["files:read"]).start();
    let spec = key_spec(&portal.url(), &[("reader", "{ exactly: [files:read] }")]);

    // A spec file whose name is `..` once `.yaml` is dropped.
    let dir = TempDir::new("item14-dots");
    dir.write("specs/...yaml", &spec);
    dir.write("specs/keys.yaml", &spec);
    let out = check(&dir, "record", &[("KEY", KEY)]);
    assert!(
        out.stdout.contains("cannot name a folder under fixtures/"),
        "{}",
        out.stdout
    );
    assert_passes(&out, "keys::reader");
    let outside: Vec<_> = dir
        .all_files()
        .into_iter()
        .map(|(p, _)| p)
        .filter(|p| {
            !p.starts_with(dir.path().join("specs")) && !p.starts_with(dir.path().join("fixtures"))
        })
        .collect();
    assert!(outside.is_empty(), "{outside:?}");

    // A symbolic link inside fixtures/ is never followed on write, or read.
    #[cfg(unix)]
    {
        let dir = TempDir::new("item14-link");
        dir.write("specs/keys.yaml", &spec);
        dir.write("elsewhere/keep.txt", "untouched");
        std::fs::create_dir_all(dir.path().join("fixtures")).unwrap();
        std::os::unix::fs::symlink(
            dir.path().join("elsewhere"),
            dir.path().join("fixtures/keys"),
        )
        .unwrap();
        let out = check(&dir, "record", &[("KEY", KEY)]);
        assert_fails(
            &out,
            "keys::reader",
            &[
                "fixtures/keys is a symbolic link",
                "never writes through a link",
            ],
        );
        let files: Vec<_> = std::fs::read_dir(dir.path().join("elsewhere"))
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(files, vec![std::ffi::OsString::from("keep.txt")]);
        let out = check(&dir, "replay", &[]);
        assert_fails(&out, "keys::reader", &["fixtures/keys is a symbolic link"]);
    }

    // init --out outside the specs folder.
    let dir = TempDir::new("item14-init");
    let out = run(&mut init_docspace(
        &dir,
        &portal.url(),
        "x",
        KEY,
        &["--out", "specs/../../escaped.yaml"],
    ));
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("is not under the specs folder"),
        "{}",
        out.stderr
    );
    assert!(dir.all_files().is_empty());
    assert!(!dir.path().parent().unwrap().join("escaped.yaml").exists());
}

/// Item 15: init writes nothing unless all of it is valid.
#[test]
fn item15_init_writes_spec_and_fixture_together_or_nothing() {
    let disabled = serve(|hit| {
        envelope(
            hit,
            json!({"id": "k", "permissions": ["files:read"], "isActive": false}),
        )
    });
    let dir = TempDir::new("item15-inactive");
    let out = run(&mut init_docspace(&dir, &disabled.url(), "old", KEY, &[]));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(out.stderr.contains("not active"), "{}", out.stderr);
    assert!(dir.all_files().is_empty(), "{:?}", dir.all_files());

    let platform = Platform::new("orginit")
        .with_token(
            "xx00000000-0000-4000-8000-000000000015",
            json!([{"owner": "PLATFORM", "targetDomain": "QUANTUM_INDEX", "type": "EDIT"}]),
        )
        .start();
    let dir = TempDir::new("item15-unknown");
    let out = run(permspec_in(
        &dir,
        &[
            "init",
            "--provider",
            "coveo",
            "--base-url",
            &platform.url(),
            "--organization",
            "orginit",
            "--token",
            "new",
            "--credential-env",
            "COVEO",
        ],
    )
    .env("COVEO", "xx00000000-0000-4000-8000-000000000015"));
    assert_eq!(out.code, 1, "{}{}", out.stdout, out.stderr);
    assert!(
        out.stderr.contains("PLATFORM:QUANTUM_INDEX:EDIT")
            && out.stderr.contains("extra_privileges"),
        "{}",
        out.stderr
    );
    assert!(dir.all_files().is_empty(), "{:?}", dir.all_files());
}

/// Item 16: one bad token fails alone; the audit never drops tokens.
#[test]
fn item16_a_mistyped_value_fails_its_token_alone() {
    let portal = Portal::default().with_key(KEY, &["files:read"]).start();
    let dir = TempDir::new("item16");
    dir.write(
        "specs/keys.yaml",
        &key_spec(
            &portal.url(),
            &[
                ("first", "{ exactly: [files:read] }"),
                ("scalar", "\n      exactly: files:read"),
                ("last", "{ at_least: [files:read] }"),
            ],
        ),
    );
    dir.write(
        "specs/header.yaml",
        "provider: [docspace]\ntokens:\n  one:\n    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n  \
         two:\n    credential: { env: KEY }\n    expect: { exactly: [files:read] }\n",
    );
    let out = check(&dir, "live", &[("KEY", KEY)]);
    assert_passes(&out, "keys::first");
    assert_passes(&out, "keys::last");
    assert_fails(
        &out,
        "keys::scalar",
        &["expected a list here", "specs/keys.yaml:"],
    );
    for case in ["header::one", "header::two"] {
        assert_fails(&out, case, &["specs/header.yaml:1:"]);
    }
    let again = run(permspec_in(&dir, &["check", "--exact", "keys::scalar"]).env("KEY", KEY));
    assert_eq!(again.code, 101, "{}", again.stdout);
    assert!(again.stdout.contains("1 failed"), "{}", again.stdout);
    let nothing = run(&mut permspec_in(&dir, &["check", "--exact", "keys::typo"]));
    assert_eq!(nothing.code, 2, "a filter that selects nothing is an error");
    assert!(
        nothing.stderr.contains("no case matches"),
        "{}",
        nothing.stderr
    );

    let audit =
        run(permspec_in(&dir, &["audit", "--format", "json", "--mode", "live"]).env("KEY", KEY));
    let report: serde_json::Value = serde_json::from_str(&audit.stdout).unwrap();
    let cases: Vec<&str> = report["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["case"].as_str().unwrap())
        .collect();
    assert_eq!(
        cases,
        [
            "header::one",
            "header::two",
            "keys::first",
            "keys::scalar",
            "keys::last"
        ]
    );
}

/// Item 17: no panic on any input.
#[test]
fn item17_odd_timestamps_and_numbers_fail_clearly_and_big_lists_are_fast() {
    let portal = Portal::default().with_key(KEY, &["files:read"]).start();
    let dir = TempDir::new("item17");
    dir.write(
        "specs/keys.yaml",
        &format!(
            "max_fixture_age: 1d\n{}",
            key_spec(&portal.url(), &[("reader", "{ exactly: [files:read] }")])
        ),
    );
    assert_passes(&check(&dir, "record", &[("KEY", KEY)]), "keys::reader");
    let path = dir.path().join("fixtures/keys/reader.json");
    let fixture = std::fs::read_to_string(&path).unwrap();
    let recorded = |value: &str| {
        let start = fixture.find("\"recorded_at\": \"").unwrap() + "\"recorded_at\": \"".len();
        let end = start + fixture[start..].find('"').unwrap();
        format!("{}{value}{}", &fixture[..start], &fixture[end..])
    };
    std::fs::write(
        &path,
        recorded("\u{3000}\u{3000}\u{3000}\u{3000}2000-01-01T00:00:00Z"),
    )
    .unwrap();
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "keys::reader", &["is stale"]);
    assert!(!out.stdout.contains("panicked") && !out.stderr.contains("panicked"));
    std::fs::write(&path, recorded("2999-01-01T00:00:00Z")).unwrap();
    let out = check(&dir, "replay", &[]);
    assert_fails(
        &out,
        "keys::reader",
        &["recorded_at: 2999-01-01T00:00:00Z", "in the future"],
    );

    let out = check(
        &dir,
        "live",
        &[
            ("KEY", KEY),
            ("PERMSPEC_CONCURRENCY", "2305843009213693952"),
        ],
    );
    assert_fails(
        &out,
        "keys::reader",
        &["PERMSPEC_CONCURRENCY=\"2305843009213693952\" is not a whole number from 1 to 1024"],
    );
    assert!(!out.stderr.contains("panicked"), "{}", out.stderr);

    // 60,000 entries plan and compare in well under the old 31 s.
    let dir = TempDir::new("item17-big");
    let many: Vec<String> = (0..60_000).map(|i| format!("s{i}")).collect();
    let forbid: Vec<String> = (0..60_000).map(|i| format!("o{i}")).collect();
    dir.write(
        "specs/big.yaml",
        &format!(
            "provider: http\nbase_url: https://api.example.com\nrequest: {{ path: /me }}\n\
             privileges: {{ json: /scopes }}\ntokens:\n  big:\n    credential: {{ env: T }}\n    \
             expect:\n      exactly: [{}]\n      forbidden: [{}]\n",
            many.join(", "),
            forbid.join(", ")
        ),
    );
    let started = Instant::now();
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "big::big", &["no fixture at"]);
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "took {:?}",
        started.elapsed()
    );
}

/// Item 18: rendering is injection-proof in every format.
#[test]
fn item18_hostile_privilege_strings_forge_no_rows_and_no_escapes() {
    // A name with a control character is no privilege any API writes: it
    // fails its case as an error, shown escaped (issue 35, the conformance
    // kit), never as a row of the diff.
    let controlled = serve(|hit: &Hit| {
        let scopes = match hit.header("authorization") {
            Some("Bearer cred-item18-0001") => json!(["files:read\n| `forged` | pass |"]),
            Some("Bearer cred-item18-0002") => json!(["\u{1b}[2J\u{1b}[31mred"]),
            _ => json!(["bidi\u{202e}txt"]),
        };
        Reply::json(200, json!({ "scopes": scopes }).to_string())
    });
    let dir = TempDir::new("item18-control");
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {{ json: /scopes }}\n\
             tokens:\n  line:\n    credential: {{ env: L }}\n    expect: {{ at_most: [read] }}\n  \
             escape:\n    credential: {{ env: E }}\n    expect: {{ at_most: [read] }}\n  \
             bidi:\n    credential: {{ env: B }}\n    expect: {{ at_most: [read] }}\n",
            controlled.url()
        ),
    );
    let out = check(
        &dir,
        "live",
        &[
            ("L", "cred-item18-0001"),
            ("E", "cred-item18-0002"),
            ("B", "cred-item18-0003"),
        ],
    );
    assert_fails(
        &out,
        "api::line",
        &["files:read\\n| `forged` | pass |", "control"],
    );
    assert_fails(&out, "api::escape", &["\\u{1b}[2J", "control"]);
    assert_fails(&out, "api::bidi", &["bidi\\u{202e}txt"]);
    for output in [&out.stdout, &out.stderr] {
        assert!(
            !output.contains('\u{1b}'),
            "a raw escape reached the terminal"
        );
        assert!(!output.contains('\u{202e}'));
        assert!(!output.lines().any(|l| l.starts_with("| `forged`")));
    }

    let hostile = [
        "files:read | `forged` | pass |",
        "a|b",
        "`tick`",
        "<script>alert(1)</script>",
    ];
    let scopes = json!(hostile);
    let server = serve(move |_| Reply::json(200, json!({ "scopes": scopes }).to_string()));
    let dir = TempDir::new("item18");
    dir.write(
        "specs/api.yaml",
        &format!(
            "provider: http\nbase_url: {}\nrequest: {{ path: /me }}\nprivileges: {{ json: /scopes }}\n\
             tokens:\n  app:\n    credential: {{ env: T }}\n    expect: {{ at_most: [read] }}\n",
            server.url()
        ),
    );
    let env = [("T", "token-item18")];
    let out = check(&dir, "live", &env);
    let text = failure_of(&out, "api::app");
    assert!(text.contains("files:read | `forged` | pass |"), "{text}");
    assert!(text.contains("<script>alert(1)</script>"), "{text}");
    for output in [&out.stdout, &out.stderr] {
        assert!(
            !output.contains('\u{1b}'),
            "a raw escape reached the terminal"
        );
        assert!(!output.contains('\u{202e}'));
        assert!(!output.lines().any(|l| l.starts_with("| `forged`")));
    }
    let markdown =
        run(permspec_in(&dir, &["audit", "--mode", "live", "--format", "markdown"]).envs(env));
    let rows: Vec<&str> = markdown
        .stdout
        .lines()
        .filter(|l| l.starts_with('|'))
        .collect();
    assert_eq!(
        rows.len(),
        3,
        "header, rule and one row:\n{}",
        markdown.stdout
    );
    assert!(
        rows[2].matches(" | ").count() == 12,
        "thirteen cells: {}",
        rows[2]
    );
    // Inside a code span `<script>` is text, never HTML; nowhere else.
    assert_eq!(
        markdown.stdout.matches("<script>").count(),
        markdown
            .stdout
            .matches("`<script>alert(1)</script>`")
            .count(),
        "{}",
        markdown.stdout
    );
    assert!(!markdown.stdout.contains('\u{1b}'));
    let table = run(permspec_in(&dir, &["audit", "--mode", "live"]).envs(env));
    assert!(!table.stdout.contains('\u{1b}'));
    assert!(!table.stdout.lines().any(|l| l.starts_with("| `forged`")));
    let json_audit =
        run(permspec_in(&dir, &["audit", "--mode", "live", "--format", "json"]).envs(env));
    let parsed: serde_json::Value = serde_json::from_str(&json_audit.stdout).unwrap();
    let granted: Vec<&str> = parsed["tokens"][0]["granted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let mut want = hostile.to_vec();
    want.sort();
    assert_eq!(granted, want, "JSON keeps the values exactly, escaped");
    let junit = dir.path().join("junit.xml");
    run(permspec_in(
        &dir,
        &[
            "check",
            "--format",
            "junit",
            "--out",
            junit.to_str().unwrap(),
        ],
    )
    .env("PERMSPEC_MODE", "live")
    .envs(env));
    let xml = std::fs::read_to_string(&junit).unwrap();
    assert!(
        !xml.contains('\u{1b}') && !xml.contains("<script>"),
        "{xml}"
    );
}

/// Item 19: smaller wrong failures.
#[test]
fn item19_smaller_wrong_failures_are_right() {
    // `scopes: docspace` knows DocSpace's own scope catalogue, openid included.
    let dir = TempDir::new("item19-openid");
    dir.write(
        "specs/oauth.yaml",
        "provider: jwt\nscopes: docspace\ntokens:\n  app:\n    credential: { env: T }\n    \
         expect: { at_most: [openid, files:read] }\n",
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(&out, "oauth::app", &["no fixture at"]);

    // HEAD, or an empty body, when the privileges are in a header.
    let github = serve(|hit| {
        let reply = if hit.method == "HEAD" {
            Reply::empty(200)
        } else {
            Reply::json(200, "")
        };
        reply
            .with_header("X-OAuth-Scopes", "repo, read:org")
            .with_header("X-Other", "gist")
    });
    let dir = TempDir::new("item19-header");
    let spec = |method: &str, header: &str, expect: &str| {
        format!(
            "provider: http\nbase_url: {}\nrequest: {{ method: {method}, path: /user }}\n\
             privileges: {{ header: {header} }}\ntokens:\n  bot:\n    credential: {{ env: GH }}\n    \
             expect: {{ exactly: [{expect}] }}\n",
            github.url()
        )
    };
    dir.write(
        "specs/head.yaml",
        &spec("HEAD", "x-oauth-scopes", "read:org, repo"),
    );
    dir.write(
        "specs/empty.yaml",
        &spec("GET", "x-oauth-scopes", "read:org, repo"),
    );
    dir.write("specs/other.yaml", &spec("GET", "x-other", "gist"));
    let out = check(&dir, "record", &[("GH", "gho_item19token")]);
    for case in ["head::bot", "empty::bot", "other::bot"] {
        assert_passes(&out, case);
    }
    let other = std::fs::read_to_string(dir.path().join("fixtures/other/bot.json")).unwrap();
    assert!(other.contains("\"x-other\": \"gist\""), "{other}");
    assert!(!other.contains("x-oauth-scopes"), "{other}");
    assert_passes(&check(&dir, "replay", &[]), "other::bot");

    // A firewall's HTML 403 is not "a scope is missing".
    let waf = serve(|_| {
        Reply::json(
            403,
            "<!DOCTYPE html><html><title>Request blocked</title></html>",
        )
        .with_content_type("text/html")
    });
    let dir = TempDir::new("item19-waf");
    dir.write(
        "specs/keys.yaml",
        &key_spec(&waf.url(), &[("reader", "{ exactly: [files:read] }")]),
    );
    let out = check(&dir, "live", &[("KEY", KEY)]);
    assert_fails(
        &out,
        "keys::reader",
        &[
            "HTTP 403",
            "an HTML page",
            "a proxy or firewall",
            "Request blocked",
        ],
    );
    assert!(!failure_of(&out, "keys::reader").contains("a scope is missing"));

    // An unquoted `*` is a YAML alias: say to quote it.
    let dir = TempDir::new("item19-alias");
    dir.write(
        "specs/keys.yaml",
        &key_spec(
            "https://portal.example.com",
            &[("reader", "{ at_most: [*:read] }")],
        ),
    );
    let out = check(&dir, "replay", &[]);
    assert_fails(
        &out,
        "keys::reader",
        &["quote values that start with `*`", "\"*:read\""],
    );
}
