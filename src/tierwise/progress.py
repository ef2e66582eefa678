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

__all__ = ["QUIET", "Progress", "Quiet"]


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
