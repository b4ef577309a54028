#!/usr/bin/env bash
# kill -9 in the middle of a sweep, then the same command again: the result
# must equal an uninterrupted sweep's, point for point.
set -euo pipefail
negsim=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cat > "$work/design.yaml" <<'YAML'
design: grid
parameters:
  agents.hawk.strike.base: {range: [0.001, 0.05], steps: 6}
  agents.west.trust: {values: [0.2, 0.5]}
YAML
args=("$data/good/talks.yaml" --design "$work/design.yaml" --runs 20000 --threads 1 --quiet)
"$negsim" sweep "${args[@]}" --out "$work/whole"
"$negsim" sweep "${args[@]}" --out "$work/killed" &
pid=$!
# Kill it once it has stored a few points (but not all twelve).
for _ in $(seq 1 400); do
  n=$(sqlite3 "$work/killed/sweep.sqlite" 'SELECT count(*) FROM points' 2>/dev/null || echo 0)
  [ "${n:-0}" -ge 3 ] && break
  sleep 0.05
done
kill -9 "$pid" 2>/dev/null || true
wait "$pid" 2>/dev/null || true
before=$(sqlite3 "$work/killed/sweep.sqlite" 'SELECT count(*) FROM points')
echo "points stored when killed: $before of 12"
"$negsim" sweep "${args[@]}" --out "$work/killed"
cmp <(sqlite3 "$work/whole/sweep.sqlite" 'SELECT * FROM points ORDER BY point') \
    <(sqlite3 "$work/killed/sweep.sqlite" 'SELECT * FROM points ORDER BY point')
cmp "$work/whole/points.csv" "$work/killed/points.csv"
echo "resumed sweep equals the uninterrupted one"
