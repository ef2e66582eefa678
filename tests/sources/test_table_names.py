"""The TABLE of ``--source URL::TABLE`` is read as written, or refused.

A name is TABLE, SCHEMA.TABLE or (where the database has catalogs)
CATALOG.SCHEMA.TABLE. A name with more parts, or an empty part, was read as
some other table and the error then named a table the user never wrote
(``a.b.c.d`` as table 'd' in schema b); a DuckDB file's catalog was
silently replaced by the file itself, so ``other.main.accounts`` tiered
``main.accounts``. A ``--write-back`` table's name is read the same way,
and refused before anything is scored when it cannot be made: an empty
name ran without writing back, a missing schema or a view of that name
failed after the scoring with a traceback, and PostgreSQL's ``TiersQ4``
(which it reads as ``tiersq4``) was checked and recorded as written.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from tests.postgres import POSTGRES, own_schema

from tierwise.errors import SourceError, TierwiseError
from tierwise.sources.database import parse_source
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


@pytest.mark.parametrize(
    "name",
    [
        pytest.param("a.b.c.d", id="four-parts"),
        pytest.param("main..accounts", id="empty-schema"),
        pytest.param('main.""', id="empty-table"),
        pytest.param('"".accounts', id="empty-quoted-schema"),
    ],
)
def test_a_table_name_with_a_missing_or_extra_part_is_refused(name: str) -> None:
    with pytest.raises(SourceError, match="is not a table name; write TABLE or"):
        parse_source(f"{POSTGRES}::{name}")


def test_a_duckdb_files_table_takes_no_catalog(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE accounts AS SELECT 'a1' AS account_id")

    with pytest.raises(SourceError, match=r"the file is the database: write TABLE"):
        tier_table(f"duckdb:///{path}::other.main.accounts", tmp_path / "out", AS_OF)
    assert not (tmp_path / "out").exists()


def test_a_catalog_is_kept_in_the_name_shown() -> None:
    source = parse_source(f"{POSTGRES}::other.sales.accounts")

    assert source.shown() == f"{POSTGRES}::other.sales.accounts"


@pytest.fixture
def duckdb_source(tmp_path: Path) -> str:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name"
        )
        connection.execute("CREATE VIEW tiers_view AS SELECT 1 AS x")
    return f"duckdb:///{path}::accounts"


@pytest.mark.parametrize(
    ("write_back", "message"),
    [
        pytest.param("", "--write-back '': '' is not a table name", id="empty"),
        pytest.param("a.b.c.d", "'a.b.c.d' is not a table name", id="four-parts"),
        pytest.param("main..tiers", "is not a table name", id="empty-schema"),
        pytest.param("other.main.tiers", "'other' names another", id="catalog"),
        pytest.param("nosuch.tiers", "there is no schema 'nosuch'", id="no-schema"),
        pytest.param(
            "tiers_view", "--write-back tiers_view: the table exists", id="view"
        ),
    ],
)
def test_a_duckdb_write_back_name_that_cannot_be_made_is_refused_first(
    duckdb_source: str, tmp_path: Path, write_back: str, message: str
) -> None:
    with pytest.raises(TierwiseError, match=message):
        tier_table(duckdb_source, tmp_path / "out", AS_OF, write_back=write_back)
    assert not (tmp_path / "out").exists()


@pytest.fixture
def postgres_source() -> Iterator[tuple[Any, str]]:
    with own_schema("tierwise_names") as (admin, schema):
        admin.execute(
            f'CREATE TABLE "{schema}".accounts AS '
            "SELECT 'a1'::text AS account_id, 'Acme'::text AS name"
        )
        admin.execute(f'CREATE TABLE "{schema}".tiers_q3 (x int)')
        yield admin, f"{POSTGRES}::{schema}.accounts"


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("write_back", "message"),
    [
        pytest.param("", "--write-back '': '' is not a table name", id="empty"),
        pytest.param("a.b.c.d", "'a.b.c.d' is not a table name", id="four-parts"),
        pytest.param("s..tiers", "is not a table name", id="empty-schema"),
        pytest.param("nosuch.tiers", "there is no schema 'nosuch'", id="no-schema"),
        pytest.param(
            "Tiers_Q3", "--write-back Tiers_Q3: the table exists", id="lower-cased"
        ),
    ],
)
def test_a_postgres_write_back_name_that_cannot_be_made_is_refused_first(
    postgres_source: tuple[Any, str], tmp_path: Path, write_back: str, message: str
) -> None:
    _, source = postgres_source

    with pytest.raises(TierwiseError, match=message):
        tier_table(source, tmp_path / "out", AS_OF, write_back=write_back)
    assert not (tmp_path / "out").exists()


@pytest.mark.postgres
def test_a_write_back_table_is_recorded_as_the_database_names_it(
    postgres_source: tuple[Any, str], tmp_path: Path
) -> None:
    admin, source = postgres_source
    schema = source.rsplit("::", 1)[1].split(".")[0]

    tier_table(source, tmp_path / "out", AS_OF, write_back="TiersQ4")

    manifest = json.loads((tmp_path / "out" / "run.json").read_text())
    assert manifest["written_back"] == f"{schema}.tiersq4"
    kept = admin.execute(f'SELECT account_id FROM "{schema}".tiersq4').fetchall()
    assert kept == [("a1",)]


@pytest.mark.postgres
def test_a_write_back_in_another_database_is_refused_first(
    postgres_source: tuple[Any, str], tmp_path: Path
) -> None:
    # The catalog was dropped: the table was made in --source's database.
    admin, source = postgres_source
    schema = source.rsplit("::", 1)[1].split(".")[0]
    write_back = f"elsewhere.{schema}.tiers_q4"

    with pytest.raises(SourceError, match=r"not in 'elsewhere': write TABLE or"):
        tier_table(source, tmp_path / "out", AS_OF, write_back=write_back)
    tables = admin.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s "
        "ORDER BY 1",
        [schema],
    ).fetchall()
    assert tables == [("accounts",), ("tiers_q3",)]
    assert not (tmp_path / "out").exists()


@pytest.mark.postgres
def test_a_write_back_may_name_the_sources_own_database(
    postgres_source: tuple[Any, str], tmp_path: Path
) -> None:
    from sqlalchemy.engine import make_url

    admin, source = postgres_source
    schema = source.rsplit("::", 1)[1].split(".")[0]
    database = make_url(POSTGRES).database

    tier_table(source, tmp_path / "out", AS_OF, write_back=f"{database}.{schema}.t4")

    kept = admin.execute(f'SELECT account_id FROM "{schema}".t4').fetchall()
    assert kept == [("a1",)]
