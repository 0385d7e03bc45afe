//! The three ways in (`evaluate`, `evaluateSpec`, `evaluateObject`), their options, and the
//! `LevelVersion` class: one level at one version (and exclusions), checked once, to evaluate many
//! documents with.

use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::PssError;
use crate::evaluation::{self, Entry, Evaluation};
use crate::exclusion::{self, Exclusion};
use crate::level::LevelVersionJSON;
use crate::object;

#[wasm_bindgen(module = "/js/decode.js")]
extern "C" {
    /// The result object from `evaluate_flat_text`'s text (js/decode.js).
    #[wasm_bindgen(catch, js_name = evaluationFromText)]
    fn evaluation_from_text(text: &str) -> Result<JsValue, JsValue>;
}

/// How to evaluate a pod or an object. Every field is optional; unknown fields are an error (so a
/// misspelt option is not silently ignored, and later options can be added without changing what
/// existing ones mean). A `LevelVersionJSON` (`policy.enforce`) is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct EvaluateOptions {
    /// The level, `"baseline"` by default.
    #[tsify(optional, type = "Level")]
    pub level: Option<String>,
    /// `"latest"` (the default) or `"v1.N"`.
    #[tsify(optional)]
    pub version: Option<String>,
    /// Kyverno-style exclusions: offending fields they cover are removed from the result (pods and
    /// objects; a bare pod spec takes none, their fields being relative to a pod). Validated as
    /// Kyverno validates `validate.podSecurity.exclude` (a `PssError` of kind `invalidExclusion`
    /// otherwise).
    #[tsify(optional)]
    pub exclusions: Option<Vec<Exclusion>>,
}

/// How to evaluate a bare pod spec: a level and a version, each optional (`baseline`, `latest`);
/// unknown fields are an error. A `LevelVersionJSON` (`policy.enforce`) is one.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct LevelVersionOptions {
    /// The level, `"baseline"` by default.
    #[tsify(optional, type = "Level")]
    pub level: Option<String>,
    /// `"latest"` (the default) or `"v1.N"`.
    #[tsify(optional)]
    pub version: Option<String>,
}

impl EvaluateOptions {
    /// The option names, in the order of the fields.
    const FIELDS: [&'static str; 3] = ["level", "version", "exclusions"];

    /// Reads the options; `fields` are the names allowed (a spec takes no exclusions).
    pub(crate) fn from_js(options: Option<JsValue>, fields: &[&str]) -> Result<EvaluateOptions, PssError> {
        let Some(value) = options else { return Ok(EvaluateOptions::default()) };
        let o = object::Options::new(&value, fields, "")?;
        let exclusions = match o.get("exclusions") {
            None => None,
            Some(list) => Some(Exclusion::read_all(&list)?),
        };
        Ok(EvaluateOptions { level: o.string("level")?, version: o.string("version")?, exclusions })
    }

    pub(crate) fn level_version(&self) -> Result<pss_core::LevelVersion, PssError> {
        crate::level::level_version(self.level.as_deref(), self.version.as_deref())
    }
}

/// One level at one version, with exclusions if given, checked once to evaluate many documents:
/// pods (`evaluate`), bare pod specs (`evaluateSpec`) and any object (`evaluateObject`).
///
/// ```js
/// const restricted = new LevelVersion({ level: "restricted", version: "v1.30" });
/// for (const pod of pods) console.log(restricted.evaluate(pod).allowed);
/// restricted.evaluateObject(deployment).message;
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct LevelVersion {
    level_version: pss_core::LevelVersion,
    exclusions: Vec<pss_core::kyverno::PodSecurityExclusion>,
}

#[wasm_bindgen]
impl LevelVersion {
    /// Checks the options (level `baseline` and version `latest` by default); throws a `PssError`
    /// for an invalid level, version, exclusion or option.
    #[wasm_bindgen(constructor)]
    pub fn new(options: Option<Ts<EvaluateOptions>>) -> Result<LevelVersion, JsValue> {
        Self::read(options.map(|o| o.js_value()), &EvaluateOptions::FIELDS).map_err(PssError::into_js)
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

    /// The level and version as data (what `JSON.stringify` writes): `{ level, version }`.
    #[wasm_bindgen(js_name = toJSON)]
    pub fn to_json(&self) -> Result<Ts<LevelVersionJSON>, JsValue> {
        crate::error::to_js(&LevelVersionJSON::from(self.level_version))
    }

    /// Evaluates one pod (pss-core's pod entry): JSON text (a string or a `Uint8Array` of UTF-8),
    /// or an object (written with `JSON.stringify` first). A document without `kind` is a pod; field
    /// paths are relative to it (`spec.containers[0]...`).
    ///
    /// Throws a `PssError` for input that cannot be decoded; of kind `unexpectedKind` for an object
    /// of another kind (a Deployment: use `evaluateObject`) and `barePodSpec` for a bare `PodSpec`
    /// (pod spec fields at the top and no `spec`: use `evaluateSpec`), never an empty pod allowed.
    pub fn evaluate(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] pod: JsValue,
    ) -> Result<Ts<Evaluation>, JsValue> {
        self.run(Entry::Pod, &pod)
    }

    /// Evaluates one bare `PodSpec` (`{ containers: [...], hostNetwork: true, ... }`; pss-core's
    /// spec entry), as text, bytes or an object: field paths are relative to the spec
    /// (`containers[0].securityContext.privileged`), `workloadKind` is `null`, and the message reads
    /// `pods is forbidden: ...`.
    ///
    /// Throws a `PssError` for input that cannot be decoded, of kind `unexpectedKind` for a whole
    /// object (`spec`, `kind`, `metadata`, ... at its top), and of kind `invalidOptions` when this
    /// `LevelVersion` has exclusions (their fields are relative to a pod).
    #[wasm_bindgen(js_name = evaluateSpec)]
    pub fn evaluate_spec(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] spec: JsValue,
    ) -> Result<Ts<Evaluation>, JsValue> {
        if !self.exclusions.is_empty() {
            return Err(object::invalid_options(
                "exclusions are not applied to a bare pod spec (their fields are relative to a pod): evaluate the \
                 pod with evaluate, or use a LevelVersion without exclusions"
                    .to_owned(),
            )
            .into_js());
        }
        self.run(Entry::Spec, &spec)
    }

    /// Evaluates any object (pss-core's object entry), as text, bytes or an object: a pod or a pod
    /// controller (PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet,
    /// DaemonSet, Job, CronJob) through its pod template, field paths relative to the object
    /// (`spec.template.spec.containers[0]...`). Anything else is not evaluated: the result has
    /// `notEvaluated` (`"noKind"` for a document without `kind`, `"notAPodController"` for a
    /// Service, ...) and pss-core's `note`, and is not allowed; a ReplicationController without
    /// `spec.template` (`"templateAbsent"`) is allowed, as upstream allows it.
    ///
    /// Throws a `PssError` for input that cannot be decoded.
    #[wasm_bindgen(js_name = evaluateObject)]
    pub fn evaluate_object(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    ) -> Result<Ts<Evaluation>, JsValue> {
        self.run(Entry::Object, &object)
    }
}

impl LevelVersion {
    /// The level and version, and the exclusions.
    #[cfg(feature = "yaml")]
    pub(crate) fn parts(&self) -> (pss_core::LevelVersion, &[pss_core::kyverno::PodSecurityExclusion]) {
        (self.level_version, &self.exclusions)
    }

    fn read(options: Option<JsValue>, fields: &[&str]) -> Result<LevelVersion, PssError> {
        let options = EvaluateOptions::from_js(options, fields)?;
        let level_version = options.level_version()?;
        let exclusions = exclusion::validate(options.exclusions.as_deref().unwrap_or_default())?;
        Ok(LevelVersion { level_version, exclusions })
    }

    fn run(&self, entry: Entry, document: &JsValue) -> Result<Ts<Evaluation>, JsValue> {
        let what = match entry {
            Entry::Pod => "the pod",
            Entry::Spec => "the pod spec",
            Entry::Object => "the object",
        };
        let json = object::json_bytes(document, what).map_err(PssError::into_js)?;
        let text = evaluation::evaluate_flat_text(entry, self.level_version, &json, &self.exclusions)
            .map_err(PssError::into_js)?;
        evaluation::ensure_tables();
        evaluation_from_text(&text).map(Ts::new_unchecked)
    }
}

/// Evaluates one pod at `options.level` (default `baseline`) and `options.version` (default
/// `latest`), minus `options.exclusions`: JSON text (a string or a `Uint8Array` of UTF-8) or an
/// object. A document without `kind` is a pod; another kind throws a `PssError` of kind
/// `unexpectedKind` (use `evaluateObject`), a bare `PodSpec` one of kind `barePodSpec` (use
/// `evaluateSpec`). See `LevelVersion.evaluate`.
#[wasm_bindgen]
pub fn evaluate(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] pod: JsValue,
    options: Option<Ts<EvaluateOptions>>,
) -> Result<Ts<Evaluation>, JsValue> {
    LevelVersion::new(options)?.evaluate(pod)
}

/// Evaluates one bare `PodSpec` at `levelVersion.level` (default `baseline`) and
/// `levelVersion.version` (default `latest`), field paths relative to the spec
/// (`containers[0].securityContext.privileged`). See `LevelVersion.evaluateSpec`.
///
/// ```js
/// evaluateSpec({ containers: [{ name: "c", securityContext: { privileged: true } }] }).message;
/// // pods is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)
/// ```
#[wasm_bindgen(js_name = evaluateSpec)]
pub fn evaluate_spec(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] spec: JsValue,
    #[wasm_bindgen(js_name = levelVersion)] level_version: Option<Ts<LevelVersionOptions>>,
) -> Result<Ts<Evaluation>, JsValue> {
    LevelVersion::read(level_version.map(|o| o.js_value()), &EvaluateOptions::FIELDS[..2])
        .map_err(PssError::into_js)?
        .run(Entry::Spec, &spec)
}

/// Evaluates any object (a pod or pod controller through its template; anything else is not
/// evaluated, with `notEvaluated` and pss-core's `note`) at `options.level` and `options.version`,
/// minus `options.exclusions`. See `LevelVersion.evaluateObject`.
#[wasm_bindgen(js_name = evaluateObject)]
pub fn evaluate_object(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    options: Option<Ts<EvaluateOptions>>,
) -> Result<Ts<Evaluation>, JsValue> {
    LevelVersion::new(options)?.evaluate_object(object)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn field_list_matches_the_struct() {
        let EvaluateOptions { level: _, version: _, exclusions: _ } = EvaluateOptions::default();
        assert_eq!(EvaluateOptions::FIELDS, ["level", "version", "exclusions"]);
        let LevelVersionOptions { level: _, version: _ } = LevelVersionOptions::default();
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
