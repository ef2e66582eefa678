"""Blank lines between a signal CSV's rows, so every row keeps its number.

DuckDB skips an empty line inside a CSV without counting it, and refuses a
line of only spaces, or of fewer delimiters than the header has, as a row
of the wrong width. A spreadsheet shows each such line as a row of its own,
and the account import counts it, so the signal import must too: a row
below a blank line would otherwise be reported one number too low.

Finding blank lines costs one read of the file in large blocks, looked at
with numpy rather than row by row in Python. The first look is quick and
blind to quotes: most files have no line that could be blank between their
first and last rows, and stop there. Only a file that may have one is read
a second time, minding quotes (an empty line inside a quoted note is not a
blank line), to learn how many data rows stand above each blank line. The
row numbers then add, to DuckDB's count, the blank lines above each row.

A line of only delimiters, as many as the header has, is a row DuckDB
reads (of empty cells), so it is numbered already and left alone. Lines of
only blanks that DuckDB would refuse are emptied in a copy of the file in
the run's scratch folder, which DuckDB then skips like any empty line.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.parquet as pq

__all__ = ["BlankLines", "find_blank_lines", "write_places"]

BLOCK_BYTES = 1 << 22
# A record longer than DuckDB's longest line is refused by DuckDB anyway;
# a scan that finds none in this many bytes (an unclosed quote) stops.
MAX_RECORD_BYTES = 1 << 24
# A block with more lines that may be blank has them looked at all at once.
MAX_LINES_ONE_BY_ONE = 64
_NEWLINE, _RETURN, _QUOTE, _SPACE, _TAB = 10, 13, 34, 32, 9
_BOM = b"\xef\xbb\xbf"

Positions = npt.NDArray[np.int64]


@dataclass
class BlankLines:
    """The blank lines between a CSV's data rows, as DuckDB's rows see them.

    ``above[i]`` is how many data rows stand above the i-th place with
    blank lines, and ``skipped[i]`` how many blank lines there are in all
    down to that place; a data row numbered n by DuckDB has every blank
    line of the places with ``above < n`` above it. ``readable`` is the
    file for DuckDB to read: a copy with lines of only blanks emptied when
    DuckDB would refuse them, else the file itself.
    """

    readable: Path
    above: Positions = field(default_factory=lambda: np.zeros(0, np.int64))
    skipped: Positions = field(default_factory=lambda: np.zeros(0, np.int64))

    @property
    def count(self) -> int:
        """How many blank lines stand between data rows."""
        return int(self.skipped[-1]) if self.skipped.size else 0


def find_blank_lines(
    path: Path,
    *,
    delimiter: str,
    width: int,
    header: bool,
    scratch: Path,
) -> BlankLines:
    """Where ``path`` has blank lines between its data rows.

    ``width`` is the number of columns, ``header`` whether the first row
    that is not blank is a header. Blank lines before the first row are
    not counted here (the reader skips them itself), nor those after the
    last row (no row is below them).
    """
    if not _may_have_blank_lines(path, delimiter):
        return BlankLines(path)
    scan = _Scan(delimiter, width)
    for offset, data, ends in _records(path):
        scan.add(offset, data, ends)
    data_rows = scan.records - int(header)
    above = np.concatenate(scan.above) - int(header) if scan.above else _none()
    above = above[above < data_rows]
    readable = path
    starts = np.concatenate(scan.filled_starts) if scan.filled_starts else _none()
    if starts.size:
        stops = np.concatenate(scan.filled_stops)
        readable = _emptied_copy(path, starts, stops, scratch)
    places, counts = np.unique(above, return_counts=True)
    return BlankLines(readable, places.astype(np.int64), np.cumsum(counts))


def write_places(blank: BlankLines, target: Path) -> None:
    """Store the places of ``blank`` as Parquet, for DuckDB to join on."""
    table = pa.table({"above": blank.above, "skipped": blank.skipped})
    target.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, target)


def _none() -> Positions:
    return np.zeros(0, np.int64)


def _blank_table(delimiter: str) -> npt.NDArray[np.bool_]:
    """Which byte values a blank line may hold: white space and delimiters."""
    table = np.zeros(256, np.bool_)
    table[[_SPACE, _TAB, _RETURN, _NEWLINE]] = True
    table[ord(delimiter)] = True
    return table


def _may_have_blank_lines(path: Path, delimiter: str) -> bool:
    """A quick look, blind to quotes: could a blank line need counting?

    A line counts as possibly blank when it is empty or both its first and
    its last byte may be blank; the exact scan decides. Such a line matters
    when a row follows it, or when it holds blanks DuckDB would refuse.
    Lines before the first row that is not blank do not count.
    """
    blank = _blank_table(delimiter)
    started = pending = False
    carry = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            data = carry + block
            array = np.frombuffer(data, np.uint8)
            if not started:
                content = np.flatnonzero(~blank[array])
                if not content.size:
                    continue
                started = True
                data = data[int(content[0]) :]
                array = array[int(content[0]) :]
            ends = np.flatnonzero(array == _NEWLINE)
            if ends.size >= 2:
                lines, empty = _maybe_blank(array, ends, blank)
                if not empty.all() or _row_below(lines, ends.size - 1, pending):
                    return True
                pending = pending or bool(lines.size)
            carry = _tail(data[int(ends[-1]) :] if ends.size else data)
    rest = carry.lstrip(b"\n").rstrip(b"\r")
    return bool(rest) and (pending or not np.any(~blank[np.frombuffer(rest, np.uint8)]))


def _maybe_blank(
    array: npt.NDArray[np.uint8], ends: Positions, blank: npt.NDArray[np.bool_]
) -> tuple[Positions, npt.NDArray[np.bool_]]:
    """The lines between two line breaks that may be blank; which are empty.

    Lines are numbered from 0 in the block. Only a line whose first byte
    may be blank is looked at further: in most files, none is.
    """
    firsts = ends[:-1] + 1
    lines = np.flatnonzero(blank[array[firsts]])
    starts = firsts[lines]
    stops = ends[lines + 1]
    stops = stops - (array[stops - 1] == _RETURN)
    empty = stops <= starts
    last = blank[array[np.maximum(stops - 1, starts)]]
    maybe = empty | last
    return lines[maybe], empty[maybe]


def _row_below(lines: Positions, count: int, pending: bool) -> bool:
    """Whether a line not in ``lines`` (of ``count``) follows one that is.

    ``pending`` says a line in an earlier block may be blank.
    """
    if pending and lines.size < count:
        return True
    if not lines.size:
        return False
    return bool(lines[-1] < count - 1 or lines[-1] - lines[0] + 1 > lines.size)


def _tail(line: bytes) -> bytes:
    """The part of an unfinished line the quick look needs: its ends."""
    return line if len(line) <= 8 else line[:2] + line[-2:]


def _records(path: Path) -> Iterator[tuple[int, bytes, Positions]]:
    """The file in blocks of whole records: offset, bytes and record ends.

    Each block ends with a line break outside quotes, so a block starts
    outside quotes. A file starting with a UTF-8 byte order mark is read
    from after it. A last line without a line break is given one.
    """
    with path.open("rb") as handle:
        offset = len(_BOM) if handle.read(len(_BOM)) == _BOM else 0
        handle.seek(offset)
        carry = b""
        for block in iter(lambda: handle.read(BLOCK_BYTES), b""):
            data = carry + block
            ends = _record_ends(data)
            if not ends.size:
                if len(data) > MAX_RECORD_BYTES:
                    return  # an unclosed quote: DuckDB reports it
                carry = data
                continue
            cut = int(ends[-1]) + 1
            yield offset, data[:cut], ends
            offset += cut
            carry = data[cut:]
    if carry:
        data = carry + b"\n"
        ends = _record_ends(data)
        if ends.size:
            yield offset, data, ends


def _record_ends(data: bytes) -> Positions:
    """Line breaks outside quotes, the quotes counted from the start.

    A doubled quote inside a quoted cell counts twice, so the count's
    parity says whether a byte is inside quotes, as the reader sees it.
    """
    array = np.frombuffer(data, np.uint8)
    breaks: Positions = np.flatnonzero(array == _NEWLINE)
    if data.find(b'"') < 0:
        return breaks
    quotes = np.flatnonzero(array == _QUOTE)
    ends: Positions = breaks[np.searchsorted(quotes, breaks) % 2 == 0]
    return ends


class _Scan:
    """The exact scan's running state: records so far and blank lines found."""

    def __init__(self, delimiter: str, width: int) -> None:
        self.blank = _blank_table(delimiter)
        self.blank_bytes = bytes(np.flatnonzero(self.blank).tolist())
        self.delimiter = ord(delimiter)
        self.width = width
        self.started = False
        self.records = 0
        self.above: list[Positions] = []
        self.filled_starts: list[Positions] = []
        self.filled_stops: list[Positions] = []

    def add(self, offset: int, data: bytes, ends: Positions) -> None:
        """Take one block of whole records starting at byte ``offset``."""
        array = np.frombuffer(data, np.uint8)
        starts = np.concatenate(([0], ends[:-1] + 1)).astype(np.int64)
        stops = ends - ((ends > starts) & (array[ends - 1] == _RETURN))
        skipped = self._blank_lines(data, array, starts, stops)
        if not self.started:
            first = np.flatnonzero(~skipped)
            if not first.size:
                return
            self.started = True
            keep = slice(int(first[0]), None)
            starts, stops, skipped = starts[keep], stops[keep], skipped[keep]

        if skipped.any():
            skipped &= self._not_a_row(array, starts, stops)
        counted = (~skipped).astype(np.int64)
        above = self.records + np.cumsum(counted) - counted
        self.records += int(counted.sum())
        if not skipped.any():
            return
        self.above.append(above[skipped])
        spaces = skipped & (stops > starts)
        self.filled_starts.append(offset + starts[spaces])
        self.filled_stops.append(offset + stops[spaces])

    def _blank_lines(
        self,
        data: bytes,
        array: npt.NDArray[np.uint8],
        starts: Positions,
        stops: Positions,
    ) -> npt.NDArray[np.bool_]:
        """For each line: does it hold nothing but blanks?

        Only a line whose first byte may be blank can be; when a block has
        few such lines they are looked at one by one, else all at once.
        """
        maybe = np.flatnonzero(self.blank[array[starts]])
        if maybe.size > MAX_LINES_ONE_BY_ONE:
            filled = np.logical_or.reduceat(~self.blank[array], starts)
            return ~filled
        result = np.zeros(starts.size, np.bool_)
        for line in maybe.tolist():
            cells = data[int(starts[line]) : int(stops[line])]
            result[line] = not cells.translate(None, self.blank_bytes)
        return result

    def _not_a_row(
        self, array: npt.NDArray[np.uint8], starts: Positions, stops: Positions
    ) -> npt.NDArray[np.bool_]:
        """Lines DuckDB does not read as a row: all but a full row of delimiters."""
        marks = np.flatnonzero(array == self.delimiter)
        found = np.searchsorted(marks, stops) - np.searchsorted(marks, starts)
        result: npt.NDArray[np.bool_] = found != self.width - 1
        return result


def _emptied_copy(
    path: Path, starts: Positions, stops: Positions, scratch: Path
) -> Path:
    """A copy of ``path`` with the bytes of each ``starts``-``stops`` left out.

    Each range is a blank line's content before its line break, so the line
    stays, empty, and DuckDB skips it.
    """
    target = scratch / f"{path.stem}.blank-lines.csv"
    scratch.mkdir(parents=True, exist_ok=True)
    with path.open("rb") as source, target.open("wb") as copy:
        done = 0
        for start, stop in zip(starts.tolist(), stops.tolist(), strict=True):
            _copy_bytes(source, copy, start - done)
            source.seek(stop)
            done = stop
        shutil.copyfileobj(source, copy, BLOCK_BYTES)
    return target


def _copy_bytes(source: BinaryIO, copy: BinaryIO, size: int) -> None:
    """Copy ``size`` bytes from one open binary file to another."""
    while size > 0:
        chunk = source.read(min(size, BLOCK_BYTES))
        if not chunk:
            return
        copy.write(chunk)
        size -= len(chunk)
