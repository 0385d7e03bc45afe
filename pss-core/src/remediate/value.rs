//! A small JSON value model: the documents pss fixes, the values a patch adds, and RFC 6902
//! application. Parsed with pss-core's own reader, so it accepts exactly the JSON the evaluator
//! accepts.

use core::fmt;
use std::borrow::Cow;

use crate::error::{Error, ErrorKind};
use crate::json::pod::utf8;
use crate::json::reader::{PathStyle, Reader};

/// The deepest nesting of a document pss fixes: far beyond any Kubernetes object, and shallow
/// enough to parse, copy and drop without risking the stack.
pub const MAX_FIX_DEPTH: usize = 128;

/// A JSON value: a document pss fixes, a value a patch operation adds or replaces, or the patched
/// document.
///
/// Objects keep their members in order (keys are unique in documents pss reads); numbers keep
/// the literal as written. [`Display`](fmt::Display) writes compact JSON.
///
/// ```
/// use pss_core::remediate::Value;
///
/// let v = Value::parse(r#"{"drop": ["ALL"], "n": 1.50}"#)?;
/// assert_eq!(v.get("drop"), Some(&Value::Array(vec![Value::from("ALL")])));
/// assert_eq!(v.to_string(), r#"{"drop":["ALL"],"n":1.50}"#);
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    /// `null`.
    Null,
    /// `true` or `false`.
    Bool(bool),
    /// A number, as its JSON literal.
    Number(Number),
    /// A string.
    String(String),
    /// An array.
    Array(Vec<Value>),
    /// An object: its members in order.
    Object(Vec<(String, Value)>),
}

/// A JSON number, kept as its literal (`1000`, `1.50`, `-0`, `1e3`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Number(String);

impl Number {
    /// The literal as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The number as an `i64`, when the literal is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        self.0.parse().ok()
    }
}

impl From<i64> for Number {
    fn from(n: i64) -> Self {
        Number(n.to_string())
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl From<i64> for Value {
    fn from(n: i64) -> Self {
        Value::Number(Number::from(n))
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::String(s.to_owned())
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        Value::String(s)
    }
}

impl Value {
    /// Parses JSON text as pss-core's decoder reads it (UTF-8, Go's escapes and nesting rules).
    ///
    /// # Errors
    /// Malformed JSON; a repeated key in an object ([`ErrorKind::DuplicateField`]: a patch against
    /// it would be ambiguous, and the API server's strict decoding refuses it); nesting deeper
    /// than [`MAX_FIX_DEPTH`] ([`ErrorKind::TooDeep`]).
    pub fn parse(text: &str) -> Result<Value, Error> {
        let mut r = Reader::new(text);
        let value = parse_value(&mut r, 0).map_err(Error::finish)?;
        r.end().map_err(Error::finish)?;
        Ok(value)
    }

    /// [`Value::parse`] from bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`Value::parse`], and invalid UTF-8.
    pub fn parse_slice(bytes: &[u8]) -> Result<Value, Error> {
        Value::parse(utf8(bytes)?)
    }

    /// The member `key` of an object (`None` for anything else).
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Object(members) => members.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The string, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    /// Whether this is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Value::Null)
    }

    /// The value at `path` (object keys and array indexes).
    pub(crate) fn at(&self, path: &[Segment]) -> Option<&Value> {
        let mut cur = self;
        for seg in path {
            cur = match (cur, seg) {
                (Value::Object(_), Segment::Key(k)) => cur.get(k)?,
                (Value::Array(items), Segment::Index(i)) => items.get(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    fn at_mut(&mut self, path: &[Segment]) -> Option<&mut Value> {
        let mut cur = self;
        for seg in path {
            cur = match (cur, seg) {
                (Value::Object(members), Segment::Key(k)) => {
                    members.iter_mut().find(|(m, _)| m == k).map(|(_, v)| v)?
                }
                (Value::Array(items), Segment::Index(i)) => items.get_mut(*i)?,
                _ => return None,
            };
        }
        Some(cur)
    }

    /// Sets `key` in an object: replaces its value in place, or appends the member.
    fn set_member(members: &mut Vec<(String, Value)>, key: &str, value: Value) {
        match members.iter_mut().find(|(k, _)| k == key) {
            Some((_, v)) => *v = value,
            None => members.push((key.to_owned(), value)),
        }
    }

    /// Applies one RFC 6902 operation (`add`, `replace` or `remove`).
    pub(crate) fn apply(&mut self, op: OpKind, path: &[Segment], value: Option<&Value>) -> Result<(), ApplyError> {
        let Some((last, parent)) = path.split_last() else {
            // The whole document.
            return match (op, value) {
                (OpKind::Add | OpKind::Replace, Some(v)) => {
                    *self = v.clone();
                    Ok(())
                }
                _ => Err(ApplyError),
            };
        };
        let parent = self.at_mut(parent).ok_or(ApplyError)?;
        match (parent, last, op) {
            (Value::Object(members), Segment::Key(k), OpKind::Add) => {
                Value::set_member(members, k, value.ok_or(ApplyError)?.clone());
            }
            (Value::Object(members), Segment::Key(k), OpKind::Replace) => {
                let slot = members.iter_mut().find(|(m, _)| m == k).ok_or(ApplyError)?;
                slot.1 = value.ok_or(ApplyError)?.clone();
            }
            (Value::Object(members), Segment::Key(k), OpKind::Remove) => {
                let i = members.iter().position(|(m, _)| m == k).ok_or(ApplyError)?;
                members.remove(i);
            }
            (Value::Array(items), Segment::Index(i), OpKind::Add) if *i <= items.len() => {
                items.insert(*i, value.ok_or(ApplyError)?.clone());
            }
            (Value::Array(items), Segment::End, OpKind::Add) => items.push(value.ok_or(ApplyError)?.clone()),
            (Value::Array(items), Segment::Index(i), OpKind::Replace) if *i < items.len() => {
                items[*i] = value.ok_or(ApplyError)?.clone();
            }
            (Value::Array(items), Segment::Index(i), OpKind::Remove) if *i < items.len() => {
                items.remove(*i);
            }
            _ => return Err(ApplyError),
        }
        Ok(())
    }

    /// Sets the value at `path`, creating missing (or `null`) objects on the way.
    pub(crate) fn set_creating(&mut self, path: &[Segment], value: Value) -> Result<(), ApplyError> {
        let Some((last, parent)) = path.split_last() else {
            *self = value;
            return Ok(());
        };
        let mut cur = self;
        for seg in parent {
            cur = match (cur, seg) {
                (Value::Object(members), Segment::Key(k)) => {
                    let i = match members.iter().position(|(m, _)| m == k) {
                        Some(i) => i,
                        None => {
                            members.push((k.clone(), Value::Null));
                            members.len() - 1
                        }
                    };
                    let slot = &mut members[i].1;
                    if slot.is_null() {
                        *slot = Value::Object(Vec::new());
                    }
                    slot
                }
                (Value::Array(items), Segment::Index(i)) => {
                    // A `null` element (a container written as `null`, read as an empty one) is
                    // filled like a `null` member.
                    let slot = items.get_mut(*i).ok_or(ApplyError)?;
                    if slot.is_null() {
                        *slot = Value::Object(Vec::new());
                    }
                    slot
                }
                _ => return Err(ApplyError),
            };
        }
        match (cur, last) {
            (Value::Object(members), Segment::Key(k)) => Value::set_member(members, k, value),
            (Value::Array(items), Segment::Index(i)) if *i < items.len() => items[*i] = value,
            _ => return Err(ApplyError),
        }
        Ok(())
    }
}

/// An operation that does not apply to the document (a missing target or parent).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApplyError;

/// One step of a JSON Pointer (RFC 6901).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Segment {
    /// An object member.
    Key(String),
    /// An array element.
    Index(usize),
    /// The end of an array (`-`): where `add` appends.
    End,
}

impl Segment {
    /// Writes the segment as RFC 6901 escapes it (`~` as `~0`, `/` as `~1`).
    fn push_escaped(&self, out: &mut String) {
        match self {
            Segment::Key(k) => {
                for c in k.chars() {
                    match c {
                        '~' => out.push_str("~0"),
                        '/' => out.push_str("~1"),
                        c => out.push(c),
                    }
                }
            }
            Segment::Index(i) => out.push_str(&i.to_string()),
            Segment::End => out.push('-'),
        }
    }
}

/// The JSON Pointer of `path`: `/spec/containers/0/securityContext`, `""` for the whole document.
pub(crate) fn pointer(path: &[Segment]) -> String {
    let mut out = String::new();
    for seg in path {
        out.push('/');
        seg.push_escaped(&mut out);
    }
    out
}

/// An RFC 6902 operation type (pss uses these three).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// `add`: a new member (or array element), or a member's new value.
    Add,
    /// `replace`: the value of an existing member or element.
    Replace,
    /// `remove`: a member or an array element.
    Remove,
}

impl OpKind {
    /// `"add"`, `"replace"` or `"remove"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            OpKind::Add => "add",
            OpKind::Replace => "replace",
            OpKind::Remove => "remove",
        }
    }
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses a value inside `depth` open objects and arrays.
fn parse_value(r: &mut Reader<'_>, depth: usize) -> Result<Value, Error> {
    if depth >= MAX_FIX_DEPTH && matches!(r.peek(), Some(b'{' | b'[')) {
        return Err(r.error_at(
            r.offset(),
            ErrorKind::TooDeep,
            format!("nesting deeper than {MAX_FIX_DEPTH} levels, the deepest document pss fixes"),
        ));
    }
    match r.peek() {
        Some(b'{') => {
            let mut members: Vec<(String, Value)> = Vec::new();
            let mut seen: Option<std::collections::BTreeSet<String>> = None;
            r.object(
                |r, key: Cow<'_, str>| {
                    let repeated = match &mut seen {
                        Some(set) => !set.insert(key.to_string()),
                        None => members.iter().any(|(k, _)| *k == key),
                    };
                    if repeated {
                        return Err(r.error_at(
                            r.offset(),
                            ErrorKind::DuplicateField,
                            format!("duplicate key {key:?}: a patch against repeated keys would be ambiguous"),
                        ));
                    }
                    let value = parse_value(r, depth + 1)?;
                    members.push((key.into_owned(), value));
                    if seen.is_none() && members.len() > 16 {
                        seen = Some(members.iter().map(|(k, _)| k.clone()).collect());
                    }
                    Ok(())
                },
                PathStyle::Field,
            )?;
            Ok(Value::Object(members))
        }
        Some(b'[') => {
            let mut items = Vec::new();
            r.array(|r, _| {
                items.push(parse_value(r, depth + 1)?);
                Ok(())
            })?;
            Ok(Value::Array(items))
        }
        Some(b'"') => Ok(Value::String(r.string()?.into_owned())),
        Some(b't' | b'f') => Ok(Value::Bool(r.opt_bool()?.unwrap_or_default())),
        Some(b'n') => {
            r.null()?;
            Ok(Value::Null)
        }
        Some(b'-' | b'0'..=b'9') => Ok(Value::Number(Number(r.raw_value()?.to_owned()))),
        // Whatever else is here, skipping it reports the syntax error.
        _ => {
            r.skip()?;
            Ok(Value::Null)
        }
    }
}

impl fmt::Display for Value {
    /// Compact JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&n.0),
            Value::String(s) => write_string(f, s),
            Value::Array(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Object(members) => {
                f.write_str("{")?;
                for (i, (k, v)) in members.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_string(f, k)?;
                    write!(f, ":{v}")?;
                }
                f.write_str("}")
            }
        }
    }
}

/// A JSON string literal.
pub(crate) fn write_string(f: &mut impl fmt::Write, s: &str) -> fmt::Result {
    f.write_char('"')?;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        let escaped = match c {
            '"' => "\\\"",
            '\\' => "\\\\",
            '\n' => "\\n",
            '\r' => "\\r",
            '\t' => "\\t",
            c if (c as u32) < 0x20 => "",
            _ => continue,
        };
        f.write_str(&s[start..i])?;
        if escaped.is_empty() {
            write!(f, "\\u{:04x}", c as u32)?;
        } else {
            f.write_str(escaped)?;
        }
        start = i + c.len_utf8();
    }
    f.write_str(&s[start..])?;
    f.write_char('"')
}

#[cfg(feature = "serde")]
impl serde::Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::{SerializeMap, SerializeSeq};
        match self {
            Value::Null => s.serialize_unit(),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Number(n) => {
                if let Ok(i) = n.0.parse::<i64>() {
                    s.serialize_i64(i)
                } else if let Ok(u) = n.0.parse::<u64>() {
                    s.serialize_u64(u)
                } else {
                    // A literal an f64 cannot hold exactly is written as the nearest f64, as Go's
                    // encoding/json reads it into an interface{}.
                    s.serialize_f64(n.0.parse::<f64>().unwrap_or(0.0))
                }
            }
            Value::String(v) => s.serialize_str(v),
            Value::Array(items) => {
                let mut seq = s.serialize_seq(Some(items.len()))?;
                for v in items {
                    seq.serialize_element(v)?;
                }
                seq.end()
            }
            Value::Object(members) => {
                let mut map = s.serialize_map(Some(members.len()))?;
                for (k, v) in members {
                    map.serialize_entry(k, v)?;
                }
                map.end()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(k: &str) -> Segment {
        Segment::Key(k.to_owned())
    }

    #[test]
    fn parses_and_writes_back() {
        let text = r#"{"a":[1,-0,1.5e3,true,false,null,"x\"\\\n\u0001é"],"b":{},"c":[]}"#;
        let v = Value::parse(text).unwrap();
        assert_eq!(v.to_string(), r#"{"a":[1,-0,1.5e3,true,false,null,"x\"\\\n\u0001é"],"b":{},"c":[]}"#);
        // Escapes are read as the evaluator reads them.
        assert_eq!(Value::parse(r#""\u00e9\/""#).unwrap(), Value::from("é/"));
    }

    #[test]
    fn refuses_repeated_keys_and_deep_nesting() {
        let err = Value::parse(r#"{"spec": {"hostPID": true, "hostPID": false}}"#).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DuplicateField);
        assert_eq!(err.path(), Some("spec.hostPID"));
        // Past 16 members the check uses a set; it still finds repeats.
        let many: Vec<String> = (0..40).map(|i| format!("\"k{i}\": {i}")).collect();
        let text = format!("{{{}, \"k3\": 0}}", many.join(", "));
        assert_eq!(Value::parse(&text).unwrap_err().kind(), ErrorKind::DuplicateField);
        let deep = format!("{}{}", "[".repeat(MAX_FIX_DEPTH + 1), "]".repeat(MAX_FIX_DEPTH + 1));
        assert_eq!(Value::parse(&deep).unwrap_err().kind(), ErrorKind::TooDeep);
        let ok = format!("{}{}", "[".repeat(MAX_FIX_DEPTH), "]".repeat(MAX_FIX_DEPTH));
        assert!(Value::parse(&ok).is_ok());
        assert_eq!(Value::parse("{").unwrap_err().kind(), ErrorKind::Syntax);
        assert_eq!(Value::parse("{} x").unwrap_err().kind(), ErrorKind::Syntax);
    }

    #[test]
    fn pointers_escape_tilde_and_slash() {
        let path = [key("metadata"), key("annotations"), key("a/b~c"), Segment::Index(3), Segment::End];
        assert_eq!(pointer(&path), "/metadata/annotations/a~1b~0c/3/-");
        assert_eq!(pointer(&[]), "");
    }

    #[test]
    fn applies_rfc6902_operations() {
        let mut v = Value::parse(r#"{"a":{"b":[1,2,3]},"n":null}"#).unwrap();
        v.apply(OpKind::Remove, &[key("a"), key("b"), Segment::Index(1)], None).unwrap();
        v.apply(OpKind::Add, &[key("a"), key("b"), Segment::End], Some(&Value::from(9))).unwrap();
        v.apply(OpKind::Add, &[key("a"), key("b"), Segment::Index(0)], Some(&Value::from(0))).unwrap();
        v.apply(OpKind::Replace, &[key("n")], Some(&Value::from(true))).unwrap();
        v.apply(OpKind::Add, &[key("z")], Some(&Value::from("new"))).unwrap();
        assert_eq!(v.to_string(), r#"{"a":{"b":[0,1,3,9]},"n":true,"z":"new"}"#);
        // Missing targets and parents are errors, never panics.
        assert!(v.apply(OpKind::Replace, &[key("missing")], Some(&Value::Null)).is_err());
        assert!(v.apply(OpKind::Remove, &[key("a"), key("b"), Segment::Index(4)], None).is_err());
        assert!(v.apply(OpKind::Add, &[key("x"), key("y")], Some(&Value::Null)).is_err());
        assert!(v.apply(OpKind::Add, &[key("a"), key("b"), Segment::Index(9)], Some(&Value::Null)).is_err());
        assert!(v.apply(OpKind::Add, &[key("a"), key("b")], None).is_err());
    }

    #[test]
    fn set_creating_fills_missing_and_null_parents() {
        let mut v = Value::parse(r#"{"spec":{"securityContext":null}}"#).unwrap();
        v.set_creating(&[key("spec"), key("securityContext"), key("runAsNonRoot")], Value::from(true)).unwrap();
        v.set_creating(&[key("spec"), key("os"), key("name")], Value::from("linux")).unwrap();
        assert_eq!(v.to_string(), r#"{"spec":{"securityContext":{"runAsNonRoot":true},"os":{"name":"linux"}}}"#);
        assert!(v.set_creating(&[key("spec"), key("os"), key("name"), key("x")], Value::Null).is_err());
        let mut v = Value::parse(r#"{"containers":[null]}"#).unwrap();
        v.set_creating(&[key("containers"), Segment::Index(0), key("securityContext")], Value::Object(Vec::new()))
            .unwrap();
        assert_eq!(v.to_string(), r#"{"containers":[{"securityContext":{}}]}"#);
        assert!(v.set_creating(&[key("containers"), Segment::Index(1), key("x")], Value::Null).is_err());
    }
}
