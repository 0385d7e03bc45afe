#!/usr/bin/env python3
"""Extra fuzz seeds: every field the corpus holds, met once with every JSON type.

The decoders in pss-core take a separate branch for each (field, JSON type) pair: a string where a bool belongs, a
number out of range, an array where an object belongs. Random mutation reaches those pairs slowly, one byte at a
time; this writes them out directly. For a target it reads the corpus, takes the inputs with the most distinct field
paths the decoders read (every key named in the target's dictionary, `dicts/`), and for each such path (array indices
folded, so each field once) writes one variant per replacement value below.
A first selector byte (`capi`, `manifest_stream`) is kept; a `kyverno` input (policy NUL resource) has each side
varied in turn. Files are named by their SHA-1, as libFuzzer names them.

    python3 fuzz/typeswap.py kyverno /tmp/seeds/kyverno          # then pass the directory to `cargo fuzz run`

The seeds go to the fuzzer, which keeps only those that reach new coverage; they are not committed themselves.
"""

import argparse
import hashlib
import json
import os
import sys

# Raw JSON text, so that forms Python would not write itself (1e400, -0, huge integers) reach the decoder as written.
REPLACEMENTS = [
    "null", "true", "false", "0", "-1", "-0", "1.5", "1e400", "2147483648", "9223372036854775808",
    "-9223372036854775809", '""', '"x"', '"0"', '"true"', '"\\u0000"', "[]", "[null]", "{}", '{"":null}',
    # Every escape Go's %q writes (named, \x, \u, \U; printable non-ASCII kept), and a lone surrogate.
    r'"q\"\\\u0007\b\f\n\r\t\u000b\u0001\u007f\u00a0\u00ad\u0378\u2028\ufeff\ud83d\ude00\udb40\udc01\u00e9"',
    r'"\ud800x"',
]
SENTINEL = "\u0001typeswap\u0001"
PREFIXED = {"capi", "manifest_stream"}


def dictionary(path):
    """The strings a libFuzzer dictionary holds (each entry a quoted JSON string, quoted again)."""
    words = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                entry = json.loads(line[line.index('"'):])
                if entry.startswith('"') and entry.endswith('"'):
                    words.add(json.loads(entry))
    return words


def paths(value, known, prefix=()):
    """Every path in value through keys in known, with array indices as integers."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            if key in known:
                yield from paths(child, known, prefix + (key,))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, known, prefix + (i,))


def dumped(value):
    """value as compact JSON bytes, non-ASCII characters kept as they are. A string holding a lone surrogate (read
    from a \\ud800 escape) has no UTF-8 form, so such a value is written with every non-ASCII character escaped."""
    try:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:
        return json.dumps(value, separators=(",", ":")).encode()


def folded(path):
    return tuple("[]" if isinstance(p, int) else p for p in path)


def replaced(value, path):
    """A deep copy of value with the node at path set to SENTINEL."""
    if not path:
        return SENTINEL
    head, rest = path[0], path[1:]
    if isinstance(value, dict):
        return {k: (replaced(v, rest) if k == head else v) for k, v in value.items()}
    return [replaced(v, rest) if i == head else v for i, v in enumerate(value)]


def variants(document, known, seen):
    """The texts of document with each of its paths not yet in seen replaced by each replacement."""
    for path in paths(document, known):
        key = folded(path)
        if key in seen:
            continue
        seen.add(key)
        text = dumped(replaced(document, path))
        quoted = json.dumps(SENTINEL).encode()
        for raw in REPLACEMENTS:
            yield text.replace(quoted, raw.encode(), 1)


def parse(data):
    try:
        value = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("target")
    parser.add_argument("out", help="directory to write the seeds to (created)")
    parser.add_argument("--corpus", help="corpus to read (default: corpus/<target> beside this script)")
    parser.add_argument("--inputs", type=int, default=40, help="how many of the richest inputs to vary (default 40)")
    args = parser.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    corpus = args.corpus or os.path.join(here, "corpus", args.target)
    known = dictionary(os.path.join(here, "dicts", "pod.dict"))
    if args.target == "kyverno":
        known |= dictionary(os.path.join(here, "dicts", "kyverno.dict"))

    candidates = []  # (distinct paths, prefix bytes, sides)
    for name in sorted(os.listdir(corpus)):
        with open(os.path.join(corpus, name), "rb") as f:
            data = f.read()
        prefix = b""
        if args.target in PREFIXED:
            prefix, data = data[:1], data[1:]
        sides = data.split(b"\0", 1) if args.target == "kyverno" else [data]
        parsed = [parse(s) for s in sides]
        if any(p is None for p in parsed):
            continue
        richness = sum(len({folded(q) for q in paths(p, known)}) for p in parsed)
        candidates.append((richness, prefix, parsed))
    candidates.sort(key=lambda c: -c[0])

    os.makedirs(args.out, exist_ok=True)
    seen = [set(), set()]
    written = 0
    for _, prefix, parsed in candidates[: args.inputs]:
        for side, document in enumerate(parsed):
            for text in variants(document, known, seen[side]):
                parts = [dumped(p) for p in parsed]
                parts[side] = text
                data = prefix + b"\0".join(parts)
                with open(os.path.join(args.out, hashlib.sha1(data).hexdigest()), "wb") as f:
                    f.write(data)
                written += 1
    print(f"{args.target}: {written} seeds from {min(len(candidates), args.inputs)} of {len(candidates)} JSON inputs "
          f"in {corpus} -> {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
