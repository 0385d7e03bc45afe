//! `seccompProfile_restricted` (restricted, v1.19+): the pod or every container must set seccomp to
//! `RuntimeDefault` or `Localhost`; from v1.25 Windows pods are exempt. Replaces `seccompProfile_baseline`.

use super::seccomp_profile_baseline::valid_type;
use super::{containers_phrase, is_windows, join_quote, sorted_set, CheckId, Ctx};
use crate::model::{ContainerView, PodView};
use crate::violation::{FieldValue, FieldViolation, Violation};

pub(super) const SINCE: &[u64] = &[19, 25];

const FIELD: &str = "securityContext.seccompProfile.type";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    if minor >= 25 && is_windows(pod) {
        return None;
    }
    let mut setters: Vec<String> = Vec::new();
    let mut values = Vec::new();
    let mut explicit_fields = Vec::new();
    let mut pod_set = false;
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if valid_type(t) {
            pod_set = true;
        } else {
            setters.push("pod".to_owned());
            values.push(t);
            explicit_fields.push(FieldViolation::new(ctx.spec(FIELD), FieldValue::String(t.to_owned()), None));
        }
    }
    let mut explicitly_bad = Vec::new();
    let mut implicitly_bad = Vec::new();
    let mut implicit_fields = Vec::new();
    for (slot, c) in pod.containers() {
        match c.security_context().and_then(|sc| sc.seccomp_type()) {
            Some(t) if valid_type(t) => {}
            Some(t) => {
                explicitly_bad.push(c.name());
                values.push(t);
                explicit_fields.push(FieldViolation::new(
                    ctx.container(slot, FIELD),
                    FieldValue::String(t.to_owned()),
                    Some(c.name()),
                ));
            }
            None if pod_set => {}
            None => {
                implicitly_bad.push(c.name());
                implicit_fields.push(FieldViolation::new(
                    ctx.container(slot, FIELD),
                    FieldValue::Unset,
                    Some(c.name()),
                ));
            }
        }
    }
    if !explicitly_bad.is_empty() {
        setters.push(containers_phrase(&explicitly_bad));
    }
    if !setters.is_empty() {
        return Some(Violation::new(
            CheckId::SeccompProfileRestricted,
            "seccompProfile",
            format!(
                "{} must not set securityContext.seccompProfile.type to {}",
                setters.join(" and "),
                join_quote(sorted_set(values))
            ),
            explicit_fields,
        ));
    }
    if implicitly_bad.is_empty() {
        return None;
    }
    Some(Violation::new(
        CheckId::SeccompProfileRestricted,
        "seccompProfile",
        format!(
            r#"pod or {} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#,
            containers_phrase(&implicitly_bad)
        ),
        implicit_fields,
    ))
}
