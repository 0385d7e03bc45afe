//! `windowsHostProcess` (baseline): neither the pod nor a container may set
//! `securityContext.windowsOptions.hostProcess=true`.

use super::{containers_phrase, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[0];

const FIELD: &str = "securityContext.windowsOptions.hostProcess";

pub(super) fn check<P: PodView>(pod: &P, _minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut setters: Vec<String> = Vec::new();
    let mut fields = Vec::new();
    if pod.security_context().and_then(|sc| sc.host_process()) == Some(true) {
        setters.push("pod".to_owned());
        fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::Bool(true), None));
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.host_process()) == Some(true) {
            bad.push(c.name());
            fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Bool(true), Some(c.name())));
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::WindowsHostProcess,
        "hostProcess",
        format!("{} must not set securityContext.windowsOptions.hostProcess=true", setters.join(" and ")),
        fields,
    ))
}
