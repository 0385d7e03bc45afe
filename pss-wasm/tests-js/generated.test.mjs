// The built package against native pss-core over the generated cases every suite shares
// (pss-testgen): pods and every controller kind at every level and many versions. The cases and
// pss-core's results come from `cargo run -p pss-core --example generated_cases` (run here unless
// PSS_GENERATED_CASES names a file it wrote). Every field of each result must be the same, for the
// object given as a JS object, a JSON string and UTF-8 bytes, through evaluateObject (every kind)
// and evaluate (pods), and through a LevelVersion.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as pss from "@pss/wasm";
import { generatedCases } from "./generated-cases.mjs";

const cases = generatedCases("cases", 256);

test("the cases cover every kind, every level, allowed and denied", () => {
  assert.ok(cases.length >= 100, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.kind)).size, 9);
  assert.equal(new Set(cases.map((c) => c.level)).size, 3);
  const denied = cases.filter((c) => !c.expected.allowed).length;
  assert.ok(denied > 0 && denied < cases.length, `${denied} denied`);
});

// The example writes the evaluation of a workload; `notEvaluated` (null: every case is evaluated) is
// this package's own field.
const expected = (c) => ({ ...c.expected, notEvaluated: null });

test("evaluateObject gives pss-core's result for every generated case, however the object is passed", () => {
  for (const [i, c] of cases.entries()) {
    const options = { level: c.level, version: c.version };
    const text = JSON.stringify(c.object);
    const inputs = { object: c.object, string: text, bytes: new TextEncoder().encode(text) };
    for (const [how, input] of Object.entries(inputs)) {
      const got = pss.evaluateObject(input, options);
      assert.deepEqual(got, expected(c), `case ${i} (${c.kind} at ${c.level}:${c.version}) as ${how}`);
      if (c.kind === "Pod") assert.deepEqual(pss.evaluate(input, options), expected(c), `case ${i} as a pod`);
    }
  }
});

test("a LevelVersion gives the same results as evaluateObject", () => {
  const levelVersions = new Map();
  for (const [i, c] of cases.entries()) {
    const key = `${c.level}:${c.version}`;
    if (!levelVersions.has(key)) levelVersions.set(key, new pss.LevelVersion({ level: c.level, version: c.version }));
    assert.deepEqual(levelVersions.get(key).evaluateObject(c.object), expected(c), `case ${i} (${c.kind} at ${key})`);
  }
  for (const lv of levelVersions.values()) lv.free?.();
});
