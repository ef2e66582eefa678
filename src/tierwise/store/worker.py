"""A piece of the store's work on a thread of its own, stopped when its caller stops.

Recording a run on PostgreSQL keeps two server connections busy at once
(`tierwise.store.bulk`); each is driven by one of these threads while the
caller's thread reads the engine's result.

The caller waits for a task on an event the task sets as it ends, never
on ``Thread.join``: Python 3.11 and 3.12 mark a thread as ended when Ctrl-C
or SIGTERM interrupts a join that waits for it, and the stop that follows
then neither cut short its statement nor waited for it. The recording
rolled back while the registry's statements still ran on its connection.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

__all__ = ["Stopped", "Worker"]

log = logging.getLogger(__name__)


class Stopped(Exception):
    """The caller stopped: the work gives up where it is."""


class Worker:
    """Runs ``task(stopped)`` on a thread named ``name``.

    The task looks at ``stopped`` between steps and raises `Stopped` once
    it is set. ``interrupt`` is called when the caller stops while the task
    is still running, to cut short a statement the server is working on.
    """

    def __init__(
        self,
        name: str,
        task: Callable[[threading.Event], None],
        interrupt: Callable[[], None] | None = None,
    ) -> None:
        self.stopped = threading.Event()
        self._ended = threading.Event()
        self._task = task
        self._interrupt = interrupt
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    @property
    def failed(self) -> bool:
        """Whether the task has stopped on an error."""
        return self._error is not None

    def alive(self) -> bool:
        return not self._ended.is_set()

    def join(self) -> None:
        """Wait for the task to end.

        Raises:
            BaseException: whatever stopped the task.
        """
        self._ended.wait()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Stop the task if it still runs, and wait for it (its error is dropped)."""
        self.stopped.set()
        if self.alive() and self._interrupt is not None:
            try:
                self._interrupt()
            except Exception:
                log.debug("interrupting %s failed", self._thread.name, exc_info=True)
        self._ended.wait()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            self._task(self.stopped)
        except BaseException as error:
            self._error = error
        finally:
            self._ended.set()
