//! `capabilities_baseline` (baseline): containers may add only capabilities from the default set.

use super::{sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

/// The container runtime's default capabilities, which baseline lets containers add.
pub(super) const ALLOWED: [&str; 13] = [
    "AUDIT_WRITE",
    "CHOWN",
    "DAC_OVERRIDE",
    "FOWNER",
    "FSETID",
    "KILL",
    "MKNOD",
    "NET_BIND_SERVICE",
    "SETFCAP",
    "SETGID",
    "SETPCAP",
    "SETUID",
    "SYS_CHROOT",
];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut caps = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        let mut valid = true;
        for (i, cap) in c.cap_add().enumerate() {
            if !ALLOWED.contains(&cap) {
                valid = false;
                caps.push(cap);
                fields.push(FieldViolation::new(
                    ctx.container_item(slot, "securityContext.capabilities.add", i),
                    FieldValue::String(cap.to_owned()),
                    Some(c.name()),
                ));
            }
        }
        if !valid {
            bad.push(c.name());
        }
    }
    if bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::CapabilitiesBaseline,
        "non-default capabilities",
        text(&[
            Piece::Counted("container", "containers", &bad),
            Piece::Str(" must not include "),
            Piece::Quoted(&sorted_set(caps)),
            Piece::Str(" in securityContext.capabilities.add"),
        ]),
        fields,
    ))
}
