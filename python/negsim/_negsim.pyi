# Type stubs of negsim's compiled core (src/python/module.cpp). Use the
# negsim package, which wraps these in pandas objects (docs/PYTHON.md).
from typing import Any, Callable, Dict, List, Optional

__version__: str

class Scenario:
    """A validated scenario (negsim.Scenario wraps it)."""

    def to_yaml(self) -> str: ...
    def to_json(self) -> str: ...
    def with_sets(self, more: List[str]) -> Scenario: ...
    @property
    def file(self) -> str: ...
    @property
    def sets(self) -> List[str]: ...
    @property
    def name(self) -> str: ...
    @property
    def seed(self) -> int: ...
    @property
    def sha1(self) -> str: ...

def load(path: str, sets: List[str] = ...) -> Scenario: ...
def loads(text: str, origin: str = ..., sets: List[str] = ...) -> Scenario: ...
def run(
    scenario: Scenario,
    runs: int,
    precision: Optional[float],
    max_runs: int,
    seed: Optional[int],
    threads: int,
    block: int,
    runs_table: bool,
    progress: Optional[Callable[[int, int], Any]],
) -> Dict[str, Any]: ...
def trace(scenario: Scenario, seed: Optional[int], run: int) -> Dict[str, str]: ...
def sweep(
    scenario: Scenario,
    design: str,
    origin: str,
    base_dir: str,
    runs: int,
    precision: Optional[float],
    max_runs: int,
    seed: Optional[int],
    threads: int,
    out: Optional[str],
    progress: Optional[Callable[[int, int], Any]],
) -> Dict[str, Any]: ...
def utilities(scenario: Scenario, texts: List[str], draws: int, seed: Optional[int]) -> str: ...
def default_scenario() -> str: ...
