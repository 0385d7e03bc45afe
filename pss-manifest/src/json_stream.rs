//! Splits a stream of JSON texts (one object, concatenated objects, JSON Lines) into documents,
//! reading incrementally, without parsing them: pss-core decodes each document afterwards.
//!
//! The splitter only tracks strings and bracket depth, so a malformed document still ends where its
//! brackets balance (or at the end of the input) and the next one is read normally; pss-core then
//! reports what is wrong with it, with the field path and position.
//!
//! A document longer than the stream's limit is not held: the splitter keeps looking for its end
//! while dropping what it has scanned, and hands out an empty document marked
//! [`too_large`](JsonDoc::too_large), so memory stays within the limit plus one read.

use std::io::{self, Read};
use std::sync::Arc;

use crate::Position;

/// How much to read at a time.
const READ_SIZE: usize = 64 * 1024;

/// The documents of a JSON stream, read incrementally from `R`.
#[derive(Debug)]
pub(crate) struct JsonStream<R> {
    reader: R,
    /// The bytes read: `buf[..end]`. Past `end` it holds what an earlier read left (zeroed once,
    /// when the buffer grew), so that a read does not zero its room again.
    buf: Vec<u8>,
    end: usize,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    /// Position of `buf[pos]` in the whole input.
    line: usize,
    column: usize,
    /// Bytes of the input before `buf[pos]`.
    offset: usize,
    eof: bool,
    started: bool,
    /// Open brackets of the document being scanned (kept to reuse its allocation).
    open: Vec<u8>,
    /// The longest document held, in bytes.
    max_document: u64,
    /// Where the last document handed out is in `buf`.
    last: (usize, usize),
    /// The texts of the input when they were found beforehand (see [`JsonStream::known`]), and
    /// how many were handed out.
    known: Option<(Arc<[KnownText]>, usize)>,
}

/// A text of a stream found beforehand by a splitter of the same bytes: where it is and where it
/// starts (see [`JsonStream::known`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct KnownText {
    /// Its first byte's offset from the reader's start.
    pub(crate) offset: usize,
    /// Its length in bytes (at most the stream's limit).
    pub(crate) len: usize,
    /// Where it starts in the input.
    pub(crate) origin: Position,
}

/// One document: its bytes and where it starts.
#[derive(Debug)]
pub(crate) struct JsonDoc<'a> {
    /// The document's text (not validated); empty when the document is too large.
    pub(crate) bytes: &'a [u8],
    /// Where it starts in the input.
    pub(crate) origin: Position,
    /// Its first byte's offset in the input.
    pub(crate) offset: usize,
    /// The document's length in bytes when it is longer than the stream's limit: then it was
    /// skipped, not read into memory, and `bytes` is empty.
    pub(crate) too_large: Option<u64>,
}

/// What the scanner is inside of.
#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    /// Between tokens inside brackets, or about to start.
    Structure,
    /// Inside a string.
    String,
    /// Just after a backslash inside a string.
    Escape,
    /// Inside a bare top-level token (a number, `true`, garbage).
    Bare,
}

impl<R: Read> JsonStream<R> {
    /// Reads documents from `reader`, holding documents up to `max_document` bytes; longer ones are
    /// skipped and handed out as [`too_large`](JsonDoc::too_large).
    pub(crate) fn with_limit(reader: R, max_document: u64) -> Self {
        JsonStream {
            reader,
            buf: Vec::new(),
            end: 0,
            pos: 0,
            line: 1,
            column: 1,
            offset: 0,
            eof: false,
            started: false,
            open: Vec::new(),
            max_document,
            last: (0, 0),
            known: None,
        }
    }

    /// Reads the documents `texts` from `reader`, whose bytes a splitter has read before (the same
    /// splitter, from the same place): the texts are handed out as they are, without looking for
    /// their ends again. Every one must be within the limit, and they must be all the texts of
    /// the reader's bytes, in order (what is between and after them is whitespace).
    pub(crate) fn known(reader: R, max_document: u64, texts: Arc<[KnownText]>) -> Self {
        JsonStream { started: true, known: Some((texts, 0)), ..Self::with_limit(reader, max_document) }
    }

    /// Reads documents from `reader` that starts at a document boundary of a longer input, at
    /// `start` in it (no byte-order mark is looked for).
    pub(crate) fn resume(reader: R, max_document: u64, start: Position) -> Self {
        JsonStream { line: start.line, column: start.column, started: true, ..Self::with_limit(reader, max_document) }
    }

    /// Reads more input after the current end of `buf`, first dropping the consumed bytes (which
    /// shifts offsets by the returned amount). Returns whether anything was read.
    fn fill(&mut self) -> io::Result<(bool, usize)> {
        let shift = self.pos;
        if shift > 0 {
            self.buf.copy_within(shift..self.end, 0);
            self.end -= shift;
            self.pos = 0;
        }
        if self.eof {
            return Ok((false, shift));
        }
        if self.buf.len() - self.end < READ_SIZE {
            self.buf.resize(self.end + READ_SIZE, 0);
        }
        loop {
            match self.reader.read(&mut self.buf[self.end..]) {
                Ok(n) => {
                    self.end += n;
                    if n == 0 {
                        self.eof = true;
                    }
                    return Ok((n > 0, shift));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            }
        }
    }

    /// Moves past `n` bytes, keeping the line and column up to date.
    fn consume(&mut self, n: usize) {
        let bytes = &self.buf[self.pos..self.pos + n];
        match memchr::memrchr(b'\n', bytes) {
            Some(last) => {
                self.line += memchr::memchr_iter(b'\n', bytes).count();
                self.column = n - last;
            }
            None => self.column += n,
        }
        self.pos += n;
        self.offset += n;
    }

    /// The next document, or `None` at the end of the input.
    ///
    /// # Errors
    /// Reading failed; the documents before were complete.
    pub(crate) fn next_doc(&mut self) -> io::Result<Option<JsonDoc<'_>>> {
        if self.known.is_some() {
            return self.next_known();
        }
        // A byte-order mark at the very start is skipped (and not counted in columns).
        if !self.started {
            while self.end - self.pos < 3 && self.fill()?.0 {}
            if self.buf[self.pos..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.pos += 3;
                self.offset += 3;
            }
            self.started = true;
        }
        // Skip whitespace.
        loop {
            let rest = &self.buf[self.pos..self.end];
            match rest.iter().position(|b| !matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
                Some(n) => {
                    self.consume(n);
                    break;
                }
                None => {
                    let n = rest.len();
                    self.consume(n);
                    if !self.fill()?.0 {
                        return Ok(None);
                    }
                }
            }
        }

        // Scan to the end of the document, reading more as needed.
        let origin = Position { line: self.line, column: self.column };
        let offset = self.offset;
        let mut i = self.pos;
        // Bytes of this document already dropped because it is over the limit.
        let mut dropped: u64 = 0;
        self.open.clear();
        let mut state = match self.buf[i] {
            b'"' => {
                i += 1;
                State::String
            }
            b'{' | b'[' => State::Structure,
            b'}' | b']' => {
                // A stray closing bracket is a document of its own (pss-core reports it).
                let start = self.pos;
                self.consume(1);
                let too_large = (self.max_document == 0).then_some(1);
                self.last = if too_large.is_some() { (start, start) } else { (start, start + 1) };
                return Ok(Some(JsonDoc { bytes: &self.buf[self.last.0..self.last.1], origin, offset, too_large }));
            }
            _ => State::Bare,
        };
        let end = 'scan: loop {
            while i < self.end {
                match state {
                    // Most of a manifest's bytes are inside strings: jump to the next quote or
                    // backslash.
                    State::String => match quote_or_backslash(&self.buf[i..self.end]) {
                        None => i = self.end,
                        Some(k) => {
                            i += k + 1;
                            if self.buf[i - 1] == b'\\' {
                                state = State::Escape;
                            } else if self.open.is_empty() {
                                break 'scan i;
                            } else {
                                state = State::Structure;
                            }
                        }
                    },
                    State::Escape => {
                        i += 1;
                        state = State::String;
                    }
                    // Between tokens, up to the next string (the bytes in between are a few
                    // punctuation marks, blanks, numbers and literals).
                    State::Structure => {
                        while let Some(&b) = self.buf[..self.end].get(i) {
                            i += 1;
                            match b {
                                b'{' | b'[' => self.open.push(b),
                                b'}' | b']' => {
                                    // A mismatched bracket closes the ones opened inside its match,
                                    // so that `{"a": [}` ends where its author meant it to.
                                    let opener = if b == b'}' { b'{' } else { b'[' };
                                    while self.open.pop().is_some_and(|o| o != opener) {}
                                    if self.open.is_empty() {
                                        break 'scan i;
                                    }
                                }
                                b'"' => {
                                    state = State::String;
                                    break;
                                }
                                _ => {}
                            }
                        }
                    }
                    State::Bare => {
                        let b = self.buf[i];
                        if matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'{' | b'[' | b'"' | b'}' | b']') {
                            break 'scan i;
                        }
                        i += 1;
                    }
                }
            }
            // Over the limit: drop what was scanned (the refill below frees it) and go on looking
            // for the end.
            if dropped > 0 || (i - self.pos) as u64 > self.max_document {
                dropped += (i - self.pos) as u64;
                self.consume(i - self.pos);
            }
            let (read, shift) = self.fill()?;
            i -= shift;
            if !read {
                break self.end;
            }
        };
        let start = self.pos;
        self.consume(end - start);
        let length = dropped + (end - start) as u64;
        if length > self.max_document {
            return Ok(Some(JsonDoc { bytes: &[], origin, offset, too_large: Some(length) }));
        }
        self.last = (start, end);
        Ok(Some(JsonDoc { bytes: &self.buf[start..end], origin, offset, too_large: None }))
    }

    /// [`next_doc`](Self::next_doc) of a stream whose texts are known: the next one, once its
    /// bytes are read. Lines and columns are not counted (the texts say where they start).
    fn next_known(&mut self) -> io::Result<Option<JsonDoc<'_>>> {
        let Some((texts, next)) = &mut self.known else { return Ok(None) };
        let Some(&text) = texts.get(*next) else { return Ok(None) };
        *next += 1;
        let (Some(skip), true) = (text.offset.checked_sub(self.offset), text.len as u64 <= self.max_document) else {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "a known JSON text out of order or over the limit"));
        };
        while self.end - self.pos < skip + text.len {
            if !self.fill()?.0 {
                return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the input ended within a known JSON text"));
            }
        }
        let start = self.pos + skip;
        let end = start + text.len;
        self.pos = end;
        self.offset = text.offset + text.len;
        self.last = (start, end);
        Ok(Some(JsonDoc { bytes: &self.buf[start..end], origin: text.origin, offset: text.offset, too_large: None }))
    }

    /// The last document handed out (until the next call to [`next_doc`](Self::next_doc)).
    pub(crate) fn last_doc(&self) -> &[u8] {
        self.buf.get(self.last.0..self.last.1).unwrap_or_default()
    }

    /// What was read but not handed out yet, and the reader.
    pub(crate) fn into_parts(self) -> (Vec<u8>, R) {
        (self.buf[self.pos..self.end].to_vec(), self.reader)
    }
}

/// The offset of the first `"` or `\` in `bytes`. Most strings of a manifest are short (keys,
/// names), so the first 16 bytes are looked at eight at a time, without a call; longer ones go to
/// `memchr2`.
fn quote_or_backslash(bytes: &[u8]) -> Option<usize> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let flags = |w: u64| {
        let quote = w ^ (ONES * u64::from(b'"'));
        let backslash = w ^ (ONES * u64::from(b'\\'));
        ((quote.wrapping_sub(ONES) & !quote) | (backslash.wrapping_sub(ONES) & !backslash)) & HIGH
    };
    for at in [0, 8] {
        let Some(word) = bytes.get(at..at + 8) else { break };
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let found = flags(u64::from_le_bytes(w));
        if found != 0 {
            // The lowest flagged byte is a match (a borrow only flags bytes above a match).
            return Some(at + (found.trailing_zeros() / 8) as usize);
        }
    }
    let from = if bytes.len() >= 16 { 16 } else { 0 };
    memchr::memchr2(b'"', b'\\', &bytes[from..]).map(|k| from + k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_backslashes_are_found_wherever_they_are() {
        for len in 0..40 {
            for at in 0..=len {
                for mark in [b'"', b'\\'] {
                    for filler in [b'a', 0x80, 0xff, 0x22 ^ 0x80, 0x00] {
                        let mut bytes = vec![filler; len];
                        if at < len {
                            bytes[at] = mark;
                            // A second mark later never hides the first.
                            if at + 3 < len {
                                bytes[at + 3] = b'"';
                            }
                        }
                        let naive = bytes.iter().position(|&b| b == b'"' || b == b'\\');
                        assert_eq!(quote_or_backslash(&bytes), naive, "{bytes:?}");
                    }
                }
            }
        }
    }

    /// Reads one byte at a time, to exercise refills in the middle of documents.
    struct Trickle<'a>(&'a [u8]);

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            match self.0.split_first() {
                Some((&b, rest)) if !out.is_empty() => {
                    out[0] = b;
                    self.0 = rest;
                    Ok(1)
                }
                _ => Ok(0),
            }
        }
    }

    /// Known texts come out as the splitter found them, from a slice or a byte at a time; a
    /// reader that ends early or texts out of order are errors, not a panic.
    #[test]
    fn known_texts_are_handed_out_as_found() {
        let input = b"{\"a\": \"}\"}\n  [1, {\"b\": 2}]\n\"s\" {}\n\n";
        let mut found = Vec::new();
        let mut stream = JsonStream::with_limit(&input[..], u64::MAX);
        while let Some(doc) = stream.next_doc().unwrap() {
            found.push(KnownText { offset: doc.offset, len: doc.bytes.len(), origin: doc.origin });
        }
        assert_eq!(found.len(), 4);
        let texts: Arc<[KnownText]> = found.clone().into();
        for reader in [Box::new(&input[..]) as Box<dyn Read>, Box::new(Trickle(input))] {
            let mut stream = JsonStream::known(reader, u64::MAX, Arc::clone(&texts));
            for text in &found {
                let doc = stream.next_doc().unwrap().unwrap();
                assert_eq!(doc.bytes, &input[text.offset..text.offset + text.len]);
                assert_eq!((doc.origin, doc.offset, doc.too_large), (text.origin, text.offset, None));
            }
            assert!(stream.next_doc().unwrap().is_none());
        }
        let mut short = JsonStream::known(&input[..20], u64::MAX, Arc::clone(&texts));
        assert!(short.next_doc().is_ok());
        assert_eq!(short.next_doc().unwrap_err().kind(), io::ErrorKind::UnexpectedEof);
        let backwards: Arc<[KnownText]> = [found[1], found[0]].into();
        let mut stream = JsonStream::known(&input[..], u64::MAX, backwards);
        assert!(stream.next_doc().is_ok());
        assert_eq!(stream.next_doc().unwrap_err().kind(), io::ErrorKind::InvalidData);
        let mut limited = JsonStream::known(&input[..], 4, texts);
        assert_eq!(limited.next_doc().unwrap_err().kind(), io::ErrorKind::InvalidData);
    }

    fn split(input: &[u8]) -> Vec<(String, usize, usize)> {
        split_limited(input, u64::MAX)
            .into_iter()
            .map(|(text, line, column, too_large)| {
                assert_eq!(too_large, None);
                (text, line, column)
            })
            .collect()
    }

    /// The documents with at most `max` bytes held, read whole and one byte at a time (which must
    /// agree; the byte-at-a-time reader only for short inputs, as each read costs a refill).
    fn split_limited(input: &[u8], max: u64) -> Vec<(String, usize, usize, Option<u64>)> {
        let run = |mut s: JsonStream<Box<dyn Read + '_>>| {
            let mut out = Vec::new();
            let mut peak = 0;
            while let Some(doc) = s.next_doc().unwrap() {
                let text = String::from_utf8_lossy(doc.bytes).into_owned();
                out.push((text, doc.origin.line, doc.origin.column, doc.too_large));
                peak = peak.max(s.buf.capacity());
            }
            // The buffer never holds much more than the limit and two reads.
            let bound = usize::try_from(max).unwrap_or(usize::MAX).saturating_add(2 * READ_SIZE);
            assert!(peak <= bound, "held {peak} bytes");
            out
        };
        let whole = run(JsonStream::with_limit(Box::new(input), max));
        if input.len() < 4096 {
            assert_eq!(whole, run(JsonStream::with_limit(Box::new(Trickle(input)), max)));
        }
        whole
    }

    #[test]
    fn documents_over_the_limit_are_skipped_not_held() {
        let input = b"{\"b\": 1}\n{\"a\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}\n  {\"c\":\n[2, 3]} [3]";
        let docs = split_limited(input, 10);
        assert_eq!(
            docs,
            [
                ("{\"b\": 1}".to_owned(), 1, 1, None),
                (String::new(), 2, 1, Some(48)),
                (String::new(), 3, 3, Some(13)),
                ("[3]".to_owned(), 4, 9, None),
            ]
        );
        // Exactly at the limit is held.
        assert_eq!(split_limited(b"[1,2] [1]", 5), [("[1,2]".to_owned(), 1, 1, None), ("[1]".to_owned(), 1, 7, None)]);
        // A document over the limit that never ends, and stray brackets and scalars.
        assert_eq!(split_limited(b"{\"a\": [1, 2", 4), [(String::new(), 1, 1, Some(11))]);
        assert_eq!(split_limited(b"12345 ]", 4), [(String::new(), 1, 1, Some(5)), ("]".to_owned(), 1, 7, None)]);
    }

    #[test]
    fn a_document_over_the_limit_is_dropped_across_reads() {
        let big = format!("{{\"a\": \"{}\"}}", "x".repeat(5 * READ_SIZE));
        let input = format!("{big}\n{{}}");
        let docs = split_limited(input.as_bytes(), 100);
        assert_eq!(docs, [(String::new(), 1, 1, Some(big.len() as u64)), ("{}".to_owned(), 2, 1, None)]);
    }

    #[test]
    fn splits_json_lines_and_concatenated_objects() {
        let input = b"{\"a\": 1}\n{\"b\": [1, {\"c\": \"}\"}]}\n\n  {\"d\": \"\\\"{\"}{}";
        assert_eq!(
            split(input),
            [
                ("{\"a\": 1}".to_owned(), 1, 1),
                ("{\"b\": [1, {\"c\": \"}\"}]}".to_owned(), 2, 1),
                ("{\"d\": \"\\\"{\"}".to_owned(), 4, 3),
                ("{}".to_owned(), 4, 15),
            ]
        );
    }

    #[test]
    fn mismatched_brackets_end_where_meant() {
        let input = b"{\"a\": [}\n{\"b\": {]}}\n{\"c\": 1}";
        assert_eq!(
            split(input),
            [
                ("{\"a\": [}".to_owned(), 1, 1),
                ("{\"b\": {]".to_owned(), 2, 1),
                ("}".to_owned(), 2, 9),
                ("}".to_owned(), 2, 10),
                ("{\"c\": 1}".to_owned(), 3, 1),
            ]
        );
    }

    #[test]
    fn multi_line_objects_keep_positions() {
        let input = b"{\n  \"a\": 1\n}\n{\n}\n";
        assert_eq!(split(input), [("{\n  \"a\": 1\n}".to_owned(), 1, 1), ("{\n}".to_owned(), 4, 1)]);
    }

    #[test]
    fn scalars_strays_and_truncation_are_documents() {
        let input = b"\xEF\xBB\xBF42 \"x y\" ] {\"a\": [1,";
        assert_eq!(
            split(input),
            [
                ("42".to_owned(), 1, 1),
                ("\"x y\"".to_owned(), 1, 4),
                ("]".to_owned(), 1, 10),
                ("{\"a\": [1,".to_owned(), 1, 12),
            ]
        );
    }

    #[test]
    fn empty_and_blank_inputs_have_no_documents() {
        assert!(split(b"").is_empty());
        assert!(split(b" \n\t\r\n").is_empty());
        assert!(split(b"\xEF\xBB\xBF").is_empty());
    }
}
