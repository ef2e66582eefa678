"""Tables that fit the terminal, keeping ids, dates and codes whole.

An account id, a date, a tier key or a reason code is copied and searched
for, so a column of them (marked ``no_wrap``) is never narrowed. When a
table is wider than the terminal, the columns of words (names, notes, the
input file, score changes) give up the room instead, each wrapping between
its words. Rich alone narrows the widest wrapping columns down to a
character or two when room is short, and folds codes in a column left to
wrap (``insufficient_data`` over three lines in ``history``); `fitted`
sets the widths itself.
"""

from __future__ import annotations

import re

from rich.console import Console
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from tierwise.cli.safe_text import escape

__all__ = [
    "aligned",
    "column_widths",
    "fits",
    "fitted",
    "listing",
    "location_lines",
    "print_indented",
    "print_location",
    "print_titled",
    "score_text",
    "signed_score",
]

# Wide enough that measuring a cell never clamps it.
_UNLIMITED = 10_000


def listing(title: str | None = None) -> Table:
    """A table without borders, as the run list shows rows of a store."""
    return Table(title=title, box=None, pad_edge=False, header_style="bold")


def score_text(value: float | None) -> str:
    """A stored score as tables show it: two decimals, ``—`` when unknown."""
    return "—" if value is None else f"{value:.2f}"


def signed_score(value: float | None) -> str:
    """A change of score with its sign, ``—`` when either side is unknown."""
    return "—" if value is None else f"{value:+.2f}"


def fitted(
    table: Table, console: Console, room_for: dict[str, int] | None = None
) -> Table:
    """``table``, its wrapping columns narrowed to fit ``console``'s width.

    Each wrapping column keeps at least its longest word where the room
    allows (or the room ``room_for`` asks for it, as `fits` counts it), and
    the rest goes first to the columns that need the least of it to be
    whole (see `_shared`). A table that fits is left as it is; when even the
    whole columns leave no room, Rich's own narrowing applies.
    """
    full, least, room = _measured(table, console)
    wanted = room_for or {}
    least = [
        max(word, min(whole, wanted.get(str(column.header), 0)))
        for column, whole, word in zip(table.columns, full, least, strict=True)
    ]
    if sum(full) <= room:
        return table
    wrapping = [i for i, column in enumerate(table.columns) if not column.no_wrap]
    spare = room - sum(w for i, w in enumerate(full) if i not in wrapping)
    if not wrapping or spare < len(wrapping):
        return table
    widths = _shared(spare, [least[i] for i in wrapping], [full[i] for i in wrapping])
    for index, width in zip(wrapping, widths, strict=True):
        table.columns[index].width = width
    return table


def fits(
    table: Table, console: Console, room_for: dict[str, int] | None = None
) -> bool:
    """Whether ``table`` fits ``console`` with no word of it cut.

    That is, its whole columns at full width and each wrapping column as
    wide as its longest word, or as wide as ``room_for`` asks by its
    heading (``{"reason": 30}``: a sentence squeezed into a column of a
    word or two reads badly), or as its text where that is narrower.
    """
    full, least, room = _measured(table, console)
    wanted = room_for or {}
    kept = (
        whole
        if column.no_wrap
        else max(word, min(whole, wanted.get(str(column.header), 0)))
        for column, whole, word in zip(table.columns, full, least, strict=True)
    )
    return sum(kept) <= room


def aligned(cells: list[str], widths: list[int], right: tuple[int, ...] = ()) -> str:
    """A line of cells padded to ``widths``, two spaces apart.

    For the narrow layouts that give each row a line of whole codes; the
    cells at the indices in ``right`` are aligned right (numbers), and the
    last cell is not padded.

    >>> aligned(["1", "F1000-0002", "active"], [2, 10, 7], right=(0,))
    ' 1  F1000-0002  active'
    """
    padded = [
        cell.rjust(width) if index in right else cell.ljust(width)
        for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
    ]
    padded[-1] = cells[-1].rjust(widths[-1]) if len(cells) - 1 in right else cells[-1]
    return "  ".join(padded)


def location_lines(lead: str, location: str, width: int) -> list[str]:
    """``lead`` and a store's ``location`` in lines of at most ``width``.

    One line where both fit; else the lead alone, then the location on
    lines of its own, indented, broken only after a ``/`` or before a ``?``
    or ``&``, so no host, folder, file or parameter in it is cut. Rich
    broke a URL at whichever character met the edge (``…%3Dna`` over
    ``rrow_helper``). A part longer than the line is left whole.

    >>> location_lines("Runs in", "sqlite:///a.db", 40)
    ['Runs in sqlite:///a.db']
    >>> location_lines("Runs in", "postgresql://u:***@db/abm?sslmode=require", 32)
    ['Runs in', '  postgresql://u:***@db/abm', '  ?sslmode=require']
    """
    if len(lead) + 1 + len(location) <= width:
        return [f"{lead} {location}"]
    room = max(1, width - 2)
    lines = [""]
    for part in re.split(r"(?<=/)(?!/)|(?=[?&])", location):
        if lines[-1] and len(lines[-1]) + len(part) > room:
            lines.append("")
        lines[-1] += part
    return [lead, *(f"  {line}" for line in lines)]


def print_titled(console: Console, table: Table, lead: str, location: str) -> None:
    """``table`` under the title ``lead`` and a store's ``location``, whole.

    The title sits over the table where it fits across it; else on lines
    of its own (`print_location`). Rich wrapped a title to the table's
    width, breaking a PostgreSQL URL in the middle of its search path.
    """
    title = f"{lead} {location}"
    shown = Measurement.get(console, console.options, table).maximum
    if len(title) <= min(shown, console.width):
        table.title = escape(title)
    else:
        print_location(console, lead, location)
    console.print(table)


def print_location(console: Console, lead: str, location: str) -> None:
    """``lead`` and a store's ``location`` as a title, in `location_lines`."""
    for line in location_lines(lead, location, console.width):
        console.print(Text(line, style="italic"))


def print_indented(console: Console, text: Text, indent: int) -> None:
    """``text`` under a line of codes, ``indent`` spaces in.

    At a terminal it wraps between words, every line indented. Piped (the
    console soft-wraps, see the CLI's setup) it stays whole on one line, as
    every other sentence does there: Rich cuts an indented block at the
    console's width when it may not wrap it, and a reason lost its end.
    """
    if console.soft_wrap:
        console.print(Text(" " * indent).append_text(text))
    else:
        console.print(Padding(text, (0, 0, 0, indent), expand=False))


def column_widths(rows: list[list[str]]) -> list[int]:
    """The width of each column of ``rows``: its longest cell."""
    return [max(len(cell) for cell in column) for column in zip(*rows, strict=True)]


def _measured(table: Table, console: Console) -> tuple[list[int], list[int], int]:
    """Each column's full width and longest word, and the room for them."""
    options = console.options.update_width(_UNLIMITED)
    full, least = [], []
    for column in table.columns:
        sizes = [
            Measurement.get(console, options, cell)
            for cell in (column.header, *column.cells)
        ]
        full.append(max(size.maximum for size in sizes))
        least.append(max(size.minimum for size in sizes))
    return full, least, console.width - _frame_width(table)


def _frame_width(table: Table) -> int:
    """The characters of a table's row that are borders and padding."""
    count = len(table.columns)
    _, right, _, left = table.padding
    padding = 0
    for index in range(count):
        before = max(0, left - right) if table.collapse_padding and index else left
        after = right
        if not table.pad_edge:
            before = 0 if index == 0 else before
            after = 0 if index == count - 1 else after
        padding += before + after
    rules = 0 if table.box is None else count - 1 + (2 if table.show_edge else 0)
    return padding + rules


def _shared(room: int, least: list[int], full: list[int]) -> list[int]:
    """Split ``room`` between columns: each its longest word, then whole.

    Past the longest words, the column that needs the fewest characters to
    be whole gets them first, so a short note (a name, a state) stays on
    one line while a long one wraps; the last column served gets whatever
    is left.

    >>> _shared(27, [7, 18], [10, 18])
    [9, 18]
    >>> _shared(40, [6, 10], [9, 47])
    [9, 31]
    """
    if sum(least) > room:
        # Not even the longest words fit: share in proportion to them.
        total = sum(least)
        widths = [max(1, room * width // total) for width in least]
    else:
        widths = list(least)
    left = room - sum(widths)
    for index in sorted(range(len(widths)), key=lambda i: full[i] - widths[i]):
        grown = min(full[index], widths[index] + left)
        left -= max(0, grown - widths[index])
        widths[index] = max(widths[index], grown)
    return widths
