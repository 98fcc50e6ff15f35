#!/usr/bin/env bash
# The spec schema in an editor: what yaml-language-server (the YAML
# language server behind VS Code's, Neovim's and Helix's YAML support)
# says about our specs through the `# yaml-language-server: $schema=` line
# they carry.
#
#   (a) every `pattern` in spec.schema.json compiles as an ECMA-262 regular
#       expression (`new RegExp(p, 'u')` in Node), with no inline modifier;
#   (b) the method pattern, run as an editor runs it, takes exactly the
#       methods the loader takes (every ASCII case of GET, POST and HEAD);
#   (c) yaml-language-server 1.25.0 (npm, from tests/schema/editor's lock
#       file into target/yaml-ls), driven over LSP stdio by
#       tests/schema/editor/lsp.mjs, reports nothing on the bundled specs
#       and tests/schema/valid/, and at least one problem from the schema
#       on each spec in tests/schema/invalid/.
#
#   bash tests/schema/editor.sh [PATH_TO_PERMSPEC_BINARY]
#
# Prints `ok - NAME` / `not ok - NAME` per check, then `N passed, M failed`.
# (yaml-language-server 2.0.0 needs Node 22.13; Debian's Node is 20.)
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${YAML_LS_CACHE:-$ROOT/target/yaml-ls}
SCHEMA=$ROOT/spec.schema.json

for tool in node npm cmp; do
  command -v "$tool" >/dev/null || { echo "editor: $tool is required" >&2; exit 1; }
done
BIN=${1:-$ROOT/target/debug/permspec}
if [[ ! -x $BIN ]]; then
  (cd "$ROOT" && cargo build --locked --quiet) || { echo "cargo build failed" >&2; exit 1; }
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")

# yaml-language-server, installed from the committed lock file (npm ci
# checks every package against its integrity hash), again only when the
# lock file changes.
mkdir -p "$CACHE"
lock_sum=$(cat "$HERE/editor/package.json" "$HERE/editor/package-lock.json" | sha256sum | cut -d' ' -f1)
if [[ ! -f $CACHE/.lock.sha256 || $(cat "$CACHE/.lock.sha256") != "$lock_sum" ]]; then
  cp "$HERE/editor/package.json" "$HERE/editor/package-lock.json" "$CACHE/"
  (cd "$CACHE" && npm ci --no-audit --no-fund --silent) || { echo "npm ci (yaml-language-server) failed" >&2; exit 1; }
  echo "$lock_sum" >"$CACHE/.lock.sha256"
fi
SERVER=$CACHE/node_modules/yaml-language-server/out/server/src/server.js
echo "# yaml-language-server $(node -p "require('$CACHE/node_modules/yaml-language-server/package.json').version") on Node $(node --version)"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=../support/checks.sh
source "$ROOT/tests/support/checks.sh"

# What editors load is the committed file; it must be what this permspec
# writes (tests/docs.rs checks the same at `cargo test`).
"$BIN" schema >"$tmp/schema.json"
check "spec.schema.json is what \`permspec schema\` writes" cmp -s "$tmp/schema.json" "$SCHEMA"

# (a)
check "every pattern in spec.schema.json is an ECMA-262 regular expression" \
  node "$HERE/editor/patterns.mjs" "$SCHEMA"

# (b) The loader's verdict on one method: "ok" when the spec plans (only
# the missing fixture fails), "error" when it is a spec error.
loader_takes() {
  local dir=$tmp/method-$RANDOM$RANDOM
  mkdir -p "$dir/specs" "$dir/fixtures"
  printf 'provider: http\nbase_url: https://api.example.com\nrequest: { method: "%s", path: /me }\nprivileges: { header: x-scopes }\ntokens:\n  t: { credential: { env: T }, expect: { at_most: [a] } }\n' "$1" >"$dir/specs/m.yaml"
  local out
  out=$(cd "$dir" && "$BIN" check 2>&1 || true)
  if [[ $out == *'  --> '* ]]; then echo no; else echo yes; fi
}
cases() { # every ASCII case of a word
  local word=$1
  if [[ -z $word ]]; then echo ""; return; fi
  local rest
  while read -r rest; do
    printf '%s%s\n%s%s\n' "${word:0:1}" "$rest" "${word:0:1}" "$rest" |
      sed -e '1s/^./\L&/' -e '2s/^./\U&/'
  done < <(cases "${word:1}")
}
methods=()
for word in get post head; do
  while read -r m; do methods+=("$m"); done < <(cases "$word")
done
# Near misses: other methods, a letter more or less, white space, and
# `poſt` (U+017F LATIN SMALL LETTER LONG S, which Unicode case folding
# takes for `s`; the loader compares ASCII only).
methods+=(PUT DELETE OPTIONS GETS GE "GET " " post" "poſt" "")
disagree=()
if ! node "$HERE/editor/patterns.mjs" "$SCHEMA" --match \
  '#/$defs/RawHttpRequest/properties/method/pattern' "${methods[@]}" >"$tmp/editor-says"; then
  disagree+=("the method pattern does not compile")
fi
mapfile -t editor <"$tmp/editor-says"
for i in "${!methods[@]}"; do
  [[ ${#editor[@]} -gt 0 ]] || break
  loader=$(loader_takes "${methods[$i]}")
  [[ ${editor[$i]:-} == "$loader" ]] || disagree+=("'${methods[$i]}' (editor ${editor[$i]:-?}, loader $loader)")
done
if [[ ${#disagree[@]} -gt 0 ]]; then printf '#   %s\n' "${disagree[@]}"; fi
check "the method pattern takes what the loader takes (${#methods[@]} methods)" test ${#disagree[@]} -eq 0

# (c) Each file must name the schema, or the server would check nothing.
names_the_schema() {
  local first rel
  first=$(head -n 1 "$1")
  rel=${first#'# yaml-language-server: $schema='}
  [[ $rel != "$first" && $(realpath -m "$(dirname "$1")/$rel") == "$SCHEMA" ]]
}
clean=("$ROOT"/specs/*.yaml "$HERE"/valid/*.yaml)
dirty=("$HERE"/invalid/*.yaml)
for f in "${clean[@]}" "${dirty[@]}"; do
  names_the_schema "$f" || { echo "#   ${f#"$ROOT"/}: the first line does not name spec.schema.json"; check "${f#"$ROOT"/} names the schema" false; }
done

if ! (cd "$ROOT" && node "$HERE/editor/lsp.mjs" "$SERVER" "${clean[@]#"$ROOT"/}" "${dirty[@]#"$ROOT"/}") >"$tmp/lsp.jsonl"; then
  check "yaml-language-server answered for every file" false
  finish
fi
# One line per file: FILE, how many diagnostics, how many from the schema
# (source `yaml-schema: permspec spec file`, its title), the first one.
node -e '
  const lines = require("node:fs").readFileSync(process.argv[1], "utf8").trim().split("\n");
  for (const line of lines) {
    const { file, diagnostics: d } = JSON.parse(line);
    const schema = d.filter((x) => x.source.includes("permspec spec file")).length;
    const first = d.length ? `${d[0].line}: ${d[0].message}`.replace(/\s+/g, " ").slice(0, 160) : "";
    console.log([file, d.length, schema, first].join("\t"));
  }
' "$tmp/lsp.jsonl" >"$tmp/verdicts.tsv"
verdict() { awk -F'\t' -v f="$1" '$1 == f' "$tmp/verdicts.tsv"; }
for f in "${clean[@]#"$ROOT"/}"; do
  IFS=$'\t' read -r _ n _ first < <(verdict "$f") || n=missing
  if [[ $n != 0 && -n ${first:-} ]]; then echo "#   $first"; fi
  check "yaml-language-server: $f has no problem" test "$n" = 0
done
for f in "${dirty[@]#"$ROOT"/}"; do
  IFS=$'\t' read -r _ n schema first < <(verdict "$f") || schema=0
  check "yaml-language-server: $f is flagged by the schema (${first:-nothing})" test "${schema:-0}" -ge 1
done

finish
