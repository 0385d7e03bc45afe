//! A counting global allocator for tests and benchmarks: how many heap allocations a piece of code
//! makes on the calling thread, and how many bytes it asks for.
//!
//! Install it in a test or bench binary, then wrap the code under test in [`measure`]:
//!
//! ```
//! use pss_alloc_count::{measure, CountingAlloc};
//!
//! #[global_allocator]
//! static ALLOC: CountingAlloc = CountingAlloc;
//!
//! assert!(pss_alloc_count::is_active());
//! let (v, counts) = measure(|| vec![0u8; 100]);
//! assert_eq!(counts.allocs, 1);
//! assert_eq!(counts.bytes, 100);
//! drop(v);
//! ```
//!
//! Counts are kept per thread, so the test harness and tests running in parallel on other threads
//! never show up in a measurement. Without [`CountingAlloc`] installed every count stays zero:
//! check [`is_active`] before asserting that something allocates nothing.

#![deny(missing_docs)]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

/// Heap operations seen on one thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    /// Calls to `alloc` and `alloc_zeroed`.
    pub allocs: u64,
    /// Calls to `realloc` (a `Vec` or `String` growing in place or moving).
    pub reallocs: u64,
    /// Calls to `dealloc`.
    pub deallocs: u64,
    /// Bytes requested: each allocation's size, plus what each `realloc` adds when it grows a block.
    pub bytes: u64,
}

impl Counts {
    const ZERO: Counts = Counts { allocs: 0, reallocs: 0, deallocs: 0, bytes: 0 };

    /// Allocations that obtained memory: `allocs + reallocs` (Go's `allocs/op` counts both, since
    /// a Go slice grows by allocating anew).
    pub fn total(&self) -> u64 {
        self.allocs + self.reallocs
    }

    /// Whether nothing touched the heap at all.
    pub fn is_zero(&self) -> bool {
        *self == Counts::ZERO
    }

    fn since(self, before: Counts) -> Counts {
        Counts {
            allocs: self.allocs - before.allocs,
            reallocs: self.reallocs - before.reallocs,
            deallocs: self.deallocs - before.deallocs,
            bytes: self.bytes - before.bytes,
        }
    }
}

thread_local! {
    // `const` initialisation and a `Copy` value: no lazy set-up and no destructor, so touching it
    // from inside the allocator can never allocate or recurse.
    static COUNTS: Cell<Counts> = const { Cell::new(Counts::ZERO) };
}

fn record(update: impl FnOnce(&mut Counts)) {
    // `try_with` fails only while the thread is being torn down; those operations go uncounted.
    let _ = COUNTS.try_with(|cell| {
        let mut c = cell.get();
        update(&mut c);
        cell.set(c);
    });
}

/// The system allocator, counting every operation on the thread that makes it.
#[derive(Debug, Clone, Copy, Default)]
pub struct CountingAlloc;

// SAFETY: every method forwards to `System` with the caller's arguments unchanged; the counting
// only touches a thread-local `Cell` and never allocates.
unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(|c| {
            c.allocs += 1;
            c.bytes += layout.size() as u64;
        });
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract, which `System` shares.
        unsafe { System.alloc(layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(|c| {
            c.allocs += 1;
            c.bytes += layout.size() as u64;
        });
        // SAFETY: as for `alloc`.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(|c| {
            c.reallocs += 1;
            c.bytes += new_size.saturating_sub(layout.size()) as u64;
        });
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        record(|c| c.deallocs += 1);
        // SAFETY: `ptr` was allocated by this allocator, i.e. by `System`, with `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// The calling thread's counts since it started.
pub fn thread_counts() -> Counts {
    COUNTS.with(Cell::get)
}

/// Runs `f` and returns its result with the heap operations it made on this thread. Dropping the
/// result happens after the measurement, so it does not count.
pub fn measure<R>(f: impl FnOnce() -> R) -> (R, Counts) {
    let before = thread_counts();
    let r = f();
    let after = thread_counts();
    (r, after.since(before))
}

/// Whether [`CountingAlloc`] is this binary's global allocator (a measured `Box` is counted).
pub fn is_active() -> bool {
    let (b, counts) = measure(|| std::hint::black_box(Box::new(0u64)));
    drop(b);
    counts.allocs == 1
}
