"""Stream a generated portfolio to a Parquet or CSV file, batch by batch.

Rows go to a temporary file beside the target and the file is renamed into
place only when every row is written, so an interrupted run leaves no
half-written portfolio behind.
"""

from __future__ import annotations

import logging
import os
import shutil
import time
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq

from tierwise.progress import QUIET, Progress
from tierwise.sample.portfolio import (
    DEFAULT_BATCH_SIZE,
    DEMO_AS_OF,
    PORTFOLIO_SCHEMA,
    PortfolioError,
    iter_portfolio_batches,
)
from tierwise.stops import raise_if_stopped

__all__ = ["PORTFOLIO_FORMATS", "write_portfolio"]

log = logging.getLogger(__name__)

PORTFOLIO_FORMATS = {".parquet": "Parquet", ".csv": "CSV"}
# Bytes an account takes at least, by format: ten million sampled accounts
# made 299 MB of Parquet (30 bytes each) and 200,000 made 31.6 MB of CSV
# (158 bytes each).
LEAST_BYTES = {".parquet": 25, ".csv": 150}


def write_portfolio(
    path: str | os.PathLike[str],
    accounts: int,
    seed: int,
    *,
    as_of: date = DEMO_AS_OF,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Progress = QUIET,
) -> Path:
    """Write ``generate_portfolio(accounts, seed, as_of)`` to ``path``.

    The format follows the suffix: ``.parquet`` or ``.csv`` (comma-separated,
    header row, quoted text, ISO dates, ``true``/``false``, and an empty
    unquoted cell for a null, so ``"NA"`` stays Namibia). Rows are
    streamed in batches of ``batch_size``, so memory stays flat however many
    accounts are asked for; ``progress`` is told how many are written.
    Returns the path written. Raises PortfolioError (a ValueError) for
    another suffix or an invalid argument; nothing is written then.
    """
    target = Path(path)
    suffix = target.suffix.lower()
    if suffix not in PORTFOLIO_FORMATS:
        allowed = " or ".join(PORTFOLIO_FORMATS)
        raise PortfolioError(
            f"{target}: cannot tell the format from the suffix {suffix!r}; "
            f"name the file with {allowed}."
        )

    _check_room(target, accounts, suffix)
    started = time.perf_counter()
    batches = _counted(
        iter_portfolio_batches(accounts, seed, batch_size, as_of), progress
    )
    progress.start("Writing accounts", accounts)
    # As `tier --out` does, a folder that is not there yet is made.
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        if suffix == ".parquet":
            _write_parquet(partial, batches)
        else:
            _write_csv(partial, batches)
        raise_if_stopped()
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    progress.finish()

    log.info(
        "wrote %d accounts as %s in %.1f s",
        accounts,
        PORTFOLIO_FORMATS[suffix],
        time.perf_counter() - started,
    )
    return target


def _counted(
    batches: Iterator[pa.RecordBatch], progress: Progress
) -> Iterator[pa.RecordBatch]:
    written = 0
    for batch in batches:
        # A stop that Python dropped ends the work at the next batch.
        raise_if_stopped()
        yield batch
        written += batch.num_rows
        progress.advance_to(written)


def _write_parquet(path: Path, batches: Iterator[pa.RecordBatch]) -> None:
    with pq.ParquetWriter(path, PORTFOLIO_SCHEMA) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _write_csv(path: Path, batches: Iterator[pa.RecordBatch]) -> None:
    with pa_csv.CSVWriter(path, PORTFOLIO_SCHEMA) as writer:
        for batch in batches:
            writer.write_batch(batch)


def _check_room(target: Path, accounts: int, suffix: str) -> None:
    """Refuse a portfolio that cannot fit in its folder's free space.

    A mistyped count (an extra three zeros) would otherwise run for hours
    and stop only when the disk is full.
    """
    folder = target.parent.resolve()
    while not folder.exists():
        folder = folder.parent
    free = shutil.disk_usage(folder).free
    needed = accounts * LEAST_BYTES[suffix]
    if needed > free:
        raise PortfolioError(
            f"{target}: {accounts:,} accounts would take at least "
            f"{_size(needed)} as {PORTFOLIO_FORMATS[suffix]} "
            f"({LEAST_BYTES[suffix]} bytes each), and {folder} has {_size(free)} "
            "free; ask for fewer accounts with --accounts, or write elsewhere."
        )


def _size(count: int) -> str:
    """``count`` bytes in the largest unit up to TB that keeps it at 1 or more.

    >>> _size(512), _size(76_400_000_000), _size(25 * 10**20)
    ('512 bytes', '76.4 GB', '2,500,000,000.0 TB')
    """
    if count < 1000:
        return f"{count} bytes"
    amount = float(count)
    for unit in ("KB", "MB", "GB", "TB"):
        amount /= 1000
        if amount < 1000 or unit == "TB":
            break
    return f"{amount:,.1f} {unit}"
