//! `capabilities_restricted` (restricted, v1.22+): containers must drop `ALL` and may add only
//! `NET_BIND_SERVICE`; from v1.25 Windows pods are exempt. Replaces `capabilities_baseline`.

use super::{is_windows, piece_if, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[22, 25];

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 25 && is_windows(pod) {
        return;
    }
    let mut missing_drop_all = Spans::new();
    let mut adding_forbidden = Spans::new();
    let mut forbidden_caps = Spans::new();
    for (slot, c) in pod.containers() {
        let mut name = None;
        let has_caps = c.security_context().is_some_and(|sc| sc.has_capabilities());
        if !has_caps || !c.cap_drop().any(|d| d == "ALL") {
            let container = *name.get_or_insert_with(|| r.name(c.name()));
            missing_drop_all.push(container);
            let value = if c.cap_drop().next().is_none() {
                ValueFact::Unset
            } else {
                ValueFact::List(r.facts.list(c.cap_drop()))
            };
            r.field(PathFact::container(slot, "securityContext.capabilities.drop"), value, Some(container));
        }
        let mut added_forbidden = false;
        for (i, cap) in c.cap_add().enumerate() {
            if cap != "NET_BIND_SERVICE" {
                added_forbidden = true;
                let container = *name.get_or_insert_with(|| r.name(c.name()));
                let value = r.name(cap);
                forbidden_caps.push(value);
                r.field(
                    PathFact::container_item(slot, "securityContext.capabilities.add", i, ""),
                    ValueFact::Str(value),
                    Some(container),
                );
            }
        }
        if added_forbidden {
            adding_forbidden.push(name.unwrap_or_default());
        }
    }
    let (drop, add) = (!missing_drop_all.is_empty(), !adding_forbidden.is_empty());
    if !drop && !add {
        return;
    }
    let n = r.facts.sort_set(forbidden_caps.as_mut_slice());
    r.violation(
        CheckId::CapabilitiesRestricted,
        "unrestricted capabilities",
        &[
            piece_if(drop, Piece::CountedSpans(Noun::Container, missing_drop_all.as_slice())),
            piece_if(drop, Piece::Str(r#" must set securityContext.capabilities.drop=["ALL"]"#)),
            piece_if(drop && add, Piece::Str("; ")),
            piece_if(add, Piece::CountedSpans(Noun::Container, adding_forbidden.as_slice())),
            piece_if(add, Piece::Str(" must not include ")),
            piece_if(add, Piece::QuotedSpans(&forbidden_caps.as_slice()[..n])),
            piece_if(add, Piece::Str(" in securityContext.capabilities.add")),
        ],
    );
}
