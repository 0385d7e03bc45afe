#!/usr/bin/env python3
"""Extra fuzz seeds for `manifest_stream`: JSON objects written out again in the many forms YAML has.

The corpus's YAML inputs are mostly block style with plain scalars, the form mutation starts from. The CLI's YAML
reader and its YAML-to-JSON conversion have paths that only other forms reach, and the objects they produce reach
pss-core's decoder with other values (`yes` and `0o17` read as a bool and an integer). This reads every JSON object
in the given directories (a file's text, or the text after a first selector byte), and writes each as a YAML stream
with its choices drawn from a seeded random generator:
- scalars: every spelling of null and of YAML 1.1 booleans, integers in hex, octal (`0o17`, `017`), with a sign or
  as integral floats; strings plain, single- or double-quoted, as literal and folded blocks with every chomping, or
  tagged `!!str`; now and then a value of another type than the field's, a tag that does not fit (`!!int "x"`), an
  `.inf` or `.nan`;
- collections: block and flow style, indented and unindented sequences, explicit `? ` keys, `!!map`/`!!seq` tags,
  anchors with aliases for repeated parts, merge keys (`<<`, of a mapping or a list of mappings), repeated keys;
- streams: several documents with `---` and `...`, `%YAML` and `%TAG` directives, comments, empty documents, a
  byte-order mark, CRLF line ends, a `List` around the objects.
Each seed starts with a selector byte for YAML or for sniffing. Files are named by their SHA-1, as libFuzzer names
them.

    python3 fuzz/yamlforms.py /tmp/seeds/manifest_stream fuzz/corpus/manifest_stream /tmp/cases/manifest_stream

As with the other seed scripts, the seeds go to the fuzzer, which keeps those that reach new coverage.
"""

import argparse
import hashlib
import json
import os
import random
import re

# oracles/src/stream.rs: the first byte modulo 3 selects JSON (0), YAML (1) or sniffing (2).
SELECTORS = [b"\x01", b"\x02"]

NULLS = ["null", "~", "Null", "NULL", "!!null ''", "!!null null"]
TRUES = ["true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON", "y", "Y", "!!bool true", '!!bool "true"']
FALSES = ["false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF", "n", "N", "!!bool false"]
# Values of another type than the field's, tags that do not fit, what JSON cannot hold; `|` and `>-` are block
# scalars with no lines (in flow context, where they cannot stand, `''` instead).
ODD_VALUES = [
    ".inf", "-.inf", ".nan", ".NaN", "!!int x", '!!int "12"', "!!float 1", "!!str 12", "!!binary aGk=", "!foo bar",
    "!<tag:yaml.org,2002:str> v", "0x", "0o8", "1_000", "+.5", "1e400", "-0", "0b101", "12:30:00", "2001-12-14",
    "9223372036854775808", "-9223372036854775809", "18446744073709551616", "[]", "{}", "''", '""', "[~]", "{a: }",
    "|", ">-",
]
# Characters written only as escapes in a double-quoted scalar: controls, YAML 1.1 line breaks, the byte-order mark,
# lone surrogates (from `\\ud800` in the JSON).
ESCAPED = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x85\u2028\u2029\ufeff\ud800-\udfff]")
# A plain scalar that YAML would read as something other than a string, or that would not read at all.
NOT_PLAIN = re.compile(
    r"""^$|^[\s\-?:,\[\]{}#&*!|>'"%@`<=]|[\s:]$|: | #|\t|\n|^[-+.0-9]|"""
    r"""^(~|null|true|false|yes|no|on|off|y|n|\.inf|\.nan)$|^---|^\.\.\.""",
    re.IGNORECASE,
)
FLOW_PLAIN = re.compile(r"[A-Za-z0-9_./=@+ -]*")


class Writer:
    """One YAML stream's choices: how often each unusual form is picked, and the anchors of the document."""

    def __init__(self, rng):
        self.rng = rng
        self.flow_rate = rng.choice([0.0, 0.1, 0.5, 1.0])
        self.odd_rate = rng.choice([0.0, 0.0, 0.02, 0.1])
        self.indent = rng.choice([1, 2, 2, 4])
        self.indent_seq = rng.random() < 0.5
        self.anchors = {}

    def chance(self, rate):
        return self.rng.random() < rate

    # -- scalars --------------------------------------------------------------------------------------------------

    def scalar(self, value, flow, depth):
        if self.chance(self.odd_rate):
            text = self.rng.choice(ODD_VALUES)
            return "''" if flow and text in ("|", ">-") else text
        if value is None:
            return self.rng.choice(NULLS)
        if value is True:
            return self.rng.choice(TRUES)
        if value is False:
            return self.rng.choice(FALSES)
        if isinstance(value, int):
            return self.integer(value)
        if isinstance(value, float):
            return self.rng.choice([repr(value), f"{value:e}", "!!float " + repr(value)])
        return self.string(value, flow, depth)

    def integer(self, value):
        forms = [str(value), f"{value}.0", f"{value}e0", f"!!int {value}"]
        if value >= 0:
            forms += [f"0x{value:x}", f"0X{value:X}", f"0o{value:o}", f"+{value}"]
            if value > 0:
                forms.append(f"0{value:o}")  # YAML 1.1 octal, as Kubernetes reads it
        return self.rng.choice(forms)

    def string(self, value, flow, depth):
        forms = ["double", "tagged"]
        if not ESCAPED.search(value) and "\n" not in value:
            forms.append("single")
        if not ESCAPED.search(value):
            if not NOT_PLAIN.search(value) and (not flow or FLOW_PLAIN.fullmatch(value)):
                forms += ["plain"] * 4
            lines = value.rstrip("\n").split("\n")
            if not flow and lines[0] and not lines[0][0].isspace():
                forms.append("literal")
                if all(line and not line[0].isspace() for line in lines):
                    forms.append("folded")
        form = self.rng.choice(forms)
        if form == "plain":
            return value
        if form == "single":
            return "'" + value.replace("'", "''") + "'"
        if form == "tagged":
            return "!!str " + self.double(value)
        if form in ("literal", "folded"):
            return self.block(value, form == "folded", depth)
        return self.double(value)

    def double(self, value):
        """A double-quoted scalar: JSON's escapes are all YAML escapes too."""
        return json.dumps(value, ensure_ascii=bool(ESCAPED.search(value)) or self.chance(0.2))

    def block(self, value, folded, depth):
        """A literal or folded block scalar, its lines at depth; the text ends before the last line break."""
        body = value.rstrip("\n").split("\n")
        trailing = len(value) - len(value.rstrip("\n"))
        chomp = {0: "-", 1: ""}.get(trailing, "+")
        if folded:
            # Folding joins lines with a space: a line break of the value is an empty line between two lines.
            body = [line for i, text in enumerate(body) for line in ([text] if i == 0 else ["", text])]
        pad = " " * depth
        text = (">" if folded else "|") + chomp + "".join("\n" + (pad + line if line else "") for line in body)
        # Kept line breaks beyond the first are empty lines after the body.
        return text + "\n" * max(trailing - 1, 0)

    # -- collections ----------------------------------------------------------------------------------------------

    def node(self, value, depth, flow=False):
        """value's text for a node whose lines are at depth; a block collection's text starts with a line break."""
        if not isinstance(value, (dict, list)) or not value:
            if isinstance(value, (dict, list)):
                return "{}" if isinstance(value, dict) else "[]"
            return self.scalar(value, flow, depth)
        key = json.dumps(value, sort_keys=True)
        if len(key) > 20 and key in self.anchors and self.chance(0.8):
            return "*" + self.anchors[key]
        props = []
        if len(key) > 20 and key not in self.anchors and self.chance(0.3):
            self.anchors[key] = f"a{len(self.anchors)}"
            props.append("&" + self.anchors[key])
        if self.chance(0.05):
            props.append("!!map" if isinstance(value, dict) else "!!seq")
        if flow or self.chance(self.flow_rate):
            return " ".join(props + [self.flow(value)])
        text = self.block_map(value, depth) if isinstance(value, dict) else self.block_seq(value, depth)
        return " ".join(props) + text

    def key(self, name, flow=False):
        if not ESCAPED.search(name) and not NOT_PLAIN.search(name) and (not flow or FLOW_PLAIN.fullmatch(name)):
            if self.chance(0.9):
                return name
        return self.double(name)

    def block_map(self, value, depth):
        pad = " " * depth
        items = list(value.items())
        out = []
        if len(items) > 1 and self.chance(0.05):
            # A repeated key: the last one wins, so an earlier one with another value goes first.
            k, v = self.rng.choice(items)
            items.insert(0, (k, None if v is not None else "x"))
        if len(items) > 1 and self.chance(0.05):
            # One entry from a merge key, alone or first in a list of mappings (where the earlier one wins).
            k, v = items.pop(self.rng.randrange(len(items)))
            merged = f"{{{self.key(k, True)}: {self.node(v, 0, flow=True)}}}"
            if self.chance(0.5):
                merged = f"[{merged}, {{{self.key(k, True)}: {self.node(None if v is not None else 'x', 0, flow=True)}}}]"
            out.append(f"\n{pad}<<: {merged}")
        for k, v in items:
            nested = depth + (self.indent if self.indent_seq or not isinstance(v, list) else 0)
            child = self.node(v, nested if isinstance(v, (dict, list)) else depth + self.indent)
            if "\n" not in child and self.chance(0.03):
                out.append(f"\n{pad}? {self.key(k)}\n{pad}: {child}")
                continue
            comment = "  # c" if "\n" not in child and self.chance(0.02) else ""
            sep = "" if child.startswith("\n") else " "
            out.append(f"\n{pad}{self.key(k)}:{sep}{child}{comment}")
        return "".join(out)

    def block_seq(self, value, depth):
        pad = " " * depth
        out = []
        for v in value:
            child = self.node(v, depth + 2)
            if child.startswith("\n"):
                # A block collection's first line goes on the dash's line.
                child = child[1 + depth + 2 :]
            out.append(f"\n{pad}- {child}")
        return "".join(out)

    def flow(self, value):
        comma = "," if self.chance(0.1) else ""
        if isinstance(value, dict):
            parts = [f"{self.key(k, True)}: {self.node(v, 0, flow=True)}" for k, v in value.items()]
            return "{" + ", ".join(parts) + comma + "}"
        return "[" + ", ".join(self.node(v, 0, flow=True) for v in value) + comma + "]"


def stream(rng, objects):
    """A YAML stream of the objects (or of a List holding them)."""
    writer = Writer(rng)
    if len(objects) > 1 and rng.random() < 0.2:
        objects = [{"apiVersion": "v1", "kind": "List", "items": objects}]
    parts = []
    if rng.random() < 0.1:
        parts.append("\ufeff")
    directive = rng.random() < 0.1
    if directive:
        parts.append(rng.choice(["%YAML 1.2\n", "%YAML 1.1\n", "%TAG !k! tag:k8s.io,2000:\n"]) + "---\n")
    for i, obj in enumerate(objects):
        if i or (not directive and rng.random() < 0.5):
            parts.append(rng.choice(["---\n", "--- # doc\n", "---\n# a comment\n"]))
        if rng.random() < 0.05:
            parts.append("---\n")  # an empty document before this one
        text = writer.node(obj, 0)
        parts.append(text[1:] if text.startswith("\n") else text)
        parts.append("\n")
        if rng.random() < 0.1:
            parts.append("...\n")
        writer.anchors.clear()  # aliases do not reach into the next document
    text = "".join(parts)
    return text.replace("\n", "\r\n") if rng.random() < 0.1 else text


def objects_in(directory):
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        for text in (data, data[1:]):
            try:
                value = json.loads(text.decode("utf-8"))
            except (UnicodeDecodeError, ValueError, RecursionError):
                continue
            if isinstance(value, dict):
                yield value
            break


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", help="directory to write the seeds to (created)")
    parser.add_argument("sources", nargs="+", help="directories of JSON objects (raw, or after a selector byte)")
    parser.add_argument("--seed", type=int, default=8, help="the random generator's seed (default 8)")
    parser.add_argument("--per-object", type=int, default=2, help="streams written per object (default 2)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    objects = [obj for d in args.sources for obj in objects_in(d)]
    os.makedirs(args.out, exist_ok=True)
    written = 0
    for i, obj in enumerate(objects):
        for _ in range(args.per_object):
            group = [obj] + [rng.choice(objects) for _ in range(rng.choice([0, 0, 0, 1, 2]))]
            data = rng.choice(SELECTORS) + stream(rng, group).encode()
            with open(os.path.join(args.out, hashlib.sha1(data).hexdigest()), "wb") as f:
                f.write(data)
            written += 1
    print(f"manifest_stream: {written} YAML streams from {len(objects)} JSON objects -> {args.out}")


if __name__ == "__main__":
    main()
