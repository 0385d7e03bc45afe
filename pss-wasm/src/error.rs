//! Errors: every failure becomes a JS `Error` named `PssError`, with the fields of `PssErrorDetails`.

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::json::{self, Object, ToJson};

/// What kind of problem a `PssError` reports (`error.kind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub enum ErrorKind {
    /// A level other than `privileged`, `baseline` or `restricted`.
    InvalidLevel,
    /// A version other than `latest` or `v1.N`.
    InvalidVersion,
    /// A check id upstream does not have.
    UnknownCheck,
    /// The input bytes are not valid UTF-8.
    InvalidUtf8,
    /// The input is not well-formed JSON (or is truncated).
    Syntax,
    /// The document is not a JSON object.
    NotAnObject,
    /// A field the checks read has the wrong JSON type.
    InvalidType,
    /// A number that does not fit its field.
    NumberOutOfRange,
    /// Nesting deeper than pss-core's limit.
    TooDeep,
    /// A field a strictly read document (an admission configuration) does not have.
    UnknownField,
    /// A field given twice in a strictly read document (an admission configuration).
    DuplicateField,
    /// A document of another kind than the entry point takes: an object other than a Pod given to
    /// `evaluate` (use `evaluateObject`), a whole object given to `evaluateSpec`, a configuration of
    /// another kind.
    UnexpectedKind,
    /// A bare `PodSpec` given to `evaluate`: pod spec fields (`containers`, `hostNetwork`, ...) at
    /// its top and no `spec` (use `evaluateSpec`). Evaluated as a pod, it would be an empty pod,
    /// allowed at every level.
    BarePodSpec,
    /// The options object has an unknown field or a field of the wrong type.
    InvalidOptions,
    /// The input is neither a string, a `Uint8Array` nor a value `JSON.stringify` can write.
    InvalidInput,
    /// Admission review only: the object is not a pod or a pod controller (a Service, a ConfigMap, a
    /// Deployment of another API group, a document without `kind`).
    NoPodTemplate,
    /// An entry of `options.exclusions` that Kyverno would reject (`error.errors` lists each problem).
    InvalidExclusion,
    /// An admission configuration (`PodSecurityConfiguration`) or policy defaults that the API server
    /// would reject.
    InvalidAdmissionConfig,
    /// A Kyverno policy that Kyverno would reject (`error.errors` lists each problem).
    InvalidPolicy,
    /// A document given as a Kyverno policy that is not a `kyverno.io` `ClusterPolicy` or `Policy`.
    UnsupportedPolicy,
    /// A fix (`remediate`, full build) did not pass its re-evaluation: a fault in pss, reported
    /// rather than returned as a fix.
    #[cfg(feature = "full")]
    Unverified,
    /// A kind of error newer than this package.
    Other,
}

impl ErrorKind {
    fn of(kind: pss_core::ErrorKind) -> ErrorKind {
        match kind {
            pss_core::ErrorKind::InvalidLevel => ErrorKind::InvalidLevel,
            pss_core::ErrorKind::InvalidVersion => ErrorKind::InvalidVersion,
            pss_core::ErrorKind::UnknownCheck => ErrorKind::UnknownCheck,
            pss_core::ErrorKind::InvalidUtf8 => ErrorKind::InvalidUtf8,
            pss_core::ErrorKind::Syntax => ErrorKind::Syntax,
            pss_core::ErrorKind::NotAnObject => ErrorKind::NotAnObject,
            pss_core::ErrorKind::InvalidType => ErrorKind::InvalidType,
            pss_core::ErrorKind::NumberOutOfRange => ErrorKind::NumberOutOfRange,
            pss_core::ErrorKind::TooDeep => ErrorKind::TooDeep,
            pss_core::ErrorKind::UnknownField => ErrorKind::UnknownField,
            pss_core::ErrorKind::DuplicateField => ErrorKind::DuplicateField,
            pss_core::ErrorKind::UnexpectedKind => ErrorKind::UnexpectedKind,
            pss_core::ErrorKind::BarePodSpec => ErrorKind::BarePodSpec,
            _ => ErrorKind::Other,
        }
    }

    /// The name JS sees (`error.kind`).
    fn as_str(self) -> &'static str {
        match self {
            ErrorKind::InvalidLevel => "invalidLevel",
            ErrorKind::InvalidVersion => "invalidVersion",
            ErrorKind::UnknownCheck => "unknownCheck",
            ErrorKind::InvalidUtf8 => "invalidUtf8",
            ErrorKind::Syntax => "syntax",
            ErrorKind::NotAnObject => "notAnObject",
            ErrorKind::InvalidType => "invalidType",
            ErrorKind::NumberOutOfRange => "numberOutOfRange",
            ErrorKind::TooDeep => "tooDeep",
            ErrorKind::UnknownField => "unknownField",
            ErrorKind::DuplicateField => "duplicateField",
            ErrorKind::UnexpectedKind => "unexpectedKind",
            ErrorKind::BarePodSpec => "barePodSpec",
            ErrorKind::InvalidOptions => "invalidOptions",
            ErrorKind::InvalidInput => "invalidInput",
            ErrorKind::NoPodTemplate => "noPodTemplate",
            ErrorKind::InvalidExclusion => "invalidExclusion",
            ErrorKind::InvalidAdmissionConfig => "invalidAdmissionConfig",
            ErrorKind::InvalidPolicy => "invalidPolicy",
            ErrorKind::UnsupportedPolicy => "unsupportedPolicy",
            #[cfg(feature = "full")]
            ErrorKind::Unverified => "unverified",
            ErrorKind::Other => "other",
        }
    }
}

impl ToJson for ErrorKind {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, self.as_str());
    }
}

/// The fields a thrown `PssError` carries besides `name` (`"PssError"`) and `message`.
///
/// `message` is pss-core's: lowercase, with the field path first and the line and column last, e.g.
/// `spec.hostPID: expected a boolean, found a string at line 1 column 22`. For a pod passed as an
/// object, the position is in its `JSON.stringify` text.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct PssErrorDetails {
    /// What kind of problem this is.
    pub kind: ErrorKind,
    /// The problem alone, without the path and position (e.g. `expected a boolean, found a string`).
    pub problem: String,
    /// The path of the offending field (`spec.containers[0].securityContext.privileged`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    /// 1-based line in the JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    /// 1-based column in the JSON text, in bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub column: Option<u32>,
    /// 0-based byte offset in the JSON text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u32>,
    /// Each problem, for errors that can have several (`invalidExclusion`, `invalidAdmissionConfig`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    #[tsify(optional)]
    pub errors: Vec<FieldError>,
}

/// One field-level problem, in the words of upstream's `field.Error`:
/// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct FieldError {
    /// The whole message, as upstream prints it.
    pub message: String,
    /// The field (`metadata.labels[pod-security.kubernetes.io/audit]`, `exclusions[0].controlName`).
    pub path: String,
    /// The label's key when the field is a namespace label (`pod-security.kubernetes.io/audit`),
    /// `null` otherwise.
    pub label: Option<String>,
    /// The offending value, when the message shows one.
    pub value: Option<String>,
    /// What is accepted or why the value is wrong (may be empty).
    pub detail: String,
}

impl ToJson for PssErrorDetails {
    fn write_json(&self, out: &mut String) {
        let errors = (!self.errors.is_empty()).then_some(&self.errors);
        Object::new(out)
            .field("kind", &self.kind)
            .field("problem", &self.problem)
            .field_if("path", &self.path)
            .field_if("line", &self.line)
            .field_if("column", &self.column)
            .field_if("offset", &self.offset)
            .field_if("errors", &errors)
            .end();
    }
}

impl ToJson for FieldError {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("message", &self.message)
            .field("path", &self.path)
            .field("label", &self.label)
            .field("value", &self.value)
            .field("detail", &self.detail)
            .end();
    }
}

impl From<&pss_core::FieldError> for FieldError {
    fn from(e: &pss_core::FieldError) -> Self {
        FieldError {
            message: e.to_string(),
            path: e.path().to_string(),
            label: e.label().map(str::to_owned),
            value: e.value().map(str::to_owned),
            detail: e.detail().to_string(),
        }
    }
}

/// An error on its way to JS: the message and the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PssError {
    pub(crate) message: String,
    /// Boxed: errors are rare, and a small `Result` keeps the success path lean.
    pub(crate) details: Box<PssErrorDetails>,
}

/// Clamps a count to `u32` (a wasm32 `usize` always fits; the host build keeps the same type).
fn small(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

impl From<pss_core::Error> for PssError {
    fn from(e: pss_core::Error) -> Self {
        PssError::from(&e)
    }
}

impl From<&pss_core::Error> for PssError {
    fn from(e: &pss_core::Error) -> Self {
        let position = e.position();
        PssError {
            message: e.to_string(),
            details: Box::new(PssErrorDetails {
                kind: ErrorKind::of(e.kind()),
                problem: e.message().to_owned(),
                path: e.path().map(str::to_owned),
                line: position.map(|p| small(p.line)),
                column: position.map(|p| small(p.column)),
                offset: position.map(|p| small(p.offset)),
                errors: Vec::new(),
            }),
        }
    }
}

impl From<&pss_core::NoPodTemplate> for PssError {
    fn from(e: &pss_core::NoPodTemplate) -> Self {
        PssError::new(ErrorKind::NoPodTemplate, e.to_string())
    }
}

impl PssError {
    /// An error raised by the wrapper itself (not by pss-core).
    pub(crate) fn new(kind: ErrorKind, message: String) -> Self {
        let details = PssErrorDetails {
            kind,
            problem: message.clone(),
            path: None,
            line: None,
            column: None,
            offset: None,
            errors: Vec::new(),
        };
        PssError { message, details: Box::new(details) }
    }

    /// An error made of field-level problems: `message` is pss-core's aggregate of them (one alone,
    /// several in brackets), each problem is in `errors`, and `path` is the problem's when there is one.
    pub(crate) fn fields(kind: ErrorKind, message: String, errors: Vec<FieldError>) -> Self {
        let mut e = PssError::new(kind, message);
        e.details.path = match errors.as_slice() {
            [one] => Some(one.path.clone()),
            _ => None,
        };
        e.details.errors = errors;
        e
    }

    /// The same error with `prefix` (`"pods[2]: "`) before its message.
    #[cfg(feature = "full")]
    pub(crate) fn prefixed(mut self, prefix: &str) -> Self {
        self.message.insert_str(0, prefix);
        self
    }

    /// The JS `Error` to throw.
    pub(crate) fn into_js(self) -> JsValue {
        let error = js_sys::Error::new(&self.message);
        error.set_name("PssError");
        // The details are plain data; writing them cannot fail, and if it somehow did the error
        // would still carry its name and message.
        if let Ok(details) = json::to_js_value(&*self.details) {
            let target: &js_sys::Object = error.unchecked_ref();
            js_sys::Object::assign(target, details.unchecked_ref::<js_sys::Object>());
        }
        error.into()
    }
}

/// A pss-core error as a JS `PssError`.
pub(crate) fn core(e: &pss_core::Error) -> JsValue {
    PssError::from(e).into_js()
}

/// A result DTO as a plain JS object; a failure (not expected for these plain types) becomes a `PssError`.
///
/// Written as JSON text and read with `JSON.parse`: one crossing of the JS boundary instead of one
/// per field and string, several times faster than building the object field by field.
pub(crate) fn to_js<T: Tsify + ToJson>(value: &T) -> Result<Ts<T>, JsValue> {
    json::to_js_value(value)
        .map(Ts::new_unchecked)
        .map_err(|message| PssError::new(ErrorKind::Other, format!("cannot build the result: {message}")).into_js())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn document_errors_keep_path_and_position() {
        let e = pss_core::evaluate_json(Default::default(), br#"{"spec": {"hostPID": "yes"}}"#).unwrap_err();
        let e = PssError::from(e);
        assert_eq!(e.message, "spec.hostPID: expected a boolean, found a string at line 1 column 22");
        assert_eq!(e.details.kind, ErrorKind::InvalidType);
        assert_eq!(e.details.problem, "expected a boolean, found a string");
        assert_eq!(e.details.path.as_deref(), Some("spec.hostPID"));
        assert_eq!((e.details.line, e.details.column, e.details.offset), (Some(1), Some(22), Some(21)));
        crate::json::tests::same_as_serde(&*e.details);
        let kinds = [ErrorKind::InvalidUtf8, ErrorKind::NumberOutOfRange, ErrorKind::InvalidAdmissionConfig];
        kinds.iter().for_each(crate::json::tests::same_as_serde);
        let labels =
            [("pod-security.kubernetes.io/enforce", "strict"), ("pod-security.kubernetes.io/warn-version", "x")];
        let (_, errors) = pss_core::admission::Policy::from_labels(labels, pss_core::admission::Policy::PRIVILEGED);
        let message = pss_core::admission::ConfigError::Invalid(errors.clone()).to_string();
        let e =
            PssError::fields(ErrorKind::InvalidAdmissionConfig, message, errors.iter().map(FieldError::from).collect());
        crate::json::tests::same_as_serde(&*e.details);
    }

    #[test]
    fn syntax_errors_have_a_position() {
        let core = pss_core::evaluate_json(Default::default(), b"{\n  \"spec\": {").unwrap_err();
        let e = PssError::from(&core);
        assert_eq!(e.details.kind, ErrorKind::Syntax);
        assert_eq!(e.details.path.as_deref(), core.path());
        assert_eq!(e.details.line, Some(2));
        assert!(e.message.ends_with(" at line 2 column 12"), "{}", e.message);
    }

    #[test]
    fn every_core_kind_maps() {
        let samples = [
            pss_core::Level::parse("x").unwrap_err(),
            pss_core::Version::parse("x").unwrap_err(),
            "x".parse::<pss_core::CheckId>().unwrap_err(),
            pss_core::evaluate_json(Default::default(), b"\xff").unwrap_err(),
            pss_core::evaluate_json(Default::default(), b"[]").unwrap_err(),
        ];
        let kinds: Vec<ErrorKind> = samples.iter().map(|e| PssError::from(e).details.kind).collect();
        assert_eq!(
            kinds,
            [
                ErrorKind::InvalidLevel,
                ErrorKind::InvalidVersion,
                ErrorKind::UnknownCheck,
                ErrorKind::InvalidUtf8,
                ErrorKind::NotAnObject
            ]
        );
    }
}
