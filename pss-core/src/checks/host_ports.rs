//! `hostPorts` (baseline): containers must not use host ports.

use super::{pluralize, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut bad = Spans::new();
    let mut ports = Spans::new();
    for (slot, c) in pod.containers() {
        let mut name = None;
        for (i, port) in c.host_ports().enumerate() {
            if port != 0 {
                let container = *name.get_or_insert_with(|| r.name(c.name()));
                // Upstream keeps the ports as a set of strings, so they sort as strings ("10" < "9").
                ports.push(r.facts.write(port));
                r.field(
                    PathFact::container_item(slot, "ports", i, ".hostPort"),
                    ValueFact::Int(i64::from(port)),
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
    let n = r.facts.sort_set(ports.as_mut_slice());
    let ports = &ports.as_slice()[..n];
    r.violation(
        CheckId::HostPorts,
        "hostPort",
        &[
            Piece::CountedSpans(Noun::Container, bad.as_slice()),
            Piece::Str(" "),
            Piece::Str(pluralize("uses", "use", bad.len())),
            Piece::Str(" "),
            Piece::Str(pluralize("hostPort", "hostPorts", ports.len())),
            Piece::Str(" "),
            Piece::JoinedSpans(ports),
        ],
    );
}
