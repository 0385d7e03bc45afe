//! Fixes (`remediate`, `remediateSpec`, `remediateObject`): the smallest change that makes a pod, a
//! bare pod spec or a workload pass a level, as pss-core finds and proves it, handed to JS as
//! pss-core writes it (`Remediation::to_json`, the same document on every surface).

use pss_core::remediate::{RemediationError, Remediator};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{ErrorKind, PssError};
use crate::json::{self, ToJson};
use crate::object;

/// How to fix: the level (`"baseline"` by default), the version (`"latest"` by default), and
/// whether to make safe changes only. Unknown fields are an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct RemediateOptions {
    /// The level, `"baseline"` by default.
    #[tsify(optional, type = "Level")]
    pub level: Option<String>,
    /// `"latest"` (the default) or `"v1.N"`.
    #[tsify(optional)]
    pub version: Option<String>,
    /// Only safe changes: what only a breaking change would cure is left, with the reason
    /// `"breaking"`. `false` by default.
    #[tsify(optional)]
    pub safe_only: Option<bool>,
}

/// A fix, as pss-core writes it: the same document the C ABI, the Go package and `pss fix
/// --format jsonl` give.
#[derive(Debug, Clone, PartialEq, Tsify)]
pub struct Remediation {
    /// The level fixed for.
    #[tsify(type = "Level")]
    pub level: String,
    /// The version fixed for.
    pub version: String,
    /// What was fixed: `"Pod"`, the object's kind (`"Deployment"`, ...), or `"PodSpec"`.
    pub kind: String,
    /// Whether only safe changes were made.
    pub safe_only: bool,
    /// Whether the patched document passes: every violation cured.
    pub fixed: bool,
    /// The fix as RFC 6902 operations, in the order to apply them (JSON Patch libraries ignore the
    /// members beside `op`, `path` and `value`).
    pub patch: Vec<PatchOperation>,
    /// The violating fields the patch does not cure, each with why.
    pub unfixable: Vec<Unfixable>,
    /// The patched document.
    #[tsify(type = "Record<string, unknown>")]
    pub patched: (),
}

/// One operation of a fix.
#[derive(Debug, Clone, PartialEq, Tsify)]
pub struct PatchOperation {
    /// `"add"`, `"replace"` or `"remove"`.
    #[tsify(type = "\"add\" | \"replace\" | \"remove\"")]
    pub op: String,
    /// The target, a JSON Pointer (`/spec/containers/0/securityContext`).
    pub path: String,
    /// The value added or replaced (absent for `remove`).
    #[tsify(optional, type = "unknown")]
    pub value: (),
    /// `"safe"`: tightens security with no expected change in behaviour; `"breaking"`: may change
    /// what the workload can do.
    #[tsify(type = "\"safe\" | \"breaking\"")]
    pub safety: String,
    /// The violating fields it cures.
    pub cures: Vec<Cure>,
    /// What it changes, in one line.
    pub explanation: String,
}

/// A violating field an operation cures.
#[derive(Debug, Clone, PartialEq, Tsify)]
pub struct Cure {
    /// The check's upstream id (`"privileged"`, ...).
    pub check: String,
    /// The field's path (`spec.containers[0].securityContext.privileged`).
    pub path: String,
    /// Its offending value (`null` when a required value is missing).
    #[tsify(type = "unknown")]
    pub value: (),
    /// The container it belongs to (absent for a pod-level field).
    #[tsify(optional)]
    pub container: Option<String>,
}

/// A violating field a fix leaves, and why.
#[derive(Debug, Clone, PartialEq, Tsify)]
pub struct Unfixable {
    /// The check's upstream id.
    pub check: String,
    /// The field's path in the patched document.
    pub path: String,
    /// Its value.
    #[tsify(type = "unknown")]
    pub value: (),
    /// The container it belongs to (absent for a pod-level field).
    #[tsify(optional)]
    pub container: Option<String>,
    /// Why, as a short stable code: `"breaking"`, `"privileged"`, `"sys-admin-capability"`,
    /// `"bidirectional-mount"`, `"runs-as-root"`, `"seccomp-annotation"`, `"windows-pod"`,
    /// `"unknown-volume-source"`, `"no-fix"`.
    pub reason: String,
    /// Why, in one line.
    pub explanation: String,
}

/// pss-core's JSON text, handed over as it is.
struct Written(String);

impl ToJson for Written {
    fn write_json(&self, out: &mut String) {
        out.push_str(&self.0);
    }
}

#[derive(Clone, Copy)]
enum Entry {
    Pod,
    Spec,
    Object,
}

impl From<RemediationError> for PssError {
    fn from(e: RemediationError) -> PssError {
        match e {
            RemediationError::Invalid(e) => PssError::from(&e),
            RemediationError::NotEvaluated(e) => PssError::from(&e),
            RemediationError::TooDeep { .. } => PssError::new(ErrorKind::TooDeep, e.to_string()),
            other => PssError::new(ErrorKind::Unverified, other.to_string()),
        }
    }
}

fn run(entry: Entry, document: &JsValue, options: Option<Ts<RemediateOptions>>) -> Result<Ts<Remediation>, JsValue> {
    let what = match entry {
        Entry::Pod => "the pod",
        Entry::Spec => "the pod spec",
        Entry::Object => "the object",
    };
    let fix = (|| {
        let options = options.map_or(JsValue::UNDEFINED, |o| o.js_value());
        let o = object::Options::new(&options, &["level", "version", "safeOnly"], "")?;
        let lv = crate::level::level_version(o.string("level")?.as_deref(), o.string("version")?.as_deref())?;
        let safe_only = match o.get("safeOnly") {
            None => false,
            Some(v) => v.as_bool().ok_or_else(|| object::invalid_options("safeOnly must be a boolean".to_owned()))?,
        };
        let bytes = object::json_bytes(document, what)?;
        let remediator = Remediator::new(lv).safe_only(safe_only);
        let fix = match entry {
            Entry::Pod => remediator.pod(&bytes),
            Entry::Spec => remediator.spec(&bytes),
            Entry::Object => remediator.object(&bytes),
        }?;
        Ok::<_, PssError>(fix)
    })()
    .map_err(PssError::into_js)?;
    json::to_js_value(&Written(fix.to_json()))
        .map(Ts::new_unchecked)
        .map_err(|message| PssError::new(ErrorKind::Other, format!("cannot build the result: {message}")).into_js())
}

/// Fixes a pod (pss-core's pod entry, as `evaluate`), as text, bytes or an object: the smallest
/// change that makes it pass `options.level` at `options.version`, as an RFC 6902 patch whose
/// operations say what they cure, how safe they are and why, and what it cannot cure with why. The
/// patched pod is evaluated again before the result is returned.
///
/// ```js
/// const fix = remediate({ spec: { hostPID: true, containers: [{ name: "c", image: "i" }] } }, { level: "baseline" });
/// fix.patch[0]; // { op: "replace", path: "/spec/hostPID", value: false, safety: "breaking", cures: [...], explanation: "..." }
/// fix.fixed;    // true
/// ```
///
/// Throws a `PssError` for input that cannot be decoded (as `evaluate`), a key given twice
/// (`duplicateField`: a patch against it would be ambiguous), and `unverified` if the fix did not
/// pass its re-evaluation (a fault in pss).
#[wasm_bindgen]
pub fn remediate(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] pod: JsValue,
    options: Option<Ts<RemediateOptions>>,
) -> Result<Ts<Remediation>, JsValue> {
    run(Entry::Pod, &pod, options)
}

/// Fixes a bare pod spec (pss-core's spec entry, as `evaluateSpec`): paths are relative to the spec
/// and the result's `kind` is `"PodSpec"`. See `remediate`.
#[wasm_bindgen(js_name = remediateSpec)]
pub fn remediate_spec(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] spec: JsValue,
    options: Option<Ts<RemediateOptions>>,
) -> Result<Ts<Remediation>, JsValue> {
    run(Entry::Spec, &spec, options)
}

/// Fixes any object with a pod template through its template (pss-core's object entry, as
/// `evaluateObject`): paths are relative to the object. What is not a pod or a pod controller throws
/// a `PssError` of kind `noPodTemplate` with pss-core's reason. See `remediate`.
#[wasm_bindgen(js_name = remediateObject)]
pub fn remediate_object(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    options: Option<Ts<RemediateOptions>>,
) -> Result<Ts<Remediation>, JsValue> {
    run(Entry::Object, &object, options)
}
