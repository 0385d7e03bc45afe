//! Why a Kyverno policy document was not loaded.

use core::fmt;

use crate::error::Error;
use crate::field_error::FieldError;

use super::version::KyvernoVersion;

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
    /// A `kyverno.io` PolicyException in an API version the chosen Kyverno release does not read.
    UnsupportedExceptionVersion {
        /// The document's `apiVersion`.
        api_version: String,
        /// The release.
        kyverno: KyvernoVersion,
    },
    /// Not a `kyverno.io` `PolicyException` (given where one is expected).
    NotAnException {
        /// The document's `apiVersion` (empty when missing).
        api_version: String,
        /// The document's `kind` (empty when missing).
        kind: String,
    },
    /// A PolicyException read for another Kyverno release than the policy it is applied with.
    ReleaseMismatch {
        /// The exception's key (`namespace/name`).
        exception: String,
        /// The release it was read for.
        exception_kyverno: KyvernoVersion,
        /// The policy's key.
        policy: String,
        /// The policy's release.
        policy_kyverno: KyvernoVersion,
    },
    /// A policy (or PolicyException) that Kyverno would reject; it is skipped.
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

    /// Whether the document is not a PolicyException Kyverno reads (another kind, or an API version
    /// the release does not read).
    pub fn is_not_an_exception(&self) -> bool {
        matches!(self, PolicyError::NotAnException { .. } | PolicyError::UnsupportedExceptionVersion { .. })
    }

    /// Whether the document is a CEL `PolicyException` (`policies.kyverno.io`), which exempts
    /// resources from CEL policies (`ValidatingPolicy`, ...) only: pss, which runs no CEL policy,
    /// has no use for it, and Kyverno's CLI accepts it among exceptions.
    pub fn is_cel_exception(&self) -> bool {
        matches!(self, PolicyError::NotAnException { api_version, kind }
            if kind == "PolicyException" && api_version.starts_with("policies.kyverno.io/"))
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
            PolicyError::UnsupportedExceptionVersion { api_version, kyverno } => {
                let read: Vec<String> =
                    kyverno.exception_versions().iter().map(|v| format!("kyverno.io/{v}")).collect();
                write!(
                    f,
                    "policy exception type not supported {api_version}, Kind=PolicyException: Kyverno {kyverno} reads {}",
                    read.join(", ")
                )
            }
            PolicyError::NotAnException { api_version, kind } => {
                if self.is_cel_exception() {
                    return write!(
                        f,
                        "{api_version}/PolicyException exempts resources from CEL policies (ValidatingPolicy, ...), \
                         which pss does not run"
                    );
                }
                let kind = if kind.is_empty() { "(no kind)" } else { kind };
                if api_version.is_empty() {
                    write!(f, "unsupported exception kind {kind}")?;
                } else {
                    write!(f, "unsupported exception kind {api_version}/{kind}")?;
                }
                f.write_str(": pss reads kyverno.io PolicyException documents")
            }
            PolicyError::ReleaseMismatch { exception, exception_kyverno, policy, policy_kyverno } => write!(
                f,
                "PolicyException {exception} was read for Kyverno {exception_kyverno}, the policy {policy} for Kyverno \
                 {policy_kyverno}: read both for one release"
            ),
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
