"""Why a CSV file cannot be parsed, said in terms of its rows and cells.

Python's ``csv`` module stops at the first fault with a short reason and
the number of lines it has read, which is often not where the fault is: a
quote that never closes is reported at the end of the file, and a cell
longer than the module's limit (131,072 characters) reads like any other
parsing error. So when parsing fails, the file is read again up to the
fault to find the row the parser was in (numbered as the import report
numbers rows: the file's first row is 1, so a header on line 1 makes the
first account row 2), and that row's cells are read one by one to name
the cell at fault and why:

- a double quote that opens a cell and never closes, so the rest of the
  file would be one cell;
- a double quote that ends a cell before its value does (``"Acme" Inc``);
- a cell longer than the limit. A quoted cell that runs over many lines
  may be a long note or a closing quote written too late; the file cannot
  tell which, so the message names both.

A fault none of these explain is reported in the parser's words, at the
row found.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

from tierwise.sources.headers import header_key
from tierwise.sources.layout import HeaderHint, find_header

__all__ = ["describe_fault"]

QUOTE_FIX = (
    'end the value with a double quote, and write a quote inside a value twice ("")'
)
LONG_FIX = (
    "shorten or empty that cell, or delete its column from the file if the "
    "model does not read it (every column is parsed, mapped or not)"
)
UNCLOSED = "unclosed"
CLOSED_EARLY = "closed early"
LONG = "long"

# A quoted cell: quotes inside it are doubled. The possessive repeats stop
# a cell that never closes from matching up to the middle of a "" pair.
_QUOTED = re.compile(r'"[^"]*+(?:""[^"]*+)*+"')
_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class _Row:
    """Where the row the parser stopped in starts, and the rows before it."""

    before: list[list[str]]
    start: int
    line: int


@dataclass(frozen=True)
class _Cell:
    """The cell at fault: its column, where it starts and ends, its length."""

    column: int
    start: int
    end: int
    length: int
    fault: str


class _Lines:
    """A text's lines as ``csv.reader`` reads them, counting how far it read."""

    def __init__(self, text: str) -> None:
        self._lines = io.StringIO(text, newline="")
        self.offset = 0
        self.count = 0

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        line = next(self._lines)
        self.offset += len(line)
        self.count += 1
        return line


def describe_fault(
    name: str,
    text: str,
    delimiter: str,
    error: csv.Error,
    header: HeaderHint | None = None,
) -> str:
    """The message for a CSV ``text`` that ``csv`` refused with ``error``.

    ``name`` is the file's name; ``header`` the headers the mapping looks
    for, to name the column at fault by its header.
    """
    row = _failed_row(text, delimiter)
    number = len(row.before) + 1
    where = f"row {number:,}"
    if row.line != number:
        where += f" (line {row.line:,})"

    limit = csv.field_size_limit()
    cell = _cell_at_fault(text, row.start, delimiter, limit)
    if cell is None:
        return (
            f"{name}: {where}: the CSV cannot be parsed ({error}); nothing was "
            "imported. Check the quotes in that row: a value that starts with "
            "a double quote must end with one, and a quote inside it is "
            f"written twice; and a cell holds at most {limit:,} characters"
        )

    at = f"{name}: {where}, {_column(row.before, cell.column, header)}: "
    opened = row.line + _breaks(text, row.start, cell.start)
    if cell.fault == UNCLOSED:
        rest = _breaks(text, cell.start, len(text))
        rest += 0 if text.endswith(("\n", "\r")) else 1
        return (
            f"{at}the double quote that opens this cell is never closed, so "
            f"the rest of the file ({rest:,} lines) would be one cell; nothing "
            f"was imported.\nFix: {QUOTE_FIX}"
        )

    spans = _breaks(text, cell.start, cell.end)
    if cell.fault == CLOSED_EARLY:
        follows = text[cell.end]
        if spans:
            return (
                f"{at}the double quote that opens this cell on line {opened:,} "
                "is not closed where its value ends: the next quote, on line "
                f"{opened + spans:,}, is followed by {follows!r}; nothing was "
                f"imported.\nFix: {QUOTE_FIX}"
            )
        return (
            f"{at}a double quote ends the cell before the value does (it is "
            f"followed by {follows!r}); nothing was imported.\nFix: put the "
            'whole value in double quotes and write each quote inside it twice ("")'
        )

    message = (
        f"{at}the cell holds {cell.length:,} characters, more than the "
        f"{limit:,} the CSV reader takes in one cell; nothing was imported.\n"
        f"Fix: {LONG_FIX}"
    )
    if spans:
        message += (
            "\nIf the value should end sooner, its closing double quote is "
            f"missing there: the quote opened on line {opened:,} closes only "
            f"on line {opened + spans:,}"
        )
    return message


def _failed_row(text: str, delimiter: str) -> _Row:
    """Read ``text`` again up to the fault, noting where each row starts."""
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter, strict=True)
    before: list[list[str]] = []
    start, line = 0, 1
    try:
        for record in reader:
            before.append(record)
            start, line = lines.offset, lines.count + 1
    except csv.Error:
        pass
    return _Row(before, start, line)


def _cell_at_fault(text: str, start: int, delimiter: str, limit: int) -> _Cell | None:
    """The first cell of the row at ``start`` that ``csv`` refuses, if found.

    Cells are read as ``csv`` reads them with ``strict=True``: a cell that
    starts with a double quote ends at the quote that closes it, which a
    delimiter or a line break must follow; any other cell ends at the
    next delimiter or line break.
    """
    unquoted = re.compile(f"[^{re.escape(delimiter)}\r\n]*")
    position, column = start, 0
    while True:
        if text.startswith('"', position):
            quoted = _QUOTED.match(text, position)
            if quoted is None:
                return _Cell(column, position, len(text), 0, UNCLOSED)
            end = quoted.end()
            inner = quoted.group()[1:-1]
            length = len(inner) - inner.count('""')
            if end < len(text) and text[end] not in (delimiter, "\r", "\n"):
                return _Cell(column, position, end, length, CLOSED_EARLY)
        else:
            found = unquoted.match(text, position)
            end = found.end() if found else position
            length = end - position

        if length > limit:
            return _Cell(column, position, end, length, LONG)
        if end >= len(text) or text[end] != delimiter:
            return None
        position, column = end + 1, column + 1


def _column(before: Sequence[list[str]], index: int, hint: HeaderHint | None) -> str:
    """The column at ``index`` by its header when the header row is known."""
    at = find_header(before, hint, header_key) if before else None
    headers = before[at] if at is not None else []
    if index < len(headers) and headers[index].strip():
        return f"column {headers[index].strip()!r}"
    return f"column {index + 1}"


def _breaks(text: str, start: int, end: int) -> int:
    return len(_BREAK.findall(text, start, end))
