//! `pss check`: reads every source document by document, evaluates each Pod, reports.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read, Write};

use pss_core::{LevelVersion, ObjectHeader, PodDocument};
use serde::Deserialize;
use serde_json::value::RawValue;

use crate::error::{InputError, Origin, OutputError};
use crate::input::{self, Source, SourceName, Syntax};
use crate::json_stream::JsonStream;
use crate::objects::{classify, Class};
use crate::report::{Loc, Report, Summary};
use crate::yaml_stream::YamlStream;

/// The items of a List, as raw JSON texts borrowed from the List's text.
#[derive(Deserialize)]
struct ListItems<'a> {
    #[serde(borrow, default)]
    items: Option<Vec<&'a RawValue>>,
}

/// Evaluates the pods of every source at one level and version and reports them.
#[derive(Debug)]
pub struct Checker<W, E> {
    level_version: LevelVersion,
    report: Report<W, E>,
    summary: Summary,
}

impl<W: Write, E: Write> Checker<W, E> {
    /// A checker at `level_version` writing to `report`.
    pub fn new(level_version: LevelVersion, report: Report<W, E>) -> Self {
        Checker { level_version, report, summary: Summary::default() }
    }

    /// Checks the sources `arg` names (see [`input::expand`]), reading `stdin` for `-`.
    ///
    /// # Errors
    /// Writing the output failed; input errors are reported and counted instead.
    pub fn check_arg<S: Read>(&mut self, arg: &std::path::Path, stdin: &mut S) -> Result<(), OutputError> {
        for source in input::expand(arg) {
            match source {
                Ok(source) => self.check_source(&source, stdin)?,
                Err(error) => self.input_error(&error)?,
            }
        }
        Ok(())
    }

    /// Starts the output.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self) -> Result<(), OutputError> {
        Ok(self.report.begin()?)
    }

    /// Writes the summary and returns the counts.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(mut self) -> Result<Summary, OutputError> {
        self.report.finish(&self.summary)?;
        Ok(self.summary)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.summary.errors += 1;
        Ok(self.report.input_error(error)?)
    }

    fn check_source<S: Read>(&mut self, source: &Source, stdin: &mut S) -> Result<(), OutputError> {
        self.summary.sources += 1;
        let name = source.name();
        let read_error = |error| InputError::Read { source: name.shown.clone(), error };
        let result = match source {
            Source::Stdin => match input::sniff(stdin) {
                Ok((syntax, reader)) => self.check_reader(&name, syntax, reader),
                Err(error) => return self.input_error(&read_error(error)),
            },
            Source::File(path) => {
                let file = match File::open(path) {
                    Ok(file) => file,
                    Err(error) => return self.input_error(&read_error(error)),
                };
                match input::syntax_of_name(path) {
                    Some(syntax) => self.check_reader(&name, syntax, file),
                    None => match input::sniff(file) {
                        Ok((syntax, reader)) => self.check_reader(&name, syntax, reader),
                        Err(error) => return self.input_error(&read_error(error)),
                    },
                }
            }
        };
        match result? {
            Ok(()) => Ok(()),
            Err(error) => self.input_error(&read_error(error)),
        }
    }

    /// Checks every document of one source. The inner error is a read error that ended the source.
    fn check_reader<R: Read>(
        &mut self,
        name: &SourceName,
        syntax: Syntax,
        reader: R,
    ) -> Result<io::Result<()>, OutputError> {
        match syntax {
            Syntax::Json => self.check_json(name, reader),
            Syntax::Yaml => self.check_yaml(name, BufReader::with_capacity(64 * 1024, reader)),
        }
    }

    fn check_json<R: Read>(&mut self, name: &SourceName, reader: R) -> Result<io::Result<()>, OutputError> {
        let mut stream = JsonStream::new(reader);
        let mut document = 0;
        loop {
            let doc = match stream.next_doc() {
                Ok(Some(doc)) => doc,
                Ok(None) => return Ok(Ok(())),
                Err(error) => return Ok(Err(error)),
            };
            let at = Loc { source: name, document, item: None, line: Some(doc.origin.line) };
            self.check_object(doc.bytes, &at, Some(doc.origin), true)?;
            document += 1;
        }
    }

    fn check_yaml<R: BufRead>(&mut self, name: &SourceName, reader: R) -> Result<io::Result<()>, OutputError> {
        let mut stream = YamlStream::new(reader);
        let mut document = 0;
        let mut options = serde_saphyr::Options::default();
        // YAML 1.1 as Kubernetes' YAML reader (sigs.k8s.io/yaml) parses it: yes/no/on/off booleans,
        // 0755 octal, and a repeated key replacing the earlier one.
        options.strict_booleans = false;
        options.legacy_octal_numbers = true;
        options.duplicate_keys = serde_saphyr::DuplicateKeyPolicy::LastWins;
        options.with_snippet = false;
        loop {
            let chunk = match stream.next_chunk() {
                Ok(Some(chunk)) => chunk,
                Ok(None) => return Ok(Ok(())),
                Err(error) => return Ok(Err(error)),
            };
            let at = Loc { source: name, document, item: None, line: Some(chunk.content_line) };
            let text = match std::str::from_utf8(&chunk.text) {
                Ok(text) => text,
                Err(e) => {
                    let line = chunk.first_line + chunk.text[..e.valid_up_to()].iter().filter(|&&b| b == b'\n').count();
                    document += 1;
                    self.input_error(&InputError::NotUtf8 { at: at.place(), line })?;
                    continue;
                }
            };
            let value: serde_json::Value = match serde_saphyr::from_str_with_options(text, options.clone()) {
                Ok(value) => value,
                Err(error) => {
                    document += 1;
                    let line_offset = chunk.first_line - 1;
                    self.input_error(&InputError::Yaml { at: at.place(), error: Box::new(error), line_offset })?;
                    continue;
                }
            };
            // A document that is only `null` (or `~`) is empty, as kubectl treats it.
            if value.is_null() {
                continue;
            }
            document += 1;
            match serde_json::to_vec(&value) {
                Ok(json) => self.check_object(&json, &at, None, true)?,
                Err(error) => self.input_error(&InputError::Convert { at: at.place(), error })?,
            }
        }
    }

    /// Checks one object's JSON text: evaluates a Pod, walks a List's items (when `lists`), skips
    /// anything else. `origin` is where the text starts in the file (`None` when converted from YAML).
    fn check_object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        lists: bool,
    ) -> Result<(), OutputError> {
        let (kind, name) = match PodDocument::from_slice(text) {
            Ok(pod) => match classify(pod.kind()) {
                Class::Pod => {
                    let result = pss_core::evaluate(self.level_version, &pod);
                    self.summary.pods += 1;
                    if result.allowed() {
                        self.summary.allowed += 1;
                    } else {
                        self.summary.denied += 1;
                    }
                    return Ok(self.report.pod(at, &pod, &result)?);
                }
                _ => (pod.kind().map(str::to_owned), pod.name().map(str::to_owned)),
            },
            // The pod decoding reads fields other kinds may use differently; only a Pod's errors count.
            Err(error) => match ObjectHeader::from_slice(text) {
                Ok(header) if classify(header.kind()) != Class::Pod => {
                    (header.kind().map(str::to_owned), header.name().map(str::to_owned))
                }
                _ => return self.input_error(&InputError::Document { at: at.place(), error, origin }),
            },
        };
        if lists && classify(kind.as_deref()) == Class::List {
            return self.check_items(text, at, origin);
        }
        self.summary.skipped += 1;
        Ok(self.report.skipped(at, kind.as_deref(), name.as_deref())?)
    }

    /// Checks each item of a List.
    fn check_items(&mut self, text: &[u8], at: &Loc<'_>, origin: Option<Origin>) -> Result<(), OutputError> {
        let list: ListItems<'_> = match serde_json::from_slice(text) {
            Ok(list) => list,
            Err(error) => return self.input_error(&InputError::Items { at: at.place(), error, origin }),
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
            let item_origin = origin.map(|_| Origin { line, column });
            let item_at = Loc { item: Some(i), line: item_origin.map(|o| o.line), ..*at };
            self.check_object(item.get().as_bytes(), &item_at, item_origin, false)?;
        }
        Ok(())
    }
}
