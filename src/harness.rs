//! The runner: discover specs, plan, fetch what the filter selects, and
//! hand one libtest-mimic trial per case to libtest-mimic.

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
        match crate::orphans::act(&found.orphans, unreferenced) {
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

/// A case's evidence fetched before the trials run (live and record modes),
/// boxed: in replay, where there is none, each entry costs a pointer.
type Prefetched = Option<Box<Result<Evidence, CaseError>>>;

/// In live and record modes, fetches every selected case before any is
/// compared, records each good answer in record mode, and prints the
/// one-line summary (on stderr when stdout carries JSON events). In replay
/// mode, nothing: each trial reads its fixture.
fn prefetch(
    entries: &[Entry],
    selected: &[bool],
    mode: Mode,
    to_stderr: bool,
    (pending, unsafe_probes): (bool, bool),
    (witnesses, found): (&Witnesses, &crate::orphans::Found),
) -> (Vec<Prefetched>, Scrubber) {
    let mut prefetched: Vec<Prefetched> = Vec::new();
    let mut scrubber = Scrubber::default();
    if mode.is_live() {
        let chosen: Vec<Option<&Case>> = entries
            .iter()
            .zip(selected)
            .map(|(e, selected)| match e {
                Entry::Case(c) if *selected => Some(&**c),
                _ => None,
            })
            .collect();
        let to_fetch: Vec<&Case> = chosen.iter().flatten().copied().collect();
        if !to_fetch.is_empty() {
            let context = ReplayContext::from_env(crate::time::now())
                .with_confirmations(&found.roots)
                .with_listing(found.clone());
            let (results, everything) = fetch_live(
                &to_fetch,
                mode,
                to_stderr,
                (pending, unsafe_probes),
                (witnesses, &context),
            );
            scrubber = everything;
            let mut results = results.into_iter();
            prefetched = chosen
                .iter()
                .map(|c| c.and_then(|_| results.next().map(Box::new)))
                .collect();
        }
    }
    prefetched.resize_with(entries.len(), || None);
    (prefetched, scrubber)
}

/// Fetches `to_fetch` from the live APIs, records each good answer in
/// record mode, and prints the one-line summary.
#[cfg(feature = "live")]
fn fetch_live(
    to_fetch: &[&Case],
    mode: Mode,
    to_stderr: bool,
    (pending, unsafe_probes): (bool, bool),
    (witnesses, context): (&Witnesses, &ReplayContext),
) -> (Vec<Result<Evidence, CaseError>>, Scrubber) {
    let (fetched, mut summary, scrubber) = fetch::fetch_all(to_fetch, unsafe_probes);
    // This run's answers witness for each other before any fixture: what
    // a probe's 404 was judged on is recorded with it.
    for (case, result) in to_fetch.iter().zip(&fetched) {
        if let Ok(f) = result {
            witnesses.learn(case, &f.evidence.grant.probes);
        }
    }
    // Per fixtures folder: the fixtures confirmed, and those written.
    let mut notes: Notes = Default::default();
    let results: Vec<Result<Evidence, CaseError>> = to_fetch
        .iter()
        .zip(fetched)
        .map(|(case, result)| {
            let mut fetched = result?;
            witnesses.attach(case, &mut fetched.evidence.grant.probes, context);
            fetched
                .fixture
                .probes
                .clone_from(&fetched.evidence.grant.probes);
            if mode == Mode::Record {
                let done = fetch::record(case, &mut fetched, &scrubber, pending)?;
                let root = case.spec.fixtures.clone();
                let key = crate::confirmations::key(&root, &case.fixture);
                let lists = notes.entry(root).or_default();
                match done {
                    fetch::Recorded::Written => {
                        summary.written += 1;
                        lists.1.extend(key);
                    }
                    fetch::Recorded::Confirmed { recorded_at } => {
                        summary.confirmed += 1;
                        lists.0.extend(key.map(|k| (k, recorded_at)));
                    }
                    fetch::Recorded::Pending => summary.pending += 1,
                }
            }
            Ok(fetched.evidence)
        })
        .collect();
    // One write per fixtures folder: when each unchanged fixture
    // was confirmed, and no entry for one written anew.
    let now = crate::fixture::now_utc();
    for (root, (confirmed, rewritten)) in &notes {
        if let Err(e) = crate::confirmations::update(root, confirmed, rewritten, &now) {
            eprintln!(
                "warning: {e}; the confirmed fixtures' ages still count from their recorded_at"
            );
        }
    }
    let line = report::fetch_summary(mode, &summary);
    if to_stderr {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    (results, scrubber)
}

/// Built without the `live` feature: every case fails with one clear line,
/// never a silent replay of what was asked to be checked live.
#[cfg(not(feature = "live"))]
fn fetch_live(
    to_fetch: &[&Case],
    mode: Mode,
    to_stderr: bool,
    _: (bool, bool),
    _: (&Witnesses, &ReplayContext),
) -> (Vec<Result<Evidence, CaseError>>, Scrubber) {
    let line = format!(
        "permspec: {mode} mode: built without the `live` feature; all {} selected case(s) fail",
        to_fetch.len()
    );
    if to_stderr {
        eprintln!("{line}");
    } else {
        println!("{line}");
    }
    let fail = || {
        CaseError::new(
            format!(
                "{mode} mode: permspec was built without the `live` feature, so it cannot ask the API (and does not replay instead)"
            ),
            evidence::Fix::Hint(NO_LIVE_HINT.into()),
        )
    };
    (
        to_fetch.iter().map(|_| Err(fail())).collect(),
        Scrubber::default(),
    )
}

/// How to get live mode in a replay-only build (README "Features").
#[cfg(not(feature = "live"))]
const NO_LIVE_HINT: &str = "enable it: in your Cargo.toml, `[features] live = [\"permspec/live\"]`, \
     then `cargo test --features live`; or unset PERMSPEC_MODE to replay the fixtures";

/// Per fixtures folder: the fixtures a record run confirmed (key, and the
/// `recorded_at` kept), and those it wrote anew.
type Notes = std::collections::BTreeMap<PathBuf, (Vec<(String, String)>, Vec<String>)>;

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

/// What every trial of one run reads: read once, not once per case (with
/// thousands of cases, reading the clock and the environment per case
/// showed in the profile).
struct Shared {
    style: Style,
    clock: Clock,
    replay: ReplayContext,
    /// Every secret the run used: a last pass over every text a case shows,
    /// behind the scrubbing of each answer and error.
    scrubber: Scrubber,
    /// Which reports the run writes: what a case computes for them only
    /// then (a replay of 10,000 cases pays nothing for a report it skips).
    sarif: bool,
    junit: bool,
    /// The cases that may show a probe's 404 is a denial.
    witnesses: Witnesses,
}

/// What the trials and the workers of one run share: the workers put each
/// case's outcome in its slot, its trial takes it from there (or judges a
/// case left to it with `shared`), and records its result for the
/// reports. One `Arc` for the three, so a trial costs one count.
struct Board {
    slots: crate::parallel::Slots<Judged>,
    shared: Shared,
    results: Mutex<Vec<(usize, CaseResult)>>,
}

/// A case's trial: judged before libtest-mimic runs, or left to the trial.
///
/// Both payloads are boxed, so that each case's outcome is 32 bytes:
/// unboxed, every one would take the largest payload's size (a
/// `CaseResult`, 208 bytes, though it is there only when a report is
/// written), 24 MB at 100,000 cases.
enum Judged {
    Done(Result<(), Failed>, Option<Box<CaseResult>>),
    Later(Box<(Entry, Prefetched)>),
}

/// Judges one entry: its outcome for libtest-mimic, and, when the run
/// writes a JUnit or SARIF report, its result for them.
fn evaluate(
    entry: Entry,
    fetched: Prefetched,
    mode: Mode,
    shared: &Shared,
) -> (Result<(), Failed>, Option<CaseResult>) {
    let started = Instant::now();
    // What the reports name the case by: read only when one is written
    // (10,000 cases would otherwise each hold copies).
    let reported = (shared.sarif || shared.junit).then(|| reported(&entry, shared.sarif));
    let (result, sarif) = match entry {
        Entry::Broken(b) => {
            let located = match shared.sarif {
                true => vec![crate::report::sarif::spec_error(&b)],
                false => Vec::new(),
            };
            (Err((b.error, None)), located)
        }
        Entry::Case(case) => judge(&case, fetched.map(|b| *b), mode, shared),
    };
    let scrub = |text: String| {
        if shared.scrubber.is_empty() {
            text
        } else {
            shared.scrubber.scrub(&text)
        }
    };
    let (failure, summary) = match result {
        Ok(()) => (None, None),
        Err((text, summary)) => (Some(scrub(text)), summary.map(scrub)),
    };
    let outcome = match &failure {
        None => Ok(()),
        Some(text) => Err(Failed::from(text.as_str())),
    };
    let Some(Reported {
        name,
        kind,
        spec,
        token,
        file,
    }) = reported
    else {
        return (outcome, None);
    };
    // The SARIF messages get the same last pass as every text shown.
    let sarif = sarif
        .into_iter()
        .map(|mut l| {
            l.message = scrub(l.message);
            l
        })
        .collect();
    let result = CaseResult {
        name,
        kind,
        spec,
        token,
        failure,
        summary,
        duration: started.elapsed(),
        sarif,
        file,
    };
    (outcome, Some(result))
}

/// How the reports name a case, and where its spec is.
struct Reported {
    name: String,
    kind: String,
    spec: Option<String>,
    token: Option<String>,
    file: Option<String>,
}

fn reported(entry: &Entry, sarif: bool) -> Reported {
    let (spec, token) = match entry {
        Entry::Case(c) => (Some(c.spec.display.clone()), Some(c.token.clone())),
        Entry::Broken(_) => (None, None),
    };
    let file = match entry {
        _ if !sarif => None,
        Entry::Case(c) => Some(c.spec.display.clone()),
        Entry::Broken(b) => b.file.clone(),
    };
    Reported {
        name: entry.name().to_owned(),
        kind: kind(entry).to_owned(),
        spec,
        token,
        file,
    }
}

/// A failed case: the text to print, and its findings in one line (for
/// JUnit's failure message).
type Failure = (String, Option<String>);

/// The files a run writes besides its output.
#[derive(Debug, Default)]
pub(crate) struct Reports {
    pub junit: Option<PathBuf>,
    pub sarif: Option<PathBuf>,
}

/// Evaluates one case: its evidence (fetched, or replayed now), then the
/// comparison. `Err` holds the text to print, and the findings in one line
/// (for JUnit's failure message).
fn judge(
    case: &Case,
    fetched: Option<Result<Evidence, CaseError>>,
    mode: Mode,
    run: &Shared,
) -> (Result<(), Failure>, Vec<Located>) {
    let style = &run.style;
    let evidence = match (mode, fetched) {
        (_, Some(result)) => result,
        (Mode::Replay, None) => evidence::replay(case, &run.replay),
        (_, None) => Err(CaseError::new(
            "internal: the case was not fetched",
            evidence::Fix::Hint("please report this".into()),
        )),
    };
    let mut evidence = match evidence {
        Ok(e) => e,
        Err(e) => {
            let first = e.cause.lines().next().unwrap_or_default();
            let located = match run.sarif {
                true => vec![report::sarif::evidence_error(case, &e.cause)],
                false => Vec::new(),
            };
            return (
                Err((
                    report::render_error(case, &e, style),
                    run.junit
                        .then(|| format!("error: {}", crate::escape::text(first))),
                )),
                located,
            );
        }
    };
    run.witnesses
        .attach(case, &mut evidence.grant.probes, &run.replay);
    let outcome = compare(case.family(), &case.expect, &evidence.grant, run.clock);
    let located = match run.sarif {
        true => report::sarif::locate(case, &evidence.grant, &outcome, |p| {
            report::audit::acknowledged(&case.expect, p, run.clock).is_some()
        }),
        false => Vec::new(),
    };
    if outcome.passed() {
        (Ok(()), located)
    } else {
        (
            Err((
                report::render_failure(case, &evidence, &outcome, style),
                run.junit.then(|| report::summary(&outcome)),
            )),
            located,
        )
    }
}

/// The failure of a case whose judging panicked (`why`: the panic's
/// message, which also went to stderr). Through the run's scrubber like
/// every other text a case shows: a message may quote what it failed on.
fn judging_failed(why: &str, scrubber: &crate::secret::Scrubber) -> Failed {
    Failed::from(scrubber.scrub(&format!(
        "internal error: permspec failed while judging this case ({why}); every other \
         case was judged. Please report it."
    )))
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
    strip_hash(stem).to_owned()
}

fn strip_hash(stem: &str) -> &str {
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            name
        }
        _ => stem,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_while_judging_fails_the_case_and_shows_no_secret() {
        let canary = "canary-sk-0123456789abcdef";
        let scrubber = crate::secret::Scrubber::new([&crate::secret::Secret::new(canary)]);
        let failed = judging_failed(&format!("index out of range near {canary}"), &scrubber);
        let text = format!("{failed:?}");
        assert!(
            text.contains("internal error: permspec failed while judging"),
            "{text}"
        );
        assert!(!text.contains(canary), "{text}");
    }

    #[test]
    fn test_target_drops_cargos_hash() {
        assert_eq!(strip_hash("permissions-0123456789abcdef"), "permissions");
        assert_eq!(strip_hash("my-tests"), "my-tests");
    }

    /// A replay-only build asked for live or record mode fails every
    /// selected case with the one line that says how to get live mode; it
    /// never replays instead.
    #[cfg(not(feature = "live"))]
    #[test]
    fn without_the_live_feature_live_and_record_fail_every_case() {
        let spec = Arc::new(plan::SpecFile {
            display: "specs/a.yaml".into(),
            id: "a".into(),
            dir: "specs".into(),
            fixtures: "fixtures".into(),
            locate: true,
        });
        let text = "provider: docspace\nbase_url: https://portal.example.com\ntokens:\n  \
                    a:\n    credential: { env: A }\n    expect: { at_most: [files:read] }\n  \
                    b:\n    credential: { env: B }\n    expect: { at_most: [files:read] }\n";
        let entries = plan::plan_bytes(spec, text.as_bytes().to_vec(), "fixtures".as_ref());
        let selected = vec![true; entries.len()];
        for mode in [Mode::Live, Mode::Record] {
            let none = (&Witnesses::default(), &crate::orphans::Found::default());
            let (got, _) = prefetch(&entries, &selected, mode, true, (false, false), none);
            let errors: Vec<&CaseError> = got
                .iter()
                .map(|r| match r.as_deref() {
                    Some(Err(e)) => e,
                    _ => panic!("{mode}: a case was not failed"),
                })
                .collect();
            assert_eq!(errors.len(), 2);
            for e in errors {
                assert!(
                    e.cause.contains(&format!(
                        "{mode} mode: permspec was built without the `live` feature"
                    )),
                    "{}",
                    e.cause
                );
                let evidence::Fix::Hint(hint) = &e.fix else {
                    panic!("no hint")
                };
                assert!(hint.contains("cargo test --features live"), "{hint}");
            }
        }
        // Replay is untouched: nothing is prefetched, each trial reads its
        // fixture.
        let none = (&Witnesses::default(), &crate::orphans::Found::default());
        let (got, _) = prefetch(
            &entries,
            &selected,
            Mode::Replay,
            true,
            (false, false),
            none,
        );
        assert!(got.iter().all(Option::is_none));
    }
}
