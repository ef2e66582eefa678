"""Reading a file cell by cell counts its rows, then the cleaning of its cells.

A million-row CSV took ``tier`` about a hundred seconds to read, while the
bar showed ``Reading accounts`` and a clock, no count. The rows are now
counted as the file is parsed, and the cleaning of their cells (numbers,
dates, domains) is a step of its own with a count of the accounts.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from rich.console import Console
from typer.testing import CliRunner

from tests.test_progress import Recorded
from tierwise import jobs
from tierwise.cli import app
from tierwise.cli.progress import progress_bar
from tierwise.sample import write_portfolio

AS_OF = date(2026, 9, 30)
ROWS = 25_000


@pytest.fixture(scope="module")
def portfolio_csv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reading-progress")
    return write_portfolio(folder / "accounts.csv", ROWS, 3, as_of=AS_OF)


def test_tier_counts_a_csv_s_rows_and_then_their_cleaning(
    portfolio_csv: Path, tmp_path: Path
) -> None:
    recorded = Recorded()

    jobs.tier_file(portfolio_csv, tmp_path / "out", AS_OF, progress=recorded)

    assert recorded.tasks() == [
        ("Reading accounts", None),
        ("Cleaning accounts", ROWS),
        ("Scoring and tiering", ROWS),
        ("Writing results", None),
    ]
    # Rows below the first (the header), a chunk at a time.
    assert recorded.counts_in("Reading accounts") == [9_999, 19_999, ROWS]
    cleaned = recorded.counts_in("Cleaning accounts")
    assert cleaned == sorted(set(cleaned))
    assert len(cleaned) > 10
    assert cleaned[-1] == ROWS


def test_an_excel_file_s_rows_are_counted_too(tmp_path: Path) -> None:
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(["account_id", "name", "employees"])
    for number in range(1, 12_001):
        sheet.append([f"x-{number}", f"Company {number}", number])
    book.save(tmp_path / "accounts.xlsx")
    recorded = Recorded()

    jobs.tier_file(
        tmp_path / "accounts.xlsx", tmp_path / "out", AS_OF, progress=recorded
    )

    assert recorded.tasks()[:2] == [
        ("Reading accounts", None),
        ("Cleaning accounts", 12_000),
    ]
    assert recorded.counts_in("Reading accounts") == [9_999, 12_000]


def test_the_bar_shows_both_counts_at_a_terminal(
    portfolio_csv: Path, tmp_path: Path
) -> None:
    shown = io.StringIO()
    stderr = Console(file=shown, force_terminal=True, width=120)
    stdout = Console(file=io.StringIO(), force_terminal=True, width=120)

    with progress_bar(False, shown_on=stderr, beside=stdout) as progress:
        jobs.tier_file(portfolio_csv, tmp_path / "out", AS_OF, progress=progress)

    assert "Reading accounts" in shown.getvalue()
    assert f"{ROWS:,} of {ROWS:,} accounts" in shown.getvalue()
    assert "Cleaning accounts" in shown.getvalue()


def test_reading_a_csv_draws_nothing_off_a_terminal(
    portfolio_csv: Path, tmp_path: Path
) -> None:
    tiered = CliRunner().invoke(
        app,
        ["tier", str(portfolio_csv), "--no-store", "--out", str(tmp_path / "out")],
    )

    assert tiered.exit_code == 0, tiered.output
    assert "Reading accounts" not in tiered.output
    assert "Cleaning accounts" not in tiered.output


def test_a_parquet_file_read_cell_by_cell_counts_its_rows(tmp_path: Path) -> None:
    # A repeated id sends a Parquet file to the cell reader; its reading
    # step showed "0 of 0 accounts" once the cleaning began.
    accounts = tmp_path / "accounts.parquet"
    table = {"account_id": ["a", "a", "b"], "name": ["Acme", "Acme", "Beta"]}
    pq.write_table(pa.table(table), accounts)
    recorded = Recorded()

    jobs.tier_file(
        accounts, tmp_path / "out", AS_OF, accept_warnings=True, progress=recorded
    )

    assert recorded.tasks() == [
        ("Reading accounts", None),
        ("Cleaning accounts", 3),
        ("Scoring and tiering", 2),
        ("Writing results", None),
    ]
    assert recorded.counts_in("Reading accounts") == [3]
