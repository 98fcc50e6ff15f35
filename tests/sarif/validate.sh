#!/usr/bin/env bash
# Validates permspec's SARIF logs against the official SARIF 2.1.0 JSON
# schema (sarif-2.1.0-rtm.5.json, as shipped in the npm package
# @microsoft/jest-sarif 1.0.0-beta.0, pinned by its sha256), with the
# Python `jsonschema` validator (4.26.0, in a cached venv when the system
# has none), and checks GitHub's limits (25,000 results a run, 10 MB
# gzipped).
#
#   bash tests/sarif/validate.sh [PATH_TO_PERMSPEC_BINARY]
#
# Prints `ok - NAME` / `not ok - NAME` per check, then `N passed, M failed`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${SARIF_CACHE:-$ROOT/target/sarif-schema}
PACKAGE=@microsoft/jest-sarif@1.0.0-beta.0
SCHEMA_SHA256=2d99159ae54a3eea97f81781cff48780548657c35949f4b7f25e99a2ba4de4f8

die() {
  echo "sarif: $*" >&2
  exit 1
}

BIN=${1:-$ROOT/target/debug/permspec}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --locked --quiet) || die "cargo build --locked failed"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# --- the official schema, from the registry, checked against its hash
mkdir -p "$CACHE"
SCHEMA=$CACHE/sarif-2.1.0-rtm.5.json
if [[ ! -f $SCHEMA ]] || ! echo "$SCHEMA_SHA256  $SCHEMA" | sha256sum --check --status; then
  command -v npm >/dev/null || die "npm is needed to fetch $PACKAGE"
  work=$(mktemp -d)
  (cd "$work" && npm pack "$PACKAGE" --silent >/dev/null 2>&1 && tar xzf ./*.tgz) ||
    die "npm pack $PACKAGE failed"
  cp "$work/package/lib/schemas/sarif-2.1.0-rtm.5.json" "$SCHEMA"
  rm -rf "$work"
  echo "$SCHEMA_SHA256  $SCHEMA" | sha256sum --check --status ||
    die "the schema in $PACKAGE is not the one pinned here"
fi

# --- a JSON Schema validator
PY=python3
if ! $PY -c 'import jsonschema' 2>/dev/null; then
  if [[ ! -x $CACHE/venv/bin/python ]]; then
    python3 -m venv "$CACHE/venv" || die "python3 -m venv failed"
    "$CACHE/venv/bin/pip" install --quiet jsonschema==4.26.0 || die "pip install jsonschema failed"
  fi
  PY=$CACHE/venv/bin/python
fi

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

validate() { # LOG [EXPECT_INVALID]
  "$PY" - "$SCHEMA" "$1" "${2:-}" <<'PY'
import gzip, json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
log = json.load(open(sys.argv[2]))
errors = list(jsonschema.validators.validator_for(schema)(schema).iter_errors(log))
for e in errors[:5]:
    print("   ", list(e.absolute_path), e.message[:200], file=sys.stderr)
if sys.argv[3] == "invalid":
    sys.exit(0 if errors else 1)
results = sum(len(run.get("results", [])) for run in log["runs"])
size = len(gzip.compress(open(sys.argv[2], "rb").read()))
ok = not errors and len(log["runs"]) <= 20 and results <= 25000 and size <= 10 * 1024 * 1024
# Every result names a rule the driver lists, and points into a file.
rules = {r["id"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
for r in log["runs"][0]["results"]:
    ok = ok and r["ruleId"] in rules and "permspecFinding/v1" in r["partialFingerprints"]
    for loc in r.get("locations", []):
        region = loc["physicalLocation"]["region"]
        ok = ok and region["startLine"] >= 1 and region["endColumn"] > region["startColumn"]
        ok = ok and not loc["physicalLocation"]["artifactLocation"]["uri"].startswith("/")
sys.exit(0 if ok else 1)
PY
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$ROOT"

# Findings of every kind the audit fixtures hold (forbidden, excess,
# high-severity, expired exception, expiry, missing evidence).
PERMSPEC_TODAY=2027-02-15 "$BIN" check --specs tests/audit/specs --fixtures tests/audit/fixtures \
  --format sarif --out "$tmp/audit.sarif" >/dev/null || true
check "audit specs: a valid SARIF 2.1.0 log within GitHub's limits" validate "$tmp/audit.sarif"

# The bundled examples, which pass.
"$BIN" check --format sarif --out "$tmp/bundled.sarif" >/dev/null
check "bundled specs: a valid log" validate "$tmp/bundled.sarif"

# Specs that do not load: each a spec error, located.
"$BIN" check --specs tests/ui/specs --fixtures tests/ui/fixtures --format sarif \
  --out "$tmp/ui.sarif" >/dev/null 2>&1 || true
check "broken specs: a valid log" validate "$tmp/ui.sarif"

# The validator does reject what the schema forbids (a negative control).
"$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); d["version"]="2.0"; d["runs"][0]["results"][0]["level"]="fatal"; json.dump(d,open(sys.argv[2],"w"))' \
  "$tmp/audit.sarif" "$tmp/broken.sarif"
check "a doctored log is rejected" validate "$tmp/broken.sarif" invalid

finish
