//! The one error type for bad input.

use core::fmt;

/// What kind of problem an [`Error`] reports.
///
/// Matching on it lets wrappers (the C ABI, the WASM bindings, the CLI) map errors to their own codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorKind {
    /// A level other than `privileged`, `baseline` or `restricted`.
    InvalidLevel,
    /// A version other than `latest` or `v1.N`.
    InvalidVersion,
    /// A check id upstream does not have.
    UnknownCheck,
    /// The input is not valid UTF-8.
    InvalidUtf8,
    /// The input is not well-formed JSON (or is truncated).
    Syntax,
    /// The document is not a JSON object.
    NotAnObject,
    /// A field the checks read has the wrong JSON type (say a string where a boolean belongs), as
    /// the API server would reject it.
    InvalidType,
    /// A number that does not fit the field's type, or is not an integer where one is required.
    NumberOutOfRange,
    /// Nesting deeper than [`crate::MAX_DEPTH`].
    TooDeep,
    /// A field a strictly decoded document (a configuration file) does not have.
    UnknownField,
    /// A field given twice in a strictly decoded document.
    DuplicateField,
    /// A document of another `apiVersion`/`kind` than expected: a Deployment given as a pod, a
    /// whole pod given as a pod spec, a configuration file of another kind.
    UnexpectedKind,
    /// A bare `PodSpec` given as a pod: pod spec fields (`containers`, `hostNetwork`, ...) at the
    /// top and no `spec`. Evaluated as a pod, it would be an empty pod, allowed at every level.
    BarePodSpec,
}

/// An error in the input: an invalid level or version, or a pod that cannot be decoded.
///
/// Messages are lowercase and name the problem and, for documents, where it is: the field path
/// (`spec.containers[0].securityContext.privileged`) and the line and column.
///
/// ```
/// let err = pss_core::evaluate_json(Default::default(), br#"{"spec": {"hostPID": "yes"}}"#).unwrap_err();
/// assert!(err.is_invalid_type());
/// assert_eq!(err.path(), Some("spec.hostPID"));
/// assert_eq!(err.to_string(), "spec.hostPID: expected a boolean, found a string at line 1 column 22");
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Error(Box<Inner>);

#[derive(Clone, PartialEq, Eq)]
struct Inner {
    kind: ErrorKind,
    /// What was wrong, without the location.
    message: String,
    /// Path segments, innermost first (they are added while unwinding).
    segments: Vec<Segment>,
    path: Option<String>,
    position: Option<Position>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
    Key(String),
}

/// A position in the input: 1-based line and column (in bytes), and the 0-based byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in bytes.
    pub column: usize,
    /// 0-based byte offset.
    pub offset: usize,
}

impl Position {
    pub(crate) fn at(input: &[u8], offset: usize) -> Position {
        let offset = offset.min(input.len());
        let before = &input[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        Position { line, column: offset - line_start + 1, offset }
    }
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error(Box::new(Inner { kind, message: message.into(), segments: Vec::new(), path: None, position: None }))
    }

    pub(crate) fn invalid_level(value: &str) -> Error {
        Error::new(ErrorKind::InvalidLevel, format!("invalid level {value:?}: {}", crate::LEVEL_ACCEPTED))
    }

    pub(crate) fn invalid_version(value: &str) -> Error {
        Error::new(ErrorKind::InvalidVersion, format!("invalid version {value:?}: {}", crate::VERSION_ACCEPTED))
    }

    pub(crate) fn unknown_check(value: &str) -> Error {
        Error::new(
            ErrorKind::UnknownCheck,
            format!("unknown check {value:?}: must be one of {}", crate::checks::ID_LIST),
        )
    }

    /// A document of `kind` where `expected` belongs (`a Pod`).
    pub(crate) fn unexpected_kind(kind: &str, expected: &str) -> Error {
        Error::new(
            ErrorKind::UnexpectedKind,
            format!(
                "the document is a {kind:?}, not {expected}: evaluate it as an object \
                 (evaluate_object, pss_evaluate_object, EvaluateObject, evaluateObject)"
            ),
        )
    }

    /// Pod spec fields at the top of a document given as a pod, which has no `spec`.
    pub(crate) fn bare_pod_spec(field: &str) -> Error {
        Error::new(
            ErrorKind::BarePodSpec,
            format!(
                "a pod spec field at the top of a pod without \"spec\": the document is a PodSpec, not a Pod; \
                 evaluate it as a pod spec (evaluate_spec_json, pss_evaluate_spec, EvaluateSpec, evaluateSpec) \
                 or put {field:?} and the other spec fields under \"spec\""
            ),
        )
    }

    /// An object's field at the top of a document given as a pod spec.
    pub(crate) fn object_as_pod_spec(field: &str) -> Error {
        Error::new(
            ErrorKind::UnexpectedKind,
            format!(
                "{field:?} is not a pod spec field: the document is an object, not a PodSpec; evaluate it as a pod \
                 (evaluate_json, pss_evaluate, Evaluate, evaluate) or as an object (evaluate_object, \
                 pss_evaluate_object, EvaluateObject, evaluateObject)"
            ),
        )
    }

    pub(crate) fn with_position(mut self, position: Position) -> Error {
        self.0.position = Some(position);
        self
    }

    /// Adds an enclosing object field to the path (called while unwinding, innermost first).
    pub(crate) fn in_field(mut self, name: &str) -> Error {
        self.0.segments.push(Segment::Field(name.to_owned()));
        self.0.path = None;
        self
    }

    /// Adds an enclosing array index to the path.
    pub(crate) fn in_index(mut self, index: usize) -> Error {
        self.0.segments.push(Segment::Index(index));
        self.0.path = None;
        self
    }

    /// Adds an enclosing map key (annotations) to the path.
    pub(crate) fn in_key(mut self, key: &str) -> Error {
        self.0.segments.push(Segment::Key(key.to_owned()));
        self.0.path = None;
        self
    }

    /// Renders the path once unwinding is done.
    pub(crate) fn finish(mut self) -> Error {
        if !self.0.segments.is_empty() {
            let mut path = String::new();
            for segment in self.0.segments.iter().rev() {
                match segment {
                    Segment::Field(name) => {
                        if !path.is_empty() {
                            path.push('.');
                        }
                        path.push_str(name);
                    }
                    Segment::Index(i) => {
                        path.push('[');
                        path.push_str(&i.to_string());
                        path.push(']');
                    }
                    Segment::Key(k) => {
                        path.push('[');
                        path.push_str(k);
                        path.push(']');
                    }
                }
            }
            self.0.path = Some(path);
        }
        self
    }

    /// What kind of problem this is.
    pub fn kind(&self) -> ErrorKind {
        self.0.kind
    }

    /// The problem alone, without the path and position (e.g. `expected a boolean, found a string`).
    pub fn message(&self) -> &str {
        &self.0.message
    }

    /// The path of the offending field in the document (`spec.containers[0].securityContext.privileged`),
    /// when the error is about one field.
    pub fn path(&self) -> Option<&str> {
        self.0.path.as_deref()
    }

    /// Where in the input the problem is, for errors about a document.
    pub fn position(&self) -> Option<Position> {
        self.0.position
    }

    /// Whether the level was not one upstream accepts.
    pub fn is_invalid_level(&self) -> bool {
        self.0.kind == ErrorKind::InvalidLevel
    }

    /// Whether the version was not one upstream accepts.
    pub fn is_invalid_version(&self) -> bool {
        self.0.kind == ErrorKind::InvalidVersion
    }

    /// Whether the input was not valid UTF-8.
    pub fn is_invalid_utf8(&self) -> bool {
        self.0.kind == ErrorKind::InvalidUtf8
    }

    /// Whether the input was not well-formed JSON.
    pub fn is_syntax(&self) -> bool {
        self.0.kind == ErrorKind::Syntax
    }

    /// Whether the document was not a JSON object.
    pub fn is_not_an_object(&self) -> bool {
        self.0.kind == ErrorKind::NotAnObject
    }

    /// Whether a field had the wrong JSON type.
    pub fn is_invalid_type(&self) -> bool {
        self.0.kind == ErrorKind::InvalidType
    }

    /// Whether a number did not fit its field.
    pub fn is_number_out_of_range(&self) -> bool {
        self.0.kind == ErrorKind::NumberOutOfRange
    }

    /// Whether a bare `PodSpec` was given where a pod belongs ([`ErrorKind::BarePodSpec`]).
    pub fn is_bare_pod_spec(&self) -> bool {
        self.0.kind == ErrorKind::BarePodSpec
    }

    /// Whether the document was of another kind than expected ([`ErrorKind::UnexpectedKind`]).
    pub fn is_unexpected_kind(&self) -> bool {
        self.0.kind == ErrorKind::UnexpectedKind
    }

    /// Whether the document nests deeper than [`crate::MAX_DEPTH`].
    pub fn is_too_deep(&self) -> bool {
        self.0.kind == ErrorKind::TooDeep
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(path) = &self.0.path {
            write!(f, "{path}: ")?;
        }
        f.write_str(&self.0.message)?;
        if let Some(p) = self.0.position {
            write!(f, " at line {} column {}", p.line, p.column)?;
        }
        Ok(())
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Error")
            .field("kind", &self.0.kind)
            .field("message", &self.0.message)
            .field("path", &self.0.path)
            .field("position", &self.0.position)
            .finish()
    }
}

impl std::error::Error for Error {}
