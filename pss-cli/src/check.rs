//! `pss check`: every Pod and pod controller read is reviewed as PodSecurity admission would review
//! it in its namespace, Namespace objects as namespace creations; the rest is skipped and counted.

use std::io::{self, Write};
use std::num::NonZeroUsize;

use pss_core::admission::{Decision, NamespaceReview, ObjectReview};
use pss_core::{ObjectDocument, WorkloadKind};

use crate::documents::{self, Inputs, ListItem, Plan, Unit, Visit, Visitor};
use crate::error::{InputError, Origin, OutputError};
use crate::input::{Source, SourceName};
use crate::namespaces::Namespaces;
use crate::parallel::{self, Tape, TapeWriter};
use crate::report::{Loc, NamespaceOutcome, Outcome, Report, Summary};

/// Reviews the objects of every source and reports them.
#[derive(Debug)]
pub struct Checker<'n, W, E> {
    namespaces: &'n Namespaces,
    username: &'n str,
    report: Report<W, E>,
    summary: Summary,
    /// Threads for the items of a long List (1 when the sources already use every thread).
    item_jobs: NonZeroUsize,
}

impl<'n, W: Write, E: Write> Checker<'n, W, E> {
    /// A checker with what is known of namespaces, the requesting user (empty when unknown), and
    /// where to report.
    pub fn new(namespaces: &'n Namespaces, username: &'n str, report: Report<W, E>) -> Self {
        Checker { namespaces, username, report, summary: Summary::default(), item_jobs: NonZeroUsize::MIN }
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
        let plan = Plan::new(sources, inputs, jobs);
        if let [unit] = plan.units() {
            // One unit (a file, or standard input that cannot be cut): read here, the items of a
            // long List on every thread.
            self.item_jobs = jobs;
            let read = match unit {
                Unit::Source(Err(error)) => self.input_error(error),
                unit => plan.read(unit, self),
            };
            self.item_jobs = NonZeroUsize::MIN;
            return read;
        }
        let window = plan.window(jobs);
        let fragments = Fragments::new(self);
        parallel::ordered_within(
            plan.units(),
            jobs,
            window,
            OUTPUT_WAITING,
            |fragment: &Option<Fragment>| fragment.as_ref().map_or(0, |f| f.tape.memory()),
            |unit| {
                // A piece's records are a few times as long as its JSON (JSON Lines output of
                // denied pods, about 3.4 times).
                let capacity = match unit {
                    Unit::Source(Err(_)) => return None,
                    Unit::Piece { piece, .. } => piece.range().len() * 4,
                    Unit::Source(Ok(_)) | Unit::Whole { .. } => 0,
                };
                Some(fragments.review(capacity, |checker| plan.read(unit, checker)))
            },
            |unit, fragment| match (unit, fragment) {
                (Unit::Source(Err(error)), _) => self.input_error(error),
                (_, Some(fragment)) => self.absorb(fragment),
                (_, None) => Ok(()),
            },
        )
    }

    /// Counts and writes what a part of the input gave, after what came before it.
    fn absorb(&mut self, fragment: Fragment) -> Result<(), OutputError> {
        self.summary += fragment.summary;
        Ok(self.report.absorb(&fragment.tape, fragment.results)?)
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

    /// Counts and reports a pod or pod controller that admission decided in its namespace.
    fn workload(
        &mut self,
        obj: &ObjectDocument<'_>,
        kind: WorkloadKind,
        decision: &Decision,
        at: &Loc<'_>,
    ) -> Result<(), OutputError> {
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
        let outcome = Outcome { kind, name: obj.name(), namespace: obj.namespace(), decision, denial, violations };
        Ok(self.report.workload(at, &outcome)?)
    }

    /// Counts and reports a Namespace object reviewed as a namespace creation: invalid PodSecurity
    /// labels are denied, an exempt namespace with a policy gets upstream's warning.
    fn namespace(
        &mut self,
        obj: &ObjectDocument<'_>,
        review: &NamespaceReview,
        at: &Loc<'_>,
    ) -> Result<(), OutputError> {
        let name = obj.name().unwrap_or("");
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
        Ok(self.report.namespace(at, &NamespaceOutcome { name, review, exempt })?)
    }
}

/// Reviews parts of the input on other threads, each into a report of its own with the main
/// report's settings (the main report's writers stay on the calling thread), for
/// [`Checker::absorb`] to join in order.
struct Fragments<'n> {
    namespaces: &'n Namespaces,
    username: &'n str,
    template: Report<io::Sink, io::Sink>,
}

/// What a part of the input gave: its output, in order, its counts and its JSON records.
struct Fragment {
    tape: Tape,
    summary: Summary,
    results: usize,
}

impl<'n> Fragments<'n> {
    fn new<W: Write, E: Write>(checker: &Checker<'n, W, E>) -> Self {
        Fragments {
            namespaces: checker.namespaces,
            username: checker.username,
            template: checker.report.fragment(io::sink(), io::sink()),
        }
    }

    /// Reviews with `read` into a new fragment (`capacity`: the bytes it is expected to write).
    fn review(
        &self,
        capacity: usize,
        read: impl FnOnce(&mut Checker<'n, TapeWriter, TapeWriter>) -> Result<(), OutputError>,
    ) -> Fragment {
        let (out, err) = TapeWriter::pair_with_capacity(capacity);
        let mut checker = Checker::new(self.namespaces, self.username, self.template.fragment(out.clone(), err));
        // Writing into a tape does not fail.
        let read = read(&mut checker);
        debug_assert!(read.is_ok());
        let (summary, results) = (checker.summary, checker.report.results());
        drop(checker);
        Fragment { tape: out.into_tape(), summary, results }
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
        self.review(&obj, at, in_list)
    }

    /// A Namespace or another kind is reviewed from its header alone; anything else (a workload,
    /// a List), or a header in error (reported from the whole object), is read whole.
    fn header(&mut self, header: &[u8], at: &Loc<'_>) -> Result<bool, OutputError> {
        match ObjectDocument::from_slice(header) {
            Ok(obj) if !obj.header().class().needs_more_than_header() => {
                self.review(&obj, at, false)?;
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    fn input_error(&mut self, error: &InputError) -> Result<(), OutputError> {
        self.summary.errors += 1;
        Ok(self.report.input_error(error)?)
    }

    /// A long List (`kubectl get pods -A -o json`) read alone is reviewed on every thread, a
    /// chunk of items at a time, its output written in the items' order.
    fn items(&mut self, items: &[ListItem<'_>]) -> Result<(), OutputError> {
        if self.item_jobs.get() == 1 || items.len() < 2 * LIST_CHUNK || !self.report.format().parallel() {
            return documents::visit_items(self, items);
        }
        let chunks: Vec<&[ListItem<'_>]> = items.chunks(LIST_CHUNK).collect();
        let fragments = Fragments::new(self);
        let window = NonZeroUsize::new(self.item_jobs.get() * 4).unwrap_or(NonZeroUsize::MIN);
        parallel::ordered(
            &chunks,
            self.item_jobs,
            window,
            |chunk| fragments.review(0, |checker| documents::visit_items(checker, chunk)),
            |_, fragment| self.absorb(fragment),
        )
    }
}

impl<W: Write, E: Write> Checker<'_, W, E> {
    /// Reviews a decoded object and reports what pss-core decided.
    fn review(&mut self, obj: &ObjectDocument<'_>, at: &Loc<'_>, in_list: bool) -> Result<Visit, OutputError> {
        match self.namespaces.review(obj, self.username, in_list) {
            ObjectReview::Workload { kind, decision, .. } => self.workload(obj, kind, &decision, at)?,
            ObjectReview::Namespace(review) => self.namespace(obj, &review, at)?,
            ObjectReview::List => return Ok(Visit::List),
            // Skipped, and what pss-core adds later: never counted as allowed.
            _ => {
                self.summary.skipped += 1;
                self.report.skipped(at, &obj.header().class(), obj.name())?;
            }
        }
        Ok(Visit::Done)
    }
}

/// The most output the units of a pass may hold while they wait to be written (beyond one unit a
/// thread): with many files waiting behind a slow one (see [`Plan::window`]), a run of large
/// files would otherwise hold the output of them all.
///
/// [`Plan::window`]: crate::documents::Plan::window
const OUTPUT_WAITING: usize = 64 << 20;

/// The items of a List reviewed together on one thread (see [`Checker`]'s `items`): a few
/// hundred kilobytes of pods, enough that a chunk's fixed costs do not show.
const LIST_CHUNK: usize = 64;

#[cfg(test)]
mod tests {
    use std::io::Read;

    use pss_core::admission::Admission;

    use super::*;
    use crate::cli::Format;
    use crate::json_out::tests::Shared;
    use crate::limits::Limits;
    use crate::report::Styles;

    /// A stream of JSON pods, then a read error.
    struct Broken {
        data: Vec<u8>,
        at: usize,
    }

    impl Read for Broken {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return Err(io::Error::other("the pipe broke"));
            }
            let n = out.len().min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn check(jobs: usize, format: Format, stdin: &[u8]) -> (String, String, Summary) {
        let namespaces = Namespaces::new(Admission::default(), pss_core::admission::DEFAULT_NAMESPACE.to_owned());
        let (out, err) = (Shared::default(), Shared::default());
        let report = Report::new(
            out.clone(),
            err.clone(),
            format,
            true,
            (Styles::new(false), Styles::new(false)),
            namespaces.admission().config().defaults(),
        );
        let mut checker = Checker::new(&namespaces, "", report);
        let mut inputs = Inputs::new(
            documents::StdinBuffer::read_from(Broken { data: stdin.to_vec(), at: 0 }),
            Limits { max_document: 1 << 20 },
        );
        checker.begin().unwrap();
        let sources = [Ok(Source::Stdin), Ok(Source::Stdin)];
        checker.check_sources(&sources, &mut inputs, NonZeroUsize::new(jobs).unwrap()).unwrap();
        let summary = checker.finish().unwrap();
        let text = |s: Shared| String::from_utf8(s.0.borrow().clone()).unwrap();
        (text(out), text(err), summary)
    }

    #[test]
    fn standard_input_read_in_pieces_reports_its_read_error_after_its_last_document() {
        let pods: String = (0..4000)
            .map(|i| {
                let spec = if i % 3 == 0 { r#"{"hostPID":true,"containers":[]}"# } else { r#"{"containers":[]}"# };
                format!(
                    "{{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{{\"name\":\"p{i}\"}},\"spec\":{spec}}}\n"
                )
            })
            .collect();
        assert!(pods.len() > 2 * documents::STDIN_PIECE, "several pieces");
        for format in [Format::Jsonl, Format::Json, Format::Text] {
            let one = check(1, format, pods.as_bytes());
            assert_eq!(one.1, "pss: error: <stdin>: the pipe broke\n", "{format:?}");
            assert_eq!((one.2.pods, one.2.errors, one.2.sources), (4000, 1, 2));
            if format == Format::Jsonl {
                let last = one.0.lines().last().unwrap_or_default();
                assert!(last.contains("\"name\":\"p3999\""), "{last}");
            }
            for jobs in [2, 3] {
                assert_eq!(check(jobs, format, pods.as_bytes()), one, "{format:?}, {jobs} jobs");
            }
        }
    }
}
