#!/usr/bin/env bash
# Times `pss check --format jsonl --level restricted` on ~18,000 varied pods given as JSON Lines on
# standard input (the shape of the upstream Go baseline in ../shared/perf.md: 23.4k pods/s end to
# end), and prints pods per second. Release build; best and median of several runs.
#
#   scripts/bench-cli.sh            # 18,000 pods, 7 runs, on every core
#   PODS=50000 RUNS=3 scripts/bench-cli.sh
#   JOBS=1 scripts/bench-cli.sh     # one thread (pss check --jobs 1)
#   LIST=1 scripts/bench-cli.sh     # the pods as one List, as `kubectl get pods -A -o json` writes them
source "$(dirname "$0")/lib.sh"
ensure_rust
cd "$ROOT"
pods="${PODS:-18000}"
runs="${RUNS:-7}"
command -v python3 >/dev/null || { echo "python3 is needed to generate the pods" >&2; exit 2; }

say "cargo build --release -p pss-cli"
cargo build --locked --release -q -p pss-cli
pss="$ROOT/target/release/pss"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 pss-cli/bench/gen_pods.py --count "$pods" --seed 1 >"$work/pods.jsonl"
if [ -n "${LIST:-}" ]; then
  # One List object holding the pods, one item per line.
  { printf '{"apiVersion": "v1", "kind": "List", "items": [\n'; sed '$!s/$/,/' "$work/pods.jsonl"; printf ']}\n'; } \
    >"$work/list.json"
  mv "$work/list.json" "$work/pods.jsonl"
fi
jobs=()
[ -n "${JOBS:-}" ] && jobs=(--jobs "$JOBS")
bytes=$(wc -c <"$work/pods.jsonl")
say "$pods pods, $((bytes / 1024)) KiB of JSON${LIST:+ (one List)}; $runs runs${JOBS:+, --jobs $JOBS}"

# One warm-up run, which also checks the output: one record per pod, no input errors.
status=0
"$pss" check "${jobs[@]}" --format jsonl --level restricted <"$work/pods.jsonl" >"$work/out.jsonl" || status=$?
if [ "$status" -ge 2 ]; then
  echo "pss reported an input error (exit $status)" >&2
  exit 1
fi
records=$(wc -l <"$work/out.jsonl")
[ "$records" -eq "$pods" ] || { echo "expected $pods records, got $records" >&2; exit 1; }
denied=$(grep -c '"allowed":false,"violations"' "$work/out.jsonl" || true)
say "warm-up: $records records, $denied denied at restricted:latest"

times=()
for _ in $(seq "$runs"); do
  start=$(date +%s%N)
  "$pss" check "${jobs[@]}" --format jsonl --level restricted <"$work/pods.jsonl" >/dev/null || true
  end=$(date +%s%N)
  times+=($(((end - start) / 1000)))
done
sorted=($(printf '%s\n' "${times[@]}" | sort -n))
best=${sorted[0]}
median=${sorted[$((runs / 2))]}
printf 'pss check --format jsonl --level restricted, %s pods from stdin:\n' "$pods"
awk -v n="$pods" -v best="$best" -v median="$median" 'BEGIN {
  printf "  best   %8.1f ms  %9.0f pods/s\n", best / 1000, n * 1000000 / best
  printf "  median %8.1f ms  %9.0f pods/s\n", median / 1000, n * 1000000 / median
}'
