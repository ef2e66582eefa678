"""A ``--source`` table that is in another schema than the one searched.

``postgresql://…/test::accounts`` with the table in schema ``crm`` said
"no table 'accounts' in that database (tables there: none)" while the
database held it: the error named neither the schema searched (PostgreSQL's
search path, DuckDB's main, MySQL's database) nor where the table was. It
now names both, and the name to write after ``::``.

Each test names its table after its own schema or database, so that the
tables other tests make on the shared servers at the same time are not
listed beside it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pytest
from tests import mariadb
from tests.postgres import POSTGRES, load_table, own_schema

from tierwise.errors import SourceError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
ACCOUNTS = pa.table({"account_id": ["a1"], "name": ["Acme"]})


def test_a_duckdb_table_in_another_schema_is_named_with_the_fix(
    tmp_path: Path,
) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE SCHEMA sales")
        connection.execute("CREATE TABLE sales.accounts AS SELECT 'a1' AS account_id")
        connection.execute("CREATE TABLE leads AS SELECT 'l1' AS lead_id")

    with pytest.raises(SourceError) as caught:
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)

    assert str(caught.value) == (
        f"duckdb:///{path}::accounts: no table 'accounts' in schema main "
        "(tables there: leads); a table of that name is in schema sales: "
        "write ::sales.accounts"
    )
    assert not (tmp_path / "out").exists()


def test_a_duckdb_table_in_several_other_schemas_lists_each(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        for schema in ("emea", "amer"):
            connection.execute(f"CREATE SCHEMA {schema}")
            connection.execute(f"CREATE TABLE {schema}.Accounts AS SELECT 1 AS id")

    with pytest.raises(
        SourceError,
        match=r"no table 'accounts' in schema main \(tables there: none\); tables "
        r"of that name are in schemas amer, emea: write ::amer\.Accounts or "
        r"::emea\.Accounts$",
    ):
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)


@pytest.mark.postgres
def test_a_postgres_table_outside_the_search_path_is_named_with_the_fix(
    tmp_path: Path,
) -> None:
    with (
        own_schema("tierwise_path") as (_, searched),
        own_schema("tierwise_other") as (admin, holding),
    ):
        table = f"accounts_{holding}"
        load_table(admin, holding, table, ACCOUNTS)
        url = f"{POSTGRES}?options=-csearch_path%3D{searched}"

        with pytest.raises(SourceError) as caught:
            tier_table(f"{url}::{table}", tmp_path / "out", AS_OF)

    assert str(caught.value).endswith(
        f": no table {table!r} in schema {searched} (the search path; tables "
        f"there: none); a table of that name is in schema {holding}: write "
        f"::{holding}.{table}"
    )


@pytest.mark.postgres
def test_a_postgres_mixed_case_table_elsewhere_is_written_in_quotes(
    tmp_path: Path,
) -> None:
    with own_schema("tierwise_other") as (admin, holding):
        table = f"Accounts_{holding}"
        load_table(admin, holding, table, ACCOUNTS)

        with pytest.raises(
            SourceError,
            match=rf'is in schema {holding}: write ::{holding}\."{table}"$',
        ):
            tier_table(f"{POSTGRES}::{table}", tmp_path / "out", AS_OF)


@pytest.mark.postgres
def test_a_postgres_table_in_the_wrong_named_schema_is_found(tmp_path: Path) -> None:
    with (
        own_schema("tierwise_named") as (_, named),
        own_schema("tierwise_other") as (admin, holding),
    ):
        table = f"accounts_{holding}"
        load_table(admin, holding, table, ACCOUNTS)

        with pytest.raises(
            SourceError,
            match=rf"no table '{table}' in schema {named} \(tables there: "
            rf"none\); a table of that name is in schema {holding}: write "
            rf"::{holding}\.{table}$",
        ):
            tier_table(f"{POSTGRES}::{named}.{table}", tmp_path / "out", AS_OF)


@pytest.mark.mariadb
def test_a_mariadb_table_in_another_database_is_named_with_the_fix(
    tmp_path: Path,
) -> None:
    with (
        mariadb.own_database("tierwise_here") as (_, searched),
        mariadb.own_database("tierwise_other") as (admin, holding),
    ):
        table = f"accounts_{holding}"
        mariadb.load_table(admin, holding, table, ACCOUNTS)
        source = f"{mariadb.source_url(searched)}::{table}"

        with pytest.raises(SourceError) as caught:
            tier_table(source, tmp_path / "out", AS_OF)

    assert re.search(
        rf"no table '{table}' in database {searched} \(tables there: none\); a "
        rf"table of that name is in database {holding}: write ::{holding}\.{table}$",
        str(caught.value),
    )
