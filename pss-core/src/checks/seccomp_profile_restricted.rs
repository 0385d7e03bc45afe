//! `seccompProfile_restricted` (restricted, v1.19+): the pod or every container must set seccomp to
//! `RuntimeDefault` or `Localhost`; from v1.25 Windows pods are exempt. Replaces `seccompProfile_baseline`.

use super::seccomp_profile_baseline::valid_type;
use super::{is_windows, piece_if, sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[19, 25];

const FIELD: &str = "securityContext.seccompProfile.type";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 25 && is_windows(pod) {
        return None;
    }
    let mut pod_bad = false;
    let mut values = Vec::new();
    let mut fields = Vec::new();
    let mut pod_set = false;
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if valid_type(t) {
            pod_set = true;
        } else {
            pod_bad = true;
            values.push(t);
            fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::String(t.to_owned()), None));
        }
    }
    let mut explicitly_bad = Vec::new();
    let mut implicitly_bad = Vec::new();
    for (slot, c) in pod.containers() {
        match c.security_context().and_then(|sc| sc.seccomp_type()) {
            Some(t) if valid_type(t) => {}
            Some(t) => {
                explicitly_bad.push(c.name());
                values.push(t);
                fields.push(FieldViolation::new(
                    ctx.container(slot, FIELD),
                    FieldValue::String(t.to_owned()),
                    Some(c.name()),
                ));
            }
            None if pod_set => {}
            None => {
                implicitly_bad.push(c.name());
                fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Unset, Some(c.name())));
            }
        }
    }
    let containers_bad = !explicitly_bad.is_empty();
    if pod_bad || containers_bad {
        let values = sorted_set(values);
        let detail = text(&[
            piece_if(pod_bad, Piece::Str("pod")),
            piece_if(pod_bad && containers_bad, Piece::Str(" and ")),
            piece_if(containers_bad, Piece::Counted("container", "containers", &explicitly_bad)),
            Piece::Str(" must not set securityContext.seccompProfile.type to "),
            Piece::Quoted(&values),
        ]);
        return Some(Violation::new(CheckId::SeccompProfileRestricted, "seccompProfile", detail, fields));
    }
    if implicitly_bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::SeccompProfileRestricted,
        "seccompProfile",
        text(&[
            Piece::Str("pod or "),
            Piece::Counted("container", "containers", &implicitly_bad),
            Piece::Str(r#" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#),
        ]),
        fields,
    ))
}
