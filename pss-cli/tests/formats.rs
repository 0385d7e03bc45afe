//! `--format sarif` and `--format junit`: what they hold (checked against `--format jsonl` over the
//! same input: the same objects, verdicts, messages and positions), and that they are valid against
//! the official schemas: the OASIS SARIF 2.1.0 JSON schema and the JUnit XML schema Jenkins and
//! pytest use, with validators from PyPI (scripts/setup-report-schemas.sh installs them; without
//! them the schema test says so, and fails when `CI` is set).

mod common;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{examples_copy, json_lines, pss_in, TempDir};
use pss_core::CheckId;
use serde_json::Value;

/// A few inputs that exercise every kind of report entry: denials, warnings (a stricter warn
/// level), exemptions, Lists, an invalid Namespace, input errors, names XML cannot hold as such.
fn cases(dir: &TempDir) -> Vec<(&'static str, Vec<String>)> {
    dir.write(
        "odd/a b#1é.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: \"ctl\\x01<&>\\\"'\"\nspec:\n  hostPID: true\n  containers:\n  - \
         name: c\n    image: i\n    securityContext: {privileged: true, runAsUser: 0}\n---\napiVersion: v1\nkind: \
         Namespace\nmetadata:\n  name: bad\n  labels:\n    pod-security.kubernetes.io/enforce: strict\n---\nkind: Pod\n\
         metadata: {name: broken\nspec: [\n---\n{\"kind\": \"Pod\", \"metadata\": {\"name\": 5}}\n",
    );
    let args = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    vec![
        ("examples", args(&["examples/"])),
        ("config", args(&["--admission-config", "examples/admission-config.yaml", "examples/"])),
        ("restricted", args(&["--level", "restricted", "examples/pod-list.json", "./examples/deployment.yaml"])),
        ("errors", args(&["odd/a b#1é.yaml", "missing.yaml", "examples/privileged-pod.yaml"])),
        ("empty", args(&["examples/restricted-pod.yaml"])),
    ]
}

fn run(dir: &TempDir, format: &str, args: &[String]) -> (String, i32) {
    let mut all: Vec<&str> = vec!["check", "--format", format];
    all.extend(args.iter().map(String::as_str));
    let out = pss_in(dir.path(), &all, b"");
    (out.stdout, out.code)
}

/// (source, check, line, column, level) of each expected SARIF result, from `--format jsonl`: the
/// enforce violations of a denied object as errors, one per distinct place.
fn expected_errors(records: &[Value]) -> BTreeSet<(String, String, u64, u64)> {
    let mut out = BTreeSet::new();
    for record in records.iter().filter(|r| r["allowed"] == false && r["kind"] != "Namespace") {
        for violation in record["violations"].as_array().unwrap() {
            for field in violation["fields"].as_array().unwrap() {
                out.insert((
                    record["source"].as_str().unwrap().to_owned(),
                    violation["check"].as_str().unwrap().to_owned(),
                    field["line"].as_u64().unwrap(),
                    field["column"].as_u64().unwrap(),
                ));
            }
        }
    }
    out
}

#[test]
fn sarif_holds_a_rule_per_check_and_a_result_per_offending_place() {
    let dir = examples_copy("sarif");
    for (name, args) in cases(&dir) {
        let (jsonl, jsonl_code) = run(&dir, "jsonl", &args);
        let records = json_lines(&jsonl);
        let (sarif, code) = run(&dir, "sarif", &args);
        assert_eq!(code, jsonl_code, "{name}: the exit status is the format's business");
        let log: Value = serde_json::from_str(&sarif).unwrap_or_else(|e| panic!("{name}: {e}\n{sarif}"));
        assert_eq!(log["version"], "2.1.0");
        let run = &log["runs"][0];
        assert_eq!(run["tool"]["driver"]["name"], "pss");
        assert_eq!(run["columnKind"], "unicodeCodePoints");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        assert_eq!(rules.len(), CheckId::ALL.len());
        for (rule, id) in rules.iter().zip(CheckId::ALL) {
            assert_eq!(rule["id"], id.as_str());
            assert_eq!(rule["fullDescription"]["text"], id.description());
            assert!(rule["help"]["text"].as_str().unwrap().starts_with(id.description()));
            assert!(rule["shortDescription"]["text"].as_str().unwrap().starts_with(id.title()));
            assert_eq!(rule["helpUri"], "https://kubernetes.io/docs/concepts/security/pod-security-standards/");
        }
        let results = run["results"].as_array().unwrap();
        let mut errors = BTreeSet::new();
        let mut warnings = 0;
        for result in results {
            let index = result["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(result["ruleId"], CheckId::ALL[index].as_str(), "{name}");
            let location = &result["locations"][0]["physicalLocation"];
            let uri = location["artifactLocation"]["uri"].as_str().unwrap();
            let place = (
                uri.to_owned(),
                result["ruleId"].as_str().unwrap().to_owned(),
                location["region"]["startLine"].as_u64().unwrap(),
                location["region"]["startColumn"].as_u64().unwrap(),
            );
            match result["level"].as_str().unwrap() {
                "error" => assert!(errors.insert(place), "{name}: one result per place"),
                "warning" => warnings += 1,
                other => panic!("{name}: level {other}"),
            }
            assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        }
        // The same places as the JSON output's fields, paths written as URI references.
        let expected: BTreeSet<_> = expected_errors(&records)
            .into_iter()
            .map(|(source, check, line, column)| {
                let uri =
                    source.trim_start_matches("./").replace(' ', "%20").replace('#', "%23").replace('é', "%C3%A9");
                (uri, check, line, column)
            })
            .collect();
        assert_eq!(errors, expected, "{name}");
        let warned = records
            .iter()
            .any(|r| r["policy"]["warn"] != r["policy"]["enforce"] && r["warnings"] != Value::Array(vec![]));
        assert_eq!(warnings > 0, warned, "{name}: warnings of a stricter warn level");
        let invocation = &run["invocations"][0];
        let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
        assert_eq!(invocation["executionSuccessful"], code != 2, "{name}");
        if name == "errors" {
            let texts: Vec<&str> = notifications.iter().map(|n| n["message"]["text"].as_str().unwrap()).collect();
            assert_eq!(texts.len(), 4, "{texts:?}");
            assert!(texts.iter().any(|t| t.contains("Namespace \"bad\" is invalid")), "{texts:?}");
            assert!(texts.iter().any(|t| t.starts_with("missing.yaml: ")), "{texts:?}");
            let broken =
                notifications.iter().find(|n| n["message"]["text"].as_str().unwrap().contains("document 3")).unwrap();
            assert_eq!(
                broken["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                "odd/a%20b%231%C3%A9.yaml"
            );
            assert!(broken["locations"][0]["physicalLocation"]["region"]["startLine"].as_u64().unwrap() >= 21);
        }
    }
}

#[test]
fn sarif_from_standard_input_has_no_file() {
    let pod = std::fs::read(common::repo_root().join("examples/privileged-pod.yaml")).unwrap();
    let out = pss_in(&common::repo_root(), &["check", "--format", "sarif"], &pod);
    assert_eq!(out.code, 1);
    let log: Value = serde_json::from_str(&out.stdout).unwrap();
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "privileged");
    assert!(result["locations"][0].get("physicalLocation").is_none());
}

/// Counts of a `<testsuite>`'s testcases by what they hold.
fn counted(suite: roxmltree::Node<'_, '_>) -> [usize; 4] {
    let cases: Vec<_> = suite.children().filter(|n| n.has_tag_name("testcase")).collect();
    let with = |tag: &str| cases.iter().filter(|c| c.children().any(|n| n.has_tag_name(tag))).count();
    [cases.len(), with("failure"), with("error"), with("skipped")]
}

#[test]
fn junit_holds_a_suite_per_source_and_a_case_per_checked_object() {
    let dir = examples_copy("junit");
    for (name, args) in cases(&dir) {
        let (jsonl, jsonl_code) = run(&dir, "jsonl", &args);
        let records = json_lines(&jsonl);
        let (xml, code) = run(&dir, "junit", &args);
        assert_eq!(code, jsonl_code, "{name}");
        let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{name}: {e}\n{xml}"));
        let root = doc.root_element();
        assert!(root.has_tag_name("testsuites"));
        let suites: Vec<_> = root.children().filter(|n| n.is_element()).collect();
        let mut cases = 0;
        let mut failures = Vec::new();
        for suite in &suites {
            assert!(suite.has_tag_name("testsuite"));
            let [tests, failed, errored, skipped] = counted(*suite);
            let attribute = |a: &str| suite.attribute(a).unwrap().parse::<usize>().unwrap();
            assert_eq!(
                [attribute("tests"), attribute("failures"), attribute("errors"), attribute("skipped")],
                [tests, failed, errored, skipped],
                "{name}: {:?}",
                suite.attribute("name")
            );
            cases += tests - errored;
            for case in suite.children().filter(|n| n.has_tag_name("testcase")) {
                assert_eq!(case.attribute("classname"), suite.attribute("name"));
                if let Some(failure) = case.children().find(|n| n.has_tag_name("failure")) {
                    failures.push(failure.attribute("message").unwrap().to_owned());
                }
            }
        }
        // One testcase per object the JSON output reports; a failure with pss-core's message per denial.
        assert_eq!(cases, records.len(), "{name}");
        let mut denied: Vec<String> = records
            .iter()
            .filter(|r| r["allowed"] == false)
            .map(|r| r["enforce"]["message"].as_str().unwrap().to_owned())
            .collect();
        denied.sort();
        failures.sort();
        assert_eq!(failures, denied, "{name}");
        if name == "examples" {
            let names: Vec<_> = suites.iter().map(|s| s.attribute("name").unwrap()).collect();
            assert_eq!(names.len(), common::EXAMPLES.len(), "a suite per file, objects or not: {names:?}");
            assert!(xml.contains("examples/deployment.yaml:27:19: spec.template.spec.containers[0].securityContext.capabilities.add[0]: non-default capabilities"));
        }
        if name == "errors" {
            assert!(
                xml.contains("name=\"Pod &quot;ctl\u{fffd}&lt;&amp;&gt;&quot;'&quot; (document 1, line 1)\""),
                "control characters replaced:\n{xml}"
            );
            let missing = suites.iter().find(|s| s.attribute("name") == Some("missing.yaml")).unwrap();
            assert_eq!(counted(*missing), [1, 0, 1, 0]);
        }
        if name == "config" {
            assert!(xml.contains("<skipped message=\"exempt from PodSecurity (namespace)\"/>"), "{xml}");
            assert!(xml.contains("<system-out>Warning: would violate PodSecurity \"restricted:latest\""));
        }
    }
}

/// The schemas and validators, or `None` (a failure under CI) when they are not installed.
fn schemas() -> Option<(PathBuf, PathBuf)> {
    let dir = std::env::var_os("PSS_REPORT_SCHEMAS")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::repo_root().join("target/report-schemas"));
    let python = dir.join("python");
    if dir.join("ready").is_file() && python.is_file() {
        return Some((dir, python));
    }
    let message = format!("no report schemas in {} (run scripts/setup-report-schemas.sh)", dir.display());
    if std::env::var_os("CI").is_some() {
        panic!("{message}");
    }
    eprintln!("skipping the schema validation: {message}");
    None
}

fn validate(schemas: &(PathBuf, PathBuf), kind: &str, files: &[PathBuf]) -> (bool, String) {
    let script = common::repo_root().join("pss-cli/tests/report/validate.py");
    let out = Command::new(&schemas.1).arg(script).arg(&schemas.0).arg(kind).args(files).output().expect("run python");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

#[test]
fn reports_are_valid_against_the_official_schemas() {
    let Some(schemas) = schemas() else { return };
    let dir = examples_copy("schemas");
    let mut sarif = Vec::new();
    let mut junit = Vec::new();
    for (name, args) in cases(&dir) {
        for (format, files) in [("sarif", &mut sarif), ("junit", &mut junit)] {
            let (text, _) = run(&dir, format, &args);
            files.push(dir.write(&format!("out/{name}.{format}"), text));
        }
    }
    let (ok, report) = validate(&schemas, "sarif", &sarif);
    assert!(ok, "{report}");
    assert_eq!(report.matches("valid SARIF 2.1.0").count(), sarif.len(), "{report}");
    let (ok, report) = validate(&schemas, "junit", &junit);
    assert!(ok, "{report}");

    // The validators do reject: a result without a message, a region line of 0, a testsuite
    // without its counts.
    let broken = |path: &Path, from: &str, to: &str| {
        let text = std::fs::read_to_string(path).unwrap();
        assert!(text.contains(from), "{from}");
        dir.write(&format!("broken/{}", path.file_name().unwrap().to_string_lossy()), text.replacen(from, to, 1))
    };
    let no_message = broken(&sarif[0], "\"message\":{\"text\":", "\"text\":{\"text\":");
    let line_zero = broken(&sarif[0], "\"startLine\":", "\"startLine\":0,\"x\":");
    for file in [no_message, line_zero] {
        let (ok, report) = validate(&schemas, "sarif", &[file]);
        assert!(!ok, "{report}");
    }
    let no_counts = broken(&junit[0], " tests=\"", " x=\"");
    let (ok, report) = validate(&schemas, "junit", &[no_counts]);
    assert!(!ok, "{report}");
}
