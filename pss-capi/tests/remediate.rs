//! The C ABI's fixes against pss-core over the generated cases shared with the other suites
//! (`pss_testgen::cases`): every case through `pss_remediate_object` and, with a handle,
//! `pss_level_version_remediate_object`, safe and breaking changes alike and safe ones only; pods
//! also through `pss_remediate`, and every template's bare spec through `pss_remediate_spec`. The
//! remediation's JSON, patch and patched document must be pss-core's, byte for byte, and the view's
//! operations and what is left must say the same as that JSON.

use std::ptr;

use pss_capi::*;
use pss_core::remediate::{Remediation, Remediator};
use pss_core::LevelVersion;

const CASES: usize = if cfg!(miri) { 3 } else { 192 };

fn text(v: pss_str) -> Option<String> {
    if v.ptr.is_null() {
        assert_eq!(v.len, 0);
        return None;
    }
    // SAFETY: a non-NULL view from the library is live while its remediation is; UTF-8 only.
    Some(std::str::from_utf8(unsafe { std::slice::from_raw_parts(v.ptr, v.len) }).unwrap().to_owned())
}

/// The remediation behind `fix`, checked against pss-core's `want`, then freed.
fn compare(fix: *mut pss_remediation, want: &Remediation, what: &str) {
    let mut view = ptr::null();
    // SAFETY: `fix` is live until freed below; the views are read before.
    unsafe {
        assert_eq!(pss_remediation_get_view(fix, &mut view), pss_result::Ok);
        let v = &*view;
        assert_eq!(text(v.json).unwrap(), want.to_json(), "{what}");
        assert_eq!(text(v.patch_json).unwrap(), want.patch_json(), "{what}");
        assert_eq!(text(v.patched_json).unwrap(), want.patched_json(), "{what}");
        assert_eq!((v.fixed, v.safe_only), (want.fixed(), want.safe_only()), "{what}");
        assert_eq!(text(v.kind).as_deref(), want.kind().map(|k| k.kind()), "{what}");
        let ops = std::slice::from_raw_parts(v.operations, v.operation_count);
        assert_eq!(ops.len(), want.operations().len(), "{what}");
        for (got, op) in ops.iter().zip(want.operations()) {
            assert_eq!(text(got.path).unwrap(), op.path());
            assert_eq!(text(got.value_json), op.value().map(|v| v.to_string()));
            let cures = std::slice::from_raw_parts(got.cures, got.cure_count);
            let paths: Vec<String> = cures.iter().map(|c| text(c.path).unwrap()).collect();
            let want_paths: Vec<&str> = op.cures().iter().map(|c| c.path()).collect();
            assert_eq!(paths, want_paths, "{what}");
        }
        let left = std::slice::from_raw_parts(v.unfixable, v.unfixable_count);
        let reasons: Vec<(String, String)> =
            left.iter().map(|u| (text(u.path).unwrap(), text(u.reason).unwrap())).collect();
        let want_reasons: Vec<(String, String)> =
            want.unfixable().iter().map(|u| (u.path().to_string(), u.reason().code().to_owned())).collect();
        assert_eq!(reasons, want_reasons, "{what}");
        pss_remediation_free(fix);
    }
}

#[test]
fn generated_cases_are_fixed_as_in_pss_core() {
    let mut fixed = 0;
    for (i, case) in pss_testgen::cases(pss_testgen::DEFAULT_SEED, CASES).iter().enumerate() {
        let text_object = case.text();
        let lv: LevelVersion = format!("{}:{}", case.level, case.version).parse().unwrap();
        for safe_only in [false, true] {
            let what = format!("case {i} ({} at {lv}, safe_only={safe_only})", case.kind.kind);
            let want = Remediator::new(lv).safe_only(safe_only).object(text_object.as_bytes()).unwrap();
            fixed += usize::from(!want.is_empty());
            let (level, version) = (case.level, case.version.as_str());
            let mut fix = ptr::null_mut();
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                pss_remediate_object(
                    level.as_ptr(),
                    level.len(),
                    version.as_ptr(),
                    version.len(),
                    safe_only,
                    text_object.as_ptr(),
                    text_object.len(),
                    &mut fix,
                    ptr::null_mut(),
                )
            };
            assert_eq!(code, pss_result::Ok, "{what}");
            compare(fix, &want, &what);

            let (mut handle, mut fix) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: every pointer is valid for the calls; the handle is freed once.
            unsafe {
                let code = pss_level_version_new(
                    level.as_ptr(),
                    level.len(),
                    version.as_ptr(),
                    version.len(),
                    &mut handle,
                    ptr::null_mut(),
                );
                assert_eq!(code, pss_result::Ok);
                let code = pss_level_version_remediate_object(
                    handle,
                    safe_only,
                    text_object.as_ptr(),
                    text_object.len(),
                    &mut fix,
                    ptr::null_mut(),
                );
                assert_eq!(code, pss_result::Ok, "{what}");
                compare(fix, &want, &what);
                if case.kind.kind == "Pod" {
                    let mut fix = ptr::null_mut();
                    let code = pss_level_version_remediate(
                        handle,
                        safe_only,
                        text_object.as_ptr(),
                        text_object.len(),
                        &mut fix,
                        ptr::null_mut(),
                    );
                    assert_eq!(code, pss_result::Ok, "{what}");
                    compare(fix, &Remediator::new(lv).safe_only(safe_only).pod(text_object.as_bytes()).unwrap(), &what);
                }
                // The template's bare spec, through the spec entry.
                let template = case.kind.template_path;
                let spec = if template.is_empty() {
                    case.object.get("spec").cloned()
                } else {
                    template.split('.').try_fold(&case.object, |v, k| v.get(k)).and_then(|t| t.get("spec")).cloned()
                };
                if let Some(spec) = spec {
                    let spec = spec.to_string();
                    let mut fix = ptr::null_mut();
                    let code = pss_level_version_remediate_spec(
                        handle,
                        safe_only,
                        spec.as_ptr(),
                        spec.len(),
                        &mut fix,
                        ptr::null_mut(),
                    );
                    assert_eq!(code, pss_result::Ok, "{what} as a spec");
                    compare(fix, &Remediator::new(lv).safe_only(safe_only).spec(spec.as_bytes()).unwrap(), &what);
                }
                pss_level_version_free(handle);
            }
        }
    }
    assert!(cfg!(miri) || fixed > CASES / 2, "{fixed} of {CASES} cases changed");
}
