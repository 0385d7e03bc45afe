#!/usr/bin/env bash
# Every test of the project, from a fresh clone on a fresh machine: installs what each part needs
# (Rust components, Debian packages, pinned cargo tools, npm and PyPI packages), then runs the Rust
# workspace tests, the C ABI and Go tests, and the WASM/npm tests. Exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
parts=(rust)
[ -f scripts/test-capi.sh ] && parts+=(capi)
[ -f scripts/test-wasm.sh ] && parts+=(wasm)
failed=()
for part in "${parts[@]}"; do
  say "=== $part ==="
  if ! bash "scripts/test-$part.sh"; then
    failed+=("$part")
  fi
done
if ((${#failed[@]})); then
  echo "FAILED parts: ${failed[*]}" >&2
  exit 1
fi
say "all parts passed: ${parts[*]}"
