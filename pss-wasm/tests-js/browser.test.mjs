// The playground in a real headless Chromium (Debian's, driven by playwright-core), loading the built
// package from a local server, as a person would use it. Saves target/artifacts/playground.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serve } from "../playground/serve.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const artifacts = path.resolve(process.env.CARGO_TARGET_DIR ?? path.join(here, "..", "..", "target"), "artifacts");
const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";
const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

let skip = false;
if (!fs.existsSync(executablePath)) {
  if (process.env.CI) throw new Error(`${executablePath} is missing (Debian package chromium)`);
  skip = `${executablePath} is missing: SKIPPING the browser tests`;
  console.error(`\n!!! ${skip} !!!\n`);
}

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
  browser = await chromium.launch({ executablePath, args, headless: true });
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
