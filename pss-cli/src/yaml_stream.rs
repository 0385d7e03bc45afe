//! Splits a YAML stream into documents at `---` lines, reading line by line, as kubectl's YAML
//! reader does; each document is then parsed on its own, so a broken one does not hide the rest.

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
    done: bool,
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
        YamlChunk { text: Vec::new(), first_line, content_line: 0 }
    }

    fn push(&mut self, line: &[u8], number: usize) {
        if self.content_line == 0 && has_content(line) {
            self.content_line = number;
        }
        self.text.extend_from_slice(line);
    }
}

impl<R: BufRead> YamlStream<R> {
    /// Reads documents from `reader`.
    pub fn new(reader: R) -> Self {
        YamlStream { reader, next_line: 1, line: Vec::new(), current: YamlChunk::starting_at(1), done: false }
    }

    /// The next document with content, or `None` at the end. Documents of only blank lines and
    /// comments are skipped.
    ///
    /// # Errors
    /// Reading failed.
    pub fn next_chunk(&mut self) -> io::Result<Option<YamlChunk>> {
        while !self.done {
            self.line.clear();
            let n = match self.reader.read_until(b'\n', &mut self.line) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if n == 0 {
                self.done = true;
                break;
            }
            let number = self.next_line;
            self.next_line += 1;
            let mut line = self.line.as_slice();
            if number == 1 {
                line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
            }
            let next = match marker(line) {
                Marker::No => {
                    self.current.push(line, number);
                    continue;
                }
                Marker::Separator => YamlChunk::starting_at(number + 1),
                Marker::StartsDocument => {
                    let mut next = YamlChunk::starting_at(number);
                    next.push(line, number);
                    next
                }
            };
            let finished = std::mem::replace(&mut self.current, next);
            if finished.content_line != 0 {
                return Ok(Some(finished));
            }
        }
        let last = std::mem::replace(&mut self.current, YamlChunk::starting_at(self.next_line));
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
}
