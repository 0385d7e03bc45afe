//! Kyverno `validate.podSecurity` policies, release by release: exact messages (1.11's Go structs,
//! later releases' field errors), autogen, versions, exclusion models, validation, failure actions,
//! PolicyExceptions, unevaluated rules, and the warnings where a release admits what the Pod
//! Security Standard forbids. Kyverno's own tests are in `kyverno_upstream.rs`.

mod common;

use std::collections::BTreeMap;

use pss_core::kyverno::{
    blocked_message, FailureAction, KyvernoPolicy, PolicyError, PolicyKind, PolicyResult, RuleStatus,
};
use pss_core::kyverno::{ApplyContext, KyvernoVersion, PolicyException};
use pss_core::{CheckId, ObjectDocument};
use serde_json::{json, Value};

const SEED_POLICY: &str = include_str!("../../examples/baseline-policy.yaml");
const SEED_POD: &str = include_str!("../../examples/privileged-pod.yaml");

const V1_11: KyvernoVersion = KyvernoVersion::V1_11;
const V1_12: KyvernoVersion = KyvernoVersion::V1_12;
const V1_13: KyvernoVersion = KyvernoVersion::V1_13;
const NEWEST: KyvernoVersion = KyvernoVersion::NEWEST;

fn policy_for(doc: &Value, version: KyvernoVersion) -> KyvernoPolicy {
    KyvernoPolicy::from_json_str_for(&doc.to_string(), version).expect("valid policy")
}

fn policy(doc: &Value) -> KyvernoPolicy {
    policy_for(doc, NEWEST)
}

fn policy_error(doc: &Value) -> PolicyError {
    KyvernoPolicy::from_json_str(&doc.to_string()).expect_err("invalid policy")
}

/// A ClusterPolicy named `p` (Enforce) with one podSecurity rule `r` matching `kinds`.
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

fn apply(policy: &KyvernoPolicy, object: &str) -> PolicyResult {
    let obj = ObjectDocument::from_str(object).unwrap();
    policy.apply(&obj, obj.namespace().unwrap_or("default"), None)
}

/// The rules that matched: name, status, message.
fn messages(policy: &KyvernoPolicy, object: &str) -> Vec<(String, RuleStatus, String)> {
    apply(policy, object).rules().iter().map(|r| (r.name().to_owned(), r.status(), r.message().to_owned())).collect()
}

/// The single rule result's message.
fn message(policy: &KyvernoPolicy, object: &str) -> String {
    let mut all = messages(policy, object);
    assert_eq!(all.len(), 1, "{all:?}");
    all.remove(0).2
}

/// The paths of the fields of the single rule's warnings.
fn warned_fields(policy: &KyvernoPolicy, object: &str) -> Vec<String> {
    let result = apply(policy, object);
    let [rule] = result.rules() else { panic!("{:?}", result.rules()) };
    rule.warnings().iter().flat_map(|v| v.fields()).map(|f| f.path().to_string()).collect()
}

fn failed(rule: &str, lv: &str) -> String {
    format!("Validation rule '{rule}' failed. It violates PodSecurity \"{lv}\": ")
}

/// Kyverno 1.11: `({Allowed:false ForbiddenReason:R ForbiddenDetail:D})` and a newline per check.
fn old(rule: &str, lv: &str, checks: &[(&str, &str)]) -> String {
    let mut out = failed(rule, lv);
    for (reason, detail) in checks {
        out.push_str(&format!("({{Allowed:false ForbiddenReason:{reason} ForbiddenDetail:{detail}}})\n"));
    }
    out
}

/// Kyverno 1.12 on: `(Forbidden reason: R, field error list: [E, ...])` per check.
fn new(rule: &str, lv: &str, checks: &[(&str, &[&str])]) -> String {
    let mut out = failed(rule, lv);
    for (reason, errors) in checks {
        out.push_str(&format!("(Forbidden reason: {reason}, field error list: [{}])", errors.join(", ")));
    }
    out
}

fn passed(rule: &str) -> String {
    format!("Validation rule '{rule}' passed.")
}

// ---- the seed ------------------------------------------------------------------------------

const SEED_BLOCKED: &str = "resource Pod/default/privileged-pod was blocked due to the following policies\n\
baseline-policy:\n  \
baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})";

#[test]
fn seed_policy_at_kyverno_1_11_gives_todays_message_byte_for_byte() {
    let policy = KyvernoPolicy::from_json_str_for(&common::yaml_to_json(SEED_POLICY), V1_11).unwrap();
    assert_eq!(policy.name(), "baseline-policy");
    assert_eq!(policy.kind(), PolicyKind::ClusterPolicy);
    assert_eq!(policy.kyverno_version(), V1_11);
    assert_eq!(policy.rule_names().collect::<Vec<_>>(), ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);

    let json = common::yaml_to_json(SEED_POD);
    let pod = ObjectDocument::from_str(&json).unwrap();
    let result = policy.apply(&pod, "default", None);
    assert!(result.blocked());
    let [rule] = result.rules() else { panic!("{:?}", result.rules()) };
    assert_eq!((rule.name(), rule.status(), rule.action()), ("baseline", RuleStatus::Fail, FailureAction::Enforce));
    // Kyverno 1.11's FormatChecksPrint ends each check with a newline (its reports show it).
    assert_eq!(
        rule.message(),
        "Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})\n"
    );
    assert_eq!(rule.violations()[0].fields().get(0).unwrap().path(), "spec.containers[0].securityContext.privileged");
    assert!(rule.warnings().is_empty());
    assert_eq!(blocked_message(&pod, "default", &[result]).unwrap(), SEED_BLOCKED);
}

#[test]
fn seed_policy_at_the_newest_release_prints_field_errors() {
    let policy = KyvernoPolicy::from_json_str(&common::yaml_to_json(SEED_POLICY)).unwrap();
    assert_eq!(policy.kyverno_version(), NEWEST);
    let json = common::yaml_to_json(SEED_POD);
    let pod = ObjectDocument::from_str(&json).unwrap();
    let result = policy.apply(&pod, "default", None);
    let message = new(
        "baseline",
        "baseline:latest",
        &[(
            "privileged",
            &["spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true"],
        )],
    );
    assert_eq!(result.rules()[0].message(), message);
    assert_eq!(
        blocked_message(&pod, "default", &[result]).unwrap(),
        format!(
            "resource Pod/default/privileged-pod was blocked due to the following policies\nbaseline-policy:\n  baseline: {message}"
        )
    );
}

#[test]
fn seed_policy_passes_a_compliant_pod() {
    for version in KyvernoVersion::ALL {
        let policy = KyvernoPolicy::from_json_str_for(&common::yaml_to_json(SEED_POLICY), version).unwrap();
        let ok = pod(json!({"containers": [{"name": "c", "image": "nginx"}]}));
        assert_eq!(messages(&policy, &ok), [("baseline".to_owned(), RuleStatus::Pass, passed("baseline"))]);
        let obj = ObjectDocument::from_str(&ok).unwrap();
        assert_eq!(blocked_message(&obj, "default", &[policy.apply(&obj, "default", None)]), None);
    }
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

#[test]
fn deployments_and_cronjobs_run_the_generated_rules_with_kyvernos_paths() {
    let p = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "latest"})));
    // Kyverno prints a controller's fields under spec.template.spec (convertChecks).
    let deployment = controller("apps/v1", "Deployment", privileged_nginx());
    let spec_field =
        "spec.template.spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true";
    assert_eq!(
        messages(&p, &deployment),
        [(
            "autogen-r".to_owned(),
            RuleStatus::Fail,
            new("autogen-r", "baseline:latest", &[("privileged", &[spec_field])])
        )]
    );
    let cronjob = controller("batch/v1", "CronJob", privileged_nginx());
    let cron_field =
        "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true";
    assert_eq!(
        messages(&p, &cronjob),
        [(
            "autogen-cronjob-r".to_owned(),
            RuleStatus::Fail,
            new("autogen-cronjob-r", "baseline:latest", &[("privileged", &[cron_field])])
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
            messages(&p, &controller(av, kind, privileged_nginx())).into_iter().map(|m| m.0).collect();
        assert_eq!(names, ["autogen-r"], "{kind}");
    }
    // The violations point into the template, relative to the object.
    let result = apply(&p, &cronjob);
    assert_eq!(
        result.rules()[0].violations()[0].fields().get(0).unwrap().path(),
        "spec.jobTemplate.spec.template.spec.containers[0].securityContext.privileged"
    );
    // Kyverno 1.11 printed the detail, whose container name is all it says of the place.
    let old_policy = policy_for(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "latest"})), V1_11);
    assert_eq!(
        message(&old_policy, &deployment),
        old(
            "autogen-r",
            "baseline:latest",
            &[("privileged", r#"container "nginx" must not set securityContext.privileged=true"#)]
        )
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
    let trimmed = policy(&with_annotation(base.clone(), "Deployment, StatefulSet"));
    let sts = controller("apps/v1", "StatefulSet", privileged_nginx());
    assert_eq!(messages(&trimmed, &sts)[0].0, "autogen-r");
    assert!(messages(&trimmed, &controller("apps/v1", "DaemonSet", privileged_nginx())).is_empty());
    assert!(messages(&trimmed, &controller("batch/v1", "CronJob", privileged_nginx())).is_empty());
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
        new(
            "r",
            "baseline:",
            &[(
                "privileged",
                &["spec.template.spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true"]
            )]
        )
    );
    assert_eq!(names(&with_annotation(by_name, "Deployment")), ["r"]);
}

#[test]
fn cronjobs_are_evaluated_with_the_job_templates_metadata_as_kyverno_does() {
    let p = policy(&pss_policy(&["Pod"], json!({"level": "baseline"})));
    let mut doc: Value =
        serde_json::from_str(&controller("batch/v1", "CronJob", json!({"containers": [{"name": "c", "image": "x"}]})))
            .unwrap();
    // Kyverno reads `spec.jobTemplate.metadata`; the pods get the template's annotations.
    doc["spec"]["jobTemplate"]["metadata"] =
        json!({"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "runtime/default"}});
    doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"] =
        json!({"container.apparmor.security.beta.kubernetes.io/c": "unconfined"});
    let text = doc.to_string();
    assert_eq!(message(&p, &text), passed("autogen-cronjob-r"));
    // Kyverno admits what the pods will run with: pss says so.
    assert_eq!(
        warned_fields(&p, &text),
        ["spec.jobTemplate.spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]"]
    );
    // The other way round, Kyverno blocks it.
    doc["spec"]["jobTemplate"]["metadata"]["annotations"]["container.apparmor.security.beta.kubernetes.io/c"] =
        json!("unconfined");
    doc["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]
        ["container.apparmor.security.beta.kubernetes.io/c"] = json!("runtime/default");
    assert_eq!(
        message(&p, &doc.to_string()),
        new(
            "autogen-cronjob-r",
            "baseline:",
            &[(
                "forbidden AppArmor profile",
                &["spec.template.metadata.annotations[container.apparmor.security.beta.kubernetes.io/c] is forbidden, forbidden values found: unconfined"]
            )]
        )
    );
}

// ---- checks, levels and versions -------------------------------------------------------------

#[test]
fn restricted_reports_every_failing_check_in_kyvernos_order() {
    // Kyverno's documentation (validate.md, "restricted:latest", hostIPC, container01), 1.11's words.
    let doc = pss_policy(&["Pod"], json!({"level": "restricted", "version": "latest"}));
    let object = pod(json!({"hostIPC": true, "containers": [{"name": "container01", "image": "dummyimagename"}]}));
    assert_eq!(
        message(&policy_for(&doc, V1_11), &object),
        old(
            "r",
            "restricted:latest",
            &[
                (
                    "allowPrivilegeEscalation != false",
                    r#"container "container01" must set securityContext.allowPrivilegeEscalation=false"#
                ),
                (
                    "unrestricted capabilities",
                    r#"container "container01" must set securityContext.capabilities.drop=["ALL"]"#
                ),
                ("host namespaces", "hostIPC=true"),
                (
                    "runAsNonRoot != true",
                    r#"pod or container "container01" must set securityContext.runAsNonRoot=true"#
                ),
                (
                    "seccompProfile",
                    r#"pod or container "container01" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#
                ),
            ]
        )
    );
    let p = policy(&doc);
    assert_eq!(
        message(&p, &object),
        new(
            "r",
            "restricted:latest",
            &[
                (
                    "allowPrivilegeEscalation != false",
                    &["spec.containers[0].securityContext.allowPrivilegeEscalation: Required value"]
                ),
                (
                    "unrestricted capabilities",
                    &["spec.containers[0].securityContext.capabilities.drop: Required value"]
                ),
                ("host namespaces", &["spec.hostIPC is forbidden, forbidden values found: true"]),
                ("runAsNonRoot != true", &["spec.containers[0].securityContext.runAsNonRoot: Required value"]),
                ("seccompProfile", &["spec.containers[0].securityContext.seccompProfile.type: Required value"]),
            ]
        )
    );
    let result = apply(&p, &object);
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
}

#[test]
fn restricted_reports_both_capabilities_checks_and_allow_privilege_escalation_nil() {
    let p = policy(&pss_policy(&["Pod"], json!({"level": "restricted"})));
    let object = pod(json!({
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {"capabilities": {"add": ["NET_ADMIN", "AUDIT_WRITE"], "drop": ["NET_RAW"]}}}]
    }));
    assert_eq!(
        message(&p, &object),
        new(
            "r",
            "restricted:",
            &[
                // The fork reports an unset allowPrivilegeEscalation in a set securityContext as "nil".
                ("allowPrivilegeEscalation != false", &["spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: nil"]),
                ("non-default capabilities", &["spec.containers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_ADMIN]"]),
                (
                    "unrestricted capabilities",
                    &[
                        "spec.containers[0].securityContext.capabilities.drop is forbidden, forbidden values found: [NET_RAW]",
                        "spec.containers[0].securityContext.capabilities.add is forbidden, forbidden values found: [AUDIT_WRITE NET_ADMIN]"
                    ]
                ),
            ]
        )
    );
}

#[test]
fn every_check_runs_at_privileged_as_in_kyverno() {
    let object = pod(json!({"hostPID": true, "containers": [{"name": "c", "image": "x",
        "securityContext": {"privileged": true, "runAsUser": 0}}]}));
    let baseline = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "v1.30"})));
    let result = apply(&baseline, &object);
    let ids: Vec<CheckId> = result.rules()[0].violations().iter().map(|v| v.check()).collect();
    assert_eq!(ids, [CheckId::HostNamespaces, CheckId::Privileged]);
    // Kyverno only leaves out restricted checks at baseline: privileged runs them all.
    let privileged = policy(&pss_policy(&["Pod"], json!({"level": "privileged", "version": "latest"})));
    let result = apply(&privileged, &object);
    assert_eq!(result.rules()[0].status(), RuleStatus::Fail);
    assert_eq!(result.rules()[0].violations().len(), 7);
    assert!(result.rules()[0].warnings().is_empty(), "Kyverno is stricter than the standard here");
}

#[test]
fn checks_run_at_the_version_each_release_selects() {
    let object = pod(json!({
        "securityContext": {"runAsNonRoot": true, "runAsUser": 0, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
    }));
    let at =
        |v: &str, k: KyvernoVersion| policy_for(&pss_policy(&["Pod"], json!({"level": "restricted", "version": v})), k);
    // runAsUser starts at v1.23: 1.11 does not run it at v1.22; later releases run its first version.
    assert_eq!(message(&at("v1.22", V1_11), &object), passed("r"));
    assert_eq!(
        message(&at("v1.22", NEWEST), &object),
        new(
            "r",
            "restricted:v1.22",
            &[("runAsUser=0", &["spec.securityContext.runAsUser is forbidden, forbidden values found: 0"])]
        )
    );
    // 1.11 runs every version up to the requested one: seccomp's annotation check (v1.0) and its
    // field check (v1.19) both run at v1.24.
    let seccomp = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "annotations": {
        "seccomp.security.alpha.kubernetes.io/pod": "unconfined"}},
        "spec": {"securityContext": {"seccompProfile": {"type": "Unconfined"}}, "containers": [{"name": "c", "image": "x"}]}})
    .to_string();
    let baseline = |k| policy_for(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "v1.24"})), k);
    assert_eq!(
        message(&baseline(V1_11), &seccomp),
        old(
            "r",
            "baseline:v1.24",
            &[
                ("seccompProfile", r#"forbidden annotation seccomp.security.alpha.kubernetes.io/pod="unconfined""#),
                ("seccompProfile", r#"pod must not set securityContext.seccompProfile.type to "Unconfined""#),
            ]
        )
    );
    assert_eq!(
        message(&baseline(NEWEST), &seccomp),
        new(
            "r",
            "baseline:v1.24",
            &[(
                "seccompProfile",
                &["spec.securityContext.seccompProfile.type is forbidden, forbidden values found: Unconfined"]
            )]
        )
    );
    // sysctls: v1.29 allows tcp_keepalive_time; 1.11 also runs v1.0 and v1.27 at v1.29.
    let sysctl = pod(json!({"securityContext": {"sysctls": [{"name": "net.ipv4.tcp_keepalive_time", "value": "60"}]},
        "containers": [{"name": "c", "image": "x"}]}));
    let sysctls = |k| policy_for(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "v1.29"})), k);
    assert_eq!(
        message(&sysctls(V1_11), &sysctl),
        old(
            "r",
            "baseline:v1.29",
            &[
                ("forbidden sysctls", "net.ipv4.tcp_keepalive_time"),
                ("forbidden sysctls", "net.ipv4.tcp_keepalive_time")
            ]
        )
    );
    assert_eq!(message(&sysctls(V1_12), &sysctl), passed("r"));
}

#[test]
fn each_release_runs_the_checks_of_its_library() {
    // hostProbesAndHostLifecycle (v1.34) came with Kyverno 1.16.
    let probe = pod(json!({"containers": [{"name": "c", "image": "x",
        "livenessProbe": {"httpGet": {"host": "example.com", "port": 80}}}]}));
    let latest = |k| policy_for(&pss_policy(&["Pod"], json!({"level": "baseline", "version": "latest"})), k);
    assert_eq!(message(&latest(KyvernoVersion::V1_15), &probe), passed("r"));
    // The standard forbids it at latest: the warning says which field Kyverno 1.15 lets through.
    assert_eq!(
        warned_fields(&latest(KyvernoVersion::V1_15), &probe),
        ["spec.containers[0].livenessProbe.httpGet.host"]
    );
    // No field errors for this check: an empty list.
    assert_eq!(
        message(&latest(KyvernoVersion::V1_16), &probe),
        new("r", "baseline:latest", &[("probe or lifecycle host", &[])])
    );
    // SELinux's container_engine_t (v1.31) came with Kyverno 1.14's library.
    let engine = pod(json!({"containers": [{"name": "c", "image": "x",
        "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}}}]}));
    assert_eq!(
        message(&latest(V1_13), &engine),
        new("r", "baseline:latest", &[("seLinuxOptions", &["spec.containers[0].securityContext.seLinuxOptions.type is forbidden, forbidden values found: container_engine_t"])])
    );
    assert_eq!(message(&latest(KyvernoVersion::V1_14), &engine), passed("r"));
    // appArmorProfile fields came with Kubernetes 1.30's API (Kyverno 1.13).
    let apparmor = pod(json!({"containers": [{"name": "c", "image": "x",
        "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}));
    assert_eq!(message(&latest(V1_12), &apparmor), passed("r"));
    assert_eq!(
        message(&latest(V1_13), &apparmor),
        new("r", "baseline:latest", &[("forbidden AppArmor profile", &["spec.containers[0].securityContext.appArmorProfile.type is forbidden, forbidden values found: Unconfined"])])
    );
}

#[test]
fn an_invalid_version_is_a_rule_error_that_blocks() {
    for version in ["v1.24.3", "1.24", "v2.0", "Latest"] {
        let p = policy(&pss_policy(&["Pod"], json!({"level": "baseline", "version": version})));
        let text = pod(privileged_nginx());
        assert_eq!(
            messages(&p, &text),
            [(
                "r".to_owned(),
                RuleStatus::Error,
                r#"failed to parse pod security api version: must be "latest" or "v1.x""#.to_owned()
            )],
            "{version}"
        );
        // Kyverno's webhook blocks on rule errors under failurePolicy Fail (the default).
        let obj = ObjectDocument::from_str(&text).unwrap();
        let result = p.apply(&obj, "default", None);
        assert!(result.blocked());
        assert!(blocked_message(&obj, "default", &[result]).is_some());
        let mut ignore = pss_policy(&["Pod"], json!({"level": "baseline", "version": version}));
        ignore["spec"]["failurePolicy"] = json!("Ignore");
        let result = policy(&ignore).apply(&obj, "default", None);
        assert!(!result.blocked());
        assert_eq!(blocked_message(&obj, "default", &[result]), None);
    }
}

#[test]
fn objects_without_a_pod_spec() {
    let service = json!({"apiVersion": "v1", "kind": "Service", "metadata": {"name": "s"}}).to_string();
    let any = |k| policy_for(&pss_policy(&["*"], json!({"level": "baseline"})), k);
    assert_eq!(
        messages(&any(NEWEST), &service),
        [(
            "r".to_owned(),
            RuleStatus::Error,
            "Error while getting new resource: could not find correct resource type".to_owned()
        )]
    );
    assert_eq!(
        messages(&any(V1_11), &service)[0].2,
        "Error while getting new resource: Could not find correct resource type"
    );
    // A ReplicationController without a template decodes to an empty pod, which passes.
    let rc = json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "rc"}, "spec": {}});
    assert_eq!(messages(&any(NEWEST), &rc.to_string()), [("r".to_owned(), RuleStatus::Pass, passed("r"))]);
}

// ---- exclusions ------------------------------------------------------------------------------

fn three_privileged() -> Value {
    json!({"initContainers": [{"name": "init", "image": "busybox:1.36", "securityContext": {"privileged": true}}],
        "containers": [
            {"name": "web", "image": "nginx:1.25", "securityContext": {"privileged": true}},
            {"name": "side", "image": "docker.io/envoy:v1", "securityContext": {"privileged": true}}]})
}

fn privileged_excluding(images: Value) -> Value {
    pss_policy(
        &["Pod"],
        json!({"level": "baseline", "version": "latest",
            "exclude": [{"controlName": "Privileged Containers", "images": images}]}),
    )
}

#[test]
fn field_level_exclusion_by_image() {
    let object = pod(three_privileged());
    // Every container matched: the check is gone and the rule passes.
    let all = policy(&privileged_excluding(json!(["nginx*", "busybox:?.??", "*envoy*"])));
    assert_eq!(message(&all, &object), passed("r"));
    // No container matched (case-sensitive, whole string).
    let none = policy(&privileged_excluding(json!(["NGINX*", "nginx", "envoy*"])));
    let error = |path: &str| format!("{path}.securityContext.privileged is forbidden, forbidden values found: true");
    assert_eq!(
        message(&none, &object),
        new(
            "r",
            "baseline:latest",
            &[(
                "privileged",
                &[&error("spec.initContainers[0]"), &error("spec.containers[0]"), &error("spec.containers[1]")]
            )]
        )
    );
    // Some matched: the check stays with the other container's error.
    let partial = policy(&privileged_excluding(json!(["nginx:*", "busybox*"])));
    assert_eq!(
        message(&partial, &object),
        new("r", "baseline:latest", &[("privileged", &[&error("spec.containers[1]")])])
    );
    let result = apply(&partial, &object);
    let fields: Vec<(String, Option<&str>)> =
        result.rules()[0].violations()[0].fields().iter().map(|f| (f.path().to_string(), f.container())).collect();
    assert_eq!(fields, [("spec".to_owned() + ".containers[1].securityContext.privileged", Some("side"))]);
}

#[test]
fn kyverno_1_11_excluded_whole_checks() {
    // 1.11 removed a check when the entry's containers failed it too, whatever the others did.
    let object = pod(three_privileged());
    let partial = policy_for(&privileged_excluding(json!(["nginx:*"])), V1_11);
    assert_eq!(message(&partial, &object), passed("r"));
    // The standard still forbids the two other containers: pss warns, naming their fields.
    assert_eq!(
        warned_fields(&partial, &object),
        ["spec.initContainers[0].securityContext.privileged", "spec.containers[1].securityContext.privileged"]
    );
    // An entry whose containers do not fail the check leaves it.
    let unmatched = policy_for(&privileged_excluding(json!(["redis"])), V1_11);
    assert_eq!(
        message(&unmatched, &object),
        old(
            "r",
            "baseline:latest",
            &[("privileged", r#"containers "init", "web", "side" must not set securityContext.privileged=true"#)]
        )
    );
}

#[test]
fn exclusion_applies_only_to_its_controls_checks() {
    let p = policy(&pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [{"controlName": "Host Ports", "images": ["*"]}]}),
    ));
    let object = pod(json!({"hostNetwork": true, "containers": [{"name": "c", "image": "x",
        "ports": [{"containerPort": 80, "hostPort": 80}], "securityContext": {"privileged": true}}]}));
    let ids: Vec<CheckId> = apply(&p, &object).rules()[0].violations().iter().map(|v| v.check()).collect();
    assert_eq!(ids, [CheckId::HostNamespaces, CheckId::Privileged]);
}

#[test]
fn pod_level_exclusions() {
    let object = pod(json!({"hostNetwork": true, "hostPID": true, "containers": [{"name": "c", "image": "x"}]}));
    let whole =
        policy(&pss_policy(&["Pod"], json!({"level": "baseline", "exclude": [{"controlName": "Host Namespaces"}]})));
    assert_eq!(message(&whole, &object), passed("r"));
    // One field by restrictedField and values: hostPID stays.
    let one = policy(&pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [
            {"controlName": "Host Namespaces", "restrictedField": "spec.hostNetwork", "values": ["true"]}]}),
    ));
    assert_eq!(
        message(&one, &object),
        new("r", "baseline:", &[("host namespaces", &["spec.hostPID is forbidden, forbidden values found: true"])])
    );
}

#[test]
fn a_pod_level_entry_removes_container_fields_through_kyvernos_fake_container() {
    // Kyverno evaluates a pod-level entry on the pod with one container named "fake": its
    // unset runAsNonRoot matches the real container's by path and removes it.
    let p = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "Running as Non-root"}]}),
    ));
    let object = pod(json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}));
    assert_eq!(message(&p, &object), passed("r"));
    // A pod-level entry covers no container field for the standard.
    assert_eq!(warned_fields(&p, &object), ["spec.containers[0].securityContext.runAsNonRoot"]);
    // With images, the container's field is excluded for both.
    let with_images = policy(&pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "Running as Non-root", "images": ["*"]}]}),
    ));
    assert_eq!(message(&with_images, &object), passed("r"));
    assert!(warned_fields(&with_images, &object).is_empty());
}

#[test]
fn values_select_a_host_path_by_its_path() {
    let object = pod(json!({"volumes": [{"name": "host", "hostPath": {"path": "/var/lib1"}}],
        "containers": [{"name": "c", "image": "x"}]}));
    let host = |values: Value| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "baseline", "exclude": [{"controlName": "HostPath Volumes",
                "restrictedField": "spec.volumes[*].hostPath", "values": values}]}),
        ))
    };
    assert_eq!(message(&host(json!(["/var/lib*"])), &object), passed("r"));
    assert!(warned_fields(&host(json!(["/var/lib*"])), &object).is_empty());
    assert_eq!(
        message(&host(json!(["/etc"])), &object),
        new(
            "r",
            "baseline:",
            &[("hostPath volumes", &["spec.volumes[0].hostPath is forbidden, forbidden values found: /var/lib1"])]
        )
    );
}

#[test]
fn values_never_hold_back_a_required_field_in_kyverno() {
    // allowPrivilegeEscalation unset in an unset securityContext is a Required error without a
    // value: Kyverno excludes it whatever `values` says. The standard does not.
    let object = pod(json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x"}]}));
    let escalation = |values: Value| {
        let mut ps = json!({"level": "restricted", "exclude": [{"controlName": "Privilege Escalation", "images": ["*"],
            "restrictedField": "spec.containers[*].securityContext.allowPrivilegeEscalation", "values": values}]});
        ps["exclude"].as_array_mut().unwrap().push(json!({"controlName": "Capabilities", "images": ["*"]}));
        policy(&pss_policy(&["Pod"], ps))
    };
    assert_eq!(message(&escalation(json!(["false"])), &object), passed("r"));
    assert_eq!(
        warned_fields(&escalation(json!(["false"])), &object),
        ["spec.containers[0].securityContext.allowPrivilegeEscalation"]
    );
    // Set to true, the field has a value.
    let explicit = pod(json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "x", "securityContext": {"allowPrivilegeEscalation": true}}]}));
    assert_eq!(message(&escalation(json!(["true"])), &explicit), passed("r"));
    assert_eq!(
        message(&escalation(json!(["false"])), &explicit),
        new(
            "r",
            "restricted:",
            &[("allowPrivilegeEscalation != false", &["spec.containers[0].securityContext.allowPrivilegeEscalation is forbidden, forbidden values found: true"])]
        )
    );
}

#[test]
fn a_list_value_is_excluded_whole_by_kyverno_and_element_by_element_by_the_standard() {
    let object = pod(json!({"containers": [{"name": "c", "image": "nginx", "securityContext": {
        "capabilities": {"add": ["NET_ADMIN", "SYS_TIME"]}}}]}));
    let caps = |values: Value| {
        policy(&pss_policy(
            &["Pod"],
            json!({"level": "baseline", "exclude": [{"controlName": "Capabilities", "images": ["nginx"],
                "restrictedField": "spec.containers[*].securityContext.capabilities.add", "values": values}]}),
        ))
    };
    assert_eq!(message(&caps(json!(["NET_*", "SYS_TIME"])), &object), passed("r"));
    let partial = caps(json!(["NET_ADMIN"]));
    assert_eq!(
        message(&partial, &object),
        new("r", "baseline:", &[("non-default capabilities", &["spec.containers[0].securityContext.capabilities.add is forbidden, forbidden values found: [NET_ADMIN SYS_TIME]"])])
    );
}

#[test]
fn kyverno_replaces_digits_in_restricted_fields() {
    // Kyverno turns every digit run into `*` before comparing with restrictedField.
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
    let exact = apparmor("metadata.annotations[container.apparmor.security.beta.kubernetes.io/web2]");
    assert_eq!(apply(&exact, &object).rules()[0].status(), RuleStatus::Fail);
    let starred = apparmor("metadata.annotations[container.apparmor.security.beta.kubernetes.io/web*]");
    assert_eq!(message(&starred, &object), passed("r"));
    // The standard's exclusion names the field as written: Kyverno lets this one through.
    assert_eq!(
        warned_fields(&starred, &object),
        ["metadata.annotations[container.apparmor.security.beta.kubernetes.io/web2]"]
    );
}

// ---- excluding one field never lets another, implicit, violation through --------------------------

/// A container that sets `runAsNonRoot: false` (excluded by image) and one that leaves it unset.
fn non_root_pod() -> String {
    pod(json!({"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}}, "containers": [
        {"name": "old", "image": "legacy/app:1", "securityContext": {"runAsNonRoot": false,
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}},
        {"name": "new", "image": "app:2", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}))
}

fn non_root_policy(version: KyvernoVersion) -> KyvernoPolicy {
    policy_for(
        &pss_policy(
            &["Pod"],
            json!({"level": "restricted", "exclude": [{"controlName": "Running as Non-root", "images": ["legacy/*"]}]}),
        ),
        version,
    )
}

#[test]
fn run_as_non_root_unset_is_not_hidden_by_an_excluded_false() {
    let object = non_root_pod();
    // Kyverno 1.12's library reported only the container that set false: excluding it passed the
    // pod (kyverno#10581). pss predicts that, and warns with the field Kyverno misses.
    assert_eq!(message(&non_root_policy(V1_12), &object), passed("r"));
    assert_eq!(warned_fields(&non_root_policy(V1_12), &object), ["spec.containers[1].securityContext.runAsNonRoot"]);
    // From 1.13 the fork reports both; the unset container still fails.
    for version in [V1_13, NEWEST] {
        assert_eq!(
            message(&non_root_policy(version), &object),
            new(
                "r",
                "restricted:",
                &[("runAsNonRoot != true", &["spec.containers[1].securityContext.runAsNonRoot: Required value"])]
            ),
            "{version}"
        );
    }
    // The standalone exclusions (pss's own model) keep the unset container's field.
    let entry =
        pss_core::kyverno::PodSecurityExclusion::new("Running as Non-root", ["legacy/*"], "", Vec::<String>::new())
            .unwrap();
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = pss_core::kyverno::evaluate_object_excluding("restricted".parse().unwrap(), &obj, &[entry]).unwrap();
    let fields: Vec<String> = result.iter().flat_map(|v| v.fields()).map(|f| f.path().to_string()).collect();
    assert_eq!(fields, ["spec.containers[1].securityContext.runAsNonRoot"]);
}

#[test]
fn seccomp_unset_is_not_hidden_by_an_excluded_unconfined() {
    let object = pod(json!({"securityContext": {"runAsNonRoot": true}, "containers": [
        {"name": "old", "image": "legacy/app:1", "securityContext": {"seccompProfile": {"type": "Unconfined"},
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}},
        {"name": "new", "image": "app:2", "securityContext": {
            "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}));
    let doc = pss_policy(
        &["Pod"],
        json!({"level": "restricted", "exclude": [{"controlName": "Seccomp", "images": ["legacy/*"]}]}),
    );
    // Every release's library reports only the explicit Unconfined when there is one.
    for version in KyvernoVersion::ALL {
        let p = policy_for(&doc, version);
        assert_eq!(apply(&p, &object).rules()[0].status(), RuleStatus::Pass, "{version}");
        assert_eq!(warned_fields(&p, &object), ["spec.containers[1].securityContext.seccompProfile.type"], "{version}");
    }
    // pss's own check keeps both fields, so excluding one leaves the other.
    let entry =
        pss_core::kyverno::PodSecurityExclusion::new("Seccomp", ["legacy/*"], "", Vec::<String>::new()).unwrap();
    let obj = ObjectDocument::from_str(&object).unwrap();
    let result = pss_core::kyverno::evaluate_object_excluding("restricted".parse().unwrap(), &obj, &[entry]).unwrap();
    let fields: Vec<String> = result.iter().flat_map(|v| v.fields()).map(|f| f.path().to_string()).collect();
    assert_eq!(fields, ["spec.containers[1].securityContext.seccompProfile.type"]);
}

#[test]
fn warning_lines_name_the_fields_and_the_release() {
    let p = non_root_policy(V1_12);
    let result = apply(&p, &non_root_pod());
    assert_eq!(
        result.rules()[0].warning_message().unwrap(),
        "Kyverno 1.12 admits it, but it violates PodSecurity \"restricted:\": runAsNonRoot != true (spec.containers[1].securityContext.runAsNonRoot)"
    );
    assert_eq!(apply(&non_root_policy(NEWEST), &non_root_pod()).rules()[0].warning_message(), None);
}

// ---- validation --------------------------------------------------------------------------------

fn invalid_at(exclude: Value, level: &str, version: KyvernoVersion) -> String {
    KyvernoPolicy::from_json_str_for(
        &pss_policy(&["Pod"], json!({"level": level, "exclude": exclude})).to_string(),
        version,
    )
    .expect_err("invalid policy")
    .to_string()
}

fn invalid(exclude: Value, level: &str) -> String {
    invalid_at(exclude, level, NEWEST)
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
fn validation_differs_between_releases() {
    // AppArmor was a pod-level control until 1.13.
    let apparmor = json!([{"controlName": "AppArmor", "images": ["nginx"]}]);
    assert_eq!(
        invalid_at(apparmor.clone(), "baseline", V1_13),
        r#"spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: "AppArmor": exclude.images must not be specified for the pod level control"#
    );
    assert!(KyvernoPolicy::from_json_str_for(
        &pss_policy(&["Pod"], json!({"level": "baseline", "exclude": apparmor})).to_string(),
        KyvernoVersion::V1_14
    )
    .is_ok());
    // 1.11 has no restrictedField or values: they are dropped, not checked.
    let values_only = pss_policy(
        &["Pod"],
        json!({"level": "baseline", "exclude": [{"controlName": "Sysctls", "values": ["kernel.*"]}]}),
    );
    let p = policy_for(&values_only, V1_11);
    let object = pod(
        json!({"securityContext": {"sysctls": [{"name": "vm.max_map_count", "value": "1"}]}, "containers": [{"name": "c"}]}),
    );
    assert_eq!(message(&p, &object), passed("r"), "the whole control is excluded");
    // The entry as written excludes kernel.* sysctls only: pss warns of the one 1.11 lets through.
    assert_eq!(warned_fields(&p, &object), ["spec.securityContext.sysctls[0].name"]);
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
    assert!(KyvernoPolicy::from_slice(b"\xff").unwrap_err().is_decode());
    // A namespaced Policy applies in its namespace; exceptions name it namespace/name.
    let mut v2 = pss_policy(&["Pod"], json!({"level": "baseline"}));
    v2["apiVersion"] = json!("kyverno.io/v2beta1");
    v2["kind"] = json!("Policy");
    v2["metadata"]["namespace"] = json!("team");
    let p = policy(&v2);
    assert_eq!((p.kind(), p.namespace(), p.key().as_str()), (PolicyKind::Policy, Some("team"), "team/p"));
    let text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&text).unwrap();
    assert!(p.apply(&obj, "default", None).rules().is_empty());
    assert_eq!(p.apply(&obj, "team", None).rules().len(), 1);
}

// ---- failure action and blocking ------------------------------------------------------------------

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
    doc["spec"]["validationFailureActionOverrides"] = json!([
        {"action": "Bogus", "namespaces": ["*"]},
        {"action": "Audit", "namespaces": ["dev-*"]},
        {"action": "audit", "namespaceSelector": {"matchLabels": {"env": "test"}}}
    ]);
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Audit, false));
    assert_eq!(action(&doc, "prod", None), (FailureAction::Enforce, true));
    let test = BTreeMap::from([("env".to_owned(), "test".to_owned())]);
    assert_eq!(action(&doc, "prod", Some(&test)), (FailureAction::Audit, false));
    // The rule's own failureAction wins (Kyverno 1.13 on).
    doc["spec"]["rules"][0]["validate"]["failureAction"] = json!("Enforce");
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Enforce, true));
    doc["spec"]["rules"][0]["validate"]["failureActionOverrides"] =
        json!([{"action": "Audit", "namespaces": ["dev-1"]}]);
    assert_eq!(action(&doc, "dev-1", None), (FailureAction::Audit, false));
    assert_eq!(action(&doc, "dev-2", None), (FailureAction::Enforce, true));
    // Before 1.13 validate.failureAction is an unknown field.
    let mut rule_only = pss_policy(&["Pod"], json!({"level": "baseline"}));
    rule_only["spec"]["validationFailureAction"] = Value::Null;
    rule_only["spec"]["rules"][0]["validate"]["failureAction"] = json!("Enforce");
    assert!(!policy_for(&rule_only, V1_12).apply(&obj, "default", None).blocked());
    assert!(policy_for(&rule_only, V1_13).apply(&obj, "default", None).blocked());
}

#[test]
fn up_to_1_18_the_first_rule_with_an_action_decides_for_the_policy() {
    let obj_text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&obj_text).unwrap();
    let doc = json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
        "spec": {"rules": [
            {"name": "audit", "match": {"any": [{"resources": {"kinds": ["Namespace"]}}]},
                "validate": {"failureAction": "Audit", "podSecurity": {"level": "baseline"}}},
            {"name": "enforce", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {"failureAction": "Enforce", "podSecurity": {"level": "baseline"}}}]}});
    let at = |version| {
        let r = policy_for(&doc, version).apply(&obj, "default", None);
        (r.rules()[0].name().to_owned(), r.rules()[0].action(), r.blocked())
    };
    assert_eq!(at(KyvernoVersion::V1_18), ("enforce".to_owned(), FailureAction::Audit, false));
    assert_eq!(at(KyvernoVersion::V1_19), ("enforce".to_owned(), FailureAction::Enforce, true));
}

#[test]
fn blocked_text_lists_failures_and_errors_of_every_enforcing_policy_sorted() {
    let obj_text = pod(privileged_nginx());
    let obj = ObjectDocument::from_str(&obj_text).unwrap();
    let mut b = pss_policy(&["Pod"], json!({"level": "baseline"}));
    b["metadata"]["name"] = json!("b-policy");
    b["spec"]["rules"] = json!([
        {"name": "zz", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline", "version": "v1.30"}}},
        {"name": "aa", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"podSecurity": {"level": "baseline", "version": "v1.30"}}}
    ]);
    let mut a = pss_policy(&["Pod"], json!({"level": "restricted", "version": "bogus"}));
    a["metadata"]["name"] = json!("a-policy");
    let mut audit = pss_policy(&["Pod"], json!({"level": "baseline"}));
    audit["metadata"]["name"] = json!("0-audit");
    audit["spec"]["validationFailureAction"] = json!("Audit");
    let results: Vec<_> = [b, a, audit].iter().map(|d| policy(d).apply(&obj, "default", None)).collect();
    let field = (
        "privileged",
        &["spec.containers[0].securityContext.privileged is forbidden, forbidden values found: true"][..],
    );
    assert_eq!(
        blocked_message(&obj, "default", &results).unwrap(),
        format!(
            "resource Pod/default/p was blocked due to the following policies\n\
             a-policy:\n  r: failed to parse pod security api version: must be \"latest\" or \"v1.x\"\n\
             b-policy:\n  aa: {}\n  zz: {}",
            new("aa", "baseline:v1.30", &[field]),
            new("zz", "baseline:v1.30", &[field])
        )
    );
    // 1.11's multi-line messages: further lines indented, the trailing newline left out.
    let p = policy_for(&pss_policy(&["Pod"], json!({"level": "baseline"})), V1_11);
    let two = pod(json!({"hostPID": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}));
    let obj = ObjectDocument::from_str(&two).unwrap();
    assert_eq!(
        blocked_message(&obj, "default", &[p.apply(&obj, "default", None)]).unwrap(),
        "resource Pod/default/p was blocked due to the following policies\np:\n  r: Validation rule 'r' failed. It violates PodSecurity \"baseline:\": ({Allowed:false ForbiddenReason:host namespaces ForbiddenDetail:hostPID=true})\n    ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"c\" must not set securityContext.privileged=true})"
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
        let result = policy(&doc).apply(&obj, "prod", None);
        result.rules().first().map(|r| r.status())
    };
    let any = |r: Value| json!({"any": [{"resources": r}]});
    let fail = Some(RuleStatus::Fail);
    assert_eq!(matched(any(json!({"kinds": ["v1/Pod"]})), None), fail);
    assert_eq!(matched(any(json!({"kinds": ["*/Pod"]})), None), fail);
    assert_eq!(matched(any(json!({"kinds": ["*"]})), None), fail);
    assert_eq!(matched(any(json!({"kinds": ["apps/v1/Pod"]})), None), None);
    assert_eq!(matched(any(json!({"kinds": ["Pod/exec"]})), None), None);
    assert_eq!(matched(any(json!({"kinds": ["Pod"], "names": ["web-?"], "namespaces": ["pr*"]})), None), fail);
    assert_eq!(matched(any(json!({"kinds": ["Pod"], "name": "api-*"})), None), None);
    assert_eq!(matched(any(json!({"kinds": ["Pod"], "annotations": {"te*": "bl?e"}})), None), fail);
    assert_eq!(
        matched(
            any(json!({"kinds": ["Pod"], "selector": {"matchLabels": {"app": "web"},
            "matchExpressions": [{"key": "tier", "operator": "In", "values": ["front"]}]}})),
            None
        ),
        fail
    );
    assert_eq!(matched(any(json!({"kinds": ["Pod"], "operations": ["UPDATE"]})), None), None);
    assert_eq!(
        matched(any(json!({"kinds": ["Pod"], "namespaceSelector": {"matchLabels": {"env": "prod"}}})), None),
        None
    );
    assert_eq!(
        matched(json!({"all": [{"resources": {"kinds": ["Pod"]}}, {"resources": {"namespaces": ["prod"]}}]}), None),
        fail
    );
    assert_eq!(matched(json!({"resources": {"kinds": ["Pod"]}}), None), fail);
    assert_eq!(
        matched(any(json!({"kinds": ["Pod"]})), Some(json!({"any": [{"resources": {"namespaces": ["prod"]}}]}))),
        None
    );
    assert_eq!(
        matched(any(json!({"kinds": ["Pod"]})), Some(json!({"any": [{"resources": {"namespaces": ["dev"]}}]}))),
        fail
    );
    // Offline there is no requesting user: a rule whose outcome depends on one is not evaluated,
    // never passed.
    let user = json!({"any": [{"resources": {"kinds": ["Pod"]}, "subjects": [{"kind": "User", "name": "a"}]}]});
    assert_eq!(matched(user.clone(), None), Some(RuleStatus::Unsupported));
    assert_eq!(
        matched(any(json!({"kinds": ["Pod"]})), Some(json!({"any": [{"subjects": [{"kind": "User", "name": "a"}]}]}))),
        Some(RuleStatus::Unsupported)
    );
    // Whatever the user, a passing pod passes.
    let mut doc = pss_policy(&["Pod"], json!({"level": "baseline"}));
    doc["spec"]["rules"][0]["match"] = user;
    assert_eq!(
        messages(&policy(&doc), &pod(json!({"containers": [{"name": "c"}]}))),
        [("r".to_owned(), RuleStatus::Pass, passed("r"))]
    );
    let result = apply(&policy(&doc), &obj_text);
    assert!(result.rules()[0].message().contains("depends on the requesting user"), "{}", result.rules()[0].message());
    assert!(!result.blocked());
}

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
    assert!(applies(json!({"generateName": "web-"}), names.clone()));
    assert!(!applies(json!({"name": "api", "generateName": "web-"}), names));
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

/// Maps (annotations, matchLabels) are Go maps: the order of their keys is not part of the policy.
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
    assert_eq!(read(r#"{"b":"9","a":"1","b":"2"}"#, r#"{"tier":"front","app":"web"}"#), sorted);
    assert_ne!(read(r#"{"a":"1","b":"3"}"#, r#"{"app":"web","tier":"front"}"#), sorted);
}

// ---- PolicyExceptions ------------------------------------------------------------------------------

fn exception(name: &str, rules: &[&str], pod_security: Value, version: KyvernoVersion) -> PolicyException {
    let api = if version == V1_11 { "kyverno.io/v2beta1" } else { "kyverno.io/v2" };
    let mut doc = json!({"apiVersion": api, "kind": "PolicyException", "metadata": {"name": name, "namespace": "kyverno"},
        "spec": {"exceptions": [{"policyName": "p", "ruleNames": rules}],
            "match": {"any": [{"resources": {"kinds": ["Pod"], "namespaces": ["staging"]}}]}}});
    if !pod_security.is_null() {
        doc["spec"]["podSecurity"] = pod_security;
    }
    PolicyException::from_json_str_for(&doc.to_string(), version).unwrap()
}

fn with_exceptions(
    p: &KyvernoPolicy,
    object: &str,
    namespace: &str,
    exceptions: &[PolicyException],
) -> (RuleStatus, String) {
    let obj = ObjectDocument::from_str(object).unwrap();
    let result = p.apply_with(&obj, &ApplyContext::new(namespace).exceptions(exceptions));
    (result.rules()[0].status(), result.rules()[0].message().to_owned())
}

#[test]
fn exceptions_without_pod_security_skip_the_rule() {
    let object = pod(privileged_nginx());
    for (version, message) in [
        (V1_11, "rule skipped due to policy exception kyverno/e"),
        (V1_12, "rule skipped due to policy exception kyverno/e"),
        (NEWEST, "rule is skipped due to policy exception kyverno/e"),
    ] {
        let p = policy_for(&pss_policy(&["Pod"], json!({"level": "baseline"})), version);
        let e = [exception("e", &["r"], Value::Null, version)];
        assert_eq!(with_exceptions(&p, &object, "staging", &e), (RuleStatus::Skip, message.to_owned()), "{version}");
        // Only in the namespaces it matches, only for the rules it names (wildcards allowed).
        assert_eq!(with_exceptions(&p, &object, "prod", &e).0, RuleStatus::Fail);
        let other = [exception("e", &["autogen-*"], Value::Null, version)];
        assert_eq!(with_exceptions(&p, &object, "staging", &other).0, RuleStatus::Fail);
    }
}

#[test]
fn exceptions_with_pod_security_remove_what_they_cover() {
    let object = pod(json!({"containers": [
        {"name": "a", "image": "nginx", "securityContext": {"privileged": true}},
        {"name": "b", "image": "redis", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}));
    let privileged = json!([{"controlName": "Privileged Containers", "images": ["nginx"]}]);
    let caps = json!([{"controlName": "Capabilities", "images": ["redis"]}]);
    // 1.11 knows no podSecurity in exceptions: the rule is skipped whole.
    let p = policy_for(&pss_policy(&["Pod"], json!({"level": "baseline"})), V1_11);
    assert_eq!(
        with_exceptions(&p, &object, "staging", &[exception("e", &["r"], privileged.clone(), V1_11)]),
        (RuleStatus::Skip, "rule skipped due to policy exception kyverno/e".to_owned())
    );
    // 1.12 uses the first matching exception only; 1.13 on uses them all.
    let p12 = policy_for(&pss_policy(&["Pod"], json!({"level": "baseline"})), V1_12);
    let both12 = [exception("e1", &["r"], privileged.clone(), V1_12), exception("e2", &["r"], caps.clone(), V1_12)];
    assert_eq!(
        with_exceptions(&p12, &object, "staging", &both12),
        (
            RuleStatus::Fail,
            new("r", "baseline:", &[("non-default capabilities", &["spec.containers[1].securityContext.capabilities.add is forbidden, forbidden values found: [SYS_ADMIN]"])])
        )
    );
    let p = policy(&pss_policy(&["Pod"], json!({"level": "baseline"})));
    let both = [exception("e1", &["r"], privileged, NEWEST), exception("e2", &["r"], caps, NEWEST)];
    assert_eq!(
        with_exceptions(&p, &object, "staging", &both),
        (RuleStatus::Skip, "rule is skipped due to policy exceptions kyverno/e1, kyverno/e2".to_owned())
    );
    assert_eq!(with_exceptions(&p, &object, "prod", &both).0, RuleStatus::Fail);
}

#[test]
fn exception_conditions_are_not_evaluated() {
    let object = pod(privileged_nginx());
    let p = policy(&pss_policy(&["Pod"], json!({"level": "baseline"})));
    let doc = json!({"apiVersion": "kyverno.io/v2", "kind": "PolicyException", "metadata": {"name": "c"},
        "spec": {"exceptions": [{"policyName": "p", "ruleNames": ["r"]}],
            "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "conditions": {"any": [{"key": "{{ request.object.metadata.name }}", "operator": "Equals", "value": "p"}]}}});
    let e = [PolicyException::from_json_str(&doc.to_string()).unwrap()];
    let (status, message) = with_exceptions(&p, &object, "default", &e);
    assert_eq!(status, RuleStatus::Unsupported);
    assert!(message.contains("PolicyException c"), "{message}");
    // When the exception would not change the outcome, the outcome stands.
    let ok = pod(json!({"containers": [{"name": "c"}]}));
    assert_eq!(with_exceptions(&p, &ok, "default", &e).0, RuleStatus::Pass);
}

// ---- unsupported rules -----------------------------------------------------------------------------

#[test]
fn other_rule_types_are_unsupported_not_passed() {
    let rules = json!([
        {"name": "mut", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "mutate": {"patchStrategicMerge": {"metadata": {"labels": {"a": "b"}}}}},
        {"name": "pat", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "validate": {"message": "m", "pattern": {"spec": {}}}},
        {"name": "vi", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]}, "verifyImages": [{"imageReferences": ["*"]}]},
        {"name": "pre", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
            "preconditions": {"all": [{"key": "a", "operator": "Equals", "value": "a"}]},
            "validate": {"podSecurity": {"level": "baseline"}}}
    ]);
    let doc = json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
        "spec": {"validationFailureAction": "Enforce", "rules": rules}});
    let got = messages(&policy(&doc), &pod(privileged_nginx()));
    let expected = [
        ("mut", "a mutate rule"),
        ("pat", "a validate.pattern rule"),
        ("vi", "a verifyImages rule"),
        ("pre", "a validate.podSecurity rule with preconditions"),
    ];
    assert_eq!(got.len(), expected.len(), "{got:?}");
    for ((name, status, msg), (want_name, what)) in got.iter().zip(expected) {
        assert_eq!((name.as_str(), *status), (want_name, RuleStatus::Unsupported));
        assert_eq!(msg, &format!("{what} is not supported: pss runs validate.podSecurity rules only"));
    }
    assert!(!apply(&policy(&doc), &pod(privileged_nginx())).blocked());
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
    assert_send_sync::<PolicyException>();
    assert_send_sync::<KyvernoVersion>();
    assert_send_sync::<ApplyContext<'_>>();
    assert_send_sync::<PolicyResult>();
    assert_send_sync::<pss_core::kyverno::RuleResult>();
    assert_send_sync::<PolicyError>();
    assert_send_sync::<pss_core::FieldError>();
    assert_send_sync::<pss_core::kyverno::KyvernoTest>();
    assert_send_sync::<pss_core::kyverno::TestReport>();
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
            .map(|v| (v.reason().to_owned(), v.fields().iter().map(|f| f.path().to_string()).collect()))
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
        assert_eq!(only_b[0].fields().get(0).unwrap().path(), "spec.containers[1].securityContext.capabilities.add[0]");
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
