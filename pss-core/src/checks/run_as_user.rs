//! `runAsUser` (restricted, v1.23+): neither the pod nor a container may set `runAsUser=0`; from v1.35
//! pods in a user namespace (`hostUsers: false`) are exempt.

use super::{containers_phrase, in_user_namespace, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[23, 35];

const FIELD: &str = "securityContext.runAsUser";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 35 && in_user_namespace(pod) {
        return None;
    }
    let mut setters: Vec<String> = Vec::new();
    let mut fields = Vec::new();
    if pod.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
        setters.push("pod".to_owned());
        fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::Int(0), None));
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if c.security_context().and_then(|sc| sc.run_as_user()) == Some(0) {
            bad.push(c.name());
            fields.push(FieldViolation::new(ctx.container(slot, FIELD), FieldValue::Int(0), Some(c.name())));
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::RunAsUser,
        "runAsUser=0",
        format!("{} must not set runAsUser=0", setters.join(" and ")),
        fields,
    ))
}
