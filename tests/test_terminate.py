"""A command stopped with SIGTERM cleans up as after Ctrl-C."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from importlib.metadata import entry_points
from pathlib import Path

import pytest


def test_the_installed_command_runs_main_which_handles_sigterm() -> None:
    scripts = entry_points(group="console_scripts")
    [script] = [entry for entry in scripts if entry.name == "tierwise"]
    assert script.value == "tierwise.cli:main"


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is a POSIX signal")
def test_a_terminated_sample_leaves_no_partial_file(tmp_path: Path) -> None:
    # Killed politely, sample left a hidden .partial file of gigabytes.
    target = tmp_path / "big.parquet"
    partial = tmp_path / ".big.parquet.partial"
    command = [sys.executable, "-m", "tierwise", "sample", "--quiet"]
    command += ["--accounts", "50000000", "--out", str(target)]
    with subprocess.Popen(command, stderr=subprocess.DEVNULL) as process:
        try:
            deadline = time.monotonic() + 120
            while not partial.exists() and process.poll() is None:
                assert time.monotonic() < deadline, "sample never started writing"
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=120)
        finally:
            process.kill()

    assert process.returncode == 128 + signal.SIGTERM
    assert list(tmp_path.iterdir()) == []
