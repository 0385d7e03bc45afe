//! `pss test`: Kyverno CLI test files run as `kyverno test` runs them, end to end (output and exit
//! status). The ported test files are in pss-core/tests/kyverno/kyverno-test (see SOURCES.md).

mod common;

use common::{pss, pss_in, repo_root, TempDir};

const PORTED: &str = "pss-core/tests/kyverno/kyverno-test";

/// kyverno/kyverno `test/cli/test-exceptions/exceptions-3` at v1.19.0: three expectations, all
/// held, in `kyverno test`'s lines and table.
#[test]
fn exceptions_3_passes_as_in_kyverno() {
    let out = pss_in(&repo_root().join(PORTED), &["test", "kyverno"], b"");
    assert_eq!(
        out.stdout,
        "\
Loading test kyverno-test ( kyverno/exceptions-3/kyverno-test.yaml ) ...
  Loading values/variables ...
  Loading policies ...
  Loading resources ...
  Loading exceptions ...
  Applying 1 policy to 3 resources with 1 exception ...
  Checking results ...

│────│────────│──────────│────────────────────────────────│────────│────────│
│ ID │ POLICY │ RULE     │ RESOURCE                       │ RESULT │ REASON │
│────│────────│──────────│────────────────────────────────│────────│────────│
│ 1  │ psa    │ baseline │ v1/Pod/default/bad-pod         │ Pass   │ Ok     │
│ 2  │ psa    │ baseline │ v1/Pod/default/good-pod        │ Pass   │ Ok     │
│ 3  │ psa    │ baseline │ v1/Pod/staging-ns/excluded-pod │ Pass   │ Ok     │
│────│────────│──────────│────────────────────────────────│────────│────────│


Test Summary: 3 tests passed and 0 tests failed

"
    );
    assert_eq!(out.stderr, "");
    assert_eq!(out.code, 0);
    // The same at every release that reads kyverno.io/v2 PolicyExceptions.
    for version in ["1.12", "1.13", "1.16", "1.18"] {
        let again = pss_in(&repo_root().join(PORTED), &["test", "kyverno", "--kyverno-version", version], b"");
        assert_eq!(again.stdout, out.stdout, "{version}");
        assert_eq!(again.code, 0);
    }
}

/// Every ported test file (kyverno/policies pod-security/subrule and exceptions-3) at Kyverno 1.19.
#[test]
fn every_ported_test_file_passes() {
    let out = pss(&["test", PORTED]);
    assert!(out.stdout.ends_with("\nTest Summary: 11 tests passed and 0 tests failed\n\n"), "{}", out.stdout);
    assert_eq!(out.stdout.matches("Loading test ").count(), 5);
    assert_eq!(out.code, 0, "{}", out.stderr);
}

#[test]
fn kyverno_1_11_cannot_load_a_v2_exception() {
    let out = pss(&["test", &format!("{PORTED}/kyverno"), "--kyverno-version", "1.11"]);
    assert_eq!(out.code, 2);
    assert!(
        out.stderr.contains(
            "failed to load exceptions (pss-core/tests/kyverno/kyverno-test/kyverno/exceptions-3/exception.yaml \
             (document 1, line 1): policy exception type not supported kyverno.io/v2, Kind=PolicyException"
        ),
        "{}",
        out.stderr
    );
    assert!(out.stdout.ends_with("\nTest Summary: 0 tests passed and 0 tests failed\n\n"), "{}", out.stdout);
}

const POLICY: &str = r#"apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: psa
spec:
  validationFailureAction: Enforce
  rules:
  - name: baseline
    match:
      any:
      - resources:
          kinds: [Pod]
          namespaceSelector:
            matchLabels:
              env: prod
    validate:
      podSecurity:
        level: baseline
        version: latest
  - name: labels
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        metadata:
          labels:
            app: "?*"
"#;

const RESOURCES: &str = r#"apiVersion: v1
kind: Pod
metadata: {name: bad, namespace: shop}
spec:
  containers:
  - name: c
    image: nginx
    securityContext: {privileged: true}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers:
      - name: c
        image: nginx
        securityContext: {privileged: true}
"#;

fn write_test(dir: &TempDir, results: &str) {
    dir.write("policy.yaml", POLICY);
    dir.write("resources.yaml", RESOURCES);
    dir.write(
        "values.yaml",
        "apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nnamespaceSelector:\n- name: shop\n  labels: {env: prod}\n",
    );
    dir.write(
        "tests/kyverno-test.yaml",
        format!(
            "apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: shop\npolicies: [../policy.yaml]\n\
             resources: [../resources.yaml]\nvariables: ../values.yaml\nresults:\n{results}"
        ),
    );
}

/// A values file labels the namespace; autogen rules are checked under the rule's name; a wrong
/// expectation fails with Kyverno's reason; a rule pss does not evaluate fails unless allowed.
#[test]
fn failures_unevaluated_rules_and_their_flags() {
    let dir = TempDir::new("test-command");
    write_test(
        &dir,
        "- {policy: psa, rule: baseline, resources: [bad], kind: Pod, result: fail}\n\
         - {policy: psa, rule: baseline, resources: [web], kind: Deployment, result: pass}\n\
         - {policy: psa, rule: labels, resources: [bad], kind: Pod, result: fail}\n",
    );
    let out = pss_in(dir.path(), &["test", "."], b"");
    assert_eq!(
        out.stdout,
        "\
Loading test shop ( tests/kyverno-test.yaml ) ...
  Loading values/variables ...
  Loading policies ...
  Loading resources ...
  Loading exceptions ...
  Applying 1 policy to 2 resources with 0 exceptions ...
  Checking results ...

│────│────────│──────────────────│─────────────────────────────│────────│─────────────────────│
│ ID │ POLICY │ RULE             │ RESOURCE                    │ RESULT │ REASON              │
│────│────────│──────────────────│─────────────────────────────│────────│─────────────────────│
│ 1  │ psa    │ baseline         │ v1/Pod/shop/bad             │ Pass   │ Ok                  │
│ 2  │ psa    │ autogen-baseline │ apps/v1/Deployment/shop/web │ Fail   │ Want pass, got fail │
│ 3  │ psa    │ labels           │ v1/Pod/shop/bad             │ Fail   │ Not evaluated       │
│────│────────│──────────────────│─────────────────────────────│────────│─────────────────────│


Test Summary: 1 tests passed and 2 tests failed

"
    );
    assert_eq!(out.code, 1);

    let out = pss_in(dir.path(), &["test", ".", "--allow-unevaluated", "--fail-only"], b"");
    assert!(
        out.stdout.contains("\nTest Summary: 1 out of 3 tests failed\n\nAggregated Failed Test Cases : \n"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.contains("│ 1  │ psa    │ autogen-baseline │"), "{}", out.stdout);
    assert!(!out.stdout.contains("Not evaluated"), "{}", out.stdout);
    assert_eq!(out.code, 1);

    let out = pss_in(dir.path(), &["test", ".", "--detailed-results"], b"");
    assert!(out.stdout.contains("│ MESSAGE"), "{}", out.stdout);
    assert!(
        out.stdout.contains("Validation rule 'autogen-baseline' failed. It violates PodSecurity \"baseline:latest\""),
        "{}",
        out.stdout
    );
}

/// Without the values file, the namespaceSelector matches nothing: Kyverno excludes the resources.
#[test]
fn without_values_the_namespace_selector_excludes() {
    let dir = TempDir::new("test-command-no-values");
    write_test(&dir, "- {policy: psa, rule: baseline, resources: [bad], kind: Pod, result: fail}\n");
    std::fs::write(dir.path().join("values.yaml"), "apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\n").unwrap();
    let out = pss_in(dir.path(), &["test", "."], b"");
    assert!(out.stdout.contains("│ 1  │ psa    │ baseline │ v1/Pod/shop/bad │ Pass   │ Excluded │"), "{}", out.stdout);
    assert_eq!(out.code, 0);
}

#[test]
fn no_test_files() {
    let dir = TempDir::new("test-command-empty");
    let out = pss_in(dir.path(), &["test", "."], b"");
    assert_eq!(out.stdout, "\nNo test yamls available\n");
    assert_eq!(out.code, 0);
    let out = pss_in(dir.path(), &["test", ".", "--require-tests"], b"");
    assert_eq!(out.code, 1);
    let out = pss_in(dir.path(), &["test", "missing"], b"");
    assert_eq!(out.code, 2);
}
