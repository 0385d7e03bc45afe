//! The invariants pss's fuzz targets check, one function per target. Each takes the fuzzer's bytes,
//! runs them through pss and panics when an invariant fails; returning normally means the input is
//! fine (rejecting it with a clear error is fine too).
//!
//! The same functions replay the committed corpora in `cargo test` (pss-cli/tests/fuzz_corpus.rs),
//! so a stable toolchain without cargo-fuzz still checks every input the fuzzers kept.

mod canonical;
pub mod capi;
mod remediate;
mod stream;

use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
use k8s_openapi::api::batch::v1::{CronJob, Job};
use k8s_openapi::api::core::v1::{Pod, PodTemplate, ReplicationController};
use pss_core::kyverno::KyvernoPolicy;
use pss_core::{
    evaluate, evaluate_json, evaluate_object, Evaluation, Level, LevelVersion, NoPodTemplate, ObjectDocument,
    ObjectSource, PodDocument, Version, WorkloadKind,
};
use serde_json::Value;

pub use canonical::{canonical, has_duplicate_keys};
pub use capi::capi;
pub use remediate::remediate;
pub use stream::manifest_stream;

/// A target's oracle: panics when an invariant fails on the input.
pub type Oracle = fn(&[u8]);

/// The targets by name (the fuzz/corpus directory of each).
pub const TARGETS: [(&str, Oracle); 6] = [
    ("pod_json", pod_json),
    ("object_json", object_json),
    ("manifest_stream", manifest_stream),
    ("capi", capi),
    ("kyverno", kyverno),
    ("remediate", remediate),
];

/// The policies every input is evaluated at: each level, the first version, a middle one, the
/// newest check version and `latest`.
pub fn policies() -> [LevelVersion; 7] {
    [
        LevelVersion::new(Level::Privileged, Version::LATEST),
        LevelVersion::new(Level::Baseline, Version::v1(0)),
        LevelVersion::new(Level::Baseline, Version::LATEST),
        LevelVersion::new(Level::Restricted, Version::v1(0)),
        LevelVersion::new(Level::Restricted, Version::v1(25)),
        LevelVersion::new(Level::Restricted, Version::NEWEST_CHECKS),
        LevelVersion::new(Level::Restricted, Version::LATEST),
    ]
}

/// Checks what holds of any evaluation: privileged allows everything, the aggregate strings agree
/// with the violations, and each field value is JSON equal to its serde form.
fn check_evaluation(lv: LevelVersion, e: &Evaluation) {
    assert_eq!(e.level_version(), lv);
    if lv.level == Level::Privileged {
        assert!(e.allowed(), "privileged denied: {e:?}");
    }
    assert_eq!(e.allowed(), e.violations().is_empty());
    assert_eq!(e.allowed(), e.forbidden_reason().is_empty());
    assert_eq!(e.denial_message("p").is_none(), e.allowed());
    for v in e.violations() {
        for f in v.fields() {
            let shown: Value = serde_json::from_str(&f.value().to_string())
                .unwrap_or_else(|err| panic!("field value {} is not JSON: {err}", f.value()));
            assert_eq!(shown, serde_json::to_value(f.value()).unwrap(), "field {}", f.path());
        }
    }
}

/// Sets `apiVersion` and `kind` on an object value (k8s-openapi requires them; pss ignores them
/// when decoding a pod).
fn with_type(value: &Value, api_version: &str, kind: &str) -> Option<Value> {
    let mut value = value.clone();
    let object = value.as_object_mut()?;
    object.insert("apiVersion".into(), Value::String(api_version.into()));
    object.insert("kind".into(), Value::String(kind.into()));
    Some(value)
}

/// Target `pod_json`: JSON bytes as a pod, at every level and a few versions.
///
/// - Decoding never panics; every evaluation is consistent ([`check_evaluation`]).
/// - When serde_json reads the input too and it has no repeated key, the input re-serialised (keys
///   sorted, escapes rewritten) evaluates the same, and so does the typed path: k8s-openapi's `Pod`
///   decoded from it (when k8s-openapi accepts it) evaluates the same as the JSON path, and the
///   typed pod serialised again evaluates the same once more.
pub fn pod_json(data: &[u8]) {
    let fast: Vec<_> = policies().into_iter().map(|lv| (lv, evaluate_json(lv, data))).collect();
    for (lv, result) in &fast {
        if let Ok(e) = result {
            check_evaluation(*lv, e);
        }
    }
    // `evaluate_json` decodes the pod for the checks alone (its labels, other annotations and
    // owners checked and dropped): the pod decoded whole evaluates the same, or fails the same way.
    let whole = PodDocument::from_slice(data);
    for (lv, result) in &fast {
        match (&whole, result) {
            (Ok(pod), Ok(e)) => {
                assert_eq!(&evaluate(*lv, pod), e, "the pod decoded whole evaluates differently at {lv}")
            }
            (Err(a), Err(b)) => assert_eq!(a, b, "the pod decoded whole fails differently"),
            (a, b) => panic!("decoded whole: {:?}; for the checks: {:?}", a.as_ref().err(), b.as_ref().err()),
        }
    }
    let Some(value) = canonical(data) else { return };
    if !has_duplicate_keys(data) {
        let text = serde_json::to_vec(&value).unwrap();
        for (lv, result) in &fast {
            let again = evaluate_json(*lv, &text);
            match (result, &again) {
                (Ok(a), Ok(b)) => assert_eq!(a, b, "re-serialised input evaluates differently at {lv}"),
                (Err(_), Err(_)) => {}
                _ => panic!("re-serialised input decodes differently at {lv}: {result:?} then {again:?}"),
            }
        }
    }
    let Some(typed_value) = with_type(&value, "v1", "Pod") else { return };
    let text = serde_json::to_vec(&typed_value).unwrap();
    let Ok(pod) = serde_json::from_slice::<Pod>(&text) else { return };
    let round_trip = serde_json::to_vec(&pod).unwrap();
    for lv in policies() {
        let typed = evaluate(lv, &pod);
        check_evaluation(lv, &typed);
        match evaluate_json(lv, &text) {
            Ok(json) => assert_eq!(json, typed, "typed and JSON paths differ at {lv}"),
            // Pod spec fields at the top and no `spec`: k8s-openapi ignores them (an empty pod); pss's
            // pod entry refuses a bare spec rather than allow an empty pod, and its spec entry reads it.
            Err(e) if e.is_bare_pod_spec() => {
                assert!(pod.spec.is_none(), "a bare spec refused although the pod has a spec: {e}");
                continue;
            }
            Err(e) => panic!("k8s-openapi reads the pod but pss does not: {e}"),
        }
        match evaluate_json(lv, &round_trip) {
            Ok(json) => assert_eq!(json, typed, "the typed pod serialised again evaluates differently at {lv}"),
            Err(e) => panic!("pss cannot read the typed pod serialised again: {e}"),
        }
    }
}

/// The typed object of `kind` decoded from `text`, evaluated; `None` when k8s-openapi rejects it.
fn typed_object(kind: WorkloadKind, text: &[u8], lv: LevelVersion) -> Option<Result<Evaluation, NoPodTemplate>> {
    fn eval<T: ObjectSource + serde::de::DeserializeOwned>(
        text: &[u8],
        lv: LevelVersion,
    ) -> Option<Result<Evaluation, NoPodTemplate>> {
        serde_json::from_slice::<T>(text).ok().map(|o| evaluate_object(lv, &o))
    }
    match kind {
        WorkloadKind::Pod => eval::<Pod>(text, lv),
        WorkloadKind::PodTemplate => eval::<PodTemplate>(text, lv),
        WorkloadKind::ReplicationController => eval::<ReplicationController>(text, lv),
        WorkloadKind::ReplicaSet => eval::<ReplicaSet>(text, lv),
        WorkloadKind::Deployment => eval::<Deployment>(text, lv),
        WorkloadKind::StatefulSet => eval::<StatefulSet>(text, lv),
        WorkloadKind::DaemonSet => eval::<DaemonSet>(text, lv),
        WorkloadKind::Job => eval::<Job>(text, lv),
        WorkloadKind::CronJob => eval::<CronJob>(text, lv),
        _ => None,
    }
}

/// Target `object_json`: JSON bytes as any object (a pod, a controller, anything else).
///
/// - A controller's verdict is its template's: the template taken out as a pod evaluates to the
///   same violations, with field paths under the template's path.
/// - Re-serialised input (no repeated keys) evaluates the same; the typed object of its kind
///   (k8s-openapi, when it accepts the text) evaluates the same as the JSON path.
/// - The object decoded for the checks alone (`ObjectDocument::from_slice_for_checks`) evaluates
///   the same as the object decoded whole, or fails the same way.
pub fn object_json(data: &[u8]) {
    let decoded = ObjectDocument::from_slice(data);
    let for_checks = ObjectDocument::from_slice_for_checks(data);
    let (object, for_checks) = match (decoded, for_checks) {
        (Ok(object), Ok(for_checks)) => (object, for_checks),
        (Err(a), Err(b)) => return assert_eq!(a, b, "the object decoded for the checks fails differently"),
        (a, b) => panic!("decoded whole: {:?}; for the checks: {:?}", a.err(), b.err()),
    };
    let results: Vec<_> = policies().into_iter().map(|lv| (lv, evaluate_object(lv, &object))).collect();
    for (lv, result) in &results {
        assert_eq!(&evaluate_object(*lv, &for_checks), result, "the object decoded for the checks differs at {lv}");
    }
    for (lv, result) in &results {
        match result {
            Ok(e) => {
                check_evaluation(*lv, e);
                let kind = object.workload_kind().expect("an evaluated object has a workload kind");
                let prefix = kind.template_path();
                for f in e.violations().iter().flat_map(|v| v.fields()) {
                    let full = f.path().to_string();
                    let path = full.strip_prefix(prefix).unwrap_or_else(|| panic!("{full} not under {prefix}"));
                    assert!(prefix.is_empty() || path.starts_with('.'), "{full}");
                }
            }
            Err(NoPodTemplate::TemplateAbsent { kind }) => assert_eq!(*kind, WorkloadKind::ReplicationController),
            Err(NoPodTemplate::NotAPodController { .. }) => assert_eq!(object.workload_kind(), None),
            Err(NoPodTemplate::NoKind) => {
                assert_eq!(object.workload_kind(), None);
                assert_eq!(object.header().class(), pss_core::ObjectClass::NoKind);
            }
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    let Some(value) = canonical(data) else { return };
    let text = serde_json::to_vec(&value).unwrap();
    let again = ObjectDocument::from_slice(&text).expect("re-serialised object decodes");
    let again_results: Vec<_> = policies().into_iter().map(|lv| (lv, evaluate_object(lv, &again))).collect();
    if !has_duplicate_keys(data) {
        assert_eq!(again.workload_kind(), object.workload_kind());
        assert_eq!(again_results, results, "re-serialised object evaluates differently");
    }
    // From here on serde_json's reading is compared with pss's, on the re-serialised text (a repeated
    // key merges in pss as in Go, while serde_json keeps the last value).
    let results = again_results;
    let Some(kind) = again.workload_kind() else { return };
    // The template as a pod of its own.
    if kind != WorkloadKind::Pod {
        let pointer = format!("/{}", kind.template_path().replace('.', "/"));
        if let Some(template) = value.pointer(&pointer).filter(|t| t.is_object()) {
            let pod = serde_json::to_vec(template).unwrap();
            for (lv, result) in &results {
                let (Ok(controller), Ok(pod)) = (result, evaluate_json(*lv, &pod)) else { continue };
                assert_eq!(controller.violations().len(), pod.violations().len(), "{kind} at {lv}");
                for (c, p) in controller.violations().iter().zip(pod.violations()) {
                    assert_eq!((c.check(), c.reason(), c.detail()), (p.check(), p.reason(), p.detail()));
                    assert_eq!(c.fields().len(), p.fields().len());
                    for (cf, pf) in c.fields().iter().zip(p.fields()) {
                        assert_eq!(cf.path(), format!("{}.{}", kind.template_path(), pf.path()));
                        assert_eq!((cf.value(), cf.container()), (pf.value(), pf.container()));
                    }
                }
            }
        }
    }
    // The typed object: only when the text says the apiVersion k8s-openapi wants.
    let want = match kind.group() {
        "" => "v1".to_owned(),
        group => format!("{group}/v1"),
    };
    if value.get("apiVersion").and_then(Value::as_str) != Some(want.as_str()) {
        return;
    }
    for (lv, result) in &results {
        let Some(typed) = typed_object(kind, &text, *lv) else { return };
        match result {
            Ok(_) | Err(NoPodTemplate::TemplateAbsent { .. }) => {
                assert_eq!(&typed, result, "typed and JSON paths differ for a {kind} at {lv}")
            }
            Err(e) => panic!("k8s-openapi reads the {kind} but pss does not: {e}"),
        }
    }
}

/// Target `kyverno`: a Kyverno policy and a resource, JSON texts separated by a NUL byte (which
/// JSON text cannot hold).
///
/// - Reading the policy never panics; applying a policy read to any object never panics.
/// - The policy re-serialised (no repeated keys) reads as the same policy.
/// - The result is consistent: the policy is blocked when one of its rules blocks, and only then
///   or when a rule errors; exactly when it has a blocked message.
/// - Applying it to the resource re-serialised gives the same result.
pub fn kyverno(data: &[u8]) {
    let (policy_text, resource_text) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b"{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"}}"[..]),
    };
    let Ok(policy_str) = std::str::from_utf8(policy_text) else { return };
    let Ok(policy) = KyvernoPolicy::from_json_str(policy_str) else { return };
    if let Some(value) = canonical(policy_text).filter(|_| !has_duplicate_keys(policy_text)) {
        let again = KyvernoPolicy::from_json_str(&serde_json::to_string(&value).unwrap());
        assert_eq!(again.as_ref(), Ok(&policy), "re-serialised policy reads differently");
    }
    let Ok(resource) = ObjectDocument::from_slice(resource_text) else { return };
    let namespace = resource.namespace().unwrap_or("default");
    let result = policy.apply(&resource, namespace, None);
    assert_eq!(result.policy(), policy.name());
    // Blocked when a rule blocks, or (failurePolicy Fail) when a rule errors; never otherwise.
    if result.rules().iter().any(|r| r.blocks()) {
        assert!(result.blocked(), "{result:?}");
    }
    if result.blocked() {
        assert!(
            result.rules().iter().any(|r| r.blocks() || r.status() == pss_core::kyverno::RuleStatus::Error),
            "{result:?}"
        );
    }
    let message = pss_core::kyverno::blocked_message(&resource, namespace, std::slice::from_ref(&result));
    assert_eq!(message.is_some(), result.blocked(), "{result:?}");
    for rule in result.rules() {
        assert!(policy.rule_names().any(|n| n == rule.name()), "result for an unknown rule {}", rule.name());
    }
    assert_eq!(policy.apply(&resource, namespace, None), result, "applying twice differs");
    if let Some(value) = canonical(resource_text).filter(|_| !has_duplicate_keys(resource_text)) {
        let text = serde_json::to_vec(&value).unwrap();
        let again = ObjectDocument::from_slice(&text).expect("re-serialised resource decodes");
        assert_eq!(policy.apply(&again, namespace, None), result, "re-serialised resource gives another result");
    }
}
