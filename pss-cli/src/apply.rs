//! `pss apply POLICY... -r RESOURCE...`: Kyverno `ClusterPolicy`/`Policy` documents with
//! `validate.podSecurity` rules, applied offline to manifests (pss-core's `KyvernoPolicy`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::PathBuf;

use pss_core::kyverno::{blocked_message, FailureAction, KyvernoPolicy, PolicyError, PolicyResult, RuleStatus};
use pss_core::ObjectDocument;
use serde::Serialize;

use crate::cli::NamespaceArgs;
use crate::documents::{self, Inputs, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError, Place, RunError};
use crate::namespaces::scan_namespaces;
use crate::objects::namespace_of;
use crate::report::Loc;

/// `pss apply --help`'s description.
pub const ABOUT: &str = "\
Apply Kyverno ClusterPolicy and Policy documents (kyverno.io/v1, v2beta1, ...) to manifests,
offline, as Kyverno's admission webhook would: their validate.podSecurity rules (level, version,
exclude), match and exclude blocks, the rules Kyverno generates for pod controllers
(autogen-<rule>, autogen-cronjob-<rule>) and the failure actions (Enforce, Audit, overrides).

A resource that a failed Enforce rule blocks is reported with Kyverno's text:

  resource Pod/default/privileged-pod was blocked due to the following policies
  baseline-policy:
    baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false
    ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set
    securityContext.privileged=true})

Other rule types (mutate, generate, verifyImages, validate.pattern, anyPattern, deny, foreach, cel,
manifests; podSecurity rules with preconditions or context) are reported as unsupported, never
passed. Other documents among the policies are reported as unsupported and skipped; an invalid
policy is reported with Kyverno's validation errors and skipped.";

/// `pss apply --help`'s details.
pub const AFTER_HELP: &str = "\
Resources:
  A resource is in its metadata.namespace, or in --namespace (default \"default\") when it has
  none; a Namespace is cluster-scoped. Requests are CREATE; there is no requesting user, so
  subjects, roles and clusterRoles in match/exclude never hold; a namespaceSelector (in match,
  exclude or failure action overrides) sees the labels of the Namespace objects among the resources
  (wherever they are in the input), replaced by those given with --namespace-labels, and no labels
  for other namespaces. Inputs are read as by 'pss check' (files, directories, '-', YAML or JSON,
  Lists).

Output (--format):
  text   For each blocked resource, Kyverno's blocked text; then, per policy and resource, audit
         failures ('policy P -> resource NS/Kind/name failed (audit):'), rule errors not in the
         blocked text, and unsupported rules, each rule as 'N. RULE: MESSAGE'; finally Kyverno's
         footer 'pass: N, fail: N, warn: N, error: N, skip: N' (fail counts Enforce failures,
         warn Audit failures, error rule errors and invalid policies, skip skipped and unsupported
         rules).
  json   {\"policies\": [names], \"skipped_policies\": [...], \"resources\": [{\"source\", \"document\",
         \"kind\", \"name\", \"namespace\", \"blocked\", \"message\", \"policies\": [{\"policy\", \"kind\",
         \"rules\": [{\"name\", \"status\", \"message\", \"action\", \"violations\"}]}]}], \"summary\": {...}}

Exit status:
  0  no resource is blocked
  1  an Enforce rule blocks a resource, and there was no input error
  2  usage error, an input error (unreadable file, malformed document), or an invalid policy

Examples:
  pss apply examples/baseline-policy.yaml -r examples/privileged-pod.yaml
  pss apply policies/ -r manifests/ --format json
  helm template my-chart | pss apply policies/ -r -";

/// `pss apply`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// Kyverno policy files or directories ('-' for standard input); other documents in them are
    /// reported as unsupported and skipped.
    #[arg(value_name = "POLICY", required = true)]
    pub policies: Vec<PathBuf>,

    /// Resource files or directories ('-' for standard input) to apply the policies to.
    #[arg(short = 'r', long = "resource", value_name = "RESOURCE", required = true, num_args = 1..)]
    pub resources: Vec<PathBuf>,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ApplyFormat::Text)]
    pub format: ApplyFormat,
}

/// `pss apply`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApplyFormat {
    /// Kyverno's blocked text, audit failures, errors and a summary.
    Text,
    /// One JSON document: `{"policies": [...], "resources": [...], "summary": {...}}`.
    Json,
}

/// Kyverno's footer counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rules passed.
    pub pass: usize,
    /// Enforce rules failed.
    pub fail: usize,
    /// Audit rules failed.
    pub warn: usize,
    /// Rule errors and invalid policies.
    pub error: usize,
    /// Rules skipped or not supported.
    pub skip: usize,
}

/// A policy document that was not loaded.
#[derive(Debug, Serialize)]
struct Skipped {
    source: String,
    document: usize,
    /// `invalid` or `unsupported`.
    reason: &'static str,
    name: Option<String>,
    message: String,
}

/// Loads the policies.
struct Loader {
    policies: Vec<KyvernoPolicy>,
    skipped: Vec<Skipped>,
    input_errors: Vec<String>,
}

impl Visitor for Loader {
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        match KyvernoPolicy::from_slice(text) {
            Ok(policy) => self.policies.push(policy),
            Err(PolicyError::UnsupportedKind { kind, .. }) if kind.ends_with("List") && !in_list => {
                return Ok(Visit::List)
            }
            Err(PolicyError::Decode(error)) => {
                self.input_errors.push(InputError::Document { at: at.place(), error, origin }.to_string());
            }
            Err(e @ PolicyError::Invalid { .. }) => {
                let PolicyError::Invalid { name, .. } = &e else { unreachable!("matched Invalid") };
                self.skipped.push(Skipped {
                    source: at.source.shown.clone(),
                    document: at.document,
                    reason: "invalid",
                    name: Some(name.clone()),
                    message: e.to_string(),
                });
            }
            Err(e) => self.skipped.push(Skipped {
                source: at.source.shown.clone(),
                document: at.document,
                reason: "unsupported",
                name: None,
                message: e.to_string(),
            }),
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.input_errors.push(error.to_string());
        Ok(())
    }
}

/// One resource's results.
#[derive(Debug, Serialize)]
struct ResourceReport {
    #[serde(flatten)]
    place: PlaceJson,
    kind: String,
    name: String,
    namespace: String,
    blocked: bool,
    /// Kyverno's blocked text, when blocked.
    message: Option<String>,
    policies: Vec<PolicyResult>,
}

#[derive(Debug, Serialize)]
struct PlaceJson {
    source: String,
    document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
}

impl From<Place> for PlaceJson {
    fn from(p: Place) -> Self {
        PlaceJson { source: p.source, document: p.document, item: p.item, line: p.line }
    }
}

/// Applies the policies to each resource as it is read.
struct Applier<'p, W: Write> {
    policies: &'p [KyvernoPolicy],
    default_namespace: String,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    format: ApplyFormat,
    out: W,
    counts: Counts,
    blocked: usize,
    input_errors: usize,
    resources: Vec<ResourceReport>,
}

impl<W: Write> Applier<'_, W> {
    fn write_text(&mut self, report: &ResourceReport) -> io::Result<()> {
        if let Some(message) = &report.message {
            writeln!(self.out, "{message}\n")?;
        }
        let path = format!("{}/{}/{}", report.namespace, report.kind, report.name);
        let blocked = report.message.is_some();
        for result in &report.policies {
            // What the blocked text does not show: audit failures, other errors, unsupported rules.
            for label in ["failed (audit)", "error", "unsupported"] {
                let rules: Vec<_> = result
                    .rules()
                    .iter()
                    .filter(|r| unblocked_group(r.status(), r.action(), blocked) == Some(label))
                    .collect();
                if rules.is_empty() {
                    continue;
                }
                writeln!(self.out, "policy {} -> resource {path} {label}:", result.policy())?;
                for (i, rule) in rules.iter().enumerate() {
                    writeln!(self.out, "{}. {}: {}", i + 1, rule.name(), rule.message())?;
                }
                writeln!(self.out)?;
            }
        }
        Ok(())
    }
}

/// Under which heading a rule the blocked text leaves out is listed, if it is listed.
fn unblocked_group(status: RuleStatus, action: FailureAction, blocked: bool) -> Option<&'static str> {
    match (status, action) {
        (RuleStatus::Fail, FailureAction::Audit) => Some("failed (audit)"),
        (RuleStatus::Error, FailureAction::Audit) => Some("error"),
        (RuleStatus::Error, _) if !blocked => Some("error"),
        (RuleStatus::Unsupported, _) => Some("unsupported"),
        _ => None,
    }
}

impl<W: Write> Visitor for Applier<'_, W> {
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        let obj = match ObjectDocument::from_slice(text) {
            Ok(obj) => obj,
            Err(error) => {
                self.input_error(&InputError::Document { at: at.place(), error, origin })?;
                return Ok(Visit::Done);
            }
        };
        let kind = obj.kind().unwrap_or("");
        if kind.ends_with("List") && !in_list {
            return Ok(Visit::List);
        }
        // Namespaces are cluster-scoped; everything else without a namespace is in --namespace.
        let namespace = if kind == "Namespace" {
            String::new()
        } else {
            namespace_of(obj.namespace(), &self.default_namespace).to_owned()
        };
        let labels = self.namespace_labels.get(&namespace);
        let policies: Vec<PolicyResult> =
            self.policies.iter().map(|p| p.apply(&obj, &namespace, labels)).filter(|r| !r.rules().is_empty()).collect();
        for rule in policies.iter().flat_map(PolicyResult::rules) {
            match (rule.status(), rule.action()) {
                (RuleStatus::Pass, _) => self.counts.pass += 1,
                (RuleStatus::Fail, FailureAction::Enforce) => self.counts.fail += 1,
                (RuleStatus::Fail, _) => self.counts.warn += 1,
                (RuleStatus::Error, _) => self.counts.error += 1,
                _ => self.counts.skip += 1,
            }
        }
        let message = blocked_message(&obj, &namespace, &policies);
        if message.is_some() {
            self.blocked += 1;
        }
        let report = ResourceReport {
            place: at.place().into(),
            kind: kind.to_owned(),
            name: obj.name().unwrap_or("").to_owned(),
            namespace,
            blocked: message.is_some(),
            message,
            policies,
        };
        match self.format {
            ApplyFormat::Text => self.write_text(&report).map_err(OutputError)?,
            ApplyFormat::Json => self.resources.push(report),
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.input_errors += 1;
        writeln!(io::stderr(), "pss: {error}").map_err(OutputError)
    }
}

/// Runs `pss apply`; the exit status is 2 on input errors (including invalid policies), else 1
/// when an Enforce rule blocks a resource, else 0.
pub fn run(args: ApplyArgs, stdin: &mut Inputs) -> Result<u8, RunError> {
    let mut loader = Loader { policies: Vec::new(), skipped: Vec::new(), input_errors: Vec::new() };
    for path in &args.policies {
        documents::read_arg(path, stdin, &mut loader)?;
    }
    stdin.rewind();
    for error in &loader.input_errors {
        writeln!(io::stderr(), "pss: {error}").map_err(OutputError)?;
    }
    // Namespace objects among the resources, as `pss check` reads them; --namespace-labels
    // replaces the labels of the namespaces it names (one namespace given twice gets both sets).
    let mut namespace_labels: BTreeMap<String, BTreeMap<String, String>> = scan_namespaces(&args.resources, stdin)?
        .into_iter()
        .map(|(name, labels)| (name, labels.into_iter().collect()))
        .collect();
    let mut flagged = Vec::new();
    for flag in &args.namespaces.namespace_labels {
        let labels = namespace_labels.entry(flag.namespace.clone()).or_default();
        if !flagged.contains(&&flag.namespace) {
            labels.clear();
            flagged.push(&flag.namespace);
        }
        labels.extend(flag.labels.iter().cloned());
    }
    let stdout = io::stdout();
    let mut applier = Applier {
        policies: &loader.policies,
        default_namespace: args.namespaces.namespace.clone(),
        namespace_labels,
        format: args.format,
        out: io::BufWriter::new(stdout.lock()),
        counts: Counts { error: loader.skipped.iter().filter(|s| s.reason == "invalid").count(), ..Counts::default() },
        blocked: 0,
        input_errors: 0,
        resources: Vec::new(),
    };
    if args.format == ApplyFormat::Text {
        for s in &loader.skipped {
            let line = match &s.name {
                Some(name) => format!("policy {name} skipped ({}): {}", s.reason, s.message),
                None => format!("{} (document {}): skipped: {}", s.source, s.document + 1, s.message),
            };
            writeln!(applier.out, "{line}").map_err(OutputError)?;
        }
        if !loader.skipped.is_empty() {
            writeln!(applier.out).map_err(OutputError)?;
        }
    }
    for path in &args.resources {
        documents::read_arg(path, stdin, &mut applier)?;
    }
    let c = applier.counts;
    match args.format {
        ApplyFormat::Text => {
            writeln!(
                applier.out,
                "pass: {}, fail: {}, warn: {}, error: {}, skip: {}",
                c.pass, c.fail, c.warn, c.error, c.skip
            )
            .map_err(OutputError)?;
        }
        ApplyFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                policies: Vec<&'a str>,
                skipped_policies: &'a [Skipped],
                resources: &'a [ResourceReport],
                summary: Counts,
            }
            let doc = Document {
                policies: loader.policies.iter().map(KyvernoPolicy::name).collect(),
                skipped_policies: &loader.skipped,
                resources: &applier.resources,
                summary: c,
            };
            serde_json::to_writer_pretty(&mut applier.out, &doc).map_err(|e| OutputError(e.into()))?;
            writeln!(applier.out).map_err(OutputError)?;
        }
    }
    applier.out.flush().map_err(OutputError)?;
    let invalid = loader.skipped.iter().any(|s| s.reason == "invalid");
    Ok(if !loader.input_errors.is_empty() || applier.input_errors > 0 || invalid {
        crate::EXIT_ERROR
    } else if applier.blocked > 0 {
        crate::EXIT_DENIED
    } else {
        crate::EXIT_ALLOWED
    })
}
