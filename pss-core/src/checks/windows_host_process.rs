//! `windowsHostProcess` (baseline): neither the pod nor a container may set
//! `securityContext.windowsOptions.hostProcess=true`.

use super::{piece_if, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

const FIELD: &str = "securityContext.windowsOptions.hostProcess";

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut pod_set = false;
    let mut fields = Vec::new();
    if pod.security_context().and_then(|sc| sc.host_process()) == Some(true) {
        pod_set = true;
        fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::Bool(true), None));
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.host_process()) == Some(true) {
            bad.push(c.name());
            fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Bool(true), Some(c.name())));
        }
    }
    let containers_set = !bad.is_empty();
    if !pod_set && !containers_set {
        return None;
    }
    let detail = text(&[
        piece_if(pod_set, Piece::Str("pod")),
        piece_if(pod_set && containers_set, Piece::Str(" and ")),
        piece_if(containers_set, Piece::Counted("container", "containers", &bad)),
        Piece::Str(" must not set securityContext.windowsOptions.hostProcess=true"),
    ]);
    Some(Violation::new(CheckId::WindowsHostProcess, "hostProcess", detail, fields))
}
