//! A document read from YAML as Kubernetes decodes it, with the position of every node: written as
//! JSON for the evaluator, and searched by field path for positions.

use std::collections::HashMap;
use std::io::Write as _;

use crate::path::{segments, Segment};
use crate::Position;

/// A string: a range of the document's text (most scalars: no copy), or its own text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Text {
    /// `text[start..end]` of the document.
    Span(u32, u32),
    /// A string of its own (escapes read, keys converted, folded lines).
    Owned(Box<str>),
}

impl Text {
    pub(crate) fn get<'a>(&'a self, source: &'a str) -> &'a str {
        match self {
            Text::Span(start, end) => source.get(*start as usize..*end as usize).unwrap_or_default(),
            Text::Owned(text) => text,
        }
    }

    /// `text` as a span of `source` when it lies inside it, else a copy.
    pub(crate) fn of(text: &str, source: &str) -> Text {
        let offset = (text.as_ptr() as usize).wrapping_sub(source.as_ptr() as usize);
        match (u32::try_from(offset), u32::try_from(offset + text.len())) {
            (Ok(start), Ok(end)) if offset + text.len() <= source.len() => Text::Span(start, end),
            _ => Text::Owned(text.into()),
        }
    }
}

/// A decoded node and where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) position: Position,
    pub(crate) value: Value,
}

/// A value as sigs.k8s.io/yaml hands it to Go's `encoding/json`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Value {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    /// Non-finite floats are refused once the document is decoded ([`Node::non_finite`]).
    Float(f64),
    Str(Text),
    Seq(Vec<Node>),
    Map(Map),
}

/// A mapping's entries, each key once (a repeated key replaces the earlier value), in the order
/// the keys first appear.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct Map {
    pub(crate) entries: Vec<Entry>,
    /// Key -> index in `entries`, once the mapping is large enough for a linear search to cost.
    index: Option<HashMap<Box<str>, usize>>,
}

/// One entry of a mapping: its key, where the key is written, and the value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub(crate) key: Text,
    pub(crate) key_position: Position,
    pub(crate) value: Node,
}

const INDEX_FROM: usize = 16;

impl Map {
    /// An empty mapping with room for `n` entries.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Map { entries: Vec::with_capacity(n), index: None }
    }

    fn find(&self, key: &str, source: &str) -> Option<usize> {
        match &self.index {
            Some(index) => index.get(key).copied(),
            None => self.entries.iter().position(|e| e.key.get(source) == key),
        }
    }

    /// Whether `key` is set.
    pub(crate) fn contains(&self, key: &str, source: &str) -> bool {
        self.find(key, source).is_some()
    }

    /// Sets `key`, replacing an earlier value (and where its key was written) as a Go map does.
    pub(crate) fn insert(&mut self, entry: Entry, source: &str) {
        let key = entry.key.get(source);
        if let Some(at) = self.find(key, source) {
            self.entries[at].key_position = entry.key_position;
            self.entries[at].value = entry.value;
            return;
        }
        if let Some(index) = &mut self.index {
            index.insert(key.into(), self.entries.len());
        } else if self.entries.len() + 1 >= INDEX_FROM {
            let mut index: HashMap<Box<str>, usize> =
                self.entries.iter().enumerate().map(|(i, e)| (e.key.get(source).into(), i)).collect();
            index.insert(key.into(), self.entries.len());
            self.index = Some(index);
        }
        self.entries.push(entry);
    }

    pub(crate) fn get(&self, key: &str, source: &str) -> Option<&Entry> {
        self.find(key, source).map(|at| &self.entries[at])
    }
}

impl Map {
    /// Writes the mapping as JSON with only the entries whose key `keep` says yes to, each as
    /// [`Node::write_json`] writes it, in the mapping's order.
    pub(crate) fn write_json_members(&self, source: &str, keep: impl Fn(&str) -> bool, out: &mut Vec<u8>) {
        out.push(b'{');
        let mut first = true;
        for entry in &self.entries {
            let key = entry.key.get(source);
            if !keep(key) {
                continue;
            }
            if !std::mem::take(&mut first) {
                out.push(b',');
            }
            write_json_string(out, key);
            out.push(b':');
            entry.value.write_json(source, out);
        }
        out.push(b'}');
    }
}

/// Writes `text` as a JSON string (a quote, a backslash and the control characters escaped; the
/// runs between them found eight bytes at a time and copied whole).
pub(crate) fn write_json_string(out: &mut Vec<u8>, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = text.as_bytes();
    let mut copied = 0;
    loop {
        let i = crate::json::string_stop(bytes, copied);
        out.extend_from_slice(&bytes[copied..i]);
        let Some(&b) = bytes.get(i) else { break };
        match b {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            _ => out.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]]),
        }
        copied = i + 1;
    }
    out.push(b'"');
}

impl Node {
    /// Writes the node as compact JSON (iteratively: the depth is bounded while reading, but a
    /// writer without recursion needs no such bound).
    pub(crate) fn write_json(&self, source: &str, out: &mut Vec<u8>) {
        enum Step<'a> {
            Node(&'a Node),
            Seq(&'a [Node], usize),
            Map(&'a [Entry], usize),
        }
        let mut stack = vec![Step::Node(self)];
        while let Some(step) = stack.pop() {
            match step {
                Step::Node(node) => match &node.value {
                    Value::Null => out.extend_from_slice(b"null"),
                    Value::Bool(true) => out.extend_from_slice(b"true"),
                    Value::Bool(false) => out.extend_from_slice(b"false"),
                    Value::Int(n) => {
                        let _ = write!(out, "{n}");
                    }
                    Value::Uint(n) => {
                        let _ = write!(out, "{n}");
                    }
                    Value::Float(f) => {
                        let text = crate::resolve::go_json_float(*f).unwrap_or_else(|| "null".to_owned());
                        out.extend_from_slice(text.as_bytes());
                    }
                    Value::Str(text) => write_json_string(out, text.get(source)),
                    Value::Seq(items) => {
                        out.push(b'[');
                        stack.push(Step::Seq(items, 0));
                    }
                    Value::Map(map) => {
                        out.push(b'{');
                        stack.push(Step::Map(&map.entries, 0));
                    }
                },
                Step::Seq(items, at) => match items.get(at) {
                    None => out.push(b']'),
                    Some(item) => {
                        if at > 0 {
                            out.push(b',');
                        }
                        stack.push(Step::Seq(items, at + 1));
                        stack.push(Step::Node(item));
                    }
                },
                Step::Map(entries, at) => match entries.get(at) {
                    None => out.push(b'}'),
                    Some(entry) => {
                        if at > 0 {
                            out.push(b',');
                        }
                        write_json_string(out, entry.key.get(source));
                        out.push(b':');
                        stack.push(Step::Map(entries, at + 1));
                        stack.push(Step::Node(&entry.value));
                    }
                },
            }
        }
    }

    /// The first float JSON cannot hold (`.inf`, `.nan`), with its position.
    pub(crate) fn non_finite(&self) -> Option<(Position, f64)> {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            match &node.value {
                Value::Float(f) if !f.is_finite() => return Some((node.position, *f)),
                Value::Seq(items) => stack.extend(items.iter().rev()),
                Value::Map(map) => stack.extend(map.entries.iter().rev().map(|e| &e.value)),
                _ => {}
            }
        }
        None
    }

    /// Where the field at `path` is written: the key of a mapping entry, the start of a sequence
    /// item; for a field that is not there, its nearest parent that is (with `false`).
    pub(crate) fn locate(&self, path: &str, source: &str) -> (Position, bool) {
        let mut node = self;
        let mut found = self.position;
        for segment in segments(path) {
            let next = match (&node.value, segment) {
                (Value::Map(map), Segment::Key(key)) => map.get(key, source).map(|e| (e.key_position, &e.value)),
                (Value::Map(map), Segment::Index(index)) => {
                    map.get(&index.to_string(), source).map(|e| (e.key_position, &e.value))
                }
                (Value::Seq(items), Segment::Index(index)) => items.get(index).map(|n| (n.position, n)),
                _ => None,
            };
            match next {
                Some((position, child)) => {
                    found = position;
                    node = child;
                }
                None => return (found, false),
            }
        }
        (found, true)
    }
}

#[cfg(test)]
mod tests {
    use super::write_json_string;

    /// One character at a time: `"`, `\`, line feed, carriage return and tab by name, the other
    /// control characters as `\u00XX`, everything else as it is.
    fn escaped_char_by_char(text: &str) -> String {
        let mut out = String::from("\"");
        for c in text.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\r' => out.push_str("\\r"),
                '\t' => out.push_str("\\t"),
                c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }

    #[test]
    fn strings_are_written_as_json_whatever_needs_escaping_and_wherever() {
        let specials: Vec<char> =
            (0u8..0x20).map(char::from).chain(['"', '\\', '/', 'é', '→', '😀', '\u{7f}']).collect();
        for special in specials {
            // The character at every offset around the eight-byte steps, alone and repeated.
            for before in 0..18 {
                for after in [0, 1, 7, 8, 9] {
                    for times in [1, 2] {
                        let text: String = "a".repeat(before) + &special.to_string().repeat(times) + &"b".repeat(after);
                        let mut out = Vec::new();
                        write_json_string(&mut out, &text);
                        assert_eq!(String::from_utf8(out.clone()).unwrap(), escaped_char_by_char(&text), "{text:?}");
                        assert_eq!(serde_json::from_slice::<String>(&out).unwrap(), text);
                    }
                }
            }
        }
    }
}
