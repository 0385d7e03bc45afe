//! `pss test DIR...`: Kyverno CLI test files (`kyverno-test.yaml`), run as `kyverno test` runs
//! them, for podSecurity rules (pss-core's `KyvernoTest`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use pss_core::kyverno::{KyvernoPolicy, PolicyError};
use pss_core::kyverno::{KyvernoTest, KyvernoValues, KyvernoVersion, PolicyException, TestInputs, TestReport};
use pss_core::ObjectDocument;

use crate::documents::{self, Inputs, StdinBuffer, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError, RunError};
use crate::limits::Limits;
use crate::report::Loc;

/// `pss test --help`'s description.
pub const ABOUT: &str = "\
Run Kyverno CLI test files (kyverno-test.yaml, cli.kyverno.io/v1alpha1 Test) as 'kyverno test'
runs them, for validate.podSecurity rules, as a chosen Kyverno release (--kyverno-version, default
the newest supported) would: every policy applied to every resource with the test's
PolicyExceptions and values, then each expected result (policy, rule, resources, kind, result)
compared with the results of the rule and of the rules Kyverno generates from it
(autogen-<rule>, autogen-cronjob-<rule>). The output is Kyverno's: the loading lines, a table per
test and 'Test Summary: N tests passed and M tests failed'.

An expected result pss cannot check fails, with the reason 'Not evaluated': a rule pss does not
evaluate (mutate, generate, verifyImages, validate.pattern, ...), an UPDATE or DELETE request
(operation, or request.operation in the values), patched or generated resources.
--allow-unevaluated skips them instead.";

/// `pss test --help`'s details.
pub const AFTER_HELP: &str = "\
Test files:
  Each DIR is walked recursively (in name order, as Kyverno does) for files named --file-name
  (default kyverno-test.yaml); each YAML document in one is a test. Its policies, resources,
  exceptions and variables (a values file) are paths relative to the file's directory. From the
  values (variables, or the test's own values) pss reads the namespaces' labels (namespaceSelector,
  namespaces) and globalValues request.operation; user infos are not read (rules whose outcome
  depends on the requesting user are not evaluated). Invalid policies give 'Invalid Policy' rows,
  as in Kyverno.

Exit status:
  0  every expected result holds (or no test file was found, without --require-tests)
  1  an expected result does not hold, or --require-tests and no test was found
  2  usage error, or a test could not be loaded (unreadable or malformed file, a document in an
     exceptions file that is not a PolicyException)

Examples:
  pss test policies/
  pss test . --kyverno-version 1.12 --detailed-results";

/// `pss test`'s arguments.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// Directories to look for test files in.
    #[arg(value_name = "DIR", required = true)]
    pub dirs: Vec<PathBuf>,

    /// The test files' name.
    #[arg(short = 'f', long, value_name = "NAME", default_value = "kyverno-test.yaml")]
    pub file_name: String,

    /// The Kyverno release whose results are predicted: 1.11 to 1.19.
    #[arg(long, value_name = "X.Y", default_value_t = KyvernoVersion::NEWEST, value_parser = crate::apply::parse_kyverno_version)]
    pub kyverno_version: KyvernoVersion,

    /// Skip, not fail, the expected results pss cannot check.
    #[arg(long)]
    pub allow_unevaluated: bool,

    /// Add the rules' messages to the tables (a MESSAGE column).
    #[arg(long)]
    pub detailed_results: bool,

    /// Print only the failed results, in one table after the summary.
    #[arg(long)]
    pub fail_only: bool,

    /// Accepted for compatibility with 'kyverno test': pss never colours this output.
    #[arg(long)]
    pub remove_color: bool,

    /// Fail when no test file is found.
    #[arg(long)]
    pub require_tests: bool,
}

/// Go's `filepath.Clean` for `/`-separated paths, as Kyverno prints test paths.
fn clean(path: &str) -> String {
    let rooted = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => match parts.last() {
                Some(&last) if last != ".." => {
                    parts.pop();
                }
                _ if rooted => {}
                _ => parts.push(".."),
            },
            p => parts.push(p),
        }
    }
    let joined = parts.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".to_owned(),
        (false, false) => joined,
    }
}

/// The test files under `dir`, in the order `kyverno test` finds them: each directory's entries in
/// name order, directories walked where they come (symbolic links to directories not followed).
fn find_tests(dir: &Path, shown: &str, file_name: &str, out: &mut Vec<(PathBuf, String)>) -> io::Result<()> {
    let mut entries = std::fs::read_dir(dir)?.collect::<io::Result<Vec<_>>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let shown_child = clean(&format!("{shown}/{name}"));
        if entry.file_type()?.is_dir() {
            find_tests(&entry.path(), &shown_child, file_name, out)?;
        } else if name == file_name {
            out.push((entry.path(), shown_child));
        }
    }
    Ok(())
}

/// Collects the JSON texts of a file's documents (the items of Lists when `lists`), and the first
/// input error.
struct Collect {
    lists: bool,
    texts: Docs,
    error: Option<String>,
}

impl Visitor for Collect {
    fn object(&mut self, text: &[u8], at: &Loc<'_>, _: Option<Origin>, in_list: bool) -> Result<Visit, OutputError> {
        if self.lists && !in_list {
            let header = pss_core::ObjectHeader::from_slice(text).ok();
            if header
                .is_some_and(|h| pss_core::ObjectClass::of(h.api_version(), h.kind()) == pss_core::ObjectClass::List)
            {
                return Ok(Visit::List);
            }
        }
        self.texts.push((text.to_vec(), at.place().to_string()));
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        if self.error.is_none() {
            self.error = Some(error.to_string());
        }
        Ok(())
    }
}

/// Documents as JSON texts, each with its place.
type Docs = Vec<(Vec<u8>, String)>;

/// The documents of `path` as JSON texts, each with its place; an input error ends it.
fn read_docs(path: &Path, inputs: &mut Inputs, lists: bool) -> Result<Result<Docs, String>, RunError> {
    let mut collect = Collect { lists, texts: Vec::new(), error: None };
    documents::read_arg(path, inputs, &mut collect)?;
    Ok(match collect.error {
        Some(error) => Err(error),
        None => Ok(collect.texts),
    })
}

/// A path of a test, relative to its directory unless absolute.
fn full_path(dir: &Path, path: &str) -> PathBuf {
    let p = Path::new(path);
    if p.is_absolute() {
        p.to_path_buf()
    } else {
        dir.join(p)
    }
}

/// What a test was loaded into.
struct Loaded {
    policies: Vec<KyvernoPolicy>,
    invalid: Vec<(String, String)>,
    resources: Vec<Vec<u8>>,
    exceptions: Vec<PolicyException>,
    labels: BTreeMap<String, BTreeMap<String, String>>,
    operation: String,
}

/// Runs `pss test`; the exit status is 2 when a test could not be loaded, else 1 when an expected
/// result does not hold, else 0.
pub fn run(args: TestArgs, limits: Limits) -> Result<u8, RunError> {
    let mut inputs = Inputs::new(StdinBuffer::default(), limits);
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut errors = 0;
    let mut files = Vec::new();
    for dir in &args.dirs {
        let shown = clean(&dir.to_string_lossy());
        if let Err(e) = find_tests(dir, &shown, &args.file_name, &mut files) {
            writeln!(out, "\nError loading tests: {e}").map_err(OutputError)?;
            out.flush().map_err(OutputError)?;
            writeln!(io::stderr(), "pss: {}: {e}", dir.display()).map_err(OutputError)?;
            return Ok(crate::EXIT_ERROR);
        }
    }
    let mut tests: Vec<(PathBuf, String, KyvernoTest)> = Vec::new();
    for (path, shown) in files {
        match read_docs(&path, &mut inputs, false)? {
            Ok(docs) => {
                for (text, place) in docs {
                    match std::str::from_utf8(&text)
                        .map_err(|e| e.to_string())
                        .and_then(|t| KyvernoTest::from_json_str(t).map_err(|e| e.to_string()))
                    {
                        Ok(test) => tests.push((path.clone(), shown.clone(), test)),
                        Err(e) => {
                            errors += 1;
                            writeln!(io::stderr(), "pss: {place}: {e}").map_err(OutputError)?;
                        }
                    }
                }
            }
            Err(e) => {
                errors += 1;
                writeln!(io::stderr(), "pss: {e}").map_err(OutputError)?;
            }
        }
    }
    if tests.is_empty() && errors == 0 {
        writeln!(out, "\nNo test yamls available").map_err(OutputError)?;
        out.flush().map_err(OutputError)?;
        if args.require_tests {
            writeln!(io::stderr(), "pss: no tests found").map_err(OutputError)?;
            return Ok(crate::EXIT_DENIED);
        }
        return Ok(crate::EXIT_ALLOWED);
    }
    let mut total = TestReport::default();
    let mut failed_rows = TestReport::default();
    for (path, shown, test) in &tests {
        if test.results().is_empty() {
            continue;
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        writeln!(out, "Loading test {} ( {shown} ) ...", test.name()).map_err(OutputError)?;
        let loaded = match load(test, dir, args.kyverno_version, &mut inputs, &mut out)? {
            Ok(loaded) => loaded,
            Err(e) => {
                errors += 1;
                out.flush().map_err(OutputError)?;
                writeln!(io::stderr(), "pss: {shown}: {e}").map_err(OutputError)?;
                continue;
            }
        };
        let mut resources = Vec::new();
        for text in &loaded.resources {
            match ObjectDocument::from_slice(text) {
                Ok(doc) => resources.push(doc),
                Err(e) => {
                    errors += 1;
                    writeln!(io::stderr(), "pss: {shown}: a resource: {e}").map_err(OutputError)?;
                }
            }
        }
        let test_inputs = TestInputs {
            policies: &loaded.policies,
            invalid_policies: &loaded.invalid,
            resources: &resources,
            exceptions: &loaded.exceptions,
            namespace_labels: &loaded.labels,
            operation: &loaded.operation,
            allow_unevaluated: args.allow_unevaluated,
            kyverno: args.kyverno_version,
        };
        writeln!(out, "{}", test_inputs.applying_line()).map_err(OutputError)?;
        writeln!(out, "  Checking results ...").map_err(OutputError)?;
        let report = test.run(&test_inputs);
        total.add_counts(&report);
        failed_rows.add_failed_rows(&report);
        if !args.fail_only {
            write!(out, "\n{}\n", report.table(args.detailed_results)).map_err(OutputError)?;
        }
    }
    if args.fail_only {
        let all = total.passed() + total.failed();
        writeln!(out, "\nTest Summary: {} out of {all} tests failed\n", total.failed()).map_err(OutputError)?;
        if total.failed() > 0 {
            writeln!(out, "Aggregated Failed Test Cases : ").map_err(OutputError)?;
            write!(out, "{}", failed_rows.table(args.detailed_results)).map_err(OutputError)?;
        }
    } else {
        writeln!(out, "\n{}\n", total.summary()).map_err(OutputError)?;
    }
    out.flush().map_err(OutputError)?;
    Ok(if errors > 0 {
        crate::EXIT_ERROR
    } else if total.failed() > 0 {
        crate::EXIT_DENIED
    } else {
        crate::EXIT_ALLOWED
    })
}

/// Loads a test's values, policies, resources and exceptions, printing Kyverno's loading lines;
/// the inner error is why the test cannot run.
fn load<W: Write>(
    test: &KyvernoTest,
    dir: &Path,
    kyverno: KyvernoVersion,
    inputs: &mut Inputs,
    out: &mut W,
) -> Result<Result<Loaded, String>, RunError> {
    let line = |out: &mut W, s: &str| writeln!(out, "{s}").map_err(OutputError);
    line(out, "  Loading values/variables ...")?;
    let values = match (test.values(), test.variables()) {
        (Some(values), _) => values.clone(),
        (None, Some(file)) => {
            let docs = match read_docs(&full_path(dir, file), inputs, false)? {
                Ok(docs) => docs,
                Err(e) => return Ok(Err(format!("unable to load variable file: {file} ({e})"))),
            };
            match docs.first().map(|(text, _)| KyvernoValues::from_json_str(&String::from_utf8_lossy(text))) {
                None => KyvernoValues::default(),
                Some(Ok(values)) => values,
                Some(Err(e)) => return Ok(Err(format!("unable to load variable file: {file} ({e})"))),
            }
        }
        (None, None) => KyvernoValues::default(),
    };
    if test.userinfo().is_some() {
        line(out, "  Loading user infos ...")?;
    }
    for field in test.unused_fields() {
        line(out, &format!("  note: pss does not read the test's {field}"))?;
    }
    line(out, "  Loading policies ...")?;
    let mut loaded = Loaded {
        policies: Vec::new(),
        invalid: Vec::new(),
        resources: Vec::new(),
        exceptions: Vec::new(),
        labels: values.namespace_labels(),
        operation: values.operation().to_owned(),
    };
    for file in test.policies() {
        let docs = match read_docs(&full_path(dir, file), inputs, true)? {
            Ok(docs) => docs,
            Err(e) => return Ok(Err(format!("failed to load policies ({e})"))),
        };
        for (text, place) in docs {
            match KyvernoPolicy::from_slice_for(&text, kyverno) {
                Ok(policy) => loaded.policies.push(policy),
                Err(e @ PolicyError::Invalid { .. }) => {
                    let PolicyError::Invalid { name, .. } = &e else { unreachable!("matched Invalid") };
                    loaded.invalid.push((name.clone(), e.to_string()));
                }
                Err(PolicyError::Decode(e)) => return Ok(Err(format!("failed to load policies ({place}: {e})"))),
                Err(e) => line(out, &format!("  skipped: {place}: {e}"))?,
            }
        }
    }
    line(out, "  Loading resources ...")?;
    for file in test.resources() {
        match read_docs(&full_path(dir, file), inputs, true)? {
            Ok(docs) => loaded.resources.extend(docs.into_iter().map(|(text, _)| text)),
            Err(e) => return Ok(Err(format!("failed to load resources ({e})"))),
        }
    }
    line(out, "  Loading exceptions ...")?;
    for file in test.exceptions() {
        let docs = match read_docs(&full_path(dir, file), inputs, true)? {
            Ok(docs) => docs,
            Err(e) => return Ok(Err(format!("failed to load exceptions ({e})"))),
        };
        for (text, place) in docs {
            match PolicyException::from_slice_for(&text, kyverno) {
                Ok(exception) => loaded.exceptions.push(exception),
                Err(e) if e.is_cel_exception() => line(out, &format!("  skipped: {place}: {e}"))?,
                Err(e) => return Ok(Err(format!("failed to load exceptions ({place}: {e})"))),
            }
        }
    }
    Ok(Ok(loaded))
}

#[cfg(test)]
mod tests {
    use super::clean;

    #[test]
    fn paths_are_cleaned_as_go_cleans_them() {
        for (path, want) in [
            (".", "."),
            ("./a/", "a"),
            ("a//b/./c/..", "a/b"),
            ("../x", "../x"),
            ("/../a", "/a"),
            ("a/../..", ".."),
            ("./kyverno-test.yaml", "kyverno-test.yaml"),
        ] {
            assert_eq!(clean(path), want, "{path}");
        }
    }
}
