//! `--format junit`: JUnit XML, as CI systems (GitLab, Jenkins, Azure Pipelines, test-report
//! actions) read it, in the shape of the schema Jenkins' xUnit plugin and pytest use
//! (`junit-10.xsd`):
//!
//! - one `<testsuite>` per source (file or standard input) read, named by its path as given, with
//!   its counts (`tests`, `failures`, `errors`, `skipped`);
//! - one `<testcase>` per checked pod, pod controller and Namespace object, named by its kind,
//!   name and place (`Deployment "web" (document 1, line 6)`), `classname` the source;
//! - a denied object's testcase has a `<failure>` whose `message` is pss-core's denial message
//!   and whose text gives where each offending field is written (`deploy.yaml:27:19: PATH:
//!   REASON`, as text output shows it); an exempt object's has `<skipped>`; warnings go to
//!   `<system-out>` (`Warning: ...`, as kubectl prints them);
//! - an input error is a testcase of its source with an `<error>` (its message pss's error text).
//!
//! A source's testsuite is written once the source is read (its counts come first), so memory
//! holds one source's testcases at a time.

use std::fmt::Write as _;
use std::io::{self, Write};

use pss_core::admission::Exemption;
use pss_core::Violation;

use crate::error::InputError;
use crate::input::SourceName;
use crate::report::{Loc, NamespaceOutcome, Outcome};

/// Text made safe for XML 1.0 content or attribute values: markup characters escaped, line
/// breaks and tabs kept (as character references in attributes), other characters XML cannot
/// hold replaced by U+FFFD.
fn escape(text: &str, attribute: bool, out: &mut String) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            _ => out.push(c),
        }
    }
}

fn attr(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape(text, true, &mut out);
    out
}

fn content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    escape(text, false, &mut out);
    out
}

/// One source's testsuite, until it is written.
#[derive(Debug, Default)]
struct Suite {
    name: String,
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
    body: String,
}

/// A JUnit report being written.
#[derive(Debug, Default)]
pub struct Junit {
    suite: Option<Suite>,
}

/// Where an object is in its source, for a testcase name: `document 1, item 2, line 6`.
fn place_words(document: usize, item: Option<usize>, line: Option<usize>) -> String {
    let mut words = format!("document {}", document + 1);
    if let Some(item) = item {
        let _ = write!(words, ", item {}", item + 1);
    }
    if let Some(line) = line {
        let _ = write!(words, ", line {line}");
    }
    words
}

impl Junit {
    /// Writes what comes before the testsuites.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        out.write_all(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"pss check\">\n")
    }

    /// Starts the testsuite of a new source (writing the previous one).
    ///
    /// # Errors
    /// Writing failed.
    pub fn source<W: Write>(&mut self, out: &mut W, name: &SourceName) -> io::Result<()> {
        self.flush(out)?;
        self.suite = Some(Suite { name: name.shown.clone(), ..Suite::default() });
        Ok(())
    }

    /// The suite of `source`: the current one, or a new one when the current one is another
    /// source's (an error naming a path that was never opened).
    fn suite<W: Write>(&mut self, out: &mut W, source: &str) -> io::Result<&mut Suite> {
        if self.suite.as_ref().is_none_or(|s| s.name != source) {
            self.flush(out)?;
            self.suite = Some(Suite { name: source.to_owned(), ..Suite::default() });
        }
        Ok(self.suite.get_or_insert_with(Suite::default))
    }

    fn flush<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        let Some(suite) = self.suite.take() else { return Ok(()) };
        let name = attr(&suite.name);
        writeln!(
            out,
            "  <testsuite name=\"{name}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
            suite.tests, suite.failures, suite.errors, suite.skipped
        )?;
        out.write_all(suite.body.as_bytes())?;
        out.write_all(b"  </testsuite>\n")
    }

    /// Adds the testcase of an evaluated pod or pod controller.
    ///
    /// # Errors
    /// Writing an earlier testsuite failed.
    pub fn workload<W: Write>(&mut self, out: &mut W, at: &Loc<'_>, o: &Outcome<'_>) -> io::Result<()> {
        let place = place_words(at.document, at.item, at.line);
        let name = format!("{} \"{}\" ({place})", o.kind.kind(), o.name.unwrap_or(""));
        let suite = self.suite(out, &at.source.shown)?;
        suite.tests += 1;
        let _ = writeln!(suite.body, "    <testcase name=\"{}\" classname=\"{}\">", attr(&name), attr(&suite.name));
        if let Some(denial) = o.denial {
            suite.failures += 1;
            let _ = write!(suite.body, "      <failure type=\"PodSecurity\" message=\"{}\">", attr(denial));
            suite.body.push_str(&content(&field_lines(at, o.violations)));
            suite.body.push_str("</failure>\n");
        } else if let Some(exemption) = o.decision.exemption() {
            suite.skipped += 1;
            let _ = writeln!(suite.body, "      <skipped message=\"{}\"/>", attr(exemption.describe()));
        }
        system_out(&mut suite.body, o.decision.warnings());
        suite.body.push_str("    </testcase>\n");
        Ok(())
    }

    /// Adds the testcase of a Namespace object (a failure when its PodSecurity labels are invalid).
    ///
    /// # Errors
    /// Writing an earlier testsuite failed.
    pub fn namespace<W: Write>(&mut self, out: &mut W, at: &Loc<'_>, o: &NamespaceOutcome<'_>) -> io::Result<()> {
        let name = format!("Namespace \"{}\" ({})", o.name, place_words(at.document, at.item, at.line));
        let suite = self.suite(out, &at.source.shown)?;
        suite.tests += 1;
        let _ = writeln!(suite.body, "    <testcase name=\"{}\" classname=\"{}\">", attr(&name), attr(&suite.name));
        if let Some(invalid) = o.review.invalid() {
            suite.failures += 1;
            let _ = writeln!(suite.body, "      <failure type=\"PodSecurity\" message=\"{}\"/>", attr(invalid));
        } else if o.exempt {
            suite.skipped += 1;
            let _ = writeln!(suite.body, "      <skipped message=\"{}\"/>", attr(Exemption::Namespace.describe()));
        }
        system_out(&mut suite.body, o.review.warnings());
        suite.body.push_str("    </testcase>\n");
        Ok(())
    }

    /// Adds an input error as a testcase in error.
    ///
    /// # Errors
    /// Writing an earlier testsuite failed.
    pub fn input_error<W: Write>(&mut self, out: &mut W, error: &InputError) -> io::Result<()> {
        let (source, ..) = error.place_in_source();
        let name = match error {
            InputError::Read { .. } => "read".to_owned(),
            InputError::Manifest { at, .. } | InputError::Document { at, .. } | InputError::TooLarge { at, .. } => {
                place_words(at.document, at.item, at.line)
            }
        };
        let suite = self.suite(out, source)?;
        suite.tests += 1;
        suite.errors += 1;
        let _ = writeln!(
            suite.body,
            "    <testcase name=\"{}\" classname=\"{}\">\n      <error type=\"InputError\" message=\"{}\"/>\n    </testcase>",
            attr(&name),
            attr(&suite.name),
            attr(&error.to_string())
        );
        Ok(())
    }

    /// Writes the last testsuite and the end.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        self.flush(out)?;
        out.write_all(b"</testsuites>\n")
    }
}

/// Where each offending field is written, one line each: `SOURCE:LINE:COLUMN: PATH: REASON`.
fn field_lines(at: &Loc<'_>, violations: &[Violation]) -> String {
    let mut text = String::new();
    for violation in violations {
        for field in violation.fields() {
            match at.locator {
                Some(locator) => {
                    let place = locator.locate(&field.path().to_string()).position;
                    let _ = write!(text, "\n{}:{}:{}: ", at.source.shown, place.line, place.column);
                }
                None => text.push('\n'),
            }
            let _ = write!(text, "{}: {}", field.path(), violation.reason());
        }
    }
    if !text.is_empty() {
        text.push('\n');
    }
    text
}

fn system_out(body: &mut String, warnings: &[String]) {
    if warnings.is_empty() {
        return;
    }
    body.push_str("      <system-out>");
    for warning in warnings {
        body.push_str(&content(&format!("Warning: {warning}\n")));
    }
    body.push_str("</system-out>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_what_xml_cannot_hold() {
        assert_eq!(attr("a\"<b>&'\n\t\r"), "a&quot;&lt;b&gt;&amp;'&#10;&#9;&#13;");
        assert_eq!(content("a\"<b>\n\t\u{1}\u{fffe}"), "a\"&lt;b&gt;\n\t\u{fffd}\u{fffd}");
    }
}
