// The generated .d.ts files compile against small consumers (Node ESM and CommonJS, and a browser bundle).
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsc = path.join(here, "..", "node_modules", "typescript", "bin", "tsc");

for (const config of ["tsconfig.node.json", "tsconfig.browser.json"]) {
  test(`tsc --noEmit -p types/${config}`, () => {
    const run = spawnSync(process.execPath, [tsc, "--noEmit", "-p", path.join(here, "types", config)], { encoding: "utf8" });
    assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
  });
}
