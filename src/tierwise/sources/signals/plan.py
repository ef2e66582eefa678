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

from tierwise.sources.signals.timestamps import (
    SlashOrder,
    local_date_sql,
    typed_date_sql,
)

__all__ = ["Drop", "KindPlan", "Texts", "finite_number", "value"]


@dataclass(frozen=True)
class Drop:
    """A reason to leave a row out: SQL text for the reason and the test."""

    reason: str
    when: str


@dataclass(frozen=True)
class Texts:
    """The SQL of each present column's trimmed text, and the run's settings.

    ``typed`` maps a date role whose column a Parquet file holds typed (see
    :data:`~.timestamps.DATE_TYPES`) to the SQL of the value and its type:
    its date is then read from the value (:meth:`local_date`).
    """

    columns: dict[str, str]
    zone: str
    as_of: date
    order: SlashOrder | None = None
    typed: dict[str, tuple[str, str]] = field(default_factory=dict)

    def get(self, role: str) -> str | None:
        """The SQL of a column's text, or None when the file lacks it."""
        return self.columns.get(role)

    def __getitem__(self, role: str) -> str:
        return self.columns[role]

    def missing(self, role: str) -> str:
        """SQL that holds where the row has no value in the column ``role``.

        A typed value is tested itself, so that its text is not written
        for every row only to be tested; it has text exactly when it is
        not NULL.
        """
        if role in self.typed:
            return f"{self.typed[role][0]} IS NULL"
        return f"{self.columns[role]} IS NULL"

    def local_date(self, role: str) -> str:
        """SQL for the local date of the column ``role``."""
        if role in self.typed:
            typed, type_name = self.typed[role]
            return typed_date_sql(typed, type_name, self.zone)
        return local_date_sql(self.columns[role], self.zone, self.order)


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


def finite_number(text: str) -> str:
    """SQL for the number in ``text``, or NULL when it is none or not finite.

    ``NaN`` and ``inf`` cast to a DOUBLE, and a Parquet float column holds
    them as values, but they are no amount: NaN compares above every
    number, so a NaN weight or engagement met any threshold.
    """
    number = f"TRY_CAST({text} AS DOUBLE)"
    return f"CASE WHEN isfinite({number}) THEN {number} END"
