#!/usr/bin/env bash
# The plot scripts and negsim report, end to end: every plot is a valid,
# non-empty PNG of the expected size (and an SVG); a script given a file it
# cannot read fails with a clear message; report.html loads in headless
# Chromium with no console message and is captured; its numbers are
# summary.json's.
set -euo pipefail
negsim=$1 data=$2 plots=$3 python=$4 chromium=$5
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export NEGSIM_PYTHON=$python NEGSIM_PLOTS=$plots

"$negsim" run "$data/good/talks.yaml" --runs 2000 --runs-csv --report --quiet --out "$work/run"
params='agents.hawk.strike.base: {range: [0.001, 0.05]}, agents.west.trust: {range: [0.1, 0.9]}'
"$negsim" sweep "$data/good/talks.yaml" --runs 300 --quiet --out "$work/oat" --design "{design: oat, parameters: {$params}}"
"$negsim" sweep "$data/good/talks.yaml" --runs 300 --quiet --out "$work/sobol" --design "{design: sobol, points: 16, parameters: {$params}}"
"$negsim" sweep "$data/good/talks.yaml" --runs 300 --quiet --out "$work/grid" \
  --design '{design: grid, parameters: {agents.hawk.strike.base: {range: [0.001, 0.05], steps: 3}, agents.west.trust: {values: [0.2, 0.8]}}}'
mkdir -p "$work/plots"
"$python" "$plots/tornado.py" "$work/oat/sensitivity.csv" --out "$work/plots/tornado" >/dev/null
"$python" "$plots/sobol.py" "$work/sobol/sensitivity.csv" --out "$work/plots/sobol" >/dev/null
"$python" "$plots/heatmap.py" "$work/grid/points.csv" --threshold 0.3 --out "$work/plots/heatmap" >/dev/null
for script in "$plots"/*.py; do
  [ "$(basename "$script")" = negsim_plots.py ] && continue
  "$python" "$script" --help | grep -q -- "--out" || { echo "$script --help lacks --out"; exit 1; }
done

"$python" - "$work" <<'PY'
import glob, os, struct, sys
import xml.etree.ElementTree as ET
work = sys.argv[1]
expected = {  # width x height in pixels: figure size in inches x 150 dpi
    "run/plots/outcomes": (1050, 600), "run/plots/incidence": (1050, 600),
    "run/plots/convergence": (1050, 600), "run/plots/terms": (1050, 450),  # 2 issues side by side
    "plots/tornado": (1200, 420), "plots/sobol": (900, 600), "plots/heatmap": (1050, 750),
}
for name, size in expected.items():
    png = os.path.join(work, name + ".png")
    with open(png, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{png}: not a PNG"
    assert os.path.getsize(png) > 5000, f"{png}: nearly empty"
    got = struct.unpack(">II", head[16:24])
    assert got == size, f"{png}: {got[0]}x{got[1]} pixels, expected {size[0]}x{size[1]}"
    root = ET.parse(os.path.join(work, name + ".svg")).getroot()
    assert root.tag.endswith("svg") and len(list(root.iter())) > 50, f"{name}.svg: not a drawing"
print("plots: valid, non-empty, expected sizes")
PY

# A file it cannot read: a clear message and a non-zero exit.
if "$python" "$plots/outcomes.py" "$work/missing.json" --out "$work/x" 2> "$work/err"; then
  echo "outcomes.py accepted a missing file"; exit 1
fi
grep -q "negsim plot: cannot read $work/missing.json" "$work/err"
echo '{"not": "a summary"}' > "$work/bad.json"
if "$python" "$plots/outcomes.py" "$work/bad.json" --out "$work/x" 2> "$work/err"; then
  echo "outcomes.py accepted a non-summary"; exit 1
fi
grep -q "not a negsim summary" "$work/err"

# report.html in headless Chromium, no network, no console message.
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$work/chromium" --enable-logging=stderr --v=0 --window-size=1000,2400 \
  --screenshot="$work/screenshot.png" "file://$work/run/report.html" 2> "$work/chromium.log" || true
if grep -q "CONSOLE" "$work/chromium.log"; then
  grep "CONSOLE" "$work/chromium.log"; echo "report.html logged to the console"; exit 1
fi
test "$(stat -c %s "$work/screenshot.png")" -gt 20000 || { echo "no screenshot"; cat "$work/chromium.log"; exit 1; }
mkdir -p "${NEGSIM_ARTIFACTS:-/tmp}" && cp "$work/screenshot.png" "${NEGSIM_ARTIFACTS:-/tmp}/negsim-report-screenshot.png"

"$python" - "$work/run" <<'PY'
import json, re, sys
d = sys.argv[1]
summary = json.load(open(f"{d}/summary.json"))
html = open(f"{d}/report.html", encoding="utf-8").read()
cells = dict(re.findall(r'data-key="([^"]+)" data-value="([^"]+)"', html))
assert len(cells) >= 11, f"only {len(cells)} numbers in report.html"
for key, value in cells.items():
    node = summary
    for part in key.split("."):
        node = node[part]
    assert float(value) == float(node), f"{key}: report.html says {value}, summary.json {node}"
for img in re.findall(r'src="([^"]+)"', html):
    assert img.startswith("data:image/png;base64,"), "report.html must be self-contained"
print(f"report.html: {len(cells)} numbers equal summary.json's; images embedded")
PY
echo "report and plots: ok"
