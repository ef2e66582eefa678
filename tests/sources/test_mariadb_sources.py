"""Accounts in a MariaDB table, scored in MariaDB (``--source mysql://…``).

The MariaDB server at 127.0.0.1:3306 (user root, no password) holds the
demo portfolio in a database of the test's own, dropped afterwards; the
table keeps the server's default collation, which ignores case and
accents. Read through any spelling of the URL, the tiers, scores and reason
codes must be the Parquet file's, and a write-back table must hold them
too. Mistakes (a table or column that is not there, a wrong password, a
missing driver) stop the run with what to fix, and no password shows.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy.engine import make_url
from tests.mariadb import MARIADB, load_table, own_database, source_url
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.errors import SourceError, TierwiseError
from tierwise.table_jobs import tier_table

pytestmark = pytest.mark.mariadb

AS_OF = date(2026, 9, 30)  # the portfolio's as-of date (conftest.py)


def _rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).sort_by("account_id").to_pylist()


def _url(scheme: str) -> str:
    """The test server's URL (database ``test``) with another scheme."""
    return make_url(MARIADB).set(drivername=scheme).render_as_string(False)


@pytest.mark.parametrize("scheme", ["mysql+pymysql", "mariadb+pymysql", "mysql"])
def test_a_mariadb_table_tiers_in_place_as_the_file_does(
    mariadb_portfolio: str, from_file: list[Any], tmp_path: Path, scheme: str
) -> None:
    source = f"{_url(scheme)}::{mariadb_portfolio}.accounts"

    job = tier_table(source, tmp_path / "out", AS_OF, write_back="tiers_q3")

    assert _rows(tmp_path / "out" / "tiers.parquet") == from_file
    assert job.report.notes[0] == "read in place by the database's own SQL (mariadb)"
    manifest = json.loads((tmp_path / "out" / "run.json").read_text("utf-8"))
    written = f"{mariadb_portfolio}.tiers_q3"
    assert (manifest["engine"], manifest["written_back"]) == ("mariadb", written)
    with own_database("tierwise_reader") as (admin, _), admin.cursor() as cursor:
        cursor.execute(
            "SELECT account_id, tier, reason, total FROM "
            f"`{mariadb_portfolio}`.tiers_q3 ORDER BY account_id"
        )
        kept = list(cursor.fetchall())
    expected = [
        (row["account_id"], row["tier"], row["reason"], row["total"])
        for row in from_file
    ]
    assert kept == expected


def test_a_write_back_never_replaces_a_mariadb_table(
    mariadb_portfolio: str, tmp_path: Path
) -> None:
    source = f"{MARIADB}::{mariadb_portfolio}.accounts"

    with pytest.raises(TierwiseError, match="--write-back accounts: the table exists"):
        tier_table(source, tmp_path / "out", AS_OF, write_back="accounts")
    assert not (tmp_path / "out").exists()


@pytest.fixture
def small_database() -> Iterator[tuple[Any, str]]:
    """A database of the test's own for a table each test writes."""
    with own_database("tierwise_small") as (admin, database):
        yield admin, database


def _small(admin: Any, database: str, columns: dict[str, list[Any]]) -> str:
    load_table(admin, database, "accounts", pa.table(columns))
    return f"{source_url(database)}::accounts"


def test_a_missing_mariadb_table_lists_the_tables_there(
    small_database: tuple[Any, str], tmp_path: Path
) -> None:
    admin, database = small_database
    _small(admin, database, {"account_id": ["a1"], "name": ["Acme"]})

    with pytest.raises(
        SourceError,
        match=r"::acounts: no table 'acounts' in database tierwise_small_\w+ "
        r"\(tables there: accounts\); check the name after ::",
    ):
        tier_table(f"{source_url(database)}::acounts", tmp_path / "out", AS_OF)


def test_a_mariadb_table_without_an_id_column_names_the_columns(
    small_database: tuple[Any, str], tmp_path: Path
) -> None:
    admin, database = small_database
    source = _small(admin, database, {"name": ["Acme"], "industry": ["Retail"]})

    with pytest.raises(SourceError, match="account_id") as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    assert "'name'" in str(caught.value)


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        pytest.param(
            {"account_id": ["a1"], "name": ["Acme"], "employees": ["51-200"]},
            r"1 hold text where the model needs numbers .*: employees\. .*was scored",
            id="numbers-as-text",
        ),
        pytest.param(
            {"account_id": ["a1", "a1", "A1"], "name": ["Acme", "Acme BV", "Bolt"]},
            r"account ids repeat.*'a1' \(2 rows\)\. Give each",
            id="repeated-ids",
        ),
        pytest.param(
            {"account_id": ["a0", "a1"], "name": ["A", "B"], "employees": [10, -40]},
            r"'employees' \(employees\) is below zero for account\(s\) 'a1' \(-40\)",
            id="count-below-zero",
        ),
        pytest.param(
            {"account_id": ["a0", "a1"], "name": ["A", "B"], "employees": [10, 2.5]},
            r"'employees' \(employees\) is not a whole number for account\(s\) "
            r"'a1' \(2\.5\), as a count must be",
            id="count-with-a-fraction",
        ),
    ],
)
def test_a_mariadb_table_that_cannot_be_scored_says_why(
    small_database: tuple[Any, str],
    tmp_path: Path,
    columns: dict[str, list[Any]],
    message: str,
) -> None:
    admin, database = small_database
    source = _small(admin, database, columns)

    with pytest.raises(SourceError, match=message):
        tier_table(source, tmp_path / "out", AS_OF)
    assert not (tmp_path / "out").exists()


def test_a_zero_date_is_refused_naming_the_accounts(
    small_database: tuple[Any, str], tmp_path: Path
) -> None:
    """MariaDB keeps 0000-00-00 and 2026-00-15 unless its mode forbids them;
    SQL counted no days from them, so they scored as unknown without a word."""
    admin, database = small_database
    with admin.cursor() as cursor:
        cursor.execute("SET SESSION sql_mode = ''")
        cursor.execute(
            f"CREATE TABLE `{database}`.accounts (account_id TEXT, name TEXT, "
            "last_engagement_date DATE, competitor_contract_end DATE)"
        )
        cursor.execute(
            f"INSERT INTO `{database}`.accounts VALUES "
            "('a0', 'A', '2026-09-01', NULL), ('a1', 'B', '0000-00-00', NULL), "
            "('a2', 'C', NULL, '2026-00-15')"
        )
    source = f"{source_url(database)}::accounts"

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF)

    message = str(caught.value)
    assert (
        "'last_engagement_date' (last_engagement_date) is a date with a zero month "
        "or day (such as 0000-00-00) for account(s) 'a1' ('0000-00-00')"
    ) in message
    assert "(competitor_contract_end) is a date with a zero month" in message
    assert "'a2' ('2026-00-15')" in message
    assert "'a0'" not in message
    assert not (tmp_path / "out").exists()


def test_a_wrong_password_is_refused_without_showing_it(
    small_database: tuple[Any, str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    admin, database = small_database
    _small(admin, database, {"account_id": ["a1"], "name": ["Acme"]})
    monkeypatch.chdir(tmp_path)
    secret = "Wr0ng-S3cret"
    url = make_url(source_url(database)).set(password=secret)
    source = f"{url.render_as_string(False)}::accounts"

    result = CliRunner().invoke(
        app, ["tier", "--source", source, "--no-store", "--out", "out"]
    )

    assert result.exit_code == 2, result.output
    output = " ".join(result.output.split())
    assert "cannot connect" in output and "Access denied for user" in output
    assert "check the host, port, user, password and database name" in output
    assert f"{url.username}:***@" in output
    assert secret not in output + caplog.text
    assert not (tmp_path / "out").exists()


def test_a_missing_driver_names_the_install_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # None in sys.modules makes `import pymysql` fail as if not installed.
    monkeypatch.setitem(sys.modules, "pymysql", None)

    with pytest.raises(
        TierwiseError,
        match=r"The MySQL and MariaDB driver \(PyMySQL\) is not installed; "
        r"install it with `pip install 'tierwise\[mysql\]'`",
    ):
        tier_table(f"{MARIADB}::accounts", tmp_path / "out", AS_OF)
