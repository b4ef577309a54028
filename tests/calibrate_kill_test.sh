#!/usr/bin/env bash
# kill -9 in the middle of a calibration, then the same command again: every
# output must equal an uninterrupted calibration's.
set -euo pipefail
negsim=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/targets.yaml" <<'YAML'
negsim: 1
waves: 2
points: 24
runs: 5000
seed: 9
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  half: {outcome: breakdown, value: 0.5, tolerance: 0.1}
YAML
args=("$data/good/hazard-only.yaml" --targets "$work/targets.yaml" --threads 1 --check-runs 2000
      --quiet)
"$negsim" calibrate "${args[@]}" --out "$work/whole"
"$negsim" calibrate "${args[@]}" --out "$work/killed" &
pid=$!
# Kill it once wave 1 has stored a few points (but not all 24).
for _ in $(seq 1 600); do
  n=$(sqlite3 "$work/killed/wave-1/sweep.sqlite" 'SELECT count(*) FROM points' 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 3 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(sqlite3 "$work/killed/wave-1/sweep.sqlite" 'SELECT count(*) FROM points')
echo "points stored when killed: $before of 24 in wave 1"
[ "$before" -lt 24 ] || { echo "the calibration finished before it was killed"; exit 1; }
"$negsim" calibrate "${args[@]}" --out "$work/killed"
for f in points.csv non-implausible.csv ranges.csv targets.csv calibrated.yaml; do
  cmp "$work/whole/$f" "$work/killed/$f"
done
cmp <(sqlite3 "$work/whole/calibration.sqlite" 'SELECT * FROM points ORDER BY wave, point') \
    <(sqlite3 "$work/killed/calibration.sqlite" 'SELECT * FROM points ORDER BY wave, point')
echo "resumed calibration equals the uninterrupted one"
