//! The fuzz targets' invariants (fuzz/oracles) replayed over the committed corpora (fuzz/corpus), so
//! `cargo test` checks every input the fuzzers kept without nightly or cargo-fuzz; and the C ABI's
//! `extern` block the `capi` target calls checked against the checked-in header.

use std::fs;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::PathBuf;

use pss_fuzz_oracles::TARGETS;

fn fuzz_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../fuzz")
}

/// Runs `oracle` on every file under `dir`; returns the number of files and the failures.
fn replay(dir: &PathBuf, oracle: fn(&[u8])) -> (usize, Vec<String>) {
    let mut entries: Vec<_> = match fs::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.expect("listing the corpus").path()).collect(),
        Err(_) => return (0, Vec::new()),
    };
    entries.sort();
    let mut failures = Vec::new();
    for path in &entries {
        let data = fs::read(path).expect("reading a corpus file");
        if catch_unwind(AssertUnwindSafe(|| oracle(&data))).is_err() {
            failures.push(path.display().to_string());
        }
    }
    (entries.len(), failures)
}

#[test]
fn every_corpus_input_passes_its_oracle() {
    let mut failures = Vec::new();
    for (name, oracle) in TARGETS {
        let (count, failed) = replay(&fuzz_dir().join("corpus").join(name), oracle);
        assert!(count > 0, "fuzz/corpus/{name} is missing or empty");
        failures.extend(failed);
    }
    assert!(failures.is_empty(), "inputs failing their oracle: {failures:#?}");
}

/// Inputs that once crashed a target or broke its oracle, one directory per target.
#[test]
fn every_fuzz_regression_passes_its_oracle() {
    let mut failures = Vec::new();
    let mut total = 0;
    for (name, oracle) in TARGETS {
        let (count, failed) = replay(&fuzz_dir().join("regressions").join(name), oracle);
        total += count;
        failures.extend(failed);
    }
    assert!(total > 0, "fuzz/regressions is missing or empty");
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
