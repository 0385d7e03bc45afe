// The package through `require`, as CommonJS users load it.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const pss = require("@pss/wasm");
const { privilegedPod, privilegedMessage } = require("./shared.cjs");

const compliant = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web", namespace: "prod" },
  spec: {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "app",
        image: "nginx",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
      },
    ],
  },
};

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

test("privileged pod at baseline: upstream's message, the field, its value and container", () => {
  for (const pod of [privilegedPod, JSON.stringify(privilegedPod), new TextEncoder().encode(JSON.stringify(privilegedPod))]) {
    const r = pss.evaluate(pod);
    assert.equal(r.allowed, false);
    assert.equal(r.level, "baseline");
    assert.equal(r.version, "latest");
    assert.equal(r.message, privilegedMessage);
    assert.equal(r.forbiddenReason, "privileged");
    assert.equal(r.forbiddenDetail, 'privileged (container "privileged-pod" must not set securityContext.privileged=true)');
    assert.deepEqual(r.violations, [
      {
        check: "privileged",
        reason: "privileged",
        detail: 'container "privileged-pod" must not set securityContext.privileged=true',
        fields: [{ path: "spec.containers[0].securityContext.privileged", value: true, container: "privileged-pod" }],
      },
    ]);
    assert.deepEqual([r.kind, r.apiVersion, r.name, r.namespace], ["Pod", "v1", "privileged-pod", null]);
  }
});

test("compliant pod is allowed at restricted, with empty strings and a null message", () => {
  const r = pss.evaluate(compliant, { level: "restricted" });
  assert.equal(r.allowed, true);
  assert.deepEqual(r.violations, []);
  assert.equal(r.forbiddenReason, "");
  assert.equal(r.forbiddenDetail, "");
  assert.equal(r.message, null);
  assert.equal(r.namespace, "prod");
});

test("field values: null for unset, numbers, lists and {} for a set object", () => {
  const pod = {
    spec: {
      securityContext: { runAsUser: 0 },
      volumes: [{ name: "h", hostPath: { path: "/" } }],
      containers: [{ name: "c", securityContext: { capabilities: { add: ["NET_ADMIN"] } } }],
    },
  };
  const r = new pss.LevelVersion({ level: "restricted", version: "v1.30" }).evaluate(pod);
  const values = new Map(r.violations.flatMap((v) => v.fields.map((f) => [f.path, f.value])));
  assert.equal(values.get("spec.securityContext.runAsUser"), 0);
  assert.deepEqual(values.get("spec.volumes[0].hostPath"), {});
  assert.equal(values.get("spec.containers[0].securityContext.capabilities.add[0]"), "NET_ADMIN");
  assert.equal(values.get("spec.containers[0].securityContext.allowPrivilegeEscalation"), null);
  assert.ok(r.message.includes(' is forbidden: violates PodSecurity "restricted:v1.30": allowPrivilegeEscalation != false'));
});

test("levels and versions: defaults, privileged allows everything, old versions run fewer checks", () => {
  assert.equal(new pss.LevelVersion().toString(), "baseline:latest");
  assert.equal(new pss.LevelVersion(null).level, "baseline");
  const p = new pss.LevelVersion({ level: "restricted", version: "v1.40" });
  assert.deepEqual([p.level, p.version, p.toString()], ["restricted", "v1.40", "restricted:v1.40"]);
  assert.deepEqual(p.toJSON(), { level: "restricted", version: "v1.40" });
  assert.equal(JSON.stringify({ lv: p }), '{"lv":{"level":"restricted","version":"v1.40"}}');
  // Its data is options again.
  assert.equal(new pss.LevelVersion(p.toJSON()).toString(), "restricted:v1.40");
  assert.equal(pss.evaluate(privilegedPod, { level: "privileged" }).allowed, true);
  const pod = { spec: { containers: [{ name: "c" }] } };
  assert.equal(pss.evaluate(pod, { level: "restricted", version: "v1.0" }).forbiddenReason, "runAsNonRoot != true");
  assert.equal(
    pss.evaluate(pod, { level: "restricted", version: "v1.25" }).forbiddenReason,
    "allowPrivilegeEscalation != false, unrestricted capabilities, runAsNonRoot != true, seccompProfile",
  );
});

test("checks, versions and parsing mirror pss-core", () => {
  const checks = pss.checks();
  assert.equal(checks.length, 19);
  assert.deepEqual(checks[0], { id: "appArmorProfile", level: "baseline", versions: ["v1.0"], overrides: null });
  const runAsUser = checks.find((c) => c.id === "runAsUser");
  assert.equal(runAsUser.level, "restricted");
  assert.equal(runAsUser.versions[0], "v1.23");
  assert.equal(checks.find((c) => c.id === "restrictedVolumes").overrides, "hostPathVolumes");
  assert.equal(pss.checksFor("baseline", "v1.0").length, 11);
  assert.ok(!pss.checksFor("restricted").includes("hostPathVolumes"));
  const versions = pss.supportedVersions();
  assert.equal(versions[0], "v1.0");
  assert.equal(versions.at(-1), "latest");
  assert.equal(versions.at(-2), pss.newestCheckVersion());
  assert.equal(pss.parseLevel("restricted"), "restricted");
  assert.equal(pss.parseVersion("v1.29"), "v1.29");
  assert.deepEqual(pss.parseLevelVersion("baseline:v1.25"), { level: "baseline", version: "v1.25" });
  assert.deepEqual(pss.parseLevelVersion("restricted"), { level: "restricted", version: "latest" });
});

test("invalid levels, versions and options are PssErrors with upstream's wording", () => {
  const badLevel = 'invalid level "Baseline": must be one of privileged, baseline, restricted';
  expectPssError(() => pss.parseLevel("Baseline"), "invalidLevel", badLevel);
  expectPssError(() => pss.evaluate("{}", { level: "Baseline" }), "invalidLevel", badLevel);
  expectPssError(() => pss.parseVersion("v1.05"), "invalidVersion", 'invalid version "v1.05": must be "latest" or "v1.x"');
  expectPssError(() => new pss.LevelVersion({ version: "1.25" }), "invalidVersion");
  expectPssError(() => pss.parseLevelVersion("baseline:"), "invalidVersion");
  expectPssError(() => pss.checksFor("strict"), "invalidLevel");
  expectPssError(() => new pss.LevelVersion({ levle: "baseline" }), "invalidOptions", /unknown field "levle"/);
  expectPssError(() => new pss.LevelVersion({ level: 5 }), "invalidOptions", /^invalid options: /);
  expectPssError(() => new pss.LevelVersion("baseline"), "invalidOptions");
});

test("bad documents are PssErrors with the path and the position", () => {
  expectPssError(
    () => pss.evaluate('{"spec": {"hostPID": "yes"}}'),
    "invalidType",
    "spec.hostPID: expected a boolean, found a string at line 1 column 22",
  );
  try {
    pss.evaluate('{\n  "spec": {\n    "containers": [{"name": "c", "securityContext": {"privileged": "yes"}}]\n  }\n}');
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.path, "spec.containers[0].securityContext.privileged");
    assert.equal(e.problem, "expected a boolean, found a string");
    assert.equal(e.line, 3);
    assert.equal(typeof e.column, "number");
    assert.equal(typeof e.offset, "number");
  }
  expectPssError(() => pss.evaluate('{"spec": '), "syntax", /at line 1 column/);
  expectPssError(() => pss.evaluate("[]"), "notAnObject");
  expectPssError(() => pss.evaluate(null), "notAnObject");
  expectPssError(() => pss.evaluate(new Uint8Array([0x7b, 0xff, 0x7d])), "invalidUtf8");
  expectPssError(() => pss.evaluate('{"spec":{"securityContext":{"runAsUser":99999999999999999999}}}'), "numberOutOfRange");
  expectPssError(() => pss.evaluate('{"a":' + "[".repeat(100000)), "tooDeep");
  expectPssError(() => pss.evaluate(undefined), "invalidInput");
  expectPssError(() => pss.evaluate(() => 1), "invalidInput");
  expectPssError(() => pss.evaluate({ spec: { n: 1n } }), "invalidInput", /cannot write the pod as JSON/);
  expectPssError(() => pss.evaluateObject({ spec: { n: 1n } }), "invalidInput", /cannot write the object as JSON/);
  expectPssError(() => pss.evaluateSpec({ n: 1n }), "invalidInput", /cannot write the pod spec as JSON/);
  const cyclic = { spec: {} };
  cyclic.spec.self = cyclic;
  expectPssError(() => pss.evaluate(cyclic), "invalidInput");
});

test("the module stays usable after every kind of bad call", () => {
  const bad = [
    () => pss.evaluate("{"),
    () => pss.evaluate(undefined),
    () => pss.evaluate({ spec: { n: 1n } }),
    () => pss.evaluate("{}", { level: "x" }),
    () => new pss.LevelVersion({ unknown: true }),
    () => pss.evaluate('{"containers": []}'),
    () => pss.evaluateSpec('{"spec": {}}'),
    () => pss.evaluate(new Uint8Array([0xff])),
    () => pss.evaluate('{"a":' + "[".repeat(100000)),
  ];
  const lv = new pss.LevelVersion({ level: "baseline" });
  for (let round = 0; round < 200; round++) {
    for (const call of bad) assert.throws(call);
    assert.equal(lv.evaluate(privilegedPod).message, privilegedMessage);
    assert.equal(pss.evaluate(compliant, { level: "restricted" }).allowed, true);
  }
});

test("large and unusual input: many containers, unicode names, no panic", () => {
  const containers = Array.from({ length: 500 }, (_, i) => ({ name: `c-${i}-ü☃`, securityContext: { privileged: i % 2 === 0 } }));
  const r = pss.evaluate({ metadata: { name: "naïve-☃" }, spec: { containers } });
  assert.equal(r.violations[0].fields.length, 250);
  assert.match(r.message, /^pods "naïve-☃" is forbidden/);
  assert.equal(pss.evaluate("  {}  ").allowed, true);
  assert.throws(() => pss.evaluate(""), { name: "PssError" });
});

test("every kind of offending value, and the result's fields in the order of its type", () => {
  const r = pss.evaluate(
    {
      metadata: { name: "values" },
      spec: {
        hostPID: true,
        securityContext: { runAsUser: 0, sysctls: [{ name: "kernel.msgmax", value: "1" }] },
        volumes: [{ name: "root", hostPath: { path: "/" } }],
        containers: [
          { name: "c", ports: [{ containerPort: 80, hostPort: 8080 }], securityContext: { capabilities: { add: ["NET_ADMIN"], drop: ["NET_RAW", "MKNOD"] }, procMount: "Unmasked" } },
        ],
      },
    },
    { level: "restricted" },
  );
  const values = r.violations.flatMap((v) => v.fields.map((f) => f.value));
  for (const expected of [true, 8080, 0, "kernel.msgmax", "Unmasked", "NET_ADMIN", ["NET_RAW", "MKNOD"], {}, null]) {
    assert.ok(values.some((v) => JSON.stringify(v) === JSON.stringify(expected)), `${JSON.stringify(expected)} in ${JSON.stringify(values)}`);
  }
  const keys = [
    "level", "version", "allowed", "violations", "forbiddenReason", "forbiddenDetail", "message",
    "workloadKind", "templatePath", "notEvaluated", "note", "kind", "apiVersion", "name", "namespace",
  ];
  assert.deepEqual(Object.keys(r), keys);
  // The same keys, in the same order, from every entry and when nothing is evaluated.
  assert.deepEqual(Object.keys(pss.evaluateSpec({ hostPID: true })), keys);
  assert.deepEqual(Object.keys(pss.evaluateObject({ kind: "Service", apiVersion: "v1" })), keys);
  assert.deepEqual(Object.keys(pss.evaluateObject({ spec: {} })), keys);
  assert.deepEqual(Object.keys(r.violations[0]), ["check", "reason", "detail", "fields"]);
  assert.deepEqual(Object.keys(r.violations[0].fields[0]), ["path", "value", "container"]);
});

test("strings holding U+0000 or U+0001 come through whole", () => {
  const r = pss.evaluate({
    metadata: { name: "a\u0000b", namespace: "\u0001" },
    spec: { containers: [{ name: "c\u0001", securityContext: { privileged: true } }] },
  });
  assert.equal(r.name, "a\u0000b");
  assert.equal(r.namespace, "\u0001");
  assert.equal(r.violations[0].fields[0].container, "c\u0001");
  // The name is quoted as Go's %q quotes it, the container as upstream's joinQuote does (as is).
  assert.equal(r.message, 'pods "a\\x00b" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c\u0001" must not set securityContext.privileged=true)');
  assert.equal(r.kind, null);
  assert.equal(r.note, null);
  // U+0001 alone: the flat text (only U+0000 sends the result as JSON), and a name Go quotes.
  const s = pss.evaluate({
    metadata: { name: "x\u0001", namespace: "\u0001" },
    spec: { containers: [{ name: "c\u0001", securityContext: { privileged: true } }] },
  });
  assert.equal(s.name, "x\u0001");
  assert.equal(s.namespace, "\u0001");
  assert.equal(s.violations[0].fields[0].container, "c\u0001");
  assert.equal(s.message, 'pods "x\\x01" is forbidden: violates PodSecurity "baseline:latest": privileged (container "c\u0001" must not set securityContext.privileged=true)');
});

test("repeated containers, values of every type and controllers come through the flat text whole", () => {
  const pod = {
    metadata: { name: "p", annotations: { "container.apparmor.security.beta.kubernetes.io/b": "unconfined" } },
    spec: {
      hostPID: true,
      securityContext: { runAsUser: 0 },
      volumes: [{ name: "h", hostPath: { path: "/" } }],
      containers: [
        { name: "a", ports: [{ hostPort: 80 }], securityContext: { privileged: true, runAsUser: 0, capabilities: { add: ["X", "Y"] } } },
        { name: "b", securityContext: { procMount: "Unmasked", runAsUser: 0, allowPrivilegeEscalation: true } },
        { name: "a", securityContext: { runAsUser: 0 } },
      ],
    },
  };
  const r = pss.evaluate(pod, { level: "restricted", version: "v1.25" });
  const byCheck = Object.fromEntries(r.violations.map((v) => [v.check, v.fields]));
  assert.deepEqual(byCheck.hostPorts, [{ path: "spec.containers[0].ports[0].hostPort", value: 80, container: "a" }]);
  assert.deepEqual(byCheck.restrictedVolumes, [{ path: "spec.volumes[0].hostPath", value: {}, container: null }]);
  assert.deepEqual(byCheck.procMount, [
    { path: "spec.containers[1].securityContext.procMount", value: "Unmasked", container: "b" },
  ]);
  assert.deepEqual(byCheck.runAsUser, [
    { path: "spec.securityContext.runAsUser", value: 0, container: null },
    { path: "spec.containers[0].securityContext.runAsUser", value: 0, container: "a" },
    { path: "spec.containers[1].securityContext.runAsUser", value: 0, container: "b" },
    { path: "spec.containers[2].securityContext.runAsUser", value: 0, container: "a" },
  ]);
  assert.deepEqual(
    byCheck.capabilities_restricted.map((f) => [f.value, f.container]),
    [[null, "a"], ["X", "a"], ["Y", "a"], [null, "b"], [null, "a"]],
  );
  assert.deepEqual(byCheck.allowPrivilegeEscalation.map((f) => f.value), [null, true, null]);
  assert.equal(r.forbiddenReason, r.violations.map((v) => v.reason).join(", "));
  assert.equal(r.forbiddenDetail, r.violations.map((v) => (v.detail ? `${v.reason} (${v.detail})` : v.reason)).join(", "));
  assert.equal(r.message, `pods "p" is forbidden: violates PodSecurity "restricted:v1.25": ${r.forbiddenDetail}`);
  const d = pss.evaluateObject({ apiVersion: "apps/v1", kind: "Deployment", spec: { template: pod } }, { level: "restricted" });
  assert.equal(d.workloadKind, "Deployment");
  assert.equal(d.kind, "Deployment");
  assert.equal(d.apiVersion, "apps/v1");
  assert.equal(d.message, `deployments (pods it creates would be denied): violates PodSecurity "restricted:latest": ${d.forbiddenDetail}`);
  assert.equal(d.violations.find((v) => v.check === "hostPorts").fields[0].path, "spec.template.spec.containers[0].ports[0].hostPort");
});

// The example: the same bare PodSpec through the three ways in.
const bareSpec = { containers: [{ name: "c", securityContext: { privileged: true } }] };

test("a bare PodSpec is denied through evaluateSpec, with spec-relative paths; never an allowed empty pod", () => {
  for (const input of [bareSpec, JSON.stringify(bareSpec), new TextEncoder().encode(JSON.stringify(bareSpec))]) {
    const r = pss.evaluateSpec(input);
    assert.equal(r.allowed, false);
    assert.deepEqual(r.violations[0].fields, [{ path: "containers[0].securityContext.privileged", value: true, container: "c" }]);
    assert.equal(r.message, 'pods is forbidden: violates PodSecurity "baseline:latest": privileged (container "c" must not set securityContext.privileged=true)');
    assert.deepEqual([r.workloadKind, r.templatePath, r.kind, r.name, r.notEvaluated, r.note], [null, "", null, null, null, null]);
  }
  // As a pod: an error that names the mistake and the spec entry point.
  expectPssError(() => pss.evaluate(bareSpec), "barePodSpec", /evaluateSpec/);
  // As any object: no kind, not evaluated, not allowed.
  const o = pss.evaluateObject(bareSpec);
  assert.deepEqual([o.allowed, o.notEvaluated, o.workloadKind, o.message], [false, "noKind", null, null]);
  assert.match(o.note, /^no kind: /);
  // The level and version, and the class's method.
  const restricted = pss.evaluateSpec({ hostNetwork: true, containers: [{ name: "c" }] }, { level: "restricted", version: "v1.30" });
  assert.equal(restricted.version, "v1.30");
  assert.equal(restricted.violations[0].fields[0].path, "hostNetwork");
  const lv = new pss.LevelVersion({ level: "restricted", version: "v1.30" });
  assert.deepEqual(lv.evaluateSpec({ hostNetwork: true, containers: [{ name: "c" }] }), restricted);
  // A whole object is not a spec; a spec takes no exclusions.
  expectPssError(() => pss.evaluateSpec(privilegedPod), "unexpectedKind", /evaluateObject/);
  expectPssError(() => pss.evaluateSpec(bareSpec, { exclusions: [] }), "invalidOptions", /unknown field "exclusions"/);
  const excluding = new pss.LevelVersion({ exclusions: [{ controlName: "Host Namespaces" }] });
  expectPssError(() => excluding.evaluateSpec(bareSpec), "invalidOptions", /exclusions are not applied to a bare pod spec/);
  expectPssError(() => pss.evaluateSpec("[]"), "notAnObject");
});

test("evaluate is the pod entry: no kind is a pod, another kind an error naming evaluateObject", () => {
  const kindless = pss.evaluate({ metadata: { name: "p" }, spec: { hostNetwork: true, containers: [{ name: "c" }] } });
  assert.deepEqual([kindless.allowed, kindless.workloadKind, kindless.kind], [false, "Pod", null]);
  const deployment = { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { template: { spec: { hostNetwork: true } } } };
  expectPssError(() => pss.evaluate(deployment), "unexpectedKind", /evaluateObject/);
  expectPssError(() => new pss.LevelVersion().evaluate({ apiVersion: "v1", kind: "Service" }), "unexpectedKind");
  const d = pss.evaluateObject(deployment);
  assert.equal(d.message, 'deployments "web" (pods it creates would be denied): violates PodSecurity "baseline:latest": host namespaces (hostNetwork=true)');
  // Given the caller's text exactly as it is: the error's position is in it (no kind was added).
  try {
    pss.evaluate('{"spec": {"hostPID": "yes"}}');
    assert.fail("no error");
  } catch (e) {
    assert.equal(e.offset, 21);
  }
});
