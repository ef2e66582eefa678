"""Rows of a large Parquet file that repeat an account id, merged in place.

The cell reader merges the rows of one account id when their values agree,
blanks filled from the later rows, and refuses them when two rows hold
different values (see :mod:`tierwise.sources.duplicates`). A Parquet file
too large for it (:data:`~tierwise.sources.parquet_view.CELL_READER_MAX_ROWS`)
gets the same here, in SQL over the rows the import keeps: the same
comparison (text the model matches without case is compared lower-cased),
the same refusal, the first row's values and row number kept, and each
later row skipped as ``merged into row N``.

Rows are compared in every column the cell reader compares: each field
the model knows that the file maps, not only those the run reads (a
website, a parent id, a field of the model's own it does not score; see
:func:`unread_columns`). Only the rows whose id repeats have those
columns read, by one more scan of them joined to these rows' numbers; a
file that repeats no id never comes here. Each such column is read as the
view reads a field (:mod:`tierwise.sources.parquet_reads`), and websites
are cut to their domain by the cell reader's own rules.

Ten million rows with a thousand of them repeated took 3.5 s to read
(1.5 s with none repeated), the merged accounts being a union of the
untouched rows and the merged ones. The repeated rows are kept in a table
that the merged ones are made from, so scoring reads the file once: a
pass over ten million merged accounts took 1.5 to 2.5 s so, 4.3 to 5.0 s
reading the file twice (on a busy machine). Reading the unread columns of
2,000 repeated rows spread through the file took 0.17 s.

Known difference: a column the run does not read and the query cannot
read as the cell reader does (yes/no words, dates or numbers written as
text, a mapping's ``missing_values``) is compared as written, trimmed. Two
spellings of one value there (``Yes`` and ``yes``) are refused in place,
where a CSV file of the same rows merges them.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from tierwise.errors import SourceError
from tierwise.model.fields import FieldKind
from tierwise.sources.duplicates import caseless_fields, conflicts_message
from tierwise.sources.headers import Match, match_columns
from tierwise.sources.mapping import ColumnMapping
from tierwise.sources.parquet_reads import column_sql, fits, zoned_dates
from tierwise.sources.parquet_websites import reads_website, website_lookup
from tierwise.sources.parquet_zones import ZONED
from tierwise.sources.report import Merge
from tierwise.sources.sql_text import sql_name, written_text

__all__ = [
    "REPEATED_IDS",
    "MergedRows",
    "Unread",
    "merge_repeated_ids",
    "unread_columns",
]

log = logging.getLogger(__name__)

# The ids two kept rows share, one row each, made by the caller.
REPEATED_IDS = "tierwise_repeated_ids"
# The kept rows with those ids, and the columns the run does not read of them.
REPEATED_ROWS = "tierwise_repeated_rows"
UNREAD_VALUES = "tierwise_unread_values"


@dataclass
class MergedRows:
    """The relation of merged accounts, the rows skipped into them, and how."""

    relation: str
    skipped: list[tuple[int, str]]
    merges: list[Merge]


@dataclass
class Unread:
    """The mapped columns a run does not read, compared all the same.

    ``order`` is every field the cell reader compares, in its order;
    ``sql`` gives each unread field's value over ``scan`` (the file's rows
    with their ``file_row_number``), and ``websites`` the unread fields
    whose values are websites cut to their domain before they are compared.
    """

    scan: str
    order: list[str]
    sql: dict[str, str] = field(default_factory=dict)
    websites: dict[str, Match] = field(default_factory=dict)
    caseless: frozenset[str] = frozenset()


def unread_columns(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    scan: str,
    types: Mapping[str, str],
    read: Mapping[str, FieldKind],
    compared: Mapping[str, FieldKind],
    mapping: ColumnMapping,
) -> Unread:
    """The fields of ``compared`` (those the cell reader reads) that the file
    maps but the run does not ``read``, and how to read each.

    ``types`` are the file's columns and their DuckDB types. A column is
    read as the view reads a field when it can be; one that needs the cell
    reader (see :func:`~tierwise.sources.parquet_reads.fits`) is compared
    as written, trimmed.
    """
    every = {**compared, **read}
    columns = list(types)
    matches, _ = match_columns(path.name, columns, every, mapping)
    unread = {name: m for name, m in matches.items() if name not in read}
    zoned = zoned_dates(connection, path, types, every, unread) or {}

    result = Unread(scan, list(matches), caseless=caseless_fields(every))
    for name, match in unread.items():
        kind, column_type = every[name], types[columns[match.index]]
        column = sql_name(columns[match.index])
        if reads_website(name, kind, column_type, match):
            result.websites[name] = match
            result.sql[name] = column
        elif name in zoned:
            result.sql[name] = zoned[name]
        elif column_type != ZONED and fits(kind, column_type, match):
            result.sql[name] = column_sql(kind, column, match)
        else:
            # Read cell by cell, values written two ways may be one value;
            # compared as written, they are refused rather than merged.
            result.sql[name] = written_text(column)
    return result


def merge_repeated_ids(
    connection: duckdb.DuckDBPyConnection,
    source: str,
    kept: str,
    fields: Sequence[str],
    caseless: Collection[str],
    first_row: int,
    view: str = "tierwise_merged",
    unread: Unread | None = None,
) -> MergedRows:
    """Merge the rows of ``kept`` that share an account id into ``view``
    (the same columns; a merged row has its first row's number).

    ``kept`` is a relation of the rows the import keeps, with ``fields``
    (``account_id`` among them) and the file's ``file_row_number`` (0-based;
    ``first_row`` is the number people see for the first record); the
    table :data:`REPEATED_IDS` holds the ids it repeats.
    ``caseless`` are the fields compared lower-cased. ``unread`` are the
    file's other mapped columns, compared too but not merged into ``view``.

    Raises:
        SourceError: when rows with one account id hold different values,
            naming them as the cell reader does; nothing is created then.
    """
    repeated = f"account_id IN (SELECT account_id FROM {REPEATED_IDS})"
    others = [name for name in fields if name != "account_id"]
    # The repeated rows are kept apart once: they are few, compared here
    # and merged below without reading the file for them again.
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {REPEATED_ROWS} AS "
        f"SELECT * FROM {kept} WHERE {repeated}"
    )
    values = {name: f"r.{sql_name(name)}" for name in fields}
    joins = ""
    if unread is not None:
        joins = _read_unread(connection, unread, values)
        caseless = {*caseless, *unread.caseless}
    order = [n for n in (unread.order if unread else fields) if n != "account_id"]
    # One pass over the repeated rows: each id's rows, and the fields in
    # which they hold two values.
    differs = "".join(
        f", COUNT(DISTINCT {_compared(values[name], name, caseless)}) > 1"
        for name in order
    )
    groups = connection.sql(
        f"SELECT r.account_id, LIST(r.file_row_number + {first_row} "
        f"ORDER BY r.file_row_number){differs} FROM {REPEATED_ROWS} AS r {joins}"
        "GROUP BY r.account_id ORDER BY MIN(r.file_row_number)"
    ).fetchall()
    conflicts = [
        (group[0], group[1], [n for n, d in zip(order, group[2:], strict=True) if d])
        for group in groups
        if any(group[2:])
    ]
    if conflicts:
        raise SourceError(conflicts_message(source, conflicts))

    firsts = ", ".join(
        f"arg_min({sql_name(name)}, file_row_number) "
        f"FILTER (WHERE {sql_name(name)} IS NOT NULL) AS {sql_name(name)}"
        for name in others
    )
    listed = ", ".join(sql_name(name) for name in fields)
    merged = ", ".join(["account_id", *(sql_name(name) for name in others)])
    connection.execute(
        f"CREATE OR REPLACE TEMP VIEW {sql_name(view)} AS "
        f"SELECT {listed}, file_row_number FROM {kept} WHERE NOT {repeated} "
        f"UNION ALL SELECT {merged}, file_row_number FROM ("
        f"SELECT account_id, {firsts + ', ' if firsts else ''}"
        f"MIN(file_row_number) AS file_row_number "
        f"FROM {REPEATED_ROWS} GROUP BY account_id)"
    )

    skipped: list[tuple[int, str]] = []
    merges: list[Merge] = []
    for account, rows, *_ in groups:
        first, later = int(rows[0]), [int(row) for row in rows[1:]]
        reason = f"merged into row {first} (same account_id {account})"
        skipped += [(row, reason) for row in later]
        merges.append(
            Merge(
                key="account_id",
                value=str(account),
                kept_row=first,
                kept_id=str(account),
                rows=later,
                ids=[str(account)] * len(later),
            )
        )
    log.info("%s: %d rows merged into %d accounts", source, len(skipped), len(merges))
    return MergedRows(relation=sql_name(view), skipped=sorted(skipped), merges=merges)


def _read_unread(
    connection: duckdb.DuckDBPyConnection, unread: Unread, values: dict[str, str]
) -> str:
    """Read the unread columns of the repeated rows into :data:`UNREAD_VALUES`,
    add each one's value as compared to ``values``, and return the joins
    that bring them to those rows (aliased ``r``)."""
    selected = "".join(
        f", {sql} AS {sql_name(name)}" for name, sql in unread.sql.items()
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {UNREAD_VALUES} AS "
        f"SELECT file_row_number{selected} FROM {unread.scan} WHERE file_row_number "
        f"IN (SELECT file_row_number FROM {REPEATED_ROWS})"
    )
    joins = [f"LEFT JOIN {UNREAD_VALUES} AS u ON u.file_row_number = r.file_row_number"]
    for name in unread.sql:
        values[name] = f"u.{sql_name(name)}"
    for number, (name, match) in enumerate(unread.websites.items()):
        table, alias = f"tierwise_unread_websites_{name}", f"w{number}"
        if website_lookup(connection, UNREAD_VALUES, "true", name, match, table):
            joins.append(
                f"LEFT JOIN {sql_name(table)} AS {alias} "
                f"ON {alias}.raw = u.{sql_name(name)}"
            )
            values[name] = f"{alias}.domain"
        else:
            # A value the cell reader would refuse: compared as written.
            values[name] = written_text(f"u.{sql_name(name)}")
    return " ".join(joins) + " "


def _compared(value: str, name: str, caseless: Collection[str]) -> str:
    """``value`` (SQL for the field ``name``) as rows are compared: text the
    model matches without case lower-cased (it is trimmed already)."""
    return f"LOWER({value})" if name in caseless else value
