//! The flat form of an evaluation: the whole result written into one buffer the caller owns, as
//! documented `#[repr(C)]` records followed by every text and every value, so that a caller reads it
//! with no further call and copies it with one (`pss_evaluate_flat`,
//! `pss_level_version_evaluate_flat`, `pss_evaluation_write_flat`).
//!
//! The encoder runs once over the source into a buffer on the stack, rendering each text once, and
//! the result is copied into the caller's buffer when it fits; a result larger than the stack's
//! buffer is encoded a second time, straight into the caller's buffer. Both runs place every byte at
//! the same offset, and every write is bounds-checked, so a mistake here can only ever be a caught
//! panic or an error.

use core::fmt::{self, Write as _};
use core::mem::{size_of, MaybeUninit};

use pss_core::{Evaluation, NoPodTemplate, WorkloadKind};

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
/// Where `check_id` is in a `pss_flat_violation`, and `value_json` in a `pss_flat_field`.
const CHECK_ID_AT: usize = core::mem::offset_of!(pss_flat_violation, check_id);
const VALUE_AT: usize = core::mem::offset_of!(pss_flat_field, value_json);

// The records are plain `u32`s: no padding (every byte written is initialised), and every size a
// multiple of 8, so that every part of the layout stays 8-aligned. The numbers are the layout of
// version 1 and must never change.
const _: () = assert!(HEADER == 104 && VIOLATION == 32 && FIELD == 24);
const _: () = assert!(HEADER % 8 == 0 && VIOLATION % 8 == 0 && FIELD % 8 == 0);
const _: () = assert!(CHECK_ID_AT == 0 && VALUE_AT == 8);

/// The bytes of the encoder's first run, on the stack: every flat evaluation of the bench corpus
/// fits (the largest is about 5 KiB, a denied pod's about 2 KiB), so that it is rendered once and
/// copied once, and the caller's buffer is written only when the evaluation fits it.
const SCRATCH: usize = 8 << 10;

/// A record written as its bytes (`Buffer::put_record`).
///
/// # Safety
/// `T` is one of the records above: `repr(C)`, only `u32` fields, no padding, so that all of its
/// `size_of` bytes are initialised.
unsafe trait Record: Copy {}
// SAFETY: `repr(C)`, only `u32` fields (checked sizes above).
unsafe impl Record for pss_flat_evaluation {}
// SAFETY: as above.
unsafe impl Record for pss_flat_violation {}
// SAFETY: as above.
unsafe impl Record for pss_flat_field {}
// SAFETY: as above.
unsafe impl Record for pss_span {}

/// Where the encoder's bytes go: a buffer, bounds-checked. A write that does not fit is dropped and
/// remembered, so that a run over a buffer too small still finds where everything goes (the size).
struct Buffer<'b> {
    buf: &'b mut [MaybeUninit<u8>],
    overflowed: bool,
}

impl Buffer<'_> {
    /// Whether `n` bytes at offset `at` lie within the buffer (without an overflowing sum); notes
    /// that they do not fit when they do not.
    #[inline(always)]
    fn fits(&mut self, at: usize, n: usize) -> bool {
        let len = self.buf.len();
        if at > len || n > len - at {
            self.overflowed = true;
            return false;
        }
        true
    }

    /// Puts a record at offset `at` (as its bytes, with moves of its size rather than a call to
    /// `memcpy`), or notes that it does not fit.
    #[inline(always)]
    fn put_record<R: Record>(&mut self, at: usize, record: &R) {
        if !self.fits(at, size_of::<R>()) {
            return;
        }
        // SAFETY: `at + size_of::<R>() <= len` (checked above), so the record's bytes are within
        // the buffer; written unaligned (the caller's buffer need not be aligned), and `R` is plain
        // `u32`s without padding (`Record`'s guarantee), so every byte written is initialised.
        unsafe { self.buf.as_mut_ptr().add(at).cast::<R>().write_unaligned(*record) }
    }

    /// Puts `bytes` at offset `at`, or notes that they do not fit.
    #[inline(always)]
    fn put(&mut self, at: usize, bytes: &[u8]) {
        let n = bytes.len();
        if !self.fits(at, n) {
            return;
        }
        // SAFETY: `at <= len` (checked above): at most one past the end of the buffer.
        let dst = unsafe { self.buf.as_mut_ptr().add(at) }.cast::<u8>();
        let src = bytes.as_ptr();
        // SAFETY: `dst` is `n` writable bytes (`at + n <= len`, checked above; `MaybeUninit<u8>` has
        // the layout of `u8`) and `src` `n` readable ones; the buffer (the stack's, or the
        // caller's) does not overlap the library's texts or the caller's input (the exported
        // functions' contract). Every access below is at an offset from 0 to `n - 1` (two words or
        // three bytes that may overlap).
        unsafe {
            // Most pieces are a few bytes (a separator, a quote, a name): copied inline rather than
            // by a call to the C library's memcpy each.
            match n {
                0 => {}
                1..=3 => {
                    for i in [0, n / 2, n - 1] {
                        dst.add(i).write(src.add(i).read());
                    }
                }
                4..=7 => {
                    let (a, b) = (src.cast::<u32>().read_unaligned(), src.add(n - 4).cast::<u32>().read_unaligned());
                    dst.cast::<u32>().write_unaligned(a);
                    dst.add(n - 4).cast::<u32>().write_unaligned(b);
                }
                8..=16 => {
                    let (a, b) = (src.cast::<u64>().read_unaligned(), src.add(n - 8).cast::<u64>().read_unaligned());
                    dst.cast::<u64>().write_unaligned(a);
                    dst.add(n - 8).cast::<u64>().write_unaligned(b);
                }
                17..=32 => {
                    let (a, b) = (src.cast::<u128>().read_unaligned(), src.add(n - 16).cast::<u128>().read_unaligned());
                    dst.cast::<u128>().write_unaligned(a);
                    dst.add(n - 16).cast::<u128>().write_unaligned(b);
                }
                _ => core::ptr::copy_nonoverlapping(src, dst, n),
            }
        }
    }
}

/// The encoder: the buffer, where the next text and the next value go, and the text that others may
/// lie in (a view's denial message).
pub(crate) struct Encoder<'a, 'b> {
    sink: Buffer<'b>,
    text_at: usize,
    value_at: usize,
    anchor: Option<(&'a str, usize)>,
}

/// An offset or a length as a span's `u32`; larger ones only occur in an evaluation too large,
/// which then fails.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn span(offset: usize, len: usize) -> pss_span {
    pss_span { offset: to_u32(offset), len: to_u32(len) }
}

impl<'a, 'b> Encoder<'a, 'b> {
    /// An encoder into `buf`, with the texts from `texts` on (the values come after them, once
    /// `start_values` says where they end).
    fn new(buf: &'b mut [MaybeUninit<u8>], texts: usize) -> Self {
        Encoder { sink: Buffer { buf, overflowed: false }, text_at: texts, value_at: 0, anchor: None }
    }

    /// Writes a text (or finds it inside the anchor) and gives its span; `None` is absent.
    fn text(&mut self, s: Option<&str>) -> pss_span {
        let Some(s) = s else { return pss_span::ABSENT };
        if let Some((anchor, at)) = self.anchor {
            let (start, end) = (anchor.as_ptr().addr(), anchor.as_ptr().addr() + anchor.len());
            let first = s.as_ptr().addr();
            // An empty text in it too (an empty detail is where its reason ends).
            if first >= start && first + s.len() <= end {
                return span(at + (first - start), s.len());
            }
        }
        let at = self.text_at;
        self.push(s);
        span(at, s.len())
    }

    /// Writes text that no span covers alone (the separators of a text written piece by piece).
    fn push(&mut self, s: &str) {
        self.sink.put(self.text_at, s.as_bytes());
        self.text_at += s.len();
    }

    /// Writes a field's container name, or gives the span of the same name written for the field
    /// before (`last`), so that a container's fields in a row share one copy of its name.
    fn container(&mut self, name: Option<&'a str>, last: &mut Option<(&'a str, pss_span)>) -> pss_span {
        match (name, *last) {
            (Some(name), Some((before, span))) if name == before => span,
            _ => {
                let span = self.text(name);
                *last = name.map(|name| (name, span));
                span
            }
        }
    }

    /// Writes a text pss-core renders piece by piece.
    fn rendered(&mut self, render: impl FnOnce(&mut Texts<'_, 'a, 'b>) -> fmt::Result) -> pss_span {
        let at = self.text_at;
        // Writing to the encoder never fails.
        let _ = render(&mut Texts(self));
        span(at, self.text_at - at)
    }

    /// The span from `at` to the next text.
    fn since(&self, at: usize) -> pss_span {
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

    /// Ends the texts: the values follow them.
    fn start_values(&mut self) {
        self.value_at = self.text_at;
    }

    /// Writes a value's JSON text (after `start_values`).
    fn value(&mut self, render: impl FnOnce(&mut Values<'_, 'a, 'b>) -> fmt::Result) -> pss_span {
        let start = self.value_at;
        // Writing to the encoder never fails.
        let _ = render(&mut Values(self));
        span(start, self.value_at - start)
    }

    fn record<R: Record>(&mut self, at: usize, record: &R) {
        self.sink.put_record(at, record);
    }
}

/// The encoder's text writer, for rendered texts.
struct Texts<'e, 'a, 'b>(&'e mut Encoder<'a, 'b>);

impl fmt::Write for Texts<'_, '_, '_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0.push(s);
        Ok(())
    }
}

/// The encoder's value writer.
struct Values<'e, 'a, 'b>(&'e mut Encoder<'a, 'b>);

impl fmt::Write for Values<'_, '_, '_> {
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

    /// Writes every text and record but the header, then (after `Encoder::start_values`) every
    /// value, and gives the header's fields (magic, version, size, records, texts and values are the
    /// encoder's). The records go at `violations` and `fields`.
    fn encode(&'a self, enc: &mut Encoder<'a, '_>, violations: usize, fields: usize) -> pss_flat_evaluation;
}

/// Writes `source` flat into `buf` (`buf_len` bytes; NULL and 0 to measure only) and gives its size.
/// Nothing is written into `buf` unless all of it fits.
///
/// The source is encoded once into a buffer on the stack and copied into `buf`; only an evaluation
/// larger than that buffer is encoded twice (the first run then measures it), the second time
/// straight into `buf`. Every write is bounds-checked.
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
    let records = (violations, violation_count, fields, field_count, texts);

    let mut scratch = [MaybeUninit::<u8>::uninit(); SCRATCH];
    let mut enc = Encoder::new(&mut scratch, texts);
    let size = encode(source, &mut enc, records)?;
    let overflowed = enc.sink.overflowed;
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
    if overflowed {
        // Too large for the stack: once more, straight into the caller's buffer, which it fits.
        let mut enc = Encoder::new(out, texts);
        let again = encode(source, &mut enc, records)?;
        // The two runs must agree; if they did not, the buffer holds garbage: fail (as a panic)
        // rather than hand it out.
        assert!(again == size && !enc.sink.overflowed, "the flat evaluation's two runs disagree");
    } else {
        // Every byte up to `size` was written: the records have no padding, and the texts and the
        // values are written back to back from the end of the records.
        out.copy_from_slice(&scratch[..size]);
    }
    Ok(size)
}

/// Encodes `source` with `enc`, header included, and gives its size (`records`: where the
/// violations, how many, where the fields, how many, and where the texts start).
fn encode<'a>(
    source: &'a impl Source<'a>,
    enc: &mut Encoder<'a, '_>,
    (violations, violation_count, fields, field_count, texts): (usize, usize, usize, usize, usize),
) -> Result<usize, Failure> {
    let head = source.encode(enc, violations, fields);
    let texts_len = enc.text_at - texts;
    let size = enc.value_at.max(enc.text_at);
    if size > u32::MAX as usize {
        return Err(too_large(size));
    }
    let header = pss_flat_evaluation {
        magic: PSS_FLAT_MAGIC,
        version: PSS_FLAT_VERSION,
        size: to_u32(size),
        violations: to_u32(violations),
        violation_count: to_u32(violation_count),
        fields: to_u32(fields),
        field_count: to_u32(field_count),
        texts: span(texts, texts_len),
        values: span(texts + texts_len, size - texts - texts_len),
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

/// A pss-core evaluation as it comes out of an evaluating function, with the name of what was
/// evaluated: written flat without making a `pss_evaluation`, each text rendered once, straight into
/// the buffer.
#[derive(Debug)]
pub(crate) struct CoreSource<'a> {
    evaluation: &'a Evaluation,
    name: Option<&'a str>,
}

impl<'a> CoreSource<'a> {
    /// The evaluation of something named `name`.
    pub(crate) fn new(evaluation: &'a Evaluation, name: Option<&'a str>) -> CoreSource<'a> {
        CoreSource { evaluation, name }
    }
}

impl<'a> Source<'a> for CoreSource<'a> {
    fn counts(&self) -> (usize, usize) {
        let violations = self.evaluation.violations();
        (violations.len(), violations.iter().map(|v| v.fields().len()).sum())
    }

    fn encode(&'a self, enc: &mut Encoder<'a, '_>, violations: usize, fields: usize) -> pss_flat_evaluation {
        let evaluation = self.evaluation;
        let kind = evaluation.kind();
        let mut head = pss_flat_evaluation {
            flags: flags(evaluation.allowed(), false),
            kind: enc.text(kind.map(WorkloadKind::kind)),
            template_path: enc.text(kind.map(WorkloadKind::template_path)),
            pod_name: enc.text(self.name),
            ..pss_flat_evaluation::default()
        };
        // pss-core's texts: upstream's ForbiddenReason, then the denial message, whose tail is
        // upstream's ForbiddenDetail, in which each violation's reason and detail are found.
        // Writing to the encoder never fails.
        head.reason = enc.rendered(|w| evaluation.write_forbidden_reason(w));
        let message = enc.text_at;
        let _ = evaluation.write_denial_head(self.name.unwrap_or_default(), &mut Texts(enc));
        let detail = enc.text_at;
        let mut first_field = 0;
        let _ = evaluation.write_forbidden_detail(&mut Texts(enc), |w, at| {
            let n = evaluation.violations()[at.violation].fields().len();
            // The check id comes after the message (below).
            let record = pss_flat_violation {
                check_id: pss_span::ABSENT,
                reason: span(detail + at.reason.start, at.reason.len()),
                detail: span(detail + at.detail.start, at.detail.len()),
                first_field: to_u32(first_field),
                field_count: to_u32(n),
            };
            w.0.record(violations + at.violation * VIOLATION, &record);
            first_field += n;
        });
        head.detail = enc.since(detail);
        head.denial_message = enc.since(message);
        // Each violation's check id and fields (a container's name once for its fields in a row).
        let mut first_field = 0;
        let mut container = None;
        for (i, v) in evaluation.violations().iter().enumerate() {
            let at = violations + i * VIOLATION;
            let check_id = enc.text(Some(v.check().as_str()));
            enc.record(at + CHECK_ID_AT, &check_id);
            for f in v.fields() {
                let path = enc.rendered(|w| f.path().render(w));
                let container = enc.container(f.container(), &mut container);
                let record = pss_flat_field { path, value_json: pss_span::ABSENT, container };
                enc.record(fields + first_field * FIELD, &record);
                first_field += 1;
            }
        }
        // The values, after every text.
        enc.start_values();
        let mut k = 0;
        for v in evaluation.violations() {
            for f in v.fields() {
                let value = enc.value(|w| f.value().render(w));
                enc.record(fields + k * FIELD + VALUE_AT, &value);
                k += 1;
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

    fn encode(&'a self, enc: &mut Encoder<'a, '_>, _: usize, _: usize) -> pss_flat_evaluation {
        let head = pss_flat_evaluation {
            flags: flags(self.allowed, true),
            kind: enc.text(Some(self.kind.kind())),
            template_path: enc.text(Some(self.kind.template_path())),
            pod_name: enc.text(self.name),
            reason: enc.text(Some("")),
            denial_message: enc.text(Some("")),
            detail: enc.text(Some("")),
            note: enc.text(Some(&self.note)),
            ..pss_flat_evaluation::default()
        };
        enc.start_values();
        head
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

    fn encode(&'a self, enc: &mut Encoder<'a, '_>, violations: usize, fields: usize) -> pss_flat_evaluation {
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
        // In the order `CoreSource` writes them, so that both give the same bytes: each violation's
        // reason and detail (in the message), then its check id and fields.
        let mut first_field = 0;
        let mut container = None;
        for (i, violation) in self.violations().iter().enumerate() {
            let reason = enc.text(text(&violation.reason));
            let detail = enc.text(text(&violation.detail));
            let record = pss_flat_violation {
                check_id: enc.text(text(&violation.check_id)),
                reason,
                detail,
                first_field: to_u32(first_field),
                field_count: to_u32(violation.field_count),
            };
            enc.record(violations + i * VIOLATION, &record);
            // SAFETY: the violation is a view of the evaluation `'a` borrows.
            for f in unsafe { view_fields(violation) } {
                let path = enc.text(text(&f.path));
                let record = pss_flat_field {
                    path,
                    value_json: pss_span::ABSENT,
                    container: enc.container(text(&f.container), &mut container),
                };
                enc.record(fields + first_field * FIELD, &record);
                first_field += 1;
            }
        }
        // The values, after every text.
        enc.start_values();
        let mut k = 0;
        for violation in self.violations() {
            // SAFETY: as above.
            for f in unsafe { view_fields(violation) } {
                let value = enc.value(|w| w.write_str(text(&f.value_json).unwrap_or("")));
                enc.record(fields + k * FIELD + VALUE_AT, &value);
                k += 1;
            }
        }
        head
    }
}

#[cfg(test)]
#[path = "flat_tests.rs"]
pub(crate) mod tests;
