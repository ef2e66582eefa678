"""Turning one file column into one field's values, by the field's kind.

A converter reads every cell of a column and collects instead of raising:
each unreadable cell becomes a :class:`CellProblem`, so one error can list
all of them; each repair is tallied with its first example, and each cell
a person should check becomes a :class:`~tierwise.sources.report.Flag`.
Some decisions need the whole column (the order of day and month, whether
``1,250`` is shown to group thousands by its neighbours), so a converter
sees the column at once, never one cell without the others.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources.dates import read_date_column
from tierwise.sources.domains import DOUBLED_SCHEME, REDUCED, SUBDOMAIN, read_website
from tierwise.sources.encodings import looks_mis_decoded
from tierwise.sources.mapping import ColumnSpec
from tierwise.sources.money import Currencies
from tierwise.sources.report import Flag, Tally
from tierwise.sources.salesforce_ids import is_valid_18, to_18
from tierwise.sources.tables import Cell
from tierwise.sources.values import (
    NOT_YES_NO,
    NUMBER_NOT_YES_NO_FIX,
    TRIMMED_CHARACTERS,
    CellError,
    parse_boolean,
    trim,
)

__all__ = [
    "BINARY_DATA",
    "CellProblem",
    "Column",
    "ColumnLog",
    "Value",
    "check_options",
    "convert_column",
    "salesforce_note",
    "shown",
    "text_of",
]

log = logging.getLogger(__name__)

Value = str | float | bool | date | None

REWRITTEN = "rewritten by the mapping's `values:`"
MISSING_TOKEN = "read as missing (the column's `missing_values:`)"
TRIMMED = "spaces around the value removed"
SALESFORCE_18 = "15-character Salesforce ids given their 18-character form"
INVALID_18 = (
    "is not a valid 18-character Salesforce id: its last three "
    "characters do not match the first fifteen (was its case changed?)"
)
INVALID_18_FIX = "export the ids again from Salesforce; never change their case"
NOT_AN_ID = "is not a Salesforce id (15 or 18 letters and digits)"
NOT_AN_ID_FIX = "map the record id column (Id), or remove `normalise: salesforce_id`"
MOJIBAKE = "looks decoded twice (mojibake); kept as written"
EXCEL_ERROR = "an Excel error value, not data; kept as written"
EXCEL_ERRORS = frozenset(
    ("#N/A", "#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NULL!")
)
_TRIMMED_SET = frozenset(TRIMMED_CHARACTERS)
# A yes/no answer read from a cell's text: the value, or why it is none.
_Answer = bool | None | CellError

# Which mapping options make sense for which kind of field.
OPTION_KINDS = {
    "multiply": (FieldKind.NUMBER,),
    "values": (FieldKind.TEXT,),
    "normalise": (FieldKind.TEXT,),
    "date_format": (FieldKind.DATE,),
    "true_values": (FieldKind.BOOLEAN,),
    "false_values": (FieldKind.BOOLEAN,),
    "decimal": (FieldKind.NUMBER,),
    "range_rule": (FieldKind.NUMBER,),
    "currency": (FieldKind.NUMBER,),
    "missing_values": tuple(FieldKind),
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


class ColumnLog:
    """Tallies repairs per kind with a first example, and gathers flags."""

    def __init__(self, field: str, header: str) -> None:
        self.field = field
        self.header = header
        self.counts: dict[str, int] = {}
        self.examples: dict[str, str] = {}
        self.flags: list[Flag] = []
        self.notes: list[str] = []

    def repaired(
        self, what: str, row: int, before: object, after: object, times: int = 1
    ) -> None:
        """Count ``times`` repairs of a kind, the first seen as its example."""
        if what not in self.counts:
            self.counts[what] = 0
            self.examples[what] = f"row {row}: {shown(before)} → {shown(after)}"
        self.counts[what] += times

    def flag(
        self,
        row: int,
        before: Cell,
        after: str,
        reason: str,
        problem: bool = True,
        fix: str = "",
    ) -> None:
        value = before if isinstance(before, str) else text_of(before) or ""
        self.flags.append(
            Flag(row, self.field, self.header, value, after, reason, problem, fix=fix)
        )

    def tallies(self) -> list[Tally]:
        return [
            Tally(self.field, self.header, what, count, self.examples[what])
            for what, count in self.counts.items()
        ]

    def lines(self) -> list[str]:
        return [
            f"{tally.field} ({tally.column!r}): {tally.count} value(s) {tally.what}, "
            f"e.g. {tally.example}"
            for tally in self.tallies()
        ]


@dataclass
class Column:
    """What a converter is given: one field's cells and its settings."""

    field: str
    kind: FieldKind
    spec: ColumnSpec
    header: str
    rows: Sequence[int]
    cells: Sequence[Cell]
    problems: list[CellProblem]
    decimal: str = "."
    decimal_set: bool = False
    currencies: Currencies | None = None
    row_currencies: Sequence[str | None] | None = None
    salesforce_ids: bool = False
    log: ColumnLog = dataclasses.field(init=False)
    hosts: list[str | None] | None = None

    def __post_init__(self) -> None:
        self.log = ColumnLog(self.field, self.header)

    def problem(self, i: int, error: CellError) -> None:
        self.problems.append(
            CellProblem(
                self.rows[i],
                self.header,
                self.field,
                shown(self.cells[i]),
                error.problem,
                error.fix,
            )
        )

    def is_missing(self, text: str) -> bool:
        return text.casefold() in self.missing_tokens

    @functools.cached_property
    def missing_tokens(self) -> frozenset[str]:
        """The column's `missing_values:`, case-folded (none by default)."""
        tokens = self.spec.missing_values or ()
        return frozenset(token.casefold() for token in tokens)


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
        "decimal": spec.decimal is not None,
        "range_rule": spec.range_rule is not None,
        "currency": spec.currency is not None,
        "missing_values": spec.missing_values is not None,
    }
    for option, is_used in used.items():
        if is_used and kind not in OPTION_KINDS[option]:
            kinds = " or ".join(str(kind) for kind in OPTION_KINDS[option])
            raise SourceError(
                f"mapping {mapping}: {field} is a {kind} field, but `{option}:` "
                f"applies only to {kinds} fields; remove it from the column's options"
            )


def convert_column(column: Column) -> list[Value]:
    """Read every cell of a column as the field's kind.

    Unreadable cells are appended to ``column.problems`` and become ``None``;
    repairs and flags go to ``column.log``.
    """
    if column.kind == FieldKind.NUMBER:
        from tierwise.sources.number_column import read_number_column

        return list(read_number_column(column))
    if column.kind == FieldKind.DATE:
        return list(_read_dates(column))

    if column.kind == FieldKind.TEXT:
        return _read_texts(column)
    return _read_booleans(column)


def _read_texts(column: Column) -> list[Value]:
    # Most text needs nothing done: ASCII (so no mojibake) with nothing to
    # trim, in a column without rewrites, missing tokens or normalising.
    # Such a cell is its own value, as _read_text would find at length.
    spec = column.spec
    plain_column = not (
        spec.values or spec.normalise or spec.missing_values or column.salesforce_ids
    )
    values: list[Value] = []
    for i, cell in enumerate(column.cells):
        if (
            plain_column
            and type(cell) is str
            and cell.isascii()
            and cell
            and cell[0] not in _TRIMMED_SET
            and cell[-1] not in _TRIMMED_SET
            and "\r" not in cell
            and cell not in EXCEL_ERRORS
        ):
            values.append(cell)
            continue
        try:
            values.append(_read_text(column, i, cell))
        except CellError as error:
            column.problem(i, error)
            values.append(None)
    return values


def _read_booleans(column: Column) -> list[Value]:
    # A yes/no column holds a handful of distinct texts; each is read once.
    # Reading one has no side effect, so its answer (or refusal) holds for
    # every cell that writes it.
    answers: dict[str, _Answer] = {}
    values: list[Value] = []
    for i, cell in enumerate(column.cells):
        answer: _Answer
        if type(cell) is str and cell in answers:
            answer = answers[cell]
        else:
            try:
                answer = _read_boolean(column, cell)
            except CellError as error:
                answer = error
            if type(cell) is str:
                answers[cell] = answer
        if isinstance(answer, CellError):
            column.problem(i, answer)
            answer = None
        values.append(answer)
    return values


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


# What binary data is, in a user's words: one wording for a Parquet cell,
# a database column (BLOB, bytea) and a signal file's column.
BINARY_DATA = "binary data (bytes), not text or a number"
# What a cell of no plain value holds, in a user's words, by the Python
# type a reader gives it (Parquet's binary, list, map and struct values; a
# duration); checked in order, so a subclass takes its base's words.
_HELD = (
    ((bytes, bytearray, memoryview), BINARY_DATA),
    ((list, tuple), "a list of values, not a single value"),
    ((dict,), "a record of named values (a struct), not a single value"),
    ((timedelta,), "a length of time, not text, a number or a date"),
)
_HELD_OTHER = "a value of a kind that is not text, a number or a date"


def checked(cell: Cell) -> Cell:
    """The cell, or a CellError for lists, structs and bytes (from Parquet).

    >>> checked(b"a1")
    Traceback (most recent call last):
    ...
    tierwise.sources.values.CellError: holds binary data (bytes), not text or a number
    """
    if isinstance(cell, str | int | float | Decimal | date | time) or cell is None:
        return cell
    held = next((words for kind, words in _HELD if isinstance(cell, kind)), None)
    raise CellError(
        f"holds {held or _HELD_OTHER}", "map a column of plain values to this field"
    )


def _read_text(column: Column, i: int, cell: Cell) -> Value:
    raw = cell if type(cell) is str else text_of(checked(cell))
    if raw is None:
        return None
    row, spec, notes = column.rows[i], column.spec, column.log

    # A line break inside a quoted CSV value reads the same from LF, CRLF
    # and CR files.
    if "\r" in raw:
        raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    text = trim(raw)
    if text != raw and text:
        notes.repaired(TRIMMED, row, raw, text)
    if text and column.is_missing(text):
        notes.repaired(MISSING_TOKEN, row, text, None)
        return None

    if text and text.casefold() in spec.values:
        rewritten = spec.values[text.casefold()]
        notes.repaired(REWRITTEN, row, text, rewritten or None)
        text = rewritten
    if not text:
        return None

    if spec.normalise == "domain":
        return _website(column, i, text)
    if spec.normalise == "salesforce_id" or column.salesforce_ids:
        return _salesforce_id(column, i, text)

    if text in EXCEL_ERRORS:
        notes.flag(row, text, repr(text), EXCEL_ERROR)
    else:
        repaired = looks_mis_decoded(text)
        if repaired is not None:
            notes.flag(row, text, f"{text!r} (perhaps {repaired!r})", MOJIBAKE)
    return text


def salesforce_note(field: str, header: str) -> str:
    """The report's line for an id column read as Salesforce ids unasked."""
    return (
        f"{field} ({header!r}): read as Salesforce Account ids (001…, 15 or 18 "
        "characters)"
    )


def _website(column: Column, i: int, text: str) -> str | None:
    site = read_website(text)
    if column.hosts is None:
        column.hosts = [None] * len(column.cells)
    if site is None:
        return None

    row = column.rows[i]
    column.hosts[i] = site.host
    if site.doubled_scheme:
        column.log.repaired(DOUBLED_SCHEME, row, text, site.domain)
    if site.subdomain:
        column.log.flag(row, text, repr(site.domain), SUBDOMAIN, problem=False)
    elif site.domain != text:
        column.log.repaired(REDUCED, row, text, site.domain)
    return site.domain


def _salesforce_id(column: Column, i: int, text: str) -> str:
    if len(text) == 18 and not is_valid_18(text):
        raise CellError(INVALID_18, INVALID_18_FIX)
    try:
        full = to_18(text)
    except ValueError:
        raise CellError(NOT_AN_ID, NOT_AN_ID_FIX) from None
    if full != text:
        column.log.repaired(SALESFORCE_18, column.rows[i], text, full)
    return full


def _read_boolean(column: Column, cell: Cell) -> bool | None:
    cell = checked(cell)
    if cell is None or isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float | Decimal) and cell in (0, 1):
        return cell == 1
    if not isinstance(cell, str):
        raise CellError(NOT_YES_NO, NUMBER_NOT_YES_NO_FIX)
    if column.is_missing(trim(cell)):
        return None
    return parse_boolean(cell, *column.spec.yes_no_words())


def _read_dates(column: Column) -> list[date | None]:
    values: list[date | None] = [None] * len(column.cells)
    texts: list[str | None] = []
    positions: list[int] = []
    for i, cell in enumerate(column.cells):
        try:
            cell = checked(cell)
        except CellError as error:
            column.problem(i, error)
            continue
        if isinstance(cell, datetime):
            values[i] = cell.date()
        elif isinstance(cell, date):
            values[i] = cell
        elif isinstance(cell, str):
            if not column.is_missing(trim(cell)):
                texts.append(cell)
                positions.append(i)
        elif cell is not None:
            column.problem(
                i,
                CellError(
                    "is not a date",
                    "format the column as dates in the spreadsheet, or write "
                    "them as YYYY-MM-DD",
                ),
            )

    rows = [column.rows[i] for i in positions]
    dates = read_date_column(texts, rows, column.spec.date_format)
    for at, i in enumerate(positions):
        values[i] = dates.values[at]
        if at in dates.problems:
            column.problem(i, dates.problems[at])

    if dates.order is not None and dates.decided_by is not None:
        row, text = dates.decided_by
        order = "day/month/year" if dates.order == "day" else "month/day/year"
        note = (
            f"{column.field} ({column.header!r}): dates read as {order} for the "
            f"whole column, as row {row} ({text!r}) shows"
        )
        if dates.either_way:
            note += (
                f"; {dates.either_way} value(s) could be read either way and follow it"
            )
        column.log.notes.append(note)
    return values
