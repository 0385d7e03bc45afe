// Same bytes, same answer: the full build's checkManifest (YAML and JSON read through pss-manifest in
// wasm) against the native `pss check --format json` over the same files: every document's records
// (kind, name, namespace, verdict, message, warnings, policy, violations with each field's line and
// column) and every input error (same document, item, line and message). Over the repository's
// examples and test manifests, hand-written hard cases (JSON streams, Lists, UTF-16, YAML in a .json
// file, decode errors), and ../shared/realworld/corpus when present (required under CI).
// Then readManifest and evaluateManifest against checkManifest and evaluateObject.
const { test } = require("node:test");
const assert = require("node:assert/strict");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");
const { execFileSync, spawnSync } = require("node:child_process");
const full = require("@pss/wasm/full");
const { sharedDir, needShared } = require("./shared.cjs");

const root = path.resolve(__dirname, "..", "..");
const level = "restricted";
const version = "latest";

/** The native CLI: PSS_BIN, or target/debug/pss (built when missing or out of date). */
function pssBinary() {
  if (process.env.PSS_BIN) return process.env.PSS_BIN;
  const targetDir = path.resolve(process.env.TARGET_DIR ?? process.env.CARGO_TARGET_DIR ?? path.join(root, "target"));
  execFileSync("cargo", ["build", "-q", "--locked", "-p", "pss-cli", "--bin", "pss"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
    env: { ...process.env, CARGO_TARGET_DIR: targetDir },
  });
  return path.join(targetDir, "debug", "pss");
}

/** The files `pss check DIR` reads, in its order (sorted by name, recursively). */
function manifestFiles(dir) {
  const out = [];
  const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name)));
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...manifestFiles(p));
    else if (e.isFile() && /\.(ya?ml|json|jsonl)$/i.test(e.name)) out.push(p);
  }
  return out;
}

const ERROR_LINE = /^pss: error: (.*?) \(document (\d+)(?:, item (\d+))?(?:, line (\d+))?\): (.*)$/;

/**
 * What `pss check --format json` says of each file: `{ records, errors }` by source path. Files that
 * mention PodSecurity labels are checked one per run: `pss check` applies the labels of a Namespace
 * in one file to the objects of every file it reads, and checkManifest reads one text.
 */
function cliAnswers(bin, files) {
  const answers = new Map(files.map((f) => [f, { records: [], errors: [] }]));
  const alone = files.filter((f) => fs.readFileSync(f).includes("pod-security.kubernetes.io"));
  const rest = files.filter((f) => !alone.includes(f));
  const runs = alone.map((f) => [f]);
  for (let i = 0; i < rest.length; i += 400) runs.push(rest.slice(i, i + 400));
  for (const run of runs) {
    const r = spawnSync(bin, ["check", "--format", "json", "--level", level, "--version", version, "--color", "never", ...run], {
      encoding: "utf8",
      maxBuffer: 1 << 30,
    });
    assert.ok([0, 1, 2].includes(r.status), `pss check exited with ${r.status}: ${r.stderr}`);
    for (const record of JSON.parse(r.stdout).results) answers.get(record.source).records.push(record);
    for (const line of r.stderr.split("\n").filter(Boolean)) {
      const m = ERROR_LINE.exec(line);
      assert.ok(m, `an error line pss check writes: ${line}`);
      const [, source, document, item, at, message] = m;
      assert.ok(answers.has(source), `an error in a file given: ${line}`);
      answers.get(source).errors.push({
        document: Number(document) - 1,
        item: item === undefined ? null : Number(item) - 1,
        line: at === undefined ? null : Number(at),
        message,
      });
    }
  }
  return answers;
}

/** A CLI record in checkManifest's shape. */
function fromCli(r) {
  return {
    document: r.document,
    item: r.item ?? null,
    line: r.line,
    kind: r.kind,
    name: r.name,
    namespace: r.namespace,
    level: r.level,
    version: r.version,
    allowed: r.allowed,
    message: r.enforce.message,
    violations: r.violations.map((v) => ({
      check: v.check,
      reason: v.reason,
      detail: v.detail,
      fields: v.fields.map((f) => ({ path: f.path, value: f.value, container: f.container ?? null, line: f.line, column: f.column })),
    })),
    warnings: r.warnings,
    policy: r.policy,
    exempt: r.exempt,
  };
}

/** checkManifest's result in the CLI's terms (policy as `level:version` strings). */
function fromWasm(r) {
  const lv = (p) => `${p.level}:${p.version}`;
  return { ...r, policy: { enforce: lv(r.policy.enforce), audit: lv(r.policy.audit), warn: lv(r.policy.warn) } };
}

function compareFiles(files, bin) {
  const answers = cliAnswers(bin, files);
  const failures = [];
  let records = 0;
  let errors = 0;
  for (const file of files) {
    const bytes = new Uint8Array(fs.readFileSync(file));
    const got = full.checkManifest(bytes, { level, version });
    const want = answers.get(file);
    const gotRecords = got.results.map(fromWasm);
    const wantRecords = want.records.map(fromCli);
    const gotErrors = got.errors.map((e) => ({ document: e.document, item: e.item, line: e.line, message: e.error.message }));
    try {
      assert.deepEqual(gotRecords, wantRecords);
      assert.deepEqual(gotErrors, want.errors);
    } catch (e) {
      failures.push(`${file}: ${e.message}`);
    }
    records += wantRecords.length;
    errors += want.errors.length;
  }
  return { failures, records, errors };
}

const bin = pssBinary();

test("checkManifest says what pss check --format json says: the repository's manifests", () => {
  const dirs = ["examples", "docs/examples", "pss-wasm/tests-js/fixtures", "pss-core/tests/kyverno", "pss-cli/tests"];
  const files = dirs.flatMap((d) => (fs.existsSync(path.join(root, d)) ? manifestFiles(path.join(root, d)) : []));
  assert.ok(files.length > 50, `${files.length} files`);
  const { failures, records, errors } = compareFiles(files, bin);
  console.log(`# manifest: ${files.length} repository files, ${records} records, ${errors} input errors, the same`);
  assert.deepEqual(failures.slice(0, 5), []);
  assert.ok(records > 100);
});

test("checkManifest says what pss check says: hard cases (JSON streams, Lists, UTF-16, errors)", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pss-manifest-"));
  try {
    const pod = (name, spec) => ({ apiVersion: "v1", kind: "Pod", metadata: { name }, spec });
    const cases = {
      "stream.json": [
        JSON.stringify(pod("a", { hostNetwork: true, containers: [{ name: "c" }] }), null, 2),
        JSON.stringify({ kind: "Pod", metadata: { name: "bad" }, spec: { hostPID: "yes" } }),
        JSON.stringify({ kind: "Service", metadata: { name: "s" } }),
      ].join("\n"),
      "list.json": JSON.stringify({
        apiVersion: "v1",
        kind: "List",
        items: [pod("x", { containers: [{ name: "c", securityContext: { privileged: true } }] }), { kind: "ConfigMap" }, { kind: "Pod", spec: 3 }],
      }, null, 1),
      "list.yaml": "kind: PodList\nitems:\n- kind: Pod\n  metadata: {name: y}\n  spec:\n    containers:\n    - name: c\n      securityContext: {privileged: yes}\n- kind: Pod\n  spec: {hostIPC: 1}\n",
      "items-not-a-list.yaml": "kind: List\nitems: {a: 1}\n---\nkind: Pod\nmetadata: {name: after}\nspec: {containers: [{name: c}]}\n",
      "yaml-in.json": "kind: Pod\nmetadata: {name: j}\nspec:\n  hostPID: on\n  containers: [{name: c}]\n",
      "errors.yaml": "kind: Pod\nmetadata: {name: e}\nspec: {containers: [{name: c}]}\n---\na: [b\n---\nkind: Pod\nspec: {x: !!int abc}\n---\n--- x\nkind: Pod\n---\nkind: Deployment\nmetadata: {name: d, namespace: prod}\nspec:\n  template:\n    spec:\n      containers:\n      - {name: c, image: nginx}\n---\nkind: Namespace\nmetadata:\n  name: prod\n  labels:\n    pod-security.kubernetes.io/enforce: baseline\n    pod-security.kubernetes.io/warn: nope\n",
      "nokind.yaml": "metadata: {name: bare}\nspec: {hostNetwork: true}\n---\n# only a comment\n---\nkind: CronJob\nmetadata: {name: cj}\nspec:\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          hostNetwork: true\n          containers: [{name: c}]\n",
    };
    for (const [name, text] of Object.entries(cases)) fs.writeFileSync(path.join(dir, name), text);
    // UTF-16 with a byte-order mark, as kubectl converts it.
    const utf16 = "\ufeffkind: Pod\nmetadata:\n  name: wide\nspec:\n  hostNetwork: true\n  containers: [{name: c}]\n";
    fs.writeFileSync(path.join(dir, "utf16.yaml"), Buffer.from(utf16, "utf16le"));
    const files = manifestFiles(dir);
    const { failures, records, errors } = compareFiles(files, bin);
    assert.deepEqual(failures, []);
    assert.ok(records >= 8 && errors >= 6, `${records} records, ${errors} errors`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const corpus = path.join(sharedDir, "realworld", "corpus");
const skipCorpus = needShared(corpus);

test("checkManifest says what pss check says: every file of ../shared/realworld/corpus", { skip: skipCorpus }, () => {
  const files = manifestFiles(corpus);
  assert.ok(files.length > 10000, `${files.length} files`);
  const { failures, records, errors } = compareFiles(files, bin);
  console.log(`# manifest: ${files.length} corpus files, ${records} records, ${errors} input errors, ${failures.length} different`);
  assert.deepEqual(failures.slice(0, 5), []);
});

test("readManifest: documents, List items and errors with their places; evaluateManifest places each field", () => {
  const text = "# c\nkind: Pod\nmetadata: {name: p}\nspec:\n  hostNetwork: yes\n  containers:\n  - name: c\n---\nkind: List\nitems:\n- kind: Pod\n  metadata: {name: q}\n  spec:\n    containers:\n    - name: c\n      securityContext:\n        privileged: true\n---\nx: [\n";
  const docs = full.readManifest(text);
  assert.equal(docs.length, 3);
  assert.deepEqual([docs[0].index, docs[0].line, docs[0].syntax, docs[0].items, docs[0].error], [0, 2, "yaml", null, null]);
  assert.equal(JSON.parse(docs[0].json).spec.hostNetwork, true);
  assert.equal(docs[1].items.length, 1);
  assert.deepEqual([docs[1].items[0].index, docs[1].items[0].line, docs[1].items[0].column], [0, 11, 3]);
  assert.equal(JSON.parse(docs[1].items[0].json).metadata.name, "q");
  assert.equal(docs[2].json, null);
  assert.match(docs[2].error.message, /^invalid YAML: /);
  assert.deepEqual(full.readManifest(new TextEncoder().encode(text)), docs, "bytes read as the string");

  const lv = new full.LevelVersion({ level: "baseline" });
  const evaluated = lv.evaluateManifest(text);
  assert.equal(evaluated.length, 3);
  for (const [e, object] of [[evaluated[0], JSON.parse(docs[0].json)], [evaluated[1], JSON.parse(docs[1].items[0].json)]]) {
    assert.deepEqual(e.evaluation, lv.evaluateObject(object), "evaluateObject's answer");
  }
  assert.deepEqual(evaluated[0].places, [{ path: "spec.hostNetwork", line: 5, column: 3, exact: true }]);
  assert.deepEqual([evaluated[1].document, evaluated[1].item, evaluated[1].line], [1, 0, 11]);
  assert.deepEqual(evaluated[1].places, [{ path: "spec.containers[0].securityContext.privileged", line: 17, column: 9, exact: true }]);
  assert.equal(evaluated[2].evaluation, null);
  assert.equal(evaluated[2].error.message, docs[2].error.message);
  lv.free();
  assert.throws(() => full.readManifest({}), (e) => e.name === "PssError" && e.kind === "invalidInput");
  assert.throws(() => full.checkManifest("", { level: "strict" }), (e) => e.name === "PssError" && e.kind === "invalidLevel");
  assert.equal(require("@pss/wasm").readManifest, undefined, "the default build has no YAML reader");
});
