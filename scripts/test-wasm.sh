#!/usr/bin/env bash
# Builds @pss/wasm (and @pss/wasm/full) and runs every test of it: the size budget (in the build), the
# Rust unit tests, the wasm-bindgen tests in Node and in headless Chrome (with the full build's
# bindings), and Node's test runner over the built package (require and import, conformance with
# ../shared, admission review and Kyverno against the native CLI, fixes against native pss-core,
# TypeScript consumers, the playground in Chromium).
# Ends with `wasm: N passed, M failed`; exits non-zero on any failure.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
log="$(mktemp -d)"
trap 'rm -rf "$log"' EXIT
passed=0
failed=0

count_cargo() { # sums "test result: ok. N passed; M failed" lines
    local p f
    p="$(grep -Eo 'test result: .* ([0-9]+) passed' "$1" | grep -Eo '[0-9]+ passed' | awk '{ s += $1 } END { print s + 0 }')"
    f="$(grep -Eo '[0-9]+ failed' "$1" | awk '{ s += $1 } END { print s + 0 }')"
    passed=$((passed + p))
    failed=$((failed + f))
}

step() { # step NAME LOGFILE COMMAND...: runs, shows the tail on failure, counts a failure if nothing was counted
    local name="$1" out="$2"
    shift 2
    echo "== $name"
    if "$@" >"$out" 2>&1; then
        return 0
    fi
    tail -n 60 "$out"
    echo "== $name FAILED"
    return 1
}

bash scripts/setup-wasm.sh || { echo "wasm: 0 passed, 1 failed"; exit 1; }

if ! step "build the package (size budget)" "$log/build" bash pss-wasm/scripts/build.sh; then
    echo "wasm: $passed passed, $((failed + 1)) failed"
    exit 1
fi
grep -E '^size:' "$log/build"
passed=$((passed + 1))

if step "cargo tree: no k8s-openapi in the wasm build" "$log/tree" \
    cargo tree -p pss-wasm --target wasm32-unknown-unknown -e normal; then
    if grep -q k8s-openapi "$log/tree"; then
        echo "k8s-openapi is in pss-wasm's wasm dependency tree"
        failed=$((failed + 1))
    else
        passed=$((passed + 1))
    fi
else
    failed=$((failed + 1))
fi

step "cargo test -p pss-wasm --features full (native unit tests)" "$log/unit" \
    cargo test -p pss-wasm --lib --features full || failed=$((failed + 1))
count_cargo "$log/unit"

export CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=wasm-bindgen-test-runner
export WASM_BINDGEN_TEST_TIMEOUT="${WASM_BINDGEN_TEST_TIMEOUT:-120}"
(cd pss-wasm && step "wasm-bindgen-test in Node" "$log/wbt-node" \
    cargo test -p pss-wasm --target wasm32-unknown-unknown --features full --test bindings) || failed=$((failed + 1))
count_cargo "$log/wbt-node"
(cd pss-wasm && step "wasm-bindgen-test in headless Chrome" "$log/wbt-chrome" \
    env WASM_BINDGEN_USE_BROWSER=1 CHROMEDRIVER="${CHROMEDRIVER:-/usr/bin/chromedriver}" \
    cargo test -p pss-wasm --target wasm32-unknown-unknown --features full --test bindings) || failed=$((failed + 1))
grep -q "Running headless tests in Chrome" "$log/wbt-chrome" || { echo "the browser run did not use Chrome"; failed=$((failed + 1)); }
count_cargo "$log/wbt-chrome"

(cd pss-wasm && step "node --test (built package)" "$log/node" node --test --test-reporter=tap \
    tests-js/api.test.cjs tests-js/entry-points.test.cjs tests-js/workloads.test.cjs tests-js/esm.test.mjs tests-js/conformance.test.cjs tests-js/full.test.cjs tests-js/types.test.mjs \
    tests-js/browser.test.mjs tests-js/generated.test.mjs tests-js/remediate.test.mjs) || true
grep -E '^# (conformance|pass|fail|skipped)' "$log/node"
node_pass="$(awk '/^# pass / { print $3 }' "$log/node" | tail -1)"
node_fail="$(awk '/^# fail / { print $3 }' "$log/node" | tail -1)"
if [ -z "$node_pass" ]; then
    tail -n 40 "$log/node"
    node_fail=1
fi
passed=$((passed + ${node_pass:-0}))
failed=$((failed + ${node_fail:-0}))
[ -f target/artifacts/playground.png ] && echo "screenshot: target/artifacts/playground.png"

echo "wasm: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
