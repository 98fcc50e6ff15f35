//! Work spread over the cores: the one thread pool of a run.
//!
//! Planning maps spec files to their entries, and replay maps cases to
//! their outcomes, with [`map`]. Workers take the items in small runs from
//! one shared iterator (one lock per run, not per item), so a slow item, a
//! failing case that renders its diff, never leaves a core idle while
//! another still has a long share; the results come back in the items'
//! order.

use std::sync::Mutex;

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
    // The next run to take: where it starts, and the items left.
    let queue = Mutex::new((0usize, items));
    let take = || {
        let mut queue = queue.lock().unwrap_or_else(|e| e.into_inner());
        let start = queue.0;
        let run: Vec<I::Item> = queue.1.by_ref().take(RUN).collect();
        queue.0 += run.len();
        (start, run)
    };
    let f = &f;
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
}
