//! Field paths as pss-core writes them: `spec.containers[0].securityContext.privileged`,
//! `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Segment<'a> {
    /// A mapping key (`spec`, or `[key]` when it is not a number).
    Key(&'a str),
    /// A sequence index (`[0]`).
    Index(usize),
}

/// The steps of `path`. A bracketed key runs to the first `]` that ends the path or is followed by
/// `.` or `[`, so keys with dots and slashes (annotation keys) are one step.
pub(crate) fn segments(path: &str) -> impl Iterator<Item = Segment<'_>> {
    let mut rest = path;
    std::iter::from_fn(move || {
        rest = rest.strip_prefix('.').unwrap_or(rest);
        if rest.is_empty() {
            return None;
        }
        if let Some(inner) = rest.strip_prefix('[') {
            let bytes = inner.as_bytes();
            let close = (0..bytes.len())
                .find(|&i| bytes[i] == b']' && matches!(bytes.get(i + 1), None | Some(b'.' | b'[')))
                .unwrap_or(inner.len());
            let text = &inner[..close];
            rest = inner.get(close + 1..).unwrap_or_default();
            return Some(match text.parse::<usize>() {
                Ok(index) if !text.starts_with('+') => Segment::Index(index),
                _ => Segment::Key(text),
            });
        }
        let end = rest.find(['.', '[']).unwrap_or(rest.len());
        let (key, after) = rest.split_at(end);
        rest = after;
        Some(Segment::Key(key))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_split_into_keys_and_indexes() {
        let steps: Vec<_> = segments("spec.containers[10].securityContext.capabilities.add[0]").collect();
        assert_eq!(
            steps,
            [
                Segment::Key("spec"),
                Segment::Key("containers"),
                Segment::Index(10),
                Segment::Key("securityContext"),
                Segment::Key("capabilities"),
                Segment::Key("add"),
                Segment::Index(0)
            ]
        );
        let steps: Vec<_> =
            segments("metadata.annotations[container.apparmor.security.beta.kubernetes.io/a[b]]").collect();
        assert_eq!(
            steps,
            [
                Segment::Key("metadata"),
                Segment::Key("annotations"),
                Segment::Key("container.apparmor.security.beta.kubernetes.io/a[b]")
            ]
        );
        assert_eq!(segments("").count(), 0);
    }
}
