"""What a workbook export promises, without the spreadsheet writer.

Kept apart from :mod:`tierwise.report.workbook` so that naming the limit or
reading where a tier went does not load the writer (openpyxl), which only an
Excel export needs.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ABOUT_SHEET", "EXCEL_MAX_ROWS", "TierSheets"]

# Excel's rows per sheet, header included.
EXCEL_MAX_ROWS = 1_048_576
ABOUT_SHEET = "About"


@dataclass(frozen=True)
class TierSheets:
    """Where one tier's accounts went: its sheets, in order, and how many."""

    tier: str
    name: str
    accounts: int
    sheets: list[str]
