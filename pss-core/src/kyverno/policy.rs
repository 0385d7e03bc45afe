//! A loaded policy and how it applies to one resource.

use std::collections::BTreeMap;

use super::autogen;
use super::error::PolicyError;
use super::matching::{wildcard, MatchResources, Resource, Selector};
use super::pod_security::{fail_message, pass_message, PodSecurity};
use super::result::{FailureAction, PolicyResult, RuleResult, RuleStatus};
use crate::workload::{workload_of, NoPodTemplate, ObjectDocument, WorkloadKind};

/// Which Kyverno policy kind a document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
#[non_exhaustive]
pub enum PolicyKind {
    /// `ClusterPolicy`: applies in every namespace.
    ClusterPolicy,
    /// `Policy`: applies only in its own namespace.
    Policy,
}

impl PolicyKind {
    /// `"ClusterPolicy"` or `"Policy"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            PolicyKind::ClusterPolicy => "ClusterPolicy",
            PolicyKind::Policy => "Policy",
        }
    }
}

/// `validationFailureActionOverrides[]` / `validate.failureActionOverrides[]`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ActionOverride {
    pub action: String,
    /// `None` when absent (then only the namespace selector decides).
    pub namespaces: Option<Vec<String>>,
    pub namespace_selector: Option<Selector>,
}

/// What a rule does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Body {
    PodSecurity(PodSecurity),
    /// What is not supported (`mutate`, `validate.pattern`, ...).
    Unsupported(String),
}

/// One rule, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Rule {
    pub name: String,
    pub match_: MatchResources,
    pub exclude: Option<MatchResources>,
    pub body: Body,
    pub failure_action: Option<String>,
    pub failure_action_overrides: Vec<ActionOverride>,
    /// A `generate` rule or a JSON 6902 patch: the policy gets no generated rules.
    pub blocks_autogen: bool,
}

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, ...), validated, with its
/// rules for pod controllers generated.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{KyvernoPolicy, RuleStatus};
///
/// let policy = KyvernoPolicy::from_json_str(r#"{
///   "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "baseline-policy"},
///   "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "baseline",
///     "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
///     "validate": {"podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#)?;
/// assert_eq!(policy.rule_names().collect::<Vec<_>>(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);
///
/// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
///   "spec": {"containers": [{"name": "web", "image": "nginx", "securityContext": {"privileged": true}}]}}"#)?;
/// let result = policy.apply(&pod, "default", None);
/// assert!(result.blocked());
/// assert_eq!(result.rules()[0].status(), RuleStatus::Fail);
/// assert_eq!(
///     result.rules()[0].message(),
///     r#"Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "web" must not set securityContext.privileged=true})"#
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
#[doc = include_str!("semantics.md")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KyvernoPolicy {
    kind: PolicyKind,
    name: String,
    namespace: Option<String>,
    failure_action: Option<String>,
    overrides: Vec<ActionOverride>,
    apply_one: bool,
    rules: Vec<Rule>,
}

impl KyvernoPolicy {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        kind: PolicyKind,
        name: String,
        namespace: Option<String>,
        failure_action: Option<String>,
        overrides: Vec<ActionOverride>,
        apply_one: bool,
        rules: Vec<Rule>,
        autogen_controllers: Option<&str>,
    ) -> Self {
        let rules = autogen::with_generated(rules, autogen_controllers);
        KyvernoPolicy { kind, name, namespace, failure_action, overrides, apply_one, rules }
    }

    /// Decodes and validates a policy from JSON text (convert YAML to JSON first).
    ///
    /// # Errors
    /// [`PolicyError::Decode`] for malformed JSON or a field of the wrong type,
    /// [`PolicyError::UnsupportedKind`] for any document but a `kyverno.io` `ClusterPolicy` or
    /// `Policy`, and [`PolicyError::Invalid`] for a policy Kyverno would reject.
    pub fn from_json_str(text: &str) -> Result<KyvernoPolicy, PolicyError> {
        super::decode::decode(text)
    }

    /// [`KyvernoPolicy::from_json_str`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`KyvernoPolicy::from_json_str`], and invalid UTF-8.
    pub fn from_slice(bytes: &[u8]) -> Result<KyvernoPolicy, PolicyError> {
        KyvernoPolicy::from_json_str(crate::json::pod::utf8(bytes)?)
    }

    /// `ClusterPolicy` or `Policy`.
    pub fn kind(&self) -> PolicyKind {
        self.kind
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `metadata.namespace`, if given.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// The names of the rules evaluated, generated ones (`autogen-...`) included, in order.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// Applies the policy to a resource created in `namespace` (`""` for a cluster-scoped one),
    /// whose namespace has `namespace_labels` if known (only `namespaceSelector`s read them).
    ///
    /// Only rules whose `match` (and not `exclude`) selects the resource have a result, in the
    /// policy's order. A `Policy` applies only in its own namespace (`default` when it has none).
    pub fn apply(
        &self,
        resource: &ObjectDocument<'_>,
        namespace: &str,
        namespace_labels: Option<&BTreeMap<String, String>>,
    ) -> PolicyResult {
        let mut rules = Vec::new();
        let in_scope = match self.kind {
            PolicyKind::ClusterPolicy => true,
            PolicyKind::Policy => self.namespace.as_deref().unwrap_or("default") == namespace,
        };
        if in_scope {
            let header = resource.header();
            let (group, version) = match header.api_version() {
                Some(av) => av.rsplit_once('/').unwrap_or(("", av)),
                None => ("", ""),
            };
            let res = Resource {
                group,
                version,
                kind: header.kind().unwrap_or(""),
                // As Kyverno matches `name`/`names`: the generateName prefix when there is no name.
                name: header.name().filter(|n| !n.is_empty()).or(header.generate_name()).unwrap_or(""),
                namespace,
                labels: header.labels().collect(),
                annotations: header.annotations().collect(),
                namespace_labels,
            };
            for rule in &self.rules {
                if !rule.match_.includes(&res) || rule.exclude.as_ref().is_some_and(|e| e.excludes(&res)) {
                    continue;
                }
                let action = self.action(rule, namespace, namespace_labels);
                let result = evaluate(rule, resource, action);
                let applied = matches!(result.status(), RuleStatus::Pass | RuleStatus::Fail | RuleStatus::Error);
                rules.push(result);
                if self.apply_one && applied {
                    break;
                }
            }
        }
        PolicyResult::new(self.name.clone(), self.kind, rules)
    }

    /// The rule's failure action: its own overrides, its `failureAction`, the policy's overrides,
    /// then `validationFailureAction`.
    fn action(
        &self,
        rule: &Rule,
        namespace: &str,
        namespace_labels: Option<&BTreeMap<String, String>>,
    ) -> FailureAction {
        if let Some(a) = override_action(&rule.failure_action_overrides, namespace, namespace_labels) {
            return a;
        }
        if let Some(a) = rule.failure_action.as_deref().filter(|a| !a.is_empty()) {
            return FailureAction::parse(a);
        }
        if let Some(a) = override_action(&self.overrides, namespace, namespace_labels) {
            return a;
        }
        FailureAction::parse(self.failure_action.as_deref().unwrap_or(""))
    }
}

/// The first override that applies (`GetValidationFailureAction`): overrides with an invalid action
/// are ignored; without `namespaces` the selector decides; with them, a namespace must match and
/// then the selector, if any.
fn override_action(
    overrides: &[ActionOverride],
    namespace: &str,
    labels: Option<&BTreeMap<String, String>>,
) -> Option<FailureAction> {
    let selected = |s: &Option<Selector>| s.as_ref().is_some_and(|s| labels.is_some_and(|l| s.matches(l)));
    overrides.iter().find_map(|o| {
        if !matches!(o.action.as_str(), "Enforce" | "enforce" | "Audit" | "audit") {
            return None;
        }
        let applies = match &o.namespaces {
            None => selected(&o.namespace_selector),
            Some(list) => {
                list.iter().any(|ns| wildcard(ns, namespace))
                    && (o.namespace_selector.is_none() || selected(&o.namespace_selector))
            }
        };
        applies.then(|| FailureAction::parse(&o.action))
    })
}

/// Kyverno's error when a podSecurity rule meets an object without a pod spec.
const NO_POD_SPEC: &str = "Error while getting new resource: could not find correct resource type";

fn evaluate(rule: &Rule, resource: &ObjectDocument<'_>, action: FailureAction) -> RuleResult {
    let name = rule.name.clone();
    let ps = match &rule.body {
        Body::PodSecurity(ps) => ps,
        Body::Unsupported(what) => {
            let message = format!("{what} is not supported: pss runs validate.podSecurity rules only");
            return RuleResult::new(name, RuleStatus::Unsupported, message, action, Vec::new());
        }
    };
    // Kyverno reads pod specs from pods and its seven controllers, not from PodTemplates.
    if matches!(resource.workload_kind(), None | Some(WorkloadKind::PodTemplate)) {
        return RuleResult::new(name, RuleStatus::Error, NO_POD_SPEC.to_owned(), action, Vec::new());
    }
    let (kind, template) = match workload_of(resource) {
        Ok(found) => found,
        Err(NoPodTemplate::TemplateAbsent { kind }) => {
            let message = format!("rule skipped: the {kind} has no {}", kind.template_path());
            return RuleResult::new(name, RuleStatus::Skip, message, action, Vec::new());
        }
        Err(_) => return RuleResult::new(name, RuleStatus::Error, NO_POD_SPEC.to_owned(), action, Vec::new()),
    };
    let version = match ps.version() {
        Ok(v) => v,
        Err(message) => return RuleResult::new(name, RuleStatus::Error, message, action, Vec::new()),
    };
    let violations = ps.evaluate(version, kind, &template);
    if violations.is_empty() {
        let message = pass_message(&name);
        RuleResult::new(name, RuleStatus::Pass, message, action, violations)
    } else {
        let message = fail_message(&name, ps, &violations);
        RuleResult::new(name, RuleStatus::Fail, message, action, violations)
    }
}
