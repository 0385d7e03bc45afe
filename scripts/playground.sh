#!/usr/bin/env bash
# Builds @pss/wasm and serves the playground on http://127.0.0.1:PORT/playground/ (default 8080).
# Installs what is missing first (scripts/setup-wasm.sh: Node.js, the wasm-bindgen CLI, npm packages...).
source "$(dirname "${BASH_SOURCE[0]}")/setup-wasm.sh"
bash "$ROOT/pss-wasm/scripts/build.sh"
exec node "$ROOT/pss-wasm/playground/serve.mjs" "${1:-${PORT:-8080}}"
