//! `runAsUser` (restricted, v1.23+): neither the pod nor a container may set `runAsUser=0`; from v1.35
//! pods in a user namespace (`hostUsers: false`) are exempt.

use super::{in_user_namespace, piece_if, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[23, 35];

const FIELD: &str = "securityContext.runAsUser";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 35 && in_user_namespace(pod) {
        return;
    }
    let mut pod_set = false;
    if pod.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
        pod_set = true;
        r.field(PathFact::spec(FIELD), ValueFact::Int(0), None);
    }
    let mut bad = Spans::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
            let name = r.name(c.name());
            bad.push(name);
            r.field(PathFact::container(slot, FIELD), ValueFact::Int(0), Some(name));
        }
    }
    let containers_set = !bad.is_empty();
    if !pod_set && !containers_set {
        return;
    }
    r.violation(
        CheckId::RunAsUser,
        "runAsUser=0",
        &[
            piece_if(pod_set, Piece::Str("pod")),
            piece_if(pod_set && containers_set, Piece::Str(" and ")),
            piece_if(containers_set, Piece::CountedSpans(Noun::Container, bad.as_slice())),
            Piece::Str(" must not set runAsUser=0"),
        ],
    );
}
