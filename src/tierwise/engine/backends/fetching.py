"""A database's query results, streamed into a Parquet file.

Any driver's rows are taken a batch at a time and turned into Arrow a
column at a time (:func:`fetch_rows`). PostgreSQL reached through psycopg
sends its results as CSV text instead (``COPY … TO STDOUT``), which Arrow's
CSV reader types by the results' own schema: a million accounts' stored
results took 5.6 to 6.0 s through the driver's rows, 2.0 to 2.8 s so (and
a whole million-account run 19.3 s, 11.6 s so). Only results whose
every column Arrow reads from text exactly (text, yes/no, whole and
floating-point numbers, dates) go that way; others take the rows.

Either way the rows are counted as they arrive, for a progress bar: the
database says nothing while it scores, and a million results take seconds
to come back. :func:`receiving` turns the counts into a progress task.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tierwise.progress import QUIET, CountedAfterWait, Progress

__all__ = [
    "BATCH_ROWS",
    "RECEIVING",
    "RECEIVING_POINTS",
    "Received",
    "fetch_parquet",
    "fetch_rows",
    "receiving",
]

log = logging.getLogger(__name__)

# Rows taken from a driver at once.
BATCH_ROWS = 50_000
# Bytes of CSV text Arrow reads into one batch.
_CSV_BLOCK = 16 << 20

# Told the number of rows received so far: once when the first rows come
# (the wait before them is the database's), then about every BATCH_ROWS,
# and once more at the end with them all.
Received = Callable[[int], None]

# The progress tasks of a query's results coming back.
RECEIVING = "Receiving results"
RECEIVING_POINTS = "Receiving every account's points"


def receiving(
    progress: Progress, task: str, total: int | None
) -> CountedAfterWait | None:
    """The counts of ``task`` as the rows arrive, after the database's wait,
    or None when progress is not shown (the rows then go uncounted)."""
    return None if progress is QUIET else CountedAfterWait(progress, task, total)


def fetch_parquet(
    database: Any,
    text: str,
    schema: pa.Schema,
    path: Path,
    received: Received | None = None,
) -> None:
    """Stream the rows of the query ``text`` into the Parquet file ``path``,
    typed by ``schema`` (whose columns are the query's, in its order);
    ``received`` is told how many have arrived as they do."""
    copying = _copier(database)
    if copying is not None and all(_read_from_text(f.type) for f in schema):
        _fetch_copied(database, copying, text, schema, path, received)
    else:
        fetch_rows(database, text, schema, path, received)


def fetch_rows(
    database: Any,
    text: str,
    schema: pa.Schema,
    path: Path,
    received: Received | None = None,
) -> None:
    """Stream the query's rows into a Parquet file, a batch at a time.

    Streaming is asked for this query alone: set on the connection, it
    stays for the statements after it, which psycopg then sends as
    server-side cursors (a ``DROP TABLE`` so is refused).
    """
    streamed = {"stream_results": True}
    result = database.exec_driver_sql(text, execution_options=streamed)
    arrived = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        for rows in result.partitions(BATCH_ROWS):
            arrived += len(rows)
            if received is not None:
                received(arrived)
            columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
            arrays = [
                _column(values, field.type)
                for values, field in zip(columns, schema, strict=True)
            ]
            writer.write_batch(pa.RecordBatch.from_arrays(arrays, schema=schema))
    if received is not None and arrived == 0:
        received(0)  # no rows came: the task still starts and ends


def _copier(database: Any) -> Any | None:
    """The psycopg connection under ``database``, or None for any other
    driver or database."""
    if database.dialect.name != "postgresql":
        return None
    raw = database.connection.driver_connection
    if type(raw).__module__.split(".")[0] != "psycopg":
        return None
    return raw


def _read_from_text(kind: pa.DataType) -> bool:
    return bool(
        pa.types.is_string(kind)
        or pa.types.is_boolean(kind)
        or pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_date32(kind)
    )


def _fetch_copied(
    database: Any,
    raw: Any,
    text: str,
    schema: pa.Schema,
    path: Path,
    received: Received | None = None,
) -> None:
    """The query's results as CSV from PostgreSQL, read into Parquet.

    In PostgreSQL's CSV a NULL is an empty field and an empty text is
    quoted (``""``), so the two stay apart; yes/no are ``t`` and ``f``.
    Floating-point numbers are written with every digit they need to be
    read back as the same number (``extra_float_digits``), dates as
    YYYY-MM-DD whatever the session's ``DateStyle``. The text goes
    through a temporary file beside ``path``, removed afterwards.

    The setting goes through ``database`` so that it opens the transaction
    the copy runs in: ``database`` then knows of it and rolls it back after
    a failed copy (a run drops its write-back table on that connection).

    The rows are counted as the text arrives (see :class:`_Spool`).
    """
    import psycopg
    from sqlalchemy.exc import DBAPIError

    database.exec_driver_sql("SET extra_float_digits = 3")
    database.exec_driver_sql("SET DateStyle = 'ISO, YMD'")  # as Arrow reads dates
    copy_text = f"COPY ({text}) TO STDOUT (FORMAT csv)"
    with tempfile.NamedTemporaryFile(
        dir=path.parent, prefix=".copy-", suffix=".csv"
    ) as spooled:
        spool = _Spool(spooled, received)
        # PostgreSQL sends a row at a time; they are passed on a chunk at a
        # time, the first at once (it ends the wait). Every row is more
        # than 8 bytes of text, so a chunk holds less than a batch of rows.
        pending, size, chunk = bytearray(), 0, BATCH_ROWS * 8
        try:
            with raw.cursor() as cursor, cursor.copy(copy_text) as copy:
                for block in copy:
                    pending += block
                    if len(pending) >= size:
                        spool.write(pending)
                        pending.clear()
                        size = chunk
        except psycopg.Error as error:
            # Reported as any statement's failure on the connection is.
            raise DBAPIError.instance(copy_text, None, error, psycopg.Error) from None
        spool.write(pending)
        spool.close()
        spooled.flush()
        log.debug("copied %d bytes of results as CSV", spooled.tell())
        _csv_to_parquet(Path(spooled.name), schema, path)


class _Spool:
    """PostgreSQL's CSV text, written to a file; its rows told to ``received``.

    A row ends at a newline outside quotes. A quoted value may hold
    newlines, and quotes inside it are doubled, so a newline is outside
    quotes exactly when an even number of quotes came before it.
    """

    def __init__(self, file: IO[bytes], received: Received | None) -> None:
        self._file = file
        self._received = received
        self._rows = 0
        self._told: int | None = None
        self._in_quotes = False

    def write(self, text: bytearray) -> None:
        self._file.write(text)
        if self._received is None:
            return
        self._count(text)
        if self._told is None or self._rows - self._told >= BATCH_ROWS:
            self._told = self._rows
            self._received(self._rows)

    def close(self) -> None:
        """Tell the last rows, or that none came."""
        if self._received is not None and self._told != self._rows:
            self._received(self._rows)

    def _count(self, text: bytearray) -> None:
        if b'"' not in text:
            if not self._in_quotes:
                self._rows += text.count(b"\n")
            return
        # Between quotes, by turns outside and inside a quoted value.
        pieces = text.split(b'"')
        outside = pieces[1::2] if self._in_quotes else pieces[0::2]
        self._rows += sum(piece.count(b"\n") for piece in outside)
        # An odd number of quotes (an even number of pieces) switches.
        self._in_quotes ^= len(pieces) % 2 == 0


def _csv_to_parquet(csv: Path, schema: pa.Schema, path: Path) -> None:
    if csv.stat().st_size == 0:
        # No rows send no text, and Arrow's reader refuses an empty file.
        pq.write_table(schema.empty_table(), path, compression="zstd")
        return
    reading = pa_csv.ReadOptions(column_names=schema.names, block_size=_CSV_BLOCK)
    parsing = pa_csv.ParseOptions(newlines_in_values=True)
    typing = pa_csv.ConvertOptions(
        column_types={field.name: field.type for field in schema},
        null_values=[""],
        true_values=["t"],
        false_values=["f"],
        strings_can_be_null=True,
        quoted_strings_can_be_null=False,
    )
    with (
        pa_csv.open_csv(csv, reading, parsing, typing) as batches,
        pq.ParquetWriter(path, schema, compression="zstd") as writer,
    ):
        for batch in batches:
            writer.write_batch(batch.cast(schema))


def _column(values: Sequence[Any], kind: pa.DataType) -> pa.Array:
    """A column of a driver's values as an Arrow array of ``kind``.

    Arrow takes most drivers' values as they are, a column at a time; only
    a column it refuses (SQLite's 0 and 1 for booleans, a driver's decimals
    for floating-point results) is converted value by value. Converting
    every value took 12.9 s of a million-account PostgreSQL run.
    """
    try:
        return pa.array(values, kind)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array([_as(kind, value) for value in values], kind)


def _as(kind: pa.DataType, value: Any) -> Any:
    """A driver's value as the result column's type.

    Some databases have no boolean (SQLite gives 0 and 1) and no date
    (SQLite gives its ISO text, as its date() writes it), and some drivers
    give decimals for floating-point results or a time with a date.
    """
    if value is None:
        return None
    if pa.types.is_boolean(kind):
        return bool(value)
    if pa.types.is_floating(kind):
        return float(value)
    if pa.types.is_date(kind):
        if isinstance(value, datetime):
            return value.date()
        if isinstance(value, str):
            return date.fromisoformat(value[:10])
    return value
