//! A namespace label change, dry-run against the pods already in the namespace: upstream's
//! `ValidateNamespace` and `EvaluatePodsInNamespace`.

use super::decision::Admission;
use super::field_error::{aggregate, FieldError};
use super::policy::Policy;
use super::{
    AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL, WARN_LEVEL_LABEL,
    WARN_VERSION_LABEL,
};
use crate::level::{Level, LevelVersion};
use crate::quote::go_quote;
use crate::{evaluate, PodDocument};

/// Upstream checks at most this many existing pods when a namespace's enforce level changes.
pub const MAX_PODS_TO_CHECK: usize = 3000;

/// What the API server answers to a namespace create or label update, for PodSecurity.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamespaceReview {
    policy: Policy,
    invalid: Option<String>,
    errors: Vec<FieldError>,
    warnings: Vec<String>,
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
    /// use pss_core::{Admission, PodDocument};
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
        let mut review = NamespaceReview { policy, invalid: None, errors, warnings: Vec::new() };
        let invalid =
            |errors: &[FieldError]| format!("Namespace {} is invalid: {}", go_quote(namespace), aggregate(errors));
        let exempt = self.config().exempt_namespace(namespace);
        match old_labels {
            None => {
                if !review.errors.is_empty() {
                    review.invalid = Some(invalid(&review.errors));
                } else if exempt {
                    review.warnings.extend(self.exempt_namespace_warning(namespace, &policy, &new_labels));
                }
            }
            Some(old) => {
                let (old_policy, old_errors) = self.policy_for(old);
                if !review.errors.is_empty() && (old_errors.is_empty() || old_errors != review.errors) {
                    review.invalid = Some(invalid(&review.errors));
                    return review;
                }
                if policy.enforce == old_policy.enforce
                    || policy.enforce.level == Level::Privileged
                    || (policy.enforce.version == old_policy.enforce.version
                        && policy.enforce.level <= old_policy.enforce.level)
                {
                    return review;
                }
                if exempt {
                    review.warnings.extend(self.exempt_namespace_warning(namespace, &policy, &new_labels));
                    return review;
                }
                review.warnings = self.evaluate_pods_in_namespace(namespace, policy.enforce, pods);
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
    ) -> Vec<String> {
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
        for pod in prioritized {
            let result = evaluate(enforce, pod);
            if result.allowed() {
                continue;
            }
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
        warnings
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
