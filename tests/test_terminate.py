"""A command stopped with SIGTERM cleans up as after Ctrl-C."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from importlib.metadata import entry_points
from pathlib import Path

import pytest

import tierwise.engine.backends.spark as spark_backend
import tierwise.engine.run as engine_run
from tests.conftest import sampled_portfolio
from tierwise.engine import score_accounts
from tierwise.model import load_model
from tierwise.sample import DEMO_AS_OF, build_demo_portfolio


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


@pytest.fixture(scope="module")
def large_portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two million accounts: long enough to score that a stop lands inside."""
    return sampled_portfolio(tmp_path_factory.mktemp("large"), 2_000_000)


@pytest.mark.skipif(sys.platform == "win32", reason="signals are POSIX here")
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM], ids=["int", "term"])
def test_a_tier_stopped_while_scoring_exits_quietly_and_leaves_no_scratch(
    large_portfolio: Path, tmp_path: Path, stop: signal.Signals
) -> None:
    # DuckDB turns the stop into an "interrupted query" error: tier printed
    # its traceback, exited 1 and left its scratch folder behind.
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "tierwise", "tier", str(large_portfolio)]
    command += ["--as-of", "2026-09-30", "--no-store", "--quiet"]
    command += ["--out", str(tmp_path / "out")]
    environment = {**os.environ, "TMPDIR": str(scratch)}
    with subprocess.Popen(
        command, stderr=subprocess.PIPE, text=True, env=environment
    ) as process:
        try:
            deadline = time.monotonic() + 120
            while not list(scratch.glob("tierwise-run-*")) and process.poll() is None:
                assert time.monotonic() < deadline, "tier never started scoring"
                time.sleep(0.01)
            process.send_signal(stop)
            _, said = process.communicate(timeout=120)
        finally:
            process.kill()

    assert process.returncode == 128 + stop
    assert "Traceback" not in said
    assert f"stopped by {stop.name}" in said
    assert list(scratch.iterdir()) == []


def test_a_stop_while_the_engine_starts_leaves_no_scratch_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A SIGTERM that came while DuckDB was opening, just after the run's
    # scratch folder was made, left the folder behind.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def stopped(*args: object, **kwargs: object) -> None:
        raise SystemExit(128 + signal.SIGTERM)

    monkeypatch.setattr(engine_run, "open_connection", stopped)
    with pytest.raises(SystemExit):
        score_accounts(load_model(), build_demo_portfolio(), DEMO_AS_OF)

    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("where", ["compile_on", "_session"])
def test_a_spark_run_stopped_before_or_during_spark_leaves_no_scratch_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    # Stopped while DuckDB prepared Spark's input files, the Spark path left
    # its folder: only the Spark stage itself cleaned up after a failure.
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def stopped(*args: object, **kwargs: object) -> None:
        raise SystemExit(128 + signal.SIGTERM)

    monkeypatch.setattr(spark_backend, where, stopped)
    with pytest.raises(SystemExit):
        spark_backend.score_on_spark(
            load_model(), build_demo_portfolio().slice(0, 50), DEMO_AS_OF
        )

    assert list(tmp_path.iterdir()) == []
