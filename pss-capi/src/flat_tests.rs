//! Unit tests of the flat form: sizes and the retry, what a failure leaves untouched, the layout
//! read back as C reads it, and agreement with the `pss_evaluation` of the same input.

use core::mem::size_of;
use std::ptr;

use crate::*;

const PRIVILEGED: &[u8] = br#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
"spec":{"hostNetwork":true,"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true,
"capabilities":{"add":["NET_ADMIN","SYS_TIME"]}}}]}}"#;
const BASELINE: &str = "baseline";
const LATEST: &str = "latest";

/// A flat evaluation read back through its documented layout, as a C reader would (records read
/// unaligned, so the buffer may start anywhere).
#[derive(Debug, PartialEq, Eq, Clone)]
pub(crate) struct Read {
    pub(crate) header: pss_flat_evaluation,
    pub(crate) kind: Option<String>,
    pub(crate) template_path: Option<String>,
    pub(crate) pod_name: Option<String>,
    pub(crate) reason: Option<String>,
    pub(crate) detail: Option<String>,
    pub(crate) denial_message: Option<String>,
    pub(crate) note: Option<String>,
    /// check id, reason, detail, and each field's path, value and container.
    pub(crate) violations: Vec<ReadViolation>,
}

#[derive(Debug, PartialEq, Eq, Clone)]
pub(crate) struct ReadViolation {
    pub(crate) check_id: String,
    pub(crate) reason: String,
    pub(crate) detail: String,
    pub(crate) fields: Vec<(String, String, Option<String>)>,
}

fn record<T: Copy>(buf: &[u8], at: usize) -> T {
    let bytes = &buf[at..at + size_of::<T>()];
    // SAFETY: `bytes` holds `size_of::<T>()` initialised bytes, and `T` is a record of `u32`s, for
    // which any bytes are a value.
    unsafe { bytes.as_ptr().cast::<T>().read_unaligned() }
}

/// The text of a span, checked to lie in `region` (`texts` or `values`); `None` when absent.
fn text(buf: &[u8], s: pss_span, region: pss_span) -> Option<String> {
    if s.offset == 0 {
        assert_eq!(s.len, 0, "an absent span has no length");
        return None;
    }
    let (start, end) = (s.offset as usize, s.offset as usize + s.len as usize);
    assert!(
        start >= region.offset as usize && end <= (region.offset + region.len) as usize,
        "span {s:?} outside its region {region:?}"
    );
    Some(String::from_utf8(buf[start..end].to_vec()).expect("flat texts are UTF-8"))
}

/// Reads a flat evaluation, checking the header and that every part is where the layout says.
pub(crate) fn read(buf: &[u8]) -> Read {
    let h: pss_flat_evaluation = record(buf, 0);
    assert_eq!(h.magic, PSS_FLAT_MAGIC);
    if cfg!(target_endian = "little") {
        assert_eq!(&buf[..4], b"PSSE");
    }
    assert_eq!(h.version, PSS_FLAT_VERSION);
    assert_eq!(h.size as usize, buf.len(), "size is what was written");
    assert_eq!(h.violations, 104);
    assert_eq!(h.fields, h.violations + 32 * h.violation_count);
    assert_eq!(h.texts.offset, h.fields + 24 * h.field_count);
    assert_eq!(h.values.offset, h.texts.offset + h.texts.len);
    assert_eq!(h.values.offset + h.values.len, h.size);
    assert_eq!(h.flags & !(PSS_FLAT_ALLOWED | PSS_FLAT_TEMPLATE_ABSENT), 0);
    let t = |s| text(buf, s, h.texts);
    let mut violations = Vec::new();
    let mut next_field = 0;
    for i in 0..h.violation_count as usize {
        let v: pss_flat_violation = record(buf, h.violations as usize + 32 * i);
        assert_eq!(v.first_field, next_field, "fields violation by violation");
        next_field += v.field_count;
        let fields = (v.first_field..v.first_field + v.field_count)
            .map(|j| {
                let f: pss_flat_field = record(buf, h.fields as usize + 24 * j as usize);
                (t(f.path).expect("a path"), text(buf, f.value_json, h.values).expect("a value"), t(f.container))
            })
            .collect();
        violations.push(ReadViolation {
            check_id: t(v.check_id).expect("a check id"),
            reason: t(v.reason).expect("a reason"),
            detail: t(v.detail).expect("a detail"),
            fields,
        });
    }
    assert_eq!(next_field, h.field_count);
    Read {
        header: h,
        kind: t(h.kind),
        template_path: t(h.template_path),
        pod_name: t(h.pod_name),
        reason: t(h.reason),
        detail: t(h.detail),
        denial_message: t(h.denial_message),
        note: t(h.note),
        violations,
    }
}

/// A `pss_evaluation` read as a [`Read`] through its view (the header aside).
///
/// # Safety
/// `evaluation` is live.
pub(crate) unsafe fn read_handle(evaluation: *const pss_evaluation) -> Read {
    let mut view = ptr::null();
    // SAFETY: `evaluation` is live (caller's guarantee); the views live as long as it.
    unsafe {
        assert_eq!(pss_evaluation_get_view(evaluation, &mut view), pss_result::Ok);
        let v = &*view;
        let s = |s: pss_str| s.get().map(str::to_owned);
        let fields = std::slice::from_raw_parts(v.fields, v.field_count);
        let mut k = 0;
        let violations = std::slice::from_raw_parts(v.violations, v.violation_count)
            .iter()
            .map(|x| {
                let fs = fields[k..k + x.field_count]
                    .iter()
                    .map(|f| (s(f.path).unwrap(), s(f.value_json).unwrap(), s(f.container)))
                    .collect();
                k += x.field_count;
                ReadViolation {
                    check_id: s(x.check_id).unwrap(),
                    reason: s(x.reason).unwrap(),
                    detail: s(x.detail).unwrap(),
                    fields: fs,
                }
            })
            .collect();
        Read {
            header: pss_flat_evaluation::default(),
            kind: s(v.kind),
            template_path: s(v.template_path),
            pod_name: s(v.pod_name),
            reason: s(v.reason),
            detail: s(v.detail),
            denial_message: s(v.denial_message),
            note: s(v.note),
            violations,
        }
    }
}

/// `pss_evaluate_flat` with a buffer of `cap` bytes; the bytes written, or the code and error.
pub(crate) fn flat(
    level: &str,
    version: &str,
    entry: u32,
    data: &[u8],
    cap: usize,
) -> Result<Vec<u8>, (pss_result, String)> {
    let mut buf = vec![0xA5u8; cap];
    let (mut n, mut err) = (usize::MAX, ptr::null_mut());
    // SAFETY: every pointer is valid for its length; the buffer is apart from the input.
    let code = unsafe {
        pss_evaluate_flat(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            ptr::null(),
            entry,
            data.as_ptr(),
            data.len(),
            if cap == 0 { ptr::null_mut() } else { buf.as_mut_ptr() },
            cap,
            &mut n,
            &mut err,
        )
    };
    if code == pss_result::Ok {
        assert!(err.is_null(), "err_out written on success");
        assert!(n <= cap || cap == 0);
        buf.truncate(if cap == 0 { 0 } else { n });
        if cap == 0 {
            return Ok(vec![0; n]);
        }
        return Ok(buf);
    }
    assert_eq!(n, usize::MAX, "out_len written on failure");
    assert!(buf.iter().all(|&b| b == 0xA5), "buf written on failure");
    assert!(!err.is_null());
    let (mut p, mut len) = (ptr::null(), 0);
    // SAFETY: `err` is live until freed below.
    let message = unsafe {
        assert_eq!(pss_error_display(err, &mut p, &mut len), pss_result::Ok);
        let m = String::from_utf8(std::slice::from_raw_parts(p, len).to_vec()).unwrap();
        pss_error_free(err);
        m
    };
    Err((code, message))
}

/// The size a flat evaluation needs (the measuring call).
fn size(level: &str, version: &str, entry: u32, data: &[u8]) -> usize {
    flat(level, version, entry, data, 0).expect("measures").len()
}

fn handle_of(level: &str, version: &str, entry: pss_entry, data: &[u8]) -> *mut pss_evaluation {
    let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
    let f = match entry {
        pss_entry::Pod => pss_evaluate,
        pss_entry::Spec => pss_evaluate_spec,
        pss_entry::Object => pss_evaluate_object,
    };
    // SAFETY: every pointer is valid for its length.
    let code = unsafe {
        f(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            ptr::null(),
            data.as_ptr(),
            data.len(),
            &mut out,
            &mut err,
        )
    };
    assert_eq!(code, pss_result::Ok);
    out
}

/// `pss_evaluation_write_flat` of a live evaluation, measured first.
///
/// # Safety
/// `evaluation` is live.
pub(crate) unsafe fn write_flat(evaluation: *const pss_evaluation) -> Vec<u8> {
    let mut n = 0;
    // SAFETY: `evaluation` is live; the buffers are valid for their lengths.
    unsafe {
        assert_eq!(pss_evaluation_write_flat(evaluation, ptr::null_mut(), 0, &mut n), pss_result::Ok);
        let mut buf = vec![0u8; n];
        let mut written = 0;
        if n > 0 {
            let mut small = vec![0x5Au8; n - 1];
            let mut untouched = 7;
            assert_eq!(
                pss_evaluation_write_flat(evaluation, small.as_mut_ptr(), small.len(), &mut untouched),
                pss_result::InsufficientSize
            );
            assert_eq!(untouched, 7);
            assert!(small.iter().all(|&b| b == 0x5A));
        }
        assert_eq!(pss_evaluation_write_flat(evaluation, buf.as_mut_ptr(), buf.len(), &mut written), pss_result::Ok);
        assert_eq!(written, n);
        buf
    }
}

#[test]
fn a_denied_pod_reads_back_as_its_evaluation() {
    let n = size(BASELINE, LATEST, pss_entry::Pod as u32, PRIVILEGED);
    let buf = flat(BASELINE, LATEST, pss_entry::Pod as u32, PRIVILEGED, n).unwrap();
    let got = read(&buf);
    assert_eq!(got.header.flags, 0);
    assert_eq!(got.kind.as_deref(), Some("Pod"));
    assert_eq!(got.template_path.as_deref(), Some(""));
    assert_eq!(got.pod_name.as_deref(), Some("privileged-pod"));
    assert_eq!(got.reason.as_deref(), Some("non-default capabilities, host namespaces, privileged"));
    let detail = "non-default capabilities (container \"privileged-pod\" must not include \"NET_ADMIN\", \"SYS_TIME\" \
                  in securityContext.capabilities.add), host namespaces (hostNetwork=true), privileged (container \
                  \"privileged-pod\" must not set securityContext.privileged=true)";
    assert_eq!(got.detail.as_deref(), Some(detail));
    assert_eq!(
        got.denial_message.as_deref(),
        Some(
            format!("pods \"privileged-pod\" is forbidden: violates PodSecurity \"baseline:latest\": {detail}")
                .as_str()
        )
    );
    assert_eq!(got.note, None);
    let checks: Vec<_> = got.violations.iter().map(|v| v.check_id.as_str()).collect();
    assert_eq!(checks, ["capabilities_baseline", "hostNamespaces", "privileged"]);
    assert_eq!(
        got.violations[0].fields,
        [
            (
                "spec.containers[0].securityContext.capabilities.add[0]".to_owned(),
                "\"NET_ADMIN\"".to_owned(),
                Some("privileged-pod".to_owned())
            ),
            (
                "spec.containers[0].securityContext.capabilities.add[1]".to_owned(),
                "\"SYS_TIME\"".to_owned(),
                Some("privileged-pod".to_owned())
            ),
        ]
    );
    assert_eq!(got.violations[1].fields, [("spec.hostNetwork".to_owned(), "true".to_owned(), None)]);
    // The detail and each violation's reason and detail are parts of the message, not copies.
    let h = got.header;
    assert!(h.detail.offset > h.denial_message.offset);
    assert_eq!(h.detail.offset + h.detail.len, h.denial_message.offset + h.denial_message.len);
    let message = h.denial_message.offset..h.denial_message.offset + h.denial_message.len;
    for i in 0..h.violation_count as usize {
        let v: pss_flat_violation = record(&buf, h.violations as usize + 32 * i);
        assert!(message.contains(&v.reason.offset) && message.contains(&v.detail.offset), "{v:?}");
    }

    // The same as the pss_evaluation of the same pod, and byte for byte what writing it flat gives.
    let ev = handle_of(BASELINE, LATEST, pss_entry::Pod, PRIVILEGED);
    // SAFETY: `ev` is live until freed.
    unsafe {
        let from_handle = write_flat(ev);
        assert_eq!(from_handle, buf);
        assert_eq!(Read { header: pss_flat_evaluation::default(), ..got }, read_handle(ev));
        pss_evaluation_free(ev);
    }
}

#[test]
fn sizes_measure_and_retry() {
    let entry = pss_entry::Pod as u32;
    let n = size(BASELINE, LATEST, entry, PRIVILEGED);
    // Too small by one byte: nothing written, the error names both sizes.
    let (code, message) = flat(BASELINE, LATEST, entry, PRIVILEGED, n - 1).unwrap_err();
    assert_eq!(code, pss_result::InsufficientSize);
    assert_eq!(message, format!("the buffer is too small: the evaluation needs {n} bytes, the buffer has {}", n - 1));
    // Exactly large enough, and larger: the same bytes, and nothing past them.
    let exact = flat(BASELINE, LATEST, entry, PRIVILEGED, n).unwrap();
    let mut larger = vec![0xA5u8; n + 100];
    let mut written = 0;
    // SAFETY: every pointer is valid for its length.
    let code = unsafe {
        pss_evaluate_flat(
            BASELINE.as_ptr(),
            BASELINE.len(),
            LATEST.as_ptr(),
            LATEST.len(),
            ptr::null(),
            entry,
            PRIVILEGED.as_ptr(),
            PRIVILEGED.len(),
            larger.as_mut_ptr(),
            larger.len(),
            &mut written,
            ptr::null_mut(),
        )
    };
    assert_eq!((code, written), (pss_result::Ok, n));
    assert_eq!(&larger[..n], exact.as_slice());
    assert!(larger[n..].iter().all(|&b| b == 0xA5));
    // Anywhere in memory: the library writes without alignment requirements.
    let mut odd = vec![0u8; n + 3];
    // SAFETY: every pointer is valid for its length.
    let code = unsafe {
        pss_evaluate_flat(
            BASELINE.as_ptr(),
            BASELINE.len(),
            LATEST.as_ptr(),
            LATEST.len(),
            ptr::null(),
            entry,
            PRIVILEGED.as_ptr(),
            PRIVILEGED.len(),
            odd.as_mut_ptr().wrapping_add(3),
            n,
            &mut written,
            ptr::null_mut(),
        )
    };
    assert_eq!(code, pss_result::Ok);
    assert_eq!(&odd[3..], exact.as_slice());
}

#[test]
fn allowed_and_template_absent_and_spec() {
    // Allowed: empty reason, detail and message (present), no violations.
    let pod = br#"{"metadata":{"name":"ok"},"spec":{"containers":[{"name":"c"}]}}"#;
    let got = read(&flat(BASELINE, LATEST, pss_entry::Pod as u32, pod, 4096).unwrap());
    assert_eq!(got.header.flags, PSS_FLAT_ALLOWED);
    assert_eq!(
        (got.reason.as_deref(), got.detail.as_deref(), got.denial_message.as_deref()),
        (Some(""), Some(""), Some(""))
    );
    assert_eq!((got.pod_name.as_deref(), got.note.as_deref()), (Some("ok"), None));
    assert_eq!((got.header.violation_count, got.header.field_count, got.header.values.len), (0, 0, 0));
    // Without a name: absent.
    let got = read(&flat(BASELINE, LATEST, pss_entry::Pod as u32, br#"{"spec":{}}"#, 4096).unwrap());
    assert_eq!(got.pod_name, None);

    // A ReplicationController without a template: allowed, absent template, pss-core's note.
    let rc = br#"{"kind":"ReplicationController","metadata":{"name":"rc"},"spec":{}}"#;
    let buf = flat("restricted", LATEST, pss_entry::Object as u32, rc, 4096).unwrap();
    let got = read(&buf);
    assert_eq!(got.header.flags, PSS_FLAT_ALLOWED | PSS_FLAT_TEMPLATE_ABSENT);
    assert_eq!(got.kind.as_deref(), Some("ReplicationController"));
    assert_eq!(got.template_path.as_deref(), Some("spec.template"));
    assert_eq!(got.note.as_deref(), Some("no pod template: the ReplicationController has no spec.template"));
    let ev = handle_of("restricted", LATEST, pss_entry::Object, rc);
    // SAFETY: `ev` is live until freed.
    unsafe {
        assert_eq!(write_flat(ev), buf);
        pss_evaluation_free(ev);
    }

    // A bare pod spec: no kind, no template path, no name; paths relative to the spec.
    let spec = br#"{"hostPID":true,"containers":[{"name":"c"}]}"#;
    let buf = flat(BASELINE, "v1.30", pss_entry::Spec as u32, spec, 4096).unwrap();
    let got = read(&buf);
    assert_eq!((got.kind.as_deref(), got.template_path.as_deref(), got.pod_name.as_deref()), (None, None, None));
    assert_eq!(got.violations[0].fields[0].0, "hostPID");
    assert_eq!(
        got.denial_message.as_deref(),
        Some("pods is forbidden: violates PodSecurity \"baseline:v1.30\": host namespaces (hostPID=true)")
    );
    let ev = handle_of(BASELINE, "v1.30", pss_entry::Spec, spec);
    // SAFETY: `ev` is live until freed.
    unsafe {
        assert_eq!(write_flat(ev), buf);
        pss_evaluation_free(ev);
    }

    // A Deployment: its kind, template path and controller's words.
    let deployment = br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
      "spec":{"template":{"spec":{"hostNetwork":true,"containers":[{"name":"c"}]}}}}"#;
    let got = read(&flat(BASELINE, LATEST, pss_entry::Object as u32, deployment, 4096).unwrap());
    assert_eq!((got.kind.as_deref(), got.template_path.as_deref()), (Some("Deployment"), Some("spec.template")));
    assert_eq!(got.violations[0].fields[0].0, "spec.template.spec.hostNetwork");
    assert!(got.denial_message.unwrap().starts_with("deployments \"web\" (pods it creates would be denied): "));
}

#[test]
fn failures_write_nothing_and_match_the_handle_functions() {
    let cases: [(&str, &str, u32, &[u8], pss_result); 8] = [
        ("Baseline", LATEST, 0, b"{}", pss_result::InvalidLevel),
        (BASELINE, "1.25", 0, b"{}", pss_result::InvalidVersion),
        (BASELINE, LATEST, 3, b"{}", pss_result::InvalidInput),
        (BASELINE, LATEST, u32::MAX, b"{}", pss_result::InvalidInput),
        (BASELINE, LATEST, 0, b"{", pss_result::InvalidJson),
        (BASELINE, LATEST, 0, br#"{"kind":"Deployment"}"#, pss_result::UnexpectedKind),
        (BASELINE, LATEST, 0, br#"{"containers":[]}"#, pss_result::BarePodSpec),
        (BASELINE, LATEST, 2, br#"{"metadata":{}}"#, pss_result::NotAWorkload),
    ];
    for (level, version, entry, data, want) in cases {
        let (code, message) = flat(level, version, entry, data, 4096).unwrap_err();
        assert_eq!(code, want, "{level}:{version} entry {entry} {:?}: {message}", String::from_utf8_lossy(data));
        // Measuring fails the same way: the input is read first.
        assert_eq!(flat(level, version, entry, data, 0).unwrap_err().0, want);
    }
    let (_, message) = flat(BASELINE, LATEST, 7, b"{}", 64).unwrap_err();
    assert_eq!(message, "invalid entry 7: must be PSS_ENTRY_POD (0), PSS_ENTRY_SPEC (1) or PSS_ENTRY_OBJECT (2)");
    // Errors carry pss-core's detail, as the handle functions' do.
    let (_, message) = flat(BASELINE, LATEST, 0, br#"{"spec":{"hostPID":"x"}}"#, 4096).unwrap_err();
    assert_eq!(message, "spec.hostPID: expected a boolean, found a string at line 1 column 20");
}

#[test]
fn null_parameters() {
    let pod = b"{}";
    let mut buf = [0u8; 256];
    let mut n = 0;
    // SAFETY: every non-NULL pointer is valid for its length; NULLs are reported, not read.
    unsafe {
        let lv = |buf: *mut u8, len: usize, n: *mut usize| {
            pss_evaluate_flat(
                BASELINE.as_ptr(),
                BASELINE.len(),
                LATEST.as_ptr(),
                LATEST.len(),
                ptr::null(),
                0,
                pod.as_ptr(),
                pod.len(),
                buf,
                len,
                n,
                ptr::null_mut(),
            )
        };
        assert_eq!(lv(ptr::null_mut(), 10, &mut n), pss_result::NullParameter);
        assert_eq!(lv(buf.as_mut_ptr(), buf.len(), ptr::null_mut()), pss_result::NullParameter);
        assert_eq!(
            pss_level_version_evaluate_flat(
                ptr::null(),
                ptr::null(),
                0,
                pod.as_ptr(),
                pod.len(),
                buf.as_mut_ptr(),
                256,
                &mut n,
                ptr::null_mut()
            ),
            pss_result::NullParameter
        );
        let mut handle = ptr::null_mut();
        assert_eq!(
            pss_level_version_new(
                BASELINE.as_ptr(),
                BASELINE.len(),
                LATEST.as_ptr(),
                LATEST.len(),
                &mut handle,
                ptr::null_mut()
            ),
            pss_result::Ok
        );
        assert_eq!(
            pss_level_version_evaluate_flat(
                handle,
                ptr::null(),
                0,
                ptr::null(),
                0,
                buf.as_mut_ptr(),
                256,
                &mut n,
                ptr::null_mut()
            ),
            pss_result::NullParameter
        );
        assert_eq!(
            pss_level_version_evaluate_flat(
                handle,
                ptr::null(),
                0,
                pod.as_ptr(),
                pod.len(),
                buf.as_mut_ptr(),
                256,
                &mut n,
                ptr::null_mut()
            ),
            pss_result::Ok
        );
        assert_eq!(read(&buf[..n]).header.flags, PSS_FLAT_ALLOWED);
        pss_level_version_free(handle);
        assert_eq!(pss_evaluation_write_flat(ptr::null(), buf.as_mut_ptr(), 256, &mut n), pss_result::NullParameter);
    }
}

#[test]
fn the_layout_is_version_one() {
    // The numbers C and Go readers are compiled against.
    assert_eq!(PSS_FLAT_VERSION, 1);
    assert_eq!(PSS_FLAT_MAGIC.to_le_bytes(), *b"PSSE");
    assert_eq!((PSS_FLAT_ALLOWED, PSS_FLAT_TEMPLATE_ABSENT), (1, 2));
    assert_eq!((pss_entry::Pod as u32, pss_entry::Spec as u32, pss_entry::Object as u32), (0, 1, 2));
    assert_eq!(size_of::<pss_span>(), 8);
    assert_eq!(core::mem::offset_of!(pss_flat_evaluation, kind), 16);
    assert_eq!(core::mem::offset_of!(pss_flat_evaluation, violations), 72);
    assert_eq!(core::mem::offset_of!(pss_flat_evaluation, texts), 88);
    assert_eq!(core::mem::offset_of!(pss_flat_violation, first_field), 24);
    assert_eq!(core::mem::offset_of!(pss_flat_field, container), 16);
}

/// A flat evaluation larger than the encoder's buffer on the stack (`SCRATCH`): measured, refused
/// for a buffer one byte short with nothing written, then written straight into the caller's
/// buffer, byte for byte what the `pss_evaluation` of the same pod gives, and read back as it.
#[test]
fn larger_than_the_stack_buffer() {
    let containers: Vec<String> = (0..80)
        .map(|i| {
            format!(
                r#"{{"name":"container-{i}","image":"img","securityContext":{{"privileged":true,"runAsUser":0,
                "capabilities":{{"add":["NET_ADMIN","SYS_TIME"]}}}},"ports":[{{"containerPort":80,"hostPort":{i}}}]}}"#
            )
        })
        .collect();
    let pod = format!(
        r#"{{"metadata":{{"name":"big"}},"spec":{{"hostNetwork":true,"containers":[{}]}}}}"#,
        containers.join(",")
    );
    let entry = pss_entry::Pod as u32;
    let n = size("restricted", LATEST, entry, pod.as_bytes());
    assert!(n > super::SCRATCH, "{n} bytes fit the stack's buffer");
    let (code, _) = flat("restricted", LATEST, entry, pod.as_bytes(), n - 1).unwrap_err();
    assert_eq!(code, pss_result::InsufficientSize);
    let buf = flat("restricted", LATEST, entry, pod.as_bytes(), n + 8).unwrap();
    assert_eq!(buf.len(), n);
    let got = read(&buf);
    assert_eq!(got.violations.iter().map(|v| v.fields.len()).sum::<usize>(), got.header.field_count as usize);
    let ev = handle_of("restricted", LATEST, pss_entry::Pod, pod.as_bytes());
    // SAFETY: `ev` is live until freed.
    unsafe {
        assert_eq!(write_flat(ev), buf);
        assert_eq!(Read { header: pss_flat_evaluation::default(), ..got }, read_handle(ev));
        pss_evaluation_free(ev);
    }
}
