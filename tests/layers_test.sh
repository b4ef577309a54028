#!/usr/bin/env bash
# The layering check passes on the tree and fails, naming the file, line and
# layers, when a lower component includes a higher one or a file has no layer.
set -euo pipefail
python=$1 root=$2
"$python" "$root/tools/check_layers.py" "$root"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$root/include" "$root/src" "$work/"
printf '#include "negsim/engine.hpp"\n' >> "$work/include/negsim/model.hpp"
if out=$("$python" "$root/tools/check_layers.py" "$work" 2>&1); then
  echo "FAIL: model.hpp including engine.hpp was not refused"; exit 1
fi
grep -q "include/negsim/model.hpp:[0-9]*: model (model layer) includes negsim/engine.hpp (engine layer, higher)" <<<"$out" ||
  { echo "FAIL: unexpected message: $out"; exit 1; }
cp "$root/include/negsim/model.hpp" "$work/include/negsim/model.hpp"
touch "$work/src/orphan.cpp"
if out=$("$python" "$root/tools/check_layers.py" "$work" 2>&1); then
  echo "FAIL: a file with no layer was not refused"; exit 1
fi
grep -q "src/orphan.cpp: component 'orphan' has no layer" <<<"$out" || { echo "FAIL: $out"; exit 1; }
echo "layers test: ok"
