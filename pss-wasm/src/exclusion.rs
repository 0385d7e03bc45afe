//! Kyverno-style exclusions (`options.exclusions`): `Exclusion`, validated as Kyverno validates a
//! `validate.podSecurity.exclude` entry.

use tsify::Tsify;
use wasm_bindgen::prelude::*;

use crate::error::{ErrorKind, FieldError, PssError};

/// One exclusion, as a Kyverno `validate.podSecurity.exclude` entry writes it. It removes the
/// offending fields it covers from the result; a violation whose fields are all covered is dropped,
/// one partly covered keeps its other fields (and upstream's detail).
///
/// ```js
/// evaluate(deployment, {
///   level: "baseline",
///   exclusions: [
///     { controlName: "Capabilities", images: ["nginx*"],
///       restrictedField: "spec.containers[*].securityContext.capabilities.add", values: ["NET_ADMIN"] },
///     { controlName: "Host Namespaces" }, // pod-level control: no images
///   ],
/// });
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Tsify)]
#[serde(rename_all = "camelCase")]
pub struct Exclusion {
    /// Kyverno's control name: `"Capabilities"`, `"Host Namespaces"`, `"Privileged Containers"`,
    /// `"Running as Non-root"`, ... (an unknown name is an error listing them all).
    pub control_name: String,
    /// Container image patterns (`*` and `?` wildcards): required for container-level controls,
    /// not allowed for pod-level ones.
    #[tsify(optional)]
    pub images: Option<Vec<String>>,
    /// The pod-relative field it covers, `[*]` for indices
    /// (`spec.containers[*].securityContext.capabilities.add`); any field when absent. Needs `values`.
    #[tsify(optional)]
    pub restricted_field: Option<String>,
    /// Patterns every value of `restrictedField` must match. Needs `restrictedField`.
    #[tsify(optional)]
    pub values: Option<Vec<String>>,
}

impl Exclusion {
    /// The field names, in the order of the struct.
    pub(crate) const FIELDS: [&'static str; 4] = ["controlName", "images", "restrictedField", "values"];

    /// Reads `options.exclusions`: an array of entries with known keys and fields of the right types.
    pub(crate) fn read_all(list: &JsValue) -> Result<Vec<Exclusion>, PssError> {
        let Some(array) = list.dyn_ref::<js_sys::Array>() else {
            return Err(crate::object::invalid_options("exclusions must be an array".to_owned()));
        };
        let mut out = Vec::with_capacity(array.length() as usize);
        for (i, entry) in array.iter().enumerate() {
            let what = format!("exclusions[{i}].");
            let o = crate::object::Options::new(&entry, &Self::FIELDS, &what)?;
            let control_name = o.string("controlName")?.unwrap_or_default();
            out.push(Exclusion {
                control_name,
                images: o.strings("images")?,
                restricted_field: o.string("restrictedField")?,
                values: o.strings("values")?,
            });
        }
        Ok(out)
    }
}

/// Validates the entries with pss-core, as Kyverno does; every problem of every entry is reported, in
/// one `invalidExclusion` error, with Kyverno's words under the option's path (`exclusions[N].`).
pub(crate) fn validate(entries: &[Exclusion]) -> Result<Vec<pss_core::kyverno::PodSecurityExclusion>, PssError> {
    let mut out = Vec::with_capacity(entries.len());
    let mut errors: Vec<pss_core::FieldError> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let checked = pss_core::kyverno::PodSecurityExclusion::new(
            &e.control_name,
            e.images.iter().flatten().map(String::as_str),
            e.restricted_field.as_deref().unwrap_or(""),
            e.values.iter().flatten().map(String::as_str),
        );
        match checked {
            Ok(exclusion) => out.push(exclusion),
            Err(errs) => {
                let prefix = format!("exclusions[{i}].");
                errors.extend(errs.iter().map(|e| e.prefixed(&prefix)));
            }
        }
    }
    if errors.is_empty() {
        return Ok(out);
    }
    // Each problem under the option's path (`exclusions[N].`), in pss-core's aggregate words.
    let message = pss_core::FieldError::aggregate(&errors);
    Err(PssError::fields(ErrorKind::InvalidExclusion, message, errors.iter().map(FieldError::from).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(control: &str, images: &[&str], field: &str, values: &[&str]) -> Exclusion {
        let list = |v: &[&str]| (!v.is_empty()).then(|| v.iter().map(|s| s.to_string()).collect());
        Exclusion {
            control_name: control.into(),
            images: list(images),
            restricted_field: (!field.is_empty()).then(|| field.into()),
            values: list(values),
        }
    }

    #[test]
    fn valid_entries_pass() {
        let ok = validate(&[entry("Host Namespaces", &[], "", &[]), entry("Capabilities", &["nginx*"], "", &[])]);
        assert_eq!(ok.unwrap().len(), 2);
    }

    #[test]
    fn kyverno_messages_with_the_entry_index() {
        let e = validate(&[
            entry("Host Namespaces", &[], "", &[]),
            entry("Privileged Containers", &[], "", &[]),
            entry("Host Namespaces", &[], "spec.hostPID", &[]),
        ])
        .unwrap_err();
        assert_eq!(e.details.kind, ErrorKind::InvalidExclusion);
        let messages: Vec<&str> = e.details.errors.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                r#"exclusions[1].controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control"#,
                "exclusions[2].values: Forbidden: values is required",
            ]
        );
        assert_eq!(e.message, format!("[{}]", messages.join(", ")));
        assert_eq!(e.details.errors[0].path, "exclusions[1].controlName");
        assert_eq!(e.details.errors[0].value.as_deref(), Some("Privileged Containers"));
        assert_eq!(e.details.path, None);

        let one = validate(&[entry("Nope", &[], "", &[])]).unwrap_err();
        assert!(one.message.starts_with(r#"exclusions[0].controlName: Unsupported value: "Nope": supported values: "#));
        assert_eq!(one.details.path.as_deref(), Some("exclusions[0].controlName"));
    }
}
