#!/usr/bin/env bash
# The main job: build `pss` and check the example manifests at baseline:latest (the default),
# then at restricted:latest. Exit status: 0 when pss ran (denials are the expected result for
# examples/privileged-pod.yaml), 2 when pss reported a usage or input error.
source "$(dirname "$0")/lib.sh"
ensure_rust
cd "$ROOT"
say "cargo build --release -p pss-cli"
cargo build --release -q -p pss-cli
pss="$ROOT/target/release/pss"
status=0
for level in baseline restricted; do
  say "pss check --level $level examples/"
  "$pss" check --level "$level" examples/ || status=$?
  if [ "$status" -ge 2 ]; then
    echo "pss reported an input or usage error (exit $status)" >&2
    exit "$status"
  fi
done
say "done: exit 1 from pss means a pod was denied, which is what examples/privileged-pod.yaml is for"
