//! `pss check --format jsonl` over the upstream fixtures in ../shared/conformance must give the
//! upstream evaluator's verdicts, reasons and details (expected.jsonl) for every pod.

mod common;

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use serde_json::Value;

#[derive(Deserialize)]
struct Case {
    id: String,
    level: String,
    runs: Vec<Run>,
}

#[derive(Deserialize)]
struct Run {
    from: String,
    to: String,
    allowed: bool,
    reasons: Vec<String>,
    details: Vec<String>,
}

/// The position of a version in v1.0 .. v1.37, latest.
fn rank(version: &str) -> usize {
    match version {
        "latest" => usize::MAX,
        v => v.strip_prefix("v1.").and_then(|m| m.parse().ok()).expect("a v1.N version"),
    }
}

/// Runs pss over `dirs` (relative to the upstream directory) at `level` and `version`, and compares
/// every record with expected.jsonl. Returns the number of pods compared.
fn compare(
    upstream: &Path,
    expected: &HashMap<(String, String), Case>,
    level: &str,
    version: &str,
    dirs: &[&str],
) -> usize {
    let mut args = vec!["check", "--format", "jsonl", "--level", level, "--version", version];
    args.extend_from_slice(dirs);
    let out = common::pss_in(upstream, &args, b"");
    assert_eq!(out.stderr, "", "pss reported input errors");
    let mut failures = Vec::new();
    let mut denied = false;
    let records = common::json_lines(&out.stdout);
    for record in &records {
        let id = record["source"].as_str().unwrap();
        assert_eq!(record["document"], 0, "{id}");
        assert_eq!(record["level"], level);
        assert_eq!(record["version"], version);
        let case =
            expected.get(&(id.to_owned(), level.to_owned())).unwrap_or_else(|| panic!("{id} not in expected.jsonl"));
        let run = case
            .runs
            .iter()
            .find(|r| rank(&r.from) <= rank(version) && rank(version) <= rank(&r.to))
            .unwrap_or_else(|| panic!("{id}: no run covers {version}"));
        let violations = record["violations"].as_array().unwrap();
        let reasons: Vec<&str> = violations.iter().map(|v| v["reason"].as_str().unwrap()).collect();
        let details: Vec<&str> = violations.iter().map(|v| v["detail"].as_str().unwrap()).collect();
        let allowed = record["allowed"].as_bool().unwrap();
        denied |= !allowed;
        if allowed != run.allowed || reasons != run.reasons || details != run.details {
            failures.push(format!(
                "{id} at {level}:{version}\n  want allowed={} reasons={:?} details={:?}\n  got  allowed={allowed} \
                 reasons={reasons:?} details={details:?}",
                run.allowed, run.reasons, run.details
            ));
        }
        // Every violation says which check failed and carries its fields as JSON values.
        for v in violations {
            assert!(v["check"].as_str().is_some_and(|c| !c.is_empty()), "{id}: {v}");
            assert!(v["fields"].is_array(), "{id}: {v}");
        }
    }
    assert!(failures.is_empty(), "{} mismatches:\n{}", failures.len(), failures.join("\n"));
    assert_eq!(out.code, if denied { 1 } else { 0 });
    records.len()
}

fn count_fixtures(dir: &Path) -> usize {
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            n += count_fixtures(&path);
        } else if path.extension().is_some_and(|e| e == "yaml") {
            n += 1;
        }
    }
    n
}

#[test]
fn upstream_fixtures_through_the_cli() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/conformance (the upstream fixtures and expected.jsonl)");
    };
    let dir = shared.join("conformance");
    let upstream = dir.join("upstream");
    let text = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let mut expected = HashMap::new();
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("expected.jsonl line");
        expected.insert((case.id.clone(), case.level.clone()), case);
    }

    // A sample: the oldest and the newest fixtures at versions on both sides of each change.
    let sample = ["baseline/v1.0", "restricted/v1.0", "baseline/v1.37", "restricted/v1.37"];
    let in_sample: usize = sample.iter().map(|d| count_fixtures(&upstream.join(d))).sum();
    assert!(in_sample > 200, "only {in_sample} fixtures in the sample");
    for level in ["baseline", "restricted"] {
        for version in ["v1.0", "v1.7", "v1.8", "v1.19", "v1.22", "v1.25", "v1.30", "v1.37", "latest"] {
            let n = compare(&upstream, &expected, level, version, &sample);
            assert_eq!(n, in_sample, "{level}:{version}: every fixture is one pod");
        }
    }

    // Every fixture, at latest.
    let all = count_fixtures(&upstream);
    for level in ["baseline", "restricted"] {
        assert_eq!(compare(&upstream, &expected, level, "latest", &["baseline", "restricted"]), all);
    }
}

#[test]
fn text_output_matches_upstream_aggregate_message() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/conformance (the upstream fixtures and expected.jsonl)");
    };
    let upstream = shared.join("conformance/upstream");
    let text = std::fs::read_to_string(shared.join("conformance/expected.jsonl")).expect("expected.jsonl");
    let id = "restricted/v1.37/fail/allowprivilegeescalation0.yaml";
    let case: Case = text
        .lines()
        .map(|l| serde_json::from_str::<Case>(l).unwrap())
        .find(|c| c.id == id && c.level == "restricted")
        .expect("the fixture is in expected.jsonl");
    let run = case.runs.last().unwrap();
    let detail: Vec<String> = run
        .reasons
        .iter()
        .zip(&run.details)
        .map(|(r, d)| if d.is_empty() { r.clone() } else { format!("{r} ({d})") })
        .collect();
    let out = common::pss_in(&upstream, &["check", "--level", "restricted", id], b"");
    let name: Value = serde_json::Value::String("allowprivilegeescalation0".into());
    assert_eq!(
        out.stdout.lines().next().unwrap(),
        format!(
            "{id} (document 1, line 1): pods {name} is forbidden: violates PodSecurity \"restricted:latest\": {}",
            detail.join(", ")
        )
    );
    assert_eq!(out.code, 1);
}
