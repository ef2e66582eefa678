"""Scratch folders in the temporary folder, and the ones killed runs left there.

A run keeps its working files (the results being scored, DuckDB's spill,
matched signal files, rows staged for the store) in folders of the system's
temporary folder and deletes them when it ends, also after Ctrl-C or
SIGTERM. A process killed outright (SIGKILL, the out-of-memory killer, a
power cut) cannot: at ten million accounts that is gigabytes. So each
folder's name holds the id of the process that made it,
``tierwise-<kind>-<process id>-<random>``, and making a new one first
deletes those, of any kind, whose process has ended.
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["new_scratch_folder", "sweep_abandoned"]

log = logging.getLogger(__name__)

PREFIX = "tierwise-"


def new_scratch_folder(kind: str) -> Path:
    """A new folder ``tierwise-<kind>-<pid>-…`` in the temporary folder.

    Scratch folders of any kind left by processes that have ended are
    deleted first (see `sweep_abandoned`).

    Raises:
        OSError: when the temporary folder cannot be written.
    """
    sweep_abandoned(Path(tempfile.gettempdir()))
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{kind}-{os.getpid()}-"))


def sweep_abandoned(parent: Path) -> None:
    """Delete the scratch folders in ``parent`` whose process has ended.

    Only on POSIX systems, where asking whether a process runs is harmless;
    a folder whose process may still run (or belongs to another user), or
    that cannot be deleted, is left alone, and so is any name that is not
    ``tierwise-<kind>-<process id>-…``.
    """
    if os.name != "posix":
        return
    try:
        folders = [path for path in parent.glob(f"{PREFIX}*-*-*") if path.is_dir()]
    except OSError:
        return
    for folder in folders:
        _, owner, _ = folder.name[len(PREFIX) :].split("-", 2)
        if owner.isdigit() and not _running(int(owner)):
            log.info("deleting %s, left by a run that was stopped", folder)
            shutil.rmtree(folder, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
