//! `pss apply`: Kyverno podSecurity policies applied offline, end to end (output and exit status).

mod common;

use common::{pss, pss_in, repo_root, TempDir};
use serde_json::Value;

const SEED_BLOCKED: &str = "resource Pod/default/privileged-pod was blocked due to the following policies\n\
baseline-policy:\n  \
baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})";

#[test]
fn seed_policy_blocks_the_privileged_pod() {
    let out = pss(&["apply", "examples/baseline-policy.yaml", "-r", "examples/privileged-pod.yaml"]);
    assert_eq!(out.stdout, format!("{SEED_BLOCKED}\n\npass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"));
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1);
}

#[test]
fn compliant_resources_pass_with_exit_0() {
    let out = pss(&["apply", "examples/baseline-policy.yaml", "--resource", "examples/restricted-pod.yaml"]);
    assert_eq!(out.stdout, "pass: 1, fail: 0, warn: 0, error: 0, skip: 0\n");
    assert_eq!(out.code, 0);
}

const AUDIT_POLICY: &str = r#"
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: restricted-audit
spec:
  validationFailureAction: Audit
  rules:
  - name: restricted
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      podSecurity:
        level: restricted
        version: v1.30
  - name: labels
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        metadata:
          labels:
            app: "?*"
"#;

#[test]
fn audit_failures_and_unsupported_rules_are_listed_and_do_not_block() {
    let dir = TempDir::new("apply-audit");
    std::fs::write(dir.path().join("policy.yaml"), AUDIT_POLICY).unwrap();
    let pod = repo_root().join("examples/privileged-pod.yaml");
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", pod.to_str().unwrap()], b"");
    assert_eq!(
        out.stdout,
        "policy restricted-audit -> resource default/Pod/privileged-pod failed (audit):\n\
         1. restricted: Validation rule 'restricted' failed. It violates PodSecurity \"restricted:v1.30\": \
         ({Allowed:false ForbiddenReason:allowPrivilegeEscalation != false ForbiddenDetail:container \"privileged-pod\" must set securityContext.allowPrivilegeEscalation=false})\n\
         ({Allowed:false ForbiddenReason:unrestricted capabilities ForbiddenDetail:container \"privileged-pod\" must set securityContext.capabilities.drop=[\"ALL\"]})\n\
         ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})\n\
         ({Allowed:false ForbiddenReason:runAsNonRoot != true ForbiddenDetail:pod or container \"privileged-pod\" must set securityContext.runAsNonRoot=true})\n\
         ({Allowed:false ForbiddenReason:seccompProfile ForbiddenDetail:pod or container \"privileged-pod\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"})\n\
         \n\
         policy restricted-audit -> resource default/Pod/privileged-pod unsupported:\n\
         1. labels: a validate.pattern rule is not supported: pss runs validate.podSecurity rules only\n\
         \n\
         pass: 0, fail: 0, warn: 1, error: 0, skip: 1\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn invalid_policies_and_other_documents_are_reported_and_skipped() {
    let dir = TempDir::new("apply-invalid");
    std::fs::write(
        dir.path().join("policies.yaml"),
        r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: bad
spec:
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      podSecurity:
        level: baseline
        exclude:
        - controlName: Privileged Containers
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: ex
"#,
    )
    .unwrap();
    let pod = repo_root().join("examples/privileged-pod.yaml");
    let out = pss_in(dir.path(), &["apply", "policies.yaml", "-r", pod.to_str().unwrap()], b"");
    assert_eq!(
        out.stdout,
        "policy bad skipped (invalid): spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: \
         \"Privileged Containers\": exclude.images must be specified for the container level control\n\
         policies.yaml (document 2): skipped: unsupported policy kind kyverno.io/v2/PolicyException: pss runs \
         kyverno.io ClusterPolicy and Policy documents\n\
         \n\
         pass: 0, fail: 0, warn: 0, error: 1, skip: 0\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn malformed_input_is_exit_2() {
    let out = pss_in(&repo_root(), &["apply", "examples/baseline-policy.yaml", "-r", "-"], b"{\"kind\": \"Pod\",");
    assert_eq!(out.code, 2);
    assert!(out.stderr.starts_with("pss: <stdin> (document 1"), "{}", out.stderr);
    let out = pss(&["apply", "examples/missing-policy.yaml", "-r", "examples/privileged-pod.yaml"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("missing-policy.yaml"), "{}", out.stderr);
    // Usage: resources are required.
    let out = pss(&["apply", "examples/baseline-policy.yaml"]);
    assert_eq!(out.code, 2);
}

#[test]
fn controllers_from_standard_input_and_namespace_flags() {
    let deployment = br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
        "spec": {"template": {"spec": {"containers": [{"name": "nginx", "image": "nginx", "securityContext": {"privileged": true}}]}}}}"#;
    let out = pss_in(&repo_root(), &["apply", "examples/baseline-policy.yaml", "-r", "-", "-n", "prod"], deployment);
    assert_eq!(
        out.stdout,
        "resource Deployment/prod/web was blocked due to the following policies\n\
         baseline-policy:\n  \
         autogen-baseline: Validation rule 'autogen-baseline' failed. It violates PodSecurity \"baseline:latest\": \
         ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"nginx\" must not set securityContext.privileged=true})\n\
         \n\
         pass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn json_output() {
    let out =
        pss(&["apply", "examples/baseline-policy.yaml", "-r", "examples/privileged-pod.yaml", "--format", "json"]);
    assert_eq!(out.code, 1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["policies"], serde_json::json!(["baseline-policy"]));
    assert_eq!(doc["summary"], serde_json::json!({"pass": 0, "fail": 1, "warn": 0, "error": 0, "skip": 0}));
    let resource = &doc["resources"][0];
    assert_eq!(resource["kind"], "Pod");
    assert_eq!(resource["namespace"], "default");
    assert_eq!(resource["blocked"], true);
    assert_eq!(resource["message"], SEED_BLOCKED);
    let rule = &resource["policies"][0]["rules"][0];
    assert_eq!(rule["name"], "baseline");
    assert_eq!(rule["status"], "fail");
    assert_eq!(rule["action"], "Enforce");
    assert_eq!(rule["violations"][0]["check"], "privileged");
    assert_eq!(rule["violations"][0]["fields"][0]["path"], "spec.containers[0].securityContext.privileged");
}

#[test]
fn check_still_skips_the_policy_file() {
    let out = pss(&["check", "examples/baseline-policy.yaml"]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.contains("skipped 1 object"), "{}", out.stdout);
}

const SELECTOR_POLICY: &str = r#"
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: prod-baseline
spec:
  validationFailureAction: Enforce
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaceSelector:
            matchLabels:
              env: prod
    validate:
      podSecurity:
        level: baseline
        version: latest
"#;

const SELECTOR_RESOURCES: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: shop}
spec: {containers: [{name: c, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: lab}
spec: {containers: [{name: c, securityContext: {privileged: true}}]}
---
apiVersion: v1
kind: Namespace
metadata: {name: shop, labels: {env: prod}}
"#;

/// A namespaceSelector sees the labels of Namespace objects among the resources (even after the
/// pods in them), and --namespace-labels replaces them.
#[test]
fn namespace_selectors_see_namespace_objects_and_flags() {
    let dir = TempDir::new("apply-selector");
    dir.write("policy.yaml", SELECTOR_POLICY);
    dir.write("resources.yaml", SELECTOR_RESOURCES);
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", "resources.yaml"], b"");
    assert_eq!(
        out.stdout,
        "resource Pod/shop/a was blocked due to the following policies\n\
         prod-baseline:\n  \
         baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": \
         ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"c\" must not set securityContext.privileged=true})\n\
         \n\
         pass: 0, fail: 1, warn: 0, error: 0, skip: 0\n",
        "{}",
        out.stderr
    );
    assert_eq!(out.code, 1);

    // The flag replaces the Namespace's labels (shop is no longer prod) and labels lab.
    let args =
        ["apply", "policy.yaml", "-r", "-", "--namespace-labels", "shop=env=dev", "--namespace-labels", "lab=env=prod"];
    let out = pss_in(dir.path(), &args, SELECTOR_RESOURCES.as_bytes());
    assert!(out.stdout.starts_with("resource Pod/lab/b was blocked"), "{}", out.stdout);
    assert!(out.stdout.ends_with("pass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"), "{}", out.stdout);
    assert_eq!(out.code, 1);
}
