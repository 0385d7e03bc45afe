//! `hostNamespaces` (baseline): no `hostNetwork`, `hostPID` or `hostIPC`.

use super::{piece_if, CheckId, Piece, Rec};
use crate::facts::{PathFact, ValueFact};
use crate::model::PodView;

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut detail = [Piece::Empty; 6];
    let namespaces = [
        (pod.host_network(), "hostNetwork", "hostNetwork=true"),
        (pod.host_pid(), "hostPID", "hostPID=true"),
        (pod.host_ipc(), "hostIPC", "hostIPC=true"),
    ];
    let mut any = false;
    for (i, &(_, field, phrase)) in namespaces.iter().filter(|(on, ..)| *on).enumerate() {
        detail[2 * i] = piece_if(i > 0, Piece::Str(", "));
        detail[2 * i + 1] = Piece::Str(phrase);
        r.field(PathFact::spec(field), ValueFact::Bool(true), None);
        any = true;
    }
    if any {
        r.violation(CheckId::HostNamespaces, "host namespaces", &detail);
    }
}
