//! `pss_level_version` (a level at a version) and `pss_options` (how to evaluate).

use pss_core::kyverno::PodSecurityExclusion;
use pss_core::{FieldError, Level, LevelVersion, Version};

use crate::error::pss_error;
use crate::ffi::{
    free_handle, get_text, get_value, guard, guard_err, input_str, input_strs, into_handle, non_null_mut, write,
    Failure,
};
use crate::result::pss_result;

/// One level at one version (`baseline` at `latest`, `restricted` at `v1.30`): what a pod is
/// evaluated against, and one mode of a namespace's `pss_policy`. pss-core's `LevelVersion`. Parsed
/// once and reusable for any number of evaluations, from any number of threads at once. Immutable.
#[allow(non_camel_case_types)]
#[derive(Debug, Clone)]
pub struct pss_level_version {
    pub(crate) level_version: LevelVersion,
    level: &'static str,
    version: String,
}

impl pss_level_version {
    pub(crate) fn parse(level: &str, version: &str) -> Result<pss_level_version, pss_core::Error> {
        Ok(pss_level_version::new(pss_level_version::parse_level_version(level, version)?))
    }

    /// The level, then the version, as text (checked in that order), without making a handle.
    pub(crate) fn parse_level_version(level: &str, version: &str) -> Result<LevelVersion, pss_core::Error> {
        let level = Level::parse(level)?;
        let version = Version::parse(version)?;
        Ok(LevelVersion::new(level, version))
    }

    pub(crate) fn new(level_version: LevelVersion) -> pss_level_version {
        pss_level_version {
            level_version,
            level: level_version.level.as_str(),
            version: level_version.version.to_string(),
        }
    }
}

/// How to evaluate, beyond the level and version: the largest input accepted, and Kyverno-style exclusions
/// (`pss_options_add_exclusion`). Adding settings here does not change any existing function.
///
/// Set options before sharing the handle; once set, one handle can serve concurrent evaluations
/// (setting an option while another thread evaluates with the same handle is a data race).
#[allow(non_camel_case_types)]
#[derive(Debug, Clone)]
pub struct pss_options {
    pub(crate) max_input_len: usize,
    pub(crate) exclusions: Vec<PodSecurityExclusion>,
}

impl Default for pss_options {
    fn default() -> Self {
        pss_options { max_input_len: usize::MAX, exclusions: Vec::new() }
    }
}

impl pss_options {
    /// The exclusions of optional options.
    pub(crate) fn exclusions_of(options: Option<&pss_options>) -> &[PodSecurityExclusion] {
        options.map_or(&[], |o| &o.exclusions)
    }

    /// Refuses an input longer than the options allow; `what` names it ("pod", "object").
    pub(crate) fn check_len(options: Option<&pss_options>, len: usize, what: &str) -> Result<(), Failure> {
        let max = options.map_or(usize::MAX, |o| o.max_input_len);
        if len > max {
            return Err(Failure::new(
                pss_result::InputTooLarge,
                format!("the {what} is {len} bytes, more than the {max} the options allow"),
            ));
        }
        Ok(())
    }
}

/// Kyverno's validation errors of one exclusion as a failure: one error as Kyverno prints it (with its
/// path, relative to the entry, as the error's path); several as upstream's aggregate, `[a, b]`.
fn exclusion_failure(errors: &[FieldError]) -> Failure {
    Failure::aggregate(pss_result::InvalidExclusion, errors, FieldError::path)
}

/// Parses a level (`privileged`, `baseline` or `restricted`, case-sensitive) and a version (`latest` or
/// `v1.N`, no leading zero) exactly as the Kubernetes API server does, into a level and version.
///
/// Ownership: `level` and `version` are read during the call only. On success `*out` receives a new
/// `pss_level_version` the caller owns and frees with `pss_level_version_free`. On failure `*out` is
/// not written and, when `err_out` is not NULL, `*err_out` receives a new `pss_error` the caller frees
/// with `pss_error_free` (it is not written on success).
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`level`, `version` or `out` is NULL), `PSS_RESULT_INVALID_UTF8`,
/// `PSS_RESULT_INVALID_LEVEL`, `PSS_RESULT_INVALID_VERSION`, `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `level` and `version` are NULL or point to `level_len` / `version_len` readable bytes; `out` and
/// `err_out` are NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_new(
    level: *const u8,
    level_len: usize,
    version: *const u8,
    version_len: usize,
    out: *mut *mut pss_level_version,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            // SAFETY: the caller guarantees the input pointers and lengths.
            let level = input_str(level, level_len, "level")?;
            // SAFETY: as above.
            let version = input_str(version, version_len, "version")?;
            let out = non_null_mut(out, "out")?;
            let level_version = pss_level_version::parse(level, version)?;
            // SAFETY: `out` is non-NULL and writable (caller's guarantee).
            write(out, into_handle(level_version));
            Ok(())
        })
    }
}

/// The level as upstream spells it (`privileged`, `baseline`, `restricted`).
///
/// Ownership: writes a view (not NUL-terminated) of static text; it stays valid for the life of the
/// process.
///
/// # Safety
/// `level_version` is NULL or a live `pss_level_version`; `out_ptr` and `out_len` are NULL or valid
/// for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_level(
    level_version: *const pss_level_version,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(level_version, "level_version", out_ptr, out_len, |lv| Some(lv.level)) }
}

/// The version as given (`latest`, `v1.30`; a version newer than the newest checks keeps its
/// number).
///
/// Ownership: writes a view (not NUL-terminated) of text owned by `level_version`; it stays valid
/// until `level_version` is freed.
///
/// # Safety
/// `level_version` is NULL or a live `pss_level_version`; `out_ptr` and `out_len` are NULL or valid
/// for writing.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_version(
    level_version: *const pss_level_version,
    out_ptr: *mut *const u8,
    out_len: *mut usize,
) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_text(level_version, "level_version", out_ptr, out_len, |lv| Some(&lv.version)) }
}

/// Frees a level and version. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_level_version`; its views become invalid. Evaluations made
/// with it stay valid (they do not borrow it).
///
/// # Safety
/// `level_version` is NULL or a `pss_level_version` from `pss_level_version_new` not freed before
/// (never one borrowed from a `pss_policy`, which frees its own), and no other thread uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_level_version_free(level_version: *mut pss_level_version) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(level_version) }
}

/// Makes options with the defaults: no limit on the pod's size.
///
/// Ownership: on success `*out` receives a new `pss_options` the caller owns and frees with
/// `pss_options_free`.
///
/// Errors: `PSS_RESULT_NULL_PARAMETER` (`out` is NULL).
///
/// # Safety
/// `out` is NULL or valid for writing one pointer.
#[no_mangle]
pub unsafe extern "C" fn pss_options_new(out: *mut *mut pss_options) -> pss_result {
    guard(|| {
        let out = non_null_mut(out, "out")?;
        // SAFETY: `out` is non-NULL and writable (caller's guarantee).
        unsafe { write(out, into_handle(pss_options::default())) };
        Ok(())
    })
}

/// Sets the largest pod, in bytes, that evaluations with these options accept; a longer one fails
/// with `PSS_RESULT_INPUT_TOO_LARGE` before it is read. `SIZE_MAX` (the default) means no limit.
/// (The Kubernetes API server itself refuses requests over 3 MiB.)
///
/// Ownership: `options` stays the caller's.
///
/// # Safety
/// `options` is NULL or a live `pss_options` that no other thread uses during the call.
#[no_mangle]
pub unsafe extern "C" fn pss_options_set_max_input_len(options: *mut pss_options, max_len: usize) -> pss_result {
    guard(|| {
        let options = non_null_mut(options, "options")?;
        // SAFETY: the caller guarantees `options` is live and not used by another thread meanwhile.
        unsafe { (*options).max_input_len = max_len };
        Ok(())
    })
}

/// Adds one Kyverno-style exclusion (an entry of a Kyverno `validate.podSecurity.exclude` list),
/// validated exactly as Kyverno validates it. Evaluations with these options drop the offending
/// fields the exclusions cover: an entry with `images` covers fields of containers whose image matches
/// one of them (wildcards `*` and `?`); one without covers pod-level fields; `restricted_field` (a
/// path relative to the pod with `[*]` for indices, e.g.
/// `spec.containers[*].securityContext.capabilities.add`) and `values` (wildcards every value of that
/// field must match) narrow it. A violation whose fields are all covered is dropped; one partly
/// covered keeps its other fields and upstream's detail. Paths of a controller's fields are matched
/// relative to its pod template.
///
/// `control_name` is Kyverno's name of a control (`"Privileged Containers"`, `"Capabilities"`,
/// `"Host Namespaces"`, ...). `images` and `values` are lists given as parallel arrays: `images[i]`
/// points to `image_lens[i]` bytes, for `image_count` entries (with a count of 0 the arrays are not
/// read and may be NULL). `restricted_field` may be empty (length 0, non-NULL) for any field.
///
/// Ownership: every input is read during the call only (the options copy what they keep); `options`
/// stays the caller's. On failure the options are unchanged and, when `err_out` is not NULL,
/// `*err_out` receives a new `pss_error` the caller frees with `pss_error_free`.
///
/// Errors: `PSS_RESULT_INVALID_EXCLUSION` with Kyverno's message, e.g. `controlName: Invalid value:
/// "Privileged Containers": exclude.images must be specified for the container level control` (its
/// path is `controlName`; several problems are reported together as `[first, second]`, without a
/// path); `PSS_RESULT_NULL_PARAMETER` (`options`, `control_name` or `restricted_field` is NULL, or an
/// array or one of its elements is NULL with a count above 0), `PSS_RESULT_INVALID_UTF8`,
/// `PSS_RESULT_INPUT_TOO_LARGE`.
///
/// # Safety
/// `options` is NULL or a live `pss_options` that no other thread uses during the call;
/// `control_name` and `restricted_field` are NULL or point to their lengths in readable bytes; with a
/// count above 0, non-NULL arrays hold that many elements, and each non-NULL element points to its
/// length in readable bytes; `err_out` is NULL or valid for writing one pointer.
#[no_mangle]
#[allow(clippy::too_many_arguments)] // two (ptr, len) inputs and two (ptrs, lens, count) lists
pub unsafe extern "C" fn pss_options_add_exclusion(
    options: *mut pss_options,
    control_name: *const u8,
    control_name_len: usize,
    images: *const *const u8,
    image_lens: *const usize,
    image_count: usize,
    restricted_field: *const u8,
    restricted_field_len: usize,
    values: *const *const u8,
    value_lens: *const usize,
    value_count: usize,
    err_out: *mut *mut pss_error,
) -> pss_result {
    // SAFETY: `err_out` is NULL or writable (caller's guarantee).
    unsafe {
        guard_err(err_out, || {
            let options = non_null_mut(options, "options")?;
            // SAFETY: the caller guarantees the input pointers, lengths and counts.
            let control_name = input_str(control_name, control_name_len, "control_name")?;
            // SAFETY: as above.
            let images = input_strs(images, image_lens, image_count, "images")?;
            // SAFETY: as above.
            let restricted_field = input_str(restricted_field, restricted_field_len, "restricted_field")?;
            // SAFETY: as above.
            let values = input_strs(values, value_lens, value_count, "values")?;
            let exclusion = PodSecurityExclusion::new(control_name, images, restricted_field, values)
                .map_err(|errors| exclusion_failure(&errors))?;
            // SAFETY: the caller guarantees `options` is live and not used by another thread meanwhile.
            (*options).exclusions.push(exclusion);
            Ok(())
        })
    }
}

/// The number of exclusions added to the options.
///
/// Ownership: `options` stays the caller's; `*out_count` is written on success.
///
/// # Safety
/// `options` is NULL or a live `pss_options`; `out_count` is NULL or valid for writing a `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_options_exclusion_count(options: *const pss_options, out_count: *mut usize) -> pss_result {
    // SAFETY: forwarded from the caller.
    unsafe { get_value(options, "options", out_count, "out_count", |o| o.exclusions.len()) }
}

/// Frees options. NULL is a no-op.
///
/// Ownership: takes back the caller's `pss_options`. Evaluations made with them stay valid.
///
/// # Safety
/// `options` is NULL or a `pss_options` from `pss_options_new` not freed before, and no other thread
/// uses it.
#[no_mangle]
pub unsafe extern "C" fn pss_options_free(options: *mut pss_options) {
    // SAFETY: forwarded from the caller.
    unsafe { free_handle(options) }
}
