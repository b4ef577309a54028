#!/usr/bin/env bash
# Installs a built negsim into a scratch prefix, builds tests/install/ (a
# project outside negsim) against it with find_package(negsim), runs it on
# the default scenario and checks it gives the same outcome counts as the
# negsim command.
set -euo pipefail
build=$1 root=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" > /dev/null
cmake -S "$root/tests/install" -B "$work/build" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$work/prefix" > /dev/null
cmake --build "$work/build" > /dev/null
"$work/build/consumer" "$root/scenarios/muscat-2025.yaml" > "$work/consumer.txt"
"$work/prefix/bin/negsim" run "$root/scenarios/muscat-2025.yaml" --runs 1000 -q --out "$work/run"
/usr/bin/python3 - "$work/consumer.txt" "$work/run/summary.json" <<'PY'
import json, sys
got = dict(line.split() for line in open(sys.argv[1]))
want = {k: v["count"] for k, v in json.load(open(sys.argv[2]))["outcomes"].items()}
if {k: int(v) for k, v in got.items()} != want:
    sys.exit(f"install test: the consumer gave {got}, negsim run gave {want}")
print(f"install test: find_package(negsim) works; outcome counts agree: {want}")
PY

# The Python module, where the build has it: installed under
# PREFIX/lib/python3.X/dist-packages (on /usr/local, on Debian's python3
# path), importable from there and giving the command's numbers.
if [[ -e "$build/python/negsim/__init__.py" ]]; then
  site=$(find "$work/prefix" -path '*dist-packages/negsim/__init__.py' -printf '%h\n' | head -1)
  [[ -n $site ]] || { echo "install test: the Python module was not installed"; exit 1; }
  (cd "$work" && PYTHONPATH="$(dirname "$site")" /usr/bin/python3 - "$root" "$work/run/summary.json" "$site" <<'PY'
import json, os, sys
import negsim
root, summary, site = sys.argv[1:]
assert os.path.dirname(negsim.__file__) == site, (negsim.__file__, site)
r = negsim.run(os.path.join(root, "scenarios", "muscat-2025.yaml"), runs=1000)
want = {k: v["count"] for k, v in json.load(open(summary))["outcomes"].items()}
got = {k: int(v) for k, v in r.outcomes["count"].items()}
if got != want:
    sys.exit(f"install test: the installed Python module gave {got}, negsim run gave {want}")
print(f"install test: the installed Python module ({site}) gives the same counts")
PY
  )
fi
