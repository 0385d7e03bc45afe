//! Runs one hot path many times, for a profiler (`valgrind --tool=callgrind`, `perf record`).
//!
//! ```text
//! cargo build --release -p pss-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile typed restricted2 100000
//! ```
//!
//! Modes: `typed` (evaluate a decoded k8s-openapi `Pod`), `json` (`evaluate_json`), `decode`
//! (`PodDocument::from_slice`), `message` (`admission_message` of a denied pod). Pods: the names
//! `pss_benches::all_pods` gives, or `corpus` for every pod of `../shared/bench-corpus/pods.jsonl`
//! (ITERATIONS passes over the file; `typed` decodes the pods once beforehand). Everything at
//! restricted:latest.
//!
//! ```text
//! valgrind --tool=callgrind target/release/examples/profile json corpus 1
//! ```

use std::hint::black_box;
use std::process::ExitCode;

use pss_core::{evaluate, evaluate_json, Level, LevelVersion, PodDocument, Version};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [mode, name, rest @ ..] = args.as_slice() else {
        eprintln!("usage: profile typed|json|decode|message POD [ITERATIONS]");
        return ExitCode::FAILURE;
    };
    let iterations: u64 = rest.first().map_or(100_000, |n| n.parse().expect("ITERATIONS is a number"));
    if name == "corpus" {
        return corpus(mode, iterations);
    }
    let Some(pod) = pss_benches::all_pods().into_iter().find(|p| &p.name == name) else {
        eprintln!("no pod named {name}");
        return ExitCode::FAILURE;
    };
    let lv = LevelVersion::new(Level::Restricted, Version::LATEST);
    let mut violations = 0;
    for _ in 0..iterations {
        violations += match mode.as_str() {
            "typed" => evaluate(black_box(lv), black_box(&pod.typed)).len(),
            "json" => evaluate_json(black_box(lv), black_box(&pod.json)).unwrap().len(),
            "decode" => PodDocument::from_slice(black_box(&pod.json)).map(|d| usize::from(d.kind().is_some())).unwrap(),
            "message" => {
                let result = evaluate(lv, &pod.typed);
                black_box(result.denial_message("pod")).map_or(0, |m| m.len())
            }
            _ => {
                eprintln!("unknown mode {mode}");
                return ExitCode::FAILURE;
            }
        };
    }
    println!("{mode} {name} x{iterations}: {violations}");
    ExitCode::SUCCESS
}

/// `mode` over every pod of the mixed corpus, `passes` times; `detail` modes also write each
/// denied pod's `ForbiddenDetail` into a reused buffer.
fn corpus(mode: &str, passes: u64) -> ExitCode {
    let Some(corpus) = pss_benches::corpus() else { return ExitCode::FAILURE };
    let lv = LevelVersion::new(Level::Restricted, Version::LATEST);
    let typed = if mode.starts_with("typed") { corpus.typed() } else { Vec::new() };
    let mut detail = String::new();
    let mut denied = 0;
    let mut written = 0;
    for _ in 0..passes {
        let mut each = |result: pss_core::Evaluation| {
            denied += usize::from(!result.allowed());
            if mode.ends_with("detail") {
                detail.clear();
                detail.push_str(&result.forbidden_detail());
                written += detail.len();
            }
        };
        match mode {
            "json" | "json_detail" => corpus.pods().for_each(|json| each(evaluate_json(lv, black_box(json)).unwrap())),
            "typed" | "typed_detail" => typed.iter().for_each(|pod| each(evaluate(lv, black_box(pod)))),
            "decode" => corpus.pods().for_each(|json| {
                black_box(PodDocument::from_slice(black_box(json)).unwrap());
            }),
            _ => {
                eprintln!("unknown mode {mode} (corpus: json, json_detail, typed, typed_detail, decode)");
                return ExitCode::FAILURE;
            }
        }
    }
    println!("{mode} corpus x{passes}: {denied} denied, {written} bytes of detail");
    ExitCode::SUCCESS
}
