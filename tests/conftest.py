"""Fixtures every test folder may use: the default model and the shared data."""

from __future__ import annotations

import gc
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from tierwise import stops
from tierwise.model import TieringModel, load_model

REPO = Path(__file__).resolve().parents[1]

# The public datasets sit in shared/ beside the repository (CI lays them out
# the same way); tests that need them skip with this reason when they do not.
SHARED_DATA = (REPO / ".." / "shared" / "data").resolve()


@pytest.fixture(scope="session")
def default_model() -> TieringModel:
    return load_model()


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"the public datasets are not at {SHARED_DATA}")
    return SHARED_DATA


def sampled_portfolio(folder: Path, accounts: int) -> Path:
    """A made-up portfolio of ``accounts`` in ``folder``, written by the
    installed command as a user would (``tierwise sample``)."""
    target = folder / "portfolio.parquet"
    command = [sys.executable, "-m", "tierwise", "sample", "--quiet"]
    command += ["--accounts", str(accounts), "--out", str(target)]
    subprocess.run(command, check=True, capture_output=True, timeout=300)
    return target


class _StoppedWhileFinalised:
    """An object whose finaliser is where SIGTERM's handler happens to run."""

    def __del__(self) -> None:
        stops.on_signal(signal.SIGTERM, None)


def lose_a_stop() -> None:
    """Ask to stop inside a finaliser, where Python reports the stop and drops it.

    Call it after pointing ``stops._asked`` at a fresh list (monkeypatch).
    """
    dropped: list[type[BaseException] | None] = []
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            sys, "unraisablehook", lambda raised: dropped.append(raised.exc_type)
        )
        _StoppedWhileFinalised()
        gc.collect()
    assert dropped == [SystemExit]
