//! PodSecurity admission: `policyFromLabels` (namespace labels to the enforce/audit/warn `Policy`).

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{self, ErrorKind, FieldError, PssError};
use crate::json::{Object, ToJson};
use crate::level::LevelVersionJSON;
use crate::object;

/// A namespace's policy (upstream's `api.Policy`): the level and version of each mode, and the
/// problems with its labels.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct Policy {
    /// Violations deny pods.
    pub enforce: LevelVersionJSON,
    /// Violations are recorded in the `pod-security.kubernetes.io/audit-violations` audit annotation.
    pub audit: LevelVersionJSON,
    /// Violations are returned to the client as warnings.
    pub warn: LevelVersionJSON,
    /// One entry per invalid label, in upstream's order and words (an invalid enforce level becomes
    /// `restricted`, an invalid audit or warn level `privileged`, an invalid version `latest`);
    /// `label` names the label.
    pub errors: Vec<FieldError>,
}

impl Policy {
    pub(crate) fn new(policy: pss_core::admission::Policy, errors: &[pss_core::FieldError]) -> Self {
        Policy {
            enforce: policy.enforce.into(),
            audit: policy.audit.into(),
            warn: policy.warn.into(),
            errors: errors.iter().map(FieldError::from).collect(),
        }
    }
}

impl ToJson for Policy {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("enforce", &self.enforce)
            .field("audit", &self.audit)
            .field("warn", &self.warn)
            .field("errors", &self.errors)
            .end();
    }
}

/// Upstream's `PodSecurityDefaults` (a `PodSecurityConfiguration`'s `defaults`): a level and version
/// per mode (unset or `""`: `privileged`, `latest`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
pub struct PolicyDefaults {
    /// Level of the enforce mode.
    #[tsify(optional, type = "Level")]
    pub enforce: Option<String>,
    /// Version of the enforce mode.
    #[tsify(optional)]
    #[serde(rename = "enforce-version")]
    pub enforce_version: Option<String>,
    /// Level of the audit mode.
    #[tsify(optional, type = "Level")]
    pub audit: Option<String>,
    /// Version of the audit mode.
    #[tsify(optional)]
    #[serde(rename = "audit-version")]
    pub audit_version: Option<String>,
    /// Level of the warn mode.
    #[tsify(optional, type = "Level")]
    pub warn: Option<String>,
    /// Version of the warn mode.
    #[tsify(optional)]
    #[serde(rename = "warn-version")]
    pub warn_version: Option<String>,
}

/// `PolicyDefaults`' keys, as a `PodSecurityConfiguration` writes them.
const DEFAULT_KEYS: [&str; 6] = ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"];

impl PolicyDefaults {
    /// Reads the option object (`what` names it in errors).
    fn from_js(value: &JsValue, what: &str) -> Result<PolicyDefaults, PssError> {
        let o = object::Options::new(value, &DEFAULT_KEYS, what)?;
        Ok(PolicyDefaults {
            enforce: o.string("enforce")?,
            enforce_version: o.string("enforce-version")?,
            audit: o.string("audit")?,
            audit_version: o.string("audit-version")?,
            warn: o.string("warn")?,
            warn_version: o.string("warn-version")?,
        })
    }

    /// The defaults as a policy, resolved and validated by pss-core (`PolicyDefaults::resolve`); its
    /// errors as an `invalidAdmissionConfig` error in upstream's words (`defaults.enforce: Invalid
    /// value: ...`).
    fn resolve(self) -> Result<pss_core::admission::Policy, PssError> {
        let defaults = pss_core::admission::PolicyDefaults {
            enforce: self.enforce,
            enforce_version: self.enforce_version,
            audit: self.audit,
            audit_version: self.audit_version,
            warn: self.warn,
            warn_version: self.warn_version,
        };
        defaults.resolve().map_err(|errors| {
            let fields = errors.iter().map(FieldError::from).collect();
            let message = pss_core::admission::ConfigError::Invalid(errors).to_string();
            PssError::fields(ErrorKind::InvalidAdmissionConfig, message, fields)
        })
    }
}

/// A namespace's policy from its labels (`pod-security.kubernetes.io/enforce`, `enforce-version`,
/// `audit`, `audit-version`, `warn`, `warn-version`), exactly as upstream's `PolicyToEvaluate`:
/// unset modes take `defaults` (a `PodSecurityConfiguration`'s `defaults` object, e.g.
/// `{ enforce: "baseline", "enforce-version": "latest" }`; `privileged:latest` without one); when
/// enforce is set and stricter than warn, and warn is not set, warn follows enforce.
///
/// Invalid labels are not thrown but listed in `errors`, as the API server records them; invalid
/// `defaults` throw a `PssError` of kind `invalidAdmissionConfig` with upstream's message.
#[wasm_bindgen(js_name = policyFromLabels)]
pub fn policy_from_labels(
    #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] labels: JsValue,
    defaults: Option<Ts<PolicyDefaults>>,
) -> Result<Ts<Policy>, JsValue> {
    let labels = object::string_map(&labels, "labels").map_err(PssError::into_js)?;
    let defaults = match defaults {
        Some(d) => PolicyDefaults::from_js(&d.js_value(), "defaults.").and_then(PolicyDefaults::resolve),
        None => Ok(pss_core::admission::Policy::PRIVILEGED),
    }
    .map_err(PssError::into_js)?;
    let (policy, errors) = pss_core::admission::Policy::from_labels(&labels, defaults);
    error::to_js(&Policy::new(policy, &errors))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_resolve_in_pss_core_with_upstreams_words() {
        let d = PolicyDefaults { enforce: Some("baseline".into()), warn: Some("".into()), ..Default::default() };
        let policy = d.resolve().unwrap();
        assert_eq!(policy.enforce.to_string(), "baseline:latest");
        assert_eq!(policy.warn.to_string(), "privileged:latest");
        let bad =
            PolicyDefaults { enforce: Some("strict".into()), warn_version: Some("x".into()), ..Default::default() };
        let e = bad.resolve().unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidAdmissionConfig);
        let paths: Vec<&str> = e.details.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["defaults.enforce", "defaults.warn-version"]);
        assert_eq!(
            e.message,
            r#"[defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted, defaults.warn-version: Invalid value: "x": must be "latest" or "v1.x"]"#
        );
        crate::json::tests::same_as_serde(&*e.details);
    }

    #[test]
    fn label_errors_name_the_label() {
        let labels = [("pod-security.kubernetes.io/enforce", "strict")];
        let (policy, errors) =
            pss_core::admission::Policy::from_labels(labels, pss_core::admission::Policy::PRIVILEGED);
        let p = Policy::new(policy, &errors);
        assert_eq!(p.errors[0].label.as_deref(), Some("pod-security.kubernetes.io/enforce"));
        assert_eq!(p.errors[0].path, "metadata.labels[pod-security.kubernetes.io/enforce]");
        crate::json::tests::same_as_serde(&p);
    }
}
