//! Runs one hot path many times, for a profiler (`valgrind --tool=callgrind`, `perf record`).
//!
//! ```text
//! cargo build --release -p pss-benches --example profile
//! valgrind --tool=callgrind target/release/examples/profile typed restricted2 100000
//! ```
//!
//! Modes: `typed` (evaluate a decoded k8s-openapi `Pod`), `json` (`evaluate_json`), `decode`
//! (`PodDocument::from_slice`), `message` (`admission_message` of a denied pod). Pods: the names
//! `pss_benches::all_pods` gives. Everything at restricted:latest.

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
