"""Stops asked for by a signal (SIGINT, SIGTERM), remembered until the end.

The command line turns each stop into an exception where the program is.
Python drops an exception raised inside a finaliser (an object's
``__del__``, a weakref callback) after printing it, so a stop that arrives
while one runs is lost: the command goes on to the end and, before this
module, put its whole file in place and then exited as stopped. The stop is
therefore also remembered here, and whatever puts finished work in place
asks :func:`raise_if_stopped` first.
"""

from __future__ import annotations

import signal
from types import FrameType
from typing import NoReturn

__all__ = ["on_signal", "raise_if_stopped", "stopped_by"]

# The signals that asked to stop, first one first.
_asked: list[int] = []


def on_signal(number: int, frame: FrameType | None) -> NoReturn:
    """The handler for SIGINT and SIGTERM: remember the stop and raise it."""
    _asked.append(number)
    _raise(number)


def stopped_by() -> int | None:
    """The number of the first signal that asked to stop, or None."""
    return _asked[0] if _asked else None


def raise_if_stopped() -> None:
    """Raise the stop asked for earlier, if one was and got lost on its way.

    Raises:
        KeyboardInterrupt: after SIGINT, as Ctrl-C does.
        SystemExit: after another signal, with 128 plus its number.
    """
    number = stopped_by()
    if number is not None:
        _raise(number)


def _raise(number: int) -> NoReturn:
    if number == signal.SIGINT:
        raise KeyboardInterrupt
    raise SystemExit(128 + number)
