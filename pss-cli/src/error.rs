//! The CLI's errors: bad input (reported, then checking goes on) and failing to write the output.

use core::fmt;
use std::io;

/// Where an object is: its source, the document in it, the item in a List, and the line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The source as shown to people (`<stdin>` for standard input).
    pub source: String,
    /// The 0-based index of the document in the source (shown from 1).
    pub document: usize,
    /// The 0-based index in a List's `items` (shown from 1).
    pub item: Option<usize>,
    /// The 1-based line the object starts on, when known.
    pub line: Option<usize>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (document {}", self.source, self.document + 1)?;
        if let Some(item) = self.item {
            write!(f, ", item {}", item + 1)?;
        }
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        f.write_str(")")
    }
}

/// Where a JSON text starts in its source file (1-based line and column), so that positions
/// inside it can be shown as positions in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Origin {
    /// 1-based line of the text's first byte.
    pub line: usize,
    /// 1-based column (in bytes) of the text's first byte.
    pub column: usize,
}

impl Origin {
    /// The position in the file of a 1-based line and column inside the text.
    pub fn absolute(self, line: usize, column: usize) -> (usize, usize) {
        let origin = pss_manifest::Position { line: self.line, column: self.column };
        let place = origin.offset(pss_manifest::Position { line, column });
        (place.line, place.column)
    }
}

/// A problem with the input. Each is reported on standard error; the other documents and files are
/// still checked, and the exit status becomes 2.
#[derive(Debug)]
pub enum InputError {
    /// A path could not be opened, read or listed.
    Read {
        /// The path, as shown to people.
        source: String,
        /// What the operating system said.
        error: io::Error,
    },
    /// A document kubectl would not read (invalid YAML, a scalar Kubernetes refuses, a List whose
    /// `items` is not a list...), as pss-manifest reports it, with its position in the source.
    Manifest {
        /// The document.
        at: Place,
        /// What is wrong, and where.
        error: pss_manifest::Error,
    },
    /// An object could not be decoded as the checks need it (malformed JSON, not an object, a field
    /// of the wrong type).
    Document {
        /// The object.
        at: Place,
        /// pss-core's error, with the field path.
        error: pss_core::Error,
        /// Where the JSON text starts in the file; `None` when the text was converted from YAML,
        /// whose positions say nothing about the file.
        origin: Option<Origin>,
    },
    /// A document is longer than `--max-document-size`; it was skipped without being read into
    /// memory.
    TooLarge {
        /// The document.
        at: Place,
        /// Its length in bytes.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl InputError {
    /// A document pss-manifest could not read, at `at`.
    pub fn from_manifest(at: Place, error: pss_manifest::Error) -> Self {
        match error.kind() {
            pss_manifest::ErrorKind::TooLarge { size, limit } => {
                InputError::TooLarge { at, size: *size, limit: *limit }
            }
            _ => InputError::Manifest { at, error },
        }
    }
}

impl InputError {
    /// The source it is in (as shown to people: `<stdin>` for standard input), and the 1-based
    /// line and column it is at, as far as they are known.
    pub fn place_in_source(&self) -> (&str, Option<usize>, Option<usize>) {
        match self {
            InputError::Read { source, .. } => (source, None, None),
            InputError::TooLarge { at, .. } => (&at.source, at.line, None),
            InputError::Manifest { at, error } => match error.position() {
                Some(p) => (&at.source, Some(p.line), Some(p.column)),
                None => (&at.source, at.line, None),
            },
            InputError::Document { at, error, origin } => match (error.position(), origin) {
                (Some(position), Some(origin)) => {
                    let (line, column) = origin.absolute(position.line, position.column);
                    (&at.source, Some(line), Some(column))
                }
                _ => (&at.source, at.line, None),
            },
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { source, error } => write!(f, "{source}: {error}"),
            InputError::Manifest { at, error } => write!(f, "{at}: {error}"),
            InputError::Document { at, error, origin } => {
                write!(f, "{at}: ")?;
                if let Some(path) = error.path() {
                    write!(f, "{path}: ")?;
                }
                f.write_str(error.message())?;
                if let (Some(position), Some(origin)) = (error.position(), origin) {
                    let (line, column) = origin.absolute(position.line, position.column);
                    write!(f, " at line {line} column {column}")?;
                }
                Ok(())
            }
            InputError::TooLarge { at, size, limit } => write!(
                f,
                "{at}: the document is {size} bytes, larger than the limit of {} (raise it with --max-document-size)",
                crate::limits::Size(*limit)
            ),
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Read { error, .. } => Some(error),
            InputError::TooLarge { .. } => None,
            InputError::Manifest { error, .. } => Some(error),
            InputError::Document { error, .. } => Some(error),
        }
    }
}

/// Standard output could not be written; checking stops.
#[derive(Debug)]
pub struct OutputError(pub io::Error);

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cannot write the output: {}", self.0)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.0)
    }
}

impl From<io::Error> for OutputError {
    fn from(error: io::Error) -> Self {
        OutputError(error)
    }
}

/// What ends a command early.
#[derive(Debug)]
pub enum RunError {
    /// Standard output could not be written.
    Output(OutputError),
    /// `--admission-config FILE` could not be used.
    Config {
        /// The file, as given.
        path: String,
        /// Why.
        error: crate::namespaces::ConfigFileError,
    },
    /// The default policy could not be made into a configuration.
    Defaults(pss_core::admission::ConfigError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Output(e) => write!(f, "{e}"),
            RunError::Config { path, error } => write!(f, "{path}: {error}"),
            RunError::Defaults(e) => write!(f, "invalid default policy: {e}"),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Output(e) => Some(e),
            RunError::Config { error, .. } => Some(error),
            RunError::Defaults(e) => Some(e),
        }
    }
}

impl From<OutputError> for RunError {
    fn from(error: OutputError) -> Self {
        RunError::Output(error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origin_maps_positions_into_the_file() {
        let origin = Origin { line: 10, column: 5 };
        assert_eq!(origin.absolute(1, 1), (10, 5));
        assert_eq!(origin.absolute(1, 3), (10, 7));
        assert_eq!(origin.absolute(3, 2), (12, 2));
    }

    #[test]
    fn place_shows_numbers_from_one() {
        let place = Place { source: "a.yaml".into(), document: 0, item: None, line: Some(1) };
        assert_eq!(place.to_string(), "a.yaml (document 1, line 1)");
        let place = Place { source: "<stdin>".into(), document: 2, item: Some(0), line: None };
        assert_eq!(place.to_string(), "<stdin> (document 3, item 1)");
    }
}
