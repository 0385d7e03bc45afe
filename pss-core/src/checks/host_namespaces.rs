//! `hostNamespaces` (baseline): no `hostNetwork`, `hostPID` or `hostIPC`.

use super::{CheckId, Ctx};
use crate::model::PodView;
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut set = Vec::new();
    let mut fields = Vec::new();
    for (on, field) in [(pod.host_network(), "hostNetwork"), (pod.host_pid(), "hostPID"), (pod.host_ipc(), "hostIPC")] {
        if on {
            set.push(format!("{field}=true"));
            fields.push(FieldViolation::new(ctx.spec(field), FieldValue::Bool(true), None));
        }
    }
    if set.is_empty() {
        return None;
    }
    Some(Violation::new(CheckId::HostNamespaces, "host namespaces", set.join(", "), fields))
}
