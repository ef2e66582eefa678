"""The TABLE of ``--source URL::TABLE`` is read as written, or refused.

A name is TABLE, SCHEMA.TABLE or (where the database has catalogs)
CATALOG.SCHEMA.TABLE. A name with more parts, or an empty part, was read as
some other table and the error then named a table the user never wrote
(``a.b.c.d`` as table 'd' in schema b); a DuckDB file's catalog was
silently replaced by the file itself, so ``other.main.accounts`` tiered
``main.accounts``.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest
from tests.postgres import POSTGRES

from tierwise.errors import SourceError
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
