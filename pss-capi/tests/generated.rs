//! The C ABI against pss-core over the generated cases shared with the other suites
//! (`pss_testgen::cases`): pods and every controller kind at every level and many versions, through
//! `pss_evaluate_object`, `pss_level_version_new` + `pss_level_version_evaluate_object`, for pods
//! `pss_evaluate` and `pss_level_version_evaluate`, and for every case the template's bare pod spec
//! through `pss_evaluate_spec` (against `pss_core::evaluate_spec_json`). Every field is compared:
//! verdict, kind, template path, absent template and note, each violation's check id, reason, detail
//! and fields (path, value as JSON, container), the aggregate reason and detail, the denial message
//! and the name.
//!
//! Few cases under Miri (which interprets every call), 256 otherwise.

use std::ptr;

use pss_capi::*;
use pss_core::{evaluate_json, evaluate_object, Evaluation, LevelVersion, ObjectDocument};
use pss_testgen::{Case, Kind};

const CASES: usize = if cfg!(miri) { 3 } else { 256 };

/// A view written by the library, as text; `None` for a NULL pointer (an absent text).
///
/// # Safety
/// `ptr` is NULL or points to `len` bytes that stay live while the result is used.
unsafe fn text_of(ptr: *const u8, len: usize) -> Option<String> {
    if ptr.is_null() {
        assert_eq!(len, 0, "a NULL view has length 0");
        return None;
    }
    // SAFETY: the caller guarantees the view is live; the library hands out UTF-8 only.
    let bytes = unsafe { std::slice::from_raw_parts(ptr, len) };
    Some(std::str::from_utf8(bytes).expect("views are UTF-8").to_owned())
}

/// Calls an accessor writing a view and reads it.
fn view(f: impl FnOnce(*mut *const u8, *mut usize) -> pss_result) -> Option<String> {
    let (mut p, mut n) = (ptr::dangling::<u8>(), usize::MAX);
    assert_eq!(f(&mut p, &mut n), pss_result::Ok);
    // SAFETY: the accessor succeeded, so the view is live as long as its owner, which outlives this call.
    unsafe { text_of(p, n) }
}

/// Go's `%q` for the generated names (printable ASCII).
fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        assert!(c.is_ascii_graphic() || c == ' ', "generated names are printable ASCII: {s:?}");
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// What the C ABI must say of a denied object of `kind` named `name`: the API server's denial of a
/// pod, or the `pss` command's words for a controller (`deployments "web" (pods it creates would be
/// denied): violates PodSecurity "baseline:latest": ...`), written here from upstream's format and
/// checked against pss-core's. Empty when allowed.
fn expected_message(kind: Kind, resource: &str, name: Option<&str>, result: &Evaluation) -> String {
    if result.allowed() {
        return String::new();
    }
    let quoted = name.map(|n| format!(" {}", go_quote(n))).unwrap_or_default();
    let tail = format!(
        "violates PodSecurity {}: {}",
        go_quote(&result.level_version().to_string()),
        result.forbidden_detail()
    );
    if kind.is_pod() {
        let message = format!("pods{quoted} is forbidden: {tail}");
        assert_eq!(Some(&message), result.denial_message(name.unwrap_or("")).as_ref(), "the expectation is pss-core's");
        message
    } else {
        let message = format!("{resource}{quoted} (pods it creates would be denied): {tail}");
        assert_eq!(Some(&message), result.denial_message(name.unwrap_or("")).as_ref(), "the expectation is pss-core's");
        message
    }
}

/// Compares an evaluation handle with pss-core's result for the case, field by field; frees it.
///
/// # Safety
/// `ev` is a live evaluation the caller owns.
unsafe fn compare(case: &Case, ev: *mut pss_evaluation, expected: &Evaluation, as_pod: bool) {
    let what = format!("{} at {}:{} ({})", case.kind.kind, case.level, case.version, case.text());
    let name = case.object.pointer("/metadata/name").and_then(|v| v.as_str());
    let kind = if as_pod { pss_testgen::KINDS[0] } else { case.kind };
    let text = case.text();
    let doc = ObjectDocument::from_str(&text).unwrap();
    let resource = doc.workload_kind().map(|k| k.resource()).unwrap_or("pods");
    // SAFETY: `ev` is live until freed at the end; every view is read before that.
    unsafe {
        let mut allowed = !expected.allowed();
        assert_eq!(pss_evaluation_allowed(ev, &mut allowed), pss_result::Ok);
        assert_eq!(allowed, expected.allowed(), "{what}");
        assert_eq!(view(|p, n| pss_evaluation_kind(ev, p, n)).as_deref(), Some(kind.kind), "{what}");
        assert_eq!(view(|p, n| pss_evaluation_template_path(ev, p, n)).as_deref(), Some(kind.template_path), "{what}");
        let mut absent = true;
        assert_eq!(pss_evaluation_template_absent(ev, &mut absent), pss_result::Ok);
        assert!(!absent, "{what}");
        assert_eq!(view(|p, n| pss_evaluation_note(ev, p, n)), None, "{what}");
        let reason = if expected.allowed() { String::new() } else { expected.forbidden_reason() };
        let detail = if expected.allowed() { String::new() } else { expected.forbidden_detail() };
        assert_eq!(view(|p, n| pss_evaluation_reason(ev, p, n)), Some(reason), "{what}");
        assert_eq!(view(|p, n| pss_evaluation_detail(ev, p, n)), Some(detail), "{what}");
        assert_eq!(
            view(|p, n| pss_evaluation_denial_message(ev, p, n)),
            Some(expected_message(kind, resource, name, expected)),
            "{what}"
        );
        assert_eq!(view(|p, n| pss_evaluation_pod_name(ev, p, n)).as_deref(), name, "{what}");
        let mut count = usize::MAX;
        assert_eq!(pss_evaluation_violation_count(ev, &mut count), pss_result::Ok);
        assert_eq!(count, expected.len(), "{what}");
        for (i, want) in expected.iter().enumerate() {
            let mut v = ptr::null();
            assert_eq!(pss_evaluation_violation(ev, i, &mut v), pss_result::Ok);
            assert_eq!(view(|p, n| pss_violation_check_id(v, p, n)).as_deref(), Some(want.check().as_str()), "{what}");
            assert_eq!(view(|p, n| pss_violation_reason(v, p, n)).as_deref(), Some(want.reason()), "{what}");
            assert_eq!(
                view(|p, n| pss_violation_detail(v, p, n)).as_deref(),
                Some(want.detail().to_string().as_str()),
                "{what}"
            );
            let mut fields = usize::MAX;
            assert_eq!(pss_violation_field_count(v, &mut fields), pss_result::Ok);
            assert_eq!(fields, want.fields().len(), "{what}");
            for (j, field) in want.fields().iter().enumerate() {
                let mut f = ptr::null();
                assert_eq!(pss_violation_field(v, j, &mut f), pss_result::Ok);
                assert_eq!(
                    view(|p, n| pss_field_path(f, p, n)).as_deref(),
                    Some(field.path().to_string().as_str()),
                    "{what}"
                );
                assert_eq!(view(|p, n| pss_field_value_json(f, p, n)), Some(field.value().to_string()), "{what}");
                assert_eq!(view(|p, n| pss_field_container(f, p, n)).as_deref(), field.container(), "{what}");
            }
            let mut past = ptr::dangling::<pss_field>();
            assert_eq!(pss_violation_field(v, fields, &mut past), pss_result::IndexOutOfRange);
        }
        let mut past = ptr::dangling::<pss_violation>();
        assert_eq!(pss_evaluation_violation(ev, count, &mut past), pss_result::IndexOutOfRange);
        pss_evaluation_free(ev);
    }
}

/// Compares a bare pod spec's evaluation handle with pss-core's (no kind, no template, no name, paths
/// relative to the spec); frees it.
///
/// # Safety
/// `ev` is a live evaluation the caller owns.
unsafe fn compare_spec(ev: *mut pss_evaluation, expected: &Evaluation) {
    // SAFETY: `ev` is live until freed at the end.
    unsafe {
        let mut allowed = !expected.allowed();
        assert_eq!(pss_evaluation_allowed(ev, &mut allowed), pss_result::Ok);
        assert_eq!(allowed, expected.allowed());
        assert_eq!(view(|p, n| pss_evaluation_kind(ev, p, n)), None);
        assert_eq!(view(|p, n| pss_evaluation_template_path(ev, p, n)), None);
        assert_eq!(view(|p, n| pss_evaluation_pod_name(ev, p, n)), None);
        assert_eq!(
            view(|p, n| pss_evaluation_denial_message(ev, p, n)),
            Some(expected.denial_message("").unwrap_or_default())
        );
        let mut v = ptr::null();
        for (i, want) in expected.iter().enumerate() {
            assert_eq!(pss_evaluation_violation(ev, i, &mut v), pss_result::Ok);
            assert_eq!(view(|p, n| pss_violation_detail(v, p, n)).as_deref(), Some(want.detail().to_string().as_str()));
            for (j, field) in want.fields().iter().enumerate() {
                let mut f = ptr::null();
                assert_eq!(pss_violation_field(v, j, &mut f), pss_result::Ok);
                assert_eq!(view(|p, n| pss_field_path(f, p, n)).as_deref(), Some(field.path().to_string().as_str()));
            }
        }
        pss_evaluation_free(ev);
    }
}

fn succeeded(code: pss_result, out: *mut pss_evaluation, err: *mut pss_error, what: &str) -> *mut pss_evaluation {
    if code != pss_result::Ok {
        let message = view(|p, n| {
            // SAFETY: on failure `err` is a live error.
            unsafe { pss_error_display(err, p, n) }
        });
        panic!("{what}: {code:?}: {message:?}");
    }
    assert!(err.is_null(), "{what}: err_out written on success");
    assert!(!out.is_null(), "{what}");
    out
}

/// `pss_evaluate_flat` of an object is byte for byte `pss_evaluation_write_flat` of its evaluation
/// `ev` (whose every part is compared with pss-core's).
///
/// # Safety
/// `ev` is live.
unsafe fn compare_flat(level: &[u8], version: &[u8], object: &str, ev: *const pss_evaluation) {
    let (mut n, mut want_n) = (0, 0);
    // SAFETY: `ev` is live (caller's guarantee); every other pointer is valid for the call.
    unsafe {
        assert_eq!(pss_evaluation_write_flat(ev, ptr::null_mut(), 0, &mut want_n), pss_result::Ok, "{object}");
        let mut want = vec![0u8; want_n];
        assert_eq!(pss_evaluation_write_flat(ev, want.as_mut_ptr(), want.len(), &mut n), pss_result::Ok);
        let mut got = vec![0u8; want_n + 16];
        let code = pss_evaluate_flat(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            ptr::null(),
            pss_entry::Object as u32,
            object.as_ptr(),
            object.len(),
            got.as_mut_ptr(),
            got.len(),
            &mut n,
            ptr::null_mut(),
        );
        assert_eq!((code, n), (pss_result::Ok, want_n), "{object}");
        assert_eq!(got[..n], want[..], "{object}");
    }
}

#[test]
fn generated_cases_evaluate_as_in_pss_core() {
    let cases = pss_testgen::cases(pss_testgen::DEFAULT_SEED, CASES);
    let mut specs = 0;
    for case in &cases {
        let text = case.text();
        let lv: LevelVersion = format!("{}:{}", case.level, case.version).parse().unwrap();
        let doc = ObjectDocument::from_str(&text).unwrap();
        let expected = evaluate_object(lv, &doc).unwrap();
        let (level, version) = (case.level.as_bytes(), case.version.as_bytes());

        // pss_evaluate_object
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: every pointer is valid for the call.
        let code = unsafe {
            pss_evaluate_object(
                level.as_ptr(),
                level.len(),
                version.as_ptr(),
                version.len(),
                ptr::null(),
                text.as_ptr(),
                text.len(),
                &mut out,
                &mut err,
            )
        };
        let ev = succeeded(code, out, err, "pss_evaluate_object");
        // The flat form, written in one call, is byte for byte that evaluation's (compared next).
        // SAFETY: `ev` is live and ours.
        unsafe { compare_flat(level, version, &text, ev) };
        // SAFETY: `ev` is live and ours.
        unsafe { compare(case, ev, &expected, false) };

        // pss_level_version_new + pss_level_version_evaluate_object
        let mut policy = ptr::null_mut();
        // SAFETY: every pointer is valid for the call.
        let code = unsafe {
            pss_level_version_new(
                level.as_ptr(),
                level.len(),
                version.as_ptr(),
                version.len(),
                &mut policy,
                ptr::null_mut(),
            )
        };
        assert_eq!(code, pss_result::Ok);
        let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
        // SAFETY: `policy` is live; every other pointer is valid for the call.
        let code = unsafe {
            pss_level_version_evaluate_object(policy, ptr::null(), text.as_ptr(), text.len(), &mut out, &mut err)
        };
        let ev = succeeded(code, out, err, "pss_level_version_evaluate_object");
        // SAFETY: `ev` is live and ours.
        unsafe { compare(case, ev, &expected, false) };

        // The template's bare pod spec, through the spec entry point: paths relative to the spec.
        let spec_pointer = match case.kind.template_path {
            "" => "/spec".to_owned(),
            path => format!("/{}/spec", path.replace('.', "/")),
        };
        if let Some(spec) = case.object.pointer(&spec_pointer) {
            specs += 1;
            let spec = spec.to_string();
            let expected_spec = pss_core::evaluate_spec_json(lv, spec.as_bytes()).unwrap();
            let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                pss_evaluate_spec(
                    level.as_ptr(),
                    level.len(),
                    version.as_ptr(),
                    version.len(),
                    ptr::null(),
                    spec.as_ptr(),
                    spec.len(),
                    &mut out,
                    &mut err,
                )
            };
            let ev = succeeded(code, out, err, "pss_evaluate_spec");
            // SAFETY: `ev` is live and ours.
            unsafe { compare_spec(ev, &expected_spec) };
        }

        // The pod functions, for pods (other kinds are errors there).
        if case.kind.is_pod() {
            let pod = evaluate_json(lv, text.as_bytes()).unwrap();
            assert_eq!(pod, expected);
            let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: `policy` is live; every other pointer is valid for the call.
            let code = unsafe {
                pss_level_version_evaluate(policy, ptr::null(), text.as_ptr(), text.len(), &mut out, &mut err)
            };
            let ev = succeeded(code, out, err, "pss_level_version_evaluate");
            // SAFETY: `ev` is live and ours.
            unsafe { compare(case, ev, &pod, true) };
            let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                pss_evaluate(
                    level.as_ptr(),
                    level.len(),
                    version.as_ptr(),
                    version.len(),
                    ptr::null(),
                    text.as_ptr(),
                    text.len(),
                    &mut out,
                    &mut err,
                )
            };
            let ev = succeeded(code, out, err, "pss_evaluate");
            // SAFETY: `ev` is live and ours.
            unsafe { compare(case, ev, &pod, true) };
        }
        // SAFETY: `policy` is live and ours; nothing borrows from it.
        unsafe { pss_level_version_free(policy) };
    }
    let kinds = cases.iter().map(|c| c.kind.kind).collect::<std::collections::BTreeSet<_>>();
    let denied = cases
        .iter()
        .filter(|c| {
            let lv: LevelVersion = format!("{}:{}", c.level, c.version).parse().unwrap();
            !evaluate_object(lv, &ObjectDocument::from_str(&c.text()).unwrap()).unwrap().allowed()
        })
        .count();
    if !cfg!(miri) {
        assert!(specs > CASES / 2, "{specs} bare specs of {CASES} cases");
        assert_eq!(kinds.len(), pss_testgen::KINDS.len(), "every kind is generated");
        assert!(denied > CASES / 4 && denied < CASES, "allowed and denied cases: {denied} of {CASES} denied");
    }
}
