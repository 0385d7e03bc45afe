//! PodSecurity admission semantics: namespace labels to policy, the PodSecurityConfiguration file,
//! the enforce/audit/warn decision for one object, and the dry run of a namespace label change, all
//! with upstream's words (`k8s.io/pod-security-admission/admission` and `api`).

mod config;
mod decision;
mod namespace;
mod object;
mod policy;

pub use config::{AdmissionConfig, ConfigError, Exemptions, PolicyDefaults};
pub use decision::{Admission, Decision, Exemption};
pub use namespace::{NamespaceReview, PodsCheck, MAX_PODS_TO_CHECK};
pub use object::ObjectReview;
pub use policy::Policy;

pub use crate::workload::{namespace_of, DEFAULT_NAMESPACE};

/// The namespaces that the Namespace objects among a set of manifests declare, with their labels:
/// what PodSecurity admission would read for the objects in those namespaces once the manifests
/// are applied in order. A later Namespace of the same name replaces an earlier one (as applying it
/// would); a Namespace without a name declares nothing (the API server refuses it); a namespace
/// nothing declares has no labels.
///
/// `pss check` and `@pss/wasm`'s `checkManifest` find a namespace's policy here.
///
/// ```
/// use pss_core::admission::DeclaredNamespaces;
/// use pss_core::ObjectHeader;
///
/// let mut namespaces = DeclaredNamespaces::new();
/// let ns = ObjectHeader::from_str(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "prod",
///   "labels": {"pod-security.kubernetes.io/enforce": "restricted"}}}"#)?;
/// assert!(namespaces.record(&ns));
/// let pod = ObjectHeader::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}}"#)?;
/// assert!(!namespaces.record(&pod));
/// assert_eq!(namespaces.labels("prod"), [("pod-security.kubernetes.io/enforce".to_owned(), "restricted".to_owned())]);
/// assert!(namespaces.labels("dev").is_empty());
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeclaredNamespaces {
    labels: std::collections::HashMap<String, Vec<(String, String)>>,
}

impl DeclaredNamespaces {
    /// No namespace declared.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `header` if it is a Namespace with a name (replacing an earlier one of that name);
    /// returns whether it was recorded.
    pub fn record(&mut self, header: &crate::ObjectHeader<'_>) -> bool {
        if !matches!(header.class(), crate::ObjectClass::Namespace) {
            return false;
        }
        let Some(name) = header.name().filter(|n| !n.is_empty()) else {
            return false;
        };
        let labels = header.labels().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
        self.labels.insert(name.to_owned(), labels);
        true
    }

    /// Adds the namespaces declared after these (in later documents or sources): where both
    /// declare a namespace, the later declaration replaces the earlier, as [`record`](Self::record)
    /// would have in one pass. Lets the declarations of several sources be read apart (on several
    /// threads) and joined in their order.
    ///
    /// ```
    /// use pss_core::admission::DeclaredNamespaces;
    ///
    /// let label = |level: &str| vec![("pod-security.kubernetes.io/enforce".to_owned(), level.to_owned())];
    /// let mut first = DeclaredNamespaces::new();
    /// first.set("prod", label("baseline"));
    /// first.set("dev", label("privileged"));
    /// let mut second = DeclaredNamespaces::new();
    /// second.set("prod", label("restricted"));
    /// first.append(second);
    /// assert_eq!(first.labels("prod"), label("restricted"));
    /// assert_eq!(first.labels("dev"), label("privileged"));
    /// ```
    pub fn append(&mut self, later: DeclaredNamespaces) {
        self.labels.extend(later.labels);
    }

    /// Sets a namespace's labels, replacing what was declared for it.
    pub fn set(&mut self, namespace: impl Into<String>, labels: Vec<(String, String)>) {
        self.labels.insert(namespace.into(), labels);
    }

    /// A namespace's labels, to change them in place (an empty list when nothing declared it).
    pub fn labels_mut(&mut self, namespace: &str) -> &mut Vec<(String, String)> {
        self.labels.entry(namespace.to_owned()).or_default()
    }

    /// A namespace's labels (none when nothing declared it).
    pub fn labels(&self, namespace: &str) -> &[(String, String)] {
        self.labels.get(namespace).map_or(&[], Vec::as_slice)
    }

    /// Whether no namespace is declared.
    pub fn is_empty(&self) -> bool {
        self.labels.is_empty()
    }

    /// Every declared namespace and its labels, in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[(String, String)])> {
        self.labels.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }
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
