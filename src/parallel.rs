//! Work spread over the cores: the one thread pool of a run.
//!
//! Planning maps spec files to their entries, and replay maps cases to
//! their outcomes, with [`map`]. Workers take the items in small runs from
//! one shared iterator (one lock per run, not per item), so a slow item, a
//! failing case that renders its diff, never leaves a core idle while
//! another still has a long share; the results come back in the items'
//! order.

use std::sync::{Condvar, Mutex};

/// How many items a worker takes at once.
const RUN: usize = 32;

/// `f` over `items` on up to `threads` threads (scoped), the results in
/// the items' order. With one thread or one item, everything runs on the
/// calling thread. A panic in `f` is resumed on the caller.
///
/// `items` is any iterator of known length, so a caller can zip its
/// vectors straight in, with no vector of the items in between (replay's
/// would be 128 bytes a case, 13 MB at 100,000), and the buffers behind
/// the iterator are freed before the results are put together.
pub(crate) fn map<I, R: Send>(items: I, threads: usize, f: impl Fn(I::Item) -> R + Sync) -> Vec<R>
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator + Send,
    I::Item: Send,
{
    let items = items.into_iter();
    let len = items.len();
    let threads = threads.min(len.div_ceil(RUN)).max(1);
    if threads == 1 {
        return items.map(f).collect();
    }
    let queue = Mutex::new((0usize, items));
    let f = &f;
    let take = || take_run(&queue);
    let take = &take;
    let mut done: Vec<(usize, Vec<R>)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                scope.spawn(move || {
                    let mut mine = Vec::new();
                    loop {
                        let (start, run) = take();
                        if run.is_empty() {
                            return mine;
                        }
                        mine.push((start, run.into_iter().map(f).collect::<Vec<R>>()));
                    }
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    // Every item is taken: free their buffers before the results' own.
    drop(queue);
    done.sort_unstable_by_key(|(start, _)| *start);
    let mut out = Vec::with_capacity(len);
    for (_, run) in done {
        out.extend(run);
    }
    out
}

/// The next run of up to [`RUN`] items from a queue of (the index of the
/// next item, the items left), with the index of its first item; empty
/// when every item is taken.
fn take_run<I: Iterator>(queue: &Mutex<(usize, I)>) -> (usize, Vec<I::Item>) {
    let mut queue = queue.lock().unwrap_or_else(|e| e.into_inner());
    let start = queue.0;
    let run: Vec<I::Item> = queue.1.by_ref().take(RUN).collect();
    queue.0 += run.len();
    (start, run)
}

/// `f` over `items` on `threads` worker threads, each result put in
/// `slots` by the item's index, while `consume` runs on the calling
/// thread and takes the results as they come ([`Slots::take`]); returns
/// what `consume` returns, once every worker is done.
///
/// Replay judges its cases with this while libtest-mimic prints them:
/// printing, a write or two per case on one thread, then overlaps the
/// judging instead of following it. Workers take runs of [`RUN`] items
/// from one queue and publish each run with one wake-up, so a consumer
/// that keeps up waits once a run, not once an item.
///
/// A panic in `f` is caught: that item's slot holds the panic's message
/// (`Err`), and the workers go on with the other items.
pub(crate) fn stream<I, R, T>(
    items: I,
    threads: usize,
    f: impl Fn(I::Item) -> R + Sync,
    slots: &Slots<R>,
    consume: impl FnOnce() -> T,
) -> T
where
    I: IntoIterator,
    I::IntoIter: ExactSizeIterator + Send,
    I::Item: Send,
    R: Send,
{
    let items = items.into_iter();
    let threads = threads.clamp(1, items.len().div_ceil(RUN).max(1));
    {
        let mut state = slots.state.lock().unwrap_or_else(|e| e.into_inner());
        // Items beyond the slots would be judged and lost: there are none.
        debug_assert!(items.len() <= state.done.len());
        state.working += threads;
    }
    let queue = Mutex::new((0usize, items));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let (queue, f) = (&queue, &f);
            scope.spawn(move || {
                // Counted out however the worker ends, so a consumer never
                // waits on a worker that is gone.
                let _leaving = Leaving(slots);
                loop {
                    let (start, run) = take_run(queue);
                    if run.is_empty() {
                        return;
                    }
                    let results: Vec<Result<R, String>> = run
                        .into_iter()
                        .map(|item| {
                            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(item)))
                                .map_err(|p| panic_message(&*p))
                        })
                        .collect();
                    let mut state = slots.state.lock().unwrap_or_else(|e| e.into_inner());
                    for (i, r) in results.into_iter().enumerate() {
                        if let Some(slot) = state.done.get_mut(start + i) {
                            *slot = Some(r);
                        }
                    }
                    drop(state);
                    slots.ready.notify_all();
                }
            });
        }
        consume()
    })
}

/// The results of [`stream`], each taken once by its index.
pub(crate) struct Slots<R> {
    state: Mutex<State<R>>,
    ready: Condvar,
}

struct State<R> {
    done: Vec<Option<Result<R, String>>>,
    /// Workers still running.
    working: usize,
}

impl<R> Slots<R> {
    /// Room for `len` results, none made yet.
    pub(crate) fn new(len: usize) -> Slots<R> {
        Slots {
            state: Mutex::new(State {
                done: (0..len).map(|_| None).collect(),
                working: 0,
            }),
            ready: Condvar::new(),
        }
    }

    /// Item `i`'s result, waiting until a worker has made it: `Err` with
    /// the panic's message when `f` panicked on it, or when no worker is
    /// left to make it (taken twice, out of range, or asked before
    /// [`stream`] started or after it ended).
    pub(crate) fn take(&self, i: usize) -> Result<R, String> {
        let mut state = self.state.lock().unwrap_or_else(|e| e.into_inner());
        loop {
            if let Some(r) = state.done.get_mut(i).and_then(Option::take) {
                return r;
            }
            if state.working == 0 || i >= state.done.len() {
                return Err(format!("internal: no result for item {i}"));
            }
            state = self.ready.wait(state).unwrap_or_else(|e| e.into_inner());
        }
    }
}

/// Counts a worker out of [`State::working`] when it ends.
struct Leaving<'a, R>(&'a Slots<R>);

impl<R> Drop for Leaving<'_, R> {
    fn drop(&mut self) {
        let mut state = self.0.state.lock().unwrap_or_else(|e| e.into_inner());
        state.working -= 1;
        drop(state);
        self.0.ready.notify_all();
    }
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_owned())
}

/// The cores this machine offers.
pub(crate) fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_items_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            for len in [0, 1, RUN - 1, RUN, RUN + 1, 10 * RUN + 7] {
                let items: Vec<usize> = (0..len).collect();
                let out = map(items, threads, |i| i * 2);
                assert_eq!(out, (0..len).map(|i| i * 2).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn every_item_runs_once_on_several_threads() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let calls = AtomicUsize::new(0);
        let threads = Mutex::new(std::collections::HashSet::new());
        let out = map(0..1000, 2, |i: usize| {
            calls.fetch_add(1, Ordering::Relaxed);
            threads.lock().unwrap().insert(std::thread::current().id());
            // Long enough that one worker cannot take every run first.
            std::thread::sleep(std::time::Duration::from_micros(20));
            i
        });
        assert_eq!(out.len(), 1000);
        assert_eq!(calls.load(Ordering::Relaxed), 1000);
        assert_eq!(threads.lock().unwrap().len(), 2);
    }

    #[test]
    fn a_panic_reaches_the_caller() {
        let r = std::panic::catch_unwind(|| {
            map(0..100, 2, |i: usize| {
                assert!(i != 77, "item 77");
                i
            })
        });
        assert!(r.is_err());
    }

    /// Takes every result in order on the calling thread while the workers
    /// make them, as the harness's printer does.
    fn streamed(
        len: usize,
        threads: usize,
        f: impl Fn(usize) -> usize + Sync,
    ) -> Vec<Result<usize, String>> {
        let slots = Slots::new(len);
        stream(0..len, threads, f, &slots, || {
            (0..len).map(|i| slots.take(i)).collect()
        })
    }

    #[test]
    fn streamed_results_come_in_the_items_order_whatever_the_threads() {
        for threads in [1, 2, 3, 8] {
            for len in [0, 1, RUN - 1, RUN, RUN + 1, 10 * RUN + 7] {
                let out = streamed(len, threads, |i| i * 2);
                assert_eq!(out, (0..len).map(|i| Ok(i * 2)).collect::<Vec<_>>());
            }
        }
    }

    #[test]
    fn the_consumer_waits_for_slow_workers_and_each_result_is_taken_once() {
        let slots = Slots::new(3 * RUN);
        let (taken, again) = stream(
            0..3 * RUN,
            2,
            |i: usize| {
                std::thread::sleep(std::time::Duration::from_micros(200));
                i
            },
            &slots,
            || {
                let taken: Vec<_> = (0..3 * RUN).map(|i| slots.take(i)).collect();
                (taken, slots.take(5))
            },
        );
        assert_eq!(taken, (0..3 * RUN).map(Ok).collect::<Vec<_>>());
        // Taken twice, with the workers gone: an error, not a hang.
        assert!(again.is_err(), "{again:?}");
        assert!(slots.take(3 * RUN).is_err(), "out of range");
    }

    #[test]
    fn a_panic_fails_its_item_only() {
        let out = streamed(100, 2, |i| {
            assert!(i != 77, "item 77 is broken");
            i
        });
        for (i, r) in out.iter().enumerate() {
            match i {
                77 => assert_eq!(r.as_ref().unwrap_err(), "item 77 is broken"),
                _ => assert_eq!(r, &Ok(i)),
            }
        }
    }

    #[test]
    fn a_slot_asked_before_any_worker_started_is_an_error_not_a_hang() {
        let slots: Slots<usize> = Slots::new(4);
        assert!(slots.take(0).is_err());
    }
}
