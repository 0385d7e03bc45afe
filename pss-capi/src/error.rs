//! `pss_error`: the detail of one failed call, handed to the caller through an out-parameter.

use crate::ffi::{free_handle, get_text, get_value, guard, handle, non_null_mut, write};
use crate::result::pss_result;

/// The detail of a failed call: its code, what was wrong, and for a pod that cannot be decoded, where
/// (the field path, and the line, column and byte offset in the input).
///
/// Functions that can fail on their input take a `pss_error **err_out` parameter; on failure they
/// store a new `pss_error` there (when `err_out` is not NULL), which the caller owns and frees with
/// `pss_error_free`. Each call's detail lives in its own object, never in thread-local state, so it
/// is safe to read from another thread (or goroutine) than the one that made the call.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone)]
pub struct pss_error {
    code: pss_result,
    message: String,
    path: Option<String>,
    /// 1-based line and column, 0-based byte offset.
    position: Option<(usize, usize, usize)>,
    display: String,
}

impl pss_error {
    pub(crate) fn new(code: pss_result, message: String) -> pss_error {
        pss_error { code, display: message.clone(), message, path: None, position: None }
    }

    pub(crate) fn from_core(e: &pss_core::Error) -> pss_error {
        pss_error {
            code: pss_result::from_kind(e.kind()),
            message: e.message().to_owned(),
            path: e.path().map(str::to_owned),
            position: e.position().map(|p| (p.line, p.column, p.offset)),
            display: e.to_string(),
        }
    }

    /// An error about a list of field errors (a configuration's, a policy's, an exclusion's), worded as
    /// pss-core words upstream's aggregate (`FieldError::aggregate`: one alone as it reads, several
    /// deduplicated as `[a, b]`), with the field's path when they are one error.
    pub(crate) fn aggregate(
        code: pss_result,
        errors: &[pss_core::FieldError],
        path: impl Fn(&pss_core::FieldError) -> &str,
    ) -> pss_error {
        let mut error = pss_error::new(code, pss_core::FieldError::aggregate(errors));
        if let Some(first) = errors.first().filter(|first| errors.iter().all(|e| e == *first)) {
            error.set_path(path(first));
        }
        error
    }

    /// Puts `prefix` before the display (`pods[2]: ...`); the message, path and position stay.
    pub(crate) fn prefix_display(&mut self, prefix: &str) {
        self.display = format!("{prefix}: {}", self.display);
    }

    /// Records the path of the offending field (the message and display stay as they are).
    pub(crate) fn set_path(&mut self, path: &str) {
        self.path = Some(path.to_owned());
    }

    /// Records where in `input` (at byte `offset`) the problem is.
    pub(crate) fn set_offset(&mut self, input: &[u8], offset: usize) {
        let before = &input[..offset.min(input.len())];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let column = before.len() - line_start + 1;
        self.position = Some((line, column, before.len()));
        self.display = format!("{} at line {line} column {column}", self.message);
    }

    pub(crate) fn code(&self) -> pss_result {
        self.code
    }

    pub(crate) fn message(&self) -> &str {
        &self.message
    }

    pub(crate) fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    pub(crate) fn position(&self) -> Option<(usize, usize, usize)> {
        self.position
    }

    pub(crate) fn display(&self) -> &str {
        &self.display
    }
}

/// The error's code (the same one the failed call returned).
///
/// Ownership: `err` stays the caller's; `*out_code` is written on success.
///
/// # Safety
/// `err` is NULL or a live `pss_error`; `out_code` is NULL or valid for writing a `pss_result`.
#[no_mangle]
pub unsafe extern "C" fn pss_error_code(err: *const pss_error, out_code: *mut pss_result) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(err, "err", out_code, "out_code", |e| e.code) }
}

/// What was wrong, without the path and position, lowercase without a trailing period: for example
/// `expected a boolean, found a string`, or `invalid level "Baseline": must be one of privileged,
/// baseline, restricted`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `err`; it stays valid until `err` is
/// freed. The caller must not free or modify it.
///
/// # Safety
/// `err` is NULL or a live `pss_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_error_message(
    err: *const pss_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(err, "err", out_ptr, out_len, |e| Some(e.message())) }
}

/// The whole description: the path (if any), the message, and the position (if any), as in
/// `spec.hostPID: expected a boolean, found a string at line 1 column 22`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `err`; it stays valid until `err` is
/// freed.
///
/// # Safety
/// `err` is NULL or a live `pss_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_error_display(
    err: *const pss_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(err, "err", out_ptr, out_len, |e| Some(e.display())) }
}

/// The path of the offending field: in the pod or object (`spec.containers[0].securityContext.privileged`,
/// `spec.template.spec.hostPID`), or in an exclusion (`controlName`). When the error is not about one
/// field, writes NULL and 0.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `err`; it stays valid until `err` is
/// freed.
///
/// # Safety
/// `err` is NULL or a live `pss_error`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_error_path(
    err: *const pss_error,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(err, "err", out_ptr, out_len, |e| e.path()) }
}

/// Where in the input the problem is: 1-based line, 1-based column (in bytes) and 0-based byte
/// offset. When the error has no position (a NULL parameter, an invalid level), writes 0, 0 and 0.
///
/// Ownership: the out-parameters belong to the caller and are written on success.
///
/// # Safety
/// `err` is NULL or a live `pss_error`; each out-pointer is NULL or valid for writing one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_error_position(
    err: *const pss_error,
    out_line: *mut usize,
    out_column: *mut usize,
    out_offset: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `err` is a live `pss_error`.
        let err = unsafe { handle(err, "err") }?;
        let out_line = non_null_mut(out_line, "out_line")?;
        let out_column = non_null_mut(out_column, "out_column")?;
        let out_offset = non_null_mut(out_offset, "out_offset")?;
        let (line, column, offset) = err.position().unwrap_or((0, 0, 0));
        // SAFETY: the three pointers are non-NULL and valid for writing (caller's guarantee).
        unsafe {
            write(out_line, line);
            write(out_column, column);
            write(out_offset, offset);
        }
        Ok(())
    })
}

/// Frees an error made by a failed call. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_error`; every view of it becomes invalid.
///
/// # Safety
/// `err` is NULL or a `pss_error` from this library not freed before.
#[no_mangle]
pub unsafe extern "C" fn pss_error_free(err: *mut pss_error) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(err) }
}
