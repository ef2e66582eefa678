"""Reading one cell: numbers, booleans, dates, text and website domains.

Each parser takes the text of a cell and returns the value, ``None`` for a
blank, or raises :class:`CellError` with what is wrong and how to fix it.
Parsers that repair or guess also return a short note, so the import report
can say how many cells were changed and show one of them.

Numbers go through :class:`~decimal.Decimal` from the text to the final
multiplication: ``$8.2M`` must be exactly 8,200,000, which float maths does
not give (``8.2 * 1e6`` is ``8199999.999999999``).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Collection
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from urllib.parse import urlsplit

__all__ = [
    "AMBIGUOUS_FORM",
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "DEFAULT_DATE_FORMATS",
    "NUMBER_BLANKS",
    "CellError",
    "host_of",
    "parse_boolean",
    "parse_date",
    "parse_number",
    "trim",
]

log = logging.getLogger(__name__)

# Zero-width characters that survive copy-and-paste from web pages and Excel;
# str.strip() does not remove them because Unicode does not call them spaces.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_TRIMMED = "".join(chr(code) for code in range(0x3000 + 1) if chr(code).isspace())
_TRIMMED += ZERO_WIDTH

BOOLEAN_TRUE = ("true", "yes", "y", "1", "x")
BOOLEAN_FALSE = ("false", "no", "n", "0")

# Only these mean "no number" in a number column; in text columns nothing
# but an empty cell is missing, so the country code NA stays Namibia.
NUMBER_BLANKS = ("", "-", "n/a")

DEFAULT_DATE_FORMATS = (
    "%Y/%m/%d",
    "%d %b %Y",
    "%d %B %Y",
    "%d-%b-%Y",
    "%b %d, %Y",
    "%B %d, %Y",
)

_SUFFIXES = {
    "k": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "b": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
}
_CURRENCIES = "$€£"
_SPACES = re.compile(r"[\s\u00a0\u202f\u2009]+")
_SUFFIX = re.compile(r"(mm|bn|k|m|b)$", re.IGNORECASE)
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+|\d+(\.\d+)?e[-+]?\d+", re.IGNORECASE)
_GROUPED = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?")
AMBIGUOUS_FORM = re.compile(r"\d{1,3}\.\d{3}")
_HOST = re.compile(r"[a-z0-9\u00a1-\uffff]([a-z0-9\u00a1-\uffff-]*\.)+[a-z0-9-]+")

NUMBER_FORMS = "1234.5, 1,234,567.89, $8.2M, 54K, 2.43B"

# Note categories for the import report.
REPAIRED_NUMBER = "symbols, spaces, thousands commas or a K/M/B suffix removed"
AMBIGUOUS_NUMBER = (
    "three digits after a single point, read as a decimal "
    "(if the point groups thousands, fix the file)"
)
HOST_ONLY = "reduced to the website's host"
TRIMMED = "spaces around the value removed"


class CellError(ValueError):
    """A cell that cannot be read, with what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def trim(text: str) -> str:
    """Drop whitespace and zero-width characters from both ends."""
    return text.strip(_TRIMMED)


def parse_number(text: str) -> tuple[Decimal | None, str | None]:
    """Read a number written as a person or a CRM writes it.

    Returns the value (``None`` for blank, ``-`` or ``N/A``) and a note when
    the text had to be cleaned or could be read another way.

    >>> parse_number("$8.2M")[0] == 8_200_000, parse_number("N/A")
    (True, (None, None))
    """
    raw = trim(text)
    if raw.casefold() in NUMBER_BLANKS:
        return None, None

    compact = _SPACES.sub("", raw)
    negative, body = _split_sign(compact)
    if _has_one_currency(body):
        body = body.strip(_CURRENCIES)
        negative, body = _split_sign(body, negative)

    factor = Decimal(1)
    suffix = _SUFFIX.search(body)
    if suffix and body[: suffix.start()][-1:].isdigit():
        factor = _SUFFIXES[suffix.group(1).casefold()]
        body = body[: suffix.start()]

    value = _decimal(body, raw) * factor
    value = -value if negative else value

    if compact != raw or body.lstrip("+-") != compact.lstrip("+-") or "," in body:
        return value, REPAIRED_NUMBER
    if AMBIGUOUS_FORM.fullmatch(body):
        return value, AMBIGUOUS_NUMBER
    return value, None


def parse_boolean(
    text: str,
    true_values: Collection[str] = BOOLEAN_TRUE,
    false_values: Collection[str] = BOOLEAN_FALSE,
) -> bool | None:
    """Read yes/no tokens, compared without regard to case; blank is ``None``.

    >>> parse_boolean(" Yes "), parse_boolean(""), parse_boolean("0")
    (True, None, False)
    """
    token = trim(text).casefold()
    if not token:
        return None
    if token in _folded(tuple(true_values)):
        return True
    if token in _folded(tuple(false_values)):
        return False

    allowed = ", ".join([*true_values, *false_values])
    raise CellError(
        "is not a yes/no value",
        f"use one of {allowed}, or list this file's words under "
        "`true_values:` / `false_values:` for the column in a mapping file",
    )


def parse_date(text: str, date_format: str | None = None) -> date | None:
    """Read a date: ISO ``YYYY-MM-DD`` (time allowed) or the column's format.

    Without a format, a few forms that cannot be misread are accepted too
    (``2025/04/13``, ``13 Apr 2025``, ``Apr 13, 2025``); ``03/04/2025`` is
    refused because it could be March or April. The format is not inferred
    from the rest of the column yet, so such a column needs ``date_format``.

    >>> parse_date("2025-04-13T09:30:00Z"), parse_date("04/13/25", "%m/%d/%y")
    (datetime.date(2025, 4, 13), datetime.date(2025, 4, 13))
    """
    raw = trim(text)
    if not raw:
        return None

    if date_format is not None:
        try:
            return datetime.strptime(raw, date_format).date()
        except ValueError:
            raise CellError(
                f"does not match the column's date_format {date_format!r}",
                "correct the cell, or change `date_format:` for the column "
                "in the mapping file",
            ) from None

    parsed = _iso_date(raw) or _unambiguous_date(raw)
    if parsed is None:
        raise CellError(
            "is not an ISO date (YYYY-MM-DD)",
            'set the column\'s format in a mapping file, e.g. `date_format: "%m/%d/%Y"`'
            ' for 04/13/2025 or `date_format: "%d/%m/%Y"` for 13/04/2025',
        )
    return parsed


def host_of(text: str) -> tuple[str | None, str | None]:
    """Reduce a website address to its host name without ``www.``.

    Returns the host (``None`` for a blank) and a note when it changed.
    Subdomains are kept: ``eu.acme.com`` and ``ir.acme.co.uk`` stay as they
    are, because reducing a host to its registrable domain needs the public
    suffix list, which is not used yet.

    >>> host_of("https://www.LumenGrid.example/contact?ref=li")[0]
    'lumengrid.example'
    """
    raw = trim(text)
    if not raw:
        return None, None

    lowered = raw.casefold()
    if _HOST.fullmatch(lowered):
        # Already a bare host, as most domain columns hold: skip URL parsing.
        host = lowered.rstrip(".").removeprefix("www.")
        return host, (HOST_ONLY if host != raw else None)

    address = lowered if "//" in lowered else f"//{lowered}"
    try:
        host = urlsplit(address).hostname or ""
    except ValueError:
        host = ""
    host = host.rstrip(".").removeprefix("www.")

    if not _HOST.fullmatch(host):
        raise CellError(
            "is not a website address or domain",
            "correct the cell (for example acme.com or https://www.acme.com) "
            "or clear it",
        )
    return host, (HOST_ONLY if host != raw else None)


@lru_cache(maxsize=64)
def _folded(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(value.casefold() for value in values)


def _split_sign(text: str, negative: bool = False) -> tuple[bool, str]:
    if text[:1] in "+-" and len(text) > 1:
        return text[0] == "-", text[1:]
    return negative, text


def _has_one_currency(text: str) -> bool:
    symbols = [char for char in text if char in _CURRENCIES]
    ends = text[:1] in _CURRENCIES or text[-1:] in _CURRENCIES
    return len(symbols) == 1 and ends


def _decimal(body: str, raw: str) -> Decimal:
    if _PLAIN.fullmatch(body) or _GROUPED.fullmatch(body):
        try:
            return Decimal(body.replace(",", ""))
        except InvalidOperation:
            pass
    raise CellError("is not a number", _number_fix(raw))


def _number_fix(raw: str) -> str:
    # Forms a later version may read are named, so the user knows the
    # refusal is deliberate rather than a bug in their file.
    if re.search(r"\d\s*[-–]\s*\d|\+$", raw):
        hint = "ranges such as 51-200 are not read yet; "
    elif raw[:1] in "<>≤≥~":
        hint = "bounds such as < $1M are not read yet; "
    elif re.search(r"\d\.\d{3}[.,]|\d,\d{1,2}$", raw):
        hint = "decimal commas such as 1.250.000,00 are not read yet; "
    else:
        hint = ""
    return (
        f"{hint}write one number ({NUMBER_FORMS}) or clear the cell, "
        "or map another column"
    )


def _iso_date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(raw).date()
    except ValueError:
        return None


def _unambiguous_date(raw: str) -> date | None:
    for form in DEFAULT_DATE_FORMATS:
        try:
            return datetime.strptime(raw, form).date()
        except ValueError:
            continue
    return None
