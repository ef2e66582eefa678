"""Salesforce ids in a ``--source`` table, against the same accounts in a file.

A file's id column whose every value looks like a Salesforce account id is
keyed on the 18-character form; a table read in its database's own SQL
must be keyed so too, or the same accounts tiered from a file and from a
table would not meet in the store (the cases, on every database, are in
``test_table_salesforce_ids.py``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import tier_file
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
ROWS = [("001A000001xYzAb", "Acme", 900), ("001A000001XyZaB", "Bolt", 40)]


def _ids(out: Path) -> list[str]:
    results = pq.read_table(out / "tiers.parquet", columns=["account_id"])
    return sorted(results.column("account_id").to_pylist())


def _duckdb_table(path: Path) -> str:
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id VARCHAR, name VARCHAR, employees INT)"
        )
        connection.executemany("INSERT INTO accounts VALUES (?, ?, ?)", ROWS)
    return f"duckdb:///{path}::accounts"


def _sqlite_table(path: Path) -> str:
    connection = sqlite3.connect(path)
    with connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, employees INTEGER)"
        )
        connection.executemany("INSERT INTO accounts VALUES (?, ?, ?)", ROWS)
    connection.close()
    return f"sqlite:///{path}::accounts"


@pytest.mark.parametrize(
    ("make", "name"),
    [
        pytest.param(_duckdb_table, "crm.duckdb", id="duckdb"),
        pytest.param(_sqlite_table, "crm.sqlite", id="sqlite"),
    ],
)
def test_a_table_keys_salesforce_ids_as_a_file_does(
    tmp_path: Path, make: Callable[[Path], str], name: str
) -> None:
    accounts = pa.table(
        {
            "account_id": [row[0] for row in ROWS],
            "name": [row[1] for row in ROWS],
            "employees": [row[2] for row in ROWS],
        }
    )
    pa_csv.write_csv(accounts, tmp_path / "accounts.csv")
    tier_file(tmp_path / "accounts.csv", tmp_path / "from-file", AS_OF)

    tier_table(make(tmp_path / name), tmp_path / "from-table", AS_OF)

    assert _ids(tmp_path / "from-table") == _ids(tmp_path / "from-file")
