"""Bulk paths: how a run's rows reach the database without the ORM.

A run of a million accounts is a million rows, so rows travel in Arrow
record batches straight from the engine's DuckDB result. On PostgreSQL each
batch becomes CSV text written by Arrow and streamed through ``COPY ... FROM
STDIN``; on SQLite each batch becomes tuples for one ``executemany``. Both run
on the caller's connection, inside its transaction: nothing here commits.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, text

__all__ = ["REGISTRY_COLUMNS", "Progress", "insert_batches", "refresh_registry"]

log = logging.getLogger(__name__)

# Called after each batch with the rows stored so far.
Progress = Callable[[int], None]

REGISTRY_COLUMNS = ("account_id", "name", "domain")
STAGING_TABLE = "tierwise_accounts_seen"
CSV_OPTIONS = pa_csv.WriteOptions(include_header=False)


def insert_batches(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    """Append ``batches`` (columns in the order of ``columns``) to ``table``.

    Returns the number of rows written.
    """
    if connection.dialect.name == "postgresql":
        return _copy_postgres(connection, table, columns, batches, progress)
    return _insert_sqlite(connection, table, columns, batches, progress)


def refresh_registry(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    batches: Iterable[pa.RecordBatch],
) -> None:
    """Bring the account registry up to date with run ``run_id``.

    Each batch holds ``REGISTRY_COLUMNS`` for every account in the run, whose
    results must already be stored. Only what changed is written: accounts
    new to the store, accounts whose name or domain changed, accounts back
    after missing a run, and accounts in ``previous_run_id`` that are not in
    this run (their ``last_seen_run_id`` becomes the previous run). An account
    in the latest run keeps ``last_seen_run_id`` NULL, so a quarter in which
    a million accounts reappear unchanged rewrites no registry row.
    """
    if previous_run_id is not None:
        connection.execute(_LEFT, {"run": run_id, "previous": previous_run_id})

    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGING_TABLE} (account_id VARCHAR, "
            "name VARCHAR, domain VARCHAR) ON COMMIT DROP"
        )
        _copy_postgres(connection, STAGING_TABLE, REGISTRY_COLUMNS, batches)
        connection.execute(_REFRESH_CHANGED)
        connection.execute(_INSERT_NEW, {"run": run_id})
        return

    statement = (
        "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
        f"VALUES (?, ?, ?, {int(run_id)}) ON CONFLICT (account_id) DO UPDATE "
        "SET name = excluded.name, domain = excluded.domain, "
        "last_seen_run_id = NULL WHERE accounts.name IS NOT excluded.name "
        "OR accounts.domain IS NOT excluded.domain "
        "OR accounts.last_seen_run_id IS NOT NULL"
    )
    _executemany(connection, statement, batches)


_LEFT = text(
    "UPDATE accounts SET last_seen_run_id = :previous "
    "WHERE last_seen_run_id IS NULL AND NOT EXISTS (SELECT 1 FROM run_results r "
    "WHERE r.run_id = :run AND r.account_id = accounts.account_id)"
)
_REFRESH_CHANGED = text(
    f"UPDATE accounts SET name = s.name, domain = s.domain, "
    f"last_seen_run_id = NULL FROM {STAGING_TABLE} s "
    "WHERE accounts.account_id = s.account_id "
    "AND (accounts.name IS DISTINCT FROM s.name "
    "OR accounts.domain IS DISTINCT FROM s.domain "
    "OR accounts.last_seen_run_id IS NOT NULL)"
)
_INSERT_NEW = text(
    "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
    f"SELECT s.account_id, s.name, s.domain, :run FROM {STAGING_TABLE} s "
    "WHERE NOT EXISTS (SELECT 1 FROM accounts a WHERE a.account_id = s.account_id)"
)


def _copy_postgres(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    # Arrow writes nulls as empty unquoted fields and every string quoted, which
    # is exactly how PostgreSQL's CSV format tells NULL from an empty string;
    # floats are written in their shortest form that reads back bit for bit.
    names = ", ".join(columns)
    written = 0
    raw = _driver(connection)
    with (
        raw.cursor() as cursor,
        cursor.copy(f"COPY {table} ({names}) FROM STDIN (FORMAT csv)") as copy,
    ):
        for batch in batches:
            buffer = io.BytesIO()
            pa_csv.write_csv(batch, buffer, CSV_OPTIONS)
            copy.write(buffer.getbuffer())
            written += batch.num_rows
            if progress:
                progress(written)
    return written


def _insert_sqlite(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    names = ", ".join(columns)
    marks = ", ".join("?" for _ in columns)
    statement = f"INSERT INTO {table} ({names}) VALUES ({marks})"
    return _executemany(connection, statement, batches, progress)


def _executemany(
    connection: Connection,
    statement: str,
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    written = 0
    cursor = _driver(connection).cursor()
    try:
        for batch in batches:
            rows = zip(*(column.to_pylist() for column in batch.columns), strict=True)
            cursor.executemany(statement, rows)
            written += batch.num_rows
            if progress:
                progress(written)
    finally:
        cursor.close()
    return written


def _driver(connection: Connection) -> Any:
    """The DB-API connection under ``connection``, inside its transaction."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the store's connection was closed while writing")
    return driver
