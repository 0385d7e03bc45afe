#!/usr/bin/env bash
# Runs two `pss` binaries side by side over the same inputs and flags and fails on the first difference in
# standard output, standard error or exit status: the proof that a change to `pss check` keeps its output
# byte for byte. Inputs: ../shared/bench-corpus/pods.jsonl (standard input, as a file, and part of it as a List),
# ../shared/realworld/corpus, ../shared/conformance, a generated YAML stream, every file of
# fuzz/corpus/manifest_stream (as arguments of one run, and a sample one by one on standard input); formats
# text (plain and --verbose), json, jsonl, sarif and junit; levels, namespace labels, an admission
# configuration and a small --max-document-size.
#
#   scripts/compare-check.sh OLD_PSS NEW_PSS
#   QUICK=1 scripts/compare-check.sh OLD_PSS NEW_PSS     # fewer flag combinations
set -euo pipefail
old="$(realpath "$1")"
new="$(realpath "$2")"
root="$(cd "$(dirname "$0")/.." && pwd)"
shared="${PSS_SHARED_DIR:-$root/../shared}"
cd "$root"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
runs=0

# compare NAME STDIN_FILE ARGS...: one run of each binary, compared.
compare() {
  local name="$1" input="$2"
  shift 2
  local status=0
  "$old" "$@" <"$input" >"$work/old.out" 2>"$work/old.err" || status=$?
  echo "$status" >"$work/old.status"
  status=0
  "$new" "$@" <"$input" >"$work/new.out" 2>"$work/new.err" || status=$?
  echo "$status" >"$work/new.status"
  for part in out err status; do
    if ! cmp -s "$work/old.$part" "$work/new.$part"; then
      echo "DIFFERENT $part: $name: pss $*" >&2
      diff <(head -c 3000 "$work/old.$part") <(head -c 3000 "$work/new.$part") | head -20 >&2 || true
      exit 1
    fi
  done
  runs=$((runs + 1))
}

formats=(text jsonl json sarif junit)
flag_sets=("--level restricted" "--level baseline --verbose" "--level restricted --max-document-size 700"
  "--level restricted --namespace-labels ns-1=pod-security.kubernetes.io/enforce=privileged,pod-security.kubernetes.io/warn=baseline --namespace-labels prod=pod-security.kubernetes.io/enforce=bogus"
  "--admission-config $work/config.yaml")
if [ -n "${QUICK:-}" ]; then flag_sets=("--level restricted" "--level baseline --verbose"); fi
cat >"$work/config.yaml" <<'EOF'
apiVersion: pod-security.admission.config.k8s.io/v1
kind: PodSecurityConfiguration
defaults: {enforce: baseline, audit: restricted, warn: restricted}
exemptions: {usernames: [], runtimeClasses: [kata], namespaces: [ns-3, kube-system]}
EOF
: >"$work/empty"

if [ -f "$shared/bench-corpus/pods.jsonl" ]; then
  for format in "${formats[@]}"; do
    for flags in "${flag_sets[@]}"; do
      # shellcheck disable=SC2086
      compare "pods.jsonl on stdin" "$shared/bench-corpus/pods.jsonl" check --format "$format" $flags
    done
    compare "pods.jsonl as a file" "$work/empty" check --format "$format" --level restricted "$shared/bench-corpus/pods.jsonl"
  done
  # Standard input beyond what pss keeps in memory (16 MiB): twice the corpus.
  cat "$shared/bench-corpus/pods.jsonl" "$shared/bench-corpus/pods.jsonl" >"$work/pods2.jsonl"
  compare "pods.jsonl twice on stdin" "$work/pods2.jsonl" check --format jsonl --level restricted
  compare "pods.jsonl twice on stdin" "$work/pods2.jsonl" check --format text --level baseline -
  # The corpus with a Namespace at its end, labelling the namespace of some pods.
  { cat "$shared/bench-corpus/pods.jsonl"
    echo '{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"ns-2","labels":{"pod-security.kubernetes.io/enforce":"privileged","pod-security.kubernetes.io/warn":"restricted"}}}'
  } >"$work/pods-ns.jsonl"
  for format in "${formats[@]}"; do
    compare "pods.jsonl with a Namespace" "$work/pods-ns.jsonl" check --format "$format" --level restricted
  done
  # 4,000 of the pods and the Namespace as one List, as `kubectl get -o json` writes it (its items are
  # reviewed on several threads).
  { printf '{\n  "apiVersion": "v1",\n  "items": [\n'
    { head -n 4000 "$shared/bench-corpus/pods.jsonl"; tail -n 1 "$work/pods-ns.jsonl"; } | sed '$!s/$/,/'
    printf '  ],\n  "kind": "List"\n}\n'
  } >"$work/list.json"
  for format in "${formats[@]}"; do
    compare "4,000 pods as a List on stdin" "$work/list.json" check --format "$format" --level restricted -v
  done
fi
if [ -d "$shared/realworld/corpus" ]; then
  for format in "${formats[@]}"; do
    for flags in "${flag_sets[@]}"; do
      # shellcheck disable=SC2086
      compare "realworld corpus" "$work/empty" check --format "$format" $flags "$shared/realworld/corpus"
    done
  done
fi
if [ -d "$shared/conformance" ]; then
  for format in "${formats[@]}"; do
    compare "conformance" "$work/empty" check --format "$format" --level baseline --verbose "$shared/conformance"
  done
fi
python3 - >"$work/stream.yaml" <<'PY'
for i in range(3000):
    kind = ["Deployment", "Pod", "ConfigMap"][i % 3]
    print(f"---\napiVersion: v1\nkind: {kind}\nmetadata:\n  name: x-{i}\n  namespace: ns-{i % 4}")
    print("spec:\n  template:\n    spec:\n      containers:\n      - name: c\n        image: nginx" if kind == "Deployment" else
          "spec:\n  hostNetwork: yes\n  containers:\n  - name: c\n    securityContext: {privileged: true}" if kind == "Pod" else
          "data:\n  a: |\n    x\n    y")
    if i % 500 == 7:
        print("  bad: [unclosed")
PY
for format in "${formats[@]}"; do
  compare "generated YAML stream" "$work/stream.yaml" check --format "$format" --level restricted
  compare "generated YAML stream as a file" "$work/empty" check --format "$format" --level restricted "$work/stream.yaml"
done
fuzz=(fuzz/corpus/manifest_stream/*)
if [ -e "${fuzz[0]}" ]; then
  for format in "${formats[@]}"; do
    compare "fuzz corpus as arguments" "$work/empty" check --format "$format" --level restricted --verbose "${fuzz[@]}"
    compare "fuzz corpus as arguments" "$work/empty" check --format "$format" --level baseline --max-document-size 200 "${fuzz[@]}"
  done
  step=$(( (${#fuzz[@]} + 399) / 400 ))
  for ((i = 0; i < ${#fuzz[@]}; i += step)); do
    compare "${fuzz[$i]} on stdin" "${fuzz[$i]}" check --format jsonl --level restricted
    compare "${fuzz[$i]} on stdin" "${fuzz[$i]}" check --format text --level baseline --verbose
  done
fi
echo "the same output, errors and exit status in $runs comparisons"
