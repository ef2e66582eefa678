"""The progress bar of long commands, drawn only for a person at a terminal.

Library jobs report their progress through :class:`tierwise.progress.Progress`;
here it becomes a Rich bar with counts on standard error. With ``--quiet``,
or when standard output or standard error is not a terminal (a pipe, a file,
a scheduler's log), the reports are dropped and nothing is drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    ProgressColumn,
    Task,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
)
from rich.progress import Progress as RichProgress
from rich.text import Text

from tierwise.cli.app import console, errors
from tierwise.progress import QUIET, Progress

__all__ = ["QuietOption", "progress_bar"]

QuietOption = Annotated[
    bool,
    typer.Option(
        "--quiet", "-q", help="Show no progress bar (none is shown off a terminal)."
    ),
]


class CountColumn(ProgressColumn):
    """``1,250,000 of 10,000,000 accounts``; the count alone when the size is
    not known yet; nothing for a finished step that counted nothing."""

    def render(self, task: Task) -> Text:
        if task.fields.get("uncounted"):
            return Text("")
        done = f"{int(task.completed):,}"
        if task.total is None:
            return Text(f"{done} accounts" if task.completed else "")
        return Text(f"{done} of {int(task.total):,} accounts")


class Bar:
    """A :class:`~tierwise.progress.Progress` drawn as a Rich progress bar."""

    def __init__(self, display: RichProgress) -> None:
        self._display = display
        self._task: TaskID | None = None

    def start(self, task: str, total: int | None) -> None:
        self.finish()
        self._task = self._display.add_task(task, total=total)

    def advance_to(self, done: int) -> None:
        if self._task is not None:
            self._display.update(self._task, completed=done)

    def finish(self) -> None:
        if self._task is None:
            return
        task = next(t for t in self._display.tasks if t.id == self._task)
        # A task of unknown size ends as a full bar of what it counted; one
        # that counted nothing (writing the results, a database's wait) ends
        # full without a count, not as "0 of 0 accounts".
        if task.total is None and not task.completed:
            self._display.update(self._task, total=1, completed=1, uncounted=True)
        else:
            total = task.total if task.total is not None else task.completed
            self._display.update(self._task, total=total, completed=total)
        self._task = None


@contextmanager
def progress_bar(
    quiet: bool, shown_on: Console = errors, beside: Console = console
) -> Iterator[Progress]:
    """A bar on ``shown_on`` while the block runs, or :data:`QUIET`.

    It is quiet when asked, or when ``shown_on`` or ``beside`` (standard
    error and standard output) is not a terminal.
    """
    if quiet or not (shown_on.is_terminal and beside.is_terminal):
        yield QUIET
        return
    display = RichProgress(
        TextColumn("{task.description}"),
        BarColumn(),
        CountColumn(),
        TimeElapsedColumn(),
        console=shown_on,
        transient=True,
    )
    with display:
        yield Bar(display)
