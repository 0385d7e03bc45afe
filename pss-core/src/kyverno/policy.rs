//! A loaded policy and how it applies to one resource.

use std::collections::BTreeMap;

use super::autogen;
use super::engine;
use super::error::PolicyError;
use super::exception::PolicyException;
use super::library::{KCheck, KPod};
use super::matching::{wildcard, MatchResources, Resource, Selector, Tri};
use super::pod_security::{pass_message, Exclusion, PodSecurity};
use super::result::{FailureAction, PolicyResult, RuleResult, RuleStatus};
use super::version::KyvernoVersion;
use crate::is_cluster_scoped;
use crate::violation::{FieldViolation, Violation};
use crate::workload::namespace_of;
use crate::workload::{workload_of, NoPodTemplate, ObjectDocument, TemplateRef, WorkloadKind};

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
    Unsupported {
        what: String,
        /// Its failure may deny a request (not a `mutate` or `generate` rule).
        may_deny: bool,
    },
}

impl Body {
    pub(crate) fn unsupported(what: impl Into<String>) -> Body {
        Body::Unsupported { what: what.into(), may_deny: true }
    }

    pub(crate) fn unsupported_never_denying(what: impl Into<String>) -> Body {
        Body::Unsupported { what: what.into(), may_deny: false }
    }
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
    /// A rule generated for pod controllers (`autogen-...`).
    pub generated: bool,
}

/// Where a resource is being created, and what else the webhook knows: its namespace's labels and
/// the PolicyExceptions in the cluster.
///
/// ```
/// use pss_core::kyverno::ApplyContext;
///
/// let ctx = ApplyContext::new("prod");
/// assert_eq!(ctx.namespace(), "prod");
/// ```
#[derive(Debug, Clone, Copy)]
pub struct ApplyContext<'a> {
    namespace: &'a str,
    namespace_labels: Option<&'a BTreeMap<String, String>>,
    exceptions: &'a [PolicyException],
}

impl<'a> ApplyContext<'a> {
    /// A resource created in `namespace` (`""` for a cluster-scoped one), with no namespace labels
    /// known and no PolicyExceptions.
    pub fn new(namespace: &'a str) -> Self {
        ApplyContext { namespace, namespace_labels: None, exceptions: &[] }
    }

    /// A resource applied to a cluster, in the namespace its admission request names
    /// ([`resource_namespace`]), with no namespace labels known and no PolicyExceptions.
    ///
    /// ```
    /// use pss_core::kyverno::ApplyContext;
    /// use pss_core::ObjectDocument;
    ///
    /// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#)?;
    /// assert_eq!(ApplyContext::for_resource(&pod, "dev").namespace(), "dev");
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn for_resource(resource: &'a ObjectDocument<'_>, default_namespace: &'a str) -> Self {
        ApplyContext::new(resource_namespace(resource, default_namespace))
    }

    /// The labels of the namespace (only `namespaceSelector`s read them; without them, a selector
    /// matches nothing).
    #[must_use]
    pub fn namespace_labels(mut self, labels: Option<&'a BTreeMap<String, String>>) -> Self {
        self.namespace_labels = labels;
        self
    }

    /// The PolicyExceptions Kyverno knows (those naming other policies or rules are ignored), read
    /// for the policy's release: one read for another release is ignored
    /// ([`KyvernoPolicy::check_exceptions`] tells).
    #[must_use]
    pub fn exceptions(mut self, exceptions: &'a [PolicyException]) -> Self {
        self.exceptions = exceptions;
        self
    }

    /// The namespace.
    pub fn namespace(&self) -> &'a str {
        self.namespace
    }
}

/// The namespace a resource is created in when it is applied to a cluster, as its admission
/// request (what Kyverno's webhook sees) names it: none (`""`) for a cluster-scoped kind
/// ([`is_cluster_scoped`](crate::is_cluster_scoped), whatever its `metadata.namespace`), else its
/// `metadata.namespace`, or `default_namespace` (kubectl's namespace, `"default"` unless told
/// otherwise) when that is missing or empty.
///
/// ```
/// use pss_core::kyverno::resource_namespace;
/// use pss_core::ObjectDocument;
///
/// let object = |text| ObjectDocument::from_str(text).unwrap();
/// let pod = object(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": ""}}"#);
/// assert_eq!(resource_namespace(&pod, "default"), "default");
/// let pod = object(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"}}"#);
/// assert_eq!(resource_namespace(&pod, "default"), "prod");
/// let namespace = object(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod"}}"#);
/// assert_eq!(resource_namespace(&namespace, "default"), "");
/// let role = object(r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}"#);
/// assert_eq!(resource_namespace(&role, "default"), "");
/// ```
pub fn resource_namespace<'a>(resource: &'a ObjectDocument<'_>, default_namespace: &'a str) -> &'a str {
    let header = resource.header();
    if is_cluster_scoped(header.api_version(), header.kind().unwrap_or("")) {
        return "";
    }
    namespace_of(header.namespace(), default_namespace)
}

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, ...), validated, with its
/// rules for pod controllers generated, read for one Kyverno release ([`KyvernoVersion`]).
///
/// Applying it predicts what that release does: each rule's result (pass, fail, skip, error) and
/// message, byte for byte, and whether its admission webhook blocks the request
/// ([`blocked_message`](crate::kyverno::blocked_message)). Where the release admits a pod that the Pod
/// Security Standard still forbids (the exemptions it was given applied right), the rule carries
/// [`RuleResult::warnings`]: the prediction stays Kyverno's.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{KyvernoPolicy, KyvernoVersion, RuleStatus};
///
/// let text = r#"{
///   "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "baseline-policy"},
///   "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "baseline",
///     "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
///     "validate": {"podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#;
/// let policy = KyvernoPolicy::from_json_str(text)?;
/// assert_eq!(policy.rule_names().collect::<Vec<_>>(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);
///
/// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
///   "spec": {"containers": [{"name": "web", "image": "nginx", "securityContext": {"privileged": true}}]}}"#)?;
/// let result = policy.apply(&pod, "default", None);
/// assert!(result.blocked());
/// assert_eq!(result.rules()[0].status(), RuleStatus::Fail);
/// assert_eq!(
///     result.rules()[0].message(),
///     r#"Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])"#
/// );
///
/// // Kyverno 1.11 printed Go's struct.
/// let old = KyvernoPolicy::from_json_str_for(text, KyvernoVersion::V1_11)?;
/// assert_eq!(
///     old.apply(&pod, "default", None).rules()[0].message(),
///     "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"web\" must not set securityContext.privileged=true})\n"
/// );
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
#[doc = include_str!("semantics.md")]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KyvernoPolicy {
    kyverno: KyvernoVersion,
    kind: PolicyKind,
    name: String,
    namespace: Option<String>,
    failure_action: Option<String>,
    overrides: Vec<ActionOverride>,
    /// `spec.failurePolicy` is `Fail` (the default): rule errors block.
    fails_closed: bool,
    apply_one: bool,
    rules: Vec<Rule>,
}

/// Kyverno's error when a podSecurity rule meets an object without a pod spec (1.11 capitalised it).
const NO_POD_SPEC: &str = "Error while getting new resource: could not find correct resource type";
const NO_POD_SPEC_1_11: &str = "Error while getting new resource: Could not find correct resource type";

/// Why a rule is not evaluated when its `match` or `exclude` depends on the requesting user.
const USER_DEPENDENT: &str = "not evaluated: whether the rule applies depends on the requesting user (subjects, roles or clusterRoles in match or exclude), which pss does not know offline";

/// What Kyverno's podSecurity handler answers for a rule.
struct Prediction {
    status: RuleStatus,
    message: String,
    /// The checks left, their field paths relative to the pod.
    checks: Vec<KCheck>,
    /// The rule was skipped whole by a PolicyException without `podSecurity`.
    skipped_whole: bool,
}

impl Prediction {
    fn new(status: RuleStatus, message: String) -> Prediction {
        Prediction { status, message, checks: Vec::new(), skipped_whole: false }
    }
}

impl KyvernoPolicy {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        kyverno: KyvernoVersion,
        kind: PolicyKind,
        name: String,
        namespace: Option<String>,
        failure_action: Option<String>,
        overrides: Vec<ActionOverride>,
        fails_closed: bool,
        apply_one: bool,
        rules: Vec<Rule>,
        autogen_controllers: Option<&str>,
    ) -> Self {
        let rules = autogen::with_generated(rules, autogen_controllers);
        KyvernoPolicy { kyverno, kind, name, namespace, failure_action, overrides, fails_closed, apply_one, rules }
    }

    /// Decodes and validates a policy as the newest Kyverno release reads it
    /// ([`KyvernoVersion::NEWEST`]); convert YAML to JSON first.
    ///
    /// # Errors
    /// As [`KyvernoPolicy::from_json_str_for`].
    pub fn from_json_str(text: &str) -> Result<KyvernoPolicy, PolicyError> {
        KyvernoPolicy::from_json_str_for(text, KyvernoVersion::NEWEST)
    }

    /// Decodes and validates a policy as `kyverno` reads it: its validation rules, and the fields
    /// it knows (`validate.failureAction` came with 1.13, `restrictedField` and `values` with 1.12).
    ///
    /// # Errors
    /// [`PolicyError::Decode`] for malformed JSON or a field of the wrong type,
    /// [`PolicyError::UnsupportedKind`] for any document but a `kyverno.io` `ClusterPolicy` or
    /// `Policy`, and [`PolicyError::Invalid`] for a policy the release would reject.
    pub fn from_json_str_for(text: &str, kyverno: KyvernoVersion) -> Result<KyvernoPolicy, PolicyError> {
        super::decode::decode(text, kyverno)
    }

    /// [`KyvernoPolicy::from_json_str`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`KyvernoPolicy::from_json_str`], and invalid UTF-8.
    pub fn from_slice(bytes: &[u8]) -> Result<KyvernoPolicy, PolicyError> {
        KyvernoPolicy::from_json_str(crate::json::pod::utf8(bytes)?)
    }

    /// [`KyvernoPolicy::from_json_str_for`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`KyvernoPolicy::from_json_str_for`], and invalid UTF-8.
    pub fn from_slice_for(bytes: &[u8], kyverno: KyvernoVersion) -> Result<KyvernoPolicy, PolicyError> {
        KyvernoPolicy::from_json_str_for(crate::json::pod::utf8(bytes)?, kyverno)
    }

    /// The Kyverno release whose behaviour the policy predicts.
    pub fn kyverno_version(&self) -> KyvernoVersion {
        self.kyverno
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

    /// The name PolicyExceptions give it in `policyName`: `namespace/name` for a `Policy`.
    pub fn key(&self) -> String {
        match (&self.namespace, self.kind) {
            (Some(ns), PolicyKind::Policy) if !ns.is_empty() => format!("{ns}/{}", self.name),
            _ => self.name.clone(),
        }
    }

    /// The names of the rules evaluated, generated ones (`autogen-...`) included, in order.
    pub fn rule_names(&self) -> impl Iterator<Item = &str> + '_ {
        self.rules.iter().map(|r| r.name.as_str())
    }

    /// Whether Kyverno's webhook runs the policy among those that may block requests (its
    /// `validationFailureAction`, or any rule's or override's action, is `Enforce`).
    pub fn enforces(&self) -> bool {
        let enforce = |a: &str| FailureAction::parse(a) == FailureAction::Enforce;
        self.failure_action.as_deref().is_some_and(enforce)
            || self.overrides.iter().any(|o| enforce(&o.action))
            || self.rules.iter().any(|r| {
                r.failure_action.as_deref().is_some_and(enforce)
                    || r.failure_action_overrides.iter().any(|o| enforce(&o.action))
            })
    }

    /// Checks that PolicyExceptions were read for the policy's release (with
    /// [`PolicyException::from_json_str_for`] and [`KyvernoPolicy::kyverno_version`]): applying
    /// ignores the others, since what an exception means depends on the release.
    ///
    /// ```
    /// use pss_core::kyverno::{KyvernoPolicy, KyvernoVersion, PolicyException};
    ///
    /// let policy = KyvernoPolicy::from_json_str_for(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
    ///   "metadata": {"name": "psa"}, "spec": {"rules": []}}"#, KyvernoVersion::V1_12)?;
    /// let exception = PolicyException::from_json_str(r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException",
    ///   "metadata": {"name": "ex", "namespace": "kyverno"}, "spec": {"exceptions": []}}"#)?;
    /// assert_eq!(
    ///     policy.check_exceptions(&[exception]).unwrap_err().to_string(),
    ///     "PolicyException kyverno/ex was read for Kyverno 1.19, the policy psa for Kyverno 1.12: read both for one release"
    /// );
    /// # Ok::<(), pss_core::kyverno::PolicyError>(())
    /// ```
    ///
    /// # Errors
    /// [`PolicyError::ReleaseMismatch`] for the first exception read for another release.
    pub fn check_exceptions(&self, exceptions: &[PolicyException]) -> Result<(), PolicyError> {
        match exceptions.iter().find(|e| e.kyverno_version() != self.kyverno) {
            Some(e) => Err(PolicyError::ReleaseMismatch {
                exception: e.key(),
                exception_kyverno: e.kyverno_version(),
                policy: self.key(),
                policy_kyverno: self.kyverno,
            }),
            None => Ok(()),
        }
    }

    /// Applies the policy to a resource created in `namespace` (`""` for a cluster-scoped one),
    /// whose namespace has `namespace_labels` if known, without PolicyExceptions: see
    /// [`KyvernoPolicy::apply_with`].
    pub fn apply(
        &self,
        resource: &ObjectDocument<'_>,
        namespace: &str,
        namespace_labels: Option<&BTreeMap<String, String>>,
    ) -> PolicyResult {
        self.apply_with(resource, &ApplyContext::new(namespace).namespace_labels(namespace_labels))
    }

    /// Applies the policy to a resource being created, as the policy's Kyverno release would.
    ///
    /// Only rules whose `match` (and not `exclude`) selects the resource have a result, in the
    /// policy's order. A `Policy` applies only in its own namespace (`default` when it has none).
    /// A rule that pss cannot evaluate is [`RuleStatus::Unsupported`], never passed: another rule
    /// type, or a podSecurity rule whose outcome depends on the requesting user (`subjects`,
    /// `roles`, `clusterRoles`) or on a PolicyException's `conditions`.
    pub fn apply_with(&self, resource: &ObjectDocument<'_>, ctx: &ApplyContext<'_>) -> PolicyResult {
        let mut rules = Vec::new();
        let namespace = ctx.namespace;
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
                namespace_labels: ctx.namespace_labels,
            };
            let key = self.key();
            for rule in &self.rules {
                let selects =
                    rule.match_.selects(&res).and_not(rule.exclude.as_ref().map_or(Tri::No, |e| e.selects(&res)));
                if selects == Tri::No {
                    continue;
                }
                let action = self.action(rule, namespace, ctx.namespace_labels);
                let mut result = self.evaluate(rule, resource, &res, &key, ctx, action);
                if selects == Tri::Unknown && matches!(result.status(), RuleStatus::Fail | RuleStatus::Error) {
                    result = RuleResult::new(rule.name.clone(), RuleStatus::Unsupported, USER_DEPENDENT.into(), action);
                }
                let applied = matches!(result.status(), RuleStatus::Pass | RuleStatus::Fail | RuleStatus::Error);
                rules.push(result);
                if self.apply_one && applied {
                    break;
                }
            }
        }
        PolicyResult::new(self.name.clone(), self.kind, self.kyverno, self.enforces(), self.fails_closed, rules)
    }

    /// The failure action that decides whether the rule's failure blocks: up to 1.18 the policy's
    /// (the first own rule with a `validate.failureAction` or a matching override, then the
    /// policy's overrides and `validationFailureAction`); from 1.19 the rule's own, then the
    /// policy's.
    fn action(
        &self,
        rule: &Rule,
        namespace: &str,
        namespace_labels: Option<&BTreeMap<String, String>>,
    ) -> FailureAction {
        let own = |r: &Rule| {
            override_action(&r.failure_action_overrides, namespace, namespace_labels)
                .or_else(|| r.failure_action.as_deref().map(FailureAction::parse))
        };
        let spec = || {
            override_action(&self.overrides, namespace, namespace_labels)
                .unwrap_or_else(|| FailureAction::parse(self.failure_action.as_deref().unwrap_or("")))
        };
        if self.kyverno.per_rule_blocking() {
            return own(rule).unwrap_or_else(spec);
        }
        self.rules.iter().filter(|r| !r.generated).find_map(own).unwrap_or_else(spec)
    }

    fn evaluate(
        &self,
        rule: &Rule,
        resource: &ObjectDocument<'_>,
        res: &Resource<'_>,
        key: &str,
        ctx: &ApplyContext<'_>,
        action: FailureAction,
    ) -> RuleResult {
        let name = rule.name.clone();
        let ps = match &rule.body {
            Body::PodSecurity(ps) => ps,
            Body::Unsupported { what, may_deny } => {
                let message = format!("{what} is not supported: pss runs validate.podSecurity rules only");
                return RuleResult::new(name, RuleStatus::Unsupported, message, action).may_deny(*may_deny);
            }
        };
        let mut sure = Vec::new();
        let mut unsure = Vec::new();
        for e in ctx.exceptions.iter().filter(|e| e.kyverno_version() == self.kyverno && e.names(key, &rule.name)) {
            match e.selects(res) {
                Tri::Yes => sure.push(e),
                Tri::Unknown => unsure.push(e),
                Tri::No => {}
            }
        }
        let prediction = self.predict(rule, ps, resource, &sure);
        if !unsure.is_empty() {
            let listed = |e: &PolicyException, list: &[&PolicyException]| list.iter().any(|l| core::ptr::eq(*l, e));
            let all: Vec<&PolicyException> =
                ctx.exceptions.iter().filter(|e| listed(e, &sure) || listed(e, &unsure)).collect();
            let optimistic = self.predict(rule, ps, resource, &all);
            let admits = |s: RuleStatus| matches!(s, RuleStatus::Pass | RuleStatus::Skip);
            if optimistic.status != prediction.status && !(admits(optimistic.status) && admits(prediction.status)) {
                let keys: Vec<String> = unsure.iter().map(|e| e.key()).collect();
                let message = format!(
                    "not evaluated: whether PolicyException {} applies depends on its conditions or on the requesting user, which pss does not evaluate",
                    keys.join(", ")
                );
                return RuleResult::new(name, RuleStatus::Unsupported, message, action);
            }
        }
        let ctx_kind = workload_of(resource).ok().map(|(kind, _)| kind);
        let to_violation = |c: &KCheck| -> Violation {
            let object_ctx = ctx_kind.unwrap_or(WorkloadKind::Pod).ctx();
            let fields = c
                .errs
                .iter()
                .flatten()
                .map(|e| {
                    FieldViolation::new(
                        relative_to_object(&e.field, &object_ctx),
                        engine::field_value(c.id, e.required, &e.bad),
                        e.container.as_deref(),
                    )
                })
                .collect::<Vec<_>>();
            Violation::new(c.id, c.reason, &c.detail, &fields)
        };
        let violations: Vec<Violation> = prediction.checks.iter().map(to_violation).collect();
        let mut result =
            RuleResult::new(name, prediction.status, prediction.message, action).with_violations(violations);
        // What the standard says, the exemptions applied right: shown where Kyverno admits.
        if matches!(prediction.status, RuleStatus::Pass | RuleStatus::Skip) && !prediction.skipped_whole {
            if let (Ok(version), Ok((kind, template))) = (ps.version(), workload_of(resource)) {
                let extra: Vec<&Exclusion> = sure.iter().flat_map(|e| e.pod_security()).collect();
                let truth = ps.evaluate(version, kind, &template, &extra);
                let level_version = format!("{}:{}", ps.level_text, ps.version_text);
                result = result.with_warnings(truth, self.kyverno, &level_version);
            }
        }
        result
    }

    /// Kyverno's podSecurity handler (`validatePssHandler`) for one rule, with the
    /// PolicyExceptions that name it and match the resource.
    fn predict(
        &self,
        rule: &Rule,
        ps: &PodSecurity,
        resource: &ObjectDocument<'_>,
        exceptions: &[&PolicyException],
    ) -> Prediction {
        let kyverno = self.kyverno;
        let name = &rule.name;
        // Exceptions without podSecurity skip the rule whole (1.11: every exception; 1.12: the
        // first matching one decides).
        let considered: &[&PolicyException] =
            if kyverno.merges_exceptions() { exceptions } else { &exceptions[..exceptions.len().min(1)] };
        if let Some(e) = considered.iter().find(|e| !e.has_pod_security()) {
            let message = if kyverno <= KyvernoVersion::V1_12 {
                format!("rule skipped due to policy exception {}", e.key())
            } else {
                format!("rule is skipped due to policy exception {}", e.key())
            };
            return Prediction { skipped_whole: true, ..Prediction::new(RuleStatus::Skip, message) };
        }
        // Kyverno reads pod specs from pods and its seven controllers, not from PodTemplates.
        let no_spec = if kyverno.whole_check_exclusions() { NO_POD_SPEC_1_11 } else { NO_POD_SPEC };
        if matches!(resource.workload_kind(), None | Some(WorkloadKind::PodTemplate)) {
            return Prediction::new(RuleStatus::Error, no_spec.to_owned());
        }
        let template = match workload_of(resource) {
            Ok((_, template)) => Some(template),
            // A ReplicationController without a template decodes to an empty pod.
            Err(NoPodTemplate::TemplateAbsent { .. }) => None,
            Err(_) => return Prediction::new(RuleStatus::Error, no_spec.to_owned()),
        };
        let version = match ps.version() {
            Ok(v) => v,
            Err(message) => return Prediction::new(RuleStatus::Error, message),
        };
        let lib = kyverno.library();
        let mut pod = match &template {
            Some(TemplateRef::Json(p)) => KPod::new(*p, lib),
            #[cfg(feature = "k8s-openapi")]
            Some(TemplateRef::Typed(p)) => KPod::new(p, lib),
            None => KPod::default(),
        };
        // Kyverno takes a CronJob's pod metadata from `spec.jobTemplate.metadata`.
        if resource.workload_kind() == Some(WorkloadKind::CronJob) {
            pod.annotations = resource.job_template_annotations().collect();
        }
        let level = ps.level;
        let mut checks = engine::evaluate_pss(kyverno, level, version, &pod);
        checks = engine::exclude(kyverno, level, version, &ps.exclude, checks, &pod);
        let kind = resource.kind().unwrap_or("");
        // 1.12 printed controller paths before applying exceptions, which then compared them with
        // the pod's own paths.
        if kyverno == KyvernoVersion::V1_12 {
            engine::convert_paths(&mut checks, kind);
        }
        if checks.is_empty() {
            return Prediction::new(RuleStatus::Pass, pass_message(name));
        }
        let entries: Vec<Exclusion> = considered.iter().flat_map(|e| e.pod_security().iter().cloned()).collect();
        if !considered.is_empty() {
            checks = engine::exclude(kyverno, level, version, &entries, checks, &pod);
            if checks.is_empty() {
                let keys: Vec<String> = considered.iter().map(|e| e.key()).collect();
                let message = if kyverno <= KyvernoVersion::V1_12 {
                    format!("rule skipped due to policy exception {}", keys.join(", "))
                } else {
                    format!("rule is skipped due to policy exceptions {}", keys.join(", "))
                };
                return Prediction::new(RuleStatus::Skip, message);
            }
        }
        let mut printed = checks.clone();
        if kyverno != KyvernoVersion::V1_12 {
            engine::convert_paths(&mut printed, kind);
        }
        let message = engine::fail_message(kyverno, name, &ps.level_text, &ps.version_text, &printed);
        Prediction { status: RuleStatus::Fail, message, checks, skipped_whole: false }
    }
}

/// A pod-relative field path (`spec.containers[0]...`, `metadata.annotations[...]`) made relative to
/// the object (`spec.template.spec.containers[0]...`). Paths 1.12 already converted are left alone.
fn relative_to_object(field: &str, ctx: &crate::checks::Ctx<'_>) -> String {
    if let Some(rest) = field.strip_prefix("spec.template.").or_else(|| field.strip_prefix("spec.jobTemplate.")) {
        // Kyverno 1.12's converted paths: take them back to the pod, then forward again.
        let pod = rest.strip_prefix("spec.template.").unwrap_or(rest);
        return relative_to_object(pod, ctx);
    }
    if let Some(rest) = field.strip_prefix("spec.") {
        format!("{}.{rest}", ctx.spec)
    } else if let Some(rest) = field.strip_prefix("metadata.") {
        format!("{}.{rest}", ctx.metadata)
    } else {
        field.to_owned()
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

/// Evaluates a `validate.podSecurity` block on its own, as `kyverno`'s evaluator does
/// (`pss.EvaluatePod` and the podSecurity handler): the block is not validated as a policy would be
/// (an entry Kyverno's webhook would refuse is applied as the evaluator applies it; an unknown
/// control name excludes nothing), and nothing is matched: `resource` is evaluated as a rule named
/// `rule` would evaluate it.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{evaluate_pod_security, KyvernoVersion, RuleStatus};
///
/// let pod = ObjectDocument::from_str(r#"{"kind": "Pod", "spec": {"containers": [
///     {"name": "nginx", "image": "nginx", "securityContext": {"privileged": true}}]}}"#)?;
/// // Kyverno's webhook refuses a container-level control without images; its evaluator excludes
/// // nothing then.
/// let block = r#"{"level": "baseline", "version": "v1.24", "exclude": [{"controlName": "Privileged Containers"}]}"#;
/// let result = evaluate_pod_security("r", block, &pod, KyvernoVersion::NEWEST)?;
/// assert_eq!(result.status(), RuleStatus::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// [`PolicyError::Decode`] for malformed JSON or a field of the wrong type, and
/// [`PolicyError::Invalid`] for a level that is not `privileged`, `baseline` or `restricted`.
pub fn evaluate_pod_security(
    rule: &str,
    pod_security: &str,
    resource: &ObjectDocument<'_>,
    kyverno: KyvernoVersion,
) -> Result<RuleResult, PolicyError> {
    let ps = super::decode::unvalidated_pod_security(pod_security, kyverno)?;
    let rule = Rule {
        name: rule.to_owned(),
        match_: MatchResources::default(),
        exclude: None,
        body: Body::PodSecurity(ps),
        failure_action: Some("Enforce".into()),
        failure_action_overrides: Vec::new(),
        blocks_autogen: false,
        generated: false,
    };
    let policy = KyvernoPolicy {
        kyverno,
        kind: PolicyKind::ClusterPolicy,
        name: String::new(),
        namespace: None,
        failure_action: None,
        overrides: Vec::new(),
        fails_closed: true,
        apply_one: false,
        rules: vec![rule],
    };
    let rule = &policy.rules[0];
    let header = resource.header();
    let res = Resource {
        group: "",
        version: "",
        kind: header.kind().unwrap_or(""),
        name: header.name().unwrap_or(""),
        namespace: "",
        labels: Vec::new(),
        annotations: Vec::new(),
        namespace_labels: None,
    };
    Ok(policy.evaluate(rule, resource, &res, "", &ApplyContext::new(""), FailureAction::Enforce))
}
