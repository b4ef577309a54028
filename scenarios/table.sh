#!/usr/bin/env bash
# Produces the outcome table of scenarios/README.md: every shipped scenario,
# 100,000 runs, the default scenario's seed (20250426), 95% Wilson intervals.
#
#   bash scenarios/table.sh [path/to/negsim] > table.md
set -euo pipefail
cd "$(dirname "$0")/.."
negsim=${1:-build/release/negsim}
runs=${RUNS:-100000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
scenarios=(muscat-2025 israel-strike snapback congress unrest maximalist no-mediator jcpoa-2015 ultimatum)
for s in "${scenarios[@]}"; do
  "$negsim" run "scenarios/$s.yaml" --runs "$runs" --seed 20250426 --quiet --out "$out/$s"
done
python3 - "$out" "${scenarios[@]}" <<'PY'
import json, sys
out, names = sys.argv[1], sys.argv[2:]
def cell(o):
    return f"{100*o['p']:.1f} [{100*o['lo']:.1f}, {100*o['hi']:.1f}]"
print("| scenario | full deal | interim deal | breakdown | (strike / snapback / walk-out / deadline / reneged) | no agreement | median relief in full deals |")
print("|---|---:|---:|---:|---:|---:|---:|")
for n in names:
    j = json.load(open(f"{out}/{n}/summary.json"))
    o, c = j["outcomes"], j["breakdown_causes"]
    causes = " / ".join(f"{100*c[k]['p']:.1f}" for k in ("strike", "snapback", "walkout", "deadline", "reneged"))
    relief = j["terms"]["full_deal"]["sanctions"]["q50"]
    relief = "-" if relief is None else f"{relief:.0f}%"
    print(f"| `{n}` | {cell(o['full_deal'])} | {cell(o['interim_deal'])} | {cell(o['breakdown'])} | {causes} | {cell(o['no_agreement'])} | {relief} |")
print()
print("| scenario | full deal, directly | through an interim deal | (weeks between, median) | interim deal holding | interim deal broken |")
print("|---|---:|---:|---:|---:|---:|")
for n in names:
    d = json.load(open(f"{out}/{n}/summary.json"))["deal_paths"]
    between = d["full_via_interim"]["rounds_between"]["q50"]
    between = "-" if between is None else str(between)
    print(f"| `{n}` | {cell(d['full_direct'])} | {cell(d['full_via_interim'])} | {between} | {cell(d['interim_held'])} | {cell(d['interim_broken'])} |")
runs = json.load(open(f"{out}/{names[0]}/summary.json"))["provenance"]["runs"]
print(f"\nPercentages of {runs} runs per scenario, seed 20250426, with 95% Wilson intervals.")
PY
