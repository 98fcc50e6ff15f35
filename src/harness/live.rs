//! Live and record modes: every selected case fetched before any trial
//! runs, witnesses found among the answers, and each good answer recorded.

use super::*;

/// A case's evidence fetched before the trials run (live and record modes),
/// boxed: in replay, where there is none, each entry costs a pointer.
pub(super) type Prefetched = Option<Box<Result<Evidence, CaseError>>>;

/// In live and record modes, fetches every selected case before any is
/// compared, records each good answer in record mode, and prints the
/// one-line summary (on stderr when stdout carries JSON events). In replay
/// mode, nothing: each trial reads its fixture.
pub(super) fn prefetch(
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
pub(super) fn fetch_live(
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
        let updated = crate::confirmations::update(root, confirmed, rewritten, &now)
            .and_then(|()| crate::confirmations::forget_missing(root));
        if let Err(e) = updated {
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
pub(super) fn fetch_live(
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
            evidence::Fix::Rerun(NO_LIVE_HINT.into()),
        )
    };
    (
        to_fetch.iter().map(|_| Err(fail())).collect(),
        Scrubber::default(),
    )
}

/// How to get live mode in a replay-only build (README "Features").
#[cfg(not(feature = "live"))]
pub(super) const NO_LIVE_HINT: &str = "enable it (or unset PERMSPEC_MODE to replay the fixtures): in your \
     Cargo.toml, `[features] live = [\"permspec/live\"]`";

/// Per fixtures folder: the fixtures a record run confirmed (key, and the
/// `recorded_at` kept), and those it wrote anew.
pub(super) type Notes = std::collections::BTreeMap<PathBuf, (Vec<(String, String)>, Vec<String>)>;

// Only a build without the `live` feature has this to test.
#[cfg(all(test, not(feature = "live")))]
mod tests {
    use super::*;

    /// A replay-only build asked for live or record mode fails every
    /// selected case with the one line that says how to get live mode; it
    /// never replays instead.
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
                let evidence::Fix::Rerun(hint) = &e.fix else {
                    panic!("no hint")
                };
                assert!(hint.contains(r#"live = ["permspec/live"]"#), "{hint}");
                // The command to run next, as the user runs the cases.
                let Entry::Case(case) = &entries[0] else {
                    panic!("not a case")
                };
                let style = report::Style {
                    color: false,
                    invocation: report::Invocation::CargoTest {
                        target: "permissions".into(),
                    },
                    mode,
                };
                let text = report::render_error(case, e, &style);
                assert!(
                    text.contains(&format!(
                        "then run:\n      PERMSPEC_MODE={mode} cargo test --features live --test permissions -- --exact "
                    )),
                    "{text}"
                );
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
