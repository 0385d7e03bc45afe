//! Kyverno policies: `pss_kyverno_policy` (a `ClusterPolicy` or `Policy` with `validate.podSecurity`
//! rules), `pss_kyverno_result` (the policy applied to one resource) and `pss_kyverno_rule` (one
//! rule's outcome).

use pss_core::kyverno::{blocked_message, FailureAction, KyvernoPolicy, PolicyError, RuleStatus};
use pss_core::{FieldError, ObjectDocument};

use crate::admission::get_indexed_text;
use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_item, get_text, get_value, guard_err, handle, input, input_str, into_handle, non_null_mut,
    parse_into, write, Failure,
};
use crate::labels::{optional, pss_labels};
use crate::result::pss_result;
use crate::view::{pss_field_view, pss_str, pss_violation_view, Block};

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, ...), validated as Kyverno
/// validates it, with its rules for pod controllers generated (`autogen-...`). Immutable: any number
/// of threads may apply one at once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_kyverno_policy {
    policy: KyvernoPolicy,
    rule_names: Vec<String>,
    rule_name_views: Vec<pss_str>,
}

// SAFETY: the views point into `rule_names`, never written after the policy is built.
unsafe impl Send for pss_kyverno_policy {}
// SAFETY: as above.
unsafe impl Sync for pss_kyverno_policy {}

/// A rule's outcome. The numbers are fixed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum pss_kyverno_status {
    /// The resource satisfies the rule.
    Pass = 0,
    /// The resource violates the rule.
    Fail = 1,
    /// The rule did not apply (a ReplicationController without a pod template).
    Skip = 2,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error = 3,
    /// A rule type pss does not run (`mutate`, `validate.pattern`, ...); never silently passed.
    Unsupported = 4,
}

/// What a failed rule does to the request. The numbers are fixed.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum pss_kyverno_action {
    /// Block it.
    Enforce = 0,
    /// Admit it and report the failure.
    Audit = 1,
}

/// One rule's outcome as plain data; a `pss_kyverno_rule` pointer is the address of its view.
/// Every non-empty text of the rule (`name`, `message`, and its violations' and fields' texts) lies in
/// `texts`, every field's value in `values`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_kyverno_rule_view {
    /// As `pss_kyverno_rule_name`.
    pub name: pss_str,
    /// As `pss_kyverno_rule_status`.
    pub status: pss_kyverno_status,
    /// As `pss_kyverno_rule_action`.
    pub action: pss_kyverno_action,
    /// Whether this rule blocks the request (it failed and its action is Enforce).
    pub blocks: bool,
    /// As `pss_kyverno_rule_message`.
    pub message: pss_str,
    /// The failed checks left after the rule's exclusions (never NULL).
    pub violations: *const pss_violation_view,
    /// The number of violations.
    pub violation_count: usize,
    /// Every violation's fields, violation by violation (never NULL).
    pub fields: *const pss_field_view,
    /// The number of fields of all violations.
    pub field_count: usize,
    /// The block holding every text of the rule but the values.
    pub texts: pss_str,
    /// The block holding every field's value.
    pub values: pss_str,
}

/// One rule's outcome for one resource: its name, status, Kyverno's message, the failure action that
/// applies, and the failed checks with their offending fields (paths relative to the resource).
/// Borrowed from its `pss_kyverno_result`: valid until that is freed, never freed on its own.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_kyverno_rule {
    _opaque: [u8; 0],
}

/// A whole result as plain data (`pss_kyverno_result_get_view`), valid until the result is freed.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
#[allow(non_camel_case_types)]
pub struct pss_kyverno_result_view {
    /// As `pss_kyverno_result_blocked`.
    pub blocked: bool,
    /// As `pss_kyverno_result_blocked_message` (`{NULL, 0}` when not blocked).
    pub blocked_message: pss_str,
    /// The policy's name.
    pub policy: pss_str,
    /// The rules that matched the resource, in the policy's order (never NULL).
    pub rules: *const pss_kyverno_rule_view,
    /// The number of rules.
    pub rule_count: usize,
}

/// A Kyverno policy applied to one resource: the outcome of each rule that matched it, and whether
/// (and with what message) Kyverno's webhook would block it. Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_kyverno_result {
    _blocks: Vec<Block>,
    _texts: [String; 2],
    rules: Vec<pss_kyverno_rule_view>,
    view: pss_kyverno_result_view,
}

// SAFETY: the views point into the result's own blocks and strings, never written after it is built.
unsafe impl Send for pss_kyverno_result {}
// SAFETY: as above.
unsafe impl Sync for pss_kyverno_result {}

/// A policy Kyverno does not load, as a failure.
fn policy_failure(e: PolicyError) -> Failure {
    match e {
        PolicyError::Decode(e) => e.into(),
        PolicyError::Invalid { errors, .. } => Failure::aggregate(pss_result::InvalidPolicy, &errors, FieldError::path),
        other @ PolicyError::UnsupportedKind { .. } => Failure::new(pss_result::UnexpectedKind, other.to_string()),
        other => Failure::new(pss_result::InvalidPolicy, other.to_string()),
    }
}

/// Reads and validates a Kyverno `ClusterPolicy` or `Policy` from JSON bytes (UTF-8). YAML is not read
/// here: convert it to JSON first (the `pss apply` command reads both). The policy's
/// `validate.podSecurity` rules run as Kyverno runs them (with pss's documented corrections, see
/// `pss_core::kyverno::KyvernoPolicy`); other rule types are reported as unsupported when applied.
///
/// Ownership: `json` is read during the call only. On success `*out` receives a new
/// `pss_kyverno_policy` the caller owns and frees with `pss_kyverno_policy_free`. On failure `*out` is
/// not written and, when `err_out` is not NULL, `*err_out` receives a new `pss_error` the caller frees
/// with `pss_error_free`.
///
/// Errors: `PSS_RESULT_INVALID_POLICY` with Kyverno's validation errors
/// (`spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "Privileged Containers":
/// exclude.images must be specified for the container level control`; several as `[a, b]`; one alone
/// gives its field as the error's path); `PSS_RESULT_UNEXPECTED_KIND` for any other document
/// (`unsupported policy kind v1/Pod: ...`); the decoding errors (`PSS_RESULT_INVALID_JSON`,
/// `PSS_RESULT_NOT_AN_OBJECT`, `PSS_RESULT_INVALID_TYPE`, `PSS_RESULT_TOO_DEEP`,
/// `PSS_RESULT_INVALID_UTF8`, ...); `PSS_RESULT_NULL_PARAMETER` (`json` or `out`).
///
/// # Safety
/// `json` is NULL or points to `json_len` readable bytes not modified during the call; `out` and
/// `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_parse(
    json: *const u8,
    json_len: usize,
    out: *mut *mut pss_kyverno_policy,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        parse_into(json, json_len, out, err_out, |json| {
            let policy = KyvernoPolicy::from_slice(json).map_err(policy_failure)?;
            let rule_names: Vec<String> = policy.rule_names().map(str::to_owned).collect();
            let rule_name_views = rule_names.iter().map(|n| pss_str::of(n)).collect();
            Ok(pss_kyverno_policy { policy, rule_names, rule_name_views })
        })
    }
}

/// The policy's `metadata.name`.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `policy`, valid until it is freed.
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_name(
    policy: *const pss_kyverno_policy,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(policy, "policy", out_ptr, out_len, |p| Some(p.policy.name())) }
}

/// The policy's kind: `ClusterPolicy` (applies in every namespace) or `Policy` (only in its own).
///
/// Ownership: writes a view (not NUL-terminated) of static text.
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_kind(
    policy: *const pss_kyverno_policy,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(policy, "policy", out_ptr, out_len, |p| Some(p.policy.kind().as_str())) }
}

/// The number of rules evaluated, the generated ones (`autogen-NAME`, `autogen-cronjob-NAME`)
/// included.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_rule_count(
    policy: *const pss_kyverno_policy,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(policy, "policy", out_count, "out_count", |p| p.rule_names.len()) }
}

/// The name of the rule at `index`, in the order rules are evaluated.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `policy`, valid until it is freed.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_rule_name(
    policy: *const pss_kyverno_policy,
    index: usize,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_indexed_text(policy, "policy", index, out_ptr, out_len, |p| &p.rule_name_views) }
}

/// Frees a policy. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_kyverno_policy`; its views become invalid. Results made
/// with it stay valid.
///
/// # Safety
/// `policy` is NULL or a `pss_kyverno_policy` from this library not freed before, and no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_free(policy: *mut pss_kyverno_policy) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(policy) }
}

/// Applies the policy to a resource (JSON bytes, UTF-8: a Pod, a pod controller, or any other object,
/// which its rules may match) created in `namespace` (empty for a cluster-scoped resource), whose
/// namespace has `namespace_labels` (NULL when unknown: `namespaceSelector`s then match nothing),
/// offline, as Kyverno's admission webhook would: only rules whose `match` (and not `exclude`) selects
/// the resource have a result, in the policy's order; a `Policy` applies only in its own namespace.
/// Requests have no user, so `subjects`, `roles` and `clusterRoles` never match.
///
/// Ownership: every input is read during the call only; `policy` and `namespace_labels` stay the
/// caller's. On success `*out` receives a new `pss_kyverno_result` the caller owns and frees with
/// `pss_kyverno_result_free`. On failure `*out` is not written and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: the decoding errors of `pss_level_version_evaluate_object` for the resource;
/// `PSS_RESULT_INVALID_UTF8` (`namespace`); `PSS_RESULT_NULL_PARAMETER` (`policy`, `resource`,
/// `namespace`, `out`).
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `namespace_labels` is NULL or a live `pss_labels`
/// not modified during the call; `resource` and `namespace` are NULL or point to their lengths in
/// readable bytes not modified during the call; `out` and `err_out` are NULL or valid for writing one
/// pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptr, len) inputs, two handles, two out-parameters
pub unsafe extern "C" fn pss_kyverno_policy_apply(
    policy: *const pss_kyverno_policy,
    resource: *const u8,
    resource_len: usize,
    namespace: *const u8,
    namespace_len: usize,
    namespace_labels: *const pss_labels,
    out: *mut *mut pss_kyverno_result,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees a non-NULL `policy` is live.
            let policy = &handle(policy, "policy")?.policy;
            // SAFETY: the caller guarantees the input pointers and lengths.
            let resource = input(resource, resource_len, "resource")?;
            // SAFETY: as above.
            let namespace = input_str(namespace, namespace_len, "namespace")?;
            // SAFETY: the caller guarantees a non-NULL `namespace_labels` is live and unmodified.
            let labels = optional(namespace_labels).map(pss_labels::map);
            let out = non_null_mut(out, "out")?;
            let document = ObjectDocument::from_slice(resource)?;
            let result = policy.apply(&document, namespace, labels);
            let message = blocked_message(&document, namespace, core::slice::from_ref(&result));
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_kyverno_result::new(&result, message)));
            Ok(())
        })
    }
}

impl pss_kyverno_result {
    fn new(result: &pss_core::kyverno::PolicyResult, message: Option<String>) -> pss_kyverno_result {
        let blocks: Vec<Block> = result
            .rules()
            .iter()
            .map(|r| Block::new(r.violations(), &[Some(r.name()), Some(r.message())], None))
            .collect();
        let rules: Vec<pss_kyverno_rule_view> = result
            .rules()
            .iter()
            .zip(&blocks)
            .map(|(r, b)| pss_kyverno_rule_view {
                name: b.extra[0],
                status: match r.status() {
                    RuleStatus::Pass => pss_kyverno_status::Pass,
                    RuleStatus::Fail => pss_kyverno_status::Fail,
                    RuleStatus::Skip => pss_kyverno_status::Skip,
                    RuleStatus::Error => pss_kyverno_status::Error,
                    _ => pss_kyverno_status::Unsupported,
                },
                action: match r.action() {
                    FailureAction::Enforce => pss_kyverno_action::Enforce,
                    FailureAction::Audit => pss_kyverno_action::Audit,
                },
                blocks: r.blocks(),
                message: b.extra[1],
                violations: b.violations.as_ptr(),
                violation_count: b.violations.len(),
                fields: b.fields.as_ptr(),
                field_count: b.fields.len(),
                texts: b.texts,
                values: b.values,
            })
            .collect();
        let texts = [result.policy().to_owned(), message.clone().unwrap_or_default()];
        let view = pss_kyverno_result_view {
            blocked: message.is_some(),
            blocked_message: if message.is_some() { pss_str::of(&texts[1]) } else { pss_str::NONE },
            policy: pss_str::of(&texts[0]),
            rules: rules.as_ptr(),
            rule_count: rules.len(),
        };
        pss_kyverno_result { _blocks: blocks, _texts: texts, rules, view }
    }
}

/// Whether Kyverno's webhook would block the request: some rule failed (or errored) and its action
/// is Enforce.
///
/// Ownership: `*out_blocked` is written on success.
///
/// # Safety
/// `result` is NULL or a live `pss_kyverno_result`; `out_blocked` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_blocked(
    result: *const pss_kyverno_result,
    out_blocked: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(result, "result", out_blocked, "out_blocked", |r| r.view.blocked) }
}

/// The text Kyverno's webhook denies the request with, when the policy blocks it (NULL and 0
/// otherwise):
/// `resource Pod/default/web was blocked due to the following policies\nPOLICY:\n  RULE: MESSAGE`
/// (rules sorted by name, further lines of a message indented by four spaces, no trailing newline).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `result`, valid until it is freed.
///
/// # Safety
/// `result` is NULL or a live `pss_kyverno_result`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_blocked_message(
    result: *const pss_kyverno_result,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(result, "result", out_ptr, out_len, |r| r.view.blocked_message.get()) }
}

/// The number of rules that matched the resource (0 when none did, or a `Policy` of another
/// namespace).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `result` is NULL or a live `pss_kyverno_result`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_rule_count(
    result: *const pss_kyverno_result,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(result, "result", out_count, "out_count", |r| r.rules.len()) }
}

/// The rule outcome at `index` (in the policy's order).
///
/// Ownership: `*out` receives a pointer borrowed from `result`: valid until that is freed, not to be
/// freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `result` is NULL or a live `pss_kyverno_result`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_rule(
    result: *const pss_kyverno_result,
    index: usize,
    out: *mut *const pss_kyverno_rule,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_item(result, "result", index, out, |r| &r.rules) }
}

/// Reads a whole result in one call: writes a pointer to its `pss_kyverno_result_view` (blocked, the
/// blocked message, the policy's name, and every rule's view with its violations and fields).
///
/// Ownership: `*out` receives a pointer borrowed from `result`; the view, its arrays and every text it
/// points to stay valid until `result` is freed.
///
/// # Safety
/// `result` is NULL or a live `pss_kyverno_result`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_get_view(
    result: *const pss_kyverno_result,
    out: *mut *const pss_kyverno_result_view,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(result, "result", out, "out", |r| &r.view as *const pss_kyverno_result_view) }
}

/// Frees a result. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_kyverno_result`; its rules, their violations and fields,
/// and every view of them become invalid.
///
/// # Safety
/// `result` is NULL or a `pss_kyverno_result` from this library not freed before, and no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_result_free(result: *mut pss_kyverno_result) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(result) }
}

/// Borrows a rule's view.
fn rule(rule: *const pss_kyverno_rule) -> *const pss_kyverno_rule_view {
    rule.cast()
}

/// The rule's name (`autogen-NAME` for a rule generated for pod controllers).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the rule's result, valid until that
/// is freed.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_name(
    rule_ptr: *const pss_kyverno_rule,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_text(rule(rule_ptr), "rule", out_ptr, out_len, |r| r.name.get()) }
}

/// Kyverno's message: `Validation rule 'NAME' passed.`, `Validation rule 'NAME' failed. It violates
/// PodSecurity "LEVEL:VERSION": ({Allowed:false ForbiddenReason:... ForbiddenDetail:...})` (one such
/// line per failed check), or why the rule errored, was skipped or is unsupported.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the rule's result, valid until that
/// is freed.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_message(
    rule_ptr: *const pss_kyverno_rule,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_text(rule(rule_ptr), "rule", out_ptr, out_len, |r| r.message.get()) }
}

/// The rule's outcome.
///
/// Ownership: `*out_status` is written on success.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_status` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_status(
    rule_ptr: *const pss_kyverno_rule,
    out_status: *mut pss_kyverno_status,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_value(rule(rule_ptr), "rule", out_status, "out_status", |r| r.status) }
}

/// The failure action that applies to this rule for this resource (its own and the policy's
/// `failureAction`, `validationFailureAction` and their overrides).
///
/// Ownership: `*out_action` is written on success.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_action` is NULL or valid for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_action(
    rule_ptr: *const pss_kyverno_rule,
    out_action: *mut pss_kyverno_action,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_value(rule(rule_ptr), "rule", out_action, "out_action", |r| r.action) }
}

/// The number of failed checks left after the rule's exclusions (0 unless the rule failed).
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_violation_count(
    rule_ptr: *const pss_kyverno_rule,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_value(rule(rule_ptr), "rule", out_count, "out_count", |r| r.violation_count) }
}

/// The failed check at `index`, in Kyverno's check order, read with the `pss_violation_*` functions
/// (field paths relative to the resource, e.g. `spec.template.spec.containers[0]...`).
///
/// Ownership: `*out` receives a pointer borrowed from the rule's result: valid until that is freed,
/// not to be freed by the caller.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_violation(
    rule_ptr: *const pss_kyverno_rule,
    index: usize,
    out: *mut *const crate::evaluation::pss_violation,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view, whose violations are valid
    // as long as its result).
    unsafe {
        get_item(rule(rule_ptr), "rule", index, out, |r| core::slice::from_raw_parts(r.violations, r.violation_count))
    }
}
