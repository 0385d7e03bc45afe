//! `pss_labels`: a namespace's labels, for admission reviews and Kyverno policies.

use std::collections::BTreeMap;

use crate::error::pss_error;
use crate::ffi::{free_handle, get_value, guard, guard_err, input_str, into_handle, non_null_mut, write, Failure};
use crate::result::pss_result;

/// A set of labels (key, value), as a namespace carries them: built with `pss_labels_new` and
/// `pss_labels_add`, then passed to `pss_admission_review`, `pss_admission_review_namespace` or
/// `pss_kyverno_policy_apply`. A key added twice keeps its last value.
///
/// Add labels before sharing the handle; once built, one handle can serve concurrent calls (adding a
/// label while another thread reads the same handle is a data race).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone, Default)]
pub struct pss_labels {
    labels: BTreeMap<String, String>,
}

impl pss_labels {
    /// The labels, by key.
    pub(crate) fn map(&self) -> &BTreeMap<String, String> {
        &self.labels
    }

    /// The labels as `(key, value)` pairs.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.labels.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The pairs of optional labels (none for NULL).
    pub(crate) fn pairs_of(labels: Option<&pss_labels>) -> impl Iterator<Item = (&str, &str)> {
        labels.into_iter().flat_map(pss_labels::pairs)
    }
}

/// Makes an empty set of labels.
///
/// Ownership: on success `*out` receives a new `pss_labels` the caller owns and frees with
/// `pss_labels_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`out` is NULL).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_labels_new(out: *mut *mut pss_labels) -> pss_result {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        // SAFETY: `out` is non-NULL and writable (caller's guarantee).
        unsafe { write(out, into_handle(pss_labels::default())) };
        Ok(())
    })
}

/// Copies labels, for example to dry-run a label change: the namespace's labels as they are, and a
/// copy with `pod-security.kubernetes.io/enforce` set (`pss_admission_review_namespace`).
///
/// Ownership: `labels` stays the caller's. On success `*out` receives a new `pss_labels` the caller
/// owns and frees with `pss_labels_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`labels` or `out` is NULL).
///
/// # Safety
/// `labels` is NULL or a live `pss_labels` not modified during the call; `out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_labels_clone(labels: *const pss_labels, out: *mut *mut pss_labels) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(labels, "labels", out, "out", |l| into_handle(l.clone())) }
}

/// Adds the label `key=value` (UTF-8 text; a key already there takes the new value).
///
/// Ownership: `key` and `value` are read during the call only (the labels copy them); `labels`
/// stays the caller's. On failure the labels are unchanged and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INVALID_UTF8` (naming `key` or `value`),
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `labels` is NULL or a live `pss_labels` that no other thread uses during the call; `key` and
/// `value` are NULL or point to their lengths in readable bytes; `err_out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_labels_add(
    labels: *mut pss_labels,
    key: *const u8,
    key_len: usize,
    value: *const u8,
    value_len: usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            let labels = non_null_mut(labels, "labels")?;
            // SAFETY: the caller guarantees the input pointers and lengths.
            let key = input_str(key, key_len, "key")?;
            // SAFETY: as above.
            let value = input_str(value, value_len, "value")?;
            // SAFETY: the caller guarantees `labels` is live and not used by another thread meanwhile.
            (*labels).labels.insert(key.to_owned(), value.to_owned());
            Ok(())
        })
    }
}

/// The number of labels (distinct keys).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `labels` is NULL or a live `pss_labels`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_labels_count(labels: *const pss_labels, out_count: *mut usize) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(labels, "labels", out_count, "out_count", |l| l.labels.len()) }
}

/// Frees labels. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_labels`. Results made with them stay valid.
///
/// # Safety
/// `labels` is NULL or a `pss_labels` from `pss_labels_new` not freed before, and no other thread uses
/// it.
#[no_mangle]
pub unsafe extern "C" fn pss_labels_free(labels: *mut pss_labels) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(labels) }
}

/// Borrows optional labels inside a boundary.
///
/// # Safety
/// `labels` is NULL or a live `pss_labels` not modified during the call.
pub(crate) unsafe fn optional<'a>(labels: *const pss_labels) -> Option<&'a pss_labels> {
    // SAFETY: forwarded from the caller.
    (!labels.is_null()).then(|| unsafe { &*labels })
}

/// A failure for an input list item: the error of item `index` of `parameter`, its display prefixed.
pub(crate) fn item_failure(failure: Failure, parameter: &str, index: usize) -> Failure {
    let Failure { code, error } = failure;
    let error = error.map(|mut e| {
        e.prefix_display(&format!("{parameter}[{index}]"));
        e
    });
    Failure { code, error }
}
