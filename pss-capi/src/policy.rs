//! `pss_policy` (the enforce, audit and warn levels and versions of a namespace, from its labels)
//! and `pss_label_error` (why a label was not understood).

use pss_core::admission::Policy;
use pss_core::FieldError;

use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_item, get_text, get_value, guard, guard_err, handle, input_strs, into_handle, non_null_mut, write,
};
use crate::level_version::pss_level_version;
use crate::result::pss_result;

/// A PodSecurity policy: one level and version per mode, `enforce` (violations deny pods), `audit`
/// (violations are recorded in the audit log) and `warn` (violations are returned as warnings), as a
/// namespace's labels give them (upstream's `api.Policy`, pss-core's `admission::Policy`), and the
/// errors of the labels it came from. Immutable: any number of threads may use one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_policy {
    policy: Policy,
    enforce: pss_level_version,
    audit: pss_level_version,
    warn: pss_level_version,
    display: String,
    errors: Vec<pss_label_error>,
}

/// One namespace label whose value is not a valid level or version, with upstream's words. Borrowed
/// from its `pss_policy`: valid until that is freed, and never freed on its own.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_label_error {
    error: FieldError,
    display: String,
}

impl pss_label_error {
    pub(crate) fn new(error: &FieldError) -> pss_label_error {
        pss_label_error { error: error.clone(), display: error.to_string() }
    }
}

impl pss_policy {
    pub(crate) fn new(policy: Policy, errors: &[FieldError]) -> pss_policy {
        pss_policy {
            policy,
            enforce: pss_level_version::new(policy.enforce),
            audit: pss_level_version::new(policy.audit),
            warn: pss_level_version::new(policy.warn),
            display: policy.to_string(),
            errors: errors.iter().map(pss_label_error::new).collect(),
        }
    }
}

/// Makes a policy from three levels and versions, for example the defaults of an admission
/// configuration (`pss_policy_from_labels` falls back to them for labels that are not set).
///
/// Ownership: the levels and versions stay the caller's (they are copied). On success `*out` receives a new
/// `pss_policy` the caller owns and frees with `pss_policy_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// `enforce`, `audit` and `warn` are NULL or live `pss_level_version` handles; `out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_new(
    enforce: *const pss_level_version,
    audit: *const pss_level_version,
    warn: *const pss_level_version,
    out: *mut *mut pss_policy,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees non-NULL handles are live.
        let (enforce, audit, warn) =
            unsafe { (handle(enforce, "enforce")?, handle(audit, "audit")?, handle(warn, "warn")?) };
        let out = non_null_mut(out, "out")?;
        let policy = Policy { enforce: enforce.level_version, audit: audit.level_version, warn: warn.level_version };
        // SAFETY: `out` is non-NULL and writable (caller's guarantee).
        unsafe { write(out, into_handle(pss_policy::new(policy, &[]))) };
        Ok(())
    })
}

/// Resolves a namespace's labels to its policy exactly as the API server does (upstream's
/// `PolicyToEvaluate`): the `pod-security.kubernetes.io/{enforce,audit,warn}` labels give the levels
/// and the `-version` labels the versions; other labels are ignored; a label that is not set takes the
/// value of `defaults` (NULL: `privileged:latest` in every mode, the API server's default). An invalid
/// enforce level becomes `restricted`, an invalid audit or warn level `privileged`, an invalid version
/// `latest`; when enforce is set validly, warn is not set, and enforce is stricter than warn, warn
/// follows enforce (and its version, unless warn-version is set).
///
/// Invalid labels are not a failure: the call succeeds, and each one is described by a
/// `pss_label_error` (`pss_policy_error_count`, `pss_policy_error`), worded as
/// upstream words it:
/// `metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
///
/// The labels are given as parallel arrays: label `i` is `keys[i]` (`key_lens[i]` bytes) with the
/// value `values[i]` (`value_lens[i]` bytes), for `count` labels; with a count of 0 the arrays are not
/// read and may be NULL. A repeated key takes its last value.
///
/// Ownership: every input is read during the call only; `defaults` stays the caller's. On success
/// `*out` receives a new `pss_policy` the caller owns and frees with
/// `pss_policy_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`out` is NULL, or an array or one of its elements is NULL with a
/// count above 0), `PSS_RESULT_INVALID_UTF8` (a key or value, named `keys[i]` or `values[i]`),
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// With a count above 0, non-NULL arrays hold `count` elements each, and each non-NULL element points
/// to its length in readable bytes, none modified during the call; `defaults` is NULL or a live
/// `pss_policy`; `out` and `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptrs, lens) lists with their count, defaults, two out-parameters
pub unsafe extern "C" fn pss_policy_from_labels(
    keys: *const *const u8,
    key_lens: *const usize,
    values: *const *const u8,
    value_lens: *const usize,
    count: usize,
    defaults: *const pss_policy,
    out: *mut *mut pss_policy,
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
            write(out, into_handle(pss_policy::new(policy, &errors)));
            Ok(())
        })
    }
}

/// Borrows the level and version of one mode of a policy.
///
/// # Safety
/// `policy` is NULL or a live `pss_policy`; `out` is NULL or valid for writing one pointer.
unsafe fn mode(
    policy: *const pss_policy,
    out: *mut *const pss_level_version,
    pick: fn(&pss_policy) -> &pss_level_version,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(policy, "policy", out, "out", |p| pick(p) as *const pss_level_version) }
}

/// The enforce level and version: pods that violate it are denied. Evaluate with it as with any
/// `pss_level_version` (`pss_level_version_evaluate`, `pss_level_version_evaluate_object`;
/// `pss_level_version_level`, `pss_level_version_version`).
///
/// Ownership: `*out` receives a pointer borrowed from `policy`: valid until that is freed,
/// not to be freed by the caller.
///
/// # Safety
/// `policy` is NULL or a live `pss_policy`; `out` is NULL or valid for writing one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_enforce(
    policy: *const pss_policy,
    out: *mut *const pss_level_version,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(policy, out, |p| &p.enforce) }
}

/// The audit level and version: violations are recorded in the audit log.
///
/// Ownership: as `pss_policy_enforce`.
///
/// # Safety
/// As `pss_policy_enforce`.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_audit(policy: *const pss_policy, out: *mut *const pss_level_version) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(policy, out, |p| &p.audit) }
}

/// The warn level and version: violations are returned to the user as warnings.
///
/// Ownership: as `pss_policy_enforce`.
///
/// # Safety
/// As `pss_policy_enforce`.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_warn(policy: *const pss_policy, out: *mut *const pss_level_version) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { mode(policy, out, |p| &p.warn) }
}

/// The three modes as one line: `enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `policy`, valid until it is
/// freed.
///
/// # Safety
/// `policy` is NULL or a live `pss_policy`; `out_ptr` and `out_len` are NULL or
/// valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_display(
    policy: *const pss_policy,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(policy, "policy", out_ptr, out_len, |p| Some(&p.display)) }
}

/// The number of invalid labels (0 when every PodSecurity label was understood, or none was set).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `policy` is NULL or a live `pss_policy`; `out_count` is NULL or valid for
/// writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_error_count(policy: *const pss_policy, out_count: *mut usize) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(policy, "policy", out_count, "out_count", |p| p.errors.len()) }
}

/// The label error at `index` (0-based, in upstream's order: enforce, enforce-version, audit,
/// audit-version, warn, warn-version).
///
/// Ownership: `*out` receives a pointer borrowed from `policy`: valid until that is freed,
/// not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `policy` is NULL or a live `pss_policy`; `out` is NULL or valid for writing one
/// pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_error(
    policy: *const pss_policy,
    index: usize,
    out: *mut *const pss_label_error,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(policy, "policy", index, out, |p| &p.errors) }
}

/// Frees a policy. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_policy`; the levels and versions and label errors borrowed
/// from it, and every view of them, become invalid. Evaluations made with its levels and versions stay valid.
///
/// # Safety
/// `policy` is NULL or a `pss_policy` from this library not freed before, and no
/// other thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_policy_free(policy: *mut pss_policy) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(policy) }
}

/// The whole error as upstream words it:
/// `metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's policy, valid
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
/// (pss-core's `FieldError::label`: the key of the error's `metadata.labels[KEY]` path). NULL and 0
/// for an error that is not about one label (never for the errors of namespace labels).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's policy, valid
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
    unsafe { get_text(error, "error", out_ptr, out_len, |e| e.error.label()) }
}

/// The label's invalid value as given (`strict`); NULL and 0 if the error shows no value.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's policy, valid
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
    unsafe { get_text(error, "error", out_ptr, out_len, |e| e.error.value()) }
}

/// What the label accepts: `must be one of privileged, baseline, restricted` or
/// `must be "latest" or "v1.x"`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the error's policy, valid
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
    unsafe { get_text(error, "error", out_ptr, out_len, |e| Some(e.error.detail())) }
}
