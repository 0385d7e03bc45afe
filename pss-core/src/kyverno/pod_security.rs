//! `validate.podSecurity`: which checks run, the `exclude` entries, and the rule message.

use crate::checks::{exists_at, run_check, CheckId, Ctx};
use crate::level::{Level, Version};
use crate::violation::{Field, FieldValueRef, Violation};
use crate::workload::{TemplateRef, WorkloadKind};

use super::matching::{any_wildcard, wildcard};

/// The checks in Kyverno's order (`policy.DefaultChecks()`: upstream's source files sorted by name).
pub(crate) const KYVERNO_ORDER: [CheckId; 19] = [
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
    CheckId::ProcMountRestricted,
    CheckId::RestrictedVolumes,
    CheckId::RunAsNonRoot,
    CheckId::RunAsUser,
    CheckId::SeLinuxOptions,
    CheckId::SeccompProfileBaseline,
    CheckId::SeccompProfileRestricted,
    CheckId::Sysctls,
    CheckId::WindowsHostProcess,
];

/// The `controlName`s of `exclude` entries, in the CRD's enum order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Control {
    HostProcess,
    HostNamespaces,
    PrivilegedContainers,
    Capabilities,
    HostPathVolumes,
    HostPorts,
    AppArmor,
    SeLinux,
    ProcMountType,
    Seccomp,
    Sysctls,
    VolumeTypes,
    PrivilegeEscalation,
    RunningAsNonRoot,
    RunningAsNonRootUser,
}

/// Where a control applies, for the `images` rule of policy validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scope {
    /// Needs `images`.
    Container,
    /// Forbids `images`.
    Pod,
    /// Either.
    Both,
}

impl Control {
    pub(crate) const ALL: [Control; 15] = [
        Control::HostProcess,
        Control::HostNamespaces,
        Control::PrivilegedContainers,
        Control::Capabilities,
        Control::HostPathVolumes,
        Control::HostPorts,
        Control::AppArmor,
        Control::SeLinux,
        Control::ProcMountType,
        Control::Seccomp,
        Control::Sysctls,
        Control::VolumeTypes,
        Control::PrivilegeEscalation,
        Control::RunningAsNonRoot,
        Control::RunningAsNonRootUser,
    ];

    pub(crate) const fn name(self) -> &'static str {
        match self {
            Control::HostProcess => "HostProcess",
            Control::HostNamespaces => "Host Namespaces",
            Control::PrivilegedContainers => "Privileged Containers",
            Control::Capabilities => "Capabilities",
            Control::HostPathVolumes => "HostPath Volumes",
            Control::HostPorts => "Host Ports",
            Control::AppArmor => "AppArmor",
            Control::SeLinux => "SELinux",
            Control::ProcMountType => "/proc Mount Type",
            Control::Seccomp => "Seccomp",
            Control::Sysctls => "Sysctls",
            Control::VolumeTypes => "Volume Types",
            Control::PrivilegeEscalation => "Privilege Escalation",
            Control::RunningAsNonRoot => "Running as Non-root",
            Control::RunningAsNonRootUser => "Running as Non-root user",
        }
    }

    pub(crate) fn parse(name: &str) -> Option<Control> {
        Control::ALL.into_iter().find(|c| c.name() == name)
    }

    /// The checks a control names (`PSS_control_name_to_ids`; `/proc Mount Type` also names
    /// upstream's `procMount_restricted`, which Kyverno's library lacks).
    pub(crate) const fn checks(self) -> &'static [CheckId] {
        match self {
            Control::HostProcess => &[CheckId::WindowsHostProcess],
            Control::HostNamespaces => &[CheckId::HostNamespaces],
            Control::PrivilegedContainers => &[CheckId::Privileged],
            Control::Capabilities => &[CheckId::CapabilitiesBaseline, CheckId::CapabilitiesRestricted],
            Control::HostPathVolumes => &[CheckId::HostPathVolumes],
            Control::HostPorts => &[CheckId::HostPorts],
            Control::AppArmor => &[CheckId::AppArmorProfile],
            Control::SeLinux => &[CheckId::SeLinuxOptions],
            Control::ProcMountType => &[CheckId::ProcMount, CheckId::ProcMountRestricted],
            Control::Seccomp => &[CheckId::SeccompProfileBaseline, CheckId::SeccompProfileRestricted],
            Control::Sysctls => &[CheckId::Sysctls],
            Control::VolumeTypes => &[CheckId::RestrictedVolumes],
            Control::PrivilegeEscalation => &[CheckId::AllowPrivilegeEscalation],
            Control::RunningAsNonRoot => &[CheckId::RunAsNonRoot],
            Control::RunningAsNonRootUser => &[CheckId::RunAsUser],
        }
    }

    /// `PSS_container_level_control` / `PSS_pod_level_control` of `version`: `AppArmor` was a
    /// pod-level control until Kyverno 1.13.
    pub(crate) fn scope_in(self, version: super::version::KyvernoVersion) -> Scope {
        if self == Control::AppArmor && !version.app_armor_takes_images() {
            return Scope::Pod;
        }
        self.scope()
    }

    /// `PSS_container_level_control` / `PSS_pod_level_control` of the newest release.
    pub(crate) const fn scope(self) -> Scope {
        match self {
            Control::Capabilities
            | Control::PrivilegedContainers
            | Control::HostPorts
            | Control::ProcMountType
            | Control::PrivilegeEscalation => Scope::Container,
            Control::HostNamespaces | Control::HostPathVolumes | Control::Sysctls | Control::VolumeTypes => Scope::Pod,
            _ => Scope::Both,
        }
    }

    /// Whether policy validation rejects the name at `level: baseline` (the restricted-only
    /// controls; `Seccomp` and `Capabilities` are allowed at both levels).
    pub(crate) const fn restricted_only(self) -> bool {
        matches!(
            self,
            Control::VolumeTypes
                | Control::PrivilegeEscalation
                | Control::RunningAsNonRoot
                | Control::RunningAsNonRootUser
        )
    }
}

/// One `exclude` entry, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Exclusion {
    pub control: Control,
    pub images: Vec<String>,
    pub restricted_field: String,
    pub values: Vec<String>,
}

/// A rule's `podSecurity`, validated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct PodSecurity {
    pub level: Level,
    /// As written, for the message.
    pub level_text: String,
    /// As written (empty when absent), for the message and to parse at evaluation.
    pub version_text: String,
    /// The entries as the release reads them.
    pub exclude: Vec<Exclusion>,
    /// The entries as written (what pss's own evaluation applies): Kyverno 1.11 drops
    /// `restrictedField` and `values`.
    pub intended: Vec<Exclusion>,
}

/// Why a podSecurity rule could not be evaluated: Kyverno's rule error text.
pub(crate) const VERSION_ERROR: &str = "failed to parse pod security api version";

impl PodSecurity {
    /// The version to evaluate: `latest` when empty or `latest`, else upstream's parse (Kyverno's
    /// `ParseVersion`).
    pub(crate) fn version(&self) -> Result<Version, String> {
        if self.version_text.is_empty() {
            return Ok(Version::LATEST);
        }
        Version::parse(&self.version_text).map_err(|_| format!("{VERSION_ERROR}: {}", crate::VERSION_ACCEPTED))
    }

    /// What the Pod Security Standard says of the pod once `exclude` (and `extra`, the entries of
    /// PolicyExceptions) are applied right: pss's checks, each at its own version, minus the
    /// offending fields the entries cover. `privileged` allows everything.
    pub(crate) fn evaluate(
        &self,
        version: Version,
        kind: WorkloadKind,
        template: &TemplateRef<'_>,
        extra: &[&Exclusion],
    ) -> Vec<Violation> {
        let mut out = Vec::new();
        if self.level == Level::Privileged {
            return out;
        }
        let minor = version.effective_minor();
        let ctx = kind.ctx();
        let containers = template.containers();
        let host_paths = host_paths(template);
        let entries: Vec<&Exclusion> = self.intended.iter().chain(extra.iter().copied()).collect();
        for id in KYVERNO_ORDER {
            if self.level == Level::Baseline && id.level() != Level::Baseline {
                continue;
            }
            // Upstream's 1.35 split: at restricted, procMount_restricted replaces procMount.
            if id == CheckId::ProcMount
                && self.level == Level::Restricted
                && exists_at(CheckId::ProcMountRestricted, minor)
            {
                continue;
            }
            let found = match template {
                TemplateRef::Json(p) => run_check(id, *p, minor, &ctx),
                #[cfg(feature = "k8s-openapi")]
                TemplateRef::Typed(p) => run_check(id, p, minor, &ctx),
            };
            let Some(violation) = found else {
                continue;
            };
            if let Some(kept) = exclude_fields(&entries, violation, &ctx, &containers, &host_paths) {
                out.push(kept);
            }
        }
        out
    }
}

/// Each volume's `hostPath.path`, in order (`None` for other volumes).
pub(crate) fn host_paths<'t>(template: &'t TemplateRef<'_>) -> Vec<Option<&'t str>> {
    use crate::model::PodView;
    match template {
        TemplateRef::Json(p) => p.host_paths().collect(),
        #[cfg(feature = "k8s-openapi")]
        TemplateRef::Typed(p) => p.host_paths().collect(),
    }
}

/// The violation without the fields an applicable entry of `exclude` removes; `None` when none is left.
pub(crate) fn exclude_fields(
    exclude: &[&Exclusion],
    violation: Violation,
    ctx: &Ctx<'_>,
    containers: &[(crate::model::Slot, &str, &str)],
    host_paths: &[Option<&str>],
) -> Option<Violation> {
    let entries: Vec<&Exclusion> =
        exclude.iter().copied().filter(|e| e.control.checks().contains(&violation.check())).collect();
    if entries.is_empty() {
        return Some(violation);
    }
    if violation.fields().is_empty() {
        // Nothing to point at: a pod-level entry without a field filter covers the whole check.
        let whole = entries.iter().any(|e| e.images.is_empty() && e.restricted_field.is_empty());
        return (!whole).then_some(violation);
    }
    let remaining = violation.retain_fields(|f| {
        let full = f.path().to_string();
        let path = pod_relative(&full, ctx);
        !entries.iter().any(|e| e.covers(f, &full, &path, ctx, host_paths, containers))
    });
    match remaining {
        None => Some(violation),
        Some(kept) if kept.fields().is_empty() => None,
        Some(kept) => Some(kept),
    }
}

impl Exclusion {
    /// Whether this entry removes the field (whose pod-relative, index-free path is `path`; a
    /// hostPath volume's value is its path, from `host_paths`).
    fn covers(
        &self,
        field: &Field<'_>,
        full_path: &str,
        path: &str,
        ctx: &Ctx<'_>,
        host_paths: &[Option<&str>],
        containers: &[(crate::model::Slot, &str, &str)],
    ) -> bool {
        let scope_ok = match field.container() {
            Some(name) if !self.images.is_empty() => containers
                .iter()
                .find(|(_, n, _)| *n == name)
                .is_some_and(|(_, _, image)| any_wildcard(&self.images, image)),
            Some(_) => false,
            None => self.images.is_empty(),
        };
        if !scope_ok {
            return false;
        }
        if !self.restricted_field.is_empty() {
            // `...capabilities.add` names the list; each element is its own field here.
            let list = path.strip_suffix("[*]");
            if path != self.restricted_field && list != Some(self.restricted_field.as_str()) {
                return false;
            }
        }
        if !self.values.is_empty() {
            let values = field_values(field, full_path, ctx, host_paths);
            if values.is_empty() || !values.iter().all(|v| self.values.iter().any(|p| wildcard(p, v))) {
                return false;
            }
        }
        true
    }
}

/// A field's values as `values` selects them: strings as they are, booleans `true`/`false`,
/// integers in decimal, each element of a list, a hostPath volume's path; nothing for an unset
/// field or another volume.
fn field_values(field: &Field<'_>, path: &str, ctx: &Ctx<'_>, host_paths: &[Option<&str>]) -> Vec<String> {
    match field.value() {
        FieldValueRef::Bool(b) => vec![b.to_string()],
        FieldValueRef::Int(i) => vec![i.to_string()],
        FieldValueRef::String(s) => vec![s.to_owned()],
        FieldValueRef::List(items) => items.iter().map(str::to_owned).collect(),
        FieldValueRef::Object => host_path_index(path, ctx)
            .and_then(|i| host_paths.get(i).copied().flatten())
            .map(|p| vec![p.to_owned()])
            .unwrap_or_default(),
        FieldValueRef::Unset => Vec::new(),
    }
}

/// The index of the volume a `...spec.volumes[N].hostPath` field names.
fn host_path_index(path: &str, ctx: &Ctx<'_>) -> Option<usize> {
    let rest = path.strip_prefix(ctx.spec)?.strip_prefix(".volumes[")?;
    let (index, tail) = rest.split_once(']')?;
    (tail == ".hostPath").then(|| index.parse().ok()).flatten()
}

/// The field's path relative to the pod template (`spec.containers[*].securityContext.privileged`),
/// with every array index replaced by `*`; map keys (annotation names) are kept as they are.
pub(crate) fn pod_relative(path: &str, ctx: &Ctx<'_>) -> String {
    let rel = if let Some(rest) = path.strip_prefix(ctx.spec).filter(|r| r.starts_with('.')) {
        format!("spec{rest}")
    } else if let Some(rest) = path.strip_prefix(ctx.metadata).filter(|r| r.starts_with('.')) {
        format!("metadata{rest}")
    } else {
        path.to_owned()
    };
    let mut out = String::with_capacity(rel.len());
    let mut rest = rel.as_str();
    while let Some(open) = rest.find('[') {
        let (before, after) = rest.split_at(open);
        out.push_str(before);
        let Some(close) = after.find(']') else {
            out.push_str(after);
            return out;
        };
        let inner = &after[1..close];
        let is_map_key = out.ends_with("annotations") || out.ends_with("labels");
        if !is_map_key && !inner.is_empty() && inner.bytes().all(|b| b.is_ascii_digit()) {
            out.push_str("[*]");
        } else {
            out.push_str(&after[..=close]);
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The pass message.
pub(crate) fn pass_message(rule: &str) -> String {
    format!("Validation rule '{rule}' passed.")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `CheckId::title` is the control's name as Kyverno's `controlName`s spell it (Kyverno lists
    /// every control but Host Probes / Lifecycle Hooks, newer than its list).
    #[test]
    fn check_titles_are_kyvernos_control_names() {
        let mut named = Vec::new();
        for control in Control::ALL {
            for &id in control.checks() {
                assert_eq!(id.title(), control.name(), "{id}");
                named.push(id);
            }
        }
        let unnamed: Vec<CheckId> = CheckId::ALL.into_iter().filter(|id| !named.contains(id)).collect();
        assert_eq!(unnamed, [CheckId::HostProbesAndHostLifecycle]);
    }

    #[test]
    fn pod_relative_paths() {
        let pod = Ctx::POD;
        assert_eq!(
            pod_relative("spec.containers[0].securityContext.privileged", &pod),
            "spec.containers[*].securityContext.privileged"
        );
        assert_eq!(
            pod_relative("spec.initContainers[12].securityContext.capabilities.add[3]", &pod),
            "spec.initContainers[*].securityContext.capabilities.add[*]"
        );
        assert_eq!(
            pod_relative("metadata.annotations[container.apparmor.security.beta.kubernetes.io/web2]", &pod),
            "metadata.annotations[container.apparmor.security.beta.kubernetes.io/web2]"
        );
        let deploy = WorkloadKind::Deployment.ctx();
        assert_eq!(pod_relative("spec.template.spec.hostNetwork", &deploy), "spec.hostNetwork");
        assert_eq!(
            pod_relative("spec.template.metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]", &deploy),
            "metadata.annotations[seccomp.security.alpha.kubernetes.io/pod]"
        );
        let cron = WorkloadKind::CronJob.ctx();
        assert_eq!(
            pod_relative("spec.jobTemplate.spec.template.spec.volumes[2].hostPath", &cron),
            "spec.volumes[*].hostPath"
        );
    }

    #[test]
    fn controls_cover_every_check() {
        for id in KYVERNO_ORDER {
            let named = Control::ALL.iter().any(|c| c.checks().contains(&id));
            assert_eq!(named, id != CheckId::HostProbesAndHostLifecycle, "{id}");
        }
        let mut sorted: Vec<&str> = KYVERNO_ORDER.iter().map(|c| c.as_str()).collect();
        sorted.sort_unstable(); // Go sorts the file names byte-wise: seLinuxOptions before seccompProfile
        assert_eq!(sorted, KYVERNO_ORDER.iter().map(|c| c.as_str()).collect::<Vec<_>>());
    }
}
