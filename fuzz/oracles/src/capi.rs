//! The C ABI as C callers see it: an `extern "C"` block written from pss-capi/include/pss.h, each
//! function beside its prototype in the header, and [`check_header`] to prove the two agree (the
//! replay test runs it on the checked-in header). The symbols come from pss-capi's Rust library.
#![allow(unsafe_code, non_camel_case_types)]

use core::ptr;

use pss_core::{evaluate_json, ErrorKind, Evaluation, LevelVersion};

// Linked for its `#[no_mangle]` symbols only.
use pss_capi as _;

/// `pss_result` (a `uint32_t` in C).
pub type pss_result = u32;

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// An opaque handle of the C ABI.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(pss_error, pss_evaluation, pss_field, pss_options, pss_policy, pss_violation);

macro_rules! capi {
    ($($c:literal => fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {
        extern "C" {
            $(
                #[doc = $c]
                pub fn $name($($arg: $ty),*) $(-> $ret)?;
            )*
        }
        /// The C prototypes the extern block was written from, as pss.h declares them.
        pub const PROTOTYPES: &[&str] = &[$($c),*];
    };
}

capi! {
    "uint32_t pss_version(void);" => fn pss_version() -> u32;
    "pss_result pss_error_code(const pss_error *err, pss_result *out_code);"
        => fn pss_error_code(err: *const pss_error, out_code: *mut pss_result) -> pss_result;
    "pss_result pss_error_message(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_message(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_display(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_display(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_path(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_path(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_position(const pss_error *err, size_t *out_line, size_t *out_column, size_t *out_offset);"
        => fn pss_error_position(err: *const pss_error, out_line: *mut usize, out_column: *mut usize, out_offset: *mut usize) -> pss_result;
    "void pss_error_free(pss_error *err);" => fn pss_error_free(err: *mut pss_error);
    "pss_result pss_policy_evaluate(const pss_policy *policy, const pss_options *options, const uint8_t *pod, size_t pod_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_policy_evaluate(policy: *const pss_policy, options: *const pss_options, pod: *const u8, pod_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluate(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, const pss_options *options, const uint8_t *pod, size_t pod_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_evaluate(level: *const u8, level_len: usize, version: *const u8, version_len: usize, options: *const pss_options, pod: *const u8, pod_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluation_allowed(const pss_evaluation *evaluation, bool *out_allowed);"
        => fn pss_evaluation_allowed(evaluation: *const pss_evaluation, out_allowed: *mut bool) -> pss_result;
    "pss_result pss_evaluation_reason(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_reason(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_detail(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_detail(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_admission_message(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_admission_message(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_pod_name(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_pod_name(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_violation_count(const pss_evaluation *evaluation, size_t *out_count);"
        => fn pss_evaluation_violation_count(evaluation: *const pss_evaluation, out_count: *mut usize) -> pss_result;
    "pss_result pss_evaluation_violation(const pss_evaluation *evaluation, size_t index, const pss_violation **out);"
        => fn pss_evaluation_violation(evaluation: *const pss_evaluation, index: usize, out: *mut *const pss_violation) -> pss_result;
    "void pss_evaluation_free(pss_evaluation *evaluation);" => fn pss_evaluation_free(evaluation: *mut pss_evaluation);
    "pss_result pss_violation_check_id(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_check_id(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_reason(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_reason(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_detail(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_detail(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_field_count(const pss_violation *violation, size_t *out_count);"
        => fn pss_violation_field_count(violation: *const pss_violation, out_count: *mut usize) -> pss_result;
    "pss_result pss_violation_field(const pss_violation *violation, size_t index, const pss_field **out);"
        => fn pss_violation_field(violation: *const pss_violation, index: usize, out: *mut *const pss_field) -> pss_result;
    "pss_result pss_field_path(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_path(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_field_value_json(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_value_json(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_field_container(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_container(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_policy_new(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, pss_policy **out, pss_error **err_out);"
        => fn pss_policy_new(level: *const u8, level_len: usize, version: *const u8, version_len: usize, out: *mut *mut pss_policy, err_out: *mut *mut pss_error) -> pss_result;
    "void pss_policy_free(pss_policy *policy);" => fn pss_policy_free(policy: *mut pss_policy);
    "pss_result pss_options_new(pss_options **out);" => fn pss_options_new(out: *mut *mut pss_options) -> pss_result;
    "pss_result pss_options_set_max_input_len(pss_options *options, size_t max_len);"
        => fn pss_options_set_max_input_len(options: *mut pss_options, max_len: usize) -> pss_result;
    "void pss_options_free(pss_options *options);" => fn pss_options_free(options: *mut pss_options);
    "pss_result pss_result_text(uint32_t code, uint8_t *buf, size_t len, size_t *out_n);"
        => fn pss_result_text(code: u32, buf: *mut u8, len: usize, out_n: *mut usize) -> pss_result;
}

const OK: pss_result = 0;
const NULL_PARAMETER: pss_result = 1;
const INDEX_OUT_OF_RANGE: pss_result = 10;
const INPUT_TOO_LARGE: pss_result = 15;

/// Checks that every prototype of [`PROTOTYPES`] is declared in `header` (the text of pss.h), spelled
/// the same up to whitespace.
///
/// # Errors
/// The prototypes the header does not declare.
pub fn check_header(header: &str) -> Result<(), Vec<&'static str>> {
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" )", ")");
    // Declarations end at `;`; drop comments and preprocessor lines first.
    let mut code = String::new();
    let mut in_comment = false;
    for line in header.lines() {
        let trimmed = line.trim_start();
        if in_comment {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push(' ');
    }
    // A declaration runs from the previous `;`, `{` or `}` (`extern "C" {` opens the block).
    let declared: Vec<String> =
        code.split(';').map(|d| normalise(&format!("{};", d.rsplit(['{', '}']).next().unwrap_or(d)))).collect();
    let missing: Vec<_> = PROTOTYPES.iter().copied().filter(|p| !declared.iter().any(|d| *d == normalise(p))).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// The text of a view written by the library.
///
/// # Safety
/// `ptr` and `len` were written by a successful call and their owner is alive.
unsafe fn text<'a>(ptr: *const u8, len: usize) -> Option<&'a str> {
    if ptr.is_null() {
        assert_eq!(len, 0, "a NULL view with a length");
        return None;
    }
    // SAFETY: the library wrote a view of `len` bytes that lives as long as its owner (caller's guarantee).
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    Some(core::str::from_utf8(bytes).expect("the library's text is UTF-8"))
}

/// Calls a `(handle, out_ptr, out_len)` accessor and returns its text.
///
/// # Safety
/// `handle` is live.
unsafe fn view<'a, T>(
    handle: *const T,
    f: unsafe extern "C" fn(*const T, *mut *const u8, *mut usize) -> pss_result,
) -> Option<&'a str> {
    let (mut p, mut n) = (ptr::null(), 0usize);
    // SAFETY: `handle` is live and both out-pointers are valid.
    assert_eq!(unsafe { f(handle, &mut p, &mut n) }, OK);
    // SAFETY: the call succeeded.
    unsafe { text(p, n) }
}

fn code_of(kind: ErrorKind) -> pss_result {
    match kind {
        ErrorKind::InvalidUtf8 => 2,
        ErrorKind::Syntax => 3,
        ErrorKind::NotAnObject => 4,
        ErrorKind::InvalidType => 5,
        ErrorKind::NumberOutOfRange => 6,
        ErrorKind::TooDeep => 7,
        ErrorKind::InvalidLevel => 8,
        ErrorKind::InvalidVersion => 9,
        ErrorKind::UnknownCheck => 13,
        other => panic!("pss-core gave a pod error of kind {other:?}"),
    }
}

/// Compares a `pss_evaluation` with pss-core's evaluation of the same pod.
///
/// # Safety
/// `evaluation` is live.
unsafe fn compare_evaluation(evaluation: *const pss_evaluation, expected: &Evaluation, name: Option<&str>) {
    let mut allowed = false;
    // SAFETY: `evaluation` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        assert_eq!(pss_evaluation_allowed(evaluation, &mut allowed), OK);
        assert_eq!(allowed, expected.allowed());
        assert_eq!(view(evaluation, pss_evaluation_reason), Some(expected.forbidden_reason().as_str()));
        assert_eq!(view(evaluation, pss_evaluation_detail), Some(expected.forbidden_detail().as_str()));
        let message = expected.admission_message(name.unwrap_or_default()).unwrap_or_default();
        assert_eq!(view(evaluation, pss_evaluation_admission_message), Some(message.as_str()));
        assert_eq!(view(evaluation, pss_evaluation_pod_name), name);
        let mut count = 0usize;
        assert_eq!(pss_evaluation_violation_count(evaluation, &mut count), OK);
        assert_eq!(count, expected.violations().len());
        let mut v: *const pss_violation = ptr::null();
        assert_eq!(pss_evaluation_violation(evaluation, count, &mut v), INDEX_OUT_OF_RANGE);
        assert!(v.is_null(), "out-parameter written on failure");
        for (i, want) in expected.violations().iter().enumerate() {
            assert_eq!(pss_evaluation_violation(evaluation, i, &mut v), OK);
            assert_eq!(view(v, pss_violation_check_id), Some(want.check().as_str()));
            assert_eq!(view(v, pss_violation_reason), Some(want.reason()));
            assert_eq!(view(v, pss_violation_detail), Some(want.detail()));
            let mut fields = 0usize;
            assert_eq!(pss_violation_field_count(v, &mut fields), OK);
            assert_eq!(fields, want.fields().len());
            for (j, want) in want.fields().iter().enumerate() {
                let mut f: *const pss_field = ptr::null();
                assert_eq!(pss_violation_field(v, j, &mut f), OK);
                assert_eq!(view(f, pss_field_path), Some(want.path()));
                assert_eq!(view(f, pss_field_value_json), Some(want.value().to_string().as_str()));
                assert_eq!(view(f, pss_field_container), want.container());
            }
        }
    }
}

/// Compares a `pss_error` with pss-core's error for the same input.
///
/// # Safety
/// `err` is live.
unsafe fn compare_error(code: pss_result, err: *const pss_error, expected: &pss_core::Error) {
    assert_eq!(code, code_of(expected.kind()), "{expected}");
    // SAFETY: `err` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        let mut stored = 0;
        assert_eq!(pss_error_code(err, &mut stored), OK);
        assert_eq!(stored, code);
        assert_eq!(view(err, pss_error_message), Some(expected.message()));
        assert_eq!(view(err, pss_error_display), Some(expected.to_string().as_str()));
        assert_eq!(view(err, pss_error_path), expected.path());
        let (mut line, mut column, mut offset) = (0, 0, 0);
        assert_eq!(pss_error_position(err, &mut line, &mut column, &mut offset), OK);
        let want = expected.position().map_or((0, 0, 0), |p| (p.line, p.column, p.offset));
        assert_eq!((line, column, offset), want);
    }
}

/// The level and version texts the first input byte picks from (valid and invalid ones).
const POLICIES: [(&str, &str); 8] = [
    ("baseline", "latest"),
    ("restricted", "latest"),
    ("restricted", "v1.0"),
    ("baseline", "v1.22"),
    ("privileged", "v1.37"),
    ("restricted", "v1.99"),
    ("Baseline", "latest"),
    ("restricted", "1.25"),
];

/// Target `capi`: the first byte picks a level and version (some invalid) and a size limit; the rest
/// is the pod, evaluated through the C ABI's functions as C calls them.
///
/// - `pss_evaluate` and `pss_policy_new` + `pss_policy_evaluate` agree with pss-core's
///   `evaluate_json` on everything a C caller can read: verdict, strings, violations, fields, the
///   error's code, message, path and position.
/// - Out-parameters are written only on success; a size limit below the pod's length is
///   `PSS_RESULT_INPUT_TOO_LARGE`; NULL pointers are `PSS_RESULT_NULL_PARAMETER`.
pub fn capi(data: &[u8]) {
    let Some((&selector, pod)) = data.split_first() else { return };
    let (level, version) = POLICIES[usize::from(selector) % POLICIES.len()];
    let limit = (selector >= 0x80).then(|| usize::from(selector & 0x3f) * 16);
    let lv: Result<LevelVersion, _> = format!("{level}:{version}").parse();
    let expected = lv.as_ref().map_err(Clone::clone).and_then(|lv| evaluate_json(*lv, pod).map(|e| (*lv, e)));
    let name = pss_core::PodDocument::from_slice(pod).ok().and_then(|d| d.name().map(str::to_owned));

    // SAFETY: every pointer passed is NULL, a live handle, or valid for its length; handles are freed once.
    unsafe {
        let mut options: *mut pss_options = ptr::null_mut();
        if let Some(limit) = limit {
            assert_eq!(pss_options_new(&mut options), OK);
            assert_eq!(pss_options_set_max_input_len(options, limit), OK);
        }
        let too_large = limit.is_some_and(|l| pod.len() > l);

        let mut out: *mut pss_evaluation = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_evaluate(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            options,
            pod.as_ptr(),
            pod.len(),
            &mut out,
            &mut err,
        );
        match (&lv, &expected) {
            (Err(e), _) => {
                assert!(out.is_null());
                compare_error(code, err, e);
            }
            (Ok(_), _) if too_large => {
                assert_eq!(code, INPUT_TOO_LARGE);
                assert!(out.is_null() && !err.is_null());
            }
            (Ok(_), Ok((_, e))) => {
                assert_eq!(code, OK, "pss_evaluate failed where pss-core succeeds");
                assert!(err.is_null(), "error written on success");
                compare_evaluation(out, e, name.as_deref());
            }
            (Ok(_), Err(e)) => {
                assert!(out.is_null(), "evaluation written on failure");
                compare_error(code, err, e);
            }
        }
        pss_evaluation_free(out);
        pss_error_free(err);

        // The same through a policy handle.
        let mut policy: *mut pss_policy = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_policy_new(level.as_ptr(), level.len(), version.as_ptr(), version.len(), &mut policy, &mut err);
        if let Err(e) = &lv {
            assert!(policy.is_null());
            compare_error(code, err, e);
            pss_error_free(err);
        } else {
            assert_eq!(code, OK);
            let mut out: *mut pss_evaluation = ptr::null_mut();
            let code = pss_policy_evaluate(policy, options, pod.as_ptr(), pod.len(), &mut out, &mut err);
            match &expected {
                _ if too_large => assert_eq!(code, INPUT_TOO_LARGE),
                Ok((_, e)) => {
                    assert_eq!(code, OK);
                    compare_evaluation(out, e, name.as_deref());
                }
                Err(e) => compare_error(code, err, e),
            }
            pss_evaluation_free(out);
            pss_error_free(err);
            // A NULL pod is reported even with length 0; NULL error out-pointers are allowed.
            let mut out: *mut pss_evaluation = ptr::null_mut();
            let code = pss_policy_evaluate(policy, options, ptr::null(), 0, &mut out, ptr::null_mut());
            assert_eq!(code, NULL_PARAMETER);
            assert!(out.is_null());
        }
        pss_policy_free(policy);
        pss_options_free(options);

        // Every code has a text that fits the documented maximum.
        let mut buf = [0u8; 64];
        let mut n = 0usize;
        assert_eq!(pss_result_text(u32::from(selector), buf.as_mut_ptr(), buf.len(), &mut n), OK);
        assert!(n > 0 && n <= buf.len());
        assert!(core::str::from_utf8(&buf[..n]).is_ok());
        assert_eq!(pss_version(), 100);
    }
}
