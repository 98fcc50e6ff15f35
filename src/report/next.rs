//! The last lines of a failure: the command to run next, or the YAML to paste.

use super::Style;
use crate::compare::Finding;
use crate::escape::text;
use crate::mode::Mode;
use crate::plan::Case;
use std::fmt::Write;

/// How the user runs the cases, so the printed commands can be pasted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Invocation {
    /// `cargo test --test <target>`.
    CargoTest { target: String },
    /// The `permspec` binary; `args` are the options that select the folders
    /// (empty, or starting with a space).
    Cli { args: String, runner: Runner },
}

/// How the `permspec` commands start: the installed binary, or the
/// consumer's example run by cargo (README "Use it in your repository":
/// `cargo run --example permspec --features cli --`), which is how a
/// repository with a replay-only dev-dependency runs them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Runner {
    Installed,
    Example { name: String, release: bool },
}

impl Runner {
    /// The runner of this process: an example binary (cargo puts them in
    /// `target/PROFILE/examples/`) was started by `cargo run --example`;
    /// anything else is taken as installed.
    pub(crate) fn current() -> Runner {
        let exe = std::env::current_exe().unwrap_or_default();
        Runner::of(&exe)
    }

    fn of(exe: &std::path::Path) -> Runner {
        let folder = |p: Option<&std::path::Path>| {
            p.and_then(|p| p.file_name())
                .and_then(|n| n.to_str())
                .map(str::to_owned)
        };
        let parent = exe.parent();
        if folder(parent).as_deref() != Some("examples") {
            return Runner::Installed;
        }
        let Some(stem) = exe.file_stem().and_then(|s| s.to_str()) else {
            return Runner::Installed;
        };
        Runner::Example {
            name: strip_hash(stem).to_owned(),
            release: folder(parent.and_then(|p| p.parent())).as_deref() == Some("release"),
        }
    }

    /// The words that start a command; `live`: the command asks the API,
    /// so the consumer's `live` feature must be on (a replay-only build
    /// would fail every case).
    pub(crate) fn program(&self, live: bool) -> String {
        match self {
            Runner::Installed => "permspec".to_owned(),
            Runner::Example { name, release } => format!(
                "cargo run --quiet{} --example {} --features {} --",
                if *release { " --release" } else { "" },
                shell_word(name),
                if live { "cli,live" } else { "cli" }
            ),
        }
    }
}

impl Invocation {
    /// The CLI's invocation, with the folder options `args`.
    pub(crate) fn cli(args: String) -> Invocation {
        Invocation::Cli {
            args,
            runner: Runner::current(),
        }
    }

    /// The command that runs one case in `mode`. A command that asks the
    /// API names the `live` feature: the layout the README recommends
    /// keeps permspec replay-only unless `--features live` is given, and
    /// the running build cannot tell whether it got live mode that way
    /// (so it always says it; permspec's own crate has the feature too).
    pub(crate) fn command(&self, mode: Mode, case: &str) -> String {
        let filter = format!("--exact {}", shell_word(case));
        match (self, mode) {
            (Invocation::CargoTest { target }, Mode::Replay) => {
                format!("cargo test --test {target} -- {filter}")
            }
            (Invocation::CargoTest { target }, _) => {
                format!(
                    "PERMSPEC_MODE={mode} cargo test --features live --test {target} -- {filter}"
                )
            }
            (Invocation::Cli { args, runner }, Mode::Record) => {
                format!("{} record{args} {filter}", runner.program(true))
            }
            (Invocation::Cli { args, runner }, Mode::Replay) => {
                format!("{} check{args} {filter}", runner.program(false))
            }
            (Invocation::Cli { args, runner }, _) => {
                format!(
                    "PERMSPEC_MODE={mode} {} check{args} {filter}",
                    runner.program(true)
                )
            }
        }
    }
}

/// A binary's name without the hash cargo appends to test and example
/// binaries (`permissions-0123456789abcdef`).
pub(crate) fn strip_hash(stem: &str) -> &str {
    match stem.rsplit_once('-') {
        Some((name, hash)) if hash.len() == 16 && hash.chars().all(|c| c.is_ascii_hexdigit()) => {
            name
        }
        _ => stem,
    }
}

/// Quotes a word for a POSIX shell when it needs it.
pub(crate) fn shell_word(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars().all(|c| {
            c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/' | '@' | '=')
        });
    if plain {
        s.to_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

/// A privilege as a YAML flow-sequence item: plain when it can be, else
/// double-quoted with every control, invisible or direction-changing
/// character escaped (`\u202E`), so pasting it forges nothing.
pub(crate) fn yaml_item(s: &str) -> String {
    let plain = s.chars().next().is_some_and(|c| c.is_ascii_alphanumeric())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '@'))
        && !s.ends_with(':');
    if plain {
        return s.to_owned();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if crate::escape::hostile(c) => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04X}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// After "the token is not active": expect it, or find out why.
pub(super) fn inactive(case: &Case, style: &Style) -> String {
    let mut out = String::from(
        "  active     the token is not active: expired, revoked or unknown; every other expectation fails\n\n",
    );
    let _ = writeln!(
        out,
        "  if it was revoked on purpose, say so in {} under `{}`:\n      expect:\n        active: false",
        case.spec.display, case.token
    );
    let _ = writeln!(
        out,
        "  otherwise issue a new token, store it where the credential says, and run:\n      {}",
        style.invocation.command(Mode::Record, &case.name)
    );
    out
}

/// What to do when every privilege matched but another rule failed.
pub(super) fn without_diff(case: &Case, findings: &[Finding], style: &Style) -> String {
    let steps: Vec<String> = findings
        .iter()
        .filter_map(|f| match f {
            Finding::StillActive => Some(format!(
                "  revoke the token at the API, then check again:\n      {}",
                style.invocation.command(Mode::Live, &case.name)
            )),
            Finding::ExpiredException { privilege, .. } => Some(format!(
                "  review the exception for {privilege} in {} under `{}`: drop the privilege from the \
                 credential and the spec, or renew the justification with a later `review_by`",
                case.spec.display, case.token
            )),
            Finding::Unproven { rule, .. } => Some(format!(
                "  the API could not list every rule of this token, so `{}` cannot be checked: \
                 fix what it reports (an authorizer's error), or keep only `at_least` for this \
                 token in {}, then run:\n      {}",
                rule.key(),
                case.spec.display,
                style.invocation.command(Mode::Live, &case.name)
            )),
            Finding::LikelyTypo { entry, held, .. } => Some(format!(
                "  fix `{}` in {} under `{}` (to `{}`?); or, if both names are right, list every \
                 name the API reports under `vocabulary:` so entries are checked against them; \
                 then check again:\n      {}",
                text(entry),
                case.spec.display,
                case.token,
                text(held),
                style.invocation.command(Mode::Replay, &case.name)
            )),
            Finding::Probe(m) => Some(match m.permission {
                Some(_) => format!(
                    "  the server does not enforce what the token reports for {}: report it to \
                     the API's owner, and check the token's permissions by hand",
                    text(&m.probe)
                ),
                None => format!(
                    "  change the token's permissions so that {} is {}, or, if the spec is \
                     wrong, its `expect` (line {} of {}); then check again:\n      {}",
                    text(&m.probe),
                    m.expected.word(),
                    m.line,
                    case.spec.display,
                    style.invocation.command(Mode::Live, &case.name)
                ),
            }),
            Finding::ProbeUnjudged {
                probe,
                line,
                unwitnessed: true,
                ..
            } => Some(format!(
                "  a 404 is a denial only where the resource exists: give a token that may \
                 reach it the probe `{{ {}: {}, expect: allowed }}` (any spec with the same \
                 `base_url`) and record it, as a witness; or, if the path is wrong, fix it \
                 (line {line} of {}); then:\n      {}",
                probe
                    .split_once(' ')
                    .map_or("get".to_owned(), |(m, _)| m.to_ascii_lowercase()),
                text(probe.split_once(' ').map_or(probe.as_str(), |(_, p)| p)),
                case.spec.display,
                style.invocation.command(Mode::Record, &case.name)
            )),
            Finding::ProbeUnjudged { line, .. } => Some(format!(
                "  a probe that cannot be judged proves nothing: fix the request (line {line} of \
                 {}) or `denied_statuses`, or try again later if the server failed; then:\n      {}",
                case.spec.display,
                style.invocation.command(Mode::Record, &case.name)
            )),
            Finding::ExpiresLate { window, .. } => Some(format!(
                "  issue a credential that expires within {}, or change `expires_within` if the policy changed",
                crate::time::format_duration(*window)
            )),
            _ => None,
        })
        .collect();
    steps.join("\n") + "\n"
}

pub(super) fn after_mismatch(
    case: &Case,
    granted: &[String],
    forbidden: bool,
    excess: bool,
    style: &Style,
) -> String {
    let mut out = String::new();
    if forbidden || excess {
        let _ = writeln!(
            out,
            "  least privilege: remove the excess from the credential at the API, then run the case again."
        );
    }
    if !forbidden {
        let items: Vec<String> = granted.iter().map(|p| yaml_item(p)).collect();
        let _ = writeln!(
            out,
            "  if the API is right and the change was intended, set in {} under `{}`:",
            case.spec.display, case.token
        );
        let _ = writeln!(
            out,
            "      expect:\n        exactly: [{}]",
            items.join(", ")
        );
    }
    match style.mode {
        Mode::Replay => {
            let _ = writeln!(
                out,
                "  if the fixture is out of date, record it again:\n      {}",
                style.invocation.command(Mode::Record, &case.name)
            );
        }
        Mode::Live | Mode::Record => {
            let _ = writeln!(
                out,
                "  run it again:\n      {}",
                style.invocation.command(style.mode, &case.name)
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_for_each_invocation() {
        let cargo = Invocation::CargoTest {
            target: "permissions".into(),
        };
        assert_eq!(
            cargo.command(Mode::Record, "docspace::ci"),
            "PERMSPEC_MODE=record cargo test --features live --test permissions -- --exact docspace::ci"
        );
        assert_eq!(
            cargo.command(Mode::Replay, "a b"),
            "cargo test --test permissions -- --exact 'a b'"
        );
        let cli = Invocation::Cli {
            args: " --specs s".into(),
            runner: Runner::Installed,
        };
        assert_eq!(
            cli.command(Mode::Record, "x::y"),
            "permspec record --specs s --exact x::y"
        );
        assert_eq!(
            cli.command(Mode::Live, "x::y"),
            "PERMSPEC_MODE=live permspec check --specs s --exact x::y"
        );
        let example = Invocation::Cli {
            args: String::new(),
            runner: Runner::of(std::path::Path::new("/r/target/release/examples/permspec")),
        };
        assert_eq!(
            example.command(Mode::Replay, "x::y"),
            "cargo run --quiet --release --example permspec --features cli -- check --exact x::y"
        );
        assert_eq!(
            example.command(Mode::Record, "x::y"),
            "cargo run --quiet --release --example permspec --features cli,live -- record --exact x::y"
        );
    }

    #[test]
    fn the_runner_is_read_off_where_the_binary_is() {
        assert_eq!(
            Runner::of(std::path::Path::new(
                "/r/target/debug/examples/perms-0123456789abcdef"
            )),
            Runner::Example {
                name: "perms".into(),
                release: false
            }
        );
        for installed in [
            "/home/u/.cargo/bin/permspec",
            "/r/target/debug/permspec",
            "permspec",
        ] {
            assert_eq!(
                Runner::of(std::path::Path::new(installed)),
                Runner::Installed
            );
        }
    }

    #[test]
    fn yaml_items_are_quoted_when_needed() {
        assert_eq!(yaml_item("files:read"), "files:read");
        assert_eq!(yaml_item("*"), "\"*\"");
        assert_eq!(yaml_item("*:read"), "\"*:read\"");
        assert_eq!(
            yaml_item("PLATFORM:SOURCE:EDIT@src-1"),
            "PLATFORM:SOURCE:EDIT@src-1"
        );
        assert_eq!(yaml_item("a\"b\\c"), "\"a\\\"b\\\\c\"");
        assert_eq!(yaml_item("x\ny\u{202e}"), "\"x\\u000Ay\\u202E\"");
    }
}
