//! `pss check` as PodSecurity admission: pod controllers of every kind, namespaces and their labels
//! (in the input, before or after their objects, or on the command line), the admission
//! configuration's defaults and exemptions, and the three modes' messages word for word.

mod common;

use common::{json_lines, pss, pss_in, repo_root, TempDir};
use std::sync::atomic::{AtomicUsize, Ordering};

use serde_json::{json, Value};

const ENFORCE: &str = "pod-security.kubernetes.io/enforce";
const PRIVILEGED_DETAIL: &str = r#"privileged (container "c" must not set securityContext.privileged=true)"#;
/// What restricted:latest says of a container "c" without a securityContext.
const RESTRICTED_DETAIL: &str = r#"allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")"#;

/// A pod spec with one container "c", privileged when asked.
fn pod_spec(privileged: bool) -> Value {
    let mut container = json!({"name": "c", "image": "busybox"});
    if privileged {
        container["securityContext"] = json!({"privileged": true});
    }
    json!({"containers": [container]})
}

fn pod(name: &str, namespace: Option<&str>, spec: Value) -> Value {
    let mut metadata = json!({"name": name});
    if let Some(ns) = namespace {
        metadata["namespace"] = json!(ns);
    }
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": metadata, "spec": spec})
}

fn namespace(name: &str, labels: &[(&str, &str)]) -> Value {
    let labels: serde_json::Map<String, Value> = labels.iter().map(|(k, v)| ((*k).to_owned(), json!(v))).collect();
    json!({"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": name, "labels": labels}})
}

/// The controller of `kind` named `name` with `spec` as its pod template's spec.
fn controller(kind: &str, name: &str, spec: Value) -> Value {
    let template = json!({"metadata": {"labels": {"app": name}}, "spec": spec});
    let (api_version, body) = match kind {
        "PodTemplate" => ("v1", json!({"template": template})),
        "ReplicationController" => ("v1", json!({"spec": {"template": template}})),
        "ReplicaSet" | "Deployment" | "StatefulSet" | "DaemonSet" => {
            ("apps/v1", json!({"spec": {"template": template}}))
        }
        "Job" => ("batch/v1", json!({"spec": {"template": template}})),
        "CronJob" => {
            ("batch/v1", json!({"spec": {"schedule": "@daily", "jobTemplate": {"spec": {"template": template}}}}))
        }
        _ => panic!("{kind}"),
    };
    let mut object = json!({"apiVersion": api_version, "kind": kind, "metadata": {"name": name}});
    object.as_object_mut().unwrap().extend(body.as_object().unwrap().clone());
    object
}

fn lines(objects: &[Value]) -> String {
    objects.iter().map(|o| format!("{o}\n")).collect()
}

fn jsonl(args: &[&str], objects: &[Value]) -> (Vec<Value>, i32) {
    let mut all = vec!["check", "--format", "jsonl"];
    all.extend_from_slice(args);
    let out = pss_in(&repo_root(), &all, lines(objects).as_bytes());
    assert_eq!(out.stderr, "");
    (json_lines(&out.stdout), out.code)
}

const KINDS: [(&str, &str, &str); 8] = [
    ("PodTemplate", "podtemplates", "template"),
    ("ReplicationController", "replicationcontrollers", "spec.template"),
    ("ReplicaSet", "replicasets", "spec.template"),
    ("Deployment", "deployments", "spec.template"),
    ("StatefulSet", "statefulsets", "spec.template"),
    ("DaemonSet", "daemonsets", "spec.template"),
    ("Job", "jobs", "spec.template"),
    ("CronJob", "cronjobs", "spec.jobTemplate.spec.template"),
];

#[test]
fn controllers_of_every_kind_warn_audit_and_count_as_denied() {
    for (kind, resource, template) in KINDS {
        let (records, code) = jsonl(&[], &[controller(kind, "x", pod_spec(true))]);
        assert_eq!(code, 1, "{kind}");
        let r = &records[0];
        assert_eq!(r["kind"], kind);
        assert_eq!(r["allowed"], false, "{kind}");
        assert_eq!(
            r["enforce"]["message"],
            format!(
                r#"{resource} "x" (pods it creates would be denied): violates PodSecurity "baseline:latest": {PRIVILEGED_DETAIL}"#
            )
        );
        assert_eq!(
            r["violations"][0]["fields"][0]["path"],
            format!("{template}.spec.containers[0].securityContext.privileged")
        );
        // Upstream warns and audits a controller, and adds no enforce-policy annotation to it.
        assert_eq!(
            r["warnings"],
            json!([format!(r#"would violate PodSecurity "baseline:latest": {PRIVILEGED_DETAIL}"#)])
        );
        assert_eq!(
            r["audit_annotations"],
            json!({"pod-security.kubernetes.io/audit-violations":
                   format!(r#"would violate PodSecurity "baseline:latest": {PRIVILEGED_DETAIL}"#)})
        );
        assert_eq!(r["exempt"], Value::Null);

        // Allowed at privileged; at restricted, a plain template fails with paths under the template.
        let (records, code) = jsonl(&["--level", "privileged"], &[controller(kind, "x", pod_spec(true))]);
        assert_eq!((records[0]["allowed"].clone(), code), (json!(true), 0), "{kind}");
        assert_eq!(records[0]["warnings"], json!([]));
        let (records, _) = jsonl(&["--level", "restricted"], &[controller(kind, "x", pod_spec(false))]);
        let paths: Vec<&str> = records[0]["violations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["fields"][0]["path"].as_str().unwrap())
            .collect();
        assert_eq!(
            paths,
            [
                format!("{template}.spec.containers[0].securityContext.allowPrivilegeEscalation"),
                format!("{template}.spec.containers[0].securityContext.capabilities.drop"),
                format!("{template}.spec.containers[0].securityContext.runAsNonRoot"),
                format!("{template}.spec.containers[0].securityContext.seccompProfile.type"),
            ]
        );
    }
}

#[test]
fn every_container_kind_and_pod_field_at_depth() {
    let spec = json!({
        "hostIPC": true,
        "initContainers": [{"name": "i0"}, {"name": "i1", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}],
        "containers": [{"name": "c"}],
        "ephemeralContainers": [{"name": "e", "securityContext": {"privileged": true}}],
        "volumes": [{"name": "v", "hostPath": {"path": "/"}}]
    });
    let (records, code) = jsonl(&[], &[controller("CronJob", "deep", spec)]);
    assert_eq!(code, 1);
    let fields: Vec<(&str, &str)> = records[0]["violations"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|v| {
            v["fields"].as_array().unwrap().iter().map(|f| (v["check"].as_str().unwrap(), f["path"].as_str().unwrap()))
        })
        .collect();
    let t = "spec.jobTemplate.spec.template.spec";
    assert_eq!(
        fields,
        [
            ("capabilities_baseline", format!("{t}.initContainers[1].securityContext.capabilities.add[0]").as_str()),
            ("hostNamespaces", format!("{t}.hostIPC").as_str()),
            ("hostPathVolumes", format!("{t}.volumes[0].hostPath").as_str()),
            ("privileged", format!("{t}.ephemeralContainers[0].securityContext.privileged").as_str()),
        ]
    );
    assert_eq!(
        records[0]["enforce"]["message"],
        "cronjobs \"deep\" (pods it creates would be denied): violates PodSecurity \"baseline:latest\": non-default \
         capabilities (container \"i1\" must not include \"SYS_ADMIN\" in securityContext.capabilities.add), host \
         namespaces (hostIPC=true), hostPath volumes (volume \"v\"), privileged (container \"e\" must not set \
         securityContext.privileged=true)"
    );
}

#[test]
fn controllers_in_text_output() {
    let input = lines(&[controller("Deployment", "web", pod_spec(true)), controller("Job", "ok", pod_spec(false))]);
    let out = pss_in(&repo_root(), &["check", "-v"], input.as_bytes());
    assert_eq!(
        out.stdout,
        format!(
            "<stdin> (document 1, line 1): deployments \"web\" (pods it creates would be denied): violates PodSecurity \
             \"baseline:latest\": {PRIVILEGED_DETAIL}\n\
             <stdin>:1:198: spec.template.spec.containers[0].securityContext.privileged: privileged\n\
             <stdin> (document 1, line 1): Warning: would violate PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}\n\
             <stdin> (document 1, line 1): audit annotation pod-security.kubernetes.io/audit-violations: would violate \
             PodSecurity \"baseline:latest\": {PRIVILEGED_DETAIL}\n\
             <stdin> (document 2, line 2): jobs \"ok\" is allowed: pods it creates would be allowed by PodSecurity \
             \"baseline:latest\"\n\
             checked 0 pods and 2 controllers at baseline:latest: 1 allowed, 1 denied, 1 with warnings; skipped 0 \
             objects (not a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.code, 1);
}

#[test]
fn replication_controller_without_template_and_other_groups() {
    let rc = json!({"apiVersion": "v1", "kind": "ReplicationController", "metadata": {"name": "empty"}, "spec": {"replicas": 0}});
    let custom = json!({"apiVersion": "example.com/v1", "kind": "Deployment", "metadata": {"name": "custom"},
                        "spec": {"template": {"spec": {"hostPID": true}}}});
    let input = lines(&[rc, custom]);
    let out = pss_in(&repo_root(), &["check", "--format", "jsonl"], input.as_bytes());
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 1);
    assert_eq!(records[0]["kind"], "ReplicationController");
    assert_eq!(records[0]["allowed"], true);
    assert_eq!(records[0]["violations"], json!([]));
    assert_eq!(out.code, 0);
    let out = pss_in(&repo_root(), &["check"], input.as_bytes());
    assert_eq!(
        out.stdout,
        "<stdin> (document 2, line 2): skipped Deployment \"custom\" (not a workload)\n\
         checked 0 pods and 1 controller at baseline:latest: 1 allowed, 0 denied; skipped 1 object (not a workload); \
         0 input errors\n"
    );
}

#[test]
fn a_bad_template_field_is_an_input_error_with_its_path() {
    let bad = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
                     "spec": {"template": {"spec": {"hostNetwork": "yes"}}}});
    let out = pss_in(&repo_root(), &["check"], lines(&[bad]).as_bytes());
    assert_eq!(
        out.stderr,
        "pss: error: <stdin> (document 1, line 1): spec.template.spec.hostNetwork: expected a boolean, found a string \
         at line 1 column 111\n"
    );
    assert_eq!(out.code, 2);
}

fn restricted_message(name: &str) -> String {
    format!(r#"pods "{name}" is forbidden: violates PodSecurity "restricted:latest": {RESTRICTED_DETAIL}"#)
}

#[test]
fn namespace_objects_before_and_after_their_pods() {
    let ns = namespace("prod", &[(ENFORCE, "restricted")]);
    let p = pod("p", Some("prod"), pod_spec(false));
    let other = pod("q", Some("dev"), pod_spec(false));
    for objects in [[ns.clone(), p.clone(), other.clone()], [p.clone(), other.clone(), ns.clone()]] {
        let (records, code) = jsonl(&[], &objects);
        let by_name = |n: &str| records.iter().find(|r| r["name"] == n).unwrap().clone();
        assert_eq!(by_name("p")["enforce"]["message"], restricted_message("p"));
        assert_eq!(by_name("p")["level"], "restricted");
        assert_eq!(
            by_name("p")["policy"],
            json!({"enforce": "restricted:latest", "audit": "baseline:latest", "warn": "restricted:latest"})
        );
        assert_eq!(by_name("q")["allowed"], true);
        assert_eq!(by_name("prod")["kind"], "Namespace");
        assert_eq!(by_name("prod")["allowed"], true);
        assert_eq!(code, 1);
    }

    // In another file, read later (sorted), and in a YAML List.
    let dir = TempDir::new("ns-after");
    dir.write("a-pods.yaml", "kind: Pod\nmetadata: {name: p, namespace: prod}\nspec: {containers: [{name: c}]}\n");
    dir.write(
        "b-namespaces.yaml",
        "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    name: prod\n    \
         labels: {pod-security.kubernetes.io/enforce: restricted}\n",
    );
    let out = pss_in(dir.path(), &["check", "."], b"");
    assert_eq!(
        out.stdout,
        format!(
            "./a-pods.yaml (document 1, line 1): {}\n\
             ./a-pods.yaml:3:21: spec.containers[0].securityContext.allowPrivilegeEscalation: allowPrivilegeEscalation \
             != false\n\
             ./a-pods.yaml:3:21: spec.containers[0].securityContext.capabilities.drop: unrestricted capabilities\n\
             ./a-pods.yaml:3:21: spec.containers[0].securityContext.runAsNonRoot: runAsNonRoot != true\n\
             ./a-pods.yaml:3:21: spec.containers[0].securityContext.seccompProfile.type: seccompProfile\n\
             checked 1 pod and 1 namespace by namespace labels (default baseline:latest): 1 allowed, 1 denied; skipped \
             0 objects (not a workload); 0 input errors\n",
            restricted_message("p")
        )
    );
    assert_eq!(out.code, 1);

    // Standard input is read twice (kept in memory), between files.
    let yaml = "kind: Pod\nmetadata: {name: p, namespace: prod}\nspec: {containers: [{name: c}]}\n---\n\
                kind: Namespace\napiVersion: v1\nmetadata: {name: prod, labels: {pod-security.kubernetes.io/enforce: restricted}}\n";
    let out =
        pss_in(&repo_root(), &["check", "--format", "jsonl", "examples/restricted-pod.yaml", "-"], yaml.as_bytes());
    let records = json_lines(&out.stdout);
    assert_eq!(records.len(), 3);
    assert_eq!(records[1]["source"], "-");
    assert_eq!(records[1]["enforce"]["message"], restricted_message("p"));
    assert_eq!(out.code, 1);
}

#[test]
fn the_later_of_two_namespace_objects_wins() {
    let objects = [
        namespace("prod", &[(ENFORCE, "restricted")]),
        pod("p", Some("prod"), pod_spec(false)),
        namespace("prod", &[(ENFORCE, "baseline")]),
    ];
    let (records, code) = jsonl(&[], &objects);
    assert_eq!(records[1]["level"], "baseline");
    assert_eq!(code, 0);
}

#[test]
fn namespace_labels_on_the_command_line() {
    let flag = "prod=pod-security.kubernetes.io/enforce=restricted,pod-security.kubernetes.io/warn=restricted";
    let objects = [pod("p", Some("prod"), pod_spec(false)), pod("d", None, pod_spec(false))];
    let (records, code) = jsonl(&["--namespace-labels", flag], &objects);
    assert_eq!(records[0]["enforce"]["message"], restricted_message("p"));
    assert_eq!(records[1]["allowed"], true);
    assert_eq!(records[1]["namespace"], Value::Null);
    assert_eq!(code, 1);

    // Objects without a namespace are in --namespace.
    let (records, _) = jsonl(&["--namespace-labels", flag, "--namespace", "prod"], &objects);
    assert_eq!(records[1]["enforce"]["message"], restricted_message("d"));

    // The flag replaces the labels of a Namespace in the input.
    let objects = [namespace("prod", &[(ENFORCE, "privileged")]), pod("p", Some("prod"), pod_spec(true))];
    let (records, code) = jsonl(&["--namespace-labels", flag], &objects);
    assert_eq!(records[1]["level"], "restricted");
    assert_eq!(code, 1);
    let (records, code) = jsonl(&[], &objects);
    assert_eq!(records[1]["level"], "privileged");
    // Unset, audit keeps the default (--level), so the pod is still audited.
    assert_eq!(
        records[1]["audit_annotations"],
        json!({"pod-security.kubernetes.io/audit-violations":
                   format!(r#"would violate PodSecurity "baseline:latest": {PRIVILEGED_DETAIL}"#),
               "pod-security.kubernetes.io/enforce-policy": "privileged:latest"})
    );
    assert_eq!(code, 0);

    // Repeated for one namespace, the sets are merged.
    let objects = [pod("p", Some("prod"), pod_spec(false))];
    let (records, _) = jsonl(
        &[
            "--namespace-labels",
            "prod=pod-security.kubernetes.io/enforce=baseline",
            "--namespace-labels",
            "prod=pod-security.kubernetes.io/warn=restricted",
        ],
        &objects,
    );
    assert_eq!(
        records[0]["policy"],
        json!({"enforce": "baseline:latest", "audit": "baseline:latest", "warn": "restricted:latest"})
    );

    for bad in ["prod", "=a=b", "prod=enforce"] {
        let out = pss(&["check", "--namespace-labels", bad, "examples/restricted-pod.yaml"]);
        assert_eq!(out.code, 2, "{bad}");
        assert!(out.stderr.contains("--namespace-labels"), "{}", out.stderr);
    }
}

#[test]
fn warn_mode_warns_like_kubectl_and_allows() {
    let flag = "dev=pod-security.kubernetes.io/enforce=baseline,pod-security.kubernetes.io/warn=restricted";
    let input = lines(&[pod("p", Some("dev"), pod_spec(false))]);
    let out = pss_in(&repo_root(), &["check", "--namespace-labels", flag], input.as_bytes());
    assert_eq!(
        out.stdout,
        format!(
            "<stdin> (document 1, line 1): Warning: would violate PodSecurity \"restricted:latest\": {RESTRICTED_DETAIL}\n\
             checked 1 pod by namespace labels (default baseline:latest): 1 allowed, 0 denied, 1 with warnings; \
             skipped 0 objects (not a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.code, 0);
}

#[test]
fn audit_mode_annotates() {
    let flag = "dev=pod-security.kubernetes.io/enforce=privileged,pod-security.kubernetes.io/audit=restricted";
    let input = lines(&[pod("p", Some("dev"), pod_spec(false))]);
    let out = pss_in(&repo_root(), &["check", "-v", "--namespace-labels", flag], input.as_bytes());
    assert_eq!(
        out.stdout,
        format!(
            "<stdin> (document 1, line 1): pods \"p\" is allowed by PodSecurity \"privileged:latest\"\n\
             <stdin> (document 1, line 1): audit annotation pod-security.kubernetes.io/audit-violations: would violate \
             PodSecurity \"restricted:latest\": {RESTRICTED_DETAIL}\n\
             <stdin> (document 1, line 1): audit annotation pod-security.kubernetes.io/enforce-policy: privileged:latest\n\
             checked 1 pod by namespace labels (default baseline:latest): 1 allowed, 0 denied; skipped 0 objects (not \
             a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.code, 0);
}

#[test]
fn invalid_labels_fall_back_and_are_reported() {
    let objects = [
        namespace("bad", &[(ENFORCE, "strict"), ("pod-security.kubernetes.io/warn", "loud")]),
        pod("p", Some("bad"), pod_spec(false)),
    ];
    let (records, code) = jsonl(&[], &objects);
    let invalid = "Namespace \"bad\" is invalid: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \
                   \"strict\": must be one of privileged, baseline, restricted, \
                   metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \"loud\": must be one of \
                   privileged, baseline, restricted]";
    assert_eq!(records[0]["enforce"], json!({"allowed": false, "message": invalid}));
    // An invalid enforce level is restricted; an invalid warn level privileged (fail open).
    assert_eq!(
        records[1]["policy"],
        json!({"enforce": "restricted:latest", "audit": "baseline:latest", "warn": "privileged:latest"})
    );
    assert_eq!(records[1]["enforce"]["message"], restricted_message("p"));
    assert_eq!(
        records[1]["audit_annotations"]["pod-security.kubernetes.io/error"],
        "Failed to parse policy: [metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: \"strict\": must \
         be one of privileged, baseline, restricted, metadata.labels[pod-security.kubernetes.io/warn]: Invalid value: \
         \"loud\": must be one of privileged, baseline, restricted]"
    );
    assert_eq!(code, 1);

    // In text, the Namespace is denied with the API server's message.
    let out = pss_in(&repo_root(), &["check"], lines(&objects[..1]).as_bytes());
    assert_eq!(
        out.stdout,
        format!(
            "<stdin> (document 1, line 1): {invalid}\n\
             checked 0 pods and 1 namespace by namespace labels (default baseline:latest): 0 allowed, 1 denied; \
             skipped 0 objects (not a workload); 0 input errors\n"
        )
    );
    assert_eq!(out.code, 1);

    // An invalid version is latest, with its own error.
    let flag = "v=pod-security.kubernetes.io/enforce=baseline,pod-security.kubernetes.io/enforce-version=1.25";
    let (records, _) = jsonl(&["--namespace-labels", flag], &[pod("p", Some("v"), pod_spec(true))]);
    assert_eq!(records[0]["level"], "baseline");
    assert_eq!(records[0]["version"], "latest");
    assert_eq!(
        records[0]["audit_annotations"]["pod-security.kubernetes.io/error"],
        "Failed to parse policy: metadata.labels[pod-security.kubernetes.io/enforce-version]: Invalid value: \"1.25\": \
         must be \"latest\" or \"v1.x\""
    );
}

const CONFIG: &str = "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\n\
                      defaults:\n  enforce: baseline\n  warn: restricted\n\
                      exemptions:\n  usernames: [ci-bot]\n  namespaces: [kube-system]\n  runtimeClasses: [kata]\n";

fn with_config(args: &[&str], objects: &[Value]) -> (Vec<Value>, i32) {
    // Tests run in parallel: each call gets its own directory.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let dir = TempDir::new(&format!("config-{}", CALLS.fetch_add(1, Ordering::Relaxed)));
    let config = dir.write("config.yaml", CONFIG);
    let mut all = vec!["check", "--format", "jsonl", "--admission-config", config.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = pss_in(&repo_root(), &all, lines(objects).as_bytes());
    assert_eq!(out.stderr, "");
    (json_lines(&out.stdout), out.code)
}

#[test]
fn admission_config_defaults() {
    let (records, code) = with_config(&[], &[pod("p", None, pod_spec(false)), pod("q", None, pod_spec(true))]);
    assert_eq!(
        records[0]["policy"],
        json!({"enforce": "baseline:latest", "audit": "privileged:latest", "warn": "restricted:latest"})
    );
    assert_eq!(records[0]["allowed"], true);
    assert_eq!(
        records[0]["warnings"],
        json!([format!(r#"would violate PodSecurity "restricted:latest": {RESTRICTED_DETAIL}"#)])
    );
    assert_eq!(
        records[0]["audit_annotations"],
        json!({"pod-security.kubernetes.io/enforce-policy": "baseline:latest"})
    );
    assert_eq!(
        records[1]["enforce"]["message"],
        r#"pods "q" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#
    );
    // A denied pod gets no warning (upstream skips warn after a denial).
    assert_eq!(records[1]["warnings"], json!([]));
    assert_eq!(code, 1);

    // Namespace labels win over the defaults.
    let objects = [namespace("ci", &[(ENFORCE, "privileged")]), pod("q", Some("ci"), pod_spec(true))];
    let (records, code) = with_config(&[], &objects);
    assert_eq!(
        records[1]["policy"],
        json!({"enforce": "privileged:latest", "audit": "privileged:latest", "warn": "restricted:latest"})
    );
    assert_eq!(records[1]["allowed"], true);
    assert_eq!(code, 0);
}

#[test]
fn admission_config_exemptions_and_their_precedence() {
    let in_kube_system = pod("n", Some("kube-system"), pod_spec(true));
    let mut kata_spec = pod_spec(true);
    kata_spec["runtimeClassName"] = json!("kata");
    let kata = pod("k", None, kata_spec.clone());
    let plain = pod("u", None, pod_spec(true));
    let (records, code) = with_config(&[], &[in_kube_system.clone(), kata.clone(), plain.clone()]);
    let exempt: Vec<&Value> = records.iter().map(|r| &r["exempt"]).collect();
    assert_eq!(exempt, [&json!("namespace"), &json!("runtimeClass"), &Value::Null]);
    assert_eq!(records[0]["audit_annotations"], json!({"pod-security.kubernetes.io/exempt": "namespace"}));
    assert_eq!(records[0]["violations"], json!([]));
    assert_eq!(records[1]["audit_annotations"], json!({"pod-security.kubernetes.io/exempt": "runtimeClass"}));
    assert_eq!(code, 1);

    // The user: every object it creates; namespace before user before runtime class.
    let (records, code) = with_config(&["--username", "ci-bot"], &[in_kube_system, kata, plain]);
    let exempt: Vec<&Value> = records.iter().map(|r| &r["exempt"]).collect();
    assert_eq!(exempt, [&json!("namespace"), &json!("user"), &json!("user")]);
    assert!(records.iter().all(|r| r["allowed"] == true));
    assert_eq!(code, 0);
    let (records, _) = with_config(&["--username", "someone"], &[pod("u", None, pod_spec(true))]);
    assert_eq!(records[0]["exempt"], Value::Null);

    // A controller created by an exempt user is not warned; its pods, created by the controller, are
    // still denied, unless their namespace or runtime class is exempt.
    let mut kata_deployment = controller("Deployment", "kd", kata_spec);
    kata_deployment["metadata"]["name"] = json!("kd");
    let mut system_deployment = controller("Deployment", "sd", pod_spec(true));
    system_deployment["metadata"]["namespace"] = json!("kube-system");
    let objects = [controller("Deployment", "d", pod_spec(true)), kata_deployment, system_deployment];
    let (records, code) = with_config(&["--username", "ci-bot"], &objects);
    let summary: Vec<(&Value, &Value, &Value)> =
        records.iter().map(|r| (&r["exempt"], &r["allowed"], &r["warnings"])).collect();
    assert_eq!(
        summary,
        [
            (&json!("user"), &json!(false), &json!([])),
            (&json!("user"), &json!(true), &json!([])),
            (&json!("namespace"), &json!(true), &json!([])),
        ]
    );
    assert_eq!(
        records[0]["enforce"]["message"],
        r#"deployments "d" (pods it creates would be denied): violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)"#
    );
    assert_eq!(code, 1);
}

#[test]
fn exempt_namespace_object_gets_upstreams_warning() {
    let objects = [namespace("kube-system", &[(ENFORCE, "restricted")])];
    let (records, code) = with_config(&[], &objects);
    assert_eq!(records[0]["exempt"], "namespace");
    assert_eq!(
        records[0]["warnings"],
        json!([
            r#"namespace "kube-system" is exempt from Pod Security, and the policy (enforce=restricted:latest) will be ignored"#
        ])
    );
    assert_eq!(code, 0);
}

#[test]
fn admission_config_forms_and_errors() {
    let dir = TempDir::new("config-forms");
    // The AdmissionConfiguration the API server reads, in JSON.
    let wrapped = json!({"apiVersion": "apiserver.config.k8s.io/v1", "kind": "AdmissionConfiguration", "plugins": [
        {"name": "PodSecurity", "configuration": {"apiVersion": "pod-security.admission.config.k8s.io/v1beta1",
         "kind": "PodSecurityConfiguration", "defaults": {"enforce": "restricted", "enforce-version": "v1.24"}}}]});
    let path = dir.write("admission.json", wrapped.to_string());
    let out = pss_in(
        &repo_root(),
        &["check", "--format", "jsonl", "--admission-config", path.to_str().unwrap()],
        lines(&[pod("p", None, pod_spec(false))]).as_bytes(),
    );
    let records = json_lines(&out.stdout);
    assert_eq!(
        records[0]["policy"],
        json!({"enforce": "restricted:v1.24", "audit": "privileged:latest", "warn": "privileged:latest"})
    );
    assert_eq!(out.code, 1);

    // The example configuration.
    let out = pss(&["check", "--admission-config", "examples/admission-config.yaml", "examples/restricted-pod.yaml"]);
    assert_eq!(out.code, 0, "{}", out.stderr);

    // Upstream's validation message; strict decoding; --level and --version conflict.
    let bad = dir.write("bad.yaml", "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\ndefaults:\n  enforce: strict\n");
    let out = pss(&["check", "--admission-config", bad.to_str().unwrap(), "examples"]);
    assert_eq!(
        out.stderr,
        format!(
            "pss: error: {}: invalid PodSecurity configuration: defaults.enforce: Invalid value: \"strict\": must be one \
             of privileged, baseline, restricted\n",
            bad.display()
        )
    );
    assert_eq!(out.stdout, "");
    assert_eq!(out.code, 2);
    let dup = dir.write("dup.yaml", "apiVersion: pod-security.admission.config.k8s.io/v1\nkind: PodSecurityConfiguration\nkind: PodSecurityConfiguration\n");
    let out = pss(&["check", "--admission-config", dup.to_str().unwrap(), "examples"]);
    assert!(out.stderr.starts_with(&format!("pss: error: {}: invalid YAML: ", dup.display())), "{}", out.stderr);
    assert_eq!(out.code, 2);
    let out = pss(&["check", "--admission-config", "no-such-config.yaml", "examples"]);
    assert!(out.stderr.starts_with("pss: error: no-such-config.yaml: "), "{}", out.stderr);
    assert_eq!(out.code, 2);

    for flag in [["--level", "restricted"], ["--version", "v1.30"]] {
        let out = pss(&["check", "--admission-config", "examples/admission-config.yaml", flag[0], flag[1], "examples"]);
        assert_eq!(out.code, 2);
        assert_eq!(out.stdout, "");
        assert!(
            out.stderr
                .contains(&format!("the argument '--admission-config <FILE>' cannot be used with '{} <", flag[0])),
            "{}",
            out.stderr
        );
    }
}

#[test]
fn examples_with_the_admission_config() {
    let dir = common::examples_copy("examples-config");
    let args = ["check", "--format", "json", "--admission-config", "examples/admission-config.yaml", "examples"];
    let out = pss_in(dir.path(), &args, b"");
    let doc: Value = serde_json::from_str(&out.stdout).unwrap();
    let find = |name: &str| doc["results"].as_array().unwrap().iter().find(|r| r["name"] == name).unwrap().clone();
    // monitoring is exempt; prod keeps its labels; the rest enforce baseline.
    assert_eq!(find("host-network")["exempt"], "namespace");
    assert_eq!(find("debug")["level"], "restricted");
    assert_eq!(find("nightly-report")["allowed"], true);
    assert_eq!(find("nightly-report")["warnings"].as_array().unwrap().len(), 1);
    assert_eq!(
        doc["summary"],
        json!({"level": "baseline", "version": "latest",
               "policy": {"enforce": "baseline:latest", "audit": "restricted:latest", "warn": "restricted:latest"},
               "sources": 8, "pods": 7, "allowed": 8, "denied": 4, "skipped": 2, "errors": 0, "controllers": 4,
               "namespaces": 1, "warned": 4, "exempt": 1})
    );
    assert_eq!(out.code, 1);
}

#[test]
fn help_documents_the_semantics() {
    let out = pss(&["check", "--help"]);
    for needle in [
        "--namespace-labels",
        "--admission-config",
        "--username",
        "pods it creates would be denied",
        "Namespace objects in the input, before or after",
        "cannot be given",
    ] {
        assert!(out.stdout.contains(needle), "check --help lacks {needle:?}");
    }
}
