//! Why a Kyverno policy document was not loaded.

use core::fmt;

use crate::error::Error;
use crate::field_error::FieldError;

/// Why a document was not loaded as a Kyverno policy.
///
/// ```
/// use pss_core::kyverno::KyvernoPolicy;
///
/// let err = KyvernoPolicy::from_json_str(r#"{"apiVersion": "v1", "kind": "Pod"}"#).unwrap_err();
/// assert!(err.is_unsupported_kind());
/// assert_eq!(err.to_string(), "unsupported policy kind v1/Pod: pss runs kyverno.io ClusterPolicy and Policy documents");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PolicyError {
    /// Not JSON, not an object, or a field of the wrong type.
    Decode(Error),
    /// Another kind of document (a `ValidatingPolicy`, a `PolicyException`, a Pod, ...).
    UnsupportedKind {
        /// The document's `apiVersion` (empty when missing).
        api_version: String,
        /// The document's `kind` (empty when missing).
        kind: String,
    },
    /// A policy that Kyverno would reject; it is skipped.
    Invalid {
        /// `metadata.name`.
        name: String,
        /// Every error, in Kyverno's order.
        errors: Vec<FieldError>,
    },
}

impl PolicyError {
    /// Whether the document could not be decoded.
    pub fn is_decode(&self) -> bool {
        matches!(self, PolicyError::Decode(_))
    }

    /// Whether the document is not a Kyverno `ClusterPolicy` or `Policy`.
    pub fn is_unsupported_kind(&self) -> bool {
        matches!(self, PolicyError::UnsupportedKind { .. })
    }

    /// Whether the policy failed Kyverno's validation.
    pub fn is_invalid(&self) -> bool {
        matches!(self, PolicyError::Invalid { .. })
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyError::Decode(e) => write!(f, "{e}"),
            PolicyError::UnsupportedKind { api_version, kind } => {
                let kind = if kind.is_empty() { "(no kind)" } else { kind };
                if api_version.is_empty() {
                    write!(f, "unsupported policy kind {kind}")?;
                } else {
                    write!(f, "unsupported policy kind {api_version}/{kind}")?;
                }
                f.write_str(": pss runs kyverno.io ClusterPolicy and Policy documents")
            }
            // `errors.NewAggregate`: one alone, several in brackets.
            PolicyError::Invalid { errors, .. } => match errors.as_slice() {
                [one] => write!(f, "{one}"),
                many => {
                    f.write_str("[")?;
                    for (i, e) in many.iter().enumerate() {
                        if i > 0 {
                            f.write_str(", ")?;
                        }
                        write!(f, "{e}")?;
                    }
                    f.write_str("]")
                }
            },
        }
    }
}

impl std::error::Error for PolicyError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PolicyError::Decode(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for PolicyError {
    fn from(e: Error) -> Self {
        PolicyError::Decode(e)
    }
}
