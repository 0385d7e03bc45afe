//! Hand-written cases for every check and every version boundary, at both levels, asserting
//! upstream's exact strings. Each case runs through both ways in (JSON and typed) and requires
//! them to agree, fields included.

use k8s_openapi::api::core::v1::Pod;
use pss_core::{evaluate, evaluate_json_str, CheckId, Evaluation, FieldValue, LevelVersion, Version};
use serde_json::{json, Value};

/// Evaluates `pod` at `lv` ("restricted:v1.25") both ways; they must agree.
fn eval(lv: &str, pod: &Value) -> Evaluation {
    let lv: LevelVersion = lv.parse().unwrap();
    let mut full = pod.clone();
    full["apiVersion"] = json!("v1");
    full["kind"] = json!("Pod");
    let text = serde_json::to_string(&full).unwrap();
    let from_json = evaluate_json_str(lv, &text).unwrap();
    let typed: Pod = serde_json::from_str(&text).unwrap();
    let from_typed = evaluate(lv, &typed);
    assert_eq!(from_json, from_typed, "JSON and typed disagree at {lv}");
    from_json
}

/// A (check, reason, detail) triple, the detail rendered; compares with `(CheckId, &str, &str)`.
#[derive(Debug, Clone, PartialEq)]
struct Triple(CheckId, &'static str, String);

impl PartialEq<(CheckId, &str, &str)> for Triple {
    fn eq(&self, other: &(CheckId, &str, &str)) -> bool {
        self.0 == other.0 && self.1 == other.1 && self.2 == other.2
    }
}

/// The (check, reason, detail) triples.
fn triples(e: &Evaluation) -> Vec<Triple> {
    e.iter().map(|v| Triple(v.check(), v.reason(), v.detail().to_string())).collect()
}

fn only(e: &Evaluation) -> Triple {
    let mut t = triples(e);
    assert_eq!(t.len(), 1, "expected one violation, got {t:#?}");
    t.remove(0)
}

/// A pod that passes restricted at every version, to tweak one field at a time.
fn restricted_pod() -> Value {
    json!({
        "metadata": {"name": "p"},
        "spec": {
            "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
            "initContainers": [{"name": "init", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}],
            "containers": [{"name": "app", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
        }
    })
}

fn container(name: &str, sc: Value) -> Value {
    json!({"name": name, "securityContext": sc})
}

fn pod_with_containers(containers: Value) -> Value {
    json!({"spec": {"containers": containers}})
}

/// Every version with its own rules, and one past the newest check version.
fn all_versions() -> impl Iterator<Item = String> {
    let past = Version::v1(Version::NEWEST_CHECKS.minor().unwrap() + 3);
    Version::every().chain([past]).map(|v| v.to_string())
}

#[test]
fn restricted_pod_passes_everywhere() {
    for v in all_versions() {
        for level in ["privileged", "baseline", "restricted"] {
            assert!(eval(&format!("{level}:{v}"), &restricted_pod()).allowed(), "{level}:{v}");
        }
    }
}

#[test]
fn privileged_level_allows_everything() {
    let pod = json!({"spec": {"hostNetwork": true, "containers": [container("c", json!({"privileged": true}))]}});
    for v in all_versions() {
        assert!(eval(&format!("privileged:{v}"), &pod).allowed());
    }
}

#[test]
fn privileged() {
    let pod = pod_with_containers(json!([
        container("a", json!({"privileged": true})),
        container("b", json!({"privileged": false})),
        container("c", json!({"privileged": true})),
    ]));
    for lv in ["baseline:v1.0", "baseline:latest"] {
        let e = eval(lv, &pod);
        assert_eq!(
            only(&e),
            (CheckId::Privileged, "privileged", r#"containers "a", "c" must not set securityContext.privileged=true"#)
        );
        let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
        assert_eq!(
            paths,
            ["spec.containers[0].securityContext.privileged", "spec.containers[2].securityContext.privileged"]
        );
        assert_eq!(e[0].fields().get(1).unwrap().container(), Some("c"));
        assert_eq!(e[0].fields().get(1).unwrap().value(), &FieldValue::Bool(true));
    }
    // Init, regular, then ephemeral containers, as upstream visits them.
    let pod = json!({"spec": {
        "ephemeralContainers": [container("e", json!({"privileged": true}))],
        "containers": [container("c", json!({"privileged": true}))],
        "initContainers": [container("i", json!({"privileged": true}))],
    }});
    let e = eval("baseline:latest", &pod);
    assert_eq!(e[0].detail(), r#"containers "i", "c", "e" must not set securityContext.privileged=true"#);
    let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "spec.initContainers[0].securityContext.privileged",
            "spec.containers[0].securityContext.privileged",
            "spec.ephemeralContainers[0].securityContext.privileged"
        ]
    );
}

#[test]
fn host_namespaces() {
    let pod = json!({"spec": {"hostNetwork": true, "hostPID": true, "hostIPC": true, "containers": []}});
    let e = eval("baseline:v1.0", &pod);
    assert_eq!(only(&e), (CheckId::HostNamespaces, "host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true"));
    let e = eval("baseline:latest", &json!({"spec": {"hostIPC": true, "hostPID": false}}));
    assert_eq!(only(&e).2, "hostIPC=true");
    assert_eq!(e[0].fields().get(0).unwrap().path(), "spec.hostIPC");
}

#[test]
fn host_path_volumes_and_restricted_volumes() {
    let pod = json!({"spec": {"volumes": [
        {"name": "a", "hostPath": {"path": "/"}},
        {"name": "ok", "emptyDir": {}},
        {"name": "b", "hostPath": {"path": "/etc"}},
    ]}});
    let e = eval("baseline:latest", &pod);
    assert_eq!(only(&e), (CheckId::HostPathVolumes, "hostPath volumes", r#"volumes "a", "b""#));
    assert_eq!(e[0].fields().get(1).unwrap().path(), "spec.volumes[2].hostPath");
    let one = json!({"spec": {"volumes": [{"name": "a", "hostPath": {"path": "/"}}]}});
    assert_eq!(only(&eval("baseline:v1.10", &one)).2, r#"volume "a""#);

    // At restricted, restrictedVolumes replaces hostPathVolumes.
    let mut pod = restricted_pod();
    pod["spec"]["volumes"] = json!([
        {"name": "h", "hostPath": {"path": "/"}},
        {"name": "n", "nfs": {"server": "x", "path": "/"}},
        {"name": "s", "secret": {"secretName": "x"}},
        {"name": "u"},
        {"name": "h2", "hostPath": {"path": "/x"}},
    ]);
    for v in all_versions() {
        let e = eval(&format!("restricted:{v}"), &pod);
        assert_eq!(
            only(&e),
            (
                CheckId::RestrictedVolumes,
                "restricted volume types",
                r#"volumes "h", "n", "u", "h2" use restricted volume types "hostPath", "nfs", "unknown""#
            )
        );
        let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
        assert_eq!(
            paths,
            ["spec.volumes[0].hostPath", "spec.volumes[1].nfs", "spec.volumes[3]", "spec.volumes[4].hostPath"]
        );
    }
    let mut pod = restricted_pod();
    pod["spec"]["volumes"] = json!([{"name": "g", "gitRepo": {"repository": "x"}}]);
    assert_eq!(only(&eval("restricted:latest", &pod)).2, r#"volume "g" uses restricted volume type "gitRepo""#);
    // An allowed source wins over a restricted one in the same volume, as in upstream's switch.
    pod["spec"]["volumes"] = json!([{"name": "both", "configMap": {"name": "x"}, "hostPath": {"path": "/"}}]);
    assert!(eval("restricted:latest", &pod).allowed());
    assert_eq!(only(&eval("baseline:latest", &pod)).0, CheckId::HostPathVolumes);
}

#[test]
fn host_ports_sort_as_strings() {
    let pod = pod_with_containers(json!([
        {"name": "a", "ports": [{"containerPort": 80, "hostPort": 9}, {"containerPort": 81}, {"containerPort": 82, "hostPort": 10}]},
        {"name": "b", "ports": [{"containerPort": 80, "hostPort": 9}]},
    ]));
    let e = eval("baseline:latest", &pod);
    assert_eq!(only(&e), (CheckId::HostPorts, "hostPort", r#"containers "a", "b" use hostPorts 10, 9"#));
    assert_eq!(e[0].fields().get(1).unwrap().path(), "spec.containers[0].ports[2].hostPort");
    assert_eq!(e[0].fields().get(1).unwrap().value(), &FieldValue::Int(10));
    let pod = pod_with_containers(json!([{"name": "a", "ports": [{"containerPort": 80, "hostPort": 8080}]}]));
    assert_eq!(only(&eval("baseline:v1.0", &pod)).2, r#"container "a" uses hostPort 8080"#);
}

#[test]
fn capabilities_baseline_then_restricted_from_1_22() {
    let pod = pod_with_containers(json!([
        container("a", json!({"capabilities": {"add": ["NET_RAW", "CHOWN", "SYS_ADMIN"]}})),
        container("b", json!({"capabilities": {"add": ["NET_RAW"]}})),
    ]));
    let baseline = (
        CheckId::CapabilitiesBaseline,
        "non-default capabilities",
        r#"containers "a", "b" must not include "NET_RAW", "SYS_ADMIN" in securityContext.capabilities.add"#,
    );
    assert_eq!(only(&eval("baseline:v1.0", &pod)), baseline);
    assert_eq!(only(&eval("baseline:latest", &pod)), baseline);

    let mut pod = restricted_pod();
    pod["spec"]["containers"][0]["securityContext"]["capabilities"] = json!({"add": ["NET_RAW", "NET_BIND_SERVICE"]});
    // Before v1.22 restricted has no capabilities check of its own: baseline's applies.
    let e = eval("restricted:v1.21", &pod);
    assert_eq!(only(&e).0, CheckId::CapabilitiesBaseline);
    let e = eval("restricted:v1.22", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::CapabilitiesRestricted,
            "unrestricted capabilities",
            r#"container "app" must set securityContext.capabilities.drop=["ALL"]; container "app" must not include "NET_RAW" in securityContext.capabilities.add"#
        )
    );
    assert_eq!(e[0].fields().get(0).unwrap().path(), "spec.containers[0].securityContext.capabilities.drop");
    assert_eq!(e[0].fields().get(0).unwrap().value(), &FieldValue::Unset);
    assert_eq!(e[0].fields().get(1).unwrap().path(), "spec.containers[0].securityContext.capabilities.add[0]");

    // No securityContext at all: must drop ALL; dropping something else is listed.
    let mut pod = restricted_pod();
    pod["spec"]["initContainers"][0]["securityContext"] =
        json!({"allowPrivilegeEscalation": false, "capabilities": {"drop": ["NET_RAW"]}});
    pod["spec"]["containers"][0]["securityContext"] = json!({"allowPrivilegeEscalation": false});
    let e = eval("restricted:latest", &pod);
    assert_eq!(only(&e).2, r#"containers "init", "app" must set securityContext.capabilities.drop=["ALL"]"#);
    assert_eq!(e[0].fields().get(0).unwrap().value(), &FieldValue::List(vec!["NET_RAW".into()]));
}

#[test]
fn windows_pods_are_exempt_from_three_restricted_checks_from_1_25() {
    let pod = json!({"spec": {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": true}, "containers": [{"name": "w"}]}});
    let e = eval("restricted:v1.24", &pod);
    assert_eq!(
        triples(&e),
        [
            (
                CheckId::AllowPrivilegeEscalation,
                "allowPrivilegeEscalation != false",
                r#"container "w" must set securityContext.allowPrivilegeEscalation=false"#
            ),
            (
                CheckId::CapabilitiesRestricted,
                "unrestricted capabilities",
                r#"container "w" must set securityContext.capabilities.drop=["ALL"]"#
            ),
            (
                CheckId::SeccompProfileRestricted,
                "seccompProfile",
                r#"pod or container "w" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#
            ),
        ]
    );
    assert!(eval("restricted:v1.25", &pod).allowed());
    assert!(eval("restricted:latest", &pod).allowed());
    // Only the exact OS name counts.
    let linuxish = json!({"spec": {"os": {"name": "Windows"}, "securityContext": {"runAsNonRoot": true}, "containers": [{"name": "w"}]}});
    assert_eq!(eval("restricted:latest", &linuxish).len(), 3);
}

#[test]
fn allow_privilege_escalation_from_1_8() {
    let mut pod = restricted_pod();
    pod["spec"]["containers"][0]["securityContext"]["allowPrivilegeEscalation"] = json!(true);
    pod["spec"]["initContainers"][0]["securityContext"].as_object_mut().unwrap().remove("allowPrivilegeEscalation");
    assert!(eval("restricted:v1.7", &pod).allowed());
    let e = eval("restricted:v1.8", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::AllowPrivilegeEscalation,
            "allowPrivilegeEscalation != false",
            r#"containers "init", "app" must set securityContext.allowPrivilegeEscalation=false"#
        )
    );
    assert_eq!(e[0].fields().get(0).unwrap().value(), &FieldValue::Unset);
    assert_eq!(e[0].fields().get(1).unwrap().value(), &FieldValue::Bool(true));
    assert!(eval("baseline:latest", &pod).allowed());
}

#[test]
fn run_as_non_root_and_user_namespaces_from_1_35() {
    // Explicitly false at pod and container level.
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"]["runAsNonRoot"] = json!(false);
    pod["spec"]["containers"][0]["securityContext"]["runAsNonRoot"] = json!(false);
    let e = eval("restricted:v1.0", &pod);
    assert_eq!(
        triples(&e),
        [(
            CheckId::RunAsNonRoot,
            "runAsNonRoot != true",
            r#"pod and container "app" must not set securityContext.runAsNonRoot=false"#
        )]
    );
    // Unset at pod level: every container without it is listed.
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"].as_object_mut().unwrap().remove("runAsNonRoot");
    pod["spec"]["initContainers"][0]["securityContext"]["runAsNonRoot"] = json!(true);
    let e = eval("restricted:latest", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::RunAsNonRoot,
            "runAsNonRoot != true",
            r#"pod or container "app" must set securityContext.runAsNonRoot=true"#
        )
    );
    // The offending fields are the containers' (setting it at pod level instead is the detail's hint).
    let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
    assert_eq!(paths, ["spec.containers[0].securityContext.runAsNonRoot"]);

    // hostUsers: false relaxes runAsNonRoot and runAsUser from v1.35 only.
    pod["spec"]["hostUsers"] = json!(false);
    pod["spec"]["securityContext"]["runAsUser"] = json!(0);
    let e = eval("restricted:v1.34", &pod);
    assert_eq!(
        triples(&e),
        [
            (
                CheckId::RunAsNonRoot,
                "runAsNonRoot != true",
                r#"pod or container "app" must set securityContext.runAsNonRoot=true"#
            ),
            (CheckId::RunAsUser, "runAsUser=0", "pod must not set runAsUser=0"),
        ]
    );
    assert!(eval("restricted:v1.35", &pod).allowed());
    pod["spec"]["hostUsers"] = json!(true);
    assert_eq!(eval("restricted:v1.35", &pod).len(), 2);
}

#[test]
fn run_as_user_from_1_23() {
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"]["runAsUser"] = json!(0);
    pod["spec"]["containers"][0]["securityContext"]["runAsUser"] = json!(0);
    pod["spec"]["initContainers"][0]["securityContext"]["runAsUser"] = json!(1000);
    assert!(eval("restricted:v1.22", &pod).allowed());
    let e = eval("restricted:v1.23", &pod);
    assert_eq!(only(&e), (CheckId::RunAsUser, "runAsUser=0", r#"pod and container "app" must not set runAsUser=0"#));
    assert_eq!(e[0].fields().get(1).unwrap().value(), &FieldValue::Int(0));
    assert!(eval("baseline:latest", &pod).allowed());
}

#[test]
fn proc_mount_and_user_namespaces() {
    let mut pod = restricted_pod();
    pod["spec"]["containers"][0]["securityContext"]["procMount"] = json!("Unmasked");
    pod["spec"]["initContainers"][0]["securityContext"]["procMount"] = json!("Default");
    let want =
        (CheckId::ProcMount, "procMount", r#"container "app" must not set securityContext.procMount to "Unmasked""#);
    assert_eq!(only(&eval("baseline:v1.0", &pod)), want);
    assert_eq!(only(&eval("baseline:latest", &pod)), want);
    assert_eq!(only(&eval("restricted:v1.34", &pod)), want);
    // From v1.35 restricted runs procMount_restricted in place of procMount.
    let e = eval("restricted:v1.35", &pod);
    assert_eq!(only(&e), (CheckId::ProcMountRestricted, want.1, want.2));

    pod["spec"]["hostUsers"] = json!(false);
    assert_eq!(only(&eval("baseline:v1.34", &pod)), want);
    assert!(eval("baseline:v1.35", &pod).allowed());
    assert_eq!(only(&eval("restricted:v1.35", &pod)).0, CheckId::ProcMountRestricted);
}

#[test]
fn seccomp_annotations_before_1_19_fields_after() {
    let pod = json!({
        "metadata": {"annotations": {
            "seccomp.security.alpha.kubernetes.io/pod": "unconfined",
            "container.seccomp.security.alpha.kubernetes.io/a": "localhost/ok",
            "container.seccomp.security.alpha.kubernetes.io/b": "runtime/unknown",
            "container.seccomp.security.alpha.kubernetes.io/nobody": "unconfined",
        }},
        "spec": {"containers": [{"name": "a"}, {"name": "b", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}
    });
    let e = eval("baseline:v1.18", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::SeccompProfileBaseline,
            "seccompProfile",
            r#"forbidden annotations container.seccomp.security.alpha.kubernetes.io/b="runtime/unknown", seccomp.security.alpha.kubernetes.io/pod="unconfined""#
        )
    );
    let e = eval("baseline:v1.19", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::SeccompProfileBaseline,
            "seccompProfile",
            r#"container "b" must not set securityContext.seccompProfile.type to "Unconfined""#
        )
    );
    let pod = json!({"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": ""}}, "spec": {}});
    assert_eq!(
        only(&eval("baseline:v1.0", &pod)).2,
        r#"forbidden annotation seccomp.security.alpha.kubernetes.io/pod="""#
    );
    assert!(eval("baseline:v1.19", &pod).allowed());
    // Go's %q quoting in annotation values.
    let pod =
        json!({"metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "a\"b\n\u{a0}é"}}, "spec": {}});
    assert_eq!(
        only(&eval("baseline:v1.0", &pod)).2,
        "forbidden annotation seccomp.security.alpha.kubernetes.io/pod=\"a\\\"b\\n\\u00a0é\""
    );
}

#[test]
fn seccomp_restricted_from_1_19() {
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"].as_object_mut().unwrap().remove("seccompProfile");
    pod["spec"]["initContainers"][0]["securityContext"]["seccompProfile"] =
        json!({"type": "Localhost", "localhostProfile": "p"});
    assert!(eval("restricted:v1.18", &pod).allowed());
    let e = eval("restricted:v1.19", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::SeccompProfileRestricted,
            "seccompProfile",
            r#"pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#
        )
    );
    pod["spec"]["securityContext"]["seccompProfile"] = json!({"type": "Unconfined"});
    pod["spec"]["containers"][0]["securityContext"]["seccompProfile"] = json!({"type": "Bogus"});
    let e = eval("restricted:latest", &pod);
    assert_eq!(
        only(&e).2,
        r#"pod and container "app" must not set securityContext.seccompProfile.type to "Bogus", "Unconfined""#
    );
    // An empty profile object has type "".
    let mut pod = restricted_pod();
    pod["spec"]["securityContext"]["seccompProfile"] = json!({});
    let e = eval("baseline:latest", &pod);
    assert_eq!(only(&e).2, r#"pod must not set securityContext.seccompProfile.type to """#);
}

#[test]
fn app_armor_fields_and_annotations() {
    let pod = json!({
        "metadata": {"annotations": {
            "container.apparmor.security.beta.kubernetes.io/b": "unconfined",
            "container.apparmor.security.beta.kubernetes.io/a": "localhost/x",
            "container.apparmor.security.beta.kubernetes.io/c": "runtime/other",
        }},
        "spec": {
            "securityContext": {"appArmorProfile": {"type": "Unconfined"}},
            "containers": [
                container("a", json!({"appArmorProfile": {"type": "Unconfined"}})),
                container("b", json!({"appArmorProfile": {"type": "Bogus"}})),
                container("c", json!({"appArmorProfile": {"type": "RuntimeDefault"}})),
            ]
        }
    });
    let e = eval("baseline:v1.0", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::AppArmorProfile,
            "forbidden AppArmor profiles",
            r#"pod and containers "a", "b" and annotations must not set AppArmor profile type to "Bogus", "Unconfined", "container.apparmor.security.beta.kubernetes.io/b="unconfined"", "container.apparmor.security.beta.kubernetes.io/c="runtime/other"""#
        )
    );
    let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "spec.securityContext.appArmorProfile.type",
            "spec.containers[0].securityContext.appArmorProfile.type",
            "spec.containers[1].securityContext.appArmorProfile.type",
            "metadata.annotations[container.apparmor.security.beta.kubernetes.io/b]",
            "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]",
        ]
    );
    let one = json!({"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/x": "unconfined"}}, "spec": {}});
    assert_eq!(
        only(&eval("baseline:latest", &one)),
        (
            CheckId::AppArmorProfile,
            "forbidden AppArmor profile",
            r#"annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/x="unconfined"""#
        )
    );
}

#[test]
fn se_linux_options_and_container_engine_t_from_1_31() {
    let pod = json!({"spec": {
        "securityContext": {"seLinuxOptions": {"type": "container_engine_t"}},
        "containers": [container("a", json!({"seLinuxOptions": {"type": "spc_t", "user": "u", "role": "r", "level": "s0"}}))]
    }});
    let e = eval("baseline:v1.30", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::SeLinuxOptions,
            "seLinuxOptions",
            r#"pod and container "a" set forbidden securityContext.seLinuxOptions: types "container_engine_t", "spc_t"; user may not be set; role may not be set"#
        )
    );
    let e = eval("baseline:v1.31", &pod);
    assert_eq!(
        only(&e).2,
        r#"container "a" set forbidden securityContext.seLinuxOptions: type "spc_t"; user may not be set; role may not be set"#
    );
    let fine =
        json!({"spec": {"securityContext": {"seLinuxOptions": {"type": "container_engine_t", "level": "s0:c1"}}}});
    assert!(eval("baseline:v1.31", &fine).allowed());
    let user_only = json!({"spec": {"securityContext": {"seLinuxOptions": {"user": "x"}}}});
    assert_eq!(only(&eval("restricted:latest", &json!({"spec": {"securityContext": {"seLinuxOptions": {"user": "x"}, "runAsNonRoot": true, "seccompProfile": {"type": "Localhost"}}}}))).2, "pod set forbidden securityContext.seLinuxOptions: user may not be set");
    assert_eq!(
        only(&eval("baseline:v1.0", &user_only)).2,
        "pod set forbidden securityContext.seLinuxOptions: user may not be set"
    );
}

#[test]
fn sysctls_at_each_version_step() {
    let steps = [
        ("net.ipv4.ip_local_reserved_ports", 27),
        ("net.ipv4.tcp_keepalive_time", 29),
        ("net.ipv4.tcp_fin_timeout", 29),
        ("net.ipv4.tcp_keepalive_intvl", 29),
        ("net.ipv4.tcp_keepalive_probes", 29),
        ("net.ipv4.tcp_rmem", 32),
        ("net.ipv4.tcp_wmem", 32),
        ("net.ipv4.tcp_slow_start_after_idle", 37),
        ("net.ipv4.tcp_notsent_lowat", 37),
    ];
    for (name, since) in steps {
        let pod = json!({"spec": {"securityContext": {"sysctls": [{"name": name, "value": "1"}]}}});
        let e = eval(&format!("baseline:v1.{}", since - 1), &pod);
        assert_eq!(only(&e), (CheckId::Sysctls, "forbidden sysctls", name));
        assert!(eval(&format!("baseline:v1.{since}"), &pod).allowed(), "{name} at v1.{since}");
    }
    let pod = json!({"spec": {"securityContext": {"sysctls": [
        {"name": "kernel.msgmax", "value": "1"}, {"name": "kernel.shm_rmid_forced", "value": "1"}, {"name": "kernel.msgmax", "value": "2"}
    ]}}});
    let e = eval("restricted:v1.0", &json!({"spec": pod["spec"].clone()}));
    assert!(e.iter().any(|v| v.detail() == "kernel.msgmax, kernel.msgmax"));
    assert_eq!(
        eval("baseline:latest", &pod)[0].fields().get(1).unwrap().path(),
        "spec.securityContext.sysctls[2].name"
    );
}

#[test]
fn windows_host_process() {
    let pod = json!({"spec": {
        "securityContext": {"windowsOptions": {"hostProcess": true}},
        "containers": [container("a", json!({"windowsOptions": {"hostProcess": true}})), container("b", json!({"windowsOptions": {"hostProcess": false}}))]
    }});
    assert_eq!(
        only(&eval("baseline:v1.0", &pod)),
        (
            CheckId::WindowsHostProcess,
            "hostProcess",
            r#"pod and container "a" must not set securityContext.windowsOptions.hostProcess=true"#
        )
    );
}

#[test]
fn host_probes_and_lifecycle_from_1_34() {
    let pod = pod_with_containers(json!([
        {"name": "b", "livenessProbe": {"httpGet": {"host": "z.example", "port": 80}}, "readinessProbe": {"tcpSocket": {"host": "a.example", "port": 80}}},
        {"name": "a", "lifecycle": {"preStop": {"httpGet": {"host": "z.example", "port": 80}}, "postStart": {"tcpSocket": {"host": "", "port": 1}}}},
        {"name": "b", "startupProbe": {"httpGet": {"port": 80}}},
    ]));
    assert!(eval("baseline:v1.33", &pod).allowed());
    let e = eval("baseline:v1.34", &pod);
    assert_eq!(
        only(&e),
        (
            CheckId::HostProbesAndHostLifecycle,
            "probe or lifecycle host",
            r#"containers "a", "b" use probe or lifecycle hosts "a.example", "z.example""#
        )
    );
    let paths: Vec<String> = e[0].fields().iter().map(|f| f.path().to_string()).collect();
    assert_eq!(
        paths,
        [
            "spec.containers[0].livenessProbe.httpGet.host",
            "spec.containers[0].readinessProbe.tcpSocket.host",
            "spec.containers[1].lifecycle.preStop.httpGet.host",
        ]
    );
    let one = pod_with_containers(json!([{"name": "x", "livenessProbe": {"tcpSocket": {"host": "h", "port": 1}}}]));
    assert_eq!(only(&eval("restricted:latest", &json!({"spec": {"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}}, "containers": [{"name": "x", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}, "livenessProbe": {"tcpSocket": {"host": "h", "port": 1}}}]}}))).2, r#"container "x" uses probe or lifecycle host "h""#);
    assert_eq!(only(&eval("baseline:latest", &one)).2, r#"container "x" uses probe or lifecycle host "h""#);
}

#[test]
fn versions_beyond_the_newest_evaluate_as_the_newest_and_keep_their_name() {
    let pod = pod_with_containers(json!([container("c", json!({"privileged": true}))]));
    let e = eval("restricted:v1.40", &pod);
    assert_eq!(e.level_version().to_string(), "restricted:v1.40");
    assert_eq!(triples(&e), triples(&eval("restricted:v1.37", &pod)));
    assert_eq!(triples(&e), triples(&eval("restricted:latest", &pod)));
    assert!(e.denial_message("x").unwrap().contains(r#"violates PodSecurity "restricted:v1.40": "#));
}

#[test]
fn order_is_baseline_sorted_then_restricted_sorted() {
    let pod = json!({
        "metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}},
        "spec": {
            "hostNetwork": true,
            "securityContext": {"sysctls": [{"name": "kernel.x", "value": "1"}], "seLinuxOptions": {"role": "r"}},
            "volumes": [{"name": "v", "hostPath": {"path": "/"}}],
            "containers": [{"name": "c", "ports": [{"containerPort": 1, "hostPort": 1}], "securityContext": {
                "privileged": true, "procMount": "Unmasked", "capabilities": {"add": ["SYS_ADMIN"]},
                "seccompProfile": {"type": "Unconfined"}, "windowsOptions": {"hostProcess": true}, "runAsUser": 0,
                "runAsNonRoot": false, "allowPrivilegeEscalation": true
            }, "livenessProbe": {"httpGet": {"host": "h", "port": 1}}}]
        }
    });
    let ids: Vec<&str> = eval("restricted:latest", &pod).iter().map(|v| v.check().as_str()).collect();
    assert_eq!(
        ids,
        [
            "appArmorProfile",
            "hostNamespaces",
            "hostPorts",
            "hostProbesAndHostLifecycle",
            "privileged",
            "seLinuxOptions",
            "sysctls",
            "windowsHostProcess",
            "allowPrivilegeEscalation",
            "capabilities_restricted",
            "procMount_restricted",
            "restrictedVolumes",
            "runAsNonRoot",
            "runAsUser",
            "seccompProfile_restricted",
        ]
    );
    let e = eval("restricted:latest", &pod);
    let reasons = e.forbidden_reason();
    assert!(reasons
        .starts_with("forbidden AppArmor profile, host namespaces, hostPort, probe or lifecycle host, privileged"));
    let ids: Vec<&str> = eval("baseline:v1.0", &pod).iter().map(|v| v.check().as_str()).collect();
    assert_eq!(
        ids,
        [
            "appArmorProfile",
            "capabilities_baseline",
            "hostNamespaces",
            "hostPathVolumes",
            "hostPorts",
            "privileged",
            "procMount",
            "seLinuxOptions",
            "sysctls",
            "windowsHostProcess",
        ]
    );
}

#[test]
fn aggregate_strings_and_empty_details() {
    let pod = json!({"spec": {"hostPID": true, "containers": [container("c", json!({"privileged": true}))]}});
    let e = eval("baseline:latest", &pod);
    assert_eq!(e.forbidden_reason(), "host namespaces, privileged");
    assert_eq!(
        e.forbidden_detail(),
        r#"host namespaces (hostPID=true), privileged (container "c" must not set securityContext.privileged=true)"#
    );
    assert_eq!(
        e.denial_message("a\"b").unwrap(),
        r#"pods "a\"b" is forbidden: violates PodSecurity "baseline:latest": host namespaces (hostPID=true), privileged (container "c" must not set securityContext.privileged=true)"#
    );
    assert_eq!(eval("baseline:latest", &json!({"spec": {}})).denial_message("x"), None);
    assert_eq!(e.to_vec().len(), 2);
    assert_eq!(format!("{}", e[0]), "host namespaces (hostPID=true)");
}
