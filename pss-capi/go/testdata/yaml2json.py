#!/usr/bin/env python3
"""Converts upstream fixture pods from YAML to JSON for the Go conformance test.

Usage: yaml2json.py UPSTREAM_DIR OUT_DIR < ids
Each line of stdin is a path under UPSTREAM_DIR (such as baseline/v1.0/fail/privileged0.yaml); the JSON goes to
OUT_DIR/<path>.json. Needs PyYAML (pip install pyyaml).
"""
import json
import os
import sys

import yaml

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def main():
    src, out = sys.argv[1], sys.argv[2]
    done = set()
    for line in sys.stdin:
        rel = line.strip()
        if not rel or rel in done:
            continue
        done.add(rel)
        with open(os.path.join(src, rel), "rb") as f:
            doc = yaml.load(f, Loader=Loader)
        dest = os.path.join(out, rel + ".json")
        os.makedirs(os.path.dirname(dest), exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            json.dump(doc, f, default=str)
    print(f"yaml2json: {len(done)} fixtures", file=sys.stderr)


if __name__ == "__main__":
    main()
