#!/usr/bin/env bash
# The main job: build `pss` and check the example manifests at baseline:latest (the default),
# then at restricted:latest, then with the example PodSecurityConfiguration; then dry-run labelling
# every namespace of the example pods restricted; then show the diff that fixes them for restricted.
# Exit status: 0 when pss ran (denials are the
# expected result: examples/privileged-pod.yaml and examples/deployment.yaml are there to be
# denied), 2 when pss reported a usage or input error.
source "$(dirname "$0")/lib.sh"
ensure_rust
cd "$ROOT"
say "cargo build --release -p pss-cli"
cargo build --locked --release -q -p pss-cli
pss="$ROOT/target/release/pss"

# Runs pss; exit 1 (something denied) is an expected result, 2 and above is not.
run() {
  say "pss $*"
  local status=0
  "$pss" "$@" || status=$?
  if [ "$status" -ge 2 ]; then
    echo "pss reported an input or usage error (exit $status)" >&2
    exit "$status"
  fi
}

for level in baseline restricted; do
  run check --level "$level" examples/
done
run check --admission-config examples/admission-config.yaml examples/
run label-dry-run --all restricted examples/
run fix --level restricted examples/
say "done: exit 1 from pss means an object was denied (or a pod would violate the new level), which is what the examples are for"
