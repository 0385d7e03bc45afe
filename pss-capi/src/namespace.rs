//! `pss_namespace_policy` (a namespace's enforce, audit and warn policies, from its labels) and
//! `pss_label_error` (why a label was not understood).

use pss_core::admission::Policy;
use pss_core::FieldError;

use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_item, get_text, get_value, guard, guard_err, handle, input_strs, into_handle, non_null_mut, write,
};
use crate::policy::pss_policy;
use crate::result::pss_result;

/// The policies of a namespace, one per PodSecurity mode: `enforce` (violations deny pods), `audit`
/// (violations are recorded in the audit log) and `warn` (violations are returned as warnings), and
/// the errors of the labels they came from. Immutable: any number of threads may use one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_namespace_policy {
    policy: Policy,
    enforce: pss_policy,
    audit: pss_policy,
    warn: pss_policy,
    display: String,
    errors: Vec<pss_label_error>,
}

/// One namespace label whose value is not a valid level or version, with upstream's words. Borrowed
/// from its `pss_namespace_policy`: valid until that is freed, and never freed on its own.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_label_error {
    label: String,
    value: Option<String>,
    detail: String,
    display: String,
}

impl pss_label_error {
    pub(crate) fn new(error: &FieldError) -> pss_label_error {
        let path = error.path();
        let label = path.strip_prefix("metadata.labels[").and_then(|p| p.strip_suffix(']')).unwrap_or(path);
        pss_label_error {
            label: label.to_owned(),
            value: error.value().map(str::to_owned),
            detail: error.detail().to_owned(),
            display: error.to_string(),
        }
    }
}

impl pss_namespace_policy {
    pub(crate) fn new(policy: Policy, errors: &[FieldError]) -> pss_namespace_policy {
        pss_namespace_policy {
            policy,
            enforce: pss_policy::new(policy.enforce),
            audit: pss_policy::new(policy.audit),
            warn: pss_policy::new(policy.warn),
            display: policy.to_string(),
            errors: errors.iter().map(pss_label_error::new).collect(),
        }
    }
}

/// Makes a namespace policy from three policies, for example the defaults of an admission
/// configuration (`pss_namespace_policy_from_labels` falls back to them for labels that are not set).
///
/// Ownership: the policies stay the caller's (they are copied). On success `*out` receives a new
/// `pss_namespace_policy` the caller owns and frees with `pss_namespace_policy_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// `enforce`, `audit` and `warn` are NULL or live `pss_policy` handles; `out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_new(
    enforce: *const pss_policy,
    audit: *const pss_policy,
    warn: *const pss_policy,
    out: *mut *mut pss_namespace_policy,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees non-NULL handles are live.
        let (enforce, audit, warn) =
            unsafe { (handle(enforce, "enforce")?, handle(audit, "audit")?, handle(warn, "warn")?) };
        let out = non_null_mut(out, "out")?;
        let policy = Policy { enforce: enforce.level_version, audit: audit.level_version, warn: warn.level_version };
        // SAFETY: `out` is non-NULL and writable (caller's guarantee).
        unsafe { write(out, into_handle(pss_namespace_policy::new(policy, &[]))) };
        Ok(())
    })
}

/// Resolves a namespace's labels to its policies exactly as the API server does (upstream's
/// `PolicyToEvaluate`): the `pod-security.kubernetes.io/{enforce,audit,warn}` labels give the levels
/// and the `-version` labels the versions; other labels are ignored; a label that is not set takes the
/// value of `defaults` (NULL: `privileged:latest` in every mode, the API server's default). An invalid
/// enforce level becomes `restricted`, an invalid audit or warn level `privileged`, an invalid version
/// `latest`; when enforce is set validly, warn is not set, and enforce is stricter than warn, warn
/// follows enforce (and its version, unless warn-version is set).
///
/// Invalid labels are not a failure: the call succeeds, and each one is described by a
/// `pss_label_error` (`pss_namespace_policy_error_count`, `pss_namespace_policy_error`), worded as
/// upstream words it:
/// `metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
///
/// The labels are given as parallel arrays: label `i` is `keys[i]` (`key_lens[i]` bytes) with the
/// value `values[i]` (`value_lens[i]` bytes), for `count` labels; with a count of 0 the arrays are not
/// read and may be NULL. A repeated key takes its last value.
///
/// Ownership: every input is read during the call only; `defaults` stays the caller's. On success
/// `*out` receives a new `pss_namespace_policy` the caller owns and frees with
/// `pss_namespace_policy_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`out` is NULL, or an array or one of its elements is NULL with a
/// count above 0), `PSS_RESULT_INVALID_UTF8` (a key or value, named `keys[i]` or `values[i]`),
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// With a count above 0, non-NULL arrays hold `count` elements each, and each non-NULL element points
/// to its length in readable bytes, none modified during the call; `defaults` is NULL or a live
/// `pss_namespace_policy`; `out` and `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptrs, lens) lists with their count, defaults, two out-parameters
pub unsafe extern "C" fn pss_namespace_policy_from_labels(
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    count: usize,
    defaults: *const pss_namespace_policy,
    out: *mut *mut pss_namespace_policy,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees the arrays, their elements and `count`.
            let keys = input_strs(keys, key_lens, count, "keys")?;
            // SAFETY: as above.
            let values = input_strs(values, value_lens, count, "values")?;
            // SAFETY: the caller guarantees a non-NULL `defaults` is live.
            let defaults = (!defaults.is_null()).then(|| &*defaults).map_or(Policy::PRIVILEGED, |d| d.policy);
            let out = non_null_mut(out, "out")?;
            let (policy, errors) = Policy::from_labels(keys.into_iter().zip(values), defaults);
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_namespace_policy::new(policy, &errors)));
            Ok(())
        })
    }
}

/// Borrows one of the three policies of a namespace policy.
///
/// # Safety
/// `np` is NULL or a live `pss_namespace_policy`; `out` is NULL or valid for writing one pointer.
unsafe fn mode(
    np: *const pss_namespace_policy,
    out: *mut *const pss_policy,
    pick: fn(&pss_namespace_policy) -> &pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(np, "namespace_policy", out, "out", |np| pick(np) as *const pss_policy) }
}

/// The enforce policy: pods that violate it are denied. Evaluate with it as with any policy
/// (`pss_policy_evaluate`, `pss_policy_evaluate_object`; `pss_policy_level`, `pss_policy_version`).
///
/// Ownership: `*out` receives a pointer borrowed from `namespace_policy`: valid until that is freed,
/// not to be freed by the caller.
///
/// # Safety
/// `namespace_policy` is NULL or a live `pss_namespace_policy`; `out` is NULL or valid for writing one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_enforce(
    namespace_policy: *const pss_namespace_policy,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(namespace_policy, out, |np| &np.enforce) }
}

/// The audit policy: violations are recorded in the audit log.
///
/// Ownership: as `pss_namespace_policy_enforce`.
///
/// # Safety
/// As `pss_namespace_policy_enforce`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_audit(
    namespace_policy: *const pss_namespace_policy,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(namespace_policy, out, |np| &np.audit) }
}

/// The warn policy: violations are returned to the user as warnings.
///
/// Ownership: as `pss_namespace_policy_enforce`.
///
/// # Safety
/// As `pss_namespace_policy_enforce`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_warn(
    namespace_policy: *const pss_namespace_policy,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(namespace_policy, out, |np| &np.warn) }
}

/// The three policies as one line: `enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `namespace_policy`, valid until it is
/// freed.
///
/// # Safety
/// `namespace_policy` is NULL or a live `pss_namespace_policy`; `out_ptr` and `out_len` are NULL or
/// valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_display(
    namespace_policy: *const pss_namespace_policy,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(namespace_policy, "namespace_policy", out_ptr, out_len, |np| Some(&np.display)) }
}

/// The number of invalid labels (0 when every PodSecurity label was understood, or none was set).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `namespace_policy` is NULL or a live `pss_namespace_policy`; `out_count` is NULL or valid for
/// writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_error_count(
    namespace_policy: *const pss_namespace_policy,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(namespace_policy, "namespace_policy", out_count, "out_count", |np| np.errors.len()) }
}

/// The label error at `index` (0-based, in upstream's order: enforce, enforce-version, audit,
/// audit-version, warn, warn-version).
///
/// Ownership: `*out` receives a pointer borrowed from `namespace_policy`: valid until that is freed,
/// not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `namespace_policy` is NULL or a live `pss_namespace_policy`; `out` is NULL or valid for writing one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_error(
    namespace_policy: *const pss_namespace_policy,
    index: usize,
    out: *mut *const pss_label_error,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(namespace_policy, "namespace_policy", index, out, |np| &np.errors) }
}

/// Frees a namespace policy. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_namespace_policy`; the policies and label errors borrowed
/// from it, and every view of them, become invalid. Evaluations made with its policies stay valid.
///
/// # Safety
/// `namespace_policy` is NULL or a `pss_namespace_policy` from this library not freed before, and no
/// other thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_policy_free(namespace_policy: *mut pss_namespace_policy) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(namespace_policy) }
}

/// The whole error as upstream words it:
/// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's namespace policy, valid
/// until that is freed.
///
/// # Safety
/// `error` is NULL or a live `pss_label_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_label_error_display(
    error: *const pss_label_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(error, "error", out_ptr, out_len, |e| Some(&e.display)) }
}

/// The label's key: `pod-security.kubernetes.io/enforce`, `pod-security.kubernetes.io/warn-version`, ...
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's namespace policy, valid
/// until that is freed.
///
/// # Safety
/// `error` is NULL or a live `pss_label_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_label_error_label(
    error: *const pss_label_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(error, "error", out_ptr, out_len, |e| Some(&e.label)) }
}

/// The label's invalid value as given (`strict`); NULL and 0 if the error shows no value.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's namespace policy, valid
/// until that is freed.
///
/// # Safety
/// `error` is NULL or a live `pss_label_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_label_error_value(
    error: *const pss_label_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(error, "error", out_ptr, out_len, |e| e.value.as_deref()) }
}

/// What the label accepts: `must be one of privileged, baseline, restricted` or
/// `must be "latest" or "v1.x"`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's namespace policy, valid
/// until that is freed.
///
/// # Safety
/// `error` is NULL or a live `pss_label_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_label_error_detail(
    error: *const pss_label_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(error, "error", out_ptr, out_len, |e| Some(&e.detail)) }
}
