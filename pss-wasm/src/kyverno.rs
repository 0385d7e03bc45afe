//! Kyverno policies: the `KyvernoPolicy` class (a `ClusterPolicy` or `Policy` document, validated as
//! Kyverno validates it) and `apply` (its `validate.podSecurity` rules on one resource, with
//! Kyverno's messages).

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
    /// Kyverno's message: `Validation rule 'baseline' passed.`, `Validation rule 'baseline' failed.
    /// It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:... ForbiddenDetail:...})`,
    /// or why the rule could not run.
    pub message: String,
    /// The failure action for this rule and resource.
    pub action: FailureAction,
    /// The failed checks left after the rule's exclusions, in Kyverno's order, field paths relative
    /// to the resource.
    pub violations: Vec<Violation>,
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
    /// The rule did not apply (a ReplicationController without a pod template).
    Skip,
    /// The rule could not be evaluated (an invalid version, an object without a pod spec).
    Error,
    /// A rule type pss does not run (`mutate`, `validate.pattern`, ...); never silently passed.
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
    /// The namespace of a resource without `metadata.namespace` (`"default"` by default, as kubectl).
    #[tsify(optional)]
    pub namespace: Option<String>,
    /// The labels of the resource's namespace, for `namespaceSelector`s (which match nothing
    /// without them).
    #[tsify(optional, type = "Record<string, string>")]
    pub namespace_labels: Option<BTreeMap<String, String>>,
}

/// A Kyverno `ClusterPolicy` or `Policy` (`kyverno.io/v1`, `v2beta1`, ...), validated as Kyverno
/// validates it; its `validate.podSecurity` rules run offline as Kyverno's admission webhook runs
/// them (match and exclude, the rules generated for pod controllers, failure actions).
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
/// // Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "privileged-pod" must not set securityContext.privileged=true})
/// ```
#[wasm_bindgen]
#[derive(Debug, Clone)]
pub struct KyvernoPolicy {
    inner: pss_core::kyverno::KyvernoPolicy,
}

#[wasm_bindgen]
impl KyvernoPolicy {
    /// Reads a policy document: JSON text, a `Uint8Array` or an object (decode YAML first).
    ///
    /// Throws a `PssError`: of kind `unsupportedPolicy` for any other document (`unsupported policy
    /// kind v1/Pod: ...`), of kind `invalidPolicy` for a policy Kyverno would reject (its messages,
    /// each in `error.errors`: `spec.rules[0].validate.podSecurity.exclude[0].controlName: Invalid
    /// value: ...`), or of the decoding kinds (`syntax`, `invalidType`, ...) with the path and position.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] document: JsValue,
    ) -> Result<KyvernoPolicy, JsValue> {
        let read = || -> Result<KyvernoPolicy, PssError> {
            let json = object::json_bytes(&document, "the policy")?;
            let inner = pss_core::kyverno::KyvernoPolicy::from_slice(&json).map_err(|e| policy_error(&e))?;
            Ok(KyvernoPolicy { inner })
        };
        read().map_err(PssError::into_js)
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
    /// blocking message when one blocks it. A Namespace is cluster-scoped; any other resource is
    /// in its `metadata.namespace`, or in `options.namespace` (`"default"`).
    ///
    /// Throws a `PssError` for a resource that cannot be decoded and of kind `invalidOptions` for
    /// bad options.
    pub fn apply(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string | Uint8Array | object")] resource: JsValue,
        options: Option<Ts<ApplyOptions>>,
    ) -> Result<Ts<PolicyResult>, JsValue> {
        self.run(&resource, options.map(|o| o.js_value())).map_err(PssError::into_js).and_then(|r| error::to_js(&r))
    }
}

impl KyvernoPolicy {
    fn run(&self, resource: &JsValue, options: Option<JsValue>) -> Result<PolicyResult, PssError> {
        let (default_namespace, labels) = match &options {
            None => (None, None),
            Some(value) => {
                let o = object::Options::new(value, &["namespace", "namespaceLabels"], "")?;
                let labels = o.get("namespaceLabels").map(|l| object::string_map(&l, "namespaceLabels")).transpose()?;
                (o.string("namespace")?, labels)
            }
        };
        self.apply_json(&object::json_bytes(resource, "the resource")?, default_namespace.as_deref(), labels.as_ref())
    }

    fn apply_json(
        &self,
        json: &[u8],
        default_namespace: Option<&str>,
        labels: Option<&BTreeMap<String, String>>,
    ) -> Result<PolicyResult, PssError> {
        let obj = pss_core::ObjectDocument::from_slice(json)?;
        let namespace = if obj.kind() == Some("Namespace") {
            ""
        } else {
            obj.namespace().or(default_namespace).unwrap_or("default")
        };
        let result = self.inner.apply(&obj, namespace, labels);
        let message = pss_core::kyverno::blocked_message(&obj, namespace, std::slice::from_ref(&result));
        Ok(PolicyResult {
            policy: result.policy().to_owned(),
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
        }
    }
}

impl ToJson for PolicyResult {
    fn write_json(&self, out: &mut String) {
        Object::new(out)
            .field("policy", &self.policy)
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
        pss_core::kyverno::KyvernoPolicy::from_json_str(text)
            .map(|inner| KyvernoPolicy { inner })
            .map_err(|e| policy_error(&e))
    }

    #[test]
    fn a_privileged_pod_is_blocked_with_kyvernos_words() {
        let p = policy(POLICY).unwrap();
        assert_eq!((p.kind().as_str(), p.name().as_str()), ("ClusterPolicy", "baseline-policy"));
        assert_eq!(p.rule_names(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);
        let r = p.apply_json(PRIVILEGED.as_bytes(), None, None).unwrap();
        assert!(r.blocked);
        assert_eq!(r.namespace, "default");
        assert_eq!(r.rules.len(), 1);
        assert_eq!((r.rules[0].status, r.rules[0].action), (RuleStatus::Fail, FailureAction::Enforce));
        assert_eq!(
            r.rules[0].message,
            r#"Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "privileged-pod" must not set securityContext.privileged=true})"#
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
        let r = p.apply_json(deployment, Some("other"), None).unwrap();
        assert_eq!(r.namespace, "dev");
        assert_eq!(r.rules[0].name, "autogen-baseline");
        assert_eq!(r.rules[0].status, RuleStatus::Pass);
        assert_eq!(r.rules[0].message, "Validation rule 'autogen-baseline' passed.");
        assert!(!r.blocked && r.message.is_none());
        same_as_serde(&r);
        let service = br#"{"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}"#;
        assert!(p.apply_json(service, None, None).unwrap().rules.is_empty());
        let namespace = br#"{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n"}}"#;
        assert_eq!(p.apply_json(namespace, None, None).unwrap().namespace, "");
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
