//! `allowPrivilegeEscalation` (restricted, v1.8+): containers must set
//! `securityContext.allowPrivilegeEscalation=false`; from v1.25 Windows pods are exempt.

use super::{is_windows, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[8, 25];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 25 && is_windows(pod) {
        return;
    }
    let mut bad = Spans::new();
    for (slot, c) in pod.containers() {
        let value = c.security_context().and_then(|sc| sc.allow_privilege_escalation());
        if value != Some(false) {
            let name = r.name(c.name());
            bad.push(name);
            r.field(
                PathFact::container(slot, "securityContext.allowPrivilegeEscalation"),
                value.map_or(ValueFact::Unset, ValueFact::Bool),
                Some(name),
            );
        }
    }
    if bad.is_empty() {
        return;
    }
    r.violation(
        CheckId::AllowPrivilegeEscalation,
        "allowPrivilegeEscalation != false",
        &[
            Piece::CountedSpans(Noun::Container, bad.as_slice()),
            Piece::Str(" must set securityContext.allowPrivilegeEscalation=false"),
        ],
    );
}
