//! Kyverno `validate.podSecurity` policies: exact messages (Kyverno 1.8–1.11's format), autogen,
//! versions, exclusions, validation, failure actions and unsupported rules.

mod common;

use std::collections::BTreeMap;

use pss_core::kyverno::{blocked_message, FailureAction, KyvernoPolicy, PolicyError, PolicyKind, RuleStatus};
use pss_core::{CheckId, ObjectDocument};
use serde_json::{json, Value};

const SEED_POLICY: &str = include_str!("../../examples/baseline-policy.yaml");
const SEED_POD: &str = include_str!("../../examples/privileged-pod.yaml");

fn policy(doc: &Value) -> KyvernoPolicy {
    KyvernoPolicy::from_json_str(&doc.to_string()).expect("valid policy")
}

fn policy_error(doc: &Value) -> PolicyError {
    KyvernoPolicy::from_json_str(&doc.to_string()).expect_err("invalid policy")
}

/// A ClusterPolicy named `p` with one podSecurity rule `r` matching `kinds`.
fn pss_policy(kinds: &[&str], pod_security: Value) -> Value {
    json!({
        "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
        "spec": {"validationFailureAction": "Enforce", "rules": [{
            "name": "r", "match": {"any": [{"resources": {"kinds": kinds}}]},
            "validate": {"podSecurity": pod_security}}]}
    })
}

fn pod(spec: Value) -> String {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "default"}, "spec": spec})
        .to_string()
}

/// The messages of the rules that matched, by rule name.
fn messages(policy: &KyvernoPolicy, object: &str) -> Vec<(String, RuleStatus, String)> {
    let obj = ObjectDocument::from_str(object).unwrap();
    policy
        .apply(&obj, obj.namespace().unwrap_or("default"), None)
        .rules()
        .iter()
        .map(|r| (r.name().to_owned(), r.status(), r.message().to_owned()))
        .collect()
}

/// The single rule result's message.
fn message(policy: &KyvernoPolicy, object: &str) -> String {
    let mut all = messages(policy, object);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0).2
}

fn prefix(rule: &str, lv: &str) -> String {
    format!("Validation rule '{rule}' failed. It violates PodSecurity \"{lv}\": ")
}

fn group(reason: &str, detail: &str) -> String {
    format!("({{Allowed:false ForbiddenReason:{reason} ForbiddenDetail:{detail}}})")
}

// ---- the seed ------------------------------------------------------------------------------

#[test]
fn seed_policy_blocks_the_privileged_pod_with_kyvernos_message() {
    let policy = KyvernoPolicy::from_json_str(&common::yaml_to_json(SEED_POLICY)).unwrap();
    assert_eq!(policy.name(), "baseline-policy");
    assert_eq!(policy.kind(), PolicyKind::ClusterPolicy);
    assert_eq!(policy.rule_names().collect::<Vec<_>>(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);

    let json = common::yaml_to_json(SEED_POD);
    let pod = ObjectDocument::from_str(&json).unwrap();
    let result = policy.apply(&pod, "default", None);
    assert_eq!(result.policy(), "baseline-policy");
    assert!(result.blocked());
    let [rule] = result.rules() else { panic!("{:?}", result.rules()) };
    assert_eq!(rule.name(), "baseline");
    assert_eq!(rule.status(), RuleStatus::Fail);
    assert_eq!(rule.action(), FailureAction::Enforce);
    assert_eq!(
        rule.message(),
        r#"Validation rule 'baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "privileged-pod" must not set securityContext.privileged=true})"#
    );
    assert_eq!(rule.violations().len(), 1);
    assert_eq!(rule.violations()[0].fields()[0].path(), "spec.containers[0].securityContext.privileged");

    assert_eq!(
        blocked_message(&pod, "default", &[result]).unwrap(),
        "resource Pod/default/privileged-pod was blocked due to the following policies\n\
         baseline-policy:\n  \
         baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})"
    );
}

#[test]
fn seed_policy_passes_a_compliant_pod() {
    let policy = KyvernoPolicy::from_json_str(&common::yaml_to_json(SEED_POLICY)).unwrap();
    let ok = pod(json!({"containers": [{"name": "c", "image": "nginx"}]}));
    assert_eq!(
        messages(&policy, &ok),
        [("baseline".to_owned(), RuleStatus::Pass, "Validation rule 'baseline' passed.".to_owned())]
    );
    let obj = ObjectDocument::from_str(&ok).unwrap();
    assert_eq!(blocked_message(&obj, "default", &[policy.apply(&obj, "default", None)]), None);
}

// ---- autogen -------------------------------------------------------------------------------

fn controller(api_version: &str, kind: &str, template_spec: Value) -> String {
    let template = json!({"metadata": {"labels": {"app": "x"}}, "spec": template_spec});
    let spec = if kind == "CronJob" {
        json!({"schedule": "* * * * *", "jobTemplate": {"spec": {"template": template}}})
    } else {
        json!({"template": template})
    };
    json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": "nginx", "namespace": "default"}, "spec": spec})
        .to_string()
}

fn privileged_nginx() -> Value {
    json!({"containers": [{"name": "nginx", "image": "nginx", "securityContext": {"privileged": true}}]})
}

const NGINX_PRIVILEGED: &str = r#"({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "nginx" must not set securityContext.privileged=true})"#;

#[test]
fn deployments_and_cronjobs_run_the_generated_rules() {
    let policy = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "latest"})));
    let deployment = controller("apps/v1", "Deployment", privileged_nginx());
    assert_eq!(
        messages(&policy, &deployment),
        [(
            "autogen-r".to_owned(),
            RuleStatus::Fail,
            format!("{}{NGINX_PRIVILEGED}", prefix("autogen-r", "baseline:latest"))
        )]
    );
    let cronjob = controller("batch/v1", "CronJob", privileged_nginx());
    assert_eq!(
        messages(&policy, &cronjob),
        [(
            "autogen-cronjob-r".to_owned(),
            RuleStatus::Fail,
            format!("{}{NGINX_PRIVILEGED}", prefix("autogen-cronjob-r", "baseline:latest"))
        )]
    );
    for (av, kind) in [
        ("apps/v1", "DaemonSet"),
        ("batch/v1", "Job"),
        ("apps/v1", "StatefulSet"),
        ("apps/v1", "ReplicaSet"),
        ("v1", "ReplicationController"),
    ] {
        let names: Vec<String> =
            messages(&policy, &controller(av, kind, privileged_nginx())).into_iter().map(|m| m.0).collect();
        assert_eq!(names, ["autogen-r"], "{kind}");
    }
    // The violations point into the template.
    let obj = ObjectDocument::from_str(&cronjob).unwrap();
    let result = policy.apply(&obj, "default", None);
    assert_eq!(
        result.rules()[0].violations()[0].fields()[0].path(),
        "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"
    );
    assert_eq!(
        blocked_message(&obj, "default", &[result]).unwrap(),
        format!(
            "resource CronJob/default/nginx was blocked due to the following policies\np:\n  autogen-cronjob-r: {}{NGINX_PRIVILEGED}",
            prefix("autogen-cronjob-r", "baseline:latest")
        )
    );
}

#[test]
fn seed_deployment_message_matches_kyvernos() {
    // Kyverno's report (1.11, era C): `Validation rule 'autogen-baseline' failed. ... ForbiddenDetail:container "nginx" ...`.
    let policy = KyvernoPolicy::from_json_str(&common::yaml_to_json(SEED_POLICY)).unwrap();
    assert_eq!(
        message(&policy, &controller("apps/v1", "Deployment", privileged_nginx())),
        r#"Validation rule 'autogen-baseline' failed. It violates PodSecurity "baseline:latest": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container "nginx" must not set securityContext.privileged=true})"#
    );
}

fn with_annotation(mut doc: Value, value: &str) -> Value {
    doc["metadata"]["annotations"] = json!({"pod-policies.kyverno.io/autogen-controllers": value});
    doc
}

#[test]
fn autogen_controllers_annotation() {
    let base = pss_policy(&["Pod"], json!({"level": "baseline"}));
    let names = |doc: &Value| policy(doc).rule_names().map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(names(&with_annotation(base.clone(), "none")), ["r"]);
    assert_eq!(names(&with_annotation(base.clone(), "all")), ["r", "autogen-r", "autogen-cronjob-r"]);
    assert_eq!(names(&with_annotation(base.clone(), "CronJob")), ["r", "autogen-cronjob-r"]);
    assert_eq!(names(&with_annotation(base.clone(), "Deployment")), ["r", "autogen-r"]);

    // Spaces after the commas are ignored (Kyverno would drop StatefulSet here).
    let trimmed = policy(&with_annotation(base.clone(), "Deployment, StatefulSet"));
    let sts = controller("apps/v1", "StatefulSet", privileged_nginx());
    assert_eq!(messages(&trimmed, &sts).len(), 1);
    assert_eq!(messages(&trimmed, &sts)[0].0, "autogen-r");
    assert!(messages(&trimmed, &controller("apps/v1", "DaemonSet", privileged_nginx())).is_empty());
    assert!(messages(&trimmed, &controller("batch/v1", "CronJob", privileged_nginx())).is_empty());

    let none = policy(&with_annotation(base, "none"));
    assert!(messages(&none, &controller("apps/v1", "Deployment", privileged_nginx())).is_empty());
}

#[test]
fn no_autogen_when_the_policy_selects_by_name_selector_or_mixes_kinds() {
    let names = |doc: &Value| policy(doc).rule_names().map(str::to_owned).collect::<Vec<_>>();
    let mut by_name = pss_policy(&["Pod"], json!({"level": "baseline"}));
    by_name["spec"]["rules"][0]["match"]["any"][0]["resources"]["names"] = json!(["web-*"]);
    assert_eq!(names(&by_name), ["r"]);

    let mut by_selector = pss_policy(&["Pod"], json!({"level": "baseline"}));
    by_selector["spec"]["rules"][0]["match"]["any"][0]["resources"]["selector"] =
        json!({"matchLabels": {"app": "web"}});
    assert_eq!(names(&by_selector), ["r"]);

    let mixed = pss_policy(&["Pod", "Deployment"], json!({"level": "baseline"}));
    assert_eq!(names(&mixed), ["r"]);
    // The mixed rule runs on Deployments directly, under its own name.
    assert_eq!(
        message(&policy(&mixed), &controller("apps/v1", "Deployment", privileged_nginx())),
        format!("{}{NGINX_PRIVILEGED}", prefix("r", "baseline:"))
    );

    // The annotation cannot force it.
    assert_eq!(names(&with_annotation(by_name, "Deployment")), ["r"]);
}

#[test]
fn a_rule_matching_only_deployments() {
    let policy = policy(&pss_policy(&["Deployment"], json!({"level": "baseline", "version": "latest"})));
    assert_eq!(policy.rule_names().collect::<Vec<_>>(), ["r"]);
    assert_eq!(
        message(&policy, &controller("apps/v1", "Deployment", privileged_nginx())),
        format!("{}{NGINX_PRIVILEGED}", prefix("r", "baseline:latest"))
    );
    assert!(messages(&policy, &pod(privileged_nginx())).is_empty());
    assert!(messages(&policy, &controller("apps/v1", "StatefulSet", privileged_nginx())).is_empty());
}

#[test]
fn cronjobs_use_the_pod_templates_metadata() {
    let policy = policy(&pss_policy(&["Pod"], json!({"level": "baseline"})));
    let mut doc: Value =
        serde_json::from_str(&controller("batch/v1", "CronJob", json!({"containers": [{"name": "c", "image": "x"}]})))
            .unwrap();
    // Kyverno reads `spec.jobTemplate.metadata`; the pod template's own annotations are what runs.
    doc["spec"]["jobTemplate"]["metadata"] =
        json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}});
    doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"] =
        json!({"container.apparmor.security.beta.kubernetes.io/c": "unconfined"});
    assert_eq!(
        message(&policy, &doc.to_string()),
        format!(
            "{}{}",
            prefix("autogen-cronjob-r", "baseline:"),
            group(
                "forbidden AppArmor profile",
                r#"annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/c="unconfined"""#
            )
        )
    );
}

// ---- checks, levels and versions -------------------------------------------------------------

#[test]
fn restricted_reports_every_failing_check_in_kyvernos_order() {
    // Kyverno's documentation, validate.md ("restricted:latest", hostIPC, container01).
    let policy = policy(&pss_policy(&["Pod"], json!({"level": "restricted", "version": "latest"})));
    let object = pod(json!({"hostIPC": true, "containers": [{"name": "container01", "image": "dummyimagename"}]}));
    assert_eq!(
        message(&policy, &object),
        r#"Validation rule 'r' failed. It violates PodSecurity "restricted:latest": ({Allowed:false ForbiddenReason:allowPrivilegeEscalation != false ForbiddenDetail:container "container01" must set securityContext.allowPrivilegeEscalation=false})
({Allowed:false ForbiddenReason:unrestricted capabilities ForbiddenDetail:container "container01" must set securityContext.capabilities.drop=["ALL"]})
({Allowed:false ForbiddenReason:host namespaces ForbiddenDetail:hostIPC=true})
({Allowed:false ForbiddenReason:runAsNonRoot != true ForbiddenDetail:pod or container "container01" must set securityContext.runAsNonRoot=true})
({Allowed:false ForbiddenReason:seccompProfile ForbiddenDetail:pod or container "container01" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"})"#
    );
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = policy.apply(&obj, "default", None);
    let ids: Vec<CheckId> = result.rules()[0].violations().iter().map(|v| v.check()).collect();
    assert_eq!(
        ids,
        [
            CheckId::AllowPrivilegeEscalation,
            CheckId::CapabilitiesRestricted,
            CheckId::HostNamespaces,
            CheckId::RunAsNonRoot,
            CheckId::SeccompProfileRestricted
        ]
    );
    // Several groups: the blocked text indents the further lines by four spaces.
    let text = blocked_message(&obj, "default", &[result]).unwrap();
    assert!(text.contains("\n  r: Validation rule 'r' failed."), "{text}");
    assert!(text.contains("})\n    ({Allowed:false ForbiddenReason:unrestricted capabilities "), "{text}");
    assert!(text.ends_with(r#"to "RuntimeDefault" or "Localhost"})"#), "{text}");
}

#[test]
fn restricted_reports_both_capabilities_checks() {
    let policy = policy(&pss_policy(&["Pod"], json!({"level": "restricted"})));
    let object = pod(json!({
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"add": ["NET_ADMIN"]}}}]
    }));
    assert_eq!(
        message(&policy, &object),
        format!(
            "{}{}\n{}",
            prefix("r", "restricted:"),
            group(
                "non-default capabilities",
                r#"container "c" must not include "NET_ADMIN" in securityContext.capabilities.add"#
            ),
            group(
                "unrestricted capabilities",
                r#"container "c" must set securityContext.capabilities.drop=["ALL"]; container "c" must not include "NET_ADMIN" in securityContext.capabilities.add"#
            )
        )
    );
}

#[test]
fn baseline_runs_only_baseline_checks_and_privileged_allows_everything() {
    let object = pod(json!({"hostPID": true, "containers": [{"name": "c", "image": "x",
        "securityContext": {"privileged": true, "runAsUser": 0}}]}));
    let baseline = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "v1.30"})));
    assert_eq!(
        message(&baseline, &object),
        format!(
            "{}{}\n{}",
            prefix("r", "baseline:v1.30"),
            group("host namespaces", "hostPID=true"),
            group("privileged", r#"container "c" must not set securityContext.privileged=true"#)
        )
    );
    let privileged = policy(&pss_policy(&["Pod"], json!({"level": "privileged", "version": "latest"})));
    assert_eq!(
        messages(&privileged, &object),
        [("r".to_owned(), RuleStatus::Pass, "Validation rule 'r' passed.".to_owned())]
    );
}

#[test]
fn a_check_newer_than_the_pinned_version_does_not_run() {
    let object = pod(json!({
        "securityContext": {"runAsNonRoot": true, "runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    }));
    let at = |v: &str| policy(&pss_policy(&["Pod"], json!({"level": "restricted", "version": v})));
    // runAsUser starts at v1.23.
    assert_eq!(message(&at("v1.22"), &object), "Validation rule 'r' passed.");
    assert_eq!(
        message(&at("v1.23"), &object),
        format!("{}{}", prefix("r", "restricted:v1.23"), group("runAsUser=0", "pod must not set runAsUser=0"))
    );

    // hostProbesAndHostLifecycle starts at v1.34.
    let probe = pod(json!({"containers": [{"name": "c", "image": "x",
        "livenessProbe": {"httpGet": {"host": "example.com", "port": 80}}}]}));
    let baseline = |v: &str| policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": v})));
    assert_eq!(message(&baseline("v1.33"), &probe), "Validation rule 'r' passed.");
    assert_eq!(
        message(&baseline("v1.34"), &probe),
        format!(
            "{}{}",
            prefix("r", "baseline:v1.34"),
            group("probe or lifecycle host", r#"container "c" uses probe or lifecycle host "example.com""#)
        )
    );
}

#[test]
fn each_check_runs_at_its_own_version() {
    // Kyverno ≤1.12.5 also ran sysctls v1.0 at v1.29 and rejected tcp_keepalive_time (kyverno#10897).
    let object = pod(json!({"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_keepalive_time", "value": "60"}]},
        "containers": [{"name": "c", "image": "x"}]}));
    let at = |v: &str| policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": v})));
    assert_eq!(
        message(&at("v1.28"), &object),
        format!("{}{}", prefix("r", "baseline:v1.28"), group("forbidden sysctls", "net.ipv4.tcp_keepalive_time"))
    );
    assert_eq!(messages(&at("v1.29"), &object)[0].2, "Validation rule 'r' passed.");
    assert_eq!(messages(&at("latest"), &object)[0].2, "Validation rule 'r' passed.");
}

#[test]
fn an_invalid_version_is_a_rule_error() {
    for version in ["v1.24.3", "1.24", "v2.0", "Latest"] {
        let policy = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": version})));
        assert_eq!(
            messages(&policy, &pod(privileged_nginx())),
            [(
                "r".to_owned(),
                RuleStatus::Error,
                r#"failed to parse pod security api version: must be "latest" or "v1.x""#.to_owned()
            )],
            "{version}"
        );
        let text = pod(privileged_nginx());
        let obj = ObjectDocument::from_str(&text).unwrap();
        let result = policy.apply(&obj, "default", None);
        assert!(!result.blocked(), "errors do not block");
        assert_eq!(blocked_message(&obj, "default", &[result]), None);
    }
}

#[test]
fn objects_without_a_pod_spec() {
    let policy = policy(&pss_policy(&["*"], json!({"level": "baseline"})));
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}).to_string();
    assert_eq!(
        messages(&policy, &service),
        [(
            "r".to_owned(),
            RuleStatus::Error,
            "Error while getting new resource: could not find correct resource type".to_owned()
        )]
    );
    let rc = json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"}, "spec": {}});
    assert_eq!(
        messages(&policy, &rc.to_string()),
        [("r".to_owned(), RuleStatus::Skip, "rule skipped: the ReplicationController has no spec.template".to_owned())]
    );
}

// ---- exclusions ------------------------------------------------------------------------------

fn two_privileged() -> Value {
    json!({"initContainers": [{"name": "init", "image": "busybox:1.36", "securityContext": {"privileged": true}}],
        "containers": [
            {"name": "web", "image": "nginx:1.25", "securityContext": {"privileged": true}},
            {"name": "side", "image": "docker.io/envoy:v1", "securityContext": {"privileged": true}}]})
}

const THREE_PRIVILEGED: &str = r#"({Allowed:false ForbiddenReason:privileged ForbiddenDetail:containers "init", "web", "side" must not set securityContext.privileged=true})"#;

#[test]
fn exclusion_by_image_wildcards() {
    let exclude = |images: Value| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "baseline", "version": "latest",
                "exclude": [{"controlName": "Privileged Containers", "images": images}]}),
        ))
    };
    let object = pod(two_privileged());
    // Every container matched: the check is gone and the rule passes.
    assert_eq!(message(&exclude(json!(["nginx*", "busybox:?.??", "*envoy*"])), &object), "Validation rule 'r' passed.");
    // No container matched (case-sensitive, whole string).
    assert_eq!(
        message(&exclude(json!(["NGINX*", "nginx", "envoy*"])), &object),
        format!("{}{THREE_PRIVILEGED}", prefix("r", "baseline:latest"))
    );
    // Some matched: the check stays, with the detail unchanged and the remaining fields only.
    let partial = exclude(json!(["nginx:*", "busybox*"]));
    assert_eq!(message(&partial, &object), format!("{}{THREE_PRIVILEGED}", prefix("r", "baseline:latest")));
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = partial.apply(&obj, "default", None);
    let fields: Vec<(&str, Option<&str>)> =
        result.rules()[0].violations()[0].fields().iter().map(|f| (f.path(), f.container())).collect();
    assert_eq!(fields, [("spec.containers[1].securityContext.privileged", Some("side"))]);
}

#[test]
fn exclusion_applies_only_to_its_controls_checks() {
    let policy = policy(&pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [{"controlName": "Host Ports", "images": ["*"]}]}),
    ));
    let object = pod(json!({"hostNetwork": true, "containers": [{"name": "c", "image": "x",
        "ports": [{"containerPort": 80, "hostPort": 80}], "securityContext": {"privileged": true}}]}));
    assert_eq!(
        message(&policy, &object),
        format!(
            "{}{}\n{}",
            prefix("r", "baseline:"),
            group("host namespaces", "hostNetwork=true"),
            group("privileged", r#"container "c" must not set securityContext.privileged=true"#)
        )
    );
}

#[test]
fn pod_level_exclusions() {
    let object = pod(json!({"hostNetwork": true, "hostPID": true, "containers": [{"name": "c", "image": "x"}]}));
    let excluded =
        policy(&pss_policy(&["Pod"], json!({"level": "baseline", "exclude": [{"controlName": "Host Namespaces"}]})));
    assert_eq!(message(&excluded, &object), "Validation rule 'r' passed.");

    // One field by restrictedField and values: hostPID stays.
    let one = policy(&pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [
            {"controlName": "Host Namespaces", "restrictedField": "spec.hostNetwork", "values": ["true"]}]}),
    ));
    assert_eq!(
        message(&one, &object),
        format!("{}{}", prefix("r", "baseline:"), group("host namespaces", "hostNetwork=true, hostPID=true"))
    );
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = one.apply(&obj, "default", None);
    let paths: Vec<&str> = result.rules()[0].violations()[0].fields().iter().map(|f| f.path()).collect();
    assert_eq!(paths, ["spec.hostPID"]);

    // A pod-level entry does not touch container fields (Kyverno's probe pod would, through its
    // fake container): runAsNonRoot unset on the container stays.
    let restricted = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "Running as Non-root"}]}),
    ));
    let rr = pod(json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}));
    assert_eq!(
        message(&restricted, &rr),
        format!(
            "{}{}",
            prefix("r", "restricted:"),
            group("runAsNonRoot != true", r#"pod or container "c" must set securityContext.runAsNonRoot=true"#)
        )
    );
    let with_images = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "Running as Non-root", "images": ["*"]}]}),
    ));
    assert_eq!(message(&with_images, &rr), "Validation rule 'r' passed.");
}

#[test]
fn exclusion_by_restricted_field_and_values() {
    let object = pod(json!({"containers": [{"name": "c", "image": "nginx", "securityContext": {
        "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}]}));
    let caps = |field: &str, values: Value| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "baseline", "exclude": [{"controlName": "Capabilities", "images": ["nginx"],
                "restrictedField": field, "values": values}]}),
        ))
    };
    let failed = format!(
        "{}{}",
        prefix("r", "baseline:"),
        group(
            "non-default capabilities",
            r#"container "c" must not include "NET_ADMIN", "SYS_TIME" in securityContext.capabilities.add"#
        )
    );
    // The list's path and the elements' path both name the added capabilities.
    assert_eq!(
        message(&caps("spec.containers[*].securityContext.capabilities.add", json!(["NET_*", "SYS_TIME"])), &object),
        "Validation rule 'r' passed."
    );
    assert_eq!(
        message(&caps("spec.containers[*].securityContext.capabilities.add[*]", json!(["*"])), &object),
        "Validation rule 'r' passed."
    );
    // Values not matching, or another field: nothing excluded.
    assert_eq!(
        message(&caps("spec.containers[*].securityContext.capabilities.add", json!(["SYS_ADMIN"])), &object),
        failed
    );
    assert_eq!(
        message(&caps("spec.initContainers[*].securityContext.capabilities.add", json!(["*"])), &object),
        failed
    );
    assert_eq!(message(&caps("spec.containers[0].securityContext.capabilities.add", json!(["*"])), &object), failed);
    // One value matching: the check stays with the other capability's field.
    let partial = caps("spec.containers[*].securityContext.capabilities.add", json!(["NET_ADMIN"]));
    assert_eq!(message(&partial, &object), failed);
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = partial.apply(&obj, "default", None);
    let paths: Vec<&str> = result.rules()[0].violations()[0].fields().iter().map(|f| f.path()).collect();
    assert_eq!(paths, ["spec.containers[0].securityContext.capabilities.add[1]"]);
}

#[test]
fn values_do_not_exclude_unset_fields() {
    // allowPrivilegeEscalation unset (required false) has no value; Kyverno would exclude it.
    let object = pod(json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {"capabilities": {"drop": ["ALL"]}}}]}));
    let escalation = |values: Value| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "restricted", "exclude": [{"controlName": "Privilege Escalation", "images": ["*"],
                "restrictedField": "spec.containers[*].securityContext.allowPrivilegeEscalation", "values": values}]}),
        ))
    };
    let failed = format!(
        "{}{}",
        prefix("r", "restricted:"),
        group(
            "allowPrivilegeEscalation != false",
            r#"container "c" must set securityContext.allowPrivilegeEscalation=false"#
        )
    );
    assert_eq!(message(&escalation(json!(["*"])), &object), failed);
    // Set to true, it has a value and is excluded.
    let explicit = pod(json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": true, "capabilities": {"drop": ["ALL"]}}}]}));
    assert_eq!(message(&escalation(json!(["true"])), &explicit), "Validation rule 'r' passed.");
    assert_eq!(message(&escalation(json!(["false"])), &explicit), failed);
}

#[test]
fn restricted_fields_keep_digits_in_names() {
    // Kyverno turns every digit run into `*`, so `.../web2]` could never be named; pss keeps it.
    let object = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {
        "container.apparmor.security.beta.kubernetes.io/web2": "unconfined"}},
        "spec": {"containers": [{"name": "web2", "image": "x"}]}})
    .to_string();
    let apparmor = |field: &str| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "baseline", "exclude": [{"controlName": "AppArmor",
                "restrictedField": field, "values": ["unconfined"]}]}),
        ))
    };
    assert_eq!(
        message(&apparmor("metadata.annotations[container.apparmor.security.beta.kubernetes.io/web2]"), &object),
        "Validation rule 'r' passed."
    );
    assert_eq!(
        message(&apparmor("metadata.annotations[container.apparmor.security.beta.kubernetes.io/web*]"), &object),
        format!(
            "{}{}",
            prefix("r", "baseline:"),
            group(
                "forbidden AppArmor profile",
                r#"annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/web2="unconfined"""#
            )
        )
    );
}

#[test]
fn procmount_is_reported_once() {
    let object = pod(json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}, "procMount": "Unmasked"}}]}));
    let at = |level: &str| {
        let p = policy(&pss_policy(&["Pod"], json!({"level": level, "version": "latest"})));
        let obj = ObjectDocument::from_str(&object).unwrap();
        let result = p.apply(&obj, "default", None);
        result.rules()[0].violations().iter().map(|v| v.check()).collect::<Vec<_>>()
    };
    assert_eq!(at("baseline"), [CheckId::ProcMount]);
    assert_eq!(at("restricted"), [CheckId::ProcMountRestricted]);
    let excluded = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "/proc Mount Type", "images": ["x"]}]}),
    ));
    assert_eq!(message(&excluded, &object), "Validation rule 'r' passed.");
}

#[test]
fn host_probes_cannot_be_excluded_and_order_survives_exclusions() {
    let object = pod(json!({"hostIPC": true, "containers": [{"name": "c", "image": "x",
        "readinessProbe": {"tcpSocket": {"host": "10.0.0.1", "port": 80}},
        "securityContext": {"privileged": true, "seLinuxOptions": {"type": "spc_t"}}}]}));
    let policy = policy(&pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [{"controlName": "Privileged Containers", "images": ["y"]}]}),
    ));
    let obj = ObjectDocument::from_str(&object).unwrap();
    let ids: Vec<CheckId> =
        policy.apply(&obj, "default", None).rules()[0].violations().iter().map(|v| v.check()).collect();
    assert_eq!(
        ids,
        [CheckId::HostNamespaces, CheckId::HostProbesAndHostLifecycle, CheckId::Privileged, CheckId::SeLinuxOptions]
    );
}

// ---- validation --------------------------------------------------------------------------------

fn invalid(exclude: Value, level: &str) -> String {
    policy_error(&pss_policy(&["Pod"], json!({"level": level, "exclude": exclude}))).to_string()
}

#[test]
fn policy_validation_messages() {
    assert_eq!(
        invalid(json!([{"controlName": "Privileged Containers"}]), "baseline"),
        r#"spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control"#
    );
    assert_eq!(
        invalid(json!([{"controlName": "Host Namespaces", "images": ["nginx"]}]), "baseline"),
        r#"spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "Host Namespaces": exclude.images must not be specified for the pod level control"#
    );
    assert_eq!(
        invalid(
            json!([{"controlName": "Sysctls", "restrictedField": "spec.securityContext.sysctls[*].name"}]),
            "baseline"
        ),
        "spec.rules[0].podSecurity.exclude[0].values: Forbidden: values is required"
    );
    assert_eq!(
        invalid(json!([{"controlName": "Sysctls", "values": ["kernel.*"]}]), "baseline"),
        "spec.rules[0].podSecurity.exclude[0].restrictedField: Forbidden: restrictedField is required"
    );
    // Kyverno's own test (Test_ValidatePSaControlNames): a restricted control at baseline.
    assert_eq!(
        invalid(
            json!([{"controlName": "Running as Non-root", "images": ["nginx", "nodejs"]},
                {"controlName": "Seccomp", "images": ["nginx", "nodejs"]}]),
            "baseline"
        ),
        r#"spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "Running as Non-root": Invalid control name defined at the given level"#
    );
    assert_eq!(
        invalid(json!([{"controlName": "Volume Types"}, {"controlName": "Privilege Escalation"}]), "baseline"),
        "[spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: \"Volume Types\": Invalid control name defined at the given level, \
         spec.rules[0].podSecurity.exclude[1].controlName: Invalid value: \"Privilege Escalation\": exclude.images must be specified for the container level control, \
         spec.rules[0].podSecurity.exclude[1].controlName: Invalid value: \"Privilege Escalation\": Invalid control name defined at the given level]"
    );
    assert_eq!(
        invalid(json!([{"controlName": "Privileged"}]), "baseline"),
        "spec.rules[0].validate.podSecurity.exclude[0].controlName: Unsupported value: \"Privileged\": supported values: \
         \"HostProcess\", \"Host Namespaces\", \"Privileged Containers\", \"Capabilities\", \"HostPath Volumes\", \"Host Ports\", \
         \"AppArmor\", \"SELinux\", \"/proc Mount Type\", \"Seccomp\", \"Sysctls\", \"Volume Types\", \"Privilege Escalation\", \
         \"Running as Non-root\", \"Running as Non-root user\""
    );
    assert_eq!(
        invalid(json!([]), "strict"),
        r#"spec.rules[0].validate.podSecurity.level: Unsupported value: "strict": supported values: "privileged", "baseline", "restricted""#
    );
    let err = policy_error(&pss_policy(&["Pod"], json!({"version": "latest"})));
    assert!(err.is_invalid());
    assert_eq!(err.to_string(), "spec.rules[0].validate.podSecurity.level: Required value");
    let PolicyError::Invalid { name, errors } = err else { unreachable!() };
    assert_eq!(name, "p");
    assert_eq!(errors[0].path(), "spec.rules[0].validate.podSecurity.level");
}

#[test]
fn valid_exclusions_at_restricted() {
    let p = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [
            {"controlName": "Volume Types"},
            {"controlName": "Seccomp"},
            {"controlName": "Seccomp", "images": ["*"]},
            {"controlName": "Capabilities", "images": ["*"]},
            {"controlName": "Running as Non-root user", "images": ["a"], "restrictedField": "spec.containers[*].securityContext.runAsUser", "values": ["0"]}]}),
    ));
    assert_eq!(p.rule_names().count(), 3);
}

#[test]
fn rule_shape_errors() {
    let doc = |rule: Value| json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"}, "spec": {"rules": [rule]}});
    let m = json!({"any": [{"resources": {"kinds": ["Pod"]}}]});
    assert_eq!(
        policy_error(&doc(json!({"name": "x", "match": m}))).to_string(),
        "spec.rules[0]: No operation defined in the rule 'x'.(supported operations: mutate,validate,generate,verifyImages)"
    );
    assert_eq!(
        policy_error(&doc(json!({"name": "x", "match": m, "mutate": {"patchStrategicMerge": {}},
            "validate": {"podSecurity": {"level": "baseline"}}})))
        .to_string(),
        "spec.rules[0]: Multiple operations defined in the rule 'x', only one operation (mutate,validate,generate,verifyImages) is allowed per rule"
    );
    assert_eq!(
        policy_error(&doc(json!({"name": "x", "match": {"any": [{"resources": {"kinds": ["Pod"]}}], "all": [{"resources": {"kinds": ["Pod"]}}]},
            "validate": {"podSecurity": {"level": "baseline"}}})))
        .to_string(),
        "spec.rules[0].match: Can't specify any and all together"
    );
    assert_eq!(
        policy_error(&doc(json!({"name": "x", "match": m, "validate": {"message": "m"}}))).to_string(),
        "spec.rules[0].validate: one of pattern, anyPattern, deny, foreach, cel must be specified"
    );
    assert_eq!(
        policy_error(&doc(
            json!({"name": "x", "match": m, "validate": {"deny": {}, "podSecurity": {"level": "baseline"}}})
        ))
        .to_string(),
        "spec.rules[0].validate: only one of pattern, anyPattern, deny, foreach, cel can be specified"
    );
}

#[test]
fn decode_errors_and_other_kinds() {
    let err = KyvernoPolicy::from_json_str(r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "spec": {"rules": [{"match": {"any": [{"resources": {"kinds": "Pod"}}]}}]}}"#).unwrap_err();
    assert!(err.is_decode());
    assert_eq!(
        err.to_string(),
        "spec.rules[0].match.any[0].resources.kinds: expected an array, found a string at line 1 column 120"
    );
    let err = KyvernoPolicy::from_json_str(r#"{"apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy"}"#)
        .unwrap_err();
    assert!(err.is_unsupported_kind());
    assert_eq!(
        err.to_string(),
        "unsupported policy kind policies.kyverno.io/v1/ValidatingPolicy: pss runs kyverno.io ClusterPolicy and Policy documents"
    );
    assert!(KyvernoPolicy::from_json_str("[1]").unwrap_err().is_decode());
    assert!(KyvernoPolicy::from_slice(b"\xff").unwrap_err().is_decode());
    // v2beta1 and a namespaced Policy are read too.
    let mut v2 = pss_policy(&["Pod"], json!({"level": "baseline"}));
    v2["apiVersion"] = json!("kyverno.io/v2beta1");
    v2["kind"] = json!("Policy");
    v2["metadata"]["namespace"] = json!("team");
    let p = policy(&v2);
    assert_eq!(p.kind(), PolicyKind::Policy);
    assert_eq!(p.namespace(), Some("team"));
    let text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&text).unwrap();
    assert!(p.apply(&obj, "default", None).rules().is_empty());
    assert_eq!(p.apply(&obj, "team", None).rules().len(), 1);
}

// ---- failure action ------------------------------------------------------------------------------

#[test]
fn failure_action_and_overrides() {
    let obj_text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&obj_text).unwrap();
    let action = |doc: &Value, ns: &str, labels: Option<&BTreeMap<String, String>>| {
        let r = policy(doc).apply(&obj, ns, labels);
        (r.rules()[0].action(), r.blocked())
    };
    let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
    assert_eq!(action(&doc, "default", None), (FailureAction::Enforce, true));
    for audit in [json!("Audit"), json!("audit"), json!("Warn"), Value::Null] {
        doc["spec"]["validationFailureAction"] = audit;
        assert_eq!(action(&doc, "default", None), (FailureAction::Audit, false));
    }
    doc["spec"]["validationFailureAction"] = json!("enforce");
    assert_eq!(action(&doc, "default", None), (FailureAction::Enforce, true));

    // Overrides by namespace (wildcards), then by namespace selector.
    doc["spec"]["validationFailureActionOverrides"] = json!([
        {"action": "Bogus", "namespaces": ["*"]},
        {"action": "Audit", "namespaces": ["dev-*"]},
        {"action": "audit", "namespaceSelector": {"matchLabels": {"env": "test"}}}
    ]);
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Audit, false));
    assert_eq!(action(&doc, "prod", None), (FailureAction::Enforce, true));
    let test = BTreeMap::from([("env".to_owned(), "test".to_owned())]);
    assert_eq!(action(&doc, "prod", Some(&test)), (FailureAction::Audit, false));

    // The rule's own failureAction wins over the policy's overrides and action.
    doc["spec"]["rules"][0]["validate"]["failureAction"] = json!("Enforce");
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Enforce, true));
    doc["spec"]["rules"][0]["validate"]["failureActionOverrides"] =
        json!([{"action": "Audit", "namespaces": ["dev-1"]}]);
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Audit, false));
    assert_eq!(action(&doc, "dev-2", None), (FailureAction::Enforce, true));
}

#[test]
fn blocked_text_lists_enforced_failures_of_every_policy_sorted() {
    let obj_text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&obj_text).unwrap();
    let mut b = pss_policy(&["Pod"], json!({"level": "baseline"}));
    b["metadata"]["name"] = json!("b-policy");
    b["spec"]["rules"] = json!([
        {"name": "zz", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline", "version": "v1.30"}}},
        {"name": "aa", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"failureAction": "Audit", "podSecurity": {"level": "baseline"}}}
    ]);
    let mut a = pss_policy(&["Pod"], json!({"level": "restricted", "version": "bogus"}));
    a["metadata"]["name"] = json!("a-policy");
    let mut audit = pss_policy(&["Pod"], json!({"level": "baseline"}));
    audit["metadata"]["name"] = json!("0-audit");
    audit["spec"]["validationFailureAction"] = json!("Audit");
    let results: Vec<_> = [b, a, audit].iter().map(|d| policy(d).apply(&obj, "default", None)).collect();
    assert_eq!(
        blocked_message(&obj, "default", &results).unwrap(),
        format!(
            "resource Pod/default/p was blocked due to the following policies\n\
             a-policy:\n  r: failed to parse pod security api version: must be \"latest\" or \"v1.x\"\n\
             b-policy:\n  zz: {}{NGINX_PRIVILEGED}",
            prefix("zz", "baseline:v1.30")
        )
    );
}

// ---- matching ------------------------------------------------------------------------------------

#[test]
fn match_and_exclude_blocks() {
    let obj_text = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web-1", "namespace": "prod",
        "labels": {"app": "web", "tier": "front"}, "annotations": {"team": "blue"}},
        "spec": privileged_nginx()})
    .to_string();
    let obj = ObjectDocument::from_str(&obj_text).unwrap();
    let matched = |m: Value, exclude: Option<Value>| {
        let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
        doc["spec"]["rules"][0]["match"] = m;
        if let Some(e) = exclude {
            doc["spec"]["rules"][0]["exclude"] = e;
        }
        !policy(&doc).apply(&obj, "prod", None).rules().is_empty()
    };
    let any = |r: Value| json!({"any": [{"resources": r}]});
    assert!(matched(any(json!({"kinds": ["v1/Pod"]})), None));
    assert!(matched(any(json!({"kinds": ["*/Pod"]})), None));
    assert!(matched(any(json!({"kinds": ["*"]})), None));
    assert!(!matched(any(json!({"kinds": ["apps/v1/Pod"]})), None));
    assert!(!matched(any(json!({"kinds": ["Pod/exec"]})), None));
    assert!(matched(any(json!({"kinds": ["Pod"], "names": ["web-?"], "namespaces": ["pr*"]})), None));
    assert!(!matched(any(json!({"kinds": ["Pod"], "name": "api-*"})), None));
    assert!(matched(any(json!({"kinds": ["Pod"], "annotations": {"te*": "bl?e"}})), None));
    assert!(matched(
        any(json!({"kinds": ["Pod"], "selector": {"matchLabels": {"app": "web"},
        "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}})),
        None
    ));
    assert!(!matched(any(json!({"kinds": ["Pod"], "selector": {"matchLabels": {"app": "api"}}})), None));
    assert!(matched(any(json!({"kinds": ["Pod"], "operations": ["CREATE", "UPDATE"]})), None));
    assert!(!matched(any(json!({"kinds": ["Pod"], "operations": ["UPDATE"]})), None));
    // Offline: no user, and namespace labels only when given.
    assert!(!matched(
        json!({"any": [{"resources": {"kinds": ["Pod"]}, "subjects": [{"kind": "User", "name": "a"}]}]}),
        None
    ));
    assert!(!matched(any(json!({"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"env": "prod"}}})), None));
    // all: every filter; direct form.
    assert!(matched(
        json!({"all": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"namespaces": ["prod"]}}]}),
        None
    ));
    assert!(!matched(
        json!({"all": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"namespaces": ["dev"]}}]}),
        None
    ));
    assert!(matched(json!({"resources": {"kinds": ["Pod"]}}), None));
    // exclude.
    assert!(!matched(any(json!({"kinds": ["Pod"]})), Some(json!({"any": [{"resources": {"namespaces": ["prod"]}}]}))));
    assert!(matched(any(json!({"kinds": ["Pod"]})), Some(json!({"any": [{"resources": {"namespaces": ["dev"]}}]}))));
    assert!(matched(
        any(json!({"kinds": ["Pod"]})),
        Some(json!({"all": [{"resources": {"namespaces": ["prod"]}}, {"resources": {"names": ["api"]}}]}))
    ));
    assert!(matched(
        any(json!({"kinds": ["Pod"]})),
        Some(json!({"any": [{"subjects": [{"kind": "User", "name": "a"}]}]}))
    ));

    // namespaceSelector with the namespace's labels.
    let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
    doc["spec"]["rules"][0]["match"] =
        any(json!({"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"env": "prod"}}}));
    let labels = BTreeMap::from([("env".to_owned(), "prod".to_owned())]);
    assert_eq!(policy(&doc).apply(&obj, "prod", Some(&labels)).rules().len(), 1);
}

/// Maps (annotations, matchLabels) are Go maps: the order of their keys is not part of the policy.
/// Found by the fuzzer's oracle, which re-serialises a policy with its keys sorted.
#[test]
fn policies_differing_only_in_map_key_order_are_equal() {
    let text = |annotations: &str, labels: &str| {
        format!(
            r#"{{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{{"name":"p"}},"spec":{{"rules":[{{
            "name":"r","match":{{"any":[{{"resources":{{"kinds":["Pod"],"annotations":{annotations},
            "selector":{{"matchLabels":{labels}}}}}}}]}},"validate":{{"podSecurity":{{"level":"baseline"}}}}}}]}}}}"#
        )
    };
    let read = |a: &str, l: &str| KyvernoPolicy::from_json_str(&text(a, l)).expect("valid policy");
    let sorted = read(r#"{"a":"1","b":"2"}"#, r#"{"app":"web","tier":"front"}"#);
    assert_eq!(read(r#"{"b":"2","a":"1"}"#, r#"{"tier":"front","app":"web"}"#), sorted);
    // The last of repeated keys still wins, wherever it stands.
    assert_eq!(read(r#"{"b":"9","a":"1","b":"2"}"#, r#"{"tier":"front","app":"web"}"#), sorted);
    assert_ne!(read(r#"{"a":"1","b":"3"}"#, r#"{"app":"web","tier":"front"}"#), sorted);
}

/// Kyverno matches `name` and `names` against `metadata.generateName` when the resource has no name
/// (pkg/engine/utils/match.go), as for pods created by controllers and `kubectl create` with
/// generateName.
#[test]
fn names_match_the_generate_name_of_an_unnamed_resource() {
    let applies = |metadata: Value, resources: Value| {
        let text =
            json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": privileged_nginx()}).to_string();
        let obj = ObjectDocument::from_str(&text).unwrap();
        let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
        doc["spec"]["rules"][0]["match"] = json!({"any": [{"resources": resources}]});
        !policy(&doc).apply(&obj, "prod", None).rules().is_empty()
    };
    let names = json!({"kinds": ["Pod"], "names": ["web-*"]});
    let name = json!({"kinds": ["Pod"], "name": "web-*"});
    assert!(applies(json!({"generateName": "web-"}), names.clone()));
    assert!(applies(json!({"generateName": "web-"}), name.clone()));
    assert!(applies(json!({"name": "", "generateName": "web-"}), names.clone()), "an empty name is no name");
    assert!(!applies(json!({"name": "api", "generateName": "web-"}), names.clone()), "a name wins");
    assert!(!applies(json!({"generateName": "api-"}), name));
    assert!(!applies(json!({}), names));
}

#[test]
fn apply_rules_one_stops_after_the_first_applied_rule() {
    let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
    doc["spec"]["applyRules"] = json!("One");
    doc["spec"]["rules"] = json!([
        {"name": "m", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "mutate": {"patchStrategicMerge": {"metadata": {}}}},
        {"name": "first", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline"}}},
        {"name": "second", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "restricted"}}}
    ]);
    let names: Vec<String> = messages(&policy(&doc), &pod(privileged_nginx())).into_iter().map(|m| m.0).collect();
    assert_eq!(names, ["m", "first"]);
}

// ---- unsupported -------------------------------------------------------------------------------

#[test]
fn other_rule_types_are_unsupported_not_passed() {
    let rules = json!([
        {"name": "mut", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "b"}}}}},
        {"name": "pat", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"message": "m", "pattern": {"spec": {}}}},
        {"name": "any", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"anyPattern": [{"spec": {}}]}},
        {"name": "deny", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"deny": {"conditions": []}}},
        {"name": "fe", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"foreach": [{"list": "x"}]}},
        {"name": "cel", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"cel": {"expressions": []}}},
        {"name": "vi", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "verifyImages": [{"imageReferences": ["*"]}]},
        {"name": "pre", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "preconditions": {"all": [{"key": "a", "operator": "Equals", "value": "a"}]},
            "validate": {"podSecurity": {"level": "baseline"}}},
        {"name": "ctx", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "context": [{"name": "x", "variable": {"value": 1}}],
            "validate": {"podSecurity": {"level": "baseline"}}}
    ]);
    let doc = json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
        "spec": {"validationFailureAction": "Enforce", "rules": rules}});
    let p = policy(&doc);
    let got = messages(&p, &pod(privileged_nginx()));
    let expected = [
        ("mut", "a mutate rule"),
        ("pat", "a validate.pattern rule"),
        ("any", "a validate.anyPattern rule"),
        ("deny", "a validate.deny rule"),
        ("fe", "a validate.foreach rule"),
        ("cel", "a validate.cel rule"),
        ("vi", "a verifyImages rule"),
        ("pre", "a validate.podSecurity rule with preconditions"),
        ("ctx", "a validate.podSecurity rule with context"),
    ];
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((name, status, msg), (want_name, what)) in got.iter().zip(expected) {
        assert_eq!(name, want_name);
        assert_eq!(*status, RuleStatus::Unsupported);
        assert_eq!(msg, &format!("{what} is not supported: pss runs validate.podSecurity rules only"));
    }
    let text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&text).unwrap();
    assert!(!p.apply(&obj, "default", None).blocked());
}

#[test]
fn generate_rules_stop_autogen() {
    let doc = json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
        "spec": {"rules": [
            {"name": "g", "match": {"any": [{"resources": {"kinds": ["Namespace"]}}]}, "generate": {"kind": "ConfigMap", "name": "x"}},
            {"name": "r", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline"}}}]}});
    assert_eq!(policy(&doc).rule_names().collect::<Vec<_>>(), ["g", "r"]);
}

#[test]
fn public_types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KyvernoPolicy>();
    assert_send_sync::<pss_core::kyverno::PolicyResult>();
    assert_send_sync::<pss_core::kyverno::RuleResult>();
    assert_send_sync::<PolicyError>();
    assert_send_sync::<pss_core::FieldError>();
}

mod standalone_exclusions {
    use pss_core::kyverno::{evaluate_object_excluding, PodSecurityExclusion};
    use pss_core::{LevelVersion, ObjectDocument};

    const POD: &str = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "spec": {"template": {"spec": {
        "hostIPC": true,
        "containers": [
            {"name": "a", "image": "nginx:1", "securityContext": {"capabilities": {"add": ["NET_RAW", "SYS_ADMIN"]}}},
            {"name": "b", "image": "redis", "securityContext": {"capabilities": {"add": ["NET_RAW"]}}}]}}}}"#;

    fn excl(control: &str, images: &[&str], field: &str, values: &[&str]) -> PodSecurityExclusion {
        PodSecurityExclusion::new(control, images.iter().copied(), field, values.iter().copied()).unwrap()
    }

    fn reasons_and_paths(exclusions: &[PodSecurityExclusion]) -> Vec<(String, Vec<String>)> {
        let obj = ObjectDocument::from_str(POD).unwrap();
        evaluate_object_excluding(LevelVersion::default(), &obj, exclusions)
            .unwrap()
            .iter()
            .map(|v| (v.reason().to_owned(), v.fields().iter().map(|f| f.path().to_owned()).collect()))
            .collect()
    }

    #[test]
    fn nothing_excluded_is_upstreams_evaluation() {
        let all = reasons_and_paths(&[]);
        assert_eq!(all[0].0, "non-default capabilities");
        assert_eq!(all[0].1.len(), 3);
        assert_eq!(all[1].0, "host namespaces");
        // An entry for another control, or for images that match nothing, changes nothing.
        assert_eq!(reasons_and_paths(&[excl("Privileged Containers", &["*"], "", &[])]), all);
        assert_eq!(reasons_and_paths(&[excl("Capabilities", &["postgres*"], "", &[])]), all);
    }

    #[test]
    fn images_values_and_fields_narrow_what_is_excluded() {
        // Every container: the whole check goes; host namespaces (pod level) stays.
        let r = reasons_and_paths(&[excl("Capabilities", &["*"], "", &[])]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "host namespaces");
        // Only nginx images: "b"'s field remains, paths relative to the Deployment.
        let r = reasons_and_paths(&[excl("Capabilities", &["nginx:?"], "", &[])]);
        assert_eq!(r[0].1, ["spec.template.spec.containers[1].securityContext.capabilities.add[0]"]);
        // A value filter: NET_RAW is excluded everywhere, SYS_ADMIN is not.
        let r = reasons_and_paths(&[excl(
            "Capabilities",
            &["*"],
            "spec.containers[*].securityContext.capabilities.add",
            &["NET_RAW"],
        )]);
        assert_eq!(r[0].1, ["spec.template.spec.containers[0].securityContext.capabilities.add[1]"]);
        // A pod-level control without images.
        let r = reasons_and_paths(&[excl("Host Namespaces", &[], "", &[])]);
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].0, "non-default capabilities");
        // A field filter that names another field excludes nothing.
        let r = reasons_and_paths(&[excl("Host Namespaces", &[], "spec.hostNetwork", &["true"])]);
        assert_eq!(r.len(), 2);
    }

    #[test]
    fn pods_are_excluded_like_objects_of_kind_pod() {
        use pss_core::kyverno::{evaluate_json_excluding, evaluate_pod_excluding};
        use pss_core::PodDocument;
        // The Deployment's template as a bare pod (no kind): the same verdicts, pod-relative paths.
        let pod = r#"{"spec": {"hostIPC": true, "containers": [
            {"name": "a", "image": "nginx:1", "securityContext": {"capabilities": {"add": ["NET_RAW", "SYS_ADMIN"]}}},
            {"name": "b", "image": "redis", "securityContext": {"capabilities": {"add": ["NET_RAW"]}}}]}}"#;
        let doc = PodDocument::from_str(pod).unwrap();
        let kinded = pod.replacen('{', r#"{"kind": "Pod","#, 1);
        let with_kind = ObjectDocument::from_str(&kinded).unwrap();
        for exclusions in [
            vec![],
            vec![excl("Capabilities", &["nginx:?"], "", &[])],
            vec![excl("Capabilities", &["*"], "spec.containers[*].securityContext.capabilities.add", &["NET_RAW"])],
            vec![excl("Host Namespaces", &[], "", &[]), excl("Capabilities", &["redis"], "", &[])],
        ] {
            let lv = LevelVersion::default();
            let pod_result = evaluate_pod_excluding(lv, &doc, &exclusions);
            assert_eq!(Ok(&pod_result), evaluate_object_excluding(lv, &with_kind, &exclusions).as_ref());
            assert_eq!(evaluate_json_excluding(lv, pod.as_bytes(), &exclusions).unwrap(), pod_result);
        }
        let only_b =
            evaluate_pod_excluding(LevelVersion::default(), &doc, &[excl("Capabilities", &["nginx:?"], "", &[])]);
        assert_eq!(only_b[0].fields()[0].path(), "spec.containers[1].securityContext.capabilities.add[0]");
        // A document of another kind is not a pod: an error, never an evaluation of its `spec` as a
        // pod's.
        let err = PodDocument::from_str(r#"{"kind": "Service", "spec": {"hostPID": true}}"#).unwrap_err();
        assert!(err.is_unexpected_kind(), "{err}");
        assert_eq!(err.path(), Some("kind"));
        // Malformed pods are the decoder's errors.
        let err =
            evaluate_json_excluding(LevelVersion::default(), br#"{"spec": {"hostPID": "yes"}}"#, &[]).unwrap_err();
        assert_eq!(err.path(), Some("spec.hostPID"));
        assert!(evaluate_json_excluding(LevelVersion::default(), b"{\"spec\": {", &[]).is_err());
    }

    #[test]
    fn invalid_entries_are_rejected_with_kyvernos_words() {
        let err = |c: &str, i: &[&str], f: &str, v: &[&str]| {
            PodSecurityExclusion::new(c, i.iter().copied(), f, v.iter().copied())
                .unwrap_err()
                .iter()
                .map(|e| e.to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(
            err("Host Namespaces", &["*"], "", &[]),
            [
                r#"controlName: Invalid value: "Host Namespaces": exclude.images must not be specified for the pod level control"#
            ]
        );
        assert_eq!(
            err("Seccomp", &[], "spec.securityContext.seccompProfile.type", &[]),
            ["values: Forbidden: values is required"]
        );
        assert_eq!(
            err("Seccomp", &[], "", &["Unconfined"]),
            ["restrictedField: Forbidden: restrictedField is required"]
        );
        assert!(err("Nope", &[], "", &[])[0]
            .starts_with(r#"controlName: Unsupported value: "Nope": supported values: "HostProcess", "#));
    }
}
