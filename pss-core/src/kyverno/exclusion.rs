//! Kyverno-style exclusions on their own: upstream's evaluation of an object, minus the offending
//! fields that `validate.podSecurity.exclude` entries cover (for the wrappers and for users who
//! want Kyverno's exemption vocabulary without a policy document).

use super::pod_security::{exclude_fields, host_paths, Control, Exclusion, Scope};
use crate::field_error::{FieldError, FieldErrorKind};
use crate::violation::Evaluation;
use crate::workload::{workload_of, NoPodTemplate, ObjectSource, TemplateRef, WorkloadKind};
use crate::{Error, LevelVersion, PodDocument};

/// One `exclude` entry of a Kyverno `validate.podSecurity` rule, validated as Kyverno validates it.
///
/// ```
/// use pss_core::{LevelVersion, ObjectDocument};
/// use pss_core::kyverno::{evaluate_object_excluding, PodSecurityExclusion};
///
/// let pod = ObjectDocument::from_str(r#"{"kind": "Pod", "spec": {"containers": [
///     {"name": "a", "image": "nginx:1.27", "securityContext": {"privileged": true}},
///     {"name": "b", "image": "busybox", "securityContext": {"privileged": true}}]}}"#)?;
/// let nginx = PodSecurityExclusion::new("Privileged Containers", ["nginx*"], "", Vec::<String>::new()).unwrap();
/// let result = evaluate_object_excluding(LevelVersion::default(), &pod, &[nginx]).unwrap();
/// // Container "b" still violates; "a"'s field is excluded (the detail stays upstream's).
/// assert_eq!(result[0].fields().len(), 1);
/// assert_eq!(result[0].fields().get(0).unwrap().container(), Some("b"));
///
/// let err = PodSecurityExclusion::new("Privileged Containers", Vec::<String>::new(), "", Vec::<String>::new()).unwrap_err();
/// assert_eq!(err[0].to_string(), r#"controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control"#);
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodSecurityExclusion(Exclusion);

impl PodSecurityExclusion {
    /// An entry: `control_name` (Kyverno's names, e.g. `"Capabilities"`, `"Host Namespaces"`),
    /// container `images` (wildcards `*` and `?`; empty for pod-level fields), `restricted_field`
    /// (a pod-relative path with `[*]` for indices, e.g.
    /// `spec.containers[*].securityContext.capabilities.add`; empty for any field) and `values`
    /// (wildcards every value of the field must match; required with `restricted_field`).
    ///
    /// # Errors
    /// Kyverno's validation errors, with paths relative to the entry: an unknown control name,
    /// `images` missing for a container-level control or given for a pod-level one, and
    /// `restrictedField`/`values` without each other.
    pub fn new<I, V>(control_name: &str, images: I, restricted_field: &str, values: V) -> Result<Self, Vec<FieldError>>
    where
        I: IntoIterator,
        I::Item: Into<String>,
        V: IntoIterator,
        V::Item: Into<String>,
    {
        let images: Vec<String> = images.into_iter().map(Into::into).collect();
        let values: Vec<String> = values.into_iter().map(Into::into).collect();
        let mut errors = Vec::new();
        let control = Control::parse(control_name);
        match control.map(Control::scope) {
            None => {
                let names: Vec<&str> = Control::ALL.iter().map(|c| c.name()).collect();
                errors.push(FieldError::not_supported("controlName".to_owned(), control_name, &names));
            }
            Some(Scope::Container) if images.is_empty() => errors.push(FieldError::new(
                FieldErrorKind::Invalid,
                "controlName".to_owned(),
                Some(control_name),
                "exclude.images must be specified for the container level control",
            )),
            Some(Scope::Pod) if !images.is_empty() => errors.push(FieldError::new(
                FieldErrorKind::Invalid,
                "controlName".to_owned(),
                Some(control_name),
                "exclude.images must not be specified for the pod level control",
            )),
            _ => {}
        }
        if !restricted_field.is_empty() && values.is_empty() {
            errors.push(FieldError::forbidden("values".to_owned(), "values is required"));
        }
        if restricted_field.is_empty() && !values.is_empty() {
            errors.push(FieldError::forbidden("restrictedField".to_owned(), "restrictedField is required"));
        }
        match control {
            Some(control) if errors.is_empty() => Ok(PodSecurityExclusion(Exclusion {
                control,
                images,
                restricted_field: restricted_field.to_owned(),
                values,
            })),
            _ => Err(errors),
        }
    }

    /// The control name, as Kyverno spells it.
    pub fn control_name(&self) -> &'static str {
        self.0.control.name()
    }

    /// The image patterns.
    pub fn images(&self) -> &[String] {
        &self.0.images
    }

    /// The restricted field (empty when any field).
    pub fn restricted_field(&self) -> &str {
        &self.0.restricted_field
    }

    /// The value patterns.
    pub fn values(&self) -> &[String] {
        &self.0.values
    }
}

/// Evaluates an object as upstream does ([`crate::evaluate_object`]) and removes the offending
/// fields the exclusions cover, with the field-level semantics pss uses for Kyverno rules: an entry
/// with `images` covers the fields of containers whose image matches; one without covers pod-level
/// fields; `restrictedField` and `values` narrow it. A violation whose fields are all covered is
/// dropped; one partly covered keeps its other fields (and upstream's detail).
///
/// # Errors
/// [`NoPodTemplate`] as [`crate::evaluate_object`].
pub fn evaluate_object_excluding<O: ObjectSource + ?Sized>(
    level_version: LevelVersion,
    object: &O,
    exclusions: &[PodSecurityExclusion],
) -> Result<Evaluation, NoPodTemplate> {
    let (kind, template) = workload_of(object)?;
    Ok(evaluate_template_excluding(level_version, kind, &template, exclusions))
}

/// Evaluates a decoded pod as upstream does ([`crate::evaluate`]) and removes the offending fields
/// the exclusions cover, as [`evaluate_object_excluding`] does for objects. The pod is read as the
/// pod functions read it: its `kind` is not looked at, and field paths are relative to the pod.
///
/// ```
/// use pss_core::{LevelVersion, PodDocument};
/// use pss_core::kyverno::{evaluate_pod_excluding, PodSecurityExclusion};
///
/// // No `kind`: a pod as the pod functions read it.
/// let pod = PodDocument::from_str(r#"{"spec": {"hostNetwork": true, "hostPID": true,
///     "containers": [{"name": "c", "image": "nginx"}]}}"#)?;
/// let host = PodSecurityExclusion::new("Host Namespaces", Vec::<String>::new(), "spec.hostNetwork", ["true"]).unwrap();
/// let result = evaluate_pod_excluding(LevelVersion::default(), &pod, &[host]);
/// assert_eq!(result[0].fields().len(), 1);
/// assert_eq!(result[0].fields().get(0).unwrap().path(), "spec.hostPID");
/// assert_eq!(result.forbidden_detail(), "host namespaces (hostNetwork=true, hostPID=true)"); // upstream's detail
/// # Ok::<(), pss_core::Error>(())
/// ```
pub fn evaluate_pod_excluding(
    level_version: LevelVersion,
    pod: &PodDocument<'_>,
    exclusions: &[PodSecurityExclusion],
) -> Evaluation {
    evaluate_template_excluding(level_version, WorkloadKind::Pod, &TemplateRef::Json(pod), exclusions)
}

/// Decodes a pod from JSON bytes ([`PodDocument::from_slice`]) and evaluates it with exclusions
/// ([`evaluate_pod_excluding`]).
///
/// ```
/// use pss_core::LevelVersion;
/// use pss_core::kyverno::{evaluate_json_excluding, PodSecurityExclusion};
///
/// let pod = br#"{"spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}]}}"#;
/// let nginx = PodSecurityExclusion::new("Privileged Containers", ["nginx"], "", Vec::<String>::new()).unwrap();
/// assert!(evaluate_json_excluding(LevelVersion::default(), pod, &[nginx])?.allowed());
/// # Ok::<(), pss_core::Error>(())
/// ```
///
/// # Errors
/// As [`crate::evaluate_json`]: invalid UTF-8, malformed JSON, a non-object, or a field the checks
/// read with the wrong type.
pub fn evaluate_json_excluding(
    level_version: LevelVersion,
    json: &[u8],
    exclusions: &[PodSecurityExclusion],
) -> Result<Evaluation, Error> {
    let pod = PodDocument::from_slice_for_checks(json)?;
    Ok(evaluate_pod_excluding(level_version, &pod, exclusions))
}

/// The evaluation of a pod template of a workload of `kind`, minus what the exclusions cover.
fn evaluate_template_excluding(
    level_version: LevelVersion,
    kind: WorkloadKind,
    template: &TemplateRef<'_>,
    exclusions: &[PodSecurityExclusion],
) -> Evaluation {
    let ctx = kind.ctx();
    let violations = template.evaluate(level_version, &ctx);
    if exclusions.is_empty() || violations.is_empty() {
        return Evaluation::of(level_version, Some(kind), violations);
    }
    let entries: Vec<&Exclusion> = exclusions.iter().map(|e| &e.0).collect();
    let containers = template.containers();
    let host_paths = host_paths(template);
    let kept =
        violations.into_iter().filter_map(|v| exclude_fields(&entries, v, &ctx, &containers, &host_paths)).collect();
    Evaluation::of(level_version, Some(kind), kept)
}
