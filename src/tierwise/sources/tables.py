"""A file's header and cells, before any field is mapped or typed.

Each reader (CSV, Excel, Parquet) gives a :class:`RawTable`: the headers as
written, and the cells of the columns asked for, each with the row number a
person sees when they open the file. Readers hand over cells as the file
stores them (text for CSV, typed values for Excel and Parquet); the column
converters decide what a cell means for its field.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, time
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from tierwise.errors import SourceError
from tierwise.progress import QUIET, Progress

if TYPE_CHECKING:
    from tierwise.sources.layout import HeaderHint

__all__ = [
    "CSV_SUFFIXES",
    "Cell",
    "GridTable",
    "RawTable",
    "Rows",
    "first_data_row",
    "open_table",
]

log = logging.getLogger(__name__)

# A cell as a reader hands it over; datetime is a date, so it is included.
Cell = str | int | float | bool | Decimal | date | time | None

# Data rows as (row number in the file, cells in header order).
Rows = list[tuple[int, list[Cell]]]

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
EXCEL_SUFFIXES = (".xlsx", ".xlsm")
PARQUET_SUFFIXES = (".parquet", ".pq")


class RawTable(Protocol):
    """Headers and cells of one file; see the module docstring."""

    @property
    def headers(self) -> list[str]:
        """The header of each column, as written in the file."""
        ...

    @property
    def blank_rows(self) -> list[int]:
        """Row numbers of rows with no value at all, which are skipped."""
        ...

    @property
    def notes(self) -> list[str]:
        """What the reader repaired or guessed, for the import report."""
        ...

    def take(self, indices: Sequence[int]) -> tuple[list[int], dict[int, list[Cell]]]:
        """Row numbers of the data rows, and the cells of the given columns."""
        ...


@dataclass
class GridTable:
    """A table already held in memory as rows (CSV and Excel).

    Beyond :class:`RawTable`, it says how the file was read and which
    rows other than blank ones it skipped (a title above the header,
    footer and total lines), with the reason for each.
    """

    headers: list[str]
    rows: Rows
    blank_rows: list[int] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)
    encoding: str | None = None
    delimiter: str | None = None
    header_row: int | None = None

    def take(self, indices: Sequence[int]) -> tuple[list[int], dict[int, list[Cell]]]:
        numbers = [number for number, _ in self.rows]
        cells = {index: [row[index] for _, row in self.rows] for index in indices}
        return numbers, cells


def first_data_row(header_row: int | None) -> int:
    """The number of the first row below the header, as a spreadsheet shows it.

    Every report numbers a file's rows the way a person finds them on
    opening it: the file's first row is 1 and a header row counts, so a
    header on row 1 puts the first data row on row 2. A file without a
    header row (a Parquet file, a headerless CSV) starts its data on row 1.
    Account and signal readers both number from here, so their reports
    agree.

    >>> first_data_row(1), first_data_row(4), first_data_row(None)
    (2, 5, 1)
    """
    return 1 if header_row is None else header_row + 1


def is_blank(cell: Cell) -> bool:
    """True for an empty cell or one holding only spaces."""
    return cell is None or (isinstance(cell, str) and not cell.strip())


def is_blank_row(cells: list[Cell]) -> bool:
    """True for a row without any value."""
    for cell in cells:
        if cell is not None and (not isinstance(cell, str) or cell.strip()):
            return False
    return True


def drop_blank_rows(rows: Rows) -> tuple[Rows, list[int]]:
    """Split off rows without any value, so they can be reported as skipped.

    Blank rows after the last data row are dropped without a report: a
    sheet's used range often runs past its data because of formatting, and
    a file ending in empty lines has no rows there a person would count.
    """
    while rows and is_blank_row(rows[-1][1]):
        rows.pop()

    kept: Rows = []
    blank: list[int] = []
    for number, cells in rows:
        if is_blank_row(cells):
            blank.append(number)
        else:
            kept.append((number, cells))
    return kept, blank


def open_table(
    path: Path,
    delimiter: str | None = None,
    *,
    encoding: str | None = None,
    header: HeaderHint | None = None,
    progress: Progress = QUIET,
) -> RawTable:
    """Open a CSV, Excel or Parquet file, chosen by its suffix.

    ``delimiter`` and ``encoding`` (CSV) are guessed when ``None``;
    ``header`` names the headers to look for when the header row is not
    the first row (CSV and Excel); ``progress`` is told how many rows are
    read so far (CSV and Excel as they are parsed, Parquet once the mapped
    columns are read).

    Raises:
        SourceError: for a missing file or a format tierwise does not read.
    """
    if not path.is_file():
        raise SourceError(f"{path}: no such file")

    # Imported here so a CSV user never pays for openpyxl or Parquet.
    suffix = path.suffix.casefold()
    if suffix in CSV_SUFFIXES:
        from tierwise.sources.csv_files import read_csv

        return read_csv(
            path, delimiter, encoding=encoding, header=header, progress=progress
        )
    if suffix in EXCEL_SUFFIXES:
        from tierwise.sources.excel_files import read_excel

        return read_excel(path, header=header, progress=progress)
    if suffix in PARQUET_SUFFIXES:
        from tierwise.sources.parquet_files import ParquetTable

        return ParquetTable(path, progress)

    known = ", ".join((*CSV_SUFFIXES, *EXCEL_SUFFIXES, *PARQUET_SUFFIXES))
    hint = " (save it as .xlsx)" if suffix == ".xls" else ""
    raise SourceError(
        f"{path}: cannot read {suffix or 'a file without a suffix'!r}{hint}; "
        f"tierwise reads {known}"
    )
