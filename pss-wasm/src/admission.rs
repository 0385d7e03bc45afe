//! PodSecurity admission: `policyFromLabels` (namespace labels to the enforce/audit/warn policy).

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{self, ErrorKind, FieldError, PssError};
use crate::json::{Object, ToJson};
use crate::level::LevelVersion;
use crate::object;

/// A namespace's policy: the level and version of each mode, and the problems with its labels.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct NamespacePolicy {
    /// Violations deny pods.
    pub enforce: LevelVersion,
    /// Violations are recorded in the `pod-security.kubernetes.io/audit-violations` audit annotation.
    pub audit: LevelVersion,
    /// Violations are returned to the client as warnings.
    pub warn: LevelVersion,
    /// One entry per invalid label, in upstream's order and words (an invalid enforce level becomes
    /// `restricted`, an invalid audit or warn level `privileged`, an invalid version `latest`).
    pub errors: Vec<FieldError>,
}

impl NamespacePolicy {
    pub(crate) fn new(policy: pss_core::admission::Policy, errors: &[pss_core::FieldError]) -> Self {
        NamespacePolicy {
            enforce: policy.enforce.into(),
            audit: policy.audit.into(),
            warn: policy.warn.into(),
            errors: errors.iter().map(FieldError::from).collect(),
        }
    }
}

impl ToJson for NamespacePolicy {
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

/// `PolicyDefaults`' keys, in upstream's validation order (enforce, warn, audit).
const DEFAULT_KEYS: [&str; 6] = ["enforce", "enforce-version", "warn", "warn-version", "audit", "audit-version"];

impl PolicyDefaults {
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

    /// The defaults as a policy, and upstream's errors (`defaults.enforce: Invalid value: ...`),
    /// in upstream's order. Each value is checked as pss-core checks the matching namespace label,
    /// and the label's error is renamed to the defaults field.
    fn policy(&self) -> (pss_core::admission::Policy, Vec<FieldError>) {
        let values =
            [&self.enforce, &self.enforce_version, &self.warn, &self.warn_version, &self.audit, &self.audit_version];
        let mut labels: Vec<(String, &str)> = Vec::new();
        let mut errors = Vec::new();
        for (key, value) in DEFAULT_KEYS.iter().zip(values) {
            let fallback = if key.ends_with("-version") { "latest" } else { "privileged" };
            let value = value.as_deref().filter(|v| !v.is_empty()).unwrap_or(fallback);
            let label = format!("{}{key}", pss_core::admission::LABEL_PREFIX);
            let (_, errs) = pss_core::admission::Policy::from_labels(
                [(label.as_str(), value)],
                pss_core::admission::Policy::PRIVILEGED,
            );
            for e in &errs {
                let mut e = FieldError::from(e);
                let path = format!("defaults.{key}");
                e.message = format!("{path}{}", &e.message[e.path.len()..]);
                e.path = path;
                errors.push(e);
            }
            labels.push((label, value));
        }
        // With every mode set explicitly, the labels resolve to exactly these levels and versions
        // (the callers reject the defaults when there are errors).
        let labels = labels.iter().map(|(k, v)| (k.as_str(), *v));
        (pss_core::admission::Policy::from_labels(labels, pss_core::admission::Policy::PRIVILEGED).0, errors)
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
) -> Result<Ts<NamespacePolicy>, JsValue> {
    let labels = object::string_map(&labels, "labels").map_err(PssError::into_js)?;
    let defaults = match defaults {
        Some(d) => {
            let d = d.js_value();
            let (policy, errors) = PolicyDefaults::from_js(&d, "defaults.").map_err(PssError::into_js)?.policy();
            if !errors.is_empty() {
                return Err(PssError::fields(ErrorKind::InvalidAdmissionConfig, errors).into_js());
            }
            policy
        }
        None => pss_core::admission::Policy::PRIVILEGED,
    };
    let (policy, errors) = pss_core::admission::Policy::from_labels(&labels, defaults);
    error::to_js(&NamespacePolicy::new(policy, &errors))
}
