"""A ``--write-back`` table is kept only when the whole run succeeds.

The table is made while the run scores, before the results folder and the
store are written. When one of those failed (a file standing where the
folder goes), the table stayed in the database, and the next try was
refused because it existed: half a run, and no way to repeat it as given.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from tests import mariadb
from tests.postgres import POSTGRES, own_schema

from tierwise.errors import TierwiseError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def _blocked(tmp_path: Path) -> Path:
    """An --out that cannot be made: a file stands there."""
    out = tmp_path / "out"
    out.write_text("not a folder\n")
    return out


def test_a_duckdb_write_back_is_dropped_when_the_run_fails(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name"
        )
    source = f"duckdb:///{path}::accounts"

    with pytest.raises(OSError, match="File exists"):
        tier_table(source, _blocked(tmp_path), AS_OF, write_back="tiers_q3")
    with duckdb.connect(str(path), read_only=True) as connection:
        tables = connection.sql("SELECT table_name FROM duckdb_tables()").fetchall()
    assert tables == [("accounts",)]

    job = tier_table(source, tmp_path / "again", AS_OF, write_back="tiers_q3")
    assert job.run.accounts == 1


@pytest.fixture
def postgres_source() -> Iterator[tuple[object, str]]:
    with own_schema("tierwise_wb_fail") as (admin, schema):
        admin.execute(
            f'CREATE TABLE "{schema}".accounts AS '
            "SELECT 'a1'::text AS account_id, 'Acme'::text AS name"
        )
        yield admin, schema


@pytest.mark.postgres
def test_a_postgres_write_back_is_dropped_when_the_run_fails(
    postgres_source: tuple[object, str], tmp_path: Path
) -> None:
    admin, schema = postgres_source
    source = f"{POSTGRES}::{schema}.accounts"

    with pytest.raises(OSError, match="File exists"):
        tier_table(source, _blocked(tmp_path), AS_OF, write_back="tiers_q3")
    tables = admin.execute(  # type: ignore[attr-defined]
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_schema = '{schema}'"
    ).fetchall()
    assert tables == [("accounts",)]

    job = tier_table(source, tmp_path / "again", AS_OF, write_back="tiers_q3")
    assert job.run.accounts == 1


@pytest.mark.postgres
@pytest.mark.parametrize(
    ("name", "size"),
    [pytest.param("t" * 64, 64, id="ascii"), pytest.param("é" * 32, 64, id="accents")],
)
def test_a_postgres_write_back_name_past_63_bytes_is_refused(
    postgres_source: tuple[object, str], tmp_path: Path, name: str, size: int
) -> None:
    """PostgreSQL cut such a name to 63 bytes without a word: the summary and
    run.json named a table that was not there, and the next run with a name
    sharing those bytes failed on the database's own error."""
    admin, schema = postgres_source
    source = f"{POSTGRES}::{schema}.accounts"

    with pytest.raises(TierwiseError, match=rf"is {size} bytes long .* at most 63"):
        tier_table(source, tmp_path / "out", AS_OF, write_back=f'"{name}"')
    tables = admin.execute(  # type: ignore[attr-defined]
        "SELECT table_name FROM information_schema.tables "
        f"WHERE table_schema = '{schema}'"
    ).fetchall()
    assert tables == [("accounts",)]
    assert not (tmp_path / "out").exists()

    job = tier_table(source, tmp_path / "again", AS_OF, write_back=f'"{name[:-1]}"')
    assert job.run.accounts == 1


@pytest.mark.mariadb
def test_a_mariadb_write_back_name_past_64_characters_is_refused(
    tmp_path: Path,
) -> None:
    with mariadb.own_database("tierwise_wb_long") as (admin, database):
        with admin.cursor() as cursor:
            cursor.execute(
                f"CREATE TABLE `{database}`.accounts AS "
                "SELECT 'a1' AS account_id, 'Acme' AS name"
            )
        source = f"{mariadb.MARIADB}::{database}.accounts"

        with pytest.raises(TierwiseError, match=r"is 65 characters long .* at most 64"):
            tier_table(source, tmp_path / "out", AS_OF, write_back="é" * 65)
        job = tier_table(source, tmp_path / "again", AS_OF, write_back="é" * 64)
        assert job.run.accounts == 1
