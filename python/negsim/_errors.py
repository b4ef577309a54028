"""negsim's exceptions: what was wrong with an input, and where."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, List, Mapping


@dataclass(frozen=True)
class Problem:
    """One problem found in a scenario, design or override.

    ``line`` and ``column`` are 1-based; both are 0 for a problem of a
    ``set=`` override (``file`` then holds the override as written) or of a
    whole file. ``path`` is the dotted field path (``agents.us.trust``).
    ``str(problem)`` is the line ``negsim validate`` prints.
    """

    file: str
    line: int
    column: int
    path: str
    message: str
    text: str = field(default="", compare=False, repr=False)

    def __str__(self) -> str:
        return self.text or f"{self.file}:{self.line}:{self.column}: {self.path}: {self.message}"


class ScenarioError(ValueError):
    """A scenario (or design) that could not be read or failed validation.

    ``problems`` lists every problem found, in file order, not only the
    first, with the same messages as the command line.
    """

    problems: List[Problem]

    def __init__(self, message: str, problems: Iterable[Problem] = ()) -> None:
        super().__init__(message)
        self.problems = list(problems)

    @classmethod
    def from_problems(cls, problems: Iterable[Mapping[str, object]]) -> "ScenarioError":
        found = [Problem(**p) for p in problems]  # type: ignore[arg-type]
        where = found[0].file if found else "the input"
        count = f"{len(found)} problem{'' if len(found) == 1 else 's'}"
        lines = "\n".join(str(p) for p in found)
        return cls(f"{count} in {where}:\n{lines}", found)
