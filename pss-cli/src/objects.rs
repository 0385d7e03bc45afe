//! Where an object is: its namespace, as kubectl picks it. What is done with an object by its kind
//! is pss-core's [`pss_core::ObjectClass`].

/// The name used for a `metadata.namespace` (pss-core's rule).
pub use pss_core::admission::namespace_of;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn namespaces_default_like_kubectl() {
        assert_eq!(namespace_of(Some("prod"), "default"), "prod");
        assert_eq!(namespace_of(Some(""), "default"), "default");
        assert_eq!(namespace_of(None, "ci"), "ci");
    }
}
