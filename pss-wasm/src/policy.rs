//! `EvaluateOptions`, the `Policy` class and the `evaluate` function.

use serde::Deserialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{self, ErrorKind, PssError};
use crate::evaluation::{self, Evaluation};

/// How to evaluate. Every field is optional; unknown fields are an error (so a misspelt option is
/// not silently ignored, and later options can be added without changing what existing ones mean).
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateOptions {
    /// The level, `"baseline"` by default.
    #[tsify(optional, type = "Level")]
    #[serde(default)]
    pub level: Option<String>,
    /// `"latest"` (the default) or `"v1.N"`.
    #[tsify(optional)]
    #[serde(default)]
    pub version: Option<String>,
}

impl EvaluateOptions {
    /// The option names, in the order of the fields (serde-wasm-bindgen reads only the fields a struct
    /// has, so unknown ones are found by comparing the object's keys with this list).
    const FIELDS: [&'static str; 2] = ["level", "version"];

    fn from_js(options: Option<Ts<EvaluateOptions>>) -> Result<EvaluateOptions, PssError> {
        let Some(options) = options else { return Ok(EvaluateOptions::default()) };
        let invalid = |message: String| PssError::new(ErrorKind::InvalidOptions, format!("invalid options: {message}"));
        let value = options.js_value();
        if let Some(object) = value.dyn_ref::<js_sys::Object>() {
            for key in js_sys::Object::keys(object).iter() {
                let key = key.as_string().unwrap_or_default();
                if !Self::FIELDS.contains(&key.as_str()) {
                    return Err(invalid(format!("unknown field {key:?}, expected one of {}", Self::FIELDS.join(", "))));
                }
            }
        }
        options.to_rust().map_err(|e| invalid(e.to_string()))
    }

    fn level_version(&self) -> Result<pss_core::LevelVersion, PssError> {
        crate::level::level_version(self.level.as_deref(), self.version.as_deref())
    }
}

/// A level and version checked once, to evaluate many pods with.
///
/// ```js
/// const policy = new Policy({ level: "restricted", version: "v1.30" });
/// for (const pod of pods) console.log(policy.evaluate(pod).allowed);
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    level_version: pss_core::LevelVersion,
}

#[wasm_bindgen]
impl Policy {
    /// Checks the options (level `baseline` and version `latest` by default); throws a `PssError`
    /// for an invalid level, version or option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Ts<EvaluateOptions>>) -> Result<Policy, JsValue> {
        let options = EvaluateOptions::from_js(options).map_err(PssError::into_js)?;
        let level_version = options.level_version().map_err(PssError::into_js)?;
        Ok(Policy { level_version })
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

    /// Evaluates one pod: JSON text (a string or a `Uint8Array` of UTF-8), or an object (written with
    /// `JSON.stringify` first). Throws a `PssError` for input that is not a decodable pod.
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] pod: JsValue,
    ) -> Result<Ts<Evaluation>, JsValue> {
        let result = evaluate_js(self.level_version, &pod).map_err(PssError::into_js)?;
        error::to_js(&result)
    }
}

/// Evaluates one pod at `options.level` (default `baseline`) and `options.version` (default
/// `latest`). The pod is JSON text (a string or a `Uint8Array` of UTF-8) or an object.
///
/// Throws a `PssError` for an invalid option or a pod that cannot be decoded.
#[wasm_bindgen]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] pod: JsValue,
    options: Option<Ts<EvaluateOptions>>,
) -> Result<Ts<Evaluation>, JsValue> {
    Policy::new(options)?.evaluate(pod)
}

#[wasm_bindgen]
extern "C" {
    /// The platform's `TextEncoder` (browsers, Node 11+).
    type TextEncoder;
    #[wasm_bindgen(constructor)]
    fn new() -> TextEncoder;
    #[wasm_bindgen(method)]
    fn encode(this: &TextEncoder, text: &JsValue) -> js_sys::Uint8Array;
}

thread_local! {
    static ENCODER: TextEncoder = TextEncoder::new();
}

fn evaluate_js(lv: pss_core::LevelVersion, pod: &JsValue) -> Result<Evaluation, PssError> {
    if pod.is_string() {
        // The platform's encoder and one copy into wasm memory: several times faster for pod-sized
        // text than wasm-bindgen's character-by-character string passing.
        let bytes = ENCODER.with(|encoder| encoder.encode(pod)).to_vec();
        return evaluation::evaluate_bytes(lv, &bytes);
    }
    if let Some(bytes) = pod.dyn_ref::<js_sys::Uint8Array>() {
        return evaluation::evaluate_bytes(lv, &bytes.to_vec());
    }
    let text = js_sys::JSON::stringify(pod).map_err(|e| {
        PssError::new(ErrorKind::InvalidInput, format!("cannot write the pod as JSON: {}", describe(&e)))
    })?;
    match text.as_string() {
        Some(text) => evaluation::evaluate_str(lv, &text),
        None => Err(PssError::new(
            ErrorKind::InvalidInput,
            "the pod must be a JSON string, a Uint8Array of JSON, or an object".to_owned(),
        )),
    }
}

/// The message of a thrown JS value.
fn describe(thrown: &JsValue) -> String {
    match thrown.dyn_ref::<js_sys::Error>() {
        Some(e) => String::from(e.message()),
        None => thrown.as_string().unwrap_or_else(|| "unknown error".to_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_list_matches_the_struct() {
        let EvaluateOptions { level: _, version: _ } = EvaluateOptions::default();
        assert_eq!(EvaluateOptions::FIELDS, ["level", "version"]);
    }

    #[test]
    fn options_default_to_baseline_latest() {
        assert_eq!(EvaluateOptions::default().level_version().unwrap(), pss_core::LevelVersion::default());
    }

    #[test]
    fn options_parse_level_and_version() {
        let o = EvaluateOptions { level: Some("restricted".into()), version: Some("v1.25".into()) };
        assert_eq!(o.level_version().unwrap().to_string(), "restricted:v1.25");
        let o = EvaluateOptions { level: Some("strict".into()), version: None };
        assert_eq!(o.level_version().unwrap_err().details.kind, ErrorKind::InvalidLevel);
    }
}
