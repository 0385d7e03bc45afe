//! `match` and `exclude` blocks: resource filters, kind selectors, label selectors and Kyverno's
//! wildcards (`pkg/engine/utils/match.go`, `pkg/utils/match`, `pkg/utils/kube/kind.go`).

use std::collections::BTreeMap;

/// Kyverno's wildcard match (`ext/wildcard`, IGLOU-EU/go-wildcard): `*` is any run of characters
/// (possibly none), `?` is exactly one character, everything else is literal; the whole string must
/// match, case-sensitively.
pub(crate) fn wildcard(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    // The last `*` seen and the text position it was tried at, to backtrack to.
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(&c) if c == '?' || c == t[ti] => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

/// Whether any pattern matches.
pub(crate) fn any_wildcard(patterns: &[String], text: &str) -> bool {
    patterns.iter().any(|p| wildcard(p, text))
}

fn has_wildcard(s: &str) -> bool {
    s.contains(['*', '?'])
}

/// Whether `s` is a version part of a kind selector (`^(v\d+((alpha|beta)\d+)?|\*)$`).
fn is_version(s: &str) -> bool {
    if s == "*" {
        return true;
    }
    let Some(rest) = s.strip_prefix('v') else {
        return false;
    };
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 {
        return false;
    }
    let rest = &rest[digits..];
    if rest.is_empty() {
        return true;
    }
    let Some(n) = rest.strip_prefix("alpha").or_else(|| rest.strip_prefix("beta")) else {
        return false;
    };
    !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
}

/// A kind selector split into group, version, kind and subresource (`ParseKindSelector`).
pub(crate) struct KindSelector<'k> {
    pub group: &'k str,
    pub version: &'k str,
    pub kind: &'k str,
    pub subresource: &'k str,
}

impl<'k> KindSelector<'k> {
    /// `Pod`, `v1/Pod`, `apps/v1/Deployment`, `Pod/exec`, `Pod.status`, `*`, `*/*`, ...
    pub(crate) fn parse(input: &'k str) -> KindSelector<'k> {
        let mut parts: Vec<&str> = input.split('/').collect();
        if let Some(last) = parts.pop() {
            parts.extend(last.split('.'));
        }
        let sel = |group, version, kind, subresource| KindSelector { group, version, kind, subresource };
        match parts.as_slice() {
            [kind] => sel("*", "*", kind, ""),
            ["*", "*"] => sel("*", "*", "*", "*"),
            ["*", sub] if sub.to_lowercase() == *sub => sel("*", "*", "*", sub),
            [version, kind] if is_version(version) => sel("*", version, kind, ""),
            [kind, sub] => sel("*", "*", kind, sub),
            [version, kind, sub] if is_version(version) => sel("*", version, kind, sub),
            [group, version, kind] => sel(group, version, kind, ""),
            [group, version, kind, sub] => sel(group, version, kind, sub),
            _ => sel("", "", "", ""),
        }
    }
}

/// Whether a list of kinds names `kind` (`ContainsKind`: the kind part, whatever the group, version
/// or subresource; wildcards are not expanded, so `*` does not name `Pod`).
pub(crate) fn contains_kind<'k>(kinds: impl IntoIterator<Item = &'k String>, kind: &str) -> bool {
    kinds.into_iter().any(|k| KindSelector::parse(k).kind == kind)
}

/// A label selector (`metav1.LabelSelector`); `matchLabels` keys and values may hold wildcards.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Selector {
    pub match_labels: Vec<(String, String)>,
    pub match_expressions: Vec<Requirement>,
}

/// One `matchExpressions` entry.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Requirement {
    pub key: String,
    pub operator: String,
    pub values: Vec<String>,
}

/// Labels to select from.
pub(crate) trait Labels {
    fn get(&self, key: &str) -> Option<&str>;
    fn any(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool;
}

impl Labels for [(&str, &str)] {
    fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
    }
    fn any(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool {
        self.iter().any(|(k, v)| f(k, v))
    }
}

impl Labels for BTreeMap<String, String> {
    fn get(&self, key: &str) -> Option<&str> {
        BTreeMap::get(self, key).map(String::as_str)
    }
    fn any(&self, f: &mut dyn FnMut(&str, &str) -> bool) -> bool {
        self.iter().any(|(k, v)| f(k, v))
    }
}

impl Selector {
    /// Whether the labels satisfy the selector. An invalid requirement (unknown operator, `In`
    /// without values, `Exists` with values) matches nothing, as Kyverno's failed parse does.
    pub(crate) fn matches<L: Labels + ?Sized>(&self, labels: &L) -> bool {
        let labels_ok = self.match_labels.iter().all(|(k, v)| {
            if has_wildcard(k) || has_wildcard(v) {
                labels.any(&mut |lk, lv| wildcard(k, lk) && wildcard(v, lv))
            } else {
                labels.get(k) == Some(v.as_str())
            }
        });
        labels_ok
            && self.match_expressions.iter().all(|r| {
                let value = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" if !r.values.is_empty() => value.is_some_and(|v| r.values.iter().any(|x| x == v)),
                    "NotIn" if !r.values.is_empty() => !value.is_some_and(|v| r.values.iter().any(|x| x == v)),
                    "Exists" if r.values.is_empty() => value.is_some(),
                    "DoesNotExist" if r.values.is_empty() => value.is_none(),
                    _ => false,
                }
            })
    }
}

/// A `ResourceDescription`: every attribute given must match (AND); inside a list, any entry (OR).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResourceDescription {
    pub kinds: Vec<String>,
    pub name: String,
    pub names: Vec<String>,
    pub namespaces: Vec<String>,
    /// `None` when absent (autogen tells absent from empty).
    pub annotations: Option<Vec<(String, String)>>,
    pub selector: Option<Selector>,
    pub namespace_selector: Option<Selector>,
    pub operations: Vec<String>,
}

impl ResourceDescription {
    pub(crate) fn is_empty(&self) -> bool {
        self.kinds.is_empty()
            && self.name.is_empty()
            && self.names.is_empty()
            && self.namespaces.is_empty()
            && self.annotations.as_ref().is_none_or(Vec::is_empty)
            && self.selector.is_none()
            && self.namespace_selector.is_none()
            && self.operations.is_empty()
    }

    fn matches(&self, res: &Resource<'_>) -> bool {
        if !self.operations.is_empty() && !self.operations.iter().any(|o| o == "CREATE") {
            return false;
        }
        if !self.kinds.is_empty() && !self.kinds.iter().any(|k| res.kind_matches(k)) {
            return false;
        }
        if !self.name.is_empty() && !wildcard(&self.name, res.name) {
            return false;
        }
        if !self.names.is_empty() && !any_wildcard(&self.names, res.name) {
            return false;
        }
        if !self.namespaces.is_empty() {
            let ns = if res.kind == "Namespace" { res.name } else { res.namespace };
            if !any_wildcard(&self.namespaces, ns) {
                return false;
            }
        }
        if let Some(annotations) = self.annotations.as_ref().filter(|a| !a.is_empty()) {
            let all = annotations
                .iter()
                .all(|(k, v)| res.annotations.iter().any(|(rk, rv)| wildcard(k, rk) && wildcard(v, rv)));
            if !all {
                return false;
            }
        }
        if let Some(selector) = &self.selector {
            if !selector.matches(res.labels.as_slice()) {
                return false;
            }
        }
        if let Some(selector) = &self.namespace_selector {
            // Offline, the namespace's labels are known only when the caller gives them.
            let ok = res.kind != "Namespace" && res.namespace_labels.is_some_and(|labels| selector.matches(labels));
            if !ok {
                return false;
            }
        }
        true
    }
}

/// Whether a block selects a resource; `Unknown` when it depends on the requesting user, whom pss
/// does not know offline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tri {
    No,
    Unknown,
    Yes,
}

impl Tri {
    fn any(items: impl Iterator<Item = Tri>) -> Tri {
        items.fold(Tri::No, |acc, t| acc.max_by(t))
    }

    fn all(items: impl Iterator<Item = Tri>) -> Tri {
        items.fold(Tri::Yes, |acc, t| acc.min_by(t))
    }

    fn max_by(self, other: Tri) -> Tri {
        if self as u8 >= other as u8 {
            self
        } else {
            other
        }
    }

    fn min_by(self, other: Tri) -> Tri {
        if self as u8 <= other as u8 {
            self
        } else {
            other
        }
    }

    /// `match` and not `exclude`.
    pub(crate) fn and_not(self, exclude: Tri) -> Tri {
        self.min_by(match exclude {
            Tri::Yes => Tri::No,
            Tri::No => Tri::Yes,
            Tri::Unknown => Tri::Unknown,
        })
    }
}

/// One entry of `any`/`all`, or the direct form: resources plus user info.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ResourceFilter {
    pub resources: ResourceDescription,
    /// Whether `subjects`, `roles` or `clusterRoles` is given: there is no requesting user offline,
    /// so such a filter holds or not depending on who asks.
    pub user_info: bool,
}

impl ResourceFilter {
    fn matches(&self, res: &Resource<'_>) -> Tri {
        match (self.resources.is_empty(), self.user_info) {
            // An empty filter selects nothing.
            (true, false) => Tri::No,
            // Only user info: it depends on who asks.
            (true, true) => Tri::Unknown,
            (false, _) if !self.resources.matches(res) => Tri::No,
            (false, true) => Tri::Unknown,
            (false, false) => Tri::Yes,
        }
    }
}

/// A `match` or `exclude` block.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct MatchResources {
    pub any: Vec<ResourceFilter>,
    pub all: Vec<ResourceFilter>,
    pub direct: ResourceFilter,
}

impl MatchResources {
    /// Every kind named anywhere in the block (`GetKinds`).
    pub(crate) fn kinds(&self) -> impl Iterator<Item = &String> {
        self.direct.resources.kinds.iter().chain(self.all.iter().chain(&self.any).flat_map(|f| &f.resources.kinds))
    }

    /// Every resource description in the block.
    pub(crate) fn descriptions(&self) -> impl Iterator<Item = &ResourceDescription> {
        core::iter::once(&self.direct.resources).chain(self.any.iter().chain(&self.all).map(|f| &f.resources))
    }

    /// `match` (or `exclude`): any filter of `any`, every filter of `all`, else the direct form.
    pub(crate) fn selects(&self, res: &Resource<'_>) -> Tri {
        if !self.any.is_empty() {
            Tri::any(self.any.iter().map(|f| f.matches(res)))
        } else if !self.all.is_empty() {
            Tri::all(self.all.iter().map(|f| f.matches(res)))
        } else {
            self.direct.matches(res)
        }
    }

    /// A PolicyException's `match` (`any` or `all` only). Kyverno up to 1.12 took a block with
    /// neither for a match of everything; later releases for a match of nothing.
    pub(crate) fn selects_for_exception(&self, res: &Resource<'_>, empty_matches: bool) -> Tri {
        if !self.any.is_empty() {
            Tri::any(self.any.iter().map(|f| f.matches(res)))
        } else if !self.all.is_empty() {
            Tri::all(self.all.iter().map(|f| f.matches(res)))
        } else if empty_matches {
            Tri::Yes
        } else {
            Tri::No
        }
    }
}

/// What matching sees of the resource and its request (always a CREATE).
pub(crate) struct Resource<'r> {
    pub group: &'r str,
    pub version: &'r str,
    pub kind: &'r str,
    pub name: &'r str,
    pub namespace: &'r str,
    pub labels: Vec<(&'r str, &'r str)>,
    pub annotations: Vec<(&'r str, &'r str)>,
    pub namespace_labels: Option<&'r BTreeMap<String, String>>,
}

impl Resource<'_> {
    fn kind_matches(&self, selector: &str) -> bool {
        let sel = KindSelector::parse(selector);
        wildcard(sel.group, self.group)
            && wildcard(sel.version, self.version)
            && wildcard(sel.kind, self.kind)
            && wildcard(sel.subresource, "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(wildcard("*", ""));
        assert!(wildcard("", ""));
        assert!(!wildcard("", "a"));
        assert!(wildcard("nginx*", "nginx:1.2"));
        assert!(!wildcard("nginx*", "docker.io/library/nginx"));
        assert!(wildcard("*nginx*", "docker.io/library/nginx:1"));
        assert!(wildcard("ng?nx", "nginx"));
        assert!(!wildcard("ng?nx", "ngnx"));
        assert!(!wildcard("Nginx", "nginx"));
        assert!(wildcard("a*b*c", "aXbYbZc"));
        assert!(!wildcard("a*b*c", "aXbYbZ"));
        assert!(wildcard("?", "é"));
    }

    #[test]
    fn kind_selectors() {
        let p = |s| {
            let k = KindSelector::parse(s);
            (k.group, k.version, k.kind, k.subresource)
        };
        assert_eq!(p("Pod"), ("*", "*", "Pod", ""));
        assert_eq!(p("v1/Pod"), ("*", "v1", "Pod", ""));
        assert_eq!(p("apps/v1/Deployment"), ("apps", "v1", "Deployment", ""));
        assert_eq!(p("Pod/exec"), ("*", "*", "Pod", "exec"));
        assert_eq!(p("Pod.status"), ("*", "*", "Pod", "status"));
        assert_eq!(p("*/*"), ("*", "*", "*", "*"));
        assert_eq!(p("*/scale"), ("*", "*", "*", "scale"));
        assert_eq!(p("v1beta1/CronJob"), ("*", "v1beta1", "CronJob", ""));
        assert_eq!(p("v1/Pod/exec"), ("*", "v1", "Pod", "exec"));
        assert_eq!(p("apps/v1/Deployment/scale"), ("apps", "v1", "Deployment", "scale"));
    }

    #[test]
    fn selectors() {
        let labels: &[(&str, &str)] = &[("app", "web"), ("tier", "front")];
        let sel = |ml: &[(&str, &str)], ex: &[(&str, &str, &[&str])]| Selector {
            match_labels: ml.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect(),
            match_expressions: ex
                .iter()
                .map(|(k, o, v)| Requirement {
                    key: k.to_string(),
                    operator: o.to_string(),
                    values: v.iter().map(|s| s.to_string()).collect(),
                })
                .collect(),
        };
        assert!(sel(&[("app", "web")], &[]).matches(labels));
        assert!(sel(&[("a*", "w?b")], &[]).matches(labels));
        assert!(!sel(&[("app", "we*x")], &[]).matches(labels));
        assert!(sel(&[], &[("tier", "In", &["front", "back"])]).matches(labels));
        assert!(sel(&[], &[("env", "NotIn", &["prod"])]).matches(labels));
        assert!(!sel(&[], &[("env", "Exists", &[])]).matches(labels));
        assert!(sel(&[], &[("env", "DoesNotExist", &[])]).matches(labels));
        assert!(!sel(&[], &[("env", "Bogus", &[])]).matches(labels));
        assert!(sel(&[], &[]).matches(labels));
    }
}
