"""The message that refuses a file whose cells cannot be read.

Cells of one column that fail for the same reason are one line, with how
many there are and their first rows and values: 85 revenues in a currency
the model has no rate for read as one line with a count, not twenty
identical lines and "… and 65 more". A cause met once keeps the line of
its own row. Both the cell reader and the in-place Parquet reader word
their refusals here, so they read the same.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from tierwise.errors import SourceError
from tierwise.sources.columns import CellProblem, shown

__all__ = ["EXAMPLES", "MAX_LISTED", "ProblemGroup", "group_problems", "refusal"]

# Lines of causes listed before "… and N more"; rows and values shown per cause.
MAX_LISTED = 20
EXAMPLES = 3


@dataclass
class ProblemGroup:
    """The cells of one column that fail for one reason, with a fix."""

    header: str
    field: str
    problem: str
    fix: str
    count: int = 0
    rows: list[int] = dataclasses.field(default_factory=list)
    values: list[str] = dataclasses.field(default_factory=list)

    def add(self, row: int, value: str) -> None:
        """Count one more cell, keeping the first few as examples."""
        self.count += 1
        if len(self.rows) < EXAMPLES:
            self.rows.append(row)
            self.values.append(value)

    def found(self, examples: Iterable[tuple[int, object]], count: int) -> None:
        """Take ``count`` cells, found by a query, with its first rows and
        values (as the file holds them) as ``examples``."""
        for row, value in examples:
            self.add(int(row), shown(value))
        self.count = count

    def __str__(self) -> str:
        column = f"column {self.header!r} ({self.field})"
        if self.count == 1:
            return f"row {self.rows[0]}, {column}: {self.values[0]} {self.problem}"

        more = self.count - len(self.rows)
        rows = [str(row) for row in self.rows]
        if more:
            listed = f"{', '.join(rows)} and {more:,} more"
            values = ", ".join([*self.values, "…"])
        else:
            listed = f"{', '.join(rows[:-1])} and {rows[-1]}"
            values = ", ".join(self.values)
        return (
            f"{self.count:,} cells in rows {listed}, {column}: {values}; "
            f"each {self.problem}"
        )


def group_problems(problems: Sequence[CellProblem]) -> list[ProblemGroup]:
    """The problems grouped by column and cause, in order of first row met."""
    groups: dict[tuple[str, str, str, str], ProblemGroup] = {}
    for problem in problems:
        key = (problem.header, problem.field, problem.problem, problem.fix)
        if key not in groups:
            groups[key] = ProblemGroup(*key)
        groups[key].add(problem.row, problem.value)
    return list(groups.values())


def refusal(source: str, groups: Sequence[ProblemGroup]) -> SourceError:
    """The error that refuses ``source`` for the cells in ``groups``.

    >>> group = ProblemGroup("R", "x", "is odd", "fix it")
    >>> for row in (2, 3, 5, 8):
    ...     group.add(row, f"'{row}'")
    >>> print(refusal("a.csv", [group]))
    a.csv: 4 cell(s) cannot be read; nothing was imported.
      4 cells in rows 2, 3, 5 and 1 more, column 'R' (x): '2', '3', '5', …; each is odd
    Per column: 'R' (x) 4
    To fix:
      x: fix it
    """
    total = sum(group.count for group in groups)
    lines = [f"{source}: {total} cell(s) cannot be read; nothing was imported."]
    lines += [f"  {group}" for group in groups[:MAX_LISTED]]
    unlisted = sum(group.count for group in groups[MAX_LISTED:])
    if unlisted:
        lines.append(f"  … and {unlisted} more")

    per_column: dict[str, int] = {}
    for group in groups:
        key = f"{group.header!r} ({group.field})"
        per_column[key] = per_column.get(key, 0) + group.count
    if total > 1:
        lines.append(
            "Per column: "
            + ", ".join(f"{key} {number}" for key, number in per_column.items())
        )

    fixes = dict.fromkeys(f"{group.field}: {group.fix}" for group in groups)
    lines.append("To fix:")
    lines += [f"  {fix}" for fix in fixes]
    return SourceError("\n".join(lines))
