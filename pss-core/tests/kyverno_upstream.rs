//! Kyverno's own podSecurity tests, ported: their policies, pods and expected results (data under
//! `tests/kyverno/`, each file naming its source and Kyverno commit), checked against pss at the
//! Kyverno release each expectation belongs to. Every suite prints `agreeing/total` per release.

mod common;

use std::collections::BTreeMap;

use pss_core::kyverno::{
    blocked_message, evaluate_pod_security, ApplyContext, KyvernoPolicy, KyvernoTest, KyvernoVersion, PolicyException,
    RuleStatus, TestInputs, TestOutcome,
};
use pss_core::ObjectDocument;
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
    assert!(dirs.len() >= 94, "{} test directories", dirs.len());
    let (mut kyverno, mut policies_repo) = (Tally::default(), Tally::default());
    for dir in dirs {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let tally = if name.starts_with("policies") { &mut policies_repo } else { &mut kyverno };
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
                let api_server: Vec<&str> = expect["rejected_by_the_api_server"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .map(|n| n.as_str().unwrap())
                    .collect();
                for doc in yaml_docs(&dir.join(file)) {
                    let text = doc.to_string();
                    let obj = ObjectDocument::from_str(&text).unwrap();
                    if obj.name().is_some_and(|n| api_server.contains(&n)) {
                        // Not Kyverno's verdict: pss must predict that Kyverno admits it, and warn.
                        let namespace = obj.namespace().unwrap_or(default_namespace);
                        let ctx = ApplyContext::new(namespace).exceptions(&exceptions);
                        let results: Vec<_> = policies.iter().map(|p| p.apply_with(&obj, &ctx)).collect();
                        assert_eq!(blocked_message(&obj, namespace, &results), None, "{name}");
                        assert!(results.iter().flat_map(|r| r.rules()).any(|r| !r.warnings().is_empty()), "{name}");
                        continue;
                    }
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
    kyverno.finish("kyverno/kyverno test/conformance (chainsaw, kuttl)");
    policies_repo.finish("kyverno/policies pod-security/subrule chainsaw");
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
fn run_test_file(file: &std::path::Path, version: KyvernoVersion) -> pss_core::kyverno::TestReport {
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
        operation: "",
        allow_unevaluated: false,
        kyverno: version,
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

/// Reports and events (`reports/background/**`, `events/**`; the 1.11 kuttl report test): the
/// results and messages they assert, which Kyverno's background scan computes with the same rule
/// evaluation as admission.
#[test]
fn report_and_event_results() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/kyverno/reports");
    let mut dirs = Vec::new();
    test_dirs(&root, &mut dirs);
    assert_eq!(dirs.len(), 11);
    let mut tally = Tally::default();
    for dir in dirs {
        let name = dir.strip_prefix(&root).unwrap().display().to_string();
        let expect = &yaml_docs(&dir.join("expect.yaml"))[0];
        // `file#N`: the file's document N only.
        let files = |key: &str| -> Vec<Value> {
            let mut out = Vec::new();
            for f in expect[key].as_array().into_iter().flatten() {
                let (path, index) = match f.as_str().unwrap().split_once('#') {
                    Some((p, i)) => (p, Some(i.parse::<usize>().unwrap())),
                    None => (f.as_str().unwrap(), None),
                };
                let docs = yaml_docs(&dir.join(path));
                match index {
                    Some(i) => out.push(docs[i].clone()),
                    None => out.extend(docs),
                }
            }
            out
        };
        for version in releases(expect["releases"].as_str().unwrap()) {
            let policies: Vec<KyvernoPolicy> = files("policies")
                .iter()
                .map(|p| KyvernoPolicy::from_json_str_for(&p.to_string(), version).unwrap())
                .collect();
            let exceptions: Vec<PolicyException> = files("exceptions")
                .iter()
                .map(|e| PolicyException::from_json_str_for(&e.to_string(), version).unwrap())
                .collect();
            let texts: Vec<String> = files("resources").iter().map(Value::to_string).collect();
            for want in expect["results"].as_array().unwrap() {
                let resource = want["resource"].as_str().unwrap();
                let text =
                    texts.iter().find(|t| ObjectDocument::from_str(t).unwrap().name() == Some(resource)).unwrap();
                let obj = ObjectDocument::from_str(text).unwrap();
                let namespace = obj.namespace().unwrap_or("chainsaw");
                let ctx = ApplyContext::new(namespace).exceptions(&exceptions);
                let results: Vec<_> = policies.iter().map(|p| p.apply_with(&obj, &ctx)).collect();
                if let Some(summary) = want.get("summary") {
                    for (status, count) in summary.as_object().unwrap() {
                        let got =
                            results.iter().flat_map(|r| r.rules()).filter(|r| r.status().as_str() == status).count();
                        let count = count.as_u64().unwrap() as usize;
                        tally.record(version, got == count, || {
                            format!("{name}: {resource}: {count} {status}, got {got}")
                        });
                    }
                    continue;
                }
                let rule = results
                    .iter()
                    .filter(|r| r.policy() == want["policy"].as_str().unwrap())
                    .flat_map(|r| r.rules())
                    .find(|r| r.name() == want["rule"].as_str().unwrap());
                let status = rule.map(|r| r.status().as_str());
                tally.record(version, status == want["result"].as_str(), || {
                    format!("{name}: {resource}: {want}, got {status:?}")
                });
                if let Some(message) = want["message"].as_str() {
                    let got = rule.map(|r| r.message());
                    tally.record(version, got == Some(message), || {
                        format!("{name}: {resource}: message {message:?}, got {got:?}")
                    });
                }
            }
        }
    }
    tally.finish("reports and events");
}

/// `api/kyverno/v1/rule_test.go` (`Test_ValidatePSaControlNames`): which exclude entries a release
/// refuses, with its messages.
#[test]
fn api_rule_test() {
    let suite = data("rule_test.json");
    let mut tally = Tally::default();
    for case in suite["cases"].as_array().unwrap() {
        let name = case["description"].as_str().unwrap();
        let policy = serde_json::json!({
            "apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
            "spec": {"rules": [case["rule"]]}
        })
        .to_string();
        for (v, errors) in case["errors"].as_object().unwrap() {
            let version: KyvernoVersion = v.parse().unwrap();
            let want: Vec<&str> = errors.as_array().unwrap().iter().map(|e| e.as_str().unwrap()).collect();
            let got: Vec<String> = match KyvernoPolicy::from_json_str_for(&policy, version) {
                Ok(_) => Vec::new(),
                Err(pss_core::kyverno::PolicyError::Invalid { errors, .. }) => {
                    errors.iter().map(ToString::to_string).collect()
                }
                Err(e) => vec![e.to_string()],
            };
            tally.record(version, got == want, || format!("{name}: expected {want:?}, got {got:?}"));
        }
    }
    tally.finish("api/kyverno/v1/rule_test.go");
}

/// `pkg/autogen/v1/autogen_test.go`: `Test_CanAutoGen` (whether a policy gets rules for pod
/// controllers), `Test_getAutogenRuleName` (names cut to 63 bytes) and
/// `Test_PodSecurityWithNoExceptions` (a Deployment gets the generated podSecurity rule). Kyverno's
/// tests call its autogen on policies its webhook would refuse (rules without an operation): pss
/// refuses them, so those cases are listed as not applicable.
#[test]
fn pkg_autogen_test() {
    let suite = data("autogen_test.json");
    let mut tally = Tally::default();
    let mut not_applicable = Vec::new();
    for version in KyvernoVersion::ALL {
        for case in suite["cases"].as_array().unwrap() {
            let name = case["name"].as_str().unwrap();
            match KyvernoPolicy::from_json_str_for(&case["policy"].to_string(), version) {
                Ok(policy) => {
                    let generated = policy.rule_names().any(|r| r.starts_with("autogen-"));
                    let want = case["autogen"].as_bool().unwrap();
                    tally.record(version, generated == want, || format!("{name}: autogen={want}, got {generated}"));
                }
                Err(e) if e.is_invalid() => not_applicable.push(name.to_owned()),
                Err(e) => panic!("{name}: {e}"),
            }
        }
        // Test_getAutogenRuleName.
        for (rule, autogen, cronjob) in [
            ("valid-rule-name", "autogen-valid-rule-name", "autogen-cronjob-valid-rule-name"),
            (
                "too-long-this-rule-name-will-be-truncated-to-63-characters",
                "autogen-too-long-this-rule-name-will-be-truncated-to-63-charact",
                "autogen-cronjob-too-long-this-rule-name-will-be-truncated-to-63",
            ),
        ] {
            let policy = serde_json::json!({"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "p"},
                "spec": {"rules": [{"name": rule, "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
                "validate": {"podSecurity": {"level": "baseline"}}}]}});
            let policy = KyvernoPolicy::from_json_str_for(&policy.to_string(), version).unwrap();
            let names: Vec<&str> = policy.rule_names().collect();
            tally.record(version, names[1] == autogen, || format!("{rule}: {autogen}, got {names:?}"));
            tally.record(version, names[2] == cronjob, || format!("{rule}: {cronjob}, got {names:?}"));
        }
        // Test_PodSecurityWithNoExceptions: rules for a Deployment are the rule and its generated twin.
        let policy = r#"{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"pod-security"},"spec":{"rules":[{"name":"restricted","match":{"all":[{"resources":{"kinds":["Pod"]}}]},"validate":{"failureAction":"enforce","podSecurity":{"level":"restricted","version":"v1.24"}}}]}}"#;
        let policy = KyvernoPolicy::from_json_str_for(policy, version).unwrap();
        let deployment = r#"{"apiVersion": "apps/v1", "kind": "Deployment", "metadata": {"name": "d"},
            "spec": {"template": {"spec": {"containers": [{"name": "c"}]}}}}"#;
        let result = policy.apply(&ObjectDocument::from_str(deployment).unwrap(), "default", None);
        let names: Vec<&str> = result.rules().iter().map(|r| r.name()).collect();
        let ok =
            names == ["autogen-restricted"] && policy.rule_names().take(2).eq(["restricted", "autogen-restricted"]);
        tally.record(version, ok, || format!("PodSecurityWithNoExceptions: got {names:?}"));
    }
    not_applicable.sort();
    not_applicable.dedup();
    println!(
        "pkg/autogen not applicable (a rule without an operation, which Kyverno's webhook refuses): {}",
        not_applicable.join(", ")
    );
    tally.finish("pkg/autogen/v1/autogen_test.go");
}

/// `pkg/engine/handlers/validation/validate_pss_test.go` (`Test_PSS_PolicyExceptions_Skip`, v1.19.0):
/// two PolicyExceptions whose `podSecurity` entries together cover every failure skip the rule.
#[test]
fn validate_pss_test() {
    let policy = r#"{"apiVersion": "kyverno.io/v1", "kind": "ClusterPolicy", "metadata": {"name": "psp-baseline"},
      "spec": {"rules": [{"name": "baseline", "match": {"any": [{"resources": {"kinds": ["Pod"]}}]},
      "validate": {"podSecurity": {"level": "baseline", "version": "v1.29"}}}]}}"#;
    let pod = r#"{"apiVersion":"v1","kind":"Pod","metadata":{"name":"test-pod"},"spec":{
      "containers":[{"name":"primary","image":"alpine:latest","securityContext":{"allowPrivilegeEscalation":false,
        "capabilities":{"drop":["ALL"]},"runAsNonRoot":true,"runAsUser":1000,"runAsGroup":1000,"seccompProfile":{"type":"RuntimeDefault"}}}],
      "initContainers":[
        {"name":"init1","image":"alpine:latest","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"add":["NET_ADMIN","NET_RAW"],"drop":["ALL"]},
          "privileged":false,"readOnlyRootFilesystem":false,"runAsNonRoot":true,"runAsUser":10001,"runAsGroup":10001,"seccompProfile":{"type":"RuntimeDefault"}}},
        {"name":"init2","image":"busybox:latest","securityContext":{"allowPrivilegeEscalation":false,"capabilities":{"add":["SYS_TIME"],"drop":["ALL"]},
          "privileged":false,"readOnlyRootFilesystem":true,"runAsNonRoot":true,"runAsUser":10002,"runAsGroup":10002,"seccompProfile":{"type":"RuntimeDefault"}}}]}}"#;
    let exception = |name: &str, image: &str, values: &str| {
        format!(
            r#"{{"apiVersion":"kyverno.io/v2","kind":"PolicyException","metadata":{{"name":"{name}"}},
              "spec":{{"exceptions":[{{"policyName":"psp-baseline","ruleNames":["baseline"]}}],
              "match":{{"any":[{{"resources":{{"kinds":["Pod"]}}}}]}},
              "podSecurity":[{{"controlName":"Capabilities","images":["{image}"],
                "restrictedField":"spec.initContainers[*].securityContext.capabilities.add","values":{values}}}]}}}}"#
        )
    };
    let mut tally = Tally::default();
    let version = KyvernoVersion::V1_19;
    let policy = KyvernoPolicy::from_json_str_for(policy, version).unwrap();
    let exceptions = [
        PolicyException::from_json_str_for(
            &exception("init1-exception-baseline", "alpine:latest", r#"["NET_ADMIN","NET_RAW"]"#),
            version,
        )
        .unwrap(),
        PolicyException::from_json_str_for(
            &exception("init2-exception-baseline", "busybox:latest", r#"["SYS_TIME"]"#),
            version,
        )
        .unwrap(),
    ];
    let result =
        policy.apply_with(&ObjectDocument::from_str(pod).unwrap(), &ApplyContext::new("").exceptions(&exceptions));
    let status = result.rules()[0].status();
    tally.record(version, status == RuleStatus::Skip, || format!("Test_PSS_PolicyExceptions_Skip: got {status:?}"));
    tally.finish("pkg/engine/handlers/validation/validate_pss_test.go");
}
