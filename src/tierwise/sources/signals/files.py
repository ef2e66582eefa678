"""Opening a signal file for DuckDB: every column as text, rows numbered.

Signal files are long (an activity log can hold a hundred million rows), so
DuckDB reads them, never a Python loop over rows. A Parquet file is read in
place. A CSV file that is UTF-8 with LF or CRLF line breaks is read in place
too, with the delimiter guessed from its first lines as the account import
guesses it. Any other CSV (Windows-1252 or Mac Roman, UTF-16, or old Mac
files that end lines with a bare CR) is first rewritten once, streaming,
into a UTF-8 copy in the run's scratch folder; the choice of encoding and
its reason go into the report, as for accounts.

Rows are numbered as the account import numbers them, the way a spreadsheet
shows them (:func:`tierwise.sources.tables.first_data_row`): in a CSV with a
header row the header is row 1 and the first data row is 2; in a headerless
CSV the first line is row 1; in a Parquet file the first record is row 1.

A CSV whose first row names none of the columns a kind of file is known by
may have no header row at all (vendors deliver intent files that way); it
is then read with its columns numbered ``column1``, ``column2``, ...
Empty lines before the first row are skipped, as the account import skips
them, and counted in the row numbers (DuckDB would take the first of them
for the header). An Excel workbook is refused: signal files are CSV or
Parquet, and saving one from Excel is said how.

DuckDB skips empty lines between rows without counting them, and refuses
lines of only spaces; :mod:`.blank_lines` finds such lines so that the
rows below them keep their spreadsheet numbers, as in the account import.
"""

from __future__ import annotations

import codecs
import csv
import io
import logging
import re
import shutil
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tierwise.errors import SourceError
from tierwise.sources.csv_files import DELIMITERS
from tierwise.sources.encodings import Decoded, decode
from tierwise.sources.signals.blank_lines import find_blank_lines
from tierwise.sources.signals.labels import normalise_label
from tierwise.sources.signals.numbering import numbered_rows
from tierwise.sources.signals.timestamps import DATE_TYPES
from tierwise.sources.sql_text import sql_name, sql_text
from tierwise.sources.tables import first_data_row

__all__ = ["RawFile", "open_raw", "unreadable_csv"]

log = logging.getLogger(__name__)

SNIFF_BYTES = 1 << 20
SAMPLE_ROWS = 200
# Lines holding non-ASCII bytes kept to choose a single-byte encoding by.
ENCODING_SAMPLE_BYTES = 1 << 20
_CODECS = {"Windows-1252": "cp1252", "Mac Roman": "mac_roman", "UTF-16": "utf-16"}
# How an Excel workbook starts: a zip archive (.xlsx, .xlsm) or an OLE
# compound file (.xls).
_WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls")
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0")


@dataclass
class RawFile:
    """A signal file as DuckDB reads it: a FROM clause and its column names.

    ``relation`` yields ``source_row`` (the row a spreadsheet shows, the
    header counted; see the module docstring) and every column but
    ``dates`` as VARCHAR under its name in ``columns``. ``header`` is false
    for a file without a header row, whose columns are ``column1``, ...;
    ``sample`` holds the first rows' cells, for guessing what each holds.
    ``binary`` names a Parquet file's columns of bytes: their text in
    ``relation`` has each byte past ASCII escaped (``\\xC3\\xA9``).
    ``dates`` maps a Parquet file's date and timestamp columns to their
    type (one of :data:`~.timestamps.DATE_TYPES`): ``relation`` keeps them
    typed, so that their dates are read without parsing text; their text is
    what casting them to VARCHAR gives, as for any other column.
    """

    path: Path
    relation: str
    columns: list[str]
    header: bool = True
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)
    sample: list[list[str]] = field(default_factory=list)
    delimiter: str | None = None
    binary: list[str] = field(default_factory=list)
    dates: dict[str, str] = field(default_factory=dict)


def open_raw(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    scratch: Path,
    known_headers: Iterable[str],
) -> RawFile:
    """Open ``path`` (CSV or Parquet) for reading by DuckDB.

    ``known_headers`` are the header names of the kind of file: a first row
    that names none of them is taken as data.

    Raises:
        SourceError: for a missing or unreadable file, naming it and the fix.
    """
    if path.is_dir():
        raise SourceError(
            f"{path}: a folder, not a file; give the signal option the path of "
            "one CSV or Parquet file in it"
        )
    if not path.is_file():
        raise SourceError(
            f"{path}: no such file; check the path given to the signal option"
        )
    if path.suffix.lower() in {".parquet", ".pq"}:
        return _open_parquet(connection, path)
    _refuse_workbook(path)
    return _open_csv(
        connection, path, scratch, {normalise_label(h) for h in known_headers}
    )


def _refuse_workbook(path: Path) -> None:
    """Refuse an Excel workbook, by its name or its first bytes."""
    with path.open("rb") as handle:
        start = handle.read(4)
    if path.suffix.lower() in _WORKBOOK_SUFFIXES or start in _WORKBOOK_MAGIC:
        raise SourceError(
            f"{path.name}: an Excel workbook; signal files must be CSV or Parquet, "
            "so nothing was scored. In Excel, choose File > Save As (or Save a "
            "Copy) and the format CSV UTF-8 (Comma delimited) (.csv), then give "
            "the .csv file instead"
        )


def _open_parquet(connection: duckdb.DuckDBPyConnection, path: Path) -> RawFile:
    quoted = sql_text(str(path))
    try:
        described = connection.sql(f"DESCRIBE SELECT * FROM read_parquet({quoted})")
        types = {str(row[0]): str(row[1]) for row in described.fetchall()}
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the memory limit is named by the caller
    except duckdb.Error as error:
        raise SourceError(
            f"{path.name}: not a readable Parquet file ({_first_line(error)}); "
            "write it again with pyarrow, pandas, polars or DuckDB"
        ) from None

    names = list(types)
    dates = {name: kind for name, kind in types.items() if kind in DATE_TYPES}
    texts = ", ".join(
        sql_name(n)
        if n in dates
        else f"CAST({sql_name(n)} AS VARCHAR) AS {sql_name(n)}"
        for n in names
    )
    first = first_data_row(None)
    relation = (
        f"(SELECT file_row_number + {first} AS source_row, {texts} "
        f"FROM read_parquet({quoted}, file_row_number = true))"
    )
    binary = [name for name, type_name in types.items() if type_name == "BLOB"]
    return RawFile(path, relation, names, encoding=None, binary=binary, dates=dates)


def _open_csv(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    scratch: Path,
    known: set[str],
) -> RawFile:
    with path.open("rb") as handle:
        head = handle.read(SNIFF_BYTES)
    if not head.strip():
        raise SourceError(f"{path.name}: the file is empty; there is no data to read")

    encoding, notes = "UTF-8", list[str]()
    readable = path
    if _needs_rewrite(head):
        readable, encoding, notes = _rewrite_utf8(path, scratch)
        with readable.open("rb") as handle:
            head = handle.read(SNIFF_BYTES)

    text = head.decode("utf-8-sig", errors="replace")
    delimiter = _guess_delimiter(text)
    leading = _leading_empty_lines(text, delimiter)
    if leading:
        notes.append(
            f"{_lines(leading)} before the first row skipped (counted in the row "
            "numbers)"
        )
    sample = _sample_rows(text, delimiter)
    if not sample:
        raise SourceError(f"{path.name}: the file is empty; there is no data to read")
    header = any(normalise_label(cell) in known for cell in sample[0])
    if header:
        names = _unique_names(sample[0])
        sample = sample[1:]
    else:
        names = [f"column{index}" for index in range(1, len(sample[0]) + 1)]
        notes.append(
            "header: the first row names no known column, so the file is read "
            "as having no header row"
        )
    if delimiter != ",":
        notes.append(f"delimiter: guessed {DELIMITERS.get(delimiter, delimiter)}")

    blank = find_blank_lines(
        readable, delimiter=delimiter, width=len(names), header=header, scratch=scratch
    )
    if blank.count:
        notes.append(
            f"{_lines(blank.count)} between rows skipped (counted in the row numbers)"
        )
    read = _csv_read(blank.readable, names, delimiter, header, leading)
    try:
        connection.sql(f"SELECT * FROM {read} LIMIT 1").fetchall()
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the memory limit is named by the caller
    except duckdb.Error as error:
        raise unreadable_csv(path, error, delimiter) from None
    # DuckDB numbers data rows from 1; a header above them is one row more,
    # and so is each empty line skipped before the first row.
    above = leading + first_data_row(1 if header else None) - 1
    places = scratch / f"{path.stem}.blank-lines.parquet"
    relation = numbered_rows(read, names, above, blank, places)
    return RawFile(path, relation, names, header, encoding, notes, sample, delimiter)


def _csv_read(
    path: Path, names: list[str], delimiter: str, header: bool, leading: int = 0
) -> str:
    columns = ", ".join(f"{sql_text(name)}: 'VARCHAR'" for name in names)
    # Rows are numbered in file order when the connection preserves the
    # insertion order (see loading). The read stays parallel: DuckDB's
    # single-threaded reader returns no rows at all for a file whose last
    # quote is never closed, where the parallel one reports the line.
    return (
        f"read_csv({sql_text(str(path))}, delim = {sql_text(delimiter)}, "
        f"quote = '\"', escape = '\"', header = {str(header).lower()}, "
        f"skip = {leading}, columns = {{{columns}}}, auto_detect = false, "
        "strict_mode = true, null_padding = false)"
    )


def _needs_rewrite(head: bytes) -> bool:
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return True
    if b"\r" in head and b"\n" not in head:
        return True
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)
    except UnicodeDecodeError:
        return True
    return False


def _rewrite_utf8(path: Path, scratch: Path) -> tuple[Path, str, list[str]]:
    """A UTF-8 copy with LF line breaks, made in one streaming pass."""
    with path.open("rb") as handle:
        bom = handle.read(2)
    if bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        decoded = Decoded("", "UTF-16", [])
    else:
        decoded = decode(_non_ascii_lines(path), path.name)
    codec = _CODECS.get(decoded.encoding, "utf-8-sig")
    target = scratch / f"{path.stem}.utf8.csv"
    scratch.mkdir(parents=True, exist_ok=True)
    # newline=None reads CR, LF and CRLF alike and writes each as LF.
    with (
        path.open(encoding=codec, newline=None) as source,
        target.open("w", encoding="utf-8", newline="\n") as copy,
    ):
        shutil.copyfileobj(source, copy, 1 << 20)
    # The account import's advice names a mapping file; signal files take
    # no encoding setting, so only the finding is kept.
    notes = [note.split("; check accented")[0] for note in decoded.notes]
    log.info("%s: read as %s through a UTF-8 copy", path.name, decoded.encoding)
    return target, decoded.encoding, notes


def _non_ascii_lines(path: Path) -> bytes:
    """The file's first lines, and lines with non-ASCII bytes, whole.

    Lines are cut at CR or LF, which no supported encoding but UTF-16 uses
    inside a character, so a multi-byte character is never split.
    """
    kept = bytearray()
    carried = b""
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            lines = (carried + block).replace(b"\r", b"\n").split(b"\n")
            carried = lines.pop()
            for line in lines:
                if len(kept) < 4096 or not line.isascii():
                    kept += line + b"\n"
            if len(kept) >= ENCODING_SAMPLE_BYTES:
                return bytes(kept)
    return bytes(kept + carried)


def _guess_delimiter(text: str) -> str:
    best, best_score = ",", (0, 0)
    for candidate in DELIMITERS:
        widths = [len(row) for row in _sample_rows(text, candidate) if any(row)]
        if not widths:
            continue
        width = max(set(widths), key=widths.count)
        score = (widths.count(width), width)
        if width >= 2 and score > best_score:
            best, best_score = candidate, score
    return best


def _sample_rows(text: str, delimiter: str) -> list[list[str]]:
    lines = text.splitlines(keepends=True)[: SAMPLE_ROWS + 1]
    if len(lines) > SAMPLE_ROWS:
        # The last line of the sniffed block may be cut off half-way.
        lines = lines[:SAMPLE_ROWS]
    reader = csv.reader(io.StringIO("".join(lines), newline=""), delimiter=delimiter)
    try:
        return [row for row in reader if any(cell.strip() for cell in row)]
    except csv.Error:
        return []


def _leading_empty_lines(text: str, delimiter: str) -> int:
    """How many lines before the first row hold nothing but blanks.

    A line of only delimiters and white space (``,,,``) counts as empty,
    as it does for the account import.
    """
    for count, line in enumerate(text.split("\n")):
        if line.replace(delimiter, "").strip():
            return count
    return 0  # nothing but empty lines: refused as an empty file


def _lines(count: int) -> str:
    return "1 empty line" if count == 1 else f"{count:,} empty lines"


def _unique_names(headers: list[str]) -> list[str]:
    names: list[str] = []
    for index, header in enumerate(headers, start=1):
        name = header.strip().lstrip("\ufeff") or f"column{index}"
        while name in names:
            name = f"{name}_{index}"
        names.append(name)
    return names


def unreadable_csv(path: Path, error: Exception, delimiter: str | None) -> SourceError:
    """The error for a CSV that DuckDB cannot read, naming its line."""
    message = _first_line(error)
    line = re.search(r"line:? (\d+)", message, re.IGNORECASE)
    where = f" line {line.group(1)}:" if line else ""
    if "unicode" in message.lower():
        return SourceError(
            f"{path.name}:{where} bytes that are not UTF-8 after the first "
            "megabyte, which was; nothing was scored. Save the file as CSV UTF-8"
        )
    if delimiter is None:
        return SourceError(
            f"{path.name}: the file cannot be read ({message}); nothing was scored"
        )
    name = DELIMITERS.get(delimiter, repr(delimiter))
    return SourceError(
        f"{path.name}:{where} the CSV cannot be read ({message}); nothing was "
        f"scored. It was read with the {name} as delimiter: check that every row "
        "has the header's number of fields and that quoted values end with a quote"
    )


def _first_line(error: Exception) -> str:
    return (
        str(error).strip().splitlines()[0]
        if str(error).strip()
        else type(error).__name__
    )
