//! What applying a policy gives, and the text Kyverno's webhook denies a request with.

use std::collections::BTreeMap;

use super::policy::PolicyKind;
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
    /// The rule did not apply (a ReplicationController without a pod template).
    Skip,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error,
    /// A rule type pss does not run (`mutate`, `validate.pattern`, ...); never silently passed.
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
}

impl RuleResult {
    pub(crate) fn new(
        name: String,
        status: RuleStatus,
        message: String,
        action: FailureAction,
        violations: Vec<Violation>,
    ) -> Self {
        RuleResult { name, status, message, action, violations }
    }

    /// The rule's name (`autogen-<name>` for a rule generated for pod controllers).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The outcome.
    pub fn status(&self) -> RuleStatus {
        self.status
    }

    /// Kyverno's message: `Validation rule 'baseline' passed.`, the failed checks, or the error.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// The failure action that applies to this rule for this resource.
    pub fn action(&self) -> FailureAction {
        self.action
    }

    /// The failed checks left after the rule's exclusions, in Kyverno's check order, with the
    /// offending fields (paths relative to the object, such as `spec.template.spec...`).
    pub fn violations(&self) -> &[Violation] {
        &self.violations
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
    rules: Vec<RuleResult>,
}

impl PolicyResult {
    pub(crate) fn new(policy: String, kind: PolicyKind, rules: Vec<RuleResult>) -> Self {
        PolicyResult { policy, kind, rules }
    }

    /// The policy's name.
    pub fn policy(&self) -> &str {
        &self.policy
    }

    /// The policy's kind.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// The results of the rules that matched the resource, in the policy's order.
    pub fn rules(&self) -> &[RuleResult] {
        &self.rules
    }

    /// Whether any rule blocks the request.
    pub fn blocked(&self) -> bool {
        self.rules.iter().any(RuleResult::blocks)
    }
}

/// The text Kyverno's admission webhook denies a request with, when some result blocks it:
///
/// ```text
/// resource Pod/default/privileged-pod was blocked due to the following policies
/// baseline-policy:
///   baseline: Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ...})
/// ```
///
/// Policies and their rules are sorted by name (they are YAML map keys in Kyverno); every failed
/// or errored rule whose action is Enforce is listed, and further lines of a message are indented
/// by four spaces. `namespace` is the one the resource is created in (`""` for cluster-scoped
/// ones). `None` when nothing blocks. No trailing newline.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{blocked_message, KyvernoPolicy};
///
/// let policy = KyvernoPolicy::from_json_str(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
///   "metadata": {"name": "host"}, "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "no-host",
///   "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline"}}}]}}"#)?;
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
    if !results.iter().any(PolicyResult::blocked) {
        return None;
    }
    let mut failures: BTreeMap<&str, BTreeMap<&str, &str>> = BTreeMap::new();
    for result in results {
        for rule in &result.rules {
            if rule.action == FailureAction::Enforce && matches!(rule.status, RuleStatus::Fail | RuleStatus::Error) {
                failures.entry(&result.policy).or_default().insert(&rule.name, &rule.message);
            }
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
            out.push_str(&message.replace('\n', "\n    "));
        }
    }
    Some(out)
}
