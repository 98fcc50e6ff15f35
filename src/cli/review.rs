//! `permspec review`: the answers `PERMSPEC_RECORD=pending` wrote beside
//! their fixtures (`<token>.json.new`), each shown as a change of
//! permissions (gained and lost privileges, activity, expiry, each
//! high-severity gain flagged), then accepted (an atomic rename over the
//! fixture), rejected (removed) or skipped; one key each on a terminal.

use super::common::{Folders, usage};
use crate::evidence::judge;
use crate::fixture::{self, pending_path};
use crate::plan::{Case, Entry, display_path};
use crate::provider::Grant;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write as _};
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    folders: Folders,
    /// Print each pending change without acting
    #[arg(long, conflicts_with_all = ["accept_all", "reject_all"])]
    list: bool,
    /// Accept every pending change
    #[arg(long, conflicts_with = "reject_all")]
    accept_all: bool,
    /// Reject every pending change
    #[arg(long)]
    reject_all: bool,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Accept,
    Reject,
    Skip,
}

pub(crate) fn run(a: ReviewArgs) -> ExitCode {
    let interactive = !(a.list || a.accept_all || a.reject_all);
    if interactive && !std::io::stdin().is_terminal() {
        return usage(
            "stdin is not a terminal: pass --accept-all, --reject-all or --list to review \
             without questions",
        );
    }
    let (harness, _) = a.folders.harness();
    let cases: Vec<Box<Case>> = harness
        .entries()
        .into_iter()
        .filter_map(|e| match e {
            Entry::Case(c) if pending_path(&c.fixture).is_file() => Some(c),
            _ => None,
        })
        .collect();
    if cases.is_empty() {
        println!("nothing to review: no case has a pending fixture");
        return ExitCode::SUCCESS;
    }
    let (mut accepted, mut rejected, mut skipped, mut failed) = (0, 0, 0, false);
    for case in &cases {
        let (shown, judges) = change(case);
        print!("{shown}");
        let act = if a.list {
            Act::Skip
        } else if a.accept_all {
            Act::Accept
        } else if a.reject_all {
            Act::Reject
        } else {
            ask()
        };
        // Only an answer that judges replaces a fixture (issue 35, item
        // 7): another request's, one that is not an answer, or one holding
        // a credential stays pending, and the command fails.
        if let (Act::Accept, Err(why)) = (act, &judges) {
            eprintln!(
                "error: {} is not accepted: {}; it stays pending (record the case again, or \
                 reject it)",
                display_path(&pending_path(&case.fixture)),
                crate::escape::text(why)
            );
            skipped += 1;
            failed = true;
            continue;
        }
        match apply(case, act) {
            Ok(()) => match act {
                Act::Accept => accepted += 1,
                Act::Reject => rejected += 1,
                Act::Skip => skipped += 1,
            },
            Err(e) => {
                eprintln!("error: {e}");
                failed = true;
            }
        }
    }
    println!("{accepted} accepted, {rejected} rejected, {skipped} left pending");
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

/// Asks on the terminal for one key, a, r or s, until it gets one (the
/// end of input: skip). The terminal is put in non-canonical mode with
/// `stty` for the question, so a key needs no Enter (a newline is ignored),
/// and restored after: no terminal library for one prompt.
fn ask() -> Act {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let saved = Command::new("stty")
        .arg("-g")
        .stdin(Stdio::inherit())
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    let stty = |args: &[&str]| {
        let _ = Command::new("stty")
            .args(args)
            .stdin(Stdio::inherit())
            .status();
    };
    if saved.is_some() {
        stty(&["-icanon", "-echo", "min", "1"]);
    }
    let mut stdin = std::io::stdin().lock();
    let act = loop {
        eprint!("  accept, reject or skip? [a/r/s] ");
        let _ = std::io::stderr().flush();
        let mut key = [0u8; 1];
        let act = loop {
            match stdin.read(&mut key) {
                Ok(0) | Err(_) => break Some(Act::Skip),
                Ok(_) if matches!(key[0], b'\n' | b'\r') => continue,
                Ok(_) => {
                    break match key[0].to_ascii_lowercase() {
                        b'a' => Some(Act::Accept),
                        b'r' => Some(Act::Reject),
                        b's' => Some(Act::Skip),
                        _ => None,
                    };
                }
            }
        };
        eprintln!();
        if let Some(act) = act {
            break act;
        }
    };
    if let Some(saved) = saved {
        stty(&[&saved]);
    }
    act
}

fn apply(case: &Case, act: Act) -> Result<(), String> {
    let root = &case.spec.fixtures;
    let new = pending_path(&case.fixture);
    fixture::no_links(root, &new)?;
    fixture::no_links(root, &case.fixture)?;
    match act {
        Act::Skip => Ok(()),
        Act::Reject => std::fs::remove_file(&new)
            .map_err(|e| format!("cannot remove {}: {e}", display_path(&new))),
        Act::Accept => {
            std::fs::rename(&new, &case.fixture)
                .map_err(|e| format!("cannot move {} into place: {e}", display_path(&new)))?;
            // The fixture is new: its age counts from its own recorded_at.
            let key = crate::confirmations::key(root, &case.fixture);
            let rewritten: Vec<String> = key.into_iter().collect();
            crate::confirmations::update(root, &[], &rewritten, &fixture::now_utc())
                .and_then(|()| crate::confirmations::forget_missing(root))
        }
    }
}

/// The change a pending answer makes, in permissions, and whether it
/// judges: replay reads it as a grant for the request the spec asks now,
/// and it holds nothing shaped like a credential.
fn change(case: &Case) -> (String, Result<(), String>) {
    let new_path = pending_path(&case.fixture);
    let mut out = format!("{} ({})\n", display_path(&new_path), case.name);
    let judged = |path: &std::path::Path| -> Option<Result<Grant, String>> {
        let f = match fixture::read(&case.spec.fixtures, path) {
            Ok(f) => f,
            Err(fixture::ReadError::Missing) => return None,
            Err(fixture::ReadError::Invalid(why)) => return Some(Err(why)),
        };
        if !f.request.answers(&fixture::request_of(case)) {
            return Some(Err(
                "it answers another request than the spec asks now".to_owned()
            ));
        }
        Some(judge(case, &f, &display_path(path)).map_err(|e| e.cause))
    };
    let old = judged(&case.fixture);
    let new = match judged(&new_path) {
        Some(Ok(g)) => g,
        Some(Err(why)) => {
            let _ = writeln!(
                out,
                "  the pending answer gives no grant: {}",
                crate::escape::text(&why)
            );
            return (out, Err(why));
        }
        None => return (out, Err("it is gone".to_owned())),
    };
    // Record never writes an answer holding a credential of its run; one
    // that holds a token's shape was written some other way. The word is
    // never shown.
    let text = std::fs::read_to_string(&new_path).unwrap_or_default();
    if crate::secret::token_words(&text).next().is_some() {
        let why = "it holds what looks like a credential (a vendor token's shape); check the \
                   file, and rotate the credential if it is one"
            .to_owned();
        let _ = writeln!(out, "  the pending answer {why}");
        return (out, Err(why));
    }
    let old = match old {
        None => {
            let _ = writeln!(out, "  a new fixture");
            Grant::default()
        }
        Some(Ok(g)) => g,
        Some(Err(why)) => {
            let _ = writeln!(
                out,
                "  the current fixture gives no grant: {}",
                crate::escape::text(&why)
            );
            Grant::default()
        }
    };
    let change = super::diff::change_of(&case.name, case.provider, &old, &new);
    if change.is_empty() {
        let _ = writeln!(out, "  no change in permissions");
    }
    out.push_str(&change.lines());
    (out, Ok(()))
}
