"""Reading the first sheet of an Excel workbook (.xlsx) into rows of cells.

An .xlsx is a zip of XML parts, and one from outside may be hostile: a
zip whose small parts inflate to gigabytes, or XML whose nested entities
expand without end. Before openpyxl sees the file, its zip directory is
checked against :class:`ExcelLimits`: how many parts, how large each and
all of them declare they inflate to, and how far each is compressed.
Python's zip reader stops at a part's declared size, so those limits hold
while reading too. The XML is parsed through defusedxml, which refuses
entity declarations; tierwise refuses to open a workbook without it.
Reading stops when it takes longer than the time limit. Each refusal says
what was found and that nothing was imported.

openpyxl reads in read-only mode, which streams rows, and only the first
:data:`MAX_COLUMNS` columns of each row are kept, so a cell placed far to
the right cannot make every row that wide. The header row is found by
its names, as for CSV; title, footer and total rows are skipped with their
reasons.
"""

from __future__ import annotations

import logging
import time
import zipfile
from dataclasses import dataclass
from datetime import date
from datetime import time as clock_time
from pathlib import Path
from typing import BinaryIO

from tierwise.errors import SourceError
from tierwise.progress import QUIET, Progress
from tierwise.sources.headers import header_key
from tierwise.sources.layout import TITLE, HeaderHint, find_header, split_footer
from tierwise.sources.tables import Cell, GridTable, Rows, drop_blank_rows, is_blank

__all__ = ["DEFAULT_LIMITS", "MAX_COLUMNS", "ExcelLimits", "read_excel"]

log = logging.getLogger(__name__)

MAX_COLUMNS = 1024


@dataclass(frozen=True)
class ExcelLimits:
    """What a workbook may hold before it is refused unread."""

    max_parts: int = 10_000
    max_part_bytes: int = 1 << 30
    max_total_bytes: int = 2 << 30
    # Sheet XML compresses well (10–30x is common); far beyond that is a
    # bomb. Parts smaller than ``ratio_floor`` are never refused for it.
    max_ratio: int = 200
    ratio_floor: int = 1 << 20
    max_seconds: float = 600.0


DEFAULT_LIMITS = ExcelLimits()


def read_excel(
    path: Path,
    header: HeaderHint | None = None,
    limits: ExcelLimits = DEFAULT_LIMITS,
    progress: Progress = QUIET,
) -> GridTable:
    """Read the header and rows of a workbook's first sheet.

    ``progress`` is told how many rows below the first are read so far.

    Raises:
        SourceError: for a file that is not a readable .xlsx workbook, one
            beyond the limits or with XML entities, or an empty first sheet.
    """
    from defusedxml import DefusedXmlException
    from openpyxl.utils.exceptions import InvalidFileException
    from openpyxl.xml import DEFUSEDXML

    if not DEFUSEDXML:
        raise SourceError(
            f"{path.name}: Excel files are read only with defusedxml installed, "
            "which guards against hostile workbooks; run `pip install defusedxml`"
        )
    _check_zip(path, limits)

    started = time.monotonic()
    # The file is opened here, not by openpyxl, so it is closed even when
    # openpyxl fails half-way through opening the workbook.
    try:
        with path.open("rb") as handle:
            rows, title, sheets = _read_rows(handle, path, started, limits, progress)
    except DefusedXmlException as error:
        raise _entities_refused(path, error) from None
    except (
        InvalidFileException,
        zipfile.BadZipFile,
        KeyError,
        OSError,
        ValueError,
        TypeError,
        IndexError,
        EOFError,
    ) as error:
        # openpyxl wraps what its XML parser raised; an entity refusal found
        # anywhere in the chain is reported as such.
        cause = _defused_cause(error, DefusedXmlException)
        if cause is not None:
            raise _entities_refused(path, cause) from None
        raise SourceError(
            f"{path.name}: not a readable .xlsx workbook ({error}); open it in "
            "Excel and save it again as .xlsx"
        ) from None

    table = _table(path, title, rows, header)
    if sheets > 1:
        table.notes.insert(0, f"sheet: read the first of {sheets} sheets, {title!r}")
    return table


def _read_rows(
    handle: BinaryIO,
    path: Path,
    started: float,
    limits: ExcelLimits,
    progress: Progress,
) -> tuple[Rows, str, int]:
    import openpyxl

    workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    try:
        sheet = workbook.worksheets[0]
        # Some writers store a wrong sheet size; re-measuring reads every row.
        sheet.reset_dimensions()
        rows: Rows = []
        values = sheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
        for number, cells in enumerate(values, start=1):
            rows.append((number, list(cells)))
            if number % 10_000 == 0:
                _check_time(path, started, limits)
                # As for CSV: the first row is the header in most sheets.
                progress.advance_to(number - 1)
        progress.advance_to(max(len(rows) - 1, 0))
        return rows, str(sheet.title), len(workbook.sheetnames)
    finally:
        workbook.close()


def _defused_cause(
    error: BaseException, kind: type[BaseException]
) -> BaseException | None:
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        if isinstance(current, kind):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def _entities_refused(path: Path, error: BaseException) -> SourceError:
    return SourceError(
        f"{path.name}: refused: the workbook's XML declares entities "
        f"({type(error).__name__}), which an entity-expansion attack uses "
        "to exhaust memory; nothing was imported. Open it in Excel and "
        "save it again as .xlsx if you trust it"
    )


def _check_zip(path: Path, limits: ExcelLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            parts = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise SourceError(
            f"{path.name}: not a readable .xlsx workbook ({error}); open it in "
            "Excel and save it again as .xlsx"
        ) from None

    refusal = None
    total = sum(part.file_size for part in parts)
    if len(parts) > limits.max_parts:
        refusal = f"it holds {len(parts):,} parts (at most {limits.max_parts:,})"
    elif total > limits.max_total_bytes:
        refusal = (
            f"its parts inflate to {total:,} bytes (at most {limits.max_total_bytes:,})"
        )
    for part in parts:
        if refusal:
            break
        ratio = part.file_size / max(part.compress_size, 1)
        if part.file_size > limits.max_part_bytes:
            refusal = (
                f"part {part.filename} inflates to {part.file_size:,} bytes "
                f"(at most {limits.max_part_bytes:,})"
            )
        elif part.file_size > limits.ratio_floor and ratio > limits.max_ratio:
            refusal = (
                f"part {part.filename} is compressed {ratio:,.0f} to 1 (at most "
                f"{limits.max_ratio} to 1), as a zip bomb is"
            )
    if refusal:
        raise SourceError(
            f"{path.name}: refused before reading: {refusal}; nothing was "
            "imported. Export the accounts again, or split the file"
        )


def _check_time(path: Path, started: float, limits: ExcelLimits) -> None:
    spent = time.monotonic() - started
    if spent > limits.max_seconds:
        raise SourceError(
            f"{path.name}: refused: reading took over {limits.max_seconds:g} s; "
            "nothing was imported. Save the sheet as CSV or Parquet and import that"
        )


def _table(path: Path, title: str, rows: Rows, hint: HeaderHint | None) -> GridTable:
    header_at = find_header([cells for _, cells in rows], hint, header_key)
    if header_at is None:
        raise SourceError(f"{path.name}: the first sheet ({title!r}) is empty")

    header_cells = rows[header_at][1]
    while header_cells and is_blank(header_cells[-1]):
        header_cells.pop()
    headers = [_header_text(cell) for cell in header_cells]
    width = len(headers)
    titles = [
        (number, TITLE)
        for number, cells in rows[:header_at]
        if not all(map(is_blank, cells))
    ]

    data: Rows = []
    overflow: list[int] = []
    for number, cells in rows[header_at + 1 :]:
        if any(not is_blank(cell) for cell in cells[width:]):
            overflow.append(number)
        data.append((number, (cells + [None] * width)[:width]))

    data, footer = split_footer(data, width)
    data, blank_rows = drop_blank_rows(data)
    notes = []
    if overflow:
        notes.append(
            f"{len(overflow)} row(s) have values right of the last header, which "
            f"were ignored, e.g. row {overflow[0]}"
        )
    if titles:
        notes.append(f"header: found on row {rows[header_at][0]}, below a title block")
    return GridTable(
        headers,
        data,
        blank_rows,
        notes,
        skipped=titles + footer,
        header_row=rows[header_at][0],
    )


def _header_text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, date | clock_time):
        return cell.isoformat()
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell)
