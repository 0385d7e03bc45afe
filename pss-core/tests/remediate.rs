//! Fixes (`pss_core::remediate`), checked from the outside:
//!
//! - every upstream fixture (../shared/conformance) and every real-world workload
//!   (../shared/realworld) denied at a level and version is fixed, and the patched document is
//!   allowed (or only the reported incurable violations are left);
//! - where a patched document is itself in the data, upstream's verdict for it agrees;
//! - generated pods and workloads (pss-testgen): fixed or only incurable left, minimal (dropping
//!   any one operation leaves a violation), idempotent (fixing a fixed document changes nothing);
//! - one case for each kind of fix and for each change that must not be made.
//!
//! The patch is applied here by a small RFC 6902 implementation of this file's own over
//! serde_json, independent of pss-core's, and the result evaluated again through the public API.

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use proptest::prelude::*;
use pss_core::remediate::{OpKind, Reason, Remediation, RemediationError, Remediator, Safety, NON_ROOT_UID};
use pss_core::{
    evaluate, evaluate_object, evaluate_spec, CheckId, Evaluation, Level, LevelVersion, ObjectDocument, PodDocument,
    Version,
};
use pss_testgen::{pod, pod_json, workload, KINDS};
use serde::Deserialize;
use serde_json::{json, Value};

// ---- an RFC 6902 implementation of this test's own ----------------------------------------

/// The segments of an RFC 6901 pointer, unescaped.
fn pointer_segments(pointer: &str) -> Result<Vec<String>, String> {
    if pointer.is_empty() {
        return Ok(Vec::new());
    }
    let rest = pointer.strip_prefix('/').ok_or_else(|| format!("pointer {pointer:?} does not start with /"))?;
    Ok(rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect())
}

fn array_index(seg: &str, len: usize, for_add: bool) -> Result<usize, String> {
    if seg == "-" && for_add {
        return Ok(len);
    }
    if seg.is_empty() || (seg.len() > 1 && seg.starts_with('0')) || !seg.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("{seg:?} is not an array index"));
    }
    let i: usize = seg.parse().map_err(|_| format!("{seg:?} is not an array index"))?;
    let max = if for_add { len } else { len.saturating_sub(1) };
    if i > max || (!for_add && len == 0) {
        return Err(format!("index {i} is out of bounds"));
    }
    Ok(i)
}

/// Applies a JSON Patch (add, replace, remove; anything else is an error).
fn apply_patch(doc: &mut Value, patch: &[Value]) -> Result<(), String> {
    for op in patch {
        let kind = op["op"].as_str().ok_or("an operation without op")?;
        let segs = pointer_segments(op["path"].as_str().ok_or("an operation without path")?)?;
        let (last, parents) = segs.split_last().ok_or("an operation on the whole document")?;
        let mut parent = &mut *doc;
        for seg in parents {
            parent = match parent {
                Value::Object(m) => m.get_mut(seg).ok_or_else(|| format!("no member {seg:?}"))?,
                Value::Array(a) => {
                    let i = array_index(seg, a.len(), false)?;
                    &mut a[i]
                }
                _ => return Err(format!("{seg:?} under a scalar")),
            };
        }
        let value = || op.get("value").cloned().ok_or_else(|| format!("{kind} without a value"));
        match (kind, parent) {
            ("add", Value::Object(m)) => {
                m.insert(last.clone(), value()?);
            }
            ("add", Value::Array(a)) => {
                let i = array_index(last, a.len(), true)?;
                a.insert(i, value()?);
            }
            ("replace", Value::Object(m)) => {
                *m.get_mut(last).ok_or_else(|| format!("replace of missing {last:?}"))? = value()?;
            }
            ("replace", Value::Array(a)) => {
                let i = array_index(last, a.len(), false)?;
                a[i] = value()?;
            }
            ("remove", Value::Object(m)) => {
                m.remove(last).ok_or_else(|| format!("remove of missing {last:?}"))?;
            }
            ("remove", Value::Array(a)) => {
                let i = array_index(last, a.len(), false)?;
                a.remove(i);
            }
            (kind, _) => return Err(format!("{kind} into a scalar, or an unknown op")),
        }
    }
    Ok(())
}

// ---- the properties every fix has --------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Entry {
    Pod,
    Spec,
    Object,
}

fn evaluate_as(entry: Entry, lv: LevelVersion, text: &str) -> Evaluation {
    match entry {
        Entry::Pod => evaluate(lv, &PodDocument::from_str(text).expect("decodes")),
        Entry::Spec => evaluate_spec(lv, &PodDocument::from_spec_str(text).expect("decodes")),
        Entry::Object => evaluate_object(lv, &ObjectDocument::from_str(text).expect("decodes")).expect("a workload"),
    }
}

fn remediate_as(entry: Entry, r: Remediator, text: &str) -> Result<Remediation, RemediationError> {
    match entry {
        Entry::Pod => r.pod(text.as_bytes()),
        Entry::Spec => r.spec(text.as_bytes()),
        Entry::Object => r.object(text.as_bytes()),
    }
}

/// The (check, path) of every violating field.
fn fields(eval: &Evaluation) -> HashSet<(CheckId, String)> {
    eval.iter().flat_map(|v| v.fields().iter().map(move |f| (v.check(), f.path().to_string()))).collect()
}

/// Tallies across many fixes, for the summaries the data tests print.
#[derive(Debug, Default)]
struct Tally {
    fixes: usize,
    fixed: usize,
    operations: usize,
    reasons: BTreeMap<String, usize>,
}

/// Fixes `text` and checks, independently of pss-core's patch code, everything a fix promises.
/// Returns the fix and the patched document.
fn check_fix(
    entry: Entry,
    lv: LevelVersion,
    safe_only: bool,
    text: &str,
    deep: bool,
) -> Result<(Remediation, Value), String> {
    let r = Remediator::new(lv).safe_only(safe_only);
    let fix = remediate_as(entry, r, text).map_err(|e| format!("no fix: {e}"))?;
    let before = evaluate_as(entry, lv, text);
    if fix.before() != &before {
        return Err("the fix's evaluation before differs from evaluate's".into());
    }
    // pss-core's JSON writer and its serde form agree.
    if serde_json::from_str::<Value>(&fix.to_json()).ok() != serde_json::to_value(&fix).ok() {
        return Err(format!("to_json differs from the serde form: {}", fix.to_json()));
    }
    // The patch, applied here, gives the document the fix says it gives.
    let patch: Vec<Value> = serde_json::from_str(&fix.patch_json()).map_err(|e| format!("patch_json: {e}"))?;
    if patch.len() != fix.operations().len() {
        return Err("patch_json and operations() differ in length".into());
    }
    let mut doc: Value = serde_json::from_str(text).unwrap();
    apply_patch(&mut doc, &patch).map_err(|e| format!("the patch does not apply: {e}\n{}", fix.patch_json()))?;
    let patched: Value = serde_json::from_str(&fix.patched_json()).unwrap();
    if doc != patched {
        return Err(format!("applied here {doc}\n  but patched_json() {patched}"));
    }
    // Evaluated again: only the reported incurable fields are left.
    let after = evaluate_as(entry, lv, &doc.to_string());
    if fix.after() != &after {
        return Err("the fix's evaluation after differs from evaluating the patched document".into());
    }
    let left = fields(&after);
    let reported: HashSet<(CheckId, String)> =
        fix.unfixable().iter().map(|u| (u.check(), u.path().to_string())).collect();
    if left != reported || fix.unfixable().len() != reported.len() {
        return Err(format!("left {left:?}\n  but reported {reported:?}"));
    }
    if fix.fixed() != after.allowed() || (fix.fixed() && !fix.unfixable().is_empty()) {
        return Err("fixed() disagrees with the evaluation".into());
    }
    let checks_before: HashSet<CheckId> = before.iter().map(|v| v.check()).collect();
    for op in fix.operations() {
        if op.cures().is_empty() || op.explanation().is_empty() || op.explanation().contains('\n') {
            return Err(format!("operation {} has no cure or no one-line explanation", op.path()));
        }
        if op.cures().iter().any(|c| !checks_before.contains(&c.check())) {
            return Err(format!("operation {} cures a check that did not fail", op.path()));
        }
        if safe_only && op.safety() != Safety::Safe {
            return Err(format!("a breaking operation with safe_only: {}", op.path()));
        }
        if (op.op() == OpKind::Remove) != op.value().is_none() {
            return Err(format!("operation {} has a value it should not have, or none", op.path()));
        }
    }
    for u in fix.unfixable() {
        if u.reason() == &Reason::NoFix {
            return Err(format!("no fix for {} ({})", u.path(), u.check()));
        }
        if !safe_only && u.reason() == &Reason::Breaking {
            return Err(format!("{} left as breaking without safe_only", u.path()));
        }
    }
    if !deep {
        return Ok((fix, doc));
    }
    // Minimal: without any one operation, something more is left.
    for skip in 0..patch.len() {
        let mut partial: Value = serde_json::from_str(text).unwrap();
        let rest: Vec<Value> = patch.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, op)| op.clone()).collect();
        apply_patch(&mut partial, &rest)
            .map_err(|e| format!("without operation {skip} the patch does not apply: {e}"))?;
        let without = fields(&evaluate_as(entry, lv, &partial.to_string()));
        if without.is_subset(&reported) {
            return Err(format!("operation {} ({}) is not needed", skip, fix.operations()[skip].path()));
        }
    }
    // Idempotent: the patched document needs nothing more.
    let again = remediate_as(entry, r, &doc.to_string()).map_err(|e| format!("no fix of the fixed document: {e}"))?;
    if !again.is_empty() {
        return Err(format!("fixing the fixed document changes it again: {}", again.patch_json()));
    }
    Ok((fix, doc))
}

fn count(t: &mut Tally, fix: &Remediation) {
    t.fixes += 1;
    t.fixed += usize::from(fix.fixed());
    t.operations += fix.operations().len();
    for u in fix.unfixable() {
        *t.reasons.entry(u.reason().code().to_owned()).or_default() += 1;
    }
}

/// Keys sorted at every level (serde_json's map is ordered), so equal documents compare equal.
fn canonical(v: &Value) -> String {
    v.to_string()
}

// ---- hand-written cases --------------------------------------------------------------------

fn lv(s: &str) -> LevelVersion {
    s.parse().unwrap()
}

fn fix_pod(level_version: &str, pod: Value) -> Remediation {
    let text = pod.to_string();
    let (fix, _) =
        check_fix(Entry::Pod, lv(level_version), false, &text, true).unwrap_or_else(|e| panic!("{e}\n{text}"));
    fix
}

fn fix_pod_safe(level_version: &str, pod: Value) -> Remediation {
    let text = pod.to_string();
    let (fix, _) =
        check_fix(Entry::Pod, lv(level_version), true, &text, true).unwrap_or_else(|e| panic!("{e}\n{text}"));
    fix
}

fn ops(fix: &Remediation) -> Vec<(String, String, String)> {
    fix.operations()
        .iter()
        .map(|o| (o.op().to_string(), o.path().to_string(), o.value().map(|v| v.to_string()).unwrap_or_default()))
        .collect()
}

fn reasons(fix: &Remediation) -> Vec<(String, String)> {
    fix.unfixable().iter().map(|u| (u.path().to_string(), u.reason().code().to_owned())).collect()
}

fn o(op: &str, path: &str, value: &str) -> (String, String, String) {
    (op.to_owned(), path.to_owned(), value.to_owned())
}

#[test]
fn restricted_pod_gets_pod_level_settings_and_container_ones() {
    let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "web"}, "spec": {
        "initContainers": [{"name": "init", "image": "busybox", "securityContext": {"runAsNonRoot": false}}],
        "containers": [
            {"name": "a", "image": "nginx"},
            {"name": "b", "image": "nginx", "securityContext": {"capabilities": {"drop": ["NET_RAW"]},
              "seccompProfile": {"type": "Unconfined"}, "allowPrivilegeEscalation": true}}]}});
    let fix = fix_pod("restricted:latest", pod);
    assert!(fix.fixed());
    assert_eq!(
        ops(&fix),
        [
            o("add", "/spec/initContainers/0/securityContext/allowPrivilegeEscalation", "false"),
            o(
                "add",
                "/spec/containers/0/securityContext",
                r#"{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}"#
            ),
            o("replace", "/spec/containers/1/securityContext/allowPrivilegeEscalation", "false"),
            o("add", "/spec/initContainers/0/securityContext/capabilities", r#"{"drop":["ALL"]}"#),
            o("add", "/spec/containers/1/securityContext/capabilities/drop/-", r#""ALL""#),
            o("replace", "/spec/initContainers/0/securityContext/runAsNonRoot", "true"),
            o("replace", "/spec/containers/1/securityContext/seccompProfile/type", r#""RuntimeDefault""#),
            // After the container's explicit false is fixed, the others need the pod's setting.
            o("add", "/spec/securityContext", r#"{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}"#),
        ]
    );
    assert!(fix.operations().iter().all(|op| op.safety() == Safety::Safe));
    let pod_level = fix.operations().last().unwrap();
    let cured: Vec<&str> = pod_level.cures().iter().map(|c| c.path()).collect();
    assert_eq!(
        cured,
        [
            "spec.containers[0].securityContext.runAsNonRoot",
            "spec.containers[1].securityContext.runAsNonRoot",
            "spec.initContainers[0].securityContext.seccompProfile.type",
            "spec.containers[0].securityContext.seccompProfile.type",
        ]
    );
}

#[test]
fn baseline_breaking_fixes() {
    let pod = json!({"kind": "Pod", "metadata": {"name": "p", "annotations": {
            "container.apparmor.security.beta.kubernetes.io/c": "unconfined", "other/a": "x"}},
        "spec": {
            "hostNetwork": true, "hostPID": true, "hostIPC": false,
            "securityContext": {"sysctls": [{"name": "kernel.msgmax", "value": "1"}, {"name": "net.ipv4.tcp_syncookies", "value": "1"},
                                            {"name": "kernel.sem", "value": "1"}],
                                "seLinuxOptions": {"type": "spc_t", "level": "s0"}},
            "volumes": [{"name": "logs", "hostPath": {"path": "/var/log"}}, {"name": "cfg", "configMap": {"name": "c"}}],
            "containers": [{"name": "c", "image": "nginx",
              "ports": [{"containerPort": 80, "hostPort": 8080}, {"containerPort": 81}],
              "livenessProbe": {"httpGet": {"host": "example.com", "port": 80}},
              "securityContext": {"privileged": true, "procMount": "Unmasked",
                "capabilities": {"add": ["NET_ADMIN", "CHOWN", "SYS_ADMIN"]}}}]}});
    let fix = fix_pod("baseline:v1.34", pod.clone());
    assert!(fix.fixed());
    assert_eq!(
        ops(&fix),
        [
            o("remove", "/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1c", ""),
            o("remove", "/spec/containers/0/securityContext/capabilities/add/2", ""),
            o("remove", "/spec/containers/0/securityContext/capabilities/add/0", ""),
            o("replace", "/spec/hostNetwork", "false"),
            o("replace", "/spec/hostPID", "false"),
            o("replace", "/spec/volumes/0", r#"{"name":"logs","emptyDir":{}}"#),
            o("remove", "/spec/containers/0/ports/0/hostPort", ""),
            o("remove", "/spec/containers/0/livenessProbe/httpGet/host", ""),
            o("replace", "/spec/containers/0/securityContext/privileged", "false"),
            o("remove", "/spec/containers/0/securityContext/procMount", ""),
            o("remove", "/spec/securityContext/seLinuxOptions/type", ""),
            o("remove", "/spec/securityContext/sysctls/2", ""),
            o("remove", "/spec/securityContext/sysctls/0", ""),
        ]
    );
    let safety: Vec<Safety> = fix.operations().iter().map(|o| o.safety()).collect();
    use Safety::{Breaking as B, Safe as S};
    assert_eq!(safety, [S, B, B, B, B, B, B, B, B, S, S, S, S]);
    assert_eq!(
        fix.operations()[5].explanation(),
        "volume \"logs\": replace hostPath by emptyDir: {}; its mounts get an empty directory instead"
    );
    // The probe's host at v1.33 is no violation, so it is not touched.
    let fix = fix_pod("baseline:v1.33", pod.clone());
    assert!(!ops(&fix).iter().any(|(_, path, _)| path.contains("livenessProbe")));
    // Safe fixes only: the breaking ones are left, each named.
    let fix = fix_pod_safe("baseline:v1.34", pod);
    assert!(!fix.fixed());
    assert_eq!(fix.operations().len(), 5);
    let left: Vec<(String, String)> = reasons(&fix);
    assert!(left.iter().all(|(_, r)| r == "breaking"), "{left:?}");
    assert!(left.contains(&("spec.volumes[0].hostPath".into(), "breaking".into())));
}

#[test]
fn restricted_volumes_become_empty_dirs_keeping_their_mounts() {
    let pod = json!({"kind": "Pod", "spec": {
        "volumes": [{"name": "a", "nfs": {"server": "s", "path": "/"}}, {"name": "b"},
                    {"name": "c", "secret": {"secretName": "x"}}, {"name": "d", "hostPath": {"path": "/"}, "iscsi": {}},
                    {"name": "e", "flocker": {}, "futureSource": {}}, {"name": "f", "hostPath": null, "gitRepo": null}],
        "securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "i", "volumeMounts": [{"name": "a", "mountPath": "/a"}],
            "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}});
    let fix = fix_pod("restricted:latest", pod);
    assert_eq!(
        ops(&fix),
        [
            o("replace", "/spec/volumes/0", r#"{"name":"a","emptyDir":{}}"#),
            o("replace", "/spec/volumes/1", r#"{"name":"b","emptyDir":{}}"#),
            o("replace", "/spec/volumes/3", r#"{"name":"d","emptyDir":{}}"#),
            o("replace", "/spec/volumes/5", r#"{"name":"f","emptyDir":{}}"#),
        ]
    );
    // A volume without a source gets the one the API server would give it: no change in behaviour.
    assert_eq!(fix.operations()[1].safety(), Safety::Safe);
    assert_eq!(fix.operations()[0].safety(), Safety::Breaking);
    // A source pss does not know beside a restricted one: left, with why.
    assert_eq!(reasons(&fix), [("spec.volumes[4].flocker".to_owned(), "unknown-volume-source".to_owned())]);
}

#[test]
fn changes_the_api_server_or_the_kubelet_would_refuse_are_not_made() {
    // allowPrivilegeEscalation=false next to privileged=true (left by safe fixes) or CAP_SYS_ADMIN.
    let pod = json!({"kind": "Pod", "spec": {"securityContext": {"runAsNonRoot": true, "seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {"name": "p", "image": "i", "securityContext": {"privileged": true, "capabilities": {"drop": ["ALL"]}}},
            {"name": "s", "image": "i", "securityContext": {"capabilities": {"drop": ["ALL"], "add": ["CAP_SYS_ADMIN"]}}},
            {"name": "ok", "image": "i", "securityContext": {"capabilities": {"drop": ["ALL"]}}}]}});
    let fix = fix_pod_safe("restricted:latest", pod.clone());
    assert_eq!(ops(&fix), [o("add", "/spec/containers/2/securityContext/allowPrivilegeEscalation", "false")]);
    assert_eq!(
        reasons(&fix),
        [
            ("spec.containers[0].securityContext.privileged".to_owned(), "breaking".to_owned()),
            ("spec.containers[0].securityContext.allowPrivilegeEscalation".to_owned(), "privileged".to_owned()),
            (
                "spec.containers[1].securityContext.allowPrivilegeEscalation".to_owned(),
                "sys-admin-capability".to_owned()
            ),
            ("spec.containers[1].securityContext.capabilities.add[0]".to_owned(), "breaking".to_owned()),
        ]
    );
    // With breaking fixes the container stops being privileged, so it can be fixed entirely.
    assert!(fix_pod("restricted:latest", pod).fixed());

    // privileged=false with a Bidirectional mount: the API server refuses it.
    let pod = json!({"kind": "Pod", "spec": {"containers": [{"name": "c", "image": "i",
        "volumeMounts": [{"name": "v", "mountPath": "/v", "mountPropagation": "Bidirectional"}],
        "securityContext": {"privileged": true}}], "volumes": [{"name": "v", "emptyDir": {}}]}});
    let fix = fix_pod("baseline:latest", pod);
    assert!(fix.is_empty());
    assert_eq!(
        reasons(&fix),
        [("spec.containers[0].securityContext.privileged".to_owned(), "bidirectional-mount".to_owned())]
    );

    // runAsNonRoot=true where runAsUser=0 stays: before v1.23 runAsUser=0 is no violation at all.
    let pod = json!({"kind": "Pod", "spec": {"securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [
            {"name": "root", "image": "i", "securityContext": {"runAsUser": 0, "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}},
            {"name": "user", "image": "i", "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}});
    let fix = fix_pod("restricted:v1.22", pod.clone());
    assert_eq!(ops(&fix), [o("add", "/spec/containers/1/securityContext/runAsNonRoot", "true")]);
    assert_eq!(
        reasons(&fix),
        [("spec.containers[0].securityContext.runAsNonRoot".to_owned(), "runs-as-root".to_owned())]
    );
    // From v1.23 runAsUser=0 is a violation too, whose (breaking) fix lets the pod-level setting in.
    let fix = fix_pod("restricted:v1.23", pod);
    assert!(fix.fixed());
    assert_eq!(
        ops(&fix),
        [
            o("replace", "/spec/containers/0/securityContext/runAsUser", &NON_ROOT_UID.to_string()),
            o("add", "/spec/securityContext/runAsNonRoot", "true"),
        ]
    );

    // A seccomp annotation that would disagree with the field the fix sets.
    let pod = json!({"kind": "Pod", "metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined"}},
        "spec": {"securityContext": {"runAsNonRoot": true}, "containers": [{"name": "c", "image": "i",
        "securityContext": {"allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}});
    let fix = fix_pod("restricted:latest", pod);
    assert!(fix.is_empty());
    assert_eq!(
        reasons(&fix),
        [("spec.containers[0].securityContext.seccompProfile.type".to_owned(), "seccomp-annotation".to_owned())]
    );
    assert!(fix.unfixable()[0].reason().to_string().contains("seccomp.security.alpha.kubernetes.io/pod"));
}

#[test]
fn windows_pods_get_no_linux_fields() {
    let pod = json!({"kind": "Pod", "spec": {"os": {"name": "windows"}, "securityContext": {"runAsNonRoot": true},
        "containers": [{"name": "c", "image": "i"}]}});
    // Before v1.25 restricted asks Windows pods for Linux fields the API server refuses them.
    let fix = fix_pod("restricted:v1.24", pod.clone());
    assert!(fix.is_empty());
    let codes: HashSet<String> = reasons(&fix).into_iter().map(|(_, r)| r).collect();
    assert_eq!(codes, HashSet::from(["windows-pod".to_owned()]));
    // From v1.25 the checks exempt them: nothing to fix.
    let fix = fix_pod("restricted:v1.25", pod);
    assert!(fix.fixed() && fix.is_empty());
}

#[test]
fn user_namespace_pods_and_versions_are_the_checks_decision() {
    let pod = json!({"kind": "Pod", "spec": {"hostUsers": false, "securityContext": {"seccompProfile": {"type": "RuntimeDefault"}},
        "containers": [{"name": "c", "image": "i", "securityContext": {"procMount": "Unmasked", "runAsUser": 0,
          "allowPrivilegeEscalation": false, "capabilities": {"drop": ["ALL"]}}}]}});
    // baseline v1.35+: procMount is relaxed for user-namespace pods; restricted keeps it.
    assert!(fix_pod("baseline:v1.35", pod.clone()).is_empty());
    assert_eq!(
        ops(&fix_pod("baseline:v1.34", pod.clone())),
        [o("remove", "/spec/containers/0/securityContext/procMount", "")]
    );
    let fix = fix_pod("restricted:v1.35", pod.clone());
    assert_eq!(ops(&fix), [o("remove", "/spec/containers/0/securityContext/procMount", "")]);
    // Before v1.35 runAsNonRoot and runAsUser apply too.
    let fix = fix_pod("restricted:v1.34", pod);
    assert_eq!(fix.operations().len(), 3, "{}", fix.patch_json());
}

#[test]
fn spec_and_controller_entry_points() {
    let spec = json!({"hostIPC": true, "containers": [{"name": "c", "image": "i"}]});
    let (fix, _) = check_fix(Entry::Spec, lv("baseline:latest"), false, &spec.to_string(), true).unwrap();
    assert_eq!(ops(&fix), [o("replace", "/hostIPC", "false")]);
    assert_eq!(fix.kind(), None);
    let (fix, _) = check_fix(Entry::Spec, lv("restricted:latest"), false, &spec.to_string(), true).unwrap();
    assert!(ops(&fix).contains(&o(
        "add",
        "/securityContext",
        r#"{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}"#
    )));

    let cronjob = json!({"apiVersion": "batch/v1", "kind": "CronJob", "metadata": {"name": "c"}, "spec": {"schedule": "* * * * *",
        "jobTemplate": {"spec": {"template": {"metadata": {"annotations": {"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}},
          "spec": {"containers": [{"name": "c", "image": "i", "securityContext": {"appArmorProfile": {"type": "Unconfined"}}}]}}}}}});
    let (fix, _) = check_fix(Entry::Object, lv("baseline:latest"), false, &cronjob.to_string(), true).unwrap();
    assert_eq!(
        ops(&fix),
        [
            o("replace", "/spec/jobTemplate/spec/template/spec/containers/0/securityContext/appArmorProfile/type", r#""RuntimeDefault""#),
            o("remove", "/spec/jobTemplate/spec/template/metadata/annotations/container.apparmor.security.beta.kubernetes.io~1c", ""),
        ]
    );
    // Controller annotations are not the template's: not violations, not touched.
    let deployment = json!({"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"annotations":
        {"container.apparmor.security.beta.kubernetes.io/c": "unconfined"}}, "spec": {"template": {"spec": {"containers": [{"name": "c", "image": "i"}]}}}});
    let (fix, _) = check_fix(Entry::Object, lv("baseline:latest"), false, &deployment.to_string(), true).unwrap();
    assert!(fix.is_empty() && fix.fixed());
}

#[test]
fn seccomp_annotations_before_v1_19_and_fields_after() {
    let pod = json!({"kind": "Pod", "metadata": {"annotations": {"seccomp.security.alpha.kubernetes.io/pod": "unconfined",
        "container.seccomp.security.alpha.kubernetes.io/c": "runtime/default"}},
        "spec": {"containers": [{"name": "c", "image": "i", "securityContext": {"seccompProfile": {"type": "Unconfined"}}}]}});
    assert_eq!(
        ops(&fix_pod("baseline:v1.18", pod.clone())),
        [o("remove", "/metadata/annotations/seccomp.security.alpha.kubernetes.io~1pod", "")]
    );
    // From v1.19 the field, which the container's annotation agrees with; the pod's annotation is
    // no violation any more, so it stays.
    let fix = fix_pod("baseline:v1.19", pod.clone());
    assert_eq!(
        ops(&fix),
        [o("replace", "/spec/containers/0/securityContext/seccompProfile/type", r#""RuntimeDefault""#)]
    );
    // An annotation that would disagree with the field: the API server refuses the pair.
    let mut disagreeing = pod;
    disagreeing["metadata"]["annotations"]["container.seccomp.security.alpha.kubernetes.io/c"] = json!("localhost/x");
    let fix = fix_pod("baseline:v1.19", disagreeing);
    assert_eq!(
        reasons(&fix),
        [("spec.containers[0].securityContext.seccompProfile.type".to_owned(), "seccomp-annotation".to_owned())]
    );
}

#[test]
fn null_parents_are_replaced_and_nothing_else_is_touched() {
    let text = r#"{"kind":"Pod","metadata":{"name":"n","labels":{"a":"b"}},"spec":{"securityContext":null,"containers":[{"name":"c","image":"i","securityContext":{"capabilities":null,"allowPrivilegeEscalation":null,"readOnlyRootFilesystem":true}}],"x-unknown":[1.50,{"deep":[]}]}}"#;
    let (fix, patched) = check_fix(Entry::Pod, lv("restricted:latest"), false, text, true).unwrap();
    assert_eq!(
        ops(&fix),
        [
            o("replace", "/spec/containers/0/securityContext/allowPrivilegeEscalation", "false"),
            o("replace", "/spec/containers/0/securityContext/capabilities", r#"{"drop":["ALL"]}"#),
            o(
                "replace",
                "/spec/securityContext",
                r#"{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}}"#
            ),
        ]
    );
    assert_eq!(patched["spec"]["x-unknown"], json!([1.50, {"deep": []}]));
    // pss-core keeps member order and number literals.
    assert!(fix.patched_json().starts_with(
        r#"{"kind":"Pod","metadata":{"name":"n","labels":{"a":"b"}},"spec":{"securityContext":{"runAsNonRoot""#
    ));
    assert!(fix.patched_json().contains(r#""x-unknown":[1.50,{"deep":[]}]"#));
}

/// A container written as `null` is an empty container to the decoder (as to Go's); its fix
/// replaces the `null` (found by the `remediate` fuzz target: the fix failed its own proof).
#[test]
fn a_null_container_is_fixed_as_an_empty_one() {
    let text = r#"{"kind":"Pod","metadata":{"name":"n"},"spec":{"securityContext":{"runAsNonRoot":true,"seccompProfile":{"type":"RuntimeDefault"}},"containers":[{"name":"c","image":"i","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}],"ephemeralContainers":[null]}}"#;
    let (fix, patched) = check_fix(Entry::Pod, lv("restricted:latest"), false, text, true).unwrap();
    assert_eq!(
        ops(&fix),
        [o(
            "replace",
            "/spec/ephemeralContainers/0",
            r#"{"securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"drop":["ALL"]}}}"#
        )]
    );
    assert_eq!(patched["spec"]["containers"][0]["name"], json!("c"));
}

#[test]
fn errors_are_errors_never_panics_or_passes() {
    let r = Remediator::new(lv("baseline:latest"));
    let dup = br#"{"kind":"Pod","spec":{"hostPID":true,"hostPID":false,"containers":[]}}"#;
    match r.pod(dup) {
        Err(RemediationError::Invalid(e)) => {
            assert_eq!(e.kind(), pss_core::ErrorKind::DuplicateField);
            assert_eq!(e.path(), Some("spec.hostPID"));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(r.pod(br#"{"spec": {"hostPID": "yes"}}"#), Err(RemediationError::Invalid(e)) if e.is_invalid_type())
    );
    assert!(matches!(r.pod(br#"{"containers": []}"#), Err(RemediationError::Invalid(e)) if e.is_bare_pod_spec()));
    assert!(matches!(r.pod(b"\xff"), Err(RemediationError::Invalid(e)) if e.is_invalid_utf8()));
    assert!(matches!(r.object(br#"{"kind": "Service", "spec": {}}"#), Err(RemediationError::NotEvaluated(_))));
    assert!(matches!(
        r.object(br#"{"spec": {}}"#),
        Err(RemediationError::NotEvaluated(pss_core::NoPodTemplate::NoKind))
    ));
    let deep = format!(r#"{{"kind":"Pod","spec":{{"hostPID":true}},"x":{}{}}}"#, "[".repeat(200), "]".repeat(200));
    assert_eq!(
        r.pod(deep.as_bytes()).unwrap_err(),
        RemediationError::TooDeep { limit: pss_core::remediate::MAX_FIX_DEPTH }
    );
    assert!(r.pod(deep.as_bytes()).unwrap_err().to_string().contains("deeper than 128 levels"));
    // The privileged level has nothing to fix.
    let fix = Remediator::new(lv("privileged:latest")).pod(br#"{"spec":{"hostPID":true}}"#).unwrap();
    assert!(fix.is_empty() && fix.fixed());
}

#[test]
fn serialises_for_the_wrappers() {
    let fix = fix_pod(
        "baseline:latest",
        json!({"kind": "Pod", "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "i"}]}}),
    );
    let value: Value = serde_json::to_value(&fix).unwrap();
    assert_eq!(
        value,
        json!({"level": "baseline", "version": "latest", "kind": "Pod", "safe_only": false, "fixed": true,
            "patch": [{"op": "replace", "path": "/spec/hostNetwork", "value": false, "safety": "breaking",
              "cures": [{"check": "hostNamespaces", "path": "spec.hostNetwork", "value": true}],
              "explanation": "set hostNetwork=false: the pod gets its own network namespace and no longer uses the node's network interfaces"}],
            "unfixable": [],
            "patched": {"kind": "Pod", "spec": {"hostNetwork": false, "containers": [{"name": "c", "image": "i"}]}}})
    );
    // pss-core's own JSON writer gives the same document.
    assert_eq!(serde_json::from_str::<Value>(&fix.to_json()).unwrap(), value);
    let fix = fix_pod_safe(
        "baseline:latest",
        json!({"kind": "Pod", "spec": {"hostNetwork": true, "containers": [{"name": "c", "image": "i"}]}}),
    );
    let value: Value = serde_json::to_value(&fix).unwrap();
    assert_eq!(
        value["unfixable"],
        json!([{"check": "hostNamespaces", "path": "spec.hostNetwork", "value": true, "reason": "breaking",
            "explanation": "its fix may change what the workload does; only safe fixes were asked for"}])
    );
    assert_eq!(serde_json::from_str::<Value>(&fix.to_json()).unwrap(), value);
}

// ---- upstream's fixtures and real-world workloads ------------------------------------------

#[derive(Deserialize)]
struct Case {
    id: String,
    level: Option<String>,
    runs: Option<Vec<Run>>,
    error: Option<String>,
}

#[derive(Deserialize)]
struct Run {
    from: String,
    to: String,
    allowed: bool,
}

/// The verdict of `runs` at `version`.
fn allowed_at(runs: &[Run], version: Version) -> bool {
    let order: Vec<Version> = Version::every().collect();
    let at = |v: &str| order.iter().position(|x| *x == Version::parse(v).unwrap()).unwrap();
    let i = order.iter().position(|x| *x == version).unwrap();
    runs.iter().find(|r| at(&r.from) <= i && i <= at(&r.to)).expect("runs cover every version").allowed
}

/// The cases of an expected.jsonl, by (id, level).
fn expected(path: &std::path::Path) -> Vec<Case> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Fixes every (document, level) in `cases` at the first version of each of its runs (each run is
/// one distinct verdict; with `both_ends` the last too), safe and breaking fixes alike and safe ones only; `deep` says which
/// documents also get the minimality and idempotence checks. Where a patched document is itself
/// in the data, upstream's verdict for it there must be allowed.
fn fix_all(
    what: &str,
    entry: Entry,
    cases: &[Case],
    documents: &HashMap<String, Value>,
    both_ends: bool,
    deep: impl Fn(usize) -> bool,
) -> (Tally, usize) {
    let by_text: HashMap<String, &str> = documents.iter().map(|(id, v)| (canonical(v), id.as_str())).collect();
    let verdicts: HashMap<(&str, &str), &[Run]> =
        cases.iter().filter_map(|c| Some(((c.id.as_str(), c.level.as_deref()?), c.runs.as_deref()?))).collect();
    let mut tally = Tally::default();
    let mut agreements = 0;
    let mut failures = Vec::new();
    let mut seen: HashSet<(String, &str, String)> = HashSet::new();
    for (n, case) in cases.iter().enumerate() {
        let Some(doc) = documents.get(&case.id) else { continue };
        let text = canonical(doc);
        let (Some(level), Some(runs)) = (&case.level, &case.runs) else {
            // The API server cannot decode it (often a field pss does not read): no verdict to fix to.
            assert!(case.error.is_some(), "{}: neither a verdict nor an error", case.id);
            continue;
        };
        // Each run is one distinct verdict: its first version (and its last).
        for version in runs.iter().flat_map(|r| [Some(&r.from), Some(&r.to).filter(|_| both_ends)]).flatten() {
            let run = runs.iter().find(|r| r.from == *version || r.to == *version).unwrap();
            if !seen.insert((text.clone(), level, version.clone())) {
                continue;
            }
            let version = Version::parse(version).unwrap();
            let level_version = LevelVersion::new(Level::parse(level).unwrap(), version);
            if run.allowed {
                // Nothing to fix: an empty patch.
                let fix = remediate_as(entry, Remediator::new(level_version), &text).unwrap();
                if !fix.is_empty() || !fix.fixed() {
                    failures.push(format!("{} {level_version}: allowed, yet changed", case.id));
                }
                continue;
            }
            for safe_only in [false, true] {
                match check_fix(entry, level_version, safe_only, &text, deep(n)) {
                    Ok((fix, patched)) => {
                        count(&mut tally, &fix);
                        // Upstream's verdict for the patched document, where the data has it.
                        if let Some(other) = by_text.get(&canonical(&patched)) {
                            if let Some(runs) = verdicts.get(&(*other, level.as_str())) {
                                agreements += 1;
                                if allowed_at(runs, version) != fix.fixed() {
                                    failures.push(format!(
                                        "{} {level_version}: fixed={} but upstream says {other} allowed={}",
                                        case.id,
                                        fix.fixed(),
                                        !fix.fixed()
                                    ));
                                }
                            }
                        }
                    }
                    Err(e) => failures.push(format!("{} {level_version} safe_only={safe_only}: {e}\n{text}", case.id)),
                }
            }
        }
    }
    eprintln!("{what}: {tally:?}, {agreements} patched documents found in the data with upstream's verdict");
    assert!(
        failures.is_empty(),
        "{} failures, the first:\n{}",
        failures.len(),
        failures[..failures.len().min(10)].join("\n")
    );
    (tally, agreements)
}

#[test]
fn upstream_fixtures_are_fixed() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/conformance (the upstream fixtures and expected.jsonl)");
    };
    let dir = shared.join("conformance");
    let cases = expected(&dir.join("expected.jsonl"));
    let mut documents = HashMap::new();
    for case in &cases {
        documents.entry(case.id.clone()).or_insert_with(|| {
            let yaml = std::fs::read_to_string(dir.join("upstream").join(&case.id)).unwrap();
            serde_json::from_str::<Value>(&common::yaml_to_json(&yaml)).unwrap()
        });
    }
    assert!(documents.len() > 4000, "{} fixtures", documents.len());
    // Every fixture gets every check, minimality and idempotence included.
    let (tally, agreements) = fix_all("conformance", Entry::Pod, &cases, &documents, true, |_| true);
    assert!(tally.fixes > 4_000 && tally.fixed > 3_000, "{tally:?}");
    assert!(agreements > 100, "{agreements}");
}

#[test]
fn realworld_workloads_are_fixed() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/realworld (kubectl.jsonl and expected.jsonl)");
    };
    let dir = shared.join("realworld");
    #[derive(Deserialize)]
    struct Line {
        file: String,
        json: Option<Value>,
        #[serde(default)]
        empty: bool,
    }
    // expected.jsonl numbers a file's documents as they are read: empty ones (comments only) are
    // not counted; those kubectl cannot read are.
    let mut by_document: HashMap<String, Value> = HashMap::new();
    let mut read: HashMap<String, usize> = HashMap::new();
    for line in std::fs::read_to_string(dir.join("kubectl.jsonl")).unwrap().lines() {
        let line: Line = serde_json::from_str(line).unwrap();
        if line.empty {
            continue;
        }
        let index = read.entry(line.file.clone()).or_default();
        if let Some(json) = line.json {
            by_document.insert(format!("{}|{index}", line.file), json);
        }
        *index += 1;
    }
    let cases = expected(&dir.join("expected.jsonl"));
    let mut documents = HashMap::new();
    for case in &cases {
        let mut parts = case.id.rsplitn(2, '|');
        let item = parts.next().unwrap();
        let Some(document) = by_document.get(parts.next().unwrap()) else {
            assert!(case.error.is_some(), "{} is not in kubectl.jsonl", case.id);
            continue;
        };
        let object =
            if item.is_empty() { document.clone() } else { document["items"][item.parse::<usize>().unwrap()].clone() };
        documents.insert(case.id.clone(), object);
    }
    // Every workload at every level and verdict; minimality and idempotence for one in 16 (all
    // of them take minutes in a debug build).
    let (tally, agreements) = fix_all("realworld", Entry::Object, &cases, &documents, false, |n| n % 16 == 0);
    assert!(tally.fixes > 30_000 && tally.fixed > 25_000, "{tally:?}");
    assert!(agreements > 10, "{agreements}");
}

// ---- generated pods and workloads -----------------------------------------------------------

fn version() -> impl Strategy<Value = Version> {
    prop_oneof![(0u64..=40).prop_map(Version::v1), Just(Version::LATEST)]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Fixed then evaluated: allowed, or only the reported incurable fields left; minimal;
    /// idempotent; safe fixes only are all safe.
    #[test]
    fn generated_pods_are_fixed(pod in pod(), version in version(), restricted in any::<bool>(), safe_only in any::<bool>()) {
        let level = if restricted { Level::Restricted } else { Level::Baseline };
        let text = pod_json(&pod).to_string();
        let result = check_fix(Entry::Pod, LevelVersion::new(level, version), safe_only, &text, true);
        prop_assert!(result.is_ok(), "{}\n{}", result.unwrap_err(), text);
    }

    #[test]
    fn generated_workloads_and_specs_are_fixed(pod in pod(), k in 0..KINDS.len(), version in version(), safe_only in any::<bool>()) {
        let lv = LevelVersion::new(Level::Restricted, version);
        let text = workload(KINDS[k], &pod, None).to_string();
        let result = check_fix(Entry::Object, lv, safe_only, &text, true);
        prop_assert!(result.is_ok(), "{}\n{}", result.unwrap_err(), text);
        // The same template as a bare spec: the same fix, with paths relative to the spec.
        if let Some(spec) = &pod.spec {
            let spec_text = serde_json::to_string(spec).unwrap();
            let as_spec = check_fix(Entry::Spec, lv, safe_only, &spec_text, false);
            prop_assert!(as_spec.is_ok(), "{}\n{}", as_spec.unwrap_err(), spec_text);
            let (spec_fix, _) = as_spec.unwrap();
            let (object_fix, _) = result.unwrap();
            // Annotations are the one thing a bare spec does not have.
            if pod.metadata.annotations.is_none() {
                let prefix = format!("/{}", KINDS[k].path_prefix().replace('.', "/"));
                let prefix = if KINDS[k].is_pod() { "/spec".to_owned() } else { format!("{prefix}spec") };
                let object_paths: Vec<String> = object_fix.operations().iter().map(|o| o.path().to_string()).collect();
                let spec_paths: Vec<String> = spec_fix.operations().iter().map(|o| format!("{prefix}{}", o.path())).collect();
                prop_assert_eq!(object_paths, spec_paths);
            }
        }
    }
}
