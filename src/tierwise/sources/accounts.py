"""Reading an account file into a typed Arrow table, with an import report.

The steps: open the file (CSV, Excel or Parquet) and find its header row,
find each field's column through the mapping, skip rows that hold no
account (blank, title, footer and total lines, rows without an
``account_id`` or ``name``), read every cell as its field's kind, convert
amounts into the model's currency, merge rows that are one account, and
build the table. Every cell that cannot be read is collected first and
reported in one error, so a user fixes a file in one pass; nothing is
returned half-read.

Row numbers in errors and in the report are the ones a person sees when
they open the file: for CSV and Excel the header is counted (a header on
line 1 makes the first account row 2), for Parquet the first record is 1.

Known shortcoming: every cell is read in Python, about 60 µs a row, and
all rows are held at once; a million-row CSV takes about 68 s and 3.1 GB
of memory to tier, past the 2 GB a run is meant to need. A Parquet file
that needs no repair per cell is read in place by DuckDB instead
(:mod:`tierwise.sources.parquet_view`): 8.5 s and 680 MB for the same
accounts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path

import pyarrow as pa

from tierwise.model.fields import REQUIRED_FIELDS, FieldKind
from tierwise.progress import QUIET, Progress
from tierwise.sources.columns import (
    CellProblem,
    Column,
    Value,
    check_options,
    convert_column,
    salesforce_note,
    shown,
)
from tierwise.sources.duplicates import caseless_fields, merge_duplicates
from tierwise.sources.headers import (
    Match,
    expected_headers,
    match_columns,
    match_optional,
)
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.money import Currencies, read_currency_code
from tierwise.sources.refusals import group_problems, refusal
from tierwise.sources.report import Flag, ImportReport, Tally
from tierwise.sources.salesforce_ids import ACCOUNT_ID, ID_FIELDS
from tierwise.sources.tables import Cell, GridTable, RawTable, open_table
from tierwise.sources.values import CellError

__all__ = [
    "ARROW_TYPES",
    "Currencies",
    "ImportReport",
    "merges_by_website",
    "read_accounts",
]

log = logging.getLogger(__name__)

# The step after reading a file's rows: each mapped column's cells read as
# their field's kind (numbers, dates, domains), repaired and flagged.
CLEANING = "Cleaning accounts"

ARROW_TYPES: dict[FieldKind, pa.DataType] = {
    FieldKind.TEXT: pa.string(),
    FieldKind.NUMBER: pa.float64(),
    FieldKind.BOOLEAN: pa.bool_(),
    FieldKind.DATE: pa.date32(),
}


def read_accounts(
    path: Path,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
    *,
    currencies: Currencies | None = None,
    progress: Progress = QUIET,
) -> tuple[pa.Table, ImportReport]:
    """Read accounts from a CSV, .xlsx or Parquet file through a mapping.

    ``fields`` are the fields the model reads, by kind; it must include
    ``account_id`` and ``name``. The table has one column per field the file
    provides, typed by kind (text → string, number → float64, boolean →
    bool, date → date32), in the order of ``fields``; blank cells are null.
    ``currencies`` holds the model's currency and exchange rates; amounts in
    other currencies are converted with them, and without them are kept as
    written and flagged.

    ``progress`` is told the rows read so far, in the task its caller
    started, and then the cleaning of their cells as a task of its own
    (``Cleaning accounts``), which moves as each column is done and is left
    for the caller to finish.

    Raises:
        SourceError: naming the file, and the rows, columns and values at
            fault with the fix, when the file cannot be imported as a whole.
        ValueError: when ``fields`` lacks ``account_id`` or ``name``.
    """
    lacking = [name for name in REQUIRED_FIELDS if name not in fields]
    if lacking:
        raise ValueError(f"read_accounts: fields must include {', '.join(lacking)}")
    started = time.perf_counter()
    source = path.name

    table = open_table(
        path,
        mapping.delimiter,
        encoding=mapping.encoding,
        header=expected_headers(fields, mapping),
        progress=progress,
    )
    matches, header_notes = match_columns(source, table.headers, fields, mapping)
    for name, match in matches.items():
        check_options(name, fields[name], match.spec, mapping.name)
    currency = (
        None
        if "currency" in fields
        else match_optional(table.headers, "currency", mapping)
    )

    indices = sorted({match.index for match in matches.values()} | _index(currency))
    rows, cells = table.take(indices)
    progress.start(CLEANING, len(rows))
    convert = _Converter(fields, matches, mapping, rows, cells, currencies, progress)

    everyone = range(len(rows))
    identity = {name: convert(name, everyone) for name in REQUIRED_FIELDS}
    keep, skipped = _rows_to_keep(rows, identity)
    row_currencies = convert.currency_codes(currency, keep)

    columns: dict[str, list[Value]] = {}
    for name in fields:
        if name in identity:
            columns[name] = [identity[name][i] for i in keep]
        elif name in matches:
            columns[name] = convert(name, keep, row_currencies)

    _raise_problems(source, convert.problems)
    merged = merge_duplicates(
        source,
        [rows[i] for i in keep],
        columns,
        convert.hosts() if "domain" in columns else None,
        by_website=merges_by_website(mapping, matches),
        website_column=matches["domain"].header if "domain" in matches else "",
        caseless=caseless_fields(fields),
    )

    arrays = {
        name: pa.array([values[i] for i in merged.keep], type=ARROW_TYPES[fields[name]])
        for name, values in columns.items()
    }
    progress.advance_to(len(rows))
    report = _report(path, table, rows, keep, skipped, merged.skipped, fields)
    report.mapped = {name: match.header for name, match in matches.items()}
    report.absent_fields = [name for name in fields if name not in matches]
    report.notes = [*table.notes, *header_notes, *convert.notes()]
    report.mapping_notes = header_notes
    report.repairs = convert.tallies()
    flags = sorted(
        [*convert.flags(), *merged.flags], key=lambda flag: (flag.row, flag.field)
    )
    report.flags = _with_accounts(flags, rows, keep, identity["account_id"])
    report.merges = merged.merges

    log.info(
        "read %s: %d rows, %d used, %d skipped, %d fields in %.2f s",
        source,
        report.rows_read,
        report.rows_used,
        len(report.skipped),
        len(arrays),
        time.perf_counter() - started,
    )
    return pa.table(arrays), report


def _with_accounts(
    flags: list[Flag], rows: list[int], keep: list[int], ids: list[Value]
) -> list[Flag]:
    """Each flag with the account its row became (None for rows left out)."""
    flagged = {flag.row for flag in flags}
    account_of = {rows[i]: ids[i] for i in keep if rows[i] in flagged}
    return [
        replace(flag, account_id=str(account_of[flag.row]))
        if account_of.get(flag.row) is not None
        else flag
        for flag in flags
    ]


def merges_by_website(mapping: ColumnMapping, matches: Mapping[str, Match]) -> bool:
    """Whether rows whose websites share a host are merged into one account."""
    # Rows of a CRM export are records with ids of their own; exporting
    # tiers back needs each of them, so by default they are flagged, not
    # merged. A list whose name is its id (no record ids) is merged.
    if mapping.duplicates != "auto":
        return mapping.duplicates == "merge"
    return matches["account_id"].index == matches["name"].index


def _index(match: Match | None) -> set[int]:
    return set() if match is None else {match.index}


def _report(
    path: Path,
    table: RawTable,
    rows: list[int],
    keep: list[int],
    skipped: list[tuple[int, str]],
    merged: list[tuple[int, str]],
    fields: Mapping[str, FieldKind],
) -> ImportReport:
    blank = [(number, "blank row") for number in table.blank_rows]
    # Only CSV and Excel files have a layout of their own: title, footer and
    # total rows, an encoding, a delimiter and a header row to report.
    grid = table if isinstance(table, GridTable) else GridTable([], [])
    return ImportReport(
        source=str(path),
        rows_read=len(rows) + len(blank) + len(grid.skipped),
        rows_used=len(keep) - len(merged),
        skipped=sorted([*skipped, *merged, *blank, *grid.skipped]),
        encoding=grid.encoding,
        delimiter=grid.delimiter,
        header_row=grid.header_row,
    )


class _Converter:
    """Converts the mapped columns, gathering every problem, repair and flag."""

    def __init__(
        self,
        fields: Mapping[str, FieldKind],
        matches: Mapping[str, Match],
        mapping: ColumnMapping,
        rows: list[int],
        cells: Mapping[int, list[Cell]],
        currencies: Currencies | None,
        progress: Progress = QUIET,
    ) -> None:
        self.fields = fields
        self.matches = matches
        self.mapping = mapping
        self.rows = rows
        self.cells = cells
        self.currencies = currencies
        self.problems: list[CellProblem] = []
        self.done: list[Column] = []
        self.progress = progress
        # A step per mapped column, and one for building the table.
        self.steps = len(matches) + 1

    def __call__(
        self,
        name: str,
        positions: Sequence[int],
        row_currencies: list[str | None] | None = None,
    ) -> list[Value]:
        """The field's values at the given row positions.

        ``row_currencies`` are the rows' currencies, one per position.
        """
        match = self.matches[name]
        column_cells = self.cells[match.index]
        picked = [column_cells[i] for i in positions]
        spec = match.spec
        column = Column(
            field=name,
            kind=self.fields[name],
            spec=spec,
            header=match.header,
            rows=[self.rows[i] for i in positions],
            cells=picked,
            problems=self.problems,
            decimal=spec.decimal or self.mapping.decimal or ".",
            decimal_set=(spec.decimal or self.mapping.decimal) is not None,
            currencies=self.currencies,
            row_currencies=row_currencies,
            salesforce_ids=_looks_like_salesforce(name, spec.normalise, picked),
        )
        values = convert_column(column)
        self.done.append(column)
        self.progress.advance_to(len(self.rows) * len(self.done) // self.steps)
        return values

    def currency_codes(
        self, match: Match | None, keep: list[int]
    ) -> list[str | None] | None:
        """Each kept row's currency from the mapped currency column."""
        if match is None:
            return None
        codes: list[str | None] = []
        for i in keep:
            cell = self.cells[match.index][i]
            try:
                codes.append(read_currency_code(None if cell is None else str(cell)))
            except CellError as error:
                self.problems.append(
                    CellProblem(
                        self.rows[i],
                        match.header,
                        "currency",
                        shown(cell),
                        error.problem,
                        error.fix,
                    )
                )
                codes.append(None)
        return codes

    def hosts(self) -> list[str | None] | None:
        for column in self.done:
            if column.field == "domain" and column.hosts is not None:
                return column.hosts
        return None

    def notes(self) -> list[str]:
        lines: list[str] = []
        for column in self.done:
            lines += column.log.lines()
            lines += column.log.notes
            if column.salesforce_ids:
                lines.append(salesforce_note(column.field, column.header))
        return lines

    def tallies(self) -> list[Tally]:
        return [tally for column in self.done for tally in column.log.tallies()]

    def flags(self) -> list[Flag]:
        return [flag for column in self.done for flag in column.log.flags]


def _looks_like_salesforce(name: str, normalise: str | None, cells: list[Cell]) -> bool:
    if name not in ID_FIELDS or normalise is not None:
        return False
    texts = [cell.strip() for cell in cells if isinstance(cell, str) and cell.strip()]
    if not texts or len(texts) != sum(cell is not None for cell in cells):
        return False
    return all(ACCOUNT_ID.fullmatch(text) for text in texts)


def _rows_to_keep(
    rows: list[int], identity: Mapping[str, list[Value]]
) -> tuple[list[int], list[tuple[int, str]]]:
    keep: list[int] = []
    skipped: list[tuple[int, str]] = []
    for i, number in enumerate(rows):
        blank = [name for name in REQUIRED_FIELDS if identity[name][i] is None]
        if blank:
            skipped.append((number, f"blank {' and '.join(blank)}"))
        else:
            keep.append(i)
    return keep, skipped


def _raise_problems(source: str, problems: list[CellProblem]) -> None:
    if problems:
        raise refusal(source, group_problems(problems))
