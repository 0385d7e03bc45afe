//! Where an object is: its namespace, as kubectl picks it. What is done with an object by its kind
//! is pss-core's [`pss_core::ObjectClass`].

/// The name used for a `metadata.namespace`: the object's own, or `default` (`--namespace`) when it
/// has none, as kubectl does.
pub fn namespace_of<'a>(namespace: Option<&'a str>, default: &'a str) -> &'a str {
    namespace.filter(|n| !n.is_empty()).unwrap_or(default)
}

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
