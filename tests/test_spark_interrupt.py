"""Ctrl-C during ``tier --engine spark`` ends it as quietly as SIGTERM.

PySpark replaces the program's SIGINT handler with its own when its
session starts, and that handler asks the JVM to cancel its jobs over the
connection the interrupted call is still reading. A Ctrl-C while Spark ran
printed some 35 lines of Py4J tracebacks ("reentrant call",
Py4JNetworkError, KeyboardInterrupt) and no "tierwise: stopped by SIGINT"
line, though it exited 130 and cleaned up. Spark runs in local mode, bound
to 127.0.0.1 with its UI off (tierwise's defaults for --engine spark).
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
from tierwise.engine.backends.spark import STOPPING_WHILE_STARTING

pytest.importorskip(
    "pyspark", reason="PySpark is not installed: pip install -e '.[spark]'"
)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough accounts that Spark is still writing the results when stopped."""
    return sampled_portfolio(tmp_path_factory.mktemp("portfolio"), 300_000)


def _spark_run(
    portfolio: Path, tmp_path: Path
) -> tuple[Path, list[str], dict[str, str]]:
    """A scratch folder, and the command and environment of a quiet Spark
    run of ``portfolio`` whose temporary files go into that folder."""
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--engine", "spark", "--as-of", "2026-09-30", "--no-store"]
    command += ["--quiet", "--out", str(tmp_path / "out")]
    return scratch, command, {**os.environ, "TMPDIR": str(scratch)}


@pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX here")
def test_ctrl_c_while_spark_writes_says_stopped_and_nothing_else(
    portfolio: Path, tmp_path: Path
) -> None:
    scratch, command, environment = _spark_run(portfolio, tmp_path)
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env=environment
    ) as process:
        try:
            # Spark makes the results folder as it starts writing them,
            # well after its session (and its own SIGINT handler) started.
            deadline = time.monotonic() + 600
            while not list(scratch.glob("*/spark-results")):
                assert process.poll() is None, "tier ended before Spark wrote"
                assert time.monotonic() < deadline, "Spark never began writing"
                time.sleep(0.01)
            process.send_signal(signal.SIGINT)
            _, said = process.communicate(timeout=180)
        finally:
            process.kill()

    # The JVM's own notes at start-up ("WARNING: Using incubator modules")
    # are Java's, printed by any Spark run.
    lines = [line for line in said.splitlines() if not line.startswith("WARNING: ")]
    assert lines == ["tierwise: stopped by SIGINT"], said
    assert process.returncode == 128 + signal.SIGINT
    assert list(scratch.iterdir()) == []
    assert not (tmp_path / "out").exists()


def _java_processes(scratch: Path) -> list[int]:
    """The JVMs started with ``scratch`` as their temporary folder."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            name = (entry / "comm").read_text().strip()
            environment = (entry / "environ").read_bytes().split(b"\0")
        except (OSError, ValueError):
            continue
        if name == "java" and f"TMPDIR={scratch}".encode() in environment:
            found.append(int(entry.name))
    return found


@pytest.mark.skipif(sys.platform != "linux", reason="reads the processes in /proc")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_a_stop_while_spark_starts_leaves_no_jvm_running(
    portfolio: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    # Stopped before PySpark had a hold of the JVM it launched, the run
    # exited and left the JVM running, with no parent, until killed.
    scratch, command, environment = _spark_run(portfolio, tmp_path)
    said = tmp_path / "stderr.txt"
    left: list[int] = []
    with said.open("w") as stderr:
        process = subprocess.Popen(command, stderr=stderr, env=environment)
    try:
        deadline = time.monotonic() + 300
        while not _java_processes(scratch):
            assert process.poll() is None, "tier ended before Spark started"
            assert time.monotonic() < deadline, "Spark never started"
            time.sleep(0.01)
        process.send_signal(stop)
        process.wait(timeout=300)
        deadline = time.monotonic() + 30
        while _java_processes(scratch) and time.monotonic() < deadline:
            time.sleep(0.1)
        left = _java_processes(scratch)
    finally:
        process.kill()
        for pid in _java_processes(scratch):
            os.kill(pid, signal.SIGKILL)

    assert left == []
    lines = [
        line
        for line in said.read_text().splitlines()
        if not line.startswith("WARNING: ")
    ]
    # The stop waits for Spark to be up, which takes seconds: it says so.
    assert lines == [STOPPING_WHILE_STARTING, f"tierwise: stopped by {stop.name}"]
    assert process.returncode == 128 + stop
    assert not (tmp_path / "out").exists()
