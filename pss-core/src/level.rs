//! Levels, versions and their pair, parsed and printed exactly as upstream's `api` package does.

use core::fmt;
use core::str::FromStr;

use crate::error::Error;

/// A Pod Security Standards level.
///
/// Levels are ordered by strictness: `Privileged < Baseline < Restricted`.
///
/// ```
/// use pss_core::Level;
///
/// let level: Level = "baseline".parse()?;
/// assert_eq!(level, Level::Baseline);
/// assert_eq!(level.to_string(), "baseline");
/// assert!(Level::Restricted > Level::Baseline);
/// assert!("Baseline".parse::<Level>().is_err()); // case-sensitive, as upstream
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Unrestricted: every pod is allowed.
    Privileged,
    /// Minimally restrictive: prevents known privilege escalations.
    Baseline,
    /// Heavily restricted: current pod hardening best practices.
    Restricted,
}

impl Level {
    /// All levels, least strict first.
    pub const ALL: [Level; 3] = [Level::Privileged, Level::Baseline, Level::Restricted];

    /// The level's name as upstream spells it (`"privileged"`, `"baseline"`, `"restricted"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            Level::Privileged => "privileged",
            Level::Baseline => "baseline",
            Level::Restricted => "restricted",
        }
    }

    /// Parses a level exactly as upstream's `api.ParseLevel` does (exact, case-sensitive match).
    ///
    /// # Errors
    /// Anything but `privileged`, `baseline` or `restricted` gives an error whose message is upstream's
    /// (`must be one of privileged, baseline, restricted`).
    pub fn parse(s: &str) -> Result<Level, Error> {
        match s {
            "privileged" => Ok(Level::Privileged),
            "baseline" => Ok(Level::Baseline),
            "restricted" => Ok(Level::Restricted),
            _ => Err(Error::invalid_level(s)),
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Level {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Level::parse(s)
    }
}

/// A policy version: `latest` or `v1.N`.
///
/// Versions are ordered as upstream orders them; `latest` is newer than every numbered version.
/// A numbered version newer than the newest one with check changes ([`Version::NEWEST_CHECKS`]) is
/// evaluated as that newest version, but keeps the number the caller gave (it is what messages show).
///
/// ```
/// use pss_core::Version;
///
/// let v: Version = "v1.29".parse()?;
/// assert_eq!(v, Version::v1(29));
/// assert_eq!(v.to_string(), "v1.29");
/// assert_eq!("latest".parse::<Version>()?, Version::LATEST);
/// assert!(Version::LATEST > Version::v1(1000));
/// assert_eq!(Version::v1(40).effective(), Version::NEWEST_CHECKS);
/// assert_eq!(Version::v1(40).to_string(), "v1.40");
/// assert!("v1.05".parse::<Version>().is_err());
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version(Repr);

// Field order matters for the derived ordering: every `V1` sorts before `Latest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Repr {
    V1(u64),
    Latest,
}

/// The largest minor number upstream accepts (`strconv.Atoi` on a 64-bit platform).
const MAX_MINOR: u64 = i64::MAX as u64;

impl Version {
    /// `latest`: the newest checks, whatever they are.
    pub const LATEST: Version = Version(Repr::Latest);

    /// The newest version in which any check changed (v1.37); `latest` evaluates as this.
    pub const NEWEST_CHECKS: Version = Version(Repr::V1(crate::checks::NEWEST_MINOR));

    /// Every version with its own rules, oldest first: `v1.0` through [`Version::NEWEST_CHECKS`],
    /// then `latest` (which evaluates as the newest). A later `v1.N` evaluates as the newest too.
    /// Tests and tools derive their version ranges from this, so a new Kubernetes release that
    /// changes a check changes them all.
    ///
    /// ```
    /// use pss_core::Version;
    ///
    /// let all: Vec<Version> = Version::every().collect();
    /// assert_eq!(all[0], Version::v1(0));
    /// assert_eq!(all[all.len() - 2], Version::NEWEST_CHECKS);
    /// assert_eq!(all[all.len() - 1], Version::LATEST);
    /// ```
    pub fn every() -> impl DoubleEndedIterator<Item = Version> + ExactSizeIterator + Clone {
        (0..crate::checks::NEWEST_MINOR as usize + 2).map(|m| {
            if m as u64 > crate::checks::NEWEST_MINOR {
                Version::LATEST
            } else {
                Version::v1(m as u64)
            }
        })
    }

    /// The version `v1.minor`.
    ///
    /// # Panics
    /// When `minor` is larger than `i64::MAX`, which upstream cannot represent either.
    pub const fn v1(minor: u64) -> Version {
        assert!(minor <= MAX_MINOR, "version minor out of range");
        Version(Repr::V1(minor))
    }

    /// Whether this is `latest`.
    pub const fn is_latest(self) -> bool {
        matches!(self.0, Repr::Latest)
    }

    /// The minor number of a `v1.N` version, `None` for `latest`.
    pub const fn minor(self) -> Option<u64> {
        match self.0 {
            Repr::V1(m) => Some(m),
            Repr::Latest => None,
        }
    }

    /// The version whose checks apply: `self`, or [`Version::NEWEST_CHECKS`] for `latest` and newer versions.
    pub const fn effective(self) -> Version {
        Version(Repr::V1(self.effective_minor()))
    }

    pub(crate) const fn effective_minor(self) -> u64 {
        match self.0 {
            Repr::V1(m) if m < crate::checks::NEWEST_MINOR => m,
            _ => crate::checks::NEWEST_MINOR,
        }
    }

    /// Parses a version exactly as upstream's `api.ParseVersion` does: `latest`, or `v1.N` where `N`
    /// has no leading zero (`^v1\.(0|[1-9][0-9]*)$`).
    ///
    /// # Errors
    /// Anything else, including a minor number too large for upstream's `int`, gives an error whose
    /// message is upstream's (`must be "latest" or "v1.x"`).
    pub fn parse(s: &str) -> Result<Version, Error> {
        if s == "latest" {
            return Ok(Version::LATEST);
        }
        let digits = s
            .strip_prefix("v1.")
            .filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit()))
            .filter(|d| d.len() == 1 || !d.starts_with('0'))
            .ok_or_else(|| Error::invalid_version(s))?;
        match digits.parse::<u64>() {
            Ok(minor) if minor <= MAX_MINOR => Ok(Version(Repr::V1(minor))),
            _ => Err(Error::invalid_version(s)),
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            // Written in pieces, not through `write!`: a record or annotation names versions often.
            Repr::V1(m) => {
                f.write_str("v1.")?;
                f.write_str(crate::quote::decimal(m, &mut [0; 20]))
            }
            Repr::Latest => f.write_str("latest"),
        }
    }
}

impl FromStr for Version {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Version::parse(s)
    }
}

impl Default for Version {
    fn default() -> Self {
        Version::LATEST
    }
}

/// A level at a version: what a namespace label pair or a policy asks for. Displays as `baseline:latest`.
///
/// ```
/// use pss_core::{Level, LevelVersion, Version};
///
/// let lv = LevelVersion::new(Level::Restricted, Version::v1(40));
/// assert_eq!(lv.to_string(), "restricted:v1.40");
/// assert_eq!("baseline".parse::<LevelVersion>()?, LevelVersion::new(Level::Baseline, Version::LATEST));
/// assert_eq!("baseline:v1.25".parse::<LevelVersion>()?.version, Version::v1(25));
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LevelVersion {
    /// The level.
    pub level: Level,
    /// The version, as requested (not clamped to the newest check version).
    pub version: Version,
}

impl LevelVersion {
    /// A level at a version.
    pub const fn new(level: Level, version: Version) -> Self {
        LevelVersion { level, version }
    }

    /// Parses `LEVEL` or `LEVEL:VERSION` (the version defaults to `latest`).
    ///
    /// # Errors
    /// When either part is invalid (see [`Level::parse`] and [`Version::parse`]).
    pub fn parse(s: &str) -> Result<Self, Error> {
        let (level, version) = match s.split_once(':') {
            Some((l, v)) => (Level::parse(l)?, Version::parse(v)?),
            None => (Level::parse(s)?, Version::LATEST),
        };
        Ok(LevelVersion { level, version })
    }
}

impl Default for LevelVersion {
    /// `baseline:latest`, the defaults of `pss check`.
    fn default() -> Self {
        LevelVersion::new(Level::Baseline, Version::LATEST)
    }
}

impl fmt::Display for LevelVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.level.as_str())?;
        f.write_str(":")?;
        fmt::Display::fmt(&self.version, f)
    }
}

impl FromStr for LevelVersion {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        LevelVersion::parse(s)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Level {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Level {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Level::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for Version {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(feature = "serde")]
impl<'de> serde::Deserialize<'de> for Version {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(d)?;
        Version::parse(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for LevelVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Versions and level-versions display as `v1.N`, `latest` and `LEVEL:VERSION`, for every
    /// version and the largest minor accepted.
    #[test]
    fn versions_display_as_parsed() {
        let minors = (0..=crate::checks::NEWEST_MINOR + 3).chain([10, 99, 100, 12_345, MAX_MINOR]);
        for version in minors.map(Version::v1).chain([Version::LATEST]) {
            let text = match version.0 {
                Repr::V1(m) => format!("v1.{m}"),
                Repr::Latest => "latest".to_owned(),
            };
            assert_eq!(version.to_string(), text);
            assert_eq!(Version::parse(&text), Ok(version));
            for level in [Level::Privileged, Level::Baseline, Level::Restricted] {
                let lv = LevelVersion::new(level, version);
                assert_eq!(lv.to_string(), format!("{}:{text}", level.as_str()));
                assert_eq!(LevelVersion::parse(&lv.to_string()), Ok(lv));
            }
        }
    }
}
