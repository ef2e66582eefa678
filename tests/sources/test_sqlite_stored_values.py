"""A SQLite column keeps any value as given, whatever its declared type.

An INTEGER column can hold the text ``lots`` and a DATE column the number
45000 or the text ``yesterday``. SQLite's own casts read them without a word
(``lots`` as 0 employees, 45000 as a day in 4589 BC, ``yesterday`` as no
date), so such a table tiered on made-up values. Now each is refused with
the column and the accounts, as the same cell in a file is; blank text is
read as unknown, as a blank cell is.
"""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tierwise.errors import SourceError
from tierwise.table_jobs import tier_table

AS_OF = date(2026, 9, 30)


def _table(tmp_path: Path, employees: object, engaged: object) -> str:
    path = tmp_path / "crm.sqlite"
    with sqlite3.connect(path) as connection:
        connection.execute(
            "CREATE TABLE accounts (account_id TEXT, name TEXT, employees INTEGER, "
            "last_engagement_date DATE)"
        )
        connection.executemany(
            "INSERT INTO accounts VALUES (?, ?, ?, ?)",
            [
                ("a1", "Acme", 900, "2026-09-01"),
                ("b2", "Bolt", employees, engaged),
            ],
        )
    connection.close()
    return f"sqlite:///{path}::accounts"


@pytest.mark.parametrize(
    ("employees", "engaged", "message"),
    [
        pytest.param(
            "lots",
            "2026-09-01",
            r"'employees' \(employees\) holds text where a number belongs for "
            r"account\(s\) 'b2' \('lots'\)",
            id="text-in-a-number-column",
        ),
        pytest.param(
            900,
            "yesterday",
            r"'last_engagement_date' \(last_engagement_date\) is not a date "
            r"SQLite reads for account\(s\) 'b2' \('yesterday'\)",
            id="text-in-a-date-column",
        ),
        pytest.param(
            900,
            45000,
            r"is not a date SQLite reads for account\(s\) 'b2' \(45000\)",
            id="number-in-a-date-column",
        ),
        # date() reads these too: 'now' as the day of the run, a time alone
        # as 2000-01-01.
        pytest.param(
            900,
            " now ",
            r"is not a date SQLite reads for account\(s\) 'b2' \(' now '\)",
            id="now-in-a-date-column",
        ),
        pytest.param(
            900,
            "10:00",
            r"is not a date SQLite reads for account\(s\) 'b2' \('10:00'\)",
            id="a-time-alone-in-a-date-column",
        ),
        # date() rolls a day past the month's end into the next month.
        pytest.param(
            900,
            "2024-02-30",
            r"is not a date SQLite reads for account\(s\) 'b2' \('2024-02-30'\)",
            id="a-day-the-month-does-not-have",
        ),
        pytest.param(
            900,
            "2026-13-01",
            r"is not a date SQLite reads for account\(s\) 'b2' \('2026-13-01'\)",
            id="a-thirteenth-month",
        ),
    ],
)
def test_a_value_sqlite_kept_in_a_column_of_another_type_is_refused(
    tmp_path: Path, employees: object, engaged: object, message: str
) -> None:
    source = _table(tmp_path, employees, engaged)

    with pytest.raises(SourceError, match=message):
        tier_table(source, tmp_path / "out", AS_OF)
    assert not (tmp_path / "out").exists()


def test_blank_text_in_a_number_column_is_unknown(tmp_path: Path) -> None:
    # SQLite's cast read it as 0 employees, a value known.
    source = _table(tmp_path, "  ", "2026-09-01")

    tier_table(source, tmp_path / "out", AS_OF)

    explained = pq.read_table(tmp_path / "out" / "tiers.parquet").to_pylist()
    bolt = next(row for row in explained if row["account_id"] == "b2")
    acme = next(row for row in explained if row["account_id"] == "a1")
    assert bolt["completeness"] < acme["completeness"]


@pytest.mark.parametrize(
    "engaged",
    [
        pytest.param(" 2026-09-01 ", id="padded-date"),
        pytest.param("2026-09-01 10:00:00", id="date-and-time"),
        pytest.param("2026-09-01T10:00:00Z", id="iso-date-and-time"),
    ],
)
def test_a_date_written_year_first_is_read(tmp_path: Path, engaged: str) -> None:
    source = _table(tmp_path, 900, engaged)

    tier_table(source, tmp_path / "out", AS_OF)

    results = pq.read_table(tmp_path / "out" / "tiers.parquet").to_pylist()
    totals = {row["account_id"]: row["total"] for row in results}
    assert totals["b2"] == totals["a1"]
