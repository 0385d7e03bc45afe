//! Writes the generated cases shared by the wrappers' suites (`pss_testgen::cases`) with pss-core's
//! results, as JSON lines, for suites that cannot call pss-core themselves (the npm package's Node
//! tests, `pss-wasm/tests-js/generated.test.mjs`):
//!
//! ```text
//! cargo run -p pss-core --example generated_cases -- [--seed N] [--cases N] [--out FILE]
//! ```
//!
//! Each line is a case (`level`, `version`, `kind`, `templatePath`, `object`), `remediation` and
//! `remediationSafeOnly` (the object's fix at the case's level and version, safe and breaking
//! changes alike and safe ones only, as `Remediation::to_json` writes it), and `expected`: the
//! evaluation in the shape the npm package returns it (`allowed`, `violations` with `check`,
//! `reason`, `detail` and `fields` with `path`, `value`, `container`; `forbiddenReason`,
//! `forbiddenDetail`, `message`, `workloadKind`, `templatePath`, `note`, `kind`, `apiVersion`,
//! `name`, `namespace`, `level`, `version`, `notEvaluated`). Messages are pss-core's, checked against
//! ones built here from their parts: the API server's denial of a pod, the `pss` command's words for
//! a controller.

use std::io::{self, BufWriter, Write};
use std::process::ExitCode;

use pss_core::remediate::Remediator;
use pss_core::{evaluate_object, Evaluation, LevelVersion, ObjectDocument};
use serde_json::{json, Value};

fn expected(lv: LevelVersion, level: &str, version: &str, text: &str) -> Value {
    let doc = ObjectDocument::from_str(text).expect("generated objects decode");
    let kind = doc.workload_kind().expect("generated objects are workloads");
    let result: Evaluation = evaluate_object(lv, &doc).expect("generated workloads have templates");
    let allowed = result.allowed();
    let name = doc.name();
    // pss-core's message, checked against one built here from its parts (generated names need no
    // escaping, so JSON's quoting is Go's).
    let message = result.denial_message(name.unwrap_or(""));
    let built = (!allowed).then(|| {
        let quoted = name.map(|n| format!(" {}", serde_json::to_string(n).unwrap())).unwrap_or_default();
        let tail = format!("violates PodSecurity \"{lv}\": {}", result.forbidden_detail());
        if kind.kind() == "Pod" {
            format!("pods{quoted} is forbidden: {tail}")
        } else {
            format!("{}{quoted} (pods it creates would be denied): {tail}", kind.resource())
        }
    });
    assert_eq!(message, built, "pss-core's denial message");
    let violations: Vec<Value> = result
        .iter()
        .map(|v| {
            let fields: Vec<Value> = v
                .fields()
                .iter()
                .map(|f| json!({ "path": f.path(), "value": f.value(), "container": f.container() }))
                .collect();
            json!({ "check": v.check().as_str(), "reason": v.reason(), "detail": v.detail(), "fields": fields })
        })
        .collect();
    json!({
        "level": level,
        "version": version,
        "allowed": allowed,
        "violations": violations,
        "forbiddenReason": if allowed { String::new() } else { result.forbidden_reason() },
        "forbiddenDetail": if allowed { String::new() } else { result.forbidden_detail() },
        "message": message,
        "workloadKind": kind.kind(),
        "templatePath": kind.template_path(),
        "note": null,
        "notEvaluated": null,
        "kind": doc.kind(),
        "apiVersion": doc.header().api_version(),
        "name": name,
        "namespace": doc.namespace(),
    })
}

fn main() -> ExitCode {
    let mut seed = pss_testgen::DEFAULT_SEED;
    let mut count = 256usize;
    let mut out_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--seed", Some(n)) if n.parse::<u64>().is_ok() => seed = n.parse().unwrap(),
            ("--cases", Some(n)) if n.parse::<usize>().is_ok() => count = n.parse().unwrap(),
            ("--out", Some(path)) => out_path = Some(path),
            _ => {
                eprintln!("usage: generated_cases [--seed N] [--cases N] [--out FILE]");
                return ExitCode::from(2);
            }
        }
    }
    let sink: Box<dyn Write> = match &out_path {
        Some(path) => match std::fs::File::create(path) {
            Ok(f) => Box::new(f),
            Err(e) => {
                eprintln!("{path}: {e}");
                return ExitCode::FAILURE;
            }
        },
        None => Box::new(io::stdout().lock()),
    };
    let mut out = BufWriter::new(sink);
    for case in pss_testgen::cases(seed, count) {
        let lv: LevelVersion = format!("{}:{}", case.level, case.version).parse().expect("generated levels parse");
        let mut line = case.to_json();
        line["expected"] = expected(lv, case.level, &case.version, &case.text());
        for (key, safe_only) in [("remediation", false), ("remediationSafeOnly", true)] {
            let fix = Remediator::new(lv)
                .safe_only(safe_only)
                .object(case.text().as_bytes())
                .expect("generated workloads fix");
            line[key] = serde_json::from_str::<Value>(&fix.to_json()).expect("pss-core writes JSON");
        }
        if writeln!(out, "{line}").is_err() {
            return ExitCode::FAILURE;
        }
    }
    if out.flush().is_err() {
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}
