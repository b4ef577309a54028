#!/usr/bin/env python3
"""Golden outputs of negsim: every shipped scenario at a fixed seed and run
count, compared exactly with the references committed in tests/regression/.

    check.py NEGSIM_EXE SCENARIOS_DIR CASE [CASE ...]

For each case (a scenario's file name without .yaml) it runs
`negsim run --runs 2000 --runs-csv` at 1 and at 2 threads and `negsim trace
--format json` of runs 0, 1 and 2, and compares, byte for byte:

    summary.json    the run's summary without its provenance (which holds
                    dates, paths, hashes and timings) and without the version
    runs-head.csv   the header and the first 20 rows of runs.csv
    trace-K.json    the JSON trace of run K, without the version

Bit-identity is negsim's promise (docs/MODEL.md, "Reproducibility"), so there
is no tolerance: a difference in the last digit is a difference. When outputs
differ the script prints what moved - each outcome's probability before and
after, then the first differing lines of each file - and fails.

NEGSIM_UPDATE_EXPECTED=1 writes the new outputs as the references instead.
Commit them only with a message that says which change moved which number
and why.
"""

import difflib
import json
import os
import subprocess
import sys
import tempfile

RUNS = 2000
TRACED_RUNS = (0, 1, 2)
CSV_ROWS = 20
THREADS = (1, 2)
HERE = os.path.dirname(os.path.abspath(__file__))


def run(cmd):
    done = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if done.returncode != 0:
        sys.exit(f"regression: {' '.join(cmd)} exited {done.returncode}:\n{done.stderr}")
    return done.stdout


def normalised_json(text):
    """The JSON without what is not a result (provenance, version)."""
    data = json.loads(text)
    data.pop("negsim", None)
    data.pop("provenance", None)
    return json.dumps(data, indent=2) + "\n"


def outputs(exe, scenario, threads, work):
    out_dir = os.path.join(work, f"t{threads}")
    run([exe, "run", scenario, "--runs", str(RUNS), "--threads", str(threads), "--out", out_dir,
         "--runs-csv", "--quiet"])
    files = {}
    with open(os.path.join(out_dir, "summary.json")) as f:
        files["summary.json"] = normalised_json(f.read())
    with open(os.path.join(out_dir, "runs.csv")) as f:
        files["runs-head.csv"] = "".join(f.readlines()[: CSV_ROWS + 1])
    for k in TRACED_RUNS:
        text = run([exe, "trace", scenario, "--run", str(k), "--format", "json"])
        files[f"trace-{k}.json"] = normalised_json(text)
    return files


def outcome_table(summary_text):
    try:
        return {k: v["p"] for k, v in json.loads(summary_text)["outcomes"].items()}
    except (ValueError, KeyError, TypeError):
        return {}


def describe_move(name, expected, actual):
    lines = []
    if name == "summary.json":
        before, after = outcome_table(expected), outcome_table(actual)
        lines.append("  outcome probabilities (expected -> now):")
        for key in list(before) + [k for k in after if k not in before]:
            b, a = before.get(key), after.get(key)
            mark = "" if b == a else "   <- moved"
            lines.append(f"    {key:14s} {b!s:>22s} -> {a!s:<22s}{mark}")
    diff = list(difflib.unified_diff(expected.splitlines(), actual.splitlines(), "expected",
                                     "now", lineterm="", n=1))
    lines.append(f"  {name}: {sum(1 for d in diff if d.startswith('-') and not d.startswith('---'))}"
                 " lines differ; the first of them:")
    lines.extend("    " + d for d in diff[:40])
    return "\n".join(lines)


def check_case(exe, scenarios, case, update):
    scenario = os.path.join(scenarios, case + ".yaml")
    ref_dir = os.path.join(HERE, case)
    failures = []
    with tempfile.TemporaryDirectory() as work:
        by_threads = {t: outputs(exe, scenario, t, work) for t in THREADS}
    first = by_threads[THREADS[0]]
    for t in THREADS[1:]:
        for name, text in by_threads[t].items():
            if text != first[name]:
                failures.append(f"{case}: {name} differs between {THREADS[0]} and {t} threads\n" +
                                describe_move(name, first[name], text))
    if update:
        os.makedirs(ref_dir, exist_ok=True)
        for name, text in first.items():
            with open(os.path.join(ref_dir, name), "w") as f:
                f.write(text)
        print(f"regression: {case}: references written to {ref_dir}")
        return failures
    for name, text in first.items():
        path = os.path.join(ref_dir, name)
        if not os.path.exists(path):
            failures.append(f"{case}: no reference {path} (NEGSIM_UPDATE_EXPECTED=1 writes it)")
            continue
        with open(path) as f:
            expected = f.read()
        if expected != text:
            failures.append(f"{case}: {name} differs from the reference "
                            f"(at 1 and 2 threads alike)\n" + describe_move(name, expected, text))
    return failures


def main():
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    exe, scenarios, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
    update = os.environ.get("NEGSIM_UPDATE_EXPECTED") == "1"
    failures = []
    for case in cases:
        failures += check_case(exe, scenarios, case, update)
    for f in failures:
        print(f, file=sys.stderr)
    if failures:
        print("\nregression: outputs moved. If the change is meant, regenerate with "
              "NEGSIM_UPDATE_EXPECTED=1 and say in the commit which change moved which "
              "number and why.", file=sys.stderr)
        sys.exit(1)
    if not update:
        print(f"regression: {', '.join(cases)}: identical to the references at "
              f"{' and '.join(map(str, THREADS))} threads")


if __name__ == "__main__":
    main()
