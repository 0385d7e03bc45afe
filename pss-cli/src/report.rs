//! Writing results: text for people, JSON Lines and JSON for programs, errors on standard error.

use std::io::{self, Write};

use std::collections::BTreeMap;

use pss_core::admission::{Decision, Exemption, NamespaceReview, Policy};
use pss_core::{Level, LevelVersion, ObjectClass, Version, Violation, WorkloadKind};
use serde::Serialize;

use crate::cli::Format;
use crate::error::{InputError, Place};
use crate::input::SourceName;
use crate::json_out::{self, Record};
use crate::parallel::{Stream, Tape};

/// Where an object is, borrowed (the hot path allocates no [`Place`]).
#[derive(Debug, Clone, Copy)]
pub struct Loc<'a> {
    /// The source.
    pub source: &'a SourceName,
    /// 0-based document index.
    pub document: usize,
    /// 0-based index in a List's items.
    pub item: Option<usize>,
    /// 1-based line the object starts on, when known.
    pub line: Option<usize>,
    /// Where the object's fields are in the source.
    pub locator: Option<pss_manifest::Locator<'a>>,
}

impl Loc<'_> {
    /// The owned form, for errors and text output.
    pub fn place(&self) -> Place {
        Place { source: self.source.shown.clone(), document: self.document, item: self.item, line: self.line }
    }
}

/// Counts for the summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// Sources read (files and standard input).
    pub sources: usize,
    /// Pods evaluated.
    pub pods: usize,
    /// Objects allowed (pods, controllers whose pods would be allowed, valid Namespaces).
    pub allowed: usize,
    /// Objects denied (pods, controllers whose pods would be denied, Namespaces with invalid labels).
    pub denied: usize,
    /// Objects skipped because they are neither workloads nor Namespaces.
    pub skipped: usize,
    /// Input errors.
    pub errors: usize,
    /// Pod controllers evaluated (through their pod templates).
    pub controllers: usize,
    /// Namespace objects read (their labels set the policy of the objects in them).
    pub namespaces: usize,
    /// Objects with at least one warning.
    pub warned: usize,
    /// Objects exempt from PodSecurity (by namespace, user or runtime class).
    pub exempt: usize,
}

impl std::ops::AddAssign for Summary {
    fn add_assign(&mut self, other: Summary) {
        let Summary { sources, pods, allowed, denied, skipped, errors, controllers, namespaces, warned, exempt } =
            other;
        self.sources += sources;
        self.pods += pods;
        self.allowed += allowed;
        self.denied += denied;
        self.skipped += skipped;
        self.errors += errors;
        self.controllers += controllers;
        self.namespaces += namespaces;
        self.warned += warned;
        self.exempt += exempt;
    }
}

/// ANSI styles, or empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    bold: &'static str,
    red: &'static str,
    green: &'static str,
    yellow: &'static str,
    dim: &'static str,
    reset: &'static str,
}

impl Styles {
    /// Styles with colour on or off.
    pub fn new(colour: bool) -> Self {
        if colour {
            Styles {
                bold: "\x1b[1m",
                red: "\x1b[31m",
                green: "\x1b[32m",
                yellow: "\x1b[33m",
                dim: "\x1b[2m",
                reset: "\x1b[0m",
            }
        } else {
            Styles { bold: "", red: "", green: "", yellow: "", dim: "", reset: "" }
        }
    }
}

/// A policy in JSON output: `{"enforce": "baseline:latest", "audit": ..., "warn": ...}`.
#[derive(Serialize)]
struct PolicyRecord {
    enforce: LevelVersion,
    audit: LevelVersion,
    warn: LevelVersion,
}

impl From<Policy> for PolicyRecord {
    fn from(p: Policy) -> Self {
        PolicyRecord { enforce: p.enforce, audit: p.audit, warn: p.warn }
    }
}

#[derive(Serialize)]
struct JsonSummary {
    level: Level,
    version: Version,
    policy: PolicyRecord,
    #[serde(flatten)]
    counts: Summary,
}

/// What admission, and `pss` for controllers, decided for one pod or pod controller.
#[derive(Debug)]
pub struct Outcome<'a> {
    /// The object's kind.
    pub kind: WorkloadKind,
    /// `metadata.name`.
    pub name: Option<&'a str>,
    /// `metadata.namespace` as written.
    pub namespace: Option<&'a str>,
    /// Upstream's decision (warnings, audit annotations, exemption, policy).
    pub decision: &'a Decision,
    /// The denial: upstream's for a pod; for a controller, that the pods it creates would be denied.
    pub denial: Option<&'a str>,
    /// The violations at the enforce level (of the pod, or of the controller's pod template).
    pub violations: &'a [Violation],
}

/// What admission decided for a Namespace object (as a create request).
#[derive(Debug)]
pub struct NamespaceOutcome<'a> {
    /// `metadata.name`.
    pub name: &'a str,
    /// Upstream's review: invalid labels, warnings, the policy.
    pub review: &'a NamespaceReview,
    /// Whether the configuration exempts the namespace.
    pub exempt: bool,
}

/// Writes results to `out` and errors to `err` in the chosen format.
#[derive(Debug)]
pub struct Report<W, E> {
    out: W,
    err: E,
    format: Format,
    verbose: bool,
    out_styles: Styles,
    err_styles: Styles,
    defaults: Policy,
    by_namespace: bool,
    results: usize,
    /// The JSON records continue an array begun elsewhere (a [`fragment`](Self::fragment)'s): each
    /// is preceded by a separator, the first one's mended by [`absorb`](Self::absorb).
    continues: bool,
    /// The JSON record being written (kept for its capacity).
    line: Vec<u8>,
    sarif: crate::sarif::Sarif,
    junit: crate::junit::Junit,
}

impl<W: Write, E: Write> Report<W, E> {
    /// A report in `format`; `verbose` lists allowed objects and audit annotations in text output;
    /// `defaults` is the policy of namespaces without labels.
    pub fn new(
        out: W,
        err: E,
        format: Format,
        verbose: bool,
        (out_styles, err_styles): (Styles, Styles),
        defaults: Policy,
    ) -> Self {
        Report {
            out,
            err,
            format,
            verbose,
            out_styles,
            err_styles,
            defaults,
            by_namespace: false,
            results: 0,
            continues: false,
            line: Vec::new(),
            sarif: crate::sarif::Sarif::default(),
            junit: crate::junit::Junit::default(),
        }
    }

    /// A report with this one's format, styles and defaults writing to `out` and `err`, for the
    /// results of some sources read apart (on another thread) and joined to this one's with
    /// [`absorb`](Self::absorb) in their order. Only the formats whose records stand alone
    /// ([`Format::parallel`]) are read apart.
    pub fn fragment<W2: Write, E2: Write>(&self, out: W2, err: E2) -> Report<W2, E2> {
        let mut fragment =
            Report::new(out, err, self.format, self.verbose, (self.out_styles, self.err_styles), self.defaults);
        fragment.continues = true;
        fragment
    }

    /// The output format.
    pub fn format(&self) -> Format {
        self.format
    }

    /// The records written so far.
    pub fn results(&self) -> usize {
        self.results
    }

    /// Writes what a [`fragment`](Self::fragment) wrote, in its order (the error stream after
    /// flushing the results so far, as [`input_error`](Self::input_error) does), and counts its
    /// `results` records.
    ///
    /// # Errors
    /// Writing the results failed. Failing to write errors is ignored, as in `input_error`.
    pub fn absorb(&mut self, tape: &Tape, results: usize) -> io::Result<()> {
        // A fragment's first JSON record is preceded by `,` as if others came before it; when none
        // did, it is the array's first (`\n` alone), as `record` writes it. (A fragment absorbing
        // another continues an array itself: its records keep their separators.)
        let mut mend = self.format == Format::Json && !self.continues && self.results == 0 && results > 0;
        for (stream, mut run) in tape.runs() {
            match stream {
                Stream::Out => {
                    if mend {
                        if let Some(rest) = run.strip_prefix(b",") {
                            run = rest;
                        }
                        mend = false;
                    }
                    self.out.write_all(run)?;
                }
                Stream::Err => {
                    self.out.flush()?;
                    let _ = self.err.write_all(run);
                    let _ = self.err.flush();
                }
            }
        }
        self.results += results;
        Ok(())
    }

    /// Says in the summary that namespace labels set the policy of some objects.
    pub fn set_by_namespace(&mut self, by_namespace: bool) {
        self.by_namespace = by_namespace;
    }

    /// Writes what comes before the results.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self) -> io::Result<()> {
        match self.format {
            Format::Json => self.out.write_all(b"{\"results\":["),
            Format::Sarif => self.sarif.begin(&mut self.out),
            Format::Junit => self.junit.begin(&mut self.out),
            Format::Text | Format::Jsonl => Ok(()),
        }
    }

    /// A source is about to be read.
    ///
    /// # Errors
    /// Writing failed.
    pub fn source(&mut self, name: &SourceName) -> io::Result<()> {
        match self.format {
            Format::Junit => self.junit.source(&mut self.out, name),
            _ => Ok(()),
        }
    }

    /// Reports an evaluated pod or pod controller.
    ///
    /// # Errors
    /// Writing failed.
    pub fn workload(&mut self, at: &Loc<'_>, o: &Outcome<'_>) -> io::Result<()> {
        let policy = o.decision.policy();
        match self.format {
            Format::Text => {
                let s = self.out_styles;
                let place = at.place();
                let name = o.name.unwrap_or("");
                if let Some(denial) = o.denial {
                    writeln!(self.out, "{}{place}{}: {}{denial}{}", s.bold, s.reset, s.red, s.reset)?;
                    self.field_places(at, o.violations)?;
                } else if self.verbose {
                    write!(self.out, "{}{place}{}: {}{} {name:?} is ", s.bold, s.reset, s.green, o.kind.resource())?;
                    match (o.decision.exemption(), o.kind) {
                        (Some(why), _) => self.out.write_all(why.describe().as_bytes())?,
                        (None, WorkloadKind::Pod) => write!(self.out, "allowed by PodSecurity \"{}\"", policy.enforce)?,
                        (None, _) => write!(
                            self.out,
                            "allowed: pods it creates would be allowed by PodSecurity \"{}\"",
                            policy.enforce
                        )?,
                    }
                    writeln!(self.out, "{}", s.reset)?;
                }
                self.warnings(&place, o.decision.warnings())?;
                if self.verbose {
                    for (key, value) in o.decision.audit_annotations() {
                        writeln!(
                            self.out,
                            "{}{place}{}: {}audit annotation {key}: {value}{}",
                            s.bold, s.reset, s.dim, s.reset
                        )?;
                    }
                }
                Ok(())
            }
            Format::Json | Format::Jsonl => {
                let record = Record {
                    source: &at.source.id,
                    document: at.document,
                    item: at.item,
                    line: at.line,
                    kind: o.kind.kind(),
                    name: o.name,
                    namespace: o.namespace,
                    level: policy.enforce.level,
                    version: policy.enforce.version,
                    allowed: o.denial.is_none(),
                    violations: o.violations,
                    locator: at.locator,
                    policy,
                    message: o.denial,
                    warnings: o.decision.warnings(),
                    audit_annotations: o.decision.audit_annotations(),
                    exempt: o.decision.exemption().map(Exemption::as_str),
                };
                self.record(&record)
            }
            Format::Sarif => self.sarif.workload(&mut self.out, at, o),
            Format::Junit => self.junit.workload(&mut self.out, at, o),
        }
    }

    /// Reports a Namespace object.
    ///
    /// # Errors
    /// Writing failed.
    pub fn namespace(&mut self, at: &Loc<'_>, o: &NamespaceOutcome<'_>) -> io::Result<()> {
        let policy = o.review.policy();
        match self.format {
            Format::Text => {
                let s = self.out_styles;
                let place = at.place();
                if let Some(invalid) = o.review.invalid() {
                    writeln!(self.out, "{}{place}{}: {}{invalid}{}", s.bold, s.reset, s.red, s.reset)?;
                } else if self.verbose {
                    writeln!(
                        self.out,
                        "{}{place}{}: {}namespace {:?}: PodSecurity {policy}{}{}",
                        s.bold,
                        s.reset,
                        s.green,
                        o.name,
                        if o.exempt { " (exempt)" } else { "" },
                        s.reset
                    )?;
                }
                self.warnings(&place, o.review.warnings())
            }
            Format::Json | Format::Jsonl => {
                let record = Record {
                    source: &at.source.id,
                    document: at.document,
                    item: at.item,
                    line: at.line,
                    kind: "Namespace",
                    name: Some(o.name),
                    namespace: None,
                    level: policy.enforce.level,
                    version: policy.enforce.version,
                    allowed: o.review.allowed(),
                    violations: &[],
                    locator: None,
                    policy,
                    message: o.review.invalid(),
                    warnings: o.review.warnings(),
                    audit_annotations: &BTreeMap::new(),
                    exempt: o.exempt.then_some("namespace"),
                };
                self.record(&record)
            }
            Format::Sarif => {
                self.sarif.namespace(at, o);
                Ok(())
            }
            Format::Junit => self.junit.namespace(&mut self.out, at, o),
        }
    }

    /// Where each offending field is, one line each, as compilers write places
    /// (`deploy.yaml:42:9: spec.containers[0].securityContext.privileged: privileged`), so that
    /// editors and CI logs link to it.
    fn field_places(&mut self, at: &Loc<'_>, violations: &[Violation]) -> io::Result<()> {
        let Some(locator) = at.locator else { return Ok(()) };
        let s = self.out_styles;
        for violation in violations {
            for field in violation.fields() {
                let place = locator.locate(&field.path().to_string()).position;
                writeln!(
                    self.out,
                    "{}{}:{}:{}{}: {}{}: {}{}",
                    s.bold,
                    at.source.shown,
                    place.line,
                    place.column,
                    s.reset,
                    s.dim,
                    field.path(),
                    violation.reason(),
                    s.reset
                )?;
            }
        }
        Ok(())
    }

    /// Warnings as kubectl shows them (`Warning: ...`), after the object's place.
    fn warnings(&mut self, place: &crate::error::Place, warnings: &[String]) -> io::Result<()> {
        let s = self.out_styles;
        for warning in warnings {
            writeln!(self.out, "{}{place}{}: {}Warning:{} {warning}", s.bold, s.reset, s.yellow, s.reset)?;
        }
        Ok(())
    }

    fn record(&mut self, record: &Record<'_>) -> io::Result<()> {
        if self.format == Format::Json && (self.results > 0 || self.continues) {
            self.out.write_all(b",\n")?;
        } else if self.format == Format::Json {
            self.out.write_all(b"\n")?;
        }
        self.line.clear();
        json_out::write_record(&mut self.line, record)?;
        #[cfg(test)]
        json_out::tests::assert_written_as_serde_json(record, &self.line);
        if self.format == Format::Jsonl {
            self.line.push(b'\n');
        }
        self.out.write_all(&self.line)?;
        self.results += 1;
        Ok(())
    }

    /// Reports an object skipped because it is not a pod (a line in text output only).
    ///
    /// # Errors
    /// Writing failed.
    pub fn skipped(&mut self, at: &Loc<'_>, class: &ObjectClass<'_>, name: Option<&str>) -> io::Result<()> {
        if self.format != Format::Text {
            return Ok(());
        }
        let s = self.out_styles;
        write!(self.out, "{}{}{}: {}skipped ", s.bold, at.place(), s.reset, s.dim)?;
        let kind = match class {
            ObjectClass::Workload(k) => Some(k.kind()),
            ObjectClass::Namespace => Some("Namespace"),
            ObjectClass::Other(k) => Some(k.as_ref()),
            ObjectClass::List => Some("List"),
            _ => None,
        };
        match (kind, name) {
            (Some(kind), Some(name)) => write!(self.out, "{kind} {name:?}")?,
            (Some(kind), None) => write!(self.out, "{kind} without a name")?,
            (None, Some(name)) => write!(self.out, "object {name:?}")?,
            (None, None) => write!(self.out, "object")?,
        }
        writeln!(self.out, " ({class}){}", s.reset)
    }

    /// Reports an input error on the error stream (after flushing the results so far, so that the
    /// two streams interleave in order on a terminal).
    ///
    /// # Errors
    /// Flushing the results failed. Failing to write the error itself is ignored: there is nowhere
    /// left to report it.
    pub fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        match self.format {
            Format::Sarif => self.sarif.input_error(error),
            Format::Junit => self.junit.input_error(&mut self.out, error)?,
            _ => {}
        }
        self.out.flush()?;
        write_error(&mut self.err, self.err_styles, error);
        Ok(())
    }

    /// Writes the summary (text and JSON) and flushes.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish(&mut self, summary: &Summary) -> io::Result<()> {
        match self.format {
            Format::Text => {
                let s = self.out_styles;
                let (denied_on, denied_off) = if summary.denied > 0 { (s.red, s.reset) } else { ("", "") };
                let (errors_on, errors_off) = if summary.errors > 0 { (s.red, s.reset) } else { ("", "") };
                let mut counted = vec![plural(summary.pods, "pod", "pods")];
                if summary.controllers > 0 {
                    counted.push(plural(summary.controllers, "controller", "controllers"));
                }
                if summary.namespaces > 0 {
                    counted.push(plural(summary.namespaces, "namespace", "namespaces"));
                }
                let last = counted.pop().unwrap_or_default();
                if counted.is_empty() {
                    write!(self.out, "checked {last}")?;
                } else {
                    write!(self.out, "checked {} and {last}", counted.join(", "))?;
                }
                if self.by_namespace {
                    write!(self.out, " by namespace labels (default {})", policy_text(&self.defaults))?;
                } else {
                    write!(self.out, " at {}", policy_text(&self.defaults))?;
                }
                write!(self.out, ": {} allowed, {denied_on}{} denied{denied_off}", summary.allowed, summary.denied)?;
                if summary.warned > 0 {
                    write!(self.out, ", {} with warnings", summary.warned)?;
                }
                if summary.exempt > 0 {
                    write!(self.out, ", {} exempt", summary.exempt)?;
                }
                writeln!(
                    self.out,
                    "; skipped {} (not a workload); {errors_on}{}{errors_off}",
                    plural(summary.skipped, "object", "objects"),
                    plural(summary.errors, "input error", "input errors"),
                )?;
            }
            Format::Json => {
                if self.results > 0 {
                    self.out.write_all(b"\n")?;
                }
                self.out.write_all(b"],\"summary\":")?;
                let summary = JsonSummary {
                    level: self.defaults.enforce.level,
                    version: self.defaults.enforce.version,
                    policy: self.defaults.into(),
                    counts: *summary,
                };
                serde_json::to_writer(&mut self.out, &summary).map_err(io::Error::from)?;
                self.out.write_all(b"}\n")?;
            }
            Format::Jsonl => {}
            Format::Sarif => self.sarif.finish(&mut self.out, summary.errors)?,
            Format::Junit => self.junit.finish(&mut self.out)?,
        }
        self.out.flush()
    }
}

/// Writes `pss: error: MESSAGE` and flushes. Failing to write is ignored: there is nowhere left to
/// report it.
pub fn write_error<E: Write>(err: &mut E, s: Styles, message: &dyn std::fmt::Display) {
    let _ = writeln!(err, "pss: {}{}error:{} {message}", s.bold, s.red, s.reset);
    let _ = err.flush();
}

/// `Warning:` in yellow when colour is on.
pub fn warning_prefix(s: Styles) -> String {
    format!("{}Warning:{}", s.yellow, s.reset)
}

/// A policy in a few words: `baseline:latest` when every mode is the same, else each mode.
pub fn policy_text(policy: &Policy) -> String {
    if policy.enforce == policy.audit && policy.enforce == policy.warn {
        policy.enforce.to_string()
    } else {
        policy.to_string()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
