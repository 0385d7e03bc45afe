//! Upstream's `field.Error` (`k8s.io/apimachinery/pkg/util/validation/field`): one invalid field of
//! namespace labels, a PodSecurityConfiguration, a Kyverno policy or an exclusion, with its
//! path, value and detail as data, worded as Kubernetes words it.

use core::fmt;

use crate::quote::go_quote;

/// What is wrong with a field (the `field.ErrorType`s pss reports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// `Invalid value`.
    Invalid,
    /// `Duplicate value`.
    Duplicate,
    /// `Required value`.
    Required,
    /// `Forbidden`.
    Forbidden,
    /// `Unsupported value` (a value outside a fixed set).
    NotSupported,
}

impl FieldErrorKind {
    /// The words Kubernetes prints for the kind (`"Invalid value"`, `"Required value"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Required => "Required value",
            FieldErrorKind::Forbidden => "Forbidden",
            FieldErrorKind::NotSupported => "Unsupported value",
        }
    }
}

/// One invalid field, as data (kind, path, value, detail), printed as Kubernetes prints it:
///
/// - `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`
/// - `spec.rules[0].podSecurity.exclude[0].images: Required value`
///
/// An `Invalid` error without a value is printed as `path: detail`: Kyverno words some of its
/// policy errors that way (with a whole Go struct as the value, which pss leaves out).
///
/// ```
/// use pss_core::admission::{Policy, ENFORCE_LEVEL_LABEL};
/// use pss_core::FieldErrorKind;
///
/// let (_, errors) = Policy::from_labels([(ENFORCE_LEVEL_LABEL, "strict")], Policy::PRIVILEGED);
/// let e = &errors[0];
/// assert_eq!(e.kind(), FieldErrorKind::Invalid);
/// assert_eq!(e.path(), "metadata.labels[pod-security.kubernetes.io/enforce]");
/// assert_eq!(e.label(), Some("pod-security.kubernetes.io/enforce"));
/// assert_eq!(e.value(), Some("strict"));
/// assert_eq!(e.detail(), "must be one of privileged, baseline, restricted");
/// assert_eq!(
///     e.to_string(),
///     r#"metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldError {
    kind: FieldErrorKind,
    path: String,
    value: Option<String>,
    detail: String,
}

impl FieldError {
    #[cfg_attr(not(any(feature = "admission", feature = "kyverno")), allow(dead_code))]
    pub(crate) fn new(
        kind: FieldErrorKind,
        path: impl Into<String>,
        value: Option<&str>,
        detail: impl Into<String>,
    ) -> Self {
        FieldError { kind, path: path.into(), value: value.map(str::to_owned), detail: detail.into() }
    }

    #[cfg_attr(not(feature = "admission"), allow(dead_code))]
    pub(crate) fn invalid(path: impl Into<String>, value: &str, detail: impl Into<String>) -> Self {
        FieldError::new(FieldErrorKind::Invalid, path, Some(value), detail)
    }

    #[cfg_attr(not(feature = "admission"), allow(dead_code))]
    pub(crate) fn duplicate(path: impl Into<String>, value: &str) -> Self {
        FieldError::new(FieldErrorKind::Duplicate, path, Some(value), "")
    }

    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn required(path: impl Into<String>) -> Self {
        FieldError::new(FieldErrorKind::Required, path, None, "")
    }

    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn required_because(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError::new(FieldErrorKind::Required, path, None, detail)
    }

    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn forbidden(path: impl Into<String>, detail: impl Into<String>) -> Self {
        FieldError::new(FieldErrorKind::Forbidden, path, None, detail)
    }

    /// `field.NotSupported`: the value and the supported ones, quoted.
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn not_supported(path: impl Into<String>, value: &str, supported: &[&str]) -> Self {
        let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
        FieldError::new(
            FieldErrorKind::NotSupported,
            path,
            Some(value),
            format!("supported values: {}", quoted.join(", ")),
        )
    }

    /// The same error for a field inside something larger: `prefix` is put before the path, as
    /// upstream's `field.Path.Child` nests paths (`exclusions[2].` and `controlName` give
    /// `exclusions[2].controlName`).
    pub fn prefixed(&self, prefix: &str) -> FieldError {
        let mut path = String::with_capacity(prefix.len() + self.path.len());
        path.push_str(prefix);
        path.push_str(&self.path);
        FieldError { kind: self.kind, path, value: self.value.clone(), detail: self.detail.clone() }
    }

    /// Several errors as one message, as upstream's `errors.NewAggregate(errs).Error()` words them:
    /// one error alone, several deduplicated and joined in brackets (`[a, b]`); empty for none.
    ///
    /// ```
    /// use pss_core::admission::{Policy, ENFORCE_LEVEL_LABEL, WARN_VERSION_LABEL};
    /// use pss_core::FieldError;
    ///
    /// let (_, errors) = Policy::from_labels([(ENFORCE_LEVEL_LABEL, "x"), (WARN_VERSION_LABEL, "y")], Policy::PRIVILEGED);
    /// assert_eq!(
    ///     FieldError::aggregate(&errors),
    ///     r#"[metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "x": must be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn-version]: Invalid value: "y": must be "latest" or "v1.x"]"#
    /// );
    /// ```
    pub fn aggregate(errors: &[FieldError]) -> String {
        aggregate(errors)
    }

    /// What is wrong.
    pub fn kind(&self) -> FieldErrorKind {
        self.kind
    }

    /// The field (`metadata.labels[pod-security.kubernetes.io/enforce]`, `exemptions.namespaces[2]`,
    /// `spec.rules[0].podSecurity.exclude[1].values`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The label's key when the field is a label (`metadata.labels[KEY]`), so that callers need
    /// not take the path apart.
    pub fn label(&self) -> Option<&str> {
        self.path.strip_prefix("metadata.labels[")?.strip_suffix(']')
    }

    /// The offending value, when the message shows one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What is accepted or why the value is wrong (`must be one of privileged, baseline,
    /// restricted`); may be empty.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.path)?;
        match (self.kind, &self.value) {
            (FieldErrorKind::Invalid, None) => return f.write_str(&self.detail),
            (FieldErrorKind::Required | FieldErrorKind::Forbidden, _) | (_, None) => f.write_str(self.kind.as_str())?,
            (kind, Some(v)) => write!(f, "{}: {}", kind.as_str(), go_quote(v))?,
        }
        if !self.detail.is_empty() {
            write!(f, ": {}", self.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for FieldError {}

/// Upstream's `errors.NewAggregate(errs).Error()`: one message alone, several deduplicated in brackets.
pub(crate) fn aggregate<E: fmt::Display>(errs: &[E]) -> String {
    let mut seen: Vec<String> = Vec::new();
    for e in errs {
        let msg = e.to_string();
        if !seen.contains(&msg) {
            seen.push(msg);
        }
    }
    match seen.len() {
        0 => String::new(),
        1 => seen.remove(0),
        _ => format!("[{}]", seen.join(", ")),
    }
}
