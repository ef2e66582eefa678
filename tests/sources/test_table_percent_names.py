"""A table whose column names hold a percent sign scores in every database.

CRM fields are often named ``Win Probability (%)`` or ``Intent (0-100%)``.
PostgreSQL's and MariaDB's Python drivers read ``%`` as the start of a
parameter in any statement sent with parameters, even none: the run failed
on PostgreSQL and stopped with a traceback on MariaDB, where a DuckDB file
tiered. Each database must give DuckDB's results, account by account.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from edge_accounts import AS_OF, edge_accounts
from tests import mariadb, postgres

from tierwise.sources.mapping import load_mapping_file
from tierwise.table_jobs import tier_table

RENAMED = {
    "web_visits_30d": "Web Visits (% of 30d)",
    "name": "Account Name 100%",
    "industry": "Industry %s",
}


def _accounts() -> pa.Table:
    table = edge_accounts()
    names = [RENAMED.get(name, name) for name in table.column_names]
    return table.rename_columns(names)


def _tiered(source: str, out: Path, mapping_file: Path) -> list[dict[str, Any]]:
    mapping = load_mapping_file(mapping_file)
    tier_table(
        source, out, AS_OF, mapping=mapping, accept_warnings=True, explain_all=True
    )
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.fixture
def mapping_file(tmp_path: Path) -> Path:
    path = tmp_path / "mapping.yaml"
    lines = [f"  {field}: '{header}'" for field, header in RENAMED.items()]
    path.write_text("preset: generic\ncolumns:\n" + "\n".join(lines) + "\n")
    return path


@pytest.fixture
def in_duckdb(tmp_path: Path, mapping_file: Path) -> list[dict[str, Any]]:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("edge", _accounts())
        connection.execute("CREATE TABLE accounts AS SELECT * FROM edge")
    return _tiered(f"duckdb:///{path}::accounts", tmp_path / "duck", mapping_file)


@pytest.fixture
def postgres_table() -> Iterator[str]:
    with postgres.own_schema("tierwise_percent") as (admin, schema):
        postgres.load_table(admin, schema, "accounts", _accounts())
        yield f"{postgres.POSTGRES}::{schema}.accounts"


@pytest.fixture
def mariadb_table() -> Iterator[str]:
    with mariadb.own_database("tierwise_percent") as (admin, database):
        mariadb.load_table(admin, database, "accounts", _accounts())
        yield f"{mariadb.MARIADB}::{database}.accounts"


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def test_percent_signs_in_column_names_score_as_in_duckdb(
    database: str,
    request: pytest.FixtureRequest,
    in_duckdb: list[dict[str, Any]],
    mapping_file: Path,
    tmp_path: Path,
) -> None:
    source = request.getfixturevalue(f"{database}_table")

    rows = _tiered(source, tmp_path / database, mapping_file)

    assert rows == in_duckdb
    assert any(row["tier"] == "tier_1" for row in rows)
