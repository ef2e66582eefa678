"""Text cells that are safe to open in a spreadsheet (case 18).

Account names, notes and website fields come from outside. A spreadsheet
that opens a CSV or a workbook runs a cell starting with ``=`` (or ``+``,
``-``, ``@``, and a tab or carriage return before any of them) as a formula,
so a hostile name can build links that leak data or start programs. A CSV
has no cell types, so the CSV files meant for people neutralise such text by
putting an apostrophe in front of it. The workbook needs no apostrophe: it
stores the text as it is in a typed text cell, which Excel never runs (see
`tierwise.report.workbook`). Numbers are never text here and stay numbers.

>>> for_people('=HYPERLINK("http://attacker.example/","Open")')
'\\'=HYPERLINK("http://attacker.example/","Open")'
>>> for_people("Negative Revenue Test")
'Negative Revenue Test'
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "FORMULA_TRIGGERS",
    "NEUTRALISER",
    "for_people",
    "needs_neutralising",
    "neutralise",
    "strip_control",
]

# The characters a spreadsheet reads as the start of a formula, or that
# spreadsheets skip before reading one (tab, carriage return). Full-width
# and small forms (＝ ＋ － ＠ ﹦ …) fold onto these through NFKC; the
# minus sign U+2212 does not fold, and some spreadsheets accept it.
FORMULA_TRIGGERS = frozenset("=+-@\t\r\u2212")
NEUTRALISER = "'"

# Characters the xlsx format (XML 1.0) cannot hold: C0 controls other than
# tab, line feed and carriage return, lone surrogates and the two
# non-characters U+FFFE and U+FFFF. Excel refuses a workbook that has them.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")

# A plain number written as text ("-1250", "+3.5") is no formula; Excel
# reads it as the number it is, so it is left alone.
_PLAIN_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*")


def strip_control(text: str) -> str:
    """``text`` without the control characters a workbook cannot hold.

    >>> strip_control("Acme\\x00 Ops\\x1b")
    'Acme Ops'
    """
    return _CONTROL.sub("", text)


def needs_neutralising(text: str) -> bool:
    """Whether a spreadsheet could read ``text`` as a formula.

    The first character counts, and so does the first one after leading
    white space, in any width (``"  ＝1+1"`` is a formula to some
    spreadsheets).

    >>> needs_neutralising("  =1+1"), needs_neutralising("-1250")
    (True, False)
    """
    if not text or _PLAIN_NUMBER.fullmatch(text.strip()):
        return False
    if _triggers(text[0]):
        return True
    rest = text.lstrip()
    return bool(rest) and _triggers(rest[0])


def neutralise(text: str) -> str:
    """``text`` with an apostrophe in front when it could run as a formula."""
    return NEUTRALISER + text if needs_neutralising(text) else text


def for_people(text: str) -> str:
    """``text`` made safe for a spreadsheet: controls stripped, then neutralised.

    Stripping comes first, so a control character cannot hide a formula
    behind it (``"\\x01=1+1"`` becomes ``"'=1+1"``).
    """
    return neutralise(strip_control(text))


def _triggers(character: str) -> bool:
    return unicodedata.normalize("NFKC", character)[:1] in FORMULA_TRIGGERS
