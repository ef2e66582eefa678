"""Where a what-if finds a recorded run's input: a file, or a table.

A file run's input is checked by its digest before it is read again (see
`tierwise.jobs.read_input_again`). A run from a table (``tier --source``)
recorded the table's URL without secrets, a database file's path and the
column mapping; the table is read again through the same mapped select,
and since a table has no digest, the run's own model must then give every
account the tier, reason and total the store recorded, or the table has
changed and the preview is refused, as ``explain`` refuses it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import duckdb
import pyarrow as pa

from tierwise.engine.run import open_connection
from tierwise.errors import SourceError, TierwiseError
from tierwise.model.schema import TieringModel
from tierwise.run_record import mapping_again, mapping_digest
from tierwise.sources import ColumnMapping
from tierwise.sources.database import TableSource, parse_source
from tierwise.table_inputs import (
    TableRun,
    is_table_origin,
    read_table_again,
    source_again,
)

if TYPE_CHECKING:
    from tierwise.store import RecordedInput, Store

__all__ = ["TableInput", "origin_of", "refuse_table_changes", "table_input"]

# Accounts named in the message about a table that changed; then a count.
CHANGES_SHOWN = 5
# What to do instead, when a run's table cannot be read as the run read it.
TIER_AGAIN = (
    "tier the table again with `tierwise tier --source {source}` (with this "
    "--db) and preview against that run"
)


@dataclass(frozen=True)
class TableInput:
    """A run's table, found again, and the column mapping it was read with."""

    source: TableSource
    mapping: ColumnMapping

    def read(self, connection: duckdb.DuckDBPyConnection, model: TieringModel) -> None:
        """Put the table's accounts in ``connection`` as ``accounts``."""
        read_table_again(connection, self.source, model, self.mapping)


def origin_of(recorded: RecordedInput, source: str | None) -> dict[str, str]:
    """Where run ``recorded`` found its input, as it recorded it.

    Raises:
        TierwiseError: when the run recorded no origin (it names the table
            a table run read, and how to tier it again), or ``source`` is
            given for a run that read a file.
    """
    run = recorded.run
    if recorded.origin is None:
        if run.source is not None and _names_table(run.source):
            raise TierwiseError(
                f"run {run.run_id} read the table {run.source} but did not record "
                "how to read it again (runs from a table recorded before this "
                "version of tierwise kept no way back); "
                + TIER_AGAIN.format(source=run.source)
            )
        raise TierwiseError(
            f"run {run.run_id} did not record where its input file is (it was "
            "recorded by an older tierwise, or without a file); tier the file "
            "again with `tierwise tier` and use --against with that run"
        )
    if source is not None and not is_table_origin(recorded.origin):
        raise TierwiseError(
            f"--source is for a run tiered from a table; run {run.run_id} read "
            f"the file {recorded.origin['accounts']}: leave --source out"
        )
    return recorded.origin


def table_input(recorded: RecordedInput, source: str | None) -> TableInput | None:
    """The table run ``recorded`` read, found again; None for a file run.

    ``source`` is the run's ``URL::TABLE`` given again (``--source``): its
    password, which no run keeps, or a database file's new place.

    Raises:
        TierwiseError: when the table cannot be found again as the run read
            it, or the column mapping changed since.
    """
    origin = origin_of(recorded, source)
    if not is_table_origin(origin):
        return None
    run_id = recorded.run.run_id
    run = TableRun(
        origin["source"],
        origin.get("source_file"),
        f"run {run_id}",
        doing="preview a model on it",
        then="preview a model against that run (--against RUN)",
    )
    table = source_again(run, source)
    mapping = mapping_again(origin)
    if mapping_digest(mapping) != recorded.digests.get("mapping"):
        raise TierwiseError(
            f"the column mapping {origin['mapping']} has changed since run "
            f"{run_id} was recorded; put it back as it was, or "
            + TIER_AGAIN.format(source=table.shown())
        )
    return TableInput(table, mapping)


def refuse_table_changes(
    store: Store, recorded: RecordedInput, before: pa.Table, source: TableSource
) -> None:
    """Refuse a table whose accounts no longer score as the run recorded.

    ``before`` is the table scored again with the run's own model (account
    id, tier, total, reason); each account must have the tier, reason and
    total (in whole hundredths) the store holds for it, and the table and
    the run must hold the same accounts.

    Raises:
        TierwiseError: naming the first accounts that differ, and the fix.
    """
    from tierwise.store import recorded_outcomes

    run_id = recorded.run.run_id
    connection = open_connection()
    try:
        connection.register("then_scored", recorded_outcomes(store, run_id))
        connection.register("now_scored", before)
        differing = (
            "FROM then_scored t FULL JOIN now_scored n "
            "ON n.account_id = t.account_id "
            "WHERE t.account_id IS NULL OR n.account_id IS NULL "
            "OR t.tier <> n.tier OR t.reason <> n.reason "
            "OR t.total_centi IS DISTINCT FROM CAST(round(n.total * 100) AS INTEGER)"
        )
        ((count,),) = connection.sql(f"SELECT COUNT(*) {differing}").fetchall()
        rows = connection.sql(
            "SELECT COALESCE(t.account_id, n.account_id) AS id, "
            "t.account_id IS NOT NULL, n.account_id IS NOT NULL, t.tier, n.tier, "
            "t.reason, n.reason, t.total_centi, "
            f"CAST(round(n.total * 100) AS INTEGER) {differing} "
            f"ORDER BY id LIMIT {CHANGES_SHOWN}"
        ).fetchall()
    finally:
        connection.close()
    if not count:
        return

    changed = ", ".join(_changed(row) for row in rows)
    more = f" and {count - len(rows):,} more" if count > len(rows) else ""
    raise TierwiseError(
        f"{source.shown()}: the table changed since run {run_id}, so it is no "
        f"longer that run's input: account {changed}{more}; "
        + TIER_AGAIN.format(source=source.shown())
    )


def _changed(row: tuple[Any, ...]) -> str:
    """One account that scores otherwise now, or is in one side only."""
    account, in_run, in_table, tier_then, tier_now, why_then, why_now = row[:7]
    total_then, total_now = row[7:]
    if not in_run:
        return f"{account} is in the table but was not in the run"
    if not in_table:
        return f"{account} was in the run but is no longer in the table"
    differences = []
    if total_then != total_now:
        differences.append(
            f"total {_score(total_now)} now, {_score(total_then)} in the run"
        )
    if tier_then != tier_now:
        differences.append(f"tier {tier_now} now, {tier_then} in the run")
    elif why_then != why_now:
        differences.append(f"reason {why_now} now, {why_then} in the run")
    return f"{account} ({'; '.join(differences)})"


def _score(hundredths: int | None) -> str:
    return "unknown" if hundredths is None else f"{hundredths / 100:g}"


def _names_table(source: str) -> bool:
    """Whether a run's recorded source is a table (``URL::TABLE``)."""
    try:
        parse_source(source)
    except SourceError:
        return False
    return True
