//! Upstream's `field.Error`, for namespace labels and configuration files.

use core::fmt;

use crate::quote::go_quote;

/// What is wrong with a field (upstream's `field.ErrorType`s used here).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FieldErrorKind {
    /// `Invalid value`.
    Invalid,
    /// `Duplicate value`.
    Duplicate,
    /// `Required value`.
    Required,
}

impl FieldErrorKind {
    fn as_str(self) -> &'static str {
        match self {
            FieldErrorKind::Invalid => "Invalid value",
            FieldErrorKind::Duplicate => "Duplicate value",
            FieldErrorKind::Required => "Required value",
        }
    }
}

/// A field-level error with upstream's wording:
/// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldError {
    kind: FieldErrorKind,
    path: String,
    value: Option<String>,
    detail: String,
}

impl FieldError {
    pub(crate) fn invalid(path: impl Into<String>, value: &str, detail: impl Into<String>) -> Self {
        FieldError {
            kind: FieldErrorKind::Invalid,
            path: path.into(),
            value: Some(value.to_owned()),
            detail: detail.into(),
        }
    }

    pub(crate) fn duplicate(path: impl Into<String>, value: &str) -> Self {
        FieldError {
            kind: FieldErrorKind::Duplicate,
            path: path.into(),
            value: Some(value.to_owned()),
            detail: String::new(),
        }
    }

    /// What is wrong.
    pub fn kind(&self) -> FieldErrorKind {
        self.kind
    }

    /// The field (`metadata.labels[pod-security.kubernetes.io/enforce]`, `exemptions.namespaces[2]`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The offending value, when there is one.
    pub fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }

    /// What is accepted (`must be one of privileged, baseline, restricted`), possibly empty.
    pub fn detail(&self) -> &str {
        &self.detail
    }
}

impl fmt::Display for FieldError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.kind.as_str())?;
        if let Some(v) = &self.value {
            write!(f, ": {}", go_quote(v))?;
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
