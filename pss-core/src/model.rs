//! The read-only view of a pod that every check is written against.
//!
//! Two inputs implement it: k8s-openapi's typed structs (`typed.rs`) and the borrowed JSON decoding
//! (`json/pod.rs`). Each check is written once, generic over [`PodView`], so both inputs run the
//! same code and give the same results.

/// A pod or container security context, borrowed from either way in; each accessor reads one
/// field. (Pod-level contexts have no container-only fields: those read as `None`.)
#[derive(Debug, Clone, Copy)]
pub(crate) enum Sc<'a> {
    #[cfg(feature = "k8s-openapi")]
    Pod(&'a k8s_openapi::api::core::v1::PodSecurityContext),
    #[cfg(feature = "k8s-openapi")]
    Container(&'a k8s_openapi::api::core::v1::SecurityContext),
    Json(&'a crate::json::pod::ScDoc<'a>),
}

/// Reads the same field from whichever context it is.
macro_rules! both {
    ($sc:expr, |$c:ident| $e:expr, json |$j:ident| $je:expr) => {
        match $sc {
            #[cfg(feature = "k8s-openapi")]
            Sc::Pod($c) => $e,
            #[cfg(feature = "k8s-openapi")]
            Sc::Container($c) => $e,
            Sc::Json($j) => $je,
        }
    };
}

/// Reads a container-only field.
macro_rules! container_only {
    ($sc:expr, |$c:ident| $e:expr, json |$j:ident| $je:expr) => {
        match $sc {
            #[cfg(feature = "k8s-openapi")]
            Sc::Pod(_) => None,
            #[cfg(feature = "k8s-openapi")]
            Sc::Container($c) => $e,
            Sc::Json($j) => $je,
        }
    };
}

impl<'a> Sc<'a> {
    /// `appArmorProfile.type`, when `appArmorProfile` is set.
    #[inline]
    pub(crate) fn app_armor_type(self) -> Option<&'a str> {
        both!(self, |c| c.app_armor_profile.as_ref().map(|p| p.type_.as_str()), json | j | j.app_armor_type.as_deref())
    }

    #[inline]
    pub(crate) fn run_as_non_root(self) -> Option<bool> {
        both!(self, |c| c.run_as_non_root, json | j | j.run_as_non_root)
    }

    #[inline]
    pub(crate) fn run_as_user(self) -> Option<i64> {
        both!(self, |c| c.run_as_user, json | j | j.run_as_user)
    }

    #[inline]
    pub(crate) fn se_linux(self) -> Option<SeLinux<'a>> {
        both!(
            self,
            |c| c.se_linux_options.as_ref().map(|o| SeLinux {
                type_: o.type_.as_deref().unwrap_or(""),
                user: o.user.as_deref().unwrap_or(""),
                role: o.role.as_deref().unwrap_or(""),
            }),
            json | j | j.se_linux.as_deref().map(|[t, u, r]| SeLinux { type_: t, user: u, role: r })
        )
    }

    /// `seccompProfile.type`, when `seccompProfile` is set.
    #[inline]
    pub(crate) fn seccomp_type(self) -> Option<&'a str> {
        both!(self, |c| c.seccomp_profile.as_ref().map(|p| p.type_.as_str()), json | j | j.seccomp_type.as_deref())
    }

    /// `windowsOptions.hostProcess`.
    #[inline]
    pub(crate) fn host_process(self) -> Option<bool> {
        both!(self, |c| c.windows_options.as_ref().and_then(|w| w.host_process), json | j | j.windows.flatten())
    }

    #[inline]
    pub(crate) fn allow_privilege_escalation(self) -> Option<bool> {
        container_only!(self, |c| c.allow_privilege_escalation, json | j | j.allow_privilege_escalation)
    }

    #[inline]
    pub(crate) fn privileged(self) -> Option<bool> {
        container_only!(self, |c| c.privileged, json | j | j.privileged)
    }

    #[inline]
    pub(crate) fn proc_mount(self) -> Option<&'a str> {
        container_only!(self, |c| c.proc_mount.as_deref(), json | j | j.proc_mount.as_deref())
    }

    /// Whether `capabilities` is set.
    #[inline]
    pub(crate) fn has_capabilities(self) -> bool {
        container_only!(self, |c| Some(c.capabilities.is_some()), json | j | Some(j.capabilities.is_some()))
            .unwrap_or(false)
    }
}

/// `seLinuxOptions` (unset strings are empty, as in Go).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SeLinux<'a> {
    pub type_: &'a str,
    pub user: &'a str,
    pub role: &'a str,
}

/// Which list a container is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContainerKind {
    Init,
    Regular,
    Ephemeral,
}

impl ContainerKind {
    pub(crate) fn field(self) -> &'static str {
        match self {
            ContainerKind::Init => "initContainers",
            ContainerKind::Regular => "containers",
            ContainerKind::Ephemeral => "ephemeralContainers",
        }
    }
}

/// A container's place in the pod spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Slot {
    pub kind: ContainerKind,
    pub index: usize,
}

/// Where a probe or lifecycle handler sets a host, in the order upstream checks them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HostSite {
    LivenessHttp,
    LivenessTcp,
    ReadinessHttp,
    ReadinessTcp,
    StartupHttp,
    StartupTcp,
    PostStartHttp,
    PostStartTcp,
    PreStopHttp,
    PreStopTcp,
}

impl HostSite {
    /// The field path under the container.
    pub(crate) fn path(self) -> &'static str {
        match self {
            HostSite::LivenessHttp => "livenessProbe.httpGet.host",
            HostSite::LivenessTcp => "livenessProbe.tcpSocket.host",
            HostSite::ReadinessHttp => "readinessProbe.httpGet.host",
            HostSite::ReadinessTcp => "readinessProbe.tcpSocket.host",
            HostSite::StartupHttp => "startupProbe.httpGet.host",
            HostSite::StartupTcp => "startupProbe.tcpSocket.host",
            HostSite::PostStartHttp => "lifecycle.postStart.httpGet.host",
            HostSite::PostStartTcp => "lifecycle.postStart.tcpSocket.host",
            HostSite::PreStopHttp => "lifecycle.preStop.httpGet.host",
            HostSite::PreStopTcp => "lifecycle.preStop.tcpSocket.host",
        }
    }
}

/// The volume sources upstream knows, in the order of its `restrictedVolumes` switch: the allowed
/// ones first, then the restricted ones. A volume's sources are a bit set over this table.
pub(crate) const VOLUME_SOURCES: [&str; 30] = [
    // allowed at restricted
    "configMap",
    "csi",
    "downwardAPI",
    "emptyDir",
    "ephemeral",
    "image",
    "persistentVolumeClaim",
    "projected",
    "secret",
    // restricted
    "hostPath",
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "gitRepo",
    "nfs",
    "iscsi",
    "glusterfs",
    "rbd",
    "flexVolume",
    "cinder",
    "cephfs",
    "flocker",
    "fc",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "storageos",
];

/// Bits of [`VOLUME_SOURCES`] that are allowed at restricted.
pub(crate) const ALLOWED_VOLUME_SOURCES: u32 = (1 << 9) - 1;
/// The bit of `hostPath`.
pub(crate) const HOST_PATH: u32 = 1 << 9;

/// The bit for a volume source field name, if upstream knows it: its index in [`VOLUME_SOURCES`].
/// Found by a hash that tells the 30 names apart, then compared once: it runs for every key of every
/// volume, and a search of the table cost about 150 instructions (a `match` is as fast as the hash
/// but larger, and the WASM package is near its size budget).
pub(crate) fn volume_source_bit(name: &[u8]) -> Option<u32> {
    let i = usize::from(VOLUME_SOURCE_BY_HASH[volume_source_hash(name)?]);
    (VOLUME_SOURCES.get(i)?.as_bytes() == name).then(|| 1 << i)
}

/// A hash of a name's first two bytes, last byte and length, in `0..64`; none for names shorter
/// than two bytes (no volume source is).
const fn volume_source_hash(name: &[u8]) -> Option<usize> {
    match name {
        [first, second, ..] => {
            let last = name[name.len() - 1];
            let sum = *first as usize + 3 * (*second as usize + last as usize) + name.len().wrapping_mul(6);
            Some(sum % 64)
        }
        _ => None,
    }
}

/// [`VOLUME_SOURCES`] indices by [`volume_source_hash`] (`u8::MAX` for none). Building it fails to
/// compile if two names share a hash.
const VOLUME_SOURCE_BY_HASH: [u8; 64] = {
    let mut table = [u8::MAX; 64];
    let mut i = 0;
    while i < VOLUME_SOURCES.len() {
        let Some(hash) = volume_source_hash(VOLUME_SOURCES[i].as_bytes()) else {
            panic!("a volume source name shorter than two bytes")
        };
        assert!(table[hash] == u8::MAX, "two volume source names share a hash");
        table[hash] = i as u8;
        i += 1;
    }
    table
};

/// A container, as the checks see it. Implementations are cheap copies of a reference.
pub(crate) trait ContainerView<'a>: Copy {
    fn name(self) -> &'a str;
    /// `image` ("" when unset).
    fn image(self) -> &'a str;
    fn security_context(self) -> Option<Sc<'a>>;
    /// `securityContext.capabilities.add`.
    fn cap_add(self) -> impl Iterator<Item = &'a str> + 'a;
    /// `securityContext.capabilities.drop`.
    fn cap_drop(self) -> impl Iterator<Item = &'a str> + 'a;
    /// Each port's `hostPort` (0 when unset), in order.
    fn host_ports(self) -> impl Iterator<Item = i32> + 'a;
    /// Each non-empty probe or lifecycle-handler host, in [`HostSite`] order.
    fn hosts(self) -> impl Iterator<Item = (HostSite, &'a str)> + 'a;
    /// Whether [`ContainerView::hosts`] has any.
    fn has_hosts(self) -> bool {
        self.hosts().next().is_some()
    }
}

/// A pod (metadata and spec), as the checks see it.
pub(crate) trait PodView {
    type Container<'a>: ContainerView<'a>
    where
        Self: 'a;

    /// Annotations, sorted by key.
    fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_;
    fn annotation(&self, key: &str) -> Option<&str>;
    fn host_network(&self) -> bool;
    fn host_pid(&self) -> bool;
    fn host_ipc(&self) -> bool;
    fn host_users(&self) -> Option<bool>;
    /// `spec.runtimeClassName`, when set.
    #[cfg_attr(not(feature = "admission"), allow(dead_code))]
    fn runtime_class_name(&self) -> Option<&str>;
    /// `spec.os.name`, when `spec.os` is set.
    fn os_name(&self) -> Option<&str>;
    fn security_context(&self) -> Option<Sc<'_>>;
    /// `spec.securityContext.sysctls[*].name`.
    fn sysctls(&self) -> impl Iterator<Item = &str> + '_;
    /// Each volume's name and the bit set of its sources (see [`VOLUME_SOURCES`]).
    fn volumes(&self) -> impl Iterator<Item = (&str, u32)> + '_;
    /// Each volume's `hostPath.path` (`Some("")` when `hostPath` is set without a path, `None`
    /// when it is not set), in the order of [`PodView::volumes`].
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    fn host_paths(&self) -> impl Iterator<Item = Option<&str>> + '_;
    /// Every container, in upstream's visiting order: init, regular, ephemeral.
    fn containers(&self) -> impl Iterator<Item = (Slot, Self::Container<'_>)> + '_;
}

#[cfg(test)]
mod tests {
    use super::{volume_source_bit, VOLUME_SOURCES};

    #[test]
    fn volume_source_bits_match_the_table() {
        for (i, name) in VOLUME_SOURCES.iter().enumerate() {
            assert_eq!(volume_source_bit(name.as_bytes()), Some(1 << i), "{name}");
            // A prefix, an extension or another case of a name is no source.
            assert_eq!(volume_source_bit(&name.as_bytes()[1..]), None, "{name}");
            assert_eq!(volume_source_bit(format!("{name}s").as_bytes()), None, "{name}");
            assert_eq!(volume_source_bit(name.to_uppercase().as_bytes()), None, "{name}");
        }
        assert_eq!(volume_source_bit(b"name"), None);
        assert_eq!(volume_source_bit(b"c"), None);
        assert_eq!(volume_source_bit(b""), None);
    }
}
