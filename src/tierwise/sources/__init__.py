"""Reading accounts from CSV, Excel and Parquet files through a column mapping.

The names below are imported when first used, so a module that reads one
cell (:mod:`tierwise.sources.values`) loads no file reader.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from tierwise.lent_names import lend

if TYPE_CHECKING:
    from tierwise.sources.accounts import read_accounts
    from tierwise.sources.mapping import (
        PRESETS,
        ColumnMapping,
        ColumnSpec,
        load_mapping_file,
        load_preset,
        mapping_from_text,
    )
    from tierwise.sources.money import Currencies
    from tierwise.sources.report import (
        ImportReport,
        report_json,
        report_text,
        short_report,
    )

__all__ = [
    "PRESETS",
    "ColumnMapping",
    "ColumnSpec",
    "Currencies",
    "ImportReport",
    "load_mapping_file",
    "load_preset",
    "mapping_from_text",
    "read_accounts",
    "report_json",
    "report_text",
    "short_report",
]

# Where each public name lives.
_HOMES = {
    "read_accounts": "tierwise.sources.accounts",
    "PRESETS": "tierwise.sources.mapping",
    "ColumnMapping": "tierwise.sources.mapping",
    "ColumnSpec": "tierwise.sources.mapping",
    "load_mapping_file": "tierwise.sources.mapping",
    "load_preset": "tierwise.sources.mapping",
    "mapping_from_text": "tierwise.sources.mapping",
    "Currencies": "tierwise.sources.money",
    "ImportReport": "tierwise.sources.report",
    "report_json": "tierwise.sources.report",
    "report_text": "tierwise.sources.report",
    "short_report": "tierwise.sources.report",
}


__getattr__, __dir__ = lend(__name__, _HOMES, __all__)
