//! What the CLI does with an object, by its kind.
//!
//! Pods and pod controllers (the kinds PodSecurity admission looks at, see [`WorkloadKind`]) are
//! evaluated; Namespaces set the policy of the objects in them; the items of a List are handled one
//! by one; anything else is skipped and counted.

use pss_core::WorkloadKind;

/// How an object is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// A Pod or a pod controller: evaluated.
    Workload(WorkloadKind),
    /// A `v1` Namespace: its labels are the policy of the objects in it.
    Namespace,
    /// A list (`List`, `PodList`, ...): each of its `items` is handled on its own.
    List,
    /// Skipped and counted.
    Other,
}

/// The class of an object with this `apiVersion` and `kind` (either may be missing).
pub fn classify(api_version: Option<&str>, kind: Option<&str>) -> Class {
    let Some(kind) = kind else {
        return Class::Other;
    };
    if let Some(workload) = WorkloadKind::from_type(api_version, kind) {
        return Class::Workload(workload);
    }
    match kind {
        "Namespace" if is_core(api_version) => Class::Namespace,
        kind if kind.ends_with("List") => Class::List,
        _ => Class::Other,
    }
}

/// Whether an `apiVersion` is in the core group (`v1`), or absent.
fn is_core(api_version: Option<&str>) -> bool {
    api_version.is_none_or(|v| !v.contains('/'))
}

/// The name used for a `metadata.namespace`: the object's own, or `default` (`--namespace`) when it
/// has none, as kubectl does.
pub fn namespace_of<'a>(namespace: Option<&'a str>, default: &'a str) -> &'a str {
    namespace.filter(|n| !n.is_empty()).unwrap_or(default)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(classify(Some("v1"), Some("Pod")), Class::Workload(WorkloadKind::Pod));
        assert_eq!(classify(None, Some("Pod")), Class::Workload(WorkloadKind::Pod));
        assert_eq!(classify(None, Some("pod")), Class::Other);
        assert_eq!(classify(Some("v1"), Some("List")), Class::List);
        assert_eq!(classify(None, Some("PodList")), Class::List);
        assert_eq!(classify(Some("apps/v1"), Some("Deployment")), Class::Workload(WorkloadKind::Deployment));
        assert_eq!(classify(Some("batch/v1"), Some("CronJob")), Class::Workload(WorkloadKind::CronJob));
        assert_eq!(classify(Some("example.com/v1"), Some("Deployment")), Class::Other);
        assert_eq!(classify(Some("v1"), Some("Namespace")), Class::Namespace);
        assert_eq!(classify(None, Some("Namespace")), Class::Namespace);
        assert_eq!(classify(Some("example.com/v1"), Some("Namespace")), Class::Other);
        assert_eq!(classify(Some("v1"), None), Class::Other);
    }

    #[test]
    fn namespaces_default_like_kubectl() {
        assert_eq!(namespace_of(Some("prod"), "default"), "prod");
        assert_eq!(namespace_of(Some(""), "default"), "default");
        assert_eq!(namespace_of(None, "ci"), "ci");
    }
}
