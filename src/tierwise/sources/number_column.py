"""Reading a number column: one decimal mark, ranges by rule, currencies.

Each cell is read by :func:`~tierwise.sources.numbers.read_number` under
the column's decimal mark. Then the whole column is looked at once:

- A range or bound becomes one number by the column's ``range_rule``:
  ``lower`` (the default: an account is scored on what it surely has),
  ``midpoint`` or ``upper``. An open range (``10001+``) has no upper end
  or midpoint, so it is scored on its lower end under every rule. Every
  such cell is listed in the report with its span and the number used,
  and ``tierwise explain`` shows it beside the points it scored.
- ``1,250``-shaped values read one way with each decimal mark. When the
  mapping sets the mark, it decides them: they are counted in the report
  with one example. Otherwise the column's other cells decide: a cell that
  reads with one mark only (``1,000,000`` or ``12.5`` with ``.``;
  ``1.000.000`` or ``12,5`` with ``,``) shows the column's mark, and when
  every such cell shows the same one, the whole column is read with it
  (the report names the row that showed it). A column whose cells show
  no mark lists each ``1,250``-shaped value as a problem, because nothing
  but habit decides it; one whose cells show both is refused cell by cell.
- A count (:data:`COUNT_FIELDS`) is a whole number of 0 or more once the
  mapping's ``multiply`` is applied, so ``1,250`` in it is 1250 under the
  default mark, with nothing to check, and a count written with a fraction
  (``1,5``) or below zero (``-5``, ``(1,200)``) cannot be read. A number
  typed in the file (an Excel number cell, a Parquet number) is held to
  the same check, as the in-place Parquet and database readers hold it.
- A count written with only zeros after its decimal mark (``1.000`` under
  ``.``, ``1,000`` under ``,``, also as a range's end) is listed as a
  problem with its fix even when other cells show the column's mark:
  nobody types one employee as ``1.000``, so a thousand is the likelier
  reading, and a range bucket such as ``10,001+`` in another row shows how
  that row was written, not this one. Only the mapping's ``decimal:``
  decides it.
- An amount in another currency than the model's is converted with the
  model's rates; see :mod:`tierwise.sources.money`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal

from tierwise.sources.columns import Column, ColumnLog, checked
from tierwise.sources.money import MONEY_FIELDS, Currencies, currency_of_mark
from tierwise.sources.numbers import (
    NOT_FINITE,
    Reading,
    Shape,
    check_count,
    has_fraction,
    read_number,
)
from tierwise.sources.tables import Cell
from tierwise.sources.values import NUMBER_BLANKS, CellError, trim

__all__ = ["COUNT_FIELDS", "read_number_column"]

# Canonical fields that count whole things: people, visits, downloads,
# events attended, business units. Nothing else in a model says a number is
# whole, and only reading a written number needs to know (as with
# MONEY_FIELDS for amounts).
COUNT_FIELDS = (
    "employees",
    "expansion_units",
    "web_visits_30d",
    "content_downloads_90d",
    "events_attended_180d",
)

# A plain number (digits, a point and digits), but not one such as 1.234
# that a comma-decimal file means as 1234: that one takes the slow path,
# which weighs both readings. One pattern, tested once per cell.
_PLAIN = re.compile(r"-?(?!\d{1,3}\.\d{3}\Z)\d+(?:\.\d+)?")

REPAIRED = "symbols, spaces, group marks or a K/M/B magnitude removed"
NAN_BLANK = "NaN (not a number) read as blank"
MISSING = "read as missing"
RANGE = "a range, scored by its {part}"
OPEN_RANGE = "an open range, scored by its lower end"
BOUND = "a bound, not an exact number; scored by its {part}"
APPROXIMATE = "an approximate number, read as written"
AMBIGUOUS = "could also be read with the other decimal mark"
DECIDED = (
    "read as the mapping's decimal mark {mark!r} says (the other mark would "
    "give another number)"
)
SETTLED = (
    "read with {mark!r} as the decimal mark, as row {row} ({text!r}) shows for "
    "the column (the other mark would give another number)"
)
INFERRED = (
    "{field} ({header!r}): no decimal mark is set, so the column is read with "
    "{mark!r} as its decimal mark: row {row} ({text!r}) reads only with it; "
    "set `decimal:` for the column in a mapping file if that is wrong"
)
NO_RATES = "in {code}, but no exchange rates were given; kept as written"
ZEROS = (
    "a count with only zeros after its decimal mark, which more likely groups "
    "thousands; the column's other cells do not decide it"
)
ZEROS_FIX = (
    'set `decimal: "{other}"` for the column in a mapping file if {mark!r} '
    "groups thousands in it ({grouped}), or write the count without a "
    "decimal mark"
)
ZEROS_SETTLED_FIX = (
    "write the count without a decimal mark ({grouped}, or {point} if that is "
    "meant): row {row} ({text!r}) reads only with {mark!r} as the decimal "
    'mark, so `decimal: "{other}"` for the column would refuse it'
)


@dataclass
class _Cell:
    i: int
    reading: Reading
    text: str


@dataclass
class _Cells:
    """One pass over a column under its decimal mark.

    ``shows`` is the first cell that reads with this mark only, ``other``
    the first that reads with the other mark only, each as (row, text).
    """

    values: list[Decimal | float | None]
    readings: list[_Cell]
    errors: list[tuple[int, CellError]]
    shows: tuple[int, str] | None = None
    other: tuple[int, str] | None = None


def read_number_column(column: Column) -> Iterator[float | None]:
    """The column's numbers in the model's currency; see the module docstring."""
    cells = _read_cells(column)
    if not column.decimal_set and cells.other is not None and cells.shows is None:
        # Every cell that shows a mark shows the other one: read it so.
        column.decimal = _other(column.decimal)
        column.log = ColumnLog(column.field, column.header)
        row, text = cells.other
        cells = _read_cells(column)
        column.log.notes.append(
            INFERRED.format(
                field=column.field,
                header=column.header,
                mark=column.decimal,
                row=row,
                text=text,
            )
        )
    for i, error in cells.errors:
        column.problem(i, error)

    settled_by = None if cells.other is not None else cells.shows
    values = cells.values
    for read in cells.readings:
        try:
            values[read.i] = _value(column, read, settled_by)
        except CellError as error:
            column.problem(read.i, error)

    for i, value in enumerate(values):
        if value is None or isinstance(value, float):
            yield value
            continue
        try:
            yield _finish(column, i, value)
        except CellError as error:
            column.problem(i, error)
            yield None


def _read_cells(column: Column) -> _Cells:
    """Read each cell under the column's mark, noting which cells show it."""
    cells = _Cells([None] * len(column.cells), [], [])
    # Most cells are plain numbers with nothing to convert: Python reads a
    # decimal string to the nearest float exactly as Decimal would.
    direct = column.decimal == "." and column.spec.multiply is None
    direct = direct and column.spec.currency is None and not column.row_currencies
    whole = column.field in COUNT_FIELDS
    for i, cell in enumerate(column.cells):
        if direct and type(cell) is str and _is_plain(cell):
            number = float(cell)
            # A count with a fraction or a sign goes on to be refused.
            if not whole or (number.is_integer() and number >= 0):
                cells.values[i] = number
                # A plain number with a point (12.5) reads with "." only.
                if cells.shows is None and "." in cell:
                    cells.shows = (column.rows[i], cell)
                continue
        try:
            found = _read(column, i, cell)
        except CellError as error:
            cells.errors.append((i, error))
            if cells.other is None and _reads_otherwise(column, cell):
                cells.other = (column.rows[i], trim(str(cell)))
            continue
        if isinstance(found, _Cell):
            cells.readings.append(found)
            if cells.shows is None and _shows_mark(column, found):
                cells.shows = (column.rows[i], found.text)
        else:
            cells.values[i] = found
            if cells.shows is None and type(cell) is str and "." in cell:
                cells.shows = (column.rows[i], cell)
    return cells


def _shows_mark(column: Column, cell: _Cell) -> bool:
    """Whether a cell read under the column's mark reads with it only.

    For a count, reading with a mark means reading as a count: ``1,200``
    is 1200 with ``.`` and no count with ``,``.
    """
    if cell.reading.evidence:
        return True
    if column.field not in COUNT_FIELDS:
        return False
    return not _reads(column, cell.text, _other(column.decimal))


def _reads_otherwise(column: Column, cell: Cell) -> bool:
    """Whether a refused text cell reads with the other decimal mark only."""
    if column.decimal_set or not isinstance(cell, str):
        return False
    text = trim(cell)
    other = _other(column.decimal)
    return _reads(column, text, other) and not _reads(column, text, column.decimal)


def _reads(column: Column, text: str, decimal: str) -> bool:
    """Whether ``text`` reads as the column's field under ``decimal``."""
    whole = column.field in COUNT_FIELDS
    try:
        read_number(text, decimal, whole, column.spec.multiply)
    except CellError:
        return False
    return True


def _other(decimal: str) -> str:
    return "," if decimal == "." else "."


def _read(column: Column, i: int, cell: Cell) -> Decimal | _Cell | None:
    # Most cells are plain numbers: read them straight, unless the column
    # needs the slower path for conversion or the other decimal mark.
    whole = column.field in COUNT_FIELDS
    multiply = column.spec.multiply
    if type(cell) is str and column.decimal == "." and _is_plain(cell):
        number = Decimal(cell)
        if not whole or _is_count(number * (multiply or 1)):
            return _convert(column, i, number, None, cell)

    cell = checked(cell)
    if cell is None:
        return None
    if isinstance(cell, bool | date | time):
        raise CellError("is not a number", "map a number column to this field")
    if isinstance(cell, float) and math.isnan(cell):
        column.log.repaired(NAN_BLANK, column.rows[i], cell, None)
        return None
    if isinstance(cell, int | float | Decimal):
        number = Decimal(repr(cell)) if isinstance(cell, float) else Decimal(cell)
        if whole and number.is_finite():
            # The check a written count gets; a typed number has no decimal
            # mark, so the fix names none. An infinity is refused as no
            # number at all below, not as a count below zero.
            check_count([number], Decimal(1) if multiply is None else multiply)
        return _convert(column, i, number, None, cell)

    text = trim(str(cell))
    missing = column.spec.missing_values
    tokens = NUMBER_BLANKS if missing is None else ("", *missing)
    if text.casefold() in {token.casefold() for token in tokens}:
        if text:
            column.log.repaired(MISSING, column.rows[i], text, None)
        return None
    return _Cell(i, read_number(text, column.decimal, whole, multiply), text)


def _is_count(number: Decimal) -> bool:
    return number >= 0 and not has_fraction(number)


def _is_plain(text: str) -> bool:
    """Whether ``text`` is a plain number that reads the same either way.

    >>> [_is_plain(t) for t in ("12", "-0.5", "1.234", "-12.345", "12.3456", "1e5")]
    [True, True, False, False, True, False]
    """
    return _PLAIN.fullmatch(text) is not None


def _scored_part(rule: str) -> str:
    """The part of a range a rule scores: "lower end", "upper end" or
    "midpoint" (a midpoint is no end, and "midpoint end" reads as a slip)."""
    return rule if rule == "midpoint" else f"{rule} end"


def _value(column: Column, cell: _Cell, settled_by: tuple[int, str] | None) -> Decimal:
    reading, row, log = cell.reading, column.rows[cell.i], column.log
    rule = column.spec.range_rule or "lower"
    value = _by_rule(reading, rule)

    used = _plain(value)
    part = _scored_part(rule)
    zeros = reading.zeros and not column.decimal_set
    if zeros:
        _flag_zeros(column, cell, used, settled_by)
    elif reading.shape == Shape.RANGE:
        reason = RANGE.format(part=part) if reading.high else OPEN_RANGE
        log.flag(row, cell.text, f"{used} (span {_span(reading)})", reason, False)
    elif reading.shape == Shape.BOUND:
        reason = BOUND.format(part=part) if reading.high else OPEN_RANGE
        log.flag(row, cell.text, f"{used} (span {_span(reading)})", reason)
    elif reading.shape == Shape.APPROXIMATE:
        log.flag(row, cell.text, used, APPROXIMATE)
    elif reading.repaired:
        log.repaired(REPAIRED, row, cell.text, float(value))

    # A range or bound is listed above with its span, which shows how its
    # numbers were read, and a count with zeros after its mark is listed
    # already; only a lone number is listed for its decimal mark, and only
    # when neither the mapping nor the column's cells decide it.
    if not reading.ambiguous or reading.shape != Shape.NUMBER or zeros:
        pass
    elif column.decimal_set:
        decided = DECIDED.format(mark=column.decimal)
        log.repaired(decided, row, cell.text, float(value))
    elif settled_by is not None:
        shown_row, text = settled_by
        settled = SETTLED.format(mark=column.decimal, row=shown_row, text=text)
        log.repaired(settled, row, cell.text, float(value))
    else:
        mark = "comma" if column.decimal == "," else "point"
        fix = _ambiguous_fix(column, cell.text, used)
        log.flag(row, cell.text, f"{used} (decimal {mark})", AMBIGUOUS, fix=fix)
    return _convert(column, cell.i, value, reading.currency, cell.text)


def _ambiguous_fix(column: Column, text: str, used: str) -> str:
    """The settings that decide an ambiguous lone number, with what each
    makes of it (an ambiguous cell reads under both marks; should it not,
    the other mark's number is left out rather than the import stopped)."""
    mark, other = column.decimal, _other(column.decimal)
    whole = column.field in COUNT_FIELDS
    try:
        reading = read_number(text, other, whole, column.spec.multiply)
        otherwise = f" ({_plain(_by_rule(reading, 'lower'))})"
    except CellError:
        otherwise = ""
    return (
        f'set `decimal: "{other}"` for the column in a mapping file if {mark!r} '
        f'groups thousands in it{otherwise}, or `decimal: "{mark}"` if it is '
        f"the decimal mark ({used})"
    )


def _flag_zeros(
    column: Column, cell: _Cell, used: str, settled_by: tuple[int, str] | None
) -> None:
    """List a count written with only zeros after its decimal mark as a
    problem, with the fix that holds for the column (see the module
    docstring): the mapping's mark when no cell shows one, else the cell
    written without a mark, since the other mark would refuse the cell
    that showed this one."""
    reading, mark = cell.reading, column.decimal
    if reading.shape == Shape.NUMBER:
        name = "comma" if mark == "," else "point"
        read_as = f"{used} (decimal {name})"
    elif reading.shape == Shape.APPROXIMATE:
        read_as = used
    else:
        read_as = f"{used} (span {_span(reading)})"

    zeros = re.compile(rf"(?<![\d.,])(\d{{1,3}}){re.escape(mark)}000(?![\d.,])")
    grouped = zeros.sub(r"\g<1>000", cell.text)
    other = _other(mark)
    if settled_by is None:
        fix = ZEROS_FIX.format(other=other, mark=mark, grouped=grouped)
    else:
        row, text = settled_by
        point = zeros.sub(r"\g<1>", cell.text)
        fix = ZEROS_SETTLED_FIX.format(
            grouped=grouped, point=point, row=row, text=text, mark=mark, other=other
        )
    column.log.flag(column.rows[cell.i], cell.text, read_as, ZEROS, fix=fix)


def _by_rule(reading: Reading, rule: str) -> Decimal:
    low, high = reading.low, reading.high
    if low is None:  # pragma: no cover - readings always have a lower end
        raise CellError("has no lower end", "write a number")
    if high is None or rule == "lower":
        return low
    if rule == "upper":
        return high
    return (low + high) / 2


def _convert(
    column: Column, i: int, value: Decimal, mark: str | None, before: Cell
) -> Decimal:
    spec = column.spec
    currencies = column.currencies
    amounts = currencies.money_fields if currencies else MONEY_FIELDS
    money = column.field in amounts or spec.currency is not None
    row_code = column.row_currencies[i] if column.row_currencies else None

    if mark:
        code: str | None = currency_of_mark(mark, row_code or spec.currency)
    elif money:
        code = row_code or spec.currency
        if code is None and column.row_currencies is not None:
            raise CellError(
                "has no currency: its row's currency cell is blank",
                "fill in the row's currency, or set `currency:` for the column",
            )
    else:
        code = None

    if code is None or (currencies and code == currencies.model_currency):
        return value
    if currencies is None:
        column.log.flag(
            column.rows[i], before, _plain(value), NO_RATES.format(code=code)
        )
        return value

    rate = currencies.rate(code)
    if rate is None:
        dated = f" (rates as of {currencies.as_of})" if currencies.as_of else ""
        raise CellError(
            f"is in {code}, which the model has no exchange rate for{dated}",
            _rate_fix(code, currencies),
        )
    converted = value * rate
    # The example shows the number that is scored, so `multiply` is in it.
    factor = column.spec.multiply if column.spec.multiply is not None else 1
    column.log.repaired(
        f"converted from {code} at {rate} {currencies.model_currency}/{code}",
        column.rows[i],
        before,
        float(converted * factor),
    )
    return converted


def _rate_fix(code: str, currencies: Currencies) -> str:
    """How to give the model a rate for ``code``: the bundled default model
    cannot be edited, so its user writes it to a file first."""
    units = f"units of {currencies.model_currency} per {code}"
    if currencies.builtin:
        return (
            "the built-in default model has no exchange rates: run `tierwise "
            f"init`, add {code} under `exchange_rates: rates:` ({units}) in the "
            "tierwise-model.yaml it writes, and pass that file with --model; "
            "or correct the currency"
        )
    return (
        f"add {code} under `exchange_rates: rates:` in the model ({units}), "
        "or correct the currency"
    )


def _finish(column: Column, i: int, value: Decimal) -> float:
    if not value.is_finite():
        raise CellError(NOT_FINITE, "correct the cell or clear it")
    if column.spec.multiply is not None:
        value *= column.spec.multiply
    result = float(value)
    if math.isinf(result):
        raise CellError("is too large to score", "correct the cell or clear it")
    return result


def _plain(value: Decimal) -> str:
    return (
        f"{value:,f}".rstrip("0").rstrip(".") if "." in f"{value:f}" else f"{value:,}"
    )


def _span(reading: Reading) -> str:
    low = "…" if reading.low is None else _plain(reading.low)
    high = "…" if reading.high is None else _plain(reading.high)
    return f"{low} to {high}"
