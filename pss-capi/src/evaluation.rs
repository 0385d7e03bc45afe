//! `pss_evaluation` (the verdict on one pod or workload), `pss_violation` and `pss_field` (its parts).

use pss_core::kyverno::{evaluate_object_excluding, evaluate_pod_excluding};
use pss_core::{evaluate_spec, Evaluation, LevelVersion, NoPodTemplate, ObjectDocument, PodDocument, WorkloadKind};

use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_item, get_text, get_value, guard_err, handle, input, input_str, into_handle, non_null_mut, write,
    Failure,
};
use crate::flat::{self, pss_entry, AbsentSource, CoreSource, ViewSource};
use crate::level_version::{pss_level_version, pss_options};
use crate::result::pss_result;
use crate::view::{pss_field_view, pss_str, pss_violation_view, Aggregate, Block};

/// The verdict on one pod, pod spec or workload at one level and version: allowed or not, upstream's
/// aggregate reason, detail and denial message, each violation, and the workload's kind. Immutable:
/// any number of threads may read one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_evaluation {
    /// Every text, and the views of the violations and fields.
    block: Block,
    view: pss_evaluation_view,
}

// SAFETY: the views point into `block` (or static text), which is never written after it is built.
unsafe impl Send for pss_evaluation {}
// SAFETY: as above.
unsafe impl Sync for pss_evaluation {}

/// One failed check: upstream's check id, reason and detail, and the offending fields. Borrowed from
/// its `pss_evaluation` (or `pss_kyverno_result`): valid until that is freed, and never freed on its
/// own. (A `pss_violation` pointer is the address of its `pss_violation_view`.)
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_violation {
    _opaque: [u8; 0],
}

/// One offending field: its path, its value as JSON, and the container it belongs to. Borrowed from
/// its `pss_evaluation` (or `pss_kyverno_result`): valid until that is freed, and never freed on its
/// own. (A `pss_field` pointer is the address of its `pss_field_view`.)
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_field {
    _opaque: [u8; 0],
}

/// A whole evaluation as plain data, for reading it out in one call (`pss_evaluation_view`): what the
/// per-item getters give, as views that live until the evaluation is freed.
///
/// Every non-empty text of the evaluation (`pod_name`, `reason`, `detail`, `denial_message`,
/// `note`, and each violation's `check_id`, `reason` and `detail` and each field's `path` and
/// `container`) lies inside `texts`, and every field's `value_json` inside `values`: a caller can copy
/// the two blocks once and find each text at its offset (`ptr - texts.ptr`). `kind` and
/// `template_path` are static text (`{NULL, 0}` for a bare pod spec).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_evaluation_view {
    /// As `pss_evaluation_allowed`.
    pub allowed: bool,
    /// As `pss_evaluation_template_absent`.
    pub template_absent: bool,
    /// As `pss_evaluation_kind` (`{NULL, 0}` for a bare pod spec).
    pub kind: pss_str,
    /// As `pss_evaluation_template_path` (`{NULL, 0}` for a bare pod spec).
    pub template_path: pss_str,
    /// As `pss_evaluation_pod_name` (`{NULL, 0}` without a name).
    pub pod_name: pss_str,
    /// As `pss_evaluation_reason`.
    pub reason: pss_str,
    /// As `pss_evaluation_detail`.
    pub detail: pss_str,
    /// As `pss_evaluation_denial_message`.
    pub denial_message: pss_str,
    /// As `pss_evaluation_note` (`{NULL, 0}` without a note).
    pub note: pss_str,
    /// The violations, in upstream's order (never NULL).
    pub violations: *const pss_violation_view,
    /// The number of violations.
    pub violation_count: usize,
    /// Every violation's fields, violation by violation (never NULL); each violation's `fields`
    /// points into this array.
    pub fields: *const pss_field_view,
    /// The number of fields of all violations.
    pub field_count: usize,
    /// The block holding every text but the values.
    pub texts: pss_str,
    /// The block holding every field's value.
    pub values: pss_str,
}

impl pss_evaluation {
    /// The verdict on what pss-core evaluated (a pod, a pod spec or a workload, as
    /// [`Evaluation::kind`] says) named `name`.
    pub(crate) fn new(evaluation: &Evaluation, name: Option<&str>) -> pss_evaluation {
        let kind = evaluation.kind();
        let reason = evaluation.forbidden_reason();
        let violations = evaluation.violations();
        // The denial message (empty when allowed): pss-core's words, then the aggregate detail, in
        // which pss-core tells where each violation's reason and detail are; the violations' texts
        // are views into it. Writing into a String never fails.
        let mut message = String::new();
        let _ = evaluation.write_denial_head(name.unwrap_or_default(), &mut message);
        let at = message.len();
        let mut parts = Vec::with_capacity(violations.len());
        let _ = evaluation.write_forbidden_detail(&mut message, |_, p| parts.push(p));
        let aggregate =
            (!violations.is_empty()).then_some(Aggregate { text: 2, at, len: message.len() - at, parts: &parts });
        let block = Block::new(violations, &[name, Some(&reason), Some(&message), None], aggregate);
        if block.aggregate.is_some() || violations.is_empty() {
            return pss_evaluation::build(block, kind, evaluation.allowed(), false);
        }
        // Spans that do not fit the text pss-core wrote would be a bug in it: copies, then.
        let detail = Some(&message[at..]);
        let block = Block::new(violations, &[name, Some(&reason), Some(&message), None, detail], None);
        pss_evaluation::build(block, kind, evaluation.allowed(), false)
    }

    /// The verdict on a controller without a pod template: nothing evaluated, allowed as pss-core
    /// says (`NoPodTemplate::allowed`: upstream allows it), with pss-core's reason as the note.
    pub(crate) fn template_absent(kind: WorkloadKind, name: Option<&str>, why: &NoPodTemplate) -> pss_evaluation {
        let note = why.to_string();
        let block = Block::new(&[], &[name, Some(""), Some(""), Some(&note)], None);
        pss_evaluation::build(block, Some(kind), why.allowed(), true)
    }

    /// The evaluation of a block whose extra texts are the pod name, reason, denial message, note
    /// and, when the message does not end with it, the detail.
    fn build(block: Block, kind: Option<WorkloadKind>, allowed: bool, template_absent: bool) -> pss_evaluation {
        let [pod_name, reason, denial_message, note] = [block.extra[0], block.extra[1], block.extra[2], block.extra[3]];
        let detail = block.aggregate.or(block.extra.get(4).copied()).unwrap_or(pss_str::of(""));
        let view = pss_evaluation_view {
            allowed,
            template_absent,
            kind: kind.map_or(pss_str::NONE, |k| pss_str::of(k.kind())),
            template_path: kind.map_or(pss_str::NONE, |k| pss_str::of(k.template_path())),
            pod_name,
            reason,
            detail,
            denial_message,
            note,
            violations: block.violations.as_ptr(),
            violation_count: block.violations.len(),
            fields: block.fields.as_ptr(),
            field_count: block.fields.len(),
            texts: block.texts,
            values: block.values,
        };
        pss_evaluation { block, view }
    }

    /// The evaluation as plain data.
    pub(crate) fn view(&self) -> &pss_evaluation_view {
        &self.view
    }

    fn violations(&self) -> &[pss_violation_view] {
        &self.block.violations
    }
}

impl pss_entry {
    /// The input's name in errors.
    fn what(self) -> &'static str {
        match self {
            pss_entry::Pod => "pod",
            pss_entry::Spec => "spec",
            pss_entry::Object => "object",
        }
    }
}

/// What an evaluating function made of its input: an evaluation of something named so, or an object
/// without a pod template (allowed, with pss-core's reason).
pub(crate) enum Outcome<'d> {
    Evaluated(&'d Evaluation, Option<&'d str>),
    TemplateAbsent(WorkloadKind, Option<&'d str>, &'d NoPodTemplate),
}

/// Decodes and evaluates the input of an entry point under the options, and hands the outcome to
/// `then` while the document it borrows from lives: the body shared by the evaluating functions.
fn evaluate<R>(
    lv: LevelVersion,
    options: Option<&pss_options>,
    data: &[u8],
    entry: pss_entry,
    then: impl FnOnce(Outcome<'_>) -> Result<R, Failure>,
) -> Result<R, Failure> {
    pss_options::check_len(options, data.len(), entry.what())?;
    let exclusions = pss_options::exclusions_of(options);
    match entry {
        pss_entry::Pod => {
            let document = PodDocument::from_slice_for_checks(data)?;
            then(Outcome::Evaluated(&evaluate_pod_excluding(lv, &document, exclusions), document.name()))
        }
        pss_entry::Spec => {
            if !exclusions.is_empty() {
                return Err(Failure::new(
                    pss_result::InvalidInput,
                    "exclusions are not applied to a bare pod spec (their fields are relative to a pod): \
                     evaluate the pod with pss_evaluate, or use options without exclusions",
                ));
            }
            let document = PodDocument::from_spec_slice(data)?;
            then(Outcome::Evaluated(&evaluate_spec(lv, &document), document.name()))
        }
        pss_entry::Object => {
            let document = ObjectDocument::from_slice_for_checks(data)?;
            match evaluate_object_excluding(lv, &document, exclusions) {
                Ok(evaluation) => then(Outcome::Evaluated(&evaluation, document.name())),
                Err(e @ NoPodTemplate::TemplateAbsent { kind }) => {
                    then(Outcome::TemplateAbsent(kind, document.name(), &e))
                }
                Err(e) => Err(Failure::new(pss_result::NotAWorkload, e.to_string())),
            }
        }
    }
}

impl LevelVersionArg {
    /// Reads the level and version (a handle's, or both as text).
    ///
    /// # Safety
    /// As the exported functions: a handle is NULL or live; text pointers are NULL or valid for
    /// their lengths.
    unsafe fn read(self) -> Result<LevelVersion, Failure> {
        match self {
            // SAFETY: the caller guarantees a non-NULL handle is live.
            LevelVersionArg::Handle(lv) => Ok(unsafe { handle(lv, "level_version") }?.level_version),
            LevelVersionArg::Text(level, level_len, version, version_len) => {
                // SAFETY: the caller guarantees the input pointers and lengths.
                let level = unsafe { input_str(level, level_len, "level") }?;
                // SAFETY: as above.
                let version = unsafe { input_str(version, version_len, "version") }?;
                Ok(pss_level_version::parse_level_version(level, version)?)
            }
        }
    }
}

/// The body of the six evaluating functions: reads the level and version (a handle, or both as
/// text), the options and the input, evaluates, and writes the evaluation to `*out`.
///
/// # Safety
/// As the exported functions: every pointer is NULL or valid as they document.
unsafe fn evaluate_into(
    level_version: LevelVersionArg,
    options: *const pss_options,
    data: *const u8,
    data_len: usize,
    entry: pss_entry,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            let lv = level_version.read()?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            // SAFETY: the caller guarantees `data_len` readable bytes at a non-NULL `data`.
            let data = input(data, data_len, entry.what())?;
            let out = non_null_mut(out, "out")?;
            let evaluation = evaluate(lv, options, data, entry, |outcome| {
                Ok(match outcome {
                    Outcome::Evaluated(evaluation, name) => pss_evaluation::new(evaluation, name),
                    Outcome::TemplateAbsent(kind, name, why) => pss_evaluation::template_absent(kind, name, why),
                })
            })?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(evaluation));
            Ok(())
        })
    }
}

/// The body of the flat evaluating functions: reads the level and version, the options, the entry
/// and the input, evaluates, and writes the evaluation flat into `buf` and its size to `*out_len`.
///
/// # Safety
/// As the exported functions: every pointer is NULL or valid as they document.
#[allow(clippy::too_many_arguments)] // the arguments of the exported functions
unsafe fn evaluate_flat_into(
    level_version: LevelVersionArg,
    options: *const pss_options,
    entry: u32,
    data: *const u8,
    data_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            let lv = level_version.read()?;
            // SAFETY: the caller guarantees a non-NULL `options` is live and not being modified.
            let options = (!options.is_null()).then(|| &*options);
            let entry = pss_entry::from_u32(entry).ok_or_else(|| {
                Failure::new(
                    pss_result::InvalidInput,
                    format!(
                        "invalid entry {entry}: must be PSS_ENTRY_POD (0), PSS_ENTRY_SPEC (1) or PSS_ENTRY_OBJECT (2)"
                    ),
                )
            })?;
            // SAFETY: the caller guarantees `data_len` readable bytes at a non-NULL `data`.
            let data = input(data, data_len, entry.what())?;
            let out_len = non_null_mut(out_len, "out_len")?;
            // SAFETY (both writes): the caller guarantees `buf_len` writable bytes at a non-NULL
            // `buf` that overlap neither `data` nor anything else the call reads.
            let size = evaluate(lv, options, data, entry, |outcome| match outcome {
                Outcome::Evaluated(evaluation, name) => flat::write(&CoreSource::new(evaluation, name), buf, buf_len),
                Outcome::TemplateAbsent(kind, name, why) => {
                    flat::write(&AbsentSource::new(kind, name, why), buf, buf_len)
                }
            })?;
            // SAFETY: `out_len` is non-NULL and writable (caller's guarantee).
            write(out_len, size);
            Ok(())
        })
    }
}

/// The level and version of an evaluating function: a handle, or a level and a version as text.
#[derive(Clone, Copy)]
enum LevelVersionArg {
    Handle(*const pss_level_version),
    Text(*const u8, usize, *const u8, usize),
}

/// Evaluates a pod, given as JSON bytes (UTF-8, not NUL-terminated), at a level and version, exactly
/// as the Kubernetes PodSecurity admission controller does. This is the pod entry point: a document
/// without `kind` is read as a pod (the caller says it is one); field paths are relative to the pod
/// (`spec.containers[0].securityContext.privileged`).
///
/// `options` may be NULL for the defaults; their exclusions, if any, are applied. The pod is decoded
/// as the API server decodes it (case-sensitive keys, unknown fields ignored); the pod name in the
/// denial message comes from `metadata.name`. Use `pss_level_version_evaluate_spec` for a bare
/// `PodSpec` and `pss_level_version_evaluate_object` for Deployments and the other controllers.
///
/// Ownership: `level_version`, `options` and `pod` stay the caller's and are not kept after the call
/// (the result copies what it needs). On success `*out` receives a new `pss_evaluation` the caller
/// owns and frees with `pss_evaluation_free`. On failure `*out` is not written and, when `err_out` is
/// not NULL, `*err_out` receives a new `pss_error` (message, field path, line, column, offset) the
/// caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_UNEXPECTED_KIND` for a document whose `kind` is present and not `Pod` (a
/// Deployment: use `pss_level_version_evaluate_object`); `PSS_RESULT_BARE_POD_SPEC` for a bare
/// `PodSpec` (pod spec fields such as `containers` at the top and no `spec`: use
/// `pss_level_version_evaluate_spec`), never an allowed empty pod; `PSS_RESULT_NULL_PARAMETER`
/// (`level_version`, `pod` or `out` is NULL; a NULL `pod` is reported even when `pod_len` is 0),
/// `PSS_RESULT_INVALID_UTF8`, `PSS_RESULT_INVALID_JSON` (including an empty or truncated pod),
/// `PSS_RESULT_NOT_AN_OBJECT`, `PSS_RESULT_INVALID_TYPE`, `PSS_RESULT_NUMBER_OUT_OF_RANGE`,
/// `PSS_RESULT_TOO_DEEP`, `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `level_version` and `options` are NULL or live handles of their types; `pod` is NULL or points to
/// `pod_len` readable bytes not modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_evaluate(
    level_version: *const pss_level_version,
    options: *const pss_options,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, pod, pod_len, pss_entry::Pod, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_evaluate` in one call, for callers that hold the
/// level and version as text. The level and version are checked before the pod is read.
///
/// Ownership: as `pss_level_version_evaluate`; `level` and `version` are read during the call only.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_evaluate`.
///
/// # Safety
/// `level`, `version` and `pod` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, and two out-parameters
pub unsafe extern "C" fn pss_evaluate(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    pod: *const u8,
    pod_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, pod, pod_len, pss_entry::Pod, out, err_out) }
}

/// Evaluates a bare pod spec (a `PodSpec`: `{"containers": [...], "hostNetwork": true, ...}`), given
/// as JSON bytes (UTF-8, not NUL-terminated), at a level and version, with the checks of
/// `pss_level_version_evaluate`. This is the spec entry point: field paths are relative to the spec
/// (`containers[0].securityContext.privileged`, `hostNetwork`), `pss_evaluation_kind` and
/// `pss_evaluation_template_path` are NULL, and the denial message reads `pods is forbidden:
/// violates PodSecurity "LEVEL:VERSION": DETAIL` (a spec has no name).
///
/// `options` may be NULL for the defaults; options with exclusions are refused (Kyverno's restricted
/// fields are relative to a pod): evaluate the pod instead.
///
/// Ownership: `level_version`, `options` and `spec` stay the caller's and are not kept after the
/// call. On success `*out` receives a new `pss_evaluation` the caller owns and frees with
/// `pss_evaluation_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_UNEXPECTED_KIND` for a whole object given as a spec (`spec`, `kind`,
/// `apiVersion` or `metadata` at its top: use `pss_level_version_evaluate` or
/// `pss_level_version_evaluate_object`), never an allowed empty spec; `PSS_RESULT_INVALID_INPUT` for
/// options with exclusions; the decoding errors of `pss_level_version_evaluate` (with paths in the
/// spec, e.g. `hostPID`); `PSS_RESULT_NULL_PARAMETER` (`level_version`, `spec` or `out` is NULL);
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `level_version` and `options` are NULL or live handles of their types; `spec` is NULL or points to
/// `spec_len` readable bytes not modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_evaluate_spec(
    level_version: *const pss_level_version,
    options: *const pss_options,
    spec: *const u8,
    spec_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, spec, spec_len, pss_entry::Spec, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_evaluate_spec` in one call. The level and version
/// are checked before the spec is read.
///
/// ```c
/// static const char spec[] = "{\"containers\":[{\"name\":\"c\",\"securityContext\":{\"privileged\":true}}]}";
/// pss_evaluation *ev = NULL;
/// if (pss_evaluate_spec((const uint8_t *)"baseline", 8, (const uint8_t *)"latest", 6, NULL,
///                       (const uint8_t *)spec, sizeof spec - 1, &ev, NULL) == PSS_RESULT_OK) {
///   // not allowed; the field's path is containers[0].securityContext.privileged
///   pss_evaluation_free(ev);
/// }
/// ```
///
/// Ownership: as `pss_level_version_evaluate_spec`; `level` and `version` are read during the call
/// only.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_evaluate_spec`.
///
/// # Safety
/// `level`, `version` and `spec` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, and two out-parameters
pub unsafe extern "C" fn pss_evaluate_spec(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    spec: *const u8,
    spec_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, spec, spec_len, pss_entry::Spec, out, err_out) }
}

/// Evaluates any object that carries a pod template, given as JSON bytes (UTF-8, not
/// NUL-terminated), at a level and version, as the PodSecurity admission controller evaluates it: a
/// Pod itself; a PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet, DaemonSet
/// or Job through its pod template; a CronJob through `spec.jobTemplate.spec.template`. This is the
/// object entry point: the `kind` (and the group of `apiVersion`, when present: `apps/v1` for a
/// Deployment) decides, as pss-core's `ObjectClass` says; field paths are relative to the object
/// (`spec.template.spec.containers[0].securityContext.privileged` for a Deployment). The evaluation
/// tells the kind (`pss_evaluation_kind`).
///
/// A document without `kind` (or with an empty one) is not a Kubernetes object (kubectl and the API
/// server refuse it): it is not evaluated, and never allowed (`PSS_RESULT_NOT_A_WORKLOAD`). Give a
/// pod without `kind` to `pss_level_version_evaluate`, and a bare pod spec to
/// `pss_level_version_evaluate_spec`.
///
/// A ReplicationController without `spec.template` (or with a null one) has no pods to check, and
/// upstream allows it: the evaluation is allowed, with `pss_evaluation_template_absent` true and a
/// note (`pss_evaluation_note`).
///
/// `options` may be NULL for the defaults; their exclusions, if any, are applied (restricted fields
/// relative to the pod template).
///
/// Ownership: `level_version`, `options` and `object` stay the caller's and are not kept after the
/// call. On success `*out` receives a new `pss_evaluation` the caller owns and frees with
/// `pss_evaluation_free`. On failure `*out` is not written and, when `err_out` is not NULL, `*err_out`
/// receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NOT_A_WORKLOAD` for an object that is not a pod or a pod controller, with
/// pss-core's message (`no pod template: Service is not a pod or a pod controller`; for a document
/// without `kind`, `no kind: not a Kubernetes object (kubectl and the API server refuse it), so it
/// is not evaluated`); the decoding errors of `pss_level_version_evaluate` (with paths in the object,
/// e.g. `spec.template.spec.hostPID`); `PSS_RESULT_NULL_PARAMETER` (`level_version`, `object` or
/// `out` is NULL); `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `level_version` and `options` are NULL or live handles of their types; `object` is NULL or points
/// to `object_len` readable bytes not modified during the call; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_evaluate_object(
    level_version: *const pss_level_version,
    options: *const pss_options,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, object, object_len, pss_entry::Object, out, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_evaluate_object` in one call. The level and version
/// are checked before the object is read.
///
/// Ownership: as `pss_level_version_evaluate_object`; `level` and `version` are read during the call
/// only.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_evaluate_object`.
///
/// # Safety
/// `level`, `version` and `object` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `out` and `err_out` are NULL or valid
/// for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, and two out-parameters
pub unsafe extern "C" fn pss_evaluate_object(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_evaluation,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_into(lv, options, object, object_len, pss_entry::Object, out, err_out) }
}

/// The kind of the evaluated workload as its `kind` spells it: `Pod`, `PodTemplate`,
/// `ReplicationController`, `ReplicaSet`, `Deployment`, `StatefulSet`, `DaemonSet`, `Job`, `CronJob`.
/// Always `Pod` for the pod functions (`pss_level_version_evaluate`, `pss_evaluate`); NULL and 0 for
/// a bare pod spec (`pss_level_version_evaluate_spec`, `pss_evaluate_spec`), which has no kind.
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_kind(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.kind.get()) }
}

/// Where the pod template is in the object: `spec.template`, `template` (PodTemplate),
/// `spec.jobTemplate.spec.template` (CronJob), or empty (a Pod is its own template). Field paths of
/// the template's fields start with it. NULL and 0 for a bare pod spec.
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_template_path(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.template_path.get()) }
}

/// Whether the object had no pod template to evaluate and is allowed for that reason (a
/// ReplicationController without `spec.template`, as upstream allows it). False for every other
/// evaluation.
///
/// Ownership: `evaluation` stays the caller's; `*out_absent` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_absent` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_template_absent(
    evaluation: *const pss_evaluation,
    out_absent: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(evaluation, "evaluation", out_absent, "out_absent", |e| e.view.template_absent) }
}

/// Why nothing was evaluated though the object is allowed:
/// `no pod template: the ReplicationController has no spec.template`. NULL and 0 for every evaluation
/// that ran the checks.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_note(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.note.get()) }
}

/// Whether the pod (spec, workload) is allowed (it has no violations).
///
/// Ownership: `evaluation` stays the caller's; `*out_allowed` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_allowed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_allowed(
    evaluation: *const pss_evaluation,
    out_allowed: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(evaluation, "evaluation", out_allowed, "out_allowed", |e| e.view.allowed) }
}

/// Upstream's aggregate `ForbiddenReason`: the violations' reasons joined by `", "` (empty when allowed).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_reason(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.reason.get()) }
}

/// Upstream's aggregate `ForbiddenDetail`: each `reason (detail)` (or `reason` alone when the detail is
/// empty) joined by `", "` (empty when allowed).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_detail(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.detail.get()) }
}

/// The denial, as pss-core words it (`Evaluation::denial_message`): for a pod, the API server's
/// message, `pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL`, NAME being the
/// pod's `metadata.name` (`pods is forbidden: ...` when it has none, and for a bare pod spec). For a
/// controller (which the API server never denies: it denies the pods the controller creates), with
/// the resource of its kind: `deployments "NAME" (pods it creates would be denied): violates
/// PodSecurity "LEVEL:VERSION": DETAIL`. Empty when allowed.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_denial_message(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.denial_message.get()) }
}

/// The pod's `metadata.name` (an object's, for `pss_level_version_evaluate_object`); NULL and 0 when
/// it has none (always for a bare pod spec).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `evaluation`, valid until it is freed.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_pod_name(
    evaluation: *const pss_evaluation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(evaluation, "evaluation", out_ptr, out_len, |e| e.view.pod_name.get()) }
}

/// The number of violations (0 when allowed).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_violation_count(
    evaluation: *const pss_evaluation,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(evaluation, "evaluation", out_count, "out_count", |e| e.view.violation_count) }
}

/// The violation at `index` (0-based, in upstream's order).
///
/// Ownership: `*out` receives a pointer borrowed from `evaluation`: valid until `evaluation` is freed,
/// not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_violation(
    evaluation: *const pss_evaluation,
    index: usize,
    out: *mut *const pss_violation,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(evaluation, "evaluation", index, out, pss_evaluation::violations) }
}

/// Frees an evaluation. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_evaluation`; its violations, fields and every view of them
/// become invalid.
///
/// # Safety
/// `evaluation` is NULL or a `pss_evaluation` from this library not freed before, and no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_free(evaluation: *mut pss_evaluation) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(evaluation) }
}

/// The failed check's upstream id (`privileged`, `capabilities_baseline`, `seLinuxOptions`, ...).
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_check_id(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_violation` is its view).
    unsafe { get_text(violation.cast::<pss_violation_view>(), "violation", out_ptr, out_len, |v| v.check_id.get()) }
}

/// Upstream's `ForbiddenReason` for this check, byte for byte (`privileged`, `host namespaces`, ...).
///
/// Ownership: writes a view (not NUL-terminated) of static text, valid for the life of the process.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_reason(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_violation` is its view).
    unsafe { get_text(violation.cast::<pss_violation_view>(), "violation", out_ptr, out_len, |v| v.reason.get()) }
}

/// Upstream's `ForbiddenDetail` for this check, byte for byte; may be empty.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the violation's evaluation, valid
/// until that is freed.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_detail(
    violation: *const pss_violation,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_violation` is its view).
    unsafe { get_text(violation.cast::<pss_violation_view>(), "violation", out_ptr, out_len, |v| v.detail.get()) }
}

/// The number of offending fields of this violation.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_field_count(
    violation: *const pss_violation,
    out_count: *mut usize,
) -> pss_result {
    let violation = violation.cast::<pss_violation_view>();
    // SAFETY: forwarded from the caller (a `pss_violation` is its view).
    unsafe { get_value(violation, "violation", out_count, "out_count", |v| v.field_count) }
}

/// The offending field at `index` (0-based, in the order upstream meets them).
///
/// Ownership: `*out` receives a pointer borrowed from the violation's evaluation: valid until that is
/// freed, not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `violation` is NULL or a live `pss_violation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_violation_field(
    violation: *const pss_violation,
    index: usize,
    out: *mut *const pss_field,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_violation` is its view, whose fields are valid).
    unsafe { get_item(violation.cast::<pss_violation_view>(), "violation", index, out, |v| view_fields(v)) }
}

/// The field's path in the pod, e.g. `spec.containers[0].securityContext.privileged` or
/// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`; in the object for
/// `pss_level_version_evaluate_object`, e.g. `spec.template.spec.containers[0].securityContext.privileged`;
/// in the spec for `pss_level_version_evaluate_spec`, e.g. `containers[0].securityContext.privileged`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_path(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_field` is its view).
    unsafe { get_text(field.cast::<pss_field_view>(), "field", out_ptr, out_len, |f| f.path.get()) }
}

/// The offending value as JSON text: `true`, `0`, `"Unconfined"`, `["NET_RAW"]`, `null` for a required
/// field that is missing, `{}` for an object whose presence is the problem.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_value_json(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_field` is its view).
    unsafe { get_text(field.cast::<pss_field_view>(), "field", out_ptr, out_len, |f| f.value_json.get()) }
}

/// The name of the container the field belongs to; NULL and 0 when it belongs to none (a pod-level
/// field).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the field's evaluation, valid until
/// that is freed.
///
/// # Safety
/// `field` is NULL or a live `pss_field`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_field_container(
    field: *const pss_field,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_field` is its view).
    unsafe { get_text(field.cast::<pss_field_view>(), "field", out_ptr, out_len, |f| f.container.get()) }
}

/// A violation's fields.
///
/// # Safety
/// `v` is a view made by a [`Block`] that is still alive.
pub(crate) unsafe fn view_fields(v: &pss_violation_view) -> &[pss_field_view] {
    // SAFETY: a block's violation views point at `field_count` initialised views in the block's
    // field array (for 0 fields, at a non-NULL, aligned address), alive as long as the block.
    unsafe { core::slice::from_raw_parts(v.fields, v.field_count) }
}

/// Reads a whole evaluation in one call: writes a pointer to its `pss_evaluation_view`, which holds
/// what the per-item getters give (allowed, the kind, the aggregate texts, the violations and their
/// fields as arrays of plain views), with every text of the evaluation in two blocks (`texts` and
/// `values`) so that a caller can copy it all at once.
///
/// Ownership: `*out` receives a pointer borrowed from `evaluation`; the view, its arrays and every
/// text it points to stay valid until `evaluation` is freed. The caller must not free or modify them.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`.
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_get_view(
    evaluation: *const pss_evaluation,
    out: *mut *const pss_evaluation_view,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(evaluation, "evaluation", out, "out", |e| &e.view as *const pss_evaluation_view) }
}

/// Evaluates a pod, a bare pod spec or any object (`entry`: `PSS_ENTRY_POD`, `PSS_ENTRY_SPEC`,
/// `PSS_ENTRY_OBJECT`, read as `pss_level_version_evaluate`, `pss_level_version_evaluate_spec` and
/// `pss_level_version_evaluate_object` read them) and writes the whole evaluation into the caller's
/// buffer in the flat layout (`pss_flat_evaluation`, version `PSS_FLAT_VERSION`): one call, no handle
/// to free, and everything the per-item getters give as records and spans in `buf`.
///
/// Sizes: with `buf` NULL and `buf_len` 0 the call only measures: it writes the number of bytes the
/// flat evaluation needs to `*out_len` and nothing else. When `buf_len` is smaller than that, the
/// call returns `PSS_RESULT_INSUFFICIENT_SIZE` and writes nothing (the `pss_error` says how many
/// bytes are needed); call again with a buffer that large (the same input gives the same bytes).
///
/// ```c
/// uint64_t buf[1024]; // any buffer aligned for uint32_t: the records are read in place
/// size_t n = 0;
/// if (pss_level_version_evaluate_flat(lv, NULL, PSS_ENTRY_POD, pod, pod_len, (uint8_t *)buf, sizeof buf,
///                                     &n, NULL) == PSS_RESULT_OK) {
///   const uint8_t *base = (const uint8_t *)buf;
///   const pss_flat_evaluation *e = (const pss_flat_evaluation *)base;
///   const pss_flat_violation *v = (const pss_flat_violation *)(base + e->violations);
///   for (uint32_t i = 0; i < e->violation_count; i++)
///     printf("%.*s\n", (int)v[i].reason.len, (const char *)base + v[i].reason.offset);
/// }
/// ```
///
/// Ownership: `level_version`, `options` and `data` stay the caller's and are not kept after the
/// call; `buf` is the caller's, written during the call only (on success, its first `*out_len`
/// bytes). On failure neither `buf` nor `*out_len` is written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: those of the evaluating function `entry` names; `PSS_RESULT_INVALID_INPUT` for an
/// `entry` that is none of the three; `PSS_RESULT_INSUFFICIENT_SIZE` (see above);
/// `PSS_RESULT_NULL_PARAMETER` (`level_version`, `data` or `out_len` is NULL, or `buf` is NULL with a
/// `buf_len` that is not 0); `PSS_RESULT_INPUT_TOO_LARGE` (also for a flat evaluation over 4 GiB).
///
/// # Safety
/// `level_version` and `options` are NULL or live handles of their types; `data` is NULL or points to
/// `data_len` readable bytes not modified during the call; `buf` is NULL or valid for writing
/// `buf_len` bytes and overlaps neither `data` nor any handle passed; `out_len` is NULL or valid for
/// writing one `size_t`; `err_out` is NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // the handle, options, entry, one (ptr, len) input, the buffer and two out-parameters
pub unsafe extern "C" fn pss_level_version_evaluate_flat(
    level_version: *const pss_level_version,
    options: *const pss_options,
    entry: u32,
    data: *const u8,
    data_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Handle(level_version);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_flat_into(lv, options, entry, data, data_len, buf, buf_len, out_len, err_out) }
}

/// `pss_level_version_new` and `pss_level_version_evaluate_flat` in one call, for callers that hold
/// the level and version as text (no handle is made). The level and version are checked before the
/// entry and the input.
///
/// Measuring first, then writing into a buffer of that size (malloc's is aligned for the records):
///
/// ```c
/// size_t need = 0, n = 0;
/// pss_result rc = pss_evaluate_flat((const uint8_t *)"restricted", 10, (const uint8_t *)"latest", 6, NULL,
///                                   PSS_ENTRY_OBJECT, doc, doc_len, NULL, 0, &need, NULL);
/// uint8_t *buf = rc == PSS_RESULT_OK ? malloc(need) : NULL;
/// if (buf != NULL && pss_evaluate_flat((const uint8_t *)"restricted", 10, (const uint8_t *)"latest", 6, NULL,
///                                      PSS_ENTRY_OBJECT, doc, doc_len, buf, need, &n, NULL) == PSS_RESULT_OK) {
///   const pss_flat_evaluation *e = (const pss_flat_evaluation *)buf;
///   if (!(e->flags & PSS_FLAT_ALLOWED))
///     printf("%.*s\n", (int)e->denial_message.len, (const char *)buf + e->denial_message.offset);
/// }
/// free(buf);
/// ```
///
/// Ownership: as `pss_level_version_evaluate_flat`; `level` and `version` are read during the call
/// only.
///
/// Errors: those of `pss_level_version_new` and of `pss_level_version_evaluate_flat`.
///
/// # Safety
/// `level`, `version` and `data` are NULL or point to their lengths in readable bytes not modified
/// during the call; `options` is NULL or a live `pss_options`; `buf` is NULL or valid for writing
/// `buf_len` bytes and overlaps none of the inputs; `out_len` is NULL or valid for writing one
/// `size_t`; `err_out` is NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, options, entry, the buffer and two out-parameters
pub unsafe extern "C" fn pss_evaluate_flat(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    options: *const pss_options,
    entry: u32,
    data: *const u8,
    data_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    let lv = LevelVersionArg::Text(level, level_len, version, version_len);
    // SAFETY: forwarded from the caller.
    unsafe { evaluate_flat_into(lv, options, entry, data, data_len, buf, buf_len, out_len, err_out) }
}

/// Writes an evaluation made before (by an evaluating function, or a decision's) into the caller's
/// buffer in the flat layout of `pss_level_version_evaluate_flat`, byte for byte what that function
/// writes for the same input.
///
/// Sizes: with `buf` NULL and `buf_len` 0 the call writes the number of bytes needed to `*out_len`
/// and nothing else; a `buf_len` smaller than that gives `PSS_RESULT_INSUFFICIENT_SIZE` and writes
/// nothing.
///
/// ```c
/// const pss_evaluation *enforce = NULL; // borrowed from the decision
/// size_t need = 0, n = 0;
/// if (pss_decision_enforce(decision, &enforce) == PSS_RESULT_OK && enforce != NULL &&
///     pss_evaluation_write_flat(enforce, NULL, 0, &need) == PSS_RESULT_OK) {
///   uint8_t *buf = malloc(need);
///   if (buf != NULL && pss_evaluation_write_flat(enforce, buf, need, &n) == PSS_RESULT_OK) {
///     // buf holds a pss_flat_evaluation of n bytes; it outlives the evaluation
///   }
///   free(buf);
/// }
/// ```
///
/// Ownership: `evaluation` stays the caller's; `buf` is the caller's, written during the call only (on
/// success, its first `*out_len` bytes); the flat evaluation refers to nothing outside `buf`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`evaluation` or `out_len` is NULL, or `buf` is NULL with a
/// `buf_len` that is not 0), `PSS_RESULT_INSUFFICIENT_SIZE`, `PSS_RESULT_INPUT_TOO_LARGE` (over 4 GiB).
///
/// # Safety
/// `evaluation` is NULL or a live `pss_evaluation`; `buf` is NULL or valid for writing `buf_len`
/// bytes and does not overlap the evaluation; `out_len` is NULL or valid for writing one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_evaluation_write_flat(
    evaluation: *const pss_evaluation,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
) -> pss_result {
    crate::ffi::guard(|| {
        // SAFETY: the caller guarantees a non-NULL `evaluation` is live.
        let evaluation = unsafe { handle(evaluation, "evaluation") }?;
        let out_len = non_null_mut(out_len, "out_len")?;
        // SAFETY: the caller guarantees `buf_len` writable bytes at a non-NULL `buf`, apart from the
        // evaluation.
        let size = unsafe { flat::write(&ViewSource::new(&evaluation.view), buf, buf_len) }?;
        // SAFETY: `out_len` is non-NULL and writable (caller's guarantee).
        unsafe { write(out_len, size) };
        Ok(())
    })
}
