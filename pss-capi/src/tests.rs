//! Unit tests of the C ABI from Rust: NULL handling, error mapping, the panic boundary, views.

use std::ptr;

use super::*;
use crate::ffi::{guard, guard_err, Failure};

const PRIVILEGED: &[u8] = br#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
"spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

/// Reads a `(ptr, len)` view as text.
///
/// # Safety
/// The view is live.
unsafe fn text<'a>(ptr: *const u8, len: usize) -> &'a str {
    assert!(!ptr.is_null());
    // SAFETY: the caller guarantees the view is live; the library only hands out UTF-8.
    unsafe { std::str::from_utf8(std::slice::from_raw_parts(ptr, len)).unwrap() }
}

fn view_of(f: impl FnOnce(*mut *const u8, *mut usize) -> pss_result) -> String {
    let (mut p, mut n) = (ptr::null(), 0usize);
    assert_eq!(f(&mut p, &mut n), pss_result::Ok);
    // SAFETY: the view was just written and its owner is live in every caller.
    unsafe { text(p, n) }.to_owned()
}

fn evaluate(level: &[u8], version: &[u8], pod: &[u8]) -> Result<*mut pss_evaluation, *mut pss_error> {
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: all pointers are valid for the call.
    let code = unsafe {
        pss_evaluate(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            ptr::null(),
            pod.as_ptr(),
            pod.len(),
            &mut out,
            &mut err,
        )
    };
    if code == pss_result::Ok {
        assert!(err.is_null(), "err_out written on success");
        Ok(out)
    } else {
        assert!(out.is_null(), "out written on failure");
        assert!(!err.is_null());
        let mut err_code = pss_result::Ok;
        // SAFETY: `err` is live.
        assert_eq!(unsafe { pss_error_code(err, &mut err_code) }, pss_result::Ok);
        assert_eq!(err_code, code);
        Err(err)
    }
}

#[test]
fn privileged_pod_at_baseline() {
    let ev = evaluate(b"baseline", b"latest", PRIVILEGED).unwrap();
    // SAFETY: `ev` is live until freed at the end; views are read before that.
    unsafe {
        let mut allowed = true;
        assert_eq!(pss_evaluation_allowed(ev, &mut allowed), pss_result::Ok);
        assert!(!allowed);
        assert_eq!(view_of(|p, n| pss_evaluation_reason(ev, p, n)), "privileged");
        assert_eq!(
            view_of(|p, n| pss_evaluation_detail(ev, p, n)),
            r#"privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        );
        assert_eq!(
            view_of(|p, n| pss_evaluation_denial_message(ev, p, n)),
            r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        );
        assert_eq!(view_of(|p, n| pss_evaluation_pod_name(ev, p, n)), "privileged-pod");
        let mut count = 0;
        assert_eq!(pss_evaluation_violation_count(ev, &mut count), pss_result::Ok);
        assert_eq!(count, 1);
        let mut v = ptr::null();
        assert_eq!(pss_evaluation_violation(ev, 0, &mut v), pss_result::Ok);
        assert_eq!(view_of(|p, n| pss_violation_check_id(v, p, n)), "privileged");
        assert_eq!(view_of(|p, n| pss_violation_reason(v, p, n)), "privileged");
        assert_eq!(
            view_of(|p, n| pss_violation_detail(v, p, n)),
            r#"container "privileged-pod" must not set securityContext.privileged=true"#
        );
        let mut fields = 0;
        assert_eq!(pss_violation_field_count(v, &mut fields), pss_result::Ok);
        assert_eq!(fields, 1);
        let mut f = ptr::null();
        assert_eq!(pss_violation_field(v, 0, &mut f), pss_result::Ok);
        assert_eq!(view_of(|p, n| pss_field_path(f, p, n)), "spec.containers[0].securityContext.privileged");
        assert_eq!(view_of(|p, n| pss_field_value_json(f, p, n)), "true");
        assert_eq!(view_of(|p, n| pss_field_container(f, p, n)), "privileged-pod");
        let mut untouched = ptr::dangling::<pss_violation>();
        assert_eq!(pss_evaluation_violation(ev, 1, &mut untouched), pss_result::IndexOutOfRange);
        assert_eq!(untouched, ptr::dangling());
        let mut untouched_field = ptr::dangling::<pss_field>();
        assert_eq!(pss_violation_field(v, 1, &mut untouched_field), pss_result::IndexOutOfRange);
        assert_eq!(untouched_field, ptr::dangling());
        pss_evaluation_free(ev);
    }
}

#[test]
fn allowed_pod_has_empty_non_null_views() {
    let ev = evaluate(b"privileged", b"v1.0", br#"{"spec":{"hostNetwork":true}}"#).unwrap();
    // SAFETY: `ev` is live until freed.
    unsafe {
        let mut allowed = false;
        assert_eq!(pss_evaluation_allowed(ev, &mut allowed), pss_result::Ok);
        assert!(allowed);
        assert_eq!(view_of(|p, n| pss_evaluation_reason(ev, p, n)), "");
        assert_eq!(view_of(|p, n| pss_evaluation_denial_message(ev, p, n)), "");
        let (mut p, mut n) = (ptr::dangling::<u8>(), 7usize);
        assert_eq!(pss_evaluation_pod_name(ev, &mut p, &mut n), pss_result::Ok);
        assert!(p.is_null());
        assert_eq!(n, 0);
        pss_evaluation_free(ev);
    }
}

#[test]
fn errors_map_from_core_kinds_with_detail() {
    type Case = (&'static [u8], &'static [u8], &'static [u8], pss_result);
    let cases: &[Case] = &[
        (b"baseline", b"latest", b"{\"spec\": {\"hostPID\": \"yes\"}}", pss_result::InvalidType),
        (b"baseline", b"latest", b"{\"spec\": ", pss_result::InvalidJson),
        (b"baseline", b"latest", b"", pss_result::InvalidJson),
        (b"baseline", b"latest", b"[]", pss_result::NotAnObject),
        (b"baseline", b"latest", b"{\"a\": \"\xff\"}", pss_result::InvalidUtf8),
        (
            b"baseline",
            b"latest",
            b"{\"spec\":{\"securityContext\":{\"runAsUser\":99999999999999999999999}}}",
            pss_result::NumberOutOfRange,
        ),
        (b"Baseline", b"latest", b"{}", pss_result::InvalidLevel),
        (b"baseline", b"v1.05", b"{}", pss_result::InvalidVersion),
        (b"baseline", b"\xff", b"{}", pss_result::InvalidUtf8),
    ];
    for (level, version, pod, code) in cases {
        let mut out = ptr::null_mut();
        let mut err = ptr::null_mut();
        // SAFETY: all pointers are valid for the call.
        let got = unsafe {
            pss_evaluate(
                level.as_ptr(),
                level.len(),
                version.as_ptr(),
                version.len(),
                ptr::null(),
                pod.as_ptr(),
                pod.len(),
                &mut out,
                &mut err,
            )
        };
        assert_eq!(got, *code, "{level:?} {version:?} {pod:?}");
        assert!(out.is_null());
        // SAFETY: `err` is live until freed.
        unsafe {
            let message = view_of(|p, n| pss_error_message(err, p, n));
            assert!(!message.is_empty());
            pss_error_free(err);
        }
    }
    let deep = "[".repeat(100_000);
    let err = evaluate(b"baseline", b"latest", format!("{{\"a\":{deep}").as_bytes()).unwrap_err();
    let mut code = pss_result::Ok;
    // SAFETY: `err` is live until freed.
    unsafe {
        assert_eq!(pss_error_code(err, &mut code), pss_result::Ok);
        assert_eq!(code, pss_result::TooDeep);
        pss_error_free(err);
    }
}

#[test]
fn error_detail_has_path_and_position() {
    let err = evaluate(b"baseline", b"latest", b"{\"spec\": {\"hostPID\": \"yes\"}}").unwrap_err();
    // SAFETY: `err` is live until freed.
    unsafe {
        assert_eq!(view_of(|p, n| pss_error_path(err, p, n)), "spec.hostPID");
        assert_eq!(view_of(|p, n| pss_error_message(err, p, n)), "expected a boolean, found a string");
        assert_eq!(
            view_of(|p, n| pss_error_display(err, p, n)),
            "spec.hostPID: expected a boolean, found a string at line 1 column 22"
        );
        let (mut line, mut column, mut offset) = (0, 0, 0);
        assert_eq!(pss_error_position(err, &mut line, &mut column, &mut offset), pss_result::Ok);
        assert_eq!((line, column, offset), (1, 22, 21));
        pss_error_free(err);
    }
    let err = evaluate(b"baseline", b"v1.\xff", b"{}").unwrap_err();
    // SAFETY: `err` is live until freed.
    unsafe {
        let (mut p, mut n) = (ptr::dangling::<u8>(), 1usize);
        assert_eq!(pss_error_path(err, &mut p, &mut n), pss_result::Ok);
        assert!(p.is_null());
        let (mut line, mut column, mut offset) = (0, 0, 0);
        assert_eq!(pss_error_position(err, &mut line, &mut column, &mut offset), pss_result::Ok);
        assert_eq!((line, column, offset), (1, 4, 3));
        pss_error_free(err);
    }
}

#[test]
fn null_parameters_are_reported_not_read() {
    let mut ev = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: every non-NULL pointer is valid.
    unsafe {
        let pod = b"{}";
        assert_eq!(
            pss_evaluate(ptr::null(), 0, b"latest".as_ptr(), 6, ptr::null(), pod.as_ptr(), 2, &mut ev, &mut err),
            pss_result::NullParameter
        );
        assert!(ev.is_null());
        assert_eq!(view_of(|p, n| pss_error_message(err, p, n)), "parameter level is NULL");
        pss_error_free(err);
        // No error object wanted: err_out NULL is fine.
        assert_eq!(
            pss_evaluate(
                b"baseline".as_ptr(),
                8,
                b"latest".as_ptr(),
                6,
                ptr::null(),
                ptr::null(),
                0,
                &mut ev,
                ptr::null_mut()
            ),
            pss_result::NullParameter
        );
        assert_eq!(
            pss_evaluate(
                b"baseline".as_ptr(),
                8,
                b"latest".as_ptr(),
                6,
                ptr::null(),
                pod.as_ptr(),
                2,
                ptr::null_mut(),
                ptr::null_mut()
            ),
            pss_result::NullParameter
        );
        assert_eq!(
            pss_level_version_new(ptr::null(), 0, ptr::null(), 0, ptr::null_mut(), ptr::null_mut()),
            pss_result::NullParameter
        );
        let mut policy = ptr::null_mut();
        assert_eq!(
            pss_level_version_evaluate(ptr::null(), ptr::null(), pod.as_ptr(), 2, &mut ev, ptr::null_mut()),
            pss_result::NullParameter
        );
        assert_eq!(
            pss_level_version_new(b"baseline".as_ptr(), 8, b"latest".as_ptr(), 6, &mut policy, ptr::null_mut()),
            pss_result::Ok
        );
        assert_eq!(pss_level_version_level(policy, ptr::null_mut(), ptr::null_mut()), pss_result::NullParameter);
        assert_eq!(pss_level_version_version(ptr::null(), ptr::null_mut(), ptr::null_mut()), pss_result::NullParameter);
        pss_level_version_free(policy);
        assert_eq!(pss_options_new(ptr::null_mut()), pss_result::NullParameter);
        assert_eq!(pss_options_set_max_input_len(ptr::null_mut(), 1), pss_result::NullParameter);
        let mut b = false;
        let mut n = 0usize;
        let mut p = ptr::null();
        assert_eq!(pss_evaluation_allowed(ptr::null(), &mut b), pss_result::NullParameter);
        assert_eq!(pss_evaluation_reason(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_evaluation_detail(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_evaluation_denial_message(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_evaluation_pod_name(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_evaluation_violation_count(ptr::null(), &mut n), pss_result::NullParameter);
        assert_eq!(pss_evaluation_violation(ptr::null(), 0, &mut ptr::null()), pss_result::NullParameter);
        assert_eq!(pss_violation_check_id(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_violation_reason(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_violation_detail(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_violation_field_count(ptr::null(), &mut n), pss_result::NullParameter);
        assert_eq!(pss_violation_field(ptr::null(), 0, &mut ptr::null()), pss_result::NullParameter);
        assert_eq!(pss_field_path(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_field_value_json(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_field_container(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_error_code(ptr::null(), &mut pss_result::Ok), pss_result::NullParameter);
        assert_eq!(pss_error_message(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_error_display(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_error_path(ptr::null(), &mut p, &mut n), pss_result::NullParameter);
        assert_eq!(pss_error_position(ptr::null(), &mut n, &mut n, &mut n), pss_result::NullParameter);
        assert_eq!(pss_result_text(0, ptr::null_mut(), 10, &mut n), pss_result::NullParameter);
        pss_level_version_free(ptr::null_mut());
        pss_options_free(ptr::null_mut());
        pss_evaluation_free(ptr::null_mut());
        pss_error_free(ptr::null_mut());
    }
}

#[test]
fn options_limit_input_size() {
    let mut options = ptr::null_mut();
    let mut policy = ptr::null_mut();
    // SAFETY: every pointer is valid.
    unsafe {
        assert_eq!(pss_options_new(&mut options), pss_result::Ok);
        assert_eq!(pss_options_set_max_input_len(options, 4), pss_result::Ok);
        assert_eq!(
            pss_level_version_new(b"restricted".as_ptr(), 10, b"v1.40".as_ptr(), 5, &mut policy, ptr::null_mut()),
            pss_result::Ok
        );
        assert_eq!(view_of(|p, n| pss_level_version_level(policy, p, n)), "restricted");
        assert_eq!(view_of(|p, n| pss_level_version_version(policy, p, n)), "v1.40");
        let mut ev = ptr::null_mut();
        let mut err = ptr::null_mut();
        assert_eq!(pss_level_version_evaluate(policy, options, b"{ }".as_ptr(), 3, &mut ev, &mut err), pss_result::Ok);
        pss_evaluation_free(ev);
        ev = ptr::null_mut();
        assert_eq!(
            pss_level_version_evaluate(policy, options, b"{   }".as_ptr(), 5, &mut ev, &mut err),
            pss_result::InputTooLarge
        );
        assert!(ev.is_null());
        pss_error_free(err);
        // A length no buffer can have is refused before anything is read.
        assert_eq!(
            pss_level_version_evaluate(policy, ptr::null(), b"{}".as_ptr(), usize::MAX, &mut ev, ptr::null_mut()),
            pss_result::InputTooLarge
        );
        pss_options_free(options);
        pss_level_version_free(policy);
    }
}

#[test]
fn result_text_into_caller_buffer() {
    let mut buf = [0u8; PSS_RESULT_TEXT_MAX_LEN];
    let mut n = 0;
    for code in 0..=32u32 {
        // SAFETY: the buffer and `n` are valid.
        assert_eq!(unsafe { pss_result_text(code, buf.as_mut_ptr(), buf.len(), &mut n) }, pss_result::Ok);
        let text = std::str::from_utf8(&buf[..n]).unwrap();
        match pss_result::from_u32(code) {
            Some(c) => assert_eq!(text, c.text()),
            None => assert_eq!(text, "unknown result code"),
        }
        assert!(!text.ends_with('.') && text.chars().next().unwrap().is_lowercase());
    }
    let mut small = [0xAAu8; 4];
    n = 99;
    // SAFETY: the buffer and `n` are valid.
    let code = unsafe { pss_result_text(pss_result::InvalidLevel as u32, small.as_mut_ptr(), small.len(), &mut n) };
    assert_eq!(code, pss_result::InsufficientSize);
    assert_eq!((small, n), ([0xAA; 4], 99), "nothing written on failure");
    // SAFETY: zero-length buffer: nothing may be written, and "ok" does not fit.
    assert_eq!(unsafe { pss_result_text(0, small.as_mut_ptr(), 0, &mut n) }, pss_result::InsufficientSize);
}

#[test]
fn code_numbers_are_fixed() {
    let fixed = [
        (pss_result::Ok, 0),
        (pss_result::NullParameter, 1),
        (pss_result::InvalidUtf8, 2),
        (pss_result::InvalidJson, 3),
        (pss_result::NotAnObject, 4),
        (pss_result::InvalidType, 5),
        (pss_result::NumberOutOfRange, 6),
        (pss_result::TooDeep, 7),
        (pss_result::InvalidLevel, 8),
        (pss_result::InvalidVersion, 9),
        (pss_result::IndexOutOfRange, 10),
        (pss_result::InsufficientSize, 11),
        (pss_result::Panic, 12),
        (pss_result::UnknownCheck, 13),
        (pss_result::InvalidInput, 14),
        (pss_result::InputTooLarge, 15),
        (pss_result::NotAWorkload, 16),
        (pss_result::InvalidExclusion, 17),
        (pss_result::UnknownField, 18),
        (pss_result::DuplicateField, 19),
        (pss_result::UnexpectedKind, 20),
        (pss_result::InvalidConfig, 21),
        (pss_result::InvalidPolicy, 22),
        (pss_result::BarePodSpec, 23),
    ];
    for (code, number) in fixed {
        assert_eq!(code as u32, number);
        assert_eq!(pss_result::from_u32(number), Some(code));
        assert!(code.text().len() <= PSS_RESULT_TEXT_MAX_LEN);
    }
    assert_eq!(pss_result::from_u32(24), None);
}

#[test]
fn panic_boundary_turns_panics_into_codes() {
    assert_eq!(guard(|| panic!("boom")), pss_result::Panic);
    assert_eq!(guard(|| Err(Failure::code(pss_result::IndexOutOfRange))), pss_result::IndexOutOfRange);
    let mut err = ptr::null_mut();
    // SAFETY: `err` is writable.
    let code = unsafe { guard_err(&mut err, || panic!("boom {}", 42)) };
    assert_eq!(code, pss_result::Panic);
    assert!(!err.is_null());
    // SAFETY: `err` is live until freed.
    unsafe {
        assert_eq!(view_of(|p, n| pss_error_message(err, p, n)), "internal error (panic): boom 42");
        pss_error_free(err);
    }
    // A panic with a payload that is not text, and a NULL err_out.
    // SAFETY: NULL err_out is allowed.
    let code = unsafe { guard_err(ptr::null_mut(), || std::panic::panic_any(7u8)) };
    assert_eq!(code, pss_result::Panic);
}

#[test]
fn version_constants_match_the_package() {
    let expected = format!("{PSS_VERSION_MAJOR}.{PSS_VERSION_MINOR}.{PSS_VERSION_PATCH}");
    assert_eq!(expected, env!("CARGO_PKG_VERSION"), "update the PSS_VERSION_* constants in lib.rs");
    assert_eq!(pss_version(), PSS_VERSION_NUMBER);
}

#[test]
fn handles_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<pss_level_version>();
    assert_send_sync::<pss_options>();
    assert_send_sync::<pss_evaluation>();
    assert_send_sync::<pss_violation>();
    assert_send_sync::<pss_field>();
    assert_send_sync::<pss_error>();
    assert_send_sync::<pss_policy>();
    assert_send_sync::<pss_label_error>();
    assert_send_sync::<pss_labels>();
    assert_send_sync::<pss_admission_config>();
    assert_send_sync::<pss_admission>();
    assert_send_sync::<pss_decision>();
    assert_send_sync::<pss_namespace_review>();
    assert_send_sync::<pss_kyverno_policy>();
    assert_send_sync::<pss_kyverno_result>();
    assert_send_sync::<pss_kyverno_rule>();
}

#[test]
fn the_header_limit_is_pss_cores() {
    assert_eq!(PSS_MAX_PODS_TO_CHECK, pss_core::admission::MAX_PODS_TO_CHECK);
}

fn evaluate_object(
    policy: &[u8],
    options: *const pss_options,
    object: &[u8],
) -> Result<*mut pss_evaluation, *mut pss_error> {
    let (level, version) = std::str::from_utf8(policy).unwrap().split_once(':').unwrap();
    let mut out = ptr::null_mut();
    let mut err = ptr::null_mut();
    // SAFETY: all pointers are valid for the call.
    let code = unsafe {
        pss_evaluate_object(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            options,
            object.as_ptr(),
            object.len(),
            &mut out,
            &mut err,
        )
    };
    if code == pss_result::Ok {
        assert!(err.is_null());
        Ok(out)
    } else {
        assert!(out.is_null());
        let mut err_code = pss_result::Ok;
        // SAFETY: `err` is live.
        assert_eq!(unsafe { pss_error_code(err, &mut err_code) }, pss_result::Ok);
        assert_eq!(err_code, code);
        Err(err)
    }
}

/// The paths of every offending field.
fn paths(ev: *const pss_evaluation) -> Vec<String> {
    let mut out = Vec::new();
    let mut count = 0;
    // SAFETY: `ev` is live in every caller; borrowed parts are read before it is freed.
    unsafe {
        assert_eq!(pss_evaluation_violation_count(ev, &mut count), pss_result::Ok);
        for i in 0..count {
            let mut v = ptr::null();
            assert_eq!(pss_evaluation_violation(ev, i, &mut v), pss_result::Ok);
            let mut fields = 0;
            assert_eq!(pss_violation_field_count(v, &mut fields), pss_result::Ok);
            for j in 0..fields {
                let mut f = ptr::null();
                assert_eq!(pss_violation_field(v, j, &mut f), pss_result::Ok);
                out.push(view_of(|p, n| pss_field_path(f, p, n)));
            }
        }
    }
    out
}

const DEPLOYMENT: &[u8] = br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
"spec":{"template":{"spec":{"containers":[{"name":"c","image":"nginx","securityContext":{"privileged":true}}]}}}}"#;

#[test]
fn workloads_evaluate_through_their_template() {
    let ev = evaluate_object(b"baseline:latest", ptr::null(), DEPLOYMENT).unwrap();
    assert_eq!(paths(ev), ["spec.template.spec.containers[0].securityContext.privileged"]);
    // SAFETY: `ev` is live until freed.
    unsafe {
        assert_eq!(view_of(|p, n| pss_evaluation_kind(ev, p, n)), "Deployment");
        assert_eq!(view_of(|p, n| pss_evaluation_template_path(ev, p, n)), "spec.template");
        assert_eq!(
            view_of(|p, n| pss_evaluation_denial_message(ev, p, n)),
            r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#
        );
        let mut absent = true;
        assert_eq!(pss_evaluation_template_absent(ev, &mut absent), pss_result::Ok);
        assert!(!absent);
        pss_evaluation_free(ev);
    }
    // A ReplicationController without a template is allowed, with a note.
    let rc =
        evaluate_object(b"restricted:latest", ptr::null(), br#"{"kind":"ReplicationController","spec":{}}"#).unwrap();
    // SAFETY: `rc` is live until freed.
    unsafe {
        let (mut allowed, mut absent) = (false, false);
        assert_eq!(pss_evaluation_allowed(rc, &mut allowed), pss_result::Ok);
        assert_eq!(pss_evaluation_template_absent(rc, &mut absent), pss_result::Ok);
        assert!(allowed && absent);
        assert_eq!(
            view_of(|p, n| pss_evaluation_note(rc, p, n)),
            "no pod template: the ReplicationController has no spec.template"
        );
        pss_evaluation_free(rc);
    }
    let err = evaluate_object(b"baseline:latest", ptr::null(), br#"{"kind":"Service","apiVersion":"v1"}"#).unwrap_err();
    // SAFETY: `err` is live until freed.
    unsafe {
        assert_eq!(
            view_of(|p, n| pss_error_message(err, p, n)),
            "no pod template: Service is not a pod or a pod controller"
        );
        pss_error_free(err);
    }
}

/// Adds an exclusion; the error on failure.
fn add_exclusion(
    options: *mut pss_options,
    control: &str,
    images: &[&str],
    field: &str,
    values: &[&str],
) -> Result<(), String> {
    let (ip, il): (Vec<*const u8>, Vec<usize>) = images.iter().map(|s| (s.as_ptr(), s.len())).unzip();
    let (vp, vl): (Vec<*const u8>, Vec<usize>) = values.iter().map(|s| (s.as_ptr(), s.len())).unzip();
    let mut err = ptr::null_mut();
    // SAFETY: every array holds its count of valid views; `options` is live and not shared.
    let code = unsafe {
        pss_options_add_exclusion(
            options,
            control.as_ptr(),
            control.len(),
            ip.as_ptr(),
            il.as_ptr(),
            ip.len(),
            field.as_ptr(),
            field.len(),
            vp.as_ptr(),
            vl.as_ptr(),
            vp.len(),
            &mut err,
        )
    };
    if code == pss_result::Ok {
        return Ok(());
    }
    assert_eq!(code, pss_result::InvalidExclusion);
    // SAFETY: `err` is live until freed.
    unsafe {
        let message = view_of(|p, n| pss_error_message(err, p, n));
        pss_error_free(err);
        Err(message)
    }
}

#[test]
fn exclusions_are_validated_and_applied_to_pods_and_workloads() {
    let mut options = ptr::null_mut();
    // SAFETY: `options` is writable.
    assert_eq!(unsafe { pss_options_new(&mut options) }, pss_result::Ok);
    assert_eq!(
        add_exclusion(options, "Privileged Containers", &[], "", &[]).unwrap_err(),
        r#"controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control"#
    );
    assert!(add_exclusion(options, "Host Namespaces", &[], "spec.hostNetwork", &[])
        .unwrap_err()
        .starts_with("values: Forbidden"));
    add_exclusion(options, "Privileged Containers", &["nginx*"], "", &[]).unwrap();
    let mut count = 0;
    // SAFETY: `options` is live.
    assert_eq!(unsafe { pss_options_exclusion_count(options, &mut count) }, pss_result::Ok);
    assert_eq!(count, 1, "failed additions leave the options unchanged");
    for (object, is_object) in [(DEPLOYMENT, true), (PRIVILEGED, false)] {
        let ev = if is_object {
            evaluate_object(b"baseline:latest", options, object).unwrap()
        } else {
            let mut ev = ptr::null_mut();
            let policy = pss_level_version::parse("baseline", "latest").unwrap();
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                pss_level_version_evaluate(&policy, options, object.as_ptr(), object.len(), &mut ev, ptr::null_mut())
            };
            assert_eq!(code, pss_result::Ok);
            ev
        };
        let mut allowed = false;
        // SAFETY: `ev` is live until freed.
        unsafe {
            assert_eq!(pss_evaluation_allowed(ev, &mut allowed), pss_result::Ok);
            pss_evaluation_free(ev);
        }
        assert!(allowed, "the nginx container's privileged field is excluded");
    }
    // SAFETY: `options` is live and freed once.
    unsafe { pss_options_free(options) };
}

#[test]
fn namespace_labels_give_three_policies_and_label_errors() {
    let keys = ["pod-security.kubernetes.io/enforce", "pod-security.kubernetes.io/audit", "team"];
    let values = ["baseline", "strict", "a"];
    let (kp, kl): (Vec<*const u8>, Vec<usize>) = keys.iter().map(|s| (s.as_ptr(), s.len())).unzip();
    let (vp, vl): (Vec<*const u8>, Vec<usize>) = values.iter().map(|s| (s.as_ptr(), s.len())).unzip();
    let mut np = ptr::null_mut();
    // SAFETY: the arrays hold three valid views each; `np` is live until freed.
    unsafe {
        let code = pss_policy_from_labels(
            kp.as_ptr(),
            kl.as_ptr(),
            vp.as_ptr(),
            vl.as_ptr(),
            3,
            ptr::null(),
            &mut np,
            ptr::null_mut(),
        );
        assert_eq!(code, pss_result::Ok);
        assert_eq!(
            view_of(|p, n| pss_policy_display(np, p, n)),
            "enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest"
        );
        let mut warn = ptr::null();
        assert_eq!(pss_policy_warn(np, &mut warn), pss_result::Ok);
        assert_eq!(view_of(|p, n| pss_level_version_level(warn, p, n)), "baseline");
        let mut count = 0;
        assert_eq!(pss_policy_error_count(np, &mut count), pss_result::Ok);
        assert_eq!(count, 1);
        let mut e = ptr::null();
        assert_eq!(pss_policy_error(np, 0, &mut e), pss_result::Ok);
        assert_eq!(
            view_of(|p, n| pss_label_error_display(e, p, n)),
            r#"metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted"#
        );
        assert_eq!(view_of(|p, n| pss_label_error_label(e, p, n)), "pod-security.kubernetes.io/audit");
        assert_eq!(view_of(|p, n| pss_label_error_value(e, p, n)), "strict");
        assert_eq!(view_of(|p, n| pss_label_error_detail(e, p, n)), "must be one of privileged, baseline, restricted");
        pss_policy_free(np);
    }
}

#[test]
fn block_views_point_into_the_message_only_when_it_ends_with_the_detail() {
    use crate::view::Block;
    let pod = br#"{"spec": {"hostPID": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#;
    let evaluation = pss_core::evaluate_json(pss_core::LevelVersion::default(), pod).unwrap();
    let detail = evaluation.forbidden_detail();
    let message = evaluation.denial_message("p").unwrap();
    let text = |v: pss_str| v.get().unwrap().to_owned();
    // The message ends with the detail: the violations' texts are inside it, nothing else is copied.
    let block = Block::new(evaluation.violations(), &[Some(&message)], Some(0));
    assert_eq!(text(block.aggregate.unwrap()), detail);
    let start = block.extra[0].ptr as usize;
    for (view, v) in block.violations.iter().zip(evaluation.violations()) {
        assert_eq!((text(view.reason), text(view.detail)), (v.reason().to_owned(), v.detail().to_owned()));
        assert!((start..start + message.len()).contains(&(view.detail.ptr as usize)));
    }
    let own: usize = evaluation
        .violations()
        .iter()
        .map(|v| {
            v.check().as_str().len()
                + v.fields().iter().map(|f| f.path().len() + f.container().map_or(0, str::len)).sum::<usize>()
        })
        .sum();
    assert_eq!(block.texts.len, message.len() + own);
    // A text that does not end with it (or no aggregate asked for): copies of their own.
    for (extra, aggregate) in [(format!("{message}."), Some(0)), (message.clone(), None)] {
        let block = Block::new(evaluation.violations(), &[Some(&extra)], aggregate);
        assert!(block.aggregate.is_none());
        for (view, v) in block.violations.iter().zip(evaluation.violations()) {
            assert_eq!((text(view.reason), text(view.detail)), (v.reason().to_owned(), v.detail().to_owned()));
        }
    }
}
