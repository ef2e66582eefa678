"""Migrations: an empty database and one at the previous revision reach head."""

from __future__ import annotations

import threading

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from tierwise.store import StoreError, add_override, list_runs, open_store, record_run
from tierwise.store.database import connect_store
from tierwise.store.migrate import (
    VERSION_TABLE,
    current_revision,
    head_revision,
    upgrade,
)
from tierwise.store.tables import Base

from .conftest import Score

TABLES = {
    "accounts",
    "model_events",
    "model_versions",
    "overrides",
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


def test_a_database_made_by_the_previous_revision_keeps_its_runs_on_upgrade(
    store_url: str, score: Score
) -> None:
    with connect_store(store_url) as old:
        upgrade(old, "0001")
        scored = score(size=50)
        recorded = record_run(
            old, scored.run, model_text=scored.model_text, inputs={"accounts": "1"}
        )
        assert current_revision(old) == "0001"

    with open_store(store_url) as store:
        assert current_revision(store) == head_revision()
        assert [run.run_id for run in list_runs(store)] == [recorded.run_id]
        pinned = add_override(store, "F1000-0001", "tier_1", "board deal", by="Ann")

    assert pinned.tier == "tier_1"


def test_a_store_upgraded_by_a_newer_tierwise_is_refused(store_url: str) -> None:
    with open_store(store_url) as store, store.writing() as connection:
        connection.execute(text(f"UPDATE {VERSION_TABLE} SET version_num = '9999'"))

    with pytest.raises(StoreError, match=r"revision 9999.*a newer version upgraded it"):
        open_store(store_url)


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
