#!/usr/bin/env bash
# Builds @pss/wasm (and @pss/wasm/full) and runs every test of it: the size budget (in the build), the
# Rust unit tests, the wasm-bindgen tests in Node and in headless Chrome (with the full build's
# bindings), and Node's test runner over the built package (require and import, conformance with
# ../shared, admission review and Kyverno against the native CLI, fixes against native pss-core,
# checkManifest against the native `pss check` over the same files, TypeScript consumers, the playground
# in Chromium, and pages built with Vite, webpack and esbuild, loaded in Chromium).
# Installs what is missing first (scripts/setup-wasm.sh). Each step passes or fails by its command's
# exit status; the test counts printed along are for reading only.
# Ends with `wasm: N passed, M failed` (steps); exits non-zero on any failure.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e # a failed step must not stop the others
cd "$ROOT"
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT

# shellcheck source=steps.sh
source "$ROOT/scripts/steps.sh"

# shellcheck source=setup-wasm.sh
source "$ROOT/scripts/setup-wasm.sh" || { set +e; echo "wasm: setup failed"; echo "wasm: 0 passed, 1 failed"; exit 1; }
set +e

# quiet NAME COMMAND...: runs COMMAND with its output in $log/NAME, shown in full when it fails and
# summed up ("test result" lines, TAP totals) when it passes.
quiet() {
  local name="$1" status=0
  shift
  "$@" >"$log/$name" 2>&1 || status=$?
  if ((status)); then
    tail -n 80 "$log/$name"
    echo "exit status $status"
  else
    grep -E '^test result:|^# (tests|pass|fail|skipped|todo|cancelled) |^size' "$log/$name"
  fi
  return "$status"
}

build() { quiet build bash pss-wasm/scripts/build.sh; }

no_k8s_openapi() {
  quiet tree cargo tree --locked -p pss-wasm --target wasm32-unknown-unknown -e normal || return 1
  if grep -q k8s-openapi "$log/tree"; then
    echo "k8s-openapi is in pss-wasm's wasm dependency tree"
    return 1
  fi
}

unit() { quiet unit cargo test --locked -p pss-wasm --lib --features full; }

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
wbt_node() {
  (cd pss-wasm && quiet wbt-node cargo test --locked -p pss-wasm --target wasm32-unknown-unknown --features full --test bindings)
}
wbt_chrome() {
  (cd pss-wasm && quiet wbt-chrome env WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    cargo test --locked -p pss-wasm --target wasm32-unknown-unknown --features full --test bindings) || return 1
  grep -q "Running headless tests in Chrome" "$log/wbt-chrome" || { echo "the browser run did not use Chrome"; return 1; }
}

# node --test exits non-zero when a test fails, when a file fails to load, and when nothing ran.
node_tests() {
  (cd pss-wasm && quiet node node --test --test-reporter=tap \
    tests-js/api.test.cjs tests-js/entry-points.test.cjs tests-js/workloads.test.cjs tests-js/esm.test.mjs tests-js/conformance.test.cjs \
    tests-js/full.test.cjs tests-js/types.test.mjs tests-js/browser.test.mjs tests-js/generated.test.mjs \
    tests-js/remediate.test.mjs tests-js/manifest.test.cjs tests-js/bundlers.test.mjs) || return 1
  grep -E '^ *# (conformance|bundle)' "$log/node"
  [ -f "$TARGET_DIR/artifacts/playground.png" ] && echo "screenshot: ${TARGET_DIR#"$ROOT"/}/artifacts/playground.png"
  return 0
}

if ! step "build the package (size budget)" build; then
  finish wasm
  exit 1
fi
step "cargo tree: no k8s-openapi in the wasm build" no_k8s_openapi
step "cargo test -p pss-wasm --features full (native unit tests)" unit
step "wasm-bindgen-test in Node" wbt_node
step "wasm-bindgen-test in headless Chrome" wbt_chrome
step "node --test (the built package, bundlers, browsers)" node_tests

finish wasm
