//! Kyverno `PolicyException` documents (`kyverno.io/v2alpha1`, `v2beta1`, `v2`): which policy rules
//! they exempt, for which resources, and their `podSecurity` entries.

use super::decode::{is_set, match_resources, objects, raw_exclude, string, strings, validate_exclude, RawExclude};
use super::error::PolicyError;
use super::matching::{wildcard, MatchResources, Resource, Tri};
use super::pod_security::Exclusion;
use super::version::KyvernoVersion;
use crate::error::Error;
use crate::field_error::FieldError;
use crate::json::pod::ObjectHeader;
use crate::json::reader::{PathStyle, Reader};

/// A Kyverno `PolicyException`, validated as the chosen Kyverno release validates it.
///
/// A PolicyException exempts resources its `match` selects from the rules its `exceptions` name
/// (`policyName`: the policy's name, `namespace/name` for a namespaced `Policy`; `ruleNames` with
/// wildcards, `autogen-` names included). With `podSecurity` entries (Kyverno 1.12 and later) it
/// only removes what those entries cover from a failed `validate.podSecurity` rule, as the rule's
/// own `exclude` entries do; without, the rule is skipped.
///
/// ```
/// use pss_core::ObjectDocument;
/// use pss_core::kyverno::{ApplyContext, KyvernoPolicy, PolicyException, RuleStatus};
///
/// let policy = KyvernoPolicy::from_json_str(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy",
///   "metadata": {"name": "psa"}, "spec": {"rules": [{"name": "baseline",
///   "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
///   "validate": {"failureAction": "Enforce", "podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#)?;
/// let exception = PolicyException::from_json_str(r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException",
///   "metadata": {"name": "host-logs", "namespace": "kyverno"},
///   "spec": {"exceptions": [{"policyName": "psa", "ruleNames": ["baseline"]}],
///   "match": {"any": [{"resources": {"namespaces": ["logging"]}}]},
///   "podSecurity": [{"controlName": "HostPath Volumes", "restrictedField": "spec.volumes[*].hostPath",
///     "values": ["/var/log"]}]}}"#)?;
/// let pod = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "agent"},
///   "spec": {"volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}], "containers": [{"name": "a"}]}}"#)?;
/// let exceptions = [exception];
/// let result = policy.apply_with(&pod, &ApplyContext::new("logging").exceptions(&exceptions));
/// assert_eq!(result.rules()[0].status(), RuleStatus::Skip);
/// assert_eq!(result.rules()[0].message(), "rule is skipped due to policy exceptions kyverno/host-logs");
/// let elsewhere = policy.apply_with(&pod, &ApplyContext::new("default").exceptions(&exceptions));
/// assert_eq!(elsewhere.rules()[0].status(), RuleStatus::Fail);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyException {
    kyverno: KyvernoVersion,
    name: String,
    namespace: Option<String>,
    targets: Vec<(String, Vec<String>)>,
    match_: MatchResources,
    /// `spec.conditions` is set: pss does not evaluate its JMESPath.
    conditions: bool,
    pod_security: Vec<Exclusion>,
}

#[derive(Default)]
struct RawSpec {
    targets: Vec<(String, Vec<String>)>,
    match_: Option<MatchResources>,
    conditions: bool,
    pod_security: Vec<RawExclude>,
}

impl PolicyException {
    /// Decodes and validates a PolicyException as the newest Kyverno release reads it.
    ///
    /// # Errors
    /// As [`PolicyException::from_json_str_for`].
    pub fn from_json_str(text: &str) -> Result<PolicyException, PolicyError> {
        PolicyException::from_json_str_for(text, KyvernoVersion::NEWEST)
    }

    /// Decodes and validates a PolicyException as `kyverno` reads it (JSON; convert YAML first).
    /// Kyverno 1.11 knows no `podSecurity` field: there, every exception skips its rules whole.
    ///
    /// # Errors
    /// [`PolicyError::Decode`] for malformed JSON or a field of the wrong type;
    /// [`PolicyError::NotAnException`] for another document; [`PolicyError::UnsupportedExceptionVersion`]
    /// for an API version the release does not read; [`PolicyError::Invalid`] with Kyverno's
    /// errors (`spec.podSecurity[0].controlName: Invalid value: "Capabilities": exclude.images must
    /// be specified for the container level control`).
    pub fn from_json_str_for(text: &str, kyverno: KyvernoVersion) -> Result<PolicyException, PolicyError> {
        let header = ObjectHeader::from_str(text)?;
        let api_version = header.api_version().unwrap_or("");
        let version = match (api_version.rsplit_once('/'), header.kind()) {
            (Some(("kyverno.io", v)), Some("PolicyException")) => v,
            _ => {
                return Err(PolicyError::NotAnException {
                    api_version: api_version.to_owned(),
                    kind: header.kind().unwrap_or("").to_owned(),
                })
            }
        };
        if !kyverno.exception_versions().contains(&version) {
            return Err(PolicyError::UnsupportedExceptionVersion { api_version: api_version.to_owned(), kyverno });
        }
        let mut raw = RawSpec::default();
        let mut r = Reader::new(text);
        r.object(|r, key| if key == "spec" { spec(r, &mut raw) } else { r.skip() }, PathStyle::Field)
            .map_err(Error::finish)?;
        let name = header.name().unwrap_or("").to_owned();
        let mut errors = Vec::new();
        for (i, (policy, _)) in raw.targets.iter().enumerate() {
            if policy.is_empty() {
                errors.push(FieldError::required_because(
                    format!("spec.exceptions[{i}].policyName"),
                    "An exception requires a policy name",
                ));
            }
        }
        let mut pod_security = Vec::new();
        if kyverno.has_exception_pod_security() {
            for (i, e) in raw.pod_security.into_iter().enumerate() {
                let path = format!("spec.podSecurity[{i}]");
                pod_security.extend(validate_exclude(&path, &path, e, kyverno, &mut errors).map(|(read, _)| read));
            }
        }
        if !errors.is_empty() {
            return Err(PolicyError::Invalid { name, errors });
        }
        Ok(PolicyException {
            kyverno,
            name,
            namespace: header.namespace().filter(|n| !n.is_empty()).map(str::to_owned),
            targets: raw.targets,
            match_: raw.match_.unwrap_or_default(),
            conditions: raw.conditions,
            pod_security,
        })
    }

    /// [`PolicyException::from_json_str`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`PolicyException::from_json_str`], and invalid UTF-8.
    pub fn from_slice(bytes: &[u8]) -> Result<PolicyException, PolicyError> {
        PolicyException::from_json_str(crate::json::pod::utf8(bytes)?)
    }

    /// [`PolicyException::from_json_str_for`] for bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`PolicyException::from_json_str_for`], and invalid UTF-8.
    pub fn from_slice_for(bytes: &[u8], kyverno: KyvernoVersion) -> Result<PolicyException, PolicyError> {
        PolicyException::from_json_str_for(crate::json::pod::utf8(bytes)?, kyverno)
    }

    /// `metadata.name`.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `metadata.namespace`, if given.
    pub fn namespace(&self) -> Option<&str> {
        self.namespace.as_deref()
    }

    /// How Kyverno names it in messages: `namespace/name`, or `name` without a namespace.
    pub fn key(&self) -> String {
        match &self.namespace {
            Some(ns) => format!("{ns}/{}", self.name),
            None => self.name.clone(),
        }
    }

    /// The Kyverno release it was read for.
    pub fn kyverno_version(&self) -> KyvernoVersion {
        self.kyverno
    }

    /// Whether it has `podSecurity` entries (always false for Kyverno 1.11, which ignores them).
    pub fn has_pod_security(&self) -> bool {
        !self.pod_security.is_empty()
    }

    /// Whether it names the rule `rule` of the policy keyed `policy` (`Exception.Contains`).
    pub(crate) fn names(&self, policy: &str, rule: &str) -> bool {
        self.targets.iter().any(|(p, rules)| p == policy && rules.iter().any(|r| wildcard(r, rule)))
    }

    /// Whether it applies to the resource: its `match`, then its `conditions`, which pss does not
    /// evaluate (`Unknown`).
    pub(crate) fn selects(&self, res: &Resource<'_>) -> Tri {
        let empty_matches = self.kyverno <= KyvernoVersion::V1_12;
        match self.match_.selects_for_exception(res, empty_matches) {
            Tri::Yes if self.conditions => Tri::Unknown,
            t => t,
        }
    }

    pub(crate) fn pod_security(&self) -> &[Exclusion] {
        &self.pod_security
    }
}

fn spec(r: &mut Reader<'_>, spec: &mut RawSpec) -> crate::json::reader::Result<()> {
    r.object(
        |r, key| match key.as_ref() {
            "exceptions" => {
                let targets = objects(r, |r, key, t: &mut (String, Vec<String>)| match key {
                    "policyName" => string(r).map(|v| t.0 = v),
                    "ruleNames" => strings(r).map(|v| t.1 = v),
                    _ => r.skip(),
                })?;
                spec.targets = targets;
                Ok(())
            }
            "match" => match_resources(r).map(|m| spec.match_ = m),
            "conditions" => is_set(r).map(|c| spec.conditions = c),
            "podSecurity" => objects(r, raw_exclude).map(|v| spec.pod_security = v),
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exception(spec: &str) -> Result<PolicyException, PolicyError> {
        PolicyException::from_json_str(&format!(
            r#"{{"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {{"name": "e"}}, "spec": {spec}}}"#
        ))
    }

    #[test]
    fn validation_messages_are_kyvernos() {
        let e = exception(
            r#"{"exceptions": [{"policyName": "psa", "ruleNames": ["restricted"]}], "match": {"all": [{"resources": {"kinds": ["Pod"]}}]},
              "podSecurity": [{"controlName": "Capabilities"}, {"controlName": "Host Namespaces"}, {"controlName": "HostPath Volumes"},
              {"controlName": "Privilege Escalation"}, {"controlName": "Running as Non-root"}, {"controlName": "Seccomp"}, {"controlName": "Volume Types"}]}"#,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            r#"[spec.podSecurity[0].controlName: Invalid value: "Capabilities": exclude.images must be specified for the container level control, spec.podSecurity[3].controlName: Invalid value: "Privilege Escalation": exclude.images must be specified for the container level control]"#
        );
        let e = exception(r#"{"exceptions": [{"ruleNames": ["r"]}], "match": {}}"#).unwrap_err();
        assert_eq!(e.to_string(), "spec.exceptions[0].policyName: Required value: An exception requires a policy name");
    }

    #[test]
    fn versions_and_kinds() {
        let text =
            r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {"name": "e"}, "spec": {}}"#;
        let e = PolicyException::from_json_str_for(text, KyvernoVersion::V1_11).unwrap_err();
        assert!(e.is_not_an_exception());
        assert_eq!(
            e.to_string(),
            "policy exception type not supported kyverno.io/v2, Kind=PolicyException: Kyverno 1.11 reads kyverno.io/v2alpha1, kyverno.io/v2beta1"
        );
        let e = PolicyException::from_json_str(r#"{"apiVersion": "v1", "kind": "Pod"}"#).unwrap_err();
        assert_eq!(e.to_string(), "unsupported exception kind v1/Pod: pss reads kyverno.io PolicyException documents");
        let beta = text
            .replace("kyverno.io/v2", "kyverno.io/v2beta1")
            .replace(r#""metadata": {"name": "e"}"#, r#""metadata": {"name": "e", "namespace": "ns"}"#);
        let ok = PolicyException::from_json_str_for(&beta, KyvernoVersion::V1_11).unwrap();
        assert_eq!(ok.key(), "ns/e");
    }
}
