"""Explaining accounts of a large Parquet file reads only their rows.

A file past the cell reader's limit was read in place by its run, every
check and merge working id by id, so `explain` reads just the rows of the
asked ids, found by the id column alone, rather than checking ten million
rows again. The explanations must equal the run's results.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tierwise.jobs import explain_accounts, tier_file
from tierwise.model import load_model
from tierwise.sources import load_preset
from tierwise.sources import parquet_view as module
from tierwise.sources.parquet_view import parquet_view

AS_OF = date(2026, 9, 30)

# Padded and repeated ids, as a large export can hold them: " a " is the
# account a, and its two rows complete each other.
ROWS = {
    "account_id": [" a ", "b", "a", "c", "d\u00a0", "e"],
    "name": ["Acme", "Beta", "Acme", "Core", "Delta", "Echo"],
    "industry": ["Software", "Retail", None, "Energy", "Banking", "Media"],
    "employees": [None, 40.0, 6000.0, 300.0, 9000.0, 12.0],
    "country": ["us", "fr", None, "de", "nl", "it"],
    "web_visits_30d": [12.0, None, None, 3.0, 60.0, 0.0],
}


@pytest.fixture
def accounts(tmp_path: Path) -> Path:
    path = tmp_path / "accounts.parquet"
    pq.write_table(pa.table(ROWS), path)
    return path


@pytest.fixture
def unrepeated(tmp_path: Path) -> Path:
    path = tmp_path / "unrepeated.parquet"
    pq.write_table(pa.table(ROWS).filter(pa.array([i != 2 for i in range(6)])), path)
    return path


def _view(path: Path, only_ids: list[str]) -> tuple[list[str], int]:
    connection = duckdb.connect()
    fields = load_model().read_fields()
    report = parquet_view(
        connection, path, fields, load_preset("generic"), only_ids=only_ids
    )
    assert report is not None
    ids = connection.sql("SELECT account_id FROM accounts ORDER BY 1").fetchall()
    return [str(row[0]) for row in ids], report.rows_read


def test_a_large_file_is_read_only_for_the_asked_ids(
    accounts: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 3)

    assert _view(accounts, ["a", "d"]) == (["a", "d"], 3)
    assert _view(accounts, ["nobody"]) == ([], 0)


def test_a_file_the_cell_reader_takes_is_read_whole(unrepeated: Path) -> None:
    # Its run may have gone to the cell reader for a row of another id, so
    # every row is checked as the run checked it.
    ids, rows_read = _view(unrepeated, ["a"])

    assert (len(ids), rows_read) == (5, 5)


def test_explanations_of_a_large_file_equal_its_run(
    accounts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(module, "CELL_READER_MAX_ROWS", 3)
    out = tmp_path / "out"
    tier_file(accounts, out, AS_OF)
    results = {
        row["account_id"]: row
        for row in pq.read_table(out / "tiers.parquet").to_pylist()
    }

    explained = explain_accounts(out, ["a", "d", "b"])

    assert sorted(e.account_id for e in explained) == ["a", "b", "d"]
    for explanation in explained:
        row = results[explanation.account_id]
        assert explanation.adds_up()
        assert (explanation.total, explanation.tier, explanation.rank) == (
            row["total"],
            row["tier"],
            row["rank"],
        )
