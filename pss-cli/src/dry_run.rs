//! `pss label-dry-run`: what the API server would warn if a namespace were labelled with a new
//! enforce level, reviewing the pods in the input (upstream's namespace dry run).

use std::collections::BTreeMap;
use std::io::Write;

use pss_core::admission::{ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL};
use pss_core::{ObjectClass, ObjectHeader, PodDocument};

use crate::cli::DryRunTargets;
use crate::documents::{self, Inputs, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::namespaces::{owned_labels, Labels, Namespaces};
use crate::objects::namespace_of;
use crate::report::{warning_prefix, write_error, Loc, Styles};

/// What the dry run found.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Some pod would violate the new level.
    pub violations: bool,
    /// Some namespace's new labels are invalid.
    pub invalid: bool,
    /// Input errors.
    pub errors: usize,
}

/// Collects the pods (as JSON texts, by namespace) and the Namespace objects of the input.
struct Collector<'a, E> {
    /// The namespace reviewed, or `None` for all.
    only: Option<&'a str>,
    default_namespace: &'a str,
    pods: BTreeMap<String, Vec<String>>,
    namespaces: Vec<(String, Labels)>,
    errors: usize,
    err: E,
    err_styles: Styles,
}

impl<E: Write> Visitor for Collector<'_, E> {
    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        let document_error = |error| InputError::Document { at: at.place(), error, origin };
        let header = match ObjectHeader::from_slice(text) {
            Ok(header) => header,
            Err(error) => {
                self.input_error(&document_error(error))?;
                return Ok(Visit::Done);
            }
        };
        match header.class() {
            ObjectClass::Workload(pss_core::WorkloadKind::Pod) => {
                // Decoded now to report its errors; decoded again when the namespace is reviewed.
                if let Err(error) = PodDocument::from_slice(text) {
                    self.input_error(&document_error(error))?;
                    return Ok(Visit::Done);
                }
                let namespace = namespace_of(header.namespace(), self.default_namespace);
                if self.only.is_none_or(|only| only == namespace) {
                    let text = String::from_utf8_lossy(text).into_owned();
                    self.pods.entry(namespace.to_owned()).or_default().push(text);
                }
            }
            ObjectClass::Namespace => {
                if let Some(name) = header.name().filter(|n| !n.is_empty()) {
                    self.namespaces.push((name.to_owned(), owned_labels(&header)));
                }
            }
            ObjectClass::List if !in_list => return Ok(Visit::List),
            _ => {}
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.errors += 1;
        write_error(&mut self.err, self.err_styles, error);
        Ok(())
    }
}

/// Sets `key` to `value`, replacing an earlier value.
fn set_label(labels: &mut Labels, key: &str, value: &str) {
    match labels.iter_mut().find(|(k, _)| k == key) {
        Some((_, v)) => value.clone_into(v),
        None => labels.push((key.to_owned(), value.to_owned())),
    }
}

/// Reads the input, reviews each namespace, prints the warnings and a summary per namespace.
///
/// # Errors
/// Writing the output failed.
pub fn run<W: Write, E: Write>(
    targets: &DryRunTargets,
    mut namespaces: Namespaces,
    flags: &[crate::namespaces::NamespaceLabels],
    stdin: &mut Inputs,
    (mut out, err): (W, E),
    (out_styles, err_styles): (Styles, Styles),
) -> Result<Outcome, OutputError> {
    let default_namespace = namespaces.default_namespace().to_owned();
    let mut collector = Collector {
        only: targets.namespace.as_deref(),
        default_namespace: &default_namespace,
        pods: BTreeMap::new(),
        namespaces: Vec::new(),
        errors: 0,
        err,
        err_styles,
    };
    for path in &targets.paths {
        documents::read_arg(path, stdin, &mut collector)?;
    }
    for (name, labels) in std::mem::take(&mut collector.namespaces) {
        namespaces.set(name, labels);
    }
    namespaces.apply_flags(flags);

    let mut outcome = Outcome { errors: collector.errors, ..Outcome::default() };
    let names: Vec<String> = match &targets.namespace {
        Some(namespace) => vec![namespace.clone()],
        None => collector.pods.keys().cloned().collect(),
    };
    if names.is_empty() {
        writeln!(out, "no pods in the input: no namespace to review")?;
    }
    let warning = warning_prefix(out_styles);
    for name in &names {
        let texts = collector.pods.get(name).map_or(&[][..], Vec::as_slice);
        let pods: Vec<PodDocument<'_>> = texts.iter().filter_map(|t| PodDocument::from_str(t).ok()).collect();
        let old = namespaces.labels(name).to_vec();
        let mut new = old.clone();
        set_label(&mut new, ENFORCE_LEVEL_LABEL, &targets.level);
        if let Some(version) = &targets.version {
            set_label(&mut new, ENFORCE_VERSION_LABEL, version);
        }
        let pairs = |labels: &Labels| labels.iter().map(|(k, v)| (k.clone(), v.clone())).collect::<Vec<_>>();
        let admission = namespaces.admission();
        let review = admission.review_namespace(name, Some(pairs(&old)), pairs(&new), &pods);
        if let Some(invalid) = review.invalid() {
            out.flush()?;
            write_error(&mut collector.err, err_styles, &invalid);
            outcome.invalid = true;
            continue;
        }
        for line in review.warnings() {
            writeln!(out, "{warning} {line}")?;
        }
        if review.violating_pods() > 0 {
            outcome.violations = true;
        }
        if let Some(summary) = review.summary() {
            writeln!(out, "{summary}")?;
        }
    }
    out.flush()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_replaced_or_added() {
        let mut labels = vec![("a".to_owned(), "1".to_owned())];
        set_label(&mut labels, "a", "2");
        set_label(&mut labels, "b", "3");
        assert_eq!(labels, [("a".to_owned(), "2".to_owned()), ("b".to_owned(), "3".to_owned())]);
    }
}
