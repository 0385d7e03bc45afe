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
    std::iter::from_fn(move || next_segment(&mut rest))
}

/// The steps of `path` (see [`segments`]), each with the byte offset in `path` where it ends.
pub(crate) fn steps(path: &str) -> impl Iterator<Item = (Segment<'_>, usize)> {
    let mut rest = path;
    std::iter::from_fn(move || next_segment(&mut rest).map(|segment| (segment, path.len() - rest.len())))
}

/// Whether a step of `path` ends at byte `end` when a step of another path with the same bytes
/// up to there does: when what follows in `path` starts a step (`.` or `[`), or nothing does.
pub(crate) fn step_ends_at(path: &str, end: usize) -> bool {
    matches!(path.as_bytes().get(end), None | Some(b'.' | b'['))
}

/// The first step of `rest`, which then holds what follows it.
fn next_segment<'a>(rest: &mut &'a str) -> Option<Segment<'a>> {
    *rest = rest.strip_prefix('.').unwrap_or(rest);
    let bytes = rest.as_bytes();
    match bytes.first()? {
        b'[' => {
            let inner = &rest[1..];
            let bytes = inner.as_bytes();
            // Byte by byte: `]`, `.` and `[` are ASCII, so every cut is at a character boundary.
            let mut close = inner.len();
            for (i, &b) in bytes.iter().enumerate() {
                if b == b']' && matches!(bytes.get(i + 1), None | Some(b'.' | b'[')) {
                    close = i;
                    break;
                }
            }
            let text = &inner[..close];
            *rest = inner.get(close + 1..).unwrap_or_default();
            Some(match index(text) {
                Some(index) => Segment::Index(index),
                None => Segment::Key(text),
            })
        }
        _ => {
            let end = bytes.iter().position(|&b| b == b'.' || b == b'[').unwrap_or(bytes.len());
            let (key, after) = rest.split_at(end);
            *rest = after;
            Some(Segment::Key(key))
        }
    }
}

/// `text` as a sequence index, as `usize::from_str` reads it without a sign: ASCII digits only
/// (leading zeros allowed), and not more than a `usize` holds.
fn index(text: &str) -> Option<usize> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.bytes().try_fold(0usize, |n, b| n.checked_mul(10)?.checked_add(usize::from(b - b'0')))
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

    #[test]
    fn indexes_are_what_usize_parses_without_a_sign() {
        for text in ["0", "007", "10", "18446744073709551615", "18446744073709551616", "+1", "-1", "1a", "", "٣", "1 "]
        {
            let parsed = text.parse::<usize>().ok().filter(|_| !text.starts_with('+'));
            assert_eq!(index(text), parsed, "{text:?}");
        }
    }
}
