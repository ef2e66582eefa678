"""A run stopped while its staged chunks are being copied into the store.

Ctrl-C, a polite kill (SIGTERM, which the command line turns into an
exception) or a caller's progress callback can stop a run between two
chunks. The thread writing the chunks must stop then too, and let go of the
engine's result: otherwise the engine's connection is still busy when the
run cleans up, and the caller sees DuckDB's "connection has an open result"
instead of what stopped the run.

Ctrl-C or SIGTERM mostly lands while SQLite copies a chunk. SQLAlchemy then
throws the store's connection away, and with it what was to be done once
the transaction ended: the scratch files must go all the same.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator
from pathlib import Path

import pytest
from sqlalchemy import event

import tierwise.store.bulk as bulk
import tierwise.store.staging as staging
from tierwise.store import open_store, record_run

from .conftest import Score, attached_files, results_of


class Stopped(Exception):
    """What the caller's progress callback raises to stop the run."""


@pytest.mark.usefixtures("small_chunks")
def test_a_run_stopped_between_chunks_stops_staging_and_raises_its_own_error(
    sqlite_url: str, score: Score, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = score(size=230)
    stagings: list[Generator[tuple[str, int], None, None]] = []
    real_chunks = staging.staged_chunks

    def kept(*args: object, **kwargs: object) -> object:
        chunks = real_chunks(*args, **kwargs)  # type: ignore[arg-type]
        stagings.append(chunks)
        return chunks

    def stop(done: int, total: int) -> None:
        raise Stopped(f"stopped after {done} of {total}")

    monkeypatch.setattr(bulk, "staged_chunks", kept)
    with open_store(sqlite_url) as store:
        with pytest.raises(Stopped, match="stopped after"):
            record_run(
                store,
                scored.run,
                model_text=scored.model_text,
                inputs={"accounts": "stopped"},
                batch_rows=25,
                progress=stop,
            )
        [stopped_chunks] = stagings
        state = inspect.getgeneratorstate(stopped_chunks)
        attached = attached_files(store)
        # The engine's connection is free, and the next run is stored whole.
        recorded = record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "stopped"},
            batch_rows=25,
        )

    assert state == inspect.GEN_CLOSED
    assert attached == []
    assert list(scratch.glob("tierwise-staging-*")) == []
    assert (recorded.run_id, recorded.accounts) == (1, len(results_of(scored.run)))


@pytest.mark.usefixtures("small_chunks")
def test_a_run_stopped_while_a_chunk_is_copied_leaves_no_scratch_files(
    sqlite_url: str, score: Score, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = score(size=230)

    def terminate(*args: object) -> None:
        # As the command line's SIGTERM handler does, when the signal comes
        # while SQLite copies the first chunk into the results.
        if str(args[2]).startswith("INSERT INTO run_results"):
            raise SystemExit(143)

    with open_store(sqlite_url) as store:
        event.listen(store.engine, "after_cursor_execute", terminate)
        with pytest.raises(SystemExit):
            record_run(
                store,
                scored.run,
                model_text=scored.model_text,
                inputs={"accounts": "terminated"},
                batch_rows=25,
            )
        event.remove(store.engine, "after_cursor_execute", terminate)
        left = list(scratch.glob("tierwise-staging-*"))
        with store.reading() as connection:
            runs = connection.exec_driver_sql("SELECT count(*) FROM runs").scalar()
        recorded = record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "terminated"},
            batch_rows=25,
        )

    assert left == []
    assert runs == 0
    assert (recorded.run_id, recorded.accounts) == (1, len(results_of(scored.run)))
