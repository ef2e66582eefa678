"""Reading a number column: one decimal mark, ranges by rule, currencies.

Each cell is read by :func:`~tierwise.sources.numbers.read_number` under
the column's decimal mark. Then the whole column is looked at once:

- A range or bound becomes one number by the column's ``range_rule``:
  ``lower`` (the default: an account is scored on what it surely has),
  ``midpoint`` or ``upper``. An open range (``10001+``) has no upper end
  or midpoint, so it is scored on its lower end under every rule. Every
  such cell is listed in the report with its span and the number used,
  and ``tierwise explain`` shows it beside the points it scored.
- ``1,250``-shaped values are listed as ambiguous; they count as problems
  only when no other value in the column shows its decimal mark and the
  mapping does not set one, because then nothing but habit decides them.
  When the mapping sets the mark, it decides them: they are counted in the
  report with one example, not listed cell by cell.
- A count (:data:`COUNT_FIELDS`) is a whole number of 0 or more once the
  mapping's ``multiply`` is applied, so ``1,250`` in it is 1250 under the
  default mark, with nothing to check, and a count written with a fraction
  (``1,5``) or below zero (``-5``, ``(1,200)``) cannot be read. A number
  typed in the file (an Excel number cell, a Parquet number) below zero is
  refused too; one with a fraction is taken as it is, as the in-place
  Parquet and database readers take it.
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

from tierwise.sources.columns import Column, checked
from tierwise.sources.money import MONEY_FIELDS, currency_of_mark
from tierwise.sources.numbers import (
    NEGATIVE,
    NEGATIVE_FIX,
    Reading,
    Shape,
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

_PLAIN = re.compile(r"-?\d+(\.\d+)?")
_AMBIGUOUS_PLAIN = re.compile(r"-?\d{1,3}\.\d{3}")

REPAIRED = "symbols, spaces, group marks or a K/M/B magnitude removed"
NAN_BLANK = "NaN (not a number) read as blank"
MISSING = "read as missing"
RANGE = "a range, scored by its {rule} end"
OPEN_RANGE = "an open range, scored by its lower end"
BOUND = "a bound, not an exact number; scored by its {rule} end"
APPROXIMATE = "an approximate number, read as written"
AMBIGUOUS = "could also be read with the other decimal mark"
DECIDED = (
    "read as the mapping's decimal mark {mark!r} says (the other mark would "
    "give another number)"
)
NO_RATES = "in {code}, but no exchange rates were given; kept as written"


@dataclass
class _Cell:
    i: int
    reading: Reading
    text: str


def read_number_column(column: Column) -> Iterator[float | None]:
    """The column's numbers in the model's currency; see the module docstring."""
    readings: list[_Cell] = []
    values: list[Decimal | float | None] = [None] * len(column.cells)
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
                values[i] = number
                continue
        try:
            found = _read(column, i, cell)
        except CellError as error:
            column.problem(i, error)
            continue
        if isinstance(found, _Cell):
            readings.append(found)
        else:
            values[i] = found

    evidence = column.decimal_set or any(read.reading.evidence for read in readings)
    for read in readings:
        try:
            values[read.i] = _value(column, read, evidence)
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
        if whole and number * (multiply or 1) < 0:
            raise CellError(NEGATIVE, NEGATIVE_FIX)
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
    return number >= 0 and not number % 1


def _is_plain(text: str) -> bool:
    return bool(_PLAIN.fullmatch(text)) and not _AMBIGUOUS_PLAIN.fullmatch(text)


def _value(column: Column, cell: _Cell, evidence: bool) -> Decimal:
    reading, row, log = cell.reading, column.rows[cell.i], column.log
    rule = column.spec.range_rule or "lower"
    value = _by_rule(reading, rule)

    used = _plain(value)
    if reading.shape == Shape.RANGE:
        reason = RANGE.format(rule=rule) if reading.high else OPEN_RANGE
        log.flag(row, cell.text, f"{used} (span {_span(reading)})", reason, False)
    elif reading.shape == Shape.BOUND:
        reason = BOUND.format(rule=rule) if reading.high else OPEN_RANGE
        log.flag(row, cell.text, f"{used} (span {_span(reading)})", reason)
    elif reading.shape == Shape.APPROXIMATE:
        log.flag(row, cell.text, used, APPROXIMATE)
    elif reading.repaired:
        log.repaired(REPAIRED, row, cell.text, float(value))

    # A range or bound is listed above with its span, which shows how its
    # numbers were read; only a lone number is listed for its decimal mark,
    # and only when the mapping does not set the mark, which decides it.
    if reading.ambiguous and reading.shape == Shape.NUMBER and column.decimal_set:
        decided = DECIDED.format(mark=column.decimal)
        log.repaired(decided, row, cell.text, float(value))
    elif reading.ambiguous and reading.shape == Shape.NUMBER:
        mark = "comma" if column.decimal == "," else "point"
        log.flag(
            row,
            cell.text,
            f"{used} (decimal {mark})",
            AMBIGUOUS,
            problem=not evidence,
        )
    return _convert(column, cell.i, value, reading.currency, cell.text)


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
    money = column.field in MONEY_FIELDS or spec.currency is not None
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

    currencies = column.currencies
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
            f"add {code} under `exchange_rates: rates:` in the model (units of "
            f"{currencies.model_currency} per {code}), or correct the currency",
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


def _finish(column: Column, i: int, value: Decimal) -> float:
    if not value.is_finite():
        raise CellError("is not a finite number", "correct the cell or clear it")
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
