//! Kyverno `ClusterPolicy`/`Policy` documents and their `validate.podSecurity` rules, run offline.
//!
//! The semantics, and every deviation from Kyverno, are documented on [`KyvernoPolicy`] (from
//! `semantics.md`, so that they show in the public docs).

mod autogen;
mod decode;
mod error;
mod exclusion;
mod matching;
mod pod_security;
mod policy;
mod result;

pub use error::PolicyError;
pub use exclusion::{evaluate_json_excluding, evaluate_object_excluding, evaluate_pod_excluding, PodSecurityExclusion};
pub use policy::{KyvernoPolicy, PolicyKind};
pub use result::{blocked_message, FailureAction, PolicyResult, RuleResult, RuleStatus};
