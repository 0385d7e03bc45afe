//! `pss apply`: Kyverno podSecurity policies applied offline, end to end (output and exit status).

mod common;

use common::{pss, pss_in, repo_root, TempDir};
use serde_json::Value;

const SEED_BLOCKED: &str = "resource Pod/default/privileged-pod was blocked due to the following policies\n\
baseline-policy:\n  \
baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})";

/// The seed's output, byte for byte, with Kyverno 1.11 (the message of Kyverno 1.8 to 1.11).
#[test]
fn seed_policy_blocks_the_privileged_pod_as_kyverno_1_11() {
    let args = ["apply", "examples/baseline-policy.yaml", "-r", "examples/privileged-pod.yaml", "--kyverno-version"];
    for version in ["1.11", "v1.11.5", "1.11.2"] {
        let out = pss(&[&args[..], &[version]].concat());
        assert_eq!(out.stdout, format!("{SEED_BLOCKED}\n\npass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"));
        assert_eq!(out.stderr, "");
        assert_eq!(out.code, 1);
    }
}

/// The newest release's message: Kyverno 1.19's `pkg/pss/evaluate.go` formats the check
/// library's field errors (privileged: a Forbidden error with the bad value `true`) as `FIELD is
/// forbidden, forbidden values found: VALUE`.
#[test]
fn seed_policy_blocks_the_privileged_pod_as_the_newest_kyverno() {
    let out = pss(&["apply", "examples/baseline-policy.yaml", "-r", "examples/privileged-pod.yaml"]);
    assert_eq!(
        out.stdout,
        "resource Pod/default/privileged-pod was blocked due to the following policies\n\
         baseline-policy:\n  \
         baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": (Forbidden reason: \
         privileged, field error list: [spec.containers[0].securityContext.privileged is forbidden, forbidden values \
         found: true])\n\
         \n\
         pass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"
    );
    assert_eq!(out.code, 1);
    let explicit = pss(&[
        "apply",
        "examples/baseline-policy.yaml",
        "-r",
        "examples/privileged-pod.yaml",
        "--kyverno-version",
        "1.19",
    ]);
    assert_eq!(explicit.stdout, out.stdout);
}

#[test]
fn unknown_kyverno_versions_are_usage_errors() {
    for version in ["1.10", "2.0", "1.12.5", "latest", "1.011"] {
        let out = pss(&[
            "apply",
            "examples/baseline-policy.yaml",
            "-r",
            "examples/privileged-pod.yaml",
            "--kyverno-version",
            version,
        ]);
        assert_eq!(out.code, 2, "{version}");
        assert!(out.stderr.contains("unsupported Kyverno version"), "{version}: {}", out.stderr);
        assert_eq!(out.stdout, "");
    }
}

#[test]
fn compliant_resources_pass_with_exit_0_and_every_policy_is_named() {
    let out = pss(&["apply", "examples/baseline-policy.yaml", "--resource", "examples/restricted-pod.yaml"]);
    assert_eq!(
        out.stdout,
        "policy baseline-policy: passed on 1 resource\n\npass: 1, fail: 0, warn: 0, error: 0, skip: 0\n"
    );
    assert_eq!(out.code, 0);
    // A policy no rule of which matched a resource is named too.
    let config_map = br#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "settings"}}"#;
    let out = pss_in(&repo_root(), &["apply", "examples/baseline-policy.yaml", "--resource", "-"], config_map);
    assert_eq!(
        out.stdout,
        "policy baseline-policy: no rule matched any resource\n\npass: 0, fail: 0, warn: 0, error: 0, skip: 0\n"
    );
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
fn audit_failures_and_rules_not_evaluated_are_listed_and_do_not_block() {
    let dir = TempDir::new("apply-audit");
    std::fs::write(dir.path().join("policy.yaml"), AUDIT_POLICY).unwrap();
    let pod = repo_root().join("examples/privileged-pod.yaml");
    // Kyverno 1.11 runs each check at every version up to the rule's (allowPrivilegeEscalation,
    // capabilities and seccomp have two at v1.30), so their failures come twice
    // (pkg/pss/evaluate.go's evaluatePSS at v1.11.5).
    let out =
        pss_in(dir.path(), &["apply", "policy.yaml", "-r", pod.to_str().unwrap(), "--kyverno-version", "1.11"], b"");
    assert_eq!(
        out.stdout,
        "policy restricted-audit -> resource default/Pod/privileged-pod failed (audit):\n\
         1. restricted: Validation rule 'restricted' failed. It violates PodSecurity \"restricted:v1.30\": \
         ({Allowed:false ForbiddenReason:allowPrivilegeEscalation != false ForbiddenDetail:container \"privileged-pod\" must set securityContext.allowPrivilegeEscalation=false})\n\
         ({Allowed:false ForbiddenReason:allowPrivilegeEscalation != false ForbiddenDetail:container \"privileged-pod\" must set securityContext.allowPrivilegeEscalation=false})\n\
         ({Allowed:false ForbiddenReason:unrestricted capabilities ForbiddenDetail:container \"privileged-pod\" must set securityContext.capabilities.drop=[\"ALL\"]})\n\
         ({Allowed:false ForbiddenReason:unrestricted capabilities ForbiddenDetail:container \"privileged-pod\" must set securityContext.capabilities.drop=[\"ALL\"]})\n\
         ({Allowed:false ForbiddenReason:privileged ForbiddenDetail:container \"privileged-pod\" must not set securityContext.privileged=true})\n\
         ({Allowed:false ForbiddenReason:runAsNonRoot != true ForbiddenDetail:pod or container \"privileged-pod\" must set securityContext.runAsNonRoot=true})\n\
         ({Allowed:false ForbiddenReason:seccompProfile ForbiddenDetail:pod or container \"privileged-pod\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"})\n\
         ({Allowed:false ForbiddenReason:seccompProfile ForbiddenDetail:pod or container \"privileged-pod\" must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"})\n\
         \n\
         policy restricted-audit -> resource default/Pod/privileged-pod not evaluated:\n\
         1. labels: a validate.pattern rule is not supported: pss runs validate.podSecurity rules only\n\
         \n\
         pass: 0, fail: 0, warn: 1, error: 0, skip: 0\n\
         not evaluated: 1 rule (0 with action Enforce)\n"
    );
    // An Audit rule that is not evaluated does not fail the run.
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
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
"#,
    )
    .unwrap();
    let pod = repo_root().join("examples/privileged-pod.yaml");
    let out = pss_in(dir.path(), &["apply", "policies.yaml", "-r", pod.to_str().unwrap()], b"");
    assert_eq!(
        out.stdout,
        "policy bad skipped (invalid): spec.rules[0].podSecurity.exclude[0].controlName: Invalid value: \
         \"Privileged Containers\": exclude.images must be specified for the container level control\n\
         policies.yaml (document 2): skipped: unsupported policy kind v1/ConfigMap: pss runs \
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
    let args = ["apply", "examples/baseline-policy.yaml", "-r", "-", "-n", "prod", "--kyverno-version", "1.11"];
    let out = pss_in(&repo_root(), &args, deployment);
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

/// Where each resource is created: its admission request's namespace (the same cases as the npm
/// package's `KyvernoPolicy.apply` test and pss-core's `resource_namespace`).
#[test]
fn resources_are_created_where_their_admission_request_says() {
    let resources = br#"{"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "empty", "namespace": ""},
         "spec": {"containers": [{"name": "c", "image": "i"}]}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "own", "namespace": "prod"},
         "spec": {"containers": [{"name": "c", "image": "i"}]}},
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "n", "namespace": "x"}},
        {"apiVersion": "rbac.authorization.k8s.io/v1", "kind": "ClusterRole", "metadata": {"name": "r"}},
        {"apiVersion": "example.com/v1", "kind": "Namespace", "metadata": {"name": "custom"}}]}"#;
    let args = ["apply", "examples/baseline-policy.yaml", "-r", "-", "-n", "dev", "--format", "json"];
    let out = pss_in(&repo_root(), &args, resources);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let placed: Vec<(&str, &str)> = doc["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["name"].as_str().unwrap(), r["namespace"].as_str().unwrap()))
        .collect();
    assert_eq!(placed, [("empty", "dev"), ("own", "prod"), ("n", ""), ("r", ""), ("custom", "dev")]);
}

#[test]
fn json_output() {
    let args = ["apply", "examples/baseline-policy.yaml", "-r", "examples/privileged-pod.yaml", "--format", "json"];
    let out = pss(&[&args[..], &["--kyverno-version", "1.11"]].concat());
    assert_eq!(out.code, 1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["kyverno_version"], "1.11");
    assert_eq!(doc["policies"], serde_json::json!(["baseline-policy"]));
    assert_eq!(doc["exceptions"], serde_json::json!([]));
    assert_eq!(
        doc["summary"],
        serde_json::json!({"pass": 0, "fail": 1, "warn": 0, "error": 0, "skip": 0, "not_evaluated": 0, "not_evaluated_enforce": 0})
    );
    let resource = &doc["resources"][0];
    assert_eq!(resource["kind"], "Pod");
    assert_eq!(resource["namespace"], "default");
    assert_eq!(resource["blocked"], true);
    assert_eq!(resource["message"], SEED_BLOCKED);
    let policy = &resource["policies"][0];
    assert_eq!(policy["policy"], "baseline-policy");
    assert_eq!(policy["kyverno"], "1.11");
    let rule = &policy["rules"][0];
    assert_eq!(rule["name"], "baseline");
    assert_eq!(rule["status"], "fail");
    assert_eq!(rule["action"], "Enforce");
    assert_eq!(rule["violations"][0]["check"], "privileged");
    assert_eq!(rule["violations"][0]["fields"][0]["path"], "spec.containers[0].securityContext.privileged");

    // The default: the newest release.
    let newest: Value = serde_json::from_str(&pss(&args).stdout).unwrap();
    assert_eq!(newest["kyverno_version"], "1.19");
    assert!(newest["resources"][0]["message"]
        .as_str()
        .unwrap()
        .contains("(Forbidden reason: privileged, field error list:"));
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
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", "resources.yaml", "--kyverno-version", "1.11"], b"");
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
    let args = [
        "apply",
        "policy.yaml",
        "-r",
        "-",
        "--namespace-labels",
        "shop=env=dev",
        "--namespace-labels",
        "lab=env=prod",
        "--kyverno-version",
        "1.11",
    ];
    let out = pss_in(dir.path(), &args, SELECTOR_RESOURCES.as_bytes());
    assert!(out.stdout.starts_with("resource Pod/lab/b was blocked"), "{}", out.stdout);
    assert!(out.stdout.ends_with("pass: 0, fail: 1, warn: 0, error: 0, skip: 0\n"), "{}", out.stdout);
    assert_eq!(out.code, 1);
}

/// kyverno/kyverno `test/cli/test-exceptions/exceptions-3` (v1.19.0): a PolicyException whose
/// podSecurity entry allows the hostPath `/var/lib1` in `staging-ns`. Kyverno's expectations:
/// bad-pod fails, good-pod passes, excluded-pod is skipped, with the message of v1.19.0's
/// `validate_pss.go` ("rule is skipped due to policy exceptions " and the keys).
const EXCEPTIONS_3: &str = "pss-core/tests/kyverno/kyverno-test/kyverno/exceptions-3";

const EXCEPTIONS_3_OUT: &str = "\
policy psa -> resource staging-ns/Pod/excluded-pod skipped:
1. baseline: rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception

resource Pod/default/bad-pod was blocked due to the following policies
psa:
  baseline: Validation rule 'baseline' failed. It violates PodSecurity \"baseline:latest\": (Forbidden reason: hostPath volumes, field error list: [spec.volumes[0].hostPath is forbidden, forbidden values found: /var/lib1])

pass: 1, fail: 1, warn: 0, error: 0, skip: 1
";

#[test]
fn exceptions_from_exception_files_resources_and_policy_files() {
    let file = |name: &str| format!("{EXCEPTIONS_3}/{name}");
    let (policy, resources, exception) = (file("policy.yaml"), file("resources.yaml"), file("exception.yaml"));
    for flag in ["-e", "--exception", "--exceptions"] {
        let out = pss(&["apply", &policy, "-r", &resources, flag, &exception]);
        assert_eq!(out.stdout, EXCEPTIONS_3_OUT, "{flag}: {}", out.stderr);
        assert_eq!(out.code, 1);
    }
    // Comma-separated, as Kyverno's StringSlice flag.
    let out = pss(&["apply", &policy, "-r", &resources, "-e", &format!("{exception},{exception}")]);
    assert!(out.stdout.contains("rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception, policy-exception-ns/pod-security-exception"), "{}", out.stdout);

    // Among the resources (after the pods), and among the policies.
    let read = |p: &str| std::fs::read_to_string(repo_root().join(p)).unwrap();
    let with_exception = format!("{}---\n{}", read(&resources), read(&exception));
    let out = pss_in(&repo_root(), &["apply", &policy, "-r", "-"], with_exception.as_bytes());
    assert_eq!(out.stdout, EXCEPTIONS_3_OUT, "{}", out.stderr);
    let dir = TempDir::new("apply-exception-in-policies");
    dir.write("policies.yaml", format!("{}---\n{}", read(&policy), read(&exception)));
    let out =
        pss_in(dir.path(), &["apply", "policies.yaml", "-r", repo_root().join(&resources).to_str().unwrap()], b"");
    assert_eq!(out.stdout, EXCEPTIONS_3_OUT, "{}", out.stderr);

    // Without it, excluded-pod is blocked too.
    let out = pss(&["apply", &policy, "-r", &resources]);
    assert!(out.stdout.starts_with("resource Pod/staging-ns/excluded-pod was blocked"), "{}", out.stdout);
}

#[test]
fn exception_files_hold_readable_exceptions_only() {
    let file = |name: &str| format!("{EXCEPTIONS_3}/{name}");
    // Kyverno 1.11 reads no kyverno.io/v2 PolicyException: its CLI refuses the file.
    let out = pss(&[
        "apply",
        &file("policy.yaml"),
        "-r",
        &file("resources.yaml"),
        "-e",
        &file("exception.yaml"),
        "--kyverno-version",
        "1.11",
    ]);
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        format!(
            "pss: {} (document 1, line 1): policy exception type not supported kyverno.io/v2, Kind=PolicyException: \
             Kyverno 1.11 reads kyverno.io/v2alpha1, kyverno.io/v2beta1\n",
            file("exception.yaml")
        )
    );
    // Another document in an exception file is an input error; a CEL PolicyException is noted.
    let dir = TempDir::new("apply-exception-files");
    dir.write(
        "exceptions.yaml",
        "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: cel}\n---\n\
         apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings}\n",
    );
    let root = repo_root();
    let abs = |name: &str| root.join(file(name)).to_str().unwrap().to_owned();
    let out =
        pss_in(dir.path(), &["apply", &abs("policy.yaml"), "-r", &abs("resources.yaml"), "-e", "exceptions.yaml"], b"");
    assert_eq!(out.code, 2);
    assert_eq!(
        out.stderr,
        "pss: exceptions.yaml (document 2, line 5): unsupported exception kind v1/ConfigMap: pss reads kyverno.io \
         PolicyException documents\n"
    );
    assert!(
        out.stdout.starts_with(
            "exceptions.yaml (document 1): skipped: policies.kyverno.io/v1/PolicyException exempts resources from CEL \
             policies (ValidatingPolicy, ...), which pss does not run\n\n"
        ),
        "{}",
        out.stdout
    );
}

const ENFORCED_PATTERN: &str = r#"
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: labels
spec:
  validationFailureAction: Enforce
  rules:
  - name: app-label
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        metadata:
          labels:
            app: "?*"
  - name: add-team
    match:
      any:
      - resources:
          kinds: [Pod]
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            team: web
"#;

/// An Enforce rule pss cannot evaluate fails the run unless --allow-unevaluated; a mutate rule,
/// which never denies, does not.
#[test]
fn enforce_rules_not_evaluated_fail_the_run() {
    let dir = TempDir::new("apply-unevaluated");
    dir.write("policy.yaml", ENFORCED_PATTERN);
    let pod = repo_root().join("examples/restricted-pod.yaml");
    let pod = pod.to_str().unwrap();
    let listed = "policy labels -> resource default/Pod/restricted-pod not evaluated:\n\
                  1. app-label: a validate.pattern rule is not supported: pss runs validate.podSecurity rules only\n\
                  2. add-team: a mutate rule is not supported: pss runs validate.podSecurity rules only\n\
                  \n\
                  pass: 0, fail: 0, warn: 0, error: 0, skip: 0\n";
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", pod], b"");
    assert_eq!(
        out.stdout,
        format!("{listed}not evaluated: 2 rules (1 with action Enforce: exit status 1 unless --allow-unevaluated)\n")
    );
    assert_eq!(out.code, 1);
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", pod, "--allow-unevaluated"], b"");
    assert_eq!(
        out.stdout,
        format!("{listed}not evaluated: 2 rules (1 with action Enforce, accepted with --allow-unevaluated)\n")
    );
    assert_eq!(out.code, 0);
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", pod, "--format", "json"], b"");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["not_evaluated"], 2);
    assert_eq!(doc["summary"]["not_evaluated_enforce"], 1);
    assert_eq!(doc["resources"][0]["policies"][0]["rules"][0]["status"], "unsupported");
    assert_eq!(out.code, 1);
}

const IMAGE_EXCLUSION: &str = r#"
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: psa
spec:
  validationFailureAction: Enforce
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      podSecurity:
        level: baseline
        version: latest
        exclude:
        - controlName: Capabilities
          images: [nginx]
"#;

const TWO_CONTAINERS: &str = r#"
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  containers:
  - name: web
    image: nginx
    securityContext: {capabilities: {add: [SYS_ADMIN]}}
  - name: side
    image: busybox
    securityContext: {capabilities: {add: [SYS_ADMIN]}}
"#;

/// Kyverno 1.11 excludes a check whole: `EvaluatePod` in its `pkg/pss/evaluate.go` (v1.11.5)
/// re-runs the checks on a pod holding only the containers an entry's images select and removes
/// every check of the control that fails there, whatever the other containers do. pss predicts the
/// admission and warns with the field the standard still forbids.
#[test]
fn admitted_violations_are_warned_with_their_fields() {
    let dir = TempDir::new("apply-warnings");
    dir.write("policy.yaml", IMAGE_EXCLUSION);
    dir.write("pod.yaml", TWO_CONTAINERS);
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", "pod.yaml", "--kyverno-version", "1.11"], b"");
    assert_eq!(
        out.stdout,
        "policy psa -> resource default/Pod/two warning:\n\
         1. baseline: Kyverno 1.11 admits it, but it violates PodSecurity \"baseline:latest\": non-default capabilities \
         (spec.containers[1].securityContext.capabilities.add[0])\n\
         \n\
         pass: 1, fail: 0, warn: 0, error: 0, skip: 0\n"
    );
    assert_eq!(out.code, 0);
    // From 1.12 on, only the excluded container's field is removed.
    let out = pss_in(dir.path(), &["apply", "policy.yaml", "-r", "pod.yaml"], b"");
    assert!(out.stdout.starts_with("resource Pod/default/two was blocked"), "{}", out.stdout);
    assert_eq!(out.code, 1);
}
