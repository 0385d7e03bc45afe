//! Properties over generated pods and workloads (`pss-testgen`, shared with the wrappers' suites)
//! that exercise every field the checks read: typed == JSON; allowed at restricted implies allowed at
//! baseline; privileged allows all; results are deterministic and independent of annotation order;
//! a controller's verdict is its template's (paths prefixed by the template path), JSON and typed;
//! adding a violating field never turns a denied pod allowed, and makes its check fail.

mod common;

use k8s_openapi::api::core::v1::{
    Capabilities, Container, ContainerPort, HostPathVolumeSource, Pod, PodSecurityContext, SELinuxOptions,
    SecurityContext, Sysctl, Volume,
};
use proptest::prelude::*;
use pss_core::{evaluate, evaluate_json, evaluate_object, Evaluation, Level, LevelVersion, ObjectDocument, Version};
use pss_testgen::{annotations, pod, workload, KINDS};

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![(0u64..=40).prop_map(Version::v1), Just(Version::LATEST)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 768, ..ProptestConfig::default() })]

    #[test]
    fn typed_and_json_agree(pod in pod(), version in version()) {
        let json = serde_json::to_vec(&pod).unwrap();
        for level in Level::ALL {
            let lv = LevelVersion::new(level, version);
            let typed = evaluate(lv, &pod);
            let decoded = evaluate_json(lv, &json).unwrap();
            prop_assert_eq!(typed, decoded);
        }
    }

    /// Holds for upstream except in one corner: from v1.25 a Windows pod is exempt from the
    /// restricted capabilities and seccomp checks, which replace the baseline ones at restricted, so
    /// such a pod can pass restricted and fail baseline (see `windows_pods_can_pass_restricted_and_fail_baseline`).
    #[test]
    fn restricted_allowed_implies_baseline_allowed(pod in pod(), version in version()) {
        let windows = pod.spec.as_ref().and_then(|s| s.os.as_ref()).is_some_and(|os| os.name == "windows");
        prop_assume!(!(windows && version.effective() >= Version::v1(25)));
        if evaluate(LevelVersion::new(Level::Restricted, version), &pod).allowed() {
            prop_assert!(evaluate(LevelVersion::new(Level::Baseline, version), &pod).allowed());
        }
    }

    #[test]
    fn privileged_allows_all(pod in pod(), version in version()) {
        prop_assert!(evaluate(LevelVersion::new(Level::Privileged, version), &pod).allowed());
    }

    #[test]
    fn deterministic(pod in pod(), version in version()) {
        let lv = LevelVersion::new(Level::Restricted, version);
        prop_assert_eq!(evaluate(lv, &pod), evaluate(lv, &pod));
    }

    #[test]
    fn annotation_order_does_not_matter(pod in pod(), version in version()) {
        // Write the annotations in reverse key order by hand; the result must not change.
        let mut value = serde_json::to_value(&pod).unwrap();
        if let Some(map) = value["metadata"]["annotations"].as_object() {
            let reversed: Vec<String> = map
                .iter()
                .rev()
                .map(|(k, v)| format!("{}:{}", serde_json::to_string(k).unwrap(), v))
                .collect();
            value["metadata"]["annotations"] = serde_json::Value::Null;
            let text = serde_json::to_string(&value).unwrap().replacen(
                "\"annotations\":null",
                &format!("\"annotations\":{{{}}}", reversed.join(",")),
                1,
            );
            for level in Level::ALL {
                let lv = LevelVersion::new(level, version);
                prop_assert_eq!(evaluate_json(lv, text.as_bytes()).unwrap(), evaluate(lv, &pod));
            }
        }
    }
}

/// Upstream's Windows exemption (restricted checks at v1.25+) overrides the baseline checks it
/// replaces, so this pod is allowed at restricted and denied at baseline, exactly as upstream decides.
#[test]
fn windows_pods_can_pass_restricted_and_fail_baseline() {
    let pod: Pod = serde_json::from_value(serde_json::json!({
        "apiVersion": "v1", "kind": "Pod",
        "spec": {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "Unconfined"}},
                 "containers": [{"name": "c", "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}]}
    }))
    .unwrap();
    let at = |s: &str| evaluate(s.parse().unwrap(), &pod);
    assert!(at("restricted:v1.25").allowed());
    assert!(at("restricted:latest").allowed());
    assert_eq!(at("baseline:latest").forbidden_reason(), "non-default capabilities, seccompProfile");
    assert_eq!(
        at("restricted:v1.24").forbidden_reason(),
        "allowPrivilegeEscalation != false, unrestricted capabilities, seccompProfile"
    );
}

/// An evaluation as plain data, every field path prefixed by `prefix`: check id, reason, detail and
/// each field's path, value (as JSON) and container.
type Flat = Vec<(&'static str, &'static str, String, Vec<(String, String, Option<String>)>)>;

fn flat(result: &Evaluation, prefix: &str) -> Flat {
    result
        .iter()
        .map(|v| {
            let fields = v
                .fields()
                .iter()
                .map(|f| (format!("{prefix}{}", f.path()), f.value().to_string(), f.container().map(str::to_owned)))
                .collect();
            (v.check().as_str(), v.reason(), v.detail().to_string(), fields)
        })
        .collect()
}

/// One field set to a value some check forbids.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mutation {
    /// `securityContext.privileged: true` on a container.
    Privileged,
    /// `spec.hostNetwork: true`.
    HostNetwork,
    /// `spec.hostPID: true`.
    HostPid,
    /// `spec.hostIPC: true`.
    HostIpc,
    /// A `hostPath` volume appended to `spec.volumes`.
    HostPathVolume,
    /// `SYS_ADMIN` appended to a container's `capabilities.add`.
    AddCapability,
    /// A port with `hostPort: 8080` appended to a container's ports.
    HostPort,
    /// The sysctl `kernel.msgmax` (never allowed) appended to the pod's sysctls.
    Sysctl,
    /// `seLinuxOptions.type: spc_t` on the pod.
    SeLinuxType,
    /// The annotation `container.apparmor.security.beta.kubernetes.io/a: unconfined`.
    AppArmorAnnotation,
    /// `runAsUser: 0` on the pod.
    RunAsUserZero,
    /// `allowPrivilegeEscalation: true` on a container.
    AllowPrivilegeEscalation,
}

impl Mutation {
    const ALL: [Mutation; 12] = [
        Mutation::Privileged,
        Mutation::HostNetwork,
        Mutation::HostPid,
        Mutation::HostIpc,
        Mutation::HostPathVolume,
        Mutation::AddCapability,
        Mutation::HostPort,
        Mutation::Sysctl,
        Mutation::SeLinuxType,
        Mutation::AppArmorAnnotation,
        Mutation::RunAsUserZero,
        Mutation::AllowPrivilegeEscalation,
    ];

    /// Sets the field in `pod` (on the regular container `index` picks, or on a new container `m` when
    /// the pod has none) and returns its location: a path the violation's field paths are at or under.
    fn apply(self, pod: &mut Pod, index: prop::sample::Index) -> String {
        let spec = pod.spec.get_or_insert_with(Default::default);
        if spec.containers.is_empty() {
            spec.containers.push(Container { name: "m".into(), ..Default::default() });
        }
        let i = index.index(spec.containers.len());
        let container = &mut spec.containers[i];
        let sc = || SecurityContext::default();
        let pod_sc = || PodSecurityContext::default();
        match self {
            Mutation::Privileged => {
                container.security_context.get_or_insert_with(sc).privileged = Some(true);
                format!("spec.containers[{i}].securityContext.privileged")
            }
            Mutation::HostNetwork => {
                spec.host_network = Some(true);
                "spec.hostNetwork".into()
            }
            Mutation::HostPid => {
                spec.host_pid = Some(true);
                "spec.hostPID".into()
            }
            Mutation::HostIpc => {
                spec.host_ipc = Some(true);
                "spec.hostIPC".into()
            }
            Mutation::HostPathVolume => {
                let volumes = spec.volumes.get_or_insert_with(Vec::new);
                volumes.push(Volume {
                    name: "m".into(),
                    host_path: Some(HostPathVolumeSource { path: "/".into(), type_: None }),
                    ..Default::default()
                });
                format!("spec.volumes[{}]", volumes.len() - 1)
            }
            Mutation::AddCapability => {
                let caps = container
                    .security_context
                    .get_or_insert_with(sc)
                    .capabilities
                    .get_or_insert(Capabilities { add: None, drop: None });
                caps.add.get_or_insert_with(Vec::new).push("SYS_ADMIN".into());
                format!("spec.containers[{i}].securityContext.capabilities")
            }
            Mutation::HostPort => {
                let ports = container.ports.get_or_insert_with(Vec::new);
                ports.push(ContainerPort { container_port: 1, host_port: Some(8080), ..Default::default() });
                format!("spec.containers[{i}].ports[{}]", ports.len() - 1)
            }
            Mutation::Sysctl => {
                let sysctls = spec.security_context.get_or_insert_with(pod_sc).sysctls.get_or_insert_with(Vec::new);
                sysctls.push(Sysctl { name: "kernel.msgmax".into(), value: "1".into() });
                format!("spec.securityContext.sysctls[{}]", sysctls.len() - 1)
            }
            Mutation::SeLinuxType => {
                let sel = spec
                    .security_context
                    .get_or_insert_with(pod_sc)
                    .se_linux_options
                    .get_or_insert_with(SELinuxOptions::default);
                sel.type_ = Some("spc_t".into());
                "spec.securityContext.seLinuxOptions".into()
            }
            Mutation::AppArmorAnnotation => {
                let key = "container.apparmor.security.beta.kubernetes.io/a";
                pod.metadata.annotations.get_or_insert_with(Default::default).insert(key.into(), "unconfined".into());
                format!("metadata.annotations[{key}]")
            }
            Mutation::RunAsUserZero => {
                spec.security_context.get_or_insert_with(pod_sc).run_as_user = Some(0);
                "spec.securityContext.runAsUser".into()
            }
            Mutation::AllowPrivilegeEscalation => {
                container.security_context.get_or_insert_with(sc).allow_privilege_escalation = Some(true);
                format!("spec.containers[{i}].securityContext.allowPrivilegeEscalation")
            }
        }
    }

    /// The checks that report this field.
    fn checks(self) -> &'static [&'static str] {
        match self {
            Mutation::Privileged => &["privileged"],
            Mutation::HostNetwork | Mutation::HostPid | Mutation::HostIpc => &["hostNamespaces"],
            Mutation::HostPathVolume => &["hostPathVolumes", "restrictedVolumes"],
            Mutation::AddCapability => &["capabilities_baseline", "capabilities_restricted"],
            Mutation::HostPort => &["hostPorts"],
            Mutation::Sysctl => &["sysctls"],
            Mutation::SeLinuxType => &["seLinuxOptions"],
            Mutation::AppArmorAnnotation => &["appArmorProfile"],
            Mutation::RunAsUserZero => &["runAsUser"],
            Mutation::AllowPrivilegeEscalation => &["allowPrivilegeEscalation"],
        }
    }

    /// Whether the Pod Security Standards forbid the field for `pod` at `level` and the effective
    /// version `minor`: the baseline fields at baseline and restricted at every version; capabilities
    /// except for Windows pods at restricted from v1.25; `runAsUser: 0` at restricted from v1.23, except
    /// in a user namespace (`hostUsers: false`) from v1.35; `allowPrivilegeEscalation` at restricted
    /// from v1.8, except for Windows pods from v1.25.
    fn forbidden(self, level: Level, minor: u64, pod: &Pod) -> bool {
        let spec = pod.spec.as_ref();
        let windows = spec.and_then(|s| s.os.as_ref()).is_some_and(|os| os.name == "windows");
        let user_namespace = spec.and_then(|s| s.host_users) == Some(false);
        match (self, level) {
            (_, Level::Privileged) => false,
            (Mutation::AddCapability, Level::Restricted) => !(windows && minor >= 25),
            (Mutation::RunAsUserZero, Level::Restricted) => minor >= 23 && !(user_namespace && minor >= 35),
            (Mutation::AllowPrivilegeEscalation, Level::Restricted) => minor >= 8 && !(windows && minor >= 25),
            (Mutation::RunAsUserZero | Mutation::AllowPrivilegeEscalation, Level::Baseline) => false,
            _ => true,
        }
    }
}

/// Whether `path` is `location` or a field under it.
fn at_or_under(path: &str, location: &str) -> bool {
    path.strip_prefix(location).is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

fn enforcing_level() -> impl Strategy<Value = Level> {
    prop::sample::select(vec![Level::Baseline, Level::Restricted])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: if cfg!(miri) { 4 } else { 256 }, ..ProptestConfig::default() })]

    /// For every level and every kind, the object (the pod, or a controller named as the pod with the
    /// pod's annotations and spec as its template and generated annotations of its own) evaluated from
    /// JSON has exactly the pod's violations (check, reason, detail, field values and containers), each
    /// field path prefixed by the kind's template path; the same verdict and aggregate reason and
    /// detail; and the typed k8s-openapi object of the kind evaluates to the same result.
    #[test]
    fn controller_verdict_is_template_verdict(
        pod in pod(),
        controller_annotations in annotations(),
        version in version(),
    ) {
        for level in Level::ALL {
            let lv = LevelVersion::new(level, version);
            let template = evaluate(lv, &pod);
            for kind in KINDS {
                let text = workload(kind, &pod, controller_annotations.as_ref()).to_string();
                let doc = ObjectDocument::from_str(&text).unwrap();
                prop_assert_eq!(doc.workload_kind().map(|k| k.kind()), Some(kind.kind));
                let json = evaluate_object(lv, &doc).unwrap();
                prop_assert_eq!(flat(&json, ""), flat(&template, &kind.path_prefix()), "{}", kind.kind);
                prop_assert_eq!(json.allowed(), template.allowed());
                prop_assert_eq!(json.forbidden_reason(), template.forbidden_reason());
                prop_assert_eq!(json.forbidden_detail(), template.forbidden_detail());
                prop_assert_eq!(common::typed_object(kind.kind, lv, &text), json, "{} typed", kind.kind);
            }
        }
    }

    /// Setting one violating field (`Mutation`) in a generated pod, at baseline or restricted:
    /// a denied pod stays denied, and every check that failed before still fails; and wherever the
    /// standards forbid that field for this pod, level and version (`Mutation::forbidden`), whether the
    /// pod was allowed or not, the mutated pod fails one of the field's checks with a field at or under
    /// the mutated location.
    #[test]
    fn adding_a_violation_never_allows(
        pod in pod(),
        mutation in prop::sample::select(Mutation::ALL.to_vec()),
        index in any::<prop::sample::Index>(),
        level in enforcing_level(),
        version in version(),
    ) {
        let lv = LevelVersion::new(level, version);
        let before = evaluate(lv, &pod);
        let mut mutated = pod.clone();
        let location = mutation.apply(&mut mutated, index);
        let after = evaluate(lv, &mutated);
        if !before.allowed() {
            prop_assert!(!after.allowed(), "{mutation:?} at {lv} allowed a denied pod");
        }
        for v in before.iter() {
            prop_assert!(after.iter().any(|w| w.check() == v.check()), "{mutation:?} at {lv} removed {}", v.check());
        }
        if mutation.forbidden(level, version.effective().minor().unwrap(), &mutated) {
            let reported = after.iter().any(|v| {
                mutation.checks().contains(&v.check().as_str())
                    && v.fields().iter().any(|f| at_or_under(&f.path().to_string(), &location))
            });
            prop_assert!(reported, "{mutation:?} at {lv}: no {:?} violation at {location}: {after:?}", mutation.checks());
        }
    }
}
