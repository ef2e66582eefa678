"""A MariaDB user who may only read a table can still tier it.

On MariaDB 10.10 and later the query runs in stages kept in temporary
tables, which needs the CREATE TEMPORARY TABLES privilege. A user granted
SELECT alone, as analysts often are, was refused by the server ('Access
denied ... to database') and could not tier at all. Such a user now gets
the one query, with a warning, and the same tiers.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from edge_accounts import AS_OF, edge_accounts
from sqlalchemy.engine import make_url
from tests import mariadb

from tierwise.table_jobs import tier_table

pytestmark = pytest.mark.mariadb


def _rows(out: Path) -> list[dict[str, Any]]:
    return pq.read_table(out / "tiers.parquet").sort_by("account_id").to_pylist()


@pytest.fixture
def reader() -> Iterator[tuple[str, str]]:
    """The table's URL for its owner, and for a user who may only read it."""
    with mariadb.own_database("tierwise_reader") as (admin, database):
        mariadb.load_table(admin, database, "accounts", edge_accounts())
        user = f"tierwise_reader_{uuid.uuid4().hex[:8]}"
        with admin.cursor() as cursor:
            cursor.execute(f"CREATE USER '{user}'@'%'")
            cursor.execute(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%'")
        owner = mariadb.source_url(database)
        read_only = make_url(owner).set(username=user, password=None)
        try:
            yield (
                f"{owner}::accounts",
                f"{read_only.render_as_string(hide_password=False)}::accounts",
            )
        finally:
            with admin.cursor() as cursor:
                cursor.execute(f"DROP USER IF EXISTS '{user}'@'%'")


def test_a_user_who_may_only_read_tiers_as_the_owner(
    reader: tuple[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    owner, read_only = reader
    tier_table(owner, tmp_path / "owner", AS_OF, accept_warnings=True)

    with caplog.at_level(logging.WARNING):
        tier_table(
            read_only,
            tmp_path / "reader",
            AS_OF,
            accept_warnings=True,
            explain_all=True,
        )

    assert _rows(tmp_path / "reader") == _rows(tmp_path / "owner")
    assert "may not create temporary tables" in caplog.text
    assert pq.read_table(tmp_path / "reader" / "explain.parquet").num_rows > 0


def test_a_user_who_may_only_read_is_told_once_per_run(
    reader: tuple[str, str], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # With --explain-all the run asks the database for two queries, and each
    # tried temporary tables and warned again: the same warning twice.
    _, read_only = reader

    with caplog.at_level(logging.WARNING):
        tier_table(
            read_only, tmp_path / "out", AS_OF, accept_warnings=True, explain_all=True
        )

    told = [
        record
        for record in caplog.records
        if "may not create temporary tables" in record.getMessage()
    ]
    assert len(told) == 1
