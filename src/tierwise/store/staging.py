"""A run's rows staged for SQLite in scratch files, written from Arrow.

Binding a million rows' values one by one through Python's ``sqlite3``
was most of the time a SQLite store took to record a run (2.7 s of 4.0 s
a million accounts). The ADBC SQLite driver binds Arrow columns to its
insert in C instead (about 1 s). It cannot write into the store itself:
the store's own connection holds the write lock, in the transaction that
records the run. So the rows go to scratch files in the temporary folder,
which the store's connection attaches and copies from inside that
transaction; a run is still stored whole or not at all.

The rows are staged in chunks, a file each, by a thread of their own:
while the store's connection copies one chunk into its tables, the next is
being written, so the two halves of the work run on two cores (both
drivers let go of Python's interpreter lock while SQLite works). The files
are detached and deleted when the transaction ends (`release`), whichever
way it ends; a process killed in between leaves only scratch files behind.

Without the driver (``adbc-driver-sqlite``, a dependency; a platform it
has no build for) `staged_chunks` yields nothing and the caller binds the
rows itself.
"""

from __future__ import annotations

import logging
import queue
import shutil
import tempfile
import threading
from collections.abc import Iterator
from importlib import import_module
from itertools import chain
from pathlib import Path
from types import ModuleType

import pyarrow as pa
from sqlalchemy import Connection

__all__ = ["CHUNK_ROWS", "MAX_CHUNKS", "driver_installed", "release", "staged_chunks"]

log = logging.getLogger(__name__)

SCHEMA_PREFIX = "tierwise_staging_"
# Where the scratch folder of a connection's staged run is kept until release.
FOLDER_KEY = "tierwise_staging_folder"
ATTACHED_KEY = "tierwise_staging_attached"
# SQLite attaches at most ten files to a connection unless built otherwise.
MAX_CHUNKS = 8
CHUNK_ROWS = 100_000
# The scratch files are thrown away whatever happens, so they need no
# journal and no waiting for the disk.
SCRATCH_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF")


def driver_installed() -> bool:
    """Whether the ADBC SQLite driver can be imported."""
    return _driver() is not None


def staged_chunks(
    connection: Connection,
    table: str,
    batches: Iterator[pa.RecordBatch],
    expected_rows: int,
) -> Iterator[tuple[str, int]]:
    """Stage ``batches`` in chunks; yield each chunk's schema and row count.

    Each chunk is ``table`` in a scratch file attached to ``connection``
    under the yielded schema name, whole by the time it is yielded. Chunks
    hold at least `CHUNK_ROWS` rows and there are at most `MAX_CHUNKS` of
    them for ``expected_rows``. Yields nothing, and leaves ``batches``
    untouched, when the ADBC driver is not installed.
    """
    driver = _driver()
    if driver is None:
        return
    chunk_rows = max(CHUNK_ROWS, -(-expected_rows // MAX_CHUNKS))
    folder = Path(tempfile.mkdtemp(prefix="tierwise-staging-"))
    connection.connection.info[FOLDER_KEY] = folder
    attached: list[str] = connection.connection.info.setdefault(ATTACHED_KEY, [])
    ready: queue.Queue[tuple[Path, int] | BaseException | None] = queue.Queue()
    stopped = threading.Event()

    def write_chunks() -> None:
        try:
            for number in range(MAX_CHUNKS):
                if stopped.is_set():
                    return
                first = next(batches, None)
                if first is None:
                    break
                path = folder / f"chunk{number}.db"
                last = number == MAX_CHUNKS - 1
                rows = _write_chunk(
                    driver, path, table, first, batches, chunk_rows, last
                )
                ready.put((path, rows))
            ready.put(None)
        except BaseException as error:
            ready.put(error)

    writer = threading.Thread(target=write_chunks, name="tierwise-staging", daemon=True)
    writer.start()
    try:
        while (item := ready.get()) is not None:
            if isinstance(item, BaseException):
                raise item
            path, rows = item
            schema = f"{SCHEMA_PREFIX}{len(attached)}"
            connection.exec_driver_sql(f"ATTACH DATABASE ? AS {schema}", (str(path),))
            attached.append(schema)
            yield schema, rows
    finally:
        stopped.set()
        writer.join()


def release(connection: Connection) -> None:
    """Detach and delete the rows staged on ``connection``, if any.

    Called once the transaction that read them has ended: SQLite refuses
    to detach a file a transaction still holds.
    """
    info = connection.connection.info
    folder = info.pop(FOLDER_KEY, None)
    attached = info.pop(ATTACHED_KEY, [])
    driver = connection.connection.driver_connection
    for schema in attached:
        try:
            if driver is not None:
                driver.execute(f"DETACH DATABASE {schema}")
        except Exception as error:
            log.debug("staged rows in %s were not detached: %s", schema, error)
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)


def _write_chunk(
    driver: ModuleType,
    path: Path,
    table: str,
    first: pa.RecordBatch,
    batches: Iterator[pa.RecordBatch],
    chunk_rows: int,
    last: bool,
) -> int:
    """Write ``first`` and following batches, up to ``chunk_rows`` rows, to ``path``.

    The ``last`` chunk takes every batch that is left.
    """
    written = 0

    def taken() -> Iterator[pa.RecordBatch]:
        nonlocal written
        for batch in chain((first,), batches):
            written += batch.num_rows
            yield batch
            if not last and written >= chunk_rows:
                return

    reader = pa.RecordBatchReader.from_batches(first.schema, taken())
    with (
        driver.connect(str(path), autocommit=True) as scratch,
        scratch.cursor() as cursor,
    ):
        for pragma in SCRATCH_PRAGMAS:
            cursor.execute(f"PRAGMA {pragma}")
            cursor.fetchall()
        cursor.adbc_ingest(table, reader, mode="create")
    return written


def _driver() -> ModuleType | None:
    try:
        return import_module("adbc_driver_sqlite.dbapi")
    except ImportError:
        return None
