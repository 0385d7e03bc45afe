//! Target `manifest_stream`: bytes read as the `pss` command reads a file.

use std::io::{self, Read};

use pss_cli::documents::{read_syntax, Visit, Visitor};
use pss_cli::error::{InputError, Origin, OutputError};
use pss_cli::input::{self, SourceName, Syntax};
use pss_cli::json_stream::JsonStream;
use pss_cli::report::Loc;
use pss_core::ObjectClass;
use pss_core::{evaluate_object, LevelVersion, ObjectDocument};

/// The file name errors must name.
const SOURCE: &str = "fuzz-input";

/// What the reader handed out, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Event {
    Object { text: Vec<u8>, place: String, origin: Option<Origin>, in_list: bool },
    Error(String),
}

#[derive(Default)]
struct Collect {
    events: Vec<Event>,
}

impl Visitor for Collect {
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        self.events.push(Event::Object { text: text.to_vec(), place: at.place().to_string(), origin, in_list });
        // As `pss check` does: a List's items are visited, once (Lists in Lists are not walked).
        let visit = match ObjectDocument::from_slice(text) {
            Ok(obj) if !in_list && obj.header().class() == ObjectClass::List => Visit::List,
            _ => Visit::Done,
        };
        Ok(visit)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.events.push(Event::Error(error.to_string()));
        Ok(())
    }
}

/// Hands out one byte per read, so that every buffer boundary is crossed.
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

fn read<R: Read>(syntax: Syntax, reader: R) -> Vec<Event> {
    let name = SourceName { id: SOURCE.into(), shown: SOURCE.into() };
    let mut collect = Collect::default();
    let result = read_syntax(&name, syntax, reader, &mut collect).expect("the visitor never fails");
    result.expect("reading from memory never fails");
    collect.events
}

/// Target `manifest_stream`: the first byte picks the syntax (JSON, YAML, or sniffed as for a file
/// without a known extension), the rest is the file.
///
/// - Nothing is lost and nothing depends on buffering: read whole and read one byte at a time, the
///   documents, items and errors are the same, in the same order, at the same places.
/// - JSON streams are cut without losing a byte: the documents are the input in order, separated
///   only by whitespace (and a leading byte-order mark), at the lines and columns reported.
/// - Every input error names the file and the document; objects converted from YAML are JSON.
/// - Every object either decodes (and then evaluates, if a workload) or is an error.
pub fn manifest_stream(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let syntax = match selector % 3 {
        0 => Syntax::Json,
        1 => Syntax::Yaml,
        _ => input::sniff(input).expect("sniffing memory never fails").0,
    };
    let whole = read(syntax, input);
    let trickled = read(syntax, Trickle(input));
    assert_eq!(whole, trickled, "reading one byte at a time gives other documents");
    for event in &whole {
        match event {
            Event::Error(message) => {
                assert!(message.starts_with(&format!("{SOURCE} (document ")), "error without its place: {message}")
            }
            Event::Object { text, place, .. } => {
                assert!(place.starts_with(&format!("{SOURCE} (document ")), "{place}");
                if syntax == Syntax::Yaml {
                    // Checked for syntax only: `serde_json::Value` would read a key that is serde_json's
                    // raw-value marker as embedded JSON (the raw_value feature is on in this build).
                    serde_json::from_slice::<serde::de::IgnoredAny>(text).expect("YAML converts to JSON");
                }
                if let Ok(obj) = ObjectDocument::from_slice(text) {
                    if obj.workload_kind().is_some() {
                        let _ = evaluate_object(LevelVersion::default(), &obj);
                    }
                }
            }
        }
    }
    if syntax == Syntax::Json {
        check_json_tiling(input);
    }
}

/// The documents of a JSON stream are its bytes in order, separated by whitespace only.
fn check_json_tiling(input: &[u8]) {
    let mut stream = JsonStream::new(input);
    let mut at = if input.starts_with(b"\xEF\xBB\xBF") { 3 } else { 0 };
    let (mut line, mut column) = (1, 1);
    let mut counted = at;
    while let Some(doc) = stream.next_doc().expect("reading from memory never fails") {
        while input.get(at).is_some_and(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')) {
            at += 1;
        }
        assert!(input[at..].starts_with(doc.bytes), "a document is not the next bytes of the input at offset {at}");
        assert!(!doc.bytes.is_empty(), "an empty document at offset {at}");
        for &b in &input[counted..at] {
            if b == b'\n' {
                line += 1;
                column = 1;
            } else {
                column += 1;
            }
        }
        counted = at;
        assert_eq!((doc.origin.line, doc.origin.column), (line, column), "document at offset {at}");
        at += doc.bytes.len();
    }
    assert!(input[at..].iter().all(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n')), "input lost after offset {at}");
}
