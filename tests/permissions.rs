//! The bundled examples: every (spec file, token) pair under specs/ is a
//! case, replayed from fixtures/ unless PERMSPEC_MODE says otherwise.
fn main() -> std::process::ExitCode {
    permspec::Harness::from_env().run()
}
