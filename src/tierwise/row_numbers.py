"""Row numbers named in messages: ``row 3`` for one, ``rows 3, 7`` for more."""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["named_rows"]


def named_rows(rows: Sequence[object], more: str = "") -> str:
    """The rows after the right word; ``more`` follows them, and makes it plural.

    >>> named_rows([3])
    'row 3'
    >>> named_rows([3, 7])
    'rows 3, 7'
    >>> named_rows([3], " …")
    'rows 3 …'
    """
    word = "row" if len(rows) == 1 and not more else "rows"
    return f"{word} {', '.join(str(row) for row in rows)}{more}"
