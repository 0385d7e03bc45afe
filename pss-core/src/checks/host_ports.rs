//! `hostPorts` (baseline): containers must not use host ports.

use super::{piece_if, pluralize, sorted_set, text, CheckId, Ctx, Piece};
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
                    ctx.container(slot, &text(&[Piece::Str("ports"), Piece::Index(i), Piece::Str(".hostPort")])),
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
    let ports: Vec<&str> = ports.iter().map(String::as_str).collect();
    let mut detail = vec![
        Piece::Counted("container", "containers", &bad),
        Piece::Str(" "),
        Piece::Str(pluralize("uses", "use", bad.len())),
        Piece::Str(" "),
        Piece::Str(pluralize("hostPort", "hostPorts", ports.len())),
        Piece::Str(" "),
    ];
    for (i, port) in ports.iter().enumerate() {
        detail.extend([piece_if(i > 0, Piece::Str(", ")), Piece::Str(port)]);
    }
    Some(Violation::new(CheckId::HostPorts, "hostPort", text(&detail), fields))
}
