//! `capabilities_baseline` (baseline): containers may add only capabilities from the default set.

use super::{CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

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

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut bad = Spans::new();
    let mut caps = Spans::new();
    for (slot, c) in pod.containers() {
        let mut name = None;
        for (i, cap) in c.cap_add().enumerate() {
            if !ALLOWED.contains(&cap) {
                let container = *name.get_or_insert_with(|| r.name(c.name()));
                let value = r.name(cap);
                caps.push(value);
                r.field(
                    PathFact::container_item(slot, "securityContext.capabilities.add", i, ""),
                    ValueFact::Str(value),
                    Some(container),
                );
            }
        }
        if let Some(name) = name {
            bad.push(name);
        }
    }
    if bad.is_empty() {
        return;
    }
    let n = r.facts.sort_set(caps.as_mut_slice());
    r.violation(
        CheckId::CapabilitiesBaseline,
        "non-default capabilities",
        &[
            Piece::CountedSpans(Noun::Container, bad.as_slice()),
            Piece::Str(" must not include "),
            Piece::QuotedSpans(&caps.as_slice()[..n]),
            Piece::Str(" in securityContext.capabilities.add"),
        ],
    );
}
