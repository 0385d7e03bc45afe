//! `seccompProfile_restricted` (restricted, v1.19+): the pod or every container must set seccomp to
//! `RuntimeDefault` or `Localhost`; from v1.25 Windows pods are exempt. Replaces `seccompProfile_baseline`.

use super::seccomp_profile_baseline::valid_type;
use super::{is_windows, piece_if, CheckId, Noun, Piece, Rec, Spans};
use crate::facts::{PathFact, ValueFact};
use crate::model::{ContainerView, PodView};

pub(super) const SINCE: &[u64] = &[19, 25];

const FIELD: &str = "securityContext.seccompProfile.type";

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    if minor >= 25 && is_windows(pod) {
        return;
    }
    let mut pod_bad = false;
    let mut values = Spans::new();
    let mut pod_set = false;
    if let Some(t) = pod.security_context().and_then(|sc| sc.seccomp_type()) {
        if valid_type(t) {
            pod_set = true;
        } else {
            pod_bad = true;
            let value = r.name(t);
            values.push(value);
            r.field(PathFact::spec(FIELD), ValueFact::Str(value), None);
        }
    }
    let mut explicitly_bad = Spans::new();
    let mut implicitly_bad = Spans::new();
    for (slot, c) in pod.containers() {
        match c.security_context().and_then(|sc| sc.seccomp_type()) {
            Some(t) if valid_type(t) => {}
            Some(t) => {
                let name = r.name(c.name());
                let value = r.name(t);
                explicitly_bad.push(name);
                values.push(value);
                r.field(PathFact::container(slot, FIELD), ValueFact::Str(value), Some(name));
            }
            None if pod_set => {}
            None => {
                let name = r.name(c.name());
                implicitly_bad.push(name);
                r.field(PathFact::container(slot, FIELD), ValueFact::Unset, Some(name));
            }
        }
    }
    let containers_bad = !explicitly_bad.is_empty();
    if pod_bad || containers_bad {
        let n = r.facts.sort_set(values.as_mut_slice());
        r.violation(
            CheckId::SeccompProfileRestricted,
            "seccompProfile",
            &[
                piece_if(pod_bad, Piece::Str("pod")),
                piece_if(pod_bad && containers_bad, Piece::Str(" and ")),
                piece_if(containers_bad, Piece::CountedSpans(Noun::Container, explicitly_bad.as_slice())),
                Piece::Str(" must not set securityContext.seccompProfile.type to "),
                Piece::QuotedSpans(&values.as_slice()[..n]),
            ],
        );
        return;
    }
    if implicitly_bad.is_empty() {
        return;
    }
    r.violation(
        CheckId::SeccompProfileRestricted,
        "seccompProfile",
        &[
            Piece::Str("pod or "),
            Piece::CountedSpans(Noun::Container, implicitly_bad.as_slice()),
            Piece::Str(r#" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost""#),
        ],
    );
}
