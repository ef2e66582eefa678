"""How far a long DuckDB query has got, as a count of accounts.

DuckDB estimates the share of a running query that is done; a thread reads
it a few times a second and reports it to a :class:`~tierwise.progress.Progress`
as that share of the accounts. Nothing is watched when progress is quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from tierwise.progress import QUIET, Progress

__all__ = ["watched"]

# Seconds between two looks at the query's progress.
INTERVAL = 0.2


@contextmanager
def watched(
    connection: duckdb.DuckDBPyConnection,
    progress: Progress,
    task: str,
    total: int,
) -> Iterator[None]:
    """Report the query run on ``connection`` inside the block as ``task``.

    ``total`` is the number of accounts the block works through; the task
    is finished when the block ends without an error. The block may run any
    number of queries; the count only ever moves forward.
    """
    if progress is QUIET:
        yield
        return
    # DuckDB keeps its estimate only while its own progress bar is on; it
    # must not print that bar, the caller shows the progress.
    connection.execute("SET enable_progress_bar = true")
    connection.execute("SET enable_progress_bar_print = false")
    progress.start(task, total)
    stop = threading.Event()

    def look() -> None:
        # Only forward: a block may run small queries after its long one,
        # and their own progress must not move the count back.
        done = 0
        while not stop.wait(INTERVAL):
            share = connection.query_progress()
            reached = int(total * min(share, 100.0) / 100)
            if reached > done:
                done = reached
                progress.advance_to(done)

    watcher = threading.Thread(target=look, name="tierwise-progress", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join()
    progress.advance_to(total)
    progress.finish()
