//! The `permspec` command line. Not a stable API: the binary calls [`main`].

use crate::harness::Harness;
use crate::mode::Mode;
use crate::report::Invocation;
use crate::report::shell_word;
use clap::{Parser, Subcommand};
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

#[derive(Debug, clap::Args)]
struct Run {
    /// Folder of spec files [env: PERMSPEC_SPECS] [default: specs]
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// Folder of fixtures [env: PERMSPEC_FIXTURES] [default: fixtures]
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
    #[command(flatten)]
    test: libtest_mimic::Arguments,
}

#[derive(Debug, clap::Args)]
struct Record {
    /// Folder of spec files [env: PERMSPEC_SPECS] [default: specs]
    #[arg(long, value_name = "DIR")]
    specs: Option<PathBuf>,
    /// Folder of fixtures [env: PERMSPEC_FIXTURES] [default: fixtures]
    #[arg(long, value_name = "DIR")]
    fixtures: Option<PathBuf>,
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
    #[arg(long, value_name = "WHEN")]
    color: Option<libtest_mimic::ColorSetting>,
    /// Record only the cases whose names contain one of these
    #[arg(value_name = "FILTER")]
    filters: Vec<String>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the cases, as `cargo test --test permissions` does (PERMSPEC_MODE selects the mode)
    Check(Run),
    /// Ask the live API and write each successful answer as the case's fixture
    Record(Record),
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let (run, forced, filters) = match cli.command {
        Command::Check(run) => (run, None, Vec::new()),
        Command::Record(r) => {
            let test = libtest_mimic::Arguments {
                exact: r.exact,
                skip: r.skip,
                test_threads: r.test_threads,
                color: r.color,
                ..Default::default()
            };
            let run = Run {
                specs: r.specs,
                fixtures: r.fixtures,
                test,
            };
            (run, Some(Mode::Record), r.filters)
        }
    };
    let mut args = String::new();
    let mut harness = Harness::from_cwd();
    if let Some(dir) = &run.specs {
        args.push_str(&format!(" --specs {}", shell_word(&dir.to_string_lossy())));
        harness = harness.specs_dir(dir);
    }
    if let Some(dir) = &run.fixtures {
        args.push_str(&format!(
            " --fixtures {}",
            shell_word(&dir.to_string_lossy())
        ));
        harness = harness.fixtures_dir(dir);
    }
    if let Some(mode) = forced {
        harness = harness.mode(mode);
    }
    harness
        .filters(filters)
        .invocation(Invocation::Cli { args })
        .run_with_args(run.test)
}
