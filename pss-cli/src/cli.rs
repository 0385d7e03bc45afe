//! The command line: `pss check [OPTIONS] [PATH...]`,
//! `pss label-dry-run [OPTIONS] NAMESPACE|--all LEVEL[:VERSION] [PATH...]`, `pss apply` and
//! `pss fix`.

use std::ffi::OsString;
use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use pss_core::{Level, Version};

use crate::namespaces::{parse_namespace_labels, NamespaceLabels};

/// Check Kubernetes manifests against the Pod Security Standards, exactly as the API server's
/// PodSecurity admission controller would.
#[derive(Debug, Parser)]
#[command(name = "pss", version, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,

    /// The largest document read, in bytes or with a unit (Ki, Mi, Gi); a larger one is an input
    /// error and the documents after it are still checked.
    #[arg(long, global = true, value_name = "SIZE", default_value = "128Mi", value_parser = crate::limits::parse_size)]
    pub max_document_size: u64,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check pods and pod controllers in YAML or JSON manifests as PodSecurity admission would.
    #[command(
        long_about = CHECK_ABOUT,
        after_long_help = CHECK_AFTER_HELP,
        after_help = "See 'pss check --help' for namespaces, the input formats, the output formats, exit status and \
                      examples."
    )]
    Check(CheckArgs),

    /// What breaks if a namespace is labelled pod-security.kubernetes.io/enforce=LEVEL: the API
    /// server's dry-run warnings over the pods in the input.
    #[command(
        name = "label-dry-run",
        visible_alias = "dry-run-label",
        override_usage = "pss label-dry-run [OPTIONS] <NAMESPACE> <LEVEL[:VERSION]> [PATH]...\n       \
                          pss label-dry-run [OPTIONS] --all <LEVEL[:VERSION]> [PATH]...",
        long_about = DRY_RUN_ABOUT,
        after_long_help = DRY_RUN_AFTER_HELP,
        after_help = "See 'pss label-dry-run --help' for the output, exit status and examples."
    )]
    LabelDryRun(DryRunArgs),

    /// Apply Kyverno ClusterPolicy/Policy documents with validate.podSecurity rules and their
    /// PolicyExceptions to manifests, offline, as a chosen Kyverno release would (its verdicts and
    /// messages).
    #[command(
        override_usage = "pss apply [OPTIONS] <POLICY>... -r <RESOURCE>...",
        long_about = crate::apply::ABOUT,
        after_long_help = crate::apply::AFTER_HELP
    )]
    Apply(crate::apply::ApplyArgs),

    /// Change pods and pod controllers in manifests, as little as needed, to pass a level, proven
    /// by evaluating the fixed workloads again; prints a diff, or writes the files with --write.
    #[command(
        override_usage = "pss fix --level <LEVEL> [--version <VERSION>] [--safe-only] [--write] [--format <FORMAT>] [PATH]...",
        long_about = crate::fix::ABOUT,
        after_long_help = crate::fix::AFTER_HELP,
        after_help = "See 'pss fix --help' for what is changed, the output formats, exit status and examples."
    )]
    Fix(crate::fix::FixArgs),
    /// Run Kyverno CLI test files (kyverno-test.yaml) for validate.podSecurity rules, as 'kyverno
    /// test' runs them.
    #[command(long_about = crate::test_cmd::ABOUT, after_long_help = crate::test_cmd::AFTER_HELP)]
    Test(crate::test_cmd::TestArgs),
}

const CHECK_ABOUT: &str = "\
Check pods and pod controllers in YAML or JSON manifests as the API server's PodSecurity admission
controller would check them in their namespaces.

Each Pod is reviewed in its namespace's three modes. enforce: a pod that violates the enforce level
is denied, with the message the API server would give:

  pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container
  \"privileged-pod\" must not set securityContext.privileged=true)

warn: a violation of the warn level gives the warning kubectl would show (Warning: would violate
PodSecurity \"restricted:latest\": ...). audit: a violation of the audit level gives the audit
annotation pod-security.kubernetes.io/audit-violations (shown with --verbose).

Pod controllers (PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet,
DaemonSet, Job, CronJob) are reviewed through their pod template, with field paths relative to the
object (spec.template.spec.containers[0]...). The API server never denies a controller, it only
warns and audits; but the pods it creates would be denied, so pss also checks the template at the
namespace's enforce level and counts the controller as denied when they would be:

  deployments \"web\" (pods it creates would be denied): violates PodSecurity \"baseline:latest\": ...

A ReplicationController without a template creates no pods and is allowed. Objects of any other kind
(Services, ConfigMaps, ...) are skipped and counted; a List (such as the output of 'kubectl get pods
-o json') is checked item by item.";

const CHECK_AFTER_HELP: &str = "\
Namespaces and policies:
  An object is in its metadata.namespace, or in --namespace (default \"default\") when it has none,
  as with kubectl. A namespace's policy comes from its labels (pod-security.kubernetes.io/enforce,
  enforce-version, audit, audit-version, warn, warn-version), found in:
    - Namespace objects in the input, before or after the objects in them (the input is first read
      once looking only for Namespace objects; standard input is kept in memory for this). When a
      namespace appears twice, the later one wins. Each Namespace is also checked as a namespace
      creation: invalid PodSecurity labels make it denied with the API server's message
      (Namespace \"x\" is invalid: ...).
    - --namespace-labels NAMESPACE=KEY=VALUE[,KEY=VALUE...], which replaces the labels of
      NAMESPACE found in the input (repeat the option for more namespaces).
  Unset labels take the default policy: without --admission-config, enforce, audit and warn are
  all --level:--version (default baseline:latest); with --admission-config, the configuration's
  defaults apply and --level and --version cannot be given. As upstream, an invalid enforce label
  falls back to restricted, an invalid audit or warn label to privileged, an invalid version to
  latest; the error is the audit annotation pod-security.kubernetes.io/error. When enforce is set
  and warn is not, warn follows a stricter enforce.
  --admission-config FILE reads a PodSecurityConfiguration (pod-security.admission.config.k8s.io
  v1, v1beta1 or v1alpha1), or an AdmissionConfiguration with the PodSecurity plugin, in YAML or
  JSON: its defaults, and its exemptions by namespace, by user (the user creating the objects is
  --username) and by runtime class. A controller's pods are created by the controller, so a user
  exemption covers the controller (no warnings) but not its pods.

Input:
  Each PATH is a file, a directory, or '-' for standard input (the default when no PATH is given).
  Directories are walked recursively in sorted order for *.yaml, *.yml, *.json and *.jsonl files
  (symbolic links to directories found while walking are not followed).
  Every file and standard input is read as kubectl reads it, whatever its name: JSON when its first
  character is '{' (one object, a List with 'items', or a stream of objects such as JSON Lines;
  if the first or second object is not JSON, the rest is YAML), YAML otherwise (several documents
  separated by '---' lines; scalars as Kubernetes' YAML reader has them: yes/no/on/off booleans,
  0755 octal). UTF-16 files with a byte-order mark are converted; invalid UTF-8 reads as U+FFFD.

Output (--format):
  text   For each denied object, its place and the API server's message, e.g.
           manifests/web.yaml (document 2, line 14): pods \"web\" is forbidden: violates ...
         then each warning as kubectl shows it, e.g.
           manifests/web.yaml (document 2, line 14): Warning: would violate PodSecurity ...
         then, for a denied object, where each offending field is written (of its nearest parent when
         the field is missing), as compilers write places, e.g.
           manifests/web.yaml:22:9: spec.containers[0].securityContext.privileged: privileged
         Documents and List items are numbered from 1. Allowed and exempt objects, Namespaces and
         audit annotations are listed only with --verbose; objects that are not workloads get a
         'skipped' line. A summary line ends the output. Colour is used only when standard output
         is a terminal and NO_COLOR is not set (see --color).
  jsonl  One JSON object per checked pod, controller and Namespace, one per line:
           {\"source\": \"manifests/web.yaml\", \"document\": 1, \"line\": 14, \"kind\": \"Pod\",
            \"name\": \"web\", \"namespace\": null, \"level\": \"baseline\", \"version\": \"latest\",
            \"allowed\": false, \"violations\": [{\"check\": \"privileged\", \"reason\": \"privileged\",
            \"detail\": \"...\", \"fields\": [{\"path\": \"spec.containers[0].securityContext.privileged\",
            \"value\": true, \"container\": \"web\", \"line\": 22, \"column\": 9}]}],
            \"policy\": {\"enforce\": \"baseline:latest\", \"audit\": \"baseline:latest\",
            \"warn\": \"baseline:latest\"}, \"enforce\": {\"allowed\": false, \"message\": \"pods ...\"},
            \"warnings\": [], \"audit_annotations\": {\"pod-security.kubernetes.io/audit-violations\":
            \"would violate PodSecurity ...\", \"pod-security.kubernetes.io/enforce-policy\":
            \"baseline:latest\"}, \"exempt\": null}
         'source' is the path as given or as found under a directory ('-' for standard input);
         'document' is the 0-based index of the document in its source; 'item' (only for objects in
         a List) the 0-based index in 'items'; 'line' the 1-based line where the object starts;
         'namespace' the object's metadata.namespace as written.
         'level' and 'version' are the enforce level of the object's namespace, 'allowed' and
         'violations' the verdict and violations at that level (for a controller, of the pods it
         creates); 'policy' the namespace's three modes; 'enforce' the verdict and the message;
         'warnings' and 'audit_annotations' what the API server would return and record; 'exempt'
         \"namespace\", \"user\" or \"runtimeClass\" when exempt (an exempt object is not evaluated).
         Violations come in upstream's order; each field has the 'line' and 'column' (1-based) where
         it is written in the source, or its nearest parent when it is missing.
  json   The same objects in one document: {\"results\": [...], \"summary\": {...}}.
  sarif  SARIF 2.1.0, for code scanning (e.g. GitHub's upload-sarif): one rule per check (its Pod
         Security Standards control, description and link), one result per place of an offending
         field (file, line, column) of each violation: level 'error' for a denied object, 'warning'
         for a violation of the warn level only. Input errors and invalid Namespace labels are
         notifications of the run. Paths are relative to the working directory, as given: run pss
         from the repository root.
  junit  JUnit XML, for CI test reports: one testsuite per file, one testcase per checked pod,
         controller and Namespace; a denied object's testcase has a failure with the API server's
         message and the places of the offending fields, an exempt one is skipped, warnings are in
         system-out, and each input error is a testcase in error.
  Input errors always go to standard error, naming the file, the document and the position.

Exit status:
  0  every pod is allowed, and no controller creates pods that would be denied (or there were none)
  1  at least one pod (or a controller's pods, or a Namespace's labels) is denied, and there was no
     input error
  2  usage error (including --level or --version with --admission-config, or an unusable
     configuration file), or at least one input error (an unreadable file, a malformed document, a
     field of the wrong type); the other documents and files are still checked and reported

Examples:
  pss check examples/privileged-pod.yaml
  pss check --level restricted manifests/
  pss check --namespace-labels prod=pod-security.kubernetes.io/enforce=restricted manifests/
  pss check --admission-config examples/admission-config.yaml --username ci-bot examples/
  kubectl get pods -A -o json | pss check --level restricted --format jsonl
  pss check --level restricted --format sarif k8s/ > pss.sarif
  helm template my-chart | pss check --level baseline --version v1.29 -";

const DRY_RUN_ABOUT: &str = "\
What breaks if a namespace is labelled pod-security.kubernetes.io/enforce=LEVEL (and
pod-security.kubernetes.io/enforce-version=VERSION when given): the warnings the API server gives
for

  kubectl label --dry-run=server --overwrite ns NAMESPACE pod-security.kubernetes.io/enforce=LEVEL

reviewing the pods in the input (e.g. the output of 'kubectl get pods -A -o json', a List; or YAML
and JSON streams) whose namespace is NAMESPACE (a pod without metadata.namespace is in --namespace).
The namespace's current labels, the old labels, come from a Namespace object named NAMESPACE in the
input or from --namespace-labels; without either they are empty (the default policy). The new
labels are the old ones with the enforce label (and the enforce-version label) set.

As the API server, only pods are reviewed (not controllers), pods whose runtime class is exempt are
skipped, at most 3000 pods are checked (one per controller first), pods with the same reasons are
reported together under the first name in sorted order, and nothing is checked when the new enforce
level is privileged, is not stricter than the old one at the same version, or the namespace is
exempt.";

const DRY_RUN_AFTER_HELP: &str = "\
Output:
  For each namespace reviewed (NAMESPACE, or with --all every namespace found among the pods, in
  sorted order), upstream's warnings word for word, each after 'Warning: ' as kubectl prints them:
    Warning: existing pods in namespace \"prod\" violate the new PodSecurity enforce level \"restricted:latest\"
    Warning: web-7d4b9 (and 2 other pods): allowPrivilegeEscalation != false, unrestricted capabilities
    Warning: new PodSecurity enforce level only checked against the first 3000 of 3200 existing pods
    Warning: namespace \"kube-system\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored
  then a summary line for the namespace, e.g.
    namespace \"prod\": 3 of 5 pods would violate the new enforce level \"restricted:latest\"
  Invalid labels (an unknown level or version) give upstream's error on standard error:
    pss: error: Namespace \"prod\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: ...
  --admission-config FILE applies its exemptions and defaults, as in 'pss check'.

Exit status:
  0  no existing pod would violate the new level
  1  some existing pods would violate it, and there was no error
  2  usage error, invalid labels, an unusable configuration file, or an input error

Examples:
  kubectl get pods -A -o json | pss label-dry-run prod restricted
  kubectl get ns,pods -A -o json | pss label-dry-run --all baseline:v1.30
  pss label-dry-run prod restricted examples/";

/// Where namespaces and their labels come from.
#[derive(Debug, clap::Args)]
pub struct NamespaceArgs {
    /// The namespace of objects without metadata.namespace, as kubectl's --namespace.
    #[arg(short = 'n', long, default_value = pss_core::admission::DEFAULT_NAMESPACE, value_name = "NAME")]
    pub namespace: String,

    /// The labels of a namespace, as NAMESPACE=KEY=VALUE[,KEY=VALUE...] (NAMESPACE= for none);
    /// they replace those of a Namespace object of that name in the input. Repeatable.
    #[arg(long = "namespace-labels", value_name = "NAMESPACE=LABELS", value_parser = parse_namespace_labels)]
    pub namespace_labels: Vec<NamespaceLabels>,
}

/// `pss check`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The default level for namespaces without PodSecurity labels: privileged, baseline or
    /// restricted (enforce, audit and warn).
    #[arg(short, long, default_value = "baseline", value_parser = parse_level)]
    pub level: Level,

    /// The default version for namespaces without PodSecurity labels: "latest" or "v1.N" (as in
    /// the namespace label pod-security.kubernetes.io/enforce-version).
    #[arg(long = "version", default_value = "latest", value_parser = parse_version)]
    pub version: Version,

    /// A PodSecurityConfiguration (YAML or JSON) whose defaults and exemptions apply; its defaults
    /// replace --level and --version.
    #[arg(long, value_name = "FILE", conflicts_with_all = ["level", "version"])]
    pub admission_config: Option<PathBuf>,

    /// The user creating the objects, for the configuration's user exemptions.
    #[arg(long, value_name = "NAME", default_value = "")]
    pub username: String,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// In text output, also list allowed and exempt objects, Namespaces, and audit annotations.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Files (pieces of a JSON or YAML stream on standard input, chunks of the items of a long List read
    /// alone) read at once, on as many threads [default: the cores available, at most 8]. The
    /// output is the same with any number: results come in the order of the input. SARIF and
    /// JUnit output are written from one thread.
    #[arg(short, long, value_name = "N")]
    pub jobs: Option<std::num::NonZeroUsize>,

    /// Files, directories, or '-' for standard input [default: -].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// `pss label-dry-run`'s arguments.
///
/// Its field docs are also `--help`'s text, which spells an optional part `[:VERSION]` as usage lines
/// do; rustdoc would take that for a link.
#[allow(rustdoc::broken_intra_doc_links)]
#[derive(Debug, clap::Args)]
pub struct DryRunArgs {
    /// Review every namespace found among the pods, in sorted order (then the first argument is
    /// LEVEL[:VERSION]).
    #[arg(short = 'A', long = "all", visible_alias = "all-namespaces")]
    pub all: bool,

    /// A PodSecurityConfiguration (YAML or JSON) whose defaults and exemptions apply.
    #[arg(long, value_name = "FILE")]
    pub admission_config: Option<PathBuf>,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// When to colour the output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// NAMESPACE (unless --all), LEVEL[:VERSION], then files, directories, or '-' for standard
    /// input [default: -].
    #[arg(value_name = "ARGS", required = true)]
    pub args: Vec<OsString>,
}

/// What `pss label-dry-run` reviews.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DryRunTargets {
    /// The namespace, or `None` for every namespace found among the pods.
    pub namespace: Option<String>,
    /// The enforce level label's value, as given (upstream validates it).
    pub level: String,
    /// The enforce-version label's value, when given.
    pub version: Option<String>,
    /// The inputs.
    pub paths: Vec<PathBuf>,
}

impl DryRunArgs {
    /// Splits the positional arguments.
    ///
    /// # Errors
    /// A missing or non-UTF-8 NAMESPACE or LEVEL, as a message for a usage error.
    pub fn targets(&self) -> Result<DryRunTargets, String> {
        let mut args = self.args.iter();
        let mut text = |what: &str| -> Result<String, String> {
            match args.next().map(|a| a.to_str()) {
                Some(Some(s)) => Ok(s.to_owned()),
                Some(None) => Err(format!("{what} is not valid UTF-8")),
                None => Err(format!("the following required arguments were not provided: <{what}>")),
            }
        };
        let namespace = if self.all { None } else { Some(text("NAMESPACE")?) };
        let level_version = text("LEVEL[:VERSION]")?;
        let (level, version) = match level_version.split_once(':') {
            Some((level, version)) => (level.to_owned(), Some(version.to_owned())),
            None => (level_version, None),
        };
        let mut paths: Vec<PathBuf> = args.map(PathBuf::from).collect();
        if paths.is_empty() {
            paths.push(PathBuf::from("-"));
        }
        Ok(DryRunTargets { namespace, level, version, paths })
    }
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The API server's message for each denied object, warnings, and a summary.
    Text,
    /// One JSON document: `{"results": [...], "summary": {...}}`.
    Json,
    /// One JSON object per checked object, one per line.
    Jsonl,
    /// SARIF 2.1.0, for code scanning: a result per offending place, a rule per check.
    Sarif,
    /// JUnit XML: a testsuite per file, a testcase per checked object.
    Junit,
}

impl Format {
    /// Whether each source's results can be written apart and joined in order (text, JSON Lines,
    /// JSON). SARIF and JUnit gather per run or per file and are written on one thread.
    pub fn parallel(self) -> bool {
        matches!(self, Format::Text | Format::Json | Format::Jsonl)
    }
}

/// When to use colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// When the output is a terminal and NO_COLOR is unset or empty.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

fn parse_level(s: &str) -> Result<Level, pss_core::Error> {
    Level::parse(s)
}

fn parse_version(s: &str) -> Result<Version, pss_core::Error> {
    Version::parse(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    fn targets(args: &[&str]) -> Result<DryRunTargets, String> {
        let mut argv = vec!["pss", "label-dry-run"];
        argv.extend_from_slice(args);
        match Cli::try_parse_from(argv).expect("parses").command {
            Command::LabelDryRun(args) => args.targets(),
            _ => panic!("not label-dry-run"),
        }
    }

    #[test]
    fn dry_run_positional_arguments() {
        let t = targets(&["prod", "restricted:v1.30", "a.yaml", "dir/"]).unwrap();
        assert_eq!(t.namespace.as_deref(), Some("prod"));
        assert_eq!((t.level.as_str(), t.version.as_deref()), ("restricted", Some("v1.30")));
        assert_eq!(t.paths, [PathBuf::from("a.yaml"), PathBuf::from("dir/")]);

        let t = targets(&["--all", "baseline"]).unwrap();
        assert_eq!(t.namespace, None);
        assert_eq!((t.level.as_str(), t.version), ("baseline", None));
        assert_eq!(t.paths, [PathBuf::from("-")]);

        // Values are passed on as labels, for upstream to validate.
        let t = targets(&["-A", "strict:", "-"]).unwrap();
        assert_eq!((t.level.as_str(), t.version.as_deref()), ("strict", Some("")));

        assert_eq!(
            targets(&["prod"]).unwrap_err(),
            "the following required arguments were not provided: <LEVEL[:VERSION]>"
        );
    }

    #[test]
    fn admission_config_conflicts_with_level_and_version() {
        let parse = |args: &[&str]| Cli::try_parse_from([&["pss", "check"][..], args].concat()).map(|_| ());
        assert!(parse(&["--admission-config", "c.yaml"]).is_ok());
        assert!(parse(&["--admission-config", "c.yaml", "--level", "baseline"]).is_err());
        assert!(parse(&["--admission-config", "c.yaml", "--version", "latest"]).is_err());
    }
}
