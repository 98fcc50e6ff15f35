#!/usr/bin/env bash
# A repository that uses permspec, generated and tried as a new user would
# (issue 15): a crate with permspec as a dev-dependency, the bundled specs
# and fixtures, and the README's tests/permissions.rs.
#
#   bash scripts/consumer.sh check     # behaviour (CI runs this)
#   bash scripts/consumer.sh measure   # cold build cost, both feature sets
#
# check: the replay-only consumer (`default-features = false`) compiles no
# HTTP client, TLS, async runtime, CLI parser or schema generator (by
# `cargo tree`), replays every bundled case, fails every case with one
# clear line when asked for live mode, and with the consumer's own
# `live = ["permspec/live"]` feature (`cargo test --features live`) asks a
# loopback server for real and passes.
#
# measure: for each feature set, a cold `cargo test --no-run` in a fresh
# target dir (dependencies downloaded beforehand, so only compiling is
# timed): crates compiled, seconds, target size. The targets (issue 15,
# 2 cores): replay-only at most 50 crates and 35 s. The crate count is
# checked; the time is printed beside its target (it depends on the load).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
what=${1:-check}
work=${CONSUMER_DIR:-$repo/target/consumer}
source "$repo/tests/support/checks.sh"

# The consumer crate: `features` is what its permspec dependency gets.
generate() { # DIR DEPENDENCY-OPTIONS
  local dir=$1 dep=$2
  rm -rf "$dir"
  mkdir -p "$dir/tests" "$dir/live-specs"
  cat >"$dir/Cargo.toml" <<EOF
[package]
name = "consumer"
version = "0.1.0"
edition = "2024"
publish = false

[dev-dependencies]
permspec = { path = "$repo"$dep }

# The scheduled live job runs \`cargo test --features live\`; the
# commands run, without installing, as an example:
# \`cargo run --example permspec --features cli -- audit\`.
[features]
live = ["permspec/live"]
cli = ["permspec/cli"]

[[example]]
name = "permspec"
required-features = ["cli"]

[[test]]
name = "permissions"
harness = false

[workspace]
EOF
  cat >"$dir/tests/permissions.rs" <<'EOF'
fn main() -> std::process::ExitCode {
    permspec::Harness::from_env().run()
}
EOF
  mkdir -p "$dir/examples"
  cat >"$dir/examples/permspec.rs" <<'EOF'
fn main() -> std::process::ExitCode {
    permspec::cli::main()
}
EOF
  cp -r "$repo/specs" "$repo/fixtures" "$dir/"
  # The versions this repository tested with; cargo drops what the
  # consumer does not use.
  cp "$repo/Cargo.lock" "$dir/Cargo.lock"
  mkdir -p "$dir/src"
  : >"$dir/src/lib.rs"
}

# The crates a feature set compiles (normal and dev edges, no build deps
# of build deps counted twice), from cargo's own resolution.
crates() { # DIR [CARGO-ARGS...]
  local dir=$1
  shift
  (cd "$dir" && cargo tree --offline -e normal,dev --prefix none --no-dedupe "$@" 2>/dev/null) |
    sed 's/ (\*)$//; s/ (proc-macro)$//' | sort -u
}

case $what in
check)
  # The repository's own target folder: the consumer builds the same
  # dependencies at the same versions (its lock file is ours), so CI
  # compiles them once. `measure` keeps a cold one.
  export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}
  dir=$work/replay
  generate "$dir" ", default-features = false"
  (cd "$dir" && cargo fetch --quiet)

  tree=$(crates "$dir")
  heavy=$(grep -E '^(reqwest|hyper|rustls|tokio|clap|schemars|h2|ring|aws-lc-rs|aws-lc-sys) ' <<<"$tree" | grep -v '^clap' || true)
  # libtest-mimic parses its arguments with clap: that one is the test
  # harness's, not ours (no `cli` feature is needed for it).
  check "replay-only: no HTTP client, TLS, async runtime or schema generator" test -z "$heavy"
  parents=$(cd "$dir" && cargo tree --offline -e normal,dev -i clap --depth 1 --prefix none 2>/dev/null |
    tail -n +2 | sed 's/ (.*//' | sort -u)
  check "replay-only: clap only through libtest-mimic ($(echo $parents))" \
    test "$(echo $parents)" = "libtest-mimic v0.8.2"
  count=$(grep -c . <<<"$tree")
  echo "replay-only consumer: $count crates in its dependency tree (target: <= 50)"
  check "replay-only: at most 50 crates" test "$count" -le 50

  out=$(cd "$dir" && cargo test --quiet 2>&1) && status=0 || status=$?
  check "replay: every bundled case passes" test "$status" -eq 0
  check "replay: the 21 bundled cases ran" grep -q "21 passed" <<<"$out"

  out=$(cd "$dir" && PERMSPEC_MODE=live cargo test --quiet 2>&1) && status=0 || status=$?
  check "live without the feature: the run fails" test "$status" -ne 0
  check "live without the feature: one line says so" \
    grep -q "permspec: live mode: built without the \`live\` feature; all 21 selected case(s) fail" <<<"$out"
  check "live without the feature: each case says how to enable it" \
    test "$(grep -c 'cargo test --features live' <<<"$out")" -ge 21
  check "live without the feature: no case passes (none replayed)" grep -q " 0 passed; 21 failed" <<<"$out"

  # The consumer's own `live` feature, against a loopback server that
  # answers as DocSpace's GET /api/2.0/keys/@self does.
  port_file=$(mktemp)
  python3 - "$port_file" <<'EOF' &
import http.server, json, sys
body = json.dumps({"count": 1, "response": {
    "id": "7a2d3e4f-1b2c-4d6e-9f0a-1b2c3d4e5f60", "name": "consumer",
    "isActive": True, "expiresAt": None, "key": "sk-***c0de", "keyPostfix": "c0de",
    "createOn": "2026-10-01T12:00:00.0000000Z", "permissions": ["files:read"]},
    "status": 0, "statusCode": 200}).encode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        ok = self.path == "/api/2.0/keys/@self" and \
            self.headers.get("Authorization") == "Bearer sk-consumer-canary-c0de"
        self.send_response(200 if ok else 401)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(body if ok else b"")
    def log_message(self, *a): pass
s = http.server.HTTPServer(("127.0.0.1", 0), H)
open(sys.argv[1], "w").write(str(s.server_port))
s.serve_forever()
EOF
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  for _ in $(seq 50); do [ -s "$port_file" ] && break; sleep 0.1; done
  port=$(cat "$port_file")
  cat >"$dir/live-specs/loopback.yaml" <<EOF
provider: docspace
base_url: http://127.0.0.1:$port
tokens:
  consumer:
    credential: { env: CONSUMER_KEY }
    expect:
      exactly: [files:read]
EOF
  out=$(cd "$dir" && PERMSPEC_MODE=live PERMSPEC_SPECS=live-specs CONSUMER_KEY=sk-consumer-canary-c0de \
    cargo test --quiet --features live 2>&1) && status=0 || status=$?
  check "live with --features live: asks the loopback server and passes" test "$status" -eq 0
  check "live with --features live: one request was made" grep -q "permspec live: 1 request for 1 case" <<<"$out"
  check "live with --features live: the credential is not shown" bash -c "! grep -q sk-consumer-canary <<<\"\$0\"" "$out"

  # The commands without installing the binary: the consumer's example.
  out=$(cd "$dir" && cargo run --quiet --example permspec --features cli -- check 2>&1) && status=0 || status=$?
  check "cargo run --example permspec --features cli -- check: passes" test "$status" -eq 0
  check "... and replays the 21 bundled cases" grep -q "21 passed" <<<"$out"
  out=$(cd "$dir" && cargo run --quiet --example permspec --features cli -- audit --format json 2>/dev/null) && status=0 || status=$?
  check "cargo run --example permspec --features cli -- audit: a JSON audit" \
    python3 -c 'import json,sys; json.loads(sys.argv[1])["schema"]' "$out"

  # The commands a failure prints work when pasted, in this layout
  # (issue 39): the loopback token now expects more than it holds.
  sed -i 's/exactly: \[files:read\]/exactly: [files:read, files:write]/' "$dir/live-specs/loopback.yaml"
  export PERMSPEC_SPECS=live-specs CONSUMER_KEY=sk-consumer-canary-c0de
  # The line after "WORDS:" in a failure: the command to paste.
  printed() { # WORDS OUTPUT
    awk -v w="$1" 'found { sub(/^ +/, ""); print; exit } index($0, w) { found = 1 }' <<<"$2"
  }
  # Runs a printed command as pasted, in the consumer crate.
  paste() { (cd "$dir" && eval "$1" 2>&1); }
  out=$(cd "$dir" && PERMSPEC_MODE=live cargo test --quiet --features live 2>&1) && status=0 || status=$?
  check "live: the changed expectation fails" test "$status" -ne 0
  cmd=$(printed "run it again:" "$out")
  echo "# printed: $cmd"
  check "live: the printed command names the live feature" grep -q -- "--features live" <<<"$cmd"
  again=$(paste "$cmd") || true
  check "live: the printed command runs that one case, live" \
    grep -q "permspec live: 1 request for 1 case" <<<"$again"
  check "live: ... and it fails the same way" grep -q "1 failed" <<<"$again"

  # Replay of a recorded fixture that the spec no longer matches: the
  # printed record command records it again from the loopback server.
  sed -i 's/exactly: \[files:read, files:write\]/exactly: [files:read]/' "$dir/live-specs/loopback.yaml"
  out=$(cd "$dir" && PERMSPEC_MODE=record cargo test --quiet --features live 2>&1) && status=0 || status=$?
  check "record: the loopback fixture is written" test -f "$dir/fixtures/loopback/consumer.json"
  sed -i 's/exactly: \[files:read\]/exactly: [files:read, files:write]/' "$dir/live-specs/loopback.yaml"
  out=$(cd "$dir" && cargo test --quiet 2>&1) && status=0 || status=$?
  check "replay-only: the changed expectation fails" test "$status" -ne 0
  cmd=$(printed "record it again:" "$out")
  echo "# printed: $cmd"
  again=$(paste "$cmd") || true
  check "replay-only: the printed record command asks the API (live feature on)" \
    grep -q "permspec record: 1 request for 1 case" <<<"$again"
  # The same through the commands (the consumer's example).
  out=$(cd "$dir" && cargo run --quiet --example permspec --features cli -- check 2>&1) && status=0 || status=$?
  check "example check: the changed expectation fails" test "$status" -ne 0
  cmd=$(printed "record it again:" "$out")
  echo "# printed: $cmd"
  check "example check: the printed command runs the example" \
    grep -q -- "--example permspec --features cli,live -- record" <<<"$cmd"
  again=$(paste "$cmd") || true
  check "example check: the printed record command asks the API" \
    grep -q "permspec record: 1 request for 1 case" <<<"$again"
  unset PERMSPEC_SPECS CONSUMER_KEY
  kill $server 2>/dev/null || true
  finish
  ;;
measure)
  printf '%-12s %8s %8s %10s\n' "features" "crates" "seconds" "target"
  for set in replay full; do
    dir=$work/$set
    case $set in
    replay) generate "$dir" ", default-features = false" ;;
    full) generate "$dir" "" ;;
    esac
    (cd "$dir" && cargo fetch --quiet)
    start=$(date +%s.%N)
    log=$(cd "$dir" && CARGO_TARGET_DIR="$dir/target" cargo test --no-run 2>&1)
    end=$(date +%s.%N)
    compiled=$(grep -c '^ *Compiling ' <<<"$log")
    size=$(du -sh "$dir/target" | cut -f1)
    printf '%-12s %8s %8.1f %10s\n' "$set" "$compiled" "$(echo "$end - $start" | bc)" "$size"
    if [ "$set" = replay ] && [ "$compiled" -gt 50 ]; then
      echo "replay-only compiled $compiled crates: over the target of 50" >&2
      exit 1
    fi
  done
  ;;
*)
  echo "usage: $0 check|measure" >&2
  exit 2
  ;;
esac
