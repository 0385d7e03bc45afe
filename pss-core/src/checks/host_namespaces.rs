//! `hostNamespaces` (baseline): no `hostNetwork`, `hostPID` or `hostIPC`.

use super::{piece_if, text, CheckId, Ctx, Piece};
use crate::model::PodView;
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut detail = [Piece::Empty; 6];
    let mut fields = Vec::new();
    let namespaces = [
        (pod.host_network(), "hostNetwork", "hostNetwork=true"),
        (pod.host_pid(), "hostPID", "hostPID=true"),
        (pod.host_ipc(), "hostIPC", "hostIPC=true"),
    ];
    for (i, &(_, field, phrase)) in namespaces.iter().filter(|(on, ..)| *on).enumerate() {
        detail[2 * i] = piece_if(i > 0, Piece::Str(", "));
        detail[2 * i + 1] = Piece::Str(phrase);
        fields.push(FieldViolation::new(ctx.spec(field), FieldValue::Bool(true), None));
    }
    if fields.is_empty() {
        return None;
    }
    Some(Violation::new(CheckId::HostNamespaces, "host namespaces", text(&detail), fields))
}
