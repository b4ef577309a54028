#!/usr/bin/env bash
# A calibration sharded over processes that share its directory gives the
# outputs of one process, whether the shards run side by side (waiting for
# each other at every wave) or one after another (exit 75, then again).
set -euo pipefail
negsim=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/targets.yaml" <<'YAML'
negsim: 1
waves: 3
points: 20
runs: 1000
seed: 4
parameters:
  agents.s.strike.base: {range: [0.001, 0.2]}
targets:
  half: {outcome: breakdown, value: 0.5, tolerance: 0.1}
YAML
args=("$data/good/hazard-only.yaml" --targets "$work/targets.yaml" --threads 1 --check-runs 1000
      --quiet)
"$negsim" calibrate "${args[@]}" --out "$work/one"

# Side by side: each waits for the other at every wave.
"$negsim" calibrate "${args[@]}" --out "$work/two" --shard 1/2 --wait 600 &
pid=$!
"$negsim" calibrate "${args[@]}" --out "$work/two" --shard 0/2 --wait 600
wait "$pid"
for f in points.csv non-implausible.csv ranges.csv targets.csv calibrated.yaml; do
  cmp "$work/one/$f" "$work/two/$f"
done
echo "two shards side by side equal one process"

# One after another, without waiting: 75 until the other shard catches up.
code=0
"$negsim" calibrate "${args[@]}" --out "$work/seq" --shard 0/2 2> "$work/err" || code=$?
[ "$code" -eq 75 ] || { echo "expected exit 75, got $code"; cat "$work/err"; exit 1; }
grep -q "wave 1 is done here; waiting for .*shard-1-of-2.sqlite" "$work/err" || { cat "$work/err"; exit 1; }
for _ in 1 2 3 4 5 6; do
  for s in 1 0; do
    "$negsim" calibrate "${args[@]}" --out "$work/seq" --shard "$s/2" 2> /dev/null || true
  done
done
for f in points.csv non-implausible.csv ranges.csv targets.csv calibrated.yaml; do
  cmp "$work/one/$f" "$work/seq/$f"
done
echo "two shards one after another equal one process"
