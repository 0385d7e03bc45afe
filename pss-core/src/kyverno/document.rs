//! A document of a Kyverno policy set, told apart by its `apiVersion` and `kind`: a policy or a
//! PolicyException.

use super::error::PolicyError;
use super::exception::PolicyException;
use super::policy::KyvernoPolicy;
use super::version::KyvernoVersion;
use crate::json::pod::ObjectHeader;

/// A Kyverno `ClusterPolicy`/`Policy` or a `kyverno.io` `PolicyException`, as found among policy
/// files or resources, read for one Kyverno release.
///
/// ```
/// use pss_core::kyverno::{KyvernoDocument, KyvernoVersion};
///
/// let doc = KyvernoDocument::from_json_str_for(r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException",
///   "metadata": {"name": "ex", "namespace": "kyverno"},
///   "spec": {"exceptions": [{"policyName": "psa", "ruleNames": ["baseline"]}]}}"#, KyvernoVersion::NEWEST)?;
/// assert!(matches!(doc, KyvernoDocument::Exception(ref e) if e.key() == "kyverno/ex"));
///
/// // Kyverno 1.11 reads PolicyExceptions of kyverno.io/v2alpha1 and v2beta1 only.
/// let text = r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {"name": "ex"}}"#;
/// assert!(KyvernoDocument::from_json_str_for(text, KyvernoVersion::V1_11).unwrap_err().is_not_an_exception());
/// # Ok::<(), pss_core::kyverno::PolicyError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(clippy::large_enum_variant)]
pub enum KyvernoDocument {
    /// A `ClusterPolicy` or `Policy`.
    Policy(KyvernoPolicy),
    /// A `PolicyException`.
    Exception(PolicyException),
}

impl KyvernoDocument {
    /// Decodes and validates a policy or a `kyverno.io` PolicyException (JSON; convert YAML first)
    /// as `kyverno` reads it.
    ///
    /// # Errors
    /// As [`KyvernoPolicy::from_json_str_for`] for anything but a `kyverno.io` PolicyException
    /// ([`PolicyError::UnsupportedKind`] for other documents, CEL `policies.kyverno.io`
    /// PolicyExceptions included), as [`PolicyException::from_json_str_for`] for one.
    pub fn from_json_str_for(text: &str, kyverno: KyvernoVersion) -> Result<KyvernoDocument, PolicyError> {
        let header = ObjectHeader::from_str(text)?;
        let group = header.api_version().and_then(|v| v.rsplit_once('/')).map(|(g, _)| g);
        if group == Some("kyverno.io") && header.kind() == Some("PolicyException") {
            PolicyException::from_json_str_for(text, kyverno).map(KyvernoDocument::Exception)
        } else {
            KyvernoPolicy::from_json_str_for(text, kyverno).map(KyvernoDocument::Policy)
        }
    }

    /// [`KyvernoDocument::from_json_str_for`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`KyvernoDocument::from_json_str_for`], and invalid UTF-8.
    pub fn from_slice_for(bytes: &[u8], kyverno: KyvernoVersion) -> Result<KyvernoDocument, PolicyError> {
        KyvernoDocument::from_json_str_for(crate::json::pod::utf8(bytes)?, kyverno)
    }
}
