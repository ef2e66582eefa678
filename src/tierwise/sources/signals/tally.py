"""One pass over a signal file's classified rows: the match report's numbers.

The rows are counted by how they matched, why they were left out and what
they were flagged for. In an activity or events file the counted rows of a
kind the model does not list are counted by kind too, for the report to
name them (see :mod:`.unlisted`).

Counting by kind costs little for the handful of types a CRM uses, but a
column of free text (a subject line read as the type) holds a value per
row, and grouping a million of them took five times a run's time and three
times its memory. So the type column's distinct labels are first estimated,
reading that one column; past `MAX_GROUPED_LABELS` only the kinds of its
`TOP_LABELS` most frequent labels are counted one by one, the other
unlisted rows together, and the number of unlisted kinds is estimated.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from typing import TypeVar

import duckdb

from tierwise.sources.signals.report import Count
from tierwise.sources.sql_text import sql_text

__all__ = ["MAX_EXAMPLES", "MAX_GROUPED_LABELS", "KindColumn", "Tally", "tally"]

MAX_EXAMPLES = 5
# Past this many distinct labels (estimated) in the type column, kinds are
# no longer counted one by one; the report names at most 20 anyway.
MAX_GROUPED_LABELS = 1_000
TOP_LABELS = 50
# The group of unlisted rows whose kind is not counted on its own. An
# unlisted kind never holds a space (spaces in a label become underscores).
_OTHER = " "

Key = TypeVar("Key")


@dataclass(frozen=True)
class KindColumn:
    """Where a file's kinds are, for counting the unlisted ones.

    Attributes:
        staged: the view of the file's trimmed texts.
        label: the column of ``staged`` holding the type as written.
        listed: the kinds the model lists.
        kind_sql: SQL for a row's kind, given SQL for its label.
    """

    staged: str
    label: str
    listed: Collection[str]
    kind_sql: Callable[[str], str]


@dataclass
class Tally:
    """What one pass over a file's classified rows counted.

    Each group is ``(matched, outcome, flag, rows, first rows)``.
    ``unlisted`` holds the counted rows of unlisted kinds by kind, and
    ``unlisted_other`` the rows of those not counted one by one; their
    number of kinds is ``unlisted_kinds``, estimated when
    ``kinds_estimated``.
    """

    groups: list[tuple[str, str | None, str | None, int, list[int]]]
    accounts: int
    readable_dates: int | None
    unlisted: dict[str, Count] = field(default_factory=dict)
    unlisted_other: int = 0
    unlisted_kinds: int = 0
    kinds_estimated: bool = False


def tally(
    connection: duckdb.DuckDBPyConnection,
    classified: str,
    date_column: str | None,
    kinds: KindColumn | None = None,
) -> Tally:
    """Count the rows by match, outcome and flag, in one pass over the file.

    Raises:
        duckdb.Error: when the file cannot be read after all (the caller
            names the file and the fix).
    """
    dates = f"count({date_column})" if date_column else "NULL"
    bucket, top_only = "NULL", False
    if kinds is not None:
        bucket, top_only = _bucket(connection, classified, kinds)
    keys = "matched, outcome, flag, bucket"
    estimate, total, grouping = "NULL", "0", keys
    if top_only:
        # The grand total (the empty grouping set) estimates the number of
        # unlisted kinds in the same pass; it is not one of the groups.
        estimate = "approx_count_distinct(CASE WHEN bucket IS NOT NULL THEN kind END)"
        total, grouping = "grouping(matched)", f"GROUPING SETS (({keys}), ())"
    rows = connection.sql(
        f"SELECT {keys}, count(*), min(source_row, {MAX_EXAMPLES}), {dates}, "
        f"{estimate}, {total} FROM (SELECT *, {bucket} AS bucket FROM "
        f"{classified}) GROUP BY {grouping}"
    ).fetchall()

    result = Tally([], 0, None, kinds_estimated=top_only)
    merged: dict[tuple[str, str | None, str | None], Count] = {}
    readable = 0
    for how, outcome, flag, kind, count, first, dated, estimated, total in rows:
        if total:
            result.unlisted_kinds = int(estimated or 0)
            continue
        examples = [int(n) for n in first or []]
        _add(merged, (str(how), outcome, flag), int(count), examples)
        readable += int(dated or 0)
        if kind == _OTHER:
            result.unlisted_other += int(count)
        elif kind is not None:
            _add(result.unlisted, str(kind), int(count), examples)
    result.groups = [
        (how, outcome, flag, count.rows, count.examples)
        for (how, outcome, flag), count in merged.items()
    ]
    result.readable_dates = None if date_column is None else readable
    if not top_only:
        result.unlisted_kinds = len(result.unlisted)

    # The accounts are counted apart: a distinct count beside the groups
    # would hold every account id once per group.
    [(accounts,)] = connection.sql(
        f"SELECT count(DISTINCT account_id) FROM {classified} WHERE outcome IS NULL"
    ).fetchall()
    result.accounts = int(accounts)
    return result


def _bucket(
    connection: duckdb.DuckDBPyConnection, classified: str, kinds: KindColumn
) -> tuple[str, bool]:
    """SQL for a counted row's unlisted kind, and whether only top kinds are.

    Reads the type column alone to estimate its distinct labels. Where there
    are few, the bucket is the kind; else the kinds of the most frequent
    labels, kept in a small table, are buckets, and every other unlisted
    kind falls into one.
    """
    label = f'"{kinds.label}"'
    [(labels, top)] = connection.sql(
        f"SELECT approx_count_distinct({label}), approx_top_k({label}, {TOP_LABELS}) "
        f"FROM {kinds.staged}"
    ).fetchall()
    unlisted = "outcome IS NULL"
    if kinds.listed:
        listed = ", ".join(sql_text(kind) for kind in sorted(kinds.listed))
        unlisted += f" AND kind NOT IN ({listed})"
    if int(labels or 0) <= MAX_GROUPED_LABELS:
        return f"CASE WHEN {unlisted} THEN kind END", False

    # The labels are passed as a parameter, not written into the SQL, which
    # the log may show: they may be free text about people.
    frequent = f"{classified}_frequent_kinds"
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {frequent} AS SELECT DISTINCT "
        f"{kinds.kind_sql('label')} AS kind FROM (SELECT unnest(?) AS label)",
        [[str(text) for text in top or []]],
    )
    counted_apart = f"kind IN (SELECT kind FROM {frequent})"
    return (
        f"CASE WHEN {unlisted} THEN CASE WHEN {counted_apart} THEN kind "
        f"ELSE {sql_text(_OTHER)} END END"
    ), True


def _add(counts: dict[Key, Count], key: Key, rows: int, examples: list[int]) -> None:
    """Merge one group's rows into ``counts[key]``."""
    before = counts.get(key, Count(0, []))
    first = sorted([*before.examples, *examples])[:MAX_EXAMPLES]
    counts[key] = Count(before.rows + rows, first)
