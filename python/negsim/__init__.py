"""negsim from Python: load a scenario, run the Monte Carlo engine, get pandas.

    >>> import negsim
    >>> s = negsim.load()                      # the shipped default scenario
    >>> r = negsim.run(s, runs=100_000, seed=20250426)
    >>> r.outcomes                             # probability of each outcome, 95% interval
    >>> negsim.run(s.with_({"agents.oman.skill": 0.2}), runs=100_000).outcomes

The numbers are the command line's: the same scenario, seed and number of
runs give the same summary.json, field for field (docs/PYTHON.md). A run
releases the GIL and can be interrupted with Ctrl-C (a notebook's interrupt
button), which raises KeyboardInterrupt.
"""

from __future__ import annotations

import io
import json
import os
import sys
from functools import cached_property
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

import pandas as pd

from . import _negsim
from ._errors import Problem, ScenarioError

__version__: str = _negsim.__version__

__all__ = [
    "Problem",
    "Result",
    "Scenario",
    "ScenarioError",
    "SweepResult",
    "Trace",
    "default_scenario",
    "ema_experiment",
    "load",
    "loads",
    "run",
    "sweep",
    "trace",
    "utilities",
]

Progress = Union[bool, None, Callable[[int, int], Any]]
OUTCOMES = ("full_deal", "interim_deal", "breakdown", "no_agreement")


def _yaml_value(value: Any) -> str:
    """An override's value as YAML text. A str is taken as YAML, as `--set`
    takes it (so "{uniform: [0.2, 0.4]}" is a distribution); anything else
    is written as JSON, which YAML reads as the same value."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"

    def plain(o: Any) -> Any:
        if hasattr(o, "item"):  # numpy scalars
            return o.item()
        if hasattr(o, "tolist"):  # numpy arrays
            return o.tolist()
        raise TypeError(f"cannot write {type(o).__name__} {o!r} as a scenario value")

    return json.dumps(value, default=plain)


def _sets(overrides: Optional[Mapping[str, Any]]) -> List[str]:
    if overrides is None:
        return []
    if not isinstance(overrides, Mapping):
        raise TypeError(
            f"set: expected a mapping of scenario paths to values, e.g. "
            f'{{"agents.us.trust": 0.3}} (got {type(overrides).__name__})'
        )
    out = []
    for path, value in overrides.items():
        if not isinstance(path, str) or not path:
            raise TypeError(f"set: a scenario path is a non-empty str (got {path!r})")
        out.append(f"{path}={_yaml_value(value)}")
    return out


def default_scenario() -> str:
    """The path of the shipped default scenario (scenarios/muscat-2025.yaml)."""
    return _negsim.default_scenario()


class Scenario:
    """A validated scenario: what `negsim validate` accepts.

    Made by :func:`load` or :func:`loads`; immutable. :meth:`with_` gives a
    variant with overrides applied (validated again).
    """

    def __init__(self, core: "_negsim.Scenario") -> None:
        self._core = core

    @property
    def name(self) -> str:
        """The scenario's name."""
        return self._core.name

    @property
    def seed(self) -> int:
        """The scenario's seed (what a run uses when given none)."""
        return self._core.seed

    @property
    def file(self) -> str:
        """The file it was read from ("<string>" for :func:`loads`)."""
        return self._core.file

    @property
    def overrides(self) -> List[str]:
        """The overrides applied, as `--set` would give them ("path=value")."""
        return list(self._core.sets)

    def with_(self, overrides: Optional[Mapping[str, Any]] = None, /, **fields: Any) -> "Scenario":
        """A variant with overrides: ``s.with_({"agents.us.trust": 0.3})``;
        top-level fields also as keywords: ``s.with_(rounds=30, seed=7)``.

        Values are as in :func:`load`'s ``set``. Raises ScenarioError when
        the variant is invalid.
        """
        merged: Dict[str, Any] = dict(overrides or {})
        merged.update(fields)
        return Scenario(self._core.with_sets(_sets(merged)))

    def to_yaml(self) -> str:
        """The resolved scenario (defaults filled in, overrides applied) as
        YAML that :func:`loads` reads back to the same scenario."""
        return self._core.to_yaml()

    def to_dict(self) -> Dict[str, Any]:
        """The resolved scenario as a dict (the JSON of `negsim validate --format json`)."""
        return json.loads(self._core.to_json())

    @cached_property
    def agents(self) -> pd.DataFrame:
        """One row per agent: its role and fields as resolved (a distribution
        is a dict such as ``{"uniform": [0.2, 0.4]}``)."""
        agents = self.to_dict()["agents"]
        return pd.DataFrame.from_dict(agents, orient="index").rename_axis("agent")

    @cached_property
    def issues(self) -> pd.DataFrame:
        """One row per issue: unit, range, status quo (and levels, description)."""
        rows = {}
        for name, issue in self.to_dict()["issues"].items():
            row = dict(issue)
            lo, hi = row.pop("range", (None, None))
            rows[name] = {"unit": row.pop("unit", ""), "min": lo, "max": hi, **row}
        return pd.DataFrame.from_dict(rows, orient="index").rename_axis("issue")

    def run(self, **options: Any) -> "Result":
        """Same as ``negsim.run(self, **options)``."""
        return run(self, **options)

    def __repr__(self) -> str:
        extra = f", overrides={self.overrides!r}" if self.overrides else ""
        return f"<negsim.Scenario {self.name!r} from {self.file!r}{extra}>"


def load(path: Optional[Union[str, os.PathLike]] = None, set: Optional[Mapping[str, Any]] = None) -> Scenario:
    """Reads and validates a scenario file (the shipped default when no path).

    ``set`` applies overrides as `--set` does: ``{"agents.us.trust": 0.3}``,
    ``{"agents.us.trust": {"uniform": [0.2, 0.4]}}`` or the YAML text
    ``"{uniform: [0.2, 0.4]}"``. Raises ScenarioError (with ``.problems``)
    when the file is missing, malformed or invalid.
    """
    file = default_scenario() if path is None else os.fspath(path)
    return Scenario(_negsim.load(file, _sets(set)))


def loads(text: str, set: Optional[Mapping[str, Any]] = None, origin: str = "<string>") -> Scenario:
    """Validates a scenario given as YAML (or JSON) text. ``origin`` names
    it in messages; ``base:`` paths are relative to its directory."""
    if not isinstance(text, str):
        raise TypeError(f"loads: expected the scenario as str (got {type(text).__name__})")
    return Scenario(_negsim.loads(text, origin, _sets(set)))


def _as_scenario(scenario: Union[Scenario, str, os.PathLike, None]) -> Scenario:
    if isinstance(scenario, Scenario):
        return scenario
    if scenario is None or isinstance(scenario, (str, os.PathLike)):
        return load(scenario)
    raise TypeError(f"expected a negsim.Scenario or a file path (got {type(scenario).__name__})")


def _count(name: str, value: Any, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, int) and not hasattr(value, "__index__"):
        raise TypeError(f"{name}: expected an int (got {value!r})")
    value = int(value)
    if value < minimum:
        raise ValueError(f"{name}: at least {minimum} (got {value})")
    return value


def _stopping(runs: Any, precision: Any, max_runs: Any) -> "tuple[int, Optional[float], int]":
    """(runs, precision, max_runs) as the engine takes them, checked as the
    CLI's --runs, --precision and --max-runs are."""
    if runs is not None and precision is not None:
        raise ValueError("runs and precision exclude each other (give one)")
    if max_runs is not None and precision is None:
        raise ValueError("max_runs needs precision")
    if precision is not None and not (0 < float(precision) < 0.5):
        raise ValueError(f"precision: a half-width in (0, 0.5) (got {precision})")
    return (10_000 if runs is None else _count("runs", runs),
            None if precision is None else float(precision),
            10_000_000 if max_runs is None else _count("max_runs", max_runs))


def _threads(threads: Any) -> int:
    t = _count("threads", threads, 0)
    if t > 1024:
        raise ValueError(f"threads: between 0 (all cores) and 1024 (got {t})")
    return t


class _TextProgress:
    """progress=True: a one-line bar on stderr, redrawn in place."""

    def __init__(self, unit: str) -> None:
        self.unit = unit

    def __call__(self, done: int, planned: int) -> None:
        if planned:
            sys.stderr.write(f"\rnegsim: {done:,} of {planned:,} {self.unit} ({100 * done // planned}%)")
            if done >= planned:
                sys.stderr.write("\n")
        sys.stderr.flush()


def _progress(progress: Progress, unit: str) -> Optional[Callable[[int, int], Any]]:
    if progress is True:
        return _TextProgress(unit)
    if progress is False or progress is None:
        return None
    if callable(progress):
        return progress
    raise TypeError(f"progress: True, False or a callable(done, planned) (got {progress!r})")


def _frame(table: Mapping[str, Mapping[str, Any]], index: str) -> pd.DataFrame:
    return pd.DataFrame.from_dict(dict(table), orient="index").rename_axis(index)


class Result:
    """What one call of :func:`run` found: the contents of summary.json as
    ``summary`` and as DataFrames, and the runs table when asked for.

    A Result holds only Python data: it stays valid after its Scenario is gone.
    """

    def __init__(self, summary: Dict[str, Any], report: str, runs: Optional[pd.DataFrame]) -> None:
        self.summary: Dict[str, Any] = summary
        self.report: str = report  #: report.md, as `negsim run` writes it
        self.runs: Optional[pd.DataFrame] = runs  #: one row per run (runs_table=True), else None

    @property
    def provenance(self) -> Dict[str, Any]:
        """Scenario, hashes, overrides, seed, threads, runs, wall time, date."""
        return self.summary["provenance"]

    @property
    def n_runs(self) -> int:
        """The number of runs simulated."""
        return int(self.provenance["runs"])

    @cached_property
    def outcomes(self) -> pd.DataFrame:
        """Each outcome's count and probability ``p`` with its 95% Wilson interval ``lo``, ``hi``."""
        return _frame(self.summary["outcomes"], "outcome")

    @cached_property
    def causes(self) -> pd.DataFrame:
        """Breakdowns by cause: count, p, lo, hi and share of breakdowns."""
        return _frame(self.summary["breakdown_causes"], "cause")

    @cached_property
    def paths(self) -> pd.DataFrame:
        """How deals came: full deals directly or through an interim deal,
        interim deals held or broken (count, p, lo, hi)."""
        rows = {k: v for k, v in self.summary.get("deal_paths", {}).items() if isinstance(v, dict)}
        return _frame({k: {f: x for f, x in v.items() if not isinstance(x, dict)} for k, v in rows.items()}, "path")

    @cached_property
    def timing(self) -> pd.DataFrame:
        """Rounds to each outcome: n, mean and quantiles."""
        return _frame(self.summary["time_to_outcome"], "outcome")

    @cached_property
    def incidence(self) -> pd.DataFrame:
        """Cumulative incidence: the share of runs that reached each outcome by each round."""
        inc = dict(self.summary["cumulative_incidence"])
        inc.pop("unit", None)
        rounds = inc.pop("round")
        frame = pd.DataFrame(inc, index=pd.Index(rounds, name="round"))
        frame.attrs["unit"] = self.summary["cumulative_incidence"].get("unit", "round")
        return frame

    @cached_property
    def terms(self) -> pd.DataFrame:
        """Deal terms in the issues' units, by deal (full, interim) and issue:
        n, mean, quantiles and unit."""
        rows = {}
        for deal, issues in self.summary["terms"].items():
            if not isinstance(issues, dict):  # phased_deals: a count, not a deal
                continue
            for issue, stats in issues.items():
                rows[(deal, issue)] = stats
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(list(rows), names=["deal", "issue"])
        return frame

    @cached_property
    def classic(self) -> pd.DataFrame:
        """What the classic models forecast (docs/CLASSIC.md), by (issue,
        model): at the means of the scenario's distributions, and the mean,
        q05, q50 and q95 over ``draws`` draws of them, with the draws where
        the model could run (``runs``). NaN where it cannot run."""
        rows = {}
        for issue, per in self.summary.get("classic_models", {}).get("issues", {}).items():
            for model in self.summary["classic_models"]["models"]:
                rows[(issue, model)] = {k: (float("nan") if v is None else v) for k, v in per[model].items()}
        if not rows:
            return pd.DataFrame(index=pd.MultiIndex.from_tuples([], names=["issue", "model"]))
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index = pd.MultiIndex.from_tuples(list(rows), names=["issue", "model"])
        return frame

    @cached_property
    def utility(self) -> pd.DataFrame:
        """Each agent's utility of the outcome: n, mean and quantiles."""
        return _frame(self.summary["utility"], "agent")

    @cached_property
    def events(self) -> pd.DataFrame:
        """Each event kind: runs with it (and p, lo, hi) and its total count."""
        return _frame(self.summary["events"], "event")

    @cached_property
    def holdouts(self) -> pd.DataFrame:
        """Who blocked the deal in runs without one: runs held out (p, lo,
        hi), alone, the mean shortfall, and per issue the runs its red line
        was crossed (``red_lines.ISSUE``)."""
        agents = self.summary.get("holdouts", {}).get("agents", {})
        rows = {}
        for agent, stats in agents.items():
            row = {k: v for k, v in stats.items() if k != "red_lines"}
            for issue, n in stats.get("red_lines", {}).items():
                row[f"red_lines.{issue}"] = n
            rows[agent] = row
        frame = _frame(rows, "agent").fillna(0) if rows else pd.DataFrame(index=pd.Index([], name="agent"))
        return frame

    def to_xarray(self) -> "Any":
        """The aggregates as an xarray.Dataset: outcome probabilities with
        intervals, cumulative incidence by round and ending (the outcomes
        that end a run before the horizon), terms by deal, issue and
        statistic, utility by agent and statistic, event frequencies; the
        provenance in ``attrs``."""
        import xarray as xr

        stats = ["n", "mean", "q05", "q25", "q50", "q75", "q95"]
        o = self.outcomes
        t = self.terms
        deals = list(dict.fromkeys(t.index.get_level_values("deal")))
        issues = list(dict.fromkeys(t.index.get_level_values("issue")))
        terms = [[[float(t.loc[(d, i), s]) if (d, i) in t.index else float("nan") for s in stats]
                  for i in issues] for d in deals]
        u = self.utility
        e = self.events
        inc = self.incidence
        ds = xr.Dataset(
            {
                "count": ("outcome", o["count"].to_numpy()),
                "p": ("outcome", o["p"].to_numpy()),
                "lo": ("outcome", o["lo"].to_numpy()),
                "hi": ("outcome", o["hi"].to_numpy()),
                "incidence": (("round", "ending"), inc.to_numpy()),
                "terms": (("deal", "issue", "stat"), terms),
                "utility": (("agent", "stat"), u[stats].to_numpy(dtype=float)),
                "event_p": ("event", e["p"].to_numpy()),
                "event_runs": ("event", e["runs_with"].to_numpy()),
            },
            coords={
                "outcome": list(o.index),
                "round": list(inc.index),
                "ending": list(inc.columns),
                "deal": deals,
                "issue": issues,
                "stat": stats,
                "agent": list(u.index),
                "event": list(e.index),
            },
        )
        ds.attrs = {k: v for k, v in self.provenance.items() if isinstance(v, (str, int, float))}
        ds.attrs["interval"] = self.summary.get("interval", "")
        return ds

    def write(self, directory: Union[str, os.PathLike]) -> None:
        """Writes summary.json and report.md (and runs.csv when kept) as
        `negsim run --out DIR` does, so `negsim report DIR` can draw them."""
        os.makedirs(directory, exist_ok=True)
        with open(os.path.join(directory, "summary.json"), "w", encoding="utf-8") as f:
            f.write(json.dumps(self.summary, indent=2) + "\n")
        with open(os.path.join(directory, "report.md"), "w", encoding="utf-8") as f:
            f.write(self.report)
        if self.runs is not None:
            self.runs.to_csv(os.path.join(directory, "runs.csv"), index=False)

    def __repr__(self) -> str:
        o = self.outcomes
        lines = [f"<negsim.Result {self.provenance.get('scenario', '')!r}: {self.n_runs:,} runs, seed {self.provenance['seed']}>"]
        for name, row in o.iterrows():
            lines.append(f"  {name:<13} {100 * row['p']:5.1f}%  [{100 * row['lo']:.1f}, {100 * row['hi']:.1f}]")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        o = self.outcomes[["count", "p", "lo", "hi"]]
        return (f"<p><b>negsim</b>: {self.provenance.get('scenario', '')}, {self.n_runs:,} runs, "
                f"seed {self.provenance['seed']}</p>" + o.to_html(float_format=lambda x: f"{x:.4f}"))


def run(
    scenario: Union[Scenario, str, os.PathLike, None] = None,
    *,
    runs: Optional[int] = None,
    precision: Optional[float] = None,
    max_runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    progress: Progress = False,
    runs_table: bool = False,
    block: int = 256,
) -> Result:
    """Simulates many negotiations of the scenario, as `negsim run` does.

    runs: the number of runs (default 10,000); or precision: run batches of
    10,000 until every outcome's 95% half-width is at most this (up to
    max_runs, default 10,000,000). seed: default the scenario's. threads: 0
    for all cores; the numbers do not depend on it. progress: True for a
    bar on stderr, or a callable(done, planned). runs_table: also return
    one row per run with every drawn parameter (``Result.runs``).

    The GIL is released while it runs; Ctrl-C raises KeyboardInterrupt.
    """
    s = _as_scenario(scenario)
    n, p, m = _stopping(runs, precision, max_runs)
    t = _threads(threads)
    if seed is not None:
        seed = _count("seed", seed, 0)
    out = _negsim.run(s._core, n, p, m, seed, t, _count("block", block), bool(runs_table),
                      _progress(progress, "runs"))
    table = None
    if out["runs_csv"] is not None:
        table = pd.read_csv(io.StringIO(out["runs_csv"]), keep_default_na=False, na_values=[""])
    return Result(json.loads(out["summary"]), out["report"], table)


class Trace:
    """One negotiation played round by round, as `negsim trace` shows it.

    ``rounds``: one row per round (progress toward a text, decision);
    ``texts``: the mediator's texts by round, deal and issue; ``states``:
    each agent's state by round (positions as ``position.ISSUE``);
    ``events``: the events by round; ``draws``: the run's drawn parameters;
    ``outcome``: how it ended; ``text``: the CLI's printout.
    """

    def __init__(self, data: Dict[str, Any], text: str) -> None:
        self.data: Dict[str, Any] = data
        self.text: str = text
        self.outcome: Dict[str, Any] = data["outcome"]
        self.draws: Dict[str, Any] = data["draws"]

    @cached_property
    def rounds(self) -> pd.DataFrame:
        rows = []
        for r in self.data["rounds"]:
            rows.append({"round": r["round"], "progress": r.get("progress"),
                         "no_zone": ", ".join(r.get("no_zone", [])), "decision": r.get("decision", ""),
                         "events": len(r.get("events", []))})
        return pd.DataFrame(rows).set_index("round") if rows else pd.DataFrame()

    @cached_property
    def texts(self) -> pd.DataFrame:
        rows = []
        for r in self.data["rounds"]:
            for deal in ("full", "interim"):
                for issue, value in (r.get(f"{deal}_text") or {}).items():
                    rows.append({"round": r["round"], "deal": deal, "issue": issue, "value": value})
        return pd.DataFrame(rows, columns=["round", "deal", "issue", "value"])

    @cached_property
    def states(self) -> pd.DataFrame:
        rows = []
        for r in self.data["rounds"]:
            for agent, state in r.get("agents", {}).items():
                row: Dict[str, Any] = {"round": r["round"], "agent": agent}
                for key, value in state.items():
                    if isinstance(value, dict):
                        for k, v in value.items():
                            row[f"{key}.{k}"] = v
                    else:
                        row[key] = value
                rows.append(row)
        return pd.DataFrame(rows).set_index(["round", "agent"]) if rows else pd.DataFrame()

    @cached_property
    def events(self) -> pd.DataFrame:
        rows = [dict(e) for r in self.data["rounds"] for e in r.get("events", [])]
        return pd.DataFrame(rows, columns=["round", "kind", "agent", "text"])

    def __repr__(self) -> str:
        o = self.outcome
        return (f"<negsim.Trace run {self.data['run']} of seed {self.data['seed']}: "
                f"{o['outcome']} in round {o['round']}>")

    def __str__(self) -> str:
        return self.text


def trace(scenario: Union[Scenario, str, os.PathLike, None] = None, run: int = 0, *, seed: Optional[int] = None) -> Trace:
    """Plays run ``run`` of ``seed`` (default the scenario's), the same run
    that :func:`run` counts as run ``run``, and returns it round by round."""
    s = _as_scenario(scenario)
    out = _negsim.trace(s._core, None if seed is None else _count("seed", seed, 0), _count("run", run, 0))
    return Trace(json.loads(out["json"]), out["text"])


class SweepResult:
    """A complete sweep: ``points`` (one row per design point: its values,
    each outcome's probability with its interval, breakdowns by cause, as
    points.csv) and ``sensitivity`` (for oat, sobol and morris designs, as
    sensitivity.csv; empty otherwise)."""

    def __init__(self, out: Dict[str, Any]) -> None:
        self.parameters: List[str] = list(out["paths"])
        self.design: str = out["design"]
        self.resumed: int = int(out["resumed"])  #: points found already done in ``out``
        self.store: Optional[str] = out.get("store")  #: the SQLite file, when ``out`` was given
        self.points: pd.DataFrame = pd.read_csv(io.StringIO(out["points_csv"])).set_index("point")
        text = out["sensitivity_csv"]
        self.sensitivity: pd.DataFrame = pd.read_csv(io.StringIO(text)) if text else pd.DataFrame()
        self.sensitivity_text: str = out["sensitivity_text"]

    def __repr__(self) -> str:
        return (f"<negsim.SweepResult {self.design}: {len(self.points)} points over "
                f"{', '.join(self.parameters)}>")


def _design_text(design: Union[Mapping[str, Any], str, os.PathLike]) -> Tuple[str, str, str]:
    """(text, origin, base directory) of a design given as a mapping, YAML text or a file."""
    if isinstance(design, Mapping):
        return json.dumps(design, default=lambda o: o.item() if hasattr(o, "item") else str(o)), "<design>", "."
    if isinstance(design, os.PathLike) or (isinstance(design, str) and "\n" not in design
                                          and not design.lstrip().startswith("{")):
        path = os.fspath(design)
        with open(path, encoding="utf-8") as f:
            return f.read(), path, os.path.dirname(path) or "."
    if isinstance(design, str):
        return design, "<design>", "."
    raise TypeError(f"design: a mapping, YAML text or a file path (got {type(design).__name__})")


def sweep(
    scenario: Union[Scenario, str, os.PathLike, None],
    design: Union[Mapping[str, Any], str, os.PathLike],
    *,
    runs: Optional[int] = None,
    precision: Optional[float] = None,
    max_runs: Optional[int] = None,
    seed: Optional[int] = None,
    threads: int = 0,
    out: Optional[Union[str, os.PathLike]] = None,
    progress: Progress = False,
) -> SweepResult:
    """Runs the scenario at every point of a design (docs/SWEEPS.md), as
    `negsim sweep` does: ``design`` is a mapping such as ``{"design": "oat",
    "parameters": {"agents.us.trust.beta.a": {"range": [1, 4]}}}``, its YAML
    text, or a design file. With ``out`` the points are stored in
    OUT/sweep.sqlite as they finish, and a second call with the same
    arguments resumes (Ctrl-C keeps what is done). Point p's numbers are
    those of `negsim sweep` at the same seed and runs.
    """
    s = _as_scenario(scenario)
    n, p, m = _stopping(runs, precision, max_runs)
    t = _threads(threads)
    text, origin, base = _design_text(design)
    res = _negsim.sweep(
        s._core, text, origin, base, n, p, m,
        None if seed is None else _count("seed", seed, 0),
        t,
        None if out is None else os.fspath(out),
        _progress(progress, "points"),
    )
    import warnings

    for w in res["warnings"]:
        warnings.warn(f"negsim sweep: {origin}: {w}", stacklevel=2)
    return SweepResult(res)


def utilities(
    scenario: Union[Scenario, str, os.PathLike, None] = None,
    texts: Iterable[Union[str, Mapping[str, Any]]] = (),
    *,
    draws: int = 1000,
    seed: Optional[int] = None,
) -> pd.DataFrame:
    """What the utility scale means for each agent, as `negsim utilities`:
    its utility of the status quo, of each agent's ideal and of each text
    (the file's ``texts:`` and ``texts`` given: a name, ``"issue=value,..."``
    or a mapping ``{"sanctions": 100}``), and each principal's reservation,
    over ``draws`` draws. One row per (agent, text): mean, q05, q95.
    """
    s = _as_scenario(scenario)
    args = []
    for t in texts:
        if isinstance(t, Mapping):
            args.append(",".join(f"{k}={v}" for k, v in t.items()))
        elif isinstance(t, str):
            args.append(t)
        else:
            raise TypeError(f"texts: a name, 'issue=value,...' or a mapping (got {t!r})")
    data = json.loads(_negsim.utilities(s._core, args, _count("draws", draws),
                                        None if seed is None else _count("seed", seed, 0)))
    rows = []
    for agent, a in data["agents"].items():
        if "reservation" in a:
            rows.append({"agent": agent, "role": a["role"], "text": "reservation", **a["reservation"]})
        for text, stats in a["utility"].items():
            rows.append({"agent": agent, "role": a["role"], "text": text, **stats})
    frame = pd.DataFrame(rows).set_index(["agent", "text"])
    frame.attrs.update({"scenario": data["scenario"], "seed": data["seed"], "draws": data["draws"]})
    return frame


def ema_experiment(
    scenario: Union[Scenario, str, os.PathLike, None],
    uncertainties: Mapping[str, Sequence[float]],
    n: int,
    *,
    runs: int = 2000,
    seed: Optional[int] = None,
    design_seed: int = 1,
    threads: int = 0,
    out: Optional[Union[str, os.PathLike]] = None,
    model_name: str = "negsim",
    progress: Progress = False,
) -> Tuple[pd.DataFrame, Dict[str, Any]]:
    """``n`` experiments over ``uncertainties`` ({scenario path: (low,
    high)}) on a Latin hypercube, in the EMA Workbench's convention
    (``perform_experiments``): returns ``(experiments, outcomes)``, where
    ``experiments`` has a column per uncertainty and ``scenario``,
    ``policy`` and ``model``, and ``outcomes`` maps each outcome's name
    (``full_deal``, ``interim_deal``, ``breakdown``, ``no_agreement``,
    ``breakdown_CAUSE``) to a numpy array of its probability in each
    experiment, estimated from ``runs`` runs. Scenario-discovery code
    written for EMA (PRIM, CART, feature scoring) runs on them as on EMA's.
    """
    import numpy as np

    if not isinstance(uncertainties, Mapping) or not uncertainties:
        raise ValueError("uncertainties: a mapping of scenario paths to (low, high), at least one")
    parameters = {}
    for path, bounds in uncertainties.items():
        try:
            lo, hi = (float(b) for b in bounds)
        except (TypeError, ValueError):
            raise ValueError(f"uncertainties: {path}: expected (low, high) (got {bounds!r})") from None
        parameters[path] = {"range": [lo, hi]}
    design = {"design": "lhs", "points": _count("n", n), "seed": _count("design_seed", design_seed, 0),
              "parameters": parameters}
    res = sweep(scenario, design, runs=runs, seed=seed, threads=threads, out=out, progress=progress)
    points = res.points.sort_index()
    experiments = points[list(uncertainties)].reset_index(drop=True).astype(float)
    experiments["scenario"] = pd.Categorical(range(len(points)))
    experiments["policy"] = pd.Categorical(["None"] * len(points))
    experiments["model"] = pd.Categorical([model_name] * len(points))
    names = list(OUTCOMES) + [c for c in points.columns if c.startswith("breakdown_")
                              and c not in ("breakdown_lo", "breakdown_hi")]
    outcomes = {name: points[name].to_numpy(dtype=float) for name in names}
    return experiments, outcomes
