"""Signal files: activity logs, intent, contacts and event feeds, tied to accounts.

:func:`load_signals` reads each file given to a run with DuckDB, matches
its rows to the portfolio's accounts by id or registrable domain, and
registers one matched table per kind (``signal_activity``,
``signal_intent``, ``signal_contacts``, ``signal_events``) for the engine
to roll up. Its :class:`SignalReport` says, per file, where every row went.
"""

from tierwise.sources.signals.labels import kind_of, normalise_label
from tierwise.sources.signals.loading import (
    MATCHED_TABLES,
    TABLE_COLUMNS,
    SignalFile,
    load_signals,
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
    "SignalFile",
    "SignalFileReport",
    "SignalReport",
    "kind_of",
    "load_signals",
    "normalise_label",
    "signal_report_json",
    "signal_report_lines",
]
