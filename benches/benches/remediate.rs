//! Criterion benchmarks of fixes (`pss_core::remediate`).
//!
//! Groups (filter with `cargo bench -p pss-benches --bench remediate -- <group>/`):
//! - `remediate/<level>/<pod>`: `remediate` on each bench pod (JSON bytes to a proven fix: decoding,
//!   the JSON model, planning, the patch, and the evaluations of each round and of the patched pod),
//!   beside `evaluate_json` on the same pod (`evaluate/<level>/<pod>`) for the ratio.
//! - `remediate/realworld`: every workload of `../shared/realworld/kubectl.jsonl` (the objects as
//!   kubectl sends them) fixed at restricted:latest, one pass over all of them.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use pss_benches::all_pods;
use pss_core::remediate::{remediate, remediate_object};
use pss_core::{evaluate_json, Level, LevelVersion, ObjectDocument, Version};

const LEVELS: [(&str, LevelVersion); 2] = [
    ("restricted", LevelVersion::new(Level::Restricted, Version::LATEST)),
    ("baseline", LevelVersion::new(Level::Baseline, Version::LATEST)),
];

fn pods(c: &mut Criterion) {
    let pods = all_pods();
    let mut g = c.benchmark_group("remediate");
    for (level, lv) in LEVELS {
        for pod in &pods {
            g.throughput(Throughput::Bytes(pod.json.len() as u64));
            g.bench_with_input(BenchmarkId::new(format!("evaluate/{level}"), &pod.name), &pod.json, |b, json| {
                b.iter(|| evaluate_json(lv, black_box(json)).unwrap())
            });
            g.bench_with_input(BenchmarkId::new(format!("remediate/{level}"), &pod.name), &pod.json, |b, json| {
                b.iter(|| remediate(lv, black_box(json)).unwrap())
            });
        }
    }
    g.finish();
}

fn realworld(c: &mut Criterion) {
    let Some(shared) = pss_testgen::shared::shared_dir() else { return };
    let Ok(lines) = std::fs::read_to_string(shared.join("realworld/kubectl.jsonl")) else { return };
    let workloads: Vec<Vec<u8>> = lines
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok()?.get("json").map(|j| j.to_string()))
        .filter(|j| ObjectDocument::from_str(j).is_ok_and(|d| d.workload_kind().is_some()))
        .map(String::into_bytes)
        .collect();
    let bytes: usize = workloads.iter().map(Vec::len).sum();
    let lv = LEVELS[0].1;
    let mut g = c.benchmark_group("remediate");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    g.throughput(Throughput::Bytes(bytes as u64));
    g.bench_function(BenchmarkId::new("realworld", workloads.len()), |b| {
        b.iter(|| workloads.iter().filter(|w| remediate_object(lv, black_box(w)).is_ok_and(|f| f.fixed())).count())
    });
    g.finish();
}

criterion_group!(benches, pods, realworld);
criterion_main!(benches);
