// The playground in a real headless Chromium (Debian's, driven by playwright-core), loading the built
// package from a local server, as a person would use it. Saves target/artifacts/playground.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, skipReason } from "./chromium.mjs";
import { serve } from "../playground/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(process.env.CARGO_TARGET_DIR ?? path.join(here, "..", "..", "target"), "artifacts");
const skip = skipReason("browser tests");

// `kubectl run privileged-pod --image=nginx --restart=Never --privileged --dry-run=client -o yaml`
const PRIVILEGED_YAML = `apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: privileged-pod
  name: privileged-pod
spec:
  containers:
  - image: nginx
    name: privileged-pod
    resources: {}
    securityContext:
      privileged: true
  dnsPolicy: ClusterFirst
  restartPolicy: Never
status: {}
`;

const COMPLIANT_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: compliant
spec:
  containers:
  - name: web
    image: nginx
`;

const MALFORMED_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: broken
spec:
  containers:
  - name: web
    image: [nginx
`;

let server;
let browser;
let page;
let url;

before(async () => {
  if (skip) return;
  server = await serve(0);
  url = `http://127.0.0.1:${server.address().port}/playground/`;
  browser = await launch();
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const problems = [];
  page.on("pageerror", (e) => problems.push(e.message));
  await page.goto(url);
  await page.waitForSelector("body[data-ready=true]", { timeout: 30000 });
  assert.deepEqual(problems, []);
});

after(async () => {
  await browser?.close();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve()));
});

async function show(text) {
  await page.fill("#input", text);
  // The page re-evaluates as the person types (debounced); wait until the results reflect this text.
  await page.waitForFunction(() => !document.querySelector("#results .empty"), null, { timeout: 10000 }).catch(() => {});
  await page.waitForTimeout(300);
}

test("the privileged pod is forbidden at baseline with upstream's message and the field highlighted", { skip }, async () => {
  await page.selectOption("#level", "baseline");
  await page.selectOption("#version", "latest");
  await show(PRIVILEGED_YAML);
  const card = page.locator(".doc.denied").first();
  const text = await card.innerText();
  assert.ok(text.includes('privileged (container "privileged-pod" must not set securityContext.privileged=true)'), text);
  assert.equal(
    await card.locator(".message").innerText(),
    'pods "privileged-pod" is forbidden: violates PodSecurity "baseline:latest": privileged (container "privileged-pod" must not set securityContext.privileged=true)',
  );
  assert.ok(text.includes("spec.containers[0].securityContext.privileged"), text);
  // The offending line is marked in the editor: line 14 is `privileged: true`.
  const marked = await page.$$eval(".backdrop .mark.violation", (spans) => spans.map((s) => s.textContent.trim()));
  assert.deepEqual(marked, ["privileged: true"]);
});

test("a compliant pod is allowed; the privileged level allows the privileged pod", { skip }, async () => {
  await show(COMPLIANT_YAML);
  assert.equal(await page.locator(".doc.allowed").count(), 1);
  await show(PRIVILEGED_YAML);
  await page.selectOption("#level", "privileged");
  await page.waitForTimeout(200);
  assert.equal(await page.locator(".doc.allowed").count(), 1);
  await page.selectOption("#level", "baseline");
  await page.waitForTimeout(200);
  assert.equal(await page.locator(".doc.denied").count(), 1);
});

const DEPLOYMENT_YAML = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        securityContext:
          capabilities:
            add: ["NET_ADMIN"]
`;

const SERVICE_YAML = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  ports:
  - port: 80
`;

async function setBox(id, text) {
  if (!(await page.locator("#more").evaluate((d) => d.open))) await page.click("#more summary");
  await page.fill(id, text);
  await page.waitForTimeout(300);
}

test("a Deployment shows its kind and its violation at spec.template.spec..., highlighted; a Service is not evaluated", { skip }, async () => {
  await page.selectOption("#level", "baseline");
  await page.selectOption("#version", "latest");
  await show([DEPLOYMENT_YAML, SERVICE_YAML].join("---\n"));
  const card = page.locator(".doc.denied").first();
  assert.equal(await card.locator(".workload").innerText(), "Deployment");
  assert.equal(
    await card.locator(".path").first().innerText(),
    "spec.template.spec.containers[0].securityContext.capabilities.add[0]",
  );
  assert.match(await card.locator(".message").innerText(), /^deployments "web" \(pods it creates would be denied\): violates PodSecurity "baseline:latest": non-default capabilities/);
  const marked = await page.$$eval(".backdrop .mark.violation", (spans) => spans.map((s) => s.textContent.trim()));
  assert.deepEqual(marked, ['add: ["NET_ADMIN"]']);
  const skipped = await page.locator(".doc.skipped").innerText();
  assert.match(skipped, /not evaluated/i);
  assert.ok(skipped.includes("no pod template: Service is not a pod or a pod controller"), skipped);
});

test("a document without kind is not evaluated, with pss-core's reason, and never counted as allowed", { skip }, async () => {
  await page.selectOption("#level", "baseline");
  const kindless = "metadata:\n  name: bare\nspec:\n  hostNetwork: true\n  containers:\n  - name: c\n";
  const bareSpec = "containers:\n- name: c\n  securityContext:\n    privileged: true\n";
  await show([kindless, bareSpec, COMPLIANT_YAML].join("---\n"));
  const cards = await page.locator(".doc.skipped").allInnerTexts();
  assert.equal(cards.length, 2, cards.join("\n"));
  for (const card of cards) {
    assert.ok(card.includes("no kind: not a Kubernetes object (kubectl and the API server refuse it), so it is not evaluated"), card);
  }
  assert.equal(await page.locator(".doc.allowed").count(), 1);
  assert.match(await page.locator("#status").innerText(), /^1 allowed, 0 forbidden, 0 with errors, 2 not evaluated$/);
});

test("exclusions and namespace labels change the verdicts; invalid ones are shown", { skip }, async () => {
  await show([DEPLOYMENT_YAML, PRIVILEGED_YAML].join("---\n"));
  assert.equal(await page.locator(".doc.denied").count(), 2);
  await setBox("#exclusions", '[{"controlName": "Capabilities", "images": ["nginx*"]}]');
  assert.equal(await page.locator(".doc.denied").count(), 1);
  assert.equal(await page.locator(".doc.allowed .workload").innerText(), "Deployment");
  await setBox("#exclusions", '[{"controlName": "Capabilities"}]');
  assert.match(await page.locator("#options-error").innerText(), /^invalidExclusion: exclusions\[0\]\.controlName: Invalid value: "Capabilities": exclude\.images must be specified/);
  await setBox("#exclusions", "");
  await setBox("#labels", '{"pod-security.kubernetes.io/enforce": "privileged"}');
  assert.equal(await page.locator(".doc.allowed").count(), 2);
  assert.match(await page.locator("#policy").innerText(), /enforce=privileged:latest, audit=baseline:latest, warn=baseline:latest/);
  await setBox("#labels", '{"pod-security.kubernetes.io/enforce": "strict"}');
  assert.equal(await page.locator(".doc.denied").count(), 2); // an invalid enforce level fails closed: restricted
  assert.ok((await page.locator("#policy").innerText()).includes('Invalid value: "strict"'));
  await setBox("#labels", "");
  assert.equal(await page.locator(".doc.denied").count(), 2);
});

test("malformed documents show readable errors next to the verdicts of the others", { skip }, async () => {
  const wrongType = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: typed\nspec:\n  hostPID: "yes"\n  containers:\n  - name: c\n';
  await show([PRIVILEGED_YAML, COMPLIANT_YAML, wrongType, MALFORMED_YAML].join("---\n"));
  assert.equal(await page.locator(".doc.denied").count(), 1);
  assert.equal(await page.locator(".doc.allowed").count(), 1);
  const errors = await page.locator(".doc.error").allInnerTexts();
  assert.equal(errors.length, 2, errors.join("\n"));
  assert.ok(errors[0].includes("PssError: spec.hostPID: expected a boolean, found a string"), errors[0]);
  assert.ok(/not valid YAML/.test(errors[1]) && /line \d+/i.test(errors[1]), errors[1]);
  assert.ok((await page.locator(".backdrop .mark.error").count()) >= 2);
  fs.mkdirSync(artifacts, { recursive: true });
  await page.screenshot({ path: path.join(artifacts, "playground.png"), fullPage: true });
});

test("YAML is read as kubectl reads it (pss-manifest in wasm): a repeated key's last value wins, List items, places", { skip }, async () => {
  await page.selectOption("#level", "baseline");
  await page.selectOption("#version", "latest");
  // kubectl (sigs.k8s.io/yaml over go-yaml v2) takes the last of repeated keys; the npm yaml package refuses them.
  const repeated = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: twice\nspec:\n  containers:\n  - name: c\n    securityContext:\n      privileged: false\n      privileged: true\n";
  const list = JSON.stringify({ apiVersion: "v1", kind: "List", items: [{ kind: "Pod", metadata: { name: "in-list" }, spec: { hostPID: true, containers: [{ name: "c" }] } }] }, null, 2);
  await show([repeated, list].join("---\n"));
  const cards = page.locator(".doc.denied");
  assert.equal(await cards.count(), 2, await page.locator("#results").innerText());
  assert.equal((await cards.nth(0).locator(".line").innerText()).trim(), "line 10:7");
  assert.match(await cards.nth(1).locator("h2").innerText(), /Pod "in-list" — document 2, item 1 \(line 16\)/);
  const marked = await page.$$eval(".backdrop .mark.violation", (spans) => spans.map((s) => s.textContent.trim()));
  assert.deepEqual(marked, ["privileged: true", '"hostPID": true,']);
});

test("Fix shows pss-core's patch as a diff, and applying it makes the workloads pass", { skip }, async () => {
  await page.selectOption("#level", "baseline");
  await page.selectOption("#version", "latest");
  await show([PRIVILEGED_YAML, DEPLOYMENT_YAML].join("---\n"));
  assert.equal(await page.locator(".doc.denied").count(), 2);
  // Safe changes only: privileged and the added capability can only be cured by breaking changes.
  await page.check("#safe-only");
  await page.click("#fix");
  await page.waitForSelector("#fix-panel[data-ready=true]", { timeout: 30000 });
  let changes = await page.locator("#fix-changes").innerText();
  assert.match(changes, /not fixed: privileged spec\.containers\[0\]\.securityContext\.privileged/);
  assert.equal((await page.locator("#fix-diff").innerText()).includes("+"), false);
  // Every change.
  await page.uncheck("#safe-only");
  await page.click("#fix");
  await page.waitForSelector("#fix-panel[data-ready=true]", { timeout: 30000 });
  changes = await page.locator("#fix-changes").innerText();
  assert.match(changes, /breaking\s*Pod "privileged-pod": replace \/spec\/containers\/0\/securityContext\/privileged/);
  assert.match(changes, /Deployment "web": remove \/spec\/template\/spec\/containers\/0\/securityContext\/capabilities\/add\/0/);
  const diff = await page.locator("#fix-diff").innerText();
  assert.ok(diff.includes("-      privileged: true") && diff.includes("+      privileged: false"), diff);
  await page.click("#apply-fix");
  await page.waitForTimeout(300);
  assert.equal(await page.locator(".doc.denied").count(), 0);
  assert.equal(await page.locator(".doc.allowed").count(), 2);
  assert.match(await page.locator("#input").inputValue(), /privileged: false/);
});
