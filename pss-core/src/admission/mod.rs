//! PodSecurity admission semantics: namespace labels to policy, the PodSecurityConfiguration file,
//! the enforce/audit/warn decision for one object, and the dry run of a namespace label change, all
//! with upstream's words (`k8s.io/pod-security-admission/admission` and `api`).

mod config;
mod decision;
mod namespace;
mod policy;

pub use config::{AdmissionConfig, ConfigError, Exemptions, PolicyDefaults};
pub use decision::{Admission, Decision, Exemption};
pub use namespace::{NamespaceReview, PodsCheck, MAX_PODS_TO_CHECK};
pub use policy::Policy;

/// The namespace an object is created in, as kubectl picks it: its own `metadata.namespace`, or
/// `default` (kubectl's `--namespace`, `"default"` unless given) when it has none or an empty one.
///
/// ```
/// use pss_core::admission::namespace_of;
/// assert_eq!(namespace_of(Some("prod"), "default"), "prod");
/// assert_eq!(namespace_of(Some(""), "default"), "default");
/// assert_eq!(namespace_of(None, "ci"), "ci");
/// ```
pub fn namespace_of<'a>(namespace: Option<&'a str>, default: &'a str) -> &'a str {
    namespace.filter(|n| !n.is_empty()).unwrap_or(default)
}

/// The prefix of every PodSecurity namespace label and audit annotation.
pub const LABEL_PREFIX: &str = "pod-security.kubernetes.io/";
/// `pod-security.kubernetes.io/enforce`.
pub const ENFORCE_LEVEL_LABEL: &str = "pod-security.kubernetes.io/enforce";
/// `pod-security.kubernetes.io/enforce-version`.
pub const ENFORCE_VERSION_LABEL: &str = "pod-security.kubernetes.io/enforce-version";
/// `pod-security.kubernetes.io/audit`.
pub const AUDIT_LEVEL_LABEL: &str = "pod-security.kubernetes.io/audit";
/// `pod-security.kubernetes.io/audit-version`.
pub const AUDIT_VERSION_LABEL: &str = "pod-security.kubernetes.io/audit-version";
/// `pod-security.kubernetes.io/warn`.
pub const WARN_LEVEL_LABEL: &str = "pod-security.kubernetes.io/warn";
/// `pod-security.kubernetes.io/warn-version`.
pub const WARN_VERSION_LABEL: &str = "pod-security.kubernetes.io/warn-version";

/// The audit annotation naming the enforced policy (`pod-security.kubernetes.io/enforce-policy`).
pub const ENFORCE_POLICY_ANNOTATION: &str = "pod-security.kubernetes.io/enforce-policy";
/// The audit annotation with the audit-mode violations (`pod-security.kubernetes.io/audit-violations`).
pub const AUDIT_VIOLATIONS_ANNOTATION: &str = "pod-security.kubernetes.io/audit-violations";
/// The audit annotation naming why a request was exempt (`pod-security.kubernetes.io/exempt`).
pub const EXEMPT_ANNOTATION: &str = "pod-security.kubernetes.io/exempt";
/// The audit annotation with an error, e.g. unparsable namespace labels (`pod-security.kubernetes.io/error`).
pub const ERROR_ANNOTATION: &str = "pod-security.kubernetes.io/error";
