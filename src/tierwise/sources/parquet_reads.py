"""How a Parquet column is read in SQL exactly as the cell reader reads it.

The in-place view (:mod:`tierwise.sources.parquet_view`) reads a field by
query only when its column's type and mapping options give the same value
as :func:`tierwise.sources.accounts.read_accounts` would; this module says
which do (:func:`fits`) and gives the SQL (:func:`column_sql`,
:func:`zoned_dates`). The merge of repeated ids reads the columns a run
does not score with the same SQL (:mod:`tierwise.sources.parquet_merges`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import duckdb

from tierwise.model.fields import FieldKind
from tierwise.sources.headers import Match
from tierwise.sources.parquet_zones import ZONED, local_date_sql, written_zones
from tierwise.sources.sql_text import sql_name, sql_text, written_text

__all__ = ["READABLE_TYPES", "column_sql", "fits", "zoned_dates"]

INTEGER_TYPES = (
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
)

# DuckDB column types each field kind can be read from without conversion.
READABLE_TYPES: dict[FieldKind, tuple[str, ...]] = {
    # Only types whose SQL text is the text the cell reader makes of them:
    # floats, booleans, timestamps, bytes, lists and structs are written
    # differently (or refused) there, so they go to that reader.
    FieldKind.TEXT: ("VARCHAR", *INTEGER_TYPES, "DECIMAL", "DATE"),
    FieldKind.NUMBER: (*INTEGER_TYPES, "FLOAT", "DOUBLE", "DECIMAL"),
    FieldKind.BOOLEAN: ("BOOLEAN",),
    FieldKind.DATE: ("DATE", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE"),
}


def zoned_dates(
    connection: duckdb.DuckDBPyConnection,
    path: Path,
    types: Mapping[str, str],
    fields: Mapping[str, FieldKind],
    matches: Mapping[str, Match],
) -> dict[str, str] | None:
    """SQL for each date field read from a zoned timestamp column, its dates
    on the clock of the zone it was written in (see
    :mod:`tierwise.sources.parquet_zones`); None when DuckDB does not know
    a zone."""
    columns = list(types)
    zoned = {
        name: columns[m.index]
        for name, m in matches.items()
        if fields[name] == FieldKind.DATE and types[columns[m.index]] == ZONED
    }
    if not zoned:
        return {}
    zones = written_zones(path)
    read: dict[str, str] = {}
    for name, column in zoned.items():
        zone = zones.get(column, "UTC")
        sql = local_date_sql(connection, sql_name(column), zone)
        if sql is None:
            return None
        read[name] = sql
    return read


def fits(kind: FieldKind, column_type: str, match: Match) -> bool:
    """Whether the view reads this column exactly as the cell reader would."""
    spec = match.spec
    if spec.normalise or spec.date_format or spec.true_values or spec.false_values:
        return False
    base = column_type.split("(")[0].upper()
    if column_type.endswith("]") or base not in READABLE_TYPES[kind]:
        return False  # a list of values, or a type read differently
    if kind == FieldKind.TEXT:
        # The cell reader reads a text cell among ``missing_values`` as blank
        # (a name of 'N/A' leaves its row out); typed numbers and dates it
        # takes as they are.
        return spec.multiply is None and not spec.missing_values
    return not spec.values


def column_sql(kind: FieldKind, column: str, match: Match) -> str:
    """SQL for the file's ``column`` read as a field of ``kind`` through
    ``match``'s options, for a column that :func:`fits`."""
    spec = match.spec
    if kind == FieldKind.TEXT:
        text = written_text(column)
        if not spec.values:
            return text
        # Rewrites match without case, as in the cell reader; '' means blank.
        whens = " ".join(
            f"WHEN {sql_text(written)} THEN NULLIF({sql_text(meant)}, '')"
            for written, meant in spec.values.items()
        )
        return f"CASE LOWER({text}) {whens} ELSE {text} END"
    if kind == FieldKind.NUMBER:
        if spec.multiply is None:
            return f"CAST({column} AS DOUBLE)"
        factor = sql_text(str(spec.multiply))
        exact = f"CAST({column} AS DECIMAL(38, 10)) * CAST({factor} AS DECIMAL(38, 10))"
        return f"CAST({exact} AS DOUBLE)"
    if kind == FieldKind.DATE:
        return f"CAST({column} AS DATE)"
    return f"CAST({column} AS BOOLEAN)"
