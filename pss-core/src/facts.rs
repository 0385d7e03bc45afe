//! What the checks record about a denied pod, without formatting anything: the strings they copy
//! out of the pod (container names, values, annotation keys) in one buffer, and the pieces of each
//! detail, each field's path, value and container as small records that point into it.
//!
//! One [`Facts`] holds everything the violations of one evaluation refer to; the violations share
//! it (an `Arc`), and render their texts from it when read ([`crate::Detail`], [`crate::FieldPath`]).
//! So evaluating a denied pod allocates a fixed handful of buffers however many places violate,
//! and nothing is formatted that nobody reads.

use core::fmt::{self, Write as _};

use crate::checks::{Ctx, Noun, Piece};
use crate::model::{ContainerKind, Slot};
use crate::quote::{decimal, DecimalBuf};

/// A run of bytes of [`Facts::strings`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Span {
    start: usize,
    end: usize,
}

/// A run of [`Facts::items`]: a list of strings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Items {
    start: usize,
    end: usize,
}

/// One piece of a detail.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Atom {
    /// Text of pss-core's own.
    Str(&'static str),
    /// Text copied from the pod (or written when recorded).
    Text(Span),
    /// Go's `joinQuote`: `"a", "b"`.
    Quoted(Items),
    /// Go's `pluralize(singular, plural, n)`, a space, and the quoted items.
    Counted(Noun, Items),
    /// The items joined by `", "`, unquoted (`strings.Join`).
    Joined(Items),
}

/// Where a field is, relative to the evaluated object's pod metadata and spec ([`Ctx`]).
#[derive(Debug, Clone, Copy)]
pub(crate) enum PathFact {
    /// `<spec>.<suffix>`.
    Spec(&'static str),
    /// `<spec>.<list>[<index>]`, then `.<field>` unless it is empty.
    SpecItem(&'static str, usize, &'static str),
    /// `<spec>.<containers>[<index>].<a>`, then `[<item>]` if any, then `b`.
    Container { kind: ContainerKind, index: usize, a: &'static str, item: Option<usize>, b: &'static str },
    /// `<metadata>.annotations[<key>]`.
    Annotation(Span),
    /// The whole path, as text (fields recorded from outside the checks: Kyverno's).
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    Text(Span),
}

impl PathFact {
    /// `<spec>.<suffix>`.
    pub(crate) const fn spec(suffix: &'static str) -> Self {
        PathFact::Spec(suffix)
    }

    /// `<spec>.<list>[<index>].<field>` (or without `.<field>` when `field` is empty).
    pub(crate) fn spec_item(list: &'static str, index: usize, field: &'static str) -> Self {
        PathFact::SpecItem(list, index, field)
    }

    /// `<spec>.containers[3].<suffix>`.
    pub(crate) fn container(slot: Slot, suffix: &'static str) -> Self {
        PathFact::Container { kind: slot.kind, index: slot.index, a: suffix, item: None, b: "" }
    }

    /// `<spec>.containers[3].<list>[<index>]`, then `tail`.
    pub(crate) fn container_item(slot: Slot, list: &'static str, index: usize, tail: &'static str) -> Self {
        PathFact::Container { kind: slot.kind, index: slot.index, a: list, item: Some(index), b: tail }
    }
}

/// A field's value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum ValueFact {
    Unset,
    Bool(bool),
    Int(i64),
    Str(Span),
    List(Items),
    Object,
}

/// One offending field.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FieldFact {
    pub(crate) path: PathFact,
    pub(crate) value: ValueFact,
    pub(crate) container: Option<Span>,
}

/// What [`Facts::reserve_typical`] makes room for: bytes of copied strings, list entries, detail
/// pieces and fields. A denied pod that needs more grows the buffers (reallocations), and
/// allocates nothing more.
pub(crate) const TYPICAL_STRINGS: usize = 512;
pub(crate) const TYPICAL_ITEMS: usize = 16;
pub(crate) const TYPICAL_ATOMS: usize = 24;
pub(crate) const TYPICAL_FIELDS: usize = 16;

/// The facts of one evaluation's violations.
#[derive(Debug, Clone)]
pub(crate) struct Facts {
    pub(crate) ctx: Ctx<'static>,
    strings: String,
    items: Vec<Span>,
    pub(crate) atoms: Vec<Atom>,
    pub(crate) fields: Vec<FieldFact>,
}

impl Facts {
    /// No facts yet (allocates nothing).
    pub(crate) const fn new(ctx: Ctx<'static>) -> Self {
        Facts { ctx, strings: String::new(), items: Vec::new(), atoms: Vec::new(), fields: Vec::new() }
    }

    /// Makes room for a typical denied pod's facts at once, so that most evaluations allocate each
    /// buffer once.
    #[inline]
    pub(crate) fn reserve_typical(&mut self) {
        if self.strings.capacity() == 0 {
            self.reserve_first();
        }
    }

    #[cold]
    #[inline(never)]
    fn reserve_first(&mut self) {
        if self.atoms.is_empty() && self.fields.is_empty() && self.items.is_empty() {
            if let Some(spare) = spare::take() {
                // Empty, and each at least its typical size (see `Drop`).
                (self.strings, self.items, self.atoms, self.fields) = spare;
                return;
            }
        }
        // The strings are empty here (no capacity); the other buffers almost always are.
        self.strings = String::with_capacity(TYPICAL_STRINGS);
        with_room(&mut self.items, TYPICAL_ITEMS);
        with_room(&mut self.atoms, TYPICAL_ATOMS);
        with_room(&mut self.fields, TYPICAL_FIELDS);
    }

    /// Copies `s` in.
    pub(crate) fn copy(&mut self, s: &str) -> Span {
        let start = self.strings.len();
        self.strings.push_str(s);
        Span { start, end: self.strings.len() }
    }

    /// Writes `value` in (a number, say).
    pub(crate) fn write(&mut self, value: impl fmt::Display) -> Span {
        let start = self.strings.len();
        // Writing into a String cannot fail.
        let _ = write!(self.strings, "{value}");
        Span { start, end: self.strings.len() }
    }

    /// Writes `key="value"` in, the value quoted as Go's `%q` quotes it.
    pub(crate) fn annotation_entry(&mut self, key: &str, value: &str) -> Span {
        let start = self.strings.len();
        self.strings.push_str(key);
        self.strings.push('=');
        crate::quote::push_go_quoted(&mut self.strings, value);
        Span { start, end: self.strings.len() }
    }

    /// Copies a list of strings in.
    #[inline(never)]
    pub(crate) fn list<'s>(&mut self, items: impl IntoIterator<Item = &'s str>) -> Items {
        let start = self.items.len();
        for s in items {
            let span = self.copy(s);
            self.items.push(span);
        }
        Items { start, end: self.items.len() }
    }

    /// Records a list of strings already in.
    pub(crate) fn list_of(&mut self, spans: &[Span]) -> Items {
        let start = self.items.len();
        self.items.extend_from_slice(spans);
        Items { start, end: self.items.len() }
    }

    /// The text of a span.
    pub(crate) fn str(&self, span: Span) -> &str {
        self.strings.get(span.start..span.end).unwrap_or_default()
    }

    /// The spans of a list.
    pub(crate) fn items(&self, items: Items) -> &[Span] {
        self.items.get(items.start..items.end).unwrap_or_default()
    }

    /// Records one field.
    pub(crate) fn field(&mut self, path: PathFact, value: ValueFact, container: Option<Span>) {
        self.fields.push(FieldFact { path, value, container });
    }

    /// Records a detail's pieces; returns where its atoms are.
    #[inline(never)]
    pub(crate) fn detail(&mut self, pieces: &[Piece<'_>]) -> (usize, usize) {
        let start = self.atoms.len();
        for piece in pieces {
            let atom = match *piece {
                Piece::Empty => continue,
                Piece::Str(s) => Atom::Str(s),
                Piece::Text(s) => Atom::Text(self.copy(s)),
                Piece::Quoted(items) => Atom::Quoted(self.list(items.iter().copied())),
                Piece::QuotedSpans(spans) => Atom::Quoted(self.list_of(spans)),
                Piece::Counted(noun, items) => Atom::Counted(noun, self.list(items.iter().copied())),
                Piece::CountedSpans(noun, spans) => Atom::Counted(noun, self.list_of(spans)),
                Piece::JoinedSpans(spans) => Atom::Joined(self.list_of(spans)),
            };
            self.atoms.push(atom);
        }
        (start, self.atoms.len())
    }

    /// Sorts a list of spans by their text and gathers the distinct ones at its front (Go's
    /// `sets.String.List()`); returns how many there are. (Sorted as `&str`s, so that the sort is
    /// the one the crate already has for them: one less sort in a size-budgeted WebAssembly build.
    /// Sorting the spans themselves, `spans.sort_unstable_by(|a, b| self.str(*a).cmp(self.str(*b)))`,
    /// measured 2,477 bytes more in the npm package's default build, gzipped: 99,378 of its
    /// 100,000-byte budget.)
    #[inline(never)]
    pub(crate) fn sort_set(&self, spans: &mut [Span]) -> usize {
        // None or one is a set already: the usual case (the checks sort the values a detail quotes
        // whether or not they found any), which then skips setting up the list of texts.
        if spans.len() < 2 {
            return spans.len();
        }
        let mut texts: Small<&str, 8> = Small::new();
        for span in spans.iter() {
            texts.push(self.str(*span));
        }
        let n = crate::checks::sorted_unique(texts.as_mut_slice());
        for (slot, text) in spans.iter_mut().zip(&texts.as_slice()[..n]) {
            *slot = self.span_of(text);
        }
        n
    }

    /// The span of a text that lies in [`Facts::strings`].
    fn span_of(&self, text: &str) -> Span {
        let start = (text.as_ptr() as usize).wrapping_sub(self.strings.as_ptr() as usize);
        Span { start, end: start + text.len() }
    }

    /// Forgets the fields recorded from `fields` on (a check that recorded some and then passed).
    pub(crate) fn truncate(&mut self, fields: usize, atoms: usize) {
        self.fields.truncate(fields);
        self.atoms.truncate(atoms);
    }

    // ---- rendering ------------------------------------------------------------------------

    /// Writes a detail.
    pub(crate) fn write_detail<W: fmt::Write + ?Sized>(&self, atoms: &[Atom], out: &mut W) -> fmt::Result {
        for atom in atoms {
            match *atom {
                Atom::Str(s) => out.write_str(s)?,
                Atom::Text(s) => out.write_str(self.str(s))?,
                Atom::Quoted(items) => self.write_quoted(items, out)?,
                Atom::Counted(noun, items) => {
                    out.write_str(noun.pluralize(items.end - items.start))?;
                    out.write_str(" ")?;
                    self.write_quoted(items, out)?;
                }
                Atom::Joined(items) => {
                    for (i, s) in self.items(items).iter().enumerate() {
                        if i > 0 {
                            out.write_str(", ")?;
                        }
                        out.write_str(self.str(*s))?;
                    }
                }
            }
        }
        Ok(())
    }

    fn write_quoted<W: fmt::Write + ?Sized>(&self, items: Items, out: &mut W) -> fmt::Result {
        let spans = self.items(items);
        for (i, s) in spans.iter().enumerate() {
            out.write_str(if i == 0 { "\"" } else { "\", \"" })?;
            out.write_str(self.str(*s))?;
        }
        if !spans.is_empty() {
            out.write_str("\"")?;
        }
        Ok(())
    }

    /// Writes a path.
    pub(crate) fn write_path<W: fmt::Write + ?Sized>(&self, path: &PathFact, out: &mut W) -> fmt::Result {
        let spec = |out: &mut W| -> fmt::Result {
            out.write_str(self.ctx.spec)?;
            if !self.ctx.spec.is_empty() {
                out.write_str(".")?;
            }
            Ok(())
        };
        match *path {
            PathFact::Spec(suffix) => {
                spec(out)?;
                out.write_str(suffix)
            }
            PathFact::SpecItem(list, index, field) => {
                spec(out)?;
                out.write_str(list)?;
                write_index(out, index)?;
                if !field.is_empty() {
                    out.write_str(".")?;
                    out.write_str(field)?;
                }
                Ok(())
            }
            PathFact::Container { kind, index, a, item, b } => {
                spec(out)?;
                out.write_str(kind.field())?;
                write_index(out, index)?;
                out.write_str(".")?;
                out.write_str(a)?;
                if let Some(item) = item {
                    write_index(out, item)?;
                }
                out.write_str(b)
            }
            PathFact::Annotation(key) => {
                out.write_str(self.ctx.metadata)?;
                out.write_str(".annotations[")?;
                out.write_str(self.str(key))?;
                out.write_str("]")
            }
            PathFact::Text(s) => out.write_str(self.str(s)),
        }
    }
}

/// Facts' buffers go back to [`spare`] when dropped, emptied, unless one of them is smaller than
/// its typical size (never reserved) or grew past [`SPARE_LIMIT`] times it (kept only if it is
/// likely needed again).
impl Drop for Facts {
    fn drop(&mut self) {
        let within = |capacity: usize, typical: usize| (typical..=typical * SPARE_LIMIT).contains(&capacity);
        if within(self.strings.capacity(), TYPICAL_STRINGS)
            && within(self.items.capacity(), TYPICAL_ITEMS)
            && within(self.atoms.capacity(), TYPICAL_ATOMS)
            && within(self.fields.capacity(), TYPICAL_FIELDS)
        {
            self.strings.clear();
            self.items.clear();
            self.atoms.clear();
            self.fields.clear();
            spare::put((
                core::mem::take(&mut self.strings),
                core::mem::take(&mut self.items),
                core::mem::take(&mut self.atoms),
                core::mem::take(&mut self.fields),
            ));
        }
    }
}

/// How many times its typical size a dropped buffer may have grown to and still be kept.
const SPARE_LIMIT: usize = 4;

/// The buffers of one [`Facts`]: strings, items, atoms, fields.
type Buffers = (String, Vec<Span>, Vec<Atom>, Vec<FieldFact>);

/// One set of fact buffers kept per thread between evaluations: a denied pod's facts take it
/// instead of allocating four buffers (the detail pieces' and the fields' are above glibc's
/// small-block cache, so their allocation and release took its slow path), and give it back when
/// the last violation holding them is dropped. At most one set (a few kilobytes) is kept per
/// thread.
mod spare {
    use core::cell::Cell;

    use super::Buffers;

    std::thread_local! {
        static SPARE: Cell<Option<Buffers>> = const { Cell::new(None) };
    }

    /// The kept buffers, if any (none while the thread is being torn down).
    pub(super) fn take() -> Option<Buffers> {
        SPARE.try_with(Cell::take).ok().flatten()
    }

    /// Keeps `buffers` for the next evaluation on this thread (dropped if the thread is being torn
    /// down).
    pub(super) fn put(buffers: Buffers) {
        // A set already kept is released in favour of this one.
        let _ = SPARE.try_with(|spare| spare.set(Some(buffers)));
    }
}

/// Makes room for `n` entries: an unallocated buffer is replaced by a new one, which is shorter
/// than growing it.
fn with_room<T>(v: &mut Vec<T>, n: usize) {
    if v.capacity() == 0 {
        *v = Vec::with_capacity(n);
    } else {
        v.reserve(n);
    }
}

/// Gathers the distinct entries of a sorted slice at its front (the first of each run of equal
/// ones); returns how many there are. What is left behind them is unspecified.
pub(crate) fn dedup_in_place<T: Copy>(items: &mut [T], same: impl Fn(&T, &T) -> bool) -> usize {
    if items.is_empty() {
        return 0;
    }
    let mut kept = 1;
    for i in 1..items.len() {
        if !same(&items[i], &items[kept - 1]) {
            items[kept] = items[i];
            kept += 1;
        }
    }
    kept
}

/// Writes `[<index>]` without going through the formatting machinery (in one piece for an index
/// of one digit).
fn write_index<W: fmt::Write + ?Sized>(out: &mut W, index: usize) -> fmt::Result {
    const ONE_DIGIT: [&str; 10] = ["[0]", "[1]", "[2]", "[3]", "[4]", "[5]", "[6]", "[7]", "[8]", "[9]"];
    if let Some(bracketed) = ONE_DIGIT.get(index) {
        return out.write_str(bracketed);
    }
    let mut digits = DecimalBuf::default();
    out.write_str("[")?;
    out.write_str(decimal(index as u64, &mut digits))?;
    out.write_str("]")
}

/// A short list kept on the stack: up to `N` entries without touching the heap, then a `Vec`.
///
/// The checks collect the containers (or volumes, or values) a detail names in these, so that a
/// denied pod with a few containers allocates nothing for them.
pub(crate) struct Small<T: Copy + Default, const N: usize> {
    inline: [T; N],
    len: usize,
    spill: Vec<T>,
}

impl<T: Copy + Default, const N: usize> Small<T, N> {
    pub(crate) fn new() -> Self {
        Small { inline: [T::default(); N], len: 0, spill: Vec::new() }
    }

    pub(crate) fn push(&mut self, item: T) {
        if self.len < N {
            self.inline[self.len] = item;
            self.len += 1;
        } else {
            self.push_spilled(item);
        }
    }

    #[cold]
    #[inline(never)]
    fn push_spilled(&mut self, item: T) {
        if self.spill.is_empty() {
            self.spill.extend_from_slice(&self.inline);
        }
        self.spill.push(item);
        self.len += 1;
    }

    pub(crate) fn len(&self) -> usize {
        self.len
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub(crate) fn as_slice(&self) -> &[T] {
        if self.len <= N {
            &self.inline[..self.len]
        } else {
            &self.spill
        }
    }

    pub(crate) fn as_mut_slice(&mut self) -> &mut [T] {
        if self.len <= N {
            &mut self.inline[..self.len]
        } else {
            &mut self.spill
        }
    }
}

impl<T: Copy + Default, const N: usize> Default for Small<T, N> {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_is_written_as_format_writes_it() {
        for i in [0usize, 1, 9, 10, 99, 100, 12345, u32::MAX as usize, usize::MAX] {
            let mut out = String::new();
            write_index(&mut out, i).unwrap();
            assert_eq!(out, format!("[{i}]"));
        }
    }

    #[test]
    fn small_lists_spill_in_order() {
        let mut s: Small<u32, 3> = Small::new();
        for i in 0..10 {
            assert_eq!(s.as_slice(), (0..i).collect::<Vec<_>>());
            s.push(i);
        }
        assert_eq!(s.len(), 10);
    }
}
