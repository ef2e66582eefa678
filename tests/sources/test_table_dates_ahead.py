"""A --source table's dates after the as-of date are warned about as a
file's are: the question runs in the table's database, in its own SQL
(SQLite keeps dates as text, and answers with text)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from tests.databases import DATABASES, MakeTable, table_maker

from tierwise.table_jobs import tier_table

AS_OF = date(2020, 1, 1)
COLUMNS = {
    "account_id": "VARCHAR(20)",
    "name": "VARCHAR(40)",
    "last_engagement_date": "DATE",
}
ROWS = [
    ("A1", "Alpha", date(2021, 10, 1)),
    ("A2", "Beta", date(2026, 9, 30)),
    ("A3", "Gamma", date(2019, 5, 1)),
    ("A4", "Delta", None),
]


@pytest.fixture
def make_table(tmp_path: Path) -> Iterator[MakeTable]:
    with table_maker(tmp_path, "tierwise_dates_ahead") as make:
        yield make


@pytest.mark.parametrize("database", DATABASES)
def test_a_table_warns_of_dates_after_the_as_of_date(
    database: str, make_table: MakeTable, tmp_path: Path
) -> None:
    source = make_table(database, COLUMNS, ROWS)

    job = tier_table(source, tmp_path / "out", AS_OF)

    ahead = [w for w in job.run.warnings if "after the as-of date" in w]
    assert ahead == [
        "last_engagement_date: 2 accounts have a date after the as-of date "
        "2020-01-01 (the latest 2026-09-30); recency scores such a date as "
        "missing; check --as-of; a date after it counts as not yet happened"
    ]
