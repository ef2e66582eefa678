"""Reading single cells: trimming, yes/no values, and the shared cell error.

Each parser takes the text of a cell and returns the value, ``None`` for a
blank, or raises :class:`CellError` with what is wrong and how to fix it.
Numbers, dates and websites have modules of their own
(:mod:`~tierwise.sources.numbers`, :mod:`~tierwise.sources.dates`,
:mod:`~tierwise.sources.domains`), because reading them well takes a
column's settings or the whole column.
"""

from __future__ import annotations

import logging
from collections.abc import Collection
from functools import lru_cache

__all__ = [
    "BOOLEAN_FALSE",
    "BOOLEAN_TRUE",
    "NOT_YES_NO",
    "NUMBER_BLANKS",
    "NUMBER_NOT_YES_NO_FIX",
    "CellError",
    "not_yes_no",
    "parse_boolean",
    "sql_lower",
    "trim",
]

log = logging.getLogger(__name__)

# Zero-width characters that survive copy-and-paste from web pages and Excel;
# str.strip() does not remove them because Unicode does not call them spaces.
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_TRIMMED = "".join(chr(code) for code in range(0x3000 + 1) if chr(code).isspace())
_TRIMMED += ZERO_WIDTH
_TRIMMED_SET = frozenset(_TRIMMED)

# What a cell is trimmed of, for readers that trim in SQL (the same set).
TRIMMED_CHARACTERS = _TRIMMED

BOOLEAN_TRUE = ("true", "yes", "y", "1", "x")
BOOLEAN_FALSE = ("false", "no", "n", "0")
NOT_YES_NO = "is not a yes/no value"

# Only these mean "no number" in a number column, unless the column sets its
# own `missing_values:`; in text columns nothing but an empty cell is
# missing by default, so the country code NA stays Namibia.
NUMBER_BLANKS = ("", "-", "n/a")


class CellError(ValueError):
    """A cell that cannot be read, with what is wrong and how to fix it."""

    def __init__(self, problem: str, fix: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.fix = fix


def trim(text: str) -> str:
    """Drop whitespace and zero-width characters from both ends."""
    # Most cells have nothing to trim; checking both ends is much cheaper
    # than stripping a set of some thirty characters. An empty cell has
    # none either, and stripping it took as long as any other.
    if not text or (text[0] not in _TRIMMED_SET and text[-1] not in _TRIMMED_SET):
        return text
    return text.strip(_TRIMMED)


# Python's str.lower() follows Unicode's full mapping: "İ" (U+0130) becomes
# "i̇" (two code points) and a "Σ" that ends a word becomes "ς". The
# engine's SQL LOWER (DuckDB) maps each code point to one, "i" and "σ". These
# two are mapped first, so text lower-cased in Python equals the engine's.
_AS_SQL_LOWER = str.maketrans({"\u0130": "i", "\u03a3": "\u03c3"})


def sql_lower(text: str) -> str:
    """Text lower-cased exactly as the engine's SQL ``LOWER`` does it.

    Model keys, list values and merged duplicates are lower-cased with it,
    so that they compare equal to the lower-cased data in the engine.

    >>> sql_lower("İNŞAAT") == "inşaat", sql_lower("ΟΔΟΣ")
    (True, 'οδοσ')
    """
    return text.translate(_AS_SQL_LOWER).lower()


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
    raise not_yes_no(true_values, false_values)


def not_yes_no(
    true_values: Collection[str] = BOOLEAN_TRUE,
    false_values: Collection[str] = BOOLEAN_FALSE,
) -> CellError:
    """The error for text that is none of the yes/no words; the readers
    that check a table's words in SQL word their refusal with it too.

    >>> not_yes_no(("ja",), ("nee",)).fix.split(", or")[0]
    'use one of ja, nee'
    """
    allowed = ", ".join([*true_values, *false_values])
    return CellError(
        NOT_YES_NO,
        f"use one of {allowed}, or list this file's words under "
        "`true_values:` / `false_values:` for the column in a mapping file",
    )


# The fix for a number stored for a yes/no field (a typed cell, or a
# table's number column) other than 1, 0 or blank: the words do not apply.
NUMBER_NOT_YES_NO_FIX = (
    "write 1 for yes and 0 for no (or leave it empty), or map a yes/no column "
    "to this field"
)


@lru_cache(maxsize=64)
def _folded(values: tuple[str, ...]) -> frozenset[str]:
    return frozenset(value.casefold() for value in values)
