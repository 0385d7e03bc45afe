//! Kyverno `ClusterPolicy`/`Policy` documents and their `validate.podSecurity` rules, run offline as
//! a chosen Kyverno release runs them, with its `PolicyException`s.
//!
//! The semantics, release by release, are documented on [`KyvernoPolicy`] (from `semantics.md`,
//! so that they show in the public docs).

mod autogen;
mod decode;
mod document;
mod engine;
mod error;
mod exception;
mod exclusion;
mod library;
mod matching;
mod pod_security;
mod policy;
mod result;
mod test_file;
mod version;

pub use document::KyvernoDocument;
pub use error::PolicyError;
pub use exception::PolicyException;
pub use exclusion::{evaluate_json_excluding, evaluate_object_excluding, evaluate_pod_excluding, PodSecurityExclusion};
pub use policy::{evaluate_pod_security, resource_namespace, ApplyContext, KyvernoPolicy, PolicyKind};
pub use result::{blocked_message, FailureAction, PolicyResult, RuleResult, RuleStatus};
pub use test_file::{
    test_applying_line, ExpectedResult, KyvernoTest, KyvernoValues, TestInputs, TestOutcome, TestReport, TestRow,
};
pub use version::{KyvernoVersion, UnknownKyvernoVersion};
