#!/usr/bin/env bash
# Installs what building and testing the npm package (@pss/wasm, pss-wasm/) needs, idempotently, each
# install announced and timed (scripts/lib.sh says where each goes):
#   rustup: the wasm32-unknown-unknown target;
#   target/tools/: wasm-bindgen and wasm-bindgen-test-runner at Cargo.lock's wasm-bindgen version
#     (built from tools/), and Node.js with npm (PyPI, scripts/requirements/node.txt);
#   Debian: chromium and chromium-driver (the browser tests);
#   pss-wasm/node_modules: `npm ci` (package-lock.json: binaryen for wasm-opt, typescript, yaml,
#     playwright-core, and the bundlers vite, webpack and esbuild).
# Sourced by test-wasm.sh and playground.sh, which then find these tools on PATH; or run on its own.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_wasm() {
  ensure_rust && ensure_wasm_target && ensure_wasm_bindgen || return 1
  apt_install chromium chromium-driver || return 1
  ensure_node || return 1
  local modules="$ROOT/pss-wasm/node_modules"
  if [ ! -f "$modules/.package-lock.json" ] || [ "$ROOT/pss-wasm/package-lock.json" -nt "$modules/.package-lock.json" ]; then
    say "install: the npm packages of pss-wasm/package-lock.json into pss-wasm/node_modules (npm ci)"
    timed "npm ci (pss-wasm)" bash -c 'cd "$ROOT/pss-wasm" && npm ci --no-audit --no-fund --loglevel=error' || return 1
  fi
  say "setup-wasm: $(wasm-bindgen --version), node $(node --version), npm $(npm --version), $(chromium --version 2>/dev/null | head -1)"
}

setup_wasm
