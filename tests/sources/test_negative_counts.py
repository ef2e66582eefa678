"""Counts below zero are refused on every path that reads accounts.

A count (employees, visits, downloads, events, units) cannot be negative:
``-5``, ``-1,000`` and the accounting ``(1,200)`` written in a CSV cell, a
number cell of -3 in a workbook and -40 in a Parquet column or a database
table are each refused naming the file (or table), the row (or account),
the column and the fix. A Parquet file read in place gives the outcome the
cell reader gives; fields that may be negative (growth) are read as they
are.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator
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
from tierwise.table_jobs import tier_table

WriteFile = Callable[..., Path]

AS_OF = date(2026, 9, 30)
FIX = (
    "  employees: write the count as 0 or more (a minus sign or brackets make "
    "a number negative), or clear the cell"
)
FIELDS = {
    "account_id": FieldKind.TEXT,
    "name": FieldKind.TEXT,
    "employees": FieldKind.NUMBER,
}


def refusal(path: Path, mapping: ColumnMapping | None = None) -> list[str]:
    with pytest.raises(SourceError) as caught:
        read_accounts(path, FIELDS, mapping or load_preset("generic"))
    return str(caught.value).splitlines()


@pytest.mark.parametrize(
    "cell",
    [
        pytest.param("-5", id="minus"),
        pytest.param("-1,000", id="minus-grouped"),
        pytest.param("(1,200)", id="accounting-brackets"),
        pytest.param("\u22127", id="minus-sign-character"),
        pytest.param("-2K", id="minus-magnitude"),
        pytest.param("~-3", id="approximate"),
    ],
)
def test_a_written_count_below_zero_names_row_column_and_fix(
    write_file: WriteFile, cell: str
) -> None:
    path = write_file(
        "counts.csv", f'account_id,name,employees\nA1,Acme,12\nA2,Beta,"{cell}"\n'
    )

    assert refusal(path) == [
        "counts.csv: 1 cell(s) cannot be read; nothing was imported.",
        f"  row 3, column 'employees' (employees): {cell!r} is below zero, and "
        "a count cannot be",
        "To fix:",
        FIX,
    ]


def test_a_count_below_zero_under_multiply_is_refused(write_file: WriteFile) -> None:
    path = write_file("counts.csv", "account_id,name,employees\nA1,Acme,-1.5\n")
    mapping = ColumnMapping(
        "test",
        {
            "account_id": ColumnSpec("account_id"),
            "name": ColumnSpec("name"),
            "employees": ColumnSpec("employees", multiply=Decimal(1000)),
        },
    )

    assert refusal(path, mapping)[1] == (
        "  row 2, column 'employees' (employees): '-1.5' is below zero, and a "
        "count cannot be"
    )


def test_a_field_that_may_be_negative_keeps_its_sign(write_file: WriteFile) -> None:
    path = write_file(
        "growth.csv", "account_id,name,revenue_growth_pct\nA1,Acme,-5\nA2,B,(1.5)\n"
    )
    fields = {**FIELDS, "revenue_growth_pct": FieldKind.NUMBER}

    table, _ = read_accounts(path, fields, load_preset("generic"))

    assert table.column("revenue_growth_pct").to_pylist() == [-5.0, -1.5]


def test_a_number_cell_below_zero_in_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "accounts.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    rows = [["account_id", "name", "employees"], ["A1", "Acme", 40], ["A2", "B", -3]]
    for row in rows:
        sheet.append(row)
    workbook.save(path)

    assert refusal(path)[1:] == [
        "  row 3, column 'employees' (employees): -3 is below zero, and a count "
        "cannot be",
        "To fix:",
        FIX,
    ]


def write_parquet(path: Path, employees: list[int | None]) -> Path:
    ids = [f"a{i}" for i in range(len(employees))]
    names = [f"Company {i}" for i in range(len(employees))]
    pq.write_table(
        pa.table({"account_id": ids, "name": names, "employees": employees}), path
    )
    return path


def test_a_parquet_count_below_zero_is_refused_as_the_cell_reader_does(
    tmp_path: Path,
) -> None:
    path = write_parquet(tmp_path / "accounts.parquet", [10, -40, 5])

    with pytest.raises(SourceError) as in_a_run:
        tier_file(path, tmp_path / "out", AS_OF)

    assert str(in_a_run.value).splitlines() == refusal(path)
    assert refusal(path)[1] == (
        "  row 2, column 'employees' (employees): -40 is below zero, and a count "
        "cannot be"
    )
    assert not (tmp_path / "out" / "tiers.parquet").exists()


def test_a_parquet_row_left_out_for_a_blank_name_is_not_checked(
    tmp_path: Path,
) -> None:
    # The cell reader reads counts of the rows it keeps only; so does the
    # query's check.
    path = tmp_path / "accounts.parquet"
    pq.write_table(
        pa.table(
            {"account_id": ["a1", "a2"], "name": ["Acme", None], "employees": [3, -1]}
        ),
        path,
    )

    job = tier_file(path, tmp_path / "out", AS_OF, accept_warnings=True)

    assert (job.run.accounts, job.report.skipped) == (1, [(2, "blank name")])


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
    path = write_parquet(tmp_path / "accounts.parquet", [10, -40, 5, -2])

    with pytest.raises(SourceError) as caught:
        tier_file(path, tmp_path / "out", AS_OF)

    assert str(caught.value).splitlines() == [
        "accounts.parquet: 2 cell(s) cannot be read; nothing was imported.",
        "  2 cells in rows 2 and 4, column 'employees' (employees): -40, -2; each "
        "is below zero, and a count cannot be",
        "Per column: 'employees' (employees) 2",
        "To fix:",
        FIX,
    ]
    assert str(caught.value).splitlines() == refusal(path)


TABLE_MESSAGE = (
    "'employees' (employees) is below zero for account(s) 'a1' (-40), and a "
    "count cannot be. Fix: write the count as 0 or more (a minus sign or "
    "brackets make a number negative), or clear the cell; nothing was scored"
)


def test_a_duckdb_table_with_a_count_below_zero_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT * FROM (VALUES ('a0', 'Acme', 10), "
            "('a1', 'Beta', -40), ('a2', NULL, -7)) AS t(account_id, name, employees)"
        )

    with pytest.raises(SourceError) as caught:
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)

    assert str(caught.value) == f"duckdb:///{path}::accounts: {TABLE_MESSAGE}"


def test_a_sqlite_table_with_a_count_below_zero_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, employees INTEGER)"
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?)",
            [("a0", "Acme", 10), ("a1", "Beta", -40)],
        )
    connection.close()

    with pytest.raises(SourceError, match=r"'a1' \(-40\), and a count cannot be"):
        tier_table(f"sqlite:///{path}::accounts", tmp_path / "out", AS_OF)


@pytest.fixture
def postgres_schema() -> Iterator[str]:
    """A schema of this test's own holding ``accounts``; dropped afterwards."""
    with own_schema("tierwise_counts") as (admin, schema):
        admin.execute(
            f'CREATE TABLE "{schema}".accounts '
            "(account_id text, name text, employees double precision)"
        )
        admin.execute(
            f"INSERT INTO \"{schema}\".accounts VALUES ('a0', 'Acme', 10), "
            "('a1', 'Beta', -40)"
        )
        yield schema


@pytest.mark.postgres
def test_a_postgres_table_with_a_count_below_zero_is_refused(
    postgres_schema: str, tmp_path: Path
) -> None:
    source = f"{POSTGRES}::{postgres_schema}.accounts"

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert str(caught.value).endswith(TABLE_MESSAGE)
