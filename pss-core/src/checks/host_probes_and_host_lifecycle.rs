//! `hostProbesAndHostLifecycle` (baseline, v1.34+): probes and lifecycle handlers must not set a host.

use super::{pluralize, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[34];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, r: &mut Rec) {
    let mut containers = Spans::new();
    let mut hosts = Spans::new();
    for (slot, c) in pod.containers() {
        for (site, host) in c.hosts() {
            let name = r.name(c.name());
            let value = r.name(host);
            containers.push(name);
            hosts.push(value);
            r.field(PathFact::container(slot, site.path()), ValueFact::Str(value), Some(name));
        }
    }
    if containers.is_empty() {
        return;
    }
    // Upstream collects both into sets: container names are sorted and deduplicated here.
    let n = r.facts.sort_set(containers.as_mut_slice());
    let containers = &containers.as_slice()[..n];
    let m = r.facts.sort_set(hosts.as_mut_slice());
    let hosts = &hosts.as_slice()[..m];
    r.violation(
        CheckId::HostProbesAndHostLifecycle,
        "probe or lifecycle host",
        &[
            Piece::CountedSpans(Noun::Container, containers),
            Piece::Str(" "),
            Piece::Str(pluralize("uses", "use", containers.len())),
            Piece::Str(" "),
            Piece::CountedSpans(Noun::ProbeOrLifecycleHost, hosts),
        ],
    );
}
