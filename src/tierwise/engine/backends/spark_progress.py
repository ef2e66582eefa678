"""How far a run on Spark has got, from Spark's own count of its tasks.

A run on Spark is a list of stages (see :mod:`.stages`), run one after the
other; each runs one or more Spark jobs, each job stages of tasks. The share
done is the stages finished, plus the running stage's share of its tasks
completed, out of all the stages. The running stage's jobs are found by a
job group of their own, so jobs that others run in a shared session (a
notebook's) do not count; a thread asks Spark's status tracker a few times
a second while the run goes on.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from tierwise.engine.watch import Share

__all__ = ["StagesWatched", "stages_watched"]

log = logging.getLogger(__name__)

# Seconds between two looks at Spark's task counts.
INTERVAL = 0.2
# Seconds a stopping run waits for the thread's last look to end.
LAST_LOOK = 2.0
# The property Spark files a thread's jobs under (SparkContext.setJobGroup).
JOB_GROUP = "spark.jobGroup.id"


class StagesWatched:
    """Tells the share done as the run's ``count`` stages go by."""

    def __init__(
        self, context: Any, share_done: Share | None, count: int, token: str
    ) -> None:
        self._context = context
        self._share_done = share_done
        self._count = count
        self._token = token
        self._running = 0

    def begin(self, index: int) -> None:
        """Stage ``index`` (from 0) starts: the jobs after this are its."""
        self._running = index
        if self._share_done is not None:
            self._context.setLocalProperty(JOB_GROUP, self._group(index))
            # Told at once, so the bar stops showing Spark's start.
            self._share_done(index / self._count)

    def end(self, index: int) -> None:
        """Stage ``index`` is done."""
        if self._share_done is not None:
            self._share_done((index + 1) / self._count)

    def look(self) -> None:
        """Tell the share done from the running stage's task counts."""
        if self._share_done is None:
            return
        index = self._running
        tracker = self._context.statusTracker()
        completed = tasks = 0
        for job in tracker.getJobIdsForGroup(self._group(index)):
            info = tracker.getJobInfo(job)
            for stage in info.stageIds if info is not None else ():
                counts = tracker.getStageInfo(stage)
                if counts is not None:
                    completed += counts.numCompletedTasks
                    tasks += counts.numTasks
        if tasks:
            self._share_done((index + completed / tasks) / self._count)

    def _group(self, index: int) -> str:
        return f"tierwise-{self._token}-{index}"


@contextmanager
def stages_watched(
    context: Any, share_done: Share | None, count: int, token: str
) -> Iterator[StagesWatched]:
    """Watch a run of ``count`` stages on the SparkContext ``context``.

    The thread that looks is stopped however the block ends (a stop, a
    failed query), before the session is stopped; the job group the
    stages' jobs were filed under is taken off the calling thread.
    Nothing is watched when ``share_done`` is None.
    """
    watched = StagesWatched(context, share_done, count, token)
    if share_done is None:
        yield watched
        return
    before = context.getLocalProperty(JOB_GROUP)
    stop = threading.Event()

    def look() -> None:
        while not stop.wait(INTERVAL):
            try:
                watched.look()
            except Exception as error:  # Py4J's, as the session stops
                log.debug("stopped watching Spark's progress: %s", error)
                return

    looker = threading.Thread(target=look, name="tierwise-spark-progress", daemon=True)
    looker.start()
    try:
        yield watched
    finally:
        stop.set()
        looker.join(LAST_LOOK)
        try:
            context.setLocalProperty(JOB_GROUP, before)
        except Exception as error:  # a session a stop has broken
            log.debug("could not put Spark's job group back: %s", error)
