//! Witnesses: a 404 proves a denial only when the resource exists.
//!
//! An API that hides what a token may not see answers 404 (GitHub), and so
//! does any API asked for a path that does not exist: a mistyped probe
//! would read as "denied" and pass. So a probe answered 404 is a denial
//! only with a witness (issue 35): another case of the same run, or its
//! fixture, was allowed the very same request (the same `base_url` as
//! written, method, path and body). Without one, the probe proves nothing
//! and its case fails, saying how to add one.
//!
//! This sits between the evidence (fetched or replayed) and `compare`: it
//! reads other cases' evidence, which `compare` never does, and writes
//! only each probe's `witness`, which the judge reads. Live evidence comes
//! from this run's answers; any other case's from its fixture, read as
//! replay reads it. Every run finds the witnesses again, so a fixture's
//! recorded witness only shows what the recording judged on.

use crate::evidence::{self, ReplayContext};
use crate::plan::{Case, Entry, Probe};
use crate::provider::probe::{Judging, Seen, Verdict, judge};
use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

/// What makes two probes the same request: the address as the spec
/// writes it, the method, the path as written and the body.
type Key = (String, &'static str, String, Option<String>);

fn key(case: &Case, probe: &Probe) -> Key {
    let base = case.address().map(|(_, t)| t.written()).unwrap_or_default();
    (
        base,
        probe.method.name(),
        probe.path.written(),
        probe.body.clone(),
    )
}

/// Whether a probe's 404 would be read as a denial, so it needs a witness.
fn needs_witness(case: &Case, probe: &Probe) -> bool {
    case.expect.denied_statuses.contains(&404) && !probe.allowed_statuses.contains(&404)
}

/// A case that may witness others: its evidence's probes, read once.
struct Candidate {
    case: Case,
    /// This run's live answers, or its fixture's, read when first needed.
    seen: OnceLock<Option<Vec<Seen>>>,
}

/// The cases of a run that may witness a 404, by the request they ask.
#[derive(Default)]
pub(crate) struct Witnesses {
    candidates: Vec<Candidate>,
    by_key: HashMap<Key, Vec<usize>>,
    /// Each key's witness once found (or `None`: there is none).
    found: Mutex<HashMap<(Key, String), Option<String>>>,
}

impl Witnesses {
    /// The candidates among `entries`: every case asking a request that
    /// some case needs a witness for. Empty (and free) when no probe's 404
    /// would be read as a denial.
    pub(crate) fn new(entries: &[Entry]) -> Witnesses {
        let cases = || {
            entries.iter().filter_map(|e| match e {
                Entry::Case(c) if !c.expect.probes.is_empty() => Some(&**c),
                _ => None,
            })
        };
        let needed: std::collections::HashSet<Key> = cases()
            .flat_map(|c| {
                c.expect
                    .probes
                    .iter()
                    .filter(|p| needs_witness(c, p))
                    .map(|p| key(c, p))
            })
            .collect();
        let mut witnesses = Witnesses::default();
        if needed.is_empty() {
            return witnesses;
        }
        for case in cases() {
            let keys: Vec<Key> = case
                .expect
                .probes
                .iter()
                .map(|p| key(case, p))
                .filter(|k| needed.contains(k))
                .collect();
            if keys.is_empty() {
                continue;
            }
            let index = witnesses.candidates.len();
            witnesses.candidates.push(Candidate {
                case: case.clone(),
                seen: OnceLock::new(),
            });
            for k in keys {
                witnesses.by_key.entry(k).or_default().push(index);
            }
        }
        witnesses
    }

    /// This run's live answers for `case`, which then witness for it
    /// instead of its fixture.
    pub(crate) fn learn(&self, case: &Case, seen: &[Seen]) {
        if let Some(c) = self.candidates.iter().find(|c| c.case.name == case.name) {
            let _ = c.seen.set(Some(seen.to_vec()));
        }
    }

    /// Sets each probe's `witness`: for a 404 the spec reads as a denial,
    /// the first other case (in the specs' order) that was allowed the
    /// same request; for any other answer, none.
    pub(crate) fn attach(&self, case: &Case, probes: &mut [Seen], context: &ReplayContext) {
        for (probe, seen) in case.expect.probes.iter().zip(probes.iter_mut()) {
            seen.witness = (seen.status == 404 && needs_witness(case, probe))
                .then(|| self.find(key(case, probe), &case.name, context))
                .flatten();
        }
    }

    fn find(&self, key: Key, asking: &str, context: &ReplayContext) -> Option<String> {
        let memo = (key, asking.to_owned());
        if let Some(known) = self
            .found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&memo)
        {
            return known.clone();
        }
        let (key, _) = &memo;
        let witness = self.by_key.get(key).and_then(|indexes| {
            indexes.iter().find_map(|&i| {
                let c = &self.candidates[i];
                if c.case.name == asking {
                    return None;
                }
                let seen = c.seen.get_or_init(|| {
                    evidence::replay(&c.case, context)
                        .ok()
                        .map(|e| e.grant.probes)
                });
                let seen = seen.as_ref()?;
                let allowed =
                    c.case.expect.probes.iter().zip(seen).any(|(p, s)| {
                        &self::key(&c.case, p) == key && shows_it_exists(&c.case, p, s)
                    });
                allowed.then(|| c.case.name.clone())
            })
        });
        self.found
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(memo, witness.clone());
        witness
    }
}

/// Whether an answer shows the resource exists: a 2xx the API did not
/// refuse in its body. An unsafe probe's `allowed_statuses` (a 404 for a
/// workflow that does not exist) never does.
fn shows_it_exists(case: &Case, probe: &Probe, seen: &Seen) -> bool {
    let judging = Judging {
        authorized: &[],
        witnessed: false,
        ..Judging::of(&case.expect, probe, seen)
    };
    (200..300).contains(&seen.status) && judge(seen, &judging) == Ok(Verdict::Allowed)
}
