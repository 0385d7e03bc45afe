//! The bulk read-out: `#[repr(C)]` views of a result's violations and fields, every text of a result
//! in one block of memory, so that a caller (Go, through one cgo call) copies a whole result at once.

use pss_core::{DetailSpans, Violation};

/// A view of text owned by the library: `len` bytes at `ptr`, not NUL-terminated. An absent
/// optional text is `{NULL, 0}`; an empty one has a non-NULL `ptr` and `len` 0.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_str {
    /// The first byte (NULL only for an absent text).
    pub ptr: *const u8,
    /// The number of bytes.
    pub len: usize,
}

impl pss_str {
    /// The view of an absent text.
    pub(crate) const NONE: pss_str = pss_str { ptr: core::ptr::null(), len: 0 };

    /// The view of a string that outlives it (static text, or text in a block).
    pub(crate) fn of(s: &str) -> pss_str {
        let (ptr, len) = crate::ffi::view(s);
        pss_str { ptr, len }
    }

    /// The text viewed; `None` when absent.
    ///
    /// Views are made only by [`pss_str::of`] from static text or from a [`Block`]'s buffer, and live
    /// only in that block (or beside it in the same owner), so the text outlives `&self`.
    pub(crate) fn get(&self) -> Option<&str> {
        if self.ptr.is_null() {
            return None;
        }
        // SAFETY: a non-NULL view was made from a `&str` (so `len` bytes of UTF-8 at `ptr`) that lives
        // at least as long as the view's owner, which `&self` borrows, and is never written.
        Some(unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(self.ptr, self.len)) })
    }
}

/// One offending field, as plain data (the bulk form of `pss_field`): its path, its value as JSON,
/// and its container's name (`{NULL, 0}` for a pod-level field).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_field_view {
    /// As `pss_field_path`.
    pub path: pss_str,
    /// As `pss_field_value_json`.
    pub value_json: pss_str,
    /// As `pss_field_container`.
    pub container: pss_str,
}

/// One failed check, as plain data (the bulk form of `pss_violation`): upstream's check id, reason
/// and detail, and its offending fields (`field_count` views at `fields`, in the order upstream
/// meets them; `fields` is never NULL).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_violation_view {
    /// As `pss_violation_check_id`.
    pub check_id: pss_str,
    /// As `pss_violation_reason`.
    pub reason: pss_str,
    /// As `pss_violation_detail`.
    pub detail: pss_str,
    /// The first of this violation's fields.
    pub fields: *const pss_field_view,
    /// The number of fields at `fields`.
    pub field_count: usize,
}

/// Where a text is in a block being built: `None` for an absent text.
type Span = Option<(usize, usize)>;

/// Where upstream's aggregate detail is in one of a block's extra texts, as pss-core wrote it
/// ([`Evaluation::write_forbidden_detail`](pss_core::Evaluation::write_forbidden_detail)).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Aggregate<'p> {
    /// The index of the extra text.
    pub(crate) text: usize,
    /// Where in that text the aggregate detail starts.
    pub(crate) at: usize,
    /// Its length: it ends the text.
    pub(crate) len: usize,
    /// Each violation's reason and detail, from the aggregate detail's start.
    pub(crate) parts: &'p [DetailSpans],
}

/// Violations, their fields and some other texts, laid out in one block: first every text (check
/// ids, reasons, details, paths, container names and the extra texts), then every field's JSON value.
/// Immutable once built: the views point into its own heap buffers, which do not move when the
/// block does.
#[derive(Debug)]
pub(crate) struct Block {
    /// The texts, then the values.
    _buf: String,
    pub(crate) violations: Vec<pss_violation_view>,
    pub(crate) fields: Vec<pss_field_view>,
    /// The part of the buffer holding the texts.
    pub(crate) texts: pss_str,
    /// The part of the buffer holding the values.
    pub(crate) values: pss_str,
    /// The views of the extra texts, in the order they were given.
    pub(crate) extra: Vec<pss_str>,
    /// The view of the aggregate detail inside the `aggregate` extra text, when it ends with it.
    pub(crate) aggregate: Option<pss_str>,
}

// SAFETY: the raw pointers in a block point into the block's own buffers (or static text), which are
// never written after the block is built; sharing or sending it shares or sends read-only memory.
unsafe impl Send for Block {}
// SAFETY: as above.
unsafe impl Sync for Block {}

/// A violation while its block is built.
struct Pending {
    check_id: Span,
    reason: Span,
    detail: Span,
    fields: usize,
}

/// A field while its block is built; the value's span is in the value buffer.
struct PendingField {
    path: Span,
    value: Span,
    container: Span,
}

fn push(buf: &mut String, s: Option<&str>) -> Span {
    s.map(|s| {
        let start = buf.len();
        buf.push_str(s);
        (start, s.len())
    })
}

impl Block {
    /// Lays out `violations` and the `extra` texts in one block.
    ///
    /// With `aggregate` (where upstream's aggregate detail of the violations is in one of the extra
    /// texts, as an admission message ends with it, and each violation's reason and detail in it,
    /// as pss-core wrote them), the violations' reasons and details are views into that text
    /// instead of copies of their own, and the aggregate detail's view is [`Block::aggregate`].
    /// Without it, or when its spans do not fit the text, each is copied.
    pub(crate) fn new(violations: &[Violation], extra: &[Option<&str>], aggregate: Option<Aggregate<'_>>) -> Block {
        // The values first, so that the block is allocated once at its final size.
        let field_count = violations.iter().map(|v| v.fields().len()).sum::<usize>();
        let mut values = String::with_capacity(8 * field_count);
        let mut value_spans = Vec::with_capacity(field_count);
        for f in violations.iter().flat_map(Violation::fields) {
            let start = values.len();
            // Writing to a String never fails.
            let _ = f.value().render(&mut values);
            value_spans.push(Some((start, values.len() - start)));
        }
        let own = |v: &Violation| {
            v.check().as_str().len()
                + v.reason().len()
                + v.detail().len()
                + v.fields().iter().map(|f| f.path().len() + f.container().map_or(0, str::len)).sum::<usize>()
        };
        let mut texts = String::with_capacity(
            extra.iter().map(|e| e.map_or(0, str::len)).sum::<usize>()
                + violations.iter().map(own).sum::<usize>()
                + values.len(),
        );
        let spans: Vec<Span> = extra.iter().map(|e| push(&mut texts, *e)).collect();
        // Where the aggregate detail and each violation's reason and detail are in the block.
        let located = aggregate.and_then(|a| {
            let (start, len) = spans.get(a.text).copied().flatten()?;
            let text = extra.get(a.text).copied().flatten()?;
            let fits = |r: &core::ops::Range<usize>| a.at.checked_add(r.end).is_some_and(|end| end <= len);
            // The spans fit the text, one for each violation, each reason where it says.
            let whole = a.at.checked_add(a.len) == Some(len)
                && a.parts.len() == violations.len()
                && a.parts.iter().zip(violations).enumerate().all(|(i, (p, v))| {
                    p.violation == i
                        && fits(&p.reason)
                        && fits(&p.detail)
                        && text.get(a.at + p.reason.start..a.at + p.reason.end) == Some(v.reason())
                });
            let base = start + a.at;
            let parts = a
                .parts
                .iter()
                .map(|p| [(base + p.reason.start, p.reason.len()), (base + p.detail.start, p.detail.len())]);
            whole.then(|| (base, start + len, parts.collect::<Vec<_>>()))
        });
        let mut pending = Vec::with_capacity(violations.len());
        let mut pending_fields = Vec::with_capacity(field_count);
        for (i, v) in violations.iter().enumerate() {
            let (reason, detail) = match &located {
                Some((_, _, parts)) => (Some(parts[i][0]), Some(parts[i][1])),
                None => {
                    let reason = push(&mut texts, Some(v.reason()));
                    let start = texts.len();
                    v.detail().write_to(&mut texts);
                    (reason, Some((start, texts.len() - start)))
                }
            };
            pending.push(Pending {
                check_id: push(&mut texts, Some(v.check().as_str())),
                reason,
                detail,
                fields: v.fields().len(),
            });
            for f in v.fields() {
                let start = texts.len();
                f.path().write_to(&mut texts);
                let path = Some((start, texts.len() - start));
                let container = push(&mut texts, f.container());
                let value = value_spans[pending_fields.len()];
                pending_fields.push(PendingField { path, value, container });
            }
        }
        let values_start = texts.len();
        texts.push_str(&values);
        let buf = texts;
        let at = |span: Span, base: usize| match span {
            None => pss_str::NONE,
            Some((start, len)) => pss_str::of(&buf[base + start..base + start + len]),
        };
        let fields: Vec<pss_field_view> = pending_fields
            .iter()
            .map(|f| pss_field_view {
                path: at(f.path, 0),
                value_json: at(f.value, values_start),
                container: at(f.container, 0),
            })
            .collect();
        let mut first = 0;
        let violations = pending
            .iter()
            .map(|v| {
                let view = pss_violation_view {
                    check_id: at(v.check_id, 0),
                    reason: at(v.reason, 0),
                    detail: at(v.detail, 0),
                    // In bounds: `first + v.fields <= fields.len()`; one past the end for none.
                    fields: fields.as_ptr().wrapping_add(first),
                    field_count: v.fields,
                };
                first += v.fields;
                view
            })
            .collect();
        let extra = spans.iter().map(|e| at(*e, 0)).collect();
        let aggregate = located.map(|(start, end, _)| at(Some((start, end - start)), 0));
        Block {
            aggregate,
            texts: pss_str::of(&buf[..values_start]),
            values: pss_str::of(&buf[values_start..]),
            extra,
            violations,
            fields,
            _buf: buf,
        }
    }
}
