"""A Parquet file's typed dates and timestamps read as their text would be.

A date or timestamp column of a Parquet file is read from its value, not
parsed from its text; these tests hold that reading to the text's, value by
value and through a whole file against the same values written in a CSV.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from signal_helpers import AS_OF, in_zone, portfolio, rows

from tierwise.model import TieringModel
from tierwise.sources.signals import SignalFile, SignalReport, load_signals
from tierwise.sources.signals.files import open_raw
from tierwise.sources.signals.timestamps import local_date_sql, typed_date_sql
from tierwise.sources.sql_text import written_text

ZONES = ("UTC", "America/New_York", "Asia/Kolkata", "Pacific/Kiritimati")
# Sessions whose text of an instant holds offsets of whole minutes, or of
# seconds (local mean time: Monrovia until 1972, Berlin until 1893).
SESSION_ZONES = ("UTC", "Africa/Monrovia", "Europe/Berlin")

VALUES = {
    "DATE": [
        "2026-03-01",
        "0001-01-01",
        "0044-03-15",
        "9999-12-31",
        "0044-03-15 (BC)",
        "infinity",
        "-infinity",
    ],
    "TIMESTAMP": [
        "2026-03-01 00:00:00",
        "2026-03-01 23:59:59.999999",
        "0044-03-15 10:00:00",
        "9999-12-31 23:59:59.999999",
        "0500-01-01 (BC) 10:00:00",
        "infinity",
        "-infinity",
    ],
    "TIMESTAMP_NS": [
        "2026-03-01 23:59:59.123456789",
        "2026-03-01 23:59:59.9999999",
        "1969-12-31 23:59:59.999999999",
        "1677-09-22 00:00:00",
        "1677-09-21 00:12:43.145224192",
        "2262-04-11 23:47:16.854775806",
        "infinity",
        "-infinity",
    ],
    "TIMESTAMP_MS": ["2026-03-01 23:59:59.123"],
    "TIMESTAMP_S": ["2026-03-01 23:59:59"],
    "TIMESTAMPTZ": [
        "2026-03-01 23:30:00+00",
        "2026-03-02 03:30:00+00",
        "1899-06-01 00:10:00+00",
        "0044-03-15 10:00:00+00",
        "9999-12-31 23:59:59+00",
        "0001-01-01 00:00:00+00",
        "1969-12-31 23:59:59+00",
        "1582-10-10 10:00:00+00",
        "0044-03-15 (BC) 10:00:00+00",
        "infinity",
        "-infinity",
    ],
    # pandas' and pyarrow's timestamps with a zone, in nanoseconds: the
    # years 1677 to 2262, to their first and last nanosecond.
    "TIMESTAMPTZ_NS": [
        "2026-03-01 23:30:00+00",
        "2026-03-01 23:59:59.999999999+00",
        "1969-12-31 23:59:59.9999999+00",
        "1677-09-21 00:12:43.145224192+00",
        "2262-04-11 23:47:16.854775806+00",
        "1899-06-01 00:10:00+00",
        "infinity",
        "-infinity",
    ],
}


@pytest.mark.parametrize("session_zone", SESSION_ZONES)
@pytest.mark.parametrize("type_name", sorted(VALUES))
def test_a_typed_value_reads_as_its_text(type_name: str, session_zone: str) -> None:
    connection = duckdb.connect()
    connection.execute("SET TimeZone = 'UTC'")
    given = ", ".join(f"('{text}')" for text in VALUES[type_name])
    connection.execute(
        f"CREATE TABLE typed AS SELECT CAST(t AS {type_name}) AS v "
        f"FROM (VALUES {given}, (NULL)) AS given(t)"
    )
    text = written_text("CAST(v AS VARCHAR)")

    for zone in ZONES:
        connection.execute("SET TimeZone = 'UTC'")
        from_text = connection.sql(
            f"SELECT CAST(v AS VARCHAR), {local_date_sql(text, zone)} FROM typed"
        ).fetchall()
        connection.execute(f"SET TimeZone = '{session_zone}'")
        from_value = connection.sql(
            f"SELECT {typed_date_sql('v', type_name, zone)} FROM typed"
        ).fetchall()
        compared = [
            (written, read, typed)
            for (written, read), (typed,) in zip(from_text, from_value, strict=True)
        ]
        differing = [row for row in compared if row[1] != row[2]]
        assert differing == [], zone


def test_every_timestamp_type_of_a_parquet_file_is_read_from_its_values(
    tmp_path: Path,
) -> None:
    stamp = datetime(2026, 3, 1, 12, tzinfo=UTC)
    columns = {
        f"{unit}_{zone or 'local'}": pa.array([stamp], pa.timestamp(unit, tz=zone))
        for unit in ("s", "ms", "us", "ns")
        for zone in (None, "UTC", "Europe/Berlin")
    }
    columns["date32"] = pa.array([stamp.date()], pa.date32())
    columns["date64"] = pa.array([stamp.date()], pa.date64())
    parquet = tmp_path / "stamps.parquet"
    pq.write_table(pa.table(columns), parquet)

    raw = open_raw(duckdb.connect(), parquet, tmp_path, [])

    assert sorted(raw.dates) == sorted(columns)


# What a session not at UTC read from an instant's text, against its value.
REPRODUCED = [
    pytest.param("Africa/Monrovia", "UTC", "0001-01-01 00:00:00+00", id="year-1"),
    pytest.param(
        "Africa/Monrovia", "Asia/Kolkata", "1969-12-31 23:59:59+00", id="1970"
    ),
    pytest.param(
        "Europe/Berlin", "Pacific/Kiritimati", "1582-10-10 10:00:00+00", id="1582"
    ),
    pytest.param("Europe/Berlin", "UTC", "9999-12-31 23:59:59+00", id="year-9999"),
]


@pytest.mark.parametrize(("session_zone", "zone", "stamp"), REPRODUCED)
def test_an_instant_reads_the_same_in_any_session_zone(
    tmp_path: Path,
    default_model: TieringModel,
    session_zone: str,
    zone: str,
    stamp: str,
) -> None:
    model = in_zone(default_model, zone)
    table = duckdb.connect()
    table.execute("SET TimeZone = 'UTC'")
    table.execute(
        "CREATE TABLE given AS SELECT * FROM (VALUES "
        f"('acc-1', TIMESTAMPTZ '{stamp}', 'visit'), "
        "('acc-2', TIMESTAMPTZ '2026-03-01 12:00:00+00', 'visit')) "
        "AS given(account_id, timestamp, activity_type)"
    )
    parquet, text = tmp_path / "activity.parquet", tmp_path / "activity-text.parquet"
    table.execute(f"COPY given TO '{parquet}' (FORMAT parquet)")
    table.execute(
        "COPY (SELECT * REPLACE (CAST(timestamp AS VARCHAR) AS timestamp) "
        f"FROM given) TO '{text}' (FORMAT parquet)"
    )

    from_text, from_parquet = portfolio(tmp_path, model), portfolio(tmp_path, model)
    from_parquet.execute(f"SET TimeZone = '{session_zone}'")
    text_report = _load(from_text, model, text)
    parquet_report = _load(from_parquet, model, parquet)

    columns = ("account_id", "occurred_on", "kind", "source_row")
    assert rows(from_parquet, "signal_activity", *columns) == rows(
        from_text, "signal_activity", *columns
    )
    text_facts, parquet_facts = (
        asdict(text_report.files["activity"]),
        asdict(parquet_report.files["activity"]),
    )
    for facts in (text_facts, parquet_facts):
        del facts["file"]
    assert parquet_facts == text_facts


@pytest.mark.parametrize(
    ("type_name", "arrow_type"),
    [
        pytest.param("TIMESTAMP", pa.timestamp("us"), id="timestamp"),
        pytest.param("TIMESTAMPTZ", pa.timestamp("ms", tz="UTC"), id="instant"),
        pytest.param(
            "TIMESTAMPTZ",
            pa.timestamp("ns", tz="Europe/Berlin"),
            id="instant-ns",
        ),
        pytest.param("DATE", pa.date32(), id="date"),
    ],
)
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_a_typed_parquet_file_reads_as_its_text(
    tmp_path: Path,
    default_model: TieringModel,
    type_name: str,
    arrow_type: pa.DataType,
    zone: str,
) -> None:
    model = in_zone(default_model, zone)
    stamps = duckdb.sql(
        f"SELECT CAST(t AS {type_name}) FROM (VALUES ('2026-03-01 23:30:00'), "
        "('2026-09-30 23:59:59'), ('2026-10-01 00:00:01'), (NULL), "
        "('2025-12-31 00:00:00')) AS given(t)"
    ).fetchall()
    values = [stamp for (stamp,) in stamps]
    ids = ["acc-1", "acc-2", "acc-3", "acc-4", "acc-9"]
    kinds = ["Download", "Webinar", "visit", "visit", "visit"]

    parquet = tmp_path / "activity.parquet"
    table = pa.table(
        {
            "account_id": ids,
            "timestamp": pa.array(values, arrow_type),
            "activity_type": kinds,
        }
    )
    pq.write_table(table, parquet)
    as_text = tmp_path / "activity-text.parquet"
    duckdb.sql(
        f"COPY (SELECT * REPLACE (CAST(timestamp AS VARCHAR) AS timestamp) "
        f"FROM read_parquet('{parquet}')) TO '{as_text}' (FORMAT parquet)"
    )

    from_text, from_parquet = portfolio(tmp_path, model), portfolio(tmp_path, model)
    text_report = _load(from_text, model, as_text)
    parquet_report = _load(from_parquet, model, parquet)

    columns = ("account_id", "occurred_on", "kind", "weight", "source_row")
    assert rows(from_parquet, "signal_activity", *columns) == rows(
        from_text, "signal_activity", *columns
    )
    text_facts, parquet_facts = (
        asdict(text_report.files["activity"]),
        asdict(parquet_report.files["activity"]),
    )
    for facts in (text_facts, parquet_facts):
        del facts["file"]
    assert parquet_facts == text_facts


def _load(
    connection: duckdb.DuckDBPyConnection, model: TieringModel, path: Path
) -> SignalReport:
    """Load one activity file, with a scratch folder of its own."""
    scratch = path.with_name(f"{path.stem}-scratch")
    return load_signals(
        connection, [SignalFile("activity", path)], model, AS_OF, scratch
    )
