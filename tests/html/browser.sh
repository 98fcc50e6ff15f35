#!/usr/bin/env bash
# The HTML audit in a real browser: headless Chromium (Debian's `chromium`,
# installed with apt-get when missing) loads each page from disk, and the
# DOM it builds is checked: the rows and statuses, that hostile privilege
# names stay text (no element, no script of theirs runs), that nothing is
# fetched from the network, and that 1,000 tokens are ready in under 2 s.
# A screenshot of the audit fixtures' page is kept in target/html/.
#
#   bash tests/html/browser.sh [PATH_TO_PERMSPEC_BINARY]
#
# Prints `ok - NAME` / `not ok - NAME` per check, then `N passed, M failed`.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
OUT=$ROOT/target/html

BIN=${1:-$ROOT/target/debug/permspec}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --locked --quiet) || { echo "cargo build failed" >&2; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [[ -z $CHROMIUM ]]; then
  echo "# installing Debian's chromium"
  apt-get update -qq && apt-get install -y -qq chromium >/dev/null
  CHROMIUM=$(command -v chromium)
fi
browse() { # URL ARGS... (no network: a proxy that does not exist)
  timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run \
    --proxy-server=127.0.0.1:9 --proxy-bypass-list='<-loopback>' "$@" 2>/dev/null
}

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$OUT"
cd "$ROOT"

# --- the audit fixtures: rows, statuses, a screenshot
PERMSPEC_TODAY=2027-02-15 PERMSPEC_NOW=2027-02-15T00:00:00Z "$BIN" audit --specs tests/audit/specs \
  --fixtures tests/audit/fixtures --format html --out "$tmp/audit.html" 2>/dev/null
browse --dump-dom "file://$tmp/audit.html" >"$tmp/audit.dom"
check "six token rows, each with its status" python3 - "$tmp/audit.dom" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
rows = re.findall(r'<tr class="token" data-status="(\w+)"[^>]*><th scope="row">([^<]*)</th>', dom)
want = {"keys::ci-uploader": "pass", "keys::break-glass": "pass", "keys::drifted": "fail",
        "keys::migration": "fail", "keys::never-recorded": "error", "people::owner": "fail"}
ok = dict((n, s) for s, n in rows) == want
ok = ok and 'class="cell forbidden high"' in dom and "data-ready=" in dom
sys.exit(0 if ok else 1)
PY
browse --window-size=1400,900 --screenshot="$OUT/audit.png" "file://$tmp/audit.html" >/dev/null
check "a screenshot of the page (target/html/audit.png)" test -s "$OUT/audit.png"

# --- hostile names: text in the page, never markup
mkdir -p "$tmp/hostile/specs" "$tmp/hostile/fixtures/api"
cat >"$tmp/hostile/specs/api.yaml" <<'YAML'
provider: http
base_url: https://api.example.com
request: { path: /me }
privileges: { json: /scopes }
tokens:
  app:
    description: "<img src=x onerror=document.title='pwned'>"
    credential: { env: T }
    expect: { at_most: [read] }
  forged:
    credential: { env: T }
    expect: { at_most: [read] }
YAML
# Names a page could show (they become columns) ...
cat >"$tmp/hostile/fixtures/api/app.json" <<'JSON'
{"recorded_at": "2027-02-01T00:00:00Z", "provider": "http",
 "request": {"method": "GET", "url": "https://api.example.com/me", "credential": "bearer from env T"},
 "response": {"status": 200, "body": {"scopes": ["<script>document.title='pwned'</script>",
   "\"><img src=x onerror=alert(1)>", "a'b\"c&d", "bidi\u202etxt"]}}}
JSON
# ... and names no API writes, which fail their case: the error quotes them.
cat >"$tmp/hostile/fixtures/api/forged.json" <<'JSON'
{"recorded_at": "2027-02-01T00:00:00Z", "provider": "http",
 "request": {"method": "GET", "url": "https://api.example.com/me", "credential": "bearer from env T"},
 "response": {"status": 200, "body": {"scopes": ["files:read\n<b>forged</b>"]}}}
JSON
(cd "$tmp/hostile" && PERMSPEC_NOW=2027-02-15T00:00:00Z "$BIN" audit --format html --out page.html 2>/dev/null)
browse --dump-dom "file://$tmp/hostile/page.html" >"$tmp/hostile.dom"
check "hostile names stay text: no element or script of theirs" python3 - "$tmp/hostile.dom" <<'PY'
import sys
dom = open(sys.argv[1]).read()
ok = "<title>permspec audit</title>" in dom          # no script renamed the page
ok = ok and "<img" not in dom and "<b>" not in dom    # no element from a name
ok = ok and dom.count("<script>") == 1                # only the page's own
ok = ok and "&lt;script&gt;" in dom and "\u202e" not in dom
ok = ok and 'data-status="fail"' in dom and "forged&lt;/b&gt;" in dom  # both shown
ok = ok and "bidi\\u{202e}txt" in dom                # escaped, not dropped
sys.exit(0 if ok else 1)
PY
check "self-contained: no address to fetch anything from" python3 - "$tmp/hostile/page.html" <<'PY'
import re, sys
page = open(sys.argv[1]).read()
sys.exit(1 if re.search(r'(src|href)\s*=\s*"(https?:|//)|<link|@import|url\(', page) else 0)
PY

# --- 1,000 tokens: ready in under 2 s
python3 - "$tmp/big" <<'PY'
import json, os, sys
root = sys.argv[1]
os.makedirs(f"{root}/specs", exist_ok=True)
os.makedirs(f"{root}/fixtures/keys", exist_ok=True)
perms = ["files:read", "files:write", "rooms:read", "rooms:write", "accounts:read", "*:read"]
lines = ["provider: docspace", "base_url: https://portal.example.com", "tokens:"]
for i in range(1000):
    lines += [f"  t{i}:", f"    credential: {{ env: K{i} }}",
              f"    expect: {{ at_most: [files:read, rooms:read], forbidden: [\"accounts:write\"] }}"]
    granted = [perms[i % 6], perms[(i * 7 + 1) % 6]]
    fixture = {"recorded_at": "2027-02-01T00:00:00Z", "provider": "docspace",
               "request": {"method": "GET", "url": "https://portal.example.com/api/2.0/keys/@self",
                           "credential": f"bearer from env K{i}"},
               "response": {"status": 200, "body": {"response": {"id": f"id-{i}", "permissions": granted,
                            "isActive": True}, "status": 0, "statusCode": 200}}}
    json.dump(fixture, open(f"{root}/fixtures/keys/t{i}.json", "w"))
open(f"{root}/specs/keys.yaml", "w").write("\n".join(lines) + "\n")
PY
(cd "$tmp/big" && PERMSPEC_NOW=2027-02-15T00:00:00Z "$BIN" audit --format html --out page.html 2>/dev/null)
start=$(date +%s%N)
browse --dump-dom "file://$tmp/big/page.html" >"$tmp/big.dom"
elapsed=$((($(date +%s%N) - start) / 1000000))
ready=$(grep -o 'data-ready="[0-9]*"' "$tmp/big.dom" | grep -o '[0-9]*' || echo 99999)
rows=$(grep -o 'class="token"' "$tmp/big.dom" | wc -l)
echo "# 1,000 tokens: $rows rows, ready ${ready} ms after navigation (browser process ${elapsed} ms)"
check "1,000 tokens: every row, ready in under 2 s" test "$rows" -eq 1000 -a "$ready" -lt 2000

finish
