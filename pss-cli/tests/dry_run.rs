//! `pss label-dry-run`: upstream's namespace dry-run warnings word for word over the pods in the
//! input, the summary per namespace, and the exit status.

mod common;

use common::{pss, pss_in, repo_root, TempDir};
use serde_json::{json, Value};

fn pod(name: &str, namespace: Option<&str>, spec: Value) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})
}

fn host_network() -> Value {
    json!({"hostNetwork": true, "containers": [{"name": "c"}]})
}

fn plain() -> Value {
    json!({"containers": [{"name": "c"}]})
}

fn restricted() -> Value {
    json!({"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
           "containers": [{"name": "c", "securityContext": {"allowPrivilegeEscalation": false,
                                                          "capabilities": {"drop": ["ALL"]}}}]})
}

/// What `kubectl get pods -A -o json` prints: a List.
fn list(items: &[Value]) -> String {
    json!({"apiVersion": "v1", "kind": "List", "items": items, "metadata": {"resourceVersion": ""}}).to_string()
}

fn dry_run(args: &[&str], input: &str) -> common::Output {
    let mut all = vec!["label-dry-run"];
    all.extend_from_slice(args);
    pss_in(&repo_root(), &all, input.as_bytes())
}

#[test]
fn violations_grouped_by_reasons_under_the_first_name_sorted() {
    let pods = [
        pod("web-2", Some("test"), host_network()),
        pod("web-1", Some("test"), host_network()),
        pod("api", Some("test"), plain()),
        pod("ok", Some("test"), restricted()),
        pod("elsewhere", Some("other"), host_network()),
    ];
    let out = dry_run(&["test", "restricted"], &list(&pods));
    assert_eq!(
        out.stdout,
        "Warning: existing pods in namespace \"test\" violate the new PodSecurity enforce level \"restricted:latest\"\n\
         Warning: api: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n\
         Warning: web-1 (and 1 other pod): host namespaces, allowPrivilegeEscalation != false, unrestricted \
         capabilities, runAsNonRoot != true, seccompProfile\n\
         namespace \"test\": 3 of 4 pods would violate the new enforce level \"restricted:latest\"\n"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1);

    // The alias, a version, and YAML on standard input.
    let yaml = "kind: Pod\nmetadata: {name: a, namespace: test}\nspec: {hostPID: true, containers: [{name: c}]}\n---\n\
                kind: Pod\nmetadata: {name: b, namespace: test}\nspec: {hostPID: true, containers: [{name: c}]}\n---\n\
                kind: Pod\nmetadata: {name: c, namespace: test}\nspec: {hostPID: true, containers: [{name: c}]}\n";
    let out = pss_in(&repo_root(), &["dry-run-label", "test", "baseline:v1.30", "-"], yaml.as_bytes());
    assert_eq!(
        out.stdout,
        "Warning: existing pods in namespace \"test\" violate the new PodSecurity enforce level \"baseline:v1.30\"\n\
         Warning: a (and 2 other pods): host namespaces\n\
         namespace \"test\": 3 of 3 pods would violate the new enforce level \"baseline:v1.30\"\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn nothing_violates() {
    let out = dry_run(&["test", "baseline"], &list(&[pod("a", Some("test"), plain())]));
    assert_eq!(
        out.stdout,
        "namespace \"test\": none of 1 pod would violate the new enforce level \"baseline:latest\"\n"
    );
    assert_eq!(out.code, 0);
    // A namespace without pods.
    let out = dry_run(&["empty", "restricted"], &list(&[pod("a", Some("test"), plain())]));
    assert_eq!(
        out.stdout,
        "namespace \"empty\": none of 0 pods would violate the new enforce level \"restricted:latest\"\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn all_namespaces_sorted_and_pods_without_namespace() {
    let pods =
        [pod("z", Some("zeta"), host_network()), pod("d", None, host_network()), pod("a", Some("alpha"), plain())];
    let out = dry_run(&["--all", "baseline"], &list(&pods));
    assert_eq!(
        out.stdout,
        "namespace \"alpha\": none of 1 pod would violate the new enforce level \"baseline:latest\"\n\
         Warning: existing pods in namespace \"default\" violate the new PodSecurity enforce level \"baseline:latest\"\n\
         Warning: d: host namespaces\n\
         namespace \"default\": 1 of 1 pod would violate the new enforce level \"baseline:latest\"\n\
         Warning: existing pods in namespace \"zeta\" violate the new PodSecurity enforce level \"baseline:latest\"\n\
         Warning: z: host namespaces\n\
         namespace \"zeta\": 1 of 1 pod would violate the new enforce level \"baseline:latest\"\n"
    );
    assert_eq!(out.code, 1);

    // --namespace moves pods without one; -A is --all.
    let out = dry_run(&["-A", "--namespace", "ci", "baseline"], &list(&pods[1..2]));
    assert!(out.stdout.starts_with("Warning: existing pods in namespace \"ci\" violate"), "{}", out.stdout);

    let out = dry_run(&["--all", "baseline"], "");
    assert_eq!(out.stdout, "no pods in the input: no namespace to review\n");
    assert_eq!(out.code, 0);
}

#[test]
fn only_the_first_3000_pods_are_checked() {
    let mut input = String::new();
    for i in 0..3005 {
        input.push_str(&pod(&format!("p{i:04}"), Some("big"), host_network()).to_string());
        input.push('\n');
    }
    let out = dry_run(&["big", "baseline"], &input);
    assert_eq!(
        out.stdout,
        "Warning: new PodSecurity enforce level only checked against the first 3000 of 3005 existing pods\n\
         Warning: existing pods in namespace \"big\" violate the new PodSecurity enforce level \"baseline:latest\"\n\
         Warning: p0000 (and 2999 other pods): host namespaces\n\
         namespace \"big\": 3000 of 3005 pods would violate the new enforce level \"baseline:latest\" (only the first \
         3000 checked, as the API server does)\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn one_pod_per_controller_is_checked_first() {
    // 3001 pods of one ReplicaSet, then a standalone pod: the first pod of each controller and the
    // standalone pods come first, so the standalone pod is among the 3000 checked.
    let owned = |name: &str| {
        let mut p = pod(name, Some("t"), host_network());
        p["metadata"]["ownerReferences"] = json!([{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "rs",
                                                   "uid": "u-1", "controller": true}]);
        p
    };
    let mut input: String = (0..3001).map(|i| format!("{}\n", owned(&format!("rs-{i:04}")))).collect();
    input.push_str(&format!(
        "{}\n",
        pod(
            "zz-standalone",
            Some("t"),
            json!({"containers": [{"name": "c", "securityContext": {"privileged": true}}]})
        )
    ));
    let out = dry_run(&["t", "baseline"], &input);
    assert_eq!(
        out.stdout,
        "Warning: new PodSecurity enforce level only checked against the first 3000 of 3002 existing pods\n\
         Warning: existing pods in namespace \"t\" violate the new PodSecurity enforce level \"baseline:latest\"\n\
         Warning: rs-0000 (and 2998 other pods): host namespaces\n\
         Warning: zz-standalone: privileged\n\
         namespace \"t\": 3000 of 3002 pods would violate the new enforce level \"baseline:latest\" (only the first \
         3000 checked, as the API server does)\n"
    );
}

#[test]
fn namespace_object_gives_the_old_labels() {
    let ns = |enforce: &str| {
        json!({"apiVersion": "v1", "kind": "Namespace",
               "metadata": {"name": "test", "labels": {"pod-security.kubernetes.io/enforce": enforce}}})
    };
    let pods = [pod("a", Some("test"), plain())];
    // Already restricted: relaxing to baseline checks nothing, as upstream.
    let mut items = vec![ns("restricted")];
    items.extend_from_slice(&pods);
    let out = dry_run(&["test", "baseline"], &list(&items));
    assert_eq!(
        out.stdout,
        "namespace \"test\": the new enforce level \"baseline:latest\" is not stricter than \"restricted:latest\": 1 \
         existing pod not checked\n"
    );
    assert_eq!(out.code, 0);
    // The same level: unchanged. After the pods in the input works the same.
    let mut items = pods.to_vec();
    items.push(ns("restricted"));
    let out = dry_run(&["test", "restricted"], &list(&items));
    assert!(out.stdout.contains("is not stricter than \"restricted:latest\""), "{}", out.stdout);
    // From baseline to restricted: checked.
    let mut items = vec![ns("baseline")];
    items.extend_from_slice(&pods);
    let out = dry_run(&["test", "restricted"], &list(&items));
    assert!(out.stdout.starts_with("Warning: existing pods in namespace \"test\""), "{}", out.stdout);
    assert_eq!(out.code, 1);
    // --namespace-labels replaces the Namespace's labels.
    let out = dry_run(
        &["--namespace-labels", "test=pod-security.kubernetes.io/enforce=restricted", "test", "baseline"],
        &list(&items),
    );
    assert!(out.stdout.contains("is not stricter"), "{}", out.stdout);
    // A new version at the same level is checked; privileged never is.
    let out = dry_run(&["test", "baseline:v1.0"], &list(&items));
    assert_eq!(out.stdout, "namespace \"test\": none of 1 pod would violate the new enforce level \"baseline:v1.0\"\n");
    let out = dry_run(&["test", "privileged"], &list(&items));
    assert!(out.stdout.contains("\"privileged:latest\" is not stricter"), "{}", out.stdout);
}

#[test]
fn invalid_labels_are_rejected_with_upstreams_message() {
    let pods = list(&[pod("a", Some("test"), host_network())]);
    let out = dry_run(&["test", "strict"], &pods);
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.stderr,
        "pss: error: Namespace \"test\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid \
         value: \"strict\": must be one of privileged, baseline, restricted\n"
    );
    assert_eq!(out.code, 2);
    let out = dry_run(&["test", "baseline:1.30"], &pods);
    assert_eq!(
        out.stderr,
        "pss: error: Namespace \"test\" is invalid: metadata.labels[pod-security.kubernetes.io/enforce-version]: \
         Invalid value: \"1.30\": must be \"latest\" or \"v1.x\"\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn admission_config_exemptions_and_defaults() {
    let dir = TempDir::new("dry-run-config");
    let config = dir.write(
        "config.yaml",
        "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n\
         defaults: {enforce: baseline}\nexemptions: {namespaces: [test], runtimeClasses: [kata]}\n",
    );
    let config = config.to_str().unwrap();
    let pods = list(&[pod("a", Some("test"), host_network()), pod("b", Some("other"), host_network())]);
    let out = dry_run(&["--admission-config", config, "test", "restricted"], &pods);
    assert_eq!(
        out.stdout,
        "Warning: namespace \"test\" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be \
         ignored\n\
         namespace \"test\": exempt from Pod Security: 1 existing pod not checked\n"
    );
    assert_eq!(out.code, 0);
    // The default is baseline: labelling baseline changes nothing.
    let out = dry_run(&["--admission-config", config, "other", "baseline"], &pods);
    assert_eq!(
        out.stdout,
        "namespace \"other\": the new enforce level \"baseline:latest\" is not stricter than \"baseline:latest\": 1 \
         existing pod not checked\n"
    );
    // Pods of an exempt runtime class are not checked.
    let mut kata = host_network();
    kata["runtimeClassName"] = json!("kata");
    let pods = list(&[pod("k", Some("other"), kata), pod("b", Some("other"), plain())]);
    let out = dry_run(&["--admission-config", config, "other", "restricted"], &pods);
    assert_eq!(
        out.stdout,
        "Warning: existing pods in namespace \"other\" violate the new PodSecurity enforce level \"restricted:latest\"\n\
         Warning: b: allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile\n\
         namespace \"other\": 1 of 2 pods would violate the new enforce level \"restricted:latest\"\n"
    );
}

#[test]
fn examples_and_usage() {
    let out = pss(&["label-dry-run", "prod", "restricted", "examples"]);
    assert_eq!(
        out.stdout,
        "namespace \"prod\": the new enforce level \"restricted:latest\" is not stricter than \"restricted:latest\": 1 \
         existing pod not checked\n"
    );
    assert_eq!(out.code, 0);

    let out = pss(&["label-dry-run", "prod"]);
    assert_eq!(out.code, 2);
    assert!(out.stderr.contains("<LEVEL[:VERSION]>"), "{}", out.stderr);
    let out = pss(&["label-dry-run"]);
    assert_eq!(out.code, 2);

    let out = pss(&["label-dry-run", "--help"]);
    for needle in ["--all", "--admission-config", "--namespace-labels", "3000", "Warning: ", "Exit status:"] {
        assert!(out.stdout.contains(needle), "label-dry-run --help lacks {needle:?}");
    }

    // Input errors are reported and make the exit status 2.
    let out = dry_run(
        &["test", "baseline"],
        "{\"kind\":\"Pod\",\"metadata\":{\"namespace\":\"test\"},\"spec\":{\"hostPID\":1}}",
    );
    assert_eq!(
        out.stderr,
        "pss: error: <stdin> (document 1, line 1): spec.hostPID: expected a boolean, found a number at line 1 column 65\n"
    );
    assert_eq!(out.code, 2);
}
