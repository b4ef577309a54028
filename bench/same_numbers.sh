#!/usr/bin/env bash
# Speed must not change a digit: runs every shipped scenario (and the
# history library's cases) with two negsim binaries and compares their
# runs.csv byte for byte (every run's outcome, round, drawn parameters and
# deal terms at full precision) at 1 and 2 threads.
#
#   bash bench/same_numbers.sh REFERENCE_NEGSIM [NEGSIM] [RUNS]
#
# Exit 0 when every file is identical; 1 naming the first that differs.
set -euo pipefail
cd "$(dirname "$0")/.."
ref=${1:?usage: same_numbers.sh REFERENCE_NEGSIM [NEGSIM] [RUNS]}
new=${2:-build/release/negsim}
runs=${3:-3000}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
status=0
for s in scenarios/*.yaml scenarios/history/*.yaml; do
  case $s in *.observed.yaml | *.targets.yaml) continue ;; esac
  for t in 1 2; do
    "$ref" run "$s" --runs "$runs" --threads "$t" --runs-csv --quiet --out "$work/a" >/dev/null
    "$new" run "$s" --runs "$runs" --threads "$t" --runs-csv --quiet --out "$work/b" >/dev/null
    if cmp -s "$work/a/runs.csv" "$work/b/runs.csv"; then
      echo "same       $s ($runs runs, $t threads)"
    else
      echo "DIFFERENT  $s ($runs runs, $t threads): $(cmp "$work/a/runs.csv" "$work/b/runs.csv" | head -1)"
      status=1
    fi
  done
done
exit $status
