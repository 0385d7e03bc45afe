//! `pss check`: every Pod and pod controller read is reviewed as PodSecurity admission would review
//! it in its namespace, Namespace objects as namespace creations; the rest is skipped and counted.

use std::io::{self, Write};
use std::num::NonZeroUsize;
use std::sync::{Mutex, PoisonError};

use pss_core::{ObjectClass, ObjectDocument, WorkloadKind};

use crate::documents::{self, Inputs, StdinBuffer, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::input::{Source, SourceName};
use crate::namespaces::Namespaces;
use crate::objects::namespace_of;
use crate::parallel::{self, TapeWriter};
use crate::report::{Loc, NamespaceOutcome, Outcome, Report, Summary};

/// Reviews the objects of every source and reports them.
#[derive(Debug)]
pub struct Checker<'n, W, E> {
    namespaces: &'n Namespaces,
    username: &'n str,
    report: Report<W, E>,
    summary: Summary,
}

impl<'n, W: Write, E: Write> Checker<'n, W, E> {
    /// A checker with what is known of namespaces, the requesting user (empty when unknown), and
    /// where to report.
    pub fn new(namespaces: &'n Namespaces, username: &'n str, report: Report<W, E>) -> Self {
        Checker { namespaces, username, report, summary: Summary::default() }
    }

    /// Reviews the objects of `sources` (PATH arguments expanded, see [`documents::expand`]) and
    /// reports them in order, reading `jobs` sources at once when the format allows it (each
    /// source's output is gathered on its thread and written in the sources' order: the same
    /// bytes as reading one source after the other).
    ///
    /// # Errors
    /// Writing the output failed.
    pub fn check_sources(
        &mut self,
        sources: &[Result<Source, InputError>],
        inputs: &mut Inputs,
        jobs: NonZeroUsize,
    ) -> Result<(), OutputError> {
        if jobs.get() == 1 || !self.report.format().parallel() {
            return sources.iter().try_for_each(|source| match source {
                Ok(source) => documents::read_source(source, inputs, self),
                Err(error) => self.input_error(error),
            });
        }
        let limits = inputs.limits;
        let stdin = Mutex::new(inputs);
        let (namespaces, username) = (self.namespaces, self.username);
        let report = &self.report;
        // A few sources per thread may wait to be written: enough to keep every thread busy
        // behind a slow one.
        let window = NonZeroUsize::new(jobs.get() * 4).unwrap_or(NonZeroUsize::MIN);
        let fragments = Fragments::new(report);
        parallel::ordered(
            sources,
            jobs,
            window,
            |source| {
                let Ok(source) = source else { return None };
                let (out, err) = TapeWriter::pair();
                let mut checker = Checker::new(namespaces, username, fragments.report(out.clone(), err));
                let read = match source {
                    Source::Stdin => {
                        let mut stdin = stdin.lock().unwrap_or_else(PoisonError::into_inner);
                        documents::read_source(source, &mut stdin, &mut checker)
                    }
                    Source::File(_) => {
                        documents::read_source(source, &mut Inputs::new(StdinBuffer::default(), limits), &mut checker)
                    }
                };
                // Writing into a tape does not fail.
                debug_assert!(read.is_ok());
                let (summary, results) = (checker.summary, checker.report.results());
                drop(checker);
                Some((out.into_tape(), summary, results))
            },
            |source, unit| match (source, unit) {
                (Err(error), _) => self.input_error(error),
                (Ok(_), Some((tape, summary, results))) => {
                    self.summary += summary;
                    Ok(self.report.absorb(&tape, results)?)
                }
                (Ok(_), None) => Ok(()),
            },
        )
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
        let Ok(decision) = admission.review(obj, name, namespace, pairs(), self.username) else {
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

/// Makes the reports of the sources read on other threads: the main report's settings, shared
/// without the main report's writers (which stay on the calling thread).
struct Fragments {
    template: Report<io::Sink, io::Sink>,
}

impl Fragments {
    fn new<W: Write, E: Write>(report: &Report<W, E>) -> Self {
        Fragments { template: report.fragment(io::sink(), io::sink()) }
    }

    fn report(&self, out: TapeWriter, err: TapeWriter) -> Report<TapeWriter, TapeWriter> {
        self.template.fragment(out, err)
    }
}

impl<W: Write, E: Write> Visitor for Checker<'_, W, E> {
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
