#!/usr/bin/env bash
# Fuzzing from a fresh clone:
#   bash scripts/test-fuzz.sh            # FUZZ_SECONDS=45 per target by default
# Installs what is missing (the nightly toolchain, cargo-fuzz pinned into target/tools/, gcc, valgrind), builds every
# target in fuzz/, then runs each for FUZZ_SECONDS from its committed corpus (fuzz/corpus/<target>, new inputs go to a
# scratch copy) on nightly with AddressSanitizer. Then feeds every corpus file to the C ABI from C
# (pss-capi/tests/fuzz_corpus_driver.c) under ASan+UBSan and under valgrind, over every target's corpus and the
# regressions (as the JSON each holds: see prepare_c_inputs).
# Prints "fuzz: N passed, M failed" and exits non-zero on any failure, a missing tool included. The corpus replay
# without a fuzzer is part of `cargo test` (pss-cli/tests/fuzz_corpus.rs).
# shellcheck source=lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
set +e # a failed step must not stop the others
root="$ROOT"
cd "$root"
seconds="${FUZZ_SECONDS:-45}"
targets=(pod_json object_json manifest_stream capi kyverno remediate)

# shellcheck source=steps.sh
source "$root/scripts/steps.sh"

# Installs what this part needs (each install announced and timed, see lib.sh): the nightly toolchain
# (AddressSanitizer needs it), cargo-fuzz (pinned, into target/tools/), and Debian's gcc and valgrind.
setup_fuzz() {
  ensure_rust && ensure_nightly && ensure_cargo_fuzz || return 1
  local packages=()
  command -v gcc >/dev/null || packages+=(gcc libc6-dev)
  command -v valgrind >/dev/null || packages+=(valgrind)
  apt_install "${packages[@]}"
}
if ! step "install nightly, cargo-fuzz $CARGO_FUZZ_VERSION, gcc and valgrind" setup_fuzz; then
  finish fuzz
  exit 1
fi
set +e

fuzz=(cargo +nightly fuzz)
sanitizer=(-s address)

build() { (cd fuzz && "${fuzz[@]}" build -O "${sanitizer[@]}"); }

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT

# The dictionary of the names and values pss reads (fuzz/dicts/): Kyverno's and the pod's for kyverno.
dict_of() { if [ "$1" = kyverno ]; then echo dicts/kyverno.dict; else echo dicts/pod.dict; fi; }

run() { # target
  local t="$1"
  mkdir -p "$scratch/$t"
  (cd fuzz && "${fuzz[@]}" run -O "${sanitizer[@]}" "$t" "$scratch/$t" "corpus/$t" -- \
    -dict="$(dict_of "$t")" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len=65536 -timeout=10 \
    -print_final_stats=1)
}

if [ -z "${FUZZ_C_ONLY:-}" ]; then # FUZZ_C_ONLY=1: only the C ABI over the corpora
  step "cargo fuzz build" build
  for t in "${targets[@]}"; do
    step "fuzz $t (${seconds}s)" run "$t"
  done
fi

# The C ABI from C over every corpus file.
lib="$TARGET_DIR/release/libpss_capi.a"
out="$scratch/c"
mkdir -p "$out"
cflags=(-std=c11 -Wall -Wextra -Wpedantic -Werror -g -I"$root/pss-capi/include")

# Every committed corpus and regression input, as the JSON the C ABI reads: pod_json and object_json
# files as they are; capi and manifest_stream files without their first byte (the target's selector);
# each kyverno file's policy and resource (split at the first NUL); and the capi files whole as well
# (their selector byte makes most of them malformed JSON: the error paths).
c_inputs="$scratch/c-inputs"
prepare_c_inputs() {
  python3 - "$root/fuzz" "$c_inputs" <<'PY'
import os, sys
fuzz, out = sys.argv[1], sys.argv[2]
count = 0
def put(name, data):
    global count
    os.makedirs(os.path.dirname(name), exist_ok=True)
    with open(name, "wb") as f:
        f.write(data)
    count += 1
for top in ("corpus", "regressions"):
    base = os.path.join(fuzz, top)
    for target in sorted(os.listdir(base)) if os.path.isdir(base) else []:
        folder = os.path.join(base, target)
        for name in sorted(os.listdir(folder)):
            data = open(os.path.join(folder, name), "rb").read()
            dest = os.path.join(out, top, target, name)
            if target in ("pod_json", "object_json", "remediate"):
                put(dest, data)
            elif target in ("capi", "manifest_stream"):
                put(dest + ".body", data[1:])
                if target == "capi":
                    put(dest, data)
            elif target == "kyverno":
                policy, _, resource = data.partition(b"\0")
                put(dest + ".policy", policy)
                put(dest + ".resource", resource)
            else:
                sys.exit(f"unknown fuzz target {target}: say how the C driver reads it")
print(f"{count} C inputs from the corpora and regressions")
PY
}
corpus_files() { find "$c_inputs" -type f -print0; }

c_asan() {
  prepare_c_inputs &&
    cargo build --locked -q --release -p pss-capi &&
    gcc "${cflags[@]}" -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined \
      -o "$out/driver_asan" pss-capi/tests/fuzz_corpus_driver.c "$lib" -lpthread -ldl -lm &&
    corpus_files | ASAN_OPTIONS=detect_leaks=1 xargs -0 "$out/driver_asan"
}

c_valgrind() {
  command -v valgrind >/dev/null || { echo "valgrind not found"; return 1; }
  { [ -d "$c_inputs" ] || prepare_c_inputs; } &&
    gcc "${cflags[@]}" -o "$out/driver" pss-capi/tests/fuzz_corpus_driver.c "$lib" -lpthread -ldl -lm &&
    corpus_files | xargs -0 valgrind -q --error-exitcode=1 --leak-check=full \
      --errors-for-leak-kinds=definite,indirect "$out/driver"
}

step "C ABI over the corpora, ASan+UBSan" c_asan
step "C ABI over the corpora, valgrind" c_valgrind

finish fuzz
