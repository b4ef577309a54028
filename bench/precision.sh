#!/usr/bin/env bash
# Time to an answer: `negsim run --precision 0.005` on the shipped default
# scenario (every outcome's 95% interval within +-0.5 points), on 2 threads:
# the runs it needed, the engine's wall time (summary.json's wall_seconds)
# and the whole command's, report and classic models' section included.
#
#   bash bench/precision.sh [path/to/negsim] [PRECISION]     (release build)
set -euo pipefail
cd "$(dirname "$0")/.."
negsim=${1:-build/release/negsim}
precision=${2:-0.005}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
start=$EPOCHREALTIME
"$negsim" run scenarios/muscat-2025.yaml --precision "$precision" --threads 2 --quiet --out "$out/r"
end=$EPOCHREALTIME
python3 - "$out/r/summary.json" "$start" "$end" "$precision" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
p = j["provenance"]
total = float(sys.argv[3]) - float(sys.argv[2])
widest = max((o["hi"] - o["lo"]) / 2 for o in j["outcomes"].values())
print(f"--precision {sys.argv[4]}: {p['runs']:,} runs, engine {p['wall_seconds']:.2f} s, "
      f"command {total:.2f} s (2 threads); widest half-width {widest:.4f}; "
      f"reached: {p['stopping']['precision_reached']}")
PY
