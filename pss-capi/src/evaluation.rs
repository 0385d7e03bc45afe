//! `pss_evaluation` (the verdict on one pod), `pss_violation` and `pss_field` (its parts).

use pss_core::{Evaluation, PodDocument};

use crate::error::pss_error;
use crate::ffi::{
    free_handle, guard, guard_err, handle, input, input_str, into_handle, non_null_mut, write, write_opt_view,
    write_view, Failure,
};
use crate::policy::{pss_options, pss_policy};
use crate::result::pss_result;

/// The verdict on one pod at one policy: allowed or not, upstream's aggregate reason, detail and
/// admission message, and each violation. Immutable: any number of threads may read one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_evaluation {
    allowed: bool,
    pod_name: Option<String>,
    reason: String,
    detail: String,
    admission_message: String,
    violations: Vec<pss_violation>,
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
    pub(crate) fn new(evaluation: &Evaluation, pod_name: Option<&str>) -> pss_evaluation {
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
        pss_evaluation {
            allowed: evaluation.allowed(),
            pod_name: pod_name.map(str::to_owned),
            reason: evaluation.forbidden_reason(),
            detail: evaluation.forbidden_detail(),
            admission_message: evaluation.admission_message(pod_name.unwrap_or_default()).unwrap_or_default(),
            violations,
        }
    }
}

/// Decodes and evaluates a pod under the options; the part shared by both evaluate functions.
fn evaluate(policy: &pss_policy, options: Option<&pss_options>, pod: &[u8]) -> Result<pss_evaluation, Failure> {
    let max = options.map_or(usize::MAX, |o| o.max_input_len);
    if pod.len() > max {
        return Err(Failure::new(
            pss_result::InputTooLarge,
            format!("the pod is {} bytes, more than the {max} the options allow", pod.len()),
        ));
    }
    let document = PodDocument::from_slice(pod)?;
    let evaluation = pss_core::evaluate(policy.level_version, &document);
    Ok(pss_evaluation::new(&evaluation, document.name()))
}

/// Evaluates a pod, given as JSON bytes (UTF-8, not NUL-terminated), at a policy, exactly as the
/// Kubernetes PodSecurity admission controller does.
///
/// `options` may be NULL for the defaults. The pod is decoded as the API server decodes it
/// (case-sensitive keys, unknown fields ignored); the pod name in the admission message comes from
/// `metadata.name`.
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
/// the pod is allowed.
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

/// The pod's `metadata.name`; NULL and 0 when the pod has none.
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
/// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.
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
