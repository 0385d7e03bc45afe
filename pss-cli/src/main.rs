//! `pss`: check Kubernetes manifests against the Pod Security Standards, exactly as the API
//! server's PodSecurity admission controller would. See `pss check --help`,
//! `pss label-dry-run --help`, `pss apply --help` and `pss fix --help`.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{CommandFactory, Parser};
use pss_core::admission::{Admission, AdmissionConfig, Exemptions, Policy};
use pss_core::LevelVersion;

use pss_cli::check::Checker;
use pss_cli::cli::{CheckArgs, Cli, ColorChoice, Command, DryRunArgs};
use pss_cli::documents::{self, Inputs, StdinBuffer};
use pss_cli::error::{OutputError, RunError};
use pss_cli::limits::Limits;
use pss_cli::namespaces::{load_config, Namespaces};
use pss_cli::report::{Report, Styles};
use pss_cli::{apply, dry_run, parallel, test_cmd, EXIT_ALLOWED, EXIT_DENIED, EXIT_ERROR};

/// Reading manifests builds and drops many small values (YAML nodes, JSON texts) on every thread:
/// mimalloc serves them with fewer instructions than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let limits = Limits { max_document: cli.max_document_size };
    let result = match cli.command {
        Command::Check(args) => check(args, limits),
        Command::LabelDryRun(args) => label_dry_run(args, limits),
        Command::Fix(args) => fix(&args, limits),
        Command::Apply(args) => {
            let paths = args.paths();
            apply::run(args, &mut inputs(&paths, limits))
        }
        Command::Test(args) => test_cmd::run(args, limits),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(RunError::Output(OutputError(e))) if e.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_ERROR),
        Err(e) => {
            let _ = writeln!(io::stderr(), "pss: error: {e}");
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// Whether to colour a stream: `--color`, else a terminal without NO_COLOR (<https://no-color.org>).
fn colour(choice: ColorChoice, is_terminal: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => is_terminal && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    }
}

fn styles(choice: ColorChoice) -> (Styles, Styles) {
    (Styles::new(colour(choice, io::stdout().is_terminal())), Styles::new(colour(choice, io::stderr().is_terminal())))
}

/// The admission controller: `--admission-config`'s, else `default` in every mode without exemptions.
fn admission(config: Option<&Path>, default: LevelVersion) -> Result<Admission, RunError> {
    let config = match config {
        Some(path) => {
            load_config(path).map_err(|error| RunError::Config { path: path.to_string_lossy().into_owned(), error })?
        }
        None => {
            let defaults = Policy { enforce: default, audit: default, warn: default };
            AdmissionConfig::new(defaults, Exemptions::default()).map_err(RunError::Defaults)?
        }
    };
    Ok(Admission::new(config))
}

/// The inputs: standard input read to its end when a PATH is `-` (never otherwise: it may be a
/// terminal), and the limits.
fn inputs(paths: &[PathBuf], limits: Limits) -> Inputs {
    let stdin = if paths.iter().any(|p| p.as_os_str() == "-") {
        StdinBuffer::read_from(io::stdin().lock())
    } else {
        StdinBuffer::default()
    };
    Inputs::new(stdin, limits)
}

fn check(args: CheckArgs, limits: Limits) -> Result<u8, RunError> {
    let admission = admission(args.admission_config.as_deref(), LevelVersion::new(args.level, args.version))?;
    let defaults = admission.config().defaults();
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths };
    let jobs = args.jobs.unwrap_or_else(parallel::default_jobs);
    let mut stdin = inputs(&paths, limits);
    let sources = documents::expand_on(&paths, jobs);
    let mut namespaces = Namespaces::new(admission, args.namespaces.namespace);
    namespaces.scan(&sources, &mut stdin, jobs);
    namespaces.apply_flags(&args.namespaces.namespace_labels);

    let out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let mut report = Report::new(out, io::stderr(), args.format, args.verbose, styles(args.color), defaults);
    report.set_by_namespace(namespaces.any_known());
    let mut checker = Checker::new(&namespaces, &args.username, report);
    checker.begin()?;
    checker.check_sources(&sources, &mut stdin, jobs)?;
    let summary = checker.finish()?;
    Ok(if summary.errors > 0 {
        EXIT_ERROR
    } else if summary.denied > 0 {
        EXIT_DENIED
    } else {
        EXIT_ALLOWED
    })
}

fn fix(args: &pss_cli::fix::FixArgs, limits: Limits) -> Result<u8, RunError> {
    let mut out = io::BufWriter::with_capacity(64 * 1024, io::stdout().lock());
    let summary = pss_cli::fix::run(args, limits, &mut io::stdin().lock(), &mut out, &mut io::stderr())?;
    Ok(summary.exit_code())
}

fn label_dry_run(args: DryRunArgs, limits: Limits) -> Result<u8, RunError> {
    let targets = match args.targets() {
        Ok(targets) => targets,
        Err(message) => {
            let mut command = Cli::command();
            let sub = command.find_subcommand_mut("label-dry-run").map(|c| c.clone()).unwrap_or_default();
            let mut sub = sub.bin_name("pss label-dry-run");
            sub.error(clap::error::ErrorKind::MissingRequiredArgument, message).exit()
        }
    };
    // --admission-config's defaults, or privileged everywhere as the API server without one.
    let admission = match args.admission_config.as_deref() {
        Some(path) => admission(Some(path), LevelVersion::default())?,
        None => Admission::default(),
    };
    let namespaces = Namespaces::new(admission, args.namespaces.namespace.clone());
    let mut stdin = inputs(&targets.paths, limits);
    let out = io::BufWriter::new(io::stdout().lock());
    let outcome = dry_run::run(
        &targets,
        namespaces,
        &args.namespaces.namespace_labels,
        &mut stdin,
        (out, io::stderr()),
        styles(args.color),
    )?;
    Ok(if outcome.invalid || outcome.errors > 0 {
        EXIT_ERROR
    } else if outcome.violations {
        EXIT_DENIED
    } else {
        EXIT_ALLOWED
    })
}
