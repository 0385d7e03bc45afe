//! Rules for pod controllers, generated from rules that match pods (Kyverno's `pkg/autogen`).

use super::matching::{contains_kind, KindSelector, MatchResources, ResourceFilter};
use super::policy::Rule;

/// The pod controllers, in the order Kyverno lists them, with the kinds generated rules match.
const CONTROLLERS: [(&str, &str); 7] = [
    ("DaemonSet", "apps/v1/DaemonSet"),
    ("Deployment", "apps/v1/Deployment"),
    ("Job", "batch/v1/Job"),
    ("StatefulSet", "apps/v1/StatefulSet"),
    ("ReplicaSet", "apps/v1/ReplicaSet"),
    ("ReplicationController", "v1/ReplicationController"),
    ("CronJob", "batch/v1/CronJob"),
];

const CRONJOB: &str = "CronJob";

/// The controllers the annotation asks for: all when absent or `all`, none for `none`, else the
/// known kinds of the comma-separated list (spaces around names are ignored), sorted by name.
pub(crate) fn controllers(annotation: Option<&str>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = match annotation.map(str::trim) {
        None | Some("all") => CONTROLLERS.iter().map(|(k, _)| *k).collect(),
        Some("none") => Vec::new(),
        Some(list) => {
            list.split(',').filter_map(|name| CONTROLLERS.iter().map(|(k, _)| *k).find(|k| *k == name.trim())).collect()
        }
    };
    out.sort_unstable();
    out.dedup();
    out
}

fn gvk(kind: &str) -> String {
    CONTROLLERS.iter().find(|(k, _)| *k == kind).map_or_else(|| kind.to_owned(), |(_, g)| (*g).to_owned())
}

/// Whether the policy's rules allow generated rules at all (`CanAutoGen`): no rule generates or
/// patches with JSON 6902; no match or exclude block names resources by name, selector or
/// annotations, or lists Pod among other kinds; and some block names Pod or a controller.
pub(crate) fn can_autogen(rules: &[Rule]) -> bool {
    let mut needed = false;
    for rule in rules {
        if rule.blocks_autogen {
            return false;
        }
        for d in rule.match_.descriptions().chain(rule.exclude.iter().flat_map(MatchResources::descriptions)) {
            let mixed = d.kinds.len() > 1 && contains_kind(&d.kinds, "Pod");
            if !d.name.is_empty() || !d.names.is_empty() || d.selector.is_some() || d.annotations.is_some() || mixed {
                return false;
            }
            needed |= d.kinds.iter().any(|k| {
                let kind = KindSelector::parse(k).kind;
                kind == "Pod" || CONTROLLERS.iter().any(|(c, _)| *c == kind)
            });
        }
    }
    needed
}

/// Kyverno's rule name for a generated rule: the prefix, a dash and the name, cut to 63 bytes.
pub(crate) fn rule_name(prefix: &str, name: &str) -> String {
    let mut out = format!("{prefix}-{name}");
    if out.len() > 63 {
        let mut end = 63;
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
    }
    out
}

/// Whether a rule gets generated twins: its match kinds name Pod, and so do its exclude kinds if
/// it has any; rules already named `autogen-...` are not converted again.
fn converts(rule: &Rule) -> bool {
    if rule.name.starts_with("autogen-") {
        return false;
    }
    let match_kinds: Vec<&String> = rule.match_.kinds().collect();
    let exclude_kinds: Vec<&String> = rule.exclude.iter().flat_map(MatchResources::kinds).collect();
    contains_kind(match_kinds, "Pod") && (exclude_kinds.is_empty() || contains_kind(exclude_kinds, "Pod"))
}

/// Replaces the kinds of a block: in `any`/`all`, those of the filters naming Pod (or of every
/// filter); else the direct kinds (for `exclude`, only when it has some).
fn retarget(m: &mut MatchResources, kinds: &[String], every_filter: bool, is_exclude: bool) {
    let fix = |filters: &mut Vec<ResourceFilter>| {
        for f in filters {
            if every_filter || contains_kind(&f.resources.kinds, "Pod") {
                f.resources.kinds = kinds.to_vec();
            }
        }
    };
    if !m.any.is_empty() {
        fix(&mut m.any);
    } else if !m.all.is_empty() {
        fix(&mut m.all);
    } else if !is_exclude || !m.direct.resources.kinds.is_empty() {
        m.direct.resources.kinds = kinds.to_vec();
    }
}

fn twin(rule: &Rule, prefix: &str, kinds: &[String], every_filter: bool) -> Rule {
    let mut out = rule.clone();
    out.name = rule_name(prefix, &rule.name);
    out.generated = true;
    retarget(&mut out.match_, kinds, every_filter, false);
    if let Some(exclude) = &mut out.exclude {
        retarget(exclude, kinds, every_filter, true);
    }
    out
}

/// The rules to evaluate: the policy's own, then `autogen-<name>` (controllers other than
/// CronJob) and `autogen-cronjob-<name>` after them. When any rule is generated, rules already
/// named `autogen-...` are dropped (they are earlier generated copies).
pub(crate) fn with_generated(rules: Vec<Rule>, annotation: Option<&str>) -> Vec<Rule> {
    if !can_autogen(&rules) {
        return rules;
    }
    let chosen = controllers(annotation);
    let others: Vec<String> = chosen.iter().filter(|k| **k != CRONJOB).map(|k| gvk(k)).collect();
    let cronjob = chosen.contains(&CRONJOB);
    let mut generated = Vec::new();
    for rule in rules.iter().filter(|r| converts(r)) {
        if !others.is_empty() {
            generated.push(twin(rule, "autogen", &others, false));
        }
        if cronjob {
            generated.push(twin(rule, "autogen-cronjob", &[gvk(CRONJOB)], true));
        }
    }
    if generated.is_empty() {
        return rules;
    }
    let mut out: Vec<Rule> = rules.into_iter().filter(|r| !r.name.starts_with("autogen-")).collect();
    out.extend(generated);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotation_lists() {
        assert_eq!(controllers(None).len(), 7);
        assert_eq!(controllers(Some("all")).len(), 7);
        assert!(controllers(Some("none")).is_empty());
        assert_eq!(controllers(Some("Deployment, StatefulSet")), ["Deployment", "StatefulSet"]);
        assert_eq!(controllers(Some("CronJob,Bogus,Job")), ["CronJob", "Job"]);
    }

    #[test]
    fn names_are_cut_to_63_bytes() {
        let long = "x".repeat(70);
        assert_eq!(rule_name("autogen", &long).len(), 63);
        assert_eq!(rule_name("autogen-cronjob", "baseline"), "autogen-cronjob-baseline");
        let accented = "é".repeat(40);
        assert!(rule_name("autogen", &accented).len() <= 63);
    }
}
