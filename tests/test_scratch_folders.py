"""The engine's scratch folders: named by process, and swept once it has ended.

A ``tier`` killed outright (SIGKILL, the out-of-memory killer) left its
``tierwise-run-*``, ``tierwise-spill-*`` and ``tierwise-signals-*`` folders
in the temporary folder for good, gigabytes at ten million accounts. The
next run now deletes those whose process has ended, and no other.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import sampled_portfolio

pytestmark = pytest.mark.skipif(
    os.name != "posix", reason="only POSIX asks whether a process runs"
)

KINDS = ("run", "spill", "signals", "db", "staging")


def _ended_pid() -> str:
    ended = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        capture_output=True,
        text=True,
        check=True,
    )
    return ended.stdout.strip()


def _tier(portfolio: Path, folder: Path) -> subprocess.Popen[str]:
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--as-of", "2026-09-30", "--no-store", "--quiet"]
    command += ["--out", str(folder / "out")]
    environment = {**os.environ, "TMPDIR": str(folder / "tmp")}
    return subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=environment)


def test_a_run_deletes_the_folders_of_ended_processes_and_no_other(
    tmp_path: Path,
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    ended = _ended_pid()
    abandoned = [scratch / f"tierwise-{kind}-{ended}-k1ll3d" for kind in KINDS]
    alive = scratch / f"tierwise-run-{os.getpid()}-busy"
    unrelated = [scratch / "tierwise-run-notapid", scratch / "tierwise-run-x7q2"]
    for folder in (*abandoned, alive, *unrelated):
        folder.mkdir()
        (folder / "results.parquet").write_bytes(b"rows")
    portfolio = sampled_portfolio(tmp_path, 300)

    with _tier(portfolio, tmp_path) as process:
        _, said = process.communicate(timeout=120)

    assert process.returncode == 0, said
    left = sorted(folder.name for folder in scratch.iterdir())
    assert left == sorted([alive.name, *(folder.name for folder in unrelated)])


def test_the_folders_of_a_killed_run_go_with_the_next_run(tmp_path: Path) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    portfolio = sampled_portfolio(tmp_path, 2_000_000)

    with _tier(portfolio, tmp_path) as killed:
        deadline = time.monotonic() + 120
        while not list(scratch.glob("tierwise-run-*")) and killed.poll() is None:
            assert time.monotonic() < deadline, "tier never started scoring"
            time.sleep(0.01)
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=60)
    left_behind = sorted(folder.name for folder in scratch.iterdir())

    (tmp_path / "small").mkdir()
    small = sampled_portfolio(tmp_path / "small", 300)
    with _tier(small, tmp_path) as next_run:
        _, said = next_run.communicate(timeout=120)

    assert killed.returncode == -signal.SIGKILL
    assert any(name.startswith(f"tierwise-run-{killed.pid}-") for name in left_behind)
    assert next_run.returncode == 0, said
    assert list(scratch.iterdir()) == []
