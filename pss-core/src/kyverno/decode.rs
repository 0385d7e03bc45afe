//! Decoding a `ClusterPolicy`/`Policy` document with the crate's JSON reader, then validating it as
//! Kyverno (and its CRD schema) would.

use std::borrow::Cow;

use super::error::PolicyError;
use super::matching::{MatchResources, Requirement, ResourceDescription, ResourceFilter, Selector};
use super::pod_security::{Control, Exclusion, PodSecurity, Scope};
use super::policy::{ActionOverride, Body, KyvernoPolicy, PolicyKind, Rule};
use super::version::KyvernoVersion;
use crate::error::Error;
use crate::field_error::{FieldError, FieldErrorKind};
use crate::json::pod::ObjectHeader;
use crate::json::reader::{PathStyle, Reader, Result};
use crate::level::Level;

/// The annotation choosing the pod controllers of auto-generated rules.
pub(crate) const AUTOGEN_ANNOTATION: &str = "pod-policies.kyverno.io/autogen-controllers";

#[derive(Default)]
struct RawSpec {
    rules: Vec<RawRule>,
    failure_action: Option<String>,
    overrides: Vec<ActionOverride>,
    /// `spec.failurePolicy` (absent: `Fail`).
    failure_policy: Option<String>,
    apply_one: bool,
}

#[derive(Default)]
struct RawRule {
    name: String,
    match_: MatchResources,
    exclude: Option<MatchResources>,
    /// `context`, `preconditions`, `celPreconditions` when set.
    conditions: Vec<&'static str>,
    mutate: bool,
    json6902: bool,
    generate: bool,
    verify_images: bool,
    validate: Option<RawValidate>,
}

#[derive(Default)]
struct RawValidate {
    set: bool,
    failure_action: Option<String>,
    overrides: Vec<ActionOverride>,
    /// The validation elements given, in Kyverno's order.
    elements: Vec<&'static str>,
    pod_security: Option<RawPodSecurity>,
}

#[derive(Default)]
struct RawPodSecurity {
    level: Option<String>,
    version: Option<String>,
    exclude: Vec<RawExclude>,
}

#[derive(Default)]
pub(super) struct RawExclude {
    pub control_name: String,
    pub images: Vec<String>,
    pub restricted_field: String,
    pub values: Vec<String>,
}

/// Reads one `exclude` (or PolicyException `podSecurity`) entry.
pub(super) fn raw_exclude(r: &mut Reader<'_>, key: &str, e: &mut RawExclude) -> Result<()> {
    match key {
        "controlName" => string(r).map(|v| e.control_name = v),
        "images" => strings(r).map(|v| e.images = v),
        "restrictedField" => string(r).map(|v| e.restricted_field = v),
        "values" => strings(r).map(|v| e.values = v),
        _ => r.skip(),
    }
}

pub(super) fn owned(s: Option<Cow<'_, str>>) -> Option<String> {
    s.map(Cow::into_owned)
}

pub(super) fn string(r: &mut Reader<'_>) -> Result<String> {
    Ok(owned(r.opt_str()?).unwrap_or_default())
}

pub(super) fn strings(r: &mut Reader<'_>) -> Result<Vec<String>> {
    let mut out = Vec::new();
    r.array(|r, _| {
        out.push(string(r)?);
        Ok(())
    })?;
    Ok(out)
}

/// A `map[string]string`; `None` for `null` or absent. The last of repeated keys wins, and the
/// entries are sorted by key: a Go map has no order, so policies that differ only in the order of
/// their keys are equal.
fn string_map(r: &mut Reader<'_>) -> Result<Option<Vec<(String, String)>>> {
    let mut out: Vec<(String, String)> = Vec::new();
    let present = r.object(
        |r, key| {
            let value = string(r)?;
            match out.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => out.push((key.into_owned(), value)),
            }
            Ok(())
        },
        PathStyle::Key,
    )?;
    out.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    Ok(present.then_some(out))
}

/// Whether a value is set: not `null`, and not an empty object, array or string (what Kyverno's
/// `DeepEqual(x, T{})` tests treat as absent).
pub(super) fn is_set(r: &mut Reader<'_>) -> Result<bool> {
    let raw = r.raw_value()?;
    let compact: String = raw.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    Ok(!matches!(compact.as_str(), "null" | "{}" | "[]" | "\"\""))
}

/// Whether a value is not `null` (a pointer field that Go decodes as set).
fn not_null(r: &mut Reader<'_>) -> Result<bool> {
    Ok(!r.null()? && {
        r.skip()?;
        true
    })
}

/// Reads an array of objects (`null`: none), each element into a default `T` by `field`, which is
/// given every key of the element (and skips those it does not know).
pub(super) fn objects<'a, T: Default>(
    r: &mut Reader<'a>,
    mut field: impl FnMut(&mut Reader<'a>, &str, &mut T) -> Result<()>,
) -> Result<Vec<T>> {
    let mut out = Vec::new();
    r.array(|r, _| {
        let mut item = T::default();
        r.object(|r, key| field(r, &key, &mut item), PathStyle::Field)?;
        out.push(item);
        Ok(())
    })?;
    Ok(out)
}

fn selector(r: &mut Reader<'_>) -> Result<Option<Selector>> {
    let mut sel = Selector::default();
    let present = r.object(
        |r, key| match key.as_ref() {
            "matchLabels" => {
                sel.match_labels = string_map(r)?.unwrap_or_default();
                Ok(())
            }
            "matchExpressions" => {
                sel.match_expressions = objects(r, |r, key, req: &mut Requirement| match key {
                    "key" => string(r).map(|v| req.key = v),
                    "operator" => string(r).map(|v| req.operator = v),
                    "values" => strings(r).map(|v| req.values = v),
                    _ => r.skip(),
                })?;
                Ok(())
            }
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(present.then_some(sel))
}

fn resource_description(r: &mut Reader<'_>, d: &mut ResourceDescription) -> Result<()> {
    r.object(
        |r, key| match key.as_ref() {
            "kinds" => strings(r).map(|v| d.kinds = v),
            "name" => string(r).map(|v| d.name = v),
            "names" => strings(r).map(|v| d.names = v),
            "namespaces" => strings(r).map(|v| d.namespaces = v),
            "annotations" => string_map(r).map(|v| d.annotations = v),
            "selector" => selector(r).map(|v| d.selector = v),
            "namespaceSelector" => selector(r).map(|v| d.namespace_selector = v),
            "operations" => strings(r).map(|v| d.operations = v),
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(())
}

/// `subjects`, `roles`, `clusterRoles`: only whether any is given matters offline.
fn user_info_key(key: &str) -> bool {
    matches!(key, "subjects" | "roles" | "clusterRoles")
}

fn filters(r: &mut Reader<'_>) -> Result<Vec<ResourceFilter>> {
    objects(r, |r, key, f: &mut ResourceFilter| match key {
        "resources" => resource_description(r, &mut f.resources),
        k if user_info_key(k) => {
            f.user_info |= is_set(r)?;
            Ok(())
        }
        _ => r.skip(),
    })
}

pub(super) fn match_resources(r: &mut Reader<'_>) -> Result<Option<MatchResources>> {
    let mut m = MatchResources::default();
    let present = r.object(
        |r, key| match key.as_ref() {
            "any" => filters(r).map(|v| m.any = v),
            "all" => filters(r).map(|v| m.all = v),
            "resources" => resource_description(r, &mut m.direct.resources),
            k if user_info_key(k) => {
                m.direct.user_info |= is_set(r)?;
                Ok(())
            }
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(present.then_some(m))
}

fn overrides(r: &mut Reader<'_>) -> Result<Vec<ActionOverride>> {
    objects(r, |r, key, o: &mut ActionOverride| match key {
        "action" => string(r).map(|v| o.action = v),
        "namespaces" => {
            o.namespaces = if r.null()? { None } else { Some(strings(r)?) };
            Ok(())
        }
        "namespaceSelector" => selector(r).map(|v| o.namespace_selector = v),
        _ => r.skip(),
    })
}

fn pod_security(r: &mut Reader<'_>) -> Result<Option<RawPodSecurity>> {
    let mut ps = RawPodSecurity::default();
    let present = r.object(
        |r, key| match key.as_ref() {
            "level" => owned(r.opt_str()?).map_or(Ok(()), |v| {
                ps.level = Some(v);
                Ok(())
            }),
            "version" => owned(r.opt_str()?).map_or(Ok(()), |v| {
                ps.version = Some(v);
                Ok(())
            }),
            "exclude" => {
                ps.exclude = objects(r, raw_exclude)?;
                Ok(())
            }
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(present.then_some(ps))
}

fn validate(r: &mut Reader<'_>) -> Result<RawValidate> {
    let mut v = RawValidate::default();
    let mut keys = 0;
    r.object(
        |r, key| {
            keys += 1;
            let element = match key.as_ref() {
                "pattern" => Some("pattern"),
                "anyPattern" => Some("anyPattern"),
                "deny" => Some("deny"),
                "foreach" => Some("foreach"),
                "cel" => Some("cel"),
                "manifests" => Some("manifests"),
                _ => None,
            };
            if let Some(name) = element {
                if not_null(r)? && !v.elements.contains(&name) {
                    v.elements.push(name);
                }
                return Ok(());
            }
            match key.as_ref() {
                "failureAction" => {
                    v.failure_action = owned(r.opt_str()?);
                    Ok(())
                }
                "failureActionOverrides" => overrides(r).map(|o| v.overrides = o),
                "podSecurity" => {
                    v.pod_security = pod_security(r)?;
                    Ok(())
                }
                _ => r.skip(),
            }
        },
        PathStyle::Field,
    )?;
    v.set = keys > 0;
    if v.pod_security.is_some() {
        v.elements.push("podSecurity");
    }
    Ok(v)
}

fn mutate(r: &mut Reader<'_>, rule: &mut RawRule) -> Result<()> {
    let mut keys = 0;
    let mut json6902 = false;
    r.object(
        |r, key| {
            keys += 1;
            match key.as_ref() {
                "patchesJson6902" => {
                    json6902 |= !string(r)?.is_empty();
                    Ok(())
                }
                "foreach" => {
                    r.array(|r, _| {
                        r.object(
                            |r, key| match key.as_ref() {
                                "patchesJson6902" => {
                                    json6902 |= !string(r)?.is_empty();
                                    Ok(())
                                }
                                _ => r.skip(),
                            },
                            PathStyle::Field,
                        )?;
                        Ok(())
                    })?;
                    Ok(())
                }
                _ => r.skip(),
            }
        },
        PathStyle::Field,
    )?;
    rule.mutate = keys > 0;
    rule.json6902 = json6902;
    Ok(())
}

fn rule(r: &mut Reader<'_>) -> Result<RawRule> {
    let mut rule = RawRule::default();
    r.object(
        |r, key| match key.as_ref() {
            "name" => string(r).map(|v| rule.name = v),
            "match" => match_resources(r).map(|m| rule.match_ = m.unwrap_or_default()),
            "exclude" => match_resources(r).map(|m| rule.exclude = m),
            "context" | "preconditions" | "celPreconditions" => {
                let name = match key.as_ref() {
                    "context" => "context",
                    "preconditions" => "preconditions",
                    _ => "celPreconditions",
                };
                if is_set(r)? && !rule.conditions.contains(&name) {
                    rule.conditions.push(name);
                }
                Ok(())
            }
            "mutate" => mutate(r, &mut rule),
            "generate" => is_set(r).map(|s| rule.generate = s),
            "verifyImages" => is_set(r).map(|s| rule.verify_images = s),
            "validate" => validate(r).map(|v| rule.validate = Some(v)),
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(rule)
}

fn spec(r: &mut Reader<'_>, spec: &mut RawSpec) -> Result<()> {
    r.object(
        |r, key| match key.as_ref() {
            "rules" => {
                spec.rules.clear();
                r.array(|r, _| {
                    spec.rules.push(rule(r)?);
                    Ok(())
                })?;
                Ok(())
            }
            "validationFailureAction" => {
                spec.failure_action = owned(r.opt_str()?);
                Ok(())
            }
            "validationFailureActionOverrides" => overrides(r).map(|o| spec.overrides = o),
            "applyRules" => string(r).map(|v| spec.apply_one = v == "One"),
            "failurePolicy" => {
                spec.failure_policy = owned(r.opt_str()?);
                Ok(())
            }
            _ => r.skip(),
        },
        PathStyle::Field,
    )?;
    Ok(())
}

/// Which policy kind a document is, from its `apiVersion` and `kind`.
pub(crate) fn policy_kind(api_version: Option<&str>, kind: Option<&str>) -> Option<PolicyKind> {
    let group = api_version?.rsplit_once('/').map(|(g, _)| g)?;
    if group != "kyverno.io" {
        return None;
    }
    match kind? {
        "ClusterPolicy" => Some(PolicyKind::ClusterPolicy),
        "Policy" => Some(PolicyKind::Policy),
        _ => None,
    }
}

pub(crate) fn decode(text: &str, version: KyvernoVersion) -> core::result::Result<KyvernoPolicy, PolicyError> {
    let header = ObjectHeader::from_str(text)?;
    let Some(kind) = policy_kind(header.api_version(), header.kind()) else {
        return Err(PolicyError::UnsupportedKind {
            api_version: header.api_version().unwrap_or("").to_owned(),
            kind: header.kind().unwrap_or("").to_owned(),
        });
    };
    let mut raw = RawSpec::default();
    let mut r = Reader::new(text);
    r.object(|r, key| if key == "spec" { spec(r, &mut raw) } else { r.skip() }, PathStyle::Field)
        .map_err(Error::finish)?;
    let name = header.name().unwrap_or("").to_owned();
    let rules = validate_rules(&name, raw.rules, version)?;
    let autogen = header.annotations().find(|(k, _)| *k == AUTOGEN_ANNOTATION).map(|(_, v)| v.to_owned());
    Ok(KyvernoPolicy::new(
        version,
        kind,
        name,
        header.namespace().map(str::to_owned),
        raw.failure_action,
        raw.overrides,
        raw.failure_policy.as_deref().is_none_or(|p| p == "Fail"),
        raw.apply_one,
        rules,
        autogen.as_deref(),
    ))
}

const LEVELS: [&str; 3] = ["privileged", "baseline", "restricted"];

fn validate_rules(
    policy: &str,
    raw: Vec<RawRule>,
    version: KyvernoVersion,
) -> core::result::Result<Vec<Rule>, PolicyError> {
    let mut errors = Vec::new();
    let mut rules = Vec::with_capacity(raw.len());
    for (i, r) in raw.into_iter().enumerate() {
        let path = format!("spec.rules[{i}]");
        if r.name.is_empty() {
            errors.push(FieldError::required(format!("{path}.name")));
        }
        let validate_set = r.validate.as_ref().is_some_and(|v| v.set);
        let types = [r.mutate, validate_set, r.generate, r.verify_images].iter().filter(|&&t| t).count();
        if types == 0 {
            errors.push(FieldError::new(FieldErrorKind::Invalid,
                &path,
                None,
                format!(
                    "No operation defined in the rule '{}'.(supported operations: mutate,validate,generate,verifyImages)",
                    r.name
                ),
            ));
        } else if types > 1 {
            errors.push(FieldError::new(FieldErrorKind::Invalid,
                &path,
                None,
                format!(
                    "Multiple operations defined in the rule '{}', only one operation (mutate,validate,generate,verifyImages) is allowed per rule",
                    r.name
                ),
            ));
        }
        for (block, m) in [("match", Some(&r.match_)), ("exclude", r.exclude.as_ref())] {
            if m.is_some_and(|m| !m.any.is_empty() && !m.all.is_empty()) {
                errors.push(FieldError::new(
                    FieldErrorKind::Invalid,
                    format!("{path}.{block}"),
                    None,
                    "Can't specify any and all together",
                ));
            }
        }
        let mut failure_action = None;
        let mut failure_action_overrides = Vec::new();
        let body = if r.mutate {
            Body::unsupported_never_denying("a mutate rule")
        } else if r.generate {
            Body::unsupported_never_denying("a generate rule")
        } else if r.verify_images {
            Body::unsupported("a verifyImages rule")
        } else if let Some(v) = r.validate.filter(|v| v.set) {
            // `validate.failureAction` and its overrides came with Kyverno 1.13: unknown fields before.
            if version.has_rule_failure_action() {
                failure_action = v.failure_action;
                failure_action_overrides = v.overrides;
            }
            match v.elements.as_slice() {
                [] => {
                    errors.push(FieldError::new(
                        FieldErrorKind::Invalid,
                        format!("{path}.validate"),
                        None,
                        "one of pattern, anyPattern, deny, foreach, cel must be specified",
                    ));
                    Body::unsupported("an invalid validate rule")
                }
                [_, _, ..] => {
                    errors.push(FieldError::new(
                        FieldErrorKind::Invalid,
                        format!("{path}.validate"),
                        None,
                        "only one of pattern, anyPattern, deny, foreach, cel can be specified",
                    ));
                    Body::unsupported("an invalid validate rule")
                }
                ["podSecurity"] => match v.pod_security {
                    Some(ps) => match validate_pod_security(&path, ps, version, &mut errors) {
                        Some(ps) if r.conditions.is_empty() => Body::PodSecurity(ps),
                        Some(_) => {
                            Body::unsupported(format!("a validate.podSecurity rule with {}", r.conditions.join(", ")))
                        }
                        None => Body::unsupported("an invalid validate.podSecurity rule"),
                    },
                    None => Body::unsupported("an invalid validate.podSecurity rule"),
                },
                [other] => Body::unsupported(format!("a validate.{other} rule")),
            }
        } else {
            Body::unsupported("a rule without an operation")
        };
        rules.push(Rule {
            name: r.name,
            match_: r.match_,
            exclude: r.exclude,
            body,
            failure_action,
            failure_action_overrides,
            blocks_autogen: r.generate || r.json6902,
            generated: false,
        });
    }
    if errors.is_empty() {
        Ok(rules)
    } else {
        Err(PolicyError::Invalid { name: policy.to_owned(), errors })
    }
}

fn validate_pod_security(
    rule_path: &str,
    ps: RawPodSecurity,
    version: KyvernoVersion,
    errors: &mut Vec<FieldError>,
) -> Option<PodSecurity> {
    let before = errors.len();
    // The CRD schema's checks (under `validate`), then Kyverno's own (whose paths leave it out).
    let level = match ps.level.as_deref() {
        None | Some("") => {
            errors.push(FieldError::required(format!("{rule_path}.validate.podSecurity.level")));
            None
        }
        Some(text) => match Level::parse(text) {
            Ok(level) => Some(level),
            Err(_) => {
                errors.push(FieldError::not_supported(
                    format!("{rule_path}.validate.podSecurity.level"),
                    text,
                    &LEVELS,
                ));
                None
            }
        },
    };
    let mut exclude = Vec::with_capacity(ps.exclude.len());
    let mut intended = Vec::with_capacity(ps.exclude.len());
    for (j, e) in ps.exclude.into_iter().enumerate() {
        let crd_path = format!("{rule_path}.validate.podSecurity.exclude[{j}]");
        let path = format!("{rule_path}.podSecurity.exclude[{j}]");
        let control = Control::parse(&e.control_name);
        let restricted = control.is_some_and(Control::restricted_only);
        let control_name = e.control_name.clone();
        if let Some((entry, written)) = validate_exclude(&crd_path, &path, e, version, errors) {
            exclude.push(entry);
            intended.push(written);
        }
        if ps.level.as_deref() == Some("baseline") && restricted {
            errors.push(FieldError::new(
                FieldErrorKind::Invalid,
                format!("{path}.controlName"),
                Some(&control_name),
                "Invalid control name defined at the given level",
            ));
        }
    }
    let level = level?;
    (errors.len() == before).then(|| PodSecurity {
        level,
        level_text: ps.level.unwrap_or_default(),
        version_text: ps.version.unwrap_or_default(),
        exclude,
        intended,
    })
}

/// Validates one exclude entry as `version` does (`PodSecurityStandard.Validate` and the CRD's
/// enum): `crd_path` is where the CRD's errors point, `path` where Kyverno's own do. Gives the entry
/// as the release reads it and as written: release 1.11 has no `restrictedField` and `values`, and
/// drops them.
pub(super) fn validate_exclude(
    crd_path: &str,
    path: &str,
    e: RawExclude,
    version: KyvernoVersion,
    errors: &mut Vec<FieldError>,
) -> Option<(Exclusion, Exclusion)> {
    let control = Control::parse(&e.control_name);
    if control.is_none() {
        let names: Vec<&str> = Control::ALL.iter().map(|c| c.name()).collect();
        errors.push(FieldError::not_supported(format!("{crd_path}.controlName"), &e.control_name, &names));
    }
    match control.map(|c| c.scope_in(version)) {
        Some(Scope::Container) if e.images.is_empty() => errors.push(FieldError::new(
            FieldErrorKind::Invalid,
            format!("{path}.controlName"),
            Some(&e.control_name),
            "exclude.images must be specified for the container level control",
        )),
        Some(Scope::Pod) if !e.images.is_empty() => errors.push(FieldError::new(
            FieldErrorKind::Invalid,
            format!("{path}.controlName"),
            Some(&e.control_name),
            "exclude.images must not be specified for the pod level control",
        )),
        _ => {}
    }
    let written =
        Exclusion { control: control?, images: e.images, restricted_field: e.restricted_field, values: e.values };
    if !version.validates_restricted_field() {
        let read = Exclusion { restricted_field: String::new(), values: Vec::new(), ..written.clone() };
        return Some((read, written));
    }
    if !written.restricted_field.is_empty() && written.values.is_empty() {
        errors.push(FieldError::forbidden(format!("{path}.values"), "values is required"));
    }
    if written.restricted_field.is_empty() && !written.values.is_empty() {
        errors.push(FieldError::forbidden(format!("{path}.restrictedField"), "restrictedField is required"));
    }
    Some((written.clone(), written))
}

/// A `validate.podSecurity` block alone, read as Kyverno's evaluator reads it (`json.Unmarshal`
/// into `PodSecurity`): no policy validation; an unknown control name excludes nothing.
pub(crate) fn unvalidated_pod_security(
    text: &str,
    version: KyvernoVersion,
) -> core::result::Result<PodSecurity, PolicyError> {
    let mut r = Reader::new(text);
    let raw = pod_security(&mut r).map_err(Error::finish)?.unwrap_or_default();
    let level_text = raw.level.unwrap_or_default();
    let level = Level::parse(&level_text).map_err(|_| PolicyError::Invalid {
        name: String::new(),
        errors: vec![FieldError::not_supported("level", &level_text, &LEVELS)],
    })?;
    let mut exclude = Vec::new();
    let mut intended = Vec::new();
    for e in raw.exclude {
        let Some(control) = Control::parse(&e.control_name) else { continue };
        let written = Exclusion { control, images: e.images, restricted_field: e.restricted_field, values: e.values };
        let read = if version.validates_restricted_field() {
            written.clone()
        } else {
            Exclusion { restricted_field: String::new(), values: Vec::new(), ..written.clone() }
        };
        exclude.push(read);
        intended.push(written);
    }
    Ok(PodSecurity { level, level_text, version_text: raw.version.unwrap_or_default(), exclude, intended })
}
