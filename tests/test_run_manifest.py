"""run.json keeps the import problems a run went ahead with.

A file with too many problem rows is tiered only with ``--accept-warnings``;
what was accepted must stay readable in the run's manifest afterwards, for a
file and for a database table alike.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import duckdb
import pytest
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.jobs import tier_file
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)

# Six rows, four with problems: two skipped, two with flagged cells.
PROBLEMS = (
    "account_id,name,industry,employees,annual_revenue,country\n"
    "A1,Acme,Software,5000,1000000,US\n"
    "A2,Beta,Software,12,1.250,US\n"
    ",No Id,Software,10,10,US\n"
    "A4,Delta,Software,about 300,<1000000,DE\n"
    "A5,Epsilon,Software,100,2000000,FR\n"
    "A6,,Software,5,2000000,FR\n"
)
HEADLINE = "Rows read 6 = used 4 + skipped 2 (blank account_id 1, blank name 1)"
DECIMAL_MARK = "could also be read with the other decimal mark"


def _manifest(out: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((out / "run.json").read_text())
    return manifest


@pytest.fixture
def problems_csv(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.csv"
    path.write_text(PROBLEMS, encoding="utf-8")
    return path


def test_accepted_import_problems_are_kept_in_run_json(
    problems_csv: Path, tmp_path: Path
) -> None:
    tier_file(problems_csv, tmp_path / "out", AS_OF, accept_warnings=True)

    manifest = _manifest(tmp_path / "out")
    assert manifest["import_problems"] == {
        "headline": HEADLINE,
        "rows_read": 6,
        "problem_rows": 4,
        "needed_accept_warnings": True,
        "skipped_rows": {"blank account_id": 1, "blank name": 1},
        "flagged_cells": {
            DECIMAL_MARK: 1,
            "a bound, not an exact number; scored by its lower end": 1,
            "an approximate number, read as written": 1,
        },
    }
    imported = [line for line in manifest["warnings"] if line.startswith("import:")]
    assert imported[:2] == [
        "import: 4 of 6 rows had problems, more than the 5% at which a run "
        "stops; tiered as read with --accept-warnings (see import-report.txt)",
        f"import: {HEADLINE}",
    ]
    assert "import: 1 row(s) skipped: blank name" in imported
    assert f"import: 1 cell(s) flagged: {DECIMAL_MARK}" in imported


def test_problems_within_the_threshold_are_kept_too(tmp_path: Path) -> None:
    rows = "".join(f"A{n},Company {n},Software,{n + 10},,US\n" for n in range(40))
    path = tmp_path / "accounts.csv"
    path.write_text(
        "account_id,name,industry,employees,annual_revenue,country\n"
        + rows
        + "A99,Approx,Software,about 300,,US\n",
        encoding="utf-8",
    )

    tier_file(path, tmp_path / "out", AS_OF)

    manifest = _manifest(tmp_path / "out")
    assert manifest["import_problems"]["needed_accept_warnings"] is False
    assert manifest["import_problems"]["problem_rows"] == 1
    assert manifest["warnings"][-3].startswith(
        "import: 1 of 41 rows had problems, within the 5% a run accepts"
    )


def test_a_clean_import_adds_nothing(tmp_path: Path) -> None:
    path = tmp_path / "accounts.csv"
    path.write_text("account_id,name,employees\nA1,Acme,10\n", encoding="utf-8")

    tier_file(path, tmp_path / "out", AS_OF)

    manifest = _manifest(tmp_path / "out")
    assert "import_problems" not in manifest
    assert not any(line.startswith("import:") for line in manifest["warnings"])


def test_the_tier_command_records_what_it_accepted(
    problems_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        app,
        [
            "tier",
            str(problems_csv),
            "--as-of",
            AS_OF.isoformat(),
            "--out",
            "out",
            "--accept-warnings",
            "--no-store",
        ],
    )

    assert result.exit_code == 0, result.output
    assert _manifest(tmp_path / "out")["import_problems"]["problem_rows"] == 4


def test_a_table_run_records_the_rows_it_skipped(tmp_path: Path) -> None:
    path = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            "CREATE TABLE accounts AS SELECT * FROM (VALUES "
            "('A1', 'Acme', 5000), ('A2', NULL, 10), (NULL, 'No Id', 20)"
            ") AS t(account_id, name, employees)"
        )

    tier_table(
        f"duckdb:///{path}::accounts", tmp_path / "out", AS_OF, accept_warnings=True
    )

    problems = _manifest(tmp_path / "out")["import_problems"]
    assert problems["needed_accept_warnings"] is True
    assert problems["skipped_rows"] == {"no account id or name": 2}
