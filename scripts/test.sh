#!/usr/bin/env bash
# Every test of the project, from a fresh clone on a fresh machine: installs what each part needs
# (Rust components, Debian packages, pinned tools into target/tools/, npm packages: see lib.sh), each
# install announced and timed, then runs the Rust workspace tests, the C ABI and Go tests, Miri, the
# WASM/npm tests and short fuzzing runs. Ends with each part's wall time and result, and the time of
# each install; exits non-zero on any failure.
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
# rust: fmt, clippy, every cargo test (conformance, properties, CLI, corpus replay, doc tests);
# capi: the C ABI (C tests plain, under ASan+UBSan and valgrind) and the Go package (go vet, go test -race);
# miri: the C ABI's Rust-side tests (unit tests, generated cases) under Miri on nightly;
# wasm: the npm package (size budget, Node tests, headless Chromium, wasm-bindgen-test, bundlers);
# fuzz: a short run of every cargo-fuzz target and the C ABI over the fuzz corpora.
parts=(rust capi miri wasm fuzz)
PSS_TIMINGS="$(mktemp)"
export PSS_TIMINGS
trap 'rm -f "$PSS_TIMINGS"' EXIT
failed=()
summary=()
run_start=$SECONDS

say "Cargo.lock and fuzz/Cargo.lock are up to date (cargo metadata --locked)"
if ! check_locks; then
  echo "a lock file is out of date with its Cargo.toml: run cargo (without --locked) and commit the lock file" >&2
  failed+=(locks)
fi
say "shared data (../shared)"
check_shared || failed+=(shared)

for part in "${parts[@]}"; do
  say "=== $part ==="
  disk_check
  start=$SECONDS
  result=passed
  if ! bash "scripts/test-$part.sh"; then
    failed+=("$part")
    result=FAILED
  fi
  summary+=("$(printf '%-6s %5d s  %s' "$part" $((SECONDS - start)) "$result")")
done

say "summary: $((SECONDS - run_start)) s in all (wall time)"
printf '  %s\n' "${summary[@]}" >&2
if [ -s "$PSS_TIMINGS" ]; then
  echo "  installs and tool builds (included in the parts' times):" >&2
  awk -F '\t' '{ printf "    %-60s %5d s%s\n", $1, $2, ($3 == 0 ? "" : "  FAILED"); total += $2 }
    END { printf "    %-60s %5d s\n", "in all", total }' "$PSS_TIMINGS" >&2
fi
du -sh "$TARGET_DIR" "$ROOT/fuzz/target" 2>/dev/null | sed 's/^/  disk: /' >&2 || true
if ((${#failed[@]})); then
  echo "FAILED parts: ${failed[*]}" >&2
  exit 1
fi
say "all parts passed: ${parts[*]}"
