//! Judging one case: its evidence (fetched, or replayed now), the
//! witnesses of its probes, the comparison, and what the reports keep.

use super::*;

/// What every trial of one run reads: read once, not once per case (with
/// thousands of cases, reading the clock and the environment per case
/// showed in the profile).
pub(super) struct Shared {
    pub(super) style: Style,
    pub(super) clock: Clock,
    pub(super) replay: ReplayContext,
    /// Every secret the run used: a last pass over every text a case shows,
    /// behind the scrubbing of each answer and error.
    pub(super) scrubber: Scrubber,
    /// Which reports the run writes: what a case computes for them only
    /// then (a replay of 10,000 cases pays nothing for a report it skips).
    pub(super) sarif: bool,
    pub(super) junit: bool,
    /// The cases that may show a probe's 404 is a denial.
    pub(super) witnesses: Witnesses,
    /// `PERMSPEC_PENDING=fail`: a case with an answer pending review
    /// fails, even when it passes.
    pub(super) pending_fails: bool,
}

/// What the trials and the workers of one run share: the workers put each
/// case's outcome in its slot, its trial takes it from there (or judges a
/// case left to it with `shared`), and records its result for the
/// reports. One `Arc` for the three, so a trial costs one count.
pub(super) struct Board {
    pub(super) slots: crate::parallel::Slots<Judged>,
    pub(super) shared: Shared,
    pub(super) results: Mutex<Vec<(usize, CaseResult)>>,
}

/// A case's trial: judged before libtest-mimic runs, or left to the trial.
///
/// Both payloads are boxed, so that each case's outcome is 32 bytes:
/// unboxed, every one would take the largest payload's size (a
/// `CaseResult`, 208 bytes, though it is there only when a report is
/// written), 24 MB at 100,000 cases.
pub(super) enum Judged {
    Done(Result<(), Failed>, Option<Box<CaseResult>>),
    Later(Box<(Entry, Prefetched)>),
}

/// Judges one entry: its outcome for libtest-mimic, and, when the run
/// writes a JUnit or SARIF report, its result for them.
pub(super) fn evaluate(
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
pub(super) struct Reported {
    pub(super) name: String,
    pub(super) kind: String,
    pub(super) spec: Option<String>,
    pub(super) token: Option<String>,
    pub(super) file: Option<String>,
}

pub(super) fn reported(entry: &Entry, sarif: bool) -> Reported {
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
pub(super) type Failure = (String, Option<String>);

/// Evaluates one case: its evidence (fetched, or replayed now), then the
/// comparison. `Err` holds the text to print, and the findings in one line
/// (for JUnit's failure message).
pub(super) fn judge(
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
    if outcome.passed() && run.pending_fails && run.replay.pending.contains(&case.fixture) {
        let e = super::pending::failure(&case.fixture, &style.invocation);
        (
            Err((
                report::render_error(case, &e, style),
                run.junit
                    .then(|| format!("error: {}", crate::escape::text(&e.cause))),
            )),
            located,
        )
    } else if outcome.passed() {
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
pub(super) fn judging_failed(why: &str, scrubber: &crate::secret::Scrubber) -> Failed {
    Failed::from(scrubber.scrub(&format!(
        "internal error: permspec failed while judging this case ({why}); every other \
         case was judged. Please report it."
    )))
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
}
