//! Fixtures no spec token refers to: a renamed token, a moved spec, a
//! removed one. Nothing reads them, so they say nothing about any token,
//! but a reviewer reading `fixtures/` would take them for evidence.
//!
//! They are found against every spec the run loads (before any filter):
//! each `*.json` (and pending `*.json.new`) under a fixtures folder that
//! is not a case's fixture. A spec that does not load (or a token that
//! does not) makes nothing under its folder an orphan: its tokens are
//! unknown, not gone. `PERMSPEC_UNREFERENCED` (or `check --unreferenced`)
//! says what to do: `ignore`, `warn` (the default), `reject` (the run
//! fails) or `delete`.

use crate::plan::{Entry, display_path};
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    Ignore,
    Warn,
    Reject,
    Delete,
}

impl Policy {
    pub(crate) const NAMES: &'static str = "ignore, warn, reject or delete";

    pub(crate) fn parse(s: &str) -> Option<Policy> {
        Some(match s {
            "ignore" => Policy::Ignore,
            "warn" => Policy::Warn,
            "reject" => Policy::Reject,
            "delete" => Policy::Delete,
            _ => return None,
        })
    }

    /// `PERMSPEC_UNREFERENCED`, or `warn`.
    pub(crate) fn from_env() -> Result<Policy, String> {
        match std::env::var("PERMSPEC_UNREFERENCED") {
            Ok(v) if !v.trim().is_empty() => Policy::parse(v.trim()).ok_or_else(|| {
                format!(
                    "PERMSPEC_UNREFERENCED is `{}`; it takes {}",
                    crate::escape::text(&v),
                    Policy::NAMES
                )
            }),
            _ => Ok(Policy::Warn),
        }
    }
}

/// The fixtures under the entries' fixtures folders that no case of theirs
/// reads, sorted.
pub(crate) fn find(entries: &[Entry]) -> Vec<PathBuf> {
    let mut roots = BTreeSet::new();
    let mut referenced = HashSet::new();
    let mut unknown_specs = BTreeSet::new();
    for e in entries {
        match e {
            Entry::Case(c) => {
                roots.insert(c.spec.fixtures.clone());
                referenced.insert(c.fixture.clone());
            }
            // `spec::token` or, for a file that does not load, `spec`.
            Entry::Broken(b) => {
                let spec = b.name.split("::").next().unwrap_or(&b.name);
                unknown_specs.insert(spec.to_owned());
            }
        }
    }
    let mut found = Vec::new();
    for root in &roots {
        let skip: Vec<PathBuf> = unknown_specs
            .iter()
            .map(|s| s.split('/').fold(root.clone(), |p, c| p.join(c)))
            .collect();
        walk(root, root, &skip, &mut found);
    }
    found.retain(|f| {
        let read = match f.to_str().and_then(|s| s.strip_suffix(".new")) {
            Some(fixture) => PathBuf::from(fixture),
            None => f.clone(),
        };
        !referenced.contains(&read)
    });
    found.sort();
    found
}

/// Collects the fixture files under `dir`, never following a link.
fn walk(root: &Path, dir: &Path, skip: &[PathBuf], found: &mut Vec<PathBuf>) {
    if skip.iter().any(|s| s == dir) {
        return;
    }
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in read.flatten() {
        let path = entry.path();
        let Ok(kind) = entry.file_type() else {
            continue;
        };
        if kind.is_dir() {
            walk(root, &path, skip, found);
        } else if kind.is_file() {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            let manifest = dir == root && name == crate::confirmations::FILE;
            if !manifest && (name.ends_with(".json") || name.ends_with(".json.new")) {
                found.push(path);
            }
        }
    }
}

/// An orphan with the same file name as `fixture` (a renamed spec or
/// token), for the failure of a case that has no fixture.
pub(crate) fn namesake<'a>(orphans: &'a [PathBuf], fixture: &Path) -> Option<&'a PathBuf> {
    orphans
        .iter()
        .find(|o| o.file_name() == fixture.file_name() && o.as_path() != fixture)
}

/// Acts on the orphans as `policy` says; `Err`: the run must fail.
pub(crate) fn act(orphans: &[PathBuf], policy: Policy) -> Result<(), ()> {
    if orphans.is_empty() || policy == Policy::Ignore {
        return Ok(());
    }
    let list: Vec<String> = orphans.iter().map(|o| display_path(o)).collect();
    let what = if orphans.len() == 1 {
        "1 fixture no spec token refers to".to_owned()
    } else {
        format!("{} fixtures no spec token refers to", orphans.len())
    };
    match policy {
        Policy::Ignore => Ok(()),
        Policy::Warn | Policy::Reject => {
            let level = if policy == Policy::Warn {
                "warning"
            } else {
                "error"
            };
            eprintln!("{level}: {what} (a renamed or removed spec or token?):");
            for l in &list {
                eprintln!("  {l}");
            }
            eprintln!(
                "  = help: move each to the fixture path of the token it belongs to, or remove \
                 it; PERMSPEC_UNREFERENCED=delete removes them, =ignore stops this message"
            );
            if policy == Policy::Reject {
                Err(())
            } else {
                Ok(())
            }
        }
        Policy::Delete => {
            let mut failed = false;
            for (o, l) in orphans.iter().zip(&list) {
                match std::fs::remove_file(o) {
                    Ok(()) => eprintln!("deleted {l}: no spec token refers to it"),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => {
                        eprintln!("error: cannot delete {l}: {e}");
                        failed = true;
                    }
                }
            }
            if failed { Err(()) } else { Ok(()) }
        }
    }
}
