//! Splits a stream of JSON texts (one object, concatenated objects, JSON Lines) into documents,
//! reading incrementally, without parsing them: pss-core decodes each document afterwards.
//!
//! The splitter only tracks strings and bracket depth, so a malformed document still ends where its
//! brackets balance (or at the end of the input) and the next one is read normally; pss-core then
//! reports what is wrong with it, with the field path and position.

use std::io::{self, Read};

use crate::error::Origin;

/// How much to read at a time.
const READ_SIZE: usize = 64 * 1024;

/// The documents of a JSON stream, read incrementally from `R`.
#[derive(Debug)]
pub struct JsonStream<R> {
    reader: R,
    buf: Vec<u8>,
    /// Start of the unconsumed bytes in `buf`.
    pos: usize,
    /// Position of `buf[pos]` in the whole input.
    line: usize,
    column: usize,
    eof: bool,
    started: bool,
    /// Open brackets of the document being scanned (kept to reuse its allocation).
    open: Vec<u8>,
}

/// One document: its bytes and where it starts.
#[derive(Debug)]
pub struct JsonDoc<'a> {
    /// The document's text (not validated).
    pub bytes: &'a [u8],
    /// Where it starts in the input.
    pub origin: Origin,
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
    /// Reads documents from `reader`, which need not be buffered.
    pub fn new(reader: R) -> Self {
        JsonStream { reader, buf: Vec::new(), pos: 0, line: 1, column: 1, eof: false, started: false, open: Vec::new() }
    }

    /// Reads more input after the current end of `buf`, first dropping the consumed bytes (which
    /// shifts offsets by the returned amount). Returns whether anything was read.
    fn fill(&mut self) -> io::Result<(bool, usize)> {
        let shift = self.pos;
        if shift > 0 {
            self.buf.drain(..shift);
            self.pos = 0;
        }
        if self.eof {
            return Ok((false, shift));
        }
        let len = self.buf.len();
        self.buf.resize(len + READ_SIZE, 0);
        loop {
            match self.reader.read(&mut self.buf[len..]) {
                Ok(n) => {
                    self.buf.truncate(len + n);
                    if n == 0 {
                        self.eof = true;
                    }
                    return Ok((n > 0, shift));
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.buf.truncate(len);
                    return Err(e);
                }
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
    }

    /// The next document, or `None` at the end of the input.
    ///
    /// # Errors
    /// Reading failed; the documents before were complete.
    pub fn next_doc(&mut self) -> io::Result<Option<JsonDoc<'_>>> {
        // A byte-order mark at the very start is skipped (and not counted in columns).
        if !self.started {
            while self.buf.len() - self.pos < 3 && self.fill()?.0 {}
            if self.buf[self.pos..].starts_with(b"\xEF\xBB\xBF") {
                self.pos += 3;
            }
            self.started = true;
        }
        // Skip whitespace.
        loop {
            let rest = &self.buf[self.pos..];
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
        let mut i = self.pos;
        self.open.clear();
        let mut state = match self.buf[i] {
            b'"' => {
                i += 1;
                State::String
            }
            b'{' | b'[' => State::Structure,
            b'}' | b']' => {
                // A stray closing bracket is a document of its own (pss-core reports it).
                let origin = Origin { line: self.line, column: self.column };
                let start = self.pos;
                self.consume(1);
                return Ok(Some(JsonDoc { bytes: &self.buf[start..start + 1], origin }));
            }
            _ => State::Bare,
        };
        let end = 'scan: loop {
            while i < self.buf.len() {
                match state {
                    // Most of a manifest's bytes are inside strings: jump to the next quote or
                    // backslash.
                    State::String => match memchr::memchr2(b'"', b'\\', &self.buf[i..]) {
                        None => i = self.buf.len(),
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
                    State::Structure => {
                        let b = self.buf[i];
                        i += 1;
                        match b {
                            b'{' | b'[' => self.open.push(b),
                            b'}' | b']' => {
                                // A mismatched bracket closes the ones opened inside its match, so
                                // that `{"a": [}` ends where its author meant it to.
                                let opener = if b == b'}' { b'{' } else { b'[' };
                                while self.open.pop().is_some_and(|o| o != opener) {}
                                if self.open.is_empty() {
                                    break 'scan i;
                                }
                            }
                            b'"' => state = State::String,
                            _ => {}
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
            let (read, shift) = self.fill()?;
            i -= shift;
            if !read {
                break self.buf.len();
            }
        };
        let origin = Origin { line: self.line, column: self.column };
        let start = self.pos;
        self.consume(end - start);
        Ok(Some(JsonDoc { bytes: &self.buf[start..end], origin }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    fn split(input: &[u8]) -> Vec<(String, usize, usize)> {
        let run = |mut s: JsonStream<Box<dyn Read + '_>>| {
            let mut out = Vec::new();
            while let Some(doc) = s.next_doc().unwrap() {
                out.push((String::from_utf8_lossy(doc.bytes).into_owned(), doc.origin.line, doc.origin.column));
            }
            out
        };
        let whole = run(JsonStream::new(Box::new(input)));
        let trickled = run(JsonStream::new(Box::new(Trickle(input))));
        assert_eq!(whole, trickled);
        whole
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
