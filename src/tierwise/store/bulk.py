"""Bulk paths: how a run's rows reach the database without the ORM.

A run of a million accounts is a million rows, so rows travel in Arrow
record batches straight from the engine's DuckDB result. On PostgreSQL each
batch becomes CSV text written by Arrow and streamed through ``COPY ... FROM
STDIN``; on SQLite each batch becomes tuples for one ``executemany``. Both run
on the caller's connection, inside its transaction: nothing here commits.

Known shortfall: storing a million results is meant to cost at most twice
the scoring. ``benchmarks/store_bench.py`` measured (two shared cores, load
average 2 to 4, scoring 5 to 6 s) 11 to 16 s on PostgreSQL, about 2x, and
15 to 35 s on SQLite, 2.5x to 6x. On SQLite the time goes to binding sixteen
values per row in ``executemany`` (about 7 s a million) and turning Arrow
values into Python objects (about 2.5 s); feeding a batch as one JSON text
to ``json_each`` was twice as slow. DuckDB's SQLite extension would write
directly but must be downloaded, which the store does not do.
"""

from __future__ import annotations

import io
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, text

__all__ = ["REGISTRY_COLUMNS", "Progress", "insert_batches", "refresh_registry"]

log = logging.getLogger(__name__)

# Called after each batch with the rows stored so far.
Progress = Callable[[int], None]

REGISTRY_COLUMNS = ("account_id", "name", "domain")
STAGING_TABLE = "tierwise_accounts_seen"
CHANGES_TABLE = "tierwise_registry_changes"
CSV_OPTIONS = pa_csv.WriteOptions(include_header=False)
PREPARED_AHEAD = 2

T = TypeVar("T")


def insert_batches(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
    constants: Mapping[str, int] | None = None,
) -> int:
    """Append ``batches`` (columns in the order of ``columns``) to ``table``.

    ``constants`` are integer columns with one value for every row (a run's
    id): SQLite gets them as literals in the statement rather than bound
    once per row. Returns the number of rows written.
    """
    fixed = dict(constants or {})
    if connection.dialect.name == "postgresql":
        if fixed:
            batches = (_with_constants(batch, fixed) for batch in batches)
        names = (*columns, *fixed)
        return _copy_postgres(connection, table, names, batches, progress)
    return _insert_sqlite(connection, table, columns, batches, progress, fixed)


def record_rows(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    """Store run ``run_id``'s results and bring the registry up to date.

    Each batch holds ``columns`` (the result row less its run id) and then
    ``REGISTRY_COLUMNS[1:]`` (each account's name and domain), in account
    order. The rows are sent once, into a temporary table, and both the
    results and the registry are written from it by SQL, so the database
    reads each account's values once however many tables they reach.
    Returns the number of results stored.
    """
    names = (*columns, *REGISTRY_COLUMNS[1:])
    if connection.dialect.name == "postgresql":
        types = _postgres_types(names)
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGING_TABLE} ({types}) ON COMMIT DROP"
        )
        written = _copy_postgres(connection, STAGING_TABLE, names, batches, progress)
    else:
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGING_TABLE} ({', '.join(names)})"
        )
        marks = ", ".join("?" for _ in names)
        statement = f"INSERT INTO temp.{STAGING_TABLE} VALUES ({marks})"
        written = _executemany(connection, statement, batches, progress)

    listed = ", ".join(columns)
    connection.exec_driver_sql(
        f"INSERT INTO run_results (run_id, {listed}) "
        f"SELECT {int(run_id)}, {listed} FROM {STAGING_TABLE}"
    )
    if connection.dialect.name == "postgresql":
        _registry_postgres(connection, run_id, previous_run_id)
    else:
        _registry_sqlite(connection, run_id, previous_run_id)
        connection.exec_driver_sql(f"DROP TABLE temp.{STAGING_TABLE}")
    return written


def _registry_sqlite(
    connection: Connection, run_id: int, previous_run_id: int | None
) -> None:
    if previous_run_id is not None:
        connection.execute(_LEFT, {"run": run_id, "previous": previous_run_id})
    # WHERE true tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    connection.exec_driver_sql(
        "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
        f"SELECT account_id, name, domain, {int(run_id)} FROM temp.{STAGING_TABLE} "
        "WHERE true ON CONFLICT (account_id) DO UPDATE "
        "SET name = excluded.name, domain = excluded.domain, "
        "last_seen_run_id = NULL WHERE accounts.name IS NOT excluded.name "
        "OR accounts.domain IS NOT excluded.domain "
        "OR accounts.last_seen_run_id IS NOT NULL"
    )


def _registry_postgres(
    connection: Connection, run_id: int, previous_run_id: int | None
) -> None:
    connection.exec_driver_sql(f"ANALYZE {STAGING_TABLE}")
    connection.execute(_CHANGES)
    if previous_run_id is not None:
        connection.execute(_LEFT_BY_KEY, {"previous": previous_run_id})
    connection.execute(_CHANGED_BY_KEY)
    connection.execute(_NEW_BY_KEY, {"run": run_id})


def _postgres_types(names: Sequence[str]) -> str:
    # Each staged column has its stored type; ids compare byte by byte.
    types = {"account_id": 'VARCHAR COLLATE "C"', "name": "VARCHAR"}
    types |= {"domain": "VARCHAR", "potential": "DOUBLE PRECISION"}
    return ", ".join(f"{name} {types.get(name, 'BIGINT')}" for name in names)


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
    if connection.dialect.name == "postgresql":
        _refresh_postgres(connection, run_id, previous_run_id, batches)
        return

    if previous_run_id is not None:
        connection.execute(_LEFT, {"run": run_id, "previous": previous_run_id})
    statement = (
        "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
        f"VALUES (?, ?, ?, {int(run_id)}) ON CONFLICT (account_id) DO UPDATE "
        "SET name = excluded.name, domain = excluded.domain, "
        "last_seen_run_id = NULL WHERE accounts.name IS NOT excluded.name "
        "OR accounts.domain IS NOT excluded.domain "
        "OR accounts.last_seen_run_id IS NOT NULL"
    )
    _executemany(connection, statement, batches)


def _refresh_postgres(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    batches: Iterable[pa.RecordBatch],
) -> None:
    # The run's accounts are staged, then joined once with the registry; the
    # few rows that differ are applied by key. Three separate joins over a
    # million ids cost three times as much when almost nothing changed.
    connection.exec_driver_sql(
        f'CREATE TEMP TABLE {STAGING_TABLE} (account_id VARCHAR COLLATE "C", '
        "name VARCHAR, domain VARCHAR) ON COMMIT DROP"
    )
    _copy_postgres(connection, STAGING_TABLE, REGISTRY_COLUMNS, batches)
    connection.exec_driver_sql(f"ANALYZE {STAGING_TABLE}")
    connection.execute(_CHANGES)

    if previous_run_id is not None:
        connection.execute(_LEFT_BY_KEY, {"previous": previous_run_id})
    connection.execute(_CHANGED_BY_KEY)
    connection.execute(_NEW_BY_KEY, {"run": run_id})


# SQLite: accounts of the latest run (NULL) that this run does not hold.
_LEFT = text(
    "UPDATE accounts SET last_seen_run_id = :previous "
    "WHERE last_seen_run_id IS NULL AND NOT EXISTS (SELECT 1 FROM run_results r "
    "WHERE r.run_id = :run AND r.account_id = accounts.account_id)"
)

# PostgreSQL: each account that is new (known NULL), left (seen NULL), or
# renamed, re-domained or back after missing a run (both set).
_CHANGES = text(
    f"CREATE TEMP TABLE {CHANGES_TABLE} ON COMMIT DROP AS "
    "SELECT s.account_id AS seen, s.name, s.domain, a.account_id AS known "
    f"FROM {STAGING_TABLE} s FULL JOIN accounts a ON a.account_id = s.account_id "
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
        for rows, text_rows in ahead(batches, _csv):
            copy.write(text_rows)
            written += rows
            if progress:
                progress(written)
    return written


def _insert_sqlite(
    connection: Connection,
    table: str,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None,
    constants: Mapping[str, int],
) -> int:
    names = ", ".join((*constants, *columns))
    values = [str(int(value)) for value in constants.values()]
    values += ["?" for _ in columns]
    statement = f"INSERT INTO {table} ({names}) VALUES ({', '.join(values)})"
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
        for rows in ahead(batches, _tuples):
            cursor.executemany(statement, rows)
            written += len(rows)
            if progress:
                progress(written)
    finally:
        cursor.close()
    return written


def ahead(
    batches: Iterable[pa.RecordBatch], prepare: Callable[[pa.RecordBatch], T]
) -> Iterator[T]:
    """``prepare(batch)`` for each batch, made by a thread while the last is sent.

    Reading the engine's result and turning it into CSV text or tuples is
    Python-side work that, on another core, overlaps with the database's own
    (both drivers release the interpreter lock while the database works). On
    two busy cores it saved up to a fifth of the time to store 300,000
    results on SQLite, and nothing measurable on PostgreSQL or at a million
    rows, where other work on the machine swamped the difference. The thread
    stops when the caller stops early or fails, and closes ``batches`` if it
    is a generator.
    """
    ready: queue.Queue[tuple[bool, Any]] = queue.Queue(maxsize=PREPARED_AHEAD)
    stopped = threading.Event()

    def work() -> None:
        source = iter(batches)
        try:
            for batch in source:
                if not _offer(ready, stopped, (True, prepare(batch))):
                    return
            _offer(ready, stopped, (False, None))
        except BaseException as error:
            _offer(ready, stopped, (False, error))
        finally:
            # A generator over a query result lets the result go now, so its
            # connection is free for the next query.
            close = getattr(source, "close", None)
            if close is not None:
                close()

    worker = threading.Thread(target=work, name="tierwise-store-batches", daemon=True)
    worker.start()
    try:
        while True:
            more, item = ready.get()
            if not more:
                if item is not None:
                    raise item
                return
            yield item
    finally:
        stopped.set()
        worker.join()


def _offer(
    ready: queue.Queue[tuple[bool, Any]],
    stopped: threading.Event,
    item: tuple[bool, Any],
) -> bool:
    while not stopped.is_set():
        try:
            ready.put(item, timeout=0.1)
            return True
        except queue.Full:
            continue
    return False


def _csv(batch: pa.RecordBatch) -> tuple[int, memoryview]:
    buffer = io.BytesIO()
    pa_csv.write_csv(batch, buffer, CSV_OPTIONS)
    return batch.num_rows, buffer.getbuffer()


def _with_constants(
    batch: pa.RecordBatch, constants: Mapping[str, int]
) -> pa.RecordBatch:
    extra = [
        pa.repeat(pa.scalar(value, pa.int64()), batch.num_rows)
        for value in constants.values()
    ]
    return pa.RecordBatch.from_arrays(
        [*batch.columns, *extra], names=[*batch.schema.names, *constants]
    )


def _tuples(batch: pa.RecordBatch) -> list[tuple[Any, ...]]:
    return list(zip(*(column.to_pylist() for column in batch.columns), strict=True))


def _driver(connection: Connection) -> Any:
    """The DB-API connection under ``connection``, inside its transaction."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the store's connection was closed while writing")
    return driver
