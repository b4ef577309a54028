#!/usr/bin/env bash
# The track record of scenarios/history/README.md: every case NAME.yaml with
# an observed course NAME.observed.yaml beside it, scored by `negsim score`
# (20,000 runs, each scenario's own seed), one row per case and the
# aggregate. Deterministic: the same build gives the same table.
#
#   bash scenarios/history/track.sh [path/to/negsim]           # prints the table
#   bash scenarios/history/track.sh --check [path/to/negsim]   # fails if a README's table is stale
set -euo pipefail
check=0
if [[ ${1:-} == --check ]]; then
  check=1
  shift
fi
here="$(cd "$(dirname "$0")" && pwd)"
negsim=${1:-$here/../../build/release/negsim}
negsim="$(cd "$(dirname "$negsim")" && pwd)/$(basename "$negsim")"   # the cases run from here
runs=${RUNS:-20000}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cases=()
for observed in "$here"/*.observed.yaml; do
  name=$(basename "$observed" .observed.yaml)
  [[ -f $here/$name.yaml ]] || { echo "track.sh: $observed has no $name.yaml beside it" >&2; exit 1; }
  (cd "$here" && "$negsim" score "$name.yaml" --observed "$name.observed.yaml" --runs "$runs" \
    --format json --quiet) > "$out/$name.json"
  cases+=("$name")
done
"${PYTHON:-python3}" - "$out" "$runs" "${cases[@]}" > "$out/table.md" <<'PY'
import json, sys
out, runs, names = sys.argv[1], sys.argv[2], sys.argv[3:]
def pct(x): return f"{100 * x:.1f}%"
def val(v): return "-" if v["value"] is None else f"{v['value']:.3f}"
def pm(v): return "-" if v["value"] is None else f"{v['value']:+.2f} ± {v['se']:.2f}"
print("| case | observed | P(observed class) | P(by its round) | Brier (uniform) | log (uniform) | RPS timing (uniform) | skill: Brier / log / RPS |")
print("|---|---|---:|---:|---:|---:|---:|---|")
totals = {"negsim": [0.0, 0.0, 0.0], "uniform": [0.0, 0.0, 0.0]}
for n in names:
    j = json.load(open(f"{out}/{n}.json"))
    o = j["observed"]
    what = o["outcome"] + (f" ({o['cause']})" if "cause" in o else "") + f", round {o['round']}"
    m, u = j["forecasts"][0], j["forecasts"][1]
    s = j["skill"][0]
    for key, f in (("negsim", m), ("uniform", u)):
        for i, score in enumerate(("brier", "log", "rps")):
            totals[key][i] += f[score]["value"]
    print(f"| `{n}` | {what} | {pct(j['p_outcome']['p'])} | {pct(j['p_outcome_by_round']['p'])} | "
          f"{val(m['brier'])} ({val(u['brier'])}) | {val(m['log'])} ({val(u['log'])}) | "
          f"{val(m['rps'])} ({val(u['rps'])}) | {pm(s['brier'])} / {pm(s['log'])} / {pm(s['rps'])} |")
k = len(names)
mean = [x / k for x in totals["negsim"]]
ref = [x / k for x in totals["uniform"]]
skill = " / ".join(f"{1 - a / b:+.2f}" for a, b in zip(mean, ref))
print(f"| **mean of {k} cases** | | | | {mean[0]:.3f} ({ref[0]:.3f}) | {mean[1]:.3f} ({ref[1]:.3f}) | "
      f"{mean[2]:.3f} ({ref[2]:.3f}) | {skill} |")
print()
print(f"{runs} runs per case, each scenario's own seed; scores lower is better, uniform's in "
      "brackets; skill = 1 - negsim's score / uniform's (above 0: negsim did better), ± its "
      "Monte Carlo standard error. Produced by `bash scenarios/history/track.sh`.")
PY
if ((check)); then
  # Both READMEs show the table between markers; both must be current.
  "${PYTHON:-python3}" - "$out/table.md" "$here/README.md" "$here/../../README.md" <<'PY'
import sys
table = open(sys.argv[1]).read()
begin, end = "<!-- track-record:begin -->\n", "<!-- track-record:end -->"
stale = False
for path in sys.argv[2:]:
    readme = open(path).read()
    if begin not in readme or end not in readme:
        sys.exit(f"{path}: no track-record markers")
    current = readme.split(begin, 1)[1].split(end, 1)[0]
    if current != table:
        stale = True
        sys.stderr.write(f"{path}: the track-record table is stale; regenerate it with "
                         "bash scenarios/history/track.sh and paste it between the markers.\n"
                         "--- in the file\n" + current + "--- now\n" + table)
    else:
        print(f"track record: {path} is current")
sys.exit(1 if stale else 0)
PY
else
  cat "$out/table.md"
fi
