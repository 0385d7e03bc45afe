//! `seccompProfile_baseline` (baseline): seccomp must not be `Unconfined` (or another unknown type).
//! Before v1.19 it reads the alpha annotations; from v1.19 the `seccompProfile` fields.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::quote::push_go_quoted;
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0, 19];

pub(crate) const POD_ANNOTATION: &str = "seccomp.security.alpha.kubernetes.io/pod";
pub(crate) const CONTAINER_ANNOTATION_PREFIX: &str = "container.seccomp.security.alpha.kubernetes.io/";

pub(super) fn valid_type(t: &str) -> bool {
    matches!(t, "Localhost" | "RuntimeDefault")
}

pub(super) fn valid_annotation(v: &str) -> bool {
    v == "runtime/default" || v == "docker/default" || v.starts_with("localhost/")
}

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor < 19 {
        annotations(pod, ctx)
    } else {
        fields(pod, ctx)
    }
}

fn annotations<P: PodView>(pod: &P, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut forbidden: Vec<String> = Vec::new();
    let mut fields = Vec::new();
    let mut record = |key: &str, value: &str, container: Option<&str>| {
        let mut entry = String::with_capacity(key.len() + value.len() + 3);
        entry.push_str(key);
        entry.push('=');
        push_go_quoted(&mut entry, value);
        forbidden.push(entry);
        fields.push(FieldViolation::new(ctx.annotation(key), FieldValue::String(value.to_owned()), container));
    };
    if let Some(value) = pod.annotation(POD_ANNOTATION) {
        if !valid_annotation(value) {
            record(POD_ANNOTATION, value, None);
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
            record(key, value, Some(c.name()));
        }
    }
    if forbidden.is_empty() {
        return None;
    }
    let forbidden = sorted_set(forbidden);
    Some(Violation::new(
        CheckId::SeccompProfileBaseline,
        "seccompProfile",
        format!("forbidden {} {}", pluralize("annotation", "annotations", forbidden.len()), forbidden.join(", ")),
        fields,
    ))
}

fn fields<P: PodView>(pod: &P, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut setters: Vec<String> = Vec::new();
    let mut values = Vec::new();
    let mut fields = Vec::new();
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if !valid_type(t) {
            setters.push("pod".to_owned());
            values.push(t);
            fields.push(FieldViolation::new(
                ctx.spec("securityContext.seccompProfile.type"),
                FieldValue::String(t.to_owned()),
                None,
            ));
        }
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(t) = c.security_context().and_then(|sc| sc.seccomp_type()) {
            if !valid_type(t) {
                bad.push(c.name());
                values.push(t);
                fields.push(FieldViolation::new(
                    ctx.container(slot, "securityContext.seccompProfile.type"),
                    FieldValue::String(t.to_owned()),
                    Some(c.name()),
                ));
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::SeccompProfileBaseline,
        "seccompProfile",
        format!(
            "{} must not set securityContext.seccompProfile.type to {}",
            setters.join(" and "),
            join_quote(&sorted_set(values))
        ),
        fields,
    ))
}
