"""Migrations: an empty database and one at the previous revision reach head."""

from __future__ import annotations

import sqlite3
import threading
from datetime import date
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import MetaData, insert, inspect, select, text

from tierwise.engine import score_accounts
from tierwise.model import parse_model
from tierwise.sample import build_demo_portfolio
from tierwise.store import (
    ABSENT,
    Store,
    StoreError,
    account_history,
    add_override,
    diff_runs,
    open_store,
    record_run,
    revoke_override,
)
from tierwise.store.database import _write_ahead_log, connect_store
from tierwise.store.migrate import (
    VERSION_TABLE,
    _config,
    current_revision,
    head_revision,
    upgrade,
)
from tierwise.store.results import CATEGORICAL, ENGINE_FIELDS, stored_results
from tierwise.store.tables import Base, ResultOutcome, utc_now

from .conftest import (
    BUYING,
    NETWORK,
    QUARTER_2,
    QUARTER_3,
    Score,
    Scored,
    assert_overrides_point_at_the_registry,
    results_of,
    wider_model_text,
)

TABLES = {
    "accounts",
    "model_events",
    "model_versions",
    "overrides",
    "result_outcomes",
    "run_dimension_scores",
    "run_results",
    "runs",
    "user_roles",
    "users",
    VERSION_TABLE,
}


def test_an_empty_database_is_upgraded_to_the_tables_the_code_expects(
    store_url: str,
) -> None:
    with open_store(store_url) as store, store.reading() as connection:
        tables = set(inspect(connection).get_table_names())
        context = MigrationContext.configure(
            connection, opts={"version_table": VERSION_TABLE, "compare_type": True}
        )
        differences = compare_metadata(context, Base.metadata)

    assert tables == TABLES
    assert differences == []


def test_opening_an_up_to_date_store_again_changes_nothing(store_url: str) -> None:
    with open_store(store_url) as first:
        revision = current_revision(first)

    with open_store(store_url) as second:
        assert current_revision(second) == revision == head_revision()


# Revisions whose results are one wide row per account, and the wide columns.
WIDE_REVISIONS = ["0001", "0003"]
WIDE_COLUMNS = (
    "tier",
    "computed_tier",
    "reason",
    "total",
    "fit_score",
    "strategic_score",
    "engagement_score",
    "accessibility_score",
    "rank",
    "cap_rank",
    "capped_from",
    "completeness",
    "potential",
    "potential_estimated",
)
PINS = {"F1000-0003": "tier_1", "F1000-0007": "tier_3"}


def _wide_run(store: Store, scored: Scored, fingerprint: str) -> int:
    """Record ``scored`` as tierwise wrote a run before revision 0004."""
    with store.writing() as connection:
        tables = MetaData()
        tables.reflect(connection)
        versions, runs = tables.tables["model_versions"], tables.tables["runs"]
        results, accounts = tables.tables["run_results"], tables.tables["accounts"]
        version_id = connection.execute(
            insert(versions)
            .values(
                content_hash=fingerprint,
                name="default",
                yaml_text=scored.model_text,
                created_at=utc_now(),
                published=False,
            )
            .returning(versions.c.id)
        ).scalar_one()
        run_id = connection.execute(
            insert(runs)
            .values(
                model_version_id=version_id,
                as_of=scored.run.compiled.as_of,
                input_fingerprint=fingerprint,
                inputs={"source": None, "digests": {"accounts": fingerprint}},
                tiers=[
                    {
                        "key": tier.key,
                        "name": tier.name,
                        "accounts": tier.accounts,
                        "cap": tier.cap,
                    }
                    for tier in scored.run.tiers
                ],
                warnings=[],
                accounts=scored.run.accounts,
                repeat=0,
                status="complete",
                tierwise_version="0.1.0",
                started_at=utc_now(),
                finished_at=utc_now(),
            )
            .returning(runs.c.id)
        ).scalar_one()
        engine = results_of(scored.run)
        connection.execute(
            insert(results),
            [
                {"run_id": run_id, "account_id": account_id}
                | {name: row[name] for name in WIDE_COLUMNS}
                for account_id, row in engine.items()
            ],
        )
        connection.execute(
            insert(accounts),
            [
                {"account_id": account_id, "name": row["name"], "first_seen_run_id": 1}
                for account_id, row in engine.items()
            ],
        )
    return int(run_id)


@pytest.mark.parametrize("revision", WIDE_REVISIONS)
def test_a_database_made_by_an_earlier_revision_keeps_its_runs_exactly(
    store_url: str, score: Score, revision: str
) -> None:
    scored = score(size=200, pins=PINS)
    with connect_store(store_url) as old:
        upgrade(old, revision)
        run_id = _wide_run(old, scored, "1" * 64)
        assert current_revision(old) == revision

    with open_store(store_url) as store:
        assert current_revision(store) == head_revision()
        with store.reading() as connection:
            stored = list(stored_results(connection, run_id))
        history = account_history(store, "F1000-0003")
        pinned = add_override(store, "F1000-0001", "tier_1", "board deal", by="Ann")

    engine = results_of(scored.run)
    assert [row["account_id"] for row in stored] == sorted(engine)
    for row in stored:
        assert row == {name: engine[row["account_id"]][name] for name in ENGINE_FIELDS}
    assert {row["reason"] for row in stored} >= {"override", "met", "capped"}
    assert [(entry.tier, entry.reason) for entry in history.entries] == [
        ("tier_1", "override")
    ]
    assert pinned.tier == "tier_1"


def test_a_new_run_after_the_upgrade_reuses_the_converted_outcomes(
    store_url: str, score: Score
) -> None:
    earlier, later = score(size=200, pins=PINS), score(size=300)
    with connect_store(store_url) as old:
        upgrade(old, "0003")
        before = _wide_run(old, earlier, "2" * 64)

    with open_store(store_url) as store:
        after = record_run(
            store, later.run, model_text=later.model_text, inputs={"accounts": "3"}
        ).run_id
        changes = diff_runs(store, before, after)
        with store.reading() as connection:
            columns = [getattr(ResultOutcome, name) for name in CATEGORICAL]
            outcomes = [tuple(row) for row in connection.execute(select(*columns))]

    engine_before, engine_after = results_of(earlier.run), results_of(later.run)
    expected: dict[tuple[str, str], int] = {}
    for account_id in engine_before.keys() | engine_after.keys():
        was = engine_before.get(account_id, {}).get("tier", ABSENT)
        now = engine_after.get(account_id, {}).get("tier", ABSENT)
        expected[(str(was), str(now))] = expected.get((str(was), str(now)), 0) + 1
    assert changes.matrix == expected
    assert len(outcomes) == len(set(outcomes))


def test_a_downgrade_gives_back_the_wide_results(store: Store, score: Score) -> None:
    scored = score(size=200, pins=PINS)
    run_id = record_run(
        store, scored.run, model_text=scored.model_text, inputs={"accounts": "4"}
    ).run_id

    with store.writing() as connection:
        command.downgrade(_config(connection), "0003")
        wide = connection.execute(
            text(
                f"SELECT account_id, {', '.join(WIDE_COLUMNS)} FROM run_results "
                "WHERE run_id = :run ORDER BY account_id"
            ),
            {"run": run_id},
        ).all()

    engine = results_of(scored.run)
    assert len(wide) == len(engine)
    for account_id, *values in wide:
        got = dict(zip(WIDE_COLUMNS, values, strict=True))
        flag = got["potential_estimated"]
        # SQLite hands a flag back to a raw query as 0 or 1.
        got["potential_estimated"] = None if flag is None else bool(flag)
        assert got == {name: engine[account_id][name] for name in WIDE_COLUMNS}


def test_a_store_upgraded_by_a_newer_tierwise_is_refused(store_url: str) -> None:
    with open_store(store_url) as store, store.writing() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))

    with pytest.raises(StoreError, match=r"revision 9999.*a newer version upgraded it"):
        open_store(store_url)


def test_a_database_holding_tables_of_the_stores_names_is_refused(
    store_url: str,
) -> None:
    # A CRM database often has its own accounts and runs tables; creating
    # the store there stopped with a traceback (relation "runs" exists).
    with connect_store(store_url) as crm, crm.writing() as connection:
        connection.execute(text("CREATE TABLE accounts (id TEXT, name TEXT)"))
        connection.execute(text("CREATE TABLE runs (x INTEGER)"))

    with pytest.raises(StoreError) as raised:
        open_store(store_url)

    said = str(raised.value)
    assert "already holds tables named accounts, runs" in said
    assert "a database or schema of its own" in said
    assert "nothing was changed" in said
    with connect_store(store_url) as crm, crm.reading() as connection:
        assert set(inspect(connection).get_table_names()) == {"accounts", "runs"}


def test_three_openers_of_a_new_database_at_once_create_its_tables_once(
    store_url: str,
) -> None:
    opened: list[str | None] = []
    errors: list[BaseException] = []

    def open_and_read() -> None:
        try:
            with open_store(store_url) as store:
                opened.append(current_revision(store))
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=open_and_read) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert opened == [head_revision()] * 3


def test_a_new_sqlite_store_waits_for_another_opener_to_switch_its_log(
    tmp_path: Path,
) -> None:
    # SQLite refuses the switch at once, without its busy wait, when two
    # openers would deadlock; here another connection holds the database
    # exclusively for a moment and this one has no busy wait at all.
    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN EXCLUSIVE")
    release = threading.Timer(0.3, holder.execute, ["COMMIT"])
    opener = sqlite3.connect(path, timeout=0, isolation_level=None)
    release.start()
    try:
        _write_ahead_log(opener.cursor(), lock_timeout=10)
        mode = opener.execute("PRAGMA journal_mode").fetchone()[0]
    finally:
        release.join()
        opener.close()
        holder.close()

    assert mode == "wal"


def test_the_log_switch_gives_up_after_the_lock_timeout(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    opener = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            _write_ahead_log(opener.cursor(), lock_timeout=0.2)
    finally:
        opener.close()
        holder.execute("COMMIT")
        holder.close()


@pytest.mark.postgres
def test_a_postgres_url_whose_search_path_names_no_schema_says_to_create_it(
    postgres_server: str,
) -> None:
    # PostgreSQL refuses CREATE TABLE when no schema of the search path
    # exists; the store stopped with a traceback of the SQL it tried.
    url = f"{postgres_server}?options=-csearch_path%3Dtierwise_no_such_schema"

    with pytest.raises(StoreError) as raised:
        open_store(url)

    said = str(raised.value)
    assert "no schema to keep its tables in" in said
    assert "CREATE SCHEMA tierwise_no_such_schema" in said
    assert "nothing was changed" in said


def _registry_and_overrides(store: Store) -> tuple[list[tuple], list[tuple]]:
    with store.reading() as connection:
        accounts = connection.execute(
            text(
                "SELECT account_id, name, domain, first_seen_run_id, last_seen_run_id "
                "FROM accounts ORDER BY account_id"
            )
        ).all()
        overrides = connection.execute(
            text(
                "SELECT id, account_id, action, tier, reason, created_by, until, "
                "revokes_id FROM overrides ORDER BY id"
            )
        ).all()
    return [tuple(row) for row in accounts], [tuple(row) for row in overrides]


def test_the_registry_rebuilt_in_id_order_keeps_its_accounts_and_overrides(
    store_url: str, score: Score
) -> None:
    # Recorded by this tierwise, then taken back to revision 0004 so that
    # opening the store upgrades it again: on SQLite the registry is rebuilt
    # (0005), on PostgreSQL the results become a partition per run (0006).
    first, second = score(size=120), score(size=80)
    with open_store(store_url) as old:
        runs = [
            record_run(
                old,
                scored.run,
                model_text=scored.model_text,
                inputs={"accounts": f"registry-{number}"},
            ).run_id
            for number, scored in enumerate((first, second))
        ]
        add_override(old, "F1000-0003", "tier_1", "board deal", by="Ann")
        add_override(old, "F1000-0005", "tier_2", "partner", by="Ann")
        revoke_override(old, "F1000-0005", "deal lost", by="Bo")
        before = _registry_and_overrides(old)
        with old.reading() as connection:
            results = [list(stored_results(connection, run_id)) for run_id in runs]
        with old.writing() as connection:
            command.downgrade(_config(connection), "0004")

    with open_store(store_url) as store:
        after = _registry_and_overrides(store)
        with store.reading() as connection:
            assert [
                list(stored_results(connection, run_id)) for run_id in runs
            ] == results
            if connection.dialect.name == "sqlite":
                created = connection.execute(
                    text("SELECT sql FROM sqlite_master WHERE name = 'accounts'")
                ).scalar_one()
                assert created.rstrip().upper().endswith("WITHOUT ROWID")
                assert (
                    connection.exec_driver_sql("PRAGMA foreign_key_check").all() == []
                )
        assert_overrides_point_at_the_registry(store)
        pinned = add_override(store, "F1000-0007", "tier_3", "new logo", by="Ann")

    assert after == before
    assert len(before[0]) == 120
    assert [row[2] for row in before[1]] == ["pin", "pin", "revoke"]
    assert pinned.tier == "tier_3"


def _record_wider(store: Store, text: str, as_of: date) -> int:
    portfolio = build_demo_portfolio(as_of=as_of).slice(0, 80)
    run = score_accounts(parse_model(text), portfolio, as_of)
    inputs = {"accounts": f"wider-{as_of}"}
    return record_run(store, run, model_text=text, inputs=inputs).run_id


def test_runs_recorded_before_every_dimension_was_kept_read_back_as_before(
    store_url: str, score: Score
) -> None:
    # Recorded by this tierwise, then taken back to revision 0006, which
    # kept four dimension scores a result: as the tierwise of that revision
    # left them, a run of five dimensions has no fifth scores anywhere.
    bundled = score(size=120)
    wider = wider_model_text(NETWORK, BUYING)
    with open_store(store_url) as old:
        four = record_run(
            old, bundled.run, model_text=bundled.model_text, inputs={"a": "4"}
        ).run_id
        five = _record_wider(old, wider_model_text(NETWORK), QUARTER_2)
        with old.reading() as connection:
            was = {run: list(stored_results(connection, run)) for run in (four, five)}
        with old.writing() as connection:
            command.downgrade(_config(connection), "0006")
            tables = set(inspect(connection).get_table_names())
            runs = inspect(connection).get_columns("runs")

    with open_store(store_url) as store:
        with store.reading() as connection:
            now = {run: list(stored_results(connection, run)) for run in (four, five)}
        six = _record_wider(store, wider, QUARTER_3)
        with store.reading() as connection:
            kept = list(stored_results(connection, six))
        compared = diff_runs(store, five, six)

    assert "run_dimension_scores" not in tables
    assert "dimensions_kept" not in {column["name"] for column in runs}
    assert now[four] == was[four]
    # The run of five reads back with the four scores it kept, as before.
    assert now[five] == [
        {name: value for name, value in row.items() if name != "network_score"}
        for row in was[five]
    ]
    assert all(row["network_score"] is not None for row in was[five])
    assert all("network_score" in row and "buying_score" in row for row in kept)
    # Compared with the run of six, the old run's fifth score is unknown.
    assert compared.moved, "the second model's sixth dimension moves accounts"
    for move in compared.moved:
        assert list(move.dimension_deltas)[-2:] == ["network_score", "buying_score"]
        assert move.dimension_deltas["network_score"] is None
        assert move.dimension_deltas["buying_score"] is None
