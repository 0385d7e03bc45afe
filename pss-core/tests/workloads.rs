//! Pod controllers: every kind upstream knows, with field paths relative to the object, the
//! template's own metadata, and typed == JSON.

mod common;

use k8s_openapi::api::core::v1::ReplicationController;
use pss_core::{evaluate_json_str, evaluate_object, LevelVersion, NoPodTemplate, ObjectDocument, WorkloadKind};
use pss_testgen::KINDS;
use serde_json::{json, Value};

/// A template whose own metadata carries an AppArmor annotation and whose container is privileged.
fn template() -> Value {
    json!({
        "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}},
        "spec": {"containers": [{"name": "c", "image": "nginx", "securityContext": {"privileged": true}}]}
    })
}

/// `template` placed where `kind` keeps it.
fn object(api_version: &str, kind: &str, template: Value) -> Value {
    let mut obj = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "w", "namespace": "ns",
        // The controller's own annotations must not count.
        "annotations": {"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}}});
    match kind {
        "Pod" => {
            obj["metadata"]["annotations"] = template["metadata"]["annotations"].clone();
            obj["spec"] = template["spec"].clone();
        }
        "PodTemplate" => obj["template"] = template,
        "CronJob" => obj["spec"] = json!({"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}}),
        _ => obj["spec"] = json!({"replicas": 1, "template": template}),
    }
    obj
}

#[test]
fn every_kind_is_evaluated_through_its_template() {
    for k in KINDS {
        let (api_version, kind, prefix) = (k.api_version, k.kind, k.path_prefix());
        let text = serde_json::to_string(&object(api_version, kind, template())).unwrap();
        let obj = ObjectDocument::from_str(&text).unwrap();
        assert_eq!(obj.workload_kind().map(|k| k.kind()), Some(kind));
        assert_eq!(obj.name(), Some("w"));
        let result = evaluate_object(LevelVersion::default(), &obj).unwrap();
        let reasons: Vec<&str> = result.iter().map(|v| v.reason()).collect();
        assert_eq!(reasons, ["forbidden AppArmor profile", "privileged"], "{kind}");
        assert_eq!(result[1].detail(), r#"container "c" must not set securityContext.privileged=true"#);
        let meta = if prefix.is_empty() { "metadata".to_owned() } else { format!("{prefix}metadata") };
        assert_eq!(
            result[0].fields().get(0).unwrap().path(),
            format!("{meta}.annotations[container.apparmor.security.beta.kubernetes.io/c]")
        );
        assert_eq!(
            result[1].fields().get(0).unwrap().path(),
            format!("{prefix}spec.containers[0].securityContext.privileged")
        );
        assert_eq!(common::typed_object(kind, LevelVersion::default(), &text), result, "{kind}: typed and JSON differ");
        // The template alone, as a pod, gives the same verdict.
        let as_pod = evaluate_json_str(LevelVersion::default(), &template().to_string()).unwrap();
        assert_eq!(as_pod.forbidden_detail(), result.forbidden_detail());
    }
}

#[test]
fn other_kinds_and_absent_templates() {
    let svc = ObjectDocument::from_str(r#"{"apiVersion": "v1", "kind": "Service", "spec": {"ports": [{"port": 80}]}}"#)
        .unwrap();
    assert_eq!(svc.workload_kind(), None);
    let err = evaluate_object(LevelVersion::default(), &svc).unwrap_err();
    assert_eq!(err, NoPodTemplate::NotAPodController { kind: "Service".into() });
    assert_eq!(err.to_string(), "no pod template: Service is not a pod or a pod controller");

    // A Deployment of another API group is not a pod controller upstream knows.
    let crd =
        ObjectDocument::from_str(r#"{"apiVersion": "example.com/v1", "kind": "Deployment", "spec": {}}"#).unwrap();
    assert!(matches!(evaluate_object(LevelVersion::default(), &crd), Err(NoPodTemplate::NotAPodController { .. })));

    // A ReplicationController's template is optional; without it there is nothing to evaluate.
    for text in [
        r#"{"apiVersion": "v1", "kind": "ReplicationController", "spec": {"replicas": 1}}"#,
        r#"{"apiVersion": "v1", "kind": "ReplicationController", "spec": {"template": null}}"#,
        r#"{"apiVersion": "v1", "kind": "ReplicationController"}"#,
    ] {
        let rc = ObjectDocument::from_str(text).unwrap();
        let err = evaluate_object(LevelVersion::default(), &rc).unwrap_err();
        assert_eq!(err, NoPodTemplate::TemplateAbsent { kind: WorkloadKind::ReplicationController });
        assert_eq!(err.to_string(), "no pod template: the ReplicationController has no spec.template");
        let typed: ReplicationController = serde_json::from_str(text).unwrap();
        assert_eq!(evaluate_object(LevelVersion::default(), &typed).unwrap_err(), err);
    }
    // Other controllers always have a (possibly empty) template, as in Go.
    let empty = ObjectDocument::from_str(r#"{"apiVersion": "apps/v1", "kind": "Deployment"}"#).unwrap();
    assert!(evaluate_object("restricted:latest".parse().unwrap(), &empty).unwrap().allowed());
}

#[test]
fn template_errors_name_the_object_path() {
    let text = r#"{"apiVersion": "batch/v1", "kind": "CronJob", "spec": {"jobTemplate": {"spec": {"template": {"spec": {"hostPID": 1}}}}}}"#;
    let err = ObjectDocument::from_str(text).unwrap_err();
    assert_eq!(err.path(), Some("spec.jobTemplate.spec.template.spec.hostPID"));
    assert!(err.is_invalid_type());
    // The header is read for every kind, so a bad name is an error wherever it is.
    let err = ObjectDocument::from_str(r#"{"kind": "Service", "metadata": {"name": 5}}"#).unwrap_err();
    assert_eq!(err.path(), Some("metadata.name"));
}
