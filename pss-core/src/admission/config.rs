//! The `PodSecurityConfiguration` file: defaults and exemptions, decoded strictly and validated as
//! upstream does (`admission/api`, `admission/api/validation`).

use core::fmt;
use std::borrow::Cow;

use super::policy::Policy;
use crate::error::{Error, ErrorKind};
use crate::field_error::{aggregate, FieldError};
use crate::json::pod::utf8;
use crate::json::reader::{PathStyle, Reader, Result as ReadResult};
use crate::level::{Level, LevelVersion, Version};

const GROUP: &str = "pod-security.admission.config.k8s.io";
const VERSIONS: [&str; 3] = ["v1", "v1beta1", "v1alpha1"];

/// Who and what is exempt from PodSecurity admission.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Exemptions {
    /// Requesting users (authenticated user names) that are exempt.
    pub usernames: Vec<String>,
    /// Namespaces that are exempt.
    pub namespaces: Vec<String>,
    /// Runtime class names that are exempt.
    pub runtime_classes: Vec<String>,
}

/// A validated `PodSecurityConfiguration`: the default policy for namespaces without labels, and
/// the exemptions.
///
/// ```
/// use pss_core::Level;
/// use pss_core::admission::AdmissionConfig;
///
/// let config = AdmissionConfig::from_json_str(r#"{
///   "apiVersion": "pod-security.admission.config.k8s.io/v1", "kind": "PodSecurityConfiguration",
///   "defaults": {"enforce": "baseline", "warn": "restricted"},
///   "exemptions": {"namespaces": ["kube-system"]}
/// }"#)?;
/// assert_eq!(config.defaults().enforce.level, Level::Baseline);
/// assert_eq!(config.defaults().audit.level, Level::Privileged); // unset: privileged:latest
/// assert_eq!(config.exemptions().namespaces, ["kube-system"]);
///
/// let err = AdmissionConfig::from_json_str(r#"{"apiVersion": "pod-security.admission.config.k8s.io/v1",
///   "kind": "PodSecurityConfiguration", "defaults": {"enforce": "strict"}}"#).unwrap_err();
/// assert_eq!(err.to_string(), r#"defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted"#);
/// # Ok::<(), pss_core::admission::ConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdmissionConfig {
    defaults: Policy,
    exemptions: Exemptions,
}

impl Default for AdmissionConfig {
    /// What upstream uses without a file: `privileged:latest` everywhere, no exemptions.
    fn default() -> Self {
        AdmissionConfig { defaults: Policy::PRIVILEGED, exemptions: Exemptions::default() }
    }
}

/// Why a configuration was rejected.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ConfigError {
    /// The document could not be decoded (malformed JSON, wrong kind, unknown or duplicate field).
    Decode(Error),
    /// It decoded, but values are invalid (upstream's validation errors, in its order).
    Invalid(Vec<FieldError>),
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Decode(e) => write!(f, "{e}"),
            ConfigError::Invalid(errs) => f.write_str(&aggregate(errs)),
        }
    }
}

impl std::error::Error for ConfigError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ConfigError::Decode(e) => Some(e),
            ConfigError::Invalid(_) => None,
        }
    }
}

impl From<Error> for ConfigError {
    fn from(e: Error) -> Self {
        ConfigError::Decode(e)
    }
}

/// The configuration as written, before defaulting.
#[derive(Default)]
struct Raw<'a> {
    api_version: Option<Cow<'a, str>>,
    kind: Option<Cow<'a, str>>,
    /// enforce, enforce-version, audit, audit-version, warn, warn-version.
    defaults: [Cow<'a, str>; 6],
    /// usernames, namespaces, runtimeClasses.
    exemptions: [Vec<Cow<'a, str>>; 3],
}

const DEFAULT_FIELDS: [&str; 6] = ["enforce", "enforce-version", "audit", "audit-version", "warn", "warn-version"];
const EXEMPTION_FIELDS: [&str; 3] = ["usernames", "namespaces", "runtimeClasses"];

/// Reads an object strictly: `field` returns `false` for keys it does not know; repeated keys are errors.
fn strict_object<'a>(
    r: &mut Reader<'a>,
    known: &[&str],
    mut field: impl FnMut(&mut Reader<'a>, usize) -> ReadResult<()>,
) -> ReadResult<()> {
    let mut seen = vec![false; known.len()];
    r.object(
        |r, key| {
            r.peek();
            let at = r.offset();
            let Some(i) = known.iter().position(|k| *k == key) else {
                return Err(r.error_at(at, ErrorKind::UnknownField, "unknown field"));
            };
            if std::mem::replace(&mut seen[i], true) {
                return Err(r.error_at(at, ErrorKind::DuplicateField, "duplicate field"));
            }
            field(r, i)
        },
        PathStyle::Field,
    )?;
    Ok(())
}

fn string_into<'a>(r: &mut Reader<'a>, s: &mut Cow<'a, str>) -> ReadResult<()> {
    if let Some(v) = r.opt_str()? {
        *s = v;
    }
    Ok(())
}

fn strings_into<'a>(r: &mut Reader<'a>, list: &mut Vec<Cow<'a, str>>) -> ReadResult<()> {
    list.clear();
    r.array(|r, _| {
        list.push(r.opt_str()?.unwrap_or(Cow::Borrowed("")));
        Ok(())
    })?;
    Ok(())
}

impl<'a> Raw<'a> {
    fn decode(r: &mut Reader<'a>) -> ReadResult<Raw<'a>> {
        if r.peek() != Some(b'{') {
            return Err(r.not_an_object());
        }
        let mut raw = Raw::default();
        strict_object(r, &["apiVersion", "kind", "defaults", "exemptions"], |r, i| match i {
            0 => {
                raw.api_version = r.opt_str()?;
                Ok(())
            }
            1 => {
                raw.kind = r.opt_str()?;
                Ok(())
            }
            2 => strict_object(r, &DEFAULT_FIELDS, |r, j| string_into(r, &mut raw.defaults[j])),
            _ => strict_object(r, &EXEMPTION_FIELDS, |r, j| strings_into(r, &mut raw.exemptions[j])),
        })?;
        Ok(raw)
    }
}

impl AdmissionConfig {
    /// Builds a configuration from a default policy and exemptions, validating the exemptions as
    /// upstream does.
    ///
    /// # Errors
    /// [`ConfigError::Invalid`] for invalid or duplicate exemptions.
    pub fn new(defaults: Policy, exemptions: Exemptions) -> Result<Self, ConfigError> {
        let errs = validate_exemptions(&exemptions);
        if !errs.is_empty() {
            return Err(ConfigError::Invalid(errs));
        }
        Ok(AdmissionConfig { defaults, exemptions })
    }

    /// Reads a `PodSecurityConfiguration` (`pod-security.admission.config.k8s.io/v1`, `v1beta1` or
    /// `v1alpha1`) from JSON, or the `PodSecurity` plugin's configuration inside an API server
    /// `AdmissionConfiguration`. Decoding is strict, as upstream's: unknown and repeated fields are
    /// errors. Unset defaults become `privileged` and `latest`; then everything is validated.
    ///
    /// # Errors
    /// [`ConfigError::Decode`] or [`ConfigError::Invalid`] with upstream's messages.
    pub fn from_json_str(text: &str) -> Result<Self, ConfigError> {
        let header = crate::ObjectHeader::from_str(text)?;
        if header.kind() == Some("AdmissionConfiguration") {
            return Self::from_admission_configuration(text);
        }
        let mut r = Reader::new(text);
        let raw = Raw::decode(&mut r).and_then(|raw| r.end().map(|()| raw)).map_err(Error::finish)?;
        let group_version = raw.api_version.as_deref().unwrap_or("");
        let known = group_version.split_once('/').is_some_and(|(g, v)| g == GROUP && VERSIONS.contains(&v));
        if !known || raw.kind.as_deref() != Some("PodSecurityConfiguration") {
            return Err(ConfigError::Decode(Error::new(
                ErrorKind::UnexpectedKind,
                format!(
                    "expected kind PodSecurityConfiguration in apiVersion {GROUP}/v1, v1beta1 or v1alpha1, found kind {:?} in apiVersion {:?}",
                    raw.kind.as_deref().unwrap_or(""),
                    group_version
                ),
            )));
        }
        Self::from_raw(&raw)
    }

    /// Reads the configuration from JSON bytes, which must be UTF-8.
    ///
    /// # Errors
    /// As [`AdmissionConfig::from_json_str`], and invalid UTF-8.
    pub fn from_json_slice(bytes: &[u8]) -> Result<Self, ConfigError> {
        Self::from_json_str(utf8(bytes)?)
    }

    fn from_admission_configuration(text: &str) -> Result<Self, ConfigError> {
        let mut r = Reader::new(text);
        let mut found: Option<&str> = None;
        r.object(
            |r, key| {
                if key != "plugins" {
                    return r.skip();
                }
                r.array(|r, _| {
                    let mut name = Cow::Borrowed("");
                    let mut configuration = None;
                    r.object(
                        |r, key| match key.as_ref() {
                            "name" => string_into(r, &mut name),
                            "configuration" => {
                                configuration = Some(r.raw_value()?);
                                Ok(())
                            }
                            _ => r.skip(),
                        },
                        PathStyle::Field,
                    )?;
                    if name == "PodSecurity" {
                        found = configuration.or(Some("null"));
                    }
                    Ok(())
                })?;
                Ok(())
            },
            PathStyle::Field,
        )
        .map_err(Error::finish)?;
        match found {
            None => Err(ConfigError::Decode(Error::new(
                ErrorKind::UnexpectedKind,
                "the AdmissionConfiguration has no plugin named \"PodSecurity\"",
            ))),
            Some("null") => Err(ConfigError::Decode(Error::new(
                ErrorKind::UnexpectedKind,
                "the PodSecurity plugin has no inline configuration (a `path` to another file is not read)",
            ))),
            Some(inner) => Self::from_json_str(inner),
        }
    }

    fn from_raw(raw: &Raw<'_>) -> Result<Self, ConfigError> {
        // Defaulting (SetDefaults_PodSecurityDefaults), then validation in upstream's order:
        // enforce, enforce-version, warn, warn-version, audit, audit-version.
        let values: [&str; 6] = core::array::from_fn(|i| raw.defaults[i].as_ref());
        let (defaults, mut errs) = resolve_defaults(values);
        let exemptions = Exemptions {
            usernames: raw.exemptions[0].iter().map(|s| s.to_string()).collect(),
            namespaces: raw.exemptions[1].iter().map(|s| s.to_string()).collect(),
            runtime_classes: raw.exemptions[2].iter().map(|s| s.to_string()).collect(),
        };
        errs.extend(validate_exemptions(&exemptions));
        if !errs.is_empty() {
            return Err(ConfigError::Invalid(errs));
        }
        Ok(AdmissionConfig { defaults, exemptions })
    }

    /// The policy for namespaces without PodSecurity labels.
    pub fn defaults(&self) -> Policy {
        self.defaults
    }

    /// The exemptions.
    pub fn exemptions(&self) -> &Exemptions {
        &self.exemptions
    }

    pub(crate) fn exempt_namespace(&self, namespace: &str) -> bool {
        !namespace.is_empty() && self.exemptions.namespaces.iter().any(|n| n == namespace)
    }

    pub(crate) fn exempt_user(&self, user: &str) -> bool {
        !user.is_empty() && self.exemptions.usernames.iter().any(|u| u == user)
    }

    pub(crate) fn exempt_runtime_class(&self, class: Option<&str>) -> bool {
        class.is_some_and(|c| !c.is_empty() && self.exemptions.runtime_classes.iter().any(|r| r == c))
    }
}

/// A `PodSecurityConfiguration`'s `defaults` as written: each mode's level and version, where
/// unset (or empty) means `privileged` and `latest` (upstream's `SetDefaults_PodSecurityDefaults`).
///
/// ```
/// use pss_core::admission::PolicyDefaults;
///
/// let defaults = PolicyDefaults { enforce: Some("baseline".into()), ..Default::default() };
/// assert_eq!(defaults.resolve().unwrap().enforce.to_string(), "baseline:latest");
/// let bad = PolicyDefaults { warn: Some("strict".into()), ..Default::default() };
/// assert_eq!(
///     bad.resolve().unwrap_err()[0].to_string(),
///     r#"defaults.warn: Invalid value: "strict": must be one of privileged, baseline, restricted"#
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct PolicyDefaults {
    /// `enforce`: the enforce mode's level.
    pub enforce: Option<String>,
    /// `enforce-version`.
    pub enforce_version: Option<String>,
    /// `audit`: the audit mode's level.
    pub audit: Option<String>,
    /// `audit-version`.
    pub audit_version: Option<String>,
    /// `warn`: the warn mode's level.
    pub warn: Option<String>,
    /// `warn-version`.
    pub warn_version: Option<String>,
}

impl PolicyDefaults {
    /// The policy the defaults stand for, or upstream's validation errors
    /// (`defaults.enforce: Invalid value: ...`), in upstream's order.
    ///
    /// # Errors
    /// A level or version upstream does not accept.
    pub fn resolve(&self) -> Result<Policy, Vec<FieldError>> {
        fn value(v: &Option<String>) -> &str {
            v.as_deref().unwrap_or("")
        }
        let values = [
            value(&self.enforce),
            value(&self.enforce_version),
            value(&self.audit),
            value(&self.audit_version),
            value(&self.warn),
            value(&self.warn_version),
        ];
        match resolve_defaults(values) {
            (policy, errs) if errs.is_empty() => Ok(policy),
            (_, errs) => Err(errs),
        }
    }
}

/// Defaulting (`SetDefaults_PodSecurityDefaults`), then validation in upstream's order: enforce,
/// enforce-version, warn, warn-version, audit, audit-version. `values` in [`DEFAULT_FIELDS`] order.
fn resolve_defaults(values: [&str; 6]) -> (Policy, Vec<FieldError>) {
    let mut errs = Vec::new();
    let level = |i: usize, errs: &mut Vec<FieldError>| {
        let v = if values[i].is_empty() { "privileged" } else { values[i] };
        Level::parse(v).unwrap_or_else(|_| {
            errs.push(FieldError::invalid(format!("defaults.{}", DEFAULT_FIELDS[i]), v, crate::LEVEL_ACCEPTED));
            Level::Privileged
        })
    };
    let version = |i: usize, errs: &mut Vec<FieldError>| {
        let v = if values[i].is_empty() { "latest" } else { values[i] };
        Version::parse(v).unwrap_or_else(|_| {
            errs.push(FieldError::invalid(format!("defaults.{}", DEFAULT_FIELDS[i]), v, crate::VERSION_ACCEPTED));
            Version::LATEST
        })
    };
    let enforce_level = level(0, &mut errs);
    let enforce_version = version(1, &mut errs);
    let warn_level = level(4, &mut errs);
    let warn_version = version(5, &mut errs);
    let audit_level = level(2, &mut errs);
    let audit_version = version(3, &mut errs);
    let policy = Policy {
        enforce: LevelVersion::new(enforce_level, enforce_version),
        audit: LevelVersion::new(audit_level, audit_version),
        warn: LevelVersion::new(warn_level, warn_version),
    };
    (policy, errs)
}

/// Namespaces (DNS-1123 labels), runtime classes (DNS-1123 subdomains) and usernames (non-empty),
/// each without duplicates, in upstream's order and words.
fn validate_exemptions(e: &Exemptions) -> Vec<FieldError> {
    let mut errs = Vec::new();
    let mut check = |field: &str, items: &[String], validate: &dyn Fn(&str) -> Vec<String>| {
        let mut valid: Vec<&str> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            let path = format!("exemptions.{field}[{i}]");
            let problems = validate(item);
            if !problems.is_empty() {
                errs.push(FieldError::invalid(path, item, problems.join(", ")));
            } else if valid.contains(&item.as_str()) {
                errs.push(FieldError::duplicate(path, item));
            } else {
                valid.push(item);
            }
        }
    };
    check("namespaces", &e.namespaces, &dns1123_label);
    check("runtimeClasses", &e.runtime_classes, &dns1123_subdomain);
    check("usernames", &e.usernames, &|u| {
        if u.is_empty() {
            vec!["username must not be empty".to_owned()]
        } else {
            Vec::new()
        }
    });
    errs
}

const LABEL_MSG: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG: &str = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`
fn is_label(s: &str) -> bool {
    let b = s.as_bytes();
    let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
    !b.is_empty() && alnum(&b[0]) && alnum(&b[b.len() - 1]) && b.iter().all(|c| alnum(c) || *c == b'-')
}

fn is_subdomain(s: &str) -> bool {
    s.split('.').all(is_label)
}

/// apimachinery's `IsDNS1123Label`.
fn dns1123_label(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 63 {
        errs.push("must be no more than 63 characters".to_owned());
    }
    if !is_label(s) {
        errs.push(if is_subdomain(s) { "must not contain dots".to_owned() } else { LABEL_MSG.to_owned() });
    }
    errs
}

/// apimachinery's `IsDNS1123Subdomain`.
fn dns1123_subdomain(s: &str) -> Vec<String> {
    let mut errs = Vec::new();
    if s.len() > 253 {
        errs.push("must be no more than 253 characters".to_owned());
    }
    if !is_subdomain(s) {
        errs.push(SUBDOMAIN_MSG.to_owned());
    }
    errs
}
