//! What every subcommand shares: the folders it reads, and how a usage
//! error ends. A module of its own, so the subcommands import a sibling,
//! never the module that declares them.

use crate::harness::Harness;
use crate::report::shell_word;
use std::path::PathBuf;
use std::process::ExitCode;

/// Where specs and fixtures live.
#[derive(Debug, Default, clap::Args)]
pub(crate) struct Folders {
    /// Folder of spec files [env: PERMSPEC_SPECS] [default: specs]
    #[arg(long, value_name = "DIR")]
    pub specs: Option<PathBuf>,
    /// Folder of fixtures [env: PERMSPEC_FIXTURES] [default: fixtures]
    #[arg(long, value_name = "DIR")]
    pub fixtures: Option<PathBuf>,
}

impl Folders {
    /// The harness for these folders, and the options to repeat in the
    /// commands a failure prints.
    pub(crate) fn harness(&self) -> (Harness, String) {
        let mut args = String::new();
        let mut harness = Harness::from_cwd();
        if let Some(dir) = &self.specs {
            args.push_str(&format!(" --specs {}", shell_word(&dir.to_string_lossy())));
            harness = harness.specs_dir(dir);
        }
        if let Some(dir) = &self.fixtures {
            args.push_str(&format!(
                " --fixtures {}",
                shell_word(&dir.to_string_lossy())
            ));
            harness = harness.fixtures_dir(dir);
        }
        (harness, args)
    }
}

/// A usage error: the message, and exit status 2 (as clap's own).
pub(crate) fn usage(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
