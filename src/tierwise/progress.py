"""Progress of long work, reported to whoever shows it.

The library reports how far a job has got through a :class:`Progress`; it
never draws anything itself. The command line passes a Rich progress bar
(``tierwise.cli.progress``); everything else gets :data:`QUIET`, which
ignores the reports.

>>> QUIET.start("Scoring accounts", 1000)
>>> QUIET.advance_to(500)
>>> QUIET.finish()
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["QUIET", "CountedAfterWait", "Progress", "Quiet"]


class Progress(Protocol):
    """One task at a time: started with its size, advanced, finished."""

    def start(self, task: str, total: int | None) -> None:
        """A new task begins; ``total`` is its size in accounts, if known."""

    def advance_to(self, done: int) -> None:
        """``done`` of the current task's ``total`` are finished."""

    def finish(self) -> None:
        """The current task is complete."""


class Quiet:
    """Progress that is not shown."""

    def start(self, task: str, total: int | None) -> None:
        return None

    def advance_to(self, done: int) -> None:
        return None

    def finish(self) -> None:
        return None


QUIET: Progress = Quiet()


class CountedAfterWait:
    """Counts for ``task`` of ``total``, a task that begins with its first
    count and ends the one shown before it: a wait that counts nothing
    (a database scoring, Spark starting, the store looked through).

    >>> counted = CountedAfterWait(QUIET, "Receiving results", 1000)
    >>> counted(500)
    """

    def __init__(self, progress: Progress, task: str, total: int | None) -> None:
        self._progress = progress
        self._task = task
        self._total = total
        self._started = False

    def __call__(self, done: int) -> None:
        if not self._started:
            self._progress.finish()
            self._progress.start(self._task, self._total)
            self._started = True
        self._progress.advance_to(done)
