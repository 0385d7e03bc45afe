// Compares the package with upstream's recorded results (../shared/conformance/expected.jsonl).
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const YAML = require("yaml");
const pss = require("@pss/wasm");
const { conformanceDir } = require("./shared.cjs");

/** Every version the data covers, oldest first; `runs` are ranges over this list. */
function versions() {
  return pss.supportedVersions();
}

/** Upstream's aggregated strings, from the per-check reasons and details. */
function aggregate(reasons, details) {
  return {
    reason: reasons.join(", "),
    detail: reasons.map((r, i) => (details[i] ? `${r} (${details[i]})` : r)).join(", "),
  };
}

/** Decodes a fixture as the API server would read it (YAML 1.1, like sigs.k8s.io/yaml). */
function fixtureJson(id) {
  const text = fs.readFileSync(path.join(conformanceDir, "upstream", id), "utf8");
  return JSON.stringify(YAML.parse(text, { version: "1.1" }));
}

function check(lines, { sample }) {
  const all = versions();
  const policies = new Map();
  const policy = (level, version) => {
    const key = `${level}:${version}`;
    if (!policies.has(key)) policies.set(key, new pss.LevelVersion({ level, version }));
    return policies.get(key);
  };
  const cache = new Map();
  const failures = [];
  let evaluations = 0;
  for (const line of lines) {
    const { id, level, runs } = JSON.parse(line);
    if (!cache.has(id)) cache.set(id, fixtureJson(id));
    const json = cache.get(id);
    for (const run of runs) {
      const from = all.indexOf(run.from);
      const to = all.indexOf(run.to);
      assert.ok(from >= 0 && to >= from, `bad run ${run.from}..${run.to} in ${id}`);
      const picked = sample ? [...new Set([from, to])] : all.slice(from, to + 1).map((_, i) => from + i);
      for (const index of picked) {
        const version = all[index];
        const r = policy(level, version).evaluate(json);
        evaluations++;
        const want = aggregate(run.reasons, run.details);
        const got = {
          allowed: r.allowed,
          reasons: r.violations.map((v) => v.reason),
          details: r.violations.map((v) => v.detail),
          reason: r.forbiddenReason,
          detail: r.forbiddenDetail,
        };
        const expected = { allowed: run.allowed, reasons: run.reasons, details: run.details, ...want };
        if (JSON.stringify(got) !== JSON.stringify(expected)) {
          failures.push(`${id} at ${level}:${version}\n  got      ${JSON.stringify(got)}\n  expected ${JSON.stringify(expected)}`);
        }
      }
    }
  }
  for (const p of policies.values()) p.free();
  return { failures, evaluations, fixtures: cache.size };
}

module.exports = { check };
