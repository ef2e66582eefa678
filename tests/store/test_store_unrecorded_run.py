"""A run the store could not record leaves its --out folder as it was."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import tier_file
from tierwise.store import StoreBusyError, list_runs, open_store
from tierwise.table_jobs import tier_table


def test_a_run_a_busy_store_refused_puts_no_results_in_place(
    sqlite_url: str, tmp_path: Path
) -> None:
    # The results took their place before the store recorded the run: a
    # busy store, or a stop while recording, left a whole results folder
    # that no store knew of, and explain then read it as a run.
    accounts = tmp_path / "accounts.parquet"
    pq.write_table(pa.table({"account_id": ["a-1"], "name": ["Acme"]}), accounts)
    out = tmp_path / "out"
    with (
        open_store(sqlite_url) as holder,
        open_store(sqlite_url, lock_timeout=0.2) as impatient,
    ):
        with holder.writing(), pytest.raises(StoreBusyError):
            tier_file(accounts, out, date(2026, 9, 30), store=impatient)

        assert not out.exists()
        assert list_runs(impatient) == []
    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "accounts.parquet",
        "tierwise.db",
    ]


def test_a_table_run_a_busy_store_refused_leaves_out_and_database_as_they_were(
    sqlite_url: str, tmp_path: Path
) -> None:
    database = tmp_path / "crm.duckdb"
    with duckdb.connect(str(database)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a-1' AS account_id, 'Acme' AS name"
        )
    out = tmp_path / "out"
    with (
        open_store(sqlite_url) as holder,
        open_store(sqlite_url, lock_timeout=0.2) as impatient,
        holder.writing(),
        pytest.raises(StoreBusyError),
    ):
        tier_table(
            f"duckdb:///{database}::accounts",
            out,
            date(2026, 9, 30),
            store=impatient,
            write_back="tiers",
        )

    assert not out.exists()
    with duckdb.connect(str(database)) as connection:
        assert connection.sql("SHOW TABLES").fetchall() == [("accounts",)]
