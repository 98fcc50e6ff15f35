#!/usr/bin/env bash
# The GitHub Action (action.yml at the root), run as the runner would
# (tests/action/composite.py), for each outcome a workflow may see: every
# case passes, a case fails (with and without fail-on-case-failure), the
# build fails, there is no cargo, permspec cannot run; and its inputs
# reach permspec. (tests/actionlint/run.sh checks its structure.)
#
#   bash tests/action/run.sh [PATH_TO_PERMSPEC_BINARY]
#
# `cargo install` is a stub on the PATH that copies the given binary into
# place (a release build would take minutes) and records its arguments;
# everything else is the action's own steps with the real permspec over
# copies of the bundled specs and fixtures. Python with PyYAML (6.0.3 from
# PyPI into a cached venv when the system lacks it). KEEP=1 keeps the
# scratch folder (each run's JSON result and log).
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${ACTION_TEST_CACHE:-$ROOT/target/action-test}

BIN=${1:-$ROOT/target/debug/permspec}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --locked --quiet) || { echo "cargo build failed" >&2; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

PY=python3
if ! $PY -c 'import yaml' 2>/dev/null; then
  if [[ ! -x $CACHE/venv/bin/python ]]; then
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet PyYAML==6.0.3
  fi
  PY=$CACHE/venv/bin/python
fi

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"
tmp=$(mktemp -d)
trap '[[ -n ${KEEP:-} ]] || rm -rf "$tmp"' EXIT

# The stub: `cargo --version`, and `cargo install ... --root DIR ...`
# putting $BIN at DIR/bin/permspec, or failing as a compile error does
# (status 101, the same status as a failed case) when STUB_BUILD=fail.
mkdir -p "$tmp/stub"
cat >"$tmp/stub/cargo" <<'EOF'
#!/usr/bin/env bash
case $1 in
--version) echo "cargo 0.0.0 (stub)" ;;
install)
  echo "$*" >"$STUB_LOG"
  if [[ ${STUB_BUILD:-} == fail ]]; then
    echo "error[E0425]: cannot find value \`x\` in this scope (stub)" >&2
    exit 101
  fi
  while [[ $# -gt 0 ]]; do
    if [[ $1 == --root ]]; then root=$2; fi
    shift
  done
  mkdir -p "$root/bin" && cp "$STUB_BIN" "$root/bin/permspec"
  ;;
*) echo "stub cargo: $*" >&2; exit 1 ;;
esac
EOF
chmod +x "$tmp/stub/cargo"
export STUB_BIN=$BIN STUB_LOG=$tmp/cargo-args

# A workspace with the bundled specs and fixtures under sub/.
workspace() {
  local ws=$tmp/ws-$1
  mkdir -p "$ws/sub"
  cp -r "$ROOT/specs" "$ROOT/fixtures" "$ws/sub/"
  echo "$ws"
}
# run_action NAME [PATH] [INPUT=VALUE...]: the result's JSON in $tmp/NAME.json
run_action() {
  local name=$1 path=$2 ws
  shift 2
  ws=$(workspace "$name")
  PATH=$path "$PY" "$HERE/composite.py" run "$ROOT/action.yml" "$ws" working-directory=sub "$@" \
    >"$tmp/$name.json" 2>"$tmp/$name.log" || true
  echo "$ws"
}
# field NAME EXPR: a value of the result, by a Python expression over `r`
# (a tuple prints as Python writes it: ('passed', '0')).
field() { "$PY" -c "import json,sys; r=json.load(open(sys.argv[1])); v=($2); print(repr(v) if isinstance(v, tuple) else v)" "$tmp/$1.json"; }
says() { grep -qF -- "$2" "$tmp/$1.log"; }
WITH_CARGO=$tmp/stub:$PATH

# Every case passes.
ws=$(run_action pass "$WITH_CARGO")
check "passing: no step fails" test "$(field pass 'r["failed"]')" = None
check "passing: outcome passed, exit-code 0" test "$(field pass 'r["outputs"]["outcome"], r["outputs"]["exit-code"]')" = "('passed', '0')"
check "passing: cargo install --locked from the action's own folder" \
  grep -qE "^install --locked --path $ROOT --root [^ ]+ --bin permspec\$" "$STUB_LOG"
check "passing: the reports' paths from the workspace root" \
  test "$(field pass 'r["outputs"]["junit"], r["outputs"]["sarif"]')" = "('sub/permspec-junit.xml', 'sub/permspec.sarif')"
check "passing: the JUnit report has every bundled case" \
  test "$(grep -c '<testcase ' "$ws/sub/permspec-junit.xml")" -eq "$("$BIN" check --list --specs "$ROOT/specs" --fixtures "$ROOT/fixtures" | grep -c ': test$')"
check "passing: the SARIF log is SARIF 2.1.0" \
  "$PY" -c 'import json,sys; assert json.load(open(sys.argv[1]))["version"] == "2.1.0"' "$ws/sub/permspec.sarif"

# The default working-directory, ".": the reports' paths as written.
mkdir -p "$tmp/ws-root" && cp -r "$ROOT/specs" "$ROOT/fixtures" "$tmp/ws-root/"
PATH=$WITH_CARGO "$PY" "$HERE/composite.py" run "$ROOT/action.yml" "$tmp/ws-root" \
  >"$tmp/root.json" 2>"$tmp/root.log" || true
check "working-directory \".\": outcome passed, the reports' paths as written" \
  test "$(field root 'r["outputs"]["outcome"], r["outputs"]["junit"], r["outputs"]["sarif"]')" = "('passed', 'permspec-junit.xml', 'permspec.sarif')"

# A case fails: break-glass holds "*", its spec now says at most "*:read".
ws=$(workspace drift)
sed -i 's/exactly: \["\*"\]/exactly: ["*:read"]/' "$ws/sub/specs/docspace.yaml"
grep -qF 'exactly: ["*:read"]' "$ws/sub/specs/docspace.yaml" || { echo "the drift edit did not apply" >&2; exit 1; }
PATH=$WITH_CARGO "$PY" "$HERE/composite.py" run "$ROOT/action.yml" "$ws" working-directory=sub \
  >"$tmp/drift.json" 2>"$tmp/drift.log" || true
check "a failed case: the check step fails with 101" test "$(field drift 'r["failed"], r["status"]')" = "('permspec: check', 101)"
check "a failed case: outcome failed, exit-code 101" test "$(field drift 'r["outputs"]["outcome"], r["outputs"]["exit-code"]')" = "('failed', '101')"
check "a failed case: the reports are written" test -s "$ws/sub/permspec-junit.xml" -a -s "$ws/sub/permspec.sarif"
check "a failed case: the annotation names it" says drift "::error title=permspec: a case failed::"

# The same with fail-on-case-failure: "false": the step passes, the outcome says it.
cp -r "$ws" "$tmp/ws-drift-go-on"
PATH=$WITH_CARGO "$PY" "$HERE/composite.py" run "$ROOT/action.yml" "$tmp/ws-drift-go-on" working-directory=sub \
  fail-on-case-failure=false >"$tmp/drift-go-on.json" 2>"$tmp/drift-go-on.log" || true
check "fail-on-case-failure false: no step fails, outcome failed" \
  test "$(field drift-go-on 'r["failed"], r["outputs"]["outcome"]')" = "(None, 'failed')"

# The build fails (cargo's status for a compile error is 101 too).
ws=$(STUB_BUILD=fail run_action build "$WITH_CARGO")
check "a build failure: the build step fails, the check never runs" \
  test "$(field build 'r["failed"], r["ran"]')" = "('permspec: build', ['permspec: setup', 'permspec: build'])"
check "a build failure: no outcome, so never a failed check" test "$(field build 'r["outputs"]["outcome"]')" = ""
check "a build failure: the annotation says it is not a result" says build "::error title=permspec build failed::"
check "a build failure: no report is written" test ! -e "$ws/sub/permspec-junit.xml" -a ! -e "$ws/sub/permspec.sarif"

# No cargo at all.
run_action setup "/usr/bin:/bin" >/dev/null
check "no cargo: the setup step fails, nothing else runs" test "$(field setup 'r["failed"], r["ran"]')" = "('permspec: setup', ['permspec: setup'])"
check "no cargo: no outcome" test "$(field setup 'r["outputs"]["outcome"]')" = ""

# permspec cannot run: a usage error.
run_action usage "$WITH_CARGO" "args=--no-such-flag" >/dev/null
check "a usage error: outcome error, exit-code 2, the check step fails" \
  test "$(field usage 'r["outputs"]["outcome"], r["outputs"]["exit-code"], r["failed"]')" = "('error', '2', 'permspec: check')"
check "a usage error: the annotation says it is not a result" says usage "::error title=permspec could not run::"

# args reach permspec, split on white space; no report when asked for none.
ws=$(run_action filter "$WITH_CARGO" "args=--exact docspace::auditor" sarif=)
check "args: one case selected, outcome passed" test "$(field filter 'r["outputs"]["outcome"]')" = passed
check "args: the JUnit report has that case alone" test "$(grep -c '<testcase ' "$ws/sub/permspec-junit.xml")" -eq 1
check "sarif \"\": no SARIF log, no output" test "$(field filter 'r["outputs"]["sarif"]')" = "" -a ! -e "$ws/sub/permspec.sarif"

finish
