//! Writes generated cases as JSON lines, one `{"level", "version", "kind", "templatePath", "object"}`
//! per line:
//!
//! ```text
//! pss-testgen [--seed N] [--cases N]      # defaults: pss_testgen::DEFAULT_SEED, 256
//! ```

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut seed = pss_testgen::DEFAULT_SEED;
    let mut count = 256usize;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let value = args.next();
        let parsed = value.as_deref().and_then(|v| v.parse::<u64>().ok());
        match (arg.as_str(), parsed) {
            ("--seed", Some(n)) => seed = n,
            ("--cases", Some(n)) => count = n as usize,
            _ => {
                eprintln!("usage: pss-testgen [--seed N] [--cases N]");
                return ExitCode::from(2);
            }
        }
    }
    let mut out = BufWriter::new(io::stdout().lock());
    for case in pss_testgen::cases(seed, count) {
        if writeln!(out, "{}", case.to_json()).is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
