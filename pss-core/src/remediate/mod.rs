//! Fixes: the smallest change that makes a pod, a pod spec or a pod controller pass a level,
//! as an RFC 6902 JSON Patch, proven by evaluating the patched document again.
//!
//! ```
//! use pss_core::remediate::{remediate, OpKind, Safety};
//! use pss_core::{CheckId, LevelVersion};
//!
//! let pod = br#"{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"},
//!   "spec": {"containers": [{"name": "web", "image": "nginx"}]}}"#;
//! let fix = remediate("restricted:v1.30".parse()?, pod)?;
//! assert!(fix.fixed());
//! assert_eq!(
//!     fix.patch_json(),
//!     r#"[{"op":"add","path":"/spec/containers/0/securityContext","value":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}},{"op":"add","path":"/spec/securityContext","value":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}}]"#
//! );
//! let op = &fix.operations()[0];
//! assert_eq!((op.op(), op.safety()), (OpKind::Add, Safety::Safe));
//! assert_eq!(op.cures()[0].check(), CheckId::AllowPrivilegeEscalation);
//! assert_eq!(op.cures()[0].path(), "spec.containers[0].securityContext.allowPrivilegeEscalation");
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # What a fix does
//!
//! Each violating field gets the change that cures it and nothing else; a field no violation
//! names is never touched. Changes are marked:
//!
//! - [`Safety::Safe`]: tightens security with no expected change in behaviour:
//!   `allowPrivilegeEscalation: false`, `capabilities.drop: ["ALL"]`, `seccompProfile.type:
//!   RuntimeDefault`, `runAsNonRoot: true`, `appArmorProfile.type: RuntimeDefault`; removing a
//!   forbidden AppArmor, seccomp (annotation), SELinux, `procMount` or sysctl setting.
//! - [`Safety::Breaking`]: may change what the workload can do: `privileged`, host namespaces
//!   and `windowsOptions.hostProcess` set to false, host ports, probe hosts and added
//!   capabilities removed, a restricted volume source replaced by `emptyDir: {}`, `runAsUser: 0`
//!   replaced by [`NON_ROOT_UID`]. [`Remediator::safe_only`] leaves these out.
//!
//! `runAsNonRoot` and `seccompProfile` go into the pod's `securityContext`, where one setting
//! covers every container, unless a container sets its own value (then that value changes).
//! A restricted volume keeps its name and becomes `emptyDir: {}`, so the mounts that use it stay
//! valid; removing the volume would leave them naming a volume that does not exist, which the
//! API server refuses.
//!
//! The checks decide what violates at the level and version asked, with upstream's version
//! differences and its relaxations for user-namespace pods (`hostUsers: false`) and Windows pods;
//! a fix never decides them again. A change the API server would refuse is not made: the
//! violation is reported as not cured, with why ([`Reason`]).
//!
//! # Proof
//!
//! Before returning, the patch is applied to the document, and the result decoded and evaluated
//! again at the same level and version, through the same entry point. Anything left but the
//! reported [`Unfixable`] violations is an error ([`RemediationError::Unverified`]), never a
//! silent pass.

mod patch;
mod plan;
mod value;

use core::fmt;
use std::collections::{BTreeMap, BTreeSet};

use crate::checks::CheckId;
use crate::error::{Error, ErrorKind};
use crate::json::pod::{utf8, PodDocument};
use crate::level::LevelVersion;
use crate::violation::{Evaluation, FieldViolation, Violation};
use crate::workload::{evaluate_object, NoPodTemplate, ObjectDocument, WorkloadKind};

pub use value::{Number, OpKind, Segment, Value, MAX_FIX_DEPTH};

/// The user id a fix sets in place of `runAsUser: 0` (a breaking fix): the first id of a regular
/// user on most Linux distributions, as in the Kubernetes documentation's examples.
pub const NON_ROOT_UID: i64 = 1000;

/// How safe a change is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Safety {
    /// Tightens security with no expected change in what the workload does.
    Safe,
    /// May change what the workload can do (it loses a privilege, a host resource, a volume).
    Breaking,
}

impl Safety {
    /// `"safe"` or `"breaking"`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Safety::Safe => "safe",
            Safety::Breaking => "breaking",
        }
    }
}

impl fmt::Display for Safety {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A violating field an operation cures: the check, and the field as the evaluation reported it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cure {
    check: CheckId,
    field: FieldViolation,
}

impl Cure {
    /// The check that failed on the field.
    pub fn check(&self) -> CheckId {
        self.check
    }

    /// The field's path, as [`FieldViolation::path`] (`spec.containers[0].securityContext.privileged`).
    pub fn path(&self) -> &str {
        self.field.path()
    }

    /// The field as the evaluation reported it (path, offending value, container).
    pub fn field(&self) -> &FieldViolation {
        &self.field
    }

    /// The container the field belongs to, if any.
    pub fn container(&self) -> Option<&str> {
        self.field.container()
    }
}

/// One operation of the patch: an RFC 6902 `add`, `replace` or `remove`, the violating fields it
/// cures, how safe it is, and what it changes in one line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Operation {
    op: OpKind,
    segments: Vec<Segment>,
    path: String,
    value: Option<Value>,
    safety: Safety,
    cures: Vec<Cure>,
    explanation: String,
}

impl Operation {
    /// `add`, `replace` or `remove`.
    pub fn op(&self) -> OpKind {
        self.op
    }

    /// The target, as a JSON Pointer (RFC 6901: `/metadata/annotations/a~1b` for the key `a/b`).
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The target, one step at a time (the pointer's unescaped segments).
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// The value added or replaced (`None` for `remove`).
    pub fn value(&self) -> Option<&Value> {
        self.value.as_ref()
    }

    /// Whether the change is safe or may break the workload.
    pub fn safety(&self) -> Safety {
        self.safety
    }

    /// The violating fields it cures (one or more; a pod-level setting cures every container's).
    pub fn cures(&self) -> &[Cure] {
        &self.cures
    }

    /// What the change does, in one line.
    pub fn explanation(&self) -> &str {
        &self.explanation
    }
}

impl fmt::Display for Operation {
    /// The RFC 6902 operation as JSON: `{"op":"replace","path":"/spec/hostNetwork","value":false}`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{{\"op\":\"{}\",\"path\":", self.op)?;
        value::write_string(f, &self.path)?;
        if let Some(v) = &self.value {
            write!(f, ",\"value\":{v}")?;
        }
        f.write_str("}")
    }
}

/// Why a violation is not cured.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Reason {
    /// Its fix may change what the workload does, and only safe fixes were asked for.
    Breaking,
    /// The volume has a source (or a field) pss does not know, so it cannot tell what to keep.
    UnknownVolumeSource,
    /// A Windows pod (`spec.os.name: windows`) may not set this Linux field; from v1.25 Windows
    /// pods are exempt from the check.
    WindowsPod,
    /// The container stays privileged, and the API server refuses `allowPrivilegeEscalation:
    /// false` with `privileged: true`.
    Privileged,
    /// The container adds `CAP_SYS_ADMIN`, and the API server refuses `allowPrivilegeEscalation:
    /// false` with it.
    SysAdminCapability,
    /// The container runs as user 0 (`runAsUser: 0`); with `runAsNonRoot: true` the kubelet would
    /// refuse to start it.
    RunsAsRoot,
    /// A volume mount of the container uses `mountPropagation: Bidirectional`, which only a
    /// privileged container may.
    BidirectionalMount,
    /// The seccomp annotation `annotation` disagrees with `seccompProfile.type: RuntimeDefault`,
    /// and the API server requires the two to match.
    SeccompAnnotation {
        /// The annotation's key.
        annotation: String,
    },
    /// pss has no fix for this field.
    NoFix,
}

impl Reason {
    /// A short stable code: `breaking`, `unknown-volume-source`, `windows-pod`, `privileged`,
    /// `sys-admin-capability`, `runs-as-root`, `bidirectional-mount`, `seccomp-annotation`, `no-fix`.
    pub fn code(&self) -> &'static str {
        match self {
            Reason::Breaking => "breaking",
            Reason::UnknownVolumeSource => "unknown-volume-source",
            Reason::WindowsPod => "windows-pod",
            Reason::Privileged => "privileged",
            Reason::SysAdminCapability => "sys-admin-capability",
            Reason::RunsAsRoot => "runs-as-root",
            Reason::BidirectionalMount => "bidirectional-mount",
            Reason::SeccompAnnotation { .. } => "seccomp-annotation",
            Reason::NoFix => "no-fix",
        }
    }
}

impl fmt::Display for Reason {
    /// Why, in one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::Breaking => {
                f.write_str("its fix may change what the workload does; only safe fixes were asked for")
            }
            Reason::UnknownVolumeSource => f.write_str(
                "the volume has a source or field pss does not know; replace it by an allowed volume source by hand",
            ),
            Reason::WindowsPod => f.write_str(
                "a Windows pod may not set this Linux field (the API server refuses it); from v1.25 Windows pods are \
                 exempt from this check",
            ),
            Reason::Privileged => f.write_str(
                "the container stays privileged, and the API server refuses allowPrivilegeEscalation=false with \
                 privileged=true",
            ),
            Reason::SysAdminCapability => f.write_str(
                "the container adds CAP_SYS_ADMIN, and the API server refuses allowPrivilegeEscalation=false with it",
            ),
            Reason::RunsAsRoot => f.write_str(
                "the container runs as user 0 (runAsUser=0), and with runAsNonRoot=true the kubelet would refuse to \
                 start it; set a non-root runAsUser",
            ),
            Reason::BidirectionalMount => f.write_str(
                "a volume mount of the container uses mountPropagation Bidirectional, which only a privileged \
                 container may use",
            ),
            Reason::SeccompAnnotation { annotation } => write!(
                f,
                "the annotation {annotation} disagrees with seccompProfile.type=RuntimeDefault, and the API server \
                 requires them to match; remove or change the annotation"
            ),
            Reason::NoFix => f.write_str("pss has no fix for this field"),
        }
    }
}

/// A violating field the patch does not cure, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unfixable {
    check: CheckId,
    field: FieldViolation,
    reason: Reason,
}

impl Unfixable {
    /// The check that fails on the field.
    pub fn check(&self) -> CheckId {
        self.check
    }

    /// The field's path in the patched document.
    pub fn path(&self) -> &str {
        self.field.path()
    }

    /// The field as the evaluation of the patched document reports it.
    pub fn field(&self) -> &FieldViolation {
        &self.field
    }

    /// The container the field belongs to, if any.
    pub fn container(&self) -> Option<&str> {
        self.field.container()
    }

    /// Why it is not cured.
    pub fn reason(&self) -> &Reason {
        &self.reason
    }
}

/// What a fix found and did: the patch, the violations it leaves and why, the patched document,
/// and the evaluations before and after.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Remediation {
    level_version: LevelVersion,
    safe_only: bool,
    before: Evaluation,
    after: Evaluation,
    operations: Vec<Operation>,
    unfixable: Vec<Unfixable>,
    patched: Value,
}

impl Remediation {
    /// The level and version fixed for.
    pub fn level_version(&self) -> LevelVersion {
        self.level_version
    }

    /// Whether only safe fixes were made.
    pub fn safe_only(&self) -> bool {
        self.safe_only
    }

    /// What was fixed: a pod, the object's kind for a controller, `None` for a bare pod spec.
    pub fn kind(&self) -> Option<WorkloadKind> {
        self.before.kind()
    }

    /// The patch's operations, in the order to apply them.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// Whether the patch is empty (nothing to fix, or nothing that could be fixed).
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty()
    }

    /// Whether the patched document passes (every violation cured).
    pub fn fixed(&self) -> bool {
        self.after.allowed()
    }

    /// The violating fields left, each with why.
    pub fn unfixable(&self) -> &[Unfixable] {
        &self.unfixable
    }

    /// The evaluation of the document as given.
    pub fn before(&self) -> &Evaluation {
        &self.before
    }

    /// The evaluation of the patched document.
    pub fn after(&self) -> &Evaluation {
        &self.after
    }

    /// The patched document.
    pub fn patched(&self) -> &Value {
        &self.patched
    }

    /// The patched document as compact JSON.
    pub fn patched_json(&self) -> String {
        self.patched.to_string()
    }

    /// The whole fix as JSON, as every pss surface gives it (written by pss-core itself, so the C
    /// ABI, the Go package and the npm package hand out the same bytes; with the `serde` feature,
    /// `Serialize` gives the same document):
    ///
    /// `{"level", "version", "kind", "safe_only", "fixed", "patch": [{"op", "path", "value",
    /// "safety", "cures": [{"check", "path", "value", "container"}], "explanation"}], "unfixable":
    /// [{"check", "path", "value", "container", "reason", "explanation"}], "patched": {...}}`.
    /// `kind` is `"PodSpec"` for a bare pod spec; `value` is absent from `remove` operations and
    /// `container` from pod-level fields; `reason` is [`Reason::code`].
    ///
    /// ```
    /// let fix = pss_core::remediate::remediate("baseline".parse()?, br#"{"spec":{"hostIPC":true,"containers":[]}}"#)?;
    /// assert_eq!(
    ///     fix.to_json(),
    ///     r#"{"level":"baseline","version":"latest","kind":"Pod","safe_only":false,"fixed":true,"patch":[{"op":"replace","path":"/spec/hostIPC","value":false,"safety":"breaking","cures":[{"check":"hostNamespaces","path":"spec.hostIPC","value":true}],"explanation":"set hostIPC=false: the pod gets its own IPC namespace and no longer shares the node's"}],"unfixable":[],"patched":{"spec":{"hostIPC":false,"containers":[]}}}"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn to_json(&self) -> String {
        use core::fmt::Write;
        let mut out = String::with_capacity(256);
        let field = |out: &mut String, f: &FieldViolation| {
            out.push_str(",\"path\":");
            let _ = value::write_string(out, f.path());
            let _ = write!(out, ",\"value\":{}", f.value());
            if let Some(c) = f.container() {
                out.push_str(",\"container\":");
                let _ = value::write_string(out, c);
            }
        };
        let _ = write!(
            out,
            "{{\"level\":\"{}\",\"version\":\"{}\",\"kind\":\"{}\",\"safe_only\":{},\"fixed\":{},\"patch\":[",
            self.level_version.level,
            self.level_version.version,
            self.kind().map_or("PodSpec", WorkloadKind::kind),
            self.safe_only,
            self.fixed()
        );
        for (i, op) in self.operations.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"op\":\"{}\",\"path\":", op.op);
            let _ = value::write_string(&mut out, &op.path);
            if let Some(v) = &op.value {
                let _ = write!(out, ",\"value\":{v}");
            }
            let _ = write!(out, ",\"safety\":\"{}\",\"cures\":[", op.safety);
            for (j, cure) in op.cures.iter().enumerate() {
                if j > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{{\"check\":\"{}\"", cure.check);
                field(&mut out, &cure.field);
                out.push('}');
            }
            out.push_str("],\"explanation\":");
            let _ = value::write_string(&mut out, &op.explanation);
            out.push('}');
        }
        out.push_str("],\"unfixable\":[");
        for (i, u) in self.unfixable.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let _ = write!(out, "{{\"check\":\"{}\"", u.check);
            field(&mut out, &u.field);
            let _ = write!(out, ",\"reason\":\"{}\",\"explanation\":", u.reason.code());
            let _ = value::write_string(&mut out, &u.reason.to_string());
            out.push('}');
        }
        let _ = write!(out, "],\"patched\":{}}}", self.patched);
        out
    }

    /// The patch as an RFC 6902 JSON Patch document (`op`, `path`, `value` only), for `kubectl
    /// patch --type=json` and any JSON Patch library.
    pub fn patch_json(&self) -> String {
        let mut out = String::from("[");
        for (i, op) in self.operations.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            out.push_str(&op.to_string());
        }
        out.push(']');
        out
    }
}

/// Why a document could not be fixed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RemediationError {
    /// The document does not decode (the evaluator's error), or repeats a key
    /// ([`ErrorKind::DuplicateField`]): a patch against it would be ambiguous.
    Invalid(Error),
    /// Given as an object, the document is not a pod or a pod controller (or its optional
    /// template is absent): there is nothing to fix.
    NotEvaluated(NoPodTemplate),
    /// The document nests deeper than [`MAX_FIX_DEPTH`].
    TooDeep {
        /// The deepest nesting pss fixes.
        limit: usize,
    },
    /// The patched document did not pass the re-evaluation: a fault in pss, reported rather than
    /// returned as a fix. Holds the violations of the last evaluation.
    Unverified {
        /// What the evaluation still found.
        remaining: Vec<Violation>,
    },
}

impl fmt::Display for RemediationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RemediationError::Invalid(e) => write!(f, "{e}"),
            RemediationError::NotEvaluated(e) => write!(f, "{e}"),
            RemediationError::TooDeep { limit } => {
                write!(f, "the document nests deeper than {limit} levels, the deepest pss fixes")
            }
            RemediationError::Unverified { remaining } => {
                f.write_str("the fix did not pass a new evaluation (a fault in pss; please report it)")?;
                for (i, v) in remaining.iter().enumerate() {
                    f.write_str(if i == 0 { ": " } else { ", " })?;
                    write!(f, "{v}")?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for RemediationError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RemediationError::Invalid(e) => Some(e),
            RemediationError::NotEvaluated(e) => Some(e),
            _ => None,
        }
    }
}

impl From<Error> for RemediationError {
    fn from(e: Error) -> Self {
        RemediationError::Invalid(e)
    }
}

/// Which entry point a document came through: it decides how it is decoded and where its pod
/// spec and metadata are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Pod,
    Spec,
    Object,
}

/// Fixes documents at one level and version; see the [module documentation](self).
///
/// ```
/// use pss_core::remediate::{Reason, Remediator};
/// use pss_core::{Level, LevelVersion, Version};
///
/// let spec = br#"{"hostNetwork": true, "containers": [{"name": "c", "image": "busybox"}]}"#;
/// let fix = Remediator::new(LevelVersion::new(Level::Baseline, Version::LATEST)).safe_only(true).spec(spec)?;
/// assert!(fix.is_empty() && !fix.fixed());
/// assert_eq!(fix.unfixable()[0].path(), "hostNetwork");
/// assert_eq!(fix.unfixable()[0].reason(), &Reason::Breaking);
/// # Ok::<(), pss_core::remediate::RemediationError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Remediator {
    level_version: LevelVersion,
    safe_only: bool,
}

/// How many times violations are looked for again after fixing: some only show once others are
/// cured (a container's `runAsNonRoot: false`, once fixed, leaves the others to be covered).
const MAX_ROUNDS: usize = 4;

impl Remediator {
    /// Fixes for `level_version`, safe and breaking changes alike.
    pub const fn new(level_version: LevelVersion) -> Self {
        Remediator { level_version, safe_only: false }
    }

    /// With `true`, only safe changes are made; violations whose fix may break the workload are
    /// reported as not cured ([`Reason::Breaking`]).
    pub const fn safe_only(self, safe_only: bool) -> Self {
        Remediator { safe_only, ..self }
    }

    /// Fixes a pod (JSON bytes), read as [`evaluate_json`](crate::evaluate_json) reads it.
    ///
    /// # Errors
    /// See [`RemediationError`].
    pub fn pod(&self, json: &[u8]) -> Result<Remediation, RemediationError> {
        self.run(Entry::Pod, json)
    }

    /// Fixes a bare pod spec, read as [`evaluate_spec_json`](crate::evaluate_spec_json) reads it;
    /// paths are relative to the spec.
    ///
    /// # Errors
    /// See [`RemediationError`].
    pub fn spec(&self, json: &[u8]) -> Result<Remediation, RemediationError> {
        self.run(Entry::Spec, json)
    }

    /// Fixes any object with a pod template (a pod, a Deployment, a CronJob, ...) through its
    /// template, as [`evaluate_object`] evaluates it; paths are relative to the object.
    ///
    /// # Errors
    /// See [`RemediationError`]; [`RemediationError::NotEvaluated`] for an object that is not a
    /// pod or a pod controller.
    pub fn object(&self, json: &[u8]) -> Result<Remediation, RemediationError> {
        self.run(Entry::Object, json)
    }

    fn evaluate(&self, entry: Entry, text: &str) -> Result<Evaluation, RemediationError> {
        let lv = self.level_version;
        Ok(match entry {
            Entry::Pod => crate::evaluate(lv, &PodDocument::from_str_for_checks(text)?),
            Entry::Spec => crate::evaluate_spec(lv, &PodDocument::from_spec_str(text)?),
            Entry::Object => evaluate_object(lv, &ObjectDocument::from_str_for_checks(text)?)
                .map_err(RemediationError::NotEvaluated)?,
        })
    }

    fn run(&self, entry: Entry, json: &[u8]) -> Result<Remediation, RemediationError> {
        let text = utf8(json)?;
        let before = self.evaluate(entry, text)?;
        let original = Value::parse(text).map_err(|e| match e.kind() {
            ErrorKind::TooDeep => RemediationError::TooDeep { limit: MAX_FIX_DEPTH },
            _ => RemediationError::Invalid(e),
        })?;
        let remediation = |operations, unfixable, after, patched| Remediation {
            level_version: self.level_version,
            safe_only: self.safe_only,
            before: before.clone(),
            after,
            operations,
            unfixable,
            patched,
        };
        if before.allowed() {
            return Ok(remediation(Vec::new(), Vec::new(), before.clone(), original));
        }
        let place = plan::Place::new(entry == Entry::Spec, before.kind());
        let unverified = |eval: &Evaluation| RemediationError::Unverified { remaining: eval.violations().to_vec() };

        // Fix, look again, fix what shows now, until nothing is left but what cannot be cured.
        let mut work = original.clone();
        let mut fixes: Vec<plan::Fix> = Vec::new();
        let mut incurable: BTreeMap<(&'static str, String), Reason> = BTreeMap::new();
        let mut cured: BTreeSet<(&'static str, String)> = BTreeSet::new();
        let mut eval = before.clone();
        for _ in 0..MAX_ROUNDS {
            let pending = eval
                .iter()
                .flat_map(|v| v.fields().iter().map(move |f| (v.check().as_str(), f.path().to_string())))
                .filter(|key| !incurable.contains_key(key))
                .collect::<Vec<_>>();
            if pending.is_empty() || pending.iter().any(|key| cured.contains(key)) {
                break;
            }
            let round =
                plan::plan(&work, &eval, &place, self.safe_only, &mut incurable).map_err(|_| unverified(&eval))?;
            if round.is_empty() {
                break;
            }
            for fix in &round {
                fix.apply(&mut work).map_err(|_| unverified(&eval))?;
                cured.extend(fix.cures.iter().map(|c| (c.check.as_str(), c.field.path().to_string())));
            }
            fixes.extend(round);
            eval = self.evaluate(entry, &work.to_string())?;
        }

        // The patch against the document as given, applied to it, and evaluated again.
        let operations = patch::build(&original, fixes).map_err(|_| unverified(&eval))?;
        let mut patched = original.clone();
        for op in &operations {
            patched.apply(op.op, &op.segments, op.value.as_ref()).map_err(|_| unverified(&eval))?;
        }
        let after = self.evaluate(entry, &patched.to_string())?;
        let mut unfixable = Vec::new();
        for v in after.iter() {
            if v.fields().is_empty() {
                return Err(unverified(&after));
            }
            for field in v.fields() {
                let Some(reason) = incurable.get(&(v.check().as_str(), field.path().to_string())) else {
                    return Err(unverified(&after));
                };
                unfixable.push(Unfixable { check: v.check(), field: field.to_owned(), reason: reason.clone() });
            }
        }
        Ok(remediation(operations, unfixable, after, patched))
    }
}

/// Fixes a pod (JSON bytes) at a level and version, safe and breaking changes alike; see
/// [`Remediator`] for the options and the other entry points.
///
/// # Errors
/// See [`RemediationError`].
///
/// ```
/// use pss_core::remediate::remediate;
///
/// let pod = br#"{"spec": {"hostPID": true, "containers": [{"name": "c", "image": "busybox"}]}}"#;
/// let fix = remediate("baseline".parse()?, pod)?;
/// assert_eq!(fix.patch_json(), r#"[{"op":"replace","path":"/spec/hostPID","value":false}]"#);
/// assert_eq!(fix.operations()[0].explanation(), "set hostPID=false: the pod gets its own process namespace and no longer sees the node's processes");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn remediate(level_version: LevelVersion, pod_json: &[u8]) -> Result<Remediation, RemediationError> {
    Remediator::new(level_version).pod(pod_json)
}

/// Fixes a bare pod spec (JSON bytes); paths are relative to the spec. See [`Remediator::spec`].
///
/// # Errors
/// See [`RemediationError`].
pub fn remediate_spec(level_version: LevelVersion, spec_json: &[u8]) -> Result<Remediation, RemediationError> {
    Remediator::new(level_version).spec(spec_json)
}

/// Fixes any object with a pod template (JSON bytes) through its template; paths are relative to
/// the object. See [`Remediator::object`].
///
/// # Errors
/// See [`RemediationError`].
///
/// ```
/// use pss_core::remediate::{remediate_object, Safety};
///
/// let deployment = br#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "web"},
///   "spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx",
///     "securityContext": {"privileged": true}}]}}}}"#;
/// let fix = remediate_object("baseline".parse()?, deployment)?;
/// let op = &fix.operations()[0];
/// assert_eq!(op.path(), "/spec/template/spec/containers/0/securityContext/privileged");
/// assert_eq!(op.safety(), Safety::Breaking);
/// assert!(fix.fixed());
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn remediate_object(level_version: LevelVersion, object_json: &[u8]) -> Result<Remediation, RemediationError> {
    Remediator::new(level_version).object(object_json)
}

#[cfg(feature = "serde")]
mod serialize {
    use serde::ser::{Serialize, SerializeStruct, Serializer};

    use super::{Cure, Operation, Remediation, Safety, Unfixable};

    impl Serialize for Safety {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.as_str())
        }
    }

    impl Serialize for super::OpKind {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.serialize_str(self.as_str())
        }
    }

    /// `{"check", "path", "value", "container"}` (`container` only when the field is a container's).
    impl Serialize for Cure {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let container = self.field.container();
            let mut st = s.serialize_struct("Cure", 3 + usize::from(container.is_some()))?;
            st.serialize_field("check", &self.check)?;
            st.serialize_field("path", self.field.path())?;
            st.serialize_field("value", self.field.value())?;
            if let Some(c) = container {
                st.serialize_field("container", c)?;
            }
            st.end()
        }
    }

    /// An RFC 6902 operation (`op`, `path`, `value` unless `remove`) with pss's members beside
    /// (`safety`, `cures`, `explanation`), which JSON Patch implementations ignore.
    impl Serialize for Operation {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Operation", 6)?;
            st.serialize_field("op", &self.op)?;
            st.serialize_field("path", &self.path)?;
            if let Some(v) = &self.value {
                st.serialize_field("value", v)?;
            }
            st.serialize_field("safety", &self.safety)?;
            st.serialize_field("cures", &self.cures)?;
            st.serialize_field("explanation", &self.explanation)?;
            st.end()
        }
    }

    /// `{"check", "path", "value", "container", "reason", "explanation"}`: `reason` is
    /// [`Reason::code`](super::Reason::code), `explanation` its sentence.
    impl Serialize for Unfixable {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let container = self.field.container();
            let mut st = s.serialize_struct("Unfixable", 5 + usize::from(container.is_some()))?;
            st.serialize_field("check", &self.check)?;
            st.serialize_field("path", self.field.path())?;
            st.serialize_field("value", self.field.value())?;
            if let Some(c) = container {
                st.serialize_field("container", c)?;
            }
            st.serialize_field("reason", self.reason.code())?;
            st.serialize_field("explanation", &self.reason.to_string())?;
            st.end()
        }
    }

    /// [`Remediation::to_json`]'s document: `{"level", "version", "kind", "safe_only", "fixed",
    /// "patch", "unfixable", "patched"}`; `kind` as in [`Evaluation`](crate::Evaluation)'s form
    /// (`"PodSpec"` for a bare spec).
    impl Serialize for Remediation {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            let mut st = s.serialize_struct("Remediation", 8)?;
            st.serialize_field("level", &self.level_version.level)?;
            st.serialize_field("version", &self.level_version.version)?;
            st.serialize_field("kind", self.kind().map_or("PodSpec", crate::WorkloadKind::kind))?;
            st.serialize_field("safe_only", &self.safe_only)?;
            st.serialize_field("fixed", &self.fixed())?;
            st.serialize_field("patch", &self.operations)?;
            st.serialize_field("unfixable", &self.unfixable)?;
            st.serialize_field("patched", &self.patched)?;
            st.end()
        }
    }
}
