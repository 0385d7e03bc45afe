//! `privileged` (baseline): containers must not set `securityContext.privileged=true`.

use super::{CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut bad = Spans::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.privileged()) == Some(true) {
            let name = r.name(c.name());
            bad.push(name);
            r.field(PathFact::container(slot, "securityContext.privileged"), ValueFact::Bool(true), Some(name));
        }
    }
    if bad.is_empty() {
        return;
    }
    r.violation(
        CheckId::Privileged,
        "privileged",
        &[
            Piece::CountedSpans(Noun::Container, bad.as_slice()),
            Piece::Str(" must not set securityContext.privileged=true"),
        ],
    );
}
