"""Reading accounts from CSV, Excel and Parquet files through a column mapping."""

from tierwise.sources.accounts import ImportReport, read_accounts
from tierwise.sources.mapping import (
    PRESETS,
    ColumnMapping,
    ColumnSpec,
    load_mapping_file,
    load_preset,
)

__all__ = [
    "PRESETS",
    "ColumnMapping",
    "ColumnSpec",
    "ImportReport",
    "load_mapping_file",
    "load_preset",
    "read_accounts",
]
