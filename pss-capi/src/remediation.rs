//! `pss_remediation`: the smallest change that makes a pod, a bare pod spec or a workload pass a
//! level (pss-core's `remediate`), as an RFC 6902 JSON Patch whose operations say what they cure,
//! how safe they are and why, and the violations it leaves with why.

use pss_core::remediate::{Remediation, RemediationError, Remediator};
use pss_core::FieldViolation;

use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_text, get_value, guard_err, handle, input, input_str, into_handle, non_null_mut, write, Failure,
};
use crate::level_version::pss_level_version;
use crate::result::pss_result;
use crate::view::pss_str;

/// A fix: the operations of its patch, the violations it leaves, the patch as RFC 6902 JSON, the
/// patched document, and pss-core's JSON of the whole. Immutable: any number of threads may read one
/// at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_remediation {
    /// Every text the views point into.
    _buf: String,
    _operations: Vec<pss_operation_view>,
    _cures: Vec<pss_cure_view>,
    _unfixable: Vec<pss_unfixable_view>,
    view: pss_remediation_view,
}

// SAFETY: the views point into the remediation's own buffers (or static text), never written after
// it is built.
unsafe impl Send for pss_remediation {}
// SAFETY: as above.
unsafe impl Sync for pss_remediation {}

/// A fix as plain data (`pss_remediation_get_view`), valid until the remediation is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_remediation_view {
    /// Whether the patched document passes (every violation cured).
    pub fixed: bool,
    /// Whether only safe changes were made.
    pub safe_only: bool,
    /// What was fixed: `Pod`, `Deployment`, ... (`{NULL, 0}` for a bare pod spec). Static text.
    pub kind: pss_str,
    /// The patch's operations, in the order to apply them (never NULL).
    pub operations: *const pss_operation_view,
    /// The number of operations (0: nothing to change, or nothing that could be).
    pub operation_count: usize,
    /// The violating fields the patch does not cure, each with why (never NULL).
    pub unfixable: *const pss_unfixable_view,
    /// The number of fields not cured.
    pub unfixable_count: usize,
    /// The patch as an RFC 6902 JSON Patch document (`op`, `path`, `value` only), for `kubectl
    /// patch --type=json`.
    pub patch_json: pss_str,
    /// The patched document, as JSON.
    pub patched_json: pss_str,
    /// The whole fix as pss-core writes it (`Remediation::to_json`): `{"level", "version", "kind",
    /// "safe_only", "fixed", "patch", "unfixable", "patched"}`, the same bytes on every surface.
    pub json: pss_str,
}

/// One operation of a patch: RFC 6902's `op`, `path` (a JSON Pointer) and `value`, how safe it is,
/// what it changes in one line, and the violating fields it cures.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_operation_view {
    /// `add`, `replace` or `remove` (static text).
    pub op: pss_str,
    /// The target, a JSON Pointer (`/spec/containers/0/securityContext`).
    pub path: pss_str,
    /// The value added or replaced, as JSON (`{NULL, 0}` for `remove`).
    pub value_json: pss_str,
    /// `safe` (tightens security with no expected change in behaviour) or `breaking` (may change what
    /// the workload can do). Static text.
    pub safety: pss_str,
    /// What the operation changes, in one line.
    pub explanation: pss_str,
    /// The fields it cures (never NULL).
    pub cures: *const pss_cure_view,
    /// The number of fields at `cures` (at least 1).
    pub cure_count: usize,
}

/// A violating field an operation cures: the check and the field as the evaluation reported it.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_cure_view {
    /// The check's upstream id (`privileged`, ...). Static text.
    pub check_id: pss_str,
    /// The field's path (`spec.containers[0].securityContext.privileged`).
    pub path: pss_str,
    /// The field's offending value, as JSON (`null` when a required value is missing).
    pub value_json: pss_str,
    /// The container the field belongs to (`{NULL, 0}` for a pod-level field).
    pub container: pss_str,
}

/// A violating field the patch does not cure, and why.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_unfixable_view {
    /// The check's upstream id. Static text.
    pub check_id: pss_str,
    /// The field's path in the patched document.
    pub path: pss_str,
    /// Its value, as JSON.
    pub value_json: pss_str,
    /// Its container (`{NULL, 0}` for a pod-level field).
    pub container: pss_str,
    /// Why, as a short stable code (`breaking`, `privileged`, `windows-pod`, ...). Static text.
    pub reason: pss_str,
    /// Why, in one line.
    pub explanation: pss_str,
}

/// Where a text is in the buffer being built (`None`: absent).
type Span = Option<(usize, usize)>;

/// Texts appended to one buffer, found again by their spans once it is complete.
#[derive(Default)]
struct Texts(String);

impl Texts {
    fn push(&mut self, s: &str) -> Span {
        let start = self.0.len();
        self.0.push_str(s);
        Some((start, s.len()))
    }

    fn push_opt(&mut self, s: Option<&str>) -> Span {
        s.and_then(|s| self.push(s))
    }

    fn view(&self, span: Span) -> pss_str {
        match span {
            None => pss_str::NONE,
            Some((start, len)) => pss_str::of(&self.0[start..start + len]),
        }
    }
}

/// A field's path, value and container, pushed.
fn push_field(texts: &mut Texts, field: &FieldViolation) -> [Span; 3] {
    [texts.push(field.path()), texts.push(&field.value().to_string()), texts.push_opt(field.container())]
}

impl pss_remediation {
    pub(crate) fn new(fix: &Remediation) -> pss_remediation {
        let mut texts = Texts::default();
        let json = texts.push(&fix.to_json());
        let patch = texts.push(&fix.patch_json());
        let patched = texts.push(&fix.patched_json());
        let mut ops = Vec::with_capacity(fix.operations().len());
        let mut cure_spans = Vec::new();
        for op in fix.operations() {
            let path = texts.push(op.path());
            let value = texts.push_opt(op.value().map(|v| v.to_string()).as_deref());
            let explanation = texts.push(op.explanation());
            let first = cure_spans.len();
            for cure in op.cures() {
                cure_spans.push((cure.check().as_str(), push_field(&mut texts, cure.field())));
            }
            ops.push((op.op().as_str(), path, value, op.safety().as_str(), explanation, first, op.cures().len()));
        }
        let mut left = Vec::with_capacity(fix.unfixable().len());
        for u in fix.unfixable() {
            let field = push_field(&mut texts, u.field());
            let explanation = texts.push(&u.reason().to_string());
            left.push((u.check().as_str(), field, u.reason().code(), explanation));
        }
        // The buffer is complete: its views stay valid (it is never written again).
        let cures: Vec<pss_cure_view> = cure_spans
            .iter()
            .map(|(check, [path, value, container])| pss_cure_view {
                check_id: pss_str::of(check),
                path: texts.view(*path),
                value_json: texts.view(*value),
                container: texts.view(*container),
            })
            .collect();
        let operations: Vec<pss_operation_view> = ops
            .iter()
            .map(|&(op, path, value, safety, explanation, first, count)| pss_operation_view {
                op: pss_str::of(op),
                path: texts.view(path),
                value_json: texts.view(value),
                safety: pss_str::of(safety),
                explanation: texts.view(explanation),
                cures: cures[first..].as_ptr(),
                cure_count: count,
            })
            .collect();
        let unfixable: Vec<pss_unfixable_view> = left
            .iter()
            .map(|&(check, [path, value, container], reason, explanation)| pss_unfixable_view {
                check_id: pss_str::of(check),
                path: texts.view(path),
                value_json: texts.view(value),
                container: texts.view(container),
                reason: pss_str::of(reason),
                explanation: texts.view(explanation),
            })
            .collect();
        let view = pss_remediation_view {
            fixed: fix.fixed(),
            safe_only: fix.safe_only(),
            kind: fix.kind().map_or(pss_str::NONE, |k| pss_str::of(k.kind())),
            operations: operations.as_ptr(),
            operation_count: operations.len(),
            unfixable: unfixable.as_ptr(),
            unfixable_count: unfixable.len(),
            patch_json: texts.view(patch),
            patched_json: texts.view(patched),
            json: texts.view(json),
        };
        pss_remediation { _buf: texts.0, _operations: operations, _cures: cures, _unfixable: unfixable, view }
    }
}

impl From<RemediationError> for Failure {
    fn from(e: RemediationError) -> Failure {
        match e {
            RemediationError::Invalid(e) => Failure::from(e),
            RemediationError::NotEvaluated(e) => Failure::new(pss_result::NotAWorkload, e.to_string()),
            RemediationError::TooDeep { .. } => Failure::new(pss_result::TooDeep, e.to_string()),
            other => Failure::new(pss_result::Unverified, other.to_string()),
        }
    }
}

/// What the caller says the input is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Pod,
    Spec,
    Object,
}

impl Entry {
    fn what(self) -> &'static str {
        match self {
            Entry::Pod => "pod",
            Entry::Spec => "spec",
            Entry::Object => "object",
        }
    }
}

/// The level and version: a handle, or both as text.
#[derive(Clone, Copy)]
enum LevelVersionArg {
    Handle(*const pss_level_version),
    Text(*const u8, usize, *const u8, usize),
}

/// The body of the six remediating functions.
///
/// # Safety
/// As the exported functions: every pointer is NULL or valid as they document.
unsafe fn remediate_into(
    level_version: LevelVersionArg,
    safe_only: bool,
    data: *const u8,
    data_len: usize,
    entry: Entry,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            let lv = match level_version {
                // SAFETY: the caller guarantees a non-NULL handle is live.
                LevelVersionArg::Handle(lv) => handle(lv, "level_version")?.level_version,
                LevelVersionArg::Text(level, level_len, version, version_len) => {
                    // SAFETY: the caller guarantees the input pointers and lengths.
                    let level = input_str(level, level_len, "level")?;
                    // SAFETY: as above.
                    let version = input_str(version, version_len, "version")?;
                    pss_level_version::parse(level, version)?.level_version
                }
            };
            // SAFETY: the caller guarantees `data_len` readable bytes at a non-NULL `data`.
            let data = input(data, data_len, entry.what())?;
            let out = non_null_mut(out, "out")?;
            let remediator = Remediator::new(lv).safe_only(safe_only);
            let fix = match entry {
                Entry::Pod => remediator.pod(data),
                Entry::Spec => remediator.spec(data),
                Entry::Object => remediator.object(data),
            }?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_remediation::new(&fix)));
            Ok(())
        })
    }
}

/// Fixes a pod, given as JSON bytes (UTF-8, not NUL-terminated), for a level and version: the
/// smallest change that makes it pass, as pss-core's remediation finds and proves it (the patched
/// pod is evaluated again before the call returns). This is the pod entry point, as
/// `pss_level_version_evaluate`: a document without `kind` is a pod, paths are relative to it.
///
/// With `safe_only`, only safe changes are made; what only a breaking one would cure is left, with
/// the reason `breaking`. Read the result with `pss_remediation_get_view` (operations, what is left,
/// the patch and the patched pod) or `pss_remediation_json` (pss-core's JSON of it all).
///
/// Ownership: `level_version` and `pod` stay the caller's and are not kept. On success `*out`
/// receives a new `pss_remediation` the caller frees with `pss_remediation_free`. On failure `*out`
/// is not written and, when `err_out` is not NULL, `*err_out` receives a new `pss_error`.
///
/// Errors: the decoding errors of `pss_level_version_evaluate` (`PSS_RESULT_UNEXPECTED_KIND`,
/// `PSS_RESULT_BARE_POD_SPEC`, `PSS_RESULT_INVALID_JSON`, ...); `PSS_RESULT_DUPLICATE_FIELD` for a
/// key given twice (a patch against it would be ambiguous); `PSS_RESULT_TOO_DEEP`;
/// `PSS_RESULT_UNVERIFIED` if the fix did not pass its re-evaluation (a fault in pss);
/// `PSS_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// `level_version` is NULL or a live `pss_level_version`; `pod` is NULL or points to `pod_len`
/// readable bytes not modified during the call; `out` and `err_out` are NULL or valid for writing
/// one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_remediate(
    level_version: *const pss_level_version,
    safe_only: bool,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, pod, pod_len, Entry::Pod, out, err_out) }
}

/// As `pss_level_version_remediate`, for a bare pod spec (the spec entry point: paths are relative
/// to the spec, and the view's `kind` is `{NULL, 0}`).
///
/// Errors: those of `pss_level_version_evaluate_spec` and of `pss_level_version_remediate`.
///
/// # Safety
/// As `pss_level_version_remediate`.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_remediate_spec(
    level_version: *const pss_level_version,
    safe_only: bool,
    spec: *const u8,
    spec_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, spec, spec_len, Entry::Spec, out, err_out) }
}

/// As `pss_level_version_remediate`, for any object with a pod template (a pod, a Deployment, a
/// CronJob, ...) through its template: paths are relative to the object.
///
/// Errors: those of `pss_level_version_remediate`, and `PSS_RESULT_NOT_A_WORKLOAD` with pss-core's
/// reason for an object that is not a pod or a pod controller (or a ReplicationController without a
/// template: nothing to fix).
///
/// # Safety
/// As `pss_level_version_remediate`.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_remediate_object(
    level_version: *const pss_level_version,
    safe_only: bool,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, object, object_len, Entry::Object, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_remediate` in one call.
///
/// ```c
/// static const char pod[] = "{\"spec\":{\"hostPID\":true,\"containers\":[]}}";
/// pss_remediation *fix = NULL;
/// if (pss_remediate((const uint8_t *)"baseline", 8, (const uint8_t *)"latest", 6, false,
///                   (const uint8_t *)pod, sizeof pod - 1, &fix, NULL) == PSS_RESULT_OK) {
///   const pss_remediation_view *v = NULL;
///   pss_remediation_get_view(fix, &v);
///   // v->fixed; v->operations[0].path is "/spec/hostPID", its value_json "false"
///   pss_remediation_free(fix);
/// }
/// ```
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_remediate`.
///
/// # Safety
/// `level`, `version` and `pod` are NULL or point to their lengths in readable bytes not modified
/// during the call; `out` and `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, the option, and two out-parameters
pub unsafe extern "C" fn pss_remediate(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    safe_only: bool,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, pod, pod_len, Entry::Pod, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_remediate_spec` in one call.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_remediate_spec`.
///
/// # Safety
/// As `pss_remediate`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, the option, and two out-parameters
pub unsafe extern "C" fn pss_remediate_spec(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    safe_only: bool,
    spec: *const u8,
    spec_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, spec, spec_len, Entry::Spec, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_remediate_object` in one call.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_remediate_object`.
///
/// # Safety
/// As `pss_remediate`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, the option, and two out-parameters
pub unsafe extern "C" fn pss_remediate_object(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    safe_only: bool,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_remediation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { remediate_into(lv, safe_only, object, object_len, Entry::Object, out, err_out) }
}

/// The fix as plain data: whether it passes, its operations (each with the fields it cures), what is
/// left, the patch, the patched document and pss-core's JSON of it all.
///
/// Ownership: writes a pointer to a view owned by `remediation` (as every text and array it points
/// to), valid until it is freed.
///
/// # Safety
/// `remediation` is NULL or a live `pss_remediation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_get_view(
    remediation: *const pss_remediation,
    out: *mut *const pss_remediation_view,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(remediation, "remediation", out, "out", |r| &r.view as *const pss_remediation_view) }
}

/// Whether the patched document passes: every violation cured.
///
/// # Safety
/// `remediation` is NULL or a live `pss_remediation`; `out_fixed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_fixed(
    remediation: *const pss_remediation,
    out_fixed: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(remediation, "remediation", out_fixed, "out_fixed", |r| r.view.fixed) }
}

/// pss-core's JSON of the whole fix (`Remediation::to_json`): `{"level", "version", "kind",
/// "safe_only", "fixed", "patch": [{"op", "path", "value", "safety", "cures", "explanation"}],
/// "unfixable": [{"check", "path", "value", "container", "reason", "explanation"}], "patched"}`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `remediation`, valid until it is freed.
///
/// # Safety
/// `remediation` is NULL or a live `pss_remediation`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_json(
    remediation: *const pss_remediation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(remediation, "remediation", out_ptr, out_len, |r| r.view.json.get()) }
}

/// The patch as an RFC 6902 JSON Patch document (`op`, `path`, `value`), for `kubectl patch
/// --type=json` or any JSON Patch library.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `remediation`, valid until it is freed.
///
/// # Safety
/// As `pss_remediation_json`.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_patch_json(
    remediation: *const pss_remediation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(remediation, "remediation", out_ptr, out_len, |r| r.view.patch_json.get()) }
}

/// The patched document, as JSON.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `remediation`, valid until it is freed.
///
/// # Safety
/// As `pss_remediation_json`.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_patched_json(
    remediation: *const pss_remediation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(remediation, "remediation", out_ptr, out_len, |r| r.view.patched_json.get()) }
}

/// Frees a remediation. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_remediation`; every view of it becomes invalid.
///
/// # Safety
/// `remediation` is NULL or a `pss_remediation` from this library not freed before, and no other
/// thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_remediation_free(remediation: *mut pss_remediation) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(remediation) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::ptr;

    fn text(v: pss_str) -> Option<String> {
        v.get().map(str::to_owned)
    }

    #[test]
    fn views_match_pss_core() {
        let pod = br#"{"kind":"Pod","metadata":{"annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},
            "spec":{"hostPID":true,"containers":[{"name":"c","image":"i","securityContext":{"privileged":true}}]}}"#;
        for safe_only in [false, true] {
            let want = Remediator::new("restricted:v1.30".parse().unwrap()).safe_only(safe_only).pod(pod).unwrap();
            let (level, version) = ("restricted", "v1.30");
            let mut fix = ptr::null_mut();
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                pss_remediate(
                    level.as_ptr(),
                    level.len(),
                    version.as_ptr(),
                    version.len(),
                    safe_only,
                    pod.as_ptr(),
                    pod.len(),
                    &mut fix,
                    ptr::null_mut(),
                )
            };
            assert_eq!(code, pss_result::Ok);
            let mut view = ptr::null();
            // SAFETY: `fix` is live until freed below; the views are read before.
            unsafe {
                assert_eq!(pss_remediation_get_view(fix, &mut view), pss_result::Ok);
                let v = &*view;
                assert_eq!((v.fixed, v.safe_only), (want.fixed(), safe_only));
                assert_eq!(text(v.json).unwrap(), want.to_json());
                assert_eq!(text(v.patch_json).unwrap(), want.patch_json());
                assert_eq!(text(v.patched_json).unwrap(), want.patched_json());
                assert_eq!(text(v.kind).as_deref(), Some("Pod"));
                let ops = core::slice::from_raw_parts(v.operations, v.operation_count);
                assert_eq!(ops.len(), want.operations().len());
                for (got, op) in ops.iter().zip(want.operations()) {
                    assert_eq!(text(got.op).unwrap(), op.op().as_str());
                    assert_eq!(text(got.path).unwrap(), op.path());
                    assert_eq!(text(got.value_json), op.value().map(|v| v.to_string()));
                    assert_eq!(text(got.safety).unwrap(), op.safety().as_str());
                    assert_eq!(text(got.explanation).unwrap(), op.explanation());
                    let cures = core::slice::from_raw_parts(got.cures, got.cure_count);
                    assert_eq!(cures.len(), op.cures().len());
                    for (c, cure) in cures.iter().zip(op.cures()) {
                        assert_eq!(text(c.check_id).unwrap(), cure.check().as_str());
                        assert_eq!(text(c.path).unwrap(), cure.path());
                        assert_eq!(text(c.value_json).unwrap(), cure.field().value().to_string());
                        assert_eq!(text(c.container).as_deref(), cure.container());
                    }
                }
                let left = core::slice::from_raw_parts(v.unfixable, v.unfixable_count);
                assert_eq!(left.len(), want.unfixable().len());
                assert_eq!(safe_only, !left.is_empty());
                for (got, u) in left.iter().zip(want.unfixable()) {
                    assert_eq!(text(got.check_id).unwrap(), u.check().as_str());
                    assert_eq!(text(got.path).unwrap(), u.path());
                    assert_eq!(text(got.reason).unwrap(), u.reason().code());
                    assert_eq!(text(got.explanation).unwrap(), u.reason().to_string());
                }
                let mut fixed = !want.fixed();
                assert_eq!(pss_remediation_fixed(fix, &mut fixed), pss_result::Ok);
                assert_eq!(fixed, want.fixed());
                pss_remediation_free(fix);
            }
        }
    }

    #[test]
    fn errors_carry_pss_cores_codes_and_words() {
        let run = |entry: Entry, json: &[u8]| {
            let lv = pss_level_version::parse("baseline", "latest").unwrap();
            let (mut out, mut err) = (ptr::null_mut(), ptr::null_mut());
            // SAFETY: every pointer is valid for the call.
            let code = unsafe {
                remediate_into(
                    LevelVersionArg::Handle(&lv),
                    false,
                    json.as_ptr(),
                    json.len(),
                    entry,
                    &mut out,
                    &mut err,
                )
            };
            assert!(out.is_null());
            // SAFETY: a failure wrote a live error.
            let message = unsafe { (*err).display().to_owned() };
            // SAFETY: the error is freed once.
            unsafe { crate::error::pss_error_free(err) };
            (code, message)
        };
        let (code, message) = run(Entry::Pod, br#"{"spec":{"hostPID":true,"hostPID":false}}"#);
        assert_eq!(code, pss_result::DuplicateField);
        assert!(message.contains("duplicate key"), "{message}");
        assert_eq!(run(Entry::Pod, br#"{"containers":[]}"#).0, pss_result::BarePodSpec);
        assert_eq!(run(Entry::Spec, br#"{"kind":"Pod","spec":{}}"#).0, pss_result::UnexpectedKind);
        let (code, message) = run(Entry::Object, br#"{"kind":"Service","apiVersion":"v1"}"#);
        assert_eq!(code, pss_result::NotAWorkload);
        assert_eq!(message, "no pod template: Service is not a pod or a pod controller");
        // SAFETY: NULL inputs are reported, never read.
        let code = unsafe {
            pss_remediate_object(
                ptr::null(),
                0,
                ptr::null(),
                0,
                false,
                ptr::null(),
                0,
                ptr::null_mut(),
                ptr::null_mut(),
            )
        };
        assert_eq!(code, pss_result::NullParameter);
        // SAFETY: freeing NULL is a no-op.
        unsafe { pss_remediation_free(ptr::null_mut()) };
    }
}
