//! `EvaluateOptions`, the `Policy` class and the `evaluate` function.

use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::PssError;
use crate::evaluation::{self, Evaluation};
use crate::exclusion::{self, Exclusion};
use crate::object;

#[wasm_bindgen(module = "/js/decode.js")]
extern "C" {
    /// The result object from `evaluate_flat_text`'s text (js/decode.js).
    #[wasm_bindgen(catch, js_name = evaluationFromText)]
    fn evaluation_from_text(text: &str) -> Result<JsValue, JsValue>;
}

/// How to evaluate. Every field is optional; unknown fields are an error (so a misspelt option is
/// not silently ignored, and later options can be added without changing what existing ones mean).
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateOptions {
    /// The level, `"baseline"` by default.
    #[tsify(optional, type = "Level")]
    pub level: Option<String>,
    /// `"latest"` (the default) or `"v1.N"`.
    #[tsify(optional)]
    pub version: Option<String>,
    /// Kyverno-style exclusions: offending fields they cover are removed from the result.
    /// Validated as Kyverno validates `validate.podSecurity.exclude` (a `PssError` of kind
    /// `invalidExclusion` otherwise).
    #[tsify(optional)]
    pub exclusions: Option<Vec<Exclusion>>,
}

impl EvaluateOptions {
    /// The option names, in the order of the fields.
    const FIELDS: [&'static str; 3] = ["level", "version", "exclusions"];

    fn from_js(options: Option<Ts<EvaluateOptions>>) -> Result<EvaluateOptions, PssError> {
        let Some(options) = options else { return Ok(EvaluateOptions::default()) };
        let value = options.js_value();
        let o = object::Options::new(&value, &Self::FIELDS, "")?;
        let exclusions = match o.get("exclusions") {
            None => None,
            Some(list) => Some(Exclusion::read_all(&list)?),
        };
        Ok(EvaluateOptions { level: o.string("level")?, version: o.string("version")?, exclusions })
    }

    fn level_version(&self) -> Result<pss_core::LevelVersion, PssError> {
        crate::level::level_version(self.level.as_deref(), self.version.as_deref())
    }
}

/// A level, version and exclusions checked once, to evaluate many objects with.
///
/// ```js
/// const policy = new Policy({ level: "restricted", version: "v1.30" });
/// for (const pod of pods) console.log(policy.evaluate(pod).allowed);
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Policy {
    level_version: pss_core::LevelVersion,
    exclusions: Vec<pss_core::kyverno::PodSecurityExclusion>,
}

#[wasm_bindgen]
impl Policy {
    /// Checks the options (level `baseline` and version `latest` by default); throws a `PssError`
    /// for an invalid level, version, exclusion or option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Ts<EvaluateOptions>>) -> Result<Policy, JsValue> {
        let options = EvaluateOptions::from_js(options).map_err(PssError::into_js)?;
        let level_version = options.level_version().map_err(PssError::into_js)?;
        let exclusions =
            exclusion::validate(options.exclusions.as_deref().unwrap_or_default()).map_err(PssError::into_js)?;
        Ok(Policy { level_version, exclusions })
    }

    /// The level.
    #[wasm_bindgen(getter, unchecked_return_type = "Level")]
    pub fn level(&self) -> String {
        self.level_version.level.as_str().to_owned()
    }

    /// The version, as given (`"latest"` or `"v1.N"`).
    #[wasm_bindgen(getter)]
    pub fn version(&self) -> String {
        self.level_version.version.to_string()
    }

    /// `LEVEL:VERSION`, as messages print it (`"baseline:latest"`).
    #[wasm_bindgen(js_name = toString)]
    pub fn to_string_js(&self) -> String {
        self.level_version.to_string()
    }

    /// Evaluates one pod or pod controller (PodTemplate, ReplicationController, ReplicaSet,
    /// Deployment, StatefulSet, DaemonSet, Job, CronJob; field paths relative to the object): JSON
    /// text (a string or a `Uint8Array` of UTF-8), or an object (written with `JSON.stringify`
    /// first). A document without `kind` is a pod.
    ///
    /// Throws a `PssError` for input that cannot be decoded, and one of kind `noPodTemplate` for an
    /// object that is not a pod or a pod controller (a Service, ...). A ReplicationController without
    /// `spec.template` is allowed, with a `note`.
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    ) -> Result<Ts<Evaluation>, JsValue> {
        let json = object::json_bytes(&object, "the object").map_err(PssError::into_js)?;
        let text =
            evaluation::evaluate_flat_text(self.level_version, &json, &self.exclusions).map_err(PssError::into_js)?;
        evaluation_from_text(&text).map(Ts::new_unchecked)
    }
}

/// Evaluates one pod or pod controller at `options.level` (default `baseline`) and `options.version`
/// (default `latest`), minus `options.exclusions`. The object is JSON text (a string or a
/// `Uint8Array` of UTF-8) or an object; see `Policy.evaluate`.
///
/// Throws a `PssError` for an invalid option, an object that cannot be decoded, or one that is not
/// a pod or a pod controller (kind `noPodTemplate`).
#[wasm_bindgen]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    options: Option<Ts<EvaluateOptions>>,
) -> Result<Ts<Evaluation>, JsValue> {
    Policy::new(options)?.evaluate(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn field_list_matches_the_struct() {
        let EvaluateOptions { level: _, version: _, exclusions: _ } = EvaluateOptions::default();
        assert_eq!(EvaluateOptions::FIELDS, ["level", "version", "exclusions"]);
        let Exclusion { control_name: _, images: _, restricted_field: _, values: _ } = Exclusion::default();
        assert_eq!(Exclusion::FIELDS, ["controlName", "images", "restrictedField", "values"]);
    }

    #[test]
    fn options_default_to_baseline_latest() {
        assert_eq!(EvaluateOptions::default().level_version().unwrap(), pss_core::LevelVersion::default());
    }

    #[test]
    fn options_parse_level_and_version() {
        let o = EvaluateOptions { level: Some("restricted".into()), version: Some("v1.25".into()), exclusions: None };
        assert_eq!(o.level_version().unwrap().to_string(), "restricted:v1.25");
        let o = EvaluateOptions { level: Some("strict".into()), version: None, exclusions: None };
        assert_eq!(o.level_version().unwrap_err().details.kind, ErrorKind::InvalidLevel);
    }
}
