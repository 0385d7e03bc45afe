//! `pss_result`: what every function returns, and its text.

use crate::ffi::{guard, non_null_mut, write, Failure};

/// What a call returns. The numbers are fixed: a code keeps its number forever and a retired code's
/// number is never given to another. New codes get new numbers at the end, so treat any code you do
/// not know as a failure.
#[repr(u32)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(non_camel_case_types)]
pub enum pss_result {
    /// Success; the out-parameters were written.
    Ok = 0,
    /// A required pointer parameter was NULL (nothing was read through it).
    NullParameter = 1,
    /// The input is not valid UTF-8.
    InvalidUtf8 = 2,
    /// The pod is not well-formed JSON (or is truncated).
    InvalidJson = 3,
    /// The pod is not a JSON object.
    NotAnObject = 4,
    /// A field the checks read has the wrong JSON type (as the API server would reject it).
    InvalidType = 5,
    /// A number does not fit its field, or is not an integer where one is required.
    NumberOutOfRange = 6,
    /// The pod nests deeper than the decoder allows.
    TooDeep = 7,
    /// The level is not `privileged`, `baseline` or `restricted`.
    InvalidLevel = 8,
    /// The version is not `latest` or `v1.N`.
    InvalidVersion = 9,
    /// An index is not smaller than the number of items.
    IndexOutOfRange = 10,
    /// A caller buffer is too small for what would be written.
    InsufficientSize = 11,
    /// The library panicked (a bug in pss); the call had no effect.
    Panic = 12,
    /// A check id upstream does not have.
    UnknownCheck = 13,
    /// The input is wrong in a way no more specific code describes.
    InvalidInput = 14,
    /// The input is longer than the options (or any buffer) allow.
    InputTooLarge = 15,
    /// The object is not a pod or a pod controller (a Service, an object without a `kind`, a
    /// Deployment of another API group), so it has no pod template to evaluate.
    NotAWorkload = 16,
    /// A Kyverno-style exclusion is invalid (Kyverno's validation error says why).
    InvalidExclusion = 17,
    /// A strictly decoded document (an admission configuration) has a field it does not know.
    UnknownField = 18,
    /// A strictly decoded document (an admission configuration) gives a field twice.
    DuplicateField = 19,
    /// The document is not of the expected `apiVersion` and `kind` (an admission configuration that
    /// is not a `PodSecurityConfiguration`, a Kyverno policy that is not a `ClusterPolicy` or `Policy`).
    UnexpectedKind = 20,
    /// The admission configuration decodes but upstream's validation rejects it.
    InvalidConfig = 21,
    /// The Kyverno policy decodes but Kyverno's validation rejects it.
    InvalidPolicy = 22,
    /// A bare `PodSpec` given as a pod (pod spec fields at the top, no `spec`): evaluate it with
    /// `pss_evaluate_spec`. As a pod it would be an empty pod, allowed at every level.
    BarePodSpec = 23,
    /// A fix did not pass its re-evaluation (a fault in pss, reported rather than returned as a
    /// fix); the message names what was left.
    Unverified = 24,
}

/// The longest text `pss_result_text` writes, in bytes: a buffer this large always suffices.
pub const PSS_RESULT_TEXT_MAX_LEN: usize = 64;

impl pss_result {
    /// The code for a number, if it is one this library knows.
    pub fn from_u32(code: u32) -> Option<pss_result> {
        use pss_result::*;
        const ALL: [pss_result; 25] = [
            Ok,
            NullParameter,
            InvalidUtf8,
            InvalidJson,
            NotAnObject,
            InvalidType,
            NumberOutOfRange,
            TooDeep,
            InvalidLevel,
            InvalidVersion,
            IndexOutOfRange,
            InsufficientSize,
            Panic,
            UnknownCheck,
            InvalidInput,
            InputTooLarge,
            NotAWorkload,
            InvalidExclusion,
            UnknownField,
            DuplicateField,
            UnexpectedKind,
            InvalidConfig,
            InvalidPolicy,
            BarePodSpec,
            Unverified,
        ];
        ALL.into_iter().find(|c| *c as u32 == code)
    }

    /// The code's text: lowercase, no trailing period.
    pub fn text(self) -> &'static str {
        match self {
            pss_result::Ok => "ok",
            pss_result::NullParameter => "a required pointer parameter is NULL",
            pss_result::InvalidUtf8 => "the input is not valid UTF-8",
            pss_result::InvalidJson => "the pod is not well-formed JSON",
            pss_result::NotAnObject => "the pod is not a JSON object",
            pss_result::InvalidType => "a field has the wrong JSON type",
            pss_result::NumberOutOfRange => "a number does not fit its field",
            pss_result::TooDeep => "the pod nests too deeply",
            pss_result::InvalidLevel => "invalid level",
            pss_result::InvalidVersion => "invalid version",
            pss_result::IndexOutOfRange => "index out of range",
            pss_result::InsufficientSize => "the buffer is too small",
            pss_result::Panic => "internal error (panic)",
            pss_result::UnknownCheck => "unknown check",
            pss_result::InvalidInput => "invalid input",
            pss_result::InputTooLarge => "the input is too large",
            pss_result::NotAWorkload => "the object is not a pod or a pod controller",
            pss_result::InvalidExclusion => "invalid exclusion",
            pss_result::UnknownField => "unknown field",
            pss_result::DuplicateField => "duplicate field",
            pss_result::UnexpectedKind => "unexpected kind of document",
            pss_result::InvalidConfig => "invalid admission configuration",
            pss_result::InvalidPolicy => "invalid Kyverno policy",
            pss_result::BarePodSpec => "a bare pod spec was given as a pod",
            pss_result::Unverified => "the fix did not pass its re-evaluation",
        }
    }

    /// The code for an error from pss-core.
    pub fn from_kind(kind: pss_core::ErrorKind) -> pss_result {
        use pss_core::ErrorKind;
        match kind {
            ErrorKind::InvalidLevel => pss_result::InvalidLevel,
            ErrorKind::InvalidVersion => pss_result::InvalidVersion,
            ErrorKind::UnknownCheck => pss_result::UnknownCheck,
            ErrorKind::InvalidUtf8 => pss_result::InvalidUtf8,
            ErrorKind::Syntax => pss_result::InvalidJson,
            ErrorKind::NotAnObject => pss_result::NotAnObject,
            ErrorKind::InvalidType => pss_result::InvalidType,
            ErrorKind::NumberOutOfRange => pss_result::NumberOutOfRange,
            ErrorKind::TooDeep => pss_result::TooDeep,
            ErrorKind::UnknownField => pss_result::UnknownField,
            ErrorKind::DuplicateField => pss_result::DuplicateField,
            ErrorKind::UnexpectedKind => pss_result::UnexpectedKind,
            ErrorKind::BarePodSpec => pss_result::BarePodSpec,
            // A kind added to pss-core after this code was written.
            _ => pss_result::InvalidInput,
        }
    }
}

/// The text of a result code ("invalid level", "the pod is not well-formed JSON", ...), lowercase and
/// without a trailing period, for any number: codes this library does not know read "unknown result
/// code".
///
/// Writes the text (not NUL-terminated) to `buf` and its length to `*out_n`. A buffer of
/// `PSS_RESULT_TEXT_MAX_LEN` bytes always suffices; a smaller one too small for the text gives
/// `PSS_RESULT_INSUFFICIENT_SIZE` and writes nothing.
///
/// Ownership: `buf` and `out_n` belong to the caller; the library writes to them during the call only.
///
/// # Safety
/// `buf` is NULL or valid for writing `len` bytes; `out_n` is NULL or valid for writing one `size_t`.
#[no_mangle]
pub unsafe extern "C" fn pss_result_text(code: u32, buf: *mut u8, len: usize, out_n: *mut usize) -> pss_result {
    guard(|| {
        let buf = non_null_mut(buf, "buf")?;
        let out_n = non_null_mut(out_n, "out_n")?;
        let text = pss_result::from_u32(code).map_or("unknown result code", pss_result::text);
        if text.len() > len {
            return Err(Failure::code(pss_result::InsufficientSize));
        }
        // SAFETY: `buf` is valid for `len >= text.len()` bytes, a caller buffer cannot overlap the
        // library's static text, and `out_n` is valid for writing (caller's guarantee).
        unsafe {
            core::ptr::copy_nonoverlapping(text.as_ptr(), buf, text.len());
            write(out_n, text.len());
        }
        Ok(())
    })
}
