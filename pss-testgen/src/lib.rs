//! Generated pods and workloads for pss's property tests, shared by every test suite that compares
//! a wrapper with pss-core.
//!
//! - [`pod`]: a proptest strategy for k8s-openapi `Pod`s that set, or leave out, every field the
//!   Pod Security Standards checks read (host namespaces, `hostProcess`, privileged, capabilities,
//!   host paths and ports, AppArmor, SELinux, `procMount`, seccomp, sysctls, volume types,
//!   privilege escalation, `runAsNonRoot`, `runAsUser`, probe and lifecycle hosts, annotations).
//! - [`workload`]: a pod wrapped in each kind of object that carries a pod template ([`KINDS`]).
//! - [`cases`]: a deterministic list of generated cases (a level, a version and a workload), the same
//!   for a given seed and count on every machine, for the wrappers' own suites (the C ABI's Rust tests,
//!   the npm package's Node tests). The `pss-testgen` binary writes them as JSON lines.
//! - [`shared`]: where the shared reference data is (`../shared`), and a loud note when it is absent.
//!
//! This crate does not depend on pss-core, so pss-core's own tests can use it.

pub mod shared;

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    AppArmorProfile, Capabilities, Container, ContainerPort, EphemeralContainer, HTTPGetAction, Lifecycle,
    LifecycleHandler, Pod, PodOS, PodSecurityContext, PodSpec, Probe, SELinuxOptions, SeccompProfile, SecurityContext,
    Sysctl, TCPSocketAction, Volume, WindowsSecurityContextOptions,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use proptest::collection::{btree_map, vec};
use proptest::option;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::{json, Value};

/// The levels, as the wrappers spell them.
pub const LEVELS: [&str; 3] = ["privileged", "baseline", "restricted"];

/// The newest `v1.N` the version strategies produce; past pss-core's newest check version on purpose
/// (newer versions evaluate as the newest).
pub const NEWEST_MINOR: u64 = 40;

/// A kind of object that carries a pod template, as PodSecurity admission knows them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Kind {
    /// `apiVersion`.
    pub api_version: &'static str,
    /// `kind`.
    pub kind: &'static str,
    /// Where the pod template is in the object (`""` for a Pod, which is its own template).
    pub template_path: &'static str,
}

impl Kind {
    /// The prefix of the template's field paths in the object: `""` for a Pod, else the template
    /// path and a dot.
    pub fn path_prefix(&self) -> String {
        if self.template_path.is_empty() {
            String::new()
        } else {
            format!("{}.", self.template_path)
        }
    }

    /// Whether this is a Pod (evaluated itself).
    pub fn is_pod(&self) -> bool {
        self.kind == "Pod"
    }
}

/// Every kind: the Pod first, then each controller.
pub const KINDS: [Kind; 9] = [
    Kind { api_version: "v1", kind: "Pod", template_path: "" },
    Kind { api_version: "v1", kind: "PodTemplate", template_path: "template" },
    Kind { api_version: "v1", kind: "ReplicationController", template_path: "spec.template" },
    Kind { api_version: "apps/v1", kind: "ReplicaSet", template_path: "spec.template" },
    Kind { api_version: "apps/v1", kind: "Deployment", template_path: "spec.template" },
    Kind { api_version: "apps/v1", kind: "StatefulSet", template_path: "spec.template" },
    Kind { api_version: "apps/v1", kind: "DaemonSet", template_path: "spec.template" },
    Kind { api_version: "batch/v1", kind: "Job", template_path: "spec.template" },
    Kind { api_version: "batch/v1", kind: "CronJob", template_path: "spec.jobTemplate.spec.template" },
];

fn owned(items: &[&'static str]) -> impl Strategy<Value = String> {
    prop::sample::select(items.to_vec()).prop_map(str::to_owned)
}

/// A container or volume name from a small set, so names repeat and annotations meet them.
pub fn name() -> impl Strategy<Value = String> {
    owned(&["a", "b", "c", "init", "app"])
}

/// A seccomp or AppArmor profile type, valid or not.
pub fn profile_type() -> impl Strategy<Value = String> {
    owned(&["RuntimeDefault", "Localhost", "Unconfined", "", "Other"])
}

/// SELinux options with allowed and forbidden types, users and roles.
pub fn se_linux() -> impl Strategy<Value = SELinuxOptions> {
    (
        option::of(owned(&["", "container_t", "container_init_t", "container_kvm_t", "container_engine_t", "spc_t"])),
        option::of(owned(&["", "u"])),
        option::of(owned(&["", "r"])),
        option::of(owned(&["", "s0:c1,c2"])),
    )
        .prop_map(|(type_, user, role, level)| SELinuxOptions { type_, user, role, level })
}

/// A list of capabilities, allowed at baseline or not, and `ALL`.
pub fn caps() -> impl Strategy<Value = Vec<String>> {
    vec(owned(&["ALL", "NET_RAW", "CHOWN", "NET_BIND_SERVICE", "SYS_ADMIN", "all"]), 0..3)
}

/// A container's security context.
pub fn security_context() -> impl Strategy<Value = SecurityContext> {
    (
        (option::of(any::<bool>()), option::of(profile_type()), option::of((option::of(caps()), option::of(caps())))),
        (option::of(any::<bool>()), option::of(owned(&["Default", "Unmasked", ""]))),
        (option::of(any::<bool>()), option::of(prop::sample::select(vec![0i64, 1000]))),
        (option::of(se_linux()), option::of(profile_type()), option::of(option::of(any::<bool>()))),
    )
        .prop_map(|((ape, aa, caps), (privileged, pm), (non_root, user), (sel, seccomp, win))| SecurityContext {
            allow_privilege_escalation: ape,
            app_armor_profile: aa.map(|t| AppArmorProfile { type_: t, localhost_profile: None }),
            capabilities: caps.map(|(add, drop)| Capabilities { add, drop }),
            privileged,
            proc_mount: pm,
            run_as_non_root: non_root,
            run_as_user: user,
            se_linux_options: sel,
            seccomp_profile: seccomp.map(|t| SeccompProfile { type_: t, localhost_profile: None }),
            windows_options: win.map(|hp| WindowsSecurityContextOptions { host_process: hp, ..Default::default() }),
            ..Default::default()
        })
}

fn host() -> impl Strategy<Value = Option<String>> {
    option::of(owned(&["", "h1", "h2"]))
}

fn probe() -> impl Strategy<Value = Probe> {
    (option::of(host()), option::of(host())).prop_map(|(http, tcp)| Probe {
        http_get: http.map(|host| HTTPGetAction { host, port: IntOrString::Int(80), ..Default::default() }),
        tcp_socket: tcp.map(|host| TCPSocketAction { host, port: IntOrString::Int(80) }),
        ..Default::default()
    })
}

fn handler() -> impl Strategy<Value = LifecycleHandler> {
    (option::of(host()), option::of(host())).prop_map(|(http, tcp)| LifecycleHandler {
        http_get: http.map(|host| HTTPGetAction { host, port: IntOrString::Int(80), ..Default::default() }),
        tcp_socket: tcp.map(|host| TCPSocketAction { host, port: IntOrString::Int(80) }),
        ..Default::default()
    })
}

/// A container: security context, host ports, probes and lifecycle handlers with hosts.
pub fn container() -> impl Strategy<Value = Container> {
    (
        name(),
        option::of(security_context()),
        option::of(vec(option::of(prop::sample::select(vec![0, 80, 8080, 9])), 0..3)),
        (option::of(probe()), option::of(probe()), option::of(probe())),
        option::of((option::of(handler()), option::of(handler()))),
    )
        .prop_map(|(name, sc, ports, (liveness, readiness, startup), lifecycle)| Container {
            name,
            security_context: sc,
            ports: ports.map(|ps| {
                ps.into_iter()
                    .map(|hp| ContainerPort { container_port: 1, host_port: hp, ..Default::default() })
                    .collect()
            }),
            liveness_probe: liveness,
            readiness_probe: readiness,
            startup_probe: startup,
            lifecycle: lifecycle.map(|(post_start, pre_stop)| Lifecycle { post_start, pre_stop, ..Default::default() }),
            ..Default::default()
        })
}

/// A volume of a type each check treats differently: a host path, types restricted allows, types it
/// forbids, two sources at once, or none.
pub fn volume() -> impl Strategy<Value = Volume> {
    (name(), 0..9u8).prop_map(|(name, kind)| {
        let mut v = Volume { name, ..Default::default() };
        match kind {
            0 => v.host_path = Some(Default::default()),
            1 => v.empty_dir = Some(Default::default()),
            2 => v.nfs = Some(Default::default()),
            3 => v.secret = Some(Default::default()),
            4 => {
                v.git_repo = Some(Default::default());
                v.config_map = Some(Default::default());
            }
            5 => v.persistent_volume_claim = Some(Default::default()),
            6 => v.projected = Some(Default::default()),
            7 => v.flex_volume = Some(Default::default()),
            _ => {}
        }
        v
    })
}

/// AppArmor and seccomp annotations (of the containers [`name`] produces and of none), and another.
pub fn annotations() -> impl Strategy<Value = Option<BTreeMap<String, String>>> {
    option::of(btree_map(
        owned(&[
            "container.apparmor.security.beta.kubernetes.io/a",
            "container.apparmor.security.beta.kubernetes.io/b",
            "seccomp.security.alpha.kubernetes.io/pod",
            "container.seccomp.security.alpha.kubernetes.io/a",
            "container.seccomp.security.alpha.kubernetes.io/c",
            "other",
        ]),
        owned(&["", "runtime/default", "docker/default", "localhost/x", "unconfined"]),
        0..4,
    ))
}

fn pod_security_context() -> impl Strategy<Value = PodSecurityContext> {
    (
        option::of(any::<bool>()),
        option::of(prop::sample::select(vec![0i64, 1000])),
        option::of(profile_type()),
        option::of(profile_type()),
        option::of(se_linux()),
        option::of(vec(owned(&["kernel.shm_rmid_forced", "net.ipv4.tcp_rmem", "kernel.msgmax"]), 0..3)),
        option::of(option::of(any::<bool>())),
    )
        .prop_map(|(non_root, user, seccomp, aa, sel, sysctls, win)| PodSecurityContext {
            run_as_non_root: non_root,
            run_as_user: user,
            seccomp_profile: seccomp.map(|t| SeccompProfile { type_: t, localhost_profile: None }),
            app_armor_profile: aa.map(|t| AppArmorProfile { type_: t, localhost_profile: None }),
            se_linux_options: sel,
            sysctls: sysctls.map(|names| names.into_iter().map(|name| Sysctl { name, value: "1".into() }).collect()),
            windows_options: win.map(|hp| WindowsSecurityContextOptions { host_process: hp, ..Default::default() }),
            ..Default::default()
        })
}

fn ephemeral(c: Container) -> EphemeralContainer {
    EphemeralContainer {
        name: c.name,
        security_context: c.security_context,
        ports: c.ports,
        liveness_probe: c.liveness_probe,
        readiness_probe: c.readiness_probe,
        startup_probe: c.startup_probe,
        lifecycle: c.lifecycle,
        ..Default::default()
    }
}

/// A pod named from a small set (`p`, `web-1`, a name Go quotes with escapes, or none), with
/// annotations and a spec that set, or leave out, every field the checks read.
pub fn pod() -> impl Strategy<Value = Pod> {
    let spec = (
        (option::of(any::<bool>()), option::of(any::<bool>()), option::of(any::<bool>()), option::of(any::<bool>())),
        option::of(owned(&["linux", "windows"])),
        option::of(pod_security_context()),
        (vec(container(), 0..3), option::of(vec(container(), 0..2)), option::of(vec(container(), 0..2))),
        option::of(vec(volume(), 0..3)),
    );
    let pod_name = option::of(owned(&["p", "web-1", "q\"uote"]));
    (pod_name, annotations(), spec).prop_map(
        |(name, annotations, (hosts, os, security_context, (containers, init, eph), volumes))| Pod {
            metadata: ObjectMeta { name, annotations, ..Default::default() },
            spec: Some(PodSpec {
                host_network: hosts.0,
                host_pid: hosts.1,
                host_ipc: hosts.2,
                host_users: hosts.3,
                os: os.map(|name| PodOS { name }),
                security_context,
                containers,
                init_containers: init,
                ephemeral_containers: eph.map(|cs| cs.into_iter().map(ephemeral).collect()),
                volumes,
                ..Default::default()
            }),
            ..Default::default()
        },
    )
}

/// A version as the wrappers take it: `v1.0` to `v1.`[`NEWEST_MINOR`] or `latest`.
pub fn version_text() -> impl Strategy<Value = String> {
    prop_oneof![(0u64..=NEWEST_MINOR).prop_map(|n| format!("v1.{n}")), Just("latest".to_owned())]
}

/// The pod as JSON, with `apiVersion` and `kind`.
pub fn pod_json(pod: &Pod) -> Value {
    serde_json::to_value(pod).expect("a generated pod serialises")
}

/// `pod` as an object of `kind`: a Pod as it is; a controller named as the pod, with the pod's
/// metadata (without the name) and spec as its template, and `controller_annotations` on the
/// controller itself (which must not count).
pub fn workload(kind: Kind, pod: &Pod, controller_annotations: Option<&BTreeMap<String, String>>) -> Value {
    let pod = pod_json(pod);
    if kind.is_pod() {
        return pod;
    }
    let mut metadata = json!({});
    if let Some(name) = pod.pointer("/metadata/name") {
        metadata["name"] = name.clone();
    }
    if let Some(a) = controller_annotations {
        metadata["annotations"] = json!(a);
    }
    let mut template = json!({});
    if let Some(a) = pod.pointer("/metadata/annotations") {
        template["metadata"] = json!({ "annotations": a });
    }
    if let Some(spec) = pod.get("spec") {
        template["spec"] = spec.clone();
    }
    let mut obj = json!({ "apiVersion": kind.api_version, "kind": kind.kind, "metadata": metadata });
    let labels = json!({ "app": "generated" });
    match kind.kind {
        "PodTemplate" => obj["template"] = template,
        "CronJob" => {
            obj["spec"] = json!({ "schedule": "* * * * *", "jobTemplate": { "spec": { "template": template } } })
        }
        "Job" => obj["spec"] = json!({ "template": template }),
        // The core controller's selector is a plain map; the apps ones take a label selector.
        "ReplicationController" => obj["spec"] = json!({ "replicas": 1, "selector": labels, "template": template }),
        "DaemonSet" => obj["spec"] = json!({ "selector": { "matchLabels": labels }, "template": template }),
        _ => obj["spec"] = json!({ "replicas": 1, "selector": { "matchLabels": labels }, "template": template }),
    }
    obj
}

/// One generated case: an object of some kind, evaluated at a level and version.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// `privileged`, `baseline` or `restricted`.
    pub level: &'static str,
    /// `latest` or `v1.N`.
    pub version: String,
    /// The object's kind.
    pub kind: Kind,
    /// The object, as JSON.
    pub object: Value,
}

impl Case {
    /// The object as JSON text.
    pub fn text(&self) -> String {
        self.object.to_string()
    }

    /// The case as one JSON object: `level`, `version`, `kind`, `templatePath`, `object`.
    pub fn to_json(&self) -> Value {
        json!({
            "level": self.level,
            "version": self.version,
            "kind": self.kind.kind,
            "templatePath": self.kind.template_path,
            "object": self.object,
        })
    }
}

/// A case: any level, any version, a pod of any kind (with annotations on the controller too).
pub fn case() -> impl Strategy<Value = Case> {
    (prop::sample::select(LEVELS.to_vec()), version_text(), prop::sample::select(KINDS.to_vec()), pod(), annotations())
        .prop_map(|(level, version, kind, pod, controller_annotations)| Case {
            level,
            version,
            kind,
            object: workload(kind, &pod, controller_annotations.as_ref()),
        })
}

/// The seed [`cases`] uses by default, in the binary and the wrappers' suites.
pub const DEFAULT_SEED: u64 = 6;

/// `count` cases from `seed`: the same list for the same arguments on every machine (proptest's
/// ChaCha generator seeded from `seed`), and a prefix of the list for a larger `count`.
pub fn cases(seed: u64, count: usize) -> Vec<Case> {
    let mut bytes = [0u8; 32];
    for chunk in bytes.chunks_mut(8) {
        chunk.copy_from_slice(&seed.to_le_bytes());
    }
    let mut runner = TestRunner::new_with_rng(Config::default(), TestRng::from_seed(RngAlgorithm::ChaCha, &bytes));
    let strategy = case();
    (0..count).map(|_| strategy.new_tree(&mut runner).expect("the case strategy never rejects").current()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_are_deterministic_and_prefixes() {
        let a = cases(DEFAULT_SEED, 40);
        assert_eq!(a, cases(DEFAULT_SEED, 40));
        assert_eq!(a[..10], cases(DEFAULT_SEED, 10)[..]);
        assert_ne!(a, cases(DEFAULT_SEED + 1, 40));
    }

    #[test]
    fn cases_cover_every_kind_and_level() {
        let all = cases(DEFAULT_SEED, 300);
        for kind in KINDS {
            assert!(all.iter().any(|c| c.kind == kind), "{}", kind.kind);
        }
        for level in LEVELS {
            assert!(all.iter().any(|c| c.level == level), "{level}");
        }
    }

    #[test]
    fn templates_sit_at_the_template_path() {
        for case in cases(DEFAULT_SEED, 60) {
            assert_eq!(case.object["kind"], case.kind.kind);
            if case.kind.is_pod() {
                continue;
            }
            let pointer = format!("/{}", case.kind.template_path.replace('.', "/"));
            let template = case.object.pointer(&pointer).expect("template present");
            assert!(template.get("spec").is_some(), "{}", case.kind.kind);
        }
    }
}
