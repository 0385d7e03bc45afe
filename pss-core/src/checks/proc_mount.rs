//! `procMount` (baseline): containers must not unmask `/proc` (`securityContext.procMount` other
//! than `Default`); from v1.35 pods in a user namespace (`hostUsers: false`) may.

use super::{in_user_namespace, sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0, 35];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 35 && in_user_namespace(pod) {
        return None;
    }
    default_proc_mount_only(CheckId::ProcMount, pod, ctx)
}

/// Upstream's `procMount_1_0`, shared with `procMount_restricted`.
pub(super) fn default_proc_mount_only<P: PodView>(id: CheckId, pod: &P, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut types = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(pm) = c.security_context().and_then(|sc| sc.proc_mount()) {
            if pm != "Default" {
                bad.push(c.name());
                types.push(pm);
                fields.push(FieldViolation::new(
                    ctx.container(slot, "securityContext.procMount"),
                    FieldValue::String(pm.to_owned()),
                    Some(c.name()),
                ));
            }
        }
    }
    if bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        id,
        "procMount",
        text(&[
            Piece::Counted("container", "containers", &bad),
            Piece::Str(" must not set securityContext.procMount to "),
            Piece::Quoted(&sorted_set(types)),
        ]),
        fields,
    ))
}
