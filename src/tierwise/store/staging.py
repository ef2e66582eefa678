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
are detached and deleted when the transaction ends, whichever way it ends;
a process killed in between leaves only its scratch folder behind, which
the next run that stages rows deletes (`tierwise.scratch_folders`).

Without the driver (``adbc-driver-sqlite``, a dependency; a platform it
has no build for), or when the temporary folder cannot be written or lies
too deep for SQLite to open a file in, `scratch_folder` gives None and the
caller binds the rows itself.
"""

from __future__ import annotations

import logging
import os
import queue
import shutil
import sqlite3
import threading
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field
from importlib import import_module
from itertools import chain
from pathlib import Path
from types import ModuleType

import pyarrow as pa
from sqlalchemy import Connection

from tierwise.scratch_folders import new_scratch_folder
from tierwise.store.database import AFTER_TRANSACTION, StoreError

__all__ = ["CHUNK_ROWS", "MAX_CHUNKS", "Scratch", "scratch_folder", "staged_chunks"]

log = logging.getLogger(__name__)

SCHEMA_PREFIX = "tierwise_staging_"
# Scratch folders are tierwise-staging-<process id>-<random part>.
FOLDER_KIND = "staging"
# SQLite attaches at most ten files to a connection unless built otherwise.
MAX_CHUNKS = 8
CHUNK_ROWS = 100_000
# The scratch files are thrown away whatever happens, so they need no
# journal and no waiting for the disk.
SCRATCH_PRAGMAS = ("journal_mode = OFF", "synchronous = OFF")
# The longest path to a file SQLite opens, in bytes: on Unix it keeps 512
# for a path, less 8 for its journal's name beside the file. Python makes
# deeper folders without complaint.
SQLITE_MAX_PATH = 504


@dataclass(frozen=True)
class Scratch:
    """A run's scratch folder, and the schema names its chunks are attached as."""

    folder: Path
    attached: list[str] = field(default_factory=list)


def scratch_folder(connection: Connection) -> Scratch | None:
    """A new scratch folder for staging a run on ``connection``, or None.

    None when the ADBC driver is not installed or the temporary folder
    cannot be written or is too deep for SQLite (said in the log). The
    folder, and every chunk attached from it, goes once ``connection``'s
    transaction has ended.
    """
    if _driver() is None:
        return None
    try:
        folder = new_scratch_folder(FOLDER_KIND)
    except OSError as error:
        log.warning(
            "cannot stage rows in the temporary folder (%s); binding them one "
            "by one instead, which is slower. Set TMPDIR to a folder tierwise "
            "can write in to stage them",
            error,
        )
        return None
    if _too_deep(folder):
        shutil.rmtree(folder, ignore_errors=True)
        return None
    scratch = Scratch(folder)
    connection.connection.info.setdefault(AFTER_TRANSACTION, []).append(
        lambda: _release(connection, scratch)
    )
    return scratch


def _too_deep(folder: Path) -> bool:
    """Whether SQLite cannot open the chunks in ``folder`` (said in the log)."""
    chunk_path = len(os.fsencode(folder / "chunk0.db"))
    if chunk_path <= SQLITE_MAX_PATH:
        return False
    log.warning(
        "the temporary folder %s lies too deep for SQLite: the scratch files' "
        "paths would be %d bytes long, and SQLite opens none longer than %d; "
        "binding the rows one by one instead, which is slower. Set TMPDIR to "
        "a folder with a shorter path to stage them",
        folder.parent,
        chunk_path,
        SQLITE_MAX_PATH,
    )
    return True


def staged_chunks(
    connection: Connection,
    scratch: Scratch,
    table: str,
    batches: Iterator[pa.RecordBatch],
    expected_rows: int,
) -> Generator[tuple[str, int], None, None]:
    """Stage ``batches`` in chunks in ``scratch``; yield each chunk's schema and rows.

    Each chunk is ``table`` in a scratch file attached to ``connection``
    under the yielded schema name, whole by the time it is yielded. Chunks
    hold at least `CHUNK_ROWS` rows and there are at most `MAX_CHUNKS` of
    them for ``expected_rows``.

    Raises:
        StoreError: when a chunk cannot be written (a full disk), naming
            the folder.
    """
    driver = _driver()
    if driver is None:
        raise RuntimeError("staged_chunks needs the ADBC SQLite driver")
    chunk_rows = max(CHUNK_ROWS, -(-expected_rows // MAX_CHUNKS))
    folder, attached = scratch.folder, scratch.attached
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
        except BaseException as error:  # handed to the reading thread
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
        # A result left open would keep the engine's connection busy.
        close = getattr(batches, "close", None)
        if close is not None:
            close()


def _release(connection: Connection, scratch: Scratch) -> None:
    """Detach and delete the chunks staged in ``scratch``.

    Runs once the transaction that read them has ended: SQLite refuses to
    detach a file a transaction still holds.
    """
    driver = connection.connection.driver_connection
    for schema in scratch.attached:
        try:
            if driver is not None:
                driver.execute(f"DETACH DATABASE {schema}")
        except sqlite3.Error as error:  # the files go either way
            log.debug("staged rows in %s were not detached: %s", schema, error)
    shutil.rmtree(scratch.folder, ignore_errors=True)


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
    try:
        with (
            driver.connect(str(path), autocommit=True) as scratch,
            scratch.cursor() as cursor,
        ):
            for pragma in SCRATCH_PRAGMAS:
                cursor.execute(f"PRAGMA {pragma}")
                cursor.fetchall()
            # The pragmas need no transaction open; the rows go in one, so
            # a failure is reported as SQLite said it (a full disk), not as
            # the driver's rollback of a transaction SQLite already ended.
            scratch.adbc_connection.set_autocommit(False)
            cursor.adbc_ingest(table, reader, mode="create")
            scratch.adbc_connection.commit()
    except driver.Error as error:
        raise StoreError(
            f"could not stage the run's rows in {path.parent}: {error}. Free "
            "space there, or set TMPDIR to a folder with room; nothing was "
            "stored"
        ) from None
    return written


def _driver() -> ModuleType | None:
    try:
        return import_module("adbc_driver_sqlite.dbapi")
    except ImportError:
        return None
