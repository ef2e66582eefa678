"""A list or JSON column is refused, not read as text.

Read as text, such a column keeps its brackets and quotes (``["Energy"]``,
``"Energy"``), so an industry or a country matched none of the model's
categories and the accounts lost points without a word; a Parquet file's
list or struct cells are refused by the cell reader. Bytes in MySQL,
MariaDB and SQLite are read as the text they hold, as before; DuckDB's
and PostgreSQL's are refused (test_table_binary_columns.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.databases import MakeTable, table_maker

from tierwise.errors import SourceError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
ACCOUNTS = {"account_id": "TEXT", "name": "TEXT"}


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTable]:
    with table_maker(tmp_path, "tierwise_composite") as make:
        yield make


@pytest.mark.parametrize(
    ("database", "sql_type", "value", "shown"),
    [
        pytest.param("duckdb", "VARCHAR[]", ["Energy"], "VARCHAR[]", id="duckdb-list"),
        pytest.param(
            "duckdb",
            "STRUCT(v VARCHAR)",
            {"v": "Energy"},
            "STRUCT(v VARCHAR)",
            id="duckdb-struct",
        ),
        pytest.param(
            "postgres",
            "JSONB",
            '"Energy"',
            "JSONB",
            id="postgres-jsonb",
            marks=pytest.mark.postgres,
        ),
        pytest.param(
            "postgres",
            "TEXT[]",
            ["Energy"],
            "ARRAY",
            id="postgres-array",
            marks=pytest.mark.postgres,
        ),
    ],
)
def test_a_composite_column_is_refused_naming_it(
    database: str,
    sql_type: str,
    value: object,
    shown: str,
    make_table: MakeTable,
    tmp_path: Path,
) -> None:
    rows = [("a1", "Acme", value)]
    source = make_table(database, {**ACCOUNTS, "industry": sql_type}, rows)

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert f"'industry' (industry) is of type {shown}, which no field is read" in str(
        caught.value
    )
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("database", "sql_type"),
    [
        pytest.param("sqlite", "BLOB", id="sqlite-blob"),
        pytest.param(
            "mariadb",
            "VARBINARY(40)",
            id="mariadb-varbinary",
            marks=pytest.mark.mariadb,
        ),
    ],
)
def test_bytes_in_sqlite_and_mariadb_are_read_as_their_text(
    database: str, sql_type: str, make_table: MakeTable, tmp_path: Path
) -> None:
    rows = [("a1", "Acme", b"Energy"), ("a2", "Beta", b"Retailing")]
    source = make_table(database, {**ACCOUNTS, "industry": sql_type}, rows)
    decoded = [(*row[:2], row[2].decode()) for row in rows]
    text = make_table(database, {**ACCOUNTS, "industry": "TEXT"}, decoded)

    as_bytes = tier_table(source, tmp_path / "bytes", AS_OF).run.table()
    as_text = tier_table(text, tmp_path / "text", AS_OF).run.table()

    assert (
        as_bytes.select(["account_id", "total"]).to_pylist()
        == as_text.select(["account_id", "total"]).to_pylist()
    )
