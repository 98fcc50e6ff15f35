//! permspec keeps API token permissions under test.
//!
//! Write down in YAML what each named token may hold; every (spec file,
//! token) pair becomes a `cargo test` case that compares the expectation
//! with what the API reports, live or from a recorded fixture.
//!
//! ```no_run
//! // tests/permissions.rs; in Cargo.toml: [[test]] name = "permissions", harness = false
//! fn main() -> std::process::ExitCode {
//!     permspec::Harness::from_env().run()
//! }
//! ```
//!
//! See the README for the spec format, the modes and the providers, and
//! ARCHITECTURE.md for how the pipeline spec -> plan -> provider -> compare
//! -> report fits together.

// A build without the binary (`default-features = false`) leaves unused
// what only the subcommands call (audit rendering, fixture writing, the
// inventory); the full build, which clippy checks with -D warnings, keeps
// dead code an error.
#![cfg_attr(not(feature = "cli"), allow(dead_code, unused_imports))]

#[cfg(feature = "cli")]
pub mod cli;
mod compare;
mod confirmations;
mod escape;
mod evidence;
#[cfg(feature = "live")]
mod fetch;
mod fixture;
/// Entry points for the fuzz targets and the property tests, behind the
/// `fuzzing` feature: not part of the library's API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod harness;
#[cfg(feature = "cli")]
mod inventory;
mod mode;
mod orphans;
mod parallel;
mod plan;
mod privilege;
mod provider;
mod report;
#[cfg(feature = "schema")]
mod schema;
mod secret;
mod spec;
mod suggest;
mod template;
mod time;
mod witness;

pub use harness::Harness;
pub use mode::Mode;
