//! Criterion benchmarks of reading manifests (`pss-manifest`), YAML to verdict.
//!
//! Groups (filter with `cargo bench -p pss-benches --bench manifest -- <group>/`):
//! - `manifest/realworld/`: every `.yaml`/`.yml` file of `../shared/realworld/corpus` (13.5 MB), held in
//!   memory: `read` is YAML to the JSON kubectl sends, `verdict` adds decoding each object and
//!   evaluating each workload at restricted:latest (List items included).
//! - `manifest/stream/`: a generated multi-document YAML file (Deployments, Services and ConfigMaps
//!   in turn, 4,000 documents, about 1.3 MB), the same two ways.
//!
//! Go's YAML reading alone on the realworld corpus (perf.md: kubectl's reading, YAML and JSON, no
//! evaluation) takes 1.8-2.2 s.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use pss_core::{evaluate_object, Level, LevelVersion, ObjectDocument, Version};
use pss_manifest::Reader;

const RESTRICTED: LevelVersion = LevelVersion::new(Level::Restricted, Version::LATEST);

fn yaml_files(dir: &Path, out: &mut Vec<Vec<u8>>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut paths: Vec<_> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            yaml_files(&path, out);
        } else if matches!(path.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")) {
            if let Ok(bytes) = std::fs::read(&path) {
                out.push(bytes);
            }
        }
    }
}

/// A multi-document stream of `n` documents.
fn stream(n: usize) -> Vec<u8> {
    let mut out = String::new();
    for i in 0..n {
        let doc = match i % 3 {
            0 => format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  labels: {{app: web, tier: \"{i}\"}}\n\
                 spec:\n  replicas: 3\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      \
                 labels: {{app: web}}\n    spec:\n      securityContext:\n        runAsNonRoot: true\n        \
                 seccompProfile: {{type: RuntimeDefault}}\n      containers:\n      - name: nginx\n        image: \
                 nginx:1.27\n        ports:\n        - containerPort: 8080\n        securityContext:\n          \
                 allowPrivilegeEscalation: false\n          capabilities:\n            drop: [\"ALL\"]\n          \
                 privileged: {}\n        resources:\n          limits: {{cpu: 500m, memory: 128Mi}}\n",
                i % 7 == 0
            ),
            1 => format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-{i}\nspec:\n  selector: {{app: web}}\n  ports:\n  \
                 - port: 80\n    targetPort: 8080\n"
            ),
            _ => format!(
                "# configuration\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-{i}\ndata:\n  \
                 nginx.conf: |\n    server {{\n      listen 8080;\n      location / {{ return 200 'ok {i}'; }}\n    }}\n  \
                 enabled: \"yes\"\n"
            ),
        };
        out.push_str("---\n");
        out.push_str(&doc);
    }
    out.into_bytes()
}

/// Reads every document; with `verdict`, decodes each object and evaluates each workload.
fn read(bytes: &[u8], verdict: bool) -> usize {
    let mut reader = Reader::new(bytes);
    let mut count = 0;
    while let Ok(Some(document)) = reader.next_document() {
        let Ok(document) = document else { continue };
        count += document.json().len();
        if verdict {
            if let Ok(object) = ObjectDocument::from_slice(document.json()) {
                if object.workload_kind().is_some() {
                    count += usize::from(evaluate_object(RESTRICTED, &object).is_ok_and(|e| e.allowed()));
                } else if object.kind().is_some_and(|k| k.ends_with("List")) {
                    for item in document.items().unwrap_or_default() {
                        if let Ok(object) = ObjectDocument::from_slice(item.json()) {
                            count += usize::from(evaluate_object(RESTRICTED, &object).is_ok_and(|e| e.allowed()));
                        }
                    }
                }
            }
        }
    }
    count
}

fn manifests(c: &mut Criterion) {
    let mut corpus = Vec::new();
    if let Some(shared) = pss_testgen::shared::shared_dir() {
        yaml_files(&shared.join("realworld/corpus"), &mut corpus);
    }
    let generated = stream(4000);
    let mut g = c.benchmark_group("manifest");
    g.sample_size(10).measurement_time(Duration::from_secs(10));
    if !corpus.is_empty() {
        g.throughput(Throughput::Bytes(corpus.iter().map(|f| f.len() as u64).sum()));
        for (name, verdict) in [("realworld/read", false), ("realworld/verdict", true)] {
            g.bench_function(name, |b| {
                b.iter(|| corpus.iter().map(|file| read(black_box(file), verdict)).sum::<usize>())
            });
        }
    }
    g.throughput(Throughput::Bytes(generated.len() as u64));
    for (name, verdict) in [("stream/read", false), ("stream/verdict", true)] {
        g.bench_function(name, |b| b.iter(|| read(black_box(&generated), verdict)));
    }
    g.finish();
}

criterion_group!(benches, manifests);
criterion_main!(benches);
