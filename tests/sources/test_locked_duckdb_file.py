"""A DuckDB file another program holds open, named with the fix.

DuckDB lets one program at a time open a file it may write. A run whose
``--source`` file was open in another program (a notebook, the DuckDB
shell) said it "cannot be opened as a DuckDB database" and gave DuckDB's
own message, which reads as if the file were damaged. It now says the file
is in use, by which program (DuckDB names it and its PID), and to close
it; nothing is read or written.
"""

from __future__ import annotations

import re
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from tierwise.errors import SourceError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)

# Opens the file for writing, says so, and keeps it open until its input ends.
HOLDER = (
    "import duckdb, sys; connection = duckdb.connect(sys.argv[1]); "
    "print('open', flush=True); sys.stdin.read()"
)


@pytest.fixture
def crm_file(tmp_path: Path) -> Path:
    path = tmp_path / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT 'a1' AS account_id, 'Acme' AS name"
        )
    return path


@pytest.fixture
def holder(crm_file: Path) -> Iterator[subprocess.Popen[str]]:
    """Another process with the file open for writing."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(crm_file)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None and process.stdin is not None
    try:
        assert process.stdout.readline().strip() == "open"
        yield process
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()


@pytest.mark.parametrize(
    "write_back", [pytest.param(None, id="read"), pytest.param("tiers", id="write")]
)
def test_a_file_open_in_another_program_is_named_with_the_fix(
    crm_file: Path,
    holder: subprocess.Popen[str],
    write_back: str | None,
    tmp_path: Path,
) -> None:
    source = f"duckdb:///{crm_file}::accounts"

    with pytest.raises(SourceError) as caught:
        tier_table(source, tmp_path / "out", AS_OF, write_back=write_back)

    message = str(caught.value)
    assert message.startswith(f"{source}: {crm_file} is open in another program ("), (
        message
    )
    assert re.search(rf"\(\S*python\S*, PID {holder.pid}\)", message), message
    assert message.endswith(
        "; DuckDB lets no other program open a file while one may write to "
        "it: close that program, or its connection to the file, and run "
        "again. Nothing was read or written"
    ), message
    assert "cannot be opened as a DuckDB database" not in message
    assert not (tmp_path / "out").exists()
