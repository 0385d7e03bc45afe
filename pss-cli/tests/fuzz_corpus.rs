//! The fuzz targets' invariants (fuzz/oracles) replayed over the committed corpora (fuzz/corpus), so
//! `cargo test` checks every input the fuzzers kept without nightly or cargo-fuzz; and the C ABI's
//! `extern` block the `capi` target calls checked against the checked-in header.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::thread;

use pss_fuzz_oracles::{Oracle, TARGETS};

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// The files under `dir`, sorted; none when `dir` does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("listing the corpus").path()).collect(),
        Err(_) => return Vec::new(),
    };
    entries.sort();
    entries
}

/// Runs each input's oracle, spread over the machine's cores (the corpora hold thousands of inputs and
/// every oracle is independent of the others); returns the inputs whose oracle panicked.
fn replay(inputs: &[(PathBuf, Oracle)]) -> Vec<String> {
    let next = AtomicUsize::new(0);
    let failures = Mutex::new(Vec::new());
    let workers = thread::available_parallelism().map_or(1, |n| n.get()).min(inputs.len().max(1));
    thread::scope(|scope| {
        for _ in 0..workers {
            scope.spawn(|| {
                while let Some((path, oracle)) = inputs.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let data = fs::read(path).expect("reading a corpus file");
                    if catch_unwind(AssertUnwindSafe(|| oracle(&data))).is_err() {
                        let mut failures = failures.lock().expect("no worker panics outside catch_unwind");
                        failures.push(path.display().to_string());
                    }
                }
            });
        }
    });
    let mut failures = failures.into_inner().expect("no worker panics outside catch_unwind");
    failures.sort();
    failures
}

#[test]
fn every_corpus_input_passes_its_oracle() {
    let mut inputs = Vec::new();
    for (name, oracle) in TARGETS {
        let found = files(&fuzz_dir().join("corpus").join(name));
        assert!(!found.is_empty(), "fuzz/corpus/{name} is missing or empty");
        inputs.extend(found.into_iter().map(|path| (path, oracle)));
    }
    let failures = replay(&inputs);
    assert!(failures.is_empty(), "inputs failing their oracle: {failures:#?}");
}

/// Inputs that once crashed a target or broke its oracle, one directory per target.
#[test]
fn every_fuzz_regression_passes_its_oracle() {
    let mut inputs = Vec::new();
    for (name, oracle) in TARGETS {
        let found = files(&fuzz_dir().join("regressions").join(name));
        inputs.extend(found.into_iter().map(|path| (path, oracle)));
    }
    assert!(!inputs.is_empty(), "fuzz/regressions is missing or empty");
    let failures = replay(&inputs);
    assert!(failures.is_empty(), "regressions failing their oracle: {failures:#?}");
}

#[test]
fn the_capi_extern_block_matches_the_header() {
    let header = fs::read_to_string(fuzz_dir().join("../pss-capi/include/pss.h")).expect("reading pss.h");
    assert_eq!(pss_fuzz_oracles::capi::check_header(&header), Ok(()));
    // The check itself fails on a changed prototype.
    let changed = header.replace("size_t pod_len,", "int pod_len,");
    assert!(pss_fuzz_oracles::capi::check_header(&changed).is_err());
}
