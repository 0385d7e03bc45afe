//! `pss`: check Kubernetes manifests against the Pod Security Standards, exactly as the API
//! server's PodSecurity admission controller would. See `pss check --help`.

mod check;
mod cli;
mod error;
mod input;
mod json_stream;
mod objects;
mod report;
mod yaml_stream;

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;
use pss_core::LevelVersion;

use crate::check::Checker;
use crate::cli::{CheckArgs, Cli, ColorChoice, Command};
use crate::error::OutputError;
use crate::report::{Report, Styles};

/// Every pod allowed.
const EXIT_ALLOWED: u8 = 0;
/// A pod denied, no input error.
const EXIT_DENIED: u8 = 1;
/// A usage or input error (clap exits with 2 for usage errors too).
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check(args) => match check(args) {
            Ok(code) => ExitCode::from(code),
            Err(OutputError(e)) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_ERROR),
            Err(e) => {
                let _ = writeln!(io::stderr(), "pss: error: {e}");
                ExitCode::from(EXIT_ERROR)
            }
        },
    }
}

/// Whether to colour a stream: `--color`, else a terminal without NO_COLOR (https://no-color.org).
fn colour(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn check(args: CheckArgs) -> Result<u8, OutputError> {
    let level_version = LevelVersion::new(args.level, args.version);
    let stdout = io::stdout();
    let styles = (
        Styles::new(colour(args.color, stdout.is_terminal())),
        Styles::new(colour(args.color, io::stderr().is_terminal())),
    );
    let out = io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let report = Report::new(out, io::stderr(), args.format, args.verbose, styles, level_version);
    let mut checker = Checker::new(level_version, report);
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths };
    let mut stdin = io::stdin().lock();
    checker.begin()?;
    for path in &paths {
        checker.check_arg(path, &mut stdin)?;
    }
    let summary = checker.finish()?;
    Ok(if summary.errors > 0 {
        EXIT_ERROR
    } else if summary.denied > 0 {
        EXIT_DENIED
    } else {
        EXIT_ALLOWED
    })
}
