//! The `pss` command end to end: the built binary, its output in each format, and its exit status.

mod common;

use common::{examples_copy, json_lines, pss, pss_env, pss_in, repo_root, TempDir};
use serde_json::{json, Value};

const PRIVILEGED_MESSAGE: &str = r#"pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)"#;

/// A pod that fails baseline only through `spec.hostNetwork`.
const HOST_NETWORK_JSON: &str = r#"{"kind":"Pod","metadata":{"name":"hn","namespace":"ops"},"spec":{"hostNetwork":true,"containers":[{"name":"c"}]}}"#;

/// The Deployment in examples/deployment.yaml, at baseline: the API server warns, and its pods would be denied.
const NET_ADMIN_DENIAL: &str = r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": non-default capabilities (container "nginx" must not include "NET_ADMIN" in securityContext.capabilities.add)"#;
const NET_ADMIN_WARNING: &str = r#"would violate PodSecurity "baseline:latest": non-default capabilities (container "nginx" must not include "NET_ADMIN" in securityContext.capabilities.add)"#;

/// The pod `debug` in examples/namespace.yaml, denied by the namespace's restricted level.
const DEBUG_RESTRICTED_MESSAGE: &str = r#"pods "debug" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false (container "shell" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "shell" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "shell" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "shell" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#;

/// A pod allowed at baseline.
const PLAIN_JSON: &str = r#"{"kind":"Pod","metadata":{"name":"plain"},"spec":{"containers":[{"name":"c"}]}}"#;

#[test]
fn privileged_example_in_text() {
    let out = pss(&["check", "examples/privileged-pod.yaml"]);
    assert_eq!(
        out.stdout,
        format!(
            "examples/privileged-pod.yaml (document 1, line 1): {PRIVILEGED_MESSAGE}\n\
             examples/privileged-pod.yaml:14:7: spec.containers[0].securityContext.privileged: privileged\n\
             checked 1 pod at baseline:latest: 0 allowed, 1 denied; skipped 0 objects (not a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1);
}

#[test]
fn restricted_example_passes_restricted_quietly() {
    let out = pss(&["check", "--level", "restricted", "examples/restricted-pod.yaml"]);
    assert_eq!(
        out.stdout,
        "checked 1 pod at restricted:latest: 1 allowed, 0 denied; skipped 0 objects (not a workload); 0 input errors\n"
    );
    assert_eq!(out.code, 0);

    // At every version.
    for version in ["v1.0", "v1.8", "v1.19", "v1.25", "v1.37", "v1.99"] {
        let out = pss(&["check", "--level", "restricted", "--version", version, "examples/restricted-pod.yaml"]);
        assert_eq!(out.code, 0, "{version}: {}", out.stdout);
    }
}

#[test]
fn verbose_lists_allowed_pods() {
    let out = pss(&["check", "-v", "examples/restricted-pod.yaml"]);
    assert_eq!(
        out.stdout,
        "examples/restricted-pod.yaml (document 1, line 3): pods \"restricted-pod\" is allowed by PodSecurity \
         \"baseline:latest\"\n\
         examples/restricted-pod.yaml (document 1, line 3): audit annotation pod-security.kubernetes.io/enforce-policy: \
         baseline:latest\n\
         checked 1 pod at baseline:latest: 1 allowed, 0 denied; skipped 0 objects (not a workload); 0 input errors\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn examples_directory_in_sorted_order() {
    let dir = examples_copy("examples-sorted");
    let out = pss_in(dir.path(), &["check", "examples"], b"");
    assert_eq!(
        out.stdout,
        format!(
            "examples/admission-config.yaml (document 1, line 5): skipped PodSecurityConfiguration without a name \
             (not a workload)\n\
             examples/deployment.yaml (document 1, line 6): {NET_ADMIN_DENIAL}\n\
             examples/deployment.yaml:27:19: spec.template.spec.containers[0].securityContext.capabilities.add[0]: \
             non-default capabilities\n\
             examples/deployment.yaml (document 1, line 6): Warning: {NET_ADMIN_WARNING}\n\
             examples/multi-document.yaml (document 1, line 3): pods \"host-network\" is forbidden: violates PodSecurity \
             \"baseline:latest\": host namespaces (hostNetwork=true), hostPort (container \"node-exporter\" uses hostPort 9100)\n\
             examples/multi-document.yaml:9:3: spec.hostNetwork: host namespaces\n\
             examples/multi-document.yaml:15:7: spec.containers[0].ports[0].hostPort: hostPort\n\
             examples/multi-document.yaml (document 3, line 35): skipped Service \"web\" (not a workload)\n\
             examples/namespace.yaml (document 3, line 43): {DEBUG_RESTRICTED_MESSAGE}\n\
             examples/namespace.yaml:50:5: spec.containers[0].securityContext.allowPrivilegeEscalation: \
             allowPrivilegeEscalation != false\n\
             examples/namespace.yaml:50:5: spec.containers[0].securityContext.capabilities.drop: unrestricted capabilities\n\
             examples/namespace.yaml:50:5: spec.containers[0].securityContext.runAsNonRoot: runAsNonRoot != true\n\
             examples/namespace.yaml:50:5: spec.containers[0].securityContext.seccompProfile.type: seccompProfile\n\
             examples/pod-list.json (document 1, item 1, line 4): pods \"debug-shell\" is forbidden: violates PodSecurity \
             \"baseline:latest\": non-default capabilities (container \"shell\" must not include \"SYS_ADMIN\", \
             \"SYS_PTRACE\" in securityContext.capabilities.add), host namespaces (hostPID=true), hostPath volumes \
             (volume \"host\")\n\
             examples/pod-list.json:19:41: spec.containers[0].securityContext.capabilities.add[0]: non-default capabilities\n\
             examples/pod-list.json:19:54: spec.containers[0].securityContext.capabilities.add[1]: non-default capabilities\n\
             examples/pod-list.json:12:17: spec.hostPID: host namespaces\n\
             examples/pod-list.json:25:46: spec.volumes[0].hostPath: hostPath volumes\n\
             examples/privileged-pod.yaml (document 1, line 1): {PRIVILEGED_MESSAGE}\n\
             examples/privileged-pod.yaml:14:7: spec.containers[0].securityContext.privileged: privileged\n\
             checked 7 pods, 4 controllers and 1 namespace by namespace labels (default baseline:latest): 7 allowed, \
             5 denied, 1 with warnings; skipped 2 objects (not a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 1);
}

#[test]
fn other_files_in_examples_are_skipped() {
    // examples/ may hold files for other tools (a Kyverno policy, say): they hold no workloads, so
    // the records are exactly those of pss's own examples, and there is no input error.
    let records = |dir: &std::path::Path| -> Vec<Value> {
        let out = pss_in(dir, &["check", "--format", "jsonl", "examples"], b"");
        assert_eq!(out.stderr, "");
        assert_eq!(out.code, 1);
        json_lines(&out.stdout)
    };
    let copy = examples_copy("examples-others");
    assert_eq!(records(&repo_root()), records(copy.path()));
}

#[test]
fn jsonl_schema_and_values() {
    let out = pss(&["check", "--format", "jsonl", "examples/privileged-pod.yaml"]);
    assert_eq!(out.code, 1);
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(
        records[0],
        json!({
            "source": "examples/privileged-pod.yaml",
            "document": 0,
            "line": 1,
            "kind": "Pod",
            "name": "privileged-pod",
            "namespace": null,
            "level": "baseline",
            "version": "latest",
            "allowed": false,
            "violations": [{
                "check": "privileged",
                "reason": "privileged",
                "detail": "container \"privileged-pod\" must not set securityContext.privileged=true",
                "fields": [{
                    "path": "spec.containers[0].securityContext.privileged",
                    "value": true,
                    "container": "privileged-pod",
                    "line": 14,
                    "column": 7
                }]
            }],
            "policy": {"enforce": "baseline:latest", "audit": "baseline:latest", "warn": "baseline:latest"},
            "enforce": {"allowed": false, "message": PRIVILEGED_MESSAGE},
            "warnings": [],
            "audit_annotations": {
                "pod-security.kubernetes.io/audit-violations": "would violate PodSecurity \"baseline:latest\": privileged \
                    (container \"privileged-pod\" must not set securityContext.privileged=true)",
                "pod-security.kubernetes.io/enforce-policy": "baseline:latest"
            },
            "exempt": null
        })
    );
}

#[test]
fn jsonl_has_a_line_per_pod_with_the_version_as_requested() {
    let out = pss(&[
        "check",
        "--format",
        "jsonl",
        "--level",
        "restricted",
        "--version",
        "v1.24",
        "examples/multi-document.yaml",
        "examples/pod-list.json",
        "examples/privileged-pod.yaml",
        "examples/restricted-pod.yaml",
    ]);
    assert_eq!(out.code, 1);
    let all = json_lines(&out.stdout);
    // The Deployment in multi-document.yaml is checked through its template.
    assert_eq!(all[1]["kind"], "Deployment");
    assert_eq!(all[1]["allowed"], false);
    assert_eq!(
        all[1]["violations"][0]["fields"][0]["path"],
        "spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation"
    );
    let records: Vec<&Value> = all.iter().filter(|r| r["kind"] != "Deployment").collect();
    let summary: Vec<(&str, u64, Option<u64>, &str, bool)> = records
        .iter()
        .map(|r| {
            assert_eq!(r["level"], "restricted");
            assert_eq!(r["version"], "v1.24");
            assert_eq!(r["kind"], "Pod");
            (
                r["source"].as_str().unwrap(),
                r["document"].as_u64().unwrap(),
                r.get("item").map(|i| i.as_u64().unwrap()),
                r["name"].as_str().unwrap(),
                r["allowed"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        [
            ("examples/multi-document.yaml", 0, None, "host-network", false),
            ("examples/multi-document.yaml", 3, None, "baseline-only", false),
            ("examples/pod-list.json", 0, Some(0), "debug-shell", false),
            ("examples/pod-list.json", 0, Some(1), "api", true),
            ("examples/privileged-pod.yaml", 0, None, "privileged-pod", false),
            ("examples/restricted-pod.yaml", 0, None, "restricted-pod", true),
        ]
    );
    // Namespaces and item lines come through.
    assert_eq!(records[0]["namespace"], "monitoring");
    assert_eq!(records[2]["namespace"], "default");
    assert_eq!(records[2]["line"], 4);
    assert_eq!(records[3]["line"], 28);
    // Violations in upstream's order, each with its fields.
    let checks: Vec<&str> =
        records[0]["violations"].as_array().unwrap().iter().map(|v| v["check"].as_str().unwrap()).collect();
    assert_eq!(
        checks,
        [
            "hostNamespaces",
            "hostPorts",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "runAsNonRoot",
            "seccompProfile_restricted"
        ]
    );
    let host_port = &records[0]["violations"][1]["fields"][0];
    assert_eq!(
        host_port,
        &json!({"path": "spec.containers[0].ports[0].hostPort", "value": 9100, "container": "node-exporter", "line": 15, "column": 7})
    );
    let run_as_non_root = &records[0]["violations"][4]["fields"];
    assert_eq!(run_as_non_root[0]["value"], Value::Null);
}

#[test]
fn json_document_with_summary() {
    let out = pss(&["check", "--format", "json", "examples/multi-document.yaml", "examples/restricted-pod.yaml"]);
    assert_eq!(out.code, 1);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let results = doc["results"].as_array().unwrap();
    assert_eq!(results.len(), 4);
    assert_eq!(results[0]["name"], "host-network");
    assert_eq!(results[0]["allowed"], false);
    assert_eq!(results[0]["violations"][0]["reason"], "host namespaces");
    assert_eq!(results[0]["violations"][0]["detail"], "hostNetwork=true");
    assert_eq!(results[1]["kind"], "Deployment");
    assert_eq!(results[1]["name"], "web");
    assert_eq!(results[1]["allowed"], true);
    assert_eq!(results[2]["name"], "baseline-only");
    assert_eq!(results[2]["allowed"], true);
    assert_eq!(results[2]["violations"], json!([]));
    assert_eq!(results[3]["source"], "examples/restricted-pod.yaml");
    let policy = json!({"enforce": "baseline:latest", "audit": "baseline:latest", "warn": "baseline:latest"});
    assert_eq!(
        doc["summary"],
        json!({"level": "baseline", "version": "latest", "policy": policy, "sources": 2, "pods": 3, "allowed": 3,
               "denied": 1, "skipped": 1, "errors": 0, "controllers": 1, "namespaces": 0, "warned": 0, "exempt": 0})
    );
}

#[test]
fn json_with_no_pods_is_still_a_document() {
    let out = pss_in(&repo_root(), &["check", "--format", "json"], b"");
    assert_eq!(out.code, 0);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["results"], json!([]));
    assert_eq!(doc["summary"]["pods"], 0);
    assert_eq!(doc["summary"]["sources"], 1);
}

#[test]
fn stdin_yaml_and_json_are_sniffed() {
    let yaml = std::fs::read(repo_root().join("examples/privileged-pod.yaml")).unwrap();
    for args in [&["check"][..], &["check", "-"][..]] {
        let out = pss_in(&repo_root(), args, &yaml);
        assert_eq!(
            out.stdout,
            format!(
                "<stdin> (document 1, line 1): {PRIVILEGED_MESSAGE}\n\
                 <stdin>:14:7: spec.containers[0].securityContext.privileged: privileged\n\
                 checked 1 pod at baseline:latest: 0 allowed, 1 denied; skipped 0 objects (not a workload); 0 input errors\n"
            )
        );
        assert_eq!(out.code, 1);
    }

    let json = serde_json::to_vec(&privileged_json()).unwrap();
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], &json);
    assert_eq!(out.code, 1);
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["source"], "-");
    assert_eq!(records[0]["document"], 0);
    assert_eq!(records[0]["violations"][0]["check"], "privileged");
}

/// What `kubectl run privileged-pod ... -o json` gives.
fn privileged_json() -> Value {
    json!({"kind":"Pod","apiVersion":"v1","metadata":{"name":"privileged-pod","creationTimestamp":null,
           "labels":{"run":"privileged-pod"}},"spec":{"containers":[{"name":"privileged-pod","image":"nginx",
           "resources":{},"securityContext":{"privileged":true}}],"restartPolicy":"Never","dnsPolicy":"ClusterFirst"},
           "status":{}})
}

#[test]
fn stdin_between_files() {
    let out = pss_in(
        &repo_root(),
        &["check", "--format", "jsonl", "examples/restricted-pod.yaml", "-", "examples/privileged-pod.yaml"],
        HOST_NETWORK_JSON.as_bytes(),
    );
    let sources: Vec<String> =
        json_lines(&out.stdout).iter().map(|r| r["source"].as_str().unwrap().to_owned()).collect();
    assert_eq!(sources, ["examples/restricted-pod.yaml", "-", "examples/privileged-pod.yaml"]);
    assert_eq!(out.code, 1);
}

#[test]
fn json_lines_stream() {
    let input = format!("{PLAIN_JSON}\n{HOST_NETWORK_JSON}\n\n{PLAIN_JSON}\n");
    let out = pss_in(&repo_root(), &["check"], input.as_bytes());
    assert_eq!(
        out.stdout,
        "<stdin> (document 2, line 2): pods \"hn\" is forbidden: violates PodSecurity \"baseline:latest\": host \
         namespaces (hostNetwork=true)\n\
         <stdin>:2:66: spec.hostNetwork: host namespaces\n\
         checked 3 pods at baseline:latest: 2 allowed, 1 denied; skipped 0 objects (not a workload); 0 input errors\n"
    );
    assert_eq!(out.code, 1);

    let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], input.as_bytes());
    let docs: Vec<(u64, u64)> = json_lines(&out.stdout)
        .iter()
        .map(|r| (r["document"].as_u64().unwrap(), r["line"].as_u64().unwrap()))
        .collect();
    assert_eq!(docs, [(0, 1), (1, 2), (2, 4)]);
}

#[test]
fn concatenated_pretty_json_objects() {
    let dir = TempDir::new("pretty");
    let pretty = |s: &str| serde_json::to_string_pretty(&serde_json::from_str::<Value>(s).unwrap()).unwrap();
    dir.write("pods.json", format!("{}\n{}", pretty(PLAIN_JSON), pretty(HOST_NETWORK_JSON)));
    let out = pss_in(dir.path(), &["check", "--format", "jsonl", "pods.json"], b"");
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 2);
    assert_eq!(records[1]["name"], "hn");
    assert_eq!(records[1]["line"], pretty(PLAIN_JSON).lines().count() + 1);
    assert_eq!(out.code, 1);
}

#[test]
fn json_list_items() {
    let list =
        format!(r#"{{"apiVersion":"v1","kind":"List","items":[{PLAIN_JSON},{HOST_NETWORK_JSON}],"metadata":{{}}}}"#);
    let out = pss_in(&repo_root(), &["check"], list.as_bytes());
    assert_eq!(
        out.stdout,
        "<stdin> (document 1, item 2, line 1): pods \"hn\" is forbidden: violates PodSecurity \"baseline:latest\": host \
         namespaces (hostNetwork=true)\n\
         <stdin>:1:188: spec.hostNetwork: host namespaces\n\
         checked 2 pods at baseline:latest: 1 allowed, 1 denied; skipped 0 objects (not a workload); 0 input errors\n"
    );
    // A PodList, as the API returns it, works the same way.
    let pod_list = list.replace(r#""kind":"List""#, r#""kind":"PodList""#);
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], pod_list.as_bytes());
    let items: Vec<u64> = json_lines(&out.stdout).iter().map(|r| r["item"].as_u64().unwrap()).collect();
    assert_eq!(items, [0, 1]);
}

#[test]
fn yaml_list_items_and_non_pods_inside() {
    let yaml = "apiVersion: v1\nkind: List\nitems:\n- kind: ConfigMap\n  metadata: {name: cm}\n\
                - kind: Pod\n  metadata: {name: p}\n  spec:\n    hostIPC: true\n    containers: [{name: c}]\n";
    let out = pss_in(&repo_root(), &["check"], yaml.as_bytes());
    assert_eq!(
        out.stdout,
        "<stdin> (document 1, item 1, line 4): skipped ConfigMap \"cm\" (not a workload)\n\
         <stdin> (document 1, item 2, line 6): pods \"p\" is forbidden: violates PodSecurity \"baseline:latest\": host \
         namespaces (hostIPC=true)\n\
         <stdin>:9:5: spec.hostIPC: host namespaces\n\
         checked 1 pod at baseline:latest: 0 allowed, 1 denied; skipped 1 object (not a workload); 0 input errors\n"
    );
    assert_eq!(out.code, 1);
}

#[test]
fn multi_document_yaml_skips_and_counts_non_pods() {
    let out = pss(&["check", "--format", "json", "examples/multi-document.yaml"]);
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let documents: Vec<u64> =
        doc["results"].as_array().unwrap().iter().map(|r| r["document"].as_u64().unwrap()).collect();
    assert_eq!(documents, [0, 1, 3]);
    assert_eq!(doc["summary"]["skipped"], 1);
    assert_eq!(doc["summary"]["pods"], 2);
    assert_eq!(doc["summary"]["controllers"], 1);
    assert_eq!(out.code, 1);
}

#[test]
fn yaml_11_booleans_as_kubectl_reads_them() {
    for (word, denied) in [("yes", true), ("on", true), ("true", true), ("no", false), ("off", false)] {
        let yaml = format!("kind: Pod\nmetadata:\n  name: p\nspec:\n  hostPID: {word}\n  containers:\n  - name: c\n");
        let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], yaml.as_bytes());
        let records = json_lines(&out.stdout);
        assert_eq!(records[0]["allowed"], !denied, "hostPID: {word}");
        assert_eq!(out.code, i32::from(denied), "hostPID: {word}");
    }
}

#[test]
fn yaml_repeated_keys_and_octal_as_kubernetes_reads_them() {
    let yaml = "kind: Pod\nmetadata: {name: p}\nspec:\n  hostPID: true\n  hostPID: false\n  securityContext:\n    \
                runAsUser: 010\n  containers: [{name: c}]\n";
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl", "--level", "restricted"], yaml.as_bytes());
    let record = &json_lines(&out.stdout)[0];
    let reasons: Vec<&str> =
        record["violations"].as_array().unwrap().iter().map(|v| v["reason"].as_str().unwrap()).collect();
    assert!(!reasons.contains(&"host namespaces"), "{reasons:?}");
    // 010 is octal 8, not root: no runAsUser violation.
    assert!(!reasons.contains(&"runAsUser=0"), "{reasons:?}");
    let yaml = yaml.replace("010", "0");
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl", "--level", "restricted"], yaml.as_bytes());
    let record = &json_lines(&out.stdout)[0];
    let reasons: Vec<&str> =
        record["violations"].as_array().unwrap().iter().map(|v| v["reason"].as_str().unwrap()).collect();
    assert!(reasons.contains(&"runAsUser=0"), "{reasons:?}");
}

#[test]
fn empty_documents_are_not_counted() {
    let yaml =
        "---\n# only a comment\n---\n~\n---\nkind: Pod\nmetadata: {name: p}\nspec: {containers: [{name: c}]}\n---\n";
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], yaml.as_bytes());
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["document"], 0);
    assert_eq!(records[0]["line"], 6);
    assert_eq!(out.code, 0);
}

#[test]
fn bad_json_document_in_the_middle() {
    let dir = TempDir::new("bad-json");
    dir.write(
        "pods.jsonl",
        format!(
            "{PLAIN_JSON}\n{}\n{HOST_NETWORK_JSON}\n{{\"kind\":\"Pod\", \"spec\": [}}\n{{\"kind\":\"ConfigMap\",\"metadata\":{{\"name\":\"cm\"}}}}\n",
            r#"{"kind":"Pod","metadata":{"name":"b"},"spec":{"hostIPC":"true","containers":[]}}"#
        ),
    );
    let out = pss_in(dir.path(), &["check", "pods.jsonl"], b"");
    assert_eq!(
        out.stdout,
        "pods.jsonl (document 3, line 3): pods \"hn\" is forbidden: violates PodSecurity \"baseline:latest\": host \
         namespaces (hostNetwork=true)\n\
         pods.jsonl:3:66: spec.hostNetwork: host namespaces\n\
         pods.jsonl (document 5, line 5): skipped ConfigMap \"cm\" (not a workload)\n\
         checked 2 pods at baseline:latest: 1 allowed, 1 denied; skipped 1 object (not a workload); 2 input errors\n"
    );
    assert_eq!(
        out.stderr,
        "pss: error: pods.jsonl (document 2, line 2): spec.hostIPC: expected a boolean, found a string at line 2 column 57\n\
         pss: error: pods.jsonl (document 4, line 4): spec: unexpected character '}', expected a value at line 4 column 25\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn error_positions_are_positions_in_the_file() {
    // The bad field is on the third line of the second object.
    let input = format!("{PLAIN_JSON}\n  {{\"kind\": \"Pod\",\n   \"spec\": {{\n     \"hostPID\": 1}}}}\n");
    let out = pss_in(&repo_root(), &["check"], input.as_bytes());
    assert_eq!(
        out.stderr,
        "pss: error: <stdin> (document 2, line 2): spec.hostPID: expected a boolean, found a number at line 4 column 17\n"
    );
    assert_eq!(out.code, 2);
    // Inside a List item on the first line: the column counts from the start of the line.
    let list = r#"{"kind":"List","items":[{"kind":"Pod","spec":{"hostPID":1}}]}"#;
    let out = pss_in(&repo_root(), &["check"], list.as_bytes());
    assert_eq!(
        out.stderr,
        "pss: error: <stdin> (document 1, item 1, line 1): spec.hostPID: expected a boolean, found a number at line 1 \
         column 57\n"
    );
}

#[test]
fn bad_yaml_document_in_the_middle() {
    let yaml = "kind: Pod\nmetadata: {name: a}\nspec: {containers: [{name: c}]}\n---\nkind: Pod\nmetadata: [oops\n\
                ---\nkind: Pod\nmetadata: {name: b}\nspec:\n  hostPID: \"yes\"\n---\nkind: Pod\nmetadata: {name: c}\n\
                spec: {hostNetwork: true}\n";
    let out = pss_in(&repo_root(), &["check"], yaml.as_bytes());
    assert_eq!(
        out.stdout,
        "<stdin> (document 4, line 13): pods \"c\" is forbidden: violates PodSecurity \"baseline:latest\": host \
         namespaces (hostNetwork=true)\n\
         <stdin>:15:8: spec.hostNetwork: host namespaces\n\
         checked 2 pods at baseline:latest: 1 allowed, 1 denied; skipped 0 objects (not a workload); 2 input errors\n"
    );
    let errors: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(errors.len(), 2, "{}", out.stderr);
    // The YAML parser's message, with the line in the whole stream.
    assert!(errors[0].starts_with("pss: error: <stdin> (document 2, line 5): invalid YAML: "), "{}", errors[0]);
    assert!(errors[0].contains("line 6"), "{}", errors[0]);
    // A field of the wrong type: the path (YAML positions are not those of the converted JSON).
    assert_eq!(errors[1], "pss: error: <stdin> (document 3, line 8): spec.hostPID: expected a boolean, found a string");
    assert_eq!(out.code, 2);
}

/// A document that is not an object is an error; invalid UTF-8 reads as U+FFFD, as kubectl's file
/// reader (a UTF-8 decoder that replaces it) hands it on.
#[test]
fn not_an_object_and_invalid_utf8() {
    let out = pss_in(&repo_root(), &["check", "-v"], b"just a string\n---\nkind: Pod\nmetadata: {name: \"\xff\"}\n");
    assert_eq!(out.stderr, "pss: error: <stdin> (document 1, line 1): expected a JSON object, found a string\n");
    assert!(
        out.stdout.starts_with(
            "<stdin> (document 2, line 3): pods \"\u{fffd}\" is allowed by PodSecurity \"baseline:latest\"\n"
        ),
        "{}",
        out.stdout
    );
    assert_eq!(out.code, 2);
}

#[test]
fn missing_file_is_an_input_error_and_the_rest_is_checked() {
    let out = pss(&["check", "no-such-file.yaml", "examples/restricted-pod.yaml"]);
    assert!(out.stderr.starts_with("pss: error: no-such-file.yaml: "), "{}", out.stderr);
    assert_eq!(out.stderr.lines().count(), 1);
    assert_eq!(
        out.stdout,
        "checked 1 pod at baseline:latest: 1 allowed, 0 denied; skipped 0 objects (not a workload); 1 input error\n"
    );
    assert_eq!(out.code, 2);
}

#[test]
fn input_error_wins_over_denied() {
    let out = pss(&["check", "examples/privileged-pod.yaml", "no-such-dir/"]);
    assert_eq!(out.code, 2);
    assert!(out.stdout.contains("1 denied"));
}

#[test]
fn directories_are_walked_recursively_in_sorted_order() {
    let dir = TempDir::new("walk");
    dir.write("b/z.yaml", "kind: Pod\nmetadata: {name: bz}\nspec: {hostPID: true}\n");
    dir.write("b/a.yml", "kind: Pod\nmetadata: {name: ba}\nspec: {hostPID: true}\n");
    dir.write("a.json", r#"{"kind":"Pod","metadata":{"name":"a"},"spec":{"hostPID":true}}"#);
    dir.write("c/d/e.jsonl", r#"{"kind":"Pod","metadata":{"name":"cde"},"spec":{"hostPID":true}}"#);
    dir.write("c/notes.txt", "kind: Pod\nmetadata: {name: ignored}\nspec: {hostPID: true}\n");
    dir.write("c/README.md", "# not a manifest\n");
    let out = pss_in(dir.path(), &["check", "--format", "jsonl", "."], b"");
    let seen: Vec<(String, String)> = json_lines(&out.stdout)
        .iter()
        .map(|r| (r["source"].as_str().unwrap().to_owned(), r["name"].as_str().unwrap().to_owned()))
        .collect();
    let want = [("./a.json", "a"), ("./b/a.yml", "ba"), ("./b/z.yaml", "bz"), ("./c/d/e.jsonl", "cde")];
    assert_eq!(seen, want.map(|(s, n)| (s.to_owned(), n.to_owned())));
    assert_eq!(out.code, 1);

    // A file named explicitly is read whatever its name; its syntax is sniffed.
    let out = pss_in(dir.path(), &["check", "--format", "jsonl", "c/notes.txt"], b"");
    assert_eq!(json_lines(&out.stdout)[0]["name"], "ignored");
}

#[test]
fn invalid_level_and_version_are_usage_errors() {
    let out = pss(&["check", "--level", "Baseline", "examples"]);
    assert_eq!(out.code, 2);
    assert_eq!(out.stdout, "");
    assert!(
        out.stderr.contains(r#"invalid level "Baseline": must be one of privileged, baseline, restricted"#),
        "{}",
        out.stderr
    );

    for version in ["v1.01", "1.25", "v2.0", "latest2", "v1.99999999999999999999"] {
        let out = pss(&["check", "--version", version, "examples"]);
        assert_eq!(out.code, 2, "{version}");
        assert_eq!(out.stdout, "");
        let message = format!(r#"invalid version "{version}": must be "latest" or "v1.x""#);
        assert!(out.stderr.contains(&message), "{}", out.stderr);
    }

    let out = pss(&["check", "--format", "yaml"]);
    assert_eq!(out.code, 2);
    let out = pss(&[]);
    assert_eq!(out.code, 2);
}

#[test]
fn privileged_level_allows_everything() {
    // Without its labels (replaced by none), prod takes the default too.
    let dir = examples_copy("examples-privileged");
    let out = pss_in(dir.path(), &["check", "--level", "privileged", "--namespace-labels", "prod=", "examples"], b"");
    assert_eq!(
        out.stdout,
        "examples/admission-config.yaml (document 1, line 5): skipped PodSecurityConfiguration without a name \
         (not a workload)\n\
         examples/multi-document.yaml (document 3, line 35): skipped Service \"web\" (not a workload)\n\
         checked 7 pods, 4 controllers and 1 namespace by namespace labels (default privileged:latest): 12 allowed, \
         0 denied; skipped 2 objects (not a workload); 0 input errors\n"
    );
    assert_eq!(out.code, 0);
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    // Not a terminal: no colour.
    let out = pss(&["check", "examples/privileged-pod.yaml"]);
    assert!(!out.stdout.contains('\x1b'));
    // --color always, even with NO_COLOR (an explicit flag wins).
    let out = pss_env(
        &repo_root(),
        &["check", "--color", "always", "examples/privileged-pod.yaml"],
        b"",
        &[("NO_COLOR", "1")],
    );
    assert_eq!(
        out.stdout,
        format!(
            "\x1b[1mexamples/privileged-pod.yaml (document 1, line 1)\x1b[0m: \x1b[31m{PRIVILEGED_MESSAGE}\x1b[0m\n\
             \x1b[1mexamples/privileged-pod.yaml:14:7\x1b[0m: \x1b[2mspec.containers[0].securityContext.privileged: \
             privileged\x1b[0m\n\
             checked 1 pod at baseline:latest: 0 allowed, \x1b[31m1 denied\x1b[0m; skipped 0 objects (not a workload); \
             0 input errors\n"
        )
    );
    let out = pss(&["check", "--color", "never", "examples/privileged-pod.yaml"]);
    assert!(!out.stdout.contains('\x1b'));
}

#[test]
fn help_documents_formats_and_exit_status() {
    let out = pss(&["check", "--help"]);
    assert_eq!(out.code, 0);
    for needle in ["--level", "--version", "--format", "Exit status:", "0  every pod is allowed", "jsonl", "NO_COLOR"] {
        assert!(out.stdout.contains(needle), "--help lacks {needle:?}");
    }
    let out = pss(&["--version"]);
    assert_eq!(out.code, 0);
    assert!(out.stdout.starts_with("pss "));
}

#[test]
fn large_stream_through_stdin() {
    // Enough to need many reads; every fifth pod is denied.
    let mut input = String::new();
    for i in 0..5000 {
        let host_pid = i % 5 == 0;
        input.push_str(&format!(
            r#"{{"kind":"Pod","metadata":{{"name":"p{i}"}},"spec":{{"hostPID":{host_pid},"containers":[{{"name":"c"}}]}}}}"#
        ));
        input.push('\n');
    }
    let out = pss_in(&repo_root(), &["check", "--format", "json"], input.as_bytes());
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(doc["summary"]["pods"], 5000);
    assert_eq!(doc["summary"]["denied"], 1000);
    assert_eq!(doc["results"][4999]["name"], "p4999");
    assert_eq!(doc["results"][4999]["line"], 5000);
    assert_eq!(out.code, 1);
}

/// `pss check` reads a YAML Namespace or other kind from its header alone (pss-core's
/// `needs_more_than_header`), and anything else whole: the same objects written as YAML and as
/// JSON (which is read whole) get the same records, summary, errors and exit status in every
/// format, but for the lines and columns.
#[test]
fn yaml_objects_read_from_their_header_report_as_the_same_objects_in_json() {
    let objects = [
        json!({"apiVersion": "v1", "kind": "Namespace", "spec": {"finalizers": ["kubernetes"]},
               "metadata": {"name": "prod", "labels": {"pod-security.kubernetes.io/enforce": "restricted",
                                                      "pod-security.kubernetes.io/warn": "bogus"}},
               "status": {"phase": "Active"}}),
        json!({"kind": "ConfigMap", "apiVersion": "v1", "metadata": {"name": "c", "namespace": "prod"},
               "data": {"spec": "{\"containers\": []}"}}),
        json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "namespace": "prod"},
               "spec": {"hostPID": true, "containers": [{"name": "c", "image": "i"}]}}),
        json!({"metadata": {"name": "no-kind"}, "spec": {"containers": [{"name": "c", "image": "i"}]}}),
        json!({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": 7}}),
        json!({"apiVersion": "v1", "kind": 5, "spec": {"hostNetwork": true}}),
        json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "dev", "labels": "x"}}),
        json!({"apiVersion": "apps/v1", "kind": "Namespace", "metadata": {"name": "not-core"}}),
        json!({"apiVersion": "v1", "kind": "List", "items": [
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "q", "namespace": "prod"},
             "spec": {"containers": [{"name": "c", "image": "i"}]}},
            {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "d"}}]}),
    ];
    let json: String = objects.iter().map(|o| format!("{o}\n")).collect();
    let yaml: String =
        std::iter::once("# YAML\n".to_owned()).chain(objects.iter().map(|o| format!("---\n{o}\n"))).collect();
    // A JSON text's decode errors also say where in the text they are.
    let positions = |text: &str| without_numbers(text).replace(" at line N column N", "");
    for format in ["text", "jsonl", "json", "sarif", "junit"] {
        let mut args = vec!["check", "--format", format];
        if format == "text" {
            args.push("--verbose");
        }
        let from_json = pss_in(&repo_root(), &args, json.as_bytes());
        let from_yaml = pss_in(&repo_root(), &args, yaml.as_bytes());
        assert_eq!(from_yaml.code, from_json.code, "{format}");
        assert_eq!(positions(&from_yaml.stderr), positions(&from_json.stderr), "{format}");
        assert_eq!(positions(&from_yaml.stdout), positions(&from_json.stdout), "{format}");
        if format == "text" {
            assert!(from_yaml.stdout.contains("checked 2 pods"), "{}", from_yaml.stdout);
        }
    }
}

/// The text with every line and column number (as the outputs write them) replaced by `N`.
fn without_numbers(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        out.push(c);
        // After a word that comes before a line or column number, or a `:` (text output's
        // `<stdin>:14:7`, SARIF's and JSON's `"startLine": 3`), skip the digits.
        let before = &text[..=i];
        let numbered = [
            "line ",
            "column ",
            "line\": ",
            "column\": ",
            "Line\": ",
            "Column\": ",
            "line\":",
            "column\":",
            "Line\":",
            "Column\":",
            ":",
        ]
        .iter()
        .any(|w| before.ends_with(w));
        if numbered && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            while chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
                chars.next();
            }
            out.push('N');
        }
    }
    out
}
