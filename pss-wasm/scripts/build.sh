#!/usr/bin/env bash
# Builds the npm package @pss/wasm into pss-wasm/pkg/, twice over: the default build (web/, node/) and
# the `full` one with admission review and Kyverno policies (full/web/, full/node/; cargo feature `full`):
#   cargo (profile wasm-release) -> wasm-bindgen --target web and --target nodejs -> wasm-opt -Oz (binaryen)
#   -> scripts/assemble.mjs (package.json, Node ES module entries, README with sizes, size budget).
# Needs what scripts/setup-wasm.sh installs (Node.js on PATH, pss-wasm/node_modules); builds the
# wasm-bindgen CLI from tools/ when it is not built yet.
# shellcheck source=../../scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../scripts/lib.sh"

here="$ROOT/pss-wasm"
root="$ROOT"
target_dir="$TARGET_DIR"
out="$here/pkg"

# wasm-bindgen at exactly Cargo.lock's wasm-bindgen version, from tools/ (a no-op build when up to date).
ensure_wasm_bindgen
command -v node >/dev/null || { echo "build: node not found; run scripts/setup-wasm.sh" >&2; exit 1; }
# wasm-opt: the npm package binaryen pinned in package-lock.json (Debian bookworm's binaryen 108 rewrites
# wasm-bindgen's externref table into one the engines reject at instantiation). WASM_OPT overrides it.
wasm_opt="${WASM_OPT:-$here/node_modules/.bin/wasm-opt}"
[ -x "$wasm_opt" ] || { echo "build: $wasm_opt missing; run scripts/setup-wasm.sh (npm ci in pss-wasm)" >&2; exit 1; }

rm -rf "$out"
wasm="$target_dir/wasm32-unknown-unknown/wasm-release/pss_wasm.wasm"
# build DIR CARGO_FEATURES...: one build of the crate into $out/DIR/{web,node}. The size profile is the
# root Cargo.toml's wasm-release: opt-level "z", except pss-core, the hot path, at 2.
build() {
    local dir="$out/$1"
    shift
    echo "build: cargo build -p pss-wasm $* (wasm32-unknown-unknown, profile wasm-release)"
    cargo build --manifest-path "$root/Cargo.toml" -p pss-wasm --lib --target wasm32-unknown-unknown \
        --profile wasm-release "$@"
    mkdir -p "$dir/web" "$dir/node"
    wasm-bindgen --target web --out-dir "$dir/web" --out-name pss_wasm "$wasm"
    wasm-bindgen --target nodejs --out-dir "$dir/node" --out-name pss_wasm "$wasm"
    stat -c %s "$dir/web/pss_wasm_bg.wasm" >"$dir/raw-size"
    for flavour in web node; do
        file="$dir/$flavour/pss_wasm_bg.wasm"
        "$wasm_opt" -Oz "$file" -o "$file.opt"
        mv "$file.opt" "$file"
        # Only the glue's own wasm type declarations: not part of the package.
        rm -f "$dir/$flavour/pss_wasm_bg.wasm.d.ts"
    done
}
build full --features full
build .

node "$here/scripts/assemble.mjs" --raw "$(cat "$out/raw-size")" --raw-full "$(cat "$out/full/raw-size")"
rm -f "$out/raw-size" "$out/full/raw-size"
