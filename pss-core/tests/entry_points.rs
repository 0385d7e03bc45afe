//! The shared entry-point cases (`testdata/entry-points.json`): the same bytes through the pod, pod
//! spec and object entry points give the answer the case expects. The C ABI, the Go package, the npm
//! package and the CLI run the same file.

use pss_core::{
    evaluate_json, evaluate_object, evaluate_spec_json, Evaluation, LevelVersion, NoPodTemplate, ObjectDocument,
};
use serde_json::Value;

/// What a surface answered, in the file's terms.
#[derive(Debug, PartialEq)]
enum Answer {
    Evaluated { allowed: bool, reasons: Vec<String>, paths: Vec<String>, message: Option<String> },
    Error(String),
    NotEvaluated(String),
}

fn evaluated(e: &Evaluation, name: &str) -> Answer {
    Answer::Evaluated {
        allowed: e.allowed(),
        reasons: e.iter().map(|v| v.reason().to_owned()).collect(),
        paths: e.iter().map(|v| v.fields().get(0).unwrap().path().to_string()).collect(),
        message: e.denial_message(name),
    }
}

fn not_evaluated(e: &NoPodTemplate) -> Answer {
    Answer::NotEvaluated(
        match e {
            NoPodTemplate::NoKind => "NoKind",
            NoPodTemplate::NotAPodController { .. } => "NotAPodController",
            NoPodTemplate::TemplateAbsent { .. } => "TemplateAbsent",
            other => panic!("a NoPodTemplate variant the cases do not name: {other:?}"),
        }
        .to_owned(),
    )
}

fn answer(entry: &str, lv: LevelVersion, document: &str) -> Answer {
    // The name the denial message uses: the document's own, read as JSON (not by pss).
    let name = serde_json::from_str::<Value>(document)
        .ok()
        .and_then(|v| v.pointer("/metadata/name").and_then(Value::as_str).map(str::to_owned))
        .unwrap_or_default();
    let error = |e: pss_core::Error| Answer::Error(format!("{:?}", e.kind()));
    match entry {
        "pod" => evaluate_json(lv, document.as_bytes()).map_or_else(error, |e| evaluated(&e, &name)),
        "spec" => evaluate_spec_json(lv, document.as_bytes()).map_or_else(error, |e| evaluated(&e, &name)),
        "object" => match ObjectDocument::from_str(document) {
            Err(e) => error(e),
            Ok(obj) => match evaluate_object(lv, &obj) {
                Ok(e) => evaluated(&e, &name),
                Err(e) => not_evaluated(&e),
            },
        },
        other => panic!("unknown entry {other:?}"),
    }
}

fn expected(expect: &Value) -> Answer {
    let strings = |key: &str| -> Vec<String> {
        expect[key].as_array().unwrap().iter().map(|s| s.as_str().unwrap().to_owned()).collect()
    };
    if let Some(e) = expect.get("error") {
        Answer::Error(e.as_str().unwrap().to_owned())
    } else if let Some(n) = expect.get("notEvaluated") {
        Answer::NotEvaluated(n.as_str().unwrap().to_owned())
    } else {
        Answer::Evaluated {
            allowed: expect["allowed"].as_bool().unwrap(),
            reasons: strings("reasons"),
            paths: strings("paths"),
            message: expect.get("message").and_then(Value::as_str).map(str::to_owned),
        }
    }
}

#[test]
fn every_entry_point_answers_as_the_shared_cases_say() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../testdata/entry-points.json");
    let file: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let cases = file["cases"].as_array().unwrap();
    assert!(cases.len() >= 20, "the shared cases are missing");
    let mut failures = Vec::new();
    for case in cases {
        let lv: LevelVersion = case["levelVersion"].as_str().unwrap().parse().unwrap();
        let got = answer(case["entry"].as_str().unwrap(), lv, case["document"].as_str().unwrap());
        let want = expected(&case["expect"]);
        if got != want {
            failures.push(format!("{}:\n  got  {got:?}\n  want {want:?}", case["name"]));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
