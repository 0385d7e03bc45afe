// The package as users build pages with it: each example of README.md marked `<!-- bundler-test: ... -->`
// is the main.js of a small page, built with that bundler (Vite, webpack 5, esbuild; the versions of
// package-lock.json, through their JS APIs with the options of the README's command lines), served
// from a local server (or Vite's development server) and loaded in headless Chromium, which must show the text the example's last
// comment says, with no failed request and no page error. The package is what `npm pack` makes of pkg/
// (so a file missing from the manifest's `files` fails here), unpacked into target/bundlers/node_modules.
// Each example also runs with `@pss/wasm/full` in place of `@pss/wasm`.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { launch, skipReason } from "./chromium.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));
const pkgDir = path.resolve(here, "..", "pkg");
const targetDir = path.resolve(process.env.TARGET_DIR ?? process.env.CARGO_TARGET_DIR ?? path.join(here, "..", "..", "target"));
const work = path.join(targetDir, "bundlers");
const skip = skipReason("bundler tests");

// The README's examples: `<!-- bundler-test: NAME... -->`, then a ```js block whose last line is a
// comment with the text the page must show.
function examples() {
  const readme = fs.readFileSync(path.resolve(here, "..", "README.md"), "utf8");
  const found = [];
  for (const m of readme.matchAll(/<!-- bundler-test: ([^>]+?) -->\n```js\n([\s\S]*?)```/g)) {
    const code = m[2];
    const lines = code.trimEnd().split("\n");
    const expected = /^\/\/ (.+)$/.exec(lines.at(-1))?.[1];
    assert.ok(expected, `the example for ${m[1]} ends with a comment saying what the page shows`);
    for (const name of m[1].split(/\s+/)) found.push({ name, code, expected });
  }
  return found;
}

// `@pss/wasm` -> `@pss/wasm/full`, `@pss/wasm/inline` -> `@pss/wasm/full/inline`, and so on.
const toFull = (code) => code.replace(/"@pss\/wasm(\/[^"]*)?"/g, (_, rest) => `"@pss/wasm/full${rest ?? ""}"`);

const page = (script) =>
  // (The empty icon keeps Chromium from asking for /favicon.ico, a 404 of no interest.)
  `<!doctype html>\n<html><head><meta charset="utf-8"><title>pss</title><link rel="icon" href="data:,"></head><body>\n${script}\n</body></html>\n`;

// Each bundler with the README's options; builds dir/main.js into dir/dist/ with an index.html. (vite-dev
// serves dir itself, and returns its server.)
const bundlers = {
  async vite(dir) {
    const { build } = await import("vite");
    fs.writeFileSync(path.join(dir, "index.html"), page('<script type="module" src="./main.js"></script>'));
    await build({ root: dir, configFile: false, logLevel: "warn", build: { outDir: path.join(dir, "dist") } });
  },
  // `vite`: the development server, which pre-bundles the package (optimizeDeps) on first load.
  async "vite-dev"(dir) {
    const { createServer } = await import("vite");
    fs.writeFileSync(path.join(dir, "index.html"), page('<script type="module" src="./main.js"></script>'));
    const server = await createServer({
      root: dir,
      configFile: false,
      logLevel: "warn",
      cacheDir: path.join(dir, ".vite"),
      server: { host: "127.0.0.1", port: 0, strictPort: false },
    });
    await server.listen();
    return { url: server.resolvedUrls.local[0], close: () => server.close() };
  },
  async webpack(dir) {
    const { default: webpack } = await import("webpack");
    const stats = await new Promise((resolve, reject) =>
      webpack(
        { mode: "production", context: dir, entry: "./main.js", output: { path: path.join(dir, "dist") } },
        (err, result) => (err ? reject(err) : resolve(result)),
      ),
    );
    assert.ok(!stats.hasErrors(), stats.toString({ all: false, errors: true }));
    const { main } = stats.toJson({ all: false, assets: true, entrypoints: true }).entrypoints;
    const scripts = main.assets.map((a) => `<script src="${a.name}"></script>`).join("\n");
    fs.writeFileSync(path.join(dir, "dist", "index.html"), page(scripts));
  },
  "esbuild-inline": (dir) => esbuild(dir, {}),
  "esbuild-file": (dir) => esbuild(dir, { loader: { ".wasm": "file" } }),
};

async function esbuild(dir, options) {
  const { build } = await import("esbuild");
  // esbuild main.js --bundle --format=esm [--loader:.wasm=file] --outdir=dist
  await build({
    absWorkingDir: dir,
    entryPoints: ["main.js"],
    bundle: true,
    format: "esm",
    outdir: "dist",
    logLevel: "warning",
    ...options,
  });
  fs.writeFileSync(path.join(dir, "dist", "index.html"), page('<script type="module" src="./main.js"></script>'));
}

const types = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".wasm": "application/wasm",
};

// A static server of root: resolves with its URL and a close().
function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const file = path.join(root, path.normalize(decodeURIComponent(url.pathname === "/" ? "/index.html" : url.pathname)));
    if (!file.startsWith(root + path.sep) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      res.writeHead(404, { "content-type": "text/plain" }).end("not found");
      return;
    }
    res.writeHead(200, { "content-type": types[path.extname(file)] ?? "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        url: `http://127.0.0.1:${server.address().port}/`,
        close: () => new Promise((done) => server.close(done)),
      }),
    ),
  );
}

let browser;

before(async () => {
  if (skip) return;
  // The package as published: `npm pack` of pkg/, unpacked where the pages' imports find it.
  fs.rmSync(work, { recursive: true, force: true });
  const modules = path.join(work, "node_modules", "@pss", "wasm");
  fs.mkdirSync(modules, { recursive: true });
  const [{ filename }] = JSON.parse(
    execFileSync("npm", ["pack", pkgDir, "--json", "--pack-destination", work], { encoding: "utf8" }),
  );
  execFileSync("tar", ["-xzf", path.join(work, filename), "-C", modules, "--strip-components=1"]);
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

const cases = examples();

test("README.md has an example for each bundler", () => {
  assert.deepEqual([...new Set(cases.map((c) => c.name))].sort(), Object.keys(bundlers).sort());
});

for (const { name, code, expected } of cases) {
  for (const flavour of ["default", "full"]) {
    test(`${name}: the README's page (${flavour === "full" ? "@pss/wasm/full" : "@pss/wasm"}) evaluates the pod in Chromium`, { skip }, async (t) => {
      const dir = path.join(work, `${name}-${flavour}`);
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "main.js"), flavour === "full" ? toFull(code) : code);
      let server = await bundlers[name](dir);
      if (!server) {
        const dist = path.join(dir, "dist");
        const emitted = fs.readdirSync(dist, { recursive: true }).map(String);
        t.diagnostic(`bundle ${name}-${flavour}: ${emitted.filter((f) => /\.(js|wasm)$/.test(f)).sort().join(", ")}`);
        server = await serve(dist);
      }
      const tab = await browser.newPage();
      const problems = [];
      tab.on("pageerror", (e) => problems.push(`page error: ${e.message}`));
      tab.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
      tab.on("response", (r) => r.status() >= 400 && problems.push(`HTTP ${r.status()} for ${r.url()}`));
      tab.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      try {
        await tab.goto(server.url);
        await tab
          .waitForFunction(() => document.body.textContent.trim() !== "", null, { timeout: 20000 })
          .catch(() => problems.push("the page showed nothing within 20 s"));
        assert.deepEqual(problems, []);
        assert.equal((await tab.textContent("body")).trim(), expected);
      } finally {
        await tab.close();
        await server.close();
      }
    });
  }
}
