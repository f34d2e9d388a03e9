#!/bin/sh
# Two builds of crmsim_bench side by side: runs each benchmark matching
# FILTER with OLD and NEW in turn, ROUNDS times (OLD first in odd rounds,
# NEW first in even ones, so that neither always runs on a warmer or
# cooler machine), and prints each run's agent_ticks_per_s, bytes per
# customer and CPU time of the benchmark's main thread, then the median
# ratio NEW / OLD per benchmark, of the throughput and of the main thread's
# CPU time per run (OLD / NEW: above 1 is faster). On a shared machine the
# wall-clock throughput moves with the other loads; on 1 thread the CPU time
# moves much less.
#
#   bench/alternate_builds.sh OLD/crmsim_bench NEW/crmsim_bench 'BM_(Rm1|Lifecycle)/N:1000000/' 5
set -eu
old=$1 new=$2 filter=$3 rounds=${4:-5}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
run() {  # label binary round
    "$2" --benchmark_filter="$filter" --benchmark_format=csv 2>/dev/null |
        awk -F, -v label="$1" -v round="$3" 'NR == 1 { for (i = 1; i <= NF; ++i) col[$i] = i; next }
            { print label, round, $1, $col["\"agent_ticks_per_s\""], $col["\"bytes_per_customer\""], $col["cpu_time"] }' >>"$out/runs"
}
r=1
while [ "$r" -le "$rounds" ]; do
    if [ $((r % 2)) -eq 1 ]; then run old "$old" "$r"; run new "$new" "$r"; else run new "$new" "$r"; run old "$old" "$r"; fi
    r=$((r + 1))
done
cat "$out/runs"
/usr/bin/python3 - "$out/runs" <<'PY'
import collections, statistics, sys
rates = collections.defaultdict(lambda: collections.defaultdict(list))
cpu = collections.defaultdict(lambda: collections.defaultdict(list))
bytes_ = {}
for line in open(sys.argv[1]):
    label, _, name, rate, per_customer, cpu_time = line.split()
    rates[name][label].append(float(rate))
    cpu[name][label].append(float(cpu_time))
    bytes_[(name, label)] = per_customer
for name, r in rates.items():
    ratios = [n / o for n, o in zip(r["new"], r["old"])]
    cpu_ratios = [o / n for n, o in zip(cpu[name]["new"], cpu[name]["old"])]
    print(f"{name}: new/old median {statistics.median(ratios):.3f} (runs {', '.join(f'{x:.3f}' for x in ratios)}); "
          f"main thread's CPU time old/new median {statistics.median(cpu_ratios):.3f} "
          f"(runs {', '.join(f'{x:.3f}' for x in cpu_ratios)}); "
          f"old {statistics.median(r['old']):.4g}/s, new {statistics.median(r['new']):.4g}/s; "
          f"bytes/customer old {bytes_[(name, 'old')]} new {bytes_[(name, 'new')]}")
PY
