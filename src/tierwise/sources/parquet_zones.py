"""Dates of a Parquet file's zoned timestamps, read in place as the cell
reader reads them.

A timestamp column with a time zone holds instants, and pyarrow, pandas and
polars keep the zone it was written in beside it (``America/Los_Angeles``,
``+05:30``). The cell reader gives each value the date on the clock of that
zone, as a CSV cell ``2026-06-24T23:30:00-07:00`` reads as 24 June. DuckDB
keeps only the instant, whose date is then taken in UTC (the run's session
zone): 25 June, other recency points and other tiers for the same file read
in place. So the view converts each such column to its written zone first.
A zone DuckDB does not know sends the file to the cell reader.
"""

from __future__ import annotations

import re
from pathlib import Path

import duckdb

__all__ = ["ZONED", "local_date_sql", "written_zones"]

# DuckDB's name of a Parquet timestamp column with a time zone.
ZONED = "TIMESTAMP WITH TIME ZONE"
_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")
_MICROSECONDS = {"hours": 3_600_000_000, "minutes": 60_000_000}


def written_zones(path: Path) -> dict[str, str]:
    """Each zoned timestamp column of the file, with the zone it names."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    return {
        field.name: str(field.type.tz)
        for field in pq.read_schema(path)
        if pa.types.is_timestamp(field.type) and field.type.tz
    }


def local_date_sql(
    connection: duckdb.DuckDBPyConnection, column: str, zone: str
) -> str | None:
    """SQL for the date of ``column``'s instants on the clock of ``zone``;
    None when DuckDB does not know the zone.

    >>> local_date_sql(duckdb.connect(), '"t"', "+05:30")
    'CAST(make_timestamp(epoch_us("t") + 19800000000) AS DATE)'
    """
    offset = _OFFSET.match(zone)
    if offset is not None or zone in ("UTC", "Z", "+00:00", "Etc/UTC"):
        shift = 0
        if offset is not None:
            sign, hours, minutes = offset.groups()
            shift = (-1 if sign == "-" else 1) * (
                int(hours) * _MICROSECONDS["hours"]
                + int(minutes) * _MICROSECONDS["minutes"]
            )
        moved = f"epoch_us({column}) + {shift}" if shift else f"epoch_us({column})"
        return f"CAST(make_timestamp({moved}) AS DATE)"
    literal = "'" + zone.replace("'", "''") + "'"
    try:
        connection.sql(
            f"SELECT timezone({literal}, TIMESTAMPTZ '2000-01-01')"
        ).fetchall()
    except duckdb.Error:
        return None
    return f"CAST(timezone({literal}, {column}) AS DATE)"
