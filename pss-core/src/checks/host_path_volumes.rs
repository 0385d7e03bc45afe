//! `hostPathVolumes` (baseline): no `hostPath` volumes.

use super::{text, CheckId, Ctx, Piece};
use crate::model::{PodView, HOST_PATH};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut names = Vec::new();
    let mut fields = Vec::new();
    for (i, (name, sources)) in pod.volumes().enumerate() {
        if sources & HOST_PATH != 0 {
            names.push(name);
            fields.push(FieldViolation::new(ctx.spec_item("volumes", i, "hostPath"), FieldValue::Object, None));
        }
    }
    if names.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::HostPathVolumes,
        "hostPath volumes",
        text(&[Piece::Counted("volume", "volumes", &names)]),
        fields,
    ))
}
