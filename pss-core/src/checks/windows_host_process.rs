//! `windowsHostProcess` (baseline): neither the pod nor a container may set
//! `securityContext.windowsOptions.hostProcess=true`.

use super::{piece_if, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0];

const FIELD: &str = "securityContext.windowsOptions.hostProcess";

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut pod_set = false;
    if pod.security_context().and_then(|sc| sc.host_process()) == Some(true) {
        pod_set = true;
        r.field(PathFact::spec(FIELD), ValueFact::Bool(true), None);
    }
    let mut bad = Spans::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.host_process()) == Some(true) {
            let name = r.name(c.name());
            bad.push(name);
            r.field(PathFact::container(slot, FIELD), ValueFact::Bool(true), Some(name));
        }
    }
    let containers_set = !bad.is_empty();
    if !pod_set && !containers_set {
        return;
    }
    r.violation(
        CheckId::WindowsHostProcess,
        "hostProcess",
        &[
            piece_if(pod_set, Piece::Str("pod")),
            piece_if(pod_set && containers_set, Piece::Str(" and ")),
            piece_if(containers_set, Piece::CountedSpans(Noun::Container, bad.as_slice())),
            Piece::Str(" must not set securityContext.windowsOptions.hostProcess=true"),
        ],
    );
}
