//! `seLinuxOptions` (baseline): only container SELinux types (plus `container_engine_t` from v1.31),
//! and no custom user or role.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Piece, Rec};
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
    types: Vec<&'a str>,
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
    let mut setters: Vec<String> = Vec::new();
    if let Some(opts) = pod.security_context().and_then(|sc| sc.se_linux()) {
        if !findings.inspect(r, opts, minor, PathFact::spec, None) {
            setters.push("pod".to_owned());
        }
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(opts) = c.security_context().and_then(|sc| sc.se_linux()) {
            if !findings.inspect(r, opts, minor, |f| PathFact::container(slot, f), Some(c.name())) {
                bad.push(c.name());
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return;
    }
    let mut data = Vec::new();
    let types = sorted_set(findings.types);
    if !types.is_empty() {
        data.push(format!("{} {}", pluralize("type", "types", types.len()), join_quote(&types)));
    }
    if findings.user {
        data.push("user may not be set".to_owned());
    }
    if findings.role {
        data.push("role may not be set".to_owned());
    }
    let detail = format!("{} set forbidden securityContext.seLinuxOptions: {}", setters.join(" and "), data.join("; "));
    r.violation(CheckId::SeLinuxOptions, "seLinuxOptions", &[Piece::Text(&detail)]);
}
