# Shared helpers for the project's scripts (sourced, not run).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '\n==> %s\n' "$*" >&2; }

# apt-get install, running `apt-get update` first only when something is missing.
apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if ((${#missing[@]})); then
    say "apt-get install ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# The Rust toolchain pieces every part needs.
ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first" >&2; exit 2; }
  if command -v rustup >/dev/null; then
    rustup component list --installed 2>/dev/null | grep -q '^rustfmt' || rustup component add rustfmt
    rustup component list --installed 2>/dev/null | grep -q '^clippy' || rustup component add clippy
  fi
}

# Says how much disk is free where the builds go, and warns when a part may not fit: a whole test run
# writes about 5 GB under target/ and fuzz/target/ (with .ci/run's settings; more with incremental
# builds and full debug info).
disk_check() {
  local free_mb
  free_mb=$(df -Pm "$ROOT" | awk 'NR == 2 { print $4 }')
  say "disk: ${free_mb} MB free in $ROOT"
  if ((free_mb < 6144)); then
    echo "warning: only ${free_mb} MB free; the tests need about 5 GB for their builds" >&2
  fi
}
