"""Rows of a large Parquet file that repeat an account id, merged in place.

The cell reader merges the rows of one account id when their values agree,
blanks filled from the later rows, and refuses them when two rows hold
different values (see :mod:`tierwise.sources.duplicates`). A Parquet file
too large for it (:data:`~tierwise.sources.parquet_view.CELL_READER_MAX_ROWS`)
gets the same here, in SQL over the rows the import keeps: the same
comparison (text the model matches without case is compared lower-cased),
the same refusal, the first row's values and row number kept, and each
later row skipped as ``merged into row N``.

Ten million rows with a thousand of them repeated took 3.5 s to read
(1.5 s with none repeated) and about a third longer to score, the merged
accounts being a union of the untouched rows and the merged ones.

Known difference: only the columns the run reads are compared. A CSV of
the same rows is refused when repeated rows differ in a column the model
does not score (a phone number, say); in place such rows are merged, and
what they differ in is not read at all.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import duckdb

from tierwise.errors import SourceError
from tierwise.sources.duplicates import conflicts_message
from tierwise.sources.report import Merge

__all__ = ["REPEATED_IDS", "MergedRows", "merge_repeated_ids"]

log = logging.getLogger(__name__)

# The ids two kept rows share, one row each, made by the caller.
REPEATED_IDS = "tierwise_repeated_ids"


@dataclass
class MergedRows:
    """The relation of merged accounts, the rows skipped into them, and how."""

    relation: str
    skipped: list[tuple[int, str]]
    merges: list[Merge]


def merge_repeated_ids(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    kept: str,
    fields: Sequence[str],
    caseless: Collection[str],
    first_row: int,
    view: str = "tierwise_merged",
) -> MergedRows:
    """Merge the rows of ``kept`` that share an account id into ``view``
    (the same columns; a merged row has its first row's number).

    ``kept`` is a relation of the rows the import keeps, with ``fields``
    (``account_id`` among them) and the file's ``file_row_number`` (0-based;
    ``first_row`` is the number people see for the first record); the
    table :data:`REPEATED_IDS` holds the ids it repeats.
    ``caseless`` are the fields compared lower-cased.

    Raises:
        SourceError: when rows with one account id hold different values,
            naming them as the cell reader does; nothing is created then.
    """
    repeated = f"account_id IN (SELECT account_id FROM {REPEATED_IDS})"
    others = [name for name in fields if name != "account_id"]
    # One pass over the repeated rows: each id's rows, and the fields in
    # which they hold two values.
    differs = "".join(
        f", COUNT(DISTINCT {_compared(name, caseless)}) > 1" for name in others
    )
    groups = connection.sql(
        f"SELECT account_id, LIST(file_row_number + {first_row} "
        f"ORDER BY file_row_number){differs} FROM {kept} WHERE {repeated} "
        "GROUP BY account_id ORDER BY MIN(file_row_number)"
    ).fetchall()
    conflicts = [
        (group[0], group[1], [n for n, d in zip(others, group[2:], strict=True) if d])
        for group in groups
        if any(group[2:])
    ]
    if conflicts:
        raise SourceError(conflicts_message(source, conflicts))

    firsts = ", ".join(
        f"arg_min({_ident(name)}, file_row_number) "
        f"FILTER (WHERE {_ident(name)} IS NOT NULL) AS {_ident(name)}"
        for name in others
    )
    listed = ", ".join(_ident(name) for name in fields)
    merged = ", ".join(["account_id", *(_ident(name) for name in others)])
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {_ident(view)} AS "
        f"SELECT {listed}, file_row_number FROM {kept} WHERE NOT {repeated} "
        f"UNION ALL SELECT {merged}, file_row_number FROM ("
        f"SELECT account_id, {firsts + ', ' if firsts else ''}"
        f"MIN(file_row_number) AS file_row_number "
        f"FROM {kept} WHERE {repeated} GROUP BY account_id)"
    )

    skipped: list[tuple[int, str]] = []
    merges: list[Merge] = []
    for account, rows, *_ in groups:
        first, later = int(rows[0]), [int(row) for row in rows[1:]]
        reason = f"merged into row {first} (same account_id {account})"
        skipped += [(row, reason) for row in later]
        merges.append(
            Merge(
                key="account_id",
                value=str(account),
                kept_row=first,
                kept_id=str(account),
                rows=later,
                ids=[str(account)] * len(later),
            )
        )
    log.info("%s: %d rows merged into %d accounts", source, len(skipped), len(merges))
    return MergedRows(relation=_ident(view), skipped=sorted(skipped), merges=merges)


def _compared(name: str, caseless: Collection[str]) -> str:
    """The value of ``name`` as rows are compared: text the model matches
    without case lower-cased (it is trimmed already)."""
    return f"LOWER({_ident(name)})" if name in caseless else _ident(name)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
