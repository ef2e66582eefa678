"""A disk that refuses tier's files: a message saying what to do, and nothing left.

The engine's files are written by DuckDB, whose refusal (a full disk, a
limit on file size) came out as its own traceback. A limit on file size
stands in here for a full disk: the process gets the same refusal from the
system, for the engine's scratch file or for the results beside ``--out``.
"""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import sampled_portfolio

pytestmark = pytest.mark.skipif(
    sys.platform == "win32", reason="file-size limits are POSIX"
)


@pytest.fixture(scope="module")
def portfolio(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sampled_portfolio(tmp_path_factory.mktemp("portfolio"), 200_000)


def tier_limited(
    portfolio: Path, folder: Path, limit_bytes: int, *options: str
) -> subprocess.CompletedProcess[str]:
    """``tierwise tier portfolio *options`` into ``folder/out``, in a process
    that may write no file past ``limit_bytes``, with ``folder/tmp`` as its
    temporary folder."""

    def limited() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit_bytes, limit_bytes))

    scratch = folder / "tmp"
    scratch.mkdir()
    command = [sys.executable, "-m", "tierwise", "tier", str(portfolio), *options]
    command += ["--as-of", "2026-09-30", "--no-store", "--quiet"]
    command += ["--out", str(folder / "out")]
    return subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=300,
        preexec_fn=limited,
        env={"TMPDIR": str(scratch), "PATH": "/usr/bin:/bin"},
    )


@pytest.mark.parametrize(
    ("limit_bytes", "where"),
    [
        pytest.param(300_000, "tmp", id="engine-scratch"),
        pytest.param(2_000_000, "", id="results-beside-out"),
    ],
)
def test_a_refused_write_says_where_and_what_to_do_and_leaves_nothing(
    portfolio: Path, tmp_path: Path, limit_bytes: int, where: str
) -> None:
    finished = tier_limited(portfolio, tmp_path, limit_bytes)

    said = finished.stderr
    assert finished.returncode == 2, said
    assert "Traceback" not in said
    assert f"cannot write in {(tmp_path / where).absolute()}".rstrip("/") in said
    assert "File too large" in said
    assert "ulimit -f" in said
    assert sorted(path.name for path in tmp_path.iterdir()) == ["tmp"]
    assert list((tmp_path / "tmp").iterdir()) == []
