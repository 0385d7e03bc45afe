#!/usr/bin/env bash
# Installs what building and testing the npm package (@pss/wasm, pss-wasm/) needs; idempotent, and it
# downloads only from the package registries (crates.io, npm, Debian):
#   the wasm32-unknown-unknown target; the wasm-bindgen CLI at exactly Cargo.lock's wasm-bindgen version
#   (it brings wasm-bindgen-test-runner); Debian's chromium and chromium-driver (browser tests);
#   `npm ci` in pss-wasm (typescript, yaml, playwright-core, and binaryen for wasm-opt).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

rustup target list --installed | grep -qx wasm32-unknown-unknown || rustup target add wasm32-unknown-unknown

want="$(awk '/^name = "wasm-bindgen"$/ { found = 1; next } found && /^version = / { gsub(/"/, "", $3); print $3; exit }' "$root/Cargo.lock")"
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ] || ! command -v wasm-bindgen-test-runner >/dev/null; then
    echo "setup-wasm: installing wasm-bindgen-cli $want (have ${have:-none})"
    # --locked fails for some versions (a yanked dependency in the CLI's lock file); retry without it.
    cargo install wasm-bindgen-cli --version "$want" --locked || cargo install wasm-bindgen-cli --version "$want"
fi

missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup-wasm: apt-get install ${missing[*]}"
    sudo_cmd=()
    [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
    "${sudo_cmd[@]}" apt-get update
    DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y --no-install-recommends "${missing[@]}"
fi

cd "$root/pss-wasm"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    npm ci --no-audit --no-fund
fi
echo "setup-wasm: ready (wasm-bindgen $want, $(chromium --version 2>/dev/null | head -1))"
