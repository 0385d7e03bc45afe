#!/usr/bin/env python3
"""Compare pss's YAML reading with sigs.k8s.io/yaml's, document by document (see README.md).

    python3 fuzz/differential/compare.py PSS_LINES GO_LINES [--show N]

PSS_LINES is what `pss-cli`'s `yaml_to_json` example wrote, GO_LINES what `sigsyaml` wrote for the same documents
in the same order. Numbers are compared by value (Go writes 1e+21 where serde_json writes 1e21). Prints a count for
each outcome (same, both refuse, only pss refuses, only sigs.k8s.io/yaml refuses, both read but differ) and the first
N differences of each kind; exits 1 if any document is read differently by the two.
"""
import argparse
import collections
import json
import sys


def same(a, b):
    if isinstance(a, bool) or isinstance(b, bool):
        return a is b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return float(a) == float(b)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    return a == b


def lines(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f.read().split("\n") if line]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pss")
    parser.add_argument("go")
    parser.add_argument("--show", type=int, default=10, help="differences shown of each kind (default 10)")
    args = parser.parse_args()
    ours, theirs = lines(args.pss), lines(args.go)
    if len(ours) != len(theirs):
        sys.exit(f"{len(ours)} pss lines but {len(theirs)} sigs.k8s.io/yaml lines")
    counts = collections.Counter()
    shown = collections.Counter()
    for p, g in zip(ours, theirs):
        if "json" in p and "json" in g:
            kind = "same" if same(p["json"], g["json"]) else "both read, differently"
        elif "json" not in p and "json" not in g:
            kind = "both refuse"
        else:
            kind = "only pss refuses" if "json" not in p else "only sigs.k8s.io/yaml refuses"
        counts[kind] += 1
        if kind not in ("same", "both refuse") and shown[kind] < args.show:
            shown[kind] += 1
            print(f"{kind}: {p['file']} (document {p['document']}): {json.dumps(p['text'])[:200]}")
            print(f"  pss:              {json.dumps(p.get('json', p.get('error')))[:200]}")
            print(f"  sigs.k8s.io/yaml: {json.dumps(g.get('json', g.get('error')))[:200]}")
    for kind in ["same", "both refuse", "only pss refuses", "only sigs.k8s.io/yaml refuses", "both read, differently"]:
        print(f"{counts[kind]:8} {kind}")
    sys.exit(1 if counts["both read, differently"] else 0)


if __name__ == "__main__":
    main()
