//! Namespace labels to the policy to evaluate: upstream's `api.PolicyToEvaluate`.

use core::fmt;

use super::{
    AUDIT_LEVEL_LABEL, AUDIT_VERSION_LABEL, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL, WARN_LEVEL_LABEL,
    WARN_VERSION_LABEL,
};
use crate::field_error::FieldError;
use crate::level::{Level, LevelVersion, Version};

/// The three modes' levels and versions for a namespace.
///
/// ```
/// use pss_core::{Level, Version};
/// use pss_core::admission::Policy;
///
/// let labels = [("pod-security.kubernetes.io/enforce", "baseline"), ("pod-security.kubernetes.io/audit", "strict")];
/// let (policy, errors) = Policy::from_labels(labels, Policy::PRIVILEGED);
/// assert_eq!(policy.enforce.level, Level::Baseline);
/// assert_eq!(policy.warn.level, Level::Baseline); // warn follows a stricter enforce
/// assert_eq!(policy.audit.level, Level::Privileged); // an invalid audit level fails open
/// assert_eq!(
///     errors[0].to_string(),
///     r#"metadata.labels[pod-security.kubernetes.io/audit]: Invalid value: "strict": must be one of privileged, baseline, restricted"#
/// );
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Policy {
    /// Violations deny pods.
    pub enforce: LevelVersion,
    /// Violations are recorded in the audit annotation.
    pub audit: LevelVersion,
    /// Violations are returned to the user as warnings.
    pub warn: LevelVersion,
}

const PRIVILEGED_LATEST: LevelVersion = LevelVersion::new(Level::Privileged, Version::LATEST);

impl Policy {
    /// `privileged:latest` in every mode: the default without a configuration.
    pub const PRIVILEGED: Policy =
        Policy { enforce: PRIVILEGED_LATEST, audit: PRIVILEGED_LATEST, warn: PRIVILEGED_LATEST };

    /// Resolves a namespace's labels to its policy, falling back to `defaults` for unset labels,
    /// exactly as upstream's `PolicyToEvaluate`: an invalid enforce level becomes `restricted`, an
    /// invalid audit or warn level `privileged` (fail open), an invalid version `latest`; each
    /// invalid label gives an error naming it. When enforce is set (validly), stricter than warn,
    /// and warn is not set, warn follows enforce (and its version, unless warn-version is set).
    ///
    /// A valid policy is always returned, even with errors. A repeated label key takes its last value.
    pub fn from_labels<K, V>(labels: impl IntoIterator<Item = (K, V)>, defaults: Policy) -> (Policy, Vec<FieldError>)
    where
        K: AsRef<str>,
        V: AsRef<str>,
    {
        let mut values: [Option<String>; 6] = Default::default();
        const KEYS: [&str; 6] = [
            ENFORCE_LEVEL_LABEL,
            ENFORCE_VERSION_LABEL,
            AUDIT_LEVEL_LABEL,
            AUDIT_VERSION_LABEL,
            WARN_LEVEL_LABEL,
            WARN_VERSION_LABEL,
        ];
        for (k, v) in labels {
            if let Some(i) = KEYS.iter().position(|key| *key == k.as_ref()) {
                values[i] = Some(v.as_ref().to_owned());
            }
        }
        let [enforce_level, enforce_version, audit_level, audit_version, warn_level, warn_version] = values;

        let mut p = defaults;
        let mut errs = Vec::new();
        let level = |label: &str, value: Option<String>, fallback: Level, errs: &mut Vec<FieldError>| {
            value.map(|v| match Level::parse(&v) {
                Ok(l) => (l, true),
                Err(_) => {
                    errs.push(label_error(label, &v, crate::LEVEL_ACCEPTED));
                    (fallback, false)
                }
            })
        };
        let version = |label: &str, value: Option<String>, errs: &mut Vec<FieldError>| {
            value.map(|v| {
                Version::parse(&v).unwrap_or_else(|_| {
                    errs.push(label_error(label, &v, crate::VERSION_ACCEPTED));
                    Version::LATEST
                })
            })
        };

        let mut has_enforce_level = false;
        if let Some((l, ok)) = level(ENFORCE_LEVEL_LABEL, enforce_level, Level::Restricted, &mut errs) {
            p.enforce.level = l;
            has_enforce_level = ok;
        }
        if let Some(v) = version(ENFORCE_VERSION_LABEL, enforce_version, &mut errs) {
            p.enforce.version = v;
        }
        if let Some((l, _)) = level(AUDIT_LEVEL_LABEL, audit_level, Level::Privileged, &mut errs) {
            p.audit.level = l;
        }
        if let Some(v) = version(AUDIT_VERSION_LABEL, audit_version, &mut errs) {
            p.audit.version = v;
        }
        let has_warn_level = warn_level.is_some();
        if let Some((l, _)) = level(WARN_LEVEL_LABEL, warn_level, Level::Privileged, &mut errs) {
            p.warn.level = l;
        }
        let has_warn_version = warn_version.is_some();
        if let Some(v) = version(WARN_VERSION_LABEL, warn_version, &mut errs) {
            p.warn.version = v;
        }
        if !has_warn_level && has_enforce_level && p.enforce.level > p.warn.level {
            p.warn.level = p.enforce.level;
            if !has_warn_version {
                p.warn.version = p.enforce.version;
            }
        }
        (p, errs)
    }

    /// Whether every mode is privileged (nothing to evaluate).
    pub fn fully_privileged(&self) -> bool {
        [self.enforce, self.audit, self.warn].iter().all(|lv| lv.level == Level::Privileged)
    }

    /// Upstream's `Policy.Equivalent`: every mode equivalent (both privileged, or equal).
    pub fn equivalent(&self, other: &Policy) -> bool {
        let eq =
            |a: LevelVersion, b: LevelVersion| (a.level == Level::Privileged && b.level == Level::Privileged) || a == b;
        eq(self.enforce, other.enforce) && eq(self.audit, other.audit) && eq(self.warn, other.warn)
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::PRIVILEGED
    }
}

impl fmt::Display for Policy {
    /// `enforce=baseline:latest, audit=privileged:latest, warn=baseline:latest`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "enforce={}, audit={}, warn={}", self.enforce, self.audit, self.warn)
    }
}

fn label_error(label: &str, value: &str, accepted: &str) -> FieldError {
    FieldError::invalid(format!("metadata.labels[{label}]"), value, accepted)
}
