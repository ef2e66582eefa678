"""Currencies of amounts, and converting them into the model's currency.

An amount's currency comes, in this order, from the cell itself (a symbol
or ISO code: ``€1.250.000,00``, ``USD 54K``), from the row (a ``currency``
column in the mapping), or from the column (``currency: USD`` in the
mapping); an amount with none of them is in the model's currency. A cell's
mark and its row's currency must agree. A symbol shared by several
currencies (``$``, ``¥``, ``kr``) takes the row's or column's currency
when it is one of them; otherwise ``$`` is the US dollar and ``¥`` the
yen, and ``kr`` needs the row or column to say which crown.

Amounts convert with the rates the model holds (units of the model's
currency per unit of the other), in Decimal. A currency the model has no
rate for is unknown: the import stops, naming the rows, rather than read
the amount as if it were in the model's currency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from tierwise.sources.values import CellError, trim

__all__ = [
    "CURRENCY_SYMBOLS",
    "MONEY_FIELDS",
    "Currencies",
    "currency_of_mark",
    "read_currency_code",
]

# Canonical fields that hold amounts of money; the row's currency applies
# to these and to any column whose cells carry a currency mark.
MONEY_FIELDS = ("annual_revenue", "potential_acv")

_SYMBOLS: dict[str, tuple[str | None, frozenset[str]]] = {
    "$": ("USD", frozenset({"USD", "CAD", "AUD", "NZD", "HKD", "SGD", "MXN"})),
    "US$": ("USD", frozenset({"USD"})),
    "C$": ("CAD", frozenset({"CAD"})),
    "A$": ("AUD", frozenset({"AUD"})),
    "NZ$": ("NZD", frozenset({"NZD"})),
    "HK$": ("HKD", frozenset({"HKD"})),
    "S$": ("SGD", frozenset({"SGD"})),
    "R$": ("BRL", frozenset({"BRL"})),
    "€": ("EUR", frozenset({"EUR"})),
    "£": ("GBP", frozenset({"GBP"})),
    "¥": ("JPY", frozenset({"JPY", "CNY"})),
    "₹": ("INR", frozenset({"INR"})),
    "₩": ("KRW", frozenset({"KRW"})),
    "₽": ("RUB", frozenset({"RUB"})),
    "₺": ("TRY", frozenset({"TRY"})),
    "₪": ("ILS", frozenset({"ILS"})),
    "CHF": ("CHF", frozenset({"CHF"})),
    "zł": ("PLN", frozenset({"PLN"})),
    "kr": (None, frozenset({"SEK", "NOK", "DKK", "ISK"})),
}
_CODE = re.compile(r"[A-Za-z]{3}")

# Longest first, so a reader tries "R$" before "$".
CURRENCY_SYMBOLS = tuple(sorted(_SYMBOLS, key=len, reverse=True))


@dataclass(frozen=True)
class Currencies:
    """The model's currency and its conversion rates, as of a date.

    ``rates`` maps a currency code to the units of the model's currency
    one unit of it is worth (``{"USD": Decimal("0.92")}`` in a EUR model).
    """

    model_currency: str
    rates: Mapping[str, Decimal] = field(default_factory=dict, hash=False)
    as_of: date | None = None
    # The rates are those of the bundled default model (it has none), whose
    # user can only add some by writing the model to a file of their own.
    builtin: bool = field(default=False, compare=False)
    # The fields holding amounts: the canonical ones and the model's
    # potential field, which may be a field of its own.
    money_fields: frozenset[str] = frozenset(MONEY_FIELDS)

    def rate(self, code: str) -> Decimal | None:
        """Units of the model's currency per unit of ``code``; None if unknown."""
        if code == self.model_currency:
            return Decimal(1)
        return self.rates.get(code)


def currency_of_mark(mark: str, declared: str | None) -> str:
    """The currency code a cell's mark stands for, given the declared one.

    Raises:
        CellError: when the mark disagrees with the declared currency, or is
            a shared symbol (``kr``) with nothing declared to settle it.

    >>> currency_of_mark("$", None), currency_of_mark("$", "CAD")
    ('USD', 'CAD')
    """
    if _CODE.fullmatch(mark):
        code = mark.upper()
        if declared is not None and declared != code:
            raise _disagree(mark, declared)
        return code

    default, possible = _SYMBOLS[mark]
    if declared is not None:
        if declared not in possible:
            raise _disagree(mark, declared)
        return declared
    if default is None:
        raise CellError(
            f"has {mark!r}, which is the mark of several currencies "
            f"({', '.join(sorted(possible))})",
            "write the ISO code in the cell (e.g. SEK 1000), or set the column's "
            "`currency:` or map a currency column",
        )
    return default


def read_currency_code(text: str | None) -> str | None:
    """A currency cell (a code or a symbol) as an ISO code; None when blank.

    Raises:
        CellError: for text that is neither.

    >>> read_currency_code(" eur "), read_currency_code("£"), read_currency_code("")
    ('EUR', 'GBP', None)
    """
    raw = trim(text or "")
    if not raw:
        return None
    if _CODE.fullmatch(raw):
        return raw.upper()
    if raw in _SYMBOLS and _SYMBOLS[raw][0] is not None:
        return _SYMBOLS[raw][0]
    raise CellError(
        "is not a currency code",
        "write a three-letter code such as USD, EUR or GBP",
    )


def _disagree(mark: str, declared: str) -> CellError:
    return CellError(
        f"is written in {mark!r}, but its currency is given as {declared}",
        "make the cell and its currency column (or the column's `currency:`) agree",
    )
