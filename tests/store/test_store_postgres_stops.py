"""A PostgreSQL recording stopped once its results table was committed.

The second connection commits the run's filled table under a pending name
before the recording's own transaction attaches it (see
`tierwise.store.postgres_results`). Only a process killed outright may
leave that table behind for the next recording to drop: a run stopped
politely (Ctrl-C, SIGTERM) or failing while the table is attached, or
after that and before its commit, drops it itself.
"""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Iterator
from types import FrameType

import pytest
from alembic import command
from sqlalchemy import Connection, func, select, text

import tierwise.store.bulk as bulk
import tierwise.store.recording as recording
from tierwise.store import Store, record_run
from tierwise.store.migrate import _config, current_revision
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


class Stop(Exception):
    """What the test's signal handler raises, as Ctrl-C raises KeyboardInterrupt."""


@pytest.fixture
def stop_on_signal() -> Iterator[None]:
    """SIGUSR1 makes the main thread raise `Stop` wherever it waits."""

    def handler(number: int, frame: FrameType | None) -> None:
        raise Stop

    before = signal.signal(signal.SIGUSR1, handler)
    yield
    signal.signal(signal.SIGUSR1, before)


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


def test_a_stop_while_the_registry_is_updated_waits_for_its_thread_to_end(
    postgres_store: Store,
    score: Score,
    monkeypatch: pytest.MonkeyPatch,
    stop_on_signal: None,
) -> None:
    # Python 3.11 marks a thread as ended when a signal handler interrupts
    # the join that waits for it; the recording then rolled back and gave
    # its connection back while the registry's statements still ran on it.
    real_settle = bulk.settle_registry
    ended: list[float] = []

    def slow(connection: Connection, *args: object) -> None:
        # Every result was sent: the recording now waits for this thread.
        while not _pending(postgres_store):
            time.sleep(0.01)
        time.sleep(0.2)
        os.kill(os.getpid(), signal.SIGUSR1)
        try:
            connection.exec_driver_sql("SELECT pg_sleep(3)")
            real_settle(connection, *args)  # type: ignore[arg-type]
        finally:
            ended.append(time.monotonic())

    monkeypatch.setattr(bulk, "settle_registry", slow)
    with pytest.raises(Stop):
        _record(postgres_store, score, "stopped in the registry")
    stopped = time.monotonic()

    assert ended, "the registry's thread was still running"
    assert ended[0] <= stopped
    monkeypatch.undo()
    assert _stored(postgres_store) == (0, 0)
    assert _pending(postgres_store) == []


def test_a_downgrade_drops_a_pending_table_the_older_tierwise_would_keep(
    postgres_store: Store, score: Score
) -> None:
    _record(postgres_store, score, "kept")
    # As a process killed between the two commits leaves it.
    with postgres_store.writing() as connection:
        connection.exec_driver_sql(
            f"CREATE TABLE {PENDING_PREFIX}424242 (LIKE run_results)"
        )

    with postgres_store.writing() as connection:
        command.downgrade(_config(connection), "0005")

    assert current_revision(postgres_store) == "0005"
    assert _pending(postgres_store) == []
    assert _stored(postgres_store) == (1, 80)
