//! `hostProbesAndHostLifecycle` (baseline, v1.34+): probes and lifecycle handlers must not set a host.

use super::{pluralize, sorted_set, text, CheckId, Ctx, Piece};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[34];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut containers = Vec::new();
    let mut hosts = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        for (site, host) in c.hosts() {
            containers.push(c.name());
            hosts.push(host);
            fields.push(FieldViolation::new(
                ctx.container(slot, site.path()),
                FieldValue::String(host.to_owned()),
                Some(c.name()),
            ));
        }
    }
    if containers.is_empty() {
        return None;
    }
    // Upstream collects both into sets: container names are sorted and deduplicated here.
    let containers = sorted_set(containers);
    let hosts = sorted_set(hosts);
    Some(Violation::new(
        CheckId::HostProbesAndHostLifecycle,
        "probe or lifecycle host",
        text(&[
            Piece::Counted("container", "containers", &containers),
            Piece::Str(" "),
            Piece::Str(pluralize("uses", "use", containers.len())),
            Piece::Str(" "),
            Piece::Counted("probe or lifecycle host", "probe or lifecycle hosts", &hosts),
        ]),
        fields,
    ))
}
