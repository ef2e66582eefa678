"""Temporary folders Python can write in but SQLite cannot open a file in.

SQLite opens no file whose full path is longer than 504 bytes (512 on Unix,
less room for its journal's name), while Python makes such folders without
complaint. A SQLite
store whose temporary folder lies that deep binds the rows one by one, as
for a folder it cannot write in, instead of refusing the run.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

import tierwise.store.bulk as bulk
import tierwise.store.staging as staging
from tierwise.store import open_store, record_run
from tierwise.store.results import stored_results

from .conftest import Score, results_of


def _deep_folder(root: Path) -> Path:
    """A folder whose path is longer than SQLite accepts for a file."""
    folder = root
    for letter in "abc":
        folder /= letter * 200
    folder.mkdir(parents=True)
    return folder


def test_a_temporary_folder_too_deep_for_sqlite_means_binding_rows_instead(
    sqlite_url: str,
    score: Score,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    scored = score(size=120)
    deep = _deep_folder(tmp_path / "deep")
    monkeypatch.setattr(tempfile, "tempdir", str(deep))
    with open_store(sqlite_url) as store:
        recorded = record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": "deep"},
        )
        with store.reading() as connection:
            stored = [row["account_id"] for row in stored_results(connection, 1)]

    assert recorded.run_id == 1
    assert sorted(stored) == sorted(results_of(scored.run))
    assert "binding the rows one by one" in caplog.text
    assert "Set TMPDIR to a folder with a shorter path" in caplog.text
    assert list(deep.iterdir()) == []


# A scratch file's path past the temporary folder:
# /tierwise-staging-<process id>-<8 random characters>/chunk0.db
PAST_THE_FOLDER = len(f"/tierwise-staging-{os.getpid()}-12345678/chunk0.db")


def _folder_of_length(root: Path, length: int) -> Path:
    """A folder whose path is ``length`` bytes, under ``root``."""
    folder = root
    while len(str(folder)) < length:
        step = min(100, length - len(str(folder)) - 1)
        folder /= "d" * max(step, 1)
    assert len(str(folder)) == length
    folder.mkdir(parents=True)
    return folder


@pytest.mark.parametrize(
    ("chunk_path", "staged"),
    [
        pytest.param(504, True, id="504-bytes-staged"),
        pytest.param(505, False, id="505-bytes-bound-one-by-one"),
    ],
)
def test_scratch_files_are_staged_up_to_the_longest_path_sqlite_opens(
    sqlite_url: str,
    score: Score,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    chunk_path: int,
    staged: bool,
) -> None:
    scored = score(size=60)
    folder = _folder_of_length(tmp_path, chunk_path - PAST_THE_FOLDER)
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    chunks: list[str] = []
    real_chunks = staging.staged_chunks

    def watched(*args: object, **kwargs: object) -> object:
        for schema, rows in real_chunks(*args, **kwargs):  # type: ignore[arg-type]
            chunks.append(schema)
            yield schema, rows

    monkeypatch.setattr(bulk, "staged_chunks", watched)
    with open_store(sqlite_url) as store:
        recorded = record_run(
            store,
            scored.run,
            model_text=scored.model_text,
            inputs={"accounts": str(chunk_path)},
        )

    assert recorded.accounts == 60
    assert bool(chunks) is staged
    assert list(folder.iterdir()) == []
