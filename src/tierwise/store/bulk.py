"""Bulk paths: how a run's rows reach the database without the ORM.

A run of a million accounts is a million result rows and a registry that
must learn of a million accounts, so rows travel in Arrow record batches
straight from the engine's DuckDB result, each row holding the stored
result (see `tierwise.store.results`) followed by the account's name and
domain. Everything runs on the caller's connection, inside its transaction:
nothing here commits, so a run is stored whole or not at all. A model with
more than four dimensions also has scores for ``run_dimension_scores``,
which a run of the bundled model never touches: on SQLite they ride in the
staged rows as columns of their own, and on PostgreSQL they are copied
after the registry, while the results' own copy may still run.

On SQLite the batches are staged in scratch files by the ADBC driver
(`tierwise.store.staging`), chunk by chunk, and each chunk is copied into
the results and the registry by SQL while the next is written. Without the
driver each batch becomes tuples for one ``executemany`` into a temporary
table instead.

On PostgreSQL two server connections work at once. The run's accounts
(id, name, domain) are read from the engine first, and a thread copies them
into the registry (`tierwise.store.postgres_registry`) on the recording's
own connection; meanwhile the results stream as CSV text written by Arrow
to a second connection, which fills the run's own table
(`tierwise.store.postgres_results`), attached as the run's partition once
both are done. Each copy is ``COPY ... FROM STDIN``.

Storing a million results is meant to cost at most twice the scoring. On
SQLite it does by the benchmark's medians; on PostgreSQL too since the two
copies run side by side, each into a table that gets its key once full
(see ``benchmarks/store_bench.py`` and the README for the figures). Neither
has much to spare: single runs went above 2x. Routes measured slower on
PostgreSQL: one connection copying the results and then the registry
(3.0x to 3.5x the scoring), and the binary copy format instead of CSV.
Routes measured slower for SQLite before the ADBC driver: feeding
a batch as JSON to ``json_each``, multi-row ``VALUES`` statements, a
trigger on a view writing both tables, larger pages or page cache, and
packing a row's numbers into one blob. DuckDB's SQLite extension would
write the file directly but must be downloaded, which the store does not do.

A model with more than four dimensions costs more, and on PostgreSQL
more than the target: its extra scores are copied on the recording's
connection after the registry, into one keyed table. With two dimensions
past the fourth (about 650,000 known scores a million accounts) that copy
took 0.7-1.2 s, and recording 3.2 s, 2.4x the scoring; SQLite, whose
staged rows carry the scores, took 1.8x.
"""

from __future__ import annotations

import gc
import io
import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from sqlalchemy import Connection, text

from tierwise.store.database import StoreError
from tierwise.store.postgres_registry import registry_copy, settle_registry
from tierwise.store.postgres_results import (
    ResultsLoader,
    check_rights,
    drop_pending,
)
from tierwise.store.staging import scratch_folder, staged_chunks
from tierwise.store.worker import Stopped, Worker

__all__ = ["REGISTRY_COLUMNS", "Progress", "RunRows", "ahead", "record_rows"]

log = logging.getLogger(__name__)

# Called after each batch with the rows stored so far.
Progress = Callable[[int], None]

REGISTRY_COLUMNS = ("account_id", "name", "domain")
RESULTS_TABLE = "run_results"
EXTRA_SCORES_TABLE = "run_dimension_scores"
EXTRA_SCORE_COLUMNS = ("run_id", "account_id", "dimension", "score_centi")
STAGING_TABLE = "tierwise_accounts_seen"
CSV_OPTIONS = pa_csv.WriteOptions(include_header=False)
PREPARED_AHEAD = 2
# PostgreSQL's code for a value too large for what holds it, such as a key.
PROGRAM_LIMIT_EXCEEDED = "54000"
REGISTRY_CHUNK_ROWS = 50_000

T = TypeVar("T")


@dataclass(frozen=True)
class RunRows:
    """A run's rows, read from the engine in account order when asked for."""

    # Each result followed by its account's name and domain.
    with_accounts: Callable[[], Iterable[pa.RecordBatch]]
    # Each result alone.
    results: Callable[[], Iterable[pa.RecordBatch]]
    # Each account's id, name and domain, all at once.
    accounts: Callable[[], pa.Table]
    # The scores of dimensions past the fourth, as rows of EXTRA_SCORES_TABLE
    # (none for a model of four dimensions or fewer).
    extra_scores: Callable[[], Iterable[pa.RecordBatch]] = lambda: ()


def record_rows(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    columns: Sequence[str],
    rows: RunRows,
    progress: Progress | None = None,
    late: bool = False,
    expected: int = 0,
    extra: Mapping[int, str] | None = None,
) -> int:
    """Store run ``run_id``'s results and bring the registry up to date.

    ``rows`` reads them from the engine: each result holds ``columns`` (a
    result row less its run id, starting with ``account_id``), and in
    ``rows.with_accounts`` then the score of each dimension of ``extra``
    (its place in the model, and the column holding its score).
    ``previous_run_id`` is the latest run before this one (by as-of date,
    then recording). Returns the number of results stored.

    ``late`` says the run is of a quarter before the latest recorded one:
    the registry keeps the latest quarter's names, domains and accounts,
    and only learns of the accounts it has not seen, last seen in this run.

    Only what changed is written to the registry: accounts new to the
    store, accounts whose name or domain changed, accounts back after
    missing a run, and accounts in ``previous_run_id`` that are not in this
    run (their ``last_seen_run_id`` becomes the previous run). An account in
    the latest run keeps ``last_seen_run_id`` NULL, so a quarter in which a
    million accounts reappear unchanged rewrites no registry row.
    """
    if connection.dialect.name == "postgresql":
        return _record_postgres(
            connection, run_id, previous_run_id, columns, rows, progress, late
        )
    return _record_sqlite(
        connection,
        run_id,
        previous_run_id,
        columns,
        rows.with_accounts(),
        progress,
        late,
        expected,
        extra or {},
    )


def _record_sqlite(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    columns: Sequence[str],
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None,
    late: bool,
    expected: int,
    extra: Mapping[int, str],
) -> int:
    source = iter(batches)
    written = 0
    scratch = scratch_folder(connection)
    if scratch is not None:
        # Closed however the loop ends: a run stopped between two chunks
        # (Ctrl-C, SIGTERM, a progress callback raising) must stop the
        # thread writing them, which holds the engine's result open.
        chunks = staged_chunks(connection, scratch, STAGING_TABLE, source, expected)
        with closing(chunks):
            for schema, rows in chunks:
                _apply_staged(
                    connection,
                    f"{schema}.{STAGING_TABLE}",
                    run_id,
                    columns,
                    late,
                    extra,
                )
                written += rows
                if progress:
                    progress(written)
    else:
        staged = (*columns, *extra.values(), *REGISTRY_COLUMNS[1:])
        connection.exec_driver_sql(
            f"CREATE TEMP TABLE {STAGING_TABLE} ({', '.join(staged)})"
        )
        marks = ", ".join("?" for _ in staged)
        written = _executemany(
            connection,
            f"INSERT INTO temp.{STAGING_TABLE} VALUES ({marks})",
            source,
            progress,
        )
        _apply_staged(connection, f"temp.{STAGING_TABLE}", run_id, columns, late, extra)
        connection.exec_driver_sql(f"DROP TABLE temp.{STAGING_TABLE}")
    # After every chunk: the accounts that left are those this run lacks.
    if not late and previous_run_id is not None:
        connection.execute(_LEFT, {"run": run_id, "previous": previous_run_id})
    return written


def _apply_staged(
    connection: Connection,
    staged: str,
    run_id: int,
    columns: Sequence[str],
    late: bool,
    extra: Mapping[int, str],
) -> None:
    """Copy the rows in table ``staged`` into the results and the registry,
    and the known scores in its ``extra`` columns a row each."""
    listed = ", ".join(columns)
    connection.exec_driver_sql(
        f"INSERT INTO {RESULTS_TABLE} (run_id, {listed}) "
        f"SELECT {int(run_id)}, {listed} FROM {staged}"
    )
    for place, column in extra.items():
        connection.exec_driver_sql(
            f"INSERT INTO {EXTRA_SCORES_TABLE} ({', '.join(EXTRA_SCORE_COLUMNS)}) "
            f"SELECT {int(run_id)}, account_id, {int(place)}, {column} "
            f"FROM {staged} WHERE {column} IS NOT NULL"
        )
    # WHERE true tells SQLite's parser that ON CONFLICT belongs to the INSERT.
    if late:
        connection.exec_driver_sql(
            "INSERT INTO accounts (account_id, name, domain, first_seen_run_id, "
            f"last_seen_run_id) SELECT account_id, name, domain, {int(run_id)}, "
            f"{int(run_id)} FROM {staged} "
            "WHERE true ON CONFLICT (account_id) DO NOTHING"
        )
        return
    connection.exec_driver_sql(
        "INSERT INTO accounts (account_id, name, domain, first_seen_run_id) "
        f"SELECT account_id, name, domain, {int(run_id)} FROM {staged} "
        "WHERE true ON CONFLICT (account_id) DO UPDATE "
        "SET name = excluded.name, domain = excluded.domain, "
        "last_seen_run_id = NULL WHERE accounts.name IS NOT excluded.name "
        "OR accounts.domain IS NOT excluded.domain "
        "OR accounts.last_seen_run_id IS NOT NULL"
    )


def _record_postgres(
    connection: Connection,
    run_id: int,
    previous_run_id: int | None,
    columns: Sequence[str],
    rows: RunRows,
    progress: Progress | None,
    late: bool,
) -> int:
    check_rights(connection)
    # Read before the results: the engine streams one result at a time.
    accounts = rows.accounts()
    _refuse_nul(accounts)
    drop_pending(connection)
    registry = registry_copy(connection, late)
    results_columns = (*columns, "run_id")

    def prepare(batch: pa.RecordBatch) -> tuple[int, memoryview]:
        # The run id ends each result row.
        fixed = pa.repeat(pa.scalar(run_id, pa.int64()), batch.num_rows)
        results = pa.RecordBatch.from_arrays(
            [*batch.columns, fixed], names=results_columns
        )
        return batch.num_rows, _csv(results)

    def update_registry(stopped: threading.Event) -> None:
        with (
            _driver(connection).cursor() as cursor,
            cursor.copy(registry.statement(REGISTRY_COLUMNS)) as copy,
        ):
            for batch in accounts.to_batches(REGISTRY_CHUNK_ROWS):
                if stopped.is_set():
                    raise Stopped
                copy.write(_csv(registry.rows(batch, run_id)))
        settle_registry(connection, registry, run_id, previous_run_id, late)

    written = 0
    with (
        _ids_that_fit(accounts),
        ResultsLoader(connection.engine, run_id, results_columns) as loader,
        Worker(
            "tierwise-store-registry", update_registry, _driver(connection).cancel
        ) as registry_work,
    ):
        for count, text_rows in ahead(rows.results(), prepare):
            loader.send(text_rows)
            written += count
            if progress:
                progress(written)
        loader.end()
        registry_work.join()
        # On the recording's connection, free again, while the results'
        # copy may still be building its key.
        _copy_extra_scores(connection, rows.extra_scores())
        loader.finish()
        loader.attach(connection)
    return written


def _copy_extra_scores(
    connection: Connection, batches: Iterable[pa.RecordBatch]
) -> None:
    """Copy the scores of dimensions past the fourth, in EXTRA_SCORE_COLUMNS."""
    listed = ", ".join(EXTRA_SCORE_COLUMNS)
    source = iter(batches)
    first = next(source, None)
    if first is None:
        return
    with (
        _driver(connection).cursor() as cursor,
        cursor.copy(
            f"COPY {EXTRA_SCORES_TABLE} ({listed}) FROM STDIN (FORMAT csv)"
        ) as copy,
    ):
        copy.write(_csv(first))
        for batch in source:
            copy.write(_csv(batch))


def _refuse_nul(batch: pa.Table) -> None:
    """Refuse text PostgreSQL cannot store: a NUL character in an id, a
    name or a domain (a Parquet file or an Arrow table can carry one).

    Raises:
        StoreError: naming the first such account and field.
    """
    for column, said in zip(REGISTRY_COLUMNS, ("id", "name", "domain"), strict=True):
        held = pc.match_substring(batch.column(column), "\x00")
        if not pc.any(held).as_py():
            continue
        row = pc.index(held, True).as_py()
        account = batch.column("account_id")[row].as_py()
        raise StoreError(
            f"account {account!r}: its {said} holds a NUL character (\\x00), "
            "which PostgreSQL cannot store; remove it from the input and run "
            "again; nothing was stored"
        )


@contextmanager
def _ids_that_fit(accounts: pa.Table) -> Iterator[None]:
    """Name the account whose id PostgreSQL could not fit in a key.

    The registry and the results are keyed by id, and a key the server
    cannot compress under about 2,700 bytes does not fit in its index: it
    refuses the run then, whichever copy reaches the key first.

    Raises:
        StoreError: naming the account with the longest id.
    """
    try:
        yield
    except Exception as error:
        said = getattr(error, "orig", None) or error
        if getattr(said, "sqlstate", None) != PROGRAM_LIMIT_EXCEEDED:
            raise
        ids = accounts.column("account_id")
        lengths = pc.binary_length(ids)
        longest = pc.index(lengths, pc.max(lengths)).as_py()
        account, size = ids[longest].as_py(), lengths[longest].as_py()
        raise StoreError(
            f"account {account[:20] + '…'!r}: its id is {size:,} bytes long, "
            "more than PostgreSQL can fit in the key the store finds accounts "
            f"by ({str(said).splitlines()[0]}); shorten the ids in the input "
            "and run again; nothing was stored"
        ) from None


# SQLite: accounts of the latest run (NULL) that this run does not hold. The
# two runs' ids are merged in key order (the ORDER BY asks for that plan),
# which took 0.3 s a million accounts where probing the results for each
# registry row took 0.5 s.
_LEFT = text(
    "UPDATE accounts SET last_seen_run_id = :previous "
    "WHERE last_seen_run_id IS NULL AND account_id IN ("
    "SELECT account_id FROM run_results WHERE run_id = :previous "
    "EXCEPT SELECT account_id FROM run_results WHERE run_id = :run ORDER BY 1)"
)


def _executemany(
    connection: Connection,
    statement: str,
    batches: Iterable[pa.RecordBatch],
    progress: Progress | None = None,
) -> int:
    written = 0
    cursor = _driver(connection).cursor()
    try:
        with _collector_paused():
            for rows in ahead(batches, _tuples):
                cursor.executemany(statement, rows)
                written += len(rows)
                if progress:
                    progress(written)
    finally:
        cursor.close()
    return written


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cycle collector while rows are turned into tuples.

    A million row tuples set it off thousands of times, though tuples of
    numbers and strings never form a cycle: pausing it took a third off
    building them (0.5 s instead of 0.8 s a million rows).
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


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
            _close(source)

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


def _close(source: Iterator[Any]) -> None:
    # A generator over a query result lets the result go now, so its
    # connection is free for the next query.
    close = getattr(source, "close", None)
    if close is not None:
        close()


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


def _csv(batch: pa.RecordBatch) -> memoryview:
    # Arrow writes nulls as empty unquoted fields and every string quoted,
    # which is exactly how PostgreSQL's CSV format tells NULL from an empty
    # string; floats are written in their shortest form that reads back bit
    # for bit.
    buffer = io.BytesIO()
    pa_csv.write_csv(batch, buffer, CSV_OPTIONS)
    return buffer.getbuffer()


def _tuples(batch: pa.RecordBatch) -> list[tuple[Any, ...]]:
    return list(zip(*(column.to_pylist() for column in batch.columns), strict=True))


def _driver(connection: Connection) -> Any:
    """The DB-API connection under ``connection``, inside its transaction."""
    driver = connection.connection.driver_connection
    if driver is None:
        raise RuntimeError("the store's connection was closed while writing")
    return driver
