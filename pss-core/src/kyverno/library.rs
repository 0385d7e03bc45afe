//! The check library each Kyverno release runs: `k8s.io/pod-security-admission` v0.29 (Kyverno
//! 1.11), then Kyverno's fork of it, whose checks also return a `field.ErrorList` that exclusions
//! and messages read.
//!
//! These are not pss's checks (`crate::checks`): they are the ones Kyverno runs, with its fork's
//! field errors and bad values, and with what each release's `k8s.io/api` decodes. pss's own
//! verdicts still come from `crate::checks`; this library only predicts Kyverno.

use crate::checks::CheckId;
use crate::model::{ContainerKind, ContainerView, PodView, Sc, SeLinux, VOLUME_SOURCES};
use crate::quote::go_quote;

use super::version::Library;

/// A field error's bad value, as the fork sets it (`withBadValue`); `Empty` is the `""` that
/// `field.Forbidden` and `field.Required` leave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Bad {
    Empty,
    Str(String),
    Bool(bool),
    Int(i64),
    List(Vec<String>),
}

impl Bad {
    /// The values an exclusion's `values` must match (`extractBadValues`): none for `""`.
    pub(crate) fn values(&self) -> Vec<String> {
        match self {
            Bad::Empty => Vec::new(),
            Bad::Str(s) if s.is_empty() => Vec::new(),
            Bad::Str(s) => vec![s.clone()],
            Bad::Bool(b) => vec![b.to_string()],
            Bad::Int(i) => vec![i.to_string()],
            Bad::List(items) => items.clone(),
        }
    }
}

/// One `field.Error` of a check: `Required` (no value) or `Forbidden` (with a bad value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldErr {
    pub required: bool,
    /// The path relative to the pod: `spec.containers[0].securityContext.privileged`.
    pub field: String,
    pub bad: Bad,
    /// The container the field belongs to.
    pub container: Option<String>,
}

impl FieldErr {
    fn forbidden(field: String, bad: Bad, container: Option<&str>) -> FieldErr {
        FieldErr { required: false, field, bad, container: container.map(str::to_owned) }
    }

    fn required(field: String, container: Option<&str>) -> FieldErr {
        FieldErr { required: true, field, bad: Bad::Empty, container: container.map(str::to_owned) }
    }

    /// How Kyverno's message prints it (`FormatChecksPrint`): a forbidden field with a value as
    /// `F is forbidden, forbidden values found: V` (Go's `%+v`), anything else as `err.Error()`.
    pub(crate) fn write(&self, field: &str, out: &mut String) {
        let value = match &self.bad {
            _ if self.required => None,
            Bad::Empty => None,
            Bad::Str(s) if s.is_empty() => None,
            Bad::Str(s) => Some(s.clone()),
            Bad::Bool(b) => Some(b.to_string()),
            Bad::Int(i) => Some(i.to_string()),
            Bad::List(items) => Some(format!("[{}]", items.join(" "))),
        };
        out.push_str(field);
        match value {
            Some(v) => {
                out.push_str(" is forbidden, forbidden values found: ");
                out.push_str(&v);
            }
            None if self.required => out.push_str(": Required value"),
            None => out.push_str(": Forbidden"),
        }
    }
}

/// A failed check (`CheckResult`): `errs` is `None` where the library keeps no field errors
/// (`hostProbesAndHostLifecycle`). v0.29 (Kyverno 1.11) keeps none either, but its engine never
/// reads them: they are computed all the same, for the fields pss reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct KCheck {
    pub id: CheckId,
    pub reason: &'static str,
    pub detail: String,
    pub errs: Option<Vec<FieldErr>>,
}

/// A security context as Kyverno's `k8s.io/api` decodes it.
#[derive(Debug, Clone, Default)]
pub(crate) struct KSc<'a> {
    pub run_as_non_root: Option<bool>,
    pub run_as_user: Option<i64>,
    pub se_linux: Option<SeLinux<'a>>,
    pub seccomp: Option<&'a str>,
    pub app_armor: Option<&'a str>,
    pub host_process: Option<bool>,
    pub allow_privilege_escalation: Option<bool>,
    pub privileged: Option<bool>,
    pub proc_mount: Option<&'a str>,
    /// `capabilities` when set: `add`, `drop`.
    pub capabilities: Option<(Vec<&'a str>, Vec<&'a str>)>,
}

/// A volume: its name, its sources (bits of `VOLUME_SOURCES`) and `hostPath.path`.
#[derive(Debug, Clone)]
pub(crate) struct KVolume<'a> {
    pub name: &'a str,
    pub sources: u32,
    pub host_path: Option<&'a str>,
}

/// A container, with the list it is in.
#[derive(Debug, Clone)]
pub(crate) struct KContainer<'a> {
    pub kind: ContainerKind,
    pub name: &'a str,
    pub image: &'a str,
    pub sc: Option<KSc<'a>>,
    pub host_ports: Vec<i32>,
    /// Probe and lifecycle hosts, in upstream's order.
    pub hosts: Vec<&'a str>,
}

/// The pod Kyverno evaluates (`corev1.Pod` built from the resource's pod spec and metadata).
#[derive(Debug, Clone, Default)]
pub(crate) struct KPod<'a> {
    /// Sorted by key.
    pub annotations: Vec<(&'a str, &'a str)>,
    pub host_network: bool,
    pub host_pid: bool,
    pub host_ipc: bool,
    pub os: Option<&'a str>,
    pub sc: Option<KSc<'a>>,
    pub sysctls: Vec<&'a str>,
    pub volumes: Vec<KVolume<'a>>,
    /// Init, regular, then ephemeral containers.
    pub containers: Vec<KContainer<'a>>,
}

fn ksc<'a>(sc: Sc<'a>, lib: Library, caps: Option<(Vec<&'a str>, Vec<&'a str>)>) -> KSc<'a> {
    KSc {
        run_as_non_root: sc.run_as_non_root(),
        run_as_user: sc.run_as_user(),
        se_linux: sc.se_linux(),
        seccomp: sc.seccomp_type(),
        // `appArmorProfile` came with Kubernetes 1.30's API: earlier releases drop it when decoding.
        app_armor: if lib >= Library::Fork2407 { sc.app_armor_type() } else { None },
        host_process: sc.host_process(),
        allow_privilege_escalation: sc.allow_privilege_escalation(),
        privileged: sc.privileged(),
        proc_mount: sc.proc_mount(),
        capabilities: caps,
    }
}

impl<'a> KPod<'a> {
    /// The pod as `lib`'s release decodes it from a pod view.
    pub(crate) fn new<P: PodView>(pod: &'a P, lib: Library) -> KPod<'a> {
        let containers = pod
            .containers()
            .map(|(slot, c)| {
                let sc = c.security_context().map(|sc| {
                    let caps = sc.has_capabilities().then(|| (c.cap_add().collect(), c.cap_drop().collect()));
                    ksc(sc, lib, caps)
                });
                KContainer {
                    kind: slot.kind,
                    name: c.name(),
                    image: c.image(),
                    sc,
                    host_ports: c.host_ports().collect(),
                    hosts: c.hosts().map(|(_, h)| h).collect(),
                }
            })
            .collect();
        let volumes = pod
            .volumes()
            .zip(pod.host_paths())
            .map(|((name, sources), host_path)| KVolume { name, sources, host_path })
            .collect();
        KPod {
            annotations: pod.annotations().collect(),
            host_network: pod.host_network(),
            host_pid: pod.host_pid(),
            host_ipc: pod.host_ipc(),
            os: pod.os_name(),
            sc: pod.security_context().map(|sc| ksc(sc, lib, None)),
            sysctls: pod.sysctls().collect(),
            volumes,
            containers,
        }
    }

    fn annotation(&self, key: &str) -> Option<&'a str> {
        self.annotations.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }

    fn windows(&self) -> bool {
        self.os == Some("windows")
    }

    /// Each container with its path (`spec.containers[0]`), in visiting order.
    fn visit(&self) -> impl Iterator<Item = (String, &KContainer<'a>)> + '_ {
        let mut counts = [0usize; 3];
        self.containers.iter().map(move |c| {
            let slot = match c.kind {
                ContainerKind::Init => 0,
                ContainerKind::Regular => 1,
                ContainerKind::Ephemeral => 2,
            };
            let path = format!("spec.{}[{}]", c.kind.field(), counts[slot]);
            counts[slot] += 1;
            (path, c)
        })
    }
}

// ---- the library's check list --------------------------------------------------------------

/// Each check's versions (`MinimumVersion` minors) in `lib`, `None` when the library lacks it,
/// in `DefaultChecks` order (the files' names sorted).
pub(crate) fn checks(lib: Library) -> impl Iterator<Item = (CheckId, &'static [u64])> {
    const ORDER: [CheckId; 18] = [
        CheckId::AllowPrivilegeEscalation,
        CheckId::AppArmorProfile,
        CheckId::CapabilitiesBaseline,
        CheckId::CapabilitiesRestricted,
        CheckId::HostNamespaces,
        CheckId::HostPathVolumes,
        CheckId::HostPorts,
        CheckId::HostProbesAndHostLifecycle,
        CheckId::Privileged,
        CheckId::ProcMount,
        CheckId::RestrictedVolumes,
        CheckId::RunAsNonRoot,
        CheckId::RunAsUser,
        CheckId::SeLinuxOptions,
        CheckId::SeccompProfileBaseline,
        CheckId::SeccompProfileRestricted,
        CheckId::Sysctls,
        CheckId::WindowsHostProcess,
    ];
    ORDER.into_iter().filter_map(move |id| versions(lib, id).map(|v| (id, v)))
}

fn versions(lib: Library, id: CheckId) -> Option<&'static [u64]> {
    let k132 = lib >= Library::Fork132;
    Some(match id {
        CheckId::AllowPrivilegeEscalation => &[8, 25],
        CheckId::CapabilitiesRestricted => &[22, 25],
        CheckId::HostProbesAndHostLifecycle if lib >= Library::Fork134 => &[34],
        CheckId::HostProbesAndHostLifecycle | CheckId::ProcMountRestricted => return None,
        CheckId::RunAsUser => &[23],
        CheckId::SeLinuxOptions if k132 => &[0, 31],
        CheckId::SeccompProfileBaseline => &[0, 19],
        CheckId::SeccompProfileRestricted => &[19, 25],
        CheckId::Sysctls if k132 => &[0, 27, 29, 32],
        CheckId::Sysctls => &[0, 27, 29],
        _ => &[0],
    })
}

/// Runs one version (`since`, one of the check's versions) of a check on a pod.
pub(crate) fn run(lib: Library, id: CheckId, since: u64, pod: &KPod<'_>) -> Option<KCheck> {
    match id {
        CheckId::AllowPrivilegeEscalation => allow_privilege_escalation(pod, since),
        CheckId::AppArmorProfile if lib >= Library::Fork2407 => app_armor(pod),
        CheckId::AppArmorProfile => app_armor_annotations(pod),
        CheckId::CapabilitiesBaseline => capabilities_baseline(pod),
        CheckId::CapabilitiesRestricted => capabilities_restricted(pod, since),
        CheckId::HostNamespaces => host_namespaces(pod),
        CheckId::HostPathVolumes => host_path_volumes(pod),
        CheckId::HostPorts => host_ports(pod),
        CheckId::HostProbesAndHostLifecycle => host_probes(pod),
        CheckId::Privileged => privileged(pod),
        CheckId::ProcMount | CheckId::ProcMountRestricted => proc_mount(pod),
        CheckId::RestrictedVolumes => restricted_volumes(pod, lib >= Library::Fork132),
        CheckId::RunAsNonRoot => run_as_non_root(pod, lib >= Library::Fork2407),
        CheckId::RunAsUser => run_as_user(pod),
        CheckId::SeLinuxOptions => se_linux(pod, since),
        CheckId::SeccompProfileBaseline if since >= 19 => seccomp_baseline(pod),
        CheckId::SeccompProfileBaseline => seccomp_annotations(pod),
        CheckId::SeccompProfileRestricted => seccomp_restricted(pod, since),
        CheckId::Sysctls => sysctls(pod, since),
        CheckId::WindowsHostProcess => windows_host_process(pod),
    }
}

// ---- helpers ---------------------------------------------------------------------------------

fn pluralize(singular: &'static str, plural: &'static str, n: usize) -> &'static str {
    if n == 1 {
        singular
    } else {
        plural
    }
}

/// `"a", "b"` (quotes added, nothing escaped: upstream's `joinQuote`).
fn join_quote<S: AsRef<str>>(items: &[S]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let joined: Vec<&str> = items.iter().map(AsRef::as_ref).collect();
    format!("\"{}\"", joined.join("\", \""))
}

/// `container "a"` / `containers "a", "b"`.
fn containers_text(names: &[&str]) -> String {
    format!("{} {}", pluralize("container", "containers", names.len()), join_quote(names))
}

/// A sorted, deduplicated copy (`sets.NewString(...).List()`).
fn sorted_set<S: AsRef<str>>(items: &[S]) -> Vec<String> {
    let mut out: Vec<String> = items.iter().map(|s| s.as_ref().to_owned()).collect();
    out.sort_unstable();
    out.dedup();
    out
}

fn check(id: CheckId, reason: &'static str, detail: String, errs: Vec<FieldErr>) -> Option<KCheck> {
    Some(KCheck { id, reason, detail, errs: Some(errs) })
}

const APP_ARMOR_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

// ---- the checks --------------------------------------------------------------------------------

fn allow_privilege_escalation(pod: &KPod<'_>, since: u64) -> Option<KCheck> {
    if since >= 25 && pod.windows() {
        return None;
    }
    let (mut names, mut errs) = (Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        let field = format!("{path}.securityContext.allowPrivilegeEscalation");
        let err = match &c.sc {
            None => FieldErr::required(field, Some(c.name)),
            Some(sc) => match sc.allow_privilege_escalation {
                None => FieldErr::forbidden(field, Bad::Str("nil".into()), Some(c.name)),
                Some(true) => FieldErr::forbidden(field, Bad::Bool(true), Some(c.name)),
                Some(false) => continue,
            },
        };
        names.push(c.name);
        errs.push(err);
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!("{} must set securityContext.allowPrivilegeEscalation=false", containers_text(&names));
    check(CheckId::AllowPrivilegeEscalation, "allowPrivilegeEscalation != false", detail, errs)
}

fn annotation_allowed(profile: &str) -> bool {
    profile.is_empty() || profile == "runtime/default" || profile.starts_with("localhost/")
}

/// v0.29's AppArmor check: annotations only.
fn app_armor_annotations(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut values, mut errs) = (Vec::new(), Vec::new());
    for (k, v) in &pod.annotations {
        if k.starts_with(APP_ARMOR_PREFIX) && !annotation_allowed(v) {
            values.push(format!("{k}={}", go_quote(v)));
            errs.push(FieldErr::forbidden(format!("metadata.annotations[{k}]"), Bad::Str((*v).to_owned()), None));
        }
    }
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let reason = pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.len());
    check(CheckId::AppArmorProfile, reason, values.join(", "), errs)
}

/// The fork's AppArmor check (Kubernetes 1.30): profile types and annotations.
fn app_armor(pod: &KPod<'_>) -> Option<KCheck> {
    let allowed_type = |t: &str| t == "RuntimeDefault" || t == "Localhost";
    let (mut setters, mut errs, mut bad_types) = (Vec::new(), Vec::new(), Vec::new());
    if let Some(t) = pod.sc.as_ref().and_then(|sc| sc.app_armor).filter(|t| !allowed_type(t)) {
        setters.push("pod".to_owned());
        errs.push(FieldErr::forbidden("spec.securityContext.appArmorProfile.type".into(), Bad::Str(t.into()), None));
        bad_types.push(t);
    }
    let mut names = Vec::new();
    for (path, c) in pod.visit() {
        if let Some(t) = c.sc.as_ref().and_then(|sc| sc.app_armor).filter(|t| !allowed_type(t)) {
            names.push(c.name);
            errs.push(FieldErr::forbidden(
                format!("{path}.securityContext.appArmorProfile.type"),
                Bad::Str(t.into()),
                Some(c.name),
            ));
            bad_types.push(t);
        }
    }
    if !names.is_empty() {
        setters.push(containers_text(&names));
    }
    let mut annotations = Vec::new();
    for (k, v) in &pod.annotations {
        if k.starts_with(APP_ARMOR_PREFIX) && !annotation_allowed(v) {
            annotations.push(format!("{k}={}", go_quote(v)));
            errs.push(FieldErr::forbidden(format!("metadata.annotations[{k}]"), Bad::Str((*v).to_owned()), None));
        }
    }
    let mut bad_values = sorted_set(&bad_types);
    if !annotations.is_empty() {
        annotations.sort_unstable();
        setters.push(pluralize("annotation", "annotations", annotations.len()).to_owned());
        bad_values.extend(annotations);
    }
    if setters.is_empty() {
        return None;
    }
    let reason = pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", bad_values.len());
    let detail = format!("{} must not set AppArmor profile type to {}", setters.join(" and "), join_quote(&bad_values));
    check(CheckId::AppArmorProfile, reason, detail, errs)
}

const CAPABILITIES_ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

fn capabilities_baseline(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut errs, mut all) = (Vec::new(), Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        let Some((add, _)) = c.sc.as_ref().and_then(|sc| sc.capabilities.as_ref()) else {
            continue;
        };
        let bad: Vec<&str> = add.iter().copied().filter(|a| !CAPABILITIES_ALLOWED.contains(a)).collect();
        if bad.is_empty() {
            continue;
        }
        all.extend(bad.iter().copied());
        names.push(c.name);
        errs.push(FieldErr::forbidden(
            format!("{path}.securityContext.capabilities.add"),
            Bad::List(sorted_set(&bad)),
            Some(c.name),
        ));
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!(
        "{} must not include {} in securityContext.capabilities.add",
        containers_text(&names),
        join_quote(&sorted_set(&all))
    );
    check(CheckId::CapabilitiesBaseline, "non-default capabilities", detail, errs)
}

fn capabilities_restricted(pod: &KPod<'_>, since: u64) -> Option<KCheck> {
    if since >= 25 && pod.windows() {
        return None;
    }
    let (mut missing, mut missing_errs) = (Vec::new(), Vec::new());
    let (mut adding, mut adding_errs, mut forbidden) = (Vec::new(), Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        let drop_field = format!("{path}.securityContext.capabilities.drop");
        let Some((add, drop)) = c.sc.as_ref().and_then(|sc| sc.capabilities.as_ref()) else {
            missing.push(c.name);
            missing_errs.push(FieldErr::required(drop_field, Some(c.name)));
            continue;
        };
        if !drop.contains(&"ALL") {
            missing.push(c.name);
            missing_errs.push(if drop.is_empty() {
                FieldErr::required(drop_field, Some(c.name))
            } else {
                FieldErr::forbidden(drop_field, Bad::List(sorted_set(drop)), Some(c.name))
            });
        }
        let bad: Vec<&str> = add.iter().copied().filter(|a| *a != "NET_BIND_SERVICE").collect();
        if !bad.is_empty() {
            forbidden.extend(bad.iter().copied());
            adding.push(c.name);
            adding_errs.push(FieldErr::forbidden(
                format!("{path}.securityContext.capabilities.add"),
                Bad::List(sorted_set(&bad)),
                Some(c.name),
            ));
        }
    }
    let mut details = Vec::new();
    if !missing.is_empty() {
        details.push(format!("{} must set securityContext.capabilities.drop=[\"ALL\"]", containers_text(&missing)));
    }
    if !adding.is_empty() {
        details.push(format!(
            "{} must not include {} in securityContext.capabilities.add",
            containers_text(&adding),
            join_quote(&sorted_set(&forbidden))
        ));
    }
    if details.is_empty() {
        return None;
    }
    missing_errs.extend(adding_errs);
    check(CheckId::CapabilitiesRestricted, "unrestricted capabilities", details.join("; "), missing_errs)
}

fn host_namespaces(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut data, mut errs) = (Vec::new(), Vec::new());
    for (set, name) in [(pod.host_network, "hostNetwork"), (pod.host_pid, "hostPID"), (pod.host_ipc, "hostIPC")] {
        if set {
            data.push(format!("{name}=true"));
            errs.push(FieldErr::forbidden(format!("spec.{name}"), Bad::Bool(true), None));
        }
    }
    if data.is_empty() {
        return None;
    }
    check(CheckId::HostNamespaces, "host namespaces", data.join(", "), errs)
}

fn host_path_volumes(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut errs) = (Vec::new(), Vec::new());
    for (i, v) in pod.volumes.iter().enumerate() {
        if let Some(path) = v.host_path {
            names.push(v.name);
            errs.push(FieldErr::forbidden(format!("spec.volumes[{i}].hostPath"), Bad::Str(path.to_owned()), None));
        }
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!("{} {}", pluralize("volume", "volumes", names.len()), join_quote(&names));
    check(CheckId::HostPathVolumes, "hostPath volumes", detail, errs)
}

fn host_ports(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut errs, mut ports) = (Vec::new(), Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        let mut bad = false;
        for (i, port) in c.host_ports.iter().enumerate() {
            if *port != 0 {
                bad = true;
                ports.push(port.to_string());
                errs.push(FieldErr::forbidden(
                    format!("{path}.ports[{i}].hostPort"),
                    Bad::Int(i64::from(*port)),
                    Some(c.name),
                ));
            }
        }
        if bad {
            names.push(c.name);
        }
    }
    if names.is_empty() {
        return None;
    }
    let ports = sorted_set(&ports);
    let detail = format!(
        "{} {} {} {}",
        containers_text(&names),
        pluralize("uses", "use", names.len()),
        pluralize("hostPort", "hostPorts", ports.len()),
        ports.join(", ")
    );
    check(CheckId::HostPorts, "hostPort", detail, errs)
}

fn host_probes(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut hosts) = (Vec::new(), Vec::new());
    for (_, c) in pod.visit() {
        if !c.hosts.is_empty() {
            names.push(c.name);
            hosts.extend(c.hosts.iter().copied());
        }
    }
    if names.is_empty() {
        return None;
    }
    let (names, hosts) = (sorted_set(&names), sorted_set(&hosts));
    let detail = format!(
        "{} {} {} {} {}",
        pluralize("container", "containers", names.len()),
        join_quote(&names),
        pluralize("uses", "use", names.len()),
        pluralize("probe or lifecycle host", "probe or lifecycle hosts", hosts.len()),
        join_quote(&hosts)
    );
    Some(KCheck { id: CheckId::HostProbesAndHostLifecycle, reason: "probe or lifecycle host", detail, errs: None })
}

fn privileged(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut errs) = (Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        if c.sc.as_ref().and_then(|sc| sc.privileged) == Some(true) {
            names.push(c.name);
            errs.push(FieldErr::forbidden(format!("{path}.securityContext.privileged"), Bad::Bool(true), Some(c.name)));
        }
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!("{} must not set securityContext.privileged=true", containers_text(&names));
    check(CheckId::Privileged, "privileged", detail, errs)
}

fn proc_mount(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut errs, mut types) = (Vec::new(), Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        if let Some(pm) = c.sc.as_ref().and_then(|sc| sc.proc_mount).filter(|pm| *pm != "Default") {
            names.push(c.name);
            types.push(pm);
            errs.push(FieldErr::forbidden(
                format!("{path}.securityContext.procMount"),
                Bad::Str(pm.to_owned()),
                Some(c.name),
            ));
        }
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!(
        "{} must not set securityContext.procMount to {}",
        containers_text(&names),
        join_quote(&sorted_set(&types))
    );
    check(CheckId::ProcMount, "procMount", detail, errs)
}

/// The index in `VOLUME_SOURCES` of `image`, allowed from the Kubernetes 1.32 library on.
const IMAGE_SOURCE: usize = 5;
/// The first restricted source in `VOLUME_SOURCES` (`hostPath`).
const FIRST_RESTRICTED: usize = 9;

fn restricted_volumes(pod: &KPod<'_>, image_allowed: bool) -> Option<KCheck> {
    let mut allowed: u32 = (1 << FIRST_RESTRICTED) - 1;
    if !image_allowed {
        allowed &= !(1 << IMAGE_SOURCE);
    }
    let (mut names, mut errs, mut types) = (Vec::new(), Vec::new(), Vec::new());
    for (i, v) in pod.volumes.iter().enumerate() {
        if v.sources & allowed != 0 {
            continue;
        }
        let kind = (FIRST_RESTRICTED..VOLUME_SOURCES.len())
            .find(|b| v.sources & (1 << b) != 0)
            .map_or("unknown", |b| VOLUME_SOURCES[b]);
        names.push(v.name);
        types.push(kind);
        errs.push(FieldErr::forbidden(format!("spec.volumes[{i}].{kind}"), Bad::Empty, None));
    }
    if names.is_empty() {
        return None;
    }
    let types = sorted_set(&types);
    let detail = format!(
        "{} {} {} {} {}",
        pluralize("volume", "volumes", names.len()),
        join_quote(&names),
        pluralize("uses", "use", names.len()),
        pluralize("restricted volume type", "restricted volume types", types.len()),
        join_quote(&types)
    );
    check(CheckId::RestrictedVolumes, "restricted volume types", detail, errs)
}

/// `fixed`: the fork's fix for kyverno#10581 (both the explicit and the implicit offenders).
fn run_as_non_root(pod: &KPod<'_>, fixed: bool) -> Option<KCheck> {
    let (mut setters, mut setter_errs) = (Vec::new(), Vec::new());
    let mut pod_non_root = false;
    match pod.sc.as_ref().and_then(|sc| sc.run_as_non_root) {
        Some(false) => {
            setters.push("pod".to_owned());
            setter_errs.push(FieldErr::forbidden("spec.securityContext.runAsNonRoot".into(), Bad::Bool(false), None));
        }
        Some(true) => pod_non_root = true,
        None => {}
    }
    let (mut explicit, mut implicit, mut implicit_errs) = (Vec::new(), Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        let field = format!("{path}.securityContext.runAsNonRoot");
        match c.sc.as_ref().and_then(|sc| sc.run_as_non_root) {
            Some(false) => {
                explicit.push(c.name);
                setter_errs.push(FieldErr::forbidden(field, Bad::Bool(false), Some(c.name)));
            }
            Some(true) => {}
            None if pod_non_root => {}
            None => {
                implicit.push(c.name);
                implicit_errs.push(FieldErr::required(field, Some(c.name)));
            }
        }
    }
    if !explicit.is_empty() {
        setters.push(containers_text(&explicit));
    }
    let explicit_detail = format!("{} must not set securityContext.runAsNonRoot=false", setters.join(" and "));
    let implicit_detail = format!("pod or {} must set securityContext.runAsNonRoot=true", containers_text(&implicit));
    let reason = "runAsNonRoot != true";
    match (setters.is_empty(), implicit.is_empty()) {
        (true, true) => None,
        (false, false) if fixed => {
            setter_errs.extend(implicit_errs);
            check(CheckId::RunAsNonRoot, reason, format!("{explicit_detail}\n{implicit_detail}"), setter_errs)
        }
        (false, _) => check(CheckId::RunAsNonRoot, reason, explicit_detail, setter_errs),
        (true, false) => check(CheckId::RunAsNonRoot, reason, implicit_detail, implicit_errs),
    }
}

fn run_as_user(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut setters, mut errs) = (Vec::new(), Vec::new());
    if pod.sc.as_ref().and_then(|sc| sc.run_as_user) == Some(0) {
        setters.push("pod".to_owned());
        errs.push(FieldErr::forbidden("spec.securityContext.runAsUser".into(), Bad::Int(0), None));
    }
    let mut names = Vec::new();
    for (path, c) in pod.visit() {
        if c.sc.as_ref().and_then(|sc| sc.run_as_user) == Some(0) {
            names.push(c.name);
            errs.push(FieldErr::forbidden(format!("{path}.securityContext.runAsUser"), Bad::Int(0), Some(c.name)));
        }
    }
    if !names.is_empty() {
        setters.push(containers_text(&names));
    }
    if setters.is_empty() {
        return None;
    }
    let detail = format!("{} must not set runAsUser=0", setters.join(" and "));
    check(CheckId::RunAsUser, "runAsUser=0", detail, errs)
}

fn se_linux(pod: &KPod<'_>, since: u64) -> Option<KCheck> {
    let allowed = |t: &str| {
        matches!(t, "" | "container_t" | "container_init_t" | "container_kvm_t")
            || (since >= 31 && t == "container_engine_t")
    };
    let (mut types, mut set_user, mut set_role) = (Vec::new(), false, false);
    let mut inspect = |o: &SeLinux<'_>, base: &str, container: Option<&str>, errs: &mut Vec<FieldErr>| -> bool {
        let mut valid = true;
        let field = |leaf: &str| format!("{base}.seLinuxOptions.{leaf}");
        if !allowed(o.type_) {
            valid = false;
            types.push(o.type_.to_owned());
            errs.push(FieldErr::forbidden(field("type"), Bad::Str(o.type_.to_owned()), container));
        }
        if !o.user.is_empty() {
            valid = false;
            set_user = true;
            errs.push(FieldErr::forbidden(field("user"), Bad::Str(o.user.to_owned()), container));
        }
        if !o.role.is_empty() {
            valid = false;
            set_role = true;
            errs.push(FieldErr::forbidden(field("role"), Bad::Str(o.role.to_owned()), container));
        }
        valid
    };
    let (mut setters, mut errs) = (Vec::new(), Vec::new());
    if let Some(o) = pod.sc.as_ref().and_then(|sc| sc.se_linux) {
        if !inspect(&o, "spec.securityContext", None, &mut errs) {
            setters.push("pod".to_owned());
        }
    }
    let mut names = Vec::new();
    for (path, c) in pod.visit() {
        if let Some(o) = c.sc.as_ref().and_then(|sc| sc.se_linux) {
            if !inspect(&o, &format!("{path}.securityContext"), Some(c.name), &mut errs) {
                names.push(c.name);
            }
        }
    }
    if !names.is_empty() {
        setters.push(containers_text(&names));
    }
    if setters.is_empty() {
        return None;
    }
    let mut data = Vec::new();
    let types = sorted_set(&types);
    if !types.is_empty() {
        data.push(format!("{} {}", pluralize("type", "types", types.len()), join_quote(&types)));
    }
    if set_user {
        data.push("user may not be set".to_owned());
    }
    if set_role {
        data.push("role may not be set".to_owned());
    }
    let detail = format!("{} set forbidden securityContext.seLinuxOptions: {}", setters.join(" and "), data.join("; "));
    check(CheckId::SeLinuxOptions, "seLinuxOptions", detail, errs)
}

fn seccomp_valid(t: &str) -> bool {
    t == "Localhost" || t == "RuntimeDefault"
}

/// seccompProfile_baseline v1.0: the annotations.
fn seccomp_annotations(pod: &KPod<'_>) -> Option<KCheck> {
    let valid = |v: &str| v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/");
    // forbidden value → its errors (a Go map: sorted here, Kyverno's order is random).
    let mut found: Vec<(String, Vec<FieldErr>)> = Vec::new();
    let mut add = |key: &str, value: &str| {
        let text = format!("{key}={}", go_quote(value));
        let err = FieldErr::forbidden(format!("metadata.annotations[{key}]"), Bad::Str(value.to_owned()), None);
        match found.iter_mut().find(|(t, _)| *t == text) {
            Some((_, errs)) => errs.push(err),
            None => found.push((text, vec![err])),
        }
    };
    const POD: &str = "seccomp.security.alpha.kubernetes.io/pod";
    if let Some(v) = pod.annotation(POD).filter(|v| !valid(v)) {
        add(POD, v);
    }
    for (_, c) in pod.visit() {
        let key = format!("container.seccomp.security.alpha.kubernetes.io/{}", c.name);
        if let Some(v) = pod.annotation(&key).filter(|v| !valid(v)) {
            add(&key, v);
        }
    }
    if found.is_empty() {
        return None;
    }
    found.sort_by(|a, b| a.0.cmp(&b.0));
    let values: Vec<&str> = found.iter().map(|(t, _)| t.as_str()).collect();
    let detail = format!("forbidden {} {}", pluralize("annotation", "annotations", values.len()), values.join(", "));
    let errs = found.iter().flat_map(|(_, e)| e.iter().cloned()).collect();
    check(CheckId::SeccompProfileBaseline, "seccompProfile", detail, errs)
}

/// The explicit offenders of the seccomp checks: setters, their errors and bad types.
fn seccomp_setters<'p>(pod: &'p KPod<'_>) -> (Vec<String>, Vec<FieldErr>, Vec<&'p str>, bool) {
    let (mut setters, mut errs, mut types) = (Vec::new(), Vec::new(), Vec::new());
    let mut pod_set = false;
    if let Some(t) = pod.sc.as_ref().and_then(|sc| sc.seccomp) {
        if seccomp_valid(t) {
            pod_set = true;
        } else {
            setters.push("pod".to_owned());
            errs.push(FieldErr::forbidden("spec.securityContext.seccompProfile.type".into(), Bad::Str(t.into()), None));
            types.push(t);
        }
    }
    let mut names = Vec::new();
    for (path, c) in pod.visit() {
        if let Some(t) = c.sc.as_ref().and_then(|sc| sc.seccomp).filter(|t| !seccomp_valid(t)) {
            names.push(c.name);
            types.push(t);
            errs.push(FieldErr::forbidden(
                format!("{path}.securityContext.seccompProfile.type"),
                Bad::Str(t.into()),
                Some(c.name),
            ));
        }
    }
    if !names.is_empty() {
        setters.push(containers_text(&names));
    }
    (setters, errs, types, pod_set)
}

fn seccomp_explicit(setters: &[String], types: &[&str]) -> String {
    format!(
        "{} must not set securityContext.seccompProfile.type to {}",
        setters.join(" and "),
        join_quote(&sorted_set(types))
    )
}

/// seccompProfile_baseline v1.19: the fields.
fn seccomp_baseline(pod: &KPod<'_>) -> Option<KCheck> {
    let (setters, errs, types, _) = seccomp_setters(pod);
    if setters.is_empty() {
        return None;
    }
    check(CheckId::SeccompProfileBaseline, "seccompProfile", seccomp_explicit(&setters, &types), errs)
}

fn seccomp_restricted(pod: &KPod<'_>, since: u64) -> Option<KCheck> {
    if since >= 25 && pod.windows() {
        return None;
    }
    let (setters, errs, types, pod_set) = seccomp_setters(pod);
    if !setters.is_empty() {
        return check(CheckId::SeccompProfileRestricted, "seccompProfile", seccomp_explicit(&setters, &types), errs);
    }
    let (mut names, mut implicit) = (Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        if c.sc.as_ref().and_then(|sc| sc.seccomp).is_none() && !pod_set {
            names.push(c.name);
            implicit.push(FieldErr::required(format!("{path}.securityContext.seccompProfile.type"), Some(c.name)));
        }
    }
    if names.is_empty() {
        return None;
    }
    let detail = format!(
        "pod or {} must set securityContext.seccompProfile.type to \"RuntimeDefault\" or \"Localhost\"",
        containers_text(&names)
    );
    check(CheckId::SeccompProfileRestricted, "seccompProfile", detail, implicit)
}

fn sysctls(pod: &KPod<'_>, since: u64) -> Option<KCheck> {
    let allowed = |name: &str| {
        matches!(
            name,
            "kernel.shm_rmid_forced"
                | "net.ipv4.ip_local_port_range"
                | "net.ipv4.tcp_syncookies"
                | "net.ipv4.ping_group_range"
                | "net.ipv4.ip_unprivileged_port_start"
        ) || (since >= 27 && name == "net.ipv4.ip_local_reserved_ports")
            || (since >= 29
                && matches!(
                    name,
                    "net.ipv4.tcp_keepalive_time"
                        | "net.ipv4.tcp_fin_timeout"
                        | "net.ipv4.tcp_keepalive_intvl"
                        | "net.ipv4.tcp_keepalive_probes"
                ))
            || (since >= 32 && matches!(name, "net.ipv4.tcp_rmem" | "net.ipv4.tcp_wmem"))
    };
    let (mut names, mut errs) = (Vec::new(), Vec::new());
    for (i, name) in pod.sysctls.iter().enumerate() {
        if !allowed(name) {
            names.push(*name);
            errs.push(FieldErr::forbidden(
                format!("spec.securityContext.sysctls[{i}].name"),
                Bad::Str((*name).to_owned()),
                None,
            ));
        }
    }
    if names.is_empty() {
        return None;
    }
    check(CheckId::Sysctls, "forbidden sysctls", names.join(", "), errs)
}

fn windows_host_process(pod: &KPod<'_>) -> Option<KCheck> {
    let (mut names, mut container_errs) = (Vec::new(), Vec::new());
    for (path, c) in pod.visit() {
        if c.sc.as_ref().and_then(|sc| sc.host_process) == Some(true) {
            names.push(c.name);
            container_errs.push(FieldErr::forbidden(
                format!("{path}.securityContext.windowsOptions.hostProcess"),
                Bad::Bool(true),
                Some(c.name),
            ));
        }
    }
    let (mut setters, mut errs) = (Vec::new(), Vec::new());
    if pod.sc.as_ref().and_then(|sc| sc.host_process) == Some(true) {
        setters.push("pod".to_owned());
        errs.push(FieldErr::forbidden("spec.securityContext.windowsOptions.hostProcess".into(), Bad::Bool(true), None));
    }
    if !names.is_empty() {
        setters.push(containers_text(&names));
        errs.extend(container_errs);
    }
    if setters.is_empty() {
        return None;
    }
    let detail = format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters.join(" and "));
    check(CheckId::WindowsHostProcess, "hostProcess", detail, errs)
}
