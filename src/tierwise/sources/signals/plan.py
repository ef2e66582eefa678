"""What a kind of signal file turns its text columns into.

Each kind (activity, intent, contacts, events) has a module that, given
the SQL of each present column's trimmed text, returns a :class:`KindPlan`:
the typed columns of its matched table, the reasons a matched row is still
left out (checked in order, the first that applies is reported), and
flags for rows kept but read with a default.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from tierwise.sources.signals.timestamps import SlashOrder

__all__ = ["Drop", "KindPlan", "Texts", "value"]


@dataclass(frozen=True)
class Drop:
    """A reason to leave a row out: SQL text for the reason and the test."""

    reason: str
    when: str


@dataclass(frozen=True)
class Texts:
    """The SQL of each present column's trimmed text, and the run's settings."""

    columns: dict[str, str]
    zone: str
    as_of: date
    order: SlashOrder | None = None

    def get(self, role: str) -> str | None:
        """The SQL of a column's text, or None when the file lacks it."""
        return self.columns.get(role)

    def __getitem__(self, role: str) -> str:
        return self.columns[role]


@dataclass(frozen=True)
class KindPlan:
    """The typed columns of a matched table and the checks on its rows.

    ``values`` are computed once per row from the texts (a parsed date, a
    label); ``columns``, ``drops`` and ``flags`` refer to them through
    :func:`value`, so an expensive parse is not repeated in every check.
    ``columns`` maps each column of the matched table other than
    ``account_id`` and ``source_row`` to its SQL; ``drops`` and ``flags``
    are tried in order.
    """

    values: dict[str, str]
    columns: dict[str, str]
    drops: list[Drop] = field(default_factory=list)
    flags: list[Drop] = field(default_factory=list)


def value(name: str) -> str:
    """SQL that reads the value ``name`` computed for the row."""
    return f'r."v_{name}"'
