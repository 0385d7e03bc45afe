//! The decision for one object in one namespace: upstream's `ValidatePod` / `ValidatePodController`
//! and `EvaluatePod`.

use std::collections::BTreeMap;

use super::config::AdmissionConfig;
use super::policy::Policy;
use super::{AUDIT_VIOLATIONS_ANNOTATION, ENFORCE_POLICY_ANNOTATION, ERROR_ANNOTATION, EXEMPT_ANNOTATION};
use crate::field_error::{aggregate, FieldError};
use crate::level::{Level, LevelVersion, Version};
use crate::violation::Evaluation;
use crate::workload::{workload_of, NoPodTemplate, ObjectSource, TemplateRef, WorkloadKind};

/// Why a request was exempt (the `pod-security.kubernetes.io/exempt` audit annotation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Exemption {
    /// The namespace is exempt.
    Namespace,
    /// The requesting user is exempt.
    User,
    /// The pod's runtime class is exempt.
    RuntimeClass,
}

impl Exemption {
    /// The annotation value: `namespace`, `user`, `runtimeClass`.
    pub fn as_str(self) -> &'static str {
        match self {
            Exemption::Namespace => "namespace",
            Exemption::User => "user",
            Exemption::RuntimeClass => "runtimeClass",
        }
    }

    /// What a report says of an object exempted this way.
    ///
    /// ```
    /// use pss_core::admission::Exemption;
    ///
    /// assert_eq!(Exemption::Namespace.describe(), "exempt from PodSecurity (namespace)");
    /// assert_eq!(Exemption::RuntimeClass.describe(), "exempt from PodSecurity (runtimeClass)");
    /// ```
    pub fn describe(self) -> &'static str {
        match self {
            Exemption::Namespace => "exempt from PodSecurity (namespace)",
            Exemption::User => "exempt from PodSecurity (user)",
            Exemption::RuntimeClass => "exempt from PodSecurity (runtimeClass)",
        }
    }
}

/// What PodSecurity admission decides for one create request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decision {
    kind: WorkloadKind,
    policy: Policy,
    denial: Option<String>,
    warnings: Vec<String>,
    audit_annotations: BTreeMap<String, String>,
    exemption: Option<Exemption>,
    enforce: Option<Evaluation>,
    audit: Option<Evaluation>,
    warn: Option<Evaluation>,
    /// For a controller: its pods' evaluation at the enforce level, unless they would be exempt.
    pods: Option<Evaluation>,
    pods_denial: Option<String>,
    label_errors: Vec<FieldError>,
}

impl Decision {
    /// Whether the request is admitted. Only pods are ever denied.
    pub fn allowed(&self) -> bool {
        self.denial.is_none()
    }

    /// The error the API server returns when it denies the pod:
    /// `pods "NAME" is forbidden: violates PodSecurity "L:V": <detail>`.
    pub fn denial(&self) -> Option<&str> {
        self.denial.as_deref()
    }

    /// The warnings returned to the client: `would violate PodSecurity "L:V": <detail>`.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The audit annotations, with their full keys (`pod-security.kubernetes.io/enforce-policy`,
    /// `.../audit-violations`, `.../exempt`, `.../error`).
    pub fn audit_annotations(&self) -> &BTreeMap<String, String> {
        &self.audit_annotations
    }

    /// Why the request was exempt, if it was.
    pub fn exemption(&self) -> Option<Exemption> {
        self.exemption
    }

    /// The policy the namespace resolved to.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// What is wrong with the namespace's PodSecurity labels (upstream's field errors, empty when
    /// they are valid); the policy then takes the defaults for the modes they fail to set.
    pub fn label_errors(&self) -> &[FieldError] {
        &self.label_errors
    }

    /// The object's kind.
    pub fn kind(&self) -> WorkloadKind {
        self.kind
    }

    /// The enforce-mode evaluation, when one ran (pods only).
    pub fn enforce(&self) -> Option<&Evaluation> {
        self.enforce.as_ref()
    }

    /// The audit-mode evaluation, when one ran.
    pub fn audit(&self) -> Option<&Evaluation> {
        self.audit.as_ref()
    }

    /// The warn-mode evaluation, when one ran (not after a denial).
    pub fn warn(&self) -> Option<&Evaluation> {
        self.warn.as_ref()
    }

    /// For a pod controller: the evaluation, at the namespace's enforce level, of the pods it
    /// creates, which the API server will check when the controller creates them. `None` for a
    /// pod (see [`Decision::enforce`]), for a controller without a template (it creates no pods)
    /// and when those pods would be exempt: by namespace or by runtime class. A user exemption
    /// does not cover them: the controller creates them, not the user.
    pub fn created_pods(&self) -> Option<&Evaluation> {
        self.pods.as_ref()
    }

    /// What a gate before the cluster should report as denied: for a pod, the API server's
    /// [`denial`](Decision::denial); for a controller, which the API server admits, that the pods
    /// it creates would be denied, as `pss` words it:
    /// `deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": ...`.
    pub fn pods_denial(&self) -> Option<&str> {
        self.denial.as_deref().or(self.pods_denial.as_deref())
    }

    /// The violations behind [`pods_denial`](Decision::pods_denial), as a gate reports them: for a
    /// pod, its [`enforce`](Decision::enforce) evaluation's; for a controller, those of the pods it
    /// creates ([`created_pods`](Decision::created_pods), paths relative to the controller). Empty
    /// when no such evaluation ran (an exempt object).
    pub fn pods_violations(&self) -> &[crate::Violation] {
        let evaluation = if self.kind == WorkloadKind::Pod { self.enforce() } else { self.created_pods() };
        evaluation.map_or(&[][..], Evaluation::violations)
    }

    /// Whether neither the object nor the pods it creates would be denied ([`Decision::pods_denial`]).
    pub fn pods_allowed(&self) -> bool {
        self.pods_denial().is_none()
    }

    fn new(kind: WorkloadKind, policy: Policy) -> Decision {
        Decision {
            kind,
            policy,
            denial: None,
            warnings: Vec::new(),
            audit_annotations: BTreeMap::new(),
            exemption: None,
            enforce: None,
            audit: None,
            warn: None,
            pods: None,
            pods_denial: None,
            label_errors: Vec::new(),
        }
    }

    fn exempt(kind: WorkloadKind, policy: Policy, why: Exemption) -> Decision {
        let mut d = Decision::new(kind, policy);
        d.exemption = Some(why);
        d.audit_annotations.insert(EXEMPT_ANNOTATION.to_owned(), why.as_str().to_owned());
        d
    }
}

/// PodSecurity admission with a configuration (defaults and exemptions).
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::admission::{Admission, AdmissionConfig};
///
/// let admission = Admission::new(AdmissionConfig::default());
/// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"},
///     "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#)?;
/// let labels = [("pod-security.kubernetes.io/enforce", "baseline")];
/// let decision = admission.review(&pod, "p", "default", labels, "").unwrap();
/// assert_eq!(
///     decision.denial(),
///     Some(r#"pods "p" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#)
/// );
/// assert_eq!(decision.audit_annotations()["pod-security.kubernetes.io/enforce-policy"], "baseline:latest");
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct Admission {
    config: AdmissionConfig,
}

impl Admission {
    /// Admission with a configuration.
    pub fn new(config: AdmissionConfig) -> Self {
        Admission { config }
    }

    /// The configuration.
    pub fn config(&self) -> &AdmissionConfig {
        &self.config
    }

    /// The policy for a namespace's labels, with the configuration's defaults (upstream's
    /// `Admission.PolicyToEvaluate`).
    pub fn policy_for<K: AsRef<str>, V: AsRef<str>>(
        &self,
        namespace_labels: impl IntoIterator<Item = (K, V)>,
    ) -> (Policy, Vec<FieldError>) {
        Policy::from_labels(namespace_labels, self.config.defaults())
    }

    /// Decides a create request for a pod or pod controller named `name` in `namespace` (whose
    /// labels are given), made by `username` (empty when unknown).
    ///
    /// Pods are checked in all three modes and denied when enforce fails; controllers are only
    /// warned and audited, never denied; exemptions apply by namespace, then user, then the
    /// template's runtime class, as upstream applies them.
    ///
    /// # Errors
    /// [`NoPodTemplate::NotAPodController`] for objects PodSecurity does not look at. A controller
    /// without its (optional) template is allowed, as upstream allows it.
    pub fn review<O, K, V>(
        &self,
        object: &O,
        name: &str,
        namespace: &str,
        namespace_labels: impl IntoIterator<Item = (K, V)>,
        username: &str,
    ) -> Result<Decision, NoPodTemplate>
    where
        O: ObjectSource + ?Sized,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let workload = workload_of(object);
        let kind = match &workload {
            Ok((kind, _)) => *kind,
            Err(NoPodTemplate::TemplateAbsent { kind }) => *kind,
            Err(e) => return Err(e.clone()),
        };
        let (policy, errs) = self.policy_for(namespace_labels);
        let template = workload.ok().map(|(_, t)| t);
        let mut decision = self.decide(kind, policy, &errs, template.as_ref(), name, namespace, username);
        // The pods a controller creates: exempt with its namespace or their runtime class, never by
        // the user who creates the controller.
        if kind != WorkloadKind::Pod && !self.config.exempt_namespace(namespace) {
            if let Some(t) = template.filter(|t| !self.config.exempt_runtime_class(t.runtime_class_name())) {
                let pods = Evaluation::of(policy.enforce, Some(kind), t.evaluate(policy.enforce, &kind.ctx()));
                decision.pods_denial = pods.denial_message(name);
                decision.pods = Some(pods);
            }
        }
        decision.label_errors = errs;
        Ok(decision)
    }

    /// Upstream's `ValidatePod` / `ValidatePodController`, for a pod or controller whose template
    /// (if any) is given.
    #[allow(clippy::too_many_arguments)]
    fn decide(
        &self,
        kind: WorkloadKind,
        policy: Policy,
        errs: &[FieldError],
        template: Option<&TemplateRef<'_>>,
        name: &str,
        namespace: &str,
        username: &str,
    ) -> Decision {
        if self.config.exempt_namespace(namespace) {
            return Decision::exempt(kind, policy, Exemption::Namespace);
        }
        if self.config.exempt_user(username) {
            return Decision::exempt(kind, policy, Exemption::User);
        }
        let is_pod = kind == WorkloadKind::Pod;
        if is_pod && errs.is_empty() && policy.fully_privileged() {
            let mut d = Decision::new(kind, policy);
            d.audit_annotations.insert(
                ENFORCE_POLICY_ANNOTATION.to_owned(),
                LevelVersion::new(Level::Privileged, Version::LATEST).to_string(),
            );
            return d;
        }
        if !is_pod
            && errs.is_empty()
            && policy.warn.level == Level::Privileged
            && policy.audit.level == Level::Privileged
        {
            return Decision::new(kind, policy);
        }
        match template {
            Some(template) => self.evaluate(kind, policy, errs, template, name, is_pod),
            // A controller whose optional template is absent: nothing to check.
            None => Decision::new(kind, policy),
        }
    }

    /// Upstream's `EvaluatePod`.
    fn evaluate(
        &self,
        kind: WorkloadKind,
        policy: Policy,
        errs: &[FieldError],
        template: &TemplateRef<'_>,
        name: &str,
        enforce: bool,
    ) -> Decision {
        if self.config.exempt_runtime_class(template.runtime_class_name()) {
            return Decision::exempt(kind, policy, Exemption::RuntimeClass);
        }
        let mut d = Decision::new(kind, policy);
        if !errs.is_empty() {
            d.audit_annotations
                .insert(ERROR_ANNOTATION.to_owned(), format!("Failed to parse policy: {}", aggregate(errs)));
        }
        let ctx = kind.ctx();
        let run = |lv: LevelVersion| Evaluation::of(lv, Some(kind), template.evaluate(lv, &ctx));
        // Results are reused between modes with the same level and version, as upstream caches them.
        let mut cache: Vec<Evaluation> = Vec::new();
        let mut get = |lv: LevelVersion| -> Evaluation {
            if let Some(e) = cache.iter().find(|e| e.level_version() == lv) {
                return e.clone();
            }
            let e = run(lv);
            cache.push(e.clone());
            e
        };
        // The last forbidden detail rendered, and of which level and version: modes that share
        // one render it once.
        let mut rendered: Option<(LevelVersion, String)> = None;
        if enforce {
            d.audit_annotations.insert(ENFORCE_POLICY_ANNOTATION.to_owned(), policy.enforce.to_string());
            let result = get(policy.enforce);
            if !result.allowed() {
                d.denial =
                    Some(crate::message::denial(Some(kind), name, policy.enforce, detail_of(&mut rendered, &result)));
            }
            d.enforce = Some(result);
        }
        let audit = get(policy.audit);
        if !audit.allowed() {
            d.audit_annotations.insert(
                AUDIT_VIOLATIONS_ANNOTATION.to_owned(),
                crate::message::would_violate(policy.audit, detail_of(&mut rendered, &audit)),
            );
        }
        d.audit = Some(audit);
        if d.denial.is_none() {
            let warn = get(policy.warn);
            if !warn.allowed() {
                d.warnings.push(crate::message::would_violate(policy.warn, detail_of(&mut rendered, &warn)));
            }
            d.warn = Some(warn);
        }
        d
    }
}

/// The forbidden detail of `e`, rendered once for each level and version in a row: `rendered`
/// keeps the last one.
fn detail_of<'r>(rendered: &'r mut Option<(LevelVersion, String)>, e: &Evaluation) -> &'r str {
    if rendered.as_ref().is_none_or(|(lv, _)| *lv != e.level_version()) {
        *rendered = Some((e.level_version(), e.forbidden_detail()));
    }
    rendered.as_ref().map_or("", |(_, text)| text.as_str())
}
