//! `runAsNonRoot` (restricted): the pod or every container must set `runAsNonRoot=true`, and none may
//! set it to false; from v1.35 pods in a user namespace (`hostUsers: false`) are exempt.

use super::{in_user_namespace, piece_if, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0, 35];

const FIELD: &str = "securityContext.runAsNonRoot";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 35 && in_user_namespace(pod) {
        return;
    }
    let mut pod_sets_false = false;
    let mut pod_non_root = false;
    match pod.security_context().and_then(|sc| sc.run_as_non_root()) {
        Some(false) => {
            pod_sets_false = true;
            r.field(PathFact::spec(FIELD), ValueFact::Bool(false), None);
        }
        Some(true) => pod_non_root = true,
        None => {}
    }

    let mut explicitly_bad = Spans::new();
    let mut implicitly_bad = Spans::new();
    for (slot, c) in pod.containers() {
        match c.security_context().and_then(|sc| sc.run_as_non_root()) {
            Some(false) => {
                let name = r.name(c.name());
                explicitly_bad.push(name);
                r.field(PathFact::container(slot, FIELD), ValueFact::Bool(false), Some(name));
            }
            Some(true) => {}
            None if pod_non_root => {}
            None => {
                let name = r.name(c.name());
                implicitly_bad.push(name);
                r.field(PathFact::container(slot, FIELD), ValueFact::Unset, Some(name));
            }
        }
    }
    let containers_set_false = !explicitly_bad.is_empty();
    if pod_sets_false || containers_set_false {
        r.violation(
            CheckId::RunAsNonRoot,
            "runAsNonRoot != true",
            &[
                piece_if(pod_sets_false, Piece::Str("pod")),
                piece_if(pod_sets_false && containers_set_false, Piece::Str(" and ")),
                piece_if(containers_set_false, Piece::CountedSpans(Noun::Container, explicitly_bad.as_slice())),
                Piece::Str(" must not set securityContext.runAsNonRoot=false"),
            ],
        );
        return;
    }
    if implicitly_bad.is_empty() {
        return;
    }
    r.violation(
        CheckId::RunAsNonRoot,
        "runAsNonRoot != true",
        &[
            Piece::Str("pod or "),
            Piece::CountedSpans(Noun::Container, implicitly_bad.as_slice()),
            Piece::Str(" must set securityContext.runAsNonRoot=true"),
        ],
    );
}
