#!/usr/bin/env bash
# mpirun -np 2 negsim sweep ... must give, point for point, what one process gives.
set -euo pipefail
negsim=$1 data=$2 mpirun=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1  # CI machines run as root
args=("$data/good/talks.yaml" --design "$data/good/lhs-design.yaml" --runs 2000 --threads 1 --quiet)
"$negsim" sweep "${args[@]}" --out "$work/one"
"$mpirun" -np 2 --oversubscribe "$negsim" sweep "${args[@]}" --out "$work/mpi"
ls "$work/mpi"
cmp <(sqlite3 "$work/one/sweep.sqlite" 'SELECT * FROM points ORDER BY point') \
    <(sqlite3 "$work/mpi/sweep.sqlite" 'SELECT * FROM points ORDER BY point')
cmp "$work/one/points.csv" "$work/mpi/points.csv"
echo "2 MPI ranks equal one process"
