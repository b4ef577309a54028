"""The Python API of negsim: scenarios, errors, results, sweeps, the EMA
adapter and the type stubs."""

import ast
import gc
import os
import subprocess
import sys
import weakref

import numpy as np
import pandas as pd
import pytest

import negsim
from conftest import run_cli

TOY = """
negsim: 1
name: two parties
rounds: {unit: week, horizon: 6}
issues:
  price: {unit: EUR, range: [0, 100], status_quo: 0}
agents:
  buyer:
    role: principal
    ideal: {price: 10}
    salience: {price: 1}
  seller:
    role: principal
    ideal: {price: 90}
    salience: {price: 1}
"""


def test_loads_reads_a_scenario_and_to_yaml_reads_back_the_same():
    s = negsim.loads(TOY)
    assert s.name == "two parties"
    assert list(s.issues.index) == ["price"]
    assert s.issues.loc["price", "max"] == 100
    assert list(s.agents.index) == ["buyer", "seller"]
    assert set(s.agents["role"]) == {"principal"}
    again = negsim.loads(s.to_yaml())
    assert again.to_yaml() == s.to_yaml()
    assert s.to_dict()["rounds"]["horizon"] == 6


def test_with_applies_overrides_and_keeps_the_original():
    s = negsim.loads(TOY)
    t = s.with_({"agents.buyer.ideal.price": 20}, seed=9)
    assert t.to_dict()["seed"] == 9 and t.seed == 9
    assert t.to_dict()["agents"]["buyer"]["ideal"]["price"] == 20
    assert s.to_dict()["rounds"]["horizon"] == 6  # immutable
    assert t.overrides == ["agents.buyer.ideal.price=20", "seed=9"]
    u = s.with_({"agents.buyer.ideal.price": {"uniform": [5, 15]}})
    assert u.to_dict()["agents"]["buyer"]["ideal"]["price"] == {"uniform": [5.0, 15.0]}


def test_load_without_a_path_is_the_shipped_default(default_path):
    assert os.path.samefile(negsim.default_scenario(), default_path)
    assert negsim.load().name == negsim.load(default_path).name


def expected_problems(cli, path, *sets):
    """The CLI's problem lines for a file (the lines before its count line)."""
    args = ["validate", str(path), "--quiet"]
    for s in sets:
        args += ["--set", s]
    done = run_cli(cli, *args, check=False)
    assert done.returncode == 1, done.stderr
    return done.stderr.splitlines()[:-1]


def test_a_bad_file_raises_scenario_error_with_the_clis_problems(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(TOY.replace("horizon: 6", "horizon: -2").replace("salience: {price: 1}\n  seller",
                                                                   "salience: {price: 1}\n    colour: red\n  seller"))
    with pytest.raises(negsim.ScenarioError) as caught:
        negsim.load(bad)
    problems = caught.value.problems
    assert [str(p) for p in problems] == expected_problems(cli, bad)
    assert len(problems) == 2
    rounds = next(p for p in problems if p.path == "rounds.horizon")
    assert (rounds.file, rounds.line) == (str(bad), 4)
    assert "-2" in rounds.message
    assert any(p.path == "agents.buyer.colour" and "unknown key" in p.message for p in problems)
    assert str(caught.value).startswith(f"2 problems in {bad}")
    assert isinstance(caught.value, ValueError)


def test_malformed_yaml_and_a_missing_file_are_located(cli, tmp_path):
    bad = tmp_path / "broken.yaml"
    bad.write_text("name: x\nissues: [a, b\n")
    with pytest.raises(negsim.ScenarioError) as caught:
        negsim.load(bad)
    assert [str(p) for p in caught.value.problems] == expected_problems(cli, bad)
    assert caught.value.problems[0].line >= 2
    with pytest.raises(negsim.ScenarioError) as missing:
        negsim.load(tmp_path / "absent.yaml")
    assert "absent.yaml" in str(missing.value.problems[0])
    with pytest.raises(negsim.ScenarioError) as text:
        negsim.loads("name: [")
    assert text.value.problems[0].file == "<string>"


def test_a_bad_override_names_the_override(cli, default_path):
    with pytest.raises(negsim.ScenarioError) as caught:
        negsim.load(default_path, set={"agents.us.trust": 1.5})
    assert [str(p) for p in caught.value.problems] == expected_problems(cli, default_path,
                                                                         "agents.us.trust=1.5")
    assert caught.value.problems[0].path == "agents.us.trust"
    with pytest.raises(negsim.ScenarioError):
        negsim.load(default_path).with_({"agents.nobody.trust": 0.5})


def test_bad_arguments_raise_value_or_type_errors(default_path):
    s = negsim.load(default_path)
    with pytest.raises(ValueError, match="exclude each other"):
        negsim.run(s, runs=10, precision=0.01)
    with pytest.raises(ValueError, match="precision"):
        negsim.run(s, precision=0.7)
    with pytest.raises(ValueError, match="runs: at least 1"):
        negsim.run(s, runs=0)
    with pytest.raises(TypeError, match="runs"):
        negsim.run(s, runs="many")
    with pytest.raises(TypeError, match="progress"):
        negsim.run(s, runs=10, progress="yes")
    # run and sweep check their run counts and threads alike.
    design = {"design": "lhs", "points": 2, "parameters": {"agents.us.trust": {"range": [0.1, 0.2]}}}
    for call in (lambda **kw: negsim.run(s, **kw), lambda **kw: negsim.sweep(s, design, **kw)):
        with pytest.raises(ValueError, match="exclude each other"):
            call(runs=10, precision=0.01)
        with pytest.raises(ValueError, match="max_runs needs precision"):
            call(runs=10, max_runs=100)
        with pytest.raises(ValueError, match="threads: between 0"):
            call(runs=10, threads=5000)
        with pytest.raises(ValueError, match="max_runs: at least 1"):
            call(precision=0.01, max_runs=0)
    with pytest.raises(TypeError, match="set"):
        negsim.load(default_path, set=["agents.us.trust=0.3"])
    with pytest.raises(ValueError, match="unknown issue"):
        negsim.utilities(s, ["colour=red"], draws=2)
    with pytest.raises(negsim.ScenarioError) as design:
        negsim.sweep(s, {"design": "lhs", "points": 4, "parameters": {"agents.us.trust": {"range": [2, 1]}}},
                     runs=10)
    assert design.value.problems[0].file == "<design>"


def test_the_same_run_twice_in_one_process_gives_the_same_numbers(default_path):
    s = negsim.load(default_path)
    a = negsim.run(s, runs=5000, seed=9, threads=1)
    b = negsim.run(s, runs=5000, seed=9, threads=2)
    for frame in ("outcomes", "causes", "terms", "utility", "events", "incidence", "holdouts", "classic"):
        pd.testing.assert_frame_equal(getattr(a, frame), getattr(b, frame))
    c = negsim.run(s, runs=5000, seed=10)
    assert not a.outcomes["count"].equals(c.outcomes["count"])  # the seed matters
    # The classic models per issue, as summary.json gives them: the
    # compromise runs on every issue of the default, and its draws follow
    # the run's seed.
    assert a.classic.loc[("enrichment", "compromise"), "at_means"] == \
        a.summary["classic_models"]["issues"]["enrichment"]["compromise"]["at_means"]
    assert set(a.classic.index.get_level_values("model")) == {"compromise", "bdm", "smp"}
    assert (a.classic.xs("compromise", level="model")["runs"] == 1000).all()
    assert a.classic.loc[("enrichment", "compromise"), "mean"] != c.classic.loc[("enrichment", "compromise"), "mean"]


def test_a_result_and_a_trace_outlive_their_scenario(default_path):
    s = negsim.load(default_path)
    core = weakref.ref(s._core)
    result = negsim.run(s, runs=2000, seed=1, runs_table=True)
    tr = negsim.trace(s, run=3)
    variant = s.with_(seed=12)
    del s
    gc.collect()
    assert core() is None  # nothing holds the scenario any more
    assert result.outcomes["count"].sum() == 2000
    assert len(result.runs) == 2000 and result.to_xarray()["p"].sum() == pytest.approx(1)
    assert tr.outcome["outcome"] in negsim.OUTCOMES
    assert negsim.run(variant, runs=100).n_runs == 100  # a variant keeps its source alive


def test_runs_do_not_leak_references(default_path):
    s = negsim.load(default_path)
    before = sys.getrefcount(s._core)
    calls = []
    for _ in range(5):
        negsim.run(s, runs=200, progress=lambda d, p: calls.append(d))
    gc.collect()
    after = sys.getrefcount(s._core)  # (not inside the assert, which pytest rewrites)
    assert after == before
    assert calls


def test_the_xarray_dataset_holds_the_frames_numbers(default_path):
    r = negsim.run(default_path, runs=3000, seed=2)
    ds = r.to_xarray()
    assert float(ds["p"].sel(outcome="breakdown")) == r.outcomes.loc["breakdown", "p"]
    assert float(ds["incidence"].sel(round=10, ending="full_deal")) == r.incidence.loc[10, "full_deal"]
    q50 = float(ds["terms"].sel(deal="full_deal", issue="sanctions", stat="q50"))
    assert q50 == r.terms.loc[("full_deal", "sanctions"), "q50"]
    assert ds.attrs["seed"] == 2


def test_a_sweep_resumes_from_its_directory(default_path, tmp_path):
    design = {"design": "lhs", "points": 6, "seed": 4,
              "parameters": {"agents.us.trust.beta.a": {"range": [1, 4]}}}
    first = negsim.sweep(default_path, design, runs=500, out=tmp_path)
    assert first.resumed == 0 and len(first.points) == 6
    assert os.path.exists(first.store)
    second = negsim.sweep(default_path, design, runs=500, out=tmp_path)
    assert second.resumed == 6  # nothing was run again
    pd.testing.assert_frame_equal(first.points, second.points)
    other = negsim.sweep(default_path, design, runs=500)  # a private temporary store
    pd.testing.assert_frame_equal(first.points, other.points)
    with pytest.raises(RuntimeError, match="runs"):  # another sweep's directory is refused
        negsim.sweep(default_path, design, runs=600, out=tmp_path)


def test_ema_experiment_follows_the_ema_workbench_convention(default_path):
    uncertainties = {"agents.us.trust.beta.a": (1, 4), "agents.israel.strike.base": (0.002, 0.05)}
    experiments, outcomes = negsim.ema_experiment(default_path, uncertainties, 8, runs=300)
    # EMA: one row per experiment; a column per uncertainty, then scenario, policy, model.
    assert experiments.shape == (8, 5)
    assert list(experiments.columns) == [*uncertainties, "scenario", "policy", "model"]
    for col in ("scenario", "policy", "model"):
        assert isinstance(experiments[col].dtype, pd.CategoricalDtype)
    assert list(experiments["scenario"]) == list(range(8))
    for path, (lo, hi) in uncertainties.items():
        column = experiments[path]
        assert column.dtype == np.float64 and column.between(lo, hi).all()
        # A Latin hypercube: one point in each of the 8 strata.
        strata = np.floor((column - lo) / (hi - lo) * 8).clip(0, 7).astype(int)
        assert sorted(strata) == list(range(8))
    # Outcomes: a dict of 1-d numpy arrays, one value per experiment.
    assert set(negsim.OUTCOMES) <= set(outcomes)
    assert "breakdown_strike" in outcomes
    for name, values in outcomes.items():
        assert isinstance(values, np.ndarray) and values.shape == (8,), name
    total = sum(outcomes[o] for o in negsim.OUTCOMES)
    assert np.allclose(total, 1)
    # More strikes, more breakdowns by strike (scenario discovery would find it).
    order = np.argsort(experiments["agents.israel.strike.base"].to_numpy())
    assert outcomes["breakdown_strike"][order[-2:]].mean() > outcomes["breakdown_strike"][order[:2]].mean()


def test_the_stubs_name_everything_the_compiled_module_has():
    stub = os.path.join(os.path.dirname(negsim.__file__), "_negsim.pyi")
    tree = ast.parse(open(stub, encoding="utf-8").read())
    stubbed = {n.name for n in tree.body if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    stubbed |= {t.target.id for t in tree.body if isinstance(t, ast.AnnAssign)}
    public = {n for n in dir(negsim._negsim) if not n.startswith("_")} | {"__version__"}
    assert public == stubbed
    cls = next(n for n in tree.body if isinstance(n, ast.ClassDef) and n.name == "Scenario")
    members = {n.name for n in cls.body if isinstance(n, ast.FunctionDef)}
    assert {n for n in dir(negsim._negsim.Scenario) if not n.startswith("_")} == members
    for name in negsim.__all__:
        assert getattr(negsim, name).__doc__, f"negsim.{name} has no docstring"


def test_the_package_imports_from_a_bare_interpreter():
    done = subprocess.run([sys.executable, "-c", "import negsim; print(negsim.__version__)"],
                          capture_output=True, text=True, env=dict(os.environ))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == negsim.__version__
