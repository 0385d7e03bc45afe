//! `privileged` (baseline): containers must not set `securityContext.privileged=true`.

use super::{text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.privileged()) == Some(true) {
            bad.push(c.name());
            fields.push(FieldViolation::new(
                ctx.container(slot, "securityContext.privileged"),
                FieldValue::Bool(true),
                Some(c.name()),
            ));
        }
    }
    if bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::Privileged,
        "privileged",
        text(&[
            Piece::Counted("container", "containers", &bad),
            Piece::Str(" must not set securityContext.privileged=true"),
        ]),
        fields,
    ))
}
