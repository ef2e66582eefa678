"""A PostgreSQL store of many runs: each run is a partition of its own.

Reading an account's history read every run's partition at once, and
PostgreSQL locks each one and its key until the read ends. Its lock table
is shared by the whole server and sized by ``max_locks_per_transaction``
(64 per connection by default), so a store of some thousands of runs made
that read fail with "out of shared memory". History is now read a few runs
at a time; the test holds the count of locks one read takes to that, on a
store small enough not to trouble the server.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event

import tierwise.store.history as history
from tierwise.store import Store, account_history, record_run

from .conftest import Score

pytestmark = pytest.mark.postgres

RUNS = 30


def test_an_accounts_history_takes_fewer_locks_than_there_are_runs(
    postgres_store: Store, score: Score, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(history, "HISTORY_RUNS_PER_READ", 4)
    scored = score(size=3)
    for _ in range(RUNS):
        record_run(
            postgres_store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "same"},
            force=True,
        )
    held: list[int] = []

    def count_locks(connection: Any, cursor: Any, *args: object) -> None:
        # Locks are kept to the end of the read: count them after each query.
        counted = connection.connection.driver_connection.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid()"
        )
        held.append(counted.fetchone()[0])

    event.listen(postgres_store.engine, "after_cursor_execute", count_locks)
    try:
        found = account_history(postgres_store, "F1000-0001")
    finally:
        event.remove(postgres_store.engine, "after_cursor_execute", count_locks)

    assert [entry.run_id for entry in found.entries] == list(range(1, RUNS + 1))
    assert max(held) < RUNS
