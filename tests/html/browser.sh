#!/usr/bin/env bash
# The HTML audit in a real browser: headless Chromium (Debian's `chromium`,
# installed with apt-get when missing) loads each page from disk, and the
# DOM it builds is checked: the rows and statuses, that hostile privilege
# names stay text (no element, no script of theirs runs), that nothing is
# fetched from the network, that no column header (a long privilege name)
# is painted over another table, header or heading, and that 1,000 tokens
# are ready in under 2 s.
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

# --- long names, many columns: no header is painted over another table
# Two providers (two tables), 60 columns each, names of 150 to 300
# characters with and without separators. Each header's painted box (its
# cell and the text in it) is compared with every table but its own, every
# other header, and the headings and paragraphs around the tables.
python3 - "$tmp/long" <<'PY'
import json, os, sys
root = sys.argv[1]
for d in ("specs", "fixtures/api", "fixtures/jwt"):
    os.makedirs(f"{root}/{d}", exist_ok=True)
names = [("segment" + str(i) + ":") * 20 + "read" for i in range(40)]
names += ["https://www.googleapis.com/auth/" + "a" * 140 + str(i) for i in range(10)]
names += ["n" * 300 + str(i) for i in range(10)]
request = {"method": "GET", "url": "https://api.example.com/me", "credential": "bearer from env T"}
spec = ["provider: http", "base_url: https://api.example.com", "request: { path: /me }",
        "privileges: { json: /scopes }", "tokens:"]
for t in range(4):
    spec += [f"  t{t}:", "    credential: { env: T }",
             f"    expect: {{ at_most: [{json.dumps(names[0])}], forbidden: [{json.dumps(names[1])}] }}"]
    json.dump({"recorded_at": "2027-02-01T00:00:00Z", "provider": "http", "request": request,
               "response": {"status": 200, "body": {"scopes": names[2:]}}},
              open(f"{root}/fixtures/api/t{t}.json", "w"))
open(f"{root}/specs/api.yaml", "w").write("\n".join(spec) + "\n")
request = {"method": "DECODE", "url": "(none: the token is decoded offline)",
           "credential": "token from env J, decoded offline"}
spec = ["provider: jwt", "tokens:"]
for t in range(4):
    spec += [f"  t{t}:", "    credential: { env: J }", f"    expect: {{ at_least: [{json.dumps(names[-1])}] }}"]
    body = {"claims": {"scope": names[:-1], "exp": 1895425247}, "header": {"alg": "RS256"}}
    json.dump({"recorded_at": "2027-02-01T00:00:00Z", "provider": "jwt", "request": request,
               "response": {"status": 200, "body": body}}, open(f"{root}/fixtures/jwt/t{t}.json", "w"))
open(f"{root}/specs/jwt.yaml", "w").write("\n".join(spec) + "\n")
PY
(cd "$tmp/long" && PERMSPEC_NOW=2027-02-15T00:00:00Z "$BIN" audit --format html --out page.html 2>/dev/null)
# The page measures itself: a script added at the end of a copy writes
# the boxes into the DOM that Chromium dumps.
python3 - "$tmp/long/page.html" "$tmp/long/measured.html" <<'PY'
import sys
page = open(sys.argv[1]).read()
measure = """<script>(function () {
  function at(r) { return [r.left + scrollX, r.top + scrollY, r.right + scrollX, r.bottom + scrollY]; }
  var boxes = {tables: [], headers: [], around: []};
  document.querySelectorAll('table').forEach(function (t, i) {
    boxes.tables.push(at(t.getBoundingClientRect()));
    t.querySelectorAll('thead th').forEach(function (th) {
      var text = document.createRange(); text.selectNodeContents(th);
      boxes.headers.push({table: i, name: th.textContent.slice(0, 40),
                          cell: at(th.getBoundingClientRect()), text: at(text.getBoundingClientRect())});
    });
  });
  document.querySelectorAll('h1, h2, p').forEach(function (e) {
    boxes.around.push({tag: e.tagName, box: at(e.getBoundingClientRect())});
  });
  var pre = document.createElement('pre'); pre.id = 'boxes';
  pre.textContent = JSON.stringify(boxes); document.body.appendChild(pre);
})();</script>"""
open(sys.argv[2], "w").write(page.replace("</body>", measure + "</body>"))
PY
browse --window-size=1400,900 --dump-dom "file://$tmp/long/measured.html" >"$tmp/long.dom"
check "long names: no header is painted over another table, header or heading" python3 - "$tmp/long.dom" <<'PY'
import html, json, re, sys
dom = open(sys.argv[1]).read()
found = re.search(r'<pre id="boxes">(.*?)</pre>', dom, re.S)
if not found:
    print("# the page did not measure itself")
    sys.exit(1)
b = json.loads(html.unescape(found.group(1)))
def union(p, q): return [min(p[0], q[0]), min(p[1], q[1]), max(p[2], q[2]), max(p[3], q[3])]
def overlap(p, q, slack=1.0):  # collapsed borders are shared: 1px of slack
    return p[0] < q[2] - slack and q[0] < p[2] - slack and p[1] < q[3] - slack and q[1] < p[3] - slack
headers = b["headers"]
painted = [union(h["cell"], h["text"]) for h in headers]
bad = []
for i, h in enumerate(headers):
    for j, t in enumerate(b["tables"]):
        if j != h["table"] and overlap(painted[i], t):
            bad.append(f"header {h['name']!r} over table {j}")
    for j in range(i + 1, len(headers)):
        if overlap(painted[i], painted[j]):
            bad.append(f"header {h['name']!r} over header {headers[j]['name']!r}")
    for a in b["around"]:
        if overlap(painted[i], a["box"]):
            bad.append(f"header {h['name']!r} over a {a['tag']}")
    if min(painted[i][:2]) < 0:
        bad.append(f"header {h['name']!r} above or left of the page")
kinds = {k: sum(k in line for line in bad) for k in ("over table", "over header", "over a", "of the page")}
print(f"# {len(headers)} headers in {len(b['tables'])} tables, {len(bad)} overlaps:",
      ", ".join(f"{n} {k}" for k, n in kinds.items()))
for kind in kinds:
    for line in [line for line in bad if kind in line][:2]:
        print("#", line)
# Not vacuous: two tables, every column's header measured.
sys.exit(0 if not bad and len(b["tables"]) == 2 and len(headers) >= 2 * 60 else 1)
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
