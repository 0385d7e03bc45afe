//! Kyverno's own podSecurity tests, ported: their policies, pods and expected results (data under
//! `tests/kyverno/`, each file naming its source and Kyverno commit), checked against pss at the
//! Kyverno release each expectation belongs to. Every suite prints `agreeing/total` per release.

mod common;

use std::collections::BTreeMap;

use pss_core::{evaluate_pod_security, KyvernoPolicy, KyvernoVersion, ObjectDocument, RuleStatus};
use serde_json::{json, Value};

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
