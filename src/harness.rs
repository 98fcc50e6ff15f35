//! The runner: discover specs, plan, fetch what the filter selects, and
//! hand one libtest-mimic trial per case to libtest-mimic.

use crate::compare::{Clock, compare};
use crate::evidence::{self, CaseError, Evidence};
use crate::fetch;
use crate::mode::Mode;
use crate::plan::{self, Case, Dirs, Entry};
use crate::report::{self, Invocation, Style};
use libtest_mimic::{Arguments, ColorSetting, Failed, FormatSetting, Trial};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

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

    /// Parses libtest's command line (filters, `--exact`, `--list`,
    /// `--skip`, `--test-threads`, ...), runs the selected cases and returns
    /// the exit code: 0 when every case passed, 101 when one failed, 2 on a
    /// usage error.
    pub fn run(self) -> ExitCode {
        self.run_with_args(Arguments::from_args())
    }

    pub(crate) fn run_with_args(self, args: Arguments) -> ExitCode {
        let mode = match self.mode {
            Ok(m) => m,
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        };
        let style = Arc::new(Style {
            color: wants_color(args.color),
            invocation: self.invocation,
            mode,
        });
        let mut entries = plan::load(&self.dirs);
        if !self.filters.is_empty() {
            let (exact, filters) = (args.exact, &self.filters);
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

        // Fetch only what the filter selects: under nextest each case runs
        // in its own process and must make one request, not all of them.
        let mut prefetched: Vec<Option<Result<Evidence, CaseError>>> = Vec::new();
        if mode.is_live() && !args.list {
            let selected: Vec<Option<&Case>> = entries
                .iter()
                .map(|e| match e {
                    Entry::Case(c) if !args.ignored && !args.is_filtered_out(&probe(e)) => {
                        Some(&**c)
                    }
                    _ => None,
                })
                .collect();
            let to_fetch: Vec<&Case> = selected.iter().flatten().copied().collect();
            let (results, summary) = fetch::fetch_all(&to_fetch, mode);
            // One line before the cases; on stderr when stdout is JSON events.
            let line = report::fetch_summary(mode, &summary);
            if matches!(args.format, Some(FormatSetting::Json)) {
                eprintln!("{line}");
            } else {
                println!("{line}");
            }
            let mut results = results.into_iter();
            prefetched = selected
                .iter()
                .map(|s| s.and_then(|_| results.next()))
                .collect();
        }
        prefetched.resize_with(entries.len(), || None);

        let trials = entries
            .into_iter()
            .zip(prefetched)
            .map(|(entry, fetched)| trial(entry, fetched, mode, style.clone()))
            .collect();
        libtest_mimic::run(&args, trials).exit_code()
    }
}

/// A trial with the entry's name and kind, to ask libtest-mimic's own
/// filter whether the entry is selected.
fn probe(entry: &Entry) -> Trial {
    Trial::test(entry.name(), || Ok(())).with_kind(kind(entry))
}

fn kind(entry: &Entry) -> String {
    match entry {
        Entry::Case(c) => c.provider.name().to_owned(),
        Entry::Broken(b) => b.kind.clone(),
    }
}

fn trial(
    entry: Entry,
    fetched: Option<Result<Evidence, CaseError>>,
    mode: Mode,
    style: Arc<Style>,
) -> Trial {
    let kind = kind(&entry);
    match entry {
        Entry::Broken(b) => Trial::test(b.name, move || Err(Failed::from(b.error))).with_kind(kind),
        Entry::Case(case) => Trial::test(case.name.clone(), move || {
            let evidence = match (mode, fetched) {
                (_, Some(result)) => result,
                (Mode::Replay, None) => evidence::replay(&case),
                (_, None) => Err(CaseError::new(
                    "internal: the case was not fetched",
                    evidence::Fix::Hint("please report this".into()),
                )),
            };
            let evidence =
                evidence.map_err(|e| Failed::from(report::render_error(&case, &e, &style)))?;
            let outcome = compare(case.family(), &case.expect, &evidence.grant, Clock::read());
            if outcome.passed() {
                Ok(())
            } else {
                Err(Failed::from(report::render_failure(
                    &case, &evidence, &outcome, &style,
                )))
            }
        })
        .with_kind(kind),
    }
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
    fn test_target_drops_cargos_hash() {
        assert_eq!(strip_hash("permissions-0123456789abcdef"), "permissions");
        assert_eq!(strip_hash("my-tests"), "my-tests");
    }
}
