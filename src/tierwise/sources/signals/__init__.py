"""Signal files: activity logs, intent, contacts and event feeds, tied to accounts.

:func:`load_signals` reads each file given to a run with DuckDB, matches
its rows to the portfolio's accounts by id or registrable domain, and
registers one matched table per kind (``signal_activity``,
``signal_intent``, ``signal_contacts``, ``signal_events``) for the engine
to roll up. Its :class:`SignalReport` says, per file, where every row went.
A run opens the files first (:func:`open_signals`), so that it reads the
accounts' domains only when a file can match by domain, then matches them
(:func:`match_signals`).

The names below are imported when first used, so the engine, which
compares labels as the readers do (:mod:`~tierwise.sources.signals.labels`),
loads no file reader for a run without signal files.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.sources.signals.labels import kind_of, normalise_label
    from tierwise.sources.signals.loading import (
        MATCHED_TABLES,
        TABLE_COLUMNS,
        load_signals,
        match_signals,
    )
    from tierwise.sources.signals.opening import (
        OpenSignals,
        SignalFile,
        open_signals,
    )
    from tierwise.sources.signals.report import (
        SignalFileReport,
        SignalReport,
        signal_report_json,
        signal_report_lines,
    )

__all__ = [
    "MATCHED_TABLES",
    "TABLE_COLUMNS",
    "OpenSignals",
    "SignalFile",
    "SignalFileReport",
    "SignalReport",
    "kind_of",
    "load_signals",
    "match_signals",
    "normalise_label",
    "open_signals",
    "signal_report_json",
    "signal_report_lines",
]

# Where each public name lives.
_HOMES = {
    "kind_of": "tierwise.sources.signals.labels",
    "normalise_label": "tierwise.sources.signals.labels",
    "MATCHED_TABLES": "tierwise.sources.signals.loading",
    "TABLE_COLUMNS": "tierwise.sources.signals.loading",
    "load_signals": "tierwise.sources.signals.loading",
    "match_signals": "tierwise.sources.signals.loading",
    "OpenSignals": "tierwise.sources.signals.opening",
    "SignalFile": "tierwise.sources.signals.opening",
    "open_signals": "tierwise.sources.signals.opening",
    "SignalFileReport": "tierwise.sources.signals.report",
    "SignalReport": "tierwise.sources.signals.report",
    "signal_report_json": "tierwise.sources.signals.report",
    "signal_report_lines": "tierwise.sources.signals.report",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
