//! Why a Kyverno policy document was not loaded.

use core::fmt;

use crate::error::Error;
use crate::quote::go_quote;

use super::version::KyvernoVersion;

/// What is wrong with one field of a policy (the `k8s.io/apimachinery` `field.Error` types Kyverno
/// uses when it validates policies).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PolicyFieldErrorKind {
    /// `Invalid value`.
    Invalid,
    /// `Forbidden`.
    Forbidden,
    /// `Required value`.
    Required,
    /// `Unsupported value` (a value outside the CRD's enum).
    NotSupported,
}

/// One validation error, worded as Kyverno (or the API server, for the CRD's enums) words it:
/// `spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "Privileged Containers": Invalid control name defined at the given level`.
///
/// Kyverno prints some `Invalid value` errors with a whole Go struct as the value; those are
/// printed here without the value (`spec.rules[0]: No operation defined in the rule 'r'.(...)`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PolicyFieldError {
    kind: PolicyFieldErrorKind,
    path: String,
    value: Option<String>,
    detail: String,
}

impl PolicyFieldError {
    pub(crate) fn invalid(path: impl Into<String>, value: Option<&str>, detail: impl Into<String>) -> Self {
        PolicyFieldError {
            kind: PolicyFieldErrorKind::Invalid,
            path: path.into(),
            value: value.map(str::to_owned),
            detail: detail.into(),
        }
    }

    pub(crate) fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        PolicyFieldError {
            kind: PolicyFieldErrorKind::Forbidden,
            path: path.into(),
            value: None,
            detail: detail.into(),
        }
    }

    pub(crate) fn required(path: impl Into<String>) -> Self {
        PolicyFieldError { kind: PolicyFieldErrorKind::Required, path: path.into(), value: None, detail: String::new() }
    }

    pub(crate) fn required_because(path: impl Into<String>, detail: impl Into<String>) -> Self {
        PolicyFieldError { kind: PolicyFieldErrorKind::Required, path: path.into(), value: None, detail: detail.into() }
    }

    pub(crate) fn not_supported(path: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        PolicyFieldError {
            kind: PolicyFieldErrorKind::NotSupported,
            path: path.into(),
            value: Some(value.to_owned()),
            detail: format!("supported values: {}", quoted.join(", ")),
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> PolicyFieldErrorKind {
        self.kind
    }

    /// The field (`spec.rules[0].podSecurity.exclude[1].values`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The offending value, when the message shows one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// Why it is wrong (`values is required`); may be empty.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for PolicyFieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        match (self.kind, &self.value) {
            (PolicyFieldErrorKind::Invalid, None) => return f.write_str(&self.detail),
            (PolicyFieldErrorKind::Invalid, Some(v)) => write!(f, "Invalid value: {}", go_quote(v))?,
            (PolicyFieldErrorKind::NotSupported, Some(v)) => write!(f, "Unsupported value: {}", go_quote(v))?,
            (PolicyFieldErrorKind::NotSupported, None) => f.write_str("Unsupported value")?,
            (PolicyFieldErrorKind::Forbidden, _) => f.write_str("Forbidden")?,
            (PolicyFieldErrorKind::Required, _) => f.write_str("Required value")?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for PolicyFieldError {}

/// Why a document was not loaded as a Kyverno policy.
///
/// ```
/// use pss_core::KyvernoPolicy;
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
        errors: Vec<PolicyFieldError>,
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
