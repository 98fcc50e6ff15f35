#!/usr/bin/env bash
# The spec schema catches in the editor what the loader catches: every
# bundled and valid spec validates against `permspec schema` (and loads),
# and every spec under tests/schema/invalid/ is refused by both the schema
# and the loader. Validator: Python's `jsonschema` (4.26.0) with PyYAML
# (6.0.3), from PyPI into a cached venv when the system lacks them.
#
#   bash tests/schema/validate.sh [PATH_TO_PERMSPEC_BINARY]
#
# Prints `ok - NAME` / `not ok - NAME` per spec, then `N passed, M failed`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SCHEMA_CACHE:-$ROOT/target/schema-check}

BIN=${1:-$ROOT/target/debug/permspec}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --locked --quiet) || { echo "cargo build failed" >&2; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

PY=python3
if ! $PY -c 'import jsonschema, yaml' 2>/dev/null; then
  if [[ ! -x $CACHE/venv/bin/python ]]; then
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet jsonschema==4.26.0 PyYAML==6.0.3
  fi
  PY=$CACHE/venv/bin/python
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$BIN" schema >"$tmp/schema.json"

# The loader's verdict on one spec: "ok" when it plans (only the missing
# fixture fails), else "error".
loads() {
  local dir=$tmp/load-$RANDOM
  mkdir -p "$dir/specs" "$dir/fixtures"
  cp "$1" "$dir/specs/"
  local out
  out=$(cd "$dir" && "$BIN" check 2>&1 || true)
  if [[ $out == *'  --> '* ]]; then echo error; else echo ok; fi
}

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

schema_says() {
  "$PY" - "$tmp/schema.json" "$1" <<'PY'
import json, sys, yaml
schema = json.load(open(sys.argv[1]))
import datetime
def plain(v):  # YAML 1.1 reads 2027-01-31 as a date; the loader reads text
    if isinstance(v, (datetime.date, datetime.datetime)):
        return v.isoformat()
    if isinstance(v, dict):
        return {str(k): plain(x) for k, x in v.items()}
    if isinstance(v, list):
        return [plain(x) for x in v]
    return v
doc = plain(yaml.safe_load(open(sys.argv[2])))
v = __import__("jsonschema").Draft202012Validator(schema)
errors = list(v.iter_errors(doc))
for e in errors[:3]:
    print("   ", list(e.absolute_path), e.message[:160], file=sys.stderr)
print("invalid" if errors else "valid")
PY
}

for spec in "$ROOT"/specs/*.yaml "$ROOT"/tests/audit/specs/*.yaml "$HERE"/valid/*.yaml; do
  name=${spec#"$ROOT"/}
  s=$(schema_says "$spec") l=$(loads "$spec")
  check "valid: $name (schema $s, loader $l)" test "$s/$l" = valid/ok
done
for spec in "$HERE"/invalid/*.yaml; do
  name=${spec#"$ROOT"/}
  s=$(schema_says "$spec" 2>/dev/null) l=$(loads "$spec")
  check "invalid: $name (schema $s, loader $l)" test "$s/$l" = invalid/error
done

finish
