//! The checks: `checks()` lists upstream's 19 checks with their level and versions.

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::json::{Object, ToJson};
use crate::level::Level;

/// One upstream check.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct CheckInfo {
    /// Upstream's id (`"privileged"`, `"capabilities_baseline"`, ...), as `Violation.check` gives it.
    pub id: String,
    /// The level the check belongs to (restricted also runs the baseline checks it does not override).
    pub level: Level,
    /// Every version at which the check's behaviour starts or changes, oldest first; the first is
    /// the version it starts at.
    pub versions: Vec<String>,
    /// The baseline check this restricted check replaces at the restricted level, `null` if none.
    pub overrides: Option<String>,
}

impl ToJson for CheckInfo {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("id", &self.id)
            .field("level", &self.level)
            .field("versions", &self.versions)
            .field("overrides", &self.overrides)
            .end();
    }
}

/// Every check in upstream's result order (baseline ids sorted, then restricted ids sorted).
pub fn check_list() -> Vec<CheckInfo> {
    pss_core::CheckId::ALL
        .iter()
        .map(|id| CheckInfo {
            id: id.as_str().to_owned(),
            level: id.level().into(),
            versions: id.versions().map(|v| v.to_string()).collect(),
            overrides: id.overrides().map(|o| o.as_str().to_owned()),
        })
        .collect()
}

/// Every check in upstream's result order, with its level and versions.
#[wasm_bindgen]
pub fn checks() -> Result<Vec<Ts<CheckInfo>>, JsValue> {
    check_list().iter().map(crate::error::to_js).collect()
}

/// The ids of the checks that run for a level at a version, in upstream's result order.
#[wasm_bindgen(js_name = checksFor)]
pub fn checks_for(
    #[wasm_bindgen(unchecked_param_type = "Level")] level: &str,
    version: Option<String>,
) -> Result<Vec<String>, JsValue> {
    let lv = crate::level::level_version(Some(level), version.as_deref()).map_err(crate::error::PssError::into_js)?;
    Ok(pss_core::CheckId::for_level(lv).map(|id| id.as_str().to_owned()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nineteen_checks_in_upstream_order() {
        let list = check_list();
        assert_eq!(list.len(), 19);
        assert_eq!(list[0].id, "appArmorProfile");
        let run_as_user = list.iter().find(|c| c.id == "runAsUser").unwrap();
        assert_eq!(run_as_user.level, Level::Restricted);
        assert_eq!(run_as_user.versions[0], "v1.23");
        let volumes = list.iter().find(|c| c.id == "restrictedVolumes").unwrap();
        assert_eq!(volumes.overrides.as_deref(), Some("hostPathVolumes"));
        list.iter().for_each(crate::json::tests::same_as_serde);
    }
}
