#!/usr/bin/env bash
# A 100-point sweep (10 x 10 grid) at 10,000 runs per point, against the
# same 100 points run as 100 separate `negsim run` calls.
#
#   bash bench/sweep.sh [path/to/negsim]     (release build)
set -euo pipefail
cd "$(dirname "$0")/.."
negsim=${1:-build/release/negsim}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/grid.yaml" <<'YAML'
design: grid
parameters:
  agents.israel.strike.base: {range: [0.002, 0.05], steps: 10}
  agents.iran.concession: {range: [0.02, 0.2], steps: 10}
YAML
start=$EPOCHREALTIME
"$negsim" sweep scenarios/muscat-2025.yaml --design "$work/grid.yaml" --runs 10000 --quiet --out "$work/sweep"
sweep=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$EPOCHREALTIME" "$start")
python3 - <<'PY' > "$work/points.txt"
import sys
for i in range(10):
    for j in range(10):
        a = 0.002 + (0.05 - 0.002) * i / 9
        b = 0.02 + (0.2 - 0.02) * j / 9
        print(repr(a), repr(b))
PY
start=$EPOCHREALTIME
i=0
while read -r a b; do
  i=$((i + 1))
  "$negsim" run scenarios/muscat-2025.yaml --runs 10000 --quiet --out "$work/run$i" \
    --set "agents.israel.strike.base=$a" --set "agents.iran.concession=$b"
done < "$work/points.txt"
separate=$(python3 -c "import sys; print(float(sys.argv[1]) - float(sys.argv[2]))" "$EPOCHREALTIME" "$start")
# Their engines' time, added up after the clock has stopped.
engine=$(python3 -c "import glob, json, sys; print(sum(json.load(open(f))['provenance']['wall_seconds'] for f in glob.glob(sys.argv[1] + '/run*/summary.json')))" "$work")
# A separate run also loads the scenario and writes its report (the classic
# models' section included); its engine time (summary.json's wall_seconds)
# is the fair measure of the simulation itself.
python3 - "$sweep" "$separate" "$engine" <<'PY'
import sys
s, r, e = map(float, sys.argv[1:])
runs = 100 * 10_000
print(f"100-point sweep, 10,000 runs per point: {s:.1f} s ({s / runs * 1e6:.1f} us a run, all included)")
print(f"100 separate negsim run calls: {r:.1f} s whole, {e:.1f} s in their engines ({e / runs * 1e6:.1f} us a run)")
print(f"ratio sweep / separate engines {s / e:.2f}   (target <= 1: a sweep no slower per run)")
PY
