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
        if line <= 1 {
            (self.line, self.column + column.saturating_sub(1))
        } else {
            (self.line + line - 1, column)
        }
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
    /// A YAML document is not valid UTF-8.
    NotUtf8 {
        /// The document.
        at: Place,
        /// The 1-based line of the first invalid byte.
        line: usize,
    },
    /// A YAML document could not be parsed.
    Yaml {
        /// The document.
        at: Place,
        /// The parser's error.
        error: Box<serde_saphyr::Error>,
        /// Lines before the document in its source, added to the parser's line numbers.
        line_offset: usize,
    },
    /// A YAML scalar Kubernetes refuses: a mapping key it cannot make a JSON key of (null, or an
    /// unsigned 64-bit integer), or a tagged scalar it cannot decode as its tag asks; its line is
    /// counted in the source.
    YamlScalar {
        /// The document.
        at: Place,
        /// The scalar, what is wrong with it, and where it is.
        error: crate::go_yaml::ScalarError,
    },
    /// A YAML document could not be turned into JSON (a value JSON cannot hold).
    Convert {
        /// The document.
        at: Place,
        /// The serializer's error.
        error: serde_json::Error,
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
    /// A List's `items` could not be read.
    Items {
        /// The List.
        at: Place,
        /// The JSON error.
        error: serde_json::Error,
        /// Where the List's JSON text starts in the file (`None` for YAML).
        origin: Option<Origin>,
    },
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InputError::Read { source, error } => write!(f, "{source}: {error}"),
            InputError::NotUtf8 { at, line } => write!(f, "{at}: invalid UTF-8 at line {line}"),
            InputError::Yaml { at, error, line_offset } => {
                let options = serde_saphyr::render_options! {
                    snippets: serde_saphyr::SnippetMode::Off,
                    line_offset: *line_offset as u64,
                };
                write!(f, "{at}: invalid YAML: {}", error.render_with_options(options))
            }
            InputError::YamlScalar { at, error } => write!(f, "{at}: invalid YAML: {error}"),
            InputError::Convert { at, error } => write!(f, "{at}: cannot convert YAML to JSON: {error}"),
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
            InputError::Items { at, error, origin } => {
                write!(f, "{at}: cannot read the List's items: ")?;
                // serde_json's Display adds " at line L column C" relative to the List's text.
                let text = error.to_string();
                let message = text.rsplit_once(" at line ").map_or(text.as_str(), |(m, _)| m);
                f.write_str(message)?;
                if let (Some(origin), true) = (origin, error.line() > 0) {
                    let (line, column) = origin.absolute(error.line(), error.column());
                    write!(f, " at line {line} column {column}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for InputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            InputError::Read { error, .. } => Some(error),
            InputError::NotUtf8 { .. } | InputError::TooLarge { .. } => None,
            InputError::Yaml { error, .. } => Some(error.as_ref()),
            InputError::YamlScalar { error, .. } => Some(error),
            InputError::Convert { error, .. } | InputError::Items { error, .. } => Some(error),
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
