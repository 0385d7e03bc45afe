//! `allowPrivilegeEscalation` (restricted, v1.8+): containers must set
//! `securityContext.allowPrivilegeEscalation=false`; from v1.25 Windows pods are exempt.

use super::{is_windows, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[8, 25];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 25 && is_windows(pod) {
        return None;
    }
    let mut bad = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        let value = c.security_context().and_then(|sc| sc.allow_privilege_escalation());
        if value != Some(false) {
            bad.push(c.name());
            fields.push(FieldViolation::new(
                ctx.container(slot, "securityContext.allowPrivilegeEscalation"),
                value.map_or(FieldValue::Unset, FieldValue::Bool),
                Some(c.name()),
            ));
        }
    }
    if bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::AllowPrivilegeEscalation,
        "allowPrivilegeEscalation != false",
        text(&[
            Piece::Counted("container", "containers", &bad),
            Piece::Str(" must set securityContext.allowPrivilegeEscalation=false"),
        ]),
        fields,
    ))
}
