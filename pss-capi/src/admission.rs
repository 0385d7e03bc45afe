//! PodSecurity admission: `pss_admission_config` (a PodSecurityConfiguration), `pss_admission` (the
//! admission controller with it), `pss_decision` (what it decides for one create request) and
//! `pss_namespace_review` (a namespace's creation or label change, dry-run against its pods).

use pss_core::admission::{Admission, AdmissionConfig, ConfigError, PodsCheck};
use pss_core::{FieldError, ObjectDocument, PodDocument};

use crate::error::pss_error;
use crate::evaluation::{pss_evaluation, pss_evaluation_view};
use crate::ffi::{
    free_handle, get_text, get_value, guard, guard_err, handle, input, input_list, input_str, into_handle,
    non_null_mut, parse_into, write, Failure,
};
use crate::labels::{item_failure, optional, pss_labels};
use crate::level_version::pss_level_version;
use crate::policy::pss_policy;
use crate::result::pss_result;
use crate::view::pss_str;

/// The most existing pods a namespace review checks (upstream's limit); with more, it checks this many
/// and says so in a warning. (A literal for the header; a test checks it is pss-core's
/// `MAX_PODS_TO_CHECK`.)
pub const PSS_MAX_PODS_TO_CHECK: usize = 3000;

/// A validated `PodSecurityConfiguration`: the default policy for namespaces without PodSecurity
/// labels, and the exempt usernames, namespaces and runtime classes. Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_admission_config {
    config: AdmissionConfig,
    defaults: pss_policy,
}

/// The PodSecurity admission controller with a configuration. Immutable: any number of threads may
/// use one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_admission {
    admission: Admission,
    defaults: pss_policy,
}

/// What PodSecurity admission decides for one create request: allowed or denied (with the API
/// server's message), the warnings, the audit annotations, the exemption, the namespace's policy, the
/// enforce-mode evaluation, and for a pod controller whether the pods it creates would be denied.
/// Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_decision {
    _denial: Option<String>,
    _pods_denial: Option<String>,
    _warnings: Vec<String>,
    _annotations: Vec<(String, String)>,
    warning_views: Vec<pss_str>,
    key_views: Vec<pss_str>,
    value_views: Vec<pss_str>,
    policy: pss_policy,
    /// The enforce-mode evaluation and the created pods' evaluation, when there are: in a `Vec` (not
    /// `Box`es), since the view points into them and moving a `Box` asserts unique access to what
    /// it holds, which would invalidate those pointers.
    evaluations: Vec<pss_evaluation>,
    enforce: Option<usize>,
    created_pods: Option<usize>,
    view: pss_decision_view,
}

/// A whole decision as plain data (`pss_decision_get_view`), valid until the decision is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_decision_view {
    /// As `pss_decision_allowed`.
    pub allowed: bool,
    /// As `pss_decision_kind`.
    pub kind: pss_str,
    /// As `pss_decision_denial` (`{NULL, 0}` when allowed).
    pub denial: pss_str,
    /// As `pss_decision_exemption` (`{NULL, 0}` when not exempt).
    pub exemption: pss_str,
    /// The warnings (never NULL).
    pub warnings: *const pss_str,
    /// The number of warnings.
    pub warning_count: usize,
    /// The audit annotations' keys, sorted (never NULL).
    pub annotation_keys: *const pss_str,
    /// The audit annotations' values, in the keys' order (never NULL).
    pub annotation_values: *const pss_str,
    /// The number of audit annotations.
    pub annotation_count: usize,
    /// The enforce-mode evaluation's view; NULL when none ran (`pss_decision_enforce`).
    pub enforce: *const pss_evaluation_view,
    /// As `pss_decision_pods_allowed`.
    pub pods_allowed: bool,
    /// As `pss_decision_pods_denial` (`{NULL, 0}` when the pods would be allowed).
    pub pods_denial: pss_str,
    /// The view of the evaluation of the pods a controller creates; NULL when there is none
    /// (`pss_decision_created_pods`).
    pub created_pods: *const pss_evaluation_view,
}

/// What the API server answers to a namespace's creation or label change, for PodSecurity: allowed
/// or invalid (with the message), the warnings (the dry run of a new enforce level against the
/// namespace's pods), and the namespace's new policy with its label errors. Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_namespace_review {
    _invalid: Option<String>,
    _warnings: Vec<String>,
    _summary: Option<String>,
    warning_views: Vec<pss_str>,
    policy: pss_policy,
    /// The enforce level and version before and after a change that is not stricter, or nothing:
    /// the view's `old_enforce` and `new_enforce` point into it (a `Vec`, which can move without
    /// invalidating them, unlike a `Box`).
    _not_stricter: Vec<pss_level_version>,
    view: pss_namespace_review_view,
}

/// Whether, and how, a namespace review checked the namespace's existing pods against its new
/// enforce level (pss-core's `PodsCheck`; upstream checks them only when the enforce level gets
/// stricter). The numbers are fixed and never reused; a newer library may add values.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(non_camel_case_types)]
pub enum pss_pods_check {
    /// A namespace creation: it has no pods yet.
    Creation = 0,
    /// The new labels are invalid: the change is rejected, no pod is checked.
    Invalid = 1,
    /// Not checked: the new enforce level is not stricter than the old one (the same, privileged,
    /// or a lower level at the same version); `pss_namespace_review_not_stricter` gives both.
    NotStricter = 2,
    /// Not checked: the namespace is exempt from Pod Security.
    Exempt = 3,
    /// Checked: `pss_namespace_review_pods_counts` says how many.
    Checked = 4,
}

/// A whole namespace review as plain data (`pss_namespace_review_get_view`), valid until the review
/// is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_namespace_review_view {
    /// As `pss_namespace_review_allowed`.
    pub allowed: bool,
    /// As `pss_namespace_review_invalid` (`{NULL, 0}` when allowed).
    pub invalid: pss_str,
    /// The warnings, in upstream's order (never NULL).
    pub warnings: *const pss_str,
    /// The number of warnings.
    pub warning_count: usize,
    /// As `pss_namespace_review_exempt`.
    pub exempt: bool,
    /// As `pss_namespace_review_pods_check`.
    pub pods_check: pss_pods_check,
    /// As `pss_namespace_review_pods_counts`: how many pods were checked (0 unless
    /// `PSS_PODS_CHECK_CHECKED`).
    pub pods_checked: usize,
    /// How many pods could have been checked (without upstream's limit).
    pub pods_total: usize,
    /// How many of the checked pods violate the new enforce level.
    pub pods_violating: usize,
    /// As `pss_namespace_review_not_stricter`: the enforce level and version before the change
    /// (NULL unless `PSS_PODS_CHECK_NOT_STRICTER`).
    pub old_enforce: *const pss_level_version,
    /// The enforce level and version after the change (NULL unless `PSS_PODS_CHECK_NOT_STRICTER`).
    pub new_enforce: *const pss_level_version,
    /// As `pss_namespace_review_summary` (`{NULL, 0}` without a summary).
    pub summary: pss_str,
}

// SAFETY: the views in these types point into strings and vectors they own (or static text), which
// are never written after the value is built.
unsafe impl Send for pss_decision {}
// SAFETY: as above.
unsafe impl Sync for pss_decision {}
// SAFETY: as above.
unsafe impl Send for pss_namespace_review {}
// SAFETY: as above.
unsafe impl Sync for pss_namespace_review {}

fn views(texts: &[String]) -> Vec<pss_str> {
    texts.iter().map(|t| pss_str::of(t)).collect()
}

fn opt_view(text: Option<&String>) -> pss_str {
    text.map_or(pss_str::NONE, |t| pss_str::of(t))
}

/// A rejected configuration as a failure: decoding errors keep their codes; upstream's validation
/// errors are `PSS_RESULT_INVALID_CONFIG`.
fn config_failure(e: ConfigError) -> Failure {
    match e {
        ConfigError::Decode(e) => e.into(),
        ConfigError::Invalid(errors) => Failure::aggregate(pss_result::InvalidConfig, &errors, FieldError::path),
        other => Failure::new(pss_result::InvalidConfig, other.to_string()),
    }
}

/// Reads a `PodSecurityConfiguration` (`pod-security.admission.config.k8s.io/v1`, `v1beta1` or
/// `v1alpha1`), or an API server `AdmissionConfiguration` with the `PodSecurity` plugin's inline
/// configuration, from JSON bytes (UTF-8). YAML is not read here: convert it to JSON first (the `pss`
/// command reads both). Decoding is strict, as upstream's: unknown and repeated fields are errors.
/// Unset defaults become `privileged` and `latest`; then everything is validated with upstream's
/// words.
///
/// Ownership: `json` is read during the call only. On success `*out` receives a new
/// `pss_admission_config` the caller owns and frees with `pss_admission_config_free`. On failure
/// `*out` is not written and, when `err_out` is not NULL, `*err_out` receives a new `pss_error` the
/// caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_INVALID_CONFIG` with upstream's validation errors (`defaults.enforce: Invalid
/// value: "strict": must be one of privileged, baseline, restricted`; several as `[a, b]`; one alone
/// gives its field as the error's path); `PSS_RESULT_UNKNOWN_FIELD`, `PSS_RESULT_DUPLICATE_FIELD`
/// (with the field's path and position); `PSS_RESULT_UNEXPECTED_KIND` (another document);
/// `PSS_RESULT_INVALID_JSON`, `PSS_RESULT_NOT_AN_OBJECT`, `PSS_RESULT_INVALID_TYPE`,
/// `PSS_RESULT_TOO_DEEP`, `PSS_RESULT_INVALID_UTF8`; `PSS_RESULT_NULL_PARAMETER` (`json` or `out`).
///
/// # Safety
/// `json` is NULL or points to `json_len` readable bytes not modified during the call; `out` and
/// `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_config_parse(
    json: *const u8,
    json_len: usize,
    out: *mut *mut pss_admission_config,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        parse_into(json, json_len, out, err_out, |json| {
            let config = AdmissionConfig::from_json_slice(json).map_err(config_failure)?;
            let defaults = pss_policy::new(config.defaults(), &[]);
            Ok(pss_admission_config { config, defaults })
        })
    }
}

/// The configuration's defaults: the policy of namespaces without PodSecurity labels.
///
/// Ownership: `*out` receives a pointer borrowed from `config`: valid until that is freed, not to be
/// freed by the caller.
///
/// # Safety
/// `config` is NULL or a live `pss_admission_config`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_config_defaults(
    config: *const pss_admission_config,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(config, "config", out, "out", |c| &c.defaults as *const pss_policy) }
}

/// Frees a configuration. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_admission_config`; its defaults become invalid. An
/// admission made from it stays valid (it copies the configuration).
///
/// # Safety
/// `config` is NULL or a `pss_admission_config` from this library not freed before, and no other
/// thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_config_free(config: *mut pss_admission_config) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(config) }
}

/// Makes an admission controller with a configuration, or with upstream's defaults when `config` is
/// NULL (`privileged:latest` in every mode for namespaces without labels, no exemptions).
///
/// Ownership: `config` stays the caller's (it is copied). On success `*out` receives a new
/// `pss_admission` the caller owns and frees with `pss_admission_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`out` is NULL).
///
/// # Safety
/// `config` is NULL or a live `pss_admission_config`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_new(
    config: *const pss_admission_config,
    out: *mut *mut pss_admission,
) -> pss_result {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        // SAFETY: the caller guarantees a non-NULL `config` is live.
        let config = (!config.is_null()).then(|| unsafe { &*config });
        let admission = Admission::new(config.map(|c| c.config.clone()).unwrap_or_default());
        let defaults = pss_policy::new(admission.config().defaults(), &[]);
        // SAFETY: `out` is non-NULL and writable (caller's guarantee).
        unsafe { write(out, into_handle(pss_admission { admission, defaults })) };
        Ok(())
    })
}

/// The admission controller's defaults: the policy of namespaces without PodSecurity labels (its
/// configuration's, or upstream's `privileged:latest` in every mode without one).
///
/// Ownership: `*out` receives a pointer borrowed from `admission`: valid until that is freed, not to
/// be freed by the caller.
///
/// # Safety
/// `admission` is NULL or a live `pss_admission`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_defaults(
    admission: *const pss_admission,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(admission, "admission", out, "out", |a| &a.defaults as *const pss_policy) }
}

/// Frees an admission controller. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_admission`. Decisions and reviews made with it stay valid.
///
/// # Safety
/// `admission` is NULL or a `pss_admission` from `pss_admission_new` not freed before, and no other
/// thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_admission_free(admission: *mut pss_admission) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(admission) }
}

impl pss_decision {
    fn new(decision: &pss_core::admission::Decision, name: Option<&str>) -> pss_decision {
        let denial = decision.denial().map(str::to_owned);
        let pods_denial = decision.pods_denial().map(str::to_owned);
        let warnings = decision.warnings().to_vec();
        let annotations: Vec<(String, String)> =
            decision.audit_annotations().iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        let warning_views = views(&warnings);
        let key_views: Vec<pss_str> = annotations.iter().map(|(k, _)| pss_str::of(k)).collect();
        let value_views: Vec<pss_str> = annotations.iter().map(|(_, v)| pss_str::of(v)).collect();
        let mut evaluations = Vec::with_capacity(2);
        let mut keep = |e: Option<&pss_core::Evaluation>| {
            e.map(|e| {
                evaluations.push(pss_evaluation::new(e, name));
                evaluations.len() - 1
            })
        };
        let (enforce, created_pods) = (keep(decision.enforce()), keep(decision.created_pods()));
        let view_of = |i: Option<usize>| i.map_or(core::ptr::null(), |i| evaluations[i].view() as *const _);
        let view = pss_decision_view {
            allowed: decision.allowed(),
            kind: pss_str::of(decision.kind().kind()),
            denial: opt_view(denial.as_ref()),
            exemption: decision.exemption().map_or(pss_str::NONE, |e| pss_str::of(e.as_str())),
            warnings: warning_views.as_ptr(),
            warning_count: warning_views.len(),
            annotation_keys: key_views.as_ptr(),
            annotation_values: value_views.as_ptr(),
            annotation_count: key_views.len(),
            enforce: view_of(enforce),
            pods_allowed: decision.pods_allowed(),
            pods_denial: opt_view(pods_denial.as_ref()),
            created_pods: view_of(created_pods),
        };
        pss_decision {
            _denial: denial,
            _pods_denial: pods_denial,
            _warnings: warnings,
            _annotations: annotations,
            warning_views,
            key_views,
            value_views,
            policy: pss_policy::new(decision.policy(), decision.label_errors()),
            evaluations,
            enforce,
            created_pods,
            view,
        }
    }
}

/// Decides a create request as the PodSecurity admission controller does: for the pod or pod
/// controller `object` (JSON bytes, UTF-8; its `kind` decides, its `metadata.name` names it in
/// messages), created by `username` (empty when unknown) in `namespace`, whose labels are
/// `namespace_labels` (NULL: none). The namespace's policy comes from its labels over the
/// configuration's defaults; exemptions apply by namespace, then user, then the pod's runtime
/// class. Pods are checked in the enforce, audit and warn modes and denied when enforce fails, with
/// the API server's message; controllers (Deployment, Job, ...) are never denied, only warned and
/// audited, and the pods they create are evaluated at the enforce level (unless those pods would be
/// exempt, by namespace or runtime class): `pss_decision_pods_allowed`, `pss_decision_pods_denial`
/// and `pss_decision_created_pods` say whether the API server would deny them.
///
/// Ownership: every input is read during the call only; `admission` and `namespace_labels` stay the
/// caller's. On success `*out` receives a new `pss_decision` the caller owns and frees with
/// `pss_decision_free`. On failure `*out` is not written and, when `err_out` is not NULL, `*err_out`
/// receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_NOT_A_WORKLOAD` for an object PodSecurity does not look at (a Service);
/// the decoding errors of `pss_level_version_evaluate_object`; `PSS_RESULT_INVALID_UTF8` (`namespace`,
/// `username`); `PSS_RESULT_NULL_PARAMETER` (`admission`, `namespace`, `username`, `object`, `out`).
///
/// # Safety
/// `admission` is NULL or a live `pss_admission`; `namespace_labels` is NULL or a live `pss_labels`
/// not modified during the call; `namespace`, `username` and `object` are NULL or point to their
/// lengths in readable bytes not modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // three (ptr, len) inputs, two handles, two out-parameters
pub unsafe extern "C" fn pss_admission_review(
    admission: *const pss_admission,
    namespace: *const u8,
    namespace_len: usize,
    namespace_labels: *const pss_labels,
    username: *const u8,
    username_len: usize,
    object: *const u8,
    object_len: usize,
    out: *mut *mut pss_decision,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees a non-NULL `admission` is live.
            let admission = &handle(admission, "admission")?.admission;
            // SAFETY: the caller guarantees the input pointers and lengths.
            let namespace = input_str(namespace, namespace_len, "namespace")?;
            // SAFETY: the caller guarantees a non-NULL `namespace_labels` is live and unmodified.
            let labels = optional(namespace_labels);
            // SAFETY: as above.
            let username = input_str(username, username_len, "username")?;
            // SAFETY: as above.
            let object = input(object, object_len, "object")?;
            let out = non_null_mut(out, "out")?;
            let document = ObjectDocument::from_slice(object)?;
            let name = document.name();
            let decision = admission
                .review(&document, name.unwrap_or(""), namespace, pss_labels::pairs_of(labels), username)
                .map_err(|e| Failure::new(pss_result::NotAWorkload, e.to_string()))?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_decision::new(&decision, name)));
            Ok(())
        })
    }
}

/// Whether the request is admitted (only pods are ever denied).
///
/// Ownership: `*out_allowed` is written on success.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_allowed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_allowed(decision: *const pss_decision, out_allowed: *mut bool) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out_allowed, "out_allowed", |d| d.view.allowed) }
}

/// The API server's error when it denies the pod:
/// `pods "NAME" is forbidden: violates PodSecurity "LEVEL:VERSION": DETAIL`. NULL and 0 when allowed.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `decision`, valid until it is freed.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_denial(
    decision: *const pss_decision,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(decision, "decision", out_ptr, out_len, |d| d.view.denial.get()) }
}

/// The object's kind (`Pod`, `Deployment`, ...).
///
/// Ownership: writes a view (not NUL-terminated) of static text.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_kind(
    decision: *const pss_decision,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(decision, "decision", out_ptr, out_len, |d| d.view.kind.get()) }
}

/// Why the request was exempt, as the `pod-security.kubernetes.io/exempt` audit annotation says it:
/// `namespace`, `user` or `runtimeClass`. NULL and 0 when it was not exempt.
///
/// Ownership: writes a view (not NUL-terminated) of static text.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_exemption(
    decision: *const pss_decision,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(decision, "decision", out_ptr, out_len, |d| d.view.exemption.get()) }
}

/// The number of warnings returned to the client.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_warning_count(
    decision: *const pss_decision,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out_count, "out_count", |d| d.warning_views.len()) }
}

/// The warning at `index`, as kubectl shows it after `Warning: `:
/// `would violate PodSecurity "LEVEL:VERSION": DETAIL`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `decision`, valid until it is freed.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_warning(
    decision: *const pss_decision,
    index: usize,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_indexed_text(decision, "decision", index, out_ptr, out_len, |d| &d.warning_views) }
}

/// The number of audit annotations.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_audit_annotation_count(
    decision: *const pss_decision,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out_count, "out_count", |d| d.key_views.len()) }
}

/// The audit annotation at `index` (sorted by key), with its full key:
/// `pod-security.kubernetes.io/enforce-policy` = `baseline:latest`,
/// `pod-security.kubernetes.io/audit-violations` = `would violate PodSecurity ...`,
/// `pod-security.kubernetes.io/exempt` = `namespace`, `pod-security.kubernetes.io/error` = `...`.
///
/// Ownership: writes views (not NUL-terminated) of text owned by `decision`, valid until it is freed.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; each out-pointer is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_audit_annotation(
    decision: *const pss_decision,
    index: usize,
    out_key_ptr: *mut *const u8,
    out_key_len: *mut usize,
    out_value_ptr: *mut *const u8,
    out_value_len: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `decision` is live.
        let d = unsafe { handle(decision, "decision") }?;
        let out_key_ptr = non_null_mut(out_key_ptr, "out_key_ptr")?;
        let out_key_len = non_null_mut(out_key_len, "out_key_len")?;
        let out_value_ptr = non_null_mut(out_value_ptr, "out_value_ptr")?;
        let out_value_len = non_null_mut(out_value_len, "out_value_len")?;
        let (key, value) = match (d.key_views.get(index), d.value_views.get(index)) {
            (Some(k), Some(v)) => (*k, *v),
            _ => return Err(Failure::code(pss_result::IndexOutOfRange)),
        };
        // SAFETY: the four pointers are non-NULL and valid for writing (caller's guarantee).
        unsafe {
            write(out_key_ptr, key.ptr);
            write(out_key_len, key.len);
            write(out_value_ptr, value.ptr);
            write(out_value_len, value.len);
        }
        Ok(())
    })
}

/// The namespace's policy (its labels over the configuration's defaults), with the errors of its
/// labels (`pss_policy_error_count`; they are also in the `pod-security.kubernetes.io/error`
/// audit annotation when the checks ran).
///
/// Ownership: `*out` receives a pointer borrowed from `decision`: valid until that is freed, not to
/// be freed by the caller.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_policy(decision: *const pss_decision, out: *mut *const pss_policy) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out, "out", |d| &d.policy as *const pss_policy) }
}

/// The enforce-mode evaluation, when one ran (pods that are not exempt): its violations and fields,
/// as any `pss_evaluation`. NULL when none ran (controllers, exempt requests, a fully privileged
/// namespace).
///
/// Ownership: `*out` receives a pointer borrowed from `decision` (or NULL): valid until `decision` is
/// freed, never to be passed to `pss_evaluation_free`.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_enforce(
    decision: *const pss_decision,
    out: *mut *const pss_evaluation,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        get_value(decision, "decision", out, "out", |d| {
            d.enforce.map_or(core::ptr::null(), |i| &d.evaluations[i] as *const pss_evaluation)
        })
    }
}

/// Whether neither the object nor the pods it creates would be denied (pss-core's
/// `Decision::pods_allowed`): for a pod, `pss_decision_allowed`; for a controller, which the API
/// server admits, whether the pods it creates pass the namespace's enforce level. This is what a gate
/// before the cluster (CI) should fail on.
///
/// Ownership: `*out_allowed` is written on success.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_allowed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_pods_allowed(
    decision: *const pss_decision,
    out_allowed: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out_allowed, "out_allowed", |d| d.view.pods_allowed) }
}

/// What a gate before the cluster should report as denied (pss-core's `Decision::pods_denial`): for
/// a pod, the API server's denial (`pss_decision_denial`); for a controller, that the pods it creates
/// would be denied: `deployments "NAME" (pods it creates would be denied): violates PodSecurity
/// "LEVEL:VERSION": DETAIL`. NULL and 0 when `pss_decision_pods_allowed` is true.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `decision`, valid until it is freed.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out_ptr` and `out_len` are NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_pods_denial(
    decision: *const pss_decision,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(decision, "decision", out_ptr, out_len, |d| d.view.pods_denial.get()) }
}

/// For a pod controller, the evaluation at the namespace's enforce level of the pods it creates,
/// which the API server checks when the controller creates them (pss-core's
/// `Decision::created_pods`; field paths relative to the controller, as
/// `pss_level_version_evaluate_object` gives them). NULL for a pod (see `pss_decision_enforce`), for a
/// controller without a template, and when those pods would be exempt (by namespace or runtime class;
/// a user exemption does not cover them: the controller creates them, not the user).
///
/// Ownership: `*out` receives a pointer borrowed from `decision` (or NULL): valid until `decision` is
/// freed, never to be passed to `pss_evaluation_free`.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_created_pods(
    decision: *const pss_decision,
    out: *mut *const pss_evaluation,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        get_value(decision, "decision", out, "out", |d| {
            d.created_pods.map_or(core::ptr::null(), |i| &d.evaluations[i] as *const pss_evaluation)
        })
    }
}

/// Reads a whole decision in one call: writes a pointer to its `pss_decision_view` (allowed, kind,
/// denial, exemption, the warnings and audit annotations as arrays of views, the enforce-mode
/// evaluation's view, and whether the pods a controller creates would be denied).
///
/// Ownership: `*out` receives a pointer borrowed from `decision`; the view, its arrays and every text
/// it points to stay valid until `decision` is freed.
///
/// # Safety
/// `decision` is NULL or a live `pss_decision`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_get_view(
    decision: *const pss_decision,
    out: *mut *const pss_decision_view,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(decision, "decision", out, "out", |d| &d.view as *const pss_decision_view) }
}

/// Frees a decision. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_decision`; its policy, enforce evaluation and every view
/// of them become invalid.
///
/// # Safety
/// `decision` is NULL or a `pss_decision` from this library not freed before, and no other thread uses
/// it.
#[no_mangle]
pub unsafe extern "C" fn pss_decision_free(decision: *mut pss_decision) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(decision) }
}

/// Reviews a namespace's creation (`old_labels` NULL) or label change (from `old_labels` to
/// `new_labels`; NULL `new_labels` means none) as the API server's PodSecurity admission does. Invalid
/// PodSecurity labels are rejected with upstream's message (on a change, unless the old labels had the
/// same errors). When the change makes the enforce level stricter, the new enforce level is dry-run
/// against the namespace's existing `pods` (`pod_count` pods, each JSON bytes, given as parallel
/// arrays): pods of an exempt runtime class are skipped, one pod per controller is checked first, at
/// most `PSS_MAX_PODS_TO_CHECK` are checked, and pods with the same reasons are reported together,
/// in upstream's words, as `kubectl label --dry-run=server` shows them:
/// `existing pods in namespace "NS" violate the new PodSecurity enforce level "restricted:latest"`,
/// then `NAME (and N other pods): REASONS`. An exempt namespace gets upstream's notice instead.
/// (Upstream also stops after one second; this review has no time limit.)
///
/// To dry-run `kubectl label ns NS pod-security.kubernetes.io/enforce=LEVEL`, pass the namespace's
/// labels as `old_labels` and a copy (`pss_labels_clone`) with that label set (`pss_labels_add`) as
/// `new_labels`.
///
/// Ownership: every input is read during the call only; `admission` and the labels stay the caller's.
/// On success `*out` receives a new `pss_namespace_review` the caller owns and frees with
/// `pss_namespace_review_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: the decoding errors of `pss_level_version_evaluate` for a pod that cannot be decoded (its display
/// starts with `pods[i]: `); `PSS_RESULT_INVALID_UTF8` (`namespace`); `PSS_RESULT_NULL_PARAMETER`
/// (`admission`, `namespace`, `out`, or a pod array or element with a count above 0);
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `admission` is NULL or a live `pss_admission`; the labels are NULL or live `pss_labels` not modified
/// during the call; `namespace` is NULL or points to `namespace_len` readable bytes; with a count
/// above 0, non-NULL arrays hold `pod_count` elements and each non-NULL element points to its length
/// in readable bytes; none is modified during the call; `out` and `err_out` are NULL or valid for
/// writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // a (ptr, len) input, a (ptrs, lens, count) list, three handles, two out-parameters
pub unsafe extern "C" fn pss_admission_review_namespace(
    admission: *const pss_admission,
    namespace: *const u8,
    namespace_len: usize,
    old_labels: *const pss_labels,
    new_labels: *const pss_labels,
    pods: *const *const u8,
    pod_lens: *const usize,
    pod_count: usize,
    out: *mut *mut pss_namespace_review,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees a non-NULL `admission` is live.
            let admission = &handle(admission, "admission")?.admission;
            // SAFETY: the caller guarantees the input pointers and lengths.
            let namespace = input_str(namespace, namespace_len, "namespace")?;
            // SAFETY: the caller guarantees non-NULL labels are live and unmodified.
            let (old, new) = (optional(old_labels), optional(new_labels));
            // SAFETY: the caller guarantees the arrays, their elements and `pod_count`.
            let texts = input_list(pods, pod_lens, pod_count, "pods")?;
            let out = non_null_mut(out, "out")?;
            let mut documents = Vec::with_capacity(texts.len());
            for (i, (text, _)) in texts.iter().enumerate() {
                documents.push(PodDocument::from_slice(text).map_err(|e| item_failure(e.into(), "pods", i))?);
            }
            let review = admission.review_namespace(
                namespace,
                old.map(pss_labels::pairs),
                pss_labels::pairs_of(new),
                &documents,
            );
            let result = pss_namespace_review::new(&review)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(result));
            Ok(())
        })
    }
}

impl pss_namespace_review {
    fn new(review: &pss_core::admission::NamespaceReview) -> Result<pss_namespace_review, Failure> {
        let invalid = review.invalid().map(str::to_owned);
        let warnings = review.warnings().to_vec();
        let summary = review.summary();
        let warning_views = views(&warnings);
        let (mut checked, mut total, mut violating) = (0, 0, 0);
        let mut not_stricter = Vec::new();
        let pods_check = match review.pods_check() {
            PodsCheck::Creation => pss_pods_check::Creation,
            PodsCheck::Invalid => pss_pods_check::Invalid,
            PodsCheck::NotStricter { old, new } => {
                not_stricter = vec![pss_level_version::new(old), pss_level_version::new(new)];
                pss_pods_check::NotStricter
            }
            PodsCheck::Exempt => pss_pods_check::Exempt,
            PodsCheck::Checked { checked: c, total: t, violating: v } => {
                (checked, total, violating) = (c, t, v);
                pss_pods_check::Checked
            }
            // A case pss-core added that this library does not translate yet: a bug in pss.
            other => {
                return Err(Failure::new(
                    pss_result::Panic,
                    format!("internal error: pss-core's pods check {other:?} has no C translation"),
                ))
            }
        };
        let (old_enforce, new_enforce) = match not_stricter.as_slice() {
            [old, new] => (old as *const pss_level_version, new as *const pss_level_version),
            _ => (core::ptr::null(), core::ptr::null()),
        };
        let view = pss_namespace_review_view {
            allowed: review.allowed(),
            invalid: opt_view(invalid.as_ref()),
            warnings: warning_views.as_ptr(),
            warning_count: warning_views.len(),
            exempt: review.exempt(),
            pods_check,
            pods_checked: checked,
            pods_total: total,
            pods_violating: violating,
            old_enforce,
            new_enforce,
            summary: opt_view(summary.as_ref()),
        };
        Ok(pss_namespace_review {
            _invalid: invalid,
            _warnings: warnings,
            _summary: summary,
            warning_views,
            policy: pss_policy::new(review.policy(), review.errors()),
            _not_stricter: not_stricter,
            view,
        })
    }
}

/// Whether the namespace change is admitted (only invalid labels are rejected).
///
/// Ownership: `*out_allowed` is written on success.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_allowed` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_allowed(
    review: *const pss_namespace_review,
    out_allowed: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out_allowed, "out_allowed", |r| r.view.allowed) }
}

/// The rejection of invalid labels: `Namespace "NS" is invalid: metadata.labels[...]: Invalid value:
/// ...`. NULL and 0 when allowed.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `review`, valid until it is freed.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_invalid(
    review: *const pss_namespace_review,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(review, "review", out_ptr, out_len, |r| r.view.invalid.get()) }
}

/// The number of warnings.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_warning_count(
    review: *const pss_namespace_review,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out_count, "out_count", |r| r.warning_views.len()) }
}

/// The warning at `index`, word for word as upstream gives it (kubectl prints each after
/// `Warning: `).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `review`, valid until it is freed.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_warning(
    review: *const pss_namespace_review,
    index: usize,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_indexed_text(review, "review", index, out_ptr, out_len, |r| &r.warning_views) }
}

/// The namespace's new policy, with the errors of its new labels
/// (`pss_policy_error_count`, `pss_policy_error`).
///
/// Ownership: `*out` receives a pointer borrowed from `review`: valid until that is freed, not to be
/// freed by the caller.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_policy(
    review: *const pss_namespace_review,
    out: *mut *const pss_policy,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out, "out", |r| &r.policy as *const pss_policy) }
}

/// Whether the namespace is exempt from Pod Security by the admission configuration's exemptions
/// (pss-core's `NamespaceReview::exempt`), whatever the change.
///
/// Ownership: `*out_exempt` is written on success.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_exempt` is NULL or valid for writing a
/// `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_exempt(
    review: *const pss_namespace_review,
    out_exempt: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out_exempt, "out_exempt", |r| r.view.exempt) }
}

/// Whether, and how, the namespace's existing pods were checked against its new enforce level
/// (pss-core's `NamespaceReview::pods_check`): a creation, invalid labels, a change that is not
/// stricter, an exempt namespace, or checked.
///
/// Ownership: `*out_check` is written on success.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_check` is NULL or valid for writing a
/// `pss_pods_check`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_pods_check(
    review: *const pss_namespace_review,
    out_check: *mut pss_pods_check,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out_check, "out_check", |r| r.view.pods_check) }
}

/// For `PSS_PODS_CHECK_CHECKED`: how many pods were checked (at most `PSS_MAX_PODS_TO_CHECK`; pods of
/// an exempt runtime class are not), how many could have been (without the limit), and how many of
/// the checked ones violate the new enforce level. 0, 0 and 0 for every other check.
///
/// Ownership: the out-parameters belong to the caller and are written on success.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; each out-pointer is NULL or valid for writing
/// one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_pods_counts(
    review: *const pss_namespace_review,
    out_checked: *mut usize,
    out_total: *mut usize,
    out_violating: *mut usize,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `review` is live.
        let r = unsafe { handle(review, "review") }?;
        let out_checked = non_null_mut(out_checked, "out_checked")?;
        let out_total = non_null_mut(out_total, "out_total")?;
        let out_violating = non_null_mut(out_violating, "out_violating")?;
        // SAFETY: the three pointers are non-NULL and valid for writing (caller's guarantee).
        unsafe {
            write(out_checked, r.view.pods_checked);
            write(out_total, r.view.pods_total);
            write(out_violating, r.view.pods_violating);
        }
        Ok(())
    })
}

/// For `PSS_PODS_CHECK_NOT_STRICTER`: the enforce level and version before the change (`*out_old`)
/// and after it (`*out_new`), the reason no pod was checked. NULL and NULL for every other check.
///
/// Ownership: the pointers written are borrowed from `review`: valid until it is freed, not to be
/// freed by the caller.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_old` and `out_new` are NULL or valid for
/// writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_not_stricter(
    review: *const pss_namespace_review,
    out_old: *mut *const pss_level_version,
    out_new: *mut *const pss_level_version,
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `review` is live.
        let r = unsafe { handle(review, "review") }?;
        let out_old = non_null_mut(out_old, "out_old")?;
        let out_new = non_null_mut(out_new, "out_new")?;
        // SAFETY: both pointers are non-NULL and valid for writing (caller's guarantee).
        unsafe {
            write(out_old, r.view.old_enforce);
            write(out_new, r.view.new_enforce);
        }
        Ok(())
    })
}

/// One line that says what the change means for the existing pods, as pss-core words it
/// (`NamespaceReview::summary`, the line `pss label-dry-run` prints): `namespace "prod": 3 of 5 pods
/// would violate the new enforce level "restricted:latest"`, `... is not stricter than ...: 5
/// existing pods not checked`, `namespace "prod": exempt from Pod Security: ...`. NULL and 0 for a
/// creation and for invalid labels.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `review`, valid until it is freed.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_summary(
    review: *const pss_namespace_review,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(review, "review", out_ptr, out_len, |r| r.view.summary.get()) }
}

/// Reads a whole namespace review in one call: writes a pointer to its `pss_namespace_review_view`.
///
/// Ownership: `*out` receives a pointer borrowed from `review`; the view, its array and every text it
/// points to stay valid until `review` is freed.
///
/// # Safety
/// `review` is NULL or a live `pss_namespace_review`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_get_view(
    review: *const pss_namespace_review,
    out: *mut *const pss_namespace_review_view,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(review, "review", out, "out", |r| &r.view as *const pss_namespace_review_view) }
}

/// Frees a namespace review. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_namespace_review`; its policy and every view become
/// invalid.
///
/// # Safety
/// `review` is NULL or a `pss_namespace_review` from this library not freed before, and no other
/// thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_namespace_review_free(review: *mut pss_namespace_review) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(review) }
}

/// The body of a getter of the text at `index` of a list of views a handle owns.
///
/// # Safety
/// `handle_ptr` is NULL or a live `T`; `out_ptr` and `out_len` are NULL or valid for writing.
pub(crate) unsafe fn get_indexed_text<T>(
    handle_ptr: *const T,
    parameter: &'static str,
    index: usize,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
    items: impl FnOnce(&T) -> &[pss_str],
) -> pss_result {
    guard(|| {
        // SAFETY: the caller guarantees a non-NULL `handle_ptr` is live.
        let h = unsafe { handle(handle_ptr, parameter) }?;
        let out_ptr = non_null_mut(out_ptr, "out_ptr")?;
        let out_len = non_null_mut(out_len, "out_len")?;
        let item = *items(h).get(index).ok_or(Failure::code(pss_result::IndexOutOfRange))?;
        // SAFETY: both pointers are non-NULL and valid for writing (caller's guarantee).
        unsafe {
            write(out_ptr, item.ptr);
            write(out_len, item.len);
        }
        Ok(())
    })
}
