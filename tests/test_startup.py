"""What the command line loads before it does any work."""

from __future__ import annotations

import subprocess
import sys

import pytest


def _loaded_after(statement: str, modules: list[str]) -> list[str]:
    probe = (
        f"import sys; {statement}; "
        f"print(','.join(m for m in {modules!r} if m in sys.modules))"
    )
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    return [name for name in found.split(",") if name]


def test_the_engine_alone_loads_no_store_and_no_spreadsheet_reader() -> None:
    loaded = _loaded_after(
        "import tierwise.engine.run, tierwise.jobs",
        ["sqlalchemy", "alembic", "openpyxl"],
    )

    assert loaded == []


def test_the_command_line_loads_no_spreadsheet_writer() -> None:
    loaded = _loaded_after("import tierwise.cli", ["openpyxl"])

    assert loaded == []


@pytest.mark.xfail(
    strict=True,
    reason="the CLI imports every command's module and the store with it: "
    "about 1 s of start-up that tier --no-store on Parquet does not need",
)
def test_the_tier_command_loads_no_store() -> None:
    loaded = _loaded_after("import tierwise.cli", ["sqlalchemy", "alembic"])

    assert loaded == []
