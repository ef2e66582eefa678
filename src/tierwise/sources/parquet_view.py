"""Parquet accounts read where they sit: a DuckDB view instead of a copy.

A Parquet file already carries typed columns, so when a mapping needs no
per-cell repair the accounts can be read by the query itself: the view
renames and casts columns, applies ``multiply`` and ``values`` in SQL, and
leaves out rows without an id or a name. Ten million accounts then cost a
scan rather than a conversion in Python. Websites cut to their registrable
domain are reduced once per distinct value, by the cell reader's own rules
(:mod:`tierwise.sources.parquet_websites`), and an id column of Salesforce
ids is keyed on the 18-character form in SQL
(:mod:`tierwise.sources.parquet_salesforce`). Anything else the view cannot
do the same way as :func:`read_accounts` (``normalise: salesforce_id``,
date formats, boolean words, currencies, text where a number is expected,
text read as missing by ``missing_values``) sends the file to the
cell-by-cell reader instead, so both paths give the same table. So does a
count with a fraction or below zero, which that reader refuses naming its
rows: one query over the count columns looks for one.

The view holds the fields it is given; the caller asks for the identity
fields (``domain``, ``parent_id``) when signal matching or the store needs
them. A mapping that merges rows by website reads them regardless, as the
cell reader of a CSV does.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import duckdb
import numpy as np
import pyarrow as pa

from tierwise.errors import SourceError
from tierwise.model.fields import (
    CANONICAL_FIELDS,
    IDENTITY_FIELDS,
    REQUIRED_FIELDS,
    FieldKind,
)
from tierwise.sources.accounts import merges_by_website
from tierwise.sources.duplicates import caseless_fields
from tierwise.sources.headers import Match, match_columns
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.number_column import COUNT_FIELDS
from tierwise.sources.numbers import (
    NEGATIVE,
    NOT_FINITE,
    NOT_FINITE_FIX,
    NOT_WHOLE,
    count_fix,
)
from tierwise.sources.parquet_merges import (
    REPEATED_IDS,
    merge_repeated_ids,
    unread_columns,
)
from tierwise.sources.parquet_reads import column_sql, fits, zoned_dates
from tierwise.sources.parquet_salesforce import (
    rows_with_ids,
    salesforce_ids,
    to_18_sql,
)
from tierwise.sources.parquet_websites import (
    hosts_repeat,
    reads_website,
    website_lookup,
)
from tierwise.sources.refusals import EXAMPLES, ProblemGroup, refusal
from tierwise.sources.report import ImportReport
from tierwise.sources.sql_text import sql_name, sql_text
from tierwise.sources.tables import first_data_row
from tierwise.sources.values import TRIMMED_CHARACTERS

__all__ = ["parquet_view"]

log = logging.getLogger(__name__)

PRESENT = "tierwise_id_and_name"
NON_FINITE = "tierwise_not_finite"
# Parquet has no header row: its first record is row 1 in every report.
FIRST_ROW = first_data_row(None)
# Files that repeat account ids are merged by the cell reader up to this
# many rows: a million rows with one repeat took it 32 s and 2.7 GB (in
# place, 2 s), so ten million would not fit the memory of a laptop.
CELL_READER_MAX_ROWS = 1_000_000
# Account id hashes are sorted in parts on threads, one part per processor
# and at least this many hashes to a part (see :func:`_sort_in_parts`).
SORT_PART_MIN = 1 << 20


def parquet_view(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    fields: Mapping[str, FieldKind],
    mapping: ColumnMapping,
    view: str = "accounts",
    only_ids: Sequence[str] | None = None,
    compared: Mapping[str, FieldKind] | None = None,
) -> ImportReport | None:
    """Create ``view`` over the Parquet file ``path``; None when it cannot.

    Returns the import report, or None when the mapping asks for something
    only the cell-by-cell reader does, or the file repeats account ids; the
    caller then uses that reader.

    ``only_ids`` keeps only the rows with these account ids, to explain
    them, when the file has more rows than the cell reader takes: a run of
    such a file read every row in place, and the checks and merges work id
    by id, so those rows are read as the run read them, without checking
    ten million others again. The report then counts those rows alone. A
    mapping that merges rows by website reads every row regardless.

    ``compared`` are the fields the cell reader reads (every field the
    model knows; ``fields`` when not given): rows merged in place for
    repeating an id are compared in each of them that the file maps.

    Raises:
        SourceError: when the id or name column is missing.
    """
    started = time.perf_counter()
    source = path.name
    scan = f"read_parquet({sql_text(str(path))}, file_row_number = true)"
    try:
        described = connection.sql(f"DESCRIBE SELECT * FROM {scan}").fetchall()
    except duckdb.OutOfMemoryException:
        raise  # not the file's fault: the memory limit is named by the caller
    except duckdb.Error as error:
        raise SourceError(f"{source}: cannot be read as Parquet ({error})") from None
    types = {
        str(row[0]): str(row[1]) for row in described if row[0] != "file_row_number"
    }

    matches, notes = match_columns(source, list(types), fields, mapping)
    if merges_by_website(mapping, matches) and not set(IDENTITY_FIELDS) <= set(fields):
        # Rows are merged by website, as from a CSV: the websites are read.
        identities = {name: CANONICAL_FIELDS[name] for name in IDENTITY_FIELDS}
        fields = {**fields, **identities}
        matches, notes = match_columns(source, list(types), fields, mapping)
    columns = list(types)
    websites = [
        name
        for name, m in matches.items()
        if reads_website(name, fields[name], types[columns[m.index]], m)
    ]
    if not all(
        name in websites or fits(fields[name], types[columns[m.index]], m)
        for name, m in matches.items()
    ):
        return None

    zoned = zoned_dates(connection, path, types, fields, matches)
    if zoned is None:
        log.info("%s has timestamps in a zone DuckDB does not know", source)
        return None
    # Whether the row has an id and a name, from the file's own columns
    # where that is cheaper than from the typed ones.
    present = " AND ".join(
        _present_sql(
            fields[name], sql_name(columns[matches[name].index]), matches[name]
        )
        for name in REQUIRED_FIELDS
    )
    large = _rows_in(connection, scan) > CELL_READER_MAX_ROWS
    read_as = {
        name: (sql_name(columns[m.index]), types[columns[m.index]], m)
        for name, m in matches.items()
    }
    salesforce = salesforce_ids(connection, source, scan, present, read_as, large)
    if salesforce is None:
        return None

    selected, written = [], {}
    for name, match in matches.items():
        column = sql_name(columns[match.index])
        sql = column if name in websites else zoned.get(name)
        written[name] = sql or column_sql(fields[name], column, match)
        extended = name in salesforce.fields
        sql = to_18_sql(written[name]) if extended else written[name]
        selected.append(f"{sql} AS {sql_name(name)}")
    identity = sql_name(PRESENT)
    # NaN and infinities in a float column: the cell reader reads NaN as
    # blank (noted) and refuses an infinity; SQL compared NaN above every
    # number, and ``multiply`` failed on either.
    floats = {
        name: m
        for name, m in matches.items()
        if fields[name] == FieldKind.NUMBER
        and types[columns[m.index]] in ("FLOAT", "DOUBLE")
    }
    non_finite = " OR ".join(
        f"NOT isfinite({sql_name(columns[m.index])})" for m in floats.values()
    )
    non_finite = non_finite or "false"
    typed = (
        f"SELECT {', '.join(selected)}, {present} AS {identity}, "
        f"{non_finite} AS {sql_name(NON_FINITE)}, file_row_number FROM {scan}"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {sql_name('tierwise_typed')} AS {typed}"
    )
    # Rows merged by website bring other ids' values into the asked
    # accounts, so then every row is read.
    only_asked = (
        only_ids is not None and not merges_by_website(mapping, matches) and large
    )
    if only_ids is not None and only_asked:
        rows = (
            rows_with_ids(connection, scan, written["account_id"], only_ids)
            if "account_id" in salesforce.fields
            else _rows_of(connection, only_ids)
        )
        connection.execute(
            f"CREATE OR REPLACE TEMP VIEW {sql_name('tierwise_typed')} AS "
            f"{typed} WHERE file_row_number IN ({rows})"
        )

    counts = {name: m for name, m in matches.items() if name in COUNT_FIELDS}
    hashes, non_counts = _scan_kept_rows(connection, identity, list(counts))
    if non_counts:
        if large:
            _refuse_non_finite(connection, source, scan, present, columns, floats)
        _refuse_counts_if_large(connection, source, scan, present, columns, counts)
        log.info("%s has numbers the cell reader refuses; reading it so", source)
        return None

    checked = _checked_rows(connection, identity, hashes, large=only_asked)
    if checked is None:
        log.info("%s repeats account ids; reading it cell by cell", source)
        return None
    rows_read, skipped, repeats = checked
    joins = _website_joins(connection, identity, websites, matches, mapping)
    if joins is None:
        return None
    names = ", ".join(
        f"{sql_name('w_' + name)}.domain AS {sql_name(name)}"
        if name in websites
        else f"t.{sql_name(name)}"
        for name in matches
    )
    kept = (
        f"SELECT {names}, t.file_row_number "
        f"FROM {sql_name('tierwise_typed')} AS t {joins} WHERE t.{identity}"
    )
    merges = []
    if repeats:
        connection.execute(f"CREATE OR REPLACE TEMP VIEW tierwise_kept AS {kept}")
        merged = merge_repeated_ids(
            connection,
            source,
            "tierwise_kept",
            list(matches),
            caseless_fields({name: fields[name] for name in matches}),
            FIRST_ROW,
            unread=unread_columns(
                connection, path, scan, types, fields, compared or fields, mapping
            ),
        )
        kept = f"SELECT * FROM {merged.relation}"
        skipped = sorted([*skipped, *merged.skipped])
        merges = merged.merges
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {sql_name(view)} AS "
        f"SELECT * EXCLUDE (file_row_number) FROM ({kept})"
    )

    # Named as given, folder and all, as the cell reader names a file: the
    # messages above name the file alone, as its messages do.
    report = ImportReport(
        source=str(path), rows_read=rows_read, rows_used=rows_read - len(skipped)
    )
    report.skipped = skipped
    report.merges = merges
    report.mapped = {name: match.header for name, match in matches.items()}
    report.absent_fields = [name for name in fields if name not in matches]
    report.notes = [
        "read in place by the query (Parquet), without a copy",
        *(_website_note(name, matches[name]) for name in websites),
        *notes,
        *salesforce.notes,
    ]
    report.mapping_notes = notes
    report.repairs = salesforce.repairs
    log.info(
        "read %s in place: %d rows, %d used in %.2f s",
        source,
        report.rows_read,
        report.rows_used,
        time.perf_counter() - started,
    )
    return report


def _website_joins(
    connection: duckdb.DuckDBPyConnection,
    identity: str,
    websites: list[str],
    matches: Mapping[str, Match],
    mapping: ColumnMapping,
) -> str | None:
    """Joins that give each website field its domain (see
    :mod:`tierwise.sources.parquet_websites`); None when the file needs the
    cell reader: a value is not a website, or rows it would merge by
    website."""
    typed = sql_name("tierwise_typed")
    joins = []
    for name in websites:
        table = f"tierwise_websites_{name}"
        if not website_lookup(connection, typed, identity, name, matches[name], table):
            return None
        if (
            name == "domain"
            and merges_by_website(mapping, matches)
            and hosts_repeat(connection, typed, identity, name, table)
        ):
            log.info("rows share a website and are merged; reading them so")
            return None
        alias, column = sql_name("w_" + name), sql_name(name)
        joins.append(
            f"LEFT JOIN {sql_name(table)} AS {alias} ON {alias}.raw = t.{column}"
        )
    return " ".join(joins)


def _website_note(name: str, match: Match) -> str:
    return (
        f"{name} ({match.header!r}): websites cut to their registrable domain as "
        "from a CSV; `tierwise check` lists each one reduced or flagged"
    )


def _rows_in(connection: duckdb.DuckDBPyConnection, scan: str) -> int:
    """The rows of the Parquet file ``scan`` reads, from its metadata."""
    return int(connection.sql(f"SELECT COUNT(*) FROM {scan}").fetchall()[0][0])


def _rows_of(connection: duckdb.DuckDBPyConnection, account_ids: Sequence[str]) -> str:
    """The file row numbers of the rows with ``account_ids``, as SQL.

    Found by the id column alone; the typed view then reads only those
    rows, a filter on the row number that DuckDB applies as it scans.
    """
    asked = ", ".join(sql_text(account) for account in account_ids) or "NULL"
    found = connection.sql(
        f"SELECT file_row_number FROM {sql_name('tierwise_typed')} "
        f"WHERE account_id IN ({asked})"
    ).fetchall()
    return ", ".join(str(row[0]) for row in found) or "NULL"


def _scan_kept_rows(
    connection: duckdb.DuckDBPyConnection, identity: str, counts: list[str]
) -> tuple[np.ndarray, bool]:
    """The hash of every kept row's account id, and whether a kept row has a
    count with a fraction or below zero (as scored, after ``multiply``),
    which the cell reader refuses.

    One scan answers both: a second one over the counts alone read the ids
    and names again for the rows kept, a third of a second at ten million.
    """
    wrong = " OR ".join(_not_a_count(sql_name(name)) for name in counts) or "false"
    wrong = f"{sql_name(NON_FINITE)} OR {wrong}"
    scanned = connection.sql(
        f"SELECT hash(account_id) AS id_hash, COALESCE({wrong}, false) AS not_a_count "
        f"FROM {sql_name('tierwise_typed')} WHERE {identity}"
    ).fetchnumpy()
    return scanned["id_hash"], bool(scanned["not_a_count"].any())


def _checked_rows(
    connection: duckdb.DuckDBPyConnection,
    identity: str,
    hashes: np.ndarray,
    large: bool = False,
) -> tuple[int, list[tuple[int, str]], bool] | None:
    """Rows read, the rows left out for a blank id or name (1-based), and
    whether kept rows repeat an account id; None when they do in a file
    the cell reader can take (``large``: the file is past its limit, though
    only some of its rows are read).

    ``hashes`` are the kept rows' ids hashed (see :func:`_scan_kept_rows`),
    sorted here in place (:func:`_sort_in_parts`): ids whose hashes all
    differ are all different, and only when two hashes are equal (a
    repeated id, or very rarely two ids with one hash) are the ids
    themselves compared. Ten million 8-byte hashes took 0.65 s to sort in
    one piece here and 0.4 s in two on two processors; counting them
    distinct in DuckDB's hash table took 3 s.
    A file that repeats ids is left to the cell-by-cell reader, which merges
    rows that say the same and refuses the others, naming them: the same
    outcome as from CSV, at the cell reader's pace; past
    :data:`CELL_READER_MAX_ROWS` rows they are merged in place instead
    (:mod:`tierwise.sources.parquet_merges`).
    """
    typed = sql_name("tierwise_typed")
    rows_read = int(connection.sql(f"SELECT COUNT(*) FROM {typed}").fetchall()[0][0])
    _sort_in_parts(hashes, _sort_parts(len(hashes)))
    same = hashes[1:] == hashes[:-1]
    repeats = bool(same.any()) and _ids_repeat(
        connection, identity, np.unique(hashes[1:][same])
    )
    if repeats and rows_read <= CELL_READER_MAX_ROWS and not large:
        return None
    if len(hashes) == rows_read:
        return rows_read, [], repeats
    blanks = connection.sql(
        f"SELECT file_row_number + {FIRST_ROW}, account_id IS NULL, name IS NULL "
        f"FROM {typed} WHERE NOT ({identity}) ORDER BY 1"
    ).fetchall()
    # Worded as the cell reader words them, naming both when both are blank.
    skipped = []
    for row, no_id, no_name in blanks:
        lacking = [("account_id", no_id), ("name", no_name)]
        blank = " and ".join(field for field, missing in lacking if missing)
        skipped.append((int(row), f"blank {blank}"))
    return rows_read, skipped, repeats


def _sort_parts(count: int) -> int:
    """Into how many parts to sort ``count`` hashes: one per processor
    this process may use, each of :data:`SORT_PART_MIN` hashes or more."""
    if hasattr(os, "sched_getaffinity"):
        processors = len(os.sched_getaffinity(0))
    else:
        processors = os.cpu_count() or 1
    return max(1, min(processors, count // SORT_PART_MIN))


def _sort_in_parts(hashes: np.ndarray, parts: int) -> None:
    """Sort ``hashes`` in place, ``parts`` slices of it at once on threads.

    NumPy lets go of the interpreter lock while it sorts numbers, so the
    slices sort side by side; a stable sort then merges them, finding them
    sorted already (NumPy's is a timsort for 8-byte numbers): 0.06 s for
    two sorted halves of ten million. Splitting by the hashes' top bit
    instead, so that no merge is needed, cost more in copying the halves
    out (0.5 s in all) than the merge does.
    """
    if parts <= 1:
        hashes.sort()
        return
    with ThreadPoolExecutor(parts) as pool:
        list(pool.map(np.ndarray.sort, np.array_split(hashes, parts)))
    hashes.sort(kind="stable")


def _not_a_count(number: str) -> str:
    """SQL that is true when ``number`` has a fraction or is below zero."""
    return f"({_has_fraction(number)} OR {number} < 0)"


def _count_problem(number: str) -> str:
    """SQL giving what the cell reader says of ``number`` as a count, or NULL
    when it is one; a fraction is named before a sign, as there."""
    return (
        f"CASE WHEN {_has_fraction(number)} THEN {sql_text(NOT_WHOLE)} "
        f"WHEN {number} < 0 THEN {sql_text(NEGATIVE)} END"
    )


def _has_fraction(number: str) -> str:
    """SQL that is true when the DOUBLE ``number`` has a fraction; NaN and
    infinities equal themselves truncated, so they are not taken for one."""
    return f"{number} <> trunc({number})"


def _refuse_non_finite(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    scan: str,
    present: str,
    columns: list[str],
    floats: Mapping[str, Match],
) -> None:
    """Refuse NaN and infinities in place in a file too large for the cell
    reader, naming each column, its first rows and values, as a table's
    checks do; that reader would read NaN as blank."""
    groups: list[ProblemGroup] = []
    for name, match in floats.items():
        raw = sql_name(columns[match.index])
        where = f"WHERE {present} AND NOT isfinite({raw})"
        count = connection.sql(f"SELECT COUNT(*) FROM {scan} {where}").fetchall()
        if not count[0][0]:
            continue
        fix = NOT_FINITE_FIX.format(blank="write it as null")
        group = ProblemGroup(match.header, name, NOT_FINITE, fix)
        examples = connection.sql(
            f"SELECT file_row_number + {FIRST_ROW}, {raw} FROM {scan} "
            f"{where} ORDER BY 1 LIMIT {EXAMPLES}"
        ).fetchall()
        group.found(examples, int(count[0][0]))
        groups.append(group)

    if groups:
        # In order of first row met, as the cell reader lists them.
        raise refusal(source, sorted(groups, key=lambda group: group.rows[0]))


def _refuse_counts_if_large(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    scan: str,
    present: str,
    columns: list[str],
    counts: Mapping[str, Match],
) -> None:
    """Refuse counts with a fraction or below zero in place in a file too
    large for the cell reader, worded as that reader words them: the same
    rows, columns, values, counts and fixes."""
    typed = sql_name("tierwise_typed")
    rows = int(connection.sql(f"SELECT COUNT(*) FROM {typed}").fetchall()[0][0])
    if rows <= CELL_READER_MAX_ROWS:
        return

    groups: list[ProblemGroup] = []
    for name, match in counts.items():
        raw = sql_name(columns[match.index])
        problem = _count_problem(column_sql(FieldKind.NUMBER, raw, match))
        where = f"WHERE {present} AND {problem} IS NOT NULL"
        kinds = connection.sql(
            f"SELECT {problem}, COUNT(*) FROM {scan} {where} "
            "GROUP BY 1 ORDER BY MIN(file_row_number)"
        ).fetchall()
        multiply = match.spec.multiply
        factor = Decimal(1) if multiply is None else multiply
        for kind, count in kinds:
            group = ProblemGroup(match.header, name, kind, count_fix(kind, factor))
            examples = connection.execute(
                f"SELECT file_row_number + {FIRST_ROW}, {raw} FROM {scan} "
                f"{where} AND {problem} = ? ORDER BY 1 LIMIT {EXAMPLES}",
                [kind],
            ).fetchall()
            group.found(examples, int(count))
            groups.append(group)

    if groups:
        raise refusal(source, groups)


def _ids_repeat(
    connection: duckdb.DuckDBPyConnection, identity: str, hashes: np.ndarray
) -> bool:
    """Whether two kept rows share an id, ``hashes`` being the id hashes
    that two rows share; those ids go into :data:`REPEATED_IDS` for the
    merge. Only rows with such a hash are grouped: grouping every id of ten
    million rows took three seconds."""
    connection.register("tierwise_repeated_hashes", pa.table({"id_hash": hashes}))
    try:
        connection.execute(
            f"CREATE OR REPLACE TEMP TABLE {REPEATED_IDS} AS "
            f"SELECT account_id FROM {sql_name('tierwise_typed')} WHERE {identity} "
            "AND hash(account_id) IN (SELECT id_hash FROM tierwise_repeated_hashes) "
            "GROUP BY account_id HAVING COUNT(*) > 1"
        )
    finally:
        connection.unregister("tierwise_repeated_hashes")
    return bool(connection.sql(f"SELECT 1 FROM {REPEATED_IDS} LIMIT 1").fetchall())


def _present_sql(kind: FieldKind, column: str, match: Match) -> str:
    """SQL that is true when ``column`` holds a value once read and trimmed.

    For plain text it reads the file's own column and gives the same answer
    as testing the trimmed value for NULL, for a fraction of the cost: a
    value starting with a printable ASCII character is not blank, so only
    the others are trimmed to see. Rewritten or converted values are tested
    as converted.
    """
    if kind != FieldKind.TEXT or match.spec.values:
        return f"{column_sql(kind, column, match)} IS NOT NULL"
    text = f"CAST({column} AS VARCHAR)"
    printable = f"ASCII({text}) BETWEEN 33 AND 126"
    kept = f"TRIM({text}, {sql_text(TRIMMED_CHARACTERS)}) <> ''"
    # CASE rather than OR: DuckDB trims only the rows the first test leaves.
    return f"COALESCE(CASE WHEN {printable} THEN TRUE ELSE {kept} END, FALSE)"
