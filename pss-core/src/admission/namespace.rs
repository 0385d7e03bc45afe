//! A namespace label change, dry-run against the pods already in the namespace: upstream's
//! `ValidateNamespace` and `EvaluatePodsInNamespace`.

use super::decision::Admission;
use super::policy::Policy;
use super::{
    AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL, WARN_LEVEL_LABEL,
    WARN_VERSION_LABEL,
};
use crate::field_error::{aggregate, FieldError};
use crate::level::{Level, LevelVersion};
use crate::quote::go_quote;
use crate::{evaluate, PodDocument};

/// Upstream checks at most this many existing pods when a namespace's enforce level changes.
pub const MAX_PODS_TO_CHECK: usize = 3000;

/// What the API server answers to a namespace create or label update, for PodSecurity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceReview {
    namespace: String,
    policy: Policy,
    invalid: Option<String>,
    errors: Vec<FieldError>,
    warnings: Vec<String>,
    exempt: bool,
    pods: PodsCheck,
    pods_given: usize,
}

/// Whether, and how, the existing pods of a namespace were checked against its new enforce level
/// (upstream's `ValidateNamespace` checks them only when the enforce level gets stricter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PodsCheck {
    /// A namespace creation: it has no pods yet.
    Creation,
    /// The new labels are invalid: the change is rejected, no pod is checked.
    Invalid,
    /// Not checked: the new enforce level is not stricter than the old one (the same, privileged,
    /// or a lower level at the same version).
    NotStricter {
        /// The enforce level and version before the change.
        old: LevelVersion,
        /// The enforce level and version after the change.
        new: LevelVersion,
    },
    /// Not checked: the namespace is exempt from Pod Security.
    Exempt,
    /// Checked.
    Checked {
        /// How many pods were checked (at most [`MAX_PODS_TO_CHECK`]; pods with an exempt runtime
        /// class are not).
        checked: usize,
        /// How many pods could have been checked (without the limit).
        total: usize,
        /// How many of the checked pods violate the new enforce level.
        violating: usize,
    },
}

impl NamespaceReview {
    /// Whether the change is admitted (only invalid labels are rejected).
    pub fn allowed(&self) -> bool {
        self.invalid.is_none()
    }

    /// The rejection for invalid labels: `Namespace "NAME" is invalid: <field errors>`.
    pub fn invalid(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// The label errors (also when they did not cause a rejection).
    pub fn errors(&self) -> &[FieldError] {
        &self.errors
    }

    /// The warnings, word for word as upstream gives them: which existing pods violate the new
    /// enforce level (`NAME (and N other pods): reasons`, sorted), the limit notice, or the
    /// exempt-namespace notice.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// The namespace's new policy.
    pub fn policy(&self) -> Policy {
        self.policy
    }

    /// Whether the namespace is exempt from Pod Security (by the configuration's exemptions).
    pub fn exempt(&self) -> bool {
        self.exempt
    }

    /// Whether and how the existing pods were checked.
    pub fn pods_check(&self) -> PodsCheck {
        self.pods
    }

    /// How many pods of the namespace violate the new enforce level (0 when none were checked).
    pub fn violating_pods(&self) -> usize {
        match self.pods {
            PodsCheck::Checked { violating, .. } => violating,
            _ => 0,
        }
    }

    /// One line that says what the change means for the existing pods, as `pss label-dry-run`
    /// prints it; `None` when the change is rejected ([`NamespaceReview::invalid`]) or creates the
    /// namespace.
    ///
    /// - `namespace "prod": 3 of 5 pods would violate the new enforce level "restricted:latest"`
    ///   (`none of 5 pods ...`; with `(only the first 3000 checked, as the API server does)` past
    ///   upstream's limit)
    /// - `namespace "prod": the new enforce level "baseline:latest" is not stricter than
    ///   "restricted:latest": 5 existing pods not checked`
    /// - `namespace "prod": exempt from Pod Security: 5 existing pods not checked`
    pub fn summary(&self) -> Option<String> {
        let quoted = go_quote(&self.namespace);
        let n = self.pods_given;
        let pods = if n == 1 { "pod" } else { "pods" };
        Some(match self.pods {
            PodsCheck::Creation | PodsCheck::Invalid => return None,
            PodsCheck::NotStricter { old, new } => format!(
                "namespace {quoted}: the new enforce level {} is not stricter than {}: {n} existing {pods} not checked",
                go_quote(&new.to_string()),
                go_quote(&old.to_string())
            ),
            PodsCheck::Exempt => {
                format!("namespace {quoted}: exempt from Pod Security: {n} existing {pods} not checked")
            }
            PodsCheck::Checked { checked, total, violating } => {
                let count = if violating > 0 { format!("{violating} of {n}") } else { format!("none of {n}") };
                let limit = if checked < total {
                    format!(" (only the first {MAX_PODS_TO_CHECK} checked, as the API server does)")
                } else {
                    String::new()
                };
                format!(
                    "namespace {quoted}: {count} {pods} would violate the new enforce level {}{limit}",
                    go_quote(&self.policy.enforce.to_string())
                )
            }
        })
    }
}

impl Admission {
    /// Reviews a namespace create (`old_labels` is `None`) or label update, dry-running the new
    /// enforce level against the namespace's existing `pods` as upstream does: pods with an exempt
    /// runtime class are skipped, one pod per controller is checked first, at most
    /// [`MAX_PODS_TO_CHECK`] are checked (with upstream's notice when more exist), and pods with the
    /// same reasons are reported together under the lexically first name.
    ///
    /// Upstream also stops after a one-second budget; this offline review has no time limit.
    ///
    /// ```
    /// use pss_core::PodDocument;
    /// use pss_core::admission::Admission;
    ///
    /// let pods: Vec<PodDocument> = [
    ///     r#"{"metadata": {"name": "b"}, "spec": {"hostNetwork": true}}"#,
    ///     r#"{"metadata": {"name": "a"}, "spec": {"hostNetwork": true}}"#,
    ///     r#"{"metadata": {"name": "ok"}, "spec": {}}"#,
    /// ].iter().map(|t| PodDocument::from_str(t).unwrap()).collect();
    /// let review = Admission::default().review_namespace(
    ///     "prod",
    ///     Some([("team", "x")]),
    ///     [("pod-security.kubernetes.io/enforce", "baseline")],
    ///     &pods,
    /// );
    /// assert_eq!(review.warnings(), [
    ///     r#"existing pods in namespace "prod" violate the new PodSecurity enforce level "baseline:latest""#,
    ///     "a (and 1 other pod): host namespaces",
    /// ]);
    /// ```
    pub fn review_namespace<K1, V1, K2, V2>(
        &self,
        namespace: &str,
        old_labels: Option<impl IntoIterator<Item = (K1, V1)>>,
        new_labels: impl IntoIterator<Item = (K2, V2)>,
        pods: &[PodDocument<'_>],
    ) -> NamespaceReview
    where
        K1: AsRef<str>,
        V1: AsRef<str>,
        K2: AsRef<str>,
        V2: AsRef<str>,
    {
        let new_labels: Vec<(String, String)> =
            new_labels.into_iter().map(|(k, v)| (k.as_ref().to_owned(), v.as_ref().to_owned())).collect();
        let (policy, errors) = self.policy_for(new_labels.iter().map(|(k, v)| (k, v)));
        let exempt = self.config().exempt_namespace(namespace);
        let mut review = NamespaceReview {
            namespace: namespace.to_owned(),
            policy,
            invalid: None,
            errors,
            warnings: Vec::new(),
            exempt,
            pods: PodsCheck::Creation,
            pods_given: pods.len(),
        };
        let invalid =
            |errors: &[FieldError]| format!("Namespace {} is invalid: {}", go_quote(namespace), aggregate(errors));
        match old_labels {
            None => {
                if !review.errors.is_empty() {
                    review.invalid = Some(invalid(&review.errors));
                    review.pods = PodsCheck::Invalid;
                } else if exempt {
                    review.warnings.extend(self.exempt_namespace_warning(namespace, &policy, &new_labels));
                }
            }
            Some(old) => {
                let (old_policy, old_errors) = self.policy_for(old);
                if !review.errors.is_empty() && (old_errors.is_empty() || old_errors != review.errors) {
                    review.invalid = Some(invalid(&review.errors));
                    review.pods = PodsCheck::Invalid;
                    return review;
                }
                if policy.enforce == old_policy.enforce
                    || policy.enforce.level == Level::Privileged
                    || (policy.enforce.version == old_policy.enforce.version
                        && policy.enforce.level <= old_policy.enforce.level)
                {
                    review.pods = PodsCheck::NotStricter { old: old_policy.enforce, new: policy.enforce };
                    return review;
                }
                if exempt {
                    review.warnings.extend(self.exempt_namespace_warning(namespace, &policy, &new_labels));
                    review.pods = PodsCheck::Exempt;
                    return review;
                }
                let (warnings, check) = self.evaluate_pods_in_namespace(namespace, policy.enforce, pods);
                review.warnings = warnings;
                review.pods = check;
            }
        }
        review
    }

    /// Upstream's `EvaluatePodsInNamespace` (without its time budget).
    fn evaluate_pods_in_namespace(
        &self,
        namespace: &str,
        enforce: LevelVersion,
        pods: &[PodDocument<'_>],
    ) -> (Vec<String>, PodsCheck) {
        // prioritizePods: skip exempt runtime classes; the first pod of each controller first.
        let mut prioritized: Vec<&PodDocument<'_>> = Vec::new();
        let mut duplicates: Vec<&PodDocument<'_>> = Vec::new();
        let mut controllers: Vec<&str> = Vec::new();
        for pod in pods {
            if self.config().exempt_runtime_class(pod.runtime_class_name()) {
                continue;
            }
            match pod.controller_uid() {
                None => prioritized.push(pod),
                Some(uid) if controllers.contains(&uid) => duplicates.push(pod),
                Some(uid) => {
                    controllers.push(uid);
                    prioritized.push(pod);
                }
            }
        }
        prioritized.extend(duplicates);
        let total = prioritized.len();
        prioritized.truncate(MAX_PODS_TO_CHECK);
        let checked = prioritized.len();

        // Reasons -> (lexically first pod name, count), in first-seen order.
        let mut groups: Vec<(String, String, usize)> = Vec::new();
        let mut violating = 0;
        for pod in prioritized {
            let result = evaluate(enforce, pod);
            if result.allowed() {
                continue;
            }
            violating += 1;
            let reason = result.forbidden_reason();
            let name = pod.name().unwrap_or("");
            match groups.iter_mut().find(|(r, _, _)| *r == reason) {
                Some((_, first, count)) => {
                    if name < first.as_str() {
                        *first = name.to_owned();
                    }
                    *count += 1;
                }
                None => groups.push((reason, name.to_owned(), 1)),
            }
        }
        let mut warnings = Vec::new();
        if checked < total {
            warnings.push(format!(
                "new PodSecurity enforce level only checked against the first {checked} of {total} existing pods"
            ));
        }
        if !groups.is_empty() {
            warnings.push(format!(
                "existing pods in namespace {} violate the new PodSecurity enforce level {}",
                go_quote(namespace),
                go_quote(&enforce.to_string())
            ));
        }
        let mut pod_warnings: Vec<String> = groups
            .into_iter()
            .map(|(reason, name, count)| match count {
                1 => format!("{name}: {reason}"),
                2 => format!("{name} (and 1 other pod): {reason}"),
                n => format!("{name} (and {} other pods): {reason}", n - 1),
            })
            .collect();
        pod_warnings.sort();
        warnings.extend(pod_warnings);
        (warnings, PodsCheck::Checked { checked, total, violating })
    }

    /// Upstream's `exemptNamespaceWarning`.
    fn exempt_namespace_warning(
        &self,
        namespace: &str,
        policy: &Policy,
        labels: &[(String, String)],
    ) -> Option<String> {
        if policy.fully_privileged() || policy.equivalent(&self.config().defaults()) {
            return None;
        }
        let has = |key: &str| labels.iter().any(|(k, _)| k == key);
        let mut parts = Vec::new();
        for (mode, lv, level_label, version_label) in [
            ("enforce", policy.enforce, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL),
            ("audit", policy.audit, AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL),
            ("warn", policy.warn, WARN_LEVEL_LABEL, WARN_VERSION_LABEL),
        ] {
            if lv.level != Level::Privileged && (has(level_label) || has(version_label)) {
                parts.push(format!("{mode}={lv}"));
            }
        }
        Some(format!(
            "namespace {} is exempt from Pod Security, and the policy ({}) will be ignored",
            go_quote(namespace),
            parts.join(", ")
        ))
    }
}
