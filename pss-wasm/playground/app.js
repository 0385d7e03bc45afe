// The playground: YAML/JSON manifests in, each document's verdict out, from the built @pss/wasm package's
// full build (`@pss/wasm/full`), which reads manifests as kubectl does (pss-manifest: YAML 1.1 scalars,
// merge keys, Lists, JSON streams) and places every violating field at its line and column.
// Documents are arbitrary manifests, so each goes through the object entry (evaluateManifest, which is
// evaluateObject per document): what is not a workload (a Service, a document without kind) is shown
// as not evaluated, with pss-core's reason.
// Fix shows the smallest change that makes each workload pass (remediateObject on the object pss-manifest
// read); the npm `yaml` package is used only to write that change into the text, keeping its comments.
import init, { LevelVersion, policyFromLabels, readManifest, remediateObject, supportedVersions } from "@pss/wasm/full";
import { LineCounter, parseAllDocuments } from "yaml";

const $ = (id) => document.getElementById(id);
const input = $("input");
const highlights = $("highlights");
const results = $("results");
const levelSelect = $("level");
const versionSelect = $("version");
const status = $("status");
const labelsInput = $("labels");
const exclusionsInput = $("exclusions");
const policyLine = $("policy");
const optionsError = $("options-error");
const fixPanel = $("fix-panel");
const fixChanges = $("fix-changes");
const fixDiff = $("fix-diff");
const safeOnlyBox = $("safe-only");
let fixedText = null;

const EXAMPLE = `# kubectl run privileged-pod --image=nginx --restart=Never --privileged
apiVersion: v1
kind: Pod
metadata:
  name: privileged-pod
  labels:
    run: privileged-pod
spec:
  containers:
  - name: privileged-pod
    image: nginx
    securityContext:
      privileged: true
  restartPolicy: Never
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        securityContext:
          capabilities:
            add: ["NET_ADMIN"]
---
apiVersion: v1
kind: Pod
metadata:
  name: hardened
spec:
  securityContext:
    runAsNonRoot: yes          # YAML 1.1 boolean, as Kubernetes reads it
    seccompProfile:
      type: RuntimeDefault
  containers:
  - name: app
    image: nginx
    securityContext:
      allowPrivilegeEscalation: false
      capabilities:
        drop: ["ALL"]
`;

function el(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  for (const c of children) if (c != null) e.append(c);
  return e;
}

function renderHighlights(text, marks) {
  const lines = text.split("\n");
  highlights.replaceChildren(
    ...lines.map((line, i) => {
      const span = el("span", marks.has(i + 1) ? { class: `mark ${marks.get(i + 1)}` } : {}, line + "\n");
      return span;
    }),
  );
  highlights.parentElement.scrollTop = input.scrollTop;
}

/** A JSON box's value, `undefined` when empty; throws with the box's name on bad JSON. */
function jsonBox(box, name) {
  const text = box.value.trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${name}: ${e.message}`);
  }
}

/**
 * The LevelVersion to evaluate with: the level and version chosen, or with namespace labels the
 * enforce level and version they resolve to (the chosen ones being the defaults), and the exclusions.
 * Shows the namespace policy and any problem; returns null when the options are unusable.
 */
function currentLevelVersion() {
  policyLine.textContent = "";
  optionsError.textContent = "";
  let level = levelSelect.value;
  let version = versionSelect.value;
  try {
    const labels = jsonBox(labelsInput, "namespace labels");
    if (labels !== undefined) {
      const defaults = Object.fromEntries(
        ["enforce", "audit", "warn"].flatMap((mode) => [[mode, level], [`${mode}-version`, version]]),
      );
      const policy = policyFromLabels(labels, defaults);
      const show = (data) => {
        const lv = new LevelVersion(data);
        const text = lv.toString();
        lv.free();
        return text;
      };
      policyLine.textContent =
        `namespace policy: enforce=${show(policy.enforce)}, audit=${show(policy.audit)}, warn=${show(policy.warn)}` +
        policy.errors.map((e) => `\n${e.message}`).join("");
      ({ level, version } = policy.enforce);
    }
    const exclusions = jsonBox(exclusionsInput, "exclusions");
    // Checks the options once, so that their errors show here.
    return new LevelVersion(exclusions === undefined ? { level, version } : { level, version, exclusions });
  } catch (e) {
    optionsError.textContent = e.name === "PssError" ? `${e.kind}: ${e.message}` : e.message;
    return null;
  }
}

function render() {
  const text = input.value;
  const levelVersion = currentLevelVersion();
  if (levelVersion === null) {
    results.replaceChildren(el("p", { class: "empty" }, "Fix the namespace labels or exclusions to see verdicts."));
    status.textContent = "invalid options";
    return;
  }
  try {
    renderWith(text, levelVersion);
  } finally {
    levelVersion.free();
  }
}

function renderWith(text, levelVersion) {
  const lv = levelVersion.toString();
  const marks = new Map(); // line number -> "violation" | "error"
  const cards = [];
  const mark = (line, kind) => {
    if (line != null && marks.get(line) !== "error") marks.set(line, kind);
  };
  // Each document, and each item of a List, read as kubectl reads it and evaluated; field places
  // come from pss-manifest.
  for (const entry of levelVersion.evaluateManifest(text)) {
    const where = `document ${entry.document + 1}${entry.item === null ? "" : `, item ${entry.item + 1}`} (line ${entry.line})`;
    const { error, evaluation: result } = entry;
    if (error !== null) {
      // A document kubectl would not read (pss-manifest's message), or an object pss-core cannot
      // decode (its field path and problem; the place of that field).
      const line = entry.places[0]?.line ?? error.line;
      mark(line, "error");
      const decoded = error.path !== null;
      cards.push(
        el(
          "article",
          { class: "doc error" },
          el("h2", {}, `${where}: ${decoded ? "cannot be evaluated" : "not valid YAML"}`),
          el("pre", { class: "message" }, decoded ? `PssError: ${error.message}` : error.message),
          el("p", { class: "where" }, `line ${line}`),
        ),
      );
      continue;
    }
    const title = `${result.kind ?? "object"}${result.name ? ` "${result.name}"` : ""} — ${where}`;
    // Not a workload (no kind, a Service, ...): not evaluated, with pss-core's reason; never "allowed".
    if (result.notEvaluated !== null && !result.allowed) {
      cards.push(
        el("article", { class: "doc skipped" }, el("h2", {}, el("span", { class: "verdict" }, "not evaluated"), ` ${title}`),
          el("p", { class: "note" }, result.note)),
      );
      continue;
    }
    const badge = el("span", { class: "workload", title: result.templatePath ? `pod template at ${result.templatePath}` : "a pod" }, result.workloadKind);
    if (result.allowed) {
      const why = result.note ?? `${result.workloadKind === "Pod" ? "The pod" : "Its pod template"} passes ${lv}.`;
      cards.push(
        el("article", { class: "doc allowed" }, el("h2", {}, el("span", { class: "verdict" }, "allowed"), " ", badge, ` ${title}`),
          el("p", {}, why)),
      );
      continue;
    }
    const list = el("ul", { class: "violations" });
    // `places` follows the violations' fields, in order.
    let at = 0;
    for (const v of result.violations) {
      const fields = el("ul", { class: "fields" });
      for (const f of v.fields) {
        const place = entry.places[at++];
        mark(place?.line, "violation");
        fields.append(
          el(
            "li",
            {},
            el("code", { class: "path" }, f.path),
            " = ",
            el("code", { class: "value" }, JSON.stringify(f.value)),
            f.container ? el("span", { class: "container" }, ` container "${f.container}"`) : null,
            place ? el("span", { class: "line", title: place.exact ? "the field" : "its nearest parent: the field is not written" }, ` line ${place.line}:${place.column}`) : null,
          ),
        );
      }
      list.append(
        el("li", {}, el("strong", { class: "reason" }, v.reason), v.detail ? el("span", { class: "detail" }, ` (${v.detail})`) : null, fields),
      );
    }
    cards.push(
      el(
        "article",
        { class: "doc denied" },
        el("h2", {}, el("span", { class: "verdict" }, "forbidden"), " ", badge, ` ${title}`),
        el("pre", { class: "message" }, result.message),
        list,
      ),
    );
  }
  if (cards.length === 0) cards.push(el("p", { class: "empty" }, "Paste a manifest to see its verdict."));
  results.replaceChildren(...cards);
  renderHighlights(text, marks);
  const counts = cards.reduce((n, c) => {
    for (const k of ["allowed", "denied", "error", "skipped"]) if (c.classList.contains(k)) n[k]++;
    return n;
  }, { allowed: 0, denied: 0, error: 0, skipped: 0 });
  status.textContent = `${counts.allowed} allowed, ${counts.denied} forbidden, ${counts.error} with errors, ${counts.skipped} not evaluated`;
}

/** The keys of a JSON Pointer (`/spec/containers/0`), numbers where `object` holds an array. */
function pointerKeys(pointer, object) {
  const keys = [];
  let node = object;
  for (const raw of pointer.split("/").slice(1)) {
    const seg = raw.replaceAll("~1", "/").replaceAll("~0", "~");
    const key = Array.isArray(node) && /^(\d+|-)$/.test(seg) ? (seg === "-" ? "-" : Number(seg)) : seg;
    keys.push(key);
    node = node == null || key === "-" ? undefined : node[key];
  }
  return keys;
}

/** Applies a fix's RFC 6902 operations to a yaml Document, keeping its comments and styles. */
function applyPatch(doc, patch) {
  for (const op of patch) {
    const keys = pointerKeys(op.path, doc.toJS());
    const last = keys[keys.length - 1];
    if (op.op === "remove") doc.deleteIn(keys);
    else if (last === "-") doc.addIn(keys.slice(0, -1), op.value);
    else doc.setIn(keys, op.value);
  }
}

/** A line diff of two texts (longest common subsequence), as unified hunks with 3 lines of context. */
function lineDiff(before, after) {
  const a = before.split("\n");
  const b = after.split("\n");
  if (a.length * b.length > 4_000_000) return [{ kind: "hunk", text: "(too long to compare here)" }];
  const lcs = Array.from({ length: a.length + 1 }, () => new Uint32Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i--)
    for (let j = b.length - 1; j >= 0; j--)
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const script = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) script.push({ kind: "same", text: a[i++], at: j++ });
    else if (i < a.length && (j >= b.length || lcs[i + 1][j] >= lcs[i][j + 1])) script.push({ kind: "del", text: a[i++] });
    else script.push({ kind: "add", text: b[j++] });
  }
  const out = [];
  let last = -1;
  script.forEach((line, k) => {
    const near = script.slice(Math.max(0, k - 3), k + 4).some((l) => l.kind !== "same");
    if (line.kind === "same" && !near) return;
    if (k !== last + 1) out.push({ kind: "hunk", text: "@@" });
    out.push(line);
    last = k;
  });
  return out;
}

/** Fixes every workload of the editor's text at the level and version chosen, and shows the diff. */
function fix() {
  const levelVersion = currentLevelVersion();
  if (levelVersion === null) return;
  const [level, version] = levelVersion.toString().split(":");
  levelVersion.free();
  const text = input.value;
  // The objects as kubectl reads them (pss-manifest), by the line their content starts on.
  const objects = new Map();
  for (const d of readManifest(text)) if (d.json !== null && d.items === null) objects.set(d.line, JSON.parse(d.json));
  // The yaml package only writes each fix into the text, keeping comments and styles.
  const lineCounter = new LineCounter();
  let docs = [];
  try {
    docs = parseAllDocuments(text, { version: "1.1", lineCounter });
  } catch {
    docs = [];
  }
  let out = "";
  let at = 0;
  const changes = [];
  for (const doc of Array.isArray(docs) ? docs : []) {
    if (doc.contents == null || doc.errors.length > 0) continue;
    const object = objects.get(lineCounter.linePos(doc.contents.range[0]).line);
    if (object === undefined) continue; // not a document kubectl reads the same way: left as written
    const name = `${object?.kind ?? "object"}${object?.metadata?.name ? ` "${object.metadata.name}"` : ""}`;
    let result;
    try {
      result = remediateObject(object, { level, version, safeOnly: safeOnlyBox.checked });
    } catch (e) {
      if (e.kind !== "noPodTemplate") changes.push(el("p", { class: "note bad" }, `${name}: ${e.message}`));
      continue;
    }
    for (const op of result.patch) {
      changes.push(
        el("p", { class: "change" }, el("span", { class: `safety ${op.safety}` }, op.safety), `${name}: `, el("code", {}, `${op.op} ${op.path}`), ` — ${op.explanation}`),
      );
    }
    for (const u of result.unfixable) {
      changes.push(el("p", { class: "change note bad" }, `${name}: not fixed: ${u.check} `, el("code", {}, u.path), ` — ${u.explanation}`));
    }
    if (result.patch.length === 0) continue;
    applyPatch(doc, result.patch);
    // The document's contents are replaced; the comment before them stays as written.
    const start = doc.contents.range[0];
    const end = doc.range[2];
    // Lists under a key written at the key's column (as kubectl writes them) stay so.
    const indentSeq = !/^( *)[^ #\n-][^\n]*:[ \t]*\n\1- /m.test(text.slice(start, end));
    // Comments before the contents are in the text kept before `start`: not written twice.
    const written = doc
      .toString({ lineWidth: 0, indentSeq, flowCollectionPadding: false, directives: false })
      .replace(/^(?:[ \t]*#[^\n]*\n)+/, "");
    out += text.slice(at, start) + written.replace(/\n$/, text.slice(start, end).endsWith("\n") ? "\n" : "");
    at = end;
  }
  fixedText = out + text.slice(at);
  if (changes.length === 0) changes.push(el("p", { class: "note" }, `Nothing to fix at ${level}:${version}.`));
  fixChanges.replaceChildren(...changes);
  fixDiff.replaceChildren(
    ...lineDiff(text, fixedText).map((l) =>
      el("span", { class: l.kind }, `${{ same: " ", add: "+", del: "-", hunk: "" }[l.kind]}${l.text}\n`),
    ),
  );
  fixPanel.hidden = false;
  fixPanel.dataset.ready = "true";
}

let timer = 0;
function schedule() {
  clearTimeout(timer);
  timer = setTimeout(render, 80);
}

async function main() {
  await init();
  for (const v of supportedVersions().reverse()) versionSelect.append(el("option", { value: v }, v));
  input.addEventListener("input", schedule);
  input.addEventListener("scroll", () => {
    highlights.parentElement.scrollTop = input.scrollTop;
    highlights.parentElement.scrollLeft = input.scrollLeft;
  });
  labelsInput.addEventListener("input", schedule);
  exclusionsInput.addEventListener("input", schedule);
  levelSelect.addEventListener("change", render);
  versionSelect.addEventListener("change", render);
  $("fix").addEventListener("click", () => {
    delete fixPanel.dataset.ready;
    try {
      fix();
    } catch (e) {
      status.textContent = `fix failed: ${e.message ?? e}`;
    }
  });
  $("apply-fix").addEventListener("click", () => {
    if (fixedText !== null) input.value = fixedText;
    fixPanel.hidden = true;
    render();
  });
  $("close-fix").addEventListener("click", () => {
    fixPanel.hidden = true;
  });
  $("example").addEventListener("click", () => {
    input.value = EXAMPLE;
    render();
  });
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("dragging");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("dragging"));
  drop.addEventListener("drop", async (e) => {
    e.preventDefault();
    drop.classList.remove("dragging");
    const texts = await Promise.all([...(e.dataTransfer?.files ?? [])].map((f) => f.text()));
    if (texts.length > 0) {
      input.value = texts.join("\n---\n");
      render();
    }
  });
  document.body.dataset.ready = "true";
  render();
}

main().catch((e) => {
  status.textContent = `failed to load: ${e.message ?? e}`;
});
