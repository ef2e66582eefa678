"""SQLite stores a run's rows through scratch files written from Arrow.

The rows travel in chunks, each staged in a scratch file by a thread while
the store copies the previous one; without the ADBC driver they are bound
one by one as before. Either way the stored run is the engine's, the
scratch files are gone once the run is recorded or refused, and nothing is
left attached to the store's connection.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy import text

import tierwise.store.recording as recording
import tierwise.store.staging as staging
from tierwise.store import RecordedRun, Store, StoreError, open_store, record_run
from tierwise.store.results import ENGINE_FIELDS, stored_results

from .conftest import Score, Scored, attached_files, results_of

BATCH_ROWS = 25


def _record(store: Store, scored: Scored, inputs: str = "a") -> RecordedRun:
    return record_run(
        store,
        scored.run,
        model_text=scored.model_text,
        inputs={"accounts": inputs},
        batch_rows=BATCH_ROWS,
    )


def _count(store: Store, table: str) -> int:
    with store.reading() as connection:
        return int(
            connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()
        )


def _stored(store: Store, run_id: int) -> dict[str, dict[str, object]]:
    with store.reading() as connection:
        return {row["account_id"]: row for row in stored_results(connection, run_id)}


def _registry(store: Store) -> list[tuple[object, ...]]:
    with store.reading() as connection:
        return [
            tuple(row)
            for row in connection.execute(
                text(
                    "SELECT account_id, name, domain, first_seen_run_id, "
                    "last_seen_run_id FROM accounts ORDER BY account_id"
                )
            )
        ]


def test_the_adbc_driver_is_installed_with_tierwise() -> None:
    assert staging._driver() is not None


@pytest.mark.usefixtures("small_chunks")
def test_a_run_staged_in_chunks_is_stored_exactly_and_leaves_no_scratch_file(
    sqlite_url: str, score: Score, scratch: Path
) -> None:
    scored = score(size=230)
    copied: list[tuple[str, int]] = []
    real_chunks = staging.staged_chunks

    def watched(*args: object, **kwargs: object) -> Iterator[tuple[str, int]]:
        for schema, rows in real_chunks(*args, **kwargs):  # type: ignore[arg-type]
            copied.append((schema, rows))
            yield schema, rows

    with pytest.MonkeyPatch.context() as patch, open_store(sqlite_url) as store:
        patch.setattr("tierwise.store.bulk.staged_chunks", watched)
        recorded = _record(store, scored)
        stored = _stored(store, recorded.run_id)
        attached = attached_files(store)

    engine = results_of(scored.run)
    assert sorted(stored) == sorted(engine)
    for account_id, row in stored.items():
        assert row == {name: engine[account_id][name] for name in ENGINE_FIELDS}
    # Chunks end at the first batch that reaches 40 rows; the third takes the rest.
    schemas = [schema for schema, _ in copied]
    assert schemas == [f"tierwise_staging_{n}" for n in range(len(copied))]
    assert 2 <= len(copied) <= 3
    assert all(rows >= 40 for _, rows in copied[:-1])
    assert sum(rows for _, rows in copied) == 230
    assert attached == []
    assert list(scratch.glob("tierwise-staging-*")) == []


@pytest.mark.usefixtures("small_chunks")
def test_without_the_driver_rows_are_bound_one_by_one_to_the_same_store(
    tmp_path: Path, score: Score, monkeypatch: pytest.MonkeyPatch, scratch: Path
) -> None:
    first, second = score(size=150), score(size=90)
    stores: dict[bool, tuple[dict[str, dict[str, object]], list[tuple[object, ...]]]]
    stores = {}
    for driver in (True, False):
        if not driver:
            monkeypatch.setattr(staging, "_driver", lambda: None)
        url = f"sqlite:///{tmp_path}/driver-{driver}.db"
        with open_store(url) as store:
            for number, scored in enumerate((first, second)):
                recorded = _record(store, scored, f"run-{number}")
            stores[driver] = (_stored(store, recorded.run_id), _registry(store))

    assert stores[True] == stores[False]
    assert len(stores[True][0]) == 90
    # The accounts of the first run only were last seen in it.
    assert sum(1 for row in stores[True][1] if row[4] == 1) == 60
    assert list(scratch.glob("tierwise-staging-*")) == []


@pytest.mark.usefixtures("small_chunks")
def test_a_run_that_fails_while_staging_stores_nothing_and_cleans_up(
    sqlite_url: str, score: Score, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = score(size=200)
    real_batches = recording.encoded_batches

    def failing(*args: object, **kwargs: object) -> Iterator[pa.RecordBatch]:
        for number, batch in enumerate(real_batches(*args, **kwargs)):  # type: ignore[arg-type]
            if number == 3:
                raise RuntimeError("the engine's result went away")
            yield batch

    monkeypatch.setattr(recording, "encoded_batches", failing)
    with open_store(sqlite_url) as store:
        with pytest.raises(RuntimeError, match="result went away"):
            _record(store, scored)
        runs, results = _count(store, "runs"), _count(store, "run_results")
        attached = attached_files(store)

    assert (runs, results) == (0, 0)
    assert _registry_empty(sqlite_url)
    assert attached == []
    assert list(scratch.glob("tierwise-staging-*")) == []


def _registry_empty(url: str) -> bool:
    with open_store(url) as store:
        return _registry(store) == []


def test_a_temporary_folder_that_cannot_be_used_means_binding_rows_instead(
    sqlite_url: str,
    score: Score,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scored = score(size=120)
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "no-such-folder"))
    with open_store(sqlite_url) as store:
        recorded = _record(store, scored)
        stored = _stored(store, recorded.run_id)

    assert sorted(stored) == sorted(results_of(scored.run))
    assert "Set TMPDIR to a folder tierwise can write in" in caplog.text


@pytest.mark.usefixtures("small_chunks")
def test_a_full_scratch_disk_is_named_and_nothing_is_stored(
    sqlite_url: str, score: Score, scratch: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    scored = score(size=200)
    # A scratch file allowed two pages fills up as a full disk would.
    monkeypatch.setattr(
        staging, "SCRATCH_PRAGMAS", (*staging.SCRATCH_PRAGMAS, "max_page_count = 2")
    )
    with open_store(sqlite_url) as store:
        with pytest.raises(StoreError, match="could not stage") as refused:
            _record(store, scored)
        runs = _count(store, "runs")
        attached = attached_files(store)

    message = str(refused.value)
    assert str(scratch) in message
    assert "full" in message
    assert "TMPDIR" in message and "nothing was stored" in message
    assert runs == 0
    assert attached == []
    assert list(scratch.glob("tierwise-staging-*")) == []


def test_scratch_folders_of_runs_whose_process_ended_are_deleted_by_the_next(
    sqlite_url: str, score: Score, scratch: Path
) -> None:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    abandoned = scratch / f"tierwise-staging-{ended.stdout.strip()}-k1ll3d"
    alive = scratch / f"tierwise-staging-{os.getpid()}-busy"
    unrelated = scratch / "tierwise-staging-notapid"
    for folder in (abandoned, alive, unrelated):
        folder.mkdir()
        (folder / "chunk0.db").write_bytes(b"rows")

    with open_store(sqlite_url) as store:
        _record(store, score(size=60))

    assert not abandoned.exists()
    assert alive.exists() and unrelated.exists()
