//! Answers recorded for review (`<token>.json.new`, written by
//! `record --pending`) that nobody has reviewed yet. The fixture beside one
//! still holds the last reviewed answer, so its case replays as before,
//! and may pass: a change the API made is then visible only to whoever
//! looks in `fixtures/`. Every run names them (a warning after the
//! cases, even when all pass), and `PERMSPEC_PENDING=fail` (or
//! `check --pending fail`) fails each case that has one, as insta's
//! check mode fails while a snapshot is pending: what CI runs.

use crate::escape::text;
use crate::plan::{Entry, display_path};
use crate::report::Invocation;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What a run does with the pending answers of the cases it runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Policy {
    /// Name them after the cases (the default).
    Warn,
    /// Fail each case that has one, then name them.
    Fail,
}

impl Policy {
    pub(crate) const NAMES: &'static str = "warn or fail";

    pub(crate) fn parse(s: &str) -> Option<Policy> {
        match s {
            "warn" => Some(Policy::Warn),
            "fail" => Some(Policy::Fail),
            _ => None,
        }
    }

    /// `PERMSPEC_PENDING`, or `warn`.
    pub(crate) fn from_env() -> Result<Policy, String> {
        crate::mode::policy_from_env(
            "PERMSPEC_PENDING",
            Policy::parse,
            Policy::NAMES,
            Policy::Warn,
        )
    }
}

/// The pending answers beside the fixtures of the `selected` cases, as
/// shown (`fixtures/x/token.json.new`), sorted. `fixtures`: the fixtures
/// that have one, from the run's listing of the folder.
pub(crate) fn beside<'a>(
    entries: impl IntoIterator<Item = (&'a Entry, bool)>,
    fixtures: &HashSet<PathBuf>,
) -> Vec<String> {
    if fixtures.is_empty() {
        return Vec::new();
    }
    let mut out: Vec<String> = entries
        .into_iter()
        .filter_map(|(entry, selected)| match entry {
            Entry::Case(case) if selected && fixtures.contains(&case.fixture) => {
                Some(display_path(&crate::fixture::pending_path(&case.fixture)))
            }
            _ => None,
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The command that reviews them, as the user runs permspec's commands.
pub(crate) fn review_command(invocation: &Invocation) -> String {
    match invocation {
        Invocation::Cli { runner, .. } => format!("{} review", runner.program(false)),
        // Under `cargo test`, the layout the README recommends runs the
        // commands as the consumer's example.
        Invocation::CargoTest { .. } => {
            "cargo run --example permspec --features cli -- review (or `permspec review`)".into()
        }
    }
}

/// What a run prints after its cases: every pending answer, and what to
/// do. `None` when there is none.
pub(crate) fn notice(
    pending: &[String],
    policy: Policy,
    invocation: &Invocation,
) -> Option<String> {
    if pending.is_empty() {
        return None;
    }
    let count = match pending.len() {
        1 => "1 recorded answer awaits".to_owned(),
        n => format!("{n} recorded answers await"),
    };
    let mut out = match policy {
        Policy::Warn => format!(
            "warning: {count} review; each case replays the fixture beside it, not the answer:\n"
        ),
        Policy::Fail => format!(
            "error: {count} review, and PERMSPEC_PENDING=fail fails each case that has one:\n"
        ),
    };
    for p in pending {
        out.push_str("  ");
        out.push_str(&text(p));
        out.push('\n');
    }
    out.push_str(&format!(
        "  = help: accept or reject each with `{}`",
        review_command(invocation)
    ));
    if policy == Policy::Warn {
        out.push_str("; PERMSPEC_PENDING=fail makes CI fail until then");
    }
    Some(out)
}

/// The failure of a case that passed while an answer waits beside its
/// fixture, under `PERMSPEC_PENDING=fail`.
pub(crate) fn failure(fixture: &Path, invocation: &Invocation) -> crate::evidence::CaseError {
    crate::evidence::CaseError::new(
        format!(
            "a recorded answer awaits review in {}: the case passed on the fixture beside it, \
             which may no longer be what the API answers, and PERMSPEC_PENDING=fail fails \
             every case with a pending answer",
            text(&display_path(&crate::fixture::pending_path(fixture)))
        ),
        crate::evidence::Fix::Rerun(format!(
            "accept or reject it with `{}` (it shows the change at the permission level)",
            review_command(invocation)
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_is_read_and_a_wrong_word_is_named() {
        assert_eq!(Policy::parse("fail"), Some(Policy::Fail));
        assert_eq!(Policy::parse("warn"), Some(Policy::Warn));
        assert_eq!(Policy::parse("yes"), None);
    }

    #[test]
    fn the_notice_lists_each_answer_and_the_command() {
        let cargo = Invocation::CargoTest {
            target: "permissions".into(),
        };
        assert_eq!(notice(&[], Policy::Fail, &cargo), None);
        let pending = vec![
            "fixtures/a/x.json.new".to_owned(),
            "fixtures/b/y.json.new".to_owned(),
        ];
        let warn = notice(&pending, Policy::Warn, &cargo).unwrap();
        assert!(
            warn.starts_with("warning: 2 recorded answers await review"),
            "{warn}"
        );
        assert!(
            warn.contains("\n  fixtures/a/x.json.new\n  fixtures/b/y.json.new\n"),
            "{warn}"
        );
        assert!(warn.contains("PERMSPEC_PENDING=fail"), "{warn}");
        let fail = notice(&pending[..1], Policy::Fail, &cargo).unwrap();
        assert!(
            fail.starts_with("error: 1 recorded answer awaits review"),
            "{fail}"
        );
        assert!(
            fail.contains("cargo run --example permspec --features cli -- review"),
            "{fail}"
        );
    }
}
