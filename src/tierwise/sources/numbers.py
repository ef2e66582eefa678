"""Reading a number cell: locale, magnitudes, currencies, ranges and bounds.

A cell is read under one setting for the whole column (or file), the
decimal mark: ``.`` (the default) or ``,``. The other mark, spaces of any
width and apostrophes may group thousands; nothing is guessed per cell. A
value that only reads under the other mark (``1.250.000,00`` in a
``decimal: "."`` column) is refused with the setting to change. A value
such as ``1.250``, which a reader could take for 1250 or 1.25, is read by
the setting and marked ambiguous so the import report can list it.

Magnitudes (``K``, ``M``, ``MM``, ``B``, ``bn`` and the words, any case)
multiply in :class:`~decimal.Decimal`: ``$8.2M`` is exactly 8,200,000.
Currency symbols and ISO codes may stand on either side; the reading keeps
the one it found so the column converter can check and convert it.

Ranges (``51-200``, ``1,000 - 5,000 employees``, ``$1M to $5M``) and open
ranges (``10001+``, ``> 500``) become (low, high) with ``None`` for an open
end; bounds below (``< $1M``, ``up to 50``) become (0, high), because the
quantities written as bands — headcounts and amounts — are not negative.
A lower number without a magnitude takes the upper one's (``10-50M`` is
10M to 50M).

A field that counts whole things (people, visits, units) is read as a
count: ``1,250`` under ``decimal: "."`` is 1250 and not ambiguous, because
its other reading, 1.25, is no count; a value with a fraction (``1,5``,
``2.5``) or below zero (``-5``, ``(1,200)``) is refused. ``1.000`` under
the same mark stays ambiguous: it is one or a thousand, and both are
counts. Such a count, written with only zeros after its decimal mark
(``1.000``, ``25,000`` under ``decimal: ","``), is marked ``zeros``: its
other reading, a thousand, is the likelier one, so the column reader does
not let other cells settle it. A count is judged as it is scored, after
the mapping's ``multiply``: ``1.5`` with ``multiply: 1000`` is 1500
people, and then ``1,250`` is ambiguous again (1,250,000 or 1250). A fix
offered for a refused count is one that reads it as a whole count: the
other decimal mark only when the cell reads whole with it.

Digits are grouped by three (``1,234,567``), or in the Indian way under
``decimal: "."``: a last group of three and groups of two before it
(``12,34,567`` is 1234567, ``1,00,000`` one lakh). Any other grouping
(``1,2,3``, ``12,345,67``) is not a number.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from tierwise.sources.money import CURRENCY_SYMBOLS
from tierwise.sources.values import CellError, trim

__all__ = [
    "DECIMAL_MARKS",
    "NUMBER_FORMS",
    "Reading",
    "Shape",
    "check_count",
    "count_fix",
    "has_fraction",
    "read_number",
]

DECIMAL_MARKS = (".", ",")
NUMBER_FORMS = "1234.5, 1,234,567.89, $8.2M, 54K, 2.43B, 51-200, 10k+, < $1M"

_MAGNITUDES = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mio": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "mrd": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
CURRENCY_MARKS = CURRENCY_SYMBOLS
_CODE = re.compile(r"^([A-Z]{3})\s?(?=[\d.,(+-])|(?<=[\d.)])\s?([A-Z]{3})$")
_MAGNITUDE = re.compile(
    r"(?<=[\d.,\s])\s*(thousand|million|billion|mrd|mio|mm|mn|bn|k|m|b)\.?$",
    re.IGNORECASE,
)
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009\u2007]+")
_UPPER_BOUND = re.compile(
    r"^(<=|≤|<|under|below|less than|up to|max\.?)\s*", re.IGNORECASE
)
_LOWER_BOUND = re.compile(
    r"^(>=|≥|>|over|above|more than|at least|min\.?)\s*", re.IGNORECASE
)
_APPROXIMATE = re.compile(r"^(~|≈|ca\.?|approx\.?|about)\s*", re.IGNORECASE)
_UNIT_WORDS = re.compile(
    r"\s*(employees?|people|persons|staff|emp|ftes?|headcount)\.?$", re.IGNORECASE
)
_RANGE = re.compile(r"^(.*?[\dkmbn.)])\s*(?:-|–|—|to|until|bis)\s*([^-].*)$", re.I)
_AMBIGUOUS = re.compile(r"\d{1,3}[.,]\d{3}")
# Lakh and crore: one or two digits, groups of two, a last group of three.
_INDIAN = re.compile(r"(\d{1,2}(?:,\d{2})+,\d{3})(?:\.(\d+))?")
NOT_WHOLE = "is not a whole number, as a count must be"
NEGATIVE = "is below zero, and a count cannot be"
NEGATIVE_FIX = (
    "write the count as 0 or more (a minus sign or brackets make a number "
    "negative), or clear the cell"
)
NEGATIVE_FACTOR_FIX = "make the column's `multiply:` in the mapping file above zero"
# A typed number that is NaN or an infinity (a float in a Parquet file, a
# DOUBLE in a table), as the readers that refuse it word it; the fix names
# how the source writes an unknown value ("null", "NULL").
NOT_FINITE = "is not a finite number (NaN or an infinity)"
NOT_FINITE_FIX = "correct the value, or {blank} where it is unknown"


class Shape(StrEnum):
    """What a number cell says: one value, a range, or a bound."""

    NUMBER = "number"
    RANGE = "range"
    BOUND = "bound"
    APPROXIMATE = "approximate"


@dataclass(frozen=True)
class Reading:
    """A number cell as read: its span, currency mark and what was cleaned.

    For a plain number ``low == high``. ``currency`` is the mark as written
    (``€``, ``EUR``, ``$``), ``None`` when the cell has none. ``repaired``
    says symbols, spaces, group marks or a magnitude were removed;
    ``ambiguous`` that the value reads another way under the other decimal
    mark; ``evidence`` that it does not read under the other mark at all
    (``1,000,000`` or ``12.5`` under ``.``), which shows the column's mark;
    ``zeros`` that it is a count written with only zeros after its decimal
    mark (``1.000`` under ``.``), which more likely groups thousands.
    """

    low: Decimal | None
    high: Decimal | None
    shape: Shape
    currency: str | None = None
    repaired: bool = False
    ambiguous: bool = False
    evidence: bool = False
    zeros: bool = False


@dataclass(frozen=True)
class _Part:
    value: Decimal
    currency: str | None
    magnitude: Decimal | None
    repaired: bool
    ambiguous: bool
    evidence: bool
    zeros: bool = False


def read_number(
    text: str,
    decimal: str = ".",
    whole: bool = False,
    multiply: Decimal | None = None,
) -> Reading:
    """Read a number, range or bound written as a person or a CRM writes it.

    Blank text is the caller's business (it decides what is missing).
    ``whole`` reads it as a count, which has no fraction and is not below
    zero once multiplied by ``multiply`` (the mapping's factor, which the
    caller applies; see the module docstring).

    Raises:
        CellError: naming what is wrong and the setting or fix.

    >>> read_number("$8.2M").low == 8_200_000
    True
    >>> r = read_number("1.000-5.000", decimal=",")
    >>> (r.low, r.high, r.shape.value)
    (Decimal('1000'), Decimal('5000'), 'range')
    >>> read_number("1.5", whole=True, multiply=Decimal(1000)).low
    Decimal('1.5')
    """
    if decimal not in DECIMAL_MARKS:
        raise ValueError(f"decimal must be one of {DECIMAL_MARKS}, got {decimal!r}")
    raw = _SPACES.sub(" ", trim(text))
    factor = (Decimal(1) if multiply is None else multiply) if whole else None
    reading = _read(raw, decimal, factor)
    if factor is not None:
        check_count((reading.low, reading.high), factor, raw, decimal)
    return reading


def _read(raw: str, decimal: str, factor: Decimal | None) -> Reading:
    """The reading of ``raw``; ``factor`` is a count's multiplier (None: not
    a count), which only decides what is ambiguous."""
    for pattern, shape in ((_UPPER_BOUND, "upper"), (_LOWER_BOUND, "lower")):
        bound = pattern.match(raw)
        if bound and bound.end() < len(raw):
            part = _part(_UNIT_WORDS.sub("", raw[bound.end() :]), decimal, factor)
            if shape == "upper":
                return _reading(Decimal(0), part.value, Shape.BOUND, [part])
            return _reading(part.value, None, Shape.BOUND, [part])

    approximate = _APPROXIMATE.match(raw)
    if approximate and approximate.end() < len(raw):
        stated = _UNIT_WORDS.sub("", raw[approximate.end() :])
        part = _part(stated, decimal, factor)
        return _reading(part.value, part.value, Shape.APPROXIMATE, [part])

    body = _UNIT_WORDS.sub("", raw)
    if body.endswith("+") and len(body) > 1 and not body.startswith(("+", "-")):
        part = _part(body[:-1].rstrip(), decimal, factor)
        return _reading(part.value, None, Shape.RANGE, [part])

    split = _RANGE.match(body)
    if split and not body.startswith(("-", "(")) and _has_digit(split.group(2)):
        return _range(split.group(1), split.group(2), decimal, factor)

    part = _part(body, decimal, factor)
    reading = _reading(part.value, part.value, Shape.NUMBER, [part])
    return replace(reading, repaired=True) if body != raw else reading


def check_count(
    ends: Iterable[Decimal | None],
    factor: Decimal = Decimal(1),
    text: str | None = None,
    decimal: str = ".",
) -> None:
    """Refuse a count that is not whole, or is below zero, once multiplied.

    Every reader of a count comes here, so a count written as text and one
    typed in the file (an Excel number cell, a Parquet number) are refused
    alike. ``ends`` are the value's (a range has two), checked as they are
    scored: ``1.5-3M`` people pass, and so does ``1.5`` under ``multiply:
    1000`` (``factor``). ``text`` is the cell as written under ``decimal``;
    None for a typed number, which has no decimal mark to set.

    Raises:
        CellError: :data:`NOT_WHOLE` or :data:`NEGATIVE`, with the fix.

    >>> check_count([Decimal("1.5")], Decimal(1000))
    >>> check_count([Decimal("2.5")])
    Traceback (most recent call last):
    tierwise.sources.values.CellError: is not a whole number, as a count must be
    """
    scored = [end * factor for end in ends if end is not None]
    if any(has_fraction(end) for end in scored):
        problem = NOT_WHOLE
    elif any(end < 0 for end in scored):
        problem = NEGATIVE
    else:
        return
    raise CellError(problem, count_fix(problem, factor, text, decimal))


def count_fix(
    problem: str,
    factor: Decimal = Decimal(1),
    text: str | None = None,
    decimal: str = ".",
) -> str:
    """The fix for a count refused with ``problem`` (:data:`NOT_WHOLE` or
    :data:`NEGATIVE`); the arguments are :func:`check_count`'s.

    The readers that refuse counts in SQL word their fixes with it too.
    """
    if problem == NEGATIVE:
        return NEGATIVE_FACTOR_FIX if factor < 0 else NEGATIVE_FIX
    return _whole_fix(text, decimal, factor)


def has_fraction(value: Decimal) -> bool:
    """Whether a finite value has a fraction.

    Exact at any size, where ``value % 1`` fails past Decimal's 28 digits
    (a count of ``1e30``); infinities are left to the caller to refuse.
    """
    return value.is_finite() and value != value.to_integral_value()


def _range(left: str, right: str, decimal: str, factor: Decimal | None) -> Reading:
    low, high = _part(left, decimal, factor), _part(right, decimal, factor)
    low_value = low.value
    if low.magnitude is None and high.magnitude is not None:
        # "10-50M": the first number shares the magnitude written once.
        low_value *= high.magnitude
    if low.currency and high.currency and low.currency != high.currency:
        raise CellError(
            f"names two currencies ({low.currency} and {high.currency})",
            "write both ends of the range in one currency",
        )
    if low_value > high.value:
        raise CellError(
            "is a range whose first number is larger than its second",
            "write the range low to high, e.g. 51-200",
        )
    low = replace(low, value=low_value, currency=low.currency or high.currency)
    return _reading(low.value, high.value, Shape.RANGE, [low, high])


def _reading(
    low: Decimal | None, high: Decimal | None, shape: Shape, parts: list[_Part]
) -> Reading:
    currencies = [part.currency for part in parts if part.currency]
    return Reading(
        low=low,
        high=high,
        shape=shape,
        currency=currencies[0] if currencies else None,
        repaired=shape != Shape.NUMBER or any(part.repaired for part in parts),
        ambiguous=any(part.ambiguous for part in parts),
        evidence=any(part.evidence for part in parts),
        zeros=any(part.zeros for part in parts),
    )


def _part(text: str, decimal: str, factor: Decimal | None) -> _Part:
    body = text.strip()
    negative, body = _sign(body)
    currency, body = _currency(body)
    if currency is not None:
        negative, body = _sign(body, negative)

    magnitude = None
    found = _MAGNITUDE.search(body)
    if found and found.start() > 0:
        magnitude = _MAGNITUDES[found.group(1).casefold()]
        body = body[: found.start()].rstrip()

    value, grouped, ambiguous, evidence = _digits(body, decimal, factor)
    if magnitude is not None:
        value *= magnitude
    cleaned = grouped or currency is not None or magnitude is not None
    return _Part(
        -value if negative else value,
        currency,
        magnitude,
        cleaned or text.strip().startswith("("),
        ambiguous,
        evidence,
        zeros=ambiguous and factor is not None and _zero_fraction(body, decimal),
    )


def _sign(text: str, negative: bool = False) -> tuple[bool, str]:
    if text.startswith("(") and text.endswith(")") and len(text) > 2:
        # Accounting style: (1,250) is minus 1,250.
        return True, text[1:-1].strip()
    if text[:1] in "+-−" and len(text) > 1:
        return text[0] != "+", text[1:].lstrip()
    return negative, text


def _currency(text: str) -> tuple[str | None, str]:
    for mark in CURRENCY_MARKS:
        if text.startswith(mark):
            return mark, text[len(mark) :].strip()
        if text.endswith(mark) and len(text) > len(mark):
            return mark, text[: -len(mark)].strip()

    code = _CODE.search(text)
    if code:
        found = code.group(1) or code.group(2)
        return found, (text[code.end() :] if code.group(1) else text[: code.start()])
    return None, text


def _digits(
    body: str, decimal: str, factor: Decimal | None
) -> tuple[Decimal, bool, bool, bool]:
    """The value of digits and marks, whether groups were removed, whether
    it is ambiguous, and whether it reads with this decimal mark only.

    ``factor`` is a count's multiplier (None: not a count).
    """
    parsed = _grouped_or_plain(body, decimal)
    other = _grouped_or_plain(body, _other(decimal))
    if parsed is None:
        if factor is not None and other is not None and has_fraction(other[0] * factor):
            # "1,5" reads only with the other mark, and then as a fraction.
            raise CellError(NOT_WHOLE, _whole_fix(body, decimal, factor))
        raise CellError("is not a number", _fix(body, decimal))

    value, groups, _ = parsed
    ambiguous = bool(_AMBIGUOUS.fullmatch(body))
    if ambiguous and factor is not None and other is not None and groups > 0:
        # In a count, "1,250" read with "," grouping thousands is settled:
        # its other reading, 1.25, is no count, and nobody writes a count
        # as 15.000. Only under `multiply` can the other reading be a count
        # with a fraction written (1.25 thousand is 1250).
        ambiguous = has_fraction(other[0]) and not has_fraction(other[0] * factor)
    return value, groups > 0, ambiguous, other is None


def _zero_fraction(body: str, decimal: str) -> bool:
    """Whether ``body`` is digits, the decimal mark and three zeros.

    Only an ambiguous body comes here: one to three digits, a mark and
    three digits. Grouped thousands (``1,000`` under ``.``) do not count,
    as their mark is the other one.
    """
    whole, mark, fraction = body.rpartition(decimal)
    return bool(mark) and whole.isdigit() and fraction == "000"


def _grouped_or_plain(
    body: str, decimal: str
) -> tuple[Decimal, int, str | None] | None:
    other = "," if decimal == "." else "."
    mark = re.escape(decimal)
    plain = re.fullmatch(rf"(\d*)(?:{mark}(\d+))?", body)
    if plain and (plain.group(1) or plain.group(2)):
        whole, fraction = plain.group(1) or "0", plain.group(2)
        return _decimal(whole, fraction), 0, fraction

    if decimal == "." and re.fullmatch(r"\d+(\.\d+)?[eE][-+]?\d{1,3}", body):
        return Decimal(body), 0, None

    grouped = re.fullmatch(
        rf"(\d{{1,3}})(?P<g>[{re.escape(other)} '’])(\d{{3}}(?:(?P=g)\d{{3}})*)"
        rf"(?:{mark}(\d+))?",
        body,
    )
    if grouped is None:
        return _indian(body, decimal)
    separator = grouped.group("g")
    whole = grouped.group(1) + grouped.group(3).replace(separator, "")
    groups = grouped.group(3).count(separator) + 1
    return _decimal(whole, grouped.group(4)), groups, grouped.group(4)


def _indian(body: str, decimal: str) -> tuple[Decimal, int, str | None] | None:
    """Digits grouped the Indian way (lakh and crore), or None.

    Only commas group so, and only beside a decimal point: ``12,34,567``
    and ``1,00,00,000.50``. The groups of two make it a reading of its own,
    never one of a number grouped by three.
    """
    if decimal != ".":
        return None
    indian = _INDIAN.fullmatch(body)
    if indian is None:
        return None
    whole = indian.group(1).replace(",", "")
    groups = indian.group(1).count(",")
    return _decimal(whole, indian.group(2)), groups, indian.group(2)


def _decimal(whole: str, fraction: str | None) -> Decimal:
    try:
        return Decimal(f"{whole}.{fraction}" if fraction else whole)
    except InvalidOperation:  # pragma: no cover - the patterns allow digits only
        raise CellError("is not a number", "write digits only") from None


def _other(decimal: str) -> str:
    return "," if decimal == "." else "."


def _fix(body: str, decimal: str) -> str:
    other = _other(decimal)
    if _grouped_or_plain(body, other) is not None:
        return (
            f"it reads as a number with {other!r} as the decimal mark, but this "
            f'column uses {decimal!r}; set `decimal: "{other}"` for the column '
            "or the file in a mapping file if that is its convention, or correct "
            "the cell"
        )
    return f"write one number ({NUMBER_FORMS}) or clear the cell, or map another column"


def _whole_fix(text: str | None, decimal: str, factor: Decimal) -> str:
    """How to write ``text`` as a whole count under ``decimal``; the other
    mark is offered only when the cell reads as a whole count with it, and
    never for a typed number (``text`` None), which has no mark."""
    other = _other(decimal)
    fits_other = text is not None and _reads_whole(text, other, factor)
    if factor != 1:
        written = (
            "write a number that is a whole count once multiplied by "
            f"{factor.normalize():f} (the column's `multiply:`)"
        )
    elif text is None:
        written = "write the whole count (e.g. 1200)"
    else:
        grouped = "1,200" if decimal == "." else "1.200"
        written = f"write the whole count (e.g. 1200 or {grouped})"
    if fits_other:
        return (
            f'set `decimal: "{other}"` for the column in a mapping file if '
            f"{decimal!r} groups thousands in it, or {written}"
        )
    return f"{written}, or clear the cell"


def _reads_whole(text: str, decimal: str, factor: Decimal) -> bool:
    """Whether ``text`` reads as a whole count of 0 or more under ``decimal``."""
    try:
        reading = _read(text, decimal, None)
    except CellError:
        return False
    ends = [end * factor for end in (reading.low, reading.high) if end is not None]
    return not any(has_fraction(end) or end < 0 for end in ends)


def _has_digit(text: str) -> bool:
    return any(char.isdigit() for char in text)
