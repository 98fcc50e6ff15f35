//! The `permspec` command line (feature `cli`): [`main`] is what the
//! binary runs. A repository can run the commands without installing the
//! binary, from an example that calls it (README "Features"):
//!
//! ```no_run
//! // examples/permspec.rs; run with `cargo run --example permspec --features cli -- audit`
//! fn main() -> std::process::ExitCode {
//!     permspec::cli::main()
//! }
//! ```
//!
//! `check` and `record` are the harness; `audit`, `init`, `inspect`,
//! `review` and `diff` are the review commands, in modules of their own
//! below this one.

mod audit;
mod common;
mod diff;
mod init;
mod inspect;
mod review;

use crate::mode::Mode;
use crate::report::Invocation;
use clap::{Parser, Subcommand, ValueEnum};
use common::{Folders, usage};
use libtest_mimic::{Arguments, ColorSetting, FormatSetting};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Parser)]
#[command(
    name = "permspec",
    version,
    about = "Keep API token permissions under test"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the cases, as `cargo test --test permissions` does (PERMSPEC_MODE selects the mode)
    Check(CheckArgs),
    /// Ask the live API and write each successful answer as the case's fixture
    Record(RecordArgs),
    /// One table of every token: granted, expected, missing, excess, high-severity grants
    Audit(audit::AuditArgs),
    /// Ask the live API once and write a spec whose `exactly` is today's grant, with its fixture
    Init(init::InitArgs),
    /// Ask the live API once and print what a token may do now; writes nothing
    Inspect(inspect::InspectArgs),
    /// Accept or reject the answers `record --pending` wrote beside their fixtures
    Review(review::ReviewArgs),
    /// What changed in each token's permissions between two git revisions of the fixtures
    Diff(diff::DiffArgs),
    /// Print the JSON Schema of the spec format (for editor completion), or write it
    Schema(SchemaArgs),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    /// One line per case (the default)
    Pretty,
    /// One character per case
    Terse,
    /// libtest's JSON events
    Json,
    /// The pretty report on stdout, and a JUnit XML file at --out
    Junit,
    /// The pretty report on stdout, and a SARIF 2.1.0 log at --out (code scanning)
    Sarif,
}

#[derive(Debug, clap::Args)]
struct CheckArgs {
    #[command(flatten)]
    folders: Folders,
    /// Output format
    #[arg(long, value_enum, value_name = "pretty|terse|json|junit")]
    format: Option<CheckFormat>,
    /// Where `--format junit` or `--format sarif` writes its report
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Match FILTER exactly instead of as a substring
    #[arg(long)]
    exact: bool,
    /// Skip cases whose names contain this (repeatable)
    #[arg(long, value_name = "FILTER")]
    skip: Vec<String>,
    /// List the cases instead of running them
    #[arg(long)]
    list: bool,
    /// Run this many cases at once (fetching has its own bound, PERMSPEC_CONCURRENCY)
    #[arg(long, value_name = "N")]
    test_threads: Option<usize>,
    /// Colour: auto, always or never
    #[arg(long, value_enum, value_name = "auto|always|never")]
    color: Option<ColorSetting>,
    /// Print less
    #[arg(short, long)]
    quiet: bool,
    /// Run only ignored cases (there are none; accepted for libtest compatibility)
    #[arg(long)]
    ignored: bool,
    /// Accepted for libtest compatibility
    #[arg(long, hide = true)]
    include_ignored: bool,
    /// Accepted for libtest compatibility
    #[arg(long, hide = true)]
    nocapture: bool,
    /// Accepted for libtest compatibility
    #[arg(long, hide = true)]
    show_output: bool,
    /// Fixtures no spec token refers to: ignore, warn (default), reject
    /// (the run fails) or delete [env: PERMSPEC_UNREFERENCED]
    #[arg(long, value_name = "POLICY", value_parser = parse_unreferenced)]
    unreferenced: Option<crate::orphans::Policy>,
    /// Answers recorded for review (TOKEN.json.new) beside a case: warn
    /// (default) or fail (each such case fails: for CI) [env: PERMSPEC_PENDING]
    #[arg(long, value_name = "warn|fail", value_parser = parse_pending)]
    pending: Option<crate::harness::pending::Policy>,
    /// Send probes whose method could change something (each says why it
    /// cannot, in `unsafe:`) [env: PERMSPEC_ALLOW_UNSAFE_PROBES=1]
    #[arg(long)]
    allow_unsafe_probes: bool,
    /// Run only the cases whose names contain this
    #[arg(value_name = "FILTER")]
    filter: Option<String>,
}

fn parse_pending(s: &str) -> Result<crate::harness::pending::Policy, String> {
    crate::harness::pending::Policy::parse(s)
        .ok_or_else(|| format!("takes {}", crate::harness::pending::Policy::NAMES))
}

fn parse_unreferenced(s: &str) -> Result<crate::orphans::Policy, String> {
    crate::orphans::Policy::parse(s)
        .ok_or_else(|| format!("takes {}", crate::orphans::Policy::NAMES))
}

#[derive(Debug, clap::Args)]
struct RecordArgs {
    #[command(flatten)]
    folders: Folders,
    /// Match filters exactly instead of as substrings
    #[arg(long)]
    exact: bool,
    /// Leave out cases whose names contain this (repeatable)
    #[arg(long, value_name = "FILTER")]
    skip: Vec<String>,
    /// Compare the recorded cases on this many threads
    #[arg(long, value_name = "N")]
    test_threads: Option<usize>,
    /// Colour: auto, always or never
    #[arg(long, value_enum, value_name = "auto|always|never")]
    color: Option<ColorSetting>,
    /// Write a changed answer beside its fixture as TOKEN.json.new, for
    /// `permspec review` [env: PERMSPEC_RECORD=pending]
    #[arg(long)]
    pending: bool,
    /// Send probes whose method could change something (each says why it
    /// cannot, in `unsafe:`) [env: PERMSPEC_ALLOW_UNSAFE_PROBES=1]
    #[arg(long)]
    allow_unsafe_probes: bool,
    /// Record only the cases whose names contain one of these
    #[arg(value_name = "FILTER")]
    filters: Vec<String>,
}

/// Parses the process's arguments and runs the subcommand. Exits 0 when
/// every case passed, 101 when one failed, 2 on a usage error.
pub fn main() -> ExitCode {
    match Cli::parse().command {
        Command::Check(c) => check(c),
        Command::Record(r) => {
            let (harness, args) = r.folders.harness();
            let test = Arguments {
                exact: r.exact,
                skip: r.skip,
                test_threads: r.test_threads,
                color: r.color,
                ..Default::default()
            };
            harness
                .mode(Mode::Record)
                .pending(r.pending)
                .allow_unsafe_probes(r.allow_unsafe_probes)
                .filters(r.filters)
                .invocation(Invocation::cli(args))
                .run_with_args(test)
        }
        Command::Audit(a) => audit::run(a),
        Command::Init(i) => init::run(i),
        Command::Inspect(i) => inspect::run(i),
        Command::Review(r) => review::run(r),
        Command::Diff(d) => diff::run(d),
        Command::Schema(s) => schema(s),
    }
}

#[derive(Debug, clap::Args)]
struct SchemaArgs {
    /// Write it to this file (e.g. spec.schema.json at the repository's
    /// root, which specs name in their `$schema` line) instead of printing it
    #[arg(long, value_name = "PATH")]
    write: Option<PathBuf>,
}

fn schema(s: SchemaArgs) -> ExitCode {
    let text = crate::schema::json();
    let Some(path) = s.write else {
        print!("{text}");
        return ExitCode::SUCCESS;
    };
    match std::fs::write(&path, text) {
        Ok(()) => {
            println!("wrote {}", crate::plan::display_path(&path));
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ExitCode::from(1)
        }
    }
}

fn check(c: CheckArgs) -> ExitCode {
    let mut reports = crate::harness::Reports::default();
    match (c.format, c.out) {
        (Some(CheckFormat::Junit), Some(out)) => reports.junit = Some(out),
        (Some(CheckFormat::Sarif), Some(out)) => reports.sarif = Some(out),
        (Some(CheckFormat::Junit), None) => return usage("--format junit needs --out FILE"),
        (Some(CheckFormat::Sarif), None) => return usage("--format sarif needs --out FILE"),
        (_, Some(_)) => return usage("--out goes with --format junit or sarif"),
        (_, None) => {}
    }
    let format = match c.format {
        Some(CheckFormat::Terse) => Some(FormatSetting::Terse),
        Some(CheckFormat::Json) => Some(FormatSetting::Json),
        Some(CheckFormat::Pretty | CheckFormat::Junit | CheckFormat::Sarif) | None => None,
    };
    let test = Arguments {
        exact: c.exact,
        skip: c.skip,
        list: c.list,
        test_threads: c.test_threads,
        color: c.color,
        quiet: c.quiet,
        ignored: c.ignored,
        include_ignored: c.include_ignored,
        nocapture: c.nocapture,
        show_output: c.show_output,
        format,
        filter: c.filter,
        ..Default::default()
    };
    let (harness, args) = c.folders.harness();
    harness
        .invocation(Invocation::cli(args))
        .unreferenced(c.unreferenced)
        .pending_policy(c.pending)
        .allow_unsafe_probes(c.allow_unsafe_probes)
        .run_with(test, reports)
}
