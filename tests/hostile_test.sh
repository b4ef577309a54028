#!/usr/bin/env bash
# Hostile input and hostile conditions: each gets a precise error and a
# non-zero exit, never a crash, and nothing already written is lost.
set -uo pipefail
negsim=$1 data=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
failures=0
expect() {  # expect CODE "message fragment" -- command...
  local code=$1 fragment=$2
  shift 3
  "$@" > "$work/out" 2> "$work/err"
  local got=$?
  if [ "$got" != "$code" ] || ! grep -qF -- "$fragment" "$work/err"; then
    echo "FAIL: $* -> exit $got (expected $code), stderr:"; head -5 "$work/err"; failures=$((failures + 1))
  else
    echo "ok: exit $code: $(grep -F -- "$fragment" "$work/err" | head -1 | cut -c1-150)"
  fi
}

# A 100 MB scenario: refused before it is read (and the limit can be raised).
truncate -s 100M "$work/huge.yaml"
expect 1 "file too large (got 104857600 bytes, expected at most 16777216)" -- "$negsim" validate "$work/huge.yaml"
expect 1 "malformed YAML" -- "$negsim" validate --max-file-mb 200 "$work/huge.yaml"

# Deep nesting, in flow and in block style.
python3 -c "print('negsim: 1\nname: ' + '[' * 100000 + ']' * 100000)" > "$work/deep.yaml"
expect 1 "deep.yaml:2:71: nesting deeper than 64 levels" -- "$negsim" validate "$work/deep.yaml"
python3 -c "
lines = ['negsim: 1', 'name: deep']
for i in range(3000):
    lines.append(' ' * i + 'k%d:' % i)
print('\n'.join(lines))" > "$work/deep-block.yaml"
expect 1 "deep-block.yaml:67:65: nesting deeper than 64 levels" -- "$negsim" validate "$work/deep-block.yaml"
# Past the first document only the YAML parser's own guard applies.
python3 -c "print('negsim: 1\nname: x\n---\n' + '[' * 100000)" > "$work/deep-second.yaml"
expect 1 "nesting too deep for the YAML parser" -- "$negsim" validate "$work/deep-second.yaml"

# 10,000 agents and 10,000 issues.
python3 -c "
print('negsim: 1\nname: crowd\nissues:\n  x: {unit: u, range: [0, 1]}\nagents:')
for i in range(10000):
    print('  a%d: {role: principal, ideal: {x: 0}, salience: {x: 1}}' % i)" > "$work/agents.yaml"
expect 1 "too many agents (got 10000, expected at most 32)" -- timeout 60 "$negsim" validate "$work/agents.yaml"
python3 -c "
print('negsim: 1\nname: sprawl\nissues:')
for i in range(10000):
    print('  i%d: {unit: u, range: [0, 1]}' % i)
print('agents:\n  a: {role: principal, ideal: {i0: 0}, salience: {i0: 1}}\n  b: {role: principal, ideal: {i0: 1}, salience: {i0: 1}}')" > "$work/issues.yaml"
expect 1 "too many issues (got 10000, expected at most 16)" -- timeout 60 "$negsim" validate "$work/issues.yaml"

# Absurd numbers on the command line.
expect 1 "rounds.horizon: out of range (got 1000000000" -- "$negsim" run "$data/good/talks.yaml" --set rounds.horizon=1000000000 --out "$work/o"
expect 2 "--runs: at least 1 (got 0)" -- "$negsim" run "$data/good/talks.yaml" --runs 0 --out "$work/o"
expect 2 "--threads: between 1 and 1024 (got 0)" -- "$negsim" run "$data/good/talks.yaml" --threads 0 --out "$work/o"
expect 2 "--seed: not a whole number" -- "$negsim" run "$data/good/talks.yaml" --seed -1 --out "$work/o"
expect 2 "--seed: not a whole number" -- "$negsim" run "$data/good/talks.yaml" --seed 99999999999999999999999 --out "$work/o"

# An output directory that cannot be written: a file stands where it should be.
touch "$work/occupied"
expect 1 "is not writable" -- "$negsim" run "$data/good/talks.yaml" --runs 100 --out "$work/occupied/sub"

# A full disk, simulated by a file-size limit: the write fails cleanly, and
# the previous summary.json is kept whole.
mkdir -p "$work/full"
"$negsim" run "$data/good/talks.yaml" --runs 100 --quiet --out "$work/full"
cp "$work/full/summary.json" "$work/previous.json"
expect 1 "File too large" -- bash -c "ulimit -f 4; exec \"$negsim\" run \"$data/good/talks.yaml\" --runs 100 --seed 9 --quiet --out \"$work/full\""
cmp -s "$work/full/summary.json" "$work/previous.json" || { echo "FAIL: summary.json damaged by a failed write"; failures=$((failures + 1)); }
ls "$work/full" | grep -q tmp && { echo "FAIL: temporary file left behind"; failures=$((failures + 1)); }

# SIGINT and SIGTERM mid-run: a clean stop that keeps the complete batches.
for signal in INT TERM; do
  "$negsim" run "$data/good/talks.yaml" --runs 100000000 --quiet --out "$work/sig$signal" 2> "$work/err" &
  pid=$!
  sleep 2
  kill -s "$signal" "$pid"
  wait "$pid"
  code=$?
  if [ "$code" != 130 ] || ! python3 - "$work/sig$signal/summary.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))["provenance"]
assert p["stopping"]["cancelled"] is True, p["stopping"]
assert p["runs"] > 0 and p["runs"] % 100000 == 0, p["runs"]
print(f"ok: SIG{sys.argv[1].split('sig')[-1].split('/')[0]}: stopped after {p['runs']} complete runs, summary kept")
PY
  then
    echo "FAIL: SIG$signal -> exit $code"; cat "$work/err"; failures=$((failures + 1))
  fi
done

[ "$failures" = 0 ] && echo "hostile inputs: all handled" || { echo "$failures failures"; exit 1; }
