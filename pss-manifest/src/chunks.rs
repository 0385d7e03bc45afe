//! A YAML stream cut into documents as kubectl cuts it (apimachinery's `YAMLReader`), before each
//! is parsed on its own:
//! - lines end at `\n`; a `\r\n` ending is read as `\n`, and a last line without one gets one;
//! - a line starting with `---` followed by nothing but blanks and a comment separates documents;
//!   followed by anything else (`--- {a: 1}`, `---x`, `----`), it is an error kubectl stops at
//!   (`invalid Yaml document separator`): here, the document it is in is that error, and reading goes on
//!   at the next separator;
//! - a document is anything between separators that is not empty, comments and blank lines
//!   included (it then reads as nothing).
//!
//! A document longer than the limit is not held: its lines are counted and dropped, and it is
//! handed out empty, marked [`too_large`](Chunk::too_large). A line is held up to the limit too, so
//! memory stays within about twice the limit whatever the input.

use std::io::{self, BufRead};

/// One document's text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Chunk {
    /// The document's text, lines ending in `\n` (not yet checked to be UTF-8).
    pub(crate) text: Vec<u8>,
    /// The 1-based line of the text's first line in the stream.
    pub(crate) first_line: usize,
    /// The byte offset of the text's first line in the bytes read (as read: `\r\n` is two bytes).
    pub(crate) offset: u64,
    /// Whether a whole separator line (not cut by the limit) ended the document before, so that
    /// the text starts just after it, where a reader of the stream from that line starts in the
    /// same state. False for the first document and one started by a separator cut short.
    pub(crate) after_separator: bool,
    /// The 1-based line of the first line that is neither blank nor a comment (0 when none is).
    pub(crate) content_line: usize,
    /// The length in bytes of a document longer than the limit (its text was dropped).
    pub(crate) too_large: Option<u64>,
    /// What follows `---` on a line that kubectl refuses as a separator, and the line.
    pub(crate) bad_separator: Option<(String, usize)>,
}

impl Chunk {
    fn starting_at(first_line: usize, offset: u64, after_separator: bool) -> Self {
        Chunk {
            text: Vec::new(),
            first_line,
            offset,
            after_separator,
            content_line: 0,
            too_large: None,
            bad_separator: None,
        }
    }
}

/// The documents of a YAML stream, read incrementally from `R`.
#[derive(Debug)]
pub(crate) struct Chunks<R> {
    reader: R,
    next_line: usize,
    /// The bytes read so far (as read).
    read: u64,
    line: Vec<u8>,
    current: Chunk,
    length: u64,
    done: bool,
    max_document: u64,
}

/// How a line starting with `---` is read.
enum Marker {
    No,
    Separator,
    /// Followed by something else: what (trimmed).
    Bad(String),
}

/// Go's `unicode.IsSpace` for one character.
fn go_space(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{85}' | '\u{a0}')
        || (c > '\u{ff}' && c.is_whitespace())
}

fn marker(line: &[u8]) -> Marker {
    let Some(rest) = line.strip_prefix(b"---") else { return Marker::No };
    let rest = String::from_utf8_lossy(rest);
    let trimmed = rest.trim_matches(go_space);
    if trimmed.is_empty() || trimmed.starts_with('#') {
        Marker::Separator
    } else {
        Marker::Bad(trimmed.to_owned())
    }
}

fn has_content(line: &[u8]) -> bool {
    let trimmed = line.trim_ascii_start();
    !trimmed.is_empty() && !trimmed.starts_with(b"#")
}

impl<R: BufRead> Chunks<R> {
    /// Documents from `reader` whose first line is line `first_line`, holding documents up to
    /// `max_document` bytes.
    pub(crate) fn new(reader: R, first_line: usize, max_document: u64) -> Self {
        Chunks {
            reader,
            next_line: first_line,
            read: 0,
            line: Vec::new(),
            current: Chunk::starting_at(first_line, 0, false),
            length: 0,
            done: false,
            max_document,
        }
    }

    /// Reads the next line into `self.line` (its `\n` or `\r\n` ending as `\n`, one added at the
    /// end of the input), keeping at most `max_document + 2` bytes of it. Returns the line's length
    /// as read and whether it was cut; 0 at the end of the input.
    fn read_line(&mut self) -> io::Result<(u64, bool)> {
        self.line.clear();
        let keep = usize::try_from(self.max_document).unwrap_or(usize::MAX).saturating_add(2);
        let mut length = 0u64;
        let mut ended = false;
        loop {
            let available = match self.reader.fill_buf() {
                Ok(available) => available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if available.is_empty() {
                break;
            }
            let (take, ends) = match memchr::memchr(b'\n', available) {
                Some(k) => (k + 1, true),
                None => (available.len(), false),
            };
            let room = keep - self.line.len();
            self.line.extend_from_slice(&available[..take.min(room)]);
            length += take as u64;
            self.reader.consume(take);
            if ends {
                ended = true;
                break;
            }
        }
        if length == 0 {
            return Ok((0, false));
        }
        let cut = length > self.line.len() as u64;
        if !cut {
            if ended {
                self.line.pop();
                if self.line.last() == Some(&b'\r') {
                    self.line.pop();
                }
            }
            self.line.push(b'\n');
        }
        Ok((length, cut))
    }

    fn push(&mut self, length: u64, number: usize) {
        let chunk = &mut self.current;
        if chunk.content_line == 0 && has_content(&self.line) {
            chunk.content_line = number;
        }
        self.length += length;
        if self.length > self.max_document {
            chunk.text = Vec::new();
        } else {
            chunk.text.extend_from_slice(&self.line);
        }
    }

    fn finish(&mut self, next: Chunk) -> Chunk {
        let mut finished = std::mem::replace(&mut self.current, next);
        if self.length > self.max_document {
            finished.too_large = Some(self.length);
        }
        self.length = 0;
        finished
    }

    /// Takes, in one copy, the whole lines at the start of the reader's buffer that [`Self::push`]
    /// would take one by one: up to the first line that starts with `---` (a separator or an
    /// error), holds a carriage return (a `\r\n` ending is read as `\n`), or would take the
    /// document over the limit; then the line-by-line path reads the next line as before. Whether
    /// it took any.
    fn push_lines(&mut self) -> io::Result<bool> {
        let available = loop {
            match self.reader.fill_buf() {
                Ok(available) => break available,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        };
        let Some(last) = memchr::memrchr(b'\n', available) else { return Ok(false) };
        let mut lines = &available[..=last];
        if lines.starts_with(b"---") {
            return Ok(false);
        }
        if let Some(at) = memchr::memmem::find(lines, b"\n---") {
            lines = &lines[..=at];
        }
        if let Some(at) = memchr::memchr(b'\r', lines) {
            lines = &lines[..memchr::memrchr(b'\n', &lines[..at]).map_or(0, |end| end + 1)];
        }
        let length = lines.len() as u64;
        if length == 0 || self.length + length > self.max_document {
            return Ok(false);
        }
        let count = memchr::memchr_iter(b'\n', lines).count();
        let chunk = &mut self.current;
        if chunk.content_line == 0 {
            if let Some(k) = lines.split_inclusive(|&b| b == b'\n').position(has_content) {
                chunk.content_line = self.next_line + k;
            }
        }
        chunk.text.extend_from_slice(lines);
        self.length += length;
        self.read += length;
        self.next_line += count;
        let taken = lines.len();
        self.reader.consume(taken);
        Ok(true)
    }

    /// The next document that is not empty (comments and blank lines count), or `None` at the end.
    pub(crate) fn next_chunk(&mut self) -> io::Result<Option<Chunk>> {
        while !self.done {
            if self.push_lines()? {
                continue;
            }
            let (length, cut) = self.read_line()?;
            if length == 0 {
                self.done = true;
                break;
            }
            let number = self.next_line;
            self.next_line += 1;
            let offset = self.read;
            self.read += length;
            match marker(&self.line) {
                Marker::No => self.push(length, number),
                Marker::Bad(rest) => {
                    if self.current.bad_separator.is_none() {
                        self.current.bad_separator = Some((rest, number));
                    }
                    if self.current.content_line == 0 {
                        self.current.content_line = number;
                    }
                    self.push(length, number);
                }
                // A separator cut short may have had content after its blanks: kubectl would read
                // the whole line; count it as a bad separator's document too large to hold.
                Marker::Separator if cut => {
                    let finished = self.finish(Chunk::starting_at(number, offset, false));
                    self.push(length, number);
                    self.current.content_line = number;
                    if !finished.text.is_empty() || finished.too_large.is_some() || finished.content_line != 0 {
                        return Ok(Some(finished));
                    }
                }
                Marker::Separator => {
                    let finished = self.finish(Chunk::starting_at(number + 1, self.read, true));
                    if !finished.text.is_empty() || finished.too_large.is_some() {
                        return Ok(Some(finished));
                    }
                }
            }
        }
        let next = Chunk::starting_at(self.next_line, self.read, false);
        let last = self.finish(next);
        Ok((!last.text.is_empty() || last.too_large.is_some()).then_some(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (text, first line, content line, bad separator) of each document.
    fn split(input: &str) -> Vec<(String, usize, usize, Option<String>)> {
        let mut chunks = Chunks::new(io::BufReader::with_capacity(3, input.as_bytes()), 1, 1 << 20);
        let mut out = Vec::new();
        while let Some(c) = chunks.next_chunk().unwrap() {
            out.push((String::from_utf8(c.text).unwrap(), c.first_line, c.content_line, c.bad_separator.map(|b| b.0)));
        }
        out
    }

    #[test]
    fn splits_at_separator_lines_as_kubectl() {
        let input = "a: 1\n---\n# comment\nb: 2\n--- # two\n\n---\nc: |\n  ---x\n---\n";
        assert_eq!(
            split(input),
            [
                ("a: 1\n".to_owned(), 1, 1, None),
                ("# comment\nb: 2\n".to_owned(), 3, 4, None),
                ("\n".to_owned(), 6, 0, None),
                ("c: |\n  ---x\n".to_owned(), 8, 8, None),
            ]
        );
        // CRLF endings are read as LF; the last line gets one; `---#` separates too.
        assert_eq!(
            split("---\r\nkind: Pod\r\n---#x\na: 1"),
            [("kind: Pod\n".to_owned(), 2, 2, None), ("a: 1\n".to_owned(), 4, 4, None)]
        );
        // A lone carriage return is not a line end.
        assert_eq!(split("a: 1\rb\n"), [("a: 1\rb\n".to_owned(), 1, 1, None)]);
    }

    #[test]
    fn a_separator_with_content_is_an_error_in_its_document() {
        assert_eq!(
            split("a: 1\n--- {b: 2}\nc: 3\n---\nd: 4\n----\n"),
            [
                ("a: 1\n--- {b: 2}\nc: 3\n".to_owned(), 1, 1, Some("{b: 2}".to_owned())),
                ("d: 4\n----\n".to_owned(), 5, 5, Some("-".to_owned())),
            ]
        );
    }

    #[test]
    fn each_document_says_where_it_starts_and_whether_a_separator_started_it() {
        // (first line, offset, after a whole separator) of each document.
        let starts = |input: &[u8], max_document| {
            let mut chunks = Chunks::new(io::BufReader::with_capacity(3, input), 1, max_document);
            let mut out = Vec::new();
            while let Some(c) = chunks.next_chunk().unwrap() {
                // The offset is that of the first line: the stream's line count before it says so.
                let before = &input[..c.offset as usize];
                assert_eq!(before.iter().filter(|&&b| b == b'\n').count() + 1, c.first_line);
                assert!(before.last().is_none_or(|&b| b == b'\n'));
                out.push((c.first_line, c.offset, c.after_separator));
            }
            out
        };
        // Offsets count the bytes as read (`\r\n` is two); separators with any of Go's blanks
        // (vertical tab, NBSP, EM SPACE) and a comment are whole separators.
        let input = "a: 1\r\n---\r\nb: 2\n---\u{b}\nc: 3\n---\t# c\nd: 4\n--- \u{a0}\ne: 5\n---\u{2003}\nf: 6\n";
        let at = |text: &str| input.find(text).unwrap() as u64;
        assert_eq!(
            starts(input.as_bytes(), 1 << 20),
            [
                (1, 0, false),
                (3, at("b: 2"), true),
                (5, at("c: 3"), true),
                (7, at("d: 4"), true),
                (9, at("e: 5"), true),
                (11, at("f: 6"), true)
            ]
        );
        // A stream starting with a separator; empty documents between separators are skipped.
        assert_eq!(starts(b"---\n---\na: 1\n", 1 << 20), [(3, 8, true)]);
        // A bad separator does not start a document; a separator cut short by the limit starts
        // one on its own line, not after a whole separator.
        let input = format!("a: 1\n--- x\nb: 2\n--- #{}\nc: 3\n---\nd: 4\n", "y".repeat(30));
        let at = |text: &str| input.find(text).unwrap() as u64;
        assert_eq!(starts(input.as_bytes(), 20), [(1, 0, false), (4, at("--- #"), false), (7, at("d: 4"), true)]);
    }

    /// All of a stream's chunks, read through a buffer of `capacity` bytes.
    fn all_chunks(input: &[u8], capacity: usize, max_document: u64) -> Vec<Chunk> {
        let mut chunks = Chunks::new(io::BufReader::with_capacity(capacity, input), 1, max_document);
        std::iter::from_fn(|| chunks.next_chunk().unwrap()).collect()
    }

    #[test]
    fn lines_taken_together_split_as_lines_taken_one_by_one() {
        // A buffer of one byte holds no whole line but a blank one, so it reads line by line
        // (the lines taken together are at most a single `\n`); larger buffers, and a slice (whose
        // buffer is the whole rest), take runs of lines at once.
        let long = "x".repeat(40);
        let inputs = [
            "a: 1\nb: 2\n---\n# c\n\nd: 3\n--- # e\nf: |\n  ---\n  g\n---\n".to_owned(),
            "\n\n# only comments\n---\n\n---\n   \nkind: Pod\nmetadata: {}".to_owned(),
            "a: 1\r\nb: 2\r\n---\r\nc: 3\nd: 4\r\ne: 5\n---\nf: 6\r".to_owned(),
            "a: 1\n--- {b: 2}\nc: 3\n----\nd: 4\n---x\n---\ne: 5\n".to_owned(),
            format!("a: {long}\nb: 1\n---\nc: {long}\n{long}: 2\n---\nd: 1\ne: 2\n--- #{long}\nf: 3\n"),
            "a: 1\rb: 2\n\r\n---\n\u{85}x: \u{2028}\n".to_owned(),
        ];
        for input in &inputs {
            for max_document in [8, 20, 64, 1 << 20] {
                let expected = all_chunks(input.as_bytes(), 1, max_document);
                for capacity in [2, 3, 7, 16, 100, 4096] {
                    assert_eq!(all_chunks(input.as_bytes(), capacity, max_document), expected, "{input:?} {capacity}");
                }
                let mut chunks = Chunks::new(input.as_bytes(), 1, max_document);
                let whole: Vec<Chunk> = std::iter::from_fn(|| chunks.next_chunk().unwrap()).collect();
                assert_eq!(whole, expected, "{input:?} read from a slice");
            }
        }
    }

    #[test]
    fn documents_over_the_limit_are_dropped_and_marked() {
        let long = format!("b: {}\n", "x".repeat(100));
        let input = format!("a: 1\n---\n{long}c: 2\n--- # next\nd: 3\n");
        let mut chunks = Chunks::new(io::BufReader::with_capacity(3, input.as_bytes()), 1, 20);
        let mut out = Vec::new();
        while let Some(c) = chunks.next_chunk().unwrap() {
            assert!(chunks.line.capacity() <= 64, "held a line of {}", chunks.line.capacity());
            out.push((c.text.len(), c.first_line, c.too_large));
        }
        assert_eq!(out, [(5, 1, None), (0, 3, Some(long.len() as u64 + 5)), (5, 6, None)]);
    }
}
