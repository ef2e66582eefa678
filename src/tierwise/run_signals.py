"""A run's signal files: named on the command line, loaded, recorded, found again.

``tier`` reads them beside the accounts; the manifest and the store keep
where each was and its digest, so ``explain`` and what-if can read the very
same files again and refuse ones that changed since.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import weakref
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from tierwise.engine.run import (
    ACCOUNTS_VIEW,
    DEFAULT_MEMORY_LIMIT,
    SIGNALS_MEMORY_LIMIT,
)
from tierwise.errors import TierwiseError
from tierwise.model import TieringModel
from tierwise.scratch_folders import new_scratch_folder
from tierwise.sources import ColumnMapping
from tierwise.sources.signals import (
    OpenSignals,
    SignalFile,
    SignalReport,
    match_signals,
    open_signals,
)

__all__ = [
    "file_sha256",
    "load_run_signals",
    "memory_limit",
    "open_run_signals",
    "recorded_signals",
    "signal_files",
    "signal_manifest",
    "signals_again",
    "signals_digest",
]


def signal_files(
    paths: dict[str, Path | None],
    columns: Sequence[str] = (),
    mapping: ColumnMapping | None = None,
) -> list[SignalFile]:
    """The signal files of a run from ``--activity`` and friends.

    ``paths`` maps a kind (activity, intent, contacts, events) to its file
    or None; ``columns`` are ``--signal-column KIND.ROLE=HEADER`` settings,
    which win over the ``signals:`` section of ``mapping``.

    Raises:
        TierwiseError: for a column setting that is not KIND.ROLE=HEADER,
            or names a kind without a file.
    """
    given = mapping.signals if mapping is not None else {}
    named = {kind: dict(roles) for kind, roles in given.items()}
    for setting in columns:
        where, equals, header = setting.partition("=")
        kind, dot, role = where.strip().partition(".")
        if not (equals and dot and role.strip() and header.strip()):
            raise TierwiseError(
                f"--signal-column {setting!r}: write KIND.ROLE=HEADER, e.g. "
                "activity.timestamp=Created Date"
            )
        if paths.get(kind) is None:
            raise TierwiseError(
                f"--signal-column {setting!r}: no --{kind} file is given"
            )
        named.setdefault(kind, {})[role.strip()] = header.strip()
    return [
        SignalFile(kind, path, named.get(kind, {}))
        for kind, path in paths.items()
        if path is not None
    ]


def open_run_signals(
    connection: duckdb.DuckDBPyConnection,
    signals: Sequence[SignalFile],
    model: TieringModel,
) -> OpenSignals:
    """Open the run's signal files before its accounts are read.

    Their columns then say whether any row can match by domain, and so
    whether the accounts' domains must be read. Their scratch folder lives
    as long as ``connection``.
    """
    scratch = new_scratch_folder("signals")
    weakref.finalize(connection, shutil.rmtree, scratch, True)
    return open_signals(connection, signals, model, scratch)


def load_run_signals(
    connection: duckdb.DuckDBPyConnection,
    opened: OpenSignals,
    model: TieringModel,
    as_of: date,
) -> SignalReport:
    """Match the opened signal files to the run's accounts; register their
    matched tables."""
    return match_signals(connection, opened, model, as_of, ACCOUNTS_VIEW)


def signal_manifest(signals: Sequence[SignalFile]) -> dict[str, dict[str, Any]]:
    """Where each signal file is, its digest and the columns named for it."""
    return {
        signal.kind: {
            "path": str(signal.path.resolve()),
            "sha256": file_sha256(signal.path),
            "columns": dict(signal.columns),
        }
        for signal in signals
    }


def signals_again(
    manifest: dict[str, Any], out_dir: Path, moved: dict[str, Path]
) -> list[SignalFile]:
    """The run's signal files, checked to be the ones it read."""
    recorded: dict[str, dict[str, Any]] = manifest.get("signals", {})
    unknown = sorted(set(moved) - set(recorded))
    if unknown:
        raise TierwiseError(
            f"the run in {out_dir} read no --{unknown[0]} file; leave the option "
            "out, or tier again with it"
        )
    files = []
    for kind, entry in recorded.items():
        path = moved.get(kind, Path(entry["path"]))
        if not path.is_file() or file_sha256(path) != entry["sha256"]:
            raise TierwiseError(
                f"{path} (the run's --{kind} file) is gone or has changed since "
                f"the run in {out_dir}; give its current place with --{kind}, or "
                "run `tierwise tier` again to explain the current data"
            )
        files.append(SignalFile(kind, path, entry.get("columns", {})))
    return files


def recorded_signals(
    origin: dict[str, str], digests: dict[str, str], as_of: date | None
) -> list[SignalFile]:
    """The signal files a run recorded, checked against its digest."""
    if "signals" not in origin:
        return []
    if as_of is None:
        raise TierwiseError(
            "the run read signal files, which count from its as-of date; pass "
            "the run's as_of to read its input again"
        )
    given: dict[str, dict[str, Any]] = json.loads(origin["signals"])
    signals = [
        SignalFile(kind, Path(entry["path"]), entry.get("columns", {}))
        for kind, entry in given.items()
    ]
    missing = [signal for signal in signals if not signal.path.is_file()]
    if missing or signals_digest(signals) != digests.get("signals"):
        raise TierwiseError(
            "a signal file of the run is gone or has changed since the run was "
            "recorded, so it is no longer that run's input; tier the current "
            "files with `tierwise tier` and compare against that run (--against "
            "RUN), or put the original files back"
        )
    return signals


def signals_digest(signals: Sequence[SignalFile]) -> str:
    """One digest of the signal files' kinds, contents and named columns."""
    given = sorted(
        (signal.kind, file_sha256(signal.path), sorted(signal.columns.items()))
        for signal in signals
    )
    return hashlib.sha256(json.dumps(given).encode()).hexdigest()


def file_sha256(path: Path) -> str:
    """The SHA-256 of a file's bytes, read in blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def memory_limit(signals: Sequence[SignalFile]) -> str:
    """DuckDB's share of memory: less when signal files are read beside it."""
    return SIGNALS_MEMORY_LIMIT if signals else DEFAULT_MEMORY_LIMIT
