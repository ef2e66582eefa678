"""A DuckDB BLOB or PostgreSQL bytea column mapped to a field is refused.

DuckDB read a BLOB as text with every byte past ASCII escaped (``é`` as
``\\xC3\\xA9``), and PostgreSQL writes bytea as hex, so an industry or an
account id held as bytes matched nothing without a word, while a Parquet
file's binary cells are refused. The table is refused in the cell
reader's words, naming it, the column and how to read it as text.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from tests.databases import MakeTable, table_maker

from tierwise.errors import SourceError
from tierwise.sources.columns import checked
from tierwise.sources.values import CellError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
BINARY = "holds binary data (bytes), not text or a number"
# How each database reads a column of UTF-8 bytes as text, in the fix.
AS_TEXT = {
    "duckdb": 'decode("{column}")',
    "postgres": "convert_from(\"{column}\", 'UTF8')",
}


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTable]:
    with table_maker(tmp_path, "tierwise_binary") as make:
        yield make


def _binary_type(database: str) -> str:
    return "BLOB" if database == "duckdb" else "BYTEA"


DATABASES = [
    pytest.param("duckdb", id="duckdb-blob"),
    pytest.param("postgres", id="postgres-bytea", marks=pytest.mark.postgres),
]


def test_the_words_are_the_cell_readers() -> None:
    with pytest.raises(CellError) as caught:
        checked(b"a1")

    assert caught.value.problem == BINARY


@pytest.mark.parametrize("database", DATABASES)
@pytest.mark.parametrize(
    ("column", "field"),
    [
        pytest.param("industry", "industry", id="industry"),
        pytest.param("account_id", "account_id", id="account-id"),
        pytest.param("Employees", "employees", id="a-number-field"),
    ],
)
def test_a_binary_column_is_refused_naming_the_table_column_and_fix(
    database: str, column: str, field: str, make_table: MakeTable, tmp_path: Path
) -> None:
    columns = {"account_id": "TEXT", "name": "TEXT", "industry": "TEXT"}
    columns |= {"Employees": "INTEGER", column: _binary_type(database)}
    values: dict[str, object] = {"account_id": "a1", "name": "Acme"}
    values |= {"industry": "Energy", "Employees": 12}
    values[column] = str(values[column]).encode()
    source = make_table(database, columns, [tuple(values[name] for name in columns)])

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    message = str(caught.value)
    assert message.startswith(f"{source}: "), message
    assert f"{column!r} ({field}) {BINARY}" in message
    assert AS_TEXT[database].format(column=column) in message
    assert f"or map another column to {field}" in message
    assert message.endswith("nothing was scored")
    assert not (tmp_path / "out").exists()


def test_binary_columns_are_named_together_with_one_fix(
    make_table: MakeTable, tmp_path: Path
) -> None:
    columns = {"account_id": "BLOB", "name": "TEXT", "industry": "BLOB"}
    source = make_table("duckdb", columns, [(b"a1", "Acme", b"Energy")])

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert (
        "2 column(s) cannot be read in the database: 'account_id' (account_id) "
        f"{BINARY}; 'industry' (industry) {BINARY}. Read those columns as text "
        'in a view (decode("account_id"), decode("industry") give the text '
        "their bytes hold in UTF-8) and name the view in --source, or map other "
        "columns to account_id, industry; nothing was scored"
    ) in str(caught.value)


def test_a_binary_column_is_refused_before_a_write_back_table_is_made(
    make_table: MakeTable, tmp_path: Path
) -> None:
    columns = {"account_id": "TEXT", "name": "TEXT", "industry": "BLOB"}
    source = make_table("duckdb", columns, [("a1", "Acme", b"Energy")])

    with pytest.raises(SourceError, match="holds binary data"):
        tier_table(source, tmp_path / "out", AS_OF, write_back="tiers")

    path = source.removeprefix("duckdb:///").rpartition("::")[0]
    with duckdb.connect(path, read_only=True) as connection:
        tables = connection.sql("SELECT table_name FROM duckdb_tables()").fetchall()
    assert tables == [("accounts",)]
    assert not (tmp_path / "out").exists()


def test_a_binary_column_that_is_not_mapped_is_left_alone(
    make_table: MakeTable, tmp_path: Path
) -> None:
    columns = {"account_id": "TEXT", "name": "TEXT", "logo": "BLOB"}
    source = make_table("duckdb", columns, [("a1", "Acme", b"\x89PNG")])

    job = tier_table(source, tmp_path / "out", AS_OF)

    assert job.run.table().column("account_id").to_pylist() == ["a1"]
