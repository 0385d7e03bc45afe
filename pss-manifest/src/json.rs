//! JSON texts without a parse into values: Go's syntax check (for kubectl's JSON-or-YAML choice),
//! the place of a field path, and the items of a List.

use std::sync::{Mutex, PoisonError};

use crate::path::{segments, step_ends_at, steps, Segment};
use crate::Position;

/// Go's `encoding/json` nesting limit.
const MAX_DEPTH: usize = 10_000;

fn skip_ws(text: &[u8], mut at: usize) -> usize {
    while at < text.len() && matches!(text[at], b' ' | b'\t' | b'\r' | b'\n') {
        at += 1;
    }
    at
}

/// The first byte at or after `from` that stops a JSON string scan (`"`, `\\`, or a control
/// character below U+0020), or `bytes.len()`. Eight bytes at a time: in each 64-bit word, a byte's
/// high bit is set in `flags` when it may be one, and the lowest such byte always is one (a false
/// flag only follows a true one, through a borrow), so the search stops exactly there. Most strings
/// of a manifest are short keys and values, where one call of a general search costs more than the
/// string.
pub(crate) fn string_stop(bytes: &[u8], from: usize) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let flags = |w: u64| {
        let below_space = w.wrapping_sub(ONES * 0x20) & !w;
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        (below_space | (quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash)) & HIGH
    };
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let found = flags(u64::from_le_bytes(w));
        if found != 0 {
            return i + (found.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    bytes
        .get(i..)
        .unwrap_or_default()
        .iter()
        .position(|&b| b < 0x20 || b == b'"' || b == b'\\')
        .map_or(bytes.len(), |at| i + at)
}

/// The end of the string starting at `at` (a `"`), if it is valid.
fn string_end(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        // The next quote, backslash or control character (invalid inside strings).
        i = string_stop(text, i);
        match *text.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => match text.get(i + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => i += 2,
                b'u' => {
                    let hex = text.get(i + 2..i + 6)?;
                    if !hex.iter().all(u8::is_ascii_hexdigit) {
                        return None;
                    }
                    i += 6;
                }
                _ => return None,
            },
            _ => return None,
        }
    }
}

/// The end of the number starting at `at`, if it is a JSON number.
fn number_end(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at;
    if text.get(i) == Some(&b'-') {
        i += 1;
    }
    match text.get(i)? {
        b'0' => i += 1,
        b'1'..=b'9' => {
            while text.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return None,
    }
    if text.get(i) == Some(&b'.') {
        i += 1;
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    if matches!(text.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(text.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        let start = i;
        while text.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        if i == start {
            return None;
        }
    }
    Some(i)
}

/// The end of the value starting at `at` (whitespace skipped before it), if it is valid JSON.
pub(crate) fn value_end(text: &[u8], at: usize) -> Option<usize> {
    // Open containers: `true` for an object.
    let mut open: Vec<bool> = Vec::new();
    let mut i = skip_ws(text, at);
    loop {
        // A value at `i`.
        match *text.get(i)? {
            b'{' | b'[' => {
                let object = text[i] == b'{';
                if open.len() >= MAX_DEPTH {
                    return None;
                }
                i = skip_ws(text, i + 1);
                let close = if object { b'}' } else { b']' };
                if text.get(i) == Some(&close) {
                    i += 1;
                } else {
                    open.push(object);
                    if object {
                        i = member_key(text, i)?;
                    }
                    continue;
                }
            }
            b'"' => i = string_end(text, i)?,
            b't' if text[i..].starts_with(b"true") => i += 4,
            b'f' if text[i..].starts_with(b"false") => i += 5,
            b'n' if text[i..].starts_with(b"null") => i += 4,
            _ => i = number_end(text, i)?,
        }
        // After a value: `,` or the end of containers.
        loop {
            let Some(&object) = open.last() else { return Some(i) };
            i = skip_ws(text, i);
            match *text.get(i)? {
                b',' => {
                    i = skip_ws(text, i + 1);
                    if object {
                        i = member_key(text, i)?;
                    }
                    break;
                }
                b'}' if object => {
                    open.pop();
                    i += 1;
                }
                b']' if !object => {
                    open.pop();
                    i += 1;
                }
                _ => return None,
            }
        }
    }
}

/// A member's key and colon at `at`; the value's start.
fn member_key(text: &[u8], at: usize) -> Option<usize> {
    if text.get(at) != Some(&b'"') {
        return None;
    }
    let i = skip_ws(text, string_end(text, at)?);
    (text.get(i) == Some(&b':')).then(|| skip_ws(text, i + 1))
}

/// [`member_key`], with where the key ends: (the end of the key's string, the value's start).
fn member_at(text: &[u8], at: usize) -> Option<(usize, usize)> {
    if text.get(at) != Some(&b'"') {
        return None;
    }
    let key_end = string_end(text, at)?;
    let i = skip_ws(text, key_end);
    (text.get(i) == Some(&b':')).then(|| (key_end, skip_ws(text, i + 1)))
}

/// Whether `text` is one JSON value, as Go's `json.Decoder` reads one (surrounding whitespace
/// allowed).
pub(crate) fn is_valid(text: &[u8]) -> bool {
    value_end(text, 0).is_some_and(|end| skip_ws(text, end) == text.len())
}

/// The JSON text of a string token (`"..."`) read as a Rust string, if it has no escapes; else
/// `None` (compared through serde-free unescaping below).
fn unescape(token: &[u8]) -> Option<String> {
    let inner = token.get(1..token.len().checked_sub(1)?)?;
    if !inner.contains(&b'\\') {
        return std::str::from_utf8(inner).ok().map(str::to_owned);
    }
    let mut out = String::new();
    let mut rest = std::str::from_utf8(inner).ok()?;
    while let Some(k) = rest.find('\\') {
        out.push_str(&rest[..k]);
        let escape = &rest[k + 1..];
        let mut chars = escape.chars();
        let c = chars.next()?;
        let used = match c {
            'b' => (out.push('\u{8}'), 1).1,
            'f' => (out.push('\u{c}'), 1).1,
            'n' => (out.push('\n'), 1).1,
            'r' => (out.push('\r'), 1).1,
            't' => (out.push('\t'), 1).1,
            'u' => {
                let unit = u32::from_str_radix(escape.get(1..5)?, 16).ok()?;
                let mut used = 5;
                let code = if (0xd800..0xdc00).contains(&unit) && escape.get(5..7) == Some("\\u") {
                    let low = u32::from_str_radix(escape.get(7..11)?, 16).ok()?;
                    if (0xdc00..0xe000).contains(&low) {
                        used = 11;
                        0x10000 + ((unit - 0xd800) << 10) + (low - 0xdc00)
                    } else {
                        0xfffd
                    }
                } else {
                    unit
                };
                out.push(char::from_u32(code).unwrap_or('\u{fffd}'));
                used
            }
            other => (out.push(other), other.len_utf8()).1,
        };
        rest = &escape[used..];
    }
    out.push_str(rest);
    Some(out)
}

/// A position `offset` bytes into `text`, which starts at `origin` (columns in characters).
pub(crate) fn position_at(text: &[u8], origin: Position, offset: usize) -> Position {
    let before = &text[..offset.min(text.len())];
    match memchr::memrchr(b'\n', before) {
        Some(last) => {
            let line = origin.line + memchr::memchr_iter(b'\n', before).count();
            let column = chars_in(&before[last + 1..]) + 1;
            Position { line, column }
        }
        None => Position { line: origin.line, column: origin.column + chars_in(before) },
    }
}

/// As [`position_at`] for `offset`, from a place already known: `from` (at or before `offset`,
/// and not inside a character) is at `at`. Walks only the bytes between, so that the places of
/// many offsets in order (a List's items) cost one pass over the text, not one each.
pub(crate) fn position_after(text: &[u8], from: usize, at: Position, offset: usize) -> Position {
    let between = &text[from.min(text.len())..offset.min(text.len()).max(from.min(text.len()))];
    match memchr::memrchr(b'\n', between) {
        Some(last) => Position {
            line: at.line + memchr::memchr_iter(b'\n', between).count(),
            column: chars_in(&between[last + 1..]) + 1,
        },
        None => Position { line: at.line, column: at.column + chars_in(between) },
    }
}

/// How many characters `bytes` hold as `String::from_utf8_lossy` reads them (an invalid sequence
/// is one replacement character), without building the string when they are valid UTF-8.
fn chars_in(bytes: &[u8]) -> usize {
    if bytes.is_ascii() {
        return bytes.len();
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => text.chars().count(),
        Err(_) => String::from_utf8_lossy(bytes).chars().count(),
    }
}

/// The members of the object at `at` (its `{`): (key start, key, value start) for each, or `None`
/// when it is not a valid object.
fn members(text: &[u8], at: usize) -> Option<Vec<(usize, String, usize)>> {
    let mut out = Vec::new();
    let mut i = skip_ws(text, at + 1);
    if text.get(i) == Some(&b'}') {
        return Some(out);
    }
    loop {
        let key_end = string_end(text, i)?;
        let key = unescape(&text[i..key_end])?;
        let value = member_key(text, i)?;
        out.push((i, key, value));
        i = skip_ws(text, value_end(text, value)?);
        match text.get(i)? {
            b',' => i = skip_ws(text, i + 1),
            b'}' => return Some(out),
            _ => return None,
        }
    }
}

/// The elements of the array at `at` (its `[`): the start and end of each.
pub(crate) fn elements(text: &[u8], at: usize) -> Option<Vec<(usize, usize)>> {
    elements_to(text, at).map(|(elements, _)| elements)
}

/// [`elements`], and where the array ends (after its `]`).
fn elements_to(text: &[u8], at: usize) -> Option<(Vec<(usize, usize)>, usize)> {
    let mut out = Vec::new();
    let mut i = skip_ws(text, at + 1);
    if text.get(i) == Some(&b']') {
        return Some((out, i + 1));
    }
    loop {
        let end = value_end(text, i)?;
        out.push((i, end));
        i = skip_ws(text, end);
        match text.get(i)? {
            b',' => i = skip_ws(text, i + 1),
            b']' => return Some((out, i + 1)),
            _ => return None,
        }
    }
}

/// A member of an object found with its array's elements: where its key is, where its value
/// starts, and the elements when the value is an array.
pub(crate) type ArrayMember = (usize, usize, Option<Vec<(usize, usize)>>);

/// What [`member`] finds for `key` in the object at `at`, with the elements of its value when it
/// is an array ([`elements`]), in one pass over the object (a List's `items` is most of its text):
/// `None` when the object is not valid (as `member` gives), `Some(None)` when the key is absent.
pub(crate) fn member_elements(text: &[u8], at: usize, key: &str) -> Option<Option<ArrayMember>> {
    let mut found = None;
    let mut i = skip_ws(text, at + 1);
    if text.get(i) == Some(&b'}') {
        return Some(None);
    }
    loop {
        let key_end = string_end(text, i)?;
        let wanted = unescape(&text[i..key_end])? == key;
        let value = member_key(text, i)?;
        let end = if wanted && text.get(value) == Some(&b'[') {
            let (elements, end) = elements_to(text, value)?;
            found = Some((i, value, Some(elements)));
            end
        } else {
            if wanted {
                found = Some((i, value, None));
            }
            value_end(text, value)?
        };
        i = skip_ws(text, end);
        match text.get(i)? {
            b',' => i = skip_ws(text, i + 1),
            b'}' => return Some(found),
            _ => return None,
        }
    }
}

/// The value of `key` in the object at `at` (the last one, if the key is repeated): where the key
/// is and where the value starts.
pub(crate) fn member(text: &[u8], at: usize, key: &str) -> Option<(usize, usize)> {
    members(text, at)?.into_iter().rev().find(|(_, k, _)| k == key).map(|(k, _, v)| (k, v))
}

/// Where the members and elements of every object and array of a valid JSON text are, found in one
/// pass over it, so that locating many fields reads the text once, not once per field and level.
///
/// It is built only for a text that is one valid JSON value ([`is_valid`]): then every object and
/// array in it is valid too, which is when [`members`] and [`elements`] (what [`locate`] asks) find
/// what the index records. For any other text [`JsonIndex::build`] gives `None` and [`locate`] is
/// used as it is.
#[derive(Debug, Default)]
pub(crate) struct JsonIndex {
    /// Every object and array, in the order they open (so by increasing `start`).
    containers: Vec<Container>,
    /// The children of every container, each container's together and in order.
    children: Vec<Child>,
    /// The steps of the last path located (the fields of one object share long prefixes:
    /// `spec.containers[0].securityContext.` ...), for the next path to start after those it shares.
    last: Mutex<LastPath>,
}

/// A path located, and where each of its steps led (see [`JsonIndex::locate`]).
#[derive(Debug, Default)]
struct LastPath {
    path: String,
    /// For each step found, in order: where it ends in `path`, the place it found (its key or
    /// element) and where its value starts.
    steps: Vec<(usize, usize, usize)>,
}

#[derive(Debug, Clone, Copy)]
struct Container {
    /// Where its `{` or `[` is.
    start: usize,
    object: bool,
    /// Its children: `children[first..first + count]`.
    first: usize,
    count: usize,
}

/// A member (its key's quotes and where its value starts) or an element (where it starts, in
/// `value`; `key` empty).
#[derive(Debug, Clone, Copy)]
struct Child {
    key: (usize, usize),
    value: usize,
}

impl JsonIndex {
    /// The index of `text`, or `None` when it is not one valid JSON value.
    pub(crate) fn build(text: &[u8]) -> Option<JsonIndex> {
        // Keys are compared as `unescape` reads them, which needs UTF-8.
        std::str::from_utf8(text).ok()?;
        // Sized for a pod's usual density (about one member per 16 bytes, one object or array per
        // 64), so that the vectors rarely grow; at most a few pages up front for a large text.
        let children = (text.len() / 16).min(4096);
        let mut index = JsonIndex {
            containers: Vec::with_capacity(children / 4),
            children: Vec::with_capacity(children),
            last: Mutex::default(),
        };
        // Open containers: their place in `containers`, and where their children start in `pending`.
        let mut open: Vec<(usize, usize)> = Vec::with_capacity(16);
        let mut pending: Vec<Child> = Vec::with_capacity(children / 2);
        let mut i = skip_ws(text, 0);
        // The same walk as `value_end`, recording where things are.
        'value: loop {
            match *text.get(i)? {
                b'{' | b'[' => {
                    let object = text[i] == b'{';
                    if open.len() >= MAX_DEPTH {
                        return None;
                    }
                    let slot = index.containers.len();
                    index.containers.push(Container { start: i, object, first: 0, count: 0 });
                    i = skip_ws(text, i + 1);
                    let close = if object { b'}' } else { b']' };
                    if text.get(i) == Some(&close) {
                        index.containers[slot].first = index.children.len();
                        i += 1;
                    } else {
                        open.push((slot, pending.len()));
                        if object {
                            let (key_end, value) = member_at(text, i)?;
                            pending.push(Child { key: (i, key_end), value });
                            i = value;
                        } else {
                            pending.push(Child { key: (0, 0), value: i });
                        }
                        continue 'value;
                    }
                }
                b'"' => i = string_end(text, i)?,
                b't' if text[i..].starts_with(b"true") => i += 4,
                b'f' if text[i..].starts_with(b"false") => i += 5,
                b'n' if text[i..].starts_with(b"null") => i += 4,
                _ => i = number_end(text, i)?,
            }
            // After a value: `,` or the end of containers.
            loop {
                let Some(&(slot, from)) = open.last() else {
                    return (skip_ws(text, i) == text.len()).then_some(index);
                };
                let object = index.containers[slot].object;
                i = skip_ws(text, i);
                match *text.get(i)? {
                    b',' => {
                        i = skip_ws(text, i + 1);
                        if object {
                            let (key_end, value) = member_at(text, i)?;
                            pending.push(Child { key: (i, key_end), value });
                            i = value;
                        } else {
                            pending.push(Child { key: (0, 0), value: i });
                        }
                        continue 'value;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                i += 1;
                open.pop();
                let container = &mut index.containers[slot];
                container.first = index.children.len();
                container.count = pending.len() - from;
                index.children.extend_from_slice(&pending[from..]);
                pending.truncate(from);
            }
        }
    }

    fn container(&self, at: usize) -> Option<&Container> {
        let slot = self.containers.binary_search_by_key(&at, |c| c.start).ok()?;
        self.containers.get(slot)
    }

    /// What [`member`] finds in the object at `at`: `Err` when a key cannot be read as [`member`]
    /// reads it (never in a valid text; then the caller asks [`locate`]).
    fn member(&self, text: &[u8], at: usize, key: &str) -> Result<Option<(usize, usize)>, ()> {
        let Some(container) = self.container(at).filter(|c| c.object) else { return Ok(None) };
        let plain_key = !key.contains('\\');
        for child in self.children[container.first..container.first + container.count].iter().rev() {
            let token = &text[child.key.0..child.key.1];
            let inner = &token[1..token.len() - 1];
            let same = if plain_key {
                // Unescaping only shortens a key (every escape is longer than what it stands for),
                // and the text is UTF-8 (`build`): a key as long as `key` is `key` when its bytes are
                // (then it holds no escape, as `key` has no backslash); a shorter one never is; a
                // longer one only through escapes.
                match inner.len().cmp(&key.len()) {
                    std::cmp::Ordering::Less => false,
                    std::cmp::Ordering::Equal => inner == key.as_bytes(),
                    std::cmp::Ordering::Greater => {
                        memchr::memchr(b'\\', inner).is_some() && unescape(token).ok_or(())? == key
                    }
                }
            } else if memchr::memchr(b'\\', inner).is_none() {
                std::str::from_utf8(inner).map_err(|_| ())? == key
            } else {
                unescape(token).ok_or(())? == key
            };
            if same {
                return Ok(Some((child.key.0, child.value)));
            }
        }
        Ok(None)
    }

    /// Where element `index` of the array at `at` starts, as [`elements`] finds it.
    fn element(&self, at: usize, index: usize) -> Option<usize> {
        let container = self.container(at).filter(|c| !c.object)?;
        (index < container.count).then(|| self.children[container.first + index].value)
    }

    /// [`locate`], with the index of `text`: the same answer. The steps `path` shares with the
    /// last path located (the same bytes up to the end of a step) are not looked up again.
    pub(crate) fn locate(&self, text: &[u8], origin: Position, path: &str) -> (Position, bool) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let last = &mut *last;
        let mut at = skip_ws(text, 0);
        let mut found = at;
        let shared = last
            .steps
            .iter()
            .take_while(|&&(end, _, _)| {
                path.as_bytes().get(..end) == last.path.as_bytes().get(..end) && step_ends_at(path, end)
            })
            .count();
        let mut from = 0;
        if let Some(&(end, place, value)) = shared.checked_sub(1).and_then(|i| last.steps.get(i)) {
            (from, found, at) = (end, place, value);
        }
        last.steps.truncate(shared);
        last.path.clear();
        last.path.push_str(path);
        for (segment, end) in steps(&path[from..]) {
            let next = match (text.get(at), segment) {
                (Some(b'{'), Segment::Key(key)) => self.member(text, at, key),
                (Some(b'{'), Segment::Index(index)) => self.member(text, at, &index.to_string()),
                (Some(b'['), Segment::Index(index)) => Ok(self.element(at, index).map(|s| (s, s))),
                _ => Ok(None),
            };
            match next {
                Ok(Some((place, value))) => {
                    found = place;
                    at = value;
                    last.steps.push((from + end, place, value));
                }
                Ok(None) => return (position_at(text, origin, found), false),
                Err(()) => {
                    last.steps.clear();
                    return locate(text, origin, path);
                }
            }
        }
        (position_at(text, origin, found), true)
    }
}

/// Where `path` is in the JSON `text` (starting at `origin`): the member's key, or the element;
/// for a field that is not there, its nearest parent that is (with `false`).
pub(crate) fn locate(text: &[u8], origin: Position, path: &str) -> (Position, bool) {
    let mut at = skip_ws(text, 0);
    let mut found = at;
    for segment in segments(path) {
        let next = match (text.get(at), segment) {
            (Some(b'{'), Segment::Key(key)) => member(text, at, key),
            (Some(b'{'), Segment::Index(index)) => member(text, at, &index.to_string()),
            (Some(b'['), Segment::Index(index)) => elements(text, at).and_then(|e| e.get(index).map(|&(s, _)| (s, s))),
            _ => None,
        };
        match next {
            Some((place, value)) => {
                found = place;
                at = value;
            }
            None => return (position_at(text, origin, found), false),
        }
    }
    (position_at(text, origin, found), true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validity_is_go_json_syntax() {
        for valid in ["{}", " {\"a\": [1, -0.5e3, true, null, \"x\\u00e9\\n\"]} ", "[]", "\"s\"", "0", "{\"a\":{}}"] {
            assert!(is_valid(valid.as_bytes()), "{valid}");
        }
        for invalid in ["{", "{a: 1}", "[1,]", "{\"a\" 1}", "01", "1.", "\"\t\"", "tru", "{} {}", "[1 2]", "{,}"] {
            assert!(!is_valid(invalid.as_bytes()), "{invalid}");
        }
        let deep = format!("{}{}", "[".repeat(10_001), "]".repeat(10_001));
        assert!(!is_valid(deep.as_bytes()));
        let deep = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        assert!(is_valid(deep.as_bytes()));
    }

    #[test]
    fn paths_locate_members_and_elements() {
        let text = b"{\"spec\": {\"hostPID\": false,\n  \"containers\": [{\"name\": \"a\"},\n {\"name\": \"b\", \"securityContext\": {}}]},\n \"spec\": {\"hostPID\": true}}";
        let origin = Position { line: 3, column: 5 };
        assert_eq!(locate(text, origin, "spec.hostPID"), (Position { line: 6, column: 11 }, true));
        // The last of repeated keys wins; a missing field gives its nearest parent.
        assert_eq!(
            locate(text, origin, "spec.containers[1].securityContext.privileged"),
            (Position { line: 6, column: 2 }, false)
        );
        let text = b"{\"spec\": {\"containers\": [{\"name\": \"a\"},\n {\"name\": \"b\", \"securityContext\": {}}]}}";
        assert_eq!(
            locate(text, origin, "spec.containers[1].securityContext.privileged"),
            (Position { line: 4, column: 16 }, false)
        );
        assert_eq!(locate(text, origin, "spec.containers[1]"), (Position { line: 4, column: 2 }, true));
        assert_eq!(locate(b"{\"a\\u0062\": 1}", origin, "ab"), (Position { line: 3, column: 6 }, true));
    }
}

#[cfg(test)]
mod position_tests {
    use super::*;

    #[test]
    fn characters_are_counted_as_the_lossy_text_has_them() {
        let texts: [&[u8]; 8] = [
            b"",
            b"abc",
            "\u{e9}t\u{e9}".as_bytes(),
            "\u{1f600}x".as_bytes(),
            b"a\xffb",
            b"\xe2\x82",
            b"\xc3",
            b"x\xf0\x9f\x98",
        ];
        for text in texts {
            assert_eq!(chars_in(text), String::from_utf8_lossy(text).chars().count(), "{text:?}");
        }
        let origin = Position { line: 2, column: 5 };
        assert_eq!(position_at("{\"\u{e9}\": 1}".as_bytes(), origin, 5), Position { line: 2, column: 9 });
        assert_eq!(position_at(b"{\n  \xff\"a\"", origin, 7), Position { line: 3, column: 6 });
    }

    #[test]
    fn a_member_with_its_elements_is_what_member_and_elements_find() {
        let texts = [
            r#"{"kind": "List", "items": [{"a": 1}, [2], "s", 3, null]}"#,
            r#"{"items": [], "kind": "List"}"#,
            r#"{"items": [1], "items": {"a": 1}}"#,
            r#"{"items": {"a": 1}, "items": [1, 2]}"#,
            r#"{"ite\u006ds": [1, 2], "x": 1}"#,
            r#"{"items": null}"#,
            r#"{"other": [1]}"#,
            r#"{}"#,
            r#"{"items": [1, 2}"#,
            r#"{"items": [1], "bad": }"#,
            r#"{"a": {"items": [1]}, "items" : [ {"b" : [1,2]} , 2 ] }"#,
        ];
        for text in texts {
            let text = text.as_bytes();
            let expected = members(text, 0).map(|_| {
                member(text, 0, "items").map(|(key, value)| {
                    let elements = (text.get(value) == Some(&b'[')).then(|| elements(text, value)).flatten();
                    (key, value, elements)
                })
            });
            assert_eq!(member_elements(text, 0, "items"), expected, "{}", String::from_utf8_lossy(text));
        }
    }

    #[test]
    fn string_stops_are_the_first_quote_backslash_or_control_character() {
        let naive = |b: &[u8], from: usize| {
            (from..b.len()).find(|&i| b[i] < 0x20 || b[i] == b'"' || b[i] == b'\\').unwrap_or(b.len())
        };
        let alphabet: &[u8] = b"ab \"\\\x00\x1f\x20\x7f\x80\xff\xe2\x9c\x93{}";
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40 {
            for _ in 0..200 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        seed ^= seed << 13;
                        seed ^= seed >> 7;
                        seed ^= seed << 17;
                        alphabet[(seed % alphabet.len() as u64) as usize]
                    })
                    .collect();
                for from in 0..=len + 1 {
                    assert_eq!(
                        string_stop(&bytes, from),
                        naive(&bytes, from).max(from.min(len)),
                        "{bytes:?} from {from}"
                    );
                }
            }
        }
    }

    #[test]
    fn places_found_in_order_are_the_places_found_from_the_start() {
        // Every ASCII offset of texts with lines, CRLF, multi-byte and invalid UTF-8: walking from
        // one known place to the next gives what counting from the start gives.
        let texts: [&[u8]; 4] = [
            b"[{\"a\": 1},\n {\"b\": \"\xc3\xa9\xe2\x9c\x93\"},\r\n\n  {\"c\": \"\xff\xfe\"}, 3 ]",
            "{\"items\": [\n    {\"n\": \"\u{1f600}\u{1f600}\"},\n    {},\n    {\"k\": [1,\n 2]}\n]}".as_bytes(),
            b"",
            b"\n\n\n{}",
        ];
        for text in texts {
            let origin = Position { line: 7, column: 3 };
            let offsets: Vec<usize> = (0..=text.len()).filter(|&i| text.get(i).is_none_or(u8::is_ascii)).collect();
            for step in [1, 2, 5] {
                let mut known = (0, origin);
                for &offset in offsets.iter().step_by(step) {
                    let place = position_after(text, known.0, known.1, offset);
                    assert_eq!(place, position_at(text, origin, offset), "{text:?} at {offset}");
                    known = (offset, place);
                }
            }
        }
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;

    /// A small deterministic generator (xorshift), so that the test needs no crate.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// Keys as written in JSON: plain, escaped forms of plain keys (`spe\u0063`, `\u00e9`), and
    /// keys whose text holds a backslash (`a\\b` reads `a\b`).
    const KEYS: [&str; 13] = [
        "spec",
        "a",
        "0",
        "1",
        "containers",
        "k\\u0065y",
        "key",
        "x.y",
        "\\\"q",
        "é",
        "spe\\u0063",
        "\\u00e9",
        "a\\\\b",
    ];

    fn ws(rng: &mut Rng, out: &mut String) {
        for _ in 0..rng.below(4).saturating_sub(1) {
            out.push([' ', '\n', '\t', '\r'][rng.below(4)]);
        }
    }

    /// A JSON value, sometimes invalid (`broken`), with the paths of the members and elements in it.
    fn value(rng: &mut Rng, depth: usize, path: &str, out: &mut String, paths: &mut Vec<String>, broken: bool) {
        ws(rng, out);
        match if depth > 4 { 4 + rng.below(3) } else { rng.below(7) } {
            0..=2 => {
                out.push('{');
                for n in 0..rng.below(4) {
                    if n > 0 {
                        out.push(',');
                    }
                    ws(rng, out);
                    let key = KEYS[rng.below(KEYS.len())];
                    out.push('"');
                    out.push_str(key);
                    out.push('"');
                    ws(rng, out);
                    out.push(':');
                    let plain = unescape(format!("\"{key}\"").as_bytes()).unwrap();
                    let child = if plain.contains(['.', '[']) || path.is_empty() && plain.parse::<usize>().is_ok() {
                        format!("{path}[{plain}]")
                    } else if path.is_empty() {
                        plain
                    } else {
                        format!("{path}.{plain}")
                    };
                    paths.push(child.clone());
                    value(rng, depth + 1, &child, out, paths, broken);
                }
                ws(rng, out);
                out.push('}');
            }
            3 => {
                out.push('[');
                for n in 0..rng.below(4) {
                    if n > 0 {
                        out.push(',');
                    }
                    let child = format!("{path}[{n}]");
                    paths.push(child.clone());
                    value(rng, depth + 1, &child, out, paths, broken);
                }
                ws(rng, out);
                out.push(']');
            }
            4 => out.push_str(["true", "null", "-1.5e3", "0", "\"s\\n\""][rng.below(5)]),
            5 if broken && rng.below(8) == 0 => {
                out.push_str(["tru", "01", "\"\t\"", "[1,]", "{\"a\" 1}"][rng.below(5)])
            }
            _ => out.push_str("\"v\""),
        }
        ws(rng, out);
    }

    #[test]
    fn the_index_locates_as_the_text_does() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let origin = Position { line: 3, column: 7 };
        let mut indexed = 0;
        for round in 0..4000 {
            let (mut text, mut paths) = (String::new(), Vec::new());
            value(&mut rng, 0, "", &mut text, &mut paths, round % 3 == 0);
            if round % 11 == 0 {
                text.push_str(" {}");
            }
            let extra: Vec<String> = paths.iter().map(|p| format!("{p}.missing")).collect();
            paths.extend(extra);
            paths.extend(["spec.containers[0].securityContext".to_owned(), "[0]".to_owned(), "2".to_owned()]);
            let bytes = text.as_bytes();
            let index = JsonIndex::build(bytes);
            assert_eq!(index.is_some(), is_valid(bytes), "{text}");
            let Some(index) = index else { continue };
            indexed += 1;
            // In the order found (siblings after each other), backwards, and shuffled, with each
            // path asked twice in a row: an answer never depends on the path asked before.
            let mut order: Vec<&String> = paths.iter().chain(paths.iter().rev()).collect();
            let mut shuffled: Vec<&String> = paths.iter().collect();
            for i in (1..shuffled.len()).rev() {
                shuffled.swap(i, rng.below(i + 1));
            }
            order.extend(shuffled.iter().flat_map(|p| [*p, *p]));
            for path in order {
                assert_eq!(index.locate(bytes, origin, path), locate(bytes, origin, path), "{path} in {text}");
            }
        }
        assert!(indexed > 2000, "{indexed} valid texts");
    }
}
