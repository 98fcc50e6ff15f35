//! `permspec audit`: the review table, and `--inventory` of DocSpace keys
//! that no spec names.

use super::common::{Folders, usage};
use crate::compare::Clock;
use crate::mode::Mode;
use crate::report::audit::{self, Audit};
use clap::ValueEnum;
use std::fmt::Write;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditFormat {
    Text,
    Markdown,
    Json,
    /// One self-contained page: a token x privilege matrix per provider
    Html,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum AuditMode {
    /// From the recorded fixtures (no secrets needed)
    Replay,
    /// Asking the live APIs (reads the credentials)
    Live,
}

#[derive(Debug, clap::Args)]
pub(crate) struct AuditArgs {
    #[command(flatten)]
    folders: Folders,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: AuditFormat,
    /// Write the report here instead of stdout
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Where the grants come from
    #[arg(long, value_enum, default_value = "replay")]
    mode: AuditMode,
    /// Also list DocSpace keys no spec names, and spec tokens whose key is gone
    #[arg(long)]
    inventory: bool,
    /// For --inventory: the variable holding an admin API key (one that may call GET /api/2.0/keys)
    #[arg(long, value_name = "VAR")]
    admin_key_env: Option<String>,
    /// For --inventory: the portal (default: the one base_url all docspace specs share)
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Audit only the cases whose names contain one of these
    #[arg(value_name = "FILTER")]
    filters: Vec<String>,
}

pub(crate) fn run(a: AuditArgs) -> ExitCode {
    if a.inventory && a.admin_key_env.is_none() {
        return usage(
            "--inventory needs --admin-key-env VAR (an admin API key that may list keys)",
        );
    }
    let mode = match a.mode {
        AuditMode::Replay => Mode::Replay,
        AuditMode::Live => Mode::Live,
    };
    let (harness, _) = a.folders.harness();
    let crate::harness::Gathering {
        mode,
        gathered: entries,
        scrubber,
        orphans,
        pending,
    } = match harness.mode(mode).filters(a.filters).gather() {
        Ok(x) => x,
        Err(e) => return usage(&e),
    };
    let clock = Clock::read();
    let inventory = if a.inventory {
        let docspace = crate::inventory::known_keys(&entries);
        let base = match a
            .base_url
            .clone()
            .map_or_else(|| crate::inventory::portal(&entries), Ok)
        {
            Ok(b) => b,
            Err(e) => return usage(&e),
        };
        Some(crate::inventory::take(
            &base,
            a.admin_key_env.as_deref().unwrap_or_default(),
            &docspace,
        ))
    } else {
        None
    };
    let mut report = audit::build(mode, entries, &orphans, &pending, clock);
    // Built from scrubbed evidence; each of its strings is scrubbed again
    // before a rendering escapes it, and the output once more, with every
    // secret the run used, in every encoding, before anything is written.
    report.scrub(&scrubber);
    let width = match a.out {
        Some(_) => None,
        None => terminal_width(),
    };
    let rendered = render(&report, a.format, inventory.as_ref(), width);
    let whole = width.map(|_| render(&report, a.format, inventory.as_ref(), None));
    let text = last_pass(&scrubber, rendered, whole);
    match &a.out {
        Some(path) => {
            if let Err(e) = std::fs::write(path, &text) {
                eprintln!("error: cannot write {}: {e}", path.display());
                return ExitCode::from(2);
            }
            eprintln!("{}", headline(&report, path));
        }
        None => print!("{text}"),
    }
    ExitCode::SUCCESS
}

/// The last scrubbing pass over the output. Wrapped to a width, a line
/// break could fall inside a secret and hide it from the pass, so the pass
/// looks at the same audit unwrapped (`whole`): should it find a secret
/// there that the scrubbing of the audit's strings missed, the unwrapped
/// text is shown, scrubbed, instead of the wrapped one.
fn last_pass(
    scrubber: &crate::secret::Scrubber,
    rendered: String,
    whole: Option<String>,
) -> String {
    if let Some(whole) = whole {
        let clean = scrubber.scrub(&whole);
        if clean != whole {
            return clean;
        }
    }
    scrubber.scrub(&rendered)
}

fn headline(a: &Audit, path: &std::path::Path) -> String {
    let s = &a.summary;
    format!(
        "wrote {}: {} tokens, {} pass, {} fail, {} error, {} with a high-severity grant",
        path.display(),
        s.tokens,
        s.pass,
        s.fail,
        s.error,
        s.high_severity
    )
}

/// The width the text audit printed to stdout must fit (issue 39):
/// `COLUMNS` when it is a positive number, else the terminal's width when
/// stdout is a terminal, else none: a pipe or a redirect gets the whole
/// table, one line per token, for `grep` and `less -S` (as Python's
/// `shutil.get_terminal_size` reads `COLUMNS` first; unlike it, no
/// default width for what is not a terminal). A report written with
/// `--out` is a file: never wrapped.
fn terminal_width() -> Option<usize> {
    let columns = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.trim().parse::<usize>().ok())
        .filter(|c| *c > 0);
    columns.or_else(|| {
        terminal_size::terminal_size_of(std::io::stdout()).map(|(w, _)| usize::from(w.0))
    })
}

fn render(
    report: &Audit,
    format: AuditFormat,
    inventory: Option<&crate::inventory::Inventory>,
    width: Option<usize>,
) -> String {
    match format {
        AuditFormat::Json => {
            let mut value = serde_json::to_value(report).unwrap_or_default();
            if let Some(inv) = inventory {
                value["inventory"] = serde_json::to_value(inv).unwrap_or_default();
            }
            serde_json::to_string_pretty(&value).unwrap_or_default() + "\n"
        }
        AuditFormat::Text => {
            let mut out = audit::text(report, width);
            if let Some(inv) = inventory {
                let inv = inv.text();
                let _ = write!(
                    out,
                    "\n{}",
                    width.map_or(inv.clone(), |w| audit::fit(&inv, w))
                );
            }
            out
        }
        // The inventory is not part of the page yet (text, Markdown, JSON).
        AuditFormat::Html => audit::html(report),
        AuditFormat::Markdown => {
            let mut out = audit::markdown(report);
            if let Some(inv) = inventory {
                let _ = write!(out, "\n{}", inv.markdown());
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A secret the audit's own scrubbing missed, split by a wrapped line,
    /// is still caught: the pass reads the unwrapped audit (issue 39).
    #[test]
    fn a_secret_split_by_wrapping_is_still_scrubbed() {
        let canary = "canary-sk-0123456789abcdef";
        let scrubber = crate::secret::Scrubber::new([&crate::secret::Secret::new(canary)]);
        let whole = format!("t: granted: {canary}\n");
        let wrapped = "t: granted:\n    canary-sk-01234\n    56789abcdef\n".to_owned();
        let shown = last_pass(&scrubber, wrapped.clone(), Some(whole));
        assert!(!shown.contains("canary-sk-01234"), "{shown}");
        assert!(shown.contains("[REDACTED]"), "{shown}");
        // Nothing to find: the wrapped text stands.
        let clean = "t: granted: files:read\n".to_owned();
        assert_eq!(
            last_pass(&scrubber, "t:\n  files:read\n".into(), Some(clean)),
            "t:\n  files:read\n"
        );
        assert_eq!(last_pass(&scrubber, wrapped.clone(), None), wrapped);
    }
}
