//! # pss-core
//!
//! The Kubernetes [Pod Security Standards], evaluated exactly as the API server's PodSecurity
//! admission controller (`k8s.io/pod-security-admission/policy`) evaluates them: the same checks at
//! every version from v1.0 to the newest, the same verdicts, and upstream's reason and detail
//! strings byte for byte. On top of upstream, each violation carries the path and value of every
//! offending field and the container it belongs to.
//!
//! ```
//! use pss_core::{evaluate_json, Level, LevelVersion, Version};
//!
//! // What `kubectl run privileged-pod --image=nginx --restart=Never --privileged` sends.
//! let pod = br#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
//!   "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;
//!
//! let result = evaluate_json(LevelVersion::new(Level::Baseline, Version::LATEST), pod)?;
//! assert!(!result.allowed());
//! assert_eq!(
//!     result.denial_message("privileged-pod").unwrap(),
//!     r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
//! );
//! let field = &result[0].fields().get(0).unwrap();
//! assert_eq!(field.path(), "spec.containers[0].securityContext.privileged");
//! # Ok::<(), pss_core::Error>(())
//! ```
//!
//! ## Two ways in
//!
//! - **JSON** ([`evaluate_json`], [`PodDocument`]): reads only the fields the checks need, borrows
//!   strings instead of copying them, and decodes as the API server does (case-sensitive keys,
//!   unknown fields ignored, a repeated key decoded over the earlier one). Malformed JSON, a
//!   non-object, or a field of the wrong type is an [`Error`] naming the field and the position.
//! - **Typed** (feature `k8s-openapi`): k8s-openapi's [`Pod`](k8s_openapi::api::core::v1::Pod), or
//!   any `ObjectMeta` + `PodSpec` pair through [`PodParts`], for kube-rs users. Evaluating a
//!   compliant typed pod allocates nothing. The library does not pick a k8s-openapi version feature;
//!   your binary does, as k8s-openapi requires.
//!
//! Both ways run the same checks, written once.
//!
//! ## Scope
//!
//! This crate is the policy engine: levels, versions, the 19 checks and their results, and the
//! smallest change that makes a violating pod pass ([`remediate`], feature `remediate`). It does not
//! apply API-server defaulting to pods (upstream's evaluator does not either), and it does not
//! read YAML (decode YAML to JSON or to k8s-openapi types first; the `pss` CLI does).
//!
//! [Pod Security Standards]: https://kubernetes.io/docs/concepts/security/pod-security-standards/
#![deny(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

/// The README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// The repository README's library example.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
struct RepositoryReadmeDoctests;

/// docs/fix.md's library example.
#[cfg(all(doctest, feature = "remediate"))]
#[doc = include_str!("../../docs/fix.md")]
struct FixDocDoctests;

#[cfg(feature = "admission")]
#[cfg_attr(docsrs, doc(cfg(feature = "admission")))]
pub mod admission;
mod checks;
mod error;
mod facts;
mod field_error;
mod json;
#[cfg(feature = "kyverno")]
#[cfg_attr(docsrs, doc(cfg(feature = "kyverno")))]
pub mod kyverno;
mod level;
mod message;
mod model;
mod quote;
#[cfg(feature = "remediate")]
#[cfg_attr(docsrs, doc(cfg(feature = "remediate")))]
pub mod remediate;
#[cfg(feature = "k8s-openapi")]
mod typed;
mod violation;
mod workload;

pub use checks::CheckId;
pub use error::{Error, ErrorKind, Position};
pub use field_error::{FieldError, FieldErrorKind};
pub use json::pod::{ObjectHeader, PodDocument};
pub use json::reader::MAX_DEPTH;
pub use level::{Level, LevelVersion, Version};
#[cfg(feature = "k8s-openapi")]
pub use typed::PodParts;
pub use violation::{
    Detail, DetailSpans, Evaluation, Field, FieldPath, FieldValue, FieldValueRef, FieldViolation, Fields, FieldsIter,
    StrList, Violation,
};
pub use workload::{
    evaluate_object, is_cluster_scoped, namespace_of, NoPodTemplate, ObjectClass, ObjectDocument, ObjectSource,
    WorkloadKind, DEFAULT_NAMESPACE,
};

/// The decimal digits of `n`, as `{n}` formats them, written at the end of `buf` (without the
/// formatting machinery). For pss's own wrappers (the CLI's and the npm package's JSON writers),
/// so that the digits are written by one function; not a stable API.
#[doc(hidden)]
pub fn decimal_digits(n: u64, buf: &mut [u8; 20]) -> &str {
    quote::decimal(n, buf)
}

/// What upstream says a level must be (`api.ParseLevel`'s error).
pub const LEVEL_ACCEPTED: &str = "must be one of privileged, baseline, restricted";
/// What upstream says a version must be (`api.ParseVersion`'s error).
pub const VERSION_ACCEPTED: &str = "must be \"latest\" or \"v1.x\"";

mod sealed {
    pub trait Sealed {
        fn evaluate_with(&self, lv: crate::LevelVersion, ctx: &crate::checks::Ctx<'static>) -> Vec<crate::Violation>;
    }
}

/// A pod that can be evaluated: a k8s-openapi `Pod`, `PodSpec` or [`PodParts`] (feature
/// `k8s-openapi`), or a decoded [`PodDocument`]. Sealed: the checks need to know how to read the pod.
pub trait PodSource: sealed::Sealed {}

/// Evaluates a pod at a level and version, as upstream's `EvaluatePod` does.
///
/// The privileged level allows every pod. A version newer than the newest check changes (and
/// `latest`) evaluates the newest checks.
///
/// ```
/// use k8s_openapi::api::core::v1::{Container, Pod, PodSpec};
/// use pss_core::{evaluate, Level, LevelVersion, Version};
///
/// let pod = Pod {
///     spec: Some(PodSpec {
///         host_network: Some(true),
///         containers: vec![Container { name: "app".into(), ..Default::default() }],
///         ..Default::default()
///     }),
///     ..Default::default()
/// };
/// let result = evaluate(LevelVersion::new(Level::Baseline, Version::v1(30)), &pod);
/// assert_eq!(result.forbidden_detail(), "host namespaces (hostNetwork=true)");
/// assert!(evaluate(LevelVersion::new(Level::Privileged, Version::LATEST), &pod).allowed());
/// ```
pub fn evaluate<P: PodSource + ?Sized>(level_version: LevelVersion, pod: &P) -> Evaluation {
    Evaluation::new(level_version, pod.evaluate_with(level_version, &checks::Ctx::POD))
}

/// Decodes a pod from JSON bytes and evaluates it; see [`PodDocument::from_slice`] for decoding.
///
/// # Errors
/// Invalid UTF-8, malformed JSON, a non-object, or a field the checks read with the wrong type.
///
/// ```
/// use pss_core::{evaluate_json, LevelVersion};
///
/// let result = evaluate_json("restricted:v1.25".parse()?, br#"{"spec":{"containers":[{"name":"c"}]}}"#)?;
/// assert_eq!(
///     result.forbidden_reason(),
///     "allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile"
/// );
/// # Ok::<(), pss_core::Error>(())
/// ```
pub fn evaluate_json(level_version: LevelVersion, json: &[u8]) -> Result<Evaluation, Error> {
    evaluate_json_str(level_version, json::pod::utf8(json)?)
}

/// [`evaluate_json`] for text already known to be UTF-8.
///
/// # Errors
/// Malformed JSON, a non-object, or a field the checks read with the wrong type.
pub fn evaluate_json_str(level_version: LevelVersion, json: &str) -> Result<Evaluation, Error> {
    // Decoded in place: a document is large to move.
    let mut pod = PodDocument::default();
    pod.decode_str_for_checks(json)?;
    Ok(evaluate(level_version, &pod))
}

/// Evaluates a bare pod spec at a level and version: the checks of [`evaluate`], with field paths
/// relative to the spec (`containers[0].securityContext.privileged`, `hostNetwork`) and the
/// annotations of the metadata given beside it, if any (`metadata.annotations[...]`).
///
/// The spec is a k8s-openapi `PodSpec` or `PodParts` (feature `k8s-openapi`), or a
/// [`PodDocument`] decoded with [`PodDocument::from_spec_str`]. [`Evaluation::kind`] is `None`.
///
/// ```
/// use k8s_openapi::api::core::v1::{Container, PodSpec, SecurityContext};
/// use pss_core::{evaluate_spec, LevelVersion};
///
/// let spec = PodSpec {
///     containers: vec![Container {
///         name: "app".into(),
///         security_context: Some(SecurityContext { privileged: Some(true), ..Default::default() }),
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let result = evaluate_spec(LevelVersion::default(), &spec);
/// assert_eq!(result[0].fields().get(0).unwrap().path(), "containers[0].securityContext.privileged");
/// ```
pub fn evaluate_spec<P: PodSource + ?Sized>(level_version: LevelVersion, spec: &P) -> Evaluation {
    Evaluation::of(level_version, None, spec.evaluate_with(level_version, &checks::Ctx::SPEC))
}

/// Decodes a bare pod spec from JSON bytes ([`PodDocument::from_spec_slice`]) and evaluates it
/// ([`evaluate_spec`]): field paths are relative to the spec.
///
/// # Errors
/// Invalid UTF-8, malformed JSON, a non-object, a field the checks read with the wrong type, or a
/// whole object (a pod, with `spec` or `kind` at its top) given as a spec.
///
/// ```
/// use pss_core::{evaluate_spec_json, LevelVersion};
///
/// let spec = br#"{"containers":[{"name":"c","securityContext":{"privileged":true}}]}"#;
/// let result = evaluate_spec_json(LevelVersion::default(), spec)?;
/// assert!(!result.allowed());
/// assert_eq!(result.forbidden_detail(), r#"privileged (container "c" must not set securityContext.privileged=true)"#);
/// assert_eq!(result[0].fields().get(0).unwrap().path(), "containers[0].securityContext.privileged");
/// // The same bytes given as a pod are an error, never an allowed empty pod.
/// assert!(pss_core::evaluate_json(LevelVersion::default(), spec).unwrap_err().is_bare_pod_spec());
/// # Ok::<(), pss_core::Error>(())
/// ```
pub fn evaluate_spec_json(level_version: LevelVersion, json: &[u8]) -> Result<Evaluation, Error> {
    let spec = PodDocument::from_spec_slice(json)?;
    Ok(evaluate_spec(level_version, &spec))
}
