//! `procMount` (baseline): containers must not unmask `/proc` (`securityContext.procMount` other
//! than `Default`); from v1.35 pods in a user namespace (`hostUsers: false`) may.

use super::{in_user_namespace, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0, 35];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 35 && in_user_namespace(pod) {
        return;
    }
    default_proc_mount_only(CheckId::ProcMount, pod, r)
}

/// Upstream's `procMount_1_0`, shared with `procMount_restricted`.
pub(super) fn default_proc_mount_only<P: PodView>(id: CheckId, pod: &P, r: &mut Rec) {
    let mut bad = Spans::new();
    let mut types = Spans::new();
    for (slot, c) in pod.containers() {
        if let Some(pm) = c.security_context().and_then(|sc| sc.proc_mount()) {
            if pm != "Default" {
                let name = r.name(c.name());
                let value = r.name(pm);
                bad.push(name);
                types.push(value);
                r.field(PathFact::container(slot, "securityContext.procMount"), ValueFact::Str(value), Some(name));
            }
        }
    }
    if bad.is_empty() {
        return;
    }
    let n = r.facts.sort_set(types.as_mut_slice());
    r.violation(
        id,
        "procMount",
        &[
            Piece::CountedSpans(Noun::Container, bad.as_slice()),
            Piece::Str(" must not set securityContext.procMount to "),
            Piece::QuotedSpans(&types.as_slice()[..n]),
        ],
    );
}
