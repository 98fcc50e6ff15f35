//! Regression tests for the trust issue (issue 10): the gate never passes an
//! over-privileged token, and no secret leaves in any form.
//!
//! Each test is named after the item of the issue it proves (`item07_...`),
//! and each failed on the main branch before the fix (see the closing note
//! of the change). They run the `permspec` binary against loopback servers
//! that answer as the real APIs do; fixtures are produced by record mode, as
//! a user produces them, never written by hand.

// Runs the `permspec` binary: not built without the `cli` feature.
#![cfg(feature = "cli")]

mod support;

#[path = "trust/false_pass.rs"]
mod false_pass;
#[path = "trust/leaks.rs"]
mod leaks;
#[path = "trust/review.rs"]
mod review;
#[path = "trust/third.rs"]
mod third;
#[path = "trust/writes.rs"]
mod writes;

use support::server::{Hit, Reply, Server};
use support::{TempDir, permspec};

/// One Coveo token entry of a spec: `name`, its key in `$var`, `expect`.
pub fn coveo_token(name: &str, var: &str, expect: &str) -> String {
    format!("  {name}:\n    credential: {{ env: {var} }}\n    expect: {expect}\n")
}

/// The credential a request carried as `Authorization: Bearer ...`.
pub fn bearer(hit: &Hit) -> String {
    hit.header("authorization")
        .unwrap_or("")
        .trim_start_matches("Bearer ")
        .to_owned()
}

/// A server that answers every request with `reply(hit)` and counts them.
pub fn serve(reply: impl Fn(&Hit) -> Reply + Send + Sync + 'static) -> Server {
    Server::start(reply)
}

// The helpers every provider test shares.
pub use support::cases::{assert_fails, assert_passes, check, failure_of};

/// Asserts no byte of `text` holds `needle`.
pub fn assert_absent(what: &str, text: &str, needle: &str) {
    assert!(
        !text.contains(needle),
        "{what} contains {needle:?}:\n{text}"
    );
}

/// `permspec` in `dir`, with the arguments given.
pub fn permspec_in(dir: &TempDir, args: &[&str]) -> std::process::Command {
    let mut cmd = permspec();
    cmd.current_dir(dir.path()).args(args);
    cmd
}

/// `permspec init` in `dir` for the DocSpace key `key` (in `$KEY`) at
/// `base_url`, named `token`, with `extra` arguments after.
pub fn init_docspace(
    dir: &TempDir,
    base_url: &str,
    token: &str,
    key: &str,
    extra: &[&str],
) -> std::process::Command {
    let mut args = vec![
        "init",
        "--provider",
        "docspace",
        "--base-url",
        base_url,
        "--token",
        token,
        "--credential-env",
        "KEY",
    ];
    args.extend(extra);
    let mut cmd = permspec_in(dir, &args);
    cmd.env("KEY", key);
    cmd
}
