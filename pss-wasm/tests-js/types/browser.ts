// Compiled with tsc --noEmit as a bundler resolving the "browser" condition would see the package.
import init, { evaluate, initSync, type Evaluation } from "@pss/wasm";

async function main(): Promise<void> {
  await init();
  const result: Evaluation = evaluate({ metadata: { name: "web" }, spec: { hostNetwork: true } });
  document.title = result.message ?? "allowed";
  void initSync;
}
void main();

// The full build, through the same conditions.
import initFull, { KyvernoPolicy, review, type PolicyResult } from "@pss/wasm/full";

async function full(): Promise<void> {
  await initFull();
  const result: PolicyResult = new KyvernoPolicy("{}").apply("{}");
  document.title = result.message ?? review("{}").warnings.join("\n");
}
void full();

// The entries with the .wasm inlined: init() without an argument.
import initInline, { evaluate as evaluateInline } from "@pss/wasm/inline";
import initFullInline, { review as reviewInline } from "@pss/wasm/full/inline";

async function inline(): Promise<void> {
  await initInline();
  const result: Evaluation = evaluateInline("{}");
  await initFullInline();
  document.title = result.message ?? reviewInline("{}").warnings.join("\n");
}
void inline();
