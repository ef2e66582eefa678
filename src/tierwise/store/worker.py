"""A piece of the store's work on a thread of its own, stopped when its caller stops.

Recording a run on PostgreSQL keeps two server connections busy at once
(`tierwise.store.bulk`); each is driven by one of these threads while the
caller's thread reads the engine's result.
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
        return self._thread.is_alive()

    def join(self) -> None:
        """Wait for the task to end.

        Raises:
            BaseException: whatever stopped the task.
        """
        self._thread.join()
        if self._error is not None:
            raise self._error

    def stop(self) -> None:
        """Stop the task if it still runs, and wait for it (its error is dropped)."""
        self.stopped.set()
        if self._thread.is_alive() and self._interrupt is not None:
            try:
                self._interrupt()
            except Exception:
                log.debug("interrupting %s failed", self._thread.name, exc_info=True)
        self._thread.join()

    def __enter__(self) -> Worker:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def _run(self) -> None:
        try:
            self._task(self.stopped)
        except BaseException as error:
            self._error = error
