#!/usr/bin/env bash
# Interoperability suite: permspec's oauth2-introspection provider against a
# real OAuth 2.0 server (oidc-provider 8.8.1, see server.mjs), all on 127.0.0.1.
#
#   bash tests/interop/run.sh [PATH_TO_PERMSPEC_BINARY]
#
# Default binary: target/debug/permspec (built with `cargo build --locked` when
# missing). Prints one `ok - NAME` / `not ok - NAME` line per check and ends
# with `N passed, M failed`; exits non-zero when a check failed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)

die() {
  echo "interop: $*" >&2
  exit 1
}

for tool in node npm curl timeout sha256sum; do
  command -v "$tool" >/dev/null || die "$tool is required (Node 20 + npm, curl, coreutils)"
done

# --- the permspec binary (a relative path is taken from where we were started)
if [[ $# -gt 1 ]]; then
  echo "usage: bash tests/interop/run.sh [PATH_TO_PERMSPEC_BINARY]" >&2
  exit 2
fi
if [[ $# -eq 1 ]]; then
  BIN=$1
  [[ -x $BIN ]] || die "not an executable: $BIN"
else
  BIN=$ROOT/target/debug/permspec
  if [[ ! -x $BIN ]]; then
    echo "# building permspec (cargo build --locked)"
    (cd "$ROOT" && cargo build --locked) || die "cargo build --locked failed"
  fi
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# Nothing in this suite may go through a proxy: every address is 127.0.0.1.
unset http_proxy HTTP_PROXY https_proxy HTTPS_PROXY all_proxy ALL_PROXY
export NO_PROXY=127.0.0.1,localhost no_proxy=127.0.0.1,localhost

# --- oidc-provider, installed from package-lock.json
cd "$HERE"
lock_sum=$(sha256sum package.json package-lock.json | sha256sum | cut -d' ' -f1)
stamp=node_modules/.interop-lock.sha256
if [[ ! -f $stamp || $(cat "$stamp") != "$lock_sum" ]]; then
  echo "# npm ci (oidc-provider 8.8.1)"
  npm ci --no-audit --no-fund >&2 || die "npm ci failed"
  echo "$lock_sum" >"$stamp"
fi

# --- scratch space and the server, both gone on exit
TMP=$(mktemp -d "${TMPDIR:-/tmp}/permspec-interop.XXXXXX")
SERVER_PID=
cleanup() {
  if [[ -n $SERVER_PID ]]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

PORT=$(node -e '
  const s = require("node:net").createServer();
  s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });
')
BASE=http://127.0.0.1:$PORT

PORT=$PORT node server.mjs >"$TMP/server.out" 2>"$TMP/server.err" &
SERVER_PID=$!

server_logs() {
  sed 's/^/#   server: /' "$TMP/server.out" "$TMP/server.err" >&2
}

ready=
for _ in $(seq 1 200); do # 20 s at most
  if grep -qxF "ready $BASE" "$TMP/server.out" 2>/dev/null; then
    ready=1
    break
  fi
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    break
  fi
  sleep 0.1
done
if [[ -z $ready ]]; then
  server_logs
  die "oidc-provider did not print 'ready $BASE' within 20 s"
fi
echo "# oidc-provider 8.8.1 at $BASE"

# --- talking to the server directly (curl); bodies stay in $TMP, never printed
# as they are: an access token is shown as <elided>.
CURL=(curl -sS --noproxy '*' --max-time 10)

elide() {
  sed -E 's/"(access_token|token)":"[^"]*"/"\1":"<elided>"/g' "$@"
}

# json_field FILE FIELD: prints the top-level FIELD of the JSON in FILE.
json_field() {
  node -e '
    const [file, field] = process.argv.slice(1);
    const value = JSON.parse(require("node:fs").readFileSync(file, "utf8"))[field];
    if (value === undefined) process.exit(1);
    process.stdout.write(typeof value === "string" ? value : JSON.stringify(value));
  ' "$1" "$2"
}

# get_token CLIENT SECRET SCOPE: a client_credentials access token on stdout.
TOKEN_N=0
get_token() {
  local client=$1 secret=$2 scope=$3 body code token granted
  TOKEN_N=$((TOKEN_N + 1))
  body=$TMP/token-$TOKEN_N.json
  code=$("${CURL[@]}" -o "$body" -w '%{http_code}' -u "$client:$secret" \
    --data-urlencode grant_type=client_credentials --data-urlencode "scope=$scope" \
    "$BASE/token") || die "POST /token for $client: curl failed"
  [[ $code == 200 ]] || die "POST /token for $client: HTTP $code $(elide "$body")"
  token=$(json_field "$body" access_token) || die "POST /token for $client: no access_token"
  granted=$(json_field "$body" scope) || granted=
  [[ $granted == "$scope" ]] || die "POST /token for $client: asked for scope '$scope', granted '$granted'"
  # oidc-provider introspects opaque access tokens only, never JWT ones.
  [[ $token != *.* ]] || die "POST /token for $client: the access token is a JWT, not opaque"
  printf '%s' "$token"
}

REPORTING_TOKEN=$(get_token reporting-app reporting-secret 'files:read rooms:read')
UPLOADER_TOKEN=$(get_token uploader uploader-secret 'files:read files:write rooms:write')
LEAKED_TOKEN=$(get_token reporting-app reporting-secret 'files:read rooms:read')

code=$("${CURL[@]}" -o "$TMP/revocation.out" -w '%{http_code}' -u reporting-app:reporting-secret \
  --data-urlencode "token=$LEAKED_TOKEN" --data-urlencode token_type_hint=access_token \
  "$BASE/token/revocation") || die "POST /token/revocation: curl failed"
[[ $code == 200 ]] || die "POST /token/revocation: HTTP $code $(elide "$TMP/revocation.out")"

# Replaces every access token in the text on stdin with <elided>.
redact() {
  sed -e "s/$REPORTING_TOKEN/<elided>/g" -e "s/$UPLOADER_TOKEN/<elided>/g" -e "s/$LEAKED_TOKEN/<elided>/g"
}

PASSED=0
FAILED=0
ok() {
  PASSED=$((PASSED + 1))
  echo "ok - $1"
}
not_ok() {
  FAILED=$((FAILED + 1))
  echo "not ok - $1"
  shift
  local line
  for line in "$@"; do echo "#   $line"; done
}

# --- what the server itself says, so that a failure below is not the server's
# server_check NAME EXPECTED_ACTIVE EXPECTED_SCOPE TOKEN CURL_AUTH_ARGS...
server_check() {
  local name=$1 want_active=$2 want_scope=$3 token=$4 out code active scope
  shift 4
  out=$TMP/introspection-$PASSED-$FAILED.json
  code=$("${CURL[@]}" -o "$out" -w '%{http_code}' "$@" --data-urlencode "token=$token" \
    "$BASE/token/introspection") || code=curl-failed
  active=$(json_field "$out" active 2>/dev/null) || active=
  scope=$(json_field "$out" scope 2>/dev/null) || scope=
  if [[ $code == 200 && $active == "$want_active" && $scope == "$want_scope" ]]; then
    ok "server: $name"
  else
    not_ok "server: $name" "HTTP $code: $(elide "$out" 2>/dev/null | redact)"
  fi
}

server_check "introspection (client_secret_basic) of the reporting-app token" \
  true 'files:read rooms:read' "$REPORTING_TOKEN" -u introspector:introspector-secret
server_check "introspection (client_secret_post) of the uploader token" \
  true 'files:read files:write rooms:write' "$UPLOADER_TOKEN" \
  --data-urlencode client_id=introspector-post --data-urlencode client_secret=introspector-post-secret
server_check "the revoked token introspects as inactive" \
  false '' "$LEAKED_TOKEN" -u introspector:introspector-secret

"${CURL[@]}" -o "$TMP/discovery.json" "$BASE/.well-known/openid-configuration" || true
endpoint=$(json_field "$TMP/discovery.json" introspection_endpoint 2>/dev/null) || endpoint=
if [[ $endpoint == "$BASE/token/introspection" ]]; then
  ok "server: discovery lists introspection_endpoint"
else
  not_ok "server: discovery lists introspection_endpoint" "found '$endpoint'"
fi

# --- permspec, one invocation per scenario, each with its own spec folder
#
# scenario NAME EXPECTED_EXIT SPEC_YAML [TEXT...]
#   passes when permspec exits EXPECTED_EXIT, its output contains every TEXT
#   and names the case, and no access token appears in it.
SCENARIO_N=0
scenario() {
  local name=$1 want=$2 spec=$3 dir code out missing=() text tok
  shift 3
  SCENARIO_N=$((SCENARIO_N + 1))
  dir=$TMP/scenario-$SCENARIO_N
  mkdir -p "$dir/specs" "$dir/fixtures"
  printf '%s' "$spec" >"$dir/specs/interop.yaml"
  out=$dir/output
  set +e
  (
    export PERMSPEC_MODE=live
    export REPORTING_ACCESS_TOKEN=$REPORTING_TOKEN
    export UPLOADER_ACCESS_TOKEN=$UPLOADER_TOKEN
    export LEAKED_TOKEN
    export INTROSPECT_CLIENT_ID=introspector INTROSPECT_CLIENT_SECRET=introspector-secret
    export INTROSPECT_POST_CLIENT_ID=introspector-post INTROSPECT_POST_CLIENT_SECRET=introspector-post-secret
    export WRONG_CLIENT_SECRET=not-the-introspector-secret
    cd "$dir" &&
      exec timeout 60 "$BIN" check --specs "$dir/specs" --fixtures "$dir/fixtures" --color never
  ) >"$out" 2>&1 </dev/null
  code=$?
  set -e

  [[ $code == "$want" ]] || missing+=("exit status $code, expected $want")
  for text in "$@"; do
    grep -qF -- "$text" "$out" || missing+=("output lacks: $text")
  done
  for tok in "$REPORTING_TOKEN" "$UPLOADER_TOKEN" "$LEAKED_TOKEN"; do
    if grep -qF -- "$tok" "$out"; then
      missing+=("output contains an access token")
      break
    fi
  done
  if [[ ${#missing[@]} -eq 0 ]]; then
    ok "$name"
  else
    not_ok "$name" "${missing[@]}" "--- permspec output:"
    redact <"$out" | sed 's/^/#   | /'
  fi
}

# spec_for URL_LINE CLIENT_ID_VAR CLIENT_SECRET_VAR AUTH_METHOD TOKEN_NAME CREDENTIAL_VAR EXPECT
spec_for() {
  cat <<EOF
provider: oauth2-introspection
$1
client:
  id: { env: $2 }
  secret: { env: $3 }
  auth_method: $4
tokens:
  $5:
    credential: { env: $6 }
    expect: $7
EOF
}
URL="introspection_url: $BASE/token/introspection"
DISCOVERY="discovery: $BASE/.well-known/openid-configuration"
BASIC=(INTROSPECT_CLIENT_ID INTROSPECT_CLIENT_SECRET client_secret_basic)
POST=(INTROSPECT_POST_CLIENT_ID INTROSPECT_POST_CLIENT_SECRET client_secret_post)

# Must pass.
scenario "exactly the granted scopes passes" 0 \
  "$(spec_for "$URL" "${BASIC[@]}" reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app
scenario "at_most a superset of the granted scopes passes" 0 \
  "$(spec_for "$URL" "${BASIC[@]}" reporting-app REPORTING_ACCESS_TOKEN '{ at_most: [files:read, rooms:read, rooms:write] }')" \
  interop::reporting-app
scenario "a revoked token expected inactive passes" 0 \
  "$(spec_for "$URL" "${BASIC[@]}" leaked LEAKED_TOKEN '{ active: false }')" \
  interop::leaked
scenario "discovery finds the introspection endpoint" 0 \
  "$(spec_for "$DISCOVERY" "${BASIC[@]}" reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app
scenario "client_secret_post authenticates the introspecting client" 0 \
  "$(spec_for "$URL" "${POST[@]}" reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app

# Must fail, saying why.
scenario "excess scopes beyond at_most fail" 101 \
  "$(spec_for "$URL" "${BASIC[@]}" uploader UPLOADER_ACCESS_TOKEN '{ at_most: [files:read, rooms:read] }')" \
  interop::uploader files:write excess
scenario "a revoked token expected active fails" 101 \
  "$(spec_for "$URL" "${BASIC[@]}" leaked LEAKED_TOKEN '{ exactly: [files:read] }')" \
  interop::leaked "the token is not active: expired, revoked or unknown"
scenario "a wrong client secret fails with the server's error" 101 \
  "$(spec_for "$URL" INTROSPECT_CLIENT_ID WRONG_CLIENT_SECRET client_secret_basic reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app 401 invalid_client
# server.mjs holds each client to its registered method, so these two show
# that auth_method really chooses where the secret goes.
scenario "client_secret_basic for a client_secret_post client is refused" 101 \
  "$(spec_for "$URL" INTROSPECT_POST_CLIENT_ID INTROSPECT_POST_CLIENT_SECRET client_secret_basic reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app 401 invalid_client
scenario "client_secret_post for a client_secret_basic client is refused" 101 \
  "$(spec_for "$URL" INTROSPECT_CLIENT_ID INTROSPECT_CLIENT_SECRET client_secret_post reporting-app REPORTING_ACCESS_TOKEN '{ exactly: [files:read, rooms:read] }')" \
  interop::reporting-app 401 invalid_client

echo "$PASSED passed, $FAILED failed"
[[ $FAILED -eq 0 ]]
