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
    steps(path).map(|(segment, _)| segment)
}

/// The steps of `path` (see [`segments`]), each with the byte offset in `path` where it ends.
pub(crate) fn steps(path: &str) -> impl Iterator<Item = (Segment<'_>, usize)> {
    let mut at = 0;
    std::iter::from_fn(move || {
        let (segment, end) = step_at(path, at)?;
        at = end;
        Some((segment, end))
    })
}

/// Whether a step of `path` ends at byte `end` when a step of another path with the same bytes
/// up to there does: when what follows in `path` starts a step (`.` or `[`), or nothing does.
pub(crate) fn step_ends_at(path: &str, end: usize) -> bool {
    matches!(path.as_bytes().get(end), None | Some(b'.' | b'['))
}

/// The step of `path` that starts at byte `at` (0, or where a step ends), and where it ends; `None`
/// when no step is left. Byte by byte: `]`, `.` and `[` are ASCII, so every cut is at a character
/// boundary.
#[inline(always)]
pub(crate) fn step_at(path: &str, at: usize) -> Option<(Segment<'_>, usize)> {
    let bytes = path.as_bytes();
    // A `.` before the step is not part of it.
    let start = at + usize::from(bytes.get(at) == Some(&b'.'));
    if *bytes.get(start)? == b'[' {
        // To the first `]` that ends the path or is followed by `.` or `[` (else to the end).
        let inner = start + 1;
        let mut close = inner;
        while close < bytes.len() && !(bytes[close] == b']' && matches!(bytes.get(close + 1), None | Some(b'.' | b'[')))
        {
            close += 1;
        }
        let text = &path[inner..close];
        let segment = match index(text) {
            Some(index) => Segment::Index(index),
            None => Segment::Key(text),
        };
        Some((segment, (close + 1).min(bytes.len())))
    } else {
        let end = key_end(bytes, start);
        Some((Segment::Key(&path[start..end]), end))
    }
}

/// The first `.` or `[` at or after `from`, or the end: eight bytes at a time while eight are left
/// (keys such as `securityContext` are long), then one at a time. In each 64-bit word, a byte's
/// high bit is set in `found` when it may be one, and the lowest such byte always is one (a false
/// flag only follows a true one, through a borrow).
fn key_end(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
        let dot = w ^ (ONES * u64::from(b'.'));
        let open = w ^ (ONES * u64::from(b'['));
        let found = ((dot.wrapping_sub(ONES) & !dot) | (open.wrapping_sub(ONES) & !open)) & HIGH;
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
        i += 1;
    }
    i
}

/// `text` as a sequence index, as `usize::from_str` reads it without a sign: ASCII digits only
/// (leading zeros allowed), and not more than a `usize` holds.
fn index(text: &str) -> Option<usize> {
    if text.is_empty() {
        return None;
    }
    text.bytes().try_fold(0usize, |n, b| match b {
        b'0'..=b'9' => n.checked_mul(10)?.checked_add(usize::from(b - b'0')),
        _ => None,
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

    /// The steps of `path` as they were first split (by `str` searches): the reference for the
    /// byte-by-byte split.
    fn reference(path: &str) -> Vec<Segment<'_>> {
        let mut rest = path;
        let mut out = Vec::new();
        loop {
            rest = rest.strip_prefix('.').unwrap_or(rest);
            if rest.is_empty() {
                return out;
            }
            if let Some(inner) = rest.strip_prefix('[') {
                let bytes = inner.as_bytes();
                let close = (0..bytes.len())
                    .find(|&i| bytes[i] == b']' && matches!(bytes.get(i + 1), None | Some(b'.' | b'[')))
                    .unwrap_or(inner.len());
                let text = &inner[..close];
                rest = inner.get(close + 1..).unwrap_or_default();
                let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
                out.push(match text.parse::<usize>() {
                    Ok(index) if digits => Segment::Index(index),
                    _ => Segment::Key(text),
                });
            } else {
                let end = rest.find(['.', '[']).unwrap_or(rest.len());
                out.push(Segment::Key(&rest[..end]));
                rest = &rest[end..];
            }
        }
    }

    #[test]
    fn paths_split_as_the_reference_splits_them() {
        let pieces =
            ["a", "spec", "securityContext", ".", "[", "]", "0", "12", "é", "/", "99999999999999999999", "x.y"];
        let mut rng = crate::test_rng::Rng(0x9e37_79b9_7f4a_7c15);
        for _ in 0..20_000 {
            let mut path = String::new();
            for _ in 0..rng.0 % 9 {
                path.push_str(pieces[rng.below(pieces.len())]);
            }
            assert_eq!(segments(&path).collect::<Vec<_>>(), reference(&path), "{path:?}");
            let ends: Vec<usize> = steps(&path).map(|(_, end)| end).collect();
            assert!(
                ends.windows(2).all(|w| w[0] < w[1]) && ends.last().is_none_or(|&end| end <= path.len()),
                "{path:?}"
            );
        }
    }

    #[test]
    fn keys_end_at_the_first_dot_or_bracket() {
        let alphabet = b"ab.[]\xe9";
        let mut rng = crate::test_rng::Rng(0x2545_f491_4f6c_dd1d);
        for len in 0..30 {
            for _ in 0..300 {
                let bytes = rng.bytes(len, alphabet);
                for from in 0..=len {
                    let naive = (from..len).find(|&i| bytes[i] == b'.' || bytes[i] == b'[').unwrap_or(len);
                    assert_eq!(key_end(&bytes, from), naive, "{bytes:?} from {from}");
                }
            }
        }
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
