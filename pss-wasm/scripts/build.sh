#!/usr/bin/env bash
# Builds the npm package @pss/wasm into pss-wasm/pkg/:
#   cargo (profile wasm-release) -> wasm-bindgen --target web and --target nodejs -> wasm-opt -Oz (binaryen)
#   -> scripts/assemble.mjs (package.json, Node ES module entry, README with sizes, size budget).
# Needs what scripts/setup-wasm.sh installs; downloads nothing itself.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
root="$(cd "$here/.." && pwd)"
target_dir="${CARGO_TARGET_DIR:-$root/target}"
out="$here/pkg"

lock_version() {
    awk '/^name = "wasm-bindgen"$/ { found = 1; next } found && /^version = / { gsub(/"/, "", $3); print $3; exit }' \
        "$root/Cargo.lock"
}

want="$(lock_version)"
have="$(wasm-bindgen --version 2>/dev/null | awk '{ print $2 }' || true)"
if [ "$have" != "$want" ]; then
    echo "build: wasm-bindgen CLI ${have:-missing}, Cargo.lock has $want; run scripts/setup-wasm.sh" >&2
    exit 1
fi
# wasm-opt: the npm package binaryen pinned in package-lock.json (Debian bookworm's binaryen 108 rewrites
# wasm-bindgen's externref table into one the engines reject at instantiation). WASM_OPT overrides it.
wasm_opt="${WASM_OPT:-$here/node_modules/.bin/wasm-opt}"
[ -x "$wasm_opt" ] || { echo "build: $wasm_opt missing; run scripts/setup-wasm.sh (npm ci in pss-wasm)" >&2; exit 1; }

# The size profile (the root Cargo.toml's wasm-release: opt-level "z", except pss-core, the hot path, at 2).
echo "build: cargo build -p pss-wasm (wasm32-unknown-unknown, profile wasm-release)"
cargo build --manifest-path "$root/Cargo.toml" -p pss-wasm --lib --target wasm32-unknown-unknown --profile wasm-release
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/pss_wasm.wasm"

rm -rf "$out"
mkdir -p "$out/web" "$out/node"
wasm-bindgen --target web --out-dir "$out/web" --out-name pss_wasm "$wasm"
wasm-bindgen --target nodejs --out-dir "$out/node" --out-name pss_wasm "$wasm"
raw="$(stat -c %s "$out/web/pss_wasm_bg.wasm")"
for flavour in web node; do
    file="$out/$flavour/pss_wasm_bg.wasm"
    "$wasm_opt" -Oz "$file" -o "$file.opt"
    mv "$file.opt" "$file"
    # Only the glue's own wasm type declarations: not part of the package.
    rm -f "$out/$flavour/pss_wasm_bg.wasm.d.ts"
done

node "$here/scripts/assemble.mjs" --raw "$raw"
