#!/usr/bin/env bash
# Builds @pss/wasm and serves the playground on http://127.0.0.1:PORT/playground/ (default 8080).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$root/scripts/setup-wasm.sh"
bash "$root/pss-wasm/scripts/build.sh"
exec node "$root/pss-wasm/playground/serve.mjs" "${1:-${PORT:-8080}}"
