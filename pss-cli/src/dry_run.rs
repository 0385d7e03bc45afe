//! `pss label-dry-run`: what the API server would warn if a namespace were labelled with a new
//! enforce level, reviewing the pods in the input (upstream's namespace dry run).

use std::collections::BTreeMap;
use std::io::Write;

use pss_core::{Level, ObjectHeader, PodDocument, ENFORCE_LEVEL_LABEL, ENFORCE_VERSION_LABEL};

use crate::cli::DryRunTargets;
use crate::documents::{self, Inputs, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::namespaces::{owned_labels, Labels, Namespaces};
use crate::objects::{classify, namespace_of, Class};
use crate::report::{warning_prefix, write_error, Loc, Styles};

/// The start of upstream's warning that existing pods violate the new level.
const VIOLATE_WARNING: &str = "existing pods in namespace ";
/// The start of upstream's warning that only some pods were checked.
const LIMIT_WARNING: &str = "new PodSecurity enforce level only checked against the first ";

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
        match classify(header.api_version(), header.kind()) {
            Class::Workload(pss_core::WorkloadKind::Pod) => {
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
            Class::Namespace => {
                if let Some(name) = header.name().filter(|n| !n.is_empty()) {
                    self.namespaces.push((name.to_owned(), owned_labels(&header)));
                }
            }
            Class::List if !in_list => return Ok(Visit::List),
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

/// How many pods a warning line of upstream's names: `NAME: reasons` is one, `NAME (and N other
/// pods): reasons` is N + 1. (Pod names are DNS subdomains: no spaces or parentheses.)
fn pods_in_warning(line: &str) -> usize {
    let Some(start) = line.find(" (and ") else {
        return 1;
    };
    let rest = &line[start + " (and ".len()..];
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    let followed = rest[digits..].starts_with(" other pod): ") || rest[digits..].starts_with(" other pods): ");
    match rest[..digits].parse::<usize>() {
        Ok(others) if followed => others + 1,
        _ => 1,
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
        let warnings = review.warnings();
        let violating: usize = match warnings.iter().position(|w| w.starts_with(VIOLATE_WARNING)) {
            Some(i) => warnings[i + 1..].iter().map(|w| pods_in_warning(w)).sum(),
            None => 0,
        };
        let new_enforce = review.policy().enforce;
        let old_enforce = admission.policy_for(pairs(&old)).0.enforce;
        let exempt = admission.config().exemptions().namespaces.iter().any(|n| n == name);
        let quoted = format!("{name:?}");
        let n = pods.len();
        let pods_word = if n == 1 { "pod" } else { "pods" };
        // The cases upstream does not check, in its order.
        if new_enforce == old_enforce
            || new_enforce.level == Level::Privileged
            || (new_enforce.version == old_enforce.version && new_enforce.level <= old_enforce.level)
        {
            writeln!(
                out,
                "namespace {quoted}: the new enforce level \"{new_enforce}\" is not stricter than \"{old_enforce}\": \
                 {n} existing {pods_word} not checked"
            )?;
        } else if exempt {
            writeln!(out, "namespace {quoted}: exempt from Pod Security: {n} existing {pods_word} not checked")?;
        } else {
            if violating > 0 {
                outcome.violations = true;
                write!(out, "namespace {quoted}: {violating} of {n} {pods_word}")?;
            } else {
                write!(out, "namespace {quoted}: none of {n} {pods_word}")?;
            }
            write!(out, " would violate the new enforce level \"{new_enforce}\"")?;
            if warnings.iter().any(|w| w.starts_with(LIMIT_WARNING)) {
                write!(out, " (only the first {} checked, as the API server does)", pss_core::MAX_PODS_TO_CHECK)?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_pods_in_upstream_warnings() {
        assert_eq!(pods_in_warning("web: host namespaces"), 1);
        assert_eq!(pods_in_warning("a (and 1 other pod): host namespaces"), 2);
        assert_eq!(pods_in_warning("a (and 41 other pods): privileged, hostPath volumes"), 42);
        assert_eq!(pods_in_warning("a (and x other pods): privileged"), 1);
    }

    #[test]
    fn labels_are_replaced_or_added() {
        let mut labels = vec![("a".to_owned(), "1".to_owned())];
        set_label(&mut labels, "a", "2");
        set_label(&mut labels, "b", "3");
        assert_eq!(labels, [("a".to_owned(), "2".to_owned()), ("b".to_owned(), "3".to_owned())]);
    }
}
