//! # pss-wasm
//!
//! WebAssembly bindings for [`pss_core`]: the Kubernetes Pod Security Standards, evaluated exactly as
//! the API server's PodSecurity admission does, in browsers and Node. Built into the npm package
//! `@pss/wasm` by `pss-wasm/scripts/build.sh`; TypeScript types are generated from the Rust types
//! here (tsify), and every function throws a JS `Error` named `PssError` on bad input.
//!
//! ```js
//! import init, { evaluate, evaluateSpec, evaluateObject, policyFromLabels } from "@pss/wasm";
//! await init(); // browsers; a no-op in Node
//!
//! const result = evaluate(podJsonOrObject, { level: "baseline", version: "latest" });
//! if (!result.allowed) console.log(result.message);
//! // pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container ...)
//!
//! // A bare PodSpec: paths relative to it.
//! evaluateSpec({ containers: [{ name: "c", securityContext: { privileged: true } }] }).violations[0].fields[0].path;
//! // containers[0].securityContext.privileged
//!
//! // Any object: a pod controller with Kyverno-style exclusions (paths relative to the object);
//! // what is not a workload (no kind, a Service) is not evaluated, and not allowed.
//! const deployment = evaluateObject(deploymentObject, {
//!   exclusions: [{ controlName: "Capabilities", images: ["nginx*"] }],
//! });
//!
//! // Namespace labels to the enforce/audit/warn policy, with upstream's label errors.
//! const policy = policyFromLabels({ "pod-security.kubernetes.io/enforce": "restricted" });
//! evaluate(podJsonOrObject, policy.enforce);
//! ```
//!
//! ## Scope
//!
//! A translation layer only: every verdict, reason, detail, message, label error and rule about
//! what a document is comes from pss-core, which is used without its `k8s-openapi` feature (the
//! package reads JSON). The default build does not read YAML (decode it first, e.g. with the npm
//! `yaml` package); with the cargo feature `yaml` (in `full`) it reads manifests as kubectl does,
//! through pss-manifest: `readManifest`, `checkManifest` (what `pss check` says of the same bytes)
//! and `LevelVersion.evaluateManifest`, with the line and column of every violating field.
//!
//! With the cargo feature `full` (the package's `@pss/wasm/full` build), it also has PodSecurity
//! admission as the API server runs it (`Admission`, `review`, `reviewNamespace`) and Kyverno
//! policies (`KyvernoPolicy`); they are left out of the default build, which must stay under its
//! 100 kB gzipped budget with pss-core compiled for speed.
//!
//! ```js
//! import init, { review, KyvernoPolicy } from "@pss/wasm/full";
//! await init();
//!
//! const d = review(pod, { namespace: "prod", namespaceLabels: { "pod-security.kubernetes.io/enforce": "baseline" } });
//! d.denial; // pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": ...
//! new KyvernoPolicy(clusterPolicy).apply(pod).rules[0].message; // Validation rule 'baseline' failed. ...
//! ```

mod admission;
mod checks;
mod error;
mod evaluation;
mod exclusion;
mod json;
#[cfg(feature = "full")]
mod kyverno;
mod level;
mod level_version;
#[cfg(feature = "yaml")]
mod manifest;
mod object;
#[cfg(feature = "full")]
mod remediation;
#[cfg(feature = "full")]
mod review;

pub use admission::{policy_from_labels, Policy, PolicyDefaults};
pub use checks::{check_list, checks, checks_for, CheckInfo};
pub use error::{ErrorKind, FieldError, PssErrorDetails};
pub use evaluation::{
    Evaluation, FieldValue, FieldViolation, KindName, NotEvaluated, SetObject, Violation, WorkloadKind,
};
pub use exclusion::Exclusion;
#[cfg(feature = "full")]
pub use kyverno::{
    ApplyOptions, FailureAction, KyvernoExceptions, KyvernoOptions, KyvernoPolicy, PolicyResult, RuleResult, RuleStatus,
};
pub use level::{
    newest_check_version, parse_level, parse_level_version, parse_version, supported_versions, version_list, Level,
    LevelVersionJSON,
};
pub use level_version::{evaluate, evaluate_object, evaluate_spec, EvaluateOptions, LevelVersion, LevelVersionOptions};
#[cfg(feature = "yaml")]
pub use manifest::{
    check_manifest, read_manifest, CheckError, CheckResult, CheckedField, CheckedViolation, FieldPlace, ManifestCheck,
    ManifestDocument, ManifestError, ManifestEvaluation, ManifestItem, SkippedObject, Syntax,
};
#[cfg(feature = "full")]
pub use remediation::{
    remediate, remediate_object, remediate_spec, Cure, PatchOperation, RemediateOptions, Remediation, Unfixable,
};
#[cfg(feature = "full")]
pub use review::{
    review, Admission, AdmissionDecision, DocumentInput, Exemption, Exemptions, ModeEvaluation, NamespaceReview,
    NamespaceReviewOptions, PodsCheck, ReviewOptions,
};

use wasm_bindgen::prelude::*;

// The thrown error's type, built from the generated `PssErrorDetails`.
#[wasm_bindgen(typescript_custom_section)]
const PSS_ERROR_TYPE: &str = r#"
/** What every function here throws: a JS `Error` whose `name` is `"PssError"`, with the details' fields. */
export type PssError = Error & { name: "PssError" } & PssErrorDetails;
"#;
