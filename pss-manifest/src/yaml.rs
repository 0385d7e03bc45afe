//! One YAML document read as kubectl reads it: granit-parser's events composed into nodes (as
//! go-yaml v2's parser does), then decoded as go-yaml v2 decodes them into untyped values and
//! converted as sigs.k8s.io/yaml converts them for JSON.
//!
//! What go-yaml v2 does and this follows:
//! - Only the first document of the text is read (go-yaml's `Unmarshal`); kubectl cuts the stream
//!   at `---` lines before (see [`crate::chunks`]).
//! - Aliases decode their anchor's node again at each use, in its place (a key or a value).
//! - Mapping entries are set in order into one map: a repeated key replaces the earlier value; a
//!   merge key (`<<`, plain or tagged `!!merge`) sets the merged mapping's entries where it stands,
//!   so they replace the keys before it and are replaced by the keys after it; from a sequence of
//!   mappings, the earlier mapping wins. A quoted `"<<"`, or one with another tag, is an ordinary
//!   key. A merge of anything but a mapping, a sequence of mappings, or an alias to a mapping is an
//!   error.
//! - Scalars resolve by go-yaml v2's rules ([`crate::resolve`]); keys are written as
//!   sigs.k8s.io/yaml writes them.
//! - "Billion laughs": go-yaml v2's check (more than 100 aliased nodes, more than 1000 nodes, and
//!   too large a share of them decoded through aliases: 99% up to 400,000 nodes, falling to 10% at
//!   4,000,000), plus a budget of scalar bytes decoded through aliases.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, ScanError, Span};

use crate::error::{Error, ErrorKind, ScalarProblem};
use crate::resolve::{decode_tagged, go_float_key, invalid_escape, resolve, Decoded, Resolved, CORE_TAG};
use crate::value::{Entry, Map, Node, Text, Value};
use crate::Position;

/// How a document is read.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    /// Deepest nesting of collections.
    pub(crate) depth: usize,
    /// Scalar bytes decoded through aliases.
    pub(crate) alias_bytes: u64,
    /// A repeated key is an error.
    pub(crate) strict: bool,
}

/// A node as composed from the events, before decoding.
#[derive(Debug)]
enum Raw<'t> {
    Scalar {
        value: Cow<'t, str>,
        plain: bool,
        tag: Option<String>,
    },
    Seq(Vec<usize>),
    /// Keys and values, alternating.
    Map(Vec<usize>),
    Alias(usize),
}

#[derive(Debug)]
struct RawNode<'t> {
    raw: Raw<'t>,
    position: Position,
}

/// Where the document's text is in its source: added to the parser's lines and columns.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Offset {
    /// Lines before the text's first line.
    pub(crate) lines: usize,
    /// Columns before the text's first character, on its first line (the rest of a line the
    /// text starts in the middle of).
    pub(crate) columns: usize,
}

impl Offset {
    fn position(self, line: usize, column0: usize) -> Position {
        let column = if line <= 1 { column0 + 1 + self.columns } else { column0 + 1 };
        Position { line: line + self.lines, column }
    }

    fn of_span(self, span: Span) -> Position {
        self.position(span.start.line(), span.start.col())
    }

    fn of_error(self, error: &ScanError) -> Position {
        self.position(error.marker().line(), error.marker().col())
    }
}

/// The nodes of the first document of `text`, composed from the parser's events; the root's index
/// (`None` when the text holds no document, or only comments).
fn compose<'t>(
    text: &'t str,
    offset: Offset,
    limits: Limits,
    nodes: &mut Vec<RawNode<'t>>,
    anchors: &mut Vec<(usize, String)>,
) -> Result<Option<usize>, Error> {
    let mut options = granit_parser::Options::default();
    options.emit_anchor_events = true;
    options.bom_inside_document_as_content = true;
    options.block_scalar_eof_without_line_feed = true;
    let parser = Parser::new_from_str_with_options(text, options);
    // Open collections (their node index); anchor id -> node index.
    let mut open: Vec<usize> = Vec::new();
    let mut by_anchor: Vec<Option<usize>> = Vec::new();
    let mut root = None;
    let mut last_node = None;
    let tag_text = |tag: &granit_parser::Tag| format!("{}{}", tag.handle(), tag.suffix());
    for event in parser {
        let (event, span) = match event {
            Ok(event) => event,
            // go-yaml v2 reads the first document only: once its root is complete, what the
            // scanner meets after it (`{"a": 1}\n{`) does not matter.
            Err(_) if root.is_some() && open.is_empty() => break,
            Err(e) => return Err(Error::new(ErrorKind::Syntax(e.info()), Some(offset.of_error(&e)))),
        };
        let position = offset.of_span(span);
        let (raw, anchor, opens) = match event {
            Event::StreamStart | Event::DocumentStart(..) => continue,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::Anchor(id, name) => {
                // go-yaml v2's scanner takes ASCII letters, digits, `_` and `-` in anchor names.
                if name.is_empty() || !name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-') {
                    return Err(Error::new(ErrorKind::AnchorName(name.into_owned()), Some(position)));
                }
                if anchors.len() <= id {
                    anchors.resize(id + 1, (usize::MAX, String::new()));
                }
                anchors[id] = (last_node.unwrap_or(usize::MAX), name.into_owned());
                if by_anchor.len() <= id {
                    by_anchor.resize(id + 1, None);
                }
                by_anchor[id] = last_node;
                continue;
            }
            Event::UnresolvedAlias(name) => {
                return Err(Error::new(ErrorKind::UnknownAnchor(name.into_owned()), Some(position)));
            }
            Event::Alias(id) => match by_anchor.get(id).copied().flatten() {
                Some(target) => (Raw::Alias(target), 0, false),
                None => return Err(Error::new(ErrorKind::UnknownAnchor(format!("#{id}")), Some(position))),
            },
            Event::Scalar(value, style, anchor, tag) => {
                if style == ScalarStyle::DoubleQuoted {
                    let source = match (span.start.byte_offset(), span.end.byte_offset()) {
                        (Some(start), Some(end)) => text.get(start..end),
                        _ => None,
                    };
                    if let Some(escape) = source.and_then(invalid_escape) {
                        return Err(Error::new(ErrorKind::InvalidEscape(escape.to_owned()), Some(position)));
                    }
                }
                let plain = style == ScalarStyle::Plain;
                (Raw::Scalar { value, plain, tag: tag.as_deref().map(tag_text) }, anchor, false)
            }
            Event::SequenceStart(_, anchor, _) => (Raw::Seq(Vec::new()), anchor, true),
            Event::MappingStart(_, anchor, _) => (Raw::Map(Vec::new()), anchor, true),
            Event::SequenceEnd | Event::MappingEnd => {
                open.pop();
                continue;
            }
            #[allow(unreachable_patterns)]
            _ => continue,
        };
        let _ = anchor;
        let index = nodes.len();
        nodes.push(RawNode { raw, position });
        last_node = Some(index);
        match open.last() {
            Some(&parent) => match &mut nodes[parent].raw {
                Raw::Seq(children) | Raw::Map(children) => children.push(index),
                _ => {}
            },
            None => root = root.or(Some(index)),
        }
        if opens {
            if open.len() >= limits.depth {
                return Err(Error::new(ErrorKind::TooDeep { limit: limits.depth }, Some(position)));
            }
            open.push(index);
        }
    }
    Ok(root)
}

/// What `Go` counts while decoding, for its "billion laughs" check.
struct Decoder<'n, 't> {
    nodes: &'n [RawNode<'t>],
    anchors: &'n [(usize, String)],
    source: &'t str,
    limits: Limits,
    decoded: u64,
    aliased: u64,
    alias_depth: usize,
    alias_bytes: u64,
    /// Aliases being decoded (a node met again inside itself is a recursive alias).
    in_alias: Vec<usize>,
    depth: usize,
}

/// go-yaml v2's `allowedAliasRatio`.
fn allowed_alias_ratio(decoded: u64) -> f64 {
    const LOW: f64 = 400_000.0;
    const HIGH: f64 = 4_000_000.0;
    #[allow(clippy::cast_precision_loss)]
    let decoded = decoded as f64;
    if decoded <= LOW {
        0.99
    } else if decoded >= HIGH {
        0.10
    } else {
        0.99 - 0.89 * ((decoded - LOW) / (HIGH - LOW))
    }
}

impl<'t> Decoder<'_, 't> {
    fn count(&mut self, at: usize) -> Result<(), Error> {
        self.decoded += 1;
        if self.alias_depth > 0 {
            self.aliased += 1;
        }
        #[allow(clippy::cast_precision_loss)]
        let excessive = self.aliased > 100
            && self.decoded > 1000
            && self.aliased as f64 / self.decoded as f64 > allowed_alias_ratio(self.decoded);
        if excessive {
            return Err(Error::new(ErrorKind::ExcessiveAliasing, Some(self.nodes[at].position)));
        }
        Ok(())
    }

    fn anchor_name(&self, target: usize) -> String {
        self.anchors.iter().find(|(node, _)| *node == target).map_or_else(String::new, |(_, name)| name.clone())
    }

    /// Enters the alias node `at` (to `target`).
    fn enter_alias(&mut self, at: usize, target: usize) -> Result<(), Error> {
        if self.in_alias.contains(&at) {
            return Err(Error::new(ErrorKind::RecursiveAlias(self.anchor_name(target)), Some(self.nodes[at].position)));
        }
        self.in_alias.push(at);
        self.alias_depth += 1;
        Ok(())
    }

    fn leave_alias(&mut self) {
        self.in_alias.pop();
        self.alias_depth -= 1;
    }

    fn text(&self, text: &str) -> Text {
        Text::of(text, self.source)
    }

    fn charge(&mut self, bytes: usize, at: usize) -> Result<(), Error> {
        if self.alias_depth > 0 {
            self.alias_bytes += bytes as u64;
            if self.alias_bytes > self.limits.alias_bytes {
                let limit = self.limits.alias_bytes;
                return Err(Error::new(ErrorKind::AliasBudget { limit }, Some(self.nodes[at].position)));
            }
        }
        Ok(())
    }

    /// A scalar's value as go-yaml v2 decodes it into an untyped value.
    fn scalar<'s>(&mut self, at: usize, value: &'s str, plain: bool, tag: Option<&str>) -> Result<Scalar<'s>, Error> {
        self.charge(value.len(), at)?;
        Ok(match tag {
            None if plain => match resolve(value) {
                Resolved::Str => Scalar::Text(Cow::Borrowed(value)),
                resolved => Scalar::Value(resolved),
            },
            None => Scalar::Text(Cow::Borrowed(value)),
            Some(tag) => match decode_tagged(tag, value) {
                Ok(Decoded::Text(text)) => Scalar::Text(text),
                Ok(Decoded::Value(resolved)) => Scalar::Value(resolved),
                Err(problem) => {
                    let kind = ErrorKind::Scalar { text: value.to_owned(), problem };
                    return Err(Error::new(kind, Some(self.nodes[at].position)));
                }
            },
        })
    }

    /// Decodes node `at` as a value.
    fn value(&mut self, at: usize) -> Result<Node, Error> {
        self.count(at)?;
        let position = self.nodes[at].position;
        let nodes = self.nodes;
        let value = match &nodes[at].raw {
            Raw::Scalar { value, plain, tag } => {
                let scalar = self.scalar(at, value, *plain, tag.as_deref())?;
                return self.scalar_node(at, scalar);
            }
            Raw::Seq(children) => {
                self.nest(at)?;
                let mut items = Vec::with_capacity(children.len());
                for &child in children {
                    items.push(self.value(child)?);
                }
                self.depth -= 1;
                Value::Seq(items)
            }
            Raw::Map(children) => {
                self.nest(at)?;
                let mut map = Map::with_capacity(children.len() / 2);
                self.mapping_into(at, &mut map)?;
                self.depth -= 1;
                Value::Map(map)
            }
            Raw::Alias(target) => {
                let target = *target;
                self.enter_alias(at, target)?;
                let node = self.value(target);
                self.leave_alias();
                return node.map(|node| Node { position, value: node.value });
            }
        };
        Ok(Node { position, value })
    }

    fn nest(&mut self, at: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.limits.depth {
            let limit = self.limits.depth;
            return Err(Error::new(ErrorKind::TooDeep { limit }, Some(self.nodes[at].position)));
        }
        Ok(())
    }

    fn scalar_node(&self, at: usize, scalar: Scalar<'_>) -> Result<Node, Error> {
        let position = self.nodes[at].position;
        let value = match scalar {
            Scalar::Text(Cow::Borrowed(text)) => Value::Str(self.text(text)),
            Scalar::Text(Cow::Owned(text)) => Value::Str(Text::Owned(text.into())),
            Scalar::Value(Resolved::Null) => Value::Null,
            Scalar::Value(Resolved::Bool(b)) => Value::Bool(b),
            Scalar::Value(Resolved::Int(n)) => Value::Int(n),
            Scalar::Value(Resolved::Unsigned(n)) => Value::Uint(n),
            // A float JSON cannot hold is refused when the document is written (a later repeated key
            // may replace it first, as in a Go map).
            Scalar::Value(Resolved::Float(f)) => Value::Float(f),
            Scalar::Value(Resolved::Str) => Value::Str(Text::Owned("".into())),
        };
        Ok(Node { position, value })
    }

    /// Decodes node `at` as a mapping key: the JSON key sigs.k8s.io/yaml makes of it.
    fn key(&mut self, at: usize) -> Result<Text, Error> {
        self.count(at)?;
        let position = self.nodes[at].position;
        let nodes = self.nodes;
        match &nodes[at].raw {
            Raw::Scalar { value, plain, tag } => {
                let refuse = |problem| {
                    let text = value.to_string();
                    Err(Error::new(ErrorKind::Scalar { text, problem }, Some(position)))
                };
                Ok(match self.scalar(at, value, *plain, tag.as_deref())? {
                    Scalar::Text(Cow::Borrowed(text)) => self.text(text),
                    Scalar::Text(Cow::Owned(text)) => Text::Owned(text.into()),
                    Scalar::Value(Resolved::Null) => return refuse(ScalarProblem::NullKey),
                    Scalar::Value(Resolved::Unsigned(_)) => return refuse(ScalarProblem::UnsignedKey),
                    Scalar::Value(Resolved::Bool(b)) => Text::Owned(b.to_string().into()),
                    Scalar::Value(Resolved::Int(n)) => Text::Owned(n.to_string().into()),
                    Scalar::Value(Resolved::Float(f)) => Text::Owned(go_float_key(f).into()),
                    Scalar::Value(Resolved::Str) => Text::Owned("".into()),
                })
            }
            Raw::Alias(target) => {
                let target = *target;
                self.enter_alias(at, target)?;
                let key = self.key(target);
                self.leave_alias();
                key
            }
            Raw::Seq(_) | Raw::Map(_) => Err(Error::new(ErrorKind::CollectionKey, Some(position))),
        }
    }

    /// Whether node `at` is a merge key: `<<` plain and untagged, or tagged `!!merge`.
    fn is_merge(&self, at: usize) -> bool {
        match &self.nodes[at].raw {
            Raw::Scalar { value, plain, tag } => {
                value == "<<"
                    && match tag.as_deref() {
                        None => *plain,
                        Some(tag) => tag.strip_prefix(CORE_TAG) == Some("merge"),
                    }
            }
            _ => false,
        }
    }

    /// Sets the entries of mapping node `at` into `map`.
    fn mapping_into(&mut self, at: usize, map: &mut Map) -> Result<(), Error> {
        let nodes = self.nodes;
        let Raw::Map(children) = &nodes[at].raw else {
            return Err(Error::new(ErrorKind::MergeNotMapping, Some(nodes[at].position)));
        };
        for pair in children.chunks(2) {
            let (&key, value) = (&pair[0], pair.get(1).copied());
            let Some(value) = value else { break };
            if self.is_merge(key) {
                self.merge(value, map)?;
                continue;
            }
            let key_position = nodes[key].position;
            let key = self.key(key)?;
            let value = self.value(value)?;
            if self.limits.strict && map.contains(key.get(self.source), self.source) {
                let text = key.get(self.source).to_owned();
                return Err(Error::new(ErrorKind::DuplicateKey(text), Some(key_position)));
            }
            map.insert(Entry { key, key_position, value }, self.source);
        }
        Ok(())
    }

    /// go-yaml v2's `merge`: the value of a merge key set into `map`.
    fn merge(&mut self, at: usize, map: &mut Map) -> Result<(), Error> {
        let nodes = self.nodes;
        let want_map = || Err(Error::new(ErrorKind::MergeNotMapping, Some(nodes[at].position)));
        match &nodes[at].raw {
            Raw::Map(_) => {
                self.count(at)?;
                self.mapping_into(at, map)
            }
            Raw::Alias(target) => self.merge_alias(at, *target, map),
            Raw::Seq(children) => {
                self.count(at)?;
                for &child in children.iter().rev() {
                    match &nodes[child].raw {
                        Raw::Alias(target) => self.merge_alias(child, *target, map)?,
                        Raw::Map(_) => {
                            self.count(child)?;
                            self.mapping_into(child, map)?;
                        }
                        _ => return want_map(),
                    }
                }
                Ok(())
            }
            Raw::Scalar { .. } => want_map(),
        }
    }

    fn merge_alias(&mut self, at: usize, target: usize, map: &mut Map) -> Result<(), Error> {
        if !matches!(self.nodes[target].raw, Raw::Map(_)) {
            return Err(Error::new(ErrorKind::MergeNotMapping, Some(self.nodes[at].position)));
        }
        self.count(at)?;
        self.enter_alias(at, target)?;
        self.count(target)?;
        let merged = self.mapping_into(target, map);
        self.leave_alias();
        merged
    }
}

/// A decoded scalar.
enum Scalar<'a> {
    Text(Cow<'a, str>),
    Value(Resolved),
}

/// Reads the first document of `text` as kubectl would send it; `None` when it holds none (only
/// comments, or nothing).
pub(crate) fn read(text: &str, offset: Offset, limits: Limits) -> Result<Option<Node>, Error> {
    read_with(text, offset, limits, true)
}

/// [`read`], on the fast path when `fast` and it is sure, else through the event parser.
pub(crate) fn read_with(text: &str, offset: Offset, limits: Limits, fast: bool) -> Result<Option<Node>, Error> {
    // About a node per 8 bytes of a manifest (`  name: web` is two): room for them up front
    // instead of growing (and copying) the nodes a few times over.
    let mut nodes = Vec::with_capacity(text.len() / 8 + 1);
    let mut anchors = Vec::new();
    let fast_root = if fast { fast::compose(text, offset, limits, &mut nodes) } else { None };
    let root = match fast_root {
        Some(root) => root,
        None => {
            nodes.clear();
            let Some(root) = compose(text, offset, limits, &mut nodes, &mut anchors)? else {
                return Ok(None);
            };
            root
        }
    };
    let mut decoder = Decoder {
        nodes: &nodes,
        anchors: &anchors,
        source: text,
        limits,
        decoded: 0,
        aliased: 0,
        alias_depth: 0,
        alias_bytes: 0,
        in_alias: Vec::new(),
        depth: 0,
    };
    let root = decoder.value(root)?;
    if let Some((position, value)) = root.non_finite() {
        let text = if value.is_nan() {
            ".nan"
        } else if value > 0.0 {
            ".inf"
        } else {
            "-.inf"
        };
        let kind = ErrorKind::Scalar { text: text.to_owned(), problem: ScalarProblem::NonFinite };
        return Err(Error::new(kind, Some(position)));
    }
    Ok(Some(root))
}

mod fast;

/// Whether the fast path takes `text`, and if it does, whether its reading (nodes, values,
/// positions, errors) is the event parser's: `None` when the fast path declines.
pub(crate) fn fast_path_agrees(text: &str) -> Option<Result<(), String>> {
    let offset = Offset { lines: 0, columns: 0 };
    let limits = crate::Options::default().limits();
    let mut nodes = Vec::new();
    fast::compose(text, offset, limits, &mut nodes)?;
    let fast = read_with(text, offset, limits, true);
    let full = read_with(text, offset, limits, false);
    Some(if fast == full {
        Ok(())
    } else {
        let (fast, full) = (format!("{fast:?}"), format!("{full:?}"));
        let at = fast.bytes().zip(full.bytes()).take_while(|(a, b)| a == b).count();
        let window = |s: &str| {
            let chars: Vec<(usize, char)> = s.char_indices().collect();
            let from = chars.iter().position(|&(i, _)| i + 300 >= at).unwrap_or(0);
            chars[from..].iter().take(600).map(|&(_, c)| c).collect::<String>()
        };
        Err(format!("fast path: ...{}\nevent parser: ...{}", window(&fast), window(&full)))
    })
}

#[cfg(test)]
mod tests;
