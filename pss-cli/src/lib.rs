//! The library behind the `pss` command: everything but `main`. It exists so that the fuzz targets
//! and tests can read manifests exactly as the command does (see [`documents`]); it is not a stable
//! API and is not published on its own.

pub mod apply;
pub mod check;
pub mod cli;
pub mod documents;
pub mod dry_run;
pub mod error;
pub mod fix;
pub mod input;
mod json_out;
pub mod junit;
pub mod limits;
pub mod namespaces;
pub mod objects;
pub mod parallel;
pub mod report;
pub mod sarif;
pub mod test_cmd;

/// Every object allowed.
pub const EXIT_ALLOWED: u8 = 0;
/// An object denied (or, for label-dry-run, a pod that would violate), no input error.
pub const EXIT_DENIED: u8 = 1;
/// A usage or input error (clap exits with 2 for usage errors too).
pub const EXIT_ERROR: u8 = 2;
