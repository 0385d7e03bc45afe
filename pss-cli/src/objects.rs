//! What `pss check` does with an object, by its kind.
//!
//! Only Pods are evaluated today. Pod controllers (Deployments, Jobs, ...) will be one more class
//! here carrying where their pod template is; the template's JSON text has a Pod's `metadata` and
//! `spec`, so it goes through the same decoding and evaluation as a Pod.

/// How an object is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Evaluated.
    Pod,
    /// A list (`List`, `PodList`, ...): each of its `items` is handled on its own.
    List,
    /// Skipped and counted.
    Other,
}

/// The class of an object of kind `kind` (`None` when the object has no kind).
pub fn classify(kind: Option<&str>) -> Class {
    match kind {
        Some("Pod") => Class::Pod,
        Some(kind) if kind.ends_with("List") => Class::List,
        _ => Class::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds() {
        assert_eq!(classify(Some("Pod")), Class::Pod);
        assert_eq!(classify(Some("pod")), Class::Other);
        assert_eq!(classify(Some("List")), Class::List);
        assert_eq!(classify(Some("PodList")), Class::List);
        assert_eq!(classify(Some("Deployment")), Class::Other);
        assert_eq!(classify(None), Class::Other);
    }
}
