// Fixes in the full build (`@pss/wasm/full`): remediate, remediateSpec and remediateObject against
// native pss-core over the generated cases every suite shares (`cargo run -p pss-core --example
// generated_cases`, which writes each case's fix as pss-core's `Remediation::to_json`), however the
// object is passed; and the options, the result's shape and the errors.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as full from "@pss/wasm/full";
import * as lean from "@pss/wasm";
import { generatedCases } from "./generated-cases.mjs";

const cases = generatedCases("remediations", 192);

function expectPssError(fn, kind, message) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, "a JS Error");
    assert.equal(e.name, "PssError");
    assert.equal(e.kind, kind);
    if (message !== undefined) assert.match(e.message, message);
    return true;
  });
}

test("remediateObject gives pss-core's fix for every generated case, however the object is passed", () => {
  assert.ok(cases.every((c) => c.remediation && c.remediationSafeOnly), "the cases carry pss-core's fixes");
  let changed = 0;
  for (const [i, c] of cases.entries()) {
    const text = JSON.stringify(c.object);
    const inputs = { object: c.object, string: text, bytes: new TextEncoder().encode(text) };
    for (const [how, input] of Object.entries(inputs)) {
      for (const safeOnly of [false, true]) {
        const want = safeOnly ? c.remediationSafeOnly : c.remediation;
        const got = full.remediateObject(input, { level: c.level, version: c.version, safeOnly });
        assert.deepEqual(got, want, `case ${i} (${c.kind} at ${c.level}:${c.version}, safeOnly ${safeOnly}) as ${how}`);
        if (c.kind === "Pod") {
          assert.deepEqual(full.remediate(input, { level: c.level, version: c.version, safeOnly }), want, `case ${i} as a pod`);
        }
      }
    }
    changed += c.remediation.patch.length > 0 ? 1 : 0;
    // What the fix leaves is what the lean package's evaluation of the patched object says.
    const after = lean.evaluateObject(c.remediation.patched, { level: c.level, version: c.version });
    assert.equal(after.allowed, c.remediation.fixed, `case ${i}: the patched object`);
    const left = after.violations.flatMap((v) => v.fields.map((f) => f.path));
    assert.deepEqual(left, c.remediation.unfixable.map((u) => u.path), `case ${i}: what is left`);
  }
  assert.ok(changed > cases.length / 3, `${changed} of ${cases.length} cases changed`);
});

test("a pod's fix: operations with their cures, safety and explanation; safe changes only", () => {
  const pod = { kind: "Pod", metadata: { name: "web" }, spec: { containers: [{ name: "web", image: "nginx", securityContext: { privileged: true } }] } };
  const fix = full.remediate(pod, { level: "baseline" });
  assert.equal(fix.fixed, true);
  assert.equal(fix.kind, "Pod");
  assert.deepEqual(fix.patch, [
    {
      op: "replace",
      path: "/spec/containers/0/securityContext/privileged",
      value: false,
      safety: "breaking",
      cures: [{ check: "privileged", path: "spec.containers[0].securityContext.privileged", value: true, container: "web" }],
      explanation: fix.patch[0].explanation,
    },
  ]);
  assert.ok(fix.patch[0].explanation.length > 0 && !fix.patch[0].explanation.includes("\n"));
  assert.equal(fix.patched.spec.containers[0].securityContext.privileged, false);
  const safe = full.remediate(JSON.stringify(pod), { level: "baseline", safeOnly: true });
  assert.equal(safe.fixed, false);
  assert.equal(safe.safe_only, true);
  assert.deepEqual(safe.patch, []);
  assert.deepEqual(safe.unfixable.map((u) => [u.check, u.reason]), [["privileged", "breaking"]]);
  // A bare spec: paths relative to it.
  const spec = full.remediateSpec({ hostIPC: true, containers: [] }, { level: "baseline", version: "v1.30" });
  assert.equal(spec.kind, "PodSpec");
  assert.deepEqual(spec.patch.map((o) => o.path), ["/hostIPC"]);
  // The default level is baseline.
  assert.equal(full.remediate(pod).level, "baseline");
});

test("errors are PssErrors with pss-core's kinds and words", () => {
  expectPssError(() => full.remediate('{"spec":{"hostPID":true,"hostPID":false}}'), "duplicateField", /duplicate key "hostPID"/);
  expectPssError(() => full.remediate({ containers: [] }), "barePodSpec");
  expectPssError(() => full.remediateSpec({ kind: "Pod", spec: {} }), "unexpectedKind");
  expectPssError(
    () => full.remediateObject({ apiVersion: "v1", kind: "Service" }),
    "noPodTemplate",
    /^no pod template: Service is not a pod or a pod controller$/,
  );
  expectPssError(() => full.remediate({ spec: {} }, { level: "strict" }), "invalidLevel");
  expectPssError(() => full.remediate({ spec: {} }, { safeOnly: "yes" }), "invalidOptions", /safeOnly must be a boolean/);
  expectPssError(() => full.remediate({ spec: {} }, { exclusions: [] }), "invalidOptions", /unknown field "exclusions"/);
  // Fixes are in the full build only: the lean one stays within its size budget.
  assert.equal(lean.remediate, undefined);
});
