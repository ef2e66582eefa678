"""Signal files: activity logs, intent, contacts and event feeds, tied to accounts.

:func:`load_signals` reads each file given to a run with DuckDB, matches
its rows to the portfolio's accounts by id or registrable domain, and
registers one matched table per kind (``signal_activity``,
``signal_intent``, ``signal_contacts``, ``signal_events``) for the engine
to roll up. Its :class:`SignalReport` says, per file, where every row went.
A run opens the files first (:func:`open_signals`), so that it reads the
accounts' domains only when a file can match by domain, then matches them
(:func:`match_signals`).
"""

from tierwise.sources.signals.labels import kind_of, normalise_label
from tierwise.sources.signals.loading import (
    MATCHED_TABLES,
    TABLE_COLUMNS,
    load_signals,
    match_signals,
)
from tierwise.sources.signals.opening import OpenSignals, SignalFile, open_signals
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
