//! Levels and versions: `Level`, `LevelVersionJSON` (one level at one version, as data), and the
//! parse and list functions. The `LevelVersion` class is in level_version.rs.

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{self, PssError};
use crate::json::{self, Object, ToJson};

/// A Pod Security Standards level, as upstream spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// Unrestricted: every pod is allowed.
    Privileged,
    /// Minimally restrictive: prevents known privilege escalations.
    Baseline,
    /// Heavily restricted: current pod hardening best practices.
    Restricted,
}

impl From<pss_core::Level> for Level {
    fn from(level: pss_core::Level) -> Self {
        match level {
            pss_core::Level::Privileged => Level::Privileged,
            pss_core::Level::Baseline => Level::Baseline,
            pss_core::Level::Restricted => Level::Restricted,
        }
    }
}

impl From<Level> for pss_core::Level {
    fn from(level: Level) -> Self {
        match level {
            Level::Privileged => pss_core::Level::Privileged,
            Level::Baseline => pss_core::Level::Baseline,
            Level::Restricted => pss_core::Level::Restricted,
        }
    }
}

impl ToJson for Level {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, pss_core::Level::from(*self).as_str());
    }
}

/// One level at one version, as data: what `parseLevelVersion("baseline:v1.30")` returns, each mode
/// of a `Policy`, and what `LevelVersion.toJSON()` gives. It is also a valid options object of the
/// evaluate functions and of `new LevelVersion(...)`.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct LevelVersionJSON {
    /// The level.
    pub level: Level,
    /// `"latest"` or `"v1.N"`, as given (not clamped to the newest check version).
    pub version: String,
}

impl From<pss_core::LevelVersion> for LevelVersionJSON {
    fn from(lv: pss_core::LevelVersion) -> Self {
        LevelVersionJSON { level: lv.level.into(), version: lv.version.to_string() }
    }
}

impl ToJson for LevelVersionJSON {
    fn write_json(&self, out: &mut String) {
        Object::new(out).field("level", &self.level).field("version", &self.version).end();
    }
}

/// Parses a level exactly as upstream does (`privileged`, `baseline` or `restricted`, case-sensitive).
///
/// Throws a `PssError` (kind `invalidLevel`) for anything else.
#[wasm_bindgen(js_name = parseLevel, unchecked_return_type = "Level")]
pub fn parse_level(level: &str) -> Result<String, JsValue> {
    pss_core::Level::parse(level).map(|l| l.as_str().to_owned()).map_err(|e| error::core(&e))
}

/// Parses a version exactly as upstream does (`latest` or `v1.N`, no leading zero) and returns it as
/// written. Every `v1.N` is accepted; one newer than the newest check version evaluates as that version.
///
/// Throws a `PssError` (kind `invalidVersion`) for anything else.
#[wasm_bindgen(js_name = parseVersion)]
pub fn parse_version(version: &str) -> Result<String, JsValue> {
    pss_core::Version::parse(version).map(|v| v.to_string()).map_err(|e| error::core(&e))
}

/// Parses `LEVEL` or `LEVEL:VERSION` (the version defaults to `latest`), as namespace labels and
/// policies write them.
#[wasm_bindgen(js_name = parseLevelVersion)]
pub fn parse_level_version(text: &str) -> Result<Ts<LevelVersionJSON>, JsValue> {
    let lv = pss_core::LevelVersion::parse(text).map_err(|e| error::core(&e))?;
    error::to_js(&LevelVersionJSON::from(lv))
}

/// Every version with its own checks, oldest first (`v1.0` ... the newest), then `latest`.
pub fn version_list() -> Vec<String> {
    pss_core::Version::every().map(|v| v.to_string()).collect()
}

/// The versions whose checks differ, oldest first (`"v1.0"` ... `newestCheckVersion()`), then `"latest"`.
///
/// Any `v1.N` is accepted by `evaluate`; a newer one evaluates as the newest check version.
#[wasm_bindgen(js_name = supportedVersions)]
pub fn supported_versions() -> Vec<String> {
    version_list()
}

/// The newest version in which any check changed (what `latest` evaluates as), e.g. `"v1.37"`.
#[wasm_bindgen(js_name = newestCheckVersion)]
pub fn newest_check_version() -> String {
    pss_core::Version::NEWEST_CHECKS.to_string()
}

/// Reads a level and version from options, with pss-core's defaults (`baseline`, `latest`).
pub(crate) fn level_version(level: Option<&str>, version: Option<&str>) -> Result<pss_core::LevelVersion, PssError> {
    let default = pss_core::LevelVersion::default();
    let level = match level {
        Some(l) => pss_core::Level::parse(l)?,
        None => default.level,
    };
    let version = match version {
        Some(v) => pss_core::Version::parse(v)?,
        None => default.version,
    };
    Ok(pss_core::LevelVersion::new(level, version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_run_from_v1_0_to_latest() {
        let versions = version_list();
        assert_eq!(versions.first().map(String::as_str), Some("v1.0"));
        assert_eq!(versions.last().map(String::as_str), Some("latest"));
        assert_eq!(versions[versions.len() - 2], pss_core::Version::NEWEST_CHECKS.to_string());
        for v in &versions {
            assert!(pss_core::Version::parse(v).is_ok(), "{v}");
        }
    }

    #[test]
    fn defaults_are_baseline_latest() {
        let lv = level_version(None, None).unwrap();
        assert_eq!(lv, pss_core::LevelVersion::default());
        let lv = level_version(Some("restricted"), Some("v1.25")).unwrap();
        assert_eq!(lv.to_string(), "restricted:v1.25");
    }

    #[test]
    fn bad_level_and_version_keep_upstream_messages() {
        let err = level_version(Some("Baseline"), None).unwrap_err();
        assert_eq!(err.details.kind, crate::error::ErrorKind::InvalidLevel);
        assert_eq!(err.message, r#"invalid level "Baseline": must be one of privileged, baseline, restricted"#);
        let err = level_version(None, Some("v1.05")).unwrap_err();
        assert_eq!(err.details.kind, crate::error::ErrorKind::InvalidVersion);
        assert_eq!(err.message, r#"invalid version "v1.05": must be "latest" or "v1.x""#);
    }

    #[test]
    fn level_version_dto_keeps_the_version_as_given() {
        let lv = LevelVersionJSON::from(pss_core::LevelVersion::parse("restricted:v1.40").unwrap());
        assert_eq!(lv, LevelVersionJSON { level: Level::Restricted, version: "v1.40".into() });
        crate::json::tests::same_as_serde(&lv);
    }

    #[test]
    fn levels_are_pss_cores() {
        for level in pss_core::Level::ALL {
            assert_eq!(pss_core::Level::from(Level::from(level)), level);
            crate::json::tests::same_as_serde(&Level::from(level));
            assert_eq!(crate::json::to_string(&Level::from(level)), format!("\"{}\"", level.as_str()));
        }
    }
}
