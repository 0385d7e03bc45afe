//! The fast path: the nodes of a document written in the plain shapes most manifests use, composed
//! straight from its lines, without the event parser.
//!
//! It reads block mappings and sequences (indentless sequences under a key included), plain
//! scalars on one line, single-quoted scalars and double-quoted ones without escapes on one line,
//! flow collections on one line (`{app: web}`, `["ALL"]`, `{}`), block scalars (literal and
//! folded), plain scalars over several lines, and comments. It gives up (`None`:
//! the event parser reads the document) on anything else, and on anything it is not sure go-yaml v2
//! reads the same way: tabs, carriage returns, control and non-printable characters, byte-order
//! marks and YAML 1.1 line breaks (U+0085, U+2028, U+2029), directives and document markers,
//! anchors, aliases, tags, merge keys, complex keys, block scalars with an indentation indicator or
//! leading blank lines, multi-line quoted scalars, escapes,
//! unusual indentation, plain scalars whose next lines start with an indicator or
//! hold `: ` or ` #`, keys longer than go-yaml's simple keys, text a plain scalar
//! cannot hold (`: ` or a trailing `:`), nesting at the depth limit. What it composes is exactly
//! what [`compose`](super::compose) composes from granit-parser's events (the same nodes, values
//! and positions), which the decoder then reads as before: `tests/fast_path.rs` and the unit tests
//! compare both over the fuzz corpus, generated YAML and the real-world manifests.

use std::borrow::Cow;

use super::{Limits, Offset, Raw, RawNode};
use crate::Position;

/// What a line holds after its indentation.
struct Line {
    /// 1-based line number in the text.
    number: usize,
    /// Columns (= bytes: the fast path only reads lines whose indentation is spaces) before the content.
    indent: usize,
    /// Whether the line is ASCII (columns are bytes).
    ascii: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
}

/// An open block collection.
#[derive(Debug)]
struct Frame {
    node: usize,
    kind: Kind,
    /// The column (0-based) of its keys or `-`s.
    indent: usize,
    /// A sequence at its key's indentation.
    indentless: bool,
}

/// Whether a document's characters are all ones the fast path reads as go-yaml v2 does.
fn plain_characters(text: &str) -> bool {
    if text.is_ascii() {
        return !text.bytes().any(|b| (b < 0x20 && b != b'\n') || b == 0x7f);
    }
    text.chars().all(|c| match c {
        '\n' | ' '..='~' => true,
        // go-yaml v2's printable characters, less U+0085 (a line break to it), U+FEFF (a
        // byte-order mark) and U+2028/U+2029 (line breaks).
        '\u{a0}'..='\u{d7ff}' => !matches!(c, '\u{2028}' | '\u{2029}'),
        '\u{e000}'..='\u{fffd}' => c != '\u{feff}',
        '\u{10000}'..='\u{10ffff}' => true,
        _ => false,
    })
}

/// The 0-based column (in characters) of byte `at` of `line`.
fn column(line: &str, at: usize, ascii: bool) -> usize {
    if ascii {
        at
    } else {
        line[..at].chars().count()
    }
}

struct Composer<'t, 'n> {
    text: &'t str,
    offset: Offset,
    limits: Limits,
    nodes: &'n mut Vec<RawNode<'t>>,
    stack: Vec<Frame>,
    /// The current line's full text (for columns).
    line: &'t str,
    ascii: bool,
    number: usize,
    /// The plain scalar block value just read on the current line, which may go on over the next lines.
    last_plain: Option<usize>,
}

/// Gives up.
macro_rules! unsure {
    () => {
        return None
    };
}

/// Whether `c` may start a plain scalar (in either context) as far as the fast path reads them.
fn plain_start(c: u8, next: Option<u8>) -> bool {
    match c {
        // `-` followed by more than a blank or a flow indicator starts a plain scalar (`-1`).
        b'-' => next.is_some_and(|n| n != b' ' && !matches!(n, b',' | b'[' | b']' | b'{' | b'}')),
        b'?' | b':' | b',' | b'[' | b']' | b'{' | b'}' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'\'' | b'"'
        | b'%' | b'@' | b'`' | b' ' => false,
        _ => true,
    }
}

impl<'t> Composer<'t, '_> {
    fn position(&self, at: usize) -> Position {
        self.offset.position(self.number, column(self.line, at, self.ascii))
    }

    fn push(&mut self, raw: Raw<'t>, at: usize) -> usize {
        let position = self.position(at);
        let index = self.nodes.len();
        self.nodes.push(RawNode { raw, position });
        index
    }

    fn add_child(&mut self, parent: usize, child: usize) {
        match &mut self.nodes[parent].raw {
            Raw::Seq(children) | Raw::Map(children) => children.push(child),
            _ => {}
        }
    }

    /// Adds an item to a block sequence. The event parser places an indentless sequence (a key's
    /// value at the key's indentation) where its first item's content starts, not at its `-`.
    fn add_seq_item(&mut self, seq: usize, item: usize, indentless: bool) {
        if indentless && matches!(&self.nodes[seq].raw, Raw::Seq(items) if items.is_empty()) {
            self.nodes[seq].position = self.nodes[item].position;
        }
        self.add_child(seq, item);
    }

    /// A byte offset of `s` (a slice of the current line) in the line.
    fn at(&self, s: &str) -> usize {
        s.as_ptr() as usize - self.line.as_ptr() as usize
    }

    /// A scalar or flow collection written on the rest of the line from `s` (no leading space),
    /// ending the line (a comment may follow). `None` when unsure.
    fn inline_value(&mut self, s: &'t str, depth: usize) -> Option<usize> {
        let bytes = s.as_bytes();
        match bytes[0] {
            b'"' | b'\'' => {
                let (node, rest) = self.quoted(s)?;
                end_of_line(rest).then_some(node)
            }
            b'{' | b'[' => {
                if depth + 1 >= self.limits.depth {
                    unsure!();
                }
                let (node, rest) = self.flow(s, depth + 1)?;
                end_of_line(rest).then_some(node)
            }
            c if plain_start(c, bytes.get(1).copied()) => {
                let end = plain_end(s);
                let value = s[..end].trim_end_matches(' ');
                if value.is_empty() || value.ends_with(':') || has_pair(value, b':', b' ') {
                    unsure!();
                }
                let at = self.at(s);
                let node = self.push(Raw::Scalar { value: Cow::Borrowed(value), plain: true, tag: None }, at);
                // A comment ends a plain scalar: one that goes on after it is an error (left to
                // the event parser by the check on the next line's indentation).
                if end == s.len() {
                    self.last_plain = Some(node);
                }
                Some(node)
            }
            _ => None,
        }
    }

    /// A quoted scalar on one line at the start of `s`; the node and the rest after it.
    fn quoted(&mut self, s: &'t str) -> Option<(usize, &'t str)> {
        let quote = s.as_bytes()[0];
        let at = self.at(s);
        let body = &s[1..];
        if quote == b'"' {
            let end = body.find(['"', '\\'])?;
            if body.as_bytes()[end] != b'"' {
                unsure!();
            }
            let value = &body[..end];
            let node = self.push(Raw::Scalar { value: Cow::Borrowed(value), plain: false, tag: None }, at);
            return Some((node, &body[end + 1..]));
        }
        // Single quotes: `''` is one quote.
        let mut owned: Option<String> = None;
        let mut from = 0;
        let mut i = 0;
        let b = body.as_bytes();
        let end = loop {
            match b.get(i) {
                None => unsure!(),
                Some(b'\'') if b.get(i + 1) == Some(&b'\'') => {
                    owned.get_or_insert_with(String::new).push_str(&body[from..=i]);
                    i += 2;
                    from = i;
                }
                Some(b'\'') => break i,
                Some(_) => i += 1,
            }
        };
        let value = match owned {
            Some(mut text) => {
                text.push_str(&body[from..end]);
                Cow::Owned(text)
            }
            None => Cow::Borrowed(&body[..end]),
        };
        let node = self.push(Raw::Scalar { value, plain: false, tag: None }, at);
        Some((node, &body[end + 1..]))
    }

    /// A flow collection on one line at the start of `s`; the node and the rest after it.
    fn flow(&mut self, s: &'t str, depth: usize) -> Option<(usize, &'t str)> {
        let open = s.as_bytes()[0];
        let (close, kind) = if open == b'{' { (b'}', Kind::Map) } else { (b']', Kind::Seq) };
        let node = self.push(if kind == Kind::Map { Raw::Map(Vec::new()) } else { Raw::Seq(Vec::new()) }, self.at(s));
        let mut rest = s[1..].trim_start_matches(' ');
        if rest.as_bytes().first() == Some(&close) {
            return Some((node, &rest[1..]));
        }
        loop {
            // An item (a sequence's) or a key (a mapping's).
            let (item, after) = self.flow_node(rest, depth)?;
            self.add_child(node, item);
            rest = after.trim_start_matches(' ');
            if kind == Kind::Map {
                rest = rest.strip_prefix(':')?;
                if !rest.starts_with(' ') {
                    unsure!();
                }
                rest = rest.trim_start_matches(' ');
                let (value, after) = self.flow_node(rest, depth)?;
                self.add_child(node, value);
                rest = after.trim_start_matches(' ');
            }
            match rest.as_bytes().first() {
                Some(&c) if c == close => return Some((node, &rest[1..])),
                Some(b',') => {
                    rest = rest[1..].trim_start_matches(' ');
                    // A trailing comma, or an empty entry: unsure.
                    if matches!(rest.as_bytes().first(), None | Some(b',' | b']' | b'}')) {
                        unsure!();
                    }
                }
                _ => unsure!(),
            }
        }
    }

    /// A node inside a flow collection: quoted, a nested collection, or a plain scalar without
    /// `:` and `#`.
    fn flow_node(&mut self, s: &'t str, depth: usize) -> Option<(usize, &'t str)> {
        let bytes = s.as_bytes();
        match *bytes.first()? {
            b'"' | b'\'' => self.quoted(s),
            b'{' | b'[' => {
                if depth + 1 >= self.limits.depth {
                    unsure!();
                }
                self.flow(s, depth + 1)
            }
            c if plain_start(c, bytes.get(1).copied()) => {
                let end = s.find([',', '[', ']', '{', '}', ':', '#']).unwrap_or(s.len());
                if s[end..].starts_with([':', '#', '[', '{']) && !s[end..].starts_with(": ") {
                    unsure!();
                }
                let value = s[..end].trim_end_matches(' ');
                if value.is_empty() || end == s.len() {
                    unsure!();
                }
                let at = self.at(s);
                let node = self.push(Raw::Scalar { value: Cow::Borrowed(value), plain: true, tag: None }, at);
                Some((node, &s[value.len()..]))
            }
            _ => None,
        }
    }

    /// A mapping key at the start of `s` and the rest after its `:` (and the blanks after it).
    fn key(&mut self, s: &'t str) -> Option<(usize, &'t str)> {
        let bytes = s.as_bytes();
        let (key, rest) = match bytes[0] {
            b'"' | b'\'' => {
                let (key, rest) = self.quoted(s)?;
                (key, rest.strip_prefix(':')?)
            }
            c if plain_start(c, bytes.get(1).copied()) => {
                let colon = find_value_indicator(s)?;
                let key = s[..colon].trim_end_matches(' ');
                // go-yaml v2's simple keys are at most 1024 characters; ` #` would be a comment.
                if key.len() > 1024 || has_pair(key, b' ', b'#') || key == "<<" {
                    unsure!();
                }
                let at = self.at(s);
                let node = self.push(Raw::Scalar { value: Cow::Borrowed(key), plain: true, tag: None }, at);
                (node, &s[colon + 1..])
            }
            _ => unsure!(),
        };
        if !(rest.is_empty() || rest.starts_with(' ')) {
            unsure!();
        }
        Some((key, rest.trim_start_matches(' ')))
    }

    /// Opens a block collection at `indent`, as the value of the open frame's last key or item.
    fn open(&mut self, kind: Kind, indent: usize, at: usize) -> Option<usize> {
        if self.stack.len() + 1 >= self.limits.depth {
            unsure!();
        }
        let node = self.push(if kind == Kind::Map { Raw::Map(Vec::new()) } else { Raw::Seq(Vec::new()) }, at);
        self.stack.push(Frame { node, kind, indent, indentless: false });
        Some(node)
    }

    /// A mapping entry starting at byte `start` of the current line (the key's column `indent`):
    /// its key, then its value inline or (none inline) pending on the next lines.
    fn entry(&mut self, map: usize, s: &'t str) -> Option<Pending<'t>> {
        let (key, rest) = self.key(s)?;
        self.add_child(map, key);
        if rest.is_empty() || rest.starts_with('#') {
            // The value is on the next lines, or null: the empty scalar is placed at the `:`.
            let colon = self.at(rest_before_blanks(s, rest)) - 1;
            return Some(Pending::Value { parent: map, empty_at: (self.number, colon, self.ascii, self.line) });
        }
        if rest.starts_with(['|', '>']) {
            return Some(Pending::Block { parent: map, header: rest });
        }
        let depth = self.stack.len();
        let value = self.inline_value(rest, depth)?;
        self.add_child(map, value);
        Some(Pending::Scalar)
    }

    /// A block scalar (`|`, `>`, with a chomping indicator or none) whose header is `header` (on
    /// the current line), its content more indented than `owner`, on `lines` (the lines after the
    /// header): the node and how many lines it takes. Indentation indicators, leading blank lines,
    /// blank lines with more spaces than the content's indentation and an empty content are left
    /// to the event parser.
    fn block_scalar(&mut self, header: &'t str, owner: usize, lines: &[&'t str]) -> Option<(usize, usize)> {
        let folded = header.starts_with('>');
        let (chomp, rest) = match header.as_bytes() {
            [_, b'-', ..] => (Chomp::Strip, &header[2..]),
            [_, b'+', ..] => (Chomp::Keep, &header[2..]),
            [_, ..] => (Chomp::Clip, &header[1..]),
            [] => unsure!(),
        };
        if !(rest.is_empty() || end_of_line(rest)) {
            unsure!();
        }
        // The content's indentation: its first line's (the next line: leading blank lines are left
        // to the event parser), which must be deeper than the owner's.
        let first = lines.first()?;
        let first_content = first.trim_start_matches(' ');
        if first_content.is_empty() {
            unsure!();
        }
        let indent = first.len() - first_content.len();
        if indent <= owner {
            unsure!();
        }
        // libyaml's scan_block_scalar: a line break between two lines is kept, or (folded, neither
        // line more indented, no empty line between) becomes a space; empty lines are kept.
        let mut value = String::new();
        let mut taken = 0;
        let mut breaks = 0;
        let mut leading_break = false;
        let mut leading_blank = false;
        for line in lines {
            let content = line.trim_start_matches(' ');
            if content.is_empty() {
                if line.len() > indent {
                    unsure!();
                }
                breaks += 1;
                taken += 1;
                continue;
            }
            if line.len() - content.len() < indent {
                break;
            }
            let text = &line[indent..];
            let trailing_blank = text.starts_with(' ');
            if leading_break {
                if folded && !leading_blank && !trailing_blank {
                    if breaks == 0 {
                        value.push(' ');
                    }
                } else {
                    value.push('\n');
                }
            }
            value.extend(std::iter::repeat_n('\n', breaks));
            breaks = 0;
            leading_blank = trailing_blank;
            value.push_str(text);
            leading_break = true;
            taken += 1;
        }
        if taken == lines.len() && !self.text.ends_with('\n') {
            // A block scalar ending the text without a line break: read as go-yaml v2 reads it by
            // the event parser's libyaml option, not here.
            unsure!();
        }
        match chomp {
            Chomp::Clip => {
                if leading_break {
                    value.push('\n');
                }
            }
            Chomp::Strip => {}
            Chomp::Keep => {
                if leading_break {
                    value.push('\n');
                }
                value.extend(std::iter::repeat_n('\n', breaks));
            }
        }
        // The event parser places a block scalar where its content starts.
        let position = self.offset.position(self.number + 1, indent);
        let node = self.nodes.len();
        self.nodes.push(RawNode { raw: Raw::Scalar { value: Cow::Owned(value), plain: false, tag: None }, position });
        Some((node, taken))
    }
}

impl<'t> Composer<'t, '_> {
    /// Continues the plain scalar `node` (just read, on the current line) over the `lines` after
    /// it that are more indented than `owner`: lines folded into one with a space, empty lines
    /// kept as line breaks (go-yaml v2's plain scalar folding). How many lines it takes.
    fn continue_plain(&mut self, node: usize, owner: usize, lines: &[&'t str]) -> Option<usize> {
        let mut value: Option<String> = None;
        let mut taken = 0;
        let mut breaks = 0;
        for (i, line) in lines.iter().enumerate() {
            let content = line.trim_start_matches(' ');
            if content.is_empty() {
                breaks += 1;
                continue;
            }
            if line.len() - content.len() <= owner || content.starts_with('#') {
                break;
            }
            let text = content.trim_end_matches(' ');
            let starts_with_indicator =
                !plain_start(text.as_bytes()[0], text.as_bytes().get(1).copied()) || text.starts_with('-');
            if starts_with_indicator || text.ends_with(':') || has_pair(text, b':', b' ') || has_pair(text, b' ', b'#')
            {
                unsure!();
            }
            let joined = value.get_or_insert_with(|| match &self.nodes[node].raw {
                Raw::Scalar { value, .. } => value.to_string(),
                _ => String::new(),
            });
            if breaks == 0 {
                joined.push(' ');
            } else {
                joined.extend(std::iter::repeat_n('\n', breaks));
            }
            breaks = 0;
            joined.push_str(text);
            taken = i + 1;
        }
        if let Some(value) = value {
            if let Raw::Scalar { value: old, .. } = &mut self.nodes[node].raw {
                *old = Cow::Owned(value);
            }
        }
        Some(taken)
    }
}

/// A block scalar's chomping.
#[derive(Debug, Clone, Copy)]
enum Chomp {
    Clip,
    Strip,
    Keep,
}

/// What the next content line may be.
enum Pending<'t> {
    /// Nothing in particular (after a scalar, or an opened collection's first entry).
    Scalar,
    /// The value of the last key of mapping `parent`: a nested block, or the empty scalar (null)
    /// at `empty_at` (line, byte column, ascii, line text).
    Value { parent: usize, empty_at: (usize, usize, bool, &'t str) },
    /// A block scalar, the value of mapping `parent`'s last key, whose header starts `header`.
    Block { parent: usize, header: &'t str },
}

/// The text of `s` up to the blanks before `rest` (a suffix of `s`).
fn rest_before_blanks<'a>(s: &'a str, rest: &'a str) -> &'a str {
    let end = s.len() - rest.len();
    let trimmed = s[..end].trim_end_matches(' ');
    &s[trimmed.len()..]
}

/// Where a plain scalar in block context ends: at ` #` or the end of the line.
fn plain_end(s: &str) -> usize {
    pair_at(s, b' ', b'#').unwrap_or(s.len())
}

/// Where the first `first` directly followed by `second` is in `s` (a search for a two-byte text
/// that looks for the rarer byte first: `:` or `#`), without a general substring search's set-up.
fn pair_at(s: &str, first: u8, second: u8) -> Option<usize> {
    let b = s.as_bytes();
    if first == b' ' {
        memchr::memchr_iter(second, b).find(|&i| i > 0 && b[i - 1] == first).map(|i| i - 1)
    } else {
        memchr::memchr_iter(first, b).find(|&i| b.get(i + 1) == Some(&second))
    }
}

/// Whether `s` holds `first` directly followed by `second` (see [`pair_at`]).
fn has_pair(s: &str, first: u8, second: u8) -> bool {
    pair_at(s, first, second).is_some()
}

/// Whether nothing but blanks and a comment (after a blank) follows.
fn end_of_line(rest: &str) -> bool {
    let trimmed = rest.trim_start_matches(' ');
    trimmed.is_empty() || (trimmed.starts_with('#') && trimmed.len() < rest.len())
}

/// The `:` that ends a plain key: the first followed by a space or the end of the line.
fn find_value_indicator(s: &str) -> Option<usize> {
    let bytes = s.as_bytes();
    let mut from = 0;
    loop {
        let at = from + memchr::memchr(b':', &bytes[from..])?;
        if matches!(bytes.get(at + 1), None | Some(b' ')) {
            // A comment before it (` #`) would have ended the line.
            let comment = memchr::memchr_iter(b'#', &bytes[..at]).any(|k| k > 0 && bytes[k - 1] == b' ');
            return (!comment).then_some(at);
        }
        from = at + 1;
    }
}

/// Composes the document `text` on the fast path: its root's index, or `None` when unsure.
pub(super) fn compose<'t>(
    text: &'t str,
    offset: Offset,
    limits: Limits,
    nodes: &mut Vec<RawNode<'t>>,
) -> Option<usize> {
    if offset.columns != 0 || !plain_characters(text) {
        unsure!();
    }
    let mut c =
        Composer { text, offset, limits, nodes, stack: Vec::new(), line: "", ascii: true, number: 0, last_plain: None };
    let mut pending = Pending::Scalar;
    let mut root = None;
    // After a scalar value, the owner's column: a more indented line would continue the scalar.
    let mut scalar_owner: Option<usize> = None;
    // `split_terminator('\n')`, with memchr: most lines are short, and `str::split`'s searcher
    // costs more per line than finding the breaks.
    let mut lines: Vec<&'t str> = Vec::with_capacity(text.len() / 24 + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()) {
        lines.push(&text[start..end]);
        start = end + 1;
    }
    if start < text.len() {
        lines.push(&text[start..]);
    }
    let mut next = 0;
    while next < lines.len() {
        let (i, line) = (next, lines[next]);
        next += 1;
        let content = line.trim_start_matches(' ');
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let indent = line.len() - content.len();
        let l = Line { number: i + 1, indent, ascii: line.is_ascii() };
        if l.indent == 0 && (content.starts_with("---") || content.starts_with("...") || content.starts_with('%')) {
            unsure!();
        }
        c.line = line;
        c.last_plain = None;
        c.ascii = l.ascii;
        c.number = l.number;
        if scalar_owner.is_some_and(|owner| l.indent > owner) {
            unsure!();
        }
        let item = content == "-" || content.starts_with("- ");
        // The value pending from the line before: a nested block here, or null.
        match std::mem::replace(&mut pending, Pending::Scalar) {
            Pending::Scalar | Pending::Block { .. } => {}
            Pending::Value { parent, empty_at } => {
                let owner = c.stack.last().map_or(0, |f| f.indent);
                let parent_is_map = matches!(c.nodes[parent].raw, Raw::Map(_));
                let nested = l.indent > owner || (parent_is_map && item && l.indent == owner);
                if nested {
                    let kind = if item { Kind::Seq } else { Kind::Map };
                    let node = c.open(kind, l.indent, l.indent)?;
                    if let Some(frame) = c.stack.last_mut() {
                        frame.indentless = l.indent == owner;
                    }
                    c.add_child(parent, node);
                } else {
                    // Null: the empty scalar where the value would be.
                    let (number, at, ascii, text) = empty_at;
                    let position = c.offset.position(number, column(text, at, ascii));
                    let node = c.nodes.len();
                    c.nodes.push(RawNode {
                        raw: Raw::Scalar { value: Cow::Borrowed(""), plain: true, tag: None },
                        position,
                    });
                    c.add_child(parent, node);
                }
            }
        }
        // Close the collections this line is outside of.
        while let Some(top) = c.stack.last() {
            let indentless_seq_ends = top.kind == Kind::Seq
                && top.indent == l.indent
                && !item
                && c.stack.len() >= 2
                && c.stack[c.stack.len() - 2].kind == Kind::Map
                && c.stack[c.stack.len() - 2].indent == l.indent;
            if top.indent > l.indent || indentless_seq_ends {
                c.stack.pop();
            } else {
                break;
            }
        }
        scalar_owner = None;
        // The first line opens the root.
        if c.stack.is_empty() {
            if root.is_some() {
                unsure!();
            }
            let kind = if item { Kind::Seq } else { Kind::Map };
            root = Some(c.open(kind, l.indent, l.indent)?);
        }
        let top = c.stack.last()?;
        if top.indent != l.indent || (top.kind == Kind::Seq) != item {
            unsure!();
        }
        let (frame_node, frame_indent, indentless) = (top.node, top.indent, top.indentless);
        if !item {
            pending = c.entry(frame_node, content)?;
            if let Pending::Block { parent, header } = pending {
                let (node, taken) = c.block_scalar(header, frame_indent, &lines[next..])?;
                c.add_child(parent, node);
                next += taken;
                pending = Pending::Scalar;
            }
            if matches!(pending, Pending::Scalar) {
                if let Some(node) = c.last_plain.take() {
                    next += c.continue_plain(node, frame_indent, &lines[next..])?;
                }
                scalar_owner = Some(frame_indent);
            }
            continue;
        }
        // A sequence item: `-` alone, `- scalar`, `- key: value` (a mapping starting on this line).
        let after = content[1..].trim_start_matches(' ');
        if after.is_empty() || after.starts_with('#') {
            // `-` alone: where the event parser places its null or the sequence is not worked out here.
            unsure!();
        }
        let item_column = line.len() - after.len();
        if after.starts_with("- ") || after == "-" || after.starts_with('?') {
            unsure!();
        }
        let is_entry = match after.as_bytes()[0] {
            b'"' | b'\'' => {
                // A quoted key is followed by `:`; a quoted item is not.
                let quote = char::from(after.as_bytes()[0]);
                match after[1..].find(quote) {
                    Some(end) => after[end + 2..].starts_with(':'),
                    None => unsure!(),
                }
            }
            b'{' | b'[' => false,
            _ => find_value_indicator(&after[..plain_end(after)]).is_some(),
        };
        if is_entry {
            let map = c.open(Kind::Map, item_column, item_column)?;
            c.add_seq_item(frame_node, map, indentless);
            pending = c.entry(map, after)?;
            if let Pending::Block { parent, header } = pending {
                let (node, taken) = c.block_scalar(header, item_column, &lines[next..])?;
                c.add_child(parent, node);
                next += taken;
                pending = Pending::Scalar;
            }
            if matches!(pending, Pending::Scalar) {
                if let Some(node) = c.last_plain.take() {
                    next += c.continue_plain(node, item_column, &lines[next..])?;
                }
                scalar_owner = Some(item_column);
            }
        } else if after.starts_with(['|', '>']) {
            let header = c.position(c.at(after));
            let (node, taken) = c.block_scalar(after, frame_indent, &lines[next..])?;
            c.add_seq_item(frame_node, node, indentless);
            if indentless && matches!(&c.nodes[frame_node].raw, Raw::Seq(items) if items.len() == 1) {
                // An indentless sequence starts at its first item's token: here the header.
                c.nodes[frame_node].position = header;
            }
            next += taken;
            scalar_owner = Some(frame_indent);
        } else {
            let depth = c.stack.len();
            let value = c.inline_value(after, depth)?;
            c.add_seq_item(frame_node, value, indentless);
            if let Some(node) = c.last_plain.take() {
                next += c.continue_plain(node, frame_indent, &lines[next..])?;
            }
            scalar_owner = Some(frame_indent);
        }
    }
    // A value still pending at the end is null.
    match pending {
        Pending::Scalar | Pending::Block { .. } => {}
        Pending::Value { parent, empty_at } => {
            let (number, at, ascii, text) = empty_at;
            let position = c.offset.position(number, column(text, at, ascii));
            let node = c.nodes.len();
            c.nodes.push(RawNode { raw: Raw::Scalar { value: Cow::Borrowed(""), plain: true, tag: None }, position });
            c.add_child(parent, node);
        }
    }
    root
}

#[cfg(test)]
mod tests {
    use super::{has_pair, pair_at};

    #[test]
    fn pairs_are_found_where_a_substring_search_finds_them() {
        let alphabet = [" ", "#", ":", "a", "é", "  ", "##", "::"];
        for n in 0..9usize.pow(5) {
            // Every string of up to five pieces of the alphabet: the digits of n in base 9, 0 ending it.
            let digits = (0..5).map(|k| n / 9usize.pow(k) % 9).take_while(|&d| d != 0);
            let text: String = digits.map(|d| alphabet[d - 1]).collect();
            for (first, second, pair) in [(b' ', b'#', " #"), (b':', b' ', ": ")] {
                assert_eq!(pair_at(&text, first, second), text.find(pair), "{text:?} {pair:?}");
                assert_eq!(has_pair(&text, first, second), text.contains(pair));
            }
        }
    }
}
