"""Websites of a Parquet file read in place: each distinct value reduced once.

A mapping that reads a column with ``normalise: domain`` (the presets do,
for ``domain``) cuts each website to its registrable domain with the
Public Suffix List. So the view reads the column as written, and only its
distinct values among the rows kept are reduced: bare hosts and plain
addresses in SQL (:mod:`tierwise.sources.host_domains`), which gives them
what the cell reader gives, and the rest through the cell reader's own
conversion (:func:`tierwise.sources.columns.convert_column`): trimmed,
read as missing, rewritten by ``values:`` and reduced exactly as in a CSV
file. The rows are then joined to those values in SQL. A value the
conversion refuses (not a website, a public suffix) sends the file to the
cell reader, which names its rows.

The cell reader costs some 7 to 9 microseconds a distinct website, SQL
less than one: a stored run of a million sampled accounts spent 0.8 s on
their websites, 7.3 to 7.7 s when each went through the cell reader (7.6
to 8.2 s for the whole run instead of 14 to 15 s). A run reads the domains
only when something needs them (signal files matched by domain, the
store's registry), so ten million accounts keyed by id pay nothing for
them.
"""

from __future__ import annotations

import logging
import time

import duckdb
import pyarrow as pa

from tierwise.model.fields import REQUIRED_FIELDS, FieldKind
from tierwise.sources.columns import CellProblem, Column, convert_column
from tierwise.sources.headers import Match
from tierwise.sources.host_domains import reduce_websites_in_sql
from tierwise.sources.sql_text import sql_name

__all__ = ["hosts_repeat", "reads_website", "website_lookup"]

log = logging.getLogger(__name__)

# Only a text column: other types are written differently by the cell reader.
WEBSITE_TYPE = "VARCHAR"
# Distinct values reduced at a time: some 100 MB of Python strings.
CHUNK_VALUES = 500_000


def reads_website(name: str, kind: FieldKind, column_type: str, match: Match) -> bool:
    """Whether the field is a text column of websites this module reduces.

    The id and the name decide which rows are kept, so they stay with the
    cell reader when they are read as websites.
    """
    spec = match.spec
    return (
        spec.normalise == "domain"
        and kind == FieldKind.TEXT
        and name not in REQUIRED_FIELDS
        and column_type == WEBSITE_TYPE
        and spec.multiply is None
        and spec.date_format is None
        and spec.true_values is None
        and spec.false_values is None
    )


def website_lookup(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    kept: str,
    name: str,
    match: Match,
    table: str,
) -> bool:
    """Create ``table`` (raw, domain, host) for the distinct values of ``name``.

    ``relation`` holds the field ``name`` as written; ``kept`` is SQL that
    is true for the rows the import keeps. Bare hosts and plain addresses
    are reduced in SQL
    (:func:`~tierwise.sources.host_domains.reduce_websites_in_sql`), the
    other values :data:`CHUNK_VALUES` at a time by the cell reader, so ten
    million websites do not sit in Python at once. Returns False, and keeps no
    table, when the cell reader would refuse a value.
    """
    started = time.perf_counter()
    column = sql_name(name)
    distinct, rest = sql_name(table + "_values"), sql_name(table + "_rest")
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {distinct} AS SELECT DISTINCT {column} AS raw "
        f"FROM {relation} WHERE {kept} AND {column} IS NOT NULL"
    )
    connection.execute(
        f"CREATE OR REPLACE TEMP TABLE {sql_name(table)} "
        "(raw VARCHAR, domain VARCHAR, host VARCHAR)"
    )
    [(count,)] = connection.sql(f"SELECT COUNT(*) FROM {distinct}").fetchall()
    try:
        in_sql = reduce_websites_in_sql(
            connection, distinct, table, _read_otherwise(match)
        )
        left = int(count) - in_sql
        if left:  # most columns have none
            connection.execute(
                f"CREATE OR REPLACE TEMP TABLE {rest} AS SELECT raw, "
                f"row_number() OVER () AS number FROM {distinct} AS v "
                f"WHERE NOT EXISTS (SELECT 1 FROM {sql_name(table)} AS w "
                "WHERE w.raw = v.raw)"
            )
        for first in range(0, left, CHUNK_VALUES):
            values = connection.sql(
                f"SELECT raw FROM {rest} WHERE number > {first} "
                f"AND number <= {first + CHUNK_VALUES}"
            ).fetchall()
            reduced = _reduced([str(value) for (value,) in values], name, match)
            if reduced is None:
                log.info("%s: a value is not a website; reading it cell by cell", name)
                connection.execute(f"DROP TABLE {sql_name(table)}")
                return False
            _append(connection, table, reduced)
    finally:
        connection.execute(f"DROP TABLE IF EXISTS {distinct}")
        connection.execute(f"DROP TABLE IF EXISTS {rest}")
    log.info(
        "%s: %d distinct websites reduced in %.2f s, %d of them in SQL",
        name,
        count,
        time.perf_counter() - started,
        in_sql,
    )
    return True


def _read_otherwise(match: Match) -> set[str]:
    """Texts, case-folded, that the column reads as missing or rewrites."""
    spec = match.spec
    return {token.casefold() for token in spec.missing_values or ()} | set(spec.values)


def _reduced(values: list[str], name: str, match: Match) -> pa.Table | None:
    """``values`` as the cell reader reads them for the field ``name``, with
    each website's host; None when it would refuse one of them."""
    problems: list[CellProblem] = []
    column = Column(
        field=name,
        kind=FieldKind.TEXT,
        spec=match.spec,
        header=match.header,
        rows=range(1, len(values) + 1),
        cells=values,
        problems=problems,
    )
    domains = convert_column(column)
    if problems:
        return None
    hosts = column.hosts or [None] * len(values)
    return pa.table(
        {
            "raw": pa.array(values, pa.string()),
            "domain": pa.array(domains, pa.string()),
            "host": pa.array(hosts, pa.string()),
        }
    )


def _append(connection: duckdb.DuckDBPyConnection, table: str, rows: pa.Table) -> None:
    connection.register("tierwise_website_values", rows)
    try:
        connection.execute(
            f"INSERT INTO {sql_name(table)} SELECT * FROM tierwise_website_values"
        )
    finally:
        connection.unregister("tierwise_website_values")


def hosts_repeat(
    connection: duckdb.DuckDBPyConnection,
    relation: str,
    kept: str,
    name: str,
    table: str,
) -> bool:
    """Whether two kept rows' websites have one host (``www.`` aside).

    The cell reader merges such rows into one account when the mapping
    merges by website; the view does not, so the file goes to that reader.
    """
    repeated = connection.sql(
        f'SELECT w.host FROM {relation} JOIN "{table}" AS w '
        f"ON w.raw = {relation}.{sql_name(name)} WHERE {kept} AND w.host IS NOT NULL "
        "GROUP BY w.host HAVING COUNT(*) > 1 LIMIT 1"
    ).fetchall()
    return bool(repeated)
