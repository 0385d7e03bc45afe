"""Validates pss's report files against the official schemas (see scripts/setup-report-schemas.sh).

    python validate.py SCHEMAS_DIR sarif FILE...   # SARIF 2.1.0 JSON schema (draft-04), formats checked
    python validate.py SCHEMAS_DIR junit FILE...   # junit-10.xsd (XML Schema 1.0)

Prints one line per file and exits 1 when any file is invalid.
"""

import json
import os
import sys


def main() -> int:
    schemas, kind, files = sys.argv[1], sys.argv[2], sys.argv[3:]
    failed = 0
    if kind == "sarif":
        import jsonschema

        with open(os.path.join(schemas, "sarif-schema-2.1.0.json"), encoding="utf-8") as f:
            schema = json.load(f)
        jsonschema.Draft4Validator.check_schema(schema)
        validator = jsonschema.Draft4Validator(schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER)
        for path in files:
            with open(path, encoding="utf-8") as f:
                log = json.load(f)
            errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
            for error in errors[:20]:
                print(f"{path}: {'/'.join(map(str, error.absolute_path))}: {error.message}")
            failed += bool(errors)
            print(f"{path}: {'invalid' if errors else 'valid'} SARIF 2.1.0")
    elif kind == "junit":
        import xmlschema

        schema = xmlschema.XMLSchema10(os.path.join(schemas, "junit-10.xsd"))
        for path in files:
            errors = list(schema.iter_errors(path))
            for error in errors[:20]:
                print(f"{path}: {error.path}: {error.reason}")
            failed += bool(errors)
            print(f"{path}: {'invalid' if errors else 'valid'} JUnit XML (junit-10.xsd)")
    else:
        print(f"unknown kind {kind!r}")
        return 2
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
