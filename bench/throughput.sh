#!/usr/bin/env bash
# End-to-end throughput and memory of `negsim run` on the shipped default
# scenario: wall time for 1,000,000 runs on 1 and 2 threads (speed-up), and
# peak resident memory for 1e4 and 1e6 runs (memory must not grow with runs).
# REPS=N sets the repetitions (default 3).
#
#   bash bench/throughput.sh [path/to/negsim]     (release build)
set -euo pipefail
negsim=${1:-build/release/negsim}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

field() { python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['provenance'][sys.argv[2]])" "$1" "$2"; }

run() {  # runs threads -> prints wall seconds and peak RSS (MiB)
  "$negsim" run --runs "$1" --threads "$2" --quiet --out "$out/r$1t$2"
  printf '%s %s\n' "$(field "$out/r$1t$2/summary.json" wall_seconds)" \
    "$(field "$out/r$1t$2/summary.json" peak_rss_mib)"
}

# The machine is shared: each configuration runs REPS times (default 3),
# 1 and 2 threads interleaved, and the medians are reported with the range.
reps=${REPS:-3}
t1s=() t2s=()
for _ in $(seq "$reps"); do
  read -r t _ < <(run 1000000 1)
  t1s+=("$t")
  read -r t rss_big < <(run 1000000 2)
  t2s+=("$t")
done
read -r _ rss_small < <(run 10000 2)
python3 - "${t1s[*]}" "${t2s[*]}" "$rss_small" "$rss_big" <<'PY'
import statistics, sys
t1s, t2s = ([float(v) for v in a.split()] for a in sys.argv[1:3])
small, big = map(float, sys.argv[3:])
t1, t2 = statistics.median(t1s), statistics.median(t2s)
span = lambda ts: f"{min(ts):.2f}-{max(ts):.2f}"
print(f"1,000,000 runs, 1 thread : {t1:6.2f} s   (median of {len(t1s)}: {span(t1s)})")
print(f"1,000,000 runs, 2 threads: {t2:6.2f} s   (median of {len(t2s)}: {span(t2s)}) ({1e6 / t2:,.0f} runs/s)   speed-up {t1 / t2:.2f}x   (target <= 10 s, >= 1.9x)")
print(f"peak RSS, 1e4 runs: {small:6.1f} MiB; 1e6 runs: {big:6.1f} MiB   ratio {big / small:.3f}   (target within 10%)")
PY
