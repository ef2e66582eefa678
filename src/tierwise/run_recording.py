"""Recording a run in the store while a progress bar counts it."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tierwise.progress import CountedAfterWait, Progress

if TYPE_CHECKING:
    from tierwise.engine import TieringRun
    from tierwise.store import RecordedRun, Store

__all__ = ["LOOKING", "RECORDING", "record_shown"]

# The tasks recording reports (see tierwise.progress).
LOOKING = "Looking for the same run in the store"
RECORDING = "Recording the run"


def record_shown(
    store: Store, run: TieringRun, progress: Progress, **details: Any
) -> RecordedRun:
    """``record_run(store, run, **details)``, telling ``progress`` the rows
    recorded so far."""
    from tierwise.store import record_run

    # Until the first rows are stored the store is checked for the same run
    # (which is then not stored again): that wait counts nothing.
    progress.start(LOOKING, None)
    stored = CountedAfterWait(progress, RECORDING, run.accounts)
    return record_run(store, run, progress=lambda done, total: stored(done), **details)
