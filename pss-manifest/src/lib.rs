//! Kubernetes manifests read as kubectl reads them: a stream of YAML or JSON in, each document out
//! as the JSON kubectl would send to the API server, with the source position of every field.
//!
//! ```
//! use pss_manifest::{Reader, Syntax};
//!
//! let yaml = b"# a comment\nkind: Pod\nmetadata: {name: web}\nspec:\n  hostNetwork: yes\n---\nkind: Service\n";
//! let mut reader = Reader::new(&yaml[..]);
//! let pod = reader.next_document()?.expect("a document").expect("valid YAML");
//! assert_eq!(pod.syntax(), Syntax::Yaml);
//! assert_eq!(pod.line(), 2);
//! assert_eq!(pod.json(), br#"{"kind":"Pod","metadata":{"name":"web"},"spec":{"hostNetwork":true}}"#);
//! let place = pod.locator().locate("spec.hostNetwork");
//! assert_eq!((place.position.line, place.position.column, place.exact), (5, 3, true));
//! // A field that is not there: its nearest parent.
//! let place = pod.locator().locate("spec.hostPID");
//! assert_eq!((place.position.line, place.exact), (4, false));
//! drop(pod);
//! let service = reader.next_document()?.expect("a document").expect("valid YAML");
//! assert_eq!(service.index(), 1);
//! assert!(reader.next_document()?.is_none());
//! # Ok::<(), std::io::Error>(())
//! ```
//!
//! # Scope
//!
//! What kubectl (cli-runtime's file reader, apimachinery's YAML-or-JSON decoder, sigs.k8s.io/yaml
//! over go-yaml v2) does, this crate does:
//! - **Encodings**: a UTF-8 byte-order mark is dropped; a UTF-16 one (either byte order) converts
//!   the source to UTF-8; invalid UTF-8 reads as U+FFFD.
//! - **JSON or YAML**: a source whose first non-blank character is `{` is a stream of JSON texts
//!   (one object, concatenated objects, JSON Lines); if its first or second text is not valid JSON,
//!   the rest is YAML (a `.json` file holding YAML, a JSON object followed by YAML documents).
//!   Anything else is YAML, whatever the file is called.
//! - **YAML documents** are cut at `---` lines as kubectl cuts them (a `---` followed by anything
//!   but a comment is an error), then each is read as sigs.k8s.io/yaml reads it: go-yaml v2's
//!   scalar resolution (`yes`, `0755`, `0x1F`, `1_000`, `1e400` as a string), tags, merge keys,
//!   anchors and aliases, repeated keys (the last wins), keys converted to strings, floats written
//!   as Go writes them (`1.0` is `1`). Only a document's first YAML document is read.
//! - **Lists**: [`Document::items`].
//! - **Positions**: every document knows where each of its fields is written
//!   ([`Document::locator`]), for YAML and JSON alike.
//!
//! Unlike kubectl, reading goes on after a bad document: each is its own [`Error`] (with its place),
//! and the next document is read.
//!
//! Bounds: a document longer than [`Options::max_document`] is skipped without being held in
//! memory; YAML nests at most [`Options::max_depth`] levels; aliases are bounded as go-yaml v2
//! bounds them ("billion laughs") and by [`Options::max_alias_bytes`].

#![deny(missing_docs)]

mod chunks;
mod error;
mod json;
mod json_stream;
mod path;
mod resolve;
mod source;
#[cfg(test)]
mod test_rng;
mod value;
mod yaml;

use std::borrow::Cow;
use std::io::{self, BufReader, Read};
use std::sync::{Arc, OnceLock};

pub use error::{Error, ErrorKind, ScalarProblem, Size};

use chunks::Chunks;
use json_stream::{JsonStream, KnownText};
use source::Decoded;
use value::{Node, Value};

/// A place in a source: 1-based line and column (in characters for YAML, in bytes on a JSON
/// document's first line before it and in characters after).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Position {
    /// Where `inner`, a position inside a text that starts at `self` in its source (as pss-core's
    /// positions in a JSON document are), is in the source: on the text's first line the columns add
    /// up; below it, the line moves and the column is kept.
    ///
    /// ```
    /// use pss_manifest::Position;
    /// let origin = Position { line: 10, column: 5 };
    /// assert_eq!(origin.offset(Position { line: 1, column: 3 }), Position { line: 10, column: 7 });
    /// assert_eq!(origin.offset(Position { line: 3, column: 2 }), Position { line: 12, column: 2 });
    /// ```
    pub fn offset(self, inner: Position) -> Position {
        if inner.line <= 1 {
            Position { line: self.line, column: self.column + inner.column.saturating_sub(1) }
        } else {
            Position { line: self.line + inner.line - 1, column: inner.column }
        }
    }
}

/// What a document was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Syntax {
    /// YAML, converted to JSON.
    Yaml,
    /// JSON, as written.
    Json,
}

/// How much is read, and how strictly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Options {
    /// The longest document held, in bytes; a longer one is an [`ErrorKind::TooLarge`] error and
    /// is not held in memory. Default: 128 MiB.
    pub max_document: u64,
    /// The deepest nesting of YAML collections. Default: 64.
    pub max_depth: usize,
    /// The scalar bytes a YAML document may expand to through aliases. Default: 64 MiB.
    pub max_alias_bytes: u64,
    /// A repeated mapping key is an error (as `sigs.k8s.io/yaml.UnmarshalStrict`), not the last
    /// value winning. Default: `false`.
    pub strict: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_document: 128 << 20, max_depth: 64, max_alias_bytes: 64 << 20, strict: false }
    }
}

impl Options {
    /// The default options with `max_document` bytes per document.
    pub fn with_max_document(max_document: u64) -> Self {
        Options { max_document, ..Options::default() }
    }

    /// The default options, with [`strict`](Self::strict) on.
    pub fn strict() -> Self {
        Options { strict: true, ..Options::default() }
    }

    fn limits(&self) -> yaml::Limits {
        yaml::Limits { depth: self.max_depth, alias_bytes: self.max_alias_bytes, strict: self.strict }
    }
}

/// Bytes to read before the rest: a source's start after sniffing, or JSON handed back to YAML.
#[derive(Debug)]
struct Prefixed<R> {
    prefix: Vec<u8>,
    at: usize,
    inner: R,
}

impl<R: Read> Read for Prefixed<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.at < self.prefix.len() {
            let n = buf.len().min(self.prefix.len() - self.at);
            buf[..n].copy_from_slice(&self.prefix[self.at..self.at + n]);
            self.at += n;
            return Ok(n);
        }
        self.inner.read(buf)
    }
}

impl<R> Prefixed<R> {
    fn prepend(&mut self, mut bytes: Vec<u8>) {
        bytes.extend_from_slice(&self.prefix[self.at..]);
        self.prefix = bytes;
        self.at = 0;
    }
}

type Stream<R> = Prefixed<Decoded<R>>;

/// The read buffer of a YAML source: most manifest files are a few KiB, and a buffer is zeroed
/// once per source, so a larger one costs more than the system calls it saves.
const BUFFER: usize = 16 * 1024;

#[derive(Debug)]
enum State<R: Read> {
    Start(Option<R>),
    Json {
        stream: JsonStream<Stream<R>>,
        /// Texts read as valid JSON so far (kubectl's `count`, up to 2).
        valid: usize,
        /// The line the previous text ended on (1 before the first), kept while `valid < 2` (after
        /// that the stream stays JSON and nothing reads it).
        previous_line: usize,
    },
    Yaml {
        chunks: Chunks<BufReader<Stream<R>>>,
        /// Columns before the first chunk's text on its first line (YAML after JSON on a line).
        first_columns: usize,
        first_line: usize,
    },
    Done,
}

/// What reading a JSON text gave.
enum JsonStep {
    /// A document, held by the stream.
    Document {
        index: usize,
        origin: Position,
    },
    Error(Error),
    /// Nothing yet: the end, or reading switched to YAML.
    Next,
}

/// The documents of one source, read incrementally (see the [crate documentation](crate)).
#[derive(Debug)]
pub struct Reader<R: Read> {
    options: Options,
    state: State<R>,
    /// The index of the next document.
    next: usize,
    prefilter: Option<fn(&[u8]) -> bool>,
}

impl<R: Read> Reader<R> {
    /// Reads `reader` with the default [`Options`].
    pub fn new(reader: R) -> Self {
        Self::with_options(reader, Options::default())
    }

    /// Reads `reader` with `options`.
    pub fn with_options(reader: R, options: Options) -> Self {
        Reader { options, state: State::Start(Some(reader)), next: 0, prefilter: None }
    }

    /// Reads one [`Piece`] of a stream (see [`pieces`]): `reader` gives the piece's bytes (the
    /// stream's bytes in [`Piece::range`]), and its documents come out as a reader of the whole
    /// stream gives them (indexes, lines, columns, errors). The first piece is read as the start of
    /// a stream is.
    pub fn piece(reader: R, piece: &Piece, options: Options) -> Self {
        if piece.is_first() {
            return Self::with_options(reader, options);
        }
        let stream = Prefixed { prefix: Vec::new(), at: 0, inner: Decoded::utf8(reader) };
        let state = match piece.syntax {
            Syntax::Json => State::Json {
                // The texts the cut found in the piece are handed out without looking again.
                stream: match &piece.texts {
                    Some(texts) => JsonStream::known(stream, options.max_document, Arc::clone(texts)),
                    None => JsonStream::resume(stream, options.max_document, piece.start),
                },
                // `pieces` cuts JSON only after two valid texts: JSON to the end.
                valid: 2,
                previous_line: piece.start.line,
            },
            // A YAML piece starts on the line after a separator, where a document starts.
            Syntax::Yaml => State::Yaml {
                chunks: Chunks::new(BufReader::with_capacity(BUFFER, stream), piece.start.line, options.max_document),
                first_columns: 0,
                first_line: piece.start.line,
            },
        };
        Reader { options, state, next: piece.first_document, prefilter: None }
    }

    /// Skips, without reading them, the documents whose text (YAML as written, JSON as written) does
    /// not pass `filter`: a cheap test for a pass that only wants some documents (such as a word
    /// they must contain). A skipped document still takes the index reading it would give it, so
    /// the indexes are those of a reader without the filter (a YAML document that reads as nothing,
    /// such as comments alone, takes none: the few whose text does not say so are parsed to know).
    pub fn set_prefilter(&mut self, filter: fn(&[u8]) -> bool) {
        self.prefilter = Some(filter);
    }

    /// Sniffs the syntax as apimachinery's `GuessJSONStream` does: JSON when the first non-blank
    /// character of the first 4096 bytes is `{`.
    fn start(&mut self, reader: R) -> io::Result<()> {
        let mut decoded = Decoded::new(reader);
        let mut prefix = Vec::new();
        let mut piece = [0u8; 4096];
        let json = loop {
            let n = match decoded.read(&mut piece[..4096 - prefix.len().min(4095)]) {
                Ok(n) => n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            prefix.extend_from_slice(&piece[..n]);
            match first_char(&prefix) {
                Some(c) => break c == '{',
                None if n == 0 || prefix.len() >= 4096 => break false,
                None => {}
            }
        };
        let stream = Prefixed { prefix, at: 0, inner: decoded };
        self.state = if json {
            State::Json {
                stream: JsonStream::with_limit(stream, self.options.max_document),
                valid: 0,
                previous_line: 1,
            }
        } else {
            let chunks = Chunks::new(BufReader::with_capacity(BUFFER, stream), 1, self.options.max_document);
            State::Yaml { chunks, first_columns: 0, first_line: 1 }
        };
        Ok(())
    }

    fn error(&mut self, error: Error, line: usize) -> Error {
        let index = self.next;
        self.next += 1;
        Error { document: index, line, ..error }
    }

    /// The next document (or the error that makes it unreadable), or `None` at the end.
    ///
    /// # Errors
    /// Reading the source failed; the documents before were complete.
    #[allow(clippy::type_complexity)]
    pub fn next_document(&mut self) -> io::Result<Option<Result<Document<'_>, Error>>> {
        loop {
            match &mut self.state {
                State::Done => return Ok(None),
                State::Start(reader) => {
                    let reader = reader.take().expect("a reader before the start");
                    self.start(reader)?;
                }
                State::Yaml { .. } => return self.next_yaml(),
                State::Json { .. } => match self.next_json()? {
                    JsonStep::Document { index, origin } => return Ok(Some(Ok(self.json_document(index, origin)))),
                    JsonStep::Error(error) => return Ok(Some(Err(error))),
                    JsonStep::Next => {}
                },
            }
        }
    }

    /// The JSON text just read, as document `index`.
    fn json_document(&self, index: usize, origin: Position) -> Document<'_> {
        let bytes = match &self.state {
            State::Json { stream, .. } => stream.last_doc(),
            _ => &[],
        };
        // Valid UTF-8 (checked by `from_utf8`, faster than `from_utf8_lossy`'s walk) is borrowed.
        let json = match std::str::from_utf8(bytes) {
            Ok(_) => Cow::Borrowed(bytes),
            Err(_) => Cow::Owned(String::from_utf8_lossy(bytes).into_owned().into_bytes()),
        };
        Document {
            index,
            line: origin.line,
            syntax: Syntax::Json,
            json: OnceLock::from(json),
            origin,
            yaml: None,
            json_index: OnceLock::new(),
        }
    }

    /// Reads the next JSON text.
    fn next_json(&mut self) -> io::Result<JsonStep> {
        let State::Json { stream, valid, previous_line } = &mut self.state else { return Ok(JsonStep::Next) };
        let Some(doc) = stream.next_doc()? else {
            self.state = State::Done;
            return Ok(JsonStep::Next);
        };
        let (origin, too_large, valid_json) = (doc.origin, doc.too_large, *valid >= 2 || json::is_valid(doc.bytes));
        // The line a text ends on matters only while the stream may still turn to YAML.
        let lines = if *valid < 2 { memchr::memchr_iter(b'\n', doc.bytes).count() } else { 0 };
        let fallback_text = (!valid_json && too_large.is_none()).then(|| doc.bytes.to_vec());
        if let Some(size) = too_large {
            let error = Error::new(ErrorKind::TooLarge { size, limit: self.options.max_document }, None);
            return Ok(JsonStep::Error(self.error(error, origin.line)));
        }
        if let Some(bytes) = fallback_text {
            // kubectl's decoder gives up on JSON at a first or second text that is not JSON: the
            // rest is YAML, from the end of the last valid text, its blanks up to and including a
            // line break dropped (apimachinery's `consumeWhitespace`).
            let starts_line = origin.line > *previous_line;
            let mut text = if starts_line { vec![b' '; origin.column - 1] } else { Vec::new() };
            text.extend_from_slice(&bytes);
            let first_columns = if starts_line { 0 } else { origin.column - 1 };
            let State::Json { stream, .. } = std::mem::replace(&mut self.state, State::Done) else {
                return Ok(JsonStep::Next);
            };
            let (rest, mut inner) = stream.into_parts();
            text.extend_from_slice(&rest);
            inner.prepend(text);
            let reader = BufReader::with_capacity(BUFFER, inner);
            let chunks = Chunks::new(reader, origin.line, self.options.max_document);
            self.state = State::Yaml { chunks, first_columns, first_line: origin.line };
            return Ok(JsonStep::Next);
        }
        *valid += 1;
        *previous_line = origin.line + lines;
        let index = self.next;
        self.next += 1;
        let wanted = match (self.prefilter, &self.state) {
            (Some(filter), State::Json { stream, .. }) => filter(stream.last_doc()),
            _ => true,
        };
        Ok(if wanted { JsonStep::Document { index, origin } } else { JsonStep::Next })
    }

    #[allow(clippy::type_complexity)]
    fn next_yaml(&mut self) -> io::Result<Option<Result<Document<'_>, Error>>> {
        loop {
            let State::Yaml { chunks, first_columns, first_line } = &mut self.state else { return Ok(None) };
            let Some(chunk) = chunks.next_chunk()? else {
                self.state = State::Done;
                return Ok(None);
            };
            let columns = if chunk.first_line == *first_line { *first_columns } else { 0 };
            let line = if chunk.content_line == 0 { chunk.first_line } else { chunk.content_line };
            if let Some(size) = chunk.too_large {
                let error = Error::new(ErrorKind::TooLarge { size, limit: self.options.max_document }, None);
                return Ok(Some(Err(self.error(error, line))));
            }
            if let Some((rest, at)) = chunk.bad_separator {
                let error = Error::new(ErrorKind::Separator(rest), Some(Position { line: at, column: 1 }));
                return Ok(Some(Err(self.error(error, line))));
            }
            if self.prefilter.is_some_and(|filter| !filter(&chunk.text)) {
                // Skipped unread, it takes the index reading it would give it (none when it reads
                // as nothing), so that the indexes are those of a reader without the filter.
                if counts(chunk, &self.options) {
                    self.next += 1;
                }
                continue;
            }
            let offset = yaml::Offset { lines: chunk.first_line - 1, columns };
            match read_chunk(chunk.text, offset, &self.options) {
                Err(error) => return Ok(Some(Err(self.error(error, line)))),
                Ok(None) => {}
                Ok(Some((source, root))) => {
                    let index = self.next;
                    self.next += 1;
                    let origin = Position { line: chunk.first_line, column: 1 + columns };
                    return Ok(Some(Ok(Document {
                        index,
                        line,
                        syntax: Syntax::Yaml,
                        json: OnceLock::new(),
                        origin,
                        yaml: Some(Box::new((source, root))),
                        json_index: OnceLock::new(),
                    })));
                }
            }
        }
    }
}

/// One YAML document's text as the reader reads it: its text (invalid UTF-8 replaced) and root,
/// or `None` when it reads as nothing (comments only, an empty or `null` document), which kubectl
/// skips without counting it.
fn read_chunk(text: Vec<u8>, offset: yaml::Offset, options: &Options) -> Result<Option<(String, Node)>, Error> {
    let source = match String::from_utf8(text) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    };
    match yaml::read(&source, offset, options.limits())? {
        None | Some(Node { value: Value::Null, .. }) => Ok(None),
        Some(root) => Ok(Some((source, root))),
    }
}

/// The first character of `prefix` that is not white space (`None` when there is none). Without
/// building the (lossy) text when it is ASCII, as nearly always: ASCII white space is what
/// `char::is_whitespace` says it is below 0x80.
fn first_char(prefix: &[u8]) -> Option<char> {
    let first = prefix.iter().position(|b| !matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' '))?;
    if prefix[first].is_ascii() {
        Some(char::from(prefix[first]))
    } else {
        String::from_utf8_lossy(prefix).trim_start_matches(char::is_whitespace).chars().next()
    }
}

/// A part of a stream held in memory that reads, on its own, as that part of the whole stream
/// reads (see [`pieces`]): the same documents, with the same indexes, lines and columns. Read it
/// with [`Reader::piece`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Piece {
    range: std::ops::Range<usize>,
    first_document: usize,
    start: Position,
    syntax: Syntax,
    /// A later piece of a JSON stream: its texts as the cut found them (from the piece's start),
    /// when none is over the size limit.
    texts: Option<Arc<[KnownText]>>,
}

impl Piece {
    /// Where the piece is in the stream's bytes.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.range.clone()
    }

    /// The index of its first document in the stream.
    pub fn first_document(&self) -> usize {
        self.first_document
    }

    /// Whether it is the stream's first piece (read as a whole stream is, from its start).
    pub fn is_first(&self) -> bool {
        self.range.start == 0
    }

    /// What the stream is read as.
    pub fn syntax(&self) -> Syntax {
        self.syntax
    }
}

/// Cuts a stream held in memory (JSON Lines, concatenated JSON objects, or YAML documents between
/// `---` lines) into pieces of at least `size` bytes that can be read apart, on several threads,
/// and give together exactly the documents [`Reader`] gives for the whole stream with `options`.
///
/// Fails closed: `None` (read the stream whole) unless each piece starts where a reader of the
/// whole stream is in a state a reader of the piece starts from, and where the index of the next
/// document is known. The stream must have no byte-order mark (which changes the bytes the
/// splitter sees). Then, as the stream is sniffed:
/// - **JSON** (the first non-blank character `{`): its first two texts are valid JSON (so
///   kubectl's decoder stays with JSON to the end: no text after them can turn the rest into YAML),
///   and each later piece starts at a text that begins with `{`, where the splitter of the whole
///   stream started one. A first text longer than `size` and 64 KiB (a long List) is not cut after;
/// - **YAML**: a piece starts on the line after a `---` separator (kubectl splits YAML documents
///   at these lines, before parsing each on its own), and the documents before it are counted as
///   the reader counts them: a document that reads as nothing (comments only, `null`) takes no
///   index. A document that starts with a `key:` line at column 0 is a mapping or an error, and
///   counts; any other is read here to know. A separator cut short by the document size limit
///   ends the cutting.
///
/// `None` also when the stream makes only one piece. The stream is scanned once here (JSON:
/// strings and brackets only, as the reader splits it; YAML: its lines).
///
/// ```
/// use pss_manifest::{pieces, Options, Reader};
///
/// let stream: String = (0..100).map(|i| format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\"}}}}\n")).collect();
/// let yaml: String = (0..100).map(|i| format!("# pod {i}\nkind: Pod\nmetadata:\n  name: p{i}\n---\n")).collect();
/// for stream in [stream, yaml] {
///     let pieces = pieces(stream.as_bytes(), Options::default(), 1000).expect("the stream can be cut");
///     assert!(pieces.len() > 1);
///     let mut names = Vec::new();
///     for piece in &pieces {
///         let mut reader = Reader::piece(&stream.as_bytes()[piece.range()], piece, Options::default());
///         while let Some(document) = reader.next_document()? {
///             let document = document.expect("a document");
///             names.push((document.index(), document.line(), document.json().to_vec()));
///         }
///     }
///     let mut whole = Reader::new(stream.as_bytes());
///     let mut expected = Vec::new();
///     while let Some(document) = whole.next_document()? {
///         let document = document.expect("a document");
///         expected.push((document.index(), document.line(), document.json().to_vec()));
///     }
///     assert_eq!(names, expected);
/// }
/// # Ok::<(), std::io::Error>(())
/// ```
pub fn pieces(data: &[u8], options: Options, size: usize) -> Option<Vec<Piece>> {
    pieces_in_parts(data, options, size, 1)
}

/// For tests (not a stable API): [`pieces`], with the texts of a JSON stream found in (at most)
/// `parts` parts read on as many threads, however small (see [`pieces_on`]).
#[doc(hidden)]
pub fn pieces_in_parts(data: &[u8], options: Options, size: usize, parts: usize) -> Option<Vec<Piece>> {
    // A byte-order mark (UTF-8 or UTF-16) changes the bytes the splitter sees.
    if matches!(data.first(), Some(0xEF | 0xFE | 0xFF)) {
        return None;
    }
    // `Reader::start`'s sniffing, over the same bytes.
    let mut pieces = if first_char(&data[..data.len().min(4096)]) == Some('{') {
        json_cuts(data, options, size, parts)?
    } else {
        yaml_cuts(data, options, size)
    };
    if pieces.len() < 2 {
        return None;
    }
    for i in 0..pieces.len() {
        pieces[i].range.end = pieces.get(i + 1).map_or(data.len(), |next| next.range.start);
    }
    Some(pieces)
}

/// The first piece of a stream read as `syntax` (its end is set once the next is known).
fn first_piece(syntax: Syntax) -> Piece {
    Piece { range: 0..0, first_document: 0, start: Position { line: 1, column: 1 }, syntax, texts: None }
}

/// One text of a JSON stream as its splitter finds it (what [`json_cuts`] needs of it).
#[derive(Debug, Clone, Copy)]
struct JsonText {
    offset: usize,
    origin: Position,
    /// Its length (as read, for a text too large to hold), and whether it is too large.
    len: usize,
    too_large: bool,
}

/// The texts of the JSON stream `data`, as a reader of it finds them (their origins as if the
/// stream started at line `first_line`, column 1).
fn json_texts(data: &[u8], options: Options, first_line: usize) -> Vec<JsonText> {
    let start = Position { line: first_line, column: 1 };
    let mut stream = if first_line == 1 {
        JsonStream::with_limit(data, options.max_document)
    } else {
        JsonStream::resume(data, options.max_document, start)
    };
    let mut texts = Vec::with_capacity(data.len() / 512);
    // Reading fails only for a reader that fails; a slice does not.
    while let Ok(Some(doc)) = stream.next_doc() {
        let len = doc.too_large.map_or(doc.bytes.len(), |size| usize::try_from(size).unwrap_or(usize::MAX));
        texts.push(JsonText { offset: doc.offset, origin: doc.origin, len, too_large: doc.too_large.is_some() });
    }
    texts
}

/// Where [`pieces`] cuts a JSON stream (`None`: nowhere, it may turn to YAML).
/// Its texts are found in `parts` parts on as many threads when that can be done (see
/// [`json_texts_in_parts`]), else on this one.
fn json_cuts(data: &[u8], options: Options, size: usize, parts: usize) -> Option<Vec<Piece>> {
    // A first text longer than a piece (and than 64 KiB: a long List, often the whole stream) is
    // not cut after: no need to scan it to the end to find that out.
    json::value_end(&data[..data.len().min(size.max(64 << 10))], 0)?;
    let texts = json_texts_in_parts(data, options, parts).unwrap_or_else(|| json_texts(data, options, 1));
    let mut pieces = vec![first_piece(Syntax::Json)];
    // The first two texts that are not too large (as `Reader::next_json`: a text too large is an
    // error of its own), and whether they are valid JSON, checked before the first cut (one that
    // is not turns the rest into YAML: then the stream is not cut at all). A stream of one text
    // (a List) is not cut, and not checked here either.
    let mut first: Vec<std::ops::Range<usize>> = Vec::with_capacity(2);
    let mut checked = false;
    // The texts of the last piece (a later one), from its start; `None` once one is too large.
    let mut known: Option<Vec<KnownText>> = None;
    for (index, text) in texts.into_iter().enumerate() {
        if first.len() < 2 {
            if !text.too_large {
                first.push(text.offset..text.offset + text.len);
            }
        } else if text.offset - pieces[pieces.len() - 1].range.start >= size && data.get(text.offset) == Some(&b'{') {
            if !std::mem::replace(&mut checked, true) && !first.iter().all(|text| json::is_valid(&data[text.clone()])) {
                return None;
            }
            if let (Some(piece), Some(texts)) = (pieces.last_mut(), known.take()) {
                piece.texts = Some(texts.into());
            }
            known = Some(Vec::new());
            pieces.push(Piece {
                range: text.offset..text.offset,
                first_document: index,
                start: text.origin,
                ..first_piece(Syntax::Json)
            });
        }
        let piece_start = pieces[pieces.len() - 1].range.start;
        match &mut known {
            Some(_) if text.too_large => known = None,
            Some(texts) => {
                texts.push(KnownText { offset: text.offset - piece_start, len: text.len, origin: text.origin })
            }
            None => {}
        }
    }
    if let (Some(piece), Some(texts)) = (pieces.last_mut(), known.take()) {
        piece.texts = Some(texts.into());
    }
    Some(pieces)
}

/// [`pieces`], with the texts of a JSON stream found on up to `threads` threads: the stream is
/// split at lines that start with `{` into parts read at once, each as a stream of its own. A
/// reader of the whole stream is at the start of a text where a part starts when the part
/// before ends cleanly (its last text ends before the part does: it needed nothing after it),
/// and then finds the same texts in it: so when every part ends cleanly, the texts are the
/// whole stream's. When one does not (the line was inside a text, say a pretty-printed object),
/// the stream is read on one thread. A YAML stream is cut by [`pieces`].
///
/// ```
/// use std::num::NonZeroUsize;
/// use pss_manifest::{pieces, pieces_on, Options};
///
/// let stream: String = (0..2000).map(|i| format!("{{\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\"}}}}\n")).collect();
/// let threads = NonZeroUsize::new(4).unwrap();
/// assert_eq!(pieces_on(stream.as_bytes(), Options::default(), 4096, threads), pieces(stream.as_bytes(), Options::default(), 4096));
/// ```
pub fn pieces_on(data: &[u8], options: Options, size: usize, threads: std::num::NonZeroUsize) -> Option<Vec<Piece>> {
    // Parts of at least 2 MiB (and two pieces), so that reading them apart costs little more.
    let parts = threads.get().min(data.len() / size.max(1 << 20).saturating_mul(2));
    pieces_in_parts(data, options, size, parts)
}

/// The texts of the JSON stream `data` found in (at most) `parts` parts, each at a line that
/// starts with `{`, read on as many threads: `None` when it cannot be split so, or when a part
/// does not end cleanly (see [`pieces_on`]).
fn json_texts_in_parts(data: &[u8], options: Options, parts: usize) -> Option<Vec<JsonText>> {
    // Each part starts on a line that starts with `{`, at or after its share of the stream.
    let mut starts = vec![0];
    for k in 1..parts {
        let from = (data.len() / parts * k).max(starts[starts.len() - 1] + 1);
        let Some(at) = data.get(from..).and_then(|rest| memchr::memmem::find(rest, b"\n{")) else { break };
        starts.push(from + at + 1);
    }
    if starts.len() < 2 {
        return None;
    }
    let ends: Vec<usize> = starts[1..].iter().copied().chain([data.len()]).collect();
    let read_part = |k: usize| -> Option<Vec<JsonText>> {
        let (start, end) = (starts[k], ends[k]);
        let line = 1 + memchr::memchr_iter(b'\n', &data[..start]).count();
        let mut texts = json_texts(&data[start..end], options, line);
        for text in &mut texts {
            text.offset += start;
        }
        // Cleanly: the last text ends before the part does (the last part ends the stream).
        let clean = end == data.len() || texts.last().is_none_or(|t| t.offset + t.len < end);
        clean.then_some(texts)
    };
    let parts: Vec<Option<Vec<JsonText>>> = std::thread::scope(|scope| {
        let others: Vec<_> = (1..starts.len()).map(|k| scope.spawn(move || read_part(k))).collect();
        let mut parts = vec![read_part(0)];
        parts.extend(others.into_iter().map(|part| part.join().unwrap_or(None)));
        parts
    });
    parts.into_iter().collect::<Option<Vec<_>>>().map(|parts| parts.into_iter().flatten().collect())
}

/// Where [`pieces`] cuts a YAML stream: at the start of a document that a whole separator line
/// started, where [`Reader::piece`]'s chunks start as the whole stream's are after that line.
fn yaml_cuts(data: &[u8], options: Options, size: usize) -> Vec<Piece> {
    let mut chunks = Chunks::new(data, 1, options.max_document);
    let mut pieces = vec![first_piece(Syntax::Yaml)];
    let mut index = 0;
    // Reading fails only for a reader that fails; a slice does not.
    while let Ok(Some(chunk)) = chunks.next_chunk() {
        if chunk.first_line > 1 {
            // Past the first document, one that no whole separator line started (a separator cut
            // short by the size limit starts the document itself) ends the cutting: fail closed.
            if !chunk.after_separator {
                break;
            }
            // The offset is within `data`.
            let Ok(offset) = usize::try_from(chunk.offset) else { break };
            if offset - pieces[pieces.len() - 1].range.start >= size {
                let start = Position { line: chunk.first_line, column: 1 };
                pieces.push(Piece { range: offset..offset, first_document: index, start, ..first_piece(Syntax::Yaml) });
            }
        }
        if counts(chunk, &options) {
            index += 1;
        }
    }
    pieces
}

/// Whether the reader gives the document `chunk` an index (every document does but those that
/// read as nothing).
fn counts(chunk: chunks::Chunk, options: &Options) -> bool {
    if chunk.too_large.is_some() || chunk.bad_separator.is_some() {
        return true;
    }
    if chunk.content_line != 0 {
        let mut lines = chunk.text.split(|&b| b == b'\n');
        // The lines before the first content line are blank or comments as the chunk reads them;
        // the YAML parser breaks lines at a lone carriage return too (and, were it to follow YAML
        // 1.1, at NEL, LS and PS), where a comment line may hide content: then read it.
        let plain = lines.by_ref().take(chunk.content_line - chunk.first_line).all(|line| !breaks_within(line));
        if plain && lines.next().is_some_and(is_key_line) {
            return true;
        }
    }
    let offset = yaml::Offset { lines: chunk.first_line - 1, columns: 0 };
    !matches!(read_chunk(chunk.text, offset, options), Ok(None))
}

/// Whether `line` holds a character a YAML parser may take for a line break: a carriage return
/// (YAML 1.2 and 1.1), NEL, LS or PS (YAML 1.1).
fn breaks_within(line: &[u8]) -> bool {
    const BREAKS: [&str; 4] = ["\r", "\u{85}", "\u{2028}", "\u{2029}"];
    BREAKS.iter().any(|b| memchr::memmem::find(line, b.as_bytes()).is_some())
}

/// Whether `line` is `key:` (then a blank or nothing) at column 0, with a plain key of letters,
/// digits and `_ . / -`: it starts a block mapping, so its document is a mapping or an error.
fn is_key_line(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else { return false };
    let (key, rest) = (&line[..colon], &line[colon + 1..]);
    key.first().is_some_and(u8::is_ascii_alphabetic)
        && key.iter().all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/' | b'-'))
        && matches!(rest.first(), None | Some(b' '))
}

/// One YAML text read as sigs.k8s.io/yaml's `YAMLToJSON` reads it (its first document only): the
/// JSON, or `None` when it holds nothing (comments only, or no document). A `null` document is
/// `Some(b"null")`.
///
/// ```
/// let json = pss_manifest::yaml_to_json("a: yes\nb: 0x1F\nc: [1.0, 1e400]\n", &Default::default())?;
/// assert_eq!(json.as_deref(), Some(&br#"{"a":true,"b":31,"c":[1,"1e400"]}"#[..]));
/// # Ok::<(), pss_manifest::Error>(())
/// ```
///
/// # Errors
/// The text is not YAML kubectl reads, or breaks one of the limits of `options`.
pub fn yaml_to_json(text: &str, options: &Options) -> Result<Option<Vec<u8>>, Error> {
    let offset = yaml::Offset { lines: 0, columns: 0 };
    let Some(root) = yaml::read(text, offset, options.limits())? else { return Ok(None) };
    let mut json = Vec::with_capacity(text.len());
    root.write_json(text, &mut json);
    Ok(Some(json))
}

/// For tests of the fast path (not a stable API): `None` when the fast path declines `text`
/// (the event parser reads it), else whether the fast path reads it exactly as the event parser
/// does (the same nodes, values, positions and errors; the difference otherwise).
#[doc(hidden)]
pub fn fast_path_agrees(text: &str) -> Option<Result<(), String>> {
    yaml::fast_path_agrees(text)
}

/// For pss-cli's JSON writer (not a stable API): the offset of the first byte at or after `from`
/// that stops a JSON string (`"`, `\`, or a control character below U+0020), or `bytes.len()`
/// when there is none (`from` past the end included). The scan this crate's JSON reader uses,
/// eight bytes at a time.
#[doc(hidden)]
#[inline]
pub fn json_string_stop(bytes: &[u8], from: usize) -> usize {
    json::string_stop(bytes, from)
}

/// One document: its JSON, where it is, and where its fields are.
#[derive(Debug)]
pub struct Document<'a> {
    index: usize,
    line: usize,
    syntax: Syntax,
    /// The JSON: a JSON document's text, set when it is read; a YAML document's, written from
    /// its nodes when first asked for.
    json: OnceLock<Cow<'a, [u8]>>,
    origin: Position,
    yaml: Option<Box<(String, Node)>>,
    /// Where the members of the JSON are, once a field has been located (JSON documents only).
    json_index: OnceLock<Option<json::JsonIndex>>,
}

impl<'a> Document<'a> {
    /// The document's 0-based index in its source (documents that read as nothing, such as
    /// comments alone, are not counted; documents that are errors are).
    pub fn index(&self) -> usize {
        self.index
    }

    /// The 1-based line where the document's content starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What it was read as.
    pub fn syntax(&self) -> Syntax {
        self.syntax
    }

    /// Where the document's text starts: for JSON, the JSON text (whose own positions are relative
    /// to it); for YAML, the document's first line.
    pub fn origin(&self) -> Position {
        self.origin
    }

    /// The JSON kubectl would send (for JSON, the text as written, invalid UTF-8 replaced; for
    /// YAML, written from the document's nodes the first time it is asked for).
    pub fn json(&self) -> &[u8] {
        self.json.get_or_init(|| {
            let Some(tree) = &self.yaml else { return Cow::Borrowed(&[]) };
            let (source, root) = (&tree.0, &tree.1);
            let mut json = Vec::with_capacity(source.len() + source.len() / 4);
            root.write_json(source, &mut json);
            Cow::Owned(json)
        })
    }

    /// Takes the JSON.
    pub fn into_json(self) -> Cow<'a, [u8]> {
        self.json();
        self.json.into_inner().unwrap_or_default()
    }

    /// For a YAML document that is a mapping, the JSON of its top-level members whose keys are
    /// among `keys` (the others left out), as [`json`](Self::json) writes them and in the same
    /// order, without writing the rest: enough to read an object's header (`apiVersion`, `kind`,
    /// `metadata`) and decide whether the whole object is needed. `None` for a JSON document
    /// (whose JSON is its text: [`json`](Self::json) costs nothing) and for a YAML document that
    /// is not a mapping.
    ///
    /// ```
    /// use pss_manifest::Reader;
    ///
    /// let yaml = "kind: ConfigMap\nmetadata: {name: settings}\ndata:\n  a: '1'\napiVersion: v1\n";
    /// let mut reader = Reader::new(yaml.as_bytes());
    /// let document = reader.next_document()?.expect("a document").expect("valid YAML");
    /// let header = document.members_json(&["apiVersion", "kind", "metadata"]);
    /// assert_eq!(header.as_deref(), Some(&br#"{"kind":"ConfigMap","metadata":{"name":"settings"},"apiVersion":"v1"}"#[..]));
    /// assert_eq!(document.json(), br#"{"kind":"ConfigMap","metadata":{"name":"settings"},"data":{"a":"1"},"apiVersion":"v1"}"#);
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn members_json(&self, keys: &[&str]) -> Option<Vec<u8>> {
        let (source, map) = self.yaml_mapping()?;
        let mut json = Vec::with_capacity(256);
        map.write_json_members(source, |key| keys.contains(&key), &mut json);
        Some(json)
    }

    /// For a YAML document that is a mapping, the string its top-level member `key` holds: `None`
    /// when it has no such member, the member is not a string (a number, `null`, a mapping...),
    /// or the document is JSON (whose JSON is its text).
    ///
    /// ```
    /// use pss_manifest::Reader;
    ///
    /// let mut reader = Reader::new(&b"apiVersion: v1\nkind: \"ConfigMap\"\nmetadata: {generation: 1}\n"[..]);
    /// let document = reader.next_document()?.expect("a document").expect("valid YAML");
    /// assert_eq!((document.member_str("apiVersion"), document.member_str("kind")), (Some("v1"), Some("ConfigMap")));
    /// assert_eq!((document.member_str("metadata"), document.member_str("spec")), (None, None));
    /// # Ok::<(), std::io::Error>(())
    /// ```
    pub fn member_str(&self, key: &str) -> Option<&str> {
        let (source, map) = self.yaml_mapping()?;
        match &map.get(key, source)?.value.value {
            Value::Str(text) => Some(text.get(source)),
            _ => None,
        }
    }

    /// For a YAML document that is a mapping, its text and the mapping.
    fn yaml_mapping(&self) -> Option<(&str, &value::Map)> {
        let (source, root) = self.yaml.as_deref()?;
        match &root.value {
            Value::Map(map) => Some((source, map)),
            _ => None,
        }
    }

    /// Where the fields are.
    pub fn locator(&self) -> Locator<'_> {
        match &self.yaml {
            Some(tree) => Locator(LocatorKind::Yaml { source: &tree.0, node: &tree.1 }),
            None => Locator(LocatorKind::Json { text: self.json(), origin: self.origin, index: &self.json_index }),
        }
    }

    /// The items of a List (`kind: List`, `PodList`...): its `items`, each with its JSON and
    /// positions. A missing or null `items` has none.
    ///
    /// # Errors
    /// `items` is not a list, or (JSON) the document is not a valid object.
    pub fn items(&self) -> Result<Vec<Item<'_>>, Error> {
        let not_a_list = |position| Err(Error::new(ErrorKind::Items, Some(position)));
        match &self.yaml {
            Some(tree) => {
                let (source, root) = (&tree.0, &tree.1);
                let Value::Map(map) = &root.value else { return Ok(Vec::new()) };
                let Some(entry) = map.get("items", source) else { return Ok(Vec::new()) };
                match &entry.value.value {
                    Value::Null => Ok(Vec::new()),
                    Value::Seq(items) => Ok(items
                        .iter()
                        .enumerate()
                        .map(|(index, node)| {
                            let mut json = Vec::new();
                            node.write_json(source, &mut json);
                            let locator = Locator(LocatorKind::Yaml { source, node });
                            Item {
                                index,
                                position: node.position,
                                json: Cow::Owned(json),
                                locator: Some(locator),
                                json_index: OnceLock::new(),
                            }
                        })
                        .collect()),
                    _ => not_a_list(entry.key_position),
                }
            }
            None => {
                let text: &[u8] = self.json();
                let start = text.iter().position(|b| !b.is_ascii_whitespace()).unwrap_or(0);
                let position = |offset| json::position_at(text, self.origin, offset);
                if text.get(start) != Some(&b'{') {
                    return Ok(Vec::new());
                }
                // `items` and its elements in one pass over the List (an object that is not valid
                // JSON has none: pss-core reports what is wrong with it).
                let Some(Some((key, value, elements))) = json::member_elements(text, start, "items") else {
                    return Ok(Vec::new());
                };
                if text[value..].starts_with(b"null") {
                    return Ok(Vec::new());
                }
                let Some(elements) = elements else {
                    return not_a_list(position(key));
                };
                // Each item's place from the previous one's (items come in order; each starts at
                // an ASCII byte), not from the start of the text: one pass for them all.
                let mut known = (0, self.origin);
                Ok(elements
                    .into_iter()
                    .enumerate()
                    .map(|(index, (from, to))| {
                        let origin = json::position_after(text, known.0, known.1, from);
                        known = (from, origin);
                        let json = &text[from..to];
                        Item {
                            index,
                            position: origin,
                            json: Cow::Borrowed(json),
                            locator: None,
                            json_index: OnceLock::new(),
                        }
                    })
                    .collect())
            }
        }
    }
}

/// An item of a List.
#[derive(Debug)]
pub struct Item<'d> {
    index: usize,
    position: Position,
    json: Cow<'d, [u8]>,
    /// For YAML, where its fields are; for JSON, found in `json` (with `json_index`).
    locator: Option<Locator<'d>>,
    json_index: OnceLock<Option<json::JsonIndex>>,
}

impl Item<'_> {
    /// Its 0-based index in `items`.
    pub fn index(&self) -> usize {
        self.index
    }

    /// The 1-based line where it starts.
    pub fn line(&self) -> usize {
        self.position.line
    }

    /// The 1-based column where it starts.
    pub fn column(&self) -> usize {
        self.position.column
    }

    /// Its JSON.
    pub fn json(&self) -> &[u8] {
        &self.json
    }

    /// Where its fields are.
    pub fn locator(&self) -> Locator<'_> {
        match self.locator {
            Some(locator) => locator,
            None => Locator(LocatorKind::Json { text: &self.json, origin: self.position, index: &self.json_index }),
        }
    }
}

/// Finds where fields are written in a document or a List item.
#[derive(Debug, Clone, Copy)]
pub struct Locator<'d>(LocatorKind<'d>);

#[derive(Debug, Clone, Copy)]
enum LocatorKind<'d> {
    Json { text: &'d [u8], origin: Position, index: &'d OnceLock<Option<json::JsonIndex>> },
    Yaml { source: &'d str, node: &'d Node },
}

/// Where a field is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Located {
    /// The field's key (an item's start, for a path ending in `[N]`), or, when the field is not
    /// there, its nearest parent's.
    pub position: Position,
    /// Whether the field itself is there.
    pub exact: bool,
}

impl Locator<'_> {
    /// Where `path` (as pss-core writes field paths: `spec.containers[0].securityContext.privileged`,
    /// `metadata.annotations[key]`) is written.
    pub fn locate(&self, path: &str) -> Located {
        let (position, exact) = match self.0 {
            LocatorKind::Json { text, origin, index } => match index.get_or_init(|| json::JsonIndex::build(text)) {
                Some(index) => index.locate(text, origin, path),
                None => json::locate(text, origin, path),
            },
            LocatorKind::Yaml { source, node } => node.locate(path, source),
        };
        Located { position, exact }
    }
}
