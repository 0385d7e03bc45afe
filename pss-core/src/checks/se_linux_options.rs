//! `seLinuxOptions` (baseline): only container SELinux types (plus `container_engine_t` from v1.31),
//! and no custom user or role.

use super::{piece_if, pluralize, sorted_unique, CheckId, Names, Noun, Piece, Rec};
use crate::facts::PathFact;
use crate::model::{ContainerView, PodView, SeLinux};

pub(super) const SINCE: &[u64] = &[0, 31];

fn allowed_type(t: &str, minor: u64) -> bool {
    match t {
        "" | "container_t" | "container_init_t" | "container_kvm_t" => true,
        "container_engine_t" => minor >= 31,
        _ => false,
    }
}

#[derive(Default)]
struct Findings<'a> {
    types: Names<'a>,
    user: bool,
    role: bool,
}

impl<'a> Findings<'a> {
    /// Records what is wrong with one `seLinuxOptions`; returns whether anything was.
    fn inspect(
        &mut self,
        r: &mut Rec,
        opts: SeLinux<'a>,
        minor: u64,
        at: impl Fn(&'static str) -> PathFact,
        container: Option<&str>,
    ) -> bool {
        let mut valid = true;
        if !allowed_type(opts.type_, minor) {
            valid = false;
            self.types.push(opts.type_);
            let value = r.string(opts.type_);
            let container = container.map(|c| r.name(c));
            r.field(at("securityContext.seLinuxOptions.type"), value, container);
        }
        if !opts.user.is_empty() {
            valid = false;
            self.user = true;
            let value = r.string(opts.user);
            let container = container.map(|c| r.name(c));
            r.field(at("securityContext.seLinuxOptions.user"), value, container);
        }
        if !opts.role.is_empty() {
            valid = false;
            self.role = true;
            let value = r.string(opts.role);
            let container = container.map(|c| r.name(c));
            r.field(at("securityContext.seLinuxOptions.role"), value, container);
        }
        valid
    }
}

pub(super) fn check<P: PodView>(pod: &P, minor: u64, r: &mut Rec) {
    let mut findings = Findings::default();
    let mut pod_bad = false;
    if let Some(opts) = pod.security_context().and_then(|sc| sc.se_linux()) {
        pod_bad = !findings.inspect(r, opts, minor, PathFact::spec, None);
    }
    let mut bad = Names::new();
    for (slot, c) in pod.containers() {
        if let Some(opts) = c.security_context().and_then(|sc| sc.se_linux()) {
            if !findings.inspect(r, opts, minor, |f| PathFact::container(slot, f), Some(c.name())) {
                bad.push(c.name());
            }
        }
    }
    let containers_bad = !bad.is_empty();
    if !pod_bad && !containers_bad {
        return;
    }
    let n = sorted_unique(findings.types.as_mut_slice());
    let types = &findings.types.as_slice()[..n];
    let (has_types, user, role) = (!types.is_empty(), findings.user, findings.role);
    r.violation(
        CheckId::SeLinuxOptions,
        "seLinuxOptions",
        &[
            piece_if(pod_bad, Piece::Str("pod")),
            piece_if(pod_bad && containers_bad, Piece::Str(" and ")),
            piece_if(containers_bad, Piece::Counted(Noun::Container, bad.as_slice())),
            Piece::Str(" set forbidden securityContext.seLinuxOptions: "),
            piece_if(has_types, Piece::Str(pluralize("type", "types", types.len()))),
            piece_if(has_types, Piece::Str(" ")),
            piece_if(has_types, Piece::Quoted(types)),
            piece_if(has_types && user, Piece::Str("; ")),
            piece_if(user, Piece::Str("user may not be set")),
            piece_if((has_types || user) && role, Piece::Str("; ")),
            piece_if(role, Piece::Str("role may not be set")),
        ],
    );
}
