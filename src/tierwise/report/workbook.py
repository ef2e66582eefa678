"""The workbook for sales: a sheet per tier with the explanation columns.

Every text cell is written as an explicit string cell, which Excel never
runs as a formula, holding the text as it is (only the control characters
an xlsx cannot hold are stripped); text that looks like a formula also
carries Excel's quote-prefix mark, the one a typed leading apostrophe sets,
so it stays text when someone edits the cell. The apostrophe a CSV needs
(see `tierwise.report.cells`) would show in the cell here. Numbers are
written as numbers with a display format. Each sheet freezes its header row
and the id and name columns, filters on every column, and sizes columns to
their content.

A sheet holds at most :data:`EXCEL_MAX_ROWS` rows, Excel's limit, header
included. A tier with more accounts continues on further sheets named
``Programmatic (2)``, ``Programmatic (3)`` and so on, each with its own
header, rather than being refused: sales still gets every account, and the
``About`` sheet lists which sheets hold which tier.

The workbook is streamed (openpyxl's write-only mode), so memory stays flat,
but openpyxl writes XML in pure Python here: about 90 seconds per 100,000
accounts were measured, against seconds for the CSV and Parquet exports.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from tierwise.engine.compile import UNASSIGNED
from tierwise.errors import TierwiseError
from tierwise.report.cells import needs_neutralising, strip_control
from tierwise.report.people import (
    Kind,
    PeopleColumn,
    people_columns,
    people_rows,
)
from tierwise.report.results import Results
from tierwise.report.sheets import ABOUT_SHEET, EXCEL_MAX_ROWS, TierSheets

__all__ = ["ABOUT_SHEET", "EXCEL_MAX_ROWS", "TierSheets", "write_workbook"]

log = logging.getLogger(__name__)


_TITLE_LIMIT = 31
_TITLE_FORBIDDEN = str.maketrans({char: " " for char in "[]:*?/\\"})
_NUMBER_FORMATS = {
    Kind.WHOLE: "0",
    Kind.SCORE: "0.00",
    Kind.PERCENT: "0.0",
    Kind.MONEY: "#,##0",
}
_WIDTH_SAMPLE = 500
_BOLD = Font(bold=True)


def write_workbook(
    results: Results, path: Path, sheet_rows: int = EXCEL_MAX_ROWS
) -> list[TierSheets]:
    """Write ``results`` to the workbook ``path``; return the sheets per tier.

    Args:
        results: a loaded results folder.
        path: the ``.xlsx`` file to write.
        sheet_rows: the most rows a sheet may hold, header included; Excel's
            limit by default, smaller in tests.
    """
    if sheet_rows < 2:
        raise TierwiseError(
            f"a sheet must hold a header and at least one account; got "
            f"sheet_rows={sheet_rows}, use 2 or more (Excel allows {EXCEL_MAX_ROWS:,})"
        )
    columns = people_columns(results)
    workbook = Workbook(write_only=True)
    about = workbook.create_sheet(ABOUT_SHEET)

    placed: list[TierSheets] = []
    taken = {ABOUT_SHEET.casefold()}
    names = results.tier_names()
    for key in _sheet_tiers(results):
        accounts = results.table.filter(pc.equal(results.table["tier"], key))
        titles = _write_tier(
            workbook, accounts, columns, names.get(key, key), sheet_rows - 1, taken
        )
        placed.append(TierSheets(key, names.get(key, key), accounts.num_rows, titles))

    _write_about(about, results, placed)
    workbook.save(path)
    log.info("wrote %d accounts to %s", results.table.num_rows, path)
    return placed


def _sheet_tiers(results: Results) -> list[str]:
    """Active tiers in model order, then Unassigned, then any stray tier key."""
    keys = [tier.key for tier in results.model.active_tiers()] + [UNASSIGNED]
    present = results.table["tier"].unique().to_pylist()
    return keys + [key for key in present if key not in keys]


def _write_tier(
    workbook: Workbook,
    accounts: pa.Table,
    columns: list[PeopleColumn],
    name: str,
    per_sheet: int,
    taken: set[str],
) -> list[str]:
    parts = max(1, -(-accounts.num_rows // per_sheet))
    titles = _sheet_titles(name, parts, taken)
    for part, title in enumerate(titles):
        chunk = accounts.slice(part * per_sheet, per_sheet)
        sheet = workbook.create_sheet(title)
        _layout(sheet, columns, chunk)
        sheet.append(_header(sheet, columns))
        for values in people_rows(chunk, columns):
            sheet.append(_cells(sheet, columns, values))
    return titles


def _layout(sheet: Any, columns: list[PeopleColumn], chunk: pa.Table) -> None:
    """Freeze the header and id/name columns, filter, and size the columns."""
    sheet.freeze_panes = "C2"
    last = get_column_letter(len(columns))
    sheet.auto_filter.ref = f"A1:{last}{chunk.num_rows + 1}"

    sample = list(people_rows(chunk.slice(0, _WIDTH_SAMPLE), columns))
    for index, column in enumerate(columns):
        longest = max((len(_shown(row[index])) for row in sample), default=0)
        width = max(column.width, len(column.header) + 2, min(longest + 2, 60))
        sheet.column_dimensions[get_column_letter(index + 1)].width = width


def _header(sheet: Any, columns: list[PeopleColumn]) -> list[WriteOnlyCell]:
    cells = []
    for column in columns:
        cell = _text_cell(sheet, column.header)
        cell.font = _BOLD
        cells.append(cell)
    return cells


def _cells(sheet: Any, columns: list[PeopleColumn], values: list[Any]) -> Iterator[Any]:
    for column, value in zip(columns, values, strict=True):
        if value is None:
            yield None
        elif column.kind is Kind.TEXT:
            yield _text_cell(sheet, str(value))
        else:
            cell = WriteOnlyCell(sheet, value=value)
            cell.number_format = _NUMBER_FORMATS[column.kind]
            yield cell


def _text_cell(sheet: Any, text: str) -> WriteOnlyCell:
    """A cell that Excel shows as text whatever it holds (case 18).

    openpyxl types a value starting with ``=`` as a formula, so the type is
    set to string after the value.
    """
    shown = strip_control(text)
    cell = WriteOnlyCell(sheet, value=shown)
    cell.data_type = "s"
    if needs_neutralising(shown):
        cell.quotePrefix = True
    return cell


def _write_about(about: Any, results: Results, placed: list[TierSheets]) -> None:
    manifest = results.manifest
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 18
    about.column_dimensions["C"].width = 12
    about.column_dimensions["D"].width = 60
    rows: list[Iterable[Any]] = [
        ["Tiering run", str(results.folder)],
        ["Scored as of", manifest.get("as_of", "")],
        ["Model", results.model.name],
        ["Accounts", results.table.num_rows],
        [],
        ["Tier", "Tier key", "Accounts", "Sheets"],
    ]
    rows += [
        [tier.name, tier.tier, tier.accounts, ", ".join(tier.sheets)] for tier in placed
    ]
    rows += [
        [],
        [
            "Text a spreadsheet could run as a formula (starting with =, +, -, @, "
            "a tab or a carriage return) is kept as text here: shown as "
            "written, never run."
        ],
    ]
    for row in rows:
        about.append(
            [
                _text_cell(about, value) if isinstance(value, str) else value
                for value in row
            ]
        )


def _sheet_titles(name: str, parts: int, taken: set[str]) -> list[str]:
    """Legal, unique sheet titles for a tier: ``Focus``, ``Focus (2)``, ….

    Excel allows 31 characters and none of ``[]:*?/\\``, and compares titles
    without case. A name already taken (a tier called "About") gets ``#2``
    on every one of its sheets.
    """
    base = " ".join(name.translate(_TITLE_FORBIDDEN).split()).strip("'") or "Tier"
    for attempt in range(1, 100):
        mark = "" if attempt == 1 else f" #{attempt}"
        titles = [_cut(base, mark + _part(n)) for n in range(1, parts + 1)]
        if not {title.casefold() for title in titles} & taken:
            taken.update(title.casefold() for title in titles)
            return titles
    raise TierwiseError(f"cannot find free sheet names for the tier {name!r}")


def _part(number: int) -> str:
    return "" if number == 1 else f" ({number})"


def _cut(base: str, suffix: str) -> str:
    return base[: _TITLE_LIMIT - len(suffix)].rstrip() + suffix


def _shown(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}"
    return str(value)
