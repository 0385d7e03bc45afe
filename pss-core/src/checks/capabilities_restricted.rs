//! `capabilities_restricted` (restricted, v1.22+): containers must drop `ALL` and may add only
//! `NET_BIND_SERVICE`; from v1.25 Windows pods are exempt. Replaces `capabilities_baseline`.

use super::{is_windows, piece_if, sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[22, 25];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 25 && is_windows(pod) {
        return None;
    }
    let mut missing_drop_all = Vec::new();
    let mut adding_forbidden = Vec::new();
    let mut forbidden_caps = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        let has_caps = c.security_context().is_some_and(|sc| sc.has_capabilities());
        if !has_caps || !c.cap_drop().any(|d| d == "ALL") {
            missing_drop_all.push(c.name());
            let dropped: Vec<String> = c.cap_drop().map(str::to_owned).collect();
            fields.push(FieldViolation::new(
                ctx.container(slot, "securityContext.capabilities.drop"),
                if dropped.is_empty() { FieldValue::Unset } else { FieldValue::List(dropped) },
                Some(c.name()),
            ));
        }
        let mut added_forbidden = false;
        for (i, cap) in c.cap_add().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                added_forbidden = true;
                forbidden_caps.push(cap);
                fields.push(FieldViolation::new(
                    ctx.container_item(slot, "securityContext.capabilities.add", i),
                    FieldValue::String(cap.to_owned()),
                    Some(c.name()),
                ));
            }
        }
        if added_forbidden {
            adding_forbidden.push(c.name());
        }
    }
    let (drop, add) = (!missing_drop_all.is_empty(), !adding_forbidden.is_empty());
    if !drop && !add {
        return None;
    }
    let forbidden_caps = sorted_set(forbidden_caps);
    let detail = text(&[
        piece_if(drop, Piece::Counted("container", "containers", &missing_drop_all)),
        piece_if(drop, Piece::Str(r#" must set securityContext.capabilities.drop=["ALL"]"#)),
        piece_if(drop && add, Piece::Str("; ")),
        piece_if(add, Piece::Counted("container", "containers", &adding_forbidden)),
        piece_if(add, Piece::Str(" must not include ")),
        piece_if(add, Piece::Quoted(&forbidden_caps)),
        piece_if(add, Piece::Str(" in securityContext.capabilities.add")),
    ]);
    Some(Violation::new(CheckId::CapabilitiesRestricted, "unrestricted capabilities", detail, fields))
}
