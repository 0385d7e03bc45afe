//! What applying a policy gives, and the text Kyverno's webhook denies a request with.

use std::collections::BTreeMap;

use super::policy::PolicyKind;
use super::version::KyvernoVersion;
use crate::violation::Violation;
use crate::workload::ObjectDocument;

/// A rule's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "lowercase"))]
#[non_exhaustive]
pub enum RuleStatus {
    /// The resource satisfies the rule.
    Pass,
    /// The resource violates the rule.
    Fail,
    /// Kyverno skipped the rule: a PolicyException exempts the resource.
    Skip,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error,
    /// pss cannot evaluate the rule: another rule type (`mutate`, `validate.pattern`, ...), or an
    /// outcome that depends on the requesting user or on a PolicyException's `conditions`. Never
    /// silently passed.
    Unsupported,
}

impl RuleStatus {
    /// `"pass"`, `"fail"`, `"skip"`, `"error"` or `"unsupported"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            RuleStatus::Pass => "pass",
            RuleStatus::Fail => "fail",
            RuleStatus::Skip => "skip",
            RuleStatus::Error => "error",
            RuleStatus::Unsupported => "unsupported",
        }
    }
}

/// What a failed rule does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub enum FailureAction {
    /// Block it.
    Enforce,
    /// Admit it and report the failure.
    Audit,
}

impl FailureAction {
    /// Kyverno's reading: `Enforce` or `enforce` enforce; anything else (or nothing) audits.
    pub fn parse(s: &str) -> FailureAction {
        match s {
            "Enforce" | "enforce" => FailureAction::Enforce,
            _ => FailureAction::Audit,
        }
    }

    /// `"Enforce"` or `"Audit"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            FailureAction::Enforce => "Enforce",
            FailureAction::Audit => "Audit",
        }
    }
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct RuleResult {
    name: String,
    status: RuleStatus,
    message: String,
    action: FailureAction,
    violations: Vec<Violation>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Vec::is_empty"))]
    warnings: Vec<Violation>,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    warning: Option<String>,
    /// A failure of the rule may deny the request (false for `mutate` and `generate` rules).
    #[cfg_attr(feature = "serde", serde(skip))]
    may_deny: bool,
}

impl RuleResult {
    pub(crate) fn new(name: String, status: RuleStatus, message: String, action: FailureAction) -> Self {
        RuleResult {
            name,
            status,
            message,
            action,
            violations: Vec::new(),
            warnings: Vec::new(),
            warning: None,
            may_deny: true,
        }
    }

    pub(crate) fn may_deny(mut self, may_deny: bool) -> Self {
        self.may_deny = may_deny;
        self
    }

    pub(crate) fn with_violations(mut self, violations: Vec<Violation>) -> Self {
        self.violations = violations;
        self
    }

    /// The standard's violations Kyverno `kyverno` lets through, for a rule at `level_version`.
    pub(crate) fn with_warnings(
        mut self,
        warnings: Vec<Violation>,
        kyverno: KyvernoVersion,
        level_version: &str,
    ) -> Self {
        if !warnings.is_empty() {
            let mut out = format!("Kyverno {kyverno} admits it, but it violates PodSecurity \"{level_version}\": ");
            for (i, v) in warnings.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(v.reason());
                if !v.fields().is_empty() {
                    out.push_str(" (");
                    for (i, f) in v.fields().iter().enumerate() {
                        if i > 0 {
                            out.push_str(", ");
                        }
                        f.path().write_to(&mut out);
                    }
                    out.push(')');
                }
            }
            self.warning = Some(out);
        }
        self.warnings = warnings;
        self
    }

    /// The rule's name (`autogen-<name>` for a rule generated for pod controllers).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The outcome.
    pub fn status(&self) -> RuleStatus {
        self.status
    }

    /// Kyverno's message, byte for byte: `Validation rule 'baseline' passed.`, the failed checks,
    /// why the rule was skipped, or the error. (Kyverno 1.11 ends a failure's message with a
    /// newline.) For an unsupported rule, pss's reason.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The failure action that decides whether this rule's failure blocks the request: up to
    /// Kyverno 1.18 the policy's, from 1.19 the rule's own.
    pub fn action(&self) -> FailureAction {
        self.action
    }

    /// The failed checks Kyverno reports, in its check order, each with Kyverno's field errors:
    /// the offending field (paths relative to the object, such as `spec.template.spec...`) and the
    /// value Kyverno reads for it (the one an exclusion's `values` are matched against).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// When Kyverno admits the resource (the rule passed, or a PolicyException's `podSecurity`
    /// entries removed every failure) but the Pod Security Standard still forbids it with the
    /// same exemptions applied right: pss's violations, with the fields Kyverno lets through.
    /// Empty otherwise. The prediction ([`RuleResult::status`]) stays Kyverno's.
    pub fn warnings(&self) -> &[Violation] {
        &self.warnings
    }

    /// The warning line for the rule, when it has [`RuleResult::warnings`]: `Kyverno 1.12 admits
    /// it, but it violates PodSecurity "restricted:latest": runAsNonRoot != true
    /// (spec.containers[1].securityContext.runAsNonRoot)`; each violation's reason and the fields
    /// Kyverno lets through.
    pub fn warning_message(&self) -> Option<&str> {
        self.warning.as_deref()
    }

    /// Whether pss could not evaluate a rule that may block the request: the rule is
    /// [`RuleStatus::Unsupported`], its action is Enforce, and it is one whose failure denies (a
    /// `validate` or `verifyImages` rule; `mutate` and `generate` rules do not deny). A gate must
    /// not pass such a resource silently.
    pub fn unevaluated_enforce(&self) -> bool {
        self.status == RuleStatus::Unsupported && self.action == FailureAction::Enforce && self.may_deny
    }

    /// Whether this rule blocks the request: it failed and its action is Enforce.
    pub fn blocks(&self) -> bool {
        self.status == RuleStatus::Fail && self.action == FailureAction::Enforce
    }
}

/// One policy's results for one resource.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct PolicyResult {
    policy: String,
    kind: PolicyKind,
    kyverno: KyvernoVersion,
    /// The webhook runs the policy among those that may block.
    #[cfg_attr(feature = "serde", serde(skip))]
    enforces: bool,
    /// `failurePolicy: Fail`.
    #[cfg_attr(feature = "serde", serde(skip))]
    fails_closed: bool,
    rules: Vec<RuleResult>,
}

impl PolicyResult {
    pub(crate) fn new(
        policy: String,
        kind: PolicyKind,
        kyverno: KyvernoVersion,
        enforces: bool,
        fails_closed: bool,
        rules: Vec<RuleResult>,
    ) -> Self {
        PolicyResult { policy, kind, kyverno, enforces, fails_closed, rules }
    }

    /// The policy's name.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The policy's kind.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The Kyverno release predicted.
    pub fn kyverno_version(&self) -> KyvernoVersion {
        self.kyverno
    }

    /// The results of the rules that matched the resource, in the policy's order (empty when no
    /// rule matched).
    pub fn rules(&self) -> &[RuleResult] {
        &self.rules
    }

    /// Whether the policy alone blocks the request: a rule failed with action Enforce, or a rule
    /// errored and the policy's `failurePolicy` is `Fail` (the default), in a policy the webhook
    /// runs as enforcing.
    pub fn blocked(&self) -> bool {
        self.enforces && (self.rules.iter().any(RuleResult::blocks) || (self.fails_closed && self.has_error()))
    }

    /// Whether [`blocked_message`] lists the rule (one of this policy's) when the request is
    /// blocked: every rule that failed or errored in a policy the webhook runs as enforcing, and
    /// with Kyverno 1.11 the skipped ones too.
    pub fn listed_when_blocked(&self, rule: &RuleResult) -> bool {
        self.enforces
            && match rule.status {
                RuleStatus::Fail | RuleStatus::Error => true,
                RuleStatus::Skip => self.kyverno == KyvernoVersion::V1_11,
                _ => false,
            }
    }

    fn has_error(&self) -> bool {
        self.rules.iter().any(|r| r.status == RuleStatus::Error)
    }
}

/// The text Kyverno's admission webhook denies a request with, when the results block it:
///
/// ```text
/// resource Pod/default/privileged-pod was blocked due to the following policies
/// baseline-policy:
///   baseline: Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ...
/// ```
///
/// The request is blocked when a policy the webhook runs as enforcing has a failed rule whose
/// action is Enforce, or has a rule error while any such policy fails closed (`failurePolicy:
/// Fail`, the default). The text then lists, for every enforcing policy, each rule that did not
/// pass (and, from Kyverno 1.12, was not skipped), policies and rules sorted by name (they are
/// YAML map keys in Kyverno); further lines of a message are indented by four spaces and a
/// trailing newline is left out. `namespace` is the one the resource is created in (`""` for
/// cluster-scoped ones). `None` when nothing blocks. No trailing newline.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{blocked_message, KyvernoPolicy, KyvernoVersion};
///
/// let policy = KyvernoPolicy::from_json_str_for(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
///   "metadata": {"name": "host"}, "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "no-host",
///   "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline"}}}]}}"#,
///   KyvernoVersion::V1_11)?;
/// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
///   "spec": {"hostPID": true, "hostIPC": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#)?;
/// let results = [policy.apply(&pod, "prod", None)];
/// assert_eq!(blocked_message(&pod, "prod", &results).unwrap(), "\
/// resource Pod/prod/p was blocked due to the following policies
/// host:
///   no-host: Validation rule 'no-host' failed. It violates PodSecurity \"baseline:\": ({Allowed:false ForbiddenReason:host namespaces ForbiddenDetail:hostPID=true, hostIPC=true})
///     ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"c\" must not set securityContext.privileged=true})");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn blocked_message(resource: &ObjectDocument<'_>, namespace: &str, results: &[PolicyResult]) -> Option<String> {
    let enforcing: Vec<&PolicyResult> = results.iter().filter(|r| r.enforces).collect();
    let fails_closed = enforcing.iter().any(|r| r.fails_closed);
    let blocks = enforcing.iter().any(|r| r.rules.iter().any(RuleResult::blocks) || (fails_closed && r.has_error()));
    if !blocks {
        return None;
    }
    let mut failures: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for result in enforcing {
        for rule in result.rules.iter().filter(|r| result.listed_when_blocked(r)) {
            failures.entry(&result.policy).or_default().insert(&rule.name, &rule.message);
        }
    }
    let mut out = format!(
        "resource {}/{}/{} was blocked due to the following policies",
        resource.kind().unwrap_or(""),
        namespace,
        resource.name().unwrap_or("")
    );
    for (policy, rules) in failures {
        out.push('\n');
        out.push_str(policy);
        out.push(':');
        for (rule, message) in rules {
            out.push_str("\n  ");
            out.push_str(rule);
            out.push_str(": ");
            out.push_str(&message.trim_end_matches('\n').replace('\n', "\n    "));
        }
    }
    Some(out)
}
