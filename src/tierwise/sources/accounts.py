"""Reading an account file into a typed Arrow table, with an import report.

The steps: open the file (CSV, Excel or Parquet), find each field's column
through the mapping, skip rows without an ``account_id`` or ``name``, read
every cell as its field's kind, refuse duplicate ids, and build the table.
Every cell that cannot be read is collected first and reported in one
error, so a user fixes a file in one pass; nothing is returned half-read.

Row numbers in errors and in the report are the ones a person sees when
they open the file: for CSV and Excel the header is counted (a header on
line 1 makes the first account row 2), for Parquet the first record is 1.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa

from tierwise.errors import SourceError
from tierwise.model.fields import REQUIRED_FIELDS, FieldKind
from tierwise.sources.columns import (
    CellProblem,
    Value,
    check_options,
    convert_column,
    shown,
)
from tierwise.sources.headers import Match, match_columns
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.tables import Cell, open_table

__all__ = ["ARROW_TYPES", "ImportReport", "read_accounts"]

log = logging.getLogger(__name__)

ARROW_TYPES: dict[FieldKind, pa.DataType] = {
    FieldKind.TEXT: pa.string(),
    FieldKind.NUMBER: pa.float64(),
    FieldKind.BOOLEAN: pa.bool_(),
    FieldKind.DATE: pa.date32(),
}
MAX_LISTED = 20


@dataclass
class ImportReport:
    """What an import read, used, skipped, could not find, and repaired.

    ``rows_read == rows_used + len(skipped)`` always holds: every row of the
    file after the header is either in the table or skipped with a reason.
    """

    source: str
    rows_read: int
    rows_used: int
    skipped: list[tuple[int, str]] = field(default_factory=list)
    absent_fields: list[str] = field(default_factory=list)
    mapped: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def read_accounts(
    path: Path,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> tuple[pa.Table, ImportReport]:
    """Read accounts from a CSV, .xlsx or Parquet file through a mapping.

    ``fields`` are the fields the model reads, by kind; it must include
    ``account_id`` and ``name``. The table has one column per field the file
    provides, typed by kind (text → string, number → float64, boolean →
    bool, date → date32), in the order of ``fields``; blank cells are null.

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

    table = open_table(path, mapping.delimiter)
    matches, header_notes = match_columns(source, table.headers, fields, mapping)
    for name, match in matches.items():
        check_options(name, fields[name], match.spec, mapping.name)

    indices = sorted({match.index for match in matches.values()})
    rows, cells = table.take(indices)
    convert = _Converter(fields, matches, rows, cells)

    everyone = range(len(rows))
    identity = {name: convert(name, everyone) for name in REQUIRED_FIELDS}
    keep, skipped = _rows_to_keep(rows, identity)

    columns: dict[str, pa.Array] = {}
    for name, kind in fields.items():
        if name in identity:
            values = [identity[name][i] for i in keep]
        elif name in matches:
            values = convert(name, keep)
        else:
            continue
        columns[name] = pa.array(values, type=ARROW_TYPES[kind])

    _raise_problems(source, convert.problems)
    _refuse_duplicates(source, [rows[i] for i in keep], identity["account_id"], keep)

    skipped += [(number, "blank row") for number in table.blank_rows]
    report = ImportReport(
        source=str(path),
        rows_read=len(rows) + len(table.blank_rows),
        rows_used=len(keep),
        skipped=sorted(skipped),
        absent_fields=[name for name in fields if name not in matches],
        mapped={name: match.header for name, match in matches.items()},
        notes=[*table.notes, *header_notes, *convert.notes],
    )

    log.info(
        "read %s: %d rows, %d used, %d skipped, %d fields in %.2f s",
        source,
        report.rows_read,
        report.rows_used,
        len(report.skipped),
        len(columns),
        time.perf_counter() - started,
    )
    return pa.table(columns), report


class _Converter:
    """Converts the mapped columns, gathering every problem and note."""

    def __init__(
        self,
        fields: Mapping[str, FieldKind],
        matches: Mapping[str, Match],
        rows: list[int],
        cells: Mapping[int, list[Cell]],
    ) -> None:
        self.fields = fields
        self.matches = matches
        self.rows = rows
        self.cells = cells
        self.problems: list[CellProblem] = []
        self.notes: list[str] = []

    def __call__(self, name: str, positions: Sequence[int]) -> list[Value]:
        """The field's values at the given row positions."""
        match = self.matches[name]
        column = self.cells[match.index]
        values, notes = convert_column(
            name,
            self.fields[name],
            match.spec,
            match.header,
            [self.rows[i] for i in positions],
            [column[i] for i in positions],
            self.problems,
        )
        self.notes.extend(notes)
        return values


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
    if not problems:
        return

    count = len(problems)
    lines = [f"{source}: {count} cell(s) cannot be read; nothing was imported."]
    lines += [f"  {problem}" for problem in problems[:MAX_LISTED]]
    if count > MAX_LISTED:
        lines.append(f"  … and {count - MAX_LISTED} more")

    fixes = dict.fromkeys(f"{problem.field}: {problem.fix}" for problem in problems)
    lines.append("To fix:")
    lines += [f"  {fix}" for fix in fixes]
    raise SourceError("\n".join(lines))


# Ids are compared exactly as written. A Salesforce id exported in its
# 15-character form and in its 18-character form is not recognised as one
# record yet: both rows are imported as two accounts.
def _refuse_duplicates(
    source: str, kept_rows: list[int], ids: list[Value], keep: list[int]
) -> None:
    rows_by_id: dict[Value, list[int]] = {}
    for number, i in zip(kept_rows, keep, strict=True):
        rows_by_id.setdefault(ids[i], []).append(number)
    repeated = {
        value: numbers for value, numbers in rows_by_id.items() if len(numbers) > 1
    }
    if not repeated:
        return

    lines = [
        f"{source}: {len(repeated)} account_id value(s) appear on more than one "
        "row; nothing was imported."
    ]
    for value, numbers in list(repeated.items())[:MAX_LISTED]:
        listed = ", ".join(str(number) for number in numbers[:MAX_LISTED])
        more = " …" if len(numbers) > MAX_LISTED else ""
        lines.append(f"  {shown(value)}: rows {listed}{more}")
    if len(repeated) > MAX_LISTED:
        lines.append(f"  … and {len(repeated) - MAX_LISTED} more ids")
    lines.append(
        "Fix: remove or merge the repeated rows, or map account_id to a column "
        "whose values are unique"
    )
    raise SourceError("\n".join(lines))
