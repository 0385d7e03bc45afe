//! Work on several threads with its results used in input order: [`ordered`] runs a function over
//! a list of items on a few threads and hands each result, in the items' order, to one consumer on
//! the calling thread; [`Tape`] records what a unit of work would have written to standard output
//! and standard error, in order, so that the consumer can write it as if it had run alone.
//!
//! `pss check` uses them for whole sources (files): each is read, evaluated and rendered on a
//! worker thread, and its output is written in the order of the sources, byte for byte what one
//! thread writes.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::rc::Rc;
use std::sync::{Condvar, Mutex, PoisonError};

/// How many threads to use when the user does not say: the cores this process may use, at most 8
/// (the work is split per source; more threads than that only hold more output in memory).
pub fn default_jobs() -> NonZeroUsize {
    let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
    NonZeroUsize::new(cores.clamp(1, 8)).unwrap_or(NonZeroUsize::MIN)
}

/// What the workers and the consumer share.
struct State<T> {
    /// The next item to start.
    next: usize,
    /// Results not yet consumed, for items `consumed..`, with their weights; `None` while an item
    /// is being worked on.
    waiting: VecDeque<Option<(T, usize)>>,
    /// The weight of the results in `waiting`.
    weight: usize,
    /// Items consumed so far (the first entry of `waiting` is this item).
    consumed: usize,
    /// The consumer stopped (an error) or a worker panicked: start nothing more.
    stop: bool,
    /// The consumer sleeps until the first waiting result is done.
    consumer_asleep: bool,
    /// Workers that sleep until there is room in the window.
    workers_asleep: usize,
}

impl<T> State<T> {
    /// Claims the next item if there is one and the window has room for it: fewer than `window`
    /// items started and not consumed, and the results waiting weigh at most `budget` (or none
    /// waits: the first item not consumed may always be started).
    fn claim(&mut self, items: usize, window: usize, budget: usize) -> Option<usize> {
        if self.stop || self.next >= items || self.next >= self.consumed + window {
            return None;
        }
        if self.weight > budget && self.next > self.consumed {
            return None;
        }
        let index = self.next;
        self.next += 1;
        self.waiting.push_back(None);
        Some(index)
    }

    /// Whether nothing is left to start, or nothing may be started any more.
    fn finished(&self, items: usize) -> bool {
        self.stop || self.next >= items
    }

    /// Stores the result of item `index` and its weight; whether the consumer must be woken for it.
    fn store(&mut self, index: usize, result: T, weight: usize) -> bool {
        let slot = index - self.consumed;
        self.waiting[slot] = Some((result, weight));
        self.weight += weight;
        slot == 0 && self.consumer_asleep
    }
}

/// Runs `work` over `items` on `jobs` threads (the calling thread and `jobs - 1` others) and calls
/// `consume` with each item and its result in the items' order, on the calling thread. At most
/// `window` results wait for `consume` at any time (a thread that is that far ahead waits), so
/// memory stays bounded by `window` results.
///
/// The calling thread consumes the results that are ready in order, and otherwise works on the
/// next item itself; it sleeps only when it may start nothing, so the threads wake each other
/// rarely (a wake-up costs more than the work of a small file).
///
/// With one job, or one item, everything runs on the calling thread: item, result, consume.
///
/// # Errors
/// The first error `consume` returns; no item is started after it (items already started finish
/// and their results are dropped).
///
/// # Panics
/// A panic in `work` is resumed on the calling thread once the other threads have stopped.
pub fn ordered<I, T, E>(
    items: &[I],
    jobs: NonZeroUsize,
    window: NonZeroUsize,
    work: impl Fn(&I) -> T + Sync,
    consume: impl FnMut(&I, T) -> Result<(), E>,
) -> Result<(), E>
where
    I: Sync,
    T: Send,
{
    ordered_within(items, jobs, window, usize::MAX, |_| 0, work, consume)
}

/// As [`ordered`], with the results that wait for `consume` also bounded by their weight (`weigh`,
/// such as the bytes of output a result holds): no item is started while the results waiting
/// weigh more than `budget`, except the first one not consumed. So the results waiting weigh at
/// most `budget` plus one result per thread, however far the threads could run ahead by `window`.
///
/// # Errors
/// As [`ordered`].
///
/// # Panics
/// As [`ordered`].
pub fn ordered_within<I, T, E>(
    items: &[I],
    jobs: NonZeroUsize,
    window: NonZeroUsize,
    budget: usize,
    weigh: impl Fn(&T) -> usize + Sync,
    work: impl Fn(&I) -> T + Sync,
    mut consume: impl FnMut(&I, T) -> Result<(), E>,
) -> Result<(), E>
where
    I: Sync,
    T: Send,
{
    let jobs = jobs.get().min(items.len());
    if jobs <= 1 {
        return items.iter().try_for_each(|item| consume(item, work(item)));
    }
    let window = window.get().max(jobs);
    let state = Mutex::new(State {
        next: 0,
        waiting: VecDeque::new(),
        weight: 0,
        consumed: 0,
        stop: false,
        consumer_asleep: false,
        workers_asleep: 0,
    });
    // The consumer waits on `ready`, workers on `room`.
    let ready = Condvar::new();
    let room = Condvar::new();
    let lock = || state.lock().unwrap_or_else(PoisonError::into_inner);
    let shared = Shared { state: &state, ready: &ready, room: &room };

    std::thread::scope(|scope| {
        for _ in 1..jobs {
            scope.spawn(|| {
                // Stops everyone if `work` panics, so that no thread waits forever.
                let _guard = StopOnPanic(shared);
                let mut s = lock();
                loop {
                    let Some(index) = s.claim(items.len(), window, budget) else {
                        if s.finished(items.len()) {
                            return;
                        }
                        s.workers_asleep += 1;
                        s = room.wait(s).unwrap_or_else(PoisonError::into_inner);
                        s.workers_asleep -= 1;
                        continue;
                    };
                    drop(s);
                    let result = work(&items[index]);
                    let weight = weigh(&result);
                    s = lock();
                    if s.stop {
                        return;
                    }
                    if s.store(index, result, weight) {
                        ready.notify_one();
                    }
                }
            });
        }

        // The calling thread: consumes what is ready in order, works when nothing is.
        let _guard = StopOnPanic(shared);
        let mut s = lock();
        while s.consumed < items.len() {
            if let Some(Some(_)) = s.waiting.front() {
                let item = &items[s.consumed];
                let result = s.waiting.pop_front().flatten().map(|(result, weight)| {
                    s.weight -= weight;
                    result
                });
                s.consumed += 1;
                let wake = s.workers_asleep > 0;
                drop(s);
                if wake {
                    room.notify_one();
                }
                if let Some(result) = result {
                    if let Err(error) = consume(item, result) {
                        lock().stop = true;
                        room.notify_all();
                        return Err(error);
                    }
                }
                s = lock();
                continue;
            }
            if s.stop {
                // A worker panicked; the scope resumes its panic.
                return Ok(());
            }
            if let Some(index) = s.claim(items.len(), window, budget) {
                drop(s);
                let result = work(&items[index]);
                let weight = weigh(&result);
                s = lock();
                s.store(index, result, weight);
                continue;
            }
            s.consumer_asleep = true;
            s = ready.wait(s).unwrap_or_else(PoisonError::into_inner);
            s.consumer_asleep = false;
        }
        // Every item is done, but a worker may still sleep for room (a wake-up for room went to
        // another, which then found none: the calling thread had taken the item): wake them all to
        // see that nothing is left.
        drop(s);
        room.notify_all();
        Ok(())
    })
}

/// The state and the condition variables the threads of [`ordered`] share.
struct Shared<'a, T> {
    state: &'a Mutex<State<T>>,
    ready: &'a Condvar,
    room: &'a Condvar,
}

impl<T> Clone for Shared<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Shared<'_, T> {}

/// Sets `stop` and wakes every thread when the thread holding it unwinds.
struct StopOnPanic<'a, T>(Shared<'a, T>);

impl<T> Drop for StopOnPanic<'_, T> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.state.lock().unwrap_or_else(PoisonError::into_inner).stop = true;
            self.0.ready.notify_all();
            self.0.room.notify_all();
        }
    }
}

/// The two output streams.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

/// What a unit of work wrote to standard output and standard error, in the order it wrote it.
#[derive(Debug, Default)]
pub struct Tape {
    bytes: Vec<u8>,
    /// Where each run of bytes written to one stream ends, and the stream.
    runs: Vec<(Stream, usize)>,
}

impl Tape {
    fn push(&mut self, stream: Stream, bytes: &[u8]) {
        if bytes.is_empty() {
            return;
        }
        self.bytes.extend_from_slice(bytes);
        match self.runs.last_mut() {
            Some((last, end)) if *last == stream => *end = self.bytes.len(),
            _ => self.runs.push((stream, self.bytes.len())),
        }
    }

    /// The runs of bytes in order, each with its stream.
    pub fn runs(&self) -> impl Iterator<Item = (Stream, &[u8])> {
        let mut start = 0;
        self.runs.iter().map(move |&(stream, end)| {
            let run = &self.bytes[start..end];
            start = end;
            (stream, run)
        })
    }

    /// The memory its bytes take (their buffer's capacity, which may be more than written).
    pub fn memory(&self) -> usize {
        self.bytes.capacity() + self.runs.capacity() * std::mem::size_of::<(Stream, usize)>()
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// A writer onto one stream of a [`Tape`] shared by the writers of one thread.
#[derive(Debug, Clone)]
pub struct TapeWriter {
    tape: Rc<RefCell<Tape>>,
    stream: Stream,
}

impl TapeWriter {
    /// A writer for each stream of a new tape.
    pub fn pair() -> (TapeWriter, TapeWriter) {
        Self::pair_with_capacity(0)
    }

    /// A writer for each stream of a new tape with room for `capacity` bytes (what the unit is
    /// expected to write: growing a large tape step by step copies it several times).
    pub fn pair_with_capacity(capacity: usize) -> (TapeWriter, TapeWriter) {
        let tape = Rc::new(RefCell::new(Tape { bytes: Vec::with_capacity(capacity), runs: Vec::new() }));
        (TapeWriter { tape: Rc::clone(&tape), stream: Stream::Out }, TapeWriter { tape, stream: Stream::Err })
    }

    /// The tape, once every writer onto it is gone but this one (an empty tape otherwise).
    pub fn into_tape(self) -> Tape {
        Rc::try_unwrap(self.tape).map(RefCell::into_inner).unwrap_or_default()
    }
}

impl Write for TapeWriter {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.tape.borrow_mut().push(self.stream, bytes);
        Ok(bytes.len())
    }

    fn write_all(&mut self, bytes: &[u8]) -> io::Result<()> {
        self.tape.borrow_mut().push(self.stream, bytes);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jobs(n: usize) -> NonZeroUsize {
        NonZeroUsize::new(n).unwrap()
    }

    #[test]
    fn results_come_in_input_order_whatever_the_threads() {
        let items: Vec<u64> = (0..500).collect();
        for (threads, window) in [(1, 1), (2, 1), (2, 2), (3, 4), (8, 64), (16, 3)] {
            let mut seen = Vec::new();
            let result: Result<(), ()> = ordered(
                &items,
                jobs(threads),
                jobs(window),
                |&i| {
                    // Uneven work, so that threads overtake each other.
                    let spin = (i * 7919) % 2000;
                    (0..spin).fold(i, |a, b| a.wrapping_mul(31).wrapping_add(b)) ^ i ^ i
                },
                |_, r| {
                    seen.push(r);
                    Ok(())
                },
            );
            assert!(result.is_ok());
            let expected: Vec<u64> = items
                .iter()
                .map(|&i| (0..(i * 7919) % 2000).fold(i, |a, b| a.wrapping_mul(31).wrapping_add(b)))
                .collect();
            assert_eq!(seen, expected, "{threads} threads, window {window}");
        }
    }

    /// Many short runs with more threads than the window lets work: no thread is left waiting
    /// for room once everything is done (the run would hang).
    #[test]
    fn every_thread_ends_with_the_run() {
        let items: Vec<usize> = (0..40).collect();
        for round in 0..2000 {
            let threads = 3 + round % 6;
            let mut sum = 0;
            let result: Result<(), ()> = ordered(
                &items,
                jobs(threads),
                jobs(threads),
                |&i| i * 2,
                |_, r| {
                    sum += r;
                    Ok(())
                },
            );
            assert!(result.is_ok());
            assert_eq!(sum, 40 * 39, "round {round}");
        }
    }

    #[test]
    fn no_more_than_the_window_waits() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<usize> = (0..200).collect();
        let started = AtomicUsize::new(0);
        let mut consumed = 0;
        let result: Result<(), ()> = ordered(
            &items,
            jobs(4),
            jobs(6),
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |_, i| {
                // Started items not yet consumed: never more than the window.
                assert!(started.load(Ordering::SeqCst) - consumed <= 6 + 1, "item {i}");
                consumed += 1;
                Ok(())
            },
        );
        assert!(result.is_ok());
        assert_eq!(consumed, 200);
    }

    #[test]
    fn the_results_waiting_weigh_no_more_than_the_budget_and_a_result_a_thread() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        use std::time::Duration;
        // Item 0 is slow, so the other threads run ahead; every result weighs 10. With a window
        // of 1,000 items, only the budget (35) holds them back: nothing starts once 4 results wait
        // (40 is over it), and each thread may finish one more meanwhile; never 299.
        let items: Vec<usize> = (0..300).collect();
        for threads in [2, 3, 4] {
            let waiting = AtomicUsize::new(0);
            let most = AtomicUsize::new(0);
            let mut seen = Vec::new();
            let result: Result<(), ()> = ordered_within(
                &items,
                jobs(threads),
                jobs(1000),
                35,
                |_: &usize| 10,
                |&i| {
                    if i == 0 {
                        std::thread::sleep(Duration::from_millis(50));
                    }
                    let now = waiting.fetch_add(1, Ordering::SeqCst) + 1;
                    most.fetch_max(now, Ordering::SeqCst);
                    i
                },
                |_, i| {
                    waiting.fetch_sub(1, Ordering::SeqCst);
                    seen.push(i);
                    Ok(())
                },
            );
            assert!(result.is_ok());
            assert_eq!(seen, items, "{threads} threads");
            let most = most.load(Ordering::SeqCst);
            assert!(most <= 4 + threads, "{most} results waited with {threads} threads");
        }
    }

    #[test]
    fn the_first_error_stops_the_work() {
        use std::sync::atomic::{AtomicUsize, Ordering};
        let items: Vec<usize> = (0..10_000).collect();
        let started = AtomicUsize::new(0);
        let mut consumed = Vec::new();
        let result = ordered(
            &items,
            jobs(2),
            jobs(4),
            |&i| {
                started.fetch_add(1, Ordering::SeqCst);
                i
            },
            |_, i| {
                if i == 10 {
                    return Err(i);
                }
                consumed.push(i);
                Ok(())
            },
        );
        assert_eq!(result, Err(10));
        assert_eq!(consumed, (0..10).collect::<Vec<_>>());
        assert!(started.load(Ordering::SeqCst) < 100);
    }

    #[test]
    fn a_panic_in_the_work_reaches_the_caller() {
        let items: Vec<usize> = (0..100).collect();
        let caught = std::panic::catch_unwind(|| {
            let _ = ordered(
                &items,
                jobs(2),
                jobs(2),
                |&i| {
                    assert!(i != 37, "boom at {i}");
                    i
                },
                |_, _| Ok::<(), ()>(()),
            );
        });
        assert!(caught.is_err());
    }

    #[test]
    fn panics_on_every_thread_reach_the_caller() {
        // The calling thread works too: its panic must stop the others (no thread left waiting),
        // whichever thread panics first.
        let items: Vec<usize> = (0..1000).collect();
        for threads in [2, 3, 8] {
            let caught = std::panic::catch_unwind(|| {
                let _ = ordered(
                    &items,
                    jobs(threads),
                    jobs(2),
                    |&i| {
                        assert!(i < 5, "boom at {i}");
                        i
                    },
                    |_, _| Ok::<(), ()>(()),
                );
            });
            assert!(caught.is_err(), "{threads} threads");
        }
    }

    #[test]
    fn a_tape_keeps_the_order_of_the_streams() {
        let (mut out, mut err) = TapeWriter::pair();
        out.write_all(b"a").unwrap();
        out.write_all(b"b").unwrap();
        err.write_all(b"E").unwrap();
        out.write_all(b"").unwrap();
        out.write_all(b"c").unwrap();
        drop(err);
        let tape = out.into_tape();
        let runs: Vec<(Stream, &[u8])> = tape.runs().collect();
        assert_eq!(runs, [(Stream::Out, &b"ab"[..]), (Stream::Err, b"E"), (Stream::Out, b"c")]);
    }
}
