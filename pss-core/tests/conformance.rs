//! Conformance with the upstream Go evaluator: every fixture in ../shared/conformance, at both
//! levels and every version v1.0..v1.37 and latest, through both ways in (typed and JSON), must give
//! upstream's verdict, reasons and details byte for byte.

mod common;

use std::collections::HashMap;

use k8s_openapi::api::core::v1::Pod;
use pss_core::{evaluate, evaluate_json_str, Evaluation, Level, LevelVersion, Version};
use serde::Deserialize;

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

/// Versions in order: v1.0 .. the newest check version, then latest.
fn all_versions() -> Vec<Version> {
    Version::every().collect()
}

fn check(result: &Evaluation, run: &Run) -> Result<(), String> {
    let reasons: Vec<&str> = result.iter().map(|v| v.reason()).collect();
    let details: Vec<String> = result.iter().map(|v| v.detail().to_string()).collect();
    if result.allowed() != run.allowed || reasons != run.reasons || details != run.details {
        return Err(format!(
            "want allowed={} reasons={:?} details={:?}\n     got  allowed={} reasons={:?} details={:?}",
            run.allowed,
            run.reasons,
            run.details,
            result.allowed(),
            reasons,
            details
        ));
    }
    // The aggregate strings, as upstream builds them.
    let want_detail = run
        .reasons
        .iter()
        .zip(&run.details)
        .map(|(r, d)| if d.is_empty() { r.clone() } else { format!("{r} ({d})") })
        .collect::<Vec<_>>()
        .join(", ");
    if result.forbidden_reason() != run.reasons.join(", ") || result.forbidden_detail() != want_detail {
        return Err("aggregate strings differ".into());
    }
    // Written into a writer, with where each violation's reason and detail lie.
    let mut reason = String::new();
    result.write_forbidden_reason(&mut reason).map_err(|e| e.to_string())?;
    let mut text = String::new();
    let mut spans = Vec::new();
    result.write_forbidden_detail(&mut text, |_, at| spans.push(at)).map_err(|e| e.to_string())?;
    if reason != run.reasons.join(", ") || text != want_detail || spans.len() != run.reasons.len() {
        return Err(format!("written aggregate strings differ: {reason:?} {text:?} ({} spans)", spans.len()));
    }
    for (i, at) in spans.iter().enumerate() {
        let (r, d) = (&text[at.reason.clone()], &text[at.detail.clone()]);
        if at.violation != i || r != run.reasons[i] || d != run.details[i] {
            return Err(format!("violation {i}'s spans {at:?} read {r:?} and {d:?}"));
        }
    }
    Ok(())
}

#[test]
fn upstream_fixtures_at_every_version() {
    let Some(shared) = common::shared_dir() else {
        return common::missing("../shared/conformance (the upstream fixtures and expected.jsonl)");
    };
    let dir = shared.join("conformance");
    let expected = std::fs::read_to_string(dir.join("expected.jsonl")).expect("expected.jsonl");
    let versions = all_versions();
    let index: HashMap<Version, usize> = versions.iter().enumerate().map(|(i, v)| (*v, i)).collect();

    let mut docs: HashMap<String, (String, Pod)> = HashMap::new();
    let mut failures = Vec::new();
    let mut evaluated = 0usize;
    let mut cases = 0usize;
    for line in expected.lines().filter(|l| !l.trim().is_empty()) {
        let case: Case = serde_json::from_str(line).expect("expected.jsonl line");
        cases += 1;
        let level = Level::parse(&case.level).unwrap();
        let (json, typed) = docs.entry(case.id.clone()).or_insert_with(|| {
            let yaml = std::fs::read_to_string(dir.join("upstream").join(&case.id)).expect("fixture");
            let json = common::yaml_to_json(&yaml);
            let typed: Pod = serde_json::from_str(&json).expect("fixture decodes as a k8s-openapi Pod");
            (json, typed)
        });
        // The runs must cover every version exactly once.
        let mut covered = vec![false; versions.len()];
        for run in &case.runs {
            let from = index[&Version::parse(&run.from).unwrap()];
            let to = index[&Version::parse(&run.to).unwrap()];
            for (i, &version) in versions.iter().enumerate().take(to + 1).skip(from) {
                assert!(!covered[i], "{} overlaps at {version}", case.id);
                covered[i] = true;
                let lv = LevelVersion::new(level, version);
                let from_json = evaluate_json_str(lv, json).expect("fixture decodes");
                let from_typed = evaluate(lv, &*typed);
                evaluated += 2;
                for (way, result) in [("json", &from_json), ("typed", &from_typed)] {
                    if let Err(e) = check(result, run) {
                        failures.push(format!("{} {lv} ({way}):\n     {e}", case.id));
                    }
                }
                assert_eq!(from_json, from_typed, "{} {lv}: typed and JSON differ (fields included)", case.id);
            }
        }
        assert!(covered.iter().all(|&c| c), "{}: runs leave gaps", case.id);
    }
    assert!(cases > 9000, "expected.jsonl has only {cases} cases");
    if !failures.is_empty() {
        let n = failures.len();
        failures.truncate(30);
        panic!("{n} of {evaluated} evaluations differ from upstream:\n{}", failures.join("\n"));
    }
    eprintln!("conformance: {cases} cases, {evaluated} evaluations, all identical to upstream");
}
