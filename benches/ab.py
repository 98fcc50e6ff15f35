#!/usr/bin/env python3
"""A/B of permspec builds on one noisy machine: runs them alternately.

    BENCH_ONLY=generate BENCH_DIR=/tmp/permspec-profile/trees cargo bench --bench throughput
    python3 benches/ab.py CASES /path/to/permspec-a /path/to/permspec-b [...]

CASES is 100, 1000, 10000 or 100000 (a tree the generator writes under
$BENCH_DIR, default /tmp/permspec-profile/trees). Each round runs every
binary once, in alternating order, `check` on that tree, stdout to a
file; RUNS rounds (default 30). Prints per binary: the median and the
mean of the fastest quarter of wall time and of CPU (user + system), and
the peak RSS. Alternating matters on a guest whose speed drifts by 1.5x
within minutes: two builds measured one after the other see different
machines (BENCHMARKS.md, "2026-12-07 (third session)").
"""
import os
import statistics
import subprocess
import sys
import time

cases, bins = sys.argv[1], sys.argv[2:]
if not bins:
    sys.exit(__doc__)
runs = int(os.environ.get("RUNS", "30"))
trees = os.environ.get("BENCH_DIR", "/tmp/permspec-profile/trees")
fixtures = "fixtures" if cases == "10000" else f"fixtures-{cases}"
args = ["check", "--specs", f"{trees}/replay-{cases}/specs", "--fixtures", f"{trees}/{fixtures}"]
seen = {b: [] for b in bins}
with open(os.devnull, "w") as null, open(f"{trees}/ab-stdout.txt", "w") as out:
    for r in range(runs):
        for b in bins if r % 2 == 0 else bins[::-1]:
            start = time.perf_counter()
            child = subprocess.Popen([b, *args], stdout=out, stderr=null)
            _, status, usage = os.wait4(child.pid, 0)
            if status != 0:
                sys.exit(f"{b} exited with status {status >> 8}")
            seen[b].append((time.perf_counter() - start, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1000))
for b in bins:
    wall = sorted(x[0] for x in seen[b])
    cpu = sorted(x[1] for x in seen[b])
    q = max(1, len(wall) // 4)
    print(
        f"{b}: wall median {statistics.median(wall) * 1000:.1f} ms, fastest quarter "
        f"{statistics.mean(wall[:q]) * 1000:.1f} ms | CPU median {statistics.median(cpu) * 1000:.1f} ms, "
        f"fastest quarter {statistics.mean(cpu[:q]) * 1000:.1f} ms | peak RSS {max(x[2] for x in seen[b]):.1f} MB"
    )
