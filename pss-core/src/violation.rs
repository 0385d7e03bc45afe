//! What an evaluation returns: violations, with upstream's strings and the offending fields.

use core::fmt;
use core::ops::Deref;

use crate::checks::CheckId;
use crate::level::LevelVersion;
use crate::workload::WorkloadKind;

/// One failed check: upstream's `CheckResult` (check id, reason, detail) plus the offending fields.
///
/// ```
/// use pss_core::{evaluate_json, CheckId, FieldValue, LevelVersion};
///
/// let pod = br#"{"spec": {"containers": [{"name": "app", "securityContext": {"privileged": true}}]}}"#;
/// let result = evaluate_json("baseline".parse()?, pod)?;
/// let v = &result[0];
/// assert_eq!(v.check(), CheckId::Privileged);
/// assert_eq!(v.reason(), "privileged");
/// assert_eq!(v.detail(), r#"container "app" must not set securityContext.privileged=true"#);
/// assert_eq!(v.fields()[0].path(), "spec.containers[0].securityContext.privileged");
/// assert_eq!(v.fields()[0].value(), &FieldValue::Bool(true));
/// assert_eq!(v.fields()[0].container(), Some("app"));
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct Violation {
    check: CheckId,
    reason: &'static str,
    detail: String,
    fields: Vec<FieldViolation>,
}

impl Violation {
    pub(crate) fn new(check: CheckId, reason: &'static str, detail: String, fields: Vec<FieldViolation>) -> Self {
        Violation { check, reason, detail, fields }
    }

    /// The check that failed.
    pub fn check(&self) -> CheckId {
        self.check
    }

    /// Upstream's `ForbiddenReason`, byte for byte (`"privileged"`, `"host namespaces"`, ...).
    pub fn reason(&self) -> &'static str {
        self.reason
    }

    /// Upstream's `ForbiddenDetail`, byte for byte; may be empty.
    pub fn detail(&self) -> &str {
        &self.detail
    }

    /// Every offending field, in the order upstream meets them (pod first, then containers in
    /// init, regular, ephemeral order, then annotations sorted by key).
    pub fn fields(&self) -> &[FieldViolation] {
        &self.fields
    }
}

impl fmt::Display for Violation {
    /// `reason (detail)`, or `reason` when the detail is empty, as upstream aggregates it.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.reason)?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        Ok(())
    }
}

/// One offending field: its JSON path in the object, its value, and the container it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize))]
pub struct FieldViolation {
    path: String,
    value: FieldValue,
    #[cfg_attr(feature = "serde", serde(skip_serializing_if = "Option::is_none"))]
    container: Option<String>,
}

impl FieldViolation {
    pub(crate) fn new(path: String, value: FieldValue, container: Option<&str>) -> Self {
        FieldViolation { path, value, container: container.map(str::to_owned) }
    }

    /// The field's path, e.g. `spec.containers[0].securityContext.privileged` or
    /// `metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]`.
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The offending value ([`FieldValue::Unset`] when the check requires a value that is missing).
    pub fn value(&self) -> &FieldValue {
        &self.value
    }

    /// The name of the container the field belongs to, if it belongs to one.
    pub fn container(&self) -> Option<&str> {
        self.container.as_deref()
    }
}

/// The value of an offending field.
///
/// Serialises to JSON as the value itself: `null`, `true`, `0`, `"Unconfined"`, `["NET_RAW"]`, or `{}`
/// for an object whose presence alone is the problem (a `hostPath` volume source).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// Not set (or `null`), where the check requires a value.
    Unset,
    /// A boolean.
    Bool(bool),
    /// An integer.
    Int(i64),
    /// A string.
    String(String),
    /// A list of strings (such as `capabilities.drop` without `ALL`).
    List(Vec<String>),
    /// An object that is set; its presence is the problem.
    Object,
}

impl fmt::Display for FieldValue {
    /// The value as JSON.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FieldValue::Unset => f.write_str("null"),
            FieldValue::Bool(b) => write!(f, "{b}"),
            FieldValue::Int(i) => write!(f, "{i}"),
            FieldValue::String(s) => write_json_string(f, s),
            FieldValue::List(items) => {
                f.write_str("[")?;
                for (i, s) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(",")?;
                    }
                    write_json_string(f, s)?;
                }
                f.write_str("]")
            }
            FieldValue::Object => f.write_str("{}"),
        }
    }
}

fn write_json_string(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("\"")?;
    for c in s.chars() {
        match c {
            '"' => f.write_str("\\\"")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("\"")
}

#[cfg(feature = "serde")]
impl serde::Serialize for FieldValue {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        match self {
            FieldValue::Unset => s.serialize_unit(),
            FieldValue::Bool(b) => s.serialize_bool(*b),
            FieldValue::Int(i) => s.serialize_i64(*i),
            FieldValue::String(v) => s.serialize_str(v),
            FieldValue::List(items) => s.collect_seq(items),
            FieldValue::Object => s.serialize_map(Some(0))?.end(),
        }
    }
}

/// The result of evaluating one pod at one level and version: the violations in upstream's order.
///
/// Derefs to `[Violation]`; empty means allowed. Evaluating an allowed pod allocates nothing.
///
/// ```
/// use pss_core::{evaluate_json, LevelVersion};
///
/// let pod = br#"{"spec": {"hostNetwork": true, "containers": [{"name": "c", "securityContext": {"privileged": true}}]}}"#;
/// let result = evaluate_json(LevelVersion::default(), pod)?;
/// assert!(!result.allowed());
/// assert_eq!(result.len(), 2);
/// assert_eq!(result.forbidden_reason(), "host namespaces, privileged");
/// assert_eq!(
///     result.forbidden_detail(),
///     r#"host namespaces (hostNetwork=true), privileged (container "c" must not set securityContext.privileged=true)"#
/// );
/// # Ok::<(), pss_core::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    level_version: LevelVersion,
    kind: Option<WorkloadKind>,
    violations: Vec<Violation>,
}

impl Evaluation {
    /// The evaluation of a pod.
    pub(crate) fn new(level_version: LevelVersion, violations: Vec<Violation>) -> Self {
        Evaluation { level_version, kind: Some(WorkloadKind::Pod), violations }
    }

    /// The evaluation of an object of `kind` (`None`: a bare pod spec), through its pod template.
    pub(crate) fn of(level_version: LevelVersion, kind: Option<WorkloadKind>, violations: Vec<Violation>) -> Self {
        Evaluation { level_version, kind, violations }
    }

    /// The level and version evaluated, as requested.
    pub fn level_version(&self) -> LevelVersion {
        self.level_version
    }

    /// What was evaluated: [`WorkloadKind::Pod`] for a pod ([`evaluate`](crate::evaluate),
    /// [`evaluate_json`](crate::evaluate_json)), the object's kind for a pod controller
    /// ([`evaluate_object`](crate::evaluate_object)), `None` for a bare pod spec
    /// ([`evaluate_spec`](crate::evaluate_spec), [`evaluate_spec_json`](crate::evaluate_spec_json)).
    pub fn kind(&self) -> Option<WorkloadKind> {
        self.kind
    }

    /// Whether the pod passes (no violations).
    pub fn allowed(&self) -> bool {
        self.violations.is_empty()
    }

    /// The violations, in upstream's order.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// Takes the violations out.
    pub fn into_violations(self) -> Vec<Violation> {
        self.violations
    }

    /// Upstream's `AggregateCheckResult.ForbiddenReason()`: the reasons joined by `", "`.
    pub fn forbidden_reason(&self) -> String {
        let len = self.violations.iter().map(|v| v.reason.len() + 2).sum::<usize>().saturating_sub(2);
        let mut out = String::with_capacity(len);
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(v.reason);
        }
        out
    }

    /// Upstream's `AggregateCheckResult.ForbiddenDetail()`: each `reason (detail)` (or `reason` when
    /// the detail is empty) joined by `", "`.
    pub fn forbidden_detail(&self) -> String {
        let mut out = String::with_capacity(self.forbidden_detail_len());
        self.push_forbidden_detail(&mut out);
        out
    }

    /// The length of [`Evaluation::forbidden_detail`], in bytes.
    fn forbidden_detail_len(&self) -> usize {
        let each = |v: &Violation| v.reason.len() + if v.detail.is_empty() { 0 } else { v.detail.len() + 3 };
        self.violations.iter().map(|v| each(v) + 2).sum::<usize>().saturating_sub(2)
    }

    /// Appends [`Evaluation::forbidden_detail`] to `out`.
    fn push_forbidden_detail(&self, out: &mut String) {
        for (i, v) in self.violations.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            out.push_str(v.reason);
            if !v.detail.is_empty() {
                out.push_str(" (");
                out.push_str(&v.detail);
                out.push(')');
            }
        }
    }

    /// The three aggregate texts at once, each built once and at its final size: upstream's
    /// `ForbiddenReason`, `ForbiddenDetail`, and the denial message for `name` (`None` when
    /// allowed), as [`forbidden_reason`](Evaluation::forbidden_reason),
    /// [`forbidden_detail`](Evaluation::forbidden_detail) and
    /// [`denial_message`](Evaluation::denial_message) give them one by one.
    pub fn texts(&self, name: &str) -> (String, String, Option<String>) {
        let detail = self.forbidden_detail();
        let message = (!self.allowed()).then(|| crate::message::denial(self.kind, name, self.level_version, &detail));
        (self.forbidden_reason(), detail, message)
    }

    /// The denial of what was evaluated, named `name`; `None` when it is allowed.
    ///
    /// - A pod, or a bare pod spec: the API server's message,
    ///   `pods "NAME" is forbidden: violates PodSecurity "baseline:latest": <forbidden_detail>`.
    /// - A pod controller, which the API server never denies (it warns) but whose pods it would
    ///   deny: `deployments "NAME" (pods it creates would be denied): violates PodSecurity
    ///   "baseline:latest": <forbidden_detail>`.
    ///
    /// The name is quoted as Go's `%q` quotes it. Without a name (say with `generateName`) it reads
    /// `pods is forbidden: ...`, as the API server's.
    ///
    /// ```
    /// use pss_core::{evaluate_object, LevelVersion, ObjectDocument};
    ///
    /// let deployment = ObjectDocument::from_str(r#"{"apiVersion": "apps/v1", "kind": "Deployment",
    ///   "metadata": {"name": "web"}, "spec": {"template": {"spec": {"hostNetwork": true, "containers": []}}}}"#)?;
    /// let result = evaluate_object(LevelVersion::default(), &deployment)?;
    /// assert_eq!(
    ///     result.denial_message("web").unwrap(),
    ///     r#"deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)"#
    /// );
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn denial_message(&self, name: &str) -> Option<String> {
        if self.allowed() {
            return None;
        }
        let mut out = String::with_capacity(crate::message::DENIAL_HEAD_LEN + name.len() + self.forbidden_detail_len());
        crate::message::push_denial_head(&mut out, self.kind, name, self.level_version);
        self.push_forbidden_detail(&mut out);
        Some(out)
    }

    /// [`Evaluation::denial_message`] (the name it had before 0.2.0).
    #[deprecated(since = "0.2.0", note = "renamed `denial_message`, which also words a controller's denial")]
    pub fn admission_message(&self, name: &str) -> Option<String> {
        self.denial_message(name)
    }
}

/// `{"level": "baseline", "version": "latest", "kind": "Pod", "allowed": false, "violations": [...]}`;
/// `kind` is the object's (`"Deployment"`) or `"PodSpec"` for a bare pod spec.
#[cfg(feature = "serde")]
impl serde::Serialize for Evaluation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Evaluation", 5)?;
        st.serialize_field("level", &self.level_version.level)?;
        st.serialize_field("version", &self.level_version.version)?;
        st.serialize_field("kind", self.kind.map_or("PodSpec", WorkloadKind::kind))?;
        st.serialize_field("allowed", &self.allowed())?;
        st.serialize_field("violations", &self.violations)?;
        st.end()
    }
}

impl Deref for Evaluation {
    type Target = [Violation];
    fn deref(&self) -> &[Violation] {
        &self.violations
    }
}

impl IntoIterator for Evaluation {
    type Item = Violation;
    type IntoIter = std::vec::IntoIter<Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.into_iter()
    }
}

impl<'a> IntoIterator for &'a Evaluation {
    type Item = &'a Violation;
    type IntoIter = core::slice::Iter<'a, Violation>;
    fn into_iter(self) -> Self::IntoIter {
        self.violations.iter()
    }
}
