//! `seLinuxOptions` (baseline): only container SELinux types (plus `container_engine_t` from v1.31),
//! and no custom user or role.

use super::{containers_phrase, join_quote, pluralize, sorted_set, CheckId, Ctx};
use crate::model::{ContainerView, PodView, SeLinux, Slot};
use crate::violation::{FieldValue, FieldViolation, Violation};

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
    fields: Vec<FieldViolation>,
}

impl<'a> Findings<'a> {
    /// Records what is wrong with one `seLinuxOptions`; returns whether anything was.
    fn inspect(&mut self, opts: SeLinux<'a>, minor: u64, at: impl Fn(&str) -> String, container: Option<&str>) -> bool {
        let mut valid = true;
        if !allowed_type(opts.type_, minor) {
            valid = false;
            self.types.push(opts.type_);
            self.fields.push(FieldViolation::new(
                at("securityContext.seLinuxOptions.type"),
                FieldValue::String(opts.type_.to_owned()),
                container,
            ));
        }
        if !opts.user.is_empty() {
            valid = false;
            self.user = true;
            self.fields.push(FieldViolation::new(
                at("securityContext.seLinuxOptions.user"),
                FieldValue::String(opts.user.to_owned()),
                container,
            ));
        }
        if !opts.role.is_empty() {
            valid = false;
            self.role = true;
            self.fields.push(FieldViolation::new(
                at("securityContext.seLinuxOptions.role"),
                FieldValue::String(opts.role.to_owned()),
                container,
            ));
        }
        valid
    }
}

pub(super) fn check<P: PodView>(pod: &P, minor: u64, ctx: &Ctx<'_>) -> Option<Violation> {
    let mut findings = Findings::default();
    let mut setters: Vec<String> = Vec::new();
    if let Some(opts) = pod.security_context().and_then(|sc| sc.se_linux()) {
        if !findings.inspect(opts, minor, |f| ctx.spec(f), None) {
            setters.push("pod".to_owned());
        }
    }
    let mut bad = Vec::new();
    for (slot, c) in pod.containers() {
        if let Some(opts) = c.security_context().and_then(|sc| sc.se_linux()) {
            let at = |f: &str| ctx.container(slot as Slot, f);
            if !findings.inspect(opts, minor, at, Some(c.name())) {
                bad.push(c.name());
            }
        }
    }
    if !bad.is_empty() {
        setters.push(containers_phrase(&bad));
    }
    if setters.is_empty() {
        return None;
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
    Some(Violation::new(
        CheckId::SeLinuxOptions,
        "seLinuxOptions",
        format!("{} set forbidden securityContext.seLinuxOptions: {}", setters.join(" and "), data.join("; ")),
        findings.fields,
    ))
}
