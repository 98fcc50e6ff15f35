//! The helpers of the provider tests: a spec, a run, and what a case said.

use super::server::{Hit, Server};
use super::{Run, TempDir, check_in, failure_blocks, outcome, run};
use serde_json::Value;

/// A spec of `provider` at `base_url` with `tokens`: (name, env var, expect
/// as YAML flow), and `extra` top-level lines.
pub fn spec(provider: &str, base_url: &str, extra: &str, tokens: &[(&str, &str, &str)]) -> String {
    let mut text = format!("provider: {provider}\nbase_url: {base_url}\n{extra}tokens:\n");
    for (name, var, expect) in tokens {
        text.push_str(&format!(
            "  {name}:\n    credential: {{ env: {var} }}\n    expect: {expect}\n"
        ));
    }
    text
}

/// `permspec check` in `mode`, with `env` set.
pub fn check(dir: &TempDir, mode: &str, env: &[(&str, &str)]) -> Run {
    run(check_in(dir, mode).envs(env.iter().copied()))
}

/// The failure text of `case` ("" when it did not fail).
pub fn failure_of(out: &Run, case: &str) -> String {
    failure_blocks(&out.stdout)
        .into_iter()
        .find(|(name, _)| name == case)
        .map(|(_, text)| text)
        .unwrap_or_default()
}

#[track_caller]
pub fn assert_passes(out: &Run, case: &str) {
    assert_eq!(
        outcome(&out.stdout, case),
        Some("ok"),
        "{case} should pass\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
}

#[track_caller]
pub fn assert_fails(out: &Run, case: &str, says: &[&str]) {
    assert_eq!(
        outcome(&out.stdout, case),
        Some("FAILED"),
        "{case} should fail\n--- stdout\n{}\n--- stderr\n{}",
        out.stdout,
        out.stderr
    );
    assert_eq!(out.code, 101, "a failed case exits 101\n{}", out.stdout);
    let text = failure_of(out, case);
    for phrase in says {
        assert!(
            text.contains(phrase),
            "the failure of {case} should say {phrase:?}:\n{text}"
        );
    }
}

pub fn read(dir: &TempDir, rel: &str) -> String {
    std::fs::read_to_string(dir.path().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

pub fn fixture(dir: &TempDir, rel: &str) -> Value {
    serde_json::from_str(&read(dir, rel)).unwrap()
}

pub fn only_hit(server: &Server) -> Hit {
    let hits = server.hits();
    assert_eq!(hits.len(), 1, "one request: {hits:#?}");
    hits[0].clone()
}

/// Seconds since the epoch of an RFC 3339 UTC time `YYYY-MM-DDTHH:MM:SSZ`.
pub fn epoch(s: &str) -> i64 {
    let (y, m, d) = (
        s[0..4].parse::<i64>().unwrap(),
        s[5..7].parse::<i64>().unwrap(),
        s[8..10].parse::<i64>().unwrap(),
    );
    let (hh, mm, ss) = (
        s[11..13].parse::<i64>().unwrap(),
        s[14..16].parse::<i64>().unwrap(),
        s[17..19].parse::<i64>().unwrap(),
    );
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    let days = era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468;
    days * 86_400 + hh * 3600 + mm * 60 + ss
}

/// The time every provider test judges at.
pub const NOW: &str = "2026-11-23T10:00:00Z";

/// Every file under `dir`, and both streams of every run, are free of
/// every token.
#[track_caller]
pub fn assert_nothing_leaked(dir: &TempDir, runs: &[&Run], tokens: &[&str]) {
    let forms: Vec<String> = tokens.iter().flat_map(|t| encodings(t)).collect();
    for token in &forms {
        for (i, out) in runs.iter().enumerate() {
            assert!(
                !out.stdout.contains(token.as_str()) && !out.stderr.contains(token.as_str()),
                "run {i} printed {token}:\n{}\n{}",
                out.stdout,
                out.stderr
            );
        }
        for (path, bytes) in dir.all_files() {
            let text = String::from_utf8_lossy(&bytes);
            assert!(
                !text.contains(token.as_str()),
                "{} holds {token}:\n{text}",
                path.display()
            );
        }
    }
}

/// A token as written, and as a query string carries it (form-encoded and
/// percent-encoded, both hex cases), computed here, apart from permspec's
/// scrubber.
pub fn encodings(token: &str) -> Vec<String> {
    let encode = |space_plus: bool, lower: bool| {
        let mut out = String::new();
        for b in token.bytes() {
            match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' => {
                    out.push(char::from(b))
                }
                b'~' if !space_plus => out.push('~'),
                b'*' if space_plus => out.push('*'),
                b' ' if space_plus => out.push('+'),
                _ if lower => out.push_str(&format!("%{b:02x}")),
                _ => out.push_str(&format!("%{b:02X}")),
            }
        }
        out
    };
    let mut forms = vec![
        token.to_owned(),
        encode(true, false),
        encode(true, true),
        encode(false, false),
        encode(false, true),
    ];
    forms.sort();
    forms.dedup();
    forms
}

/// Runs record, replay and live over `dir`, and checks no token leaked.
pub fn canary_runs(dir: &TempDir, env: &[(&str, &str)]) -> [Run; 3] {
    let mut with_now = env.to_vec();
    with_now.push(("PERMSPEC_NOW", NOW));
    let record = check(dir, "record", &with_now);
    let replay = check(dir, "replay", &[("PERMSPEC_NOW", NOW)]);
    let live = check(dir, "live", &with_now);
    let tokens: Vec<&str> = env.iter().map(|(_, v)| *v).collect();
    assert_nothing_leaked(dir, &[&record, &replay, &live], &tokens);
    [record, replay, live]
}

/// One token of a canary project: its name, the variable that holds its
/// credential, the credential, and its expectations as YAML flow.
pub type CanaryToken<'a> = (&'a str, &'a str, &'a str, &'a str);

/// A project with one spec of `provider` at `base_url` (`extra`: more
/// top-level lines) holding `tokens`, run through record, replay and live
/// by [`canary_runs`]; the folder and the three runs.
pub fn canary_project(
    name: &str,
    provider: &str,
    base_url: &str,
    extra: &str,
    tokens: &[CanaryToken<'_>],
) -> (TempDir, [Run; 3]) {
    let dir = TempDir::new(name);
    let listed: Vec<(&str, &str, &str)> = tokens.iter().map(|(n, v, _, e)| (*n, *v, *e)).collect();
    dir.write(
        &format!("specs/{provider}.yaml"),
        &spec(provider, base_url, extra, &listed),
    );
    let env: Vec<(&str, &str)> = tokens.iter().map(|(_, v, c, _)| (*v, *c)).collect();
    let runs = canary_runs(&dir, &env);
    (dir, runs)
}
