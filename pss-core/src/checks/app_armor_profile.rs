//! `appArmorProfile` (baseline): AppArmor profile types (fields) and the beta annotations must not
//! disable or override the default profile.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Piece, Rec};
use crate::facts::PathFact;
use crate::model::{ContainerView, PodView};
use crate::quote::push_go_quoted;

pub(super) const SINCE: &[u64] = &[0];

pub(super) const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(super) fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

pub(super) fn allowed_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut setters: Vec<String> = Vec::new();
    let mut bad_values: Vec<&str> = Vec::new();

    if let Some(t) = pod.security_context().and_then(|sc| sc.app_armor_type()) {
        if !allowed_type(t) {
            setters.push("pod".to_owned());
            bad_values.push(t);
            let value = r.string(t);
            r.field(PathFact::spec("securityContext.appArmorProfile.type"), value, None);
        }
    }

    let mut bad_containers = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(t) = c.security_context().and_then(|sc| sc.app_armor_type()) {
            if !allowed_type(t) {
                bad_containers.push(c.name());
                bad_values.push(t);
                let (name, value) = (r.name(c.name()), r.string(t));
                r.field(PathFact::container(slot, "securityContext.appArmorProfile.type"), value, Some(name));
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
            let path = PathFact::Annotation(r.name(key));
            let value = r.string(value);
            r.field(path, value, None);
        }
    }

    let bad_values = sorted_set(bad_values);
    let count = bad_values.len() + forbidden_annotations.len();
    if !forbidden_annotations.is_empty() {
        forbidden_annotations.sort_unstable();
        setters.push(pluralize("annotation", "annotations", forbidden_annotations.len()).to_owned());
    }
    if setters.is_empty() {
        return;
    }
    let detail = format!(
        "{} must not set AppArmor profile type to {}",
        setters.join(" and "),
        join_quote(
            &bad_values.iter().copied().chain(forbidden_annotations.iter().map(String::as_str)).collect::<Vec<_>>()
        )
    );
    r.violation(
        CheckId::AppArmorProfile,
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", count),
        &[Piece::Text(&detail)],
    );
}
