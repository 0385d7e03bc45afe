//! Target `manifest_stream`: bytes read as the `pss` command reads a file.

use std::io::{self, Read};

use pss_cli::documents::{read_bytes, Visit, Visitor};
use pss_cli::error::{InputError, Origin, OutputError};
use pss_cli::input::SourceName;
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

fn read<R: Read>(reader: R) -> Vec<Event> {
    let name = SourceName { id: SOURCE.into(), shown: SOURCE.into() };
    let mut collect = Collect::default();
    let result = read_bytes(&name, reader, &mut collect).expect("the visitor never fails");
    result.expect("reading from memory never fails");
    collect.events
}

/// Target `manifest_stream`: the bytes after the first are a file as `pss` reads it (JSON or YAML
/// as kubectl tells them apart); the first byte, when it is below 128, is put in front as a
/// byte-order mark choice: 0 none, 1 UTF-8, 2 UTF-16 LE, 3 UTF-16 BE (the rest converted).
///
/// - Nothing is lost and nothing depends on buffering: read whole and read one byte at a time, the
///   documents, items and errors are the same, in the same order, at the same places.
/// - Every input error names the file and the document; objects converted from YAML are JSON.
/// - Every object either decodes (and then evaluates, if a workload) or is an error.
pub fn manifest_stream(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let input: Vec<u8> = match selector % 4 {
        1 => [&b"\xEF\xBB\xBF"[..], input].concat(),
        2 | 3 => {
            let text = String::from_utf8_lossy(input);
            let units = [0xFEFF_u16].into_iter().chain(text.encode_utf16());
            if selector % 4 == 2 {
                units.flat_map(u16::to_le_bytes).collect()
            } else {
                units.flat_map(u16::to_be_bytes).collect()
            }
        }
        _ => input.to_vec(),
    };
    let whole = read(input.as_slice());
    let trickled = read(Trickle(&input));
    assert_eq!(whole, trickled, "reading one byte at a time gives other documents");
    for event in &whole {
        match event {
            Event::Error(message) => {
                assert!(message.starts_with(&format!("{SOURCE} (document ")), "error without its place: {message}")
            }
            Event::Object { text, place, origin, .. } => {
                assert!(place.starts_with(&format!("{SOURCE} (document ")), "{place}");
                if origin.is_none() {
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
    // pss-manifest's fast path reads what it takes exactly as its event parser does: the input as
    // one text, and each piece between `---` lines.
    let text = String::from_utf8_lossy(data.get(1..).unwrap_or_default());
    let mut pieces = vec![&text[..]];
    let mut start = 0;
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            pieces.push(&text[start..at]);
            start = at + line.len();
        }
        at += line.len();
    }
    pieces.push(&text[start..]);
    for piece in pieces {
        if let Some(Err(difference)) = pss_manifest::fast_path_agrees(piece) {
            panic!("the fast path reads {piece:?} otherwise:\n{difference}");
        }
    }
}
