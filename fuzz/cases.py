#!/usr/bin/env python3
"""Extra fuzz seeds from the property tests' generated cases (`pss-testgen`), for the pod and object targets.

pss-testgen's strategies build pods and workloads that set every field the checks read, in combinations the
conformance fixtures do not have (several containers of each kind, pod- and container-level settings together,
controllers of every kind with annotations on both levels). This turns its JSON lines into seeds:
- `object_json`: each case's object;
- `pod_json`: each case's pod (a controller's template as a Pod);
- `capi`, `manifest_stream`: each object after a first selector byte, taking every value in turn.
Files are named by their SHA-1, as libFuzzer names them.

    cargo run -q -p pss-testgen -- --seed 7 --cases 3000 > /tmp/cases.jsonl
    python3 fuzz/cases.py /tmp/cases.jsonl /tmp/seeds     # writes /tmp/seeds/<target>/; pass the one of a target
                                                          # after its corpus to `cargo fuzz run`

Like the other seed scripts', the seeds go to the fuzzer, which keeps those that reach new coverage.
"""

import argparse
import hashlib
import json
import os

# How many values the first byte selects among (oracles/src/stream.rs: JSON, YAML, sniffed); the capi
# target reads every bit of it.
SELECTORS = {"capi": 256, "manifest_stream": 3}


def at(value, path):
    """The value at a dotted path (`spec.jobTemplate.spec.template`), or None."""
    for key in path.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def as_pod(case):
    """The case's pod: the object itself for a Pod, else its template as a Pod."""
    if case["kind"] == "Pod":
        return case["object"]
    template = at(case["object"], case["templatePath"])
    if not isinstance(template, dict):
        return None
    pod = {"apiVersion": "v1", "kind": "Pod"}
    pod.update({k: template[k] for k in ("metadata", "spec") if k in template})
    return pod


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("cases", help="pss-testgen's output: one JSON case per line")
    parser.add_argument("out", help="directory to write <target>/ seed directories into (created)")
    args = parser.parse_args()
    written = {}
    with open(args.cases, encoding="utf-8") as f:
        for i, line in enumerate(f):
            case = json.loads(line)
            text = json.dumps(case["object"], separators=(",", ":")).encode()
            inputs = {"object_json": text}
            pod = as_pod(case)
            if pod is not None:
                inputs["pod_json"] = json.dumps(pod, separators=(",", ":")).encode()
            for target, choices in SELECTORS.items():
                inputs[target] = bytes([i % choices]) + text
            for target, data in inputs.items():
                directory = os.path.join(args.out, target)
                os.makedirs(directory, exist_ok=True)
                with open(os.path.join(directory, hashlib.sha1(data).hexdigest()), "wb") as seed:
                    seed.write(data)
                written[target] = written.get(target, 0) + 1
    for target, count in sorted(written.items()):
        print(f"{target}: {count} seeds -> {os.path.join(args.out, target)}")


if __name__ == "__main__":
    main()
