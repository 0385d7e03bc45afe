//! The machinery every exported function shares: the panic boundary, reading caller inputs, writing
//! out-parameters, and handing out views of strings the library owns.

use std::any::Any;
use std::panic::{catch_unwind, AssertUnwindSafe};

use crate::error::pss_error;
use crate::result::pss_result;

/// Why a call failed: the code, and the detail a `pss_error` carries.
#[derive(Debug)]
pub(crate) struct Failure {
    pub(crate) code: pss_result,
    pub(crate) error: Option<pss_error>,
}

impl Failure {
    /// A failure with a code and a message (no field path, no position).
    pub(crate) fn new(code: pss_result, message: impl Into<String>) -> Failure {
        Failure { code, error: Some(pss_error::new(code, message.into())) }
    }

    /// A required pointer parameter was NULL.
    pub(crate) fn null(parameter: &str) -> Failure {
        Failure::new(pss_result::NullParameter, format!("parameter {parameter} is NULL"))
    }

    /// A failure carrying only a code (for functions without an error out-parameter).
    pub(crate) fn code(code: pss_result) -> Failure {
        Failure { code, error: None }
    }

    /// Field errors as one failure of `code`: pss-core's aggregate message (one error as it prints,
    /// several as upstream's `[a, b]`), with the field's path when they are one error.
    pub(crate) fn aggregate(
        code: pss_result,
        errors: &[pss_core::FieldError],
        path: impl Fn(&pss_core::FieldError) -> &str,
    ) -> Failure {
        Failure { code, error: Some(pss_error::aggregate(code, errors, path)) }
    }
}

impl From<pss_core::Error> for Failure {
    fn from(e: pss_core::Error) -> Failure {
        let error = pss_error::from_core(&e);
        Failure { code: error.code(), error: Some(error) }
    }
}

/// Text for a panic payload (`panic!` gives a `&str` or a `String`).
fn panic_message(payload: &(dyn Any + Send)) -> String {
    let what = payload
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| payload.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("a panic with a non-string payload");
    format!("internal error (panic): {what}")
}

/// Runs `body` inside the panic boundary and turns its outcome into a code. Nothing unwinds into
/// the caller: a panic becomes `PSS_RESULT_PANIC`.
pub(crate) fn guard(body: impl FnOnce() -> Result<(), Failure>) -> pss_result {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => pss_result::Ok,
        Ok(Err(failure)) => failure.code,
        Err(payload) => {
            drop_payload(payload);
            pss_result::Panic
        }
    }
}

/// [`guard`] for functions with a `pss_error **err_out` parameter: on failure, a new `pss_error`
/// describing it is written to `*err_out` when `err_out` is not NULL. On success `*err_out` is not
/// written.
///
/// # Safety
/// `err_out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn guard_err(err_out: *mut *mut pss_error, body: impl FnOnce() -> Result<(), Failure>) -> pss_result {
    let failure = match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => return pss_result::Ok,
        Ok(Err(failure)) => failure,
        Err(payload) => {
            let failure = Failure::new(pss_result::Panic, panic_message(&*payload));
            drop_payload(payload);
            failure
        }
    };
    let code = failure.code;
    if !err_out.is_null() {
        // Building the error object allocates; keep even that inside a boundary.
        let error = failure.error.unwrap_or_else(|| pss_error::new(code, code.text().to_owned()));
        let written = catch_unwind(AssertUnwindSafe(|| Box::into_raw(Box::new(error))));
        if let Ok(ptr) = written {
            // SAFETY: the caller guarantees that a non-NULL `err_out` is valid for writing one pointer.
            unsafe { err_out.write(ptr) };
        }
    }
    code
}

/// Drops a panic payload without letting a panicking destructor unwind further.
fn drop_payload(payload: Box<dyn Any + Send>) {
    let _ = catch_unwind(AssertUnwindSafe(move || drop(payload)));
}

/// Checks that a required pointer is not NULL.
pub(crate) fn non_null<T>(ptr: *const T, parameter: &str) -> Result<*const T, Failure> {
    if ptr.is_null() {
        Err(Failure::null(parameter))
    } else {
        Ok(ptr)
    }
}

/// Checks that a required out-pointer is not NULL.
pub(crate) fn non_null_mut<T>(ptr: *mut T, parameter: &'static str) -> Result<*mut T, Failure> {
    if ptr.is_null() {
        Err(Failure::null(parameter))
    } else {
        Ok(ptr)
    }
}

/// Borrows a caller's `(ptr, len)` input for the duration of the call.
///
/// A NULL `ptr` is reported (whatever `len` is); a `len` larger than `isize::MAX` cannot describe
/// memory and is reported as too large.
///
/// # Safety
/// A non-NULL `ptr` points to `len` readable bytes that stay unchanged until the call returns.
pub(crate) unsafe fn input<'a>(ptr: *const u8, len: usize, parameter: &str) -> Result<&'a [u8], Failure> {
    if ptr.is_null() {
        return Err(Failure::null(parameter));
    }
    if len > isize::MAX as usize {
        return Err(Failure::new(
            pss_result::InputTooLarge,
            format!("parameter {parameter}: length {len} is larger than any buffer can be"),
        ));
    }
    // SAFETY: `ptr` is not NULL, `len` fits an `isize`, and the caller guarantees `len` readable bytes
    // that do not change during the call; the slice does not outlive the call.
    Ok(unsafe { core::slice::from_raw_parts(ptr, len) })
}

/// Borrows a caller's `(ptr, len)` input that must be UTF-8 text (a level, a version, a label).
///
/// # Safety
/// As [`input`].
pub(crate) unsafe fn input_str<'a>(ptr: *const u8, len: usize, parameter: &str) -> Result<&'a str, Failure> {
    // SAFETY: forwarded from the caller.
    let bytes = unsafe { input(ptr, len, parameter) }?;
    utf8(bytes, parameter)
}

/// Reads an input as UTF-8 text, naming it `parameter` in the error.
fn utf8<'a>(bytes: &'a [u8], parameter: &str) -> Result<&'a str, Failure> {
    // A level, a version, a name: short ASCII, checked without `from_utf8`'s set-up.
    if bytes.len() <= 16 && bytes.is_ascii() {
        // SAFETY: ASCII is valid UTF-8.
        return Ok(unsafe { core::str::from_utf8_unchecked(bytes) });
    }
    core::str::from_utf8(bytes).map_err(|e| {
        let mut error = pss_error::new(
            pss_result::InvalidUtf8,
            format!("parameter {parameter} is not valid UTF-8 (at byte {})", e.valid_up_to()),
        );
        error.set_offset(bytes, e.valid_up_to());
        Failure { code: pss_result::InvalidUtf8, error: Some(error) }
    })
}

/// Borrows a caller's list of `count` inputs, given as two parallel arrays: `ptrs[i]` points to
/// `lens[i]` bytes. With `count == 0` neither array is read and both may be NULL. Elements are named
/// `parameter[i]` in errors; the length array is `parameter_lens`.
///
/// # Safety
/// When `count > 0`, non-NULL `ptrs` and `lens` point to `count` readable elements each, and every
/// non-NULL `ptrs[i]` to `lens[i]` readable bytes, none of them modified during the call.
pub(crate) unsafe fn input_list<'a>(
    ptrs: *const *const u8,
    lens: *const usize,
    count: usize,
    parameter: &str,
) -> Result<Vec<(&'a [u8], String)>, Failure> {
    if count == 0 {
        return Ok(Vec::new());
    }
    if ptrs.is_null() {
        return Err(Failure::null(parameter));
    }
    if lens.is_null() {
        return Err(Failure::null(&format!("{parameter}_lens")));
    }
    if count > isize::MAX as usize / core::mem::size_of::<*const u8>() {
        return Err(Failure::new(
            pss_result::InputTooLarge,
            format!("parameter {parameter}: {count} elements are more than any array can hold"),
        ));
    }
    // SAFETY: both arrays are non-NULL with `count` readable elements (caller's guarantee), and
    // `count` elements of either fit an `isize`; the slices do not outlive the call.
    let (ptrs, lens) = unsafe { (core::slice::from_raw_parts(ptrs, count), core::slice::from_raw_parts(lens, count)) };
    let mut out = Vec::with_capacity(count);
    for (i, (&ptr, &len)) in ptrs.iter().zip(lens).enumerate() {
        let name = format!("{parameter}[{i}]");
        // SAFETY: the caller guarantees `lens[i]` readable bytes at a non-NULL `ptrs[i]`.
        out.push((unsafe { input(ptr, len, &name) }?, name));
    }
    Ok(out)
}

/// Borrows a caller's list of `count` UTF-8 strings, as [`input_list`].
///
/// # Safety
/// As [`input_list`].
pub(crate) unsafe fn input_strs<'a>(
    ptrs: *const *const u8,
    lens: *const usize,
    count: usize,
    parameter: &str,
) -> Result<Vec<&'a str>, Failure> {
    // SAFETY: forwarded from the caller.
    let items = unsafe { input_list(ptrs, lens, count, parameter) }?;
    items.into_iter().map(|(bytes, name)| utf8(bytes, &name)).collect()
}

/// Borrows the object behind a handle for the duration of the call.
///
/// # Safety
/// A non-NULL `ptr` came from this library, has not been freed, and is not freed during the call.
pub(crate) unsafe fn handle<'a, T>(ptr: *const T, parameter: &'static str) -> Result<&'a T, Failure> {
    let ptr = non_null(ptr, parameter)?;
    // SAFETY: the caller guarantees `ptr` points to a live `T` this library allocated.
    Ok(unsafe { &*ptr })
}

/// Writes an out-parameter (checked non-NULL beforehand).
///
/// # Safety
/// `out` is valid for writing one `T`.
pub(crate) unsafe fn write<T>(out: *mut T, value: T) {
    // SAFETY: the caller guarantees `out` is valid for writing; `write` does not read or drop the
    // old contents, which may be uninitialised.
    unsafe { out.write(value) }
}

/// The `(ptr, len)` view of a string the library owns. An empty string's view points at a static NUL
/// byte, so a view's pointer is never NULL or dangling.
pub(crate) fn view(s: &str) -> (*const u8, usize) {
    if s.is_empty() {
        (c"".as_ptr().cast::<u8>(), 0)
    } else {
        (s.as_ptr(), s.len())
    }
}

/// Writes the view of an optional string (NULL and 0 when absent) to a `(ptr, len)` out-parameter
/// pair after checking both are non-NULL.
///
/// # Safety
/// `ptr_out` and `len_out` are NULL or valid for writing.
pub(crate) unsafe fn write_opt_view(
    s: Option<&str>,
    ptr_out: *mut *const u8,
    len_out: *mut usize,
) -> Result<(), Failure> {
    let ptr_out = non_null_mut(ptr_out, "out_ptr")?;
    let len_out = non_null_mut(len_out, "out_len")?;
    let (ptr, len) = s.map_or((core::ptr::null(), 0), view);
    // SAFETY: both pointers are non-NULL and the caller guarantees they are valid for writing.
    unsafe {
        write(ptr_out, ptr);
        write(len_out, len);
    }
    Ok(())
}

/// The body of the functions that read a JSON document into a new handle (`pss_*_parse`): checks
/// `json` and `out`, builds the value with `make`, and writes its handle to `*out`; on failure `*out`
/// is not written and the error goes to `*err_out`.
///
/// # Safety
/// As the exported functions: `json` is NULL or points to `json_len` readable bytes not modified
/// during the call; `out` and `err_out` are NULL or valid for writing one pointer.
pub(crate) unsafe fn parse_into<T>(
    json: *const u8,
    json_len: usize,
    out: *mut *mut T,
    err_out: *mut *mut pss_error,
    make: impl FnOnce(&[u8]) -> Result<T, Failure>,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees `json_len` readable bytes at a non-NULL `json`.
            let json = input(json, json_len, "json")?;
            let out = non_null_mut(out, "out")?;
            let value = make(json)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(value));
            Ok(())
        })
    }
}

/// Moves a value to the heap and hands the caller its handle (freed by the type's `_free`).
pub(crate) fn into_handle<T>(value: T) -> *mut T {
    Box::into_raw(Box::new(value))
}

/// Frees a handle made by [`into_handle`]; NULL is a no-op. Never unwinds.
///
/// # Safety
/// A non-NULL `ptr` came from [`into_handle`] for the same `T` and has not been freed.
pub(crate) unsafe fn free_handle<T>(ptr: *mut T) {
    if ptr.is_null() {
        return;
    }
    let _ = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: the caller guarantees `ptr` came from `Box::into_raw` and is freed only once.
        drop(unsafe { Box::from_raw(ptr) });
    }));
}

/// The body of a getter of text: borrows the handle, writes the view of the text `get` picks (NULL
/// and 0 when it is absent).
///
/// # Safety
/// `handle_ptr` is NULL or a live `T`; `out_ptr` and `out_len` are NULL or valid for writing.
pub(crate) unsafe fn get_text<T>(
    handle_ptr: *const T,
    parameter: &'static str,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
    get: impl FnOnce(&T) -> Option<&str>,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `handle_ptr` is live.
        let h = unsafe { handle(handle_ptr, parameter) }?;
        // SAFETY: the caller guarantees non-NULL out-pointers are valid for writing.
        unsafe { write_opt_view(get(h), out_ptr, out_len) }
    })
}

/// The body of a getter of a plain value (a count, a flag, a code): borrows the handle and writes
/// what `get` returns to `*out`.
///
/// # Safety
/// `handle_ptr` is NULL or a live `T`; `out` is NULL or valid for writing a `V`.
pub(crate) unsafe fn get_value<T, V>(
    handle_ptr: *const T,
    parameter: &'static str,
    out: *mut V,
    out_name: &'static str,
    get: impl FnOnce(&T) -> V,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `handle_ptr` is live.
        let h = unsafe { handle(handle_ptr, parameter) }?;
        let out = non_null_mut(out, out_name)?;
        // SAFETY: non-NULL and writable (caller's guarantee).
        unsafe { write(out, get(h)) };
        Ok(())
    })
}

/// The body of a getter of the item at `index` of a list a handle owns: writes a pointer to it,
/// borrowed from the handle, to `*out`; `PSS_RESULT_INDEX_OUT_OF_RANGE` past the end.
///
/// # Safety
/// `handle_ptr` is NULL or a live `T`; `out` is NULL or valid for writing one pointer.
pub(crate) unsafe fn get_item<T, I, O>(
    handle_ptr: *const T,
    parameter: &'static str,
    index: usize,
    out: *mut *const O,
    items: impl FnOnce(&T) -> &[I],
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `handle_ptr` is live.
        let h = unsafe { handle(handle_ptr, parameter) }?;
        let out = non_null_mut(out, "out")?;
        let item = items(h).get(index).ok_or(Failure::code(pss_result::IndexOutOfRange))?;
        // SAFETY: non-NULL and writable (caller's guarantee). `O` is the opaque name of `I`.
        unsafe { write(out, (item as *const I).cast::<O>()) };
        Ok(())
    })
}
