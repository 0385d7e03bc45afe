// The shared entry-point cases (testdata/entry-points.json at the repository root, read here at test
// time), through the built package: the same bytes through evaluate (a pod), evaluateSpec (a bare
// PodSpec) and evaluateObject (any object) give exactly the answer every surface must give (pss-core's
// pss-core/tests/entry_points.rs, the C ABI, the Go package and the CLI run the same file).
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const path = require("node:path");
const pss = require("@pss/wasm");

const file = path.resolve(__dirname, "..", "..", "testdata", "entry-points.json");
const { cases } = JSON.parse(fs.readFileSync(file, "utf8"));

// pss-core's ErrorKind names (the file's `error`) as this package's `PssError.kind`.
const ERROR_KINDS = {
  InvalidLevel: "invalidLevel",
  InvalidVersion: "invalidVersion",
  UnknownCheck: "unknownCheck",
  InvalidUtf8: "invalidUtf8",
  Syntax: "syntax",
  NotAnObject: "notAnObject",
  InvalidType: "invalidType",
  NumberOutOfRange: "numberOutOfRange",
  TooDeep: "tooDeep",
  UnknownField: "unknownField",
  DuplicateField: "duplicateField",
  UnexpectedKind: "unexpectedKind",
  BarePodSpec: "barePodSpec",
};

// pss-core's NoPodTemplate variants (the file's `notEvaluated`) as `Evaluation.notEvaluated`.
const NOT_EVALUATED = { NoKind: "noKind", NotAPodController: "notAPodController", TemplateAbsent: "templateAbsent" };

const ENTRIES = { pod: pss.evaluate, spec: pss.evaluateSpec, object: pss.evaluateObject };

/** What the package answered, in the file's terms (and the whole result, for the messages). */
function answer(entry, options, document) {
  let r;
  try {
    r = ENTRIES[entry](document, options);
  } catch (e) {
    assert.equal(e.name, "PssError", `${e}`);
    return { error: e.kind };
  }
  if (r.notEvaluated !== null) return { notEvaluated: r.notEvaluated, allowed: r.allowed };
  const got = {
    allowed: r.allowed,
    reasons: r.violations.map((v) => v.reason),
    paths: r.violations.map((v) => v.fields[0].path),
  };
  if (r.message !== null) got.message = r.message;
  return got;
}

/** The file's expectation in the package's terms. */
function expected(expect) {
  if ("error" in expect) {
    assert.ok(expect.error in ERROR_KINDS, `an ErrorKind this test does not map: ${expect.error}`);
    return { error: ERROR_KINDS[expect.error] };
  }
  if ("notEvaluated" in expect) {
    assert.ok(expect.notEvaluated in NOT_EVALUATED, `a NoPodTemplate variant this test does not map: ${expect.notEvaluated}`);
    // Never a pass for what was not evaluated, except a controller without its optional template,
    // which upstream allows.
    return { notEvaluated: NOT_EVALUATED[expect.notEvaluated], allowed: expect.notEvaluated === "TemplateAbsent" };
  }
  const want = { allowed: expect.allowed, reasons: expect.reasons, paths: expect.paths };
  if (expect.message !== undefined) want.message = expect.message;
  return want;
}

test("the shared cases are there and cover every entry and every kind of answer", () => {
  assert.ok(cases.length >= 20, `${cases.length} cases in ${file}`);
  assert.deepEqual(new Set(cases.map((c) => c.entry)), new Set(["pod", "spec", "object"]));
  for (const key of ["error", "notEvaluated", "allowed"]) {
    assert.ok(cases.some((c) => key in c.expect), key);
  }
});

test("every case gives exactly the expected answer, as text, bytes and (when JSON) an object", () => {
  const failures = [];
  for (const c of cases) {
    const [level, version] = c.levelVersion.split(":");
    assert.equal(pss.parseLevelVersion(c.levelVersion).version, version);
    const options = { level, version };
    const want = expected(c.expect);
    const inputs = [["text", c.document], ["bytes", new TextEncoder().encode(c.document)]];
    let value;
    try {
      value = JSON.parse(c.document);
    } catch {
      value = undefined;
    }
    // A JSON value that is an object goes through JSON.stringify: the same document.
    if (value !== null && typeof value === "object" && !Array.isArray(value)) inputs.push(["object", value]);
    for (const [how, input] of inputs) {
      const got = answer(c.entry, options, input);
      try {
        assert.deepEqual(got, want);
      } catch {
        failures.push(`${c.name} (${c.entry}, ${how}):\n  got  ${JSON.stringify(got)}\n  want ${JSON.stringify(want)}`);
      }
    }
    // The LevelVersion class's methods answer the same.
    const method = { pod: "evaluate", spec: "evaluateSpec", object: "evaluateObject" }[c.entry];
    const lv = new pss.LevelVersion(options);
    let viaClass;
    try {
      const r = lv[method](c.document);
      viaClass = r.notEvaluated !== null ? { notEvaluated: r.notEvaluated } : { allowed: r.allowed, message: r.message };
    } catch (e) {
      viaClass = { error: e.kind };
    }
    const viaFunction = answer(c.entry, options, c.document);
    const summary = "error" in viaFunction ? { error: viaFunction.error } : "notEvaluated" in viaFunction
      ? { notEvaluated: viaFunction.notEvaluated }
      : { allowed: viaFunction.allowed, message: viaFunction.message ?? null };
    if (JSON.stringify(viaClass) !== JSON.stringify(summary)) failures.push(`${c.name}: LevelVersion.${method} ${JSON.stringify(viaClass)}`);
    lv.free();
  }
  assert.equal(failures.length, 0, failures.join("\n"));
});
