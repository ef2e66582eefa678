"""Exceptions raised by tierwise; each message locates the problem and names the fix."""

from __future__ import annotations

__all__ = ["ModelError", "ModelProblem", "SourceError", "TierwiseError"]


class TierwiseError(Exception):
    """Base class: a problem the user can fix, described in plain words."""


class ModelProblem:
    """One problem in a model file: where it is and what is wrong."""

    __slots__ = ("line", "message", "path")

    def __init__(self, path: str, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        return f"{where}: {self.message}"

    def __repr__(self) -> str:
        return f"ModelProblem({self.path!r}, {self.line!r}, {self.message!r})"


class ModelError(TierwiseError):
    """A tiering model with one or more problems; nothing was scored."""

    def __init__(self, source: str, problems: list[ModelProblem]) -> None:
        self.source = source
        self.problems = problems
        count = len(problems)
        noun = "problem" if count == 1 else "problems"
        lines = [f"{source}: {count} {noun} in the model; nothing was scored."]
        lines += [f"  {problem}" for problem in problems]
        super().__init__("\n".join(lines))


class SourceError(TierwiseError):
    """An input file that cannot be read as accounts; nothing was scored."""
