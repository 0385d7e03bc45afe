//! PodSecurity admission as the API server runs it: the `Admission` class (a
//! `PodSecurityConfiguration`'s defaults and exemptions), `review` (the enforce/audit/warn decision
//! for one object) and `reviewNamespace` (a namespace label change dry-run against its pods).

use std::collections::BTreeMap;

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::admission::Policy;
use crate::error::{self, ErrorKind, FieldError, PssError};
use crate::evaluation::{KindName, Violation};
use crate::json::{self, Object, ToJson};
use crate::level::{Level, LevelVersionJSON};
use crate::object::{self, Meta};

/// What PodSecurity admission decides for one create request (upstream's `ValidatePod` and
/// `ValidatePodController`).
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct AdmissionDecision {
    /// Whether the API server admits the object. Only pods are ever denied; a controller whose
    /// pods would be denied is admitted with warnings (see `podsDenial` for its pods' verdict).
    pub allowed: bool,
    /// The API server's error when it denies a pod:
    /// `pods "NAME" is forbidden: violates PodSecurity "baseline:latest": <forbiddenDetail>`.
    pub denial: Option<String>,
    /// The warnings returned to the client (kubectl prints them after `Warning: `):
    /// `would violate PodSecurity "restricted:latest": <forbiddenDetail>`.
    pub warnings: Vec<String>,
    /// The audit annotations, keys in full: `pod-security.kubernetes.io/enforce-policy`,
    /// `.../audit-violations`, `.../exempt`, `.../error` (invalid namespace labels).
    #[tsify(type = "Record<string, string>")]
    pub audit_annotations: BTreeMap<String, String>,
    /// Why the request was exempt, `null` if it was not.
    pub exemption: Option<Exemption>,
    /// The namespace's policy (its labels over the configuration's defaults), with the label errors.
    pub policy: Policy,
    /// The enforce-mode evaluation, when one ran (pods only, not when exempt).
    pub enforce: Option<ModeEvaluation>,
    /// The audit-mode evaluation, when one ran.
    pub audit: Option<ModeEvaluation>,
    /// The warn-mode evaluation, when one ran (not after a denial).
    pub warn: Option<ModeEvaluation>,
    /// What a gate before the cluster should report as denied, in pss-core's words: for a pod its
    /// `denial`; for a controller, which the API server admits, that the pods it creates would be
    /// denied at the enforce level (`deployments "web" (pods it creates would be denied): violates
    /// PodSecurity "baseline:latest": ...`). `null` when neither would be denied, and when those
    /// pods would be exempt (by namespace or runtime class; a user exemption does not cover the pods
    /// a controller creates).
    pub pods_denial: Option<String>,
    /// For a controller: the evaluation of the pods it creates at the namespace's enforce level
    /// (field paths relative to the controller); `null` for a pod (see `enforce`), a controller
    /// without a template, and pods that would be exempt.
    pub created_pods: Option<ModeEvaluation>,
    /// What was reviewed: `"Pod"` or the controller's kind.
    #[tsify(type = "WorkloadKind")]
    pub workload_kind: KindName,
    /// The namespace the object was reviewed in.
    pub namespace: String,
    /// `metadata.name` (`""` when unset; messages quote it).
    pub name: String,
}

/// One mode's evaluation within a decision.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub struct ModeEvaluation {
    /// The level evaluated.
    pub level: Level,
    /// The version evaluated, as the policy gives it.
    pub version: String,
    /// Whether the template passes.
    pub allowed: bool,
    /// The failed checks, in upstream's order, field paths relative to the object.
    pub violations: Vec<Violation>,
    /// Upstream's `ForbiddenDetail()` (empty when allowed).
    pub forbidden_detail: String,
}

/// Why a request was exempt: the `pod-security.kubernetes.io/exempt` audit annotation's value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub enum Exemption {
    /// The namespace is exempt.
    Namespace,
    /// The requesting user is exempt.
    User,
    /// The pod's runtime class is exempt.
    RuntimeClass,
}

/// What the API server answers to a namespace create or label change (upstream's
/// `ValidateNamespace`).
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
#[tsify(missing_as_null)]
pub struct NamespaceReview {
    /// Whether the change is admitted (only invalid labels are rejected).
    pub allowed: bool,
    /// The rejection for invalid labels: `Namespace "NAME" is invalid: <field errors>`.
    pub invalid: Option<String>,
    /// The warnings, word for word: which existing pods violate the new enforce level
    /// (`existing pods in namespace "prod" violate the new PodSecurity enforce level "restricted:latest"`,
    /// then `NAME (and N other pods): reasons`, sorted), the limit notice, or the exempt-namespace notice.
    pub warnings: Vec<String>,
    /// The namespace's new policy, and its label errors (also when they did not cause a rejection).
    pub policy: Policy,
    /// Whether the namespace is exempt from Pod Security by the configuration's exemptions.
    pub exempt: bool,
    /// Whether, and how, the existing pods were checked against the new enforce level.
    pub pods_check: PodsCheck,
    /// One line on what the change means for the existing pods, as `pss label-dry-run` prints it
    /// (`namespace "prod": 3 of 5 pods would violate the new enforce level "restricted:latest"`);
    /// `null` for a rejected change or a namespace being created.
    pub summary: Option<String>,
}

/// Whether, and how, the existing pods of a namespace were checked against its new enforce level
/// (upstream checks them only when the enforce level gets stricter): pss-core's `PodsCheck`,
/// told apart by `type`.
#[derive(Debug, Clone, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum PodsCheck {
    /// A namespace creation: it has no pods yet.
    Creation,
    /// The new labels are invalid: the change is rejected, no pod is checked.
    Invalid,
    /// Not checked: the new enforce level is not stricter than the old one.
    NotStricter {
        /// The enforce level and version before the change.
        old: LevelVersionJSON,
        /// The enforce level and version after the change.
        new: LevelVersionJSON,
    },
    /// Not checked: the namespace is exempt.
    Exempt,
    /// Checked.
    Checked {
        /// How many pods were checked (at most 3000, as upstream; pods with an exempt runtime class
        /// are not).
        checked: u32,
        /// How many pods could have been checked (without the limit).
        total: u32,
        /// How many of the checked pods violate the new enforce level.
        violating: u32,
    },
    /// A way of checking newer than this package.
    Other,
}

impl From<pss_core::admission::PodsCheck> for PodsCheck {
    fn from(check: pss_core::admission::PodsCheck) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        match check {
            pss_core::admission::PodsCheck::Creation => PodsCheck::Creation,
            pss_core::admission::PodsCheck::Invalid => PodsCheck::Invalid,
            pss_core::admission::PodsCheck::NotStricter { old, new } => {
                PodsCheck::NotStricter { old: old.into(), new: new.into() }
            }
            pss_core::admission::PodsCheck::Exempt => PodsCheck::Exempt,
            pss_core::admission::PodsCheck::Checked { checked, total, violating } => {
                PodsCheck::Checked { checked: count(checked), total: count(total), violating: count(violating) }
            }
            _ => PodsCheck::Other,
        }
    }
}

impl NamespaceReview {
    fn new(r: &pss_core::admission::NamespaceReview) -> Self {
        NamespaceReview {
            allowed: r.allowed(),
            invalid: r.invalid().map(str::to_owned),
            warnings: r.warnings().to_vec(),
            policy: Policy::new(r.policy(), r.errors()),
            exempt: r.exempt(),
            pods_check: r.pods_check().into(),
            summary: r.summary(),
        }
    }
}

/// The configuration's defaults and exemptions, as `Admission` holds them.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "camelCase")]
pub struct Exemptions {
    /// Requesting users that are exempt.
    pub usernames: Vec<String>,
    /// Namespaces that are exempt.
    pub namespaces: Vec<String>,
    /// Runtime class names that are exempt.
    pub runtime_classes: Vec<String>,
}

/// Where and by whom an object is created. Every field is optional; unknown fields are an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ReviewOptions {
    /// The namespace of an object without `metadata.namespace`, or with an empty one (`"default"` by
    /// default, as kubectl's `--namespace`).
    #[tsify(optional)]
    pub namespace: Option<String>,
    /// The namespace's labels (`{ "pod-security.kubernetes.io/enforce": "baseline" }`); none by default.
    #[tsify(optional, type = "Record<string, string>")]
    pub namespace_labels: Option<BTreeMap<String, String>>,
    /// The requesting user, for username exemptions (`""` by default).
    #[tsify(optional)]
    pub username: Option<String>,
    /// The function `review` only: the `PodSecurityConfiguration` (or an `AdmissionConfiguration`
    /// with the PodSecurity plugin) as JSON text or an object; `privileged:latest` without one.
    #[tsify(optional, type = "string | object")]
    pub admission_config: Option<String>,
}

/// Options of `reviewNamespace`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct NamespaceReviewOptions {
    /// The namespace's labels after the change.
    #[tsify(type = "Record<string, string>")]
    pub labels: BTreeMap<String, String>,
    /// The labels before the change; absent or `null` for a namespace being created.
    #[tsify(optional, type = "Record<string, string> | null")]
    pub old_labels: Option<BTreeMap<String, String>>,
    /// The pods already in the namespace (JSON text, `Uint8Array`s or objects).
    #[tsify(optional, type = "Array<string | Uint8Array | object>")]
    pub pods: Option<Vec<String>>,
}

#[wasm_bindgen]
extern "C" {
    /// A JSON document: text, a `Uint8Array` of UTF-8 JSON, or an object (an optional parameter).
    #[wasm_bindgen(typescript_type = "string | Uint8Array | object")]
    #[derive(Debug)]
    pub type DocumentInput;
}

/// PodSecurity admission with a configuration: the defaults for namespaces without labels, and the
/// exempt users, namespaces and runtime classes.
///
/// ```js
/// const admission = new Admission(`{
///   "apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
///   "defaults": { "enforce": "baseline", "warn": "restricted" },
///   "exemptions": { "namespaces": ["kube-system"] } }`);
/// const d = admission.review(pod, { namespace: "prod" });
/// d.allowed; d.denial; d.warnings; d.auditAnnotations;
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct Admission {
    inner: pss_core::admission::Admission,
}

#[wasm_bindgen]
impl Admission {
    /// Reads a `PodSecurityConfiguration` (`pod-security.admission.config.k8s.io/v1`, `v1beta1`,
    /// `v1alpha1`) or an `AdmissionConfiguration` holding the PodSecurity plugin's, as JSON text, a
    /// `Uint8Array` or an object; without one, `privileged:latest` everywhere and no exemptions.
    ///
    /// Throws a `PssError` of kind `invalidAdmissionConfig` with upstream's messages, naming the
    /// field (`defaults.enforce: Invalid value: "strict": must be one of privileged, baseline,
    /// restricted`; `exemptions.usernames: unknown field at line 3 column 5`), each problem in
    /// `error.errors`.
    #[wasm_bindgen(constructor)]
    pub fn new(config: Option<DocumentInput>) -> Result<Admission, JsValue> {
        Admission::read(config.map(JsValue::from).as_ref()).map_err(PssError::into_js)
    }

    /// The defaults: the policy of a namespace without PodSecurity labels (`errors` is empty).
    #[wasm_bindgen(getter)]
    pub fn defaults(&self) -> Result<Ts<Policy>, JsValue> {
        error::to_js(&Policy::new(self.inner.config().defaults(), &[]))
    }

    /// The exempt usernames, namespaces and runtime classes.
    #[wasm_bindgen(getter)]
    pub fn exemptions(&self) -> Result<Ts<Exemptions>, JsValue> {
        let e = self.inner.config().exemptions();
        error::to_js(&Exemptions {
            usernames: e.usernames.clone(),
            namespaces: e.namespaces.clone(),
            runtime_classes: e.runtime_classes.clone(),
        })
    }

    /// A namespace's policy from its labels, over this configuration's defaults (upstream's
    /// `PolicyToEvaluate`); invalid labels are listed in `errors`, not thrown.
    #[wasm_bindgen(js_name = policyFor)]
    pub fn policy_for(
        &self,
        #[wasm_bindgen(unchecked_param_type = "Record<string, string>")] labels: JsValue,
    ) -> Result<Ts<Policy>, JsValue> {
        let labels = object::string_map(&labels, "labels").map_err(PssError::into_js)?;
        let (policy, errors) = self.inner.policy_for(&labels);
        error::to_js(&Policy::new(policy, &errors))
    }

    /// Reviews the creation of a pod or pod controller (JSON text, a `Uint8Array` or an object) in
    /// its namespace, as the API server's PodSecurity admission does: pods in the three modes,
    /// denied when enforce fails; controllers warned and audited, never denied (`podsDenial` says
    /// whether the pods they create would be); exemptions by namespace, user, then runtime class.
    ///
    /// Throws a `PssError` for input that cannot be decoded, of kind `noPodTemplate` (with
    /// pss-core's reason) for an object that is not a pod or a pod controller or has no `kind`
    /// (the API server refuses such a document), and of kind `invalidOptions` for bad options.
    pub fn review(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
        options: Option<Ts<ReviewOptions>>,
    ) -> Result<Ts<AdmissionDecision>, JsValue> {
        let (options, _) = ReviewOptions::read(options.map(|o| o.js_value()), &ReviewOptions::FIELDS[..3])
            .map_err(PssError::into_js)?;
        self.decide(&object, &options).map_err(PssError::into_js).and_then(|d| error::to_js(&d))
    }

    /// Reviews a namespace create (no `oldLabels`) or label change (`oldLabels` given), dry-running
    /// the new enforce level against `pods` as the API server does for `kubectl label
    /// --dry-run=server`: pods with an exempt runtime class are skipped, at most 3000 are checked,
    /// and pods with the same reasons are reported together under the lexically first name.
    ///
    /// ```js
    /// admission.reviewNamespace("prod", {
    ///   oldLabels: {},
    ///   labels: { "pod-security.kubernetes.io/enforce": "baseline" },
    ///   pods: [hostNetworkPodJson],
    /// }).warnings;
    /// // ['existing pods in namespace "prod" violate the new PodSecurity enforce level "baseline:latest"',
    /// //  'web: host namespaces']
    /// ```
    ///
    /// Throws a `PssError` for a pod that cannot be decoded (its message starts with `pods[N]: `)
    /// and of kind `invalidOptions` for bad options.
    #[wasm_bindgen(js_name = reviewNamespace)]
    pub fn review_namespace(
        &self,
        namespace: &str,
        options: Ts<NamespaceReviewOptions>,
    ) -> Result<Ts<NamespaceReview>, JsValue> {
        self.namespace(namespace, &options.js_value()).map_err(PssError::into_js).and_then(|r| error::to_js(&r))
    }
}

impl Admission {
    fn read(config: Option<&JsValue>) -> Result<Admission, PssError> {
        let config = match config {
            None => pss_core::admission::AdmissionConfig::default(),
            Some(v) if v.is_undefined() || v.is_null() => pss_core::admission::AdmissionConfig::default(),
            Some(v) => {
                let json = object::json_bytes(v, "the admission configuration")?;
                pss_core::admission::AdmissionConfig::from_json_slice(&json).map_err(|e| config_error(&e))?
            }
        };
        Ok(Admission { inner: pss_core::admission::Admission::new(config) })
    }

    fn decide(&self, object: &JsValue, options: &ReviewOptions) -> Result<AdmissionDecision, PssError> {
        self.decide_json(&object::json_bytes(object, "the object")?, options)
    }

    fn decide_json(&self, json: &[u8], options: &ReviewOptions) -> Result<AdmissionDecision, PssError> {
        let labels = options.namespace_labels.clone().unwrap_or_default();
        let username = options.username.as_deref().unwrap_or("");
        let obj = pss_core::ObjectDocument::from_slice(json)?;
        let meta = Meta::of(obj.header());
        let default_namespace = options.namespace.as_deref().unwrap_or(pss_core::admission::DEFAULT_NAMESPACE);
        let namespace = pss_core::admission::namespace_of(meta.namespace, default_namespace);
        let name = meta.name.unwrap_or("");
        let decision = self.inner.review(&obj, name, namespace, &labels, username).map_err(|e| PssError::from(&e))?;
        Ok(AdmissionDecision::new(&decision, decision.label_errors(), namespace, &meta))
    }

    fn namespace(&self, namespace: &str, options: &JsValue) -> Result<NamespaceReview, PssError> {
        let o = object::Options::new(options, &NamespaceReviewOptions::FIELDS, "")?;
        let labels = match o.get("labels") {
            Some(l) => object::string_map(&l, "labels")?,
            None => return Err(object::invalid_options("labels is required".to_owned())),
        };
        let old_labels = o.get("oldLabels").map(|l| object::string_map(&l, "oldLabels")).transpose()?;
        let texts: Vec<Vec<u8>> = match o.get("pods") {
            None => Vec::new(),
            Some(list) => {
                let Some(array) = list.dyn_ref::<js_sys::Array>() else {
                    return Err(object::invalid_options("pods must be an array".to_owned()));
                };
                array.iter().map(|pod| object::json_bytes(&pod, "a pod")).collect::<Result<_, _>>()?
            }
        };
        let pods = texts
            .iter()
            .enumerate()
            .map(|(i, t)| {
                pss_core::PodDocument::from_slice(t).map_err(|e| PssError::from(&e).prefixed(&format!("pods[{i}]: ")))
            })
            .collect::<Result<Vec<_>, _>>()?;
        let review = self.inner.review_namespace(namespace, old_labels.as_ref(), &labels, &pods);
        Ok(NamespaceReview::new(&review))
    }
}

impl ReviewOptions {
    /// The option names; `Admission.review` takes the first three.
    const FIELDS: [&'static str; 4] = ["namespace", "namespaceLabels", "username", "admissionConfig"];

    fn read(value: Option<JsValue>, fields: &[&str]) -> Result<(ReviewOptions, Option<JsValue>), PssError> {
        let Some(value) = value else { return Ok((ReviewOptions::default(), None)) };
        let o = object::Options::new(&value, fields, "")?;
        let namespace_labels =
            o.get("namespaceLabels").map(|l| object::string_map(&l, "namespaceLabels")).transpose()?;
        let options = ReviewOptions {
            namespace: o.string("namespace")?,
            namespace_labels,
            username: o.string("username")?,
            admission_config: None,
        };
        Ok((options, o.get("admissionConfig")))
    }
}

impl NamespaceReviewOptions {
    const FIELDS: [&'static str; 3] = ["labels", "oldLabels", "pods"];
}

/// Reviews the creation of a pod or pod controller with `options.admissionConfig` (see
/// `Admission.review`; `new Admission(config).review(object, options)` reads the configuration once
/// for many objects).
///
/// ```js
/// const d = review(privilegedPod, {
///   namespace: "prod",
///   namespaceLabels: { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/warn": "restricted" },
/// });
/// d.denial; // pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (...)
/// d.auditAnnotations["pod-security.kubernetes.io/enforce-policy"]; // "baseline:latest"
/// ```
#[wasm_bindgen]
pub fn review(
    #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] object: JsValue,
    options: Option<Ts<ReviewOptions>>,
) -> Result<Ts<AdmissionDecision>, JsValue> {
    let (options, config) =
        ReviewOptions::read(options.map(|o| o.js_value()), &ReviewOptions::FIELDS).map_err(PssError::into_js)?;
    let admission =
        Admission::read(config.as_ref()).map_err(|e| e.prefixed("admissionConfig: ")).map_err(PssError::into_js)?;
    admission.decide(&object, &options).map_err(PssError::into_js).and_then(|d| error::to_js(&d))
}

/// A configuration error as a `PssError` of kind `invalidAdmissionConfig`.
fn config_error(e: &pss_core::admission::ConfigError) -> PssError {
    match e {
        pss_core::admission::ConfigError::Invalid(errors) => PssError::fields(
            ErrorKind::InvalidAdmissionConfig,
            e.to_string(),
            errors.iter().map(FieldError::from).collect(),
        ),
        pss_core::admission::ConfigError::Decode(e) => {
            let mut e = PssError::from(e);
            e.details.kind = ErrorKind::InvalidAdmissionConfig;
            e
        }
        other => PssError::new(ErrorKind::InvalidAdmissionConfig, other.to_string()),
    }
}

impl AdmissionDecision {
    fn new(
        d: &pss_core::admission::Decision,
        errors: &[pss_core::FieldError],
        namespace: &str,
        meta: &Meta<'_>,
    ) -> Self {
        AdmissionDecision {
            allowed: d.allowed(),
            denial: d.denial().map(str::to_owned),
            warnings: d.warnings().to_vec(),
            audit_annotations: d.audit_annotations().clone(),
            exemption: d.exemption().map(|e| match e {
                pss_core::admission::Exemption::Namespace => Exemption::Namespace,
                pss_core::admission::Exemption::User => Exemption::User,
                _ => Exemption::RuntimeClass,
            }),
            policy: Policy::new(d.policy(), errors),
            enforce: d.enforce().map(ModeEvaluation::new),
            audit: d.audit().map(ModeEvaluation::new),
            warn: d.warn().map(ModeEvaluation::new),
            pods_denial: d.pods_denial().map(str::to_owned),
            created_pods: d.created_pods().map(ModeEvaluation::new),
            workload_kind: KindName(d.kind()),
            namespace: namespace.to_owned(),
            name: meta.name.unwrap_or("").to_owned(),
        }
    }
}

impl ModeEvaluation {
    fn new(e: &pss_core::Evaluation) -> Self {
        let lv = e.level_version();
        ModeEvaluation {
            level: lv.level.into(),
            version: lv.version.to_string(),
            allowed: e.allowed(),
            violations: e.iter().map(Violation::from).collect(),
            forbidden_detail: if e.allowed() { String::new() } else { e.forbidden_detail() },
        }
    }
}

impl ToJson for AdmissionDecision {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("allowed", &self.allowed)
            .field("denial", &self.denial)
            .field("warnings", &self.warnings)
            .field("auditAnnotations", &self.audit_annotations)
            .field("exemption", &self.exemption)
            .field("policy", &self.policy)
            .field("enforce", &self.enforce)
            .field("audit", &self.audit)
            .field("warn", &self.warn)
            .field("podsDenial", &self.pods_denial)
            .field("createdPods", &self.created_pods)
            .field("workloadKind", &self.workload_kind)
            .field("namespace", &self.namespace)
            .field("name", &self.name)
            .end();
    }
}

impl ToJson for ModeEvaluation {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("level", &self.level)
            .field("version", &self.version)
            .field("allowed", &self.allowed)
            .field("violations", &self.violations)
            .field("forbiddenDetail", &self.forbidden_detail)
            .end();
    }
}

impl ToJson for Exemption {
    fn write_json(&self, out: &mut String) {
        let name = match self {
            Exemption::Namespace => "namespace",
            Exemption::User => "user",
            Exemption::RuntimeClass => "runtimeClass",
        };
        json::write_str(out, name);
    }
}

impl ToJson for NamespaceReview {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("allowed", &self.allowed)
            .field("invalid", &self.invalid)
            .field("warnings", &self.warnings)
            .field("policy", &self.policy)
            .field("exempt", &self.exempt)
            .field("podsCheck", &self.pods_check)
            .field("summary", &self.summary)
            .end();
    }
}

impl ToJson for PodsCheck {
    fn write_json(&self, out: &mut String) {
        let o = Object::new(out);
        match self {
            PodsCheck::Creation => o.field("type", &"creation"),
            PodsCheck::Invalid => o.field("type", &"invalid"),
            PodsCheck::NotStricter { old, new } => o.field("type", &"notStricter").field("old", old).field("new", new),
            PodsCheck::Exempt => o.field("type", &"exempt"),
            PodsCheck::Checked { checked, total, violating } => o
                .field("type", &"checked")
                .field("checked", checked)
                .field("total", total)
                .field("violating", violating),
            PodsCheck::Other => o.field("type", &"other"),
        }
        .end();
    }
}

impl ToJson for Exemptions {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("usernames", &self.usernames)
            .field("namespaces", &self.namespaces)
            .field("runtimeClasses", &self.runtime_classes)
            .end();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::tests::same_as_serde;

    const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
      "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;
    const CONFIG: &str = r#"{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
      "defaults": {"enforce": "baseline", "warn": "restricted", "audit": "restricted"},
      "exemptions": {"namespaces": ["kube-system"], "usernames": ["admin"]}}"#;

    fn admission(config: &str) -> Result<Admission, PssError> {
        let config = pss_core::admission::AdmissionConfig::from_json_str(config).map_err(|e| config_error(&e))?;
        Ok(Admission { inner: pss_core::admission::Admission::new(config) })
    }

    fn options(namespace: &str, labels: &[(&str, &str)], username: &str) -> ReviewOptions {
        ReviewOptions {
            namespace: Some(namespace.to_owned()),
            namespace_labels: Some(labels.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()),
            username: Some(username.to_owned()),
            admission_config: None,
        }
    }

    #[test]
    fn a_privileged_pod_is_denied_warned_and_audited_with_upstreams_words() {
        let a = admission(CONFIG).unwrap();
        let d = a.decide_json(PRIVILEGED.as_bytes(), &options("prod", &[], "")).unwrap();
        assert!(!d.allowed);
        assert_eq!(
            d.denial.as_deref(),
            Some(
                r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
            )
        );
        assert!(d.warnings.is_empty(), "no warnings after a denial: {:?}", d.warnings);
        assert!(d.audit_annotations["pod-security.kubernetes.io/audit-violations"]
            .starts_with(r#"would violate PodSecurity "restricted:latest": privileged (container"#));
        assert_eq!(d.audit_annotations["pod-security.kubernetes.io/enforce-policy"], "baseline:latest");
        assert_eq!(
            (d.namespace.as_str(), d.name.as_str(), d.workload_kind),
            ("prod", "privileged-pod", KindName(pss_core::WorkloadKind::Pod))
        );
        assert_eq!(d.enforce.as_ref().map(|e| e.violations.len()), Some(1));
        assert!(d.warn.is_none());
        assert_eq!(d.pods_denial, d.denial, "a pod's pods denial is its denial");
        assert_eq!(d.created_pods, None);
        same_as_serde(&d);
    }

    #[test]
    fn exemptions_and_label_errors() {
        let a = admission(CONFIG).unwrap();
        let d = a.decide_json(PRIVILEGED.as_bytes(), &options("kube-system", &[], "")).unwrap();
        assert_eq!((d.allowed, d.exemption), (true, Some(Exemption::Namespace)));
        assert_eq!(d.audit_annotations["pod-security.kubernetes.io/exempt"], "namespace");
        let d = a.decide_json(PRIVILEGED.as_bytes(), &options("prod", &[], "admin")).unwrap();
        assert_eq!(d.exemption, Some(Exemption::User));
        same_as_serde(&d);
        let labels = [("pod-security.kubernetes.io/enforce", "strict")];
        let d = a.decide_json(PRIVILEGED.as_bytes(), &options("prod", &labels, "")).unwrap();
        assert_eq!(d.policy.enforce.level, Level::Restricted, "an invalid enforce level fails closed");
        assert_eq!(d.policy.errors.len(), 1);
        assert!(d.audit_annotations["pod-security.kubernetes.io/error"].starts_with("Failed to parse policy: "));
        same_as_serde(&d);
    }

    #[test]
    fn controllers_are_warned_not_denied() {
        let deployment =
            br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "dev"},
          "spec": {"template": {"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}"#;
        let d = admission(CONFIG).unwrap().decide_json(deployment, &options("ignored", &[], "")).unwrap();
        assert!(d.allowed);
        assert_eq!(d.namespace, "dev", "metadata.namespace wins over the option");
        assert_eq!(d.workload_kind, KindName(pss_core::WorkloadKind::Deployment));
        assert!(d.warnings[0].starts_with(r#"would violate PodSecurity "restricted:latest": privileged"#));
        assert_eq!(d.denial, None);
        assert_eq!(
            d.pods_denial.as_deref(),
            Some(
                r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#
            )
        );
        let created = d.created_pods.as_ref().unwrap();
        assert_eq!(created.violations[0].fields[0].path, "spec.template.spec.containers[0].securityContext.privileged");
        same_as_serde(&d);
        // A user exemption does not cover the pods the controller creates; a namespace one does.
        let exempt_user = admission(CONFIG).unwrap().decide_json(deployment, &options("x", &[], "admin")).unwrap();
        assert_eq!((exempt_user.exemption, exempt_user.pods_denial.is_some()), (Some(Exemption::User), true));
        let in_kube_system =
            String::from_utf8_lossy(deployment).replace(r#""namespace": "dev""#, r#""namespace": "kube-system""#);
        let exempt = admission(CONFIG).unwrap().decide_json(in_kube_system.as_bytes(), &options("", &[], "")).unwrap();
        assert_eq!((exempt.pods_denial, exempt.created_pods), (None, None));
        let service = br#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}"#;
        let e = admission(CONFIG).unwrap().decide_json(service, &ReviewOptions::default()).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::NoPodTemplate);
        // No kind: not a Kubernetes object, not reviewed (never taken for a pod).
        let kindless = br#"{"metadata": {"name": "p"}, "spec": {"hostNetwork": true}}"#;
        let e = admission(CONFIG).unwrap().decide_json(kindless, &ReviewOptions::default()).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::NoPodTemplate);
        assert_eq!(e.message, pss_core::NoPodTemplate::NoKind.to_string());
    }

    #[test]
    fn configuration_errors_name_the_field() {
        let bad = r#"{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
          "defaults": {"enforce": "strict", "warn-version": "v2"}}"#;
        let e = admission(bad).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidAdmissionConfig);
        let paths: Vec<&str> = e.details.errors.iter().map(|e| e.path.as_str()).collect();
        assert_eq!(paths, ["defaults.enforce", "defaults.warn-version"]);
        assert!(e.message.starts_with(r#"[defaults.enforce: Invalid value: "strict": "#), "{}", e.message);
        let unknown = r#"{"apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
          "defaults": {"enforce": "baseline", "nope": 1}}"#;
        let e = admission(unknown).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidAdmissionConfig);
        assert_eq!(e.details.path.as_deref(), Some("defaults.nope"));
        assert!(e.details.line.is_some());
    }

    #[test]
    fn namespace_dto_and_exemptions_are_written_as_serde_would() {
        let a = admission(CONFIG).unwrap();
        let pods =
            [pss_core::PodDocument::from_str(r#"{"metadata": {"name": "a"}, "spec": {"hostNetwork": true}}"#).unwrap()];
        let labels = [("pod-security.kubernetes.io/enforce", "baseline")];
        let r = a.inner.review_namespace(
            "prod",
            Some([("pod-security.kubernetes.io/enforce", "privileged")]),
            labels,
            &pods,
        );
        let review = NamespaceReview::new(&r);
        assert_eq!(review.warnings[1], "a: host namespaces");
        assert_eq!(review.pods_check, PodsCheck::Checked { checked: 1, total: 1, violating: 1 });
        assert_eq!(
            review.summary.as_deref(),
            Some(r#"namespace "prod": 1 of 1 pod would violate the new enforce level "baseline:latest""#)
        );
        assert!(!review.exempt);
        same_as_serde(&review);
        let not_stricter = a.inner.review_namespace(
            "prod",
            Some(labels),
            [("pod-security.kubernetes.io/enforce", "privileged")],
            &pods,
        );
        let review = NamespaceReview::new(&not_stricter);
        let lv = |text: &str| LevelVersionJSON::from(pss_core::LevelVersion::parse(text).unwrap());
        assert_eq!(
            review.pods_check,
            PodsCheck::NotStricter { old: lv("baseline:latest"), new: lv("privileged:latest") }
        );
        same_as_serde(&review);
        let created =
            NamespaceReview::new(&a.inner.review_namespace("kube-system", None::<[(&str, &str); 0]>, labels, &[]));
        assert_eq!(
            (created.pods_check.clone(), created.exempt, created.summary.clone()),
            (PodsCheck::Creation, true, None)
        );
        same_as_serde(&created);
        let old = [("pod-security.kubernetes.io/enforce", "privileged")];
        let exempt = NamespaceReview::new(&a.inner.review_namespace("kube-system", Some(old), labels, &pods));
        assert_eq!(exempt.pods_check, PodsCheck::Exempt);
        same_as_serde(&exempt);
        let invalid = NamespaceReview::new(&a.inner.review_namespace(
            "prod",
            Some([("a", "b")]),
            [("pod-security.kubernetes.io/enforce", "strict")],
            &pods,
        ));
        assert_eq!((invalid.allowed, invalid.pods_check.clone()), (false, PodsCheck::Invalid));
        assert_eq!(invalid.policy.errors[0].label.as_deref(), Some("pod-security.kubernetes.io/enforce"));
        same_as_serde(&invalid);
        same_as_serde(&Exemptions {
            usernames: vec!["u".into()],
            namespaces: vec![],
            runtime_classes: vec!["r".into()],
        });
        same_as_serde(&Exemption::RuntimeClass);
    }
}
