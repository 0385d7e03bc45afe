//! `pss fix --level L [--version V] [--safe-only] [--write] [--format diff|jsonl] PATH...`: the
//! smallest change that makes each workload in the manifests pass a level, as pss-core's
//! remediation finds and proves it, written into the manifests' own text.
//!
//! Each document is read as kubectl reads it (pss-manifest); each workload in it (a List's items
//! too) gets pss-core's patch; the patch is applied to the document's text by [`edit`], which
//! changes nothing else; and the edited text is read again and must read as pss-core's patched
//! object, or nothing is written for that document.

pub(crate) mod cst;
pub mod diff;
pub mod edit;

use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use pss_core::remediate::{Remediation, RemediationError, Remediator, Segment};
use pss_core::{Level, LevelVersion, NoPodTemplate, ObjectClass, ObjectHeader, Version};
use pss_manifest::{Locator, Options, Reader, Syntax};
use serde::Serialize;
use serde_json::Value as Json;

use crate::error::{OutputError, Place, RunError};
use crate::input::{self, Source};
use crate::limits::Limits;
use edit::{Edit, Op, Seen, Step};

/// `pss fix --help`'s description.
pub const ABOUT: &str = "\
Change pods and pod controllers in YAML or JSON manifests, as little as needed, so that they pass a
Pod Security Standards level, and prove it: each fix is evaluated again by the same engine that
judged the workload.

For each workload (Pod, PodTemplate, ReplicationController, ReplicaSet, Deployment, StatefulSet,
DaemonSet, Job, CronJob; each item of a List) that violates LEVEL at VERSION, pss finds the
smallest change to its fields that cures the violations: for every violating field the one change
that cures it, and no field that no violation names. Safe changes tighten security with no
expected change in behaviour (allowPrivilegeEscalation=false, capabilities.drop=[\"ALL\"],
seccompProfile.type=RuntimeDefault, runAsNonRoot=true, removing a forbidden AppArmor, seccomp,
SELinux, procMount or sysctl setting). Breaking changes may change what the workload can do
(privileged, host namespaces and hostProcess set to false; host ports, probe hosts and added
capabilities removed; a restricted volume source replaced by emptyDir: {}; runAsUser=0 replaced by
1000); --safe-only leaves them out and reports what they would have cured. runAsNonRoot and
seccompProfile are set once in the pod's securityContext, unless a container sets its own value.
Some violations cannot be cured without a change the API server or the kubelet would refuse (say
allowPrivilegeEscalation=false in a container that stays privileged): they are reported with why.

The manifests' text changes only where a fix does: comments, key order, quoting, indentation,
block or flow style, and the other documents stay byte for byte. New fields are written in the
style around them. A field written through a YAML alias, or inside an anchor an alias repeats, is
not edited (it would change the other place too); the document is reported and left as it is.
Before anything is shown or written, each edited document is read again as kubectl reads it and
must be exactly the fixed workload.";

/// `pss fix --help`'s details.
pub const AFTER_HELP: &str = "\
Input:
  Each PATH is a file, a directory (walked recursively for *.yaml, *.yml, *.json and *.jsonl), or
  '-' for standard input (not with --write). Documents are read as by 'pss check'.

Output (--format):
  diff   (the default) A unified diff of each manifest that changes, for 'patch -p0' or review:
           --- manifests/web.yaml
           +++ manifests/web.yaml
           @@ -12,6 +12,8 @@
           ...
         Workloads left with violations are listed on standard error with why, then a summary.
  jsonl  One JSON object per workload evaluated, one per line:
           {\"source\": \"manifests/web.yaml\", \"document\": 0, \"kind\": \"Deployment\", \"name\": \"web\",
            \"fixed\": true, \"patch\": [{\"op\": \"add\", \"path\": \"/spec/template/spec/securityContext\",
            \"value\": {...}, \"safety\": \"safe\", \"cures\": [{\"check\": \"runAsNonRoot\", \"path\":
            \"spec.template.spec.containers[0].securityContext.runAsNonRoot\", \"value\": null,
            \"container\": \"web\"}], \"explanation\": \"...\"}], \"object\": {...}, \"unfixable\": []}
         'document' is the 0-based index of the document in its source ('item', only for objects in
         a List, the 0-based index in 'items'); 'fixed' whether the fixed object passes; 'patch' the
         RFC 6902 JSON Patch against the object (each operation with pss's 'safety', 'cures' and
         'explanation' beside 'op', 'path' and 'value', which JSON Patch tools ignore); 'object' the
         fixed object; 'unfixable' the violating fields left: check, path, value, container, reason
         (a code) and explanation.
  With --write the manifests are changed in place (each through a temporary file renamed over
  it); the diff is not printed.

Exit status:
  0  every workload passes (after its fix)
  1  at least one workload still violates the level (what is left cannot be fixed, or is a
     breaking change with --safe-only), and there was no error
  2  usage error, an input error (unreadable file, malformed document), or a document whose fix
     could not be written into its text exactly (it is reported and left as it is)

Examples:
  pss fix --level restricted manifests/
  pss fix --level restricted --safe-only --write manifests/
  pss fix --level baseline --version v1.29 --format jsonl deploy.yaml
  helm template my-chart | pss fix --level restricted -";

/// `pss fix`'s arguments.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// The level to pass: baseline or restricted (privileged passes everything).
    #[arg(short, long, value_parser = parse_level)]
    pub level: Level,

    /// The version of the level: "latest" or "v1.N".
    #[arg(long = "version", default_value = "latest", value_parser = parse_version)]
    pub version: Version,

    /// Only safe changes; violations whose fix may break the workload are reported, not fixed.
    #[arg(long)]
    pub safe_only: bool,

    /// Change the files in place instead of printing a diff.
    #[arg(short, long)]
    pub write: bool,

    /// Output format.
    #[arg(short, long, value_enum, default_value_t = FixFormat::Diff)]
    pub format: FixFormat,

    /// Files, directories, or '-' for standard input [default: -].
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,
}

fn parse_level(s: &str) -> Result<Level, pss_core::Error> {
    Level::parse(s)
}

fn parse_version(s: &str) -> Result<Version, pss_core::Error> {
    Version::parse(s)
}

/// `pss fix`'s output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FixFormat {
    /// A unified diff of each changed manifest.
    Diff,
    /// One JSON object per workload.
    Jsonl,
}

/// What `pss fix` found, for the summary and the exit status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FixSummary {
    /// Workloads evaluated.
    pub workloads: usize,
    /// Workloads changed.
    pub changed: usize,
    /// Workloads that still violate after their fix.
    pub unfixed: usize,
    /// Files (or standard input) whose text changed.
    pub files: usize,
    /// Input errors and documents whose fix could not be written.
    pub errors: usize,
}

impl FixSummary {
    /// The exit status.
    pub fn exit_code(&self) -> u8 {
        if self.errors > 0 {
            crate::EXIT_ERROR
        } else if self.unfixed > 0 {
            crate::EXIT_DENIED
        } else {
            crate::EXIT_ALLOWED
        }
    }
}

/// One workload's line in `--format jsonl`.
#[derive(Serialize)]
struct Record<'a> {
    source: &'a str,
    document: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    item: Option<usize>,
    kind: &'a str,
    name: Option<&'a str>,
    fixed: bool,
    patch: &'a [pss_core::remediate::Operation],
    object: Json,
    unfixable: &'a [pss_core::remediate::Unfixable],
}

/// A workload found in a document and its fix.
struct Workload {
    place: Place,
    item: Option<usize>,
    kind: String,
    name: Option<String>,
    fix: Remediation,
}

/// Runs `pss fix`: reads the PATHs (`stdin` for `-`), writes diffs or JSON lines to `out` (or the
/// files with `--write`), messages and the summary to `err`.
///
/// # Errors
/// Writing the output failed.
pub fn run<W: Write, E: Write>(
    args: &FixArgs,
    limits: Limits,
    stdin: &mut dyn Read,
    out: &mut W,
    err: &mut E,
) -> Result<FixSummary, RunError> {
    let lv = LevelVersion::new(args.level, args.version);
    let remediator = Remediator::new(lv).safe_only(args.safe_only);
    let paths = if args.paths.is_empty() { vec![PathBuf::from("-")] } else { args.paths.clone() };
    let mut summary = FixSummary::default();
    let mut stdin_read = false;
    let output = |e: io::Error| RunError::Output(OutputError(e));
    for arg in &paths {
        for source in input::expand(arg) {
            let source = match source {
                Ok(source) => source,
                Err(error) => {
                    summary.errors += 1;
                    writeln!(err, "pss: error: {error}").map_err(output)?;
                    continue;
                }
            };
            let name = source.name();
            let bytes = match &source {
                Source::Stdin if args.write => {
                    summary.errors += 1;
                    writeln!(err, "pss: error: standard input cannot be written in place (--write); give files")
                        .map_err(output)?;
                    continue;
                }
                Source::Stdin if stdin_read => Vec::new(),
                Source::Stdin => {
                    stdin_read = true;
                    let mut bytes = Vec::new();
                    match stdin.read_to_end(&mut bytes) {
                        Ok(_) => bytes,
                        Err(e) => {
                            summary.errors += 1;
                            writeln!(err, "pss: error: {}: {e}", name.shown).map_err(output)?;
                            continue;
                        }
                    }
                }
                Source::File(path) => match fs::read(path) {
                    Ok(bytes) => bytes,
                    Err(e) => {
                        summary.errors += 1;
                        writeln!(err, "pss: error: {}: {e}", name.shown).map_err(output)?;
                        continue;
                    }
                },
            };
            let fixed = fix_source(&name.shown, &bytes, &remediator, limits, err, &mut summary).map_err(output)?;
            for w in &fixed.workloads {
                summary.workloads += 1;
                summary.changed += usize::from(!w.fix.is_empty());
                summary.unfixed += usize::from(!w.fix.fixed());
                match args.format {
                    FixFormat::Jsonl => {
                        let object: Json = serde_json::from_str(&w.fix.patched_json()).unwrap_or(Json::Null);
                        let record = Record {
                            source: &name.id,
                            document: w.place.document,
                            item: w.item,
                            kind: &w.kind,
                            name: w.name.as_deref(),
                            fixed: w.fix.fixed(),
                            patch: w.fix.operations(),
                            object,
                            unfixable: w.fix.unfixable(),
                        };
                        serde_json::to_writer(&mut *out, &record).map_err(|e| output(e.into()))?;
                        writeln!(out).map_err(output)?;
                    }
                    FixFormat::Diff => {
                        for u in w.fix.unfixable() {
                            writeln!(
                                err,
                                "{}: {} {}: not fixed at {lv}: {} {}: {}",
                                w.place,
                                w.kind,
                                w.name.as_deref().map_or_else(|| "(no name)".to_owned(), |n| format!("{n:?}")),
                                u.check(),
                                u.path(),
                                u.reason()
                            )
                            .map_err(output)?;
                        }
                    }
                }
            }
            let Some(new_text) = fixed.text else { continue };
            summary.files += 1;
            match (&source, args.write) {
                (Source::File(path), true) => {
                    if let Err(e) = write_in_place(path, new_text.as_bytes()) {
                        summary.errors += 1;
                        writeln!(err, "pss: error: {}: cannot write: {e}", name.shown).map_err(output)?;
                    }
                }
                _ if args.format == FixFormat::Diff => {
                    let old = String::from_utf8_lossy(&bytes);
                    out.write_all(diff::unified(&name.shown, &old, &new_text).as_bytes()).map_err(output)?;
                }
                _ => {}
            }
        }
    }
    let plural = |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    writeln!(
        err,
        "pss fix {lv}{}: {}, {} changed, {} still violating; {} {}; {}",
        if args.safe_only { " (safe changes only)" } else { "" },
        plural(summary.workloads, "workload", "workloads"),
        summary.changed,
        summary.unfixed,
        plural(summary.files, "file", "files"),
        if args.write { "written" } else { "to change" },
        plural(summary.errors, "error", "errors"),
    )
    .map_err(output)?;
    out.flush().map_err(output)?;
    Ok(summary)
}

/// Replaces `path`'s content through a temporary file in the same directory, renamed over it, with
/// the original's permissions. A symbolic link stays one: the file it points to is replaced.
fn write_in_place(path: &Path, content: &[u8]) -> io::Result<()> {
    let path = &fs::canonicalize(path)?;
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let permissions = fs::metadata(path)?.permissions();
    let mut temp = tempfile::NamedTempFile::new_in(dir)?;
    temp.write_all(content)?;
    temp.as_file().sync_all()?;
    fs::set_permissions(temp.path(), permissions)?;
    temp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

/// One source's workloads and fixes, and its new text when it changes.
struct FixedSource {
    workloads: Vec<Workload>,
    text: Option<String>,
}

/// A document whose text is to be edited: where it is in the source, and its edits.
struct DocumentEdits {
    place: Place,
    /// Byte range of the document's text in the source.
    range: (usize, usize),
    /// Lines before the document's first line, and columns before its first byte on that line.
    offset: (usize, usize),
    /// The document's JSON as read, and as it must read after the edits.
    before: Json,
    after: Json,
    edits: Vec<Edit>,
    /// How the document is read again.
    syntax: Syntax,
}

fn fix_source<E: Write>(
    shown: &str,
    bytes: &[u8],
    remediator: &Remediator,
    limits: Limits,
    err: &mut E,
    summary: &mut FixSummary,
) -> io::Result<FixedSource> {
    let text = std::str::from_utf8(bytes)
        .ok()
        .filter(|_| !bytes.starts_with(&[0xff, 0xfe]) && !bytes.starts_with(&[0xfe, 0xff]));
    let mut reader = Reader::with_options(bytes, Options::with_max_document(limits.max_document));
    let mut workloads = Vec::new();
    let mut documents: Vec<DocumentEdits> = Vec::new();
    let problem = |err: &mut E, summary: &mut FixSummary, message: String| {
        summary.errors += 1;
        writeln!(err, "pss: error: {message}")
    };
    loop {
        let document = match reader.next_document()? {
            None => break,
            Some(Ok(document)) => document,
            Some(Err(error)) => {
                let place = Place {
                    source: shown.to_owned(),
                    document: error.document(),
                    item: None,
                    line: Some(error.line()),
                };
                problem(err, summary, format!("{place}: {error}"))?;
                continue;
            }
        };
        let place =
            Place { source: shown.to_owned(), document: document.index(), item: None, line: Some(document.line()) };
        let json = document.json();
        let header = match ObjectHeader::from_slice(json) {
            Ok(header) => header,
            Err(error) => {
                problem(err, summary, format!("{place}: {error}"))?;
                continue;
            }
        };
        // The workloads: the document, or a List's items.
        let class = header.class();
        let items = match class {
            ObjectClass::List => match document.items() {
                Ok(items) => items,
                Err(error) => {
                    problem(err, summary, format!("{place}: {error}"))?;
                    continue;
                }
            },
            _ => Vec::new(),
        };
        let mut found: Vec<(Option<usize>, &[u8], Place, Locator<'_>)> = Vec::new();
        match class {
            ObjectClass::Workload(_) => found.push((None, json, place.clone(), document.locator())),
            ObjectClass::List => {
                for item in &items {
                    if ObjectHeader::from_slice(item.json()).is_ok_and(|h| h.class().is_workload()) {
                        let item_place = Place { item: Some(item.index()), line: Some(item.line()), ..place.clone() };
                        found.push((Some(item.index()), item.json(), item_place, item.locator()));
                    }
                }
            }
            _ => continue,
        }
        let mut edits = Vec::new();
        let mut patched: Vec<(Option<usize>, Json)> = Vec::new();
        let mut failed = false;
        for (item, json, item_place, locator) in found {
            let fix = match remediator.object(json) {
                Ok(fix) => fix,
                Err(RemediationError::NotEvaluated(NoPodTemplate::TemplateAbsent { .. })) => continue,
                Err(error) => {
                    problem(err, summary, format!("{item_place}: {error}"))?;
                    failed = true;
                    continue;
                }
            };
            let prefix: Vec<Step> = item.map(|i| vec![Step::Key("items".into()), Step::Index(i)]).unwrap_or_default();
            for op in fix.operations() {
                let mut path = prefix.clone();
                path.extend(op.segments().iter().map(|s| match s {
                    Segment::Key(k) => Step::Key(k.clone()),
                    Segment::Index(i) => Step::Index(*i),
                    Segment::End => Step::End,
                }));
                let located = locator.locate(&dotted(op.segments()));
                let seen = Seen { line: located.position.line, column: located.position.column, exact: located.exact };
                let op_kind = match op.op() {
                    pss_core::remediate::OpKind::Add => Op::Add,
                    pss_core::remediate::OpKind::Replace => Op::Replace,
                    pss_core::remediate::OpKind::Remove => Op::Remove,
                };
                edits.push(Edit { op: op_kind, path, value: op.value().cloned(), seen: Some(seen) });
            }
            if !fix.is_empty() {
                patched.push((item, serde_json::from_str(&fix.patched_json()).unwrap_or(Json::Null)));
            }
            let header = ObjectHeader::from_slice(json).ok();
            let kind = header.as_ref().and_then(|h| h.kind().map(str::to_owned)).unwrap_or_default();
            let name = header.as_ref().and_then(|h| h.name().map(str::to_owned));
            workloads.push(Workload { place: item_place, item, kind, name, fix });
        }
        if edits.is_empty() || failed {
            continue;
        }
        let Some(text) = text else {
            problem(err, summary, format!("{place}: the fix cannot be written: the source is not UTF-8 text"))?;
            continue;
        };
        let before: Json = match serde_json::from_slice(json) {
            Ok(v) => v,
            Err(e) => {
                problem(err, summary, format!("{place}: {e}"))?;
                continue;
            }
        };
        let mut after = before.clone();
        for (item, object) in patched {
            match item {
                None => after = object,
                Some(i) => after["items"][i] = object,
            }
        }
        match document_range(text, document.syntax(), document.origin(), json) {
            Some((range, offset)) => {
                documents.push(DocumentEdits { place, range, offset, before, after, edits, syntax: document.syntax() })
            }
            None => problem(
                err,
                summary,
                format!("{place}: the fix cannot be written: the document's text was not found as read"),
            )?,
        }
    }
    let Some(text) = text else { return Ok(FixedSource { workloads, text: None }) };
    // Each document's text edited on its own, from the last so that earlier ranges stay valid.
    let mut new_text = text.to_owned();
    let mut changed = false;
    for d in documents.iter().rev() {
        let chunk = &text[d.range.0..d.range.1];
        let edits: Vec<Edit> =
            d.edits.iter().map(|e| Edit { seen: e.seen.and_then(|s| relative(s, d.offset)), ..e.clone() }).collect();
        match edit::apply(chunk, &d.before, &edits)
            .and_then(|edited| check_reading(&edited, d.syntax, &d.after).map(|()| edited))
        {
            Ok(edited) => {
                new_text.replace_range(d.range.0..d.range.1, &edited);
                changed = true;
            }
            Err(e) => {
                problem(
                    err,
                    summary,
                    format!(
                        "{}: the fix cannot be written into the text ({e}); the document is left as it is",
                        d.place
                    ),
                )?;
            }
        }
    }
    Ok(FixedSource { workloads, text: changed.then_some(new_text) })
}

/// A position in the source made relative to the document's text (`None` on the document's first
/// line when it does not start the line: columns there are counted differently).
fn relative(seen: Seen, (lines, columns): (usize, usize)) -> Option<Seen> {
    let line = seen.line.checked_sub(lines)?;
    if line == 1 && columns > 0 {
        return None;
    }
    Some(Seen { line, ..seen })
}

/// The document's text as edited must read (as kubectl reads it: YAML through pss-manifest, JSON
/// as JSON) as the fixed object.
fn check_reading(edited: &str, syntax: Syntax, want: &Json) -> Result<(), edit::EditError> {
    let unreadable = |message: String| edit::EditError { line: None, message };
    let got: Json = match syntax {
        Syntax::Json => {
            serde_json::from_str(edited).map_err(|e| unreadable(format!("the edited text does not read: {e}")))?
        }
        Syntax::Yaml => {
            let json = pss_manifest::yaml_to_json(edited, &Options::default())
                .map_err(|e| unreadable(format!("the edited text does not read: {e}")))?
                .ok_or_else(|| unreadable("the edited text reads as nothing".into()))?;
            serde_json::from_slice(&json).map_err(|e| unreadable(e.to_string()))?
        }
    };
    if got != *want {
        return Err(unreadable("the edited text does not read as the fixed object".into()));
    }
    Ok(())
}

/// Where a document's text is in the source: its byte range, and the lines and columns before it.
fn document_range(
    text: &str,
    syntax: Syntax,
    origin: pss_manifest::Position,
    json: &[u8],
) -> Option<((usize, usize), (usize, usize))> {
    let line_start = |line: usize| -> Option<usize> {
        if line == 1 {
            return Some(0);
        }
        text.match_indices('\n').nth(line - 2).map(|(i, _)| i + 1)
    };
    let start = line_start(origin.line)?;
    match syntax {
        Syntax::Json => {
            let start = start + origin.column - 1;
            let end = start + json.len();
            (text.as_bytes().get(start..end)? == json).then_some(((start, end), (origin.line - 1, origin.column - 1)))
        }
        Syntax::Yaml => {
            if origin.column != 1 {
                return None;
            }
            // To the next line kubectl cuts documents at: `---` then blanks or a comment.
            let mut end = text.len();
            let mut at = start;
            while at < text.len() {
                let line_end = text[at..].find('\n').map_or(text.len(), |i| at + i + 1);
                let line = &text[at..line_end];
                if let Some(rest) = line.strip_prefix("---") {
                    let rest = rest.trim();
                    if rest.is_empty() || rest.starts_with('#') {
                        end = at;
                        break;
                    }
                }
                at = line_end;
            }
            Some(((start, end), (origin.line - 1, 0)))
        }
    }
}

/// A JSON Pointer's segments as pss-core writes field paths (`spec.containers[0].securityContext`,
/// `metadata.annotations[a/b]`), for the manifest reader's locator.
fn dotted(segments: &[Segment]) -> String {
    let mut out = String::new();
    for s in segments {
        match s {
            Segment::Key(k) if k.contains(['.', '[', ']', '/']) => {
                out.push('[');
                out.push_str(k);
                out.push(']');
            }
            Segment::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Segment::Index(i) => out.push_str(&format!("[{i}]")),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_become_field_paths() {
        let k = |s: &str| Segment::Key(s.to_owned());
        assert_eq!(
            dotted(&[k("spec"), k("containers"), Segment::Index(0), k("securityContext"), Segment::End]),
            "spec.containers[0].securityContext"
        );
        assert_eq!(
            dotted(&[k("metadata"), k("annotations"), k("container.apparmor.security.beta.kubernetes.io/c")]),
            "metadata.annotations[container.apparmor.security.beta.kubernetes.io/c]"
        );
    }

    #[test]
    fn document_ranges() {
        let text = "a: 1\n---\n# c\nkind: Pod\n--- # x\nb: 2\n";
        let origin = |line, column| pss_manifest::Position { line, column };
        assert_eq!(document_range(text, Syntax::Yaml, origin(3, 1), b""), Some(((9, 23), (2, 0))));
        assert_eq!(document_range(text, Syntax::Yaml, origin(6, 1), b""), Some(((31, 36), (5, 0))));
        let text = "{\"a\": 1}\n  {\"b\": 2}";
        assert_eq!(document_range(text, Syntax::Json, origin(2, 3), br#"{"b": 2}"#), Some(((11, 19), (1, 2))));
        assert_eq!(document_range(text, Syntax::Json, origin(2, 3), br#"{"b": 3}"#), None);
    }
}
