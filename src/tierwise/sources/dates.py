"""Reading a column of dates with one format for the whole column.

``03/04/2025`` is 3 April or 4 March; which one depends on the column,
never on the row. With ``date_format`` set, every cell must follow it.
Without, the order is decided from the whole column: a value whose first
number is above 12 (``13/04/2025``) shows day-first, one whose second
number is above 12 (``04/13/2025``) shows month-first. A column with both
is refused, naming the rows of each; a column whose every value could be
read both ways is refused too, asking for ``date_format``. Values that
cannot be misread — ISO dates (``2025-04-13``, with or without a time),
year-first dates and dates with month names — are accepted alongside.

A time after the date (``02/23/26 10:15 AM``, as Salesforce timestamps
look after a spreadsheet re-saves them) is dropped: fields hold dates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from tierwise.row_numbers import named_rows
from tierwise.sources.values import CellError, trim

__all__ = ["DateColumn", "read_date_column"]

MONTH_NAME_FORMATS = (
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%d-%b-%y",
    "%b %d, %Y",
    "%B %d, %Y",
    "%b %d %Y",
    "%d. %B %Y",
)
_TIME = re.compile(
    r"^(?P<date>.*?\d)[ T]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*"
    r"(?:[AaPp]\.?[Mm]\.?)?\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$"
)
_NUMERIC = re.compile(r"^(\d{1,4})([/.\-])(\d{1,2})\2(\d{1,4})$")
MAX_ROWS_NAMED = 5

_ORDER_NAMES = {"day": "day first", "month": "month first"}


@dataclass
class DateColumn:
    """The dates of a column, the order used, and the cells refused."""

    values: list[date | None]
    order: str | None = None
    decided_by: tuple[int, str] | None = None
    either_way: int = 0
    problems: dict[int, CellError] = field(default_factory=dict)


def read_date_column(
    texts: Sequence[str | None], rows: Sequence[int], date_format: str | None = None
) -> DateColumn:
    """Read date texts (``None`` for a blank) as one column.

    Returns the dates by position, and the problems by position.

    >>> column = read_date_column(["03/04/2025", "13/04/2025"], [2, 3])
    >>> [d.isoformat() for d in column.values], column.order
    (['2025-04-03', '2025-04-13'], 'day')
    """
    if date_format is not None:
        return _with_format(texts, date_format)

    shapes = _shapes(texts)
    day = [i for i, shape in enumerate(shapes) if shape.order == "day"]
    month = [i for i, shape in enumerate(shapes) if shape.order == "month"]
    either = [i for i, shape in enumerate(shapes) if shape.order == "either"]

    column = DateColumn(values=[None] * len(texts), either_way=len(either))
    if day and month:
        _conflict(column, texts, rows, day, month)
        return column

    order = "day" if day else "month" if month else None
    if order is None and either:
        for i in either:
            column.problems[i] = CellError(
                "could be day/month or month/day, and no other value in the "
                "column decides it",
                'set the column\'s `date_format:` in a mapping file, e.g. "%d/%m/%Y"'
                ' or "%m/%d/%Y"',
            )
        return column

    if order is not None:
        first = (day or month)[0]
        column.order = order
        column.decided_by = (rows[first], texts[first] or "")
    for i, shape in enumerate(shapes):
        try:
            column.values[i] = shape.read(order)
        except CellError as error:
            column.problems[i] = error
    return column


def _shapes(texts: Sequence[str | None]) -> list[_Shape]:
    """Each text's shape. A column repeats its dates, so each distinct text
    is looked at once; a refused one each time, as its error is raised once
    for every cell that holds it."""
    seen: dict[str | None, _Shape] = {}
    shapes = []
    for text in texts:
        shape = seen.get(text)
        if shape is None:
            shape = _shape(text)
            if shape.error is None:
                seen[text] = shape
        shapes.append(shape)
    return shapes


@dataclass(slots=True)
class _Shape:
    """One cell: a date already known, or numbers awaiting the order."""

    known: date | None = None
    numbers: tuple[int, int, str] | None = None
    order: str | None = None
    error: CellError | None = None

    def read(self, order: str | None) -> date | None:
        if self.error is not None:
            raise self.error
        if self.numbers is None or order is None:
            return self.known
        first, second, year = self.numbers
        day, month = (first, second) if order == "day" else (second, first)
        try:
            return datetime.strptime(f"{day}/{month}/{year}", _year_form(year)).date()
        except ValueError:
            raise CellError(
                f"is not a valid date when read {_ORDER_NAMES[order]}",
                "correct the cell",
            ) from None


def _shape(text: str | None) -> _Shape:
    raw = trim(text or "")
    if not raw:
        return _Shape()
    if raw[:4].isdigit() and raw[4:5] == "-":
        # ISO dates, the common case, need no shape.
        iso = _iso(raw)
        if iso is not None:
            return _Shape(known=iso)
    timed = _TIME.match(raw)
    bare = timed.group("date") if timed else raw

    known = _iso(raw) or _iso(bare) or _named(bare)
    if known is not None:
        return _Shape(known=known)

    numeric = _NUMERIC.match(bare)
    if numeric is None:
        return _Shape(error=_not_a_date())
    first, _, second, third = numeric.groups()
    if len(first) == 4:
        try:
            return _Shape(known=date(int(first), int(second), int(third)))
        except ValueError:
            return _Shape(error=_not_a_date())
    if len(third) not in (2, 4):
        return _Shape(error=_not_a_date())

    a, b = int(first), int(second)
    if (a > 12 and b > 12) or a == 0 or b == 0:
        return _Shape(error=_not_a_date())
    order = "day" if a > 12 else "month" if b > 12 else "either"
    return _Shape(numbers=(a, b, third), order=order)


def _with_format(texts: Sequence[str | None], date_format: str) -> DateColumn:
    column = DateColumn(values=[None] * len(texts))
    for i, text in enumerate(texts):
        raw = trim(text or "")
        if not raw:
            continue
        try:
            column.values[i] = datetime.strptime(raw, date_format).date()
        except ValueError:
            column.problems[i] = CellError(
                f"does not match the column's date_format {date_format!r}",
                "correct the cell, or change `date_format:` for the column "
                "in the mapping file",
            )
    return column


def _conflict(
    column: DateColumn,
    texts: Sequence[str | None],
    rows: Sequence[int],
    day: list[int],
    month: list[int],
) -> None:
    def named(indices: list[int]) -> str:
        shown = [f"{rows[i]} ({texts[i]!r})" for i in indices[:MAX_ROWS_NAMED]]
        more = " …" if len(indices) > MAX_ROWS_NAMED else ""
        are = "is" if len(indices) == 1 else "are"
        return f"{named_rows(shown, more)} {are}"

    fix = (
        "one column holds one date order: set `date_format:` for the column "
        "and correct the rows written the other way"
    )
    for i in day:
        column.problems[i] = CellError(
            f"is day first, but {named(month)} month first", fix
        )
    for i in month:
        column.problems[i] = CellError(
            f"is month first, but {named(day)} day first", fix
        )


def _iso(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        return None


def _named(text: str) -> date | None:
    if not any(char.isalpha() for char in text):
        return None
    for form in MONTH_NAME_FORMATS:
        try:
            return datetime.strptime(text, form).date()
        except ValueError:
            continue
    return None


def _year_form(year: str) -> str:
    return "%d/%m/%Y" if len(year) == 4 else "%d/%m/%y"


def _not_a_date() -> CellError:
    return CellError(
        "is not a date",
        "write dates as YYYY-MM-DD, or one format for the whole column "
        '(set `date_format:`, e.g. "%d/%m/%Y")',
    )
