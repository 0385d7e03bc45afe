// The full build (`@pss/wasm/full`): admission review, the namespace label dry run and Kyverno
// policies, against what the native `pss` CLI wrote for the same documents. The fixtures were made
// from the repository root with (target/debug/pss, F=pss-wasm/tests-js/fixtures):
//   pss check --format jsonl --admission-config examples/admission-config.yaml $F/admission.yaml > $F/admission.config.jsonl
//   pss check --format jsonl --username ci-bot --namespace-labels default=pod-security.kubernetes.io/enforce=restricted,\
//     pod-security.kubernetes.io/audit=bogus,pod-security.kubernetes.io/warn-version=v1.x \
//     --admission-config examples/admission-config.yaml $F/admission.yaml > $F/admission.labels.jsonl
//   pss label-dry-run --all baseline:v1.30 $F/admission.yaml > $F/admission.dry-run.txt
//   pss label-dry-run default restricted $F/admission.yaml >> $F/admission.dry-run.txt
//   pss apply examples/baseline-policy.yaml -r $F/admission.yaml --format json > $F/admission.apply.json
// (source paths then shortened to fixtures/...).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const full = require("@pss/wasm/full");
const lean = require("@pss/wasm");

const fixtures = path.join(__dirname, "fixtures");
const examples = path.join(__dirname, "..", "..", "examples");
const readYaml = (file) =>
  YAML.parseAllDocuments(fs.readFileSync(file, "utf8"), { version: "1.1" })
    .map((d) => d.toJS())
    .filter((o) => o !== null);
const objects = readYaml(path.join(fixtures, "admission.yaml"));
const workloads = objects.filter((o) => o.kind !== "Service");
const jsonl = (name) =>
  fs.readFileSync(path.join(fixtures, name), "utf8").trim().split("\n").map((line) => JSON.parse(line));
const config = readYaml(path.join(examples, "admission-config.yaml"))[0];

function expectPssError(fn, kind, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, "a JS Error");
    assert.equal(e.name, "PssError");
    assert.equal(e.kind, kind);
    if (message instanceof RegExp) assert.match(e.message, message);
    else if (message !== undefined) assert.equal(e.message, message);
    return true;
  });
}

/** The CLI leaves out a null container. */
function withoutNullContainers(v) {
  return { ...v, fields: v.fields.map((f) => (f.container === null ? { path: f.path, value: f.value } : f)) };
}

/** Compares a decision with the CLI's record of the same object. */
function sameAsCli(d, record) {
  const what = `${record.kind} ${record.name}`;
  assert.equal(d.workloadKind, record.kind, what);
  assert.equal(d.name, record.name, what);
  assert.deepEqual(d.warnings, record.warnings, what);
  assert.deepEqual(d.auditAnnotations, record.audit_annotations, what);
  assert.equal(d.exemption, record.exempt, what);
  const policy = `${d.policy.enforce.level}:${d.policy.enforce.version}`;
  assert.equal(policy, record.policy.enforce, what);
  if (record.kind === "Pod") {
    // For pods the CLI's enforce message is the API server's denial; for controllers it is the
    // CLI's own "pods it creates would be denied" (admission admits controllers).
    assert.equal(d.denial, record.enforce.message, what);
    assert.equal(d.allowed, record.enforce.message === null, what);
  } else {
    assert.equal(d.allowed, true, what);
    assert.equal(d.denial, null, what);
  }
  // What a gate reports, pod or controller: the CLI's enforce message and violations.
  assert.equal(d.podsDenial, record.enforce.message, what);
  const enforced = record.kind === "Pod" ? d.enforce : d.createdPods;
  assert.deepEqual((enforced?.violations ?? []).map(withoutNullContainers), record.violations, what);
  if (record.kind === "Pod") assert.equal(d.createdPods, null, what);
}

test("review with an admission configuration: the CLI's denials, warnings, audit annotations and exemptions", () => {
  const records = jsonl("admission.config.jsonl");
  assert.equal(records.length, workloads.length);
  const admission = new full.Admission(config);
  const fromText = new full.Admission(JSON.stringify(config));
  for (const [i, record] of records.entries()) {
    sameAsCli(admission.review(workloads[i]), record);
    sameAsCli(fromText.review(JSON.stringify(workloads[i])), record);
    sameAsCli(full.review(workloads[i], { admissionConfig: config }), record);
  }
  assert.ok(records.some((r) => r.exempt === "namespace") && records.some((r) => r.exempt === "runtimeClass"));
  assert.ok(records.some((r) => r.enforce.message !== null) && records.some((r) => r.warnings.length > 0));
});

test("review with namespace labels (one invalid) and an exempt user", () => {
  const records = jsonl("admission.labels.jsonl");
  const admission = new full.Admission(config);
  const labels = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "bogus",
    "pod-security.kubernetes.io/warn-version": "v1.x",
  };
  for (const [i, record] of records.entries()) {
    const namespace = workloads[i].metadata.namespace ?? "default";
    const options = { username: "ci-bot", namespaceLabels: namespace === "default" ? labels : {} };
    const d = admission.review(workloads[i], options);
    sameAsCli(d, record);
    if (namespace === "default" && d.exemption === null) {
      assert.equal(d.policy.errors.length, 2, "two invalid labels");
    }
  }
});

test("the decision carries each mode's evaluation", () => {
  const pod = workloads.find((o) => o.metadata.name === "privileged-pod");
  const d = new full.Admission(config).review(pod, { namespace: "prod" });
  assert.equal(d.namespace, "prod");
  assert.equal(d.enforce.level, "baseline");
  assert.equal(d.enforce.allowed, false);
  assert.equal(d.enforce.violations[0].fields[0].path, "spec.containers[0].securityContext.privileged");
  assert.equal(d.audit.level, "restricted");
  assert.equal(d.warn, null, "no warn evaluation after a denial");
  assert.deepEqual(new full.Admission(config).policyFor({ "pod-security.kubernetes.io/warn": "baseline" }).warn, {
    level: "baseline",
    version: "latest",
  });
  assert.deepEqual(new full.Admission(config).exemptions, {
    usernames: ["ci-bot"],
    namespaces: ["monitoring"],
    runtimeClasses: ["kata"],
  });
  assert.equal(new full.Admission().defaults.enforce.level, "privileged");
});

test("reviewNamespace gives the CLI's label dry-run warnings", () => {
  const lines = fs.readFileSync(path.join(fixtures, "admission.dry-run.txt"), "utf8").trim().split("\n");
  // The CLI prints each namespace's warnings, then a line of its own starting with `namespace "NAME"`.
  const cli = [];
  let current = [];
  for (const line of lines) {
    if (line.startsWith("Warning: ")) current.push(line.slice("Warning: ".length));
    else {
      cli.push({ namespace: JSON.parse(line.match(/^namespace ("[^"]*")/)[1]), warnings: current, summary: line });
      current = [];
    }
  }
  const pods = objects.filter((o) => o.kind === "Pod");
  const inNamespace = (ns) => pods.filter((p) => (p.metadata.namespace ?? "default") === ns);
  const runs = [
    ...["default", "monitoring", "team-a"].map((ns) => [ns, { "pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.30" }]),
    ["default", { "pod-security.kubernetes.io/enforce": "restricted" }],
  ];
  assert.equal(cli.length, runs.length);
  const admission = new full.Admission();
  for (const [i, [ns, labels]] of runs.entries()) {
    assert.equal(cli[i].namespace, ns);
    const texts = inNamespace(ns).map((p, j) => (j % 2 === 0 ? p : JSON.stringify(p)));
    const r = admission.reviewNamespace(ns, { oldLabels: {}, labels, pods: texts });
    assert.equal(r.allowed, true);
    assert.deepEqual(r.warnings, cli[i].warnings, ns);
    // pss-core's line for the change is the CLI's, and its counts are data.
    assert.equal(r.summary, cli[i].summary, ns);
    const [, violating, total] = cli[i].summary.match(/: (\d+|none) of (\d+) pods? would violate/);
    assert.deepEqual(r.podsCheck, {
      type: "checked",
      checked: texts.length,
      total: Number(total),
      violating: violating === "none" ? 0 : Number(violating),
    });
    assert.equal(r.exempt, false);
  }
});

test("reviewNamespace: why the pods were not checked, as data", () => {
  const admission = new full.Admission(config);
  const L = "pod-security.kubernetes.io/";
  const pods = objects.filter((o) => o.kind === "Pod").map((p) => JSON.stringify(p));
  const created = admission.reviewNamespace("new", { labels: { [`${L}enforce`]: "restricted" } });
  assert.deepEqual([created.podsCheck, created.summary], [{ type: "creation" }, null]);
  const lower = admission.reviewNamespace("prod", { oldLabels: { [`${L}enforce`]: "restricted" }, labels: { [`${L}enforce`]: "baseline" }, pods });
  assert.deepEqual(lower.podsCheck, { type: "notStricter", old: { level: "restricted", version: "latest" }, new: { level: "baseline", version: "latest" } });
  assert.equal(
    lower.summary,
    `namespace "prod": the new enforce level "baseline:latest" is not stricter than "restricted:latest": ${pods.length} existing pods not checked`,
  );
  const exempt = admission.reviewNamespace("monitoring", { oldLabels: {}, labels: { [`${L}enforce`]: "restricted" }, pods });
  assert.deepEqual([exempt.exempt, exempt.podsCheck], [true, { type: "exempt" }]);
  assert.equal(exempt.summary, `namespace "monitoring": exempt from Pod Security: ${pods.length} existing pods not checked`);
  const invalid = admission.reviewNamespace("prod", { oldLabels: {}, labels: { [`${L}enforce`]: "strict" }, pods });
  assert.deepEqual([invalid.allowed, invalid.podsCheck, invalid.summary], [false, { type: "invalid" }, null]);
  assert.equal(invalid.policy.errors[0].label, `${L}enforce`);
});

test("reviewNamespace: invalid labels are rejected with upstream's message; bad pods throw", () => {
  const admission = new full.Admission();
  const r = admission.reviewNamespace("prod", { labels: { "pod-security.kubernetes.io/enforce": "strict" } });
  assert.equal(r.allowed, false);
  assert.equal(
    r.invalid,
    'Namespace "prod" is invalid: metadata.labels[pod-security.kubernetes.io/enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted',
  );
  assert.equal(r.policy.errors[0].path, "metadata.labels[pod-security.kubernetes.io/enforce]");
  expectPssError(
    () => admission.reviewNamespace("prod", { labels: {}, oldLabels: {}, pods: ["{}", '{"spec": {"hostPID": 1}}'] }),
    "invalidType",
    /^pods\[1\]: spec\.hostPID: expected a boolean, found a number at line 1 column/,
  );
  expectPssError(() => admission.reviewNamespace("prod", { oldLabels: {} }), "invalidOptions", "invalid options: labels is required");
  expectPssError(() => admission.reviewNamespace("prod", { labels: {}, pod: [] }), "invalidOptions", /unknown field "pod"/);
});

test("admission configuration errors name the field; bad options and objects throw; the module stays usable", () => {
  const base = { apiVersion: "pod-security.admission.config.k8s.io/v1", kind: "PodSecurityConfiguration" };
  expectPssError(
    () => new full.Admission({ ...base, defaults: { enforce: "strict" } }),
    "invalidAdmissionConfig",
    'defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted',
  );
  assert.throws(
    () => new full.Admission(`{"apiVersion": "${base.apiVersion}", "kind": "${base.kind}",\n "exemptions": {"users": []}}`),
    (e) => e.kind === "invalidAdmissionConfig" && e.path === "exemptions.users" && e.line === 2,
  );
  expectPssError(() => new full.Admission({ apiVersion: "v1", kind: "Pod" }), "invalidAdmissionConfig");
  expectPssError(() => full.review("{}", { admissionConfig: { ...base, defaults: { warn: "x" } } }), "invalidAdmissionConfig", /^admissionConfig: defaults\.warn: /);
  expectPssError(() => new full.Admission().review("{}", { admissionConfig: {} }), "invalidOptions", /unknown field "admissionConfig"/);
  expectPssError(() => full.review('{"apiVersion": "v1", "kind": "Service"}'), "noPodTemplate");
  // A document without kind is not a Kubernetes object: the API server refuses it, so no review.
  expectPssError(
    () => full.review('{"spec": {"hostNetwork": true}}'),
    "noPodTemplate",
    "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated",
  );
  expectPssError(() => full.review("{", {}), "syntax");
  const d = full.review(workloads[0], { namespaceLabels: { "pod-security.kubernetes.io/enforce": "baseline" } });
  assert.equal(d.allowed, false);
});

test("Kyverno: the CLI's rule results and blocking messages", () => {
  const policyDoc = readYaml(path.join(examples, "baseline-policy.yaml"))[0];
  const policy = new full.KyvernoPolicy(policyDoc);
  assert.equal(policy.kind, "ClusterPolicy");
  assert.equal(policy.name, "baseline-policy");
  assert.equal(policy.namespace, undefined);
  assert.deepEqual(policy.ruleNames, ["baseline", "autogen-baseline", "autogen-cronjob-baseline"]);
  const cli = JSON.parse(fs.readFileSync(path.join(fixtures, "admission.apply.json"), "utf8")).resources;
  assert.equal(cli.length, objects.length);
  const fromText = new full.KyvernoPolicy(JSON.stringify(policyDoc));
  for (const [i, record] of cli.entries()) {
    for (const p of [policy, fromText]) {
      const r = p.apply(i % 2 === 0 ? objects[i] : JSON.stringify(objects[i]));
      const what = `${record.kind} ${record.name}`;
      assert.equal(r.namespace, record.namespace, what);
      assert.equal(r.blocked, record.blocked, what);
      assert.equal(r.message, record.message ?? null, what);
      const rules = record.policies.flatMap((p) => p.rules);
      assert.equal(r.kyvernoVersion, "1.19", what);
      assert.deepEqual(
        r.rules.map(({ unevaluatedEnforce, ...rule }) => ({
          ...rule,
          violations: rule.violations.map(withoutNullContainers),
          warnings: rule.warnings.map(withoutNullContainers),
        })),
        // The CLI leaves out an empty list of warnings and a null warning.
        rules.map((rule) => ({ ...rule, violations: rule.violations ?? [], warning: rule.warning ?? null, warnings: rule.warnings ?? [] })),
        what,
      );
    }
  }
  assert.ok(cli.some((r) => r.blocked) && cli.some((r) => !r.blocked));
});

test("Kyverno: options, bad documents and the module after errors", () => {
  const policy = new full.KyvernoPolicy(readYaml(path.join(examples, "baseline-policy.yaml"))[0]);
  const pod = objects.find((o) => o.metadata.name === "privileged-pod");
  assert.equal(policy.apply(pod, { namespace: "prod" }).namespace, "prod");
  assert.match(policy.apply(pod, { namespace: "prod" }).message, /^resource Pod\/prod\/privileged-pod was blocked/);
  expectPssError(() => policy.apply(pod, { namespaces: "x" }), "invalidOptions", /unknown field "namespaces"/);
  expectPssError(() => policy.apply("[]"), "notAnObject");
  expectPssError(() => new full.KyvernoPolicy(pod), "unsupportedPolicy", "unsupported policy kind v1/Pod: pss runs kyverno.io ClusterPolicy and Policy documents");
  expectPssError(
    () =>
      new full.KyvernoPolicy({
        apiVersion: "kyverno.io/v1",
        kind: "ClusterPolicy",
        metadata: { name: "p" },
        spec: { rules: [{ name: "r", match: { any: [{ resources: { kinds: ["Pod"] } }] }, validate: { podSecurity: { level: "baseline", exclude: [{ controlName: "Capabilities" }] } } }] },
      }),
    "invalidPolicy",
    /^spec\.rules\[0\]\.podSecurity\.exclude\[0\]\.controlName: Invalid value: "Capabilities": exclude\.images must be specified/,
  );
  expectPssError(() => new full.KyvernoPolicy('{"kind": 1}'), "invalidType");
  assert.equal(policy.apply(pod).blocked, true);
});

// kyverno/kyverno test/cli/test-exceptions/exceptions-3 (v1.19.0): the exception allows the hostPath
// /var/lib1 in staging-ns, where Kyverno skips the rule (validate_pss.go's message).
const psaPolicy = {
  apiVersion: "kyverno.io/v1",
  kind: "ClusterPolicy",
  metadata: { name: "psa" },
  spec: { rules: [{ name: "baseline", match: { any: [{ resources: { kinds: ["Pod"] } }] }, validate: { failureAction: "Enforce", podSecurity: { level: "baseline", version: "latest" } } }] },
};
const psaException = {
  apiVersion: "kyverno.io/v2",
  kind: "PolicyException",
  metadata: { name: "pod-security-exception", namespace: "policy-exception-ns" },
  spec: {
    exceptions: [{ policyName: "psa", ruleNames: ["baseline"] }],
    match: { any: [{ resources: { namespaces: ["staging-ns"] } }] },
    podSecurity: [{ controlName: "HostPath Volumes", restrictedField: "spec.volumes[*].hostPath", values: ["/var/lib1"] }],
  },
};
const hostPathPod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "excluded-pod" },
  spec: { volumes: [{ name: "host", hostPath: { path: "/var/lib1" } }], containers: [{ name: "nginx", image: "nginx" }] },
};

test("Kyverno: releases, PolicyExceptions, warnings and rules not evaluated", () => {
  const policy = new full.KyvernoPolicy(psaPolicy);
  assert.equal(policy.kyvernoVersion, "1.19");
  const exceptions = new full.KyvernoExceptions([psaException, JSON.stringify(psaException)]);
  assert.deepEqual(exceptions.keys, ["policy-exception-ns/pod-security-exception", "policy-exception-ns/pod-security-exception"]);
  const skipped = policy.applyWith(hostPathPod, new full.KyvernoExceptions([psaException]), { namespace: "staging-ns" });
  assert.equal(skipped.rules[0].status, "skip");
  assert.equal(skipped.rules[0].message, "rule is skipped due to policy exceptions policy-exception-ns/pod-security-exception");
  const failed = policy.applyWith(hostPathPod, exceptions, { namespace: "default" });
  assert.equal(failed.blocked, true);
  assert.equal(
    failed.rules[0].message,
    'Validation rule \'baseline\' failed. It violates PodSecurity "baseline:latest": (Forbidden reason: hostPath volumes, field error list: [spec.volumes[0].hostPath is forbidden, forbidden values found: /var/lib1])',
  );
  // Kyverno 1.11 reads no kyverno.io/v2 exception; exceptions of another release are refused.
  expectPssError(() => new full.KyvernoExceptions([psaException], { kyvernoVersion: "1.11" }), "unsupportedPolicy", /^documents\[0\]: policy exception type not supported kyverno\.io\/v2/);
  const old = new full.KyvernoPolicy(psaPolicy, { kyvernoVersion: "1.12" });
  assert.equal(old.kyvernoVersion, "1.12");
  expectPssError(() => old.applyWith(hostPathPod, exceptions), "invalidInput", /^PolicyException policy-exception-ns\/pod-security-exception was read for Kyverno 1\.19/);
  expectPssError(() => new full.KyvernoPolicy(psaPolicy, { kyvernoVersion: "1.10" }), "invalidVersion", /^unsupported Kyverno version "1\.10"/);
  expectPssError(() => new full.KyvernoPolicy(psaPolicy, { release: "1.12" }), "invalidOptions", /unknown field "release"/);

  // Kyverno 1.11 drops a check whole once an image exclusion covers a container: admitted, with a warning.
  const excluding = structuredClone(psaPolicy);
  excluding.spec.rules[0].validate.podSecurity.exclude = [{ controlName: "Capabilities", images: ["nginx"] }];
  const two = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "two" },
    spec: {
      containers: [
        { name: "web", image: "nginx", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
        { name: "side", image: "busybox", securityContext: { capabilities: { add: ["SYS_ADMIN"] } } },
      ],
    },
  };
  const admitted = new full.KyvernoPolicy(excluding, { kyvernoVersion: "1.11" }).apply(two);
  assert.equal(admitted.rules[0].status, "pass");
  assert.equal(
    admitted.rules[0].warning,
    'Kyverno 1.11 admits it, but it violates PodSecurity "baseline:latest": non-default capabilities (spec.containers[1].securityContext.capabilities.add[0])',
  );
  assert.equal(admitted.rules[0].warnings[0].fields[0].path, "spec.containers[1].securityContext.capabilities.add[0]");
  assert.equal(admitted.rules[0].unevaluatedEnforce, false);
});

test("the default build has neither; the full build evaluates as the default one", () => {
  assert.equal(lean.Admission, undefined);
  assert.equal(lean.KyvernoPolicy, undefined);
  assert.equal(lean.review, undefined);
  for (const o of workloads) {
    assert.deepEqual(full.evaluateObject(o, { level: "restricted" }), lean.evaluateObject(o, { level: "restricted" }));
  }
});
