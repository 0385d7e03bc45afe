//! What to change for each violating field, read from the evaluation's public data (check id and
//! each field's path, value and container), and when a change must not be made.

use std::collections::BTreeMap;

use super::value::{ApplyError, Segment, Value};
use super::{Cure, Reason, Safety, NON_ROOT_UID};
use crate::checks::CheckId;
use crate::model::VOLUME_SOURCES;
use crate::violation::{Evaluation, FieldValue, FieldViolation};
use crate::workload::WorkloadKind;

/// Where the pod's spec and metadata are in the document.
#[derive(Debug, Clone)]
pub(super) struct Place {
    spec: Vec<Segment>,
    metadata: Vec<Segment>,
}

fn key(k: &str) -> Segment {
    Segment::Key(k.to_owned())
}

fn join(base: &[Segment], tail: &[&str]) -> Vec<Segment> {
    base.iter().cloned().chain(tail.iter().map(|k| key(k))).collect()
}

impl Place {
    /// For a bare spec (`spec_entry`), or an object of `kind` (a pod's kind is `Pod`).
    pub(super) fn new(spec_entry: bool, kind: Option<WorkloadKind>) -> Place {
        if spec_entry {
            return Place { spec: Vec::new(), metadata: vec![key("metadata")] };
        }
        let template: Vec<Segment> =
            kind.map_or("", WorkloadKind::template_path).split('.').filter(|s| !s.is_empty()).map(key).collect();
        Place { spec: join(&template, &["spec"]), metadata: join(&template, &["metadata"]) }
    }
}

/// One change: what it does to the document, the fields it cures, how safe it is, and why.
#[derive(Debug, Clone)]
pub(super) struct Fix {
    pub(super) intent: Intent,
    pub(super) cures: Vec<Cure>,
    pub(super) safety: Safety,
    pub(super) explanation: String,
    /// What may keep the change from being made (see [`blocker`]).
    guard: Guard,
}

/// A change to the document.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Intent {
    /// Sets the value at the path, creating missing (or `null`) objects on the way.
    Set(Vec<Segment>, Value),
    /// Removes the member or array element at the path.
    Remove(Vec<Segment>),
    /// Appends to the array at the path (creating it when missing or `null`).
    Append(Vec<Segment>, Value),
}

impl Fix {
    pub(super) fn apply(&self, doc: &mut Value) -> Result<(), ApplyError> {
        match &self.intent {
            Intent::Set(path, v) => doc.set_creating(path, v.clone()),
            Intent::Remove(path) => doc.apply(super::OpKind::Remove, path, None),
            Intent::Append(path, v) => match doc.at(path) {
                Some(Value::Array(_)) => {
                    let mut end = path.clone();
                    end.push(Segment::End);
                    doc.apply(super::OpKind::Add, &end, Some(v))
                }
                Some(Value::Null) | None => doc.set_creating(path, Value::Array(vec![v.clone()])),
                Some(_) => Err(ApplyError),
            },
        }
    }
}

/// A condition under which the API server or the kubelet would refuse the change.
#[derive(Debug, Clone)]
enum Guard {
    None,
    /// `allowPrivilegeEscalation: false` in the container at this path.
    NoEscalation(Vec<Segment>),
    /// A Linux-only field added to a Windows pod.
    LinuxField,
    /// `seccompProfile.type: RuntimeDefault` set where this annotation must agree; `linux_field`:
    /// the profile is added (refused in a Windows pod).
    Seccomp {
        annotation: String,
        linux_field: bool,
    },
    /// `privileged: false` in the container at this path.
    Unprivileged(Vec<Segment>),
    /// `runAsNonRoot: true` set in the container at this path.
    ContainerNonRoot(Vec<Segment>),
    /// `runAsNonRoot: true` set in the pod, for the containers at these paths (`None`: the pod's
    /// `false` turned `true`, for every container without its own).
    PodNonRoot(Option<Vec<Vec<Segment>>>),
}

/// The document's fields as violation paths spell them: `spec.containers[0].securityContext`,
/// `metadata.annotations[key]` (a key runs to the end of the path).
pub(super) fn segments(path: &str) -> Option<Vec<Segment>> {
    let mut out = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(inner) = rest.strip_prefix('[') {
            if out.last() == Some(&key("annotations")) {
                out.push(key(inner.strip_suffix(']')?));
                break;
            }
            let close = inner.find(']')?;
            let digits = &inner[..close];
            if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            out.push(Segment::Index(digits.parse().ok()?));
            rest = &inner[close + 1..];
        } else {
            if !out.is_empty() {
                rest = rest.strip_prefix('.')?;
            }
            let end = rest.find(['.', '[']).unwrap_or(rest.len());
            if end == 0 {
                return None;
            }
            out.push(key(&rest[..end]));
            rest = &rest[end..];
        }
    }
    Some(out)
}

/// Where a violating field is.
enum Site<'p> {
    /// In the pod spec: the path after it.
    Pod(&'p [Segment]),
    /// In a container (`containers[i]` etc.): its path and the path after it.
    Container(Vec<Segment>, &'p [Segment]),
    /// An annotation of the pod's metadata: its key.
    Annotation(&'p str),
}

impl Place {
    fn site<'p>(&self, path: &'p [Segment]) -> Option<Site<'p>> {
        if let Some(rest) = path.strip_prefix(self.metadata.as_slice()) {
            return match rest {
                [Segment::Key(a), Segment::Key(k)] if a == "annotations" => Some(Site::Annotation(k)),
                _ => None,
            };
        }
        let rest = path.strip_prefix(self.spec.as_slice())?;
        match rest {
            [Segment::Key(list), Segment::Index(_), tail @ ..]
                if matches!(list.as_str(), "initContainers" | "containers" | "ephemeralContainers") =>
            {
                Some(Site::Container(path[..path.len() - tail.len()].to_vec(), tail))
            }
            _ => Some(Site::Pod(rest)),
        }
    }

    fn spec_path(&self, tail: &[&str]) -> Vec<Segment> {
        join(&self.spec, tail)
    }

    fn annotation_path(&self, key: &str) -> Vec<Segment> {
        let mut p = join(&self.metadata, &["annotations"]);
        p.push(Segment::Key(key.to_owned()));
        p
    }

    fn is_windows(&self, doc: &Value) -> bool {
        doc.at(&self.spec_path(&["os", "name"])).and_then(Value::as_str) == Some("windows")
    }

    /// Every container's path, in upstream's order.
    fn containers(&self, doc: &Value) -> Vec<Vec<Segment>> {
        let mut out = Vec::new();
        for list in ["initContainers", "containers", "ephemeralContainers"] {
            if let Some(Value::Array(items)) = doc.at(&self.spec_path(&[list])) {
                for i in 0..items.len() {
                    let mut p = self.spec_path(&[list]);
                    p.push(Segment::Index(i));
                    out.push(p);
                }
            }
        }
        out
    }
}

fn tail_is(tail: &[Segment], keys: &[&str]) -> bool {
    tail.len() == keys.len() && tail.iter().zip(keys).all(|(s, k)| matches!(s, Segment::Key(x) if x == k))
}

/// `container "name"`, or `pod` for a pod-level field.
fn who(field: &FieldViolation) -> String {
    match field.container() {
        Some(c) => format!("container {c:?}"),
        None => "pod".to_owned(),
    }
}

fn quoted(v: &FieldValue) -> String {
    v.to_string()
}

/// The last key of a path (`hostNetwork`, `host`).
fn last_key(path: &[Segment]) -> &str {
    match path.last() {
        Some(Segment::Key(k)) => k,
        _ => "",
    }
}

/// The tail as dotted field names (`livenessProbe.httpGet.host`).
fn dotted(tail: &[Segment]) -> String {
    let mut out = String::new();
    for seg in tail {
        match seg {
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            Segment::End => {}
        }
    }
    out
}

struct Planner<'a> {
    doc: &'a Value,
    place: &'a Place,
    fixes: Vec<Fix>,
    incurable: Vec<(Cure, Reason)>,
    /// Containers without their own `runAsNonRoot`, covered by the pod's.
    non_root: Vec<Cure>,
    /// Containers without their own seccomp profile, covered by the pod's.
    seccomp: Vec<Cure>,
}

impl Planner<'_> {
    fn fix(&mut self, cure: Cure, intent: Intent, safety: Safety, explanation: String, guard: Guard) {
        self.fixes.push(Fix { intent, cures: vec![cure], safety, explanation, guard });
    }

    fn cannot(&mut self, cure: Cure, reason: Reason) {
        self.incurable.push((cure, reason));
    }

    /// Plans the change for one violating field.
    fn field(&mut self, check: CheckId, field: &FieldViolation) {
        let cure = Cure { check, field: field.clone() };
        let Some(path) = segments(field.path()) else {
            return self.cannot(cure, Reason::NoFix);
        };
        let Some(site) = self.place.site(&path) else {
            return self.cannot(cure, Reason::NoFix);
        };
        let who = who(field);
        let value = quoted(field.value());
        use CheckId as C;
        use Safety::{Breaking, Safe};
        match (check, site) {
            (C::Privileged, Site::Container(c, tail)) if tail_is(tail, &["securityContext", "privileged"]) => self.fix(
                cure,
                Intent::Set(path.clone(), false.into()),
                Breaking,
                format!("{who}: set privileged=false; it no longer gets every device and capability of the node"),
                Guard::Unprivileged(c),
            ),
            (C::HostNamespaces, Site::Pod(tail)) if tail.len() == 1 => {
                let field_name = last_key(tail).to_owned();
                let what = match field_name.as_str() {
                    "hostNetwork" => "network namespace and no longer uses the node's network interfaces",
                    "hostPID" => "process namespace and no longer sees the node's processes",
                    _ => "IPC namespace and no longer shares the node's",
                };
                self.fix(
                    cure,
                    Intent::Set(path.clone(), false.into()),
                    Breaking,
                    format!("set {field_name}=false: the pod gets its own {what}"),
                    Guard::None,
                )
            }
            (C::HostPorts, Site::Container(_, tail)) if last_key(tail) == "hostPort" => self.fix(
                cure,
                Intent::Remove(path.clone()),
                Breaking,
                format!("{who}: remove hostPort {value} from {}; the port is no longer opened on the node", dotted(&tail[..tail.len() - 1])),
                Guard::None,
            ),
            (C::HostPathVolumes | C::RestrictedVolumes, Site::Pod([Segment::Key(v), Segment::Index(i), source @ ..]))
                if v == "volumes" && source.len() <= 1 =>
            {
                let source = source.first().map(|s| match s {
                    Segment::Key(k) => k.clone(),
                    _ => String::new(),
                });
                self.volume(cure, *i, check == C::HostPathVolumes, source)
            }
            (C::CapabilitiesBaseline | C::CapabilitiesRestricted, Site::Container(_, [s, c, a, Segment::Index(_)]))
                if tail_is(&[s.clone(), c.clone(), a.clone()], &["securityContext", "capabilities", "add"]) =>
            {
                self.fix(
                    cure,
                    Intent::Remove(path.clone()),
                    Breaking,
                    format!("{who}: remove the capability {value} from capabilities.add; the container can no longer use it"),
                    Guard::None,
                )
            }
            (C::CapabilitiesRestricted, Site::Container(_, tail))
                if tail_is(tail, &["securityContext", "capabilities", "drop"]) =>
            {
                self.fix(
                    cure,
                    Intent::Append(path.clone(), "ALL".into()),
                    Safe,
                    format!("{who}: drop all capabilities (capabilities.drop=[\"ALL\"]); only NET_BIND_SERVICE may be added back"),
                    Guard::LinuxField,
                )
            }
            (C::AllowPrivilegeEscalation, Site::Container(c, tail))
                if tail_is(tail, &["securityContext", "allowPrivilegeEscalation"]) =>
            {
                self.fix(
                    cure,
                    Intent::Set(path.clone(), false.into()),
                    Safe,
                    format!("{who}: set allowPrivilegeEscalation=false; no process in it can gain more privileges than its parent"),
                    Guard::NoEscalation(c),
                )
            }
            (C::ProcMount | C::ProcMountRestricted, Site::Container(_, tail))
                if tail_is(tail, &["securityContext", "procMount"]) =>
            {
                self.fix(
                    cure,
                    Intent::Remove(path.clone()),
                    Safe,
                    format!("{who}: remove procMount={value}; /proc is masked as by default"),
                    Guard::None,
                )
            }
            (C::SeLinuxOptions, Site::Pod(tail) | Site::Container(_, tail))
                if tail.len() == 3 && tail_is(&tail[..2], &["securityContext", "seLinuxOptions"]) =>
            {
                let option = last_key(tail).to_owned();
                self.fix(
                    cure,
                    Intent::Remove(path.clone()),
                    Safe,
                    format!("{who}: remove seLinuxOptions.{option}={value}; the container runtime's default applies"),
                    Guard::None,
                )
            }
            (C::SeccompProfileBaseline | C::SeccompProfileRestricted, Site::Pod(tail) | Site::Container(_, tail))
                if tail_is(tail, &["securityContext", "seccompProfile", "type"]) =>
            {
                if check == C::SeccompProfileRestricted && *field.value() == FieldValue::Unset {
                    // Covered by the pod's profile, set once for every container without its own.
                    self.seccomp.push(cure);
                    return;
                }
                let guard = self.seccomp_guard(field.container(), false);
                self.fix(
                    cure,
                    Intent::Set(path.clone(), "RuntimeDefault".into()),
                    Safe,
                    format!("{who}: set seccompProfile.type=RuntimeDefault (was {value}): the container runtime's default profile"),
                    guard,
                )
            }
            (C::SeccompProfileBaseline | C::AppArmorProfile, Site::Annotation(k)) => {
                let k = k.to_owned();
                self.fix(
                    cure,
                    Intent::Remove(path.clone()),
                    Safe,
                    format!("remove the annotation {k}={value}; the container runtime's default profile applies"),
                    Guard::None,
                )
            }
            (C::AppArmorProfile, Site::Pod(tail) | Site::Container(_, tail))
                if tail_is(tail, &["securityContext", "appArmorProfile", "type"]) =>
            {
                self.fix(
                    cure,
                    Intent::Set(path.clone(), "RuntimeDefault".into()),
                    Safe,
                    format!("{who}: set appArmorProfile.type=RuntimeDefault (was {value}): the container runtime's default profile"),
                    Guard::None,
                )
            }
            (C::Sysctls, Site::Pod([s, y, Segment::Index(_), n]))
                if tail_is(&[s.clone(), y.clone(), n.clone()], &["securityContext", "sysctls", "name"]) =>
            {
                let mut item = path.clone();
                item.pop();
                self.fix(
                    cure,
                    Intent::Remove(item),
                    Safe,
                    format!("remove the sysctl {value} from the pod's securityContext.sysctls; the node's value applies"),
                    Guard::None,
                )
            }
            (C::WindowsHostProcess, Site::Pod(tail) | Site::Container(_, tail))
                if tail_is(tail, &["securityContext", "windowsOptions", "hostProcess"]) =>
            {
                self.fix(
                    cure,
                    Intent::Set(path.clone(), false.into()),
                    Breaking,
                    format!("{who}: set windowsOptions.hostProcess=false; it runs as a regular Windows container, not on the node"),
                    Guard::None,
                )
            }
            (C::HostProbesAndHostLifecycle, Site::Container(_, tail)) if last_key(tail) == "host" => self.fix(
                cure,
                Intent::Remove(path.clone()),
                Breaking,
                format!("{who}: remove {}={value}; the request goes to the pod's own IP", dotted(tail)),
                Guard::None,
            ),
            (C::RunAsNonRoot, Site::Container(_, tail)) if *field.value() == FieldValue::Unset && tail_is(tail, &["securityContext", "runAsNonRoot"]) => {
                // Covered by the pod's runAsNonRoot, set once for every container without its own.
                self.non_root.push(cure);
            }
            (C::RunAsNonRoot, Site::Container(c, tail)) if tail_is(tail, &["securityContext", "runAsNonRoot"]) => self.fix(
                cure,
                Intent::Set(path.clone(), true.into()),
                Safe,
                format!("{who}: set runAsNonRoot=true (was false); the kubelet refuses to start it as root"),
                Guard::ContainerNonRoot(c),
            ),
            (C::RunAsNonRoot, Site::Pod(tail)) if tail_is(tail, &["securityContext", "runAsNonRoot"]) => self.fix(
                cure,
                Intent::Set(path.clone(), true.into()),
                Safe,
                "pod: set runAsNonRoot=true (was false); the kubelet refuses to start its containers as root".to_owned(),
                Guard::PodNonRoot(None),
            ),
            (C::RunAsUser, Site::Pod(tail) | Site::Container(_, tail)) if tail_is(tail, &["securityContext", "runAsUser"]) => self.fix(
                cure,
                Intent::Set(path.clone(), NON_ROOT_UID.into()),
                Breaking,
                format!("{who}: set runAsUser={NON_ROOT_UID} (was 0); its processes run as user {NON_ROOT_UID}, not root"),
                Guard::None,
            ),
            _ => self.cannot(cure, Reason::NoFix),
        }
    }

    /// A forbidden volume source: the volume keeps its name and becomes `emptyDir: {}`, so the
    /// mounts that name it stay valid. `baseline`: only `hostPath` is forbidden.
    fn volume(&mut self, cure: Cure, index: usize, baseline: bool, source: Option<String>) {
        let volume_path =
            self.place.spec_path(&["volumes"]).into_iter().chain([Segment::Index(index)]).collect::<Vec<_>>();
        let Some(Value::Object(members)) = self.doc.at(&volume_path) else {
            return self.cannot(cure, Reason::NoFix);
        };
        let name = members.iter().find(|(k, _)| k == "name").map(|(_, v)| v.clone());
        let shown = name.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
        let forbidden = |k: &str| {
            if baseline {
                k == "hostPath"
            } else {
                VOLUME_SOURCES[9..].contains(&k)
            }
        };
        let others: Vec<&str> = members
            .iter()
            .filter(|(k, v)| k != "name" && !v.is_null() && !forbidden(k))
            .map(|(k, _)| k.as_str())
            .collect();
        let mut replacement = Vec::new();
        if let Some(name) = name {
            replacement.push(("name".to_owned(), name));
        }
        replacement.push(("emptyDir".to_owned(), Value::Object(Vec::new())));
        match (baseline, source) {
            // Another source stays (the volume had two): only hostPath goes.
            (true, Some(s)) if !others.is_empty() => {
                let mut path = volume_path;
                path.push(Segment::Key(s));
                self.fix(
                    cure,
                    Intent::Remove(path),
                    Safety::Breaking,
                    format!("volume {shown:?}: remove hostPath; the pod no longer reads or writes the node's files"),
                    Guard::None,
                )
            }
            (_, Some(s)) if others.is_empty() => self.fix(
                cure,
                Intent::Set(volume_path, Value::Object(replacement)),
                Safety::Breaking,
                format!("volume {shown:?}: replace {s} by emptyDir: {{}}; its mounts get an empty directory instead"),
                Guard::None,
            ),
            // No source at all: what the API server makes of it, written out.
            (false, None) if others.is_empty() => self.fix(
                cure,
                Intent::Set(volume_path, Value::Object(replacement)),
                Safety::Safe,
                format!("volume {shown:?}: add emptyDir: {{}}, the source the API server gives a volume without one"),
                Guard::None,
            ),
            _ => self.cannot(cure, Reason::UnknownVolumeSource),
        }
    }

    /// The guard of a seccomp profile set for `container` (`None`: the pod).
    fn seccomp_guard(&self, container: Option<&str>, linux_field: bool) -> Guard {
        let annotation = match container {
            Some(c) => format!("{}{c}", crate::checks::SECCOMP_CONTAINER_ANNOTATION_PREFIX),
            None => crate::checks::SECCOMP_POD_ANNOTATION.to_owned(),
        };
        Guard::Seccomp { annotation, linux_field }
    }

    /// The pod-level settings that cover the containers without their own.
    fn pod_level(&mut self) {
        let non_root = std::mem::take(&mut self.non_root);
        if !non_root.is_empty() {
            let covered = non_root.iter().filter_map(|c| self.container_of(c)).collect::<Vec<_>>();
            self.fixes.push(Fix {
                intent: Intent::Set(self.place.spec_path(&["securityContext", "runAsNonRoot"]), true.into()),
                explanation: "pod: set runAsNonRoot=true for every container that does not set its own; the kubelet \
                              refuses to start them as root"
                    .to_owned(),
                cures: non_root,
                safety: Safety::Safe,
                guard: Guard::PodNonRoot(Some(covered)),
            });
        }
        let seccomp = std::mem::take(&mut self.seccomp);
        if !seccomp.is_empty() {
            self.fixes.push(Fix {
                intent: Intent::Set(
                    self.place.spec_path(&["securityContext", "seccompProfile", "type"]),
                    "RuntimeDefault".into(),
                ),
                explanation: "pod: set seccompProfile.type=RuntimeDefault, the container runtime's default profile, \
                              for every container that does not set its own"
                    .to_owned(),
                cures: seccomp,
                safety: Safety::Safe,
                guard: self.seccomp_guard(None, true),
            });
        }
    }

    fn container_of(&self, cure: &Cure) -> Option<Vec<Segment>> {
        match self.place.site(&segments(cure.path())?)? {
            Site::Container(c, _) => Some(c),
            _ => None,
        }
    }
}

/// Plans this round's changes for the fields of `eval` not already known to be incurable (those
/// it cannot cure are added to `incurable`), leaving out those a guard refuses.
pub(super) fn plan(
    doc: &Value,
    eval: &Evaluation,
    place: &Place,
    safe_only: bool,
    incurable: &mut BTreeMap<(&'static str, String), Reason>,
) -> Result<Vec<Fix>, ApplyError> {
    let mut planner =
        Planner { doc, place, fixes: Vec::new(), incurable: Vec::new(), non_root: Vec::new(), seccomp: Vec::new() };
    for v in eval.iter() {
        for field in v.fields() {
            if !incurable.contains_key(&(v.check().as_str(), field.path().to_string())) {
                planner.field(v.check(), &field.to_owned());
            }
        }
    }
    planner.pod_level();
    let Planner { mut fixes, incurable: mut cannot, .. } = planner;
    order_removals(&mut fixes);
    if safe_only {
        fixes.retain(|fix| {
            if fix.safety == Safety::Breaking {
                cannot.extend(fix.cures.iter().map(|c| (c.clone(), Reason::Breaking)));
                return false;
            }
            true
        });
    }
    // Leave out what the API server or the kubelet would refuse in the document as it would be;
    // leaving one change out can make another refused (a container that stays privileged), so
    // until nothing changes.
    loop {
        let mut would_be = doc.clone();
        for fix in &fixes {
            fix.apply(&mut would_be)?;
        }
        let mut changed = false;
        let mut kept = Vec::with_capacity(fixes.len());
        for fix in fixes {
            match blocker(&fix, &would_be, place) {
                Blocked::No => kept.push(fix),
                Blocked::All(reason) => {
                    changed = true;
                    cannot.extend(fix.cures.iter().map(|c| (c.clone(), reason.clone())));
                }
                Blocked::Containers(blocked) => {
                    // The pod's runAsNonRoot would also cover containers that run as root: set it
                    // in each of the others instead.
                    changed = true;
                    for cure in fix.cures {
                        let container = match place.site(&segments(cure.path()).unwrap_or_default()) {
                            Some(Site::Container(c, _)) => c,
                            _ => {
                                cannot.push((cure, Reason::RunsAsRoot));
                                continue;
                            }
                        };
                        if blocked.contains(&container) {
                            cannot.push((cure, Reason::RunsAsRoot));
                            continue;
                        }
                        let who = who(cure.field());
                        kept.push(Fix {
                            intent: Intent::Set(join(&container, &["securityContext", "runAsNonRoot"]), true.into()),
                            explanation: format!(
                                "{who}: set runAsNonRoot=true; the kubelet refuses to start it as root"
                            ),
                            cures: vec![cure],
                            safety: Safety::Safe,
                            guard: Guard::ContainerNonRoot(container),
                        });
                    }
                }
            }
        }
        fixes = kept;
        if !changed {
            break;
        }
    }
    for (cure, reason) in cannot {
        incurable.insert((cure.check.as_str(), cure.field.path().to_string()), reason);
    }
    Ok(fixes)
}

/// Removals of elements of one array, last index first, in the places the first ones had: each
/// index still names the element it named before any of them, with or without the others.
fn order_removals(fixes: &mut [Fix]) {
    let removal = |f: &Fix| match &f.intent {
        Intent::Remove(path) => match path.split_last() {
            Some((Segment::Index(i), parent)) => Some((parent.to_vec(), *i)),
            _ => None,
        },
        _ => None,
    };
    let mut done = vec![false; fixes.len()];
    for i in 0..fixes.len() {
        if done[i] {
            continue;
        }
        let Some((parent, _)) = removal(&fixes[i]) else {
            continue;
        };
        let places: Vec<usize> =
            (i..fixes.len()).filter(|&j| removal(&fixes[j]).is_some_and(|(p, _)| p == parent)).collect();
        let mut by_index: Vec<(usize, Fix)> =
            places.iter().map(|&j| (removal(&fixes[j]).map_or(0, |(_, index)| index), fixes[j].clone())).collect();
        by_index.sort_by_key(|b| std::cmp::Reverse(b.0));
        for (&place, (_, fix)) in places.iter().zip(by_index) {
            fixes[place] = fix;
            done[place] = true;
        }
    }
}

enum Blocked {
    No,
    All(Reason),
    /// Only for these containers.
    Containers(Vec<Vec<Segment>>),
}

fn is_true(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Bool(true)))
}

/// Whether the container at `c` runs as user 0: its own `runAsUser`, else the pod's.
fn runs_as_root(doc: &Value, place: &Place, c: &[Segment]) -> bool {
    let own = doc.at(&join(c, &["securityContext", "runAsUser"])).filter(|v| !v.is_null());
    let pod = doc.at(&place.spec_path(&["securityContext", "runAsUser"]));
    matches!(own.or(pod), Some(Value::Number(n)) if n.as_i64() == Some(0))
}

/// Why the API server or the kubelet would refuse `fix` in the document as it would be.
fn blocker(fix: &Fix, doc: &Value, place: &Place) -> Blocked {
    let windows = place.is_windows(doc);
    match &fix.guard {
        Guard::None => Blocked::No,
        Guard::LinuxField if windows => Blocked::All(Reason::WindowsPod),
        Guard::LinuxField => Blocked::No,
        Guard::NoEscalation(_) if windows => Blocked::All(Reason::WindowsPod),
        Guard::NoEscalation(c) => {
            let sc = join(c, &["securityContext"]);
            if is_true(doc.at(&join(&sc, &["privileged"]))) {
                return Blocked::All(Reason::Privileged);
            }
            if let Some(Value::Array(added)) = doc.at(&join(&sc, &["capabilities", "add"])) {
                if added.iter().any(|a| a.as_str() == Some("CAP_SYS_ADMIN")) {
                    return Blocked::All(Reason::SysAdminCapability);
                }
            }
            Blocked::No
        }
        Guard::Seccomp { linux_field: true, .. } if windows => Blocked::All(Reason::WindowsPod),
        Guard::Seccomp { annotation, .. } => {
            let value = doc.at(&place.annotation_path(annotation)).and_then(Value::as_str);
            match value {
                None | Some("runtime/default" | "docker/default") => Blocked::No,
                Some(_) => Blocked::All(Reason::SeccompAnnotation { annotation: annotation.clone() }),
            }
        }
        Guard::Unprivileged(c) => {
            let bidirectional = match doc.at(&join(c, &["volumeMounts"])) {
                Some(Value::Array(mounts)) => {
                    mounts.iter().any(|m| m.get("mountPropagation").and_then(Value::as_str) == Some("Bidirectional"))
                }
                _ => false,
            };
            if bidirectional {
                Blocked::All(Reason::BidirectionalMount)
            } else {
                Blocked::No
            }
        }
        Guard::ContainerNonRoot(c) => {
            if runs_as_root(doc, place, c) {
                Blocked::All(Reason::RunsAsRoot)
            } else {
                Blocked::No
            }
        }
        Guard::PodNonRoot(covered) => {
            let runs_as_root = |c: &Vec<Segment>| runs_as_root(doc, place, c);
            match covered {
                // The pod's setting, for the containers without their own.
                Some(cs) => {
                    let root: Vec<Vec<Segment>> = cs.iter().filter(|c| runs_as_root(c)).cloned().collect();
                    if root.is_empty() {
                        Blocked::No
                    } else {
                        Blocked::Containers(root)
                    }
                }
                // The pod's `false` turned `true`: it covers every container without its own.
                None => {
                    let any_root = place.containers(doc).iter().any(|c| {
                        doc.at(&join(c, &["securityContext", "runAsNonRoot"])).is_none_or(Value::is_null)
                            && runs_as_root(c)
                    });
                    if any_root {
                        Blocked::All(Reason::RunsAsRoot)
                    } else {
                        Blocked::No
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn violation_paths_split_into_segments() {
        let i = Segment::Index;
        assert_eq!(
            segments("spec.template.spec.containers[10].securityContext.capabilities.add[0]").unwrap(),
            [
                key("spec"),
                key("template"),
                key("spec"),
                key("containers"),
                i(10),
                key("securityContext"),
                key("capabilities"),
                key("add"),
                i(0)
            ]
        );
        // An annotation key runs to the end, brackets and dots included.
        assert_eq!(
            segments("metadata.annotations[container.apparmor.security.beta.kubernetes.io/a].b[1]]").unwrap(),
            [key("metadata"), key("annotations"), key("container.apparmor.security.beta.kubernetes.io/a].b[1]")]
        );
        assert_eq!(segments("hostNetwork").unwrap(), [key("hostNetwork")]);
        assert_eq!(segments("volumes[2]").unwrap(), [key("volumes"), i(2)]);
        for bad in ["a..b", ".a", "a[x]", "a[", "a[1]b", "a[]", "a[+1]"] {
            assert_eq!(segments(bad), None, "{bad}");
        }
        assert_eq!(segments("").unwrap(), []);
    }

    #[test]
    fn places_follow_the_entry_point() {
        let p = Place::new(false, Some(WorkloadKind::CronJob));
        assert_eq!(p.spec, ["spec", "jobTemplate", "spec", "template", "spec"].map(key).to_vec(),);
        assert_eq!(Place::new(false, Some(WorkloadKind::Pod)).metadata, [key("metadata")]);
        assert!(Place::new(true, None).spec.is_empty());
        assert_eq!(Place::new(false, Some(WorkloadKind::PodTemplate)).spec, [key("template"), key("spec")]);
    }
}
