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
        (pss_result::Unverified, 24),
    ];
    for (code, number) in fixed {
        assert_eq!(code as u32, number);
        assert_eq!(pss_result::from_u32(number), Some(code));
        assert!(code.text().len() <= PSS_RESULT_TEXT_MAX_LEN);
    }
    assert_eq!(pss_result::from_u32(25), None);
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
fn block_views_point_into_the_message_only_where_pss_core_says_the_detail_is() {
    use crate::view::{Aggregate, Block};
    let pod = br#"{"spec": {"hostPID": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#;
    let evaluation = pss_core::evaluate_json(pss_core::LevelVersion::default(), pod).unwrap();
    let detail = evaluation.forbidden_detail();
    let message = evaluation.denial_message("p").unwrap();
    let mut parts = Vec::new();
    evaluation.write_forbidden_detail(&mut String::new(), |_, p| parts.push(p)).unwrap();
    let at = message.len() - detail.len();
    let text = |v: pss_str| v.get().unwrap().to_owned();
    // The message ends with the detail: the violations' texts are inside it, nothing else is copied.
    let block = Block::new(
        evaluation.violations(),
        &[Some(&message)],
        Some(Aggregate { text: 0, at, len: detail.len(), parts: &parts }),
    );
    assert_eq!(text(block.aggregate.unwrap()), detail);
    let start = block.extra[0].ptr as usize;
    for (view, v) in block.violations.iter().zip(evaluation.violations()) {
        assert_eq!((text(view.reason), text(view.detail)), (v.reason().to_owned(), v.detail().to_string()));
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
    // Spans that do not fit the text, spans of fewer violations, or none: copies of their own.
    let short = &message[..message.len() - 1];
    let cases = [
        (short, Some(Aggregate { text: 0, at, len: detail.len(), parts: &parts })),
        (&message[..], Some(Aggregate { text: 0, at: at + 1, len: detail.len() - 1, parts: &parts })),
        (&message[..], Some(Aggregate { text: 0, at, len: detail.len(), parts: &parts[1..] })),
        (&message[..], Some(Aggregate { text: 1, at, len: detail.len(), parts: &parts })),
        (&message[..], None),
    ];
    for (extra, aggregate) in cases {
        let block = Block::new(evaluation.violations(), &[Some(extra)], aggregate);
        assert!(block.aggregate.is_none());
        for (view, v) in block.violations.iter().zip(evaluation.violations()) {
            assert_eq!((text(view.reason), text(view.detail)), (v.reason().to_owned(), v.detail().to_string()));
        }
    }
}

/// Evaluates through the spec entry point, level and version as text.
fn evaluate_spec(
    lv: &str,
    options: *const pss_options,
    spec: &[u8],
) -> Result<*mut pss_evaluation, (pss_result, *mut pss_error)> {
    let (level, version) = lv.split_once(':').unwrap();
    let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: all pointers are valid for the call.
    let code = unsafe {
        pss_evaluate_spec(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            options,
            spec.as_ptr(),
            spec.len(),
            &mut out,
            &mut err,
        )
    };
    if code == pss_result::Ok {
        assert!(err.is_null(), "err_out written on success");
        Ok(out)
    } else {
        assert!(out.is_null(), "out written on failure");
        Err((code, err))
    }
}

/// Checks a failed call's error against pss-core's error for the same input.
///
/// # Safety
/// `err` is live; it is freed here.
unsafe fn check_core_error(code: pss_result, err: *mut pss_error, expected: &pss_core::Error) {
    assert_eq!(code, pss_result::from_kind(expected.kind()), "{expected}");
    // SAFETY: `err` is live (caller's guarantee) until freed at the end.
    unsafe {
        assert_eq!(view_of(|p, n| pss_error_message(err, p, n)), expected.message());
        assert_eq!(view_of(|p, n| pss_error_display(err, p, n)), expected.to_string());
        if let Some(path) = expected.path() {
            assert_eq!(view_of(|p, n| pss_error_path(err, p, n)), path);
        }
        pss_error_free(err);
    }
}

const BARE_SPEC: &[u8] = br#"{"hostNetwork":true,"containers":[{"name":"c","securityContext":{"privileged":true}}]}"#;

#[test]
fn the_spec_entry_point_evaluates_a_bare_pod_spec_as_pss_core_does() {
    let lv = pss_core::LevelVersion::default();
    let expected = pss_core::evaluate_spec_json(lv, BARE_SPEC).unwrap();
    let ev = evaluate_spec("baseline:latest", ptr::null(), BARE_SPEC).unwrap();
    assert_eq!(paths(ev), ["hostNetwork", "containers[0].securityContext.privileged"]);
    // SAFETY: `ev` is live until freed; views are read before that.
    unsafe {
        assert_eq!(
            view_of(|p, n| pss_evaluation_denial_message(ev, p, n)),
            expected.denial_message("").unwrap(),
            "pss-core's words for a spec (no name, no kind)"
        );
        assert_eq!(view_of(|p, n| pss_evaluation_reason(ev, p, n)), expected.forbidden_reason());
        // A spec has no kind, no template path and no name.
        for getter in [pss_evaluation_kind, pss_evaluation_template_path, pss_evaluation_pod_name] {
            let (mut p, mut n) = (ptr::dangling::<u8>(), 9usize);
            assert_eq!(getter(ev, &mut p, &mut n), pss_result::Ok);
            assert!(p.is_null() && n == 0);
        }
        let mut view = ptr::null();
        assert_eq!(pss_evaluation_get_view(ev, &mut view), pss_result::Ok);
        assert!((*view).kind.ptr.is_null() && (*view).template_path.ptr.is_null());
        pss_evaluation_free(ev);
    }

    // The same bytes as a pod: pss-core's BarePodSpec error, never an allowed empty pod.
    let core_error = pss_core::evaluate_json(lv, BARE_SPEC).unwrap_err();
    assert_eq!(core_error.kind(), pss_core::ErrorKind::BarePodSpec);
    let err = evaluate(b"baseline", b"latest", BARE_SPEC).unwrap_err();
    // SAFETY: `err` is live and freed by the check.
    unsafe { check_core_error(pss_result::BarePodSpec, err, &core_error) };

    // A whole pod as a spec: pss-core's UnexpectedKind, never an allowed empty spec.
    let core_error = pss_core::evaluate_spec_json(lv, PRIVILEGED).unwrap_err();
    assert_eq!(core_error.kind(), pss_core::ErrorKind::UnexpectedKind);
    let (code, err) = evaluate_spec("baseline:latest", ptr::null(), PRIVILEGED).unwrap_err();
    // SAFETY: `err` is live and freed by the check.
    unsafe { check_core_error(code, err, &core_error) };

    // Through a handle, with options that only limit the size.
    let (mut handle, mut options) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: every pointer is valid; the handles are live until freed.
    unsafe {
        assert_eq!(
            pss_level_version_new(b"baseline".as_ptr(), 8, b"latest".as_ptr(), 6, &mut handle, ptr::null_mut()),
            pss_result::Ok
        );
        assert_eq!(pss_options_new(&mut options), pss_result::Ok);
        let mut out = ptr::null_mut();
        let code = pss_level_version_evaluate_spec(
            handle,
            options,
            BARE_SPEC.as_ptr(),
            BARE_SPEC.len(),
            &mut out,
            ptr::null_mut(),
        );
        assert_eq!(code, pss_result::Ok);
        assert_eq!(paths(out), ["hostNetwork", "containers[0].securityContext.privileged"]);
        pss_evaluation_free(out);
        assert_eq!(pss_options_set_max_input_len(options, BARE_SPEC.len() - 1), pss_result::Ok);
        let mut untouched = ptr::dangling_mut::<pss_evaluation>();
        let code = pss_level_version_evaluate_spec(
            handle,
            options,
            BARE_SPEC.as_ptr(),
            BARE_SPEC.len(),
            &mut untouched,
            ptr::null_mut(),
        );
        assert_eq!(code, pss_result::InputTooLarge);
        assert_eq!(untouched, ptr::dangling_mut());
        let code =
            pss_level_version_evaluate_spec(ptr::null(), ptr::null(), BARE_SPEC.as_ptr(), 1, &mut out, ptr::null_mut());
        assert_eq!(code, pss_result::NullParameter);
        pss_options_free(options);
        pss_level_version_free(handle);
    }
}

#[test]
fn exclusions_are_refused_for_a_bare_pod_spec() {
    let mut options = ptr::null_mut();
    // SAFETY: every pointer is valid; `options` is live until freed.
    unsafe {
        assert_eq!(pss_options_new(&mut options), pss_result::Ok);
        let (control, field, value) = ("Host Namespaces", "spec.hostNetwork", "true");
        let code = pss_options_add_exclusion(
            options,
            control.as_ptr(),
            control.len(),
            ptr::null(),
            ptr::null(),
            0,
            field.as_ptr(),
            field.len(),
            &value.as_ptr(),
            &value.len(),
            1,
            ptr::null_mut(),
        );
        assert_eq!(code, pss_result::Ok);
        let (code, err) = evaluate_spec("baseline:latest", options, BARE_SPEC).unwrap_err();
        assert_eq!(code, pss_result::InvalidInput);
        assert!(view_of(|p, n| pss_error_message(err, p, n)).contains("pss_evaluate"));
        pss_error_free(err);
        pss_options_free(options);
    }
}

#[test]
fn the_pod_entry_refuses_other_kinds_and_the_object_entry_documents_without_kind() {
    let lv = pss_core::LevelVersion::default();
    // Another kind through the pod entry: pss-core's UnexpectedKind.
    let core_error = pss_core::evaluate_json(lv, DEPLOYMENT).unwrap_err();
    let err = evaluate(b"baseline", b"latest", DEPLOYMENT).unwrap_err();
    // SAFETY: `err` is live and freed by the check.
    unsafe { check_core_error(pss_result::UnexpectedKind, err, &core_error) };

    // No kind through the object entry: not a workload, with pss-core's reason; through the pod entry, a pod.
    let no_kind = br#"{"metadata":{"name":"p"},"spec":{"hostNetwork":true}}"#;
    let err = evaluate_object(b"baseline:latest", ptr::null(), no_kind).unwrap_err();
    // SAFETY: `err` is live until freed.
    unsafe {
        assert_eq!(view_of(|p, n| pss_error_message(err, p, n)), pss_core::NoPodTemplate::NoKind.to_string());
        let mut code = pss_result::Ok;
        assert_eq!(pss_error_code(err, &mut code), pss_result::Ok);
        assert_eq!(code, pss_result::NotAWorkload);
        pss_error_free(err);
    }
    let ev = evaluate(b"baseline", b"latest", no_kind).unwrap();
    assert_eq!(paths(ev), ["spec.hostNetwork"]);
    // SAFETY: `ev` is live until freed.
    unsafe {
        assert_eq!(view_of(|p, n| pss_evaluation_kind(ev, p, n)), "Pod");
        pss_evaluation_free(ev);
    }
}

/// An admission controller with a configuration (NULL: upstream's defaults).
fn admission(config: Option<&[u8]>) -> *mut pss_admission {
    let (mut cfg, mut admission) = (ptr::null_mut(), ptr::null_mut());
    // SAFETY: every pointer is valid for the calls; the configuration is freed after it is copied.
    unsafe {
        if let Some(json) = config {
            assert_eq!(
                pss_admission_config_parse(json.as_ptr(), json.len(), &mut cfg, ptr::null_mut()),
                pss_result::Ok
            );
        }
        assert_eq!(pss_admission_new(cfg, &mut admission), pss_result::Ok);
        pss_admission_config_free(cfg);
    }
    admission
}

/// Labels from pairs.
fn labels(pairs: &[(&str, &str)]) -> *mut pss_labels {
    let mut labels = ptr::null_mut();
    // SAFETY: every pointer is valid for the calls.
    unsafe {
        assert_eq!(pss_labels_new(&mut labels), pss_result::Ok);
        for (k, v) in pairs {
            assert_eq!(
                pss_labels_add(labels, k.as_ptr(), k.len(), v.as_ptr(), v.len(), ptr::null_mut()),
                pss_result::Ok
            );
        }
    }
    labels
}

const EXEMPT_CONFIG: &[u8] =
    br#"{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
  "defaults": {"enforce": "baseline"}, "exemptions": {"namespaces": ["kube-system"], "usernames": ["admin"]}}"#;

#[test]
fn decisions_give_pss_cores_verdict_on_the_pods_a_controller_creates() {
    use pss_core::admission::{Admission, AdmissionConfig};
    let config = AdmissionConfig::from_json_slice(EXEMPT_CONFIG).unwrap();
    let core = Admission::new(config);
    let handle = admission(Some(EXEMPT_CONFIG));
    let no_labels = labels(&[]);
    let document = pss_core::ObjectDocument::from_slice(DEPLOYMENT).unwrap();
    for (namespace, user) in [("default", ""), ("default", "admin"), ("kube-system", "")] {
        let expected = core.review(&document, "web", namespace, [("", ""); 0], user).unwrap();
        let mut decision = ptr::null_mut();
        // SAFETY: every pointer is valid; `decision` is live until freed, its views are read before.
        unsafe {
            let code = pss_admission_review(
                handle,
                namespace.as_ptr(),
                namespace.len(),
                no_labels,
                user.as_ptr(),
                user.len(),
                DEPLOYMENT.as_ptr(),
                DEPLOYMENT.len(),
                &mut decision,
                ptr::null_mut(),
            );
            assert_eq!(code, pss_result::Ok);
            let (mut allowed, mut pods_allowed) = (false, true);
            assert_eq!(pss_decision_allowed(decision, &mut allowed), pss_result::Ok);
            assert_eq!(pss_decision_pods_allowed(decision, &mut pods_allowed), pss_result::Ok);
            assert!(allowed, "the API server admits a controller");
            assert_eq!(pods_allowed, expected.pods_allowed(), "{namespace} {user}");
            let (mut p, mut n) = (ptr::dangling::<u8>(), 7usize);
            assert_eq!(pss_decision_pods_denial(decision, &mut p, &mut n), pss_result::Ok);
            // SAFETY: a non-NULL view is live while `decision` is.
            let denial = (!p.is_null()).then(|| text(p, n));
            assert_eq!(denial, expected.pods_denial(), "{namespace} {user}");
            let mut pods = ptr::dangling::<pss_evaluation>();
            assert_eq!(pss_decision_created_pods(decision, &mut pods), pss_result::Ok);
            let mut view = ptr::null();
            assert_eq!(pss_decision_get_view(decision, &mut view), pss_result::Ok);
            assert_eq!((*view).pods_allowed, expected.pods_allowed());
            match expected.created_pods() {
                Some(e) => {
                    let got = paths(pods);
                    let want: Vec<String> =
                        e.iter().flat_map(|v| v.fields().iter().map(|f| f.path().to_string())).collect();
                    assert_eq!(got, want);
                    let mut pods_view = ptr::null();
                    assert_eq!(pss_evaluation_get_view(pods, &mut pods_view), pss_result::Ok);
                    assert_eq!((*view).created_pods, pods_view);
                    // The view's pointer reads as any evaluation view (Miri checks it stays valid).
                    let created = &*(*view).created_pods;
                    assert_eq!((created.violation_count, created.allowed), (e.len(), e.allowed()));
                    assert!((*view).enforce.is_null());
                }
                None => {
                    assert!(pods.is_null());
                    assert!((*view).created_pods.is_null());
                }
            }
            pss_decision_free(decision);
        }
        if namespace == "kube-system" {
            assert!(expected.pods_allowed(), "an exempt namespace's pods are exempt");
        } else {
            assert!(!expected.pods_allowed(), "a user exemption does not cover the pods");
        }
    }
    // A pod: its enforce evaluation, through the decision's view, and no created pods.
    // SAFETY: every pointer is valid; `decision` is live until freed, its views are read before.
    unsafe {
        let mut decision = ptr::null_mut();
        let (ns, user) = ("default", "");
        let code = pss_admission_review(
            handle,
            ns.as_ptr(),
            ns.len(),
            no_labels,
            user.as_ptr(),
            user.len(),
            PRIVILEGED.as_ptr(),
            PRIVILEGED.len(),
            &mut decision,
            ptr::null_mut(),
        );
        assert_eq!(code, pss_result::Ok);
        let mut view = ptr::null();
        assert_eq!(pss_decision_get_view(decision, &mut view), pss_result::Ok);
        let view = &*view;
        assert!(!view.allowed && !view.pods_allowed && view.created_pods.is_null());
        let enforce = &*view.enforce;
        assert_eq!(enforce.violation_count, 1);
        assert_eq!(enforce.denial_message.get(), view.pods_denial.get());
        let mut e = ptr::null();
        assert_eq!(pss_decision_enforce(decision, &mut e), pss_result::Ok);
        assert_eq!(paths(e), ["spec.containers[0].securityContext.privileged"]);
        pss_decision_free(decision);
    }
    // SAFETY: the handles are live and freed once.
    unsafe {
        pss_labels_free(no_labels);
        pss_admission_free(handle);
    }
}

/// Reviews a namespace change through the C ABI.
///
/// # Safety
/// `admission` and the labels are live (or NULL labels).
unsafe fn review_namespace(
    admission: *const pss_admission,
    namespace: &str,
    old: *const pss_labels,
    new: *const pss_labels,
    pods: &[&[u8]],
) -> *mut pss_namespace_review {
    let (ptrs, lens): (Vec<*const u8>, Vec<usize>) = pods.iter().map(|p| (p.as_ptr(), p.len())).unzip();
    let mut review = ptr::null_mut();
    // SAFETY: forwarded from the caller; the arrays hold `pods.len()` valid views.
    let code = unsafe {
        pss_admission_review_namespace(
            admission,
            namespace.as_ptr(),
            namespace.len(),
            old,
            new,
            ptrs.as_ptr(),
            lens.as_ptr(),
            pods.len(),
            &mut review,
            ptr::null_mut(),
        )
    };
    assert_eq!(code, pss_result::Ok);
    review
}

#[test]
fn namespace_reviews_give_pss_cores_pods_check_and_summary() {
    use pss_core::admission::{Admission, AdmissionConfig, PodsCheck};
    const ENFORCE: &str = pss_core::admission::ENFORCE_LEVEL_LABEL;
    let core = Admission::new(AdmissionConfig::from_json_slice(EXEMPT_CONFIG).unwrap());
    let handle = admission(Some(EXEMPT_CONFIG));
    let pods: [&[u8]; 3] = [
        br#"{"metadata": {"name": "a"}, "spec": {"hostNetwork": true}}"#,
        br#"{"metadata": {"name": "b"}, "spec": {"hostNetwork": true}}"#,
        br#"{"metadata": {"name": "ok"}, "spec": {}}"#,
    ];
    let documents: Vec<pss_core::PodDocument<'_>> =
        pods.iter().map(|p| pss_core::PodDocument::from_slice(p).unwrap()).collect();
    let baseline = [(ENFORCE, "baseline")];
    let restricted = [(ENFORCE, "restricted")];
    let invalid = [(ENFORCE, "strict")];
    type Labels<'a> = &'a [(&'a str, &'a str)];
    #[allow(clippy::type_complexity)] // namespace, old and new labels, and what the check must be
    let cases: [(&str, Option<Labels<'_>>, Labels<'_>, fn(PodsCheck) -> bool); 5] = [
        ("prod", None, &baseline, |c| c == PodsCheck::Creation),
        ("prod", Some(&baseline), &invalid, |c| c == PodsCheck::Invalid),
        ("prod", Some(&restricted), &baseline, |c| matches!(c, PodsCheck::NotStricter { .. })),
        ("kube-system", Some(&baseline), &restricted, |c| c == PodsCheck::Exempt),
        ("prod", Some(&baseline), &restricted, |c| matches!(c, PodsCheck::Checked { violating: 2, .. })),
    ];
    for (namespace, old, new, is) in cases {
        let expected =
            core.review_namespace(namespace, old.map(|o| o.iter().copied()), new.iter().copied(), &documents);
        assert!(is(expected.pods_check()), "{namespace}: {:?}", expected.pods_check());
        let (c_old, c_new) = (old.map_or(ptr::null_mut(), labels), labels(new));
        // SAFETY: every handle is live until freed; views are read before the review is freed.
        unsafe {
            let review = review_namespace(handle, namespace, c_old, c_new, &pods);
            let (mut check, mut exempt) = (pss_pods_check::Invalid, !expected.exempt());
            assert_eq!(pss_namespace_review_pods_check(review, &mut check), pss_result::Ok);
            assert_eq!(pss_namespace_review_exempt(review, &mut exempt), pss_result::Ok);
            assert_eq!(exempt, expected.exempt());
            let (mut checked, mut total, mut violating) = (9, 9, 9);
            assert_eq!(
                pss_namespace_review_pods_counts(review, &mut checked, &mut total, &mut violating),
                pss_result::Ok
            );
            let (mut old_lv, mut new_lv) = (ptr::dangling::<pss_level_version>(), ptr::dangling());
            assert_eq!(pss_namespace_review_not_stricter(review, &mut old_lv, &mut new_lv), pss_result::Ok);
            let want = match expected.pods_check() {
                PodsCheck::Creation => pss_pods_check::Creation,
                PodsCheck::Invalid => pss_pods_check::Invalid,
                PodsCheck::NotStricter { old, new } => {
                    let shown = |lv: *const pss_level_version| {
                        format!(
                            "{}:{}",
                            view_of(|p, n| pss_level_version_level(lv, p, n)),
                            view_of(|p, n| pss_level_version_version(lv, p, n))
                        )
                    };
                    assert_eq!((shown(old_lv), shown(new_lv)), (old.to_string(), new.to_string()));
                    pss_pods_check::NotStricter
                }
                PodsCheck::Exempt => pss_pods_check::Exempt,
                PodsCheck::Checked { checked: c, total: t, violating: v } => {
                    assert_eq!((checked, total, violating), (c, t, v));
                    pss_pods_check::Checked
                }
                other => panic!("{other:?}"),
            };
            assert_eq!(check, want, "{namespace}");
            if want != pss_pods_check::Checked {
                assert_eq!((checked, total, violating), (0, 0, 0));
            }
            if want != pss_pods_check::NotStricter {
                assert!(old_lv.is_null() && new_lv.is_null());
            }
            let (mut p, mut n) = (ptr::dangling::<u8>(), 7usize);
            assert_eq!(pss_namespace_review_summary(review, &mut p, &mut n), pss_result::Ok);
            let summary = (!p.is_null()).then(|| text(p, n).to_owned());
            assert_eq!(summary, expected.summary());
            let mut view = ptr::null();
            assert_eq!(pss_namespace_review_get_view(review, &mut view), pss_result::Ok);
            let view = &*view;
            assert_eq!((view.pods_check, view.exempt, view.pods_violating), (want, exempt, violating));
            assert_eq!((view.old_enforce, view.new_enforce), (old_lv, new_lv));
            assert_eq!(view.summary.get().map(str::to_owned), expected.summary());
            pss_namespace_review_free(review);
            pss_labels_free(c_old);
            pss_labels_free(c_new);
        }
    }
    // SAFETY: the handle is live and freed once.
    unsafe { pss_admission_free(handle) };
}

#[test]
fn admissions_give_their_defaults() {
    for (config, want) in [
        (None, "enforce=privileged:latest, audit=privileged:latest, warn=privileged:latest"),
        (Some(EXEMPT_CONFIG), "enforce=baseline:latest, audit=privileged:latest, warn=privileged:latest"),
    ] {
        let handle = admission(config);
        let mut defaults = ptr::null();
        // SAFETY: `handle` is live until freed; the defaults are read before.
        unsafe {
            assert_eq!(pss_admission_defaults(handle, &mut defaults), pss_result::Ok);
            assert_eq!(view_of(|p, n| pss_policy_display(defaults, p, n)), want);
            let core = config.map_or_else(Default::default, |c| {
                pss_core::admission::AdmissionConfig::from_json_slice(c).unwrap().defaults()
            });
            assert_eq!(want, core.to_string(), "pss-core's defaults");
            assert_eq!(pss_admission_defaults(ptr::null(), &mut defaults), pss_result::NullParameter);
            pss_admission_free(handle);
        }
    }
}

#[test]
fn the_header_label_keys_are_pss_cores() {
    use pss_core::admission as a;
    let header = include_str!("../include/pss.h");
    for (name, key) in [
        ("PSS_ENFORCE_LEVEL_LABEL", a::ENFORCE_LEVEL_LABEL),
        ("PSS_ENFORCE_VERSION_LABEL", a::ENFORCE_VERSION_LABEL),
        ("PSS_AUDIT_LEVEL_LABEL", a::AUDIT_LEVEL_LABEL),
        ("PSS_AUDIT_VERSION_LABEL", a::AUDIT_VERSION_LABEL),
        ("PSS_WARN_LEVEL_LABEL", a::WARN_LEVEL_LABEL),
        ("PSS_WARN_VERSION_LABEL", a::WARN_VERSION_LABEL),
    ] {
        assert!(header.contains(&format!("#define {name} \"{key}\"\n")), "{name} is not {key:?} in pss.h");
    }
}

/// `pss_kyverno_resource_namespace` gives pss-core's `resource_namespace` for the same bytes:
/// measured, written, too small, and refused input.
#[test]
fn a_resource_namespace_is_pss_cores() {
    use pss_core::kyverno::resource_namespace;
    let call = |resource: &[u8], default: &[u8], buf: *mut u8, buf_len: usize, n: *mut usize| {
        let mut err = ptr::null_mut();
        // SAFETY: the inputs are valid for the call; `buf` is NULL or valid for `buf_len` bytes.
        let code = unsafe {
            pss_kyverno_resource_namespace(
                resource.as_ptr(),
                resource.len(),
                default.as_ptr(),
                default.len(),
                buf,
                buf_len,
                n,
                &mut err,
            )
        };
        // SAFETY: NULL or an error this library made.
        unsafe { pss_error_free(err) };
        code
    };
    let resources: [&[u8]; 7] = [
        br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"}}"#,
        br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}}"#,
        br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"namespace": ""}}"#,
        br#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}}"#,
        br#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}"#,
        br#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"namespace": "pr\u006fd-\u00e9"}}"#,
        br#"{"apiVersion": "example.com/v1", "kind": "Namespace", "metadata": {"namespace": "crd"}}"#,
    ];
    for resource in resources {
        for default in ["default", "ci"] {
            let document = pss_core::ObjectDocument::from_slice(resource).unwrap();
            let want = resource_namespace(&document, default);
            let mut n = usize::MAX;
            assert_eq!(call(resource, default.as_bytes(), ptr::null_mut(), 0, &mut n), pss_result::Ok);
            assert_eq!(n, want.len());
            let mut buf = [0xAAu8; 32];
            assert_eq!(call(resource, default.as_bytes(), buf.as_mut_ptr(), buf.len(), &mut n), pss_result::Ok);
            assert_eq!(std::str::from_utf8(&buf[..n]).unwrap(), want);
            assert!(buf[n..].iter().all(|&b| b == 0xAA), "nothing written past the namespace");
            if !want.is_empty() {
                let mut small = [0xAAu8; 32];
                let mut m = 99;
                let code = call(resource, default.as_bytes(), small.as_mut_ptr(), want.len() - 1, &mut m);
                assert_eq!(code, pss_result::InsufficientSize);
                assert_eq!((small, m), ([0xAA; 32], 99), "nothing written on failure");
            }
        }
    }
    let mut n = 0;
    let pod = resources[0];
    assert_eq!(call(pod, b"default", ptr::null_mut(), 4, &mut n), pss_result::NullParameter);
    assert_eq!(call(pod, b"\xff", ptr::null_mut(), 0, &mut n), pss_result::InvalidUtf8);
    assert_eq!(call(b"{", b"default", ptr::null_mut(), 0, &mut n), pss_result::InvalidJson);
    assert_eq!(call(pod, b"default", ptr::null_mut(), 0, ptr::null_mut()), pss_result::NullParameter);
}
