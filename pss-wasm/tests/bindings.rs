//! The Rust side of the bindings, run in wasm by wasm-bindgen-test-runner: in Node by default, in headless
//! Chrome with WASM_BINDGEN_USE_BROWSER=1 (scripts/test-wasm.sh runs both).
#![cfg(target_arch = "wasm32")]

use js_sys::Reflect;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::wasm_bindgen_test;

const PRIVILEGED: &str = r#"{"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod"},
  "spec":{"containers":[{"name":"privileged-pod","image":"nginx","securityContext":{"privileged":true}}]}}"#;

fn get(value: &JsValue, key: &str) -> JsValue {
    Reflect::get(value, &JsValue::from_str(key)).expect("a readable property")
}

fn options(level: &str) -> JsValue {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"level".into(), &level.into()).expect("settable");
    o.into()
}

fn evaluate(pod: JsValue, opts: Option<JsValue>) -> Result<JsValue, JsValue> {
    let opts = opts.map(tsify::Ts::new_unchecked);
    pss_wasm::evaluate(pod, opts).map(JsValue::from)
}

fn evaluate_object(object: JsValue, opts: Option<JsValue>) -> Result<JsValue, JsValue> {
    let opts = opts.map(tsify::Ts::new_unchecked);
    pss_wasm::evaluate_object(object, opts).map(JsValue::from)
}

fn evaluate_spec(spec: JsValue, opts: Option<JsValue>) -> Result<JsValue, JsValue> {
    let opts = opts.map(tsify::Ts::new_unchecked);
    pss_wasm::evaluate_spec(spec, opts).map(JsValue::from)
}

fn kind_of(error: &JsValue) -> Option<String> {
    get(error, "kind").as_string()
}

#[wasm_bindgen_test]
fn privileged_pod_gives_the_admission_message() {
    let r = evaluate(PRIVILEGED.into(), None).expect("evaluates");
    assert_eq!(get(&r, "allowed"), JsValue::FALSE);
    assert_eq!(
        get(&r, "message").as_string().as_deref(),
        Some(
            r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
        )
    );
    let violations: js_sys::Array = get(&r, "violations").dyn_into().expect("an array");
    assert_eq!(violations.length(), 1);
    let field = js_sys::Array::from(&get(&violations.get(0), "fields")).get(0);
    assert_eq!(get(&field, "path").as_string().as_deref(), Some("spec.containers[0].securityContext.privileged"));
    assert_eq!(get(&field, "value"), JsValue::TRUE);
    assert_eq!(get(&field, "container").as_string().as_deref(), Some("privileged-pod"));
}

#[wasm_bindgen_test]
fn objects_and_bytes_are_read_like_text() {
    let object = js_sys::JSON::parse(PRIVILEGED).expect("valid JSON");
    let bytes = js_sys::Uint8Array::from(PRIVILEGED.as_bytes());
    for pod in [object, bytes.into()] {
        let r = evaluate(pod, Some(options("privileged"))).expect("evaluates");
        assert_eq!(get(&r, "allowed"), JsValue::TRUE);
        assert!(get(&r, "message").is_null());
    }
}

#[wasm_bindgen_test]
fn errors_are_js_errors_named_pss_error() {
    let e = evaluate(r#"{"spec": {"hostPID": "yes"}}"#.into(), None).expect_err("a type error");
    let error: js_sys::Error = e.clone().dyn_into().expect("a JS Error");
    assert_eq!(String::from(error.name()), "PssError");
    assert_eq!(String::from(error.message()), "spec.hostPID: expected a boolean, found a string at line 1 column 22");
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalidType"));
    assert_eq!(get(&e, "path").as_string().as_deref(), Some("spec.hostPID"));
    assert_eq!(get(&e, "line").as_f64(), Some(1.0));

    let e = evaluate("{}".into(), Some(options("strict"))).expect_err("a bad level");
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalidLevel"));
    let e = evaluate(JsValue::UNDEFINED, None).expect_err("no pod");
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalidInput"));
}

#[wasm_bindgen_test]
fn bad_calls_leave_the_module_usable() {
    for _ in 0..100 {
        assert!(evaluate("{".into(), None).is_err());
        assert!(evaluate(js_sys::Uint8Array::from(&b"\xff"[..]).into(), None).is_err());
        assert!(evaluate(format!("{{\"a\":{}", "[".repeat(10_000)).into(), None).is_err());
        let r = evaluate(PRIVILEGED.into(), Some(options("restricted"))).expect("evaluates");
        assert_eq!(get(&r, "allowed"), JsValue::FALSE);
    }
}

#[wasm_bindgen_test]
fn checks_and_versions() {
    let checks = pss_wasm::checks().expect("listed");
    assert_eq!(checks.len(), 19);
    let versions = pss_wasm::supported_versions();
    assert_eq!(versions.last().map(String::as_str), Some("latest"));
    assert_eq!(pss_wasm::parse_level("restricted").ok().as_deref(), Some("restricted"));
    assert!(pss_wasm::parse_version("v1.05").is_err());
}

const DEPLOYMENT: &str = r#"{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
  "spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27",
  "securityContext":{"capabilities":{"add":["NET_ADMIN"]}}}]}}}}"#;

#[wasm_bindgen_test]
fn deployments_are_evaluated_through_their_template() {
    let r = evaluate_object(DEPLOYMENT.into(), None).expect("evaluates");
    assert_eq!(get(&r, "workloadKind").as_string().as_deref(), Some("Deployment"));
    assert_eq!(get(&r, "templatePath").as_string().as_deref(), Some("spec.template"));
    let violations = js_sys::Array::from(&get(&r, "violations"));
    let field = js_sys::Array::from(&get(&violations.get(0), "fields")).get(0);
    assert_eq!(
        get(&field, "path").as_string().as_deref(),
        Some("spec.template.spec.containers[0].securityContext.capabilities.add[0]")
    );
    let message = get(&r, "message").as_string().unwrap_or_default();
    assert!(message.starts_with(r#"deployments "web" (pods it creates would be denied): "#), "{message}");

    // The pod entry takes pods only.
    let e = evaluate(DEPLOYMENT.into(), None).expect_err("not a pod");
    assert_eq!(kind_of(&e).as_deref(), Some("unexpectedKind"));
    let r = evaluate_object(r#"{"apiVersion":"v1","kind":"Service"}"#.into(), None).expect("not evaluated");
    assert_eq!(get(&r, "notEvaluated").as_string().as_deref(), Some("notAPodController"));
    assert_eq!(get(&r, "allowed"), JsValue::FALSE);
}

#[wasm_bindgen_test]
fn a_bare_pod_spec_is_denied_through_the_spec_entry_and_an_error_as_a_pod() {
    let spec = r#"{"containers":[{"name":"c","securityContext":{"privileged":true}}]}"#;
    let r = evaluate_spec(spec.into(), None).expect("evaluates");
    assert_eq!(get(&r, "allowed"), JsValue::FALSE);
    assert!(get(&r, "workloadKind").is_null());
    let field = js_sys::Array::from(&get(&js_sys::Array::from(&get(&r, "violations")).get(0), "fields")).get(0);
    assert_eq!(get(&field, "path").as_string().as_deref(), Some("containers[0].securityContext.privileged"));
    assert_eq!(
        get(&r, "message").as_string().as_deref(),
        Some(
            r#"pods is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#
        )
    );
    let e = evaluate(spec.into(), None).expect_err("a spec given as a pod");
    assert_eq!(kind_of(&e).as_deref(), Some("barePodSpec"));
    let r = evaluate_object(spec.into(), None).expect("not evaluated");
    assert_eq!(get(&r, "notEvaluated").as_string().as_deref(), Some("noKind"));
    assert_eq!(get(&r, "allowed"), JsValue::FALSE);
    // A spec takes a level and version, not exclusions.
    let e = evaluate_spec(spec.into(), Some(js_sys::JSON::parse(r#"{"exclusions":[]}"#).expect("JSON")))
        .expect_err("no exclusions for a spec");
    assert_eq!(kind_of(&e).as_deref(), Some("invalidOptions"));
}

#[wasm_bindgen_test]
fn a_level_version_evaluates_pods_specs_and_objects() {
    let lv = pss_wasm::LevelVersion::new(Some(tsify::Ts::new_unchecked(options("restricted")))).expect("valid");
    assert_eq!(
        (lv.level(), lv.version(), lv.to_string_js()),
        ("restricted".into(), "latest".into(), "restricted:latest".into())
    );
    let data = JsValue::from(lv.to_json().expect("data"));
    assert_eq!(get(&data, "level").as_string().as_deref(), Some("restricted"));
    for _ in 0..20 {
        let pod = JsValue::from(lv.evaluate(PRIVILEGED.into()).expect("a pod"));
        assert_eq!(get(&pod, "workloadKind").as_string().as_deref(), Some("Pod"));
        let object = JsValue::from(lv.evaluate_object(DEPLOYMENT.into()).expect("an object"));
        assert_eq!(get(&object, "workloadKind").as_string().as_deref(), Some("Deployment"));
        let spec = JsValue::from(lv.evaluate_spec(r#"{"hostPID":true}"#.into()).expect("a spec"));
        let violations = js_sys::Array::from(&get(&spec, "violations"));
        assert_eq!(get(&violations.get(0), "check").as_string().as_deref(), Some("hostNamespaces"));
    }
    let with_exclusions = pss_wasm::LevelVersion::new(Some(tsify::Ts::new_unchecked(
        js_sys::JSON::parse(r#"{"exclusions":[{"controlName":"Host Namespaces"}]}"#).expect("JSON"),
    )))
    .expect("valid");
    let e = with_exclusions.evaluate_spec(r#"{"hostPID":true}"#.into()).expect_err("exclusions are for pods");
    assert_eq!(kind_of(&e).as_deref(), Some("invalidOptions"));
}

#[wasm_bindgen_test]
fn exclusions_remove_what_they_cover_and_are_validated() {
    let with = |entry: &str| {
        let o = js_sys::JSON::parse(&format!(r#"{{"exclusions":[{entry}]}}"#)).expect("valid JSON");
        evaluate_object(DEPLOYMENT.into(), Some(o))
    };
    let r = with(r#"{"controlName":"Capabilities","images":["nginx*"]}"#).expect("evaluates");
    assert_eq!(get(&r, "allowed"), JsValue::TRUE);
    let r = with(r#"{"controlName":"Capabilities","images":["redis"]}"#).expect("evaluates");
    assert_eq!(get(&r, "allowed"), JsValue::FALSE);
    let e = with(r#"{"controlName":"Capabilities"}"#).expect_err("images are required");
    assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalidExclusion"));
    let error: js_sys::Error = e.dyn_into().expect("a JS Error");
    assert_eq!(
        String::from(error.message()),
        r#"exclusions[0].controlName: Invalid value: "Capabilities": exclude.images must be specified for the container level control"#
    );
}

#[wasm_bindgen_test]
fn namespace_labels_resolve_with_upstream_errors() {
    let labels = js_sys::JSON::parse(
        r#"{"pod-security.kubernetes.io/enforce":"restricted","pod-security.kubernetes.io/warn":"strict"}"#,
    )
    .expect("valid JSON");
    let p = JsValue::from(pss_wasm::policy_from_labels(labels, None).expect("resolves"));
    assert_eq!(get(&get(&p, "enforce"), "level").as_string().as_deref(), Some("restricted"));
    assert_eq!(get(&get(&p, "warn"), "level").as_string().as_deref(), Some("privileged"));
    let errors = js_sys::Array::from(&get(&p, "errors"));
    assert_eq!(errors.length(), 1);
    assert_eq!(
        get(&errors.get(0), "path").as_string().as_deref(),
        Some("metadata.labels[pod-security.kubernetes.io/warn]")
    );
    assert_eq!(get(&errors.get(0), "label").as_string().as_deref(), Some("pod-security.kubernetes.io/warn"));
}

/// The `full` build's bindings (cargo feature `full`; scripts/test-wasm.sh runs the tests with it).
#[cfg(feature = "full")]
mod full {
    use super::*;

    fn parse(json: &str) -> JsValue {
        js_sys::JSON::parse(json).expect("valid JSON")
    }

    #[wasm_bindgen_test]
    fn review_denies_a_privileged_pod_as_the_api_server_does() {
        let options =
            parse(r#"{"namespace":"prod","namespaceLabels":{"pod-security.kubernetes.io/enforce":"baseline"}}"#);
        let d = JsValue::from(
            pss_wasm::review(PRIVILEGED.into(), Some(tsify::Ts::new_unchecked(options))).expect("reviews"),
        );
        assert_eq!(get(&d, "allowed"), JsValue::FALSE);
        assert_eq!(
            get(&d, "denial").as_string().as_deref(),
            Some(
                r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#
            )
        );
        let annotations = get(&d, "auditAnnotations");
        assert_eq!(
            get(&annotations, "pod-security.kubernetes.io/enforce-policy").as_string().as_deref(),
            Some("baseline:latest")
        );
    }

    #[wasm_bindgen_test]
    fn review_says_whether_a_controllers_pods_would_be_denied() {
        let options = parse(r#"{"namespaceLabels":{"pod-security.kubernetes.io/enforce":"baseline"}}"#);
        let d = JsValue::from(
            pss_wasm::review(DEPLOYMENT.into(), Some(tsify::Ts::new_unchecked(options))).expect("reviews"),
        );
        assert_eq!(get(&d, "allowed"), JsValue::TRUE);
        assert!(get(&d, "denial").is_null());
        let pods_denial = get(&d, "podsDenial").as_string().unwrap_or_default();
        assert!(pods_denial.starts_with(r#"deployments "web" (pods it creates would be denied): "#), "{pods_denial}");
        let created = js_sys::Array::from(&get(&get(&d, "createdPods"), "violations"));
        assert_eq!(created.length(), 1);
    }

    #[wasm_bindgen_test]
    fn bad_configurations_and_policies_throw_pss_errors_and_the_module_stays_usable() {
        for _ in 0..20 {
            let e = pss_wasm::Admission::new(Some(JsValue::from_str(r#"{"apiVersion":"pod-security.admission.config.k8s.io/v1","kind":"PodSecurityConfiguration","defaults":{"enforce":"strict"}}"#).unchecked_into()))
                .expect_err("an invalid level");
            assert_eq!(get(&e, "kind").as_string().as_deref(), Some("invalidAdmissionConfig"));
            assert_eq!(get(&e, "path").as_string().as_deref(), Some("defaults.enforce"));
            let e = pss_wasm::KyvernoPolicy::new(r#"{"apiVersion":"v1","kind":"Pod"}"#.into(), None)
                .expect_err("not a policy");
            assert_eq!(get(&e, "kind").as_string().as_deref(), Some("unsupportedPolicy"));
            assert!(pss_wasm::Admission::new(None).is_ok());
        }
    }

    #[wasm_bindgen_test]
    fn kyverno_policies_block_with_kyvernos_message() {
        let policy = pss_wasm::KyvernoPolicy::new(
            parse(
                r#"{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"baseline-policy"},
              "spec":{"validationFailureAction":"Enforce","rules":[{"name":"baseline",
              "match":{"any":[{"resources":{"kinds":["Pod"]}}]},
              "validate":{"podSecurity":{"level":"baseline","version":"latest"}}}]}}"#,
            ),
            None,
        )
        .expect("a valid policy");
        assert_eq!(policy.name(), "baseline-policy");
        let r = JsValue::from(policy.apply(PRIVILEGED.into(), None).expect("applies"));
        assert_eq!(get(&r, "blocked"), JsValue::TRUE);
        let rule = js_sys::Array::from(&get(&r, "rules")).get(0);
        assert_eq!(get(&rule, "status").as_string().as_deref(), Some("fail"));
        assert!(get(&r, "message")
            .as_string()
            .unwrap_or_default()
            .starts_with("resource Pod/default/privileged-pod was blocked due to the following policies\nbaseline-policy:\n  baseline: "));
    }
}
