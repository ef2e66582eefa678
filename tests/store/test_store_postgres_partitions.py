"""A run's results on PostgreSQL: a table of their own, filled on a second connection.

Each run becomes a partition of ``run_results`` (revision 0006); its table
is filled and keyed on a connection of its own and committed under a
pending name, then attached inside the recording's transaction. These
tests hold the parts a user never sees to what they must guarantee: no
pending table outlives a recording, a stopped or failed recording stores
nothing, and the registry's keys come back whole after a first run.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import Connection, func, select, text
from sqlalchemy.exc import IntegrityError

import tierwise.store.bulk as bulk
import tierwise.store.postgres_results as postgres_results
from tierwise.store import Store, account_history, list_runs, record_run
from tierwise.store.postgres_results import PENDING_PREFIX
from tierwise.store.tables import Account, Run, RunResult

from .conftest import (
    Score,
    assert_overrides_point_at_the_registry,
    results_of,
    row_counts,
)

pytestmark = pytest.mark.postgres

# The registry's key and the keys pointing at it, as the server prints them.
KEYS = text(
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) "
    "FROM pg_constraint WHERE (conrelid = 'accounts'::regclass AND contype = 'p') "
    "OR (confrelid = 'accounts'::regclass AND contype = 'f') ORDER BY conname"
)


def _tables(connection: Connection, prefix: str) -> list[str]:
    return list(
        connection.execute(
            text(
                "SELECT relname FROM pg_class "
                "WHERE relnamespace = current_schema()::regnamespace "
                "AND relkind = 'r' AND starts_with(relname, :prefix) ORDER BY relname"
            ),
            {"prefix": prefix},
        ).scalars()
    )


def _partitions(connection: Connection) -> dict[str, str]:
    rows = connection.execute(
        text(
            "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid) FROM pg_inherits i "
            "JOIN pg_class c ON c.oid = i.inhrelid "
            "WHERE i.inhparent = 'run_results'::regclass ORDER BY c.relname"
        )
    )
    return {str(name): str(bound) for name, bound in rows}


def _record(store: Store, score: Score, size: int, label: str) -> int:
    scored = score(size=size)
    return record_run(
        store, scored.run, model_text=scored.model_text, inputs={"accounts": label}
    ).run_id


def _counts(store: Store) -> dict[str, int]:
    return row_counts(store, Run, RunResult, Account)


def test_each_run_is_a_partition_of_its_own_and_no_pending_table_stays(
    postgres_store: Store, score: Score
) -> None:
    first = _record(postgres_store, score, 120, "first")
    second = _record(postgres_store, score, 90, "second")

    with postgres_store.reading() as connection:
        partitions = _partitions(connection)
        pending = _tables(connection, PENDING_PREFIX)
        per_run = dict(
            connection.execute(
                select(RunResult.run_id, func.count()).group_by(RunResult.run_id)
            ).all()
        )

    assert partitions == {
        f"run_results_{first}": f"FOR VALUES IN ({first})",
        f"run_results_{second}": f"FOR VALUES IN ({second})",
    }
    assert pending == []
    assert per_run == {first: 120, second: 90}
    history = account_history(postgres_store, "F1000-0001")
    assert [entry.run_id for entry in history.entries] == [first, second]


def test_a_pending_table_left_by_a_killed_recording_is_dropped_by_the_next(
    postgres_store: Store, score: Score
) -> None:
    # As a process killed after its second connection committed the table,
    # before the run itself was committed, leaves it.
    with postgres_store.writing() as connection:
        connection.exec_driver_sql(
            f"CREATE TABLE {PENDING_PREFIX}424242 (LIKE run_results)"
        )
        connection.exec_driver_sql(
            f"INSERT INTO {PENDING_PREFIX}424242 (run_id, account_id, outcome_id) "
            "VALUES (424242, 'F1000-0001', 1)"
        )

    run_id = _record(postgres_store, score, 50, "after a kill")

    with postgres_store.reading() as connection:
        assert _tables(connection, PENDING_PREFIX) == []
        assert list(_partitions(connection)) == [f"run_results_{run_id}"]
    assert _counts(postgres_store) == {"runs": 1, "run_results": 50, "accounts": 50}


def test_a_recording_failing_after_the_results_were_filled_stores_nothing(
    postgres_store: Store, score: Score, monkeypatch: pytest.MonkeyPatch
) -> None:
    _record(postgres_store, score, 40, "kept")
    before = _counts(postgres_store)

    def failing(*args: object, **kwargs: object) -> None:
        # Once the second connection has committed the filled table.
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            with postgres_store.reading() as connection:
                if _tables(connection, PENDING_PREFIX):
                    break
            time.sleep(0.01)
        else:
            pytest.fail("the results table was never committed")
        raise RuntimeError("the registry update failed")

    monkeypatch.setattr(bulk, "settle_registry", failing)
    with pytest.raises(RuntimeError, match="the registry update failed"):
        _record(postgres_store, score, 60, "lost")

    assert _counts(postgres_store) == before
    with postgres_store.reading() as connection:
        assert _tables(connection, PENDING_PREFIX) == []
        assert len(_partitions(connection)) == 1
    assert len(list_runs(postgres_store)) == 1


def test_a_results_copy_failing_on_the_second_connection_stores_nothing(
    postgres_store: Store, score: Score, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_copy = postgres_results.ResultsLoader._copy

    def broken(self: postgres_results.ResultsLoader, stopped: object) -> None:
        # A column the table lacks: the server refuses the copy.
        self._columns += ", no_such_column"
        real_copy(self, stopped)  # type: ignore[arg-type]

    monkeypatch.setattr(postgres_results.ResultsLoader, "_copy", broken)
    with pytest.raises(Exception, match="no_such_column"):
        _record(postgres_store, score, 70, "broken")

    monkeypatch.undo()
    assert _counts(postgres_store) == {"runs": 0, "run_results": 0, "accounts": 0}
    with postgres_store.reading() as connection:
        assert _tables(connection, PENDING_PREFIX) == []
    # The store's connections are still good for the next run.
    assert _record(postgres_store, score, 70, "again") > 0


def test_a_run_stopped_during_the_copy_stores_nothing_and_the_next_one_works(
    postgres_store: Store, score: Score
) -> None:
    scored = score(size=300)

    def interrupt(done: int, total: int) -> None:
        if done >= 100:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        record_run(
            postgres_store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "stopped"},
            batch_rows=50,
            progress=interrupt,
        )

    assert _counts(postgres_store) == {"runs": 0, "run_results": 0, "accounts": 0}
    with postgres_store.reading() as connection:
        assert _tables(connection, PENDING_PREFIX) == []
    recorded = record_run(
        postgres_store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": "stopped"},
    )
    assert recorded.created
    assert _counts(postgres_store)["run_results"] == 300


def test_the_first_run_gives_the_registry_its_keys_back_as_they_were(
    postgres_store: Store, score: Score
) -> None:
    with postgres_store.reading() as connection:
        keys_before = connection.execute(KEYS).all()

    scored = score(size=200)
    run_id = record_run(
        postgres_store, scored.run, model_text=scored.model_text, inputs={"a": "1"}
    ).run_id

    with postgres_store.reading() as connection:
        assert connection.execute(KEYS).all() == keys_before
        registry = connection.execute(
            select(Account.account_id, Account.first_seen_run_id)
        ).all()
    assert len(keys_before) == 2
    assert sorted(account for account, _ in registry) == sorted(results_of(scored.run))
    assert {first for _, first in registry} == {run_id}
    assert_overrides_point_at_the_registry(postgres_store)


def test_a_first_run_leaves_a_table_of_another_application_pointing_at_the_registry(
    postgres_store: Store, score: Score
) -> None:
    # The registry cannot be emptied for a straight copy while another
    # table points at it: the accounts are staged and joined instead.
    with postgres_store.writing() as connection:
        connection.exec_driver_sql(
            "CREATE TABLE crm_notes (id INTEGER PRIMARY KEY, account_id VARCHAR "
            'COLLATE "C" REFERENCES accounts (account_id))'
        )

    _record(postgres_store, score, 60, "with notes")

    with postgres_store.writing() as connection:
        connection.exec_driver_sql("INSERT INTO crm_notes VALUES (1, 'F1000-0001')")
        keys = {name for _, name, _ in connection.execute(KEYS)}
        with pytest.raises(IntegrityError), connection.begin_nested():
            connection.exec_driver_sql(
                "INSERT INTO crm_notes VALUES (2, 'NOT-AN-ACCOUNT')"
            )
    assert "crm_notes_account_id_fkey" in keys
    assert _counts(postgres_store) == {"runs": 1, "run_results": 60, "accounts": 60}
