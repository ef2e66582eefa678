"""A view in a DuckDB file tiers as the table it selects from.

A DuckDB file is attached to tierwise's own connection, where its mapped
table was read through a view named ``accounts``. A view in the file that
reads the file's own table ``accounts`` (the usual name) then bound to
tierwise's view instead, which reads the file's view: DuckDB stopped on
infinite recursion and the command printed a traceback.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
from edge_accounts import AS_OF, edge_accounts

from tierwise.jobs import explain_accounts
from tierwise.table_jobs import tier_table

KEPT = "WHERE employees > 1000 OR employees IS NULL"


def _rows(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


def test_a_view_over_the_files_accounts_table_tiers_and_explains(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("edge", edge_accounts())
        connection.execute("CREATE TABLE accounts AS SELECT * FROM edge")
        connection.execute(f"CREATE VIEW large AS SELECT * FROM accounts {KEPT}")
        connection.execute(f"CREATE TABLE copied AS SELECT * FROM accounts {KEPT}")
    source = f"duckdb:///{path}::"

    tier_table(source + "large", tmp_path / "view", AS_OF, accept_warnings=True)
    tier_table(source + "copied", tmp_path / "table", AS_OF, accept_warnings=True)

    rows = _rows(tmp_path / "view")
    assert rows == _rows(tmp_path / "table")
    first = rows[0]["account_id"]
    explained = explain_accounts(tmp_path / "view", [first])
    assert [item.account_id for item in explained] == [first]
