"""At a terminal, reason codes, ids and names keep their own colour.

Rich colours what looks like a number, a path, a bracket or an IPv6
address in any text it prints, unless told not to: the summary's
``missing_must_have:exec_sponsor`` came out split at ``e:e``, half of it
green. The commands run here in a real pseudo-terminal, as a user sees them.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import subprocess
import sys
import termios
from datetime import date
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pa_csv
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import tier_file
from tierwise.sample import write_portfolio

# Rich's highlighter takes "e:e" for an IPv6 address, "(True)" for a value,
# 2000 for a number and "/x" for a path.
HOSTILE_ID = "acme:edge/2000"
HOSTILE_NAME = "Acme 2000 (True) be:ef"
AS_OF = date(2026, 9, 30)
REASON = "missing_must_have:exec_sponsor"


def _at_a_terminal(folder: Path, *arguments: str) -> str:
    """What the command writes to a 200-column terminal, colours and all."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ("COLUMNS", "LINES", "NO_COLOR", "FORCE_COLOR")
    }
    environment["TERM"] = "xterm-256color"
    command = [sys.executable, "-m", "tierwise", *arguments]
    with subprocess.Popen(
        command,
        cwd=folder,
        env=environment,
        stdin=subprocess.DEVNULL,
        stdout=secondary,
        stderr=secondary,
    ) as process:
        os.close(secondary)
        shown = b""
        while True:
            try:
                chunk = os.read(primary, 1 << 16)
            except OSError:  # the terminal closed with the command
                break
            if not chunk:
                break
            shown += chunk
        assert process.wait(timeout=120) == 0, shown.decode(errors="replace")
    os.close(primary)
    return shown.decode()


@pytest.fixture(scope="module")
def tiered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder with accounts.csv, where the account of ``HOSTILE_ID`` and
    ``HOSTILE_NAME`` lacks the executive sponsor the first tier requires."""
    folder = tmp_path_factory.mktemp("terminal")
    sampled = write_portfolio(folder / "sampled.csv", 60, 7, as_of=AS_OF)
    job = tier_file(sampled, folder / "sampled", AS_OF)
    results = pq.read_table(job.out_dir / "tiers.parquet").to_pylist()
    chosen = next(row["account_id"] for row in results if row["reason"] == REASON)

    accounts = pa_csv.read_csv(sampled).to_pylist()
    for account in accounts:
        if account["account_id"] == chosen:
            account.update(account_id=HOSTILE_ID, name=HOSTILE_NAME)
    pa_csv.write_csv(pa.Table.from_pylist(accounts), folder / "accounts.csv")
    return folder


def test_the_tier_summary_shows_reason_codes_whole(tiered: Path) -> None:
    shown = _at_a_terminal(
        tiered, "tier", "accounts.csv", "--as-of", str(AS_OF), "--out", "out"
    )

    assert "\x1b[" in shown  # a terminal: tierwise's own colours are there
    assert f"{REASON} " in shown
    assert "Results in out/ (tiers.parquet, tiers.csv)" in shown


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["explain", HOSTILE_ID, "--out", "out"], id="explain"),
        pytest.param(["history", HOSTILE_ID], id="history"),
    ],
)
def test_ids_names_and_reasons_are_shown_whole(
    tiered: Path, command: list[str]
) -> None:
    _at_a_terminal(
        tiered, "tier", "accounts.csv", "--as-of", str(AS_OF), "--out", "out"
    )

    shown = _at_a_terminal(tiered, *command)

    assert HOSTILE_ID in shown
    assert HOSTILE_NAME in shown
    assert REASON in shown
