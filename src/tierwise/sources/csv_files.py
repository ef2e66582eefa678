"""Reading a CSV file into rows of text, with its encoding and delimiter.

The bytes are decoded as :mod:`tierwise.sources.encodings` describes (a set
``encoding:``, a byte-order mark, UTF-8, else the better fitting of
Windows-1252 and Mac Roman). Python's ``csv`` module parses the text with
``newline=''``, so a line break inside quotes stays in its value and LF,
CRLF and CR-only files read the same.

When no delimiter is given, each of ``, ; tab |`` is tried on the first
rows, and the one that gives the most rows one common field count (of two
or more) wins. Counting which character occurs most is not enough:
European exports use ``;`` and keep commas inside values. A candidate is
judged on the rows before the first fault its parse meets (a quote that
never closes, a cell over the length limit), so one bad quote in a ``;``
file still leaves ``;`` chosen by its header and the rows above the quote,
and the error names that row and cell rather than a missing column. The header is
found by its names (:mod:`tierwise.sources.layout`), title, footer and total
lines are skipped with their reasons, and any other row whose field count
differs from the header's is an error naming the row; it is never padded
or shifted. When no row holds a mapped header, the first row is taken
for the header; if it holds one value and every row below it has one
other field count, it is refused as a likely title, with the mapping as
the fix. A file the parser refuses (a quote never closed, a cell over its
length limit) is described by :mod:`tierwise.sources.csv_faults`. The
rows are parsed a chunk at a time, so that a progress bar can count them.
"""

from __future__ import annotations

import csv
import io
import logging
from collections import Counter
from itertools import islice
from pathlib import Path
from typing import cast

from tierwise.errors import SourceError
from tierwise.model.fields import REQUIRED_FIELDS
from tierwise.progress import QUIET, Progress
from tierwise.sources.csv_faults import describe_fault
from tierwise.sources.encodings import decode
from tierwise.sources.headers import header_key
from tierwise.sources.layout import TITLE, HeaderHint, find_header, split_footer
from tierwise.sources.mapping import PRESETS
from tierwise.sources.tables import (
    GridTable,
    Rows,
    drop_blank_rows,
    first_data_row,
    is_blank,
)

__all__ = ["DELIMITERS", "read_csv"]

log = logging.getLogger(__name__)

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_ROWS = 200
MAX_LISTED = 20
# Rows parsed between two counts: a million rows are counted a hundred
# times, at no cost that a read of them shows.
COUNTED_ROWS = 10_000


def read_csv(
    path: Path,
    delimiter: str | None = None,
    *,
    encoding: str | None = None,
    header: HeaderHint | None = None,
    progress: Progress = QUIET,
) -> GridTable:
    """Read a CSV file's header and rows; ``None`` settings are guessed.

    ``progress`` is told how many rows below the first are parsed so far.

    Raises:
        SourceError: for an undecodable file, broken quoting, or rows whose
            field count differs from the header's.
    """
    decoded = decode(path.read_bytes(), path.name, encoding)
    text, notes = decoded.text, list(decoded.notes)

    if delimiter is None:
        delimiter = _guess_delimiter(text)
        if delimiter != ",":
            notes.append(
                f"delimiter: guessed {_delimiter_name(delimiter)}; set `delimiter:` "
                "in a mapping file if that is wrong"
            )

    records = _parse(path, text, delimiter, header, progress)
    header_at = find_header(records, header, header_key)
    if header_at is None:
        raise SourceError(f"{path.name}: the file is empty; there is no header row")

    headers, header_row = records[header_at], header_at + 1
    titles = [
        (number, TITLE)
        for number, fields in enumerate(records[:header_at], start=1)
        if not _blank_record(fields)
    ]
    # Text fields are cells as they stand; one cast avoids copying each row.
    numbered = enumerate(records[header_at + 1 :], start=first_data_row(header_row))
    rows, footer = split_footer(cast(Rows, list(numbered)), len(headers))
    rows, blank_rows = drop_blank_rows(rows)
    _check_header_found(path, headers, header_row, rows, header)
    _check_widths(path, rows, len(headers), delimiter)
    if titles:
        notes.append(f"header: found on row {header_row}, below a title block")
    return GridTable(
        headers,
        rows,
        blank_rows,
        notes,
        skipped=titles + footer,
        encoding=decoded.encoding,
        delimiter=delimiter,
        header_row=header_row,
    )


def _guess_delimiter(text: str) -> str:
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        widths = _sample_widths(text, candidate)
        if not widths:
            continue

        width, count = Counter(widths).most_common(1)[0]
        score = (count, width)
        if width >= 2 and score > best_score:
            best, best_score = candidate, score
    return best


def _sample_widths(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    sample: list[list[str]] = []
    try:
        for fields in islice(reader, SAMPLE_ROWS):
            sample.append(fields)
    except csv.Error:
        # The rows before a fault still judge the delimiter: a wrong one
        # seldom gives them one common width of two or more, and the right
        # one does, so the parse error can then name the row and cell.
        pass
    return [len(fields) for fields in sample if not _blank_record(fields)]


def _parse(
    path: Path,
    text: str,
    delimiter: str,
    header: HeaderHint | None,
    progress: Progress,
) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    records: list[list[str]] = []
    try:
        while True:
            parsed = len(records)
            records.extend(islice(reader, COUNTED_ROWS))
            if len(records) == parsed:
                return records
            # The first row is the header in most files; a title block
            # above it is counted with the rows until the header is found.
            progress.advance_to(len(records) - 1)
    except csv.Error as error:
        message = describe_fault(path.name, text, delimiter, error, header)
        raise SourceError(message) from None


def _check_header_found(
    path: Path,
    headers: list[str],
    header_row: int,
    rows: Rows,
    hint: HeaderHint | None,
) -> None:
    """Refuse a header row that is likely a title, naming that cause.

    The header is found by the names the mapping looks for; when no row
    holds one, the first row is taken, which is a title in a report export.
    Every row below it then has one other field count, and the plain
    field-count error would blame quotes or the delimiter instead.
    """
    # A title is one value; a wider first row is more likely a real header
    # the mapping does not know, which the field-count error describes.
    if hint is None or not rows or sum(not is_blank(c) for c in headers) != 1:
        return
    if hint.score({header_key(cell) for cell in headers})[1]:
        return
    widths = {len(cells) for _, cells in rows}
    if len(widths) != 1 or len(headers) in widths:
        return

    [width] = widths
    fields = "field" if len(headers) == 1 else "fields"
    wanted = " and ".join(f"`{field}: <header>`" for field in REQUIRED_FIELDS)
    raise SourceError(
        f"{path.name}: row {header_row}, read as the header, has "
        f"{len(headers)} {fields} where every row below it has {width}: no "
        "row holds a header the mapping looks for, so a title above the "
        "header cannot be told from the header; nothing was imported.\n"
        f"Fix: name your header's columns in a mapping file ({wanted} under "
        f"`columns:`), or choose another preset ({', '.join(PRESETS)}); the "
        "header row is then found by those names"
    )


def _check_widths(path: Path, rows: Rows, width: int, delimiter: str) -> None:
    uneven = [(number, len(cells)) for number, cells in rows if len(cells) != width]
    if not uneven:
        return

    name = _delimiter_name(delimiter)
    listed = [
        f"  row {number}: {count} fields" for number, count in uneven[:MAX_LISTED]
    ]
    if len(uneven) > MAX_LISTED:
        listed.append(f"  … and {len(uneven) - MAX_LISTED} more")
    raise SourceError(
        "\n".join(
            [
                f"{path.name}: {len(uneven)} row(s) do not have the header's "
                f"{width} fields (read with the {name} as delimiter); nothing "
                "was imported:",
                *listed,
                "Fix: put double quotes around values that contain the "
                "delimiter, or set `delimiter:` in a mapping file if the "
                "delimiter is wrong",
            ]
        )
    )


def _blank_record(fields: list[str]) -> bool:
    return all(is_blank(field) for field in fields)


def _delimiter_name(delimiter: str) -> str:
    return DELIMITERS.get(delimiter, repr(delimiter))
