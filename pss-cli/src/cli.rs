//! The command line: `pss check [--level L] [--version V] [--format F] [PATH...]`.

use std::path::PathBuf;

use clap::{Parser, Subcommand, ValueEnum};
use pss_core::{Level, Version};

/// Check Kubernetes manifests against the Pod Security Standards, exactly as the API server's
/// PodSecurity admission controller would.
#[derive(Debug, Parser)]
#[command(name = "pss", version, arg_required_else_help = true)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Check pods in YAML or JSON manifests against a Pod Security Standards level.
    #[command(
        long_about = CHECK_ABOUT,
        after_long_help = CHECK_AFTER_HELP,
        after_help = "See 'pss check --help' for the input formats, the output formats, exit status and examples."
    )]
    Check(CheckArgs),
}

const CHECK_ABOUT: &str = "\
Check pods in YAML or JSON manifests against a Pod Security Standards level.

Each Pod is evaluated as the API server's PodSecurity admission controller would evaluate it at the
given level and version, and a denied pod is reported with the message the API server would give:

  pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:latest\": privileged (container
  \"privileged-pod\" must not set securityContext.privileged=true)

Objects of any other kind (Deployments, Services, ...) are skipped and counted; a List (such as the
output of 'kubectl get pods -o json') is checked item by item.";

const CHECK_AFTER_HELP: &str = "\
Input:
  Each PATH is a file, a directory, or '-' for standard input (the default when no PATH is given).
  Directories are walked recursively in sorted order for *.yaml, *.yml, *.json and *.jsonl files
  (symbolic links to directories found while walking are not followed).
  *.yaml and *.yml files are YAML, possibly several documents separated by '---' lines; booleans
  follow YAML 1.1 as kubectl does (yes/no/on/off). *.json and *.jsonl files are JSON: one object, a
  List with 'items', or a stream of objects such as JSON Lines. Standard input and files with other
  names are JSON when their first character is '{' or '[', YAML otherwise.

Output (--format):
  text   For each denied pod, its place and the API server's message, e.g.
           manifests/web.yaml (document 2, line 14): pods \"web\" is forbidden: violates ...
         Documents and List items are numbered from 1. Allowed pods are not listed unless --verbose
         is given; objects that are not pods get a 'skipped' line. A summary line ends the output.
         Colour is used only when standard output is a terminal and NO_COLOR is not set (see --color).
  jsonl  One JSON object per checked pod, one per line:
           {\"source\": \"manifests/web.yaml\", \"document\": 1, \"line\": 14, \"kind\": \"Pod\",
            \"name\": \"web\", \"namespace\": null, \"level\": \"baseline\", \"version\": \"latest\",
            \"allowed\": false, \"violations\": [{\"check\": \"privileged\", \"reason\": \"privileged\",
            \"detail\": \"...\", \"fields\": [{\"path\": \"spec.containers[0].securityContext.privileged\",
            \"value\": true, \"container\": \"web\"}]}]}
         'source' is the path as given or as found under a directory ('-' for standard input);
         'document' is the 0-based index of the document in its source; 'item' (only for pods in a
         List) the 0-based index in 'items'; 'line' the 1-based line where the object starts (absent
         for List items in YAML). Violations come in upstream's order.
  json   The same objects in one document: {\"results\": [...], \"summary\": {...}}.
  Input errors always go to standard error, naming the file, the document and the position.

Exit status:
  0  every pod is allowed (or there were no pods)
  1  at least one pod is denied, and there was no input error
  2  usage error, or at least one input error (an unreadable file, a malformed document, a field of
     the wrong type); the other documents and files are still checked and reported

Examples:
  pss check examples/privileged-pod.yaml
  pss check --level restricted manifests/
  kubectl get pods -A -o json | pss check --level restricted --format jsonl
  helm template my-chart | pss check --level baseline --version v1.29 -";

/// `pss check`'s arguments.
#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// The level to check against: privileged, baseline or restricted.
    #[arg(short, long, default_value = "baseline", value_parser = parse_level)]
    pub level: Level,

    /// The version of the standards: "latest" or "v1.N" (as in the namespace label
    /// pod-security.kubernetes.io/enforce-version).
    #[arg(long = "version", default_value = "latest", value_parser = parse_version)]
    pub version: Version,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// In text output, also list allowed pods.
    #[arg(short, long)]
    pub verbose: bool,

    /// When to colour text output.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,

    /// Files, directories, or '-' for standard input [default: -].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// The API server's message for each denied pod, and a summary.
    Text,
    /// One JSON document: `{"results": [...], "summary": {...}}`.
    Json,
    /// One JSON object per checked pod, one per line.
    Jsonl,
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
}
