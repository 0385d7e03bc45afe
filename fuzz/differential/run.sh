#!/usr/bin/env bash
# Differential check of pss's YAML reading against sigs.k8s.io/yaml (see README.md).
#   fuzz/differential/run.sh SIGS_YAML_CHECKOUT FILE...
# SIGS_YAML_CHECKOUT: a checkout of https://github.com/kubernetes-sigs/yaml at v1.4.0, whose goyaml.v2 directory holds
# go-yaml v2 in the tree (later tags import go.yaml.in/yaml/v2, which needs the Go module proxy).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
sigs="$(cd "$1" && pwd)"
shift
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
mkdir "$work/sigsyaml"
cp "$here/main.go" "$work/sigsyaml/"
cat > "$work/sigsyaml/go.mod" <<MOD
module sigsyaml

go 1.22

require sigs.k8s.io/yaml v1.4.0

replace sigs.k8s.io/yaml => $sigs
MOD
(cd "$work/sigsyaml" && GOTOOLCHAIN=local GOPROXY=off GOFLAGS=-mod=mod go build -o "$work/sigsyaml.bin" .)
cargo run -q --release --manifest-path "$root/Cargo.toml" -p pss-manifest --example yaml_to_json -- "$@" > "$work/pss.jsonl"
python3 -c 'import json, sys
for line in sys.stdin.read().split("\n"):
    if line:
        print(json.dumps({"text": json.loads(line)["text"]}))' < "$work/pss.jsonl" | "$work/sigsyaml.bin" > "$work/go.jsonl"
python3 "$here/compare.py" "$work/pss.jsonl" "$work/go.jsonl" --show "${SHOW:-10}"
