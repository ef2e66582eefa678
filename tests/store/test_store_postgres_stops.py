"""A PostgreSQL recording stopped once its results table was committed.

The second connection commits the run's filled table under a pending name
before the recording's own transaction attaches it (see
`tierwise.store.postgres_results`). Only a process killed outright may
leave that table behind for the next recording to drop: a run stopped
politely (Ctrl-C, SIGTERM) or failing while the table is attached, or
after that and before its commit, drops it itself.
"""

from __future__ import annotations

import pytest
from sqlalchemy import Connection, func, select, text

import tierwise.store.recording as recording
from tierwise.store import Store, record_run
from tierwise.store.postgres_results import PENDING_PREFIX, ResultsLoader
from tierwise.store.tables import Run, RunResult

from .conftest import Score

pytestmark = pytest.mark.postgres


def _pending(store: Store) -> list[str]:
    with store.reading() as connection:
        rows = connection.execute(
            text(
                "SELECT relname FROM pg_class WHERE starts_with(relname, :prefix) "
                "AND relnamespace = (SELECT oid FROM pg_namespace "
                "WHERE nspname = current_schema())"
            ),
            {"prefix": PENDING_PREFIX},
        )
        return list(rows.scalars())


def _stored(store: Store) -> tuple[int, int]:
    with store.reading() as connection:
        runs = connection.execute(select(func.count()).select_from(Run))
        results = connection.execute(select(func.count()).select_from(RunResult))
        return runs.scalar_one(), results.scalar_one()


def _record(store: Store, score: Score, label: str) -> None:
    scored = score(size=80)
    record_run(
        store, scored.run, model_text=scored.model_text, inputs={"accounts": label}
    )


def test_a_run_stopped_while_its_table_is_attached_leaves_no_pending_table(
    postgres_store: Store, score: Score, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_attach = ResultsLoader.attach

    def stopped(self: ResultsLoader, connection: Connection) -> None:
        real_attach(self, connection)
        raise KeyboardInterrupt

    monkeypatch.setattr(ResultsLoader, "attach", stopped)
    with pytest.raises(KeyboardInterrupt):
        _record(postgres_store, score, "stopped")

    assert _stored(postgres_store) == (0, 0)
    assert _pending(postgres_store) == []


def test_a_run_failing_after_the_attach_before_its_commit_leaves_no_pending_table(
    postgres_store: Store, score: Score, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(*args: object) -> None:
        raise RuntimeError("the run's last update failed")

    # Setting the run's finish time is the recording's last write.
    monkeypatch.setattr(recording, "update", failing)
    with pytest.raises(RuntimeError, match="last update failed"):
        _record(postgres_store, score, "failing")

    assert _stored(postgres_store) == (0, 0)
    assert _pending(postgres_store) == []
