//! `seccompProfile_baseline` (baseline): seccomp must not be `Unconfined` (or another unknown type).
//! Before v1.19 it reads the alpha annotations; from v1.19 the `seccompProfile` fields.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Piece, Rec};
use crate::facts::PathFact;
use crate::model::{ContainerView, PodView};
use crate::quote::push_go_quoted;

pub(super) const SINCE: &[u64] = &[0, 19];

pub(crate) const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
pub(crate) const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) fn valid_type(t: &str) -> bool {
    matches!(t, "Localhost" | "RuntimeDefault")
}

pub(super) fn valid_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor < 19 {
        annotations(pod, r)
    } else {
        fields(pod, r)
    }
}

fn annotations<P: PodView>(pod: &P, r: &mut Rec) {
    let mut forbidden: Vec<String> = Vec::new();
    let mut record = |r: &mut Rec, key: &str, value: &str, container: Option<&str>| {
        let mut entry = String::with_capacity(key.len() + value.len() + 3);
        entry.push_str(key);
        entry.push('=');
        push_go_quoted(&mut entry, value);
        forbidden.push(entry);
        let path = PathFact::Annotation(r.name(key));
        let value = r.string(value);
        let container = container.map(|c| r.name(c));
        r.field(path, value, container);
    };
    if let Some(value) = pod.annotation(POD_ANNOTATION) {
        if !valid_annotation(value) {
            record(r, POD_ANNOTATION, value, None);
        }
    }
    // Upstream looks up `container.seccomp...//<name>` for each container; walking the annotations
    // with that prefix and matching them to containers finds the same ones without building keys.
    for (key, value) in pod.annotations() {
        let Some(name) = key.strip_prefix(CONTAINER_ANNOTATION_PREFIX) else {
            continue;
        };
        if valid_annotation(value) {
            continue;
        }
        if let Some((_, c)) = pod.containers().find(|(_, c)| c.name() == name) {
            record(r, key, value, Some(c.name()));
        }
    }
    if forbidden.is_empty() {
        return;
    }
    let forbidden = sorted_set(forbidden);
    let detail =
        format!("forbidden {} {}", pluralize("annotation", "annotations", forbidden.len()), forbidden.join(", "));
    r.violation(CheckId::SeccompProfileBaseline, "seccompProfile", &[Piece::Text(&detail)]);
}

fn fields<P: PodView>(pod: &P, r: &mut Rec) {
    let mut setters: Vec<String> = Vec::new();
    let mut values = Vec::new();
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if !valid_type(t) {
            setters.push("pod".to_owned());
            values.push(t);
            let value = r.string(t);
            r.field(PathFact::spec("securityContext.seccompProfile.type"), value, None);
        }
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(t) = c.security_context().and_then(|sc| sc.seccomp_type()) {
            if !valid_type(t) {
                bad.push(c.name());
                values.push(t);
                let (name, value) = (r.name(c.name()), r.string(t));
                r.field(PathFact::container(slot, "securityContext.seccompProfile.type"), value, Some(name));
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return;
    }
    let detail = format!(
        "{} must not set securityContext.seccompProfile.type to {}",
        setters.join(" and "),
        join_quote(&sorted_set(values))
    );
    r.violation(CheckId::SeccompProfileBaseline, "seccompProfile", &[Piece::Text(&detail)]);
}
