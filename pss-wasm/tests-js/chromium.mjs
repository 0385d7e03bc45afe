// Headless Chromium for the browser tests (browser.test.mjs, bundlers.test.mjs): Debian's package,
// driven by playwright-core. Not a test file itself.
import fs from "node:fs";
import { chromium } from "playwright-core";

/** The Chromium binary: $CHROMIUM, or Debian's. */
export const executablePath = process.env.CHROMIUM ?? "/usr/bin/chromium";

/** Headless, no sandbox (containers), nothing that reaches the network. */
export const args = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
  "--disable-quic",
];

/**
 * Why the tests named `what` cannot run (`false` when they can): Chromium is missing. Under CI that is
 * an error, never a skip.
 */
export function skipReason(what) {
  if (fs.existsSync(executablePath)) return false;
  if (process.env.CI) throw new Error(`${executablePath} is missing (Debian package chromium)`);
  const reason = `${executablePath} is missing: SKIPPING the ${what}`;
  console.error(`\n!!! ${reason} !!!\n`);
  return reason;
}

/** A headless Chromium. */
export function launch() {
  return chromium.launch({ executablePath, args, headless: true });
}
