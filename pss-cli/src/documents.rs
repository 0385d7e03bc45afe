//! Reading every source document by document (YAML converted to JSON as kubectl reads it, a List's
//! items one by one) and handing each object's JSON text to a [`Visitor`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{InputError, Origin, OutputError};
use crate::input::{self, Source, SourceName, Syntax};
use crate::json_stream::JsonStream;
use crate::limits::{Limits, STDIN_MEMORY};
use crate::report::Loc;
use crate::yaml_json::{from_yaml, YamlError};
use crate::yaml_stream::YamlStream;

/// The items of a List, as raw JSON texts borrowed from the List's text.
#[derive(Deserialize)]
struct ListItems<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// What to do after an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// Nothing more.
    Done,
    /// The object is a List: visit each of its items.
    List,
}

/// What is done with each object read.
pub trait Visitor {
    /// Whether a document's text, before it is parsed, may hold an object of interest (a cheap
    /// filter: `false` skips the document without parsing it; the default takes everything). A
    /// skipped YAML document is numbered even if it is empty, so a visitor that filters must not
    /// report places.
    fn wants(&self, _raw: &[u8]) -> bool {
        true
    }

    /// A source is about to be read.
    fn source(&mut self) {}

    /// One object's JSON text at `at`; `origin` is where the text starts in the file (`None` when
    /// converted from YAML); `in_list` when it is an item of a List (whose own Lists are not walked).
    ///
    /// # Errors
    /// Writing the output failed.
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError>;

    /// An input error (the rest of the input is still read).
    ///
    /// # Errors
    /// Writing the output failed.
    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError>;
}

/// Standard input as the passes over the input read it: read to its end once (namespaces are looked
/// for before the objects are checked), kept in memory up to [`STDIN_MEMORY`] and in an anonymous
/// temporary file beyond. Each pass reads it at its first `-`; later `-`s find it empty, as they
/// would find a stream already read to its end.
#[derive(Debug, Default)]
pub struct StdinBuffer {
    data: Vec<u8>,
    /// Everything, `data` included, once the input outgrew memory.
    spilled: Option<File>,
    /// The error that ended reading, kept as its kind and message so that each pass can report it.
    error: Option<(io::ErrorKind, String)>,
    taken: bool,
}

impl StdinBuffer {
    /// Reads `reader` to its end (or to an error, kept for the passes to report).
    pub fn read_from<R: Read>(reader: R) -> Self {
        Self::read_keeping(reader, STDIN_MEMORY)
    }

    /// As [`read_from`](Self::read_from), keeping at most `memory` bytes in memory.
    pub fn read_keeping<R: Read>(mut reader: R, memory: usize) -> Self {
        let mut data = Vec::new();
        let limit = u64::try_from(memory).unwrap_or(u64::MAX).saturating_add(1);
        let mut error = (&mut reader).take(limit).read_to_end(&mut data).err();
        let mut spilled = None;
        if error.is_none() && data.len() > memory {
            match Self::spill(&data, &mut reader) {
                Ok(file) => {
                    spilled = Some(file);
                    data = Vec::new();
                }
                Err(e) => error = Some(e),
            }
        }
        let error = error.map(|e| (e.kind(), e.to_string()));
        StdinBuffer { data, spilled, error, taken: false }
    }

    /// Writes `start` and the rest of `reader` to a temporary file that disappears when closed.
    fn spill<R: Read>(start: &[u8], reader: &mut R) -> io::Result<File> {
        let describe = |e: io::Error| io::Error::new(e.kind(), format!("cannot buffer standard input on disk: {e}"));
        let mut file = tempfile::tempfile().map_err(describe)?;
        file.write_all(start).map_err(describe)?;
        io::copy(reader, &mut file)?;
        Ok(file)
    }

    /// Lets the next pass read it again.
    pub fn rewind(&mut self) {
        self.taken = false;
    }

    fn take(&mut self) -> (Box<dyn Read + '_>, Option<io::Error>) {
        if std::mem::replace(&mut self.taken, true) {
            return (Box::new(io::empty()), None);
        }
        let error = self.error.as_ref().map(|(kind, message)| io::Error::new(*kind, message.clone()));
        match &self.spilled {
            Some(file) => match (&*file).seek(SeekFrom::Start(0)) {
                Ok(_) => (Box::new(BufReader::with_capacity(64 * 1024, file)), error),
                Err(e) => (Box::new(io::empty()), Some(e)),
            },
            None => (Box::new(self.data.as_slice()), error),
        }
    }
}

/// Where the input comes from beyond the PATH arguments, and how much of it is held: standard
/// input (read once, see [`StdinBuffer`]) and the [`Limits`].
#[derive(Debug, Default)]
pub struct Inputs {
    /// Standard input.
    pub stdin: StdinBuffer,
    /// What is held in memory.
    pub limits: Limits,
}

impl Inputs {
    /// Inputs with standard input `stdin` (the default one when no PATH is `-`) and `limits`.
    pub fn new(stdin: StdinBuffer, limits: Limits) -> Self {
        Inputs { stdin, limits }
    }

    /// Lets the next pass read standard input again.
    pub fn rewind(&mut self) {
        self.stdin.rewind();
    }
}

/// Reads the sources `arg` names (see [`input::expand`]) into `visitor`, standard input and the
/// limits from `inputs`.
///
/// # Errors
/// Writing the output failed; input errors go to the visitor.
pub fn read_arg<V: Visitor>(arg: &Path, inputs: &mut Inputs, visitor: &mut V) -> Result<(), OutputError> {
    for source in input::expand(arg) {
        match source {
            Ok(source) => read_source(&source, inputs, visitor)?,
            Err(error) => visitor.input_error(&error)?,
        }
    }
    Ok(())
}

fn read_source<V: Visitor>(source: &Source, inputs: &mut Inputs, visitor: &mut V) -> Result<(), OutputError> {
    visitor.source();
    let name = source.name();
    let limits = inputs.limits;
    let read_error = |error| InputError::Read { source: name.shown.clone(), error };
    let result = match source {
        Source::Stdin => {
            let (data, error) = inputs.stdin.take();
            let result = match input::sniff(data) {
                Ok((syntax, reader)) => read_limited(&name, syntax, reader, limits, visitor)?,
                Err(error) => Err(error),
            };
            match (result, error) {
                (Ok(()), Some(error)) => Err(error),
                (result, _) => result,
            }
        }
        Source::File(path) => {
            let file = match File::open(path) {
                Ok(file) => file,
                Err(error) => return visitor.input_error(&read_error(error)),
            };
            match input::syntax_of_name(path) {
                Some(syntax) => read_limited(&name, syntax, file, limits, visitor)?,
                None => match input::sniff(file) {
                    Ok((syntax, reader)) => read_limited(&name, syntax, reader, limits, visitor)?,
                    Err(error) => Err(error),
                },
            }
        }
    };
    match result {
        Ok(()) => Ok(()),
        Err(error) => visitor.input_error(&read_error(error)),
    }
}

/// Reads every document of one source (named `name`) in `syntax`, as `pss` does with the default
/// [`Limits`]. The inner error is a read error that ended the source.
pub fn read_syntax<R: Read, V: Visitor>(
    name: &SourceName,
    syntax: Syntax,
    reader: R,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    read_limited(name, syntax, reader, Limits::default(), visitor)
}

/// As [`read_syntax`], holding documents up to `limits.max_document` bytes: a longer one is an
/// [`InputError::TooLarge`] and reading goes on after it.
pub fn read_limited<R: Read, V: Visitor>(
    name: &SourceName,
    syntax: Syntax,
    reader: R,
    limits: Limits,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    match syntax {
        Syntax::Json => read_json(name, reader, limits, visitor),
        Syntax::Yaml => read_yaml(name, BufReader::with_capacity(64 * 1024, reader), limits, visitor),
    }
}

fn read_json<R: Read, V: Visitor>(
    name: &SourceName,
    reader: R,
    limits: Limits,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    let mut stream = JsonStream::with_limit(reader, limits.max_document);
    let mut document = 0;
    loop {
        let doc = match stream.next_doc() {
            Ok(Some(doc)) => doc,
            Ok(None) => return Ok(Ok(())),
            Err(error) => return Ok(Err(error)),
        };
        if let Some(size) = doc.too_large {
            let at = Loc { source: name, document, item: None, line: Some(doc.origin.line) };
            visitor.input_error(&InputError::TooLarge { at: at.place(), size, limit: limits.max_document })?;
        } else if visitor.wants(doc.bytes) {
            let at = Loc { source: name, document, item: None, line: Some(doc.origin.line) };
            object(doc.bytes, &at, Some(doc.origin), visitor)?;
        }
        document += 1;
    }
}

/// The options YAML is read with, by [`from_yaml`]: YAML 1.1 as Kubernetes' YAML reader
/// (sigs.k8s.io/yaml, which is go-yaml v2) parses it: yes/no/on/off booleans, 0755 octal (plain
/// scalars are first spelled as go-yaml v2 resolves them, by [`crate::go_yaml`]). Every entry of a mapping, merge keys
/// (`<<`) among them, reaches [`JsonFromYaml`](crate::yaml_json::JsonFromYaml) in order, which applies them as go-yaml v2 does: a
/// repeated key replaces the earlier one, and a merge key replaces the keys before it.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = false;
    options.legacy_octal_numbers = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::PassThrough;
    options.merge_keys = serde_saphyr::MergeKeyPolicy::AsOrdinary;
    options.with_snippet = false;
    options
}

fn read_yaml<R: BufRead, V: Visitor>(
    name: &SourceName,
    reader: R,
    limits: Limits,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    let mut stream = YamlStream::with_limit(reader, limits.max_document);
    let mut document = 0;
    let options = yaml_options();
    loop {
        let chunk = match stream.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(Ok(())),
            Err(error) => return Ok(Err(error)),
        };
        let at = Loc { source: name, document, item: None, line: Some(chunk.content_line) };
        if let Some(size) = chunk.too_large {
            document += 1;
            visitor.input_error(&InputError::TooLarge { at: at.place(), size, limit: limits.max_document })?;
            continue;
        }
        if !visitor.wants(&chunk.text) {
            document += 1;
            continue;
        }
        let text = match std::str::from_utf8(&chunk.text) {
            Ok(text) => text,
            Err(e) => {
                let line = chunk.first_line + chunk.text[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                document += 1;
                visitor.input_error(&InputError::NotUtf8 { at: at.place(), line })?;
                continue;
            }
        };
        let value = match from_yaml(text, &options) {
            Ok(value) => value,
            Err(error) => {
                document += 1;
                let line_offset = chunk.first_line - 1;
                let error = match error {
                    YamlError::Syntax(error) => InputError::Yaml { at: at.place(), error, line_offset },
                    YamlError::Scalar(mut error) => {
                        error.line += line_offset;
                        InputError::YamlScalar { at: at.place(), error }
                    }
                };
                visitor.input_error(&error)?;
                continue;
            }
        };
        // A document that is only `null` (or `~`) is empty, as kubectl treats it.
        if value.is_null() {
            continue;
        }
        document += 1;
        match serde_json::to_vec(&value) {
            Ok(json) => object(&json, &at, None, visitor)?,
            Err(error) => visitor.input_error(&InputError::Convert { at: at.place(), error })?,
        }
    }
}

/// Hands one object to the visitor, then its items when it is a List.
fn object<V: Visitor>(text: &[u8], at: &Loc<'_>, origin: Option<Origin>, visitor: &mut V) -> Result<(), OutputError> {
    if visitor.object(text, at, origin, false)? == Visit::List {
        items(text, at, origin, visitor)?;
    }
    Ok(())
}

/// Visits each item of a List.
fn items<V: Visitor>(text: &[u8], at: &Loc<'_>, origin: Option<Origin>, visitor: &mut V) -> Result<(), OutputError> {
    let list: ListItems<'_> = match serde_json::from_slice(text) {
        Ok(list) => list,
        Err(error) => return visitor.input_error(&InputError::Items { at: at.place(), error, origin }),
    };
    // Item positions, counted forward from the List's start.
    let (mut line, mut column, mut counted) = origin.map_or((1, 1, 0), |o| (o.line, o.column, 0));
    for (i, item) in list.items.unwrap_or_default().into_iter().enumerate() {
        let offset = (item.get().as_ptr() as usize).saturating_sub(text.as_ptr() as usize).min(text.len());
        let between = &text[counted..offset];
        match between.iter().rposition(|&b| b == b'\n') {
            Some(last) => {
                line += between.iter().filter(|&&b| b == b'\n').count();
                column = between.len() - last;
            }
            None => column += between.len(),
        }
        counted = offset;
        if !visitor.wants(item.get().as_bytes()) {
            continue;
        }
        let item_origin = origin.map(|_| Origin { line, column });
        let item_at = Loc { item: Some(i), line: item_origin.map(|o| o.line), ..*at };
        visitor.object(item.get().as_bytes(), &item_at, item_origin, true)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(stdin: &mut StdinBuffer) -> Vec<u8> {
        let (mut reader, error) = stdin.take();
        assert!(error.is_none());
        let mut out = Vec::new();
        reader.read_to_end(&mut out).unwrap();
        out
    }

    #[test]
    fn stdin_is_read_once_per_pass() {
        let mut stdin = StdinBuffer::read_from(&b"abc"[..]);
        assert_eq!(read_all(&mut stdin), b"abc");
        assert_eq!(read_all(&mut stdin), b"");
        stdin.rewind();
        assert_eq!(read_all(&mut stdin), b"abc");
    }

    #[test]
    fn stdin_beyond_memory_goes_to_a_file_and_reads_the_same() {
        let input: Vec<u8> = (0..10_000u32).flat_map(|i| i.to_le_bytes()).collect();
        for memory in [0, 1, 39_999, 40_000, 40_001] {
            let mut stdin = StdinBuffer::read_keeping(input.as_slice(), memory);
            assert_eq!(stdin.spilled.is_some(), input.len() > memory, "memory {memory}");
            assert!(stdin.data.len() <= memory + 1);
            assert_eq!(read_all(&mut stdin), input);
            assert_eq!(read_all(&mut stdin), b"");
            stdin.rewind();
            assert_eq!(read_all(&mut stdin), input);
        }
    }

    /// Fails after handing out some bytes.
    struct Broken(usize);

    impl Read for Broken {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.0 == 0 {
                return Err(io::Error::other("the pipe broke"));
            }
            let n = self.0.min(out.len());
            out[..n].fill(b' ');
            self.0 -= n;
            Ok(n)
        }
    }

    #[test]
    fn a_read_error_is_kept_for_every_pass() {
        for memory in [4, 100] {
            let mut stdin = StdinBuffer::read_keeping(Broken(10), memory);
            for _ in 0..2 {
                let (_, error) = stdin.take();
                assert_eq!(error.unwrap().to_string(), "the pipe broke");
                stdin.rewind();
            }
        }
    }
}
