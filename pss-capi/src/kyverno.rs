//! Kyverno policies: `pss_kyverno_policy` (a `ClusterPolicy` or `Policy` with `validate.podSecurity`
//! rules, read for one Kyverno release), `pss_kyverno_exceptions` (PolicyExceptions),
//! `pss_kyverno_result` (the policy applied to one resource) and `pss_kyverno_rule` (one rule's
//! outcome).

use pss_core::kyverno::{
    blocked_message, resource_namespace, ApplyContext, FailureAction, KyvernoPolicy, KyvernoVersion, PolicyError,
    PolicyException, RuleStatus,
};
use pss_core::ObjectDocument;

use crate::admission::get_indexed_text;
use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_item, get_text, get_value, guard_err, handle, input, input_list, input_str, into_handle,
    non_null_mut, parse_into, write, Failure,
};
use crate::labels::{item_failure, optional, pss_labels};
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
    /// Kyverno skipped the rule: a PolicyException exempts the resource.
    Skip = 2,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error = 3,
    /// pss cannot evaluate the rule: another rule type (`mutate`, `validate.pattern`, ...), or an
    /// outcome that depends on the requesting user or on a PolicyException's `conditions`. Never
    /// silently passed.
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
    /// As `pss_kyverno_rule_warning` (`{NULL, 0}` without warnings).
    pub warning: pss_str,
    /// The Pod Security Standard's violations the release lets through, when it admits the
    /// resource (never NULL; read as `violations`).
    pub warnings: *const pss_violation_view,
    /// The number of warnings.
    pub warning_count: usize,
    /// Every warning's fields, warning by warning (never NULL).
    pub warning_fields: *const pss_field_view,
    /// The number of fields of all warnings.
    pub warning_field_count: usize,
    /// The block holding every text of the warnings but the values.
    pub warning_texts: pss_str,
    /// The block holding every warning field's value.
    pub warning_values: pss_str,
    /// As `pss_kyverno_rule_unevaluated_enforce`.
    pub unevaluated_enforce: bool,
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
    /// The Kyverno release predicted (`1.19`), as `pss_kyverno_policy_kyverno_version`.
    pub kyverno_version: pss_str,
}

/// A Kyverno policy applied to one resource: the outcome of each rule that matched it, and whether
/// (and with what message) Kyverno's webhook would block it. Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_kyverno_result {
    _blocks: Vec<Block>,
    _warning_blocks: Vec<Block>,
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
        PolicyError::Invalid { errors, .. } => {
            Failure::aggregate(pss_result::InvalidPolicy, &errors, pss_core::FieldError::path)
        }
        other @ (PolicyError::UnsupportedKind { .. }
        | PolicyError::NotAnException { .. }
        | PolicyError::UnsupportedExceptionVersion { .. }) => {
            Failure::new(pss_result::UnexpectedKind, other.to_string())
        }
        other @ PolicyError::ReleaseMismatch { .. } => Failure::new(pss_result::InvalidInput, other.to_string()),
        other => Failure::new(pss_result::InvalidPolicy, other.to_string()),
    }
}

/// The release a caller names: NULL for the newest pss supports, else `1.13`, `v1.13` or a patch
/// release such as `1.13.6`.
///
/// # Safety
/// `ptr` is NULL or points to `len` readable bytes not modified during the call.
unsafe fn kyverno_version(ptr: *const u8, len: usize) -> Result<KyvernoVersion, Failure> {
    if ptr.is_null() {
        return Ok(KyvernoVersion::NEWEST);
    }
    // SAFETY: forwarded from the caller.
    let text = unsafe { input_str(ptr, len, "kyverno_version") }?;
    KyvernoVersion::parse(text).map_err(|e| Failure::new(pss_result::InvalidVersion, e.to_string()))
}

/// Reads and validates a Kyverno `ClusterPolicy` or `Policy` from JSON bytes (UTF-8) as the newest
/// Kyverno release pss models reads it (`pss_kyverno_policy_parse_for` chooses the release). YAML
/// is not read here: convert it to JSON first (the `pss apply` command reads both). The policy's
/// `validate.podSecurity` rules run as that release runs them (see `pss_core::kyverno::KyvernoPolicy`);
/// other rule types are reported as unsupported when applied.
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
            Ok(pss_kyverno_policy::new(policy))
        })
    }
}

/// As `pss_kyverno_policy_parse`, for the Kyverno release `kyverno_version` (`1.11` to `1.19`, `v1.13`
/// or a patch release such as `1.13.6`; NULL for the newest): the policy is validated as that
/// release validates it, and applying it predicts that release's verdicts and messages
/// (`pss_core::kyverno::KyvernoVersion` lists what differs).
///
/// Ownership: as `pss_kyverno_policy_parse`; `kyverno_version` is read during the call only.
///
/// Errors: those of `pss_kyverno_policy_parse`; `PSS_RESULT_INVALID_VERSION` for a release pss does
/// not model (`unsupported Kyverno version "1.10": pss reproduces Kyverno 1.11 to 1.19 ...`);
/// `PSS_RESULT_INVALID_UTF8` (`kyverno_version`).
///
/// # Safety
/// As `pss_kyverno_policy_parse`; `kyverno_version` is NULL or points to `kyverno_version_len`
/// readable bytes not modified during the call.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_parse_for(
    json: *const u8,
    json_len: usize,
    kyverno_version: *const u8,
    kyverno_version_len: usize,
    out: *mut *mut pss_kyverno_policy,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe {
        parse_into(json, json_len, out, err_out, |json| {
            // SAFETY: forwarded from the caller.
            let version = self::kyverno_version(kyverno_version, kyverno_version_len)?;
            let policy = KyvernoPolicy::from_slice_for(json, version).map_err(policy_failure)?;
            Ok(pss_kyverno_policy::new(policy))
        })
    }
}

impl pss_kyverno_policy {
    fn new(policy: KyvernoPolicy) -> pss_kyverno_policy {
        let rule_names: Vec<String> = policy.rule_names().map(str::to_owned).collect();
        let rule_name_views = rule_names.iter().map(|n| pss_str::of(n)).collect();
        pss_kyverno_policy { policy, rule_names, rule_name_views }
    }
}

/// The Kyverno release whose behaviour the policy predicts: `1.11` ... `1.19`.
///
/// Ownership: writes a view (not NUL-terminated) of static text.
///
/// # Safety
/// `policy` is NULL or a live `pss_kyverno_policy`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_policy_kyverno_version(
    policy: *const pss_kyverno_policy,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(policy, "policy", out_ptr, out_len, |p| Some(p.policy.kyverno_version().as_str())) }
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
/// which its rules may match) created in `namespace` (empty for a cluster-scoped resource;
/// `pss_kyverno_resource_namespace` gives it for a manifest, as `pss apply` picks it), whose
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

/// As `pss_kyverno_policy_apply`, with the PolicyExceptions Kyverno knows (`exceptions`, NULL for
/// none), applied as the policy's release applies them: their `match`, the policies and rules they
/// name, and their `podSecurity` entries (from 1.12; an exception without entries skips the rule).
/// A rule whose outcome depends on an exception's `conditions` is `PSS_KYVERNO_STATUS_UNSUPPORTED`.
///
/// Ownership: as `pss_kyverno_policy_apply`; `exceptions` stays the caller's.
///
/// Errors: those of `pss_kyverno_policy_apply`; `PSS_RESULT_INVALID_INPUT` when the exceptions were
/// read for another release than the policy (`PolicyException kyverno/ex was read for Kyverno 1.12,
/// the policy psa for Kyverno 1.19: ...`).
///
/// # Safety
/// As `pss_kyverno_policy_apply`; `exceptions` is NULL or a live `pss_kyverno_exceptions`.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptr, len) inputs, three handles, two out-parameters
pub unsafe extern "C" fn pss_kyverno_policy_apply_with(
    policy: *const pss_kyverno_policy,
    resource: *const u8,
    resource_len: usize,
    namespace: *const u8,
    namespace_len: usize,
    namespace_labels: *const pss_labels,
    exceptions: *const pss_kyverno_exceptions,
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
            // SAFETY: the caller guarantees a non-NULL `exceptions` is live.
            let exceptions: &[PolicyException] = if exceptions.is_null() { &[] } else { &(*exceptions).exceptions };
            let out = non_null_mut(out, "out")?;
            policy.check_exceptions(exceptions).map_err(policy_failure)?;
            let document = ObjectDocument::from_slice(resource)?;
            let ctx = ApplyContext::new(namespace).namespace_labels(labels).exceptions(exceptions);
            let result = policy.apply_with(&document, &ctx);
            let message = blocked_message(&document, namespace, core::slice::from_ref(&result));
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_kyverno_result::new(&result, message)));
            Ok(())
        })
    }
}

/// The namespace `resource` (JSON bytes, UTF-8: any object) is created in when it is applied, as
/// its admission request names it, which is the `namespace` `pss_kyverno_policy_apply` takes: none
/// (empty) for a cluster-scoped kind (a Namespace, a ClusterRole, ...), whatever its
/// `metadata.namespace`; else its `metadata.namespace`, or `default_namespace` (kubectl's namespace,
/// `"default"` unless told otherwise) when that is missing or empty. pss-core's rule, which
/// `pss apply` and the npm package's `apply` follow for a manifest.
///
/// Sizes: the namespace (not NUL-terminated) is written into `buf`; with `buf` NULL and `buf_len` 0
/// the call writes only its length to `*out_len`; a `buf_len` smaller than the length gives
/// `PSS_RESULT_INSUFFICIENT_SIZE` and writes nothing into `buf`.
///
/// ```c
/// uint8_t ns[256];
/// size_t ns_len = 0;
/// pss_kyverno_result *result = NULL;
/// if (pss_kyverno_resource_namespace(doc, doc_len, (const uint8_t *)"default", 7, ns, sizeof ns, &ns_len, NULL) ==
///         PSS_RESULT_OK &&
///     pss_kyverno_policy_apply(policy, doc, doc_len, ns, ns_len, NULL, &result, NULL) == PSS_RESULT_OK) {
///   // ...
///   pss_kyverno_result_free(result);
/// }
/// ```
///
/// Ownership: every input is read during the call only; `buf` is the caller's, written during the
/// call only (on success, its first `*out_len` bytes).
///
/// Errors: the decoding errors of `pss_kyverno_policy_apply` for the resource;
/// `PSS_RESULT_INVALID_UTF8` (`default_namespace`); `PSS_RESULT_NULL_PARAMETER` (`resource`,
/// `default_namespace`, `out_len`, or `buf` with a `buf_len` that is not 0);
/// `PSS_RESULT_INSUFFICIENT_SIZE`.
///
/// # Safety
/// `resource` and `default_namespace` are NULL or point to their lengths in readable bytes not
/// modified during the call; `buf` is NULL or valid for writing `buf_len` bytes and overlaps neither
/// input; `out_len` is NULL or valid for writing one `size_t`; `err_out` is NULL or valid for
/// writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptr, len) inputs, the buffer and two out-parameters
pub unsafe extern "C" fn pss_kyverno_resource_namespace(
    resource: *const u8,
    resource_len: usize,
    default_namespace: *const u8,
    default_namespace_len: usize,
    buf: *mut u8,
    buf_len: usize,
    out_len: *mut usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees the input pointers and lengths.
            let resource = input(resource, resource_len, "resource")?;
            // SAFETY: as above.
            let default_namespace = input_str(default_namespace, default_namespace_len, "default_namespace")?;
            let out_len = non_null_mut(out_len, "out_len")?;
            if buf.is_null() && buf_len > 0 {
                return Err(Failure::null("buf"));
            }
            let document = ObjectDocument::from_slice(resource)?;
            let namespace = resource_namespace(&document, default_namespace);
            if !buf.is_null() {
                if namespace.len() > buf_len {
                    return Err(Failure::new(
                        pss_result::InsufficientSize,
                        format!(
                            "the buffer is too small: the namespace needs {} bytes, the buffer has {buf_len}",
                            namespace.len()
                        ),
                    ));
                }
                // SAFETY: `buf` is non-NULL and valid for writing `buf_len >= namespace.len()` bytes
                // apart from the inputs (the caller's guarantee); the namespace is in the inputs, the
                // decoded document or static text.
                core::ptr::copy_nonoverlapping(namespace.as_ptr(), buf, namespace.len());
            }
            // SAFETY: `out_len` is non-NULL and writable (caller's guarantee).
            write(out_len, namespace.len());
            Ok(())
        })
    }
}

/// Kyverno `PolicyException`s (`kyverno.io/v2alpha1`, `v2beta1`, `v2`; those the release reads),
/// validated as one Kyverno release validates them. Immutable: any number of threads may use one at
/// once.
#[allow(non_camel_case_types)]
#[derive(Debug)]
pub struct pss_kyverno_exceptions {
    exceptions: Vec<PolicyException>,
    _keys: Vec<String>,
    key_views: Vec<pss_str>,
}

// SAFETY: the views point into `keys`, never written after the set is built.
unsafe impl Send for pss_kyverno_exceptions {}
// SAFETY: as above.
unsafe impl Sync for pss_kyverno_exceptions {}

/// Reads `count` PolicyExceptions, JSON bytes each (UTF-8; convert YAML first), as the Kyverno
/// release `kyverno_version` reads them (NULL for the newest; as `pss_kyverno_policy_parse_for`):
/// `jsons[i]` points to `json_lens[i]` bytes. Apply them with `pss_kyverno_policy_apply_with` and a
/// policy read for the same release.
///
/// Ownership: every input is read during the call only. On success `*out` receives a new
/// `pss_kyverno_exceptions` the caller owns and frees with `pss_kyverno_exceptions_free`. On
/// failure `*out` is not written and, when `err_out` is not NULL, `*err_out` receives a new
/// `pss_error` (its display prefixed with `jsons[i]`) the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_UNEXPECTED_KIND` for a document that is not a `kyverno.io` PolicyException
/// or whose API version the release does not read (Kyverno 1.11 reads `v2alpha1` and `v2beta1`);
/// `PSS_RESULT_INVALID_POLICY` with Kyverno's validation errors (`spec.podSecurity[0].controlName:
/// Invalid value: ...`); the decoding errors; `PSS_RESULT_INVALID_VERSION`; `PSS_RESULT_NULL_PARAMETER`
/// (`jsons`, `json_lens` when `count` is not 0, an element, `out`).
///
/// # Safety
/// When `count > 0`, `jsons` and `json_lens` are NULL or point to `count` readable elements each, and
/// every non-NULL `jsons[i]` to `json_lens[i]` readable bytes; `kyverno_version` is NULL or points to
/// `kyverno_version_len` readable bytes; none is modified during the call; `out` and `err_out` are
/// NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_exceptions_parse(
    jsons: *const *const u8,
    json_lens: *const usize,
    count: usize,
    kyverno_version: *const u8,
    kyverno_version_len: usize,
    out: *mut *mut pss_kyverno_exceptions,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: forwarded from the caller.
            let version = self::kyverno_version(kyverno_version, kyverno_version_len)?;
            // SAFETY: the caller guarantees the arrays and their elements.
            let texts = input_list(jsons, json_lens, count, "jsons")?;
            let out = non_null_mut(out, "out")?;
            let mut exceptions = Vec::with_capacity(texts.len());
            for (i, (text, _)) in texts.into_iter().enumerate() {
                let exception = PolicyException::from_slice_for(text, version)
                    .map_err(|e| item_failure(policy_failure(e), "jsons", i))?;
                exceptions.push(exception);
            }
            let keys: Vec<String> = exceptions.iter().map(PolicyException::key).collect();
            let key_views = keys.iter().map(|k| pss_str::of(k)).collect();
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(pss_kyverno_exceptions { exceptions, _keys: keys, key_views }));
            Ok(())
        })
    }
}

/// The number of exceptions.
///
/// Ownership: `*out_count` is written on success.
///
/// # Safety
/// `exceptions` is NULL or a live `pss_kyverno_exceptions`; `out_count` is NULL or valid for writing a
/// `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_exceptions_count(
    exceptions: *const pss_kyverno_exceptions,
    out_count: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(exceptions, "exceptions", out_count, "out_count", |e| e.exceptions.len()) }
}

/// The key of the exception at `index` as Kyverno names it in messages: `namespace/name`, or `name`
/// without a namespace.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `exceptions`, valid until it is
/// freed.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER`, `PSS_RESULT_INDEX_OUT_OF_RANGE`.
///
/// # Safety
/// `exceptions` is NULL or a live `pss_kyverno_exceptions`; `out_ptr` and `out_len` are NULL or valid
/// for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_exceptions_key(
    exceptions: *const pss_kyverno_exceptions,
    index: usize,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_indexed_text(exceptions, "exceptions", index, out_ptr, out_len, |e| &e.key_views) }
}

/// Frees exceptions. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_kyverno_exceptions`; its views become invalid. Results
/// made with it stay valid.
///
/// # Safety
/// `exceptions` is NULL or a `pss_kyverno_exceptions` from this library not freed before, and no
/// other thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_exceptions_free(exceptions: *mut pss_kyverno_exceptions) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(exceptions) }
}

impl pss_kyverno_result {
    fn new(result: &pss_core::kyverno::PolicyResult, message: Option<String>) -> pss_kyverno_result {
        let blocks: Vec<Block> = result
            .rules()
            .iter()
            .map(|r| Block::new(r.violations(), &[Some(r.name()), Some(r.message()), r.warning_message()], None))
            .collect();
        let warning_blocks: Vec<Block> = result.rules().iter().map(|r| Block::new(r.warnings(), &[], None)).collect();
        let rules: Vec<pss_kyverno_rule_view> = result
            .rules()
            .iter()
            .zip(blocks.iter().zip(&warning_blocks))
            .map(|(r, (b, w))| pss_kyverno_rule_view {
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
                warning: b.extra[2],
                warnings: w.violations.as_ptr(),
                warning_count: w.violations.len(),
                warning_fields: w.fields.as_ptr(),
                warning_field_count: w.fields.len(),
                warning_texts: w.texts,
                warning_values: w.values,
                unevaluated_enforce: r.unevaluated_enforce(),
            })
            .collect();
        let texts = [result.policy().to_owned(), message.clone().unwrap_or_default()];
        let view = pss_kyverno_result_view {
            blocked: message.is_some(),
            blocked_message: if message.is_some() { pss_str::of(&texts[1]) } else { pss_str::NONE },
            policy: pss_str::of(&texts[0]),
            rules: rules.as_ptr(),
            rule_count: rules.len(),
            kyverno_version: pss_str::of(result.kyverno_version().as_str()),
        };
        pss_kyverno_result { _blocks: blocks, _warning_blocks: warning_blocks, _texts: texts, rules, view }
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

/// Kyverno's message, as the policy's release writes it: `Validation rule 'NAME' passed.`,
/// `Validation rule 'NAME' failed. It violates PodSecurity "LEVEL:VERSION": (Forbidden reason:
/// REASON, field error list: [FIELD ERRORS])` (one per failed check; Kyverno 1.11 wrote
/// `({Allowed:false ForbiddenReason:... ForbiddenDetail:...})` lines), why the rule was skipped
/// (`rule is skipped due to policy exceptions ...`) or errored, or why pss did not evaluate it.
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

/// The warning when the rule's release admits the resource but the Pod Security Standard still
/// forbids it (an exclusion or exception that lets more through than it names): `Kyverno 1.11
/// admits it, but it violates PodSecurity "baseline:latest": non-default capabilities
/// (spec.containers[1].securityContext.capabilities.add[0])`. NULL and 0 otherwise. The
/// prediction (`pss_kyverno_rule_status`) stays Kyverno's.
///
/// Ownership: writes a view (not NUL-terminated) of text owned by the rule's result, valid until that
/// is freed.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_ptr` and `out_len` are NULL or valid for
/// writing.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_warning(
    rule_ptr: *const pss_kyverno_rule,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_text(rule(rule_ptr), "rule", out_ptr, out_len, |r| r.warning.get()) }
}

/// Whether pss could not evaluate a rule that may block the request
/// (`PSS_KYVERNO_STATUS_UNSUPPORTED`, action Enforce, and a rule whose failure denies: not a
/// `mutate` or `generate` rule). A gate must not pass such a resource silently.
///
/// Ownership: `*out_flag` is written on success.
///
/// # Safety
/// `rule_ptr` is NULL or a live `pss_kyverno_rule`; `out_flag` is NULL or valid for writing a `bool`.
#[no_mangle]
pub unsafe extern "C" fn pss_kyverno_rule_unevaluated_enforce(
    rule_ptr: *const pss_kyverno_rule,
    out_flag: *mut bool,
) -> pss_result {
    // SAFETY: forwarded from the caller (a `pss_kyverno_rule` is its view).
    unsafe { get_value(rule(rule_ptr), "rule", out_flag, "out_flag", |r| r.unevaluated_enforce) }
}
