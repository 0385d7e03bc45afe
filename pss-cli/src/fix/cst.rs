//! The structure of one YAML (or JSON) document with the byte span of every node: enough to
//! find a field and to change its text without touching anything else.
//!
//! It reads what Kubernetes manifests are written with: block and flow mappings and sequences,
//! plain, quoted and block scalars, comments, anchors, aliases and tags (kept as spans). JSON is
//! read as YAML's flow style. What it does not follow (explicit `?` keys, flow keys, tabs as
//! indentation, ...) is an error naming the line, and the document is left as it is: the text
//! editor never guesses. The values themselves are not decoded, except keys; the editor checks
//! its result by reading it back with the reader kubectl's reading is made with.

use std::fmt;

/// A node: its span (properties included), where its content starts, and what it is.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    /// The first byte of the node, its anchor and tag included.
    pub start: usize,
    /// The first byte after its anchor and tag.
    pub content: usize,
    /// One past its last byte (a block collection ends with its last entry's content, before any
    /// line break or comment).
    pub end: usize,
    /// Its anchor (`&name`), if any.
    pub anchor: Option<String>,
    pub kind: Kind,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    /// Nothing written (`key:` alone): `start == end`, where a value would go.
    Empty,
    /// A scalar, as written.
    Scalar(Style),
    Map(Map),
    Seq(Seq),
    /// `*name`.
    Alias(String),
}

/// How a scalar is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    Plain,
    Single,
    Double,
    Block,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Map {
    pub flow: bool,
    pub entries: Vec<Entry>,
}

#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Seq {
    pub flow: bool,
    pub items: Vec<Item>,
}

/// A mapping entry: its key (decoded) and where it is written, and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Entry {
    pub key: String,
    pub key_start: usize,
    /// The byte of the `:` (or `key_end` for a flow entry without a value).
    pub colon: usize,
    pub value: Node,
}

/// A sequence item: where it starts (the `-` of a block item) and its value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Item {
    pub start: usize,
    pub value: Node,
}

/// Why a document's structure could not be followed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CstError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for CstError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

type Result<T> = std::result::Result<T, CstError>;

/// A parsed document: its text and its root node.
#[derive(Debug, Clone)]
pub(crate) struct Document<'t> {
    pub text: &'t str,
    pub root: Node,
    /// Every anchor an alias refers to.
    pub aliased: Vec<String>,
    /// Where each line after the first starts.
    line_starts: Vec<usize>,
}

impl<'t> Document<'t> {
    /// Parses `text`: one YAML document (a document end marker `...` ends it) or one JSON text.
    pub(crate) fn parse(text: &'t str) -> Result<Document<'t>> {
        let mut p = Parser { text, b: text.as_bytes(), pos: 0, aliased: Vec::new(), started: false };
        if text.starts_with('\u{feff}') {
            p.pos = 3;
        }
        p.skip_directives()?;
        p.started = true;
        let Some(indent) = p.next_content_line()? else {
            return Err(p.error(p.pos, "the document is empty"));
        };
        let root = p.block_node(indent, -1, Context::Line)?;
        match p.next_content_line()? {
            None => {}
            Some(_) => return Err(p.error(p.pos, "more content after the document's root")),
        }
        let line_starts = text.match_indices('\n').map(|(i, _)| i + 1).collect();
        Ok(Document { text, root, aliased: p.aliased, line_starts })
    }

    /// 1-based line of a byte offset.
    pub(crate) fn line_of(&self, offset: usize) -> usize {
        self.line_starts.partition_point(|&start| start <= offset) + 1
    }
}

pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())].iter().filter(|&&b| b == b'\n').count() + 1
}

/// Where a block node is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// On a line of its own (the document's root, a value on the lines after its key).
    Line,
    /// A block mapping's value on its key's line (it may not start a mapping).
    MapValue,
    /// A block sequence item after its `-` (it may start a compact mapping or sequence).
    SeqItem,
}

struct Parser<'t> {
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    aliased: Vec<String>,
    /// Past the directives and the `---` line: a marker line now ends the document.
    started: bool,
}

fn is_blank(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

fn is_break(b: Option<u8>) -> bool {
    matches!(b, None | Some(b'\n' | b'\r'))
}

fn is_flow_indicator(b: u8) -> bool {
    matches!(b, b',' | b'[' | b']' | b'{' | b'}')
}

impl<'t> Parser<'t> {
    fn error(&self, at: usize, message: impl Into<String>) -> CstError {
        CstError { line: line_of(self.text, at), message: message.into() }
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn at(&self, i: usize) -> Option<u8> {
        self.b.get(i).copied()
    }

    fn line_start(&self, at: usize) -> usize {
        self.b[..at].iter().rposition(|&c| c == b'\n').map_or(0, |i| i + 1)
    }

    /// The column (in bytes) of `at` on its line.
    fn column(&self, at: usize) -> usize {
        at - self.line_start(at)
    }

    /// The offset of the line break (or the end) of the line holding `at`.
    fn line_end(&self, at: usize) -> usize {
        let mut i = at;
        while !is_break(self.at(i)) {
            i += 1;
        }
        i
    }

    fn skip_blanks(&mut self) {
        while self.peek().is_some_and(is_blank) {
            self.pos += 1;
        }
    }

    /// Skips blanks and a comment to the end of the line; true if nothing else is on the line.
    fn rest_of_line_is_empty(&mut self) -> bool {
        self.skip_blanks();
        if self.peek() == Some(b'#') {
            self.pos = self.line_end(self.pos);
        }
        is_break(self.peek())
    }

    /// Whether the line at `start` is a document marker (`---` or `...` and a break or blank).
    fn is_marker(&self, start: usize) -> bool {
        let t = &self.b[start..];
        (t.starts_with(b"---") || t.starts_with(b"...")) && (t.len() == 3 || is_blank(t[3]) || is_break(Some(t[3])))
    }

    /// `%` directives and a `---` line before the document.
    fn skip_directives(&mut self) -> Result<()> {
        loop {
            let Some(_) = self.next_content_line()? else { return Ok(()) };
            let start = self.line_start(self.pos);
            if self.pos == start && self.peek() == Some(b'%') {
                self.pos = self.line_end(self.pos);
                continue;
            }
            if self.pos == start && self.b[start..].starts_with(b"---") && self.is_marker(start) {
                self.pos += 3;
                if !self.rest_of_line_is_empty() {
                    return Err(self.error(self.pos, "content on the '---' line"));
                }
                continue;
            }
            self.pos = start;
            return Ok(());
        }
    }

    /// Moves to the first non-blank byte of the next line with content (this one if it has some),
    /// skipping blank and comment lines; `None` at the end of the document (its end or a marker).
    /// Returns the line's indentation.
    fn next_content_line(&mut self) -> Result<Option<usize>> {
        loop {
            let start = self.line_start(self.pos);
            // `...` ends the document; a `---` would start the next one.
            if self.started && self.pos == start && self.is_marker(start) {
                return Ok(None);
            }
            let before = self.pos;
            self.skip_blanks();
            match self.peek() {
                None => return Ok(None),
                Some(b'#') => self.pos = self.line_end(self.pos),
                Some(b'\r' | b'\n') => {}
                Some(_) => {
                    let indent_end = self.pos;
                    let line_start = self.line_start(indent_end);
                    if self.b[line_start..indent_end].contains(&b'\t') && before == line_start {
                        return Err(self.error(indent_end, "a tab in the indentation"));
                    }
                    return Ok(Some(self.column(indent_end)));
                }
            }
            // A line break.
            if self.peek() == Some(b'\r') {
                self.pos += 1;
            }
            if self.peek() == Some(b'\n') {
                self.pos += 1;
            }
            if self.pos == before {
                return Ok(None);
            }
        }
    }

    /// Anchor and tag before a node; returns the anchor.
    fn properties(&mut self) -> Result<Option<String>> {
        let mut anchor = None;
        loop {
            match self.peek() {
                Some(b'&') => {
                    let start = self.pos + 1;
                    self.pos = start;
                    while self.peek().is_some_and(|c| !is_blank(c) && !is_break(Some(c)) && !is_flow_indicator(c)) {
                        self.pos += 1;
                    }
                    anchor = Some(self.text[start..self.pos].to_owned());
                    self.skip_blanks();
                }
                Some(b'!') => {
                    if self.at(self.pos + 1) == Some(b'<') {
                        while self.peek().is_some_and(|c| c != b'>' && !is_break(Some(c))) {
                            self.pos += 1;
                        }
                        self.pos += 1;
                    }
                    while self.peek().is_some_and(|c| !is_blank(c) && !is_break(Some(c)) && !is_flow_indicator(c)) {
                        self.pos += 1;
                    }
                    self.skip_blanks();
                }
                _ => return Ok(anchor),
            }
        }
    }

    /// A block node whose first line has content at column `indent`, the position on it; `parent`
    /// is the indentation of the collection it is in (-1 at the root).
    fn block_node(&mut self, indent: usize, parent: isize, context: Context) -> Result<Node> {
        let start = self.pos;
        if self.is_seq_dash(self.pos) {
            return self.block_seq(indent);
        }
        let anchor = self.properties()?;
        if anchor.is_some() || self.pos != start {
            // Properties alone on their line: the node follows on the next lines.
            let content = self.pos;
            let save = self.pos;
            if self.rest_of_line_is_empty() {
                let Some(next) = self.next_content_line()? else {
                    return Ok(Node { start, content, end: content, anchor, kind: Kind::Empty });
                };
                if next as isize > parent {
                    let mut node = self.block_node(next, parent, Context::Line)?;
                    node.start = start;
                    node.anchor = anchor;
                    return Ok(node);
                }
                self.pos = save;
                return Ok(Node { start, content, end: content, anchor, kind: Kind::Empty });
            }
            self.pos = save;
            let mut node = self.inline_node(parent, context)?;
            node.start = start;
            node.anchor = anchor;
            return Ok(node);
        }
        if context != Context::MapValue && self.key_here()?.is_some() {
            return self.block_map(indent);
        }
        self.inline_node(parent, context)
    }

    /// Whether a block sequence item starts at `at` (`-` and a blank or break).
    fn is_seq_dash(&self, at: usize) -> bool {
        self.at(at) == Some(b'-') && (self.at(at + 1).is_some_and(is_blank) || is_break(self.at(at + 1)))
    }

    /// A node written on the current line (it may continue on the next ones: quoted and plain
    /// scalars, flow collections, block scalars).
    fn inline_node(&mut self, parent: isize, context: Context) -> Result<Node> {
        let start = self.pos;
        match self.peek() {
            Some(b'[' | b'{') => self.flow_collection(),
            Some(b'*') => {
                self.pos += 1;
                while self.peek().is_some_and(|c| !is_blank(c) && !is_break(Some(c)) && !is_flow_indicator(c)) {
                    self.pos += 1;
                }
                let name = self.text[start + 1..self.pos].to_owned();
                self.aliased.push(name.clone());
                Ok(Node { start, content: start, end: self.pos, anchor: None, kind: Kind::Alias(name) })
            }
            Some(b'|' | b'>') => self.block_scalar(parent),
            Some(b'"' | b'\'') => {
                let end = self.quoted()?;
                Ok(Node {
                    start,
                    content: start,
                    end,
                    anchor: None,
                    kind: Kind::Scalar(if self.b[start] == b'"' { Style::Double } else { Style::Single }),
                })
            }
            Some(b'?') if self.at(start + 1).is_none_or(|c| is_blank(c) || is_break(Some(c))) => {
                Err(self.error(start, "explicit keys ('? ') are not supported"))
            }
            Some(b'-') if context == Context::SeqItem && self.is_seq_dash(start) => {
                let indent = self.column(start);
                self.block_seq(indent)
            }
            _ => {
                let end = self.plain_block(parent)?;
                Ok(Node { start, content: start, end, anchor: None, kind: Kind::Scalar(Style::Plain) })
            }
        }
    }

    /// A plain scalar in block context from the current position; it continues on more indented
    /// lines. Returns its end.
    fn plain_block(&mut self, parent: isize) -> Result<usize> {
        let mut end = self.plain_line_end(self.pos, false);
        let line = &self.text[self.pos..end];
        if line.contains(": ") || line.contains(":\t") || line.ends_with(':') {
            return Err(self.error(self.pos, "a ': ' inside a plain value"));
        }
        self.pos = end;
        loop {
            // Continuation lines: more indented than the parent, not a comment.
            let save = self.pos;
            if !self.rest_of_line_is_empty() {
                return Err(self.error(self.pos, "unexpected text after a value"));
            }
            let Some(indent) = self.next_content_line()? else {
                self.pos = save;
                return Ok(end);
            };
            if indent as isize <= parent || self.peek() == Some(b'#') || self.key_here()?.is_some() {
                self.pos = save;
                return Ok(end);
            }
            end = self.plain_line_end(self.pos, false);
            self.pos = end;
        }
    }

    /// The end of a plain scalar's text on the line from `from`: before ` #`, trailing blanks, and
    /// in flow context (`flow`) a flow indicator or a `:` that ends a key.
    fn plain_line_end(&self, from: usize, flow: bool) -> usize {
        let mut i = from;
        let mut end = from;
        while let Some(c) = self.at(i) {
            if is_break(Some(c)) {
                break;
            }
            if c == b'#' && i > from && self.at(i - 1).is_some_and(is_blank) {
                break;
            }
            if flow
                && (is_flow_indicator(c)
                    || (c == b':'
                        && self.at(i + 1).is_none_or(|n| is_blank(n) || is_break(Some(n)) || is_flow_indicator(n))))
            {
                break;
            }
            i += 1;
            if !is_blank(c) {
                end = i;
            }
        }
        end
    }

    /// A quoted scalar at the position; returns its end (past the closing quote).
    fn quoted(&mut self) -> Result<usize> {
        let quote = self.b[self.pos];
        let start = self.pos;
        self.pos += 1;
        loop {
            match self.peek() {
                None => return Err(self.error(start, "a quoted scalar without its closing quote")),
                Some(b'\\') if quote == b'"' => self.pos += 2,
                Some(c) if c == quote => {
                    if quote == b'\'' && self.at(self.pos + 1) == Some(b'\'') {
                        self.pos += 2;
                        continue;
                    }
                    self.pos += 1;
                    return Ok(self.pos);
                }
                Some(_) => self.pos += 1,
            }
        }
    }

    /// A block scalar (`|` or `>`) at the position: its header and its more indented lines.
    fn block_scalar(&mut self, parent: isize) -> Result<Node> {
        let start = self.pos;
        let mut explicit: Option<usize> = None;
        self.pos += 1;
        while let Some(c) = self.peek() {
            match c {
                b'+' | b'-' => self.pos += 1,
                b'1'..=b'9' => {
                    explicit = Some(usize::from(c - b'0'));
                    self.pos += 1;
                }
                _ => break,
            }
        }
        if !self.rest_of_line_is_empty() {
            return Err(self.error(self.pos, "text after a block scalar's header"));
        }
        let header_end = self.pos;
        let base = parent.max(0) as usize;
        let content_indent = explicit.map(|n| (parent + n as isize).max(0) as usize);
        let mut end = header_end;
        let mut indent: Option<usize> = content_indent;
        let mut i = header_end;
        // Line by line: blank lines belong to it; a less indented line with content ends it.
        loop {
            // Past the line break.
            if self.at(i) == Some(b'\r') {
                i += 1;
            }
            if self.at(i) == Some(b'\n') {
                i += 1;
            } else {
                break;
            }
            let line = i;
            let mut j = line;
            while self.at(j) == Some(b' ') {
                j += 1;
            }
            if is_break(self.at(j)) {
                i = j;
                continue;
            }
            let col = j - line;
            let needed = indent.unwrap_or(base + 1).max(if parent < 0 { 0 } else { base + 1 });
            if col < needed || (parent < 0 && self.is_marker(line)) {
                break;
            }
            if indent.is_none() {
                indent = Some(col);
            }
            end = self.line_end(j);
            i = end;
        }
        self.pos = end;
        Ok(Node { start, content: start, end, anchor: None, kind: Kind::Scalar(Style::Block) })
    }

    /// A key at the position on this line: its decoded text, its end, and where its `:` is.
    fn key_here(&self) -> Result<Option<(String, usize)>> {
        let start = self.pos;
        match self.at(start) {
            Some(b'"' | b'\'') => {
                let mut p = Parser { text: self.text, b: self.b, pos: start, aliased: Vec::new(), started: true };
                let end = p.quoted()?;
                if self.text[start..end].contains('\n') {
                    return Ok(None);
                }
                let mut i = end;
                while self.at(i).is_some_and(is_blank) {
                    i += 1;
                }
                if self.at(i) == Some(b':') && self.at(i + 1).is_none_or(|c| is_blank(c) || is_break(Some(c))) {
                    return Ok(Some((decode_quoted(&self.text[start..end]), i)));
                }
                Ok(None)
            }
            Some(b'[' | b'{' | b'#' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`') | None => Ok(None),
            Some(b'?') if self.at(start + 1).is_none_or(|c| is_blank(c) || is_break(Some(c))) => {
                Err(self.error(start, "explicit keys ('? ') are not supported"))
            }
            Some(_) => {
                let mut i = start;
                while let Some(c) = self.at(i) {
                    if is_break(Some(c)) {
                        return Ok(None);
                    }
                    if c == b'#' && i > start && self.at(i - 1).is_some_and(is_blank) {
                        return Ok(None);
                    }
                    if c == b':' && self.at(i + 1).is_none_or(|n| is_blank(n) || is_break(Some(n))) {
                        let key = self.text[start..i].trim_end_matches([' ', '\t']);
                        return Ok(Some((key.to_owned(), i)));
                    }
                    i += 1;
                }
                Ok(None)
            }
        }
    }

    /// A block mapping whose first key is at the position, at column `indent`.
    fn block_map(&mut self, indent: usize) -> Result<Node> {
        let start = self.pos;
        let mut entries = Vec::new();
        let end = loop {
            let key_start = self.pos;
            let Some((key, colon)) = self.key_here()? else {
                return Err(self.error(self.pos, "expected a mapping key"));
            };
            self.pos = colon + 1;
            let value = self.map_value(indent)?;
            let end = value.end.max(colon + 1);
            entries.push(Entry { key, key_start, colon, value });
            let save = self.pos;
            match self.next_content_line()? {
                Some(i) if i == indent && !self.is_seq_dash(self.pos) => continue,
                Some(i) if i > indent => return Err(self.error(self.pos, "unexpected indentation")),
                _ => {
                    self.pos = save;
                    break end;
                }
            }
        };
        Ok(Node { start, content: start, end, anchor: None, kind: Kind::Map(Map { flow: false, entries }) })
    }

    /// The value after a block mapping key's `:` (the position just after it); the key is at
    /// column `indent`.
    fn map_value(&mut self, indent: usize) -> Result<Node> {
        // Nothing written is right after the colon (where a value would go).
        let here = self.pos;
        self.skip_blanks();
        let save = self.pos;
        if self.rest_of_line_is_empty() {
            let Some(next) = self.next_content_line()? else {
                self.pos = save;
                return Ok(Node { start: here, content: here, end: here, anchor: None, kind: Kind::Empty });
            };
            if next > indent || (next == indent && self.is_seq_dash(self.pos)) {
                return self.block_node(next, indent as isize, Context::Line);
            }
            self.pos = save;
            return Ok(Node { start: here, content: here, end: here, anchor: None, kind: Kind::Empty });
        }
        self.pos = save;
        let node = self.block_node(self.column(save), indent as isize, Context::MapValue)?;
        self.after_inline()?;
        Ok(node)
    }

    /// After an inline value: only blanks and a comment may follow on its line.
    fn after_inline(&mut self) -> Result<()> {
        let save = self.pos;
        if !self.rest_of_line_is_empty() {
            return Err(self.error(self.pos, "unexpected text after a value"));
        }
        self.pos = save;
        Ok(())
    }

    /// A block sequence whose first `-` is at the position, at column `indent`.
    fn block_seq(&mut self, indent: usize) -> Result<Node> {
        let start = self.pos;
        let mut items = Vec::new();
        let end = loop {
            let item_start = self.pos;
            self.pos += 1;
            let after_dash = self.pos;
            self.skip_blanks();
            let save = self.pos;
            let value = if self.rest_of_line_is_empty() {
                match self.next_content_line()? {
                    Some(next) if next > indent => self.block_node(next, indent as isize, Context::SeqItem)?,
                    _ => {
                        self.pos = save;
                        Node {
                            start: after_dash,
                            content: after_dash,
                            end: after_dash,
                            anchor: None,
                            kind: Kind::Empty,
                        }
                    }
                }
            } else {
                self.pos = save;
                let col = self.column(save);
                let node = self.block_node(col, indent as isize, Context::SeqItem)?;
                if matches!(node.kind, Kind::Scalar(_) | Kind::Alias(_) | Kind::Empty)
                    || matches!(&node.kind, Kind::Map(m) if m.flow)
                    || matches!(&node.kind, Kind::Seq(s) if s.flow)
                {
                    self.after_inline()?;
                }
                node
            };
            let end = value.end.max(item_start + 1);
            items.push(Item { start: item_start, value });
            let save = self.pos;
            match self.next_content_line()? {
                Some(i) if i == indent && self.is_seq_dash(self.pos) => continue,
                Some(i) if i > indent => return Err(self.error(self.pos, "unexpected indentation")),
                _ => {
                    self.pos = save;
                    break end;
                }
            }
        };
        Ok(Node { start, content: start, end, anchor: None, kind: Kind::Seq(Seq { flow: false, items }) })
    }

    /// Skips blanks, line breaks and comments inside a flow collection.
    fn skip_flow_space(&mut self) -> Result<()> {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\r' | b'\n') => self.pos += 1,
                Some(b'#') if self.pos == 0 || self.at(self.pos - 1).is_some_and(|c| c.is_ascii_whitespace()) => {
                    self.pos = self.line_end(self.pos)
                }
                None => return Err(self.error(self.pos, "a flow collection without its end")),
                _ => return Ok(()),
            }
        }
    }

    /// A flow node (inside a flow collection).
    fn flow_node(&mut self) -> Result<Node> {
        let start = self.pos;
        let anchor = self.properties()?;
        if self.pos != start {
            self.skip_flow_space()?;
        }
        let content = self.pos;
        let mut node = match self.peek() {
            Some(b'[' | b'{') => self.flow_collection()?,
            Some(b'"' | b'\'') => {
                let end = self.quoted()?;
                let style = if self.b[content] == b'"' { Style::Double } else { Style::Single };
                Node { start: content, content, end, anchor: None, kind: Kind::Scalar(style) }
            }
            Some(b'*') => {
                self.pos += 1;
                while self.peek().is_some_and(|c| !c.is_ascii_whitespace() && !is_flow_indicator(c)) {
                    self.pos += 1;
                }
                let name = self.text[content + 1..self.pos].to_owned();
                self.aliased.push(name.clone());
                Node { start: content, content, end: self.pos, anchor: None, kind: Kind::Alias(name) }
            }
            Some(b',' | b']' | b'}') => Node { start: content, content, end: content, anchor: None, kind: Kind::Empty },
            _ => {
                // A plain scalar; it may run over several lines.
                let mut end = self.plain_line_end(self.pos, true);
                self.pos = end;
                loop {
                    let save = self.pos;
                    self.skip_flow_space()?;
                    match self.peek() {
                        Some(b',' | b']' | b'}' | b':') | None => {
                            self.pos = save;
                            break;
                        }
                        _ if self.pos == save => break,
                        _ => {
                            end = self.plain_line_end(self.pos, true);
                            self.pos = end;
                        }
                    }
                }
                self.pos = end;
                Node { start: content, content, end, anchor: None, kind: Kind::Scalar(Style::Plain) }
            }
        };
        node.start = start;
        node.content = content;
        node.anchor = anchor;
        Ok(node)
    }

    /// A flow mapping or sequence at the position.
    fn flow_collection(&mut self) -> Result<Node> {
        let start = self.pos;
        self.flow_body(start).map_err(|e| match e.message.as_str() {
            "a flow collection without its end" => self.error(start, e.message),
            _ => e,
        })
    }

    fn flow_body(&mut self, start: usize) -> Result<Node> {
        let map = self.b[start] == b'{';
        let close = if map { b'}' } else { b']' };
        self.pos += 1;
        let mut entries = Vec::new();
        let mut items = Vec::new();
        loop {
            self.skip_flow_space()?;
            if self.peek() == Some(close) {
                self.pos += 1;
                break;
            }
            if map {
                let key_start = self.pos;
                let key_node = self.flow_node()?;
                let key = match key_node.kind {
                    Kind::Scalar(Style::Double | Style::Single) => {
                        decode_quoted(&self.text[key_node.content..key_node.end])
                    }
                    Kind::Scalar(Style::Plain) => self.text[key_node.content..key_node.end].to_owned(),
                    _ => return Err(self.error(key_start, "only scalar keys are supported")),
                };
                if key_node.anchor.is_some() || key_node.start != key_node.content {
                    return Err(self.error(key_start, "keys with anchors or tags are not supported"));
                }
                self.skip_flow_space()?;
                let (colon, value) = if self.peek() == Some(b':') {
                    let colon = self.pos;
                    self.pos += 1;
                    self.skip_flow_space()?;
                    (colon, self.flow_node()?)
                } else {
                    let at = key_node.end;
                    (at, Node { start: at, content: at, end: at, anchor: None, kind: Kind::Empty })
                };
                entries.push(Entry { key, key_start, colon, value });
            } else {
                let item_start = self.pos;
                let value = self.flow_node()?;
                let save = self.pos;
                self.skip_flow_space()?;
                if self.peek() == Some(b':') {
                    return Err(self.error(item_start, "single-pair mappings in flow sequences are not supported"));
                }
                self.pos = save;
                items.push(Item { start: item_start, value });
            }
            self.skip_flow_space()?;
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(c) if c == close => {
                    self.pos += 1;
                    break;
                }
                _ => return Err(self.error(self.pos, "expected ',' or the end of the flow collection")),
            }
        }
        let kind = if map { Kind::Map(Map { flow: true, entries }) } else { Kind::Seq(Seq { flow: true, items }) };
        Ok(Node { start, content: start, end: self.pos, anchor: None, kind })
    }
}

/// A quoted scalar's text (with its quotes) decoded: single quotes double `''`; double quotes
/// take JSON's escapes and YAML's. Line folding is not applied (keys are on one line).
pub(crate) fn decode_quoted(text: &str) -> String {
    let inner = &text[1..text.len().saturating_sub(1).max(1)];
    if text.starts_with('\'') {
        return inner.replace("''", "'");
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        let hex = |chars: &mut std::str::Chars<'_>, n: usize| {
            let digits: String = chars.by_ref().take(n).collect();
            u32::from_str_radix(&digits, 16).ok().and_then(char::from_u32).unwrap_or('\u{fffd}')
        };
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t' | '\t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('0') => out.push('\0'),
            Some('a') => out.push('\u{7}'),
            Some('b') => out.push('\u{8}'),
            Some('e') => out.push('\u{1b}'),
            Some('f') => out.push('\u{c}'),
            Some('v') => out.push('\u{b}'),
            Some('N') => out.push('\u{85}'),
            Some('_') => out.push('\u{a0}'),
            Some('L') => out.push('\u{2028}'),
            Some('P') => out.push('\u{2029}'),
            Some('x') => out.push(hex(&mut chars, 2)),
            Some('u') => out.push(hex(&mut chars, 4)),
            Some('U') => out.push(hex(&mut chars, 8)),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys(node: &Node) -> Vec<&str> {
        match &node.kind {
            Kind::Map(m) => m.entries.iter().map(|e| e.key.as_str()).collect(),
            _ => Vec::new(),
        }
    }

    fn get<'n>(node: &'n Node, key: &str) -> &'n Node {
        match &node.kind {
            Kind::Map(m) => &m.entries.iter().find(|e| e.key == key).unwrap().value,
            _ => panic!("not a map"),
        }
    }

    fn item(node: &Node, i: usize) -> &Node {
        match &node.kind {
            Kind::Seq(s) => &s.items[i].value,
            _ => panic!("not a seq"),
        }
    }

    fn text<'t>(doc: &Document<'t>, node: &Node) -> &'t str {
        &doc.text[node.start..node.end]
    }

    #[test]
    fn block_structure_with_spans() {
        let src = "# head\napiVersion: v1\nkind: Pod # c\nmetadata:\n  name: web\n  annotations:\n    a/b: \"x: y\"\nspec:\n  containers:\n  - name: c\n    image: nginx\n    args:\n      - -c\n      - |\n        echo\n        hi\n    ports: [{containerPort: 80}, {containerPort: 81, hostPort: 81}]\n  hostNetwork: true\n";
        let doc = Document::parse(src).unwrap();
        assert_eq!(keys(&doc.root), ["apiVersion", "kind", "metadata", "spec"]);
        assert_eq!(text(&doc, get(&doc.root, "kind")), "Pod");
        let meta = get(&doc.root, "metadata");
        assert_eq!(text(&doc, get(get(meta, "annotations"), "a/b")), "\"x: y\"");
        let c = item(get(get(&doc.root, "spec"), "containers"), 0);
        assert_eq!(keys(c), ["name", "image", "args", "ports"]);
        let args = get(c, "args");
        assert_eq!(text(&doc, item(args, 0)), "-c");
        assert_eq!(text(&doc, item(args, 1)), "|\n        echo\n        hi");
        let port = item(get(c, "ports"), 1);
        assert_eq!(text(&doc, get(port, "hostPort")), "81");
        assert_eq!(text(&doc, get(get(&doc.root, "spec"), "hostNetwork")), "true");
        assert_eq!(doc.line_of(get(get(&doc.root, "spec"), "hostNetwork").start), 18);
    }

    #[test]
    fn json_is_flow_yaml() {
        let src = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\"containers\": [{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}\n}\n";
        let doc = Document::parse(src).unwrap();
        let sc = get(item(get(get(&doc.root, "spec"), "containers"), 0), "securityContext");
        assert_eq!(text(&doc, get(sc, "privileged")), "true");
        assert!(matches!(&doc.root.kind, Kind::Map(m) if m.flow));
    }

    #[test]
    fn empty_values_anchors_aliases_and_markers() {
        let src = "--- # start\na:\nb: &x {c: 1}\nd: *x\ne: !!str 5\nf: 'it''s'\n...\nignored: [\n";
        let doc = Document::parse(src).unwrap();
        assert_eq!(get(&doc.root, "a").kind, Kind::Empty);
        assert_eq!(get(&doc.root, "b").anchor.as_deref(), Some("x"));
        assert_eq!(get(&doc.root, "d").kind, Kind::Alias("x".into()));
        assert_eq!(doc.aliased, ["x"]);
        assert_eq!(text(&doc, get(&doc.root, "e")), "!!str 5");
        assert_eq!(&doc.text[get(&doc.root, "e").content..get(&doc.root, "e").end], "5");
        assert_eq!(text(&doc, get(&doc.root, "f")), "'it''s'");
        // Indentless sequences under a key, and multi-line plain scalars.
        let doc = Document::parse("a:\n- 1\n- 2\nb: one\n  two\nc: \"multi\n  line\"\n").unwrap();
        assert_eq!(text(&doc, get(&doc.root, "a")), "- 1\n- 2");
        assert_eq!(text(&doc, get(&doc.root, "b")), "one\n  two");
        assert_eq!(text(&doc, get(&doc.root, "c")), "\"multi\n  line\"");
        // CRLF.
        let doc = Document::parse("a:\r\n  b: 1\r\n  c:\r\n  - x\r\n").unwrap();
        assert_eq!(text(&doc, get(get(&doc.root, "a"), "c")), "- x");
    }

    #[test]
    fn what_it_does_not_follow_is_an_error() {
        for (src, line) in [
            ("a: 1\n? b\n: 2\n", 2),
            ("a:\n\tb: 1\n", 2),
            ("a: 1\n  b: 2\n", 2),
            ("a: [1, 2\n", 1),
            ("a: 'x\n", 1),
            ("a: [b: 1]\n", 1),
            ("a: 1 b: 2\n", 1),
            ("", 1),
        ] {
            let err = Document::parse(src).unwrap_err();
            assert_eq!(err.line, line, "{src:?}: {err}");
        }
    }

    #[test]
    fn quoted_keys_decode() {
        assert_eq!(decode_quoted(r#""a\"b\u00e9\x41""#), "a\"béA");
        assert_eq!(decode_quoted("'it''s'"), "it's");
        let doc = Document::parse("\"a b\": 1\n'c': 2\n").unwrap();
        assert_eq!(keys(&doc.root), ["a b", "c"]);
    }
}
