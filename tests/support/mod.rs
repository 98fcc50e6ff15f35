//! Shared by the integration tests: run the binary, temporary folders,
//! and a loopback HTTP server.
#![allow(dead_code)]

pub mod cases;
pub mod coveo;
pub mod docspace;
pub mod server;
pub mod tls;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The `permspec` binary with every PERMSPEC_* variable and COLUMNS
/// cleared, so the developer's environment cannot change a test's result.
pub fn permspec() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_permspec"));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PERMSPEC_") {
            cmd.env_remove(key);
        }
    }
    // The text audit fits the width COLUMNS gives.
    cmd.env_remove("COLUMNS");
    cmd.env("NO_COLOR", "1");
    cmd
}

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("the permspec binary runs");
    Run {
        code: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// libtest's report, with the timing made stable.
pub fn normalize(stdout: &str) -> String {
    stdout
        .lines()
        .map(|l| match l.find("; finished in ") {
            Some(i) => format!("{}; finished in [TIME]", &l[..i]),
            None => l.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The failure text of each case: the `---- name ----` blocks of libtest's
/// report, in order.
pub fn failure_blocks(stdout: &str) -> Vec<(String, String)> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut in_failures = false;
    for line in stdout.lines() {
        if let Some(name) = line
            .strip_prefix("---- ")
            .and_then(|l| l.strip_suffix(" ----"))
        {
            in_failures = true;
            blocks.push((name.to_owned(), String::new()));
        } else if line == "failures:" && in_failures {
            break;
        } else if let Some((_, text)) = blocks.last_mut() {
            text.push_str(line);
            text.push('\n');
        }
    }
    for (_, text) in &mut blocks {
        let trimmed = text.trim_end().to_owned();
        *text = trimmed + "\n";
    }
    blocks
}

/// A folder under the target directory, removed when dropped.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(name: &str) -> TempDir {
        let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
        let path = base.join(format!("{name}-{}-{}", std::process::id(), unique()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).unwrap();
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn write(&self, rel: &str, text: &str) -> PathBuf {
        let path = self.0.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        path
    }

    /// Every file under the folder with its bytes, for "nothing leaked" checks.
    pub fn all_files(&self) -> Vec<(PathBuf, Vec<u8>)> {
        fn walk(dir: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                let p = entry.path();
                if p.is_dir() {
                    walk(&p, out);
                } else if let Ok(bytes) = std::fs::read(&p) {
                    out.push((p, bytes));
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out.sort();
        out
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// The outcome libtest printed for one case: "ok", "FAILED" or "ignored".
pub fn outcome<'a>(stdout: &'a str, case: &str) -> Option<&'a str> {
    stdout.lines().find_map(|line| {
        let rest = line.strip_prefix("test ")?;
        let (name, result) = rest.split_once(" ... ")?;
        let name = name.trim_end();
        let name = name.rsplit_once("] ").map_or(name, |(_, n)| n.trim_start());
        (name == case).then_some(result.trim())
    })
}

/// Standard base64, for building `Authorization: Basic` values in tests.
pub fn base64(input: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for c in input.chunks(3) {
        let n = (u32::from(c[0]) << 16)
            | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
            | u32::from(*c.get(2).unwrap_or(&0));
        for i in 0..4 {
            out.push(if i <= c.len() {
                char::from(A[(n >> (18 - 6 * i)) as usize & 63])
            } else {
                '='
            });
        }
    }
    out
}

/// `permspec check` in `dir` with `PERMSPEC_MODE=<mode>`.
pub fn check_in(dir: &TempDir, mode: &str) -> Command {
    let mut cmd = permspec();
    cmd.current_dir(dir.path())
        .args(["check", "--test-threads=1"])
        .env("PERMSPEC_MODE", mode);
    cmd
}

/// A fixture as permspec records it: the request it answers (method, the
/// address as the spec writes it, and where the credential comes from),
/// the status and the JSON body.
pub fn fixture_json(
    provider: &str,
    (method, url, credential): (&str, &str, &str),
    status: u16,
    body: &str,
) -> String {
    format!(
        r#"{{"recorded_at": "2026-11-20T08:00:00Z", "provider": "{provider}",
  "request": {{"method": "{method}", "url": "{url}", "credential": "{credential}"}},
  "response": {{"status": {status}, "body": {body}}}}}"#
    )
}

/// A DocSpace key's fixture: `GET {base}/api/2.0/keys/@self` with the key
/// from `env var`, answered with `permissions` (a JSON list).
pub fn key_fixture(base: &str, var: &str, permissions: &str) -> String {
    fixture_json(
        "docspace",
        (
            "GET",
            &format!("{base}/api/2.0/keys/@self"),
            &format!("bearer from env {var}"),
        ),
        200,
        &format!(
            r#"{{"response": {{"permissions": {permissions}, "isActive": true}}, "status": 0, "statusCode": 200}}"#
        ),
    )
}
