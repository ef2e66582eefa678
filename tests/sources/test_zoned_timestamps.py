"""A column of instants gives the same dates wherever tierwise runs, and
the dates a Parquet file's zoned timestamps were written with.

A TIMESTAMPTZ column (a DuckDB file, PostgreSQL) holds instants; its date
depends on a time zone. It was taken in the session's zone: this machine's
for DuckDB (``$TZ``), the server's or ``$PGTZ`` for PostgreSQL, so the same
table gave other recency points, and other tiers, run from Los Angeles
than from London. The date is now the instant's date in UTC. Each instant
here is 23:30 in Los Angeles, the next day in UTC.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from edge_accounts import AS_OF, edge_accounts
from tests import postgres

from tierwise.engine.run import open_connection
from tierwise.model import load_model
from tierwise.sources import load_preset, read_accounts
from tierwise.sources.parquet_view import parquet_view
from tierwise.table_jobs import tier_table

LOS_ANGELES = ZoneInfo("America/Los_Angeles")
DATED = ("last_engagement_date", "competitor_contract_end")


def _late_evening(day: date | None) -> datetime | None:
    """23:30 in Los Angeles on ``day``: 06:30 or 07:30 UTC the day after."""
    return None if day is None else datetime.combine(day, time(23, 30), LOS_ANGELES)


def _accounts(zoned: bool) -> pa.Table:
    """The edge accounts with their dates as instants (``zoned``), or as
    the dates those instants fall on in UTC."""
    table = edge_accounts()
    for name in DATED:
        instants = [_late_evening(day) for day in table[name].to_pylist()]
        column = pa.array(instants, pa.timestamp("us", tz="UTC"))
        if not zoned:
            column = pc.cast(column, pa.date32())
        table = table.set_column(table.schema.get_field_index(name), name, column)
    return table


def _rows(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.fixture
def by_utc_date(tmp_path: Path) -> list[dict[str, Any]]:
    """The accounts tiered from the dates of their instants in UTC."""
    path = tmp_path / "dates.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("dated", _accounts(zoned=False))
        connection.execute("CREATE TABLE accounts AS SELECT * FROM dated")
    tier_table(
        f"duckdb:///{path}::accounts", tmp_path / "dates", AS_OF, accept_warnings=True
    )
    return _rows(tmp_path / "dates")


def test_the_instants_fall_on_other_days_in_utc() -> None:
    zoned = _accounts(zoned=True)["last_engagement_date"].to_pylist()
    dated = _accounts(zoned=False)["last_engagement_date"].to_pylist()
    shifted = [
        (instant, day)
        for instant, day in zip(zoned, dated, strict=True)
        if instant is not None
    ]
    assert shifted
    assert all(instant.astimezone(LOS_ANGELES).date() < day for instant, day in shifted)


@pytest.mark.parametrize("zone", ["America/Los_Angeles", "Pacific/Honolulu"])
def test_a_duckdb_file_tiers_the_same_in_any_time_zone(
    zone: str, tmp_path: Path, by_utc_date: list[dict[str, Any]]
) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("zoned", _accounts(zoned=True))
        connection.execute("CREATE TABLE accounts AS SELECT * FROM zoned")
    out = tmp_path / "out"
    command = [
        *(sys.executable, "-m", "tierwise", "tier"),
        *("--source", f"duckdb:///{path}::accounts", "--as-of", AS_OF.isoformat()),
        *("--out", str(out), "--no-store", "--accept-warnings", "--quiet"),
    ]
    environment = {**os.environ, "TZ": zone}

    done = subprocess.run(command, env=environment, capture_output=True, text=True)

    assert done.returncode == 0, done.stderr
    assert _rows(out) == by_utc_date


@pytest.fixture
def postgres_table() -> Iterator[str]:
    with postgres.own_schema("tierwise_zoned") as (admin, schema):
        table = _accounts(zoned=True)
        columns = ", ".join(
            f'"{field.name}" '
            + (
                "timestamptz"
                if field.name in DATED
                else postgres.POSTGRES_TYPES[str(field.type)]
            )
            for field in table.schema
        )
        admin.execute(f'CREATE TABLE "{schema}"."accounts" ({columns})')
        with admin.cursor().copy(f'COPY "{schema}"."accounts" FROM STDIN') as copy:
            for row in table.to_pylist():
                copy.write_row(list(row.values()))
        yield f"{postgres.POSTGRES}::{schema}.accounts"


@pytest.mark.postgres
def test_a_postgresql_table_tiers_the_same_in_any_session_time_zone(
    postgres_table: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    by_utc_date: list[dict[str, Any]],
) -> None:
    # The client's zone for the session, as a user far from the server has it.
    monkeypatch.setenv("PGTZ", "America/Los_Angeles")

    tier_table(postgres_table, tmp_path / "pg", AS_OF, accept_warnings=True)

    assert _rows(tmp_path / "pg") == by_utc_date


def _zoned_parquet(path: Path) -> Path:
    """Accounts whose dates are instants kept with the zone they were
    written in: 23:30 in Los Angeles, and 01:30 the next day in India."""
    moments = [
        datetime(2026, 6, 25, 6, 30, tzinfo=UTC),
        datetime(2026, 6, 24, 20, 0, tzinfo=UTC),
        None,
    ]
    pq.write_table(
        pa.table(
            {
                "account_id": ["a", "b", "c"],
                "name": ["A", "B", "C"],
                "last_engagement_date": pa.array(
                    moments, pa.timestamp("us", tz="America/Los_Angeles")
                ),
                "competitor_contract_end": pa.array(
                    moments, pa.timestamp("ms", tz="+05:30")
                ),
            }
        ),
        path,
    )
    return path


def test_parquet_read_in_place_dates_zoned_timestamps_as_the_cell_reader(
    tmp_path: Path,
) -> None:
    # Read in place, each date was the instant's in UTC (or this machine's
    # zone), where the cell reader and a CSV of the same values give the
    # date on the clock of the zone written beside them.
    path = _zoned_parquet(tmp_path / "zoned.parquet")
    fields = load_model().read_fields()
    mapping = load_preset("generic")
    connection = open_connection()

    report = parquet_view(connection, path, fields, mapping)
    expected, _ = read_accounts(path, fields, mapping)

    assert report is not None
    columns = "account_id, last_engagement_date, competitor_contract_end"
    in_place = connection.sql(f"SELECT {columns} FROM accounts ORDER BY 1").fetchall()
    assert in_place == [
        ("a", date(2026, 6, 24), date(2026, 6, 25)),
        ("b", date(2026, 6, 24), date(2026, 6, 25)),
        ("c", None, None),
    ]
    assert in_place == [
        tuple(row.values())
        for row in expected.select(columns.split(", "))
        .sort_by("account_id")
        .to_pylist()
    ]
