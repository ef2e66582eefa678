"""Reading the first sheet of an Excel workbook (.xlsx) into rows of cells.

openpyxl reads the workbook in read-only mode, which streams rows instead of
building every cell object, and parses its XML through defusedxml when that
is installed; tierwise refuses to open a workbook without it, because an
.xlsx from outside may carry an XML entity bomb. The header is the first row
with any value in it, so a blank line or two above the table is fine.
"""

from __future__ import annotations

import logging
import zipfile
from datetime import date, time
from pathlib import Path

from tierwise.errors import SourceError
from tierwise.sources.tables import Cell, GridTable, Rows, drop_blank_rows, is_blank

__all__ = ["read_excel"]

log = logging.getLogger(__name__)


def read_excel(path: Path) -> GridTable:
    """Read the header and rows of a workbook's first sheet.

    Raises:
        SourceError: for a file that is not a readable .xlsx workbook, or an
            empty first sheet.
    """
    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise SourceError(
            f"{path.name}: Excel files are read only with defusedxml installed, "
            "which guards against hostile workbooks; run `pip install defusedxml`"
        )

    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as error:
        raise SourceError(
            f"{path.name}: not a readable .xlsx workbook ({error}); open it in "
            "Excel and save it again as .xlsx"
        ) from None

    try:
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; re-measuring reads every row.
        sheet.reset_dimensions()
        rows: Rows = [
            (number, list(values))
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        title = sheet.title
        sheets = len(workbook.sheetnames)
    finally:
        workbook.close()

    table = _table(path, title, rows)
    if sheets > 1:
        table.notes.insert(0, f"sheet: read the first of {sheets} sheets, {title!r}")
    return table


def _table(path: Path, title: str, rows: Rows) -> GridTable:
    header_at = next(
        (i for i, (_, cells) in enumerate(rows) if not all(map(is_blank, cells))),
        None,
    )
    if header_at is None:
        raise SourceError(f"{path.name}: the first sheet ({title!r}) is empty")

    header_cells = rows[header_at][1]
    while header_cells and is_blank(header_cells[-1]):
        header_cells.pop()
    headers = [_header_text(cell) for cell in header_cells]
    width = len(headers)

    data: Rows = []
    overflow: list[int] = []
    for number, cells in rows[header_at + 1 :]:
        if any(not is_blank(cell) for cell in cells[width:]):
            overflow.append(number)
        data.append((number, (cells + [None] * width)[:width]))

    data, blank_rows = drop_blank_rows(data)
    notes = []
    if overflow:
        notes.append(
            f"{len(overflow)} row(s) have values right of the last header, which "
            f"were ignored, e.g. row {overflow[0]}"
        )
    return GridTable(headers, data, blank_rows, notes)


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date | time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
