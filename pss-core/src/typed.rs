//! The typed way in: k8s-openapi's `Pod`, or an `ObjectMeta` and a `PodSpec`.

use k8s_openapi::api::core::v1::{
    Container, EphemeralContainer, HTTPGetAction, LifecycleHandler, Pod, PodSpec, Probe, TCPSocketAction, Volume,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;

use crate::model::{ContainerKind, ContainerView, HostSite, PodView, Sc, Slot};

/// A pod given as borrowed parts: its metadata and its spec, either of which may be missing
/// (a missing spec is an empty one, as in Go).
///
/// This is how to evaluate a pod template (`PodTemplateSpec`) or any other place a
/// metadata-and-spec pair lives, without cloning it into a `Pod`.
///
/// ```
/// use k8s_openapi::api::core::v1::{Container, PodSpec, SecurityContext};
/// use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
/// use pss_core::{evaluate, LevelVersion, PodParts};
///
/// let spec = PodSpec {
///     containers: vec![Container {
///         name: "app".into(),
///         security_context: Some(SecurityContext { privileged: Some(true), ..Default::default() }),
///         ..Default::default()
///     }],
///     ..Default::default()
/// };
/// let meta = ObjectMeta::default();
/// let result = evaluate(LevelVersion::default(), &PodParts::new(Some(&meta), Some(&spec)));
/// assert_eq!(result.forbidden_reason(), "privileged");
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct PodParts<'a> {
    metadata: Option<&'a ObjectMeta>,
    spec: Option<&'a PodSpec>,
}

impl<'a> PodParts<'a> {
    /// No metadata and no spec: an empty pod.
    pub const EMPTY: PodParts<'static> = PodParts { metadata: None, spec: None };

    /// Borrows a metadata and a spec.
    pub fn new(metadata: Option<&'a ObjectMeta>, spec: Option<&'a PodSpec>) -> Self {
        PodParts { metadata, spec }
    }
}

impl<'a> From<&'a Pod> for PodParts<'a> {
    fn from(pod: &'a Pod) -> Self {
        PodParts::new(Some(&pod.metadata), pod.spec.as_ref())
    }
}

impl crate::sealed::Sealed for Pod {
    fn evaluate_with(&self, lv: crate::LevelVersion, ctx: &crate::checks::Ctx<'static>) -> Vec<crate::Violation> {
        crate::checks::run(lv, &PodParts::from(self), ctx)
    }
}
impl crate::PodSource for Pod {}

/// A bare spec, without metadata: evaluate it with [`crate::evaluate_spec`].
impl crate::sealed::Sealed for PodSpec {
    fn evaluate_with(&self, lv: crate::LevelVersion, ctx: &crate::checks::Ctx<'static>) -> Vec<crate::Violation> {
        crate::checks::run(lv, &PodParts::new(None, Some(self)), ctx)
    }
}
impl crate::PodSource for PodSpec {}

impl crate::sealed::Sealed for PodParts<'_> {
    fn evaluate_with(&self, lv: crate::LevelVersion, ctx: &crate::checks::Ctx<'static>) -> Vec<crate::Violation> {
        crate::checks::run(lv, self, ctx)
    }
}
impl crate::PodSource for PodParts<'_> {}

/// A regular, init or ephemeral container (ephemeral containers are a separate type in k8s-openapi
/// with the same fields the checks read).
#[derive(Debug, Clone, Copy)]
pub(crate) enum TypedContainer<'a> {
    Container(&'a Container),
    Ephemeral(&'a EphemeralContainer),
}

macro_rules! field {
    ($c:expr, $f:ident) => {
        match $c {
            TypedContainer::Container(c) => &c.$f,
            TypedContainer::Ephemeral(c) => &c.$f,
        }
    };
}

fn non_empty(host: &Option<String>) -> Option<&str> {
    host.as_deref().filter(|h| !h.is_empty())
}

fn probe_hosts(p: &Option<Probe>) -> [Option<&str>; 2] {
    match p {
        Some(p) => [
            p.http_get.as_ref().and_then(|a| non_empty(&a.host)),
            p.tcp_socket.as_ref().and_then(|a| non_empty(&a.host)),
        ],
        None => [None, None],
    }
}

fn handler_hosts(h: Option<&LifecycleHandler>) -> [Option<&str>; 2] {
    match h {
        Some(h) => [
            h.http_get.as_ref().and_then(|a| non_empty(&a.host)),
            h.tcp_socket.as_ref().and_then(|a| non_empty(&a.host)),
        ],
        None => [None, None],
    }
}

impl<'a> ContainerView<'a> for TypedContainer<'a> {
    fn name(self) -> &'a str {
        field!(self, name)
    }

    fn image(self) -> &'a str {
        field!(self, image).as_deref().unwrap_or("")
    }

    fn security_context(self) -> Option<Sc<'a>> {
        field!(self, security_context).as_ref().map(Sc::Container)
    }

    fn cap_add(self) -> impl Iterator<Item = &'a str> + 'a {
        field!(self, security_context)
            .as_ref()
            .and_then(|sc| sc.capabilities.as_ref())
            .and_then(|c| c.add.as_ref())
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    fn cap_drop(self) -> impl Iterator<Item = &'a str> + 'a {
        field!(self, security_context)
            .as_ref()
            .and_then(|sc| sc.capabilities.as_ref())
            .and_then(|c| c.drop.as_ref())
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    fn host_ports(self) -> impl Iterator<Item = i32> + 'a {
        field!(self, ports).as_ref().into_iter().flatten().map(|p| p.host_port.unwrap_or(0))
    }

    fn hosts(self) -> impl Iterator<Item = (HostSite, &'a str)> + 'a {
        let lifecycle = field!(self, lifecycle).as_ref();
        let [lh, lt] = probe_hosts(field!(self, liveness_probe));
        let [rh, rt] = probe_hosts(field!(self, readiness_probe));
        let [sh, st] = probe_hosts(field!(self, startup_probe));
        let [ph, pt] = handler_hosts(lifecycle.and_then(|l| l.post_start.as_ref()));
        let [eh, et] = handler_hosts(lifecycle.and_then(|l| l.pre_stop.as_ref()));
        [
            (HostSite::LivenessHttp, lh),
            (HostSite::LivenessTcp, lt),
            (HostSite::ReadinessHttp, rh),
            (HostSite::ReadinessTcp, rt),
            (HostSite::StartupHttp, sh),
            (HostSite::StartupTcp, st),
            (HostSite::PostStartHttp, ph),
            (HostSite::PostStartTcp, pt),
            (HostSite::PreStopHttp, eh),
            (HostSite::PreStopTcp, et),
        ]
        .into_iter()
        .filter_map(|(site, host)| Some((site, host?)))
    }

    /// As `hosts().next().is_some()`, without building every site's entry first: most containers
    /// have no probe or lifecycle handler with a host, and a compliant pod's pre-check asks this
    /// of every container.
    fn has_hosts(self) -> bool {
        fn set<A: HasHost>(a: &Option<A>) -> bool {
            a.as_ref().is_some_and(|a| a.host().is_some_and(|h| !h.is_empty()))
        }
        let probe = |p: &Option<Probe>| p.as_ref().is_some_and(|p| set(&p.http_get) || set(&p.tcp_socket));
        let handler = |h: &Option<LifecycleHandler>| h.as_ref().is_some_and(|h| set(&h.http_get) || set(&h.tcp_socket));
        probe(field!(self, liveness_probe))
            || probe(field!(self, readiness_probe))
            || probe(field!(self, startup_probe))
            || field!(self, lifecycle).as_ref().is_some_and(|l| handler(&l.post_start) || handler(&l.pre_stop))
    }
}

/// An httpGet or tcpSocket action's `host`.
trait HasHost {
    fn host(&self) -> Option<&str>;
}

impl HasHost for HTTPGetAction {
    fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
}

impl HasHost for TCPSocketAction {
    fn host(&self) -> Option<&str> {
        self.host.as_deref()
    }
}

/// The bit set of a volume's sources, in [`crate::model::VOLUME_SOURCES`] order.
fn volume_sources(v: &Volume) -> u32 {
    macro_rules! bits {
        ($($field:ident),* $(,)?) => {{
            let mut bits = 0u32;
            let mut bit = 1u32;
            $(
                if v.$field.is_some() {
                    bits |= bit;
                }
                bit <<= 1;
            )*
            let _ = bit;
            bits
        }};
    }
    bits!(
        config_map,
        csi,
        downward_api,
        empty_dir,
        ephemeral,
        image,
        persistent_volume_claim,
        projected,
        secret,
        host_path,
        gce_persistent_disk,
        aws_elastic_block_store,
        git_repo,
        nfs,
        iscsi,
        glusterfs,
        rbd,
        flex_volume,
        cinder,
        cephfs,
        flocker,
        fc,
        azure_file,
        vsphere_volume,
        quobyte,
        azure_disk,
        photon_persistent_disk,
        portworx_volume,
        scale_io,
        storageos,
    )
}

/// Init, regular, then ephemeral containers with their places, without the cost of chained iterators.
#[derive(Debug, Clone)]
pub(crate) struct TypedSlots<'a> {
    init: &'a [Container],
    regular: &'a [Container],
    ephemeral: &'a [EphemeralContainer],
    kind: ContainerKind,
    index: usize,
}

impl<'a> Iterator for TypedSlots<'a> {
    type Item = (Slot, TypedContainer<'a>);

    #[inline]
    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let index = self.index;
            let found = match self.kind {
                ContainerKind::Init => self.init.get(index).map(TypedContainer::Container),
                ContainerKind::Regular => self.regular.get(index).map(TypedContainer::Container),
                ContainerKind::Ephemeral => self.ephemeral.get(index).map(TypedContainer::Ephemeral),
            };
            match (found, self.kind) {
                (Some(c), kind) => {
                    self.index += 1;
                    return Some((Slot { kind, index }, c));
                }
                (None, ContainerKind::Init) => self.kind = ContainerKind::Regular,
                (None, ContainerKind::Regular) => self.kind = ContainerKind::Ephemeral,
                (None, ContainerKind::Ephemeral) => return None,
            }
            self.index = 0;
        }
    }
}

impl PodView for PodParts<'_> {
    type Container<'b>
        = TypedContainer<'b>
    where
        Self: 'b;

    fn annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.metadata.and_then(|m| m.annotations.as_ref()).into_iter().flatten().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    fn annotation(&self, key: &str) -> Option<&str> {
        self.metadata.and_then(|m| m.annotations.as_ref()).and_then(|a| a.get(key)).map(String::as_str)
    }

    fn host_network(&self) -> bool {
        self.spec.and_then(|s| s.host_network).unwrap_or(false)
    }

    fn host_pid(&self) -> bool {
        self.spec.and_then(|s| s.host_pid).unwrap_or(false)
    }

    fn host_ipc(&self) -> bool {
        self.spec.and_then(|s| s.host_ipc).unwrap_or(false)
    }

    fn host_users(&self) -> Option<bool> {
        self.spec.and_then(|s| s.host_users)
    }

    fn runtime_class_name(&self) -> Option<&str> {
        self.spec.and_then(|s| s.runtime_class_name.as_deref())
    }

    fn os_name(&self) -> Option<&str> {
        self.spec.and_then(|s| s.os.as_ref()).map(|os| os.name.as_str())
    }

    fn security_context(&self) -> Option<Sc<'_>> {
        self.spec.and_then(|s| s.security_context.as_ref()).map(Sc::Pod)
    }

    fn sysctls(&self) -> impl Iterator<Item = &str> + '_ {
        self.spec
            .and_then(|s| s.security_context.as_ref())
            .and_then(|sc| sc.sysctls.as_ref())
            .into_iter()
            .flatten()
            .map(|s| s.name.as_str())
    }

    fn volumes(&self) -> impl Iterator<Item = (&str, u32)> + '_ {
        self.spec.and_then(|s| s.volumes.as_ref()).into_iter().flatten().map(|v| (v.name.as_str(), volume_sources(v)))
    }

    fn host_paths(&self) -> impl Iterator<Item = Option<&str>> + '_ {
        self.spec
            .and_then(|s| s.volumes.as_ref())
            .into_iter()
            .flatten()
            .map(|v| v.host_path.as_ref().map(|h| h.path.as_str()))
    }

    fn containers(&self) -> impl Iterator<Item = (Slot, TypedContainer<'_>)> + '_ {
        let spec = self.spec;
        TypedSlots {
            init: spec.and_then(|s| s.init_containers.as_deref()).unwrap_or(&[]),
            regular: spec.map_or(&[], |s| s.containers.as_slice()),
            ephemeral: spec.and_then(|s| s.ephemeral_containers.as_deref()).unwrap_or(&[]),
            kind: ContainerKind::Init,
            index: 0,
        }
    }
}
