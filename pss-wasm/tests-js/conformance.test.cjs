// Results identical to upstream's evaluator on its own fixtures: every fixture, both levels, every version
// v1.0..v1.37 and latest, against ../shared/conformance/expected.jsonl.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const { conformanceDir, needShared } = require("./shared.cjs");
const { check } = require("./conformance.cjs");

const skip = needShared(path.join(conformanceDir, "expected.jsonl"));

test("every upstream fixture at both levels and every version matches expected.jsonl", { skip }, () => {
  const lines = fs.readFileSync(path.join(conformanceDir, "expected.jsonl"), "utf8").split("\n").filter(Boolean);
  assert.ok(lines.length > 1000, "expected.jsonl looks truncated");
  const { failures, evaluations, fixtures } = check(lines, { sample: false });
  console.log(`conformance: ${fixtures} fixtures, ${evaluations} evaluations, ${failures.length} mismatches`);
  assert.equal(failures.length, 0, failures.slice(0, 5).join("\n"));
});
