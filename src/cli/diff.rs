//! `permspec diff`: what changed in each token's permissions between two
//! git revisions of the specs and fixtures (default: `HEAD` against the
//! working tree), judged as replay judges them.
//!
//! A revision is read through the `git` command (`git archive`, unpacked
//! with `tar` into a temporary folder), not a git library: git is already
//! on every machine that has the repository, and a library (git2 with
//! libgit2, or gix) would add a C build or well over a hundred crates to
//! every user's compile for one command.

use super::common::{Folders, usage};
use crate::plan::{Dirs, Entry};
use crate::provider::{Grant, Provider};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum DiffFormat {
    Text,
    Markdown,
    Json,
}

#[derive(Debug, clap::Args)]
pub(crate) struct DiffArgs {
    #[command(flatten)]
    folders: Folders,
    /// The revision to compare from
    #[arg(long, value_name = "REV", default_value = "HEAD")]
    from: String,
    /// The revision to compare to [default: the working tree]
    #[arg(long, value_name = "REV")]
    to: Option<String>,
    /// Output format
    #[arg(long, value_enum, default_value = "text")]
    format: DiffFormat,
    /// Exit 1 when a permission changed (as `git diff --exit-code`)
    #[arg(long)]
    exit_code: bool,
}

/// Each token's evidence at one side: its provider, and its grant or why
/// there is none.
type Side = BTreeMap<String, (Provider, Result<Grant, String>)>;

#[derive(Debug, Default, Serialize)]
struct Report {
    from: String,
    to: String,
    changed: Vec<Change>,
    new: Vec<String>,
    removed: Vec<String>,
}

#[derive(Debug, Serialize)]
pub(super) struct Change {
    case: String,
    gained: Vec<String>,
    lost: Vec<String>,
    /// Gained privileges that are high-severity findings, with why.
    high_severity: Vec<(String, String)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    active: Option<(Option<bool>, Option<bool>)>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expires_at: Option<(Option<i64>, Option<i64>)>,
    /// Probes whose answer changed: the probe, and the status before and
    /// after (`None`: the side did not ask it).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    probes: Vec<(String, Option<u16>, Option<u16>)>,
    /// Why one side has no grant.
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<String>,
}

pub(crate) fn run(a: DiffArgs) -> ExitCode {
    let specs = a
        .folders
        .specs
        .clone()
        .unwrap_or_else(|| PathBuf::from("specs"));
    let fixtures = a
        .folders
        .fixtures
        .clone()
        .unwrap_or_else(|| PathBuf::from("fixtures"));
    let from = match at_revision(&a.from, &specs, &fixtures) {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let to = match &a.to {
        Some(rev) => at_revision(rev, &specs, &fixtures),
        None => Ok(judge_all(&Dirs {
            specs: specs.clone(),
            fixtures: fixtures.clone(),
        })),
    };
    let to = match to {
        Ok(s) => s,
        Err(e) => return usage(&e),
    };
    let report = compare(
        a.from.clone(),
        a.to.clone()
            .unwrap_or_else(|| "the working tree".to_owned()),
        &from,
        &to,
    );
    let text = match a.format {
        DiffFormat::Text => text(&report),
        DiffFormat::Markdown => markdown(&report),
        DiffFormat::Json => serde_json::to_string_pretty(&report).unwrap_or_default() + "\n",
    };
    print!("{text}");
    let changed =
        !(report.changed.is_empty() && report.new.is_empty() && report.removed.is_empty());
    if a.exit_code && changed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Every case's grant as replay judges it, by case name.
fn judge_all(dirs: &Dirs) -> Side {
    crate::plan::load(dirs, true)
        .into_iter()
        .filter_map(|e| match e {
            Entry::Case(c) => {
                let judged = match crate::fixture::read(&c.spec.fixtures, &c.fixture) {
                    Err(crate::fixture::ReadError::Missing) => return None,
                    Err(crate::fixture::ReadError::Invalid(why)) => Err(why),
                    Ok(f) if !f.request.answers(&crate::fixture::request_of(&c)) => {
                        Err("the fixture answers another request than the spec asks".into())
                    }
                    Ok(f) => crate::evidence::judge(&c, &f, &crate::plan::display_path(&c.fixture))
                        .map_err(|e| e.cause),
                };
                Some((c.name.clone(), (c.provider, judged)))
            }
            Entry::Broken(_) => None,
        })
        .collect()
}

/// The specs and fixtures of `rev`, unpacked into a temporary folder and
/// judged.
fn at_revision(rev: &str, specs: &Path, fixtures: &Path) -> Result<Side, String> {
    let git = |args: &[&str]| -> Result<std::process::Output, String> {
        Command::new("git")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run git: {e}"))
    };
    let verify = git(&[
        "rev-parse",
        "--verify",
        "--quiet",
        &format!("{rev}^{{commit}}"),
    ])?;
    if !verify.status.success() {
        return Err(format!("`{rev}` is not a revision of this repository"));
    }
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let prefix = git(&["rev-parse", "--show-prefix"])?;
    let top = PathBuf::from(String::from_utf8_lossy(&top.stdout).trim());
    let prefix = String::from_utf8_lossy(&prefix.stdout).trim().to_owned();
    let tmp = std::env::temp_dir().join(format!(
        "permspec-diff-{}-{}",
        std::process::id(),
        rev.chars()
            .filter(char::is_ascii_alphanumeric)
            .collect::<String>()
    ));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| e.to_string())?;
    for dir in [specs, fixtures] {
        let path = format!("{prefix}{}", dir.display());
        // A folder the revision does not have holds nothing there.
        let listed = git(&[
            "-C",
            &top.to_string_lossy(),
            "ls-tree",
            "--name-only",
            rev,
            "--",
            &path,
        ])?;
        if listed.stdout.is_empty() {
            continue;
        }
        let archive = Command::new("git")
            .args([
                "-C",
                &top.to_string_lossy(),
                "archive",
                "--format=tar",
                rev,
                "--",
                &path,
            ])
            .output()
            .map_err(|e| format!("cannot run git: {e}"))?;
        if !archive.status.success() {
            return Err(format!(
                "git archive {rev} failed: {}",
                String::from_utf8_lossy(&archive.stderr).trim()
            ));
        }
        let mut tar = Command::new("tar")
            .args(["-x", "-C"])
            .arg(&tmp)
            .stdin(std::process::Stdio::piped())
            .spawn()
            .map_err(|e| format!("cannot run tar: {e}"))?;
        if let Some(mut stdin) = tar.stdin.take() {
            use std::io::Write;
            stdin
                .write_all(&archive.stdout)
                .map_err(|e| e.to_string())?;
        }
        tar.wait().map_err(|e| e.to_string())?;
    }
    let base = tmp.join(&prefix);
    let side = if base.join(specs).is_dir() {
        judge_all(&Dirs {
            specs: base.join(specs),
            fixtures: base.join(fixtures),
        })
    } else {
        Side::new()
    };
    let _ = std::fs::remove_dir_all(&tmp);
    Ok(side)
}

fn compare(from_name: String, to_name: String, from: &Side, to: &Side) -> Report {
    let mut report = Report {
        from: from_name,
        to: to_name,
        ..Report::default()
    };
    for (case, (provider, new)) in to {
        let Some((_, old)) = from.get(case) else {
            report.new.push(case.clone());
            continue;
        };
        let change = match (old, new) {
            (Ok(o), Ok(n)) => change_of(case, *provider, o, n),
            (Err(a), Err(b)) if a == b => continue,
            (o, n) => Change {
                case: case.clone(),
                gained: Vec::new(),
                lost: Vec::new(),
                high_severity: Vec::new(),
                active: None,
                expires_at: None,
                probes: Vec::new(),
                error: Some(match (o, n) {
                    (Err(e), _) => format!("no grant at {}: {e}", report.from),
                    (_, Err(e)) => format!("no grant at {}: {e}", report.to),
                    _ => String::new(),
                }),
            },
        };
        if change.is_empty() {
            continue;
        }
        report.changed.push(change);
    }
    report.removed = from
        .keys()
        .filter(|c| !to.contains_key(*c))
        .cloned()
        .collect();
    // High-severity gains first.
    report
        .changed
        .sort_by_key(|c| (c.high_severity.is_empty(), c.case.clone()));
    report
}

/// What changed from `old` to `new` in one token's permissions; shared
/// with `permspec review`.
pub(super) fn change_of(case: &str, provider: Provider, old: &Grant, new: &Grant) -> Change {
    let gained: Vec<String> = new
        .privileges
        .iter()
        .filter(|p| !old.privileges.contains(p))
        .cloned()
        .collect();
    let lost: Vec<String> = old
        .privileges
        .iter()
        .filter(|p| !new.privileges.contains(p))
        .cloned()
        .collect();
    let high_severity = gained
        .iter()
        .filter_map(|p| {
            crate::report::audit::high_severity(provider, p).map(|why| (p.clone(), why.to_owned()))
        })
        .collect();
    Change {
        case: case.to_owned(),
        gained,
        lost,
        high_severity,
        active: (old.active != new.active).then_some((old.active, new.active)),
        expires_at: (old.expires_at != new.expires_at).then_some((old.expires_at, new.expires_at)),
        probes: probe_changes(old, new),
        error: None,
    }
}

/// The probes whose status differs between the two grants, each once, in
/// the newer order.
fn probe_changes(old: &Grant, new: &Grant) -> Vec<(String, Option<u16>, Option<u16>)> {
    let key = |s: &crate::provider::probe::Seen| format!("{} {}", s.method, s.path);
    let status_in = |g: &Grant, k: &str| g.probes.iter().find(|s| key(s) == k).map(|s| s.status);
    let mut out: Vec<(String, Option<u16>, Option<u16>)> = Vec::new();
    for s in new.probes.iter().chain(&old.probes) {
        let k = key(s);
        let (a, b) = (status_in(old, &k), status_in(new, &k));
        if a != b && !out.iter().any(|(seen, _, _)| *seen == k) {
            out.push((k, a, b));
        }
    }
    out
}

fn status(s: Option<u16>) -> String {
    s.map_or("not asked".to_owned(), |s| s.to_string())
}

impl Change {
    pub(super) fn is_empty(&self) -> bool {
        self.gained.is_empty()
            && self.lost.is_empty()
            && self.active.is_none()
            && self.expires_at.is_none()
            && self.probes.is_empty()
            && self.error.is_none()
    }

    /// Its lines in text, after the token's name: `+ gained`, `- lost`,
    /// activity, expiry.
    pub(super) fn lines(&self) -> String {
        let esc = |s: &str| crate::escape::text(s).into_owned();
        let mut out = String::new();
        for p in &self.gained {
            let high = self
                .high_severity
                .iter()
                .find(|(h, _)| h == p)
                .map(|(_, why)| format!("  HIGH: {why}"))
                .unwrap_or_default();
            let _ = writeln!(out, "  + {}{high}", esc(p));
        }
        for p in &self.lost {
            let _ = writeln!(out, "  - {}", esc(p));
        }
        if let Some((a, b)) = self.active {
            let _ = writeln!(out, "  active   {} -> {}", show(a), show(b));
        }
        if let Some((a, b)) = self.expires_at {
            let _ = writeln!(out, "  expires  {} -> {}", day(a), day(b));
        }
        for (probe, a, b) in &self.probes {
            let _ = writeln!(
                out,
                "  probe    {}: {} -> {}",
                esc(probe),
                status(*a),
                status(*b)
            );
        }
        if let Some(e) = &self.error {
            let _ = writeln!(out, "  {}", esc(e));
        }
        out
    }
}

fn day(t: Option<i64>) -> String {
    t.map_or("never".to_owned(), |t| {
        crate::time::format_utc(u64::try_from(t).unwrap_or(0))[..10].to_owned()
    })
}

fn show(a: Option<bool>) -> String {
    a.map_or("unknown".to_owned(), |a| a.to_string())
}

fn text(r: &Report) -> String {
    let esc = |s: &str| crate::escape::text(s).into_owned();
    let mut out = format!(
        "permspec diff {}..{}: {} changed, {} new, {} removed\n",
        r.from,
        r.to,
        r.changed.len(),
        r.new.len(),
        r.removed.len()
    );
    for c in &r.changed {
        let _ = writeln!(out, "{}", esc(&c.case));
        out.push_str(&c.lines());
    }
    for n in &r.new {
        let _ = writeln!(out, "new: {}", esc(n));
    }
    for n in &r.removed {
        let _ = writeln!(out, "removed: {}", esc(n));
    }
    out
}

fn markdown(r: &Report) -> String {
    use crate::escape::{md_code, md_text};
    let mut out = "## Token permission changes\n\n".to_owned();
    if r.changed.is_empty() && r.new.is_empty() && r.removed.is_empty() {
        let _ = writeln!(
            out,
            "No permission changed between {} and {}.",
            md_text(&r.from),
            md_text(&r.to)
        );
        return out;
    }
    let _ = writeln!(
        out,
        "From {} to {}: {} changed, {} new, {} removed.\n",
        md_text(&r.from),
        md_text(&r.to),
        r.changed.len(),
        r.new.len(),
        r.removed.len()
    );
    for c in &r.changed {
        let _ = writeln!(out, "- {}", md_code(&c.case));
        for p in &c.gained {
            let high = c
                .high_severity
                .iter()
                .find(|(h, _)| h == p)
                .map(|(_, why)| format!(" **HIGH**: {}", md_text(why)))
                .unwrap_or_default();
            let _ = writeln!(out, "  - gained {}{high}", md_code(p));
        }
        for p in &c.lost {
            let _ = writeln!(out, "  - lost {}", md_code(p));
        }
        if let Some((a, b)) = c.active {
            let _ = writeln!(out, "  - active: {} -> {}", show(a), show(b));
        }
        if let Some((a, b)) = c.expires_at {
            let _ = writeln!(out, "  - expires: {} -> {}", day(a), day(b));
        }
        for (probe, a, b) in &c.probes {
            let _ = writeln!(
                out,
                "  - probe {}: {} -> {}",
                md_code(probe),
                status(*a),
                status(*b)
            );
        }
        if let Some(e) = &c.error {
            let _ = writeln!(out, "  - {}", md_text(e));
        }
    }
    for n in &r.new {
        let _ = writeln!(out, "- new token {}", md_code(n));
    }
    for n in &r.removed {
        let _ = writeln!(out, "- removed token {}", md_code(n));
    }
    out
}
