"""Reading a CSV file into rows of text, with its encoding and delimiter.

The file is decoded as UTF-8 (a byte-order mark is dropped), or as
Windows-1252 when it is not UTF-8, which is what Excel on Windows writes for
"CSV (Comma delimited)". Python's ``csv`` module parses it with
``newline=''``, so a line break inside quotes stays in its value and LF, CRLF
and CR files read the same.

When no delimiter is given, each of ``, ; tab |`` is tried on the first rows
and the one that gives the header's field count on every one of them wins.
Counting which character occurs most is not enough: European exports use
``;`` and keep commas inside values. A row whose field count differs from the
header's is an error naming the row; it is never padded or shifted.
"""

from __future__ import annotations

import csv
import io
import logging
from itertools import islice
from pathlib import Path
from typing import cast

from tierwise.errors import SourceError
from tierwise.sources.tables import GridTable, Rows, drop_blank_rows, is_blank

__all__ = ["DELIMITERS", "read_csv"]

log = logging.getLogger(__name__)

DELIMITERS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
SAMPLE_ROWS = 200
MAX_LISTED = 20


def read_csv(path: Path, delimiter: str | None = None) -> GridTable:
    """Read a CSV file's header and rows; ``delimiter=None`` guesses it.

    Raises:
        SourceError: for an undecodable file, broken quoting, or rows whose
            field count differs from the header's.
    """
    text, notes = _decode(path)

    if delimiter is None:
        delimiter = _guess_delimiter(text)
        if delimiter != ",":
            notes.append(
                f"delimiter: guessed {_delimiter_name(delimiter)}; set `delimiter:` "
                "in a mapping file if that is wrong"
            )

    records = _parse(path, text, delimiter)
    header_at = next(
        (i for i, fields in enumerate(records) if not _blank_record(fields)), None
    )
    if header_at is None:
        raise SourceError(f"{path.name}: the file is empty; there is no header row")

    headers = records[header_at]
    # Text fields are cells as they stand; one cast avoids copying each row.
    numbered = enumerate(records[header_at + 1 :], start=header_at + 2)
    rows = cast(Rows, list(numbered))
    rows, blank_rows = drop_blank_rows(rows)
    _check_widths(path, rows, len(headers), delimiter)
    return GridTable(headers, rows, blank_rows, notes)


def _decode(path: Path) -> tuple[str, list[str]]:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig"), []
    except UnicodeDecodeError as error:
        where = f"line {_line_at(data, error.start)}, byte 0x{data[error.start]:02X}"

    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        raise SourceError(
            f"{path.name}: the file is neither UTF-8 nor Windows-1252 (first "
            f"unreadable byte at {where}); nothing was imported. Save it as "
            'UTF-8 (in Excel: "CSV UTF-8") and import it again'
        ) from None

    note = (
        f"encoding: not UTF-8 (first at {where}), read as Windows-1252; "
        "check accented names, or save the file as UTF-8"
    )
    return text, [note]


def _line_at(data: bytes, offset: int) -> int:
    before = data[:offset]
    breaks = before.count(b"\n") + before.count(b"\r") - before.count(b"\r\n")
    return breaks + 1


def _guess_delimiter(text: str) -> str:
    best, best_score = ",", (False, 0, 0)
    for candidate in DELIMITERS:
        counts = _sample_widths(text, candidate)
        if len(counts) < 1 or counts[0] < 2:
            continue

        header, rows = counts[0], counts[1:]
        matching = sum(count == header for count in rows)
        score = (matching == len(rows), matching, header)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _sample_widths(text: str, delimiter: str) -> list[int]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        sample = list(islice(reader, SAMPLE_ROWS))
    except csv.Error:
        # Quoting that breaks under this delimiter rules the delimiter out.
        return []
    return [len(fields) for fields in sample if not _blank_record(fields)]


def _parse(path: Path, text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    try:
        return list(reader)
    except csv.Error as error:
        raise SourceError(
            f"{path.name}: line {reader.line_num}: the CSV cannot be parsed "
            f"({error}); nothing was imported. Check the quotes near that line: "
            "a value that starts with a double quote must end with one, and a "
            "quote inside it is written twice"
        ) from None


def _check_widths(path: Path, rows: Rows, width: int, delimiter: str) -> None:
    # Report exports with a title block above the header or total and footer
    # lines below the data stop here as uneven rows: finding the header by its
    # names and skipping footers with a reason is not done yet.
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
                "delimiter, remove title or total lines, or set `delimiter:` "
                "in a mapping file if the delimiter is wrong",
            ]
        )
    )


def _blank_record(fields: list[str]) -> bool:
    return all(is_blank(field) for field in fields)


def _delimiter_name(delimiter: str) -> str:
    return DELIMITERS.get(delimiter, repr(delimiter))
