//! `hostPorts` (baseline): containers must not use host ports.

use super::{containers_phrase, pluralize, sorted_set, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut bad = Vec::new();
    let mut ports = Vec::new();
    let mut fields = Vec::new();
    for (slot, c) in pod.containers() {
        let mut valid = true;
        for (i, port) in c.host_ports().enumerate() {
            if port != 0 {
                valid = false;
                ports.push(port.to_string());
                fields.push(FieldViolation::new(
                    ctx.container(slot, &format!("ports[{i}].hostPort")),
                    FieldValue::Int(i64::from(port)),
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
    // Upstream keeps the ports as a set of strings, so they sort as strings ("10" < "9").
    let ports = sorted_set(ports);
    Some(Violation::new(
        CheckId::HostPorts,
        "hostPort",
        format!(
            "{} {} {} {}",
            containers_phrase(&bad),
            pluralize("uses", "use", bad.len()),
            pluralize("hostPort", "hostPorts", ports.len()),
            ports.join(", ")
        ),
        fields,
    ))
}
