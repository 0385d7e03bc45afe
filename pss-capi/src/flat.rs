//! The flat form of an evaluation: the whole result written into one buffer the caller owns, as
//! documented `#[repr(C)]` records followed by every text and every value, so that a caller reads it
//! with no further call and copies it with one (`pss_evaluate_flat`,
//! `pss_level_version_evaluate_flat`, `pss_evaluation_write_flat`).
//!
//! The encoder runs twice over the same source: once to measure (nothing written), once to write into
//! the caller's buffer when it is large enough. Both runs place every byte at the same offset, and
//! every write into the buffer is bounds-checked, so a mistake here can only ever be a caught panic.

use core::fmt::{self, Write as _};
use core::mem::{size_of, MaybeUninit};

use pss_core::{Evaluation, NoPodTemplate, Violation, WorkloadKind};

use crate::evaluation::{pss_evaluation_view, view_fields};
use crate::ffi::Failure;
use crate::result::pss_result;
use crate::view::{pss_str, pss_violation_view};

/// The first four bytes of every flat evaluation, read as a native `uint32_t`: the ASCII letters
/// `PSSE` in memory on a little-endian machine.
pub const PSS_FLAT_MAGIC: u32 = 0x45535350;

/// The version of the flat layout the functions of this header write (`pss_flat_evaluation.version`).
/// The layout of a version never changes; a later layout gets a new number and new functions, and
/// the functions of this header go on writing version 1.
pub const PSS_FLAT_VERSION: u32 = 1;

/// `pss_flat_evaluation.flags`: the pod (spec, workload) is allowed (it has no violations).
pub const PSS_FLAT_ALLOWED: u32 = 1;

/// `pss_flat_evaluation.flags`: the object has no pod template and is allowed for that reason (a
/// ReplicationController without `spec.template`); `note` says so.
pub const PSS_FLAT_TEMPLATE_ABSENT: u32 = 2;

/// What a flat function reads its input as: the `entry` parameter of `pss_evaluate_flat` and
/// `pss_level_version_evaluate_flat`, with the rules of the three evaluating functions.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pss_entry {
    /// A pod, as `pss_evaluate` reads it: without `kind` a pod; another `kind` is
    /// `PSS_RESULT_UNEXPECTED_KIND`, a bare pod spec `PSS_RESULT_BARE_POD_SPEC`.
    Pod = 0,
    /// A bare pod spec, as `pss_evaluate_spec` reads it (paths relative to the spec).
    Spec = 1,
    /// Any object, as `pss_evaluate_object` reads it (its `kind` decides; without one,
    /// `PSS_RESULT_NOT_A_WORKLOAD`).
    Object = 2,
}

impl pss_entry {
    /// The entry for a number a caller passed; `None` for a number that names none.
    pub(crate) fn from_u32(entry: u32) -> Option<pss_entry> {
        [pss_entry::Pod, pss_entry::Spec, pss_entry::Object].into_iter().find(|e| *e as u32 == entry)
    }
}

/// Where a text is in a flat evaluation: `len` bytes at `offset` from the start of the buffer. An
/// absent text (a pod without a name, the kind of a bare pod spec) is `{0, 0}`; a present text,
/// even an empty one, has a non-zero offset (the header comes first).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct pss_span {
    /// The offset of the first byte from the start of the buffer (0 only for an absent text).
    pub offset: u32,
    /// The number of bytes (UTF-8, not NUL-terminated).
    pub len: u32,
}

impl pss_span {
    /// The span of an absent text.
    pub(crate) const ABSENT: pss_span = pss_span { offset: 0, len: 0 };
}

/// The header of a flat evaluation, at offset 0 of the buffer: what `pss_evaluation_get_view` gives,
/// with offsets instead of pointers.
///
/// Layout (version 1), every part at an offset that is a multiple of 8 and every number a native
/// `uint32_t`:
///
/// ```text
/// pss_flat_evaluation                      at 0
/// pss_flat_violation[violation_count]      at violations
/// pss_flat_field[field_count]              at fields
/// texts: every text, back to back          at texts.offset, texts.len bytes
/// values: every field's value as JSON      at values.offset == texts.offset + texts.len
/// ```
///
/// `size` is the number of bytes written, `texts.offset + texts.len + values.len`. A text may be part
/// of another (the detail is the end of the denial message, each violation's reason and detail lie
/// in it): every span lies inside `texts` (a value's inside `values`), so a caller can copy the texts
/// and the values once and find each text in the copy at `offset - texts.offset`. In a buffer aligned
/// for `uint32_t` (malloc's, or an array of `uint64_t`) the records can be read in place through
/// these types.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct pss_flat_evaluation {
    /// `PSS_FLAT_MAGIC`.
    pub magic: u32,
    /// `PSS_FLAT_VERSION` (1).
    pub version: u32,
    /// The number of bytes of the flat evaluation, header included.
    pub size: u32,
    /// `PSS_FLAT_ALLOWED` and `PSS_FLAT_TEMPLATE_ABSENT`, or'ed.
    pub flags: u32,
    /// As `pss_evaluation_kind` (absent for a bare pod spec).
    pub kind: pss_span,
    /// As `pss_evaluation_template_path` (absent for a bare pod spec).
    pub template_path: pss_span,
    /// As `pss_evaluation_pod_name` (absent without a name).
    pub pod_name: pss_span,
    /// As `pss_evaluation_reason` (empty when allowed).
    pub reason: pss_span,
    /// As `pss_evaluation_detail` (empty when allowed).
    pub detail: pss_span,
    /// As `pss_evaluation_denial_message` (empty when allowed).
    pub denial_message: pss_span,
    /// As `pss_evaluation_note` (absent but for an object without a pod template).
    pub note: pss_span,
    /// The offset of the first `pss_flat_violation`.
    pub violations: u32,
    /// The number of violations, in upstream's order.
    pub violation_count: u32,
    /// The offset of the first `pss_flat_field`: the fields of every violation, violation by violation.
    pub fields: u32,
    /// The number of fields of all violations.
    pub field_count: u32,
    /// Every text but the values.
    pub texts: pss_span,
    /// Every field's value as JSON, right after `texts`.
    pub values: pss_span,
}

/// One failed check in a flat evaluation: as `pss_violation_view`, its fields given by index.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct pss_flat_violation {
    /// As `pss_violation_check_id`.
    pub check_id: pss_span,
    /// As `pss_violation_reason`.
    pub reason: pss_span,
    /// As `pss_violation_detail` (may be empty).
    pub detail: pss_span,
    /// The index of this violation's first field in the evaluation's `pss_flat_field` array.
    pub first_field: u32,
    /// The number of this violation's fields, from `first_field` on.
    pub field_count: u32,
}

/// One offending field in a flat evaluation, as `pss_field_view`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[allow(non_camel_case_types)]
pub struct pss_flat_field {
    /// As `pss_field_path`.
    pub path: pss_span,
    /// As `pss_field_value_json`: a span inside the evaluation's `values`.
    pub value_json: pss_span,
    /// As `pss_field_container` (absent for a pod-level field).
    pub container: pss_span,
}

const HEADER: usize = size_of::<pss_flat_evaluation>();
const VIOLATION: usize = size_of::<pss_flat_violation>();
const FIELD: usize = size_of::<pss_flat_field>();

// The records are plain `u32`s: no padding (every byte written is initialised), and every size a
// multiple of 8, so that every part of the layout stays 8-aligned. The numbers are the layout of
// version 1 and must never change.
const _: () = assert!(HEADER == 104 && VIOLATION == 32 && FIELD == 24);
const _: () = assert!(HEADER % 8 == 0 && VIOLATION % 8 == 0 && FIELD % 8 == 0);

/// A record written as its bytes.
///
/// # Safety
/// `T` is one of the records above: `repr(C)`, only `u32` fields, no padding.
unsafe trait Record: Copy {
    fn bytes(&self) -> &[u8] {
        // SAFETY: `Self` has no padding and only integer fields (the implementor's guarantee), so
        // all of its `size_of` bytes are initialised and readable as `u8` for as long as `self`.
        unsafe { core::slice::from_raw_parts((self as *const Self).cast::<u8>(), size_of::<Self>()) }
    }
}
// SAFETY: `repr(C)`, only `u32` fields (checked sizes above).
unsafe impl Record for pss_flat_evaluation {}
// SAFETY: as above.
unsafe impl Record for pss_flat_violation {}
// SAFETY: as above.
unsafe impl Record for pss_flat_field {}

/// Where the encoder's bytes go.
pub(crate) trait Sink {
    /// Puts `bytes` at offset `at`.
    fn put(&mut self, at: usize, bytes: &[u8]);
}

/// Measuring: nothing is written.
struct Measure;

impl Sink for Measure {
    fn put(&mut self, _: usize, _: &[u8]) {}
}

/// A caller's buffer.
struct Buffer<'b> {
    buf: &'b mut [MaybeUninit<u8>],
}

impl Sink for Buffer<'_> {
    fn put(&mut self, at: usize, bytes: &[u8]) {
        // Bounds-checked: a write past the end is a panic (caught at the boundary), never a write
        // outside the caller's buffer.
        let dst = &mut self.buf[at..at + bytes.len()];
        // SAFETY: `dst` is `bytes.len()` writable bytes (`MaybeUninit<u8>` has the layout of `u8`),
        // and the caller's buffer does not overlap the library's texts or the caller's input (the
        // exported functions' contract).
        unsafe { core::ptr::copy_nonoverlapping(bytes.as_ptr(), dst.as_mut_ptr().cast::<u8>(), bytes.len()) }
    }
}

/// The encoder: a sink, where the next text and the next value go, and the text that others may lie
/// in (the denial message).
pub(crate) struct Encoder<'a, S> {
    sink: S,
    text_at: usize,
    value_at: usize,
    anchor: Option<(&'a str, usize)>,
}

/// An offset or a length as a span's `u32`; larger ones only occur while measuring, which then fails.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn span(offset: usize, len: usize) -> pss_span {
    pss_span { offset: to_u32(offset), len: to_u32(len) }
}

impl<'a, S: Sink> Encoder<'a, S> {
    /// Writes a text (or finds it inside the anchor) and gives its span; `None` is absent.
    fn text(&mut self, s: Option<&str>) -> pss_span {
        let Some(s) = s else { return pss_span::ABSENT };
        if let Some((anchor, at)) = self.anchor {
            let (start, end) = (anchor.as_ptr().addr(), anchor.as_ptr().addr() + anchor.len());
            let first = s.as_ptr().addr();
            if !s.is_empty() && first >= start && first + s.len() <= end {
                return span(at + (first - start), s.len());
            }
        }
        let at = self.text_at;
        self.sink.put(at, s.as_bytes());
        self.text_at += s.len();
        span(at, s.len())
    }

    /// Writes a text pss-core renders piece by piece.
    fn rendered(&mut self, render: impl FnOnce(&mut Texts<'_, 'a, S>) -> fmt::Result) -> pss_span {
        let at = self.text_at;
        // Writing to the encoder never fails.
        let _ = render(&mut Texts(self));
        span(at, self.text_at - at)
    }

    /// Writes the text that the texts given next may lie in.
    fn anchor(&mut self, s: &'a str) -> pss_span {
        self.anchor = None;
        let at = self.text_at;
        let written = self.text(Some(s));
        self.anchor = Some((s, at));
        written
    }

    /// Writes a value's JSON text.
    fn value(&mut self, value: impl fmt::Display) -> pss_span {
        let start = self.value_at;
        // Writing to the encoder never fails (a `Display` that fails is a bug: caught as a panic).
        write!(Values(self), "{value}").expect("a field value's Display does not fail");
        span(start, self.value_at - start)
    }

    fn record(&mut self, at: usize, record: &impl Record) {
        self.sink.put(at, record.bytes());
    }
}

/// The encoder's text writer, for rendered texts.
struct Texts<'e, 'a, S>(&'e mut Encoder<'a, S>);

impl<S: Sink> fmt::Write for Texts<'_, '_, S> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let at = self.0.text_at;
        self.0.sink.put(at, s.as_bytes());
        self.0.text_at += s.len();
        Ok(())
    }
}

/// The encoder's value writer.
struct Values<'e, 'a, S>(&'e mut Encoder<'a, S>);

impl<S: Sink> fmt::Write for Values<'_, '_, S> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let at = self.0.value_at;
        self.0.sink.put(at, s.as_bytes());
        self.0.value_at += s.len();
        Ok(())
    }
}

/// What can be written flat: a fresh pss-core evaluation, or a `pss_evaluation` already made.
pub(crate) trait Source<'a> {
    /// The number of violations and of fields of all of them.
    fn counts(&self) -> (usize, usize);

    /// Writes every text, value and record but the header, and gives the header's fields (magic,
    /// version, size, records, texts and values are the encoder's). The records go at `violations`
    /// and `fields`.
    fn encode<S: Sink>(&'a self, enc: &mut Encoder<'a, S>, violations: usize, fields: usize) -> pss_flat_evaluation;
}

/// Writes `source` flat into `buf` (`buf_len` bytes; NULL and 0 to measure only) and gives its size.
///
/// # Safety
/// A non-NULL `buf` is valid for writing `buf_len` bytes and overlaps nothing the source reads.
pub(crate) unsafe fn write<'a>(source: &'a impl Source<'a>, buf: *mut u8, buf_len: usize) -> Result<usize, Failure> {
    if buf.is_null() && buf_len > 0 {
        return Err(Failure::null("buf"));
    }
    let (violation_count, field_count) = source.counts();
    let violations = HEADER;
    let fields = violation_count.checked_mul(VIOLATION).and_then(|n| n.checked_add(violations));
    let texts = fields.and_then(|at| field_count.checked_mul(FIELD).and_then(|n| n.checked_add(at)));
    let (Some(fields), Some(texts)) = (fields, texts) else { return Err(too_large(usize::MAX)) };

    let mut measure = Encoder { sink: Measure, text_at: texts, value_at: 0, anchor: None };
    source.encode(&mut measure, violations, fields);
    let (texts_len, values_len) = (measure.text_at - texts, measure.value_at);
    let size = texts.checked_add(texts_len).and_then(|n| n.checked_add(values_len)).unwrap_or(usize::MAX);
    if size > u32::MAX as usize {
        return Err(too_large(size));
    }
    if buf.is_null() {
        return Ok(size);
    }
    if size > buf_len {
        return Err(Failure::new(
            pss_result::InsufficientSize,
            format!("the buffer is too small: the evaluation needs {size} bytes, the buffer has {buf_len}"),
        ));
    }
    // SAFETY: `buf` is non-NULL and valid for writing `buf_len >= size` bytes (the caller's
    // guarantee); `MaybeUninit<u8>` makes no claim about their contents; no other reference to them
    // exists during the call.
    let out = unsafe { core::slice::from_raw_parts_mut(buf.cast::<MaybeUninit<u8>>(), size) };
    let mut enc = Encoder { sink: Buffer { buf: out }, text_at: texts, value_at: texts + texts_len, anchor: None };
    let head = source.encode(&mut enc, violations, fields);
    // The two runs must agree; if they did not, the buffer holds garbage: fail (as a panic) rather
    // than hand it out.
    assert!(
        enc.text_at == texts + texts_len && enc.value_at == size,
        "the flat evaluation's measure and write disagree"
    );
    let header = pss_flat_evaluation {
        magic: PSS_FLAT_MAGIC,
        version: PSS_FLAT_VERSION,
        size: to_u32(size),
        violations: to_u32(violations),
        violation_count: to_u32(violation_count),
        fields: to_u32(fields),
        field_count: to_u32(field_count),
        texts: span(texts, texts_len),
        values: span(texts + texts_len, values_len),
        ..head
    };
    enc.record(0, &header);
    Ok(size)
}

fn too_large(size: usize) -> Failure {
    Failure::new(
        pss_result::InputTooLarge,
        format!("the evaluation's flat form would be {size} bytes, more than the 4 GiB its offsets can address"),
    )
}

/// The flags of a header.
fn flags(allowed: bool, template_absent: bool) -> u32 {
    (if allowed { PSS_FLAT_ALLOWED } else { 0 }) | (if template_absent { PSS_FLAT_TEMPLATE_ABSENT } else { 0 })
}

/// A pss-core evaluation as it comes out of an evaluating function, with the texts pss-core words for
/// it: written flat without making a `pss_evaluation`.
#[derive(Debug)]
pub(crate) struct CoreSource<'a> {
    evaluation: &'a Evaluation,
    name: Option<&'a str>,
    reason: String,
    message: String,
    /// Where upstream's aggregate detail starts at the end of `message` (checked byte for byte once,
    /// here), so that the encoder finds each violation's reason and detail in it by their lengths.
    detail_at: Option<usize>,
    /// The aggregate detail when the message does not end with it (it always does).
    detail: Option<String>,
}

impl<'a> CoreSource<'a> {
    /// The evaluation of something named `name`, with pss-core's reason and denial message.
    pub(crate) fn new(evaluation: &'a Evaluation, name: Option<&'a str>) -> CoreSource<'a> {
        let message = evaluation.denial_message(name.unwrap_or_default()).unwrap_or_default();
        let reason = evaluation.forbidden_reason();
        let detail_at = detail_start(evaluation.violations(), &message);
        let detail = detail_at.is_none().then(|| evaluation.forbidden_detail());
        CoreSource { evaluation, name, reason, message, detail_at, detail }
    }
}

/// Where upstream's aggregate detail of `violations` (`reason (detail), reason`, as
/// `Evaluation::forbidden_detail` words it) starts at the end of `message`, checked byte for byte;
/// `None` when the message does not end with it, and when it is empty.
fn detail_start(violations: &[Violation], message: &str) -> Option<usize> {
    let shown = |v: &Violation| v.reason().len() + if v.detail().is_empty() { 0 } else { v.detail().len() + 3 };
    let len = violations.iter().map(shown).sum::<usize>() + 2 * violations.len().checked_sub(1)?;
    let start = message.len().checked_sub(len)?;
    let mut walk = Walk { text: message, at: start };
    for (i, v) in violations.iter().enumerate() {
        walk.parts(v, i > 0)?;
    }
    Some(start)
}

/// A walk along an aggregate detail inside a text, taking each violation's reason and detail.
struct Walk<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> Walk<'t> {
    /// Takes `part` at the current place, or `None` when the text does not go on with it.
    fn expect(&mut self, part: &str) -> Option<&'t str> {
        let here = self.text.get(self.at..self.at + part.len()).filter(|s| *s == part)?;
        self.at += part.len();
        Some(here)
    }

    /// Takes `[, ]reason[ (detail)]` and gives the reason and detail as parts of the text.
    fn parts(&mut self, v: &Violation, comma: bool) -> Option<(&'t str, &'t str)> {
        if comma {
            self.expect(", ")?;
        }
        let reason = self.expect(v.reason())?;
        if v.detail().is_empty() {
            return Some((reason, &self.text[self.at..self.at]));
        }
        self.expect(" (")?;
        let detail = v.detail();
        let here = self.text.get(self.at..self.at + detail.len()).filter(|s| detail == **s)?;
        self.at += here.len();
        self.expect(")")?;
        Some((reason, here))
    }
}

/// The reason and detail of `v` in an aggregate detail already checked to hold them (`detail_start`),
/// at `*at` (after `, ` when `comma`), by their lengths; `*at` moves past them. `None` only if the
/// text is not as checked (then the caller writes the violation's own texts).
fn parts_at<'t>(text: &'t str, at: &mut usize, v: &Violation, comma: bool) -> Option<(&'t str, &'t str)> {
    let mut take = |skip: usize, len: usize| {
        let start = *at + skip;
        *at = start + len;
        text.get(start..*at)
    };
    let reason = take(if comma { 2 } else { 0 }, v.reason().len())?;
    if v.detail().is_empty() {
        return Some((reason, take(0, 0)?));
    }
    let detail = take(2, v.detail().len())?;
    take(1, 0)?;
    Some((reason, detail))
}

impl<'a> Source<'a> for CoreSource<'a> {
    fn counts(&self) -> (usize, usize) {
        let violations = self.evaluation.violations();
        (violations.len(), violations.iter().map(|v| v.fields().len()).sum())
    }

    fn encode<S: Sink>(&'a self, enc: &mut Encoder<'a, S>, violations: usize, fields: usize) -> pss_flat_evaluation {
        let evaluation = self.evaluation;
        let kind = evaluation.kind();
        let mut head = pss_flat_evaluation {
            flags: flags(evaluation.allowed(), false),
            kind: enc.text(kind.map(WorkloadKind::kind)),
            template_path: enc.text(kind.map(WorkloadKind::template_path)),
            pod_name: enc.text(self.name),
            reason: enc.text(Some(&self.reason)),
            denial_message: enc.anchor(&self.message),
            ..pss_flat_evaluation::default()
        };
        // The detail is the message's tail, and each violation's reason and detail lie in it (found by
        // their lengths: `new` checked the bytes).
        head.detail = match (&self.detail, self.detail_at) {
            (Some(detail), _) => enc.text(Some(detail)),
            (None, Some(start)) => enc.text(Some(&self.message[start..])),
            (None, None) => enc.text(Some("")),
        };
        let mut at = self.detail_at;
        let mut first_field = 0;
        for (i, v) in evaluation.violations().iter().enumerate() {
            let parts = at.as_mut().and_then(|at| parts_at(&self.message, at, v, i > 0));
            let (reason, detail) = match parts {
                Some((reason, detail)) => (reason, enc.text(Some(detail))),
                None => (v.reason(), enc.rendered(|w| v.detail().render(w))),
            };
            let record = pss_flat_violation {
                check_id: enc.text(Some(v.check().as_str())),
                reason: enc.text(Some(reason)),
                detail,
                first_field: to_u32(first_field),
                field_count: to_u32(v.fields().len()),
            };
            enc.record(violations + i * VIOLATION, &record);
            for f in v.fields() {
                let record = pss_flat_field {
                    path: enc.rendered(|w| f.path().render(w)),
                    value_json: enc.value(f.value()),
                    container: enc.text(f.container()),
                };
                enc.record(fields + first_field * FIELD, &record);
                first_field += 1;
            }
        }
        head
    }
}

/// An object without a pod template (allowed, as upstream allows it), with pss-core's note.
#[derive(Debug)]
pub(crate) struct AbsentSource<'a> {
    allowed: bool,
    kind: WorkloadKind,
    name: Option<&'a str>,
    note: String,
}

impl<'a> AbsentSource<'a> {
    pub(crate) fn new(kind: WorkloadKind, name: Option<&'a str>, why: &NoPodTemplate) -> AbsentSource<'a> {
        AbsentSource { allowed: why.allowed(), kind, name, note: why.to_string() }
    }
}

impl<'a> Source<'a> for AbsentSource<'a> {
    fn counts(&self) -> (usize, usize) {
        (0, 0)
    }

    fn encode<S: Sink>(&'a self, enc: &mut Encoder<'a, S>, _: usize, _: usize) -> pss_flat_evaluation {
        pss_flat_evaluation {
            flags: flags(self.allowed, true),
            kind: enc.text(Some(self.kind.kind())),
            template_path: enc.text(Some(self.kind.template_path())),
            pod_name: enc.text(self.name),
            reason: enc.text(Some("")),
            denial_message: enc.text(Some("")),
            detail: enc.text(Some("")),
            note: enc.text(Some(&self.note)),
            ..pss_flat_evaluation::default()
        }
    }
}

/// A `pss_evaluation` already made (its view), written flat.
pub(crate) struct ViewSource<'a> {
    view: &'a pss_evaluation_view,
}

impl<'a> ViewSource<'a> {
    pub(crate) fn new(view: &'a pss_evaluation_view) -> ViewSource<'a> {
        ViewSource { view }
    }

    fn violations(&self) -> &'a [pss_violation_view] {
        // SAFETY: a view's arrays hold `violation_count` violations at a non-NULL, aligned address,
        // owned by the evaluation that `'a` borrows.
        unsafe { core::slice::from_raw_parts(self.view.violations, self.view.violation_count) }
    }
}

impl<'a> Source<'a> for ViewSource<'a> {
    fn counts(&self) -> (usize, usize) {
        let violations = self.violations();
        (violations.len(), violations.iter().map(|v| v.field_count).sum())
    }

    fn encode<S: Sink>(&'a self, enc: &mut Encoder<'a, S>, violations: usize, fields: usize) -> pss_flat_evaluation {
        let v = self.view;
        let text = |s: &'a pss_str| s.get();
        let mut head = pss_flat_evaluation {
            flags: flags(v.allowed, v.template_absent),
            kind: enc.text(text(&v.kind)),
            template_path: enc.text(text(&v.template_path)),
            pod_name: enc.text(text(&v.pod_name)),
            reason: enc.text(text(&v.reason)),
            ..pss_flat_evaluation::default()
        };
        head.denial_message = match text(&v.denial_message) {
            Some(message) => enc.anchor(message),
            None => pss_span::ABSENT,
        };
        head.detail = enc.text(text(&v.detail));
        head.note = enc.text(text(&v.note));
        let mut first_field = 0;
        for (i, violation) in self.violations().iter().enumerate() {
            let record = pss_flat_violation {
                check_id: enc.text(text(&violation.check_id)),
                reason: enc.text(text(&violation.reason)),
                detail: enc.text(text(&violation.detail)),
                first_field: to_u32(first_field),
                field_count: to_u32(violation.field_count),
            };
            enc.record(violations + i * VIOLATION, &record);
            // SAFETY: the violation is a view of the evaluation `'a` borrows.
            for f in unsafe { view_fields(violation) } {
                let record = pss_flat_field {
                    path: enc.text(text(&f.path)),
                    value_json: enc.value(text(&f.value_json).unwrap_or("")),
                    container: enc.text(text(&f.container)),
                };
                enc.record(fields + first_field * FIELD, &record);
                first_field += 1;
            }
        }
        head
    }
}

#[cfg(test)]
#[path = "flat_tests.rs"]
pub(crate) mod tests;
