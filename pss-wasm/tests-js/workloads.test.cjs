// Workloads of every kind, Kyverno-style exclusions and namespace-label policies, through `require`.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const pss = require("@pss/wasm");

const fixtures = path.join(__dirname, "fixtures");
const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(fixtures, "workloads.yaml"), "utf8"), {
  version: "1.1",
}).map((d) => d.toJS());
const byName = (name) => objects.find((o) => o.metadata.name === name);

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

/** The native CLI's record, as `pss check --format jsonl` wrote it into the fixtures. */
function cliRecords(level) {
  const text = fs.readFileSync(path.join(fixtures, `workloads.${level}.jsonl`), "utf8");
  return text.trim().split("\n").map((line) => JSON.parse(line));
}

/** Our violations in the CLI's shape (it leaves out a null container). */
function asCli(violations) {
  return violations.map((v) => ({
    ...v,
    fields: v.fields.map((f) => (f.container === null ? { path: f.path, value: f.value } : f)),
  }));
}

for (const level of ["baseline", "restricted"]) {
  test(`every workload kind at ${level}: the same verdicts, violations, paths and messages as the native CLI`, () => {
    const records = cliRecords(level);
    assert.equal(records.length, objects.length);
    const kinds = new Set();
    for (const [i, record] of records.entries()) {
      const obj = objects[i];
      for (const input of [obj, JSON.stringify(obj), new TextEncoder().encode(JSON.stringify(obj))]) {
        const r = pss.evaluateObject(input, { level });
        assert.equal(r.workloadKind, record.kind, record.name);
        assert.equal(r.kind, record.kind);
        assert.equal(r.name, record.name);
        assert.equal(r.allowed, record.allowed, record.name);
        assert.deepEqual(asCli(r.violations), record.violations, record.name);
        assert.equal(r.message, record.enforce.message, record.name);
        // A pod gives the same through the pod entry.
        if (record.kind === "Pod") assert.deepEqual(pss.evaluate(input, { level }), r);
      }
      kinds.add(record.kind);
    }
    assert.equal(kinds.size, 9, "every kind");
  });
}

test("field paths start with the template path of the kind", () => {
  const expected = {
    Pod: "spec.",
    PodTemplate: "template.",
    ReplicationController: "spec.template.",
    ReplicaSet: "spec.template.",
    Deployment: "spec.template.",
    StatefulSet: "spec.template.",
    DaemonSet: "spec.template.",
    Job: "spec.template.",
    CronJob: "spec.jobTemplate.spec.template.",
  };
  for (const obj of objects) {
    const r = pss.evaluateObject(obj, { level: "restricted" });
    if (r.notEvaluated) continue;
    assert.equal(r.templatePath, expected[r.workloadKind].replace(/\.$/, "").replace(/^spec$/, ""));
    for (const f of r.violations.flatMap((v) => v.fields)) {
      const prefix = r.workloadKind === "Pod" ? /^(spec|metadata)\./ : new RegExp(`^${r.templatePath.replaceAll(".", "\\.")}\\.(spec|metadata)\\.`);
      assert.match(f.path, prefix, `${r.workloadKind}: ${f.path}`);
    }
  }
  const deployment = pss.evaluateObject(byName("web"));
  assert.deepEqual(deployment.violations[0].fields, [
    { path: "spec.template.spec.containers[0].securityContext.capabilities.add[0]", value: "NET_ADMIN", container: "nginx" },
  ]);
  assert.equal(
    deployment.message,
    'deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": non-default capabilities ' +
      '(container "nginx" must not include "NET_ADMIN" in securityContext.capabilities.add)',
  );
});

test("evaluateObject: a ReplicationController without a template is allowed with a note; what is not a workload is not evaluated", () => {
  const r = pss.evaluateObject(byName("rc-without-template"), { level: "restricted" });
  assert.equal(r.allowed, true);
  assert.equal(r.workloadKind, "ReplicationController");
  assert.equal(r.notEvaluated, "templateAbsent");
  assert.equal(r.note, "no pod template: the ReplicationController has no spec.template");
  assert.equal(r.message, null);
  assert.equal(pss.evaluateObject(byName("web")).note, null);
  const service = pss.evaluateObject({ apiVersion: "v1", kind: "Service", metadata: { name: "s" }, spec: { ports: [{ port: 80 }] } });
  assert.deepEqual(
    [service.allowed, service.notEvaluated, service.note, service.workloadKind, service.kind, service.name],
    [false, "notAPodController", "no pod template: Service is not a pod or a pod controller", null, "Service", "s"],
  );
  // A kind from another group is not the built-in controller.
  assert.equal(pss.evaluateObject({ apiVersion: "example.com/v1", kind: "Deployment" }).notEvaluated, "notAPodController");
  assert.equal(new pss.LevelVersion().evaluateObject('{"apiVersion":"v1","kind":"ConfigMap","data":{"a":"b"}}').notEvaluated, "notAPodController");
  // A document without kind is not a Kubernetes object: not evaluated, never allowed.
  const kindless = pss.evaluateObject({ spec: { hostIPC: true } });
  assert.deepEqual([kindless.allowed, kindless.notEvaluated, kindless.workloadKind, kindless.violations], [false, "noKind", null, []]);
  assert.equal(kindless.note, "no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated");
  assert.equal(pss.evaluateObject({ kind: "", spec: { hostIPC: true } }).notEvaluated, "noKind");
  // The pod entry reads it as a pod, and refuses other kinds.
  assert.equal(pss.evaluate({ spec: { hostIPC: true } }).forbiddenDetail, "host namespaces (hostIPC=true)");
  expectPssError(() => pss.evaluate(byName("web")), "unexpectedKind");
  expectPssError(() => pss.evaluate({ apiVersion: "v1", kind: "Service" }), "unexpectedKind");
  // A controller's template fields are type-checked, with the path in the object.
  expectPssError(
    () => pss.evaluateObject('{"apiVersion":"apps/v1","kind":"Deployment","spec":{"template":{"spec":{"hostPID":"yes"}}}}'),
    "invalidType",
    /^spec\.template\.spec\.hostPID: expected a boolean/,
  );
  // A controller's own fields that a pod would read differently do not matter.
  const odd = { apiVersion: "apps/v1", kind: "Deployment", spec: { containers: "not a pod field here", template: { spec: {} } } };
  assert.equal(pss.evaluateObject(odd).allowed, true);
});

test("exclusions that match remove fields; those that do not leave the result as it was", () => {
  const web = byName("web");
  const without = pss.evaluateObject(web, { level: "restricted" });
  assert.equal(without.allowed, false);
  // By image and control: the whole violation goes.
  const excluded = pss.evaluateObject(web, { level: "restricted", exclusions: [{ controlName: "Capabilities", images: ["nginx*"] }] });
  assert.equal(excluded.allowed, true);
  assert.equal(excluded.message, null);
  // Another image: nothing changes.
  const other = pss.evaluateObject(web, { level: "restricted", exclusions: [{ controlName: "Capabilities", images: ["busybox"] }] });
  assert.deepEqual(other, without);
  // restrictedField and values narrow it: NET_ADMIN excluded, and at restricted NET_BIND_SERVICE is allowed anyway.
  const narrowed = pss.evaluateObject(web, {
    level: "baseline",
    exclusions: [{ controlName: "Capabilities", images: ["*"], restrictedField: "spec.containers[*].securityContext.capabilities.add", values: ["NET_ADMIN"] }],
  });
  assert.equal(narrowed.allowed, true);
  const wrongValue = pss.evaluateObject(web, {
    level: "baseline",
    exclusions: [{ controlName: "Capabilities", images: ["*"], restrictedField: "spec.containers[*].securityContext.capabilities.add", values: ["SYS_*"] }],
  });
  assert.equal(wrongValue.allowed, false);
  // Pod-level control without images, on a pod and on a DaemonSet; partly covered violations keep the rest.
  const pod = pss.evaluate(byName("pod"), { exclusions: [{ controlName: "Host Namespaces" }] });
  assert.deepEqual(pod.violations.map((v) => v.check), ["privileged"]);
  const agent = byName("agent");
  const partial = pss.evaluateObject(agent, { exclusions: [{ controlName: "/proc Mount Type", images: ["busybox"] }] });
  assert.deepEqual(partial.violations.map((v) => v.check), ["hostNamespaces", "seLinuxOptions"]);
  // The same through a LevelVersion, many times, by both entries.
  const lv = new pss.LevelVersion({ level: "baseline", exclusions: [{ controlName: "Host Namespaces" }, { controlName: "Privileged Containers", images: ["nginx"] }] });
  for (let i = 0; i < 50; i++) {
    assert.equal(lv.evaluate(byName("pod")).allowed, true);
    assert.equal(lv.evaluateObject(byName("pod")).allowed, true);
  }
  // A document without kind is a pod for the pod entry with exclusions too, and not evaluated as an object.
  assert.equal(pss.evaluate({ spec: { hostPID: true } }, { exclusions: [{ controlName: "Host Namespaces" }] }).allowed, true);
  assert.equal(pss.evaluate("{}", { exclusions: [{ controlName: "Host Namespaces" }] }).allowed, true);
  assert.equal(pss.evaluateObject({ spec: { hostPID: true } }, { exclusions: [{ controlName: "Host Namespaces" }] }).notEvaluated, "noKind");
});

test("invalid exclusions are PssErrors with Kyverno's messages", () => {
  expectPssError(
    () => pss.evaluate("{}", { exclusions: [{ controlName: "Privileged Containers" }] }),
    "invalidExclusion",
    'exclusions[0].controlName: Invalid value: "Privileged Containers": exclude.images must be specified for the container level control',
  );
  expectPssError(
    () => pss.evaluate("{}", { exclusions: [{ controlName: "Host Namespaces", images: ["nginx"] }] }),
    "invalidExclusion",
    'exclusions[0].controlName: Invalid value: "Host Namespaces": exclude.images must not be specified for the pod level control',
  );
  try {
    new pss.LevelVersion({ exclusions: [{ controlName: "Host Namespaces" }, { controlName: "Nope", restrictedField: "spec.hostPID" }] });
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.kind, "invalidExclusion");
    assert.deepEqual(
      e.errors.map((x) => [x.path, x.value]),
      [
        ["exclusions[1].controlName", "Nope"],
        ["exclusions[1].values", null],
      ],
    );
    assert.match(e.errors[0].message, /^exclusions\[1\]\.controlName: Unsupported value: "Nope": supported values: "HostProcess", /);
    assert.equal(e.errors[1].message, "exclusions[1].values: Forbidden: values is required");
    assert.equal(e.message, `[${e.errors.map((x) => x.message).join(", ")}]`);
  }
  expectPssError(() => pss.evaluate("{}", { exclusions: [{ controlName: "Capabilities", image: ["x"] }] }), "invalidOptions", /exclusions\[0\]\.unknown field "image"/);
  expectPssError(() => pss.evaluate("{}", { exclusions: [{ controlName: "Capabilities", images: "nginx" }] }), "invalidOptions", "invalid options: exclusions[0].images must be an array of strings");
  expectPssError(() => pss.evaluate("{}", { exclusions: { controlName: "Capabilities" } }), "invalidOptions", "invalid options: exclusions must be an array");
  expectPssError(() => pss.evaluate("{}", { exclusions: ["Capabilities"] }), "invalidOptions", "invalid options: exclusions[0] must be an object");
});

test("policyFromLabels: upstream's resolution, defaults and label errors", () => {
  const L = "pod-security.kubernetes.io/";
  assert.deepEqual(pss.policyFromLabels({}), {
    enforce: { level: "privileged", version: "latest" },
    audit: { level: "privileged", version: "latest" },
    warn: { level: "privileged", version: "latest" },
    errors: [],
  });
  // warn follows a stricter enforce (and its version) when warn is not set.
  const p = pss.policyFromLabels({ [`${L}enforce`]: "baseline", [`${L}enforce-version`]: "v1.30", [`${L}audit`]: "restricted", app: "x" });
  assert.deepEqual([p.enforce, p.audit, p.warn], [
    { level: "baseline", version: "v1.30" },
    { level: "restricted", version: "latest" },
    { level: "baseline", version: "v1.30" },
  ]);
  // Invalid labels: enforce fails closed, audit and warn open, versions to latest; every error listed.
  const bad = pss.policyFromLabels({ [`${L}enforce`]: "strict", [`${L}warn`]: "Baseline", [`${L}audit-version`]: "1.30" });
  assert.deepEqual([bad.enforce.level, bad.warn.level, bad.audit.version], ["restricted", "privileged", "latest"]);
  assert.deepEqual(
    bad.errors.map((e) => e.message),
    [
      `metadata.labels[${L}enforce]: Invalid value: "strict": must be one of privileged, baseline, restricted`,
      `metadata.labels[${L}audit-version]: Invalid value: "1.30": must be "latest" or "v1.x"`,
      `metadata.labels[${L}warn]: Invalid value: "Baseline": must be one of privileged, baseline, restricted`,
    ],
  );
  assert.deepEqual(bad.errors[0], {
    message: bad.errors[0].message,
    path: `metadata.labels[${L}enforce]`,
    label: `${L}enforce`,
    value: "strict",
    detail: "must be one of privileged, baseline, restricted",
  });
  // Defaults: a PodSecurityConfiguration's `defaults`; labels override them.
  const d = pss.policyFromLabels({ [`${L}audit`]: "baseline" }, { enforce: "restricted", "enforce-version": "v1.29", warn: "baseline" });
  assert.deepEqual([d.enforce, d.audit, d.warn], [
    { level: "restricted", version: "v1.29" },
    { level: "baseline", version: "latest" },
    { level: "baseline", version: "latest" },
  ]);
  assert.deepEqual(pss.policyFromLabels({}, { enforce: "" }).enforce, { level: "privileged", version: "latest" });
  assert.deepEqual(bad.errors.map((e) => e.label), [`${L}enforce`, `${L}audit-version`, `${L}warn`]);
  // The resolved enforce level and version are evaluate's options.
  assert.equal(pss.evaluate(byName("pod"), p.enforce).allowed, false);
  assert.equal(new pss.LevelVersion(p.enforce).toString(), "baseline:v1.30");
  expectPssError(
    () => pss.policyFromLabels({}, { enforce: "strict", "warn-version": "x" }),
    "invalidAdmissionConfig",
    '[defaults.enforce: Invalid value: "strict": must be one of privileged, baseline, restricted, defaults.warn-version: Invalid value: "x": must be "latest" or "v1.x"]',
  );
  expectPssError(() => pss.policyFromLabels({}, { enforceVersion: "v1.30" }), "invalidOptions", /defaults\.unknown field "enforceVersion"/);
  expectPssError(() => pss.policyFromLabels({ [`${L}enforce`]: 1 }), "invalidOptions", "invalid options: labels must be an object of strings");
  expectPssError(() => pss.policyFromLabels("enforce=baseline"), "invalidOptions");
  expectPssError(() => pss.policyFromLabels(["a"]), "invalidOptions");
});

test("the module stays usable after bad workload, exclusion and label calls", () => {
  const bad = [
    () => pss.evaluate({ kind: "Service", apiVersion: "v1" }),
    () => pss.evaluateObject('{"kind": "Pod", "spec": {"hostPID": 1}}'),
    () => pss.evaluate("{}", { exclusions: [{ controlName: "?" }] }),
    () => pss.policyFromLabels({ a: {} }),
    () => pss.policyFromLabels({}, { audit: "x" }),
    () => pss.evaluate('{"kind":"Deployment","apiVersion":"apps/v1","spec":{"template":'),
  ];
  for (let round = 0; round < 100; round++) {
    for (const call of bad) assert.throws(call, { name: "PssError" });
    assert.equal(pss.evaluateObject(byName("web")).allowed, false);
  }
});
