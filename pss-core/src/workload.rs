//! Pod controllers: any object that carries a pod template is evaluated through its template, with
//! field paths relative to the object, as the admission controller's `PodSpecExtractor` does.

use core::fmt;

use crate::checks::Ctx;
use crate::error::Error;
use crate::json::pod::{utf8, ObjectHeader, PodDocument};
use crate::json::reader::{PathStyle, Reader, Result as ReadResult};
use crate::level::LevelVersion;
use crate::violation::Evaluation;

/// The kinds whose objects carry a pod template, as upstream's admission controller knows them.
///
/// ```
/// use pss_core::WorkloadKind;
///
/// assert_eq!(WorkloadKind::from_type(Some("apps/v1"), "Deployment"), Some(WorkloadKind::Deployment));
/// assert_eq!(WorkloadKind::from_type(Some("example.com/v1"), "Deployment"), None); // another group
/// assert_eq!(WorkloadKind::CronJob.template_path(), "spec.jobTemplate.spec.template");
/// assert_eq!(WorkloadKind::Pod.resource(), "pods");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum WorkloadKind {
    /// `v1` Pod: evaluated itself.
    Pod,
    /// `v1` PodTemplate (`template`).
    PodTemplate,
    /// `v1` ReplicationController (`spec.template`, which may be absent).
    ReplicationController,
    /// `apps/v1` ReplicaSet (`spec.template`).
    ReplicaSet,
    /// `apps/v1` Deployment (`spec.template`).
    Deployment,
    /// `apps/v1` StatefulSet (`spec.template`).
    StatefulSet,
    /// `apps/v1` DaemonSet (`spec.template`).
    DaemonSet,
    /// `batch/v1` Job (`spec.template`).
    Job,
    /// `batch/v1` CronJob (`spec.jobTemplate.spec.template`).
    CronJob,
}

impl WorkloadKind {
    /// Every kind.
    pub const ALL: [WorkloadKind; 9] = [
        WorkloadKind::Pod,
        WorkloadKind::PodTemplate,
        WorkloadKind::ReplicationController,
        WorkloadKind::ReplicaSet,
        WorkloadKind::Deployment,
        WorkloadKind::StatefulSet,
        WorkloadKind::DaemonSet,
        WorkloadKind::Job,
        WorkloadKind::CronJob,
    ];

    /// The object `kind` (`"Deployment"`).
    pub const fn kind(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "Pod",
            WorkloadKind::PodTemplate => "PodTemplate",
            WorkloadKind::ReplicationController => "ReplicationController",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
            WorkloadKind::Job => "Job",
            WorkloadKind::CronJob => "CronJob",
        }
    }

    /// The API group (`""` for core, `"apps"`, `"batch"`).
    pub const fn group(self) -> &'static str {
        match self {
            WorkloadKind::Pod | WorkloadKind::PodTemplate | WorkloadKind::ReplicationController => "",
            WorkloadKind::ReplicaSet
            | WorkloadKind::Deployment
            | WorkloadKind::StatefulSet
            | WorkloadKind::DaemonSet => "apps",
            WorkloadKind::Job | WorkloadKind::CronJob => "batch",
        }
    }

    /// The resource name the API server uses in messages (`"pods"`, `"deployments"`).
    pub const fn resource(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "pods",
            WorkloadKind::PodTemplate => "podtemplates",
            WorkloadKind::ReplicationController => "replicationcontrollers",
            WorkloadKind::ReplicaSet => "replicasets",
            WorkloadKind::Deployment => "deployments",
            WorkloadKind::StatefulSet => "statefulsets",
            WorkloadKind::DaemonSet => "daemonsets",
            WorkloadKind::Job => "jobs",
            WorkloadKind::CronJob => "cronjobs",
        }
    }

    /// The path of the pod template in the object (`""` for a Pod, which is its own template).
    pub const fn template_path(self) -> &'static str {
        match self {
            WorkloadKind::Pod => "",
            WorkloadKind::PodTemplate => "template",
            WorkloadKind::CronJob => "spec.jobTemplate.spec.template",
            _ => "spec.template",
        }
    }

    /// Where field paths of the template's metadata and spec start.
    pub(crate) const fn ctx(self) -> Ctx<'static> {
        match self {
            WorkloadKind::Pod => Ctx::POD,
            WorkloadKind::PodTemplate => Ctx { metadata: "template.metadata", spec: "template.spec" },
            WorkloadKind::CronJob => {
                Ctx { metadata: "spec.jobTemplate.spec.template.metadata", spec: "spec.jobTemplate.spec.template.spec" }
            }
            _ => Ctx { metadata: "spec.template.metadata", spec: "spec.template.spec" },
        }
    }

    /// Whether the template is a pointer upstream, so an object can have none (ReplicationController).
    const fn template_optional(self) -> bool {
        matches!(self, WorkloadKind::ReplicationController)
    }

    /// [`WorkloadKind::template_path`] split at its dots.
    const fn template_keys(self) -> &'static [&'static str] {
        match self {
            WorkloadKind::Pod => &[],
            WorkloadKind::PodTemplate => &["template"],
            WorkloadKind::CronJob => &["spec", "jobTemplate", "spec", "template"],
            _ => &["spec", "template"],
        }
    }

    /// The kind of an object with this `apiVersion` and `kind`. When `apiVersion` is given its group
    /// must match (`apps/v1` for a Deployment); without one the kind alone decides.
    pub fn from_type(api_version: Option<&str>, kind: &str) -> Option<WorkloadKind> {
        let wk = WorkloadKind::ALL.into_iter().find(|k| k.kind() == kind)?;
        match api_version {
            None => Some(wk),
            Some(av) => (api_group(av) == Some(wk.group())).then_some(wk),
        }
    }
}

impl fmt::Display for WorkloadKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.kind())
    }
}

/// Why an object was not evaluated.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NoPodTemplate {
    /// The object has no `kind` (or an empty one). The API server and kubectl refuse such an object,
    /// so no pod is ever created from it; it is not evaluated (see [`ObjectClass::NoKind`]).
    NoKind,
    /// The object is not a pod or a pod controller (say a Service); `kind` as it says.
    NotAPodController {
        /// The object's `kind`.
        kind: String,
    },
    /// A controller whose template is optional and absent (a ReplicationController without
    /// `spec.template`); upstream allows it.
    TemplateAbsent {
        /// The controller's kind.
        kind: WorkloadKind,
    },
}

impl NoPodTemplate {
    /// Whether the object is allowed although it was not evaluated: only a controller whose
    /// optional template is absent (it creates no pods; upstream allows it). Anything else that was
    /// not evaluated is neither allowed nor denied, and must not be reported as allowed.
    pub fn allowed(&self) -> bool {
        matches!(self, NoPodTemplate::TemplateAbsent { .. })
    }
}

impl fmt::Display for NoPodTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NoPodTemplate::NoKind => f.write_str(NO_KIND),
            NoPodTemplate::NotAPodController { kind } => {
                write!(f, "no pod template: {kind} is not a pod or a pod controller")
            }
            NoPodTemplate::TemplateAbsent { kind } => {
                write!(f, "no pod template: the {kind} has no {}", kind.template_path())
            }
        }
    }
}

/// Why a document without `kind` is not evaluated, in every surface's words.
const NO_KIND: &str = "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated";

/// What pss does with an object, by its `apiVersion` and `kind`: the one rule the CLI, the C ABI,
/// the Go package and the npm package follow for every document they read without being told
/// what it is.
///
/// - A pod or a pod controller ([`WorkloadKind`]) is evaluated.
/// - A `v1` Namespace is a namespace: its labels are the PodSecurity policy of the objects in it.
/// - A list (`List`, `PodList`, ...) holds objects in `items`, each handled on its own.
/// - Any other kind is not a workload: not evaluated.
/// - A document without `kind` is not evaluated either: it is not a Kubernetes object, and
///   kubectl and the API server refuse it, so no pod is created from it. It is never reported as
///   allowed. (Where the caller says what a document is, the kind is not needed:
///   [`evaluate_json`](crate::evaluate_json) takes it for a pod and
///   [`evaluate_spec_json`](crate::evaluate_spec_json) for a pod spec.)
///
/// ```
/// use pss_core::{ObjectClass, ObjectDocument, WorkloadKind};
///
/// let class = |text| ObjectDocument::from_str(text).unwrap().header().class().to_owned();
/// assert_eq!(class(r#"{"apiVersion": "apps/v1", "kind": "Deployment"}"#), ObjectClass::Workload(WorkloadKind::Deployment));
/// assert_eq!(class(r#"{"apiVersion": "v1", "kind": "Namespace"}"#), ObjectClass::Namespace);
/// assert_eq!(class(r#"{"apiVersion": "v1", "kind": "List", "items": []}"#), ObjectClass::List);
/// assert_eq!(class(r#"{"apiVersion": "v1", "kind": "Service"}"#), ObjectClass::Other("Service".into()));
/// assert_eq!(class(r#"{"spec": {"containers": []}}"#), ObjectClass::NoKind);
/// assert_eq!(ObjectClass::NoKind.to_string(), "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ObjectClass<'a> {
    /// A pod or a pod controller: evaluated.
    Workload(WorkloadKind),
    /// A `v1` Namespace: its labels are the policy of the objects in it.
    Namespace,
    /// A list (`List`, `PodList`, ...): each of its `items` is handled on its own.
    List,
    /// Another kind: not a workload, not evaluated.
    Other(std::borrow::Cow<'a, str>),
    /// No `kind`: not a Kubernetes object, not evaluated.
    NoKind,
}

impl ObjectClass<'_> {
    /// The class of an object with this `apiVersion` and `kind` (either may be missing).
    pub fn of<'k>(api_version: Option<&str>, kind: Option<&'k str>) -> ObjectClass<'k> {
        let Some(kind) = kind.filter(|k| !k.is_empty()) else {
            return ObjectClass::NoKind;
        };
        if let Some(workload) = WorkloadKind::from_type(api_version, kind) {
            return ObjectClass::Workload(workload);
        }
        let core = api_version.is_none_or(|v| api_group(v) == Some(""));
        match kind {
            "Namespace" if core => ObjectClass::Namespace,
            kind if kind.ends_with("List") => ObjectClass::List,
            kind => ObjectClass::Other(std::borrow::Cow::Borrowed(kind)),
        }
    }

    /// The class without borrowing.
    pub fn to_owned(&self) -> ObjectClass<'static> {
        match self {
            ObjectClass::Workload(k) => ObjectClass::Workload(*k),
            ObjectClass::Namespace => ObjectClass::Namespace,
            ObjectClass::List => ObjectClass::List,
            ObjectClass::Other(k) => ObjectClass::Other(std::borrow::Cow::Owned(k.clone().into_owned())),
            ObjectClass::NoKind => ObjectClass::NoKind,
        }
    }

    /// Whether objects of this class are evaluated (pods and pod controllers).
    pub fn is_workload(&self) -> bool {
        matches!(self, ObjectClass::Workload(_))
    }

    /// Whether reviewing an object of this class reads more than its header: a workload's pod
    /// template, a List's items. For the other classes (a Namespace, another kind, no kind), the
    /// object made of its header's members alone ([`ObjectHeader::MEMBERS`]) decodes and reviews
    /// (`Admission::review_object`) as the whole object does when the rest of it is well-formed
    /// JSON, so a reader that builds JSON (from YAML, say) may build only those members first, and
    /// the rest only when this says so.
    ///
    /// ```
    /// use pss_core::{ObjectClass, ObjectHeader};
    ///
    /// let header = ObjectHeader::from_str(r#"{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c"}}"#)?;
    /// assert!(!header.class().needs_more_than_header());
    /// assert!(ObjectClass::of(Some("apps/v1"), Some("Deployment")).needs_more_than_header());
    /// assert!(ObjectClass::of(Some("v1"), Some("List")).needs_more_than_header());
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn needs_more_than_header(&self) -> bool {
        !matches!(self, ObjectClass::Namespace | ObjectClass::Other(_) | ObjectClass::NoKind)
    }
}

/// kubectl's namespace when it is not told one (`--namespace`, the context's): where an object
/// without `metadata.namespace` is created.
pub const DEFAULT_NAMESPACE: &str = "default";

/// The namespace an object is created in, as kubectl picks it: its own `metadata.namespace`, or
/// `default` (kubectl's `--namespace`, `"default"` unless given) when it has none or an empty one.
///
/// ```
/// use pss_core::namespace_of;
/// assert_eq!(namespace_of(Some("prod"), "default"), "prod");
/// assert_eq!(namespace_of(Some(""), "default"), "default");
/// assert_eq!(namespace_of(None, "ci"), "ci");
/// ```
pub fn namespace_of<'a>(namespace: Option<&'a str>, default: &'a str) -> &'a str {
    namespace.filter(|n| !n.is_empty()).unwrap_or(default)
}

/// The kinds of Kubernetes' built-in API that are cluster-scoped, by API group (`""` for the core
/// group): those its discovery lists as not namespaced (as Kyverno 1.19's CLI embeds them in
/// `data/api-group-resources.json`, with the review kinds and the `nodes/proxy` subresource's).
const CLUSTER_SCOPED: [(&str, &str); 33] = [
    ("", "ComponentStatus"),
    ("", "Namespace"),
    ("", "Node"),
    ("", "NodeProxyOptions"),
    ("", "PersistentVolume"),
    ("admissionregistration.k8s.io", "MutatingWebhookConfiguration"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicy"),
    ("admissionregistration.k8s.io", "ValidatingAdmissionPolicyBinding"),
    ("admissionregistration.k8s.io", "ValidatingWebhookConfiguration"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apiregistration.k8s.io", "APIService"),
    ("authentication.k8s.io", "SelfSubjectReview"),
    ("authentication.k8s.io", "TokenReview"),
    ("authorization.k8s.io", "SelfSubjectAccessReview"),
    ("authorization.k8s.io", "SelfSubjectRulesReview"),
    ("authorization.k8s.io", "SubjectAccessReview"),
    ("certificates.k8s.io", "CertificateSigningRequest"),
    ("flowcontrol.apiserver.k8s.io", "FlowSchema"),
    ("flowcontrol.apiserver.k8s.io", "PriorityLevelConfiguration"),
    ("networking.k8s.io", "IPAddress"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "ServiceCIDR"),
    ("node.k8s.io", "RuntimeClass"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("resource.k8s.io", "DeviceClass"),
    ("resource.k8s.io", "ResourceSlice"),
    ("scheduling.k8s.io", "PriorityClass"),
    ("storage.k8s.io", "CSIDriver"),
    ("storage.k8s.io", "CSINode"),
    ("storage.k8s.io", "StorageClass"),
    ("storage.k8s.io", "VolumeAttachment"),
    ("storage.k8s.io", "VolumeAttributesClass"),
];

/// Whether objects of `kind` in the API group of `api_version` are cluster-scoped (created in no
/// namespace) in Kubernetes' built-in API: `Namespace`, `Node`, `PersistentVolume`, `ClusterRole`,
/// `StorageClass`, `CustomResourceDefinition`, ... The group is the part of `apiVersion` before its
/// one `/` (the core group for `v1` or a missing `apiVersion`); the version is not looked at. A
/// malformed `apiVersion`, with more than one `/`, names no group: nothing in it is cluster-scoped.
/// A kind outside the built-in API (a custom resource's) is taken as namespaced.
///
/// ```
/// use pss_core::is_cluster_scoped;
///
/// assert!(is_cluster_scoped(Some("v1"), "Namespace"));
/// assert!(is_cluster_scoped(Some("rbac.authorization.k8s.io/v1"), "ClusterRole"));
/// assert!(!is_cluster_scoped(Some("v1"), "ClusterRole")); // not in the core group
/// assert!(!is_cluster_scoped(Some("example.com/v1"), "Namespace"));
/// assert!(!is_cluster_scoped(Some("apps/v1"), "Deployment"));
/// ```
pub fn is_cluster_scoped(api_version: Option<&str>, kind: &str) -> bool {
    api_version.map_or(Some(""), api_group).is_some_and(|group| CLUSTER_SCOPED.contains(&(group, kind)))
}

/// The API group of an `apiVersion`, as apimachinery's `schema.ParseGroupVersion` reads it: `""`
/// (the core group) for `v1`, `""` or `/`; the part before the one `/` otherwise (`apps` of
/// `apps/v1`, `""` of `/v1`). `None` for a malformed `apiVersion` with more than one `/`, which
/// the API server and kubectl refuse: it names no group, not even the core one.
///
/// The one reading of an `apiVersion`'s group for [`WorkloadKind::from_type`], [`ObjectClass::of`]
/// and [`is_cluster_scoped`].
fn api_group(api_version: &str) -> Option<&str> {
    match api_version.split_once('/') {
        None => Some(""),
        Some((group, version)) => (!version.contains('/')).then_some(group),
    }
}

impl fmt::Display for ObjectClass<'_> {
    /// What pss does with the object: `a Deployment: evaluated`, `a Service: not a workload`, ...
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectClass::Workload(k) => write!(f, "{k}: evaluated"),
            ObjectClass::Namespace => f.write_str("Namespace: its labels are the policy of the objects in it"),
            ObjectClass::List => f.write_str("list: each item is handled on its own"),
            ObjectClass::Other(_) => f.write_str("not a workload"),
            ObjectClass::NoKind => f.write_str(NO_KIND),
        }
    }
}

impl std::error::Error for NoPodTemplate {}

/// Any Kubernetes object decoded from JSON: its header, and the pod template when it is a pod or
/// a pod controller (see [`WorkloadKind`]).
///
/// ```
/// use pss_core::{evaluate_object, LevelVersion, ObjectDocument, WorkloadKind};
///
/// let text = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
///   "spec": {"template": {"spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}"#;
/// let obj = ObjectDocument::from_str(text)?;
/// assert_eq!(obj.workload_kind(), Some(WorkloadKind::Deployment));
/// let result = evaluate_object(LevelVersion::default(), &obj).unwrap();
/// assert_eq!(result[0].fields().get(0).unwrap().path(), "spec.template.spec.containers[0].securityContext.privileged");
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ObjectDocument<'a> {
    /// Empty for a Pod, whose header is its template's ([`ObjectDocument::header`]).
    header: ObjectHeader<'a>,
    kind: Option<WorkloadKind>,
    template: Option<PodDocument<'a>>,
    /// A CronJob's `spec.jobTemplate.metadata` (Kyverno reads its annotations for the pod).
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    job_template: Option<ObjectHeader<'a>>,
}

impl<'a> ObjectDocument<'a> {
    /// Decodes an object: its header, then its pod template if its kind has one.
    ///
    /// # Errors
    /// Malformed JSON, a non-object, or a field read with the wrong type (in the header, or in a
    /// pod template field the checks read).
    #[allow(clippy::should_implement_trait)] // borrows from the input, which `FromStr` cannot
    pub fn from_str(text: &'a str) -> Result<Self, Error> {
        ObjectDocument::decode(text, false)
    }

    /// Decodes an object as [`ObjectDocument::from_str`] does, keeping of its metadata (the
    /// object's, its pod template's and a CronJob's job template's) only what the checks read, as
    /// [`PodDocument::from_str_for_checks`] does for a pod: the labels, the annotations other than
    /// the AppArmor and seccomp ones, and the owner references are read and checked, then dropped.
    /// [`ObjectHeader::labels`] is then empty, [`ObjectHeader::annotations`] has only the AppArmor
    /// and seccomp annotations, and the template's [`PodDocument::controller_uid`] is `None`. It
    /// saves their allocations, for an object decoded to be evaluated
    /// ([`evaluate_object`](crate::evaluate_object)) and not matched by its labels (as a Kyverno
    /// rule or a Namespace's review would).
    ///
    /// # Errors
    /// As [`ObjectDocument::from_str`]: a label or an annotation that is not a string is an error
    /// here too.
    ///
    /// ```
    /// use pss_core::{evaluate_object, LevelVersion, ObjectDocument};
    ///
    /// let text = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web", "labels": {"app": "web"}},
    ///   "spec": {"template": {"metadata": {"labels": {"app": "web"}},
    ///                         "spec": {"containers": [{"name": "c", "securityContext": {"privileged": true}}]}}}}"#;
    /// let object = ObjectDocument::from_str_for_checks(text)?;
    /// assert_eq!(object.name(), Some("web"));
    /// assert_eq!(object.header().labels().count(), 0);
    /// let whole = ObjectDocument::from_str(text)?;
    /// assert_eq!(whole.header().labels().count(), 1);
    /// assert_eq!(evaluate_object(LevelVersion::default(), &object), evaluate_object(LevelVersion::default(), &whole));
    /// # Ok::<(), pss_core::Error>(())
    /// ```
    pub fn from_str_for_checks(text: &'a str) -> Result<Self, Error> {
        ObjectDocument::decode(text, true)
    }

    /// [`ObjectDocument::from_str_for_checks`] from bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`ObjectDocument::from_str_for_checks`], and invalid UTF-8 (with its position).
    pub fn from_slice_for_checks(bytes: &'a [u8]) -> Result<Self, Error> {
        ObjectDocument::from_str_for_checks(utf8(bytes)?)
    }

    /// Decodes an object, its metadata whole or only what the checks read (`for_checks`).
    fn decode(text: &'a str, for_checks: bool) -> Result<Self, Error> {
        // One pass when the kind is settled before the spec, as in nearly every manifest.
        if let Ok((document, true)) = ObjectDocument::read(text, None, for_checks) {
            return Ok(document);
        }
        // Otherwise (or on an error) the header first, whose error comes first, then the object
        // again knowing its kind.
        let kind = kind_of(&ObjectHeader::from_str(text)?);
        ObjectDocument::read(text, Some(kind), for_checks).map(|(document, _)| document)
    }

    /// Reads the object in one pass: the header, and the pod spec or the pod template where the
    /// object's kind keeps it (everything else is checked for well-formedness and skipped). The kind
    /// is `fixed` when given; otherwise it is the kind read when the first `spec` (or a PodTemplate's
    /// `template`) is met, and the flag says whether it was settled then (the same kind at the end).
    /// The metadata is kept whole, or only what the checks read when `for_checks`.
    fn read(text: &'a str, fixed: Option<Option<WorkloadKind>>, for_checks: bool) -> Result<(Self, bool), Error> {
        let mut r = Reader::new(text);
        let mut pod = PodDocument::decoded_for_checks(for_checks);
        // The kind when the first `spec` or `template` key was met.
        let mut decided: Option<Option<WorkloadKind>> = fixed;
        let mut unsettled = false;
        let mut template: Option<PodDocument<'a>> = None;
        let mut job_template: Option<ObjectHeader<'a>> = None;
        pod.decode_object(&mut r, |r, key, header, spec| {
            if key != "spec" && key != "template" {
                return r.skip();
            }
            let now = fixed.unwrap_or_else(|| kind_of(header));
            if *decided.get_or_insert(now) != now {
                unsettled = true;
            }
            match now {
                _ if unsettled => r.skip(),
                Some(WorkloadKind::Pod) if key == "spec" => spec.decode(r),
                Some(wk) if wk.template_keys().first() == Some(&key) => {
                    // A CronJob's `spec.jobTemplate.metadata` is read on the way (Kyverno takes the
                    // pod's metadata from it).
                    let mut side = |r: &mut Reader<'a>| -> ReadResult<()> {
                        job_template.get_or_insert_with(|| ObjectHeader::decoded_for_checks(for_checks)).decode_meta(r)
                    };
                    let side: Option<Side<'_, 'a>> =
                        (wk == WorkloadKind::CronJob).then_some(Side { depth: 1, key: "metadata", read: &mut side });
                    descend_with(r, &wk.template_keys()[1..], 0, side, &mut |r| {
                        if r.null()? {
                            if wk.template_optional() {
                                template = None;
                            }
                            return Ok(());
                        }
                        template.get_or_insert_with(|| PodDocument::decoded_for_checks(for_checks)).decode_template(r)
                    })
                }
                _ => r.skip(),
            }
        })
        .map_err(Error::finish)?;
        let kind = fixed.unwrap_or_else(|| kind_of(pod.header()));
        let settled = !unsettled && decided.is_none_or(|d| d == kind);
        let document = match kind {
            // A pod is its own template and keeps the header.
            Some(WorkloadKind::Pod) => {
                ObjectDocument { header: ObjectHeader::default(), kind, template: Some(pod), job_template: None }
            }
            Some(wk) => {
                let template = if wk.template_optional() { template } else { Some(template.unwrap_or_default()) };
                ObjectDocument { header: pod.into_header(), kind, template, job_template }
            }
            None => ObjectDocument { header: pod.into_header(), kind, template: None, job_template: None },
        };
        Ok((document, settled))
    }

    /// Decodes an object from JSON bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`ObjectDocument::from_str`], and invalid UTF-8.
    pub fn from_slice(bytes: &'a [u8]) -> Result<Self, Error> {
        ObjectDocument::from_str(utf8(bytes)?)
    }

    /// A CronJob's `spec.jobTemplate.metadata` annotations (none for other kinds), sorted by key.
    #[cfg_attr(not(feature = "kyverno"), allow(dead_code))]
    pub(crate) fn job_template_annotations(&self) -> impl Iterator<Item = (&str, &str)> + '_ {
        self.job_template.iter().flat_map(ObjectHeader::annotations)
    }

    /// The object's header: `apiVersion`, `kind`, name, namespace, labels, annotations.
    pub fn header(&self) -> &ObjectHeader<'a> {
        match (&self.template, self.kind) {
            (Some(pod), Some(WorkloadKind::Pod)) => pod.header(),
            _ => &self.header,
        }
    }

    /// `kind`, if present.
    pub fn kind(&self) -> Option<&str> {
        self.header().kind()
    }

    /// `metadata.name`, if present.
    pub fn name(&self) -> Option<&str> {
        self.header().name()
    }

    /// `metadata.namespace`, if present.
    pub fn namespace(&self) -> Option<&str> {
        self.header().namespace()
    }

    /// The workload kind, when the object is a pod or a pod controller.
    pub fn workload_kind(&self) -> Option<WorkloadKind> {
        self.kind
    }

    /// The pod template (the pod itself for a Pod), or why there is none.
    ///
    /// # Errors
    /// [`NoPodTemplate`] for other kinds, and for a controller whose optional template is absent.
    pub fn template(&self) -> Result<&PodDocument<'a>, NoPodTemplate> {
        match (self.kind, &self.template) {
            (Some(_), Some(t)) => Ok(t),
            (Some(kind), None) => Err(NoPodTemplate::TemplateAbsent { kind }),
            (None, _) => match self.kind().filter(|k| !k.is_empty()) {
                None => Err(NoPodTemplate::NoKind),
                Some(kind) => Err(NoPodTemplate::NotAPodController { kind: kind.to_owned() }),
            },
        }
    }
}

/// The workload kind an object's header names, if any.
fn kind_of(header: &ObjectHeader<'_>) -> Option<WorkloadKind> {
    header.kind().and_then(|k| WorkloadKind::from_type(header.api_version(), k))
}

/// Walks down the object along `path` and calls `leaf` on the value there.
#[cfg(test)]
fn descend<'a>(
    r: &mut Reader<'a>,
    path: &[&str],
    leaf: &mut dyn FnMut(&mut Reader<'a>) -> ReadResult<()>,
) -> ReadResult<()> {
    descend_with(r, path, 0, None, leaf)
}

/// A value read on the way down: the member `key` of the object `depth` levels down.
struct Side<'s, 'a> {
    depth: usize,
    key: &'static str,
    read: &'s mut dyn FnMut(&mut Reader<'a>) -> ReadResult<()>,
}

/// [`descend`], `depth` levels down already, reading `side` where it is met.
fn descend_with<'a>(
    r: &mut Reader<'a>,
    path: &[&str],
    depth: usize,
    mut side: Option<Side<'_, 'a>>,
    leaf: &mut dyn FnMut(&mut Reader<'a>) -> ReadResult<()>,
) -> ReadResult<()> {
    let Some((first, rest)) = path.split_first() else {
        return leaf(r);
    };
    r.object(
        |r, key| {
            if key == *first {
                let below = side.as_mut().map(|s| Side { depth: s.depth, key: s.key, read: &mut *s.read });
                descend_with(r, rest, depth + 1, below, leaf)
            } else if let Some(s) = side.as_mut().filter(|s| s.depth == depth && key == s.key) {
                (s.read)(r)
            } else {
                r.skip()
            }
        },
        PathStyle::Field,
    )?;
    Ok(())
}

mod sealed {
    pub trait Sealed {
        fn workload(&self) -> Result<(crate::WorkloadKind, super::TemplateRef<'_>), super::NoPodTemplate>;
    }
}

/// A pod template to evaluate, from either way in.
#[derive(Debug, Clone, Copy)]
#[doc(hidden)]
pub enum TemplateRef<'a> {
    Json(&'a PodDocument<'a>),
    #[cfg(feature = "k8s-openapi")]
    Typed(crate::PodParts<'a>),
}

impl TemplateRef<'_> {
    pub(crate) fn evaluate(&self, lv: LevelVersion, ctx: &Ctx<'static>) -> Vec<crate::Violation> {
        match self {
            TemplateRef::Json(p) => crate::checks::run(lv, *p, ctx),
            #[cfg(feature = "k8s-openapi")]
            TemplateRef::Typed(p) => crate::checks::run(lv, p, ctx),
        }
    }

    /// Each container's place, name and image, in upstream's visiting order.
    #[allow(dead_code)] // used by the Kyverno podSecurity exclusions
    pub(crate) fn containers(&self) -> Vec<(crate::model::Slot, &str, &str)> {
        use crate::model::{ContainerView, PodView};
        fn collect<P: PodView>(p: &P) -> Vec<(crate::model::Slot, &str, &str)> {
            p.containers().map(|(slot, c)| (slot, c.name(), c.image())).collect()
        }
        match self {
            TemplateRef::Json(p) => collect(*p),
            #[cfg(feature = "k8s-openapi")]
            TemplateRef::Typed(p) => collect(p),
        }
    }

    /// `spec.runtimeClassName` of the template.
    #[cfg_attr(not(feature = "admission"), allow(dead_code))]
    pub(crate) fn runtime_class_name(&self) -> Option<&str> {
        use crate::model::PodView;
        match self {
            TemplateRef::Json(p) => PodView::runtime_class_name(*p),
            #[cfg(feature = "k8s-openapi")]
            TemplateRef::Typed(p) => p.runtime_class_name(),
        }
    }
}

/// An object that may carry a pod template: a decoded [`ObjectDocument`], or (feature
/// `k8s-openapi`) k8s-openapi's `Pod`, `PodTemplate`, `ReplicationController`, `ReplicaSet`,
/// `Deployment`, `StatefulSet`, `DaemonSet`, `Job` and `CronJob`. Sealed.
pub trait ObjectSource: sealed::Sealed {}

impl sealed::Sealed for ObjectDocument<'_> {
    fn workload(&self) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
        let t = self.template()?;
        Ok((self.kind.expect("template() checked the kind"), TemplateRef::Json(t)))
    }
}
impl ObjectSource for ObjectDocument<'_> {}

#[cfg_attr(not(any(feature = "admission", feature = "kyverno")), allow(dead_code))]
pub(crate) fn workload_of<O: ObjectSource + ?Sized>(obj: &O) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
    obj.workload()
}

/// Evaluates an object's pod template at a level and version; field paths are relative to the
/// object (`spec.template.spec.containers[0]...` for a Deployment).
///
/// # Errors
/// [`NoPodTemplate`] when the object is not a pod controller, or its optional template is absent
/// (which upstream allows).
pub fn evaluate_object<O: ObjectSource + ?Sized>(
    level_version: LevelVersion,
    object: &O,
) -> Result<Evaluation, NoPodTemplate> {
    let (kind, template) = object.workload()?;
    Ok(Evaluation::of(level_version, Some(kind), template.evaluate(level_version, &kind.ctx())))
}

#[cfg(feature = "k8s-openapi")]
mod typed {
    use k8s_openapi::api::apps::v1::{DaemonSet, Deployment, ReplicaSet, StatefulSet};
    use k8s_openapi::api::batch::v1::{CronJob, Job};
    use k8s_openapi::api::core::v1::{Pod, PodTemplate, PodTemplateSpec, ReplicationController};

    use super::{sealed::Sealed, NoPodTemplate, ObjectSource, TemplateRef, WorkloadKind};
    use crate::PodParts;

    fn parts(t: &PodTemplateSpec) -> TemplateRef<'_> {
        TemplateRef::Typed(PodParts::new(t.metadata.as_ref(), t.spec.as_ref()))
    }

    /// A missing spec is an empty one in Go, whose template is empty too.
    const EMPTY: TemplateRef<'static> = TemplateRef::Typed(PodParts::EMPTY);

    macro_rules! spec_template {
        ($($ty:ident => |$o:ident| $template:expr;)*) => {$(
            impl Sealed for $ty {
                fn workload(&self) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
                    let $o = self;
                    Ok((WorkloadKind::$ty, $template))
                }
            }
            impl ObjectSource for $ty {}
        )*};
    }
    spec_template! {
        Deployment => |o| parts(&o.spec.template);
        StatefulSet => |o| parts(&o.spec.template);
        DaemonSet => |o| parts(&o.spec.template);
        // Upstream's ReplicaSetSpec.Template is not a pointer: an unset one is an empty template.
        ReplicaSet => |o| o.spec.template.as_ref().map_or(EMPTY, parts);
        Job => |o| o.spec.as_ref().map_or(EMPTY, |s| parts(&s.template));
        CronJob => |o| o.spec.job_template.spec.as_ref().map_or(EMPTY, |s| parts(&s.template));
    }

    impl Sealed for Pod {
        fn workload(&self) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
            Ok((WorkloadKind::Pod, TemplateRef::Typed(PodParts::from(self))))
        }
    }
    impl ObjectSource for Pod {}

    impl Sealed for PodTemplate {
        fn workload(&self) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
            Ok((WorkloadKind::PodTemplate, self.template.as_ref().map_or(EMPTY, parts)))
        }
    }
    impl ObjectSource for PodTemplate {}

    impl Sealed for ReplicationController {
        fn workload(&self) -> Result<(WorkloadKind, TemplateRef<'_>), NoPodTemplate> {
            let kind = WorkloadKind::ReplicationController;
            match self.spec.as_ref().and_then(|s| s.template.as_ref()) {
                Some(t) => Ok((kind, parts(t))),
                None => Err(NoPodTemplate::TemplateAbsent { kind }),
            }
        }
    }
    impl ObjectSource for ReplicationController {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use pss_testgen::{pod, workload, KINDS};

    /// The three readings of an `apiVersion`'s group agree, as apimachinery's
    /// `schema.ParseGroupVersion` reads it (`staging/src/k8s.io/apimachinery/pkg/runtime/schema`):
    /// no `/` is the core group, one `/` splits group and version (`/v1` is the core group), more
    /// than one is an error, so the object is in no group.
    #[test]
    fn an_api_version_has_one_group_reading() {
        let core = [None, Some(""), Some("v1"), Some("/"), Some("/v1")];
        let malformed = [Some("a/b/c"), Some("apps/x/v1"), Some("//v1"), Some("v1//")];
        for av in core {
            assert_eq!(av.map_or(Some(""), api_group), Some(""), "{av:?}");
            assert_eq!(ObjectClass::of(av, Some("Namespace")), ObjectClass::Namespace, "{av:?}");
            assert!(is_cluster_scoped(av, "Namespace"), "{av:?}");
            assert_eq!(WorkloadKind::from_type(av, "Pod"), Some(WorkloadKind::Pod), "{av:?}");
            assert_eq!(WorkloadKind::from_type(av, "Deployment"), av.is_none().then_some(WorkloadKind::Deployment));
        }
        for av in malformed {
            assert_eq!(api_group(av.unwrap()), None, "{av:?}");
            assert_eq!(ObjectClass::of(av, Some("Namespace")), ObjectClass::Other("Namespace".into()), "{av:?}");
            assert!(!is_cluster_scoped(av, "Namespace"), "{av:?}");
            assert!(!is_cluster_scoped(av, "ClusterRole"), "{av:?}");
            for kind in WorkloadKind::ALL {
                assert_eq!(WorkloadKind::from_type(av, kind.kind()), None, "{av:?} {kind}");
            }
        }
        for (av, group) in [("apps/v1", "apps"), ("rbac.authorization.k8s.io/v1", "rbac.authorization.k8s.io")] {
            assert_eq!(api_group(av), Some(group));
        }
        assert!(is_cluster_scoped(Some("rbac.authorization.k8s.io/v1"), "ClusterRole"));
        assert_eq!(WorkloadKind::from_type(Some("apps/v1"), "Deployment"), Some(WorkloadKind::Deployment));
        assert_eq!(WorkloadKind::from_type(Some("apps/v1beta2/x"), "Deployment"), None);
        assert_eq!(ObjectClass::of(Some("example.com/v1"), Some("Namespace")), ObjectClass::Other("Namespace".into()));
    }

    /// The reading before the one-pass read, kept as the reference: the object as a pod first (which
    /// also reads any object's header), else its header alone; then a controller's template.
    fn two_passes(text: &str) -> Result<ObjectDocument<'_>, Error> {
        let header = match PodDocument::from_str(text) {
            Ok(pod) if kind_of(pod.header()) == Some(WorkloadKind::Pod) => {
                return Ok(ObjectDocument {
                    header: ObjectHeader::default(),
                    kind: Some(WorkloadKind::Pod),
                    template: Some(pod),
                    job_template: None,
                })
            }
            Ok(pod) => pod.into_header(),
            Err(e) => {
                let header = ObjectHeader::from_str(text)?;
                if kind_of(&header) == Some(WorkloadKind::Pod) {
                    return Err(e);
                }
                header
            }
        };
        let kind = kind_of(&header);
        let template = match kind {
            None | Some(WorkloadKind::Pod) => None,
            Some(wk) => {
                let mut r = Reader::new(text);
                let mut template = (!wk.template_optional()).then(PodDocument::default);
                descend(&mut r, wk.template_keys(), &mut |r| {
                    if r.null()? {
                        if wk.template_optional() {
                            template = None;
                        }
                        return Ok(());
                    }
                    template.get_or_insert_with(PodDocument::default).decode_template(r)
                })
                .map_err(Error::finish)?;
                template
            }
        };
        let mut job_template: Option<ObjectHeader<'_>> = None;
        if kind == Some(WorkloadKind::CronJob) {
            let mut r = Reader::new(text);
            descend(&mut r, &["spec", "jobTemplate", "metadata"], &mut |r| {
                job_template.get_or_insert_with(ObjectHeader::default).decode_meta(r)
            })
            .map_err(Error::finish)?;
        }
        Ok(ObjectDocument { header, kind, template, job_template })
    }

    /// The one-pass reading when it applies, and what `from_str` and the reference give, as
    /// comparable text; `from_str` must always be the reference.
    fn readings(text: &str) -> (Option<String>, String) {
        let show = |r: Result<ObjectDocument<'_>, Error>| match r {
            Ok(d) => format!("{d:?}"),
            Err(e) => format!("error {e}"),
        };
        let one = match ObjectDocument::read(text, None, false) {
            Ok((d, true)) => Some(format!("{d:?}")),
            _ => None,
        };
        let reference = show(two_passes(text));
        assert_eq!(show(ObjectDocument::from_str(text)), reference, "{text}");
        (one, reference)
    }

    #[test]
    fn one_pass_agrees_with_two_passes_or_steps_aside() {
        let tpl = r#"{"metadata":{"annotations":{"a":"b"}},"spec":{"hostPID":true,"containers":[{"name":"c"}]}}"#;
        let cases: &[(&str, bool)] = &[
            // (document, whether one pass reads it)
            (&format!(r#"{{"apiVersion":"apps/v1","kind":"Deployment","spec":{{"template":{tpl}}}}}"#), true),
            (
                &format!(
                    r#"{{"kind":"Deployment","apiVersion":"apps/v1","spec":{{"template":{tpl}}},"spec":{{"template":{{"spec":{{"hostIPC":true}}}}}}}}"#
                ),
                true,
            ),
            (
                &format!(
                    r#"{{"apiVersion":"batch/v1","kind":"CronJob","spec":{{"jobTemplate":{{"spec":{{"template":{tpl}}}}}}}}}"#
                ),
                true,
            ),
            (
                &format!(
                    r#"{{"apiVersion":"batch/v1","kind":"CronJob","spec":{{"jobTemplate":{{"metadata":{{"annotations":{{"x":"y"}}}},"spec":{{"template":{tpl}}}}}}}}}"#
                ),
                true,
            ),
            (&format!(r#"{{"apiVersion":"v1","kind":"PodTemplate","template":{tpl}}}"#), true),
            (r#"{"apiVersion":"v1","kind":"ReplicationController","spec":{"template":null}}"#, true),
            (r#"{"apiVersion":"v1","kind":"ReplicationController"}"#, true),
            (r#"{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":null}}"#, true),
            (r#"{"apiVersion":"v1","kind":"Pod","spec":{"hostPID":true},"template":{"spec":{"hostIPC":true}}}"#, true),
            (r#"{"apiVersion":"v1","kind":"Service","spec":{"ports":[{"port":80}]}}"#, true),
            // The kind after the spec, a changed kind, an apiVersion that settles the group late.
            (&format!(r#"{{"spec":{{"template":{tpl}}},"apiVersion":"apps/v1","kind":"Deployment"}}"#), false),
            (r#"{"spec":{"hostPID":true},"kind":"Pod"}"#, false),
            (
                &format!(r#"{{"kind":"Pod","spec":{{"template":{tpl}}},"kind":"Deployment","apiVersion":"apps/v1"}}"#),
                false,
            ),
            (&format!(r#"{{"kind":"Deployment","spec":{{"template":{tpl}}},"apiVersion":"example.com/v1"}}"#), false),
            // Without an apiVersion yet the kind alone decides; the group that comes later agrees.
            (&format!(r#"{{"kind":"Deployment","spec":{{"template":{tpl}}},"apiVersion":"apps/v1"}}"#), true),
            // Errors are the two-pass reading's.
            (r#"{"kind":"Pod","spec":{"hostPID":1}}"#, false),
            (r#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"template":{"spec":{"hostPID":"x"}}}}"#, false),
            (r#"{"kind":"Deployment","apiVersion":"apps/v1","spec":5}"#, false),
            (r#"{"kind":"Pod","metadata":{"name":5}}"#, false),
            (r#"{"kind":"Pod","spec":{"hostPID":1},"metadata":{"name":5}}"#, false),
            (
                r#"{"kind":"Deployment","apiVersion":"apps/v1","spec":{"template":{"spec":{"hostPID":"x"}}},"metadata":{"name":5}}"#,
                false,
            ),
            (r#"{"kind":"Pod","spec":{}"#, false),
        ];
        for (text, one_pass) in cases {
            let (one, two) = readings(text);
            assert_eq!(one.is_some(), *one_pass, "{text}");
            if let Some(one) = one {
                assert_eq!(one, two, "{text}");
            }
        }
        // A controller's own spec fields are not read as a pod's, in either reading.
        let (one, two) = readings(r#"{"kind":"Job","apiVersion":"batch/v1","spec":{"containers":5,"template":{}}}"#);
        assert_eq!(one.as_deref(), Some(two.as_str()));
    }

    proptest! {
        /// Any workload with its top-level keys in any order: one pass, when it reads it, reads
        /// what two passes read.
        #[test]
        fn one_pass_is_two_passes_in_any_key_order(
            pod in pod(),
            k in 0..KINDS.len(),
            order in Just((0..4).collect::<Vec<usize>>()).prop_shuffle(),
        ) {
            let kind = KINDS[k];
            let value = workload(kind, &pod, None);
            let object = value.as_object().unwrap();
            let mut keys: Vec<&String> = object.keys().collect();
            keys.sort();
            let members: Vec<String> = order
                .iter()
                .filter_map(|&i| keys.get(i))
                .map(|key| format!("{}:{}", serde_json::to_string(key).unwrap(), object[*key]))
                .collect();
            let text = format!("{{{}}}", members.join(","));
            let (one, two) = readings(&text);
            let settled = text.find("\"kind\"") < text.find(if kind.kind == "PodTemplate" { "\"template\"" } else { "\"spec\"" });
            prop_assert_eq!(one.is_some(), settled || !text.contains("\"spec\"") && !text.contains("\"template\""), "{}", text);
            if let Some(one) = one {
                prop_assert_eq!(one, two, "{}", text);
            }
        }
    }
}
