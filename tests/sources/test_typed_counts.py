"""Counts stored as typed numbers are refused for a fraction, as written ones are.

A count (employees, visits, downloads, events, units) is a whole number of
0 or more once the mapping's ``multiply`` applies. Text such as ``2.5`` has
long been refused for its fraction; a number typed in the file (an Excel
number cell, a Parquet double or decimal column, a database column) is now
held to the same check on every path: the cell reader, a Parquet file read
in place (where one query looks for any such row) and a database table.
The error names the file (or table), the row (or account), the column and
the fix; a typed number has no decimal mark to set, so its fix names none.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import duckdb
import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.postgres import POSTGRES, own_schema

from tierwise.errors import SourceError
from tierwise.jobs import tier_file
from tierwise.model.fields import FieldKind
from tierwise.sources import ColumnMapping, ColumnSpec, load_preset, read_accounts
from tierwise.sources.numbers import read_number
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
FIELDS = {
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "employees": FieldKind.NUMBER,
}
WHOLE_FIX = "  employees: write the whole count (e.g. 1200), or clear the cell"
MULTIPLIED_FIX = (
    "  employees: write a number that is a whole count once multiplied by 1000 "
    "(the column's `multiply:`), or clear the cell"
)
THOUSANDS = ColumnMapping(
    "test",
    {
        "account_id": ColumnSpec("account_id"),
        "name": ColumnSpec("name"),
        "employees": ColumnSpec("employees", multiply=Decimal(1000)),
    },
)


def refusal(path: Path, mapping: ColumnMapping | None = None) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read_accounts(path, FIELDS, mapping or load_preset("generic"))
    return str(caught.value).splitlines()


def write_workbook(path: Path, employees: list[object]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["account_id", "name", "employees"])
    for i, value in enumerate(employees):
        sheet.append([f"a{i}", f"Company {i}", value])
    workbook.save(path)
    return path


def write_parquet(path: Path, employees: pa.Array) -> Path:
    ids = [f"a{i}" for i in range(len(employees))]
    names = [f"Company {i}" for i in range(len(employees))]
    pq.write_table(
        pa.table({"account_id": ids, "name": names, "employees": employees}), path
    )
    return path


def test_a_number_cell_with_a_fraction_in_a_workbook_is_refused(
    tmp_path: Path,
) -> None:
    path = write_workbook(tmp_path / "accounts.xlsx", [40, 2.5])

    assert refusal(path) == [
        "accounts.xlsx: 1 cell(s) cannot be read; nothing was imported.",
        "  row 3, column 'employees' (employees): 2.5 is not a whole number, as a "
        "count must be",
        "To fix:",
        WHOLE_FIX,
    ]


@pytest.mark.parametrize(
    "employees",
    [
        pytest.param(pa.array([12.0, 2.5]), id="double"),
        pytest.param(pa.array([Decimal("12.00"), Decimal("2.50")]), id="decimal"),
        pytest.param(pa.array([12.0, -2.5]), id="below-zero-with-a-fraction"),
    ],
)
def test_a_parquet_count_with_a_fraction_is_refused_as_the_cell_reader_does(
    tmp_path: Path, employees: pa.Array
) -> None:
    path = write_parquet(tmp_path / "accounts.parquet", employees)

    with pytest.raises(SourceError) as in_a_run:
        tier_file(path, tmp_path / "out", AS_OF)

    lines = refusal(path)
    assert str(in_a_run.value).splitlines() == lines
    assert lines[1] == (
        f"  row 2, column 'employees' (employees): {employees[1]} is not a whole "
        "number, as a count must be"
    )
    assert lines[-1] == WHOLE_FIX
    assert not (tmp_path / "out" / "tiers.parquet").exists()


def test_a_typed_count_is_judged_once_multiplied(tmp_path: Path) -> None:
    # 1.5 thousand is 1500 people; 1.2345 thousand is no count.
    whole = write_parquet(tmp_path / "whole.parquet", pa.array([1.5, 12.0]))
    table, _ = read_accounts(whole, FIELDS, THOUSANDS)
    assert table.column("employees").to_pylist() == [1500.0, 12000.0]

    path = write_parquet(tmp_path / "accounts.parquet", pa.array([1.5, 1.2345]))
    with pytest.raises(SourceError) as in_a_run:
        tier_file(path, tmp_path / "out", AS_OF, mapping=THOUSANDS)

    assert str(in_a_run.value).splitlines() == refusal(path, THOUSANDS)
    assert refusal(path, THOUSANDS)[-1] == MULTIPLIED_FIX


def test_whole_typed_counts_and_fractions_elsewhere_are_read(tmp_path: Path) -> None:
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {
                "account_id": ["a0", "a1"],
                "name": ["Acme", "Beta"],
                "employees": [40.0, 1e30],
                "revenue_growth_pct": [2.5, -0.25],
            }
        ),
        path,
    )
    fields = {**FIELDS, "revenue_growth_pct": FieldKind.NUMBER}

    table, _ = read_accounts(path, fields, load_preset("generic"))
    job = tier_file(path, tmp_path / "out", AS_OF, accept_warnings=True)

    assert table.column("employees").to_pylist() == [40.0, 1e30]
    assert table.column("revenue_growth_pct").to_pylist() == [2.5, -0.25]
    assert job.run.accounts == 2


def test_a_written_count_past_28_digits_is_read() -> None:
    # Decimal's remainder fails past its 28 digits of precision; a count
    # that large is still whole.
    assert read_number("1e30", whole=True).low == Decimal(10) ** 30


@pytest.fixture
def small_cell_reader_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    # A limit of 3 rows stands in for the million-row one past which the
    # cell reader is not used.
    from tierwise.sources import parquet_view as module

    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 3)


@pytest.mark.usefixtures("small_cell_reader_limit")
def test_a_parquet_file_too_large_for_the_cell_reader_is_refused_in_place(
    tmp_path: Path,
) -> None:
    path = write_parquet(tmp_path / "accounts.parquet", pa.array([10, 2.5, 5, -2]))

    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF)

    assert str(caught.value).splitlines() == [
        "accounts.parquet: 2 cell(s) cannot be read; nothing was imported.",
        "  row 2, column 'employees' (employees): 2.5 is not a whole number, as a "
        "count must be",
        "  row 4, column 'employees' (employees): -2.0 is below zero, and a count "
        "cannot be",
        "Per column: 'employees' (employees) 2",
        "To fix:",
        WHOLE_FIX,
        "  employees: write the count as 0 or more (a minus sign or brackets make "
        "a number negative), or clear the cell",
    ]
    assert str(caught.value).splitlines() == refusal(path)


@pytest.mark.usefixtures("small_cell_reader_limit")
def test_a_large_parquet_file_is_judged_once_multiplied_in_place(
    tmp_path: Path,
) -> None:
    path = write_parquet(tmp_path / "accounts.parquet", pa.array([1.5, 2.0, 3.0, 0.1]))
    job = tier_file(
        path, tmp_path / "whole", AS_OF, mapping=THOUSANDS, accept_warnings=True
    )
    assert job.run.accounts == 4

    path = write_parquet(tmp_path / "accounts.parquet", pa.array([1.5, 2, 3, 1.2345]))
    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF, mapping=THOUSANDS)

    assert str(caught.value).splitlines() == refusal(path, THOUSANDS)


TABLE_MESSAGE = (
    "'employees' (employees) is not a whole number for account(s) 'a1' (2.5), "
    "as a count must be. Fix: write the whole count (e.g. 1200), or clear the "
    "cell; nothing was scored"
)


def test_a_duckdb_table_with_a_count_with_a_fraction_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT * FROM (VALUES ('a0', 'Acme', 10.0), "
            "('a1', 'Beta', 2.5), ('a2', NULL, 7.5)) AS t(account_id, name, employees)"
        )

    with pytest.raises(SourceError) as caught:
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)

    assert str(caught.value) == f"duckdb:///{path}::accounts: {TABLE_MESSAGE}"


def test_a_table_names_each_kind_of_count_it_refuses(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT * FROM (VALUES ('a0', 'Acme', -3.0), "
            "('a1', 'Beta', 2.5), ('a2', 'Core', -0.5)) AS t(account_id, name, "
            "employees)"
        )

    with pytest.raises(SourceError) as caught:
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)

    assert str(caught.value) == (
        f"duckdb:///{path}::accounts: 'employees' (employees) is not a whole "
        "number for account(s) 'a1' (2.5), 'a2' (-0.5), as a count must be; "
        "'employees' (employees) is below zero for account(s) 'a0' (-3), and a "
        "count cannot be. Fix: write the whole count (e.g. 1200), or clear the "
        "cell; write the count as 0 or more (a minus sign or brackets make a "
        "number negative), or clear the cell; nothing was scored"
    )


def test_a_sqlite_table_with_a_count_with_a_fraction_is_refused(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, employees REAL)"
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?)",
            [("a0", "Acme", 10), ("a1", "Beta", 2.5), ("a2", "Core", 1e30)],
        )
    connection.close()

    with pytest.raises(SourceError) as caught:
        tier_table(f"sqlite:///{path}::accounts", tmp_path / "out", AS_OF)

    assert str(caught.value).endswith(TABLE_MESSAGE)


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A schema of this test's own holding ``accounts``; dropped afterwards."""
    with own_schema("tierwise_typed_counts") as (admin, schema):
        admin.execute(
            f'CREATE TABLE "{schema}".accounts '
            "(account_id text, name text, employees numeric(12, 2))"
        )
        admin.execute(
            f"INSERT INTO \"{schema}\".accounts VALUES ('a0', 'Acme', 10), "
            "('a1', 'Beta', 2.5)"
        )
        yield schema


@pytest.mark.postgres
def test_a_postgres_table_with_a_count_with_a_fraction_is_refused(
    postgres_schema: str, tmp_path: Path
) -> None:
    source = f"{POSTGRES}::{postgres_schema}.accounts"

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert str(caught.value).endswith(TABLE_MESSAGE)
