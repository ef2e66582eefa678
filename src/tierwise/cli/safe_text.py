"""Text from the user's data, made safe to show in a terminal.

Account names, ids, reasons and the like come from CRM exports and
spreadsheets, and a cell can hold control characters: an escape sequence
printed as it is clears the screen, restyles the terminal or sets its
title, and a carriage return overwrites the start of the line. Every such
character is shown as its escape (``\\x1b``, ``\\r``) instead; line breaks
and tabs stay, since messages use them.
"""

from __future__ import annotations

import re

from rich.markup import escape as escape_markup

__all__ = ["escape", "escape_inline", "inline", "visible"]

# C0 controls but tab and line feed, DEL, and the C1 controls.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """``text`` with each control character written out as its escape.

    >>> visible("Acme\\x1b[2J\\rCorp")
    'Acme\\\\x1b[2J\\\\rCorp'
    >>> visible("two\\nlines\\tand a tab")
    'two\\nlines\\tand a tab'
    """
    return _CONTROL.sub(_written_out, text)


def escape(text: str) -> str:
    """``text`` safe inside Rich markup: control characters written out,
    and square brackets kept from being read as styles."""
    return escape_markup(visible(text))


# Line and paragraph breaks and tabs, which a value shown inside a line
# (a heading, a table cell) must not start.
_BREAKS = re.compile(r"[\t\n\r\x0b\x0c\x85\u2028\u2029]+")


def inline(text: str) -> str:
    """:func:`visible`, with each run of line breaks and tabs shown as one
    space: an account name written over two lines of a CRM cell is shown
    in its row, or its heading, on one. For plain text (``Text``); inside
    Rich markup use :func:`escape_inline`.

    >>> inline("Two\\nLines\\tInc\\x1b")
    'Two Lines Inc\\\\x1b'
    """
    return visible(_BREAKS.sub(" ", text))


def escape_inline(text: str) -> str:
    """:func:`inline`, safe inside Rich markup.

    >>> escape_inline("Two\\nLines [red]")
    'Two Lines \\\\[red]'
    """
    return escape_markup(inline(text))


def _written_out(found: re.Match[str]) -> str:
    # repr gives the shortest escape Python knows: \r, \x1b, \x9b.
    return repr(found.group())[1:-1]
