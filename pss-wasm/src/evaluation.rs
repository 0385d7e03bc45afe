//! What `evaluate` returns: `Evaluation`, `Violation`, `FieldViolation`, `FieldValue`, `WorkloadKind`;
//! and the evaluation of any workload (a pod or a pod controller) from JSON bytes.

#[cfg(test)]
use serde::Serialize;
use tsify::Tsify;

use crate::error::PssError;
use crate::json::{self, Object, ToJson};
use crate::level::Level;
use crate::object::{self, Meta};

/// The verdict on one pod, or on the pod template of a controller, at one level and version.
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
    pub allowed: bool,
    /// The failed checks, in upstream's order.
    pub violations: Vec<Violation>,
    /// Upstream's `ForbiddenReason()`: the reasons joined by `", "` (empty when allowed).
    pub forbidden_reason: String,
    /// Upstream's `ForbiddenDetail()`: each `reason (detail)` joined by `", "` (empty when allowed).
    pub forbidden_detail: String,
    /// `null` when allowed. For a pod, what the API server says when it denies it:
    /// `pods "NAME" is forbidden: violates PodSecurity "baseline:latest": <forbiddenDetail>`. For a
    /// controller (which admission only warns about), that the pods it creates would be denied, as
    /// the `pss` CLI words it: `deployments "web" (pods it creates would be denied): violates
    /// PodSecurity "baseline:latest": <forbiddenDetail>`.
    pub message: Option<String>,
    /// What was evaluated: `"Pod"` (also for a document without `kind`) or the controller's kind.
    pub workload_kind: WorkloadKind,
    /// Where the pod template is in the object: `""` for a Pod, `"spec.template"`, `"template"`
    /// (PodTemplate) or `"spec.jobTemplate.spec.template"` (CronJob). Field paths start with it.
    pub template_path: String,
    /// Why nothing was evaluated although the object is a workload, `null` otherwise: a
    /// ReplicationController without `spec.template`, which upstream allows
    /// (`no pod template: the ReplicationController has no spec.template`).
    pub note: Option<String>,
    /// The document's `kind`, if it has one.
    pub kind: Option<String>,
    /// The document's `apiVersion`, if it has one.
    pub api_version: Option<String>,
    /// `metadata.name`, if set (the message uses `""` when it is not).
    pub name: Option<String>,
    /// `metadata.namespace`, if set.
    pub namespace: Option<String>,
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

impl From<pss_core::WorkloadKind> for WorkloadKind {
    fn from(kind: pss_core::WorkloadKind) -> Self {
        match kind {
            pss_core::WorkloadKind::PodTemplate => WorkloadKind::PodTemplate,
            pss_core::WorkloadKind::ReplicationController => WorkloadKind::ReplicationController,
            pss_core::WorkloadKind::ReplicaSet => WorkloadKind::ReplicaSet,
            pss_core::WorkloadKind::Deployment => WorkloadKind::Deployment,
            pss_core::WorkloadKind::StatefulSet => WorkloadKind::StatefulSet,
            pss_core::WorkloadKind::DaemonSet => WorkloadKind::DaemonSet,
            pss_core::WorkloadKind::Job => WorkloadKind::Job,
            pss_core::WorkloadKind::CronJob => WorkloadKind::CronJob,
            // Pod, and any kind newer than this package (which pss-core evaluates through its
            // template as well; the template path below stays pss-core's).
            _ => WorkloadKind::Pod,
        }
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
    /// The field's path, e.g. `spec.containers[0].securityContext.privileged` or
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
            path: f.path().to_owned(),
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
            detail: v.detail().to_owned(),
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
            .field("note", &self.note)
            .field("kind", &self.kind)
            .field("apiVersion", &self.api_version)
            .field("name", &self.name)
            .field("namespace", &self.namespace)
            .end();
    }
}

impl WorkloadKind {
    /// Every kind, in the order of js/decode.js's `KINDS`.
    #[cfg(test)]
    const ALL: [WorkloadKind; 9] = [
        WorkloadKind::Pod,
        WorkloadKind::PodTemplate,
        WorkloadKind::ReplicationController,
        WorkloadKind::ReplicaSet,
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
    ];

    /// The kind's index in js/decode.js's `KINDS`.
    fn index(self) -> u8 {
        self as u8
    }

    fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::PodTemplate => "PodTemplate",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }
}

impl ToJson for WorkloadKind {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, self.as_str());
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

/// What evaluating a document gave: a pss-core evaluation, or a note on why there was nothing to
/// evaluate (a ReplicationController without a template).
pub(crate) enum Outcome<'r> {
    Evaluated(&'r pss_core::Evaluation),
    NotEvaluated(pss_core::LevelVersion, String),
}

/// Decodes and evaluates a pod or pod controller given as JSON bytes (UTF-8 is checked by pss-core),
/// removing what the exclusions cover, and hands the outcome to `emit` with the document's header.
///
/// A document without `kind` is a pod, as it always was for this package. A pod is decoded in one
/// pass, a controller in two (pss-core reads it as a pod first, then its template).
pub(crate) fn evaluate_with<R>(
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
    emit: impl FnOnce(&Meta<'_>, pss_core::WorkloadKind, Outcome<'_>) -> R,
) -> Result<R, PssError> {
    let obj = match pss_core::ObjectDocument::from_slice(json) {
        Ok(obj) => obj,
        Err(e) => return Err(document_error(json, e)),
    };
    if matches!(obj.kind(), None | Some("")) {
        // No kind: a pod.
        if exclusions.is_empty() {
            let pod = pss_core::PodDocument::from_slice(json)?;
            let result = pss_core::evaluate(lv, &pod);
            return Ok(emit(&Meta::of(obj.header()), pss_core::WorkloadKind::Pod, Outcome::Evaluated(&result)));
        }
        return object::with_object(json, |obj, meta| excluding(lv, obj, meta, exclusions, emit))?;
    }
    let meta = Meta::of(obj.header());
    match obj.template() {
        Ok(pod) if exclusions.is_empty() && obj.workload_kind() == Some(pss_core::WorkloadKind::Pod) => {
            let result = pss_core::evaluate(lv, pod);
            Ok(emit(&meta, pss_core::WorkloadKind::Pod, Outcome::Evaluated(&result)))
        }
        _ => excluding(lv, &obj, &meta, exclusions, emit),
    }
}

/// The error for a document that did not decode as an object: a pod's own error when it is a pod
/// (which a document without `kind` is), else the object's.
fn document_error(json: &[u8], object_error: pss_core::Error) -> PssError {
    match pss_core::PodDocument::from_slice(json) {
        Err(pod_error) => match pss_core::ObjectHeader::from_slice(json) {
            Ok(h) if !object::is_pod(h.api_version(), h.kind()) => object_error.into(),
            _ => pod_error.into(),
        },
        Ok(_) => object_error.into(),
    }
}

fn excluding<R>(
    lv: pss_core::LevelVersion,
    obj: &pss_core::ObjectDocument<'_>,
    meta: &Meta<'_>,
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
    emit: impl FnOnce(&Meta<'_>, pss_core::WorkloadKind, Outcome<'_>) -> R,
) -> Result<R, PssError> {
    match pss_core::kyverno::evaluate_object_excluding(lv, obj, exclusions) {
        Ok(result) => {
            let kind = obj.workload_kind().unwrap_or(pss_core::WorkloadKind::Pod);
            Ok(emit(meta, kind, Outcome::Evaluated(&result)))
        }
        Err(e @ pss_core::NoPodTemplate::TemplateAbsent { kind }) => {
            Ok(emit(meta, kind, Outcome::NotEvaluated(lv, e.to_string())))
        }
        Err(e) => Err(PssError::from(&e)),
    }
}

/// The `Evaluation` of a document, as a value (tests and the DTO's users).
#[cfg(test)]
pub(crate) fn evaluate_bytes(
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
) -> Result<Evaluation, PssError> {
    evaluate_with(lv, json, exclusions, |meta, kind, outcome| match outcome {
        Outcome::Evaluated(result) => translate(meta, kind, result),
        Outcome::NotEvaluated(lv, note) => not_evaluated(meta, kind, lv, note),
    })
}

/// The `Evaluation` of a document as JSON text, written straight from pss-core's result (the same
/// text as the `Evaluation` value's, without copying every string into it first); what
/// `evaluate_flat_text` falls back to.
#[cfg(test)]
pub(crate) fn evaluate_json_text(
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
) -> Result<String, PssError> {
    evaluate_with(lv, json, exclusions, |meta, kind, outcome| match outcome {
        Outcome::Evaluated(result) => json::to_string(&Direct { meta, kind, result }),
        Outcome::NotEvaluated(lv, note) => json::to_string(&not_evaluated(meta, kind, lv, note)),
    })
}

/// The `Evaluation` of a document in the flat text `js/decode.js` turns into the result object
/// (about three times faster to read in JS than the same result as JSON), or as JSON when one of
/// its strings holds a separator character.
pub(crate) fn evaluate_flat_text(
    lv: pss_core::LevelVersion,
    json: &[u8],
    exclusions: &[pss_core::kyverno::PodSecurityExclusion],
) -> Result<String, PssError> {
    evaluate_with(lv, json, exclusions, |meta, kind, outcome| match outcome {
        Outcome::Evaluated(result) => {
            flat(meta, kind, result).unwrap_or_else(|| json::to_string(&Direct { meta, kind, result }))
        }
        Outcome::NotEvaluated(lv, note) => json::to_string(&not_evaluated(meta, kind, lv, note)),
    })
}

/// The flat text of an evaluation (see `js/decode.js` for the layout): a first field of one
/// character per item (levels, kinds and checks as indexes into decode.js's tables, value types,
/// which optional strings are there), then the strings. JS makes a new string of every field, so the
/// fewer the better. `None` when a string holds U+0000, the separator.
fn flat(meta: &Meta<'_>, kind: pss_core::WorkloadKind, result: &pss_core::Evaluation) -> Option<String> {
    let lv = result.level_version();
    let allowed = result.allowed();
    let version = lv.version.to_string();
    let head = if allowed { None } else { Some(message_head(kind, meta.name.unwrap_or(""), result, &version)?) };
    let mut shape = String::with_capacity(64);
    let mut f = Flat { out: String::with_capacity(2048), marks: 0 };
    shape.push('E');
    shape.push(match Level::from(lv.level) {
        Level::Privileged => '0',
        Level::Baseline => '1',
        Level::Restricted => '2',
    });
    shape.push(if allowed { '1' } else { '0' });
    shape.push(char::from(b'A' + WorkloadKind::from(kind).index()));
    f.str(&version);
    f.str(kind.template_path());
    let common = [None, None, Some("Pod"), Some("v1"), None, None];
    for (value, common) in
        [head.as_deref(), None, meta.kind, meta.api_version, meta.name, meta.namespace].into_iter().zip(common)
    {
        match value {
            None => shape.push('-'),
            Some(v) if Some(v) == common => shape.push('='),
            Some(v) => {
                shape.push('+');
                f.str(v);
            }
        }
    }
    let mut last_container = None;
    for v in result.violations() {
        let check = pss_core::CheckId::ALL.iter().position(|c| *c == v.check())?;
        shape.push(char::from(b'a' + u8::try_from(check).ok()?));
        f.str(v.reason());
        f.str(v.detail());
        for field in v.fields() {
            f.str(field.path());
            match field.value() {
                pss_core::FieldValue::Bool(true) => shape.push('T'),
                pss_core::FieldValue::Bool(false) => shape.push('F'),
                pss_core::FieldValue::Int(n) => {
                    shape.push('I');
                    f.str("");
                    json::write_int(&mut f.out, *n);
                }
                pss_core::FieldValue::String(s) => {
                    shape.push('S');
                    f.str(s);
                }
                pss_core::FieldValue::List(items) => {
                    shape.push('L');
                    f.str("");
                    json::write_int(&mut f.out, i64::try_from(items.len()).unwrap_or(i64::MAX));
                    for item in items {
                        f.str(item);
                    }
                }
                pss_core::FieldValue::Object => shape.push('O'),
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

/// The `message` of a denied evaluation without its `forbiddenDetail`, with which it ends:
/// `pods "NAME" is forbidden: violates PodSecurity "restricted:latest": ` (a pod) or
/// `deployments "NAME" (pods it creates would be denied): violates PodSecurity "restricted:latest": `.
/// js/decode.js joins the violations into `forbiddenReason` and `forbiddenDetail` as pss-core does
/// (the same text handed over once instead of three times, and not formatted three times in wasm)
/// and appends the detail to this. `None` (so JSON instead) if the message should ever not end with
/// the detail.
fn message_head(
    kind: pss_core::WorkloadKind,
    name: &str,
    result: &pss_core::Evaluation,
    version: &str,
) -> Option<String> {
    let level = result.level_version().level.as_str();
    // Go's `%q` leaves printable ASCII other than `"` and `\` as it is, between quotes; other names
    // are quoted by pss-core, in the whole message.
    let plain = |s: &str| s.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\');
    if !(plain(name) && plain(version)) {
        let detail = result.forbidden_detail();
        return message(kind, name, result)?.strip_suffix(detail.as_str()).map(str::to_owned);
    }
    let pod = kind == pss_core::WorkloadKind::Pod;
    let mut out = String::with_capacity(96 + name.len());
    out.push_str(if pod { "pods" } else { kind.resource() });
    if !name.is_empty() {
        out.push_str(" \"");
        out.push_str(name);
        out.push('"');
    }
    out.push_str(if pod { " is forbidden: " } else { " (pods it creates would be denied): " });
    out.push_str("violates PodSecurity \"");
    out.push_str(level);
    out.push(':');
    out.push_str(version);
    out.push_str("\": ");
    Some(out)
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

/// An evaluation written as the `Evaluation` DTO would be, from pss-core's types.
struct Direct<'a> {
    meta: &'a Meta<'a>,
    kind: pss_core::WorkloadKind,
    result: &'a pss_core::Evaluation,
}

impl ToJson for Direct<'_> {
    fn write_json(&self, out: &mut String) {
        let Direct { meta, kind, result } = self;
        let lv = result.level_version();
        let allowed = result.allowed();
        let (reason, detail) = if allowed {
            (String::new(), String::new())
        } else {
            (result.forbidden_reason(), result.forbidden_detail())
        };
        Object::new(out)
            .field("level", &Level::from(lv.level))
            .field("version", &lv.version.to_string())
            .field("allowed", &allowed)
            .field("violations", &Seq(result.violations()))
            .field("forbiddenReason", &reason)
            .field("forbiddenDetail", &detail)
            .field("message", &message(*kind, meta.name.unwrap_or(""), result))
            .field("workloadKind", &WorkloadKind::from(*kind))
            .field("templatePath", kind.template_path())
            .field("note", &None::<&str>)
            .field("kind", &meta.kind)
            .field("apiVersion", &meta.api_version)
            .field("name", &meta.name)
            .field("namespace", &meta.namespace)
            .end();
    }
}

/// A slice of pss-core values written as a JSON array.
struct Seq<'a, T>(&'a [T]);

impl ToJson for Seq<'_, pss_core::Violation> {
    fn write_json(&self, out: &mut String) {
        json::write_seq(out, self.0, |out, v| {
            Object::new(out)
                .field("check", v.check().as_str())
                .field("reason", v.reason())
                .field("detail", v.detail())
                .field("fields", &Seq(v.fields()))
                .end();
        });
    }
}

impl ToJson for Seq<'_, pss_core::FieldViolation> {
    fn write_json(&self, out: &mut String) {
        json::write_seq(out, self.0, |out, f| {
            Object::new(out).field("path", f.path()).field("value", f.value()).field("container", &f.container()).end();
        });
    }
}

impl ToJson for pss_core::FieldValue {
    fn write_json(&self, out: &mut String) {
        match self {
            pss_core::FieldValue::Bool(b) => b.write_json(out),
            pss_core::FieldValue::Int(n) => n.write_json(out),
            pss_core::FieldValue::String(s) => s.write_json(out),
            pss_core::FieldValue::List(items) => items.write_json(out),
            pss_core::FieldValue::Object => out.push_str("{}"),
            // Unset, and any value newer than this package.
            _ => out.push_str("null"),
        }
    }
}

/// The `message` of an evaluation: the API server's denial of a pod, or the CLI's words for a
/// controller whose pods would be denied.
fn message(_kind: pss_core::WorkloadKind, name: &str, result: &pss_core::Evaluation) -> Option<String> {
    result.denial_message(name)
}

/// The DTO for a pss-core evaluation of an object described by `meta` (what `evaluate_json_text`
/// writes directly).
#[cfg(test)]
pub(crate) fn translate(meta: &Meta<'_>, kind: pss_core::WorkloadKind, result: &pss_core::Evaluation) -> Evaluation {
    let lv = result.level_version();
    let allowed = result.allowed();
    let name = meta.name.unwrap_or("");
    Evaluation {
        level: lv.level.into(),
        version: lv.version.to_string(),
        allowed,
        violations: result.iter().map(Violation::from).collect(),
        forbidden_reason: if allowed { String::new() } else { result.forbidden_reason() },
        forbidden_detail: if allowed { String::new() } else { result.forbidden_detail() },
        message: message(kind, name, result),
        workload_kind: kind.into(),
        template_path: kind.template_path().to_owned(),
        note: None,
        kind: meta.kind.map(str::to_owned),
        api_version: meta.api_version.map(str::to_owned),
        name: meta.name.map(str::to_owned),
        namespace: meta.namespace.map(str::to_owned),
    }
}

/// The DTO for a workload without a pod template to evaluate: allowed, with a note saying why.
pub(crate) fn not_evaluated(
    meta: &Meta<'_>,
    kind: pss_core::WorkloadKind,
    lv: pss_core::LevelVersion,
    note: String,
) -> Evaluation {
    Evaluation {
        level: lv.level.into(),
        version: lv.version.to_string(),
        allowed: true,
        violations: Vec::new(),
        forbidden_reason: String::new(),
        forbidden_detail: String::new(),
        message: None,
        workload_kind: kind.into(),
        template_path: kind.template_path().to_owned(),
        note: Some(note),
        kind: meta.kind.map(str::to_owned),
        api_version: meta.api_version.map(str::to_owned),
        name: meta.name.map(str::to_owned),
        namespace: meta.namespace.map(str::to_owned),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
      "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

    #[test]
    fn privileged_pod_at_baseline() {
        let r = evaluate_bytes(pss_core::LevelVersion::default(), PRIVILEGED.as_bytes(), &[]).unwrap();
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

    #[test]
    fn results_match_pss_core_at_every_level_and_version() {
        let pod = br#"{"metadata":{"name":"p","annotations":{"container.apparmor.security.beta.kubernetes.io/c":"unconfined"}},
          "spec":{"hostNetwork":true,"securityContext":{"runAsUser":0},
          "volumes":[{"name":"h","hostPath":{"path":"/"}}],
          "containers":[{"name":"c","securityContext":{"capabilities":{"add":["NET_ADMIN"]},"runAsUser":0}}]}}"#;
        for level in pss_core::Level::ALL {
            for version in crate::level::version_list() {
                let lv = pss_core::LevelVersion::new(level, pss_core::Version::parse(&version).unwrap());
                let ours = evaluate_bytes(lv, pod, &[]).unwrap();
                let core = pss_core::evaluate_json(lv, pod).unwrap();
                assert_eq!(ours.allowed, core.allowed());
                assert_eq!(ours.forbidden_reason, core.forbidden_reason());
                assert_eq!(ours.forbidden_detail, core.forbidden_detail());
                assert_eq!(ours.message, core.denial_message("p"));
                assert_eq!(ours.violations.len(), core.len());
                for (o, c) in ours.violations.iter().zip(core.iter()) {
                    assert_eq!(
                        (o.check.as_str(), o.reason.as_str(), o.detail.as_str()),
                        (c.check().as_str(), c.reason(), c.detail())
                    );
                    assert_eq!(o.fields.len(), c.fields().len());
                }
            }
        }
    }

    #[test]
    fn allowed_pod_has_empty_strings_and_no_message() {
        let r = evaluate_bytes(pss_core::LevelVersion::default(), br#"{"spec":{"containers":[{"name":"c"}]}}"#, &[])
            .unwrap();
        assert!(r.allowed);
        assert!(r.violations.is_empty());
        assert_eq!((r.forbidden_reason.as_str(), r.forbidden_detail.as_str(), r.message), ("", "", None));
        assert_eq!(r.name, None);
    }

    #[test]
    fn results_are_written_as_serde_would() {
        let lv = pss_core::LevelVersion::parse("restricted:v1.30").unwrap();
        let pod = br#"{"metadata": {"name": "w\"eird\n", "namespace": "ns"}, "spec": {"hostPID": true,
          "securityContext": {"runAsUser": 0, "sysctls": [{"name": "kernel.x"}]},
          "volumes": [{"name": "h", "hostPath": {"path": "/"}}],
          "containers": [{"name": "c", "ports": [{"hostPort": 80}],
            "securityContext": {"capabilities": {"add": ["NET_ADMIN"]}, "procMount": "Unmasked"}}]}}"#;
        let r = evaluate_bytes(lv, pod, &[]).unwrap();
        let values: Vec<&FieldValue> = r.violations.iter().flat_map(|v| &v.fields).map(|f| &f.value).collect();
        for expected in [FieldValue::Number(80), FieldValue::Object(SetObject {}), FieldValue::Unset] {
            assert!(values.contains(&&expected), "{expected:?} in {values:?}");
        }
        crate::json::tests::same_as_serde(&r);
        let deployment = br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
          "spec": {"template": {"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}"#;
        crate::json::tests::same_as_serde(&evaluate_bytes(lv, deployment, &[]).unwrap());
        let rc = br#"{"apiVersion": "v1", "kind": "ReplicationController", "spec": {}}"#;
        crate::json::tests::same_as_serde(&evaluate_bytes(lv, rc, &[]).unwrap());
        for kind in [WorkloadKind::PodTemplate, WorkloadKind::CronJob, WorkloadKind::StatefulSet] {
            crate::json::tests::same_as_serde(&kind);
        }
    }

    #[test]
    fn errors_name_the_field_a_pod_or_a_controller_has() {
        let cases: [(&[u8], &str); 4] = [
            (br#"{"spec":{"hostPID":"x"},"metadata":5}"#, "spec.hostPID"),
            (br#"{"kind":"Pod","apiVersion":"v1","spec":{"hostPID":"x"}}"#, "spec.hostPID"),
            (br#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"hostPID":"x","template":{"spec":{"hostPID":"y"}}}}"#, "spec.template.spec.hostPID"),
            (br#"{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":1},"spec":{"template":{"spec":{"hostPID":"y"}}}}"#, "metadata.name"),
        ];
        for (doc, path) in cases {
            let e = evaluate_bytes(pss_core::LevelVersion::default(), doc, &[]).unwrap_err();
            assert_eq!(e.details.path.as_deref(), Some(path), "{}", e.message);
        }
        // A Deployment's own spec is not a pod's: `hostPID` there is not read.
        let ok = br#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"hostPID":"x","template":{"spec":{}}}}"#;
        assert!(evaluate_bytes(pss_core::LevelVersion::default(), ok, &[]).unwrap().allowed);
    }

    #[test]
    fn the_direct_text_is_the_values_text() {
        let docs: [&[u8]; 6] = [
            PRIVILEGED.as_bytes(),
            br#"{"spec":{"hostPID":true,"securityContext":{"runAsUser":0},"volumes":[{"name":"v","hostPath":{}}],
                "containers":[{"name":"c","securityContext":{"capabilities":{"add":["A","B"]}}}]}}"#,
            br#"{"metadata":{"name":"ok"},"spec":{"containers":[{"name":"c"}]}}"#,
            br#"{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c","namespace":"n"},"spec":{"jobTemplate":
                {"spec":{"template":{"spec":{"hostIPC":true,"containers":[{"name":"c"}]}}}}}}"#,
            br#"{"apiVersion":"v1","kind":"ReplicationController","metadata":{"name":"rc"},"spec":{}}"#,
            br#"{"kind":null,"spec":{"hostNetwork":true}}"#,
        ];
        let exclusion = pss_core::kyverno::PodSecurityExclusion::new("Host Namespaces", [""; 0], "", [""; 0]).unwrap();
        for lv in ["baseline:latest", "restricted:v1.25", "privileged:latest"] {
            let lv = pss_core::LevelVersion::parse(lv).unwrap();
            for doc in docs {
                for exclusions in [&[][..], std::slice::from_ref(&exclusion)] {
                    let value = evaluate_bytes(lv, doc, exclusions).unwrap();
                    let text = evaluate_json_text(lv, doc, exclusions).unwrap();
                    assert_eq!(text, json::to_string(&value));
                }
            }
        }
    }

    /// What js/decode.js does, in Rust: the flat text back to the JSON value of the result.
    fn decode_flat(text: &str) -> serde_json::Value {
        use serde_json::{json, Value};
        assert!(text.starts_with('E'), "flat text: {text}");
        let p: Vec<&str> = text.split('\0').collect();
        let shape: Vec<u8> = p[0].bytes().collect();
        let mut i = 1;
        let mut next = || {
            i += 1;
            p[i - 1].to_owned()
        };
        let tables = js_tables();
        let level = json!(tables["LEVELS"][usize::from(shape[1] - b'0')]);
        let allowed = json!(shape[2] == b'1');
        let workload_kind = json!(tables["KINDS"][usize::from(shape[3] - b'A')]);
        let (version, template_path) = (json!(next()), json!(next()));
        let mut header = Vec::new();
        for (at, common) in (4..10).zip([None, None, Some("Pod"), Some("v1"), None, None]) {
            header.push(match shape[at] {
                b'-' => Value::Null,
                b'+' => json!(next()),
                b'=' => json!(common.unwrap()),
                other => panic!("{other} in {text:?}"),
            });
        }
        let mut violations: Vec<Value> = Vec::new();
        let (mut reasons, mut details) = (Vec::new(), Vec::new());
        let mut container = Value::Null;
        let mut k = 10;
        while k < shape.len() {
            let c = shape[k];
            k += 1;
            if c >= b'a' {
                let (reason, detail) = (next(), next());
                details.push(if detail.is_empty() { reason.clone() } else { format!("{reason} ({detail})") });
                reasons.push(reason.clone());
                let check = &tables["CHECKS"][usize::from(c - b'a')];
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
        let detail = details.join(", ");
        let message = match &header[0] {
            Value::String(head) => json!(format!("{head}{detail}")),
            _ => Value::Null,
        };
        json!({
            "level": level, "version": version, "allowed": allowed, "violations": violations,
            "forbiddenReason": reasons.join(", "), "forbiddenDetail": detail, "message": message,
            "workloadKind": workload_kind, "templatePath": template_path, "note": header[1], "kind": header[2],
            "apiVersion": header[3], "name": header[4], "namespace": header[5],
        })
    }

    /// js/decode.js's tables (`const NAME = ["a", "b"];`), by name.
    fn js_tables() -> std::collections::BTreeMap<String, Vec<String>> {
        let js = include_str!("../js/decode.js");
        let mut tables = std::collections::BTreeMap::new();
        for name in ["LEVELS", "KINDS", "CHECKS"] {
            let start = js.find(&format!("const {name} = [")).unwrap() + name.len() + 10;
            let list = &js[start..start + js[start..].find(']').unwrap()];
            let items = list.split(',').map(|s| s.trim().trim_matches('"').to_owned()).filter(|s| !s.is_empty());
            tables.insert(name.to_owned(), items.collect());
        }
        tables
    }

    #[test]
    fn decode_js_tables_are_the_rust_ones() {
        let tables = js_tables();
        let levels = [Level::Privileged, Level::Baseline, Level::Restricted].map(|l| l.as_str().to_owned());
        assert_eq!(tables["LEVELS"], levels);
        let kinds: Vec<&str> = WorkloadKind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(tables["KINDS"], kinds);
        for (i, kind) in WorkloadKind::ALL.iter().enumerate() {
            assert_eq!(usize::from(kind.index()), i);
        }
        let checks: Vec<&str> = pss_core::CheckId::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(tables["CHECKS"], checks);
        // The shape's check characters stay below U+007F.
        assert!(b'a' as usize + checks.len() <= 0x7f);
    }

    #[test]
    fn the_flat_text_holds_the_whole_result() {
        let docs: [&[u8]; 9] = [
            PRIVILEGED.as_bytes(),
            br#"{"metadata":{"name":"w\"e\u00e9"},"spec":{"hostPID":true,"securityContext":{"runAsUser":0},
                "volumes":[{"name":"v","hostPath":{}}],"containers":[{"name":"c","ports":[{"hostPort":-8}],
                "securityContext":{"procMount":"Unmasked","capabilities":{"add":["A","B"]}}}]}}"#,
            br#"{"metadata":{"name":"ok"},"spec":{"containers":[{"name":"c"}]}}"#,
            br#"{"apiVersion":"batch/v1","kind":"CronJob","metadata":{"name":"c","namespace":"n"},"spec":{"jobTemplate":
                {"spec":{"template":{"spec":{"hostIPC":true,"containers":[{"name":"c"}]}}}}}}"#,
            br#"{"kind":null,"spec":{"hostNetwork":true}}"#,
            br#"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"hostPID":true}}}}"#,
            br#"{"apiVersion":"apps/v1","kind":"DaemonSet","metadata":{"name":"d\\\u00e9\u2028"},"spec":{"template":
                {"spec":{"hostPID":true,"containers":[{"name":"\u00e9","securityContext":{"privileged":true}}]}}}}"#,
            br#"{"metadata":{"name":"~ x"},"spec":{"containers":[{"name":"c","securityContext":{"capabilities":{"add":["X"]}}}]}}"#,
            br#"{"spec":{"securityContext":{"runAsUser":0},"initContainers":[{"name":"i","securityContext":{"runAsUser":0,
                "privileged":true}}],"containers":[{"name":"a","securityContext":{"runAsUser":0,"privileged":false}},
                {"name":"b","securityContext":{"privileged":true,"runAsUser":0}},{"name":"a","securityContext":{"runAsUser":0}}]}}"#,
        ];
        for lv in ["baseline:latest", "restricted:v1.25", "privileged:latest", "restricted:v1.0"] {
            let lv = pss_core::LevelVersion::parse(lv).unwrap();
            for doc in docs {
                let value = serde_json::to_value(evaluate_bytes(lv, doc, &[]).unwrap()).unwrap();
                assert_eq!(decode_flat(&evaluate_flat_text(lv, doc, &[]).unwrap()), value);
            }
        }
        // Separator characters in a string: JSON instead.
        let odd = br#"{"metadata":{"name":"a\u0000b"},"spec":{"containers":[{"name":"c\u0001","securityContext":{"privileged":true}}]}}"#;
        let text = evaluate_flat_text(pss_core::LevelVersion::default(), odd, &[]).unwrap();
        assert_eq!(text, json::to_string(&evaluate_bytes(pss_core::LevelVersion::default(), odd, &[]).unwrap()));
        // No template: the note, as JSON.
        let rc = br#"{"apiVersion":"v1","kind":"ReplicationController","spec":{}}"#;
        assert!(evaluate_flat_text(pss_core::LevelVersion::default(), rc, &[]).unwrap().starts_with('{'));
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
        for bad in [&b""[..], b"nul", b"{", b"[1]", b"\"s\"", b"{\"spec\":{\"containers\":{}}}", b"\xc3\x28"] {
            assert!(evaluate_bytes(pss_core::LevelVersion::default(), bad, &[]).is_err(), "{bad:?}");
        }
        let deep = "[".repeat(100_000);
        assert!(evaluate_bytes(pss_core::LevelVersion::default(), deep.as_bytes(), &[]).is_err());
    }
}
