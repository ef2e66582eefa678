"""Results fetched from PostgreSQL as CSV text read the same as its rows.

The text path must keep every value a driver's rows give: NULL apart from
empty text, quotes, commas and line breaks inside text, every digit of a
floating-point number, yes/no and dates.
"""

from __future__ import annotations

import logging
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.postgres import POSTGRES, load_table, own_schema
from tierwise.engine.backends.connections import connect
from tierwise.engine.backends.database import _drop_made
from tierwise.engine.backends.fetching import fetch_parquet, fetch_rows
from tierwise.errors import TierwiseError
from tierwise.sources.database import TableSource, parse_source

TRICKY = pa.table(
    {
        "account_id": ["a", "b", "c", "d", "e", "f"],
        "name": [
            "",
            None,
            'Say "hi", then',
            "two\nlines\r\nand more",
            "=1+2",
            "Zoë 東京",
        ],
        "flag": [True, False, None, True, False, None],
        "count": [0, -1, None, 2**53 + 1, 9_223_372_036_854_775_807, 7],
        "share": [0.1 + 0.2, 1e-300, None, -0.0, 123456789.123456789, 2.5],
        "day": [
            date(2026, 9, 30),
            None,
            date(1900, 1, 1),
            date(2999, 12, 31),
            date(2024, 2, 29),
            None,
        ],
    }
)


def _fetched(
    tmp_path: Path, admin: object, schema: str, date_style: str | None = None
) -> dict[str, pa.Table]:
    """TRICKY loaded into PostgreSQL and fetched back both ways, by name:
    copied as text and as the driver's rows, in a session of ``date_style``."""
    load_table(admin, schema, "tricky", TRICKY)
    source = parse_source(f"{POSTGRES}::{schema}.tricky")
    text = f'SELECT * FROM "{schema}"."tricky" ORDER BY "account_id"'
    with connect(source) as database:
        if date_style is not None:
            database.exec_driver_sql(f"SET DateStyle = '{date_style}'")
        fetch_parquet(database, text, TRICKY.schema, tmp_path / "copied.parquet")
        fetch_rows(database, text, TRICKY.schema, tmp_path / "rows.parquet")
    return {
        way: pq.read_table(tmp_path / f"{way}.parquet") for way in ("copied", "rows")
    }


def test_results_copied_as_text_equal_the_drivers_rows(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="tierwise.engine.backends.fetching")
    with own_schema("tw_fetch") as (admin, schema):
        fetched = _fetched(tmp_path, admin, schema)

    assert any("as CSV" in record.getMessage() for record in caplog.records)
    assert fetched["copied"].equals(fetched["rows"])
    assert fetched["copied"].equals(TRICKY)
    assert not any(f.name.startswith(".copy-") for f in tmp_path.iterdir())


def _failing_query(admin: Any, schema: str) -> tuple[TableSource, str, pa.Schema]:
    """A table of one row and a query over it that PostgreSQL stops
    halfway (division by zero), with the query's result schema."""
    admin.execute(f'CREATE TABLE "{schema}"."one" ("x" bigint)')
    admin.execute(f'INSERT INTO "{schema}"."one" VALUES (0)')
    source = parse_source(f"{POSTGRES}::{schema}.one")
    text = f'SELECT 1 / "x" AS "x" FROM "{schema}"."one"'
    return source, text, pa.schema([("x", pa.int64())])


def test_a_query_failing_inside_postgresql_is_the_databases_error(
    tmp_path: Path,
) -> None:
    with own_schema("tw_fetch") as (admin, schema):
        source, text, out = _failing_query(admin, schema)

        failed = r"the database failed \(.*division"
        with pytest.raises(TierwiseError, match=failed), connect(source) as database:
            fetch_parquet(database, text, out, tmp_path / "x.parquet")

    assert not any(f.name.startswith(".copy-") for f in tmp_path.iterdir())


def test_no_results_copied_make_an_empty_file_of_the_results_schema(
    tmp_path: Path,
) -> None:
    # PostgreSQL sends no text for no rows, and Arrow's CSV reader refuses
    # an empty file: an empty table stopped the run with a traceback.
    with own_schema("tw_fetch") as (admin, schema):
        load_table(admin, schema, "tricky", TRICKY.slice(0, 0))
        source = parse_source(f"{POSTGRES}::{schema}.tricky")
        text = f'SELECT * FROM "{schema}"."tricky"'
        with connect(source) as database:
            fetch_parquet(database, text, TRICKY.schema, tmp_path / "none.parquet")

    assert pq.read_table(tmp_path / "none.parquet").equals(TRICKY.slice(0, 0))
    assert not any(f.name.startswith(".copy-") for f in tmp_path.iterdir())


def test_a_write_back_table_made_before_a_failed_copy_is_dropped(
    tmp_path: Path,
) -> None:
    # As a run does: the table is made, the results fetched from it fail,
    # and the table is dropped on the same connection. The failed copy
    # left a transaction the connection's rollback did not know of, so the
    # drop was refused ("current transaction is aborted") and the table
    # stayed.
    with own_schema("tw_fetch") as (admin, schema):
        source, text, out = _failing_query(admin, schema)

        with pytest.raises(TierwiseError), connect(source) as database:
            made = f'CREATE TABLE "{schema}"."made" AS SELECT 1 AS "x"'
            database.exec_driver_sql(made)
            database.commit()
            try:
                fetch_parquet(database, text, out, tmp_path / "x.parquet")
            finally:
                _drop_made(database, source, "made")
        (left,) = admin.execute(f"SELECT to_regclass('{schema}.made')").fetchone()

    assert left is None


def test_statements_after_fetched_rows_are_not_streamed(tmp_path: Path) -> None:
    # Streaming the rows was switched on for the connection, not the one
    # query, so the drop of a failed run's write-back table was sent as a
    # server-side cursor (DECLARE ... CURSOR FOR DROP TABLE) and refused.
    with own_schema("tw_fetch") as (admin, schema):
        load_table(admin, schema, "tricky", TRICKY)
        source = parse_source(f"{POSTGRES}::{schema}.tricky")
        text = f'SELECT * FROM "{schema}"."tricky"'

        with connect(source) as database:
            database.exec_driver_sql(f'CREATE TABLE "{schema}"."made" AS {text}')
            database.commit()
            fetch_rows(database, text, TRICKY.schema, tmp_path / "rows.parquet")
            _drop_made(database, source, "made")
        (left,) = admin.execute(f"SELECT to_regclass('{schema}.made')").fetchone()

    assert left is None


@pytest.mark.parametrize("style", ["SQL, DMY", "German", "Postgres, MDY"])
def test_dates_are_copied_whatever_the_sessions_date_style(
    tmp_path: Path, style: str
) -> None:
    # A server or user may set another DateStyle: 30.09.2026, 09/30/2026.
    with own_schema("tw_fetch") as (admin, schema):
        fetched = _fetched(tmp_path, admin, schema, date_style=style)

    assert fetched["copied"].equals(TRICKY)
