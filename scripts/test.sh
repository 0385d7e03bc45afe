#!/usr/bin/env bash
# Every test of the project, from a fresh clone on a fresh machine: installs what each part needs
# (Rust components, Debian packages, pinned cargo tools, npm and PyPI packages), then runs the Rust
# workspace tests, the C ABI and Go tests, the WASM/npm tests and short fuzzing runs. Exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# rust: fmt, clippy, every cargo test (conformance, properties, CLI, corpus replay, doc tests);
# capi: the C ABI (C tests plain, under ASan+UBSan and valgrind) and the Go package (go vet, go test -race);
# miri: the C ABI's Rust-side tests (unit tests, generated cases) under Miri on nightly;
# wasm: the npm package (size budget, Node tests, headless Chromium, wasm-bindgen-test);
# fuzz: a short run of every cargo-fuzz target and the C ABI over the fuzz corpora.
parts=(rust capi miri wasm fuzz)
failed=()
for part in "${parts[@]}"; do
  say "=== $part ==="
  disk_check
  if ! bash "scripts/test-$part.sh"; then
    failed+=("$part")
  fi
done
if ((${#failed[@]})); then
  echo "FAILED parts: ${failed[*]}" >&2
  exit 1
fi
say "all parts passed: ${parts[*]}"
