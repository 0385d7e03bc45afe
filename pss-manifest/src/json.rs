//! JSON texts without a parse into values: Go's syntax check (for kubectl's JSON-or-YAML choice),
//! the place of a field path, and the items of a List.

use std::sync::{Mutex, PoisonError};

use crate::path::{segments, step_at, step_ends_at, Segment};
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
    let mut i = from;
    while let Some(word) = bytes.get(i..i + 8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let found = stop_flags(u64::from_le_bytes(w));
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

/// The flags of [`string_stop`] for one little-endian word of a text.
#[inline(always)]
fn stop_flags(w: u64) -> u64 {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_space = w.wrapping_sub(ONES * 0x20) & !w;
    let quote = w ^ (ONES * u64::from(b'"'));
    let backslash = w ^ (ONES * u64::from(b'\\'));
    (below_space | (quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash)) & HIGH
}

/// Past the escape whose backslash is at `i`, if it is one JSON has (`\uXXXX` with four
/// hexadecimal digits, or one of `"\/bfnrt`).
#[inline]
fn escape_end(text: &[u8], i: usize) -> Option<usize> {
    match text.get(i + 1)? {
        b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => Some(i + 2),
        b'u' => text.get(i + 2..i + 6)?.iter().all(u8::is_ascii_hexdigit).then_some(i + 6),
        _ => None,
    }
}

/// The end of the string starting at `at` (a `"`), if it is valid.
fn string_end(text: &[u8], at: usize) -> Option<usize> {
    let mut i = at + 1;
    loop {
        // The next quote, backslash or control character (invalid inside strings).
        i = string_stop(text, i);
        match *text.get(i)? {
            b'"' => return Some(i + 1),
            b'\\' => i = escape_end(text, i)?,
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
/// It is built only for a text that is one valid JSON value ([`is_valid`]) in UTF-8: then every
/// object and array in it is valid too, and every key reads as [`unescape`] reads it, which is
/// when [`members`] and [`elements`] (what [`locate`] asks) find what the index records. For any
/// other text [`JsonIndex::build`] gives `None` and [`locate`] is used as it is.
#[derive(Debug, Default)]
pub(crate) struct JsonIndex {
    /// Every object and array, in the order they open: the first is the text's value, if it is one.
    containers: Vec<Container>,
    /// Every member and element, in the order they come: each is written once, when it is read,
    /// and the children of a container lead back from its last one.
    children: Vec<Child>,
    /// Whether the text is all ASCII: then a column is a count of bytes.
    ascii: bool,
    /// Where the text's line breaks are (used for an ASCII text).
    newlines: Vec<u32>,
    /// The steps of the last path located (the fields of one object share long prefixes:
    /// `spec.containers[0].securityContext.` ...), for the next path to start after those it shares.
    last: Mutex<LastPath>,
}

/// A path located, and where each of its steps led (see [`JsonIndex::locate`]). Only its first
/// [`KEPT_BYTES`] bytes and [`KEPT_STEPS`] steps are kept (no allocation for a pod's paths): a
/// path shares no more than those with the next.
#[derive(Debug)]
struct LastPath {
    /// The path's first bytes: `path[..path_len]`.
    path: [u8; KEPT_BYTES],
    path_len: usize,
    /// For each step found, in order: where it ends in the path, the place it found (its key or
    /// element) and the container that is its value ([`NONE`] for another value):
    /// `steps[..steps_len]`.
    steps: [(u32, u32, u32); KEPT_STEPS],
    steps_len: usize,
}

const KEPT_BYTES: usize = 128;
const KEPT_STEPS: usize = 16;

impl Default for LastPath {
    fn default() -> LastPath {
        LastPath { path: [0; KEPT_BYTES], path_len: 0, steps: [(0, 0, 0); KEPT_STEPS], steps_len: 0 }
    }
}

/// No container (a child whose value is a string, a number, `true`, `false` or `null`).
const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
struct Container {
    object: bool,
    /// Its last child in `children` ([`NONE`] when it has none): the one the others lead back from.
    last: u32,
    /// How many children it has.
    count: u32,
    /// The container it is in (while the index is built), or [`NONE`].
    parent: u32,
}

/// A member or an element. Places are byte offsets, as `u32` (the index is built only for texts
/// shorter than 2 GiB) so that a child takes 16 bytes.
#[derive(Debug, Clone, Copy)]
struct Child {
    /// A member's key: where its opening quote is (for an element, where it starts).
    key: u32,
    /// The length of the key's text between its quotes, with [`ESCAPED`] set when it holds a
    /// backslash (0 for an element).
    len: u32,
    /// The container that is its value, or [`NONE`].
    slot: u32,
    /// The child before it in its container, or [`NONE`].
    prev: u32,
}

/// In [`Child::len`]: the key holds a backslash (an escape).
const ESCAPED: u32 = 1 << 31;

/// [`skip_ws`], noting where the line breaks skipped are, with the usual case (no whitespace at
/// all) first. In a valid text every line break is whitespace between tokens (one in a string is
/// an error), so the walk that indexes it notes them all, each once.
#[inline(always)]
fn ws(text: &[u8], at: usize, newlines: &mut Vec<u32>) -> usize {
    match text.get(at) {
        Some(&b) if b > b' ' => at,
        _ => skip_ws_noting(text, at, newlines),
    }
}

/// [`skip_ws`], noting where the line breaks skipped are.
fn skip_ws_noting(text: &[u8], mut at: usize, newlines: &mut Vec<u32>) -> usize {
    while let Some(&b) = text.get(at) {
        match b {
            b' ' | b'\t' | b'\r' => {}
            b'\n' => newlines.push(at as u32),
            _ => break,
        }
        at += 1;
    }
    at
}

/// [`string_end`] for the string at `at` (its `"`), and whether it holds a backslash. Every byte
/// of the string (and maybe a few after it) is ORed into `seen`: when no high bit is set there,
/// the string is ASCII.
#[inline(always)]
fn scan_string(text: &[u8], at: usize, seen: &mut u64) -> Option<(usize, bool)> {
    let mut escaped = false;
    let mut i = at + 1;
    loop {
        // The next quote, backslash or control character, as `string_stop` finds it: eight bytes
        // at a time while eight are left, then one at a time.
        loop {
            if let Some(word) = text.get(i..i + 8) {
                let w = u64::from_le_bytes(word.try_into().unwrap_or_default());
                let found = stop_flags(w);
                // The bytes up to the stop, and the rest of the word (some after the string).
                *seen |= w;
                if found != 0 {
                    i += (found.trailing_zeros() / 8) as usize;
                    break;
                }
                i += 8;
            } else {
                while let Some(&b) = text.get(i) {
                    *seen |= u64::from(b);
                    if b < 0x20 || b == b'"' || b == b'\\' {
                        break;
                    }
                    i += 1;
                }
                break;
            }
        }
        match *text.get(i)? {
            b'"' => return Some((i + 1, escaped)),
            b'\\' => {
                escaped = true;
                i = escape_end(text, i)?;
            }
            _ => return None,
        }
    }
}

impl JsonIndex {
    /// The index of `text`, or `None` when it is not one valid JSON value in UTF-8 (or is 2 GiB or
    /// longer).
    pub(crate) fn build(text: &[u8]) -> Option<JsonIndex> {
        // Places are `u32`, and a key's length leaves its top bit for `ESCAPED`.
        if text.len() >= ESCAPED as usize {
            return None;
        }
        // Sized past a pod's usual density (a member or element per 15 bytes, an object or array
        // per 30), so that the vectors rarely grow; at most a few pages up front for a large text.
        let estimate = (text.len() / 12 + 8).min(4096);
        let mut containers: Vec<Container> = Vec::with_capacity(estimate / 2);
        let mut children: Vec<Child> = Vec::with_capacity(estimate);
        // The innermost open container ([`NONE`] at the top), whether it is an object, its last
        // child and how many it has so far: kept here while it is innermost, in `containers`
        // while one inside it is open.
        let (mut open, mut object, mut last, mut count) = (NONE, false, NONE, 0u32);
        // How many containers are open.
        let mut depth = 0;
        // The high bits of the strings' bytes (every other byte of a valid text is ASCII).
        let mut seen = 0u64;
        // Where the line breaks are (for positions).
        let mut newlines = Vec::new();
        let mut i = ws(text, 0, &mut newlines);
        // The same walk as `value_end`, recording where things are.
        'value: loop {
            // A value at `i`: that of the last child, if a container is open.
            match *text.get(i)? {
                b'"' => i = scan_string(text, i, &mut seen)?.0,
                b'{' | b'[' => {
                    if depth >= MAX_DEPTH {
                        return None;
                    }
                    let slot = containers.len() as u32;
                    if let Some(outer) = containers.get_mut(open as usize) {
                        (outer.last, outer.count) = (last, count);
                        children[last as usize].slot = slot;
                    }
                    let inner_object = text[i] == b'{';
                    containers.push(Container { object: inner_object, last: NONE, count: 0, parent: open });
                    i = ws(text, i + 1, &mut newlines);
                    let close = if inner_object { b'}' } else { b']' };
                    if text.get(i) == Some(&close) {
                        i += 1;
                    } else {
                        depth += 1;
                        (open, object, last, count) = (slot, inner_object, NONE, 0);
                        i = push_child(text, i, object, &mut children, &mut last, &mut seen, &mut newlines)?;
                        count += 1;
                        continue 'value;
                    }
                }
                b't' if text[i..].starts_with(b"true") => i += 4,
                b'f' if text[i..].starts_with(b"false") => i += 5,
                b'n' if text[i..].starts_with(b"null") => i += 4,
                _ => i = number_end(text, i)?,
            }
            // After a value: `,` or the end of containers.
            loop {
                i = ws(text, i, &mut newlines);
                if open == NONE {
                    if skip_ws_noting(text, i, &mut newlines) != text.len() {
                        return None;
                    }
                    break 'value;
                }
                match *text.get(i)? {
                    b',' => {
                        i = ws(text, i + 1, &mut newlines);
                        i = push_child(text, i, object, &mut children, &mut last, &mut seen, &mut newlines)?;
                        count += 1;
                        continue 'value;
                    }
                    b'}' if object => {}
                    b']' if !object => {}
                    _ => return None,
                }
                i += 1;
                depth -= 1;
                let closed = &mut containers[open as usize];
                (closed.last, closed.count) = (last, count);
                open = closed.parent;
                if let Some(outer) = containers.get(open as usize) {
                    (object, last, count) = (outer.object, outer.last, outer.count);
                }
            }
        }
        // Keys are compared as `unescape` reads them, which needs UTF-8: an ASCII text is.
        let ascii = seen & 0x8080_8080_8080_8080 == 0;
        if !ascii {
            std::str::from_utf8(text).ok()?;
        }
        Some(JsonIndex { containers, children, ascii, newlines, last: Mutex::default() })
    }

    /// The children of `container`, from the last to the first (the order in which [`member`]
    /// looks, so that the last of repeated keys wins). Finding element `n` walks back from the last
    /// one: arrays are short in manifests, and the walk costs no more than a member's lookup.
    fn children_back(&self, container: Container) -> impl Iterator<Item = Child> + '_ {
        let mut next = container.last;
        std::iter::from_fn(move || {
            let child = *self.children.get(next as usize)?;
            next = child.prev;
            Some(child)
        })
    }

    /// What [`member`] finds in `container` (an object): `Err` when a key cannot be read as
    /// [`member`] reads it (never in a valid text; then the caller asks [`locate`]).
    #[inline(always)]
    fn member(&self, text: &[u8], container: Container, key: &str) -> Result<Option<Child>, ()> {
        for child in self.children_back(container) {
            let start = child.key as usize + 1;
            let len = (child.len & !ESCAPED) as usize;
            // The text is UTF-8 (`build`), so every key reads as `unescape` reads it. A key without
            // a backslash reads as its bytes. Unescaping shortens a key with one (every escape is
            // longer than what it stands for), so it can only be a longer `key`.
            let same = if child.len & ESCAPED == 0 {
                len == key.len() && text[start..start + len] == *key.as_bytes()
            } else {
                len > key.len() && unescape(&text[start - 1..=start + len]).ok_or(())? == key
            };
            if same {
                return Ok(Some(child));
            }
        }
        Ok(None)
    }

    /// Where `offset` is, as [`position_at`] gives it.
    #[inline]
    fn position(&self, text: &[u8], origin: Position, offset: usize) -> Position {
        if !self.ascii {
            return position_at(text, origin, offset);
        }
        // In ASCII, a column counts bytes: from the last line break before `offset`, or from the
        // origin's column on the first line.
        let offset = offset.min(text.len());
        let lines = self.newlines.partition_point(|&at| (at as usize) < offset);
        match lines.checked_sub(1).map(|last| self.newlines[last] as usize) {
            Some(last) => Position { line: origin.line + lines, column: offset - last },
            None => Position { line: origin.line, column: origin.column + offset },
        }
    }

    /// [`locate`], with the index of `text`: the same answer. The steps `path` shares with the
    /// last path located (the same bytes up to the end of a step) are not looked up again.
    pub(crate) fn locate(&self, text: &[u8], origin: Position, path: &str) -> (Position, bool) {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        let last = &mut *last;
        // The text's value: the first container opened, if it is one.
        let mut found = skip_ws(text, 0);
        let mut slot = if self.containers.is_empty() { NONE } else { 0 };
        // The bytes `path` shares with the last path: a step ending within them is the same step
        // when one of `path` ends there too.
        let common = common_prefix(path.as_bytes(), &last.path[..last.path_len]);
        let shared = last.steps[..last.steps_len]
            .iter()
            .take_while(|&&(end, _, _)| end as usize <= common && step_ends_at(path, end as usize))
            .count();
        let mut from = 0;
        if let Some(&(end, place, value)) = shared.checked_sub(1).and_then(|i| last.steps.get(i)) {
            (from, found, slot) = (end as usize, place as usize, value);
        }
        last.steps_len = shared;
        // The bytes it shares are there already.
        last.path_len = path.len().min(KEPT_BYTES);
        last.path[common..last.path_len].copy_from_slice(&path.as_bytes()[common..last.path_len]);
        while let Some((segment, end)) = step_at(path, from) {
            from = end;
            let container = self.containers.get(slot as usize).copied();
            let next = match (container, segment) {
                (Some(c), Segment::Key(key)) if c.object => self.member(text, c, key),
                (Some(c), Segment::Index(index)) if c.object => self.member(text, c, &index.to_string()),
                (Some(c), Segment::Index(index)) => Ok(index
                    .checked_add(1)
                    .and_then(|n| (c.count as usize).checked_sub(n))
                    .and_then(|back| self.children_back(c).nth(back))),
                _ => Ok(None),
            };
            match next {
                Ok(Some(child)) => {
                    found = child.key as usize;
                    slot = child.slot;
                    if let Some(kept) = last.steps.get_mut(last.steps_len) {
                        // Places are below 2 GiB (`build`).
                        *kept = (end as u32, found as u32, slot);
                        last.steps_len += 1;
                    }
                }
                Ok(None) => return (self.position(text, origin, found), false),
                Err(()) => {
                    last.steps_len = 0;
                    return locate(text, origin, path);
                }
            }
        }
        (self.position(text, origin, found), true)
    }
}

/// How many bytes `a` and `b` share at their start: eight at a time, then one at a time.
#[inline]
fn common_prefix(a: &[u8], b: &[u8]) -> usize {
    let mut i = 0;
    while let (Some(x), Some(y)) = (a.get(i..i + 8), b.get(i..i + 8)) {
        let differ =
            u64::from_le_bytes(x.try_into().unwrap_or_default()) ^ u64::from_le_bytes(y.try_into().unwrap_or_default());
        if differ != 0 {
            // The lowest differing byte comes first (little-endian).
            return i + (differ.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    i + a[i.min(a.len())..].iter().zip(&b[i.min(b.len())..]).take_while(|(x, y)| x == y).count()
}

/// The next child of an open container, at `at`: for an object, a member's key and colon, then
/// the value's start (returned); for an array, an element (`at`). It comes after `last`, and
/// becomes the last.
#[inline(always)]
fn push_child(
    text: &[u8],
    at: usize,
    object: bool,
    children: &mut Vec<Child>,
    last: &mut u32,
    seen: &mut u64,
    newlines: &mut Vec<u32>,
) -> Option<usize> {
    let (len, value) = if object {
        if text.get(at) != Some(&b'"') {
            return None;
        }
        let (key_end, escaped) = scan_string(text, at, seen)?;
        let colon = ws(text, key_end, newlines);
        if text.get(colon) != Some(&b':') {
            return None;
        }
        ((key_end - at - 2) as u32 | if escaped { ESCAPED } else { 0 }, ws(text, colon + 1, newlines))
    } else {
        (0, at)
    };
    let prev = std::mem::replace(last, children.len() as u32);
    children.push(Child { key: at as u32, len, slot: NONE, prev });
    Some(value)
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
        let mut rng = crate::test_rng::Rng(0x2545_f491_4f6c_dd1d);
        for len in 0..40 {
            for _ in 0..200 {
                let bytes = rng.bytes(len, alphabet);
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

    use crate::test_rng::Rng;

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

#[cfg(test)]
mod index_bytes_tests {
    use super::*;

    use crate::test_rng::Rng;

    /// Keys as written in JSON, with the path step that names each (as pss-core would write it).
    /// Some are prefixes of others, some are the same key escaped, some are not UTF-8.
    const KEYS: [(&[u8], &str); 18] = [
        (b"a", "a"),
        (b"ab", "ab"),
        (b"a\\u0062", "ab"),
        (b"abc", "abc"),
        (b"\\u0061", "a"),
        (b"spec", "spec"),
        (b"containers", "containers"),
        (b"0", "0"),
        (b"1", "1"),
        (b"x.y", "x.y"),
        (b"a\\\\b", "a\\b"),
        (b"\\\"q", "\"q"),
        ("\u{e9}".as_bytes(), "\u{e9}"),
        (b"\\u00e9", "\u{e9}"),
        (b"\\ud83d\\ude00", "\u{1f600}"),
        (b"\\ud800x", "\u{fffd}x"),
        (b"\xff", "\u{fffd}"),
        (b"a\xe2\x9c", "a\u{fffd}"),
    ];

    /// Strings as values: plain, escaped, non-ASCII, not UTF-8, long (past a word).
    const STRINGS: [&[u8]; 7] = [
        b"\"v\"",
        b"\"s\\n\\\"\"",
        "\"\u{e9}t\u{e9} \u{1f600}\"".as_bytes(),
        b"\"\xff\xfe\"",
        b"\"\xe2\x82\"",
        b"\"a long value that spans several words\"",
        b"\"\"",
    ];

    fn ws(rng: &mut Rng, out: &mut Vec<u8>) {
        for _ in 0..rng.below(5).saturating_sub(2) {
            out.extend_from_slice([&b" "[..], b"\n", b"\t", b"\r\n"][rng.below(4)]);
        }
    }

    fn child(path: &str, step: &str) -> String {
        if step.contains(['.', '[']) || path.is_empty() && step.parse::<usize>().is_ok() {
            format!("{path}[{step}]")
        } else if path.is_empty() {
            step.to_owned()
        } else {
            format!("{path}.{step}")
        }
    }

    /// A JSON value, sometimes invalid (`broken`), with the paths of its members and elements.
    fn value(rng: &mut Rng, depth: usize, path: &str, out: &mut Vec<u8>, paths: &mut Vec<String>, broken: bool) {
        ws(rng, out);
        // Now and then a deep chain of arrays and objects.
        if depth == 1 && rng.below(20) == 0 {
            let levels = 20 + rng.below(20);
            let mut deep = path.to_owned();
            for level in 0..levels {
                if level % 2 == 0 {
                    out.extend_from_slice(b"[");
                    deep.push_str("[0]");
                } else {
                    out.extend_from_slice(b"{\"a\":");
                    deep.push_str(".a");
                }
                paths.push(deep.clone());
            }
            out.extend_from_slice(b"1");
            for level in (0..levels).rev() {
                out.extend_from_slice(if level % 2 == 0 { b"]" } else { b"}" });
            }
            return;
        }
        match if depth > 5 { 4 + rng.below(3) } else { rng.below(7) } {
            0..=2 => {
                out.push(b'{');
                for n in 0..rng.below(5) {
                    if n > 0 {
                        out.push(b',');
                    }
                    ws(rng, out);
                    let (key, step) = KEYS[rng.below(KEYS.len())];
                    out.push(b'"');
                    out.extend_from_slice(key);
                    out.push(b'"');
                    ws(rng, out);
                    out.push(b':');
                    let child = child(path, step);
                    paths.push(child.clone());
                    value(rng, depth + 1, &child, out, paths, broken);
                }
                ws(rng, out);
                out.push(b'}');
            }
            3 => {
                out.push(b'[');
                for n in 0..rng.below(4) {
                    if n > 0 {
                        out.push(b',');
                    }
                    let child = format!("{path}[{n}]");
                    paths.push(child.clone());
                    value(rng, depth + 1, &child, out, paths, broken);
                }
                ws(rng, out);
                out.push(b']');
            }
            4 => out.extend_from_slice(
                [&b"true"[..], b"null", b"-1.5e3", b"0", b"false", b"8080", b"10.25", b"7E+2", b"0.5", b"-0"]
                    [rng.below(10)],
            ),
            5 if broken && rng.below(6) == 0 => out.extend_from_slice(
                [&b"tru"[..], b"01", b"\"\t\"", b"[1,]", b"{\"a\" 1}", b"\"\\x\"", b"12.", b"3e", b"00", b"-"]
                    [rng.below(10)],
            ),
            _ => out.extend_from_slice(STRINGS[rng.below(STRINGS.len())]),
        }
        ws(rng, out);
    }

    /// The paths asked of a text: those of its fields, and fields and items that are not there
    /// (below each field, past each array's end, an index of an object, a key of an array).
    fn asked(paths: &[String]) -> Vec<String> {
        let mut asked = paths.to_vec();
        for path in paths {
            asked.extend([format!("{path}.missing"), format!("{path}[7]"), format!("{path}[0]"), format!("{path}.a")]);
        }
        asked
            .extend(["", "a", "[0]", "0", "1", "ab", "spec.containers[0].a", "a[0][0]", "[0][1].a"].map(str::to_owned));
        asked
    }

    #[test]
    fn the_index_locates_any_bytes_as_the_text_does() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let mut indexed = 0;
        let mut not_ascii = 0;
        for round in 0..6000 {
            let (mut text, mut paths) = (Vec::new(), Vec::new());
            value(&mut rng, 0, "", &mut text, &mut paths, round % 4 == 0);
            if round % 13 == 0 {
                text.extend_from_slice(b" 1");
            }
            let origin = Position { line: 1 + rng.below(3), column: 1 + rng.below(9) };
            let index = JsonIndex::build(&text);
            let shown = String::from_utf8_lossy(&text);
            assert_eq!(index.is_some(), is_valid(&text) && std::str::from_utf8(&text).is_ok(), "{shown}");
            let Some(index) = index else { continue };
            indexed += 1;
            not_ascii += usize::from(!text.is_ascii());
            assert_eq!(index.ascii, text.is_ascii(), "{shown}");
            let paths = asked(&paths);
            // In the order written, backwards, shuffled, and each twice in a row: an answer never
            // depends on the path asked before (the index keeps the steps of the last one).
            let mut order: Vec<&String> = paths.iter().chain(paths.iter().rev()).collect();
            let mut shuffled: Vec<&String> = paths.iter().collect();
            for i in (1..shuffled.len()).rev() {
                shuffled.swap(i, rng.below(i + 1));
            }
            order.extend(shuffled.iter().flat_map(|p| [*p, *p]));
            // And each pair of the first paths (siblings among them), one after the other and back.
            for p in paths.iter().take(10) {
                for q in paths.iter().take(10) {
                    order.extend([p, q, p]);
                }
            }
            for path in order {
                assert_eq!(index.locate(&text, origin, path), locate(&text, origin, path), "{path:?} in {shown}");
            }
            // Every place in the text, as `position_at` counts it.
            for offset in 0..=text.len() + 1 {
                assert_eq!(
                    index.position(&text, origin, offset),
                    position_at(&text, origin, offset),
                    "{offset} in {shown}"
                );
            }
        }
        assert!(indexed > 2500 && not_ascii > 300, "{indexed} valid texts, {not_ascii} not ASCII");
    }

    #[test]
    fn common_prefixes_are_counted_as_bytes_compared_one_by_one() {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        for _ in 0..5000 {
            let a: Vec<u8> = (0..rng.below(40)).map(|_| b"ab."[rng.below(3)]).collect();
            let mut b = a.clone();
            b.truncate(rng.below(a.len() + 1));
            if rng.below(2) == 0 && !b.is_empty() {
                let at = rng.below(b.len());
                b[at] = b'x';
            }
            b.extend((0..rng.below(10)).map(|_| b"ab."[rng.below(3)]));
            let naive = a.iter().zip(&b).take_while(|(x, y)| x == y).count();
            assert_eq!(common_prefix(&a, &b), naive, "{a:?} {b:?}");
            assert_eq!(common_prefix(&b, &a), naive, "{a:?} {b:?}");
        }
    }
}
