// Node benchmark of the built package: JSON text in, Evaluation out, at restricted:latest, over the
// pods in ../shared/bench-pods (or the directory given as the first argument).
//
//   node bench/bench.mjs [DIR]        (after scripts/build.sh)
//
// Prints ns/op per pod, the median of several timed rounds (and, in brackets, the fastest round:
// on a shared machine other processes slow some rounds down), for `lv.evaluate(text)` (a
// `LevelVersion`: the level and version parsed once) and `evaluate(text, options)`; then each pod's
// template in a Deployment (`lv.evaluateObject(text)`), and with a Kyverno-style exclusion (which
// matches, so the violations are filtered). Every timed call reads the result's `violations`, so the
// whole result is built in JS.
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { LevelVersion, evaluate } from "@pss/wasm";

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = path.resolve(process.argv[2] ?? path.join(here, "..", "..", "..", "shared", "bench-pods"));
const pods = ["privileged.json", "restricted2.json", "large20c10v.json"];
const rounds = Number(process.env.BENCH_ROUNDS ?? 7);
const roundMs = Number(process.env.BENCH_ROUND_MS ?? 300);

if (!fs.existsSync(dir)) {
  console.error(`bench: ${dir} not found (pass the bench-pods directory)`);
  process.exit(1);
}

function measure(fn) {
  // Warm up (JIT and wasm tiering), then find a batch size of about 10 ms.
  let batch = 1;
  for (;;) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) fn();
    const ns = Number(process.hrtime.bigint() - t0);
    if (ns > 10e6) break;
    batch *= 2;
  }
  const perRound = [];
  for (let r = 0; r < rounds; r++) {
    let ops = 0;
    const t0 = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < roundMs * 1e6) {
      for (let i = 0; i < batch; i++) fn();
      ops += batch;
      elapsed = Number(process.hrtime.bigint() - t0);
    }
    perRound.push(elapsed / ops);
  }
  perRound.sort((a, b) => a - b);
  return { median: perRound[Math.floor(perRound.length / 2)], min: perRound[0] };
}

const show = ({ median, min }, width) => `${median.toFixed(0)} (${min.toFixed(0)})`.padStart(width) + " ns/op";

const lv = new LevelVersion({ level: "restricted", version: "latest" });
const options = { level: "restricted", version: "latest" };
console.log(`node ${process.version}, restricted:latest, median of ${rounds} rounds of ${roundMs} ms`);
console.log("pod                   bytes   allowed       lv.evaluate(text)   evaluate(text, options)");
let sink = 0;
for (const name of pods) {
  const text = fs.readFileSync(path.join(dir, name), "utf8");
  const allowed = lv.evaluate(text).allowed;
  const viaClass = measure(() => {
    sink += lv.evaluate(text).violations.length;
  });
  const viaFunction = measure(() => {
    sink += evaluate(text, options).violations.length;
  });
  console.log(
    `${name.padEnd(20)} ${String(Buffer.byteLength(text)).padStart(6)}   ${String(allowed).padEnd(7)}   ` +
      `${show(viaClass, 15)}   ${show(viaFunction, 17)}`,
  );
}
const excluding = new LevelVersion({ level: "restricted", exclusions: [{ controlName: "Capabilities", images: ["*"] }] });
console.log("as a Deployment       bytes   allowed   lv.evaluateObject(text) with an exclusion");
for (const name of pods) {
  const pod = JSON.parse(fs.readFileSync(path.join(dir, name), "utf8"));
  const text = JSON.stringify({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "bench" },
    spec: { replicas: 3, template: { metadata: pod.metadata ?? {}, spec: pod.spec ?? {} } },
  });
  const allowed = lv.evaluateObject(text).allowed;
  const plain = measure(() => {
    sink += lv.evaluateObject(text).violations.length;
  });
  const excluded = measure(() => {
    sink += excluding.evaluateObject(text).violations.length;
  });
  console.log(
    `${name.padEnd(20)} ${String(Buffer.byteLength(text)).padStart(6)}   ${String(allowed).padEnd(7)}   ` +
      `${show(plain, 15)}   ${show(excluded, 11)}`,
  );
}
if (sink < 0) console.log(sink);
