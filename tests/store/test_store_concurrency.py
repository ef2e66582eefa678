"""All or nothing, and one writer at a time: killed runs and simultaneous runs.

These tests start real processes and threads against the real databases:
a process killed with SIGKILL half-way through storing, two processes
recording the same run at the same moment, and a writer that waits for
another (or gives up with a clear message).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tierwise.store import (
    RecordedRun,
    Store,
    StoreBusyError,
    list_runs,
    open_store,
    record_run,
)
from tierwise.store.tables import Account, ModelVersion, Run, RunResult

from .conftest import Score, row_counts

INPUTS = {"accounts": "c" * 64}

# A child process: score a small portfolio, then record it through a
# progress hook that can pause half-way (for SIGKILL) or wait for a start
# signal (so two children record at the same moment).
CHILD = textwrap.dedent(
    """
    import json, sys, time
    from pathlib import Path

    from tierwise.engine import score_accounts
    from tierwise.model import default_model_text, parse_model
    from tierwise.sample import DEMO_AS_OF, build_demo_portfolio
    from tierwise.store import open_store, record_run

    url, mode, signals = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    text = default_model_text()
    accounts = build_demo_portfolio().slice(0, 400)
    run = score_accounts(parse_model(text), accounts, DEMO_AS_OF)
    store = open_store(url)

    def pause_half_way(stored, total):
        if stored >= total // 2:
            (signals / "half-way").write_text(str(stored))
            time.sleep(600)

    def hold_first_batch(stored, total):
        if stored <= 50:
            time.sleep(0.3)

    (signals / f"ready-{mode}").write_text("")
    while not (signals / "go").exists():
        time.sleep(0.005)
    recorded = record_run(
        store, run, model_text=text, inputs={"accounts": "c" * 64},
        accounts=accounts, batch_rows=50,
        progress=pause_half_way if mode == "kill" else hold_first_batch,
    )
    print(json.dumps({"run_id": recorded.run_id, "created": recorded.created}))
    """
)


def _child(script: Path, url: str, mode: str, signals: Path) -> subprocess.Popen[str]:
    # Its temporary folder is the test's: a child killed while recording
    # leaves its scratch files there, not in the machine's.
    scratch = signals / "tmp"
    scratch.mkdir(exist_ok=True)
    return subprocess.Popen(
        [sys.executable, str(script), url, mode, str(signals)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "TMPDIR": str(scratch)},
    )


def _wait_for(path: Path, child: subprocess.Popen[str], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not path.exists():
        if child.poll() is not None:
            pytest.fail(f"the child stopped early: {child.communicate()[1]}")
        if time.monotonic() > deadline:
            child.kill()
            pytest.fail(f"the child never wrote {path.name}: {child.communicate()[1]}")
        time.sleep(0.02)


def _counts(store: Store) -> dict[str, int]:
    return row_counts(store, ModelVersion, Run, RunResult, Account)


@pytest.fixture
def child_script(tmp_path: Path) -> Path:
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    return script


def test_a_run_killed_half_way_through_storing_leaves_nothing_behind(
    store: Store, store_url: str, child_script: Path, tmp_path: Path, score: Score
) -> None:
    child = _child(child_script, store_url, "kill", tmp_path)
    _wait_for(tmp_path / "ready-kill", child)
    (tmp_path / "go").write_text("")
    _wait_for(tmp_path / "half-way", child)

    # Half the results are written but not committed: nobody else sees them.
    assert list_runs(store) == []
    os.kill(child.pid, signal.SIGKILL)
    child.communicate(timeout=30)

    assert child.returncode == -signal.SIGKILL
    # A SQLite store stages the rows in scratch files, which a killed process
    # cannot delete; PostgreSQL takes them straight from the process.
    staged = list((tmp_path / "tmp").glob("tierwise-staging-*"))
    assert len(staged) == (1 if store.backend == "sqlite" else 0)
    empty = {"model_versions": 0, "runs": 0, "run_results": 0, "accounts": 0}
    assert _counts(store) == empty
    scored = score(size=400)
    recorded = record_run(
        store, scored.run, model_text=scored.model_text, inputs=INPUTS
    )
    assert recorded.created
    assert _counts(store) == {
        "model_versions": 1,
        "runs": 1,
        "run_results": 400,
        "accounts": 400,
    }


def test_two_processes_recording_the_same_run_at_once_store_it_once(
    store: Store, store_url: str, child_script: Path, tmp_path: Path
) -> None:
    children = [_child(child_script, store_url, mode, tmp_path) for mode in ("a", "b")]
    for mode, child in zip(("a", "b"), children, strict=True):
        _wait_for(tmp_path / f"ready-{mode}", child)

    (tmp_path / "go").write_text("")
    outcomes = []
    for child in children:
        out, err = child.communicate(timeout=120)
        assert child.returncode == 0, err
        outcomes.append(json.loads(out))

    assert sorted(outcome["created"] for outcome in outcomes) == [False, True]
    assert len({outcome["run_id"] for outcome in outcomes}) == 1
    assert _counts(store) == {
        "model_versions": 1,
        "runs": 1,
        "run_results": 400,
        "accounts": 400,
    }


class _PausedWriter:
    """A thread recording a run that stops after its first batch until released."""

    def __init__(self, url: str, score: Score) -> None:
        self.store = open_store(url)
        self.scored = score(size=300)
        self.holding = threading.Event()
        self.release = threading.Event()
        self.result: RecordedRun | None = None
        self.thread = threading.Thread(target=self._record)

    def _record(self) -> None:
        def pause(stored: int, total: int) -> None:
            self.holding.set()
            self.release.wait(timeout=30)

        self.result = record_run(
            self.store,
            self.scored.run,
            model_text=self.scored.model_text,
            inputs=INPUTS,
            batch_rows=100,
            progress=pause,
        )

    def __enter__(self) -> _PausedWriter:
        self.thread.start()
        assert self.holding.wait(timeout=30), "the first writer never started storing"
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.release.set()
        self.thread.join(timeout=30)
        self.store.close()


def test_a_second_writer_waits_for_the_first_then_sees_its_run(
    store_url: str, score: Score
) -> None:
    # Its own engine run: one DuckDB connection serves one thread at a time.
    second = score(size=300, pins={"F1000-0001": "tier_3"})
    outcome: list[RecordedRun] = []

    with open_store(store_url) as waiting, _PausedWriter(store_url, score) as first:
        waiter = threading.Thread(
            target=lambda: outcome.append(
                record_run(
                    waiting, second.run, model_text=second.model_text, inputs=INPUTS
                )
            )
        )
        waiter.start()
        time.sleep(0.5)
        still_waiting = waiter.is_alive()
        first.release.set()
        waiter.join(timeout=30)

    assert still_waiting
    assert first.result is not None and first.result.created
    assert [(r.run_id, r.created) for r in outcome] == [(first.result.run_id, False)]


def test_a_writer_that_waits_longer_than_its_timeout_is_refused(
    store: Store, store_url: str, score: Score
) -> None:
    second = score(size=300, pins={"F1000-0001": "tier_3"})

    with (
        open_store(store_url, lock_timeout=0.3) as impatient,
        _PausedWriter(store_url, score) as first,
    ):
        with pytest.raises(StoreBusyError, match="another tierwise process is writing"):
            record_run(
                impatient, second.run, model_text=second.model_text, inputs=INPUTS
            )
        first.release.set()

    assert first.result is not None and first.result.created
    assert [run.run_id for run in list_runs(store)] == [first.result.run_id]


def test_a_writer_that_must_wait_says_so_once(store_url: str, score: Score) -> None:
    # A run waiting up to ten minutes for another must not sit silent.
    told: list[str] = []

    with open_store(store_url) as waiting, _PausedWriter(store_url, score) as first:
        waiting.on_wait = told.append
        waiter = threading.Thread(target=_write_nothing, args=(waiting,))
        waiter.start()
        time.sleep(0.5)
        first.release.set()
        waiter.join(timeout=30)

    assert len(told) == 1
    assert told[0].startswith("Another tierwise process is writing to the store at")
    assert "waiting for it to finish (at most 600 s)" in told[0]


def test_a_writer_on_a_free_store_says_nothing(store: Store) -> None:
    told: list[str] = []
    store.on_wait = told.append

    _write_nothing(store)
    _write_nothing(store)

    assert told == []


def _write_nothing(store: Store) -> None:
    with store.writing():
        pass
