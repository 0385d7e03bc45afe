//! Writing results: text for people, JSON Lines and JSON for programs, errors on standard error.

use std::io::{self, Write};

use pss_core::{Evaluation, Level, LevelVersion, PodDocument, Version, Violation};
use serde::Serialize;

use crate::cli::Format;
use crate::error::{InputError, Place};
use crate::input::SourceName;

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
    /// Pods allowed.
    pub allowed: usize,
    /// Pods denied.
    pub denied: usize,
    /// Objects skipped because they are not pods.
    pub skipped: usize,
    /// Input errors.
    pub errors: usize,
}

/// ANSI styles, or empty strings when colour is off.
#[derive(Debug, Clone, Copy)]
pub struct Styles {
    bold: &'static str,
    red: &'static str,
    green: &'static str,
    dim: &'static str,
    reset: &'static str,
}

impl Styles {
    /// Styles with colour on or off.
    pub fn new(colour: bool) -> Self {
        if colour {
            Styles { bold: "\x1b[1m", red: "\x1b[31m", green: "\x1b[32m", dim: "\x1b[2m", reset: "\x1b[0m" }
        } else {
            Styles { bold: "", red: "", green: "", dim: "", reset: "" }
        }
    }
}

/// One checked pod in JSON output.
#[derive(Serialize)]
struct Record<'a> {
    source: &'a str,
    document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    kind: &'a str,
    name: Option<&'a str>,
    namespace: Option<&'a str>,
    level: Level,
    version: Version,
    allowed: bool,
    violations: &'a [Violation],
}

#[derive(Serialize)]
struct JsonSummary {
    level: Level,
    version: Version,
    #[serde(flatten)]
    counts: Summary,
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
    level_version: LevelVersion,
    results: usize,
}

impl<W: Write, E: Write> Report<W, E> {
    /// A report in `format`; `verbose` lists allowed pods in text output.
    pub fn new(
        out: W,
        err: E,
        format: Format,
        verbose: bool,
        (out_styles, err_styles): (Styles, Styles),
        level_version: LevelVersion,
    ) -> Self {
        Report { out, err, format, verbose, out_styles, err_styles, level_version, results: 0 }
    }

    /// Writes what comes before the results.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin(&mut self) -> io::Result<()> {
        if self.format == Format::Json {
            self.out.write_all(b"{\"results\":[")?;
        }
        Ok(())
    }

    /// Reports an evaluated pod.
    ///
    /// # Errors
    /// Writing failed.
    pub fn pod(&mut self, at: &Loc<'_>, pod: &PodDocument<'_>, result: &Evaluation) -> io::Result<()> {
        match self.format {
            Format::Text => {
                let s = self.out_styles;
                if let Some(message) = result.admission_message(pod.name().unwrap_or("")) {
                    writeln!(self.out, "{}{}{}: {}{message}{}", s.bold, at.place(), s.reset, s.red, s.reset)
                } else if self.verbose {
                    writeln!(
                        self.out,
                        "{}{}{}: {}pods {:?} is allowed by PodSecurity \"{}\"{}",
                        s.bold,
                        at.place(),
                        s.reset,
                        s.green,
                        pod.name().unwrap_or(""),
                        self.level_version,
                        s.reset
                    )
                } else {
                    Ok(())
                }
            }
            Format::Json | Format::Jsonl => {
                let record = Record {
                    source: &at.source.id,
                    document: at.document,
                    item: at.item,
                    line: at.line,
                    kind: "Pod",
                    name: pod.name(),
                    namespace: pod.namespace(),
                    level: self.level_version.level,
                    version: self.level_version.version,
                    allowed: result.allowed(),
                    violations: result.violations(),
                };
                if self.format == Format::Json && self.results > 0 {
                    self.out.write_all(b",\n")?;
                } else if self.format == Format::Json {
                    self.out.write_all(b"\n")?;
                }
                serde_json::to_writer(&mut self.out, &record).map_err(io::Error::from)?;
                if self.format == Format::Jsonl {
                    self.out.write_all(b"\n")?;
                }
                self.results += 1;
                Ok(())
            }
        }
    }

    /// Reports an object skipped because it is not a pod (a line in text output only).
    ///
    /// # Errors
    /// Writing failed.
    pub fn skipped(&mut self, at: &Loc<'_>, kind: Option<&str>, name: Option<&str>) -> io::Result<()> {
        if self.format != Format::Text {
            return Ok(());
        }
        let s = self.out_styles;
        write!(self.out, "{}{}{}: {}skipped ", s.bold, at.place(), s.reset, s.dim)?;
        match (kind, name) {
            (Some(kind), Some(name)) => write!(self.out, "{kind} {name:?}")?,
            (Some(kind), None) => write!(self.out, "{kind} without a name")?,
            (None, Some(name)) => write!(self.out, "object {name:?} without a kind")?,
            (None, None) => write!(self.out, "object without a kind")?,
        }
        writeln!(self.out, " (not a Pod){}", s.reset)
    }

    /// Reports an input error on the error stream (after flushing the results so far, so that the
    /// two streams interleave in order on a terminal).
    ///
    /// # Errors
    /// Flushing the results failed. Failing to write the error itself is ignored: there is nowhere
    /// left to report it.
    pub fn input_error(&mut self, error: &InputError) -> io::Result<()> {
        self.out.flush()?;
        let s = self.err_styles;
        let _ = writeln!(self.err, "pss: {}{}error:{} {error}", s.bold, s.red, s.reset);
        let _ = self.err.flush();
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
                writeln!(
                    self.out,
                    "checked {} at {}: {} allowed, {denied_on}{} denied{denied_off}; skipped {} (not a Pod); \
                     {errors_on}{}{errors_off}",
                    plural(summary.pods, "pod", "pods"),
                    self.level_version,
                    summary.allowed,
                    summary.denied,
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
                    level: self.level_version.level,
                    version: self.level_version.version,
                    counts: *summary,
                };
                serde_json::to_writer(&mut self.out, &summary).map_err(io::Error::from)?;
                self.out.write_all(b"}\n")?;
            }
            Format::Jsonl => {}
        }
        self.out.flush()
    }
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
