//! Kyverno's own podSecurity tests, ported: their policies, pods and expected results (data under
//! `tests/kyverno/`, each file naming its source and Kyverno commit), checked against pss at the
//! Kyverno release each expectation belongs to. Every suite prints `agreeing/total` per release.

mod common;

use std::collections::BTreeMap;

use pss_core::{
    blocked_message, evaluate_pod_security, ApplyContext, KyvernoPolicy, KyvernoTest, KyvernoVersion, ObjectDocument,
    PolicyException, RuleStatus, TestInputs, TestOutcome,
};
use serde_json::Value;

fn data(name: &str) -> Value {
    let path = format!("{}/tests/kyverno/{name}", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

/// Agreeing and total expectations per release, and the disagreements.
#[derive(Default)]
struct Tally {
    counts: BTreeMap<KyvernoVersion, (usize, usize)>,
    failures: Vec<String>,
}

impl Tally {
    fn record(&mut self, version: KyvernoVersion, ok: bool, what: impl FnOnce() -> String) {
        let entry = self.counts.entry(version).or_default();
        entry.1 += 1;
        if ok {
            entry.0 += 1;
        } else {
            self.failures.push(format!("[{version}] {}", what()));
        }
    }

    fn finish(self, suite: &str) {
        for (v, (ok, total)) in &self.counts {
            println!("{suite} at Kyverno {v}: {ok}/{total}");
        }
        assert!(
            self.failures.is_empty(),
            "{suite}: {} disagreements:\n{}",
            self.failures.len(),
            self.failures.join("\n")
        );
    }
}

/// `pkg/pss/evaluate_test.go`: a podSecurity rule and a pod, allowed or not. Kyverno calls its
/// evaluator directly, without validating the block: so does `evaluate_pod_security`.
#[test]
fn pkg_pss_evaluate_test() {
    let suite = data("evaluate_test.json");
    let mut tally = Tally::default();
    for case in suite["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let rule = case["rule"].to_string();
        let pod = case["pod"].to_string();
        let obj = ObjectDocument::from_str(&pod).unwrap();
        for (v, allowed) in case["allowed"].as_object().unwrap() {
            let version: KyvernoVersion = v.parse().unwrap();
            let allowed = allowed.as_bool().unwrap();
            let got = evaluate_pod_security("r", &rule, &obj, version)
                .map(|r| (r.status(), r.message().to_owned()))
                .map_err(|e| e.to_string());
            let ok = matches!(&got, Ok((status, _)) if (*status == RuleStatus::Pass) == allowed);
            tally.record(version, ok, || format!("{name}: expected allowed={allowed}, got {got:?}"));
        }
    }
    tally.finish("pkg/pss/evaluate_test.go");
}

/// The YAML documents of a file, as JSON values (empty documents left out).
fn yaml_docs(path: &std::path::Path) -> Vec<Value> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut docs = Vec::new();
    let mut current = String::new();
    for line in text.lines().chain(std::iter::once("---")) {
        if line.trim_end() == "---" {
            if !current.trim().is_empty() {
                let value: Value =
                    serde_saphyr::from_str(&current).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
                if !value.is_null() {
                    docs.push(value);
                }
            }
            current.clear();
        } else {
            current.push_str(line);
            current.push('\n');
        }
    }
    docs
}

/// `1.13-1.19` or `1.12`.
fn releases(spec: &str) -> Vec<KyvernoVersion> {
    let (from, to) = spec.split_once('-').unwrap_or((spec, spec));
    let (from, to): (KyvernoVersion, KyvernoVersion) = (from.parse().unwrap(), to.parse().unwrap());
    KyvernoVersion::ALL.into_iter().filter(|v| (from..=to).contains(v)).collect()
}

/// The text after kubectl's `denied the request: `.
fn denial(stderr: &str) -> &str {
    stderr.split_once("denied the request: ").map_or(stderr, |(_, m)| m)
}

fn test_dirs(root: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            test_dirs(&path, out);
        } else if path.file_name().is_some_and(|n| n == "expect.yaml") {
            out.push(root.to_path_buf());
        }
    }
}

/// `test/conformance/chainsaw/**` (podSecurity tests): each step that needs no cluster, a resource
/// created (blocked or admitted, with parts of kubectl's error), or a policy or PolicyException
/// refused with kubectl's exact error. Resources without a namespace are created in the test's
/// namespace by chainsaw's own operations, in `default` by kubectl in script steps.
#[test]
fn chainsaw_conformance() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kyverno/chainsaw");
    let mut dirs = Vec::new();
    test_dirs(&root, &mut dirs);
    assert!(dirs.len() >= 90, "{} test directories", dirs.len());
    let mut tally = Tally::default();
    for dir in dirs {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let expect = &yaml_docs(&dir.join("expect.yaml"))[0];
        let files = |key: &str| -> Vec<Value> {
            expect[key]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|f| yaml_docs(&dir.join(f.as_str().unwrap())))
                .collect()
        };
        let namespace_labels: BTreeMap<String, BTreeMap<String, String>> = files("namespaces")
            .iter()
            .map(|ns| {
                let labels = ns["metadata"]["labels"].as_object().into_iter().flatten();
                let labels = labels.map(|(k, v)| (k.clone(), v.as_str().unwrap().to_owned())).collect();
                (ns["metadata"]["name"].as_str().unwrap().to_owned(), labels)
            })
            .collect();
        for version in releases(expect["releases"].as_str().unwrap()) {
            let policies: Vec<KyvernoPolicy> = files("policies")
                .into_iter()
                .map(|mut p| {
                    // chainsaw's patch of the policy (a merge into its spec).
                    for (k, v) in expect["policy_spec_patch"].as_object().into_iter().flatten() {
                        p["spec"][k] = v.clone();
                    }
                    KyvernoPolicy::from_json_str_for(&p.to_string(), version).unwrap()
                })
                .collect();
            let exceptions: Vec<PolicyException> = files("exceptions")
                .iter()
                .map(|e| PolicyException::from_json_str_for(&e.to_string(), version).unwrap())
                .collect();
            for step in expect["steps"].as_array().unwrap() {
                if let Some(file) = step.get("exception").or(step.get("policy")) {
                    let docs = yaml_docs(&dir.join(file.as_str().unwrap()));
                    let errors: Vec<String> = docs
                        .iter()
                        .filter_map(|d| {
                            let text = d.to_string();
                            let err = if step.get("policy").is_some() {
                                KyvernoPolicy::from_json_str_for(&text, version).err()
                            } else {
                                PolicyException::from_json_str_for(&text, version).err()
                            };
                            err.map(|e| e.to_string())
                        })
                        .collect();
                    let invalid = step["invalid"].as_bool().unwrap();
                    tally.record(version, errors.is_empty() != invalid, || {
                        format!("{name}: {file} invalid={invalid}, got {errors:?}")
                    });
                    if let Some(stderr) = step["stderr"].as_str() {
                        let ok = errors.first().is_some_and(|e| e == denial(stderr));
                        tally.record(version, ok, || {
                            format!("{name}: {file}: expected {:?}, got {errors:?}", denial(stderr))
                        });
                    }
                    continue;
                }
                let file = step["file"].as_str().unwrap();
                let default_namespace = step["namespace"].as_str().unwrap_or("chainsaw");
                let mut blocked_each = Vec::new();
                let mut messages = Vec::new();
                for doc in yaml_docs(&dir.join(file)) {
                    let text = doc.to_string();
                    let obj = ObjectDocument::from_str(&text).unwrap();
                    let namespace =
                        if obj.kind() == Some("Namespace") { "" } else { obj.namespace().unwrap_or(default_namespace) };
                    let labels = namespace_labels.get(namespace);
                    let ctx = ApplyContext::new(namespace).namespace_labels(labels).exceptions(&exceptions);
                    let results: Vec<_> = policies.iter().map(|p| p.apply_with(&obj, &ctx)).collect();
                    let message = blocked_message(&obj, namespace, &results);
                    blocked_each.push(message.is_some());
                    messages.extend(message);
                }
                // chainsaw checks the expectation on each document's operation.
                let blocked = step["blocked"].as_bool().unwrap();
                let ok = blocked_each.iter().all(|b| *b == blocked);
                tally.record(version, ok, || {
                    format!("{name}: {file} blocked={blocked}, got {blocked_each:?} {messages:?}")
                });
                for part in step["contains"].as_array().into_iter().flatten() {
                    let part = part.as_str().unwrap();
                    let ok = messages.iter().any(|m| m.contains(part));
                    tally.record(version, ok, || {
                        format!("{name}: {file}: the denial should contain {part:?}: {messages:?}")
                    });
                }
            }
        }
    }
    tally.finish("test/conformance/chainsaw");
}

/// Every `kyverno-test.yaml` under a directory.
fn test_files(root: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(root).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            test_files(&path, out);
        } else if path.file_name().is_some_and(|n| n == "kyverno-test.yaml") {
            out.push(path);
        }
    }
}

/// Runs a Kyverno CLI test file at a release: the rows and the number of expectations.
fn run_test_file(file: &std::path::Path, version: KyvernoVersion) -> pss_core::TestReport {
    let dir = file.parent().unwrap();
    let test = KyvernoTest::from_json_str(&yaml_docs(file)[0].to_string()).unwrap();
    let docs = |paths: &[String]| -> Vec<String> {
        paths.iter().flat_map(|p| yaml_docs(&dir.join(p))).map(|d| d.to_string()).collect()
    };
    let policies: Vec<KyvernoPolicy> =
        docs(test.policies()).iter().map(|p| KyvernoPolicy::from_json_str_for(p, version).unwrap()).collect();
    let exceptions: Vec<PolicyException> =
        docs(test.exceptions()).iter().map(|e| PolicyException::from_json_str_for(e, version).unwrap()).collect();
    let texts = docs(test.resources());
    let resources: Vec<ObjectDocument<'_>> = texts.iter().map(|t| ObjectDocument::from_str(t).unwrap()).collect();
    let labels = BTreeMap::new();
    let inputs = TestInputs {
        policies: &policies,
        invalid_policies: &[],
        resources: &resources,
        exceptions: &exceptions,
        namespace_labels: &labels,
        allow_unevaluated: false,
    };
    test.run(&inputs)
}

/// kyverno/policies `pod-security/subrule/**` and kyverno/kyverno `test/cli/test-exceptions/exceptions-3`:
/// Kyverno CLI test files, run as `kyverno test` runs them.
#[test]
fn kyverno_cli_test_files() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kyverno/kyverno-test");
    let mut files = Vec::new();
    test_files(&root, &mut files);
    assert_eq!(files.len(), 5);
    let mut tally = Tally::default();
    for file in files {
        let name = file.strip_prefix(&root).unwrap().display().to_string();
        let versions: Vec<KyvernoVersion> =
            if name.starts_with("policies/") { vec![KyvernoVersion::V1_19] } else { releases("1.12-1.19") };
        for version in versions {
            let report = run_test_file(&file, version);
            assert!(!report.rows().is_empty(), "{name}");
            for row in report.rows() {
                let ok = row.outcome() == TestOutcome::Pass;
                tally.record(version, ok, || {
                    format!(
                        "{name}: {} {} {}: {} ({})",
                        row.policy(),
                        row.rule(),
                        row.resource(),
                        row.reason(),
                        row.message()
                    )
                });
            }
        }
    }
    tally.finish("kyverno-test.yaml files");
}
