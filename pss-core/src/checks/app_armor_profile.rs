//! `appArmorProfile` (baseline): AppArmor profile types (fields) and the beta annotations must not
//! disable or override the default profile.

use super::{piece_if, pluralize, sorted_unique, CheckId, Names, Noun, Piece, Rec, Spans};
use crate::facts::PathFact;
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0];

pub(super) const ANNOTATION_PREFIX: &str = "container.apparmor.security.beta.kubernetes.io/";

pub(super) fn allowed_type(t: &str) -> bool {
    matches!(t, "RuntimeDefault" | "Localhost")
}

pub(super) fn allowed_annotation(v: &str) -> bool {
    v.is_empty() || v == "runtime/default" || v.starts_with("localhost/")
}

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut pod_bad = false;
    let mut bad_values = Names::new();
    if let Some(t) = pod.security_context().and_then(|sc| sc.app_armor_type()) {
        if !allowed_type(t) {
            pod_bad = true;
            bad_values.push(t);
            let value = r.string(t);
            r.field(PathFact::spec("securityContext.appArmorProfile.type"), value, None);
        }
    }

    let mut bad_containers = Names::new();
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

    let mut forbidden_annotations = Spans::new();
    for (key, value) in pod.annotations() {
        if key.starts_with(ANNOTATION_PREFIX) && !allowed_annotation(value) {
            forbidden_annotations.push(r.annotation_entry(key, value));
            let path = PathFact::Annotation(r.name(key));
            let value = r.string(value);
            r.field(path, value, None);
        }
    }

    let containers_bad = !bad_containers.is_empty();
    let annotations_bad = !forbidden_annotations.is_empty();
    if !pod_bad && !containers_bad && !annotations_bad {
        return;
    }
    let n = sorted_unique(bad_values.as_mut_slice());
    let values = &bad_values.as_slice()[..n];
    let m = r.facts.sort_set(forbidden_annotations.as_mut_slice());
    let annotations = &forbidden_annotations.as_slice()[..m];
    r.violation(
        CheckId::AppArmorProfile,
        pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", values.len() + annotations.len()),
        &[
            piece_if(pod_bad, Piece::Str("pod")),
            piece_if(pod_bad && containers_bad, Piece::Str(" and ")),
            piece_if(containers_bad, Piece::Counted(Noun::Container, bad_containers.as_slice())),
            piece_if((pod_bad || containers_bad) && annotations_bad, Piece::Str(" and ")),
            piece_if(annotations_bad, Piece::Str(pluralize("annotation", "annotations", annotations.len()))),
            Piece::Str(" must not set AppArmor profile type to "),
            Piece::Quoted(values),
            piece_if(!values.is_empty() && annotations_bad, Piece::Str(", ")),
            Piece::QuotedSpans(annotations),
        ],
    );
}
