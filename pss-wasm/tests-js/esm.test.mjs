// The package through `import`, as ES module users load it in Node: the same instance as `require`,
// an `init()` that resolves at once, and a sample of the conformance data.
import { test } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { createRequire } from "node:module";
import init, * as pss from "@pss/wasm";

const require = createRequire(import.meta.url);
const { conformanceDir, needShared, privilegedPod, privilegedMessage } = require("./shared.cjs");
const { check } = require("./conformance.cjs");

test("import gives the named exports and an init() that resolves", async () => {
  assert.equal(await init(), undefined);
  for (const name of ["evaluate", "evaluateSpec", "evaluateObject", "LevelVersion", "checks", "checksFor", "supportedVersions", "parseLevel", "parseVersion"]) {
    assert.equal(typeof pss[name], "function", name);
  }
  assert.equal(pss.evaluate(privilegedPod).message, privilegedMessage);
});

test("import and require share one module instance", () => {
  const cjs = require("@pss/wasm");
  assert.equal(cjs.LevelVersion, pss.LevelVersion);
  assert.ok(new cjs.LevelVersion() instanceof pss.LevelVersion);
});

test("errors thrown through the ES module entry are PssErrors, and later calls work", () => {
  assert.throws(() => pss.evaluate("{"), (e) => e instanceof Error && e.name === "PssError" && e.kind === "syntax");
  assert.equal(pss.evaluate({ spec: { containers: [{ name: "c" }] } }).allowed, true);
});

const skip = needShared(path.join(conformanceDir, "expected.jsonl"));

test("a sample of the conformance data (first and last version of every run) matches", { skip }, () => {
  const lines = fs.readFileSync(path.join(conformanceDir, "expected.jsonl"), "utf8").split("\n").filter(Boolean);
  const sample = lines.filter((_, i) => i % 7 === 0);
  const { failures, evaluations } = check(sample, { sample: true });
  assert.ok(evaluations > 500);
  assert.equal(failures.length, 0, failures.slice(0, 5).join("\n"));
});
