"""Accounts that tell databases apart score in each as in DuckDB.

The edge-case accounts (``edge_accounts.py``: ids that differ only by case,
accents or a trailing control character, list values in other cases, with
accents and odd white space, blanks, dates on a window's edge) are loaded
into a DuckDB file, a PostgreSQL schema and a MariaDB database of the
test's own, left in the server's default collation, which ignores case and
accents. Each database scores them in its own SQL; the tiers, scores,
ranks and reason codes must be DuckDB's, account by account.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
import pytest
from edge_accounts import AS_OF, TIED_IDS, edge_accounts
from tests import mariadb, postgres

from tierwise.table_jobs import tier_table


def _tiered(source: str, out: Path) -> list[dict[str, Any]]:
    tier_table(source, out, AS_OF, accept_warnings=True)
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.fixture(scope="module")
def in_duckdb(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, Any]]:
    """The edge-case accounts tiered from a DuckDB file's table."""
    folder = tmp_path_factory.mktemp("edge-duckdb")
    path = folder / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.register("edge", edge_accounts())
        connection.execute("CREATE TABLE accounts AS SELECT * FROM edge")
    return _tiered(f"duckdb:///{path}::accounts", folder / "out")


@pytest.fixture
def postgres_table() -> Iterator[str]:
    with postgres.own_schema("tierwise_edge") as (admin, schema):
        postgres.load_table(admin, schema, "accounts", edge_accounts())
        yield f"{postgres.POSTGRES}::{schema}.accounts"


@pytest.fixture
def mariadb_table() -> Iterator[str]:
    with mariadb.own_database("tierwise_edge") as (admin, database):
        mariadb.load_table(admin, database, "accounts", edge_accounts())
        yield f"{mariadb.MARIADB}::{database}.accounts"


def test_the_tied_accounts_are_capped_by_code_point_order(
    in_duckdb: list[dict[str, Any]],
) -> None:
    tied = [row for row in in_duckdb if row["account_id"] in TIED_IDS]
    tier_1 = [row["account_id"] for row in tied if row["tier"] == "tier_1"]
    capped = [row["account_id"] for row in tied if row["capped_from"]]

    assert sorted(tier_1) == sorted(TIED_IDS)[:15]
    assert sorted(capped) == sorted(TIED_IDS)[15:]
    assert len(in_duckdb) == len(edge_accounts()) - 1  # one has no name


@pytest.mark.parametrize(
    "database",
    [
        pytest.param("postgres", marks=pytest.mark.postgres),
        pytest.param("mariadb", marks=pytest.mark.mariadb),
    ],
)
def test_edge_accounts_tier_in_the_database_as_in_duckdb(
    database: str,
    request: pytest.FixtureRequest,
    in_duckdb: list[dict[str, Any]],
    tmp_path: Path,
) -> None:
    source = request.getfixturevalue(f"{database}_table")

    tiered = _tiered(source, tmp_path / "out")

    assert [row["account_id"] for row in tiered] == [
        row["account_id"] for row in in_duckdb
    ]
    assert tiered == in_duckdb
