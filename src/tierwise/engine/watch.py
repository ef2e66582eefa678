"""How far a long scoring query has got, as a count of accounts.

DuckDB estimates the share of a running query that is done; a thread reads
it a few times a second and reports it to a :class:`~tierwise.progress.Progress`
as that share of the accounts. Another engine (Spark) reports its own share
instead. Nothing is watched when progress is quiet.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import duckdb

from tierwise.engine_names import ENGINE_LABELS
from tierwise.progress import QUIET, CountedAfterWait, Progress

__all__ = ["Share", "watched"]

# Seconds between two looks at the query's progress.
INTERVAL = 0.2

# Told the share of the work done, from 0 to 1, from any thread.
Share = Callable[[float], None]


@contextmanager
def watched(
    connection: duckdb.DuckDBPyConnection,
    progress: Progress,
    task: str,
    total: int,
    engine: str = "duckdb",
) -> Iterator[Share | None]:
    """Report the query run on ``connection`` inside the block as ``task``.

    ``total`` is the number of accounts the block works through; the task
    is finished when the block ends without an error. The block may run any
    number of queries; the count only ever moves forward.

    On another ``engine`` than DuckDB the queries on ``connection`` only
    hand the accounts over and take the results back: the block reports
    its engine's progress through the :data:`Share` it is given, which is
    None when progress is quiet. Until its first report the bar shows the
    engine starting ("Starting Spark"), which takes seconds.
    """
    if progress is QUIET:
        yield None
        return
    if engine == "duckdb":
        # DuckDB keeps its estimate only while its own progress bar is on;
        # it must not print that bar, the caller shows the progress.
        connection.execute("SET enable_progress_bar = true")
        connection.execute("SET enable_progress_bar_print = false")
        progress.start(task, total)
        count = _Forward(progress.advance_to, total)
    else:
        # Spark takes seconds to start before it reports anything: that
        # wait is a task of its own, until its first report.
        progress.start(f"Starting {ENGINE_LABELS.get(engine, engine)}", None)
        count = _Forward(CountedAfterWait(progress, task, total), total)
    stop = threading.Event()

    def look() -> None:
        while not stop.wait(INTERVAL):
            count.reached(min(connection.query_progress(), 100.0) / 100)

    watcher = threading.Thread(target=look, name="tierwise-progress", daemon=True)
    if engine == "duckdb":
        watcher.start()
    try:
        yield count.reached
    finally:
        stop.set()
        if watcher.is_alive():
            watcher.join()
    count.reached(1.0)
    progress.finish()


class _Forward:
    """The task's count, moved only forward whoever reports it.

    A block may run small queries after its long one, and their own
    progress must not move the count back; nor may a share an engine
    reports late, from another thread. ``told`` is given each new count.
    """

    def __init__(self, told: Callable[[int], None], total: int) -> None:
        self._told = told
        self._total = total
        self._done = -1
        self._lock = threading.Lock()

    def reached(self, share: float) -> None:
        reached = int(self._total * min(share, 1.0))
        with self._lock:
            if reached > self._done:
                self._done = reached
                self._told(reached)
