"""Reading accounts from CSV, Excel and Parquet files through a column mapping."""

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
