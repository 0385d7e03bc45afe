//! Kyverno policies: the `KyvernoPolicy` class (a `ClusterPolicy` or `Policy` document, validated as
//! one Kyverno release validates it), the `KyvernoExceptions` class (PolicyExceptions) and `apply`
//! (its `validate.podSecurity` rules on one resource, with that release's messages).

use std::collections::BTreeMap;

#[cfg(test)]
use serde::Serialize;
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

use crate::error::{self, ErrorKind, FieldError, PssError};
use crate::evaluation::Violation;
use crate::json::{self, Object, ToJson};
use crate::object;

/// One policy applied to one resource.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[tsify(missing_as_null)]
pub struct PolicyResult {
    /// The policy's name.
    pub policy: String,
    /// The Kyverno release predicted (`"1.19"`).
    #[serde(rename = "kyvernoVersion")]
    pub kyverno_version: String,
    /// `"ClusterPolicy"` or `"Policy"`.
    #[tsify(type = "\"ClusterPolicy\" | \"Policy\"")]
    pub kind: String,
    /// Whether a rule blocks the resource (it failed, and its failure action is Enforce).
    pub blocked: bool,
    /// The rules that matched the resource, in the policy's order (generated `autogen-...` rules
    /// included); empty when none did.
    pub rules: Vec<RuleResult>,
    /// When blocked, the text Kyverno's webhook denies the request with:
    /// `resource Pod/default/p was blocked due to the following policies\npolicy:\n  rule: Validation rule 'rule' failed. ...`.
    pub message: Option<String>,
    /// The namespace the resource was taken to be in (`""` for a Namespace).
    pub namespace: String,
}

/// One rule's result.
#[derive(Debug, Clone, PartialEq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub struct RuleResult {
    /// The rule's name (`autogen-<name>`, `autogen-cronjob-<name>` for generated rules).
    pub name: String,
    /// The outcome.
    pub status: RuleStatus,
    /// Kyverno's message, as the policy's release writes it: `Validation rule 'baseline' passed.`,
    /// `Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": (Forbidden
    /// reason: privileged, field error list: [...])` (1.11: `({Allowed:false ForbiddenReason:...
    /// ForbiddenDetail:...})` lines), why the rule was skipped (`rule is skipped due to policy
    /// exceptions ...`) or could not run.
    pub message: String,
    /// The failure action for this rule and resource.
    pub action: FailureAction,
    /// The failed checks left after the rule's exclusions, in Kyverno's order, field paths relative
    /// to the resource.
    pub violations: Vec<Violation>,
    /// When the release admits the resource but the Pod Security Standard still forbids it:
    /// `Kyverno 1.11 admits it, but it violates PodSecurity "baseline:latest": REASON (FIELDS)`. The
    /// prediction (`status`) stays Kyverno's.
    pub warning: Option<String>,
    /// The standard's violations behind `warning` (empty without one).
    pub warnings: Vec<Violation>,
    /// Whether pss could not evaluate a rule that may block the request (`unsupported`, action
    /// Enforce, not a `mutate` or `generate` rule): a gate must not pass it silently.
    #[serde(rename = "unevaluatedEnforce")]
    pub unevaluated_enforce: bool,
}

/// A rule's outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
#[serde(rename_all = "lowercase")]
pub enum RuleStatus {
    /// The resource satisfies the rule.
    Pass,
    /// The resource violates the rule.
    Fail,
    /// Kyverno skipped the rule: a PolicyException exempts the resource.
    Skip,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error,
    /// pss cannot evaluate the rule: another rule type (`mutate`, `validate.pattern`, ...), or an
    /// outcome that depends on the requesting user or on a PolicyException's `conditions`. Never
    /// silently passed.
    Unsupported,
}

/// What a failed rule does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Tsify)]
#[cfg_attr(test, derive(Serialize))]
pub enum FailureAction {
    /// Block it.
    Enforce,
    /// Admit it and report the failure.
    Audit,
}

/// Options of `KyvernoPolicy.apply`. Every field is optional; unknown fields are an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct ApplyOptions {
    /// The namespace of a namespaced resource without `metadata.namespace`, or with an empty one
    /// (`"default"` by default, as kubectl); a cluster-scoped one is in none.
    #[tsify(optional)]
    pub namespace: Option<String>,
    /// The labels of the resource's namespace, for `namespaceSelector`s (which match nothing
    /// without them).
    #[tsify(optional, type = "Record<string, string>")]
    pub namespace_labels: Option<BTreeMap<String, String>>,
}

/// Options of `new KyvernoPolicy` and `new KyvernoExceptions`. Every field is optional; unknown
/// fields are an error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct KyvernoOptions {
    /// The Kyverno release whose behaviour is predicted: `"1.11"` to `"1.19"`, `"v1.13"` or a patch
    /// release such as `"1.13.6"` (the newest by default).
    #[tsify(optional)]
    pub kyverno_version: Option<String>,
}

/// The release `options.kyvernoVersion` names (the newest without one).
fn release(options: Option<JsValue>) -> Result<pss_core::kyverno::KyvernoVersion, PssError> {
    let Some(value) = options else { return Ok(pss_core::kyverno::KyvernoVersion::NEWEST) };
    let o = object::Options::new(&value, &["kyvernoVersion"], "")?;
    match o.string("kyvernoVersion")? {
        None => Ok(pss_core::kyverno::KyvernoVersion::NEWEST),
        Some(v) => pss_core::kyverno::KyvernoVersion::parse(&v)
            .map_err(|e| PssError::new(ErrorKind::InvalidVersion, e.to_string())),
    }
}

/// Kyverno `PolicyException`s (`kyverno.io/v2alpha1`, `v2beta1`, `v2`; those the release reads),
/// validated as one Kyverno release validates them, for `KyvernoPolicy.applyWith`.
///
/// ```js
/// const exceptions = new KyvernoExceptions([exceptionDocument], { kyvernoVersion: "1.13" });
/// exceptions.keys; // ["kyverno/host-logs"]
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct KyvernoExceptions {
    inner: Vec<pss_core::kyverno::PolicyException>,
}

#[wasm_bindgen]
impl KyvernoExceptions {
    /// Reads PolicyException documents (each JSON text, a `Uint8Array` or an object; decode YAML
    /// first) as `options.kyvernoVersion` reads them.
    ///
    /// Throws a `PssError` (its message prefixed with `documents[i]: `): of kind
    /// `unsupportedPolicy` for a document that is not a `kyverno.io` PolicyException or whose API
    /// version the release does not read, of kind `invalidPolicy` for one Kyverno would reject, of
    /// kind `invalidVersion` for a release pss does not model, or of the decoding kinds.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "Array<string | Uint8Array | object>")] documents: JsValue,
        options: Option<Ts<KyvernoOptions>>,
    ) -> Result<KyvernoExceptions, JsValue> {
        let read = || -> Result<KyvernoExceptions, PssError> {
            let version = release(options.map(|o| o.js_value()))?;
            let Some(array) = documents.dyn_ref::<js_sys::Array>() else {
                return Err(PssError::new(ErrorKind::InvalidInput, "documents: expected an array".into()));
            };
            let mut inner = Vec::with_capacity(array.length() as usize);
            for (i, doc) in array.iter().enumerate() {
                let what = format!("documents[{i}]");
                let json = object::json_bytes(&doc, &what)?;
                let exception = pss_core::kyverno::PolicyException::from_slice_for(&json, version)
                    .map_err(|e| policy_error(&e).prefixed(&format!("{what}: ")))?;
                inner.push(exception);
            }
            Ok(KyvernoExceptions { inner })
        };
        read().map_err(PssError::into_js)
    }

    /// Each exception's name as Kyverno writes it in messages: `namespace/name`, or `name` without a
    /// namespace.
    #[wasm_bindgen(getter)]
    pub fn keys(&self) -> Vec<String> {
        self.inner.iter().map(pss_core::kyverno::PolicyException::key).collect()
    }

    /// The Kyverno release they were read for.
    #[wasm_bindgen(getter, js_name = kyvernoVersion)]
    pub fn kyverno_version(&self) -> Option<String> {
        self.inner.first().map(|e| e.kyverno_version().to_string())
    }
}

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, ...) read for one Kyverno
/// release (1.11 to 1.19, the newest by default), validated as that release validates it; its
/// `validate.podSecurity` rules run offline as that release's admission webhook runs them (match and
/// exclude, the rules generated for pod controllers, failure actions, exclusions, messages).
///
/// ```js
/// const policy = new KyvernoPolicy({
///   apiVersion: "kyverno.io/v1", kind: "ClusterPolicy", metadata: { name: "baseline-policy" },
///   spec: { validationFailureAction: "Enforce", rules: [{ name: "baseline",
///     match: { any: [{ resources: { kinds: ["Pod"] } }] },
///     validate: { podSecurity: { level: "baseline", version: "latest" } } }] },
/// });
/// const result = policy.apply(privilegedPod);
/// result.blocked; // true
/// result.rules[0].message;
/// // Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct KyvernoPolicy {
    inner: pss_core::kyverno::KyvernoPolicy,
}

#[wasm_bindgen]
impl KyvernoPolicy {
    /// Reads a policy document: JSON text, a `Uint8Array` or an object (decode YAML first), as
    /// `options.kyvernoVersion` (the newest by default) reads it.
    ///
    /// Throws a `PssError`: of kind `unsupportedPolicy` for any other document (`unsupported policy
    /// kind v1/Pod: ...`), of kind `invalidPolicy` for a policy Kyverno would reject (its messages,
    /// each in `error.errors`: `spec.rules[0].validate.podSecurity.exclude[0].controlName: Invalid
    /// value: ...`), of kind `invalidVersion` for a release pss does not model, of kind
    /// `invalidOptions` for bad options, or of the decoding kinds (`syntax`, `invalidType`, ...)
    /// with the path and position.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] document: JsValue,
        options: Option<Ts<KyvernoOptions>>,
    ) -> Result<KyvernoPolicy, JsValue> {
        let read = || -> Result<KyvernoPolicy, PssError> {
            let version = release(options.map(|o| o.js_value()))?;
            let json = object::json_bytes(&document, "the policy")?;
            let inner =
                pss_core::kyverno::KyvernoPolicy::from_slice_for(&json, version).map_err(|e| policy_error(&e))?;
            Ok(KyvernoPolicy { inner })
        };
        read().map_err(PssError::into_js)
    }

    /// The Kyverno release whose behaviour the policy predicts (`"1.19"`).
    #[wasm_bindgen(getter, js_name = kyvernoVersion)]
    pub fn kyverno_version(&self) -> String {
        self.inner.kyverno_version().to_string()
    }

    /// `"ClusterPolicy"` or `"Policy"`.
    #[wasm_bindgen(getter, unchecked_return_type = "\"ClusterPolicy\" | \"Policy\"")]
    pub fn kind(&self) -> String {
        kind_name(self.inner.kind()).to_owned()
    }

    /// `metadata.name`.
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.inner.name().to_owned()
    }

    /// `metadata.namespace` of a `Policy`, if given (a `Policy` applies only in its namespace,
    /// `default` without one).
    #[wasm_bindgen(getter)]
    pub fn namespace(&self) -> Option<String> {
        self.inner.namespace().map(str::to_owned)
    }

    /// The names of the rules run, generated ones (`autogen-...`) included, in order.
    #[wasm_bindgen(getter, js_name = ruleNames)]
    pub fn rule_names(&self) -> Vec<String> {
        self.inner.rule_names().map(str::to_owned).collect()
    }

    /// Applies the policy to a resource being created (JSON text, a `Uint8Array` or an object):
    /// the results of the rules whose `match` (and not `exclude`) selects it, and Kyverno's
    /// blocking message when one blocks it. A resource is created where its admission request
    /// says (`pss_core::kyverno::resource_namespace`): in no namespace when its kind is
    /// cluster-scoped (a Namespace, a ClusterRole, ...), else in its `metadata.namespace`, or in
    /// `options.namespace` (`"default"`) when that is missing or empty.
    ///
    /// Throws a `PssError` for a resource that cannot be decoded and of kind `invalidOptions` for
    /// bad options.
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] resource: JsValue,
        options: Option<Ts<ApplyOptions>>,
    ) -> Result<Ts<PolicyResult>, JsValue> {
        self.run(&resource, options.map(|o| o.js_value()), &[])
            .map_err(PssError::into_js)
            .and_then(|r| error::to_js(&r))
    }

    /// `apply` with the PolicyExceptions Kyverno knows, applied as the policy's release applies
    /// them: their `match`, the policies and rules they name, and their `podSecurity` entries (from
    /// 1.12; an exception without entries skips the rule).
    ///
    /// Throws as `apply`, and a `PssError` of kind `invalidInput` when the exceptions were read for
    /// another release than the policy.
    #[wasm_bindgen(js_name = applyWith)]
    pub fn apply_with(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] resource: JsValue,
        exceptions: &KyvernoExceptions,
        options: Option<Ts<ApplyOptions>>,
    ) -> Result<Ts<PolicyResult>, JsValue> {
        self.run(&resource, options.map(|o| o.js_value()), &exceptions.inner)
            .map_err(PssError::into_js)
            .and_then(|r| error::to_js(&r))
    }
}

impl KyvernoPolicy {
    fn run(
        &self,
        resource: &JsValue,
        options: Option<JsValue>,
        exceptions: &[pss_core::kyverno::PolicyException],
    ) -> Result<PolicyResult, PssError> {
        let (default_namespace, labels) = match &options {
            None => (None, None),
            Some(value) => {
                let o = object::Options::new(value, &["namespace", "namespaceLabels"], "")?;
                let labels = o.get("namespaceLabels").map(|l| object::string_map(&l, "namespaceLabels")).transpose()?;
                (o.string("namespace")?, labels)
            }
        };
        let json = object::json_bytes(resource, "the resource")?;
        self.apply_json(&json, default_namespace.as_deref(), labels.as_ref(), exceptions)
    }

    fn apply_json(
        &self,
        json: &[u8],
        default_namespace: Option<&str>,
        labels: Option<&BTreeMap<String, String>>,
        exceptions: &[pss_core::kyverno::PolicyException],
    ) -> Result<PolicyResult, PssError> {
        self.inner.check_exceptions(exceptions).map_err(|e| PssError::new(ErrorKind::InvalidInput, e.to_string()))?;
        let obj = pss_core::ObjectDocument::from_slice(json)?;
        let ctx = pss_core::kyverno::ApplyContext::for_resource(
            &obj,
            default_namespace.unwrap_or(pss_core::admission::DEFAULT_NAMESPACE),
        );
        let namespace = ctx.namespace();
        let ctx = ctx.namespace_labels(labels).exceptions(exceptions);
        let result = self.inner.apply_with(&obj, &ctx);
        let message = pss_core::kyverno::blocked_message(&obj, namespace, std::slice::from_ref(&result));
        Ok(PolicyResult {
            policy: result.policy().to_owned(),
            kyverno_version: result.kyverno_version().to_string(),
            kind: kind_name(result.kind()).to_owned(),
            blocked: result.blocked(),
            rules: result.rules().iter().map(RuleResult::from).collect(),
            message,
            namespace: namespace.to_owned(),
        })
    }
}

fn kind_name(kind: pss_core::kyverno::PolicyKind) -> &'static str {
    match kind {
        pss_core::kyverno::PolicyKind::Policy => "Policy",
        _ => "ClusterPolicy",
    }
}

/// A policy document's error as a `PssError`.
fn policy_error(e: &pss_core::kyverno::PolicyError) -> PssError {
    match e {
        pss_core::kyverno::PolicyError::Decode(e) => PssError::from(e),
        pss_core::kyverno::PolicyError::Invalid { errors, .. } => {
            PssError::fields(ErrorKind::InvalidPolicy, e.to_string(), errors.iter().map(FieldError::from).collect())
        }
        other @ pss_core::kyverno::PolicyError::ReleaseMismatch { .. } => {
            PssError::new(ErrorKind::InvalidInput, other.to_string())
        }
        other => PssError::new(ErrorKind::UnsupportedPolicy, other.to_string()),
    }
}

impl From<&pss_core::kyverno::RuleResult> for RuleResult {
    fn from(r: &pss_core::kyverno::RuleResult) -> Self {
        RuleResult {
            name: r.name().to_owned(),
            status: match r.status() {
                pss_core::kyverno::RuleStatus::Pass => RuleStatus::Pass,
                pss_core::kyverno::RuleStatus::Fail => RuleStatus::Fail,
                pss_core::kyverno::RuleStatus::Skip => RuleStatus::Skip,
                pss_core::kyverno::RuleStatus::Error => RuleStatus::Error,
                _ => RuleStatus::Unsupported,
            },
            message: r.message().to_owned(),
            action: match r.action() {
                pss_core::kyverno::FailureAction::Enforce => FailureAction::Enforce,
                pss_core::kyverno::FailureAction::Audit => FailureAction::Audit,
            },
            violations: r.violations().iter().map(Violation::from).collect(),
            warning: r.warning_message().map(str::to_owned),
            warnings: r.warnings().iter().map(Violation::from).collect(),
            unevaluated_enforce: r.unevaluated_enforce(),
        }
    }
}

impl ToJson for PolicyResult {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("policy", &self.policy)
            .field("kyvernoVersion", &self.kyverno_version)
            .field("kind", &self.kind)
            .field("blocked", &self.blocked)
            .field("rules", &self.rules)
            .field("message", &self.message)
            .field("namespace", &self.namespace)
            .end();
    }
}

impl ToJson for RuleResult {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("name", &self.name)
            .field("status", &self.status)
            .field("message", &self.message)
            .field("action", &self.action)
            .field("violations", &self.violations)
            .field("warning", &self.warning)
            .field("warnings", &self.warnings)
            .field("unevaluatedEnforce", &self.unevaluated_enforce)
            .end();
    }
}

impl ToJson for RuleStatus {
    fn write_json(&self, out: &mut String) {
        let name = match self {
            RuleStatus::Pass => "pass",
            RuleStatus::Fail => "fail",
            RuleStatus::Skip => "skip",
            RuleStatus::Error => "error",
            RuleStatus::Unsupported => "unsupported",
        };
        json::write_str(out, name);
    }
}

impl ToJson for FailureAction {
    fn write_json(&self, out: &mut String) {
        json::write_str(out, if *self == FailureAction::Enforce { "Enforce" } else { "Audit" });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::tests::same_as_serde;

    const POLICY: &str = r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "baseline-policy"},
      "spec": {"validationFailureAction": "Enforce", "rules": [{"name": "baseline",
        "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
        "validate": {"podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#;
    const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
      "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

    fn policy(text: &str) -> Result<KyvernoPolicy, PssError> {
        policy_for(text, pss_core::kyverno::KyvernoVersion::NEWEST)
    }

    fn policy_for(text: &str, version: pss_core::kyverno::KyvernoVersion) -> Result<KyvernoPolicy, PssError> {
        pss_core::kyverno::KyvernoPolicy::from_json_str_for(text, version)
            .map(|inner| KyvernoPolicy { inner })
            .map_err(|e| policy_error(&e))
    }

    #[test]
    fn a_privileged_pod_is_blocked_with_kyvernos_words() {
        let p = policy(POLICY).unwrap();
        assert_eq!(p.kyverno_version(), "1.19");
        let r = p.apply_json(PRIVILEGED.as_bytes(), None, None, &[]).unwrap();
        assert_eq!(r.kyverno_version, "1.19");
        assert_eq!(
            r.rules[0].message,
            r#"Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true])"#
        );
        same_as_serde(&r);

        // Kyverno 1.11's words (each failed check ends with a newline; the blocked text drops it).
        let p = policy_for(POLICY, pss_core::kyverno::KyvernoVersion::V1_11).unwrap();
        assert_eq!((p.kind().as_str(), p.name().as_str()), ("ClusterPolicy", "baseline-policy"));
        assert_eq!(p.rule_names(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);
        let r = p.apply_json(PRIVILEGED.as_bytes(), None, None, &[]).unwrap();
        assert!(r.blocked);
        assert_eq!(r.namespace, "default");
        assert_eq!(r.rules.len(), 1);
        assert_eq!((r.rules[0].status, r.rules[0].action), (RuleStatus::Fail, FailureAction::Enforce));
        assert_eq!(
            r.rules[0].message,
            "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})\n"
        );
        assert_eq!(
            r.message.as_deref(),
            Some(
                "resource Pod/default/privileged-pod was blocked due to the following policies\nbaseline-policy:\n  baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})"
            )
        );
        same_as_serde(&r);
    }

    #[test]
    fn controllers_get_the_generated_rules_and_other_kinds_none() {
        let p = policy(POLICY).unwrap();
        let deployment =
            br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "namespace": "dev"},
          "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}"#;
        let r = p.apply_json(deployment, Some("other"), None, &[]).unwrap();
        assert_eq!(r.namespace, "dev");
        assert_eq!(r.rules[0].name, "autogen-baseline");
        assert_eq!(r.rules[0].status, RuleStatus::Pass);
        assert_eq!(r.rules[0].message, "Validation rule 'autogen-baseline' passed.");
        assert!(!r.blocked && r.message.is_none());
        same_as_serde(&r);
        let service = br#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}"#;
        assert!(p.apply_json(service, None, None, &[]).unwrap().rules.is_empty());
        let namespace = br#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}"#;
        assert_eq!(p.apply_json(namespace, None, None, &[]).unwrap().namespace, "");
    }

    /// Where each resource is created: its admission request's namespace (the same cases as
    /// `pss apply`'s test, pss-cli/tests/apply.rs).
    #[test]
    fn resources_are_created_where_their_admission_request_says() {
        let p = policy(POLICY).unwrap();
        let placed = |resource: &str| p.apply_json(resource.as_bytes(), Some("dev"), None, &[]).unwrap().namespace;
        let pod = |namespace: &str| {
            format!(
                r#"{{"apiVersion": "v1", "kind": "Pod", "metadata": {{"name": "p", "namespace": "{namespace}"}},
                  "spec": {{"containers": [{{"name": "c", "image": "i"}}]}}}}"#
            )
        };
        assert_eq!(placed(&pod("")), "dev");
        assert_eq!(placed(&pod("prod")), "prod");
        assert_eq!(
            placed(r#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}}"#),
            ""
        );
        assert_eq!(
            placed(
                r#"{"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}}"#
            ),
            ""
        );
        assert_eq!(
            placed(r#"{"apiVersion": "example.com/v1", "kind": "Namespace", "metadata": {"name": "custom"}}"#),
            "dev"
        );
    }

    /// kyverno/kyverno `test/cli/test-exceptions/exceptions-3` (v1.19.0): the exception allows the
    /// hostPath `/var/lib1` in `staging-ns`.
    #[test]
    fn exceptions_skip_rules_where_they_match() {
        let psa = r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "psa"},
          "spec": {"rules": [{"name": "baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
          "validate": {"failureAction": "Enforce", "podSecurity": {"level": "baseline", "version": "latest"}}}]}}"#;
        let exception = r#"{"apiVersion": "kyverno.io/v2", "kind": "PolicyException",
          "metadata": {"name": "pod-security-exception", "namespace": "policy-exception-ns"},
          "spec": {"exceptions": [{"policyName": "psa", "ruleNames": ["baseline"]}],
          "match": {"any": [{"resources": {"namespaces": ["staging-ns"]}}]},
          "podSecurity": [{"controlName": "HostPath Volumes", "restrictedField": "spec.volumes[*].hostPath", "values": ["/var/lib1"]}]}}"#;
        let pod = br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "excluded-pod"}, "spec": {"volumes": [
          {"name": "host", "hostPath": {"path": "/var/lib1"}}], "containers": [{"name": "nginx", "image": "nginx"}]}}"#;
        let exceptions = [pss_core::kyverno::PolicyException::from_json_str(exception).unwrap()];
        let p = policy(psa).unwrap();
        let r = p.apply_json(pod, Some("staging-ns"), None, &exceptions).unwrap();
        assert_eq!(r.rules[0].status, RuleStatus::Skip);
        assert_eq!(
            r.rules[0].message,
            "rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception"
        );
        same_as_serde(&r);
        assert_eq!(p.apply_json(pod, Some("default"), None, &exceptions).unwrap().rules[0].status, RuleStatus::Fail);
        let old = policy_for(psa, pss_core::kyverno::KyvernoVersion::V1_12).unwrap();
        let e = old.apply_json(pod, Some("staging-ns"), None, &exceptions).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidInput);
        assert!(e
            .message
            .starts_with("PolicyException policy-exception-ns/pod-security-exception was read for Kyverno 1.19"));
        let e =
            pss_core::kyverno::PolicyException::from_json_str_for(exception, pss_core::kyverno::KyvernoVersion::V1_11)
                .unwrap_err();
        assert_eq!(policy_error(&e).details.kind, ErrorKind::UnsupportedPolicy);
    }

    /// Kyverno 1.11 drops a check whole once an image exclusion covers a container: admitted, with a
    /// warning naming the field the standard still forbids.
    #[test]
    fn admitted_violations_are_warned() {
        let excluding = POLICY.replace(
            r#""level": "baseline", "version": "latest""#,
            r#""level": "baseline", "version": "latest", "exclude": [{"controlName": "Capabilities", "images": ["nginx"]}]"#,
        );
        let pod = br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "two"}, "spec": {"containers": [
          {"name": "web", "image": "nginx", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}},
          {"name": "side", "image": "busybox", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}}"#;
        let p = policy_for(&excluding, pss_core::kyverno::KyvernoVersion::V1_11).unwrap();
        let r = p.apply_json(pod, None, None, &[]).unwrap();
        assert_eq!(r.rules[0].status, RuleStatus::Pass);
        assert_eq!(
            r.rules[0].warning.as_deref(),
            Some("Kyverno 1.11 admits it, but it violates PodSecurity \"baseline:latest\": non-default capabilities (spec.containers[1].securityContext.capabilities.add[0])")
        );
        assert_eq!(r.rules[0].warnings.len(), 1);
        assert!(!r.rules[0].unevaluated_enforce);
        same_as_serde(&r);
    }

    #[test]
    fn bad_documents_are_typed_errors() {
        let e = policy(r#"{"apiVersion": "v1", "kind": "Pod"}"#).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::UnsupportedPolicy);
        assert_eq!(e.message, "unsupported policy kind v1/Pod: pss runs kyverno.io ClusterPolicy and Policy documents");
        let invalid = POLICY.replace(
            r#""level": "baseline", "version": "latest""#,
            r#""level": "baseline", "exclude": [{"controlName": "Nope"}]"#,
        );
        let e = policy(&invalid).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidPolicy);
        assert!(e.details.errors[0].path.starts_with("spec.rules[0]"), "{:?}", e.details.errors);
        assert_eq!(e.message, e.details.errors[0].message);
        let e =
            policy(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": 3}}"#).unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidType);
        assert!(e.details.path.is_some() && e.details.line.is_some());
    }
}
