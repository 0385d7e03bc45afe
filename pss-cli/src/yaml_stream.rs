//! Splits a YAML stream into documents at `---` lines, reading line by line, as kubectl's YAML
//! reader does; each document is then parsed on its own, so a broken one does not hide the rest.
//!
//! A document longer than the stream's limit is not held: its lines are counted and dropped, and it
//! is handed out empty, marked [`too_large`](YamlChunk::too_large). A single line is held up to the
//! limit too, so memory stays within about twice the limit whatever the input.

use std::io::{self, BufRead};

/// One document's text and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlChunk {
    /// The document's bytes (not yet checked to be UTF-8).
    pub text: Vec<u8>,
    /// The 1-based line number of the text's first line in the stream.
    pub first_line: usize,
    /// The 1-based line number of the first line that is neither blank nor a comment.
    pub content_line: usize,
    /// The document's length in bytes when it is longer than the stream's limit: then its text was
    /// dropped while reading and `text` is empty.
    pub too_large: Option<u64>,
}

/// The documents of a YAML stream, read incrementally from `R`.
#[derive(Debug)]
pub struct YamlStream<R> {
    reader: R,
    /// The number of the next line to read.
    next_line: usize,
    line: Vec<u8>,
    /// The document being read.
    current: YamlChunk,
    /// Bytes of the current document so far (its text may have been dropped).
    length: u64,
    done: bool,
    /// The longest document held, in bytes.
    max_document: u64,
}

/// How a line starting with `---` divides documents.
enum Marker {
    /// Not a document marker: content.
    No,
    /// `---` alone or with a comment: ends the document before it.
    Separator,
    /// `--- <content>`: ends the document before it and starts the next one.
    StartsDocument,
}

fn marker(line: &[u8]) -> Marker {
    let Some(rest) = line.strip_prefix(b"---") else {
        return Marker::No;
    };
    match rest.first() {
        None | Some(b'\n' | b'\r' | b' ' | b'\t') => {}
        Some(_) => return Marker::No,
    }
    let rest = rest.trim_ascii();
    if rest.is_empty() || rest.starts_with(b"#") {
        Marker::Separator
    } else {
        Marker::StartsDocument
    }
}

/// Whether a line has content (is neither blank nor a comment).
fn has_content(line: &[u8]) -> bool {
    let trimmed = line.trim_ascii_start();
    !trimmed.is_empty() && !trimmed.starts_with(b"#")
}

impl YamlChunk {
    fn starting_at(first_line: usize) -> Self {
        YamlChunk { text: Vec::new(), first_line, content_line: 0, too_large: None }
    }
}

impl<R: BufRead> YamlStream<R> {
    /// Reads documents from `reader`, holding documents up to
    /// [`DEFAULT_MAX_DOCUMENT`](crate::limits::DEFAULT_MAX_DOCUMENT) bytes.
    pub fn new(reader: R) -> Self {
        Self::with_limit(reader, crate::limits::DEFAULT_MAX_DOCUMENT)
    }

    /// Reads documents from `reader`, holding documents up to `max_document` bytes; longer ones are
    /// handed out empty, as [`too_large`](YamlChunk::too_large).
    pub fn with_limit(reader: R, max_document: u64) -> Self {
        YamlStream {
            reader,
            next_line: 1,
            line: Vec::new(),
            current: YamlChunk::starting_at(1),
            length: 0,
            done: false,
            max_document,
        }
    }

    /// Reads the next line into `self.line`, keeping at most `max_document + 4` bytes of it (a
    /// longer line makes its document too large anyway, even without a 3-byte byte-order mark).
    /// Returns the line's whole length and whether it was cut; 0 at the end of the input.
    fn read_line(&mut self) -> io::Result<(u64, bool)> {
        self.line.clear();
        let keep = usize::try_from(self.max_document).unwrap_or(usize::MAX).saturating_add(4);
        let mut length = 0u64;
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
                break;
            }
        }
        Ok((length, length > self.line.len() as u64))
    }

    /// Adds a line of `length` bytes (`self.line` holds it, or its start) to the current document.
    fn push(&mut self, from: usize, length: u64, number: usize) {
        let line = &self.line[from..];
        let chunk = &mut self.current;
        if chunk.content_line == 0 && has_content(line) {
            chunk.content_line = number;
        }
        self.length += length - from as u64;
        if self.length > self.max_document {
            chunk.text = Vec::new();
        } else {
            chunk.text.extend_from_slice(line);
        }
    }

    /// Ends the current document, starting the next at `next`.
    fn finish(&mut self, next: YamlChunk) -> YamlChunk {
        let mut finished = std::mem::replace(&mut self.current, next);
        if self.length > self.max_document {
            finished.too_large = Some(self.length);
        }
        self.length = 0;
        finished
    }

    /// The next document with content, or `None` at the end. Documents of only blank lines and
    /// comments are skipped.
    ///
    /// # Errors
    /// Reading failed.
    pub fn next_chunk(&mut self) -> io::Result<Option<YamlChunk>> {
        while !self.done {
            let (length, cut) = self.read_line()?;
            if length == 0 {
                self.done = true;
                break;
            }
            let number = self.next_line;
            self.next_line += 1;
            let bom = if number == 1 && self.line.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
            let next = match marker(&self.line[bom..]) {
                Marker::No => {
                    self.push(bom, length, number);
                    continue;
                }
                // A separator cut short may have had content after its blanks: count it as content.
                Marker::Separator if !cut => YamlChunk::starting_at(number + 1),
                Marker::Separator | Marker::StartsDocument => YamlChunk::starting_at(number),
            };
            let starts_document = next.first_line == number;
            let finished = self.finish(next);
            if starts_document {
                self.push(bom, length, number);
            }
            if finished.content_line != 0 {
                return Ok(Some(finished));
            }
        }
        let next = YamlChunk::starting_at(self.next_line);
        let last = self.finish(next);
        Ok((last.content_line != 0).then_some(last))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(input: &str) -> Vec<(String, usize, usize)> {
        let mut stream = YamlStream::new(input.as_bytes());
        let mut out = Vec::new();
        while let Some(c) = stream.next_chunk().unwrap() {
            out.push((String::from_utf8(c.text).unwrap(), c.first_line, c.content_line));
        }
        out
    }

    #[test]
    fn splits_at_separator_lines() {
        let input = "a: 1\n---\n# comment\nb: 2\n--- # two\n\n---\nc: |\n  ---x\n---\n";
        assert_eq!(
            split(input),
            [("a: 1\n".to_owned(), 1, 1), ("# comment\nb: 2\n".to_owned(), 3, 4), ("c: |\n  ---x\n".to_owned(), 8, 8),]
        );
    }

    #[test]
    fn leading_separator_bom_and_no_final_newline() {
        assert_eq!(split("\u{feff}---\nkind: Pod"), [("kind: Pod".to_owned(), 2, 2)]);
        assert_eq!(split("---\r\nkind: Pod\r\n"), [("kind: Pod\r\n".to_owned(), 2, 2)]);
    }

    #[test]
    fn marker_with_content_starts_a_document() {
        assert_eq!(
            split("a: 1\n--- {b: 2}\n---x: 3\n"),
            [("a: 1\n".to_owned(), 1, 1), ("--- {b: 2}\n---x: 3\n".to_owned(), 2, 2)]
        );
    }

    #[test]
    fn comment_only_documents_are_skipped() {
        assert!(split("# nothing\n---\n\n# still nothing\n").is_empty());
        assert!(split("").is_empty());
    }

    /// (text, first line, content line, too large) with at most `max` bytes held per document.
    fn split_limited(input: &[u8], max: u64) -> Vec<(String, usize, usize, Option<u64>)> {
        // A tiny buffer, so lines cross refills.
        let mut stream = YamlStream::with_limit(io::BufReader::with_capacity(3, input), max);
        let mut out = Vec::new();
        while let Some(c) = stream.next_chunk().unwrap() {
            assert!(stream.line.capacity() <= 2 * (max as usize + 4) + 8, "held a line of {}", stream.line.capacity());
            out.push((String::from_utf8(c.text).unwrap(), c.first_line, c.content_line, c.too_large));
        }
        out
    }

    #[test]
    fn documents_over_the_limit_are_dropped_and_marked() {
        let long = format!("b: {}\n", "x".repeat(100));
        let input = format!("a: 1\n---\n{long}c: 2\n--- # next\nd: 3\n---\n# only comments {}\n", "y".repeat(50));
        assert_eq!(
            split_limited(input.as_bytes(), 20),
            [
                ("a: 1\n".to_owned(), 1, 1, None),
                (String::new(), 3, 3, Some(long.len() as u64 + 5)),
                ("d: 3\n".to_owned(), 6, 6, None),
            ]
        );
        // Exactly at the limit is held; one more byte is not.
        assert_eq!(split_limited(b"a: 1\n", 5), [("a: 1\n".to_owned(), 1, 1, None)]);
        assert_eq!(split_limited(b"a: 1\n", 4), [(String::new(), 1, 1, Some(5))]);
        // A document marker with content, cut short, still starts a document.
        let marker = format!("a: 1\n--- {}\n", "z".repeat(40));
        assert_eq!(
            split_limited(marker.as_bytes(), 10),
            [("a: 1\n".to_owned(), 1, 1, None), (String::new(), 2, 2, Some(45))]
        );
        // The byte-order mark does not count.
        assert_eq!(split_limited(b"\xEF\xBB\xBFa: 1\n", 5), [("a: 1\n".to_owned(), 1, 1, None)]);
    }
}
