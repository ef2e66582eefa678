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

pytest.importorskip(
    "pyspark", reason="PySpark is not installed: pip install -e '.[spark]'"
)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Enough accounts that Spark is still writing the results when stopped."""
    return sampled_portfolio(tmp_path_factory.mktemp("portfolio"), 300_000)


@pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX here")
def test_ctrl_c_while_spark_writes_says_stopped_and_nothing_else(
    portfolio: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio)]
    command += ["--engine", "spark", "--as-of", "2026-09-30", "--no-store"]
    command += ["--quiet", "--out", str(tmp_path / "out")]
    environment = {**os.environ, "TMPDIR": str(scratch)}
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
