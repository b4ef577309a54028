#!/usr/bin/env bash
# The worked example of docs/CALIBRATION.md: calibrates the Muscat scenario
# to the beliefs of April 2025 (muscat-2025.targets.yaml), scores the
# calibrated variant against what happened, and writes the tables between
# the calibration-example markers of docs/CALIBRATION.md.
#
#   bash scenarios/history/calibrate.sh [path/to/negsim] [OUT]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
negsim=${1:-$root/build/release/negsim}
out=${2:-$root/negsim-calibration}
rm -rf "$out"
start=$(date +%s)
"$negsim" calibrate "$root/scenarios/history/muscat-2025.yaml" \
  --targets "$root/scenarios/history/muscat-2025.targets.yaml" --out "$out" --quiet || code=$?
[[ ${code:-0} -eq 0 ]] || { echo "negsim calibrate failed with exit code $code"; exit 1; }
echo "calibration: $(($(date +%s) - start)) s"
"$negsim" score "$out/calibrated.yaml" --observed "$root/scenarios/history/muscat-2025.observed.yaml" \
  --runs 20000 --quiet > "$out/score.md"
PYTHON=${PYTHON:-/usr/bin/python3}
"$PYTHON" - "$out/calibration.md" "$root/docs/CALIBRATION.md" "$(git -C "$root" rev-parse --short HEAD)" <<'PY'
import datetime, re, sys
md, doc, commit = sys.argv[1:]
tables = open(md, encoding="utf-8").read().split("\n\n", 2)[2]  # after the heading and the intro
tables = tables.split("\n\nThe calibrated variant")[0].strip()
stamp = f"({datetime.date.today().isoformat()}, commit {commit}, {open('/proc/cpuinfo').read().count('processor')} cores.)"
text = open(doc, encoding="utf-8").read()
new = re.sub(r"(<!-- calibration-example:begin -->\n).*?(\n<!-- calibration-example:end -->)",
             lambda m: m.group(1) + stamp + "\n\n" + tables + m.group(2), text, flags=re.S)
open(doc, "w", encoding="utf-8").write(new)
print(f"updated {doc}")
PY
sed -n '/^| forecast/,/^$/p' "$out/score.md"
