"""What-if on a run tiered from a database table (``tier --source``).

The run records how to read its table again (the URL without secrets, a
database file's path, the mapping); what-if reads it so and previews the
new model on it, as it does for a file. A table has no digest: the run's
own model must give the recorded tier, reason and total of every account
again, or the table changed and the preview is refused. A DuckDB file, a
SQLite file and a schema of the test's own on the PostgreSQL server hold
the same accounts as a Parquet file.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from sqlalchemy import make_url, text
from typer.testing import CliRunner

from tests.databases import sqlite_file, warehouse_file
from tests.postgres import POSTGRES, load_table, own_schema
from tierwise.cli import app
from tierwise.errors import TierwiseError
from tierwise.jobs import tier_file
from tierwise.lifecycle import WhatIf, what_if
from tierwise.sample import DEMO_SEED, write_portfolio
from tierwise.store import Store, open_store, record_run, recorded_input
from tierwise.table_jobs import tier_table

from .conftest import Score
from .test_store_model_lifecycle import raised_model

AS_OF = date(2026, 9, 30)

# SQLite keeps no booleans or dates: they go in as 0/1 and ISO text.


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo portfolio (1,000 accounts) as Parquet."""
    folder = tmp_path_factory.mktemp("portfolio")
    return write_portfolio(folder / "accounts.parquet", 1000, DEMO_SEED, as_of=AS_OF)


@pytest.fixture(scope="module")
def from_file(portfolio: Path, tmp_path_factory: pytest.TempPathFactory) -> WhatIf:
    """The preview of the raised model on the portfolio tiered as a file."""
    folder = tmp_path_factory.mktemp("from-file")
    with open_store(f"sqlite:///{folder}/tierwise.db") as store:
        tier_file(portfolio, folder / "out", AS_OF, store=store)
        return what_if(store, str(raised_model(folder)))


@pytest.fixture
def duckdb_source(portfolio: Path, tmp_path: Path) -> str:
    return f"duckdb:///{warehouse_file(portfolio, tmp_path)}::sales.accounts"


@pytest.fixture
def sqlite_source(portfolio: Path, tmp_path: Path) -> str:
    return f"sqlite:///{sqlite_file(portfolio, tmp_path)}::accounts"


@pytest.fixture
def postgres_schema(portfolio: Path) -> Iterator[str]:
    """A schema of this test's own holding ``accounts``; dropped afterwards."""
    with own_schema("tierwise_whatif") as (admin, schema):
        load_table(admin, schema, "accounts", pq.read_table(portfolio))
        yield schema


@pytest.fixture
def postgres_source(postgres_schema: str) -> str:
    return f"{POSTGRES}::{postgres_schema}.accounts"


TABLES = [
    pytest.param("duckdb", id="duckdb-file"),
    pytest.param("sqlite", id="sqlite-file"),
    pytest.param("postgres", id="postgres", marks=pytest.mark.postgres),
]


@pytest.fixture
def sqlite_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(f"sqlite:///{tmp_path}/tierwise.db") as store:
        yield store


def _change(source: str, statement: str) -> None:
    """Run ``statement`` on the table behind ``source`` (named ``accounts``)."""
    url, _, table = source.rpartition("::")
    statement = statement.replace("accounts", table)
    if url.startswith("duckdb:///"):
        with duckdb.connect(url.removeprefix("duckdb:///")) as connection:
            connection.execute(statement)
        return
    from sqlalchemy import create_engine

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as connection:
        connection.execute(text(statement))
    engine.dispose()


@pytest.mark.parametrize("database", TABLES)
def test_whatif_previews_a_table_run_as_it_does_the_same_accounts_in_a_file(
    database: str,
    request: pytest.FixtureRequest,
    sqlite_store: Store,
    from_file: WhatIf,
    tmp_path: Path,
) -> None:
    source = request.getfixturevalue(f"{database}_source")
    tier_table(source, tmp_path / "out", AS_OF, store=sqlite_store)

    preview = what_if(sqlite_store, str(raised_model(tmp_path)))

    assert preview.run.run_id == 1 and preview.accounts == 1000
    assert preview.warnings == []
    assert preview.moved_count == from_file.moved_count > 0
    assert preview.matrix == from_file.matrix
    assert preview.shifts == from_file.shifts
    assert [m.account_id for m in preview.movers] == [
        m.account_id for m in from_file.movers
    ]


@pytest.mark.parametrize("database", TABLES)
def test_whatif_refuses_a_table_that_changed_since_the_run(
    database: str, request: pytest.FixtureRequest, sqlite_store: Store, tmp_path: Path
) -> None:
    source = request.getfixturevalue(f"{database}_source")
    tier_table(source, tmp_path / "out", AS_OF, store=sqlite_store)
    _change(source, "UPDATE accounts SET employees = 1 WHERE account_id = 'F1000-0001'")
    _change(source, "DELETE FROM accounts WHERE account_id = 'F1000-0003'")

    with pytest.raises(
        TierwiseError,
        match=r"accounts: the table changed since run 1, so it is no longer that "
        r"run's input: account F1000-0001 \(total [\d.]+ now, [\d.]+ in the run"
        r".*F1000-0003 was in the run but is no longer in the table.*"
        r"tier the table again with `tierwise tier --source",
    ):
        what_if(sqlite_store, str(raised_model(tmp_path)))


def test_whatif_of_a_table_run_on_either_store(
    duckdb_source: str, store: Store, from_file: WhatIf, tmp_path: Path
) -> None:
    tier_table(duckdb_source, tmp_path / "out", AS_OF, store=store)

    preview = what_if(store, str(raised_model(tmp_path)))

    assert preview.matrix == from_file.matrix


def test_whatif_reads_a_moved_database_file_given_again(
    duckdb_source: str, sqlite_store: Store, tmp_path: Path
) -> None:
    tier_table(duckdb_source, tmp_path / "out", AS_OF, store=sqlite_store)
    moved = tmp_path / "moved.duckdb"
    (tmp_path / "warehouse.duckdb").rename(moved)
    raised = str(raised_model(tmp_path))

    with pytest.raises(
        TierwiseError,
        match=r"warehouse.duckdb is gone since run 1 read it; if it moved, give "
        r"its new place with --source duckdb:///NEW/PATH::sales.accounts",
    ):
        what_if(sqlite_store, raised)
    with pytest.raises(TierwiseError, match=r"is not the table run 1 read"):
        what_if(sqlite_store, raised, source=f"duckdb:///{moved}::sales.other")
    preview = what_if(sqlite_store, raised, source=f"duckdb:///{moved}::sales.accounts")

    assert preview.accounts == 1000


@pytest.mark.postgres
def test_a_password_is_kept_nowhere_and_asked_for_again(
    postgres_schema: str, sqlite_store: Store, tmp_path: Path
) -> None:
    # The test server trusts local connections, so any password is accepted.
    secret = "pw-5e1d9b"
    url = make_url(POSTGRES).set(password=secret).render_as_string(False)
    source = f"{url}::{postgres_schema}.accounts"
    tier_table(source, tmp_path / "out", AS_OF, store=sqlite_store)
    raised = str(raised_model(tmp_path))

    with pytest.raises(
        TierwiseError,
        match=r"run 1 read postgresql://postgres:\*\*\*@.*a run keeps no password; "
        r"give the table again with --source",
    ) as asked:
        what_if(sqlite_store, raised)
    preview = what_if(sqlite_store, raised, source=source)

    assert preview.accounts == 1000
    assert secret not in str(asked.value)
    origin = recorded_input(sqlite_store, 1).origin
    assert origin is not None and origin["source"].startswith(
        "postgresql://postgres:***@"
    )
    stored = [path.read_bytes() for path in tmp_path.glob("tierwise.db*")]
    assert stored and all(secret.encode() not in content for content in stored)


def test_source_is_refused_for_a_run_tiered_from_a_file(
    sqlite_store: Store, portfolio: Path, duckdb_source: str, tmp_path: Path
) -> None:
    tier_file(portfolio, tmp_path / "out", AS_OF, store=sqlite_store)

    with pytest.raises(TierwiseError, match=r"run 1 read the file .*accounts.parquet"):
        what_if(sqlite_store, str(raised_model(tmp_path)), source=duckdb_source)


def test_a_table_run_that_recorded_no_way_back_names_the_true_cause(
    sqlite_store: Store, score: Score
) -> None:
    # As a run from a table was recorded before tables recorded their origin.
    scored = score(size=20)
    record_run(
        sqlite_store,
        scored.run,
        model_text=scored.model_text,
        inputs={"a": "1"},
        source="duckdb:///crm.duckdb::accounts",
    )

    with pytest.raises(
        TierwiseError,
        match=r"run 1 read the table duckdb:///crm.duckdb::accounts but did not "
        r"record how to read it again.*tier the table again with `tierwise tier "
        r"--source duckdb:///crm.duckdb::accounts",
    ):
        what_if(sqlite_store, "1")


def test_the_command_previews_a_table_run(
    duckdb_source: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "160")
    cli = CliRunner()
    db = ["--db", f"sqlite:///{tmp_path}/tierwise.db"]
    raised = str(raised_model(tmp_path))

    tiered = cli.invoke(app, ["tier", "--source", duckdb_source, "-q", *db])
    preview = cli.invoke(app, ["whatif", "--model", raised, *db])

    assert tiered.exit_code == 0, tiered.output
    assert preview.exit_code == 0, preview.output
    assert "of 1,000 accounts would change tier" in preview.output
