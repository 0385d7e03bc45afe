//! What the evaluate functions return: `Evaluation`, `Violation`, `FieldViolation`, `FieldValue`,
//! `WorkloadKind`, `NotEvaluated`; and the three ways in (a pod, a bare pod spec, any object) from
//! JSON bytes, each a call to pss-core's entry point of the same name.

#[cfg(test)]
use serde::Serialize;
use tsify::Tsify;
use wasm_bindgen::prelude::*;

use crate::error::PssError;
use crate::json::{self, Object, ToJson};
use crate::level::Level;
use crate::object::Meta;

/// The verdict on one pod, pod spec, or pod template of a controller, at one level and version;
/// or, from `evaluateObject`, why an object was not evaluated (`notEvaluated`).
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct Evaluation {
    /// The level evaluated.
    pub level: Level,
    /// The version evaluated, as requested (`"latest"` or `"v1.N"`).
    pub version: String,
    /// Whether the pod passes (no violations); for a controller, whether the pods it creates would.
    /// `false` for an object that was not evaluated because it is not a workload (`notEvaluated`
    /// `"noKind"` or `"notAPodController"`): never a pass for what was not evaluated. `true` for a
    /// ReplicationController without a template (`"templateAbsent"`), which upstream allows.
    pub allowed: bool,
    /// The failed checks, in upstream's order.
    pub violations: Vec<Violation>,
    /// Upstream's `ForbiddenReason()`, as pss-core gives it (empty when allowed).
    pub forbidden_reason: String,
    /// Upstream's `ForbiddenDetail()`, as pss-core gives it (empty when allowed).
    pub forbidden_detail: String,
    /// pss-core's denial, `null` when allowed or not evaluated. For a pod or a bare pod spec, what the
    /// API server says when it denies it: `pods "NAME" is forbidden: violates PodSecurity
    /// "baseline:latest": <forbiddenDetail>` (`pods is forbidden: ...` without a name). For a
    /// controller (which admission only warns about), that the pods it creates would be denied:
    /// `deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest":
    /// <forbiddenDetail>`.
    pub message: Option<String>,
    /// What was evaluated: `"Pod"` (from `evaluate`, also for a document without `kind`) or the
    /// controller's kind; `null` for a bare pod spec (`evaluateSpec`) and for an object that is not
    /// a workload.
    #[tsify(type = "WorkloadKind | null")]
    pub workload_kind: Option<KindName>,
    /// Where the pod template is in the object, as field paths start: `""` for a Pod or a bare pod
    /// spec, `"spec.template"`, `"template"` (PodTemplate) or `"spec.jobTemplate.spec.template"`
    /// (CronJob).
    pub template_path: String,
    /// Why nothing was evaluated (`evaluateObject` only), `null` when the object was evaluated.
    pub not_evaluated: Option<NotEvaluated>,
    /// pss-core's sentence for `notEvaluated` (`no kind: not a Kubernetes object (kubectl and the API
    /// server refuse it), so it is not evaluated`), `null` when the object was evaluated.
    pub note: Option<String>,
    /// The document's `kind`, if it has one.
    pub kind: Option<String>,
    /// The document's `apiVersion`, if it has one.
    pub api_version: Option<String>,
    /// `metadata.name`, if set (the message reads `pods is forbidden: ...` without one).
    pub name: Option<String>,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
}

/// Why `evaluateObject` did not evaluate an object (pss-core's `NoPodTemplate`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub enum NotEvaluated {
    /// The document has no `kind` (or an empty one): not a Kubernetes object (kubectl and the API
    /// server refuse it), so no pod is created from it. Never allowed.
    NoKind,
    /// The object is not a pod or a pod controller (a Service, a ConfigMap, a Deployment of another
    /// API group). Not allowed: it was not evaluated.
    NotAPodController,
    /// A controller whose optional template is absent (a ReplicationController without
    /// `spec.template`): it creates no pods, and upstream allows it.
    TemplateAbsent,
}

impl NotEvaluated {
    fn of(e: &pss_core::NoPodTemplate) -> NotEvaluated {
        match e {
            pss_core::NoPodTemplate::TemplateAbsent { .. } => NotEvaluated::TemplateAbsent,
            pss_core::NoPodTemplate::NotAPodController { .. } => NotEvaluated::NotAPodController,
            // NoKind, and any reason newer than this package: not evaluated, never allowed.
            _ => NotEvaluated::NoKind,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            NotEvaluated::NoKind => "noKind",
            NotEvaluated::NotAPodController => "notAPodController",
            NotEvaluated::TemplateAbsent => "templateAbsent",
        }
    }
}

impl ToJson for NotEvaluated {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, self.as_str());
    }
}

/// A kind of object that carries a pod template, as PodSecurity admission knows them (core `v1`
/// Pod, PodTemplate, ReplicationController; `apps/v1` ReplicaSet, Deployment, StatefulSet,
/// DaemonSet; `batch/v1` Job, CronJob).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub enum WorkloadKind {
    /// A Pod (evaluated itself).
    Pod,
    /// `template`.
    PodTemplate,
    /// `spec.template`, which may be absent.
    ReplicationController,
    /// `spec.template`.
    ReplicaSet,
    /// `spec.template`.
    Deployment,
    /// `spec.template`.
    StatefulSet,
    /// `spec.template`.
    DaemonSet,
    /// `spec.template`.
    Job,
    /// `spec.jobTemplate.spec.template`.
    CronJob,
}

/// A pss-core workload kind in a result, written as pss-core names it (TypeScript: `WorkloadKind`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KindName(pub(crate) pss_core::WorkloadKind);

impl ToJson for KindName {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, self.0.kind());
    }
}

#[cfg(test)]
impl Serialize for KindName {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.0.kind())
    }
}

/// One failed check: upstream's `CheckResult` plus the offending fields.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct Violation {
    /// The check id (`"privileged"`, `"hostNamespaces"`, ...; see `checks()`).
    pub check: String,
    /// Upstream's `ForbiddenReason`, byte for byte.
    pub reason: String,
    /// Upstream's `ForbiddenDetail`, byte for byte; may be empty.
    pub detail: String,
    /// Every offending field, in the order upstream meets them.
    pub fields: Vec<FieldViolation>,
}

/// One offending field.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct FieldViolation {
    /// The field's path, e.g. `spec.containers[0].securityContext.privileged` (relative to the
    /// object), `containers[0].securityContext.privileged` (to a bare pod spec) or
    /// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.
    pub path: String,
    /// The offending value.
    pub value: FieldValue,
    /// The container the field belongs to, `null` for pod-level fields.
    pub container: Option<String>,
}

/// The value of an offending field: `null` where a required value is missing, a boolean, a number,
/// a string, a list of strings, or `{}` for an object whose presence is the problem (a `hostPath`
/// volume source).
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(untagged)]
#[tsify(missing_as_null)]
pub enum FieldValue {
    /// Not set (or `null`) where the check requires a value.
    Unset,
    /// A boolean.
    Bool(bool),
    /// An integer (exact in JS up to 2^53).
    Number(i64),
    /// A string.
    String(String),
    /// A list of strings.
    List(Vec<String>),
    /// A set object.
    Object(SetObject),
}

/// An object whose presence alone is the problem; always `{}`.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct SetObject {}

impl From<&pss_core::FieldValue> for FieldValue {
    fn from(value: &pss_core::FieldValue) -> Self {
        match value {
            pss_core::FieldValue::Unset => FieldValue::Unset,
            pss_core::FieldValue::Bool(b) => FieldValue::Bool(*b),
            // What `JSON.parse` makes of the same number.
            pss_core::FieldValue::Int(i) => FieldValue::Number(*i),
            pss_core::FieldValue::String(s) => FieldValue::String(s.clone()),
            pss_core::FieldValue::List(items) => FieldValue::List(items.clone()),
            pss_core::FieldValue::Object => FieldValue::Object(SetObject {}),
        }
    }
}

impl From<&pss_core::FieldViolation> for FieldViolation {
    fn from(f: &pss_core::FieldViolation) -> Self {
        FieldViolation {
            path: f.path().to_string(),
            value: f.value().into(),
            container: f.container().map(str::to_owned),
        }
    }
}

impl From<pss_core::FieldValueRef<'_>> for FieldValue {
    fn from(value: pss_core::FieldValueRef<'_>) -> Self {
        match value {
            pss_core::FieldValueRef::Unset => FieldValue::Unset,
            pss_core::FieldValueRef::Bool(b) => FieldValue::Bool(b),
            // What `JSON.parse` makes of the same number.
            pss_core::FieldValueRef::Int(i) => FieldValue::Number(i),
            pss_core::FieldValueRef::String(s) => FieldValue::String(s.to_owned()),
            pss_core::FieldValueRef::List(items) => FieldValue::List(items.iter().map(str::to_owned).collect()),
            pss_core::FieldValueRef::Object => FieldValue::Object(SetObject {}),
        }
    }
}

impl From<pss_core::Field<'_>> for FieldViolation {
    fn from(f: pss_core::Field<'_>) -> Self {
        FieldViolation {
            path: f.path().to_string(),
            value: f.value().into(),
            container: f.container().map(str::to_owned),
        }
    }
}

impl From<&pss_core::Violation> for Violation {
    fn from(v: &pss_core::Violation) -> Self {
        Violation {
            check: v.check().as_str().to_owned(),
            reason: v.reason().to_owned(),
            detail: v.detail().to_string(),
            fields: v.fields().iter().map(FieldViolation::from).collect(),
        }
    }
}

impl ToJson for Evaluation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("level", &self.level)
            .field("version", &self.version)
            .field("allowed", &self.allowed)
            .field("violations", &self.violations)
            .field("forbiddenReason", &self.forbidden_reason)
            .field("forbiddenDetail", &self.forbidden_detail)
            .field("message", &self.message)
            .field("workloadKind", &self.workload_kind)
            .field("templatePath", &self.template_path)
            .field("notEvaluated", &self.not_evaluated)
            .field("note", &self.note)
            .field("kind", &self.kind)
            .field("apiVersion", &self.api_version)
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .end();
    }
}

impl ToJson for Violation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("check", &self.check)
            .field("reason", &self.reason)
            .field("detail", &self.detail)
            .field("fields", &self.fields)
            .end();
    }
}

impl ToJson for FieldViolation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("path", &self.path)
            .field("value", &self.value)
            .field("container", &self.container)
            .end();
    }
}

impl ToJson for FieldValue {
    fn write_json(&self, out: &mut String) {
        match self {
            FieldValue::Unset => out.push_str("null"),
            FieldValue::Bool(b) => b.write_json(out),
            FieldValue::Number(n) => n.write_json(out),
            FieldValue::String(s) => s.write_json(out),
            FieldValue::List(items) => items.write_json(out),
            FieldValue::Object(SetObject {}) => out.push_str("{}"),
        }
    }
}

/// The way a document comes in, and so what pss-core takes it for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Entry {
    /// `evaluate`: a pod (pss-core's `PodDocument::from_slice`); a document without `kind` is a
    /// pod, another kind or a bare pod spec an error.
    Pod,
    /// `evaluateSpec`: a bare `PodSpec` (`PodDocument::from_spec_slice`); paths relative to it.
    Spec,
    /// `evaluateObject`: any object (`ObjectDocument`, `evaluate_object`); what is not a workload
    /// is not evaluated.
    Object,
}

/// What evaluating a document gave: a pss-core evaluation, or why pss-core evaluated nothing.
pub(crate) enum Outcome<'r> {
    Evaluated(&'r pss_core::Evaluation),
    NotEvaluated(pss_core::LevelVersion, &'r pss_core::NoPodTemplate),
}

/// Decodes `json` (UTF-8 is checked by pss-core) the way `entry` says, evaluates it with pss-core
/// (minus what the exclusions cover; none for a spec), and hands the outcome to `emit` with the
/// document's header. One decoding pass of pss-core's per document.
pub(crate) fn evaluate_with<R>(
    entry: Entry,
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
    emit: impl FnOnce(&Meta<'_>, Outcome<'_>) -> R,
) -> Result<R, PssError> {
    match entry {
        Entry::Pod => {
            let pod = pss_core::PodDocument::from_slice_for_checks(json)?;
            let result = if exclusions.is_empty() {
                pss_core::evaluate(lv, &pod)
            } else {
                pss_core::kyverno::evaluate_pod_excluding(lv, &pod, exclusions)
            };
            Ok(emit(&Meta::of(pod.header()), Outcome::Evaluated(&result)))
        }
        Entry::Spec => {
            debug_assert!(exclusions.is_empty(), "checked by the callers");
            let spec = pss_core::PodDocument::from_spec_slice(json)?;
            let result = pss_core::evaluate_spec(lv, &spec);
            Ok(emit(&Meta::of(spec.header()), Outcome::Evaluated(&result)))
        }
        Entry::Object => {
            let obj = pss_core::ObjectDocument::from_slice_for_checks(json)?;
            let result = if exclusions.is_empty() {
                pss_core::evaluate_object(lv, &obj)
            } else {
                pss_core::kyverno::evaluate_object_excluding(lv, &obj, exclusions)
            };
            let meta = Meta::of(obj.header());
            Ok(match &result {
                Ok(result) => emit(&meta, Outcome::Evaluated(result)),
                Err(why) => emit(&meta, Outcome::NotEvaluated(lv, why)),
            })
        }
    }
}

/// The `Evaluation` of a document as text for js/decode.js: the flat text it turns into the result
/// object (several times faster to read in JS than the same result as JSON), or JSON when one of its
/// strings holds the separator, and for a result that is not an evaluation.
pub(crate) fn evaluate_flat_text(
    entry: Entry,
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
) -> Result<String, PssError> {
    evaluate_with(entry, lv, json, exclusions, |meta, outcome| match outcome {
        Outcome::Evaluated(result) => flat(meta, result).unwrap_or_else(|| json::to_string(&translate(meta, result))),
        Outcome::NotEvaluated(lv, why) => json::to_string(&not_evaluated(meta, lv, why)),
    })
}

/// The `Evaluation` of a document, as a value (tests).
#[cfg(test)]
pub(crate) fn evaluate_bytes(
    entry: Entry,
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
) -> Result<Evaluation, PssError> {
    evaluate_with(entry, lv, json, exclusions, |meta, outcome| match outcome {
        Outcome::Evaluated(result) => translate(meta, result),
        Outcome::NotEvaluated(lv, why) => not_evaluated(meta, lv, why),
    })
}

/// `apiVersion`s written as one character of the flat text's shape (indexes into this list, which
/// js/decode.js is handed): a compression of the header, not a rule.
const API_VERSIONS: [&str; 3] = ["v1", "apps/v1", "batch/v1"];

#[wasm_bindgen(module = "/js/decode.js")]
extern "C" {
    /// Hands js/decode.js the tables the flat text's shape indexes (JSON: `levels`, `kinds`,
    /// `templatePaths`, `apiVersions`, `checks`), once per module instance.
    #[wasm_bindgen(js_name = setTables)]
    fn set_tables(json: &str);
}

/// The tables the flat text's shape indexes, as JSON: pss-core's `Level::ALL`, `WorkloadKind::ALL`
/// (kinds and template paths) and `CheckId::ALL`, and `API_VERSIONS`.
pub(crate) fn tables_json() -> String {
    let mut out = String::with_capacity(1024);
    let levels: Vec<&str> = pss_core::Level::ALL.iter().map(|l| l.as_str()).collect();
    let kinds: Vec<&str> = pss_core::WorkloadKind::ALL.iter().map(|k| k.kind()).collect();
    let paths: Vec<&str> = pss_core::WorkloadKind::ALL.iter().map(|k| k.template_path()).collect();
    let checks: Vec<&str> = pss_core::CheckId::ALL.iter().map(|c| c.as_str()).collect();
    Object::new(&mut out)
        .field("levels", &levels)
        .field("kinds", &kinds)
        .field("templatePaths", &paths)
        .field("apiVersions", &API_VERSIONS.as_slice())
        .field("checks", &checks)
        .end();
    out
}

/// Makes sure js/decode.js has its tables (the first evaluation of a module instance hands them over).
pub(crate) fn ensure_tables() {
    use std::sync::atomic::{AtomicBool, Ordering};
    static SENT: AtomicBool = AtomicBool::new(false);
    if !SENT.swap(true, Ordering::Relaxed) {
        set_tables(&tables_json());
    }
}

/// The flat text of an evaluation (see `js/decode.js` for the layout): a first field of one
/// character per item (the level, workload kind and checks as indexes into pss-core's lists, which
/// decode.js is handed once; value types; which optional strings are there), then the strings, all
/// of pss-core's as they are. JS makes a new string of every field, so the fewer the better. `None`
/// when a string holds U+0000, the separator (or the result does not fit the shape).
fn flat(meta: &Meta<'_>, result: &pss_core::Evaluation) -> Option<String> {
    let lv = result.level_version();
    let allowed = result.allowed();
    let mut shape = String::with_capacity(64);
    let mut f = Flat { out: String::with_capacity(2048), marks: 0 };
    shape.push('E');
    let level = pss_core::Level::ALL.iter().position(|l| *l == lv.level)?;
    shape.push(char::from(b'0' + u8::try_from(level).ok()?));
    shape.push(if allowed { '1' } else { '0' });
    match result.kind() {
        None => shape.push('-'),
        Some(kind) => {
            let at = pss_core::WorkloadKind::ALL.iter().position(|k| *k == kind)?;
            shape.push(char::from(b'A' + u8::try_from(at).ok().filter(|at| *at < 26)?));
        }
    }
    f.str(&lv.version.to_string());
    if !allowed {
        let (reason, detail, message) = result.texts(meta.name.unwrap_or(""));
        f.str(&reason);
        f.str(&detail);
        f.str(&message?);
    }
    // `kind`: the workload kind's name ("="), or as given.
    match meta.kind {
        None => shape.push('-'),
        Some(k) if Some(k) == result.kind().map(pss_core::WorkloadKind::kind) => shape.push('='),
        Some(k) => {
            shape.push('+');
            f.str(k);
        }
    }
    // `apiVersion`: an index into API_VERSIONS, or as given.
    match meta.api_version {
        None => shape.push('-'),
        Some(v) => match API_VERSIONS.iter().position(|a| *a == v) {
            Some(at) => shape.push(char::from(b'0' + u8::try_from(at).ok()?)),
            None => {
                shape.push('+');
                f.str(v);
            }
        },
    }
    for value in [meta.name, meta.namespace] {
        match value {
            None => shape.push('-'),
            Some(v) => {
                shape.push('+');
                f.str(v);
            }
        }
    }
    let mut last_container = None;
    for v in result.violations() {
        let check = pss_core::CheckId::ALL.iter().position(|c| *c == v.check())?;
        shape.push(char::from(b'a' + u8::try_from(check).ok().filter(|c| *c < 26)?));
        f.str(v.reason());
        f.str("");
        v.detail().write_to(&mut f.out);
        for field in v.fields() {
            f.str("");
            field.path().write_to(&mut f.out);
            match field.value() {
                pss_core::FieldValueRef::Bool(true) => shape.push('T'),
                pss_core::FieldValueRef::Bool(false) => shape.push('F'),
                pss_core::FieldValueRef::Int(n) => {
                    shape.push('I');
                    f.str("");
                    json::write_int(&mut f.out, n);
                }
                pss_core::FieldValueRef::String(s) => {
                    shape.push('S');
                    f.str(s);
                }
                pss_core::FieldValueRef::List(items) => {
                    shape.push('L');
                    f.str("");
                    json::write_int(&mut f.out, i64::try_from(items.len()).unwrap_or(i64::MAX));
                    for item in items.iter() {
                        f.str(item);
                    }
                }
                pss_core::FieldValueRef::Object => shape.push('O'),
                // Unset, and any value newer than this package.
                _ => shape.push('N'),
            }
            match field.container() {
                None => shape.push('-'),
                Some(c) if Some(c) == last_container => shape.push('='),
                Some(c) => {
                    shape.push('+');
                    f.str(c);
                    last_container = Some(c);
                }
            }
        }
    }
    shape.push_str(&f.out);
    Flat { out: shape, marks: f.marks }.finish()
}

/// The strings of the flat text being written.
struct Flat {
    out: String,
    /// How many separators were written: the text is clean (no string holds a separator) when it
    /// has exactly as many U+0000 as that.
    marks: usize,
}

impl Flat {
    /// The next field; more of it may be appended to `out`.
    fn str(&mut self, s: &str) {
        self.out.push('\0');
        self.marks += 1;
        self.out.push_str(s);
    }

    /// The text, if no string written held a separator.
    fn finish(self) -> Option<String> {
        (json::count_nul(self.out.as_bytes()) == self.marks).then_some(self.out)
    }
}

/// The DTO for a pss-core evaluation of a document described by `meta`: what the flat text holds,
/// and the JSON written instead when a string holds its separator (rare: the copy does not matter).
pub(crate) fn translate(meta: &Meta<'_>, result: &pss_core::Evaluation) -> Evaluation {
    let lv = result.level_version();
    let allowed = result.allowed();
    Evaluation {
        level: lv.level.into(),
        version: lv.version.to_string(),
        allowed,
        violations: result.iter().map(Violation::from).collect(),
        forbidden_reason: if allowed { String::new() } else { result.forbidden_reason() },
        forbidden_detail: if allowed { String::new() } else { result.forbidden_detail() },
        message: result.denial_message(meta.name.unwrap_or("")),
        workload_kind: result.kind().map(KindName),
        template_path: result.kind().map_or("", pss_core::WorkloadKind::template_path).to_owned(),
        not_evaluated: None,
        note: None,
        kind: meta.kind.map(str::to_owned),
        api_version: meta.api_version.map(str::to_owned),
        name: meta.name.map(str::to_owned),
        namespace: meta.namespace.map(str::to_owned),
    }
}

/// The DTO for an object pss-core did not evaluate, with pss-core's reason: allowed only for a
/// controller without its optional template (which upstream allows), never for what is not a
/// workload.
pub(crate) fn not_evaluated(meta: &Meta<'_>, lv: pss_core::LevelVersion, why: &pss_core::NoPodTemplate) -> Evaluation {
    let kind = match why {
        pss_core::NoPodTemplate::TemplateAbsent { kind } => Some(*kind),
        _ => None,
    };
    let reason = NotEvaluated::of(why);
    Evaluation {
        level: lv.level.into(),
        version: lv.version.to_string(),
        allowed: why.allowed(),
        violations: Vec::new(),
        forbidden_reason: String::new(),
        forbidden_detail: String::new(),
        message: None,
        workload_kind: kind.map(KindName),
        template_path: kind.map_or("", pss_core::WorkloadKind::template_path).to_owned(),
        not_evaluated: Some(reason),
        note: Some(why.to_string()),
        kind: meta.kind.map(str::to_owned),
        api_version: meta.api_version.map(str::to_owned),
        name: meta.name.map(str::to_owned),
        namespace: meta.namespace.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Value};

    const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
      "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

    fn lv(text: &str) -> pss_core::LevelVersion {
        pss_core::LevelVersion::parse(text).unwrap()
    }

    fn pod(json: &[u8]) -> Evaluation {
        evaluate_bytes(Entry::Pod, pss_core::LevelVersion::default(), json, &[]).unwrap()
    }

    #[test]
    fn privileged_pod_at_baseline() {
        for entry in [Entry::Pod, Entry::Object] {
            let r = evaluate_bytes(entry, pss_core::LevelVersion::default(), PRIVILEGED.as_bytes(), &[]).unwrap();
            assert!(!r.allowed);
            assert_eq!(r.level, Level::Baseline);
            assert_eq!(r.version, "latest");
            assert_eq!(r.forbidden_reason, "privileged");
            assert_eq!(
                r.forbidden_detail,
                r#"privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
            );
            assert_eq!(
                r.message.as_deref(),
                Some(
                    r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
                )
            );
            assert_eq!(r.workload_kind, Some(KindName(pss_core::WorkloadKind::Pod)));
            assert_eq!((r.not_evaluated, r.note.as_deref()), (None, None));
            assert_eq!(r.kind.as_deref(), Some("Pod"));
            assert_eq!(r.api_version.as_deref(), Some("v1"));
            assert_eq!(r.name.as_deref(), Some("privileged-pod"));
            assert_eq!(r.namespace, None);
            assert_eq!(
                r.violations,
                [Violation {
                    check: "privileged".into(),
                    reason: "privileged".into(),
                    detail: r#"container "privileged-pod" must not set securityContext.privileged=true"#.into(),
                    fields: vec![FieldViolation {
                        path: "spec.containers[0].securityContext.privileged".into(),
                        value: FieldValue::Bool(true),
                        container: Some("privileged-pod".into()),
                    }],
                }]
            );
        }
    }

    #[test]
    fn results_are_pss_cores_at_every_level_and_version() {
        let pod = br#"{"metadata":{"name":"p","annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},
          "spec":{"hostNetwork":true,"securityContext":{"runAsUser":0},
          "volumes":[{"name":"h","hostPath":{"path":"/"}}],
          "containers":[{"name":"c","securityContext":{"capabilities":{"add":["NET_ADMIN"]},"runAsUser":0}}]}}"#;
        let spec = serde_json::to_vec(&serde_json::from_slice::<Value>(pod).unwrap()["spec"]).unwrap();
        for level in pss_core::Level::ALL {
            for version in crate::level::version_list() {
                let lv = pss_core::LevelVersion::new(level, pss_core::Version::parse(&version).unwrap());
                let cases = [
                    (evaluate_bytes(Entry::Pod, lv, pod, &[]).unwrap(), pss_core::evaluate_json(lv, pod).unwrap(), "p"),
                    (
                        evaluate_bytes(Entry::Spec, lv, &spec, &[]).unwrap(),
                        pss_core::evaluate_spec_json(lv, &spec).unwrap(),
                        "",
                    ),
                ];
                for (ours, core, name) in cases {
                    assert_eq!(ours.allowed, core.allowed());
                    assert_eq!(ours.forbidden_reason, core.forbidden_reason());
                    assert_eq!(ours.forbidden_detail, core.forbidden_detail());
                    assert_eq!(ours.message, core.denial_message(name));
                    assert_eq!(ours.workload_kind.map(|k| k.0), core.kind());
                    assert_eq!(ours.violations.len(), core.len());
                    for (o, c) in ours.violations.iter().zip(core.iter()) {
                        assert_eq!(
                            (o.check.as_str(), o.reason.as_str(), o.detail.as_str()),
                            (c.check().as_str(), c.reason(), c.detail().to_string().as_str())
                        );
                        let paths: Vec<&str> = o.fields.iter().map(|f| f.path.as_str()).collect();
                        let core_paths: Vec<String> = c.fields().iter().map(|f| f.path().to_string()).collect();
                        assert_eq!(paths, core_paths);
                    }
                }
            }
        }
    }

    #[test]
    fn allowed_pod_has_empty_strings_and_no_message() {
        let r = pod(br#"{"spec":{"containers":[{"name":"c"}]}}"#);
        assert!(r.allowed);
        assert!(r.violations.is_empty());
        assert_eq!((r.forbidden_reason.as_str(), r.forbidden_detail.as_str(), r.message), ("", "", None));
        assert_eq!(r.name, None);
    }

    #[test]
    fn each_entry_takes_documents_as_pss_core_does() {
        let default = pss_core::LevelVersion::default();
        let kind = |e: Result<Evaluation, PssError>| e.unwrap_err().details.kind;
        let bare = br#"{"containers":[{"name":"c","securityContext":{"privileged":true}}]}"#;
        assert_eq!(kind(evaluate_bytes(Entry::Pod, default, bare, &[])), crate::error::ErrorKind::BarePodSpec);
        let spec = evaluate_bytes(Entry::Spec, default, bare, &[]).unwrap();
        assert_eq!(spec.violations[0].fields[0].path, "containers[0].securityContext.privileged");
        assert_eq!((spec.workload_kind, spec.template_path.as_str(), spec.kind.as_deref()), (None, "", None));
        assert!(spec.message.unwrap().starts_with("pods is forbidden: violates PodSecurity"));
        let deployment = br#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
          "spec":{"template":{"spec":{"hostNetwork":true}}}}"#;
        assert_eq!(kind(evaluate_bytes(Entry::Pod, default, deployment, &[])), crate::error::ErrorKind::UnexpectedKind);
        assert_eq!(
            kind(evaluate_bytes(Entry::Spec, default, deployment, &[])),
            crate::error::ErrorKind::UnexpectedKind
        );
        let d = evaluate_bytes(Entry::Object, default, deployment, &[]).unwrap();
        assert_eq!(
            d.message.as_deref(),
            Some(
                r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
            )
        );
        assert_eq!(
            (d.workload_kind, d.template_path.as_str()),
            (Some(KindName(pss_core::WorkloadKind::Deployment)), "spec.template")
        );
        // No kind: a pod for the pod entry, not evaluated (and not allowed) for the object entry.
        let kindless = br#"{"metadata":{"name":"p"},"spec":{"hostNetwork":true}}"#;
        assert!(!pod(kindless).allowed);
        let o = evaluate_bytes(Entry::Object, default, kindless, &[]).unwrap();
        assert_eq!((o.allowed, o.not_evaluated, o.workload_kind), (false, Some(NotEvaluated::NoKind), None));
        assert_eq!(o.note, Some(pss_core::NoPodTemplate::NoKind.to_string()));
        assert_eq!((o.message, o.name.as_deref()), (None, Some("p")));
        let service = br#"{"apiVersion":"v1","kind":"Service","metadata":{"name":"s"}}"#;
        let s = evaluate_bytes(Entry::Object, default, service, &[]).unwrap();
        assert_eq!(
            (s.allowed, s.not_evaluated, s.kind.as_deref()),
            (false, Some(NotEvaluated::NotAPodController), Some("Service"))
        );
        assert_eq!(s.note.as_deref(), Some("no pod template: Service is not a pod or a pod controller"));
        let rc = br#"{"apiVersion":"v1","kind":"ReplicationController","spec":{}}"#;
        let r = evaluate_bytes(Entry::Object, default, rc, &[]).unwrap();
        assert_eq!((r.allowed, r.not_evaluated), (true, Some(NotEvaluated::TemplateAbsent)));
        assert_eq!(r.workload_kind, Some(KindName(pss_core::WorkloadKind::ReplicationController)));
        for doc in [&kindless[..], service, rc] {
            crate::json::tests::same_as_serde(&evaluate_bytes(Entry::Object, default, doc, &[]).unwrap());
        }
    }

    #[test]
    fn results_are_written_as_serde_would() {
        let lv = lv("restricted:v1.30");
        let pod = br#"{"metadata": {"name": "w\"eird\n", "namespace": "ns"}, "spec": {"hostPID": true,
          "securityContext": {"runAsUser": 0, "sysctls": [{"name": "kernel.x"}]},
          "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
          "containers": [{"name": "c", "ports": [{"hostPort": 80}],
            "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}, "procMount": "Unmasked"}}]}}"#;
        let r = evaluate_bytes(Entry::Pod, lv, pod, &[]).unwrap();
        let values: Vec<&FieldValue> = r.violations.iter().flat_map(|v| &v.fields).map(|f| &f.value).collect();
        for expected in [FieldValue::Number(80), FieldValue::Object(SetObject {}), FieldValue::Unset] {
            assert!(values.contains(&&expected), "{expected:?} in {values:?}");
        }
        crate::json::tests::same_as_serde(&r);
        let deployment = br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
          "spec": {"template": {"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}"#;
        crate::json::tests::same_as_serde(&evaluate_bytes(Entry::Object, lv, deployment, &[]).unwrap());
        crate::json::tests::same_as_serde(&evaluate_bytes(Entry::Spec, lv, br#"{"hostIPC":true}"#, &[]).unwrap());
        for kind in [NotEvaluated::NoKind, NotEvaluated::NotAPodController, NotEvaluated::TemplateAbsent] {
            crate::json::tests::same_as_serde(&kind);
        }
    }

    #[test]
    fn the_types_members_are_pss_cores_kinds() {
        // The TypeScript type tsify generates: pss-core's kinds, in pss-core's order.
        let members: Vec<String> = pss_core::WorkloadKind::ALL.iter().map(|k| format!("\"{}\"", k.kind())).collect();
        let decl = <WorkloadKind as Tsify>::DECL;
        assert!(decl.contains(&format!("type WorkloadKind = {};", members.join(" | "))), "{decl}");
        let decl = <NotEvaluated as Tsify>::DECL;
        assert!(decl.contains(r#"type NotEvaluated = "noKind" | "notAPodController" | "templateAbsent";"#), "{decl}");
    }

    #[test]
    fn errors_name_the_field_a_pod_or_a_controller_has() {
        let cases: [(Entry, &[u8], &str); 5] = [
            (Entry::Pod, br#"{"spec":{"hostPID":"x"},"metadata":5}"#, "spec.hostPID"),
            (Entry::Pod, br#"{"kind":"Pod","apiVersion":"v1","spec":{"hostPID":"x"}}"#, "spec.hostPID"),
            (Entry::Object, br#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"hostPID":"x","template":{"spec":{"hostPID":"y"}}}}"#, "spec.template.spec.hostPID"),
            (Entry::Object, br#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":1},"spec":{"template":{"spec":{"hostPID":"y"}}}}"#, "metadata.name"),
            (Entry::Spec, br#"{"containers":[{"name":"c","securityContext":{"privileged":"yes"}}]}"#, "containers[0].securityContext.privileged"),
        ];
        for (entry, doc, path) in cases {
            let e = evaluate_bytes(entry, pss_core::LevelVersion::default(), doc, &[]).unwrap_err();
            assert_eq!(e.details.path.as_deref(), Some(path), "{}", e.message);
        }
        // A Deployment's own spec is not a pod's: `hostPID` there is not read.
        let ok = br#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"hostPID":"x","template":{"spec":{}}}}"#;
        assert!(evaluate_bytes(Entry::Object, pss_core::LevelVersion::default(), ok, &[]).unwrap().allowed);
    }

    const DOCS: [(Entry, &[u8]); 13] = [
        (Entry::Pod, PRIVILEGED.as_bytes()),
        (Entry::Object, PRIVILEGED.as_bytes()),
        (
            Entry::Pod,
            br#"{"metadata":{"name":"w\"e\u00e9"},"spec":{"hostPID":true,"securityContext":{"runAsUser":0},
              "volumes":[{"name":"v","hostPath":{}}],"containers":[{"name":"c","ports":[{"hostPort":-8}],
              "securityContext":{"procMount":"Unmasked","capabilities":{"add":["A","B"]}}}]}}"#,
        ),
        (Entry::Pod, br#"{"metadata":{"name":"ok"},"spec":{"containers":[{"name":"c"}]}}"#),
        (
            Entry::Object,
            br#"{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c","namespace":"n"},"spec":{"jobTemplate":
              {"spec":{"template":{"spec":{"hostIPC":true,"containers":[{"name":"c"}]}}}}}}"#,
        ),
        (Entry::Pod, br#"{"kind":null,"spec":{"hostNetwork":true}}"#),
        (Entry::Object, br#"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"hostPID":true}}}}"#),
        (Entry::Object, br#"{"apiVersion":"example.com/v1","kind":"Pod","spec":{"hostPID":true}}"#),
        (Entry::Pod, br#"{"apiVersion":"example.com/v1","kind":"Pod","spec":{"hostPID":true}}"#),
        (
            Entry::Object,
            br#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d\\\u00e9\u2028"},"spec":{"template":
              {"spec":{"hostPID":true,"containers":[{"name":"\u00e9","securityContext":{"privileged":true}}]}}}}"#,
        ),
        (Entry::Pod, br#"{"metadata":{"name":"~ x"},"spec":{"containers":[{"name":"c","securityContext":{"capabilities":{"add":["X"]}}}]}}"#),
        (
            Entry::Pod,
            br#"{"spec":{"securityContext":{"runAsUser":0},"initContainers":[{"name":"i","securityContext":{"runAsUser":0,
              "privileged":true}}],"containers":[{"name":"a","securityContext":{"runAsUser":0,"privileged":false}},
              {"name":"b","securityContext":{"privileged":true,"runAsUser":0}},{"name":"a","securityContext":{"runAsUser":0}}]}}"#,
        ),
        (Entry::Spec, br#"{"hostNetwork":true,"containers":[{"name":"c","securityContext":{"privileged":true}}]}"#),
    ];

    /// What js/decode.js does, in Rust: the flat text back to the JSON value of the result, with the
    /// tables handed to decode.js (`tables_json`).
    fn decode_flat(text: &str) -> Value {
        assert!(text.starts_with('E'), "flat text: {text}");
        let tables: Value = serde_json::from_str(&tables_json()).unwrap();
        let p: Vec<&str> = text.split('\0').collect();
        let shape: Vec<u8> = p[0].bytes().collect();
        let mut i = 1;
        let mut next = || {
            i += 1;
            p[i - 1].to_owned()
        };
        let level = tables["levels"][usize::from(shape[1] - b'0')].clone();
        let allowed = shape[2] == b'1';
        let (workload_kind, template_path) = match shape[3] {
            b'-' => (Value::Null, json!("")),
            k => {
                (tables["kinds"][usize::from(k - b'A')].clone(), tables["templatePaths"][usize::from(k - b'A')].clone())
            }
        };
        let version = json!(next());
        let (reason, detail, message) =
            if allowed { (json!(""), json!(""), Value::Null) } else { (json!(next()), json!(next()), json!(next())) };
        let kind = match shape[4] {
            b'-' => Value::Null,
            b'+' => json!(next()),
            b'=' => workload_kind.clone(),
            other => panic!("{other} in {text:?}"),
        };
        let api_version = match shape[5] {
            b'-' => Value::Null,
            b'+' => json!(next()),
            at => tables["apiVersions"][usize::from(at - b'0')].clone(),
        };
        let mut header = Vec::new();
        for at in [6, 7] {
            header.push(match shape[at] {
                b'-' => Value::Null,
                b'+' => json!(next()),
                other => panic!("{other} in {text:?}"),
            });
        }
        let mut violations: Vec<Value> = Vec::new();
        let mut container = Value::Null;
        let mut k = 8;
        while k < shape.len() {
            let c = shape[k];
            k += 1;
            if c >= b'a' {
                let (reason, detail) = (next(), next());
                let check = &tables["checks"][usize::from(c - b'a')];
                violations.push(json!({"check": check, "reason": reason, "detail": detail, "fields": []}));
                continue;
            }
            let path = next();
            let value = match c {
                b'N' => Value::Null,
                b'T' => json!(true),
                b'F' => json!(false),
                b'O' => json!({}),
                b'I' => json!(next().parse::<i64>().unwrap()),
                b'S' => json!(next()),
                b'L' => {
                    let n = next().parse::<usize>().unwrap();
                    json!((0..n).map(|_| next()).collect::<Vec<_>>())
                }
                other => panic!("{other} in {text:?}"),
            };
            let this = match shape[k] {
                b'-' => Value::Null,
                b'+' => {
                    container = json!(next());
                    container.clone()
                }
                b'=' => container.clone(),
                other => panic!("{other} in {text:?}"),
            };
            k += 1;
            let fields = violations.last_mut().unwrap()["fields"].as_array_mut().unwrap();
            fields.push(json!({"path": path, "value": value, "container": this}));
        }
        assert_eq!(i, p.len(), "every field read");
        json!({
            "level": level, "version": version, "allowed": allowed, "violations": violations,
            "forbiddenReason": reason, "forbiddenDetail": detail, "message": message,
            "workloadKind": workload_kind, "templatePath": template_path, "notEvaluated": null, "note": null,
            "kind": kind, "apiVersion": api_version, "name": header[0], "namespace": header[1],
        })
    }

    #[test]
    fn the_tables_are_pss_cores_lists() {
        let tables: Value = serde_json::from_str(&tables_json()).unwrap();
        let names = |v: &Value| -> Vec<String> {
            v.as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
        };
        assert_eq!(names(&tables["levels"]), pss_core::Level::ALL.map(|l| l.as_str().to_owned()));
        assert_eq!(names(&tables["kinds"]), pss_core::WorkloadKind::ALL.map(|k| k.kind().to_owned()));
        assert_eq!(names(&tables["checks"]), pss_core::CheckId::ALL.map(|c| c.as_str().to_owned()));
        // The shape's characters for kinds and checks stay letters.
        assert!(pss_core::WorkloadKind::ALL.len() <= 26 && pss_core::CheckId::ALL.len() <= 26);
    }

    #[test]
    fn decode_js_has_no_table_or_message_text_of_its_own() {
        let js = include_str!("../js/decode.js");
        let code: String = js.lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        let mut words: Vec<String> = pss_core::CheckId::ALL.iter().map(|c| format!("\"{}\"", c.as_str())).collect();
        words.extend(pss_core::WorkloadKind::ALL.iter().map(|k| format!("\"{}\"", k.kind())));
        words.extend(pss_core::Level::ALL.iter().map(|l| format!("\"{}\"", l.as_str())));
        words.extend(API_VERSIONS.iter().map(|v| format!("\"{v}\"")));
        words.extend(["\", \"", "\" (\"", "PodSecurity", "is forbidden", "would be denied"].map(str::to_owned));
        for word in words {
            assert!(!code.contains(&word), "js/decode.js has {word}");
        }
    }

    #[test]
    fn the_flat_text_holds_the_whole_result() {
        for lv in ["baseline:latest", "restricted:v1.25", "privileged:latest", "restricted:v1.0"].map(lv) {
            for (entry, doc) in DOCS {
                let value = serde_json::to_value(evaluate_bytes(entry, lv, doc, &[]).unwrap()).unwrap();
                let text = evaluate_flat_text(entry, lv, doc, &[]).unwrap();
                // Only what was not evaluated (an example.com Pod given as an object) comes as JSON.
                let decoded = if value["notEvaluated"].is_null() {
                    decode_flat(&text)
                } else {
                    serde_json::from_str(&text).unwrap()
                };
                assert_eq!(decoded, value, "{}", String::from_utf8_lossy(doc));
            }
        }
        // Separator characters in a string: JSON instead.
        let odd = br#"{"metadata":{"name":"a\u0000b"},"spec":{"containers":[{"name":"c\u0001","securityContext":{"privileged":true}}]}}"#;
        let default = pss_core::LevelVersion::default();
        let text = evaluate_flat_text(Entry::Pod, default, odd, &[]).unwrap();
        assert_eq!(text, json::to_string(&evaluate_bytes(Entry::Pod, default, odd, &[]).unwrap()));
        // Not evaluated: the note, as JSON.
        let rc = br#"{"apiVersion":"v1","kind":"ReplicationController","spec":{}}"#;
        assert!(evaluate_flat_text(Entry::Object, default, rc, &[]).unwrap().starts_with('{'));
    }

    #[test]
    fn values_translate() {
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Unset), FieldValue::Unset);
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Int(-7)), FieldValue::Number(-7));
        assert_eq!(FieldValue::from(&pss_core::FieldValue::Object), FieldValue::Object(SetObject {}));
        assert_eq!(
            FieldValue::from(&pss_core::FieldValue::List(vec!["NET_RAW".into()])),
            FieldValue::List(vec!["NET_RAW".into()])
        );
    }

    #[test]
    fn bad_documents_are_errors_not_panics() {
        for entry in [Entry::Pod, Entry::Spec, Entry::Object] {
            for bad in [
                &b""[..],
                b"nul",
                b"{",
                b"[1]",
                b"\"s\"",
                b"{\"kind\":\"Pod\",\"spec\":{\"containers\":{}}}",
                b"\xc3\x28",
            ] {
                assert!(evaluate_bytes(entry, pss_core::LevelVersion::default(), bad, &[]).is_err(), "{bad:?}");
            }
            let deep = "[".repeat(100_000);
            assert!(evaluate_bytes(entry, pss_core::LevelVersion::default(), deep.as_bytes(), &[]).is_err());
        }
    }
}
