//! What an evaluation returns: violations, with upstream's strings and the offending fields.

use core::fmt;
use core::ops::{Deref, Range};

use std::sync::Arc;

use crate::checks::CheckId;
use crate::facts::{Atom, Facts, FieldFact, PathFact, Span, ValueFact};
use crate::level::LevelVersion;
use crate::workload::WorkloadKind;

/// One failed check: upstream's `CheckResult` (check id, reason, detail) plus the offending fields.
///
/// A violation records what failed (the check, the containers, fields and values involved); its
/// detail and its fields' paths are rendered when read ([`Detail`], [`FieldPath`]: `Display`, or
/// written into a buffer of the caller's with `write_to`). The violations of one evaluation share
/// one buffer of facts, so a clone is cheap and evaluating a denied pod allocates a fixed handful of
/// times however many places violate.
///
/// When the last violation sharing a set of facts is dropped, the set's buffers (a few kilobytes)
/// are kept by the thread that drops it, emptied, for the next denied pod evaluated on that thread:
/// that evaluation then allocates only the `Vec` of its violations and their shared handle. Each
/// thread keeps at most one set, and never one that grew past four times its typical size.
///
/// ```
/// use pss_core::{evaluate_json, CheckId, FieldValue, LevelVersion};
///
/// let pod = br#"{"spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}"#;
/// let result = evaluate_json("baseline".parse()?, pod)?;
/// let v = &result[0];
/// assert_eq!(v.check(), CheckId::Privileged);
/// assert_eq!(v.reason(), "privileged");
/// assert_eq!(v.detail(), r#"container "app" must not set securityContext.privileged=true"#);
/// let field = v.fields().get(0).unwrap();
/// assert_eq!(field.path(), "spec.containers[0].securityContext.privileged");
/// assert_eq!(field.value(), FieldValue::Bool(true));
/// assert_eq!(field.container(), Some("app"));
///
/// // Rendered into a buffer of yours, without allocating:
/// let mut out = String::with_capacity(128);
/// v.detail().write_to(&mut out);
/// field.path().write_to(&mut out);
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Clone)]
pub struct Violation {
    check: CheckId,
    reason: &'static str,
    facts: Arc<Facts>,
    atoms: (usize, usize),
    fields: (usize, usize),
}

impl Violation {
    /// A violation whose facts are in `facts` (shared with the other violations of its evaluation).
    pub(crate) fn from_facts(
        check: CheckId,
        reason: &'static str,
        facts: Arc<Facts>,
        atoms: (usize, usize),
        fields: (usize, usize),
    ) -> Self {
        Violation { check, reason, facts, atoms, fields }
    }

    /// A violation with a detail given as text and fields given whole (Kyverno's own results).
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn new(check: CheckId, reason: &'static str, detail: &str, fields: &[FieldViolation]) -> Self {
        let mut facts = Facts::new(crate::checks::Ctx::POD);
        let atoms = facts.detail(&[crate::checks::Piece::Text(detail)]);
        for f in fields {
            let path = PathFact::Text(facts.copy(&f.path));
            let value = match &f.value {
                FieldValue::Unset => ValueFact::Unset,
                FieldValue::Bool(b) => ValueFact::Bool(*b),
                FieldValue::Int(i) => ValueFact::Int(*i),
                FieldValue::String(s) => ValueFact::Str(facts.copy(s)),
                FieldValue::List(items) => ValueFact::List(facts.list(items.iter().map(String::as_str))),
                FieldValue::Object => ValueFact::Object,
            };
            let container = f.container.as_deref().map(|c| facts.copy(c));
            facts.field(path, value, container);
        }
        let n = facts.fields.len();
        Violation { check, reason, facts: Arc::new(facts), atoms, fields: (0, n) }
    }

    /// The same violation with only the fields `keep` keeps (its detail as it is); `None` when it
    /// keeps them all.
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn retain_fields(&self, mut keep: impl FnMut(&Field<'_>) -> bool) -> Option<Self> {
        let fields = self.fields();
        let kept: Vec<FieldFact> = fields.iter().filter(|f| keep(f)).map(|f| *f.fact).collect();
        if kept.len() == fields.len() {
            return None;
        }
        let mut facts = (*self.facts).clone();
        let n = kept.len();
        facts.fields = kept;
        Some(Violation {
            check: self.check,
            reason: self.reason,
            facts: Arc::new(facts),
            atoms: self.atoms,
            fields: (0, n),
        })
    }

    /// The check that failed.
    pub fn check(&self) -> CheckId {
        self.check
    }

    /// Upstream's `ForbiddenReason`, byte for byte (`"privileged"`, `"host namespaces"`, ...).
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// Upstream's `ForbiddenDetail`, byte for byte (may be empty), rendered when read.
    pub fn detail(&self) -> Detail<'_> {
        Detail { facts: &self.facts, atoms: self.facts.atoms.get(self.atoms.0..self.atoms.1).unwrap_or_default() }
    }

    /// Every offending field, in the order upstream meets them (pod first, then containers in
    /// init, regular, ephemeral order, then annotations sorted by key).
    pub fn fields(&self) -> Fields<'_> {
        Fields { facts: &self.facts, fields: self.facts.fields.get(self.fields.0..self.fields.1).unwrap_or_default() }
    }
}

impl fmt::Display for Violation {
    /// `reason (detail)`, or `reason` when the detail is empty, as upstream aggregates it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)?;
        let detail = self.detail();
        if !detail.is_empty() {
            f.write_str(" (")?;
            detail.render::<dyn fmt::Write>(f)?;
            f.write_str(")")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Violation")
            .field("check", &self.check)
            .field("reason", &self.reason)
            .field("detail", &self.detail())
            .field("fields", &self.fields())
            .finish()
    }
}

impl PartialEq for Violation {
    /// Same check, reason, detail and fields (as rendered).
    fn eq(&self, other: &Self) -> bool {
        self.check == other.check
            && self.reason == other.reason
            && self.detail() == other.detail()
            && self.fields().len() == other.fields().len()
            && self.fields().iter().zip(other.fields().iter()).all(|(a, b)| a == b)
    }
}

impl Eq for Violation {}

#[cfg(feature = "serde")]
impl serde::Serialize for Violation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Violation", 4)?;
        st.serialize_field("check", &self.check)?;
        st.serialize_field("reason", self.reason)?;
        st.serialize_field("detail", &self.detail())?;
        st.serialize_field("fields", &self.fields())?;
        st.end()
    }
}

/// The API of a text rendered when read ([`Detail`], [`FieldPath`]), written once over its
/// renderer: `render` writes it piece by piece, and everything else reads it through `render`.
macro_rules! rendered_text {
    (
        $ty:ident, $what:literal,
        is_empty: $is_empty:literal,
        example: $example:literal,
        render: |$this:ident, $out:ident| $render:expr
    ) => {
        impl $ty<'_> {
            /// The length in bytes.
            pub fn len(&self) -> usize {
                rendered_len(|w| self.render_dyn(w))
            }

            #[doc = $is_empty]
            pub fn is_empty(&self) -> bool {
                renders_empty(|w| self.render_dyn(w))
            }

            #[doc = concat!("Appends the ", $what, " to `out`.")]
            pub fn write_to(&self, out: &mut String) {
                // Writing into a String cannot fail.
                let _ = self.render_dyn(out);
            }

            #[doc = concat!("Writes the ", $what, " into any [`fmt::Write`], piece by piece (no formatting machinery).")]
            ///
            /// Generic over the writer, so that a writer of a concrete type gets the renderer and its
            /// `write_str` compiled together (no call through a trait object per piece); a
            /// `&mut dyn fmt::Write` is a writer too.
            ///
            /// ```
            #[doc = $example]
            /// ```
            pub fn render<W: fmt::Write + ?Sized>(&self, out: &mut W) -> fmt::Result {
                let ($this, $out) = (self, out);
                $render
            }

            /// `render` through a trait object: the crate's own callers share one copy of the
            /// renderer (the WebAssembly package's size).
            fn render_dyn(&self, out: &mut dyn fmt::Write) -> fmt::Result {
                self.render(out)
            }
        }

        impl fmt::Display for $ty<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.render_dyn(f)
            }
        }

        impl fmt::Debug for $ty<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Debug::fmt(&self.to_string(), f)
            }
        }

        impl PartialEq<str> for $ty<'_> {
            fn eq(&self, other: &str) -> bool {
                rendered_eq(|w| self.render_dyn(w), other)
            }
        }

        impl PartialEq<&str> for $ty<'_> {
            fn eq(&self, other: &&str) -> bool {
                *self == **other
            }
        }

        impl PartialEq<String> for $ty<'_> {
            fn eq(&self, other: &String) -> bool {
                *self == **other
            }
        }

        impl PartialEq for $ty<'_> {
            fn eq(&self, other: &Self) -> bool {
                self.len() == other.len() && *self == *other.to_string()
            }
        }

        #[cfg(feature = "serde")]
        impl serde::Serialize for $ty<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
    };
}

/// A violation's detail (upstream's `ForbiddenDetail`), rendered when read: `Display`, compared
/// with a `&str`, or written into a `String` of yours with [`Detail::write_to`].
#[derive(Clone, Copy)]
pub struct Detail<'a> {
    facts: &'a Facts,
    atoms: &'a [Atom],
}

rendered_text! {
    Detail, "detail",
    is_empty: "Whether the detail is empty.",
    example: "use pss_core::{evaluate_json, LevelVersion};\n\nlet pod = br#\"{\"spec\": {\"hostNetwork\": true, \"containers\": []}}\"#;\nlet result = evaluate_json(LevelVersion::default(), pod)?;\nlet mut detail = String::new();\nresult[0].detail().render(&mut detail)?;\nassert_eq!(detail, \"hostNetwork=true\");\n# Ok::<(), Box<dyn std::error::Error>>(())",
    render: |detail, out| detail.facts.write_detail(detail.atoms, out)
}

/// The length in bytes of what `write` writes (counted by writing it nowhere: one code path for
/// both).
pub(crate) fn rendered_len(write: impl FnOnce(&mut Count) -> fmt::Result) -> usize {
    let mut count = Count(0);
    let _ = write(&mut count);
    count.0
}

/// A writer that only counts bytes.
pub(crate) struct Count(usize);

impl fmt::Write for Count {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 += s.len();
        Ok(())
    }
}

/// Whether `write` writes nothing: it is stopped at the first byte it writes (the renderers give up
/// at a writer's first error), so a text is known not to be empty without rendering all of it.
fn renders_empty(write: impl FnOnce(&mut FirstByte) -> fmt::Result) -> bool {
    write(&mut FirstByte).is_ok()
}

/// A writer that fails at the first byte written.
struct FirstByte;

impl fmt::Write for FirstByte {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if s.is_empty() {
            Ok(())
        } else {
            Err(fmt::Error)
        }
    }
}

/// Whether what `write` writes is exactly `expected`, compared piece by piece without allocating.
fn rendered_eq(write: impl FnOnce(&mut Compare<'_>) -> fmt::Result, expected: &str) -> bool {
    let mut cmp = Compare { rest: expected.as_bytes(), same: true };
    write(&mut cmp).is_ok() && cmp.same && cmp.rest.is_empty()
}

struct Compare<'a> {
    rest: &'a [u8],
    same: bool,
}

impl fmt::Write for Compare<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        match self.rest.strip_prefix(s.as_bytes()) {
            Some(rest) if self.same => {
                self.rest = rest;
                Ok(())
            }
            _ => {
                self.same = false;
                Err(fmt::Error)
            }
        }
    }
}

/// A violation's fields, in upstream's order.
#[derive(Clone, Copy)]
pub struct Fields<'a> {
    facts: &'a Facts,
    fields: &'a [FieldFact],
}

impl<'a> Fields<'a> {
    /// How many fields.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.fields.is_empty()
    }

    /// The field at `index`.
    pub fn get(&self, index: usize) -> Option<Field<'a>> {
        self.fields.get(index).map(|fact| Field { facts: self.facts, fact })
    }

    /// The fields, in order.
    pub fn iter(&self) -> FieldsIter<'a> {
        FieldsIter { facts: self.facts, fields: self.fields.iter() }
    }
}

impl<'a> IntoIterator for Fields<'a> {
    type Item = Field<'a>;
    type IntoIter = FieldsIter<'a>;
    fn into_iter(self) -> FieldsIter<'a> {
        self.iter()
    }
}

impl fmt::Debug for Fields<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Fields<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// The iterator of [`Fields::iter`].
#[derive(Debug, Clone)]
pub struct FieldsIter<'a> {
    facts: &'a Facts,
    fields: core::slice::Iter<'a, FieldFact>,
}

impl<'a> Iterator for FieldsIter<'a> {
    type Item = Field<'a>;
    fn next(&mut self) -> Option<Field<'a>> {
        self.fields.next().map(|fact| Field { facts: self.facts, fact })
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.fields.size_hint()
    }
}

impl DoubleEndedIterator for FieldsIter<'_> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.fields.next_back().map(|fact| Field { facts: self.facts, fact })
    }
}

impl ExactSizeIterator for FieldsIter<'_> {}

/// One offending field: its path in the object (rendered when read), its value, and the container
/// it belongs to. [`Field::to_owned`] copies it out as a [`FieldViolation`].
#[derive(Clone, Copy)]
pub struct Field<'a> {
    facts: &'a Facts,
    fact: &'a FieldFact,
}

impl<'a> Field<'a> {
    /// The field's path, e.g. `spec.containers[0].securityContext.privileged` or
    /// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.
    pub fn path(&self) -> FieldPath<'a> {
        FieldPath { facts: self.facts, path: &self.fact.path }
    }

    /// The offending value ([`FieldValueRef::Unset`] when the check requires a value that is missing).
    pub fn value(&self) -> FieldValueRef<'a> {
        match self.fact.value {
            ValueFact::Unset => FieldValueRef::Unset,
            ValueFact::Bool(b) => FieldValueRef::Bool(b),
            ValueFact::Int(i) => FieldValueRef::Int(i),
            ValueFact::Str(s) => FieldValueRef::String(self.facts.str(s)),
            ValueFact::List(items) => {
                FieldValueRef::List(StrList { facts: self.facts, spans: self.facts.items(items) })
            }
            ValueFact::Object => FieldValueRef::Object,
        }
    }

    /// The name of the container the field belongs to, if it belongs to one.
    pub fn container(&self) -> Option<&'a str> {
        self.fact.container.map(|s| self.facts.str(s))
    }

    /// The field, copied out.
    pub fn to_owned(&self) -> FieldViolation {
        FieldViolation {
            path: self.path().to_string(),
            value: self.value().to_owned(),
            container: self.container().map(str::to_owned),
        }
    }
}

impl fmt::Debug for Field<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Field")
            .field("path", &self.path())
            .field("value", &self.value())
            .field("container", &self.container())
            .finish()
    }
}

impl PartialEq for Field<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.path() == other.path() && self.value() == other.value() && self.container() == other.container()
    }
}

impl PartialEq<FieldViolation> for Field<'_> {
    fn eq(&self, other: &FieldViolation) -> bool {
        self.path() == *other.path.as_str() && self.value() == other.value && self.container() == other.container()
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Field<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let container = self.container();
        let mut st = s.serialize_struct("FieldViolation", 2 + usize::from(container.is_some()))?;
        st.serialize_field("path", &self.path())?;
        st.serialize_field("value", &self.value())?;
        if let Some(c) = container {
            st.serialize_field("container", c)?;
        }
        st.end()
    }
}

/// A field's path, rendered when read: `Display`, compared with a `&str`, or written into a
/// `String` of yours with [`FieldPath::write_to`].
#[derive(Clone, Copy)]
pub struct FieldPath<'a> {
    facts: &'a Facts,
    path: &'a PathFact,
}

rendered_text! {
    FieldPath, "path",
    is_empty: "Whether the path is empty (never, for a field the checks found).",
    example: "use pss_core::{evaluate_json, LevelVersion};\n\nlet pod = br#\"{\"spec\": {\"containers\": [{\"name\": \"c\", \"securityContext\": {\"privileged\": true}}]}}\"#;\nlet result = evaluate_json(LevelVersion::default(), pod)?;\nlet mut path = String::new();\nresult[0].fields().get(0).unwrap().path().render(&mut path)?;\nassert_eq!(path, \"spec.containers[0].securityContext.privileged\");\n# Ok::<(), Box<dyn std::error::Error>>(())",
    render: |path, out| path.facts.write_path(path.path, out)
}

/// The value of an offending field, borrowed from its violation ([`FieldValue`] is the owned form).
///
/// `Display` writes it as JSON: `null`, `true`, `0`, `"Unconfined"`, `["NET_RAW"]`, or `{}` for an
/// object whose presence alone is the problem (a `hostPath` volume source).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldValueRef<'a> {
    /// Not set (or `null`), where the check requires a value.
    Unset,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    String(&'a str),
    /// A list of strings (such as `capabilities.drop` without `ALL`).
    List(StrList<'a>),
    /// An object that is set; its presence is the problem.
    Object,
}

impl FieldValueRef<'_> {
    /// The value, copied out.
    pub fn to_owned(&self) -> FieldValue {
        match *self {
            FieldValueRef::Unset => FieldValue::Unset,
            FieldValueRef::Bool(b) => FieldValue::Bool(b),
            FieldValueRef::Int(i) => FieldValue::Int(i),
            FieldValueRef::String(s) => FieldValue::String(s.to_owned()),
            FieldValueRef::List(items) => FieldValue::List(items.iter().map(str::to_owned).collect()),
            FieldValueRef::Object => FieldValue::Object,
        }
    }
}

impl PartialEq<FieldValue> for FieldValueRef<'_> {
    fn eq(&self, other: &FieldValue) -> bool {
        match (*self, other) {
            (FieldValueRef::Unset, FieldValue::Unset) | (FieldValueRef::Object, FieldValue::Object) => true,
            (FieldValueRef::Bool(a), FieldValue::Bool(b)) => a == *b,
            (FieldValueRef::Int(a), FieldValue::Int(b)) => a == *b,
            (FieldValueRef::String(a), FieldValue::String(b)) => a == b,
            (FieldValueRef::List(a), FieldValue::List(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x == y),
            _ => false,
        }
    }
}

impl PartialEq<&FieldValue> for FieldValueRef<'_> {
    fn eq(&self, other: &&FieldValue) -> bool {
        *self == **other
    }
}

impl FieldValueRef<'_> {
    /// Writes the value as JSON, as `Display` does, into any [`fmt::Write`], piece by piece (no
    /// formatting machinery).
    ///
    /// ```
    /// use pss_core::{evaluate_json, LevelVersion};
    ///
    /// let pod = br#"{"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#;
    /// let result = evaluate_json(LevelVersion::default(), pod)?;
    /// let mut json = String::new();
    /// result[0].fields().get(0).unwrap().value().render(&mut json)?;
    /// assert_eq!(json, "true");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    ///
    /// Generic over the writer, as [`FieldPath::render`].
    pub fn render<W: fmt::Write + ?Sized>(&self, out: &mut W) -> fmt::Result {
        match *self {
            FieldValueRef::Unset => out.write_str("null"),
            FieldValueRef::Bool(b) => out.write_str(if b { "true" } else { "false" }),
            FieldValueRef::Int(i) => write_json_int(out, i),
            FieldValueRef::String(s) => write_json_string(out, s),
            FieldValueRef::List(items) => write_json_list(out, items.iter()),
            FieldValueRef::Object => out.write_str("{}"),
        }
    }
}

impl fmt::Display for FieldValueRef<'_> {
    /// The value as JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render::<dyn fmt::Write>(f)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for FieldValueRef<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match *self {
            FieldValueRef::Unset => s.serialize_unit(),
            FieldValueRef::Bool(b) => s.serialize_bool(b),
            FieldValueRef::Int(i) => s.serialize_i64(i),
            FieldValueRef::String(v) => s.serialize_str(v),
            FieldValueRef::List(items) => s.collect_seq(items.iter()),
            FieldValueRef::Object => s.serialize_map(Some(0))?.end(),
        }
    }
}

/// A list of strings in a [`FieldValueRef::List`].
#[derive(Clone, Copy)]
pub struct StrList<'a> {
    facts: &'a Facts,
    spans: &'a [Span],
}

impl<'a> StrList<'a> {
    /// How many strings.
    pub fn len(&self) -> usize {
        self.spans.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.spans.is_empty()
    }

    /// The strings, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = &'a str> + DoubleEndedIterator + 'a {
        let facts = self.facts;
        self.spans.iter().map(move |s| facts.str(*s))
    }
}

impl fmt::Debug for StrList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl PartialEq for StrList<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for StrList<'_> {}

/// One offending field, owned: its JSON path in the object, its value, and the container it
/// belongs to ([`Field::to_owned`]; a fix's operations keep the fields they cure this way).
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FieldViolation {
    path: String,
    value: FieldValue,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    container: Option<String>,
}

impl FieldViolation {
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn new(path: String, value: FieldValue, container: Option<&str>) -> Self {
        FieldViolation { path, value, container: container.map(str::to_owned) }
    }

    /// The field's path, e.g. `spec.containers[0].securityContext.privileged`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The offending value ([`FieldValue::Unset`] when the check requires a value that is missing).
    pub fn value(&self) -> &FieldValue {
        &self.value
    }

    /// The name of the container the field belongs to, if it belongs to one.
    pub fn container(&self) -> Option<&str> {
        self.container.as_deref()
    }
}

/// The value of an offending field.
///
/// Serialises to JSON as the value itself: `null`, `true`, `0`, `"Unconfined"`, `["NET_RAW"]`, or `{}`
/// for an object whose presence alone is the problem (a `hostPath` volume source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Not set (or `null`), where the check requires a value.
    Unset,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    String(String),
    /// A list of strings (such as `capabilities.drop` without `ALL`).
    List(Vec<String>),
    /// An object that is set; its presence is the problem.
    Object,
}

impl FieldValue {
    /// Writes the value as JSON, as `Display` does, into any [`fmt::Write`], piece by piece (no
    /// formatting machinery).
    pub fn render(&self, out: &mut dyn fmt::Write) -> fmt::Result {
        match self {
            FieldValue::Unset => out.write_str("null"),
            FieldValue::Bool(b) => out.write_str(if *b { "true" } else { "false" }),
            FieldValue::Int(i) => write_json_int(out, *i),
            FieldValue::String(s) => write_json_string(out, s),
            FieldValue::List(items) => write_json_list(out, items.iter().map(String::as_str)),
            FieldValue::Object => out.write_str("{}"),
        }
    }
}

impl fmt::Display for FieldValue {
    /// The value as JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.render(f)
    }
}

/// An integer as JSON, as `{i}` formats it.
fn write_json_int<W: fmt::Write + ?Sized>(out: &mut W, i: i64) -> fmt::Result {
    if i < 0 {
        out.write_str("-")?;
    }
    let mut buf = crate::quote::DecimalBuf::default();
    out.write_str(crate::quote::decimal(i.unsigned_abs(), &mut buf))
}

/// A list of strings as JSON (both forms of a field's value write it).
fn write_json_list<'s, W: fmt::Write + ?Sized>(out: &mut W, items: impl Iterator<Item = &'s str>) -> fmt::Result {
    out.write_str("[")?;
    for (i, s) in items.enumerate() {
        if i > 0 {
            out.write_str(",")?;
        }
        write_json_string(out, s)?;
    }
    out.write_str("]")
}

/// A string as JSON: `"`, `\`, line feed, carriage return and tab escaped by their short forms,
/// the other control characters as `\u00XX`, everything else as it is, in runs.
fn write_json_string<W: fmt::Write + ?Sized>(out: &mut W, s: &str) -> fmt::Result {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.write_str("\"")?;
    let mut plain = 0;
    // Every byte escaped is ASCII, never part of a multi-byte character: the runs between them
    // are whole characters.
    for (i, b) in s.bytes().enumerate() {
        let short = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0..=0x1f => "",
            _ => continue,
        };
        out.write_str(&s[plain..i])?;
        plain = i + 1;
        if short.is_empty() {
            let code = [b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]];
            // Only ASCII was written.
            out.write_str(core::str::from_utf8(&code).unwrap_or_default())?;
        } else {
            out.write_str(short)?;
        }
    }
    out.write_str(&s[plain..])?;
    out.write_str("\"")
}

#[cfg(feature = "serde")]
impl serde::Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            FieldValue::Unset => s.serialize_unit(),
            FieldValue::Bool(b) => s.serialize_bool(*b),
            FieldValue::Int(i) => s.serialize_i64(*i),
            FieldValue::String(v) => s.serialize_str(v),
            FieldValue::List(items) => s.collect_seq(items),
            FieldValue::Object => s.serialize_map(Some(0))?.end(),
        }
    }
}

/// Room for a typical violation's ` (detail)` in [`Evaluation::forbidden_detail`]: the whole text of
/// 99% of the denied pods of ../shared/bench-corpus fits (restricted and baseline; their
/// `reason (detail)` averages 99 bytes).
const TYPICAL_DETAIL_LEN: usize = 128;

/// Where one violation's reason and detail lie in the text [`Evaluation::write_forbidden_detail`]
/// writes: byte ranges from the start of that text.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DetailSpans {
    /// The violation's index in [`Evaluation::violations`].
    pub violation: usize,
    /// Its [`reason`](Violation::reason).
    pub reason: Range<usize>,
    /// Its [`detail`](Violation::detail), without the parentheses around it; empty, at the end of
    /// the reason, when the detail is empty.
    pub detail: Range<usize>,
}

/// A writer that passes on a detail, opening its parenthesis (` (`) before the first byte, and
/// counts the detail's bytes.
struct Parenthesized<'w, W: fmt::Write + ?Sized> {
    out: &'w mut W,
    len: usize,
}

impl<W: fmt::Write + ?Sized> fmt::Write for Parenthesized<'_, W> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if self.len == 0 && !s.is_empty() {
            self.out.write_str(" (")?;
        }
        self.len += s.len();
        self.out.write_str(s)
    }
}

/// The result of evaluating one pod at one level and version: the violations in upstream's order.
///
/// Derefs to `[Violation]`; empty means allowed. Evaluating an allowed pod allocates nothing.
///
/// ```
/// use pss_core::{evaluate_json, LevelVersion};
///
/// let pod = br#"{"spec": {"hostNetwork": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#;
/// let result = evaluate_json(LevelVersion::default(), pod)?;
/// assert!(!result.allowed());
/// assert_eq!(result.len(), 2);
/// assert_eq!(result.forbidden_reason(), "host namespaces, privileged");
/// assert_eq!(
///     result.forbidden_detail(),
///     r#"host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)"#
/// );
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    level_version: LevelVersion,
    kind: Option<WorkloadKind>,
    violations: Vec<Violation>,
}

impl Evaluation {
    /// The evaluation of a pod.
    pub(crate) fn new(level_version: LevelVersion, violations: Vec<Violation>) -> Self {
        Evaluation { level_version, kind: Some(WorkloadKind::Pod), violations }
    }

    /// The evaluation of an object of `kind` (`None`: a bare pod spec), through its pod template.
    pub(crate) fn of(level_version: LevelVersion, kind: Option<WorkloadKind>, violations: Vec<Violation>) -> Self {
        Evaluation { level_version, kind, violations }
    }

    /// The level and version evaluated, as requested.
    pub fn level_version(&self) -> LevelVersion {
        self.level_version
    }

    /// What was evaluated: [`WorkloadKind::Pod`] for a pod ([`evaluate`](crate::evaluate),
    /// [`evaluate_json`](crate::evaluate_json)), the object's kind for a pod controller
    /// ([`evaluate_object`](crate::evaluate_object)), `None` for a bare pod spec
    /// ([`evaluate_spec`](crate::evaluate_spec), [`evaluate_spec_json`](crate::evaluate_spec_json)).
    pub fn kind(&self) -> Option<WorkloadKind> {
        self.kind
    }

    /// Whether the pod passes (no violations).
    pub fn allowed(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations, in upstream's order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations out.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// Upstream's `AggregateCheckResult.ForbiddenReason()`: the reasons joined by `", "`.
    pub fn forbidden_reason(&self) -> String {
        let len = self.violations.iter().map(|v| v.reason.len() + 2).sum::<usize>().saturating_sub(2);
        let mut out = String::with_capacity(len);
        // Writing into a String cannot fail.
        let _ = self.write_forbidden_reason::<dyn fmt::Write>(&mut out);
        out
    }

    /// Writes [`Evaluation::forbidden_reason`] into any [`fmt::Write`].
    ///
    /// ```
    /// use pss_core::{evaluate_json, Level, LevelVersion, Version};
    ///
    /// let pod = br#"{"spec": {"hostNetwork": true, "containers": [{"name": "app", "securityContext": {"privileged": true}}]}}"#;
    /// let result = evaluate_json(LevelVersion::new(Level::Baseline, Version::LATEST), pod)?;
    /// let mut reason = String::new();
    /// result.write_forbidden_reason(&mut reason)?;
    /// assert_eq!(reason, "host namespaces, privileged");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_forbidden_reason<W: fmt::Write + ?Sized>(&self, out: &mut W) -> fmt::Result {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                out.write_str(", ")?;
            }
            out.write_str(v.reason)?;
        }
        Ok(())
    }

    /// Upstream's `AggregateCheckResult.ForbiddenDetail()`: each `reason (detail)` (or `reason` when
    /// the detail is empty) joined by `", "`.
    pub fn forbidden_detail(&self) -> String {
        let mut out = String::with_capacity(self.forbidden_detail_room());
        self.push_forbidden_detail(&mut out);
        out
    }

    /// Room for [`Evaluation::forbidden_detail`]: each reason with its separator, and
    /// [`TYPICAL_DETAIL_LEN`] for each ` (detail)`. A guess, so that each detail is rendered once,
    /// straight into the text (sizing it exactly would render every detail twice); a longer text
    /// grows its buffer.
    fn forbidden_detail_room(&self) -> usize {
        self.violations.iter().map(|v| v.reason.len() + 2 + TYPICAL_DETAIL_LEN).sum()
    }

    /// Appends [`Evaluation::forbidden_detail`] to `out`, rendering each detail once.
    ///
    /// The join of [`Evaluation::write_forbidden_detail`], for a `String`: rendering each detail
    /// straight into it and taking ` (` back off when the detail renders empty costs less per
    /// piece than a general writer's wrapper (0.6% of `pss check`'s instructions on the bench
    /// corpus). Tests hold the two to the same text.
    fn push_forbidden_detail(&self, out: &mut String) {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(v.reason);
            // ` (detail)`, or nothing when the detail renders empty.
            let open = out.len();
            out.push_str(" (");
            v.detail().write_to(out);
            if out.len() == open + 2 {
                out.truncate(open);
            } else {
                out.push(')');
            }
        }
    }

    /// Writes [`Evaluation::forbidden_detail`] into any [`fmt::Write`], rendering each detail once,
    /// and tells `each` where each violation's reason and detail lie in it, once that violation is
    /// written (with `out` back, so that `each` may use the writer).
    ///
    /// The [`DetailSpans`] are byte ranges from the start of what this call writes. A violation
    /// whose detail is empty is written as its reason alone; its detail range is then empty, at the
    /// end of its reason. For a writer that points into the text rather than copy each reason and
    /// detail again (the C library's flat evaluation).
    ///
    /// ```
    /// use pss_core::{evaluate_json, Level, LevelVersion, Version};
    ///
    /// let pod = br#"{"spec": {"hostNetwork": true, "containers": [{"name": "app", "securityContext": {"privileged": true}}]}}"#;
    /// let result = evaluate_json(LevelVersion::new(Level::Baseline, Version::LATEST), pod)?;
    /// let mut text = String::new();
    /// let mut spans = Vec::new();
    /// result.write_forbidden_detail(&mut text, |_, at| spans.push(at))?;
    /// assert_eq!(text, result.forbidden_detail());
    /// assert_eq!(text, r#"host namespaces (hostNetwork=true), privileged (container "app" must not set securityContext.privileged=true)"#);
    /// assert_eq!(&text[spans[1].reason.clone()], "privileged");
    /// assert_eq!(&text[spans[1].detail.clone()], r#"container "app" must not set securityContext.privileged=true"#);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_forbidden_detail<W: fmt::Write + ?Sized>(
        &self,
        out: &mut W,
        mut each: impl FnMut(&mut W, DetailSpans),
    ) -> fmt::Result {
        let mut at = 0;
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                out.write_str(", ")?;
                at += 2;
            }
            out.write_str(v.reason)?;
            let reason = at..at + v.reason.len();
            at = reason.end;
            // ` (detail)`, or nothing when the detail renders empty: the parenthesis is opened
            // before the detail's first byte.
            let mut detail = Parenthesized { out: &mut *out, len: 0 };
            v.detail().render(&mut detail)?;
            let len = detail.len;
            let detail = if len == 0 {
                at..at
            } else {
                out.write_str(")")?;
                at += 2 + len + 1;
                at - 1 - len..at - 1
            };
            each(out, DetailSpans { violation: i, reason, detail });
        }
        Ok(())
    }

    /// The three aggregate texts at once, each detail rendered once (the message copies the
    /// `ForbiddenDetail`): upstream's `ForbiddenReason`, `ForbiddenDetail`, and the denial message
    /// for `name` (`None` when allowed), as [`forbidden_reason`](Evaluation::forbidden_reason),
    /// [`forbidden_detail`](Evaluation::forbidden_detail) and
    /// [`denial_message`](Evaluation::denial_message) give them one by one.
    pub fn texts(&self, name: &str) -> (String, String, Option<String>) {
        let detail = self.forbidden_detail();
        let message = (!self.allowed()).then(|| crate::message::denial(self.kind, name, self.level_version, &detail));
        (self.forbidden_reason(), detail, message)
    }

    /// The denial of what was evaluated, named `name`; `None` when it is allowed.
    ///
    /// - A pod, or a bare pod spec: the API server's message,
    ///   `pods "NAME" is forbidden: violates PodSecurity "baseline:latest": <forbidden_detail>`.
    /// - A pod controller, which the API server never denies (it warns) but whose pods it would
    ///   deny: `deployments "NAME" (pods it creates would be denied): violates PodSecurity
    ///   "baseline:latest": <forbidden_detail>`.
    ///
    /// The name is quoted as Go's `%q` quotes it. Without a name (say with `generateName`) it reads
    /// `pods is forbidden: ...`, as the API server's.
    ///
    /// ```
    /// use pss_core::{evaluate_object, LevelVersion, ObjectDocument};
    ///
    /// let deployment = ObjectDocument::from_str(r#"{"apiVersion": "apps/v1", "kind": "Deployment",
    ///   "metadata": {"name": "web"}, "spec": {"template": {"spec": {"hostNetwork": true, "containers": []}}}}"#)?;
    /// let result = evaluate_object(LevelVersion::default(), &deployment)?;
    /// assert_eq!(
    ///     result.denial_message("web").unwrap(),
    ///     r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn denial_message(&self, name: &str) -> Option<String> {
        if self.allowed() {
            return None;
        }
        let mut out =
            String::with_capacity(crate::message::DENIAL_HEAD_LEN + name.len() + self.forbidden_detail_room());
        crate::message::push_denial_head(&mut out, self.kind, name, self.level_version);
        self.push_forbidden_detail(&mut out);
        Some(out)
    }

    /// Writes the start of [`Evaluation::denial_message`] into any [`fmt::Write`], piece by piece:
    /// the words before its [`forbidden_detail`](Evaluation::forbidden_detail), `pods "NAME" is
    /// forbidden: violates PodSecurity "LEVEL:VERSION": ` (a controller's as `denial_message` words
    /// it). Nothing when allowed. For a writer that renders the detail itself, each violation where
    /// it goes (the C library's flat evaluation finds each reason and detail in the message so).
    ///
    /// ```
    /// use pss_core::{evaluate_json, LevelVersion};
    ///
    /// let pod = br#"{"spec": {"hostNetwork": true, "containers": []}}"#;
    /// let result = evaluate_json(LevelVersion::default(), pod)?;
    /// let mut head = String::new();
    /// result.write_denial_head("web", &mut head)?;
    /// assert_eq!(head + &result.forbidden_detail(), result.denial_message("web").unwrap());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn write_denial_head<W: fmt::Write + ?Sized>(&self, name: &str, out: &mut W) -> fmt::Result {
        if self.allowed() {
            return Ok(());
        }
        crate::message::write_denial_head(out, self.kind, name, self.level_version)
    }

    /// [`Evaluation::denial_message`] (the name it had before 0.2.0).
    #[deprecated(since = "0.2.0", note = "renamed `denial_message`, which also words a controller's denial")]
    pub fn admission_message(&self, name: &str) -> Option<String> {
        self.denial_message(name)
    }
}

/// `{"level": "baseline", "version": "latest", "kind": "Pod", "allowed": false, "violations": [...]}`;
/// `kind` is the object's (`"Deployment"`) or `"PodSpec"` for a bare pod spec.
#[cfg(feature = "serde")]
impl serde::Serialize for Evaluation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Evaluation", 5)?;
        st.serialize_field("level", &self.level_version.level)?;
        st.serialize_field("version", &self.level_version.version)?;
        st.serialize_field("kind", self.kind.map_or("PodSpec", WorkloadKind::kind))?;
        st.serialize_field("allowed", &self.allowed())?;
        st.serialize_field("violations", &self.violations)?;
        st.end()
    }
}

impl Deref for Evaluation {
    type Target = [Violation];
    fn deref(&self) -> &[Violation] {
        &self.violations
    }
}

impl IntoIterator for Evaluation {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.into_iter()
    }
}

impl<'a> IntoIterator for &'a Evaluation {
    type Item = &'a Violation;
    type IntoIter = core::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}

#[cfg(test)]
mod tests {
    use core::fmt::Write as _;

    use proptest::prelude::*;

    use super::*;
    use crate::checks::{Ctx, Noun, Piece};

    /// Both forms of a field's value write the same JSON, which parses back to the value.
    #[test]
    fn field_values_display_as_json() {
        let mut facts = Facts::new(Ctx::POD);
        let names = ["NET_RAW", "a \"quoted\" \\ name", "tab\there", "é"];
        let spans: Vec<Span> = names.iter().map(|n| facts.copy(n)).collect();
        let borrowed = FieldValueRef::List(StrList { facts: &facts, spans: &spans });
        let owned = borrowed.to_owned();
        for text in [borrowed.to_string(), owned.to_string()] {
            let parsed: Vec<String> = serde_json::from_str(&text).expect("JSON");
            assert_eq!(parsed, names, "{text}");
        }
        assert_eq!(FieldValueRef::List(StrList { facts: &facts, spans: &[] }).to_string(), "[]");
        assert_eq!(FieldValue::List(Vec::new()).to_string(), "[]");
    }

    /// The JSON of a value as it was written before values were rendered in runs: each character
    /// on its own through the formatting machinery.
    fn reference_json(value: &FieldValue) -> String {
        fn string(out: &mut String, s: &str) {
            out.push('"');
            for c in s.chars() {
                match c {
                    '"' => out.push_str("\\\""),
                    '\\' => out.push_str("\\\\"),
                    '\n' => out.push_str("\\n"),
                    '\r' => out.push_str("\\r"),
                    '\t' => out.push_str("\\t"),
                    c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
                    c => out.push_str(&format!("{c}")),
                }
            }
            out.push('"');
        }
        let mut out = String::new();
        match value {
            FieldValue::Unset => out.push_str("null"),
            FieldValue::Bool(b) => out.push_str(&format!("{b}")),
            FieldValue::Int(i) => out.push_str(&format!("{i}")),
            FieldValue::String(s) => string(&mut out, s),
            FieldValue::List(items) => {
                out.push('[');
                for (i, s) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    string(&mut out, s);
                }
                out.push(']');
            }
            FieldValue::Object => out.push_str("{}"),
        }
        out
    }

    fn text() -> impl Strategy<Value = String> {
        // Control characters, the escaped ones, multi-byte characters, and anything.
        prop_oneof![
            proptest::collection::vec(
                prop_oneof![
                    (0u8..0x20).prop_map(char::from),
                    Just('"'),
                    Just('\\'),
                    Just('\u{7f}'),
                    Just('é'),
                    Just('😀'),
                    Just('a')
                ],
                0..12
            )
            .prop_map(|cs| cs.into_iter().collect()),
            any::<String>(),
        ]
    }

    fn field_value() -> impl Strategy<Value = FieldValue> {
        prop_oneof![
            Just(FieldValue::Unset),
            Just(FieldValue::Object),
            any::<bool>().prop_map(FieldValue::Bool),
            prop_oneof![Just(i64::MIN), Just(i64::MAX), Just(0), Just(-1), any::<i64>()].prop_map(FieldValue::Int),
            text().prop_map(FieldValue::String),
            proptest::collection::vec(text(), 0..4).prop_map(FieldValue::List),
        ]
    }

    proptest::proptest! {
        /// Both forms of a value render the JSON the formatting machinery wrote, character by
        /// character, before: the same bytes in `pss check`'s output and the C library's.
        #[test]
        fn values_render_as_they_did(value in field_value()) {
            let want = reference_json(&value);
            let mut rendered = String::new();
            value.render(&mut rendered).unwrap();
            proptest::prop_assert_eq!(&rendered, &want);
            proptest::prop_assert_eq!(value.to_string(), want.clone());
            // The borrowed form, over recorded strings.
            let mut facts = Facts::new(Ctx::POD);
            let borrowed_list;
            let borrowed = match &value {
                FieldValue::Unset => FieldValueRef::Unset,
                FieldValue::Object => FieldValueRef::Object,
                FieldValue::Bool(b) => FieldValueRef::Bool(*b),
                FieldValue::Int(i) => FieldValueRef::Int(*i),
                FieldValue::String(s) => FieldValueRef::String(s),
                FieldValue::List(items) => {
                    borrowed_list = items.iter().map(|s| facts.copy(s)).collect::<Vec<Span>>();
                    FieldValueRef::List(StrList { facts: &facts, spans: &borrowed_list })
                }
            };
            proptest::prop_assert_eq!(borrowed.to_string(), want);
        }
    }

    /// `is_empty` says what `len` and the rendered text say, whatever pieces render empty first.
    #[test]
    fn is_empty_agrees_with_the_rendered_text() {
        let cases: [&[Piece<'_>]; 7] = [
            &[],
            &[Piece::Str("")],
            &[Piece::Str(""), Piece::Quoted(&[]), Piece::Counted(Noun::Container, &[])],
            &[Piece::Str(""), Piece::Str("x")],
            &[Piece::Quoted(&[]), Piece::Quoted(&["a"])],
            &[Piece::Counted(Noun::Container, &[])],
            &[Piece::Str("hostNetwork=true")],
        ];
        for pieces in cases {
            let mut facts = Facts::new(Ctx::POD);
            let (start, end) = facts.detail(pieces);
            let detail = Detail { facts: &facts, atoms: &facts.atoms[start..end] };
            let text = detail.to_string();
            assert_eq!(detail.is_empty(), text.is_empty(), "{pieces:?}: {text:?}");
            assert_eq!(detail.len(), text.len(), "{pieces:?}: {text:?}");
        }

        let mut facts = Facts::new(Ctx::SPEC);
        let empty = facts.copy("");
        for (path, expected) in [(PathFact::Spec(""), ""), (PathFact::Text(empty), ""), (PathFact::Spec("os"), "os")] {
            let path = FieldPath { facts: &facts, path: &path };
            assert_eq!(path, expected);
            assert_eq!(path.is_empty(), expected.is_empty(), "{expected:?}");
        }
    }

    /// A violation with an empty detail is its reason alone in the aggregate texts, as upstream's
    /// `ForbiddenDetail` words it; the others are `reason (detail)`.
    #[test]
    fn an_empty_detail_adds_no_parentheses() {
        let v = |reason, detail| Violation::new(CheckId::Privileged, reason, detail, &[]);
        let lv = LevelVersion::default();
        let result = Evaluation::new(lv, vec![v("a", ""), v("b", "hostNetwork=true"), v("c", "")]);
        assert!(result[0].detail().is_empty() && !result[1].detail().is_empty());
        assert_eq!(result.forbidden_detail(), "a, b (hostNetwork=true), c");
        assert_eq!(
            result.denial_message("p").unwrap(),
            r#"pods "p" is forbidden: violates PodSecurity "baseline:latest": a, b (hostNetwork=true), c"#
        );
        assert_eq!(result.texts("p").1, "a, b (hostNetwork=true), c");
        assert_eq!(result[0].to_string(), "a");
        assert_eq!(result[1].to_string(), "b (hostNetwork=true)");
        let only_empty = Evaluation::new(lv, vec![v("a", "")]);
        assert_eq!(only_empty.forbidden_detail(), "a");
    }

    /// Whether a text is empty is known at its first byte: rendering goes no further.
    #[test]
    fn is_empty_stops_at_the_first_byte() {
        assert!(!renders_empty(|w| {
            w.write_str("")?;
            w.write_str("a")?;
            unreachable!("rendering went on after the first byte")
        }));
        assert!(renders_empty(|w| w.write_str("")));
    }
}
