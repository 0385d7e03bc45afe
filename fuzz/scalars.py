#!/usr/bin/env python3
"""Extra fuzz seeds for `manifest_stream`: plain YAML scalars of every class go-yaml v2's `resolve` tells apart, in
the places the CLI's YAML reading treats differently.

pss-cli spells each plain scalar as go-yaml v2 resolves it before serde-saphyr reads the document
(`pss-cli/src/go_yaml.rs`): booleans and nulls in its table's spellings only, Go's integer notations, underscores,
floats out of range, and mapping keys as sigs.k8s.io/yaml writes them (errors for null and uint64 keys). Random
mutation rarely writes `0b-1` or `1e39:`; this writes each such scalar as a value of boolean, integer and string
fields, as a mapping key, and anchored then aliased (also through a merge key), once for each YAML selector byte;
then the same with explicit tags (core, local, non-specific, verbatim, escaped) before a few of them.

    python3 fuzz/scalars.py /tmp/seeds/manifest_stream   # then pass the directory to `cargo fuzz run`

The unit tests in go_yaml.rs hold the same scalars with go-yaml v2's resolution of each.
"""

import argparse
import hashlib
import os

# oracles/src/stream.rs: the first byte modulo 3 selects JSON (0), YAML (1) or sniffing (2).
SELECTORS = [b"\x01", b"\x02"]

SCALARS = [
    # booleans and nulls: go-yaml's table, and spellings outside it
    "yes", "Y", "ON", "n", "Off", "tRuE", "yEs", "oN", "", "~", "NULL", "nULL",
    # integers in Go's notations, with underscores, at the edges of int64 and uint64
    "0755", "08", "0x1F", "0X1F", "0O17", "0o17", "0B101", "-0B1", "+0x1F", "0x_1F", "1__0", "1_", "_1", "0x", "0o",
    "0b2", "0b-1", "0b+1", "-0b-1", "-0b101", "0", "00", "-0", "+", "+0755", "1000",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "0xFFFFFFFFFFFFFFFF", "0x10000000000000000",
    "-0x8000000000000001", "18446744073709551616",
    # floats, in range and not, and what only looks like one
    ".5", "-.5", "5.", "1E3", "1_e3", "0.5_0", ".5_0", "1e-400", "1e400", "-1e400", "1.5e", ".e3", ".", "0.0.0",
    "0x1F.5", "e3", "NaN", "inf", ".Nan", ".nan", ".inf", "-.inf", "1.5", "1e6", "123456789.0", "1e39", "-2.5e-7",
    "0.00001", "-0.0", "0.0",
    # a timestamp (a string to both readers)
    "2001-12-14",
]

# Explicit tags: go-yaml v2 checks a core tag's type, keeps the text for the others (go_yaml.rs `decode_tagged`).
TAGS = ["!!str", "!!int", "!!float", "!!bool", "!!null", "!!timestamp", "!!binary", "!foo", "!",
        "!<tag:yaml.org,2002:int>", "!e%21"]
TAGGED = ["", "yes", "fAlSe", "0X50", "017", "1.5", "1e400", "~", "'0X50'", '"true"', "2001-12-14", "aGVsbG8=",
          "9223372036854775808", "-0b11"]


def documents(scalar):
    """The scalar as values, as keys, and anchored and aliased."""
    s = scalar
    yield (
        f"apiVersion: v1\nkind: Pod\nmetadata: {{name: p, annotations: {{a: {s}}}}}\nspec:\n  hostNetwork: {s}\n"
        f"  securityContext: {{runAsUser: {s}}}\n  containers:\n  - name: c\n    ports: [{{hostPort: {s}}}]\n"
    )
    yield (
        f"apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    {s}: k\nspec:\n"
        f"  containers: [{{name: c, {s}: 1, securityContext: {{privileged: {s}}}}}]\n"
    )
    yield (
        f"kind: Pod\nmetadata: {{name: p}}\nspec:\n  containers:\n  - name: c\n"
        f"    securityContext: &s {{allowPrivilegeEscalation: {s}, runAsNonRoot: &v {s}}}\n"
        f"  - name: d\n    securityContext: {{<<: *s, privileged: *v}}\n"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", help="directory to write the seeds to (created)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    count = 0
    spellings = SCALARS + [f"{tag} {scalar}".rstrip() for tag in TAGS for scalar in TAGGED]
    for scalar in spellings:
        for document in documents(scalar):
            for selector in SELECTORS:
                data = selector + document.encode()
                with open(os.path.join(args.out, hashlib.sha1(data).hexdigest()), "wb") as f:
                    f.write(data)
                count += 1
    print(f"manifest_stream: {count} seeds -> {args.out}")


if __name__ == "__main__":
    main()
