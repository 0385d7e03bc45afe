//! A conservative one-pass pre-check: it reads each pod field and each container once and says
//! which checks of the plan may fail; only those run, and a pod for which none may is certainly
//! allowed. Anything unusual (any SELinux options, a relaxation for Windows or user-namespace pods,
//! ...) sends the pod to the checks it concerns, which stay the only place that decides and words
//! a violation.
//!
//! It fails closed twice over:
//! - every condition below is implied by the failure condition of the checks it stands for, so a
//!   wrong answer here could only ever turn "passes" into "run the check" (the conformance and
//!   property tests compare both paths);
//! - it only answers for checks it was written for: [`HANDLED`] lists each check with the versions
//!   at which its behaviour changes (its `SINCE`) as they were when its condition here was
//!   written. A plan with a check missing from that list, or whose versions have changed since
//!   (a new Kubernetes release changed the check), always runs the checks.

use super::{app_armor_profile, capabilities_baseline, seccomp_profile_baseline, sysctls, CheckId};
use crate::model::{ContainerView, PodView, ALLOWED_VOLUME_SOURCES, HOST_PATH};

/// The checks the pre-check knows, each with the versions of the check its condition covers
/// (the check's `SINCE` when the condition was written). Changing a check's `SINCE`, or adding
/// a check, without revisiting its condition here takes the check out of [`KNOWN`], and every
/// plan that runs it goes to the checks.
const HANDLED: &[(CheckId, &[u64])] = &[
    (CheckId::AppArmorProfile, &[0]),
    (CheckId::CapabilitiesBaseline, &[0]),
    (CheckId::HostNamespaces, &[0]),
    (CheckId::HostPathVolumes, &[0]),
    (CheckId::HostPorts, &[0]),
    (CheckId::HostProbesAndHostLifecycle, &[34]),
    (CheckId::Privileged, &[0]),
    (CheckId::ProcMount, &[0, 35]),
    (CheckId::SeLinuxOptions, &[0, 31]),
    (CheckId::SeccompProfileBaseline, &[0, 19]),
    (CheckId::Sysctls, &[0, 27, 29, 32, 37]),
    (CheckId::WindowsHostProcess, &[0]),
    (CheckId::AllowPrivilegeEscalation, &[8, 25]),
    (CheckId::CapabilitiesRestricted, &[22, 25]),
    (CheckId::ProcMountRestricted, &[35]),
    (CheckId::RestrictedVolumes, &[0]),
    (CheckId::RunAsNonRoot, &[0, 35]),
    (CheckId::RunAsUser, &[23, 35]),
    (CheckId::SeccompProfileRestricted, &[19, 25]),
];

/// The checks the pre-check may answer for, as a bit set over [`CheckId::ALL`]: those in
/// [`HANDLED`] whose versions are still the check's own.
const KNOWN: u32 = known(HANDLED);

const fn same(a: &[u64], b: &[u64]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn known(handled: &[(CheckId, &[u64])]) -> u32 {
    let mut mask = 0u32;
    let mut i = 0;
    while i < handled.len() {
        let (id, versions) = handled[i];
        if same(versions, id.since_minors()) {
            mask |= 1 << id.index();
        }
        i += 1;
    }
    mask
}

/// Whether the pre-check may answer for a plan: it knows every check in it.
pub(super) fn knows(plan: u32) -> bool {
    plan & !KNOWN == 0
}

/// The bit of a check in a plan.
const fn bit(id: CheckId) -> u32 {
    1 << id.index()
}

/// The checks of `plan` (a bit set over [`CheckId::ALL`]) that may fail; every other check of the
/// plan certainly passes (none when the pod is certainly allowed, all of them for a plan the
/// pre-check does not know). Each condition stands for the checks whose bits it sets, so a denied
/// pod runs only the checks that can fail instead of all of them: each check that runs walks the
/// containers again and sets up its lists, and the privileged pod fails 5 of restricted's 16.
pub(super) fn may_fail<P: PodView>(pod: &P, plan: u32, minor: u64) -> u32 {
    if !knows(plan) {
        return plan;
    }
    let has = |id: CheckId| plan & bit(id) != 0;
    let mut may = 0u32;

    // Pod level.
    if has(CheckId::HostNamespaces) && (pod.host_network() || pod.host_pid() || pod.host_ipc()) {
        may |= bit(CheckId::HostNamespaces);
    }
    let seccomp_annotations = has(CheckId::SeccompProfileBaseline) && minor < 19;
    // A forbidden annotation of either kind names both checks that read them: one search, as for
    // the answer "allowed", and a check named that passes only runs for nothing.
    let annotations = (plan & bit(CheckId::AppArmorProfile))
        | if seccomp_annotations { bit(CheckId::SeccompProfileBaseline) } else { 0 };
    if annotations != 0 {
        let forbidden = |k: &str, v: &str| {
            (k.starts_with(app_armor_profile::ANNOTATION_PREFIX) && !app_armor_profile::allowed_annotation(v))
                || (seccomp_annotations
                    && (k == seccomp_profile_baseline::POD_ANNOTATION
                        || k.starts_with(seccomp_profile_baseline::CONTAINER_ANNOTATION_PREFIX))
                    && !seccomp_profile_baseline::valid_annotation(v))
        };
        if pod.annotations().any(|(k, v)| forbidden(k, v)) {
            may |= annotations;
        }
    }
    if has(CheckId::Sysctls) && pod.sysctls().any(|name| !sysctls::allowed(name, minor)) {
        may |= bit(CheckId::Sysctls);
    }
    // A search for each (a plan has one of the two: restrictedVolumes replaces hostPathVolumes).
    // As one loop that set either bit, the typed view's `volume_sources` was no longer inlined and
    // read all 30 sources of every volume: about 1,200 instructions more for typed large20c10v.
    if has(CheckId::RestrictedVolumes) && pod.volumes().any(|(_, sources)| sources & ALLOWED_VOLUME_SOURCES == 0) {
        may |= bit(CheckId::RestrictedVolumes);
    }
    if has(CheckId::HostPathVolumes) && pod.volumes().any(|(_, sources)| sources & HOST_PATH != 0) {
        may |= bit(CheckId::HostPathVolumes);
    }

    let seccomp_fields = has(CheckId::SeccompProfileBaseline) && minor >= 19;
    let seccomp_restricted = has(CheckId::SeccompProfileRestricted);
    // The seccomp checks that read the fields: an invalid type fails both.
    let seccomp = if seccomp_fields { bit(CheckId::SeccompProfileBaseline) } else { 0 }
        | if seccomp_restricted { bit(CheckId::SeccompProfileRestricted) } else { 0 };
    let run_as_non_root = has(CheckId::RunAsNonRoot);
    let run_as_user = has(CheckId::RunAsUser);
    let mut pod_non_root = false;
    let mut pod_seccomp = false;
    if let Some(sc) = pod.security_context() {
        if has(CheckId::AppArmorProfile) && sc.app_armor_type().is_some_and(|t| !app_armor_profile::allowed_type(t)) {
            may |= bit(CheckId::AppArmorProfile);
        }
        if has(CheckId::SeLinuxOptions) && sc.se_linux().is_some() {
            may |= bit(CheckId::SeLinuxOptions);
        }
        if has(CheckId::WindowsHostProcess) && sc.host_process() == Some(true) {
            may |= bit(CheckId::WindowsHostProcess);
        }
        if let Some(t) = sc.seccomp_type() {
            if seccomp != 0 && !seccomp_profile_baseline::valid_type(t) {
                may |= seccomp;
            }
            pod_seccomp = true;
        }
        match sc.run_as_non_root() {
            Some(false) if run_as_non_root => may |= bit(CheckId::RunAsNonRoot),
            Some(true) => pod_non_root = true,
            _ => {}
        }
        if run_as_user && sc.run_as_user() == Some(0) {
            may |= bit(CheckId::RunAsUser);
        }
    }

    // Containers.
    let privileged = has(CheckId::Privileged);
    let caps_baseline = has(CheckId::CapabilitiesBaseline);
    let caps_restricted = has(CheckId::CapabilitiesRestricted);
    let caps = plan & (bit(CheckId::CapabilitiesBaseline) | bit(CheckId::CapabilitiesRestricted));
    // Whichever of the two runs: they fail alike here (baseline's relaxation for user-namespace
    // pods is left to the check).
    let proc_mount = plan & (bit(CheckId::ProcMount) | bit(CheckId::ProcMountRestricted));
    let app_armor = has(CheckId::AppArmorProfile);
    let se_linux = has(CheckId::SeLinuxOptions);
    let host_process = has(CheckId::WindowsHostProcess);
    let escalation = has(CheckId::AllowPrivilegeEscalation);
    let host_ports = has(CheckId::HostPorts);
    let hosts = has(CheckId::HostProbesAndHostLifecycle);
    for (_, c) in pod.containers() {
        let sc = c.security_context();
        if let Some(sc) = sc {
            if privileged && sc.privileged() == Some(true) {
                may |= bit(CheckId::Privileged);
            }
            if proc_mount != 0 && sc.proc_mount().is_some_and(|pm| pm != "Default") {
                may |= proc_mount;
            }
            if app_armor && sc.app_armor_type().is_some_and(|t| !app_armor_profile::allowed_type(t)) {
                may |= bit(CheckId::AppArmorProfile);
            }
            if se_linux && sc.se_linux().is_some() {
                may |= bit(CheckId::SeLinuxOptions);
            }
            if host_process && sc.host_process() == Some(true) {
                may |= bit(CheckId::WindowsHostProcess);
            }
            if run_as_user && sc.run_as_user() == Some(0) {
                may |= bit(CheckId::RunAsUser);
            }
        }
        // Both levels' added capabilities in one search of the list; a plan has one of the two
        // checks (capabilities_restricted replaces capabilities_baseline), which the bits name.
        if (caps_baseline || caps_restricted)
            && c.cap_add().any(|cap| {
                (caps_baseline && !capabilities_baseline::ALLOWED.contains(&cap))
                    || (caps_restricted && cap != "NET_BIND_SERVICE")
            })
        {
            may |= caps;
        }
        if caps_restricted && !(sc.is_some_and(|sc| sc.has_capabilities()) && c.cap_drop().any(|d| d == "ALL")) {
            may |= bit(CheckId::CapabilitiesRestricted);
        }
        if escalation && sc.and_then(|sc| sc.allow_privilege_escalation()) != Some(false) {
            may |= bit(CheckId::AllowPrivilegeEscalation);
        }
        let non_root = sc.and_then(|sc| sc.run_as_non_root());
        if run_as_non_root && (non_root == Some(false) || (non_root.is_none() && !pod_non_root)) {
            may |= bit(CheckId::RunAsNonRoot);
        }
        let seccomp_type = sc.and_then(|sc| sc.seccomp_type());
        if seccomp != 0 && seccomp_type.is_some_and(|t| !seccomp_profile_baseline::valid_type(t)) {
            may |= seccomp;
        }
        if seccomp_restricted && seccomp_type.is_none() && !pod_seccomp {
            may |= bit(CheckId::SeccompProfileRestricted);
        }
        if host_ports && c.host_ports().any(|p| p != 0) {
            may |= bit(CheckId::HostPorts);
        }
        if hosts && c.has_hosts() {
            may |= bit(CheckId::HostProbesAndHostLifecycle);
        }
    }
    may & plan
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;
    use serde_json::{json, Value};

    use super::{known, knows, HANDLED};
    use crate::checks::{plan, run, run_every_check, Ctx, NEWEST_MINOR};
    use crate::{CheckId, Level, LevelVersion, PodDocument, PodParts, Version};
    use k8s_openapi::api::core::v1::Pod;

    /// Fail closed: the pre-check knows every check at every version, so that it keeps its speed;
    /// and a check it does not know (removed from `HANDLED`, or changed since) is never answered for.
    #[test]
    fn the_prefilter_knows_every_check_at_every_version() {
        for level in Level::ALL {
            for minor in 0..=NEWEST_MINOR + 1 {
                let plan = plan(level, minor);
                for id in CheckId::ALL {
                    if plan & (1 << id.index()) != 0 {
                        assert!(
                            knows(1 << id.index()),
                            "the pre-check does not handle {id} at {level} v1.{minor}: add its condition to \
                             checks/prefilter.rs and its versions to HANDLED"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn an_unknown_check_makes_the_prefilter_run_the_checks() {
        // A pod with a privileged container, and a pre-check that no longer lists `privileged`:
        // it must not answer "allowed".
        let without: Vec<(CheckId, &[u64])> =
            HANDLED.iter().copied().filter(|(id, _)| *id != CheckId::Privileged).collect();
        let mask = known(&without);
        let plan = plan(Level::Baseline, NEWEST_MINOR);
        assert_ne!(plan & !mask, 0, "privileged runs at baseline but is not known");
        // A check whose versions changed since its condition was written is not known either.
        let changed: Vec<(CheckId, &[u64])> = HANDLED
            .iter()
            .map(|&(id, v)| if id == CheckId::Sysctls { (id, &[0u64, 27, 29, 32][..]) } else { (id, v) })
            .collect();
        assert_eq!(known(&changed) & (1 << CheckId::Sysctls.index()), 0);
        assert_ne!(known(&changed), 0);
    }

    fn pick<T: Clone + std::fmt::Debug + 'static>(items: Vec<T>) -> impl Strategy<Value = T> {
        prop::sample::select(items)
    }

    /// Optional field values, `None` meaning "leave the key out".
    fn opt(values: Vec<Value>) -> impl Strategy<Value = Option<Value>> {
        prop::option::of(pick(values))
    }

    fn security_context(pod: bool) -> impl Strategy<Value = Value> {
        let profile = || {
            opt(vec![
                json!({"type": "RuntimeDefault"}),
                json!({"type": "Unconfined"}),
                json!({}),
                json!({"type": "Localhost"}),
            ])
        };
        (
            (opt(vec![json!(true), json!(false)]), opt(vec![json!(0), json!(1000)]), profile(), profile()),
            (
                opt(vec![json!({"type": "container_t"}), json!({"user": "u"}), json!({})]),
                opt(vec![json!({"hostProcess": true}), json!({"hostProcess": false})]),
            ),
            (
                opt(vec![json!(true), json!(false)]),
                opt(vec![json!(true), json!(false)]),
                opt(vec![json!("Default"), json!("Unmasked")]),
            ),
            opt(vec![
                json!({"drop": ["ALL"]}),
                json!({"drop": ["ALL"], "add": ["NET_BIND_SERVICE"]}),
                json!({"add": ["CHOWN"]}),
                json!({"drop": ["ALL"], "add": ["SYS_ADMIN"]}),
                json!({"add": ["CHOWN", "NET_ADMIN"]}),
                json!({}),
            ]),
            opt(vec![json!([{"name": "kernel.shm_rmid_forced"}]), json!([{"name": "net.ipv4.tcp_rmem"}])]),
        )
            .prop_map(
                move |(
                    (non_root, user, seccomp, apparmor),
                    (selinux, windows),
                    (ape, privileged, proc_mount),
                    caps,
                    sysctls,
                )| {
                    let mut sc = serde_json::Map::new();
                    let mut put = |k: &str, v: Option<Value>| {
                        if let Some(v) = v {
                            sc.insert(k.to_owned(), v);
                        }
                    };
                    put("runAsNonRoot", non_root);
                    put("runAsUser", user);
                    put("seccompProfile", seccomp);
                    put("appArmorProfile", apparmor);
                    put("seLinuxOptions", selinux);
                    put("windowsOptions", windows);
                    if pod {
                        put("sysctls", sysctls);
                    } else {
                        put("allowPrivilegeEscalation", ape);
                        put("privileged", privileged);
                        put("procMount", proc_mount);
                        put("capabilities", caps);
                    }
                    Value::Object(sc)
                },
            )
    }

    fn container() -> impl Strategy<Value = Value> {
        (
            pick(vec!["a", "b"]),
            prop::option::of(security_context(false)),
            opt(vec![json!([{"containerPort": 1, "hostPort": 0}]), json!([{"containerPort": 1, "hostPort": 80}])]),
            opt(vec![
                json!({"httpGet": {"host": "h", "port": 1}}),
                json!({"httpGet": {"host": "", "port": 1}}),
                json!({"tcpSocket": {"port": 1}}),
                json!({"tcpSocket": {"host": "h", "port": 1}}),
            ]),
            pick(vec!["livenessProbe", "readinessProbe", "startupProbe", "postStart", "preStop"]),
        )
            .prop_map(|(name, sc, ports, probe, site)| {
                let mut c = json!({"name": name});
                if let Some(sc) = sc {
                    c["securityContext"] = sc;
                }
                if let Some(p) = ports {
                    c["ports"] = p;
                }
                match probe {
                    Some(p) if site.ends_with("Probe") => c[site] = p,
                    Some(p) => c["lifecycle"] = json!({ site: p }),
                    None => {}
                }
                c
            })
    }

    fn pod() -> impl Strategy<Value = Value> {
        (
            prop::option::of(security_context(true)),
            prop::collection::vec(container(), 0..3),
            prop::collection::vec(container(), 0..2),
            opt(vec![
                json!([{"name": "v", "emptyDir": {}}]),
                json!([{"name": "v", "hostPath": {"path": "/"}}]),
                json!([{"name": "v", "nfs": {}}]),
                json!([{"name": "v"}]),
            ]),
            (opt(vec![json!(true)]), opt(vec![json!(false), json!(true)]), opt(vec![json!({"name": "windows"})])),
            opt(vec![
                json!({"container.apparmor.security.beta.kubernetes.io/a": "runtime/default"}),
                json!({"seccomp.security.alpha.kubernetes.io/pod": "runtime/default"}),
                json!({"container.seccomp.security.alpha.kubernetes.io/a": "unconfined"}),
                json!({"other": "x"}),
            ]),
        )
            .prop_map(|(sc, containers, init, volumes, (host_pid, host_users, os), annotations)| {
                let mut spec = json!({"containers": containers, "initContainers": init});
                if let Some(sc) = sc {
                    spec["securityContext"] = sc;
                }
                for (k, v) in [("volumes", volumes), ("hostPID", host_pid), ("hostUsers", host_users), ("os", os)] {
                    if let Some(v) = v {
                        spec[k] = v;
                    }
                }
                json!({"metadata": {"annotations": annotations.unwrap_or(json!({}))}, "spec": spec})
            })
    }

    /// A pod that passes restricted, with at most one field changed: the cases where only one
    /// condition of the pre-check stands between "allowed" and "run the checks".
    fn nearly_compliant() -> impl Strategy<Value = Value> {
        let tweaks = vec![
            ("", json!(null)),
            ("/spec/securityContext/seccompProfile", json!(null)),
            ("/spec/securityContext/seccompProfile/type", json!("Unconfined")),
            ("/spec/securityContext/runAsNonRoot", json!(null)),
            ("/spec/securityContext/runAsNonRoot", json!(false)),
            ("/spec/securityContext/runAsUser", json!(0)),
            ("/spec/securityContext/seLinuxOptions", json!({"type": "spc_t"})),
            ("/spec/securityContext/sysctls", json!([{"name": "kernel.msgmax"}])),
            ("/spec/securityContext/sysctls", json!([{"name": "net.ipv4.tcp_rmem"}])),
            ("/metadata/annotations", json!({"container.apparmor.security.beta.kubernetes.io/c": "localhost/x"})),
            ("/metadata/annotations", json!({"container.seccomp.security.alpha.kubernetes.io/c": "runtime/default"})),
            ("/metadata/annotations", json!({"container.seccomp.security.alpha.kubernetes.io/c": "localhost"})),
            ("/metadata/annotations", json!({"seccomp.security.alpha.kubernetes.io/pod": ""})),
            ("/spec/securityContext/appArmorProfile", json!({"type": "Unconfined"})),
            ("/spec/securityContext/windowsOptions", json!({"hostProcess": true})),
            ("/spec/hostNetwork", json!(true)),
            ("/spec/hostUsers", json!(false)),
            ("/spec/os", json!({"name": "windows"})),
            ("/spec/volumes", json!([{"name": "v", "hostPath": {}}])),
            ("/spec/volumes", json!([{"name": "v", "nfs": {}}])),
            ("/spec/volumes", json!([{"name": "v"}])),
            ("/metadata/annotations", json!({"container.apparmor.security.beta.kubernetes.io/c": "unconfined"})),
            ("/metadata/annotations", json!({"seccomp.security.alpha.kubernetes.io/pod": "unconfined"})),
            ("/spec/containers/0/securityContext/allowPrivilegeEscalation", json!(true)),
            ("/spec/containers/0/securityContext/allowPrivilegeEscalation", json!(null)),
            ("/spec/containers/0/securityContext/capabilities/drop", json!(["NET_RAW"])),
            ("/spec/containers/0/securityContext/capabilities/add", json!(["NET_BIND_SERVICE"])),
            ("/spec/containers/0/securityContext/capabilities/add", json!(["CHOWN"])),
            ("/spec/containers/0/securityContext/capabilities", json!(null)),
            ("/spec/containers/0/securityContext/privileged", json!(true)),
            ("/spec/containers/0/securityContext/procMount", json!("Unmasked")),
            ("/spec/containers/0/securityContext/seccompProfile", json!({"type": "Unconfined"})),
            ("/spec/containers/0/securityContext/runAsNonRoot", json!(false)),
            ("/spec/containers/0/securityContext/runAsUser", json!(0)),
            ("/spec/containers/0/securityContext/seLinuxOptions", json!({"role": "r"})),
            ("/spec/containers/0/securityContext/windowsOptions", json!({"hostProcess": true})),
            ("/spec/containers/0/securityContext/appArmorProfile", json!({"type": "x"})),
            ("/spec/containers/0/ports", json!([{"containerPort": 1, "hostPort": 8080}])),
            ("/spec/containers/0/securityContext/capabilities", json!({"drop": ["ALL"], "add": ["SYS_ADMIN"]})),
            ("/spec/containers/0/readinessProbe", json!({"tcpSocket": {"host": "h", "port": 1}})),
            ("/spec/containers/0/startupProbe", json!({"httpGet": {"host": "h", "port": 1}})),
            ("/spec/containers/0/lifecycle", json!({"postStart": {"tcpSocket": {"host": "h", "port": 1}}})),
            ("/spec/containers/0/lifecycle", json!({"preStop": {"httpGet": {"host": "h", "port": 1}}})),
        ];
        pick(tweaks).prop_map(|(pointer, value)| {
            let mut pod = json!({
                "metadata": {"annotations": {}},
                "spec": {
                    "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
                    "containers": [{"name": "c", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]
                }
            });
            if !pointer.is_empty() {
                let (parent, key) = pointer.rsplit_once('/').unwrap();
                if let Some(obj) = pod.pointer_mut(parent).and_then(Value::as_object_mut) {
                    obj.insert(key.to_owned(), value);
                }
            }
            pod
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        #[test]
        fn the_prefilter_changes_no_result_near_compliance(pod in nearly_compliant(), minor in 0u64..=NEWEST_MINOR + 1) {
            let text = pod.to_string();
            let doc = PodDocument::from_str(&text).unwrap();
            let version = if minor > NEWEST_MINOR { Version::LATEST } else { Version::v1(minor) };
            let typed: Pod = serde_json::from_value(pod).unwrap();
            let typed = PodParts::from(&typed);
            for level in Level::ALL {
                let lv = LevelVersion::new(level, version);
                prop_assert_eq!(run(lv, &doc, &Ctx::POD), run_every_check(lv, &doc, &Ctx::POD));
                prop_assert_eq!(run(lv, &typed, &Ctx::POD), run_every_check(lv, &typed, &Ctx::POD));
            }
        }

        /// The pre-check never changes a result: with or without it, the same violations.
        #[test]
        fn the_prefilter_changes_no_result(pod in pod(), minor in 0u64..=NEWEST_MINOR + 1) {
            let text = pod.to_string();
            let doc = PodDocument::from_str(&text).unwrap();
            let version = if minor > NEWEST_MINOR { Version::LATEST } else { Version::v1(minor) };
            let typed: Pod = serde_json::from_value(pod).unwrap();
            let typed = PodParts::from(&typed);
            for level in Level::ALL {
                let lv = LevelVersion::new(level, version);
                prop_assert_eq!(run(lv, &doc, &Ctx::POD), run_every_check(lv, &doc, &Ctx::POD));
                prop_assert_eq!(run(lv, &typed, &Ctx::POD), run_every_check(lv, &typed, &Ctx::POD));
            }
        }
    }
}
