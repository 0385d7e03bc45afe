//! Kyverno's podSecurity engine, release by release (`pkg/pss/evaluate.go`,
//! `pkg/engine/handlers/validation/validate_pss.go`): which checks run at which version, how
//! `exclude` entries remove them, how field paths are printed for pod controllers, and the rule
//! message.

use crate::checks::CheckId;
use crate::level::{Level, Version};

use super::library::{self, Bad, KCheck, KContainer, KPod};
use super::matching::any_wildcard;
use super::pod_security::Exclusion;
use super::version::KyvernoVersion;

/// The checks `version`'s engine runs for a level and version, and those that fail
/// (`evaluatePSS`). Every check runs at `privileged` too (Kyverno only skips restricted checks at
/// `baseline`), and overrides are ignored (both capability checks, both seccomp checks).
pub(crate) fn evaluate_pss(kyverno: KyvernoVersion, level: Level, version: Version, pod: &KPod<'_>) -> Vec<KCheck> {
    let lib = kyverno.library();
    let mut out = Vec::new();
    for (id, versions) in library::checks(lib) {
        if level == Level::Baseline && id.level() != Level::Baseline {
            continue;
        }
        let requested = version.minor();
        if kyverno.whole_check_exclusions() {
            // 1.11: `latest` runs the newest version; `v1.N` runs every version up to N.
            match requested {
                None => out.extend(versions.last().and_then(|v| library::run(lib, id, *v, pod))),
                Some(n) => {
                    out.extend(versions.iter().filter(|v| **v <= n).filter_map(|v| library::run(lib, id, *v, pod)));
                }
            }
        } else {
            // 1.12.6 on: the newest version not newer than the requested one, else the first.
            let mut selected = versions[0];
            for v in &versions[1..] {
                if requested.is_none_or(|n| *v <= n) && selected < *v {
                    selected = *v;
                }
            }
            out.extend(library::run(lib, id, selected, pod));
        }
    }
    out
}

/// The pod an `exclude` entry is evaluated on (`GetPodWithMatchingContainers`): without images,
/// the pod with a single container named `fake` in place of all its containers; with images, an
/// otherwise empty pod holding only the containers whose image matches. The flag tells which
/// (container-level).
fn exclusion_pod<'a>(pod: &KPod<'a>, images: &[String]) -> (KPod<'a>, bool) {
    if images.is_empty() {
        let mut fake = pod.clone();
        fake.containers = vec![KContainer {
            kind: crate::model::ContainerKind::Regular,
            name: "fake",
            image: "",
            sc: None,
            host_ports: Vec::new(),
            hosts: Vec::new(),
        }];
        return (fake, false);
    }
    let containers = pod.containers.iter().filter(|c| any_wildcard(images, c.image)).cloned().collect();
    (KPod { containers, ..KPod::default() }, true)
}

/// Applies `exclude` entries (a rule's, or a PolicyException's `podSecurity`) to the failed checks,
/// as `kyverno` does.
pub(crate) fn exclude(
    kyverno: KyvernoVersion,
    level: Level,
    version: Version,
    entries: &[Exclusion],
    mut checks: Vec<KCheck>,
    pod: &KPod<'_>,
) -> Vec<KCheck> {
    for entry in entries {
        let (synthetic, container_level) = exclusion_pod(pod, &entry.images);
        let excluded = evaluate_pss(kyverno, level, version, &synthetic);
        checks = if kyverno.whole_check_exclusions() {
            exclude_whole(checks, &excluded, entry)
        } else {
            exclude_fields(checks, &excluded, entry, pod, &synthetic, container_level)
        };
    }
    checks
}

/// 1.11 (`exemptKyvernoExclusion`): the results are keyed by check (the last one of a check wins),
/// and a check of the entry's control that also fails on the entry's pod is removed whole.
/// Kyverno rebuilds the list from a Go map, in random order; pss keeps the check order.
fn exclude_whole(checks: Vec<KCheck>, excluded: &[KCheck], entry: &Exclusion) -> Vec<KCheck> {
    let mut kept: Vec<KCheck> = Vec::new();
    for check in checks {
        match kept.iter_mut().find(|c| c.id == check.id) {
            Some(slot) => *slot = check,
            None => kept.push(check),
        }
    }
    let ids = entry.control.checks();
    kept.retain(|c| !(ids.contains(&c.id) && excluded.iter().any(|e| e.id == c.id)));
    kept
}

/// Kyverno's `parseField`: the field with every digit run replaced by `*`, and, when its second run
/// of letters names a container list, that list and the first digit run (the container's index).
fn parse_field(field: &str) -> (String, Option<(&str, usize)>) {
    let starred = star_digits(field);
    let list = field.split(|c: char| !c.is_ascii_alphabetic()).filter(|w| !w.is_empty()).nth(1);
    let index =
        field.split(|c: char| !c.is_ascii_digit()).find(|d| !d.is_empty()).map(|d| d.parse::<usize>().unwrap_or(0));
    match (list, index) {
        (Some(l @ ("containers" | "initContainers" | "ephemeralContainers")), Some(i)) => (starred, Some((l, i))),
        _ => (starred, None),
    }
}

/// `regexp.MustCompile(`\d+`).ReplaceAllString(field, "*")`.
fn star_digits(field: &str) -> String {
    let mut out = String::with_capacity(field.len());
    let mut in_digits = false;
    for c in field.chars() {
        if c.is_ascii_digit() {
            if !in_digits {
                out.push('*');
            }
            in_digits = true;
        } else {
            out.push(c);
            in_digits = false;
        }
    }
    out
}

/// The name of the container at `index` of a list (`getContainerInfo`); `""` when out of range.
fn container_name<'a>(pod: &KPod<'a>, list: &str, index: usize) -> &'a str {
    pod.containers.iter().filter(|c| c.kind.field() == list).nth(index).map_or("", |c| c.name)
}

/// 1.12 and later (`exemptExclusions`): each field error the entry's pod shares with the pod, for
/// the entry's control, `restrictedField` and `values`, removes the first error of the pod's check
/// at the same path (of a container with the same name, for container-level entries). A check left
/// without errors is removed.
fn exclude_fields(
    mut checks: Vec<KCheck>,
    excluded: &[KCheck],
    entry: &Exclusion,
    pod: &KPod<'_>,
    synthetic: &KPod<'_>,
    container_level: bool,
) -> Vec<KCheck> {
    let locate = |field: &str, on: &KPod<'_>| -> (String, Option<String>) {
        if container_level {
            let (starred, container) = parse_field(field);
            (starred, container.map(|(list, i)| container_name(on, list, i).to_owned()))
        } else {
            (star_digits(field), None)
        }
    };
    for ex in excluded {
        if !entry.control.checks().contains(&ex.id) {
            continue;
        }
        let Some(ex_errs) = &ex.errs else {
            continue;
        };
        for ex_err in ex_errs {
            let (ex_field, ex_container) = locate(&ex_err.field, synthetic);
            if !(entry.restricted_field.is_empty() || ex_field == entry.restricted_field) {
                continue;
            }
            let values_ok =
                entry.values.is_empty() || ex_err.bad.values().iter().all(|bad| any_wildcard(&entry.values, bad));
            if !values_ok {
                continue;
            }
            let Some(pos) = checks.iter().position(|c| c.id == ex.id) else {
                continue;
            };
            let Some(errs) = checks[pos].errs.as_mut() else {
                continue;
            };
            let hit = errs.iter().position(|err| {
                let (field, container) = locate(&err.field, pod);
                match container {
                    // A container's field: the same path in a container of the same name.
                    Some(name) => field == ex_field && ex_container.as_deref().unwrap_or("") == name,
                    None => field == ex_field,
                }
            });
            if let Some(i) = hit {
                // Go's `remove`: the last error takes the removed one's place.
                errs.swap_remove(i);
            }
            if errs.is_empty() {
                checks.remove(pos);
            }
        }
    }
    checks
}

/// The paths Kyverno prints for a resource of `kind` (`convertChecks`): `spec` becomes
/// `spec.template.spec` (`spec.jobTemplate.spec.template.spec` for a CronJob) for pod controllers,
/// and `metadata` becomes `spec.template.metadata` for every kind, Pods included, by plain text
/// replacement.
pub(crate) fn convert_paths(checks: &mut [KCheck], kind: &str) {
    let spec = match kind {
        "DaemonSet" | "Deployment" | "Job" | "StatefulSet" | "ReplicaSet" | "ReplicationController" => {
            Some("spec.template.spec")
        }
        "CronJob" => Some("spec.jobTemplate.spec.template.spec"),
        _ => None,
    };
    for err in checks.iter_mut().filter_map(|c| c.errs.as_mut()).flatten() {
        if let Some(spec) = spec {
            err.field = err.field.replace("spec", spec);
        }
        err.field = err.field.replace("metadata", "spec.template.metadata");
    }
}

/// The failed rule's message: Kyverno 1.11 prints each check as Go prints the `CheckResult`
/// struct, each followed by a newline; later releases print the reason and the field errors.
pub(crate) fn fail_message(
    kyverno: KyvernoVersion,
    rule: &str,
    level: &str,
    version: &str,
    checks: &[KCheck],
) -> String {
    let mut out = format!("Validation rule '{rule}' failed. It violates PodSecurity \"{level}:{version}\": ");
    for check in checks {
        if kyverno.whole_check_exclusions() {
            out.push_str("({Allowed:false ForbiddenReason:");
            out.push_str(check.reason);
            out.push_str(" ForbiddenDetail:");
            out.push_str(&check.detail);
            out.push_str("})\n");
            continue;
        }
        out.push_str("(Forbidden reason: ");
        out.push_str(check.reason);
        out.push_str(", field error list: [");
        for (i, err) in check.errs.iter().flatten().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            err.write(&err.field, &mut out);
        }
        out.push_str("])");
    }
    out
}

/// The value pss reports for a Kyverno field error: `Unset` for a required field (and for
/// `allowPrivilegeEscalation`'s `"nil"`), the object for a forbidden volume type.
pub(crate) fn field_value(id: CheckId, required: bool, bad: &Bad) -> crate::violation::FieldValue {
    use crate::violation::FieldValue;
    match bad {
        _ if required => FieldValue::Unset,
        Bad::Str(s) if id == CheckId::AllowPrivilegeEscalation && s == "nil" => FieldValue::Unset,
        Bad::Empty => FieldValue::Object,
        Bad::Str(s) => FieldValue::String(s.clone()),
        Bad::Bool(b) => FieldValue::Bool(*b),
        Bad::Int(i) => FieldValue::Int(*i),
        Bad::List(items) => FieldValue::List(items.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_are_parsed_as_kyverno_parses_them() {
        assert_eq!(star_digits("spec.containers[12].ports[3].hostPort"), "spec.containers[*].ports[*].hostPort");
        assert_eq!(
            star_digits("metadata.annotations[container.seccomp.security.alpha.kubernetes.io/web2]"),
            "metadata.annotations[container.seccomp.security.alpha.kubernetes.io/web*]"
        );
        let (f, c) = parse_field("spec.initContainers[1].securityContext.privileged");
        assert_eq!(f, "spec.initContainers[*].securityContext.privileged");
        assert_eq!(c, Some(("initContainers", 1)));
        assert_eq!(parse_field("spec.securityContext.runAsNonRoot").1, None);
        assert_eq!(parse_field("spec.template.spec.containers[0].securityContext.privileged").1, None);
        assert_eq!(parse_field("metadata.annotations[container.apparmor.security.beta.kubernetes.io/a1]").1, None);
    }
}
