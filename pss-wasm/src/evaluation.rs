//! What `evaluate` returns: `Evaluation`, `Violation`, `FieldViolation`, `FieldValue`.

use serde::Serialize;
use tsify::Tsify;

use crate::error::PssError;
use crate::level::Level;

/// The verdict on one pod at one level and version.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct Evaluation {
    /// The level evaluated.
    pub level: Level,
    /// The version evaluated, as requested (`"latest"` or `"v1.N"`).
    pub version: String,
    /// Whether the pod passes (no violations).
    pub allowed: bool,
    /// The failed checks, in upstream's order.
    pub violations: Vec<Violation>,
    /// Upstream's `ForbiddenReason()`: the reasons joined by `", "` (empty when allowed).
    pub forbidden_reason: String,
    /// Upstream's `ForbiddenDetail()`: each `reason (detail)` joined by `", "` (empty when allowed).
    pub forbidden_detail: String,
    /// What the API server says when it denies the pod, `null` when allowed:
    /// `pods "NAME" is forbidden: violates PodSecurity "baseline:latest": <forbiddenDetail>`.
    pub message: Option<String>,
    /// The document's `kind`, if it has one.
    pub kind: Option<String>,
    /// The document's `apiVersion`, if it has one.
    pub api_version: Option<String>,
    /// `metadata.name`, if set (the message uses `""` when it is not).
    pub name: Option<String>,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
}

/// One failed check: upstream's `CheckResult` plus the offending fields.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
pub struct Violation {
    /// The check id (`"privileged"`, `"hostNamespaces"`, ...; see `checks()`).
    pub check: String,
    /// Upstream's `ForbiddenReason`, byte for byte.
    pub reason: String,
    /// Upstream's `ForbiddenDetail`, byte for byte; may be empty.
    pub detail: String,
    /// Every offending field, in the order upstream meets them.
    pub fields: Vec<FieldViolation>,
}

/// One offending field.
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[tsify(missing_as_null)]
pub struct FieldViolation {
    /// The field's path, e.g. `spec.containers[0].securityContext.privileged` or
    /// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.
    pub path: String,
    /// The offending value.
    pub value: FieldValue,
    /// The container the field belongs to, `null` for pod-level fields.
    pub container: Option<String>,
}

/// The value of an offending field: `null` where a required value is missing, a boolean, a number,
/// a string, a list of strings, or `{}` for an object whose presence is the problem (a `hostPath`
/// volume source).
#[derive(Debug, Clone, PartialEq, Serialize, Tsify)]
#[serde(untagged)]
#[tsify(missing_as_null)]
pub enum FieldValue {
    /// Not set (or `null`) where the check requires a value.
    Unset,
    /// A boolean.
    Bool(bool),
    /// An integer (as JS numbers hold it).
    Number(f64),
    /// A string.
    String(String),
    /// A list of strings.
    List(Vec<String>),
    /// A set object.
    Object(SetObject),
}

/// An object whose presence alone is the problem; always `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Tsify)]
pub struct SetObject {}

impl From<&pss_core::FieldValue> for FieldValue {
    fn from(value: &pss_core::FieldValue) -> Self {
        match value {
            pss_core::FieldValue::Unset => FieldValue::Unset,
            pss_core::FieldValue::Bool(b) => FieldValue::Bool(*b),
            // What `JSON.parse` makes of the same number.
            pss_core::FieldValue::Int(i) => FieldValue::Number(*i as f64),
            pss_core::FieldValue::String(s) => FieldValue::String(s.clone()),
            pss_core::FieldValue::List(items) => FieldValue::List(items.clone()),
            pss_core::FieldValue::Object => FieldValue::Object(SetObject {}),
        }
    }
}

impl From<&pss_core::FieldViolation> for FieldViolation {
    fn from(f: &pss_core::FieldViolation) -> Self {
        FieldViolation {
            path: f.path().to_owned(),
            value: f.value().into(),
            container: f.container().map(str::to_owned),
        }
    }
}

impl From<&pss_core::Violation> for Violation {
    fn from(v: &pss_core::Violation) -> Self {
        Violation {
            check: v.check().as_str().to_owned(),
            reason: v.reason().to_owned(),
            detail: v.detail().to_owned(),
            fields: v.fields().iter().map(FieldViolation::from).collect(),
        }
    }
}

/// Decodes and evaluates a pod given as JSON text.
pub(crate) fn evaluate_str(lv: pss_core::LevelVersion, json: &str) -> Result<Evaluation, PssError> {
    let pod = pss_core::PodDocument::from_str(json)?;
    Ok(translate(&pod, &pss_core::evaluate(lv, &pod)))
}

/// Decodes and evaluates a pod given as JSON bytes (UTF-8 is checked by pss-core).
pub(crate) fn evaluate_bytes(lv: pss_core::LevelVersion, json: &[u8]) -> Result<Evaluation, PssError> {
    let pod = pss_core::PodDocument::from_slice(json)?;
    Ok(translate(&pod, &pss_core::evaluate(lv, &pod)))
}

fn translate(pod: &pss_core::PodDocument<'_>, result: &pss_core::Evaluation) -> Evaluation {
    let lv = result.level_version();
    let allowed = result.allowed();
    Evaluation {
        level: lv.level.into(),
        version: lv.version.to_string(),
        allowed,
        violations: result.iter().map(Violation::from).collect(),
        forbidden_reason: if allowed { String::new() } else { result.forbidden_reason() },
        forbidden_detail: if allowed { String::new() } else { result.forbidden_detail() },
        message: result.admission_message(pod.name().unwrap_or("")),
        kind: pod.kind().map(str::to_owned),
        api_version: pod.api_version().map(str::to_owned),
        name: pod.name().map(str::to_owned),
        namespace: pod.namespace().map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
      "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

    #[test]
    fn privileged_pod_at_baseline() {
        let r = evaluate_str(pss_core::LevelVersion::default(), PRIVILEGED).unwrap();
        assert!(!r.allowed);
        assert_eq!(r.level, Level::Baseline);
        assert_eq!(r.version, "latest");
        assert_eq!(r.forbidden_reason, "privileged");
        assert_eq!(
            r.forbidden_detail,
            r#"privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        );
        assert_eq!(
            r.message.as_deref(),
            Some(
                r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
            )
        );
        assert_eq!(r.kind.as_deref(), Some("Pod"));
        assert_eq!(r.api_version.as_deref(), Some("v1"));
        assert_eq!(r.name.as_deref(), Some("privileged-pod"));
        assert_eq!(r.namespace, None);
        assert_eq!(
            r.violations,
            [Violation {
                check: "privileged".into(),
                reason: "privileged".into(),
                detail: r#"container "privileged-pod" must not set securityContext.privileged=true"#.into(),
                fields: vec![FieldViolation {
                    path: "spec.containers[0].securityContext.privileged".into(),
                    value: FieldValue::Bool(true),
                    container: Some("privileged-pod".into()),
                }],
            }]
        );
    }

    #[test]
    fn results_match_pss_core_at_every_level_and_version() {
        let pod = br#"{"metadata":{"name":"p","annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},
          "spec":{"hostNetwork":true,"securityContext":{"runAsUser":0},
          "volumes":[{"name":"h","hostPath":{"path":"/"}}],
          "containers":[{"name":"c","securityContext":{"capabilities":{"add":["NET_ADMIN"]},"runAsUser":0}}]}}"#;
        for level in pss_core::Level::ALL {
            for version in crate::level::version_list() {
                let lv = pss_core::LevelVersion::new(level, pss_core::Version::parse(&version).unwrap());
                let ours = evaluate_bytes(lv, pod).unwrap();
                let core = pss_core::evaluate_json(lv, pod).unwrap();
                assert_eq!(ours.allowed, core.allowed());
                assert_eq!(ours.forbidden_reason, core.forbidden_reason());
                assert_eq!(ours.forbidden_detail, core.forbidden_detail());
                assert_eq!(ours.message, core.admission_message("p"));
                assert_eq!(ours.violations.len(), core.len());
                for (o, c) in ours.violations.iter().zip(core.iter()) {
                    assert_eq!(
                        (o.check.as_str(), o.reason.as_str(), o.detail.as_str()),
                        (c.check().as_str(), c.reason(), c.detail())
                    );
                    assert_eq!(o.fields.len(), c.fields().len());
                }
            }
        }
    }

    #[test]
    fn allowed_pod_has_empty_strings_and_no_message() {
        let r = evaluate_str(pss_core::LevelVersion::default(), r#"{"spec":{"containers":[{"name":"c"}]}}"#).unwrap();
        assert!(r.allowed);
        assert!(r.violations.is_empty());
        assert_eq!((r.forbidden_reason.as_str(), r.forbidden_detail.as_str(), r.message), ("", "", None));
        assert_eq!(r.name, None);
    }

    #[test]
    fn values_translate() {
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Unset), FieldValue::Unset);
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Int(-7)), FieldValue::Number(-7.0));
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Object), FieldValue::Object(SetObject {}));
        assert_eq!(
            FieldValue::from(&pss_core::FieldValue::List(vec!["NET_RAW".into()])),
            FieldValue::List(vec!["NET_RAW".into()])
        );
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        for bad in [&b""[..], b"nul", b"{", b"[1]", b"\"s\"", b"{\"spec\":{\"containers\":{}}}", b"\xc3\x28"] {
            assert!(evaluate_bytes(pss_core::LevelVersion::default(), bad).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(evaluate_str(pss_core::LevelVersion::default(), &deep).is_err());
    }
}
