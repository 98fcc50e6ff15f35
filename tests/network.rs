//! How live mode behaves on the wire: retries, timeouts, redirects, body
//! limits, odd answers, de-duplication and the concurrency bound. Every
//! server here is a real HTTP server on 127.0.0.1.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use support::docspace::{Portal, envelope};
use support::server::{Reply, Server};
use support::{TempDir, check_in, outcome, run};

const KEY: &str = "sk-netkey00000000000000000000000000000000000000000000000000000000n1";

fn one_token(url: &str) -> TempDir {
    let dir = TempDir::new("net");
    dir.write(
        "specs/docspace.yaml",
        &format!(
            "provider: docspace\nbase_url: {url}\ntokens:\n  ci:\n    credential: {{ env: CI_KEY }}\n    expect: {{ exactly: [files:read] }}\n"
        ),
    );
    dir
}

fn good(hit: &support::server::Hit) -> Reply {
    envelope(
        hit,
        serde_json::json!({"permissions": ["files:read"], "isActive": true}),
    )
}

/// Answers `first` for the first `n` requests, then a good answer.
fn flaky(n: usize, first: Reply) -> Server {
    let seen = AtomicUsize::new(0);
    Server::start(move |hit| {
        if seen.fetch_add(1, Ordering::SeqCst) < n {
            first.clone()
        } else {
            good(hit)
        }
    })
}

/// `KEY_0`, `KEY_1`, ... set to `keys` in order.
fn key_vars(keys: &[String]) -> Vec<(String, String)> {
    keys.iter()
        .enumerate()
        .map(|(i, k)| (format!("KEY_{i}"), k.clone()))
        .collect()
}

fn live(dir: &TempDir) -> support::Run {
    run(check_in(dir, "live").env("CI_KEY", KEY))
}

#[test]
fn a_503_is_retried_and_the_retry_is_reported() {
    let server = flaky(1, Reply::empty(503));
    let dir = one_token(&server.url());
    let out = live(&dir);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("permspec live: 1 request for 1 case, 1 retry\n"),
        "{}",
        out.stdout
    );
    assert_eq!(server.hits().len(), 2);
}

#[test]
fn a_429_waits_for_retry_after() {
    let server = flaky(1, Reply::empty(429).with_header("Retry-After", "1"));
    let dir = one_token(&server.url());
    let started = Instant::now();
    let out = live(&dir);
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.hits().len(), 2);
}

#[test]
fn gives_up_after_three_retries_and_says_so() {
    let server = Server::start(|_| Reply::empty(502));
    let dir = one_token(&server.url());
    let out = live(&dir);
    assert_eq!(out.code, 101);
    assert_eq!(server.hits().len(), 4, "one attempt and three retries");
    assert!(
        out.stdout
            .contains("HTTP 502: the API answered HTTP 502 (after 3 retries)"),
        "{}",
        out.stdout
    );
}

#[test]
fn auth_errors_are_never_retried() {
    for status in [400, 401, 403, 404] {
        let server = Server::start(move |_| Reply::empty(status));
        let dir = one_token(&server.url());
        let out = live(&dir);
        assert_eq!(out.code, 101);
        assert_eq!(server.hits().len(), 1, "HTTP {status} is final");
    }
}

#[test]
fn a_refused_connection_is_retried_then_explained() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let dir = one_token(&format!("http://127.0.0.1:{port}"));
    let out = live(&dir);
    assert_eq!(out.code, 101);
    assert!(
        out.stdout.contains("error      cannot connect: "),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("(after 3 retries)"), "{}", out.stdout);
    assert!(
        out.stdout
            .contains("check `base_url` and that the API is reachable"),
        "{}",
        out.stdout
    );
}

#[test]
fn a_slow_answer_times_out_without_retrying() {
    let server = Server::start(|hit| good(hit).delayed(Duration::from_secs(4)));
    let dir = one_token(&server.url());
    let started = Instant::now();
    let out = run(check_in(&dir, "live")
        .env("CI_KEY", KEY)
        .env("PERMSPEC_TIMEOUT", "1"));
    assert_eq!(out.code, 101);
    assert!(
        out.stdout.contains("the API did not answer in time"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains("PERMSPEC_TIMEOUT=SECONDS"),
        "{}",
        out.stdout
    );
    assert!(
        started.elapsed() < Duration::from_secs(4),
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(server.hits().len(), 1);
}

#[test]
fn a_redirect_is_reported_not_followed() {
    let elsewhere = Portal::default().with_key(KEY, &["files:read"]).start();
    let location = format!("{}/api/2.0/keys/@self", elsewhere.url());
    let server = Server::start(move |_| Reply::empty(302).with_header("Location", &location));
    let dir = one_token(&server.url());
    let out = live(&dir);
    assert_eq!(out.code, 101);
    let expected = format!(
        "the API answered 302, a redirect to {}/api/2.0/keys/@self",
        elsewhere.url()
    );
    assert!(out.stdout.contains(&expected), "{}", out.stdout);
    assert!(
        elsewhere.hits().is_empty(),
        "the credential never followed the redirect"
    );
}

#[test]
fn an_oversized_body_is_refused() {
    let big = format!(
        "{{\"response\": {{\"permissions\": [], \"pad\": \"{}\"}}}}",
        "x".repeat(5 << 20)
    );
    let server = Server::start(move |_| Reply::json(200, big.clone()));
    let dir = one_token(&server.url());
    let out = live(&dir);
    assert!(
        out.stdout
            .contains("the body is over 4 MiB; refusing to read it"),
        "{}",
        out.stdout
    );
}

#[test]
fn odd_bodies_are_explained_in_a_persons_words() {
    let cases: Vec<(Reply, &str)> = vec![
        (
            Reply::json(200, "<!DOCTYPE html>\n<html><title>Blocked by WAF</title>")
                .with_content_type("text/html; charset=utf-8"),
            "expected JSON, got text/html; charset=utf-8: a proxy or firewall page? It begins: <!DOCTYPE html>",
        ),
        (
            Reply::json(200, r#"{"response": {"permissions": ["files:read"]}}"#).cut_after(20),
            "(truncated)",
        ),
        (
            Reply::json(200, r#"{"response": ?}"#),
            "the body is not valid JSON: expected value at line 1 column 14 (byte 13 of 15)",
        ),
        (
            Reply::json(200, ""),
            "HTTP 200 with an empty body; expected JSON",
        ),
        (
            Reply::json(200, r#"{"response": {"permissions": 7}}"#),
            "the answer is not what docspace sends: expected `response.permissions` to be a list, found a number",
        ),
        (
            Reply::empty(403),
            "HTTP 403: the credential may not call this endpoint: a scope is missing",
        ),
        (
            Reply::json(
                403,
                r#"{"error":{"message":"Access denied","type":"x","stack":"","hresult":0},"status":1,"statusCode":403}"#,
            ),
            "(server said: Access denied)",
        ),
    ];
    for (reply, expected) in cases {
        let server = Server::start(move |_| reply.clone());
        let dir = one_token(&server.url());
        let out = live(&dir);
        assert_eq!(out.code, 101);
        assert!(
            out.stdout.contains(expected),
            "expected {expected:?} in\n{}",
            out.stdout
        );
    }
}

/// 50 cases over 10 credentials make 10 requests; a filter selecting one
/// case makes one.
#[test]
fn identical_requests_are_made_once_and_only_selected_cases_are_fetched() {
    let mut portal = Portal::default();
    let keys: Vec<String> = (0..10)
        .map(|i| format!("sk-dedup{i:02}{}", "0".repeat(56)))
        .collect();
    for k in &keys {
        portal = portal.with_key(k, &["files:read"]);
    }
    let server = portal.start();
    let dir = TempDir::new("net-dedup");
    for file in 0..5 {
        let mut spec = format!("provider: docspace\nbase_url: {}\ntokens:\n", server.url());
        for t in 0..10 {
            spec.push_str(&format!(
                "  t{t}:\n    credential: {{ env: KEY_{} }}\n    expect: {{ exactly: [files:read] }}\n",
                (file * 10 + t) % 10
            ));
        }
        dir.write(&format!("specs/team{file}.yaml"), &spec);
    }
    let env = key_vars(&keys);
    let out = run(check_in(&dir, "live").envs(env.clone()));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert!(
        out.stdout
            .starts_with("permspec live: 10 requests for 50 cases, 0 retries"),
        "{}",
        out.stdout
    );
    assert_eq!(server.hits().len(), 10);

    let out = run(check_in(&dir, "live")
        .envs(env)
        .args(["--exact", "team3::t7"]));
    assert_eq!(
        outcome(&out.stdout, "team3::t7"),
        Some("ok"),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout
            .starts_with("permspec live: 1 request for 1 case"),
        "{}",
        out.stdout
    );
    assert_eq!(server.hits().len(), 11, "one more request");
}

/// Cases are concluded on every core once the answers are in: each gets
/// its own request's answer whatever the order. 60 cases over 15 keys,
/// each key with its own set of permissions; one case expects another
/// key's and fails alone, and recording writes each fixture from its own
/// key's answer.
#[test]
fn many_cases_each_get_their_own_answer_when_concluded_on_every_core() {
    const READS: [&str; 4] = [
        "accounts:read",
        "accounts.self:read",
        "files:read",
        "rooms:read",
    ];
    // Key i holds the reads of the bits of i + 1: 15 different sets.
    let perms = |i: usize| -> Vec<&str> {
        (0..4)
            .filter(|b| (i + 1) & (1 << b) != 0)
            .map(|b| READS[b])
            .collect()
    };
    let mut portal = Portal::default();
    let keys: Vec<String> = (0..15)
        .map(|i| format!("sk-own{i:02}{}", "0".repeat(58)))
        .collect();
    for (i, k) in keys.iter().enumerate() {
        portal = portal.with_key(k, &perms(i));
    }
    let server = portal.start();
    let dir = TempDir::new("net-own-answers");
    let key_of = |file: usize, t: usize| (file * 7 + t) % 15;
    let wrong = (2, 5);
    for file in 0..4 {
        let mut spec = format!("provider: docspace\nbase_url: {}\ntokens:\n", server.url());
        for t in 0..15 {
            let k = key_of(file, t);
            let expected = if (file, t) == wrong {
                perms((k + 1) % 15)
            } else {
                perms(k)
            };
            spec.push_str(&format!(
                "  t{t}:\n    credential: {{ env: KEY_{k} }}\n    expect: {{ exactly: [{}] }}\n",
                expected.join(", ")
            ));
        }
        dir.write(&format!("specs/f{file}.yaml"), &spec);
    }
    let env = key_vars(&keys);
    let out = run(check_in(&dir, "record").envs(env));
    assert!(
        out.stdout
            .starts_with("permspec record: 15 requests for 60 cases"),
        "{}",
        out.stdout
    );
    for file in 0..4 {
        for t in 0..15 {
            let want = if (file, t) == wrong { "FAILED" } else { "ok" };
            assert_eq!(
                outcome(&out.stdout, &format!("f{file}::t{t}")),
                Some(want),
                "f{file}::t{t}\n{}",
                out.stdout
            );
        }
    }
    for (file, t) in [(0, 0), (1, 13), (3, 14)] {
        let text = std::fs::read_to_string(dir.path().join(format!("fixtures/f{file}/t{t}.json")))
            .unwrap();
        let fixture: serde_json::Value = serde_json::from_str(&text).unwrap();
        let mut got: Vec<String> =
            serde_json::from_value(fixture["response"]["body"]["response"]["permissions"].clone())
                .unwrap();
        got.sort();
        let mut want: Vec<String> = perms(key_of(file, t))
            .iter()
            .map(|p| p.to_string())
            .collect();
        want.sort();
        assert_eq!(got, want, "f{file}/t{t}");
        assert_eq!(
            fixture["request"]["credential"],
            format!("bearer from env KEY_{}", key_of(file, t))
        );
    }
}

#[test]
fn at_most_permspec_concurrency_requests_are_in_flight_whatever_test_threads_says() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let (f, p) = (in_flight.clone(), peak.clone());
    let server = Server::start(move |hit| {
        let now = f.fetch_add(1, Ordering::SeqCst) + 1;
        p.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(Duration::from_millis(150));
        f.fetch_sub(1, Ordering::SeqCst);
        good(hit)
    });
    let dir = TempDir::new("net-concurrency");
    let mut spec = format!("provider: docspace\nbase_url: {}\ntokens:\n", server.url());
    for t in 0..12 {
        spec.push_str(&format!(
            "  t{t}:\n    credential: {{ env: KEY_{t} }}\n    expect: {{ exactly: [files:read] }}\n"
        ));
    }
    dir.write("specs/many.yaml", &spec);
    let env: Vec<(String, String)> = (0..12)
        .map(|t| (format!("KEY_{t}"), format!("sk-conc{t:02}")))
        .collect();
    let started = Instant::now();
    let out = run(check_in(&dir, "live")
        .envs(env)
        .env("PERMSPEC_CONCURRENCY", "3"));
    assert_eq!(out.code, 0, "{}", out.stdout);
    assert_eq!(
        peak.load(Ordering::SeqCst),
        3,
        "check_in runs with --test-threads=1; fetching is still concurrent"
    );
    // 12 requests, 3 at a time, 150 ms each: about 600 ms, far from 1.8 s serial.
    assert!(
        started.elapsed() < Duration::from_millis(1500),
        "took {:?}",
        started.elapsed()
    );
}
