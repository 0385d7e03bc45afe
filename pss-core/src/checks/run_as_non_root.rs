//! `runAsNonRoot` (restricted): the pod or every container must set `runAsNonRoot=true`, and none may
//! set it to false; from v1.35 pods in a user namespace (`hostUsers: false`) are exempt.

use super::{in_user_namespace, piece_if, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0, 35];

const FIELD: &str = "securityContext.runAsNonRoot";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 35 && in_user_namespace(pod) {
        return None;
    }
    let mut pod_sets_false = false;
    let mut fields = Vec::new();
    let mut pod_non_root = false;
    match pod.security_context().and_then(|sc| sc.run_as_non_root()) {
        Some(false) => {
            pod_sets_false = true;
            fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::Bool(false), None));
        }
        Some(true) => pod_non_root = true,
        None => {}
    }

    let mut explicitly_bad = Vec::new();
    let mut implicitly_bad = Vec::new();
    for (slot, c) in pod.containers() {
        match c.security_context().and_then(|sc| sc.run_as_non_root()) {
            Some(false) => {
                explicitly_bad.push(c.name());
                fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Bool(false), Some(c.name())));
            }
            Some(true) => {}
            None if pod_non_root => {}
            None => {
                implicitly_bad.push(c.name());
                fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Unset, Some(c.name())));
            }
        }
    }
    let containers_set_false = !explicitly_bad.is_empty();
    if pod_sets_false || containers_set_false {
        let detail = text(&[
            piece_if(pod_sets_false, Piece::Str("pod")),
            piece_if(pod_sets_false && containers_set_false, Piece::Str(" and ")),
            piece_if(containers_set_false, Piece::Counted("container", "containers", &explicitly_bad)),
            Piece::Str(" must not set securityContext.runAsNonRoot=false"),
        ]);
        return Some(Violation::new(CheckId::RunAsNonRoot, "runAsNonRoot != true", detail, fields));
    }
    if implicitly_bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::RunAsNonRoot,
        "runAsNonRoot != true",
        text(&[
            Piece::Str("pod or "),
            Piece::Counted("container", "containers", &implicitly_bad),
            Piece::Str(" must set securityContext.runAsNonRoot=true"),
        ]),
        fields,
    ))
}
