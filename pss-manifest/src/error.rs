//! Why a document could not be read.

use core::fmt;

use crate::Position;

/// Why a scalar is refused, as go-yaml v2 or sigs.k8s.io/yaml refuse it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ScalarProblem {
    /// A mapping key that is null (`~`, `null`, an empty key): sigs.k8s.io/yaml cannot make a JSON
    /// key of it.
    NullKey,
    /// A mapping key that is an integer from 2^63 to 2^64 - 1 (go-yaml's `uint64`), which
    /// sigs.k8s.io/yaml cannot make a JSON key of.
    UnsignedKey,
    /// A scalar whose core tag asks for a type it does not resolve to, as `!!bool fAlSe` (a string
    /// to go-yaml v2) or `!!int 1.5`: go-yaml v2's "cannot decode !!str `fAlSe` as a !!bool".
    Mismatch {
        /// What the scalar resolves to (`!!str`, `!!int`, ...).
        resolved: &'static str,
        /// What its tag asks for.
        tag: &'static str,
    },
    /// A `!!binary` scalar that is not standard base64.
    Base64,
    /// A float JSON cannot hold (`.inf`, `-.inf`, `.nan`): Go's `encoding/json` refuses to write it.
    NonFinite,
}

/// What is wrong with a document.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorKind {
    /// The YAML parser refused the text (its message).
    Syntax(String),
    /// A line starting with `---` followed by something other than a comment, which kubectl's
    /// document reader refuses (`invalid Yaml document separator: ...`).
    Separator(String),
    /// A scalar Kubernetes refuses (the scalar's text and why).
    Scalar {
        /// The scalar's value.
        text: String,
        /// What is wrong with it.
        problem: ScalarProblem,
    },
    /// A `\\u` or `\\U` escape (the text) in a double-quoted scalar that is not a Unicode scalar
    /// value (a surrogate), which go-yaml v2's scanner refuses.
    InvalidEscape(String),
    /// An anchor name with a character other than ASCII letters, digits, `_` and `-`, which
    /// go-yaml v2's scanner refuses.
    AnchorName(String),
    /// A mapping or a sequence used as a mapping key (go-yaml v2's "invalid map key").
    CollectionKey,
    /// A merge key (`<<`) whose value is not a mapping, a sequence of mappings, or an alias to a
    /// mapping.
    MergeNotMapping,
    /// An alias to the node it is in (`&a [*a]`).
    RecursiveAlias(String),
    /// An alias to an anchor not defined before it in the document.
    UnknownAnchor(String),
    /// More of the document comes from aliases than go-yaml v2 allows (its "billion laughs" check).
    ExcessiveAliasing,
    /// Aliases expand to more scalar bytes than the budget.
    AliasBudget {
        /// The budget, in bytes.
        limit: u64,
    },
    /// The document nests deeper than the limit.
    TooDeep {
        /// The limit.
        limit: usize,
    },
    /// A repeated mapping key where keys must be unique ([`Options::strict`](crate::Options::strict)).
    DuplicateKey(String),
    /// A List's `items` is neither a list nor null.
    Items,
    /// The document is longer than [`Options::max_document`](crate::Options::max_document); it was
    /// skipped without being held in memory.
    TooLarge {
        /// Its length in bytes.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

/// A document that could not be read: what is wrong and where (the position is in the source,
/// 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub(crate) kind: ErrorKind,
    pub(crate) position: Option<Position>,
    pub(crate) document: usize,
    pub(crate) line: usize,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, position: Option<Position>) -> Self {
        Error { kind, position, document: 0, line: 0 }
    }

    /// The 0-based index of the document in its source.
    pub fn document(&self) -> usize {
        self.document
    }

    /// The 1-based line where the document starts.
    pub fn line(&self) -> usize {
        self.line
    }

    /// What is wrong.
    pub fn kind(&self) -> &ErrorKind {
        &self.kind
    }

    /// Where in the source, when known.
    pub fn position(&self) -> Option<Position> {
        self.position
    }

    /// Whether the document was too large to be read.
    pub fn is_too_large(&self) -> bool {
        matches!(self.kind, ErrorKind::TooLarge { .. })
    }
}

/// A size in bytes, shown with a binary unit when it is a whole number of one (`128 MiB`), else in
/// bytes (`1000 bytes`), as the limits are worded in errors.
///
/// ```
/// assert_eq!(pss_manifest::Size(128 << 20).to_string(), "128 MiB");
/// assert_eq!(pss_manifest::Size(1000).to_string(), "1000 bytes");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Size(pub u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0;
        for (shift, unit) in [(30, "GiB"), (20, "MiB"), (10, "KiB")] {
            if n >= 1 << shift && n % (1 << shift) == 0 {
                return write!(f, "{} {unit}", n >> shift);
            }
        }
        if n == 1 {
            f.write_str("1 byte")
        } else {
            write!(f, "{n} bytes")
        }
    }
}

impl fmt::Display for ScalarProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScalarProblem::NullKey => f.write_str("a null mapping key, which Kubernetes cannot make a JSON key of"),
            ScalarProblem::UnsignedKey => {
                f.write_str("a mapping key beyond int64's range, which Kubernetes cannot make a JSON key of")
            }
            ScalarProblem::Mismatch { resolved, tag } => write!(f, "a {resolved} to Kubernetes, not a {tag}"),
            ScalarProblem::Base64 => f.write_str("a !!binary scalar that is not valid base64"),
            ScalarProblem::NonFinite => f.write_str("a float JSON cannot hold"),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            ErrorKind::Syntax(message) => write!(f, "invalid YAML: {message}")?,
            ErrorKind::Separator(rest) => write!(f, "invalid YAML: invalid Yaml document separator: {rest}")?,
            ErrorKind::Scalar { text, problem } => match problem {
                ScalarProblem::NullKey | ScalarProblem::UnsignedKey => write!(
                    f,
                    "invalid YAML: the mapping key `{text}` is {}, which Kubernetes cannot make a JSON key of",
                    if *problem == ScalarProblem::NullKey { "null" } else { "an unsigned 64-bit integer" }
                )?,
                ScalarProblem::Mismatch { resolved, tag } => write!(
                    f,
                    "invalid YAML: cannot decode {resolved} `{text}` as a {tag}: the scalar is a {resolved} to \
                     Kubernetes, not the {tag} its tag asks for"
                )?,
                ScalarProblem::Base64 => write!(f, "invalid YAML: the !!binary scalar is not valid base64")?,
                ScalarProblem::NonFinite => {
                    write!(
                        f,
                        "invalid YAML: non-finite float `{text}`: JSON cannot hold it (kubectl cannot convert it)"
                    )?;
                }
            },
            ErrorKind::InvalidEscape(escape) => {
                write!(
                    f,
                    "invalid YAML: found invalid Unicode character escape code `{escape}` in a double-quoted scalar"
                )?;
            }
            ErrorKind::AnchorName(name) => {
                write!(
                    f,
                    "invalid YAML: the anchor name `{name}` has a character other than letters, digits, `_` and `-`"
                )?;
            }
            ErrorKind::CollectionKey => f.write_str("invalid YAML: a mapping or a sequence as a mapping key")?,
            ErrorKind::MergeNotMapping => {
                f.write_str("invalid YAML: map merge requires map or sequence of maps as the value")?;
            }
            ErrorKind::RecursiveAlias(anchor) => write!(f, "invalid YAML: anchor '{anchor}' value contains itself")?,
            ErrorKind::UnknownAnchor(anchor) => write!(f, "invalid YAML: unknown anchor '{anchor}' referenced")?,
            ErrorKind::ExcessiveAliasing => f.write_str("invalid YAML: document contains excessive aliasing")?,
            ErrorKind::AliasBudget { limit } => {
                write!(f, "invalid YAML: budget breached: aliases expand to more than {} of scalars", Size(*limit))?;
            }
            ErrorKind::TooDeep { limit } => {
                write!(f, "invalid YAML: recursion limit exceeded: nesting deeper than {limit} levels")?;
            }
            ErrorKind::Items => f.write_str("cannot read the List's items: `items` is not a list")?,
            ErrorKind::DuplicateKey(key) => write!(f, "invalid YAML: the mapping key {key:?} is repeated")?,
            ErrorKind::TooLarge { size, limit } => {
                return write!(f, "the document is {size} bytes, larger than the limit of {}", Size(*limit));
            }
        }
        if let Some(position) = self.position {
            write!(f, " at line {} column {}", position.line, position.column)?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
