"""A run from a database table: its progress bar, and what its summary says."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import date
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest
from tests.test_progress import Recorded
from typer.testing import CliRunner

from tierwise.cli import app
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)
SQLITE_TYPES = {"double": "REAL", "bool": "BOOLEAN", "date32[day]": "DATE"}


def _duckdb_source(portfolio: Path, folder: Path) -> str:
    path = folder / "crm.duckdb"
    with duckdb.connect(str(path)) as connection:
        connection.execute(
            f"CREATE TABLE accounts AS SELECT * FROM read_parquet('{portfolio}')"
        )
    return f"duckdb:///{path}::accounts"


def _sqlite_source(portfolio: Path, folder: Path) -> str:
    """The portfolio in SQLite, its dates as ISO text and booleans as 0/1."""
    path = folder / "crm.sqlite"
    table = pq.read_table(portfolio)
    rows = [
        tuple(v.isoformat() if isinstance(v, date) else v for v in row.values())
        for row in table.to_pylist()
    ]
    columns = ", ".join(
        f'"{field.name}" {SQLITE_TYPES.get(str(field.type), "TEXT")}'
        for field in table.schema
    )
    marks = ", ".join("?" for _ in table.column_names)
    with sqlite3.connect(path) as connection:
        connection.execute(f"CREATE TABLE accounts ({columns})")
        connection.executemany(f"INSERT INTO accounts VALUES ({marks})", rows)
    connection.close()
    return f"sqlite:///{path}::accounts"


SCORED_HERE = [("Scoring and tiering", 1000)]
# The database says nothing while it scores; its results are counted.
SCORED_THERE = [
    ("Scoring and tiering in the database", None),
    ("Receiving results", 1000),
]


@pytest.mark.parametrize(
    ("make_source", "scoring"),
    [
        pytest.param(_duckdb_source, SCORED_HERE, id="duckdb-file-scored-by-tierwise"),
        pytest.param(_sqlite_source, SCORED_THERE, id="sqlite-scored-in-the-database"),
    ],
)
def test_a_table_run_reports_reading_scoring_and_writing(
    make_source: Callable[[Path, Path], str],
    scoring: list[tuple[str, int | None]],
    portfolio: Path,
    tmp_path: Path,
) -> None:
    source = make_source(portfolio, tmp_path)
    recorded = Recorded()

    tier_table(source, tmp_path / "out", AS_OF, progress=recorded)

    assert recorded.tasks() == [
        ("Reading accounts", None),
        *scoring,
        ("Writing results", None),
    ]
    assert recorded.counts_in(scoring[-1][0])[-1] == 1000
    assert recorded.events[-1] == ("finish", None)


def test_the_summary_names_the_table_the_results_were_written_back_to(
    portfolio: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "200")
    source = _duckdb_source(portfolio, tmp_path)
    command = ["tier", "--source", source, "--as-of", "2026-09-30", "--no-store"]

    result = CliRunner().invoke(
        app, [*command, "--write-back", "tiers_q3", "--out", str(tmp_path / "out")]
    )

    assert result.exit_code == 0, result.output
    assert f"Written back to the table tiers_q3 beside {source}" in result.output


def test_a_table_reports_absent_only_the_fields_the_model_reads(
    portfolio: Path, tmp_path: Path
) -> None:
    """As a Parquet file's run does: fields only signal files could fill,
    which no criterion of the default model reads, are not called missing."""
    source = _duckdb_source(portfolio, tmp_path)
    with duckdb.connect(source.removeprefix("duckdb:///").split("::")[0]) as database:
        database.execute("ALTER TABLE accounts DROP COLUMN intent_score")

    job = tier_table(source, tmp_path / "out", AS_OF)

    assert job.report.absent_fields == ["intent_score"]
