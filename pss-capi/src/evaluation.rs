//! `pss_evaluation` (the verdict on one pod or workload), `pss_violation` and `pss_field` (its parts).

use pss_core::{
    evaluate_object_excluding, Evaluation, LevelVersion, NoPodTemplate, ObjectDocument, PodDocument,
    PodSecurityExclusion, WorkloadKind,
};

use crate::error::pss_error;
use crate::ffi::{
    free_handle, guard, guard_err, handle, input, input_str, into_handle, non_null_mut, write, write_opt_view,
    write_view, Failure,
};
use crate::policy::{pss_options, pss_policy};
use crate::result::pss_result;

/// The verdict on one pod or workload at one policy: allowed or not, upstream's aggregate reason,
/// detail and admission message, each violation, and the workload's kind. Immutable: any number of
/// threads may read one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_evaluation {
    allowed: bool,
    pod_name: Option<String>,
    reason: String,
    detail: String,
    admission_message: String,
    violations: Vec<pss_violation>,
    kind: WorkloadKind,
    /// Why nothing was evaluated though the object is allowed (a ReplicationController without a
    /// template).
    note: Option<String>,
}

/// One failed check: upstream's check id, reason and detail, and the offending fields. Borrowed from
/// its `pss_evaluation`: valid until that is freed, and never freed on its own.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_violation {
    check_id: &'static str,
    reason: &'static str,
    detail: String,
    fields: Vec<pss_field>,
}

/// One offending field: its path, its value as JSON, and the container it belongs to. Borrowed from
/// its `pss_evaluation`: valid until that is freed, and never freed on its own.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_field {
    path: String,
    value_json: String,
    container: Option<String>,
}

impl pss_evaluation {
    /// The verdict on a pod or a workload of `kind` named `name`.
    pub(crate) fn new(evaluation: &Evaluation, kind: WorkloadKind, name: Option<&str>) -> pss_evaluation {
        let violations = evaluation
            .iter()
            .map(|v| pss_violation {
                check_id: v.check().as_str(),
                reason: v.reason(),
                detail: v.detail().to_owned(),
                fields: v
                    .fields()
                    .iter()
                    .map(|f| pss_field {
                        path: f.path().to_owned(),
                        value_json: f.value().to_string(),
                        container: f.container().map(str::to_owned),
                    })
                    .collect(),
            })
            .collect();
        let admission_message = evaluation
            .admission_message(name.unwrap_or_default())
            .map(|message| controller_message(kind, message, evaluation))
            .unwrap_or_default();
        pss_evaluation {
            allowed: evaluation.allowed(),
            pod_name: name.map(str::to_owned),
            reason: evaluation.forbidden_reason(),
            detail: evaluation.forbidden_detail(),
            admission_message,
            violations,
            kind,
            note: None,
        }
    }

    /// The verdict on a controller without a pod template, which upstream allows.
    fn template_absent(kind: WorkloadKind, name: Option<&str>, note: String) -> pss_evaluation {
        pss_evaluation {
            allowed: true,
            pod_name: name.map(str::to_owned),
            reason: String::new(),
            detail: String::new(),
            admission_message: String::new(),
            violations: Vec::new(),
            kind,
            note: Some(note),
        }
    }
}

/// The denial message for a workload of `kind`, from upstream's message for a pod: a pod's as is; a
/// controller's as the `pss` command words it, `deployments "web" (pods it creates would be denied):
/// violates PodSecurity "baseline:latest": ...` (the API server denies pods, never their controllers).
fn controller_message(kind: WorkloadKind, pod_message: String, evaluation: &Evaluation) -> String {
    if kind == WorkloadKind::Pod {
        return pod_message;
    }
    let tail = format!("violates PodSecurity \"{}\": {}", evaluation.level_version(), evaluation.forbidden_detail());
    // `pods "NAME" is forbidden: TAIL`, the name quoted as Go quotes it, or `pods is forbidden: TAIL`.
    let quoted = pod_message
        .strip_prefix("pods")
        .and_then(|m| m.strip_suffix(tail.as_str()))
        .and_then(|m| m.strip_suffix("is forbidden: "))
        .map(str::trim);
    let resource = kind.resource();
    match quoted {
        Some("") => format!("{resource} (pods it creates would be denied): {tail}"),
        Some(quoted) => format!("{resource} {quoted} (pods it creates would be denied): {tail}"),
        None => pod_message,
    }
}

/// Decodes and evaluates a pod under the options; the part shared by both pod functions.
fn evaluate(policy: &pss_policy, options: Option<&pss_options>, pod: &[u8]) -> Result<pss_evaluation, Failure> {
    pss_options::check_len(options, pod.len(), "pod")?;
    let exclusions = pss_options::exclusions_of(options);
    if !exclusions.is_empty() {
        return evaluate_pod_excluding(policy.level_version, pod, exclusions);
    }
    let document = PodDocument::from_slice(pod)?;
    let evaluation = pss_core::evaluate(policy.level_version, &document);
    Ok(pss_evaluation::new(&evaluation, WorkloadKind::Pod, document.name()))
}

/// JSON whitespace.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The pod's text as an object of kind Pod: `"kind":"Pod","apiVersion":"v1"` added as its last
/// members. A repeated key decodes over the earlier one, so whatever `kind` the pod says it is read as
/// a Pod, and every byte before the closing brace keeps its offset. `None` when the text does not
/// start with `{` and end with `}` (it is not one JSON object).
fn as_pod_object(pod: &[u8]) -> Option<Vec<u8>> {
    const KIND: &[u8] = br#""kind":"Pod","apiVersion":"v1""#;
    let open = pod.iter().position(|&b| !is_space(b)).filter(|&i| pod[i] == b'{')?;
    let close = pod.iter().rposition(|&b| !is_space(b)).filter(|&i| i > open && pod[i] == b'}')?;
    let mut text = Vec::with_capacity(pod.len() + KIND.len() + 1);
    text.extend_from_slice(&pod[..close]);
    if pod[open + 1..close].iter().any(|&b| !is_space(b)) {
        text.push(b',');
    }
    text.extend_from_slice(KIND);
    text.extend_from_slice(&pod[close..]);
    Some(text)
}

/// Evaluates a pod with exclusions. pss-core applies exclusions to objects only
/// (`evaluate_object_excluding`), where an object is a pod when its `kind` says so, while the pod
/// functions read any object as a pod: so the pod is read as an object of kind Pod
/// ([`as_pod_object`]), which decodes the same fields plus the header. When that fails, the pod is
/// decoded as the pod functions decode it, so that a malformed pod gets exactly the error (and the
/// position) it gets without exclusions.
fn evaluate_pod_excluding(
    level_version: LevelVersion,
    pod: &[u8],
    exclusions: &[PodSecurityExclusion],
) -> Result<pss_evaluation, Failure> {
    let text = as_pod_object(pod);
    match text.as_deref().map(ObjectDocument::from_slice) {
        Some(Ok(object)) => {
            let evaluation = evaluate_object_excluding(level_version, &object, exclusions)
                .map_err(|e| Failure::new(pss_result::InvalidInput, e.to_string()))?;
            Ok(pss_evaluation::new(&evaluation, WorkloadKind::Pod, object.name()))
        }
        failed => {
            PodDocument::from_slice(pod)?;
            Err(match failed {
                // The pod decodes, its header does not (a `kind` that is not a string).
                Some(Err(e)) => e.into(),
                _ => Failure::new(pss_result::InvalidInput, "the pod is not one JSON object"),
            })
        }
    }
}

/// Decodes and evaluates any object with a pod template under the options; the part shared by both
/// object functions.
fn evaluate_object(
    policy: &pss_policy,
    options: Option<&pss_options>,
    object: &[u8],
) -> Result<pss_evaluation, Failure> {
    pss_options::check_len(options, object.len(), "object")?;
    let document = ObjectDocument::from_slice(object)?;
    let exclusions = pss_options::exclusions_of(options);
    match (evaluate_object_excluding(policy.level_version, &document, exclusions), document.workload_kind()) {
        (Ok(evaluation), Some(kind)) => Ok(pss_evaluation::new(&evaluation, kind, document.name())),
        (Err(e @ NoPodTemplate::TemplateAbsent { kind }), _) => {
            Ok(pss_evaluation::template_absent(kind, document.name(), e.to_string()))
        }
        (Err(e), _) => Err(Failure::new(pss_result::NotAWorkload, e.to_string())),
        (Ok(_), None) => Err(Failure::new(pss_result::NotAWorkload, "the object is not a pod or a pod controller")),
    }
}

/// Evaluates a pod, given as JSON bytes (UTF-8, not NUL-terminated), at a policy, exactly as the
/// Kubernetes PodSecurity admission controller does.
///
/// `options` may be NULL for the defaults; their exclusions, if any, are applied. The pod is decoded
/// as the API server decodes it (case-sensitive keys, unknown fields ignored, `kind` not read: any
/// object is read as a pod; use `pss_policy_evaluate_object` for Deployments and the other
/// controllers); the pod name in the admission message comes from `metadata.name`.
///
/// Ownership: `policy`, `options` and `pod` stay the caller's and are not kept after the call (the
/// result copies what it needs). On success `*out` receives a new `pss_evaluation` the caller owns and
/// frees with `pss_evaluation_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` (message, field path, line, column, offset) the caller frees
/// with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`policy`, `pod` or `out` is NULL; a NULL `pod` is reported even
/// when `pod_len` is 0), `PSS_RESULT_INVALID_UTF8`, `PSS_RESULT_INVALID_JSON` (including an empty or
/// truncated pod), `PSS_RESULT_NOT_AN_OBJECT`, `PSS_RESULT_INVALID_TYPE`,
/// `PSS_RESULT_NUMBER_OUT_OF_RANGE`, `PSS_RESULT_TOO_DEEP`, `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `policy` and `options` are NULL or live handles of their types; `pod` is NULL or points to
/// `pod_len` readable bytes not modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_evaluate(
    policy: *const pss_policy,
    options: *const pss_options,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees a non-NULL `policy` is live.
            let policy = handle(policy, "policy")?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            // SAFETY: the caller guarantees `pod_len` readable bytes at a non-NULL `pod`.
            let pod = input(pod, pod_len, "pod")?;
            let out = non_null_mut(out, "out")?;
            let evaluation = evaluate(policy, options, pod)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(evaluation));
            Ok(())
        })
    }
}

/// `pss_policy_new` and `pss_policy_evaluate` in one call, for callers that hold the level and version
/// as text. The level and version are checked before the pod is read.
///
/// Ownership: as `pss_policy_evaluate`; `level` and `version` are read during the call only.
///
/// Errors: those of `pss_policy_new` and of `pss_policy_evaluate`.
///
/// # Safety
/// `level`, `version` and `pod` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, and two out-parameters
pub unsafe extern "C" fn pss_evaluate(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees the input pointers and lengths.
            let level = input_str(level, level_len, "level")?;
            // SAFETY: as above.
            let version = input_str(version, version_len, "version")?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            // SAFETY: the caller guarantees `pod_len` readable bytes at a non-NULL `pod`.
            let pod = input(pod, pod_len, "pod")?;
            let out = non_null_mut(out, "out")?;
            let policy = pss_policy::parse(level, version)?;
            let evaluation = evaluate(&policy, options, pod)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(evaluation));
            Ok(())
        })
    }
}

/// Evaluates any object that carries a pod template, given as JSON bytes (UTF-8, not
/// NUL-terminated), at a policy, as the PodSecurity admission controller evaluates it: a Pod itself;
/// a PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet or Job through
/// its pod template; a CronJob through `spec.jobTemplate.spec.template`. The `kind` (and the group of
/// `apiVersion`, when present: `apps/v1` for a Deployment) decides; field paths are relative to the
/// object (`spec.template.spec.containers[0].securityContext.privileged` for a Deployment). The
/// evaluation tells the kind (`pss_evaluation_kind`).
///
/// A ReplicationController without `spec.template` (or with a null one) has no pods to check, and
/// upstream allows it: the evaluation is allowed, with `pss_evaluation_template_absent` true and a
/// note (`pss_evaluation_note`).
///
/// `options` may be NULL for the defaults; their exclusions, if any, are applied (restricted fields
/// relative to the pod template).
///
/// Ownership: `policy`, `options` and `object` stay the caller's and are not kept after the call. On
/// success `*out` receives a new `pss_evaluation` the caller owns and frees with
/// `pss_evaluation_free`. On failure `*out` is not written and, when `err_out` is not NULL, `*err_out`
/// receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NOT_A_WORKLOAD` for an object that is not a pod or a pod controller, with
/// pss-core's message (`no pod template: Service is not a pod or a pod controller`, `no pod template:
/// the object has no kind`); the decoding errors of `pss_policy_evaluate` (with paths in the object,
/// e.g. `spec.template.spec.hostPID`); `PSS_RESULT_NULL_PARAMETER` (`policy`, `object` or `out` is
/// NULL); `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `policy` and `options` are NULL or live handles of their types; `object` is NULL or points to
/// `object_len` readable bytes not modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_evaluate_object(
    policy: *const pss_policy,
    options: *const pss_options,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees a non-NULL `policy` is live.
            let policy = handle(policy, "policy")?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            // SAFETY: the caller guarantees `object_len` readable bytes at a non-NULL `object`.
            let object = input(object, object_len, "object")?;
            let out = non_null_mut(out, "out")?;
            let evaluation = evaluate_object(policy, options, object)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(evaluation));
            Ok(())
        })
    }
}

/// `pss_policy_new` and `pss_policy_evaluate_object` in one call. The level and version are checked
/// before the object is read.
///
/// Ownership: as `pss_policy_evaluate_object`; `level` and `version` are read during the call only.
///
/// Errors: those of `pss_policy_new` and of `pss_policy_evaluate_object`.
///
/// # Safety
/// `level`, `version` and `object` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, and two out-parameters
pub unsafe extern "C" fn pss_evaluate_object(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees the input pointers and lengths.
            let level = input_str(level, level_len, "level")?;
            // SAFETY: as above.
            let version = input_str(version, version_len, "version")?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            // SAFETY: the caller guarantees `object_len` readable bytes at a non-NULL `object`.
            let object = input(object, object_len, "object")?;
            let out = non_null_mut(out, "out")?;
            let policy = pss_policy::parse(level, version)?;
            let evaluation = evaluate_object(&policy, options, object)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(evaluation));
            Ok(())
        })
    }
}

/// The kind of the evaluated workload as its `kind` spells it: `Pod`, `PodTemplate`,
/// `ReplicationController`, `ReplicaSet`, `Deployment`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`.
/// Always `Pod` for the pod functions (`pss_policy_evaluate`, `pss_evaluate`).
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_kind(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(evaluation.kind.kind(), out_ptr, out_len) }
    })
}

/// Where the pod template is in the object: `spec.template`, `template` (PodTemplate),
/// `spec.jobTemplate.spec.template` (CronJob), or empty (a Pod is its own template). Field paths of
/// the template's fields start with it.
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_template_path(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(evaluation.kind.template_path(), out_ptr, out_len) }
    })
}

/// Whether the object had no pod template to evaluate and is allowed for that reason (a
/// ReplicationController without `spec.template`, as upstream allows it). False for every other
/// evaluation.
///
/// Ownership: `evaluation` stays the caller's; `*out_absent` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_absent` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_template_absent(
    evaluation: *const pss_evaluation,
    out_absent: *mut bool,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        let out_absent = non_null_mut(out_absent, "out_absent")?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out_absent, evaluation.note.is_some()) };
        Ok(())
    })
}

/// Why nothing was evaluated though the object is allowed:
/// `no pod template: the ReplicationController has no spec.template`. NULL and 0 for every evaluation
/// that ran the checks.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_note(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_opt_view(evaluation.note.as_deref(), out_ptr, out_len) }
    })
}

/// Whether the pod is allowed (it has no violations).
///
/// Ownership: `evaluation` stays the caller's; `*out_allowed` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_allowed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_allowed(
    evaluation: *const pss_evaluation,
    out_allowed: *mut bool,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        let out_allowed = non_null_mut(out_allowed, "out_allowed")?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out_allowed, evaluation.allowed) };
        Ok(())
    })
}

/// Upstream's aggregate `ForbiddenReason`: the violations' reasons joined by `", "` (empty when allowed).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_reason(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&evaluation.reason, out_ptr, out_len) }
    })
}

/// Upstream's aggregate `ForbiddenDetail`: each `reason (detail)` (or `reason` alone when the detail is
/// empty) joined by `", "` (empty when allowed).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_detail(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&evaluation.detail, out_ptr, out_len) }
    })
}

/// The message the API server gives when it denies the pod:
/// `pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL`, NAME being the pod's
/// `metadata.name` (`pods is forbidden: ...` when it has none, as the API server words it). Empty when
/// the pod is allowed. For a controller (which the API server never denies: it denies the pods the
/// controller creates), the `pss` command's words, with the resource of its kind:
/// `deployments "NAME" (pods it creates would be denied): violates PodSecurity "LEVEL:VERSION": DETAIL`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_admission_message(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&evaluation.admission_message, out_ptr, out_len) }
    })
}

/// The pod's `metadata.name` (an object's, for `pss_policy_evaluate_object`); NULL and 0 when it has
/// none.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_pod_name(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_opt_view(evaluation.pod_name.as_deref(), out_ptr, out_len) }
    })
}

/// The number of violations (0 when allowed).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_violation_count(
    evaluation: *const pss_evaluation,
    out_count: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        let out_count = non_null_mut(out_count, "out_count")?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out_count, evaluation.violations.len()) };
        Ok(())
    })
}

/// The violation at `index` (0-based, in upstream's order).
///
/// Ownership: `*out` receives a pointer borrowed from `evaluation`: valid until `evaluation` is freed,
/// not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_violation(
    evaluation: *const pss_evaluation,
    index: usize,
    out: *mut *const pss_violation,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        let out = non_null_mut(out, "out")?;
        let violation = evaluation.violations.get(index).ok_or(Failure::code(pss_result::IndexOutOfRange))?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out, violation as *const pss_violation) };
        Ok(())
    })
}

/// Frees an evaluation. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_evaluation`; its violations, fields and every view of them
/// become invalid.
///
/// # Safety
/// `evaluation` is NULL or a `pss_evaluation` from this library not freed before, and no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_free(evaluation: *mut pss_evaluation) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(evaluation) }
}

/// The failed check's upstream id (`privileged`, `capabilities_baseline`, `seLinuxOptions`, ...).
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_check_id(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `violation` is live.
        let violation = unsafe { handle(violation, "violation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(violation.check_id, out_ptr, out_len) }
    })
}

/// Upstream's `ForbiddenReason` for this check, byte for byte (`privileged`, `host namespaces`, ...).
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_reason(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `violation` is live.
        let violation = unsafe { handle(violation, "violation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(violation.reason, out_ptr, out_len) }
    })
}

/// Upstream's `ForbiddenDetail` for this check, byte for byte; may be empty.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the violation's evaluation, valid
/// until that is freed.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_detail(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `violation` is live.
        let violation = unsafe { handle(violation, "violation") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&violation.detail, out_ptr, out_len) }
    })
}

/// The number of offending fields of this violation.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_field_count(
    violation: *const pss_violation,
    out_count: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `violation` is live.
        let violation = unsafe { handle(violation, "violation") }?;
        let out_count = non_null_mut(out_count, "out_count")?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out_count, violation.fields.len()) };
        Ok(())
    })
}

/// The offending field at `index` (0-based, in the order upstream meets them).
///
/// Ownership: `*out` receives a pointer borrowed from the violation's evaluation: valid until that is
/// freed, not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_field(
    violation: *const pss_violation,
    index: usize,
    out: *mut *const pss_field,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `violation` is live.
        let violation = unsafe { handle(violation, "violation") }?;
        let out = non_null_mut(out, "out")?;
        let field = violation.fields.get(index).ok_or(Failure::code(pss_result::IndexOutOfRange))?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out, field as *const pss_field) };
        Ok(())
    })
}

/// The field's path in the pod, e.g. `spec.containers[0].securityContext.privileged` or
/// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`; in the object for
/// `pss_policy_evaluate_object`, e.g. `spec.template.spec.containers[0].securityContext.privileged`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_path(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `field` is live.
        let field = unsafe { handle(field, "field") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&field.path, out_ptr, out_len) }
    })
}

/// The offending value as JSON text: `true`, `0`, `"Unconfined"`, `["NET_RAW"]`, `null` for a required
/// field that is missing, `{}` for an object whose presence is the problem.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_value_json(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `field` is live.
        let field = unsafe { handle(field, "field") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_view(&field.value_json, out_ptr, out_len) }
    })
}

/// The name of the container the field belongs to; NULL and 0 when it belongs to none (a pod-level
/// field).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_container(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `field` is live.
        let field = unsafe { handle(field, "field") }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_opt_view(field.container.as_deref(), out_ptr, out_len) }
    })
}
