//! Which Kyverno release pss predicts: [`KyvernoVersion`].
//!
//! Each release is modelled on its newest patch release; what differs between releases is recorded
//! here once, as data, and read by the engine (`engine.rs`), the check library (`library.rs`) and
//! the policy and exception decoders.

use core::fmt;
use core::str::FromStr;

/// A Kyverno release whose `validate.podSecurity` behaviour pss reproduces: its verdicts, its rule
/// messages, its exclusion model, its `PolicyException` handling and its blocking decision.
///
/// Each minor release is modelled on its newest patch release (the one [`KyvernoVersion::release`]
/// names); earlier patches that behave differently are refused by [`KyvernoVersion::parse`].
/// The table of what differs between releases is in `docs/kyverno.md`.
///
/// ```
/// use pss_core::kyverno::KyvernoVersion;
///
/// let v: KyvernoVersion = "1.13".parse()?;
/// assert_eq!(v, KyvernoVersion::V1_13);
/// assert_eq!(v.to_string(), "1.13");
/// assert_eq!(v.release(), "1.13.6");
/// assert_eq!(KyvernoVersion::default(), KyvernoVersion::NEWEST);
/// assert_eq!("v1.12.7".parse::<KyvernoVersion>()?, KyvernoVersion::V1_12);
/// assert!("1.12.3".parse::<KyvernoVersion>().is_err()); // before 1.12.6's version selection
/// # Ok::<(), pss_core::kyverno::UnknownKyvernoVersion>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum KyvernoVersion {
    /// Kyverno 1.11 (1.11.2 to 1.11.5): upstream's check library v0.29, whole-check exclusions,
    /// `({Allowed:false ForbiddenReason:... ForbiddenDetail:...})` messages, no `podSecurity` in
    /// PolicyExceptions.
    V1_11,
    /// Kyverno 1.12 (1.12.6, 1.12.7): field-level exclusions, `(Forbidden reason: ...)` messages,
    /// one PolicyException per rule.
    V1_12,
    /// Kyverno 1.13 (1.13.5, 1.13.6): rule-level `failureAction`, every matching PolicyException.
    V1_13,
    /// Kyverno 1.14: check library of Kubernetes 1.32 (`image` volumes, SELinux v1.31, sysctls
    /// v1.32).
    V1_14,
    /// Kyverno 1.15: as 1.14.
    V1_15,
    /// Kyverno 1.16: check library of Kubernetes 1.34 (`hostProbesAndHostLifecycle`).
    V1_16,
    /// Kyverno 1.17: as 1.16.
    V1_17,
    /// Kyverno 1.18: as 1.16.
    V1_18,
    /// Kyverno 1.19: each failed rule blocks by its own failure action.
    V1_19,
}

/// What [`KyvernoVersion::parse`] refuses.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownKyvernoVersion(String);

impl fmt::Display for UnknownKyvernoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UnknownKyvernoVersion {}

/// The check library a release runs (`k8s.io/pod-security-admission`, or Kyverno's fork of it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Library {
    /// Upstream v0.29.0: no field errors, AppArmor annotations only.
    Upstream29,
    /// The first fork (YTGhost, March 2024): field errors; AppArmor annotations only; runAsNonRoot
    /// reports either the explicit or the implicit offenders.
    Fork2403,
    /// kyverno/pod-security-admission 7fb54a8 (July 2024): AppArmor fields; runAsNonRoot reports both.
    Fork2407,
    /// c9a5898 (Kubernetes 1.32.3): `image` volumes, SELinux 1.31, sysctls 1.32.
    Fork132,
    /// 46f2077 (October 2025): `hostProbesAndHostLifecycle` (1.34).
    Fork134,
}

impl KyvernoVersion {
    /// The newest release pss models; the default.
    pub const NEWEST: KyvernoVersion = KyvernoVersion::V1_19;

    /// Every release pss models, oldest first.
    pub const ALL: [KyvernoVersion; 9] = [
        KyvernoVersion::V1_11,
        KyvernoVersion::V1_12,
        KyvernoVersion::V1_13,
        KyvernoVersion::V1_14,
        KyvernoVersion::V1_15,
        KyvernoVersion::V1_16,
        KyvernoVersion::V1_17,
        KyvernoVersion::V1_18,
        KyvernoVersion::V1_19,
    ];

    /// The minor number (`13` for 1.13).
    pub const fn minor(self) -> u32 {
        match self {
            KyvernoVersion::V1_11 => 11,
            KyvernoVersion::V1_12 => 12,
            KyvernoVersion::V1_13 => 13,
            KyvernoVersion::V1_14 => 14,
            KyvernoVersion::V1_15 => 15,
            KyvernoVersion::V1_16 => 16,
            KyvernoVersion::V1_17 => 17,
            KyvernoVersion::V1_18 => 18,
            KyvernoVersion::V1_19 => 19,
        }
    }

    /// `"1.13"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            KyvernoVersion::V1_11 => "1.11",
            KyvernoVersion::V1_12 => "1.12",
            KyvernoVersion::V1_13 => "1.13",
            KyvernoVersion::V1_14 => "1.14",
            KyvernoVersion::V1_15 => "1.15",
            KyvernoVersion::V1_16 => "1.16",
            KyvernoVersion::V1_17 => "1.17",
            KyvernoVersion::V1_18 => "1.18",
            KyvernoVersion::V1_19 => "1.19",
        }
    }

    /// The patch release the model was read from (`"1.13.6"`).
    pub const fn release(self) -> &'static str {
        match self {
            KyvernoVersion::V1_11 => "1.11.5",
            KyvernoVersion::V1_12 => "1.12.7",
            KyvernoVersion::V1_13 => "1.13.6",
            KyvernoVersion::V1_14 => "1.14.5",
            KyvernoVersion::V1_15 => "1.15.3",
            KyvernoVersion::V1_16 => "1.16.4",
            KyvernoVersion::V1_17 => "1.17.2",
            KyvernoVersion::V1_18 => "1.18.2",
            KyvernoVersion::V1_19 => "1.19.0",
        }
    }

    /// The first patch of the minor release that behaves as the model: earlier ones changed the
    /// podSecurity code the model reads (1.11.0–1.11.1 ran check library v0.28, 1.12.0–1.12.5
    /// ran every older version of a check, 1.13.0–1.13.4 printed controller paths differently).
    const fn first_patch(self) -> u32 {
        match self {
            KyvernoVersion::V1_11 => 2,
            KyvernoVersion::V1_12 => 6,
            KyvernoVersion::V1_13 => 5,
            _ => 0,
        }
    }

    /// Reads `1.13`, `v1.13` or a patch release (`1.13.6`, `v1.13.6`).
    ///
    /// # Errors
    /// Anything else, a release pss does not model, or a patch release older than the one the
    /// model holds for.
    pub fn parse(text: &str) -> Result<KyvernoVersion, UnknownKyvernoVersion> {
        let unknown = || {
            UnknownKyvernoVersion(format!(
                "unsupported Kyverno version {}: pss reproduces Kyverno {} to {} (MAJOR.MINOR or MAJOR.MINOR.PATCH)",
                crate::quote::go_quote(text),
                KyvernoVersion::ALL[0],
                KyvernoVersion::NEWEST
            ))
        };
        let digits = |s: &str| -> Option<u32> {
            if s.is_empty()
                || s.len() > 4
                || !s.bytes().all(|b| b.is_ascii_digit())
                || (s.len() > 1 && s.starts_with('0'))
            {
                return None;
            }
            s.parse().ok()
        };
        let plain = text.strip_prefix('v').unwrap_or(text);
        let mut parts = plain.split('.');
        let (Some(major), Some(minor)) = (parts.next().and_then(digits), parts.next().and_then(digits)) else {
            return Err(unknown());
        };
        let patch = match parts.next() {
            None => None,
            Some(p) => Some(digits(p).ok_or_else(unknown)?),
        };
        if parts.next().is_some() || major != 1 {
            return Err(unknown());
        }
        let version = KyvernoVersion::ALL.into_iter().find(|v| v.minor() == minor).ok_or_else(unknown)?;
        if let Some(patch) = patch {
            if patch < version.first_patch() {
                return Err(UnknownKyvernoVersion(format!(
                    "unsupported Kyverno version {}: pss models Kyverno {} from {}.{} on",
                    crate::quote::go_quote(text),
                    version,
                    version,
                    version.first_patch()
                )));
            }
        }
        Ok(version)
    }

    pub(crate) const fn library(self) -> Library {
        match self {
            KyvernoVersion::V1_11 => Library::Upstream29,
            KyvernoVersion::V1_12 => Library::Fork2403,
            KyvernoVersion::V1_13 => Library::Fork2407,
            KyvernoVersion::V1_14 | KyvernoVersion::V1_15 => Library::Fork132,
            _ => Library::Fork134,
        }
    }

    /// 1.11: the engine before field-level exclusions.
    pub(crate) fn whole_check_exclusions(self) -> bool {
        self == KyvernoVersion::V1_11
    }

    /// 1.13 and later: `validate.failureAction` and `validate.failureActionOverrides` exist; before,
    /// they are unknown fields.
    pub(crate) fn has_rule_failure_action(self) -> bool {
        self >= KyvernoVersion::V1_13
    }

    /// PolicyExceptions with `podSecurity` (1.12 and later).
    pub(crate) fn has_exception_pod_security(self) -> bool {
        self >= KyvernoVersion::V1_12
    }

    /// 1.13 and later: every matching exception is used, not just the first.
    pub(crate) fn merges_exceptions(self) -> bool {
        self >= KyvernoVersion::V1_13
    }

    /// 1.19: each failed rule blocks by its own failure action, not the policy's first one.
    pub(crate) fn per_rule_blocking(self) -> bool {
        self >= KyvernoVersion::V1_19
    }

    /// 1.19: the CLI leaves a cluster-scoped resource read from a file without a namespace in none
    /// (before, every resource without one was put in `default`).
    pub(crate) fn keeps_cluster_scoped_out_of_default(self) -> bool {
        self >= KyvernoVersion::V1_19
    }

    /// 1.14 and later: `AppArmor` entries may name images (before, it was a pod-level control).
    pub(crate) fn app_armor_takes_images(self) -> bool {
        self >= KyvernoVersion::V1_14
    }

    /// 1.12 and later check `restrictedField` and `values` of exclude entries.
    pub(crate) fn validates_restricted_field(self) -> bool {
        self >= KyvernoVersion::V1_12
    }

    /// The PolicyException API versions the release reads.
    pub(crate) fn exception_versions(self) -> &'static [&'static str] {
        match self {
            KyvernoVersion::V1_11 => &["v2alpha1", "v2beta1"],
            KyvernoVersion::V1_12 => &["v2alpha1", "v2beta1", "v2"],
            _ => &["v2beta1", "v2"],
        }
    }
}

impl Default for KyvernoVersion {
    fn default() -> Self {
        KyvernoVersion::NEWEST
    }
}

impl fmt::Display for KyvernoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for KyvernoVersion {
    type Err = UnknownKyvernoVersion;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        KyvernoVersion::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for KyvernoVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsing() {
        for v in KyvernoVersion::ALL {
            assert_eq!(KyvernoVersion::parse(v.as_str()), Ok(v));
            assert_eq!(KyvernoVersion::parse(&format!("v{v}")), Ok(v));
            assert_eq!(KyvernoVersion::parse(v.release()), Ok(v), "{v}");
        }
        for bad in ["", "1", "1.", "1.10", "1.20", "2.13", "1.13.x", "1.13.6.1", "v", "1.13 ", "+1.13", "1.013"] {
            assert!(KyvernoVersion::parse(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            KyvernoVersion::parse("1.20").unwrap_err().to_string(),
            "unsupported Kyverno version \"1.20\": pss reproduces Kyverno 1.11 to 1.19 (MAJOR.MINOR or MAJOR.MINOR.PATCH)"
        );
        assert_eq!(
            KyvernoVersion::parse("1.12.5").unwrap_err().to_string(),
            "unsupported Kyverno version \"1.12.5\": pss models Kyverno 1.12 from 1.12.6 on"
        );
        assert_eq!(KyvernoVersion::parse("1.12.6"), Ok(KyvernoVersion::V1_12));
    }

    #[test]
    fn order_and_default() {
        assert!(KyvernoVersion::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(KyvernoVersion::default(), *KyvernoVersion::ALL.last().unwrap());
    }
}
