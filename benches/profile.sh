#!/usr/bin/env bash
# Where a replay run's instructions go, with callgrind: planning (spec
# parsing), fetching (fixture reading), comparing and printing.
# See BENCHMARKS.md, "Where the time goes".
#
#   bash benches/profile.sh [CASES]        # CASES: 100, 1000 (default) or 10000
#
# Steps: generate the benchmark's trees (the same generator as `cargo bench
# --bench throughput`), build the release binary with line tables for
# permspec itself only (same optimisations; dependencies untouched), run it
# under callgrind, and print the inclusive cost of the pipeline's top-level
# functions. Everything goes to $BENCH_PROFILE_DIR (default
# /tmp/permspec-profile); nothing in the repository is written.
set -euo pipefail
cd "$(dirname "$0")/.."

cases=${1:-1000}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target}
out=${BENCH_PROFILE_DIR:-/tmp/permspec-profile}
mkdir -p "$out"

echo "== generating the trees in $out/trees"
BENCH_ONLY=generate BENCH_DIR="$out/trees" cargo bench --quiet --bench throughput >/dev/null

echo "== building permspec (release, line tables for permspec only)"
cargo build --quiet --release --bin permspec \
  --config 'profile.release.package.permspec.debug="line-tables-only"'
cp "$CARGO_TARGET_DIR/release/permspec" "$out/permspec-prof"

# Each tree has its own fixtures (the 10k tree's are `fixtures`).
fixtures="$out/trees/fixtures-$cases"
[ "$cases" = 10000 ] && fixtures="$out/trees/fixtures"
echo "== callgrind: permspec check on $cases replay cases"
valgrind --tool=callgrind --callgrind-out-file="$out/replay-$cases.callgrind" \
  "$out/permspec-prof" check \
  --specs "$out/trees/replay-$cases/specs" --fixtures "$fixtures" \
  >"$out/stdout.txt" 2>"$out/valgrind.txt"
grep "test result" "$out/stdout.txt"
callgrind_annotate --inclusive=yes "$out/replay-$cases.callgrind" >"$out/inclusive.txt" 2>/dev/null

# callgrind_annotate lists a function once per source file its code came
# from (inlined parts), plus once with the binary in brackets when it is a
# symbol of its own; which of them exist depends on the compiler's inlining.
# The function's whole inclusive cost is the largest of its lines.
awk -v cases="$cases" '
  function ir(s) { gsub(",", "", s); return s + 0 }
  function commas(n,   s) {
    s = sprintf("%d", n)
    while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s)
    return s
  }
  BEGIN {
    nk = split("permspec::plan::load permspec::plan::load::{{closure}} permspec::spec::parse permspec::plan::token::plan_token " \
      "permspec::evidence::replay permspec::fixture::read permspec::provider::Provider::parse " \
      "permspec::compare::compare permspec::report::render_failure permspec::privilege::overlap " \
      "libtest_mimic::run libtest_mimic::printer::Printer::print_test", key, " ")
  }
  /PROGRAM TOTALS/ { total = ir($1) }
  /^ *[0-9,]+ \( *[0-9.]+%\)/ {
    line = $0; sub(/ \[[^]]*\]$/, "", line)
    for (k = 1; k <= nk; k++) {
      f = ":" key[k]
      if (length(line) > length(f) && substr(line, length(line) - length(f) + 1) == f && ir($1) > cost[key[k]])
        cost[key[k]] = ir($1)
    }
  }
  function show(label, c) {
    printf "%-46s %13s %6.1f%% %9.0f\n", label, commas(c), 100 * c / total, c / cases
  }
  function row(label, f) { show(label, cost[f] + 0) }
  END {
    # plan::load may be inlined into its per-file closure: take the larger.
    if (cost["permspec::plan::load::{{closure}}"] > cost["permspec::plan::load"])
      cost["permspec::plan::load"] = cost["permspec::plan::load::{{closure}}"]
    printf "%-46s %13s %7s %9s\n", "inclusive cost (callgrind Ir)", "instructions", "share", "per case"
    show("whole process", total)
    row("planning: plan::load", "permspec::plan::load")
    row("  spec::parse (fast reader, else serde-saphyr)", "permspec::spec::parse")
    row("  plan::token::plan_token", "permspec::plan::token::plan_token")
    row("fetching: evidence::replay", "permspec::evidence::replay")
    row("  fixture::read (serde_json)", "permspec::fixture::read")
    row("  provider::Provider::parse", "permspec::provider::Provider::parse")
    row("comparing: compare::compare", "permspec::compare::compare")
    # libtest_mimic::run, on the main thread, receives each outcome and
    # prints it; the trials themselves run on worker threads (run_single).
    p = cost["libtest_mimic::run"] + 0
    show("printing: libtest_mimic::run (main thread)", p)
    row("  Printer::print_test", "libtest_mimic::printer::Printer::print_test")
    row("report::render_failure (failing cases only)", "permspec::report::render_failure")
    row("privilege::overlap (in plan_token + compare)", "permspec::privilege::overlap")
    show("other: start-up, thread pool, drops", total - cost["permspec::plan::load"] \
      - cost["permspec::evidence::replay"] - cost["permspec::compare::compare"] - p \
      - cost["permspec::report::render_failure"])
  }' "$out/inclusive.txt"
echo "(full listing: $out/inclusive.txt; open $out/replay-$cases.callgrind in kcachegrind for the call graph)"

# The kernel's share, which callgrind does not see: user and system CPU time
# of a normal run, and the system calls behind it.
echo
echo "== user and system CPU of one run (no valgrind), then its system calls"
run() { "$out/permspec-prof" check --specs "$out/trees/replay-$cases/specs" --fixtures "$fixtures" >/dev/null; }
run # warm the page cache
if [ -x /usr/bin/time ]; then
  /usr/bin/time -f "wall %e s, user %U s, system %S s, max RSS %M KB" \
    "$out/permspec-prof" check --specs "$out/trees/replay-$cases/specs" --fixtures "$fixtures" >/dev/null
fi
if command -v strace >/dev/null 2>&1; then
  strace -f -c -o "$out/strace.txt" \
    "$out/permspec-prof" check --specs "$out/trees/replay-$cases/specs" --fixtures "$fixtures" >/dev/null
  head -n 12 "$out/strace.txt"
else
  echo "(strace not installed: apt-get install strace for the system-call counts)"
fi
