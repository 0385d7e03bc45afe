//! The 19 upstream checks, one module each, and the registry that picks them per level and version.
//!
//! Each module has `SINCE`, the minor versions at which the check's behaviour starts or changes
//! (upstream's `VersionedCheck.MinimumVersion`s), and `check`, which receives the effective minor
//! version and decides by it. A new Kubernetes release that changes a check touches that check's
//! module (and [`NEWEST_MINOR`] if it is the newest change).

use core::fmt;
use core::str::FromStr;

use crate::error::Error;
use crate::level::{Level, LevelVersion, Version};
use std::sync::Arc;

use crate::facts::{Facts, PathFact, Small, Span, ValueFact};
use crate::model::PodView;
use crate::violation::Violation;

mod allow_privilege_escalation;
mod app_armor_profile;
mod capabilities_baseline;
mod capabilities_restricted;
mod host_namespaces;
mod host_path_volumes;
mod host_ports;
mod host_probes_and_host_lifecycle;
mod prefilter;
mod privileged;
mod proc_mount;
mod proc_mount_restricted;
mod restricted_volumes;
mod run_as_non_root;
mod run_as_user;
mod se_linux_options;
mod seccomp_profile_baseline;
mod seccomp_profile_restricted;
mod sysctls;
mod windows_host_process;

#[cfg(feature = "remediate")]
pub(crate) use seccomp_profile_baseline::{
    CONTAINER_ANNOTATION_PREFIX as SECCOMP_CONTAINER_ANNOTATION_PREFIX, POD_ANNOTATION as SECCOMP_POD_ANNOTATION,
};

/// The newest minor version in which any check changed (upstream's newest `MinimumVersion`).
pub(crate) const NEWEST_MINOR: u64 = 37;

/// Every check id, comma-separated, for error messages.
pub(crate) const ID_LIST: &str = "appArmorProfile, capabilities_baseline, hostNamespaces, hostPathVolumes, hostPorts, \
hostProbesAndHostLifecycle, privileged, procMount, seLinuxOptions, seccompProfile_baseline, sysctls, windowsHostProcess, \
allowPrivilegeEscalation, capabilities_restricted, procMount_restricted, restrictedVolumes, runAsNonRoot, runAsUser, \
seccompProfile_restricted";

/// An upstream check, by its id.
///
/// [`CheckId::ALL`] lists them in upstream's result order: baseline check ids sorted, then
/// restricted ones sorted (byte order, as Go sorts them).
///
/// ```
/// use pss_core::{CheckId, Level, Version};
///
/// let id: CheckId = "hostPorts".parse()?;
/// assert_eq!(id, CheckId::HostPorts);
/// assert_eq!(id.level(), Level::Baseline);
/// assert_eq!(CheckId::RunAsUser.since(), Version::v1(23));
/// assert_eq!(CheckId::RestrictedVolumes.overrides(), Some(CheckId::HostPathVolumes));
/// assert_eq!(CheckId::ALL.len(), 19);
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckId {
    /// `appArmorProfile` (baseline).
    AppArmorProfile,
    /// `capabilities_baseline` (baseline).
    CapabilitiesBaseline,
    /// `hostNamespaces` (baseline).
    HostNamespaces,
    /// `hostPathVolumes` (baseline).
    HostPathVolumes,
    /// `hostPorts` (baseline).
    HostPorts,
    /// `hostProbesAndHostLifecycle` (baseline, v1.34+).
    HostProbesAndHostLifecycle,
    /// `privileged` (baseline).
    Privileged,
    /// `procMount` (baseline).
    ProcMount,
    /// `seLinuxOptions` (baseline).
    SeLinuxOptions,
    /// `seccompProfile_baseline` (baseline).
    SeccompProfileBaseline,
    /// `sysctls` (baseline).
    Sysctls,
    /// `windowsHostProcess` (baseline).
    WindowsHostProcess,
    /// `allowPrivilegeEscalation` (restricted, v1.8+).
    AllowPrivilegeEscalation,
    /// `capabilities_restricted` (restricted, v1.22+).
    CapabilitiesRestricted,
    /// `procMount_restricted` (restricted, v1.35+).
    ProcMountRestricted,
    /// `restrictedVolumes` (restricted).
    RestrictedVolumes,
    /// `runAsNonRoot` (restricted).
    RunAsNonRoot,
    /// `runAsUser` (restricted, v1.23+).
    RunAsUser,
    /// `seccompProfile_restricted` (restricted, v1.19+).
    SeccompProfileRestricted,
}

impl CheckId {
    /// Every check, in upstream's result order.
    pub const ALL: [CheckId; 19] = [
        CheckId::AppArmorProfile,
        CheckId::CapabilitiesBaseline,
        CheckId::HostNamespaces,
        CheckId::HostPathVolumes,
        CheckId::HostPorts,
        CheckId::HostProbesAndHostLifecycle,
        CheckId::Privileged,
        CheckId::ProcMount,
        CheckId::SeLinuxOptions,
        CheckId::SeccompProfileBaseline,
        CheckId::Sysctls,
        CheckId::WindowsHostProcess,
        CheckId::AllowPrivilegeEscalation,
        CheckId::CapabilitiesRestricted,
        CheckId::ProcMountRestricted,
        CheckId::RestrictedVolumes,
        CheckId::RunAsNonRoot,
        CheckId::RunAsUser,
        CheckId::SeccompProfileRestricted,
    ];

    /// Upstream's id (`"capabilities_baseline"`, `"seLinuxOptions"`, ...).
    pub const fn as_str(self) -> &'static str {
        match self {
            CheckId::AppArmorProfile => "appArmorProfile",
            CheckId::CapabilitiesBaseline => "capabilities_baseline",
            CheckId::HostNamespaces => "hostNamespaces",
            CheckId::HostPathVolumes => "hostPathVolumes",
            CheckId::HostPorts => "hostPorts",
            CheckId::HostProbesAndHostLifecycle => "hostProbesAndHostLifecycle",
            CheckId::Privileged => "privileged",
            CheckId::ProcMount => "procMount",
            CheckId::SeLinuxOptions => "seLinuxOptions",
            CheckId::SeccompProfileBaseline => "seccompProfile_baseline",
            CheckId::Sysctls => "sysctls",
            CheckId::WindowsHostProcess => "windowsHostProcess",
            CheckId::AllowPrivilegeEscalation => "allowPrivilegeEscalation",
            CheckId::CapabilitiesRestricted => "capabilities_restricted",
            CheckId::ProcMountRestricted => "procMount_restricted",
            CheckId::RestrictedVolumes => "restrictedVolumes",
            CheckId::RunAsNonRoot => "runAsNonRoot",
            CheckId::RunAsUser => "runAsUser",
            CheckId::SeccompProfileRestricted => "seccompProfile_restricted",
        }
    }

    /// The name of the control the check enforces, as the Pod Security Standards
    /// (<https://kubernetes.io/docs/concepts/security/pod-security-standards/>) and Kyverno's
    /// `controlName`s spell it. Checks of one control at both levels share it (`Capabilities`,
    /// `Seccomp`, `/proc Mount Type`); [`CheckId::level`] tells them apart.
    ///
    /// ```
    /// use pss_core::CheckId;
    ///
    /// assert_eq!(CheckId::Privileged.title(), "Privileged Containers");
    /// assert_eq!(CheckId::RunAsUser.title(), "Running as Non-root user");
    /// assert_eq!(CheckId::CapabilitiesRestricted.title(), CheckId::CapabilitiesBaseline.title());
    /// ```
    pub const fn title(self) -> &'static str {
        match self {
            CheckId::AppArmorProfile => "AppArmor",
            CheckId::CapabilitiesBaseline | CheckId::CapabilitiesRestricted => "Capabilities",
            CheckId::HostNamespaces => "Host Namespaces",
            CheckId::HostPathVolumes => "HostPath Volumes",
            CheckId::HostPorts => "Host Ports",
            CheckId::HostProbesAndHostLifecycle => "Host Probes / Lifecycle Hooks",
            CheckId::Privileged => "Privileged Containers",
            CheckId::ProcMount | CheckId::ProcMountRestricted => "/proc Mount Type",
            CheckId::SeLinuxOptions => "SELinux",
            CheckId::SeccompProfileBaseline | CheckId::SeccompProfileRestricted => "Seccomp",
            CheckId::Sysctls => "Sysctls",
            CheckId::WindowsHostProcess => "HostProcess",
            CheckId::AllowPrivilegeEscalation => "Privilege Escalation",
            CheckId::RestrictedVolumes => "Volume Types",
            CheckId::RunAsNonRoot => "Running as Non-root",
            CheckId::RunAsUser => "Running as Non-root user",
        }
    }

    /// What the control requires, in the words of the Pod Security Standards' table for the
    /// check's level (one or two sentences; the standards also list the restricted fields and
    /// allowed values).
    ///
    /// ```
    /// use pss_core::CheckId;
    ///
    /// assert_eq!(CheckId::HostNamespaces.description(), "Sharing the host namespaces must be disallowed.");
    /// assert!(CheckId::SeccompProfileRestricted.description().contains("absence of a profile"));
    /// ```
    pub const fn description(self) -> &'static str {
        match self {
            CheckId::AppArmorProfile => {
                "On supported hosts, the RuntimeDefault AppArmor profile is applied by default. The baseline policy \
                 should prevent overriding or disabling the default AppArmor profile, or restrict overrides to an \
                 allowed set of profiles."
            }
            CheckId::CapabilitiesBaseline => {
                "Adding additional capabilities beyond AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, MKNOD, \
                 NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID and SYS_CHROOT must be disallowed."
            }
            CheckId::HostNamespaces => "Sharing the host namespaces must be disallowed.",
            CheckId::HostPathVolumes => "HostPath volumes must be forbidden.",
            CheckId::HostPorts => {
                "HostPorts should be disallowed entirely (recommended) or restricted to a known list."
            }
            CheckId::HostProbesAndHostLifecycle => "The Host field in probes and lifecycle hooks must be disallowed.",
            CheckId::Privileged => "Privileged Pods disable most security mechanisms and must be disallowed.",
            CheckId::ProcMount | CheckId::ProcMountRestricted => {
                "The default /proc masks are set up to reduce attack surface, and should be required."
            }
            CheckId::SeLinuxOptions => {
                "Setting the SELinux type is restricted, and setting a custom SELinux user or role option is forbidden."
            }
            CheckId::SeccompProfileBaseline => "Seccomp profile must not be explicitly set to Unconfined.",
            CheckId::Sysctls => {
                "Sysctls can disable security mechanisms or affect all containers on a host, and should be disallowed \
                 except for an allowed safe subset. A sysctl is considered safe if it is namespaced in the container \
                 or the Pod, and it is isolated from other Pods or processes on the same Node."
            }
            CheckId::WindowsHostProcess => {
                "Windows Pods offer the ability to run HostProcess containers which enables privileged access to the \
                 Windows host machine. Privileged access to the host is disallowed in the Baseline policy."
            }
            CheckId::AllowPrivilegeEscalation => {
                "Privilege escalation (such as via set-user-ID or set-group-ID file mode) should not be allowed."
            }
            CheckId::CapabilitiesRestricted => {
                "Containers must drop ALL capabilities, and are only permitted to add back the NET_BIND_SERVICE \
                 capability."
            }
            CheckId::RestrictedVolumes => {
                "The Restricted policy only permits the following volume types: configMap, csi, downwardAPI, \
                 emptyDir, ephemeral, persistentVolumeClaim, projected and secret."
            }
            CheckId::RunAsNonRoot => "Containers must be required to run as non-root users.",
            CheckId::RunAsUser => "Containers must not set runAsUser to 0.",
            CheckId::SeccompProfileRestricted => {
                "Seccomp profile must be explicitly set to one of the allowed values (RuntimeDefault, Localhost). \
                 Both the Unconfined profile and the absence of a profile are prohibited."
            }
        }
    }

    /// The level the check belongs to (restricted also runs every baseline check it does not override).
    pub const fn level(self) -> Level {
        match self {
            CheckId::AllowPrivilegeEscalation
            | CheckId::CapabilitiesRestricted
            | CheckId::ProcMountRestricted
            | CheckId::RestrictedVolumes
            | CheckId::RunAsNonRoot
            | CheckId::RunAsUser
            | CheckId::SeccompProfileRestricted => Level::Restricted,
            _ => Level::Baseline,
        }
    }

    const fn since_minors(self) -> &'static [u64] {
        match self {
            CheckId::AppArmorProfile => app_armor_profile::SINCE,
            CheckId::CapabilitiesBaseline => capabilities_baseline::SINCE,
            CheckId::HostNamespaces => host_namespaces::SINCE,
            CheckId::HostPathVolumes => host_path_volumes::SINCE,
            CheckId::HostPorts => host_ports::SINCE,
            CheckId::HostProbesAndHostLifecycle => host_probes_and_host_lifecycle::SINCE,
            CheckId::Privileged => privileged::SINCE,
            CheckId::ProcMount => proc_mount::SINCE,
            CheckId::SeLinuxOptions => se_linux_options::SINCE,
            CheckId::SeccompProfileBaseline => seccomp_profile_baseline::SINCE,
            CheckId::Sysctls => sysctls::SINCE,
            CheckId::WindowsHostProcess => windows_host_process::SINCE,
            CheckId::AllowPrivilegeEscalation => allow_privilege_escalation::SINCE,
            CheckId::CapabilitiesRestricted => capabilities_restricted::SINCE,
            CheckId::ProcMountRestricted => proc_mount_restricted::SINCE,
            CheckId::RestrictedVolumes => restricted_volumes::SINCE,
            CheckId::RunAsNonRoot => run_as_non_root::SINCE,
            CheckId::RunAsUser => run_as_user::SINCE,
            CheckId::SeccompProfileRestricted => seccomp_profile_restricted::SINCE,
        }
    }

    /// The first version the check runs at.
    pub fn since(self) -> Version {
        Version::v1(self.since_minors()[0])
    }

    /// Every version at which the check's behaviour starts or changes, oldest first.
    pub fn versions(self) -> impl ExactSizeIterator<Item = Version> {
        self.since_minors().iter().map(|&m| Version::v1(m))
    }

    /// The baseline check this restricted check replaces at the restricted level (from the
    /// restricted check's first version on).
    pub const fn overrides(self) -> Option<CheckId> {
        match self {
            CheckId::CapabilitiesRestricted => Some(CheckId::CapabilitiesBaseline),
            CheckId::ProcMountRestricted => Some(CheckId::ProcMount),
            CheckId::RestrictedVolumes => Some(CheckId::HostPathVolumes),
            CheckId::SeccompProfileRestricted => Some(CheckId::SeccompProfileBaseline),
            _ => None,
        }
    }

    /// Whether this check runs when evaluating `level` at the (effective) minor version
    /// (upstream's registry: a check runs from its first version; at restricted a restricted check
    /// replaces the baseline check it overrides).
    const fn decide_runs_at(self, level: Level, minor: u64) -> bool {
        if minor < self.since_minors()[0] {
            return false;
        }
        match (self.level(), level) {
            (_, Level::Privileged) => false,
            (Level::Restricted, Level::Restricted) => true,
            (Level::Restricted, _) => false,
            (_, Level::Baseline) => true,
            (_, _) => {
                let mut i = 0;
                while i < CheckId::ALL.len() {
                    let r = CheckId::ALL[i];
                    if let Some(o) = r.overrides() {
                        if o as u8 == self as u8 && minor >= r.since_minors()[0] {
                            return false;
                        }
                    }
                    i += 1;
                }
                true
            }
        }
    }

    /// Whether this check runs when evaluating `level` at the (effective) minor version.
    fn runs_at(self, level: Level, minor: u64) -> bool {
        plan(level, minor) & (1 << self.index()) != 0
    }

    /// The check's position in [`CheckId::ALL`].
    const fn index(self) -> usize {
        let mut i = 0;
        while i < CheckId::ALL.len() {
            if CheckId::ALL[i] as u8 == self as u8 {
                return i;
            }
            i += 1;
        }
        unreachable!()
    }

    /// The checks that run for a level at a version, in upstream's result order.
    ///
    /// ```
    /// use pss_core::{CheckId, Level, LevelVersion, Version};
    ///
    /// let baseline: Vec<_> = CheckId::for_level(LevelVersion::new(Level::Baseline, Version::v1(0))).collect();
    /// assert_eq!(baseline.len(), 11); // hostProbesAndHostLifecycle starts at v1.34
    /// let restricted: Vec<_> = CheckId::for_level(LevelVersion::new(Level::Restricted, Version::LATEST)).collect();
    /// assert!(!restricted.contains(&CheckId::HostPathVolumes)); // overridden by restrictedVolumes
    /// ```
    pub fn for_level(lv: LevelVersion) -> impl Iterator<Item = CheckId> {
        let minor = lv.version.effective_minor();
        CheckId::ALL.into_iter().filter(move |id| id.runs_at(lv.level, minor))
    }
}

impl fmt::Display for CheckId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CheckId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CheckId::ALL.into_iter().find(|id| id.as_str() == s).ok_or_else(|| Error::unknown_check(s))
    }
}

#[cfg(feature = "serde")]
impl serde::Serialize for CheckId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

/// For baseline and restricted, and each minor version up to the newest, the checks that run: a
/// bit set over [`CheckId::ALL`], worked out at compile time from each check's versions and overrides.
static PLAN: [[u32; NEWEST_MINOR as usize + 1]; 2] = {
    let mut plan = [[0u32; NEWEST_MINOR as usize + 1]; 2];
    let levels = [Level::Baseline, Level::Restricted];
    let mut l = 0;
    while l < 2 {
        let mut minor = 0;
        while minor <= NEWEST_MINOR {
            let mut i = 0;
            while i < CheckId::ALL.len() {
                if CheckId::ALL[i].decide_runs_at(levels[l], minor) {
                    plan[l][minor as usize] |= 1 << i;
                }
                i += 1;
            }
            minor += 1;
        }
        l += 1;
    }
    plan
};

/// The checks that run for a level at an effective minor version, as a bit set over [`CheckId::ALL`].
fn plan(level: Level, minor: u64) -> u32 {
    let minor = minor.min(NEWEST_MINOR) as usize;
    match level {
        Level::Privileged => 0,
        Level::Baseline => PLAN[0][minor],
        Level::Restricted => PLAN[1][minor],
    }
}

/// Records what the checks find: the facts of the violations, and which checks failed.
pub(crate) struct Rec {
    pub(crate) facts: Facts,
    /// The failed checks, the first `count` of them. (`None` elsewhere: setting up the empty
    /// entries then writes only a null `reason` in each, where a `Found` of nothing wrote all of
    /// its seven words.)
    found: [Option<Found>; CheckId::ALL.len()],
    count: usize,
    /// Where the running check's fields begin.
    mark: usize,
}

/// One failed check, while recording.
#[derive(Clone, Copy)]
struct Found {
    check: CheckId,
    reason: &'static str,
    atoms: (usize, usize),
    fields: (usize, usize),
}

impl Rec {
    /// Nothing recorded yet (allocates nothing).
    pub(crate) fn new(ctx: Ctx<'static>) -> Self {
        Rec { facts: Facts::new(ctx), found: [None; CheckId::ALL.len()], count: 0, mark: 0 }
    }

    /// Copies a string from the pod in.
    #[inline(never)]
    pub(crate) fn name(&mut self, s: &str) -> Span {
        self.facts.reserve_typical();
        self.facts.copy(s)
    }

    /// `key="value"` (the value quoted as Go's `%q`), written in: an annotation as upstream names it.
    #[inline(never)]
    pub(crate) fn annotation_entry(&mut self, key: &str, value: &str) -> Span {
        self.facts.reserve_typical();
        self.facts.annotation_entry(key, value)
    }

    /// A string value, copied in.
    pub(crate) fn string(&mut self, s: &str) -> ValueFact {
        ValueFact::Str(self.name(s))
    }

    /// Records an offending field.
    #[inline]
    pub(crate) fn field(&mut self, path: PathFact, value: ValueFact, container: Option<Span>) {
        self.facts.reserve_typical();
        self.facts.field(path, value, container);
    }

    /// Records the failure of `check` with its detail; its fields are those recorded since the
    /// check began.
    #[inline(never)]
    pub(crate) fn violation(&mut self, check: CheckId, reason: &'static str, detail: &[Piece<'_>]) {
        self.facts.reserve_typical();
        let atoms = self.facts.detail(detail);
        let fields = (self.mark, self.facts.fields.len());
        // Each check records at most one violation per run, so there is room for all of them.
        if let Some(slot) = self.found.get_mut(self.count) {
            *slot = Some(Found { check, reason, atoms, fields });
            self.count += 1;
        }
    }

    /// Runs one check; forgets what it recorded if it passed after all.
    fn run<P: PodView>(&mut self, id: CheckId, pod: &P, minor: u64) {
        let (count, fields, atoms) = (self.count, self.facts.fields.len(), self.facts.atoms.len());
        self.mark = fields;
        run_one(id, pod, minor, self);
        if self.count == count {
            self.facts.truncate(fields, atoms);
        }
    }

    /// The violations recorded, sharing their facts (taken out: by reference, as the recorder is
    /// large to move).
    pub(crate) fn finish(&mut self) -> Vec<Violation> {
        if self.count == 0 {
            return Vec::new();
        }
        let ctx = self.facts.ctx;
        let facts = Arc::new(core::mem::replace(&mut self.facts, Facts::new(ctx)));
        let mut out = Vec::with_capacity(self.count);
        let Some((Some(last), others)) = self.found[..self.count].split_last() else {
            return out;
        };
        for f in others.iter().flatten() {
            out.push(Violation::from_facts(f.check, f.reason, Arc::clone(&facts), f.atoms, f.fields));
        }
        // The last takes the handle itself: one atomic count and one release fewer.
        out.push(Violation::from_facts(last.check, last.reason, facts, last.atoms, last.fields));
        out
    }
}

/// Runs every check of the plan without the pre-check (for tests that compare both paths).
#[cfg(test)]
pub(crate) fn run_every_check<P: PodView>(lv: LevelVersion, pod: &P, ctx: &Ctx<'static>) -> Vec<Violation> {
    let minor = lv.version.effective_minor();
    let mut checks = plan(lv.level, minor);
    let mut rec = Rec::new(*ctx);
    while checks != 0 {
        let id = CheckId::ALL[checks.trailing_zeros() as usize];
        checks &= checks - 1;
        rec.run(id, pod, minor);
    }
    rec.finish()
}

/// Runs the checks for a level and version over a pod; violations come in upstream's order.
pub(crate) fn run<P: PodView>(lv: LevelVersion, pod: &P, ctx: &Ctx<'static>) -> Vec<Violation> {
    let minor = lv.version.effective_minor();
    // Only the checks that may fail run: the others certainly pass, and a pod none of them may
    // fail is allowed without recording anything.
    let mut checks = prefilter::may_fail(pod, plan(lv.level, minor), minor);
    if checks == 0 {
        return Vec::new();
    }
    let mut rec = Rec::new(*ctx);
    while checks != 0 {
        let id = CheckId::ALL[checks.trailing_zeros() as usize];
        checks &= checks - 1;
        rec.run(id, pod, minor);
    }
    rec.finish()
}

/// Runs one check at the (effective) minor version, on its own: `None` when it passes, and also when
/// the check does not exist yet at that version (its first version is newer). Used by the Kyverno
/// `podSecurity` rules, which evaluate each check separately instead of through the level's registry.
#[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
pub(crate) fn run_check<P: PodView>(id: CheckId, pod: &P, minor: u64, ctx: &Ctx<'static>) -> Option<Violation> {
    if !exists_at(id, minor) {
        return None;
    }
    let mut rec = Rec::new(*ctx);
    rec.run(id, pod, minor);
    rec.finish().pop()
}

/// Whether a check reads the pod annotation `key`, at some level and version: AppArmor's
/// (`container.apparmor.security.beta.kubernetes.io/*`) and the seccomp annotations read before
/// v1.19. A document decoded for the checks keeps these alone.
pub(crate) fn reads_annotation(key: &str) -> bool {
    key.starts_with(app_armor_profile::ANNOTATION_PREFIX)
        || key == seccomp_profile_baseline::POD_ANNOTATION
        || key.starts_with(seccomp_profile_baseline::CONTAINER_ANNOTATION_PREFIX)
}

/// Whether the check exists at the (effective) minor version: its first version is not newer.
#[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
pub(crate) fn exists_at(id: CheckId, minor: u64) -> bool {
    minor >= id.since_minors()[0]
}

fn run_one<P: PodView>(id: CheckId, pod: &P, minor: u64, r: &mut Rec) {
    match id {
        CheckId::AppArmorProfile => app_armor_profile::check(pod, minor, r),
        CheckId::CapabilitiesBaseline => capabilities_baseline::check(pod, minor, r),
        CheckId::HostNamespaces => host_namespaces::check(pod, minor, r),
        CheckId::HostPathVolumes => host_path_volumes::check(pod, minor, r),
        CheckId::HostPorts => host_ports::check(pod, minor, r),
        CheckId::HostProbesAndHostLifecycle => host_probes_and_host_lifecycle::check(pod, minor, r),
        CheckId::Privileged => privileged::check(pod, minor, r),
        CheckId::ProcMount => proc_mount::check(pod, minor, r),
        CheckId::SeLinuxOptions => se_linux_options::check(pod, minor, r),
        CheckId::SeccompProfileBaseline => seccomp_profile_baseline::check(pod, minor, r),
        CheckId::Sysctls => sysctls::check(pod, minor, r),
        CheckId::WindowsHostProcess => windows_host_process::check(pod, minor, r),
        CheckId::AllowPrivilegeEscalation => allow_privilege_escalation::check(pod, minor, r),
        CheckId::CapabilitiesRestricted => capabilities_restricted::check(pod, minor, r),
        CheckId::ProcMountRestricted => proc_mount_restricted::check(pod, minor, r),
        CheckId::RestrictedVolumes => restricted_volumes::check(pod, minor, r),
        CheckId::RunAsNonRoot => run_as_non_root::check(pod, minor, r),
        CheckId::RunAsUser => run_as_user::check(pod, minor, r),
        CheckId::SeccompProfileRestricted => seccomp_profile_restricted::check(pod, minor, r),
    }
}

/// Where the pod's metadata and spec are in the evaluated object, for field paths
/// (`metadata`/`spec` for a pod, `spec.template.metadata`/`spec.template.spec` for a Deployment).
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'p> {
    pub(crate) metadata: &'p str,
    pub(crate) spec: &'p str,
}

impl Ctx<'static> {
    pub(crate) const POD: Ctx<'static> = Ctx { metadata: "metadata", spec: "spec" };
    /// For a bare pod spec: spec fields from the spec itself (`containers[0]...`), annotations
    /// under `metadata` (of the metadata given beside the spec).
    pub(crate) const SPEC: Ctx<'static> = Ctx { metadata: "metadata", spec: "" };
}

/// A piece of a message, for [`Rec::violation`].
#[derive(Debug, Clone, Copy, Default)]
pub(crate) enum Piece<'a> {
    /// Nothing (a piece left out).
    #[default]
    Empty,
    /// Text of pss-core's own.
    Str(&'static str),
    /// Text given whole, copied when recorded (Kyverno's own details).
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    Text(&'a str),
    /// Go's `joinQuote`: `"a", "b"` (no escaping), or nothing for no items.
    Quoted(&'a [&'a str]),
    /// [`Piece::Quoted`] over strings already recorded.
    QuotedSpans(&'a [Span]),
    /// Go's `pluralize(singular, plural, n)`, a space and the `joinQuote`d items:
    /// `container "a"` or `containers "a", "b"`.
    Counted(Noun, &'a [&'a str]),
    /// [`Piece::Counted`] over strings already recorded.
    CountedSpans(Noun, &'a [Span]),
    /// Strings already recorded, joined by `", "`, unquoted (Go's `strings.Join`, which the checks
    /// only call with that separator).
    JoinedSpans(&'a [Span]),
}

/// What a [`Piece::Counted`] list counts. A byte rather than the singular and the plural as
/// two `&'static str`s, so that a piece (and the atom it is recorded as) is three words rather
/// than seven: the checks build and copy them for every detail.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Noun {
    Container,
    Volume,
    RestrictedVolumeType,
    ProbeOrLifecycleHost,
}

impl Noun {
    /// Go's `pluralize(singular, plural, count)` of the noun.
    pub(crate) fn pluralize(self, count: usize) -> &'static str {
        let (singular, plural) = match self {
            Noun::Container => ("container", "containers"),
            Noun::Volume => ("volume", "volumes"),
            Noun::RestrictedVolumeType => ("restricted volume type", "restricted volume types"),
            Noun::ProbeOrLifecycleHost => ("probe or lifecycle host", "probe or lifecycle hosts"),
        };
        pluralize(singular, plural, count)
    }
}

/// `piece` when `condition` holds, else nothing.
pub(crate) fn piece_if(condition: bool, piece: Piece<'_>) -> Piece<'_> {
    if condition {
        piece
    } else {
        Piece::Empty
    }
}

/// Go's `pluralize`.
pub(crate) fn pluralize(singular: &'static str, plural: &'static str, count: usize) -> &'static str {
    if count == 1 {
        singular
    } else {
        plural
    }
}

/// A list of strings from the pod, on the stack when short.
pub(crate) type Names<'a> = Small<&'a str, 8>;

/// A list of recorded strings, on the stack when short.
pub(crate) type Spans = Small<Span, 8>;

/// Sorts and moves repeats out of the way (Go's `sets.String.List()`); returns how many distinct
/// entries lead.
pub(crate) fn sorted_unique<T: Ord + Copy>(items: &mut [T]) -> usize {
    heap_sort(items);
    crate::facts::dedup_in_place(items, |a, b| a == b)
}

/// Sorts in place, in O(n log n) comparisons and without allocating. A heapsort rather than the
/// standard library's sort: the lists sorted here (a check's offending values) hold a few entries,
/// and `sort_unstable` was about 9 KB of the WebAssembly package before optimisation, this a few
/// hundred bytes.
fn heap_sort<T: Ord + Copy>(items: &mut [T]) {
    /// Moves `items[root]` down the heap `items[..end]` until both its children are no greater.
    fn sift_down<T: Ord + Copy>(items: &mut [T], mut root: usize, end: usize) {
        loop {
            let mut child = 2 * root + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && items[child] < items[child + 1] {
                child += 1;
            }
            if items[root] >= items[child] {
                return;
            }
            items.swap(root, child);
            root = child;
        }
    }
    let n = items.len();
    for root in (0..n / 2).rev() {
        sift_down(items, root, n);
    }
    for end in (1..n).rev() {
        items.swap(0, end);
        sift_down(items, 0, end);
    }
}

/// Whether the pod declares a Windows OS (`spec.os.name: windows`).
pub(crate) fn is_windows<P: PodView>(pod: &P) -> bool {
    pod.os_name() == Some("windows")
}

/// Upstream's `relaxPolicyForUserNamespacePod`: `spec.hostUsers` is explicitly false.
pub(crate) fn in_user_namespace<P: PodView>(pod: &P) -> bool {
    pod.host_users() == Some(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The heapsort sorts as the standard library does: every arrangement of up to 7 values with
    /// repeats, and longer lists from a simple generator.
    #[test]
    fn heap_sort_sorts() {
        fn check(items: &[u8]) {
            let mut ours = items.to_vec();
            heap_sort(&mut ours);
            let mut std = items.to_vec();
            std.sort_unstable();
            assert_eq!(ours, std, "{items:?}");
        }
        for n in 0..=7u32 {
            // Every list of n values from 0..n (with repeats): n^n of them.
            for code in 0..n.pow(n) {
                let items: Vec<u8> = (0..n).map(|i| (code / n.pow(i) % n) as u8).collect();
                check(&items);
            }
        }
        let mut x = 12345u32;
        for n in [50, 257, 1000] {
            let items: Vec<u8> = (0..n)
                .map(|_| {
                    x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
                    (x >> 16) as u8
                })
                .collect();
            check(&items);
        }
        let mut names = ["b", "a", "c", "a", "", "ab"];
        heap_sort(&mut names);
        assert_eq!(names, ["", "a", "a", "ab", "b", "c"]);
    }

    #[test]
    fn all_is_upstream_order() {
        let ids: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        let mut baseline: Vec<&str> =
            CheckId::ALL.iter().filter(|c| c.level() == Level::Baseline).map(|c| c.as_str()).collect();
        let mut restricted: Vec<&str> =
            CheckId::ALL.iter().filter(|c| c.level() == Level::Restricted).map(|c| c.as_str()).collect();
        baseline.sort_unstable();
        restricted.sort_unstable();
        baseline.extend(restricted);
        assert_eq!(ids, baseline);
    }

    #[test]
    fn newest_minor_is_the_newest_check_version() {
        let newest = CheckId::ALL.iter().flat_map(|c| c.since_minors().iter().copied()).max();
        assert_eq!(newest, Some(NEWEST_MINOR));
        for id in CheckId::ALL {
            assert!(id.since_minors().windows(2).all(|w| w[0] < w[1]), "{id}");
        }
    }

    #[test]
    fn plan_table_matches_the_rules() {
        for level in Level::ALL {
            for minor in 0..=NEWEST_MINOR + 3 {
                for id in CheckId::ALL {
                    assert_eq!(
                        id.runs_at(level, minor),
                        id.decide_runs_at(level, minor.min(NEWEST_MINOR)),
                        "{id} {level} {minor}"
                    );
                }
            }
        }
        // Spot checks against upstream's registry.
        assert!(CheckId::CapabilitiesBaseline.runs_at(Level::Restricted, 21));
        assert!(!CheckId::CapabilitiesBaseline.runs_at(Level::Restricted, 22));
        assert!(CheckId::ProcMount.runs_at(Level::Restricted, 34));
        assert!(!CheckId::ProcMount.runs_at(Level::Restricted, 35));
        assert!(CheckId::ProcMount.runs_at(Level::Baseline, 35));
        assert!(!CheckId::HostPathVolumes.runs_at(Level::Restricted, 0));
        assert!(!CheckId::RunAsUser.runs_at(Level::Restricted, 22));
        for id in CheckId::ALL {
            assert_eq!(CheckId::ALL[id.index()], id);
        }
    }

    /// What [`Noun`] is for: a detail's pieces, and the atoms they are recorded as, stay small
    /// (three words: 24 bytes on 64-bit targets).
    #[test]
    fn pieces_and_atoms_are_three_words() {
        let words = 3 * core::mem::size_of::<usize>();
        assert_eq!(core::mem::size_of::<Piece<'_>>(), words);
        assert_eq!(core::mem::size_of::<crate::facts::Atom>(), words);
    }

    #[test]
    fn id_list_names_all() {
        let all: Vec<&str> = CheckId::ALL.iter().map(|c| c.as_str()).collect();
        assert_eq!(ID_LIST, all.join(", "));
    }

    /// Two checks share a title only when they are one control's baseline and restricted checks; every description is one or two sentences.
    #[test]
    fn titles_and_descriptions() {
        for a in CheckId::ALL {
            assert!(!a.title().is_empty());
            let description = a.description();
            assert!(description.ends_with('.') && description.starts_with(char::is_uppercase), "{a}");
            assert!(description.matches(". ").count() <= 1, "{a}: {description}");
            for b in CheckId::ALL {
                let overrides = a.overrides() == Some(b) || b.overrides() == Some(a);
                assert!(a.title() != b.title() || a == b || overrides, "{a} {b}");
            }
        }
        assert_eq!(CheckId::HostProbesAndHostLifecycle.title(), "Host Probes / Lifecycle Hooks");
        // restrictedVolumes replaces hostPathVolumes but is a control of its own.
        assert_ne!(CheckId::RestrictedVolumes.title(), CheckId::HostPathVolumes.title());
    }

    #[test]
    fn overrides_only_restricted_over_baseline() {
        for id in CheckId::ALL {
            if let Some(o) = id.overrides() {
                assert_eq!(id.level(), Level::Restricted);
                assert_eq!(o.level(), Level::Baseline);
            }
        }
    }

    /// Paths recorded as facts render as they were written out before, and their lengths are exact.
    #[test]
    fn paths_render_with_exact_lengths() {
        use crate::facts::Facts;
        use crate::model::{ContainerKind, Slot};
        let check = |ctx: Ctx<'static>, path: PathFact, key: Option<&str>, expected: &str| {
            let mut facts = Facts::new(ctx);
            let path = match (path, key) {
                (PathFact::Annotation(_), Some(k)) => PathFact::Annotation(facts.copy(k)),
                (p, _) => p,
            };
            let mut out = String::new();
            facts.write_path(&path, &mut out).unwrap();
            assert_eq!(out, expected);
            assert_eq!(crate::violation::rendered_len(|w| facts.write_path(&path, w)), expected.len(), "{expected}");
        };
        let ctx = Ctx { metadata: "spec.template.metadata", spec: "spec.template.spec" };
        check(ctx, PathFact::spec_item("volumes", 3, "hostPath"), None, "spec.template.spec.volumes[3].hostPath");
        check(ctx, PathFact::spec_item("volumes", 10, ""), None, "spec.template.spec.volumes[10]");
        check(ctx, PathFact::Annotation(Span::default()), Some("k"), "spec.template.metadata.annotations[k]");
        let slot = Slot { kind: ContainerKind::Ephemeral, index: 12 };
        check(
            ctx,
            PathFact::container_item(slot, "ports", 7, ".hostPort"),
            None,
            "spec.template.spec.ephemeralContainers[12].ports[7].hostPort",
        );
        check(
            ctx,
            PathFact::container(slot, "securityContext.privileged"),
            None,
            "spec.template.spec.ephemeralContainers[12].securityContext.privileged",
        );
        let spec = Ctx::SPEC;
        check(spec, PathFact::spec("hostNetwork"), None, "hostNetwork");
        check(spec, PathFact::spec_item("volumes", 3, "hostPath"), None, "volumes[3].hostPath");
        check(spec, PathFact::Annotation(Span::default()), Some("k"), "metadata.annotations[k]");
        let slot = Slot { kind: ContainerKind::Init, index: 0 };
        check(
            spec,
            PathFact::container_item(slot, "securityContext.capabilities.add", 100, ""),
            None,
            "initContainers[0].securityContext.capabilities.add[100]",
        );
    }
}
