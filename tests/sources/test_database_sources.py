"""Accounts in a database table, scored where they sit (``--source URL::TABLE``).

A DuckDB file, the PostgreSQL server at 127.0.0.1:5432 (database ``test``,
a schema of the test's own, dropped afterwards), the MariaDB server at
127.0.0.1:3306 (a database of the test's own) and a SQLite file hold the
same accounts as a Parquet file; the tiers, scores and reason codes must be
the same as the file's, and a write-back table must hold them too. MariaDB's
own cases are in ``test_mariadb_sources.py``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.databases import sqlite_file as make_sqlite_file
from tests.databases import warehouse_file
from tests.mariadb import MARIADB
from tests.postgres import POSTGRES, load_table, own_schema
from typer.testing import CliRunner

from tierwise import jobs
from tierwise.cli import app
from tierwise.engine import Explanation
from tierwise.errors import SourceError, TierwiseError
from tierwise.sources.database import parse_source
from tierwise.sources.mapping import ColumnMapping, ColumnSpec
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def _rows(path: Path) -> list[dict[str, Any]]:
    return pq.read_table(path).sort_by("account_id").to_pylist()


@pytest.fixture
def duckdb_file(portfolio: Path, tmp_path: Path) -> Path:
    return warehouse_file(portfolio, tmp_path)


def test_duckdb_file_table_tiers_as_the_file_does(
    duckdb_file: Path, from_file: list[Any], tmp_path: Path
) -> None:
    source = f"duckdb:///{duckdb_file}::sales.accounts"

    job = tier_table(source, tmp_path / "out", AS_OF, write_back="tiers_q3")

    assert _rows(tmp_path / "out" / "tiers.parquet") == from_file
    assert job.report.rows_used == 1000
    with duckdb.connect(str(duckdb_file), read_only=True) as connection:
        kept = connection.sql("SELECT * FROM sales.tiers_q3").to_arrow_table()
    assert kept.sort_by("account_id").to_pylist() == from_file


def test_duckdb_file_write_back_never_replaces_a_table(
    duckdb_file: Path, tmp_path: Path
) -> None:
    source = f"duckdb:///{duckdb_file}::sales.accounts"

    with pytest.raises(TierwiseError, match="--write-back accounts: the table exists"):
        tier_table(source, tmp_path / "out", AS_OF, write_back="accounts")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        pytest.param(
            "duckdb:///crm.duckdb", "write the database URL, then ::", id="no-table"
        ),
        pytest.param(
            "mongodb://127.0.0.1/crm::accounts",
            "'mongodb' is not a database tierwise writes SQL for",
            id="unknown-database",
        ),
        pytest.param(
            "duckdb:crm.duckdb::accounts",
            r"a DuckDB file is written duckdb:///PATH",
            id="duckdb-without-slashes",
        ),
    ],
)
def test_a_bad_source_url_says_how_to_write_one(text: str, message: str) -> None:
    with pytest.raises(SourceError, match=message):
        parse_source(text)


def test_a_missing_table_lists_the_tables_there(
    duckdb_file: Path, tmp_path: Path
) -> None:
    source = f"duckdb:///{duckdb_file}::sales.acounts"

    with pytest.raises(
        SourceError, match=r"no table 'acounts' in schema sales \(tables there: "
    ):
        tier_table(source, tmp_path / "out", AS_OF)


def test_a_missing_file_is_named(tmp_path: Path) -> None:
    source = f"duckdb:///{tmp_path}/nowhere.duckdb::accounts"

    with pytest.raises(SourceError, match="there is no DuckDB file at"):
        tier_table(source, tmp_path / "out", AS_OF)


def test_a_table_without_an_id_column_names_the_columns(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute("CREATE TABLE accounts AS SELECT 'Acme' AS name")

    with pytest.raises(SourceError, match="account_id"):
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)


def test_an_untyped_sqlite_table_is_refused_once_per_kind_with_the_fix(
    tmp_path: Path,
) -> None:
    # A CSV loaded as it is: every column text. Each column had a sentence
    # of its own, a dozen in one line of 1,700 characters.
    path = tmp_path / "crm.db"
    with closing(sqlite3.connect(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id, name, employees, Revenue, "
            "last_engagement_date)"
        )
        connection.execute(
            "INSERT INTO accounts VALUES ('a1', 'Acme', '51-200', '1e6', '2026-01-02')"
        )
        connection.commit()
    mapping = ColumnMapping(
        name="crm", columns={"annual_revenue": ColumnSpec("Revenue")}, own_names=True
    )

    with pytest.raises(SourceError) as caught:
        source = f"sqlite:///{path}::accounts"
        tier_table(source, tmp_path / "out", AS_OF, mapping=mapping)

    said = str(caught.value)
    assert "3 column(s) cannot be read in the database: 2 hold text where the " in said
    assert "numbers (SQL would have to guess how to read them): employees, " in said
    assert "Revenue (annual_revenue); 1 hold text where the model needs " in said
    assert "dates (SQL would have to guess how to read them): last_engagement" in said
    assert "filled by INSERT ... SELECT converts them" in said
    assert said.count("guess") == 2


def test_numbers_stored_as_text_are_refused_with_the_column(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name, "
            "'51-200' AS employees"
        )

    with pytest.raises(
        SourceError,
        match=r"1 hold text where the model needs numbers .*: employees\. .*was scored",
    ):
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)


def test_a_currency_column_in_a_table_is_refused_not_ignored(tmp_path: Path) -> None:
    # The file reader converts each row's amounts by its currency column; a
    # table's were taken as the model's currency, 1,000,000 USD as euros.
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name, "
            "1000000.0 AS potential_acv, 'USD' AS currency"
        )

    with pytest.raises(
        SourceError,
        match=r"'currency' \(currency\) gives each row's currency.*nothing was scored",
    ):
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)
    assert not (tmp_path / "out").exists()


def test_repeated_ids_in_a_table_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT * FROM (VALUES ('a1', 'Acme'), "
            "('a1', 'Acme BV'), ('b2', 'Bolt')) AS t(account_id, name)"
        )

    with pytest.raises(SourceError, match=r"account ids repeat.*'a1' \(2 rows\)"):
        tier_table(f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF)


def test_spark_cannot_run_inside_another_database(tmp_path: Path) -> None:
    with pytest.raises(TierwiseError, match="--engine spark reads files and DuckDB"):
        tier_table(f"{POSTGRES}::accounts", tmp_path / "out", AS_OF, engine="spark")


@pytest.fixture
def postgres_schema(portfolio: Path) -> Iterator[str]:
    """A schema of this test's own holding ``accounts``; dropped afterwards."""
    with own_schema("tierwise_source") as (admin, schema):
        load_table(admin, schema, "accounts", pq.read_table(portfolio))
        yield schema


@pytest.mark.postgres
def test_postgres_table_tiers_in_place_as_the_file_does(
    postgres_schema: str, from_file: list[Any], tmp_path: Path
) -> None:
    import psycopg

    source = f"{POSTGRES}::{postgres_schema}.accounts"

    job = tier_table(source, tmp_path / "out", AS_OF, write_back="tiers_q3")

    assert _rows(tmp_path / "out" / "tiers.parquet") == from_file
    assert job.report.notes[0] == "read in place by the database's own SQL (postgres)"
    with psycopg.connect(POSTGRES) as connection:
        kept = connection.execute(
            f'SELECT account_id, tier, reason, total FROM "{postgres_schema}".tiers_q3 '
            "ORDER BY account_id"
        ).fetchall()
    expected = [
        (row["account_id"], row["tier"], row["reason"], row["total"])
        for row in from_file
    ]
    assert kept == expected


@pytest.mark.postgres
def test_postgres_missing_table_is_named(postgres_schema: str, tmp_path: Path) -> None:
    source = f"{POSTGRES}::{postgres_schema}.acounts"

    with pytest.raises(SourceError, match=r"no table 'acounts' in schema tierwise_"):
        tier_table(source, tmp_path / "out", AS_OF)


@pytest.mark.postgres
def test_postgres_mixed_case_table_is_named_as_the_server_reads_it(
    portfolio: Path, tmp_path: Path
) -> None:
    # PostgreSQL reads Accounts unquoted as accounts: the check took it as
    # written, found "Accounts", and the query then failed without the
    # tables there or a word on quoting.
    with own_schema("tierwise_cased") as (admin, schema):
        load_table(admin, schema, "Accounts", pq.read_table(portfolio))

        with pytest.raises(SourceError, match=r'write "Accounts" in double quotes'):
            tier_table(f"{POSTGRES}::{schema}.Accounts", tmp_path / "a", AS_OF)
        job = tier_table(f'{POSTGRES}::{schema}."Accounts"', tmp_path / "b", AS_OF)

    assert job.run.accounts == pq.read_table(portfolio).num_rows


def test_a_table_run_can_be_explained(duckdb_file: Path, tmp_path: Path) -> None:
    tier_table(f"duckdb:///{duckdb_file}::sales.accounts", tmp_path / "out", AS_OF)

    explained = jobs.explain_accounts(tmp_path / "out", ["F1000-0001"])

    assert [item.account_id for item in explained] == ["F1000-0001"]


def test_a_table_run_is_explained_from_its_moved_database_file(
    duckdb_file: Path, tmp_path: Path
) -> None:
    tier_table(f"duckdb:///{duckdb_file}::sales.accounts", tmp_path / "out", AS_OF)
    moved = duckdb_file.rename(tmp_path / "moved.duckdb")

    with pytest.raises(TierwiseError, match=r"is gone since the run.*--source duckdb"):
        jobs.explain_accounts(tmp_path / "out", ["F1000-0001"])
    explained = jobs.explain_accounts(
        tmp_path / "out", ["F1000-0001"], source=f"duckdb:///{moved}::sales.accounts"
    )
    with pytest.raises(TierwiseError, match="is not the table the run"):
        jobs.explain_accounts(
            tmp_path / "out", ["F1000-0001"], source=f"duckdb:///{moved}::sales.other"
        )

    assert [item.account_id for item in explained] == ["F1000-0001"]


@pytest.fixture
def sqlite_file(portfolio: Path, tmp_path: Path) -> Path:
    return make_sqlite_file(portfolio, tmp_path)


def test_sqlite_table_tiers_in_place_as_the_file_does(
    sqlite_file: Path, from_file: list[Any], tmp_path: Path
) -> None:
    """Any database SQLAlchemy and sqlglot speak: SQLite has no boolean or
    date type (0/1 and ISO text), and still gives the file's tiers."""
    tier_table(
        f"sqlite:///{sqlite_file}::accounts",
        tmp_path / "out",
        AS_OF,
        write_back="tiers",
    )

    assert _rows(tmp_path / "out" / "tiers.parquet") == from_file
    with sqlite3.connect(sqlite_file) as connection:
        kept = connection.execute("SELECT COUNT(*) FROM tiers").fetchall()
    connection.close()
    assert kept == [(1000,)]


def test_a_sqlite_table_with_few_of_the_models_columns_tiers(tmp_path: Path) -> None:
    # The model's other text fields are absent: nothing to trim, and the
    # trimming test would not run on SQLite, which has no ASCII() or RIGHT().
    path = tmp_path / "crm.sqlite"
    rows = [("A1", "Acme", " Software ", 500), ("A2", "Beta", "Retail", 20)]
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, industry TEXT, "
            "employees INTEGER)"
        )
        connection.executemany("INSERT INTO accounts VALUES (?, ?, ?, ?)", rows)
    connection.close()
    csv_file = tmp_path / "crm.csv"
    csv_file.write_text(
        "account_id,name,industry,employees\n"
        + "".join(f"{a},{b},{c},{d}\n" for a, b, c, d in rows),
        encoding="utf-8",
    )

    tier_table(f"sqlite:///{path}::accounts", tmp_path / "table", AS_OF)
    jobs.tier_file(csv_file, tmp_path / "file", AS_OF)

    from_table = _rows(tmp_path / "table" / "tiers.parquet")
    assert from_table == _rows(tmp_path / "file" / "tiers.parquet")
    assert [row["account_id"] for row in from_table] == ["A1", "A2"]


@pytest.fixture(scope="module")
def asked(from_file: list[Any]) -> list[str]:
    """The first account of each tier and reason, as a user might ask."""
    firsts = {(row["tier"], row["reason"]): row["account_id"] for row in from_file}
    return sorted({from_file[0]["account_id"], *firsts.values()})


@pytest.fixture(scope="module")
def file_explained(file_run: Path, asked: list[str]) -> list[Explanation]:
    explained = jobs.explain_accounts(file_run, asked)
    return sorted(explained, key=lambda item: item.account_id)


@pytest.fixture
def duckdb_source(duckdb_file: Path) -> str:
    return f"duckdb:///{duckdb_file}::sales.accounts"


@pytest.fixture
def postgres_source(postgres_schema: str) -> str:
    return f"{POSTGRES}::{postgres_schema}.accounts"


@pytest.fixture
def mariadb_source(mariadb_portfolio: str) -> str:
    return f"{MARIADB}::{mariadb_portfolio}.accounts"


@pytest.fixture
def sqlite_source(sqlite_file: Path) -> str:
    return f"sqlite:///{sqlite_file}::accounts"


TABLES = [
    pytest.param("duckdb", id="duckdb-file"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
    pytest.param("mariadb", id="mariadb", marks=pytest.mark.mariadb),
    pytest.param("sqlite", id="sqlite"),
]


@pytest.mark.parametrize("database", TABLES)
def test_a_table_run_explains_accounts_as_the_file_run_does(
    database: str,
    request: pytest.FixtureRequest,
    asked: list[str],
    file_explained: list[Explanation],
    tmp_path: Path,
) -> None:
    source = request.getfixturevalue(f"{database}_source")
    tier_table(source, tmp_path / "out", AS_OF)

    explained = jobs.explain_accounts(tmp_path / "out", asked)

    assert [item.account_id for item in explained] == asked
    assert explained == file_explained
    assert len({item.reason for item in explained}) >= 3
    assert all(item.adds_up() for item in explained)


@pytest.fixture(scope="module")
def file_points(portfolio: Path, tmp_path_factory: pytest.TempPathFactory) -> pa.Table:
    """Every account's points as the Parquet file's run writes them."""
    out = tmp_path_factory.mktemp("explained-file")
    jobs.tier_file(portfolio, out, AS_OF, explain_all=True)
    return pq.read_table(out / "explain.parquet").sort_by("account_id")


@pytest.mark.parametrize("database", TABLES)
def test_a_table_run_writes_every_accounts_points_as_the_file_run_does(
    database: str, request: pytest.FixtureRequest, file_points: pa.Table, tmp_path: Path
) -> None:
    source = request.getfixturevalue(f"{database}_source")

    tier_table(source, tmp_path / "out", AS_OF, explain_all=True)

    points = pq.read_table(tmp_path / "out" / "explain.parquet")
    assert points.num_rows == 1000
    # The same columns, types and values (DuckDB alone marks some not null).
    assert [(f.name, f.type) for f in points.schema] == [
        (f.name, f.type) for f in file_points.schema
    ]
    assert points.sort_by("account_id").to_pydict() == file_points.to_pydict()
    totals = pq.read_table(tmp_path / "out" / "tiers.parquet", columns=["total"])
    assert sorted(points.column("total_centi").to_pylist()) == sorted(
        round(total * 100) for total in totals.column("total").to_pylist()
    )


def _change(database: str, source: str, statement: str) -> None:
    """Run ``statement`` on the table behind ``source`` (as ``accounts``)."""
    url, _, table = source.rpartition("::")
    text = statement.replace("accounts", table)
    if database == "duckdb":
        with duckdb.connect(url.removeprefix("duckdb:///")) as connection:
            connection.execute(text)
    elif database == "mariadb":
        from sqlalchemy import create_engine

        engine = create_engine(url)
        with engine.begin() as connection:
            connection.exec_driver_sql(text)
        engine.dispose()
    else:
        import psycopg

        with psycopg.connect(url) as connection:
            connection.execute(text)


@pytest.mark.parametrize("database", TABLES[:3])
def test_explain_refuses_an_account_whose_row_changed_since_the_run(
    database: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    source = request.getfixturevalue(f"{database}_source")
    tier_table(source, tmp_path / "out", AS_OF)
    _change(
        database,
        source,
        "UPDATE accounts SET employees = 1 WHERE account_id = 'F1000-0001'",
    )

    with pytest.raises(
        TierwiseError,
        match=r"accounts: the table changed since the run .*account F1000-0001 "
        r"\(total [\d.]+ now, [\d.]+ in the run.*Tier the table again",
    ):
        jobs.explain_accounts(tmp_path / "out", ["F1000-0002", "F1000-0001"])
    [unchanged] = jobs.explain_accounts(tmp_path / "out", ["F1000-0002"])
    assert unchanged.account_id == "F1000-0002"


def test_explain_refuses_an_account_renamed_since_the_run(
    duckdb_source: str, tmp_path: Path
) -> None:
    # The new name was shown as the run's, beside the run's tier.
    tier_table(duckdb_source, tmp_path / "out", AS_OF)
    _change(
        "duckdb",
        duckdb_source,
        "UPDATE accounts SET name = 'Other Renamed' WHERE account_id = 'F1000-0001'",
    )

    with pytest.raises(
        TierwiseError,
        match=r"account F1000-0001 \(name 'Other Renamed' now, '[^']+' in the run\)",
    ):
        jobs.explain_accounts(tmp_path / "out", ["F1000-0001"])


@pytest.mark.xfail(
    strict=True,
    reason="a table has no digest: a value changed since the run that earns the "
    "same points (2,000,000 employees, in the band of the run's) is shown as the run's",
)
def test_explain_refuses_a_value_changed_within_its_band(
    duckdb_source: str, tmp_path: Path
) -> None:
    tier_table(duckdb_source, tmp_path / "out", AS_OF)
    _change(
        "duckdb",
        duckdb_source,
        "UPDATE accounts SET employees = 2000000 WHERE account_id = 'F1000-0001'",
    )

    with pytest.raises(TierwiseError, match="the table changed since the run"):
        jobs.explain_accounts(tmp_path / "out", ["F1000-0001"])


def test_explain_refuses_an_account_gone_from_the_table(
    duckdb_source: str, tmp_path: Path
) -> None:
    tier_table(duckdb_source, tmp_path / "out", AS_OF)
    _change(
        "duckdb", duckdb_source, "DELETE FROM accounts WHERE account_id = 'F1000-0003'"
    )

    with pytest.raises(
        TierwiseError,
        match="account F1000-0003 was in the run but is no longer in the table",
    ):
        jobs.explain_accounts(tmp_path / "out", ["F1000-0003"])
    with pytest.raises(TierwiseError, match="no account with id nobody in the run"):
        jobs.explain_accounts(tmp_path / "out", ["nobody"])


@pytest.mark.postgres
@pytest.mark.parametrize(
    "given", ["before-the-host", "as-a-query-parameter", "as-sslpassword"]
)
def test_a_password_is_kept_nowhere_and_asked_for_again(
    postgres_schema: str, tmp_path: Path, given: str
) -> None:
    from sqlalchemy.engine import make_url

    # The test server trusts local connections, so any password is accepted.
    secret = "pw-8f3a2c"
    url = make_url(POSTGRES)
    if given == "before-the-host":
        url = url.set(password=secret)
    elif given == "as-sslpassword":
        url = url.update_query_dict({"sslpassword": secret})
    else:
        url = url.update_query_dict({"password": secret})
    url = url.render_as_string(False)
    source = f"{url}::{postgres_schema}.accounts"
    tier_table(source, tmp_path / "out", AS_OF)

    with pytest.raises(TierwiseError, match="give the table again with --source") as no:
        jobs.explain_accounts(tmp_path / "out", ["F1000-0001"])
    other = f"{url}::{postgres_schema}.other"
    with pytest.raises(TierwiseError, match="is not the table the run") as wrong:
        jobs.explain_accounts(tmp_path / "out", ["F1000-0001"], source=other)
    [explained] = jobs.explain_accounts(tmp_path / "out", ["F1000-0001"], source=source)

    assert explained.account_id == "F1000-0001"
    assert secret not in str(no.value) + str(wrong.value)
    written = [path.read_bytes() for path in (tmp_path / "out").iterdir()]
    assert all(secret.encode() not in content for content in written)


def test_the_command_explains_a_table_run_as_it_does_a_file_run(
    duckdb_file: Path,
    file_run: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """From another folder than the run's, with the file named relatively."""
    monkeypatch.chdir(duckdb_file.parent)
    tier_table("duckdb:///warehouse.duckdb::sales.accounts", tmp_path / "out", AS_OF)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    monkeypatch.setenv("COLUMNS", "100")
    command = ["explain", "F1000-0002", "F1000-0040"]

    from_table = CliRunner().invoke(app, [*command, "--out", str(tmp_path / "out")])
    from_file = CliRunner().invoke(app, [*command, "--out", str(file_run)])

    assert from_table.exit_code == 0, from_table.output
    assert "F1000-0040" in from_table.output and "Tier:" in from_table.output
    assert from_table.output == from_file.output
