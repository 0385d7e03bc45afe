//! # pss-wasm
//!
//! WebAssembly bindings for [`pss_core`]: the Kubernetes Pod Security Standards, evaluated exactly as
//! the API server's PodSecurity admission does, in browsers and Node. Built into the npm package
//! `@pss/wasm` by `pss-wasm/scripts/build.sh`; TypeScript types are generated from the Rust types
//! here (tsify), and every function throws a JS `Error` named `PssError` on bad input.
//!
//! ```js
//! import init, { evaluate } from "@pss/wasm";
//! await init(); // browsers; a no-op in Node
//!
//! const result = evaluate(podJsonOrObject, { level: "baseline", version: "latest" });
//! if (!result.allowed) console.log(result.message);
//! // pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container ...)
//! ```
//!
//! ## Scope
//!
//! A translation layer only: every verdict, reason, detail and message comes from pss-core, which
//! is used without its `k8s-openapi` feature (the package reads JSON). It does not read YAML (the
//! playground and the README decode YAML with the npm `yaml` package first). Policy exclusions,
//! pod-controller workloads and namespace-label helpers will arrive as new `EvaluateOptions` fields
//! and functions once pss-core has them.

mod checks;
mod error;
mod evaluation;
mod level;
mod policy;

pub use checks::{check_list, checks, checks_for, CheckInfo};
pub use error::{ErrorKind, PssErrorDetails};
pub use evaluation::{Evaluation, FieldValue, FieldViolation, SetObject, Violation};
pub use level::{
    newest_check_version, parse_level, parse_level_version, parse_version, supported_versions, version_list, Level,
    LevelVersion,
};
pub use policy::{evaluate, EvaluateOptions, Policy};

use wasm_bindgen::prelude::*;

// The thrown error's type, built from the generated `PssErrorDetails`.
#[wasm_bindgen(typescript_custom_section)]
const PSS_ERROR_TYPE: &str = r#"
/** What every function here throws: a JS `Error` whose `name` is `"PssError"`, with the details' fields. */
export type PssError = Error & { name: "PssError" } & PssErrorDetails;
"#;
