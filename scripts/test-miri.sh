#!/usr/bin/env bash
# The C ABI's Rust-side tests under Miri (nightly), which checks every `unsafe` path they reach for
# undefined behaviour: out-of-bounds and dangling accesses, aliasing (Stacked Borrows), leaks, and
# integer-to-pointer casts (`-Zmiri-strict-provenance`).
#   bash scripts/test-miri.sh
# Installs the nightly toolchain (profile minimal) and its miri and rust-src components if missing, then runs
#   - pss-capi's unit tests (src/tests.rs: NULL handling, errors, views, the panic boundary, workloads,
#     exclusions, namespace labels, options),
#   - pss-capi/tests/generated.rs on the few generated cases it takes under Miri (cfg(miri)).
# What cannot run under Miri (the C tests, the Go package, the fuzz targets) runs under ASan/UBSan
# and valgrind in test-capi.sh and test-fuzz.sh instead; see fuzz/README.md.
# Prints "miri: N passed, M failed" and exits non-zero on any failure.
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e # a failed step must not stop the others
cd "$ROOT"

# shellcheck source=steps.sh
source "$ROOT/scripts/steps.sh"

install() {
  ensure_nightly miri rust-src || return 1
  # Miri's own build of the standard library (once per toolchain, in ~/.cache/miri).
  timed "cargo +nightly miri setup" cargo +nightly miri setup
}

if ! step "nightly miri and rust-src" install; then
  echo "miri: $passed passed, $failed failed"
  exit 1
fi

export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
step "pss-capi unit tests under Miri" cargo +nightly miri test --locked -p pss-capi --lib
step "pss-capi generated cases under Miri" cargo +nightly miri test --locked -p pss-capi --test generated

finish miri
