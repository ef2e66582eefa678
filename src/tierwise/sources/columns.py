"""Turning one file column into one field's values, by the field's kind.

A converter reads every cell of a column, keeps the values, and collects
instead of raising: each unreadable cell becomes a :class:`CellProblem`, so
one error can list all of them, and each repair or guess is counted in a
:class:`NoteCounter` with its first example for the import report.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources.mapping import ColumnSpec
from tierwise.sources.tables import Cell
from tierwise.sources.values import (
    AMBIGUOUS_FORM,
    BOOLEAN_FALSE,
    BOOLEAN_TRUE,
    HOST_ONLY,
    TRIMMED,
    CellError,
    host_of,
    parse_boolean,
    parse_date,
    parse_number,
    trim,
)

__all__ = [
    "CellProblem",
    "NoteCounter",
    "Value",
    "check_options",
    "convert_column",
    "shown",
    "text_of",
]

log = logging.getLogger(__name__)

Value = str | float | bool | date | None

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")

REWRITTEN = "rewritten by the mapping's `values:`"
NAN_BLANK = "NaN (not a number) read as blank"

# Which mapping options make sense for which kind of field.
OPTION_KINDS = {
    "multiply": FieldKind.NUMBER,
    "values": FieldKind.TEXT,
    "normalise": FieldKind.TEXT,
    "date_format": FieldKind.DATE,
    "true_values": FieldKind.BOOLEAN,
    "false_values": FieldKind.BOOLEAN,
}


@dataclass(frozen=True)
class CellProblem:
    """One cell that cannot be read for its field."""

    row: int
    header: str
    field: str
    value: str
    problem: str
    fix: str

    def __str__(self) -> str:
        return (
            f"row {self.row}, column {self.header!r} ({self.field}): "
            f"{self.value} {self.problem}"
        )


class NoteCounter:
    """Counts repairs per kind of repair, keeping the first example of each."""

    def __init__(self, field: str, header: str) -> None:
        self.field = field
        self.header = header
        self.counts: dict[str, int] = {}
        self.examples: dict[str, str] = {}

    def add(self, category: str, row: int, before: Cell, after: Value) -> None:
        if category not in self.counts:
            self.counts[category] = 0
            self.examples[category] = f"row {row}: {shown(before)} → {shown(after)}"
        self.counts[category] += 1

    def lines(self) -> list[str]:
        return [
            f"{self.field} ({self.header!r}): {count} value(s) {category}, "
            f"e.g. {self.examples[category]}"
            for category, count in self.counts.items()
        ]


def check_options(field: str, kind: FieldKind, spec: ColumnSpec, mapping: str) -> None:
    """Refuse mapping options that do not apply to the field's kind.

    Raises:
        SourceError: naming the mapping, the field and the option.
    """
    used = {
        "multiply": spec.multiply is not None,
        "values": bool(spec.values),
        "normalise": spec.normalise is not None,
        "date_format": spec.date_format is not None,
        "true_values": spec.true_values is not None,
        "false_values": spec.false_values is not None,
    }
    for option, is_used in used.items():
        if is_used and OPTION_KINDS[option] != kind:
            raise SourceError(
                f"mapping {mapping}: {field} is a {kind} field, but `{option}:` "
                f"applies only to {OPTION_KINDS[option]} fields; remove it from "
                f"the column's options"
            )


def convert_column(
    field: str,
    kind: FieldKind,
    spec: ColumnSpec,
    header: str,
    rows: list[int],
    cells: list[Cell],
    problems: list[CellProblem],
) -> tuple[list[Value], list[str]]:
    """Read every cell of a column as the field's kind.

    Unreadable cells are appended to ``problems`` and become ``None``.
    Returns the values and the report notes for this column.
    """
    notes = NoteCounter(field, header)
    reader = _READERS[kind]

    values: list[Value] = []
    for row, cell in zip(rows, cells, strict=True):
        try:
            value = reader(cell, spec, notes, row)
        except CellError as error:
            problems.append(
                CellProblem(row, header, field, shown(cell), error.problem, error.fix)
            )
            value = None
        values.append(value)
    return values, notes.lines()


def text_of(cell: Cell) -> str | None:
    """A cell as the text a person sees in the file; ``None`` for empty."""
    if cell is None or isinstance(cell, str):
        return cell
    if isinstance(cell, bool):
        return "TRUE" if cell else "FALSE"
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, Decimal):
        return format(cell, "f")
    if isinstance(cell, date | time):
        return cell.isoformat()
    return str(cell)


def shown(value: object) -> str:
    """A value quoted for a message, cut short when long."""
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else f"{text[:57]}…"


def _read_text(cell: Cell, spec: ColumnSpec, notes: NoteCounter, row: int) -> Value:
    raw = cell if type(cell) is str else text_of(_checked(cell))
    if raw is None:
        return None

    # A line break inside a quoted CSV value reads the same from LF, CRLF
    # and CR files.
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = trim(raw)
    if text != raw and text:
        notes.add(TRIMMED, row, raw, text)

    if text and text.casefold() in spec.values:
        rewritten = spec.values[text.casefold()]
        notes.add(REWRITTEN, row, text, rewritten or None)
        text = rewritten

    if not text:
        return None
    if spec.normalise == "domain":
        host, note = host_of(text)
        if note:
            notes.add(HOST_ONLY, row, text, host)
        return host
    return text


def _read_number(cell: Cell, spec: ColumnSpec, notes: NoteCounter, row: int) -> Value:
    # Most cells are plain numbers. Python reads a decimal string to the
    # nearest float directly, exactly as it would through Decimal, so only
    # multiplication needs the Decimal path.
    if (
        type(cell) is str
        and spec.multiply is None
        and _PLAIN_NUMBER.fullmatch(cell)
        and not AMBIGUOUS_FORM.fullmatch(cell)
    ):
        return float(cell)

    cell = _checked(cell)
    if cell is None:
        return None
    if isinstance(cell, bool | date | time):
        raise CellError("is not a number", "map a number column to this field")

    if isinstance(cell, float) and math.isnan(cell):
        notes.add(NAN_BLANK, row, cell, None)
        return None
    if isinstance(cell, int | float | Decimal):
        number: Decimal | None = (
            Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        )
    else:
        number, note = parse_number(cell)
        if number is None:
            return None
        if note:
            notes.add(note, row, cell, float(number))

    if number is None or not number.is_finite():
        raise CellError("is not a finite number", "correct the cell or clear it")
    if spec.multiply is not None:
        number *= spec.multiply

    result = float(number)
    if math.isinf(result):
        raise CellError("is too large to score", "correct the cell or clear it")
    return result


def _read_boolean(cell: Cell, spec: ColumnSpec, notes: NoteCounter, row: int) -> Value:
    cell = _checked(cell)
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float | Decimal) and cell in (0, 1):
        return cell == 1
    if not isinstance(cell, str):
        raise CellError("is not a yes/no value", "map a yes/no column to this field")

    return parse_boolean(
        cell,
        spec.true_values if spec.true_values is not None else BOOLEAN_TRUE,
        spec.false_values if spec.false_values is not None else BOOLEAN_FALSE,
    )


def _read_date(cell: Cell, spec: ColumnSpec, notes: NoteCounter, row: int) -> Value:
    cell = _checked(cell)
    if cell is None:
        return None
    if isinstance(cell, datetime):
        return cell.date()
    if isinstance(cell, date):
        return cell
    if not isinstance(cell, str):
        raise CellError(
            "is not a date",
            "format the column as dates in the spreadsheet, or write them as "
            "YYYY-MM-DD",
        )
    return parse_date(cell, spec.date_format)


def _checked(cell: Cell) -> Cell:
    # Parquet can hold lists, structs and bytes, which no field accepts.
    if isinstance(cell, str | int | float | Decimal | date | time) or cell is None:
        return cell
    raise CellError(
        f"holds a {type(cell).__name__}, not a single value",
        "map a column of plain values to this field",
    )


_Reader = Callable[[Cell, ColumnSpec, NoteCounter, int], Value]

_READERS: dict[FieldKind, _Reader] = {
    FieldKind.TEXT: _read_text,
    FieldKind.NUMBER: _read_number,
    FieldKind.BOOLEAN: _read_boolean,
    FieldKind.DATE: _read_date,
}
