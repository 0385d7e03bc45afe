//! The C ABI as C callers see it: an `extern "C"` block written from pss-capi/include/pss.h, each
//! function beside its prototype in the header, and [`check_header`] to prove the two agree (the
//! replay test runs it on the checked-in header). The symbols come from pss-capi's Rust library.
#![allow(unsafe_code, non_camel_case_types)]

use core::ptr;

use std::collections::BTreeMap;

use pss_core::admission::{Admission, AdmissionConfig};
use pss_core::kyverno::{
    blocked_message, evaluate_json_excluding, evaluate_object_excluding, FailureAction, KyvernoPolicy,
    PodSecurityExclusion, PolicyError, RuleStatus,
};
use pss_core::{ErrorKind, Evaluation, LevelVersion, NoPodTemplate, ObjectDocument, Violation};
use serde_json::json;

// Linked for its `#[no_mangle]` symbols only.
use pss_capi as _;

/// `pss_result` (a `uint32_t` in C).
pub type pss_result = u32;

macro_rules! opaque {
    ($($name:ident),*) => {$(
        /// An opaque handle of the C ABI.
        #[repr(C)]
        pub struct $name {
            _private: [u8; 0],
        }
    )*};
}
opaque!(
    pss_admission,
    pss_admission_config,
    pss_decision,
    pss_error,
    pss_evaluation,
    pss_field,
    pss_kyverno_policy,
    pss_kyverno_result,
    pss_kyverno_rule,
    pss_labels,
    pss_options,
    pss_level_version,
    pss_violation
);

macro_rules! capi {
    ($($c:literal => fn $name:ident($($arg:ident: $ty:ty),*) $(-> $ret:ty)?;)*) => {
        extern "C" {
            $(
                #[doc = $c]
                pub fn $name($($arg: $ty),*) $(-> $ret)?;
            )*
        }
        /// The C prototypes the extern block was written from, as pss.h declares them.
        pub const PROTOTYPES: &[&str] = &[$($c),*];
    };
}

capi! {
    "uint32_t pss_version(void);" => fn pss_version() -> u32;
    "pss_result pss_error_code(const pss_error *err, pss_result *out_code);"
        => fn pss_error_code(err: *const pss_error, out_code: *mut pss_result) -> pss_result;
    "pss_result pss_error_message(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_message(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_display(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_display(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_path(const pss_error *err, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_error_path(err: *const pss_error, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_error_position(const pss_error *err, size_t *out_line, size_t *out_column, size_t *out_offset);"
        => fn pss_error_position(err: *const pss_error, out_line: *mut usize, out_column: *mut usize, out_offset: *mut usize) -> pss_result;
    "void pss_error_free(pss_error *err);" => fn pss_error_free(err: *mut pss_error);
    "pss_result pss_level_version_evaluate(const pss_level_version *level_version, const pss_options *options, const uint8_t *pod, size_t pod_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_level_version_evaluate(level_version: *const pss_level_version, options: *const pss_options, pod: *const u8, pod_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluate(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, const pss_options *options, const uint8_t *pod, size_t pod_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_evaluate(level: *const u8, level_len: usize, version: *const u8, version_len: usize, options: *const pss_options, pod: *const u8, pod_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluation_allowed(const pss_evaluation *evaluation, bool *out_allowed);"
        => fn pss_evaluation_allowed(evaluation: *const pss_evaluation, out_allowed: *mut bool) -> pss_result;
    "pss_result pss_evaluation_reason(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_reason(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_detail(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_detail(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_denial_message(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_denial_message(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_pod_name(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_pod_name(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_violation_count(const pss_evaluation *evaluation, size_t *out_count);"
        => fn pss_evaluation_violation_count(evaluation: *const pss_evaluation, out_count: *mut usize) -> pss_result;
    "pss_result pss_evaluation_violation(const pss_evaluation *evaluation, size_t index, const pss_violation **out);"
        => fn pss_evaluation_violation(evaluation: *const pss_evaluation, index: usize, out: *mut *const pss_violation) -> pss_result;
    "void pss_evaluation_free(pss_evaluation *evaluation);" => fn pss_evaluation_free(evaluation: *mut pss_evaluation);
    "pss_result pss_violation_check_id(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_check_id(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_reason(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_reason(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_detail(const pss_violation *violation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_violation_detail(violation: *const pss_violation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_violation_field_count(const pss_violation *violation, size_t *out_count);"
        => fn pss_violation_field_count(violation: *const pss_violation, out_count: *mut usize) -> pss_result;
    "pss_result pss_violation_field(const pss_violation *violation, size_t index, const pss_field **out);"
        => fn pss_violation_field(violation: *const pss_violation, index: usize, out: *mut *const pss_field) -> pss_result;
    "pss_result pss_field_path(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_path(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_field_value_json(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_value_json(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_field_container(const pss_field *field, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_field_container(field: *const pss_field, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_level_version_new(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, pss_level_version **out, pss_error **err_out);"
        => fn pss_level_version_new(level: *const u8, level_len: usize, version: *const u8, version_len: usize, out: *mut *mut pss_level_version, err_out: *mut *mut pss_error) -> pss_result;
    "void pss_level_version_free(pss_level_version *level_version);" => fn pss_level_version_free(level_version: *mut pss_level_version);
    "pss_result pss_options_new(pss_options **out);" => fn pss_options_new(out: *mut *mut pss_options) -> pss_result;
    "pss_result pss_options_set_max_input_len(pss_options *options, size_t max_len);"
        => fn pss_options_set_max_input_len(options: *mut pss_options, max_len: usize) -> pss_result;
    "void pss_options_free(pss_options *options);" => fn pss_options_free(options: *mut pss_options);
    "pss_result pss_evaluate_spec(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, const pss_options *options, const uint8_t *spec, size_t spec_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_evaluate_spec(level: *const u8, level_len: usize, version: *const u8, version_len: usize, options: *const pss_options, spec: *const u8, spec_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_level_version_evaluate_spec(const pss_level_version *level_version, const pss_options *options, const uint8_t *spec, size_t spec_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_level_version_evaluate_spec(level_version: *const pss_level_version, options: *const pss_options, spec: *const u8, spec_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluate_object(const uint8_t *level, size_t level_len, const uint8_t *version, size_t version_len, const pss_options *options, const uint8_t *object, size_t object_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_evaluate_object(level: *const u8, level_len: usize, version: *const u8, version_len: usize, options: *const pss_options, object: *const u8, object_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_level_version_evaluate_object(const pss_level_version *level_version, const pss_options *options, const uint8_t *object, size_t object_len, pss_evaluation **out, pss_error **err_out);"
        => fn pss_level_version_evaluate_object(level_version: *const pss_level_version, options: *const pss_options, object: *const u8, object_len: usize, out: *mut *mut pss_evaluation, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_evaluation_kind(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_kind(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_template_path(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_template_path(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_evaluation_template_absent(const pss_evaluation *evaluation, bool *out_absent);"
        => fn pss_evaluation_template_absent(evaluation: *const pss_evaluation, out_absent: *mut bool) -> pss_result;
    "pss_result pss_evaluation_note(const pss_evaluation *evaluation, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_evaluation_note(evaluation: *const pss_evaluation, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_options_add_exclusion(pss_options *options, const uint8_t *control_name, size_t control_name_len, const uint8_t *const *images, const size_t *image_lens, size_t image_count, const uint8_t *restricted_field, size_t restricted_field_len, const uint8_t *const *values, const size_t *value_lens, size_t value_count, pss_error **err_out);"
        => fn pss_options_add_exclusion(options: *mut pss_options, control_name: *const u8, control_name_len: usize, images: *const *const u8, image_lens: *const usize, image_count: usize, restricted_field: *const u8, restricted_field_len: usize, values: *const *const u8, value_lens: *const usize, value_count: usize, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_options_exclusion_count(const pss_options *options, size_t *out_count);"
        => fn pss_options_exclusion_count(options: *const pss_options, out_count: *mut usize) -> pss_result;
    "pss_result pss_admission_new(const pss_admission_config *config, pss_admission **out);"
        => fn pss_admission_new(config: *const pss_admission_config, out: *mut *mut pss_admission) -> pss_result;
    "void pss_admission_free(pss_admission *admission);" => fn pss_admission_free(admission: *mut pss_admission);
    "pss_result pss_admission_review(const pss_admission *admission, const uint8_t *namespace_, size_t namespace_len, const pss_labels *namespace_labels, const uint8_t *username, size_t username_len, const uint8_t *object, size_t object_len, pss_decision **out, pss_error **err_out);"
        => fn pss_admission_review(admission: *const pss_admission, namespace_: *const u8, namespace_len: usize, namespace_labels: *const pss_labels, username: *const u8, username_len: usize, object: *const u8, object_len: usize, out: *mut *mut pss_decision, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_decision_allowed(const pss_decision *decision, bool *out_allowed);"
        => fn pss_decision_allowed(decision: *const pss_decision, out_allowed: *mut bool) -> pss_result;
    "pss_result pss_decision_denial(const pss_decision *decision, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_decision_denial(decision: *const pss_decision, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_decision_kind(const pss_decision *decision, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_decision_kind(decision: *const pss_decision, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_decision_exemption(const pss_decision *decision, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_decision_exemption(decision: *const pss_decision, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_decision_warning_count(const pss_decision *decision, size_t *out_count);"
        => fn pss_decision_warning_count(decision: *const pss_decision, out_count: *mut usize) -> pss_result;
    "pss_result pss_decision_warning(const pss_decision *decision, size_t index, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_decision_warning(decision: *const pss_decision, index: usize, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_decision_audit_annotation_count(const pss_decision *decision, size_t *out_count);"
        => fn pss_decision_audit_annotation_count(decision: *const pss_decision, out_count: *mut usize) -> pss_result;
    "pss_result pss_decision_audit_annotation(const pss_decision *decision, size_t index, const uint8_t **out_key_ptr, size_t *out_key_len, const uint8_t **out_value_ptr, size_t *out_value_len);"
        => fn pss_decision_audit_annotation(decision: *const pss_decision, index: usize, out_key_ptr: *mut *const u8, out_key_len: *mut usize, out_value_ptr: *mut *const u8, out_value_len: *mut usize) -> pss_result;
    "pss_result pss_decision_pods_allowed(const pss_decision *decision, bool *out_allowed);"
        => fn pss_decision_pods_allowed(decision: *const pss_decision, out_allowed: *mut bool) -> pss_result;
    "pss_result pss_decision_pods_denial(const pss_decision *decision, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_decision_pods_denial(decision: *const pss_decision, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_decision_created_pods(const pss_decision *decision, const pss_evaluation **out);"
        => fn pss_decision_created_pods(decision: *const pss_decision, out: *mut *const pss_evaluation) -> pss_result;
    "pss_result pss_decision_enforce(const pss_decision *decision, const pss_evaluation **out);"
        => fn pss_decision_enforce(decision: *const pss_decision, out: *mut *const pss_evaluation) -> pss_result;
    "void pss_decision_free(pss_decision *decision);" => fn pss_decision_free(decision: *mut pss_decision);
    "pss_result pss_labels_new(pss_labels **out);" => fn pss_labels_new(out: *mut *mut pss_labels) -> pss_result;
    "pss_result pss_labels_add(pss_labels *labels, const uint8_t *key, size_t key_len, const uint8_t *value, size_t value_len, pss_error **err_out);"
        => fn pss_labels_add(labels: *mut pss_labels, key: *const u8, key_len: usize, value: *const u8, value_len: usize, err_out: *mut *mut pss_error) -> pss_result;
    "void pss_labels_free(pss_labels *labels);" => fn pss_labels_free(labels: *mut pss_labels);
    "pss_result pss_kyverno_policy_parse(const uint8_t *json, size_t json_len, pss_kyverno_policy **out, pss_error **err_out);"
        => fn pss_kyverno_policy_parse(json: *const u8, json_len: usize, out: *mut *mut pss_kyverno_policy, err_out: *mut *mut pss_error) -> pss_result;
    "void pss_kyverno_policy_free(pss_kyverno_policy *policy);" => fn pss_kyverno_policy_free(policy: *mut pss_kyverno_policy);
    "pss_result pss_kyverno_policy_apply(const pss_kyverno_policy *policy, const uint8_t *resource, size_t resource_len, const uint8_t *namespace_, size_t namespace_len, const pss_labels *namespace_labels, pss_kyverno_result **out, pss_error **err_out);"
        => fn pss_kyverno_policy_apply(policy: *const pss_kyverno_policy, resource: *const u8, resource_len: usize, namespace_: *const u8, namespace_len: usize, namespace_labels: *const pss_labels, out: *mut *mut pss_kyverno_result, err_out: *mut *mut pss_error) -> pss_result;
    "pss_result pss_kyverno_result_blocked(const pss_kyverno_result *result, bool *out_blocked);"
        => fn pss_kyverno_result_blocked(result: *const pss_kyverno_result, out_blocked: *mut bool) -> pss_result;
    "pss_result pss_kyverno_result_blocked_message(const pss_kyverno_result *result, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_kyverno_result_blocked_message(result: *const pss_kyverno_result, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_kyverno_result_rule_count(const pss_kyverno_result *result, size_t *out_count);"
        => fn pss_kyverno_result_rule_count(result: *const pss_kyverno_result, out_count: *mut usize) -> pss_result;
    "pss_result pss_kyverno_result_rule(const pss_kyverno_result *result, size_t index, const pss_kyverno_rule **out);"
        => fn pss_kyverno_result_rule(result: *const pss_kyverno_result, index: usize, out: *mut *const pss_kyverno_rule) -> pss_result;
    "void pss_kyverno_result_free(pss_kyverno_result *result);" => fn pss_kyverno_result_free(result: *mut pss_kyverno_result);
    "pss_result pss_kyverno_rule_name(const pss_kyverno_rule *rule_ptr, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_kyverno_rule_name(rule_ptr: *const pss_kyverno_rule, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_kyverno_rule_message(const pss_kyverno_rule *rule_ptr, const uint8_t **out_ptr, size_t *out_len);"
        => fn pss_kyverno_rule_message(rule_ptr: *const pss_kyverno_rule, out_ptr: *mut *const u8, out_len: *mut usize) -> pss_result;
    "pss_result pss_kyverno_rule_status(const pss_kyverno_rule *rule_ptr, pss_kyverno_status *out_status);"
        => fn pss_kyverno_rule_status(rule_ptr: *const pss_kyverno_rule, out_status: *mut u32) -> pss_result;
    "pss_result pss_kyverno_rule_action(const pss_kyverno_rule *rule_ptr, pss_kyverno_action *out_action);"
        => fn pss_kyverno_rule_action(rule_ptr: *const pss_kyverno_rule, out_action: *mut u32) -> pss_result;
    "pss_result pss_kyverno_rule_violation_count(const pss_kyverno_rule *rule_ptr, size_t *out_count);"
        => fn pss_kyverno_rule_violation_count(rule_ptr: *const pss_kyverno_rule, out_count: *mut usize) -> pss_result;
    "pss_result pss_kyverno_rule_violation(const pss_kyverno_rule *rule_ptr, size_t index, const pss_violation **out);"
        => fn pss_kyverno_rule_violation(rule_ptr: *const pss_kyverno_rule, index: usize, out: *mut *const pss_violation) -> pss_result;
    "pss_result pss_result_text(uint32_t code, uint8_t *buf, size_t len, size_t *out_n);"
        => fn pss_result_text(code: u32, buf: *mut u8, len: usize, out_n: *mut usize) -> pss_result;
}

const OK: pss_result = 0;
const NULL_PARAMETER: pss_result = 1;
const INDEX_OUT_OF_RANGE: pss_result = 10;
const INVALID_INPUT: pss_result = 14;
const INPUT_TOO_LARGE: pss_result = 15;
const NOT_A_WORKLOAD: pss_result = 16;
const INVALID_EXCLUSION: pss_result = 17;
const UNEXPECTED_KIND: pss_result = 20;
const INVALID_POLICY: pss_result = 22;

/// Checks that every prototype of [`PROTOTYPES`] is declared in `header` (the text of pss.h), spelled
/// the same up to whitespace.
///
/// # Errors
/// The prototypes the header does not declare.
pub fn check_header(header: &str) -> Result<(), Vec<&'static str>> {
    let normalise = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ").replace("( ", "(").replace(" )", ")");
    // Declarations end at `;`; drop comments and preprocessor lines first.
    let mut code = String::new();
    let mut in_comment = false;
    for line in header.lines() {
        let trimmed = line.trim_start();
        if in_comment {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with("/*") {
            in_comment = !trimmed.contains("*/");
            continue;
        }
        if trimmed.starts_with('#') || trimmed.starts_with("//") {
            continue;
        }
        code.push_str(line);
        code.push(' ');
    }
    // A declaration runs from the previous `;`, `{` or `}` (`extern "C" {` opens the block).
    let declared: Vec<String> =
        code.split(';').map(|d| normalise(&format!("{};", d.rsplit(['{', '}']).next().unwrap_or(d)))).collect();
    let missing: Vec<_> = PROTOTYPES.iter().copied().filter(|p| !declared.iter().any(|d| *d == normalise(p))).collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(missing)
    }
}

/// The text of a view written by the library.
///
/// # Safety
/// `ptr` and `len` were written by a successful call and their owner is alive.
unsafe fn text<'a>(ptr: *const u8, len: usize) -> Option<&'a str> {
    if ptr.is_null() {
        assert_eq!(len, 0, "a NULL view with a length");
        return None;
    }
    // SAFETY: the library wrote a view of `len` bytes that lives as long as its owner (caller's guarantee).
    let bytes = unsafe { core::slice::from_raw_parts(ptr, len) };
    Some(core::str::from_utf8(bytes).expect("the library's text is UTF-8"))
}

/// Calls a `(handle, out_ptr, out_len)` accessor and returns its text.
///
/// # Safety
/// `handle` is live.
unsafe fn view<'a, T>(
    handle: *const T,
    f: unsafe extern "C" fn(*const T, *mut *const u8, *mut usize) -> pss_result,
) -> Option<&'a str> {
    let (mut p, mut n) = (ptr::null(), 0usize);
    // SAFETY: `handle` is live and both out-pointers are valid.
    assert_eq!(unsafe { f(handle, &mut p, &mut n) }, OK);
    // SAFETY: the call succeeded.
    unsafe { text(p, n) }
}

fn code_of(kind: ErrorKind) -> pss_result {
    match kind {
        ErrorKind::InvalidUtf8 => 2,
        ErrorKind::Syntax => 3,
        ErrorKind::NotAnObject => 4,
        ErrorKind::InvalidType => 5,
        ErrorKind::NumberOutOfRange => 6,
        ErrorKind::TooDeep => 7,
        ErrorKind::InvalidLevel => 8,
        ErrorKind::InvalidVersion => 9,
        ErrorKind::UnknownCheck => 13,
        ErrorKind::UnexpectedKind => 20,
        ErrorKind::BarePodSpec => 23,
        other => panic!("pss-core gave a pod error of kind {other:?}"),
    }
}

/// Compares a `pss_evaluation` with pss-core's evaluation of the same pod: everything
/// [`compare_common`] compares, the kind `Pod`, and upstream's admission message.
///
/// # Safety
/// `evaluation` is live.
unsafe fn compare_evaluation(evaluation: *const pss_evaluation, expected: &Evaluation, name: Option<&str>) {
    // SAFETY: `evaluation` is live (caller's guarantee).
    unsafe {
        compare_common(evaluation, expected, name);
        let message = expected.denial_message(name.unwrap_or_default()).unwrap_or_default();
        assert_eq!(view(evaluation, pss_evaluation_denial_message), Some(message.as_str()));
        assert_eq!(view(evaluation, pss_evaluation_kind), Some("Pod"));
        assert_eq!(view(evaluation, pss_evaluation_template_path), Some(""));
    }
}

/// Compares what every `pss_evaluation` shares with pss-core's evaluation: verdict, reason, detail,
/// pod name, the violations and their fields, and that the template is present.
///
/// # Safety
/// `evaluation` is live.
unsafe fn compare_common(evaluation: *const pss_evaluation, expected: &Evaluation, name: Option<&str>) {
    let mut allowed = false;
    let mut absent = true;
    // SAFETY: `evaluation` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        assert_eq!(pss_evaluation_allowed(evaluation, &mut allowed), OK);
        assert_eq!(allowed, expected.allowed());
        assert_eq!(pss_evaluation_template_absent(evaluation, &mut absent), OK);
        assert!(!absent);
        assert_eq!(view(evaluation, pss_evaluation_reason), Some(expected.forbidden_reason().as_str()));
        assert_eq!(view(evaluation, pss_evaluation_detail), Some(expected.forbidden_detail().as_str()));
        assert_eq!(view(evaluation, pss_evaluation_pod_name), name);
        let mut count = 0usize;
        assert_eq!(pss_evaluation_violation_count(evaluation, &mut count), OK);
        assert_eq!(count, expected.violations().len());
        let mut v: *const pss_violation = ptr::null();
        assert_eq!(pss_evaluation_violation(evaluation, count, &mut v), INDEX_OUT_OF_RANGE);
        assert!(v.is_null(), "out-parameter written on failure");
        for (i, want) in expected.violations().iter().enumerate() {
            assert_eq!(pss_evaluation_violation(evaluation, i, &mut v), OK);
            compare_violation(v, want);
        }
    }
}

/// Compares a `pss_violation` with pss-core's.
///
/// # Safety
/// `v` is live.
unsafe fn compare_violation(v: *const pss_violation, want: &Violation) {
    // SAFETY: `v` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        assert_eq!(view(v, pss_violation_check_id), Some(want.check().as_str()));
        assert_eq!(view(v, pss_violation_reason), Some(want.reason()));
        assert_eq!(view(v, pss_violation_detail), Some(want.detail().to_string().as_str()));
        let mut fields = 0usize;
        assert_eq!(pss_violation_field_count(v, &mut fields), OK);
        assert_eq!(fields, want.fields().len());
        for (j, want) in want.fields().iter().enumerate() {
            let mut f: *const pss_field = ptr::null();
            assert_eq!(pss_violation_field(v, j, &mut f), OK);
            assert_eq!(view(f, pss_field_path), Some(want.path().to_string().as_str()));
            assert_eq!(view(f, pss_field_value_json), Some(want.value().to_string().as_str()));
            assert_eq!(view(f, pss_field_container), want.container());
        }
    }
}

/// Compares a `pss_error` with pss-core's error for the same input.
///
/// # Safety
/// `err` is live.
unsafe fn compare_error(code: pss_result, err: *const pss_error, expected: &pss_core::Error) {
    assert_eq!(code, code_of(expected.kind()), "{expected}");
    // SAFETY: `err` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        let mut stored = 0;
        assert_eq!(pss_error_code(err, &mut stored), OK);
        assert_eq!(stored, code);
        assert_eq!(view(err, pss_error_message), Some(expected.message()));
        assert_eq!(view(err, pss_error_display), Some(expected.to_string().as_str()));
        assert_eq!(view(err, pss_error_path), expected.path());
        let (mut line, mut column, mut offset) = (0, 0, 0);
        assert_eq!(pss_error_position(err, &mut line, &mut column, &mut offset), OK);
        let want = expected.position().map_or((0, 0, 0), |p| (p.line, p.column, p.offset));
        assert_eq!((line, column, offset), want);
    }
}

/// The level and version texts the first input byte picks from (valid and invalid ones).
const POLICIES: [(&str, &str); 8] = [
    ("baseline", "latest"),
    ("restricted", "latest"),
    ("restricted", "v1.0"),
    ("baseline", "v1.22"),
    ("privileged", "v1.37"),
    ("restricted", "v1.99"),
    ("Baseline", "latest"),
    ("restricted", "1.25"),
];

/// A Kyverno `exclude` entry, as the selector picks them (see [`EXCLUSIONS`]).
struct Exclude {
    control: &'static str,
    images: &'static [&'static str],
    field: &'static str,
    values: &'static [&'static str],
}

/// The exclusion sets bits 3-4 of the first input byte pick from: none; a pod-level and a
/// container-level entry with a restricted field; entries with image wildcards; and a set with
/// invalid entries (an unknown control, a container-level control without images) beside a valid one.
const EXCLUSIONS: [&[Exclude]; 4] = [
    &[],
    &[
        Exclude { control: "Host Namespaces", images: &[], field: "", values: &[] },
        Exclude {
            control: "Capabilities",
            images: &["*"],
            field: "spec.containers[*].securityContext.capabilities.add",
            values: &["NET_*", "SYS_ADMIN"],
        },
    ],
    &[
        Exclude { control: "Privileged Containers", images: &["nginx*", "?*"], field: "", values: &[] },
        Exclude { control: "Running as Non-root", images: &["*"], field: "", values: &[] },
        Exclude {
            control: "Host Ports",
            images: &["*"],
            field: "spec.containers[*].ports[*].hostPort",
            values: &["8*"],
        },
    ],
    &[
        Exclude { control: "Not A Control", images: &[], field: "", values: &[] },
        Exclude { control: "Capabilities", images: &[], field: "", values: &[] },
        Exclude { control: "Sysctls", images: &[], field: "", values: &[] },
    ],
];

/// The namespace requests are made in, with its labels, and the user making them.
const NAMESPACE: &str = "fuzz-ns";
const USER: &str = "fuzz-user";

/// Target `capi`: the first byte picks a level and version (some invalid), a size limit and a set of
/// exclusions; the rest is the input, read through the C ABI's functions as C calls them:
///
/// - as a pod: `pss_evaluate` and `pss_level_version_new` + `pss_level_version_evaluate` agree with
///   pss-core's `evaluate_json_excluding` on everything a C caller can read: verdict, strings,
///   violations, fields, the error's code (another kind, a bare pod spec), message, path and position;
/// - as a bare pod spec: `pss_evaluate_spec` and `pss_level_version_evaluate_spec` agree with
///   pss-core's `evaluate_spec_json` (no kind, spec-relative paths; exclusions refused);
/// - as an object: `pss_evaluate_object` and `pss_level_version_evaluate_object` agree with
///   pss-core's `evaluate_object_excluding` (kind, template path, denial message, a template's
///   absence, not-a-workload with pss-core's reason);
/// - as an admission request in a namespace labelled with the level and version:
///   `pss_admission_review` agrees with pss-core's `Admission::review` (verdict, denial, kind,
///   exemption, warnings, audit annotations, the enforce evaluation, the pods verdict and the
///   created pods' evaluation);
/// - as a resource for a Kyverno policy with the policy and the exclusions: `pss_kyverno_policy_parse`
///   and `pss_kyverno_policy_apply` agree with pss-core's `KyvernoPolicy` (blocked, message, each
///   rule's name, message, status, action and violations);
/// - exclusions are added by `pss_options_add_exclusion` exactly when pss-core accepts them;
/// - out-parameters are written only on success; a size limit below the input's length is
///   `PSS_RESULT_INPUT_TOO_LARGE`; NULL pointers are `PSS_RESULT_NULL_PARAMETER`.
pub fn capi(data: &[u8]) {
    let Some((&selector, input)) = data.split_first() else { return };
    let (level, version) = POLICIES[usize::from(selector) % POLICIES.len()];
    let limit = (selector >= 0x80).then(|| usize::from(selector & 0x3f) * 16);
    let excludes = EXCLUSIONS[usize::from(selector >> 3) & 3];
    let lv: Result<LevelVersion, pss_core::Error> = format!("{level}:{version}").parse();
    let labels = [
        (pss_core::admission::ENFORCE_LEVEL_LABEL, level),
        (pss_core::admission::ENFORCE_VERSION_LABEL, version),
        (pss_core::admission::WARN_LEVEL_LABEL, "restricted"),
        (pss_core::admission::AUDIT_LEVEL_LABEL, "baseline"),
    ];

    // SAFETY: every pointer passed is NULL, a live handle, or valid for its length; handles are freed once.
    unsafe {
        let (options, exclusions) = make_options(limit, excludes);
        let too_large = limit.is_some_and(|l| input.len() > l);
        pods(level, version, &lv, options, too_large, &exclusions, input);
        specs(level, version, &lv, options, too_large, &exclusions, input);
        objects(level, version, &lv, options, too_large, &exclusions, input);
        pss_options_free(options);

        let mut c_labels: *mut pss_labels = ptr::null_mut();
        assert_eq!(pss_labels_new(&mut c_labels), OK);
        for (key, value) in labels {
            let code = pss_labels_add(c_labels, key.as_ptr(), key.len(), value.as_ptr(), value.len(), ptr::null_mut());
            assert_eq!(code, OK);
        }
        admission(&labels, c_labels, input);
        kyverno(level, version, selector & 0x40 != 0, excludes, &labels, c_labels, input);
        pss_labels_free(c_labels);

        // Every code has a text that fits the documented maximum.
        let mut buf = [0u8; 64];
        let mut n = 0usize;
        assert_eq!(pss_result_text(u32::from(selector), buf.as_mut_ptr(), buf.len(), &mut n), OK);
        assert!(n > 0 && n <= buf.len());
        assert!(core::str::from_utf8(&buf[..n]).is_ok());
        assert_eq!(pss_version(), pss_capi::PSS_VERSION_NUMBER);
    }
}

/// Options with the size limit and the exclusions (NULL when there is neither), and the exclusions
/// pss-core accepts, which must be exactly those the C ABI added.
///
/// # Safety
/// Always safe to call; the returned options are the caller's to free.
unsafe fn make_options(limit: Option<usize>, excludes: &[Exclude]) -> (*mut pss_options, Vec<PodSecurityExclusion>) {
    let mut accepted = Vec::new();
    let mut options: *mut pss_options = ptr::null_mut();
    if limit.is_none() && excludes.is_empty() {
        return (options, accepted);
    }
    // SAFETY: the out-pointers are valid; `options` is live once made; every (pointer, length) pair
    // describes a live slice.
    unsafe {
        assert_eq!(pss_options_new(&mut options), OK);
        if let Some(limit) = limit {
            assert_eq!(pss_options_set_max_input_len(options, limit), OK);
        }
        for e in excludes {
            let (image_ptrs, image_lens) = pointers(e.images);
            let (value_ptrs, value_lens) = pointers(e.values);
            let mut err: *mut pss_error = ptr::null_mut();
            let code = pss_options_add_exclusion(
                options,
                e.control.as_ptr(),
                e.control.len(),
                image_ptrs.as_ptr(),
                image_lens.as_ptr(),
                image_ptrs.len(),
                e.field.as_ptr(),
                e.field.len(),
                value_ptrs.as_ptr(),
                value_lens.as_ptr(),
                value_ptrs.len(),
                &mut err,
            );
            match PodSecurityExclusion::new(e.control, e.images.iter().copied(), e.field, e.values.iter().copied()) {
                Ok(exclusion) => {
                    assert_eq!(code, OK, "{} refused", e.control);
                    assert!(err.is_null());
                    accepted.push(exclusion);
                }
                Err(errors) => {
                    assert!(!errors.is_empty());
                    assert_eq!(code, INVALID_EXCLUSION, "{} accepted", e.control);
                    assert!(view(err, pss_error_message).is_some_and(|m| !m.is_empty()));
                    pss_error_free(err);
                }
            }
            let mut count = 0usize;
            assert_eq!(pss_options_exclusion_count(options, &mut count), OK);
            assert_eq!(count, accepted.len());
        }
    }
    (options, accepted)
}

/// The pointers and lengths of `texts`, as the C ABI takes arrays of strings.
fn pointers(texts: &[&str]) -> (Vec<*const u8>, Vec<usize>) {
    (texts.iter().map(|t| t.as_ptr()).collect(), texts.iter().map(|t| t.len()).collect())
}

/// The input as a pod, with a level and version as text and through a policy handle.
///
/// # Safety
/// `options` is NULL or live.
unsafe fn pods(
    level: &str,
    version: &str,
    lv: &Result<LevelVersion, pss_core::Error>,
    options: *const pss_options,
    too_large: bool,
    exclusions: &[PodSecurityExclusion],
    pod: &[u8],
) {
    let expected = lv.as_ref().map_err(Clone::clone).and_then(|lv| evaluate_json_excluding(*lv, pod, exclusions));
    let name = pss_core::PodDocument::from_slice(pod).ok().and_then(|d| d.name().map(str::to_owned));
    // SAFETY: as `capi`'s: every pointer is NULL, live, or valid for its length.
    unsafe {
        let mut out: *mut pss_evaluation = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_evaluate(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            options,
            pod.as_ptr(),
            pod.len(),
            &mut out,
            &mut err,
        );
        match (lv, &expected) {
            (Err(e), _) => {
                assert!(out.is_null());
                compare_error(code, err, e);
            }
            (Ok(_), _) if too_large => {
                assert_eq!(code, INPUT_TOO_LARGE);
                assert!(out.is_null() && !err.is_null());
            }
            (Ok(_), Ok(e)) => {
                assert_eq!(code, OK, "pss_evaluate failed where pss-core succeeds");
                assert!(err.is_null(), "error written on success");
                compare_evaluation(out, e, name.as_deref());
            }
            (Ok(_), Err(e)) => {
                assert!(out.is_null(), "evaluation written on failure");
                compare_error(code, err, e);
            }
        }
        pss_evaluation_free(out);
        pss_error_free(err);

        // The same through a policy handle.
        let mut policy: *mut pss_level_version = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code =
            pss_level_version_new(level.as_ptr(), level.len(), version.as_ptr(), version.len(), &mut policy, &mut err);
        if let Err(e) = lv {
            assert!(policy.is_null());
            compare_error(code, err, e);
            pss_error_free(err);
            return;
        }
        assert_eq!(code, OK);
        let mut out: *mut pss_evaluation = ptr::null_mut();
        let code = pss_level_version_evaluate(policy, options, pod.as_ptr(), pod.len(), &mut out, &mut err);
        match &expected {
            _ if too_large => assert_eq!(code, INPUT_TOO_LARGE),
            Ok(e) => {
                assert_eq!(code, OK);
                compare_evaluation(out, e, name.as_deref());
            }
            Err(e) => compare_error(code, err, e),
        }
        pss_evaluation_free(out);
        pss_error_free(err);
        // A NULL pod is reported even with length 0; NULL error out-pointers are allowed.
        let mut out: *mut pss_evaluation = ptr::null_mut();
        let code = pss_level_version_evaluate(policy, options, ptr::null(), 0, &mut out, ptr::null_mut());
        assert_eq!(code, NULL_PARAMETER);
        assert!(out.is_null());
        pss_level_version_free(policy);
    }
}

/// The input as a bare pod spec, with a level and version as text and through a handle: pss-core's
/// `evaluate_spec_json` (no kind, no template, no name; paths relative to the spec), and options with
/// exclusions refused.
///
/// # Safety
/// `options` is NULL or live.
unsafe fn specs(
    level: &str,
    version: &str,
    lv: &Result<LevelVersion, pss_core::Error>,
    options: *const pss_options,
    too_large: bool,
    exclusions: &[PodSecurityExclusion],
    spec: &[u8],
) {
    // SAFETY: as `capi`'s: every pointer is NULL, live, or valid for its length.
    unsafe {
        let mut handle: *mut pss_level_version = ptr::null_mut();
        if lv.is_ok() {
            let code = pss_level_version_new(
                level.as_ptr(),
                level.len(),
                version.as_ptr(),
                version.len(),
                &mut handle,
                ptr::null_mut(),
            );
            assert_eq!(code, OK);
        }
        for by_handle in [false, true] {
            let mut out: *mut pss_evaluation = ptr::null_mut();
            let mut err: *mut pss_error = ptr::null_mut();
            let code = if by_handle {
                if handle.is_null() {
                    continue;
                }
                pss_level_version_evaluate_spec(handle, options, spec.as_ptr(), spec.len(), &mut out, &mut err)
            } else {
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
            match lv {
                Err(e) => {
                    assert!(out.is_null());
                    compare_error(code, err, e);
                }
                Ok(_) if too_large => {
                    assert_eq!(code, INPUT_TOO_LARGE);
                    assert!(out.is_null() && !err.is_null());
                }
                Ok(_) if !exclusions.is_empty() => {
                    assert_eq!(code, INVALID_INPUT, "exclusions are refused for a bare pod spec");
                    assert!(out.is_null() && !err.is_null());
                }
                Ok(lv) => match pss_core::evaluate_spec_json(*lv, spec) {
                    Ok(expected) => {
                        assert_eq!(code, OK, "pss_evaluate_spec failed where pss-core succeeds");
                        assert!(err.is_null());
                        compare_common(out, &expected, None);
                        let message = expected.denial_message("").unwrap_or_default();
                        assert_eq!(view(out, pss_evaluation_denial_message), Some(message.as_str()));
                        assert_eq!(view(out, pss_evaluation_kind), None);
                        assert_eq!(view(out, pss_evaluation_template_path), None);
                    }
                    Err(e) => {
                        assert!(out.is_null(), "evaluation written on failure");
                        compare_error(code, err, &e);
                    }
                },
            }
            pss_evaluation_free(out);
            pss_error_free(err);
        }
        pss_level_version_free(handle);
    }
}

/// The input as any object (a pod, a pod controller or something else), with a level and version
/// as text and through a handle.
///
/// # Safety
/// `options` is NULL or live.
unsafe fn objects(
    level: &str,
    version: &str,
    lv: &Result<LevelVersion, pss_core::Error>,
    options: *const pss_options,
    too_large: bool,
    exclusions: &[PodSecurityExclusion],
    object: &[u8],
) {
    // SAFETY: as `capi`'s: every pointer is NULL, live, or valid for its length.
    unsafe {
        let mut out: *mut pss_evaluation = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_evaluate_object(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            options,
            object.as_ptr(),
            object.len(),
            &mut out,
            &mut err,
        );
        let lv = match lv {
            Err(e) => {
                assert!(out.is_null());
                compare_error(code, err, e);
                pss_error_free(err);
                return;
            }
            Ok(lv) => *lv,
        };
        compare_object(code, out, err, lv, too_large, exclusions, object);
        pss_evaluation_free(out);
        pss_error_free(err);

        let mut policy: *mut pss_level_version = ptr::null_mut();
        let code = pss_level_version_new(
            level.as_ptr(),
            level.len(),
            version.as_ptr(),
            version.len(),
            &mut policy,
            ptr::null_mut(),
        );
        assert_eq!(code, OK);
        let mut out: *mut pss_evaluation = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code =
            pss_level_version_evaluate_object(policy, options, object.as_ptr(), object.len(), &mut out, &mut err);
        compare_object(code, out, err, lv, too_large, exclusions, object);
        pss_evaluation_free(out);
        pss_error_free(err);
        pss_level_version_free(policy);
    }
}

/// Compares the outcome of an object function with pss-core's.
///
/// # Safety
/// `out` and `err` are NULL or live.
unsafe fn compare_object(
    code: pss_result,
    out: *const pss_evaluation,
    err: *const pss_error,
    lv: LevelVersion,
    too_large: bool,
    exclusions: &[PodSecurityExclusion],
    object: &[u8],
) {
    // SAFETY: `out` and `err` are NULL or live (caller's guarantee).
    unsafe {
        if too_large {
            assert_eq!(code, INPUT_TOO_LARGE);
            assert!(out.is_null() && !err.is_null());
            return;
        }
        let document = match ObjectDocument::from_slice(object) {
            Ok(document) => document,
            Err(e) => {
                assert!(out.is_null(), "evaluation written on failure");
                return compare_error(code, err, &e);
            }
        };
        let name = document.name();
        match (evaluate_object_excluding(lv, &document, exclusions), document.workload_kind()) {
            (Ok(expected), Some(kind)) => {
                assert_eq!(code, OK, "pss_evaluate_object failed where pss-core succeeds");
                assert!(err.is_null());
                compare_common(out, &expected, name);
                assert_eq!(expected.kind(), Some(kind));
                assert_eq!(view(out, pss_evaluation_kind), Some(kind.kind()));
                assert_eq!(view(out, pss_evaluation_template_path), Some(kind.template_path()));
                // pss-core's words for every kind: the API server's for a pod, `pss`'s for a controller.
                let message = expected.denial_message(name.unwrap_or_default()).unwrap_or_default();
                assert_eq!(view(out, pss_evaluation_denial_message), Some(message.as_str()));
            }
            (Err(e @ NoPodTemplate::TemplateAbsent { kind }), _) => {
                assert_eq!(code, OK, "a missing template is an evaluation, not an error");
                let (mut allowed, mut absent, mut count) = (false, false, 1usize);
                assert_eq!(pss_evaluation_allowed(out, &mut allowed), OK);
                assert_eq!(pss_evaluation_template_absent(out, &mut absent), OK);
                assert_eq!(pss_evaluation_violation_count(out, &mut count), OK);
                assert!(allowed && absent && count == 0);
                assert_eq!(view(out, pss_evaluation_kind), Some(kind.kind()));
                assert_eq!(view(out, pss_evaluation_note), Some(e.to_string().as_str()));
            }
            (Err(e), _) => {
                // Not evaluated (no kind, not a pod controller): pss-core's reason, never allowed.
                assert_eq!(code, NOT_A_WORKLOAD);
                assert!(out.is_null());
                assert_eq!(view(err, pss_error_message), Some(e.to_string().as_str()));
            }
            (Ok(_), None) => panic!("pss-core evaluated an object that is not a workload"),
        }
    }
}

/// The input as a create request reviewed by an admission controller with upstream's defaults, in
/// a namespace with `labels`.
///
/// # Safety
/// `c_labels` is live and holds `labels`.
unsafe fn admission(labels: &[(&str, &str)], c_labels: *const pss_labels, object: &[u8]) {
    let expected = Admission::new(AdmissionConfig::default());
    // SAFETY: as `capi`'s: every pointer is NULL, live, or valid for its length.
    unsafe {
        let mut handle: *mut pss_admission = ptr::null_mut();
        assert_eq!(pss_admission_new(ptr::null(), &mut handle), OK);
        let mut out: *mut pss_decision = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_admission_review(
            handle,
            NAMESPACE.as_ptr(),
            NAMESPACE.len(),
            c_labels,
            USER.as_ptr(),
            USER.len(),
            object.as_ptr(),
            object.len(),
            &mut out,
            &mut err,
        );
        match ObjectDocument::from_slice(object) {
            Err(e) => {
                assert!(out.is_null());
                compare_error(code, err, &e);
            }
            Ok(document) => {
                let name = document.name();
                match expected.review(&document, name.unwrap_or(""), NAMESPACE, labels.iter().copied(), USER) {
                    Err(_) => {
                        assert_eq!(code, NOT_A_WORKLOAD);
                        assert!(out.is_null() && !err.is_null());
                    }
                    Ok(decision) => {
                        assert_eq!(code, OK, "pss_admission_review failed where pss-core succeeds");
                        compare_decision(out, &decision, name);
                    }
                }
            }
        }
        pss_decision_free(out);
        pss_error_free(err);
        pss_admission_free(handle);
    }
}

/// Compares a `pss_decision` with pss-core's.
///
/// # Safety
/// `decision` is live.
unsafe fn compare_decision(
    decision: *const pss_decision,
    expected: &pss_core::admission::Decision,
    name: Option<&str>,
) {
    // SAFETY: `decision` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        let mut allowed = false;
        assert_eq!(pss_decision_allowed(decision, &mut allowed), OK);
        assert_eq!(allowed, expected.allowed());
        assert_eq!(view(decision, pss_decision_denial), expected.denial());
        assert_eq!(view(decision, pss_decision_kind), Some(expected.kind().kind()));
        assert_eq!(view(decision, pss_decision_exemption), expected.exemption().map(|e| e.as_str()));
        let mut count = 0usize;
        assert_eq!(pss_decision_warning_count(decision, &mut count), OK);
        assert_eq!(count, expected.warnings().len());
        for (i, want) in expected.warnings().iter().enumerate() {
            let (mut p, mut n) = (ptr::null(), 0usize);
            assert_eq!(pss_decision_warning(decision, i, &mut p, &mut n), OK);
            assert_eq!(text(p, n), Some(want.as_str()));
        }
        assert_eq!(pss_decision_audit_annotation_count(decision, &mut count), OK);
        assert_eq!(count, expected.audit_annotations().len());
        for (i, (key, value)) in expected.audit_annotations().iter().enumerate() {
            let (mut kp, mut kn, mut vp, mut vn) = (ptr::null(), 0usize, ptr::null(), 0usize);
            assert_eq!(pss_decision_audit_annotation(decision, i, &mut kp, &mut kn, &mut vp, &mut vn), OK);
            assert_eq!((text(kp, kn), text(vp, vn)), (Some(key.as_str()), Some(value.as_str())));
        }
        let mut enforce: *const pss_evaluation = ptr::null();
        assert_eq!(pss_decision_enforce(decision, &mut enforce), OK);
        match expected.enforce() {
            Some(e) => compare_common(enforce, e, name),
            None => assert!(enforce.is_null()),
        }
        // pss-core's verdict on the pods a controller creates.
        let mut pods_allowed = !expected.pods_allowed();
        assert_eq!(pss_decision_pods_allowed(decision, &mut pods_allowed), OK);
        assert_eq!(pods_allowed, expected.pods_allowed());
        assert_eq!(view(decision, pss_decision_pods_denial), expected.pods_denial());
        let mut created: *const pss_evaluation = ptr::null();
        assert_eq!(pss_decision_created_pods(decision, &mut created), OK);
        match expected.created_pods() {
            Some(e) => {
                compare_common(created, e, name);
                let message = e.denial_message(name.unwrap_or_default()).unwrap_or_default();
                assert_eq!(view(created, pss_evaluation_denial_message), Some(message.as_str()));
            }
            None => assert!(created.is_null()),
        }
    }
}

/// A ClusterPolicy with one `validate.podSecurity` rule at `level` and `version` with `excludes`,
/// enforcing or auditing.
fn kyverno_policy(level: &str, version: &str, enforce: bool, excludes: &[Exclude]) -> String {
    let exclude: Vec<serde_json::Value> = excludes
        .iter()
        .map(|e| {
            let mut entry = json!({ "controlName": e.control });
            if !e.images.is_empty() {
                entry["images"] = json!(e.images);
            }
            if !e.field.is_empty() {
                entry["restrictedField"] = json!(e.field);
                entry["values"] = json!(e.values);
            }
            entry
        })
        .collect();
    json!({
        "apiVersion": "kyverno.io/v1",
        "kind": "ClusterPolicy",
        "metadata": { "name": "fuzz" },
        "spec": {
            "validationFailureAction": if enforce { "Enforce" } else { "Audit" },
            "background": false,
            "rules": [{
                "name": "pss",
                "match": { "any": [{ "resources": { "kinds": ["Pod"] } }] },
                "validate": { "podSecurity": { "level": level, "version": version, "exclude": exclude } },
            }],
        },
    })
    .to_string()
}

/// The input as a resource a Kyverno policy (from the selector) is applied to, in a namespace with
/// `labels`.
///
/// # Safety
/// `c_labels` is live and holds `labels`.
unsafe fn kyverno(
    level: &str,
    version: &str,
    enforce: bool,
    excludes: &[Exclude],
    labels: &[(&str, &str)],
    c_labels: *const pss_labels,
    resource: &[u8],
) {
    let text = kyverno_policy(level, version, enforce, excludes);
    // SAFETY: as `capi`'s: every pointer is NULL, live, or valid for its length.
    unsafe {
        let mut policy: *mut pss_kyverno_policy = ptr::null_mut();
        let mut err: *mut pss_error = ptr::null_mut();
        let code = pss_kyverno_policy_parse(text.as_ptr(), text.len(), &mut policy, &mut err);
        let expected = match KyvernoPolicy::from_slice(text.as_bytes()) {
            Ok(expected) => expected,
            Err(e) => {
                assert!(policy.is_null());
                let want = match &e {
                    PolicyError::Decode(e) => code_of(e.kind()),
                    PolicyError::UnsupportedKind { .. } => UNEXPECTED_KIND,
                    _ => INVALID_POLICY,
                };
                assert_eq!(code, want, "{e}");
                assert!(view(err, pss_error_message).is_some_and(|m| !m.is_empty()));
                pss_error_free(err);
                return;
            }
        };
        assert_eq!(code, OK, "pss_kyverno_policy_parse failed where pss-core succeeds");
        let map: BTreeMap<String, String> = labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        let mut out: *mut pss_kyverno_result = ptr::null_mut();
        let code = pss_kyverno_policy_apply(
            policy,
            resource.as_ptr(),
            resource.len(),
            NAMESPACE.as_ptr(),
            NAMESPACE.len(),
            c_labels,
            &mut out,
            &mut err,
        );
        match ObjectDocument::from_slice(resource) {
            Err(e) => {
                assert!(out.is_null());
                compare_error(code, err, &e);
            }
            Ok(document) => {
                assert_eq!(code, OK, "pss_kyverno_policy_apply failed where pss-core succeeds");
                let result = expected.apply(&document, NAMESPACE, Some(&map));
                let message = blocked_message(&document, NAMESPACE, core::slice::from_ref(&result));
                compare_kyverno(out, &result, message.as_deref());
            }
        }
        pss_kyverno_result_free(out);
        pss_error_free(err);
        pss_kyverno_policy_free(policy);
    }
}

/// Compares a `pss_kyverno_result` with pss-core's.
///
/// # Safety
/// `result` is live.
unsafe fn compare_kyverno(
    result: *const pss_kyverno_result,
    expected: &pss_core::kyverno::PolicyResult,
    message: Option<&str>,
) {
    // SAFETY: `result` is live (caller's guarantee); the out-pointers are valid.
    unsafe {
        let mut blocked = false;
        assert_eq!(pss_kyverno_result_blocked(result, &mut blocked), OK);
        assert_eq!(blocked, expected.blocked());
        assert_eq!(view(result, pss_kyverno_result_blocked_message), message);
        let mut count = 0usize;
        assert_eq!(pss_kyverno_result_rule_count(result, &mut count), OK);
        assert_eq!(count, expected.rules().len());
        for (i, want) in expected.rules().iter().enumerate() {
            let mut rule: *const pss_kyverno_rule = ptr::null();
            assert_eq!(pss_kyverno_result_rule(result, i, &mut rule), OK);
            assert_eq!(view(rule, pss_kyverno_rule_name), Some(want.name()));
            assert_eq!(view(rule, pss_kyverno_rule_message), Some(want.message()));
            let (mut status, mut action) = (u32::MAX, u32::MAX);
            assert_eq!(pss_kyverno_rule_status(rule, &mut status), OK);
            let want_status = match want.status() {
                RuleStatus::Pass => 0,
                RuleStatus::Fail => 1,
                RuleStatus::Skip => 2,
                RuleStatus::Error => 3,
                _ => 4,
            };
            assert_eq!(status, want_status);
            assert_eq!(pss_kyverno_rule_action(rule, &mut action), OK);
            assert_eq!(action, u32::from(want.action() == FailureAction::Audit));
            let mut violations = 0usize;
            assert_eq!(pss_kyverno_rule_violation_count(rule, &mut violations), OK);
            assert_eq!(violations, want.violations().len());
            for (j, want) in want.violations().iter().enumerate() {
                let mut v: *const pss_violation = ptr::null();
                assert_eq!(pss_kyverno_rule_violation(rule, j, &mut v), OK);
                compare_violation(v, want);
            }
        }
    }
}
