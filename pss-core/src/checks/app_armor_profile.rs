//! `appArmorProfile` (baseline): AppArmor profile types (fields) and the beta annotations must not
//! disable or override the default profile.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::quote::push_go_quoted;
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(super) fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

pub(super) fn allowed_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut setters: Vec<String> = Vec::new();
    let mut bad_values: Vec<&str> = Vec::new();
    let mut fields = Vec::new();

    if let Some(t) = pod.security_context().and_then(|sc| sc.app_armor_type()) {
        if !allowed_type(t) {
            setters.push("pod".to_owned());
            bad_values.push(t);
            fields.push(FieldViolation::new(
                ctx.spec("securityContext.appArmorProfile.type"),
                FieldValue::String(t.to_owned()),
                None,
            ));
        }
    }

    let mut bad_containers = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(t) = c.security_context().and_then(|sc| sc.app_armor_type()) {
            if !allowed_type(t) {
                bad_containers.push(c.name());
                bad_values.push(t);
                fields.push(FieldViolation::new(
                    ctx.container(slot, "securityContext.appArmorProfile.type"),
                    FieldValue::String(t.to_owned()),
                    Some(c.name()),
                ));
            }
        }
    }
    if !bad_containers.is_empty() {
        setters.push(containers_phrase(&bad_containers));
    }

    let mut forbidden_annotations: Vec<String> = Vec::new();
    for (key, value) in pod.annotations() {
        if key.starts_with(ANNOTATION_PREFIX) && !allowed_annotation(value) {
            let mut entry = String::with_capacity(key.len() + value.len() + 3);
            entry.push_str(key);
            entry.push('=');
            push_go_quoted(&mut entry, value);
            forbidden_annotations.push(entry);
            fields.push(FieldViolation::new(ctx.annotation(key), FieldValue::String(value.to_owned()), None));
        }
    }

    let bad_values = sorted_set(bad_values);
    let count = bad_values.len() + forbidden_annotations.len();
    if !forbidden_annotations.is_empty() {
        forbidden_annotations.sort_unstable();
        setters.push(pluralize("annotation", "annotations", forbidden_annotations.len()).to_owned());
    }
    if setters.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::AppArmorProfile,
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", count),
        format!(
            "{} must not set AppArmor profile type to {}",
            setters.join(" and "),
            join_quote(
                &bad_values.iter().copied().chain(forbidden_annotations.iter().map(String::as_str)).collect::<Vec<_>>()
            )
        ),
        fields,
    ))
}
