//! Finding the shared reference data (`../shared` beside the repository: the upstream conformance
//! verdicts, the benchmark pods) and saying loudly when it is absent.

use std::path::PathBuf;

/// `../shared` beside the repository, or `$PSS_SHARED_DIR` when set; `None` when that is not a directory.
pub fn shared_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os("PSS_SHARED_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared"),
    };
    dir.is_dir().then_some(dir)
}

/// Reports loudly that `what` (some of the shared data) is missing, so that a test that compared nothing
/// does not pass quietly.
///
/// # Panics
/// When `$CI` is set: CI machines have the shared data, and its absence there is a failure.
pub fn missing(what: &str) {
    let msg = format!(
        "\n\n*** {what} not found (looked in ../shared beside the repository, or $PSS_SHARED_DIR).\n\
         *** This test checked NOTHING against upstream. Put the shared data there to run it.\n"
    );
    if std::env::var_os("CI").is_some() {
        panic!("{msg}");
    }
    eprintln!("{msg}");
}
