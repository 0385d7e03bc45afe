//! `--format sarif`: SARIF 2.1.0 (<https://docs.oasis-open.org/sarif/sarif/v2.1.0/>) for code
//! scanning (GitHub's and others').
//!
//! - `tool.driver.rules`: one rule per check of [`CheckId::ALL`] (in that order, so a result's
//!   `ruleIndex` is the check's place there), with pss-core's texts for the check
//!   ([`CheckId::title`], [`CheckId::description`]) and a link to the Pod Security Standards.
//! - `results`: one per offending *place*: each violation of a denied object gives a result at
//!   level `error` for each distinct position of its offending fields (fields at one position, such
//!   as two missing fields placed at their common parent, make one result). GitHub code scanning
//!   annotates a result at its first location only and merges results of one rule on one line, so
//!   one result per place annotates every offending line once, where one result per violation would
//!   annotate only the first field's line, and one result per field would show duplicates. Each
//!   result's message is pss-core's text of the violation (`reason (detail)`, as in the API
//!   server's message); its properties name the object, the policy and the field paths.
//!   Violations of the namespace's warn level that are not already errors at the same place are
//!   results at level `warning`.
//! - `invocations[0].toolExecutionNotifications`: input errors, and Namespace objects whose
//!   PodSecurity labels are invalid (denied, but not a violation of a check), at level `error`;
//!   `executionSuccessful` is false when there was an input error.
//!
//! Paths are written as URI references relative to the working directory as given (absolute paths
//! as `file://` URIs); standard input has no physical location. Columns count characters
//! (`columnKind: unicodeCodePoints`), as pss-manifest counts them.

use std::io::{self, Write};

use pss_core::{CheckId, Evaluation, Level, Violation};
use serde_json::{json, Value};

use crate::error::InputError;
use crate::report::{Loc, NamespaceOutcome, Outcome};

/// The Pod Security Standards, which every rule links to.
pub const HELP_URI: &str = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";

/// The schema SARIF 2.1.0 logs name (OASIS, errata 01).
const SCHEMA: &str = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// How standard input is shown in messages.
const STDIN_SHOWN: &str = "<stdin>";

/// A line and column, as far as known.
type Place = (Option<usize>, Option<usize>);

/// A SARIF log being written: the results stream out, the notifications are kept for the end.
#[derive(Debug, Default)]
pub struct Sarif {
    results: usize,
    notifications: Vec<Value>,
}

/// A check id as a SARIF rule name: `capabilities_baseline` -> `CapabilitiesBaseline`.
fn rule_name(id: CheckId) -> String {
    let mut name = String::new();
    let mut upper = true;
    for c in id.as_str().chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            name.extend(c.to_uppercase());
            upper = false;
        } else {
            name.push(c);
        }
    }
    name
}

fn level_title(level: Level) -> &'static str {
    match level {
        Level::Privileged => "Privileged",
        Level::Baseline => "Baseline",
        Level::Restricted => "Restricted",
    }
}

/// The rule for one check.
fn rule(id: CheckId) -> Value {
    let (title, description, level) = (id.title(), id.description(), id.level());
    let policy = level_title(level);
    json!({
        "id": id.as_str(),
        "name": rule_name(id),
        "shortDescription": { "text": format!("{title} ({policy} policy)") },
        "fullDescription": { "text": description },
        "help": {
            "text": format!("{description}\n\nPod Security Standards, {policy} policy, control \"{title}\": {HELP_URI}#{level}"),
            "markdown": format!("{description}\n\nPod Security Standards, [{policy} policy]({HELP_URI}#{level}), control **{title}**."),
        },
        "helpUri": HELP_URI,
        "defaultConfiguration": { "level": "error" },
        "properties": {
            "tags": ["security", "kubernetes", "pod-security-standards", level.as_str()],
            "precision": "very-high",
        },
    })
}

/// A path as a URI reference: relative paths stay relative (`./` dropped), absolute ones become
/// `file://` URIs; every byte but unreserved characters and `/` is percent-encoded.
pub fn uri_of(path: &str) -> String {
    let path = if cfg!(windows) { path.replace('\\', "/") } else { path.to_owned() };
    let mut rest = path.as_str();
    while let Some(after) = rest.strip_prefix("./") {
        rest = after.trim_start_matches('/');
    }
    let mut uri = String::with_capacity(rest.len() + 8);
    if rest.starts_with('/') {
        uri.push_str("file://");
    } else if cfg!(windows) && rest.as_bytes().get(1) == Some(&b':') {
        uri.push_str("file:///");
    }
    for &b in rest.as_bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') || (cfg!(windows) && b == b':') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    uri
}

/// A location in `source` (none for standard input), at `line` and `column` when known.
fn location(source: &str, line: Option<usize>, column: Option<usize>) -> Option<Value> {
    if source == STDIN_SHOWN {
        return None;
    }
    let mut physical = json!({ "artifactLocation": { "uri": uri_of(source) } });
    if let Some(line) = line.filter(|&l| l > 0) {
        let mut region = json!({ "startLine": line });
        if let Some(column) = column.filter(|&c| c > 0) {
            region["startColumn"] = json!(column);
        }
        physical["region"] = region;
    }
    Some(json!({ "physicalLocation": physical }))
}

impl Sarif {
    /// Writes everything before the first result.
    ///
    /// # Errors
    /// Writing failed.
    pub fn begin<W: Write>(&mut self, out: &mut W) -> io::Result<()> {
        let mut driver = json!({
            "name": "pss",
            "version": env!("CARGO_PKG_VERSION"),
            "semanticVersion": env!("CARGO_PKG_VERSION"),
            "rules": CheckId::ALL.map(rule),
        });
        let repository = env!("CARGO_PKG_REPOSITORY");
        if !repository.is_empty() {
            driver["informationUri"] = json!(repository);
        }
        let head = json!({ "$schema": SCHEMA, "version": "2.1.0" });
        let head = serde_json::to_string(&head).map_err(io::Error::from)?;
        let driver = serde_json::to_string(&json!({ "driver": driver })).map_err(io::Error::from)?;
        write!(
            out,
            "{},\"runs\":[{{\"tool\":{driver},\"columnKind\":\"unicodeCodePoints\",\"results\":[",
            &head[..head.len() - 1]
        )
    }

    fn result<W: Write>(&mut self, out: &mut W, result: &Value) -> io::Result<()> {
        out.write_all(if self.results == 0 { b"\n" } else { b",\n" })?;
        serde_json::to_writer(&mut *out, result).map_err(io::Error::from)?;
        self.results += 1;
        Ok(())
    }

    /// Writes the results of one evaluated pod or pod controller.
    ///
    /// # Errors
    /// Writing failed.
    pub fn workload<W: Write>(&mut self, out: &mut W, at: &Loc<'_>, o: &Outcome<'_>) -> io::Result<()> {
        let policy = o.decision.policy();
        let object = json!({
            "kind": o.kind.kind(),
            "name": o.name,
            "namespace": o.namespace,
            "document": at.document + 1,
            "item": at.item.map(|i| i + 1),
        });
        // (check, line, column) of the results written, so that a warning already an error is not repeated.
        let mut written: Vec<(CheckId, Place)> = Vec::new();
        if o.denial.is_some() {
            for violation in o.violations {
                self.violation(out, at, violation, "error", &policy.enforce.to_string(), &object, &mut written)?;
            }
        }
        if let Some(warn) = o.decision.warn().filter(|e| !e.allowed()).map(Evaluation::violations) {
            for violation in warn {
                self.violation(out, at, violation, "warning", &policy.warn.to_string(), &object, &mut written)?;
            }
        }
        Ok(())
    }

    /// Writes one result per distinct place of a violation's fields (one result at the object's
    /// line when there is no locator or no field).
    #[allow(clippy::too_many_arguments)]
    fn violation<W: Write>(
        &mut self,
        out: &mut W,
        at: &Loc<'_>,
        violation: &Violation,
        level: &str,
        policy: &str,
        object: &Value,
        written: &mut Vec<(CheckId, Place)>,
    ) -> io::Result<()> {
        let mut places: Vec<(Place, Vec<String>)> = Vec::new();
        for field in violation.fields() {
            let path = field.path().to_string();
            let place = match at.locator {
                Some(locator) => {
                    let p = locator.locate(&path).position;
                    (Some(p.line), Some(p.column))
                }
                None => (at.line, None),
            };
            match places.iter_mut().find(|(p, _)| *p == place) {
                Some((_, paths)) => paths.push(path),
                None => places.push((place, vec![path])),
            }
        }
        if places.is_empty() {
            places.push(((at.line, None), Vec::new()));
        }
        let id = violation.check();
        let index = CheckId::ALL.iter().position(|&c| c == id).unwrap_or(0);
        for ((line, column), paths) in places {
            if written.contains(&(id, (line, column))) {
                continue;
            }
            written.push((id, (line, column)));
            let mut result = json!({
                "ruleId": id.as_str(),
                "ruleIndex": index,
                "level": level,
                "message": { "text": violation.to_string() },
                "properties": { "object": object, "policy": policy, "fields": paths },
            });
            if let Some(location) = location(&at.source.shown, line, column) {
                result["locations"] = json!([location]);
            } else {
                result["locations"] = json!([{ "message": { "text": "standard input" } }]);
            }
            self.result(out, &result)?;
        }
        Ok(())
    }

    /// Records a Namespace object whose labels are invalid (a notification: no check failed).
    pub fn namespace(&mut self, at: &Loc<'_>, o: &NamespaceOutcome<'_>) {
        if let Some(invalid) = o.review.invalid() {
            self.notify(&at.source.shown, at.line, None, invalid);
        }
    }

    /// Records an input error.
    pub fn input_error(&mut self, error: &InputError) {
        let (source, line, column) = error.place_in_source();
        self.notify(source, line, column, &error.to_string());
    }

    fn notify(&mut self, source: &str, line: Option<usize>, column: Option<usize>, text: &str) {
        let mut notification = json!({ "level": "error", "message": { "text": text } });
        if let Some(location) = location(source, line, column) {
            notification["locations"] = json!([location]);
        }
        self.notifications.push(notification);
    }

    /// Writes everything after the last result.
    ///
    /// # Errors
    /// Writing failed.
    pub fn finish<W: Write>(&mut self, out: &mut W, input_errors: usize) -> io::Result<()> {
        let invocation = json!({
            "executionSuccessful": input_errors == 0,
            "toolExecutionNotifications": std::mem::take(&mut self.notifications),
        });
        out.write_all(if self.results == 0 { b"]" } else { b"\n]" })?;
        out.write_all(b",\"invocations\":[")?;
        serde_json::to_writer(&mut *out, &invocation).map_err(io::Error::from)?;
        out.write_all(b"]}]}\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rule_names_are_pascal_case_ids() {
        assert_eq!(rule_name(CheckId::CapabilitiesBaseline), "CapabilitiesBaseline");
        assert_eq!(rule_name(CheckId::SeLinuxOptions), "SeLinuxOptions");
        assert_eq!(rule_name(CheckId::Privileged), "Privileged");
    }

    #[test]
    fn paths_become_uri_references() {
        assert_eq!(uri_of("examples/deployment.yaml"), "examples/deployment.yaml");
        assert_eq!(uri_of("./k8s/a b.yaml"), "k8s/a%20b.yaml");
        assert_eq!(uri_of(".//x.yaml"), "x.yaml");
        assert_eq!(uri_of("../up/x#1.yaml"), "../up/x%231.yaml");
        assert_eq!(uri_of("c:d.yaml"), if cfg!(windows) { "file:///c:d.yaml" } else { "c%3Ad.yaml" });
        assert_eq!(uri_of("/abs/dé.yaml"), "file:///abs/d%C3%A9.yaml");
    }

    #[test]
    fn every_check_has_a_rule_in_order() {
        let rules: Vec<Value> = CheckId::ALL.map(rule).into();
        assert_eq!(rules.len(), 19);
        for (rule, id) in rules.iter().zip(CheckId::ALL) {
            assert_eq!(rule["id"], id.as_str());
            assert_eq!(rule["fullDescription"]["text"], id.description());
            assert!(rule["shortDescription"]["text"].as_str().unwrap().starts_with(id.title()));
            assert_eq!(rule["helpUri"], HELP_URI);
        }
    }
}
