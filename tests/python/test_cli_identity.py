"""negsim.run gives the command line's numbers: every field of summary.json
is the same for the same scenario, overrides, seed and runs (provenance
differs only in the wall time, the date and the process's memory)."""

import os

import pandas as pd
import pytest

import negsim
from conftest import read_json, run_cli

# What differs between two processes running the same thing.
VOLATILE = {"wall_seconds", "date", "peak_rss_mib"}


def comparable(summary):
    out = dict(summary)
    out["provenance"] = {k: v for k, v in summary["provenance"].items() if k not in VOLATILE}
    return out


def diff(a, b, path=""):
    """Every place two JSON values differ, for a readable failure."""
    if isinstance(a, dict) and isinstance(b, dict):
        found = []
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                found.append(f"{path}.{k}: only in {'python' if k in a else 'cli'}")
            else:
                found += diff(a[k], b[k], f"{path}.{k}")
        return found
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in diff(x, y, f"{path}[{i}]")]
    return [] if a == b and type(a) is type(b) else [f"{path}: python {a!r} cli {b!r}"]


@pytest.mark.parametrize(
    "sets, cli_sets",
    [
        ({}, []),
        ({"agents.us.trust": "{uniform: [0.2, 0.4]}", "rounds.horizon": 20},
         ["agents.us.trust={uniform: [0.2, 0.4]}", "rounds.horizon=20"]),
    ],
)
def test_every_field_of_summary_json_matches_the_cli(cli, default_path, tmp_path, sets, cli_sets):
    args = ["run", default_path, "--runs", "20000", "--seed", "7", "--threads", "2", "--out",
            str(tmp_path), "--quiet"]
    for s in cli_sets:
        args += ["--set", s]
    run_cli(cli, *args)
    from_cli = read_json(tmp_path / "summary.json")
    scenario = negsim.load(default_path, set=sets)
    result = negsim.run(scenario, runs=20000, seed=7, threads=2)
    assert result.provenance["overrides"] == cli_sets
    problems = diff(comparable(result.summary), comparable(from_cli))
    assert not problems, "\n".join(problems[:20])
    # The frames read the same numbers.
    assert result.outcomes.loc["full_deal", "count"] == from_cli["outcomes"]["full_deal"]["count"]
    assert result.report.splitlines()[0] == (tmp_path / "report.md").read_text().splitlines()[0]


def test_a_precision_target_stops_where_the_cli_stops(cli, default_path, tmp_path):
    run_cli(cli, "run", default_path, "--precision", "0.02", "--seed", "3", "--out", str(tmp_path),
            "--quiet")
    from_cli = read_json(tmp_path / "summary.json")
    result = negsim.run(default_path, precision=0.02, seed=3)
    assert not diff(comparable(result.summary), comparable(from_cli))
    assert result.provenance["stopping"]["rule"] == "precision"


def test_the_runs_table_is_the_clis_runs_csv(cli, default_path, tmp_path):
    run_cli(cli, "run", default_path, "--runs", "3000", "--seed", "11", "--runs-csv", "--out",
            str(tmp_path), "--quiet")
    from_cli = pd.read_csv(tmp_path / "runs.csv", keep_default_na=False, na_values=[""])
    result = negsim.run(default_path, runs=3000, seed=11, runs_table=True)
    pd.testing.assert_frame_equal(result.runs, from_cli)
    assert len(result.runs) == 3000
    assert "us.trust" in result.runs.columns  # every drawn parameter, by its trace name
    # The table and the summary count the same runs.
    counts = result.runs["outcome"].value_counts()
    assert counts["full_deal"] == result.outcomes.loc["full_deal", "count"]


def test_a_written_result_is_what_the_cli_writes(cli, default_path, tmp_path):
    result = negsim.run(default_path, runs=2000, seed=5)
    result.write(tmp_path / "py")
    run_cli(cli, "run", default_path, "--runs", "2000", "--seed", "5", "--out", str(tmp_path / "cli"),
            "--quiet")
    assert not diff(comparable(read_json(tmp_path / "py" / "summary.json")),
                    comparable(read_json(tmp_path / "cli" / "summary.json")))


def test_trace_is_the_clis_trace(cli, default_path):
    from_cli = run_cli(cli, "trace", default_path, "--run", "86", "--format", "json").stdout
    import json

    t = negsim.trace(default_path, run=86)
    assert t.data == json.loads(from_cli)
    assert t.text == run_cli(cli, "trace", default_path, "--run", "86").stdout
    # The frames hold the trace's rounds, texts, states and events.
    assert list(t.rounds.index) == [r["round"] for r in t.data["rounds"]]
    assert t.outcome["outcome"] == "full_deal" and t.outcome["interim_round"] == 3
    interim = t.texts[(t.texts["round"] == 3) & (t.texts["deal"] == "interim")]
    assert interim.set_index("issue")["value"].to_dict() == t.data["rounds"][2]["interim_text"]
    assert t.states.loc[(3, "iran"), "accepts_interim"] == True  # noqa: E712
    assert "interim_in_force" in set(t.events["kind"])


def test_utilities_are_the_clis(cli, default_path):
    import json

    from_cli = json.loads(run_cli(cli, "utilities", default_path, "--format", "json", "--draws", "50",
                                  "--text", "sanctions=100,enrichment=3.67").stdout)
    table = negsim.utilities(default_path, [{"sanctions": 100, "enrichment": 3.67}], draws=50)
    us = from_cli["agents"]["us"]
    assert table.loc[("us", "reservation"), "mean"] == us["reservation"]["mean"]
    key = "text sanctions=100,enrichment=3.67"
    assert table.loc[("us", key), "q95"] == us["utility"][key]["q95"]
    assert len(table) == sum(len(a["utility"]) + ("reservation" in a) for a in from_cli["agents"].values())


def test_a_sweep_is_the_clis_sweep(cli, default_path, tmp_path):
    design = {"design": "oat", "parameters": {"agents.us.trust.beta.a": {"range": [1, 4]}}}
    import json

    run_cli(cli, "sweep", default_path, "--design", json.dumps(design), "--runs", "1000", "--out",
            str(tmp_path / "cli"), "--quiet")
    from_cli = pd.read_csv(tmp_path / "cli" / "points.csv").set_index("point")
    result = negsim.sweep(default_path, design, runs=1000)
    pd.testing.assert_frame_equal(result.points, from_cli)
    sens = pd.read_csv(tmp_path / "cli" / "sensitivity.csv")
    pd.testing.assert_frame_equal(result.sensitivity, sens)
    assert result.parameters == ["agents.us.trust.beta.a"]
