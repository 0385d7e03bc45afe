//! `runAsUser` (restricted, v1.23+): neither the pod nor a container may set `runAsUser=0`; from v1.35
//! pods in a user namespace (`hostUsers: false`) are exempt.

use super::{in_user_namespace, piece_if, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[23, 35];

const FIELD: &str = "securityContext.runAsUser";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 35 && in_user_namespace(pod) {
        return None;
    }
    let mut pod_root = false;
    let mut fields = Vec::new();
    if pod.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
        pod_root = true;
        fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::Int(0), None));
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
            bad.push(c.name());
            fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Int(0), Some(c.name())));
        }
    }
    let containers_root = !bad.is_empty();
    if !pod_root && !containers_root {
        return None;
    }
    let detail = text(&[
        piece_if(pod_root, Piece::Str("pod")),
        piece_if(pod_root && containers_root, Piece::Str(" and ")),
        piece_if(containers_root, Piece::Counted("container", "containers", &bad)),
        Piece::Str(" must not set runAsUser=0"),
    ]);
    Some(Violation::new(CheckId::RunAsUser, "runAsUser=0", detail, fields))
}
