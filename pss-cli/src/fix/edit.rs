//! Applies JSON Patch operations to the text of a YAML or JSON document, changing only the
//! bytes the operation is about: comments, key order, quoting, indentation, flow or block style
//! and every other field stay as written.
//!
//! Each operation is applied to the text left by the one before (JSON Patch is sequential), on a
//! fresh reading of its structure (the module `cst`). New values are written in the style around
//! them: YAML block style with the document's indentation step and sequence indentation (or flow
//! style inside a flow collection), JSON with the document's spacing and line layout; a scalar that
//! replaces a quoted one keeps its quotes. What would change more than the operation says is
//! refused with a clear error, and so is everything the editor cannot do exactly: a field written
//! through an alias, or inside an anchored node an alias repeats elsewhere (editing it would
//! change both), a mapping with a merge key (`<<`) or a repeated key on the way.
//!
//! Positions: an operation may carry where the manifest reader (kubectl's reading) saw its target
//! or its nearest parent; the editor checks that its own reading finds it at the same place and
//! refuses otherwise.

use std::fmt;

use pss_core::remediate::Value;
use serde_json::Value as Json;

use super::cst::{Document, Entry, Item, Kind, Node, Style};

/// A JSON Pointer step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
    /// The end of an array (`-`).
    End,
}

/// The operation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// RFC 6902 `add`.
    Add,
    /// RFC 6902 `replace`.
    Replace,
    /// RFC 6902 `remove`.
    Remove,
}

/// Where the manifest reader saw a field: 1-based line and column (in characters), and whether
/// it is the field itself or, when the field is not written, its nearest parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Seen {
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Whether the field itself is written (else the position is its nearest parent's).
    pub exact: bool,
}

/// One operation to make in the text.
#[derive(Debug, Clone, PartialEq)]
pub struct Edit {
    /// What to do.
    pub op: Op,
    /// Where.
    pub path: Vec<Step>,
    /// The value added or replaced (its members in the order to write them).
    pub value: Option<Value>,
    /// Where the manifest reader saw the target (or its nearest parent), when known.
    pub seen: Option<Seen>,
}

/// Why an operation could not be made in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EditError {
    /// The 1-based line in the document, when the problem has one.
    pub line: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => write!(f, "line {line}: {}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for EditError {}

fn fail<T>(line: Option<usize>, message: impl Into<String>) -> Result<T, EditError> {
    Err(EditError { line, message: message.into() })
}

/// How the document writes things, for new text.
#[derive(Debug, Clone, Copy)]
struct Layout {
    newline: &'static str,
    /// Columns per nesting level of block mappings.
    step: usize,
    /// Whether block sequences under a key start at the key's column (`- a` below `key:`).
    indentless: bool,
    /// JSON: whether `:` and `,` are followed by a space.
    colon_space: bool,
    comma_space: bool,
    /// Whether lists of scalars are mostly written on one line (`add: ["NET_ADMIN"]`, JSON's
    /// `["a", "b"]`) rather than one item per line.
    inline_lists: bool,
}

impl Layout {
    fn of(doc: &Document<'_>) -> Layout {
        let text = doc.text;
        let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
        let mut step = None;
        let mut indentless = None;
        walk_layout(doc, &doc.root, &mut step, &mut indentless);
        let colon_space = text.contains("\": ") || !text.contains("\":");
        let comma_space = text.contains(", ");
        let mut lists = (0, 0);
        count_lists(doc, &doc.root, &mut lists);
        Layout {
            newline,
            step: step.unwrap_or(2),
            indentless: indentless.unwrap_or(true),
            colon_space,
            comma_space,
            inline_lists: lists.0 > lists.1,
        }
    }
}

/// Lists of scalars written on one line, and over several.
fn count_lists(doc: &Document<'_>, node: &Node, counts: &mut (usize, usize)) {
    match &node.kind {
        Kind::Map(m) => m.entries.iter().for_each(|e| count_lists(doc, &e.value, counts)),
        Kind::Seq(s) => {
            let scalars = !s.items.is_empty() && s.items.iter().all(|i| matches!(i.value.kind, Kind::Scalar(_)));
            if scalars {
                if !doc.text[node.start..node.end].contains('\n') {
                    counts.0 += 1;
                } else {
                    counts.1 += 1;
                }
            }
            s.items.iter().for_each(|i| count_lists(doc, &i.value, counts));
        }
        _ => {}
    }
}

fn scalar_list(v: &Value) -> bool {
    matches!(v, Value::Array(a) if a.iter().all(|i| !is_collection(i)))
}

/// The first nested block mapping's indentation step, and the first block sequence under a key's
/// indentation.
fn walk_layout(doc: &Document<'_>, node: &Node, step: &mut Option<usize>, indentless: &mut Option<bool>) {
    let column = |at: usize| at - doc.text[..at].rfind('\n').map_or(0, |i| i + 1);
    if let Kind::Map(m) = &node.kind {
        for e in &m.entries {
            let below = !m.flow && e.value.start > e.colon && doc.text[e.colon..e.value.start].contains('\n');
            match &e.value.kind {
                Kind::Map(child) if below && !child.flow && step.is_none() => {
                    let (parent, inner) = (column(e.key_start), column(e.value.content));
                    if inner > parent {
                        *step = Some(inner - parent);
                    }
                }
                Kind::Seq(s) if below && !s.flow && indentless.is_none() => {
                    *indentless = Some(column(e.value.content) == column(e.key_start));
                }
                _ => {}
            }
            walk_layout(doc, &e.value, step, indentless);
        }
    }
    if let Kind::Seq(s) = &node.kind {
        for i in &s.items {
            walk_layout(doc, &i.value, step, indentless);
        }
    }
}

/// Applies `edits` in order to `text`, one document whose JSON (as the manifest reader reads it)
/// is `document`, and returns the new text.
///
/// A `replace` of a mapping by another (or an `add` over one) changes only the members that
/// differ: missing ones removed, changed ones replaced, new ones added at the end.
///
/// # Errors
/// An operation that does not apply to the document, or that the editor cannot make exactly.
pub fn apply(text: &str, document: &Json, edits: &[Edit]) -> Result<String, EditError> {
    // Positions are those of the document as given: check them all first.
    let doc = parse(text)?;
    for edit in edits {
        if let Some(seen) = edit.seen {
            check_seen(&doc, &edit.path, seen)?;
        }
    }
    // A List's items are edited each in its own text, from the last: each operation reads the
    // text it edits again, and an item's text is small where the List's may be large.
    if let Some(groups) = item_groups(&doc, edits) {
        let mut out = text.to_owned();
        for (index, (start, end), group) in groups.into_iter().rev() {
            // The item alone, with its first line's columns kept as blanks.
            let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
            let pad = " ".repeat(text[line_start..start].chars().count());
            let item_text = format!("{pad}{}", &text[start..end]);
            let item_json = document.get("items").and_then(|items| items.get(index)).cloned().unwrap_or(Json::Null);
            let edited = sequential(&item_text, &item_json, &group)?;
            out.replace_range(start..end, &edited[pad.len()..]);
        }
        return Ok(out);
    }
    sequential(text, document, edits)
}

/// The edits one after the other, each on the text the one before left.
fn sequential(text: &str, document: &Json, edits: &[Edit]) -> Result<String, EditError> {
    let mut current = text.to_owned();
    let mut state = document.clone();
    for edit in edits {
        let old = json_at(&state, &edit.path).cloned();
        for step in expand(edit, old.as_ref()) {
            current = apply_one(&current, &step)?;
            apply_json(&mut state, &step)?;
        }
    }
    Ok(current)
}

/// When every edit is inside an item of the root's `items` list: each item's index, its text's byte
/// range (to the end of its last line for a block item, so a comment there stays after it), and its
/// edits with paths relative to it, in item order.
#[allow(clippy::type_complexity)]
fn item_groups(doc: &Document<'_>, edits: &[Edit]) -> Option<Vec<(usize, (usize, usize), Vec<Edit>)>> {
    let Kind::Map(root) = &doc.root.kind else { return None };
    let items = root.entries.iter().find(|e| e.key == "items")?;
    let Kind::Seq(seq) = &items.value.kind else { return None };
    if root.entries.iter().filter(|e| e.key == "items").count() != 1 || !doc.aliased.is_empty() {
        return None;
    }
    let mut groups: Vec<(usize, (usize, usize), Vec<Edit>)> = Vec::new();
    for edit in edits {
        let [Step::Key(k), Step::Index(i), rest @ ..] = edit.path.as_slice() else { return None };
        if k != "items" || rest.is_empty() {
            return None;
        }
        let item = seq.items.get(*i)?;
        let node = &item.value;
        if !matches!(node.kind, Kind::Map(_)) || node.anchor.is_some() {
            return None;
        }
        let end = if seq.flow || matches!(&node.kind, Kind::Map(m) if m.flow) {
            node.end
        } else {
            doc.text[node.end..].find(['\r', '\n']).map_or(doc.text.len(), |n| node.end + n)
        };
        let relative = Edit { path: rest.to_vec(), seen: None, ..edit.clone() };
        match groups.iter_mut().find(|(index, ..)| index == i) {
            Some((.., group)) => group.push(relative),
            None => groups.push((*i, (node.start, end), vec![relative])),
        }
    }
    groups.sort_by_key(|(index, ..)| *index);
    Some(groups)
}

fn json_at<'v>(v: &'v Json, path: &[Step]) -> Option<&'v Json> {
    path.iter().try_fold(v, |v, s| match (v, s) {
        (Json::Object(m), Step::Key(k)) => m.get(k),
        (Json::Array(a), Step::Index(i)) => a.get(*i),
        _ => None,
    })
}

/// A value as serde_json holds it.
pub fn to_json(v: &Value) -> Json {
    match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Number(n) => serde_json::from_str(n.as_str()).unwrap_or(Json::Null),
        Value::String(s) => Json::String(s.clone()),
        Value::Array(a) => Json::Array(a.iter().map(to_json).collect()),
        Value::Object(m) => Json::Object(m.iter().map(|(k, v)| (k.clone(), to_json(v))).collect()),
    }
}

/// The operation on the document's JSON, to know what the text says after it.
fn apply_json(state: &mut Json, edit: &Edit) -> Result<(), EditError> {
    let broken = || EditError { line: None, message: format!("{} does not apply", pointer(&edit.path)) };
    let (last, parent) = edit.path.split_last().ok_or_else(broken)?;
    let mut cur = state;
    for s in parent {
        cur = match (cur, s) {
            (Json::Object(m), Step::Key(k)) => m.get_mut(k).ok_or_else(broken)?,
            (Json::Array(a), Step::Index(i)) => a.get_mut(*i).ok_or_else(broken)?,
            _ => return Err(broken()),
        };
    }
    let value = || edit.value.as_ref().map(to_json).ok_or_else(broken);
    match (edit.op, cur, last) {
        (Op::Add | Op::Replace, Json::Object(m), Step::Key(k)) => {
            m.insert(k.clone(), value()?);
        }
        (Op::Remove, Json::Object(m), Step::Key(k)) => {
            m.remove(k).ok_or_else(broken)?;
        }
        (Op::Add, Json::Array(a), Step::End) => a.push(value()?),
        (Op::Add, Json::Array(a), Step::Index(i)) if *i <= a.len() => a.insert(*i, value()?),
        (Op::Replace, Json::Array(a), Step::Index(i)) if *i < a.len() => a[*i] = value()?,
        (Op::Remove, Json::Array(a), Step::Index(i)) if *i < a.len() => {
            a.remove(*i);
        }
        _ => return Err(broken()),
    }
    Ok(())
}

fn parse(text: &str) -> Result<Document<'_>, EditError> {
    Document::parse(text).map_err(|e| EditError { line: Some(e.line), message: e.message })
}

/// One step down: the node, and how it hangs from its parent.
#[derive(Debug, Clone, Copy)]
struct Hop<'d> {
    node: &'d Node,
    entry: Option<&'d Entry>,
    item: Option<&'d Item>,
}

/// The nodes along `path` that are written (the root first), refusing what cannot be edited
/// exactly; the last hop is the deepest node found.
fn descend<'d>(doc: &'d Document<'_>, path: &[Step]) -> Result<Vec<Hop<'d>>, EditError> {
    let mut hops = vec![Hop { node: &doc.root, entry: None, item: None }];
    for step in path {
        let node = hops.last().expect("the root").node;
        let line = || Some(doc.line_of(node.start));
        if let Kind::Alias(name) = &node.kind {
            return fail(line(), format!("the field is written through the alias *{name}; edit it by hand"));
        }
        let next = match (&node.kind, step) {
            (Kind::Map(m), Step::Key(k)) => {
                if m.entries.iter().any(|e| e.key == "<<") {
                    return fail(line(), "a mapping with a merge key (<<) is on the way; edit it by hand");
                }
                let mut found = m.entries.iter().filter(|e| e.key == *k);
                let first = found.next();
                if found.next().is_some() {
                    return fail(line(), format!("the key {k:?} is written twice in this mapping; edit it by hand"));
                }
                first.map(|e| Hop { node: &e.value, entry: Some(e), item: None })
            }
            (Kind::Seq(s), Step::Index(i)) => {
                s.items.get(*i).map(|it| Hop { node: &it.value, entry: None, item: Some(it) })
            }
            _ => None,
        };
        match next {
            Some(hop) => hops.push(hop),
            None => break,
        }
    }
    for hop in &hops {
        if let Some(anchor) = &hop.node.anchor {
            if doc.aliased.contains(anchor) {
                return fail(
                    Some(doc.line_of(hop.node.start)),
                    format!("the field is inside &{anchor}, which an alias repeats elsewhere; edit it by hand"),
                );
            }
        }
    }
    Ok(hops)
}

/// The position this editor reads for `path` (or its nearest written parent).
fn check_seen(doc: &Document<'_>, path: &[Step], seen: Seen) -> Result<(), EditError> {
    // An append is seen at its array.
    let path = path.strip_suffix(&[Step::End]).unwrap_or(path);
    let hops = descend(doc, path)?;
    let exact = hops.len() == path.len() + 1;
    let hop = hops.last().expect("the root");
    let mut places = Vec::new();
    if let Some(e) = hop.entry {
        places.push(e.key_start);
    }
    if let Some(it) = hop.item {
        places.extend([it.start, it.value.start]);
    }
    places.push(hop.node.start);
    let text = doc.text;
    let position = |at: usize| {
        let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        (doc.line_of(at), text[line_start..at].chars().count() + 1)
    };
    if exact == seen.exact && places.iter().any(|&at| position(at) == (seen.line, seen.column)) {
        return Ok(());
    }
    let (line, column) = position(places[0]);
    fail(
        Some(seen.line),
        format!(
            "the manifest reader sees this field at line {} column {}, the editor at line {line} column {column}; nothing was changed",
            seen.line, seen.column
        ),
    )
}

fn apply_one(text: &str, edit: &Edit) -> Result<String, EditError> {
    let doc = parse(text)?;
    let layout = Layout::of(&doc);
    let json = matches!(&doc.root.kind, Kind::Map(m) if m.flow);
    let ctx = Ctx { doc: &doc, layout, json };
    let (last, parent_path) = match edit.path.split_last() {
        Some(split) => split,
        None => return fail(None, "an operation on the whole document"),
    };
    let hops = descend(&doc, &edit.path)?;
    let value = || edit.value.as_ref().ok_or_else(|| EditError { line: None, message: "no value".into() });
    let found = hops.len() == edit.path.len() + 1;
    let splice = |range: (usize, usize), with: String| {
        let mut out = String::with_capacity(text.len() + with.len());
        out.push_str(&text[..range.0]);
        out.push_str(&with);
        out.push_str(&text[range.1..]);
        out
    };
    let parent_found = hops.len() >= edit.path.len();
    if !parent_found {
        return fail(None, format!("no {} in the document", pointer(parent_path)));
    }
    let parent = hops[parent_path.len()];
    match (edit.op, last) {
        (Op::Replace, _) | (Op::Add, Step::Key(_)) if found => {
            let target = hops[edit.path.len()];
            ctx.replace(target, value()?).map(|(range, with)| splice(range, with))
        }
        (Op::Replace, _) => fail(None, format!("no {} to replace", pointer(&edit.path))),
        (Op::Add, Step::Key(k)) => ctx.insert_entry(parent, k, value()?).map(|(range, with)| splice(range, with)),
        (Op::Add, Step::End) => ctx.append_item(parent, value()?).map(|(range, with)| splice(range, with)),
        (Op::Add, Step::Index(i)) => match &parent.node.kind {
            Kind::Seq(s) if *i == s.items.len() => {
                ctx.append_item(parent, value()?).map(|(range, with)| splice(range, with))
            }
            _ => fail(None, format!("adding inside an array ({}) is not supported", pointer(&edit.path))),
        },
        (Op::Remove, _) if found => ctx.remove(parent, hops[edit.path.len()]).map(|(range, with)| splice(range, with)),
        (Op::Remove, _) => fail(None, format!("no {} to remove", pointer(&edit.path))),
    }
}

fn pointer(path: &[Step]) -> String {
    let mut out = String::new();
    for s in path {
        out.push('/');
        match s {
            Step::Key(k) => out.push_str(&k.replace('~', "~0").replace('/', "~1")),
            Step::Index(i) => out.push_str(&i.to_string()),
            Step::End => out.push('-'),
        }
    }
    out
}

/// A text change: the byte range replaced and what replaces it.
type Change = ((usize, usize), String);

struct Ctx<'d, 't> {
    doc: &'d Document<'t>,
    layout: Layout,
    /// The document is JSON (its root is a flow mapping): new values are written as JSON.
    json: bool,
}

impl Ctx<'_, '_> {
    fn text(&self) -> &str {
        self.doc.text
    }

    fn line(&self, at: usize) -> Option<usize> {
        Some(self.doc.line_of(at))
    }

    fn line_start(&self, at: usize) -> usize {
        self.text()[..at].rfind('\n').map_or(0, |i| i + 1)
    }

    fn line_end(&self, at: usize) -> usize {
        self.text()[at..].find(['\r', '\n']).map_or(self.text().len(), |i| at + i)
    }

    /// Past the line break that ends the line holding `at` (or the end of the text).
    fn next_line(&self, at: usize) -> usize {
        let end = self.line_end(at);
        let b = self.text().as_bytes();
        match b.get(end) {
            Some(b'\r') if b.get(end + 1) == Some(&b'\n') => end + 2,
            Some(_) => end + 1,
            None => end,
        }
    }

    fn column(&self, at: usize) -> usize {
        at - self.line_start(at)
    }

    fn same_line(&self, a: usize, b: usize) -> bool {
        !self.text()[a.min(b)..a.max(b)].contains('\n')
    }

    /// Whether only blanks precede `at` on its line.
    fn starts_line(&self, at: usize) -> bool {
        self.text()[self.line_start(at)..at].bytes().all(|b| b == b' ' || b == b'\t')
    }

    /// The end of an entry (its value's, or its colon's when it has none).
    fn entry_end(e: &Entry) -> usize {
        e.value.end.max(e.colon + 1)
    }

    /// Replaces the value of `target`.
    fn replace(&self, target: Hop<'_>, value: &Value) -> Result<Change, EditError> {
        let node = target.node;
        let line = self.line(node.start);
        if let Kind::Alias(name) = &node.kind {
            return fail(line, format!("the field is written through the alias *{name}; edit it by hand"));
        }
        if matches!(node.kind, Kind::Map(_) | Kind::Seq(_)) && is_collection(value) {
            // A collection replaced by another: change what differs, member by member, so that
            // the rest stays as written. (Done by the caller's sequence: see `expand`.)
            return fail(line, "internal: collections are replaced member by member");
        }
        let flow_parent = self.in_flow(target);
        let scalar_like = !is_collection(value) || is_empty_collection(value);
        if flow_parent || self.json {
            let with = self.flow_value(value, target);
            return Ok(((node.start, node.end), with));
        }
        if scalar_like {
            let with = match (&node.kind, value) {
                (Kind::Scalar(style @ (Style::Single | Style::Double)), Value::String(s)) => quote(s, *style),
                _ => yaml_scalar(value),
            };
            return Ok(match node.kind {
                Kind::Empty => ((node.start, node.start), format!(" {with}")),
                _ => ((node.start, node.end), with),
            });
        }
        // A block collection where a scalar (or nothing) was.
        if let Some(e) = target.entry {
            let key_col = self.column(e.key_start);
            let rendered = self.after_key(value, key_col);
            if matches!(node.kind, Kind::Empty) {
                // After a comment on the key's line, if any.
                let at = self.line_end(e.colon);
                return Ok(((at, at), rendered));
            }
            return Ok(((e.colon + 1, node.end), rendered));
        }
        if let Some(it) = target.item {
            let dash_col = self.column(it.start);
            let rendered = self.item(value, dash_col);
            return Ok(((it.start + 1, node.end.max(it.start + 1)), rendered));
        }
        fail(line, "cannot replace the document's root")
    }

    /// Whether the node hangs in a flow collection.
    fn in_flow(&self, hop: Hop<'_>) -> bool {
        // An entry's colon on the key's line and a flow parent are told by the parent: a flow
        // entry's key is never followed by a block value, so look at the text before the key.
        match (hop.entry, hop.item) {
            (Some(e), _) => self.flow_at(e.key_start),
            (_, Some(it)) => self.flow_at(it.start),
            _ => false,
        }
    }

    /// Whether `at` is inside a flow collection (walks the tree).
    fn flow_at(&self, at: usize) -> bool {
        fn walk(node: &Node, at: usize, in_flow: bool) -> Option<bool> {
            if at < node.start || at > node.end {
                return None;
            }
            match &node.kind {
                Kind::Map(m) => {
                    for e in &m.entries {
                        if e.key_start == at {
                            return Some(m.flow);
                        }
                        if let Some(r) = walk(&e.value, at, m.flow) {
                            return Some(r);
                        }
                    }
                    Some(in_flow)
                }
                Kind::Seq(s) => {
                    for it in &s.items {
                        if it.start == at {
                            return Some(s.flow);
                        }
                        if let Some(r) = walk(&it.value, at, s.flow) {
                            return Some(r);
                        }
                    }
                    Some(in_flow)
                }
                _ => Some(in_flow),
            }
        }
        walk(&self.doc.root, at, false).unwrap_or(false)
    }

    /// Adds the member `key` to the mapping `parent`.
    fn insert_entry(&self, parent: Hop<'_>, key: &str, value: &Value) -> Result<Change, EditError> {
        let node = parent.node;
        let line = self.line(node.start);
        let Kind::Map(m) = &node.kind else {
            return fail(line, format!("the parent of {key:?} is not a mapping"));
        };
        if m.flow {
            let close = node.end - 1;
            let member = format!(
                "{}{}{}",
                self.flow_key(key),
                if self.json && !self.layout.colon_space { ":" } else { ": " },
                self.flow_in(value, None)
            );
            return Ok(match m.entries.last() {
                None => ((node.content + 1, close), member),
                Some(last) => {
                    let end = Self::entry_end(last);
                    if self.same_line(node.content, last.key_start) {
                        ((end, end), format!(",{}{member}", if self.comma_space() { " " } else { "" }))
                    } else {
                        let col = self.column(last.key_start);
                        let step = col.saturating_sub(self.indent_of_line(node.content)).max(1);
                        let member = format!(
                            "{}{}{}",
                            self.flow_key(key),
                            if self.json && !self.layout.colon_space { ":" } else { ": " },
                            self.flow_in(value, Some((col, step)))
                        );
                        ((end, end), format!(",{}{}{member}", self.layout.newline, " ".repeat(col)))
                    }
                }
            });
        }
        let last = m.entries.last().ok_or_else(|| EditError { line, message: "an empty block mapping".into() })?;
        let col = self.column(last.key_start);
        let at = self.line_end(Self::entry_end(last));
        Ok((
            (at, at),
            format!("{}{}{}:{}", self.layout.newline, " ".repeat(col), yaml_key(key), self.after_key(value, col)),
        ))
    }

    fn comma_space(&self) -> bool {
        !self.json || self.layout.comma_space
    }

    /// The indentation of the line holding `at`.
    fn indent_of_line(&self, at: usize) -> usize {
        let start = self.line_start(at);
        self.text()[start..].bytes().take_while(|&b| b == b' ').count()
    }

    /// Appends `value` to the sequence `parent`.
    fn append_item(&self, parent: Hop<'_>, value: &Value) -> Result<Change, EditError> {
        let node = parent.node;
        let line = self.line(node.start);
        let Kind::Seq(s) = &node.kind else {
            return fail(line, "the parent is not a sequence");
        };
        if s.flow {
            let close = node.end - 1;
            return Ok(match s.items.last() {
                None => ((node.content + 1, close), self.flow_in(value, None)),
                Some(last) => {
                    let end = last.value.end;
                    if self.same_line(node.content, last.start) {
                        (
                            (end, end),
                            format!(",{}{}", if self.comma_space() { " " } else { "" }, self.flow_in(value, None)),
                        )
                    } else {
                        let col = self.column(last.start);
                        let step = col.saturating_sub(self.indent_of_line(node.content)).max(1);
                        (
                            (end, end),
                            format!(
                                ",{}{}{}",
                                self.layout.newline,
                                " ".repeat(col),
                                self.flow_in(value, Some((col, step)))
                            ),
                        )
                    }
                }
            });
        }
        let last = s.items.last().ok_or_else(|| EditError { line, message: "an empty block sequence".into() })?;
        let col = self.column(last.start);
        let at = self.line_end(last.value.end.max(last.start + 1));
        Ok(((at, at), format!("{}{}-{}", self.layout.newline, " ".repeat(col), self.item(value, col))))
    }

    /// Removes `target` from `parent`.
    fn remove(&self, parent: Hop<'_>, target: Hop<'_>) -> Result<Change, EditError> {
        let node = parent.node;
        let line = self.line(target.node.start);
        match &node.kind {
            Kind::Map(m) => {
                let e = target.entry.expect("a mapping's child has an entry");
                let i = m.entries.iter().position(|x| std::ptr::eq(x, e)).expect("the entry is the parent's");
                let starts: Vec<usize> = m.entries.iter().map(|x| x.key_start).collect();
                let ends: Vec<usize> = m.entries.iter().map(Self::entry_end).collect();
                self.remove_member(node, m.flow, i, &starts, &ends, parent, "{}", line)
            }
            Kind::Seq(s) => {
                let it = target.item.expect("a sequence's child has an item");
                let i = s.items.iter().position(|x| std::ptr::eq(x, it)).expect("the item is the parent's");
                let starts: Vec<usize> = s.items.iter().map(|x| x.start).collect();
                let ends: Vec<usize> = s.items.iter().map(|x| x.value.end.max(x.start + 1)).collect();
                self.remove_member(node, s.flow, i, &starts, &ends, parent, "[]", line)
            }
            _ => fail(line, "the parent is not a collection"),
        }
    }

    /// Removes member `i` (of `starts.len()`) of a collection; the last one leaves it `empty`.
    #[allow(clippy::too_many_arguments)]
    fn remove_member(
        &self,
        node: &Node,
        flow: bool,
        i: usize,
        starts: &[usize],
        ends: &[usize],
        parent: Hop<'_>,
        empty: &str,
        line: Option<usize>,
    ) -> Result<Change, EditError> {
        let n = starts.len();
        if flow {
            return Ok(if n == 1 {
                ((node.content + 1, node.end - 1), String::new())
            } else if i + 1 < n {
                ((starts[i], starts[i + 1]), String::new())
            } else {
                ((ends[i - 1], ends[i]), String::new())
            });
        }
        if n > 1 {
            if self.starts_line(starts[i]) {
                let end = self.next_line(ends[i]);
                return Ok(((self.line_start(starts[i]), end), String::new()));
            }
            // The first member of a compact mapping (`- name: x`): the next one moves up, or,
            // with comments before it, the `-` stays alone on its line and the rest below it.
            let between = &self.text()[self.line_end(ends[i])..starts[i + 1]];
            if between.bytes().all(|b| b.is_ascii_whitespace()) {
                return Ok(((starts[i], starts[i + 1]), String::new()));
            }
            let before = &self.text()[self.line_start(starts[i])..starts[i]];
            if !before.trim_end().ends_with('-') {
                return fail(line, "a comment between this field and the next; edit it by hand");
            }
            let dash_end = self.line_start(starts[i]) + before.trim_end().len();
            return Ok(((dash_end, self.line_end(ends[i])), String::new()));
        }
        // The only member: the collection becomes empty, written in flow style.
        if let Some(e) = parent.entry {
            if self.same_line(e.colon, node.content) {
                return Ok(((node.content, node.end), empty.to_owned()));
            }
            // `key:` then the member on the next lines: `key: {}`, the key's comment kept, the
            // member's with it.
            let mut edited = format!(" {empty}");
            edited.push_str(&self.text()[e.colon + 1..self.line_end(e.colon)]);
            return Ok(((e.colon + 1, self.line_end(node.end)), edited));
        }
        if let Some(it) = parent.item {
            if self.same_line(it.start, node.content) {
                return Ok(((node.content, node.end), empty.to_owned()));
            }
            let mut edited = format!(" {empty}");
            edited.push_str(&self.text()[it.start + 1..self.line_end(it.start)]);
            return Ok(((it.start + 1, self.line_end(node.end)), edited));
        }
        fail(line, "cannot empty the document's root")
    }

    // ---- writing values ----

    /// A value after `key:` in block style, the key at column `col`.
    fn after_key(&self, value: &Value, col: usize) -> String {
        let nl = self.layout.newline;
        match value {
            Value::Object(m) if !m.is_empty() => {
                let inner = col + self.layout.step;
                let mut out = String::new();
                for (k, v) in m {
                    out.push_str(&format!("{nl}{}{}:{}", " ".repeat(inner), yaml_key(k), self.after_key(v, inner)));
                }
                out
            }
            Value::Array(a) if !(a.is_empty() || self.layout.inline_lists && scalar_list(value)) => {
                let dash = if self.layout.indentless { col } else { col + self.layout.step };
                let mut out = String::new();
                for v in a {
                    out.push_str(&format!("{nl}{}-{}", " ".repeat(dash), self.item(v, dash)));
                }
                out
            }
            v => format!(" {}", yaml_scalar_or_flow(v)),
        }
    }

    /// A sequence item's value after its `-`, the `-` at column `dash`.
    fn item(&self, value: &Value, dash: usize) -> String {
        let nl = self.layout.newline;
        match value {
            Value::Object(m) if !m.is_empty() => {
                let inner = dash + 2;
                let mut out = String::new();
                for (i, (k, v)) in m.iter().enumerate() {
                    if i == 0 {
                        out.push(' ');
                    } else {
                        out.push_str(nl);
                        out.push_str(&" ".repeat(inner));
                    }
                    out.push_str(&format!("{}:{}", yaml_key(k), self.after_key(v, inner)));
                }
                out
            }
            v => format!(" {}", yaml_scalar_or_flow(v)),
        }
    }

    fn flow_key(&self, key: &str) -> String {
        if self.json {
            Value::from(key).to_string()
        } else {
            yaml_key(key)
        }
    }

    /// A value in a flow collection: JSON in a JSON document, YAML flow style otherwise;
    /// `pretty`: the member's column and the indentation step, for a collection laid out over
    /// lines.
    fn flow_in(&self, value: &Value, pretty: Option<(usize, usize)>) -> String {
        if !self.json {
            return yaml_flow(value);
        }
        match pretty {
            Some((col, step)) => json_pretty(value, col, step, &self.layout),
            None => json_compact(value, self.layout.colon_space, self.layout.comma_space),
        }
    }

    /// A value replacing `target` in a flow collection.
    fn flow_value(&self, value: &Value, target: Hop<'_>) -> String {
        if let (Kind::Scalar(style @ (Style::Single | Style::Double)), Value::String(s)) = (&target.node.kind, value) {
            if !self.json {
                return quote(s, *style);
            }
        }
        // Laid out over lines when the member is on a line of its own.
        let at = target.entry.map(|e| e.key_start).or(target.item.map(|i| i.start)).unwrap_or(0);
        if self.json && !is_empty_collection(value) && is_collection(value) && self.starts_line(at) {
            let col = self.column(at);
            return json_pretty(value, col, self.layout.step.max(1), &self.layout);
        }
        self.flow_in(value, None)
    }
}

fn is_empty_collection(v: &Value) -> bool {
    matches!(v, Value::Object(m) if m.is_empty()) || matches!(v, Value::Array(a) if a.is_empty())
}

fn is_collection(v: &Value) -> bool {
    matches!(v, Value::Object(_) | Value::Array(_))
}

/// Words YAML 1.1 (go-yaml v2, which kubectl reads with) resolves to something else than a string.
fn yaml_special(s: &str) -> bool {
    const WORDS: [&str; 14] =
        ["y", "yes", "n", "no", "true", "false", "on", "off", "null", "~", ".inf", ".nan", "-.inf", "+.inf"];
    WORDS.iter().any(|w| w.eq_ignore_ascii_case(s))
}

/// Whether a string can be written plain (not quoted) and read back as the same string.
fn plain_safe(s: &str) -> bool {
    let Some(first) = s.chars().next() else { return false };
    first.is_ascii_alphabetic()
        && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '/' | '-'))
        && !yaml_special(s)
}

fn yaml_key(k: &str) -> String {
    if plain_safe(k) {
        k.to_owned()
    } else {
        Value::from(k).to_string()
    }
}

fn yaml_scalar(v: &Value) -> String {
    match v {
        Value::String(s) if plain_safe(s) => s.clone(),
        other => other.to_string(),
    }
}

fn yaml_scalar_or_flow(v: &Value) -> String {
    match v {
        Value::Object(_) | Value::Array(_) => yaml_flow(v),
        other => yaml_scalar(other),
    }
}

/// YAML flow style: `{a: 1, b: [x, y]}`.
fn yaml_flow(v: &Value) -> String {
    match v {
        Value::Object(m) => {
            let members: Vec<String> = m.iter().map(|(k, v)| format!("{}: {}", yaml_key(k), yaml_flow(v))).collect();
            format!("{{{}}}", members.join(", "))
        }
        Value::Array(a) => format!("[{}]", a.iter().map(yaml_flow).collect::<Vec<_>>().join(", ")),
        other => yaml_scalar(other),
    }
}

/// A string in the quotes it replaces.
fn quote(s: &str, style: Style) -> String {
    match style {
        Style::Single if !s.contains(['\n', '\r']) => format!("'{}'", s.replace('\'', "''")),
        _ => Value::from(s).to_string(),
    }
}

fn json_compact(v: &Value, colon_space: bool, comma_space: bool) -> String {
    let (colon, comma) = (if colon_space { ": " } else { ":" }, if comma_space { ", " } else { "," });
    match v {
        Value::Object(m) => {
            let members: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!("{}{colon}{}", Value::from(k.as_str()), json_compact(v, colon_space, comma_space))
                })
                .collect();
            format!("{{{}}}", members.join(comma))
        }
        Value::Array(a) => {
            format!("[{}]", a.iter().map(|v| json_compact(v, colon_space, comma_space)).collect::<Vec<_>>().join(comma))
        }
        other => other.to_string(),
    }
}

/// JSON laid out over lines, as a member at column `col`, nested members `step` deeper (lists of
/// scalars on one line when the document writes them so).
fn json_pretty(v: &Value, col: usize, step: usize, layout: &Layout) -> String {
    let (nl, colon_space) = (layout.newline, layout.colon_space);
    let colon = if colon_space { ": " } else { ":" };
    match v {
        Value::Object(m) if !m.is_empty() => {
            let inner = " ".repeat(col + step);
            let members: Vec<String> = m
                .iter()
                .map(|(k, v)| {
                    format!("{inner}{}{colon}{}", Value::from(k.as_str()), json_pretty(v, col + step, step, layout))
                })
                .collect();
            format!("{{{nl}{}{nl}{}}}", members.join(&format!(",{nl}")), " ".repeat(col))
        }
        Value::Array(a) if !(a.is_empty() || layout.inline_lists && scalar_list(v)) => {
            let inner = " ".repeat(col + step);
            let items: Vec<String> =
                a.iter().map(|v| format!("{inner}{}", json_pretty(v, col + step, step, layout))).collect();
            format!("[{nl}{}{nl}{}]", items.join(&format!(",{nl}")), " ".repeat(col))
        }
        other => json_compact(other, colon_space, layout.comma_space || layout.inline_lists),
    }
}

/// Turns a `replace` of a mapping by another (or an `add` over one) into operations on what
/// differs: changed members replaced, new ones added (at the end), then missing ones removed (so
/// that a mapping is never emptied on the way). `old` is the value there now.
fn expand(edit: &Edit, old: Option<&Json>) -> Vec<Edit> {
    let member = matches!(edit.path.last(), Some(Step::Key(_))) || edit.op == Op::Replace;
    let (Some(Json::Object(old)), Some(Value::Object(new)), Op::Replace | Op::Add, true) =
        (old, edit.value.as_ref(), edit.op, member)
    else {
        return vec![edit.clone()];
    };
    let at = |k: &str| {
        let mut p = edit.path.clone();
        p.push(Step::Key(k.to_owned()));
        p
    };
    let mut out = Vec::new();
    for (k, v) in new {
        match old.get(k) {
            Some(o) if *o == to_json(v) => {}
            Some(o) => {
                out.extend(expand(&Edit { op: Op::Replace, path: at(k), value: Some(v.clone()), seen: None }, Some(o)))
            }
            None => out.push(Edit { op: Op::Add, path: at(k), value: Some(v.clone()), seen: None }),
        }
    }
    for k in old.keys() {
        if !new.iter().any(|(n, _)| n == k) {
            out.push(Edit { op: Op::Remove, path: at(k), value: None, seen: None });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn key(k: &str) -> Step {
        Step::Key(k.to_owned())
    }

    /// A path: `a/b/0/c`, `-` for the end of an array.
    fn path(p: &str) -> Vec<Step> {
        p.split('/')
            .map(|s| match s {
                "-" => Step::End,
                s if s.bytes().all(|b| b.is_ascii_digit()) => Step::Index(s.parse().unwrap()),
                s => key(&s.replace("~1", "/")),
            })
            .collect()
    }

    /// serde_json's `json!` keeps no member order: write objects as text.
    fn v(j: Json) -> Value {
        Value::parse(&j.to_string()).unwrap()
    }

    fn add(p: &str, j: Json) -> Edit {
        Edit { op: Op::Add, path: path(p), value: Some(v(j)), seen: None }
    }

    fn add_text(p: &str, text: &str) -> Edit {
        Edit { op: Op::Add, path: path(p), value: Some(Value::parse(text).unwrap()), seen: None }
    }

    fn replace(p: &str, j: Json) -> Edit {
        Edit { op: Op::Replace, path: path(p), value: Some(v(j)), seen: None }
    }

    fn replace_text(p: &str, text: &str) -> Edit {
        Edit { op: Op::Replace, path: path(p), value: Some(Value::parse(text).unwrap()), seen: None }
    }

    fn remove(p: &str) -> Edit {
        Edit { op: Op::Remove, path: path(p), value: None, seen: None }
    }

    /// kubectl's reading of a document (YAML or JSON), as pss-manifest gives it.
    fn read(text: &str) -> Json {
        let json = pss_manifest::yaml_to_json(text, &pss_manifest::Options::default()).unwrap().unwrap();
        serde_json::from_slice(&json).unwrap()
    }

    /// Edits `src` and checks the result byte for byte, and that it reads as the document read
    /// with the operations applied to its JSON.
    fn check(src: &str, edits: &[Edit], want: &str) {
        let before = read(src);
        let out = apply(src, &before, edits).unwrap_or_else(|e| panic!("{e}\n{src}"));
        assert_eq!(out, want, "\n--- got:\n{out}\n--- want:\n{want}");
        let mut expected = before;
        #[allow(clippy::unnecessary_to_owned)]
        for e in edits {
            let old = json_at(&expected, &e.path).cloned();
            for step in expand(e, old.as_ref()) {
                apply_json(&mut expected, &step).unwrap();
            }
        }
        assert_eq!(read(&out), expected, "{out}");
    }

    fn refused(src: &str, edits: &[Edit]) -> EditError {
        apply(src, &read(src), edits).unwrap_err()
    }

    const POD: &str = "\
# A pod.
apiVersion: v1
kind: Pod
metadata:
  name: web   # the name
  annotations:
    container.apparmor.security.beta.kubernetes.io/web: 'unconfined'
    note: \"keep\"
spec:
  hostNetwork: true # needed?
  containers:
  - name: web
    image: nginx
    securityContext:
      privileged: true
      capabilities:
        add: [NET_ADMIN, CHOWN, SYS_ADMIN]
    ports:
    - containerPort: 80
      hostPort: 8080 # the host port
    - hostPort: 9090
      containerPort: 90
  # volumes below
  volumes:
  - name: logs
    hostPath:
      path: /var/log
  - name: cfg
    configMap: {name: cfg}
";

    #[test]
    fn block_scalars_replaced_in_place() {
        check(
            POD,
            &[
                replace("spec/hostNetwork", json!(false)),
                replace("spec/containers/0/securityContext/privileged", json!(false)),
            ],
            &POD.replace("hostNetwork: true # needed?", "hostNetwork: false # needed?")
                .replace("privileged: true", "privileged: false"),
        );
    }

    #[test]
    fn removals_keep_comments_and_neighbours() {
        let want = POD
            .replace("    container.apparmor.security.beta.kubernetes.io/web: 'unconfined'\n", "")
            .replace("add: [NET_ADMIN, CHOWN, SYS_ADMIN]", "add: [CHOWN]")
            .replace("      hostPort: 8080 # the host port\n", "")
            .replace("    - hostPort: 9090\n      containerPort: 90", "    - containerPort: 90");
        check(
            POD,
            &[
                remove("metadata/annotations/container.apparmor.security.beta.kubernetes.io~1web"),
                remove("spec/containers/0/securityContext/capabilities/add/2"),
                remove("spec/containers/0/securityContext/capabilities/add/0"),
                remove("spec/containers/0/ports/0/hostPort"),
                remove("spec/containers/0/ports/1/hostPort"),
            ],
            &want,
        );
    }

    #[test]
    fn additions_follow_the_documents_layout() {
        let want = POD.replace(
            "        add: [NET_ADMIN, CHOWN, SYS_ADMIN]\n",
            // Lists of scalars are on one line in this document: so is the new one.
            "        add: [NET_ADMIN, CHOWN, SYS_ADMIN]\n        drop: [ALL]\n      allowPrivilegeEscalation: false\n",
        )
        .replace(
            "    configMap: {name: cfg}\n",
            "    configMap: {name: cfg}\n  securityContext:\n    runAsNonRoot: true\n    seccompProfile:\n      type: RuntimeDefault\n",
        );
        check(
            POD,
            &[
                add("spec/containers/0/securityContext/capabilities/drop", json!(["ALL"])),
                add("spec/containers/0/securityContext/allowPrivilegeEscalation", json!(false)),
                add_text(
                    "spec/securityContext",
                    r#"{"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}"#,
                ),
            ],
            &want,
        );
    }

    #[test]
    fn a_volume_replaced_changes_only_its_source() {
        let want =
            POD.replace("  - name: logs\n    hostPath:\n      path: /var/log\n", "  - name: logs\n    emptyDir: {}\n");
        check(POD, &[replace_text("spec/volumes/0", r#"{"name": "logs", "emptyDir": {}}"#)], &want);
        // The source first in the item: the new one takes its place after the name.
        let src = "volumes:\n- hostPath: {path: /}\n  name: a\n";
        check(
            src,
            &[replace_text("volumes/0", r#"{"name": "a", "emptyDir": {}}"#)],
            "volumes:\n- name: a\n  emptyDir: {}\n",
        );
    }

    #[test]
    fn sequences_indented_or_not_and_appends() {
        // Indented sequences and a four-space step, as the document writes them.
        let src =
            "spec:\n    containers:\n        -   name: c\n            image: i\n    volumes:\n        - name: v\n";
        let want = "spec:\n    containers:\n        -   name: c\n            image: i\n            securityContext:\n                capabilities:\n                    drop:\n                        - ALL\n    volumes:\n        - name: v\n        - name: w\n          emptyDir: {}\n";
        check(
            src,
            &[
                add("spec/containers/0/securityContext", json!({"capabilities": {"drop": ["ALL"]}})),
                add_text("spec/volumes/-", r#"{"name": "w", "emptyDir": {}}"#),
            ],
            want,
        );
        // Appending to a flow and to a block list.
        let src = "drop: [NET_RAW]\nadd:\n- CHOWN # c\n";
        check(
            src,
            &[add("drop/-", json!("ALL")), add("add/-", json!("ALL"))],
            "drop: [NET_RAW, ALL]\nadd:\n- CHOWN # c\n- ALL\n",
        );
    }

    #[test]
    fn emptied_collections_are_written_empty() {
        let src = "a:\n  b: 1 # only\nc: # note\n  - x\nd: {e: 1}\nf:\n- g: 1\n";
        check(src, &[remove("a/b")], "a: {}\nc: # note\n  - x\nd: {e: 1}\nf:\n- g: 1\n");
        check(src, &[remove("c/0")], "a:\n  b: 1 # only\nc: [] # note\nd: {e: 1}\nf:\n- g: 1\n");
        check(src, &[remove("d/e")], "a:\n  b: 1 # only\nc: # note\n  - x\nd: {}\nf:\n- g: 1\n");
        check(src, &[remove("f/0/g")], "a:\n  b: 1 # only\nc: # note\n  - x\nd: {e: 1}\nf:\n- {}\n");
    }

    #[test]
    fn the_first_field_of_a_list_item_goes_and_the_next_moves_up() {
        let src = "ports:\n- hostPort: 80\n  containerPort: 80\n";
        check(src, &[remove("ports/0/hostPort")], "ports:\n- containerPort: 80\n");
        // With a comment before the next field, the `-` stays on its own line.
        let src = "volumes:\n- flexVolume:\n    driver: x\n  # the name\n  name: a # n\n";
        check(
            src,
            &[replace_text("volumes/0", r#"{"name": "a", "emptyDir": {}}"#)],
            "volumes:\n-\n  # the name\n  name: a # n\n  emptyDir: {}\n",
        );
    }

    #[test]
    fn null_and_empty_values_become_mappings() {
        let src = "spec:\n  securityContext:\n  os: null # none\n  x: ~\n";
        check(
            src,
            &[
                replace("spec/securityContext", json!({"runAsNonRoot": true})),
                replace("spec/os", json!({"name": "linux"})),
                replace("spec/x", json!("RuntimeDefault")),
            ],
            "spec:\n  securityContext:\n    runAsNonRoot: true\n  os:\n    name: linux # none\n  x: RuntimeDefault\n",
        );
        // A comment after an empty value stays on the key's line.
        check("a: # c\nb: 1\n", &[replace("a", json!({"k": 1}))], "a: # c\n  k: 1\nb: 1\n");
        check("a: # c\nb: 1\n", &[replace("a", json!(true))], "a: true # c\nb: 1\n");
    }

    #[test]
    fn quoting_is_kept_and_chosen_safely() {
        let src = "a: \"Unconfined\"\nb: 'Unconfined'\nc: Unconfined\n";
        check(
            src,
            &[
                replace("a", json!("RuntimeDefault")),
                replace("b", json!("RuntimeDefault")),
                replace("c", json!("RuntimeDefault")),
            ],
            "a: \"RuntimeDefault\"\nb: 'RuntimeDefault'\nc: RuntimeDefault\n",
        );
        // Strings YAML would read as something else are quoted; keys too.
        check(
            "a: 1\n",
            &[add("no", json!("yes")), add("n", json!("0755")), add("a b", json!("x: y"))],
            "a: 1\n\"no\": \"yes\"\n\"n\": \"0755\"\n\"a b\": \"x: y\"\n",
        );
    }

    #[test]
    fn json_documents_stay_json() {
        let src = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"hostPID\": true,\n    \"containers\": [\n      {\n        \"name\": \"c\",\n        \"securityContext\": null\n      }\n    ]\n  }\n}\n";
        let want = "{\n  \"kind\": \"Pod\",\n  \"spec\": {\n    \"hostPID\": false,\n    \"containers\": [\n      {\n        \"name\": \"c\",\n        \"securityContext\": {\n          \"allowPrivilegeEscalation\": false\n        }\n      }\n    ],\n    \"securityContext\": {\n      \"runAsNonRoot\": true\n    }\n  }\n}\n";
        check(
            src,
            &[
                replace("spec/hostPID", json!(false)),
                replace("spec/containers/0/securityContext", json!({"allowPrivilegeEscalation": false})),
                add("spec/securityContext", json!({"runAsNonRoot": true})),
            ],
            want,
        );
        let src = r#"{"kind":"Pod","spec":{"containers":[{"name":"c","securityContext":{"capabilities":{"add":["A","B"]}}}]}}"#;
        check(
            src,
            &[
                remove("spec/containers/0/securityContext/capabilities/add/1"),
                add("spec/containers/0/securityContext/capabilities/drop", json!(["ALL"])),
                add("spec/securityContext", json!({})),
            ],
            r#"{"kind":"Pod","spec":{"containers":[{"name":"c","securityContext":{"capabilities":{"add":["A"],"drop":["ALL"]}}}],"securityContext":{}}}"#,
        );
        // Removing the last member, a middle one, the only one.
        check(r#"{"a": 1, "b": [1, 2, 3]}"#, &[remove("b/2"), remove("b/0")], r#"{"a": 1, "b": [2]}"#);
        check("{\"a\": 1,\n \"b\": 2}", &[remove("b")], "{\"a\": 1}");
        check("{\"a\": {\"b\": 1}}", &[remove("a/b")], "{\"a\": {}}");
    }

    #[test]
    fn crlf_and_multi_line_values() {
        let src = "spec:\r\n  hostIPC: true\r\n  containers:\r\n  - name: c\r\n    args: [\"a\",\r\n      \"b\"]\r\n";
        check(
            src,
            &[replace("spec/hostIPC", json!(false)), add("spec/containers/0/securityContext", json!({"privileged": false}))],
            "spec:\r\n  hostIPC: false\r\n  containers:\r\n  - name: c\r\n    args: [\"a\",\r\n      \"b\"]\r\n    securityContext:\r\n      privileged: false\r\n",
        );
        let src = "a:\n  script: |\n    echo hi\n\n    echo bye\n  b: 1\n";
        check(src, &[remove("a/script")], "a:\n  b: 1\n");
        check(src, &[add("a/c", json!(2))], "a:\n  script: |\n    echo hi\n\n    echo bye\n  b: 1\n  c: 2\n");
    }

    #[test]
    fn list_items_are_edited_each_in_its_own_text() {
        let src = "kind: List\nitems:\n- kind: Pod\n  spec:\n    hostPID: true # 0\n- kind: Pod # 1\n  spec: {}\n- kind: Pod\n  spec:\n    containers: [] # 2\n";
        check(
            src,
            &[
                replace("items/0/spec/hostPID", json!(false)),
                add("items/2/spec/hostIPC", json!(false)),
                add("items/1/spec/hostNetwork", json!(false)),
                add("items/2/spec/securityContext", json!({"runAsNonRoot": true})),
            ],
            "kind: List\nitems:\n- kind: Pod\n  spec:\n    hostPID: false # 0\n- kind: Pod # 1\n  spec: {hostNetwork: false}\n- kind: Pod\n  spec:\n    containers: [] # 2\n    hostIPC: false\n    securityContext:\n      runAsNonRoot: true\n",
        );
        let src = r#"{"kind": "List", "items": [{"kind": "Pod", "spec": {"hostPID": true}}, {"kind": "Pod", "spec": {"hostIPC": true}}]}"#;
        check(
            src,
            &[replace("items/1/spec/hostIPC", json!(false)), replace("items/0/spec/hostPID", json!(false))],
            &src.replace("true", "false"),
        );
    }

    #[test]
    fn anchors_aliases_and_merges_are_refused_or_left_alone() {
        let src = "base: &sc\n  privileged: true\nspec:\n  securityContext: *sc\n";
        let e = refused(src, &[replace("spec/securityContext/privileged", json!(false))]);
        assert!(e.message.contains("alias *sc"), "{e}");
        let e = refused(src, &[replace("base/privileged", json!(false))]);
        assert!(e.message.contains("&sc"), "{e}");
        let e = refused("a: &x 1\nb:\n  <<: {c: 1}\n  d: 2\nc: *x\n", &[replace("b/d", json!(3))]);
        assert!(e.message.contains("merge key"), "{e}");
        // An anchor nothing repeats is left as written.
        check("a: &x\n  b: 1\n", &[replace("a/b", json!(2))], "a: &x\n  b: 2\n");
        let e = refused("a: 1\na: 2\n", &[replace("a", json!(3))]);
        assert!(e.message.contains("written twice"), "{e}");
    }

    #[test]
    fn positions_are_checked() {
        let seen = |line, column, exact| Some(Seen { line, column, exact });
        let mut edit = replace("spec/hostNetwork", json!(false));
        edit.seen = seen(10, 3, true);
        assert!(apply(POD, &read(POD), &[edit.clone()]).is_ok());
        edit.seen = seen(11, 3, true);
        let e = apply(POD, &read(POD), &[edit.clone()]).unwrap_err();
        assert!(e.message.contains("line 11 column 3"), "{e}");
        // A field that is not written: its nearest parent's place.
        let mut edit = add("spec/securityContext", json!({}));
        edit.seen = seen(9, 1, false);
        assert!(apply(POD, &read(POD), &[edit]).is_ok());
        // An item: where it starts.
        let mut edit = remove("spec/containers/0/ports/1");
        edit.seen = seen(21, 5, true);
        assert!(apply(POD, &read(POD), &[edit.clone()]).is_ok());
        edit.seen = seen(21, 7, true);
        assert!(apply(POD, &read(POD), &[edit]).is_ok());
    }

    proptest::proptest! {
        /// Whatever the text, reading its structure and editing it ends in a result or an error,
        /// never a panic; an edit that succeeds leaves a text the editor reads again.
        #[test]
        fn never_panics(text in "[ a-c:#\\-\\[\\]{},'\"|>&*!?\n\r\t\u{e9}0-9.]{0,80}", op in 0..3usize, key in "[a-c]", value in 0..3i64) {
            let json: Json = pss_manifest::yaml_to_json(&text, &Default::default())
                .ok()
                .flatten()
                .and_then(|j| serde_json::from_slice(&j).ok())
                .unwrap_or(Json::Null);
            let path = vec![Step::Key(key.clone())];
            let edit = match op {
                0 => Edit { op: Op::Add, path, value: Some(Value::from(value)), seen: None },
                1 => Edit { op: Op::Replace, path, value: Some(Value::parse(r#"{"x": [1]}"#).unwrap()), seen: None },
                _ => Edit { op: Op::Remove, path, value: None, seen: None },
            };
            if let Ok(out) = apply(&text, &json, &[edit]) {
                proptest::prop_assert!(Document::parse(&out).is_ok(), "{:?} -> {:?}", text, out);
            }
        }
    }

    #[test]
    fn operations_that_do_not_apply_are_errors() {
        assert!(refused(POD, &[replace("spec/missing", json!(1))]).message.contains("no /spec/missing"));
        assert!(refused(POD, &[remove("spec/containers/5")]).message.contains("no /spec/containers/5"));
        assert!(refused(POD, &[add("spec/a/b", json!(1))]).message.contains("no /spec/a"));
        assert!(refused(POD, &[add("spec/containers/0", json!({}))]).message.contains("adding inside an array"));
    }
}
