//! The runner: discover specs, plan, fetch what the filter selects, and
//! hand one libtest-mimic trial per case to libtest-mimic.

mod judge;
mod live;
pub(crate) mod pending;

use crate::compare::{Clock, compare};
use crate::evidence::{self, CaseError, Evidence, ReplayContext};
#[cfg(feature = "live")]
use crate::fetch;
use crate::mode::Mode;
use crate::plan::{self, Case, Dirs, Entry};
use crate::report::junit::{self, CaseResult};
use crate::report::sarif::Located;
use crate::report::{self, Invocation, Style};
use crate::secret::Scrubber;
use crate::witness::Witnesses;
use libtest_mimic::{Arguments, ColorSetting, Failed, FormatSetting, Trial};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use crate::evidence::Gathered;
use judge::{Board, Judged, Shared, evaluate, judging_failed};
use live::{Prefetched, prefetch};

/// Runs every (spec file, token) pair as a test case.
///
/// ```no_run
/// // tests/permissions.rs, with `harness = false` for this test in Cargo.toml
/// fn main() -> std::process::ExitCode {
///     permspec::Harness::from_env().run()
/// }
/// ```
#[derive(Debug)]
pub struct Harness {
    dirs: Dirs,
    mode: Result<Mode, String>,
    invocation: Invocation,
    /// Extra name filters, any of which selects a case (`permspec record A B`).
    filters: Vec<String>,
    /// What to do with fixtures no token refers to; `None`: as
    /// `PERMSPEC_UNREFERENCED` says.
    unreferenced: Option<crate::orphans::Policy>,
    /// Record changed answers beside their fixtures for review
    /// (`PERMSPEC_RECORD=pending`, `record --pending`).
    pending: bool,
    /// Send the probes whose method could change something
    /// (`PERMSPEC_ALLOW_UNSAFE_PROBES=1`, `--allow-unsafe-probes`).
    unsafe_probes: bool,
    /// What to do with answers pending review; `None`: as
    /// `PERMSPEC_PENDING` says.
    waiting: Option<pending::Policy>,
}

impl Harness {
    /// Specs from `PERMSPEC_SPECS` (default `specs/`), fixtures from
    /// `PERMSPEC_FIXTURES` (default `fixtures/`), both relative to the
    /// package root when run by cargo; mode from `PERMSPEC_MODE`.
    pub fn from_env() -> Harness {
        let root = std::env::var_os("CARGO_MANIFEST_DIR")
            .map(PathBuf::from)
            .unwrap_or_default();
        Harness::rooted_at(root)
    }

    /// Like [`Harness::from_env`], with relative folders taken from the
    /// working directory (the CLI's behaviour).
    pub(crate) fn from_cwd() -> Harness {
        Harness::rooted_at(PathBuf::new())
    }

    fn rooted_at(root: PathBuf) -> Harness {
        let dir = |var: &str, default: &str| -> PathBuf {
            match std::env::var_os(var) {
                Some(v) if !v.is_empty() => root.join(v),
                _ => root.join(default),
            }
        };
        Harness {
            dirs: Dirs {
                specs: dir("PERMSPEC_SPECS", "specs"),
                fixtures: dir("PERMSPEC_FIXTURES", "fixtures"),
            },
            mode: Mode::from_env(),
            invocation: Invocation::CargoTest {
                target: test_target(),
            },
            filters: Vec::new(),
            unreferenced: None,
            pending: std::env::var("PERMSPEC_RECORD").is_ok_and(|v| v.trim() == "pending"),
            unsafe_probes: std::env::var("PERMSPEC_ALLOW_UNSAFE_PROBES")
                .is_ok_and(|v| matches!(v.trim(), "1" | "true" | "yes")),
            waiting: None,
        }
    }

    /// Overrides the specs folder.
    pub fn specs_dir(mut self, dir: impl Into<PathBuf>) -> Harness {
        self.dirs.specs = dir.into();
        self
    }

    /// Overrides the fixtures folder.
    pub fn fixtures_dir(mut self, dir: impl Into<PathBuf>) -> Harness {
        self.dirs.fixtures = dir.into();
        self
    }

    /// Overrides the mode `PERMSPEC_MODE` chose.
    pub fn mode(mut self, mode: Mode) -> Harness {
        self.mode = Ok(mode);
        self
    }

    pub(crate) fn filters(mut self, filters: Vec<String>) -> Harness {
        self.filters = filters;
        self
    }

    pub(crate) fn invocation(mut self, invocation: Invocation) -> Harness {
        self.invocation = invocation;
        self
    }

    /// Every entry the specs plan, unfiltered (`permspec review`).
    pub(crate) fn entries(&self) -> Vec<Entry> {
        plan::load(&self.dirs, true)
    }

    /// Records changed answers as `<token>.json.new` for review.
    pub(crate) fn pending(mut self, pending: bool) -> Harness {
        self.pending |= pending;
        self
    }

    /// Sends unsafe probes in live and record modes
    /// (`--allow-unsafe-probes`).
    pub(crate) fn allow_unsafe_probes(mut self, allow: bool) -> Harness {
        self.unsafe_probes |= allow;
        self
    }

    /// Overrides `PERMSPEC_PENDING` (`check --pending`).
    pub(crate) fn pending_policy(mut self, policy: Option<pending::Policy>) -> Harness {
        self.waiting = policy;
        self
    }

    /// Overrides `PERMSPEC_UNREFERENCED` (`check --unreferenced`).
    pub(crate) fn unreferenced(mut self, policy: Option<crate::orphans::Policy>) -> Harness {
        self.unreferenced = policy;
        self
    }

    /// Parses libtest's command line (filters, `--exact`, `--list`,
    /// `--skip`, `--test-threads`, ...), runs the selected cases and returns
    /// the exit code: 0 when every case passed, 101 when one failed, 2 on a
    /// usage error.
    pub fn run(self) -> ExitCode {
        self.run_with_args(Arguments::from_args())
    }

    pub(crate) fn run_with_args(self, args: Arguments) -> ExitCode {
        self.run_with(args, Reports::default())
    }

    /// Runs the cases; with `reports.junit`, also writes one `<testcase>`
    /// per case there, and with `reports.sarif` a SARIF log.
    pub(crate) fn run_with(self, args: Arguments, reports: Reports) -> ExitCode {
        let Reports { junit, sarif } = reports;
        // `PERMSPEC_JUNIT=path`, `PERMSPEC_SARIF=path`: the same reports
        // under `cargo test`.
        let from_env = |var: &str| {
            std::env::var_os(var)
                .filter(|v| !v.is_empty())
                .map(PathBuf::from)
        };
        let junit = junit.or_else(|| from_env("PERMSPEC_JUNIT"));
        let sarif = sarif.or_else(|| from_env("PERMSPEC_SARIF"));
        let mode = match self.mode {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let unreferenced = match self
            .unreferenced
            .map_or_else(crate::orphans::Policy::from_env, Ok)
        {
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        // A record run writes the answers others review: it only names
        // those already waiting.
        let waiting = match self.waiting.map_or_else(pending::Policy::from_env, Ok) {
            Ok(_) if mode == Mode::Record => pending::Policy::Warn,
            Ok(p) => p,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let listing = crate::orphans::Listing::start(self.dirs.fixtures.clone());
        let mut entries = plan::load(&self.dirs, sarif.is_some());
        // Against every spec, before any filter: a filtered-out token's
        // fixture is not an orphan, and may witness for a selected one.
        let found = crate::orphans::find(&entries, listing);
        let witnesses = Witnesses::new(&entries);
        retain_filtered(&mut entries, &self.filters, args.exact);

        // Fetch only what the filter selects: under nextest each case runs
        // in its own process and must make one request, not all of them.
        // With no filter and no `--skip`, libtest-mimic filters nothing
        // out but under `--ignored` (checked here): no trial is built to
        // ask it (three strings a case, on this one thread).
        let filters = args.filter.is_some() || !args.skip.is_empty();
        let selected: Vec<bool> = entries
            .iter()
            .map(|e| !(args.list || args.ignored || (filters && args.is_filtered_out(&probe(e)))))
            .collect();
        // The permspec binary names cases itself: a filter that selects
        // none is a mistake, never a green run of nothing (issue 10, item
        // 16). Under cargo test a filter may be meant for other tests.
        let named = args.filter.is_some() || !self.filters.is_empty();
        if matches!(self.invocation, Invocation::Cli { .. })
            && named
            && !args.list
            && !selected.iter().any(|s| *s)
        {
            let filters: Vec<&str> = args
                .filter
                .iter()
                .chain(&self.filters)
                .map(String::as_str)
                .collect();
            eprintln!(
                "error: no case matches {}\n  = help: `permspec check --list` names every case",
                filters.join(", ")
            );
            return ExitCode::from(2);
        }
        let to_stderr = matches!(args.format, Some(FormatSetting::Json));
        let waiting_here =
            pending::beside(entries.iter().zip(selected.iter().copied()), &found.pending);
        let (prefetched, scrubber) = prefetch(
            &entries,
            &selected,
            mode,
            to_stderr,
            (self.pending, self.unsafe_probes),
            (&witnesses, &found),
        );
        let clock = Clock::read();
        let shared = Shared {
            style: Style {
                color: wants_color(args.color),
                invocation: self.invocation,
                mode,
            },
            clock,
            replay: ReplayContext::from_env(clock.now)
                .with_confirmations(&found.roots)
                .with_listing(found.clone()),
            scrubber,
            sarif: sarif.is_some(),
            junit: junit.is_some(),
            witnesses,
            pending_fails: waiting == pending::Policy::Fail,
        };

        // Every selected case is judged here, on every core (or as many
        // threads as `--test-threads` says), in runs taken from one queue,
        // while libtest-mimic reports the outcomes on this thread, in the
        // entries' order, each as soon as it is judged: printing overlaps
        // the judging instead of following it. Handing libtest-mimic the
        // work instead cost a channel round trip and a context switch per
        // case (BENCHMARKS.md, "2026-12-05"). A case not selected keeps
        // its entry and is judged by its trial, should libtest-mimic ever
        // run it.
        let threads = args.test_threads.unwrap_or_else(crate::parallel::cores);
        // One of each per entry (a shorter one would drop cases unseen).
        debug_assert!(prefetched.len() == entries.len() && selected.len() == entries.len());
        let all_selected = selected.iter().all(|s| *s);
        let board = Arc::new(Board {
            slots: crate::parallel::Slots::new(entries.len()),
            shared,
            results: Mutex::new(Vec::new()),
        });
        // The trials first (libtest-mimic needs them all before it runs),
        // each taking its outcome from the slot a worker fills. (Made on
        // every core instead, they cost more CPU for no gain: BENCHMARKS.md,
        // "2026-12-07 (fourth session)".)
        let trials: Vec<Trial> = entries
            .iter()
            .enumerate()
            .map(|(i, entry)| {
                let board = board.clone();
                let run = move || {
                    let record = |result| {
                        board
                            .results
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((i, result));
                    };
                    match board.slots.take(i) {
                        Ok(Judged::Done(outcome, result)) => {
                            if let Some(result) = result {
                                record(*result);
                            }
                            outcome
                        }
                        Ok(Judged::Later(later)) => {
                            let (entry, fetched) = *later;
                            let (outcome, result) = evaluate(entry, fetched, mode, &board.shared);
                            if let Some(result) = result {
                                record(result);
                            }
                            outcome
                        }
                        Err(why) => Err(judging_failed(&why, &board.shared.scrubber)),
                    }
                };
                Trial::test(entry.name(), run).with_kind(kind(entry))
            })
            .collect();
        let work = entries.into_iter().zip(prefetched).zip(selected);
        let judge = |((entry, fetched), selected): ((Entry, Prefetched), bool)| {
            if selected {
                let (outcome, result) = evaluate(entry, fetched, mode, &board.shared);
                Judged::Done(outcome, result.map(Box::new))
            } else {
                Judged::Later(Box::new((entry, fetched)))
            }
        };
        let mut args = args;
        // Every case is judged by the workers: one thread only prints.
        if all_selected {
            args.test_threads = Some(1);
        }
        let conclusion = crate::parallel::stream(work, threads, judge, &board.slots, || {
            libtest_mimic::run(&args, trials)
        });
        let mut done =
            std::mem::take(&mut *board.results.lock().unwrap_or_else(|e| e.into_inner()));
        done.sort_by_key(|(i, _)| *i);
        let cases: Vec<CaseResult> = done.into_iter().map(|(_, r)| r).collect();
        let mut written = Vec::new();
        if let Some(path) = junit {
            written.push((
                path,
                "JUnit report",
                junit::render(&cases, &crate::fixture::now_utc()),
            ));
        }
        if let Some(path) = sarif {
            let prefix = crate::report::sarif::git_prefix();
            let located: Vec<crate::report::sarif::CaseResults> = cases
                .iter()
                .map(|c| crate::report::sarif::CaseResults {
                    case: c.name.clone(),
                    uri: c
                        .file
                        .as_deref()
                        .and_then(|f| crate::report::sarif::repository_uri(f, prefix.as_deref())),
                    results: c.sarif.clone(),
                })
                .collect();
            written.push((
                path,
                "SARIF log",
                crate::report::sarif::render(&located, env!("CARGO_PKG_VERSION")),
            ));
        }
        for (path, what, text) in written {
            if let Err(e) = std::fs::write(&path, text) {
                eprintln!("error: cannot write the {what} {}: {e}", path.display());
                return ExitCode::from(2);
            }
        }
        if args.list {
            return conclusion.exit_code();
        }
        if let Some(notice) =
            pending::notice(&waiting_here, waiting, &board.shared.style.invocation)
        {
            eprintln!("\n{notice}");
        }
        let acted = crate::orphans::act(&found.orphans, unreferenced);
        if unreferenced == crate::orphans::Policy::Delete && !found.orphans.is_empty() {
            // The manifest names only fixtures a reviewer can find.
            for root in &found.roots {
                if let Err(e) = crate::confirmations::forget_missing(root) {
                    eprintln!("warning: {e}");
                }
            }
        }
        match acted {
            Err(()) if !conclusion.has_failed() => ExitCode::from(101),
            _ => conclusion.exit_code(),
        }
    }

    /// Plans every spec and gathers the evidence of every case the way
    /// `check` would (replay reads fixtures, live fetches), for `audit`,
    /// with the scrubber of every secret the run used.
    pub(crate) fn gather(self) -> Result<Gathering, String> {
        let mode = self.mode?;
        let listing = crate::orphans::Listing::start(self.dirs.fixtures.clone());
        let mut entries = plan::load(&self.dirs, true);
        let found = crate::orphans::find(&entries, listing);
        let witnesses = Witnesses::new(&entries);
        retain_filtered(&mut entries, &self.filters, false);
        let selected = vec![true; entries.len()];
        let pending = pending::beside(entries.iter().map(|e| (e, true)), &found.pending);
        let (mut prefetched, scrubber) = prefetch(
            &entries,
            &selected,
            mode,
            true,
            (self.pending, self.unsafe_probes),
            (&witnesses, &found),
        );
        let context = ReplayContext::from_env(crate::time::now())
            .with_confirmations(&found.roots)
            .with_listing(found.clone());
        for (entry, fetched) in entries.iter().zip(prefetched.iter_mut()) {
            if let (Entry::Case(case), None) = (entry, &fetched) {
                *fetched = Some(Box::new(evidence::replay(case, &context)));
            }
            if let (Entry::Case(case), Some(result)) = (entry, fetched.as_deref_mut())
                && let Ok(evidence) = result
            {
                witnesses.attach(case, &mut evidence.grant.probes, &context);
            }
        }
        Ok(Gathering {
            mode,
            gathered: entries
                .into_iter()
                .zip(prefetched)
                .map(|(entry, fetched)| (entry, fetched.map(|b| *b)))
                .collect(),
            scrubber,
            orphans: found.orphans,
            pending,
        })
    }
}

/// Every case's evidence, as `check` would gather it, for `audit`.
pub(crate) struct Gathering {
    pub mode: Mode,
    pub gathered: Vec<Gathered>,
    /// The scrubber of every secret the run used.
    pub scrubber: Scrubber,
    /// Fixtures no spec token refers to.
    pub orphans: Vec<PathBuf>,
    /// The answers pending review beside the gathered cases' fixtures.
    pub pending: Vec<String>,
}

/// Keeps the entries any of `filters` selects (all when there is none).
fn retain_filtered(entries: &mut Vec<Entry>, filters: &[String], exact: bool) {
    if filters.is_empty() {
        return;
    }
    entries.retain(|e| {
        let name = e.name();
        filters.iter().any(|f| {
            if exact {
                name == f
            } else {
                name.contains(f.as_str())
            }
        })
    });
}

/// A trial with the entry's name and kind, to ask libtest-mimic's own
/// filter whether the entry is selected.
fn probe(entry: &Entry) -> Trial {
    Trial::test(entry.name(), || Ok(())).with_kind(kind(entry))
}

fn kind(entry: &Entry) -> &str {
    match entry {
        Entry::Case(c) => c.provider.name(),
        Entry::Broken(b) => &b.kind,
    }
}

/// The files a run writes besides its output.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    pub junit: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
}

fn wants_color(setting: Option<ColorSetting>) -> bool {
    match setting {
        Some(ColorSetting::Always) => true,
        Some(ColorSetting::Never) => false,
        _ => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

/// The name of the cargo test target running us: the executable's name
/// without cargo's `-<16 hex digits>` suffix.
fn test_target() -> String {
    let exe = std::env::current_exe().unwrap_or_default();
    let stem = exe
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("permissions");
    report::strip_hash(stem).to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_target_drops_cargos_hash() {
        assert_eq!(
            report::strip_hash("permissions-0123456789abcdef"),
            "permissions"
        );
        assert_eq!(report::strip_hash("my-tests"), "my-tests");
    }
}
