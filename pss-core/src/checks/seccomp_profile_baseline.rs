//! `seccompProfile_baseline` (baseline): seccomp must not be `Unconfined` (or another unknown type).
//! Before v1.19 it reads the alpha annotations; from v1.19 the `seccompProfile` fields.

use super::{piece_if, pluralize, sorted_unique, CheckId, Names, Noun, Piece, Rec, Spans};
use crate::facts::PathFact;
use crate::model::{ContainerView, PodView};

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
    let mut forbidden = Spans::new();
    let mut record = |r: &mut Rec, key: &str, value: &str, container: Option<&str>| {
        forbidden.push(r.annotation_entry(key, value));
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
    let n = r.facts.sort_set(forbidden.as_mut_slice());
    let forbidden = &forbidden.as_slice()[..n];
    r.violation(
        CheckId::SeccompProfileBaseline,
        "seccompProfile",
        &[
            Piece::Str("forbidden "),
            Piece::Str(pluralize("annotation", "annotations", forbidden.len())),
            Piece::Str(" "),
            Piece::JoinedSpans(forbidden),
        ],
    );
}

fn fields<P: PodView>(pod: &P, r: &mut Rec) {
    let mut pod_bad = false;
    let mut values = Names::new();
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if !valid_type(t) {
            pod_bad = true;
            values.push(t);
            let value = r.string(t);
            r.field(PathFact::spec("securityContext.seccompProfile.type"), value, None);
        }
    }
    let mut bad = Names::new();
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
    let containers_bad = !bad.is_empty();
    if !pod_bad && !containers_bad {
        return;
    }
    let n = sorted_unique(values.as_mut_slice());
    r.violation(
        CheckId::SeccompProfileBaseline,
        "seccompProfile",
        &[
            piece_if(pod_bad, Piece::Str("pod")),
            piece_if(pod_bad && containers_bad, Piece::Str(" and ")),
            piece_if(containers_bad, Piece::Counted(Noun::Container, bad.as_slice())),
            Piece::Str(" must not set securityContext.seccompProfile.type to "),
            Piece::Quoted(&values.as_slice()[..n]),
        ],
    );
}
