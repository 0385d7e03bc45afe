//! `pss check`: every Pod and pod controller read is reviewed as PodSecurity admission would review
//! it in its namespace, Namespace objects as namespace creations; the rest is skipped and counted.

use std::io::Write;

use pss_core::{ObjectClass, ObjectDocument, WorkloadKind};

use crate::documents::{Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::input::SourceName;
use crate::namespaces::Namespaces;
use crate::objects::namespace_of;
use crate::report::{Loc, NamespaceOutcome, Outcome, Report, Summary};

/// Reviews the objects of every source and reports them.
#[derive(Debug)]
pub struct Checker<W, E> {
    namespaces: Namespaces,
    username: String,
    report: Report<W, E>,
    summary: Summary,
}

impl<W: Write, E: Write> Checker<W, E> {
    /// A checker with what is known of namespaces, the requesting user (empty when unknown), and
    /// where to report.
    pub fn new(namespaces: Namespaces, username: String, report: Report<W, E>) -> Self {
        Checker { namespaces, username, report, summary: Summary::default() }
    }

    /// Starts the output.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self) -> Result<(), OutputError> {
        Ok(self.report.begin()?)
    }

    /// Writes the summary and returns the counts.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(mut self) -> Result<Summary, OutputError> {
        self.report.finish(&self.summary)?;
        Ok(self.summary)
    }

    /// Reviews a pod or pod controller in its namespace.
    fn workload(&mut self, obj: &ObjectDocument<'_>, kind: WorkloadKind, at: &Loc<'_>) -> Result<(), OutputError> {
        let name = obj.name().unwrap_or("");
        let namespace = namespace_of(obj.namespace(), self.namespaces.default_namespace());
        let labels = self.namespaces.labels(namespace);
        let pairs = || labels.iter().map(|(k, v)| (k.as_str(), v.as_str()));
        let admission = self.namespaces.admission();
        let Ok(decision) = admission.review(obj, name, namespace, pairs(), &self.username) else {
            // Only objects that are not pod controllers have no decision; `kind` says it is one.
            self.summary.skipped += 1;
            return Ok(self.report.skipped(at, &obj.header().class(), obj.name())?);
        };
        // Admission never denies a controller; the pods it creates are what would be denied
        // (pss-core decides which, and words it).
        let denial = decision.pods_denial();
        let violations = decision.pods_violations();

        if kind == WorkloadKind::Pod {
            self.summary.pods += 1;
        } else {
            self.summary.controllers += 1;
        }
        if denial.is_some() {
            self.summary.denied += 1;
        } else {
            self.summary.allowed += 1;
        }
        if !decision.warnings().is_empty() {
            self.summary.warned += 1;
        }
        if decision.exemption().is_some() {
            self.summary.exempt += 1;
        }
        let outcome =
            Outcome { kind, name: obj.name(), namespace: obj.namespace(), decision: &decision, denial, violations };
        Ok(self.report.workload(at, &outcome)?)
    }

    /// Reviews a Namespace object as a namespace creation: invalid PodSecurity labels are denied,
    /// an exempt namespace with a policy gets upstream's warning.
    fn namespace(&mut self, obj: &ObjectDocument<'_>, at: &Loc<'_>) -> Result<(), OutputError> {
        let name = obj.name().unwrap_or("");
        let admission = self.namespaces.admission();
        let review = admission.review_namespace(name, None::<[(&str, &str); 0]>, obj.header().labels(), &[]);
        let exempt = review.exempt();
        self.summary.namespaces += 1;
        if review.allowed() {
            self.summary.allowed += 1;
        } else {
            self.summary.denied += 1;
        }
        if !review.warnings().is_empty() {
            self.summary.warned += 1;
        }
        Ok(self.report.namespace(at, &NamespaceOutcome { name, review: &review, exempt })?)
    }
}

impl<W: Write, E: Write> Visitor for Checker<W, E> {
    fn source(&mut self, name: &SourceName) -> Result<(), OutputError> {
        self.summary.sources += 1;
        Ok(self.report.source(name)?)
    }

    fn object(
        &mut self,
        text: &[u8],
        at: &Loc<'_>,
        origin: Option<Origin>,
        in_list: bool,
    ) -> Result<Visit, OutputError> {
        let obj = match ObjectDocument::from_slice(text) {
            Ok(obj) => obj,
            Err(error) => {
                self.input_error(&InputError::Document { at: at.place(), error, origin })?;
                return Ok(Visit::Done);
            }
        };
        match obj.header().class() {
            ObjectClass::Workload(kind) => self.workload(&obj, kind, at)?,
            ObjectClass::Namespace => self.namespace(&obj, at)?,
            ObjectClass::List if !in_list => return Ok(Visit::List),
            class @ (ObjectClass::List | ObjectClass::Other(_) | ObjectClass::NoKind) => {
                self.summary.skipped += 1;
                self.report.skipped(at, &class, obj.name())?;
            }
            _ => {
                // A class pss-core adds later: never counted as allowed.
                self.summary.skipped += 1;
                self.report.skipped(at, &obj.header().class(), obj.name())?;
            }
        }
        Ok(Visit::Done)
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.summary.errors += 1;
        Ok(self.report.input_error(error)?)
    }
}
