"""Stops asked for by a signal (SIGINT, SIGTERM), remembered until the end.

The command line turns each stop into an exception where the program is.
Python drops an exception raised inside a finaliser (an object's
``__del__``, a weakref callback) after printing it, so a stop that arrives
while one runs is lost: the command goes on to the end and, before this
module, put its whole file in place and then exited as stopped. The stop is
therefore also remembered here, and whatever puts finished work in place
asks :func:`raise_if_stopped` first.

Only the first signal is raised. A second Ctrl-C, pressed while the first
one's stop cleans up (a scratch folder removed, a write-back table
dropped), interrupted that cleanup and left the half-written work behind;
later signals are remembered and said to be in hand instead. A stop lost
in a finaliser is still acted on at the next :func:`raise_if_stopped`.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType
from typing import NoReturn

__all__ = ["STOPPING", "on_signal", "raise_if_stopped", "stopped_by"]

# The signals that asked to stop, first one first.
_asked: list[int] = []
# Said once, when a signal comes while the first one's stop is under way.
STOPPING = "tierwise: stopping; cleaning up what this run started first"


def on_signal(number: int, frame: FrameType | None) -> None:
    """The handler for SIGINT and SIGTERM: remember the stop and raise it,
    unless a stop was asked before, which is then being carried out."""
    _asked.append(number)
    if len(_asked) == 1:
        _raise(number)
    if len(_asked) == 2:
        sys.stderr.write(STOPPING + "\n")


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
