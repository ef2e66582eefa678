"""Bringing the registry up to date with a run's accounts, on PostgreSQL.

The run's ids, names and domains are staged in a temporary table and joined
once with the registry; the few accounts that differ (new, renamed or back,
departed) are then written by key. Three separate joins over a million ids
cost three times as much when almost nothing changed.

The first run into a store meets an empty registry, where every account is
new: its accounts are copied straight into the registry instead. Staging a
million accounts, joining them with nothing and inserting them all from the
join took 4.0 s; the copy took 1.7 s. The registry's key (and the
overrides' key pointing at it) is set aside for that copy and built again
once it is full: in the same transaction, so nobody sees the registry
without it.

All of this runs while a second connection copies the run's results
(`tierwise.store.bulk`).

Reading the registry out and comparing it beside the database was tried as
well: the first run was as quick, but a run of a million accounts seen
again took 8 s instead of 6 s, as the server sends a message for every
account it reads out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pyarrow as pa
from sqlalchemy import Connection, text

__all__ = ["RegistryCopy", "registry_copy", "settle_registry"]

SEEN_TABLE = "tierwise_accounts_seen"
OVERRIDES_TABLE = "overrides"
CHANGES_TABLE = "tierwise_registry_changes"

# No accounts, and so no overrides, which point at them (asked all the same:
# the straight copy empties both tables for good).
_EMPTY = text(
    "SELECT NOT EXISTS (SELECT 1 FROM accounts) "
    "AND NOT EXISTS (SELECT 1 FROM overrides)"
)
# The registry's primary key, then the foreign keys that point at it.
_KEYS = text(
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
    "FROM pg_constraint WHERE (conrelid = 'accounts'::regclass AND contype = 'p') "
    "OR (confrelid = 'accounts'::regclass AND contype = 'f') "
    "ORDER BY contype = 'f', conname"
)
# Each account that is new (known NULL), left (seen NULL), or renamed,
# re-domained or back after missing a run (both set).
_CHANGES = text(
    f"CREATE TEMP TABLE {CHANGES_TABLE} ON COMMIT DROP AS "
    "SELECT s.account_id AS seen, s.name, s.domain, a.account_id AS known "
    f"FROM {SEEN_TABLE} s FULL JOIN accounts a ON a.account_id = s.account_id "
    "WHERE a.account_id IS NULL "
    "OR (s.account_id IS NULL AND a.last_seen_run_id IS NULL) "
    "OR (s.account_id IS NOT NULL AND (a.name IS DISTINCT FROM s.name "
    "OR a.domain IS DISTINCT FROM s.domain OR a.last_seen_run_id IS NOT NULL))"
)
_LEFT_BY_KEY = text(
    f"UPDATE accounts SET last_seen_run_id = :previous FROM {CHANGES_TABLE} c "
    "WHERE c.seen IS NULL AND accounts.account_id = c.known"
)
_CHANGED_BY_KEY = text(
    "UPDATE accounts SET name = c.name, domain = c.domain, last_seen_run_id = NULL "
    f"FROM {CHANGES_TABLE} c "
    "WHERE c.seen IS NOT NULL AND accounts.account_id = c.known"
)
_NEW_BY_KEY = text(
    "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
    f"SELECT c.seen, c.name, c.domain, :run FROM {CHANGES_TABLE} c "
    "WHERE c.known IS NULL ORDER BY c.seen"
)
# A quarter recorded late: only the accounts the registry has not seen,
# last seen in that quarter.
_NEW_LATE = text(
    "INSERT INTO accounts (account_id, name, domain, first_seen_run_id, "
    f"last_seen_run_id) SELECT account_id, name, domain, :run, :run "
    f"FROM {SEEN_TABLE} ORDER BY account_id ON CONFLICT (account_id) DO NOTHING"
)


@dataclass(frozen=True)
class RegistryCopy:
    """Where a run's accounts are copied: straight into an empty registry,
    or into a staging table joined with the registry afterwards."""

    table: str
    # Columns after the id, name and domain that hold the run's id.
    run_columns: tuple[str, ...] = ()
    # The registry's keys set aside while it is filled: (table, name, definition).
    keys: tuple[tuple[str, str, str], ...] = ()

    @property
    def staged(self) -> bool:
        return self.table == SEEN_TABLE

    def columns(self, seen: Sequence[str]) -> tuple[str, ...]:
        return (*seen, *self.run_columns)

    def statement(self, seen: Sequence[str]) -> str:
        """The COPY that takes rows of ``seen`` columns and the run's ids."""
        # Emptied in this transaction, the registry takes its rows frozen:
        # nobody reads them later only to mark them as committed.
        frozen = "" if self.staged else ", FREEZE"
        names = ", ".join(self.columns(seen))
        return f"COPY {self.table} ({names}) FROM STDIN (FORMAT csv{frozen})"

    def rows(self, seen: pa.RecordBatch, run_id: int) -> pa.RecordBatch:
        """``seen`` (id, name, domain) as this copy's rows."""
        fixed = pa.repeat(pa.scalar(run_id, pa.int64()), seen.num_rows)
        return pa.RecordBatch.from_arrays(
            [*seen.columns, *(fixed for _ in self.run_columns)],
            names=list(self.columns(seen.schema.names)),
        )


def registry_copy(connection: Connection, late: bool) -> RegistryCopy:
    """Prepare the copy of a run's accounts (id, name, domain).

    An empty registry takes them as they come, first seen in the run (and
    last seen in it when the run is ``late``); otherwise they are staged
    for `settle_registry`.
    """
    if connection.execute(_EMPTY).scalar_one():
        keys = tuple(
            (str(table), str(name), str(definition))
            for table, name, definition in connection.execute(_KEYS)
        )
        # Another table pointing at the registry (not one of tierwise's)
        # would stop the registry being emptied; it is then staged.
        if {table for table, _, _ in keys} <= {"accounts", OVERRIDES_TABLE}:
            first = ("first_seen_run_id",)
            _set_keys_aside(connection, keys)
            return RegistryCopy(
                "accounts", (*first, "last_seen_run_id") if late else first, keys
            )
    connection.exec_driver_sql(
        f'CREATE TEMP TABLE {SEEN_TABLE} (account_id VARCHAR COLLATE "C", '
        "name VARCHAR, domain VARCHAR) ON COMMIT DROP"
    )
    return RegistryCopy(SEEN_TABLE)


def settle_registry(
    connection: Connection,
    copied: RegistryCopy,
    run_id: int,
    previous_run_id: int | None,
    late: bool,
) -> None:
    """Bring the registry up to date with the accounts staged by ``copied``.

    New accounts are first seen in this run; accounts seen again take its
    name and domain; accounts of the latest run (``previous_run_id``) that
    this run lacks were last seen there. A ``late`` run, of a quarter before
    the latest, only adds the accounts the registry lacks, last seen in it.
    Accounts copied straight into an empty registry only get its keys back.
    """
    if not copied.staged:
        for table, name, definition in copied.keys:
            connection.exec_driver_sql(
                f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}'
            )
        return
    if late:
        connection.execute(_NEW_LATE, {"run": run_id})
        return
    connection.execute(_CHANGES)
    if previous_run_id is not None:
        connection.execute(_LEFT_BY_KEY, {"previous": previous_run_id})
    connection.execute(_CHANGED_BY_KEY)
    connection.execute(_NEW_BY_KEY, {"run": run_id})


def _set_keys_aside(
    connection: Connection, keys: Sequence[tuple[str, str, str]]
) -> None:
    """Empty the registry for good and drop ``keys``: its own and those
    pointing at it (the overrides', from `_KEYS`).

    Called on an empty registry with no overrides, inside the recording's
    transaction: emptied, the registry takes a copy without writing a
    transaction's marks on each row, and a key built once the registry is
    full costs less than keeping it up to date row by row. `settle_registry`
    adds the keys back.
    """
    connection.exec_driver_sql(f"TRUNCATE accounts, {OVERRIDES_TABLE}")
    for table, name, _ in reversed(keys):
        connection.exec_driver_sql(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
