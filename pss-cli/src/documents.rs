//! Reading every source document by document (YAML converted to JSON as kubectl reads it, a List's
//! items one by one) and handing each object's JSON text to a [`Visitor`].

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{InputError, Origin, OutputError};
use crate::input::{self, Source, SourceName, Syntax};
use crate::json_stream::JsonStream;
use crate::report::Loc;
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

/// Standard input, read whole once so that it can be read again (namespaces are looked for before
/// the objects are checked). Each pass reads it at its first `-`; later `-`s find it empty, as
/// they would find a stream already read to its end.
#[derive(Debug, Default)]
pub struct StdinBuffer {
    data: Vec<u8>,
    /// The error that ended reading, kept as its kind and message so that each pass can report it.
    error: Option<(io::ErrorKind, String)>,
    taken: bool,
}

impl StdinBuffer {
    /// Reads `reader` to its end (or to an error, kept for the passes to report).
    pub fn read_from<R: Read>(mut reader: R) -> Self {
        let mut data = Vec::new();
        let error = reader.read_to_end(&mut data).err().map(|e| (e.kind(), e.to_string()));
        StdinBuffer { data, error, taken: false }
    }

    /// Lets the next pass read it again.
    pub fn rewind(&mut self) {
        self.taken = false;
    }

    fn take(&mut self) -> (&[u8], Option<io::Error>) {
        if std::mem::replace(&mut self.taken, true) {
            return (&[], None);
        }
        (&self.data, self.error.as_ref().map(|(kind, message)| io::Error::new(*kind, message.clone())))
    }
}

/// Reads the sources `arg` names (see [`input::expand`]) into `visitor`, standard input from `stdin`.
///
/// # Errors
/// Writing the output failed; input errors go to the visitor.
pub fn read_arg<V: Visitor>(arg: &Path, stdin: &mut StdinBuffer, visitor: &mut V) -> Result<(), OutputError> {
    for source in input::expand(arg) {
        match source {
            Ok(source) => read_source(&source, stdin, visitor)?,
            Err(error) => visitor.input_error(&error)?,
        }
    }
    Ok(())
}

fn read_source<V: Visitor>(source: &Source, stdin: &mut StdinBuffer, visitor: &mut V) -> Result<(), OutputError> {
    visitor.source();
    let name = source.name();
    let read_error = |error| InputError::Read { source: name.shown.clone(), error };
    let result = match source {
        Source::Stdin => {
            let (data, error) = stdin.take();
            let result = match input::sniff(data) {
                Ok((syntax, reader)) => read_syntax(&name, syntax, reader, visitor)?,
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
                Some(syntax) => read_syntax(&name, syntax, file, visitor)?,
                None => match input::sniff(file) {
                    Ok((syntax, reader)) => read_syntax(&name, syntax, reader, visitor)?,
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

/// Reads every document of one source (named `name`) in `syntax`, as `pss` does. The inner error is
/// a read error that ended the source.
pub fn read_syntax<R: Read, V: Visitor>(
    name: &SourceName,
    syntax: Syntax,
    reader: R,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    match syntax {
        Syntax::Json => read_json(name, reader, visitor),
        Syntax::Yaml => read_yaml(name, BufReader::with_capacity(64 * 1024, reader), visitor),
    }
}

fn read_json<R: Read, V: Visitor>(
    name: &SourceName,
    reader: R,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    let mut stream = JsonStream::new(reader);
    let mut document = 0;
    loop {
        let doc = match stream.next_doc() {
            Ok(Some(doc)) => doc,
            Ok(None) => return Ok(Ok(())),
            Err(error) => return Ok(Err(error)),
        };
        if visitor.wants(doc.bytes) {
            let at = Loc { source: name, document, item: None, line: Some(doc.origin.line) };
            object(doc.bytes, &at, Some(doc.origin), visitor)?;
        }
        document += 1;
    }
}

/// The options YAML is read with: YAML 1.1 as Kubernetes' YAML reader (sigs.k8s.io/yaml) parses
/// it: yes/no/on/off booleans, 0755 octal, and a repeated key replacing the earlier one.
pub fn yaml_options() -> serde_saphyr::Options {
    let mut options = serde_saphyr::Options::default();
    options.strict_booleans = false;
    options.legacy_octal_numbers = true;
    options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
    options.with_snippet = false;
    options
}

fn read_yaml<R: BufRead, V: Visitor>(
    name: &SourceName,
    reader: R,
    visitor: &mut V,
) -> Result<io::Result<()>, OutputError> {
    let mut stream = YamlStream::new(reader);
    let mut document = 0;
    let options = yaml_options();
    loop {
        let chunk = match stream.next_chunk() {
            Ok(Some(chunk)) => chunk,
            Ok(None) => return Ok(Ok(())),
            Err(error) => return Ok(Err(error)),
        };
        let at = Loc { source: name, document, item: None, line: Some(chunk.content_line) };
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
        let value: serde_json::Value = match serde_saphyr::from_str_with_options(text, options.clone()) {
            Ok(value) => value,
            Err(error) => {
                document += 1;
                let line_offset = chunk.first_line - 1;
                visitor.input_error(&InputError::Yaml { at: at.place(), error: Box::new(error), line_offset })?;
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

    #[test]
    fn stdin_is_read_once_per_pass() {
        let mut stdin = StdinBuffer::read_from(&b"abc"[..]);
        assert_eq!(stdin.take().0, b"abc");
        assert_eq!(stdin.take().0, b"");
        stdin.rewind();
        assert_eq!(stdin.take().0, b"abc");
    }
}
