//! Criterion benchmarks of pss-core's hot paths.
//!
//! Groups (filter with `cargo bench -p pss-benches -- <group>/`):
//! - `upstream/`: the work upstream's Go figures in `../shared/perf.md` measure, at
//!   restricted:latest on the shared bench pods, named as in perf.md.
//! - `typed/`: `evaluate` on a k8s-openapi `Pod` decoded beforehand, at restricted and baseline.
//! - `json/`: `evaluate_json`, JSON bytes to verdict, at restricted and baseline.
//! - `decode/`: `PodDocument::from_slice` alone (the decoding share of `json/`).
//! - `message/`: the aggregate messages of a denied pod.
//! - `object/`: `ObjectDocument::from_slice` + `evaluate_object` at restricted, JSON bytes to verdict,
//!   for each pod as a Pod and as the template of a Deployment (`deployment/<pod>`).
//! - `corpus/`: the 18,000 pods of `../shared/bench-corpus/pods.jsonl` at restricted:latest, one
//!   evaluation each (throughput in pods): `json` is `evaluate_json` over the lines in memory (what
//!   perf.md's "decode + evaluate, the bytes already in memory" measures), `typed` is `evaluate` on
//!   the pods decoded beforehand with serde_json into k8s-openapi `Pod`s (perf.md's "evaluate
//!   only"); `json_detail` and `typed_detail` also write each denied pod's `ForbiddenDetail` into
//!   one reused buffer, as upstream's evaluation builds its texts.

use std::hint::black_box;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use k8s_openapi::api::core::v1::Pod;
use pss_benches::{all_pods, corpus, BenchPod, SHARED_PODS};
use pss_core::{evaluate, evaluate_json, evaluate_object, Level, LevelVersion, ObjectDocument, PodDocument, Version};

const RESTRICTED: LevelVersion = LevelVersion::new(Level::Restricted, Version::LATEST);
const BASELINE: LevelVersion = LevelVersion::new(Level::Baseline, Version::LATEST);
const LEVELS: [(&str, LevelVersion); 2] = [("restricted", RESTRICTED), ("baseline", BASELINE)];

fn upstream(c: &mut Criterion, pods: &[BenchPod]) {
    let shared: Vec<&BenchPod> = pods.iter().filter(|p| SHARED_PODS.contains(&p.name.as_str())).collect();
    if shared.is_empty() {
        return;
    }
    let mut g = c.benchmark_group("upstream");
    for pod in &shared {
        // Go: EvaluatePod + AggregateCheckResults on a decoded pod (the reasons and details are
        // built by the evaluation in both).
        g.bench_with_input(BenchmarkId::new("evaluate_decoded", &pod.name), &pod.typed, |b, typed| {
            b.iter(|| evaluate(RESTRICTED, black_box(typed)))
        });
    }
    for pod in &shared {
        // Go: JSON bytes -> decoded pod -> evaluate (sigs.k8s.io/json and encoding/json).
        g.throughput(Throughput::Bytes(pod.json.len() as u64));
        g.bench_with_input(BenchmarkId::new("json_to_verdict", &pod.name), &pod.json, |b, json| {
            b.iter(|| evaluate_json(RESTRICTED, black_box(json)).unwrap())
        });
    }
    for pod in &shared {
        // The same full decoding Go does (every field into a typed pod), here with serde_json into
        // k8s-openapi's `Pod`, then evaluate: what a kube-rs webhook would pay.
        g.throughput(Throughput::Bytes(pod.json.len() as u64));
        g.bench_with_input(BenchmarkId::new("serde_typed_to_verdict", &pod.name), &pod.json, |b, json| {
            b.iter(|| {
                let pod: Pod = serde_json::from_slice(black_box(json)).unwrap();
                evaluate(RESTRICTED, &pod)
            })
        });
    }
    g.finish();
}

fn typed(c: &mut Criterion, pods: &[BenchPod]) {
    let mut g = c.benchmark_group("typed");
    for (level, lv) in LEVELS {
        for pod in pods {
            g.bench_with_input(BenchmarkId::new(level, &pod.name), &pod.typed, |b, typed| {
                b.iter(|| evaluate(black_box(lv), black_box(typed)))
            });
        }
    }
    g.finish();
}

fn json(c: &mut Criterion, pods: &[BenchPod]) {
    let mut g = c.benchmark_group("json");
    for (level, lv) in LEVELS {
        for pod in pods {
            g.throughput(Throughput::Bytes(pod.json.len() as u64));
            g.bench_with_input(BenchmarkId::new(level, &pod.name), &pod.json, |b, json| {
                b.iter(|| evaluate_json(black_box(lv), black_box(json)).unwrap())
            });
        }
    }
    g.finish();
}

fn decode(c: &mut Criterion, pods: &[BenchPod]) {
    let mut g = c.benchmark_group("decode");
    for pod in pods {
        g.throughput(Throughput::Bytes(pod.json.len() as u64));
        g.bench_with_input(BenchmarkId::from_parameter(&pod.name), &pod.json, |b, json| {
            b.iter(|| PodDocument::from_slice(black_box(json)).unwrap())
        });
    }
    g.finish();
}

fn message(c: &mut Criterion, pods: &[BenchPod]) {
    let mut g = c.benchmark_group("message");
    for pod in pods {
        let result = evaluate(RESTRICTED, &pod.typed);
        if result.allowed() {
            continue;
        }
        let name = pod.typed.metadata.name.clone().unwrap_or_default();
        g.bench_with_input(BenchmarkId::new("forbidden_reason", &pod.name), &result, |b, r| {
            b.iter(|| black_box(r).forbidden_reason())
        });
        g.bench_with_input(BenchmarkId::new("forbidden_detail", &pod.name), &result, |b, r| {
            b.iter(|| black_box(r).forbidden_detail())
        });
        g.bench_with_input(BenchmarkId::new("admission_message", &pod.name), &result, |b, r| {
            b.iter(|| black_box(r).denial_message(black_box(&name)))
        });
    }
    g.finish();
}

/// The pod as the template of a Deployment: its metadata and spec under `spec.template`.
fn deployment(json: &[u8]) -> Vec<u8> {
    let pod: serde_json::Value = serde_json::from_slice(json).expect("bench pods are JSON");
    let name = pod["metadata"]["name"].clone();
    serde_json::to_vec(&serde_json::json!({
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": 3,
            "selector": {"matchLabels": {"app": name}},
            "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
            "template": {"metadata": pod["metadata"], "spec": pod["spec"]},
        },
    }))
    .expect("a JSON value serialises")
}

fn object(c: &mut Criterion, pods: &[BenchPod]) {
    let mut g = c.benchmark_group("object");
    for pod in pods {
        let deployment = deployment(&pod.json);
        for (label, json) in [("pod", &pod.json), ("deployment", &deployment)] {
            g.throughput(Throughput::Bytes(json.len() as u64));
            g.bench_with_input(BenchmarkId::new(label, &pod.name), json, |b, json| {
                b.iter(|| {
                    let obj = ObjectDocument::from_slice(black_box(json)).unwrap();
                    evaluate_object(RESTRICTED, &obj).unwrap()
                })
            });
        }
    }
    g.finish();
}

fn mixed_corpus(c: &mut Criterion) {
    let Some(corpus) = corpus() else { return };
    let typed = corpus.typed();
    let mut g = c.benchmark_group("corpus");
    // One iteration evaluates every pod (tens of milliseconds): few samples are enough.
    g.sample_size(10);
    g.throughput(Throughput::Elements(corpus.lines.len() as u64));
    g.bench_function("json", |b| {
        b.iter(|| {
            let mut denied = 0;
            for json in corpus.pods() {
                denied += usize::from(!evaluate_json(RESTRICTED, black_box(json)).unwrap().allowed());
            }
            denied
        })
    });
    g.bench_function("typed", |b| {
        b.iter(|| {
            let mut denied = 0;
            for pod in &typed {
                denied += usize::from(!evaluate(RESTRICTED, black_box(pod)).allowed());
            }
            denied
        })
    });
    let mut detail = String::new();
    g.bench_function("json_detail", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for json in corpus.pods() {
                let result = evaluate_json(RESTRICTED, black_box(json)).unwrap();
                detail.clear();
                detail.push_str(&result.forbidden_detail());
                bytes += detail.len();
            }
            bytes
        })
    });
    g.bench_function("typed_detail", |b| {
        b.iter(|| {
            let mut bytes = 0;
            for pod in &typed {
                let result = evaluate(RESTRICTED, black_box(pod));
                detail.clear();
                detail.push_str(&result.forbidden_detail());
                bytes += detail.len();
            }
            bytes
        })
    });
    g.finish();
}

fn benches(c: &mut Criterion) {
    let pods = all_pods();
    upstream(c, &pods);
    typed(c, &pods);
    json(c, &pods);
    decode(c, &pods);
    message(c, &pods);
    object(c, &pods);
    mixed_corpus(c);
}

criterion_group! {
    name = hot_paths;
    // Short by default: the machine is shared. Command-line flags override these.
    config = Criterion::default().warm_up_time(Duration::from_secs(1)).measurement_time(Duration::from_secs(3));
    targets = benches
}
criterion_main!(hot_paths);
