// The generated cases every suite shares (pss-testgen), with pss-core's result and fix for each, as
// `cargo run -p pss-core --example generated_cases` writes them: read from the file
// PSS_GENERATED_CASES names, else written here first (under target/pss-testgen, `name` and `count`
// in the file's name).
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

function casesFile(name, count) {
  if (process.env.PSS_GENERATED_CASES) return process.env.PSS_GENERATED_CASES;
  const file = path.join(root, "target", "pss-testgen", `${name}-${count}.jsonl`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  execFileSync(
    "cargo",
    ["run", "-q", "-p", "pss-core", "--example", "generated_cases", "--", "--cases", String(count), "--out", file],
    { cwd: root, stdio: ["ignore", "inherit", "inherit"] },
  );
  return file;
}

/** The first `count` generated cases, one object each. */
export function generatedCases(name, count) {
  return fs
    .readFileSync(casesFile(name, count), "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line));
}
