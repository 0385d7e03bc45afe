//! `pss apply POLICY... -r RESOURCE... [-e EXCEPTION...]`: Kyverno `ClusterPolicy`/`Policy`
//! documents with `validate.podSecurity` rules and their PolicyExceptions, applied offline to
//! manifests as a chosen Kyverno release applies them (pss-core's `KyvernoPolicy`).

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;

use pss_core::kyverno::{
    blocked_message, ApplyContext, FailureAction, KyvernoDocument, KyvernoPolicy, KyvernoVersion, PolicyError,
    PolicyException, PolicyResult, RuleResult, RuleStatus,
};
use pss_core::{ObjectClass, ObjectDocument};
use serde::Serialize;

use crate::cli::NamespaceArgs;
use crate::documents::{self, Inputs, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError, Place, RunError};
use crate::namespaces::{apply_namespace_flags, scan_sources};
use crate::report::Loc;

/// `pss apply --help`'s description.
pub const ABOUT: &str = "\
Apply Kyverno ClusterPolicy and Policy documents (kyverno.io/v1, v2beta1, ...) and their
PolicyExceptions to manifests, offline, as a chosen Kyverno release's admission webhook would
(--kyverno-version, default the newest supported): their validate.podSecurity rules (level,
version, exclude), match and exclude blocks, the rules Kyverno generates for pod controllers
(autogen-<rule>, autogen-cronjob-<rule>), the failure actions (Enforce, Audit, overrides) and the
release's messages.

A resource that the rules block is reported with Kyverno's text:

  resource Pod/default/privileged-pod was blocked due to the following policies
  baseline-policy:
    baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\":
    (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged
    is forbidden, forbidden values found: true])

Where the release admits a pod that still violates the Pod Security Standard (an exclusion or
exception that lets more through than it names), a warning names the field; the prediction stays
Kyverno's. Rules pss cannot evaluate (mutate, generate, verifyImages, validate.pattern, anyPattern,
deny, foreach, cel, manifests; podSecurity rules with preconditions or context; a match or an
exception that depends on the requesting user) are reported as not evaluated, never passed: one
with action Enforce makes the exit status 1 unless --allow-unevaluated is given.";

/// `pss apply --help`'s details.
pub const AFTER_HELP: &str = "\
Kyverno releases (--kyverno-version):
  1.11 to 1.19 (MAJOR.MINOR or a patch release such as 1.13.6). They differ in the check library
  (which checks, AppArmor, image volumes, SELinux, sysctls, host probes), how exclude entries
  remove failures (whole checks in 1.11, single fields from 1.12), how values match (hostPath
  volumes by path), the messages (1.11: ({Allowed:false ForbiddenReason:... ForbiddenDetail:...});
  later: (Forbidden reason: ..., field error list: [...])), PolicyExceptions (1.11 skips rules
  whole; podSecurity entries from 1.12) and which rules block (per policy up to 1.18, per rule
  from 1.19). See docs/kyverno.md.

PolicyExceptions:
  kyverno.io PolicyExceptions (v2alpha1, v2beta1, v2; those the release reads) are taken from
  --exception files, from the policy files and from the resources, and applied as the release
  applies them: their match, conditions (not evaluated: a rule whose outcome depends on them is
  not evaluated), the policies and rules they name, and their podSecurity entries. A document in
  an --exception file that is not a PolicyException is an input error, as in Kyverno's CLI; a CEL
  PolicyException (policies.kyverno.io) is noted and skipped.

Resources:
  A resource is created where its admission request says: in no namespace when its kind is
  cluster-scoped in Kubernetes' API (Namespace, ClusterRole, PersistentVolume, StorageClass, ...),
  else in its metadata.namespace, or in --namespace (default \"default\") when that is missing or
  empty. Requests are CREATE; there is no requesting user, so
  subjects, roles and clusterRoles in match/exclude never hold (a rule whose outcome depends on
  them is not evaluated); a namespaceSelector (in match, exclude or failure action overrides) sees
  the labels of the Namespace objects among the resources (wherever they are in the input),
  replaced by those given with --namespace-labels, and no labels for other namespaces. Inputs are
  read as by 'pss check' (files, directories, '-', YAML or JSON, Lists).

Output (--format):
  text   Documents skipped ('policy P skipped (invalid): ...', 'exception E skipped (...)', other
         documents); for each blocked resource, Kyverno's blocked text; then, per policy and
         resource, the rules the blocked text does not show, under 'policy P -> resource
         NS/Kind/name failed (audit):', 'error:', 'not evaluated:' and 'skipped:' (a
         PolicyException), and the PSS violations the release lets through under 'warning:',
         each rule as 'N. RULE: MESSAGE'; a line for each policy not shown otherwise ('policy P:
         passed on N resources', 'policy P: no rule matched any resource'); Kyverno's footer 'pass:
         N, fail: N, warn: N, error: N, skip: N' (fail counts Enforce failures, warn Audit
         failures, error rule errors and invalid documents, skip rules skipped by exceptions);
         and, when rules were not evaluated, 'not evaluated: N rules (M with action Enforce...)'.
  json   {\"kyverno_version\", \"policies\": [names], \"exceptions\": [namespace/name],
         \"skipped_policies\": [...], \"resources\": [{\"source\", \"document\", \"kind\", \"name\",
         \"namespace\", \"blocked\", \"message\", \"policies\": [{\"policy\", \"kind\", \"kyverno\",
         \"rules\": [{\"name\", \"status\", \"message\", \"action\", \"violations\", \"warnings\",
         \"warning\"}]}]}], \"summary\": {...}}; every policy is listed for every resource (with no
         rules when none matched).

Exit status:
  0  no resource is blocked, and every rule with action Enforce that matched was evaluated
     (or --allow-unevaluated)
  1  a resource is blocked, or an Enforce rule was not evaluated, and there was no input error
  2  usage error, an input error (unreadable file, malformed document, a document in an
     --exception file that is not a PolicyException), or an invalid policy or exception

Examples:
  pss apply examples/baseline-policy.yaml -r examples/privileged-pod.yaml
  pss apply examples/baseline-policy.yaml -r examples/privileged-pod.yaml --kyverno-version 1.11
  pss apply policies/ -r manifests/ -e exceptions.yaml --format json
  helm template my-chart | pss apply policies/ -r -";

/// `pss apply`'s arguments.
#[derive(Debug, clap::Args)]
pub struct ApplyArgs {
    /// Kyverno policy files or directories ('-' for standard input); PolicyExceptions in them are
    /// used, other documents are reported as unsupported and skipped.
    #[arg(value_name = "POLICY", required = true)]
    pub policies: Vec<PathBuf>,

    /// Resource files or directories ('-' for standard input) to apply the policies to;
    /// PolicyExceptions among them are used.
    #[arg(short = 'r', long = "resource", visible_alias = "resources", value_name = "RESOURCE", required = true, num_args = 1..)]
    pub resources: Vec<PathBuf>,

    /// PolicyException files or directories ('-' for standard input), comma-separated or
    /// repeated, as Kyverno's CLI --exception.
    #[arg(short = 'e', long = "exception", visible_alias = "exceptions", value_name = "FILE", value_delimiter = ',')]
    pub exceptions: Vec<PathBuf>,

    /// The Kyverno release whose verdicts and messages are predicted: 1.11 to 1.19.
    #[arg(long, value_name = "X.Y", default_value_t = KyvernoVersion::NEWEST, value_parser = parse_kyverno_version)]
    pub kyverno_version: KyvernoVersion,

    /// Exit 0 even when a rule with action Enforce could not be evaluated (it is still reported).
    #[arg(long)]
    pub allow_unevaluated: bool,

    #[command(flatten)]
    pub namespaces: NamespaceArgs,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = ApplyFormat::Text)]
    pub format: ApplyFormat,
}

impl ApplyArgs {
    /// Every PATH argument (policies, resources and exceptions), to tell whether standard input is
    /// read.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.policies.iter().chain(&self.resources).chain(&self.exceptions).cloned().collect()
    }
}

/// `--kyverno-version`'s parser (pss-core's reading and message).
pub fn parse_kyverno_version(s: &str) -> Result<KyvernoVersion, String> {
    KyvernoVersion::parse(s).map_err(|e| e.to_string())
}

/// `pss apply`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ApplyFormat {
    /// Kyverno's blocked text, audit failures, errors and a summary.
    Text,
    /// One JSON document: `{"policies": [...], "resources": [...], "summary": {...}}`.
    Json,
}

/// Kyverno's footer counts, and the rules not evaluated.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Rules passed.
    pub pass: usize,
    /// Enforce rules failed.
    pub fail: usize,
    /// Audit rules failed.
    pub warn: usize,
    /// Rule errors and invalid policies and exceptions.
    pub error: usize,
    /// Rules skipped (by PolicyExceptions).
    pub skip: usize,
    /// Rules pss could not evaluate.
    pub not_evaluated: usize,
    /// Of those, the rules with action Enforce whose failure would block.
    pub not_evaluated_enforce: usize,
}

/// A document that was not loaded.
#[derive(Debug, Serialize)]
struct Skipped {
    source: String,
    document: usize,
    /// `policy`, `exception` or `document`.
    what: &'static str,
    /// `invalid` or `unsupported`.
    reason: &'static str,
    name: Option<String>,
    message: String,
}

impl Skipped {
    fn line(&self) -> String {
        match &self.name {
            Some(name) => format!("{} {name} skipped ({}): {}", self.what, self.reason, self.message),
            None => format!("{} (document {}): skipped: {}", self.source, self.document + 1, self.message),
        }
    }
}

/// Where documents are read from, which decides what is done with those that are not wanted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Policy files: policies and exceptions; other documents are skipped as unsupported.
    Policies,
    /// --exception files: exceptions; anything else is an input error.
    Exceptions,
    /// Resources: only exceptions are taken here (the resources are read again to apply).
    Resources,
}

/// Loads policies and PolicyExceptions.
struct Loader {
    kyverno: KyvernoVersion,
    role: Role,
    policies: Vec<KyvernoPolicy>,
    exceptions: Vec<PolicyException>,
    skipped: Vec<Skipped>,
    input_errors: Vec<String>,
}

impl Loader {
    fn skip(&mut self, at: &Loc<'_>, what: &'static str, reason: &'static str, name: Option<String>, e: &PolicyError) {
        self.skipped.push(Skipped {
            source: at.source.shown.clone(),
            document: at.document,
            what,
            reason,
            name,
            message: e.to_string(),
        });
    }
}

impl Visitor for Loader {
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        let loaded = match self.role {
            Role::Policies => KyvernoDocument::from_slice_for(text, self.kyverno),
            Role::Exceptions | Role::Resources => {
                PolicyException::from_slice_for(text, self.kyverno).map(KyvernoDocument::Exception)
            }
        };
        match loaded {
            Ok(KyvernoDocument::Policy(policy)) => self.policies.push(policy),
            Ok(KyvernoDocument::Exception(exception)) => self.exceptions.push(exception),
            Err(PolicyError::UnsupportedKind { kind, .. } | PolicyError::NotAnException { kind, .. })
                if ObjectClass::of(None, Some(kind.as_str())) == ObjectClass::List && !in_list =>
            {
                return Ok(Visit::List)
            }
            // A resource that is not a PolicyException is read by the second pass.
            Err(e) if self.role == Role::Resources && e.is_not_an_exception() && !e.is_cel_exception() => {
                if let PolicyError::UnsupportedExceptionVersion { .. } = e {
                    self.skip(at, "document", "unsupported", None, &e);
                }
            }
            // The resource pass reports the resources it cannot read, but not a PolicyException
            // with a field of the wrong type.
            Err(PolicyError::Decode(_)) if self.role == Role::Resources && !is_exception(text) => {}
            Err(PolicyError::Decode(error)) => {
                self.input_errors.push(InputError::Document { at: at.place(), error, origin }.to_string());
            }
            Err(e @ PolicyError::Invalid { .. }) => {
                let PolicyError::Invalid { name, .. } = &e else { unreachable!("matched Invalid") };
                let what = if self.role == Role::Policies && !is_exception(text) { "policy" } else { "exception" };
                self.skip(at, what, "invalid", Some(name.clone()), &e);
            }
            Err(e) if e.is_cel_exception() => self.skip(at, "document", "unsupported", None, &e),
            Err(e) if self.role == Role::Exceptions => {
                self.input_errors.push(format!("{}: {e}", at.place()));
            }
            Err(e) => self.skip(at, "document", "unsupported", None, &e),
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        // Resources are read again, and their errors reported then.
        if self.role != Role::Resources {
            self.input_errors.push(error.to_string());
        }
        Ok(())
    }
}

/// Whether an invalid document among the policies is a PolicyException (for the word in the
/// skipped line).
fn is_exception(text: &[u8]) -> bool {
    pss_core::ObjectHeader::from_slice(text).is_ok_and(|h| h.kind() == Some("PolicyException"))
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

/// What the text output says of a policy over all resources.
#[derive(Debug, Clone, Copy, Default)]
struct Seen {
    /// Resources a rule of the policy matched.
    matched: usize,
    /// The policy was named in a blocked text or a group of rules.
    shown: bool,
}

/// Applies the policies to each resource as it is read.
struct Applier<'p, W: Write> {
    policies: &'p [KyvernoPolicy],
    exceptions: &'p [PolicyException],
    default_namespace: String,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    format: ApplyFormat,
    out: W,
    counts: Counts,
    seen: Vec<Seen>,
    blocked: usize,
    input_errors: usize,
    resources: Vec<ResourceReport>,
}

/// The groups of rules listed under a policy and resource, in order.
const GROUPS: [&str; 5] = ["failed (audit)", "error", "not evaluated", "skipped", "warning"];

/// Under which heading a rule is listed, if the blocked text does not show it already.
fn group(result: &PolicyResult, rule: &RuleResult, blocked: bool) -> Option<&'static str> {
    if blocked && result.listed_when_blocked(rule) {
        return None;
    }
    match rule.status() {
        RuleStatus::Fail => Some("failed (audit)"),
        RuleStatus::Error => Some("error"),
        RuleStatus::Unsupported => Some("not evaluated"),
        RuleStatus::Skip => Some("skipped"),
        _ => None,
    }
}

impl<W: Write> Applier<'_, W> {
    fn write_text(&mut self, report: &ResourceReport) -> io::Result<()> {
        if let Some(message) = &report.message {
            writeln!(self.out, "{message}\n")?;
        }
        let path = format!("{}/{}/{}", report.namespace, report.kind, report.name);
        for (i, result) in report.policies.iter().enumerate() {
            if report.blocked && result.rules().iter().any(|r| result.listed_when_blocked(r)) {
                self.seen[i].shown = true;
            }
            for label in GROUPS {
                let lines: Vec<(&str, &str)> = result
                    .rules()
                    .iter()
                    .filter_map(|r| {
                        if label == "warning" {
                            r.warning_message().map(|w| (r.name(), w))
                        } else {
                            (group(result, r, report.blocked) == Some(label)).then(|| (r.name(), r.message()))
                        }
                    })
                    .collect();
                if lines.is_empty() {
                    continue;
                }
                self.seen[i].shown = true;
                writeln!(self.out, "policy {} -> resource {path} {label}:", result.policy())?;
                for (n, (rule, message)) in lines.iter().enumerate() {
                    writeln!(self.out, "{}. {rule}: {}", n + 1, message.trim_end_matches('\n'))?;
                }
                writeln!(self.out)?;
            }
        }
        Ok(())
    }

    /// A line for each policy the output has not shown yet.
    fn write_unshown(&mut self) -> io::Result<()> {
        let mut any = false;
        for (policy, seen) in self.policies.iter().zip(&self.seen) {
            if seen.shown {
                continue;
            }
            any = true;
            match seen.matched {
                0 => writeln!(self.out, "policy {}: no rule matched any resource", policy.name())?,
                1 => writeln!(self.out, "policy {}: passed on 1 resource", policy.name())?,
                n => writeln!(self.out, "policy {}: passed on {n} resources", policy.name())?,
            }
        }
        if any {
            writeln!(self.out)?;
        }
        Ok(())
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
        if ObjectClass::of(obj.header().api_version(), obj.kind()) == ObjectClass::List && !in_list {
            return Ok(Visit::List);
        }
        let kind = obj.kind().unwrap_or("");
        let ctx = ApplyContext::for_resource(&obj, &self.default_namespace);
        let namespace = ctx.namespace().to_owned();
        let ctx = ctx.namespace_labels(self.namespace_labels.get(&namespace)).exceptions(self.exceptions);
        let policies: Vec<PolicyResult> = self.policies.iter().map(|p| p.apply_with(&obj, &ctx)).collect();
        for (i, result) in policies.iter().enumerate() {
            if !result.rules().is_empty() {
                self.seen[i].matched += 1;
            }
        }
        for rule in policies.iter().flat_map(PolicyResult::rules) {
            match (rule.status(), rule.action()) {
                (RuleStatus::Pass, _) => self.counts.pass += 1,
                (RuleStatus::Fail, FailureAction::Enforce) => self.counts.fail += 1,
                (RuleStatus::Fail, _) => self.counts.warn += 1,
                (RuleStatus::Error, _) => self.counts.error += 1,
                (RuleStatus::Skip, _) => self.counts.skip += 1,
                _ => {
                    self.counts.not_evaluated += 1;
                    if rule.unevaluated_enforce() {
                        self.counts.not_evaluated_enforce += 1;
                    }
                }
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

/// Runs `pss apply`; the exit status is 2 on input errors (including invalid policies and
/// exceptions), else 1 when a resource is blocked or an Enforce rule was not evaluated (unless
/// `--allow-unevaluated`), else 0.
pub fn run(args: ApplyArgs, stdin: &mut Inputs) -> Result<u8, RunError> {
    let mut loader = Loader {
        kyverno: args.kyverno_version,
        role: Role::Exceptions,
        policies: Vec::new(),
        exceptions: Vec::new(),
        skipped: Vec::new(),
        input_errors: Vec::new(),
    };
    // Exceptions: --exception files, then those among the policies, then among the resources.
    documents::read_sources(&documents::expand(&args.exceptions), stdin, &mut loader)?;
    stdin.rewind();
    loader.role = Role::Policies;
    documents::read_sources(&documents::expand(&args.policies), stdin, &mut loader)?;
    stdin.rewind();
    // The resources are read three times (exceptions, namespaces, objects): expanded once.
    let resources = documents::expand(&args.resources);
    loader.role = Role::Resources;
    documents::read_sources(&resources, stdin, &mut loader)?;
    stdin.rewind();
    for error in &loader.input_errors {
        writeln!(io::stderr(), "pss: {error}").map_err(OutputError)?;
    }
    // Namespace objects among the resources and --namespace-labels, as `pss check` reads them.
    let mut declared = scan_sources(&resources, stdin, NonZeroUsize::MIN);
    apply_namespace_flags(&mut declared, &args.namespaces.namespace_labels);
    let namespace_labels: BTreeMap<String, BTreeMap<String, String>> =
        declared.iter().map(|(name, labels)| (name.to_owned(), labels.iter().cloned().collect())).collect();
    let invalid = loader.skipped.iter().filter(|s| s.reason == "invalid").count();
    let stdout = io::stdout();
    let mut applier = Applier {
        policies: &loader.policies,
        exceptions: &loader.exceptions,
        default_namespace: args.namespaces.namespace.clone(),
        namespace_labels,
        format: args.format,
        out: io::BufWriter::new(stdout.lock()),
        counts: Counts { error: invalid, ..Counts::default() },
        seen: vec![Seen::default(); loader.policies.len()],
        blocked: 0,
        input_errors: 0,
        resources: Vec::new(),
    };
    if args.format == ApplyFormat::Text {
        for s in &loader.skipped {
            writeln!(applier.out, "{}", s.line()).map_err(OutputError)?;
        }
        if !loader.skipped.is_empty() {
            writeln!(applier.out).map_err(OutputError)?;
        }
    }
    documents::read_sources(&resources, stdin, &mut applier)?;
    let c = applier.counts;
    match args.format {
        ApplyFormat::Text => {
            applier.write_unshown().map_err(OutputError)?;
            writeln!(
                applier.out,
                "pass: {}, fail: {}, warn: {}, error: {}, skip: {}",
                c.pass, c.fail, c.warn, c.error, c.skip
            )
            .map_err(OutputError)?;
            if c.not_evaluated > 0 {
                let rules = if c.not_evaluated == 1 { "rule" } else { "rules" };
                let enforce = match (c.not_evaluated_enforce, args.allow_unevaluated) {
                    (0, _) => "0 with action Enforce".to_owned(),
                    (n, false) => format!("{n} with action Enforce: exit status 1 unless --allow-unevaluated"),
                    (n, true) => format!("{n} with action Enforce, accepted with --allow-unevaluated"),
                };
                writeln!(applier.out, "not evaluated: {} {rules} ({enforce})", c.not_evaluated).map_err(OutputError)?;
            }
        }
        ApplyFormat::Json => {
            #[derive(Serialize)]
            struct Document<'a> {
                kyverno_version: KyvernoVersion,
                policies: Vec<&'a str>,
                exceptions: Vec<String>,
                skipped_policies: &'a [Skipped],
                resources: &'a [ResourceReport],
                summary: Counts,
            }
            let doc = Document {
                kyverno_version: args.kyverno_version,
                policies: loader.policies.iter().map(KyvernoPolicy::name).collect(),
                exceptions: loader.exceptions.iter().map(PolicyException::key).collect(),
                skipped_policies: &loader.skipped,
                resources: &applier.resources,
                summary: c,
            };
            serde_json::to_writer_pretty(&mut applier.out, &doc).map_err(|e| OutputError(e.into()))?;
            writeln!(applier.out).map_err(OutputError)?;
        }
    }
    applier.out.flush().map_err(OutputError)?;
    Ok(if !loader.input_errors.is_empty() || applier.input_errors > 0 || invalid > 0 {
        crate::EXIT_ERROR
    } else if applier.blocked > 0 || (c.not_evaluated_enforce > 0 && !args.allow_unevaluated) {
        crate::EXIT_DENIED
    } else {
        crate::EXIT_ALLOWED
    })
}
