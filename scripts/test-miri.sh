#!/usr/bin/env bash
# The C ABI's Rust-side tests under Miri (nightly), which checks every `unsafe` path they reach for
# undefined behaviour: out-of-bounds and dangling accesses, aliasing (Stacked Borrows), leaks, and
# integer-to-pointer casts (`-Zmiri-strict-provenance`).
#   bash scripts/test-miri.sh
# Installs the nightly toolchain's miri and rust-src components if missing, then runs
#   - pss-capi's unit tests (src/tests.rs: NULL handling, errors, views, the panic boundary, workloads,
#     exclusions, namespace labels, options),
#   - pss-capi/tests/generated.rs on the few generated cases it takes under Miri (cfg(miri)).
# What cannot run under Miri (the C tests, the Go package, the fuzz targets) runs under ASan/UBSan
# and valgrind in test-capi.sh and test-fuzz.sh instead; see fuzz/README.md.
# Prints "miri: N passed, M failed" and exits non-zero on any failure.
set -uo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

# shellcheck source=steps.sh
source "$root/scripts/steps.sh"

install() {
  if ! rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    rustup toolchain install nightly --profile minimal --component miri,rust-src || return 1
  fi
  rustup component add miri rust-src --toolchain nightly &&
    cargo +nightly miri setup
}

if ! step "nightly miri and rust-src" install; then
  echo "miri: $passed passed, $failed failed"
  exit 1
fi

export MIRIFLAGS="${MIRIFLAGS:--Zmiri-strict-provenance}"
step "pss-capi unit tests under Miri" cargo +nightly miri test -p pss-capi --lib
step "pss-capi generated cases under Miri" cargo +nightly miri test -p pss-capi --test generated

finish miri
